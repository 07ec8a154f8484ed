package dev.kiln.spi;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import java.util.Objects;

/**
 * A buffer in the Java heap: a primitive array in row-major order. This is how data moves between
 * the host and every backend, and the buffer that CPU backends use directly: {@code float[]} for
 * float32, {@code double[]} for float64, {@code int[]} for int32 and uint32 (uint32 bits kept as
 * int), {@code long[]} for int64, {@code boolean[]} for bool. The garbage collector frees it.
 *
 * <p>The array is shared, not copied: whoever creates a HostBuffer hands over its array and must
 * not write to it afterwards.
 */
public final class HostBuffer implements Buffer {
    private final ArraySpec spec;
    private final Object data;

    private HostBuffer(ArraySpec spec, Object data) {
        this.spec = Objects.requireNonNull(spec);
        this.data = Objects.requireNonNull(data);
        int length = java.lang.reflect.Array.getLength(data);
        if (length != spec.size()) {
            throw new IllegalArgumentException("data of length " + length + " does not fit " + spec);
        }
        Class<?> want = storageClass(spec.dtype());
        if (data.getClass() != want) {
            throw new IllegalArgumentException(spec.dtype() + " data must be a " + want.getSimpleName() + ", not a "
                    + data.getClass().getSimpleName());
        }
    }

    /** Wraps an array of the storage type of {@code spec.dtype()}; the array is taken over, not copied. */
    public static HostBuffer wrap(ArraySpec spec, Object data) {
        return new HostBuffer(spec, data);
    }

    /** A zero-filled buffer for {@code spec}. */
    public static HostBuffer allocate(ArraySpec spec) {
        int n = spec.size();
        Object data =
                switch (spec.dtype().storage()) {
                    case BOOL -> new boolean[n];
                    case INT32, UINT32 -> new int[n];
                    case INT64 -> new long[n];
                    case FLOAT32 -> new float[n];
                    case FLOAT64 -> new double[n];
                    default -> throw new IllegalStateException("not a storage dtype");
                };
        return new HostBuffer(spec, data);
    }

    /** The Java array class that holds elements of {@code dtype}. */
    public static Class<?> storageClass(DType dtype) {
        return switch (dtype.storage()) {
            case BOOL -> boolean[].class;
            case INT32, UINT32 -> int[].class;
            case INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    @Override
    public ArraySpec spec() {
        return spec;
    }

    /** The same data seen with another shape of equal size (no copy). */
    public HostBuffer reshape(int... shape) {
        return new HostBuffer(spec.withShape(shape), data);
    }

    /** The backing array; callers must not write to it. */
    public Object data() {
        return data;
    }

    public float[] floats() {
        return (float[]) data;
    }

    public double[] doubles() {
        return (double[]) data;
    }

    public int[] ints() {
        return (int[]) data;
    }

    public long[] longs() {
        return (long[]) data;
    }

    public boolean[] bools() {
        return (boolean[]) data;
    }

    /** Element {@code i} as a double (uint32 read as unsigned, bool as 0/1). */
    public double getDouble(int i) {
        return switch (spec.dtype().storage()) {
            case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
            case INT32 -> ((int[]) data)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) data)[i]);
            case INT64 -> ((long[]) data)[i];
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    /** Element {@code i} as a long (uint32 read as unsigned, floats truncated). */
    public long getLong(int i) {
        return switch (spec.dtype().storage()) {
            case BOOL -> ((boolean[]) data)[i] ? 1 : 0;
            case INT32 -> ((int[]) data)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) data)[i]);
            case INT64 -> ((long[]) data)[i];
            case FLOAT32 -> (long) ((float[]) data)[i];
            case FLOAT64 -> (long) ((double[]) data)[i];
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    @Override
    public String toString() {
        return "HostBuffer" + spec;
    }
}
