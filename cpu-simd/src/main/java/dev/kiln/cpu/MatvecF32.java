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
 *       {@code W @ x}); each output is the dot product of one contiguous row with the vector, eight
 *       rows at a time (then four, then one) so each vector load feeds eight FMAs;
 *   <li>{@link #axpyRows}: the output index is contiguous ({@code Wᵀ @ x} with row-major {@code W});
 *       the output is a sum of scaled matrix rows, four rows at a time, accumulated over a slice of
 *       the output that stays in L1; the contraction is cut into fixed blocks of rows whose partial
 *       sums are added in block order, so each thread streams whole rows of its blocks.
 * </ul>
 *
 * <p>Every output is summed in one fixed order that depends on the shapes alone (for {@link
 * #axpyRows}, blocks of the contraction added in block order), so the bits do not depend on the
 * number of threads.
 */
final class MatvecF32 {
    private MatvecF32() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Output elements {@link #axpyRows} accumulates at once: 16 KiB, which stays in L1. */
    private static final int AXPY_SLICE = 4096;

    /** The fewest outputs of one unit of {@link #axpyRows} (rows read in pieces of 1 KiB or more). */
    private static final int AXPY_MIN_SHARE = 256;

    /**
     * Matrix rows per block of {@link #axpyRows}'s contraction: the partial sums cost one extra
     * output-sized array per block, 1/256 of the matrix's traffic.
     */
    static final int AXPY_K_BLOCK = 256;

    /** Multiply-adds below which {@link #axpyRows} runs on the calling thread alone. */
    private static final long AXPY_SPLIT_WORK = 1 << 17;

    /** Rows {@link #dotRows} reads per pass, and the multiple its threads' shares of rows are of. */
    static final int ROW_GROUP = 8;

    /** The most vectors one sweep of {@link #dotRowsMulti} takes. */
    static final int MAX_VECTORS = 4;

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
        if (n <= MAX_VECTORS && m >= 4 * n && a.colStride() == 1) {
            // a few vectors against a row-major matrix (products with one matrix merged by the
            // fusion planner): one sweep over the matrix for all of them
            return true;
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
            if (n > 1 && n <= MAX_VECTORS && a.colStride() == 1 && m >= 4 * n) {
                // out(i, j) = sum_p A(i, p) v_j(p), v_j(p) = B(p, j)
                float[][] vs = new float[n][];
                for (int j = 0; j < n; j++) {
                    vs[j] = vector(b.data(), t * b.batchStride() + j * b.colStride(), b.rowStride(), k);
                }
                int cols = n;
                dotRowsMulti(a.data(), t * a.batchStride(), a.rowStride(), vs, k, c, cOff, m, (lo, hi) -> {
                    if (done != null) {
                        done.block(tb, lo, hi - lo, 0, cols);
                    }
                });
            } else if (n == 1) {
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
        int grain = (int) Math.max(ROW_GROUP, (1L << 16) / Math.max(k, 1));
        Parallel.forRange(rows, grain, ROW_GROUP, (lo, hi) -> {
            int i = lo;
            for (; i + 8 <= hi; i += 8) {
                dot8(mat, base + i * rowStride, rowStride, v, k, out, outOff + i);
            }
            for (; i + 4 <= hi; i += 4) {
                dot4(mat, base + i * rowStride, rowStride, v, k, out, outOff + i);
            }
            for (; i < hi; i++) {
                out[outOff + i] += dot(mat, base + i * rowStride, v, k);
            }
            finished.run(lo, hi);
        });
    }

    /**
     * Eight rows at once, one accumulator each: {@link #dot4}'s arithmetic per row (so the bits do
     * not depend on which of the two took a row), with eight row streams in flight and each load of
     * {@code v} feeding eight FMAs. Measured against four rows per pass on {@code W @ x} at 4096², in
     * one JVM, interleaved (MatvecVariantsTiming): 3-10% less CPU time per call on 1 and 2 threads,
     * the wall medians alike or better; at 8192² (no reuse in the last-level cache) 2% less CPU time.
     */
    private static void dot8(float[] mat, int r0, int rowStride, float[] v, int k, float[] out, int at) {
        int r1 = r0 + rowStride;
        int r2 = r1 + rowStride;
        int r3 = r2 + rowStride;
        int r4 = r3 + rowStride;
        int r5 = r4 + rowStride;
        int r6 = r5 + rowStride;
        int r7 = r6 + rowStride;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector s4 = s0;
        FloatVector s5 = s0;
        FloatVector s6 = s0;
        FloatVector s7 = s0;
        int p = 0;
        int bound = S.loopBound(k);
        for (; p < bound; p += L) {
            FloatVector x = FloatVector.fromArray(S, v, p);
            s0 = x.fma(FloatVector.fromArray(S, mat, r0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, mat, r1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, mat, r2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, mat, r3 + p), s3);
            s4 = x.fma(FloatVector.fromArray(S, mat, r4 + p), s4);
            s5 = x.fma(FloatVector.fromArray(S, mat, r5 + p), s5);
            s6 = x.fma(FloatVector.fromArray(S, mat, r6 + p), s6);
            s7 = x.fma(FloatVector.fromArray(S, mat, r7 + p), s7);
        }
        out[at] += finish(s0, mat, r0, v, p, k);
        out[at + 1] += finish(s1, mat, r1, v, p, k);
        out[at + 2] += finish(s2, mat, r2, v, p, k);
        out[at + 3] += finish(s3, mat, r3, v, p, k);
        out[at + 4] += finish(s4, mat, r4, v, p, k);
        out[at + 5] += finish(s5, mat, r5, v, p, k);
        out[at + 6] += finish(s6, mat, r6, v, p, k);
        out[at + 7] += finish(s7, mat, r7, v, p, k);
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

    /**
     * out[outOff + i·n + j] += sum_p mat[base + i·rowStride + p]·vs[j][p] for i < rows, j < n (n =
     * vs.length, at most {@link #MAX_VECTORS}): every row is read once for all the vectors, two rows
     * at a time. Each output's arithmetic is {@link #dot}'s (one vector accumulator, its lanes
     * reduced in {@link FixedLanes}' order, the tail fused in order), so a product with several
     * vectors gives each the bits of its product alone.
     */
    static void dotRowsMulti(
            float[] mat,
            int base,
            int rowStride,
            float[][] vs,
            int k,
            float[] out,
            int outOff,
            int rows,
            Parallel.Range finished) {
        int n = vs.length;
        int grain = (int) Math.max(4, (1L << 16) / Math.max((long) k * n, 1));
        Parallel.forRange(rows, grain, 4, (lo, hi) -> {
            float[] sums = new float[4 * n];
            int i = lo;
            if (n == 2) {
                for (; i + 4 <= hi; i += 4) {
                    dot4x2(mat, base + i * rowStride, rowStride, vs[0], vs[1], k, sums);
                    for (int q = 0; q < 8; q++) {
                        out[outOff + i * 2 + q] += sums[q];
                    }
                }
            }
            for (; i + 2 <= hi; i += 2) {
                dot2xn(mat, base + i * rowStride, rowStride, vs, k, sums);
                for (int j = 0; j < n; j++) {
                    out[outOff + i * n + j] += sums[j];
                    out[outOff + (i + 1) * n + j] += sums[n + j];
                }
            }
            for (; i < hi; i++) {
                for (int j = 0; j < n; j++) {
                    out[outOff + i * n + j] += dot(mat, base + i * rowStride, vs[j], k);
                }
            }
            finished.run(lo, hi);
        });
    }

    /** sums[r·n + j] = row r0 + r·rowStride (r < 2) dotted with vs[j], as {@link #dot} sums it. */
    private static void dot2xn(float[] mat, int r0, int rowStride, float[][] vs, int k, float[] sums) {
        int n = vs.length;
        int r1 = r0 + rowStride;
        int bound = S.loopBound(k);
        float[] v0 = vs[0];
        float[] v1 = n > 1 ? vs[1] : v0;
        float[] v2 = n > 2 ? vs[2] : v0;
        float[] v3 = n > 3 ? vs[3] : v0;
        // always four vectors' worth of accumulators (unused ones repeat vector 0): a fixed shape C2
        // keeps in registers, 8 accumulators and 2 matrix loads per 4 vector loads
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        int p = 0;
        for (; p < bound; p += L) {
            FloatVector m0 = FloatVector.fromArray(S, mat, r0 + p);
            FloatVector m1 = FloatVector.fromArray(S, mat, r1 + p);
            FloatVector x0 = FloatVector.fromArray(S, v0, p);
            a0 = x0.fma(m0, a0);
            b0 = x0.fma(m1, b0);
            FloatVector x1 = FloatVector.fromArray(S, v1, p);
            a1 = x1.fma(m0, a1);
            b1 = x1.fma(m1, b1);
            FloatVector x2 = FloatVector.fromArray(S, v2, p);
            a2 = x2.fma(m0, a2);
            b2 = x2.fma(m1, b2);
            FloatVector x3 = FloatVector.fromArray(S, v3, p);
            a3 = x3.fma(m0, a3);
            b3 = x3.fma(m1, b3);
        }
        // no array of the accumulators: one would make C2 box them in the loop
        sums[0] = finish(a0, mat, r0, v0, p, k);
        sums[n] = finish(b0, mat, r1, v0, p, k);
        if (n > 1) {
            sums[1] = finish(a1, mat, r0, v1, p, k);
            sums[n + 1] = finish(b1, mat, r1, v1, p, k);
        }
        if (n > 2) {
            sums[2] = finish(a2, mat, r0, v2, p, k);
            sums[n + 2] = finish(b2, mat, r1, v2, p, k);
        }
        if (n > 3) {
            sums[3] = finish(a3, mat, r0, v3, p, k);
            sums[n + 3] = finish(b3, mat, r1, v3, p, k);
        }
    }

    /**
     * sums[r·2 + j] = row r0 + r·rowStride (r < 4) dotted with v0 (j = 0) or v1 (j = 1), as {@link
     * #dot} sums it: two vectors need their own loop, since {@link #dot2xn}'s fixed four
     * accumulators per row would double the multiply-adds, which then bound the loop.
     */
    private static void dot4x2(float[] mat, int r0, int rowStride, float[] v0, float[] v1, int k, float[] sums) {
        int r1 = r0 + rowStride;
        int r2 = r1 + rowStride;
        int r3 = r2 + rowStride;
        int bound = S.loopBound(k);
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        int p = 0;
        for (; p < bound; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, v0, p);
            FloatVector x1 = FloatVector.fromArray(S, v1, p);
            FloatVector m = FloatVector.fromArray(S, mat, r0 + p);
            a0 = x0.fma(m, a0);
            a1 = x1.fma(m, a1);
            m = FloatVector.fromArray(S, mat, r1 + p);
            b0 = x0.fma(m, b0);
            b1 = x1.fma(m, b1);
            m = FloatVector.fromArray(S, mat, r2 + p);
            c0 = x0.fma(m, c0);
            c1 = x1.fma(m, c1);
            m = FloatVector.fromArray(S, mat, r3 + p);
            d0 = x0.fma(m, d0);
            d1 = x1.fma(m, d1);
        }
        sums[0] = finish(a0, mat, r0, v0, p, k);
        sums[1] = finish(a1, mat, r0, v1, p, k);
        sums[2] = finish(b0, mat, r1, v0, p, k);
        sums[3] = finish(b1, mat, r1, v1, p, k);
        sums[4] = finish(c0, mat, r2, v0, p, k);
        sums[5] = finish(c1, mat, r2, v1, p, k);
        sums[6] = finish(d0, mat, r3, v0, p, k);
        sums[7] = finish(d1, mat, r3, v1, p, k);
    }

    /** The lanes of {@code acc} summed as {@link #dot} sums them, then the tail {@code [p, k)} fused in. */
    private static float finish(FloatVector acc, float[] mat, int row, float[] v, int p, int k) {
        float t = FixedLanes.reduce(acc, VectorOperators.ADD);
        for (int q = p; q < k; q++) {
            t = Math.fma(mat[row + q], v[q], t);
        }
        return t;
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
     * out[j] += sum_p v[p]·mat[base + p·pStride + j] for j < cols.
     *
     * <p>The contraction is cut into blocks of {@link #AXPY_K_BLOCK} rows of the matrix (the last
     * takes the remainder), a cut that depends on {@code k} alone: each block's sum is one chain of
     * fused multiply-adds in order of p, starting from zero (the first block's from the output's own
     * value), and the blocks' sums are added to the first's in block order. The bits therefore do
     * not depend on the number of threads.
     *
     * <p>Units of work are (block, column piece); a thread that takes one reads whole rows of its
     * block, four at a time, in slices of at most {@link #AXPY_SLICE} outputs that stay in L1, so
     * each thread streams one contiguous region of the matrix as {@link #dotRows} does. The column
     * split of before (every thread reading its share of every row) read rows in pieces of a few
     * KiB, which kept the hardware prefetcher restarting and measured 2.8 ms against 1.6 ms for
     * {@code W @ x} at 4096² (MatvecTiming). Columns are still split where there are too few blocks
     * to keep the threads busy.
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
        int blocks = Math.max(1, (k + AXPY_K_BLOCK - 1) / AXPY_K_BLOCK);
        // small products stay on the calling thread (waking a helper costs tens of µs)
        int threads = (long) k * cols >= AXPY_SPLIT_WORK ? Parallel.threads() : 1;
        // column pieces per block: enough units for every thread, none narrower than AXPY_MIN_SHARE
        int pieces = Math.max(1, Math.min((2 * threads + blocks - 1) / blocks, cols / AXPY_MIN_SHARE));
        if (threads == 1) {
            pieces = 1;
        }
        int width = (cols + pieces - 1) / pieces;
        width = Math.min(cols, (width + L - 1) / L * L);
        int pieceCount = Math.max(1, (cols + width - 1) / Math.max(width, 1));
        int w = width;
        if (blocks == 1) {
            units(threads, pieceCount, (lo, hi) -> {
                for (int c = lo; c < hi; c++) {
                    int j0 = c * w;
                    int j1 = Math.min(cols, j0 + w);
                    axpyPiece(mat, base, pStride, v, 0, k, out, outOff, j0, j1);
                    finished.run(j0, j1);
                }
            });
            return;
        }
        // block 0 adds into out; block b > 0 into its own row of partial sums, from zero
        float[] partial = new float[(blocks - 1) * cols];
        units(threads, blocks * pieceCount, (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int b = u / pieceCount;
                int c = u % pieceCount;
                int j0 = c * w;
                int j1 = Math.min(cols, j0 + w);
                int p0 = b * AXPY_K_BLOCK;
                int p1 = Math.min(k, p0 + AXPY_K_BLOCK);
                if (b == 0) {
                    axpyPiece(mat, base, pStride, v, p0, p1, out, outOff, j0, j1);
                } else {
                    axpyPiece(mat, base, pStride, v, p0, p1, partial, (b - 1) * cols, j0, j1);
                }
            }
        });
        int grain = Math.max(AXPY_MIN_SHARE, (1 << 16) / blocks);
        Parallel.forRange(cols, grain, L, (lo, hi) -> {
            addBlocks(partial, blocks - 1, cols, out, outOff, lo, hi);
            finished.run(lo, hi);
        });
    }

    /** Units {@code [0, n)}, each claimed by any thread of the team, or all on this thread. */
    private static void units(int threads, int n, Parallel.Range body) {
        if (threads > 1) {
            Parallel.forEach(n, body);
        } else if (n > 0) {
            body.run(0, n);
        }
    }

    /** out[outOff + j] += partial[0·cols + j] + … in order of the rows, for j in [lo, hi). */
    private static void addBlocks(float[] partial, int rows, int cols, float[] out, int outOff, int lo, int hi) {
        int bound = lo + (hi - lo) / L * L;
        int j = lo;
        for (; j < bound; j += L) {
            FloatVector acc = FloatVector.fromArray(S, out, outOff + j);
            for (int r = 0; r < rows; r++) {
                acc = acc.add(FloatVector.fromArray(S, partial, r * cols + j));
            }
            acc.intoArray(out, outOff + j);
        }
        for (; j < hi; j++) {
            float acc = out[outOff + j];
            for (int r = 0; r < rows; r++) {
                acc += partial[r * cols + j];
            }
            out[outOff + j] = acc;
        }
    }

    /** {@link #axpySlice} over rows {@code [p0, p1)} and outputs {@code [j0, j1)}, a slice at a time. */
    private static void axpyPiece(
            float[] mat, int base, int pStride, float[] v, int p0, int p1, float[] out, int outOff, int j0, int j1) {
        for (int s = j0; s < j1; s += AXPY_SLICE) {
            axpySlice(mat, base, pStride, v, p0, p1, out, outOff, s, Math.min(j1, s + AXPY_SLICE));
        }
    }

    /** out[outOff + j] += sum over p in [p0, p1) of v[p]·mat[base + p·pStride + j], for j in [j0, j1). */
    private static void axpySlice(
            float[] mat, int base, int pStride, float[] v, int p0, int k, float[] out, int outOff, int j0, int j1) {
        int bound = j0 + (j1 - j0) / L * L;
        int p = p0;
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
