package dev.kiln;

import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import java.util.Arrays;

/**
 * NumPy-style functions on {@link Array}s, with JAX's semantics: type promotion as {@code
 * jnp.promote_types}, NumPy broadcasting, and Java scalars ({@link Number} arguments) weakly typed
 * like Python scalars. Every function is built from {@link Primitive}s; shape and dtype errors are
 * thrown here, before any backend work, as {@link ShapeException}, {@link DTypeException}, {@link
 * AxisException} or {@link IndexException}.
 */
public final class Np {
    private Np() {}

    // ---------------------------------------------------------------- creation

    /** A float32 array holding {@code data} (copied); with no shape given it is 1-d. */
    public static Array array(float[] data, int... shape) {
        return fromHost(DType.FLOAT32, data.clone(), data.length, shape);
    }

    /** A float64 array holding {@code data} (copied); with no shape given it is 1-d. */
    public static Array array(double[] data, int... shape) {
        return fromHost(DType.FLOAT64, data.clone(), data.length, shape);
    }

    /** An int32 array holding {@code data} (copied); with no shape given it is 1-d. */
    public static Array array(int[] data, int... shape) {
        return fromHost(DType.INT32, data.clone(), data.length, shape);
    }

    /** An int64 array holding {@code data} (copied); with no shape given it is 1-d. */
    public static Array array(long[] data, int... shape) {
        return fromHost(DType.INT64, data.clone(), data.length, shape);
    }

    /** A bool array holding {@code data} (copied); with no shape given it is 1-d. */
    public static Array array(boolean[] data, int... shape) {
        return fromHost(DType.BOOL, data.clone(), data.length, shape);
    }

    /** A uint32 array whose elements are the bits of {@code data} read as unsigned. */
    public static Array arrayUint32(int[] data, int... shape) {
        return fromHost(DType.UINT32, data.clone(), data.length, shape);
    }

    /**
     * An array from nested Java arrays ({@code float[][]}, {@code double[][][]}, {@code int[][]}, …)
     * or a boxed scalar; the dtype follows the innermost element type. Rows must be rectangular.
     */
    public static Array array(Object nested) {
        if (nested instanceof Array a) {
            return a;
        }
        if (nested instanceof Number || nested instanceof Boolean) {
            return scalarOf(nested);
        }
        if (nested == null || !nested.getClass().isArray()) {
            throw new DTypeException("Np.array: cannot make an array from "
                    + (nested == null ? "null" : nested.getClass().getName())
                    + "; pass a Java primitive array (possibly nested), a Number or a Boolean");
        }
        int rank = 0;
        Class<?> c = nested.getClass();
        while (c.isArray()) {
            rank++;
            c = c.getComponentType();
        }
        DType dtype = dtypeOfElement(c);
        int[] shape = new int[rank];
        Object row = nested;
        for (int d = 0; d < rank; d++) {
            shape[d] = java.lang.reflect.Array.getLength(row);
            if (shape[d] == 0 || d == rank - 1) {
                break;
            }
            row = java.lang.reflect.Array.get(row, 0);
        }
        HostBuffer h = HostBuffer.allocate(ArraySpec.of(dtype, shape));
        int[] cursor = {0};
        flatten(nested, 0, shape, h.data(), cursor);
        return Dispatch.fromHost(h);
    }

    private static void flatten(Object row, int dim, int[] shape, Object out, int[] cursor) {
        int n = java.lang.reflect.Array.getLength(row);
        if (n != shape[dim]) {
            throw new ShapeException("Np.array: ragged nested array, a row at depth " + dim + " has " + n
                    + " elements where " + shape[dim] + " were expected; every row at one depth needs the same length");
        }
        if (dim == shape.length - 1) {
            System.arraycopy(row, 0, out, cursor[0], n);
            cursor[0] += n;
            return;
        }
        for (int i = 0; i < n; i++) {
            flatten(java.lang.reflect.Array.get(row, i), dim + 1, shape, out, cursor);
        }
    }

    private static DType dtypeOfElement(Class<?> c) {
        if (c == float.class) {
            return DType.FLOAT32;
        } else if (c == double.class) {
            return DType.FLOAT64;
        } else if (c == int.class) {
            return DType.INT32;
        } else if (c == long.class) {
            return DType.INT64;
        } else if (c == boolean.class) {
            return DType.BOOL;
        }
        throw new DTypeException("Np.array: Java element type " + c.getName()
                + " has no Kiln dtype; use float, double, int, long or boolean arrays");
    }

