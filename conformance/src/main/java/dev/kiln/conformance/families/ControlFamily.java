package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.families.GradFamily.Mode;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code Lax.cond}, {@code switchCase}, {@code whileLoop}, {@code forLoop} and {@code scan} on the
 * backend under test: eager (Java control flow on concrete values) against jit (the control-flow
 * primitives with their sub-programs) against the reference backend, and against Java loops where
 * the answer is known; derivatives through cond, switchCase, forLoop and scan (both modes, and
 * second order) and through whileLoop (forward mode) against central differences; vmap with a
 * batched predicate, index and loop condition, and of scan.
 */
final class ControlFamily implements Family {
    @Override
    public String name() {
        return "control";
    }

    // ---------------------------------------------------------------- the functions

    /** sin(x) x where sum(x) > 0, else 3 x^2. */
    static Array piecewise(Array x) {
        return Lax.cond(
                Np.greater(Np.sum(x), 0),
                a -> Np.sin(a).multiply(a),
                a -> a.multiply(a).multiply(3),
                x);
    }

    /** Branch {@code i} (clamped to 0..2) of sin(x), x^2 and exp(-x). */
    static Array switched(Array i, Array x) {
        List<Function<Array, Array>> branches = List.of(Np::sin, a -> a.multiply(a), a -> Np.exp(Np.negative(a)));
        return Lax.switchCase(i, branches, x);
    }

    /** The number of Collatz steps from n to 1, by a loop whose condition depends on the data. */
    static Array collatzSteps(Array n) {
        Array[] out = Lax.whileLoop(
                (Array[] c) -> Np.greater(c[0], 1),
                (Array[] c) -> new Array[] {
                    Np.where(
                            Np.equal(Np.mod(c[0], 2), 0),
                            Np.floorDivide(c[0], 2),
                            c[0].multiply(3).add(1)),
                    c[1].add(1)
                },
                new Array[] {n, Np.scalar(0)});
        return out[1];
    }

    /** sqrt(a) by Newton's method until every |x^2 - a| <= 1e-5 a (at most 60 steps): data-dependent trip counts. */
    static Array newtonUntilConverged(Array a) {
        Array[] out = Lax.whileLoop(
                (Array[] c) -> Np.logicalAnd(
                        Np.any(Np.greater(Np.abs(c[0].multiply(c[0]).subtract(a)), a.multiply(1e-5))),
                        Np.less(c[1], 60)),
                (Array[] c) -> new Array[] {c[0].add(a.divide(c[0])).multiply(0.5), c[1].add(1)},
                new Array[] {Np.onesLike(a).multiply(4), Np.scalar(0)});
        return out[0];
    }

    /** sqrt(a) by 30 Newton steps: a fixed trip count, for forward-mode derivatives. */
    static Array newtonFixed(Array a) {
        Array[] out = Lax.whileLoop(
                (Array[] c) -> Np.less(c[1], 30),
                (Array[] c) -> new Array[] {c[0].add(a.divide(c[0])).multiply(0.5), c[1].add(1)},
                new Array[] {Np.onesLike(a), Np.scalar(0)});
        return out[0];
    }

    /** Horner-like accumulation over a static trip count: acc = acc x + 0.1 i for i in 0..4. */
    static Array polynomial(Array x) {
        return Lax.forLoop(
                0, 5, (i, acc) -> acc.multiply(x).add(i.astype(x.dtype()).multiply(0.1)), Np.onesLike(x));
    }

    /** A tanh recurrence over the rows of xs with weights w; the squared states are the outputs. */
    static Array rnn(Array w, Array xs) {
        return Lax.scan(
                        (Array c, Array x) -> {
                            Array next = Np.tanh(c.multiply(w).add(x));
                            return Lax.Step.of(next, next.multiply(next));
                        },
                        Np.zerosLike(w),
                        xs)
                .ys();
    }

