package dev.kiln.internal.reference;

import static dev.kiln.internal.reference.ReferenceCalls.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import org.junit.jupiter.api.Test;

/** Reductions over axes, identities of empty reductions, arg-reductions with NaN, cumulative scans. */
class ReductionsTest {
    private static HostBuffer reduce(Primitive p, HostBuffer x, int... axes) {
        return run(p, new Params.Reduce(axes), x);
    }

    @Test
    void sumOverEachAxisAllAndNone() {
        HostBuffer x = counting(DType.FLOAT32, 2, 3); // [[0,1,2],[3,4,5]]
        assertArrayEquals(
                new float[] {3, 12}, reduce(Primitive.REDUCE_SUM, x, 1).floats());
        assertArrayEquals(
                new float[] {3, 5, 7}, reduce(Primitive.REDUCE_SUM, x, 0).floats());
        HostBuffer all = reduce(Primitive.REDUCE_SUM, x, 0, 1);
        assertEquals(0, all.spec().rank());
        assertArrayEquals(new float[] {15}, all.floats());
        HostBuffer none = reduce(Primitive.REDUCE_SUM, x, new int[0]);
        assertArrayEquals(new int[] {2, 3}, none.spec().shape());
        assertArrayEquals(x.floats(), none.floats());
        HostBuffer y = counting(DType.INT64, 2, 3, 2);
        assertArrayEquals(
                new long[] {0 + 2 + 4, 1 + 3 + 5, 6 + 8 + 10, 7 + 9 + 11},
                reduce(Primitive.REDUCE_SUM, y, 1).longs());
        assertArrayEquals(
                new long[] {0 + 1 + 6 + 7, 2 + 3 + 8 + 9, 4 + 5 + 10 + 11},
                reduce(Primitive.REDUCE_SUM, y, 0, 2).longs());
    }

    @Test
    void reductionOfZeroDimensionalArrayIsIdentity() {
        HostBuffer r = reduce(Primitive.REDUCE_MAX, scalar(i32(7)), new int[0]);
        assertArrayEquals(new int[] {7}, r.ints());
    }

    @Test
    void float32SumsAccumulateInDoubleAndRoundOnce() {
        assertArrayEquals(
                new float[] {1},
                reduce(Primitive.REDUCE_SUM, f32(1e8f, 1, -1e8f), 0).floats());
        assertArrayEquals(
                new float[] {6}, reduce(Primitive.REDUCE_PROD, f32(1, 2, 3), 0).floats());
    }

    @Test
    void integerReductionsWrap() {
        assertArrayEquals(
                new int[] {Integer.MIN_VALUE},
                reduce(Primitive.REDUCE_SUM, i32(Integer.MAX_VALUE, 1), 0).ints());
        assertArrayEquals(new long[] {1}, unsigned(reduce(Primitive.REDUCE_SUM, u32(0xFFFF_FFFFL, 2), 0)));
        assertArrayEquals(
                new int[] {0},
                reduce(Primitive.REDUCE_PROD, i32(65536, 65536), 0).ints());
        assertArrayEquals(
                new long[] {0x8000_0000L}, unsigned(reduce(Primitive.REDUCE_MAX, u32(1, 0x8000_0000L, 2), 0)));
    }

