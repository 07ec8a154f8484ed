package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Convolutions and window reductions ({@code Lax.convGeneralDilated}, {@code conv}, {@code
 * convWithGeneralPadding}, {@code convTranspose}, {@code reduceWindow}) against {@code jax.lax}
 * ({@code conformance/scripts/make_conv_goldens.py} wrote {@code conv.txt}, in the breadth family's
 * format). Every line is checked eagerly; lines with gradients also check {@code Kiln.grad} of
 * {@code sum(w * f)} against {@code jax.grad}, every third line runs under {@code jit}, and every
 * third floating line under {@code vmap} over a stacked pair of inputs chosen so that mixing the
 * pair's members would show. Results are held to the contraction rule relative to the result's
 * largest magnitude; window max and min, exact operations, are held exactly in value.
 */
final class ConvFamily implements Family {
    private static final String RESOURCE = "/dev/kiln/conformance/goldens/conv.txt";

    @Override
    public String name() {
        return "conv";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        int i = 0;
        for (BreadthFamily.Line l : BreadthFamily.read(RESOURCE)) {
            String dtype = l.outputs().get(0).spec().dtype().toString();
            out.add(new Case("conv", l.fn(), dtype, "jax " + l.name(), () -> value(l, false)));
            if (i % 3 == 0) {
                out.add(new Case("conv", l.fn(), dtype, "jit, jax " + l.name(), () -> value(l, true)));
            }
            if (i % 3 == 1 && vmappable(l)) {
                out.add(new Case("conv", l.fn(), dtype, "vmap, jax " + l.name(), () -> vmapped(l)));
            }
            if (i % 3 == 2 && vmappable(l) && !pooling(l) && l.inputs().size() == 2) {
                for (int mapped = 0; mapped < 2; mapped++) {
                    int m = mapped;
                    out.add(new Case(
                            "conv",
                            l.fn(),
                            dtype,
                            "vmap over the " + (m == 0 ? "input" : "kernel") + " only, jax " + l.name(),
                            () -> vmappedOne(l, m)));
                }
            }
            if (!l.grads().isEmpty()) {
                out.add(new Case("conv", l.fn(), dtype, "grad, jax " + l.name(), () -> grad(l)));
            }
            i++;
        }
        errors(out);
        return out;
    }

    private static boolean pooling(BreadthFamily.Line l) {
        return l.fn().equals("Lax.reduceWindow");
    }

