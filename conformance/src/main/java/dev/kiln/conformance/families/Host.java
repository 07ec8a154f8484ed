package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;

/** Host-side data for cases: building it from Java values and turning it into arrays on the current backend. */
final class Host {
    private Host() {}

    /** An array on the current backend holding a copy of {@code h}. */
    static Array array(HostBuffer h) {
        int[] shape = h.spec().shape();
        Object d = h.data();
        if (shape.length == 0) {
            return switch (h.spec().dtype()) {
                case FLOAT32 -> Np.scalar(((float[]) d)[0]);
                case FLOAT64 -> Np.scalar(((double[]) d)[0]);
                case INT32 -> Np.scalar(((int[]) d)[0]);
                case INT64 -> Np.scalar(((long[]) d)[0]);
                case BOOL -> Np.scalar(((boolean[]) d)[0]);
                case UINT32 -> Lax.reshape(Np.arrayUint32((int[]) d, 1));
                default -> widened(h);
            };
        }
        return switch (h.spec().dtype()) {
            case FLOAT32 -> Np.array((float[]) d, shape);
            case FLOAT64 -> Np.array((double[]) d, shape);
            case INT32 -> Np.array((int[]) d, shape);
            case INT64 -> Np.array((long[]) d, shape);
            case BOOL -> Np.array((boolean[]) d, shape);
            case UINT32 -> Np.arrayUint32((int[]) d, shape);
            default -> widened(h);
        };
    }

    /** A narrow-dtype buffer (its data in the storage dtype) as an array of its own dtype. */
    private static Array widened(HostBuffer h) {
        DType t = h.spec().dtype();
        return Np.astype(array(HostBuffer.wrap(h.spec().withDType(t.storage()), h.data())), t);
    }

    /** Values converted to {@code dtype} as a cast would (floats rounded, integers truncated). */
    static HostBuffer of(DType dtype, int[] shape, double... values) {
        HostBuffer h = HostBuffer.allocate(ArraySpec.of(dtype, shape));
        if (values.length != Shape.size(shape)) {
            throw new IllegalArgumentException(values.length + " values for shape " + Shape.toString(shape));
        }
        Object d = h.data();
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            switch (dtype.storage()) {
                case FLOAT32 -> ((float[]) d)[i] = (float) v;
                case FLOAT64 -> ((double[]) d)[i] = v;
                case INT32 -> ((int[]) d)[i] = (int) (long) v;
                case UINT32 -> ((int[]) d)[i] = (int) (long) v;
                case INT64 -> ((long[]) d)[i] = (long) v;
                case BOOL -> ((boolean[]) d)[i] = v != 0;
            }
        }
        return h;
    }

    /** Exact integer values, wrapped to the width of {@code dtype}; for float dtypes they are rounded. */
    static HostBuffer ofLongs(DType dtype, int[] shape, long... values) {
        HostBuffer h = HostBuffer.allocate(ArraySpec.of(dtype, shape));
        Object d = h.data();
        for (int i = 0; i < values.length; i++) {
            long v = values[i];
            switch (dtype.storage()) {
                case FLOAT32 -> ((float[]) d)[i] = (float) v;
                case FLOAT64 -> ((double[]) d)[i] = (double) v;
                case INT32, UINT32 -> ((int[]) d)[i] = (int) v;
                case INT64 -> ((long[]) d)[i] = v;
                case BOOL -> ((boolean[]) d)[i] = v != 0;
            }
        }
        return h;
    }

    /** 1-d values of {@code dtype}. */
    static HostBuffer vector(DType dtype, double... values) {
        return of(dtype, new int[] {values.length}, values);
    }

    /** Every element as a double (uint32 unsigned, bool 0/1). */
    static double[] doubles(HostBuffer h) {
        double[] out = new double[h.spec().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = h.getDouble(i);
        }
        return out;
    }

    /** Every element as a long (exact for integers and bool). */
    static long[] longs(HostBuffer h) {
        long[] out = new long[h.spec().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = h.getLong(i);
        }
        return out;
    }

    /** Wraps an exact integer result to the range of {@code dtype} (two's complement, as XLA does). */
    static long wrap(DType dtype, long v) {
        return switch (dtype) {
            case INT32 -> (int) v;
            case UINT32 -> v & 0xffffffffL;
            case BOOL -> v != 0 ? 1 : 0;
            default -> v;
        };
    }

    /** Row-major multi-index of flat position {@code i}, for messages. */
    static String index(int[] shape, int i) {
        if (shape.length == 0) {
            return "()";
        }
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            int n = Math.max(shape[d], 1);
            idx[d] = i % n;
            i /= n;
        }
        StringBuilder b = new StringBuilder("[");
        for (int d = 0; d < idx.length; d++) {
            b.append(d > 0 ? "," : "").append(idx[d]);
        }
        return b.append(']').toString();
    }
}