    /** A 0-d float32 array. */
    public static Array scalar(float value) {
        return wrapHost(DType.FLOAT32, new float[] {value}, 1, new int[0]);
    }

    /** A 0-d float64 array. */
    public static Array scalar(double value) {
        return wrapHost(DType.FLOAT64, new double[] {value}, 1, new int[0]);
    }

    /** A 0-d int32 array. */
    public static Array scalar(int value) {
        return wrapHost(DType.INT32, new int[] {value}, 1, new int[0]);
    }

    /** A 0-d int64 array. */
    public static Array scalar(long value) {
        return wrapHost(DType.INT64, new long[] {value}, 1, new int[0]);
    }

    /** A 0-d bool array. */
    public static Array scalar(boolean value) {
        return wrapHost(DType.BOOL, new boolean[] {value}, 1, new int[0]);
    }

    private static Array scalarOf(Object boxed) {
        return switch (boxed) {
            case Float f -> scalar(f.floatValue());
            case Double d -> scalar(d.doubleValue());
            case Long l -> scalar(l.longValue());
            case Boolean b -> scalar(b.booleanValue());
            case Number n -> scalar(n.intValue());
            default ->
                throw new DTypeException(
                        "cannot make an array from " + boxed.getClass().getName());
        };
    }

    /** An array of {@code shape} and {@code dtype} whose every element is {@code value}. */
    public static Array full(DType dtype, double value, int... shape) {
        return Lax.broadcastInDim(filled(dtype, value), checkShape("full", shape));
    }

    /** A float32 array of {@code shape} whose every element is {@code value}. */
    public static Array full(double value, int... shape) {
        return full(DType.FLOAT32, value, shape);
    }

    public static Array zeros(DType dtype, int... shape) {
        return full(dtype, 0, shape);
    }

    /** float32 zeros. */
    public static Array zeros(int... shape) {
        return full(DType.FLOAT32, 0, shape);
    }

    public static Array ones(DType dtype, int... shape) {
        return full(dtype, 1, shape);
    }

    /** float32 ones. */
    public static Array ones(int... shape) {
        return full(DType.FLOAT32, 1, shape);
    }

    public static Array zerosLike(Array x) {
        return full(x.dtype(), 0, x.shape());
    }

    public static Array onesLike(Array x) {
        return full(x.dtype(), 1, x.shape());
    }

    public static Array fullLike(Array x, double value) {
        return full(x.dtype(), value, x.shape());
    }

    /** {@code [0, 1, …, stop-1]} as int32. */
    public static Array arange(int stop) {
        return arange(0, stop, 1);
    }

    /** {@code [start, start+1, …]} below {@code stop}, as int32. */
    public static Array arange(int start, int stop) {
        return arange(start, stop, 1);
    }

    /** {@code [start, start+step, …]} up to but excluding {@code stop}, as int32. */
    public static Array arange(int start, int stop, int step) {
        if (step == 0) {
            throw new IllegalArgumentException("arange: step must not be 0");
        }
        int n = Math.max(0, (int) Math.ceil((stop - (double) start) / step));
        Array i = Lax.iota(DType.INT32, new int[] {n}, 0);
        return step == 1 && start == 0 ? i : add(multiply(i, step), start);
    }

    /** {@code [start, start+step, …]} up to but excluding {@code stop}, as float32. */
    public static Array arange(double start, double stop, double step) {
        if (step == 0 || Double.isNaN(step)) {
            throw new IllegalArgumentException("arange: step must be a non-zero number, got " + step);
        }
        int n = Math.max(0, (int) Math.ceil((stop - start) / step));
        Array i = Lax.iota(DType.FLOAT32, new int[] {n}, 0);
        return add(multiply(i, step), start);
    }

    /** {@code num} evenly spaced float32 values from {@code start} to {@code stop} inclusive. */
    public static Array linspace(double start, double stop, int num) {
        return linspace(start, stop, num, true, DType.FLOAT32);
    }

    /** {@code num} evenly spaced values; {@code endpoint} decides whether {@code stop} is the last. */
    public static Array linspace(double start, double stop, int num, boolean endpoint, DType dtype) {
        if (num < 0) {
            throw new IllegalArgumentException("linspace: num must be >= 0, got " + num);
        }
        requireFloat("linspace", dtype);
        double div = endpoint ? num - 1 : num;
        double step = div > 0 ? (stop - start) / div : 0;
        // computed in float64 so float32 results round once, as JAX does
        Array i = Lax.iota(DType.FLOAT64, new int[] {num}, 0);
        Array v = add(multiply(i, step), start);
        if (endpoint && num > 1) {
            v = where(equal(i, num - 1), full(DType.FLOAT64, stop, num), v);
        }
        return astype(v, dtype);
    }