    @Test
    void emptyReductionsGiveTheIdentity() {
        HostBuffer f = HostBuffer.allocate(ArraySpec.of(DType.FLOAT32, 0));
        assertArrayEquals(new float[] {0}, reduce(Primitive.REDUCE_SUM, f, 0).floats());
        assertArrayEquals(new float[] {1}, reduce(Primitive.REDUCE_PROD, f, 0).floats());
        assertArrayEquals(
                new float[] {Float.NEGATIVE_INFINITY},
                reduce(Primitive.REDUCE_MAX, f, 0).floats());
        assertArrayEquals(
                new float[] {Float.POSITIVE_INFINITY},
                reduce(Primitive.REDUCE_MIN, f, 0).floats());
        HostBuffer i = HostBuffer.allocate(ArraySpec.of(DType.INT32, 2, 0));
        assertArrayEquals(
                new int[] {Integer.MIN_VALUE, Integer.MIN_VALUE},
                reduce(Primitive.REDUCE_MAX, i, 1).ints());
        assertArrayEquals(
                new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE},
                reduce(Primitive.REDUCE_MIN, i, 1).ints());
        assertArrayEquals(new int[0], reduce(Primitive.REDUCE_MIN, i, 0).ints());
        HostBuffer u = HostBuffer.allocate(ArraySpec.of(DType.UINT32, 0));
        assertArrayEquals(new long[] {0}, unsigned(reduce(Primitive.REDUCE_MAX, u, 0)));
        assertArrayEquals(new long[] {0xFFFF_FFFFL}, unsigned(reduce(Primitive.REDUCE_MIN, u, 0)));
        HostBuffer l = HostBuffer.allocate(ArraySpec.of(DType.INT64, 0));
        assertArrayEquals(
                new long[] {Long.MIN_VALUE}, reduce(Primitive.REDUCE_MAX, l, 0).longs());
        HostBuffer b = HostBuffer.allocate(ArraySpec.of(DType.BOOL, 0));
        assertArrayEquals(
                new boolean[] {true}, reduce(Primitive.REDUCE_AND, b, 0).bools());
        assertArrayEquals(
                new boolean[] {false}, reduce(Primitive.REDUCE_OR, b, 0).bools());
        assertArrayEquals(
                new boolean[] {false}, reduce(Primitive.REDUCE_MAX, b, 0).bools());
        assertArrayEquals(
                new boolean[] {true}, reduce(Primitive.REDUCE_MIN, b, 0).bools());
    }

    @Test
    void maxAndMinPropagateNaN() {
        assertArrayEquals(
                new double[] {Double.NaN},
                reduce(Primitive.REDUCE_MAX, f64(1, Double.NaN, 3), 0).doubles());
        assertArrayEquals(
                new double[] {Double.NaN},
                reduce(Primitive.REDUCE_MIN, f64(1, Double.NaN, -3), 0).doubles());
    }

    @Test
    void boolAndOrAlongAnAxis() {
        HostBuffer b = bools(true, true, true, false).reshape(2, 2);
        assertArrayEquals(
                new boolean[] {true, false}, reduce(Primitive.REDUCE_AND, b, 1).bools());
        assertArrayEquals(
                new boolean[] {true, true}, reduce(Primitive.REDUCE_OR, b, 1).bools());
    }

    private static HostBuffer arg(Primitive p, HostBuffer x, int axis, DType indexType) {
        return run(p, new Params.ArgReduce(axis, indexType), x);
    }

    @Test
    void argMaxTakesTheFirstNaNAndTheFirstTie() {
        assertArrayEquals(
                new int[] {1},
                arg(Primitive.ARGMAX, f32(1, Float.NaN, 5, Float.NaN), 0, DType.INT32)
                        .ints());
        assertArrayEquals(
                new int[] {1},
                arg(Primitive.ARGMIN, f64(1, Double.NaN, -5), 0, DType.INT32).ints());
        assertArrayEquals(
                new int[] {0},
                arg(Primitive.ARGMAX, f64(3, 1, 3), 0, DType.INT32).ints());
        assertArrayEquals(
                new int[] {1},
                arg(Primitive.ARGMIN, i32(2, 1, 1), 0, DType.INT32).ints());
        assertArrayEquals(
                new int[] {1},
                arg(Primitive.ARGMAX, u32(1, 0x8000_0000L, 2), 0, DType.INT32).ints());
        // -0 == 0, so the first of them wins
        assertArrayEquals(
                new int[] {1},
                arg(Primitive.ARGMIN, f32(Float.POSITIVE_INFINITY, 0f, -0f), 0, DType.INT32)
                        .ints());
    }

    @Test
    void argMaxAlongAnInnerAxisWithInt64Indices() {
        HostBuffer x = i32(0, 5, 2, 3, 4, 5).reshape(2, 3);
        HostBuffer r = arg(Primitive.ARGMAX, x, 0, DType.INT64);
        assertArrayEquals(new long[] {1, 0, 1}, r.longs());
        assertArrayEquals(
                new long[] {1, 2}, arg(Primitive.ARGMAX, x, 1, DType.INT64).longs());
        assertArrayEquals(
                new int[] {1},
                arg(Primitive.ARGMAX, bools(false, true, true), 0, DType.INT32).ints());
    }

    private static HostBuffer cum(Primitive p, HostBuffer x, int axis, boolean reverse) {
        return run(p, new Params.Cumulative(axis, reverse), x);
    }

    @Test
    void cumulativeForwardAndReverse() {
        assertArrayEquals(
                new int[] {1, 3, 6, 10},
                cum(Primitive.CUMSUM, i32(1, 2, 3, 4), 0, false).ints());
        assertArrayEquals(
                new int[] {10, 9, 7, 4},
                cum(Primitive.CUMSUM, i32(1, 2, 3, 4), 0, true).ints());
        assertArrayEquals(
                new int[] {24, 12, 4},
                cum(Primitive.CUMPROD, i32(2, 3, 4), 0, true).ints());
        HostBuffer m = f64(1, 2, 3, 4).reshape(2, 2);
        assertArrayEquals(
                new double[] {4, 6, 3, 4}, cum(Primitive.CUMSUM, m, 0, true).doubles());
        assertArrayEquals(
                new double[] {1, 3, 3, 7}, cum(Primitive.CUMSUM, m, 1, false).doubles());
        assertArrayEquals(
                new double[] {1, Double.NaN, Double.NaN},
                cum(Primitive.CUMMAX, f64(1, Double.NaN, 3), 0, false).doubles());
        assertArrayEquals(
                new double[] {1, 1, 3},
                cum(Primitive.CUMMIN, f64(3, 1, 3), 0, true).doubles());
        assertArrayEquals(
                new long[] {1, 0x8000_0000L, 0x8000_0000L},
                unsigned(cum(Primitive.CUMMAX, u32(1, 0x8000_0000L, 2), 0, false)));
        assertArrayEquals(
                new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE},
                cum(Primitive.CUMSUM, i32(Integer.MAX_VALUE, 1), 0, false).ints());
    }

    @Test
    void float32CumsumKeepsADoubleRunningValue() {
        HostBuffer r = cum(Primitive.CUMSUM, f32(1e8f, 1, -1e8f), 0, false);
        assertArrayEquals(new float[] {1e8f, 1e8f, 1}, r.floats());
    }

    @Test
    void cumulativeOverEmptyArrays() {
        HostBuffer empty = HostBuffer.allocate(ArraySpec.of(DType.FLOAT32, 3, 0));
        assertArrayEquals(
                new int[] {3, 0}, cum(Primitive.CUMSUM, empty, 1, true).spec().shape());
        assertArrayEquals(
                new int[] {3, 0}, cum(Primitive.CUMSUM, empty, 0, false).spec().shape());
    }
}
