package dev.kiln.pjrt;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Lowers a Kiln program to one StableHLO module in MLIR's generic syntax: {@code func.func @main}
 * takes the program's constants then its inputs and returns its outputs. Every operation is written
 * in the generic form ({@code "stablehlo.add"(%a, %b) : (…) -> …}), which the StableHLO parser of
 * every PJRT plugin reads. Control flow lowers to {@code stablehlo.case} (cond/switch) and {@code
 * stablehlo.while} (while, and scan as a while over dynamic slices and updates). Sub-programs are
 * decomposed with the given function first, as the top-level program was.
 */
final class StableHlo {
    /** Primitives this lowering writes directly (besides control flow); the backend claims them. */
    static final Set<Primitive> LOWERED = lowered();

    private static Set<Primitive> lowered() {
        Set<Primitive> s = EnumSet.copyOf(Primitive.core());
        s.addAll(EnumSet.of(
                Primitive.SUB,
                Primitive.NEG,
                Primitive.ABS,
                Primitive.MIN,
                Primitive.OR,
                Primitive.NOT,
                Primitive.NE,
                Primitive.LE,
                Primitive.GT,
                Primitive.GE,
                Primitive.CONCATENATE,
                Primitive.REV,
                Primitive.DYNAMIC_SLICE,
                Primitive.DYNAMIC_UPDATE_SLICE,
                Primitive.REDUCE_MIN,
                Primitive.REDUCE_PROD,
                Primitive.REDUCE_AND,
                Primitive.REDUCE_OR,
                Primitive.NEXTAFTER,
                Primitive.TANH,
                Primitive.TAN,
                Primitive.ASIN,
                Primitive.ACOS,
                Primitive.ATAN,
                Primitive.ERF,
                Primitive.SINH,
                Primitive.COSH,
                Primitive.CONV_GENERAL_DILATED));
        return s;
    }

    /**
     * Primitives lowered for float32 only: XLA's float64 forms are too far off (chlo.sinh and
     * chlo.cosh 17 ulps near |x| = 33), so float64 takes Kiln's decomposition.
     */
    private static final Set<Primitive> FLOAT32_ONLY = EnumSet.of(Primitive.SINH, Primitive.COSH);

    /**
     * Primitives lowered for floats only: XLA:CPU's convolution emitter handles float types; integer
     * and bool convolutions take Kiln's decomposition (exact products and sums).
     */
    private static final Set<Primitive> FLOAT_ONLY = EnumSet.of(Primitive.CONV_GENERAL_DILATED);

    /** Whether this lowering writes {@code p} for operands of {@code dtype} (the backend's claim). */
    static boolean lowers(Primitive p, DType dtype) {
        return LOWERED.contains(p)
                && (!FLOAT32_ONLY.contains(p) || dtype == DType.FLOAT32)
                && (!FLOAT_ONLY.contains(p) || isFloat(dtype));
    }

    /** A program or primitive this lowering cannot write; the caller falls back to Kiln's interpreter. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    private final StringBuilder out = new StringBuilder();
    private final UnaryOperator<Program> decompose;
    private int next;

    private StableHlo(UnaryOperator<Program> decompose) {
        this.decompose = decompose;
    }

    /** The module for {@code program} (already decomposed); sub-programs go through {@code decompose}. */
    static String module(Program program, UnaryOperator<Program> decompose) {
        StableHlo h = new StableHlo(decompose);
        return h.emitModule(program);
    }

    /** The module applying one primitive to arguments of the given specs. */
    static String primitive(Primitive primitive, Params params, List<ArraySpec> inputs, ArraySpec out) {
        List<Var> vars = inputs.stream().map(Var::new).toList();
        Var result = new Var(out);
        Program p = new Program(
                List.of(),
                vars,
                List.of(new Eqn(primitive, params, List.copyOf(vars), List.of(result))),
                List.of(result));
        return module(p, UnaryOperator.identity());
    }

    private String emitModule(Program program) {
        out.append("module @kiln attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {\n");
        out.append("  func.func public @main(");
        Map<Var, String> env = new IdentityHashMap<>();
        List<Var> params = new ArrayList<>(program.constants());
        params.addAll(program.inputs());
        for (int i = 0; i < params.size(); i++) {
            String name = "%arg" + i;
            env.put(params.get(i), name);
            out.append(i > 0 ? ", " : "")
                    .append(name)
                    .append(": ")
                    .append(type(params.get(i).spec()));
        }
        out.append(") -> (")
                .append(program.outputs().stream().map(a -> type(a.spec())).collect(Collectors.joining(", ")))
                .append(") {\n");
        List<String> results = body(program, env, "    ");
        line(
                "    ",
                "\"func.return\"(" + String.join(", ", results) + ") : (" + types(program.outputSpecs()) + ") -> ()");
        out.append("  }\n}\n");
        return out.toString();
    }

    /** Emits a program's equations with its parameters bound in {@code env}; returns its outputs' names. */
    private List<String> body(Program program, Map<Var, String> env, String indent) {
        for (Eqn e : program.eqns()) {
            List<String> in = new ArrayList<>();
            for (Atom a : e.inputs()) {
                in.add(value(a, env, indent));
            }
            List<String> results = eqn(e, in, indent);
            for (int i = 0; i < results.size(); i++) {
                env.put(e.outputs().get(i), results.get(i));
            }
        }
        List<String> outs = new ArrayList<>();
        for (Atom a : program.outputs()) {
            outs.add(value(a, env, indent));
        }
        return outs;
    }

    private String value(Atom a, Map<Var, String> env, String indent) {
        if (a instanceof Literal l) {
            return constant(l.value(), indent);
        }
        String name = env.get((Var) a);
        if (name == null) {
            throw new Unsupported("a variable is used before it is defined");
        }
        return name;
    }

    private String fresh() {
        return "%v" + next++;
    }

    private void line(String indent, String text) {
        out.append(indent).append(text).append('\n');
    }

