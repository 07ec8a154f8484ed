package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.conformance.Tolerance;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * pjrt lowers {@code tanh} itself (XLA's tanh inside |x| < 1, expm1 of the clamped argument beyond,
 * in the operand's own type; see {@code StableHlo.tanh}) instead of Kiln's float64 decomposition:
 * swept here against {@code StrictMath.tanh} under the one tolerance policy, and held to its ulp
 * bound alone (not its absolute floor near 0), densely where 1 - tanh² cancels, where XLA's own
 * {@code stablehlo.tanh} in float32 was 6 ulps off and too coarse for Kiln's gradients.
 */
class PjrtTanhTest {
    private static final int N = 1 << 18;

    /** ±(log-spaced 1e-30..20), a dense uniform grid over [-10, 10], then the corners. */
    private static double[] inputs() {
        double[] x = new double[2 * N + 12];
        int k = 0;
        for (int i = 0; i < N / 2; i++) {
            double v = Math.pow(10, -30 + 31.3 * i / (N / 2.0));
            x[k++] = v;
            x[k++] = -v;
        }
        for (int i = 0; i < N; i++) {
            x[k++] = -10 + 20.0 * i / N;
        }
        double[] corners = {
            0.0,
            -0.0,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            9.99,
            10.01,
            19.99,
            20.01,
            Float.MIN_NORMAL,
            -Float.MAX_VALUE,
            Double.MAX_VALUE
        };
        for (double c : corners) {
            x[k++] = c;
        }
        return java.util.Arrays.copyOf(x, k);
    }

    @Test
    void float32AgreesWithTheReferenceWithinTheTolerance() {
        double[] x = inputs();
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            xf[i] = (float) x[i];
        }
        float[] got = Kiln.withBackend("pjrt", () -> {
            Function<Array, Array> tanh = Kiln.jit(Np::tanh);
            return tanh.apply(Np.array(xf)).toHost().floats();
        });
        assertEquals(xf.length, got.length);
        Tolerance.Rule rule = Tolerance.elementwise("tanh", DType.FLOAT32);
        long worst = 0;
        double at = 0;
        for (int i = 0; i < xf.length; i++) {
            float expected = (float) StrictMath.tanh(xf[i]);
            assertTrue(
                    rule.accepts(DType.FLOAT32, expected, got[i], 1),
                    "tanh(" + xf[i] + "): expected " + expected + ", got " + got[i]);
            if (!Float.isNaN(expected) && Math.abs(xf[i]) >= Float.MIN_NORMAL) {
                long d = Tolerance.ulpDistance(DType.FLOAT32, expected, got[i]);
                if (d > worst) {
                    worst = d;
                    at = xf[i];
                }
            }
        }
        System.out.println(
                "pjrt tanh float32: worst " + worst + " ulp (at x = " + at + ") over " + xf.length + " inputs");
    }

    @Test
    void float64AgreesWithTheReferenceWithinTheTolerance() {
        double[] x = inputs();
        double[] got = Kiln.withBackend("pjrt", () -> {
            Function<Array, Array> tanh = Kiln.jit(Np::tanh);
            return tanh.apply(Np.array(x)).toHost().doubles();
        });
        Tolerance.Rule rule = Tolerance.elementwise("tanh", DType.FLOAT64);
        long worst = 0;
        double at = 0;
        for (int i = 0; i < x.length; i++) {
            double expected = StrictMath.tanh(x[i]);
            assertTrue(
                    rule.accepts(DType.FLOAT64, expected, got[i], 1),
                    "tanh(" + x[i] + "): expected " + expected + ", got " + got[i]);
            if (!Double.isNaN(expected) && Math.abs(x[i]) >= Double.MIN_NORMAL) {
                long d = Tolerance.ulpDistance(DType.FLOAT64, expected, got[i]);
                if (d > worst) {
                    worst = d;
                    at = x[i];
                }
            }
        }
        System.out.println(
                "pjrt tanh float64: worst " + worst + " ulp (at x = " + at + ") over " + x.length + " inputs");
    }
}
