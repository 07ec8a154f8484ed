package dev.kiln;

import java.util.List;

/**
 * The eigenvalues and eigenvectors of general (non-symmetric) real square matrices, for {@link
 * Linalg#eig}, written with Kiln's array operations and loops so that every backend runs it.
 *
 * <p>The textbook route (Golub and Van Loan, ch. 7): a Householder reduction to upper Hessenberg
 * form, then complex single-shift QR sweeps (Wilkinson shifts, an exceptional shift after every
 * ten sweeps without progress) that chase the bulge with Givens rotations until the matrix is
 * upper triangular, deflating from the bottom; the eigenvalues are the diagonal of that Schur form
 * {@code T}, and the eigenvectors are {@code Z y} with {@code y} from back substitution in {@code
 * (T - lambda I) y = 0}. Every step updates whole (batched) matrices under masks, so one sweep costs
 * {@code O(n^3)}: meant for the small matrices (up to a few dozen rows) it is written for, like
 * {@link Linalg#eigh}.
 *
 * <p>Because the arithmetic is complex from the first complex shift on, real eigenvalues of a real
 * matrix may carry an imaginary part at rounding level, and a conjugate pair is conjugate only to
 * rounding (LAPACK's real algorithm, which JAX uses on CPU, makes both exact).
 */
final class GeneralEigen {
    private GeneralEigen() {}

    /** LAPACK's limit on QR sweeps: 30 per eigenvalue (at least 300 in all). */
    private static int maxSweeps(int n) {
        return 30 * Math.max(10, n);
    }

    /**
     * The eigenvalues {@code w (..., n)} and, when asked, the unit eigenvectors {@code v (..., n,
     * n)} (columns, each with its largest entry real and positive) of real float matrices {@code a
     * (..., n, n)}. A matrix with a NaN or an infinity gives NaNs.
     */
    static ComplexArray[] eig(Array a, boolean vectors) {
        int n = a.shape()[a.ndim() - 1];
        DType t = a.dtype();
        Array finite = Np.all(Np.isfinite(a), new int[] {-2, -1}, false);
        List<Array> schur = schurParts(a, finite);
        ComplexArray tm = new ComplexArray(schur.get(0), schur.get(1));
        ComplexArray w = new ComplexArray(Np.diagonal(tm.real(), 0, -2, -1), Np.diagonal(tm.imag(), 0, -2, -1));
        Array bad = Np.logicalNot(finite);
        w = ComplexArray.where(Np.expandDims(bad, -1), ComplexArray.scalar(Double.NaN, Double.NaN, t), w);
        if (!vectors) {
            return new ComplexArray[] {w};
        }
        ComplexArray y = triangularVectors(tm, w, n, t);
        ComplexArray v = ComplexArray.matmul(new ComplexArray(schur.get(2), schur.get(3)), y);
        v = normalized(v, t);
        v = ComplexArray.where(
                Np.expandDims(Np.expandDims(bad, -1), -1), ComplexArray.scalar(Double.NaN, Double.NaN, t), v);
        return new ComplexArray[] {w, v};
    }

    /**
     * The complex Schur form {@code a = z t z^H} of real float matrices {@code a (..., n, n)}: {@code
     * t} upper triangular, {@code z} unitary, as {@code {t, z}}. The order of the eigenvalues on
     * {@code t}'s diagonal is this QR iteration's, not necessarily LAPACK's. A matrix with a NaN or an
     * infinity gives NaNs.
     */
    static ComplexArray[] complexSchur(Array a) {
        DType t = a.dtype();
        Array finite = Np.all(Np.isfinite(a), new int[] {-2, -1}, false);
        List<Array> schur = schurParts(a, finite);
        Array bad = Np.expandDims(Np.expandDims(Np.logicalNot(finite), -1), -1);
        ComplexArray nan = ComplexArray.scalar(Double.NaN, Double.NaN, t);
        return new ComplexArray[] {
            ComplexArray.where(bad, nan, new ComplexArray(schur.get(0), schur.get(1))),
            ComplexArray.where(bad, nan, new ComplexArray(schur.get(2), schur.get(3)))
        };
    }

