package dev.kiln.internal.reference;

import static dev.kiln.internal.reference.ReferenceCalls.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.DType;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import org.junit.jupiter.api.Test;

/** CONVERT: saturation, NaN to 0, wraparound between integers, rounding once to float. */
class ConversionsTest {
    private static HostBuffer convert(HostBuffer x, DType to) {
        return run(Primitive.CONVERT, new Params.Convert(to), x);
    }

    @Test
    void floatToSignedSaturatesAndSendsNaNToZero() {
        HostBuffer x = f32(Float.NaN, -1e10f, 5e9f, 3.7f, -3.7f, Float.POSITIVE_INFINITY);
        assertArrayEquals(
                new int[] {0, Integer.MIN_VALUE, Integer.MAX_VALUE, 3, -3, Integer.MAX_VALUE},
                convert(x, DType.INT32).ints());
        HostBuffer y = f64(Double.NaN, -1e30, 1e30, -2.9);
        assertArrayEquals(
                new long[] {0, Long.MIN_VALUE, Long.MAX_VALUE, -2},
                convert(y, DType.INT64).longs());
    }

    @Test
    void floatToUint32ClampsToItsRange() {
        HostBuffer x = f32(Float.NaN, -1.5f, 5e9f, 3.7f, -0.5f, Float.POSITIVE_INFINITY, 4294967040f);
        assertArrayEquals(
                new long[] {0, 0, 0xFFFF_FFFFL, 3, 0, 0xFFFF_FFFFL, 4294967040L}, unsigned(convert(x, DType.UINT32)));
        assertArrayEquals(
                new long[] {0xFFFF_FFFFL, 4294967294L},
                unsigned(convert(f64(4294967295.5, 4294967294.9), DType.UINT32)));
    }

    @Test
    void anythingToBoolIsNonZero() {
        assertArrayEquals(
                new boolean[] {true, false, false, true},
                convert(f32(Float.NaN, 0, -0.0f, 2), DType.BOOL).bools());
        assertArrayEquals(
                new boolean[] {false, true, true},
                convert(i32(0, 7, -1), DType.BOOL).bools());
        assertArrayEquals(
                new boolean[] {false, true},
                convert(u32(0, 0x8000_0000L), DType.BOOL).bools());
    }

    @Test
    void boolToNumbersIsZeroOrOne() {
        HostBuffer b = bools(true, false);
        assertArrayEquals(new float[] {1, 0}, convert(b, DType.FLOAT32).floats());
        assertArrayEquals(new int[] {1, 0}, convert(b, DType.INT32).ints());
        assertArrayEquals(new long[] {1, 0}, convert(b, DType.INT64).longs());
        assertArrayEquals(new long[] {1, 0}, unsigned(convert(b, DType.UINT32)));
    }

    @Test
    void integersWrapOrExtendBySourceSignedness() {
        HostBuffer wide = i64(0x1_0000_0005L, -1, 0x8000_0000L);
        assertArrayEquals(
                new int[] {5, -1, Integer.MIN_VALUE}, convert(wide, DType.INT32).ints());
        assertArrayEquals(new long[] {5, 0xFFFF_FFFFL, 0x8000_0000L}, unsigned(convert(wide, DType.UINT32)));
        assertArrayEquals(
                new long[] {4294967295L},
                convert(u32(0xFFFF_FFFFL), DType.INT64).longs());
        assertArrayEquals(new long[] {0xFFFF_FFFFL}, unsigned(convert(i32(-1), DType.UINT32)));
        assertArrayEquals(
                new int[] {-1}, convert(u32(0xFFFF_FFFFL), DType.INT32).ints());
        assertArrayEquals(new long[] {-1}, convert(i32(-1), DType.INT64).longs());
    }

    @Test
    void integersToFloatRoundToNearestOnce() {
        // 2^62 + 2^38 + 1 lies just above the midpoint of two floats; via double it would
        // first round to the midpoint 2^62 + 2^38 and then to even, 2^62
        long x = (1L << 62) + (1L << 38) + 1;
        assertArrayEquals(
                new float[] {0x1.000002p62f}, convert(i64(x), DType.FLOAT32).floats());
        assertArrayEquals(
                new double[] {0x1p53},
                convert(i64((1L << 53) + 1), DType.FLOAT64).doubles());
        assertArrayEquals(
                new double[] {4294967295.0},
                convert(u32(0xFFFF_FFFFL), DType.FLOAT64).doubles());
        assertArrayEquals(
                new float[] {4294967296f},
                convert(u32(0xFFFF_FFFFL), DType.FLOAT32).floats());
        assertArrayEquals(
                new float[] {-2147483648f},
                convert(i32(Integer.MIN_VALUE), DType.FLOAT32).floats());
    }

    @Test
    void betweenFloats() {
        assertArrayEquals(
                new float[] {1f / 3, Float.POSITIVE_INFINITY},
                convert(f64(1.0 / 3, 1e40), DType.FLOAT32).floats());
        assertArrayEquals(new double[] {0.1f}, convert(f32(0.1f), DType.FLOAT64).doubles());
    }
}
