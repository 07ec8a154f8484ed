package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every backend against values computed by JAX ({@code conformance/scripts/make_goldens.py} wrote
 * them into the resource files this family reads; no Python is needed to run it). Cases carry the
 * family of the function they check, so they land in the same rows of the support matrix.
 */
final class GoldenFamily implements Family {
    static final String[] GROUPS = {"elementwise", "reductions", "shapes", "indexing", "matmul", "promotion"};
    private static final String ROOT = "/dev/kiln/conformance/goldens/";

    /** One line of a golden file, still encoded. */
    private record Line(String group, String name, String fn, String params, String inputs, String outputs) {}

    @Override
    public String name() {
        return "goldens";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String group : GROUPS) {
            for (Line l : read(group)) {
                String dtype = firstArrayDType(l.inputs);
                out.add(new Case(group, l.fn, dtype, "jax " + l.name, () -> run(l)));
            }
        }
        return out;
    }

    private static List<Line> read(String group) {
        List<Line> lines = new ArrayList<>();
        try (InputStream in = GoldenFamily.class.getResourceAsStream(ROOT + group + ".txt")) {
            if (in == null) {
                throw new IllegalStateException("golden file " + ROOT + group + ".txt is missing from the class path;"
                        + " regenerate it with conformance/scripts/make_goldens.py");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                if (s.isBlank() || s.startsWith("#")) {
                    continue;
                }
                String[] f = s.split("\t", -1);
                if (f.length != 5) {
                    throw new IllegalStateException("malformed golden line in " + group + ": " + s.substring(0, 80));
                }
                lines.add(new Line(group, f[0], f[1], f[2], f[3], f[4]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static String firstArrayDType(String inputs) {
        for (String v : inputs.split(";")) {
            if (!v.startsWith("weak:")) {
                return v.substring(0, v.indexOf('['));
            }
        }
        return Case.ANY_DTYPE;
    }

    // ---------------------------------------------------------------- decoding

    /** "float32[2,3]:BASE64" as a host buffer. */
    static HostBuffer decode(String v) {
        int open = v.indexOf('[');
        int close = v.indexOf(']');
        DType t = DType.fromName(v.substring(0, open));
        String dims = v.substring(open + 1, close);
        int[] shape = dims.isEmpty()
                ? new int[0]
                : java.util.Arrays.stream(dims.split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(v.substring(close + 2)))
                .order(ByteOrder.LITTLE_ENDIAN);
        HostBuffer h = HostBuffer.allocate(ArraySpec.of(t, shape));
        int n = h.spec().size();
        Object d = h.data();
        for (int i = 0; i < n; i++) {
            switch (t) {
                case FLOAT32 -> ((float[]) d)[i] = bytes.getFloat();
                case FLOAT64 -> ((double[]) d)[i] = bytes.getDouble();
                case INT32, UINT32 -> ((int[]) d)[i] = bytes.getInt();
                case INT64 -> ((long[]) d)[i] = bytes.getLong();
                case BOOL -> ((boolean[]) d)[i] = bytes.get() != 0;
                case INT8 -> ((int[]) d)[i] = bytes.get();
                case UINT8 -> ((int[]) d)[i] = bytes.get() & 0xFF;
                case INT16 -> ((int[]) d)[i] = bytes.getShort();
                case UINT16 -> ((int[]) d)[i] = bytes.getShort() & 0xFFFF;
                case FLOAT16 -> ((float[]) d)[i] = Float.float16ToFloat(bytes.getShort());
                case BFLOAT16 -> ((float[]) d)[i] = Float.intBitsToFloat(bytes.getShort() << 16);
            }
        }
        return h;
    }

    /** A value: a host buffer, or a weakly typed Java number ("weak:int:3" is an Integer, "weak:float:2.5" a Double). */
    private static Object value(String v) {
        if (v.startsWith("weak:int:")) {
            return Integer.valueOf(v.substring("weak:int:".length()));
        }
        if (v.startsWith("weak:float:")) {
            return Double.valueOf(v.substring("weak:float:".length()));
        }
        return decode(v);
    }

    private static Map<String, String> params(String p) {
        Map<String, String> m = new HashMap<>();
        if (!p.equals("-")) {
            for (String kv : p.split(";")) {
                int eq = kv.indexOf('=');
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return m;
    }

    private static int[] ints(String s) {
        return s == null || s.isEmpty() || s.equals("none")
                ? new int[0]
                : java.util.Arrays.stream(s.split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
    }

    // ---------------------------------------------------------------- running one golden

    private static void run(Line l) {
        List<Object> in = new ArrayList<>();
        for (String v : l.inputs.split(";")) {
            in.add(value(v));
        }
        List<HostBuffer> expected = new ArrayList<>();
        for (String v : l.outputs.split(";")) {
            expected.add(decode(v));
        }
        Map<String, String> p = params(l.params);
        Object result = call(l.fn, p, materialize(in));
        Array[] actual = result instanceof Array a ? new Array[] {a} : (Array[]) result;
        if (actual.length != expected.size()) {
            throw new AssertionError(l.fn + ": " + actual.length + " results where JAX gave " + expected.size());
        }
        for (int i = 0; i < actual.length; i++) {
            HostBuffer e = expected.get(i);
            DType t = e.spec().dtype();
            Scaled rule = rule(l, p, in, e);
            Check.same(
                    l.fn + " vs JAX (" + l.name + ")" + (actual.length > 1 ? " result " + i : ""),
                    e,
                    flushLikeXla(e, actual[i].toHost()),
                    Tolerance.golden(rule.rule, l.fn, t),
                    rule.scale);
        }
    }

    /**
     * XLA's CPU backend flushes subnormal results to zero (and its arcsin returns 0 for the smallest
     * normal number); Java keeps them. Where JAX says zero and Kiln has a value of at most the
     * smallest normal magnitude, of either sign, that value is taken as the zero.
     */
    private static HostBuffer flushLikeXla(HostBuffer expected, HostBuffer actual) {
        DType t = actual.spec().dtype();
        if (!t.isFloating()
                || expected.spec().dtype() != t
                || expected.spec().size() != actual.spec().size()) {
            return actual;
        }
        double minNormal = t == DType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        HostBuffer out = HostBuffer.allocate(actual.spec());
        for (int i = 0; i < actual.spec().size(); i++) {
            double a = actual.getDouble(i);
            boolean flush = expected.getDouble(i) == 0 && a != 0 && Math.abs(a) <= minNormal;
            HostOps.copy(flush ? expected : actual, i, out, i);
        }
        return out;
    }

    private record Scaled(Rule rule, double[] scale) {}

    /** Kiln's own rule for the function, with the per-element scale relative rules need. */
    private static Scaled rule(Line l, Map<String, String> p, List<Object> in, HostBuffer out) {
        DType t = out.spec().dtype();
        switch (l.group) {
            case "elementwise", "promotion" -> {
                return new Scaled(Tolerance.elementwise(l.fn, t), null);
            }
            case "reductions" -> {
                HostBuffer x = (HostBuffer) in.get(0);
                if (!t.isFloating() || l.fn.startsWith("arg")) {
                    return new Scaled(Tolerance.exact(), null);
                }
                if (l.fn.startsWith("cum")) {
                    String a = p.get("axis");
                    Integer axis = a.equals("none")
                            ? null
                            : normalize(Integer.parseInt(a), x.spec().rank());
                    int len = axis == null ? x.spec().size() : x.spec().dim(axis);
                    return new Scaled(
                            Tolerance.reduction(l.fn, t, len),
                            HostReduce.cumulative(l.fn, x, axis).scale());
                }
                int[] axes = p.get("axes").equals("none") ? null : ints(p.get("axes"));
                boolean keep = "1".equals(p.get("keepdims"));
                int ddof = p.containsKey("ddof") ? Integer.parseInt(p.get("ddof")) : 0;
                if (l.fn.equals("all") || l.fn.equals("any")) {
                    return new Scaled(Tolerance.exact(), null);
                }
                long n = HostReduce.count(x.spec().shape(), axes);
                return new Scaled(
                        Tolerance.reduction(l.fn, t, n),
                        HostReduce.reduce(l.fn, x, axes, keep, ddof).scale());
            }
            case "matmul" -> {
                if (!t.isFloating()) {
                    return new Scaled(Tolerance.exact(), null);
                }
                double bound = 1;
                long k = 1;
                for (Object o : in) {
                    HostBuffer h = (HostBuffer) o;
                    double max = 0;
                    for (int i = 0; i < h.spec().size(); i++) {
                        max = Math.max(max, Math.abs(h.getDouble(i)));
                    }
                    bound *= max;
                    for (int d : h.spec().shape()) {
                        k = Math.max(k, d);
                    }
                }
                // sum |a_ik b_kj| is at most k * max|a| * max|b| (k^2 for three-operand einsums)
                double[] scale = new double[out.spec().size()];
                java.util.Arrays.fill(scale, bound * k * (in.size() > 2 ? k : 1));
                return new Scaled(Tolerance.contraction(t, k), scale);
            }
            default -> {
                return new Scaled(Tolerance.bitExact(), null);
            }
        }
    }

    private static int normalize(int axis, int rank) {
        return axis < 0 ? axis + rank : axis;
    }

    private static Object[] materialize(List<Object> in) {
        Object[] out = new Object[in.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.get(i) instanceof HostBuffer h ? Host.array(h) : in.get(i);
        }
        return out;
    }

    private static Array arr(Object[] a, int i) {
        return (Array) a[i];
    }

    /** The Kiln call for a golden's function name and parameters. */
    static Object call(String fn, Map<String, String> p, Object[] a) {
        Ops.Op op = Ops.get(fn);
        if (op != null) {
            return op.apply(a);
        }
        return switch (fn) {
            case "where" -> Np.where(a[0], a[1], a[2]);
            case "clip" -> Np.clip(arr(a, 0), a[1], a[2]);
            case "astype" -> Np.astype(arr(a, 0), DType.fromName(p.get("dtype")));
            case "sum", "prod", "max", "min", "mean", "all", "any", "logSumExp", "var", "std" -> {
                boolean keep = "1".equals(p.get("keepdims"));
                int ddof = p.containsKey("ddof") ? Integer.parseInt(p.get("ddof")) : 0;
                int[] axes = p.get("axes").equals("none") ? null : ints(p.get("axes"));
                yield ReductionFamily.reduce(fn, arr(a, 0), axes, keep, ddof);
            }
            case "argmax", "argmin" -> {
                String ax = p.get("axis");
                boolean keep = "1".equals(p.get("keepdims"));
                boolean max = fn.equals("argmax");
                if (ax.equals("none")) {
                    yield keep
                            ? reshapeKeep(
                                    max ? Np.argmax(arr(a, 0)) : Np.argmin(arr(a, 0)),
                                    arr(a, 0).ndim())
                            : (max ? Np.argmax(arr(a, 0)) : Np.argmin(arr(a, 0)));
                }
                int axis = Integer.parseInt(ax);
                yield max ? Np.argmax(arr(a, 0), axis, keep) : Np.argmin(arr(a, 0), axis, keep);
            }
            case "cumsum", "cumprod" -> {
                String ax = p.get("axis");
                boolean sum = fn.equals("cumsum");
                if (ax.equals("none")) {
                    yield sum ? Np.cumsum(arr(a, 0)) : Np.cumprod(arr(a, 0));
                }
                int axis = Integer.parseInt(ax);
                yield sum ? Np.cumsum(arr(a, 0), axis) : Np.cumprod(arr(a, 0), axis);
            }
            case "reshape" -> Np.reshape(arr(a, 0), ints(p.get("shape")));
            case "ravel" -> Np.ravel(arr(a, 0));
            case "transpose" ->
                p.get("axes").equals("none") ? Np.transpose(arr(a, 0)) : Np.transpose(arr(a, 0), ints(p.get("axes")));
            case "swapaxes" -> Np.swapaxes(arr(a, 0), Integer.parseInt(p.get("a")), Integer.parseInt(p.get("b")));
            case "moveaxis" ->
                Np.moveaxis(arr(a, 0), Integer.parseInt(p.get("source")), Integer.parseInt(p.get("destination")));
            case "squeeze" ->
                p.get("axes").equals("none") ? Np.squeeze(arr(a, 0)) : Np.squeeze(arr(a, 0), ints(p.get("axes")));
            case "expandDims" -> Np.expandDims(arr(a, 0), Integer.parseInt(p.get("axis")));
            case "broadcastTo" -> Np.broadcastTo(arr(a, 0), ints(p.get("shape")));
            case "concatenate" -> Np.concatenate(arrays(a), Integer.parseInt(p.get("axis")));
            case "stack" -> Np.stack(arrays(a), Integer.parseInt(p.get("axis")));
            case "split" -> Np.split(arr(a, 0), Integer.parseInt(p.get("sections")), Integer.parseInt(p.get("axis")));
            case "splitAt" -> Np.splitAt(arr(a, 0), ints(p.get("indices")), Integer.parseInt(p.get("axis")));
            case "flip" -> p.get("axes").equals("none") ? Np.flip(arr(a, 0)) : Np.flip(arr(a, 0), ints(p.get("axes")));
            case "pad" -> {
                String[] rows = p.get("pad").split("\\|");
                int[][] widths = new int[rows.length][];
                for (int i = 0; i < rows.length; i++) {
                    widths[i] = ints(rows[i]);
                }
                yield Np.pad(arr(a, 0), widths, Double.parseDouble(p.get("constant")));
            }
            case "tile" -> Np.tile(arr(a, 0), ints(p.get("reps")));
            case "repeat" -> Np.repeat(arr(a, 0), Integer.parseInt(p.get("repeats")), Integer.parseInt(p.get("axis")));
            case "get" -> arr(a, 0).get(p.get("index").replace('|', ','));
            case "take" -> Np.take(arr(a, 0), arr(a, 1), Integer.parseInt(p.get("axis")));
            case "takeAlongAxis" -> Np.takeAlongAxis(arr(a, 0), arr(a, 1), Integer.parseInt(p.get("axis")));
            case "oneHot" -> Np.oneHot(arr(a, 0), Integer.parseInt(p.get("n")));
            case "dynamicSlice" ->
                Lax.dynamicSlice(arr(a, 0), java.util.Arrays.copyOfRange(arrays(a), 1, a.length), ints(p.get("sizes")));
            case "dynamicUpdateSlice" ->
                Lax.dynamicUpdateSlice(arr(a, 0), arr(a, 1), java.util.Arrays.copyOfRange(arrays(a), 2, a.length));
            case "matmul" -> Np.matmul(arr(a, 0), arr(a, 1));
            case "dot" -> Np.dot(arr(a, 0), arr(a, 1));
            case "outer" -> Np.outer(arr(a, 0), arr(a, 1));
            case "einsum" -> Np.einsum(p.get("spec"), arrays(a));
            default -> throw new IllegalArgumentException("no Kiln function for golden function '" + fn + "'");
        };
    }

    private static Array reshapeKeep(Array r, int rank) {
        int[] ones = new int[rank];
        java.util.Arrays.fill(ones, 1);
        return Np.reshape(r, ones);
    }

    private static Array[] arrays(Object[] a) {
        Array[] out = new Array[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (Array) a[i];
        }
        return out;
    }
}
