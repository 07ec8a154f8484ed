package dev.kiln.cpu;

/**
 * The blocking schedules that {@link MatmulF32} and {@link MatmulF64} share. {@link #runByColumns}
 * is for a micro-kernel that reads A in place: each thread packs its own groups of B panels. {@link
 * #run} is the general one: B packed per block of
 * columns (all of K at once, KC rows per panel) into NR-column panels, A per (row block, k block)
 * into MR-row panels, the micro-kernel over every (MR × NR) tile, the work split over threads by
 * row block (or, when there are fewer micro-panels of rows than four per thread, by groups of
 * panels), and {@link DotGeneral.BlockDone} told of each finished block of C. The element type
 * lives behind {@link Typed}: its packing and tile calls take only ints, so the per-tile call does
 * not box vectors.
 */
final class MatmulBlocking {
    private MatmulBlocking() {}

    /** Tile sizes: micro-tile rows and columns, A block rows, k and column block lengths. */
    record Sizes(int mr, int nr, int mc, int kc, int nc) {
        /** Panels of one row block finished before {@code done} hears of them: a row block by 256 columns, in L2. */
        int donePanels() {
            return Math.max(1, 256 / nr);
        }
    }

    /** One matmul's arrays, packed buffers and micro-kernel, for one element type. */
    interface Typed {
        /** A new packed-B buffer of {@code size} elements (one per column block). */
        void newBPack(int size);

        /** Packs panel columns {@code [j, j + cols)} of rows {@code [pc, pc + kc)} of B at {@code at} of the B buffer. */
        void packB(int pc, int kc, int j, int cols, int at);

        /**
         * Packs panels {@code [q0, q1)} of the column block {@code [jc, jc + nc)} for rows {@code [pc,
         * pc + kc)} of B, the block's first panel at {@code blockAt}: panel by panel unless the element
         * type has a faster way.
         */
        default void packPanels(int pc, int kc, int jc, int nc, int q0, int q1, int blockAt) {
            int nr = nr();
            for (int q = q0; q < q1; q++) {
                packB(pc, kc, jc + q * nr, Math.min(nr, nc - q * nr), blockAt + q * nr * kc);
            }
        }

        /** The micro-tile's columns. */
        int nr();

        /** Packs rows {@code [ic, ic + mc)}, columns {@code [pc, pc + kc)} of A into this thread's A buffer, which it returns. */
        Object packA(int ic, int mc, int pc, int kc);

        /**
         * Adds the product of panel {@code aAt} of A buffer {@code aPack} (rows {@code [row, row +
         * mr)} and columns {@code [pc, pc + kc)} of A) and panel {@code bAt} of the B buffer to the
         * {@code mr × nr} tile of C at {@code cAt}.
         */
        void tile(Object aPack, int pc, int kc, int row, int aAt, int bAt, int cAt, int mr, int nr);

        /**
         * Whether this product can run {@link #runByColumns}: its micro-kernel reads A in place, so
         * that a column group re-reads A rather than packing it again.
         */
        default boolean byColumns() {
            return false;
        }

        /**
         * Packs columns {@code [j, j + cols)} of rows {@code [pc, pc + kc)} of B into a buffer of at
         * least {@code size} elements, panel q at {@code q·nr·kc}, and returns it: {@code held} (the
         * unit's buffer from its previous k block, or null) when large enough, else this thread's
         * spare, which stays out of reach of any product the thread runs before {@link
         * #releaseGroup} (a block's {@link DotGeneral.BlockDone} runs in between).
         */
        default Object packGroup(Object held, int size, int pc, int kc, int j, int cols) {
            throw new UnsupportedOperationException();
        }

        /** Gives a buffer from {@link #packGroup} back to the thread for its next unit. */
        default void releaseGroup(Object group) {}

