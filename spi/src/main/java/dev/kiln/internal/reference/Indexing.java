package dev.kiln.internal.reference;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.spi.HostBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Gathers with data-dependent positions, and IOTA. Out-of-range indices are clamped, as XLA
 * does; the frontend has already wrapped negative Python-style indices.
 */
final class Indexing {
    private Indexing() {}

    /** {@code out[..i.., j.., ..k..] = x[..i.., clamp(indices[j..]), ..k..]}. */
    static HostBuffer take(Params.Axis params, ArraySpec out, HostBuffer x, HostBuffer indices) {
        int[] s = x.spec().shape();
        int axis = params.axis();
        int dim = s[axis];
        int outer = Shape.size(Arrays.copyOfRange(s, 0, axis));
        int inner = Shape.size(Arrays.copyOfRange(s, axis + 1, s.length));
        long[] idx = Widened.longs(indices);
        int[] map = new int[out.size()];
        int i = 0;
        for (int o = 0; o < outer; o++) {
            for (long q : idx) {
                int base = (o * dim + clamp(q, dim - 1)) * inner;
                for (int r = 0; r < inner; r++) {
                    map[i++] = base + r;
                }
            }
        }
        return Elements.gather(x, map, out, null);
    }

    /** {@code out[..i.., j, ..k..] = x[..i.., clamp(indices[..i.., j, ..k..]), ..k..]}. */
    static HostBuffer takeAlongAxis(Params.Axis params, ArraySpec out, HostBuffer x, HostBuffer indices) {
        int[] s = x.spec().shape();
        int axis = params.axis();
        int dim = s[axis];
        int taken = out.dim(axis);
        int outer = Shape.size(Arrays.copyOfRange(s, 0, axis));
        int inner = Shape.size(Arrays.copyOfRange(s, axis + 1, s.length));
        long[] idx = Widened.longs(indices);
        int[] map = new int[out.size()];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < taken; j++) {
                for (int r = 0; r < inner; r++) {
                    int i = (o * taken + j) * inner + r;
                    map[i] = (o * dim + clamp(idx[i], dim - 1)) * inner + r;
                }
            }
        }
        return Elements.gather(x, map, out, null);
    }

    /** The window of {@code out}'s shape at the start indices, each clamped so the window fits. */
    static HostBuffer dynamicSlice(ArraySpec out, HostBuffer x, List<HostBuffer> starts) {
        int[] s = x.spec().shape();
        int[] strides = Shape.strides(s);
        int base = 0;
        for (int d = 0; d < s.length; d++) {
            base += clamp(Widened.scalarLong(starts.get(d)), s[d] - out.dim(d)) * strides[d];
        }
        return Elements.gather(x, Elements.affineMap(out.shape(), base, strides), out, null);
    }

    /** A copy of {@code x} with {@code update} written at the start indices, each clamped so it fits. */
    static HostBuffer dynamicUpdateSlice(HostBuffer x, HostBuffer update, List<HostBuffer> starts) {
        int[] s = x.spec().shape();
        int[] strides = Shape.strides(s);
        int base = 0;
        for (int d = 0; d < s.length; d++) {
            base += clamp(
                            Widened.scalarLong(starts.get(d)),
                            s[d] - update.spec().dim(d))
                    * strides[d];
        }
        HostBuffer result = Elements.copy(x);
        Elements.scatter(update, Elements.affineMap(update.spec().shape(), base, strides), result);
        return result;
    }

    /**
     * {@code x} with each update combined in at its index along the axis, in row-major order of
     * the updates; an index outside {@code [0, n)} drops its update. Floats combine in double and
     * round once; integers wrap to the dtype; bools combine as or (ADD, MAX) and and (MUL, MIN).
     */
    static HostBuffer scatter(Params.Scatter params, ArraySpec out, HostBuffer x, HostBuffer indices, HostBuffer u) {
        int[] s = x.spec().shape();
        int axis = params.axis();
        int dim = s[axis];
        int outer = Shape.size(Arrays.copyOfRange(s, 0, axis));
        int inner = Shape.size(Arrays.copyOfRange(s, axis + 1, s.length));
        long[] idx = Widened.longs(indices);
        int k = idx.length;
        if (out.dtype().isFloating()) {
            double[] v = Widened.doubles(x);
            double[] w = Widened.doubles(u);
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < k; j++) {
                    if (idx[j] < 0 || idx[j] >= dim) {
                        continue;
                    }
                    int base = (o * dim + (int) idx[j]) * inner;
                    int from = (o * k + j) * inner;
                    for (int r = 0; r < inner; r++) {
                        v[base + r] = combine(params.mode(), v[base + r], w[from + r]);
                    }
                }
            }
            return Widened.ofDoubles(out, v);
        }
        long[] v = Widened.longs(x);
        long[] w = Widened.longs(u);
        boolean bool = out.dtype() == DType.BOOL;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < k; j++) {
                if (idx[j] < 0 || idx[j] >= dim) {
                    continue;
                }
                int base = (o * dim + (int) idx[j]) * inner;
                int from = (o * k + j) * inner;
                for (int r = 0; r < inner; r++) {
                    long a = v[base + r];
                    long b = w[from + r];
                    v[base + r] = bool
                            ? switch (params.mode()) {
                                case SET -> b;
                                case ADD, MAX -> a | b;
                                case MUL, MIN -> a & b;
                            }
                            : switch (params.mode()) {
                                case SET -> b;
                                case ADD -> a + b;
                                case MUL -> a * b;
                                case MIN -> Math.min(a, b);
                                case MAX -> Math.max(a, b);
                            };
                }
            }
        }
        return Widened.ofLongs(out, v);
    }

    private static double combine(Params.Scatter.Mode mode, double a, double b) {
        return switch (mode) {
            case SET -> b;
            case ADD -> a + b;
            case MUL -> a * b;
            case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
        };
    }

    /** The index along {@code dimension}, in the output dtype. */
    static HostBuffer iota(Params.Iota params, ArraySpec out) {
        int[] coef = new int[out.rank()];
        coef[params.dimension()] = 1;
        int[] index = Elements.affineMap(out.shape(), 0, coef);
        if (out.dtype().isFloating()) {
            double[] v = new double[index.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = index[i];
            }
            return Widened.ofDoubles(out, v);
        }
        long[] v = new long[index.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = index[i];
        }
        return Widened.ofLongs(out, v);
    }

    /** {@code i} clamped into {@code [0, max]} (canonical uint32 values are never negative). */
    private static int clamp(long i, int max) {
        return (int) Math.max(0, Math.min(i, max));
    }
}
