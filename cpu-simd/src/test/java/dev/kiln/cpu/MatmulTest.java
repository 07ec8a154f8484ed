package dev.kiln.cpu;

import static dev.kiln.cpu.Exec.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.DType;
import dev.kiln.conformance.Tolerance;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.HostBuffer;
import org.junit.jupiter.api.Test;

/**
 * DOT_GENERAL: odd shapes that leave partial micro-tiles and K/M blocks, every operand layout the
 * backend reads in place or has to transpose, batch dimensions, and integer dtypes; against a
 * double-precision triple loop.
 */
class MatmulTest {
    private static final int[] DIMS = {1, 2, 5, 6, 7, 13, 16, 31, 33, 64, 97, 129, 257};

    private static final Params.DotGeneral MATMUL =
            new Params.DotGeneral(new int[] {1}, new int[] {0}, new int[0], new int[0]);

    @Test
    void oddShapesFloat32AndFloat64() {
        long seed = 0;
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int m : DIMS) {
                for (int k : new int[] {1, 7, 64, 257}) {
                    int n = DIMS[(int) (seed++ % DIMS.length)];
                    HostBuffer a = Exec.random(t, seed, false, m, k);
                    HostBuffer b = Exec.random(t, seed + 1000, false, k, n);
                    checkMatmul(t, a, b, MATMUL, 1, m, n, k, false, false);
                }
            }
        }
    }

    /** Several K blocks (K > 256), several row blocks, and the multi-threaded split. */
    @Test
    void largeFloat32AndFloat64() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            int m = 301;
            int k = 600;
            int n = 203;
            checkMatmul(
                    t,
                    Exec.random(t, 1, false, m, k),
                    Exec.random(t, 2, false, k, n),
                    MATMUL,
                    1,
                    m,
                    n,
                    k,
                    false,
                    false);
            // few rows, many columns: the work is split over column panels instead
            checkMatmul(
                    t,
                    Exec.random(t, 3, false, 5, 700),
                    Exec.random(t, 4, false, 700, 1500),
                    MATMUL,
                    1,
                    5,
                    1500,
                    700,
                    false,
                    false);
        }
    }

    /**
     * The row blocks a product is cut into depend on the thread count (at least {@link
     * MatmulBlocking#BLOCKS_PER_THREAD} per thread for a large product, each a unit any free thread
     * claims), the bits do not: 1, 2, 3 and 4 threads give the same float32 and float64 products,
     * with ragged row, column and k edges, B read in place or transposed.
     */
    @Test
    void rowBlocksFollowTheThreadsAndTheBitsDoNot() {
        int before = Parallel.threads();
        MatmulBlocking.Sizes s = new MatmulBlocking.Sizes(6, 32, 96, 512, 4096);
        try {
            Parallel.configure(2);
            assertEquals(16, MatmulBlocking.rowBlocks(1024, true, s), "1024 rows on two threads: 16 blocks");
            assertEquals(10, MatmulBlocking.rowBlocks(256, true, s), "256 rows: blocks of at least four panels");
            assertEquals(6, MatmulBlocking.rowBlocks(32, true, s), "32 rows: one panel per block");
            assertEquals(11, MatmulBlocking.rowBlocks(1024, false, s), "one thread: blocks of MC rows");
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (boolean bT : new boolean[] {false, true}) {
                    int m = 389;
                    int k = 530;
                    int n = 141;
                    HostBuffer a = Exec.random(t, 21, false, m, k);
                    HostBuffer b = bT ? Exec.random(t, 22, false, n, k) : Exec.random(t, 22, false, k, n);
                    Params.DotGeneral p =
                            bT ? new Params.DotGeneral(new int[] {1}, new int[] {1}, new int[0], new int[0]) : MATMUL;
                    Object first = null;
                    for (int threads : new int[] {1, 2, 3, 4}) {
                        Parallel.configure(threads);
                        HostBuffer got = run(Primitive.DOT_GENERAL, p, a, b);
                        if (first == null) {
                            first = got.data();
                            checkMatmul(t, a, b, p, 1, m, n, k, false, bT);
                        } else if (t == DType.FLOAT32) {
                            assertArrayEquals((float[]) first, (float[]) got.data(), t + " on " + threads + " threads");
                        } else {
                            assertArrayEquals(
                                    (double[]) first, (double[]) got.data(), t + " on " + threads + " threads");
                        }
                    }
                }
            }
        } finally {
            Parallel.configure(before);
        }
    }

    /**
     * A block's callback runs while its thread still holds the column group's packed B for the
     * blocks after it: a product the callback runs on that thread (one small enough to stay on it)
     * packs into a buffer of its own, and the outer product's bits are those of a run without
     * callbacks. Two k blocks, several row blocks and column groups, ragged edges.
     */
    @Test
    void blockCallbackMayRunAProductOnTheSameThread() {
        int m = 200;
        int n = 230;
        int k = 1100;
        float[] a = uniform(m * k, 31);
        float[] b = uniform(k * n, 32);
        MatmulF32.Operand oa = new MatmulF32.Operand(a, m * k, k, 1);
        MatmulF32.Operand ob = new MatmulF32.Operand(b, k * n, n, 1);
        float[] expected = new float[m * n];
        MatmulF32.multiply(1, m, n, k, oa, ob, expected, null);
        int s = 40;
        int sk = 600;
        float[] sa = uniform(s * sk, 33);
        float[] sb = uniform(sk * s, 34);
        float[] got = new float[m * n];
        int[] calls = new int[1];
        MatmulF32.multiply(1, m, n, k, oa, ob, got, (t, row, rows, col, cols) -> {
            float[] inner = new float[s * s];
            MatmulF32.multiply(
                    1,
                    s,
                    s,
                    sk,
                    new MatmulF32.Operand(sa, s * sk, sk, 1),
                    new MatmulF32.Operand(sb, sk * s, s, 1),
                    inner,
                    null);
            synchronized (calls) {
                calls[0]++;
            }
        });
        assertTrue(calls[0] > 1, "the callback ran once per block: " + calls[0]);
        assertArrayEquals(expected, got, "the outer product with products run from its callbacks");
    }

    private static float[] uniform(int size, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** A transposed (contract dim first) lhs and a transposed (contract dim last) rhs are read in place. */
    @Test
    void transposedOperandsAndBatchDims() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            int m = 37;
            int k = 45;
            int n = 29;
            HostBuffer at = Exec.random(t, 5, false, k, m);
            HostBuffer bt = Exec.random(t, 6, false, n, k);
            HostBuffer a = Exec.random(t, 7, false, m, k);
            HostBuffer b = Exec.random(t, 8, false, k, n);
            Params.DotGeneral tn = new Params.DotGeneral(new int[] {0}, new int[] {0}, new int[0], new int[0]);
            checkMatmul(t, at, b, tn, 1, m, n, k, true, false);
            Params.DotGeneral nt = new Params.DotGeneral(new int[] {1}, new int[] {1}, new int[0], new int[0]);
            checkMatmul(t, a, bt, nt, 1, m, n, k, false, true);
            Params.DotGeneral tt = new Params.DotGeneral(new int[] {0}, new int[] {1}, new int[0], new int[0]);
            checkMatmul(t, at, bt, tt, 1, m, n, k, true, true);
            // a transposed rhs wide enough for whole column panels (packed by gathers), two k
            // blocks, and 32 rows (ragged last row panel: the per-thread edge tile is reused
            // across panels and must start clear each time)
            HostBuffer a32 = Exec.random(t, 11, false, 32, 600);
            HostBuffer bt70 = Exec.random(t, 12, false, 70, 600);
            checkMatmul(t, a32, bt70, nt, 1, 32, 70, 600, false, true);
            checkMatmul(t, a32, bt70, nt, 1, 32, 70, 600, false, true);
            // columns 777 long (past MatmulF32.TRANSPOSE_STRIDE: copied 16 k at a time, the last
            // 16 of each k block short) and A transposed too
            HostBuffer at13 = Exec.random(t, 17, false, 777, 13);
            HostBuffer bt64 = Exec.random(t, 18, false, 64, 777);
            checkMatmul(t, at13, bt64, tt, 1, 13, 64, 777, true, true);
            // batch: [B, M, K] x [B, K, N], many small ones (split by batch) and a few large ones
            for (int[] s : new int[][] {{40, 9, 11, 7}, {3, 70, 90, 65}}) {
                int bs = s[0];
                HostBuffer ba = Exec.random(t, 9, false, bs, s[1], s[2]);
                HostBuffer bb = Exec.random(t, 10, false, bs, s[2], s[3]);
                Params.DotGeneral batched =
                        new Params.DotGeneral(new int[] {2}, new int[] {1}, new int[] {0}, new int[] {0});
                checkMatmul(t, ba, bb, batched, bs, s[1], s[3], s[2], false, false);
            }
        }
    }

    /**
     * The six-row kernels read A in place, row-major or transposed (a weight gradient's xᵀ): row
     * counts that leave a ragged last row panel (packed for it, zeros below, of every size from one
     * to five rows), column counts around
     * the 32-column panel (whole panels packed row by row, the last one by the panel path), K = 1,
     * two k blocks, on one and two threads, batched; against the double-precision sum.
     */
    @Test
    void leftOperandReadInPlace() {
        int before = Parallel.threads();
        Params.DotGeneral tn = new Params.DotGeneral(new int[] {0}, new int[] {0}, new int[0], new int[0]);
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.configure(threads);
                int[][] shapes = {
                    {1, 1, 1},
                    {5, 1, 31},
                    {6, 1, 33},
                    {13, 7, 32},
                    {35, 530, 64},
                    {97, 600, 95},
                    {257, 19, 10},
                    // a last row panel of two or four rows (the two- and four-row kernels, straight
                    // into C for whole column panels, through the scratch tile for a partial one)
                    {8, 9, 32},
                    {32, 40, 64},
                    {28, 530, 96},
                    {64, 3, 70},
                    {26, 17, 33},
                    {9, 20, 64}
                };
                for (int[] s : shapes) {
                    int m = s[0];
                    int k = s[1];
                    int n = s[2];
                    HostBuffer a = Exec.random(DType.FLOAT32, m + k, false, m, k);
                    HostBuffer at = Exec.random(DType.FLOAT32, m + k + 1, false, k, m);
                    HostBuffer b = Exec.random(DType.FLOAT32, n + k, false, k, n);
                    checkMatmul(DType.FLOAT32, a, b, MATMUL, 1, m, n, k, false, false);
                    checkMatmul(DType.FLOAT32, at, b, tn, 1, m, n, k, true, false);
                }
            }
            // batched, A transposed per batch: [B, K, M] contracting K with [B, K, N]
            HostBuffer ba = Exec.random(DType.FLOAT32, 41, false, 5, 70, 45);
            HostBuffer bb = Exec.random(DType.FLOAT32, 42, false, 5, 70, 33);
            Params.DotGeneral batchedTn =
                    new Params.DotGeneral(new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
            checkMatmul(DType.FLOAT32, ba, bb, batchedTn, 5, 45, 33, 70, true, false);
        } finally {
            Parallel.configure(before);
        }
    }

    /**
     * A right operand stored transposed ([N, K], as every backward pass's {@code dY @ Wᵀ} has) is
     * packed by 16×16 register transposes with the last {@code K % 16} rows element by element
     * (512-bit vectors; narrower ones gather or copy): K below, at and around 16, two and three k
     * blocks with ragged remainders, column counts with and without a partial last panel, ragged
     * row panels, batched, on one and two threads. The packing only copies, so every product has
     * the bits of the same product with B materialised row-major; and each is checked against the
     * double-precision sum. 1×N and N×1 products (the matrix-vector path) are checked too.
     */
    @Test
    void rightOperandTransposed() {
        int before = Parallel.threads();
        DType t = DType.FLOAT32;
        Params.DotGeneral nt = new Params.DotGeneral(new int[] {1}, new int[] {1}, new int[0], new int[0]);
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.configure(threads);
                int[][] shapes = {
                    {6, 1, 32},
                    {7, 7, 64},
                    {12, 15, 33},
                    {13, 16, 32},
                    {33, 17, 95},
                    {32, 256, 256},
                    {37, 530, 64},
                    {64, 1100, 96},
                    {1, 40, 64},
                    {40, 64, 1},
                    {5, 33, 31},
                    {200, 100, 130}
                };
                for (int[] sh : shapes) {
                    int m = sh[0];
                    int k = sh[1];
                    int n = sh[2];
                    HostBuffer a = Exec.random(t, 7L * m + k, false, m, k);
                    HostBuffer bT = Exec.random(t, 11L * n + k, false, n, k);
                    float[] bt = (float[]) bT.data();
                    float[] rowMajor = new float[k * n];
                    for (int q = 0; q < k; q++) {
                        for (int j = 0; j < n; j++) {
                            rowMajor[q * n + j] = bt[j * k + q];
                        }
                    }
                    HostBuffer b = HostBuffer.wrap(ArraySpec.of(t, k, n), rowMajor);
                    checkMatmul(t, a, bT, nt, 1, m, n, k, false, true);
                    if (m > 1 && n > 1) {
                        assertArrayEquals(
                                (float[])
                                        run(Primitive.DOT_GENERAL, MATMUL, a, b).data(),
                                (float[]) run(Primitive.DOT_GENERAL, nt, a, bT).data(),
                                m + "x" + k + "x" + n + " on " + threads + " threads: B transposed as B row-major");
                    }
                }
            }
            // batched: [B, M, K] contracting K with [B, N, K]
            HostBuffer ba = Exec.random(t, 43, false, 3, 29, 45);
            HostBuffer bb = Exec.random(t, 44, false, 3, 70, 45);
            Params.DotGeneral batchedNt =
                    new Params.DotGeneral(new int[] {2}, new int[] {2}, new int[] {0}, new int[] {0});
            checkMatmul(t, ba, bb, batchedNt, 3, 29, 70, 45, false, true);
        } finally {
            Parallel.configure(before);
        }
    }

    /**
     * Batched products of attention's kind (several heads, each large enough to pack) go to threads
     * batch by batch; odd batch counts, a transposed operand (q·kᵀ), odd sizes that leave edge
     * panels; and the per-thread spare packed-B buffer, reused from a larger product into a smaller
     * one with edge columns, leaves no stale values behind.
     */
    @Test
    void batchedProductsSplitByBatchAndSpareBuffersReused() {
        assertTrue(MatmulBlocking.splitByBatch(16, 256L * 256 * 64, 2), "attention's heads go to threads whole");
        assertTrue(MatmulBlocking.splitByBatch(3, 1L << 22, 3));
        assertFalse(MatmulBlocking.splitByBatch(3, 1L << 22, 2), "three batches on two threads: split each");
        assertFalse(MatmulBlocking.splitByBatch(1, 1L << 20, 2));
        assertFalse(MatmulBlocking.splitByBatch(64, MatmulBlocking.BATCH_SPLIT, 2), "large batches: split each");
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] s : new int[][] {{5, 67, 33, 71}, {4, 130, 64, 97}, {2, 256, 64, 256}}) {
                int bs = s[0];
                HostBuffer ba = Exec.random(t, 11, false, bs, s[1], s[2]);
                HostBuffer bb = Exec.random(t, 12, false, bs, s[3], s[2]);
                // [B, M, K] x [B, N, K] contracting K: q·kᵀ
                Params.DotGeneral qk =
                        new Params.DotGeneral(new int[] {2}, new int[] {2}, new int[] {0}, new int[] {0});
                checkMatmul(t, ba, bb, qk, bs, s[1], s[3], s[2], false, true);
            }
            // a large product leaves a large spare buffer; smaller ones with edge panels reuse it
            checkMatmul(
                    t,
                    Exec.random(t, 13, false, 90, 300),
                    Exec.random(t, 14, false, 300, 257),
                    MATMUL,
                    1,
                    90,
                    257,
                    300,
                    false,
                    false);
            for (int n : new int[] {33, 7, 1 + 2 * 16}) {
                checkMatmul(
                        t,
                        Exec.random(t, 15 + n, false, 40, 29),
                        Exec.random(t, 16 + n, false, 29, n),
                        MATMUL,
                        1,
                        40,
                        n,
                        29,
                        false,
                        false);
            }
        }
    }

    /**
     * Products with a free dimension of 1 (W·x, xᵀ·W) take the matrix-vector kernels: every layout of
     * the matrix (contraction contiguous or output contiguous), odd lengths that leave vector tails
     * and row groups short of four, lengths that split over threads, and batches.
     */
    @Test
    void matrixVectorProducts() {
        DType t = DType.FLOAT32;
        long seed = 50;
        for (int[] mk : new int[][] {{1, 20000}, {7, 3001}, {33, 1029}, {1027, 129}, {4099, 35}, {3, 9000}}) {
            int rows = mk[0];
            int k = mk[1];
            HostBuffer w = Exec.random(t, seed++, false, rows, k);
            HostBuffer wt = Exec.random(t, seed++, false, k, rows);
            HostBuffer x = Exec.random(t, seed++, false, k, 1);
            HostBuffer xRow = Exec.random(t, seed++, false, 1, k);
            // W·x with W row-major (dot rows) and with W stored transposed (axpy)
            checkMatmul(t, w, x, MATMUL, 1, rows, 1, k, false, false);
            Params.DotGeneral tn = new Params.DotGeneral(new int[] {0}, new int[] {0}, new int[0], new int[0]);
            checkMatmul(t, wt, x, tn, 1, rows, 1, k, true, false);
            // xᵀ·W with W row-major (axpy) and with W stored transposed (dot rows)
            checkMatmul(t, xRow, wt, MATMUL, 1, 1, rows, k, false, false);
            Params.DotGeneral nt = new Params.DotGeneral(new int[] {1}, new int[] {1}, new int[0], new int[0]);
            checkMatmul(t, xRow, w, nt, 1, 1, rows, k, false, true);
        }
        // a batch of matrix-vector products: [B, M, K] x [B, K, 1]
        HostBuffer ba = Exec.random(t, 70, false, 3, 301, 257);
        HostBuffer bx = Exec.random(t, 71, false, 3, 257, 1);
        Params.DotGeneral batched = new Params.DotGeneral(new int[] {2}, new int[] {1}, new int[] {0}, new int[] {0});
        checkMatmul(t, ba, bx, batched, 3, 301, 1, 257, false, false);
    }

    /**
     * The row-major {@code W·x} kernel reads eight rows per pass, then four, then one: every row
     * count from 1 to 19 (and larger ones that split over threads) leaves each kind of remainder,
     * contraction lengths leave vector tails or none, and a NaN, an infinity and a negative zero in
     * some rows must reach only their own outputs. Every output must be, bit for bit, that row's
     * own dot product (one vector accumulator, its lanes summed in {@link
     * dev.kiln.cpu.codegen.FixedLanes}' order, the tail fused in order), on 1, 2 and 3 threads.
     */
    @Test
    void matrixVectorRowGroups() {
        int before = Parallel.threads();
        DType t = DType.FLOAT32;
        long seed = 160;
        try {
            int[][] shapes = new int[19][];
            for (int m = 1; m <= 19; m++) {
                shapes[m - 1] = new int[] {m, m % 3 == 0 ? 16384 : m % 3 == 1 ? 16385 + m : 16400 - m};
            }
            java.util.List<int[]> all = new java.util.ArrayList<>(java.util.Arrays.asList(shapes));
            all.add(new int[] {4099, 33});
            all.add(new int[] {1031, 1029});
            all.add(new int[] {517, 64});
            for (int[] mk : all) {
                int m = mk[0];
                int k = mk[1];
                HostBuffer w = Exec.random(t, seed++, false, m, k);
                HostBuffer x = Exec.random(t, seed++, false, k, 1);
                float[] wf = w.floats();
                if (m >= 3) {
                    wf[k + k / 2] = Float.NaN;
                    wf[2 * k + k - 1] = Float.POSITIVE_INFINITY;
                    wf[k / 3] = -0.0f;
                }
                float[] want = new float[m];
                for (int i = 0; i < m; i++) {
                    want[i] = rowDot(wf, i * k, x.floats(), k);
                }
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.configure(threads);
                    assertArrayEquals(
                            want,
                            run(Primitive.DOT_GENERAL, MATMUL, w, x).floats(),
                            m + "x" + k + " W@x on " + threads + " threads");
                }
                if (m >= 3) {
                    assertTrue(Float.isNaN(want[1]) && Float.isInfinite(want[2]));
                }
            }
        } finally {
            Parallel.configure(before);
        }
    }

    /** One row's dot product as the matrix-vector kernel sums it. */
    private static float rowDot(float[] mat, int r, float[] v, int k) {
        jdk.incubator.vector.VectorSpecies<Float> s = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        jdk.incubator.vector.FloatVector acc = jdk.incubator.vector.FloatVector.zero(s);
        int p = 0;
        for (; p < s.loopBound(k); p += s.length()) {
            acc = jdk.incubator.vector.FloatVector.fromArray(s, v, p)
                    .fma(jdk.incubator.vector.FloatVector.fromArray(s, mat, r + p), acc);
        }
        float sum = dev.kiln.cpu.codegen.FixedLanes.reduce(acc, jdk.incubator.vector.VectorOperators.ADD);
        for (; p < k; p++) {
            sum = Math.fma(mat[r + p], v[p], sum);
        }
        return sum;
    }

    /**
     * The output-contiguous matrix-vector kernel ({@code xᵀ·W} and {@code Wᵀ·x} with {@code W}
     * row-major) around each of its edges: output lengths just under, at and over its 4096-element
     * slice and its 256-element smallest thread share, vector tails, and contraction lengths that
     * leave 1 to 3 rows after the groups of four, and contractions of several of its blocks of
     * {@link MatvecF32#AXPY_K_BLOCK} rows. Every output must be, bit for bit, each block's in-order
     * chain of fused multiply-adds, the blocks' sums added in block order (the kernel's promise,
     * which makes the split irrelevant to the bits) on 1, 2 and 3 threads, and within the
     * contraction tolerance of the reference backend.
     */
    @Test
    void matrixVectorAxpyEdges() {
        int before = Parallel.threads();
        DType t = DType.FLOAT32;
        Params.DotGeneral tn = new Params.DotGeneral(new int[] {0}, new int[] {0}, new int[0], new int[0]);
        long seed = 90;
        try {
            for (int[] nk : new int[][] {
                {4095, 5},
                {4096, 6},
                {4097, 7},
                {8192 + 17, 9},
                {511, 35},
                {513, 34},
                {255, 129},
                {257, 67},
                // several blocks of the contraction: a remainder of 1, an exact multiple, odd tails
                {1000, 257},
                {4099, 512},
                {77, 1029},
                {300, 515},
                {4096 + 33, 771}
            }) {
                int cols = nk[0];
                int k = nk[1];
                HostBuffer xRow = Exec.random(t, seed++, false, 1, k);
                HostBuffer w = Exec.random(t, seed++, false, k, cols);
                HostBuffer x = Exec.random(t, seed++, false, k, 1);
                float[] want = new float[cols];
                int kb = MatvecF32.AXPY_K_BLOCK;
                for (int j = 0; j < cols; j++) {
                    float acc = 0;
                    for (int p0 = 0; p0 < k; p0 += kb) {
                        float part = 0;
                        for (int q = p0; q < Math.min(k, p0 + kb); q++) {
                            part = Math.fma(w.floats()[q * cols + j], xRow.floats()[q], part);
                        }
                        acc = p0 == 0 ? part : acc + part;
                    }
                    want[j] = acc;
                }
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.configure(threads);
                    String what = "1x" + k + "x" + cols + " on " + threads + " threads";
                    assertArrayEquals(
                            want, run(Primitive.DOT_GENERAL, MATMUL, xRow, w).floats(), "x@W " + what);
                    // Wᵀ·x reads the same [K, N] matrix the same way
                    HostBuffer got = run(Primitive.DOT_GENERAL, tn, w, x);
                    checkMatmul(t, w, x, tn, 1, cols, 1, k, true, false);
                    Backend ref = Exec.reference();
                    if (ref != null) {
                        HostBuffer r = Exec.run(ref, Primitive.DOT_GENERAL, tn, w, x);
                        Tolerance.Rule rule = Tolerance.contraction(t, k);
                        for (int j = 0; j < cols; j++) {
                            double mag = 0;
                            for (int q = 0; q < k; q++) {
                                mag += Math.abs((double) w.floats()[q * cols + j] * x.floats()[q]);
                            }
                            if (!rule.accepts(t, r.floats()[j], got.floats()[j], mag)) {
                                fail("W.T@x " + what + " at " + j + ": reference " + r.floats()[j] + ", got "
                                        + got.floats()[j] + " (" + rule + ")");
                            }
                        }
                    }
                }
            }
        } finally {
            Parallel.configure(before);
        }
    }

    /**
     * Batches of matrix-vector products, either side of 2^17 multiply-adds per product (where one
     * product starts to be split over threads), in every matrix layout: correct, and the same bits
     * on 1, 2 and 3 threads.
     */
    @Test
    void batchedMatrixVectorProducts() {
        int before = Parallel.threads();
        DType t = DType.FLOAT32;
        long seed = 120;
        try {
            for (int[] bmk : new int[][] {{2, 67, 257}, {7, 301, 257}, {3, 509, 257}, {5, 513, 257}, {9, 35, 1029}}) {
                int batch = bmk[0];
                int rows = bmk[1];
                int k = bmk[2];
                HostBuffer w = Exec.random(t, seed++, false, batch, rows, k);
                HostBuffer wt = Exec.random(t, seed++, false, batch, k, rows);
                HostBuffer x = Exec.random(t, seed++, false, batch, k, 1);
                HostBuffer xRow = Exec.random(t, seed++, false, batch, 1, k);
                // [B, M, K]·[B, K, 1] (dot rows), [B, K, M]ᵀ·[B, K, 1] (axpy), and the row-vector forms
                Params.DotGeneral mv =
                        new Params.DotGeneral(new int[] {2}, new int[] {1}, new int[] {0}, new int[] {0});
                Params.DotGeneral tmv =
                        new Params.DotGeneral(new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0});
                Params.DotGeneral vmT =
                        new Params.DotGeneral(new int[] {2}, new int[] {2}, new int[] {0}, new int[] {0});
                HostBuffer[][] cases = {{w, x}, {wt, x}, {xRow, wt}, {xRow, w}};
                Params.DotGeneral[] dims = {mv, tmv, mv, vmT};
                for (int c = 0; c < cases.length; c++) {
                    float[] first = null;
                    for (int threads : new int[] {1, 2, 3}) {
                        Parallel.configure(threads);
                        float[] got = run(Primitive.DOT_GENERAL, dims[c], cases[c][0], cases[c][1])
                                .floats();
                        if (first == null) {
                            first = got;
                            if (c < 2) {
                                checkMatmul(t, cases[c][0], cases[c][1], dims[c], batch, rows, 1, k, c == 1, false);
                            } else {
                                checkMatmul(t, cases[c][0], cases[c][1], dims[c], batch, 1, rows, k, false, c == 3);
                            }
                        } else {
                            assertArrayEquals(
                                    first,
                                    got,
                                    "case " + c + ", " + batch + "x" + rows + "x" + k + " on " + threads + " threads");
                        }
                    }
                }
            }
        } finally {
            Parallel.configure(before);
        }
    }

    /**
     * A row-major matrix times two to four vectors side by side ({@code [M, K] x [K, n]}, what the
     * fusion planner makes of products of one matrix with several vectors) takes the one-sweep
     * kernel: every column must be, bit for bit, the product of the matrix with that column alone
     * (so merging products changes no result), on 1, 2 and 3 threads; odd row counts leave groups
     * short of four and two, odd contraction lengths leave vector tails; the vectors are read from
     * [K, n] (row stride n) and from [n, K] (B transposed), and in batches.
     */
    @Test
    void matrixTimesFewVectors() {
        int before = Parallel.threads();
        DType t = DType.FLOAT32;
        Params.DotGeneral bTn = new Params.DotGeneral(new int[] {1}, new int[] {1}, new int[0], new int[0]);
        long seed = 200;
        try {
            for (int[] mkn : new int[][] {
                {4099, 35, 2}, {1027, 129, 3}, {301, 1029, 4}, {67, 257, 2}, {33, 3001, 4}, {513, 515, 3}, {8, 4097, 2}
            }) {
                int m = mkn[0];
                int k = mkn[1];
                int n = mkn[2];
                HostBuffer w = Exec.random(t, seed++, false, m, k);
                HostBuffer b = Exec.random(t, seed++, false, k, n);
                float[] bt = new float[n * k];
                for (int q = 0; q < k; q++) {
                    for (int j = 0; j < n; j++) {
                        bt[j * k + q] = b.floats()[q * n + j];
                    }
                }
                HostBuffer bT = HostBuffer.wrap(ArraySpec.of(t, n, k), bt);
                float[] want = new float[m * n];
                for (int j = 0; j < n; j++) {
                    float[] col = java.util.Arrays.copyOfRange(bt, j * k, (j + 1) * k);
                    float[] one = run(Primitive.DOT_GENERAL, MATMUL, w, HostBuffer.wrap(ArraySpec.of(t, k, 1), col))
                            .floats();
                    for (int i = 0; i < m; i++) {
                        want[i * n + j] = one[i];
                    }
                }
                checkMatmul(t, w, b, MATMUL, 1, m, n, k, false, false);
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.configure(threads);
                    String what = m + "x" + k + "x" + n + " on " + threads + " threads";
                    assertArrayEquals(
                            want, run(Primitive.DOT_GENERAL, MATMUL, w, b).floats(), "A@B " + what);
                    assertArrayEquals(
                            want, run(Primitive.DOT_GENERAL, bTn, w, bT).floats(), "A@B.T " + what);
                }
            }
            // a batch: [B, M, K] x [B, K, 2]
            Parallel.configure(before);
            HostBuffer ba = Exec.random(t, 230, false, 3, 301, 257);
            HostBuffer bx = Exec.random(t, 231, false, 3, 257, 2);
            Params.DotGeneral batched =
                    new Params.DotGeneral(new int[] {2}, new int[] {1}, new int[] {0}, new int[] {0});
            checkMatmul(t, ba, bx, batched, 3, 301, 2, 257, false, false);
        } finally {
            Parallel.configure(before);
        }
    }

    /** Batch dims that are not leading and contracting dims split in two need a transpose first. */
    @Test
    void generalDimensionNumbers() {
        DType t = DType.FLOAT32;
        // lhs [M=3, B=4, K1=5, K2=2], rhs [K2=2, N=6, B=4, K1=5]
        HostBuffer lhs = Exec.random(t, 11, false, 3, 4, 5, 2);
        HostBuffer rhs = Exec.random(t, 12, false, 2, 6, 4, 5);
        Params.DotGeneral p = new Params.DotGeneral(new int[] {2, 3}, new int[] {3, 0}, new int[] {1}, new int[] {2});
        HostBuffer got = run(Primitive.DOT_GENERAL, p, lhs, rhs);
        assertArrayEquals(new int[] {4, 3, 6}, got.spec().shape());
        for (int bi = 0; bi < 4; bi++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 6; j++) {
                    double s = 0;
                    for (int k1 = 0; k1 < 5; k1++) {
                        for (int k2 = 0; k2 < 2; k2++) {
                            s += (double) lhs.floats()[((i * 4 + bi) * 5 + k1) * 2 + k2]
                                    * rhs.floats()[((k2 * 6 + j) * 4 + bi) * 5 + k1];
                        }
                    }
                    assertEquals(s, got.floats()[(bi * 3 + i) * 6 + j], 1e-5 * (1 + Math.abs(s)));
                }
            }
        }
    }

    @Test
    void integerAndBoolContractions() {
        HostBuffer a = Exec.i32(new int[] {1, 2, 3, Integer.MAX_VALUE, 1, 1}, 2, 3);
        HostBuffer b = Exec.i32(new int[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertArrayEquals(
                new int[] {4, 5, Integer.MAX_VALUE + 1, 2},
                run(Primitive.DOT_GENERAL, MATMUL, a, b).ints());
        HostBuffer la = Exec.i64(new long[] {1L << 40, 3}, 1, 2);
        HostBuffer lb = Exec.i64(new long[] {2, 5}, 2, 1);
        assertArrayEquals(
                new long[] {(1L << 41) + 15},
                run(Primitive.DOT_GENERAL, MATMUL, la, lb).longs());
        HostBuffer ba = Exec.bool(new boolean[] {true, false, false, false}, 2, 2);
        HostBuffer bb = Exec.bool(new boolean[] {false, true, true, true}, 2, 2);
        assertArrayEquals(
                new boolean[] {false, true, false, false},
                run(Primitive.DOT_GENERAL, MATMUL, ba, bb).bools());
        HostBuffer ua = Exec.u32(new int[] {-1, 2}, 1, 2);
        HostBuffer ub = Exec.u32(new int[] {2, 3}, 2, 1);
        assertArrayEquals(
                new int[] {4}, run(Primitive.DOT_GENERAL, MATMUL, ua, ub).ints());
    }

    @Test
    void emptyContractionGivesZeros() {
        HostBuffer a = HostBuffer.allocate(ArraySpec.of(DType.FLOAT32, 3, 0));
        HostBuffer b = HostBuffer.allocate(ArraySpec.of(DType.FLOAT32, 0, 2));
        assertArrayEquals(new float[6], run(Primitive.DOT_GENERAL, MATMUL, a, b).floats());
    }

    /**
     * Checks C = A·B for {@code batch} matrices where A(i, p) is read from {@code a} as [M, K] or,
     * when {@code aT}, [K, M]; likewise B as [K, N] or [N, K]. Error bound: a few ulps of the sum of
     * |terms| per output element, growing with K.
     */
    private static void checkMatmul(
            DType t,
            HostBuffer a,
            HostBuffer b,
            Params.DotGeneral p,
            int batch,
            int m,
            int n,
            int k,
            boolean aT,
            boolean bT) {
        HostBuffer got = run(Primitive.DOT_GENERAL, p, a, b);
        double eps = t == DType.FLOAT32 ? 0x1p-24 : 0x1p-53;
        for (int s = 0; s < batch; s++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double mag = 0;
                    for (int q = 0; q < k; q++) {
                        double x = a.getDouble(s * m * k + (aT ? q * m + i : i * k + q));
                        double y = b.getDouble(s * k * n + (bT ? j * k + q : q * n + j));
                        sum += x * y;
                        mag += Math.abs(x * y);
                    }
                    double g = got.getDouble((s * m + i) * n + j);
                    if (Math.abs(g - sum) > 2 * (k + 2) * eps * mag + Double.MIN_NORMAL) {
                        fail(t + " " + m + "x" + k + "x" + n + (aT ? " A^T" : "") + (bT ? " B^T" : "") + " batch " + s
                                + " at (" + i + "," + j + "): expected " + sum + " but was " + g);
                    }
                }
            }
        }
    }
}
