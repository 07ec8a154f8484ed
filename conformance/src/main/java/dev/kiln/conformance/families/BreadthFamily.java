package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Index;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Nn;
import dev.kiln.Np;
import dev.kiln.Ops;
import dev.kiln.ReduceOptions;
import dev.kiln.Special;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.spi.HostBuffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The functions added for NumPy and JAX breadth ({@code Nn}, {@code Special}, and the
 * elementwise, NaN-aware reduction and shape helpers of {@code Np}) against values and gradients
 * computed by JAX ({@code conformance/scripts/make_breadth_goldens.py} wrote {@code breadth.txt}).
 * Every line is checked eagerly; lines with gradients also check {@code Kiln.grad} of {@code
 * sum(w * f)} against {@code jax.grad}, the {@code Nn} lines also run under {@code jit}, and the
 * element-wise functions' corner-value lines also run under {@code vmap}, one element per example.
 * Bad input must raise a {@code KilnException} whose message starts with the function's name.
 */
final class BreadthFamily implements Family {
    private static final String RESOURCE = "/dev/kiln/conformance/goldens/breadth.txt";

    /** Edge cases from JAX's test suite ({@code make_edge_goldens.py}), in the same format. */
    private static final String EDGES = "/dev/kiln/conformance/goldens/edges.txt";

    /** The Np functions added later ({@code make_np_goldens.py}), in the same format. */
    private static final String MORE = "/dev/kiln/conformance/goldens/npmore.txt";

    /** Kiln's jax.lax functions ({@code make_lax_goldens.py}), in the same format. */
    private static final String LAX = "/dev/kiln/conformance/goldens/lax.txt";

    /** The special functions added with Random's distributions ({@code make_distribution_goldens.py}). */
    private static final String SPECIAL = "/dev/kiln/conformance/goldens/special.txt";

    /** The narrow dtypes, int8 to bfloat16 ({@code make_narrow_goldens.py}), in the same format. */
    private static final String NARROW = "/dev/kiln/conformance/goldens/narrow.txt";

    record Line(
            String name,
            String fn,
            Map<String, String> params,
            List<Object> inputs,
            List<HostBuffer> outputs,
            List<HostBuffer> grads,
            String error) {}

    @Override
    public String name() {
        return "breadth";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        List<Line> lines = new ArrayList<>(read(RESOURCE));
        lines.addAll(read(EDGES));
        lines.addAll(read(MORE));
        lines.addAll(read(LAX));
        lines.addAll(read(SPECIAL));
        lines.addAll(read(LaxMoreCalls.RESOURCE));
        lines.addAll(read(SpecialFunctionCalls.RESOURCE));
        lines.addAll(read(NARROW));
        for (Line l : lines) {
            if (l.error != null) {
                out.add(new Case("breadth", l.fn, Case.ANY_DTYPE, "jax raises, " + l.name, () -> rejects(l)));
                continue;
            }
            String dtype = l.outputs.get(0).spec().dtype().toString();
            String op = l.fn;
            out.add(new Case("breadth", op, dtype, "jax " + l.name, () -> value(l, false)));
            boolean staticSize = (l.fn.equals("Np.unique") || JIT_WITH_SIZE.contains(l.fn))
                    && l.params.containsKey("size")
                    && !"none".equals(l.params.get("size"));
            if (l.fn.startsWith("Nn.")
                    || (l.fn.startsWith("At.") && !l.name.contains("mask"))
                    || staticSize
                    || LaxMoreCalls.JIT.contains(l.fn)) {
                out.add(new Case("breadth", op, dtype, "jit, jax " + l.name, () -> value(l, true)));
            }
            if (!l.grads.isEmpty()) {
                out.add(new Case("breadth", op, dtype, "grad, jax " + l.name, () -> grad(l)));
            }
            if (l.name.endsWith(" corners")) {
                out.add(new Case("breadth", op, dtype, "vmap, jax " + l.name, () -> vmapped(l)));
            }
        }
        errors(out);
        return out;
    }

    private static Array m23() {
        return Np.reshape(Np.astype(Np.arange(6), DType.FLOAT32), 2, 3);
    }

    private static Array v3() {
        return Np.arange(3);
    }

    /** Bad input gets a typed Kiln error whose message starts with the public function's name. */
    private static void errors(List<Case> out) {
        Map<String, java.util.function.Supplier<Object>> bad = new java.util.LinkedHashMap<>();
        bad.put("glu", () -> Nn.glu(m23(), 1));
        bad.put("oneHot", () -> Nn.oneHot(v3(), -1));
        bad.put("dotProductAttention", () -> Nn.dotProductAttention(m23(), m23(), m23(), false));
        bad.put("celu", () -> Nn.celu(m23(), 0));
        bad.put("gcd", () -> Np.gcd(m23(), m23()));
        bad.put("cross", () -> Np.cross(m23(), Np.reshape(m23(), 3, 2)));
        bad.put("diagonal", () -> Np.diagonal(m23(), 0, 1, 1));
        bad.put("tensordot", () -> Np.tensordot(m23(), m23(), new int[] {1}, new int[] {1, 0}));
        bad.put("quantile", () -> Np.quantile(m23(), 1.5, 1, false));
        bad.put("searchsorted", () -> Np.searchsorted(m23(), v3()));
        bad.put("topK", () -> Lax.topK(m23(), 4));
        bad.put("pad", () -> Np.pad(Np.zeros(0, 3), new int[][] {{1, 1}, {0, 0}}, "reflect"));
        bad.put("meshgrid", () -> Np.meshgrid("yx", v3()));
        bad.put("average", () -> Np.average(m23(), 1, v3().reshape(3, 1)));
        bad.put("at.add", () -> m23().at(Index.of(0, 1)).add(Np.zeros(3, 3)));
        bad.put("take", () -> Np.take(m23(), v3(), 0, "raise"));
        bad.put("segmentSum", () -> Ops.segmentSum(m23(), v3(), 2));
        bad.put("unique", () -> Kiln.jit((Array a) -> Np.unique(a)).apply(m23()));
        bad.put("uniqueAll", () -> Np.uniqueAll(m23(), -1, 0));
        bad.put("nextafter", () -> Kiln.grad((Array a) -> Np.sum(Np.nextafter(a, 2.0)))
                .apply(m23()));
        bad.put("union1d", () -> Kiln.jit((Array a) -> Np.union1d(a, a)).apply(v3()));
        bad.put("setdiff1d", () -> Np.setdiff1d(v3(), v3(), false, -1, null));
        bad.put("intersect1d", () -> Kiln.jit((Array a) -> Np.intersect1d(a, a)).apply(v3()));
        bad.put("polydiv", () -> Np.polydiv(m23(), v3()));
        bad.put("polyfit", () -> Np.polyfit(Np.astype(v3(), DType.FLOAT32), v3(), -1));
        bad.put("polyfit ", () -> Np.polyfit(Np.astype(v3(), DType.FLOAT32), Np.arange(4), 1));
        bad.put("put", () -> Np.put(m23(), v3(), 1.0, "raise"));
        bad.put("putAlongAxis", () -> Np.putAlongAxis(m23(), v3(), 1.0, 1));
        bad.put("place", () -> Np.place(m23(), Np.greater(v3(), 0), v3()));
        bad.put("place ", () -> Np.place(v3(), Np.greater(v3(), 0), Np.zeros(0)));
        bad.put("compress", () -> Np.compress(Np.greater(m23(), 1.0), m23(), null));
        bad.put("compress ", () -> Np.compress(Np.greater(v3(), 0), m23(), 1, 4, 0));
        bad.put("compress  ", () -> Np.compress(Np.array(new boolean[] {true, false, true}), v3().reshape(3, 1), 1));
        bad.put("piecewise", () -> Np.piecewise(v3(), new Array[] {Np.greater(v3(), 0)}, 1, 2, 3));
        bad.put("histogramdd", () -> Np.histogramdd(v3(), 3));
        bad.put("trimZeros", () -> Kiln.jit((Array a) -> Np.trimZeros(a)).apply(v3()));
        bad.put("nonzero", () -> Kiln.jit((Array a) -> Np.nonzero(a)[0]).apply(v3()));
        bad.put("argwhere", () -> Kiln.jit((Array a) -> Np.argwhere(a)).apply(v3()));
        bad.put("bincount", () -> Kiln.jit((Array a) -> Np.bincount(a)).apply(v3()));
        bad.put("repeat", () -> Kiln.jit((Array r) -> Np.repeat(v3(), r, null)).apply(v3()));
        bad.put("repeat ", () -> Np.repeat(v3(), Np.astype(v3(), DType.FLOAT32), null));
        bad.put("quantile ", () -> Np.quantile(m23(), Np.array(0.5f), 1, false, "cubic"));
        bad.put("histogram", () -> Np.histogram(v3(), 2, null, Np.ones(2), false));
        bad.put("roll", () -> Np.roll(m23(), new int[] {1, 2, 3}, new int[] {0, 1}));
        bad.put("diff", () -> Np.diff(m23(), 1, 1, null, Np.zeros(3, 1)));
        bad.put("block", () -> Np.block(List.of(v3(), List.of(v3()))));
        bad.put("maskIndices", () -> Np.maskIndices(-1, Np::triu, 0));
        bad.put("vectorize", () -> Np.vectorize((Array v) -> Np.sum(v), "(n)->").apply(m23()));
        bad.put("vectorize ", () -> Np.vectorize((Array u, Array v) -> Np.dot(u, v), "(n),(n)->()")
                .apply(m23(), Np.ones(2, 2)));
        bad.put("vectorize  ", () -> Np.vectorize((Array v) -> Np.stack(new Array[] {v, v}, 0))
                .apply(m23()));
        bad.put("add", () -> Lax.add(m23(), Np.astype(m23(), DType.FLOAT64)));
        bad.put("add ", () -> Lax.add(m23(), 2));
        bad.put("mul", () -> Lax.mul(m23(), Np.zeros(3, 2)));
        bad.put("exp", () -> Lax.exp(v3()));
        bad.put("shiftLeft", () -> Lax.shiftLeft(m23(), m23()));
        bad.put("populationCount", () -> Lax.populationCount(m23()));
        bad.put("round", () -> Lax.round(m23(), "UP"));
        bad.put("selectN", () -> Lax.selectN(Np.ones(DType.BOOL, 2, 3), m23(), m23(), m23()));
        bad.put("squeeze", () -> Lax.squeeze(m23(), 0));
        bad.put("collapse", () -> Lax.collapse(m23(), 1, 3));
        bad.put("split", () -> Lax.split(m23(), new int[] {1, 1}, 1));
        bad.put("indexInDim", () -> Lax.indexInDim(m23(), 3, 1, false));
        bad.put("sort", () -> Lax.sort(new Array[] {m23(), v3()}, 0, 1));
        bad.put("dot", () -> Lax.dot(m23(), v3()));
        bad.put("batchMatmul", () -> Lax.batchMatmul(m23(), m23()));
        errorCases("breadth", bad, out);
        LaxMoreCalls.errors(out);
    }

