package dev.kiln.opencl;

import dev.kiln.DType;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.FusedKernel.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link FusedKernel} with an elementwise or reduction root as one OpenCL C kernel: one
 * work item per output point, which walks the reduced axes (if any) evaluating the inner nodes,
 * folding the reductions and storing the inner outputs, then evaluates the epilogue and stores its
 * outputs. The source depends only on the kernel's structure (rank, dtypes, nodes, which axes are
 * reduced): the space, every index map (offset and strides) and the literals are kernel arguments,
 * so one build serves every shape and every constant of a structure.
 *
 * <p>Kernels it cannot write (a matmul root without the tiled product, a reducer on a dtype it does
 * not take) are reported with
 * {@link Unsupported}, and the backend runs them op by op.
 */
final class FusedRenderer {
    /** A kernel this renderer does not write. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The rendered kernel: its source, the int table of the space and the index maps ({@code [space…,
     * then offset and strides of each input, output and iota]}), the literals as bits, and the
     * number of work items (output points).
     */
    record Rendered(
            String source,
            int[] table,
            long[] literals,
            int points,
            String groupSource,
            List<String> accs,
            String vectorSource) {
        Rendered(String source, int[] table, long[] literals, int points) {
            this(source, table, literals, points, null, List.of(), null);
        }

        Rendered(String source, int[] table, long[] literals, int points, String groupSource, List<String> accs) {
            this(source, table, literals, points, groupSource, accs, null);
        }
    }

    /**
     * The number of consecutive elements each work item of an elementwise kernel's vector variant
     * ({@code kv}) computes, in OpenCL C vector types: PoCL compiles the scalar kernel's work-item
     * loop without SIMD around a call to a math built-in (float32 {@code tanh(x + y*z)*0.5 + x} over
     * 16M elements: 75-100 ms scalar, 51 with float4, 26 with float8, 11 with float16, on a 2-core
     * AVX-512 machine), while the built-ins' vector forms are SIMD.
     */
    static final int VECTOR = 16;

    /** The work-group size of the rendered work-group reductions ({@link #groupSource}). */
    static int groupSize(ClDevice device) {
        return Math.abs(groupArgument(device));
    }

    /** The group argument of {@link #render(FusedKernel, boolean, int)} for a device. */
    static int groupArgument(ClDevice device) {
        int size = groupSize0(device);
        return device.isGpu() ? size : -size;
    }

    private static int groupSize0(ClDevice device) {
        return (int) Long.highestOneBit(Math.max(1, Math.min(device.isGpu() ? 256 : 64, device.maxWorkGroupSize())));
    }

    private FusedRenderer() {}

    static Rendered render(FusedKernel k, boolean fp64) {
        return render(k, fp64, 64);
    }

    /**
     * As {@link #render(FusedKernel, boolean)}; a reduction kernel also gets {@link
     * Rendered#groupSource}, its work-group variant of {@code group} items (a power of two), and
     * {@link Rendered#accs}, the C types of its accumulators (one per Reduce node, in node order).
     */
    static Rendered render(FusedKernel k, boolean fp64, int group) {
        return render(k, fp64, group, null);
    }

    /**
     * A kernel with a matmul root as the tiled product ({@link Sources#tiledKernel}) of tile sizes
     * {@code tile = {tm, tn, tk, rm, rn}}, whose epilogue runs on each sum of the tile in registers
     * and stores the outputs: one kernel, no intermediate product in memory. The caller checks that
     * the operands' batch, free and contracting indices each reduce to one stride, and passes {@code
     * M, N, K} and those strides after the usual arguments.
     */
    static Rendered renderMatmul(FusedKernel k, boolean fp64, int[] tile) {
        if (!(k.root() instanceof FusedKernel.Root.Matmul)) {
            throw new Unsupported("root " + k.root());
        }
        return render(k, fp64, 64, tile);
    }

    /**
     * The same kernel as the CPU product ({@link Sources#cpuDotKernel}) of parameters {@code p},
     * in its dot-product form or not, with the epilogue on each sum before the store.
     */
    static Rendered renderCpuMatmul(FusedKernel k, boolean fp64, boolean dotForm, int[] p, boolean vectors) {
        if (!(k.root() instanceof FusedKernel.Root.Matmul)) {
            throw new Unsupported("root " + k.root());
        }
        return render(k, fp64, 64, null, dotForm, p, vectors);
    }

    private static Rendered render(FusedKernel k, boolean fp64, int group, int[] tile) {
        return render(k, fp64, group, tile, false, null, false);
    }