    /**
     * The complex Schur form of {@code a} as its parts {@code t.real, t.imag, z.real, z.imag}, by a
     * Hessenberg reduction and the QR iteration; a matrix that is not {@code finite} is iterated as
     * zeros (the callers put NaNs in its place).
     */
    private static List<Array> schurParts(Array a, Array finite) {
        int n = a.shape()[a.ndim() - 1];
        DType t = a.dtype();
        int[] batch = java.util.Arrays.copyOf(a.shape(), a.ndim() - 2);
        Array clean = Np.where(Np.expandDims(Np.expandDims(finite, -1), -1), a, 0.0);
        Array eye = Np.broadcastTo(Np.eye(n, n, 0, t), a.shape());
        List<Array> hz = hessenberg(clean, Np.astype(eye, t), n);
        ComplexArray h = ComplexArray.fromReal(hz.get(0));
        ComplexArray z = ComplexArray.fromReal(hz.get(1));
        return n < 2 ? List.of(h.real(), h.imag(), z.real(), z.imag()) : schur(h, z, finite, n, t, batch);
    }

    // ---------------------------------------------------------------- helpers on the last two axes

    private static Array iota(int n) {
        return Lax.iota(DType.INT32, new int[] {n}, 0);
    }

    private static Array unit(int n, Array j, DType t) {
        return Np.astype(Np.equal(iota(n), j), t);
    }

    /** Entry (r, c) of the matrices, for one-hot row and column vectors {@code er (..., n)}, {@code ec}. */
    private static Array entry(Array m, Array er, Array ec) {
        return Np.sum(Np.sum(Np.multiply(Np.multiply(m, Np.expandDims(er, -1)), Np.expandDims(ec, -2)), -1), -1);
    }

    private static ComplexArray entry(ComplexArray m, Array er, Array ec) {
        return new ComplexArray(entry(m.real(), er, ec), entry(m.imag(), er, ec));
    }

    /** Row j ({@code ej} one-hot) of the matrices: {@code (..., n, n) -> (..., n)}. */
    private static Array row(Array m, Array ej) {
        return Np.sum(Np.multiply(m, Np.expandDims(ej, -1)), -2);
    }

    private static Array column(Array m, Array ej) {
        return Np.sum(Np.multiply(m, Np.expandDims(ej, -2)), -1);
    }

    private static ComplexArray row(ComplexArray m, Array ej) {
        return new ComplexArray(row(m.real(), ej), row(m.imag(), ej));
    }

    private static ComplexArray column(ComplexArray m, Array ej) {
        return new ComplexArray(column(m.real(), ej), column(m.imag(), ej));
    }

    /** {@code |re| + |im|}, LAPACK's cheap modulus for convergence tests. */
    private static Array abs1(ComplexArray z) {
        return Np.add(Np.abs(z.real()), Np.abs(z.imag()));
    }

    /** A quotient by Smith's scaling, without the infinity recovery of {@link ComplexArray#divide}. */
    private static ComplexArray div(ComplexArray x, ComplexArray y) {
        Array a = x.real(), b = x.imag(), c = y.real(), d = y.imag();
        Array cBig = Np.greaterEqual(Np.abs(c), Np.abs(d));
        Array big = Np.where(cBig, c, d);
        Array small = Np.where(cBig, d, c);
        Array r = Np.divide(small, big);
        Array den = Np.add(big, Np.multiply(small, r));
        // |c| >= |d|: ((a + b r) + (b - a r) i) / den; else ((a r + b) + (b r - a) i) / den
        Array re = Np.where(cBig, Np.add(a, Np.multiply(b, r)), Np.add(Np.multiply(a, r), b));
        Array im = Np.where(cBig, Np.subtract(b, Np.multiply(a, r)), Np.subtract(Np.multiply(b, r), a));
        return new ComplexArray(Np.divide(re, den), Np.divide(im, den));
    }

    // ---------------------------------------------------------------- Hessenberg reduction

