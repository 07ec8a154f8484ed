package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.Tree;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Trees of arrays (records, lists, maps, nested, with static non-array leaves) through jit, grad,
 * valueAndGrad, jvp, vjp and vmap on the backend under test: outputs keep the structure and the
 * Java types (grad of a loss over a record is that record), and the numbers match the same
 * computation done leaf by leaf (and finite differences, for gradients).
 */
final class PytreeFamily implements Family {
    @Override
    public String name() {
        return "pytrees";
    }

    /** A model whose parameters are a record, a list and a map, with a static scale. */
    public record Model(Array w, List<Array> layers, Map<String, Array> extra, Double scale) {}

    static Array modelLoss(Model m) {
        Array h = Np.tanh(Np.matmul(m.layers().get(0), m.w()));
        h = Np.add(h, m.layers().get(1));
        h = Np.multiply(h, m.extra().get("gain"));
        Array loss = Np.add(
                Np.mean(Np.square(h)),
                Np.sum(Np.multiply(m.extra().get("bias"), m.extra().get("bias"))));
        return Np.multiply(loss, m.scale());
    }

    private static Model model(DType t, String salt) {
        Gen g = new Gen("model " + salt + t);
        Map<String, Array> extra = new TreeMap<>();
        extra.put("gain", Host.array(g.random(t, Gen.UNIT, 3)));
        extra.put("bias", Host.array(g.random(t, Gen.UNIT, 2)));
        return new Model(
                Host.array(g.random(t, Gen.UNIT, 4, 3)),
                List.of(Host.array(g.random(t, Gen.UNIT, 2, 4)), Host.array(g.random(t, Gen.UNIT, 3))),
                extra,
                0.5);
    }

