package dev.kiln.internal.reference;

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