    private static Rendered render(
            FusedKernel k, boolean fp64, int group, int[] tile, boolean dotForm, int[] cpuDot, boolean vectors) {
        boolean matmul = k.root() instanceof FusedKernel.Root.Matmul && (tile != null || cpuDot != null);
        if (!(k.root() instanceof FusedKernel.Root.Elementwise)
                && !(k.root() instanceof FusedKernel.Root.Reduce)
                && !matmul) {
            throw new Unsupported("root " + k.root());
        }
        int[] space = k.space();
        int[] kept = k.keptAxes();
        int[] reduced = k.reducedAxes();
        List<Integer> table = new ArrayList<>();
        for (int s : space) {
            table.add(s);
        }
        List<Long> literals = new ArrayList<>();
        StringBuilder helpers = new StringBuilder(Sources.header(fp64));
        StringBuilder sig = new StringBuilder("__kernel void k(");
        for (int i = 0; i < k.inputs().size(); i++) {
            FusedKernel.Input in = k.inputs().get(i);
            sig.append("__global const ")
                    .append(Sources.ctype(in.spec().dtype()))
                    .append(" *in")
                    .append(i)
                    .append(", ");
        }
        for (int i = 0; i < k.outputs().size(); i++) {
            FusedKernel.Output out = k.outputs().get(i);
            sig.append("__global ")
                    .append(Sources.ctype(out.spec().dtype()))
                    .append(" *out")
                    .append(i)
                    .append(", ");
        }
        sig.append("__global const int *tab, __global const ulong *lit, const int points) {\n");

        StringBuilder body = new StringBuilder();
        body.append("  int g = get_global_id(0);\n  if (g >= points) return;\n");
        // the kept coordinates from the work item's index
        body.append(keptCoordinates(kept));
        Parts parts = parts(k, fp64, matmul, helpers, table, literals, Naming.PLAIN);
        StringBuilder inner = parts.inner;
        StringBuilder epi = parts.epi;
        StringBuilder init = parts.init;
        List<String> accs = parts.accs;
        body.append(init);
        if (matmul) {
            FusedKernel.Root.Matmul mm = (FusedKernel.Root.Matmul) k.root();
            String head = "__kernel void k(";
            String params = sig.substring(head.length(), sig.indexOf("const int points)"));
            String operand = Sources.ctype(k.inputs().get(mm.lhs()).spec().dtype());
            String prelude = "  __global const " + operand + " *lhs = in" + mm.lhs() + ", *rhs = in" + mm.rhs() + ";\n";
            String store = "if (i < M && j < N) {\n    const int g = (b * M + i) * N + j;\n"
                    + productCoordinates(k, mm, kept).replace("\n  ", "\n    ").replaceFirst("^  ", "    ")
                    + zeros(reduced) + epi + "    }";
            String vectorStore = cpuDot != null && !dotForm && vectors
                    ? vectorEpilogue(k, mm, kept, fp64, cpuDot[0], helpers)
                    : null;
            String src = cpuDot != null
                    ? Sources.cpuDotKernel(
                            k.inputs().get(mm.lhs()).spec().dtype(),
                            helpers.toString(),
                            params,
                            prelude,
                            store,
                            vectorStore,
                            dotForm,
                            cpuDot)
                    : Sources.tiledKernel(
                            k.inputs().get(mm.lhs()).spec().dtype(),
                            helpers.toString(),
                            params,
                            prelude,
                            store,
                            tile[0],
                            tile[1],
                            tile[2],
                            tile[3],
                            tile[4]);
            return new Rendered(src, toArray(table), toLongs(literals), pointsOf(space, kept));
        }
        if (reduced.length > 0) {
            String coords = reducedCoordinates(reduced);
            body.append("  for (int j = 0; j < m_red; j++) {\n").append(coords);
            body.append(inner).append("  }\n");
            body.append("  {\n");
            String zeros = zeros(reduced);
            body.append(zeros); // epilogue maps are 0 along reduced axes
            body.append(epi).append("  }\n");
            String reduceSig = sig.toString().replace("const int points)", "const int points, const int m_red)");
            String src = helpers + reduceSig + body + "}\n";
            String groupSig = sig.toString()
                    .replace(
                            "const int points)",
                            "const int points, const int m_red, const int chunks" + parts.parts + ")");
            String groupSrc = groupSource(
                    helpers.toString(),
                    Math.abs(group),
                    group < 0,
                    groupSig,
                    keptCoordinates(kept),
                    init.toString(),
                    parts.locals.toString(),
                    coords,
                    inner.toString(),
                    zeros,
                    epi.toString(),
                    parts.toLocal.toString(),
                    parts.combine.toString(),
                    parts.fromLocal.toString(),
                    parts.toPart.toString(),
                    parts.fromPart.toString());
            return new Rendered(
                    src, toArray(table), toLongs(literals), pointsOf(space, kept), groupSrc, List.copyOf(accs));
        }
        body.append("  {\n").append(inner).append(epi).append("  }\n");
        String src = helpers + sig.toString() + body + "}\n";
        String vector = vectorKernel(k, fp64, VECTOR, sig.toString(), keptCoordinates(kept), inner + "" + epi);
        return new Rendered(
                src,
                toArray(table),
                toLongs(literals),
                pointsOf(space, kept),
                null,
                List.of(),
                vector == null ? null : helpers + vector);
    }

