package dev.kiln.internal.reference;

import static dev.kiln.internal.reference.ReferenceCalls.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Primitive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** erf against values computed to 300 bits with mpmath and rounded to double. */
class ErfTest {
    @ParameterizedTest
    @CsvSource({
        "0.5, 0.5204998778130465",
        "1.0, 0.8427007929497149",
        "2.0, 0.9953222650189527",
        "-3.0, -0.9999779095030014",
        "1e-10, 1.1283791670955126e-10",
        "1e-300, 1.1283791670955126e-300",
        "-0.1, -0.1124629160182849",
        "0.84375, 0.7672256612323416",
        "1.25, 0.9229001282564583",
        // both sides of the switch from the series to the continued fraction
        "2.9999999999999996, 0.9999779095030014",
        "3.0, 0.9999779095030014",
        "4.2, 0.9999999971445058",
        "5.5, 0.9999999999999927",
        "5.9, 0.9999999999999999",
        "6.0, 1.0",
        "30.0, 1.0",
    })
    void matchesHighPrecisionValuesWithinOneUlp(double x, double expected) {
        double got = Erf.erf(x);
        assertEquals(expected, got, Math.ulp(expected), "erf(" + x + ")");
    }

    @Test
    void specialValues() {
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Erf.erf(-0.0)));
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
    }

    @Test
    void isOddAndMonotone() {
        double previous = -1;
        for (double x = -6.5; x <= 6.5; x += 1.0 / 64) {
            double y = Erf.erf(x);
            assertEquals(-y, Erf.erf(-x));
            assertTrue(y >= previous, "erf decreases at " + x);
            previous = y;
        }
    }

    @Test
    void float32ErfRoundsTheDoubleResult() {
        float x = 0.3f;
        // erf((double) 0.3f) = 0.32862678170204160... to double; float32 rounds that once
        assertArrayEquals(
                new float[] {(float) 0.3286267817020416},
                run(Primitive.ERF, f32(x)).floats());
        assertArrayEquals(
                new double[] {0.5204998778130465}, run(Primitive.ERF, f64(0.5)).doubles());
    }
}
