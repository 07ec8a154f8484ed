package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.Random;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link Random}'s distributions beyond uniform and normal against {@code jax.random} samples for
 * the same keys ({@code conformance/scripts/make_distribution_goldens.py} wrote {@code
 * distributions.txt}): every line eagerly and under {@code jit} with the key traced, a few
 * samplers under {@code vmap} over a batch of keys against one key at a time, and bad calls, which
 * must raise a {@code KilnException} naming the function. Integer results (rademacher, geometric,
 * choice) must be exact; float samples within {@link Tolerance#sampler}.
 */
final class DistributionFamily implements Family {
    private static final String RESOURCE = "/dev/kiln/conformance/goldens/distributions.txt";

    @Override
    public String name() {
        return "distributions";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        List<BreadthFamily.Line> lines = new ArrayList<>(BreadthFamily.read(RESOURCE));
        lines.addAll(BreadthFamily.read(DiscreteCalls.RESOURCE));
        for (BreadthFamily.Line l : lines) {
            String dtype = l.outputs().get(0).spec().dtype().toString();
            out.add(new Case(name(), l.fn(), dtype, "jax " + l.name(), () -> value(l, false)));
            out.add(new Case(name(), l.fn(), dtype, "jit, jax " + l.name(), () -> value(l, true)));
        }
        vmapCases(out);
        errors(out);
        return out;
    }

    private static double num(Map<String, String> p, String k) {
        return Double.parseDouble(p.get(k));
    }

    private static int[] shape(Map<String, String> p) {
        int[] s = BreadthFamily.ints(p.get("shape"));
        return s == null ? new int[0] : s;
    }

    private static DType dtype(Map<String, String> p) {
        return DType.fromName(p.getOrDefault("dtype", "float32"));
    }

    /** A parameter: the input array after the key when there is one, else the number in params. */
    private static Object param(Map<String, String> p, String k, Array[] a) {
        return a.length > 1 ? a[1] : (Object) num(p, k);
    }

    /** The Kiln call of a golden line; {@code a[0]} is the key. */
    static Array call(String fn, Map<String, String> p, Array[] a) {
        Array key = a[0];
        int[] s = shape(p);
        DType d = dtype(p);
        return switch (fn) {
            case "Random.exponential" -> Random.exponential(key, d, s);
            case "Random.laplace" -> Random.laplace(key, d, s);
            case "Random.logistic" -> Random.logistic(key, d, s);
            case "Random.gumbel" -> Random.gumbel(key, d, s);
            case "Random.cauchy" -> Random.cauchy(key, d, s);
            case "Random.maxwell" -> Random.maxwell(key, d, s);
            case "Random.rademacher" -> Random.rademacher(key, d, s);
            case "Random.pareto" -> Random.pareto(key, param(p, "b", a), d, s);
            case "Random.lognormal" -> Random.lognormal(key, param(p, "sigma", a), d, s);
            case "Random.weibullMin" -> Random.weibullMin(key, num(p, "scale"), num(p, "concentration"), d, s);
            case "Random.rayleigh" -> Random.rayleigh(key, param(p, "scale", a), d, s);
            case "Random.wald" -> Random.wald(key, num(p, "mean"), d, s);
            case "Random.geometric" -> Random.geometric(key, num(p, "p"), s);
            case "Random.triangular" -> Random.triangular(key, num(p, "left"), num(p, "mode"), num(p, "right"), d, s);
            case "Random.doubleSidedMaxwell" -> Random.doubleSidedMaxwell(key, num(p, "loc"), num(p, "scale"), d, s);
            case "Random.gamma" -> Random.gamma(key, param(p, "a", a), d, s);
            case "Random.loggamma" -> Random.loggamma(key, param(p, "a", a), d, s);
            case "Random.beta" -> Random.beta(key, num(p, "a"), num(p, "b"), d, s);
            case "Random.chisquare" -> Random.chisquare(key, num(p, "df"), d, s);
            case "Random.f" -> Random.f(key, num(p, "dfnum"), num(p, "dfden"), d, s);
            case "Random.t" -> Random.t(key, num(p, "df"), d, s);
            case "Random.dirichlet" -> Random.dirichlet(key, a[1], d, s);
            case "Random.generalizedNormal" -> Random.generalizedNormal(key, num(p, "p"), d, s);
            case "Random.ball" -> Random.ball(key, Integer.parseInt(p.get("d")), num(p, "p"), d, s);
            case "Random.multivariateNormal" -> Random.multivariateNormal(key, a[1], a[2], s);
            case "Random.orthogonal" -> Random.orthogonal(key, Integer.parseInt(p.get("n")), d, s);
            case "Random.choice" -> {
                boolean replace = "1".equals(p.get("replace"));
                if (p.containsKey("axis")) {
                    yield Random.choice(key, a[1], s, replace, null, Integer.parseInt(p.get("axis")));
                }
                yield Random.choice(key, Integer.parseInt(p.get("n")), s, replace, a.length > 1 ? a[1] : null);
            }
            default -> {
                Array discrete = DiscreteCalls.call(fn, p, a, s, d);
                if (discrete == null) {
                    throw new IllegalStateException("unknown distributions golden function " + fn);
                }
                yield discrete;
            }
        };
    }

    private static void value(BreadthFamily.Line l, boolean jit) {
        Array[] in = BreadthFamily.arrays(l.inputs());
        Array actual = jit
                ? Kiln.jit((Array key) -> {
                            Array[] args = in.clone();
                            args[0] = key;
                            return call(l.fn(), l.params(), args);
                        })
                        .apply(in[0])
                : call(l.fn(), l.params(), in);
        HostBuffer e = l.outputs().get(0);
        DType t = e.spec().dtype();
        Check.same(
                l.fn() + " vs JAX (" + l.name() + (jit ? ", jit" : "") + ")",
                e,
                BreadthFamily.flushLikeXla(e, actual.toHost()),
                t.isFloating() ? Tolerance.sampler(l.fn(), t) : Tolerance.exact(),
                t.isFloating() ? Tolerance.maxMagnitude(Host.doubles(e)) : null);
    }

    private record Sampler(String op, String label, Function<Array, Array> f) {}

    /** Samplers batched over 3 keys must give what each key gives alone (bit for bit). */
    private void vmapCases(List<Case> out) {
        Array cov = Np.array(new float[] {2, 0.5f, 0.5f, 1}, 2, 2);
        List<Sampler> samplers = List.of(
                new Sampler("Random.exponential", "(4,)", k -> Random.exponential(k, 4)),
                new Sampler("Random.gamma", "a=0.6,3 (2,)", k -> Random.gamma(k, Np.array(new float[] {0.6f, 3}))),
                new Sampler("Random.beta", "(3,)", k -> Random.beta(k, 0.5, 2.0, 3)),
                new Sampler(
                        "Random.choice",
                        "p, no replace",
                        k -> Random.choice(k, 4, new int[] {2}, false, Np.array(new float[] {0.1f, 0.2f, 0.3f, 0.4f}))),
                new Sampler(
                        "Random.multivariateNormal",
                        "(2,)",
                        k -> Random.multivariateNormal(k, Np.array(new float[] {1, -1}), cov, 2)));
        for (Sampler s : samplers) {
            out.add(new Case(name(), s.op(), Case.ANY_DTYPE, s.label() + ": vmap over 3 keys", () -> {
                Array keys = Random.split(Random.key(20261207), 3);
                List<HostBuffer> rows = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    rows.add(s.f().apply(keys.get("" + i + "")).toHost());
                }
                HostBuffer batched = Kiln.vmap(s.f()).apply(keys).toHost();
                Check.same(
                        s.op() + " " + s.label() + ": vmap over keys vs one key at a time",
                        HostOps.stack(rows, 0),
                        batched,
                        Tolerance.bitExact(),
                        null);
            }));
        }
    }

    private void errors(List<Case> out) {
        Array key = Random.key(0);
        Map<String, Supplier<Object>> bad = new LinkedHashMap<>();
        bad.put("exponential", () -> Random.exponential(Np.zeros(2), 3)); // a float32 "key"
        bad.put("laplace", () -> Random.laplace(key, DType.INT32, 3));
        bad.put("pareto", () -> Random.pareto(key, Np.array(new float[] {1, 2, 3}), 2));
        bad.put("gamma", () -> Random.gamma(key, Np.array(new float[] {1, 2}), 3, 3));
        bad.put("choice", () -> Random.choice(key, 3, new int[] {4}, false, null));
        bad.put("choice ", () -> Random.choice(key, 3, new int[] {2}, true, Np.array(new float[] {0.5f, 0.5f})));
        bad.put("choice  ", () -> Random.choice(key, 0, new int[] {2}, true, null));
        bad.put("multivariateNormal", () -> Random.multivariateNormal(key, Np.zeros(3), Np.eye(2)));
        bad.put("dirichlet", () -> Random.dirichlet(key, Np.scalar(1f)));
        bad.put("orthogonal", () -> Random.orthogonal(key, -1));
        bad.put("rademacher", () -> Random.rademacher(key, DType.BOOL, 2));
        bad.put("keyData", () -> Random.keyData(Np.zeros(3)));
        BreadthFamily.errorCases(name(), bad, out);
        out.add(new Case(name(), "Random.keyData", "uint32", "key data round-trips", () -> {
            Array keys = Random.split(key, 3);
            HostBuffer k = keys.toHost();
            Check.same(
                    "wrapKeyData(keyData(keys))",
                    k,
                    Random.wrapKeyData(Random.keyData(keys)).toHost(),
                    Tolerance.bitExact(),
                    null);
            Check.that(Arrays.equals(Random.clone(key).toHost().spec().shape(), new int[] {2}), "clone keeps (2,)");
        }));
    }
}
