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
 * <p>Kernels it cannot write (a matmul root, a reducer other than sum and max) are reported with
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
    record Rendered(String source, int[] table, long[] literals, int points) {}

    private FusedRenderer() {}

    static Rendered render(FusedKernel k, boolean fp64) {
        if (!(k.root() instanceof FusedKernel.Root.Elementwise) && !(k.root() instanceof FusedKernel.Root.Reduce)) {
            throw new Unsupported("root " + k.root());
        }
        int rank = k.rank();
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
        body.append("  int rest = g;\n");
        for (int i = kept.length - 1; i >= 0; i--) {
            int d = kept[i];
            body.append("  int p")
                    .append(d)
                    .append(" = rest % tab[")
                    .append(d)
                    .append("]; rest /= tab[")
                    .append(d)
                    .append("];\n");
        }
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
            FusedKernel.Output out = k.outputs().get(i);
            table.add(out.offset());
            for (int s : out.strides()) {
                table.add(s);
            }
        }
        List<Node> nodes = k.nodes();
        int epilogue = k.epilogueStart();
        // accumulators of the reduce nodes
        StringBuilder inner = new StringBuilder();
        StringBuilder epi = new StringBuilder();
        StringBuilder init = new StringBuilder();
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
                            .append(" = in")
                            .append(l.input())
                            .append('[')
                            .append(offset(inputMap[l.input()], rank))
                            .append("];\n");
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
                    String fn = function(helpers, "iota" + i, Sources.conversion(DType.INT64, n.dtype()), t, "long");
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
                            .append(opCall(helpers, i, op, nodes, fp64))
                            .append(";\n");
                case Node.Reduce r -> {
                    if (r.reducer() != Primitive.REDUCE_SUM && r.reducer() != Primitive.REDUCE_MAX) {
                        throw new Unsupported("reducer " + r.reducer());
                    }
                    boolean sum = r.reducer() == Primitive.REDUCE_SUM;
                    String acc = accType(r.dtype(), sum, fp64);
                    init.append("  ")
                            .append(acc)
                            .append(" a")
                            .append(i)
                            .append(" = ")
                            .append(identity(r.dtype(), sum))
                            .append(";\n");
                    inner.append("    ")
                            .append(fold("a" + i, "v" + r.arg(), r.dtype(), sum, acc, fp64))
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
                case Node.DotResult dr -> throw new Unsupported("dot_result");
            }
        }
        for (int o = 0; o < k.outputs().size(); o++) {
            FusedKernel.Output out = k.outputs().get(o);
            StringBuilder to = out.node() < epilogue ? inner : epi;
            to.append("    out")
                    .append(o)
                    .append('[')
                    .append(offset(outputMap[o], rank))
                    .append("] = v")
                    .append(out.node())
                    .append(";\n");
        }
        body.append(init);
        if (reduced.length > 0) {
            body.append("  for (int j = 0; j < m_red; j++) {\n");
            body.append("    int rr = j;\n");
            for (int i = reduced.length - 1; i >= 0; i--) {
                int d = reduced[i];
                body.append("    int p")
                        .append(d)
                        .append(" = rr % tab[")
                        .append(d)
                        .append("]; rr /= tab[")
                        .append(d)
                        .append("];\n");
            }
            body.append(inner).append("  }\n");
            body.append("  {\n");
            for (int d : reduced) {
                body.append("    const int p").append(d).append(" = 0;\n"); // epilogue maps are 0 along reduced axes
            }
            body.append(epi).append("  }\n");
            String src = helpers + sig.toString().replace("const int points)", "const int points, const int m_red)")
                    + body + "}\n";
            return new Rendered(src, toArray(table), toLongs(literals), pointsOf(space, kept));
        }
        body.append("  {\n").append(inner).append(epi).append("  }\n");
        return new Rendered(
                helpers + sig.toString() + body + "}\n", toArray(table), toLongs(literals), pointsOf(space, kept));
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

    private static String opCall(StringBuilder helpers, int i, Node.Op op, List<Node> nodes, boolean fp64) {
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
            return function(helpers, "f" + i, Sources.conversion(in, to), out, t) + "(v" + a[0] + ")";
        }
        if (p == Primitive.FLOOR && !in.isFloating()) {
            return "v" + a[0];
        }
        String expr = Sources.expression(p, in, fp64);
        if (expr == null) {
            throw new Unsupported(p + " on " + in);
        }
        if (a.length == 1) {
            return function(helpers, "f" + i, expr, out, t) + "(v" + a[0] + ")";
        }
        return function(helpers, "f" + i, expr, out, t, t) + "(v" + a[0] + ", v" + a[1] + ")";
    }

    private static String accType(DType d, boolean sum, boolean fp64) {
        return switch (d) {
            case FLOAT32, FLOAT64 -> fp64 ? "double" : "float";
            case INT32, UINT32 -> sum ? "uint" : Sources.ctype(d);
            case INT64 -> sum ? "ulong" : "long";
            case BOOL -> "uchar";
        };
    }

    private static String identity(DType d, boolean sum) {
        if (sum || d == DType.BOOL || d == DType.UINT32) {
            return "0";
        }
        return switch (d) {
            case INT32 -> "INT_MIN";
            case INT64 -> "LONG_MIN";
            default -> "-INFINITY";
        };
    }

    private static String fold(String a, String v, DType d, boolean sum, String acc, boolean fp64) {
        if (d == DType.BOOL) {
            return a + " |= " + v + ";";
        }
        if (d.isFloating()) {
            return sum
                    ? a + " += (" + acc + ") " + v + ";"
                    : a + " = " + (fp64 ? "kmaxd" : "kmaxf") + "(" + a + ", (" + acc + ") " + v + ");";
        }
        return sum ? a + " += (" + acc + ") " + v + ";" : a + " = max(" + a + ", " + v + ");";
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
