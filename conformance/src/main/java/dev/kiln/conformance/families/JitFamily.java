package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.families.Ops.Op;
import dev.kiln.conformance.families.Programs.Scaled;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@code Kiln.jit(f)(x)} equals {@code f(x)} run eagerly, on the backend under test and on the
 * reference backend: for every op of the elementwise table and dtype it accepts (random operands,
 * corner values, 0-d, broadcasting, weak scalars closed over), and for the functions of {@link
 * Programs}. Then the cache: a function is traced once per signature (shapes, dtypes, tree
 * structure, static values), so a counter it increments does not grow on a second call with the
 * same signature, and does on a new one; cached calls compute with their new values. Then jit
 * composed with grad and vmap.
 */
final class JitFamily implements Family {
    @Override
    public String name() {
        return "jit";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (Op op : Ops.all()) {
            for (DType t : op.dtypes()) {
                elementwise(out, op, t);
            }
        }
        for (Programs.Fn fn : Programs.all()) {
            out.add(new Case(name(), fn.op(), fn.dtype(), fn.label(), () -> {
                List<HostBuffer> xs = fn.sample("jit");
                check(fn.label(), xs, fn.rule(), fn::apply);
            }));
        }
        cache(out);
        compositions(out);
        return out;
    }

    // ---------------------------------------------------------------- jit vs eager

    /**
     * Runs {@code f} eagerly and under jit on the backend under test, and eagerly on the reference
     * backend; the jitted result must match both within {@link Tolerance#twoWays} of the function's
     * rule, and have the eager result's dtype and shape.
     */
    static void check(String what, List<HostBuffer> xs, Programs.RuleFor judge, Function<List<Array>, Array> f) {
        HostBuffer eager = f.apply(Differentiable.arrays(xs)).toHost();
        Array jittedArray = Kiln.jit(f).apply(Differentiable.arrays(xs));
        String backend = Kiln.currentBackend().name();
        Check.that(
                jittedArray.backend().name().equals(backend),
                what + ": the jitted result is on backend '"
                        + jittedArray.backend().name() + "', not on '" + backend + "' where its arguments are");
        HostBuffer jitted = jittedArray.toHost();
        Scaled s = judge.judge(xs, eager);
        Check.same(what + ": jit vs eager", eager, jitted, Tolerance.twoWays(s.rule()), s.scale());
        if (!Check.underReference()) {
            HostBuffer ref = Check.oracle(() -> f.apply(Differentiable.arrays(xs)));
            Check.same(
                    what + ": jit vs eager on the reference backend",
                    ref,
                    jitted,
                    Tolerance.twoWays(s.rule()),
                    s.scale());
        }
    }

    private void elementwise(List<Case> out, Op op, DType t) {
        String dt = t.jaxName();
        Programs.RuleFor rule = Programs.elementwise(op.name());
        Function<List<Array>, Array> f = a -> op.apply(a.toArray());
        out.add(new Case(
                name(),
                op.name(),
                dt,
                "random (3,7)",
                () -> check(op.name(), Programs.elementwise(op, t, 3, 7).sample("jit random"), rule, f)));
        out.add(new Case(
                name(),
                op.name(),
                dt,
                "0-d",
                () -> check(op.name(), Programs.elementwise(op, t).sample("jit 0-d"), rule, f)));
        out.add(new Case(name(), op.name(), dt, "corners", () -> {
            Object[] corners = ElementwiseFamily.cornerOperands(op, t);
            List<HostBuffer> xs = new ArrayList<>();
            for (Object o : corners) {
                xs.add((HostBuffer) o);
            }
            check(op.name() + " of corner values", xs, rule, f);
        }));
        if (op.arity() == 2) {
            out.add(new Case(name(), op.name(), dt, "broadcast (3,1) with (4,)", () -> {
                Gen g = new Gen("jit bcast" + op.name() + dt);
                check(op.name(), List.of(g.random(t, op.first(), 3, 1), g.random(t, op.second(), 4)), rule, f);
            }));
            if (t != DType.BOOL) {
                Object scalar = t.isFloating() ? (Object) 1.5 : (Object) 3;
                out.add(new Case(
                        name(),
                        op.name(),
                        dt,
                        "weak scalar closed over, right",
                        () -> check(
                                op.name() + " with " + scalar,
                                List.of(new Gen("jit weak" + op.name() + dt).random(t, op.first(), 9)),
                                rule,
                                a -> op.apply(a.get(0), scalar))));
            }
        }
    }

    // ---------------------------------------------------------------- the cache

