package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/**
 * The one tolerance policy of the autodiff tests: a relative and an absolute bound, both derived
 * from what a float64 estimate can get right.
 *
 * <p>Finite differences use the five-point central stencil with step {@link #STEP}: its truncation
 * error is about {@code STEP^4 |f^(5)| / 30} and its rounding error about {@code eps |f| / STEP}.
 * {@link #finiteDifferences()} allows {@link #SAFETY} times their sum (about 1e-9), which covers
 * fifth derivatives up to ~10^4 and the rounding of sums of many terms, while a wrong rule (off by
 * a factor, a sign or a term) is off by far more. Directions have entries in [-1, 1], so {@code
 * STEP} bounds how far the stencil moves any input. Comparisons of two exact computations of
 * one derivative (jit vs eager, forward vs reverse) only differ by rounding: {@link #rounding()}.
 */
record Tolerance(double rtol, double atol) {
    static final double STEP = 1e-3;
    static final double EPS = Math.ulp(1.0);
    static final double SAFETY = 1e3;

    static Tolerance finiteDifferences() {
        double error = Math.pow(STEP, 4) + EPS / STEP;
        return new Tolerance(SAFETY * error, SAFETY * error);
    }

    static Tolerance rounding() {
        return new Tolerance(1e3 * EPS, 1e3 * EPS);
    }

    boolean close(double expected, double actual) {
        return Math.abs(expected - actual) <= atol + rtol * Math.abs(expected)
                || (Double.isNaN(expected) && Double.isNaN(actual));
    }

    void assertClose(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": number of elements");
        for (int i = 0; i < expected.length; i++) {
            if (!close(expected[i], actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " (rtol " + rtol
                        + ", atol " + atol + ")\n expected " + Arrays.toString(expected) + "\n actual   "
                        + Arrays.toString(actual));
            }
        }
    }
}