        /** {@link #tile} with A read in place and B from panel {@code bAt} of {@code group} (from {@link #packGroup}). */
        default void tileGroup(Object group, int pc, int kc, int row, int bAt, int cAt, int mr, int nr) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * Row blocks of at most {@code mc} rows (whole micro-panels, their sizes differing by at most
     * one micro-panel). For a matmul split across threads, at least four per thread where there are
     * enough micro-panels, and {@link #BLOCKS_PER_THREAD} where there are {@link #MIN_BLOCK_PANELS}
     * micro-panels for each (a thread that starts late or is held up by other work then leaves less
     * undone at the end, and a product with few rows is split by rows rather than by columns, which
     * would pack its A blocks once per column group), and a multiple of the thread count, so that
     * threads taking blocks in turn get the same number of rows to within a micro-panel (1024 rows
     * in 6-row panels on two threads: 171 panels in 16 blocks of 10 or 11). The blocks change with
     * the thread count, the bits do not: every element of C takes the same micro-kernel steps in
     * the same k order whichever block holds its row.
     */
    static int rowBlocks(int m, boolean parallel, Sizes s) {
        int panels = (m + s.mr() - 1) / s.mr();
        int perBlock = Math.max(1, s.mc() / s.mr());
        int blocks = (panels + perBlock - 1) / perBlock;
        if (parallel) {
            int threads = Parallel.threads();
            blocks = Math.max(blocks, Math.min(panels, 4 * threads));
            blocks = Math.max(blocks, Math.min(panels / MIN_BLOCK_PANELS, BLOCKS_PER_THREAD * threads));
            blocks = (blocks + threads - 1) / threads * threads;
        }
        return Math.min(blocks, panels);
    }

    /**
     * Row blocks per thread that a large product is cut into at least (each block one unit that a
     * free thread claims, {@link Parallel#forEach}), so that a thread which starts late or loses its
     * core for a while leaves at most a small block for the end: 1024 rows on two threads make 16
     * blocks of 10 or 11 six-row panels (about 0.7 ms of one core each) where they made 12, taken
     * two at a time (six units of 1.8 ms).
     */
    static final int BLOCKS_PER_THREAD = 8;

    /**
     * Micro-panels per row block at least when blocks are added for {@link #BLOCKS_PER_THREAD}: a B
     * panel loaded from L3 is reused by every micro-panel of the block (the 6×32 kernel over a B
     * block from L3 ran at the same rate with 7 micro-panels per block as with 15 on the Zen 5 VM,
     * and 4% lower with 4).
     */
    static final int MIN_BLOCK_PANELS = 4;

    /** Multiply-adds of one column block from which its packing and products are split across threads. */
    static final long SPLIT = 1L << 22;

    /** Elements of packed B at most per column block when all of K is packed at once. */
    static final int B_BLOCK = 1 << 20;

    /**
     * {@code C[M, N] += A[M, K]·B[K, N]} for batch {@code t}, C row-major from {@code cOff}.
     *
     * <p>Per block of columns, all of K is packed at once (every k block's panels, the threads
     * sharing the packing), then each thread takes whole row blocks and runs every k block of them:
     * two hand-offs between threads per column block (a single column block while B has at most
     * {@link #B_BLOCK} elements, as at 1024²), where packing one k block at a time took two per k
     * block (four for a 1024³ product in float32), each a helper's wake-up and a wait at the end.
     */
    static void run(
            int m, int n, int k, int t, int cOff, boolean parallel, DotGeneral.BlockDone done, Sizes s, Typed typed) {
        int mr = s.mr();
        int nr = s.nr();
        int mPanels = (m + mr - 1) / mr;
        int mBlocks = rowBlocks(m, parallel, s);
        int rowBlock = Math.min(m, (mPanels + mBlocks - 1) / mBlocks * mr);
        int donePanels = s.donePanels();
        int kBlocks = (k + s.kc() - 1) / s.kc();
        // columns per block: all of K packed at once, at most B_BLOCK elements
        int ncMax = Math.max(nr, Math.min(s.nc(), B_BLOCK / Math.max(1, k) / nr * nr));
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            int panels = (nc + nr - 1) / nr;
            int jc0 = jc;
            // k block pc's panels start at pc·panels·nr; panel q of it at that + q·nr·kc
            typed.newBPack(panels * nr * k);
            long work = (long) k * nc * Math.min(m, rowBlock);
            // below about 2^22 multiply-adds (40 µs on one thread) the helper's wake-up and the two
            // waits cost what the second thread saves: the 32×256×256 products of a batch-32 RNN
            // step took 30 µs on one thread and 30 on two (fastest of many, 2-core Zen 5 VM), and on
            // a busy machine the waits grow while the work does not
            boolean split = parallel && work * mBlocks >= SPLIT;
            Parallel.forRange(kBlocks * panels, split ? 4 : kBlocks * panels + 1, 1, (lo, hi) -> {
                // the chunk's panels, a k block at a time
                for (int u = lo; u < hi; ) {
                    int kb = u / panels;
                    int end = Math.min(hi, (kb + 1) * panels);
                    int pc = kb * s.kc();
                    typed.packPanels(
                            pc, Math.min(s.kc(), k - pc), jc0, nc, u % panels, end - kb * panels, pc * panels * nr);
                    u = end;
                }
            });
            // units: (row block, group of panels); several groups only when row blocks are too few
            int groups = split && mBlocks < 2 * Parallel.threads() ? Math.min(panels, 2 * Parallel.threads()) : 1;
            int units = mBlocks * groups;
            Parallel.Range compute = (lo, hi) -> {
                for (int u = lo; u < hi; u++) {
                    int b = u / groups;
                    int ic = (int) ((long) mPanels * b / mBlocks) * mr;
                    int mc = Math.min(m, (int) ((long) mPanels * (b + 1) / mBlocks) * mr) - ic;
                    int g = u % groups;
                    int q0 = (int) ((long) panels * g / groups);
                    int q1 = (int) ((long) panels * (g + 1) / groups);
                    for (int pc = 0; pc < k; pc += s.kc()) {
                        int kc = Math.min(s.kc(), k - pc);
                        boolean last = pc + kc == k;
                        Object aPack = typed.packA(ic, mc, pc, kc);
                        int bBlock = pc * panels * nr;
                        for (int qa = q0; qa < q1; qa += donePanels) {
                            int qb = Math.min(q1, qa + donePanels);
                            for (int q = qa; q < qb; q++) {
                                int j = jc0 + q * nr;
                                int cols = Math.min(nr, n - j);
                                int bAt = bBlock + q * nr * kc;
                                for (int ir = 0; ir < mc; ir += mr) {
                                    typed.tile(
                                            aPack,
                                            pc,
                                            kc,
                                            ic + ir,
                                            ir * kc,
                                            bAt,
                                            cOff + (ic + ir) * n + j,
                                            Math.min(mr, mc - ir),
                                            cols);
                                }
                            }
                            if (last && done != null) {
                                int j0 = jc0 + qa * nr;
                                done.block(t, ic, mc, j0, Math.min(n, jc0 + qb * nr) - j0);
                            }
                        }
                    }
                }
            };
            if (split) {
                Parallel.forEach(units, compute);
            } else {
                compute.run(0, units);
            }
        }
    }

