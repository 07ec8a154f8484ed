package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.conformance.families.Differentiable.Fn;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Automatic differentiation on the backend under test, for every function of {@link
 * Differentiable}: forward mode ({@code Kiln.jvp}) and reverse mode ({@code Kiln.vjp}) against
 * central differences in float64 computed on the reference backend, and second order (forward over
 * reverse: {@code jvp} of {@code grad}, a Hessian-vector product; reverse over reverse: {@code
 * grad} of {@code <grad, v>}) against central differences of the reference backend's gradient.
 * For functions of one array, also {@code jacfwd} and {@code jacrev} (vmap over jvp and over the
 * pull-back) against the Jacobian by differences. Then, in float32 and float64, the gradient, JVP
 * and Hessian-vector product against JAX's, and (on other backends) against the reference
 * backend's. Two coverage cases keep the table honest: JAX goldens exist for every function, and
 * the functions reach every differentiable primitive.
 */
final class GradFamily implements Family {
    /** Random points each function's derivatives are checked at against finite differences. */
    private static final int POINTS = 2;

    @Override
    public String name() {
        return "grad";
    }

    /** The four checks against finite differences. */
    enum Mode {
        JVP("jvp vs finite differences"),
        VJP("vjp vs finite differences"),
        JVP_OF_GRAD("jvp of grad (Hessian-vector product) vs differences of grad"),
        GRAD_OF_GRAD("grad of <grad, v> vs differences of grad");

        final String title;

        Mode(String title) {
            this.title = title;
        }
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (Fn fn : Differentiable.all()) {
            for (Mode m : Mode.values()) {
                for (int point = 0; point < POINTS; point++) {
                    String salt = "fd " + point;
                    out.add(new Case(
                            name(),
                            fn.op(),
                            "float64",
                            label(fn, m.title + " #" + point),
                            () -> finiteDifferences(fn.key() + salt, fn::apply, fn.inputs(DType.FLOAT64, salt), m)));
                }
            }
            if (fn.shapes().length == 1) {
                out.add(new Case(
                        name(),
                        fn.op(),
                        "float64",
                        label(fn, "jacfwd and jacrev vs finite differences"),
                        () -> jacobians(fn)));
            }
        }
        for (DerivativeGoldens.Line l : DerivativeGoldens.all()) {
            Fn fn = Differentiable.get(l.key());
            String op = fn == null ? l.key() : fn.op();
            String dt = l.dtype().jaxName();
            out.add(new Case(name(), op, dt, "jax grad " + l.key(), () -> goldenGrad(l)));
            out.add(new Case(name(), op, dt, "jax jvp " + l.key(), () -> goldenJvp(l)));
            out.add(new Case(name(), op, dt, "jax hvp " + l.key(), () -> goldenHvp(l)));
        }
        out.add(new Case(name(), "coverage", Case.ANY_DTYPE, "derivatives.txt covers the table", GradFamily::coverage));
        out.add(new Case(
                name(),
                "coverage",
                Case.ANY_DTYPE,
                "the table reaches every differentiable primitive",
                GradFamily::primitives));
        return out;
    }

    private static String label(Fn fn, String what) {
        return fn.variant().isEmpty() ? what : fn.variant() + ": " + what;
    }

    // ---------------------------------------------------------------- against finite differences

