package dev.kiln.internal.reference;

import static dev.kiln.internal.reference.ReferenceCalls.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import org.junit.jupiter.api.Test;

/** Broadcast, reshape, transpose, slice, pad, concatenate and reverse. */
class MovementTest {
    private static HostBuffer pad(HostBuffer x, HostBuffer value, int[] lo, int[] hi, int[] interior) {
        return run(Primitive.PAD, new Params.Pad(lo, hi, interior), x, value);
    }

    @Test
    void padWithInteriorAndNegativeLow() {
        // interior gives [1,0,2,0,3,0,4]; lo = -1 crops the first; hi = 2 appends two
        HostBuffer r = pad(i32(1, 2, 3, 4), scalar(i32(0)), new int[] {-1}, new int[] {2}, new int[] {1});
        assertArrayEquals(new int[] {0, 2, 0, 3, 0, 4, 0, 0}, r.ints());
    }

    @Test
    void padInTwoDimensionsWithNegativeHigh() {
        HostBuffer x = f32(1, 2, 3, 4).reshape(2, 2);
        HostBuffer r = pad(x, scalar(f32(9)), new int[] {1, 0}, new int[] {0, -1}, new int[] {0, 1});
        assertArrayEquals(new int[] {3, 2}, r.spec().shape());
        assertArrayEquals(new float[] {9, 9, 1, 9, 3, 9}, r.floats());
    }

    @Test
    void padCanCropEverythingOrPadAnEmptyArray() {
        HostBuffer cropped = pad(i64(1, 2), scalar(i64(7)), new int[] {-2}, new int[] {0}, new int[] {0});
        assertArrayEquals(new long[0], cropped.longs());
        HostBuffer empty = HostBuffer.allocate(ArraySpec.of(DType.BOOL, 0));
        HostBuffer padded = pad(empty, scalar(bools(true)), new int[] {1}, new int[] {2}, new int[] {3});
        assertArrayEquals(new boolean[] {true, true, true}, padded.bools());
        HostBuffer zeroD = pad(scalar(f64(5)), scalar(f64(0)), new int[0], new int[0], new int[0]);
        assertArrayEquals(new double[] {5}, zeroD.doubles());
    }

    @Test
    void broadcastInDim() {
        HostBuffer row = run(
                Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(new int[] {2, 3}, new int[] {1}), i32(1, 2, 3));
        assertArrayEquals(new int[] {1, 2, 3, 1, 2, 3}, row.ints());
        HostBuffer col = i32(1, 2, 3).reshape(3, 1);
        HostBuffer r =
                run(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(new int[] {3, 2}, new int[] {0, 1}), col);
        assertArrayEquals(new int[] {1, 1, 2, 2, 3, 3}, r.ints());
        HostBuffer s = run(
                Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(new int[] {2, 2}, new int[0]), scalar(f64(-0.0)));
        assertArrayEquals(new double[] {-0.0, -0.0, -0.0, -0.0}, s.doubles());
    }

    @Test
    void reshapeSharesTheData() {
        HostBuffer x = counting(DType.FLOAT32, 2, 3);
        HostBuffer r = run(Primitive.RESHAPE, new Params.Reshape(new int[] {3, 2}), x);
        assertArrayEquals(new int[] {3, 2}, r.spec().shape());
        assertSame(x.data(), r.data());
    }

    @Test
    void transposeMovesEachDimension() {
        HostBuffer x = counting(DType.INT32, 2, 3, 4);
        HostBuffer r = run(Primitive.TRANSPOSE, new Params.Transpose(new int[] {2, 0, 1}), x);
        assertArrayEquals(new int[] {4, 2, 3}, r.spec().shape());
        int[] v = r.ints();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) {
                    // out[i][j][k] = x[j][k][i]
                    assertEquals(j * 12 + k * 4 + i, v[(i * 2 + j) * 3 + k]);
                }
            }
        }
    }

    @Test
    void sliceWithStrides() {
        HostBuffer r = run(
                Primitive.SLICE,
                new Params.Slice(new int[] {1}, new int[] {8}, new int[] {3}),
                counting(DType.INT64, 10));
        assertArrayEquals(new long[] {1, 4, 7}, r.longs());
        HostBuffer x = counting(DType.FLOAT64, 3, 4);
        HostBuffer m = run(Primitive.SLICE, new Params.Slice(new int[] {1, 0}, new int[] {3, 4}, new int[] {1, 2}), x);
        assertArrayEquals(new double[] {4, 6, 8, 10}, m.doubles());
        HostBuffer e = run(
                Primitive.SLICE,
                new Params.Slice(new int[] {2}, new int[] {2}, new int[] {1}),
                counting(DType.INT32, 4));
        assertEquals(0, e.spec().size());
    }

    @Test
    void revReversesTheListedAxes() {
        HostBuffer x = counting(DType.INT32, 2, 3);
        assertArrayEquals(
                new int[] {2, 1, 0, 5, 4, 3},
                run(Primitive.REV, new Params.Rev(new int[] {1}), x).ints());
        assertArrayEquals(
                new int[] {3, 4, 5, 0, 1, 2},
                run(Primitive.REV, new Params.Rev(new int[] {0}), x).ints());
        assertArrayEquals(
                new int[] {5, 4, 3, 2, 1, 0},
                run(Primitive.REV, new Params.Rev(new int[] {0, 1}), x).ints());
        HostBuffer empty = HostBuffer.allocate(ArraySpec.of(DType.INT32, 0, 2));
        assertEquals(
                0,
                run(Primitive.REV, new Params.Rev(new int[] {0, 1}), empty)
                        .spec()
                        .size());
    }

    @Test
    void concatenateAlongInnerAxisWithAnEmptyOperand() {
        HostBuffer a = counting(DType.FLOAT32, 2, 2);
        HostBuffer b = f32(10, 11).reshape(2, 1);
        HostBuffer c = HostBuffer.allocate(ArraySpec.of(DType.FLOAT32, 2, 0));
        HostBuffer r = run(Primitive.CONCATENATE, new Params.Axis(1), a, c, b);
        assertArrayEquals(new int[] {2, 3}, r.spec().shape());
        assertArrayEquals(new float[] {0, 1, 10, 2, 3, 11}, r.floats());
        HostBuffer rows = run(Primitive.CONCATENATE, new Params.Axis(0), i32(1, 2), i32(3));
        assertArrayEquals(new int[] {1, 2, 3}, rows.ints());
    }
}
