package dev.kiln.cpu.codegen;

import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.OutputArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One kernel bound to its generated class: the geometry, iota ramps and gather tables of this
 * kernel's sizes and strides, and the driver that splits the loop nest across cores and, for
 * reductions over the vector axis, combines the per-block partial results.
 */
final class GeneratedKernel implements CompiledKernel {
    /** Reduced points folded in one call (float sums stay in float this long, then go to double). */
    static final int BLOCK = 4096;

    /** Points below which cheap work stays on the calling thread (waking a helper costs tens of µs). */
    private static final int GRAIN = 1 << 18;

    /** The same for work with transcendental functions. */
    private static final int HEAVY_GRAIN = 1 << 14;

    /**
     * Calls the generated {@code reduceRow} once per block instead of once per chunk (the same
     * blocks, the same bits): how it was before session 28, kept for timing tools (SumTiming) that
     * compare the two in one JVM.
     */
    static volatile boolean callPerBlock;

    private final KernelCompiler.Generated generated;
    private final Template template;
    private final LoopNest nest;
    private final int[] geometry;
    private final Object[] ramps;
    private final int[][] gathers;
    private final int inputs;
    private final List<ArraySpec> outputs;
    private final int[] outputMaps;
    private final Primitive[] reducers;
    private final Workers workers;
    private final int grain;

    GeneratedKernel(FusedKernel kernel, Template.Plan plan, KernelCompiler.Generated generated, Workers workers) {
        this.generated = generated;
        this.template = plan.template();
        this.nest = plan.nest();
        this.geometry = plan.geometry();
        this.ramps = plan.ramps();
        this.inputs = kernel.inputs().size();
        this.outputs = kernel.outputs().stream().map(FusedKernel.Output::spec).toList();
        this.outputMaps =
                template.stores().stream().mapToInt(Template.Store::map).toArray();
        this.workers = workers;
        this.grain = plan.heavy() ? HEAVY_GRAIN : GRAIN;
        int lanes = template.lanes().length();
        List<int[]> g = new ArrayList<>();
        for (int m = 0; m < template.maps().size(); m++) {
            if (template.maps().get(m).inner() == Template.Stride.STRIDED) {
                g.add(gatherTable(lanes, nest.innerStrides[m]));
            }
        }
        this.gathers = g.toArray(int[][]::new);
        List<Integer> red = template.reduceNodes();
        this.reducers = new Primitive[red.size()];
        for (int k = 0; k < reducers.length; k++) {
            reducers[k] = ((FusedKernel.Node.Reduce) template.nodes().get(red.get(k))).reducer();
        }
    }

    /**
     * Lane offsets {@code l·stride} for gathers and scatters, in {@code lanes + 1} rows: row {@code
     * c} keeps lanes below {@code c} and sends the others to offset 0, which is in bounds whenever
     * lane 0 is (the Vector API checks masked-off lanes' indices too).
     */
    static int[] gatherTable(int lanes, int stride) {
        int[] t = new int[(lanes + 1) * lanes];
        for (int c = 0; c <= lanes; c++) {
            for (int l = 0; l < c; l++) {
                t[c * lanes + l] = l * stride;
            }
        }
        return t;
    }

    /** The generated class's instance this kernel runs. */
    KernelCompiler.Generated generated() {
        return generated;
    }

    /** Binds the input buffers and allocates the outputs of one call. */
    Call bind(List<Buffer> in) {
        return bind(in, -1, null);
    }

    /**
     * Binds the input buffers and allocates the outputs of one call, except output {@code given}
     * (when not -1), which is written into {@code into}.
     */
    Call bind(List<Buffer> in, int given, Buffer into) {
        if (in.size() != inputs) {
            throw new IllegalArgumentException("kernel takes " + inputs + " buffers, got " + in.size());
        }
        int maps = template.maps().size();
        Object[] a = new Object[maps + gathers.length];
        for (int i = 0; i < inputs; i++) {
            if (!(in.get(i) instanceof HostBuffer h)) {
                throw new IllegalArgumentException("backend 'cpu-simd' was handed a "
                        + in.get(i).getClass().getName()
                        + " from another backend; move the array with Kiln.devicePut(array, backend) first");
            }
            a[i] = h.data();
        }
        System.arraycopy(ramps, 0, a, inputs, ramps.length);
        List<Buffer> result = new ArrayList<>(outputs.size());
        for (int k = 0; k < outputs.size(); k++) {
            // every generated loop nest writes each output point once, so a reused array will do
            HostBuffer out = k == given ? (HostBuffer) into : OutputArrays.allocate(outputs.get(k));
            a[outputMaps[k]] = out.data();
            result.add(out);
        }
        System.arraycopy(gathers, 0, a, maps, gathers.length);
        return new Call(a, result);
    }

    /** One call's arrays: the inputs bound, the outputs allocated ({@code results}, in output order). */
    record Call(Object[] arrays, List<Buffer> results) {}

    /**
     * Whether {@link #runRows} can run any range of this kernel's rows on its own: elementwise
     * kernels, and reductions over trailing axes with a vector of output points per call.
     */
    boolean rowSplittable() {
        return nest.kind == LoopNest.Kind.POINTS || nest.kind == LoopNest.Kind.ROWS;
    }