    /**
     * A call JAX rejects: Kiln must raise a KilnException whose message starts with the name the
     * golden line gives (the public function's name).
     */
    private static void rejects(Line l) {
        Array[] in = arrays(l.inputs);
        try {
            call(l.fn, l.params, in);
        } catch (dev.kiln.KilnException k) {
            Check.that(
                    k.getMessage().startsWith(l.error + ":"),
                    l.fn + " (" + l.name + "): message should start with '" + l.error + ":', got: " + k.getMessage());
            return;
        }
        throw new AssertionError(l.fn + " accepted what JAX rejects (" + l.name + ") without a KilnException");
    }

    static List<Line> read(String resource) {
        List<Line> lines = new ArrayList<>();
        try (InputStream in = BreadthFamily.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("golden file " + resource + " is missing from the class path;"
                        + " regenerate it with conformance/scripts/make_breadth_goldens.py"
                        + " (edges.txt: make_edge_goldens.py)");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                if (s.isBlank() || s.startsWith("#")) {
                    continue;
                }
                String[] f = s.split("\t", -1);
                if (f.length != 6) {
                    throw new IllegalStateException("malformed line in " + resource + ": " + f.length + " fields");
                }
                boolean error = f[4].startsWith("error:");
                List<Object> inputs = new ArrayList<>();
                for (String v : f[3].split(";")) {
                    inputs.add(GoldenFamily.decode(v));
                }
                lines.add(new Line(
                        f[0],
                        f[1],
                        params(f[2]),
                        inputs,
                        error ? List.of() : buffers(f[4]),
                        f[5].equals("-") ? List.of() : buffers(f[5]),
                        error ? f[4].substring("error:".length()) : null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static List<HostBuffer> buffers(String field) {
        List<HostBuffer> out = new ArrayList<>();
        for (String v : field.split(";")) {
            out.add(GoldenFamily.decode(v));
        }
        return out;
    }

    /**
     * One case per bad call: it must throw a {@code KilnException} whose message starts with the
     * function's name (the key, stripped: keys may carry trailing spaces to name one function twice).
     */
    static void errorCases(String family, Map<String, java.util.function.Supplier<Object>> bad, List<Case> out) {
        for (var e : bad.entrySet()) {
            String fn = e.getKey().strip();
            out.add(new Case(family, "errors", Case.ANY_DTYPE, e.getKey() + " rejects bad input", () -> {
                try {
                    e.getValue().get();
                } catch (dev.kiln.KilnException k) {
                    Check.that(
                            k.getMessage().startsWith(fn + ":"),
                            "message should start with '" + fn + ":', got: " + k.getMessage());
                    return;
                }
                throw new AssertionError(fn + " accepted bad input without a KilnException");
            }));
        }
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

    static int[] ints(String s) {
        return s == null || s.isEmpty() || s.equals("none")
                ? null
                : Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static Integer axisOrNull(Map<String, String> p) {
        return p.get("axis").equals("none") ? null : Integer.valueOf(p.get("axis"));
    }

    /** A reduction called with its {@link ReduceOptions} (edges.txt: {@code reduce_options}); a[1] is the mask. */
    private static Array reduceWithOptions(Map<String, String> p, Array[] a) {
        int[] axes = ints(p.get("axes"));
        ReduceOptions o =
                (axes == null ? ReduceOptions.all() : ReduceOptions.axes(axes)).keepdims("1".equals(p.get("keepdims")));
        if (p.containsKey("dtype")) {
            o = o.dtype(DType.fromName(p.get("dtype")));
        }
        if (p.containsKey("initial")) {
            o = o.initial(Double.valueOf(p.get("initial")));
        }
        if (p.containsKey("ddof")) {
            o = o.ddof(integer(p, "ddof"));
        }
        if (a.length > 1) {
            o = o.where(a[1]);
        }
        Array x = a[0];
        return switch (p.get("op")) {
            case "sum" -> Np.sum(x, o);
            case "prod" -> Np.prod(x, o);
            case "max" -> Np.max(x, o);
            case "min" -> Np.min(x, o);
            case "mean" -> Np.mean(x, o);
            case "var" -> Np.var(x, o);
            case "std" -> Np.std(x, o);
            case "all" -> Np.all(x, o);
            case "any" -> Np.any(x, o);
            default -> throw new IllegalArgumentException("unknown reduction " + p.get("op"));
        };
    }

    private static int integer(Map<String, String> p, String key) {
        return Integer.parseInt(p.get(key));
    }

    /** The index of a spec such as {@code "@2,1:5:2,...,None"}: {@code @k} is input k as an array index. */
    private static Index[] index(Map<String, String> p, Array[] a) {
        String[] parts = p.get("idx").split(",");
        Index[] out = new Index[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            out[i] = part.startsWith("@") ? Index.of(a[Integer.parseInt(part.substring(1))]) : Index.parse(part)[0];
        }
        return out;
    }

    static Array[] arrays(List<Object> in) {
        Array[] a = new Array[in.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = Host.array((HostBuffer) in.get(i));
        }
        return a;
    }

    // ---------------------------------------------------------------- the Kiln call of each function

    /** Kiln's results for a golden function (one array, or several for divmod, modf and meshgrid). */
    static Array[] call(String fn, Map<String, String> p, Array[] a) {
        Array x = a[0];
        Object r =
                switch (fn) {
                    case "Nn.relu" -> Nn.relu(x);
                    case "Nn.relu6" -> Nn.relu6(x);
                    case "Nn.sigmoid" -> Nn.sigmoid(x);
                    case "Nn.tanh" -> Nn.tanh(x);
                    case "Nn.softplus" -> Nn.softplus(x);
                    case "Nn.softSign" -> Nn.softSign(x);
                    case "Nn.silu" -> Nn.silu(x);
                    case "Nn.mish" -> Nn.mish(x);
                    case "Nn.logSigmoid" -> Nn.logSigmoid(x);
                    case "Nn.elu" -> Nn.elu(x);
                    case "Nn.selu" -> Nn.selu(x);
                    case "Nn.celu" -> Nn.celu(x);
                    case "Nn.leakyRelu" -> Nn.leakyRelu(x);
                    case "Nn.hardTanh" -> Nn.hardTanh(x);
                    case "Nn.hardSigmoid" -> Nn.hardSigmoid(x);
                    case "Nn.hardSilu" -> Nn.hardSilu(x);
                    case "Nn.gelu" -> Nn.gelu(x, "1".equals(p.get("approximate")));
                    case "Nn.squareplus" -> Nn.squareplus(x);
                    case "Nn.sparsePlus" -> Nn.sparsePlus(x);
                    case "Nn.sparseSigmoid" -> Nn.sparseSigmoid(x);
                    case "Nn.log1mexp" -> Nn.log1mexp(x);
                    case "Nn.softmax" -> Nn.softmax(x, integer(p, "axis"));
                    case "Nn.logSoftmax" -> Nn.logSoftmax(x, integer(p, "axis"));
                    case "Nn.logsumexp" -> Nn.logsumexp(x, integer(p, "axis"));
                    case "Nn.logmeanexp" -> Nn.logmeanexp(x, new int[] {integer(p, "axis")}, false);
                    case "Nn.standardize" -> Nn.standardize(x, integer(p, "axis"));
                    case "Nn.glu" -> Nn.glu(x, integer(p, "axis"));
                    case "Nn.oneHot" -> Nn.oneHot(x, integer(p, "n"), integer(p, "axis"), DType.FLOAT32);
                    case "Nn.dotProductAttention" ->
                        Nn.dotProductAttention(
                                a[0], a[1], a[2], null, a.length > 3 ? a[3] : null, "1".equals(p.get("causal")), null);
                    case "Special.erfc" -> Special.erfc(x);
                    case "Special.erfinv" -> Special.erfinv(x);
                    case "Special.expit" -> Special.expit(x);
                    case "Special.logit" -> Special.logit(x);
                    case "Special.gammaln" -> Special.gammaln(x);
                    case "Special.digamma" -> Special.digamma(x);
                    case "Special.entr" -> Special.entr(x);
                    case "Special.ndtr" -> Special.ndtr(x);
                    case "Special.xlogy" -> Special.xlogy(a[0], a[1]);
                    case "Special.xlog1py" -> Special.xlog1py(a[0], a[1]);
                    case "Special.betaln" -> Special.betaln(a[0], a[1]);
                    case "Special.i0e" -> Special.i0e(x);
                    case "Special.i1e" -> Special.i1e(x);
                    case "Special.i0" -> Special.i0(x);
                    case "Special.i1" -> Special.i1(x);
                    case "Special.gammasgn" -> Special.gammasgn(x);
                    case "Special.gamma" -> Special.gamma(x);
                    case "Special.loggamma" -> Special.loggamma(x);
                    case "Special.factorial" -> Special.factorial(x);
                    case "Special.beta" -> Special.beta(a[0], a[1]);
                    case "Special.comb" -> Special.comb(a[0], a[1]);
                    case "Special.combRepetition" -> Special.comb(a[0], a[1], true);
                    case "Special.poch" -> Special.poch(a[0], a[1]);
                    case "Special.relEntr" -> Special.relEntr(a[0], a[1]);
                    case "Special.klDiv" -> Special.klDiv(a[0], a[1]);
                    case "Special.boxcox" -> Special.boxcox(a[0], a[1]);
                    case "Special.boxcox1p" -> Special.boxcox1p(a[0], a[1]);
                    case "Special.multigammaln" -> Special.multigammaln(x, integer(p, "d"));
                    case "Special.ndtri" -> Special.ndtri(x);
                    case "Special.erfcx" -> Special.erfcx(x);
                    case "Np.nextafter" -> Np.nextafter(a[0], a[1]);
                    case "Lax.nextafter" -> Lax.nextafter(a[0], a[1]);
                    case "Np.unique" -> unique(p, x);
                    case "Np.uniqueRows" ->
                        Kiln.vmap((Array row) -> Np.unique(row, integer(p, "size"), Double.valueOf(p.get("fill"))))
                                .apply(x);
                    case "Np.uniqueValues" -> Np.uniqueValues(x);
                    case "Np.uniqueCounts" -> parts(Np.uniqueCounts(x, null, null));
                    case "Np.uniqueInverse" -> parts(Np.uniqueInverse(x, null, null));
                    case "Np.uniqueAll" -> parts(Np.uniqueAll(x, null, null));
                    case "Np.arcsinh" -> Np.arcsinh(x);
                    case "Np.arccosh" -> Np.arccosh(x);
                    case "Np.arctanh" -> Np.arctanh(x);
                    case "Np.trunc" -> Np.trunc(x);
                    case "Np.rint" -> Np.rint(x);
                    case "Np.signbit" -> Np.signbit(x);
                    case "Np.sinc" -> Np.sinc(x);
                    case "Np.deg2rad" -> Np.deg2rad(x);
                    case "Np.rad2deg" -> Np.rad2deg(x);
                    case "Np.fabs" -> Np.fabs(x);
                    case "Np.isneginf" -> Np.isneginf(x);
                    case "Np.isposinf" -> Np.isposinf(x);
                    case "Np.modf" -> Np.modf(x);
                    case "Np.copysign" -> Np.copysign(a[0], a[1]);
                    case "Np.hypot" -> Np.hypot(a[0], a[1]);
                    case "Np.logaddexp" -> Np.logaddexp(a[0], a[1]);
                    case "Np.logaddexp2" -> Np.logaddexp2(a[0], a[1]);
                    case "Np.heaviside" -> Np.heaviside(a[0], a[1]);
                    case "Np.fmax" -> Np.fmax(a[0], a[1]);
                    case "Np.fmin" -> Np.fmin(a[0], a[1]);
                    case "Np.isclose" -> Np.isclose(a[0], a[1]);
                    case "Np.fmod" -> Np.fmod(a[0], a[1]);
                    case "Np.divmod" -> Np.divmod(a[0], a[1]);
                    case "Np.floatPower" -> Np.floatPower(a[0], a[1]);
                    case "Np.gcd" -> Np.gcd(a[0], a[1]);
                    case "Np.lcm" -> Np.lcm(a[0], a[1]);
                    case "Np.nansum" -> Np.nansum(x, ints(p.get("axes")), false);
                    case "Np.nanmean" -> Np.nanmean(x, ints(p.get("axes")), false);
                    case "Np.nanmax" -> Np.nanmax(x, ints(p.get("axes")), false);
                    case "Np.nanmin" -> Np.nanmin(x, ints(p.get("axes")), false);
                    case "Np.nanprod" -> Np.nanprod(x, ints(p.get("axes")), false);
                    case "Np.nanvar" -> Np.nanvar(x, ints(p.get("axes")), false, 0);
                    case "Np.nanstd" -> Np.nanstd(x, ints(p.get("axes")), false, 0);
                    case "Np.ptp" -> Np.ptp(x, ints(p.get("axes")), false);
                    case "Np.nanargmax" -> Np.nanargmax(x, integer(p, "axis"));
                    case "Np.nanargmin" -> Np.nanargmin(x, integer(p, "axis"));
                    case "Np.nancumsum" -> Np.nancumsum(x, integer(p, "axis"));
                    case "Np.countNonzero" -> Np.countNonzero(x, ints(p.get("axes")), false);
                    case "Np.average" -> Np.average(x, p.get("axis").equals("none") ? null : integer(p, "axis"), a[1]);
                    case "Np.diag" -> Np.diag(x, integer(p, "k"));
                    case "Np.tril" -> Np.tril(x, integer(p, "k"));
                    case "Np.triu" -> Np.triu(x, integer(p, "k"));
                    case "Np.trace" -> Np.trace(x, integer(p, "k"));
                    case "Np.diagonal" -> Np.diagonal(x, integer(p, "offset"), integer(p, "a"), integer(p, "b"));
                    case "Np.roll" ->
                        p.get("axis").equals("none")
                                ? Np.roll(x, integer(p, "shift"))
                                : Np.roll(x, integer(p, "shift"), integer(p, "axis"));
                    case "Np.rot90" -> Np.rot90(x, integer(p, "k"));
                    case "Np.tensordot" -> Np.tensordot(a[0], a[1], integer(p, "n"));
                    case "Np.inner" -> Np.inner(a[0], a[1]);
                    case "Np.vdot" -> Np.vdot(a[0], a[1]);
                    case "Np.kron" -> Np.kron(a[0], a[1]);
                    case "Np.cross" -> Np.cross(a[0], a[1]);
                    case "Np.hstack" -> Np.hstack(a);
                    case "Np.vstack" -> Np.vstack(a);
                    case "Np.dstack" -> Np.dstack(a);
                    case "Np.columnStack" -> Np.columnStack(a);
                    case "Np.atleast1d" -> Np.atleast1d(x);
                    case "Np.atleast2d" -> Np.atleast2d(x);
                    case "Np.atleast3d" -> Np.atleast3d(x);
                    case "Np.meshgrid" -> Np.meshgrid(p.get("indexing"), a);
                    case "Np.expandDims" -> Np.expandDims(x, ints(p.get("axes")));
                    case "Np.indices" -> Np.indices(ints(p.get("dims")));
                    case "Np.tri" -> Np.tri(integer(p, "n"), integer(p, "m"), integer(p, "k"), DType.FLOAT32);
                    case "At.add" -> x.at(index(p, a)).add(a[1]);
                    case "At.set" -> x.at(index(p, a)).set(a[1]);
                    case "At.multiply" -> x.at(index(p, a)).multiply(a[1]);
                    case "At.min" -> x.at(index(p, a)).min(a[1]);
                    case "At.max" -> x.at(index(p, a)).max(a[1]);
                    case "At.get" ->
                        p.containsKey("fill")
                                ? x.at(index(p, a)).get(Double.parseDouble(p.get("fill")))
                                : x.at(index(p, a)).get();
                    case "Np.index" -> Np.index(x, index(p, a));
                    case "Np.take" ->
                        p.get("axis").equals("none")
                                ? Np.take(x, a[1], p.get("mode"))
                                : Np.take(x, a[1], integer(p, "axis"), p.get("mode"));
                    case "Np.takeAlongAxis" -> Np.takeAlongAxis(x, a[1], integer(p, "axis"), p.get("mode"));
                    case "Ops.segmentSum" -> Ops.segmentSum(x, a[1], integer(p, "n"));
                    case "Ops.segmentProd" -> Ops.segmentProd(x, a[1], integer(p, "n"));
                    case "Ops.segmentMax" -> Ops.segmentMax(x, a[1], integer(p, "n"));
                    case "Ops.segmentMin" -> Ops.segmentMin(x, a[1], integer(p, "n"));
                    case "Np.sort" -> Np.sort(x, axisOrNull(p));
                    case "Np.argsort" -> Np.argsort(x, axisOrNull(p));
                    case "Np.quantile" -> Np.quantile(x, Double.parseDouble(p.get("q")), axisOrNull(p), false);
                    case "Np.nanquantile" -> Np.nanquantile(x, Double.parseDouble(p.get("q")), axisOrNull(p), false);
                    case "Np.percentile" -> Np.percentile(x, Double.parseDouble(p.get("q")), axisOrNull(p), false);
                    case "Np.median" -> Np.median(x, axisOrNull(p), false);
                    case "Np.nanmedian" -> Np.nanmedian(x, axisOrNull(p), false);
                    case "Np.searchsorted" -> Np.searchsorted(a[0], a[1], p.get("side"));
                    case "Lax.topK" -> Lax.topK(x, integer(p, "k"))[integer(p, "out")];
                    case "Np.pad" -> Np.pad(x, new int[][] {{1, 2}, {2, 3}}, p.get("mode"));
                    case "Lax.map" -> Lax.map((Array row) -> Np.sum(Np.multiply(row, row)), x);
                    case "Lax.associativeScan" ->
                        Lax.associativeScan(
                                p.get("op").equals("add") ? (u, v) -> Np.add(u, v) : (u, v) -> Np.maximum(u, v),
                                x,
                                integer(p, "axis"));
                    case "Np.arrayEqual" -> Np.arrayEqual(a[0], a[1]);
                    case "Np.arrayEquiv" -> Np.arrayEquiv(a[0], a[1]);
                    case "Np.arraySplit" -> Np.arraySplit(x, integer(p, "n"), integer(p, "axis"));
                    case "Np.hsplit" -> Np.hsplit(x, integer(p, "n"));
                    case "Np.vsplit" -> Np.vsplit(x, integer(p, "n"));
                    case "Np.broadcastArrays" -> Np.broadcastArrays(a);
                    case "Np.cumulativeSum" -> Np.cumulativeSum(x, integer(p, "axis"), "1".equals(p.get("initial")));
                    case "Np.cumulativeProd" -> Np.cumulativeProd(x, integer(p, "axis"), "1".equals(p.get("initial")));
                    case "Np.diff" -> Np.diff(x, integer(p, "n"), integer(p, "axis"));
                    case "Np.ediff1d" -> Np.ediff1d(x);
                    case "Np.diagflat" -> Np.diagflat(x, integer(p, "k"));
                    case "Np.fillDiagonal" -> Np.fillDiagonal(x, 7.0);
                    case "Np.isin" -> Np.isin(a[0], a[1]);
                    case "Np.ldexp" -> Np.ldexp(a[0], a[1]);
                    case "Np.trapezoid" -> Np.trapezoid(x, Double.parseDouble(p.get("dx")), integer(p, "axis"));
                    case "Np.interp" -> Np.interp(a[0], a[1], a[2]);
                    case "Np.digitize" -> Np.digitize(a[0], a[1], "1".equals(p.get("right")));
                    case "Np.select" -> Np.select(new Array[] {a[0], a[1]}, new Array[] {a[2], a[3]}, -1.0);
                    case "Np.polyval" -> Np.polyval(a[0], a[1]);
                    case "Np.polyadd" -> Np.polyadd(a[0], a[1]);
                    case "Np.polysub" -> Np.polysub(a[0], a[1]);
                    case "Np.polymul" -> Np.polymul(a[0], a[1]);
                    case "Np.polyder" -> Np.polyder(x, integer(p, "m"));
                    case "Np.polyint" -> Np.polyint(x, integer(p, "m"));
                    case "Np.convolve" -> Np.convolve(a[0], a[1], p.get("mode"));
                    case "Np.correlate" -> Np.correlate(a[0], a[1], p.get("mode"));
                    case "Np.cov" -> Np.cov(x);
                    case "Np.corrcoef" -> Np.corrcoef(x);
                    case "Np.vander" -> Np.vander(x, integer(p, "n"), "1".equals(p.get("increasing")));
                    case "Np.unstack" -> Np.unstack(x, integer(p, "axis"));
                    case "Np.resize" -> Np.resize(x, ints(p.get("shape")));
                    case "Np.rollaxis" -> Np.rollaxis(x, integer(p, "axis"), integer(p, "start"));
                    case "Np.append" -> Np.append(a[0], a[1], axisOrNull(p));
                    case "Np.delete" -> Np.delete(x, ints(p.get("idx")), integer(p, "axis"));
                    case "Np.vecdot" -> Np.vecdot(a[0], a[1]);
                    case "Np.matvec" -> Np.matvec(a[0], a[1]);
                    case "Np.vecmat" -> Np.vecmat(a[0], a[1]);
                    case "Np.lexsort" -> Np.lexsort(a);
                    case "Np.flatnonzero" -> Np.flatnonzero(x, integer(p, "size"), -1);
                    case "Np.argwhere" -> Np.argwhere(x, integer(p, "size"), -1);
                    case "Np.applyAlongAxis" ->
                        Np.applyAlongAxis(row -> Np.sum(Np.multiply(row, row)), integer(p, "axis"), x);
                    case "Np.hamming" -> Np.hamming(integer(p, "n"));
                    case "Np.hanning" -> Np.hanning(integer(p, "n"));
                    case "Np.blackman" -> Np.blackman(integer(p, "n"));
                    case "Np.bartlett" -> Np.bartlett(integer(p, "n"));
                    case "Np.geomspace" -> Np.geomspace(1, 1000, 7);
                    case "Np.logspace" -> Np.logspace(0, 3, 5, 2.0);
                    case "Np.triuIndices" -> Np.triuIndices(integer(p, "n"), integer(p, "k"), integer(p, "m"));
                    case "Np.trilIndices" -> Np.trilIndices(integer(p, "n"), integer(p, "k"), integer(p, "m"));
                    case "Np.bincount" ->
                        a.length > 1 ? Np.bincount(a[0], a[1], integer(p, "n")) : Np.bincount(x, integer(p, "n"));
                    case "Np.unravelIndex" -> Np.unravelIndex(x, ints(p.get("shape")));
                    case "Np.ravelMultiIndex" -> Np.ravelMultiIndex(a, ints(p.get("shape")));
                    case "Np.partition" -> Np.partition(x, integer(p, "kth"), integer(p, "axis"));
                    case "Np.argpartition" -> Np.argpartition(x, integer(p, "kth"), integer(p, "axis"));
                    case "Np.angle" -> Np.angle(x);
                    case "Np.histogram" -> Np.histogram(x, integer(p, "bins"));
                    case "Np.histogramBinEdges" -> Np.histogramBinEdges(x, integer(p, "bins"));
                    case "Np.gradient" -> Np.gradient(x, integer(p, "axis"));
                    case "Np.choose" -> Np.choose(a[0], Arrays.copyOfRange(a, 1, a.length));
                    case "Np.applyOverAxes" -> Np.applyOverAxes((u, ax) -> Np.sum(u, ax), x, ints(p.get("axes")));
                    case "Np.poly" -> Np.poly(x);
                    case "Np.unwrap" -> Np.unwrap(x, integer(p, "axis"));
                    case "Np.insert" -> Np.insert(x, integer(p, "index"), 9.5, integer(p, "axis"));
                    case "Np.ix" -> Np.ix(a);
                    case "Np.diagIndicesFrom" -> Np.diagIndicesFrom(x);
                    case "Np.trilIndicesFrom" -> Np.trilIndicesFrom(x, integer(p, "k"));
                    case "Np.triuIndicesFrom" -> Np.triuIndicesFrom(x, integer(p, "k"));
                    // npmore.txt
                    case "Np.union1d" ->
                        size(p) == null ? Np.union1d(a[0], a[1]) : Np.union1d(a[0], a[1], size(p), fill(p));
                    case "Np.setdiff1d" -> Np.setdiff1d(a[0], a[1], "1".equals(p.get("unique")), size(p), fill(p));
                    case "Np.setxor1d" -> Np.setxor1d(a[0], a[1], false, size(p), fill(p));
                    case "Np.intersect1d" -> Np.intersect1d(a[0], a[1], false, size(p), fill(p));
                    case "Np.intersect1dWithIndices" -> Np.intersect1dWithIndices(a[0], a[1], false, size(p), fill(p));
                    case "Np.frexp" -> Np.frexp(x);
                    case "Np.spacing" -> Np.spacing(x);
                    case "Np.polydiv" -> Np.polydiv(a[0], a[1]);
                    case "Np.polyfit" -> Np.polyfit(a[0], a[1], integer(p, "deg"));
                    case "Np.kaiser" -> Np.kaiser(integer(p, "n"), Double.parseDouble(p.get("beta")));
                    case "Np.put" -> Np.put(a[0], a[1], a[2], p.get("mode").equals("none") ? null : p.get("mode"));
                    case "Np.putAlongAxis" -> Np.putAlongAxis(a[0], a[1], a[2], axisOrNull(p));
                    case "Np.place" -> Np.place(a[0], a[1], a[2]);
                    case "Np.compress" ->
                        size(p) == null
                                ? Np.compress(a[0], a[1], axisOrNull(p))
                                : Np.compress(a[0], a[1], axisOrNull(p), size(p), fill(p));
                    case "Np.extract" ->
                        size(p) == null ? Np.extract(a[0], a[1]) : Np.extract(a[0], a[1], size(p), fill(p));
                    case "Np.piecewise" ->
                        integer(p, "n") == 3
                                ? Np.piecewise(
                                        x,
                                        new Array[] {Np.less(x, -1.0), Np.greater(x, 1.0)},
                                        (Function<Array, Array>) Np::negative,
                                        (Function<Array, Array>) t -> Np.multiply(t, t),
                                        0.5)
                                : Np.piecewise(
                                        x,
                                        new Array[] {Np.less(x, 0.0), Np.greater(x, -2.0)},
                                        (Function<Array, Array>) Np::sin,
                                        4.0);
                    case "Np.histogram2d" -> Np.histogram2d(a[0], a[1], integer(p, "bins"));
                    case "Np.histogramdd" -> Np.histogramdd(x, integer(p, "bins"));
                    case "Np.maskIndices" ->
                        Np.maskIndices(
                                integer(p, "n"), p.get("f").equals("triu") ? Np::triu : Np::tril, integer(p, "k"));
                    case "Np.block" ->
                        p.get("form").equals("2d")
                                ? Np.block(List.of(List.of(a[0], a[1]), List.of(a[2])))
                                : Np.block(List.of(a[0], a[1]));
                    case "Np.trimZeros" -> Np.trimZeros(x, p.get("trim"));
                    case "Np.vectorize" -> vectorized(p.get("form"), a);
                    // lax.txt
                    case "Lax.add" -> Lax.add(a[0], a[1]);
                    case "Lax.sub" -> Lax.sub(a[0], a[1]);
                    case "Lax.mul" -> Lax.mul(a[0], a[1]);
                    case "Lax.div" -> Lax.div(a[0], a[1]);
                    case "Lax.rem" -> Lax.rem(a[0], a[1]);
                    case "Lax.max" -> Lax.max(a[0], a[1]);
                    case "Lax.min" -> Lax.min(a[0], a[1]);
                    case "Lax.eq" -> Lax.eq(a[0], a[1]);
                    case "Lax.ne" -> Lax.ne(a[0], a[1]);
                    case "Lax.lt" -> Lax.lt(a[0], a[1]);
                    case "Lax.le" -> Lax.le(a[0], a[1]);
                    case "Lax.gt" -> Lax.gt(a[0], a[1]);
                    case "Lax.ge" -> Lax.ge(a[0], a[1]);
                    case "Lax.atan2" -> Lax.atan2(a[0], a[1]);
                    case "Lax.pow" -> Lax.pow(a[0], a[1]);
                    case "Lax.integerPow" -> Lax.integerPow(x, integer(p, "y"));
                    case "Lax.bitwiseAnd" -> Lax.bitwiseAnd(a[0], a[1]);
                    case "Lax.bitwiseOr" -> Lax.bitwiseOr(a[0], a[1]);
                    case "Lax.bitwiseXor" -> Lax.bitwiseXor(a[0], a[1]);
                    case "Lax.bitwiseNot" -> Lax.bitwiseNot(x);
                    case "Lax.populationCount" -> Lax.populationCount(x);
                    case "Lax.clz" -> Lax.clz(x);
                    case "Lax.shiftLeft" -> Lax.shiftLeft(a[0], a[1]);
                    case "Lax.shiftRightArithmetic" -> Lax.shiftRightArithmetic(a[0], a[1]);
                    case "Lax.shiftRightLogical" -> Lax.shiftRightLogical(a[0], a[1]);
                    case "Lax.round" -> Lax.round(x, p.get("method"));
                    case "Lax.neg" -> Lax.neg(x);
                    case "Lax.abs" -> Lax.abs(x);
                    case "Lax.sign" -> Lax.sign(x);
                    case "Lax.floor" -> Lax.floor(x);
                    case "Lax.ceil" -> Lax.ceil(x);
                    case "Lax.isFinite" -> Lax.isFinite(x);
                    case "Lax.square" -> Lax.square(x);
                    case "Lax.reciprocal" -> Lax.reciprocal(x);
                    case "Lax.exp" -> Lax.exp(x);
                    case "Lax.exp2" -> Lax.exp2(x);
                    case "Lax.log" -> Lax.log(x);
                    case "Lax.log1p" -> Lax.log1p(x);
                    case "Lax.expm1" -> Lax.expm1(x);
                    case "Lax.sqrt" -> Lax.sqrt(x);
                    case "Lax.rsqrt" -> Lax.rsqrt(x);
                    case "Lax.cbrt" -> Lax.cbrt(x);
                    case "Lax.sin" -> Lax.sin(x);
                    case "Lax.cos" -> Lax.cos(x);
                    case "Lax.tan" -> Lax.tan(x);
                    case "Lax.asin" -> Lax.asin(x);
                    case "Lax.acos" -> Lax.acos(x);
                    case "Lax.atan" -> Lax.atan(x);
                    case "Lax.sinh" -> Lax.sinh(x);
                    case "Lax.cosh" -> Lax.cosh(x);
                    case "Lax.tanh" -> Lax.tanh(x);
                    case "Lax.asinh" -> Lax.asinh(x);
                    case "Lax.acosh" -> Lax.acosh(x);
                    case "Lax.atanh" -> Lax.atanh(x);
                    case "Lax.logistic" -> Lax.logistic(x);
                    case "Lax.erf" -> Lax.erf(x);
                    case "Lax.erfc" -> Lax.erfc(x);
                    case "Lax.erfInv" -> Lax.erfInv(x);
                    case "Lax.lgamma" -> Lax.lgamma(x);
                    case "Lax.digamma" -> Lax.digamma(x);
                    case "Lax.selectN" -> Lax.selectN(x, Arrays.copyOfRange(a, 1, a.length));
                    case "Lax.clamp" -> Lax.clamp(a[0], a[1], a[2]);
                    case "Lax.broadcast" -> Lax.broadcast(x, ints(p.get("sizes")));
                    case "Lax.broadcastToRank" -> Lax.broadcastToRank(x, integer(p, "rank"));
                    case "Lax.broadcastedIota" -> Lax.broadcastedIota(DType.INT32, x.shape(), integer(p, "dim"));
                    case "Lax.expandDims" -> Lax.expandDims(x, ints(p.get("dims")));
                    case "Lax.squeeze" -> Lax.squeeze(x, ints(p.get("dims")));
                    case "Lax.collapse" -> Lax.collapse(x, integer(p, "start"), integer(p, "stop"));
                    case "Lax.fullLike" -> Lax.fullLike(x, Double.parseDouble(p.get("fill")));
                    case "Lax.dynamicSliceInDim" ->
                        Lax.dynamicSliceInDim(x, integer(p, "start"), integer(p, "size"), integer(p, "axis"));
                    case "Lax.dynamicIndexInDim" ->
                        Lax.dynamicIndexInDim(x, integer(p, "start"), integer(p, "axis"), "1".equals(p.get("keep")));
                    case "Lax.dynamicUpdateSliceInDim" ->
                        Lax.dynamicUpdateSliceInDim(a[0], a[1], integer(p, "start"), integer(p, "axis"));
                    case "Lax.indexInDim" ->
                        Lax.indexInDim(x, integer(p, "index"), integer(p, "axis"), "1".equals(p.get("keep")));
                    case "Lax.split" -> Lax.split(x, ints(p.get("sizes")), integer(p, "axis"));
                    case "Lax.reduceMax" -> Lax.reduceMax(x, ints(p.get("axes")));
                    case "Lax.reduceMin" -> Lax.reduceMin(x, ints(p.get("axes")));
                    case "Lax.reduceProd" -> Lax.reduceProd(x, ints(p.get("axes")));
                    case "Lax.reduceAnd" -> Lax.reduceAnd(x, ints(p.get("axes")));
                    case "Lax.reduceOr" -> Lax.reduceOr(x, ints(p.get("axes")));
                    case "Lax.reduceXor" -> Lax.reduceXor(x, ints(p.get("axes")));
                    case "Lax.argmax" -> Lax.argmax(x, integer(p, "axis"), DType.INT32);
                    case "Lax.argmin" -> Lax.argmin(x, integer(p, "axis"), DType.INT32);
                    case "Lax.sort" ->
                        integer(p, "n") == 1
                                ? Lax.sort(x, integer(p, "dim"))
                                : Lax.sort(a, integer(p, "dim"), integer(p, "keys"));
                    case "Lax.sortKeyVal" -> Lax.sortKeyVal(a[0], a[1], integer(p, "dim"));
                    case "Lax.dot" -> Lax.dot(a[0], a[1]);
                    case "Lax.batchMatmul" -> Lax.batchMatmul(a[0], a[1]);
                    // narrow dtypes (narrow.txt)
                    case "Np.add" -> Np.add(a[0], a[1]);
                    case "Np.addScalar" ->
                        p.containsKey("int")
                                ? Np.add(x, Integer.valueOf(p.get("int")))
                                : Np.add(x, Double.valueOf(p.get("float")));
                    // edge cases (edges.txt)
                    case "Np.mod" -> Np.mod(a[0], a[1]);
                    case "Np.floorDivide" -> Np.floorDivide(a[0], a[1]);
                    case "Np.leftShift" -> Np.leftShift(a[0], a[1]);
                    case "Np.rightShift" -> Np.rightShift(a[0], a[1]);
                    case "Np.astype" -> Np.astype(x, DType.fromName(p.get("dtype")));
                    case "Np.abs" -> Np.abs(x);
                    case "Np.powerInt" -> Np.power(x, Integer.valueOf(p.get("exp")));
                    case "Np.sum" -> Np.sum(x, ints(p.get("axes")), "1".equals(p.get("keepdims")));
                    case "Np.prod" -> Np.prod(x, ints(p.get("axes")), "1".equals(p.get("keepdims")));
                    case "Np.mean" -> Np.mean(x, ints(p.get("axes")), "1".equals(p.get("keepdims")));
                    case "Np.max" -> Np.max(x, ints(p.get("axes")), "1".equals(p.get("keepdims")));
                    case "Np.var" -> Np.var(x, ints(p.get("axes")), false, integer(p, "ddof"));
                    case "Np.std" -> Np.std(x, ints(p.get("axes")), false, integer(p, "ddof"));
                    case "Np.argmax" -> axisOrNull(p) == null ? Np.argmax(x) : Np.argmax(x, axisOrNull(p));
                    case "Np.argmin" -> axisOrNull(p) == null ? Np.argmin(x) : Np.argmin(x, axisOrNull(p));
                    case "Np.cummax" -> Np.cummax(x, integer(p, "axis"));
                    case "Np.cumsum" -> Np.cumsum(x, integer(p, "axis"));
                    case "Np.round" -> Np.round(x, integer(p, "decimals"));
                    case "Np.clip" -> Np.clip(x, Double.valueOf(p.get("lo")), Double.valueOf(p.get("hi")));
                    case "Np.sortDefault" -> Np.sort(x);
                    case "Np.argsortDefault" -> Np.argsort(x);
                    case "Np.linspaceInt" ->
                        Np.linspace(integer(p, "start"), integer(p, "stop"), integer(p, "num"), true, DType.INT32);
                    case "Np.splitAt" -> Np.splitAt(x, ints(p.get("idx")), integer(p, "axis"));
                    case "Lax.transpose" -> Lax.transpose(x, ints(p.get("perm")));
                    case "Np.reduceOpts" -> reduceWithOptions(p, a);
                    case "Np.nonzeroEager" -> Np.nonzero(x);
                    case "Np.argwhereEager" -> Np.argwhere(x);
                    case "Np.flatnonzeroEager" -> Np.flatnonzero(x);
                    case "Np.bincountEager" -> a.length == 1 ? Np.bincount(x) : Np.bincount(a[0], a[1]);
                    case "Np.bincountKeywords" ->
                        Np.bincount(
                                a[0],
                                a.length > 1 ? a[1] : null,
                                Integer.parseInt(p.get("minlength")),
                                "none".equals(p.get("length")) ? null : Integer.valueOf(p.get("length")));
                    case "Np.repeatEach" ->
                        p.containsKey("total")
                                ? Np.repeat(a[0], a[1], axisOrNull(p), integer(p, "total"))
                                : Np.repeat(a[0], a[1], axisOrNull(p));
                    case "Np.diffEnds" ->
                        Np.diff(
                                a[0],
                                integer(p, "n"),
                                integer(p, "axis"),
                                p.containsKey("prepend") ? Integer.valueOf(p.get("prepend")) : null,
                                a.length > 1 ? a[1] : null);
                    case "Np.rollMulti" -> Np.roll(x, ints(p.get("shifts")), ints(p.get("axes")));
                    case "Np.quantileMethod" ->
                        Np.quantile(a[0], a[1], axisOrNull(p), "1".equals(p.get("keepdims")), p.get("method"));
                    case "Np.percentileMethod" ->
                        Np.percentile(a[0], a[1], axisOrNull(p), "1".equals(p.get("keepdims")), p.get("method"));
                    case "Np.nanquantileMethod" ->
                        Np.nanquantile(a[0], a[1], axisOrNull(p), "1".equals(p.get("keepdims")), p.get("method"));
                    case "Np.histogramOpts" ->
                        Np.histogram(
                                a[0],
                                integer(p, "bins"),
                                p.containsKey("lo")
                                        ? new double[] {Double.parseDouble(p.get("lo")), Double.parseDouble(p.get("hi"))
                                        }
                                        : null,
                                a.length > 1 ? a[1] : null,
                                "1".equals(p.get("density")));
                    case "Np.histogramEdges" -> Np.histogram(a[0], a[1], null, "1".equals(p.get("density")));
                    case "Np.cumOpts" ->
                        p.get("op").equals("cumsum")
                                ? Np.cumsum(x, axisOrNull(p), DType.fromName(p.get("dtype")))
                                : Np.cumprod(x, axisOrNull(p), DType.fromName(p.get("dtype")));
                    default -> {
                        Object special = SpecialFunctionCalls.call(fn, a);
                        yield special != null ? special : LaxMoreCalls.call(fn, p, a);
                    }
                };
        return r instanceof Array one ? new Array[] {one} : (Array[]) r;
    }

    /** The functions make_np_goldens.py vectorizes, by form. */
    private static Array vectorized(String form, Array[] a) {
        return switch (form) {
            case "scalar" ->
                Np.vectorize((Array v) -> Np.where(Np.greater(v, 0.0), Np.multiply(v, v), Np.sin(v)))
                        .apply(a[0]);
            case "norm" ->
                Np.vectorize((Array v) -> Np.sum(Np.multiply(v, v)), "(n)->()").apply(a[0]);
            case "dot" ->
                Np.vectorize((Array u, Array v) -> Np.dot(u, v), "(n),(n)->()").apply(a[0], a[1]);
            case "pair" ->
                Np.vectorize((Array v) -> Np.stack(new Array[] {v, Np.add(Np.multiply(v, 2.0), 1.0)}, 0), "()->(k)")
                        .apply(a[0]);
            case "matvec" ->
                Np.vectorize((Array u, Array v) -> Np.matmul(u, v), "(m,n),(n)->(m)")
                        .apply(a[0], a[1]);
            default -> throw new IllegalArgumentException("no vectorized form " + form);
        };
    }

    private static Integer size(Map<String, String> p) {
        String s = p.get("size");
        return s == null || s.equals("none") ? null : Integer.valueOf(s);
    }

    private static Number fill(Map<String, String> p) {
        String s = p.get("fill");
        return s == null || s.equals("none") ? null : Double.valueOf(s);
    }

    /** {@code Np.unique} with the golden line's options; its results in JAX's order. */
    private static Array[] unique(Map<String, String> p, Array x) {
        Integer size = p.get("size").equals("none") ? null : integer(p, "size");
        Number fill = p.get("fill").equals("none") ? null : Double.valueOf(p.get("fill"));
        boolean index = "1".equals(p.get("index"));
        boolean inverse = "1".equals(p.get("inverse"));
        boolean counts = "1".equals(p.get("counts"));
        if (!index && !inverse && !counts && "1".equals(p.get("equalNan"))) {
            return new Array[] {size == null ? Np.unique(x) : Np.unique(x, size, fill)};
        }
        return parts(Np.unique(x, index, inverse, counts, "1".equals(p.get("equalNan")), size, fill));
    }

    /** The components of a {@link dev.kiln.Unique} that were asked for, in JAX's order. */
    private static Array[] parts(dev.kiln.Unique u) {
        return java.util.stream.Stream.of(u.values(), u.indices(), u.inverseIndices(), u.counts())
                .filter(java.util.Objects::nonNull)
                .toArray(Array[]::new);
    }

    // ---------------------------------------------------------------- tolerances

    /**
     * Ulps allowed for a function's value against JAX's, beyond which a relative bound of the
     * composite rule applies (see {@link #rule}). Measured against JAX 0.10.2; functions that
     * are a short chain of correctly rounded operations get the default.
     */
    private static long ulps(String fn) {
        return switch (fn) {
            // JAX's float32 tanh is up to 6 ulps off (make_goldens.py --measure), and gelu's
            // derivative multiplies that error by the chain's terms
            case "Nn.gelu" -> 32;
            case "Special.erfc", "Special.ndtr" -> 8;
            case "Special.gammaln", "Special.digamma", "Special.betaln", "Special.loggamma", "Special.multigammaln" ->
                16;
            // exp(gammaln): gammaln's absolute error of a few eps times its magnitude (up to ~70
            // for arguments near 30) becomes a relative error of that size in the result
            case "Special.gamma", "Special.factorial", "Special.beta" -> 256;
            // exp of a difference of three gammaln values of up to ~6000 (arguments near 1000 among
            // the corner pairs): the error is that magnitude times eps, relative; measured 923 ulps
            case "Special.comb", "Special.combRepetition", "Special.poch" -> 1024;
            // the derivative in lambda, (x^l log x) / l - expm1(l log x) / l^2, cancels for small l;
            // measured 60 ulps (float32)
            case "Special.boxcox", "Special.boxcox1p" -> 64;
            // erfcx' = 2x erfcx(x) - 2/sqrt(pi) cancels near x = 1.5 (terms ~1.1, result ~0.002);
            // measured 553 ulps (float64)
            case "Special.erfcx" -> 1024;
            case "Special.erfinv" -> 4;
            default -> SpecialFunctionCalls.ulps(fn);
        };
    }

    /** The rule for a value: ulps element-wise, or the composite rule relative to the largest magnitude. */
    private static Rule rule(String fn, DType t) {
        if (!t.isFloating() || EXACT.contains(fn)) {
            return Tolerance.exact();
        }
        Rule composite = Tolerance.composite(softmaxPrecision(fn, t));
        return new Rule(ulps(fn), 0, composite.relative(), false, composite.scaleName());
    }

    /**
     * The dtype whose precision bounds a function's result: attention runs its softmax in float32
     * for every input dtype (as jax.nn.dot_product_attention does), so float64 attention is only
     * float32-accurate on both sides.
     */
    private static DType softmaxPrecision(String fn, DType t) {
        return fn.equals("Nn.dotProductAttention") ? DType.FLOAT32 : t;
    }

    /**
     * The rule for a gradient: {@link Tolerance#derivative}, and for the softmax family, whose
     * gradient {@code y (w - sum(y w))} cancels where {@code y} is small, four times its relative
     * bound (the terms are up to 4 times the largest gradient element in these cases).
     */
    private static Rule gradRule(String fn, DType t) {
        Rule d = Tolerance.derivative(softmaxPrecision(fn, t)).plusUlps(ulps(fn) + SpecialFunctionCalls.gradUlps(fn));
        return switch (fn) {
            case "Nn.softmax", "Nn.logSoftmax", "Nn.dotProductAttention" ->
                new Rule(d.ulps(), 0, 4 * d.relative(), false, d.scaleName());
            default -> d;
        };
    }

    // ---------------------------------------------------------------- the checks

    private static void value(Line l, boolean jit) {
        Array[] in = arrays(l.inputs);
        Function<Array[], Array[]> f = a -> call(l.fn, l.params, a);
        Array[] actual = jit
                ? Kiln.jit((List<Array> a) -> Arrays.asList(f.apply(a.toArray(new Array[0]))))
                        .apply(Arrays.asList(in))
                        .toArray(new Array[0])
                : f.apply(in);
        if (actual.length != l.outputs.size()) {
            throw new AssertionError(l.fn + ": " + actual.length + " results where JAX gave " + l.outputs.size());
        }
        for (int i = 0; i < actual.length; i++) {
            HostBuffer e = l.outputs.get(i);
            HostBuffer got = flushLikeXla(e, actual[i].toHost());
            Check.same(
                    l.fn + " vs JAX (" + l.name + ")" + (actual.length > 1 ? " result " + i : ""),
                    e,
                    got,
                    rule(l.fn, e.spec().dtype()),
                    e.spec().dtype().isFloating() ? scale(l, e) : null);
        }
    }

    /**
     * An element-wise function batched by {@code vmap} over its (1-d) input, one 0-d element per
     * example, against JAX's values: the batching rules of every piece of the composite.
     */
    private static void vmapped(Line l) {
        Array x = arrays(l.inputs)[0];
        Array[] actual = Kiln.vmap((Array e) -> Arrays.asList(call(l.fn, l.params, new Array[] {e})))
                .apply(x)
                .toArray(new Array[0]);
        for (int i = 0; i < actual.length; i++) {
            HostBuffer e = l.outputs.get(i);
            Check.same(
                    l.fn + " under vmap vs JAX (" + l.name + ")",
                    e,
                    flushLikeXla(e, actual[i].toHost()),
                    Tolerance.twoWays(rule(l.fn, e.spec().dtype())),
                    e.spec().dtype().isFloating() ? scale(l, e) : null);
        }
    }

    /** Functions that also run under {@code jit} when their golden line gives a static size. */
    private static final java.util.Set<String> JIT_WITH_SIZE = java.util.Set.of(
            "Np.union1d",
            "Np.setdiff1d",
            "Np.setxor1d",
            "Np.intersect1d",
            "Np.intersect1dWithIndices",
            "Np.compress",
            "Np.extract");

    /** Functions whose results are selected, not computed: bit for bit (NaN matches any NaN). */
    private static final java.util.Set<String> EXACT = java.util.Set.of(
            "Lax.bitcastConvertType",
            "Np.finfo",
            "Np.iinfo",
            "Lax.gather",
            "Np.union1d",
            "Np.setdiff1d",
            "Np.setxor1d",
            "Np.intersect1d",
            "Np.intersect1dWithIndices",
            "Np.frexp",
            "Np.spacing",
            "Np.put",
            "Np.putAlongAxis",
            "Np.place",
            "Np.compress",
            "Np.extract",
            "Np.trimZeros",
            "Np.block",
            "Np.maskIndices",
            "Np.nextafter",
            "Lax.nextafter",
            "Np.unique",
            "Np.uniqueRows",
            "Np.uniqueValues",
            "Np.uniqueCounts",
            "Np.uniqueInverse",
            "Np.uniqueAll");

    /** Reductions whose results may cancel: their error is relative to the terms, not the result. */
    private static final java.util.Set<String> SUMS = java.util.Set.of(
            "Np.average",
            "Np.nansum",
            "Np.nanmean",
            "Np.nanvar",
            "Np.nanstd",
            "Np.nancumsum",
            "Np.nanprod",
            "Np.tensordot",
            "Np.inner",
            "Np.vdot",
            "Np.trace",
            "Nn.standardize",
            "Np.cumulativeSum",
            "Np.cumulativeProd",
            "Np.trapezoid",
            "Np.polyval",
            "Np.polymul",
            "Np.convolve",
            "Np.correlate",
            "Np.cov",
            "Np.corrcoef",
            "Np.vecdot",
            "Np.matvec",
            "Np.vecmat",
            "Np.applyAlongAxis",
            "Np.interp",
            "Lax.map",
            "Lax.associativeScan",
            "Np.bincount");

    /**
     * The per-element scale of the relative bound: the largest magnitude of the result, or for
     * sums and products of many terms the number of terms times the largest input magnitudes (a
     * bound on the sum of |terms| that a summation's rounding error is relative to).
     */
    private static double[] scale(Line l, HostBuffer expected) {
        double[] s = Tolerance.maxMagnitude(Host.doubles(expected));
        if (!SUMS.contains(l.fn)) {
            return s;
        }
        double bound = 1;
        long terms = 1;
        for (Object o : l.inputs) {
            HostBuffer h = (HostBuffer) o;
            double max = 0;
            for (double v : Host.doubles(h)) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, Math.abs(v));
                }
            }
            bound *= Math.max(max, 1);
            terms = Math.max(terms, h.spec().size());
        }
        double b = bound * terms;
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.max(s[i], b);
        }
        return s;
    }

    private static void grad(Line l) {
        gradients(
                l,
                args -> call(l.fn, l.params, args)[0],
                e -> gradRule(l.fn, e.spec().dtype()),
                (e, a) -> a);
    }

    /**
     * Checks a golden line's gradients: {@code grad} of {@code sum(weights * f(args))} in the arguments
     * its {@code wrt} names, against the {@code jax.grad} values it records, with {@code rule} of each
     * expected gradient ({@code shown} may adjust Kiln's value first, as XLA's flushing).
     */
    static void gradients(
            Line l,
            Function<Array[], Array> f,
            Function<HostBuffer, Rule> rule,
            java.util.function.BinaryOperator<HostBuffer> shown) {
        Array[] in = arrays(l.inputs);
        int[] wrt = ints(l.params.get("wrt"));
        Array w = Host.array(weights(l.outputs.get(0)));
        Function<List<Array>, Array> loss = diff -> {
            Array[] args = in.clone();
            for (int k = 0; k < wrt.length; k++) {
                args[wrt[k]] = diff.get(k);
            }
            return Np.sum(Np.multiply(w, f.apply(args)));
        };
        List<Array> primals = new ArrayList<>();
        for (int k : wrt) {
            primals.add(in[k]);
        }
        List<Array> grads = Kiln.grad(loss).apply(primals);
        for (int k = 0; k < wrt.length; k++) {
            HostBuffer e = l.grads.get(k);
            Check.same(
                    l.fn + " gradient " + k + " vs jax.grad (" + l.name + ")",
                    e,
                    shown.apply(e, grads.get(k).toHost()),
                    rule.apply(e),
                    Tolerance.maxMagnitude(Host.doubles(e)));
        }
    }

    /** {@code cos(1 + i)} over the flattened output, in its dtype: the script's cotangent. */
    static HostBuffer weights(HostBuffer out) {
        HostBuffer w = HostBuffer.allocate(out.spec());
        for (int i = 0; i < out.spec().size(); i++) {
            double v = Math.cos(1.0 + i);
            switch (out.spec().dtype()) {
                // float16 and bfloat16 are rounded from float32 when the buffer becomes an array
                case FLOAT32, FLOAT16, BFLOAT16 -> ((float[]) w.data())[i] = (float) v;
                case FLOAT64 -> ((double[]) w.data())[i] = v;
                default -> throw new IllegalStateException("gradients of a non-float output: " + out.spec());
            }
        }
        return w;
    }

    /** As in the goldens family: XLA flushes subnormal results to zero, Java keeps them. */
    static HostBuffer flushLikeXla(HostBuffer expected, HostBuffer actual) {
        DType t = actual.spec().dtype();
        if (!t.isFloating()
                || expected.spec().dtype() != t
                || expected.spec().size() != actual.spec().size()) {
            return actual;
        }
        // bfloat16 shares float32's exponent range (so its subnormals flush); float16's subnormals are
        // float32 normals, which XLA keeps
        double minNormal = t == DType.FLOAT32 || t == DType.BFLOAT16
                ? Float.MIN_NORMAL
                : t == DType.FLOAT16 ? 0 : Double.MIN_NORMAL;
        HostBuffer out = HostBuffer.allocate(actual.spec());
        for (int i = 0; i < actual.spec().size(); i++) {
            double a = actual.getDouble(i);
            boolean flush = expected.getDouble(i) == 0 && a != 0 && Math.abs(a) <= minNormal;
            HostOps.copy(flush ? expected : actual, i, out, i);
        }
        return out;
    }
}