    /** {@code a = z h z^T} with {@code h} upper Hessenberg, by n - 2 Householder reflections. */
    private static List<Array> hessenberg(Array a, Array z, int n) {
        if (n < 3) {
            return List.of(a, z);
        }
        Array idx = iota(n);
        return Lax.forLoop(
                0,
                n - 2,
                (j, st) -> {
                    Array h = st.get(0);
                    Array q = st.get(1);
                    DType t = h.dtype();
                    Array ej = unit(n, j, t);
                    Array ej1 = unit(n, Np.add(j, 1), t);
                    Array x = Np.where(Np.greater(idx, j), column(h, ej), 0.0);
                    Array alpha = Np.sum(Np.multiply(x, ej1), new int[] {-1}, true);
                    Array tail =
                            Np.sum(Np.square(Np.where(Np.greater(idx, Np.add(j, 1)), x, 0.0)), new int[] {-1}, true);
                    Array norm = Np.sqrt(Np.add(Np.square(alpha), tail));
                    Array beta = Np.multiply(Np.where(Np.less(alpha, 0.0), 1.0, -1.0), norm);
                    Array v = Np.subtract(x, Np.multiply(beta, ej1));
                    Array skip = Np.equal(tail, 0.0);
                    Array vn2 = Np.sum(Np.square(v), new int[] {-1}, true);
                    Array scale = Np.where(skip, 0.0, Np.divide(2.0, Np.where(skip, 1.0, vn2)));
                    Array sv = Np.multiply(v, scale);
                    // h <- (I - s v v^T) h (I - s v v^T); q <- q (I - s v v^T)
                    Array vh = Np.squeeze(Np.matmul(Np.expandDims(v, -2), h), -2);
                    h = Np.subtract(h, Np.multiply(Np.expandDims(sv, -1), Np.expandDims(vh, -2)));
                    Array hv = Np.squeeze(Np.matmul(h, Np.expandDims(v, -1)), -1);
                    h = Np.subtract(h, Np.multiply(Np.expandDims(hv, -1), Np.expandDims(sv, -2)));
                    Array qv = Np.squeeze(Np.matmul(q, Np.expandDims(v, -1)), -1);
                    q = Np.subtract(q, Np.multiply(Np.expandDims(qv, -1), Np.expandDims(sv, -2)));
                    // exact zeros below the subdiagonal of column j
                    Array below = Np.logicalAnd(
                            Np.greater(Np.expandDims(idx, -1), Np.add(j, 1)), Np.expandDims(Np.equal(idx, j), -2));
                    h = Np.where(below, 0.0, h);
                    return List.of(h, q);
                },
                List.of(a, z));
    }

    // ---------------------------------------------------------------- complex Schur form

