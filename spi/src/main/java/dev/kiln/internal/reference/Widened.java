package dev.kiln.internal.reference;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;

/**
 * Element values widened to one Java type per family, so each operation is written once: floats
 * as {@code double}, integers and bools as {@code long}.
 *
 * <p>A widened integer is in canonical form for its dtype: int32 sign-extended, uint32
 * zero-extended (so signed {@code long} comparison orders uint32 values correctly), int64 as is,
 * bool as 0 or 1. Arithmetic may leave a value outside its dtype's range; {@link #ofLongs} brings
 * it back with two's complement wraparound, which is exact because the low bits of a 64-bit sum,
 * difference or product equal those of the 32-bit one.
 */
final class Widened {
    private Widened() {}

    private static final long UINT32_MASK = 0xFFFF_FFFFL;

    /** The values of a float32 or float64 buffer, exactly. */
    static double[] doubles(HostBuffer b) {
        return switch (b.spec().dtype()) {
            case FLOAT64 -> b.doubles().clone();
            case FLOAT32 -> {
                float[] f = b.floats();
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                yield d;
            }
            default -> throw new IllegalArgumentException("not a float buffer: " + b);
        };
    }

    /** The values of an integer or bool buffer in canonical form. */
    static long[] longs(HostBuffer b) {
        int n = b.spec().size();
        long[] v = new long[n];
        switch (b.spec().dtype()) {
            case INT64 -> System.arraycopy(b.longs(), 0, v, 0, n);
            case INT32 -> {
                int[] a = b.ints();
                for (int i = 0; i < n; i++) {
                    v[i] = a[i];
                }
            }
            case UINT32 -> {
                int[] a = b.ints();
                for (int i = 0; i < n; i++) {
                    v[i] = a[i] & UINT32_MASK;
                }
            }
            case BOOL -> {
                boolean[] a = b.bools();
                for (int i = 0; i < n; i++) {
                    v[i] = a[i] ? 1 : 0;
                }
            }
            default -> throw new IllegalArgumentException("not an integer or bool buffer: " + b);
        }
        return v;
    }

    /** Element 0 of an integer buffer in canonical form (for 0-d start indices). */
    static long scalarLong(HostBuffer b) {
        return longs(b)[0];
    }

    /** A float buffer of {@code out} holding {@code v}, each value rounded once to float32 if needed. */
    static HostBuffer ofDoubles(ArraySpec out, double[] v) {
        return switch (out.dtype()) {
            case FLOAT64 -> HostBuffer.wrap(out, v);
            case FLOAT32 -> {
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    f[i] = (float) v[i];
                }
                yield HostBuffer.wrap(out, f);
            }
            default -> throw new IllegalArgumentException("not a float spec: " + out);
        };
    }

    /** An integer or bool buffer of {@code out} holding {@code v} wrapped to the dtype (bool: {@code v != 0}). */
    static HostBuffer ofLongs(ArraySpec out, long[] v) {
        return switch (out.dtype()) {
            case INT64 -> HostBuffer.wrap(out, v);
            case INT32, UINT32 -> {
                int[] a = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    a[i] = (int) v[i];
                }
                yield HostBuffer.wrap(out, a);
            }
            case BOOL -> {
                boolean[] a = new boolean[v.length];
                for (int i = 0; i < v.length; i++) {
                    a[i] = v[i] != 0;
                }
                yield HostBuffer.wrap(out, a);
            }
            default -> throw new IllegalArgumentException("not an integer or bool spec: " + out);
        };
    }

    /** The smallest value of an integer or bool dtype, in canonical form. */
    static long minValue(DType dtype) {
        return switch (dtype) {
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            case UINT32, BOOL -> 0;
            default -> throw new IllegalArgumentException("not an integer dtype: " + dtype);
        };
    }

    /** The largest value of an integer or bool dtype, in canonical form. */
    static long maxValue(DType dtype) {
        return switch (dtype) {
            case INT32 -> Integer.MAX_VALUE;
            case INT64 -> Long.MAX_VALUE;
            case UINT32 -> UINT32_MASK;
            case BOOL -> 1;
            default -> throw new IllegalArgumentException("not an integer dtype: " + dtype);
        };
    }

    /** The number of bits of an integer dtype. */
    static int bitWidth(DType dtype) {
        return dtype == DType.INT64 ? 64 : 32;
    }
}
