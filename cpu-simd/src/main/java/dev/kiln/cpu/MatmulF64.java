package dev.kiln.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float64 matrix multiply: {@link MatmulF32} with doubles (see there for the blocking); the
 * micro-tile is 6 rows by 2 vectors of 8 doubles.
 */
final class MatmulF64 {
    private MatmulF64() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Micro-tile: MR rows by NR = 2 vectors; four rows below 512-bit vectors, for the register reason given in {@link MatmulF32#MR}. */
    static final int MR = S.vectorBitSize() >= 512 ? 6 : 4;

    static final int NR = 2 * L;

    // as for float32 (see there); an A block is MC·KC doubles (384 KiB with six rows, 256 KiB with four)
    private static final int KC = 512;
    private static final int MC = 16 * MR;
    private static final int NC = 4096;

    private static final MatmulBlocking.Sizes SIZES = new MatmulBlocking.Sizes(MR, NR, MC, KC, NC);

    /** Below this many multiply-adds per batch, packing costs more than it saves. */
    private static final long SMALL = 16 * 16 * 16;

    /** A packed-B buffer kept per thread for the next product, up to {@link #SPARE_LIMIT} elements. */
    private static final ThreadLocal<double[]> B_SPARE = new ThreadLocal<>();

    /** Larger packed-B buffers are not kept: their products take long enough that allocating is noise. */
    private static final int SPARE_LIMIT = 1 << 20;

    private static final ThreadLocal<double[]> A_PACK = ThreadLocal.withInitial(() -> new double[MC * KC]);

    /** A(m, k) = a[aOff + m·aRow + k·aCol]; B(k, n) = b[bOff + k·bRow + n·bCol]; C row-major [M, N]. */
    record Operand(double[] data, int batchStride, int rowStride, int colStride) {}

    /**
     * {@code C += A·B} for every batch (C arrives zeroed), telling {@code done} (when not null) of
     * each block of C as soon as it is final, on the thread that finished it, while the block is
     * still in cache: every element exactly once. An empty contraction ({@code k == 0}) is
     * {@link DotGeneral}'s to report.
     */
    static void multiply(int batch, int m, int n, int k, Operand a, Operand b, double[] c, DotGeneral.BlockDone done) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        long perBatch = (long) m * n * k;
        if (perBatch <= SMALL || MatmulBlocking.splitByBatch(batch, perBatch, Parallel.threads())) {
            int grain = (int) Math.max(1, (1L << 18) / perBatch);
            Parallel.forRange(batch, grain, 1, (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    if (perBatch <= SMALL) {
                        naive(m, n, k, a, t, b, t, c, t * m * n);
                        if (done != null) {
                            done.block(t, 0, m, 0, n);
                        }
                    } else {
                        blocked(m, n, k, a, t, b, t, c, t * m * n, false, done);
                    }
                }
            });
            return;
        }
        for (int t = 0; t < batch; t++) {
            blocked(m, n, k, a, t, b, t, c, t * m * n, true, done);
        }
    }

    private static void naive(int m, int n, int k, Operand a, int ta, Operand b, int tb, double[] c, int cOff) {
        double[] ad = a.data();
        double[] bd = b.data();
        int aBase = ta * a.batchStride();
        int bBase = tb * b.batchStride();
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            for (int p = 0; p < k; p++) {
                double av = ad[aBase + i * a.rowStride() + p * a.colStride()];
                int bi = bBase + p * b.rowStride();
                for (int j = 0; j < n; j++) {
                    c[ci + j] = Math.fma(av, bd[bi + j * b.colStride()], c[ci + j]);
                }
            }
        }
    }

    private static void blocked(
            int m,
            int n,
            int k,
            Operand a,
            int ta,
            Operand b,
            int tb,
            double[] c,
            int cOff,
            boolean parallel,
            DotGeneral.BlockDone done) {
        int aBase = ta * a.batchStride();
        int bBase = tb * b.batchStride();
        // the thread's spare packed-B buffer, taken out while this product uses it (a fresh array
        // is zeroed by the JVM: 256 KiB per 256×256 product, a tenth of its time at that size)
        double[] spare = B_SPARE.get();
        B_SPARE.set(null);
        double[][] used = new double[1][];
        MatmulBlocking.run(m, n, k, ta, cOff, parallel, done, SIZES, new MatmulBlocking.Typed() {
            private double[] bPack;

            @Override
            public void newBPack(int size) {
                // packB writes every element of each panel it packs (zeros past the last column)
                bPack = spare != null && spare.length >= size && used[0] == null ? spare : new double[size];
                used[0] = bPack;
            }

            @Override
            public int nr() {
                return NR;
            }

            @Override
            public void packB(int pc, int kc, int j, int cols, int at) {
                MatmulF64.packB(b.data(), bBase, b.rowStride(), b.colStride(), pc, kc, j, cols, bPack, at);
            }

            @Override
            public Object packA(int ic, int mc, int pc, int kc) {
                double[] aPack = A_PACK.get();
                MatmulF64.packA(a.data(), aBase, a.rowStride(), a.colStride(), ic, mc, pc, kc, aPack);
                return aPack;
            }

            @Override
            public void tile(Object aPack, int pc, int kc, int row, int aAt, int bAt, int cAt, int mr, int nr) {
                if (mr == MR && nr == NR) {
                    kernel(kc, (double[]) aPack, aAt, bPack, bAt, c, cAt, n);
                } else {
                    edge(kc, (double[]) aPack, aAt, bPack, bAt, c, cAt, n, mr, nr);
                }
            }
        });
        double[] keep = used[0] != null && used[0].length <= SPARE_LIMIT ? used[0] : spare;
        if (keep != null && (spare == null || keep.length >= spare.length)) {
            B_SPARE.set(keep);
        } else {
            B_SPARE.set(spare);
        }
    }

    /** aPack[(r / MR)·MR·kc + p·MR + r % MR] = A(ic + r, pc + p), rows beyond mc zero. */
    private static void packA(
            double[] a, int base, int rowStride, int colStride, int ic, int mc, int pc, int kc, double[] aPack) {
        for (int ir = 0; ir < mc; ir += MR) {
            int panel = ir * kc;
            int rows = Math.min(MR, mc - ir);
            if (MR == 6 && rows == MR && colStride == 1) {
                // six row streams read in step, one contiguous write stream
                int s0 = base + (ic + ir) * rowStride + pc;
                int s1 = s0 + rowStride;
                int s2 = s1 + rowStride;
                int s3 = s2 + rowStride;
                int s4 = s3 + rowStride;
                int s5 = s4 + rowStride;
                for (int p = 0; p < kc; p++) {
                    int d = panel + p * MR;
                    aPack[d] = a[s0 + p];
                    aPack[d + 1] = a[s1 + p];
                    aPack[d + 2] = a[s2 + p];
                    aPack[d + 3] = a[s3 + p];
                    aPack[d + 4] = a[s4 + p];
                    aPack[d + 5] = a[s5 + p];
                }
                continue;
            }
            for (int r = 0; r < MR; r++) {
                int dst = panel + r;
                if (r >= rows) {
                    for (int p = 0; p < kc; p++) {
                        aPack[dst + p * MR] = 0;
                    }
                    continue;
                }
                int src = base + (ic + ir + r) * rowStride + pc * colStride;
                if (colStride == 1) {
                    for (int p = 0; p < kc; p++) {
                        aPack[dst + p * MR] = a[src + p];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        aPack[dst + p * MR] = a[src + p * colStride];
                    }
                }
            }
        }
    }

    /** bPack[at + p·NR + c] = B(pc + p, j + c) for c < cols, zero for cols <= c < NR. */
    private static void packB(
            double[] b,
            int base,
            int rowStride,
            int colStride,
            int pc,
            int kc,
            int j,
            int cols,
            double[] bPack,
            int at) {
        if (colStride == 1 && cols == NR) {
            for (int p = 0; p < kc; p++) {
                int src = base + (pc + p) * rowStride + j;
                int dst = at + p * NR;
                DoubleVector.fromArray(S, b, src).intoArray(bPack, dst);
                DoubleVector.fromArray(S, b, src + L).intoArray(bPack, dst + L);
            }
            return;
        }
        for (int c = 0; c < NR; c++) {
            if (c >= cols) {
                for (int p = 0; p < kc; p++) {
                    bPack[at + p * NR + c] = 0;
                }
                continue;
            }
            int src = base + pc * rowStride + (j + c) * colStride;
            for (int p = 0; p < kc; p++) {
                bPack[at + p * NR + c] = b[src + p * rowStride];
            }
        }
    }

    /** Adds A-panel times B-panel to a full MR × NR tile of C at {@code cAt} (row stride {@code ldc}). */
    private static void kernel(int kc, double[] ap, int aAt, double[] bp, int bAt, double[] c, int cAt, int ldc) {
        if (MR == 6) {
            kernel6(kc, ap, aAt, bp, bAt, c, cAt, ldc);
        } else {
            kernel4(kc, ap, aAt, bp, bAt, c, cAt, ldc);
        }
    }

    /** The six-row micro-kernel (wide vectors): adds A-panel times B-panel to a full tile of C at {@code cAt} (row stride {@code ldc}). */
    private static void kernel6(int kc, double[] ap, int aAt, double[] bp, int bAt, double[] c, int cAt, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S), c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S), c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S), c31 = DoubleVector.zero(S);
        DoubleVector c40 = DoubleVector.zero(S), c41 = DoubleVector.zero(S);
        DoubleVector c50 = DoubleVector.zero(S), c51 = DoubleVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bAt + p * NR;
            int ao = aAt + p * MR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bo);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bo + L);
            DoubleVector a = DoubleVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = DoubleVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = DoubleVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = DoubleVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = DoubleVector.broadcast(S, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = DoubleVector.broadcast(S, ap[ao + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        // written out rather than through a helper: a vector passed to a call that C2 declines to
        // inline (it does, past its node budget) is boxed, and that costs 3x here
        int r0 = cAt;
        c00.add(DoubleVector.fromArray(S, c, r0)).intoArray(c, r0);
        c01.add(DoubleVector.fromArray(S, c, r0 + L)).intoArray(c, r0 + L);
        int r1 = cAt + ldc;
        c10.add(DoubleVector.fromArray(S, c, r1)).intoArray(c, r1);
        c11.add(DoubleVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
        int r2 = cAt + 2 * ldc;
        c20.add(DoubleVector.fromArray(S, c, r2)).intoArray(c, r2);
        c21.add(DoubleVector.fromArray(S, c, r2 + L)).intoArray(c, r2 + L);
        int r3 = cAt + 3 * ldc;
        c30.add(DoubleVector.fromArray(S, c, r3)).intoArray(c, r3);
        c31.add(DoubleVector.fromArray(S, c, r3 + L)).intoArray(c, r3 + L);
        int r4 = cAt + 4 * ldc;
        c40.add(DoubleVector.fromArray(S, c, r4)).intoArray(c, r4);
        c41.add(DoubleVector.fromArray(S, c, r4 + L)).intoArray(c, r4 + L);
        int r5 = cAt + 5 * ldc;
        c50.add(DoubleVector.fromArray(S, c, r5)).intoArray(c, r5);
        c51.add(DoubleVector.fromArray(S, c, r5 + L)).intoArray(c, r5 + L);
    }

    /** The four-row micro-kernel (AVX2 and narrower): adds A-panel times B-panel to a full tile of C at {@code cAt} (row stride {@code ldc}). */
    private static void kernel4(int kc, double[] ap, int aAt, double[] bp, int bAt, double[] c, int cAt, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S), c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S), c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S), c31 = DoubleVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bAt + p * NR;
            int ao = aAt + p * MR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bo);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bo + L);
            DoubleVector a = DoubleVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = DoubleVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = DoubleVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = DoubleVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        // written out rather than through a helper: a vector passed to a call that C2 declines to
        // inline (it does, past its node budget) is boxed, and that costs 3x here
        int r0 = cAt;
        c00.add(DoubleVector.fromArray(S, c, r0)).intoArray(c, r0);
        c01.add(DoubleVector.fromArray(S, c, r0 + L)).intoArray(c, r0 + L);
        int r1 = cAt + ldc;
        c10.add(DoubleVector.fromArray(S, c, r1)).intoArray(c, r1);
        c11.add(DoubleVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
        int r2 = cAt + 2 * ldc;
        c20.add(DoubleVector.fromArray(S, c, r2)).intoArray(c, r2);
        c21.add(DoubleVector.fromArray(S, c, r2 + L)).intoArray(c, r2 + L);
        int r3 = cAt + 3 * ldc;
        c30.add(DoubleVector.fromArray(S, c, r3)).intoArray(c, r3);
        c31.add(DoubleVector.fromArray(S, c, r3 + L)).intoArray(c, r3 + L);
    }

    /**
     * The scratch tile of {@link #edge}, one per thread: a product with a ragged edge (as the 32-row
     * products of a batch-32 RNN have, 32 = 5·6 + 2) calls it once per column panel of its last row
     * panel, and a fresh tile each time was a sixth of such a program's allocation. The kernel adds
     * into it, so {@code edge} clears it first.
     */
    private static final ThreadLocal<double[]> EDGE_TILE = ThreadLocal.withInitial(() -> new double[MR * NR]);

    /** A partial tile (mr < MR or nr < NR): the full tile product goes to a scratch tile first. */
    private static void edge(
            int kc, double[] ap, int aAt, double[] bp, int bAt, double[] c, int cAt, int ldc, int mr, int nr) {
        double[] tile = EDGE_TILE.get();
        java.util.Arrays.fill(tile, 0);
        kernel(kc, ap, aAt, bp, bAt, tile, 0, NR);
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                int at = cAt + r * ldc + j;
                c[at] += tile[r * NR + j];
            }
        }
    }
}
