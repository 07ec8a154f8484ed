package dev.kiln.internal.reference;

import static dev.kiln.internal.reference.ReferenceCalls.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;
import org.junit.jupiter.api.Test;

/** IEEE and XLA float semantics: NaN handling, signed zeros, rounding once to float32. */
class FloatSemanticsTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void maxAndMinPropagateNaNAndOrderSignedZeros() {
        HostBuffer max = run(Primitive.MAX, f64(NAN, 1, -0.0, 0.0), f64(1, NAN, 0.0, -0.0));
        assertArrayEquals(new double[] {NAN, NAN, 0.0, 0.0}, max.doubles());
        HostBuffer min = run(Primitive.MIN, f32(Float.NaN, -0.0f), f32(1, 0.0f));
        assertArrayEquals(new float[] {Float.NaN, -0.0f}, min.floats());
    }

    @Test
    void roundIsHalfToEven() {
        HostBuffer r = run(Primitive.ROUND, f32(0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4999998f, -2.6f));
        assertArrayEquals(new float[] {0f, 2f, 2f, -0.0f, -2f, 2f, -3f}, r.floats());
        assertArrayEquals(
                new double[] {-4, 3}, run(Primitive.FLOOR, f64(-3.5, 3.5)).doubles());
        assertArrayEquals(
                new double[] {-3, 4}, run(Primitive.CEIL, f64(-3.5, 3.5)).doubles());
    }

    @Test
    void signKeepsZerosAndNaN() {
        HostBuffer s = run(Primitive.SIGN, f64(-0.0, 0.0, NAN, -3, 7, -INF));
        assertArrayEquals(new double[] {-0.0, 0.0, NAN, -1, 1, -1}, s.doubles());
    }

    @Test
    void remIsFmodNotIeeeRemainder() {
        // IEEEremainder(5.5, 2) would be -0.5
        HostBuffer r = run(Primitive.REM, f64(5.5, -5.5, 5.5, 1, INF), f64(2, 2, -2, 0, 1));
        assertArrayEquals(new double[] {1.5, -1.5, 1.5, NAN, NAN}, r.doubles());
    }

    @Test
    void powFollowsC99WhereJavaDiffers() {
        HostBuffer p = run(Primitive.POW, f64(1, -1, NAN, 2, -8, 0), f64(NAN, INF, 0, 0.5, 1.0 / 3, -1));
        assertArrayEquals(new double[] {1, 1, 1, Math.sqrt(2), NAN, INF}, p.doubles());
    }

    @Test
    void float32ResultsAreRoundedOnceFromDouble() {
        assertArrayEquals(
                new float[] {(float) Math.E}, run(Primitive.EXP, f32(1)).floats());
        assertArrayEquals(
                new float[] {1f / 3f}, run(Primitive.DIV, f32(1), f32(3)).floats());
        assertArrayEquals(
                new float[] {0.5f, Float.POSITIVE_INFINITY},
                run(Primitive.RSQRT, f32(4, 0)).floats());
        assertArrayEquals(new double[] {8, 0.5}, run(Primitive.EXP2, f64(3, -1)).doubles());
        assertArrayEquals(new double[] {-3}, run(Primitive.CBRT, f64(-27)).doubles());
        assertArrayEquals(
                new float[] {(float) StrictMath.atan2(1, -1)},
                run(Primitive.ATAN2, f32(1), f32(-1)).floats());
    }

    @Test
    void logisticIsStableAtBothEnds() {
        HostBuffer r = run(Primitive.LOGISTIC, f64(-800, 800, 0, -40, NAN));
        assertEquals(0.0, r.doubles()[0]);
        assertEquals(1.0, r.doubles()[1]);
        assertEquals(0.5, r.doubles()[2]);
        assertEquals(4.248354255291589e-18, r.doubles()[3], Math.ulp(4.248354255291589e-18));
        assertTrue(Double.isNaN(r.doubles()[4]));
    }

    @Test
    void comparisonsTreatNaNAsUnordered() {
        HostBuffer a = f64(NAN, 1, -0.0);
        HostBuffer b = f64(NAN, 1, 0.0);
        assertArrayEquals(
                new boolean[] {false, true, true}, run(Primitive.EQ, a, b).bools());
        assertArrayEquals(
                new boolean[] {true, false, false}, run(Primitive.NE, a, b).bools());
        assertArrayEquals(
                new boolean[] {false, false, false}, run(Primitive.LT, a, b).bools());
        assertArrayEquals(
                new boolean[] {false, true, true}, run(Primitive.LE, a, b).bools());
        assertArrayEquals(
                new boolean[] {false, true, true}, run(Primitive.GE, a, b).bools());
    }

    @Test
    void isFinite() {
        HostBuffer r = run(Primitive.IS_FINITE, f32(1, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN));
        assertArrayEquals(new boolean[] {true, false, false, false}, r.bools());
    }

    @Test
    void selectCopiesBitsFromEitherSide() {
        HostBuffer r = run(Primitive.SELECT, bools(true, false, true, false), f64(1, 2, -0.0, 4), f64(10, NAN, 30, 40));
        assertArrayEquals(new double[] {1, NAN, -0.0, 40}, r.doubles());
        HostBuffer b = run(Primitive.SELECT, bools(false, true), bools(true, true), bools(false, false));
        assertArrayEquals(new boolean[] {false, true}, b.bools());
    }

    @Test
    void zeroDimensionalOperands() {
        HostBuffer r = run(Primitive.ADD, scalar(f32(1.5f)), scalar(f32(2)));
        assertEquals(0, r.spec().rank());
        assertArrayEquals(new float[] {3.5f}, r.floats());
        assertArrayEquals(new double[] {-2}, run(Primitive.NEG, scalar(f64(2))).doubles());
    }

    @Test
    void emptyOperands() {
        HostBuffer empty = HostBuffer.allocate(ArraySpec.of(DType.FLOAT32, 0, 3));
        HostBuffer r = run(Primitive.SIN, empty);
        assertArrayEquals(new int[] {0, 3}, r.spec().shape());
    }

    @Test
    void meaninglessCombinationsAreRefused() {
        assertThrows(UnsupportedPrimitiveException.class, () -> run(Primitive.SIN, i32(1)));
        assertThrows(UnsupportedPrimitiveException.class, () -> run(Primitive.AND, f32(1), f32(1)));
        assertThrows(UnsupportedPrimitiveException.class, () -> run(Primitive.SHIFT_LEFT, f64(1), f64(1)));
        assertThrows(UnsupportedPrimitiveException.class, () -> run(Primitive.ADD, bools(true), bools(true)));
    }
}
