package dev.kiln.cpu.codegen;

import dev.kiln.spi.Buffer;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.KernelGroup;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link KernelGroup} run a block of rows at a time: each thread takes a range of rows and, for
 * every block of them small enough to stay in cache, runs each kernel of the group over the block in
 * turn. A row softmax then reads its input from memory once (the maxima pass brings each block into
 * cache, the exponentials pass and the quotients pass find it there) instead of once per kernel.
 *
 * <p>How big a block: every kernel call has a fixed cost (the generated method's set-up, its loops'
 * entries and exits), so small blocks pay it more often, while a block that fits in L1 lets the
 * later passes read from L1 and gives the hardware prefetcher the compute of one row to fetch the
 * next. Measured on 4096×1024 float32 (one thread, CPU time, 300 calls each way, session 27): when a
 * kernel of the group computes a transcendental per point (softmax's exponentials) the work per row
 * is large enough and L1-sized blocks win (jitted softmax 3.17–3.27 ms against 3.44–3.65 ms with
 * L2-sized blocks); when every kernel is cheap (layer norm) the call cost wins and L2-sized blocks
 * are faster (2.79–2.83 ms against 3.05–3.16 ms with one row a block).
 *
 * <p>That call cost was partly the call itself: the block loop's one call site of {@link
 * KernelBody}, shared by every group in the process, dispatches through the interface. A group of
 * two to four members therefore runs through a driver of its own ({@link RowDriver3} and its like,
 * defined again as a hidden class per group, so that its calls each see one generated class and are
 * direct), in L1-sized steps whatever its kernels: faster for softmax and layer norm alike (session
 * 28, {@code RowDriverTiming}, docs/architecture.md).
 */
final class RowGroupKernel implements CompiledKernel {
    /** Bytes of rows one block may touch when every kernel is cheap: about a quarter of a core's L2. */
    static final long BLOCK_BYTES = 256 << 10;

    /**
     * Bytes of rows one block may touch when a kernel computes a transcendental per point: inside a
     * core's L1 data cache (32 KB or more on current x86 parts), one 1024-float softmax row.
     */
    static final long HEAVY_BLOCK_BYTES = 24 << 10;

    /**
     * Bytes of a member's outputs from which allocating them (the JVM zeroes a new array on the
     * allocating thread, about 0.65 ms for 16 MB) overlaps with the group's earlier members running
     * ahead on the other threads: well above what a thread-local allocation buffer takes.
     */
    static final long OVERLAP_BYTES = 1 << 20;

    /** {@link #overlapMode}'s default, which tests restore. */
    static final int DEFAULT_OVERLAP = 0;

    /**
     * Overlapping allocation with the earlier members: -1 never ({@code kiln.cpu.row-overlap=false}),
     * 0 from {@link #OVERLAP_BYTES} (the default: 2-6% less wall time on an idle 2-core machine, 2-4%
     * more CPU, see docs/architecture.md), 1 whenever a later member allocates more than one value per
     * row (tests); read at every run.
     */
    static volatile int overlapMode = DEFAULT_OVERLAP;

    /** Rows the last overlapped run did ahead (timing diagnostics). */
    static volatile int rowsAhead;

    /** Whether groups of 2 to 4 kernels run through a {@link RowDriver3}-like driver of their own (tests, timing). */
    static volatile boolean useDriver = true;

    /** Bytes per block for every group when positive (timing comparisons only), read at every run. */
    static volatile long blockBytesOverride = 0;

    private final KernelGroup group;
    /** The value computed once (its group is {@link #group}), or null. */
    private final SharedValue shared;

    private final List<GeneratedKernel> members;
    /** {@link #members} as an array, for the block loop. */
    private final GeneratedKernel[] kernels;

    private final Workers workers;
    private final long bytesPerRow;
    /** Whether a member computes a transcendental per point. */
    private final boolean heavy;

    private final int grainRows;
    /** Per member: bytes of the outputs it allocates (the consumer of a shared value allocates none). */
    private final long[] outputBytes;
    /** Per member: work units of its generated method per row. */
    private final int[] unitsPerRow;

    /**
     * The constructor {@code (GeneratedKernel[], GeneratedKernel.Call[], int[] unitsPerRow, int
     * step)} of this group's own driver class, or null (other member counts, or it could not be defined).
     */
    private final MethodHandle driver;