    /**
     * The vector variant {@code kv} of an elementwise kernel whose every map is the space's own
     * row-major order and whose nodes are float loads, literals and operations with a {@link
     * Sources#vectorExpression} (float32 and float64 arithmetic, max, the transcendentals, float
     * conversions), or null for any other: work item {@code i} computes elements {@code [w·i,
     * w·i + w)} in vectors of {@code w} ({@code vload}/{@code vstore}), the last partial block with
     * the scalar nodes ({@code scalar}, which index with {@code g}). Same arguments as {@code k};
     * launched over {@code ceil(points / w)} items. A program of its own ({@link
     * Rendered#vectorSource}, after the same helpers), built at the first launch that uses it.
     */
    static String vectorKernel(FusedKernel k, boolean fp64, int w, String sig, String keptCoords, String scalar) {
        if (!(k.root() instanceof FusedKernel.Root.Elementwise)) {
            return null;
        }
        for (FusedKernel.Input in : k.inputs()) {
            if (!flat(in.strides(), in.offset(), k) || !in.spec().dtype().isFloating()) {
                return null;
            }
        }
        for (FusedKernel.Output out : k.outputs()) {
            if (!flat(out.strides(), out.offset(), k)) {
                return null;
            }
        }
        List<Node> nodes = k.nodes();
        StringBuilder fns = new StringBuilder();
        StringBuilder body = new StringBuilder();
        int literal = 0;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!n.dtype().isFloating()) {
                return null;
            }
            String t = Sources.ctype(n.dtype()) + w;
            String v = "v" + i;
            switch (n) {
                case Node.Load l ->
                    body.append("    ")
                            .append(t)
                            .append(' ')
                            .append(v)
                            .append(" = vload")
                            .append(w)
                            .append("(0, in")
                            .append(l.input())
                            .append(" + g0);\n");
                case Node.Literal lit -> {
                    String value = lit.dtype() == DType.FLOAT32
                            ? "as_float((uint) lit[" + literal + "])"
                            : "as_double(lit[" + literal + "])";
                    literal++;
                    body.append("    const ")
                            .append(t)
                            .append(' ')
                            .append(v)
                            .append(" = (")
                            .append(t)
                            .append(") ")
                            .append(value)
                            .append(";\n");
                }
                case Node.Op op -> {
                    int[] a = op.args();
                    DType in = nodes.get(a[0]).dtype();
                    if (!Sources.vectorFunction(fns, "vf" + i, op.op(), op.params(), a.length, in, t, fp64, w)) {
                        return null;
                    }
                    body.append("    ")
                            .append(t)
                            .append(' ')
                            .append(v)
                            .append(" = vf")
                            .append(i)
                            .append("(v")
                            .append(a[0])
                            .append(a.length > 1 ? ", v" + a[1] : "")
                            .append(");\n");
                }
                default -> {
                    return null;
                }
            }
        }
        for (int o = 0; o < k.outputs().size(); o++) {
            body.append("    vstore")
                    .append(w)
                    .append("(v")
                    .append(k.outputs().get(o).node())
                    .append(", 0, out")
                    .append(o)
                    .append(" + g0);\n");
        }
        return fns + sig.replace("__kernel void k(", "__kernel void kv(")
                + "  const int g0 = get_global_id(0) * " + w + ";\n"
                + "  if (g0 + " + w + " <= points) {\n" + body + "    return;\n  }\n"
                + "  for (int g = g0; g < points; g++) {\n"
                + keptCoords.replace("\n  ", "\n    ").replaceFirst("^  ", "    ")
                + "  {\n" + scalar + "  }\n  }\n}\n";
    }

    /**
     * How a kernel's rendered nodes name what they touch: {@link #PLAIN} for a kernel of its own
     * (inputs {@code in<i>}, outputs {@code out<o>}); a member of a row group ({@link
     * RowGroupRenderer}) prefixes its helper functions and local arrays and may read and write local
     * memory instead.
     */
    interface Naming {
        Naming PLAIN = new Naming() {};

        /** Prepended to the names of helper functions and local arrays. */
        default String prefix() {
            return "";
        }

        /** The expression loading input {@code input} at element {@code index}. */
        default String load(int input, String index, boolean inner) {
            return "in" + input + "[" + index + "]";
        }

        /** The statement storing {@code value} as output {@code output} at element {@code index}. */
        default String store(int output, String index, String value, boolean inner) {
            return "out" + output + "[" + index + "] = " + value + ";";
        }
    }

    /**
     * A kernel's nodes as C: {@code inner} (per point of the reduced loop: inner nodes, folds, inner
     * stores), {@code epi} (per output point: epilogue nodes and stores), {@code init} (accumulators),
     * and for the work-group variants the local arrays, the steps that combine them and the partial
     * results; {@code accs} are the accumulators' C types, one per Reduce node.
     */
    static final class Parts {
        final StringBuilder inner = new StringBuilder();
        final StringBuilder epi = new StringBuilder();
        final StringBuilder init = new StringBuilder();
        final StringBuilder toLocal = new StringBuilder();
        final StringBuilder combine = new StringBuilder();
        final StringBuilder fromLocal = new StringBuilder();
        final StringBuilder toPart = new StringBuilder();
        final StringBuilder fromPart = new StringBuilder();
        final StringBuilder locals = new StringBuilder();
        final StringBuilder parts = new StringBuilder();
        final List<String> accs = new ArrayList<>();
    }

    /**
     * Renders {@code k}'s nodes and stores, appending its index maps (offset, then strides; inputs,
     * outputs, then iotas in node order) to {@code table}, its literals to {@code literals} and its
     * helper functions to {@code helpers}. The caller has placed the space's sizes in the table.
     */
    static Parts parts(
            FusedKernel k,
            boolean fp64,
            boolean matmul,
            StringBuilder helpers,
            List<Integer> table,
            List<Long> literals,
            Naming naming) {
        // map slots: input i at 'inputMap[i]' in the table
        int[] inputMap = new int[k.inputs().size()];
        for (int i = 0; i < inputMap.length; i++) {
            inputMap[i] = table.size();
            FusedKernel.Input in = k.inputs().get(i);
            table.add(in.offset());
            for (int s : in.strides()) {
                table.add(s);
            }
        }
        int[] outputMap = new int[k.outputs().size()];
        for (int i = 0; i < outputMap.length; i++) {
            outputMap[i] = table.size();
            FusedKernel.Output o = k.outputs().get(i);
            table.add(o.offset());
            for (int s : o.strides()) {
                table.add(s);
            }
        }
        List<Node> nodes = k.nodes();
        int epilogue = k.epilogueStart();
        Parts out = new Parts();
        // accumulators of the reduce nodes
        StringBuilder inner = out.inner;
        StringBuilder epi = out.epi;
        StringBuilder init = out.init;
        // the work-group variant: each reducer's partial results combined in local memory
        List<String> accs = out.accs;
        StringBuilder toLocal = out.toLocal;
        StringBuilder combine = out.combine;
        StringBuilder fromLocal = out.fromLocal;
        StringBuilder toPart = out.toPart;
        StringBuilder fromPart = out.fromPart;
        StringBuilder locals = out.locals;
        StringBuilder parts = out.parts;
        String pre = naming.prefix();
        int rank = k.rank();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            StringBuilder to = i < epilogue ? inner : epi;
            String t = Sources.ctype(n.dtype());
            String v = "v" + i;
            switch (n) {
                case Node.Load l ->
                    to.append("    ")
                            .append(t)
                            .append(' ')
                            .append(v)
                            .append(" = ")
                            .append(naming.load(
                                    l.input(),
                                    flat(
                                                    k.inputs().get(l.input()).strides(),
                                                    k.inputs().get(l.input()).offset(),
                                                    k)
                                            ? "g"
                                            : offset(inputMap[l.input()], rank),
                                    i < epilogue))
                            .append(";\n");
                case Node.Literal lit -> {
                    int j = literals.size();
                    literals.add(lit.bits());
                    String value =
                            switch (lit.dtype()) {
                                case FLOAT32 -> "as_float((uint) lit[" + j + "])";
                                case FLOAT64 -> "as_double(lit[" + j + "])";
                                case BOOL -> "(uchar) (lit[" + j + "] != 0)";
                                default -> "(" + t + ") lit[" + j + "]";
                            };
                    to.append("    const ")
                            .append(t)
                            .append(' ')
                            .append(v)
                            .append(" = ")
                            .append(value)
                            .append(";\n");
                }
                case Node.Iota io -> {
                    int at = table.size();
                    table.add(io.offset());
                    for (int s : io.strides()) {
                        table.add(s);
                    }
                    String fn =
                            function(helpers, pre + "iota" + i, Sources.conversion(DType.INT64, n.dtype()), t, "long");
                    to.append("    ")
                            .append(t)
                            .append(' ')
                            .append(v)
                            .append(" = ")
                            .append(fn)
                            .append("((long) (")
                            .append(offset(at, rank))
                            .append("));\n");
                }
                case Node.Op op ->
                    to.append("    ")
                            .append(t)
                            .append(' ')
                            .append(v)
                            .append(" = ")
                            .append(opCall(helpers, pre, i, op, nodes, fp64))
                            .append(";\n");
                case Node.Reduce r -> {
                    if (!Sources.isReducer(r.reducer(), r.dtype())) {
                        throw new Unsupported("reducer " + r.reducer() + " on " + r.dtype());
                    }
                    Sources.Fold f = Sources.fold(r.reducer(), r.dtype(), fp64);
                    String acc = f.acc();
                    init.append("  ")
                            .append(acc)
                            .append(" a")
                            .append(i)
                            .append(" = ")
                            .append(f.init())
                            .append(";\n");
                    inner.append("    ").append(f.step("a" + i, "v" + r.arg())).append('\n');
                    int slot = accs.size();
                    accs.add(acc);
                    locals.append("  __local ")
                            .append(acc)
                            .append(" ")
                            .append(pre)
                            .append("s")
                            .append(i)
                            .append("[GS];\n");
                    parts.append(", __global ").append(acc).append(" *part").append(slot);
                    toLocal.append("  ")
                            .append(pre)
                            .append("s")
                            .append(i)
                            .append("[lid] = a")
                            .append(i)
                            .append(";\n");
                    combine.append("      ")
                            .append(f.step(pre + "s" + i + "[lid]", pre + "s" + i + "[lid + h]"))
                            .append('\n');
                    fromLocal
                            .append("    a")
                            .append(i)
                            .append(" = ")
                            .append(pre)
                            .append("s")
                            .append(i)
                            .append("[0];\n");
                    toPart.append("      part")
                            .append(slot)
                            .append("[grp] = ")
                            .append(pre)
                            .append("s")
                            .append(i)
                            .append("[0];\n");
                    fromPart.append("    ")
                            .append(f.step("a" + i, "part" + slot + "[base + j]"))
                            .append('\n');
                    to.append("    ")
                            .append(t)
                            .append(' ')
                            .append(v)
                            .append(" = (")
                            .append(t)
                            .append(") a")
                            .append(i)
                            .append(";\n");
                }
                case Node.DotResult dr -> {
                    if (!matmul) {
                        throw new Unsupported("dot_result");
                    }
                    to.append("    ").append(t).append(' ').append(v).append(" = acc[r][c];\n");
                }
            }
        }
        for (int o = 0; o < k.outputs().size(); o++) {
            FusedKernel.Output output = k.outputs().get(o);
            StringBuilder to = output.node() < epilogue ? inner : epi;
            to.append("    ")
                    .append(naming.store(
                            o,
                            flat(output.strides(), output.offset(), k) ? "g" : offset(outputMap[o], rank),
                            "v" + output.node(),
                            output.node() < epilogue))
                    .append('\n');
        }
        return out;
    }

    /**
     * The work-group variant of a reduction kernel, two kernels in one program. {@code kg}: group
     * {@code grp} reduces chunk {@code grp % chunks} of output {@code grp / chunks}; its items take
     * every {@code GS}-th reduced point of the chunk (evaluating the inner nodes and storing the
     * inner outputs there), then combine their accumulators in local memory in log2(GS) steps. With
     * one chunk, item 0 then evaluates the epilogue and stores the outputs; with several, it stores
     * the group's accumulators in {@code part*}, and {@code k2} (one group per output) reduces the
     * {@code chunks} partial results of each output the same way before the epilogue. Accumulators
     * keep their type across both stages (double for float32 sums where the device has fp64;
     * integer sums on unsigned types, which wrap), so the result is the per-item kernel's up to
     * the order of a float sum's terms.
     */
    private static String groupSource(
            String helpers,
            int group,
            boolean contiguous,
            String sig,
            String keptCoords,
            String init,
            String locals,
            String coords,
            String inner,
            String zeros,
            String epi,
            String toLocal,
            String combine,
            String fromLocal,
            String toPart,
            String fromPart) {
        String tree = "  barrier(CLK_LOCAL_MEM_FENCE);\n"
                + "  for (int h = GS / 2; h > 0; h >>= 1) {\n    if (lid < h) {\n" + combine + "    }\n"
                + "    barrier(CLK_LOCAL_MEM_FENCE);\n  }\n";
        StringBuilder b = new StringBuilder(helpers);
        b.append("#define GS ").append(group).append('\n');
        b.append(sig.replace("__kernel void k(", "__kernel __attribute__((reqd_work_group_size(GS, 1, 1))) void k("));
        b.append(locals);
        b.append("  const int lid = get_local_id(0), grp = get_group_id(0);\n");
        b.append("  const int g = grp / chunks, c = grp % chunks;\n");
        b.append(keptCoords).append(init);
        b.append("  const int per = m_red / chunks + (m_red % chunks != 0), lo = c * per,"
                + " hi = min(m_red, lo + per);\n");
        // a GPU's items read neighbouring elements together; a CPU's item reads a contiguous run
        b.append(
                        contiguous
                                ? "  const int span = (hi - lo + GS - 1) / GS, j0 = lo + lid * span;\n"
                                        + "  for (int j = j0, je = min(hi, j0 + span); j < je; j++) {\n"
                                : "  for (int j = lo + lid; j < hi; j += GS) {\n")
                .append(coords)
                .append(inner)
                .append("  }\n");
        b.append(toLocal).append(tree);
        b.append("  if (lid != 0) return;\n");
        b.append("  if (chunks > 1) {\n").append(toPart).append("    return;\n  }\n");
        b.append("  {\n").append(fromLocal).append(zeros).append(epi).append("  }\n}\n");
        // the second stage
        b.append(sig.replace("__kernel void k(", "__kernel __attribute__((reqd_work_group_size(GS, 1, 1))) void k2("));
        b.append(locals);
        b.append("  const int lid = get_local_id(0), g = get_group_id(0), base = g * chunks;\n");
        b.append(keptCoords).append(init);
        b.append("  for (int j = lid; j < chunks; j += GS) {\n")
                .append(fromPart)
                .append("  }\n");
        b.append(toLocal).append(tree);
        b.append("  if (lid != 0) return;\n");
        b.append("  {\n").append(fromLocal).append(zeros).append(epi).append("  }\n}\n");
        return b.toString();
    }

    /** The kept coordinates {@code p<d>} of output point {@code g}. */
    /**
     * The kept coordinates of a product's output point {@code (b, i, j)}: {@code b}, {@code i} and
     * {@code j} themselves where there is at most one batch, one free {@code lhs} and one free
     * {@code rhs} axis (the space is {@code [batch…, lhs free…, rhs free…, contract…]}), else from the
     * flat index {@code g} (a division and a remainder per axis, for every element stored).
     */
    private static String productCoordinates(FusedKernel k, FusedKernel.Root.Matmul mm, int[] kept) {
        Params.DotGeneral dims = mm.dims();
        int nb = dims.lhsBatch().size();
        int lf =
                k.inputs().get(mm.lhs()).spec().rank() - nb - dims.lhsContract().size();
        int rf =
                k.inputs().get(mm.rhs()).spec().rank() - nb - dims.rhsContract().size();
        if (nb > 1 || lf > 1 || rf > 1 || kept.length != nb + lf + rf) {
            return keptCoordinates(kept);
        }
        for (int a = 0; a < kept.length; a++) {
            if (kept[a] != a) {
                return keptCoordinates(kept);
            }
        }
        StringBuilder b = new StringBuilder();
        String[] names = {"b", "i", "j"};
        int[] counts = {nb, lf, rf};
        int axis = 0;
        for (int part = 0; part < 3; part++) {
            if (counts[part] == 1) {
                b.append("  const int p")
                        .append(axis++)
                        .append(" = ")
                        .append(names[part])
                        .append(";\n");
            }
        }
        return b.toString();
    }

    /**
     * The epilogue of a product in the CPU kernel's row form applied to {@code w} consecutive
     * columns of one row at once ({@code sv}, a vector of sums; the block's row {@code i} and first
     * column {@code jb}), in OpenCL C vector types, or null where it cannot be: more than one batch,
     * lhs free or rhs free axis (none of the last), an epilogue node without a vector form ({@link
     * Sources#vectorExpression}, float conversions), a non-float node. Loads and stores along the
     * columns take a vector where the map's column stride is 1 (0 for a load: one value broadcast),
     * else go lane by lane. PoCL runs the scalar epilogue's loop around a math built-in ({@code
     * tanh(x @ w + b)}'s) without SIMD, the vector forms with.
     */
    private static String vectorEpilogue(
            FusedKernel k, FusedKernel.Root.Matmul mm, int[] kept, boolean fp64, int w, StringBuilder helpers) {
        Params.DotGeneral dims = mm.dims();
        int nb = dims.lhsBatch().size();
        int lf =
                k.inputs().get(mm.lhs()).spec().rank() - nb - dims.lhsContract().size();
        int rf =
                k.inputs().get(mm.rhs()).spec().rank() - nb - dims.rhsContract().size();
        if (nb > 1 || lf > 1 || rf != 1 || kept.length != nb + lf + rf) {
            return null;
        }
        for (int a = 0; a < kept.length; a++) {
            if (kept[a] != a) {
                return null;
            }
        }
        int rank = k.rank();
        int jAxis = nb + lf;
        List<Node> nodes = k.nodes();
        StringBuilder fns = new StringBuilder();
        StringBuilder b = new StringBuilder();
        b.append("      int p").append(jAxis).append(" = jb;\n");
        for (int a = 0; a < nb + lf; a++) {
            b.append("      const int p")
                    .append(a)
                    .append(" = ")
                    .append(a < nb ? "b" : "i")
                    .append(";\n");
        }
        for (int d : k.reducedAxes()) {
            b.append("      const int p").append(d).append(" = 0;\n");
        }
        int literal = 0;
        int inputs = k.inputs().size();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n instanceof Node.Literal && i < k.epilogueStart()) {
                literal++;
                continue;
            }
            if (i < k.epilogueStart()) {
                continue;
            }
            if (!n.dtype().isFloating()) {
                return null;
            }
            String t = Sources.ctype(n.dtype());
            String tv = t + w;
            String v = "u" + i;
            switch (n) {
                case Node.DotResult dr ->
                    b.append("      const ").append(tv).append(' ').append(v).append(" = sv;\n");
                case Node.Literal lit -> {
                    String value = lit.dtype() == DType.FLOAT32
                            ? "as_float((uint) lit[" + literal + "])"
                            : "as_double(lit[" + literal + "])";
                    literal++;
                    b.append("      const ")
                            .append(tv)
                            .append(' ')
                            .append(v)
                            .append(" = (")
                            .append(tv)
                            .append(") ")
                            .append(value)
                            .append(";\n");
                }
                case Node.Load l -> {
                    int at = rank + l.input() * (1 + rank);
                    String base = "in" + l.input() + " + " + offset(at, rank);
                    String st = "tab[" + (at + 1 + jAxis) + "]";
                    b.append("      ").append(tv).append(' ').append(v).append(";\n");
                    b.append("      if (")
                            .append(st)
                            .append(" == 1) ")
                            .append(v)
                            .append(" = vload")
                            .append(w)
                            .append("(0, ")
                            .append(base)
                            .append(");\n");
                    b.append("      else if (")
                            .append(st)
                            .append(" == 0) ")
                            .append(v)
                            .append(" = (")
                            .append(tv)
                            .append(") *(")
                            .append(base)
                            .append(");\n");
                    b.append("      else {\n        ")
                            .append(t)
                            .append(" lanes[")
                            .append(w)
                            .append("];\n");
                    b.append("        for (int l = 0; l < ")
                            .append(w)
                            .append("; l++) lanes[l] = (")
                            .append(base)
                            .append(")[(long) l * ")
                            .append(st)
                            .append("];\n");
                    b.append("        ").append(v).append(" = vload").append(w).append("(0, lanes);\n      }\n");
                }
                case Node.Op op -> {
                    int[] a = op.args();
                    DType in = nodes.get(a[0]).dtype();
                    if (!in.isFloating()) {
                        return null;
                    }
                    if (!Sources.vectorFunction(fns, "ve" + i, op.op(), op.params(), a.length, in, tv, fp64, w)) {
                        return null;
                    }
                    b.append("      const ")
                            .append(tv)
                            .append(' ')
                            .append(v)
                            .append(" = ve")
                            .append(i)
                            .append("(u")
                            .append(a[0])
                            .append(a.length > 1 ? ", u" + a[1] : "")
                            .append(");\n");
                }
                default -> {
                    return null;
                }
            }
        }
        for (int o = 0; o < k.outputs().size(); o++) {
            FusedKernel.Output out = k.outputs().get(o);
            if (out.node() < k.epilogueStart() && !(nodes.get(out.node()) instanceof Node.DotResult)) {
                return null;
            }
            int at = rank + (inputs + o) * (1 + rank);
            String base = "out" + o + " + " + offset(at, rank);
            String st = "tab[" + (at + 1 + jAxis) + "]";
            String val = "u" + out.node();
            if (nodes.get(out.node()) instanceof Node.DotResult && out.node() < k.epilogueStart()) {
                val = "sv";
            }
            b.append("      if (")
                    .append(st)
                    .append(" == 1) vstore")
                    .append(w)
                    .append('(')
                    .append(val)
                    .append(", 0, ")
                    .append(base)
                    .append(");\n");
            b.append("      else {\n        ")
                    .append(Sources.ctype(out.spec().dtype()))
                    .append(" lanes[")
                    .append(w)
                    .append("];\n        vstore")
                    .append(w)
                    .append('(')
                    .append(val)
                    .append(", 0, lanes);\n");
            b.append("        for (int l = 0; l < ")
                    .append(w)
                    .append("; l++) (")
                    .append(base)
                    .append(")[(long) l * ")
                    .append(st)
                    .append("] = lanes[l];\n      }\n");
        }
        helpers.append(fns);
        return b.toString();
    }

    private static String keptCoordinates(int[] kept) {
        return coordinates("g", kept);
    }

    /**
     * The coordinates {@code p<d>}, for each axis {@code d} of {@code axes}, of the point whose flat
     * index is the OpenCL expression {@code index}, from the sizes in the index table.
     */
    static String coordinates(String index, int[] axes) {
        StringBuilder b = new StringBuilder("  int rest = " + index + ";\n");
        for (int i = axes.length - 1; i >= 0; i--) {
            int d = axes[i];
            b.append("  int p")
                    .append(d)
                    .append(" = rest % tab[")
                    .append(d)
                    .append("]; rest /= tab[")
                    .append(d)
                    .append("];\n");
        }
        return b.toString();
    }

    /** The reduced coordinates {@code p<d>} of reduced point {@code j} (j itself for one axis). */
    private static String reducedCoordinates(int[] reduced) {
        if (reduced.length == 1) {
            return "    int p" + reduced[0] + " = j;\n";
        }
        StringBuilder b = new StringBuilder("    int rr = j;\n");
        for (int i = reduced.length - 1; i >= 0; i--) {
            int d = reduced[i];
            b.append("    int p")
                    .append(d)
                    .append(" = rr % tab[")
                    .append(d)
                    .append("]; rr /= tab[")
                    .append(d)
                    .append("];\n");
        }
        return b.toString();
    }

    private static String zeros(int[] reduced) {
        StringBuilder b = new StringBuilder();
        for (int d : reduced) {
            b.append("    const int p").append(d).append(" = 0;\n");
        }
        return b.toString();
    }

    /** Number of elements folded into each output of a reduction kernel. */
    static int reducedCount(FusedKernel k) {
        int m = 1;
        int[] space = k.space();
        for (int d : k.reducedAxes()) {
            m *= space[d];
        }
        return m;
    }

    private static int pointsOf(int[] space, int[] kept) {
        int n = 1;
        for (int d : kept) {
            n *= space[d];
        }
        return n;
    }

    /** {@code tab[at] + Σ tab[at + 1 + d] * p_d}. */
    /**
     * Whether a map of an elementwise kernel is the row-major order of the space itself (offset 0),
     * so that element {@code g} is point {@code g}: such loads and stores index with the work item's
     * number, which lets the device's compiler vectorise them (a computed offset is a gather). Which
     * maps are flat is part of the kernel's structure, so the source still does not depend on sizes.
     */
    private static boolean flat(int[] strides, int offset, FusedKernel k) {
        if (offset != 0 || k.reducedAxes().length > 0 || k.root() instanceof FusedKernel.Root.Matmul) {
            return false;
        }
        int[] space = k.space();
        int s = 1;
        for (int d = space.length - 1; d >= 0; d--) {
            if (space[d] != 1 && strides[d] != s) {
                return false;
            }
            s *= space[d];
        }
        return true;
    }

    private static String offset(int at, int rank) {
        StringBuilder b = new StringBuilder("tab[" + at + "]");
        for (int d = 0; d < rank; d++) {
            b.append(" + tab[").append(at + 1 + d).append("] * p").append(d);
        }
        return b.toString();
    }

    private static String function(StringBuilder helpers, String name, String expr, String out, String... in) {
        helpers.append("inline ").append(out).append(' ').append(name).append('(');
        String[] names = {"x", "y"};
        for (int i = 0; i < in.length; i++) {
            helpers.append(i > 0 ? ", " : "").append(in[i]).append(' ').append(names[i]);
        }
        helpers.append(") { return ").append(expr).append("; }\n");
        return name;
    }

    private static String opCall(StringBuilder helpers, String pre, int i, Node.Op op, List<Node> nodes, boolean fp64) {
        int[] a = op.args();
        DType in = nodes.get(a[0]).dtype();
        String t = Sources.ctype(in);
        String out = Sources.ctype(op.dtype());
        Primitive p = op.op();
        if (p == Primitive.SELECT) {
            return "(v" + a[0] + " ? v" + a[1] + " : v" + a[2] + ")";
        }
        if (p == Primitive.CONVERT) {
            DType to = ((Params.Convert) op.params()).to();
            if (to == in) {
                return "v" + a[0];
            }
            return function(helpers, pre + "f" + i, Sources.conversion(in, to), out, t) + "(v" + a[0] + ")";
        }
        if (p == Primitive.FLOOR && !in.isFloating()) {
            return "v" + a[0];
        }
        String expr = Sources.expression(p, in, fp64);
        if (expr == null) {
            throw new Unsupported(p + " on " + in);
        }
        if (a.length == 1) {
            return function(helpers, pre + "f" + i, expr, out, t) + "(v" + a[0] + ")";
        }
        return function(helpers, pre + "f" + i, expr, out, t, t) + "(v" + a[0] + ", v" + a[1] + ")";
    }

    private static int[] toArray(List<Integer> l) {
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = l.get(i);
        }
        return r;
    }

    private static long[] toLongs(List<Long> l) {
        long[] r = new long[Math.max(1, l.size())];
        for (int i = 0; i < l.size(); i++) {
            r[i] = l.get(i);
        }
        return r;
    }
}
