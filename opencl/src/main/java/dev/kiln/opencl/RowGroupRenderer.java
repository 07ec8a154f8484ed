package dev.kiln.opencl;

import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.KernelGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link KernelGroup} (a row softmax's maxima, exponential sums and quotients; a layer
 * norm's mean, variance and normalisation) as one OpenCL C kernel with one work-group per row. The
 * group's kernels run one after another inside the work-group, as stages separated by barriers:
 * in each stage every item takes its share of the row's points (a contiguous run on a CPU device,
 * every group-size-th point on a GPU, as {@link FusedRenderer}'s work-group reductions do),
 * reductions are combined in local memory as a tree, and item 0 runs the stage's epilogue.
 *
 * <p>What the stages hand each other stays in local memory: per-row values (a maximum, a sum, a
 * mean) are local scalars, and a whole row that several stages read (the input of a softmax, an
 * intermediate a later stage reads back) is copied into a local array by the first stage that reads
 * or writes it, so the row is read from global memory once. Every output is still written to
 * global memory (each is a result of the group). Reads that are not row-contiguous (a broadcast
 * scale, a transposed operand) go to global memory, and every barrier between stages also fences
 * global memory, so a stage may read back any element an earlier stage wrote in its own rows.
 *
 * <p>Groups it does not write are reported with {@link FusedRenderer.Unsupported}: a kernel whose
 * reduction keeps axes besides the row axes, a reducer on a dtype it does not take, or rows whose local
 * arrays do not fit the device's local memory; the backend then runs the kernels one by one.
 */
final class RowGroupRenderer {
    private RowGroupRenderer() {}

    /**
     * The rendered group: its source (kernel {@code rows}), the int table (each kernel's space and
     * row size, then its maps), the literals, the number of rows (work-groups), the byte sizes of the
     * local arrays passed as arguments after the table and literals, and the local memory the kernel
     * uses in all.
     */
    record Rendered(String source, int[] table, long[] literals, int rows, long[] localArrays, long localBytes) {}

    /** An array the stages hand each other in local memory: a whole row ({@code width > 1}) or a per-row scalar. */
    private record Cached(String name, String ctype, int width, int elementBytes) {}

    /**
     * Renders {@code group} for work-groups of {@code |groupArg|} items (a power of two; negative:
     * items take contiguous runs, as on a CPU), on a device with {@code localMemBytes} of local memory.
     *
     * @throws FusedRenderer.Unsupported when the group cannot be written this way
     */
    static Rendered render(KernelGroup group, boolean fp64, int groupArg, long localMemBytes) {
        return render(group, fp64, groupArg, localMemBytes, true);
    }

    /**
     * As {@link #render(KernelGroup, boolean, int, long)}; with {@code vectors}, where items take
     * contiguous runs, each stage whose inner nodes all have vector forms runs its loop over the row
     * {@value #VW} points at a time ({@link #vectorStage}), the rest of the run point by point.
     */
    static Rendered render(KernelGroup group, boolean fp64, int groupArg, long localMemBytes, boolean vectors) {
        int gs = Math.abs(groupArg);
        boolean contiguous = groupArg < 0;
        int rowAxes = group.rowAxes();
        int rows = group.rows();
        List<FusedKernel> kernels = group.kernels();
        int[] width = new int[kernels.size()];
        for (int k = 0; k < kernels.size(); k++) {
            FusedKernel kernel = kernels.get(k);
            if (!(kernel.root() instanceof FusedKernel.Root.Elementwise)
                    && !(kernel.root() instanceof FusedKernel.Root.Reduce)) {
                throw new FusedRenderer.Unsupported("kernel " + k + " has root " + kernel.root());
            }
            int[] space = kernel.space();
            long w = 1;
            for (int d = rowAxes; d < space.length; d++) {
                w *= space[d];
            }
            if (kernel.root() instanceof FusedKernel.Root.Reduce
                    && kernel.reducedAxes().length != space.length - rowAxes) {
                throw new FusedRenderer.Unsupported("kernel " + k + " keeps axes besides the row axes");
            }
            if (w > Integer.MAX_VALUE) {
                throw new FusedRenderer.Unsupported("rows of " + w + " points");
            }
            width[k] = (int) w;
        }

        // which arrays stay in local memory: key "in<g>" for group input g, "o<k>_<q>" for output q of kernel k
        Map<String, Integer> readers = new HashMap<>(); // how many stages read the array
        Map<String, Boolean> contiguousOnly = new HashMap<>();
        Map<String, ArraySpec> specs = new HashMap<>();
        for (int k = 0; k < kernels.size(); k++) {
            FusedKernel kernel = kernels.get(k);
            for (int q = 0; q < kernel.outputs().size(); q++) {
                FusedKernel.Output o = kernel.outputs().get(q);
                String key = "o" + k + "_" + q;
                specs.put(key, o.spec());
                boolean innerStore = o.node() < kernel.epilogueStart();
                contiguousOnly.put(
                        key,
                        innerStore && rowContiguous(kernel.space(), rowAxes, o.strides(), o.offset(), o.spec(), rows));
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < kernel.inputs().size(); i++) {
                String key = source(group.wiring().get(k).get(i));
                FusedKernel.Input in = kernel.inputs().get(i);
                specs.put(key, in.spec());
                boolean ok = rowContiguous(kernel.space(), rowAxes, in.strides(), in.offset(), in.spec(), rows)
                        && !loadedInEpilogue(kernel, i);
                contiguousOnly.merge(key, ok, Boolean::logicalAnd);
                if (seen.add(key)) {
                    readers.merge(key, 1, Integer::sum);
                }
            }
        }
        Map<String, Cached> cached = new HashMap<>();
        List<Cached> arrays = new ArrayList<>(); // local arrays passed as arguments, in order
        long localBytes = 0;
        for (Map.Entry<String, ArraySpec> e : specs.entrySet()) {
            String key = e.getKey();
            ArraySpec spec = e.getValue();
            int w = spec.size() / rows;
            int read = readers.getOrDefault(key, 0);
            boolean output = key.startsWith("o");
            String ctype = Sources.ctype(spec.dtype());
            int bytes = spec.dtype().byteSize();
            if (output && w == 1 && read > 0) {
                cached.put(key, new Cached("e" + key, ctype, 1, bytes));
                localBytes += 8;
            } else if (w > 1 && contiguousOnly.getOrDefault(key, false) && read >= (output ? 1 : 2)) {
                Cached c = new Cached("c" + key, ctype, w, bytes);
                cached.put(key, c);
                localBytes += (long) w * bytes;
            }
        }
        // a stable order for the local arrays' arguments
        List<String> keys = new ArrayList<>(cached.keySet());
        keys.sort(null);
        for (String key : keys) {
            if (cached.get(key).width() > 1) {
                arrays.add(cached.get(key));
            }
        }

        List<Integer> table = new ArrayList<>();
        List<Long> literals = new ArrayList<>();
        StringBuilder helpers = new StringBuilder(Sources.header(fp64));
        StringBuilder locals = new StringBuilder();
        StringBuilder stages = new StringBuilder();
        java.util.Set<String> filled = new java.util.HashSet<>(); // local arrays a stage has written
        for (int k = 0; k < kernels.size(); k++) {
            FusedKernel kernel = kernels.get(k);
            int base = table.size();
            for (int s : kernel.space()) {
                table.add(s);
            }
            int widthAt = table.size();
            table.add(width[k]);
            List<KernelGroup.Source> wiring = group.wiring().get(k);
            final int kk = k;
            java.util.Set<String> fillsHere = new java.util.HashSet<>();
            FusedRenderer.Naming naming = new FusedRenderer.Naming() {
                @Override
                public String prefix() {
                    return "m" + kk + "_";
                }

                @Override
                public String load(int input, String index, boolean inner) {
                    String key = source(wiring.get(input));
                    Cached c = cached.get(key);
                    String global = buffer(key) + "[" + index + "]";
                    if (c == null) {
                        return global;
                    }
                    if (c.width() == 1) {
                        return c.name();
                    }
                    if (filled.contains(key) && !fillsHere.contains(key)) {
                        return c.name() + "[j]";
                    }
                    fillsHere.add(key); // the first stage that reads a cached input copies it
                    return "(" + c.name() + "[j] = " + global + ")";
                }

                @Override
                public String store(int output, String index, String value, boolean inner) {
                    String key = "o" + kk + "_" + output;
                    String s = buffer(key) + "[" + index + "] = " + value + ";";
                    Cached c = cached.get(key);
                    if (c == null) {
                        return s;
                    }
                    fillsHere.add(key);
                    return s + " " + c.name() + (c.width() == 1 ? "" : "[j]") + " = " + value + ";";
                }
            };
            int literalBase = literals.size();
            FusedRenderer.Parts parts = FusedRenderer.parts(kernel, fp64, false, helpers, table, literals, naming);
            String[] vector = contiguous && vectors
                    ? vectorStage(kernel, k, fp64, literalBase, wiring, cached, fillsHere, rows, rowAxes)
                    : null;
            filled.addAll(fillsHere);
            localBytes += (long) gs
                    * parts.accs.stream().mapToInt(OpenClBackend::accBytes).sum();
            locals.append(parts.locals);
            stages.append("  {\n    // kernel ").append(k).append('\n');
            stages.append("    const int W = tab[").append(widthAt).append("];\n");
            stages.append(parts.init.toString().replace("\n  ", "\n    ").replaceFirst("^  ", "    "));
            if (vector != null) {
                helpers.append(vector[0]);
                stages.append(vector[1]);
                stages.append("    const int span = (W + GS - 1) / GS, je = min(W, lid * span + span);\n"
                        + "    int j = lid * span;\n"
                        + "    for (; j + VW <= je; j += VW) {\n"
                        + "      const int g = row * W + j;\n");
                stages.append(vector[2]).append("    }\n").append(vector[3]);
                stages.append("    for (; j < je; j++) {\n");
            } else {
                stages.append(
                        contiguous
                                ? "    const int span = (W + GS - 1) / GS, j0 = lid * span;\n"
                                        + "    for (int j = j0, je = min(W, j0 + span); j < je; j++) {\n"
                                : "    for (int j = lid; j < W; j += GS) {\n");
            }
            stages.append(restCoordinates(base, rowAxes, kernel.rank()));
            stages.append("    const int g = row * W + j;\n");
            stages.append(parts.inner);
            stages.append("    }\n");
            if (kernel.root() instanceof FusedKernel.Root.Reduce) {
                if (!parts.accs.isEmpty()) {
                    stages.append(
                            parts.toLocal.toString().replace("\n  ", "\n    ").replaceFirst("^  ", "    "));
                    stages.append("    barrier(CLK_LOCAL_MEM_FENCE);\n");
                    stages.append("    for (int h = GS / 2; h > 0; h >>= 1) {\n      if (lid < h) {\n")
                            .append(parts.combine)
                            .append("      }\n      barrier(CLK_LOCAL_MEM_FENCE);\n    }\n");
                }
                stages.append("    if (lid == 0) {\n").append(parts.fromLocal);
                for (int d = rowAxes; d < kernel.rank(); d++) {
                    stages.append("    const int p").append(d).append(" = 0;\n");
                }
                stages.append(parts.epi).append("    }\n");
            }
            stages.append("  }\n");
            if (k + 1 < kernels.size()) {
                // what this stage wrote, in local or global memory, is read by the next ones
                stages.append("  barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);\n");
            }
        }
        long rowBytes = 0;
        for (int k = 0; k < kernels.size(); k++) {
            rowBytes = Math.max(rowBytes, 4L * width[k]);
        }
        if (localBytes > localMemBytes || rowBytes > localMemBytes) {
            throw new FusedRenderer.Unsupported("rows of " + rowBytes + " bytes and local arrays of " + localBytes
                    + " bytes do not fit the device's " + localMemBytes + " bytes of local memory");
        }

        StringBuilder sig = new StringBuilder("__kernel __attribute__((reqd_work_group_size(GS, 1, 1))) void rows(");
        for (int g = 0; g < group.inputs(); g++) {
            ArraySpec spec = specs.get("in" + g);
            sig.append("__global const ")
                    .append(Sources.ctype(spec.dtype()))
                    .append(" *in")
                    .append(g)
                    .append(", ");
        }
        for (int k = 0; k < kernels.size(); k++) {
            for (int q = 0; q < kernels.get(k).outputs().size(); q++) {
                sig.append("__global ")
                        .append(Sources.ctype(
                                kernels.get(k).outputs().get(q).spec().dtype()))
                        .append(" *o")
                        .append(k)
                        .append('_')
                        .append(q)
                        .append(", ");
            }
        }
        sig.append("__global const int *tab, __global const ulong *lit");
        long[] localArrays = new long[arrays.size()];
        for (int a = 0; a < arrays.size(); a++) {
            Cached c = arrays.get(a);
            sig.append(", __local ").append(c.ctype()).append(" *").append(c.name());
            localArrays[a] = (long) c.width() * c.elementBytes();
        }
        sig.append(") {\n");
        StringBuilder body = new StringBuilder();
        body.append(locals);
        for (String key : keys) {
            Cached c = cached.get(key);
            if (c.width() == 1) {
                body.append("  __local ")
                        .append(c.ctype())
                        .append(' ')
                        .append(c.name())
                        .append(";\n");
            }
        }
        body.append("  const int lid = get_local_id(0), row = get_group_id(0);\n");
        body.append(FusedRenderer.coordinates(
                "row", java.util.stream.IntStream.range(0, rowAxes).toArray()));
        body.append(stages);
        String source = helpers + "#define GS " + gs + "\n#define VW " + VW + "\n" + sig + body + "}\n";
        int[] tab = new int[table.size()];
        for (int i = 0; i < tab.length; i++) {
            tab[i] = table.get(i);
        }
        long[] lit = new long[Math.max(1, literals.size())];
        for (int i = 0; i < literals.size(); i++) {
            lit[i] = literals.get(i);
        }
        return new Rendered(source, tab, lit, rows, localArrays, localBytes);
    }

    /** The width of a vector stage's vectors. */
    static final int VW = 16;

    /**
     * A stage's loop over its run of the row as vectors of {@link #VW} points, or null where a node
     * has no vector form: the inner nodes must be float loads of row-contiguous arrays (global rows,
     * rows copied into local memory, per-row scalars broadcast), literals, operations with a {@link
     * Sources#vectorExpression} or float conversions; reductions sums or maxima (float
     * accumulators, a vector of them folded into the scalar one in lane order after the loop); inner
     * outputs row-contiguous. Returns the helper functions, the vector accumulators' declarations,
     * the loop body (with {@code j} and {@code g} of its first point) and the fold. On PoCL the
     * vector forms of the built-ins are SIMD where a point-by-point loop around a scalar built-in is
     * not (the softmax's double {@code exp}).
     */
    private static String[] vectorStage(
            FusedKernel kernel,
            int k,
            boolean fp64,
            int literalBase,
            List<KernelGroup.Source> wiring,
            Map<String, Cached> cached,
            java.util.Set<String> fillsHere,
            int rows,
            int rowAxes) {
        List<FusedKernel.Node> nodes = kernel.nodes();
        int epilogue = kernel.epilogueStart();
        String pre = "m" + k + "_";
        StringBuilder fns = new StringBuilder();
        StringBuilder init = new StringBuilder();
        StringBuilder body = new StringBuilder();
        StringBuilder fold = new StringBuilder();
        int literal = literalBase;
        for (int i = 0; i < nodes.size(); i++) {
            FusedKernel.Node n = nodes.get(i);
            if (n instanceof FusedKernel.Node.Literal) {
                if (i < epilogue) {
                    String t = Sources.ctype(n.dtype()) + VW;
                    if (!n.dtype().isFloating()) {
                        return null;
                    }
                    String value = n.dtype() == dev.kiln.DType.FLOAT32
                            ? "as_float((uint) lit[" + literal + "])"
                            : "as_double(lit[" + literal + "])";
                    body.append("      const ")
                            .append(t)
                            .append(" w")
                            .append(i)
                            .append(" = (")
                            .append(t)
                            .append(") ")
                            .append(value)
                            .append(";\n");
                }
                literal++;
                continue;
            }
            if (n instanceof FusedKernel.Node.Reduce r) {
                FusedKernel.Node arg = nodes.get(r.arg());
                if (!r.dtype().isFloating() || !arg.dtype().isFloating() || r.arg() >= epilogue) {
                    return null;
                }
                Sources.Fold f = Sources.fold(r.reducer(), r.dtype(), fp64);
                String at = f.acc() + VW;
                String cv = "convert_" + at + "(w" + r.arg() + ")";
                String step;
                switch (r.reducer()) {
                    case REDUCE_SUM -> step = "va" + i + " + " + cv;
                    case REDUCE_MAX -> {
                        String expr = Sources.vectorExpression(
                                dev.kiln.ir.Primitive.MAX,
                                f.acc().equals("double") ? dev.kiln.DType.FLOAT64 : dev.kiln.DType.FLOAT32,
                                fp64,
                                VW);
                        fns.append("inline ")
                                .append(at)
                                .append(' ')
                                .append(pre)
                                .append("vr")
                                .append(i)
                                .append('(')
                                .append(at)
                                .append(" x, ")
                                .append(at)
                                .append(" y) { return ")
                                .append(expr)
                                .append("; }\n");
                        step = pre + "vr" + i + "(va" + i + ", " + cv + ")";
                    }
                    default -> {
                        return null;
                    }
                }
                init.append("    ")
                        .append(at)
                        .append(" va")
                        .append(i)
                        .append(" = (")
                        .append(at)
                        .append(") (")
                        .append(f.init())
                        .append(");\n");
                body.append("      va").append(i).append(" = ").append(step).append(";\n");
                fold.append("    {\n      ")
                        .append(f.acc())
                        .append(" lanes[VW];\n      vstore")
                        .append(VW)
                        .append("(va")
                        .append(i)
                        .append(", 0, lanes);\n      for (int l = 0; l < VW; l++) ")
                        .append(f.step("a" + i, "lanes[l]"))
                        .append("\n    }\n");
                continue;
            }
            if (i >= epilogue) {
                continue;
            }
            if (!n.dtype().isFloating()) {
                return null;
            }
            String t = Sources.ctype(n.dtype()) + VW;
            switch (n) {
                case FusedKernel.Node.Load l -> {
                    String key = source(wiring.get(l.input()));
                    Cached c = cached.get(key);
                    FusedKernel.Input in = kernel.inputs().get(l.input());
                    boolean contiguousRow =
                            rowContiguous(kernel.space(), rowAxes, in.strides(), in.offset(), in.spec(), rows);
                    String global = "vload" + VW + "(0, " + buffer(key) + " + g)";
                    String value;
                    if (c != null && c.width() == 1) {
                        value = "(" + t + ") " + c.name();
                    } else if (c != null && !fillsHere.contains(key)) {
                        value = "vload" + VW + "(0, " + c.name() + " + j)";
                    } else if (contiguousRow) {
                        value = global;
                    } else {
                        return null;
                    }
                    body.append("      ")
                            .append(t)
                            .append(" w")
                            .append(i)
                            .append(" = ")
                            .append(value)
                            .append(";\n");
                    if (c != null && c.width() > 1 && fillsHere.contains(key)) {
                        body.append("      vstore")
                                .append(VW)
                                .append("(w")
                                .append(i)
                                .append(", 0, ")
                                .append(c.name())
                                .append(" + j);\n");
                    }
                }
                case FusedKernel.Node.Op op -> {
                    int[] a = op.args();
                    dev.kiln.DType inType = nodes.get(a[0]).dtype();
                    if (!inType.isFloating()) {
                        return null;
                    }
                    if (!Sources.vectorFunction(
                            fns, pre + "vf" + i, op.op(), op.params(), a.length, inType, t, fp64, VW)) {
                        return null;
                    }
                    body.append("      ")
                            .append(t)
                            .append(" w")
                            .append(i)
                            .append(" = ")
                            .append(pre)
                            .append("vf")
                            .append(i)
                            .append("(w")
                            .append(a[0])
                            .append(a.length > 1 ? ", w" + a[1] : "")
                            .append(");\n");
                }
                default -> {
                    return null;
                }
            }
        }
        for (int q = 0; q < kernel.outputs().size(); q++) {
            FusedKernel.Output o = kernel.outputs().get(q);
            if (o.node() >= epilogue) {
                continue;
            }
            if (!rowContiguous(kernel.space(), rowAxes, o.strides(), o.offset(), o.spec(), rows)) {
                return null;
            }
            String key = "o" + k + "_" + q;
            body.append("      vstore")
                    .append(VW)
                    .append("(w")
                    .append(o.node())
                    .append(", 0, ")
                    .append(buffer(key))
                    .append(" + g);\n");
            Cached c = cached.get(key);
            if (c != null && c.width() == 1) {
                return null;
            }
            if (c != null) {
                body.append("      vstore")
                        .append(VW)
                        .append("(w")
                        .append(o.node())
                        .append(", 0, ")
                        .append(c.name())
                        .append(" + j);\n");
            }
        }
        return new String[] {fns.toString(), init.toString(), body.toString(), fold.toString()};
    }

    /** The key of the array a kernel's input comes from. */
    private static String source(KernelGroup.Source s) {
        return switch (s) {
            case KernelGroup.Source.Input g -> "in" + g.index();
            case KernelGroup.Source.Output o -> "o" + o.kernel() + "_" + o.output();
        };
    }

    /** The global buffer's name for an array key. */
    private static String buffer(String key) {
        return key;
    }

    /** The coordinates {@code p<d>} of the axes after the row axes, for point {@code j} of the row. */
    private static String restCoordinates(int base, int rowAxes, int rank) {
        if (rank == rowAxes) {
            return "";
        }
        if (rank == rowAxes + 1) {
            return "      const int p" + rowAxes + " = j;\n";
        }
        StringBuilder b = new StringBuilder("      int rr = j;\n");
        for (int d = rank - 1; d >= rowAxes; d--) {
            b.append("      const int p")
                    .append(d)
                    .append(" = rr % tab[")
                    .append(base + d)
                    .append("]; rr /= tab[")
                    .append(base + d)
                    .append("];\n");
        }
        return b.toString();
    }

    /**
     * Whether a map puts point {@code (row, j)} of the space (j the row-major index of the axes after
     * the row axes) at element {@code row·w + j} of its buffer, where the buffer has {@code w} elements
     * per row and the row has {@code w} points: then a local copy of the row is indexed by {@code j}.
     */
    static boolean rowContiguous(int[] space, int rowAxes, int[] strides, int offset, ArraySpec spec, int rows) {
        if (offset != 0 || rows == 0 || spec.size() % rows != 0) {
            return false;
        }
        long w = spec.size() / rows;
        long expect = 1;
        for (int d = space.length - 1; d >= rowAxes; d--) {
            if (space[d] != 1 && strides[d] != expect) {
                return false;
            }
            expect *= space[d];
        }
        if (expect != w) {
            return false;
        }
        for (int d = rowAxes - 1; d >= 0; d--) {
            if (space[d] != 1 && strides[d] != expect) {
                return false;
            }
            expect *= space[d];
        }
        return true;
    }

    /** Whether an epilogue node of {@code kernel} loads input {@code input}. */
    private static boolean loadedInEpilogue(FusedKernel kernel, int input) {
        List<FusedKernel.Node> nodes = kernel.nodes();
        for (int i = kernel.epilogueStart(); i < nodes.size(); i++) {
            if (nodes.get(i) instanceof FusedKernel.Node.Load l && l.input() == input) {
                return true;
            }
        }
        return false;
    }
}
