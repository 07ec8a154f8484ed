package dev.kiln.internal.reference;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The error function in double precision, close to correctly rounded (Java has no erf).
 *
 * <p>Two regions, each chosen so its error is far below half an ulp before the final rounding:
 *
 * <ul>
 *   <li>{@code |x| < 3}: the Maclaurin series {@code 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))} summed
 *       in double-double arithmetic (about 106 bits). The alternating terms grow to about 56 at
 *       {@code x = 3} before they shrink, costing about 8 of those bits, so ~95 bits remain.
 *   <li>{@code 3 <= |x| < 6}: {@code 1 - erfc(x)}, with erfc from its continued fraction
 *       {@code e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))}. There erfc is below
 *       2.3e-5, so its relative error (~1e-15) moves erf by far less than an ulp.
 *   <li>{@code |x| >= 6}: erf is within 2.2e-17 of ±1 and rounds to it.
 * </ul>
 */
final class Erf {
    private Erf() {}

    private static final double SERIES_LIMIT = 3;
    private static final double ONE_LIMIT = 6;
    /** Continued-fraction depth: enough for 1e-16 relative accuracy at x = 3 (checked in the tests). */
    private static final int FRACTION_DEPTH = 120;

    /** 2/√π as a double-double, computed once to 40 digits. */
    private static final DoubleDouble TWO_OVER_SQRT_PI;

    private static final double ONE_OVER_SQRT_PI;

    static {
        MathContext mc = new MathContext(40);
        BigDecimal pi = new BigDecimal("3.14159265358979323846264338327950288419716939937510");
        BigDecimal sqrtPi = pi.sqrt(mc);
        BigDecimal twoOverSqrtPi = BigDecimal.TWO.divide(sqrtPi, mc);
        double hi = twoOverSqrtPi.doubleValue();
        double lo = twoOverSqrtPi.subtract(new BigDecimal(hi)).doubleValue();
        TWO_OVER_SQRT_PI = new DoubleDouble(hi, lo);
        ONE_OVER_SQRT_PI = BigDecimal.ONE.divide(sqrtPi, mc).doubleValue();
    }

    static double erf(double x) {
        if (Double.isNaN(x) || x == 0) {
            return x; // erf(-0) = -0
        }
        double a = Math.abs(x);
        double r;
        if (a < SERIES_LIMIT) {
            r = series(a);
        } else if (a < ONE_LIMIT) {
            r = 1 - erfcContinuedFraction(a);
        } else {
            r = 1;
        }
        return Math.copySign(r, x);
    }

    private static double series(double a) {
        // t_n = (-a²)^n / n!, sum = Σ t_n / (2n+1)
        double a2 = a * a;
        DoubleDouble minusSquare = new DoubleDouble(-a2, -Math.fma(a, a, -a2));
        DoubleDouble term = DoubleDouble.ONE;
        DoubleDouble sum = DoubleDouble.ONE;
        for (int n = 1; n < 400; n++) {
            term = term.times(minusSquare).dividedBy(n);
            DoubleDouble contribution = term.dividedBy(2 * n + 1);
            sum = sum.plus(contribution);
            if (Math.abs(contribution.hi()) < 1e-34 * Math.abs(sum.hi())) {
                break;
            }
        }
        DoubleDouble r = sum.times(TWO_OVER_SQRT_PI).times(a);
        return r.hi() + r.lo();
    }

    private static double erfcContinuedFraction(double a) {
        double f = a;
        for (int k = FRACTION_DEPTH; k >= 1; k--) {
            f = a + (k * 0.5) / f;
        }
        // e^(-a²) with the rounding error of a² folded in: e^(-(hi+lo)) ≈ e^(-hi)(1 - lo).
        double a2 = a * a;
        double a2Error = Math.fma(a, a, -a2);
        double gauss = StrictMath.exp(-a2) * (1 - a2Error);
        return gauss * ONE_OVER_SQRT_PI / f;
    }

    /** An unevaluated sum {@code hi + lo} with {@code |lo| <= ulp(hi)/2}: about 106 significant bits. */
    private record DoubleDouble(double hi, double lo) {
        static final DoubleDouble ONE = new DoubleDouble(1, 0);

        /** Error-free sum of two doubles (Knuth's two-sum), normalised. */
        private static DoubleDouble sumOf(double a, double b) {
            double s = a + b;
            double bb = s - a;
            double err = (a - (s - bb)) + (b - bb);
            return new DoubleDouble(s, err);
        }

        /** Renormalises {@code a + b} where {@code |a| >= |b|} (fast two-sum). */
        private static DoubleDouble quick(double a, double b) {
            double s = a + b;
            return new DoubleDouble(s, b - (s - a));
        }

        DoubleDouble plus(DoubleDouble o) {
            DoubleDouble s = sumOf(hi, o.hi);
            return quick(s.hi, s.lo + lo + o.lo);
        }

        DoubleDouble times(DoubleDouble o) {
            double p = hi * o.hi;
            double err = Math.fma(hi, o.hi, -p) + (hi * o.lo + lo * o.hi);
            return quick(p, err);
        }

        DoubleDouble times(double d) {
            double p = hi * d;
            double err = Math.fma(hi, d, -p) + lo * d;
            return quick(p, err);
        }

        /** Division by a small integer, exact in double. */
        DoubleDouble dividedBy(int n) {
            double q = hi / n;
            double remainder = Math.fma(-q, n, hi) + lo; // hi - q*n is exact
            return quick(q, remainder / n);
        }
    }
}