    /** The float32 identity matrix of size n. */
    public static Array eye(int n) {
        return eye(n, n, 0, DType.FLOAT32);
    }

    /** An n×m float32 matrix with ones on the diagonal. */
    public static Array eye(int n, int m) {
        return eye(n, m, 0, DType.FLOAT32);
    }

    /** An n×m matrix with ones on diagonal {@code k} (positive above the main diagonal). */
    public static Array eye(int n, int m, int k, DType dtype) {
        checkShape("eye", n, m);
        Array rows = Lax.iota(DType.INT32, new int[] {n, m}, 0);
        Array cols = Lax.iota(DType.INT32, new int[] {n, m}, 1);
        return astype(equal(add(rows, k), cols), dtype);
    }

    /** Wraps host data; an empty {@code shape} means 1-d here (0-d arrays come from {@code scalar}). */
    private static Array fromHost(DType dtype, Object data, int length, int[] shape) {
        return wrapHost(dtype, data, length, shape.length == 0 ? new int[] {length} : shape);
    }

    private static Array wrapHost(DType dtype, Object data, int length, int[] shape) {
        checkShape("array", shape);
        if (Shape.size(shape) != length) {
            throw new ShapeException("array: " + length + " elements cannot take shape " + Shape.toString(shape)
                    + ", which holds " + Shape.size(shape) + "; pass data whose length is the product of the shape");
        }
        return Dispatch.fromHost(HostBuffer.wrap(ArraySpec.of(dtype, shape), data));
    }