    private RowGroupKernel(KernelGroup group, SharedValue shared, List<GeneratedKernel> members, Workers workers) {
        this.group = group;
        this.shared = shared;
        this.members = List.copyOf(members);
        this.workers = workers;
        int rows = group.rows();
        long bytesPerRow = 0;
        long pointsPerRow = 0;
        int grain = Integer.MAX_VALUE;
        boolean anyHeavy = false;
        for (int k = 0; k < members.size(); k++) {
            FusedKernel kernel = group.kernels().get(k);
            for (FusedKernel.Input in : kernel.inputs()) {
                bytesPerRow += (long) in.spec().size() * in.spec().dtype().byteSize() / rows;
            }
            for (FusedKernel.Output o : kernel.outputs()) {
                bytesPerRow += (long) o.spec().size() * o.spec().dtype().byteSize() / rows;
            }
            pointsPerRow += members.get(k).pointsPerRow(rows);
            grain = Math.min(grain, members.get(k).grain());
            anyHeavy |= members.get(k).heavy();
        }
        this.bytesPerRow = Math.max(1, bytesPerRow);
        this.heavy = anyHeavy;
        this.grainRows = (int) Math.clamp(grain / Math.max(1, pointsPerRow), 1, rows);
        this.kernels = members.toArray(GeneratedKernel[]::new);
        this.outputBytes = new long[members.size()];
        for (int k = 0; k < members.size(); k++) {
            List<FusedKernel.Output> outs = group.kernels().get(k).outputs();
            for (int o = 0; o < outs.size(); o++) {
                if (shared == null || k != shared.consumer() || o != shared.output()) {
                    outputBytes[k] += (long) outs.get(o).spec().size()
                            * outs.get(o).spec().dtype().byteSize();
                }
            }
        }
        this.unitsPerRow = new int[members.size()];
        for (int k = 0; k < members.size(); k++) {
            unitsPerRow[k] = members.get(k).unitsPerRow(rows);
        }
        this.driver = defineDriver(members.size());
    }

    private static final MethodType DRIVER = MethodType.methodType(
            Workers.Range.class, GeneratedKernel[].class, GeneratedKernel.Call[].class, int[].class, int.class);

    /** Class bytes of RowDriver2 to RowDriver4, read once; null where unreadable. */
    private static final byte[][] DRIVER_BYTES = driverBytes();

    private static byte[][] driverBytes() {
        byte[][] b = new byte[5][];
        for (int n = 2; n <= 4; n++) {
            try (InputStream in = RowGroupKernel.class.getResourceAsStream("RowDriver" + n + ".class")) {
                b[n] = in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                b[n] = null;
            }
        }
        return b;
    }