    /** Suffix sums of the rows of xs, by a reverse scan whose outputs are its carries. */
    static Array reverseCumsum(Array xs) {
        Array zero = Np.zerosLike(xs.get("0"));
        return Lax.scan(
                        (Array c, Array x) -> {
                            Array next = c.add(x);
                            return Lax.Step.of(next, next);
                        },
                        zero,
                        xs,
                        -1,
                        true)
                .ys();
    }

    /** A scan whose step branches: the carry gains x^2 where the row sums to more than 0, else -x/2. */
    static Array condInScan(Array xs) {
        return Lax.scan(
                        (Array c, Array x) -> {
                            Array next = c.add(
                                    Lax.cond(Np.greater(Np.sum(x), 0), a -> a.multiply(a), a -> a.multiply(-0.5), x));
                            return Lax.Step.of(next, next.multiply(c.add(1)));
                        },
                        Np.zerosLike(xs.get("0")),
                        xs)
                .ys();
    }

    /** A cond whose true branch is a scan (running products over the rows). */
    static Array scanInCond(Array xs) {
        return Lax.cond(
                Np.greater(Np.sum(xs), 0),
                a -> Lax.scan(
                                (Array c, Array x) -> {
                                    Array next = c.multiply(x.add(1));
                                    return Lax.Step.of(next, next);
                                },
                                Np.onesLike(a.get("0")),
                                a)
                        .ys(),
                a -> a.multiply(a),
                xs);
    }

    /** A scan with a tree carry (a record) and no scanned inputs: a damped oscillator. */
    public record State(Array position, Array velocity) {}

    static Array oscillator(Array x0) {
        State init = new State(x0, Np.zerosLike(x0));
        Lax.ScanResult<State, Array> r = Lax.scan(
                (State s, Object unused) -> {
                    Array v = s.velocity().subtract(s.position().multiply(0.1)).multiply(0.95);
                    Array p = s.position().add(v.multiply(0.5));
                    return Lax.Step.of(new State(p, v), p);
                },
                init,
                null,
                8,
                false);
        return r.ys().add(r.carry().velocity());
    }

    // ---------------------------------------------------------------- the cases

    /**
     * A function with control flow. {@code signed}: its float inputs may be made all positive or all
     * negative, to send examples down different branches; {@code differentiable}: in reverse mode.
     */
    private record Flow(
            String op,
            String label,
            List<Programs.Input> inputs,
            Function<List<Array>, Array> f,
            boolean differentiable,
            boolean signed) {
        Flow(
                String op,
                String label,
                List<Programs.Input> inputs,
                Function<List<Array>, Array> f,
                boolean differentiable) {
            this(op, label, inputs, f, differentiable, true);
        }
    }