    /** Floating lines, and windows whose initial value is the monoid's identity (so 2x gives 2y). */
    private static double number(String s) {
        return switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static boolean vmappable(BreadthFamily.Line l) {
        if (!l.outputs().get(0).spec().dtype().isFloating()) {
            return false;
        }
        if (!pooling(l)) {
            return true;
        }
        String init = l.params().get("init");
        return switch (l.params().get("op")) {
            case "add" -> number(init) == 0;
            case "mul" -> number(init) == 1;
            default -> true;
        };
    }

    /** The length of the longest contraction a result or gradient element sums over (bounded above). */
    private static long terms(BreadthFamily.Line l) {
        long n = 1;
        for (Object o : l.inputs()) {
            n = Math.max(n, ((HostBuffer) o).spec().size());
        }
        return n;
    }

    private static Rule rule(BreadthFamily.Line l, DType t) {
        if (pooling(l)
                && (l.params().get("op").equals("max") || l.params().get("op").equals("min"))) {
            return Tolerance.exact();
        }
        return Tolerance.contraction(t, terms(l));
    }

    private static void value(BreadthFamily.Line l, boolean jit) {
        Array[] in = BreadthFamily.arrays(l.inputs());
        Function<List<Array>, Array> f = a -> call(l.fn(), l.params(), a.toArray(new Array[0]));
        Array actual = jit ? Kiln.jit(f).apply(List.of(in)) : f.apply(List.of(in));
        HostBuffer e = l.outputs().get(0);
        Rule r = rule(l, e.spec().dtype());
        Check.same(
                l.fn() + (jit ? " under jit" : "") + " vs JAX (" + l.name() + ")",
                e,
                BreadthFamily.flushLikeXla(e, actual.toHost()),
                jit ? Tolerance.twoWays(r) : r,
                Tolerance.maxMagnitude(Host.doubles(e)));
    }

    /**
     * Convolutions: (x, -x) with kernels (w, -w) give (y, y), a crossed pair -y. Windows: (x, 2x)
     * give (y, 2y).
     */
    private static void vmapped(BreadthFamily.Line l) {
        Array[] in = BreadthFamily.arrays(l.inputs());
        Array[] stacked = new Array[in.length];
        for (int k = 0; k < in.length; k++) {
            Array other = pooling(l) ? Np.multiply(in[k], 2) : Np.negative(in[k]);
            stacked[k] = Np.stack(new Array[] {in[k], other}, 0);
        }
        Function<List<Array>, Array> f = a -> call(l.fn(), l.params(), a.toArray(new Array[0]));
        Array y = Kiln.vmap(f).apply(List.of(stacked));
        HostBuffer e = l.outputs().get(0);
        Rule r = Tolerance.twoWays(rule(l, e.spec().dtype()));
        Array second = Np.take(y, Np.array(new int[] {1}), 0);
        Array[] members = {Np.squeeze(Np.take(y, Np.array(new int[] {0}), 0), 0), Np.squeeze(second, 0)};
        if (pooling(l)) {
            members[1] = Np.multiply(members[1], 0.5);
        }
        for (int k = 0; k < 2; k++) {
            Check.same(
                    l.fn() + " under vmap, member " + k + " vs JAX (" + l.name() + ")",
                    e,
                    BreadthFamily.flushLikeXla(e, members[k].toHost()),
                    r,
                    Tolerance.maxMagnitude(Host.doubles(e)));
        }
    }

    /**
     * One operand mapped, the other shared: ({@code x}, {@code -x}) under one kernel, or one input
     * under ({@code w}, {@code -w}), gives ({@code y}, {@code -y}). A mapped input alone keeps one
     * convolution with the batch folded into the input's batch dimension; a mapped kernel maps the
     * decomposition.
     */
    private static void vmappedOne(BreadthFamily.Line l, int mapped) {
        Array[] in = BreadthFamily.arrays(l.inputs());
        Array[] args = in.clone();
        args[mapped] = Np.stack(new Array[] {in[mapped], Np.negative(in[mapped])}, 0);
        Integer[] axes = {mapped == 0 ? 0 : null, mapped == 1 ? 0 : null};
        Function<List<Array>, Array> f = a -> call(l.fn(), l.params(), a.toArray(new Array[0]));
        Array y = Kiln.vmap(f, axes, 0).apply(List.of(args));
        HostBuffer e = l.outputs().get(0);
        Rule r = Tolerance.twoWays(rule(l, e.spec().dtype()));
        for (int k = 0; k < 2; k++) {
            Array member = Np.squeeze(Np.take(y, Np.array(new int[] {k}), 0), 0);
            if (k == 1) {
                member = Np.negative(member);
            }
            Check.same(
                    l.fn() + " under vmap of operand " + mapped + ", member " + k + " vs JAX (" + l.name() + ")",
                    e,
                    BreadthFamily.flushLikeXla(e, member.toHost()),
                    r,
                    Tolerance.maxMagnitude(Host.doubles(e)));
        }
    }

    private static void grad(BreadthFamily.Line l) {
        BreadthFamily.gradients(
                l,
                args -> call(l.fn(), l.params(), args),
                e -> Tolerance.contraction(e.spec().dtype(), terms(l)),
                BreadthFamily::flushLikeXla);
    }

    // ---------------------------------------------------------------- the Kiln call of each function

    private static int[] ints(Map<String, String> p, String key) {
        return BreadthFamily.ints(p.get(key));
    }

    private static boolean named(String padding) {
        return Character.isLetter(padding.charAt(0));
    }

    private static int[][] pairs(String padding) {
        String[] rows = padding.split("\\|");
        int[][] out = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = BreadthFamily.ints(rows[i]);
        }
        return out;
    }

    private static String[] layouts(Map<String, String> p) {
        String dn = p.get("dn");
        return dn.equals("none") ? null : dn.split(",");
    }

    static Array call(String fn, Map<String, String> p, Array[] a) {
        String padding = p.get("padding");
        return switch (fn) {
            case "Lax.convGeneralDilated" -> {
                int fgc = Integer.parseInt(p.get("fgc"));
                int bgc = Integer.parseInt(p.get("bgc"));
                DType pref = p.get("pref").equals("none")
                        ? null
                        : DType.valueOf(p.get("pref").toUpperCase());
                yield named(padding)
                        ? Lax.convGeneralDilated(
                                a[0],
                                a[1],
                                ints(p, "strides"),
                                padding,
                                ints(p, "lhs_dil"),
                                ints(p, "rhs_dil"),
                                layouts(p),
                                fgc,
                                bgc,
                                pref)
                        : Lax.convGeneralDilated(
                                a[0],
                                a[1],
                                ints(p, "strides"),
                                pairs(padding),
                                ints(p, "lhs_dil"),
                                ints(p, "rhs_dil"),
                                layouts(p),
                                fgc,
                                bgc,
                                pref);
            }
            case "Lax.conv" -> Lax.conv(a[0], a[1], ints(p, "strides"), padding);
            case "Lax.convWithGeneralPadding" ->
                Lax.convWithGeneralPadding(
                        a[0], a[1], ints(p, "strides"), pairs(padding), ints(p, "lhs_dil"), ints(p, "rhs_dil"));
            case "Lax.convTranspose" -> {
                boolean tk = p.get("tk").equals("1");
                yield named(padding)
                        ? Lax.convTranspose(a[0], a[1], ints(p, "strides"), padding, ints(p, "rhs_dil"), layouts(p), tk)
                        : Lax.convTranspose(
                                a[0],
                                a[1],
                                ints(p, "strides"),
                                pairs(padding),
                                ints(p, "rhs_dil"),
                                layouts(p),
                                tk,
                                p.get("consistent").equals("1"));
            }
            case "Lax.reduceWindow" -> {
                double init = number(p.get("init"));
                Lax.Monoid op = Lax.Monoid.valueOf(p.get("op").toUpperCase());
                yield named(padding)
                        ? Lax.reduceWindow(
                                a[0],
                                init,
                                op,
                                ints(p, "window"),
                                ints(p, "strides"),
                                padding,
                                ints(p, "base"),
                                ints(p, "wdil"))
                        : Lax.reduceWindow(
                                a[0],
                                init,
                                op,
                                ints(p, "window"),
                                ints(p, "strides"),
                                pairs(padding),
                                ints(p, "base"),
                                ints(p, "wdil"));
            }
            default -> throw new IllegalStateException("conv.txt names an unknown function " + fn);
        };
    }

