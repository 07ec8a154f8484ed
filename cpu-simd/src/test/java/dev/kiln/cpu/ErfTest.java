package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErfTest {
    /** erf at points on both sides of every interval boundary, from mpmath at 40 digits, rounded to double. */
    private static final double[][] TABLE = {
        {1e-300, 1.1283791670955126e-300},
        {1e-10, 1.1283791670955126e-10},
        {0.001, 0.0011283787909692365},
        {0.1, 0.1124629160182849},
        {0.25, 0.27632639016823696},
        {0.5, 0.5204998778130465},
        {0.75, 0.7111556336535151},
        {0.84375, 0.7672256612323416},
        {0.99, 0.8385080695553698},
        {1.0, 0.8427007929497149},
        {1.25, 0.9229001282564583},
        {1.5, 0.9661051464753108},
        {1.999, 0.9953015566513705},
        {2.0, 0.9953222650189527},
        {2.5, 0.999593047982555},
        {2.999, 0.9999777698314002},
        {3.0, 0.9999779095030014},
        {3.5, 0.9999992569016276},
        {4.0, 0.9999999845827421},
        {4.49, 0.9999999997844314},
        {4.5, 0.9999999998033839},
        {5.0, 0.9999999999984626},
        {5.5, 0.9999999999999927},
        {5.9, 0.9999999999999999},
        {5.99, 1.0},
        {6.0, 1.0},
        {-0.3, -0.3286267594591274},
        {-1.7, -0.9837904585907745},
        {-3.3, -0.9999969422902035},
    };

    @Test
    void doubleWithinTwoUlpsOfHighPrecisionValues() {
        for (double[] row : TABLE) {
            double got = Erf.erf(row[0]);
            assertTrue(
                    Math.abs(got - row[1]) <= 2 * Math.ulp(row[1]),
                    "erf(" + row[0] + ") = " + got + ", want " + row[1]);
        }
    }

    @Test
    void floatIsTheDoubleResultRounded() {
        for (double[] row : TABLE) {
            float x = (float) row[0];
            float got = Erf.erf(x);
            double exact = Erf.erf((double) x);
            assertTrue(Math.abs(got - exact) <= Math.ulp((float) exact), "erf(" + x + "f) = " + got);
        }
    }

    @Test
    void oddWithExactLimitsAndSignedZero() {
        for (double x = -7; x <= 7; x += 0.0137) {
            assertEquals(-Erf.erf(x), Erf.erf(-x), 0.0);
        }
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(Erf.erf(-0.0)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Erf.erf(-0f)));
    }

    @Test
    void monotonicAcrossIntervalBoundaries() {
        for (double b : new double[] {1, 2, 3, 4.5, 6}) {
            double below = Math.nextDown(b);
            assertTrue(Erf.erf(below) <= Erf.erf(b), "erf not monotonic at " + b);
            assertTrue(Erf.erf(b) <= Erf.erf(Math.nextUp(b)), "erf not monotonic after " + b);
        }
    }
}