    /**
     * One derivative of {@code f} at the float64 point {@code xs}, computed on the backend under
     * test, against central differences on the reference backend; directions and cotangents are
     * drawn from a generator seeded with {@code key}.
     */
    static void finiteDifferences(String key, Function<List<Array>, Array> f, List<HostBuffer> xs, Mode mode) {
        Gen g = new Gen(key + "|fd directions");
        List<HostBuffer> vs = new ArrayList<>();
        for (HostBuffer x : xs) {
            vs.add(g.random(DType.FLOAT64, Gen.Domain.uniform(-1, 1), x.spec().shape()));
        }
        HostBuffer y = Kiln.withBackend(
                Check.REFERENCE, () -> f.apply(Differentiable.arrays(xs)).toHost());
        HostBuffer w =
                g.random(DType.FLOAT64, Gen.Domain.uniform(-1.5, 1.5), y.spec().shape());
        // <w, f>: a scalar whose gradient is f's vector-Jacobian product with w
        Function<List<Array>, Array> loss = a -> Np.sum(Np.multiply(Host.array(w), f.apply(a)));
        Function<List<Array>, List<Array>> gradLoss = Kiln.grad(loss);
        double[] expected;
        double[] actual;
        switch (mode) {
            case JVP -> {
                expected = FiniteDifferences.directional(a -> List.of(f.apply(a)), xs, vs);
                Array t = Kiln.jvp(f, Differentiable.arrays(xs), Differentiable.arrays(vs))
                        .tangent();
                Check.spec("jvp tangent", t, DType.FLOAT64, y.spec().shape());
                actual = FiniteDifferences.flat(List.of(t));
            }
            case VJP -> {
                expected = FiniteDifferences.gradient(loss, xs);
                List<Array> ct =
                        Kiln.vjp(f, Differentiable.arrays(xs)).pullback().apply(Host.array(w));
                checkSpecs("vjp", xs, ct);
                actual = FiniteDifferences.flat(ct);
            }
            case JVP_OF_GRAD -> {
                expected = FiniteDifferences.directional(gradLoss, xs, vs);
                List<Array> h = Kiln.jvp(gradLoss, Differentiable.arrays(xs), Differentiable.arrays(vs))
                        .tangent();
                checkSpecs("jvp of grad", xs, h);
                actual = FiniteDifferences.flat(h);
            }
            case GRAD_OF_GRAD -> {
                expected = FiniteDifferences.directional(gradLoss, xs, vs);
                List<Array> v = Differentiable.arrays(vs);
                List<Array> h = Kiln.grad((List<Array> a) -> inner(gradLoss.apply(a), v))
                        .apply(Differentiable.arrays(xs));
                checkSpecs("grad of grad", xs, h);
                actual = FiniteDifferences.flat(h);
            }
            default -> throw new IllegalStateException();
        }
        compare(
                key + " " + mode.title,
                DType.FLOAT64,
                expected,
                actual,
                Tolerance.finiteDifferences(),
                Tolerance.magnitudes(expected));
    }

