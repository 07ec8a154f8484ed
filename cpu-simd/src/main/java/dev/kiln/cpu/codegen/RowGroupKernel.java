package dev.kiln.cpu.codegen;

import dev.kiln.spi.Buffer;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.KernelGroup;
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
 */
final class RowGroupKernel implements CompiledKernel {
    /** Bytes of rows one block may touch when every kernel is cheap: about a quarter of a core's L2. */
    static final long BLOCK_BYTES = 256 << 10;

    /**
     * Bytes of rows one block may touch when a kernel computes a transcendental per point: inside a
     * core's L1 data cache (32 KB or more on current x86 parts), one 1024-float softmax row.
     */
    static final long HEAVY_BLOCK_BYTES = 24 << 10;

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
    /** Per member: work units of its generated method per row. */
    private final int[] unitsPerRow;

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
        this.unitsPerRow = new int[members.size()];
        for (int k = 0; k < members.size(); k++) {
            unitsPerRow[k] = members.get(k).unitsPerRow(rows);
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
        List<GeneratedKernel.Call> calls = new ArrayList<>(members.size());
        List<Buffer> results = new ArrayList<>(group.results());
        for (int k = 0; k < members.size(); k++) {
            List<Buffer> args = new ArrayList<>();
            for (KernelGroup.Source s : group.wiring().get(k)) {
                args.add(
                        switch (s) {
                            case KernelGroup.Source.Input g -> inputs.get(g.index());
                            case KernelGroup.Source.Output o ->
                                calls.get(o.kernel()).results().get(o.output());
                        });
            }
            GeneratedKernel.Call call;
            if (shared != null && k == shared.consumer()) {
                // the output is written over the shared value, its last input, point by point
                call = members.get(k).bind(args, shared.output(), args.getLast());
            } else {
                call = members.get(k).bind(args);
            }
            calls.add(call);
            List<Buffer> out = call.results();
            // the producer's last output is the shared value, not a result of the original group
            results.addAll(shared != null && k == shared.producer() ? out.subList(0, out.size() - 1) : out);
        }
        int rows = group.rows();
        int block = block();
        GeneratedKernel.Call[] bound = calls.toArray(GeneratedKernel.Call[]::new);
        workers.forRange(rows, grainRows, 1, (lo, hi) -> {
            for (int r = lo; r < hi; r += block) {
                int end = Math.min(hi, r + block);
                for (int k = 0; k < kernels.length; k++) {
                    kernels[k].runRows(bound[k], unitsPerRow[k], r, end);
                }
            }
        });
        return results;
    }

    /** Rows per block: as many as fit in the block's bytes, at least one. */
    private int block() {
        long override = blockBytesOverride;
        long bytes = override > 0 ? override : heavy ? HEAVY_BLOCK_BYTES : BLOCK_BYTES;
        return (int) Math.clamp(bytes / bytesPerRow, 1, group.rows());
    }

    @Override
    public String toString() {
        return "row group of " + members.size() + " generated kernels over " + group.rows() + " rows, blocks of "
                + block() + " rows"
                + (shared == null
                        ? ""
                        : ", kernel " + shared.producer() + " computing a value of kernel " + shared.consumer()
                                + " once");
    }
}