    /**
     * Bytes of packed B per column group at most in {@link #runByColumns}: the group's k block stays
     * in L2 (1 MiB per core on Zen 5, 2 MiB on Sapphire Rapids) beside the A rows streaming past.
     */
    static final int GROUP_BYTES = 256 << 10;

    /**
     * {@code C[M, N] += A[M, K]·B[K, N]} for batch {@code t} with A read in place, split by groups
     * of column panels: each unit (a group of at most {@link #GROUP_BYTES} of packed B per k block)
     * is claimed by a free thread, which packs its own group's B, k block by k block, into its own
     * buffer (so it is in that thread's L2 when the tiles read it) and runs every row of C against
     * it, a block of rows at a time (its A rows in L2), B panel by B panel (from L1 where a panel fits).
     * There is one hand-off between threads per product (no barrier between packing and products,
     * as {@link #run}, whose shared packed B is read by every row block from L3, needs), and every
     * element of C takes the same micro-kernel steps in the same k order as in {@link #run} and
     * whatever the thread count.
     */
    static void runByColumns(
            int m, int n, int k, int t, int cOff, boolean parallel, DotGeneral.BlockDone done, Sizes s, Typed typed) {
        int mr = s.mr();
        int nr = s.nr();
        int panels = (n + nr - 1) / nr;
        int kcMax = Math.min(s.kc(), k);
        // panels per group: the group's k block within GROUP_BYTES, and for a split product at least
        // four units per thread where there are panels enough
        int width = Math.max(1, Math.min(panels, GROUP_BYTES / (4 * nr * kcMax)));
        boolean split = parallel && (long) m * n * k >= SPLIT;
        if (split) {
            width = Math.max(1, Math.min(width, panels / (4 * Parallel.threads())));
        }
        int units = (panels + width - 1) / width;
        int w = width;
        int mc = Math.max(mr, s.mc() / mr * mr);
        Parallel.Range compute = (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int j0 = u * w * nr;
                int cols = Math.min(n, j0 + w * nr) - j0;
                int groupPanels = (cols + nr - 1) / nr;
                Object group = null;
                for (int pc = 0; pc < k; pc += s.kc()) {
                    int kc = Math.min(s.kc(), k - pc);
                    boolean last = pc + kc == k;
                    group = typed.packGroup(group, groupPanels * nr * kcMax, pc, kc, j0, cols);
                    for (int ic = 0; ic < m; ic += mc) {
                        int rows = Math.min(mc, m - ic);
                        // a B panel (32 KiB for 512-bit vectors and k blocks of 256) reused from L1
                        // across the block's rows, the block's A rows from L2: with the panels
                        // inside, pv of attention (256x256 by 256x64) took a fifth longer
                        for (int q = 0; q < groupPanels; q++) {
                            int j = j0 + q * nr;
                            int cols1 = Math.min(nr, n - j);
                            for (int ir = 0; ir < rows; ir += mr) {
                                int row = ic + ir;
                                typed.tileGroup(
                                        group,
                                        pc,
                                        kc,
                                        row,
                                        q * nr * kc,
                                        cOff + row * n + j,
                                        Math.min(mr, rows - ir),
                                        cols1);
                            }
                        }
                        if (last && done != null) {
                            done.block(t, ic, rows, j0, cols);
                        }
                    }
                }
                typed.releaseGroup(group);
            }
        };
        if (split) {
            Parallel.forEach(units, compute);
        } else {
            compute.run(0, units);
        }
    }

    /** Products per batch below which whole batches go to threads (each packs its own operands in its own cache). */
    static final long BATCH_SPLIT = 1L << 24;

    /**
     * Whether a batched product runs whole batches on each thread (no barriers, no shared packing)
     * rather than the batches one after another, each split across the threads: when the batches
     * are not large and share out evenly, or nearly (at least two per thread). Batched attention
     * (16 heads of 256×64 by 64×256, 2^22 products each) took the other way before, paying a
     * thread hand-off and a barrier per block of every head.
     */
    static boolean splitByBatch(int batch, long perBatch, int threads) {
        if (perBatch >= BATCH_SPLIT || batch < 2) {
            return false;
        }
        return batch >= 2 * threads || (batch >= threads && batch % threads == 0);
    }
}
