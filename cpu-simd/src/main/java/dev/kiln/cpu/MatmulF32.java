package dev.kiln.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 matrix multiply {@code C[M,N] += A[M,K]·B[K,N]} (C arrives zeroed), batched, with A and
 * B addressed by row and column strides (a transposed operand costs nothing extra: the kernels and
 * the packing read it either way).
 *
 * <p>The structure is the usual one of BLIS/GotoBLAS: B is packed per (KC × NC) block into panels
 * NR columns wide, and a register-tiled micro-kernel keeps an MR × NR tile of C in MR·NR/L vector
 * accumulators, broadcasting one A element and loading NR/L B vectors per step of k (one FMA per
 * accumulator). A B panel (KC·NR floats) is reused, from L1 or L2, across all MR-row panels of an
 * (MC × KC) block of A, which stays in L2. The six-row kernels read A where it is (row-major or
 * transposed, the only two layouts {@link DotGeneral} hands over): packing A cost about a
 * nanosecond per element, as much as the product itself when B has few columns (attention's
 * 256×256 by 256×64 heads, an MLP's 10-class layer), and bought nothing measurable at 1024³; only
 * the four-row kernel (narrower vectors) and a ragged last row panel use packed A panels. A
 * product whose A is read in place is split by groups of NR panels, each thread packing its own
 * group's B ({@link MatmulBlocking#runByColumns}); otherwise threads share the packed B block and
 * split the MC row blocks (or, when there are few, the NR panels); many small independent batches
 * are instead split by batch. The schedule is {@link
 * MatmulBlocking}'s, shared with float64; this class has the float packing and micro-kernels.
 */
final class MatmulF32 {
    private MatmulF32() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * Micro-tile: MR rows by NR = 2 vectors. Six rows need 12 accumulators, which with the two B
     * vectors and the A broadcasts that C2 hoists fit AVX-512's 32 vector registers but not AVX2's
     * 16: there C2 spills an accumulator, and the store-to-load round trip it adds to every step of
     * k costs a third of the throughput (measured on a 2-core AVX2 EPYC VM, tile in L1: 6×16 at 37
     * GFLOP/s, 4×16 at 56). So 256-bit and narrower vectors use four rows.
     *
     * <p>On the 2-core Zen 5 VM (AVX-512, two 512-bit FMA pipes, 48 KiB L1, 1 MiB L2 per core) the
     * 6×32 kernel alone, its panels in L1 or L2 ({@code MatmulTiming kernel}, fastest of 20000
     * batches), ran at 217–237 GFLOP/s on one thread, the FMA chains' peak (about 225): larger
     * tiles (12×32 with 24 accumulators: 220–235; 6×64: 237; 14×32: 189, 8×48: 178, both short of
     * registers) gained nothing, and a B panel of 64 or 128 KiB read from L2 (k = 512, 1024) cost
     * nothing either. What a full product loses is outside the kernel.
     */
    static final int MR = S.vectorBitSize() >= 512 ? 6 : 4;

    static final int NR = 2 * L;

    // An A block (MC·KC floats: 192 KiB with six rows, 128 KiB with four) stays in L2 and a B panel
    // (KC·NR floats: 64 KiB with 512-bit vectors, 32 KiB with 256-bit) in L2/L1.
    // A long KC matters most: each pass over K reads and writes all of C again. Measured on a
    // 2-core Zen 4 VM (1024³, one thread): KC 128 → 31 ms, 256 → 25, 512 → 22-23, 1024 → 23; MC
    // between 48 and 384 rows made no measurable difference.
    private static final int KC = 512;
    private static final int MC = 16 * MR;
    private static final int NC = 4096;

    private static final MatmulBlocking.Sizes SIZES = new MatmulBlocking.Sizes(MR, NR, MC, KC, NC);

    /** Below this many multiply-adds per batch, packing costs more than it saves. */
    private static final long SMALL = 16 * 16 * 16;

    /** A packed-B buffer kept per thread for the next product, up to {@link #SPARE_LIMIT} elements. */
    private static final ThreadLocal<float[]> B_SPARE = new ThreadLocal<>();

    /** Larger packed-B buffers are not kept: their products take long enough that allocating is noise. */
    private static final int SPARE_LIMIT = 1 << 20;

    /** Each thread's packed-B column group ({@link MatmulBlocking#runByColumns}). */
    private static final float[] NO_GROUP = new float[0];

    private static final ThreadLocal<float[]> B_GROUP = ThreadLocal.withInitial(() -> NO_GROUP);

    private static final ThreadLocal<float[]> A_PACK = ThreadLocal.withInitial(() -> new float[MC * KC]);

    /** packA's answer when the micro-kernel reads A in place. */
    private static final Object DIRECT = new Object();

    /** A(m, k) = a[aOff + m·aRow + k·aCol]; B(k, n) = b[bOff + k·bRow + n·bCol]; C row-major [M, N]. */
    record Operand(float[] data, int batchStride, int rowStride, int colStride) {}

    /**
     * {@code C += A·B} for every batch (C arrives zeroed), telling {@code done} (when not null) of
     * each block of C as soon as it is final, on the thread that finished it, while the block is
     * still in cache: every element exactly once. An empty contraction ({@code k == 0}) is
     * {@link DotGeneral}'s to report.
     */
    static void multiply(int batch, int m, int n, int k, Operand a, Operand b, float[] c, DotGeneral.BlockDone done) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        if (MatvecF32.applies(m, n, k, a, b)) {
            MatvecF32.multiply(batch, m, n, k, a, b, c, done);
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

    private static void naive(int m, int n, int k, Operand a, int ta, Operand b, int tb, float[] c, int cOff) {
        float[] ad = a.data();
        float[] bd = b.data();
        int aBase = ta * a.batchStride();
        int bBase = tb * b.batchStride();
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            for (int p = 0; p < k; p++) {
                float av = ad[aBase + i * a.rowStride() + p * a.colStride()];
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
            float[] c,
            int cOff,
            boolean parallel,
            DotGeneral.BlockDone done) {
        int aBase = ta * a.batchStride();
        int bBase = tb * b.batchStride();
        // the thread's spare packed-B buffer, taken out while this product uses it (a fresh array
        // is zeroed by the JVM: 256 KiB per 256×256 product, a tenth of its time at that size)
        float[] spare = B_SPARE.get();
        B_SPARE.set(null);
        float[][] used = new float[1][];
        MatmulBlocking.Typed typed = new MatmulBlocking.Typed() {
            private float[] bPack;

            /**
             * Whether the micro-kernel reads A where it is rather than from packed panels: the
             * six-row kernels read a row-major A or a transposed one in place (see {@link #direct}).
             */
            private final boolean direct = MR == 6 && (a.colStride() == 1 || a.rowStride() == 1);

            /** This product's number, for the packed edge panel of {@link #direct}. */
            private final long id = direct ? PRODUCTS.incrementAndGet() : 0;

            /** Gather offsets of one packed row when B is stored transposed (see packB); one per product. */
            private final int[] lanes = b.rowStride() == 1 ? gatherLanes(b.colStride()) : null;

            @Override
            public void newBPack(int size) {
                // packB writes every element of each panel it packs (zeros past the last column)
                bPack = spare != null && spare.length >= size && used[0] == null ? spare : new float[size];
                used[0] = bPack;
            }

            @Override
            public int nr() {
                return NR;
            }

            @Override
            public void packPanels(int pc, int kc, int jc, int nc, int q0, int q1, int blockAt) {
                int full = Math.min(q1, nc / NR);
                if (b.colStride() == 1 && full > q0) {
                    // B row-major: row by row across the panels, reading B in memory order (a
                    // 784×512 B packed in 0.25 ms rather than 0.43 panel by panel, 2-core Zen 4)
                    packRows(b.data(), bBase + pc * b.rowStride() + jc, b.rowStride(), kc, q0, full, bPack, blockAt);
                    q0 = full;
                }
                for (int q = q0; q < q1; q++) {
                    packB(pc, kc, jc + q * NR, Math.min(NR, nc - q * NR), blockAt + q * NR * kc);
                }
            }

            @Override
            public void packB(int pc, int kc, int j, int cols, int at) {
                MatmulF32.packB(b.data(), bBase, b.rowStride(), b.colStride(), pc, kc, j, cols, bPack, at, lanes);
            }

            @Override
            public Object packA(int ic, int mc, int pc, int kc) {
                if (direct) {
                    return DIRECT;
                }
                float[] aPack = A_PACK.get();
                MatmulF32.packA(a.data(), aBase, a.rowStride(), a.colStride(), ic, mc, pc, kc, aPack);
                return aPack;
            }

            @Override
            public void tile(Object aPack, int pc, int kc, int row, int aAt, int bAt, int cAt, int mr, int nr) {
                if (aPack == DIRECT) {
                    direct(id, a, aBase, pc, kc, row, bPack, bAt, c, cAt, n, mr, nr);
                } else if (mr == MR && nr == NR) {
                    kernel(kc, (float[]) aPack, aAt, bPack, bAt, c, cAt, n);
                } else {
                    edge(kc, (float[]) aPack, aAt, bPack, bAt, c, cAt, n, mr, nr);
                }
            }

            @Override
            public boolean byColumns() {
                return direct;
            }

            @Override
            public Object packGroup(Object held, int size, int pc, int kc, int j, int cols) {
                float[] g = held instanceof float[] h && h.length >= size ? h : null;
                if (g == null) {
                    g = B_GROUP.get();
                    B_GROUP.set(NO_GROUP);
                    if (g.length < size) {
                        g = new float[size];
                    }
                }
                int full = cols / NR;
                if (b.colStride() == 1 && full > 0) {
                    packRows(b.data(), bBase + pc * b.rowStride() + j, b.rowStride(), kc, 0, full, g, 0);
                } else {
                    full = 0;
                }
                for (int q = full; q * NR < cols; q++) {
                    MatmulF32.packB(
                            b.data(),
                            bBase,
                            b.rowStride(),
                            b.colStride(),
                            pc,
                            kc,
                            j + q * NR,
                            Math.min(NR, cols - q * NR),
                            g,
                            q * NR * kc,
                            lanes);
                }
                return g;
            }

            @Override
            public void releaseGroup(Object group) {
                if (group instanceof float[] g && g.length >= B_GROUP.get().length) {
                    B_GROUP.set(g);
                }
            }

            @Override
            public void tileGroup(Object group, int pc, int kc, int row, int bAt, int cAt, int mr, int nr) {
                direct(id, a, aBase, pc, kc, row, (float[]) group, bAt, c, cAt, n, mr, nr);
            }
        };
        if (typed.byColumns() && n > NR) {
            MatmulBlocking.runByColumns(m, n, k, ta, cOff, parallel, done, SIZES, typed);
        } else {
            MatmulBlocking.run(m, n, k, ta, cOff, parallel, done, SIZES, typed);
        }
        float[] keep = used[0] != null && used[0].length <= SPARE_LIMIT ? used[0] : spare;
        if (keep != null && (spare == null || keep.length >= spare.length)) {
            B_SPARE.set(keep);
        } else {
            B_SPARE.set(spare);
        }
    }

    /** aPack[(r / MR)·MR·kc + p·MR + r % MR] = A(ic + r, pc + p), rows beyond mc zero. */
    private static void packA(
            float[] a, int base, int rowStride, int colStride, int ic, int mc, int pc, int kc, float[] aPack) {
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
            if (rows == MR && rowStride == 1) {
                // A stored transposed: the panel's rows are contiguous at each k
                int s0 = base + ic + ir + pc * colStride;
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, s0 + p * colStride, aPack, panel + p * MR, MR);
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

    /**
     * Full panels {@code [q0, q1)} of a row-major B, rows {@code [0, kc)} from {@code src} (row
     * stride {@code ldb}), panel q at {@code blockAt + q·NR·kc}: each row of B read once, in order.
     */
    private static void packRows(float[] b, int src, int ldb, int kc, int q0, int q1, float[] bPack, int blockAt) {
        int step = NR * kc;
        for (int p = 0; p < kc; p++) {
            int from = src + p * ldb + q0 * NR;
            int dst = blockAt + q0 * step + p * NR;
            for (int q = q0; q < q1; q++, from += NR, dst += step) {
                FloatVector.fromArray(S, b, from).intoArray(bPack, dst);
                FloatVector.fromArray(S, b, from + L).intoArray(bPack, dst + L);
            }
        }
    }

    /**
     * Column stride of a transposed B from which packB (with vectors narrower than 512 bits, which
     * {@link #packTransposed} does not serve) copies it 16 k at a time rather than gathering each
     * packed row: the 32 elements of a gather then lie 2 KiB or more apart, in the
     * same few L1 sets, and every gather missed (2-core Zen 4, one thread, same JVM alternating:
     * 32x512x512 with B transposed 0.453 ms by gathers, 0.328 copied; 256x1024x512 3.74 and 3.17
     * ms; at a 1 KiB stride, 32x256x256, the gathers were the faster, 0.070 against 0.076 ms).
     */
    static final int TRANSPOSE_STRIDE = 512;

    /**
     * Lane indexes for the 16×16 transpose of {@link #packTransposed} (512-bit vectors): with rows
     * x, y = x + b of one stage, {@code LOb.selectFrom(x, y)} keeps x's lanes whose bit b is clear
     * and puts y's lanes (shifted down by b) where it is set, {@code HIb.selectFrom(x, y)} the
     * reverse: four stages (b = 8, 4, 2, 1), each swapping the off-diagonal b×b blocks of every
     * 2b×2b block, transpose the 16 rows.
     */
    private static final FloatVector LO8 = transposeIndexes(8, false), HI8 = transposeIndexes(8, true);

    private static final FloatVector LO4 = transposeIndexes(4, false), HI4 = transposeIndexes(4, true);
    private static final FloatVector LO2 = transposeIndexes(2, false), HI2 = transposeIndexes(2, true);
    private static final FloatVector LO1 = transposeIndexes(1, false), HI1 = transposeIndexes(1, true);

    private static FloatVector transposeIndexes(int b, boolean high) {
        float[] idx = new float[L];
        for (int lane = 0; lane < L; lane++) {
            boolean own = (lane & b) == 0;
            idx[lane] = high ? (own ? lane + b : L + lane) : (own ? lane : L + lane - b);
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /**
     * A full panel of a B stored transposed (rowStride 1), 512-bit vectors: each 16 columns by 16 k
     * are read as 16 vectors (a cache line of each column) and transposed in registers (64
     * two-vector lane selections, {@code vpermi2ps}) into 16 rows of the panel; the last {@code kc %
     * 16} rows element by element. A pure copy, so the bits of the product are those of the same
     * product with B row-major. Measured against the gathers (two 16-lane gathers per panel row)
     * and the long-column copy (an element load and store each) on the 2-core Zen 4 VM, one
     * thread, the two versions alternating in one JVM, median CPU time: 32×256×256 with B
     * transposed 0.076 → 0.059 ms, 32×256×64 0.019 → 0.015, 256×512×1024 2.69 → 2.56, 256×1024×512
     * 2.69 → 2.62 (bits unchanged).
     */
    private static void packTransposed(float[] b, int src, int colStride, int kc, float[] bPack, int at) {
        int full = kc / L * L;
        for (int p0 = 0; p0 < full; p0 += L) {
            for (int h = 0; h < NR; h += L) {
                int from = src + h * colStride + p0;
                int to = at + p0 * NR + h;
                FloatVector r0 = FloatVector.fromArray(S, b, from);
                FloatVector r1 = FloatVector.fromArray(S, b, from + 1 * colStride);
                FloatVector r2 = FloatVector.fromArray(S, b, from + 2 * colStride);
                FloatVector r3 = FloatVector.fromArray(S, b, from + 3 * colStride);
                FloatVector r4 = FloatVector.fromArray(S, b, from + 4 * colStride);
                FloatVector r5 = FloatVector.fromArray(S, b, from + 5 * colStride);
                FloatVector r6 = FloatVector.fromArray(S, b, from + 6 * colStride);
                FloatVector r7 = FloatVector.fromArray(S, b, from + 7 * colStride);
                FloatVector r8 = FloatVector.fromArray(S, b, from + 8 * colStride);
                FloatVector r9 = FloatVector.fromArray(S, b, from + 9 * colStride);
                FloatVector r10 = FloatVector.fromArray(S, b, from + 10 * colStride);
                FloatVector r11 = FloatVector.fromArray(S, b, from + 11 * colStride);
                FloatVector r12 = FloatVector.fromArray(S, b, from + 12 * colStride);
                FloatVector r13 = FloatVector.fromArray(S, b, from + 13 * colStride);
                FloatVector r14 = FloatVector.fromArray(S, b, from + 14 * colStride);
                FloatVector r15 = FloatVector.fromArray(S, b, from + 15 * colStride);
                // swap the off-diagonal 8x8 blocks of every 16x16 block
                FloatVector s1_0 = LO8.selectFrom(r0, r8);
                r8 = HI8.selectFrom(r0, r8);
                r0 = s1_0;
                FloatVector s1_1 = LO8.selectFrom(r1, r9);
                r9 = HI8.selectFrom(r1, r9);
                r1 = s1_1;
                FloatVector s1_2 = LO8.selectFrom(r2, r10);
                r10 = HI8.selectFrom(r2, r10);
                r2 = s1_2;
                FloatVector s1_3 = LO8.selectFrom(r3, r11);
                r11 = HI8.selectFrom(r3, r11);
                r3 = s1_3;
                FloatVector s1_4 = LO8.selectFrom(r4, r12);
                r12 = HI8.selectFrom(r4, r12);
                r4 = s1_4;
                FloatVector s1_5 = LO8.selectFrom(r5, r13);
                r13 = HI8.selectFrom(r5, r13);
                r5 = s1_5;
                FloatVector s1_6 = LO8.selectFrom(r6, r14);
                r14 = HI8.selectFrom(r6, r14);
                r6 = s1_6;
                FloatVector s1_7 = LO8.selectFrom(r7, r15);
                r15 = HI8.selectFrom(r7, r15);
                r7 = s1_7;
                // swap the off-diagonal 4x4 blocks of every 8x8 block
                FloatVector s2_0 = LO4.selectFrom(r0, r4);
                r4 = HI4.selectFrom(r0, r4);
                r0 = s2_0;
                FloatVector s2_1 = LO4.selectFrom(r1, r5);
                r5 = HI4.selectFrom(r1, r5);
                r1 = s2_1;
                FloatVector s2_2 = LO4.selectFrom(r2, r6);
                r6 = HI4.selectFrom(r2, r6);
                r2 = s2_2;
                FloatVector s2_3 = LO4.selectFrom(r3, r7);
                r7 = HI4.selectFrom(r3, r7);
                r3 = s2_3;
                FloatVector s2_8 = LO4.selectFrom(r8, r12);
                r12 = HI4.selectFrom(r8, r12);
                r8 = s2_8;
                FloatVector s2_9 = LO4.selectFrom(r9, r13);
                r13 = HI4.selectFrom(r9, r13);
                r9 = s2_9;
                FloatVector s2_10 = LO4.selectFrom(r10, r14);
                r14 = HI4.selectFrom(r10, r14);
                r10 = s2_10;
                FloatVector s2_11 = LO4.selectFrom(r11, r15);
                r15 = HI4.selectFrom(r11, r15);
                r11 = s2_11;
                // swap the off-diagonal 2x2 blocks of every 4x4 block
                FloatVector s3_0 = LO2.selectFrom(r0, r2);
                r2 = HI2.selectFrom(r0, r2);
                r0 = s3_0;
                FloatVector s3_1 = LO2.selectFrom(r1, r3);
                r3 = HI2.selectFrom(r1, r3);
                r1 = s3_1;
                FloatVector s3_4 = LO2.selectFrom(r4, r6);
                r6 = HI2.selectFrom(r4, r6);
                r4 = s3_4;
                FloatVector s3_5 = LO2.selectFrom(r5, r7);
                r7 = HI2.selectFrom(r5, r7);
                r5 = s3_5;
                FloatVector s3_8 = LO2.selectFrom(r8, r10);
                r10 = HI2.selectFrom(r8, r10);
                r8 = s3_8;
                FloatVector s3_9 = LO2.selectFrom(r9, r11);
                r11 = HI2.selectFrom(r9, r11);
                r9 = s3_9;
                FloatVector s3_12 = LO2.selectFrom(r12, r14);
                r14 = HI2.selectFrom(r12, r14);
                r12 = s3_12;
                FloatVector s3_13 = LO2.selectFrom(r13, r15);
                r15 = HI2.selectFrom(r13, r15);
                r13 = s3_13;
                // swap the off-diagonal 1x1 blocks of every 2x2 block
                FloatVector s4_0 = LO1.selectFrom(r0, r1);
                r1 = HI1.selectFrom(r0, r1);
                r0 = s4_0;
                FloatVector s4_2 = LO1.selectFrom(r2, r3);
                r3 = HI1.selectFrom(r2, r3);
                r2 = s4_2;
                FloatVector s4_4 = LO1.selectFrom(r4, r5);
                r5 = HI1.selectFrom(r4, r5);
                r4 = s4_4;
                FloatVector s4_6 = LO1.selectFrom(r6, r7);
                r7 = HI1.selectFrom(r6, r7);
                r6 = s4_6;
                FloatVector s4_8 = LO1.selectFrom(r8, r9);
                r9 = HI1.selectFrom(r8, r9);
                r8 = s4_8;
                FloatVector s4_10 = LO1.selectFrom(r10, r11);
                r11 = HI1.selectFrom(r10, r11);
                r10 = s4_10;
                FloatVector s4_12 = LO1.selectFrom(r12, r13);
                r13 = HI1.selectFrom(r12, r13);
                r12 = s4_12;
                FloatVector s4_14 = LO1.selectFrom(r14, r15);
                r15 = HI1.selectFrom(r14, r15);
                r14 = s4_14;
                r0.intoArray(bPack, to + 0 * NR);
                r1.intoArray(bPack, to + 1 * NR);
                r2.intoArray(bPack, to + 2 * NR);
                r3.intoArray(bPack, to + 3 * NR);
                r4.intoArray(bPack, to + 4 * NR);
                r5.intoArray(bPack, to + 5 * NR);
                r6.intoArray(bPack, to + 6 * NR);
                r7.intoArray(bPack, to + 7 * NR);
                r8.intoArray(bPack, to + 8 * NR);
                r9.intoArray(bPack, to + 9 * NR);
                r10.intoArray(bPack, to + 10 * NR);
                r11.intoArray(bPack, to + 11 * NR);
                r12.intoArray(bPack, to + 12 * NR);
                r13.intoArray(bPack, to + 13 * NR);
                r14.intoArray(bPack, to + 14 * NR);
                r15.intoArray(bPack, to + 15 * NR);
            }
        }
        for (int p = full; p < kc; p++) {
            for (int c = 0; c < NR; c++) {
                bPack[at + p * NR + c] = b[src + c * colStride + p];
            }
        }
    }

    /** {@code c · colStride} for the NR columns of a panel: the gather offsets of one packed row. */
    static int[] gatherLanes(int colStride) {
        int[] lanes = new int[NR];
        for (int c = 0; c < NR; c++) {
            lanes[c] = c * colStride;
        }
        return lanes;
    }

    /**
     * bPack[at + p·NR + c] = B(pc + p, j + c) for c < cols, zero for cols <= c < NR; {@code lanes}
     * is {@link #gatherLanes} of colStride when rowStride is 1.
     */
    private static void packB(
            float[] b,
            int base,
            int rowStride,
            int colStride,
            int pc,
            int kc,
            int j,
            int cols,
            float[] bPack,
            int at,
            int[] lanes) {
        if (colStride == 1 && cols == NR) {
            for (int p = 0; p < kc; p++) {
                int src = base + (pc + p) * rowStride + j;
                int dst = at + p * NR;
                FloatVector.fromArray(S, b, src).intoArray(bPack, dst);
                FloatVector.fromArray(S, b, src + L).intoArray(bPack, dst + L);
            }
            return;
        }
        if (rowStride == 1 && cols == NR && L == 16) {
            packTransposed(b, base + pc + j * colStride, colStride, kc, bPack, at);
            return;
        }
        if (rowStride == 1 && cols == NR && colStride >= TRANSPOSE_STRIDE) {
            // B stored transposed with long columns: taken 16 k at a time, each column's 16 values
            // (one cache line) go at once to 16 rows of the panel, which stay in L1
            int src = base + pc + j * colStride;
            for (int p0 = 0; p0 < kc; p0 += 16) {
                int pn = Math.min(16, kc - p0);
                for (int c = 0; c < NR; c++) {
                    int from = src + c * colStride + p0;
                    int dst = at + p0 * NR + c;
                    for (int p = 0; p < pn; p++) {
                        bPack[dst + p * NR] = b[from + p];
                    }
                }
            }
            return;
        }
        if (rowStride == 1 && cols == NR) {
            // B stored transposed (a product with W.T, as every backward pass has): each panel row
            // is NR elements colStride apart, gathered two vectors at a time; element by element
            // this took as long as the product itself when A has few rows (batch-32 RNN steps)
            int src = base + pc + j * colStride;
            for (int p = 0; p < kc; p++) {
                int dst = at + p * NR;
                FloatVector.fromArray(S, b, src + p, lanes, 0).intoArray(bPack, dst);
                FloatVector.fromArray(S, b, src + p, lanes, L).intoArray(bPack, dst + L);
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
    static void kernel(int kc, float[] ap, int aAt, float[] bp, int bAt, float[] c, int cAt, int ldc) {
        if (MR == 6) {
            kernel6(kc, ap, aAt, bp, bAt, c, cAt, ldc);
        } else {
            kernel4(kc, ap, aAt, bp, bAt, c, cAt, ldc);
        }
    }

    /** The six-row micro-kernel (wide vectors): adds A-panel times B-panel to a full tile of C at {@code cAt} (row stride {@code ldc}). */
    private static void kernel6(int kc, float[] ap, int aAt, float[] bp, int bAt, float[] c, int cAt, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bAt + p * NR;
            int ao = aAt + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        // written out rather than through a helper: a vector passed to a call that C2 declines to
        // inline (it does, past its node budget) is boxed, and that costs 3x here
        int r0 = cAt;
        c00.add(FloatVector.fromArray(S, c, r0)).intoArray(c, r0);
        c01.add(FloatVector.fromArray(S, c, r0 + L)).intoArray(c, r0 + L);
        int r1 = cAt + ldc;
        c10.add(FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
        c11.add(FloatVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
        int r2 = cAt + 2 * ldc;
        c20.add(FloatVector.fromArray(S, c, r2)).intoArray(c, r2);
        c21.add(FloatVector.fromArray(S, c, r2 + L)).intoArray(c, r2 + L);
        int r3 = cAt + 3 * ldc;
        c30.add(FloatVector.fromArray(S, c, r3)).intoArray(c, r3);
        c31.add(FloatVector.fromArray(S, c, r3 + L)).intoArray(c, r3 + L);
        int r4 = cAt + 4 * ldc;
        c40.add(FloatVector.fromArray(S, c, r4)).intoArray(c, r4);
        c41.add(FloatVector.fromArray(S, c, r4 + L)).intoArray(c, r4 + L);
        int r5 = cAt + 5 * ldc;
        c50.add(FloatVector.fromArray(S, c, r5)).intoArray(c, r5);
        c51.add(FloatVector.fromArray(S, c, r5 + L)).intoArray(c, r5 + L);
    }

    /**
     * One tile with A read in place: rows {@code [row, row + mr)}, columns {@code [pc, pc + kc)} of
     * A, which is row-major (colStride 1) or transposed (rowStride 1).
     */
    private static void direct(
            long product,
            Operand a,
            int aBase,
            int pc,
            int kc,
            int row,
            float[] bp,
            int bAt,
            float[] c,
            int cAt,
            int ldc,
            int mr,
            int nr) {
        if (mr < MR) {
            // rows past the matrix cannot be read: the partial panel is packed, zeros below it
            // (once per thread, product and k block: every column panel of the row panel uses it)
            EdgePanel e = EDGE_PANEL.get();
            if (e.product != product || e.row != row || e.pc != pc) {
                if (e.data.length < MR * kc) {
                    e.data = new float[MR * kc];
                }
                packA(a.data(), aBase, a.rowStride(), a.colStride(), row, mr, pc, kc, e.data);
                e.product = product;
                e.row = row;
                e.pc = pc;
            }
            edge(kc, e.data, 0, bp, bAt, c, cAt, ldc, mr, nr);
            return;
        }
        int at = aBase + row * a.rowStride() + pc * a.colStride();
        // the first k block stores its sums: C arrives zeroed, so it need not be read
        boolean first = pc == 0;
        float[] dst = c;
        int dAt = cAt;
        int dld = ldc;
        if (nr < NR) {
            dst = EDGE_TILE.get();
            java.util.Arrays.fill(dst, 0);
            dAt = 0;
            dld = NR;
        }
        if (a.colStride() == 1) {
            kernel6r(kc, a.data(), at, a.rowStride(), bp, bAt, dst, dAt, dld, first);
        } else {
            kernel6s(kc, a.data(), at, a.colStride(), bp, bAt, dst, dAt, dld, first);
        }
        if (nr < NR) {
            for (int r = 0; r < MR; r++) {
                for (int j = 0; j < nr; j++) {
                    c[cAt + r * ldc + j] += dst[r * NR + j];
                }
            }
        }
    }

    /** The partial row panel of {@link #direct}, one per thread. */
    private static final ThreadLocal<EdgePanel> EDGE_PANEL = ThreadLocal.withInitial(EdgePanel::new);

    /** A packed partial row panel: rows from {@code row}, k block {@code pc}, of product {@code product}. */
    private static final class EdgePanel {
        long product = -1;
        int row;
        int pc;
        float[] data = new float[MR * KC];
    }

    /** Numbers the products, so that a thread's packed edge panel is known to be of the current one. */
    private static final java.util.concurrent.atomic.AtomicLong PRODUCTS = new java.util.concurrent.atomic.AtomicLong();

    /** {@link #kernel6} with A row-major in place: row r of the tile at {@code aAt + r·lda}, k contiguous. */
    private static void kernel6r(
            int kc, float[] ap, int aAt, int lda, float[] bp, int bAt, float[] c, int cAt, int ldc, boolean first) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int a0 = aAt;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        for (int p = 0; p < kc; p++) {
            int bo = bAt + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[a0 + p]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[a1 + p]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[a2 + p]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[a3 + p]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[a4 + p]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[a5 + p]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        int r0 = cAt;
        int r1 = cAt + ldc;
        int r2 = cAt + 2 * ldc;
        int r3 = cAt + 3 * ldc;
        int r4 = cAt + 4 * ldc;
        int r5 = cAt + 5 * ldc;
        if (first) {
            // C is zero and an accumulator is never -0 (it starts at +0), so adding C changes no bit
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + L);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + L);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + L);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + L);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + L);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + L);
            return;
        }
        c00.add(FloatVector.fromArray(S, c, r0)).intoArray(c, r0);
        c01.add(FloatVector.fromArray(S, c, r0 + L)).intoArray(c, r0 + L);
        c10.add(FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
        c11.add(FloatVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
        c20.add(FloatVector.fromArray(S, c, r2)).intoArray(c, r2);
        c21.add(FloatVector.fromArray(S, c, r2 + L)).intoArray(c, r2 + L);
        c30.add(FloatVector.fromArray(S, c, r3)).intoArray(c, r3);
        c31.add(FloatVector.fromArray(S, c, r3 + L)).intoArray(c, r3 + L);
        c40.add(FloatVector.fromArray(S, c, r4)).intoArray(c, r4);
        c41.add(FloatVector.fromArray(S, c, r4 + L)).intoArray(c, r4 + L);
        c50.add(FloatVector.fromArray(S, c, r5)).intoArray(c, r5);
        c51.add(FloatVector.fromArray(S, c, r5 + L)).intoArray(c, r5 + L);
    }

    /** {@link #kernel6} with the tile's six A values of step p at {@code aAt + p·ks} (packed: ks = MR; A transposed in place: its row stride). */
    static void kernel6s(
            int kc, float[] ap, int aAt, int ks, float[] bp, int bAt, float[] c, int cAt, int ldc, boolean first) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int ao = aAt;
        for (int p = 0; p < kc; p++, ao += ks) {
            int bo = bAt + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        int r0 = cAt;
        int r1 = cAt + ldc;
        int r2 = cAt + 2 * ldc;
        int r3 = cAt + 3 * ldc;
        int r4 = cAt + 4 * ldc;
        int r5 = cAt + 5 * ldc;
        if (first) {
            // C is zero and an accumulator is never -0 (it starts at +0), so adding C changes no bit
            c00.intoArray(c, r0);
            c01.intoArray(c, r0 + L);
            c10.intoArray(c, r1);
            c11.intoArray(c, r1 + L);
            c20.intoArray(c, r2);
            c21.intoArray(c, r2 + L);
            c30.intoArray(c, r3);
            c31.intoArray(c, r3 + L);
            c40.intoArray(c, r4);
            c41.intoArray(c, r4 + L);
            c50.intoArray(c, r5);
            c51.intoArray(c, r5 + L);
            return;
        }
        c00.add(FloatVector.fromArray(S, c, r0)).intoArray(c, r0);
        c01.add(FloatVector.fromArray(S, c, r0 + L)).intoArray(c, r0 + L);
        c10.add(FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
        c11.add(FloatVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
        c20.add(FloatVector.fromArray(S, c, r2)).intoArray(c, r2);
        c21.add(FloatVector.fromArray(S, c, r2 + L)).intoArray(c, r2 + L);
        c30.add(FloatVector.fromArray(S, c, r3)).intoArray(c, r3);
        c31.add(FloatVector.fromArray(S, c, r3 + L)).intoArray(c, r3 + L);
        c40.add(FloatVector.fromArray(S, c, r4)).intoArray(c, r4);
        c41.add(FloatVector.fromArray(S, c, r4 + L)).intoArray(c, r4 + L);
        c50.add(FloatVector.fromArray(S, c, r5)).intoArray(c, r5);
        c51.add(FloatVector.fromArray(S, c, r5 + L)).intoArray(c, r5 + L);
    }

    /** The four-row micro-kernel (AVX2 and narrower): adds A-panel times B-panel to a full tile of C at {@code cAt} (row stride {@code ldc}). */
    private static void kernel4(int kc, float[] ap, int aAt, float[] bp, int bAt, float[] c, int cAt, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bAt + p * NR;
            int ao = aAt + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        // written out rather than through a helper: a vector passed to a call that C2 declines to
        // inline (it does, past its node budget) is boxed, and that costs 3x here
        int r0 = cAt;
        c00.add(FloatVector.fromArray(S, c, r0)).intoArray(c, r0);
        c01.add(FloatVector.fromArray(S, c, r0 + L)).intoArray(c, r0 + L);
        int r1 = cAt + ldc;
        c10.add(FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
        c11.add(FloatVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
        int r2 = cAt + 2 * ldc;
        c20.add(FloatVector.fromArray(S, c, r2)).intoArray(c, r2);
        c21.add(FloatVector.fromArray(S, c, r2 + L)).intoArray(c, r2 + L);
        int r3 = cAt + 3 * ldc;
        c30.add(FloatVector.fromArray(S, c, r3)).intoArray(c, r3);
        c31.add(FloatVector.fromArray(S, c, r3 + L)).intoArray(c, r3 + L);
    }

    /**
     * The scratch tile of {@link #edge}, one per thread: a product with a ragged edge (as the 32-row
     * products of a batch-32 RNN have, 32 = 5·6 + 2) calls it once per column panel of its last row
     * panel, and a fresh tile each time was a sixth of such a program's allocation. The kernel adds
     * into it, so {@code edge} clears it first.
     */
    private static final ThreadLocal<float[]> EDGE_TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    /**
     * A partial tile (mr < MR or nr < NR). Two or four rows of whole panels (the last row panel of
     * every power-of-two row count with six-row tiles: 32 = 5·6 + 2, 256 = 42·6 + 4) go straight
     * into C by the two- or four-row kernel; otherwise the smallest kernel that covers the rows
     * computes the tile into a scratch tile first, which is then added to C. Each element's sum is
     * the same chain of FMAs in every kernel, so the bits do not depend on which. (The six-row
     * kernel on the scratch tile for every ragged panel made a 32×256×256 product take longer than
     * a 36×256×256 one: 0.0514 against 0.0502 ms, one thread, 2-core Zen 4 VM.)
     */
    private static void edge(
            int kc, float[] ap, int aAt, float[] bp, int bAt, float[] c, int cAt, int ldc, int mr, int nr) {
        if (nr == NR && (mr == 2 || (mr == 4 && MR > 4))) {
            if (mr == 2) {
                kernel2(kc, ap, aAt, bp, bAt, c, cAt, ldc);
            } else {
                kernel4(kc, ap, aAt, bp, bAt, c, cAt, ldc);
            }
            return;
        }
        float[] tile = EDGE_TILE.get();
        java.util.Arrays.fill(tile, 0);
        if (mr <= 2) {
            kernel2(kc, ap, aAt, bp, bAt, tile, 0, NR);
        } else if (mr <= 4 && MR > 4) {
            kernel4(kc, ap, aAt, bp, bAt, tile, 0, NR);
        } else {
            kernel(kc, ap, aAt, bp, bAt, tile, 0, NR);
        }
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                int at = cAt + r * ldc + j;
                c[at] += tile[r * NR + j];
            }
        }
    }

    /** The first two rows of an MR-row packed A panel times a B panel, added to two rows of C at {@code cAt}. */
    private static void kernel2(int kc, float[] ap, int aAt, float[] bp, int bAt, float[] c, int cAt, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bAt + p * NR;
            int ao = aAt + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector a = FloatVector.broadcast(S, ap[ao]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
        }
        int r0 = cAt;
        c00.add(FloatVector.fromArray(S, c, r0)).intoArray(c, r0);
        c01.add(FloatVector.fromArray(S, c, r0 + L)).intoArray(c, r0 + L);
        int r1 = cAt + ldc;
        c10.add(FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
        c11.add(FloatVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
    }
}