    /**
     * A hidden class of its own, made from RowDriver{n}'s bytes, so that its calls of the members'
     * generated methods are profiled for this group alone; null when there is none for {@code n}.
     */
    private static MethodHandle defineDriver(int n) {
        if (n < 2 || n >= DRIVER_BYTES.length || DRIVER_BYTES[n] == null) {
            return null;
        }
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(DRIVER_BYTES[n], true);
            return hidden.findConstructor(
                            hidden.lookupClass(),
                            MethodType.methodType(
                                    void.class,
                                    GeneratedKernel[].class,
                                    GeneratedKernel.Call[].class,
                                    int[].class,
                                    int.class))
                    .asType(DRIVER);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * The group as one kernel when every member compiles to generated code that can run any range
     * of rows and there are rows enough to share out; otherwise the members one after another.
     */
    static CompiledKernel of(KernelGroup group, Function<FusedKernel, CompiledKernel> compile, Workers workers) {
        SharedValue shared = SharedValue.find(group);
        if (shared != null) {
            List<GeneratedKernel> members = generated(shared.group(), compile);
            if (members != null && group.rows() >= 2 * workers.threads()) {
                return new RowGroupKernel(shared.group(), shared, members, workers);
            }
        }
        List<CompiledKernel> compiled = group.kernels().stream().map(compile).toList();
        List<GeneratedKernel> members = generated(compiled);
        if (members == null || group.rows() < 2 * workers.threads()) {
            return group.inSequence(compiled);
        }
        return new RowGroupKernel(group, null, members, workers);
    }

    private static List<GeneratedKernel> generated(KernelGroup group, Function<FusedKernel, CompiledKernel> compile) {
        return generated(group.kernels().stream().map(compile).toList());
    }

    /** The kernels as generated code that can run any range of rows, or null when one is not. */
    private static List<GeneratedKernel> generated(List<CompiledKernel> compiled) {
        List<GeneratedKernel> members = new ArrayList<>(compiled.size());
        for (CompiledKernel c : compiled) {
            if (!(c instanceof GeneratedKernel g && g.rowSplittable())) {
                return null;
            }
            members.add(g);
        }
        return members;
    }

    @Override
    public List<Buffer> run(List<Buffer> inputs) {
        GeneratedKernel.Call[] bound = new GeneratedKernel.Call[kernels.length];
        List<Buffer> results = new ArrayList<>(group.results());
        int rows = group.rows();
        int block = block();
        int ahead = overlapFrom();
        if (ahead <= 0 || workers.threads() < 2) {
            bindMembers(inputs, bound, results, 0, kernels.length);
            MethodHandle d = useDriver ? driver : null;
            if (d != null) {
                Workers.Range steps;
                try {
                    steps = (Workers.Range) d.invokeExact(kernels, bound, unitsPerRow, step());
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
                workers.forRange(rows, grainRows, 1, steps);
                return results;
            }
            workers.forRange(rows, grainRows, 1, (lo, hi) -> runBlocks(bound, block, 0, lo, hi));
            return results;
        }
        // Members [0, ahead) allocate only small outputs (row statistics); the rest allocate the large
        // ones, which the JVM zeroes on this thread. Meanwhile the other threads run the first members
        // over leading blocks of rows, until the allocation is done.
        bindMembers(inputs, bound, results, 0, ahead);
        int blocks = (rows + block - 1) / block;
        java.util.concurrent.atomic.AtomicInteger claimed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean allocated = new java.util.concurrent.atomic.AtomicBoolean();
        workers.alongside(
                () -> {
                    try {
                        bindMembers(inputs, bound, results, ahead, kernels.length);
                    } finally {
                        allocated.set(true);
                    }
                },
                () -> {
                    int b;
                    while (!allocated.get() && (b = claimed.getAndIncrement()) < blocks) {
                        int r = b * block;
                        int end = Math.min(rows, r + block);
                        for (int k = 0; k < ahead; k++) {
                            kernels[k].runRows(bound[k], unitsPerRow[k], r, end);
                        }
                    }
                });
        // every block below claimed ran its first members (alongside waits for the helpers that started)
        int done = (int) Math.min(rows, (long) Math.min(claimed.get(), blocks) * block);
        rowsAhead = done;
        workers.forRange(rows, grainRows, 1, (lo, hi) -> {
            if (hi <= done) {
                runBlocks(bound, block, ahead, lo, hi);
            } else if (lo >= done) {
                runBlocks(bound, block, 0, lo, hi);
            } else {
                runBlocks(bound, block, ahead, lo, done);
                runBlocks(bound, block, 0, done, hi);
            }
        });
        return results;
    }

    /** Members {@code [from, n)} over rows {@code [lo, hi)}, a block of rows at a time. */
    private void runBlocks(GeneratedKernel.Call[] bound, int block, int from, int lo, int hi) {
        for (int r = lo; r < hi; r += block) {
            int end = Math.min(hi, r + block);
            for (int k = from; k < kernels.length; k++) {
                kernels[k].runRows(bound[k], unitsPerRow[k], r, end);
            }
        }
    }

    /**
     * Binds members {@code [from, to)} (the earlier ones bound already), allocating their outputs, and
     * adds their results of the group to {@code results} in member order.
     */
    private void bindMembers(
            List<Buffer> inputs, GeneratedKernel.Call[] bound, List<Buffer> results, int from, int to) {
        for (int k = from; k < to; k++) {
            List<Buffer> args = new ArrayList<>();
            for (KernelGroup.Source s : group.wiring().get(k)) {
                args.add(
                        switch (s) {
                            case KernelGroup.Source.Input g -> inputs.get(g.index());
                            case KernelGroup.Source.Output o ->
                                bound[o.kernel()].results().get(o.output());
                        });
            }
            GeneratedKernel.Call call;
            if (shared != null && k == shared.consumer()) {
                // the output is written over the shared value, its last input, point by point
                call = members.get(k).bind(args, shared.output(), args.getLast());
            } else {
                call = members.get(k).bind(args);
            }
            bound[k] = call;
            List<Buffer> out = call.results();
            // the producer's last output is the shared value, not a result of the original group
            results.addAll(shared != null && k == shared.producer() ? out.subList(0, out.size() - 1) : out);
        }
    }

    /**
     * The first member whose outputs take {@link #OVERLAP_BYTES} or more and more than one value per
     * row (row statistics are small), when it is not the first ({@link #overlapMode} may force or
     * forbid); 0 when allocating runs before all the work.
     */
    private int overlapFrom() {
        int mode = overlapMode;
        if (mode < 0) {
            return 0;
        }
        long threshold = Math.max(mode > 0 ? 0 : OVERLAP_BYTES, 8L * group.rows() + 1);
        for (int k = 0; k < kernels.length; k++) {
            if (outputBytes[k] >= threshold) {
                return k;
            }
        }
        return 0;
    }

    /** Rows per step of the driver: as many as fit in {@link #HEAVY_BLOCK_BYTES} (L1), at least one. */
    private int step() {
        long override = blockBytesOverride;
        long bytes = override > 0 ? override : HEAVY_BLOCK_BYTES;
        return (int) Math.clamp(bytes / bytesPerRow, 1, group.rows());
    }

    /** Rows per block: as many as fit in the block's bytes, at least one. */
    private int block() {
        long override = blockBytesOverride;
        long bytes = override > 0 ? override : heavy ? HEAVY_BLOCK_BYTES : BLOCK_BYTES;
        return (int) Math.clamp(bytes / bytesPerRow, 1, group.rows());
    }

    @Override
    public String toString() {
        boolean driven = driver != null && useDriver;
        return "row group of " + members.size() + " generated kernels over " + group.rows() + " rows, "
                + (driven ? "its own driver, steps of " + step() : "blocks of " + block()) + " rows"
                + (shared == null
                        ? ""
                        : ", kernel " + shared.producer() + " computing a value of kernel " + shared.consumer()
                                + " once");
    }
}