    private static List<Flow> flows(DType t) {
        Gen.Domain unit = Gen.UNIT;
        List<Flow> out = new ArrayList<>();
        out.add(new Flow("cond", "piecewise", List.of(Programs.in(t, unit, 3)), a -> piecewise(a.get(0)), true));
        out.add(new Flow(
                "switchCase",
                "index input",
                List.of(Programs.in(DType.INT32, Gen.Domain.uniform(-2, 4)), Programs.in(t, unit, 4)),
                a -> switched(a.get(0), a.get(1)),
                false));
        for (int k = 0; k < 3; k++) {
            int branch = k;
            out.add(new Flow(
                    "switchCase",
                    "branch " + k,
                    List.of(Programs.in(t, unit, 4)),
                    a -> switched(Np.scalar(branch), a.get(0)),
                    true));
        }
        out.add(new Flow(
                "whileLoop",
                "Newton until converged",
                List.of(Programs.in(t, Gen.Domain.uniform(0.5, 9), 2)),
                a -> newtonUntilConverged(a.get(0)),
                false,
                false));
        out.add(new Flow("forLoop", "polynomial", List.of(Programs.in(t, unit, 3)), a -> polynomial(a.get(0)), true));
        out.add(new Flow(
                "scan",
                "tanh recurrence",
                List.of(Programs.in(t, unit, 2), Programs.in(t, unit, 4, 2)),
                a -> rnn(a.get(0), a.get(1)),
                true));
        out.add(new Flow(
                "scan",
                "reverse suffix sums",
                List.of(Programs.in(t, unit, 5, 2)),
                a -> reverseCumsum(a.get(0)),
                true));
        out.add(new Flow(
                "scan", "record carry, no xs", List.of(Programs.in(t, unit, 3)), a -> oscillator(a.get(0)), true));
        out.add(new Flow("cond", "inside scan", List.of(Programs.in(t, unit, 5, 2)), a -> condInScan(a.get(0)), true));
        out.add(new Flow("scan", "inside cond", List.of(Programs.in(t, unit, 4, 2)), a -> scanInCond(a.get(0)), true));
        return out;
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (Flow fl : flows(t)) {
                String dt = t.jaxName();
                Programs.Fn fn = new Programs.Fn(fl.op(), fl.label(), fl.inputs(), fl.f(), Programs.composite());
                out.add(new Case(name(), fl.op(), dt, fl.label() + ": jit vs eager", () -> {
                    for (int i = 0; i < 3; i++) {
                        List<HostBuffer> xs = fn.sample("jit " + i);
                        JitFamily.check(fl.label() + " #" + i, fl.signed() ? signs(xs, i) : xs, fn.rule(), fn.f());
                    }
                }));
                out.add(new Case(
                        name(),
                        fl.op(),
                        dt,
                        fl.label() + ": vmap vs a loop",
                        () -> VmapFamily.check(
                                fl.label(),
                                fn.f(),
                                fn.rule(),
                                mixedExamples(fn, fl.signed()),
                                fn.sample("shared"),
                                VmapFamily.FRONT)));
                if (fl.differentiable() && t == DType.FLOAT64) {
                    for (Mode m : Mode.values()) {
                        for (int point = 0; point < 2; point++) {
                            int p = point;
                            out.add(new Case(
                                    name(),
                                    fl.op(),
                                    dt,
                                    fl.label() + ": " + m.title + " #" + point,
                                    () -> GradFamily.finiteDifferences(
                                            fl.label() + p, fl.f(), signs(fn.sample("fd " + p), p), m)));
                        }
                    }
                }
            }
        }
        specifics(out);
        Callbacks.addTo(out, name());
        return out;
    }

    /**
     * Three examples whose float inputs are scaled to have a positive, negative and positive sum,
     * so that batched predicates (sum > 0, x > 0) differ across the batch.
     */
    private static List<List<HostBuffer>> mixedExamples(Programs.Fn fn, boolean signed) {
        List<List<HostBuffer>> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            out.add(signed ? signs(fn.sample("vmap " + i), i) : fn.sample("vmap " + i));
        }
        return out;
    }

    /** The float inputs made all positive (even {@code k}) or all negative (odd {@code k}). */
    private static List<HostBuffer> signs(List<HostBuffer> xs, int k) {
        List<HostBuffer> out = new ArrayList<>();
        for (HostBuffer x : xs) {
            if (!x.spec().dtype().isFloating()) {
                out.add(x);
                continue;
            }
            double[] v = Host.doubles(x);
            for (int i = 0; i < v.length; i++) {
                v[i] = (k % 2 == 0 ? 1 : -1) * (0.1 + 0.9 * Math.abs(v[i]));
            }
            out.add(Host.of(x.spec().dtype(), x.spec().shape(), v));
        }
        return out;
    }

    private void specifics(List<Case> out) {
        out.add(new Case(name(), "switchCase", "int32", "index clamped, eager and jit", () -> {
            for (int i : new int[] {-5, 0, 1, 2, 7}) {
                int clamped = Math.max(0, Math.min(2, i));
                HostBuffer x = Host.vector(DType.FLOAT64, 0.5, -1.25);
                double[] want = new double[2];
                for (int k = 0; k < 2; k++) {
                    double v = x.getDouble(k);
                    want[k] = clamped == 0 ? Math.sin(v) : clamped == 1 ? v * v : Math.exp(-v);
                }
                HostBuffer expected = Host.of(DType.FLOAT64, new int[] {2}, want);
                HostBuffer eager = switched(Np.scalar(i), Host.array(x)).toHost();
                HostBuffer jitted = Kiln.jit((Array j) -> switched(j, Host.array(x)))
                        .apply(Np.scalar(i))
                        .toHost();
                Check.same(
                        "switchCase(" + i + ") eager",
                        expected,
                        eager,
                        Tolerance.elementwise("exp", DType.FLOAT64),
                        null);
                Check.same(
                        "switchCase(" + i + ") under jit",
                        expected,
                        jitted,
                        Tolerance.elementwise("exp", DType.FLOAT64),
                        null);
            }
        }));
        out.add(new Case(name(), "whileLoop", "int32", "Collatz steps: eager, jit, vmap", () -> {
            int[] ns = {1, 6, 27, 7, 97};
            int[] steps = new int[ns.length];
            for (int i = 0; i < ns.length; i++) {
                long n = ns[i];
                while (n > 1) {
                    n = n % 2 == 0 ? n / 2 : 3 * n + 1;
                    steps[i]++;
                }
            }
            for (int i = 0; i < ns.length; i++) {
                int eager = collatzSteps(Np.scalar(ns[i])).intItem();
                int jitted = Kiln.jit(ControlFamily::collatzSteps)
                        .apply(Np.scalar(ns[i]))
                        .intItem();
                Check.that(
                        eager == steps[i] && jitted == steps[i],
                        "Collatz steps from " + ns[i] + ": eager " + eager + ", jit " + jitted + ", expected "
                                + steps[i]);
            }
            HostBuffer batched =
                    Kiln.vmap(ControlFamily::collatzSteps).apply(Np.array(ns)).toHost();
            Check.same(
                    "vmap(collatz steps), a batched loop condition",
                    Host.ofLongs(
                            DType.INT32,
                            new int[] {ns.length},
                            java.util.Arrays.stream(steps).asLongStream().toArray()),
                    batched,
                    Tolerance.exact(),
                    null);
        }));
        out.add(new Case(name(), "whileLoop", "float64", "zero iterations", () -> {
            Function<Array, Array> f =
                    x -> Lax.whileLoop((Array c) -> Np.less(Np.sum(c), -100), (Array c) -> c.add(1), x);
            HostBuffer x = Host.vector(DType.FLOAT64, 1, 2);
            Check.same(
                    "a loop whose condition is false at once, eager",
                    x,
                    f.apply(Host.array(x)).toHost(),
                    Tolerance.bitExact(),
                    null);
            Check.same(
                    "a loop whose condition is false at once, jit",
                    x,
                    Kiln.jit(f).apply(Host.array(x)).toHost(),
                    Tolerance.bitExact(),
                    null);
        }));
        out.add(new Case(
                name(),
                "whileLoop",
                "float64",
                "jvp vs finite differences (Newton, fixed steps)",
                () -> GradFamily.finiteDifferences(
                        "newton",
                        a -> newtonFixed(a.get(0)),
                        List.of(Host.vector(DType.FLOAT64, 2, 0.7, 5.5)),
                        Mode.JVP)));
        out.add(new Case(name(), "whileLoop", "float64", "Newton converges to sqrt", () -> {
            HostBuffer a = Host.vector(DType.FLOAT64, 0.5, 2, 9, 7.3);
            double[] got = Host.doubles(Kiln.jit(ControlFamily::newtonUntilConverged)
                    .apply(Host.array(a))
                    .toHost());
            for (int i = 0; i < got.length; i++) {
                double want = Math.sqrt(a.getDouble(i));
                Check.that(
                        Math.abs(got[i] * got[i] - a.getDouble(i)) <= 1e-5 * a.getDouble(i),
                        "Newton's sqrt(" + a.getDouble(i) + ") under jit is " + got[i] + ", sqrt is " + want);
            }
        }));
        out.add(new Case(name(), "forLoop", "float64", "empty range and a Java oracle", () -> {
            HostBuffer x = Host.vector(DType.FLOAT64, 0.7, -1.2, 2);
            HostBuffer none = Lax.forLoop(3, 3, (Array i, Array acc) -> acc.add(1), Host.array(x))
                    .toHost();
            Check.same("forLoop(3, 3) leaves the carry", x, none, Tolerance.bitExact(), null);
            double[] want = new double[3];
            for (int k = 0; k < 3; k++) {
                double v = x.getDouble(k);
                double acc = 1;
                for (int i = 0; i < 5; i++) {
                    acc = acc * v + 0.1 * i;
                }
                want[k] = acc;
            }
            Check.same(
                    "forLoop polynomial under jit vs Java",
                    Host.of(DType.FLOAT64, new int[] {3}, want),
                    Kiln.jit(ControlFamily::polynomial).apply(Host.array(x)).toHost(),
                    Tolerance.composite(DType.FLOAT64),
                    Tolerance.maxMagnitude(want));
        }));
        out.add(new Case(name(), "scan", "int32", "suffix sums vs Java, eager and jit", () -> {
            HostBuffer xs = new Gen("suffix").random(DType.INT32, Gen.INTS, 6, 3);
            long[] v = Host.longs(xs);
            long[] want = new long[v.length];
            for (int j = 0; j < 3; j++) {
                long acc = 0;
                for (int i = 5; i >= 0; i--) {
                    acc += v[i * 3 + j];
                    want[i * 3 + j] = acc;
                }
            }
            HostBuffer expected = Host.ofLongs(DType.INT32, new int[] {6, 3}, want);
            Check.same(
                    "reverse scan, eager",
                    expected,
                    reverseCumsum(Host.array(xs)).toHost(),
                    Tolerance.exact(),
                    null);
            Check.same(
                    "reverse scan, jit",
                    expected,
                    Kiln.jit(ControlFamily::reverseCumsum).apply(Host.array(xs)).toHost(),
                    Tolerance.exact(),
                    null);
        }));
        out.add(new Case(name(), "scan", "float32", "vmap(grad) through scan vs per-example grads", () -> {
            HostBuffer xs = new Gen("vmap grad scan").random(DType.FLOAT32, Gen.UNIT, 4, 2);
            HostBuffer ws = new Gen("vmap grad scan w").random(DType.FLOAT32, Gen.UNIT, 3, 2);
            Function<Array, Array> grad = Kiln.grad((Array w) -> Np.sum(rnn(w, Host.array(xs))));
            List<HostBuffer> rows = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rows.add(grad.apply(
                                Host.array(HostOps.slice(ws, new int[] {i, 0}, new int[] {i + 1, 2}, new int[] {1, 1}))
                                        .reshape(2))
                        .toHost());
            }
            HostBuffer expected = HostOps.stack(rows, 0);
            HostBuffer batched = Kiln.vmap(grad).apply(Host.array(ws)).toHost();
            Check.same(
                    "vmap(grad(rnn))",
                    expected,
                    batched,
                    Tolerance.twoWays(Tolerance.derivative(DType.FLOAT32)),
                    Tolerance.maxMagnitude(Host.doubles(expected)));
        }));
        out.add(new Case(name(), "cond", "float64", "unbatched predicate, batched operand", () -> {
            HostBuffer xs = new Gen("cond shared pred").random(DType.FLOAT64, Gen.UNIT, 3, 4);
            for (double p : new double[] {1, -1}) {
                Array pred = Np.scalar(p);
                Array r = Kiln.vmap(
                                (Array flag, Array x) ->
                                        Lax.cond(Np.greater(flag, 0), a -> Np.exp(a), a -> Np.negative(a), x),
                                null,
                                0,
                                0)
                        .apply(pred, Host.array(xs));
                HostBuffer expected = (p > 0 ? Np.exp(Host.array(xs)) : Np.negative(Host.array(xs))).toHost();
                Check.same(
                        "vmap of cond with a shared predicate " + p,
                        expected,
                        r.toHost(),
                        Tolerance.twoWays(Tolerance.elementwise("exp", DType.FLOAT64)),
                        null);
            }
        }));
    }
}