    /**
     * QR sweeps on the Hessenberg matrices until each is upper triangular: the carry is {@code h}
     * and {@code z} (parts), the active size {@code m} of each matrix, the sweeps since its last
     * deflation and the sweep count.
     */
    private static List<Array> schur(ComplexArray h0, ComplexArray z0, Array finite, int n, DType t, int[] batch) {
        Array m0 = Np.where(finite, n, 0);
        m0 = Np.astype(m0, DType.INT32);
        Array its0 = Np.zeros(DType.INT32, batch);
        int limit = maxSweeps(n);
        double eps = Np.finfo(t).eps();
        double tiny = Np.finfo(t).smallestNormal();
        Array idx = iota(n);
        List<Array> init = List.of(h0.real(), h0.imag(), z0.real(), z0.imag(), m0, its0, Np.scalar(0));
        List<Array> out = Lax.whileLoop(
                st -> Np.logicalAnd(Np.any(Np.greater(st.get(4), 1)), Np.less(st.get(6), limit)),
                st -> {
                    ComplexArray h = new ComplexArray(st.get(0), st.get(1));
                    ComplexArray z = new ComplexArray(st.get(2), st.get(3));
                    Array m = st.get(4);
                    Array its = st.get(5);
                    Array mm = Np.expandDims(m, -1); // (..., 1)
                    // negligible subdiagonal entries h[l, l-1], l = 1 .. n-1, are set to zero
                    ComplexArray diag =
                            new ComplexArray(Np.diagonal(h.real(), 0, -2, -1), Np.diagonal(h.imag(), 0, -2, -1));
                    ComplexArray sub =
                            new ComplexArray(Np.diagonal(h.real(), -1, -2, -1), Np.diagonal(h.imag(), -1, -2, -1));
                    Array d1 = abs1(diag);
                    Array scaleL = Np.add(tail(d1, 0, n - 1), tail(d1, 1, n));
                    Array small = Np.logicalOr(
                            Np.lessEqual(abs1(sub), Np.multiply(scaleL, eps)), Np.lessEqual(abs1(sub), tiny));
                    Array subMask = Np.equal(Np.expandDims(idx, -1), Np.add(Np.expandDims(idx, -2), 1));
                    // entry (l, l-1) is negligible when small[l-1] holds
                    Array smallFull = Np.logicalAnd(subMask, rowShifted(small, n));
                    h = ComplexArray.where(smallFull, 0.0, h);
                    // deflate when h[m-1, m-2] is negligible
                    Array lIdx = Np.add(iota(n - 1), 1); // l of small[l-1]
                    Array active = Np.greater(m, 1);
                    Array deflate = Np.logicalAnd(
                            active, Np.any(Np.logicalAnd(small, Np.equal(Np.add(lIdx, 1), mm)), new int[] {-1}, false));
                    Array step = Np.logicalAnd(active, Np.logicalNot(deflate));
                    // the top of the active window: the last negligible entry above m - 1
                    Array lo =
                            Np.max(Np.where(Np.logicalAnd(small, Np.less(lIdx, mm)), lIdx, 0), new int[] {-1}, false);
                    // the Wilkinson shift from the trailing 2 x 2 block of the window
                    Array e1m = Np.expandDims(Np.subtract(m, 1), -1);
                    Array e1 = Np.astype(Np.equal(idx, e1m), t);
                    Array e2 = Np.astype(Np.equal(idx, Np.subtract(e1m, 1)), t);
                    ComplexArray aa = entry(h, e2, e2);
                    ComplexArray bb = entry(h, e2, e1);
                    ComplexArray cc = entry(h, e1, e2);
                    ComplexArray dd = entry(h, e1, e1);
                    ComplexArray mu = wilkinson(aa, bb, cc, dd);
                    Array exceptional = Np.equal(Np.remainder(its, 10), 9);
                    ComplexArray muEx =
                            dd.add(new ComplexArray(Np.multiply(Np.abs(cc.real()), 0.75), Np.zerosLike(cc.real())));
                    mu = ComplexArray.where(exceptional, muEx, mu);
                    List<Array> swept = sweep(h, z, mu, lo, m, step, n, t);
                    Array nextM = Np.where(deflate, Np.subtract(m, 1), m);
                    Array nextIts = Np.where(deflate, 0, Np.where(step, Np.add(its, 1), its));
                    return List.of(
                            swept.get(0),
                            swept.get(1),
                            swept.get(2),
                            swept.get(3),
                            Np.astype(nextM, DType.INT32),
                            Np.astype(nextIts, DType.INT32),
                            Np.add(st.get(6), 1));
                },
                init);
        return out.subList(0, 4);
    }

    /** Elements {@code start .. limit-1} of the last axis. */
    private static Array tail(Array x, int start, int limit) {
        return Lax.sliceInDim(x, x.ndim() - 1, start, limit);
    }

    /** The (..., n, n) mask whose entry (l, c) is {@code small[l - 1]} (false in row 0). */
    private static Array rowShifted(Array small, int n) {
        Array pad = Np.zerosLike(tail(small, 0, 1));
        Array rows = Np.concatenate(List.of(pad, small), -1); // (..., n): rows[l] = small[l-1]
        return Np.expandDims(rows, -1);
    }

    /** The eigenvalue of {@code [[a, b], [c, d]]} nearer to {@code d}. */
    private static ComplexArray wilkinson(ComplexArray a, ComplexArray b, ComplexArray c, ComplexArray d) {
        ComplexArray p = a.subtract(d).multiply(0.5);
        ComplexArray bc = b.multiply(c);
        ComplexArray s = p.multiply(p).add(bc).sqrt();
        // the root of larger modulus in the denominator: p + s when Re(conj(p) s) >= 0
        Array same = Np.greaterEqual(Np.add(Np.multiply(p.real(), s.real()), Np.multiply(p.imag(), s.imag())), 0.0);
        ComplexArray den = ComplexArray.where(same, p.add(s), p.subtract(s));
        Array zero = Np.logicalAnd(Np.equal(den.real(), 0.0), Np.equal(den.imag(), 0.0));
        ComplexArray safe = ComplexArray.where(zero, 1.0, den);
        ComplexArray shift = d.subtract(div(bc, safe));
        return ComplexArray.where(zero, d, shift);
    }

