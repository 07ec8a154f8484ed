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
        double[] rounded = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xf[i] = (float) x[i];
            rounded[i] = xf[i];
        }
        float[] got = Kiln.withBackend("pjrt", () -> {
            Function<Array, Array> tanh = Kiln.jit(Np::tanh);
            return tanh.apply(Np.array(xf)).toHost().floats();
        });
        double[] wide = new double[got.length];
        for (int i = 0; i < got.length; i++) {
            wide[i] = got[i];
        }
        check(DType.FLOAT32, rounded, wide);
    }

    @Test
    void float64AgreesWithTheReferenceWithinTheTolerance() {
        double[] x = inputs();
        double[] got = Kiln.withBackend("pjrt", () -> {
            Function<Array, Array> tanh = Kiln.jit(Np::tanh);
            return tanh.apply(Np.array(x)).toHost().doubles();
        });
        check(DType.FLOAT64, x, got);
    }

    /**
     * Every result within the policy's rule for tanh, and (the lowering's own claim, stricter than the
     * rule's absolute floor near 0) within its ulp bound wherever x is a normal number.
     */
    private static void check(DType dtype, double[] x, double[] got) {
        assertEquals(x.length, got.length);
        Tolerance.Rule rule = Tolerance.elementwise("tanh", dtype);
        double smallestNormal = dtype == DType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        long worst = 0;
        double at = 0;
        for (int i = 0; i < x.length; i++) {
            double exact = StrictMath.tanh(x[i]);
            double expected = dtype == DType.FLOAT32 ? (float) exact : exact;
            assertTrue(
                    rule.accepts(dtype, expected, got[i], 1),
                    "tanh(" + x[i] + "): expected " + expected + ", got " + got[i]);
            if (!Double.isNaN(expected) && Math.abs(x[i]) >= smallestNormal) {
                long d = Tolerance.ulpDistance(dtype, expected, got[i]);
                if (d > worst) {
                    worst = d;
                    at = x[i];
                }
            }
        }
        assertTrue(worst <= rule.ulps(), "pjrt tanh " + dtype + ": worst " + worst + " ulps at x = " + at);
        System.out.println(
                "pjrt tanh " + dtype + ": worst " + worst + " ulp (at x = " + at + ") over " + x.length + " inputs");
    }
}
