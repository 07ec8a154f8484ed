package dev.kiln.autodiff;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Derivatives of a function of float64 arrays by each mode and order that Kiln offers, each
 * compared with finite differences. Second-order checks compare with differences of the
 * (separately checked) first-order derivative, which keeps the finite-difference error at first
 * order.
 */
final class DerivativeChecks {
    private DerivativeChecks() {}

    /** A function to differentiate and a point, inside the function's smooth domain. */
    record Instance(Function<List<Array>, Array> f, List<Array> inputs) {}

    enum Check {
        /** Forward mode: {@code jvp(f)} against the directional difference. */
        JVP,
        /** Reverse mode: {@code vjp(f)} pulled back along a random cotangent against the gradient by differences. */
        VJP,
        /** Forward over reverse: a Hessian-vector product {@code jvp(grad g)}. */
        JVP_OF_GRAD,
        /** Reverse over reverse: {@code grad(<grad g, v>)}. */
        GRAD_OF_GRAD,
        /** Forward over forward: {@code jvp(x -> jvp(f, x, v), x, v)}. */
        JVP_OF_JVP,
        /** Reverse over forward: {@code grad(<w, jvp(f, x, v)>)}. */
        GRAD_OF_JVP
    }

    static void run(Check check, Instance in, long seed) {
        Random rng = new Random(seed);
        Function<List<Array>, Array> f = in.f();
        List<Array> xs = in.inputs();
        List<Array> vs = new ArrayList<>();
        for (Array x : xs) {
            // entries in [-1, 1], so the stencil moves no input by more than 2 * STEP
            vs.add(PrimitiveCases.uniform(rng, -1, 1, x.shape()));
        }
        Array w = normal(rng, f.apply(xs).shape());
        // g = <w, f>: a scalar whose gradient is f's vector-Jacobian product with w
        Function<List<Array>, Array> g = a -> Np.sum(Np.multiply(w, f.apply(a)));
        Function<List<Array>, List<Array>> gradG = Kiln.grad(g);
        Function<List<Array>, Array> tangentF = a -> Kiln.jvp(f, a, vs).tangent();
        Tolerance tol = Tolerance.finiteDifferences();
        switch (check) {
            case JVP ->
                tol.assertClose(
                        "jvp",
                        FiniteDifferences.directional(a -> List.of(f.apply(a)), xs, vs),
                        tangentF.apply(xs).toDoubleArray());
            case VJP ->
                tol.assertClose(
                        "vjp",
                        FiniteDifferences.gradient(g, xs),
                        FiniteDifferences.flat(Kiln.vjp(f, xs).pullback().apply(w)));
            case JVP_OF_GRAD ->
                tol.assertClose(
                        "jvp of grad",
                        FiniteDifferences.directional(gradG, xs, vs),
                        FiniteDifferences.flat(Kiln.jvp(gradG, xs, vs).tangent()));
            case GRAD_OF_GRAD ->
                tol.assertClose(
                        "grad of grad",
                        FiniteDifferences.directional(gradG, xs, vs),
                        FiniteDifferences.flat(Kiln.grad((List<Array> a) -> inner(gradG.apply(a), vs))
                                .apply(xs)));
            case JVP_OF_JVP ->
                tol.assertClose(
                        "jvp of jvp",
                        FiniteDifferences.directional(a -> List.of(tangentF.apply(a)), xs, vs),
                        Kiln.jvp(tangentF, xs, vs).tangent().toDoubleArray());
            case GRAD_OF_JVP ->
                tol.assertClose(
                        "grad of jvp",
                        FiniteDifferences.directional(gradG, xs, vs),
                        FiniteDifferences.flat(Kiln.grad((List<Array> a) -> Np.sum(Np.multiply(w, tangentF.apply(a))))
                                .apply(xs)));
        }
    }

    static Array inner(List<Array> a, List<Array> b) {
        Array sum = Np.scalar(0.0);
        for (int i = 0; i < a.size(); i++) {
            sum = Np.add(sum, Np.sum(Np.multiply(a.get(i), b.get(i))));
        }
        return sum;
    }

    static Array normal(Random rng, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return array(v, shape);
    }

    /** A float64 array of {@code shape}, including 0-d ones. */
    static Array array(double[] data, int... shape) {
        return shape.length == 0 ? Np.scalar(data[0]) : Np.array(data, shape);
    }
}
