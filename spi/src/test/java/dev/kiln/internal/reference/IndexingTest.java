package dev.kiln.internal.reference;

import static dev.kiln.internal.reference.ReferenceCalls.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.DType;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import org.junit.jupiter.api.Test;

/** Gathers clamp their indices into range; IOTA counts along one dimension. */
class IndexingTest {
    @Test
    void takeClampsIndicesAndKeepsTheirShape() {
        HostBuffer x = counting(DType.FLOAT32, 3, 4);
        HostBuffer idx = i32(0, 5, -2, 3).reshape(2, 2);
        HostBuffer r = run(Primitive.TAKE, new Params.Axis(1), x, idx);
        assertArrayEquals(new int[] {3, 2, 2}, r.spec().shape());
        assertArrayEquals(new float[] {0, 3, 0, 3, 4, 7, 4, 7, 8, 11, 8, 11}, r.floats());
        HostBuffer rows = run(Primitive.TAKE, new Params.Axis(0), x, i64(2, Long.MAX_VALUE, Long.MIN_VALUE));
        assertArrayEquals(new float[] {8, 9, 10, 11, 8, 9, 10, 11, 0, 1, 2, 3}, rows.floats());
    }

    @Test
    void uint32IndicesAreUnsigned() {
        // 0xFFFFFFFF is a large index, clamped to the end, not -1 clamped to the start
        HostBuffer r = run(Primitive.TAKE, new Params.Axis(0), i32(10, 20, 30), u32(0xFFFF_FFFFL, 1));
        assertArrayEquals(new int[] {30, 20}, r.ints());
    }

    @Test
    void takeWithZeroDimensionalIndex() {
        HostBuffer r = run(Primitive.TAKE, new Params.Axis(0), counting(DType.INT64, 3, 2), scalar(i32(1)));
        assertArrayEquals(new int[] {2}, r.spec().shape());
        assertArrayEquals(new long[] {2, 3}, r.longs());
    }

    @Test
    void takeAlongAxis() {
        HostBuffer x = i32(10, 11, 12, 20, 21, 22).reshape(2, 3);
        HostBuffer idx = i32(2, 0, 7, 1, -1, 1, 1, 0).reshape(2, 4);
        HostBuffer r = run(Primitive.TAKE_ALONG_AXIS, new Params.Axis(1), x, idx);
        assertArrayEquals(new int[] {12, 10, 12, 11, 20, 21, 21, 20}, r.ints());
        HostBuffer down = run(
                Primitive.TAKE_ALONG_AXIS, new Params.Axis(0), x, i64(1, 0, 9).reshape(1, 3));
        assertArrayEquals(new int[] {20, 11, 22}, down.ints());
    }

    private static HostBuffer dynamicSlice(HostBuffer x, int[] sizes, HostBuffer... starts) {
        HostBuffer[] in = new HostBuffer[starts.length + 1];
        in[0] = x;
        for (int i = 0; i < starts.length; i++) {
            in[i + 1] = scalar(starts[i]);
        }
        return run(Primitive.DYNAMIC_SLICE, new Params.DynamicSlice(sizes), in);
    }

    @Test
    void dynamicSliceClampsStartsSoTheWindowFits() {
        HostBuffer x = counting(DType.INT32, 10);
        assertArrayEquals(
                new int[] {6, 7, 8, 9}, dynamicSlice(x, new int[] {4}, i32(8)).ints());
        assertArrayEquals(
                new int[] {0, 1, 2, 3}, dynamicSlice(x, new int[] {4}, i32(-3)).ints());
        assertArrayEquals(
                new int[] {3, 4}, dynamicSlice(x, new int[] {2}, i64(3)).ints());
        HostBuffer m = counting(DType.FLOAT64, 3, 4);
        HostBuffer r = dynamicSlice(m, new int[] {2, 2}, u32(0xFFFF_FFFFL), i32(1));
        assertArrayEquals(new double[] {5, 6, 9, 10}, r.doubles());
    }

    @Test
    void dynamicUpdateSliceWritesAtClampedStarts() {
        HostBuffer x = counting(DType.INT32, 5);
        HostBuffer r = run(Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, x, i32(-1, -2), scalar(i32(4)));
        assertArrayEquals(new int[] {0, 1, 2, -1, -2}, r.ints());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, x.ints(), "the operand is not modified");
        HostBuffer m = counting(DType.FLOAT32, 3, 3);
        HostBuffer u = f32(-1, -2).reshape(1, 2);
        HostBuffer r2 = run(Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, m, u, scalar(i64(1)), scalar(i64(-5)));
        assertArrayEquals(new float[] {0, 1, 2, -1, -2, 5, 6, 7, 8}, r2.floats());
    }

    @Test
    void iotaAlongEitherDimension() {
        HostBuffer a = run(Primitive.IOTA, new Params.Iota(DType.FLOAT32, new int[] {2, 3}, 1));
        assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2}, a.floats());
        HostBuffer b = run(Primitive.IOTA, new Params.Iota(DType.INT64, new int[] {2, 3}, 0));
        assertArrayEquals(new long[] {0, 0, 0, 1, 1, 1}, b.longs());
        HostBuffer c = run(Primitive.IOTA, new Params.Iota(DType.UINT32, new int[] {4}, 0));
        assertArrayEquals(new long[] {0, 1, 2, 3}, unsigned(c));
    }
}
