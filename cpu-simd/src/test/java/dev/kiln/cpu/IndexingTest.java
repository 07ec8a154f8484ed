package dev.kiln.cpu;

import static dev.kiln.cpu.Exec.assertSame;
import static dev.kiln.cpu.Exec.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.DType;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import java.lang.reflect.Array;
import org.junit.jupiter.api.Test;

/** Gathers and dynamic slices, with indices out of range on both sides (they clamp). */
class IndexingTest {
    private static final DType[] INDEX_TYPES = {DType.INT32, DType.INT64, DType.UINT32};

    @Test
    void takeClampsIndicesAlongEveryAxis() {
        int[] shape = {4, 5, 6};
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            HostBuffer x = Exec.random(t, 1, false, shape);
            for (DType it : INDEX_TYPES) {
                HostBuffer idx = indices(it, new long[] {0, 3, -2, 99, 1, 4}, 2, 3);
                for (int axis = 0; axis < 3; axis++) {
                    int ax = axis;
                    HostBuffer got = run(Primitive.TAKE, new Params.Axis(axis), x, idx);
                    HostBuffer want = MovementTest.naive(
                            x,
                            got.spec(),
                            out -> {
                                int[] in = new int[3];
                                int o = 0;
                                for (int d = 0; d < 3; d++) {
                                    if (d == ax) {
                                        int j = out[d] * 3 + out[d + 1];
                                        in[d] = clamp(Convert.getLong(it, idx.data(), j), shape[d]);
                                        o = 1;
                                    } else {
                                        in[d] = out[d + o];
                                    }
                                }
                                return MovementTest.flat(in, shape);
                            },
                            null);
                    assertSame(want, got, "take axis " + axis + " " + t + " indices " + it);
                }
            }
        }
    }

    @Test
    void takeAlongAxisClamps() {
        int[] shape = {3, 4, 5};
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            HostBuffer x = Exec.random(t, 2, false, shape);
            for (int axis = 0; axis < 3; axis++) {
                int[] is = shape.clone();
                is[axis] = 7;
                long[] raw = new long[3 * 4 * 5 / shape[axis] * 7];
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = (i * 7L) % 11 - 3;
                }
                HostBuffer idx = indices(DType.INT32, raw, is);
                int ax = axis;
                HostBuffer got = run(Primitive.TAKE_ALONG_AXIS, new Params.Axis(axis), x, idx);
                HostBuffer want = MovementTest.naive(
                        x,
                        got.spec(),
                        out -> {
                            int[] in = out.clone();
                            in[ax] = clamp(raw[MovementTest.flat(out, is)], shape[ax]);
                            return MovementTest.flat(in, shape);
                        },
                        null);
                assertSame(want, got, "take_along_axis " + axis + " " + t);
            }
        }
    }

    @Test
    void dynamicSliceAndUpdateClampStarts() {
        int[] shape = {5, 9};
        long[][] starts = {{0, 0}, {2, 3}, {-4, 7}, {100, -1}, {4, 8}};
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            HostBuffer x = Exec.random(t, 3, false, shape);
            HostBuffer upd = Exec.random(t, 4, false, 2, 3);
            for (long[] st : starts) {
                for (DType it : INDEX_TYPES) {
                    if (it == DType.UINT32 && (st[0] < 0 || st[1] < 0)) {
                        continue;
                    }
                    HostBuffer s0 = Exec.scalarOf(it, st[0]);
                    HostBuffer s1 = Exec.scalarOf(it, st[1]);
                    int r0 = (int) Math.max(0, Math.min(3, st[0]));
                    int c0 = (int) Math.max(0, Math.min(6, st[1]));
                    HostBuffer got = run(Primitive.DYNAMIC_SLICE, new Params.DynamicSlice(new int[] {2, 3}), x, s0, s1);
                    HostBuffer want = MovementTest.naive(x, got.spec(), out -> (r0 + out[0]) * 9 + c0 + out[1], null);
                    assertSame(want, got, "dynamic_slice at " + st[0] + "," + st[1] + " " + t);

                    HostBuffer updated = run(Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, x, upd, s0, s1);
                    HostBuffer expected = MovementTest.naive(x, x.spec(), out -> MovementTest.flat(out, shape), null);
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 3; j++) {
                            Array.set(expected.data(), (r0 + i) * 9 + c0 + j, Array.get(upd.data(), i * 3 + j));
                        }
                    }
                    assertSame(expected, updated, "dynamic_update_slice at " + st[0] + "," + st[1] + " " + t);
                }
            }
        }
    }

    @Test
    void iotaCountsAlongItsDimension() {
        HostBuffer f = run(Primitive.IOTA, new Params.Iota(DType.FLOAT32, new int[] {2, 3}, 1));
        assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2}, f.floats());
        HostBuffer i = run(Primitive.IOTA, new Params.Iota(DType.INT64, new int[] {3, 2}, 0));
        assertArrayEquals(new long[] {0, 0, 1, 1, 2, 2}, i.longs());
        HostBuffer b = run(Primitive.IOTA, new Params.Iota(DType.BOOL, new int[] {3}, 0));
        assertArrayEquals(new boolean[] {false, true, true}, b.bools());
        HostBuffer u = run(Primitive.IOTA, new Params.Iota(DType.UINT32, new int[] {2, 0, 2}, 2));
        assertArrayEquals(new int[0], u.ints());
    }

    private static HostBuffer indices(DType t, long[] values, int... shape) {
        HostBuffer h = HostBuffer.allocate(dev.kiln.ir.ArraySpec.of(t, shape));
        for (int i = 0; i < values.length; i++) {
            Convert.setLong(t, h.data(), i, values[i]);
        }
        return h;
    }

    private static int clamp(long v, int n) {
        return (int) Math.max(0, Math.min(n - 1, v));
    }
}
