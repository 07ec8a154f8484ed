package dev.kiln.cpu;

/**
 * The blocking schedule that {@link MatmulF32} and {@link MatmulF64} share: B packed per (KC × NC)
 * block into NR-column panels, A per row block into MR-row panels, the micro-kernel over every
 * (MR × NR) tile, the work split over threads by row block (or, when row blocks are few, by groups
 * of panels), and {@link DotGeneral.BlockDone} told of each finished block of C. The element type
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

        /** Packs rows {@code [ic, ic + mc)}, columns {@code [pc, pc + kc)} of A into this thread's A buffer, which it returns. */
        Object packA(int ic, int mc, int pc, int kc);

        /**
         * Adds the product of panel {@code aAt} of A buffer {@code aPack} and panel {@code bAt} of the
         * B buffer to the {@code mr × nr} tile of C at {@code cAt}.
         */
        void tile(Object aPack, int kc, int aAt, int bAt, int cAt, int mr, int nr);
    }

    /**
     * Rows per A block: at most {@code mc}, and for a matmul split across threads, as many blocks as
     * a multiple of the thread count, so no thread is left with one block more than the others (1024
     * rows in blocks of 96 are 11 blocks, 6 for one thread and 5 for the other; in 12 blocks of 86
     * rounded up to whole micro-tiles, 6 each).
     */
    static int rowBlock(int m, boolean parallel, Sizes s) {
        int blocks = (m + s.mc() - 1) / s.mc();
        if (!parallel || blocks < 2) {
            return s.mc();
        }
        blocks = (blocks + Parallel.threads() - 1) / Parallel.threads() * Parallel.threads();
        int rows = (m + blocks - 1) / blocks;
        return Math.min(s.mc(), (rows + s.mr() - 1) / s.mr() * s.mr());
    }

    /** {@code C[M, N] += A[M, K]·B[K, N]} for batch {@code t}, C row-major from {@code cOff}. */
    static void run(
            int m, int n, int k, int t, int cOff, boolean parallel, DotGeneral.BlockDone done, Sizes s, Typed typed) {
        int mr = s.mr();
        int nr = s.nr();
        int rowBlock = rowBlock(m, parallel, s);
        int mBlocks = (m + rowBlock - 1) / rowBlock;
        int donePanels = s.donePanels();
        for (int jc = 0; jc < n; jc += s.nc()) {
            int nc = Math.min(s.nc(), n - jc);
            int panels = (nc + nr - 1) / nr;
            typed.newBPack(panels * nr * Math.min(s.kc(), k));
            for (int pc = 0; pc < k; pc += s.kc()) {
                int kc = Math.min(s.kc(), k - pc);
                int jc0 = jc;
                int pc0 = pc;
                boolean last = pc + kc == k;
                long work = (long) kc * nc * Math.min(m, rowBlock);
                boolean split = parallel && work * mBlocks >= (1L << 20);
                // pack B: panel q holds columns jc + q·NR … as kc rows of NR elements
                Parallel.forRange(panels, split ? 4 : panels + 1, 1, (lo, hi) -> {
                    for (int q = lo; q < hi; q++) {
                        typed.packB(pc0, kc, jc0 + q * nr, Math.min(nr, nc - q * nr), q * nr * kc);
                    }
                });
                // units: (row block, group of panels); several groups only when row blocks are too few
                int groups = split && mBlocks < 2 * Parallel.threads() ? Math.min(panels, 2 * Parallel.threads()) : 1;
                int units = mBlocks * groups;
                Parallel.forRange(units, split ? 1 : units + 1, 1, (lo, hi) -> {
                    for (int u = lo; u < hi; u++) {
                        int ic = u / groups * rowBlock;
                        int g = u % groups;
                        int mc = Math.min(rowBlock, m - ic);
                        Object aPack = typed.packA(ic, mc, pc0, kc);
                        int q0 = (int) ((long) panels * g / groups);
                        int q1 = (int) ((long) panels * (g + 1) / groups);
                        for (int qa = q0; qa < q1; qa += donePanels) {
                            int qb = Math.min(q1, qa + donePanels);
                            for (int q = qa; q < qb; q++) {
                                int j = jc0 + q * nr;
                                int cols = Math.min(nr, n - j);
                                for (int ir = 0; ir < mc; ir += mr) {
                                    typed.tile(
                                            aPack,
                                            kc,
                                            ir * kc,
                                            q * nr * kc,
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
                });
            }
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