    private static int[] checkShape(String fn, int... shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new ShapeException(fn + ": negative dimension in shape " + Arrays.toString(shape)
                        + "; every dimension must be >= 0");
            }
        }
        return shape;
    }

    /** A 0-d array of {@code dtype} holding {@code value}, converted as a cast would. */
    static Array filled(DType dtype, double value) {
        Object data =
                switch (dtype) {
                    case BOOL -> new boolean[] {value != 0};
                    case INT32 -> new int[] {(int) value};
                    case UINT32 -> new int[] {(int) (long) value};
                    case INT64 -> new long[] {(long) value};
                    case FLOAT32 -> new float[] {(float) value};
                    case FLOAT64 -> new double[] {value};
                };
        return Dispatch.fromHost(HostBuffer.wrap(ArraySpec.of(dtype), data));
    }

    /** A 0-d array of {@code dtype} holding an exact integer value. */
    static Array filled(DType dtype, long value) {
        Object data =
                switch (dtype) {
                    case BOOL -> new boolean[] {value != 0};
                    case INT32, UINT32 -> new int[] {(int) value};
                    case INT64 -> new long[] {value};
                    case FLOAT32 -> new float[] {(float) value};
                    case FLOAT64 -> new double[] {(double) value};
                };
        return Dispatch.fromHost(HostBuffer.wrap(ArraySpec.of(dtype), data));
    }

    // ---------------------------------------------------------------- dtype conversion

    /** The array converted to {@code dtype} (a no-op when it already has it). */
    public static Array astype(Array x, DType dtype) {
        return Lax.convert(x, dtype);
    }

    // ---------------------------------------------------------------- promotion and broadcasting

    /** Whether a boxed Java scalar is weakly typed as a float. */
    static boolean isWeakFloat(Number n) {
        return n instanceof Double || n instanceof Float;
    }

    /** The weak scalar as a 0-d array of {@code dtype}. */
    static Array weak(Number n, DType dtype) {
        return isWeakFloat(n) ? filled(dtype, n.doubleValue()) : filled(dtype, n.longValue());
    }

    /** The dtype a binary function's operands promote to ({@link Number}s are weak). */
    static DType resultType(Object a, Object b) {
        if (a instanceof Array x && b instanceof Array y) {
            return DType.promote(x.dtype(), y.dtype());
        }
        if (a instanceof Array x && b instanceof Number n) {
            return DType.promoteWeak(x.dtype(), isWeakFloat(n));
        }
        if (a instanceof Number n && b instanceof Array y) {
            return DType.promoteWeak(y.dtype(), isWeakFloat(n));
        }
        throw new DTypeException("expected an Array or a Number, got " + describe(a) + " and " + describe(b));
    }

    private static String describe(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName();
    }

    /** Converts an operand (Array or weak Number) to {@code dtype}. */
    static Array operand(Object o, DType dtype) {
        if (o instanceof Array a) {
            return astype(a, dtype);
        }
        if (o instanceof Number n) {
            return weak(n, dtype);
        }
        throw new DTypeException("expected an Array or a Number, got " + describe(o));
    }

    /** Broadcasts {@code x} to {@code shape} as NumPy does, or throws naming the function. */
    static Array broadcastTo(String fn, Array x, int[] shape) {
        int[] s = x.shape();
        if (Arrays.equals(s, shape)) {
            return x;
        }
        int[] b = Shape.broadcast(s, shape);
        if (b == null || !Arrays.equals(b, shape)) {
            throw new ShapeException(fn + ": cannot broadcast shape " + Shape.toString(s) + " to "
                    + Shape.toString(shape) + "; trailing dimensions must be equal or 1");
        }
        int offset = shape.length - s.length;
        // drop size-1 dimensions that stretch, so broadcast_in_dim sees only exact matches or 1s
        int[] dims = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            dims[i] = i + offset;
        }
        return Lax.broadcastInDim(x, shape, dims);
    }

    /** Broadcasts all operands to their common shape, or throws naming both shapes. */
    static Array[] broadcastAll(String fn, Array... xs) {
        int[] shape = xs[0].shape();
        for (int i = 1; i < xs.length; i++) {
            int[] next = Shape.broadcast(shape, xs[i].shape());
            if (next == null) {
                throw new ShapeException(fn + ": operands with shapes " + Shape.toString(shape) + " and "
                        + Shape.toString(xs[i].shape())
                        + " cannot be broadcast together; trailing dimensions must be equal or 1"
                        + " (reshape or expandDims one of them)");
            }
            shape = next;
        }
        Array[] out = new Array[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = broadcastTo(fn, xs[i], shape);
        }
        return out;
    }

    /** Promotes and broadcasts two operands, then applies a binary or comparison primitive. */
    static Array binary(String fn, Primitive p, Object a, Object b, DType dtype) {
        Array[] xs = broadcastAll(fn, operand(a, dtype), operand(b, dtype));
        return Lax.bind(p, xs[0], xs[1]);
    }

    static void requireFloat(String fn, DType dtype) {
        if (!dtype.isFloating()) {
            throw new DTypeException(fn + ": needs a floating dtype, got " + dtype + "; use float32 or float64");
        }
    }

    // ---------------------------------------------------------------- elementwise arithmetic

    public static Array add(Object a, Object b) {
        DType t = resultType(a, b);
        return binary("add", t == DType.BOOL ? Primitive.OR : Primitive.ADD, a, b, t);
    }

    public static Array subtract(Object a, Object b) {
        DType t = resultType(a, b);
        if (t == DType.BOOL) {
            throw new DTypeException(
                    "subtract: bool operands are not supported; use logicalXor, or astype(int32) first");
        }
        return binary("subtract", Primitive.SUB, a, b, t);
    }

    public static Array multiply(Object a, Object b) {
        DType t = resultType(a, b);
        return binary("multiply", t == DType.BOOL ? Primitive.AND : Primitive.MUL, a, b, t);
    }

    /** True division: integer and bool operands are divided as float32. */
    public static Array divide(Object a, Object b) {
        DType t = resultType(a, b);
        if (!t.isFloating()) {
            t = DType.FLOAT32;
        }
        return binary("divide", Primitive.DIV, a, b, t);
    }

    public static Array equal(Object a, Object b) {
        return binary("equal", Primitive.EQ, a, b, resultType(a, b));
    }

    /** Elements of {@code x} where {@code condition} holds, else of {@code y}; all three broadcast. */
    public static Array where(Object condition, Object x, Object y) {
        Array c = condition instanceof Array ca ? astype(ca, DType.BOOL) : operand(condition, DType.BOOL);
        DType t = resultType(x, y);
        Array[] xs = broadcastAll("where", c, operand(x, t), operand(y, t));
        return Lax.bind(Primitive.SELECT, xs[0], xs[1], xs[2]);
    }

    static Params.Reduce reduceParams(int... axes) {
        return new Params.Reduce(axes);
    }
}