    // ---------------------------------------------------------------- errors

    /** Bad input gets a typed Kiln error whose message starts with the public function's name. */
    private static void errors(List<Case> out) {
        Map<String, Supplier<Object>> bad = new LinkedHashMap<>();
        Supplier<Array> x = () -> Np.ones(1, 3, 5, 5);
        Supplier<Array> w = () -> Np.ones(2, 3, 3, 3);
        int[] one = {1, 1};
        bad.put("convGeneralDilated", () -> Lax.convGeneralDilated(x.get(), Np.ones(2, 4, 3, 3), one, "SAME"));
        bad.put(
                "convGeneralDilated ",
                () -> Lax.convGeneralDilated(
                        x.get(), w.get(), one, "SAME", null, null, new String[] {"NCHW", "OIHW", "NCHH"}));
        bad.put(
                "convGeneralDilated  ",
                () -> Lax.convGeneralDilated(x.get(), w.get(), one, "SAME", null, null, new String[] {"NCHW", "OIHW"}));
        bad.put(
                "convGeneralDilated   ",
                () -> Lax.convGeneralDilated(
                        x.get(), w.get(), one, "SAME", null, null, new String[] {"NCHW", "OIHX", "NCHW"}));
        bad.put("convGeneralDilated    ", () -> Lax.convGeneralDilated(x.get(), w.get(), new int[] {1, -1}, "SAME"));
        bad.put("convGeneralDilated     ", () -> Lax.convGeneralDilated(x.get(), Np.ones(2, 3, 7, 3), one, "VALID"));
        bad.put("convGeneralDilated      ", () -> Lax.convGeneralDilated(x.get(), w.get(), one, "FULL"));
        bad.put(
                "convGeneralDilated       ",
                () -> Lax.convGeneralDilated(x.get(), w.get(), one, "SAME", new int[] {2, 2}, null, null));
        bad.put(
                "convGeneralDilated        ",
                () -> Lax.convGeneralDilated(x.get(), Np.ones(4, 1, 3, 3), one, "SAME", null, null, null, 3, 1, null));
        bad.put(
                "convGeneralDilated         ",
                () -> Lax.convGeneralDilated(x.get(), Np.astype(w.get(), DType.INT32), one, "SAME"));
        bad.put(
                "convGeneralDilated          ",
                () -> Lax.convGeneralDilated(Np.ones(3, 5), Np.ones(2, 3, 3), new int[] {1}, "SAME"));
        bad.put("conv", () -> Lax.conv(x.get(), w.get(), new int[] {1}, "SAME"));
        bad.put("convTranspose", () -> Lax.convTranspose(Np.ones(1, 5, 5, 3), Np.ones(3, 3, 4, 2), one, "SAME"));
        bad.put("convTranspose ", () -> Lax.convTranspose(Np.ones(1, 5, 5, 3), Np.ones(3, 3, 3, 2), one, "SAME_LOWER"));
        bad.put("reduceWindow", () -> Lax.reduceWindow(Np.ones(4, 4), 0, Lax.Monoid.ADD, new int[] {2}, one, "VALID"));
        bad.put(
                "reduceWindow ",
                () -> Lax.reduceWindow(Np.ones(4, 4), 0, Lax.Monoid.ADD, new int[] {5, 1}, one, "VALID"));
        bad.put(
                "reduceWindow  ",
                () -> Lax.reduceWindow(Np.ones(4, 4), 0, Lax.Monoid.MAX, new int[] {2, 2}, new int[] {0, 1}, "VALID"));
        bad.put("reduceWindow   ", () -> Lax.reduceWindow(Np.ones(4, 4), 0, "avg", new int[] {2, 2}, one, "VALID"));
        bad.put(
                "reduceWindow    ",
                () -> Lax.reduceWindow(
                        Np.ones(4, 4), 0, Lax.Monoid.ADD, new int[] {2, 2}, one, new int[][] {{0, 0}}, null, null));
        BreadthFamily.errorCases("conv", bad, out);
    }
}