    /**
     * {@code Kiln.jacfwd} (vmap of jvp over a basis) and {@code Kiln.jacrev} (vmap of the pull-back)
     * of a function of one array, against the Jacobian by central differences, one column per input
     * element; both have shape {@code out.shape + in.shape}.
     */
    private static void jacobians(Fn fn) {
        List<HostBuffer> xs = fn.inputs(DType.FLOAT64, "jacobian");
        HostBuffer x = xs.get(0);
        int n = x.spec().size();
        HostBuffer y = Kiln.withBackend(Check.REFERENCE, () -> fn.value(xs));
        int m = y.spec().size();
        double[] expected = new double[m * n];
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1;
            double[] column = FiniteDifferences.directional(
                    a -> List.of(fn.apply(a)),
                    xs,
                    List.of(Host.of(DType.FLOAT64, x.spec().shape(), e)));
            for (int i = 0; i < m; i++) {
                expected[i * n + j] = column[i];
            }
        }
        int[] shape = new int[y.spec().rank() + x.spec().rank()];
        System.arraycopy(y.spec().shape(), 0, shape, 0, y.spec().rank());
        System.arraycopy(x.spec().shape(), 0, shape, y.spec().rank(), x.spec().rank());
        Function<Array, Array> f = a -> fn.apply(List.of(a));
        for (String how : List.of("jacfwd", "jacrev")) {
            Array jac = (how.equals("jacfwd") ? Kiln.jacfwd(f) : Kiln.jacrev(f)).apply(Host.array(x));
            Check.spec(how, jac, DType.FLOAT64, shape);
            compare(
                    fn.key() + " " + how + " vs finite differences",
                    DType.FLOAT64,
                    expected,
                    FiniteDifferences.flat(List.of(jac)),
                    Tolerance.finiteDifferences(),
                    Tolerance.magnitudes(expected));
        }
    }

    static Array inner(List<Array> a, List<Array> b) {
        Array sum = null;
        for (int i = 0; i < a.size(); i++) {
            Array term = Np.sum(Np.multiply(a.get(i), b.get(i)));
            sum = sum == null ? term : Np.add(sum, term);
        }
        return sum;
    }

    private static void checkSpecs(String what, List<HostBuffer> xs, List<Array> got) {
        Check.that(got.size() == xs.size(), what + ": " + got.size() + " results for " + xs.size() + " inputs");
        for (int i = 0; i < xs.size(); i++) {
            Check.spec(
                    what + " for input " + i,
                    got.get(i),
                    xs.get(i).spec().dtype(),
                    xs.get(i).spec().shape());
        }
    }

    // ---------------------------------------------------------------- against JAX

    private static Fn fn(DerivativeGoldens.Line l) {
        Fn fn = Differentiable.get(l.key());
        if (fn == null) {
            throw new AssertionError("derivatives.txt has '" + l.key() + "', which Differentiable does not define;"
                    + " regenerate the goldens or add the function");
        }
        return fn;
    }

    private static void goldenGrad(DerivativeGoldens.Line l) {
        Fn fn = fn(l);
        Supplier<List<Array>> grad =
                () -> Kiln.grad((List<Array> a) -> Np.sum(Np.multiply(Host.array(l.cotangent()), fn.apply(a))))
                        .apply(Differentiable.arrays(l.primals()));
        checkAll("grad of sum(w f) for " + l.key(), l.dtype(), l.grads(), grad);
    }

    private static void goldenJvp(DerivativeGoldens.Line l) {
        Fn fn = fn(l);
        Supplier<List<Array>> jvp = () ->
                List.of(Kiln.jvp(fn::apply, Differentiable.arrays(l.primals()), Differentiable.arrays(l.tangents()))
                        .tangent());
        checkAll("jvp of " + l.key(), l.dtype(), List.of(l.jvp()), jvp);
    }

    private static void goldenHvp(DerivativeGoldens.Line l) {
        Fn fn = fn(l);
        Supplier<List<Array>> hvp = () -> {
            Function<List<Array>, List<Array>> grad =
                    Kiln.grad((List<Array> a) -> Np.sum(Np.multiply(Host.array(l.cotangent()), fn.apply(a))));
            return Kiln.jvp(grad, Differentiable.arrays(l.primals()), Differentiable.arrays(l.tangents()))
                    .tangent();
        };
        checkAll("Hessian-vector product of sum(w f) for " + l.key(), l.dtype(), l.hvps(), hvp);
    }

    /**
     * Runs {@code computation} on the backend under test and compares each result with JAX's, and
     * (unless the backend is the reference) with the reference backend's, under {@link
     * Tolerance#derivative}; the scale is the largest magnitude over all results.
     */
    static void checkAll(String what, DType dtype, List<HostBuffer> jax, Supplier<List<Array>> computation) {
        List<HostBuffer> actual = hosts(computation.get());
        Rule rule = Tolerance.derivative(dtype);
        compareAll(what + " vs JAX", jax, actual, rule);
        if (!Check.underReference()) {
            List<HostBuffer> ref;
            try {
                ref = Kiln.withBackend(Check.REFERENCE, () -> hosts(computation.get()));
            } catch (RuntimeException e) {
                throw new AssertionError("the reference backend (the oracle) failed on this computation: " + e, e);
            }
            compareAll(what + " vs reference backend", ref, actual, rule);
        }
    }

    private static List<HostBuffer> hosts(List<Array> xs) {
        List<HostBuffer> out = new ArrayList<>(xs.size());
        for (Array x : xs) {
            out.add(x.toHost());
        }
        return out;
    }

    private static void compareAll(String what, List<HostBuffer> expected, List<HostBuffer> actual, Rule rule) {
        Check.that(
                expected.size() == actual.size(),
                what + ": " + actual.size() + " results where " + expected.size() + " were expected");
        double[] scale = Tolerance.maxMagnitude(FiniteDifferences.flatHost(expected));
        for (int i = 0; i < expected.size(); i++) {
            int n = expected.get(i).spec().size();
            Check.same(
                    what + (expected.size() > 1 ? " (input " + i + ")" : ""),
                    expected.get(i),
                    actual.get(i),
                    rule,
                    java.util.Arrays.copyOf(scale, n));
        }
    }

    /** Compares flat double vectors as arrays of {@code dtype}. */
    static void compare(String what, DType dtype, double[] expected, double[] actual, Rule rule, double[] scale) {
        Check.that(
                expected.length == actual.length,
                what + ": " + actual.length + " elements where " + expected.length + " were expected");
        Check.same(
                what,
                Host.of(dtype, new int[] {expected.length}, expected),
                Host.of(dtype, new int[] {actual.length}, actual),
                rule,
                scale);
    }

    /**
     * Primitives that the table need not reach: comparisons, logic, bit operations, index results
     * and iota have no derivative (their tangent is zero); cond, while and scan are the control
     * family's; custom_linear is made by {@code Kiln.customVjp}, not by any {@code Np} function.
     */
    private static final Set<Primitive> NOT_DIFFERENTIATED = java.util.EnumSet.of(
            // JAX defines no derivative (Kiln raises, as JAX does; the breadth family checks the error)
            Primitive.NEXTAFTER,
            Primitive.NOT,
            Primitive.IS_FINITE,
            Primitive.AND,
            Primitive.OR,
            Primitive.XOR,
            Primitive.SHIFT_LEFT,
            Primitive.SHIFT_RIGHT_ARITHMETIC,
            Primitive.SHIFT_RIGHT_LOGICAL,
            Primitive.EQ,
            Primitive.NE,
            Primitive.LT,
            Primitive.LE,
            Primitive.GT,
            Primitive.GE,
            Primitive.ARGMAX,
            Primitive.ARGMIN,
            Primitive.REDUCE_AND,
            Primitive.REDUCE_OR,
            Primitive.IOTA,
            Primitive.COND,
            Primitive.WHILE,
            Primitive.SCAN,
            Primitive.CUSTOM_LINEAR);

    /** Every primitive outside {@link #NOT_DIFFERENTIATED} appears in the program of some function of the table. */
    private static void primitives() {
        Set<Primitive> reached = java.util.EnumSet.noneOf(Primitive.class);
        for (Fn fn : Differentiable.all()) {
            List<Array> xs = Differentiable.arrays(fn.inputs(DType.FLOAT32, "coverage"));
            for (Eqn e : Kiln.makeProgram(fn::apply).apply(xs).eqns()) {
                reached.add(e.primitive());
            }
        }
        List<Primitive> missing = new ArrayList<>();
        for (Primitive p : Primitive.values()) {
            // collectives need a named axis: the family 'parallel' differentiates each of them under
            // vmap and pmap against finite differences, and pmap itself (grad(pmap f))
            if (!NOT_DIFFERENTIATED.contains(p)
                    && !reached.contains(p)
                    && p.kind() != Primitive.Kind.COLLECTIVE
                    && p != Primitive.PMAP
                    // host code has no derivative; the control family checks that grad refuses it
                    && p != Primitive.PURE_CALLBACK) {
                missing.add(p);
            }
        }
        Check.that(
                missing.isEmpty(),
                "no function of Differentiable reaches the primitives " + missing
                        + "; add one (and its JAX twin in make_goldens.py), or list the primitive as not differentiated");
    }

    private static void coverage() {
        Set<String> seen = new HashSet<>();
        for (DerivativeGoldens.Line l : DerivativeGoldens.all()) {
            seen.add(l.key() + "|" + l.dtype().jaxName());
            fn(l);
        }
        List<String> missing = new ArrayList<>();
        for (Fn fn : Differentiable.all()) {
            for (String dt : List.of("float32", "float64")) {
                if (!seen.contains(fn.key() + "|" + dt)) {
                    missing.add(fn.key() + " in " + dt);
                }
            }
        }
        Check.that(
                missing.isEmpty(),
                "derivatives.txt has no JAX goldens for " + missing
                        + "; add them to DIFFERENTIABLE in conformance/scripts/make_goldens.py and rerun it");
    }
}
