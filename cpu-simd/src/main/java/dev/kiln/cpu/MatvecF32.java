package dev.kiln.cpu;

import dev.kiln.cpu.codegen.FixedLanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 products with one free dimension of length 1: {@code W @ x} ({@code n == 1}) and {@code
 * xᵀ W} ({@code m == 1}), and their transposes. They do two flops per matrix element read, so
 * memory bandwidth bounds them, and the packed path of {@link MatmulF32} would pad the vector to a
 * whole register tile and copy the matrix before using it once. Here the matrix is read once, in
 * memory order, by one of two kernels:
 *
 * <ul>
 *   <li>{@link #dotRows}: the matrix's contraction index is contiguous (row-major {@code W} in
 *       {@code W @ x}); each output is the dot product of one contiguous row with the vector, four
 *       rows at a time so each vector load feeds four FMAs;
 *   <li>{@link #axpyRows}: the output index is contiguous ({@code Wᵀ @ x} with row-major {@code W});
 *       the output is a sum of scaled matrix rows, four rows at a time, accumulated over a slice of
 *       the output that stays in L1, each thread reading the rows in pieces as wide as its share of
 *       the output.
 * </ul>
 *
 * <p>Threads split the outputs, and every output is summed by one thread in one fixed order, so
 * the bits do not depend on the number of threads.
 */
final class MatvecF32 {
    private MatvecF32() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Output elements {@link #axpyRows} accumulates at once: 16 KiB, which stays in L1. */
    private static final int AXPY_SLICE = 4096;

    /** The fewest outputs {@link #axpyRows} gives a thread (rows read in pieces of 1 KiB or more). */
    private static final int AXPY_MIN_SHARE = 256;

    /** Below this many multiply-adds per batch the packed path's small-product code is as good. */
    private static final long MIN_WORK = 1 << 14;

    /**
     * Whether this product has a free dimension of 1 and a matrix laid out in one of the two orders
     * the kernels read.
     */
    static boolean applies(int m, int n, int k, MatmulF32.Operand a, MatmulF32.Operand b) {
        if ((long) m * n * k < MIN_WORK) {
            return false;
        }
        if (n == 1) {
            return a.colStride() == 1 || a.rowStride() == 1;
        }
        return m == 1 && (b.colStride() == 1 || b.rowStride() == 1);
    }

    /** {@code C += A·B} for every batch (C zeroed), reporting each finished slice to {@code done}. */
    static void multiply(
            int batch,
            int m,
            int n,
            int k,
            MatmulF32.Operand a,
            MatmulF32.Operand b,
            float[] c,
            DotGeneral.BlockDone done) {
        for (int t = 0; t < batch; t++) {
            int cOff = t * m * n;
            int tb = t;
            if (n == 1) {
                // out(i) = sum_p A(i, p) v(p), v(p) = B(p, 0)
                float[] v = vector(b.data(), t * b.batchStride(), b.rowStride(), k);
                int base = t * a.batchStride();
                if (a.colStride() == 1) {
                    dotRows(
                            a.data(),
                            base,
                            a.rowStride(),
                            v,
                            k,
                            c,
                            cOff,
                            m,
                            (lo, hi) -> report(done, tb, lo, hi, true));
                } else {
                    axpyRows(
                            a.data(),
                            base,
                            a.colStride(),
                            v,
                            k,
                            c,
                            cOff,
                            m,
                            (lo, hi) -> report(done, tb, lo, hi, true));
                }
            } else {
                // out(j) = sum_p v(p) B(p, j), v(p) = A(0, p)
                float[] v = vector(a.data(), t * a.batchStride(), a.colStride(), k);
                int base = t * b.batchStride();
                if (b.rowStride() == 1) {
                    dotRows(
                            b.data(),
                            base,
                            b.colStride(),
                            v,
                            k,
                            c,
                            cOff,
                            n,
                            (lo, hi) -> report(done, tb, lo, hi, false));
                } else {
                    axpyRows(
                            b.data(),
                            base,
                            b.rowStride(),
                            v,
                            k,
                            c,
                            cOff,
                            n,
                            (lo, hi) -> report(done, tb, lo, hi, false));
                }
            }
        }
    }

    private static void report(DotGeneral.BlockDone done, int batch, int lo, int hi, boolean column) {
        if (done != null) {
            if (column) {
                done.block(batch, lo, hi - lo, 0, 1);
            } else {
                done.block(batch, 0, 1, lo, hi - lo);
            }
        }
    }

    /** The vector's {@code k} elements, contiguous (a view when they already are). */
    private static float[] vector(float[] data, int base, int stride, int k) {
        if (stride == 1 && base == 0 && data.length == k) {
            return data;
        }
        float[] v = new float[k];
        for (int p = 0; p < k; p++) {
            v[p] = data[base + p * stride];
        }
        return v;
    }

    /** out[i] += sum_p mat[base + i·rowStride + p]·v[p] for i < rows. */
    static void dotRows(
            float[] mat,
            int base,
            int rowStride,
            float[] v,
            int k,
            float[] out,
            int outOff,
            int rows,
            Parallel.Range finished) {
        int grain = (int) Math.max(4, (1L << 16) / Math.max(k, 1));
        Parallel.forRange(rows, grain, 4, (lo, hi) -> {
            int i = lo;
            for (; i + 4 <= hi; i += 4) {
                dot4(mat, base + i * rowStride, rowStride, v, k, out, outOff + i);
            }
            for (; i < hi; i++) {
                out[outOff + i] += dot(mat, base + i * rowStride, v, k);
            }
            finished.run(lo, hi);
        });
    }

    private static void dot4(float[] mat, int r0, int rowStride, float[] v, int k, float[] out, int at) {
        int r1 = r0 + rowStride;
        int r2 = r1 + rowStride;
        int r3 = r2 + rowStride;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int p = 0;
        int bound = S.loopBound(k);
        for (; p < bound; p += L) {
            FloatVector x = FloatVector.fromArray(S, v, p);
            // x.fma(row, s), not row.fma(x, s): the same product (fma is exact and multiplication
            // commutes), but C2 then folds the matrix load into the FMA as its memory operand;
            // measured 15-20% faster on one thread at 4096² (MatvecTiming)
            s0 = x.fma(FloatVector.fromArray(S, mat, r0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, mat, r1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, mat, r2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, mat, r3 + p), s3);
        }
        float t0 = FixedLanes.reduce(s0, VectorOperators.ADD);
        float t1 = FixedLanes.reduce(s1, VectorOperators.ADD);
        float t2 = FixedLanes.reduce(s2, VectorOperators.ADD);
        float t3 = FixedLanes.reduce(s3, VectorOperators.ADD);
        for (; p < k; p++) {
            float x = v[p];
            t0 = Math.fma(mat[r0 + p], x, t0);
            t1 = Math.fma(mat[r1 + p], x, t1);
            t2 = Math.fma(mat[r2 + p], x, t2);
            t3 = Math.fma(mat[r3 + p], x, t3);
        }
        out[at] += t0;
        out[at + 1] += t1;
        out[at + 2] += t2;
        out[at + 3] += t3;
    }

    private static float dot(float[] mat, int r, float[] v, int k) {
        FloatVector s = FloatVector.zero(S);
        int p = 0;
        int bound = S.loopBound(k);
        for (; p < bound; p += L) {
            s = FloatVector.fromArray(S, v, p).fma(FloatVector.fromArray(S, mat, r + p), s);
        }
        float t = FixedLanes.reduce(s, VectorOperators.ADD);
        for (; p < k; p++) {
            t = Math.fma(mat[r + p], v[p], t);
        }
        return t;
    }

    /**
     * out[j] += sum_p v[p]·mat[base + p·pStride + j] for j < cols, each output accumulated in order
     * of p with one rounding per term (so the split does not change the bits).
     *
     * <p>Each thread takes one contiguous share of the columns and walks the rows with it, in
     * slices of at most {@link #AXPY_SLICE} outputs, four rows at a time (four loads and FMAs per
     * load and store of the output). The share is as wide as it can be: every row is read in
     * pieces of the share's width, and pieces of a few KiB (the slices of 1024 this replaced) keep
     * the hardware prefetcher restarting at every piece, which measured half the read rate of whole
     * rows.
     */
    static void axpyRows(
            float[] mat,
            int base,
            int pStride,
            float[] v,
            int k,
            float[] out,
            int outOff,
            int cols,
            Parallel.Range finished) {
        // one share per thread, none narrower than AXPY_MIN_SHARE outputs
        int grain = Math.max(AXPY_MIN_SHARE, cols / Parallel.threads());
        Parallel.forRange(cols, grain, L, (lo, hi) -> {
            for (int j0 = lo; j0 < hi; j0 += AXPY_SLICE) {
                axpySlice(mat, base, pStride, v, k, out, outOff, j0, Math.min(hi, j0 + AXPY_SLICE));
            }
            finished.run(lo, hi);
        });
    }

    /** {@link #axpyRows} for outputs {@code [j0, j1)}. */
    private static void axpySlice(
            float[] mat, int base, int pStride, float[] v, int k, float[] out, int outOff, int j0, int j1) {
        int bound = j0 + (j1 - j0) / L * L;
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            FloatVector x0 = FloatVector.broadcast(S, v[p]);
            FloatVector x1 = FloatVector.broadcast(S, v[p + 1]);
            FloatVector x2 = FloatVector.broadcast(S, v[p + 2]);
            FloatVector x3 = FloatVector.broadcast(S, v[p + 3]);
            int r0 = base + p * pStride;
            int r1 = r0 + pStride;
            int r2 = r1 + pStride;
            int r3 = r2 + pStride;
            int j = j0;
            for (; j < bound; j += L) {
                FloatVector acc = FloatVector.fromArray(S, out, outOff + j);
                acc = x0.fma(FloatVector.fromArray(S, mat, r0 + j), acc);
                acc = x1.fma(FloatVector.fromArray(S, mat, r1 + j), acc);
                acc = x2.fma(FloatVector.fromArray(S, mat, r2 + j), acc);
                acc = x3.fma(FloatVector.fromArray(S, mat, r3 + j), acc);
                acc.intoArray(out, outOff + j);
            }
            for (; j < j1; j++) {
                float acc = out[outOff + j];
                acc = Math.fma(mat[r0 + j], v[p], acc);
                acc = Math.fma(mat[r1 + j], v[p + 1], acc);
                acc = Math.fma(mat[r2 + j], v[p + 2], acc);
                acc = Math.fma(mat[r3 + j], v[p + 3], acc);
                out[outOff + j] = acc;
            }
        }
        for (; p < k; p++) {
            FloatVector x = FloatVector.broadcast(S, v[p]);
            int row = base + p * pStride;
            int j = j0;
            for (; j < bound; j += L) {
                x.fma(FloatVector.fromArray(S, mat, row + j), FloatVector.fromArray(S, out, outOff + j))
                        .intoArray(out, outOff + j);
            }
            float xs = v[p];
            for (; j < j1; j++) {
                out[outOff + j] = Math.fma(mat[row + j], xs, out[outOff + j]);
            }
        }
    }
}