    // ---- types and constants ----

    static String element(DType d) {
        return switch (d) {
            case BOOL -> "i1";
            case INT32 -> "i32";
            case UINT32 -> "ui32";
            case INT64 -> "i64";
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    static String type(ArraySpec s) {
        StringBuilder b = new StringBuilder("tensor<");
        for (int d : s.shape()) {
            b.append(d).append('x');
        }
        return b.append(element(s.dtype())).append('>').toString();
    }

    private static String types(List<ArraySpec> specs) {
        return specs.stream().map(StableHlo::type).collect(Collectors.joining(", "));
    }

    private static String scalarText(DType d, double doubleValue, long longValue, boolean bool) {
        return switch (d) {
            case BOOL -> bool ? "true" : "false";
            case INT32, INT64 -> Long.toString(longValue);
            case UINT32 -> Long.toString(longValue & 0xffffffffL);
            case FLOAT32 -> String.format("0x%08X", Float.floatToRawIntBits((float) doubleValue));
            case FLOAT64 -> String.format("0x%016X", Double.doubleToRawLongBits(doubleValue));
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    private String constant(HostBuffer value, String indent) {
        DType d = value.spec().dtype();
        String text =
                switch (d) {
                    case BOOL -> value.bools()[0] ? "true" : "false";
                    case INT32 -> Integer.toString(value.ints()[0]);
                    case UINT32 -> Integer.toUnsignedString(value.ints()[0]);
                    case INT64 -> Long.toString(value.longs()[0]);
                    case FLOAT32 -> String.format("0x%08X", Float.floatToRawIntBits(value.floats()[0]));
                    case FLOAT64 -> String.format("0x%016X", Double.doubleToRawLongBits(value.doubles()[0]));
                    default -> throw new IllegalStateException("not a storage dtype");
                };
        return constantText(text, ArraySpec.of(d), indent);
    }

    private String constantText(String text, ArraySpec spec, String indent) {
        String v = fresh();
        line(
                indent,
                v + " = \"stablehlo.constant\"() <{value = dense<" + text + "> : " + type(spec) + "}> : () -> "
                        + type(spec));
        return v;
    }

    /** A 0-d constant of {@code d} holding {@code x} (integers and bools from the long). */
    private String scalar(DType d, double x, long n, String indent) {
        return constantText(scalarText(d, x, n, n != 0), ArraySpec.of(d), indent);
    }

    /** A constant of {@code spec}'s shape filled with one value. */
    private String filled(ArraySpec spec, double x, long n, String indent) {
        String s = scalar(spec.dtype(), x, n, indent);
        if (spec.rank() == 0) {
            return s;
        }
        return op(
                indent,
                "stablehlo.broadcast_in_dim",
                List.of(s),
                List.of(ArraySpec.of(spec.dtype())),
                spec,
                "broadcast_dimensions = " + array(new int[0]));
    }

    private static String array(int[] values) {
        return "array<i64"
                + (values.length == 0
                        ? ""
                        : ": "
                                + Arrays.stream(values)
                                        .mapToObj(Integer::toString)
                                        .collect(Collectors.joining(", ")))
                + ">";
    }

    private static String list(int[] values) {
        return "[" + Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(", ")) + "]";
    }

    /** Emits {@code "name"(inputs) <{attributes}> : (input types) -> result}; returns the result's name. */
    private String op(
            String indent, String name, List<String> in, List<ArraySpec> inSpecs, ArraySpec result, String attributes) {
        String v = fresh();
        line(
                indent,
                v + " = \"" + name + "\"(" + String.join(", ", in) + ")"
                        + (attributes == null ? "" : " <{" + attributes + "}>") + " : (" + types(inSpecs) + ") -> "
                        + type(result));
        return v;
    }

    private String op(String indent, String name, List<String> in, List<ArraySpec> inSpecs, ArraySpec result) {
        return op(indent, name, in, inSpecs, result, null);
    }

    private static String compareType(DType d) {
        return switch (d) {
            case FLOAT32, FLOAT64 -> "FLOAT";
            case INT32, INT64 -> "SIGNED";
            case UINT32, BOOL -> "UNSIGNED";
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    private String compare(String indent, String direction, String a, String b, ArraySpec operand) {
        return op(
                indent,
                "stablehlo.compare",
                List.of(a, b),
                List.of(operand, operand),
                operand.withDType(DType.BOOL),
                "comparison_direction = #stablehlo<comparison_direction " + direction
                        + ">, compare_type = #stablehlo<comparison_type " + compareType(operand.dtype()) + ">");
    }

    // ---- equations ----

    private List<String> eqn(Eqn e, List<String> in, String indent) {
        List<ArraySpec> inSpecs = e.inputs().stream().map(Atom::spec).toList();
        if (e.primitive().kind() == Primitive.Kind.CONTROL) {
            return control(e, in, inSpecs, indent);
        }
        ArraySpec out = e.outputs().get(0).spec();
        return List.of(simple(e.primitive(), e.params(), in, inSpecs, out, indent));
    }

    private String simple(
            Primitive p, Params params, List<String> in, List<ArraySpec> inSpecs, ArraySpec out, String indent) {
        DType d = inSpecs.isEmpty() ? out.dtype() : inSpecs.get(0).dtype();
        boolean bool = d == DType.BOOL;
        return switch (p) {
            case ADD -> op(indent, bool ? "stablehlo.or" : "stablehlo.add", in, inSpecs, out);
            case SUB -> op(indent, bool ? "stablehlo.xor" : "stablehlo.subtract", in, inSpecs, out);
            case MUL -> op(indent, bool ? "stablehlo.and" : "stablehlo.multiply", in, inSpecs, out);
            case DIV -> op(indent, "stablehlo.divide", in, inSpecs, out);
            case REM -> op(indent, "stablehlo.remainder", in, inSpecs, out);
            case MAX ->
                bool
                        ? op(indent, "stablehlo.or", in, inSpecs, out)
                        : isFloat(d)
                                ? floatMaxMin(indent, true, in.get(0), in.get(1), out)
                                : op(indent, "stablehlo.maximum", in, inSpecs, out);
            case MIN ->
                bool
                        ? op(indent, "stablehlo.and", in, inSpecs, out)
                        : isFloat(d)
                                ? floatMaxMin(indent, false, in.get(0), in.get(1), out)
                                : op(indent, "stablehlo.minimum", in, inSpecs, out);
            case ABS -> op(indent, "stablehlo.abs", in, inSpecs, out);
            case AND -> op(indent, "stablehlo.and", in, inSpecs, out);
            case OR -> op(indent, "stablehlo.or", in, inSpecs, out);
            case XOR -> op(indent, "stablehlo.xor", in, inSpecs, out);
            case NOT -> op(indent, "stablehlo.not", in, inSpecs, out);
            case NEG -> op(indent, "stablehlo.negate", in, inSpecs, out);
            case SHIFT_LEFT -> op(indent, "stablehlo.shift_left", in, inSpecs, out);
            case SHIFT_RIGHT_LOGICAL -> op(indent, "stablehlo.shift_right_logical", in, inSpecs, out);
            case ATAN2 -> op(indent, "stablehlo.atan2", in, inSpecs, out);
            // CHLO's op works on the bits (XLA expands it with bit casts), so subnormal results
            // survive XLA:CPU's flush-to-zero, which would defeat Kiln's arithmetic decomposition
            case NEXTAFTER -> op(indent, "chlo.next_after", in, inSpecs, out);
            case POW ->
                d == DType.INT32 || d == DType.INT64
                        ? integerPower(indent, in.get(0), in.get(1), out)
                        : op(indent, "stablehlo.power", in, inSpecs, out);
            case FLOOR -> op(indent, "stablehlo.floor", in, inSpecs, out);
            case SQRT -> op(indent, "stablehlo.sqrt", in, inSpecs, out);
            case EXP -> op(indent, "stablehlo.exponential", in, inSpecs, out);
            case LOG -> op(indent, "stablehlo.log", in, inSpecs, out);
            case EXPM1 -> op(indent, "stablehlo.exponential_minus_one", in, inSpecs, out);
            case LOG1P -> op(indent, "stablehlo.log_plus_one", in, inSpecs, out);
            case TANH -> tanh(indent, in.get(0), out);
            // XLA's own functions where they are within the policy's ulps over PjrtTranscendentalsTest's
            // sweeps in the operand's type: tan 2 ulps, asin 2, acos 2, atan 1 (float32; float64 at most 2)
            case TAN -> op(indent, "stablehlo.tan", in, inSpecs, out);
            case ASIN -> op(indent, "chlo.asin", in, inSpecs, out);
            case ACOS -> op(indent, "chlo.acos", in, inSpecs, out);
            case ATAN -> op(indent, "chlo.atan", in, inSpecs, out);
            // float32 through XLA's float64 form, rounded once (0 ulps in the sweep): XLA's float32 erf is
            // 5 ulps off near |x| = 3.8, its float64 erf 1 ulp
            case ERF ->
                d == DType.FLOAT32
                        ? widened(indent, "chlo.erf", in.get(0), out)
                        : op(indent, "chlo.erf", in, inSpecs, out);
            case SINH, COSH -> {
                if (d != DType.FLOAT32) {
                    throw new Unsupported("pjrt lowers " + p.printName() + " for float32 only");
                }
                yield widened(indent, p == Primitive.SINH ? "chlo.sinh" : "chlo.cosh", in.get(0), out);
            }
            case SIN -> op(indent, "stablehlo.sine", in, inSpecs, out);
            case COS -> op(indent, "stablehlo.cosine", in, inSpecs, out);
            case EQ -> compare(indent, "EQ", in.get(0), in.get(1), inSpecs.get(0));
            case NE -> compare(indent, "NE", in.get(0), in.get(1), inSpecs.get(0));
            case LT -> compare(indent, "LT", in.get(0), in.get(1), inSpecs.get(0));
            case LE -> compare(indent, "LE", in.get(0), in.get(1), inSpecs.get(0));
            case GT -> compare(indent, "GT", in.get(0), in.get(1), inSpecs.get(0));
            case GE -> compare(indent, "GE", in.get(0), in.get(1), inSpecs.get(0));
            case SELECT -> op(indent, "stablehlo.select", in, inSpecs, out);
            case CONVERT -> convert(in.get(0), inSpecs.get(0), out, indent);
            case IOTA ->
                op(
                        indent,
                        "stablehlo.iota",
                        List.of(),
                        List.of(),
                        out,
                        "iota_dimension = " + ((Params.Iota) params).dimension() + " : i64");
            case REDUCE_SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, REDUCE_AND, REDUCE_OR ->
                reduce(p, ((Params.Reduce) params).axes(), in.get(0), inSpecs.get(0), out, indent);
            case BROADCAST_IN_DIM ->
                op(
                        indent,
                        "stablehlo.broadcast_in_dim",
                        in,
                        inSpecs,
                        out,
                        "broadcast_dimensions = "
                                + array(((Params.BroadcastInDim) params).dims().toArray()));
            case RESHAPE -> op(indent, "stablehlo.reshape", in, inSpecs, out);
            case TRANSPOSE ->
                op(
                        indent,
                        "stablehlo.transpose",
                        in,
                        inSpecs,
                        out,
                        "permutation = "
                                + array(((Params.Transpose) params).perm().toArray()));
            case SLICE -> {
                Params.Slice s = (Params.Slice) params;
                yield op(
                        indent,
                        "stablehlo.slice",
                        in,
                        inSpecs,
                        out,
                        "start_indices = " + array(s.start().toArray())
                                + ", limit_indices = " + array(s.limit().toArray()) + ", strides = "
                                + array(s.strides().toArray()));
            }
            case PAD -> {
                Params.Pad s = (Params.Pad) params;
                yield op(
                        indent,
                        "stablehlo.pad",
                        in,
                        inSpecs,
                        out,
                        "edge_padding_low = " + array(s.lo().toArray())
                                + ", edge_padding_high = " + array(s.hi().toArray()) + ", interior_padding = "
                                + array(s.interior().toArray()));
            }
            case CONCATENATE ->
                op(
                        indent,
                        "stablehlo.concatenate",
                        in,
                        inSpecs,
                        out,
                        "dimension = " + ((Params.Axis) params).axis() + " : i64");
            case REV ->
                op(
                        indent,
                        "stablehlo.reverse",
                        in,
                        inSpecs,
                        out,
                        "dimensions = " + array(((Params.Rev) params).axes().toArray()));
            case TAKE -> take(((Params.Axis) params).axis(), in, inSpecs, out, indent);
            case DYNAMIC_SLICE -> {
                List<String> args = new ArrayList<>(List.of(in.get(0)));
                List<ArraySpec> specs = new ArrayList<>(List.of(inSpecs.get(0)));
                indices(in.subList(1, in.size()), inSpecs.subList(1, inSpecs.size()), args, specs, indent);
                yield op(
                        indent,
                        "stablehlo.dynamic_slice",
                        args,
                        specs,
                        out,
                        "slice_sizes = "
                                + array(((Params.DynamicSlice) params).sizes().toArray()));
            }
            case DYNAMIC_UPDATE_SLICE -> {
                List<String> args = new ArrayList<>(in.subList(0, 2));
                List<ArraySpec> specs = new ArrayList<>(inSpecs.subList(0, 2));
                indices(in.subList(2, in.size()), inSpecs.subList(2, inSpecs.size()), args, specs, indent);
                yield op(indent, "stablehlo.dynamic_update_slice", args, specs, out);
            }
            case DOT_GENERAL -> {
                Params.DotGeneral g = (Params.DotGeneral) params;
                List<String> dims = new ArrayList<>();
                dimsAttribute(dims, "lhs_batching_dimensions", g.lhsBatch());
                dimsAttribute(dims, "rhs_batching_dimensions", g.rhsBatch());
                dimsAttribute(dims, "lhs_contracting_dimensions", g.lhsContract());
                dimsAttribute(dims, "rhs_contracting_dimensions", g.rhsContract());
                yield op(
                        indent,
                        "stablehlo.dot_general",
                        in,
                        inSpecs,
                        out,
                        "dot_dimension_numbers = #stablehlo.dot<" + String.join(", ", dims) + ">");
            }
            case CONV_GENERAL_DILATED ->
                op(indent, "stablehlo.convolution", in, inSpecs, out, convolution((Params.Conv) params));
            default -> throw new Unsupported("pjrt does not lower " + p.printName());
        };
    }

    /**
     * {@code stablehlo.convolution}'s attributes: the layouts as dimension labels (b, f, o, i and the
     * spatial indices), window strides, (lo, hi) padding, both dilations and the group counts.
     */
    private static String convolution(Params.Conv c) {
        int n = c.spatialRank();
        String dims = "#stablehlo.conv<" + labels(c.lhsLayout().toArray(), "b", "f") + "x"
                + labels(c.rhsLayout().toArray(), "o", "i") + "->"
                + labels(c.outLayout().toArray(), "b", "f") + ">";
        StringBuilder pad = new StringBuilder();
        for (int i = 0; i < n; i++) {
            pad.append(i == 0 ? "" : ", ")
                    .append('[')
                    .append(c.padLo().get(i))
                    .append(", ")
                    .append(c.padHi().get(i))
                    .append(']');
        }
        String groups = "batch_group_count = " + c.batchGroups() + " : i64, dimension_numbers = " + dims
                + ", feature_group_count = " + c.featureGroups() + " : i64";
        // with no spatial dimensions the window attributes (all optional) are left out
        return n == 0
                ? groups
                : groups + ", lhs_dilation = " + array(c.lhsDilation().toArray()) + ", padding = dense<[" + pad
                        + "]> : tensor<" + n + "x2xi64>, rhs_dilation = "
                        + array(c.rhsDilation().toArray())
                        + ", window_strides = " + array(c.strides().toArray());
    }

    /** A layout as StableHLO's labels: position j holds the name of the dimension found there. */
    private static String labels(int[] layout, String first, String second) {
        String[] at = new String[layout.length];
        at[layout[0]] = first;
        at[layout[1]] = second;
        for (int i = 2; i < layout.length; i++) {
            at[layout[i]] = Integer.toString(i - 2);
        }
        return "[" + String.join(", ", at) + "]";
    }

    static boolean isFloat(DType d) {
        return d == DType.FLOAT32 || d == DType.FLOAT64;
    }

    /**
     * Kiln's float max and min: NaN propagates, and {@code max(-0, +0) = +0}, {@code min(-0, +0) =
     * -0} (Java's Math.max and min). XLA:CPU's plugin here compiles stablehlo.maximum to a compare
     * and select that returns the other operand for NaN, so the rule is written out; XLA fuses it.
     */
    /**
     * tanh in the operand's own type, from two forms chosen per element: below |x| = {@link
     * #TANH_SPLIT}, XLA's own {@code stablehlo.tanh}; beyond, e / (e + 2) with e = expm1(2x) on x
     * clamped to ±10 (float32) or ±20 (float64), where tanh has already rounded to ±1. XLA's tanh
     * alone is up to 6 ulps off near ±1 (which 1 - tanh² in a gradient turns into percent errors);
     * the expm1 form alone up to 6 ulps off near 0.25 (XLA's float32 expm1); together at most 4
     * over {@code PjrtTanhTest}'s sweep, the policy's bound for tanh. It stays in float32 for
     * float32 (the core's decomposition widens to float64, and XLA:CPU then keeps a float64
     * temporary), and each expensive value has one user, since XLA:CPU splits a loop with a
     * temporary between rather than compute such a value twice. ±0 and NaN pass through.
     */
    private String tanh(String indent, String x, ArraySpec t) {
        List<ArraySpec> one = List.of(t);
        List<ArraySpec> two = List.of(t, t);
        double bound = t.dtype() == DType.FLOAT32 ? 10 : 20;
        // clamped by comparisons, which are false for NaN (XLA:CPU's vectorised minimum and maximum
        // may drop a NaN)
        ArraySpec p = t.withDType(DType.BOOL);
        List<ArraySpec> choice = List.of(p, t, t);
        String high = filled(t, bound, 0, indent);
        String low = filled(t, -bound, 0, indent);
        String below = op(indent, "stablehlo.select", List.of(compare(indent, "GT", x, high, t), high, x), choice, t);
        String clamped =
                op(indent, "stablehlo.select", List.of(compare(indent, "LT", below, low, t), low, below), choice, t);
        String twice = op(indent, "stablehlo.multiply", List.of(clamped, filled(t, 2, 2, indent)), two, t);
        String e = op(indent, "stablehlo.exponential_minus_one", List.of(twice), one, t);
        String den = op(indent, "stablehlo.add", List.of(e, filled(t, 2, 2, indent)), two, t);
        String outer = op(indent, "stablehlo.divide", List.of(e, den), two, t);
        String inner = op(indent, "stablehlo.tanh", List.of(x), one, t);
        String a = op(indent, "stablehlo.abs", List.of(x), one, t);
        String small = compare(indent, "LT", a, filled(t, TANH_SPLIT, 0, indent), t);
        return op(indent, "stablehlo.select", List.of(small, inner, outer), choice, t);
    }

    /** XLA's float64 function {@code name} of a float32 operand, rounded once to float32. */
    private String widened(String indent, String name, String x, ArraySpec t) {
        ArraySpec wide = t.withDType(DType.FLOAT64);
        String w = op(indent, "stablehlo.convert", List.of(x), List.of(t), wide);
        String r = op(indent, name, List.of(w), List.of(wide), wide);
        return op(indent, "stablehlo.convert", List.of(r), List.of(wide), t);
    }

    /** Where {@link #tanh} changes from XLA's tanh to the expm1 form. */
    static final double TANH_SPLIT = 1;

    private String floatMaxMin(String indent, boolean max, String a, String b, ArraySpec t) {
        List<ArraySpec> two = List.of(t, t);
        ArraySpec p = t.withDType(DType.BOOL);
        String gt = compare(indent, "GT", a, b, t);
        String lt = compare(indent, "LT", a, b, t);
        String zero = filled(t, 0, 0, indent);
        String isZero = compare(indent, "EQ", a, zero, t);
        String tie;
        if (max) {
            tie = op(indent, "stablehlo.add", List.of(a, b), two, t);
        } else {
            String na = op(indent, "stablehlo.negate", List.of(a), List.of(t), t);
            String nb = op(indent, "stablehlo.negate", List.of(b), List.of(t), t);
            String sum = op(indent, "stablehlo.add", List.of(na, nb), two, t);
            tie = op(indent, "stablehlo.negate", List.of(sum), List.of(t), t);
        }
        String equal = op(indent, "stablehlo.select", List.of(isZero, tie, a), List.of(p, t, t), t);
        String inner = op(indent, "stablehlo.select", List.of(max ? lt : gt, b, equal), List.of(p, t, t), t);
        String ordered = op(indent, "stablehlo.select", List.of(max ? gt : lt, a, inner), List.of(p, t, t), t);
        String aNan = compare(indent, "NE", a, a, t);
        String bNan = compare(indent, "NE", b, b, t);
        String nan = op(indent, "stablehlo.or", List.of(aNan, bNan), List.of(p, p), p);
        String both = op(indent, "stablehlo.add", List.of(a, b), two, t);
        return op(indent, "stablehlo.select", List.of(nan, both, ordered), List.of(p, t, t), t);
    }

    /** Signed integer power with Kiln's rule for negative exponents: 1 for base 1, ±1 for base -1, else 0. */
    private String integerPower(String indent, String a, String b, ArraySpec t) {
        List<ArraySpec> two = List.of(t, t);
        ArraySpec p = t.withDType(DType.BOOL);
        String pow = op(indent, "stablehlo.power", List.of(a, b), two, t);
        String zero = filled(t, 0, 0, indent);
        String one = filled(t, 1, 1, indent);
        String minusOne = filled(t, -1, -1, indent);
        String negative = compare(indent, "LT", b, zero, t);
        String baseOne = compare(indent, "EQ", a, one, t);
        String baseMinusOne = compare(indent, "EQ", a, minusOne, t);
        String odd = compare(indent, "NE", op(indent, "stablehlo.and", List.of(b, one), two, t), zero, t);
        String sign = op(indent, "stablehlo.select", List.of(odd, minusOne, one), List.of(p, t, t), t);
        String small = op(indent, "stablehlo.select", List.of(baseMinusOne, sign, zero), List.of(p, t, t), t);
        String value = op(indent, "stablehlo.select", List.of(baseOne, one, small), List.of(p, t, t), t);
        return op(indent, "stablehlo.select", List.of(negative, value, pow), List.of(p, t, t), t);
    }

    private static void dimsAttribute(List<String> into, String name, Ints dims) {
        if (!dims.isEmpty()) {
            into.add(name + " = " + list(dims.toArray()));
        }
    }

    /** Start indices of dynamic slices as int64 scalars (StableHLO wants one index type). */
    private void indices(
            List<String> in, List<ArraySpec> specs, List<String> args, List<ArraySpec> argSpecs, String indent) {
        ArraySpec i64 = ArraySpec.of(DType.INT64);
        for (int i = 0; i < in.size(); i++) {
            args.add(
                    specs.get(i).dtype() == DType.INT64
                            ? in.get(i)
                            : op(indent, "stablehlo.convert", List.of(in.get(i)), List.of(specs.get(i)), i64));
            argSpecs.add(i64);
        }
    }

    /**
     * {@code convert}: float to integer saturates and maps NaN to 0 (Kiln's rule), so the value is
     * clamped into the integer range first and NaN selected away after.
     */
    private String convert(String x, ArraySpec from, ArraySpec to, String indent) {
        boolean fromFloat = from.dtype() == DType.FLOAT32 || from.dtype() == DType.FLOAT64;
        boolean toInt = to.dtype() == DType.INT32 || to.dtype() == DType.UINT32 || to.dtype() == DType.INT64;
        if (!fromFloat || !toInt) {
            return op(indent, "stablehlo.convert", List.of(x), List.of(from), to);
        }
        double lo;
        double hi;
        boolean f32 = from.dtype() == DType.FLOAT32;
        switch (to.dtype()) {
            case INT32 -> {
                lo = -2147483648.0;
                hi = f32 ? Math.nextDown(2147483648.0f) : 2147483647.0;
            }
            case UINT32 -> {
                lo = 0;
                hi = f32 ? Math.nextDown(4294967296.0f) : 4294967295.0;
            }
            default -> {
                lo = -9223372036854775808.0;
                hi = f32 ? Math.nextDown(9223372036854775808.0f) : Math.nextDown(9223372036854775808.0);
            }
        }
        String loV = filled(from, lo, 0, indent);
        String hiV = filled(from, hi, 0, indent);
        String clamped = op(indent, "stablehlo.clamp", List.of(loV, x, hiV), List.of(from, from, from), from);
        String converted = op(indent, "stablehlo.convert", List.of(clamped), List.of(from), to);
        // values at or above 2^bits (beyond the clamp's representable bound) give the type's maximum
        double limit = to.dtype() == DType.INT32
                ? 2147483648.0
                : to.dtype() == DType.UINT32 ? 4294967296.0 : 9223372036854775808.0;
        long max = to.dtype() == DType.INT32
                ? Integer.MAX_VALUE
                : to.dtype() == DType.UINT32 ? 0xffffffffL : Long.MAX_VALUE;
        ArraySpec p = from.withDType(DType.BOOL);
        String above = compare(indent, "GE", x, filled(from, limit, 0, indent), from);
        String saturated = op(
                indent,
                "stablehlo.select",
                List.of(above, filled(to, max, max, indent), converted),
                List.of(p, to, to),
                to);
        String isNan = compare(indent, "NE", x, x, from);
        String zero = filled(to, 0, 0, indent);
        return op(indent, "stablehlo.select", List.of(isNan, zero, saturated), List.of(p, to, to), to);
    }

    private String reduce(Primitive p, Ints axes, String x, ArraySpec in, ArraySpec out, String indent) {
        DType d = in.dtype();
        boolean bool = d == DType.BOOL;
        String combiner;
        String init;
        switch (p) {
            case REDUCE_SUM -> {
                combiner = bool ? "stablehlo.or" : "stablehlo.add";
                init = scalarText(d, 0, 0, false);
            }
            case REDUCE_PROD -> {
                combiner = bool ? "stablehlo.and" : "stablehlo.multiply";
                init = scalarText(d, 1, 1, true);
            }
            case REDUCE_MAX -> {
                combiner = bool ? "stablehlo.or" : "stablehlo.maximum";
                init = lowest(d);
            }
            case REDUCE_MIN -> {
                combiner = bool ? "stablehlo.and" : "stablehlo.minimum";
                init = highest(d);
            }
            case REDUCE_AND -> {
                combiner = "stablehlo.and";
                init = bool ? "true" : d == DType.UINT32 ? "4294967295" : "-1";
            }
            default -> {
                combiner = "stablehlo.or";
                init = bool ? "false" : "0";
            }
        }
        ArraySpec scalar = ArraySpec.of(d);
        String initV = constantText(init, scalar, indent);
        String v = fresh();
        String a = fresh();
        String b = fresh();
        String t = type(scalar);
        line(
                indent,
                v + " = \"stablehlo.reduce\"(" + x + ", " + initV + ") <{dimensions = " + array(axes.toArray())
                        + "}> ({");
        line(indent, "^bb0(" + a + ": " + t + ", " + b + ": " + t + "):");
        String r = op(indent + "  ", combiner, List.of(a, b), List.of(scalar, scalar), scalar);
        line(indent + "  ", "\"stablehlo.return\"(" + r + ") : (" + t + ") -> ()");
        line(indent, "}) : (" + type(in) + ", " + t + ") -> " + type(out));
        boolean floatMinMax = isFloat(d) && (p == Primitive.REDUCE_MAX || p == Primitive.REDUCE_MIN);
        if (!floatMinMax) {
            return v;
        }
        // XLA vectorises a reduction only when its body is one plain operation, and its vectorised
        // maximum and minimum may drop a NaN: so a plain reduction, then NaN where any element was
        // NaN (a second, boolean reduction XLA runs beside it). The sign of a zero maximum may
        // differ from the reference's (the tolerance policy compares -0 and +0 as equal for max/min)
        String isNan = compare(indent, "NE", x, x, in);
        String anyNan =
                reduce(Primitive.REDUCE_OR, axes, isNan, in.withDType(DType.BOOL), out.withDType(DType.BOOL), indent);
        return op(
                indent,
                "stablehlo.select",
                List.of(anyNan, filled(out, Double.NaN, 0, indent), v),
                List.of(out.withDType(DType.BOOL), out, out),
                out);
    }

    private static String lowest(DType d) {
        return switch (d) {
            case BOOL -> "false";
            case INT32 -> Integer.toString(Integer.MIN_VALUE);
            case UINT32 -> "0";
            case INT64 -> Long.toString(Long.MIN_VALUE);
            case FLOAT32 -> "0xFF800000";
            case FLOAT64 -> "0xFFF0000000000000";
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    private static String highest(DType d) {
        return switch (d) {
            case BOOL -> "true";
            case INT32 -> Integer.toString(Integer.MAX_VALUE);
            case UINT32 -> "4294967295";
            case INT64 -> Long.toString(Long.MAX_VALUE);
            case FLOAT32 -> "0x7F800000";
            case FLOAT64 -> "0x7FF0000000000000";
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    /**
     * {@code take} along {@code axis} as a gather of 1-wide slices: the indices' dims become the
     * batch dims in the axis's place; XLA clamps each start into range as Kiln does.
     */
    private String take(int axis, List<String> in, List<ArraySpec> inSpecs, ArraySpec out, String indent) {
        ArraySpec operand = inSpecs.get(0);
        ArraySpec indices = inSpecs.get(1);
        int r = operand.rank();
        int q = indices.rank();
        if (operand.dim(axis) == 0) {
            throw new Unsupported("take from an empty axis");
        }
        List<Integer> offset = new ArrayList<>();
        for (int d = 0; d < r; d++) {
            if (d < axis) {
                offset.add(d);
            } else if (d > axis) {
                offset.add(d - 1 + q);
            }
        }
        int[] sizes = operand.shape().clone();
        sizes[axis] = 1;
        List<String> dn = new ArrayList<>();
        if (!offset.isEmpty()) {
            dn.add("offset_dims = "
                    + list(offset.stream().mapToInt(Integer::intValue).toArray()));
        }
        dn.add("collapsed_slice_dims = [" + axis + "]");
        dn.add("start_index_map = [" + axis + "]");
        dn.add("index_vector_dim = " + q);
        return op(
                indent,
                "stablehlo.gather",
                in,
                inSpecs,
                out,
                "dimension_numbers = #stablehlo.gather<" + String.join(", ", dn) + ">, slice_sizes = " + array(sizes)
                        + ", indices_are_sorted = false");
    }

    // ---- control flow ----

    private List<String> control(Eqn e, List<String> in, List<ArraySpec> inSpecs, String indent) {
        return switch (e.params()) {
            case Params.Cond c -> cond(c, e, in, inSpecs, indent);
            case Params.While w -> whileLoop(w, e, in, inSpecs, indent);
            case Params.Scan s -> scan(s, e, in, inSpecs, indent);
            default ->
                throw new Unsupported("pjrt does not lower " + e.primitive().printName());
        };
    }

    /** Binds a sub-program's constants then inputs to {@code values} and emits it. */
    private List<String> inline(Program sub, List<String> values, String indent) {
        Program p = decompose.apply(sub);
        Map<Var, String> env = new IdentityHashMap<>();
        List<Var> params = new ArrayList<>(p.constants());
        params.addAll(p.inputs());
        if (params.size() != values.size()) {
            throw new Unsupported("sub-program takes " + params.size() + " values, got " + values.size());
        }
        for (int i = 0; i < params.size(); i++) {
            env.put(params.get(i), values.get(i));
        }
        return body(p, env, indent);
    }

    private static List<String> results(String name, int n) {
        if (n == 1) {
            return List.of(name);
        }
        List<String> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(name + "#" + i);
        }
        return r;
    }

    private static String resultDecl(String name, int n) {
        return n == 1 ? name : name + ":" + n;
    }

    private List<String> cond(Params.Cond c, Eqn e, List<String> in, List<ArraySpec> inSpecs, String indent) {
        ArraySpec i32 = ArraySpec.of(DType.INT32);
        ArraySpec indexSpec = inSpecs.get(0);
        String index = indexSpec.dtype() == DType.INT32
                ? in.get(0)
                : op(indent, "stablehlo.convert", List.of(in.get(0)), List.of(indexSpec), i32);
        int n = c.branches().size();
        String lo = scalar(DType.INT32, 0, 0, indent);
        String hi = scalar(DType.INT32, n - 1, n - 1, indent);
        String clamped = op(indent, "stablehlo.clamp", List.of(lo, index, hi), List.of(i32, i32, i32), i32);
        List<ArraySpec> outSpecs = e.outputs().stream().map(Var::spec).toList();
        String v = fresh();
        line(indent, resultDecl(v, outSpecs.size()) + " = \"stablehlo.case\"(" + clamped + ") (");
        List<String> operands = in.subList(1, in.size());
        for (int b = 0; b < n; b++) {
            line(indent, "{");
            List<String> r = inline(c.branches().get(b), operands, indent + "  ");
            line(indent + "  ", "\"stablehlo.return\"(" + String.join(", ", r) + ") : (" + types(outSpecs) + ") -> ()");
            line(indent, b + 1 < n ? "}," : "}");
        }
        line(indent, ") : (tensor<i32>) -> (" + types(outSpecs) + ")");
        return results(v, outSpecs.size());
    }

    private List<String> blockArgs(List<ArraySpec> specs, List<String> names) {
        List<String> decl = new ArrayList<>();
        for (ArraySpec s : specs) {
            String a = fresh();
            names.add(a);
            decl.add(a + ": " + type(s));
        }
        return decl;
    }

    private List<String> whileLoop(Params.While w, Eqn e, List<String> in, List<ArraySpec> inSpecs, String indent) {
        int k = w.condConsts() + w.bodyConsts();
        int n = in.size();
        String v = fresh();
        line(indent, resultDecl(v, n) + " = \"stablehlo.while\"(" + String.join(", ", in) + ") ({");
        List<String> a = new ArrayList<>();
        line(indent, "^bb0(" + String.join(", ", blockArgs(inSpecs, a)) + "):");
        List<String> condArgs = new ArrayList<>(a.subList(0, w.condConsts()));
        condArgs.addAll(a.subList(k, n));
        List<String> pred = inline(w.cond(), condArgs, indent + "  ");
        line(indent + "  ", "\"stablehlo.return\"(" + pred.get(0) + ") : (tensor<i1>) -> ()");
        line(indent, "}, {");
        List<String> b = new ArrayList<>();
        line(indent, "^bb0(" + String.join(", ", blockArgs(inSpecs, b)) + "):");
        List<String> bodyArgs = new ArrayList<>(b.subList(w.condConsts(), k));
        bodyArgs.addAll(b.subList(k, n));
        List<String> next = new ArrayList<>(b.subList(0, k));
        next.addAll(inline(w.body(), bodyArgs, indent + "  "));
        line(indent + "  ", "\"stablehlo.return\"(" + String.join(", ", next) + ") : (" + types(inSpecs) + ") -> ()");
        line(indent, "}) : (" + types(inSpecs) + ") -> (" + types(inSpecs) + ")");
        return results(v, n).subList(k, n);
    }

    /**
     * A scan as a while loop whose state is (step, consts, carries, xs, stacked ys): each step
     * slices x at the step's index, runs the body, and writes y into the stack at that index.
     */
    private List<String> scan(Params.Scan s, Eqn e, List<String> in, List<ArraySpec> inSpecs, String indent) {
        int c = s.consts();
        int m = s.carries();
        int nx = in.size() - c - m;
        List<ArraySpec> bodyOut = s.body().outputSpecs();
        int ny = bodyOut.size() - m;
        ArraySpec i64 = ArraySpec.of(DType.INT64);
        List<String> state = new ArrayList<>();
        List<ArraySpec> stateSpecs = new ArrayList<>();
        state.add(scalar(DType.INT64, 0, 0, indent));
        stateSpecs.add(i64);
        state.addAll(in);
        stateSpecs.addAll(inSpecs);
        List<ArraySpec> ySpecs = new ArrayList<>();
        for (int k = 0; k < ny; k++) {
            ArraySpec y = bodyOut.get(m + k);
            int[] shape = new int[y.rank() + 1];
            shape[0] = s.length();
            System.arraycopy(y.shape(), 0, shape, 1, y.rank());
            ArraySpec stacked = y.withShape(shape);
            ySpecs.add(stacked);
            state.add(filled(stacked, 0, 0, indent));
            stateSpecs.add(stacked);
        }
        int n = state.size();
        String v = fresh();
        line(indent, resultDecl(v, n) + " = \"stablehlo.while\"(" + String.join(", ", state) + ") ({");
        List<String> a = new ArrayList<>();
        line(indent, "^bb0(" + String.join(", ", blockArgs(stateSpecs, a)) + "):");
        String inner = indent + "  ";
        String length = scalar(DType.INT64, s.length(), s.length(), inner);
        String more = compare(inner, "LT", a.get(0), length, i64);
        line(inner, "\"stablehlo.return\"(" + more + ") : (tensor<i1>) -> ()");
        line(indent, "}, {");
        List<String> b = new ArrayList<>();
        line(indent, "^bb0(" + String.join(", ", blockArgs(stateSpecs, b)) + "):");
        String step = b.get(0);
        String index = step;
        if (s.reverse()) {
            String last = scalar(DType.INT64, s.length() - 1, s.length() - 1, inner);
            index = op(inner, "stablehlo.subtract", List.of(last, step), List.of(i64, i64), i64);
        }
        String zero = scalar(DType.INT64, 0, 0, inner);
        List<String> bodyArgs = new ArrayList<>(b.subList(1, 1 + c + m));
        for (int k = 0; k < nx; k++) {
            ArraySpec xs = inSpecs.get(c + m + k);
            String x = b.get(1 + c + m + k);
            int[] sizes = xs.shape().clone();
            sizes[0] = 1;
            List<String> args = new ArrayList<>(List.of(x, index));
            List<ArraySpec> argSpecs = new ArrayList<>(List.of(xs, i64));
            for (int d = 1; d < xs.rank(); d++) {
                args.add(zero);
                argSpecs.add(i64);
            }
            String slice = op(
                    inner,
                    "stablehlo.dynamic_slice",
                    args,
                    argSpecs,
                    xs.withShape(sizes),
                    "slice_sizes = " + array(sizes));
            ArraySpec element = xs.withShape(Arrays.copyOfRange(xs.shape(), 1, xs.rank()));
            bodyArgs.add(op(inner, "stablehlo.reshape", List.of(slice), List.of(xs.withShape(sizes)), element));
        }
        List<String> results = inline(s.body(), bodyArgs, inner);
        List<String> next = new ArrayList<>();
        String one = scalar(DType.INT64, 1, 1, inner);
        next.add(op(inner, "stablehlo.add", List.of(step, one), List.of(i64, i64), i64));
        next.addAll(b.subList(1, 1 + c));
        next.addAll(results.subList(0, m));
        next.addAll(b.subList(1 + c + m, 1 + c + m + nx));
        for (int k = 0; k < ny; k++) {
            ArraySpec y = bodyOut.get(m + k);
            ArraySpec stacked = ySpecs.get(k);
            int[] oneShape = stacked.shape().clone();
            oneShape[0] = 1;
            ArraySpec oneSpec = y.withShape(oneShape);
            String reshaped = op(inner, "stablehlo.reshape", List.of(results.get(m + k)), List.of(y), oneSpec);
            List<String> args = new ArrayList<>(List.of(b.get(1 + c + m + nx + k), reshaped, index));
            List<ArraySpec> argSpecs = new ArrayList<>(List.of(stacked, oneSpec, i64));
            for (int d = 0; d < y.rank(); d++) {
                args.add(zero);
                argSpecs.add(i64);
            }
            next.add(op(inner, "stablehlo.dynamic_update_slice", args, argSpecs, stacked));
        }
        line(inner, "\"stablehlo.return\"(" + String.join(", ", next) + ") : (" + types(stateSpecs) + ") -> ()");
        line(indent, "}) : (" + types(stateSpecs) + ") -> (" + types(stateSpecs) + ")");
        List<String> all = results(v, n);
        List<String> outs = new ArrayList<>(all.subList(1 + c, 1 + c + m));
        outs.addAll(all.subList(1 + c + m + nx, n));
        return outs;
    }
}