    private void cache(List<Case> out) {
        out.add(new Case(name(), "cache", Case.ANY_DTYPE, "one trace for calls with the same shapes and dtypes", () -> {
            AtomicInteger traces = new AtomicInteger();
            Function<Array, Array> f = Kiln.jit(x -> {
                traces.incrementAndGet();
                return Np.sin(x).multiply(2);
            });
            f.apply(vector(DType.FLOAT32, 1, 2, 3));
            f.apply(vector(DType.FLOAT32, 4, 5, 6));
            f.apply(vector(DType.FLOAT32, 7, 8, 9));
            Check.that(
                    traces.get() == 1,
                    "three calls with float32[3] traced the function " + traces.get()
                            + " times; the cache should have traced it once");
        }));
        out.add(new Case(name(), "cache", Case.ANY_DTYPE, "cached calls compute with their new values", () -> {
            Function<Array, Array> f = Kiln.jit(x -> Np.exp(x).add(x));
            f.apply(vector(DType.FLOAT64, 0.5, -1, 2));
            HostBuffer second = f.apply(vector(DType.FLOAT64, 0.25, 3, -4)).toHost();
            HostBuffer eager = Np.exp(vector(DType.FLOAT64, 0.25, 3, -4))
                    .add(vector(DType.FLOAT64, 0.25, 3, -4))
                    .toHost();
            Check.same(
                    "second call of a cached jit",
                    eager,
                    second,
                    Tolerance.twoWays(Tolerance.elementwise("exp", DType.FLOAT64)),
                    null);
        }));
        out.add(new Case(name(), "cache", Case.ANY_DTYPE, "retrace on a new shape, and not back", () -> {
            AtomicInteger traces = new AtomicInteger();
            Function<Array, Array> f = Kiln.jit(x -> {
                traces.incrementAndGet();
                return Np.sum(x.multiply(x));
            });
            f.apply(vector(DType.FLOAT32, 1, 2, 3));
            HostBuffer four = f.apply(vector(DType.FLOAT32, 1, 2, 3, 4)).toHost();
            Check.that(traces.get() == 2, "float32[3] then float32[4] traced " + traces.get() + " times, not 2");
            Check.that(
                    four.getDouble(0) == 30, "sum of squares of 1..4 under jit is " + four.getDouble(0) + ", not 30");
            f.apply(vector(DType.FLOAT32, 5, 6, 7));
            Check.that(traces.get() == 2, "a third call with float32[3] retraced (" + traces.get() + " traces)");
        }));
        out.add(new Case(name(), "cache", Case.ANY_DTYPE, "retrace on a new dtype", () -> {
            AtomicInteger traces = new AtomicInteger();
            Function<Array, Array> f = Kiln.jit(x -> {
                traces.incrementAndGet();
                return x.add(x);
            });
            f.apply(vector(DType.FLOAT32, 1, 2));
            Array i = f.apply(vector(DType.INT32, 1, 2));
            Check.that(traces.get() == 2, "float32[2] then int32[2] traced " + traces.get() + " times, not 2");
            Check.spec("jit(x + x) of int32", i, DType.INT32, 2);
            f.apply(vector(DType.FLOAT64, 1, 2));
            Check.that(
                    traces.get() == 3, "float64[2] after float32 and int32 traced " + traces.get() + " times, not 3");
        }));
        out.add(new Case(name(), "cache", Case.ANY_DTYPE, "retrace on a new static argument", () -> {
            AtomicInteger traces = new AtomicInteger();
            BiFunction<Array, Integer, Array> f = Kiln.jit((Array x, Integer power) -> {
                traces.incrementAndGet();
                Array r = x;
                for (int k = 1; k < power; k++) {
                    r = r.multiply(x);
                }
                return r;
            });
            HostBuffer cube = f.apply(vector(DType.FLOAT64, 2), 3).toHost();
            f.apply(vector(DType.FLOAT64, 5), 3);
            Check.that(traces.get() == 1, "the same static argument retraced (" + traces.get() + " traces)");
            HostBuffer square = f.apply(vector(DType.FLOAT64, 2), 2).toHost();
            Check.that(traces.get() == 2, "a new static argument did not retrace (" + traces.get() + " traces)");
            Check.that(
                    cube.getDouble(0) == 8 && square.getDouble(0) == 4,
                    "x^3 and x^2 at 2 gave " + cube.getDouble(0) + " and " + square.getDouble(0));
        }));
        out.add(new Case(name(), "cache", Case.ANY_DTYPE, "retrace on a new tree structure", () -> {
            AtomicInteger traces = new AtomicInteger();
            Function<List<Array>, Array> f = Kiln.jit((List<Array> xs) -> {
                traces.incrementAndGet();
                Array s = xs.get(0);
                for (int k = 1; k < xs.size(); k++) {
                    s = s.add(xs.get(k));
                }
                return s;
            });
            f.apply(List.of(vector(DType.FLOAT32, 1), vector(DType.FLOAT32, 2)));
            HostBuffer three = f.apply(
                            List.of(vector(DType.FLOAT32, 1), vector(DType.FLOAT32, 2), vector(DType.FLOAT32, 4)))
                    .toHost();
            Check.that(traces.get() == 2, "lists of 2 then 3 arrays traced " + traces.get() + " times, not 2");
            Check.that(three.getDouble(0) == 7, "1 + 2 + 4 under jit gave " + three.getDouble(0));
            f.apply(List.of(vector(DType.FLOAT32, 1)));
            Check.that(traces.get() == 3, "a list of 1 array did not retrace (" + traces.get() + " traces)");
        }));
        out.add(new Case(name(), "cache", Case.ANY_DTYPE, "a closed-over array is a constant of the program", () -> {
            Array c = vector(DType.FLOAT32, 10, 20, 30);
            Function<Array, Array> f = Kiln.jit(x -> x.multiply(c).add(1));
            HostBuffer a = f.apply(vector(DType.FLOAT32, 1, 2, 3)).toHost();
            HostBuffer b = f.apply(vector(DType.FLOAT32, -1, 0, 1)).toHost();
            Check.same(
                    "x * c + 1 with c closed over", Host.vector(DType.FLOAT32, 11, 41, 91), a, Tolerance.exact(), null);
            Check.same(
                    "x * c + 1 with c closed over, from the cache",
                    Host.vector(DType.FLOAT32, -9, 1, 31),
                    b,
                    Tolerance.exact(),
                    null);
        }));
        out.add(new Case(name(), "cache", Case.ANY_DTYPE, "nested jit traces through the inner function", () -> {
            AtomicInteger inner = new AtomicInteger();
            Function<Array, Array> g = Kiln.jit(x -> {
                inner.incrementAndGet();
                return Np.tanh(x);
            });
            Function<Array, Array> f = Kiln.jit(x -> g.apply(g.apply(x)).add(1));
            HostBuffer r = f.apply(vector(DType.FLOAT64, 0.5, -2)).toHost();
            f.apply(vector(DType.FLOAT64, 1.5, 2));
            Check.that(
                    inner.get() == 2,
                    "the inner function, called twice while the outer one traced once, ran " + inner.get() + " times");
            HostBuffer eager =
                    Np.tanh(Np.tanh(vector(DType.FLOAT64, 0.5, -2))).add(1).toHost();
            Check.same(
                    "jit(g(g(x)) + 1)",
                    eager,
                    r,
                    Tolerance.twoWays(Tolerance.elementwise("tanh", DType.FLOAT64)),
                    null);
        }));
        out.add(new Case(name(), "cache", Case.ANY_DTYPE, "a result that does not depend on the argument", () -> {
            Function<Array, Array> f = Kiln.jit(x -> Np.arange(4).multiply(3));
            Array r = f.apply(vector(DType.FLOAT32, 1));
            Check.same(
                    "jit(x -> arange(4) * 3)",
                    Host.vector(DType.INT32, 0, 3, 6, 9),
                    r.toHost(),
                    Tolerance.exact(),
                    null);
        }));
        out.add(new Case(name(), "cache", Case.ANY_DTYPE, "returning an input unchanged", () -> {
            Function<Array, Array> f = Kiln.jit(x -> x);
            HostBuffer in = Host.vector(DType.INT64, 5, -7, 9);
            Check.same("jit(x -> x)", in, f.apply(Host.array(in)).toHost(), Tolerance.bitExact(), null);
        }));
    }

