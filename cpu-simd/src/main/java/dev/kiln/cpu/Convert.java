package dev.kiln.cpu;

import dev.kiln.DType;
import dev.kiln.spi.HostBuffer;

/**
 * {@link dev.kiln.ir.Primitive#CONVERT} between every pair of dtypes, and element access by dtype
 * for the kernels that are generic over it.
 *
 * <p>Semantics: anything to bool is {@code x != 0} (NaN is true); bool to a number is 0 or 1;
 * integer to integer keeps the low bits (uint32 is zero-extended, int32 sign-extended); float to
 * int32/int64 truncates, saturates and maps NaN to 0, which is exactly Java's cast; float to uint32
 * clamps to [0, 2^32-1]; conversions to floats round to nearest once (int64 to float32 directly,
 * not through double).
 */
final class Convert {
    private Convert() {}

    private static final long UNSIGNED = 0xFFFF_FFFFL;

    static Object apply(HostBuffer x, DType to) {
        DType from = x.spec().dtype();
        boolean sameBits = from == to
                || (from == DType.INT32 && to == DType.UINT32)
                || (from == DType.UINT32 && to == DType.INT32);
        if (sameBits) {
            // buffers are immutable, so the result may share the operand's array
            return x.data();
        }
        Object in = x.data();
        int n = x.spec().size();
        Object out = allocate(to, n);
        Parallel.forRange(n, Parallel.ELEMENTWISE_GRAIN, (lo, hi) -> range(from, in, to, out, lo, hi));
        return out;
    }

    static Object allocate(DType dtype, int n) {
        return switch (dtype) {
            case BOOL -> new boolean[n];
            case INT32, UINT32 -> new int[n];
            case INT64 -> new long[n];
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    /** float to uint32: NaN and negatives to 0, saturating at 2^32-1, truncating otherwise. */
    static int toUint32(double d) {
        if (!(d > 0)) {
            return 0;
        }
        if (d >= 4294967295.0) {
            return -1;
        }
        return (int) (long) d;
    }

    private static void range(DType from, Object in, DType to, Object out, int lo, int hi) {
        // the conversions that hot code does, as loops C2 can vectorise
        switch (from) {
            case FLOAT32 -> {
                float[] a = (float[]) in;
                switch (to) {
                    case FLOAT64 -> {
                        double[] y = (double[]) out;
                        for (int i = lo; i < hi; i++) {
                            y[i] = a[i];
                        }
                        return;
                    }
                    case INT32 -> {
                        int[] y = (int[]) out;
                        for (int i = lo; i < hi; i++) {
                            y[i] = (int) a[i];
                        }
                        return;
                    }
                    case BOOL -> {
                        boolean[] y = (boolean[]) out;
                        for (int i = lo; i < hi; i++) {
                            y[i] = a[i] != 0;
                        }
                        return;
                    }
                    default -> {}
                }
            }
            case FLOAT64 -> {
                double[] a = (double[]) in;
                switch (to) {
                    case FLOAT32 -> {
                        float[] y = (float[]) out;
                        for (int i = lo; i < hi; i++) {
                            y[i] = (float) a[i];
                        }
                        return;
                    }
                    case INT32 -> {
                        int[] y = (int[]) out;
                        for (int i = lo; i < hi; i++) {
                            y[i] = (int) a[i];
                        }
                        return;
                    }
                    case INT64 -> {
                        long[] y = (long[]) out;
                        for (int i = lo; i < hi; i++) {
                            y[i] = (long) a[i];
                        }
                        return;
                    }
                    default -> {}
                }
            }
            case INT32 -> {
                int[] a = (int[]) in;
                switch (to) {
                    case FLOAT32 -> {
                        float[] y = (float[]) out;
                        for (int i = lo; i < hi; i++) {
                            y[i] = a[i];
                        }
                        return;
                    }
                    case FLOAT64 -> {
                        double[] y = (double[]) out;
                        for (int i = lo; i < hi; i++) {
                            y[i] = a[i];
                        }
                        return;
                    }
                    case INT64 -> {
                        long[] y = (long[]) out;
                        for (int i = lo; i < hi; i++) {
                            y[i] = a[i];
                        }
                        return;
                    }
                    default -> {}
                }
            }
            case BOOL -> {
                boolean[] a = (boolean[]) in;
                if (to == DType.FLOAT32) {
                    float[] y = (float[]) out;
                    for (int i = lo; i < hi; i++) {
                        y[i] = a[i] ? 1f : 0f;
                    }
                    return;
                }
            }
            default -> {}
        }
        if (from.isFloating()) {
            for (int i = lo; i < hi; i++) {
                setDouble(to, out, i, getDouble(from, in, i));
            }
        } else {
            for (int i = lo; i < hi; i++) {
                setLong(to, out, i, getLong(from, in, i));
            }
        }
    }

    /** Element {@code i} of an integer or bool array as a long (uint32 zero-extended). */
    static long getLong(DType dtype, Object data, int i) {
        return switch (dtype) {
            case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
            case INT32 -> ((int[]) data)[i];
            case UINT32 -> ((int[]) data)[i] & UNSIGNED;
            case INT64 -> ((long[]) data)[i];
            case FLOAT32 -> (long) ((float[]) data)[i];
            case FLOAT64 -> (long) ((double[]) data)[i];
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    /** Element {@code i} as a double (uint32 read as unsigned, bool as 0/1). */
    static double getDouble(DType dtype, Object data, int i) {
        return switch (dtype) {
            case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
            case INT32 -> ((int[]) data)[i];
            case UINT32 -> ((int[]) data)[i] & UNSIGNED;
            case INT64 -> ((long[]) data)[i];
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    /** Stores an integer value with CONVERT's integer-source semantics. */
    static void setLong(DType dtype, Object data, int i, long v) {
        switch (dtype) {
            case BOOL -> ((boolean[]) data)[i] = v != 0;
            case INT32, UINT32 -> ((int[]) data)[i] = (int) v;
            case INT64 -> ((long[]) data)[i] = v;
            case FLOAT32 -> ((float[]) data)[i] = (float) v;
            case FLOAT64 -> ((double[]) data)[i] = (double) v;
        }
    }

    /** Stores a real value with CONVERT's float-source semantics. */
    static void setDouble(DType dtype, Object data, int i, double v) {
        switch (dtype) {
            case BOOL -> ((boolean[]) data)[i] = v != 0;
            case INT32 -> ((int[]) data)[i] = (int) v;
            case UINT32 -> ((int[]) data)[i] = toUint32(v);
            case INT64 -> ((long[]) data)[i] = (long) v;
            case FLOAT32 -> ((float[]) data)[i] = (float) v;
            case FLOAT64 -> ((double[]) data)[i] = v;
        }
    }
}