    /** A model built from a flat list of leaves in {@link Tree} order (w, layers..., extra by sorted key). */
    private static Model rebuild(Model shape, List<Array> leaves) {
        return Tree.unflatten(Tree.flatten(shape).def(), leaves);
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            String dt = t.jaxName();
            out.add(new Case(name(), "record", dt, "jit keeps the record type and the values", () -> {
                Differentiable.Mlp p = mlp(t, "jit");
                Function<Differentiable.Mlp, Differentiable.Mlp> f = q -> new Differentiable.Mlp(
                        Np.tanh(q.w1()), q.b1().multiply(2), Np.transpose(q.w2()), q.b2().add(1));
                Differentiable.Mlp eager = f.apply(p);
                Object jitted = Kiln.jit(f).apply(p);
                Check.that(
                        jitted instanceof Differentiable.Mlp,
                        "jit of a function returning a record returned "
                                + jitted.getClass().getName());
                sameLeaves(
                        "jit(record -> record)", t, eager, jitted, Tolerance.twoWays(Tolerance.elementwise("tanh", t)));
            }));
            out.add(new Case(name(), "record", dt, "grad of a loss over a record is that record", () -> {
                Differentiable.Mlp p = mlp(t, "grad");
                Differentiable.Mlp g = Kiln.grad(Differentiable::mlpLoss).apply(p);
                Check.that(
                        g instanceof Differentiable.Mlp,
                        "grad over a record returned " + g.getClass().getName());
                List<Array> leaves = Tree.leaves(p);
                List<Array> grads = Tree.leaves(g);
                for (int i = 0; i < leaves.size(); i++) {
                    Check.spec(
                            "gradient leaf " + i,
                            grads.get(i),
                            leaves.get(i).dtype(),
                            leaves.get(i).shape());
                }
                List<Array> flat = Kiln.grad((List<Array> a) ->
                                Differentiable.mlpLoss(new Differentiable.Mlp(a.get(0), a.get(1), a.get(2), a.get(3))))
                        .apply(leaves);
                sameLeaves(
                        "grad over a record vs over a list of its leaves",
                        t,
                        flat,
                        g,
                        Tolerance.twoWays(Tolerance.derivative(t)));
            }));
            out.add(new Case(name(), "nested", dt, "grad over a record of a list, a map and a static", () -> {
                Model m = model(t, "grad");
                Model g = Kiln.grad(PytreeFamily::modelLoss).apply(m);
                Check.that(
                        g.layers() instanceof List && g.layers().size() == 2,
                        "the list field came back as " + g.layers());
                Check.that(
                        g.extra().keySet().equals(m.extra().keySet()),
                        "the map field came back with keys " + g.extra().keySet() + ", not "
                                + m.extra().keySet());
                Check.that(g.scale().equals(0.5), "the static field came back as " + g.scale());
                List<Array> flat =
                        Kiln.grad((List<Array> a) -> modelLoss(rebuild(m, a))).apply(Tree.leaves(m));
                sameLeaves(
                        "grad over a nested tree vs over its leaves",
                        t,
                        flat,
                        g,
                        Tolerance.twoWays(Tolerance.derivative(t)));
            }));
            out.add(new Case(name(), "nested", dt, "valueAndGrad", () -> {
                Model m = model(t, "vag");
                Kiln.ValueAndGrad<Model> vg =
                        Kiln.valueAndGrad(PytreeFamily::modelLoss).apply(m);
                HostBuffer value = modelLoss(m).toHost();
                Check.same(
                        "valueAndGrad's value",
                        value,
                        vg.value().toHost(),
                        Tolerance.twoWays(Tolerance.composite(t)),
                        Tolerance.maxMagnitude(Host.doubles(value)));
                sameLeaves(
                        "valueAndGrad's grad vs grad",
                        t,
                        Kiln.grad(PytreeFamily::modelLoss).apply(m),
                        vg.grad(),
                        Tolerance.twoWays(Tolerance.derivative(t)));
            }));
            out.add(new Case(name(), "map", dt, "jit and grad over a map keep its keys", () -> {
                Gen g = new Gen("map" + dt);
                Map<String, Array> params = new LinkedHashMap<>();
                params.put("z", Host.array(g.random(t, Gen.UNIT, 3)));
                params.put("a", Host.array(g.random(t, Gen.UNIT, 3)));
                Function<Map<String, Array>, Array> loss = p -> Np.sum(Np.multiply(Np.exp(p.get("a")), p.get("z")));
                Map<String, Array> grad = Kiln.grad(loss).apply(params);
                Check.that(grad.keySet().equals(params.keySet()), "grad over a map has keys " + grad.keySet());
                HostBuffer a = params.get("a").toHost();
                HostBuffer z = params.get("z").toHost();
                HostBuffer dz = Np.exp(params.get("a")).toHost();
                HostBuffer da =
                        Np.multiply(Np.exp(params.get("a")), params.get("z")).toHost();
                Rule rule = Tolerance.twoWays(Tolerance.derivative(t));
                Check.same("d/dz", dz, grad.get("z").toHost(), rule, Tolerance.maxMagnitude(Host.doubles(dz)));
                Check.same("d/da", da, grad.get("a").toHost(), rule, Tolerance.maxMagnitude(Host.doubles(da)));
                Map<String, Array> jitted = Kiln.jit((Map<String, Array> p) ->
                                Map.of("sum", p.get("a").add(p.get("z")), "a", p.get("a")))
                        .apply(params);
                Check.that(
                        jitted.keySet().equals(java.util.Set.of("a", "sum")), "jit returned keys " + jitted.keySet());
                Check.same(
                        "jit map value",
                        Np.add(Host.array(a), Host.array(z)).toHost(),
                        jitted.get("sum").toHost(),
                        Tolerance.exact(),
                        null);
            }));
            out.add(new Case(name(), "list", dt, "vmap over a list returns a list", () -> {
                Gen g = new Gen("vmap list" + dt);
                HostBuffer a = g.random(t, Gen.UNIT, 3, 4);
                HostBuffer b = g.random(t, Gen.UNIT, 3, 4);
                List<Array> r = Kiln.vmap((List<Array> xs) -> List.of(Np.dot(xs.get(0), xs.get(1)), Np.flip(xs.get(0))))
                        .apply(List.of(Host.array(a), Host.array(b)));
                Check.that(r.size() == 2, "vmap returned " + r.size() + " results, not 2");
                HostBuffer dots =
                        Np.sum(Np.multiply(Host.array(a), Host.array(b)), 1).toHost();
                Check.same(
                        "row dots",
                        dots,
                        r.get(0).toHost(),
                        Tolerance.twoWays(Tolerance.contraction(t, 4)),
                        Programs.contraction(4).judge(List.of(a, b), dots).scale());
                Check.same(
                        "row flips",
                        Np.flip(Host.array(a), 1).toHost(),
                        r.get(1).toHost(),
                        Tolerance.exact(),
                        null);
            }));
            out.add(new Case(name(), "record", dt, "vmap over a record of batched leaves", () -> {
                List<Differentiable.Mlp> examples = List.of(mlp(t, "v0"), mlp(t, "v1"), mlp(t, "v2"));
                List<List<HostBuffer>> columns = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    columns.add(new ArrayList<>());
                }
                List<HostBuffer> losses = new ArrayList<>();
                for (Differentiable.Mlp p : examples) {
                    List<Array> leaves = Tree.leaves(p);
                    for (int k = 0; k < 4; k++) {
                        columns.get(k).add(leaves.get(k).toHost());
                    }
                    losses.add(Differentiable.mlpLoss(p).toHost());
                }
                List<Array> stacked = new ArrayList<>();
                for (List<HostBuffer> c : columns) {
                    stacked.add(Host.array(HostOps.stack(c, 0)));
                }
                Differentiable.Mlp batch =
                        new Differentiable.Mlp(stacked.get(0), stacked.get(1), stacked.get(2), stacked.get(3));
                HostBuffer expected = HostOps.stack(losses, 0);
                HostBuffer r = Kiln.vmap(Differentiable::mlpLoss).apply(batch).toHost();
                Check.same(
                        "vmap(mlpLoss) over a batched record",
                        expected,
                        r,
                        Tolerance.twoWays(Tolerance.composite(t)),
                        Tolerance.maxMagnitude(Host.doubles(expected)));
            }));
            out.add(new Case(name(), "record", dt, "jvp and vjp with record primals, tangents and cotangents", () -> {
                Differentiable.Mlp p = mlp(t, "jvp");
                Differentiable.Mlp v = mlp(t, "jvp tangent");
                Kiln.Jvp<Array> j = Kiln.jvp(Differentiable::mlpLoss, p, v);
                Kiln.Vjp<Differentiable.Mlp, Array> back = Kiln.vjp(Differentiable::mlpLoss, p);
                Differentiable.Mlp ct = back.pullback().apply(Np.onesLike(back.out()));
                Check.that(ct instanceof Differentiable.Mlp, "the pull-back of a record returned " + ct.getClass());
                // <grad, v> is the directional derivative: jvp and vjp must agree on it
                Array dot = GradFamily.inner(Tree.leaves(ct), Tree.leaves(v));
                HostBuffer expected = j.tangent().toHost();
                Check.same(
                        "jvp tangent vs <vjp cotangent, tangent>",
                        expected,
                        dot.toHost(),
                        Tolerance.twoWays(Tolerance.derivative(t)),
                        Tolerance.maxMagnitude(new double[] {
                            Math.abs(expected.getDouble(0))
                                    + GradFamily.inner(
                                                    Tree.leaves(Tree.map(Np::abs, ct)),
                                                    Tree.leaves(Tree.map(Np::abs, v)))
                                            .item()
                        }));
            }));
        }
        out.add(new Case(name(), "record", "float32", "vmap with a shared record and batched inputs", () -> {
            Differentiable.Mlp p = mlp(DType.FLOAT32, "shared");
            HostBuffer xs = new Gen("shared record xs").random(DType.FLOAT32, Gen.UNIT, 5, 3);
            java.util.function.BiFunction<Differentiable.Mlp, Array, Array> predict =
                    (q, x) -> Np.add(Np.matmul(Np.tanh(Np.add(Np.matmul(x, q.w1()), q.b1())), q.w2()), q.b2());
            Array batched = Kiln.vmap(predict, null, 0, 0).apply(p, Host.array(xs));
            List<HostBuffer> rows = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Array x = Host.array(HostOps.slice(xs, new int[] {i, 0}, new int[] {i + 1, 3}, new int[] {1, 1}))
                        .reshape(3);
                rows.add(predict.apply(p, x).toHost());
            }
            HostBuffer expected = HostOps.stack(rows, 0);
            Check.same(
                    "vmap(predict, params shared)",
                    expected,
                    batched.toHost(),
                    Tolerance.twoWays(Tolerance.composite(DType.FLOAT32)),
                    Tolerance.maxMagnitude(Host.doubles(expected)));
        }));
        out.add(new Case(name(), "nested", "float64", "jit returns a nested tree with statics", () -> {
            Model m = model(DType.FLOAT64, "jit nested");
            Function<Model, Model> f = q -> new Model(
                    Np.transpose(q.w()),
                    List.of(q.layers().get(1), q.layers().get(0)),
                    Map.of("gain", q.extra().get("bias"), "bias", q.extra().get("gain")),
                    q.scale() * 2);
            Model jitted = Kiln.jit(f).apply(m);
            Model eager = f.apply(m);
            Check.that(jitted.scale().equals(1.0), "the static field came back as " + jitted.scale());
            Check.that(
                    jitted.extra().keySet().equals(eager.extra().keySet()),
                    "map keys " + jitted.extra().keySet());
            sameLeaves("jit of a tree-to-tree function", DType.FLOAT64, eager, jitted, Tolerance.bitExact());
        }));
        out.add(new Case(name(), "record", "float64", "grad over a record vs finite differences", () -> {
            Differentiable.Fn fn = Differentiable.get("mlpLoss");
            List<HostBuffer> xs = fn.inputs(DType.FLOAT64, "pytree fd");
            Differentiable.Mlp g = Kiln.grad(Differentiable::mlpLoss).apply(mlpOf(xs));
            double[] expected = FiniteDifferences.gradient(fn::apply, xs);
            GradFamily.compare(
                    "grad of mlpLoss over a record",
                    DType.FLOAT64,
                    expected,
                    FiniteDifferences.flat(Tree.leaves(g)),
                    Tolerance.finiteDifferences(),
                    Tolerance.magnitudes(expected));
        }));
        out.add(new Case(name(), "static", Case.ANY_DTYPE, "static leaves are part of the jit signature", () -> {
            AtomicInteger traces = new AtomicInteger();
            Function<Model, Array> f = Kiln.jit((Model m) -> {
                traces.incrementAndGet();
                return modelLoss(m);
            });
            Model m = model(DType.FLOAT32, "static");
            HostBuffer first = f.apply(m).toHost();
            f.apply(m);
            Model doubled = new Model(m.w(), m.layers(), m.extra(), 1.0);
            HostBuffer second = f.apply(doubled).toHost();
            Check.that(traces.get() == 2, "two static scales traced " + traces.get() + " times, not 2");
            Check.same(
                    "a loss scaled by 1.0 instead of 0.5",
                    Host.of(DType.FLOAT32, new int[0], 2 * first.getDouble(0)),
                    second,
                    Tolerance.twoWays(Tolerance.composite(DType.FLOAT32)),
                    new double[] {second.getDouble(0)});
        }));
        out.add(new Case(name(), "array of arrays", "int32", "jit and vmap over Array[]", () -> {
            Array[] xs = {
                Host.array(Host.vector(DType.INT32, 1, 2, 3)), Host.array(Host.vector(DType.INT32, 10, 20, 30))
            };
            Array[] r = Kiln.jit((Array[] a) -> new Array[] {a[1].subtract(a[0]), a[0].multiply(a[1])})
                    .apply(xs);
            Check.same(
                    "jit Array[] difference",
                    Host.vector(DType.INT32, 9, 18, 27),
                    r[0].toHost(),
                    Tolerance.exact(),
                    null);
            Check.same(
                    "jit Array[] product",
                    Host.vector(DType.INT32, 10, 40, 90),
                    r[1].toHost(),
                    Tolerance.exact(),
                    null);
            Array[] v = Kiln.vmap((Array[] a) -> new Array[] {Np.sum(a[0].add(a[1]))})
                    .apply(new Array[] {Np.reshape(xs[0], 3, 1), Np.reshape(xs[1], 3, 1)});
            Check.same("vmap Array[]", Host.vector(DType.INT32, 11, 22, 33), v[0].toHost(), Tolerance.exact(), null);
        }));
        return out;
    }

    private static Differentiable.Mlp mlp(DType t, String salt) {
        return mlpOf(Differentiable.get("mlpLoss").inputs(t, salt));
    }

    private static Differentiable.Mlp mlpOf(List<HostBuffer> xs) {
        List<Array> a = Differentiable.arrays(xs);
        return new Differentiable.Mlp(a.get(0), a.get(1), a.get(2), a.get(3));
    }

    /** Two trees with the same leaves, leaf by leaf, relative to the largest magnitude over all of them. */
    private static void sameLeaves(String what, DType t, Object expected, Object actual, Rule rule) {
        List<Array> e = Tree.leaves(expected);
        List<Array> a = Tree.leaves(actual);
        Check.that(e.size() == a.size(), what + ": " + a.size() + " leaves where " + e.size() + " were expected");
        double[] scale = Tolerance.maxMagnitude(FiniteDifferences.flat(e));
        for (int i = 0; i < e.size(); i++) {
            HostBuffer eh = e.get(i).toHost();
            Check.same(
                    what + " (leaf " + i + ")",
                    eh,
                    a.get(i).toHost(),
                    rule,
                    java.util.Arrays.copyOf(scale, eh.spec().size()));
        }
    }
}
