package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * jacfwd, jacrev and hessian (which batch JVPs and pull-backs with vmap) against finite
 * differences, and vmap composed with grad.
 */
class JacobianTest {
    static <T> T onReference(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    static final Function<Array, Array> F = x -> Np.concatenate(
            new Array[] {Np.multiply(Np.sin(x), Np.cumprod(x)), Np.reshape(Np.max(Np.reshape(Np.exp(x), 2, 3), 1), 2)},
            0);

    /** The Jacobian (out.size, x.size) by finite differences, one column per input coordinate. */
    static double[] jacobianByDifferences(Function<Array, Array> f, Array x) {
        int n = x.size();
        int m = f.apply(x).size();
        double[] jac = new double[m * n];
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1;
            double[] col = FiniteDifferences.directional(
                    a -> List.of(f.apply(a.get(0))), List.of(x), List.of(DerivativeChecks.array(e, x.shape())));
            for (int i = 0; i < m; i++) {
                jac[i * n + j] = col[i];
            }
        }
        return jac;
    }

    static Array point() {
        return PrimitiveCases.distinct(new Random(3), 6);
    }

    @Test
    void jacfwdAndJacrevMatchFiniteDifferences() {
        onReference(() -> {
            Array x = point();
            double[] expected = jacobianByDifferences(F, x);
            Array fwd = Kiln.jacfwd(F).apply(x);
            Array rev = Kiln.jacrev(F).apply(x);
            assertArrayEquals(new int[] {8, 6}, fwd.shape());
            assertArrayEquals(new int[] {8, 6}, rev.shape());
            Tolerance.finiteDifferences().assertClose("jacfwd", expected, fwd.toDoubleArray());
            Tolerance.finiteDifferences().assertClose("jacrev", expected, rev.toDoubleArray());
            return null;
        });
    }

    @Test
    void hessianMatchesDifferencesOfTheGradient() {
        onReference(() -> {
            Array x = point();
            Function<Array, Array> loss = a -> Np.sum(Np.multiply(Np.tanh(a), Np.cumsum(Np.square(a))));
            Array h = Kiln.hessian(loss).apply(x);
            assertArrayEquals(new int[] {6, 6}, h.shape());
            Tolerance.finiteDifferences()
                    .assertClose("hessian", jacobianByDifferences(Kiln.grad(loss), x), h.toDoubleArray());
            return null;
        });
    }

    @Test
    void vmapOfGradIsPerExampleGradients() {
        onReference(() -> {
            Array xs = DerivativeChecks.normal(new Random(4), 3, 6);
            Function<Array, Array> loss = a -> Np.sum(Np.multiply(Np.sin(a), Np.cumprod(a)));
            Array batched = Kiln.vmap(Kiln.grad(loss)).apply(xs);
            for (int b = 0; b < 3; b++) {
                Array row = Np.reshape(Np.take(xs, Np.array(new int[] {b}), 0), 6);
                Tolerance.rounding()
                        .assertClose(
                                "row " + b,
                                Kiln.grad(loss).apply(row).toDoubleArray(),
                                Np.reshape(Np.take(batched, Np.array(new int[] {b}), 0), 6)
                                        .toDoubleArray());
            }
            return null;
        });
    }
}
