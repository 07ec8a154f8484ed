package dev.kiln.cpu;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.spi.HostBuffer;
import java.util.List;

/**
 * Gathers, dynamic slices and iota. Every index and start is clamped into range (XLA's rule for
 * gathers and dynamic slices), so no input can make these read or write outside an array.
 */
final class Indexing {
    private Indexing() {}

    /** take(x, indices) along {@code axis}: x viewed as [outer, n, inner], output as [outer, m, inner]. */
    static Object take(HostBuffer x, HostBuffer indices, Params.Axis p, ArraySpec out) {
        int[] s = x.spec().shape();
        int axis = p.axis();
        int outer = prod(s, 0, axis);
        int n = s[axis];
        int inner = prod(s, axis + 1, s.length);
        int m = indices.spec().size();
        int[] k = new int[m];
        for (int j = 0; j < m; j++) {
            k[j] = clamp(Convert.getLong(indices.spec().dtype(), indices.data(), j), n);
        }
        Object y = Convert.allocate(out.dtype(), out.size());
        if (out.size() == 0) {
            return y;
        }
        Object src = x.data();
        if (inner == 1) {
            int[] from = new int[outer * m];
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < m; j++) {
                    from[o * m + j] = o * n + k[j];
                }
            }
            gather(src, from, y);
        } else {
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < m; j++) {
                    System.arraycopy(src, (o * n + k[j]) * inner, y, (o * m + j) * inner, inner);
                }
            }
        }
        return y;
    }

    /** take_along_axis: out[o, j, t] = x[o, clamp(idx[o, j, t]), t]. */
    static Object takeAlongAxis(HostBuffer x, HostBuffer indices, Params.Axis p, ArraySpec out) {
        int[] s = x.spec().shape();
        int axis = p.axis();
        int n = s[axis];
        int inner = prod(s, axis + 1, s.length);
        int m = indices.spec().dim(axis);
        DType it = indices.spec().dtype();
        Object idx = indices.data();
        int size = out.size();
        int[] from = new int[size];
        for (int i = 0; i < size; i++) {
            int t = i % inner;
            int o = i / inner / m;
            from[i] = (o * n + clamp(Convert.getLong(it, idx, i), n)) * inner + t;
        }
        Object y = Convert.allocate(out.dtype(), size);
        gather(x.data(), from, y);
        return y;
    }

    /** dynamic_slice: starts clamped so that the window of {@code sizes} fits. */
    static Object dynamicSlice(HostBuffer x, List<HostBuffer> starts, Params.DynamicSlice p, ArraySpec out) {
        int[] s = x.spec().shape();
        int[] sizes = p.sizes().toArray();
        int[] strides = Shape.strides(s);
        int off = 0;
        for (int d = 0; d < s.length; d++) {
            off += start(starts.get(d), s[d] - sizes[d]) * strides[d];
        }
        Object y = Convert.allocate(out.dtype(), out.size());
        StridedCopy.copy(x.data(), off, strides, y, 0, Shape.strides(sizes), sizes);
        return y;
    }

    /** dynamic_update_slice: a copy of the operand with the update written at clamped starts. */
    static Object dynamicUpdateSlice(HostBuffer x, HostBuffer update, List<HostBuffer> starts, ArraySpec out) {
        int[] s = x.spec().shape();
        int[] u = update.spec().shape();
        int[] strides = Shape.strides(s);
        Object y = Convert.allocate(out.dtype(), out.size());
        System.arraycopy(x.data(), 0, y, 0, out.size());
        int off = 0;
        for (int d = 0; d < s.length; d++) {
            off += start(starts.get(d), s[d] - u[d]) * strides[d];
        }
        StridedCopy.copy(update.data(), 0, Shape.strides(u), y, off, strides, u);
        return y;
    }

    static Object iota(Params.Iota p, ArraySpec out) {
        int[] s = out.shape();
        int dim = p.dimension();
        int n = s[dim];
        int inner = prod(s, dim + 1, s.length);
        int size = out.size();
        DType t = out.dtype();
        Object y = Convert.allocate(t, size);
        for (int i = 0; i < size; i++) {
            Convert.setLong(t, y, i, (i / inner) % n);
        }
        return y;
    }

    private static int start(HostBuffer b, int max) {
        long v = Convert.getLong(b.spec().dtype(), b.data(), 0);
        return (int) Math.max(0, Math.min(max, v));
    }

    private static int clamp(long v, int n) {
        return v < 0 ? 0 : v >= n ? n - 1 : (int) v;
    }

    static int prod(int[] s, int from, int to) {
        int p = 1;
        for (int d = from; d < to; d++) {
            p *= s[d];
        }
        return p;
    }

    /** dst[i] = src[from[i]]. */
    private static void gather(Object src, int[] from, Object dst) {
        switch (src) {
            case float[] a -> {
                float[] b = (float[]) dst;
                for (int i = 0; i < from.length; i++) {
                    b[i] = a[from[i]];
                }
            }
            case double[] a -> {
                double[] b = (double[]) dst;
                for (int i = 0; i < from.length; i++) {
                    b[i] = a[from[i]];
                }
            }
            case int[] a -> {
                int[] b = (int[]) dst;
                for (int i = 0; i < from.length; i++) {
                    b[i] = a[from[i]];
                }
            }
            case long[] a -> {
                long[] b = (long[]) dst;
                for (int i = 0; i < from.length; i++) {
                    b[i] = a[from[i]];
                }
            }
            case boolean[] a -> {
                boolean[] b = (boolean[]) dst;
                for (int i = 0; i < from.length; i++) {
                    b[i] = a[from[i]];
                }
            }
            default -> throw new IllegalArgumentException("not a primitive array: " + src.getClass());
        }
    }
}
