package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.conformance.Tolerance;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The transcendentals pjrt lowers with XLA's own functions instead of Kiln's float64 decompositions
 * ({@code tan}, {@code arcsin}, {@code arccos}, {@code arctan}, {@code erf}, and {@code sinh},
 * {@code cosh} in float32; see {@code StableHlo}), swept against the reference backend on the same
 * (rounded) inputs: every result within the policy's rule, and the worst error within its ulp
 * bound alone wherever input and result are normal numbers. The float64 {@code sinh} and {@code
 * cosh}, which pjrt leaves to Kiln's decomposition (XLA's are 17 ulps off), are swept too.
 */
class PjrtTranscendentalsTest {
    private static final int N = 1 << 16;

    /** ±(log-spaced 1e-30..hi) (only + for a one-sided domain), a uniform grid over [lo, hi'], corners. */
    private static double[] inputs(double lo, double hi, double gridHi) {
        double[] x = new double[2 * N + 16];
        int k = 0;
        for (int i = 0; i < N / 2; i++) {
            double v = Math.pow(10, -30 + (30 + Math.log10(hi)) * i / (N / 2.0));
            x[k++] = v;
            x[k++] = -v;
        }
        for (int i = 0; i < N; i++) {
            x[k++] = lo + (gridHi - lo) * i / N;
        }
        for (double c : new double[] {
            0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1, -1, hi, -hi, 1.5, -1.5
        }) {
            x[k++] = c;
        }
        return Arrays.copyOf(x, k);
    }

    private static UnaryOperator<Array> function(String op) {
        return switch (op) {
            case "tan" -> Np::tan;
            case "arcsin" -> Np::arcsin;
            case "arccos" -> Np::arccos;
            case "arctan" -> Np::arctan;
            case "erf" -> Np::erf;
            case "sinh" -> Np::sinh;
            case "cosh" -> Np::cosh;
            default -> throw new IllegalArgumentException(op);
        };
    }

    @ParameterizedTest
    @CsvSource({
        "tan, -4, 10000, 4",
        "arcsin, -1, 1, 1",
        "arccos, -1, 1, 1",
        "arctan, -10, 1e30, 10",
        "erf, -6, 10, 6",
        "sinh, -89, 89, 89",
        "cosh, -89, 89, 89",
    })
    void withinThePolicyOverASweep(String op, double lo, double hi, double gridHi) {
        double[] x = inputs(lo, hi, gridHi);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double[] in = x.clone();
            if (dtype == DType.FLOAT32) {
                for (int i = 0; i < in.length; i++) {
                    in[i] = (float) in[i];
                }
            }
            double[] expected = Kiln.withBackend(
                    "reference", () -> function(op).apply(Np.array(in)).toHost().doubles());
            double[] got = Kiln.withBackend("pjrt", () -> {
                Function<Array, Array> f = Kiln.jit(a -> function(op).apply(a));
                Array a = Np.array(in);
                if (dtype == DType.FLOAT32) {
                    a = a.astype(DType.FLOAT32);
                }
                Array r = f.apply(a);
                return r.astype(DType.FLOAT64).toHost().doubles();
            });
            check(op, dtype, in, expected, got);
        }
    }

    private static void check(String op, DType dtype, double[] x, double[] reference, double[] got) {
        assertEquals(x.length, got.length);
        Tolerance.Rule rule = Tolerance.elementwise(op, dtype);
        double smallestNormal = dtype == DType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        long worst = 0;
        double at = 0;
        for (int i = 0; i < x.length; i++) {
            double expected = dtype == DType.FLOAT32 ? (float) reference[i] : reference[i];
            assertTrue(
                    rule.accepts(dtype, expected, got[i], 1),
                    op + "(" + x[i] + ") " + dtype + ": expected " + expected + ", got " + got[i]);
            if (!Double.isNaN(expected)
                    && Math.abs(x[i]) >= smallestNormal
                    && Math.abs(expected) >= smallestNormal
                    && !Double.isInfinite(expected)) {
                long d = Tolerance.ulpDistance(dtype, expected, got[i]);
                if (d > worst) {
                    worst = d;
                    at = x[i];
                }
            }
        }
        System.out.println("pjrt " + op + " " + dtype + ": worst " + worst + " ulp (at x = " + at + ") over " + x.length
                + " inputs");
        assertTrue(worst <= rule.ulps(), "pjrt " + op + " " + dtype + ": worst " + worst + " ulps at x = " + at);
    }
}