    /**
     * One implicit single-shift QR sweep on rows and columns {@code lo .. m-1} of each matrix where
     * {@code step} holds: the first rotation makes {@code (h[lo,lo] - mu, h[lo+1,lo])} a multiple of
     * {@code e_1}, the next ones chase the bulge down the subdiagonal.
     */
    private static List<Array> sweep(
            ComplexArray h0, ComplexArray z0, ComplexArray mu, Array lo, Array m, Array step, int n, DType t) {
        Array idx = iota(n);
        List<Array> init = List.of(h0.real(), h0.imag(), z0.real(), z0.imag());
        return Lax.forLoop(
                0,
                n - 1,
                (k, st) -> {
                    ComplexArray h = new ComplexArray(st.get(0), st.get(1));
                    ComplexArray z = new ComplexArray(st.get(2), st.get(3));
                    Array ek = unit(n, k, t);
                    Array ek1 = unit(n, Np.add(k, 1), t);
                    Array ekm = unit(n, Np.subtract(k, 1), t);
                    Array first = Np.equal(lo, k);
                    Array on = Np.logicalAnd(step, Np.logicalAnd(Np.lessEqual(lo, k), Np.less(k, Np.subtract(m, 1))));
                    ComplexArray x = ComplexArray.where(first, entry(h, ek, ek).subtract(mu), entry(h, ek, ekm));
                    ComplexArray y = ComplexArray.where(first, entry(h, ek1, ek), entry(h, ek1, ekm));
                    // G = [[c, s], [-conj(s), c]] with c real and G (x, y)^T = (r, 0)^T
                    Array ax = x.abs();
                    Array r = Np.hypot(ax, y.abs());
                    Array xZero = Np.equal(ax, 0.0);
                    Array rZero = Np.equal(r, 0.0);
                    Array rs = Np.where(rZero, 1.0, r);
                    Array axs = Np.where(xZero, 1.0, ax);
                    Array c = Np.where(rZero, 1.0, Np.divide(ax, rs));
                    // s = (x / |x|) conj(y) / r, or 1 when x is 0
                    ComplexArray phase = new ComplexArray(Np.divide(x.real(), axs), Np.divide(x.imag(), axs));
                    ComplexArray s = phase.multiply(y.conj()).multiply(Np.reciprocal(rs));
                    s = ComplexArray.where(xZero, 1.0, s);
                    s = ComplexArray.where(rZero, 0.0, s);
                    c = Np.where(on, c, 1.0);
                    s = ComplexArray.where(on, s, 0.0);
                    ComplexArray cc = ComplexArray.fromReal(Np.expandDims(c, -1));
                    ComplexArray ss = s.expandDims(-1);
                    // rows k, k+1 <- G (rows k, k+1)
                    ComplexArray rk = row(h, ek);
                    ComplexArray rk1 = row(h, ek1);
                    ComplexArray newK = cc.multiply(rk).add(ss.multiply(rk1));
                    ComplexArray newK1 = cc.multiply(rk1).subtract(ss.conj().multiply(rk));
                    h = replaceRows(h, ek, ek1, newK, newK1);
                    // columns k, k+1 <- (columns k, k+1) G^H
                    h = rotateColumns(h, ek, ek1, cc, ss);
                    z = rotateColumns(z, ek, ek1, cc, ss);
                    // the entry just chased is zero exactly
                    Array chased = Np.logicalAnd(
                            Np.expandDims(Np.expandDims(Np.logicalAnd(on, Np.logicalNot(first)), -1), -1),
                            Np.logicalAnd(
                                    Np.expandDims(Np.equal(idx, Np.add(k, 1)), -1),
                                    Np.expandDims(Np.equal(idx, Np.subtract(k, 1)), -2)));
                    h = ComplexArray.where(chased, 0.0, h);
                    return List.of(h.real(), h.imag(), z.real(), z.imag());
                },
                init);
    }

    private static ComplexArray replaceRows(
            ComplexArray m, Array ek, Array ek1, ComplexArray newK, ComplexArray newK1) {
        Array pk = Np.expandDims(ek, -1);
        Array pk1 = Np.expandDims(ek1, -1);
        Array keep = Np.subtract(1.0, Np.add(pk, pk1));
        return m.multiply(keep)
                .add(newK.expandDims(-2).multiply(pk))
                .add(newK1.expandDims(-2).multiply(pk1));
    }