    static Array vector(DType t, double... v) {
        return Host.array(Host.vector(t, v));
    }

    // ---------------------------------------------------------------- jit with other transformations

    private void compositions(List<Case> out) {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            String dt = t.jaxName();
            Differentiable.Fn mlp = Differentiable.get("mlpLoss");
            out.add(new Case(name(), "jit(grad)", dt, "mlpLoss over a record", () -> {
                List<HostBuffer> ps = mlp.inputs(t, "jit(grad)");
                Function<Differentiable.Mlp, Differentiable.Mlp> grad = Kiln.grad(Differentiable::mlpLoss);
                derivativesAgree(
                        "jit(grad(mlpLoss))",
                        t,
                        () -> leaves(grad.apply(mlpOf(ps))),
                        () -> leaves(Kiln.jit(grad).apply(mlpOf(ps))));
            }));
            Differentiable.Fn ce = Differentiable.get("softmaxCrossEntropy");
            out.add(new Case(name(), "grad(jit)", dt, "softmaxCrossEntropy", () -> {
                List<HostBuffer> xs = ce.inputs(t, "grad(jit)");
                Function<Array, Array> f = Differentiable::softmaxCrossEntropy;
                derivativesAgree(
                        "grad(jit(softmaxCrossEntropy))",
                        t,
                        () -> List.of(Kiln.grad(f).apply(Host.array(xs.get(0)))),
                        () -> List.of(Kiln.grad(Kiln.jit(f)).apply(Host.array(xs.get(0)))));
            }));
            Differentiable.Fn ln = Differentiable.get("layerNorm");
            out.add(new Case(name(), "jit(jvp(grad))", dt, "layerNorm Hessian-vector product", () -> {
                List<HostBuffer> xs = ln.inputs(t, "jit(hvp)");
                HostBuffer v = new Gen("jit hvp v" + dt).random(t, Gen.UNIT, 3, 6);
                Function<Array, Array> loss = x ->
                        Np.sum(Np.square(Differentiable.layerNorm(x, Host.array(xs.get(1)), Host.array(xs.get(2)))));
                Function<Array, Array> hvp =
                        x -> Kiln.jvp(Kiln.grad(loss), x, Host.array(v)).tangent();
                derivativesAgree(
                        "jit(hvp(layerNorm))",
                        t,
                        () -> List.of(hvp.apply(Host.array(xs.get(0)))),
                        () -> List.of(Kiln.jit(hvp).apply(Host.array(xs.get(0)))));
            }));
            out.add(new Case(name(), "jit(vmap)", dt, "softmax over rows", () -> {
                HostBuffer x = new Gen("jit vmap" + dt).random(t, Gen.SMALL, 4, 5);
                Function<Array, Array> rows = Kiln.vmap(Differentiable::softmax);
                HostBuffer eager = rows.apply(Host.array(x)).toHost();
                HostBuffer jitted = Kiln.jit(rows).apply(Host.array(x)).toHost();
                Check.same(
                        "jit(vmap(softmax))",
                        eager,
                        jitted,
                        Tolerance.twoWays(Tolerance.composite(t)),
                        Tolerance.maxMagnitude(Host.doubles(eager)));
            }));
            out.add(new Case(name(), "vmap(jit)", dt, "softmax over rows", () -> {
                HostBuffer x = new Gen("vmap jit" + dt).random(t, Gen.SMALL, 4, 5);
                HostBuffer eager =
                        Kiln.vmap(Differentiable::softmax).apply(Host.array(x)).toHost();
                HostBuffer jitted = Kiln.vmap(Kiln.jit(Differentiable::softmax))
                        .apply(Host.array(x))
                        .toHost();
                Check.same(
                        "vmap(jit(softmax))",
                        eager,
                        jitted,
                        Tolerance.twoWays(Tolerance.composite(t)),
                        Tolerance.maxMagnitude(Host.doubles(eager)));
            }));
        }
    }

    private static Differentiable.Mlp mlpOf(List<HostBuffer> ps) {
        List<Array> a = Differentiable.arrays(ps);
        return new Differentiable.Mlp(a.get(0), a.get(1), a.get(2), a.get(3));
    }

    private static List<Array> leaves(Object tree) {
        return dev.kiln.Tree.leaves(tree);
    }

    /** Two computations of one derivative on this backend agree within twice {@link Tolerance#derivative}. */
    private static void derivativesAgree(
            String what,
            DType t,
            java.util.function.Supplier<List<Array>> eager,
            java.util.function.Supplier<List<Array>> transformed) {
        List<Array> e = eager.get();
        List<Array> a = transformed.get();
        Check.that(e.size() == a.size(), what + ": " + a.size() + " results where " + e.size() + " were expected");
        double[] scale = Tolerance.maxMagnitude(FiniteDifferences.flat(e));
        for (int i = 0; i < e.size(); i++) {
            HostBuffer eh = e.get(i).toHost();
            Check.same(
                    what + " (leaf " + i + ")",
                    eh,
                    a.get(i).toHost(),
                    Tolerance.twoWays(Tolerance.derivative(t)),
                    java.util.Arrays.copyOf(scale, eh.spec().size()));
        }
    }
}
