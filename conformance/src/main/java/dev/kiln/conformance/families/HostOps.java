package dev.kiln.conformance.families;

import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;

/**
 * Plain Java versions of the data movement the oracles need (broadcast indexing, transpose, strided
 * slices), written independently of Kiln so that they can judge it.
 */
final class HostOps {
    private HostOps() {}

    /** For each flat index of {@code out}, the flat index of the element of {@code in} that broadcasts to it. */
    static int[] broadcastIndex(int[] in, int[] out) {
        int n = Shape.size(out);
        int[] map = new int[n];
        int offset = out.length - in.length;
        int[] inStrides = Shape.strides(in);
        int[] idx = new int[out.length];
        for (int i = 0; i < n; i++) {
            int src = 0;
            for (int d = 0; d < in.length; d++) {
                if (in[d] != 1) {
                    src += idx[d + offset] * inStrides[d];
                }
            }
            map[i] = src;
            for (int d = out.length - 1; d >= 0; d--) {
                if (++idx[d] < out[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return map;
    }

    /** Element {@code from} of {@code src} copied to element {@code to} of {@code dst} (same dtype). */
    static void copy(HostBuffer src, int from, HostBuffer dst, int to) {
        Object s = src.data();
        Object d = dst.data();
        switch (src.spec().dtype().storage()) {
            case FLOAT32 -> ((float[]) d)[to] = ((float[]) s)[from];
            case FLOAT64 -> ((double[]) d)[to] = ((double[]) s)[from];
            case INT32, UINT32 -> ((int[]) d)[to] = ((int[]) s)[from];
            case INT64 -> ((long[]) d)[to] = ((long[]) s)[from];
            case BOOL -> ((boolean[]) d)[to] = ((boolean[]) s)[from];
        }
    }

    /** The array with its axes permuted: output axis i is input axis {@code perm[i]}. */
    static HostBuffer transpose(HostBuffer x, int... perm) {
        int[] s = x.spec().shape();
        int[] os = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            os[i] = s[perm[i]];
        }
        HostBuffer out = HostBuffer.allocate(ArraySpec.of(x.spec().dtype(), os));
        int[] inStrides = Shape.strides(s);
        int n = out.spec().size();
        int[] idx = new int[os.length];
        for (int i = 0; i < n; i++) {
            int src = 0;
            for (int d = 0; d < os.length; d++) {
                src += idx[d] * inStrides[perm[d]];
            }
            copy(x, src, out, i);
            for (int d = os.length - 1; d >= 0; d--) {
                if (++idx[d] < os[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return out;
    }

    /** Elements {@code start, start+step, ...} below {@code limit} along every axis (non-negative steps). */
    static HostBuffer slice(HostBuffer x, int[] start, int[] limit, int[] step) {
        int[] s = x.spec().shape();
        int[] os = new int[s.length];
        for (int d = 0; d < s.length; d++) {
            os[d] = Math.max(0, (limit[d] - start[d] + step[d] - 1) / step[d]);
        }
        HostBuffer out = HostBuffer.allocate(ArraySpec.of(x.spec().dtype(), os));
        int[] inStrides = Shape.strides(s);
        int n = out.spec().size();
        int[] idx = new int[os.length];
        for (int i = 0; i < n; i++) {
            int src = 0;
            for (int d = 0; d < os.length; d++) {
                src += (start[d] + idx[d] * step[d]) * inStrides[d];
            }
            copy(x, src, out, i);
            for (int d = os.length - 1; d >= 0; d--) {
                if (++idx[d] < os[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return out;
    }

    /**
     * Arrays of one spec stacked along a new axis {@code axis} (0 to their rank; negative counts
     * from the end of the result's axes), as {@code numpy.stack}.
     */
    static HostBuffer stack(java.util.List<HostBuffer> xs, int axis) {
        ArraySpec one = xs.get(0).spec();
        int rank = one.rank() + 1;
        int ax = axis < 0 ? axis + rank : axis;
        int[] shape = new int[rank];
        shape[0] = xs.size();
        System.arraycopy(one.shape(), 0, shape, 1, one.rank());
        HostBuffer stacked = HostBuffer.allocate(ArraySpec.of(one.dtype(), shape));
        int n = one.size();
        for (int i = 0; i < xs.size(); i++) {
            if (!xs.get(i).spec().equals(one)) {
                throw new IllegalArgumentException("stack: " + xs.get(i).spec() + " differs from " + one);
            }
            for (int j = 0; j < n; j++) {
                copy(xs.get(i), j, stacked, i * n + j);
            }
        }
        if (ax == 0) {
            return stacked;
        }
        // move axis 0 to ax: output axis d reads input axis perm[d]
        int[] perm = new int[rank];
        for (int d = 0, k = 1; d < rank; d++) {
            perm[d] = d == ax ? 0 : k++;
        }
        return transpose(stacked, perm);
    }

    /** A copy with another shape of the same size. */
    static HostBuffer reshape(HostBuffer x, int... shape) {
        return x.reshape(shape);
    }
}
