package dev.kiln;

import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.HostBuffer;

/**
 * An immutable n-dimensional array on a backend. Operations never change an array; they return new
 * ones. The buffer is released when the array becomes unreachable, so arrays need no {@code
 * close()}.
 *
 * <p>Instance methods mirror the {@link Np} functions so code can chain: {@code
 * x.add(y).exp().sum(1)}.
 */
public final class Array {
    private final ArraySpec spec;
    private final Buffer buffer;
    private final Backend backend;

    Array(Backend backend, Buffer buffer) {
        this.backend = backend;
        this.buffer = buffer;
        this.spec = buffer.spec();
    }

    /** The dtype and shape together. */
    public ArraySpec spec() {
        return spec;
    }

    /** The shape, outermost dimension first (a copy). */
    public int[] shape() {
        return spec.shape();
    }

    /** The length of one dimension; negative axes count from the end. */
    public int shape(int axis) {
        return spec.dim(Shape.axis("shape", axis, spec.rank()));
    }

    public DType dtype() {
        return spec.dtype();
    }

    public int ndim() {
        return spec.rank();
    }

    public int size() {
        return spec.size();
    }

    /** The backend holding this array's data. */
    public Backend backend() {
        return backend;
    }

    /** The backend's buffer; for backend and tooling code. */
    public Buffer buffer() {
        return buffer;
    }

    /** The data on the host, in row-major order, in this array's own dtype. */
    public HostBuffer toHost() {
        return backend.toHost(buffer);
    }

    /** The elements in row-major order, converted to float as {@code astype(float32)} would. */
    public float[] toFloatArray() {
        HostBuffer h = toHost();
        if (spec.dtype() == DType.FLOAT32) {
            return h.floats().clone();
        }
        float[] out = new float[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = spec.dtype() == DType.INT64 ? (float) h.getLong(i) : (float) h.getDouble(i);
        }
        return out;
    }

    /** The elements in row-major order, converted to double. */
    public double[] toDoubleArray() {
        HostBuffer h = toHost();
        if (spec.dtype() == DType.FLOAT64) {
            return h.doubles().clone();
        }
        double[] out = new double[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = spec.dtype() == DType.INT64 ? (double) h.getLong(i) : h.getDouble(i);
        }
        return out;
    }

    /**
     * The elements in row-major order, converted to int as {@code astype(int32)} would (floats are
     * truncated toward zero and saturate; NaN becomes 0).
     */
    public int[] toIntArray() {
        HostBuffer h = toHost();
        if (spec.dtype() == DType.INT32 || spec.dtype() == DType.UINT32) {
            return h.ints().clone();
        }
        int[] out = new int[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (spec.dtype()) {
                case FLOAT32, FLOAT64 -> (int) h.getDouble(i);
                default -> (int) h.getLong(i);
            };
        }
        return out;
    }

    /** The elements in row-major order, converted to long. */
    public long[] toLongArray() {
        HostBuffer h = toHost();
        if (spec.dtype() == DType.INT64) {
            return h.longs().clone();
        }
        long[] out = new long[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = spec.dtype().isFloating() ? (long) h.getDouble(i) : h.getLong(i);
        }
        return out;
    }

    /** The elements in row-major order as booleans (non-zero is true). */
    public boolean[] toBooleanArray() {
        HostBuffer h = toHost();
        if (spec.dtype() == DType.BOOL) {
            return h.bools().clone();
        }
        boolean[] out = new boolean[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = h.getDouble(i) != 0;
        }
        return out;
    }

    /** The single element of a size-1 array, as a double. */
    public double item() {
        requireOneElement();
        return toHost().getDouble(0);
    }

    /** The single element of a size-1 array, as a float. */
    public float floatItem() {
        return (float) item();
    }

    /** The single element of a size-1 integer or bool array, as a long (exact for int64). */
    public long longItem() {
        requireOneElement();
        return toHost().getLong(0);
    }

    /** The single element of a size-1 array, as an int. */
    public int intItem() {
        return (int) longItem();
    }

    /** The single element of a size-1 array, as a boolean (non-zero is true). */
    public boolean booleanItem() {
        return item() != 0;
    }

    private void requireOneElement() {
        if (spec.size() != 1) {
            throw new ShapeException("item() needs an array with exactly one element, but this one has shape "
                    + Shape.toString(spec.shape()) + "; index or reduce it first, e.g. x.sum().item()");
        }
    }

    /** Prints like JAX: {@code Array([[1., 2.], [3., 4.]], dtype=float32)}. */
    @Override
    public String toString() {
        return ArrayPrinter.print(this);
    }
}
