package dev.kiln.cpu;

import static dev.kiln.cpu.Exec.f32;
import static dev.kiln.cpu.Exec.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Reductions over every axis subset, arg-reductions and cumulative ops, against exact oracles. */
class ReductionTest {
    private static final Primitive[] REDUCE = {
        Primitive.REDUCE_SUM,
        Primitive.REDUCE_PROD,
        Primitive.REDUCE_MAX,
        Primitive.REDUCE_MIN,
        Primitive.REDUCE_AND,
        Primitive.REDUCE_OR
    };

    @Test
    void everyAxisSubsetAndDtype() {
        int[][] shapes = {{3, 4, 5}, {2, 1, 33}, {17, 2, 3, 40}, {1}, {129}};
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            for (int[] shape : shapes) {
                HostBuffer x = Exec.random(t, shape.length * 5L + shape[0], false, shape);
                if (t.isFloating()) {
                    // keep products representable
                    for (int i = 0; i < x.spec().size(); i++) {
                        Convert.setDouble(t, x.data(), i, 0.5 + Math.abs(x.getDouble(i)) % 1.5);
                    }
                }
                for (int mask = 0; mask < (1 << shape.length); mask++) {
                    int[] axes = axes(mask, shape.length);
                    for (Primitive p : REDUCE) {
                        if (t.isFloating() && (p == Primitive.REDUCE_AND || p == Primitive.REDUCE_OR)) {
                            continue;
                        }
                        check(p, x, axes);
                    }
                }
            }
        }
    }

    /** Long rows and columns: vector loops, blocks, and the multi-threaded split. */
    @Test
    void largeRowsAndColumns() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32}) {
            HostBuffer x = Exec.random(t, 77, false, Exec.LARGE);
            for (Primitive p : new Primitive[] {Primitive.REDUCE_SUM, Primitive.REDUCE_MAX, Primitive.REDUCE_MIN}) {
                check(p, x, new int[] {0});
            }
            HostBuffer m = Exec.random(t, 78, false, 1031, 1029);
            for (Primitive p : new Primitive[] {Primitive.REDUCE_SUM, Primitive.REDUCE_MAX, Primitive.REDUCE_MIN}) {
                check(p, m, new int[] {0});
                check(p, m, new int[] {1});
            }
            HostBuffer c = Exec.random(t, 79, false, 3, 70001, 5);
            check(Primitive.REDUCE_SUM, c, new int[] {1});
            check(Primitive.REDUCE_SUM, c, new int[] {0, 2});
        }
    }

    @Test
    void nanPropagatesAndEmptyAxesGiveTheIdentity() {
        for (int n : new int[] {3, 16, 100, 4097}) {
            for (int at : new int[] {0, n / 2, n - 1}) {
                float[] a = new float[n];
                Arrays.fill(a, 1f);
                a[at] = Float.NaN;
                for (Primitive p : new Primitive[] {Primitive.REDUCE_MAX, Primitive.REDUCE_MIN, Primitive.REDUCE_SUM}) {
                    float r =
                            run(p, new Params.Reduce(new int[] {0}), f32(a, n)).floats()[0];
                    assertTrue(Float.isNaN(r), p + " n=" + n + " NaN at " + at);
                }
            }
        }
        HostBuffer empty = HostBuffer.allocate(ArraySpec.of(DType.FLOAT32, 2, 0));
        Params.Reduce last = new Params.Reduce(new int[] {1});
        assertArrayEquals(
                new float[] {0, 0}, run(Primitive.REDUCE_SUM, last, empty).floats());
        assertArrayEquals(
                new float[] {1, 1}, run(Primitive.REDUCE_PROD, last, empty).floats());
        assertArrayEquals(
                new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY},
                run(Primitive.REDUCE_MAX, last, empty).floats());
        assertArrayEquals(
                new int[] {Integer.MAX_VALUE},
                run(
                                Primitive.REDUCE_MIN,
                                new Params.Reduce(new int[] {0}),
                                HostBuffer.allocate(ArraySpec.of(DType.INT32, 0)))
                        .ints());
        assertArrayEquals(
                new int[] {-1},
                run(
                                Primitive.REDUCE_MIN,
                                new Params.Reduce(new int[] {0}),
                                HostBuffer.allocate(ArraySpec.of(DType.UINT32, 0)))
                        .ints());
        assertArrayEquals(
                new boolean[] {true},
                run(
                                Primitive.REDUCE_AND,
                                new Params.Reduce(new int[] {0}),
                                HostBuffer.allocate(ArraySpec.of(DType.BOOL, 0)))
                        .bools());
        assertArrayEquals(
                new long[] {Long.MIN_VALUE},
                run(
                                Primitive.REDUCE_MAX,
                                new Params.Reduce(new int[] {0}),
                                HostBuffer.allocate(ArraySpec.of(DType.INT64, 0)))
                        .longs());
    }

    @Test
    void integerSumsWrapAndUnsignedMaxIsUnsigned() {
        int[] big = {Integer.MAX_VALUE, 1, 5};
        assertArrayEquals(
                new int[] {Integer.MIN_VALUE + 5},
                run(Primitive.REDUCE_SUM, new Params.Reduce(new int[] {0}), Exec.i32(big, 3))
                        .ints());
        assertArrayEquals(
                new int[] {-1},
                run(Primitive.REDUCE_MAX, new Params.Reduce(new int[] {0}), Exec.u32(new int[] {3, -1, 7}, 3))
                        .ints());
        assertArrayEquals(
                new boolean[] {true, false},
                run(
                                Primitive.REDUCE_SUM,
                                new Params.Reduce(new int[] {1}),
                                Exec.bool(new boolean[] {false, true, false, false}, 2, 2))
                        .bools());
    }

    @Test
    void argReductionsPreferNanAndTheFirstIndex() {
        float nan = Float.NaN;
        HostBuffer x = f32(new float[] {1, 5, 5, 0, 0, 2, nan, 9, nan, -1, 3, 3}, 3, 4);
        Params.ArgReduce rows = new Params.ArgReduce(1, DType.INT32);
        assertArrayEquals(new int[] {1, 2, 0}, run(Primitive.ARGMAX, rows, x).ints());
        assertArrayEquals(new int[] {3, 2, 0}, run(Primitive.ARGMIN, rows, x).ints());
        Params.ArgReduce cols = new Params.ArgReduce(0, DType.INT64);
        assertArrayEquals(
                new long[] {2, 0, 1, 1}, run(Primitive.ARGMAX, cols, x).longs());
        assertArrayEquals(
                new long[] {2, 2, 1, 0}, run(Primitive.ARGMIN, cols, x).longs());
        assertArrayEquals(
                new int[] {1},
                run(Primitive.ARGMAX, new Params.ArgReduce(0, DType.INT32), Exec.u32(new int[] {3, -1, 7}, 3))
                        .ints());
        // against the naive definition on random data with ties
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            HostBuffer r = Exec.random(t, 9, true, 7, 33);
            for (int axis = 0; axis < 2; axis++) {
                for (Primitive p : new Primitive[] {Primitive.ARGMAX, Primitive.ARGMIN}) {
                    int[] got =
                            run(p, new Params.ArgReduce(axis, DType.INT32), r).ints();
                    int[] want = naiveArg(p, r, axis);
                    assertArrayEquals(want, got, p + " axis " + axis + " " + t);
                }
            }
        }
    }

    @Test
    void cumulativeOpsForwardAndReverse() {
        HostBuffer x = f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(
                new float[] {1, 3, 6, 4, 9, 15},
                run(Primitive.CUMSUM, new Params.Cumulative(1, false), x).floats());
        assertArrayEquals(
                new float[] {6, 5, 3, 15, 11, 6},
                run(Primitive.CUMSUM, new Params.Cumulative(1, true), x).floats());
        assertArrayEquals(
                new float[] {1, 2, 3, 4, 10, 18},
                run(Primitive.CUMPROD, new Params.Cumulative(0, false), x).floats());
        HostBuffer y = f32(new float[] {3, 1, Float.NaN, 5}, 4);
        float[] cm = run(Primitive.CUMMAX, new Params.Cumulative(0, false), y).floats();
        assertEquals(3f, cm[1]);
        assertTrue(Float.isNaN(cm[2]) && Float.isNaN(cm[3]));
        assertArrayEquals(
                new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1},
                run(Primitive.CUMSUM, new Params.Cumulative(0, false), Exec.i32(new int[] {Integer.MAX_VALUE, 1, 1}, 3))
                        .ints());
        assertArrayEquals(
                new boolean[] {false, true, true},
                run(Primitive.CUMMAX, new Params.Cumulative(0, false), Exec.bool(new boolean[] {false, true, false}, 3))
                        .bools());
        assertArrayEquals(
                new int[] {5, -1, -1},
                run(Primitive.CUMMAX, new Params.Cumulative(0, false), Exec.u32(new int[] {5, -1, 2}, 3))
                        .ints());
    }

    private static void check(Primitive p, HostBuffer x, int[] axes) {
        HostBuffer got = run(p, new Params.Reduce(axes), x);
        DType t = x.spec().dtype();
        int[] shape = x.spec().shape();
        int n = got.spec().size();
        double[] want = new double[n];
        double[] scale = new double[n];
        long[] wantLong = new long[n];
        boolean[] seen = new boolean[n];
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        int[] idx = new int[shape.length];
        for (int i = 0; i < x.spec().size(); i++) {
            int rest = i;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rest % shape[d];
                rest /= shape[d];
            }
            int o = 0;
            for (int d = 0; d < shape.length; d++) {
                if (!reduced[d]) {
                    o = o * shape[d] + idx[d];
                }
            }
            if (t.isFloating()) {
                double v = x.getDouble(i);
                want[o] = !seen[o]
                        ? v
                        : switch (p) {
                            case REDUCE_SUM -> want[o] + v;
                            case REDUCE_PROD -> want[o] * v;
                            case REDUCE_MAX -> Math.max(want[o], v);
                            default -> Math.min(want[o], v);
                        };
                scale[o] += Math.abs(v);
            } else {
                long v = Convert.getLong(t, x.data(), i);
                wantLong[o] = !seen[o]
                        ? v
                        : switch (p) {
                            case REDUCE_SUM -> wantLong[o] + v;
                            case REDUCE_PROD -> wantLong[o] * v;
                            case REDUCE_MAX -> Math.max(wantLong[o], v);
                            case REDUCE_MIN -> Math.min(wantLong[o], v);
                            case REDUCE_AND -> wantLong[o] & v;
                            default -> wantLong[o] | v;
                        };
            }
            seen[o] = true;
        }
        String what = p + " " + x.spec() + " axes " + Arrays.toString(axes);
        for (int o = 0; o < n; o++) {
            if (t.isFloating()) {
                double g = got.getDouble(o);
                boolean f32 = t == DType.FLOAT32;
                double eps = f32 ? 0x1p-24 : 0x1p-53;
                // the exact result rounded to the dtype (a float32 product may underflow to 0)
                double w = f32 ? (float) want[o] : want[o];
                double ulp = f32 ? Math.ulp((float) w) : Math.ulp(w);
                int terms = x.spec().size() / n;
                // sequential rounding (in the oracle too) grows with the number of terms
                double tol = p == Primitive.REDUCE_SUM
                        ? (terms + 4) * eps * scale[o] + ulp
                        : p == Primitive.REDUCE_PROD ? 2 * Math.abs(w) * eps * (terms + 2) + ulp : 0;
                if (!(Math.abs(g - w) <= tol) && !(Double.isNaN(g) && Double.isNaN(w))) {
                    fail(what + " at " + o + ": expected " + want[o] + " but was " + g);
                }
            } else {
                long g = Convert.getLong(t, got.data(), o);
                long w = wantLong[o];
                long expect =
                        switch (t) {
                            case INT32 -> (int) w;
                            case UINT32 -> w & 0xFFFF_FFFFL;
                            case BOOL -> w != 0 ? 1 : 0;
                            default -> w;
                        };
                assertEquals(expect, g, what + " at " + o);
            }
        }
    }

    private static int[] naiveArg(Primitive p, HostBuffer x, int axis) {
        int rows = x.spec().dim(0);
        int cols = x.spec().dim(1);
        int outer = axis == 0 ? cols : rows;
        int len = axis == 0 ? rows : cols;
        int[] out = new int[outer];
        DType t = x.spec().dtype();
        for (int o = 0; o < outer; o++) {
            int best = 0;
            for (int i = 1; i < len; i++) {
                int bi = axis == 0 ? best * cols + o : o * cols + best;
                int ci = axis == 0 ? i * cols + o : o * cols + i;
                if (t.isFloating()) {
                    double b = x.getDouble(bi);
                    double c = x.getDouble(ci);
                    if (Double.isNaN(b)) {
                        break;
                    }
                    if (Double.isNaN(c) || (p == Primitive.ARGMAX ? c > b : c < b)) {
                        best = i;
                    }
                } else {
                    long b = Convert.getLong(t, x.data(), bi);
                    long c = Convert.getLong(t, x.data(), ci);
                    if (p == Primitive.ARGMAX ? c > b : c < b) {
                        best = i;
                    }
                }
            }
            out[o] = best;
        }
        return out;
    }

    private static int[] axes(int mask, int rank) {
        return java.util.stream.IntStream.range(0, rank)
                .filter(d -> (mask & (1 << d)) != 0)
                .toArray();
    }
}
