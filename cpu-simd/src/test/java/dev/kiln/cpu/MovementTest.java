package dev.kiln.cpu;

import static dev.kiln.cpu.Exec.assertSame;
import static dev.kiln.cpu.Exec.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Movement primitives for every dtype against index-by-index oracles written here. */
class MovementTest {
    /** A naive map from an output multi-index to an operand flat index, or -1 for "padding". */
    interface IndexMap {
        int source(int[] outIndex);
    }

    /** out[i] = x[map(i)] element by element, boxed: slow and obviously right. */
    static HostBuffer naive(HostBuffer x, ArraySpec out, IndexMap map, Object padValue) {
        HostBuffer y = HostBuffer.allocate(out);
        int[] shape = out.shape();
        int[] idx = new int[shape.length];
        for (int i = 0; i < out.size(); i++) {
            int rest = i;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rest % shape[d];
                rest /= shape[d];
            }
            int s = map.source(idx);
            Array.set(y.data(), i, s < 0 ? padValue : Array.get(x.data(), s));
        }
        return y;
    }

    static int flat(int[] idx, int[] shape) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + idx[d];
        }
        return f;
    }

    @Test
    void transposeEveryPermutationAndDtype() {
        int[][] shapes = {{2, 3, 5}, {1, 7, 1}, {3, 1, 4, 5}, {9, 17, 33}, {2, 40, 3, 37}};
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            for (int[] shape : shapes) {
                HostBuffer x = Exec.random(t, shape.length * 97L + shape[0], false, shape);
                for (int[] perm : permutations(shape.length)) {
                    checkTranspose(x, perm);
                }
            }
        }
    }

    /** Big enough for the tiled path and to split across threads. */
    @Test
    void largeTransposes() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL}) {
            checkTranspose(Exec.random(t, 5, false, 515, 1031), new int[] {1, 0});
            checkTranspose(Exec.random(t, 6, false, 3, 257, 400), new int[] {0, 2, 1});
            checkTranspose(Exec.random(t, 7, false, 33, 64, 65), new int[] {2, 1, 0});
        }
    }

    private static void checkTranspose(HostBuffer x, int[] perm) {
        Params.Transpose p = new Params.Transpose(perm);
        int[] inShape = x.spec().shape();
        HostBuffer got = run(Primitive.TRANSPOSE, p, x);
        HostBuffer want = naive(
                x,
                got.spec(),
                out -> {
                    int[] in = new int[perm.length];
                    for (int i = 0; i < perm.length; i++) {
                        in[perm[i]] = out[i];
                    }
                    return flat(in, inShape);
                },
                null);
        assertSame(want, got, "transpose " + x.spec() + " perm " + java.util.Arrays.toString(perm));
    }

    @Test
    void sliceWithStrides() {
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            HostBuffer x = Exec.random(t, 11, false, 6, 7, 33);
            int[][][] windows = {
                {{0, 0, 0}, {6, 7, 33}, {1, 1, 1}},
                {{1, 2, 3}, {5, 7, 30}, {1, 1, 1}},
                {{0, 1, 0}, {6, 7, 33}, {2, 3, 5}},
                {{5, 0, 32}, {6, 7, 33}, {1, 1, 1}},
                {{2, 2, 2}, {2, 5, 9}, {1, 1, 1}},
            };
            for (int[][] w : windows) {
                Params.Slice p = new Params.Slice(w[0], w[1], w[2]);
                HostBuffer got = run(Primitive.SLICE, p, x);
                HostBuffer want = naive(
                        x,
                        got.spec(),
                        out -> flat(
                                new int[] {
                                    w[0][0] + out[0] * w[2][0], w[0][1] + out[1] * w[2][1], w[0][2] + out[2] * w[2][2]
                                },
                                new int[] {6, 7, 33}),
                        null);
                assertSame(want, got, "slice " + p + " " + t);
            }
        }
    }

    @Test
    void padWithNegativeEdgesAndInterior() {
        int[][][] pads = {
            {{0, 0}, {0, 0}, {0, 0}},
            {{1, 2}, {3, 0}, {0, 0}},
            {{-1, 2}, {0, -2}, {1, 2}},
            {{2, -3}, {-4, 1}, {2, 0}},
            {{-2, -2}, {1, 1}, {0, 3}},
        };
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            HostBuffer x = Exec.random(t, 3, false, 4, 5);
            HostBuffer value = Exec.random(t, 99, false);
            for (int[][] pd : pads) {
                Params.Pad p = new Params.Pad(pd[0], pd[1], pd[2]);
                HostBuffer got = run(Primitive.PAD, p, x, value);
                int[] lo = pd[0];
                int[] step = {pd[2][0] + 1, pd[2][1] + 1};
                HostBuffer want = naive(
                        x,
                        got.spec(),
                        out -> {
                            int[] in = new int[2];
                            for (int d = 0; d < 2; d++) {
                                int rel = out[d] - lo[d];
                                if (rel < 0
                                        || rel % step[d] != 0
                                        || rel / step[d] >= x.spec().dim(d)) {
                                    return -1;
                                }
                                in[d] = rel / step[d];
                            }
                            return flat(in, x.spec().shape());
                        },
                        Array.get(value.data(), 0));
                assertSame(want, got, "pad " + p + " " + t);
            }
        }
    }

    @Test
    void concatenateAlongEachAxis() {
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            for (int axis = 0; axis < 3; axis++) {
                List<HostBuffer> parts = new ArrayList<>();
                int[] offsets = new int[4];
                for (int i = 0; i < 3; i++) {
                    int[] shape = {3, 4, 5};
                    shape[axis] = i + 1;
                    parts.add(Exec.random(t, i * 10L + axis, false, shape));
                    offsets[i + 1] = offsets[i] + i + 1;
                }
                HostBuffer got = run(Primitive.CONCATENATE, new Params.Axis(axis), parts.toArray(HostBuffer[]::new));
                HostBuffer want = HostBuffer.allocate(got.spec());
                int[] outShape = got.spec().shape();
                int ax = axis;
                for (int part = 0; part < 3; part++) {
                    HostBuffer src = parts.get(part);
                    int off = offsets[part];
                    HostBuffer placed =
                            naive(src, src.spec(), out -> flat(out, src.spec().shape()), null);
                    int[] s = src.spec().shape();
                    int[] idx = new int[3];
                    for (int i = 0; i < src.spec().size(); i++) {
                        idx[0] = i / (s[1] * s[2]);
                        idx[1] = i / s[2] % s[1];
                        idx[2] = i % s[2];
                        idx[ax] += off;
                        Array.set(want.data(), flat(idx, outShape), Array.get(placed.data(), i));
                    }
                }
                assertSame(want, got, "concatenate axis " + axis + " " + t);
            }
        }
    }

    @Test
    void revAndBroadcastInDim() {
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            HostBuffer x = Exec.random(t, 4, false, 3, 1, 37);
            int[][] axesSets = {{0}, {2}, {0, 2}, {0, 1, 2}, {}};
            for (int[] axes : axesSets) {
                HostBuffer got = run(Primitive.REV, new Params.Rev(axes), x);
                int[] s = x.spec().shape();
                HostBuffer want = naive(
                        x,
                        x.spec(),
                        out -> {
                            int[] in = out.clone();
                            for (int a : axes) {
                                in[a] = s[a] - 1 - out[a];
                            }
                            return flat(in, s);
                        },
                        null);
                assertSame(want, got, "rev " + java.util.Arrays.toString(axes) + " " + t);
            }
            HostBuffer v = Exec.random(t, 8, false, 5, 1);
            Params.BroadcastInDim p = new Params.BroadcastInDim(new int[] {2, 5, 3, 19}, new int[] {1, 2});
            HostBuffer got = run(Primitive.BROADCAST_IN_DIM, p, v);
            assertSame(naive(v, got.spec(), out -> out[1], null), got, "broadcast " + t);
            HostBuffer s0 = Exec.random(t, 9, false);
            HostBuffer big =
                    run(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(new int[] {300, 1001}, new int[0]), s0);
            assertSame(naive(s0, big.spec(), out -> 0, null), big, "broadcast scalar " + t);
        }
    }

    @Test
    void reshapeSharesData() {
        HostBuffer x = Exec.random(DType.FLOAT32, 1, false, 4, 6);
        HostBuffer y = run(Primitive.RESHAPE, new Params.Reshape(new int[] {2, 12}), x);
        assertArrayEquals(new int[] {2, 12}, y.spec().shape());
        assertArrayEquals(x.floats(), y.floats());
    }

    @Test
    void emptyArraysMoveToEmptyResults() {
        HostBuffer x = HostBuffer.allocate(ArraySpec.of(DType.FLOAT32, 0, 5));
        assertArrayEquals(
                new int[] {5, 0},
                run(Primitive.TRANSPOSE, new Params.Transpose(new int[] {1, 0}), x)
                        .spec()
                        .shape());
        HostBuffer value = Exec.f32(new float[] {7f});
        HostBuffer y =
                run(Primitive.PAD, new Params.Pad(new int[] {1, 0}, new int[] {1, 0}, new int[] {0, 0}), x, value);
        assertArrayEquals(new int[] {2, 5}, y.spec().shape());
        float[] sevens = new float[10];
        java.util.Arrays.fill(sevens, 7f);
        assertArrayEquals(sevens, y.floats());
    }

    private static List<int[]> permutations(int n) {
        List<int[]> out = new ArrayList<>();
        permute(new int[n], new boolean[n], 0, out);
        return out;
    }

    private static void permute(int[] cur, boolean[] used, int at, List<int[]> out) {
        if (at == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int i = 0; i < cur.length; i++) {
            if (!used[i]) {
                used[i] = true;
                cur[at] = i;
                permute(cur, used, at + 1, out);
                used[i] = false;
            }
        }
    }
}
