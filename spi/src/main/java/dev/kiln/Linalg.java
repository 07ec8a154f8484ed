package dev.kiln;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Linear algebra in the spirit of {@code jax.numpy.linalg} (with {@code solveTriangular} from
 * {@code jax.scipy.linalg}), written with Kiln's own array operations and loops: element-wise
 * arithmetic, reductions, matrix products and {@link Lax#forLoop}. Every backend therefore runs
 * it without new primitives, and it works eagerly, under {@code jit} and under {@code vmap}.
 *
 * <p>Matrices are the last two axes; leading axes are batch axes, as in JAX ({@code (..., M, N)}).
 * Integer and bool inputs become float32, as JAX promotes them; float32 and float64 are computed
 * in their own precision. Factorizations loop over the columns (one step per column, each a few
 * whole-matrix operations), so their cost is {@code O(n^3)} per matrix like the textbook
 * algorithms.
 *
 * <p>Derivatives follow JAX's rules through {@link Kiln#customJvp}, not by differentiating the
 * loops: {@code cholesky} ({@code L phi(L^-1 dA L^-T)}), the triangular and general solves ({@code
 * A^-1 (dB - dA X)}), {@code inv}, {@code det} ({@code det tr(A^-1 dA)}), {@code slogdet}, {@code
 * qr} (tall or square matrices) and {@code eigh}. Reverse mode transposes those rules.
 *
 * <p>Like JAX, a Cholesky factorization of a matrix that is not positive definite gives NaNs (the
 * whole lower triangle), and a singular matrix gives infinities or NaNs in {@code solve} and {@code inv}
 * and a zero determinant; no exception is raised for values, only for shapes and dtypes.
 */
public final class Linalg {
    private Linalg() {}

    /** The result of {@link #slogdet}: the sign of the determinant (0 when singular) and {@code log|det|}. */
    public record Slogdet(Array sign, Array logabsdet) {}

    /** The result of {@link #qr}: {@code a = q r}, {@code q} with orthonormal columns, {@code r} upper triangular. */
    public record QR(Array q, Array r) {}

    /** The result of {@link #eigh}: ascending eigenvalues and the eigenvectors as columns. */
    public record Eigh(Array eigenvalues, Array eigenvectors) {}

    // ---------------------------------------------------------------- argument checks

    private static Array floating(String fn, Array a) {
        Objects.requireNonNull(a, "a");
        return a.dtype().isFloating() ? a : Np.astype(a, DType.FLOAT32);
    }

    private static Array matrix(String fn, Array a) {
        Objects.requireNonNull(a, "a");
        if (a.ndim() < 2) {
            throw new ShapeException(fn + ": expected an array of at least two dimensions (..., M, N), got shape "
                    + Shape.toString(a.shape()) + "; reshape a vector to a 1 x N or N x 1 matrix first");
        }
        return floating(fn, a);
    }

    private static Array square(String fn, Array a) {
        Array m = matrix(fn, a);
        int[] s = m.shape();
        if (s[s.length - 1] != s[s.length - 2]) {
            throw new ShapeException(fn + ": expected a square matrix in the last two axes, got shape "
                    + Shape.toString(s) + "; the last two dimensions must be equal");
        }
        return m;
    }

    private static int rows(Array a) {
        return a.shape()[a.ndim() - 2];
    }

    private static int cols(Array a) {
        return a.shape()[a.ndim() - 1];
    }

    private static int[] batch(Array a) {
        return Arrays.copyOf(a.shape(), a.ndim() - 2);
    }

    private static int[] concat(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---------------------------------------------------------------- small helpers on the last two axes

    /**
     * {@code body(i, carry)} for i = 0 .. n-1: a scan over the indices (not a counter in the carry),
     * so reverse mode sees the index as a constant of the transposed loop.
     */
    private static <T> T loop(int n, java.util.function.BiFunction<Array, T, T> body, T init) {
        if (n == 0) {
            return init;
        }
        return Lax.scan((T c, Array i) -> Lax.Step.of(body.apply(i, c), (Object) null), init, iota(n))
                .carry();
    }

    /** {@code 0, 1, ..., n-1} as int32. */
    private static Array iota(int n) {
        return Lax.iota(DType.INT32, new int[] {n}, 0);
    }

    /** The one-hot vector of length n at the (0-d, possibly traced) index j, in dtype t. */
    private static Array unit(int n, Array j, DType t) {
        return Np.astype(Np.equal(iota(n), j), t);
    }

    /** Row j of the matrices: {@code (..., M, N) -> (..., N)}. */
    private static Array row(Array a, Array ej) {
        return Np.sum(Np.multiply(a, Np.expandDims(ej, 1)), -2);
    }

    /** Column j of the matrices: {@code (..., M, N) -> (..., M)}. */
    private static Array column(Array a, Array ej) {
        return Np.sum(Np.multiply(a, ej), -1);
    }

    /** The matrix transpose of the last two axes. */
    private static Array mT(Array a) {
        return Np.swapaxes(a, -1, -2);
    }

    /** Matrix-vector product {@code (..., M, N) x (..., N) -> (..., M)}. */
    private static Array matvec(Array a, Array v) {
        return Np.squeeze(Np.matmul(a, Np.expandDims(v, -1)), -1);
    }

    private static Array symmetrize(Array a) {
        return Np.multiply(Np.add(a, mT(a)), 0.5);
    }

    /**
     * Fills the lower triangle of every factor that holds a NaN with NaNs (the upper stays zero), as
     * JAX reports a failed Cholesky factorization.
     */
    private static Array nanIfAnyNan(Array x) {
        Array bad = Np.any(Np.isnan(x), new int[] {-2, -1}, true);
        int n = rows(x);
        Array lower = Np.greaterEqual(Np.expandDims(iota(n), -1), iota(n));
        return Np.where(Np.logicalAnd(bad, lower), Double.NaN, x);
    }

    // ---------------------------------------------------------------- Cholesky

    /**
     * The lower Cholesky factor {@code L} of symmetric positive-definite matrices, {@code a = L
     * L^T}, as {@code jnp.linalg.cholesky}: the input is symmetrized first ({@code (a + a^T)/2}), and
     * a matrix that is not positive definite gives NaNs in the whole lower triangle. Differentiable with JAX's rule.
     *
     * @throws ShapeException when {@code a} has fewer than two axes or its last two differ
     */
    public static Array cholesky(Array a) {
        return cholesky(a, false);
    }

    /**
     * {@link #cholesky(Array)}, or the upper factor {@code U = L^T} ({@code a = U^T U}) when {@code
     * upper}.
     */
    public static Array cholesky(Array a, boolean upper) {
        Array x = square("Linalg.cholesky", a);
        Array l = CHOLESKY.apply(symmetrize(x));
        return upper ? mT(l) : l;
    }

    private static final Function<Array, Array> CHOLESKY =
            Kiln.<Array, Array>customJvp(Linalg::choleskyLower, (a, da) -> {
                Array l = choleskyLower(a);
                Array sigma = symmetrize(da);
                // L^-1 dA L^-T, with phi taking the lower triangle and half the diagonal
                Array tmp = mT(lowerSolve(l, mT(sigma), false, false));
                Array inner = lowerSolve(l, tmp, false, false);
                int n = rows(a);
                Array phi = Np.multiply(Np.tril(inner), Np.subtract(1.0, Np.multiply(Np.eye(n, n, 0, a.dtype()), 0.5)));
                return new Kiln.Jvp<>(l, Np.matmul(l, phi));
            });

    /** Column by column (left-looking): column j is {@code (a_j - L L_j^T) / sqrt(...)}. */
    private static Array choleskyLower(Array a) {
        int n = rows(a);
        DType t = a.dtype();
        Array idx = iota(n);
        Array l = loop(
                n,
                (j, acc) -> {
                    Array ej = unit(n, j, t);
                    Array c = Np.subtract(column(a, ej), matvec(acc, row(acc, ej)));
                    Array d = Np.sqrt(Np.sum(Np.multiply(c, ej), new int[] {-1}, true));
                    Array col = Np.where(Np.greater(idx, j), Np.divide(c, d), Np.where(Np.equal(idx, j), d, 0.0));
                    return Np.add(acc, Np.multiply(Np.expandDims(col, -1), ej));
                },
                Np.zerosLike(a));
        return nanIfAnyNan(l);
    }

    // ---------------------------------------------------------------- triangular solves

    /**
     * Solves {@code a x = b} for a triangular {@code a} (the other triangle is ignored), as {@code
     * jax.scipy.linalg.solve_triangular(a, b, lower=lower)}: {@code b} is {@code (..., M)} (one
     * right-hand side, when it has one axis fewer than {@code a}) or {@code (..., M, K)}; batch
     * axes broadcast. Differentiable in both arguments.
     *
     * @throws ShapeException when {@code a} is not square or {@code b}'s rows do not match
     */
    public static Array solveTriangular(Array a, Array b, boolean lower) {
        return solveTriangular(a, b, lower, false, false);
    }

    /**
     * {@link #solveTriangular(Array, Array, boolean)}, solving {@code a^T x = b} when {@code
     * transpose} and taking the diagonal of {@code a} as ones when {@code unitDiagonal}.
     */
    public static Array solveTriangular(Array a, Array b, boolean lower, boolean transpose, boolean unitDiagonal) {
        String fn = "Linalg.solveTriangular";
        Array x = square(fn, a);
        Objects.requireNonNull(b, "b");
        boolean vector = b.ndim() == x.ndim() - 1;
        Array rhs = floating(fn, vector ? Np.expandDims(b, -1) : b);
        checkRhs(fn, x, rhs, vector, b);
        DType t = DType.promote(x.dtype(), rhs.dtype());
        Array out = triangular(Np.astype(x, t), Np.astype(rhs, t), lower, transpose, unitDiagonal);
        return vector ? Np.squeeze(out, -1) : out;
    }

    private static void checkRhs(String fn, Array a, Array rhs, boolean vector, Array b) {
        if (rhs.ndim() < 2 || rows(rhs) != rows(a)) {
            throw new ShapeException(fn + ": b of shape " + Shape.toString(b.shape()) + " does not match a of shape "
                    + Shape.toString(a.shape()) + "; b must be (..., " + rows(a) + ") or (..., " + rows(a)
                    + ", K)");
        }
        Np.broadcastShapes(fn, batch(a), batch(rhs));
    }

    /** op(a) x = b, op(a) = a or a^T, with a lower or upper triangular; differentiable by JAX's rule. */
    private static Array triangular(Array a, Array b, boolean lower, boolean transpose, boolean unit) {
        Function<List<Array>, Array> solve = Kiln.<List<Array>, Array>customJvp(
                ab -> triangularValue(ab.get(0), ab.get(1), lower, transpose, unit), (p, d) -> {
                    Array x = triangularValue(p.get(0), p.get(1), lower, transpose, unit);
                    Array da = lower ? Np.tril(d.get(0), unit ? -1 : 0) : Np.triu(d.get(0), unit ? 1 : 0);
                    Array rhs = Np.subtract(d.get(1), Np.matmul(transpose ? mT(da) : da, x));
                    return new Kiln.Jvp<>(x, triangularValue(p.get(0), rhs, lower, transpose, unit));
                });
        return solve.apply(List.of(a, b));
    }

    private static Array triangularValue(Array a, Array b, boolean lower, boolean transpose, boolean unit) {
        Array m = transpose ? mT(a) : a;
        boolean low = lower != transpose;
        if (low) {
            return lowerSolve(m, b, unit, true);
        }
        // an upper triangular system is a lower one with rows and columns reversed
        Array flipped = Np.flip(m, -2, -1);
        return Np.flip(lowerSolve(flipped, Np.flip(b, -2), unit, true), -2);
    }

    /**
     * Forward substitution {@code L x = b} for {@code L (..., n, n)} and {@code b (..., n, k)}:
     * row i of x is {@code (b_i - L_i,<i x_<i) / L_ii}. Entries of L above the diagonal are ignored
     * when {@code mask} (they are zero already otherwise).
     */
    private static Array lowerSolve(Array l, Array b, boolean unit, boolean mask) {
        int n = rows(l);
        DType t = DType.promote(l.dtype(), b.dtype());
        Array lower = mask ? Np.tril(l, -1) : l;
        Array diag = unit ? null : Np.diagonal(l, 0, -2, -1);
        int[] shape = concat(Np.broadcastShapes("Linalg", batch(l), batch(b)), n, cols(b));
        return loop(
                n,
                (i, x) -> {
                    Array ei = unit(n, i, t);
                    Array s = Np.matmul(Np.expandDims(row(lower, ei), -2), x); // (..., 1, k)
                    Array bi = Np.expandDims(row(b, ei), -2);
                    Array xi = Np.subtract(bi, s);
                    if (!unit) {
                        xi = Np.divide(xi, Np.expandDims(Np.sum(Np.multiply(diag, ei), new int[] {-1}, true), -1));
                    }
                    return Np.add(x, Np.multiply(Np.expandDims(ei, -1), xi));
                },
                Np.zeros(t, shape));
    }

    // ---------------------------------------------------------------- LU with partial pivoting

    /** Packed LU factors (unit L below the diagonal, U on and above), the row permutation and the swap count. */
    private record Lu(Array lu, Array perm, Array swaps, Array piv) {}

    /**
     * LU with partial pivoting, as LAPACK's getrf: at step j the row with the largest {@code |a_ij|}
     * (i >= j, first on ties) is swapped into row j; a zero pivot column is left as is.
     */
    private static Lu factor(Array a) {
        int n = rows(a);
        DType t = a.dtype();
        Array idx = iota(n);
        Array idxCol = Np.expandDims(idx, -1);
        int[] b = batch(a);
        Array perm0 = Np.broadcastTo(idx, concat(b, n));
        Array swaps0 = Np.zeros(DType.INT32, b);
        Array piv0 = Np.broadcastTo(idx, concat(b, n));
        List<Array> r = loop(
                n,
                (j, st) -> {
                    Array m = st.get(0);
                    Array perm = st.get(1);
                    Array ej = unit(n, j, t);
                    Array col = column(m, ej);
                    Array candidates = Np.where(Np.less(idx, j), -1.0, Np.abs(col));
                    Array p = Np.argmax(candidates, -1, true); // (..., 1)
                    Array ep = Np.astype(Np.equal(idx, p), t); // (..., n)
                    // swap rows j and p: m + (e_j - e_p)(row_p - row_j)^T
                    Array rj = row(m, ej);
                    Array rp = Np.sum(Np.multiply(m, Np.expandDims(ep, -1)), -2);
                    Array diff = Np.subtract(ej, ep);
                    m = Np.add(m, Np.multiply(Np.expandDims(diff, -1), Np.expandDims(Np.subtract(rp, rj), -2)));
                    Array pj =
                            Np.sum(Np.multiply(perm, Np.astype(Np.equal(idx, j), DType.INT32)), new int[] {-1}, true);
                    Array pp =
                            Np.sum(Np.multiply(perm, Np.astype(Np.equal(idx, p), DType.INT32)), new int[] {-1}, true);
                    perm = Np.where(Np.equal(idx, j), pp, Np.where(Np.equal(idx, p), pj, perm));
                    Array swaps = Np.add(st.get(2), Np.astype(Np.notEqual(Np.squeeze(p, -1), j), DType.INT32));
                    Array piv = Np.where(Np.equal(idx, j), Np.astype(p, DType.INT32), st.get(3));
                    // eliminate below the pivot
                    Array c = column(m, ej);
                    Array pivot = Np.sum(Np.multiply(c, ej), new int[] {-1}, true);
                    Array safe = Np.where(Np.equal(pivot, 0.0), 1.0, pivot);
                    Array below = Np.greater(idx, j);
                    Array l = Np.where(below, Np.divide(c, safe), 0.0);
                    Array urow = Np.multiply(row(m, ej), Np.astype(Np.greater(idx, j), t));
                    m = Np.subtract(m, Np.multiply(Np.expandDims(l, -1), Np.expandDims(urow, -2)));
                    m = Np.where(Np.logicalAnd(Np.greater(idxCol, j), Np.equal(idx, j)), Np.expandDims(l, -1), m);
                    return List.of(m, perm, swaps, piv);
                },
                List.of(a, perm0, swaps0, piv0));
        return new Lu(r.get(0), r.get(1), r.get(2), r.get(3));
    }

    /**
     * {@link #luSolve} in the order of the optimized BLAS {@code trsm} kernels behind JAX's CPU solve
     * (OpenBLAS): column by column of the triangle, each entry multiplied by the reciprocal of its
     * pivot. For a regular matrix the two agree to rounding; for a singular one this gives JAX's
     * pattern of infinities and NaNs (a zero pivot's reciprocal is infinite, times a zero entry NaN),
     * where the dot-product order would make every entry NaN. Primal values only: tangents go
     * through {@link #luSolve}.
     */
    private static Array luSolveAsLapack(Lu f, Array b) {
        int n = rows(f.lu);
        Array p = Np.astype(Np.equal(Np.expandDims(f.perm, -1), iota(n)), b.dtype());
        Array pb = Np.matmul(p, b);
        Array y = columnSolve(f.lu, pb, true);
        Array upper = Np.flip(f.lu, -2, -1);
        return Np.flip(columnSolve(upper, Np.flip(y, -2), false), -2);
    }

    /**
     * Forward substitution {@code L x = b} (L's strictly lower part, with its diagonal unless {@code
     * unit}) in {@code trsm}'s order: for k = 0 .. n-1, multiply {@code x_k} by {@code 1 / L_kk} and
     * subtract {@code L_ik x_k} from the rows i > k. Rows and entries are picked with {@code where},
     * never by multiplying with a one-hot vector, so that an infinity in one row leaves the others
     * alone.
     */
    private static Array columnSolve(Array l, Array b, boolean unit) {
        int n = rows(l);
        DType t = DType.promote(l.dtype(), b.dtype());
        int[] shape = concat(Np.broadcastShapes("Linalg", batch(l), batch(b)), n, cols(b));
        Array idx = iota(n);
        Array rowIdx = Np.expandDims(idx, -1);
        return loop(
                n,
                (k, x) -> {
                    Array rowK = Np.equal(rowIdx, k); // (n, 1)
                    Array xk = Np.sum(Np.where(rowK, x, 0.0), new int[] {-2}, true); // (..., 1, K)
                    Array lk =
                            Np.sum(Np.where(Np.equal(idx, k), l, 0.0), new int[] {-1}, true); // (..., n, 1): column k
                    if (!unit) {
                        Array dkk = Np.sum(Np.where(rowK, lk, 0.0), new int[] {-2}, true); // (..., 1, 1)
                        xk = Np.multiply(xk, Np.reciprocal(dkk));
                    }
                    x = Np.where(Np.greater(rowIdx, k), Np.subtract(x, Np.multiply(lk, xk)), x);
                    return Np.where(rowK, xk, x);
                },
                Np.astype(Np.broadcastTo(b, shape), t));
    }

    /** Solves {@code a x = b} from a's LU factors, {@code b (..., n, k)}. */
    private static Array luSolve(Lu f, Array b) {
        int n = rows(f.lu);
        // P b as a product with the one-hot permutation matrix, which reverse mode transposes simply
        Array p = Np.astype(Np.equal(Np.expandDims(f.perm, -1), iota(n)), b.dtype());
        Array pb = Np.matmul(p, b);
        Array y = lowerSolve(f.lu, pb, true, true);
        Array upper = Np.flip(f.lu, -2, -1);
        return Np.flip(lowerSolve(upper, Np.flip(y, -2), false, true), -2);
    }

    // ---------------------------------------------------------------- solve, inv, det, slogdet

    /**
     * The solution {@code x} of {@code a x = b} for square, non-singular {@code a}, by LU with
     * partial pivoting, as {@code jnp.linalg.solve}: {@code b} is a vector {@code (M,)} when it has
     * one axis, else {@code (..., M, K)}; batch axes broadcast. Differentiable with {@code dx =
     * a^-1 (db - da x)}.
     *
     * @throws ShapeException when {@code a} is not square or {@code b} does not match it
     */
    public static Array solve(Array a, Array b) {
        String fn = "Linalg.solve";
        Array x = square(fn, a);
        Objects.requireNonNull(b, "b");
        boolean vector = b.ndim() == 1;
        Array rhs = floating(fn, vector ? Np.expandDims(b, -1) : b);
        checkRhs(fn, x, rhs, vector, b);
        DType t = DType.promote(x.dtype(), rhs.dtype());
        Array out = SOLVE.apply(List.of(Np.astype(x, t), Np.astype(rhs, t)));
        return vector ? Np.squeeze(out, -1) : out;
    }

    private static final Function<List<Array>, Array> SOLVE =
            Kiln.<List<Array>, Array>customJvp(ab -> luSolveAsLapack(factor(ab.get(0)), ab.get(1)), (p, d) -> {
                Lu f = factor(p.get(0));
                Array x = luSolveAsLapack(f, p.get(1));
                Array rhs = Np.subtract(d.get(1), Np.matmul(d.get(0), x));
                return new Kiln.Jvp<>(x, luSolve(f, rhs));
            });

    /**
     * The inverse of square, non-singular matrices, as {@code jnp.linalg.inv} ({@code solve(a, I)}).
     *
     * @throws ShapeException when {@code a} is not square
     */
    public static Array inv(Array a) {
        Array x = square("Linalg.inv", a);
        int n = rows(x);
        Array eye = Np.broadcastTo(Np.eye(n, n, 0, x.dtype()), x.shape());
        return SOLVE.apply(List.of(x, eye));
    }

    /**
     * The determinant, by LU with partial pivoting, as {@code jnp.linalg.det}: {@code (..., n, n) ->
     * (...)}. Differentiable with {@code d det = det tr(a^-1 da)} (which, unlike JAX's rule, is NaN
     * at singular matrices).
     *
     * @throws ShapeException when {@code a} is not square
     */
    public static Array det(Array a) {
        return DET.apply(square("Linalg.det", a));
    }

    private static final Function<Array, Array> DET = Kiln.<Array, Array>customJvp(Linalg::detValue, (a, da) -> {
        Lu f = factor(a);
        Array det = detOf(f);
        Array tr = Np.sum(Np.diagonal(luSolve(f, da), 0, -2, -1), -1);
        return new Kiln.Jvp<>(det, Np.multiply(det, tr));
    });

    private static Array detValue(Array a) {
        return detOf(factor(a));
    }

    private static Array parity(Lu f, DType t) {
        // (-1)^swaps
        return Np.astype(Np.subtract(1, Np.multiply(2, Np.remainder(f.swaps, 2))), t);
    }

    private static Array detOf(Lu f) {
        Array diag = Np.diagonal(f.lu, 0, -2, -1);
        return Np.multiply(parity(f, f.lu.dtype()), Np.prod(diag, -1));
    }

    /**
     * The sign and the natural log of the absolute value of the determinant, as {@code
     * jnp.linalg.slogdet}: stable where the determinant itself would overflow or underflow. A
     * singular matrix gives sign 0 and {@code -inf}. Differentiable ({@code d logabsdet = tr(a^-1
     * da)}; the sign has zero derivative).
     *
     * @throws ShapeException when {@code a} is not square
     */
    public static Slogdet slogdet(Array a) {
        List<Array> r = SLOGDET.apply(square("Linalg.slogdet", a));
        return new Slogdet(r.get(0), r.get(1));
    }

    private static final Function<Array, List<Array>> SLOGDET =
            Kiln.<Array, List<Array>>customJvp(a -> slogdetOf(factor(a)), (a, da) -> {
                Lu f = factor(a);
                List<Array> out = slogdetOf(f);
                Array tr = Np.sum(Np.diagonal(luSolve(f, da), 0, -2, -1), -1);
                return new Kiln.Jvp<>(out, List.of(Np.zerosLike(out.get(0)), tr));
            });

    private static List<Array> slogdetOf(Lu f) {
        Array diag = Np.diagonal(f.lu, 0, -2, -1);
        DType t = f.lu.dtype();
        Array sign = Np.multiply(parity(f, t), Np.prod(Np.sign(diag), -1));
        sign = Np.where(Np.equal(sign, 0.0), Np.zerosLike(sign), sign); // +0 for a singular matrix, as JAX's
        Array logabs = Np.sum(Np.log(Np.abs(diag)), -1);
        return List.of(sign, logabs);
    }

    // ---------------------------------------------------------------- norms

    /**
     * The 2-norm of the flattened array ({@code norm(x)} for a vector, the Frobenius norm of a
     * matrix), as {@code jnp.linalg.norm(x)}.
     */
    public static Array norm(Array x) {
        Objects.requireNonNull(x, "x");
        Array f = floating("Linalg.norm", x);
        return Np.sqrt(Np.sum(Np.square(Np.abs(f))));
    }

    /**
     * A vector or matrix norm, as {@code jnp.linalg.norm(x, ord, axis, keepdims)}: with {@code axis}
     * null, a 1-d {@code x} gets a vector norm and a 2-d one a matrix norm; one axis gives vector
     * norms along it, two axes matrix norms over them. Vector {@code ord}: null or 2 (Euclidean),
     * {@code ±inf} (largest/smallest |x|), 0 (count of non-zeros), any other p ({@code
     * sum|x|^p^(1/p)}). Matrix {@code ord}: null (Frobenius), 1 and -1 (largest/smallest column
     * sum), {@code ±inf} (largest/smallest row sum), 2 and -2 (largest/smallest singular value).
     * Use {@link #norm(Array, String, int[], boolean)} for "fro" and "nuc".
     *
     * @throws ShapeException when {@code axis} is null and {@code x} has more than two axes, or
     *     {@code axis} has more than two entries
     * @throws IllegalArgumentException-like {@link KilnException} for an ord that has no matrix norm
     */
    public static Array norm(Array x, Double ord, int[] axis, boolean keepdims) {
        return normOf("Linalg.norm", x, ord == null ? null : ord.toString(), ord, axis, keepdims);
    }

    /** {@link #norm(Array, Double, int[], boolean)} with a named matrix norm: "fro" (Frobenius) or "nuc" (nuclear). */
    public static Array norm(Array x, String ord, int[] axis, boolean keepdims) {
        Objects.requireNonNull(ord, "ord");
        return normOf("Linalg.norm", x, ord, null, axis, keepdims);
    }

    private static Array normOf(String fn, Array x, String name, Double ord, int[] axis, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        Array f = floating(fn, x);
        int[] ax = axis;
        if (ax == null) {
            if (f.ndim() == 1 || f.ndim() == 2) {
                ax = f.ndim() == 1 ? new int[] {0} : new int[] {0, 1};
            } else if (ord == null && name == null) {
                Array r = Np.sqrt(Np.sum(Np.square(f)));
                return keepdims ? Np.reshape(r, ones(f.ndim())) : r;
            } else {
                throw new ShapeException(fn + ": an ord needs a 1-d or 2-d array or an explicit axis, got shape "
                        + Shape.toString(f.shape()) + "; pass axis");
            }
        }
        if (ax.length == 1) {
            if (ord == null && name != null) {
                throw new KilnException(fn + ": ord \"" + name + "\" is a matrix norm but one axis was given;"
                        + " use a number for a vector norm or give two axes");
            }
            return vectorNormOf(f, ord, ax[0], keepdims);
        }
        if (ax.length == 2) {
            return matrixNormOf(fn, f, name, ord, ax[0], ax[1], keepdims);
        }
        throw new ShapeException(fn + ": axis must have one or two entries, got " + ax.length);
    }

    private static int[] ones(int n) {
        int[] s = new int[n];
        Arrays.fill(s, 1);
        return s;
    }

    /** The Euclidean norm of the flattened array; see {@link #vectorNorm(Array, double, int[], boolean)}. */
    public static Array vectorNorm(Array x) {
        Objects.requireNonNull(x, "x");
        return norm(Np.ravel(floating("Linalg.vectorNorm", x)));
    }

    /**
     * Vector p-norms over {@code axis} (null: the whole array flattened; several axes: flattened
     * together), as {@code jnp.linalg.vector_norm}: see {@link #norm(Array, Double, int[],
     * boolean)} for the values of {@code ord}. As JAX's (and unlike {@link #norm}), an integer
     * {@code x} is not converted for orders 1 ({@code sum |x|}, the sum's integer dtype) and
     * {@code ±inf} ({@code max}/{@code min |x|} in x's dtype), and order 0 of it is refused.
     *
     * @throws DTypeException for order 0 of an integer array
     */
    public static Array vectorNorm(Array x, double ord, int[] axis, boolean keepdims) {
        String fn = "Linalg.vectorNorm";
        Objects.requireNonNull(x, "x");
        if (x.dtype().isInteger() && (ord == 1 || ord == 0 || Double.isInfinite(ord))) {
            return integerVectorNorm(fn, x, ord, axis, keepdims);
        }
        Array f = floating(fn, x);
        if (axis == null) {
            Array r = vectorNormOf(Np.ravel(f), ord, 0, false);
            return keepdims ? Np.reshape(r, ones(f.ndim())) : r;
        }
        if (axis.length == 1) {
            return vectorNormOf(f, ord, axis[0], keepdims);
        }
        // several axes: move them to the end and flatten them together
        int nd = f.ndim();
        int[] norm = new int[axis.length];
        for (int i = 0; i < axis.length; i++) {
            norm[i] = Shape.axis(fn, axis[i], nd);
            for (int k = 0; k < i; k++) {
                if (norm[k] == norm[i]) {
                    throw new AxisException(fn + ": axis " + axis[i] + " is repeated in " + Arrays.toString(axis)
                            + "; list each axis once");
                }
            }
        }
        Array moved = f;
        for (int i = 0; i < norm.length; i++) {
            moved = Np.moveaxis(moved, norm[i] - countBelow(norm, i), nd - 1);
        }
        int[] keep = Arrays.copyOf(moved.shape(), nd - norm.length);
        Array r = vectorNormOf(Np.reshape(moved, concat(keep, -1)), ord, -1, false);
        if (keepdims) {
            int[] s = f.shape().clone();
            for (int a : norm) {
                s[a] = 1;
            }
            r = Np.reshape(r, s);
        }
        return r;
    }

    /**
     * {@code jnp.linalg.vector_norm} of an integer array for the orders JAX computes without
     * converting it: 1 is {@code sum(|x|)} (int32 or wider, as {@code Np.sum}), infinity {@code
     * max(|x|)} (0 for no elements) and minus infinity {@code min(|x|)}, both in x's dtype; order 0
     * fails in JAX (it asks for an integer dtype's float info), so it is refused.
     */
    private static Array integerVectorNorm(String fn, Array x, double ord, int[] axis, boolean keepdims) {
        if (ord == 0) {
            throw new DTypeException(fn + ": order 0 of an integer array is refused, as JAX's (it asks for the"
                    + " float info of " + x.dtype() + "); convert x with Np.astype to a float dtype first");
        }
        int[] axes = axis;
        if (axes == null) {
            axes = new int[x.ndim()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        Array abs = Np.abs(x);
        if (ord == 1) {
            return Np.sum(abs, axes, keepdims);
        }
        if (ord > 0) {
            return Np.max(abs, ReduceOptions.axes(axes).keepdims(keepdims).initial(0));
        }
        return Np.min(abs, axes, keepdims);
    }

    private static int countBelow(int[] axes, int i) {
        int c = 0;
        for (int k = 0; k < i; k++) {
            if (axes[k] < axes[i]) {
                c++;
            }
        }
        return c;
    }

    private static Array vectorNormOf(Array x, Double ord, int axis, boolean keepdims) {
        int[] ax = {axis};
        Array abs = Np.abs(x);
        if (ord == null || ord == 2.0) {
            return Np.sqrt(Np.sum(Np.square(x), ax, keepdims));
        }
        if (ord == Double.POSITIVE_INFINITY) {
            return Np.max(abs, ax, keepdims);
        }
        if (ord == Double.NEGATIVE_INFINITY) {
            return Np.min(abs, ax, keepdims);
        }
        if (ord == 0.0) {
            return Np.sum(Np.astype(Np.notEqual(x, 0.0), x.dtype()), ax, keepdims);
        }
        if (ord == 1.0) {
            return Np.sum(abs, ax, keepdims);
        }
        double p = ord;
        return Np.power(Np.sum(Np.power(abs, p), ax, keepdims), 1.0 / p);
    }

    /**
     * The Frobenius norm of the matrices in the last two axes; see {@link #matrixNorm(Array, String,
     * boolean)}.
     */
    public static Array matrixNorm(Array x) {
        Objects.requireNonNull(x, "x");
        return matrixNorm(x, "fro", false);
    }

    /**
     * Matrix norms over the last two axes, as {@code jnp.linalg.matrix_norm}: "fro" or "nuc".
     *
     * @throws ShapeException when {@code x} has fewer than two axes
     */
    public static Array matrixNorm(Array x, String ord, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        Array f = matrix("Linalg.matrixNorm", x);
        return matrixNormOf("Linalg.matrixNorm", f, ord, null, -2, -1, keepdims);
    }

    /** Matrix norms over the last two axes with a numeric ord (1, -1, 2, -2, ±inf); see {@link #norm}. */
    public static Array matrixNorm(Array x, double ord, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        Array f = matrix("Linalg.matrixNorm", x);
        return matrixNormOf("Linalg.matrixNorm", f, Double.toString(ord), ord, -2, -1, keepdims);
    }

    private static Array matrixNormOf(String fn, Array x, String name, Double ord, int r, int c, boolean keepdims) {
        int nd = x.ndim();
        int row = Shape.axis(fn, r, nd);
        int col = Shape.axis(fn, c, nd);
        if (row == col) {
            throw new ShapeException(fn + ": the two axes must differ, got " + r + " and " + c);
        }
        Array abs = Np.abs(x);
        Array out;
        if (ord == null && (name == null || name.equals("fro"))) {
            out = Np.sqrt(Np.sum(Np.square(x), new int[] {row, col}, keepdims));
        } else if (ord != null && (ord == 1.0 || ord == -1.0)) {
            Array sums = Np.sum(abs, new int[] {row}, true);
            out = ord > 0 ? Np.max(sums, new int[] {col}, true) : Np.min(sums, new int[] {col}, true);
            out = keepdims ? out : Np.squeeze(out, row, col);
        } else if (ord != null && Double.isInfinite(ord)) {
            Array sums = Np.sum(abs, new int[] {col}, true);
            out = ord > 0 ? Np.max(sums, new int[] {row}, true) : Np.min(sums, new int[] {row}, true);
            out = keepdims ? out : Np.squeeze(out, row, col);
        } else if ((ord != null && (ord == 2.0 || ord == -2.0)) || "nuc".equals(name)) {
            // singular values: the square roots of the eigenvalues of m^T m (or m m^T, the smaller)
            int[] perm = new int[nd];
            int at = 0;
            for (int d = 0; d < nd; d++) {
                if (d != row && d != col) {
                    perm[at++] = d;
                }
            }
            perm[nd - 2] = row;
            perm[nd - 1] = col;
            Array m = Np.transpose(x, perm);
            Array s = svdvals(m);
            Array v = ord == null ? Np.sum(s, -1) : ord > 0 ? Np.max(s, -1) : Np.min(s, -1);
            if (keepdims) {
                int[] shape = x.shape().clone();
                shape[row] = 1;
                shape[col] = 1;
                v = Np.reshape(v, shape);
            }
            out = v;
        } else {
            throw new KilnException(fn + ": ord " + (ord != null ? ord.toString() : "\"" + name + "\"")
                    + " is not a matrix norm; use null or \"fro\", \"nuc\", 1, -1, 2, -2, inf or -inf");
        }
        return out;
    }

    // ---------------------------------------------------------------- NumPy aliases

    /** The sums of the diagonals of the last two axes, as {@code jnp.linalg.trace}. */
    public static Array trace(Array x) {
        return trace(x, 0);
    }

    /** {@link #trace(Array)} of the diagonal {@code offset} above (below, when negative) the main one. */
    public static Array trace(Array x, int offset) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() < 2) {
            throw new ShapeException("Linalg.trace: expected an array of at least two dimensions, got shape "
                    + Shape.toString(x.shape()));
        }
        return Np.sum(Np.diagonal(x, offset, -2, -1), -1);
    }

    /** The diagonals of the last two axes, as {@code jnp.linalg.diagonal}. */
    public static Array diagonal(Array x) {
        return diagonal(x, 0);
    }

    /** {@link #diagonal(Array)} at {@code offset}. */
    public static Array diagonal(Array x, int offset) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() < 2) {
            throw new ShapeException("Linalg.diagonal: expected an array of at least two dimensions, got shape "
                    + Shape.toString(x.shape()));
        }
        return Np.diagonal(x, offset, -2, -1);
    }

    /** The outer product of two vectors, as {@code jnp.linalg.outer}. */
    public static Array outer(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.ndim() != 1 || b.ndim() != 1) {
            throw new ShapeException("Linalg.outer: expected two vectors, got shapes " + Shape.toString(a.shape())
                    + " and " + Shape.toString(b.shape()) + "; use Np.outer to flatten");
        }
        return Np.outer(a, b);
    }

    /** The cross product of 3-vectors along the last axis, as {@code jnp.linalg.cross}. */
    public static Array cross(Array a, Array b) {
        return Np.cross(a, b);
    }

    /** The matrix product, as {@code jnp.linalg.matmul}. */
    public static Array matmul(Array a, Array b) {
        return Np.matmul(a, b);
    }

    /** The tensor dot product over the last {@code axes} axes of a and first of b, as {@code jnp.linalg.tensordot}. */
    public static Array tensordot(Array a, Array b, int axes) {
        return Np.tensordot(a, b, axes);
    }

    /** The vector dot product along the last axis, as {@code jnp.linalg.vecdot}. */
    public static Array vecdot(Array a, Array b) {
        return Np.vecdot(a, b);
    }

    /** The vector dot product along {@code axis}. */
    public static Array vecdot(Array a, Array b, int axis) {
        return Np.vecdot(a, b, axis);
    }

    /** Swaps the last two axes, as {@code jnp.linalg.matrix_transpose}. */
    public static Array matrixTranspose(Array x) {
        return Np.matrixTranspose(x);
    }

    // ---------------------------------------------------------------- products

    /**
     * The n-th power of square matrices by repeated squaring, as {@code jnp.linalg.matrix_power}:
     * the identity for n = 0 and powers of the inverse for negative n.
     *
     * @throws ShapeException when {@code a} is not square
     */
    public static Array matrixPower(Array a, int n) {
        Objects.requireNonNull(a, "a");
        if (a.ndim() < 2 || rows(a) != cols(a)) {
            square("Linalg.matrixPower", a);
        }
        Array x = a;
        if (n == 0) {
            return Np.broadcastTo(Np.eye(rows(a), rows(a), 0, a.dtype()), a.shape());
        }
        if (n < 0) {
            x = inv(a);
            n = -n;
        }
        Array result = null;
        Array z = x;
        while (n > 0) {
            if ((n & 1) == 1) {
                result = result == null ? z : Np.matmul(result, z);
            }
            n >>= 1;
            if (n > 0) {
                z = Np.matmul(z, z);
            }
        }
        return result;
    }

    /**
     * The product of a chain of matrices, as {@code jnp.linalg.multi_dot}: the first may be a
     * vector (a row), the last a vector (a column); the multiplication order minimizes the number of
     * scalar products (the classic dynamic program over the chain's shapes).
     *
     * @throws ShapeException for fewer than two arrays or arrays that are not 1-d or 2-d where allowed
     */
    public static Array multiDot(Array... arrays) {
        String fn = "Linalg.multiDot";
        Objects.requireNonNull(arrays, "arrays");
        if (arrays.length < 2) {
            throw new ShapeException(fn + ": needs at least two arrays, got " + arrays.length);
        }
        int k = arrays.length;
        for (int i = 0; i < k; i++) {
            Objects.requireNonNull(arrays[i], "arrays[" + i + "]");
        }
        Array[] m = arrays.clone();
        boolean firstVec = m[0].ndim() == 1;
        boolean lastVec = m[k - 1].ndim() == 1;
        if (firstVec) {
            m[0] = Np.expandDims(m[0], 0);
        }
        if (lastVec) {
            m[k - 1] = Np.expandDims(m[k - 1], 1);
        }
        for (int i = 0; i < k; i++) {
            if (m[i].ndim() != 2) {
                throw new ShapeException(fn + ": array " + i + " has shape " + Shape.toString(arrays[i].shape())
                        + "; the first and last may be 1-d, every array must otherwise be 2-d");
            }
            if (i > 0 && cols(m[i - 1]) != rows(m[i])) {
                throw new ShapeException(fn + ": arrays " + (i - 1) + " and " + i + " do not chain: shapes "
                        + Shape.toString(arrays[i - 1].shape()) + " and " + Shape.toString(arrays[i].shape()));
            }
        }
        long[] dims = new long[k + 1];
        for (int i = 0; i < k; i++) {
            dims[i] = rows(m[i]);
        }
        dims[k] = cols(m[k - 1]);
        long[][] cost = new long[k][k];
        int[][] split = new int[k][k];
        for (int len = 1; len < k; len++) {
            for (int i = 0; i + len < k; i++) {
                int j = i + len;
                cost[i][j] = Long.MAX_VALUE;
                for (int s = i; s < j; s++) {
                    long c = cost[i][s] + cost[s + 1][j] + dims[i] * dims[s + 1] * dims[j + 1];
                    if (c < cost[i][j]) {
                        cost[i][j] = c;
                        split[i][j] = s;
                    }
                }
            }
        }
        Array out = chain(m, split, 0, k - 1);
        if (firstVec) {
            out = Np.squeeze(out, 0);
        }
        if (lastVec) {
            out = Np.squeeze(out, -1);
        }
        return out;
    }

    private static Array chain(Array[] m, int[][] split, int i, int j) {
        if (i == j) {
            return m[i];
        }
        int s = split[i][j];
        return Np.matmul(chain(m, split, i, s), chain(m, split, s + 1, j));
    }

    // ---------------------------------------------------------------- QR

    /** The reduced QR factorization; see {@link #qr(Array, String)}. */
    public static QR qr(Array a) {
        return qr(a, "reduced");
    }

    /**
     * The QR factorization by Householder reflections, as {@code jnp.linalg.qr}: for {@code a (...,
     * M, N)} and {@code K = min(M, N)}, mode "reduced" gives {@code q (..., M, K)} and {@code r (...,
     * K, N)}, "complete" {@code q (..., M, M)} and {@code r (..., M, N)}, and "r" only {@code r} (q is
     * null). Signs follow LAPACK's convention ({@code r_jj = -sign(a_jj) |column|}), so the factors
     * match JAX's. Differentiable for reduced factors of matrices with {@code M >= N} (as JAX).
     *
     * @throws ShapeException when {@code a} has fewer than two axes
     */
    public static QR qr(Array a, String mode) {
        String fn = "Linalg.qr";
        Array x = matrix(fn, a);
        Objects.requireNonNull(mode, "mode");
        if (!mode.equals("reduced") && !mode.equals("complete") && !mode.equals("r")) {
            throw new KilnException(fn + ": mode must be \"reduced\", \"complete\" or \"r\", got \"" + mode + "\"");
        }
        int m = rows(x);
        int n = cols(x);
        int k = Math.min(m, n);
        boolean complete = mode.equals("complete");
        List<Array> qr = complete || m < n ? householder(x) : QR_REDUCED.apply(x);
        Array q = qr.get(0);
        Array r = qr.get(1);
        if (!complete && m > n) {
            q = Lax.sliceInDim(q, q.ndim() - 1, 0, k);
            r = Lax.sliceInDim(r, r.ndim() - 2, 0, k);
        }
        return new QR(mode.equals("r") ? null : q, r);
    }

    /** Tall or square matrices: JAX's QR rule (dq = q (do - q^T dx r^-1) + dx r^-1, dr = (q^T dx r^-1 - do) r). */
    private static final Function<Array, List<Array>> QR_REDUCED =
            Kiln.<Array, List<Array>>customJvp(Linalg::reducedQr, (a, da) -> {
                List<Array> qr = reducedQr(a);
                Array q = qr.get(0);
                Array r = qr.get(1);
                // dx r^-1: solve x r = dx, i.e. r^T x^T = dx^T
                Array dxRinv = mT(triangularValue(r, mT(da), false, true, false));
                Array qtDxRinv = Np.matmul(mT(q), dxRinv);
                Array lower = Np.tril(qtDxRinv, -1);
                Array dOmega = Np.subtract(lower, mT(lower));
                Array dq = Np.add(Np.matmul(q, Np.subtract(dOmega, qtDxRinv)), dxRinv);
                Array dr = Np.matmul(Np.subtract(qtDxRinv, dOmega), r);
                return new Kiln.Jvp<>(List.of(q, r), List.of(dq, dr));
            });

    private static List<Array> reducedQr(Array a) {
        List<Array> qr = householder(a);
        int n = cols(a);
        Array q = Lax.sliceInDim(qr.get(0), a.ndim() - 1, 0, n);
        Array r = Lax.sliceInDim(qr.get(1), a.ndim() - 2, 0, n);
        return List.of(q, r);
    }

    /** The complete factors: q (..., M, M), r (..., M, N). */
    private static List<Array> householder(Array a) {
        int m = rows(a);
        int n = cols(a);
        DType t = a.dtype();
        Array idx = iota(m);
        int steps = Math.min(m, n);
        Array q0 = Np.broadcastTo(Np.eye(m, m, 0, t), concat(batch(a), m, m));
        if (m == 1) {
            // one row: nothing below the diagonal, so every reflection is the identity (as LAPACK's)
            return List.of(q0, a);
        }
        int[] colIdx = {n};
        List<Array> out = loop(
                steps,
                (j, st) -> {
                    Array r = st.get(1);
                    Array q = st.get(0);
                    Array ejN = unit(n, j, t);
                    Array ejM = unit(m, j, t);
                    Array col = Np.sum(Np.multiply(r, ejN), -1); // (..., m)
                    Array x = Np.where(Np.less(idx, j), 0.0, col);
                    Array alpha = Np.sum(Np.multiply(x, ejM), new int[] {-1}, true);
                    Array tail = Np.where(Np.greater(idx, j), x, 0.0);
                    Array tailNorm2 = Np.sum(Np.square(tail), new int[] {-1}, true);
                    Array norm = Np.sqrt(Np.add(Np.square(alpha), tailNorm2));
                    Array sgn = Np.where(Np.less(alpha, 0.0), -1.0, 1.0);
                    Array beta = Np.multiply(Np.negative(sgn), norm);
                    Array v = Np.subtract(x, Np.multiply(beta, ejM)); // x - beta e_j
                    Array vn2 = Np.sum(Np.square(v), new int[] {-1}, true);
                    Array skip = Np.equal(tailNorm2, 0.0);
                    Array scale = Np.where(skip, 0.0, Np.divide(2.0, Np.where(skip, 1.0, vn2)));
                    // H = I - scale v v^T; r <- H r, q <- q H
                    Array vr = Np.squeeze(Np.matmul(Np.expandDims(v, -2), r), -2); // (..., n)
                    r = Np.subtract(
                            r,
                            Np.multiply(
                                    Np.multiply(Np.expandDims(v, -1), Np.expandDims(vr, -2)),
                                    Np.expandDims(scale, -1)));
                    // exact zeros below the diagonal of column j
                    Array below = Np.logicalAnd(Np.greater(Np.expandDims(idx, -1), j), Np.equal(iota(colIdx[0]), j));
                    r = Np.where(Np.logicalAnd(below, Np.logicalNot(Np.expandDims(skip, -1))), 0.0, r);
                    Array qv = matvec(q, v);
                    q = Np.subtract(
                            q,
                            Np.multiply(
                                    Np.multiply(Np.expandDims(qv, -1), Np.expandDims(v, -2)),
                                    Np.expandDims(scale, -1)));
                    return List.of(q, r);
                },
                List.of(q0, a));
        return out;
    }

    // ---------------------------------------------------------------- symmetric eigenproblem

    /**
     * The eigenvalues (ascending) and eigenvectors (columns, unit length) of symmetric matrices, as
     * {@code jnp.linalg.eigh}: the input is symmetrized ({@code (a + a^T)/2}) and diagonalized by
     * cyclic Jacobi rotations, a fixed 12 sweeps over all pairs (convergence is quadratic, so that is
     * ample for float64 at the sizes this is meant for). Each rotation updates whole matrices with
     * masks, so a sweep costs {@code O(n^4)}: meant for small matrices (up to a few dozen). An eigenvector's sign is
     * not determined (JAX's LAPACK may pick the other one). Differentiable with JAX's rule
     * (eigenvalues {@code diag(v^T da v)}, eigenvectors {@code v (F o v^T da v)}, which needs
     * distinct eigenvalues).
     *
     * @throws ShapeException when {@code a} is not square
     */
    public static Eigh eigh(Array a) {
        Array x = square("Linalg.eigh", a);
        List<Array> r = EIGH.apply(symmetrize(x));
        return new Eigh(r.get(0), r.get(1));
    }

    /** The ascending eigenvalues of symmetric matrices, as {@code jnp.linalg.eigvalsh}; see {@link #eigh}. */
    public static Array eigvalsh(Array a) {
        return eigh(square("Linalg.eigvalsh", a)).eigenvalues();
    }

    private static Array eighValues(Array a) {
        return EIGH.apply(symmetrize(a)).get(0);
    }

    private static final Function<Array, List<Array>> EIGH =
            Kiln.<Array, List<Array>>customJvp(Linalg::jacobi, (a, da) -> {
                List<Array> wv = jacobi(a);
                Array w = wv.get(0);
                Array v = wv.get(1);
                int n = rows(a);
                Array eye = Np.eye(n, n, 0, a.dtype());
                Array f = Np.subtract(
                        Np.reciprocal(Np.add(eye, Np.subtract(Np.expandDims(w, -2), Np.expandDims(w, -1)))), eye);
                Array vdv = Np.matmul(mT(v), Np.matmul(da, v));
                Array dv = Np.matmul(v, Np.multiply(f, vdv));
                Array dw = Np.diagonal(vdv, 0, -2, -1);
                return new Kiln.Jvp<>(List.of(w, v), List.of(dw, dv));
            });

    /** The number of cyclic Jacobi sweeps: quadratic convergence makes 12 ample for doubles. */
    private static final int SWEEPS = 12;

    /** Cyclic Jacobi: for each pair (p, q), the rotation that zeroes a_pq; then eigenvalues sorted ascending. */
    private static List<Array> jacobi(Array a) {
        int n = rows(a);
        DType t = a.dtype();
        Array v0 = Np.broadcastTo(Np.eye(n, n, 0, t), a.shape());
        int pairs = n * (n - 1) / 2;
        List<Array> state = List.of(a, v0);
        if (pairs > 0) {
            Array[] pq = pairIndices(n);
            Array pIdx = pq[0];
            Array qIdx = pq[1];
            state = loop(
                    SWEEPS * pairs,
                    (k, st) -> {
                        Array kk = Np.remainder(k, pairs);
                        Array p = Np.sum(Np.multiply(pIdx, Np.astype(Np.equal(iota(pairs), kk), DType.INT32)));
                        Array q = Np.sum(Np.multiply(qIdx, Np.astype(Np.equal(iota(pairs), kk), DType.INT32)));
                        return rotate(st.get(0), st.get(1), p, q, n, t);
                    },
                    state);
        }
        Array m = state.get(0);
        Array v = state.get(1);
        Array w = Np.diagonal(m, 0, -2, -1);
        Array order = Np.argsort(w, -1);
        w = Np.takeAlongAxis(w, order, -1);
        v = Np.takeAlongAxis(v, Np.expandDims(order, -2), -1);
        return List.of(w, v);
    }

    /**
     * One Jacobi rotation in the (p, q) plane: a <- J^T a J, v <- v J, with a_pq made zero (Golub
     * and Van Loan's symmetric Schur step). Only rows and columns p and q change, so the update is
     * a few element-wise operations on the matrices, not products.
     */
    private static List<Array> rotate(Array a, Array v, Array p, Array q, int n, DType t) {
        Array ep = unit(n, p, t);
        Array eq = unit(n, q, t);
        Array rp = row(a, ep);
        Array rq = row(a, eq);
        Array app = Np.sum(Np.multiply(rp, ep), new int[] {-1}, true);
        Array aqq = Np.sum(Np.multiply(rq, eq), new int[] {-1}, true);
        Array apq = Np.sum(Np.multiply(rp, eq), new int[] {-1}, true);
        Array[] cs = rotation(app, aqq, apq);
        Array c = cs[0];
        Array sn = cs[1];
        // rows: row p <- c row_p - s row_q, row q <- s row_p + c row_q
        Array newP = Np.subtract(Np.multiply(c, rp), Np.multiply(sn, rq));
        Array newQ = Np.add(Np.multiply(sn, rp), Np.multiply(c, rq));
        Array colP = Np.expandDims(ep, -1);
        Array colQ = Np.expandDims(eq, -1);
        Array b = Np.add(
                Np.multiply(a, Np.subtract(1.0, Np.add(colP, colQ))),
                Np.add(Np.multiply(colP, Np.expandDims(newP, -2)), Np.multiply(colQ, Np.expandDims(newQ, -2))));
        // columns: the same combination of columns p and q
        b = rotateColumns(b, ep, eq, c, sn);
        return List.of(b, rotateColumns(v, ep, eq, c, sn));
    }

    /** Columns p, q of m <- (c m_p - s m_q, s m_p + c m_q); c and s are (..., 1). */
    private static Array rotateColumns(Array m, Array ep, Array eq, Array c, Array sn) {
        Array cp = column(m, ep);
        Array cq = column(m, eq);
        Array newP = Np.subtract(Np.multiply(c, cp), Np.multiply(sn, cq));
        Array newQ = Np.add(Np.multiply(sn, cp), Np.multiply(c, cq));
        return Np.add(
                Np.multiply(m, Np.subtract(1.0, Np.add(ep, eq))),
                Np.add(Np.multiply(Np.expandDims(newP, -1), ep), Np.multiply(Np.expandDims(newQ, -1), eq)));
    }

    /**
     * The cosine and sine of the rotation that zeroes the off-diagonal entry {@code apq} of the 2 x
     * 2 symmetric matrix {@code [[app, apq], [apq, aqq]]}: {@code tan} is the smaller root of {@code
     * t^2 + 2 theta t - 1 = 0}, {@code theta = (aqq - app) / (2 apq)}; no rotation when apq is 0.
     */
    private static Array[] rotation(Array app, Array aqq, Array apq) {
        Array zero = Np.equal(apq, 0.0);
        Array theta = Np.divide(Np.subtract(aqq, app), Np.multiply(2.0, Np.where(zero, 1.0, apq)));
        Array sgn = Np.where(Np.less(theta, 0.0), -1.0, 1.0);
        // for huge theta, 1/(2 theta) avoids squaring it
        Array big = Np.greater(Np.abs(theta), 1e15);
        Array root = Np.sqrt(Np.add(Np.square(Np.where(big, 0.0, theta)), 1.0));
        Array tan =
                Np.where(big, Np.divide(0.5, Np.where(big, theta, 1.0)), Np.divide(sgn, Np.add(Np.abs(theta), root)));
        tan = Np.where(zero, 0.0, tan);
        Array cos = Np.reciprocal(Np.sqrt(Np.add(Np.square(tan), 1.0)));
        return new Array[] {cos, Np.multiply(tan, cos)};
    }

    // ---------------------------------------------------------------- general eigenproblem

    /**
     * The result of {@link #eig}: the eigenvalues {@code (..., n)} and the eigenvectors as the
     * columns of {@code (..., n, n)}, both complex ({@code complex64} for float32 input).
     */
    public record Eig(ComplexArray eigenvalues, ComplexArray eigenvectors) {}

    /**
     * The eigenvalues and right eigenvectors of general (not necessarily symmetric) square
     * matrices, as {@code jnp.linalg.eig}: {@code a v = w v} column by column, each eigenvector of
     * unit 2-norm with its largest entry real and positive. Computed by Hessenberg reduction and
     * complex shifted QR sweeps to the Schur form (see {@code GeneralEigen}); meant for small
     * matrices. The order of the eigenvalues is the Schur form's, which need not be LAPACK's (JAX's
     * order on CPU), and real eigenvalues of a real matrix may have an imaginary part at rounding
     * level. A matrix holding a NaN or an infinity gives NaNs. As with JAX's {@code eig}, a derivative
     * raises a {@code KilnException}: differentiate {@link #eigvals} for the eigenvalues; {@link
     * #eigh} has derivatives for symmetric matrices.
     *
     * @throws ShapeException when {@code a} is not square
     */
    public static Eig eig(Array a) {
        Array x = square("Linalg.eig", a);
        List<Array> r = generalEigen("Linalg.eig", true).apply(x);
        return new Eig(new ComplexArray(r.get(0), r.get(1)), new ComplexArray(r.get(2), r.get(3)));
    }

    /**
     * The eigenvalues of general square matrices, as {@code jnp.linalg.eigvals}; see {@link #eig}.
     * Differentiable in both modes with JAX's rule {@code dw = diag(v^-1 da v)}, which needs distinct
     * eigenvalues.
     */
    public static ComplexArray eigvals(Array a) {
        Array x = square("Linalg.eigvals", a);
        List<Array> r = generalEigen("Linalg.eigvals", false).apply(x);
        return new ComplexArray(r.get(0), r.get(1));
    }

    /**
     * {@code GeneralEigen.eig} as parts. The eigenvalues alone have JAX's derivative (for distinct
     * eigenvalues): {@code dw = diag(v^-1 da v)} with {@code v} the eigenvectors, linear in {@code
     * da}, so reverse mode transposes it. With eigenvectors asked for, a derivative raises, as JAX's
     * {@code eig} does (it defines none for eigenvectors, whose phase is a convention), rather than
     * differentiating the QR sweeps' loop.
     */
    private static Function<Array, List<Array>> generalEigen(String fn, boolean vectors) {
        return Kiln.<Array, List<Array>>customJvp(
                m -> {
                    ComplexArray[] r = GeneralEigen.eig(m, vectors);
                    return vectors
                            ? List.of(r[0].real(), r[0].imag(), r[1].real(), r[1].imag())
                            : List.of(r[0].real(), r[0].imag());
                },
                (m, dm) -> {
                    if (vectors) {
                        throw new KilnException(fn + ": derivatives of the eigenvectors of a general (non-symmetric)"
                                + " matrix are not defined (JAX defines none either); differentiate Linalg.eigvals"
                                + " for the eigenvalues, use eigh for symmetric matrices, or cut the input from the"
                                + " derivative with Lax.stopGradient");
                    }
                    ComplexArray[] r = GeneralEigen.eig(m, true);
                    ComplexArray v = r[1];
                    ComplexArray rhs = new ComplexArray(Np.matmul(dm, v.real()), Np.matmul(dm, v.imag()));
                    ComplexArray x = complexSolve(v, rhs);
                    Array dwr = Np.diagonal(x.real(), 0, -2, -1);
                    Array dwi = Np.diagonal(x.imag(), 0, -2, -1);
                    return new Kiln.Jvp<>(List.of(r[0].real(), r[0].imag()), List.of(dwr, dwi));
                });
    }

    /**
     * {@code a^-1 b} for complex {@code a (..., n, n)} and {@code b (..., n, k)}, as the real system
     * {@code [[ar, -ai], [ai, ar]] [xr; xi] = [br; bi]} of twice the size.
     */
    private static ComplexArray complexSolve(ComplexArray a, ComplexArray b) {
        Array top = Np.concatenate(List.of(a.real(), Np.negative(a.imag())), -1);
        Array bottom = Np.concatenate(List.of(a.imag(), a.real()), -1);
        Array big = Np.concatenate(List.of(top, bottom), -2);
        Array x = solve(big, Np.concatenate(List.of(b.real(), b.imag()), -2));
        int n = rows(a.real());
        int axis = x.ndim() - 2;
        return new ComplexArray(Lax.sliceInDim(x, axis, 0, n), Lax.sliceInDim(x, axis, n, 2 * n));
    }

    // ---------------------------------------------------------------- singular values

    /** The result of {@link #svd}: {@code a = u diag(s) vh}, singular values descending. */
    public record SVD(Array u, Array s, Array vh) {}

    /** The thin singular value decomposition; see {@link #svd(Array, boolean)}. */
    public static SVD svd(Array a) {
        return svd(a, false);
    }

    /**
     * The singular value decomposition {@code a = u diag(s) vh}, as {@code jnp.linalg.svd}: for
     * {@code a (..., M, N)} and {@code K = min(M, N)}, {@code s (..., K)} descending, and {@code u
     * (..., M, K)}, {@code vh (..., K, N)}, or with {@code fullMatrices} {@code u (..., M, M)} and
     * {@code vh (..., N, N)}. One-sided Jacobi rotations orthogonalize the columns (of {@code a}, or
     * of {@code a^T} when it is wide) for a fixed 12 sweeps; like {@link #eigh}, meant for small
     * matrices. The signs of a pair of singular
     * vectors are not determined, and a zero singular value leaves its column of the thin {@code u}
     * zero. Differentiable (thin factors) with JAX's rule, which needs distinct non-zero singular
     * values.
     *
     * @throws ShapeException when {@code a} has fewer than two axes
     */
    public static SVD svd(Array a, boolean fullMatrices) {
        Array x = matrix("Linalg.svd", a);
        List<Array> usv = SVD_THIN.apply(x);
        Array u = usv.get(0);
        Array vh = usv.get(2);
        if (fullMatrices) {
            u = complete(u);
            vh = mT(complete(mT(vh)));
        }
        return new SVD(u, usv.get(1), vh);
    }

    /** {@code q (..., M, K)} with orthonormal columns, extended to an orthogonal (..., M, M). */
    private static Array complete(Array q) {
        int m = rows(q);
        int k = cols(q);
        if (m == k) {
            return q;
        }
        Array full = householder(q).get(0);
        Array rest = Lax.sliceInDim(full, full.ndim() - 1, k, m);
        return Np.concatenate(new Array[] {q, rest}, -1);
    }

    /** The singular values, descending, as {@code jnp.linalg.svdvals}; see {@link #svd}. */
    public static Array svdvals(Array a) {
        return svd(matrix("Linalg.svdvals", a)).s();
    }

    private static final Function<Array, List<Array>> SVD_THIN =
            Kiln.<Array, List<Array>>customJvp(Linalg::jacobiSvd, (a, da) -> {
                List<Array> usv = jacobiSvd(a);
                Array u = usv.get(0);
                Array s = usv.get(1);
                Array vh = usv.get(2);
                Array v = mT(vh);
                int k = s.shape()[s.ndim() - 1];
                Array eye = Np.eye(k, k, 0, a.dtype());
                Array sRow = Np.expandDims(s, -2);
                Array sCol = Np.expandDims(s, -1);
                Array ds = Np.matmul(mT(u), Np.matmul(da, v));
                Array dsDiag = Np.diagonal(ds, 0, -2, -1);
                Array diffs = Np.multiply(Np.add(sRow, sCol), Np.subtract(sRow, sCol));
                Array zeros = Np.astype(Np.equal(diffs, 0.0), a.dtype());
                Array f = Np.subtract(Np.reciprocal(Np.add(diffs, zeros)), zeros);
                Array dss = Np.multiply(sRow, ds);
                Array sds = Np.multiply(sCol, ds);
                Array sZeros = Np.astype(Np.equal(s, 0.0), a.dtype());
                Array sInv = Np.subtract(Np.reciprocal(Np.add(s, sZeros)), sZeros);
                Array diag = Np.multiply(
                        Np.multiply(Np.subtract(ds, mT(ds)), 0.5), Np.multiply(eye, Np.expandDims(sInv, -2)));
                Array du = Np.matmul(u, Np.add(Np.multiply(f, Np.add(dss, mT(dss))), diag));
                Array dv = Np.matmul(v, Np.multiply(f, Np.add(sds, mT(sds))));
                int m = rows(a);
                int n = cols(a);
                if (m > n) {
                    Array dav = Np.matmul(da, v);
                    du = Np.add(du, Np.divide(Np.subtract(dav, Np.matmul(u, Np.matmul(mT(u), dav))), sRow));
                }
                if (n > m) {
                    Array dau = Np.matmul(mT(da), u);
                    dv = Np.add(dv, Np.divide(Np.subtract(dau, Np.matmul(v, Np.matmul(vh, dau))), sRow));
                }
                return new Kiln.Jvp<>(usv, List.of(du, dsDiag, mT(dv)));
            });

    /**
     * Thin SVD by one-sided (Hestenes) Jacobi: rotate pairs of columns of {@code a} (of {@code a^T}
     * when wide) until they are orthogonal; the column norms are the singular values, the
     * normalized columns {@code u}, the accumulated rotations {@code v}.
     */
    private static List<Array> jacobiSvd(Array a) {
        int m = rows(a);
        int n = cols(a);
        if (m < n) {
            List<Array> t = jacobiSvd(mT(a));
            return List.of(mT(t.get(2)), t.get(1), mT(t.get(0)));
        }
        DType t = a.dtype();
        Array v0 = Np.broadcastTo(Np.eye(n, n, 0, t), concat(batch(a), n, n));
        List<Array> state = List.of(a, v0);
        int pairs = n * (n - 1) / 2;
        if (pairs > 0) {
            Array[] pq = pairIndices(n);
            state = loop(
                    SWEEPS * pairs,
                    (k, st) -> {
                        Array kk = Np.remainder(k, pairs);
                        Array sel = Np.astype(Np.equal(iota(pairs), kk), DType.INT32);
                        Array p = Np.sum(Np.multiply(pq[0], sel));
                        Array q = Np.sum(Np.multiply(pq[1], sel));
                        Array w = st.get(0);
                        Array ep = unit(n, p, t);
                        Array eq = unit(n, q, t);
                        Array cp = column(w, ep);
                        Array cq = column(w, eq);
                        Array alpha = Np.sum(Np.square(cp), new int[] {-1}, true);
                        Array beta = Np.sum(Np.square(cq), new int[] {-1}, true);
                        Array gamma = Np.sum(Np.multiply(cp, cq), new int[] {-1}, true);
                        Array[] cs = rotation(alpha, beta, gamma);
                        return List.of(
                                rotateColumns(w, ep, eq, cs[0], cs[1]), rotateColumns(st.get(1), ep, eq, cs[0], cs[1]));
                    },
                    state);
        }
        Array w = state.get(0);
        Array v = state.get(1);
        Array s = Np.sqrt(Np.sum(Np.square(w), -2));
        Array order = Np.argsort(Np.negative(s), -1);
        s = Np.takeAlongAxis(s, order, -1);
        w = Np.takeAlongAxis(w, Np.expandDims(order, -2), -1);
        v = Np.takeAlongAxis(v, Np.expandDims(order, -2), -1);
        Array sZero = Np.equal(s, 0.0);
        Array u = Np.divide(w, Np.expandDims(Np.where(sZero, 1.0, s), -2));
        return List.of(u, s, mT(v));
    }

    private static Array[] pairIndices(int n) {
        int pairs = n * (n - 1) / 2;
        int[] ps = new int[pairs];
        int[] qs = new int[pairs];
        int c = 0;
        for (int p = 0; p < n; p++) {
            for (int q = p + 1; q < n; q++) {
                ps[c] = p;
                qs[c] = q;
                c++;
            }
        }
        return new Array[] {Np.array(ps), Np.array(qs)};
    }

    /**
     * The Moore-Penrose pseudo-inverse from the SVD, as {@code jnp.linalg.pinv}: singular values at
     * most {@code rtol * max(s)} count as zero, with JAX's default {@code rtol = 10 max(M, N) eps}.
     */
    public static Array pinv(Array a) {
        Array x = matrix("Linalg.pinv", a);
        return pinv(x, 10.0 * Math.max(rows(x), cols(x)) * eps(x.dtype()));
    }

    /** {@link #pinv(Array)} with a relative cutoff {@code rtol}. */
    public static Array pinv(Array a, double rtol) {
        Array x = matrix("Linalg.pinv", a);
        SVD d = svd(x);
        Array cutoff = Np.multiply(Np.max(d.s(), new int[] {-1}, true), rtol);
        Array keep = Np.greater(d.s(), cutoff);
        Array sInv = Np.where(keep, Np.reciprocal(Np.where(keep, d.s(), 1.0)), 0.0);
        return Np.matmul(mT(d.vh()), Np.multiply(Np.expandDims(sInv, -1), mT(d.u())));
    }

    private static double eps(DType t) {
        return t == DType.FLOAT64 ? Math.ulp(1.0) : Math.ulp(1.0f);
    }

    /**
     * The number of singular values above {@code max(s) max(M, N) eps}, as {@code
     * jnp.linalg.matrix_rank}: int32, {@code (..., M, N) -> (...)}; a vector's rank is 1 unless it is
     * all zeros.
     */
    public static Array matrixRank(Array a) {
        Objects.requireNonNull(a, "a");
        if (a.ndim() < 2) {
            Array f = floating("Linalg.matrixRank", a);
            return Np.astype(Np.any(Np.notEqual(f, 0.0)), DType.INT32);
        }
        Array x = matrix("Linalg.matrixRank", a);
        Array s = svdvals(x);
        Array tol = Np.multiply(Np.max(s, new int[] {-1}, true), Math.max(rows(x), cols(x)) * eps(x.dtype()));
        return Np.sum(Np.astype(Np.greater(s, tol), DType.INT32), -1);
    }

    /**
     * The number of singular values above {@code rtol}, as {@code jnp.linalg.matrix_rank(a, rtol)}:
     * like JAX's, a given {@code rtol} is compared with the singular values as it is (it is not
     * scaled by the largest). int32, {@code (..., M, N) -> (...)}; a vector's rank is 1 unless it is
     * all zeros.
     */
    public static Array matrixRank(Array a, double rtol) {
        Objects.requireNonNull(a, "a");
        if (a.ndim() < 2) {
            return matrixRank(a);
        }
        Array s = svdvals(matrix("Linalg.matrixRank", a));
        return Np.sum(Np.astype(Np.greater(s, rtol), DType.INT32), -1);
    }

    /** The 2-norm condition number {@code max(s) / min(s)}, as {@code jnp.linalg.cond(x)}. */
    public static Array cond(Array a) {
        Array s = svdvals(matrix("Linalg.cond", a));
        return Np.divide(Np.max(s, -1), Np.min(s, -1));
    }

    /** The result of {@link #lstsq}: the solution, the squared residual norms, the rank and the singular values. */
    public record Lstsq(Array x, Array residuals, Array rank, Array s) {}

    /**
     * The least-squares solution of {@code a x = b}, as {@code jnp.linalg.lstsq(a, b)}: {@code a (M,
     * N)}, {@code b (M,)} or {@code (M, K)}; {@code x = pinv(a) b} with singular values at most
     * {@code max(M, N) eps max(s)} dropped. The residuals are the squared norms of {@code b - a x},
     * one per column of b (shape (1,) for a vector b), always, as JAX's default (NumPy leaves them
     * empty when the rank is short or M <= N).
     *
     * @throws ShapeException when {@code a} is not 2-d or b's rows do not match
     */
    public static Lstsq lstsq(Array a, Array b) {
        String fn = "Linalg.lstsq";
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.ndim() != 2 || (b.ndim() != 1 && b.ndim() != 2) || b.shape()[0] != a.shape()[0]) {
            throw new ShapeException(fn + ": expected a (M, N) and b (M,) or (M, K), got shapes "
                    + Shape.toString(a.shape()) + " and " + Shape.toString(b.shape()));
        }
        Array fa = floating(fn, a);
        Array fb = floating(fn, b);
        DType t = DType.promote(fa.dtype(), fb.dtype());
        Array m = Np.astype(fa, t);
        Array bm = Np.astype(b.ndim() == 1 ? Np.expandDims(fb, -1) : fb, t);
        int rowsA = rows(m);
        int colsA = cols(m);
        SVD d = svd(m);
        Array s = d.s();
        Array cutoff = Np.multiply(Np.max(s, new int[] {-1}, true), Math.max(rowsA, colsA) * eps(t));
        Array keep = Np.greater(s, cutoff);
        Array sInv = Np.where(keep, Np.reciprocal(Np.where(keep, s, 1.0)), 0.0);
        Array uTb = Np.matmul(mT(d.u()), bm);
        Array x = Np.matmul(mT(d.vh()), Np.multiply(Np.expandDims(sInv, -1), uTb));
        Array rank = Np.sum(Np.astype(keep, DType.INT32), -1);
        Array residuals = Np.sum(Np.square(Np.subtract(bm, Np.matmul(m, x))), 0);
        return new Lstsq(b.ndim() == 1 ? Np.squeeze(x, -1) : x, residuals, rank, s);
    }

    // ---------------------------------------------------------------- tensor forms

    /**
     * The x with {@code tensordot(a, x, x.ndim) = b}, as {@code jnp.linalg.tensorsolve(a, b)}: a's
     * leading axes (those of b) and trailing axes (those of x) must hold equally many elements.
     *
     * @throws ShapeException when they do not
     */
    public static Array tensorsolve(Array a, Array b) {
        String fn = "Linalg.tensorsolve";
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        int[] sa = a.shape();
        int[] sb = b.shape();
        if (sb.length > sa.length || !Arrays.equals(Arrays.copyOf(sa, sb.length), sb)) {
            throw new ShapeException(fn + ": a's leading axes must be b's shape; got a " + Shape.toString(sa)
                    + " and b " + Shape.toString(sb));
        }
        int[] xShape = Arrays.copyOfRange(sa, sb.length, sa.length);
        int rowsN = Shape.size(sb);
        int colsN = Shape.size(xShape);
        if (rowsN != colsN) {
            throw new ShapeException(fn + ": a must reshape to a square matrix, but b's axes hold " + rowsN
                    + " elements and x's " + colsN + " (a has shape " + Shape.toString(sa) + ")");
        }
        Array x = solve(Np.reshape(a, rowsN, colsN), Np.ravel(b));
        return Np.reshape(x, xShape);
    }

    /**
     * The inverse of a tensor under {@code tensordot} over {@code ind} axes, as {@code
     * jnp.linalg.tensorinv(a, ind)}: {@code a}'s first {@code ind} axes and the rest must hold the
     * same number of elements; the result has shape {@code a.shape[ind:] + a.shape[:ind]}.
     *
     * @throws ShapeException when they do not, or {@code ind} is not in {@code [1, a.ndim)}
     */
    public static Array tensorinv(Array a, int ind) {
        String fn = "Linalg.tensorinv";
        Objects.requireNonNull(a, "a");
        int[] s = a.shape();
        if (ind <= 0 || ind >= s.length) {
            throw new ShapeException(fn + ": ind must be in [1, " + (s.length - 1) + "], got " + ind + " for shape "
                    + Shape.toString(s));
        }
        int[] front = Arrays.copyOf(s, ind);
        int[] back = Arrays.copyOfRange(s, ind, s.length);
        if (Shape.size(front) != Shape.size(back)) {
            throw new ShapeException(fn + ": the first " + ind + " axes hold " + Shape.size(front)
                    + " elements and the rest " + Shape.size(back) + "; they must be equal (shape "
                    + Shape.toString(s) + ")");
        }
        int n = Shape.size(front);
        Array inv = inv(Np.reshape(a, n, n));
        return Np.reshape(inv, concat(back, front));
    }

    // ---------------------------------------------------------------- jax.scipy.linalg

    /**
     * {@code jax.scipy.linalg.lu_factor}'s result: {@code lu} holds the unit lower factor below the
     * diagonal and the upper factor on and above it, {@code piv} (int32) the row swapped with row i
     * at step i, as LAPACK's {@code getrf} (0-based).
     */
    public record LuFactor(Array lu, Array piv) {
        public LuFactor {
            Objects.requireNonNull(lu, "lu");
            Objects.requireNonNull(piv, "piv");
        }
    }

    /** {@code jax.scipy.linalg.lu}'s result: {@code a = p l u}, {@code p} a permutation matrix. */
    public record PLU(Array p, Array l, Array u) {}

    /** {@code jax.scipy.linalg.cho_factor}'s result: the Cholesky factor and which triangle it is. */
    public record ChoFactor(Array c, boolean lower) {
        public ChoFactor {
            Objects.requireNonNull(c, "c");
        }
    }

    /**
     * The LU factorization with partial pivoting of square matrices {@code (..., n, n)}, packed as
     * {@code jax.scipy.linalg.lu_factor}: see {@link LuFactor}. Integer input is factored in
     * float32. Differentiable in {@code a} (the pivots are constants).
     *
     * @throws ShapeException when {@code a} is not square
     */
    public static LuFactor luFactor(Array a) {
        Array x = square("luFactor", a);
        Lu f = factor(x);
        return new LuFactor(f.lu, f.piv);
    }

    /**
     * The factors {@code p, l, u} of square matrices with {@code a = p l u}, as {@code
     * jax.scipy.linalg.lu}: {@code l} unit lower triangular, {@code u} upper triangular, {@code p}
     * a permutation matrix in {@code a}'s (float) dtype.
     *
     * @throws ShapeException when {@code a} is not square
     */
    public static PLU lu(Array a) {
        Array x = square("lu", a);
        Lu f = factor(x);
        int n = rows(x);
        DType t = x.dtype();
        Array eye = Np.eye(n, n, 0, t);
        Array l = Np.add(Np.tril(f.lu, -1), eye);
        Array u = Np.triu(f.lu);
        // a[perm[i]] = (l u)[i], so p[perm[i], i] = 1
        Array p = Np.astype(Np.equal(Np.expandDims(f.perm, -2), Np.expandDims(iota(n), -1)), t);
        return new PLU(p, l, u);
    }

    /**
     * Solves {@code a x = b} from {@link #luFactor}'s result, as {@code
     * jax.scipy.linalg.lu_solve((lu, piv), b)}: {@code b} is {@code (n,)} or {@code (..., n, k)}.
     *
     * @throws ShapeException when the factors are not square, {@code piv} does not match them or
     *     {@code b} does not match
     * @throws DTypeException when {@code piv} is not an integer array
     */
    public static Array luSolve(LuFactor factors, Array b) {
        String fn = "luSolve";
        Objects.requireNonNull(factors, "factors");
        Array lu = square(fn, factors.lu());
        Array piv = factors.piv();
        int n = rows(lu);
        if (!piv.dtype().isInteger()) {
            throw new DTypeException(fn + ": piv must hold integer row indices, got " + piv.dtype()
                    + "; pass the pivots luFactor returned");
        }
        if (piv.ndim() < 1 || piv.shape(piv.ndim() - 1) != n) {
            throw new ShapeException(fn + ": piv of shape " + Shape.toString(piv.shape())
                    + " does not match lu of shape " + Shape.toString(lu.shape()) + "; piv must be (..., " + n + ")");
        }
        Objects.requireNonNull(b, "b");
        boolean vector = b.ndim() == 1;
        Array rhs = floating(fn, vector ? Np.expandDims(b, -1) : b);
        checkRhs(fn, lu, rhs, vector, b);
        DType t = DType.promote(lu.dtype(), rhs.dtype());
        Array perm = pivotsToPermutation(Np.astype(piv, DType.INT32), n);
        Lu f = new Lu(Np.astype(lu, t), perm, null, null);
        Array out = luSolve(f, Np.astype(rhs, t));
        return vector ? Np.squeeze(out, -1) : out;
    }

    /** The row permutation that the swaps {@code piv} (row i with row piv[i], in order) make. */
    private static Array pivotsToPermutation(Array piv, int n) {
        Array idx = iota(n);
        Array perm0 = Np.broadcastTo(idx, piv.shape());
        return loop(
                n,
                (j, perm) -> {
                    Array ej = Np.equal(idx, j);
                    Array p = Np.sum(Np.where(ej, piv, 0), new int[] {-1}, true);
                    Array ep = Np.equal(idx, p);
                    Array pj = Np.sum(Np.where(ej, perm, 0), new int[] {-1}, true);
                    Array pp = Np.sum(Np.where(ep, perm, 0), new int[] {-1}, true);
                    return Np.where(ej, pp, Np.where(ep, pj, perm));
                },
                perm0);
    }

    /**
     * The Cholesky factor of symmetric positive definite matrices, as {@code
     * jax.scipy.linalg.cho_factor(a, lower)}: lower ({@code a = c c^T}) when {@code lower}, else
     * upper ({@code a = c^T c}); the other triangle is zero.
     *
     * @throws ShapeException when {@code a} is not square
     */
    public static ChoFactor choFactor(Array a, boolean lower) {
        square("choFactor", a);
        return new ChoFactor(cholesky(a, !lower), lower);
    }

    /** {@link #choFactor(Array, boolean)} with scipy's default, the upper factor. */
    public static ChoFactor choFactor(Array a) {
        return choFactor(a, false);
    }

    /**
     * Solves {@code a x = b} from {@link #choFactor}'s result, as {@code
     * jax.scipy.linalg.cho_solve((c, lower), b)}: two triangular solves. {@code b} is {@code (...,
     * n)} or {@code (..., n, k)}.
     *
     * @throws ShapeException when {@code c} is not square or {@code b} does not match it
     */
    public static Array choSolve(ChoFactor factor, Array b) {
        Objects.requireNonNull(factor, "factor");
        Array c = factor.c();
        square("choSolve", c);
        Objects.requireNonNull(b, "b");
        if (factor.lower()) {
            return solveTriangular(c, solveTriangular(c, b, true, false, false), true, true, false);
        }
        return solveTriangular(c, solveTriangular(c, b, false, true, false), false, false, false);
    }

    /**
     * The block diagonal matrix of the given arrays, as {@code jax.scipy.linalg.block_diag}: 0-d
     * and 1-d arrays count as 1 x 1 and 1 x N matrices, the dtype is their promoted one, and no
     * arrays give a 1 x 0 matrix.
     *
     * @throws ShapeException when an array has more than two axes
     */
    public static Array blockDiag(Array... arrays) {
        Objects.requireNonNull(arrays, "arrays");
        if (arrays.length == 0) {
            return Np.zeros(DType.FLOAT32, 1, 0);
        }
        Array[] m = new Array[arrays.length];
        DType t = null;
        int rowsTotal = 0;
        int colsTotal = 0;
        for (int i = 0; i < arrays.length; i++) {
            Array x = Objects.requireNonNull(arrays[i], "arrays[" + i + "]");
            if (x.ndim() > 2) {
                throw new ShapeException("blockDiag: arrays[" + i + "] has shape " + Shape.toString(x.shape())
                        + "; each block must have at most two axes");
            }
            m[i] = x.ndim() == 2 ? x : Np.reshape(x, 1, x.ndim() == 0 ? 1 : x.shape(0));
            t = t == null ? x.dtype() : DType.promote(t, x.dtype());
            rowsTotal += m[i].shape(0);
            colsTotal += m[i].shape(1);
        }
        Array[] placed = new Array[m.length];
        int col = 0;
        for (int i = 0; i < m.length; i++) {
            int c = m[i].shape(1);
            placed[i] = Lax.pad(
                    Np.astype(m[i], t), Np.zeros(t), new int[] {0, col}, new int[] {0, colsTotal - col - c}, new int[] {
                        0, 0
                    });
            col += c;
        }
        return rowsTotal == 0 ? Np.zeros(t, 0, colsTotal) : Np.concatenate(placed, 0);
    }

    /**
     * The Toeplitz matrix with first column {@code c} and first row {@code r} ({@code r[0]} is
     * ignored), as {@code jax.scipy.linalg.toeplitz(c, r)}: {@code out[..., i, j] = c[..., i - j]}
     * for {@code i >= j}, else {@code r[..., j - i]}. Leading axes of {@code c} and {@code r}
     * broadcast to a batch of matrices; the dtype is their promoted one.
     */
    public static Array toeplitz(Array c, Array r) {
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(r, "r");
        Array cc = c.ndim() == 0 ? Np.reshape(c, 1) : c;
        Array rr = r.ndim() == 0 ? Np.reshape(r, 1) : r;
        int m = cc.shape(cc.ndim() - 1);
        int n = rr.shape(rr.ndim() - 1);
        DType t = DType.promote(c.dtype(), r.dtype());
        int[] bc = Arrays.copyOf(cc.shape(), cc.ndim() - 1);
        int[] br = Arrays.copyOf(rr.shape(), rr.ndim() - 1);
        int[] b = Np.broadcastShapes("toeplitz", bc, br);
        if (m == 0 || n == 0) {
            return Np.zeros(t, concat(b, m, n));
        }
        // v = [r[n-1], ..., r[1], c[0], ..., c[m-1]]; out[i, j] = v[i - j + n - 1]
        Array tail = Np.flip(Lax.sliceInDim(rr, rr.ndim() - 1, 1, n), -1);
        Array v = Np.concatenate(
                new Array[] {
                    Np.broadcastTo(Np.astype(tail, t), concat(b, n - 1)), Np.broadcastTo(Np.astype(cc, t), concat(b, m))
                },
                -1);
        int[] index = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                index[i * n + j] = i - j + n - 1;
            }
        }
        return Np.take(v, Np.reshape(Np.array(index), m, n), -1);
    }

    /**
     * {@link #toeplitz(Array, Array)} with {@code r = c}: the symmetric Toeplitz matrix of {@code c}
     * (JAX conjugates complex {@code c}; Kiln's arrays are real).
     */
    public static Array toeplitz(Array c) {
        return toeplitz(c, c);
    }

    /**
     * The Hankel matrix with first column {@code c} and last row {@code r} ({@code r[0]} is ignored),
     * as {@code jax.scipy.linalg.hankel(c, r)}: {@code out[..., i, j] = c[..., i + j]} while {@code
     * i + j < m}, else {@code r[..., i + j - m + 1]}. Leading axes broadcast to a batch; the dtype is
     * the promoted one.
     *
     * @throws ShapeException when c or r is 0-d or their leading axes do not broadcast
     */
    public static Array hankel(Array c, Array r) {
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(r, "r");
        if (c.ndim() == 0 || r.ndim() == 0) {
            throw new ShapeException("hankel: c and r must be at least 1-dimensional, got shapes "
                    + Shape.toString(c.shape()) + " and " + Shape.toString(r.shape()) + "; pass vectors");
        }
        Array cc = c.ndim() == 0 ? Np.reshape(c, 1) : c;
        Array rr = r.ndim() == 0 ? Np.reshape(r, 1) : r;
        int m = cc.shape(cc.ndim() - 1);
        int n = rr.shape(rr.ndim() - 1);
        DType t = DType.promote(c.dtype(), r.dtype());
        int[] b = Np.broadcastShapes(
                "hankel", Arrays.copyOf(cc.shape(), cc.ndim() - 1), Arrays.copyOf(rr.shape(), rr.ndim() - 1));
        if (m == 0 || n == 0) {
            return Np.zeros(t, concat(b, m, n));
        }
        // v = [c[0], ..., c[m-1], r[1], ..., r[n-1]]; out[i, j] = v[i + j]
        Array v = Np.concatenate(
                new Array[] {
                    Np.broadcastTo(Np.astype(cc, t), concat(b, m)),
                    Np.broadcastTo(Np.astype(Lax.sliceInDim(rr, rr.ndim() - 1, 1, n), t), concat(b, n - 1))
                },
                -1);
        int[] index = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                index[i * n + j] = i + j;
            }
        }
        return Np.take(v, Np.reshape(Np.array(index), m, n), -1);
    }

    /** {@link #hankel(Array, Array)} with {@code r} zeros: zeros below the anti-diagonal. */
    public static Array hankel(Array c) {
        Objects.requireNonNull(c, "c");
        return hankel(c, Np.zerosLike(c));
    }

    /**
     * The circulant matrix of {@code c}, as {@code jax.scipy.linalg.circulant}: {@code out[..., i,
     * j] = c[..., (i - j) mod n]}, {@code c}'s first column; leading axes batch.
     */
    public static Array circulant(Array c) {
        Objects.requireNonNull(c, "c");
        Array cc = c.ndim() == 0 ? Np.reshape(c, 1) : c;
        int n = cc.shape(cc.ndim() - 1);
        if (n == 0) {
            return Np.zeros(c.dtype(), concat(Arrays.copyOf(cc.shape(), cc.ndim() - 1), 0, 0));
        }
        int[] index = new int[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                index[i * n + j] = Math.floorMod(i - j, n);
            }
        }
        return Np.take(cc, Np.reshape(Np.array(index), n, n), -1);
    }

    /**
     * The n x n Hilbert matrix {@code 1 / (i + j + 1)} in float32, as {@code
     * jax.scipy.linalg.hilbert(n)}.
     *
     * @throws ShapeException when n is negative
     */
    public static Array hilbert(int n) {
        if (n < 0) {
            throw new ShapeException("hilbert: n must be non-negative, got " + n + "; pass the matrix size");
        }
        Array i = Lax.iota(DType.FLOAT32, new int[] {n, n}, 0);
        Array j = Lax.iota(DType.FLOAT32, new int[] {n, n}, 1);
        return Np.divide(1.0f, Np.add(Np.add(i, j), 1.0f));
    }

    /**
     * The n x n Hadamard matrix of int32 {@code ±1} (Sylvester's construction), as {@code
     * jax.scipy.linalg.hadamard(n)}.
     *
     * @throws ShapeException when n is not a positive power of 2
     */
    public static Array hadamard(int n) {
        return hadamard(n, DType.INT32);
    }

    /**
     * {@link #hadamard(int)} in {@code dtype}, as {@code jax.scipy.linalg.hadamard(n, dtype)}.
     *
     * @throws ShapeException when n is not a positive power of 2
     */
    public static Array hadamard(int n, DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        if (n < 1 || Integer.bitCount(n) != 1) {
            throw new ShapeException("hadamard: n must be a positive power of 2, got " + n + "; pass 1, 2, 4, 8, ...");
        }
        // entry (i, j) is -1 when i and j share an odd number of set bits
        double[] h = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                h[i * n + j] = Integer.bitCount(i & j) % 2 == 0 ? 1 : -1;
            }
        }
        return Np.astype(Np.array(h, n, n), dtype);
    }

    /**
     * The Helmert matrix of order n in float32, as {@code jax.scipy.linalg.helmert(n, full)}: row 0 is
     * {@code 1/sqrt(n)} throughout, row {@code i > 0} has {@code 1/sqrt(i(i+1))} in its first i
     * columns and {@code -i/sqrt(i(i+1))} in column i; without {@code full}, row 0 is left out
     * (shape {@code (n-1, n)}).
     *
     * @throws ShapeException when n is not positive
     */
    public static Array helmert(int n, boolean full) {
        if (n < 1) {
            throw new ShapeException("helmert: n must be a positive integer, got " + n + "; pass the order");
        }
        int first = full ? 0 : 1;
        float[] h = new float[(n - first) * n];
        for (int i = first; i < n; i++) {
            int row = (i - first) * n;
            if (i == 0) {
                Arrays.fill(h, row, row + n, (float) (1 / Math.sqrt(n)));
                continue;
            }
            double d = Math.sqrt((double) i * (i + 1));
            for (int j = 0; j < i; j++) {
                h[row + j] = (float) (1 / d);
            }
            h[row + i] = (float) (-i / d);
        }
        return Np.array(h, n - first, n);
    }

    /** {@link #helmert(int, boolean)} without the first row, as {@code jax.scipy.linalg.helmert(n)}. */
    public static Array helmert(int n) {
        return helmert(n, false);
    }

    /**
     * The companion matrix of the polynomial with coefficients {@code a} (highest degree first), as
     * {@code jax.scipy.linalg.companion(a)}: for {@code a (..., n)}, a {@code (..., n-1, n-1)} matrix
     * whose first row is {@code -a[1:] / a[0]} and whose subdiagonal is ones. Integer and bool
     * coefficients give float32 (the default float); leading axes are a batch.
     *
     * @throws ShapeException when the last axis is shorter than 2 (or {@code a} is 0-d)
     */
    public static Array companion(Array a) {
        Objects.requireNonNull(a, "a");
        Array v = a.ndim() == 0 ? Np.reshape(a, 1) : a;
        int n = v.shape(v.ndim() - 1);
        if (n < 2) {
            throw new ShapeException("companion: the length of a along the last axis must be at least 2, got shape "
                    + Shape.toString(v.shape()) + "; pass the polynomial's coefficients, highest degree first");
        }
        DType t = a.dtype().isFloating() ? a.dtype() : DType.FLOAT32;
        Array c = Np.astype(v, t);
        int[] batch = Arrays.copyOf(v.shape(), v.ndim() - 1);
        Array lead = Lax.sliceInDim(c, c.ndim() - 1, 0, 1);
        Array top = Np.negative(Np.divide(Lax.sliceInDim(c, c.ndim() - 1, 1, n), lead));
        Array rows = Np.expandDims(top, top.ndim() - 1); // (..., 1, n-1)
        if (n == 2) {
            return rows;
        }
        Array below = Np.broadcastTo(Np.eye(n - 2, n - 1, 0, t), concat(batch, n - 2, n - 1));
        return Np.concatenate(new Array[] {rows, below}, -2);
    }

    /**
     * The Fiedler matrix {@code |a[i] - a[j]|} of {@code a (..., n)}, as {@code
     * jax.scipy.linalg.fiedler(a)} (a 0-d {@code a} counts as length 1); leading axes are a batch.
     *
     * @throws DTypeException for bool {@code a}, whose difference is not defined (as JAX)
     */
    public static Array fiedler(Array a) {
        Objects.requireNonNull(a, "a");
        if (a.dtype().isBool()) {
            throw new DTypeException("fiedler: a must be numeric, got bool; convert it with Np.astype first");
        }
        Array v = a.ndim() == 0 ? Np.reshape(a, 1) : a;
        Array col = Np.expandDims(v, v.ndim());
        Array row = Np.expandDims(v, v.ndim() - 1);
        return Np.abs(Np.subtract(col, row));
    }

    /**
     * The Leslie matrix of fecundities {@code f (..., n)} and survival rates {@code s (..., n-1)}, as
     * {@code jax.scipy.linalg.leslie(f, s)}: first row {@code f}, subdiagonal {@code s}, zeros
     * elsewhere; the dtype is the promoted one and leading axes broadcast to a batch.
     *
     * @throws ShapeException when f is shorter than 2 or s is not one shorter than f
     */
    public static Array leslie(Array f, Array s) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(s, "s");
        Array ff = f.ndim() == 0 ? Np.reshape(f, 1) : f;
        Array ss = s.ndim() == 0 ? Np.reshape(s, 1) : s;
        int n = ff.shape(ff.ndim() - 1);
        if (n < 2) {
            throw new ShapeException("leslie: the length of f along the last axis must be at least 2, got shape "
                    + Shape.toString(ff.shape()) + "; pass one fecundity per age class");
        }
        if (ss.shape(ss.ndim() - 1) != n - 1) {
            throw new ShapeException("leslie: the length of s along the last axis must be one less than f's, got f "
                    + Shape.toString(ff.shape()) + " and s " + Shape.toString(ss.shape())
                    + "; pass n fecundities and n-1 survival rates");
        }
        DType t = DType.promote(f.dtype(), s.dtype());
        int[] batch = Np.broadcastShapes(
                "leslie", Arrays.copyOf(ff.shape(), ff.ndim() - 1), Arrays.copyOf(ss.shape(), ss.ndim() - 1));
        Array top = Np.broadcastTo(Np.expandDims(Np.astype(ff, t), ff.ndim() - 1), concat(batch, 1, n));
        Array diag = Np.broadcastTo(Np.expandDims(Np.astype(ss, t), ss.ndim()), concat(batch, n - 1, 1));
        Array mask = Np.eye(n - 1, n, 0, DType.BOOL);
        Array below = Np.where(mask, diag, Np.zeros(t));
        return Np.concatenate(new Array[] {top, below}, -2);
    }

    /**
     * The matrix exponential of square matrices {@code (..., n, n)}, as {@code
     * jax.scipy.linalg.expm}: scaling and squaring with a Padé approximant chosen by the 1-norm
     * (degrees 3 to 13 in float64, 3 to 7 in float32, with JAX's thresholds), the scaled result
     * squared back at most 16 times (NaN when more would be needed). Every degree is computed and
     * the right one selected per matrix, so it batches, jits and differentiates from its parts.
     *
     * @throws ShapeException when {@code a} is not square
     * @throws DTypeException for float16 and bfloat16, as JAX
     */
    public static Array expm(Array a) {
        Array x = square("expm", a);
        if (x.dtype() == DType.FLOAT16 || x.dtype() == DType.BFLOAT16) {
            throw new DTypeException("expm: " + x.dtype() + " is not supported (JAX's Pade thresholds are for float32"
                    + " and float64); convert the matrix to float32 first");
        }
        DType t = x.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        x = Np.astype(x, t);
        int n = rows(x);
        if (n == 0) {
            return x;
        }
        boolean wide = t == DType.FLOAT64;
        Array norm1 = Np.max(Np.sum(Np.abs(x), new int[] {-2}, false), new int[] {-1}, true); // (..., 1)
        double maxnorm = wide ? 5.371920351148152 : 3.925724783138660;
        Array squarings = Np.maximum(Np.floor(Np.log2(Np.divide(norm1, maxnorm))), 0.0); // (..., 1)
        Array sq = Np.expandDims(squarings, -1); // (..., 1, 1)
        Array scaled = Np.divide(x, Np.power(Np.full(t, 2.0), sq));
        double[] conds = wide
                ? new double[] {
                    1.495585217958292e-002, 2.539398330063230e-001, 9.504178996162932e-001, 2.097847961257068e+000
                }
                : new double[] {4.258730016922831e-001, 1.880152677804762e+000};
        Array degree = Np.zeros(DType.INT32, norm1.shape());
        for (double cond : conds) {
            degree = Np.add(degree, Np.astype(Np.greaterEqual(norm1, cond), DType.INT32));
        }
        degree = Np.expandDims(degree, -1);
        Array eye = Np.eye(n, n, 0, t);
        Array a2 = Np.matmul(scaled, scaled);
        Array a4 = Np.matmul(a2, a2);
        Array a6 = Np.matmul(a4, a2);
        Array[][] uv = new Array[wide ? 5 : 3][];
        uv[0] = pade(scaled, eye, new double[] {120., 60., 12., 1.}, a2);
        uv[1] = pade(scaled, eye, new double[] {30240., 15120., 3360., 420., 30., 1.}, a2, a4);
        uv[2] = pade(
                scaled, eye, new double[] {17297280., 8648640., 1995840., 277200., 25200., 1512., 56., 1.}, a2, a4, a6);
        if (wide) {
            uv[3] = pade(
                    scaled,
                    eye,
                    new double[] {
                        17643225600., 8821612800., 2075673600., 302702400., 30270240., 2162160., 110880., 3960., 90., 1.
                    },
                    a2,
                    a4,
                    a6,
                    Np.matmul(a6, a2));
            uv[4] = pade13(scaled, eye, a2, a4, a6);
        }
        Array u = uv[0][0];
        Array v = uv[0][1];
        for (int k = 1; k < uv.length; k++) {
            Array pick = Np.equal(degree, k);
            u = Np.where(pick, uv[k][0], u);
            v = Np.where(pick, uv[k][1], v);
        }
        Array r = solve(Np.subtract(v, u), Np.add(u, v));
        for (int k = 0; k < 16; k++) {
            r = Np.where(Np.less(k, sq), Np.matmul(r, r), r);
        }
        return Np.where(Np.greater(sq, 16.0), Double.NaN, r);
    }

    /** Padé numerator/denominator parts {@code U = a (sum odd b_k a^(k-1))}, {@code V = sum even b_k a^k}. */
    private static Array[] pade(Array a, Array eye, double[] b, Array... powers) {
        Array odd = Np.multiply(eye, b[1]);
        Array even = Np.multiply(eye, b[0]);
        for (int k = 0; k < powers.length; k++) {
            odd = Np.add(odd, Np.multiply(powers[k], b[2 * k + 3]));
            even = Np.add(even, Np.multiply(powers[k], b[2 * k + 2]));
        }
        return new Array[] {Np.matmul(a, odd), even};
    }

    private static Array[] pade13(Array a, Array eye, Array a2, Array a4, Array a6) {
        double[] b = {
            64764752532480000.,
            32382376266240000.,
            7771770303897600.,
            1187353796428800.,
            129060195264000.,
            10559470521600.,
            670442572800.,
            33522128640.,
            1323241920.,
            40840800.,
            960960.,
            16380.,
            182.,
            1.
        };
        Array uInner = Np.add(Np.add(Np.multiply(a6, b[13]), Np.multiply(a4, b[11])), Np.multiply(a2, b[9]));
        Array u = Np.matmul(
                a,
                Np.add(
                        Np.add(
                                Np.add(Np.add(Np.matmul(a6, uInner), Np.multiply(a6, b[7])), Np.multiply(a4, b[5])),
                                Np.multiply(a2, b[3])),
                        Np.multiply(eye, b[1])));
        Array vInner = Np.add(Np.add(Np.multiply(a6, b[12]), Np.multiply(a4, b[10])), Np.multiply(a2, b[8]));
        Array v = Np.add(
                Np.add(
                        Np.add(Np.add(Np.matmul(a6, vInner), Np.multiply(a6, b[6])), Np.multiply(a4, b[4])),
                        Np.multiply(a2, b[2])),
                Np.multiply(eye, b[0]));
        return new Array[] {u, v};
    }

    // ---------------------------------------------------------------- more of jax.scipy.linalg

    /**
     * The order of a constructed matrix: a negative n gives an empty matrix, as JAX's (whose {@code
     * arange(n)} is then empty); an n whose n x n elements do not fit an array is refused.
     */
    private static int order(String fn, int n) {
        if ((long) n * n > Integer.MAX_VALUE) {
            throw new ShapeException(fn + ": n = " + n + " gives " + ((long) n * n)
                    + " elements, more than an array holds; pass a smaller size");
        }
        return Math.max(n, 0);
    }

    /** The binomial coefficient C(n, k) in double (0 outside 0 <= k <= n), by the multiplicative formula. */
    private static double binomial(long n, long k) {
        if (k < 0 || k > n) {
            return 0;
        }
        long kk = Math.min(k, n - k);
        double c = 1;
        for (long t = 1; t <= kk; t++) {
            c = c * (n - kk + t) / t;
        }
        return Math.rint(c);
    }

    private static String kind(String fn, String kind) {
        String k = kind == null ? "symmetric" : kind;
        if (!k.equals("symmetric") && !k.equals("lower") && !k.equals("upper")) {
            throw new KilnException(
                    fn + ": kind must be \"symmetric\", \"lower\" or \"upper\", got \"" + k + "\"; pass one of those");
        }
        return k;
    }

    /**
     * The n x n Pascal matrix of binomial coefficients in float32, as {@code
     * jax.scipy.linalg.pascal(n, kind)}: {@code kind} "lower" gives {@code C(i, j)}, "upper" its
     * transpose and "symmetric" (or null) {@code C(i + j, i)}, their product. Kiln computes the
     * coefficients exactly (JAX's come from {@code exp(lgamma)} and are a few ulps off).
     *
     * @throws ShapeException when n is too large (a negative n gives a 0 x 0 matrix, as JAX's)
     * @throws KilnException when kind is not one of the three
     */
    public static Array pascal(int n, String kind) {
        String k = kind("pascal", kind);
        n = order("pascal", n);
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v =
                        switch (k) {
                            case "lower" -> binomial(i, j);
                            case "upper" -> binomial(j, i);
                            default -> binomial(i + j, i);
                        };
                out[i * n + j] = (float) v;
            }
        }
        return Np.array(out, n, n);
    }

    /** {@link #pascal(int, String)} of kind "symmetric". */
    public static Array pascal(int n) {
        return pascal(n, null);
    }

    /**
     * The inverse of the n x n Pascal matrix in float32, as {@code jax.scipy.linalg.invpascal(n,
     * kind)}: "lower" gives {@code (-1)^(i-j) C(i, j)}, "upper" its transpose, "symmetric" (or null)
     * the product of the two, computed exactly.
     *
     * @throws ShapeException when n is too large (a negative n gives a 0 x 0 matrix, as JAX's)
     * @throws KilnException when kind is not one of the three
     */
    public static Array invpascal(int n, String kind) {
        String k = kind("invpascal", kind);
        n = order("invpascal", n);
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v;
                if (k.equals("symmetric")) {
                    // (L^-T L^-1)[i, j] = sum over r >= max(i, j) of (-1)^(i+j) C(r, i) C(r, j)
                    v = 0;
                    for (int r = Math.max(i, j); r < n; r++) {
                        v += binomial(r, i) * binomial(r, j);
                    }
                    v *= (i + j) % 2 == 0 ? 1 : -1;
                } else {
                    int r = k.equals("lower") ? i : j;
                    int c = k.equals("lower") ? j : i;
                    v = ((r - c) % 2 == 0 ? 1 : -1) * binomial(r, c);
                }
                out[i * n + j] = (float) v;
            }
        }
        return Np.array(out, n, n);
    }

    /** {@link #invpascal(int, String)} of kind "symmetric". */
    public static Array invpascal(int n) {
        return invpascal(n, null);
    }

    /**
     * The inverse of the n x n Hilbert matrix in float32, as {@code jax.scipy.linalg.invhilbert(n)}:
     * {@code (-1)^(i+j) (i+j+1) C(n+i, n-j-1) C(n+j, n-i-1) C(i+j, i)^2}, computed in float64 and
     * rounded once (the entries outgrow float32 from n = 15 on, as JAX's do).
     *
     * @throws ShapeException when n is too large (a negative n gives a 0 x 0 matrix, as JAX's)
     */
    public static Array invhilbert(int n) {
        n = order("invhilbert", n);
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double c = binomial(i + j, i);
                double v = (i + j + 1.0) * binomial(n + i, n - j - 1) * binomial(n + j, n - i - 1) * c * c;
                out[i * n + j] = (float) ((i + j) % 2 == 0 ? v : -v);
            }
        }
        return Np.array(out, n, n);
    }

    /**
     * The convolution matrix of {@code a (..., m)} with n columns, as {@code
     * jax.scipy.linalg.convolution_matrix(a, n, mode)}: {@code A @ v} equals {@code Np.convolve(a,
     * v, mode)} for {@code v} of length n. Mode "full" gives {@code m + n - 1} rows, "same" {@code
     * max(m, n)}, "valid" {@code max(m, n) - min(m, n) + 1}; leading axes of {@code a} are a batch
     * and the dtype is {@code a}'s.
     *
     * @throws ShapeException when n is not positive, or {@code a} is 0-d or empty along its last axis
     * @throws KilnException when mode is not "full", "same" or "valid"
     */
    public static Array convolutionMatrix(Array a, int n, String mode) {
        String fn = "convolutionMatrix";
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(mode, "mode");
        if (n <= 0) {
            throw new ShapeException(fn + ": n must be a positive integer, got " + n + "; pass the number of columns");
        }
        if (a.ndim() == 0) {
            throw new ShapeException(fn + ": a must be at least 1-dimensional, got a scalar; pass a vector");
        }
        int m = a.shape(a.ndim() - 1);
        if (m < 1) {
            throw new ShapeException(fn + ": a must have at least one element along its last axis, got shape "
                    + Shape.toString(a.shape()) + "; pass a non-empty filter");
        }
        if (!mode.equals("full") && !mode.equals("same") && !mode.equals("valid")) {
            throw new KilnException(fn + ": mode must be \"full\", \"same\" or \"valid\", got \"" + mode + "\"");
        }
        long total = (long) m + n - 1;
        if (total > Integer.MAX_VALUE) {
            throw new ShapeException(fn + ": n = " + n + " with a filter of length " + m
                    + " gives more rows than an array holds; pass a smaller n");
        }
        int len = (int) total;
        int tb;
        int te;
        if (mode.equals("same")) {
            int trim = Math.min(n, m) - 1;
            tb = trim / 2;
            te = trim - tb;
        } else if (mode.equals("valid")) {
            tb = Math.min(n, m) - 1;
            te = tb;
        } else {
            tb = 0;
            te = 0;
        }
        int[][] pad = new int[a.ndim()][2];
        pad[a.ndim() - 1][1] = n - 1;
        Array az = Np.pad(a, pad);
        Array raz = Np.pad(Np.flip(a, -1), pad);
        Array col0 = Lax.sliceInDim(az, a.ndim() - 1, tb, len - te);
        Array row0 = Lax.sliceInDim(raz, a.ndim() - 1, len - n - tb, len - tb);
        return toeplitz(col0, row0);
    }

    /** {@link #convolutionMatrix(Array, int, String)} in mode "full". */
    public static Array convolutionMatrix(Array a, int n) {
        return convolutionMatrix(a, n, "full");
    }

    /**
     * The Fiedler companion matrix of the polynomial with coefficients {@code a (..., N)} (highest
     * degree first), as {@code jax.scipy.linalg.fiedler_companion(a)}: a pentadiagonal {@code (...,
     * N-1, N-1)} matrix whose eigenvalues are the roots. Integer and bool coefficients give float32;
     * a zero leading coefficient gives infinities or NaNs (not checked, as JAX); {@code N == 1} gives
     * a 0 x 0 matrix and a 0-d {@code a} counts as length 1.
     *
     * @throws ShapeException when the last axis of {@code a} is empty
     */
    public static Array fiedlerCompanion(Array a) {
        String fn = "fiedlerCompanion";
        Objects.requireNonNull(a, "a");
        Array v = Np.astype(a.ndim() == 0 ? Np.reshape(a, 1) : a, a.dtype().isFloating() ? a.dtype() : DType.FLOAT32);
        int len = v.shape(v.ndim() - 1);
        if (len == 0) {
            throw new ShapeException(fn + ": the last axis of a must not be empty, got shape "
                    + Shape.toString(v.shape()) + "; pass the polynomial's coefficients, highest degree first");
        }
        int n = len - 1;
        int[] batch = Arrays.copyOf(v.shape(), v.ndim() - 1);
        DType t = v.dtype();
        if (n == 0) {
            return Np.zeros(t, concat(batch, 0, 0));
        }
        Array an = Np.divide(v, Lax.sliceInDim(v, v.ndim() - 1, 0, 1));
        if (n == 1) {
            return Np.reshape(Np.negative(Lax.sliceInDim(an, an.ndim() - 1, 1, 2)), concat(batch, 1, 1));
        }
        int[] supIdx = new int[n];
        int[] subIdx = new int[n];
        boolean[] isSup = new boolean[n * n];
        boolean[] isSub = new boolean[n * n];
        boolean[] isOne = new boolean[n * n];
        boolean[] isFirst = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            supIdx[i] = Math.min(i + 2, n);
            subIdx[i] = Math.min(i + 1, n);
            for (int j = 0; j < n; j++) {
                boolean even = i % 2 == 0;
                isFirst[i * n + j] = i == 0 && j == 0;
                isOne[i * n + j] = (i == 1 && j == 0) || (even && j == i + 2) || (!even && i >= 3 && j == i - 2);
                isSup[i * n + j] = even && j == i + 1;
                isSub[i * n + j] = even && i >= 2 && j == i - 1;
            }
        }
        Array sup = Np.expandDims(Np.negative(Np.take(an, Np.array(supIdx), -1)), -1); // (..., n, 1)
        Array sub = Np.expandDims(Np.negative(Np.take(an, Np.array(subIdx), -1)), -1);
        Array first = Np.expandDims(Np.negative(Lax.sliceInDim(an, an.ndim() - 1, 1, 2)), -1); // (..., 1, 1)
        Array out = Np.where(Np.reshape(Np.array(isFirst), n, n), first, Np.zeros(t));
        out = Np.where(Np.reshape(Np.array(isOne), n, n), Np.ones(t), out);
        out = Np.where(Np.reshape(Np.array(isSup), n, n), sup, out);
        out = Np.where(Np.reshape(Np.array(isSub), n, n), sub, out);
        return Np.broadcastTo(out, concat(batch, n, n));
    }

    /** {@link #polar}'s result: {@code a = u p} (side "right") or {@code a = p u} (side "left"). */
    public record Polar(Array u, Array p) {}

    /** {@link #polar(Array, String, String)} with side "right" and method "qdwh". */
    public static Polar polar(Array a) {
        return polar(a, "right", "qdwh");
    }

    /** {@link #polar(Array, String, String)} with method "qdwh". */
    public static Polar polar(Array a, String side) {
        return polar(a, side, "qdwh");
    }

    /**
     * The polar decomposition of matrices {@code a (..., M, N)}, as {@code
     * jax.scipy.linalg.polar(a, side, method=method)}: {@code u (..., M, N)} with orthonormal columns
     * (rows when {@code N > M}) and {@code p} symmetric positive semidefinite, {@code (..., N, N)} for
     * side "right" ({@code a = u p}) and {@code (..., M, M)} for "left" ({@code a = p u}). Kiln
     * computes both methods from the SVD {@code a = U S Vh} ({@code u = U Vh}, {@code p = Vh^T S Vh}
     * or {@code U S U^T}); method "qdwh" (JAX's iteration, the default) accepts, as JAX's does, only
     * {@code M >= N} with side "right" and {@code M < N} with side "left". Integer and bool input is
     * refused, as JAX's. Differentiable where the SVD is (distinct singular values).
     *
     * @throws ShapeException when {@code a} has fewer than two axes, or method "qdwh" meets a shape
     *     its side does not take
     * @throws DTypeException when {@code a} is not floating point
     * @throws KilnException when side or method is not one of the names above
     */
    public static Polar polar(Array a, String side, String method) {
        String fn = "polar";
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(method, "method");
        Array x = matrix(fn, a);
        if (!a.dtype().isFloating()) {
            throw new DTypeException(fn + ": a must be a floating-point matrix, got " + a.dtype()
                    + " (JAX refuses it too); convert it with Np.astype first");
        }
        if (!side.equals("right") && !side.equals("left")) {
            throw new KilnException(fn + ": side must be \"right\" or \"left\", got \"" + side + "\"");
        }
        if (!method.equals("qdwh") && !method.equals("svd")) {
            throw new KilnException(fn + ": method must be \"qdwh\" or \"svd\", got \"" + method + "\"");
        }
        int m = rows(x);
        int n = cols(x);
        boolean right = side.equals("right");
        if (method.equals("qdwh") && (right ? m < n : m >= n)) {
            throw new ShapeException(fn + ": method \"qdwh\" takes M >= N with side \"right\" and M < N with side"
                    + " \"left\", got shape " + Shape.toString(x.shape()) + " with side \"" + side
                    + "\"; pass method \"svd\" or the other side");
        }
        SVD d = svd(x, false);
        Array u = Np.matmul(d.u(), d.vh());
        Array s = Np.expandDims(Np.astype(d.s(), x.dtype()), -2);
        Array p = right ? Np.matmul(Np.multiply(mT(d.vh()), s), d.vh()) : Np.matmul(Np.multiply(d.u(), s), mT(d.u()));
        return new Polar(u, p);
    }

    /** {@link #expmFrechet}'s result: {@code expm(a)} and its derivative along {@code e}. */
    public record ExpmFrechet(Array expm, Array frechet) {}

    /**
     * The matrix exponential of {@code a (..., n, n)} and its Fréchet derivative in the direction
     * {@code e} (same shape), as {@code jax.scipy.linalg.expm_frechet(a, e)}: like JAX, the
     * forward-mode derivative of {@link #expm}. Both must have the same dtype, float32 or float64.
     *
     * @throws ShapeException when a or e is not square or their shapes differ
     * @throws DTypeException when their dtypes differ or are not float32/float64
     */
    public static ExpmFrechet expmFrechet(Array a, Array e) {
        String fn = "expmFrechet";
        Array x = square(fn, a);
        Array dx = square(fn, e);
        if (!Arrays.equals(x.shape(), dx.shape())) {
            throw new ShapeException(fn + ": a and e must have the same shape, got " + Shape.toString(x.shape())
                    + " and " + Shape.toString(dx.shape()) + "; pass a direction shaped like the matrix");
        }
        if (a.dtype() != e.dtype() || (a.dtype() != DType.FLOAT32 && a.dtype() != DType.FLOAT64)) {
            throw new DTypeException(fn + ": a and e must both be float32 or both float64, got " + a.dtype() + " and "
                    + e.dtype() + " (JAX's jvp refuses other pairs); convert them with Np.astype first");
        }
        Kiln.Jvp<Array> r = Kiln.jvp((Array m) -> expm(m), x, dx);
        return new ExpmFrechet(r.out(), r.tangent());
    }

    /** {@link #qrMultiply}'s result: the product with Q and the factor {@code r (..., K, N)}. */
    public record QrMultiply(Array product, Array r) {}

    /**
     * The reduced QR factorization of {@code a (..., M, N)} with Q multiplied into {@code c}, as
     * {@code jax.scipy.linalg.qr_multiply(a, c, mode)}: mode "right" gives {@code c @ Q} for {@code
     * c (..., P, M)} (shape {@code (..., P, K)}, {@code K = min(M, N)}), mode "left" {@code Q @ c}
     * for {@code c (..., K, P)} (shape {@code (..., M, P)}). A 1-d {@code c} is a row (right) or a
     * column (left) and the product is flattened, as JAX's. Batch axes broadcast; the dtype is the
     * promoted float one. Q's signs are LAPACK's, as {@link #qr}'s.
     *
     * @throws ShapeException when a has fewer than two axes or c does not match Q
     * @throws KilnException when mode is not "right" or "left"
     */
    public static QrMultiply qrMultiply(Array a, Array c, String mode) {
        String fn = "qrMultiply";
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(mode, "mode");
        Array x = matrix(fn, a);
        if (!mode.equals("right") && !mode.equals("left")) {
            throw new KilnException(fn + ": mode must be \"right\" or \"left\", got \"" + mode + "\"");
        }
        if (c.ndim() == 0) {
            throw new ShapeException(fn + ": c must have at least one axis, got a scalar; pass a vector or a matrix");
        }
        boolean left = mode.equals("left");
        boolean onedim = c.ndim() == 1;
        Array cc = onedim ? Np.expandDims(c, left ? 1 : 0) : c;
        DType t = DType.promote(x.dtype(), c.dtype().isFloating() ? c.dtype() : DType.FLOAT32);
        int m = rows(x);
        int n = cols(x);
        int k = Math.min(m, n);
        if (left && rows(cc) != k) {
            throw new ShapeException(fn + ": a has shape " + Shape.toString(x.shape()) + " so Q has " + k
                    + " columns, but c has " + rows(cc) + " rows; c must be (..., " + k + ", P) for mode \"left\"");
        }
        if (!left && cols(cc) != m) {
            throw new ShapeException(fn + ": a has shape " + Shape.toString(x.shape()) + " so Q has " + m
                    + " rows, but c has " + cols(cc) + " columns; c must be (..., P, " + m + ") for mode \"right\"");
        }
        int[] b = Np.broadcastShapes(fn, batch(x), batch(cc));
        QR f = qr(Np.broadcastTo(Np.astype(x, t), concat(b, m, n)));
        Array cb = Np.broadcastTo(Np.astype(cc, t), concat(b, rows(cc), cols(cc)));
        Array out = left ? Np.matmul(f.q(), cb) : Np.matmul(cb, f.q());
        return new QrMultiply(onedim ? Np.reshape(out, -1) : out, f.r());
    }

    /** {@link #qrMultiply(Array, Array, String)} in mode "right". */
    public static QrMultiply qrMultiply(Array a, Array c) {
        return qrMultiply(a, c, "right");
    }

    /** {@link #hessenberg(Array, boolean)}'s result: {@code a = q h q^T}; {@code q} is null when not asked for. */
    public record Hessenberg(Array h, Array q) {}

    /** The Hessenberg form of square matrices; see {@link #hessenberg(Array, boolean)}. */
    public static Array hessenberg(Array a) {
        return hessenberg(a, false).h();
    }

    /**
     * The upper Hessenberg form {@code h} of square matrices {@code (..., n, n)} and, when {@code
     * calcQ}, the orthogonal {@code q} with {@code a = q h q^T}, as {@code
     * jax.scipy.linalg.hessenberg(a, calc_q=calcQ)}: Householder reflections on the columns below
     * the subdiagonal with LAPACK's signs ({@code h[j+1, j] = -sign(a) |column|}, no reflection
     * for a column already zero), so the factors match JAX's. Only float32 and float64 are taken, as
     * JAX's; leading axes batch; an empty matrix gives zeros. Differentiable through its loop (the reflections are
     * smooth away from zero columns).
     *
     * @throws ShapeException when {@code a} is not square
     * @throws DTypeException when {@code a} is not float32 or float64
     */
    public static Hessenberg hessenberg(Array a, boolean calcQ) {
        Array x = square("hessenberg", a);
        if (a.dtype() != DType.FLOAT32 && a.dtype() != DType.FLOAT64) {
            throw new DTypeException("hessenberg: a must be float32 or float64, got " + a.dtype()
                    + " (as JAX's); convert it with Np.astype first");
        }
        int n = rows(x);
        DType t = x.dtype();
        Array q0 = Np.broadcastTo(Np.eye(n, n, 0, t), x.shape());
        if (n <= 2) {
            return new Hessenberg(x, calcQ ? q0 : null);
        }
        Array idx = iota(n);
        List<Array> out = loop(
                n - 2,
                (j, st) -> {
                    Array h = st.get(0);
                    Array q = st.get(1);
                    Array j1 = Np.add(j, 1);
                    Array col = column(h, unit(n, j, t)); // (..., n)
                    Array ej1 = unit(n, j1, t);
                    Array alpha = Np.sum(Np.multiply(col, ej1), new int[] {-1}, true);
                    Array tail = Np.where(Np.greater(idx, j1), col, 0.0);
                    Array tailNorm2 = Np.sum(Np.square(tail), new int[] {-1}, true);
                    Array norm = Np.sqrt(Np.add(Np.square(alpha), tailNorm2));
                    Array beta = Np.multiply(Np.where(Np.less(alpha, 0.0), 1.0, -1.0), norm);
                    Array v = Np.add(tail, Np.multiply(Np.subtract(alpha, beta), ej1)); // x - beta e_{j+1}
                    Array vn2 = Np.sum(Np.square(v), new int[] {-1}, true);
                    Array skip = Np.equal(tailNorm2, 0.0);
                    Array scale = Np.where(skip, 0.0, Np.divide(2.0, Np.where(skip, 1.0, vn2))); // (..., 1)
                    Array vc = Np.expandDims(v, -1); // (..., n, 1)
                    Array vr = Np.expandDims(v, -2); // (..., 1, n)
                    Array s = Np.expandDims(scale, -1);
                    // P = I - s v v^T; h <- P h P, q <- q P
                    Array ph = Np.subtract(h, Np.multiply(s, Np.matmul(vc, Np.matmul(vr, h))));
                    Array php = Np.subtract(ph, Np.multiply(s, Np.matmul(Np.matmul(ph, vc), vr)));
                    Array qp = Np.subtract(q, Np.multiply(s, Np.matmul(Np.matmul(q, vc), vr)));
                    return List.of(php, qp);
                },
                List.of(x, q0));
        Array h = Np.triu(out.get(0), -1);
        return new Hessenberg(h, calcQ ? out.get(1) : null);
    }

    /**
     * The eigenvalues (ascending) and, unless {@code eigvalsOnly}, the eigenvectors (as columns) of
     * the symmetric tridiagonal matrix with diagonal {@code d (n,)} and off-diagonal {@code e (n-1,)},
     * as {@code jax.scipy.linalg.eigh_tridiagonal(d, e, eigvals_only=eigvalsOnly)}: Kiln assembles
     * the matrix and calls {@link #eigh} (JAX bisects for the eigenvalues and inverse-iterates from a
     * random start for the vectors, so a vector's sign may differ from JAX's). Both must be float32
     * or float64 of the same dtype and 1-d, as JAX requires; {@code eigenvectors} is null when only
     * the eigenvalues are asked for. Differentiable through {@link #eigh}.
     *
     * @throws DTypeException when d and e differ in dtype or are not float32/float64
     * @throws ShapeException when d is not 1-d or e's length is not n - 1
     */
    public static Eigh eighTridiagonal(Array d, Array e, boolean eigvalsOnly) {
        String fn = "eighTridiagonal";
        Objects.requireNonNull(d, "d");
        Objects.requireNonNull(e, "e");
        if (d.dtype() != e.dtype()) {
            throw new DTypeException(fn + ": the diagonal and off-diagonal must have the same dtype, got " + d.dtype()
                    + " and " + e.dtype() + "; convert one with Np.astype");
        }
        if (d.dtype() != DType.FLOAT32 && d.dtype() != DType.FLOAT64) {
            throw new DTypeException(
                    fn + ": only float32 and float64 are supported, got " + d.dtype() + "; convert with Np.astype");
        }
        if (d.ndim() != 1 || e.ndim() != 1) {
            throw new ShapeException(fn + ": d and e must be 1-d, got shapes " + Shape.toString(d.shape()) + " and "
                    + Shape.toString(e.shape()) + "; call it once per matrix (or under vmap)");
        }
        int n = d.shape(0);
        if (n > 1 && e.shape(0) != n - 1) {
            throw new ShapeException(fn + ": e must have n - 1 = " + (n - 1) + " elements for d of length " + n
                    + ", got " + e.shape(0) + "; pass the off-diagonal below the diagonal");
        }
        DType t = d.dtype();
        if (n <= 1) {
            return new Eigh(d, eigvalsOnly ? null : Np.eye(n, n, 0, t));
        }
        Array off = Np.diag(e, 1);
        Array m = Np.add(Np.add(Np.diag(d), off), mT(off));
        if (eigvalsOnly) {
            return new Eigh(eigvalsh(m), null);
        }
        return eigh(m);
    }

    /** {@link #eighTridiagonal(Array, Array, boolean)} with the eigenvectors. */
    public static Eigh eighTridiagonal(Array d, Array e) {
        return eighTridiagonal(d, e, false);
    }

    /**
     * Solves the Sylvester equation {@code a x + x b = c} for {@code a (..., m, m)}, {@code b (...,
     * n, n)}, {@code c (..., m, n)}, as {@code jax.scipy.linalg.solve_sylvester(a, b, c)}: batch
     * axes broadcast, integer inputs become float32 and the dtype is the promoted one. Where some
     * eigenvalue sum {@code λ_a + λ_b} is smaller than {@code tol} in modulus (no unique solution),
     * the result is NaN, as JAX's. Kiln solves the {@code mn x mn} Kronecker system {@code (a ⊗ I +
     * I ⊗ b^T) vec(x) = vec(c)} by {@link #solve} (JAX uses Bartels-Stewart on complex Schur forms):
     * the same answer, in {@code O((mn)^3)} work, so it takes {@code c} of at most 16384 entries (a
     * 1 GiB float32 system) and refuses larger ones; differentiable in all three through {@link
     * #solve}.
     *
     * @throws ShapeException when the shapes do not fit the equation
     */
    public static Array solveSylvester(Array a, Array b, Array c, double tol) {
        String fn = "solveSylvester";
        Array sa = square(fn, a);
        Array sb = square(fn, b);
        Array sc = matrix(fn, c);
        int m = rows(sc);
        int n = cols(sc);
        if (rows(sa) != m || rows(sb) != n) {
            throw new ShapeException(fn + ": incompatible shapes a " + Shape.toString(sa.shape()) + ", b "
                    + Shape.toString(sb.shape()) + ", c " + Shape.toString(sc.shape())
                    + "; a must be (..., m, m), b (..., n, n) and c (..., m, n)");
        }
        if ((long) m * n > SYLVESTER_MOST) {
            throw new ShapeException(fn + ": c of shape " + Shape.toString(sc.shape()) + " has " + (long) m * n
                    + " entries; Kiln solves the (m n) x (m n) Kronecker system, so it takes at most "
                    + SYLVESTER_MOST
                    + " entries (its (m n)^3 work beyond that would run for minutes or exhaust the heap);"
                    + " split the problem or solve it by another method");
        }
        DType t = DType.promote(DType.promote(sa.dtype(), sb.dtype()), sc.dtype());
        int[] bt = Np.broadcastShapes(fn, Np.broadcastShapes(fn, batch(sa), batch(sb)), batch(sc));
        Array xa = Np.broadcastTo(Np.astype(sa, t), concat(bt, m, m));
        Array xb = Np.broadcastTo(Np.astype(sb, t), concat(bt, n, n));
        Array xc = Np.broadcastTo(Np.astype(sc, t), concat(bt, m, n));
        if (m == 0 || n == 0) {
            return xc;
        }
        // K[(i, j), (k, l)] = a[i, k] δ(j, l) + δ(i, k) b[l, j]
        Array ka = Np.multiply(Np.reshape(xa, concat(bt, m, 1, m, 1)), Np.reshape(Np.eye(n, n, 0, t), 1, n, 1, n));
        Array kb = Np.multiply(Np.reshape(Np.eye(m, m, 0, t), m, 1, m, 1), Np.reshape(mT(xb), concat(bt, 1, n, 1, n)));
        Array k = Np.reshape(Np.add(ka, kb), concat(bt, m * n, m * n));
        Array x = Np.reshape(solve(k, Np.reshape(xc, concat(bt, m * n, 1))), concat(bt, m, n));
        ComplexArray ea = eigvals(Lax.stopGradient(xa));
        ComplexArray eb = eigvals(Lax.stopGradient(xb));
        Array re = Np.add(Np.expandDims(ea.real(), -1), Np.expandDims(eb.real(), -2));
        Array im = Np.add(Np.expandDims(ea.imag(), -1), Np.expandDims(eb.imag(), -2));
        Array bad = Np.any(Np.less(Np.hypot(re, im), tol), new int[] {-2, -1}, true);
        return Np.where(bad, Double.NaN, x);
    }

    /** The most entries {@link #solveSylvester} takes in {@code c}: 128 x 128. */
    static final int SYLVESTER_MOST = 16384;

    /** {@link #solveSylvester(Array, Array, Array, double)} with JAX's default {@code tol = 1e-8}. */
    public static Array solveSylvester(Array a, Array b, Array c) {
        return solveSylvester(a, b, c, 1e-8);
    }

    /** {@link #dft(int, String, DType)} unscaled, complex64. */
    public static ComplexArray dft(int n) {
        return dft(n, null, DType.FLOAT32);
    }

    /** {@link #dft(int, String, DType)} in complex64. */
    public static ComplexArray dft(int n, String scale) {
        return dft(n, scale, DType.FLOAT32);
    }

    /**
     * The n x n discrete Fourier transform matrix {@code exp(-2 pi i j k / n)}, as {@code
     * jax.scipy.linalg.dft(n, scale, dtype)}: scale null (none), "sqrtn" ({@code 1/sqrt(n)}, unitary)
     * or "n" ({@code 1/n}); {@code partDtype} float32 gives complex64 and float64 complex128. The
     * angles are reduced exactly ({@code j k mod n}) before the cosine and sine. A negative n gives a
     * 0 x 0 matrix, as JAX's.
     *
     * @throws KilnException when scale is not null, "sqrtn" or "n"
     * @throws DTypeException when partDtype is not float32 or float64
     * @throws ShapeException when n is too large
     */
    public static ComplexArray dft(int n, String scale, DType partDtype) {
        String fn = "dft";
        Objects.requireNonNull(partDtype, "partDtype");
        if (scale != null && !scale.equals("sqrtn") && !scale.equals("n")) {
            throw new KilnException(fn + ": scale must be null, \"sqrtn\" or \"n\", got \"" + scale + "\"");
        }
        if (partDtype != DType.FLOAT32 && partDtype != DType.FLOAT64) {
            throw new DTypeException(fn + ": partDtype must be float32 (complex64) or float64 (complex128), got "
                    + partDtype + "; pass one of those");
        }
        int size = order(fn, n);
        double f = scale == null ? 1 : scale.equals("n") ? 1.0 / size : 1 / Math.sqrt(size);
        double[] re = new double[size * size];
        double[] im = new double[size * size];
        for (int j = 0; j < size; j++) {
            for (int k = 0; k < size; k++) {
                double angle = -2 * Math.PI * ((long) j * k % size) / size;
                re[j * size + k] = Math.cos(angle) * f;
                im[j * size + k] = Math.sin(angle) * f;
            }
        }
        return new ComplexArray(
                Np.astype(Np.array(re, size, size), partDtype), Np.astype(Np.array(im, size, size), partDtype));
    }

    /**
     * The principal square root of a real square matrix {@code a (n, n)}, as {@code
     * jax.scipy.linalg.sqrtm(a)}: complex, as JAX's (complex64 for float32, complex128 for float64),
     * by the Schur method of Björck and Hammarling: the complex Schur form {@code a = z t z^H}, the
     * upper triangular root {@code u} of {@code t} one superdiagonal at a time ({@code u[i, j] =
     * (t[i, j] - (u u)[i, j]) / (u[i, i] + u[j, j])}, 0 where the numerator is 0), and {@code z u
     * z^H}. The root is unique where no eigenvalue is a negative real number or zero; on the
     * negative real axis the branch follows the sign of the computed imaginary part, which can
     * differ from LAPACK's. Two-dimensional only, as JAX's; integer input becomes float32.
     *
     * @throws ShapeException when {@code a} is not a square matrix of exactly two axes
     * @throws DTypeException for float16 and bfloat16, which JAX's Schur decomposition refuses
     */
    public static ComplexArray sqrtm(Array a) {
        String fn = "sqrtm";
        Array x = square(fn, a);
        if (x.ndim() != 2) {
            throw new ShapeException(fn + ": expected one matrix (n, n), got shape " + Shape.toString(x.shape())
                    + " (JAX's sqrtm takes no batch); map it over the batch with Kiln.vmap");
        }
        if (x.dtype() != DType.FLOAT32 && x.dtype() != DType.FLOAT64) {
            throw new DTypeException(fn + ": " + x.dtype() + " is not supported (the Schur decomposition takes float32"
                    + " and float64); convert the matrix to float32 first");
        }
        int n = rows(x);
        DType t = x.dtype();
        if (n == 0) {
            return ComplexArray.fromReal(x);
        }
        ComplexArray[] tz = GeneralEigen.complexSchur(x);
        ComplexArray tm = tz[0];
        ComplexArray z = tz[1];
        ComplexArray diag = new ComplexArray(Np.diagonal(tm.real()), Np.diagonal(tm.imag())).sqrt();
        Array eye = Np.eye(n, n, 0, DType.BOOL);
        ComplexArray u = ComplexArray.where(
                eye,
                new ComplexArray(Np.expandDims(diag.real(), 0), Np.expandDims(diag.imag(), 0)),
                ComplexArray.scalar(0, 0, t));
        ComplexArray di = new ComplexArray(Np.expandDims(diag.real(), -1), Np.expandDims(diag.imag(), -1));
        ComplexArray dj = new ComplexArray(Np.expandDims(diag.real(), 0), Np.expandDims(diag.imag(), 0));
        ComplexArray denom = di.add(dj);
        for (int d = 1; d < n; d++) {
            // (u u)[i, i+d] sums over k in (i, i+d) only: u[i, i+d] is still zero
            ComplexArray num = tm.subtract(ComplexArray.matmul(u, u));
            ComplexArray value = ComplexArray.where(
                    Np.logicalAnd(Np.equal(num.real(), 0), Np.equal(num.imag(), 0)),
                    ComplexArray.scalar(0, 0, t),
                    num.divide(denom));
            u = ComplexArray.where(Np.eye(n, n, d, DType.BOOL), value, u);
        }
        ComplexArray zh = new ComplexArray(mT(z.real()), Np.negative(mT(z.imag())));
        return ComplexArray.matmul(ComplexArray.matmul(z, u), zh);
    }

    /** {@link #schur}'s result: {@code a = z t z^H} with {@code t} upper triangular and {@code z} unitary. */
    public record Schur(ComplexArray t, ComplexArray z) {}

    /**
     * The Schur decomposition {@code a = z t z^H} of real square matrices {@code (..., n, n)}, as
     * {@code jax.scipy.linalg.schur(a, output="complex")}: {@code t} upper triangular with the
     * eigenvalues on its diagonal, {@code z} unitary, both complex (complex64 for float32 input,
     * complex128 for float64; integer input becomes float32). The decomposition is not unique:
     * Kiln's QR iteration (the one {@link #eig} uses) may order the eigenvalues and choose the
     * phases of {@code z}'s columns differently from LAPACK's, so compare {@code z t z^H} with
     * {@code a}, not the factors with JAX's. Output "real" (JAX's default, LAPACK's quasi-triangular
     * real Schur form) is not implemented and is refused.
     *
     * @throws ShapeException when {@code a} is not square
     * @throws KilnException when output is "real" (not implemented) or not "real"/"complex"
     * @throws DTypeException for float16 and bfloat16, which JAX's Schur decomposition refuses
     */
    public static Schur schur(Array a, String output) {
        String fn = "schur";
        Objects.requireNonNull(output, "output");
        Array x = square(fn, a);
        if (output.equals("real")) {
            throw new KilnException(fn + ": output \"real\" (the quasi-triangular real Schur form) is not implemented"
                    + " in Kiln; pass output \"complex\" for the complex Schur form");
        }
        if (!output.equals("complex")) {
            throw new KilnException(fn + ": output must be \"real\" or \"complex\", got \"" + output + "\"");
        }
        if (x.dtype() != DType.FLOAT32 && x.dtype() != DType.FLOAT64) {
            throw new DTypeException(fn + ": " + x.dtype() + " is not supported (the Schur decomposition takes float32"
                    + " and float64); convert the matrix to float32 first");
        }
        if (rows(x) == 0) {
            ComplexArray e = ComplexArray.fromReal(x);
            return new Schur(e, e);
        }
        ComplexArray[] tz = GeneralEigen.complexSchur(x);
        return new Schur(tz[0], tz[1]);
    }
}