    /** Columns k, k+1 of m <- (c m_k + conj(s) m_k1, c m_k1 - s m_k); c and s are (..., 1). */
    private static ComplexArray rotateColumns(ComplexArray m, Array ek, Array ek1, ComplexArray c, ComplexArray s) {
        ComplexArray mk = column(m, ek);
        ComplexArray mk1 = column(m, ek1);
        ComplexArray newK = c.multiply(mk).add(s.conj().multiply(mk1));
        ComplexArray newK1 = c.multiply(mk1).subtract(s.multiply(mk));
        Array keep = Np.subtract(1.0, Np.add(ek, ek1));
        return m.multiply(keep)
                .add(newK.expandDims(-1).multiply(ek))
                .add(newK1.expandDims(-1).multiply(ek1));
    }

    // ---------------------------------------------------------------- eigenvectors

    /**
     * The eigenvectors of upper triangular {@code t}: column k solves {@code (T - w_k I) y = 0} with
     * {@code y_k = 1} and zeros below, by back substitution one row at a time (a pivot smaller than
     * {@code eps |w_k|} is replaced by that, as LAPACK's {@code trevc} does).
     */
    private static ComplexArray triangularVectors(ComplexArray tm, ComplexArray w, int n, DType t) {
        Array idx = iota(n);
        double eps = Np.finfo(t).eps();
        double tiny = Np.finfo(t).smallestNormal();
        Array smin = Np.maximum(Np.multiply(abs1(w), eps), tiny); // (..., n) over k
        ComplexArray y0 = ComplexArray.fromReal(Np.zerosLike(tm.real()));
        List<Array> out = Lax.forLoop(
                0,
                n,
                (step, st) -> {
                    ComplexArray y = new ComplexArray(st.get(0), st.get(1));
                    Array i = Np.subtract(n - 1, step);
                    Array ei = unit(n, i, t);
                    ComplexArray ti = row(tm, ei); // T[i, :]
                    ComplexArray upper = ComplexArray.where(Np.greater(idx, i), ti, 0.0);
                    // sum_j T[i, j] y[j, k] over j > i, for every k
                    ComplexArray acc =
                            ComplexArray.matmul(upper.expandDims(-2), y).reshape(w.shape());
                    ComplexArray tii = entry(tm, ei, ei).expandDims(-1);
                    ComplexArray piv = tii.subtract(w);
                    Array tooSmall = Np.less(abs1(piv), smin);
                    piv = ComplexArray.where(tooSmall, ComplexArray.fromReal(smin), piv);
                    ComplexArray yi = div(acc.negative(), piv);
                    yi = ComplexArray.where(Np.greater(idx, i), yi, ComplexArray.where(Np.equal(idx, i), 1.0, 0.0));
                    ComplexArray next = y.add(yi.expandDims(-2).multiply(Np.expandDims(ei, -1)));
                    return List.of(next.real(), next.imag());
                },
                List.of(y0.real(), y0.imag()));
        return new ComplexArray(out.get(0), out.get(1));
    }

    /** Columns scaled to unit 2-norm, each turned so that its largest entry is real and positive. */
    private static ComplexArray normalized(ComplexArray v, DType t) {
        Array mag = v.abs();
        Array norm = Np.sqrt(Np.sum(Np.square(mag), new int[] {-2}, true));
        Array big = Np.argmax(mag, -2, true);
        ComplexArray top = new ComplexArray(Np.takeAlongAxis(v.real(), big, -2), Np.takeAlongAxis(v.imag(), big, -2));
        Array topAbs = top.abs();
        Array safe = Np.where(Np.equal(topAbs, 0.0), 1.0, topAbs);
        ComplexArray phase = new ComplexArray(Np.divide(top.real(), safe), Np.divide(top.imag(), safe)).conj();
        phase = ComplexArray.where(Np.equal(topAbs, 0.0), 1.0, phase);
        Array scale = Np.reciprocal(Np.where(Np.equal(norm, 0.0), 1.0, norm));
        return v.multiply(phase).multiply(scale);
    }
}