    /**
     * Runs rows {@code [lo, hi)} of a {@link dev.kiln.spi.KernelGroup}'s rows (the space's leading
     * axes flattened) on the calling thread; {@link #rowSplittable} must hold. {@code per} is {@link
     * #unitsPerRow}, worked out once by the caller: a row group calls this once per kernel and block
     * of rows, thousands of times per run when a block is one row.
     */
    void runRows(Call call, int per, int lo, int hi) {
        if (nest.kind == LoopNest.Kind.POINTS) {
            generated.body().points(call.arrays(), geometry, lo * per, hi * per);
        } else {
            generated.body().rows(call.arrays(), geometry, lo * per, hi * per);
        }
    }

    /** Whether {@link #runRows} calls the generated {@code points} (else {@code rows}). */
    boolean pointsKind() {
        return nest.kind == LoopNest.Kind.POINTS;
    }

    /** The geometry array the generated methods take. */
    int[] geometry() {
        return geometry;
    }

    /** Work units of the generated method (points, or output points of a reduction) per row of {@code rows}. */
    int unitsPerRow(int rows) {
        return nest.kind == LoopNest.Kind.POINTS ? nest.outerCount() * nest.inner / rows : nest.outerCount() / rows;
    }

    /** Points of the space per row of {@code rows}. */
    int pointsPerRow(int rows) {
        return (int) ((long) nest.outerCount() * nest.reducedCount() * nest.inner / rows);
    }

    /** Whether the kernel computes a transcendental function per point (exp, log, tanh, ...). */
    boolean heavy() {
        return grain == HEAVY_GRAIN;
    }

    /** Points below which this kernel's work stays on one thread. */
    int grain() {
        return grain;
    }

    /**
     * Evaluates the points {@code [lo, hi)} of the flattened, row-major space of an elementwise
     * kernel (whose loop nest is always {@link LoopNest.Kind#POINTS}).
     */
    void points(Call call, int lo, int hi) {
        generated.body().points(call.arrays(), geometry, lo, hi);
    }

    @Override
    public List<Buffer> run(List<Buffer> in) {
        Call call = bind(in);
        Object[] a = call.arrays();
        KernelBody body = generated.body();
        switch (nest.kind) {
            case POINTS ->
                workers.forRange(
                        nest.outerCount() * nest.inner, grain, 64, (lo, hi) -> body.points(a, geometry, lo, hi));
            case ROWS -> rows(body, a);
            case COLUMNS -> {
                int width = generated.tile() * template.lanes().length();
                int tiles = (nest.inner + width - 1) / width;
                int perUnit = Math.max(1, nest.reducedCount() * Math.min(width, nest.inner));
                workers.forRange(
                        nest.outerCount() * tiles,
                        Math.max(1, grain / perUnit),
                        1,
                        (lo, hi) -> body.columns(a, geometry, lo, hi));
            }
        }
        return call.results();
    }

    /**
     * Reductions over the vector axis, in blocks of {@link #BLOCK} reduced points whose partial
     * results are combined in block order, so the answer does not depend on the thread count.
     * Many output points: split across cores by output point, each chunk one call of the
     * generated {@code rows}. Few: each one's blocks are split, and combined here.
     */
    private void rows(KernelBody body, Object[] a) {
        int q = nest.outerCount();
        int rn = nest.reducedCount() * nest.inner;
        int nr = reducers.length;
        if (q < workers.threads() && rn >= 2 * grain) {
            int blocks = (rn + BLOCK - 1) / BLOCK;
            double[] partial = new double[blocks * nr];
            double[] total = new double[nr];
            for (int o = 0; o < q; o++) {
                int point = o;
                // one call per chunk (chunks start on a block): the generated method loops over its blocks
                workers.forRange(rn, grain, BLOCK, (lo, hi) -> {
                    if (callPerBlock) {
                        for (int b = lo; b < hi; b += BLOCK) {
                            body.reduceRow(a, geometry, point, b, Math.min(hi, b + BLOCK), partial, b / BLOCK * nr);
                        }
                    } else {
                        body.reduceRow(a, geometry, point, lo, hi, partial, lo / BLOCK * nr);
                    }
                });
                identities(total);
                for (int b = 0; b < blocks; b++) {
                    combine(total, partial, b * nr);
                }
                body.epilogueRow(a, geometry, o, total, 0);
            }
            return;
        }
        workers.forRange(q, Math.max(1, grain / Math.max(1, rn)), 1, (lo, hi) -> body.rows(a, geometry, lo, hi));
    }

    private void identities(double[] total) {
        for (int k = 0; k < total.length; k++) {
            total[k] = switch (reducers[k]) {
                case REDUCE_SUM -> 0;
                case REDUCE_MAX -> Double.NEGATIVE_INFINITY;
                default -> Double.POSITIVE_INFINITY;
            };
        }
    }

    private void combine(double[] total, double[] part, int pos) {
        for (int k = 0; k < total.length; k++) {
            double v = part[pos + k];
            total[k] = switch (reducers[k]) {
                case REDUCE_SUM -> total[k] + v;
                case REDUCE_MAX -> Math.max(total[k], v);
                default -> Math.min(total[k], v);
            };
        }
    }

    @Override
    public String toString() {
        return "generated " + nest.kind + " kernel (" + template.lanes() + ", " + Arrays.toString(nest.outer) + " x "
                + Arrays.toString(nest.reduced) + " x " + nest.inner + ", " + generated.bytecodeSize()
                + " bytes of bytecode in the largest method)";
    }
}
