package dev.kiln.internal.reference;

import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;

/**
 * Moves elements between the storage arrays of buffers without looking at their values, so data
 * movement is bit-exact (NaN payloads, {@code -0.0}) and written once for every dtype.
 *
 * <p>Positions are described by index maps built with {@link #affineMap}: for most movement
 * primitives the source offset of an output element is an affine function of its multi-index.
 */
final class Elements {
    private Elements() {}

    /**
     * The offsets {@code base + Σ coef[d] * index[d]} of every multi-index of {@code shape}, in
     * row-major order. Coefficients may be zero (broadcast) or negative (reversal).
     */
    static int[] affineMap(int[] shape, int base, int[] coef) {
        int rank = shape.length;
        int n = dev.kiln.Shape.size(shape);
        int[] map = new int[n];
        int[] index = new int[rank];
        int offset = base;
        for (int i = 0; i < n; i++) {
            map[i] = offset;
            for (int d = rank - 1; d >= 0; d--) {
                index[d]++;
                offset += coef[d];
                if (index[d] < shape[d]) {
                    break;
                }
                offset -= coef[d] * shape[d];
                index[d] = 0;
            }
        }
        return map;
    }

    /**
     * A buffer of {@code out} whose element {@code i} is {@code src[map[i]]}, or element 0 of
     * {@code fill} where {@code map[i] < 0}.
     */
    static HostBuffer gather(HostBuffer src, int[] map, ArraySpec out, HostBuffer fill) {
        HostBuffer dst = HostBuffer.allocate(out);
        switch (out.dtype()) {
            case FLOAT32 -> {
                float[] s = src.floats();
                float[] d = dst.floats();
                float f = fill == null ? 0 : fill.floats()[0];
                for (int i = 0; i < map.length; i++) {
                    d[i] = map[i] < 0 ? f : s[map[i]];
                }
            }
            case FLOAT64 -> {
                double[] s = src.doubles();
                double[] d = dst.doubles();
                double f = fill == null ? 0 : fill.doubles()[0];
                for (int i = 0; i < map.length; i++) {
                    d[i] = map[i] < 0 ? f : s[map[i]];
                }
            }
            case INT32, UINT32 -> {
                int[] s = src.ints();
                int[] d = dst.ints();
                int f = fill == null ? 0 : fill.ints()[0];
                for (int i = 0; i < map.length; i++) {
                    d[i] = map[i] < 0 ? f : s[map[i]];
                }
            }
            case INT64 -> {
                long[] s = src.longs();
                long[] d = dst.longs();
                long f = fill == null ? 0 : fill.longs()[0];
                for (int i = 0; i < map.length; i++) {
                    d[i] = map[i] < 0 ? f : s[map[i]];
                }
            }
            case BOOL -> {
                boolean[] s = src.bools();
                boolean[] d = dst.bools();
                boolean f = fill != null && fill.bools()[0];
                for (int i = 0; i < map.length; i++) {
                    d[i] = map[i] < 0 ? f : s[map[i]];
                }
            }
        }
        return dst;
    }

    /** Writes element {@code i} of {@code src} to offset {@code map[i]} of {@code dst}, a buffer of this package's own making. */
    static void scatter(HostBuffer src, int[] map, HostBuffer dst) {
        Object s = src.data();
        Object d = dst.data();
        switch (dst.spec().dtype()) {
            case FLOAT32 -> {
                for (int i = 0; i < map.length; i++) {
                    ((float[]) d)[map[i]] = ((float[]) s)[i];
                }
            }
            case FLOAT64 -> {
                for (int i = 0; i < map.length; i++) {
                    ((double[]) d)[map[i]] = ((double[]) s)[i];
                }
            }
            case INT32, UINT32 -> {
                for (int i = 0; i < map.length; i++) {
                    ((int[]) d)[map[i]] = ((int[]) s)[i];
                }
            }
            case INT64 -> {
                for (int i = 0; i < map.length; i++) {
                    ((long[]) d)[map[i]] = ((long[]) s)[i];
                }
            }
            case BOOL -> {
                for (int i = 0; i < map.length; i++) {
                    ((boolean[]) d)[map[i]] = ((boolean[]) s)[i];
                }
            }
        }
    }

    /** A new buffer of {@code src}'s spec holding a copy of its data. */
    static HostBuffer copy(HostBuffer src) {
        HostBuffer dst = HostBuffer.allocate(src.spec());
        System.arraycopy(src.data(), 0, dst.data(), 0, src.spec().size());
        return dst;
    }
}
