package dev.kiln;

import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

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
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        return fromHost(DType.FLOAT32, data.clone(), data.length, shape);
    }

    /** A float64 array holding {@code data} (copied); with no shape given it is 1-d. */
    public static Array array(double[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        return fromHost(DType.FLOAT64, data.clone(), data.length, shape);
    }

    /** An int32 array holding {@code data} (copied); with no shape given it is 1-d. */
    public static Array array(int[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        return fromHost(DType.INT32, data.clone(), data.length, shape);
    }

    /** An int64 array holding {@code data} (copied); with no shape given it is 1-d. */
    public static Array array(long[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        return fromHost(DType.INT64, data.clone(), data.length, shape);
    }

    /** A bool array holding {@code data} (copied); with no shape given it is 1-d. */
    public static Array array(boolean[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        return fromHost(DType.BOOL, data.clone(), data.length, shape);
    }

    /** A uint32 array whose elements are the bits of {@code data} read as unsigned. */
    public static Array arrayUint32(int[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
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
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Array v = filled(dtype, value);
        return shape.length == 0 ? v : Lax.broadcastInDim(v, checkShape("full", shape));
    }

    /** A float32 array of {@code shape} whose every element is {@code value}. */
    public static Array full(double value, int... shape) {
        Objects.requireNonNull(shape, "shape");
        return full(DType.FLOAT32, value, shape);
    }

    /** Zeros of {@code dtype}. */
    public static Array zeros(DType dtype, int... shape) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        return full(dtype, 0, shape);
    }

    /** float32 zeros. */
    public static Array zeros(int... shape) {
        Objects.requireNonNull(shape, "shape");
        return full(DType.FLOAT32, 0, shape);
    }

    /** Ones of {@code dtype}. */
    public static Array ones(DType dtype, int... shape) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        return full(dtype, 1, shape);
    }

    /** float32 ones. */
    public static Array ones(int... shape) {
        Objects.requireNonNull(shape, "shape");
        return full(DType.FLOAT32, 1, shape);
    }

    /** Zeros of {@code x}'s dtype and shape. */
    public static Array zerosLike(Array x) {
        Objects.requireNonNull(x, "x");
        return full(x.dtype(), 0, x.shape());
    }

    /** Ones of {@code x}'s dtype and shape. */
    public static Array onesLike(Array x) {
        Objects.requireNonNull(x, "x");
        return full(x.dtype(), 1, x.shape());
    }

    /** {@code value} in every element, with {@code x}'s dtype and shape. */
    public static Array fullLike(Array x, double value) {
        Objects.requireNonNull(x, "x");
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
            throw new ShapeException(
                    "arange: step must not be 0; use a positive step to count up or a negative one to count down");
        }
        int n = Math.max(0, (int) Math.ceil((stop - (double) start) / step));
        Array i = Lax.iota(DType.INT32, new int[] {n}, 0);
        return step == 1 && start == 0 ? i : add(multiply(i, step), start);
    }

    /** {@code [start, start+step, …]} up to but excluding {@code stop}, as float32. */
    public static Array arange(double start, double stop, double step) {
        if (step == 0 || Double.isNaN(step)) {
            throw new ShapeException("arange: step must be a non-zero number, got " + step
                    + "; use a positive step to count up or a negative one to count down");
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
        Objects.requireNonNull(dtype, "dtype");
        if (num < 0) {
            throw new ShapeException("linspace: num must be >= 0, got " + num + "; pass the number of points wanted");
        }
        if (dtype.isInteger()) {
            // as jnp.linspace with an integer dtype: the float64 points, floored
            return astype(floor(linspace(start, stop, num, endpoint, DType.FLOAT64)), dtype);
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
        Objects.requireNonNull(dtype, "dtype");
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
                switch (dtype.storage()) {
                    case BOOL -> new boolean[] {value != 0};
                    case INT32 -> new int[] {(int) value};
                    case UINT32 -> new int[] {(int) (long) value};
                    case INT64 -> new long[] {(long) value};
                    case FLOAT32 -> new float[] {(float) value};
                    case FLOAT64 -> new double[] {value};
                    default -> throw new IllegalStateException("unreachable: " + dtype);
                };
        return Dispatch.fromHost(HostBuffer.wrap(ArraySpec.of(dtype), data));
    }

    /** A 0-d array of {@code dtype} holding an exact integer value. */
    static Array filled(DType dtype, long value) {
        Object data =
                switch (dtype.storage()) {
                    case BOOL -> new boolean[] {value != 0};
                    case INT32, UINT32 -> new int[] {(int) value};
                    case INT64 -> new long[] {value};
                    case FLOAT32 -> new float[] {(float) value};
                    case FLOAT64 -> new double[] {(double) value};
                    default -> throw new IllegalStateException("unreachable: " + dtype);
                };
        return Dispatch.fromHost(HostBuffer.wrap(ArraySpec.of(dtype), data));
    }

    // ---------------------------------------------------------------- dtype conversion

    /** The array converted to {@code dtype} (a no-op when it already has it). */
    public static Array astype(Array x, DType dtype) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(dtype, "dtype");
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

    /**
     * The dtype operands promote to, as {@code jnp.result_type}: arrays and {@link DType}s (and
     * {@link Boolean}s, as bool) promote with {@link DType#promote}, then each weakly typed {@link Number} joins with
     * {@link DType#promoteWeak}; Numbers alone give int32, or float32 if any is a Float or Double.
     */
    public static DType resultType(Object... operands) {
        Objects.requireNonNull(operands, "operands");
        DType strong = null;
        boolean weakInt = false;
        boolean weakFloat = false;
        for (Object o : operands) {
            switch (o) {
                case Array a -> strong = strong == null ? a.dtype() : DType.promote(strong, a.dtype());
                case DType d -> strong = strong == null ? d : DType.promote(strong, d);
                case Boolean b -> strong = strong == null ? DType.BOOL : DType.promote(strong, DType.BOOL);
                case Number n -> {
                    if (isWeakFloat(n)) {
                        weakFloat = true;
                    } else {
                        weakInt = true;
                    }
                }
                case null -> throw notAnOperand(o);
                default -> throw notAnOperand(o);
            }
        }
        if (strong == null) {
            return weakFloat ? DType.FLOAT32 : DType.INT32;
        }
        DType t = weakInt ? DType.promoteWeak(strong, false) : strong;
        return weakFloat ? DType.promoteWeak(t, true) : t;
    }

    private static DTypeException notAnOperand(Object o) {
        return new DTypeException(
                "expected an Array or a Number, got " + describe(o) + "; wrap Java arrays with Np.array(...)");
    }

    private static String describe(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName();
    }

    /** {@link #resultType} with bool turned into int32, as JAX's arithmetic that has no bool form. */
    static DType numericType(Object... operands) {
        DType t = resultType(operands);
        return t == DType.BOOL ? DType.INT32 : t;
    }

    /** {@link #resultType} with integers and bool turned into float32 (JAX's default float). */
    static DType inexactType(Object... operands) {
        return Reductions.inexact(resultType(operands));
    }

    /** Converts an operand (Array, weak Number or Boolean) to {@code dtype}. */
    static Array operand(Object o, DType dtype) {
        return switch (o) {
            case Array a -> astype(a, dtype);
            case Boolean b -> filled(dtype, b ? 1L : 0L);
            case Number n -> weak(n, dtype);
            case null -> throw notAnOperand(o);
            default -> throw notAnOperand(o);
        };
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
        int[] dims = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            dims[i] = i + offset;
        }
        return Lax.broadcastInDim(x, shape, dims);
    }

    /** The common broadcast shape of {@code shapes}, or throws naming the function and both shapes. */
    static int[] broadcastShapes(String fn, int[]... shapes) {
        if (shapes.length == 0) {
            return new int[0];
        }
        int[] shape = shapes[0];
        for (int i = 1; i < shapes.length; i++) {
            int[] next = Shape.broadcast(shape, shapes[i]);
            if (next == null) {
                throw new ShapeException(fn + ": operands with shapes " + Shape.toString(shape) + " and "
                        + Shape.toString(shapes[i])
                        + " cannot be broadcast together; trailing dimensions must be equal or 1"
                        + " (reshape or expandDims one of them)");
            }
            shape = next;
        }
        return shape;
    }

    /** Broadcasts all operands to their common shape, or throws naming both shapes. */
    static Array[] broadcastAll(String fn, Array... xs) {
        int[][] shapes = new int[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            shapes[i] = xs[i].shape();
        }
        int[] shape = broadcastShapes(fn, shapes);
        Array[] out = new Array[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = broadcastTo(fn, xs[i], shape);
        }
        return out;
    }

    /** The shape of an operand: an Array's, or {@code ()} for a scalar. */
    private static int[] shapeOf(Object o) {
        return o instanceof Array a ? a.shape() : new int[0];
    }

    /**
     * Checks that the operands broadcast (before any conversion runs), then converts them to
     * {@code dtype} and broadcasts them to their common shape.
     */
    static Array[] prepare(String fn, DType dtype, Object... operands) {
        int[][] shapes = new int[operands.length][];
        for (int i = 0; i < operands.length; i++) {
            shapes[i] = shapeOf(operands[i]);
        }
        broadcastShapes(fn, shapes);
        Array[] xs = new Array[operands.length];
        for (int i = 0; i < operands.length; i++) {
            xs[i] = operand(operands[i], dtype);
        }
        return broadcastAll(fn, xs);
    }

    /** Promotes and broadcasts two operands, then applies a binary or comparison primitive. */
    static Array binary(String fn, Primitive p, Object a, Object b, DType dtype) {
        Array[] xs = prepare(fn, dtype, a, b);
        return Lax.bind(p, xs[0], xs[1]);
    }

    static void requireFloat(String fn, DType dtype) {
        if (!dtype.isFloating()) {
            throw new DTypeException(fn + ": needs a floating dtype, got " + dtype + "; use float32 or float64");
        }
    }

    private static void requireIntegral(String fn, DType dtype) {
        if (dtype.isFloating()) {
            throw new DTypeException(fn + ": needs integer or bool operands, got " + dtype
                    + "; astype(DType.INT32) first if you mean the integer values");
        }
    }

    /** A constant of {@code x}'s dtype and shape. */
    private static Array constant(Array x, double value) {
        return full(x.dtype(), value, x.shape());
    }

    // ---------------------------------------------------------------- elementwise binary

    /** {@code a + b} with promotion and broadcasting; bool + bool is logical or, as in JAX. */
    public static Array add(Object a, Object b) {
        DType t = resultType(a, b);
        return binary("add", t == DType.BOOL ? Primitive.OR : Primitive.ADD, a, b, t);
    }

    /**
     * {@code a - b} with promotion and broadcasting.
     *
     * @throws DTypeException when both operands are bool
     */
    public static Array subtract(Object a, Object b) {
        DType t = resultType(a, b);
        if (t == DType.BOOL) {
            throw new DTypeException(
                    "subtract: bool operands are not supported; use logicalXor, or astype(int32) first");
        }
        return binary("subtract", Primitive.SUB, a, b, t);
    }

    /** {@code a * b} with promotion and broadcasting; bool * bool is logical and. */
    public static Array multiply(Object a, Object b) {
        DType t = resultType(a, b);
        return binary("multiply", t == DType.BOOL ? Primitive.AND : Primitive.MUL, a, b, t);
    }

    /** True division: integer and bool operands are divided as float32. */
    public static Array divide(Object a, Object b) {
        return binary("divide", Primitive.DIV, a, b, inexactType(a, b));
    }

    /**
     * {@code floor(a / b)} as {@code jnp.floor_divide}: signed integers round toward negative
     * infinity, unsigned ones truncate, floats follow Python's {@code divmod} ({@code x // 0.0} is
     * ±inf, or NaN for 0). bool operands compute as int32.
     */
    public static Array floorDivide(Object a, Object b) {
        DType t = numericType(a, b);
        Array[] xs = prepare("floorDivide", t, a, b);
        Array x = xs[0];
        Array y = xs[1];
        if (t == DType.UINT32) {
            return Lax.bind(Primitive.DIV, x, y);
        }
        if (t.isInteger()) {
            Array q = Lax.bind(Primitive.DIV, x, y);
            Array signsDiffer = Lax.bind(Primitive.NE, Lax.bind(Primitive.SIGN, x), Lax.bind(Primitive.SIGN, y));
            Array inexact = Lax.bind(Primitive.NE, Lax.bind(Primitive.REM, x, y), constant(x, 0));
            Array adjust = Lax.bind(Primitive.AND, signsDiffer, inexact);
            return Lax.bind(Primitive.SELECT, adjust, Lax.bind(Primitive.SUB, q, constant(q, 1)), q);
        }
        return floatDivmod(x, y)[0];
    }

    /** Python's float {@code divmod}: the rounded quotient and the remainder with the divisor's sign. */
    private static Array[] floatDivmod(Array x, Array y) {
        Array mod = Lax.bind(Primitive.REM, x, y);
        // dividing x itself by 0 gives ±inf as NumPy does; x - mod would be NaN there
        Array byZero = Lax.bind(Primitive.EQ, y, constant(y, 0));
        Array corrected = Lax.bind(Primitive.SELECT, byZero, x, Lax.bind(Primitive.SUB, x, mod));
        Array div = Lax.bind(Primitive.DIV, corrected, y);
        Array ind = Lax.bind(
                Primitive.AND,
                Lax.bind(Primitive.NE, mod, constant(mod, 0)),
                Lax.bind(Primitive.NE, Lax.bind(Primitive.SIGN, y), Lax.bind(Primitive.SIGN, mod)));
        mod = Lax.bind(Primitive.SELECT, ind, Lax.bind(Primitive.ADD, mod, y), mod);
        div = Lax.bind(Primitive.SELECT, ind, Lax.bind(Primitive.SUB, div, constant(div, 1)), div);
        return new Array[] {Lax.bind(Primitive.ROUND, div), mod};
    }

    /**
     * The remainder with the sign of the divisor, as {@code jnp.mod} / Python's {@code %}. Integer
     * remainders by zero are 0; bool operands compute as int32.
     */
    public static Array mod(Object a, Object b) {
        DType t = numericType(a, b);
        Array[] xs = prepare("mod", t, a, b);
        Array x = xs[0];
        Array y = xs[1];
        if (t.isInteger()) {
            y = Lax.bind(Primitive.SELECT, Lax.bind(Primitive.EQ, y, constant(y, 0)), constant(y, 1), y);
        }
        Array trunc = Lax.bind(Primitive.REM, x, y);
        Array zero = constant(trunc, 0);
        Array signsDiffer =
                Lax.bind(Primitive.NE, Lax.bind(Primitive.LT, trunc, zero), Lax.bind(Primitive.LT, y, zero));
        Array plus = Lax.bind(Primitive.AND, signsDiffer, Lax.bind(Primitive.NE, trunc, zero));
        return Lax.bind(Primitive.SELECT, plus, Lax.bind(Primitive.ADD, trunc, y), trunc);
    }

    /** Same as {@link #mod}. */
    public static Array remainder(Object a, Object b) {
        return mod(a, b);
    }

    /** {@code a ** b} with promotion; bool operands compute as int32. */
    public static Array power(Object a, Object b) {
        if ((b instanceof Integer || b instanceof Long)
                && ((Number) b).longValue() < 0
                && a instanceof Array x
                && !x.dtype().isFloating()) {
            throw new DTypeException("power: integers cannot be raised to a negative power, got " + x.dtype() + " ** "
                    + b + "; astype a float dtype first");
        }
        return binary("power", Primitive.POW, a, b, numericType(a, b));
    }

    /** Elementwise maximum, propagating NaN; for bool it is logical or. */
    public static Array maximum(Object a, Object b) {
        DType t = resultType(a, b);
        return binary("maximum", t == DType.BOOL ? Primitive.OR : Primitive.MAX, a, b, t);
    }

    /** Elementwise minimum, propagating NaN; for bool it is logical and. */
    public static Array minimum(Object a, Object b) {
        DType t = resultType(a, b);
        return binary("minimum", t == DType.BOOL ? Primitive.AND : Primitive.MIN, a, b, t);
    }

    /** The angle of the point (b, a), in radians; integer and bool operands become float32. */
    public static Array arctan2(Object a, Object b) {
        return binary("arctan2", Primitive.ATAN2, a, b, inexactType(a, b));
    }

    /** {@code a == b} after promotion; the result is bool. */
    public static Array equal(Object a, Object b) {
        return binary("equal", Primitive.EQ, a, b, resultType(a, b));
    }

    /** {@code a != b} after promotion; the result is bool. */
    public static Array notEqual(Object a, Object b) {
        return binary("notEqual", Primitive.NE, a, b, resultType(a, b));
    }

    /** {@code a < b} after promotion; the result is bool. */
    public static Array less(Object a, Object b) {
        return binary("less", Primitive.LT, a, b, resultType(a, b));
    }

    /** {@code a <= b} after promotion; the result is bool. */
    public static Array lessEqual(Object a, Object b) {
        return binary("lessEqual", Primitive.LE, a, b, resultType(a, b));
    }

    /** {@code a > b} after promotion; the result is bool. */
    public static Array greater(Object a, Object b) {
        return binary("greater", Primitive.GT, a, b, resultType(a, b));
    }

    /** {@code a >= b} after promotion; the result is bool. */
    public static Array greaterEqual(Object a, Object b) {
        return binary("greaterEqual", Primitive.GE, a, b, resultType(a, b));
    }

    /** Logical and of the operands' truth values (non-zero is true); the result is bool. */
    public static Array logicalAnd(Object a, Object b) {
        return binary("logicalAnd", Primitive.AND, a, b, DType.BOOL);
    }

    /** Logical or of the operands' truth values (non-zero is true); the result is bool. */
    public static Array logicalOr(Object a, Object b) {
        return binary("logicalOr", Primitive.OR, a, b, DType.BOOL);
    }

    /** Logical exclusive or of the operands' truth values (non-zero is true); the result is bool. */
    public static Array logicalXor(Object a, Object b) {
        return binary("logicalXor", Primitive.XOR, a, b, DType.BOOL);
    }

    /**
     * Bitwise and of integers (logical and of bools), after promotion.
     *
     * @throws DTypeException for float operands
     */
    public static Array bitwiseAnd(Object a, Object b) {
        return bitwise("bitwiseAnd", Primitive.AND, a, b);
    }

    /**
     * Bitwise or of integers (logical or of bools), after promotion.
     *
     * @throws DTypeException for float operands
     */
    public static Array bitwiseOr(Object a, Object b) {
        return bitwise("bitwiseOr", Primitive.OR, a, b);
    }

    /**
     * Bitwise exclusive or of integers (logical xor of bools), after promotion.
     *
     * @throws DTypeException for float operands
     */
    public static Array bitwiseXor(Object a, Object b) {
        return bitwise("bitwiseXor", Primitive.XOR, a, b);
    }

    private static Array bitwise(String fn, Primitive p, Object a, Object b) {
        DType t = resultType(a, b);
        requireIntegral(fn, t);
        return binary(fn, p, a, b, t);
    }

    /**
     * {@code a << b} on integers (bool computes as int32); shifting by the bit width or more gives 0.
     *
     * @throws DTypeException for float operands
     */
    public static Array leftShift(Object a, Object b) {
        DType t = numericType(a, b);
        requireIntegral("leftShift", t);
        return binary("leftShift", Primitive.SHIFT_LEFT, a, b, t);
    }

    /**
     * {@code a >> b} on integers: arithmetic (sign-filling) for signed types, logical (zero-filling)
     * for unsigned ones; bool computes as int32.
     *
     * @throws DTypeException for float operands
     */
    public static Array rightShift(Object a, Object b) {
        DType t = numericType(a, b);
        requireIntegral("rightShift", t);
        Primitive p =
                t.kind() == DType.Kind.UNSIGNED ? Primitive.SHIFT_RIGHT_LOGICAL : Primitive.SHIFT_RIGHT_ARITHMETIC;
        return binary("rightShift", p, a, b, t);
    }

    /** Elements of {@code x} where {@code condition} holds, else of {@code y}; all three broadcast. */
    public static Array where(Object condition, Object x, Object y) {
        DType t = resultType(x, y);
        int[][] shapes = {shapeOf(condition), shapeOf(x), shapeOf(y)};
        broadcastShapes("where", shapes);
        Array c = operand(condition, DType.BOOL);
        Array[] xs = broadcastAll("where", c, operand(x, t), operand(y, t));
        return Lax.bind(Primitive.SELECT, xs[0], xs[1], xs[2]);
    }

    // ---------------------------------------------------------------- elementwise unary

    /**
     * {@code -x}; unsigned integers wrap around.
     *
     * @throws DTypeException for bool (use {@link #logicalNot})
     */
    public static Array negative(Array x) {
        Objects.requireNonNull(x, "x");
        if (x.dtype() == DType.BOOL) {
            throw new DTypeException("negative: bool arrays cannot be negated; use logicalNot, or astype(int32) first");
        }
        return Lax.bind(Primitive.NEG, x);
    }

    /** {@code +x}: the array itself. */
    public static Array positive(Array x) {
        Objects.requireNonNull(x, "x");
        return x;
    }

    /** Absolute value; bool and unsigned arrays are returned unchanged. */
    public static Array abs(Array x) {
        Objects.requireNonNull(x, "x");
        return x.dtype() == DType.BOOL || x.dtype() == DType.UINT32 ? x : Lax.bind(Primitive.ABS, x);
    }

    /** Same as {@link #abs}. */
    public static Array absolute(Array x) {
        Objects.requireNonNull(x, "x");
        return abs(x);
    }

    /**
     * -1, 0 or 1 by the sign of each element (NaN stays NaN), in the input's dtype.
     *
     * @throws DTypeException for bool
     */
    public static Array sign(Array x) {
        Objects.requireNonNull(x, "x");
        if (x.dtype() == DType.BOOL) {
            throw new DTypeException("sign: bool arrays have no sign; astype(int32) first");
        }
        return Lax.bind(Primitive.SIGN, x);
    }

    /** Applies a float-only primitive, promoting integer and bool input to float32 as JAX does. */
    private static Array inexactUnary(Primitive p, Array x) {
        return Lax.bind(p, Lax.convert(x, Reductions.inexact(x.dtype())));
    }

    /** {@code e^x}; integer and bool input becomes float32. */
    public static Array exp(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.EXP, x);
    }

    /** {@code 2^x}; integer and bool input becomes float32. */
    public static Array exp2(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.EXP2, x);
    }

    /** {@code 10^x}; integer and bool input becomes float32. */
    public static Array exp10(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.EXP10, x);
    }

    /** Natural logarithm; integer and bool input becomes float32. */
    public static Array log(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.LOG, x);
    }

    /** Base-2 logarithm, {@code log(x) / log(2)}; integer and bool input becomes float32. */
    public static Array log2(Array x) {
        Objects.requireNonNull(x, "x");
        Array l = log(x);
        return Lax.bind(Primitive.DIV, l, constant(l, Math.log(2)));
    }

    /** Base-10 logarithm, {@code log(x) / log(10)}; integer and bool input becomes float32. */
    public static Array log10(Array x) {
        Objects.requireNonNull(x, "x");
        Array l = log(x);
        return Lax.bind(Primitive.DIV, l, constant(l, Math.log(10)));
    }

    /** {@code log(1 + x)}, accurate near 0; integer and bool input becomes float32. */
    public static Array log1p(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.LOG1P, x);
    }

    /** {@code e^x - 1}, accurate near 0; integer and bool input becomes float32. */
    public static Array expm1(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.EXPM1, x);
    }

    /** Square root (NaN for negatives); integer and bool input becomes float32. */
    public static Array sqrt(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.SQRT, x);
    }

    /** {@code 1 / sqrt(x)}; integer and bool input becomes float32. */
    public static Array rsqrt(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.RSQRT, x);
    }

    /** Cube root (negative for negatives); integer and bool input becomes float32. */
    public static Array cbrt(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.CBRT, x);
    }

    /** {@code x * x} in the input's dtype (bool becomes int32). */
    public static Array square(Array x) {
        Objects.requireNonNull(x, "x");
        Array v = x.dtype() == DType.BOOL ? Lax.convert(x, DType.INT32) : x;
        return Lax.bind(Primitive.MUL, v, v);
    }

    /** {@code 1 / x}; integer and bool input becomes float32. */
    public static Array reciprocal(Array x) {
        Objects.requireNonNull(x, "x");
        Array v = Lax.convert(x, Reductions.inexact(x.dtype()));
        return Lax.bind(Primitive.DIV, constant(v, 1), v);
    }

    /** Sine (radians); integer and bool input becomes float32. */
    public static Array sin(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.SIN, x);
    }

    /** Cosine (radians); integer and bool input becomes float32. */
    public static Array cos(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.COS, x);
    }

    /** Tangent (radians); integer and bool input becomes float32. */
    public static Array tan(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.TAN, x);
    }

    /** Inverse sine (NaN outside [-1, 1]); integer and bool input becomes float32. */
    public static Array arcsin(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.ASIN, x);
    }

    /** Inverse cosine (NaN outside [-1, 1]); integer and bool input becomes float32. */
    public static Array arccos(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.ACOS, x);
    }

    /** Inverse tangent; integer and bool input becomes float32. */
    public static Array arctan(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.ATAN, x);
    }

    /** Hyperbolic sine; integer and bool input becomes float32. */
    public static Array sinh(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.SINH, x);
    }

    /** Hyperbolic cosine; integer and bool input becomes float32. */
    public static Array cosh(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.COSH, x);
    }

    /** Hyperbolic tangent; integer and bool input becomes float32. */
    public static Array tanh(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.TANH, x);
    }

    /** The logistic sigmoid {@code 1 / (1 + e^-x)}; integer and bool input becomes float32. */
    public static Array sigmoid(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.LOGISTIC, x);
    }

    /** Same as {@link #sigmoid}. */
    public static Array logistic(Array x) {
        Objects.requireNonNull(x, "x");
        return sigmoid(x);
    }

    /** The error function; integer and bool input becomes float32. */
    public static Array erf(Array x) {
        Objects.requireNonNull(x, "x");
        return inexactUnary(Primitive.ERF, x);
    }

    /** Round toward negative infinity; integer and bool arrays are returned unchanged. */
    public static Array floor(Array x) {
        Objects.requireNonNull(x, "x");
        return x.dtype().isFloating() ? Lax.bind(Primitive.FLOOR, x) : x;
    }

    /** Round toward positive infinity; integer and bool arrays are returned unchanged. */
    public static Array ceil(Array x) {
        Objects.requireNonNull(x, "x");
        return x.dtype().isFloating() ? Lax.bind(Primitive.CEIL, x) : x;
    }

    /** Round to the nearest integer, halves to even; integer and bool arrays are returned unchanged. */
    public static Array round(Array x) {
        Objects.requireNonNull(x, "x");
        return x.dtype().isFloating() ? Lax.bind(Primitive.ROUND, x) : x;
    }

    /**
     * Round to {@code decimals} decimal places (negative: to tens, hundreds, …), halves to even,
     * by scaling with {@code 10^decimals} as {@code jnp.round} does. Integer and bool arrays are
     * returned unchanged for {@code decimals >= 0}.
     *
     * @throws DTypeException for integer arrays with negative {@code decimals}
     */
    public static Array round(Array x, int decimals) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            if (decimals < 0 && x.dtype() != DType.BOOL) {
                throw new DTypeException("round: integer arrays with negative decimals (" + decimals
                        + ") are not supported, as in jnp.round; astype a float dtype first");
            }
            return x;
        }
        if (decimals == 0) {
            return round(x);
        }
        Array factor = constant(x, Math.pow(10, decimals));
        return Lax.bind(Primitive.DIV, Lax.bind(Primitive.ROUND, Lax.bind(Primitive.MUL, x, factor)), factor);
    }

    /** Same as {@link #round(Array, int)}. */
    public static Array around(Array x, int decimals) {
        Objects.requireNonNull(x, "x");
        return round(x, decimals);
    }

    /** Whether each element is NaN (bool); always false for integer and bool arrays. */
    public static Array isnan(Array x) {
        Objects.requireNonNull(x, "x");
        return x.dtype().isFloating() ? Lax.bind(Primitive.NE, x, x) : full(DType.BOOL, 0, x.shape());
    }

    /** Whether each element is +inf or -inf (bool); always false for integer and bool arrays. */
    public static Array isinf(Array x) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            return full(DType.BOOL, 0, x.shape());
        }
        return Lax.bind(Primitive.EQ, Lax.bind(Primitive.ABS, x), constant(x, Double.POSITIVE_INFINITY));
    }

    /** Whether each element is neither infinite nor NaN (bool); always true for integer and bool arrays. */
    public static Array isfinite(Array x) {
        Objects.requireNonNull(x, "x");
        return x.dtype().isFloating() ? Lax.bind(Primitive.IS_FINITE, x) : full(DType.BOOL, 1, x.shape());
    }

    /** Logical not of each element's truth value (non-zero is true); the result is bool. */
    public static Array logicalNot(Array x) {
        Objects.requireNonNull(x, "x");
        return Lax.bind(Primitive.NOT, Lax.convert(x, DType.BOOL));
    }

    /**
     * Bitwise not of integers (logical not of bools).
     *
     * @throws DTypeException for float arrays
     */
    public static Array bitwiseNot(Array x) {
        Objects.requireNonNull(x, "x");
        requireIntegral("bitwiseNot", x.dtype());
        return Lax.bind(Primitive.NOT, x);
    }

    /** Same as {@link #bitwiseNot}. */
    public static Array invert(Array x) {
        Objects.requireNonNull(x, "x");
        return bitwiseNot(x);
    }

    /**
     * Replaces NaN by 0, +inf by the dtype's largest finite value and -inf by its most negative
     * one; integer and bool arrays are returned unchanged.
     */
    public static Array nanToNum(Array x) {
        Objects.requireNonNull(x, "x");
        return nanToNum(x, 0, null, null);
    }

    /**
     * Replaces NaN by {@code nan}, +inf by {@code posinf} and -inf by {@code neginf}; a {@code null}
     * bound means the dtype's largest (most negative) finite value. Integer and bool arrays are
     * returned unchanged.
     */
    public static Array nanToNum(Array x, double nan, Double posinf, Double neginf) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            return x;
        }
        double big = x.dtype().isNarrow()
                ? Narrow.maxFinite(x.dtype())
                : x.dtype() == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        double pos = posinf == null ? big : posinf;
        double neg = neginf == null ? -big : neginf;
        Array out = Lax.bind(Primitive.SELECT, Lax.bind(Primitive.NE, x, x), constant(x, nan), x);
        out = Lax.bind(
                Primitive.SELECT,
                Lax.bind(Primitive.EQ, out, constant(x, Double.POSITIVE_INFINITY)),
                constant(x, pos),
                out);
        return Lax.bind(
                Primitive.SELECT,
                Lax.bind(Primitive.EQ, out, constant(x, Double.NEGATIVE_INFINITY)),
                constant(x, neg),
                out);
    }

    /**
     * Limits every element to {@code [min, max]}, as {@code jnp.clip}: {@code minimum(max,
     * maximum(min, x))} with promotion; a {@code null} bound is not applied. NaN propagates.
     */
    public static Array clip(Array x, Object min, Object max) {
        Objects.requireNonNull(x, "x");
        Array out = x;
        if (min != null && max != null) {
            // both bounds are checked before either computes
            broadcastShapes("clip", x.shape(), shapeOf(min), shapeOf(max));
        }
        if (min != null) {
            out = maximum(min, out);
        }
        if (max != null) {
            out = minimum(max, out);
        }
        return out;
    }

    // ---------------------------------------------------------------- reductions

    /**
     * Sum over all axes. bool sums as int32; other dtypes keep theirs (int32 stays int32, as in JAX
     * without 64-bit defaults).
     */
    public static Array sum(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.sum(x, null, false);
    }

    /**
     * Sum over one axis (negative counts from the end); dtypes as {@link #sum(Array)}.
     *
     * @throws AxisException when the axis is out of range
     */
    public static Array sum(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.sum(x, new int[] {axis}, false);
    }

    /**
     * Sum over {@code axes} ({@code null} = all, empty = none), keeping them as length 1 when
     * {@code keepdims}; dtypes as {@link #sum(Array)}.
     *
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array sum(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.sum(x, axes, keepdims);
    }

    /** Product over all axes; bool multiplies as int32, other dtypes keep theirs. */
    public static Array prod(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.prod(x, null, false);
    }

    /**
     * Product over one axis; see {@link #prod(Array)}.
     *
     * @throws AxisException when out of range
     */
    public static Array prod(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.prod(x, new int[] {axis}, false);
    }

    /**
     * Product over {@code axes} ({@code null} = all, empty = none); see {@link #prod(Array)}.
     *
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array prod(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.prod(x, axes, keepdims);
    }

    /**
     * Largest element (NaN propagates; bool gives logical or), in the input's dtype.
     *
     * @throws ShapeException for an empty array: the reduction has no identity
     */
    public static Array max(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.max(x, null, false);
    }

    /** Largest element along one axis; see {@link #max(Array)}. */
    public static Array max(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.max(x, new int[] {axis}, false);
    }

    /**
     * Largest element over {@code axes} ({@code null} = all, empty = none); see {@link #max(Array)}.
     *
     * @throws ShapeException when a reduced axis is empty
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array max(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.max(x, axes, keepdims);
    }

    /**
     * Smallest element (NaN propagates; bool gives logical and), in the input's dtype.
     *
     * @throws ShapeException for an empty array: the reduction has no identity
     */
    public static Array min(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.min(x, null, false);
    }

    /** Smallest element along one axis; see {@link #min(Array)}. */
    public static Array min(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.min(x, new int[] {axis}, false);
    }

    /**
     * Smallest element over {@code axes} ({@code null} = all, empty = none); see {@link #min(Array)}.
     *
     * @throws ShapeException when a reduced axis is empty
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array min(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.min(x, axes, keepdims);
    }

    /** Arithmetic mean of all elements; integers and bool give float32. An empty array gives NaN. */
    public static Array mean(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.mean(x, null, false);
    }

    /** Mean along one axis; see {@link #mean(Array)}. */
    public static Array mean(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.mean(x, new int[] {axis}, false);
    }

    /**
     * Mean over {@code axes} ({@code null} = all, empty = none); see {@link #mean(Array)}.
     *
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array mean(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.mean(x, axes, keepdims);
    }

    /** Population variance of all elements (ddof 0); integers and bool give float32. */
    public static Array var(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.var(x, null, false, 0);
    }

    /** Variance along one axis (ddof 0); see {@link #var(Array)}. */
    public static Array var(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.var(x, new int[] {axis}, false, 0);
    }

    /** Variance over {@code axes} ({@code null} = all) with ddof 0; see {@link #var(Array)}. */
    public static Array var(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.var(x, axes, keepdims, 0);
    }

    /**
     * Variance over {@code axes} ({@code null} = all): the mean squared deviation with divisor {@code
     * n - ddof}; NaN when {@code ddof >= n}, as in JAX. Integers and bool give float32.
     *
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array var(Array x, int[] axes, boolean keepdims, int ddof) {
        Objects.requireNonNull(x, "x");
        return Reductions.var(x, axes, keepdims, ddof);
    }

    /** Standard deviation of all elements (ddof 0): {@code sqrt(var)}; integers and bool give float32. */
    public static Array std(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.std(x, null, false, 0);
    }

    /** Standard deviation along one axis (ddof 0); see {@link #std(Array)}. */
    public static Array std(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.std(x, new int[] {axis}, false, 0);
    }

    /** Standard deviation over {@code axes} ({@code null} = all) with ddof 0. */
    public static Array std(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.std(x, axes, keepdims, 0);
    }

    /**
     * {@code sqrt(var(x, axes, keepdims, ddof))}; see {@link #var(Array, int[], boolean, int)}.
     *
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array std(Array x, int[] axes, boolean keepdims, int ddof) {
        Objects.requireNonNull(x, "x");
        return Reductions.std(x, axes, keepdims, ddof);
    }

    /** Whether every element is non-zero (bool); true for an empty array. */
    public static Array all(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.all(x, null, false);
    }

    /** Whether every element along one axis is non-zero (bool). */
    public static Array all(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.all(x, new int[] {axis}, false);
    }

    /**
     * Whether every element over {@code axes} ({@code null} = all) is non-zero (bool).
     *
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array all(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.all(x, axes, keepdims);
    }

    /** Whether any element is non-zero (bool); false for an empty array. */
    public static Array any(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.any(x, null, false);
    }

    /** Whether any element along one axis is non-zero (bool). */
    public static Array any(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.any(x, new int[] {axis}, false);
    }

    /**
     * Whether any element over {@code axes} ({@code null} = all) is non-zero (bool).
     *
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array any(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.any(x, axes, keepdims);
    }

    /**
     * {@code log(sum(exp(x)))} over all elements, computed stably by shifting by the maximum (rows of
     * -inf, and empty reductions, give -inf); integers and bool give float32.
     */
    public static Array logSumExp(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.logSumExp(x, null, false);
    }

    /** {@link #logSumExp(Array)} along one axis. */
    public static Array logSumExp(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.logSumExp(x, new int[] {axis}, false);
    }

    /**
     * {@link #logSumExp(Array)} over {@code axes} ({@code null} = all).
     *
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array logSumExp(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.logSumExp(x, axes, keepdims);
    }

    // ------------------------------------------- reductions with JAX's keyword arguments

    /**
     * {@code jnp.sum(x, axis, dtype, keepdims, initial, where)}: the sum over the options' axes of
     * the elements where its mask is true, accumulated in its dtype (default: as {@link #sum(Array)};
     * with dtype bool, a logical or), plus its initial value.
     *
     * @throws KilnException for an option JAX's sum does not take (ddof)
     * @throws DTypeException when the mask is not bool
     * @throws ShapeException when the mask does not broadcast to {@code x}
     */
    public static Array sum(Array x, ReduceOptions options) {
        Objects.requireNonNull(x, "x");
        return Reductions.sumOrProd("sum", Primitive.REDUCE_SUM, x, options);
    }

    /** {@code jnp.prod} with its keyword arguments; see {@link #sum(Array, ReduceOptions)}. */
    public static Array prod(Array x, ReduceOptions options) {
        Objects.requireNonNull(x, "x");
        return Reductions.sumOrProd("prod", Primitive.REDUCE_PROD, x, options);
    }

    /**
     * {@code jnp.max(x, axis, keepdims, initial, where)}: with an initial value, empty reductions give
     * it and it takes part in every result; a where mask needs one, as in JAX (max has no identity).
     *
     * @throws KilnException for a mask without an initial value, or a dtype or ddof option
     * @throws ShapeException for an empty reduction without an initial value
     */
    public static Array max(Array x, ReduceOptions options) {
        Objects.requireNonNull(x, "x");
        return Reductions.extremum("max", true, x, options);
    }

    /** {@code jnp.min} with its keyword arguments; see {@link #max(Array, ReduceOptions)}. */
    public static Array min(Array x, ReduceOptions options) {
        Objects.requireNonNull(x, "x");
        return Reductions.extremum("min", false, x, options);
    }

    /**
     * {@code jnp.mean(x, axis, dtype, keepdims, where)}: the mean of the elements where the mask is
     * true (NaN where none is), in the options' dtype (default: float dtypes stay, others give
     * float32; an integer dtype divides with truncation, as JAX).
     */
    public static Array mean(Array x, ReduceOptions options) {
        Objects.requireNonNull(x, "x");
        return Reductions.mean(x, options);
    }

    /**
     * {@code jnp.var(x, axis, dtype, ddof, keepdims, where)}: the mean squared deviation of the
     * masked elements from their mean, divided by {@code n - ddof} (NaN when that is not positive).
     */
    public static Array var(Array x, ReduceOptions options) {
        Objects.requireNonNull(x, "x");
        return Reductions.var("var", x, options);
    }

    /** {@code jnp.std}: the square root of {@link #var(Array, ReduceOptions)}. */
    public static Array std(Array x, ReduceOptions options) {
        Objects.requireNonNull(x, "x");
        return Reductions.var("std", x, options);
    }

    /** {@code jnp.all(x, axis, keepdims, where)}: masked-out elements count as true. */
    public static Array all(Array x, ReduceOptions options) {
        Objects.requireNonNull(x, "x");
        return Reductions.allOrAny("all", true, x, options);
    }

    /** {@code jnp.any(x, axis, keepdims, where)}: masked-out elements count as false. */
    public static Array any(Array x, ReduceOptions options) {
        Objects.requireNonNull(x, "x");
        return Reductions.allOrAny("any", false, x, options);
    }

    /**
     * {@code jnp.cumsum(x, axis, dtype)}: the running sum along {@code axis} (null: of the flattened
     * array), accumulated in {@code dtype} (null: as {@link #cumsum(Array)}).
     */
    public static Array cumsum(Array x, Integer axis, DType dtype) {
        Objects.requireNonNull(x, "x");
        return Reductions.cumulative("cumsum", Primitive.CUMSUM, x, axis, dtype);
    }

    /** {@code jnp.cumprod(x, axis, dtype)}; see {@link #cumsum(Array, Integer, DType)}. */
    public static Array cumprod(Array x, Integer axis, DType dtype) {
        Objects.requireNonNull(x, "x");
        return Reductions.cumulative("cumprod", Primitive.CUMPROD, x, axis, dtype);
    }

    /**
     * The int32 index of the largest element of the flattened array (first one on ties; NaN counts
     * as largest).
     *
     * @throws ShapeException for an empty array
     */
    public static Array argmax(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.argReduce("argmax", Primitive.ARGMAX, x, null, false);
    }

    /** int32 indices of the largest elements along one axis; see {@link #argmax(Array)}. */
    public static Array argmax(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.argReduce("argmax", Primitive.ARGMAX, x, axis, false);
    }

    /**
     * int32 indices of the largest elements along one axis, kept as length 1 when {@code keepdims}.
     *
     * @throws ShapeException when the axis is empty
     * @throws AxisException when the axis is out of range
     */
    public static Array argmax(Array x, int axis, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.argReduce("argmax", Primitive.ARGMAX, x, axis, keepdims);
    }

    /**
     * The int32 index of the smallest element of the flattened array (first one on ties; NaN counts
     * as smallest).
     *
     * @throws ShapeException for an empty array
     */
    public static Array argmin(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.argReduce("argmin", Primitive.ARGMIN, x, null, false);
    }

    /** int32 indices of the smallest elements along one axis; see {@link #argmin(Array)}. */
    public static Array argmin(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.argReduce("argmin", Primitive.ARGMIN, x, axis, false);
    }

    /**
     * int32 indices of the smallest elements along one axis, kept as length 1 when {@code keepdims}.
     *
     * @throws ShapeException when the axis is empty
     * @throws AxisException when the axis is out of range
     */
    public static Array argmin(Array x, int axis, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Reductions.argReduce("argmin", Primitive.ARGMIN, x, axis, keepdims);
    }

    /** Running sum of the flattened array; bool sums as int32, other dtypes keep theirs. */
    public static Array cumsum(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.cumulative("cumsum", Primitive.CUMSUM, x, null);
    }

    /**
     * Running sum along one axis; see {@link #cumsum(Array)}.
     *
     * @throws AxisException when out of range
     */
    public static Array cumsum(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.cumulative("cumsum", Primitive.CUMSUM, x, axis);
    }

    /** Running product of the flattened array; bool multiplies as int32. */
    public static Array cumprod(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.cumulative("cumprod", Primitive.CUMPROD, x, null);
    }

    /**
     * Running product along one axis.
     *
     * @throws AxisException when out of range
     */
    public static Array cumprod(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.cumulative("cumprod", Primitive.CUMPROD, x, axis);
    }

    /** Running maximum of the flattened array; bool computes as int32, as jnp's cumulative reductions. */
    public static Array cummax(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.cumulative("cummax", Primitive.CUMMAX, x, null);
    }

    /**
     * Running maximum along one axis.
     *
     * @throws AxisException when out of range
     */
    public static Array cummax(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.cumulative("cummax", Primitive.CUMMAX, x, axis);
    }

    /** Running minimum of the flattened array; bool computes as int32. */
    public static Array cummin(Array x) {
        Objects.requireNonNull(x, "x");
        return Reductions.cumulative("cummin", Primitive.CUMMIN, x, null);
    }

    /**
     * Running minimum along one axis.
     *
     * @throws AxisException when out of range
     */
    public static Array cummin(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Reductions.cumulative("cummin", Primitive.CUMMIN, x, axis);
    }

    // ---------------------------------------------------------------- shape and movement

    /** Same as {@link #array(Object)}: an Array is returned as is. */
    public static Array asArray(Object x) {
        return array(x);
    }

    /**
     * The same elements in row-major order with a new shape; one dimension may be {@code -1} and is
     * inferred.
     *
     * @throws ShapeException when the sizes differ, more than one {@code -1} is given, or a
     *     dimension is otherwise negative
     */
    public static Array reshape(Array x, int... shape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(shape, "shape");
        return Movement.reshape(x, shape);
    }

    /** The elements as a 1-d array, in row-major order. */
    public static Array ravel(Array x) {
        Objects.requireNonNull(x, "x");
        return Lax.reshape(x, x.size());
    }

    /** The array with its axes reversed (the matrix transpose for 2-d). */
    public static Array transpose(Array x) {
        Objects.requireNonNull(x, "x");
        return Movement.reverseAxes(x);
    }

    /**
     * The array with its axes permuted: output axis {@code i} is input axis {@code axes[i]}
     * (negative counts from the end).
     *
     * @throws AxisException when {@code axes} is not a permutation of all axes
     */
    public static Array transpose(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        return Movement.transpose(x, axes);
    }

    /**
     * The array with axes {@code a} and {@code b} exchanged.
     *
     * @throws AxisException when an axis is out of range
     */
    public static Array swapaxes(Array x, int a, int b) {
        Objects.requireNonNull(x, "x");
        return Movement.swapaxes(x, a, b);
    }

    /**
     * The array with axis {@code source} moved to position {@code destination}, the others keeping
     * their order.
     *
     * @throws AxisException when an axis is out of range
     */
    public static Array moveaxis(Array x, int source, int destination) {
        Objects.requireNonNull(x, "x");
        return Movement.moveaxis(x, source, destination);
    }

    /** The array without its length-1 axes. */
    public static Array squeeze(Array x) {
        Objects.requireNonNull(x, "x");
        return Movement.squeeze(x);
    }

    /**
     * The array without the named axes.
     *
     * @throws ShapeException when a named axis does not have length 1
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array squeeze(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        return Movement.squeeze(x, axes);
    }

    /**
     * The array with a new length-1 axis at position {@code axis} of the result (negative counts
     * from the end of the result).
     *
     * @throws AxisException when the axis is out of range for rank + 1
     */
    public static Array expandDims(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Movement.expandDims(x, axis);
    }

    /**
     * The array broadcast to {@code shape} with NumPy's rules.
     *
     * @throws ShapeException when it does not broadcast
     */
    public static Array broadcastTo(Array x, int... shape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(shape, "shape");
        checkShape("broadcastTo", shape);
        return broadcastTo("broadcastTo", x, shape);
    }

    /**
     * The arrays joined along an existing axis, after promoting them to a common dtype.
     *
     * @throws ShapeException when no arrays are given, one is 0-d, or shapes differ outside the axis
     * @throws AxisException when the axis is out of range
     */
    public static Array concatenate(Array[] xs, int axis) {
        NullChecks.elements(xs, "xs");
        return Movement.concatenate(xs, axis);
    }

    /** {@link #concatenate(Array[], int)} for a list. */
    public static Array concatenate(List<Array> xs, int axis) {
        NullChecks.elements(xs, "xs");
        return Movement.concatenate(xs, axis);
    }

    /**
     * The arrays (all of one shape) joined along a new axis at position {@code axis}, after
     * promoting them to a common dtype.
     *
     * @throws ShapeException when no arrays are given or their shapes differ
     * @throws AxisException when the axis is out of range for rank + 1
     */
    public static Array stack(Array[] xs, int axis) {
        NullChecks.elements(xs, "xs");
        return Movement.stack(xs, axis);
    }

    /** {@link #stack(Array[], int)} for a list. */
    public static Array stack(List<Array> xs, int axis) {
        NullChecks.elements(xs, "xs");
        return Movement.stack(xs.toArray(new Array[0]), axis);
    }

    /**
     * {@code sections} equal pieces along {@code axis}.
     *
     * @throws ShapeException when {@code sections} does not divide the axis length
     */
    public static Array[] split(Array x, int sections, int axis) {
        Objects.requireNonNull(x, "x");
        return Movement.split(x, sections, axis);
    }

    /**
     * Pieces {@code x[:i0], x[i0:i1], …, x[ik:]} along {@code axis}, as {@code numpy.split} with a
     * list of indices (negative indices count from the end; out-of-range ones clip, giving empty
     * pieces).
     */
    public static Array[] splitAt(Array x, int[] indices, int axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(indices, "indices");
        int n = x.shape(Shape.axis("splitAt", axis, x.ndim()));
        int previous = 0;
        for (int i : indices) {
            int at = i < 0 ? i + n : i;
            if (at < previous || at > n) {
                throw new ShapeException("splitAt: indices " + Arrays.toString(indices)
                        + " must be non-decreasing and within the axis of length " + n
                        + " (jnp.split takes no negative sizes); sort them or clip them to the axis");
            }
            previous = at;
        }
        return Movement.splitAt(x, indices, axis);
    }

    /** The array with every axis reversed. */
    public static Array flip(Array x) {
        Objects.requireNonNull(x, "x");
        return Movement.flip(x);
    }

    /**
     * The array with the named axes reversed.
     *
     * @throws AxisException when an axis is out of range or repeated
     */
    public static Array flip(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        return Movement.flip(x, axes);
    }

    /**
     * Pads with zeros: {@code padWidth} holds one {@code {before, after}} row per axis, or a single
     * row for every axis.
     *
     * @throws ShapeException when the rows do not fit the rank or a width is negative
     */
    public static Array pad(Array x, int[][] padWidth) {
        Objects.requireNonNull(x, "x");
        return Movement.pad(x, padWidth, 0);
    }

    /** {@link #pad(Array, int[][])} with {@code constant} (cast to the array's dtype) as the fill value. */
    public static Array pad(Array x, int[][] padWidth, double constant) {
        Objects.requireNonNull(x, "x");
        return Movement.pad(x, padWidth, constant);
    }

    /**
     * {@link #pad(Array, int[][])} with a NumPy mode name; only {@code "constant"} (zeros) is
     * supported.
     *
     * @throws KilnException for any other mode
     */
    public static Array pad(Array x, int[][] padWidth, String mode) {
        Objects.requireNonNull(padWidth, "padWidth");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(mode, "mode");
        if (!"constant".equals(mode)) {
            return Padding.pad(x, padWidth, mode);
        }
        return Movement.pad(x, padWidth, 0);
    }

    /**
     * The array repeated {@code reps[i]} times along each axis, as {@code numpy.tile} (a shorter
     * {@code reps} applies to the trailing axes; a longer one adds leading axes).
     *
     * @throws ShapeException when a repetition count is negative
     */
    public static Array tile(Array x, int... reps) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(reps, "reps");
        return Movement.tile(x, reps);
    }

    /** Each element of the flattened array repeated {@code repeats} times. */
    public static Array repeat(Array x, int repeats) {
        Objects.requireNonNull(x, "x");
        return Movement.repeat(ravel(x), repeats, 0);
    }

    /**
     * Each element repeated {@code repeats} times along {@code axis}.
     *
     * @throws ShapeException when {@code repeats} is negative
     * @throws AxisException when the axis is out of range
     */
    public static Array repeat(Array x, int repeats, int axis) {
        Objects.requireNonNull(x, "x");
        return Movement.repeat(x, repeats, axis);
    }

    /**
     * {@code jnp.repeat(x, repeats, axis)} with one count per element along {@code axis} (null: of
     * the flattened array), on concrete counts: the output's length is their sum (a negative count
     * shortens it, as in JAX).
     *
     * @throws ShapeException when {@code repeats} is traced (give a total length), or its shape does
     *     not match the axis
     */
    public static Array repeat(Array x, Array repeats, Integer axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(repeats, "repeats");
        if (repeats.isTraced()) {
            throw new ShapeException("repeat: the output length is the sum of repeats, which is traced here (of"
                    + " type " + repeats.spec() + "); pass totalRepeatLength, as JAX requires:"
                    + " Np.repeat(x, repeats, axis, totalRepeatLength)");
        }
        int n = axis == null ? x.size() : x.shape(Shape.axis("repeat", axis, x.ndim()));
        int total = repeats.ndim() == 0
                ? repeats.intItem() * n
                : sum(Lax.convert(repeats, DType.INT32)).intItem();
        return Movement.repeatEach(x, repeats, axis, Math.max(total, 0));
    }

    /**
     * {@code jnp.repeat(x, repeats, axis, total_repeat_length)}: as {@link #repeat(Array, Array,
     * Integer)} with a static output length, so traced counts work under {@code jit}; a length above
     * the counts' sum repeats the last element, a shorter one cuts the end.
     */
    public static Array repeat(Array x, Array repeats, Integer axis, int totalRepeatLength) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(repeats, "repeats");
        return Movement.repeatEach(x, repeats, axis, totalRepeatLength);
    }

    // ---------------------------------------------------------------- indexing

    /**
     * NumPy indexing, {@code x[idx...]}: integers remove their axis, slices keep it, {@link
     * Index#newAxis()} inserts one and {@link Index#ellipsis()} fills the middle; unnamed trailing
     * axes are taken whole. Integer arrays ({@link Index#of(Array)}) gather, broadcasting together,
     * with out-of-range positions clamped as JAX reads them; a bool mask ({@link Index#mask}) selects
     * where it is true, on concrete arrays only.
     *
     * @throws IndexException when an integer is out of range (naming the axis, the index and the
     *     size), there are more indices than axes, or more than one ellipsis
     */
    public static Array index(Array x, Index... idx) {
        Objects.requireNonNull(x, "x");
        NullChecks.elements(idx, "idx");
        return AdvancedIndexing.get("index", x, idx);
    }

    /**
     * {@link #index(Array, Index...)} with NumPy syntax, e.g. {@code "1:5:2, ..., -1, None"}.
     *
     * @throws IndexException when the text cannot be parsed or an index is out of range
     */
    public static Array index(Array x, String idx) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(idx, "idx");
        return Indexing.basic(x, Index.parse(idx));
    }

    /**
     * Elements of the flattened array at integer {@code indices}; the result has the indices'
     * shape. As {@code jnp.take}'s default mode "fill": negative indices count from the end, and
     * indices still out of range read NaN (floats), the most negative value (signed integers), the
     * largest (unsigned) or true (bool). {@link #take(Array, Array, int, String)} has the other modes.
     *
     * @throws DTypeException when the indices are not integers
     */
    public static Array take(Array x, Array indices) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(indices, "indices");
        return Indexing.take(ravel(x), indices, 0);
    }

    /**
     * Elements along {@code axis} at integer {@code indices}: that axis is replaced by the indices'
     * shape; out-of-range indices as {@link #take(Array, Array)} (JAX's "fill").
     *
     * @throws DTypeException when the indices are not integers
     * @throws AxisException when the axis is out of range
     */
    public static Array take(Array x, Array indices, int axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(indices, "indices");
        return Indexing.take(x, indices, axis);
    }

    /**
     * {@code jnp.take(x, indices, axis, mode=mode)}: "fill" (the default, see {@link #take(Array,
     * Array)}), "clip" (clamped into range, negative indices read the first element, as JAX does)
     * or "wrap" (indices taken modulo the axis length).
     *
     * @throws KilnException when the mode is not one of these
     * @throws IndexException when clipping from an empty axis
     */
    public static Array take(Array x, Array indices, int axis, String mode) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(mode, "mode");
        return Indexing.take(x, indices, axis, mode);
    }

    /** {@link #take(Array, Array, int, String)} from the flattened array. */
    public static Array take(Array x, Array indices, String mode) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(mode, "mode");
        return Indexing.take(ravel(x), indices, 0, mode);
    }

    /**
     * Picks along {@code axis} by {@code indices} of the same rank, as {@code
     * jnp.take_along_axis}; outside the axis the indices and the array broadcast against each
     * other. Negative indices count from the end; indices still out of range read the fill value of
     * {@link #take(Array, Array)} (JAX's default mode "fill").
     *
     * @throws ShapeException when ranks differ or the shapes do not broadcast
     * @throws DTypeException when the indices are not integers
     */
    public static Array takeAlongAxis(Array x, Array indices, int axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(indices, "indices");
        return Indexing.takeAlongAxis(x, indices, axis);
    }

    /** {@link #takeAlongAxis(Array, Array, int)} with mode "fill" or "clip" (clamped into range). */
    public static Array takeAlongAxis(Array x, Array indices, int axis, String mode) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(mode, "mode");
        return Indexing.takeAlongAxis(x, indices, axis, mode);
    }

    /**
     * A float32 one-hot encoding with a new trailing axis of length {@code numClasses}, as {@code
     * jax.nn.one_hot}: negative and out-of-range indices give all-zero rows.
     */
    public static Array oneHot(Array indices, int numClasses) {
        Objects.requireNonNull(indices, "indices");
        return Indexing.oneHot(indices, numClasses, DType.FLOAT32);
    }

    /** {@link #oneHot(Array, int)} in {@code dtype}. */
    public static Array oneHot(Array indices, int numClasses, DType dtype) {
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(dtype, "dtype");
        return Indexing.oneHot(indices, numClasses, dtype);
    }

    /**
     * The window of {@code sizes} at {@code starts}, as {@link Lax#dynamicSlice}: negative starts
     * count from the end, then starts are clamped so the window fits.
     *
     * @throws ShapeException when starts or sizes do not have one entry per dimension, or a size does
     *     not fit
     */
    public static Array dynamicSlice(Array x, int[] starts, int[] sizes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(starts, "starts");
        Objects.requireNonNull(sizes, "sizes");
        return Indexing.dynamicSlice(x, starts, sizes);
    }

    // ---------------------------------------------------------------- linear algebra

    /**
     * The matrix product with NumPy's rules: 1-d operands act as a row (left) or column (right)
     * vector whose extra axis is then removed, and leading batch dimensions broadcast. Operands are
     * promoted to a common dtype; bool matrices give the bool (or-of-ands) product, as in JAX.
     *
     * @throws ShapeException when an operand is 0-d, the inner dimensions differ, or the batch
     *     dimensions do not broadcast
     */
    public static Array matmul(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return Contraction.matmul(a, b);
    }

    /**
     * NumPy's {@code dot}: scalar times array when either is 0-d, the inner product of two vectors,
     * the matrix product of matrices, and in general a sum over the last axis of {@code a} and the
     * second-to-last of {@code b} (the last if {@code b} is 1-d), with no batch broadcasting.
     *
     * @throws ShapeException when the summed dimensions differ
     */
    public static Array dot(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return Contraction.dot(a, b);
    }

    /** The outer product of the flattened arrays: {@code out[i, j] = a[i] * b[j]}, promoted. */
    public static Array outer(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return Contraction.outer(a, b);
    }

    /**
     * Einstein summation, as {@code numpy.einsum}: explicit ({@code "ij,jk->ik"}) or implicit
     * ({@code "ij,jk"}, output letters used once, sorted) subscripts, {@code ...} for broadcast
     * leading dimensions, repeated letters in one operand for diagonals ({@code "ii->i"}). Operands
     * are promoted to one dtype (bool gives the logical result) and contracted pairwise from left
     * to right.
     *
     * @throws ShapeException when the operand count, ranks or label lengths do not fit the spec
     * @throws KilnException when the spec cannot be read
     */
    public static Array einsum(String spec, Array... operands) {
        Objects.requireNonNull(spec, "spec");
        NullChecks.elements(operands, "operands");
        return Einsum.einsum(spec, operands);
    }

    // ================================================================ breadth, part 1 (issue 14)
    // Composites over existing primitives: elementwise functions, NaN-aware reductions, shape and
    // construction helpers. Each keeps JAX's semantics for NaN, inf, signed zero and dtypes.

    /** Same as {@link #arcsin}. */
    public static Array asin(Array x) {
        return arcsin(x);
    }

    /** Same as {@link #arccos}. */
    public static Array acos(Array x) {
        return arccos(x);
    }

    /** Same as {@link #arctan}. */
    public static Array atan(Array x) {
        return arctan(x);
    }

    /** Same as {@link #arctan2}. */
    public static Array atan2(Object a, Object b) {
        return arctan2(a, b);
    }

    /** Same as {@link #power}. */
    public static Array pow(Object a, Object b) {
        return power(a, b);
    }

    /** Same as {@link #divide}. */
    public static Array trueDivide(Object a, Object b) {
        return divide(a, b);
    }

    /** Same as {@link #bitwiseNot}. */
    public static Array bitwiseInvert(Array x) {
        return bitwiseNot(x);
    }

    /** Same as {@link #leftShift}. */
    public static Array bitwiseLeftShift(Object a, Object b) {
        return leftShift(a, b);
    }

    /** Same as {@link #rightShift}. */
    public static Array bitwiseRightShift(Object a, Object b) {
        return rightShift(a, b);
    }

    /** Inverse hyperbolic sine, odd and stable near 0 and for large |x|; integers become float32. */
    public static Array arcsinh(Array x) {
        Objects.requireNonNull(x, "x");
        Array v = Nn.inexact(x);
        Array a = abs(v);
        double big = v.dtype() == DType.FLOAT16 ? 100 : v.dtype() == DType.FLOAT64 ? 1e150 : 1e18;
        Array a2 = multiply(a, a);
        Array moderate = log1p(add(a, divide(a2, add(sqrt(add(a2, 1.0)), 1.0))));
        Array large = add(log(a), Math.log(2));
        Array r = where(greater(a, big), large, moderate);
        Array signed = where(less(v, 0.0), negative(r), r);
        // zero (of either sign) passes through, as does NaN
        return where(equal(v, 0.0), v, signed);
    }

    /** Inverse hyperbolic cosine (NaN below 1), accurate near 1; integers become float32. */
    public static Array arccosh(Array x) {
        Objects.requireNonNull(x, "x");
        return Kiln.<Array, Array>customJvp(
                        Np::arccoshValue,
                        (p, t) -> new Kiln.Jvp<>(arccoshValue(p), multiply(t, rsqrt(subtract(square(p), 1.0)))))
                .apply(Nn.inexact(x));
    }

    /**
     * arccosh's value; its derivative is JAX's {@code 1 / sqrt(x^2 - 1)} (inf at 1), not the chain
     * rule through this formula (NaN at 1).
     */
    private static Array arccoshValue(Array v) {
        double big = v.dtype() == DType.FLOAT16 ? 100 : v.dtype() == DType.FLOAT64 ? 1e150 : 1e18;
        Array t = subtract(v, 1.0);
        Array moderate = log1p(add(t, sqrt(multiply(t, add(v, 1.0)))));
        Array large = add(log(v), Math.log(2));
        Array r = where(greater(v, big), large, moderate);
        return where(less(v, 1.0), fullLike(r, Double.NaN), r);
    }

    /** Inverse hyperbolic tangent (±inf at ±1, NaN beyond), odd; integers become float32. */
    public static Array arctanh(Array x) {
        Array v = Nn.inexact(x);
        return multiply(log1p(divide(multiply(v, 2.0), subtract(1.0, v))), 0.5);
    }

    /** Same as {@link #arcsinh}. */
    public static Array asinh(Array x) {
        return arcsinh(x);
    }

    /** Same as {@link #arccosh}. */
    public static Array acosh(Array x) {
        Objects.requireNonNull(x, "x");
        return arccosh(x);
    }

    /** Same as {@link #arctanh}. */
    public static Array atanh(Array x) {
        Objects.requireNonNull(x, "x");
        return arctanh(x);
    }

    /** Rounds toward zero; integer and bool arrays are returned unchanged. */
    public static Array trunc(Array x) {
        Objects.requireNonNull(x, "x");
        return x.dtype().isFloating() ? where(less(x, 0.0), ceil(x), floor(x)) : x;
    }

    /** Same as {@link #trunc}. */
    public static Array fix(Array x) {
        Objects.requireNonNull(x, "x");
        return trunc(x);
    }

    /** Rounds to the nearest integer, halves to even (as {@link #round(Array)}). */
    public static Array rint(Array x) {
        Objects.requireNonNull(x, "x");
        return x.dtype().isFloating() ? round(x) : Nn.inexact(x);
    }

    /** Whether the sign is negative (bool), true for -0.0; NaN's sign is not inspected. */
    public static Array signbit(Array x) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            return x.dtype() == DType.BOOL || x.dtype() == DType.UINT32
                    ? zerosLike(Lax.convert(x, DType.BOOL))
                    : less(x, 0);
        }
        Array negZero = logicalAnd(equal(x, 0.0), less(divide(1.0, x), 0.0));
        return logicalOr(less(x, 0.0), negZero);
    }

    /** {@code |a|} with the sign of {@code b} (including -0.0); integers become float32. */
    public static Array copysign(Object a, Object b) {
        Array[] ab = prepare("copysign", inexactType(a, b), a, b);
        Array m = abs(ab[0]);
        return where(signbit(ab[1]), negative(m), m);
    }

    /**
     * The representable value next to {@code a} in the direction of {@code b}, element-wise (C's and
     * NumPy's {@code nextafter}), bit-exact: {@code b} where {@code a == b}, subnormals included.
     * Operands are promoted to a common floating dtype (integers to float32) and broadcast. Not
     * differentiable, as in JAX.
     */
    public static Array nextafter(Object a, Object b) {
        return binary("nextafter", Primitive.NEXTAFTER, a, b, inexactType(a, b));
    }

    /** The modified Bessel function of order 0, as {@code jnp.i0}; same as {@link Special#i0}. */
    public static Array i0(Array x) {
        return Special.i0(x);
    }

    /** The remainder of truncated division, with the sign of the dividend (C's fmod). */
    public static Array fmod(Object a, Object b) {
        DType t = numericType(a, b);
        if (t == DType.BOOL) {
            t = DType.INT32;
        }
        if (t.isInteger()) {
            // as jnp.fmod: an integer divisor of 0 counts as 1, so x fmod 0 is 0 (not x)
            Array[] xs = prepare("fmod", t, a, b);
            Array y = Lax.bind(
                    Primitive.SELECT, Lax.bind(Primitive.EQ, xs[1], constant(xs[1], 0)), constant(xs[1], 1), xs[1]);
            return Lax.bind(Primitive.REM, xs[0], y);
        }
        return binary("fmod", Primitive.REM, a, b, t);
    }

    /** {@code [floorDivide(a, b), mod(a, b)]}. */
    public static Array[] divmod(Object a, Object b) {
        return new Array[] {floorDivide(a, b), mod(a, b)};
    }

    /** {@code [x - trunc(x), trunc(x)]}, the fractional and integral parts with x's sign. */
    public static Array[] modf(Array x) {
        Objects.requireNonNull(x, "x");
        Array v = Nn.inexact(x);
        Array whole = where(greaterEqual(v, 0.0), floor(v), ceil(v));
        return new Array[] {subtract(v, whole), whole};
    }

    /** {@code sqrt(a^2 + b^2)} without overflow or underflow; inf if either is infinite. */
    public static Array hypot(Object a, Object b) {
        Array[] ab = prepare("hypot", inexactType(a, b), a, b);
        Array x = abs(ab[0]);
        Array y = abs(ab[1]);
        Array big = maximum(x, y);
        Array small = minimum(x, y);
        Array safe = where(equal(big, 0.0), onesLike(big), big);
        Array r = divide(small, safe);
        Array out = multiply(big, sqrt(add(multiply(r, r), 1.0)));
        // big itself (not a constant 0) where it is 0, as jnp.hypot: the derivative at (0, 0) is
        // then that of max(|a|, |b|), 1/2 to each side of the tie
        out = where(equal(big, 0.0), big, out);
        return where(logicalOr(isinf(x), isinf(y)), fullLike(out, Double.POSITIVE_INFINITY), out);
    }

    /** {@code log(e^a + e^b)} without overflow, with JAX's derivative (finite at infinite inputs). */
    public static Array logaddexp(Object a, Object b) {
        return logaddexpLike("logaddexp", a, b, false);
    }

    /** {@code log2(2^a + 2^b)} without overflow, with JAX's derivative. */
    public static Array logaddexp2(Object a, Object b) {
        return logaddexpLike("logaddexp2", a, b, true);
    }

    private static Array logaddexpLike(String fn, Object a, Object b, boolean base2) {
        Array[] ab = prepare(fn, inexactType(a, b), a, b);
        return Kiln.<Array[], Array>customJvp(p -> logaddexpValue(p[0], p[1], base2), (p, t) -> {
                    Array out = logaddexpValue(p[0], p[1], base2);
                    Array ro = replaceInf(out);
                    Array w0 = base2 ? exp2(subtract(replaceInf(p[0]), ro)) : exp(subtract(replaceInf(p[0]), ro));
                    Array w1 = base2 ? exp2(subtract(replaceInf(p[1]), ro)) : exp(subtract(replaceInf(p[1]), ro));
                    return new Kiln.Jvp<>(out, add(multiply(t[0], w0), multiply(t[1], w1)));
                })
                .apply(ab);
    }

    /**
     * {@code x} with +inf replaced by 0, as JAX's logaddexp derivative: -inf stays, so the weight
     * {@code exp(-inf - out)} of an operand at -inf is 0 (softplus'(-inf) = 0).
     */
    private static Array replaceInf(Array x) {
        return where(isposinf(x), zerosLike(x), x);
    }

    private static Array logaddexpValue(Array x, Array y, boolean base2) {
        Array amax = maximum(x, y);
        Array delta = subtract(x, y);
        Array negAbs = negative(abs(delta));
        Array tail = base2 ? multiply(log1p(exp2(negAbs)), 1 / Math.log(2)) : log1p(exp(negAbs));
        return where(isnan(delta), add(x, y), add(amax, tail));
    }

    /** {@code sin(pi x) / (pi x)}, 1 at 0. */
    public static Array sinc(Array x) {
        Array v = Nn.inexact(x);
        Array zero = equal(v, 0.0);
        Array safe = multiply(where(zero, onesLike(v), v), Math.PI);
        return where(zero, onesLike(v), divide(sin(safe), safe));
    }

    /** Degrees to radians; integers become float32. */
    public static Array deg2rad(Array x) {
        Objects.requireNonNull(x, "x");
        return multiply(Nn.inexact(x), Math.PI / 180);
    }

    /** Radians to degrees; integers become float32. */
    public static Array rad2deg(Array x) {
        return multiply(Nn.inexact(x), 180 / Math.PI);
    }

    /** Same as {@link #deg2rad}. */
    public static Array radians(Array x) {
        return deg2rad(x);
    }

    /** Same as {@link #rad2deg}. */
    public static Array degrees(Array x) {
        Objects.requireNonNull(x, "x");
        return rad2deg(x);
    }

    /** Absolute value as a float (integers become float32). */
    public static Array fabs(Array x) {
        Objects.requireNonNull(x, "x");
        return abs(Nn.inexact(x));
    }

    /** Element-wise maximum that ignores NaN (NaN only where both are NaN). */
    public static Array fmax(Object a, Object b) {
        Array[] ab = prepare("fmax", resultType(a, b), a, b);
        // as jnp.fmax: a where a > b or b is NaN, else b (so a tie's derivative goes to b)
        return where(logicalOr(greater(ab[0], ab[1]), isnan(ab[1])), ab[0], ab[1]);
    }

    /** Element-wise minimum that ignores NaN (NaN only where both are NaN). */
    public static Array fmin(Object a, Object b) {
        Array[] ab = prepare("fmin", resultType(a, b), a, b);
        // as jnp.fmin: a where a < b or b is NaN, else b (so a tie's derivative goes to b)
        return where(logicalOr(less(ab[0], ab[1]), isnan(ab[1])), ab[0], ab[1]);
    }

    /** Whether each element is -inf. */
    public static Array isneginf(Array x) {
        return logicalAnd(isinf(x), x.dtype().isFloating() ? less(x, 0.0) : zerosLike(Lax.convert(x, DType.BOOL)));
    }

    /** Whether each element is +inf. */
    public static Array isposinf(Array x) {
        return logicalAnd(isinf(x), x.dtype().isFloating() ? greater(x, 0.0) : zerosLike(Lax.convert(x, DType.BOOL)));
    }

    /** 0 where {@code x1 < 0}, 1 where {@code x1 > 0}, {@code x2} where {@code x1 == 0}; NaN stays NaN. */
    public static Array heaviside(Object x1, Object x2) {
        Array[] xy = prepare("heaviside", inexactType(x1, x2), x1, x2);
        Array x = xy[0];
        return where(less(x, 0.0), zerosLike(x), where(greater(x, 0.0), onesLike(x), where(isnan(x), x, xy[1])));
    }

    /** {@code a ** b} computed in the inexact promoted dtype (integers become float32). */
    public static Array floatPower(Object a, Object b) {
        Array[] ab = prepare("floatPower", inexactType(a, b), a, b);
        return power(ab[0], ab[1]);
    }

    /**
     * Whether {@code |a - b| <= atol + rtol |b|} element-wise (rtol 1e-5, atol 1e-8); infinities are
     * close only to themselves, NaN to nothing.
     */
    public static Array isclose(Object a, Object b) {
        return isclose(a, b, 1e-5, 1e-8, false);
    }

    /** {@link #isclose(Object, Object)} with explicit tolerances and NaN equality. */
    public static Array isclose(Object a, Object b, double rtol, double atol, boolean equalNan) {
        DType t = resultType(a, b);
        if (!t.isFloating()) {
            Array[] ab = prepare("isclose", t, a, b);
            return equal(ab[0], ab[1]);
        }
        Array[] ab = prepare("isclose", t, a, b);
        Array x = ab[0];
        Array y = ab[1];
        Array close = lessEqual(abs(subtract(x, y)), add(multiply(abs(y), rtol), atol));
        Array anyInf = logicalOr(isinf(x), isinf(y));
        close = where(anyInf, equal(x, y), close);
        if (equalNan) {
            close = logicalOr(close, logicalAnd(isnan(x), isnan(y)));
        }
        return close;
    }

    /** Whether every element pair is {@link #isclose} (a 0-d bool). */
    public static Array allclose(Object a, Object b) {
        return all(isclose(a, b));
    }

    /** {@link #allclose(Object, Object)} with explicit tolerances. */
    public static Array allclose(Object a, Object b, double rtol, double atol, boolean equalNan) {
        return all(isclose(a, b, rtol, atol, equalNan));
    }

    /**
     * The greatest common divisor of integers (non-negative; gcd(0, 0) = 0).
     *
     * @throws DTypeException for float operands
     */
    public static Array gcd(Object a, Object b) {
        DType t = resultType(a, b);
        if (t.isFloating() || t == DType.BOOL) {
            throw new DTypeException("gcd: needs integer operands, got " + t + "; astype an integer dtype first");
        }
        Array[] ab = prepare("gcd", t, a, b);
        Array[] init = {abs(ab[0]), abs(ab[1])};
        Array[] out = Lax.whileLoop(
                c -> any(notEqual(c[1], 0)),
                c -> {
                    Array zero = equal(c[1], 0);
                    Array safe = where(zero, onesLike(c[1]), c[1]);
                    return new Array[] {where(zero, c[0], c[1]), where(zero, zerosLike(c[1]), mod(c[0], safe))};
                },
                init);
        return out[0];
    }

    /**
     * The least common multiple of integers (non-negative; 0 if either is 0).
     *
     * @throws DTypeException for float operands
     */
    public static Array lcm(Object a, Object b) {
        DType t = resultType(a, b);
        if (t.isFloating() || t == DType.BOOL) {
            throw new DTypeException("lcm: needs integer operands, got " + t + "; astype an integer dtype first");
        }
        Array[] ab = prepare("lcm", t, a, b);
        Array d = gcd(ab[0], ab[1]);
        Array zero = equal(d, 0);
        Array safe = where(zero, onesLike(d), d);
        return where(zero, zerosLike(d), abs(multiply(ab[0], floorDivide(ab[1], safe))));
    }

    // ---------------------------------------------------------------- NaN-aware reductions and statistics

    private static Array nanReplaced(Array x, double value) {
        Objects.requireNonNull(x, "x");
        return x.dtype().isFloating() ? where(isnan(x), fullLike(x, value), x) : x;
    }

    private static Array nonNanCount(Array x, int[] axes, boolean keepdims) {
        Array ok = x.dtype().isFloating() ? logicalNot(isnan(x)) : full(DType.BOOL, 1, x.shape());
        return sum(ok, axes, keepdims);
    }

    /** The sum with NaN treated as 0, over {@code axes} ({@code null} = all). */
    public static Array nansum(Array x, int[] axes, boolean keepdims) {
        return sum(nanReplaced(x, 0), axes, keepdims);
    }

    /** {@link #nansum(Array, int[], boolean)} over all elements. */
    public static Array nansum(Array x) {
        Objects.requireNonNull(x, "x");
        return nansum(x, null, false);
    }

    /** The product with NaN treated as 1. */
    public static Array nanprod(Array x, int[] axes, boolean keepdims) {
        return prod(nanReplaced(x, 1), axes, keepdims);
    }

    /** {@link #nanprod(Array, int[], boolean)} over all elements. */
    public static Array nanprod(Array x) {
        return nanprod(x, null, false);
    }

    /** The maximum ignoring NaN; NaN where a slice is all NaN. */
    public static Array nanmax(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            return max(x, axes, keepdims);
        }
        Array r = max(nanReplaced(x, Double.NEGATIVE_INFINITY), axes, keepdims);
        return where(all(isnan(x), axes, keepdims), fullLike(r, Double.NaN), r);
    }

    /** {@link #nanmax(Array, int[], boolean)} over all elements. */
    public static Array nanmax(Array x) {
        Objects.requireNonNull(x, "x");
        return nanmax(x, null, false);
    }

    /** The minimum ignoring NaN; NaN where a slice is all NaN. */
    public static Array nanmin(Array x, int[] axes, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            return min(x, axes, keepdims);
        }
        Array r = min(nanReplaced(x, Double.POSITIVE_INFINITY), axes, keepdims);
        return where(all(isnan(x), axes, keepdims), fullLike(r, Double.NaN), r);
    }

    /** {@link #nanmin(Array, int[], boolean)} over all elements. */
    public static Array nanmin(Array x) {
        Objects.requireNonNull(x, "x");
        return nanmin(x, null, false);
    }

    /** The mean of the non-NaN elements (NaN where there are none); integers become float32. */
    public static Array nanmean(Array x, int[] axes, boolean keepdims) {
        Array v = Nn.inexact(x);
        Array n = Lax.convert(nonNanCount(v, axes, keepdims), v.dtype());
        return divide(nansum(v, axes, keepdims), n);
    }

    /** {@link #nanmean(Array, int[], boolean)} over all elements. */
    public static Array nanmean(Array x) {
        Objects.requireNonNull(x, "x");
        return nanmean(x, null, false);
    }

    /** The variance of the non-NaN elements, divided by {@code count - ddof}. */
    public static Array nanvar(Array x, int[] axes, boolean keepdims, int ddof) {
        Objects.requireNonNull(x, "x");
        Array v = Nn.inexact(x);
        Array mean = nanmean(v, axes, true);
        Array centered = nanReplaced(subtract(v, mean), 0);
        Array n = subtract(Lax.convert(nonNanCount(v, axes, keepdims), v.dtype()), (double) ddof);
        Array s = sum(multiply(centered, centered), axes, keepdims);
        return divide(s, where(lessEqual(n, 0.0), fullLike(n, Double.NaN), n));
    }

    /** {@link #nanvar(Array, int[], boolean, int)} over all elements, ddof 0. */
    public static Array nanvar(Array x) {
        return nanvar(x, null, false, 0);
    }

    /** The standard deviation of the non-NaN elements. */
    public static Array nanstd(Array x, int[] axes, boolean keepdims, int ddof) {
        Objects.requireNonNull(x, "x");
        return sqrt(nanvar(x, axes, keepdims, ddof));
    }

    /** {@link #nanstd(Array, int[], boolean, int)} over all elements, ddof 0. */
    public static Array nanstd(Array x) {
        return nanstd(x, null, false, 0);
    }

    /** The index of the largest non-NaN element along {@code axis}; -1 where a slice is all NaN. */
    public static Array nanargmax(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            return argmax(x, axis);
        }
        Array r = argmax(nanReplaced(x, Double.NEGATIVE_INFINITY), axis);
        return where(all(isnan(x), new int[] {axis}, false), fullLike(r, -1), r);
    }

    /** The index of the smallest non-NaN element along {@code axis}; -1 where a slice is all NaN. */
    public static Array nanargmin(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            return argmin(x, axis);
        }
        Array r = argmin(nanReplaced(x, Double.POSITIVE_INFINITY), axis);
        return where(all(isnan(x), new int[] {axis}, false), fullLike(r, -1), r);
    }

    /** The cumulative sum with NaN treated as 0. */
    public static Array nancumsum(Array x, int axis) {
        return cumsum(nanReplaced(x, 0), axis);
    }

    /** The cumulative product with NaN treated as 1. */
    public static Array nancumprod(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return cumprod(nanReplaced(x, 1), axis);
    }

    /** {@code max - min} over {@code axes} ({@code null} = all). */
    public static Array ptp(Array x, int[] axes, boolean keepdims) {
        return subtract(max(x, axes, keepdims), min(x, axes, keepdims));
    }

    /** {@link #ptp(Array, int[], boolean)} over all elements. */
    public static Array ptp(Array x) {
        return ptp(x, null, false);
    }

    /** Same as {@link #max(Array, int[], boolean)}. */
    public static Array amax(Array x, int[] axes, boolean keepdims) {
        return max(x, axes, keepdims);
    }

    /** Same as {@link #min(Array, int[], boolean)}. */
    public static Array amin(Array x, int[] axes, boolean keepdims) {
        return min(x, axes, keepdims);
    }

    /** The number of non-zero (true) elements over {@code axes} ({@code null} = all), as int32. */
    public static Array countNonzero(Array x, int[] axes, boolean keepdims) {
        return sum(notEqual(x, 0), axes, keepdims);
    }

    /** {@link #countNonzero(Array, int[], boolean)} over all elements. */
    public static Array countNonzero(Array x) {
        return countNonzero(x, null, false);
    }

    /**
     * The weighted mean {@code sum(x w) / sum(w)} along {@code axis} ({@code null} = all): {@code
     * weights} has x's shape, or is 1-d with the length of that axis.
     *
     * @throws ShapeException when the weights fit neither form
     */
    public static Array average(Array x, Integer axis, Array weights) {
        if (weights == null) {
            return axis == null ? mean(x) : mean(x, axis);
        }
        DType t = inexactType(x, weights);
        Array v = Lax.convert(x, t);
        Array w = Lax.convert(weights, t);
        if (!java.util.Arrays.equals(v.shape(), w.shape())) {
            if (axis == null || w.ndim() != 1 || w.shape(0) != v.shape(Shape.axis("average", axis, v.ndim()))) {
                throw new ShapeException("average: weights of shape " + Shape.toString(w.shape())
                        + " fit neither x's shape " + Shape.toString(v.shape())
                        + " nor, 1-d, the length of the averaged axis; pass weights of x's shape");
            }
            int a = Shape.axis("average", axis, v.ndim());
            w = Lax.broadcastInDim(w, v.shape(), a);
        }
        int[] axes = axis == null ? null : new int[] {axis};
        return divide(sum(multiply(v, w), axes, false), sum(w, axes, false));
    }

    // ---------------------------------------------------------------- shape and construction helpers

    /** Same as {@link #concatenate(Array[], int)}. */
    public static Array concat(Array[] xs, int axis) {
        return concatenate(xs, axis);
    }

    /** Same as {@link #transpose(Array, int...)}. */
    public static Array permuteDims(Array x, int... axes) {
        return transpose(x, axes);
    }

    /** Swaps the last two axes. */
    public static Array matrixTranspose(Array x) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() < 2) {
            throw new ShapeException(
                    "matrixTranspose: needs at least 2 dimensions, got shape " + Shape.toString(x.shape()));
        }
        return swapaxes(x, -1, -2);
    }

    /** The number of dimensions. */
    public static int ndim(Array x) {
        Objects.requireNonNull(x, "x");
        return x.ndim();
    }

    /** The shape. */
    public static int[] shape(Array x) {
        Objects.requireNonNull(x, "x");
        return x.shape();
    }

    /** The number of elements. */
    public static int size(Array x) {
        Objects.requireNonNull(x, "x");
        return x.size();
    }

    /** Zeros of {@code dtype} (Kiln arrays are always initialised). */
    public static Array empty(DType dtype, int... shape) {
        return zeros(dtype, shape);
    }

    /** Zeros like {@code x} (Kiln arrays are always initialised). */
    public static Array emptyLike(Array x) {
        return zerosLike(x);
    }

    /** The n x n identity matrix (float32). */
    public static Array identity(int n) {
        return eye(n);
    }

    /** {@link #identity(int)} in {@code dtype}. */
    public static Array identity(int n, DType dtype) {
        return eye(n, n, 0, dtype);
    }

    /** {@code x} with new axes of length 1 at each of {@code axes} (positions in the result). */
    public static Array expandDims(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        int rank = x.ndim() + axes.length;
        int[] ax = Shape.axes("expandDims", axes, rank);
        if (ax.length != axes.length) {
            throw new AxisException("expandDims: repeated axis in " + java.util.Arrays.toString(axes));
        }
        int[] shape = new int[rank];
        boolean[] isNew = new boolean[rank];
        for (int a : ax) {
            isNew[a] = true;
        }
        for (int i = 0, j = 0; i < rank; i++) {
            shape[i] = isNew[i] ? 1 : x.shape(j++);
        }
        return reshape(x, shape);
    }

    /** Reverses the second axis. */
    public static Array fliplr(Array x) {
        return flip(x, 1);
    }

    /** Reverses the first axis. */
    public static Array flipud(Array x) {
        return flip(x, 0);
    }

    /** A matrix with ones at and below diagonal {@code k} (n x m, float32). */
    public static Array tri(int n, int m, int k) {
        return tri(n, m, k, DType.FLOAT32);
    }

    /** {@link #tri(int, int, int)} in {@code dtype}. */
    public static Array tri(int n, int m, int k, DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        Array i = Lax.iota(DType.INT32, new int[] {n, m}, 0);
        Array j = Lax.iota(DType.INT32, new int[] {n, m}, 1);
        return Lax.convert(lessEqual(subtract(j, i), k), dtype);
    }

    private static Array diagMask(String fn, Array x, int k, boolean lower) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() < 2) {
            throw new ShapeException(fn + ": needs at least 2 dimensions, got shape " + Shape.toString(x.shape()));
        }
        int n = x.shape(x.ndim() - 2), m = x.shape(x.ndim() - 1);
        Array i = Lax.iota(DType.INT32, new int[] {n, m}, 0);
        Array j = Lax.iota(DType.INT32, new int[] {n, m}, 1);
        Array d = subtract(j, i);
        return lower ? lessEqual(d, k) : greaterEqual(d, k);
    }

    /** The lower triangle (at and below diagonal {@code k}) of the last two axes, zeros elsewhere. */
    public static Array tril(Array x, int k) {
        return where(diagMask("tril", x, k, true), x, zerosLike(x));
    }

    /** {@link #tril(Array, int)} with k = 0. */
    public static Array tril(Array x) {
        Objects.requireNonNull(x, "x");
        return tril(x, 0);
    }

    /** The upper triangle (at and above diagonal {@code k}) of the last two axes, zeros elsewhere. */
    public static Array triu(Array x, int k) {
        Objects.requireNonNull(x, "x");
        return where(diagMask("triu", x, k, false), x, zerosLike(x));
    }

    /** {@link #triu(Array, int)} with k = 0. */
    public static Array triu(Array x) {
        return triu(x, 0);
    }

    /**
     * Diagonal {@code offset} of the plane of {@code axis1} and {@code axis2}: those axes are removed
     * and the diagonal becomes the last axis.
     */
    public static Array diagonal(Array x, int offset, int axis1, int axis2) {
        Objects.requireNonNull(x, "x");
        int a1 = Shape.axis("diagonal", axis1, x.ndim());
        int a2 = Shape.axis("diagonal", axis2, x.ndim());
        if (a1 == a2) {
            throw new AxisException("diagonal: axis1 and axis2 are the same axis (" + a1 + "); pass two distinct axes");
        }
        int[] perm = new int[x.ndim()];
        for (int i = 0, j = 0; i < x.ndim(); i++) {
            if (i != a1 && i != a2) {
                perm[j++] = i;
            }
        }
        perm[x.ndim() - 2] = a1;
        perm[x.ndim() - 1] = a2;
        Array t = transpose(x, perm);
        int n = x.shape(a1), m = x.shape(a2);
        int len = Math.max(0, Math.min(n - Math.max(0, -offset), m - Math.max(0, offset)));
        int[] lead = java.util.Arrays.copyOf(t.shape(), x.ndim() - 2);
        int[] flat = java.util.Arrays.copyOf(lead, lead.length + 1);
        flat[lead.length] = n * m;
        Array f = reshape(t, flat);
        int[] idx = new int[len];
        for (int i = 0; i < len; i++) {
            idx[i] = (i + Math.max(0, -offset)) * m + i + Math.max(0, offset);
        }
        if (len == 0 || n * m == 0) {
            int[] shape = java.util.Arrays.copyOf(lead, lead.length + 1);
            shape[lead.length] = 0;
            return zeros(x.dtype(), shape);
        }
        return take(f, array(idx, len), -1, "clip");
    }

    /** The main diagonal of the first two axes. */
    public static Array diagonal(Array x) {
        Objects.requireNonNull(x, "x");
        return diagonal(x, 0, 0, 1);
    }

    /** The sum of diagonal {@code offset} of the first two axes. */
    public static Array trace(Array x, int offset) {
        Array d = diagonal(x, offset, 0, 1);
        return sum(d, -1);
    }

    /** The sum of the main diagonal. */
    public static Array trace(Array x) {
        Objects.requireNonNull(x, "x");
        return trace(x, 0);
    }

    /** A 1-d array's values on diagonal {@code k} of a square matrix, or a matrix's diagonal {@code k}. */
    public static Array diag(Array v, int k) {
        Objects.requireNonNull(v, "v");
        if (v.ndim() == 2) {
            return diagonal(v, k, 0, 1);
        }
        if (v.ndim() != 1) {
            throw new ShapeException("diag: needs a 1-d or 2-d array, got shape " + Shape.toString(v.shape()));
        }
        int len = v.shape(0);
        int n = len + Math.abs(k);
        Array i = Lax.iota(DType.INT32, new int[] {n, n}, 0);
        Array j = Lax.iota(DType.INT32, new int[] {n, n}, 1);
        Array on = equal(subtract(j, i), k);
        if (len == 0) {
            return zeros(v.dtype(), n, n);
        }
        Array src = clip(k >= 0 ? i : j, 0, len - 1);
        return where(
                on,
                take(v, src, 0, "clip"),
                zerosLike(Lax.broadcastInDim(Lax.reshape(Lax.sliceInDim(v, 0, 0, 1), new int[0]), new int[] {n, n})));
    }

    /** {@link #diag(Array, int)} with k = 0. */
    public static Array diag(Array v) {
        Objects.requireNonNull(v, "v");
        return diag(v, 0);
    }

    /** Rolls elements by {@code shift} along {@code axis}; elements leaving one end enter at the other. */
    public static Array roll(Array x, int shift, int axis) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("roll", axis, x.ndim());
        int n = x.shape(a);
        if (n == 0) {
            return x;
        }
        int s = Math.floorMod(shift, n);
        if (s == 0) {
            return x;
        }
        return concatenate(new Array[] {Lax.sliceInDim(x, a, n - s, n), Lax.sliceInDim(x, a, 0, n - s)}, a);
    }

    /** Rolls the flattened array and restores the shape. */
    public static Array roll(Array x, int shift) {
        return reshape(roll(ravel(x), shift, 0), x.shape());
    }

    /**
     * {@code jnp.roll(x, shifts, axes)}: each axis rolled by its shift ({@code shifts} and {@code
     * axes} broadcast against each other: one shift for several axes, or one axis rolled several
     * times).
     *
     * @throws ShapeException when both have several entries of different counts
     */
    public static Array roll(Array x, int[] shifts, int[] axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(shifts, "shifts");
        Objects.requireNonNull(axes, "axes");
        int k = Math.max(shifts.length, axes.length);
        if (shifts.length != k && shifts.length != 1 || axes.length != k && axes.length != 1) {
            throw new ShapeException("roll: " + shifts.length + " shifts do not match " + axes.length
                    + " axes; give one shift per axis, or one shift for all axes");
        }
        Array out = x;
        for (int i = 0; i < k; i++) {
            out = roll(out, shifts[shifts.length == 1 ? 0 : i], axes[axes.length == 1 ? 0 : i]);
        }
        return out;
    }

    /** Rotates by 90 degrees {@code k} times in the plane of the first two axes. */
    public static Array rot90(Array x, int k) {
        Objects.requireNonNull(x, "x");
        return rot90(x, k, 0, 1);
    }

    /** Rotates by 90 degrees {@code k} times from {@code axis0} towards {@code axis1}. */
    public static Array rot90(Array x, int k, int axis0, int axis1) {
        Objects.requireNonNull(x, "x");
        int a0 = Shape.axis("rot90", axis0, x.ndim());
        int a1 = Shape.axis("rot90", axis1, x.ndim());
        if (a0 == a1) {
            throw new AxisException("rot90: the two axes must differ, got " + axis0 + " and " + axis1);
        }
        int r = Math.floorMod(k, 4);
        return switch (r) {
            case 0 -> x;
            case 2 -> flip(x, a0, a1);
            case 1 -> swapaxes(flip(x, a1), a0, a1);
            default -> flip(swapaxes(x, a0, a1), a1);
        };
    }

    /**
     * Sums products over {@code axesA} of a paired with {@code axesB} of b; the result has a's free
     * axes then b's.
     */
    public static Array tensordot(Array a, Array b, int[] axesA, int[] axesB) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(axesA, "axesA");
        Objects.requireNonNull(axesB, "axesB");
        if (axesA.length != axesB.length) {
            throw new AxisException("tensordot: " + axesA.length + " axes of a paired with " + axesB.length
                    + " of b; pass the same number of axes for each");
        }
        int[] ca = new int[axesA.length];
        int[] cb = new int[axesB.length];
        for (int i = 0; i < ca.length; i++) {
            ca[i] = Shape.axis("tensordot", axesA[i], a.ndim());
            cb[i] = Shape.axis("tensordot", axesB[i], b.ndim());
            if (a.shape(ca[i]) != b.shape(cb[i])) {
                throw new ShapeException("tensordot: axis " + ca[i] + " of a (length " + a.shape(ca[i])
                        + ") is paired with axis " + cb[i] + " of b (length " + b.shape(cb[i]) + ")");
            }
        }
        DType t = resultType(a, b);
        return Lax.dotGeneral(Lax.convert(a, t), Lax.convert(b, t), ca, cb, new int[0], new int[0]);
    }

    /** {@link #tensordot(Array, Array, int[], int[])} over the last {@code n} axes of a and the first n of b. */
    public static Array tensordot(Array a, Array b, int n) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (n < 0 || n > a.ndim() || n > b.ndim()) {
            throw new AxisException("tensordot: cannot contract " + n + " axes of arrays with " + a.ndim() + " and "
                    + b.ndim() + " dimensions; pass 0.." + Math.min(a.ndim(), b.ndim()));
        }
        int[] axesA = new int[n];
        int[] axesB = new int[n];
        for (int i = 0; i < n; i++) {
            axesA[i] = a.ndim() - n + i;
            axesB[i] = i;
        }
        return tensordot(a, b, axesA, axesB);
    }

    /** Sums products over the last axes of a and b (a scalar times an array for 0-d operands). */
    public static Array inner(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.ndim() == 0 || b.ndim() == 0) {
            return multiply(a, b);
        }
        return tensordot(a, b, new int[] {-1}, new int[] {-1});
    }

    /** The dot product of the flattened arrays. */
    public static Array vdot(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return dot(ravel(a), ravel(b));
    }

    /** The Kronecker product: blocks of b scaled by each element of a. */
    public static Array kron(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        int rank = Math.max(a.ndim(), b.ndim());
        Array x = atLeastRank(a, rank);
        Array y = atLeastRank(b, rank);
        int[] xs = new int[2 * rank];
        int[] ys = new int[2 * rank];
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            xs[2 * i] = x.shape(i);
            xs[2 * i + 1] = 1;
            ys[2 * i] = 1;
            ys[2 * i + 1] = y.shape(i);
            out[i] = x.shape(i) * y.shape(i);
        }
        return reshape(multiply(reshape(x, xs), reshape(y, ys)), out);
    }

    private static Array atLeastRank(Array x, int rank) {
        if (x.ndim() >= rank) {
            return x;
        }
        int[] shape = new int[rank];
        java.util.Arrays.fill(shape, 1);
        System.arraycopy(x.shape(), 0, shape, rank - x.ndim(), x.ndim());
        return reshape(x, shape);
    }

    /**
     * The cross product of 3-vectors along the last axis (broadcasting the others).
     *
     * @throws ShapeException when the last axes do not have length 3
     */
    public static Array cross(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.ndim() == 0 || b.ndim() == 0 || a.shape(a.ndim() - 1) != 3 || b.shape(b.ndim() - 1) != 3) {
            throw new ShapeException("cross: needs 3-vectors along the last axis, got shapes "
                    + Shape.toString(a.shape()) + " and " + Shape.toString(b.shape()));
        }
        Array[] c = new Array[3];
        Array[] ax = new Array[3];
        Array[] bx = new Array[3];
        for (int i = 0; i < 3; i++) {
            ax[i] = Lax.reshape(
                    Lax.sliceInDim(a, a.ndim() - 1, i, i + 1), java.util.Arrays.copyOf(a.shape(), a.ndim() - 1));
            bx[i] = Lax.reshape(
                    Lax.sliceInDim(b, b.ndim() - 1, i, i + 1), java.util.Arrays.copyOf(b.shape(), b.ndim() - 1));
        }
        for (int i = 0; i < 3; i++) {
            int j = (i + 1) % 3, k = (i + 2) % 3;
            c[i] = subtract(multiply(ax[j], bx[k]), multiply(ax[k], bx[j]));
        }
        return stack(c, -1);
    }

    /** 0-d arrays become 1-d of length 1; others are returned unchanged. */
    public static Array atleast1d(Array x) {
        Objects.requireNonNull(x, "x");
        return x.ndim() >= 1 ? x : reshape(x, 1);
    }

    /** 0-d arrays become (1, 1), 1-d (1, n); others are returned unchanged. */
    public static Array atleast2d(Array x) {
        Objects.requireNonNull(x, "x");
        return x.ndim() >= 2 ? x : reshape(x, 1, x.ndim() == 0 ? 1 : x.shape(0));
    }

    /** 0-d become (1, 1, 1), 1-d (1, n, 1), 2-d (m, n, 1); others are returned unchanged. */
    public static Array atleast3d(Array x) {
        Objects.requireNonNull(x, "x");
        return switch (x.ndim()) {
            case 0 -> reshape(x, 1, 1, 1);
            case 1 -> reshape(x, 1, x.shape(0), 1);
            case 2 -> reshape(x, x.shape(0), x.shape(1), 1);
            default -> x;
        };
    }

    private static Array[] mapped(Array[] xs, java.util.function.UnaryOperator<Array> f) {
        NullChecks.elements(xs, "xs");
        if (xs.length == 0) {
            throw new ShapeException("stack: needs at least one array; pass one or more arrays");
        }
        Array[] out = new Array[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = f.apply(xs[i]);
        }
        return out;
    }

    /** Joins along the second axis (the first for 1-d arrays). */
    public static Array hstack(Array... xs) {
        Objects.requireNonNull(xs, "xs");
        Array[] a = mapped(xs, Np::atleast1d);
        return concatenate(a, a[0].ndim() == 1 ? 0 : 1);
    }

    /** Joins along the first axis after making every array at least 2-d. */
    public static Array vstack(Array... xs) {
        Objects.requireNonNull(xs, "xs");
        return concatenate(mapped(xs, Np::atleast2d), 0);
    }

    /** Joins along the third axis after making every array at least 3-d. */
    public static Array dstack(Array... xs) {
        return concatenate(mapped(xs, Np::atleast3d), 2);
    }

    /** Joins 1-d arrays as columns (and 2-d arrays along their second axis). */
    public static Array columnStack(Array... xs) {
        Objects.requireNonNull(xs, "xs");
        return concatenate(mapped(xs, x -> x.ndim() < 2 ? reshape(x, x.size(), 1) : x), 1);
    }

    /**
     * Coordinate grids from 1-d arrays: with {@code "xy"} indexing the first two output axes are
     * swapped (Cartesian), with {@code "ij"} they follow the inputs (matrix).
     */
    public static Array[] meshgrid(String indexing, Array... xs) {
        Objects.requireNonNull(indexing, "indexing");
        Objects.requireNonNull(xs, "xs");
        if (!indexing.equals("xy") && !indexing.equals("ij")) {
            throw new KilnException("meshgrid: indexing must be \"xy\" or \"ij\", got \"" + indexing + "\"");
        }
        int n = xs.length;
        int[] shape = new int[n];
        for (int i = 0; i < n; i++) {
            if (xs[i].ndim() != 1) {
                throw new ShapeException(
                        "meshgrid: needs 1-d arrays, argument " + i + " has shape " + Shape.toString(xs[i].shape()));
            }
            shape[i] = xs[i].shape(0);
        }
        boolean swap = indexing.equals("xy") && n >= 2;
        if (swap) {
            int t = shape[0];
            shape[0] = shape[1];
            shape[1] = t;
        }
        Array[] out = new Array[n];
        for (int i = 0; i < n; i++) {
            int dim = swap && i < 2 ? 1 - i : i;
            out[i] = Lax.broadcastInDim(xs[i], shape, dim);
        }
        return out;
    }

    /** The int32 index grids of an array of shape {@code dims}, stacked: shape {@code (len(dims), *dims)}. */
    public static Array indices(int... dims) {
        Objects.requireNonNull(dims, "dims");
        checkShape("indices", dims);
        Array[] grids = new Array[dims.length];
        for (int i = 0; i < dims.length; i++) {
            grids[i] = Lax.iota(DType.INT32, dims, i);
        }
        return dims.length == 0 ? zeros(DType.INT32, 0) : stack(grids, 0);
    }

    // ---------------------------------------------------------------- sorting and order statistics

    /** {@code x} sorted ascending along its last axis (NaN last, stable), as {@code jnp.sort(x)}. */
    public static Array sort(Array x) {
        Objects.requireNonNull(x, "x");
        return Sorting.sort("sort", x, -1, false);
    }

    /** {@code x} sorted ascending along {@code axis} ({@code null} = flattened), NaN last, stable. */
    public static Array sort(Array x, Integer axis) {
        Objects.requireNonNull(x, "x");
        return Sorting.sort("sort", x, axis, false);
    }

    /** {@link #sort(Array, Integer)}, descending ({@code true}: largest first, NaN first). */
    public static Array sort(Array x, Integer axis, boolean descending) {
        Objects.requireNonNull(x, "x");
        return Sorting.sort("sort", x, axis, descending);
    }

    /**
     * The int32 indices that sort {@code x} along its last axis (stable, NaN last), as {@code
     * jnp.argsort(x)}.
     */
    public static Array argsort(Array x) {
        Objects.requireNonNull(x, "x");
        return Sorting.argsort("argsort", x, -1, false);
    }

    /** The int32 indices that sort {@code x} along {@code axis} ({@code null} = flattened). */
    public static Array argsort(Array x, Integer axis) {
        Objects.requireNonNull(x, "x");
        return Sorting.argsort("argsort", x, axis, false);
    }

    /** {@link #argsort(Array, Integer)}, descending (ties keep their order). */
    public static Array argsort(Array x, Integer axis, boolean descending) {
        Objects.requireNonNull(x, "x");
        return Sorting.argsort("argsort", x, axis, descending);
    }

    /**
     * Where each of {@code v} would be inserted into the sorted 1-d {@code a} (int32), before equal
     * elements.
     */
    public static Array searchsorted(Array a, Array v) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(v, "v");
        return Sorting.searchsorted(a, v, "left");
    }

    /** {@link #searchsorted(Array, Array)} with {@code side} "left" or "right". */
    public static Array searchsorted(Array a, Array v, String side) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(v, "v");
        return Sorting.searchsorted(a, v, side);
    }

    /**
     * The {@code q}-th quantile ({@code q} in [0, 1]) along {@code axis} ({@code null} = all), linear
     * interpolation between the two nearest ranks; NaN where a slice holds NaN.
     */
    public static Array quantile(Array x, double q, Integer axis, boolean keepdims) {
        return Sorting.quantile("quantile", x, q, axis, keepdims, false);
    }

    /** {@link #quantile} with {@code p} in percent. */
    public static Array percentile(Array x, double p, Integer axis, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Sorting.quantile("percentile", x, p / 100, axis, keepdims, false);
    }

    /**
     * {@code jnp.quantile(x, q, axis, keepdims=keepdims, method=method)}: the quantiles {@code q} (a
     * scalar or 1-d array of fractions in [0, 1], possibly traced) along {@code axis} (null: of all
     * elements), shaped {@code q.shape + the reduced shape}; {@code method} is {@code "linear"},
     * {@code "lower"}, {@code "higher"}, {@code "midpoint"} or {@code "nearest"}. NaN in a slice gives
     * NaN.
     */
    public static Array quantile(Array x, Array q, Integer axis, boolean keepdims, String method) {
        return Sorting.quantile("quantile", x, q, axis, keepdims, false, method);
    }

    /** {@link #quantile(Array, Array, Integer, boolean, String)} with {@code p} in percent. */
    public static Array percentile(Array x, Array p, Integer axis, boolean keepdims, String method) {
        Objects.requireNonNull(p, "p");
        return Sorting.quantile("percentile", x, divide(p, 100.0), axis, keepdims, false, method);
    }

    /** {@link #quantile(Array, Array, Integer, boolean, String)} ignoring NaNs. */
    public static Array nanquantile(Array x, Array q, Integer axis, boolean keepdims, String method) {
        return Sorting.quantile("nanquantile", x, q, axis, keepdims, true, method);
    }

    /** {@link #percentile(Array, Array, Integer, boolean, String)} ignoring NaNs. */
    public static Array nanpercentile(Array x, Array p, Integer axis, boolean keepdims, String method) {
        Objects.requireNonNull(p, "p");
        return Sorting.quantile("nanpercentile", x, divide(p, 100.0), axis, keepdims, true, method);
    }

    /** The median along {@code axis} ({@code null} = all). */
    public static Array median(Array x, Integer axis, boolean keepdims) {
        return Sorting.quantile("median", x, 0.5, axis, keepdims, false);
    }

    /** The median of all elements. */
    public static Array median(Array x) {
        Objects.requireNonNull(x, "x");
        return median(x, null, false);
    }

    /** {@link #quantile} ignoring NaN (NaN only where a slice is all NaN). */
    public static Array nanquantile(Array x, double q, Integer axis, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Sorting.quantile("nanquantile", x, q, axis, keepdims, true);
    }

    /** {@link #percentile} ignoring NaN. */
    public static Array nanpercentile(Array x, double p, Integer axis, boolean keepdims) {
        return Sorting.quantile("nanpercentile", x, p / 100, axis, keepdims, true);
    }

    /** {@link #median} ignoring NaN. */
    public static Array nanmedian(Array x, Integer axis, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        return Sorting.quantile("nanmedian", x, 0.5, axis, keepdims, true);
    }

    // ---------------------------------------------------------------- more NumPy helpers (issue 14)

    /** Whether the arrays have the same shape and equal elements (a 0-d bool; NaN is unequal). */
    public static Array arrayEqual(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            return scalar(false);
        }
        return all(equal(a, b));
    }

    /**
     * {@code jnp.array_equal(a, b, equal_nan)}: as {@link #arrayEqual(Array, Array)}, with NaNs at
     * the same places counted equal when {@code equalNan}.
     */
    public static Array arrayEqual(Array a, Array b, boolean equalNan) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (!equalNan || !java.util.Arrays.equals(a.shape(), b.shape())) {
            return arrayEqual(a, b);
        }
        Array same = equal(a, b);
        if (a.dtype().isFloating() || b.dtype().isFloating()) {
            same = logicalOr(same, logicalAnd(isnan(a), isnan(b)));
        }
        return all(same);
    }

    /** Whether the arrays broadcast together and are equal everywhere (a 0-d bool). */
    public static Array arrayEquiv(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        try {
            broadcastShapes("arrayEquiv", a.shape(), b.shape());
        } catch (ShapeException e) {
            return scalar(false);
        }
        return all(equal(a, b));
    }

    /** {@code sections} pieces along {@code axis}, the first {@code n % sections} one element longer. */
    public static Array[] arraySplit(Array x, int sections, int axis) {
        Objects.requireNonNull(x, "x");
        if (sections <= 0) {
            throw new KilnException("arraySplit: sections must be positive, got " + sections);
        }
        int a = Shape.axis("arraySplit", axis, x.ndim());
        int n = x.shape(a);
        int each = n / sections, extra = n % sections;
        Array[] out = new Array[sections];
        int start = 0;
        for (int i = 0; i < sections; i++) {
            int len = each + (i < extra ? 1 : 0);
            out[i] = Lax.sliceInDim(x, a, start, start + len);
            start += len;
        }
        return out;
    }

    /** Equal pieces along the second axis (the first for 1-d arrays). */
    public static Array[] hsplit(Array x, int sections) {
        Objects.requireNonNull(x, "x");
        return split(x, sections, x.ndim() == 1 ? 0 : 1);
    }

    /** Equal pieces along the first axis. */
    public static Array[] vsplit(Array x, int sections) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() < 2) {
            throw new ShapeException("vsplit: needs at least 2 dimensions, got shape " + Shape.toString(x.shape()));
        }
        return split(x, sections, 0);
    }

    /** Equal pieces along the third axis. */
    public static Array[] dsplit(Array x, int sections) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() < 3) {
            throw new ShapeException("dsplit: needs at least 3 dimensions, got shape " + Shape.toString(x.shape()));
        }
        return split(x, sections, 2);
    }

    /** Every array broadcast to the common shape. */
    public static Array[] broadcastArrays(Array... xs) {
        NullChecks.elements(xs, "xs");
        return broadcastAll("broadcastArrays", xs);
    }

    /** The common broadcast shape. */
    public static int[] broadcastShapes(int[]... shapes) {
        Objects.requireNonNull(shapes, "shapes");
        return broadcastShapes("broadcastShapes", shapes);
    }

    /** The cumulative sum along {@code axis}, with a leading 0 when {@code includeInitial}. */
    public static Array cumulativeSum(Array x, int axis, boolean includeInitial) {
        Array c = cumsum(x, axis);
        return includeInitial ? prependIdentity(c, axis, 0) : c;
    }

    /** The cumulative product along {@code axis}, with a leading 1 when {@code includeInitial}. */
    public static Array cumulativeProd(Array x, int axis, boolean includeInitial) {
        Array c = cumprod(x, axis);
        return includeInitial ? prependIdentity(c, axis, 1) : c;
    }

    private static Array prependIdentity(Array c, int axis, double value) {
        int a = Shape.axis("cumulative", axis, c.ndim());
        int[] lo = new int[c.ndim()];
        int[] hi = new int[c.ndim()];
        lo[a] = 1;
        return Lax.pad(c, filled(c.dtype(), value), lo, hi, new int[c.ndim()]);
    }

    /** The n-th discrete difference along {@code axis}. */
    public static Array diff(Array x, int n, int axis) {
        Objects.requireNonNull(x, "x");
        if (n < 0) {
            throw new KilnException("diff: order n must be non-negative, got " + n);
        }
        int a = Shape.axis("diff", axis, x.ndim());
        Array out = x;
        for (int i = 0; i < n; i++) {
            int len = out.shape(a);
            if (len == 0) {
                break;
            }
            Array hi = Lax.sliceInDim(out, a, 1, len);
            Array lo = Lax.sliceInDim(out, a, 0, len - 1);
            out = out.dtype() == DType.BOOL ? notEqual(hi, lo) : subtract(hi, lo);
        }
        return out;
    }

    /**
     * {@code jnp.diff(x, n, axis, prepend, append)}: {@code prepend} and {@code append} (null: none;
     * a Java number, typed weakly as x's dtype, or an array: a 0-d one fills one slice, others must
     * match x in every other axis) join {@code x} along {@code axis} before differencing.
     *
     * @throws ShapeException when an added array does not fit x's other axes
     */
    public static Array diff(Array x, int n, int axis, Object prepend, Object append) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("diff", axis, x.ndim());
        List<Array> parts = new java.util.ArrayList<>();
        if (prepend != null) {
            parts.add(diffEnd(x, a, prepend, "prepend"));
        }
        parts.add(x);
        if (append != null) {
            parts.add(diffEnd(x, a, append, "append"));
        }
        if (parts.size() == 1) {
            return diff(x, n, a);
        }
        DType t = parts.stream().map(Array::dtype).reduce(DType::promote).orElseThrow();
        return diff(concatenate(parts.stream().map(p -> Lax.convert(p, t)).toList(), a), n, a);
    }

    private static Array diffEnd(Array x, int axis, Object end, String what) {
        Array e = end instanceof Array arr ? arr : Lax.convert(array(end), x.dtype());
        if (e.ndim() == 0) {
            int[] shape = x.shape();
            shape[axis] = 1;
            return broadcastTo(e, shape);
        }
        int[] want = x.shape();
        want[axis] = e.ndim() == x.ndim() ? e.shape(axis) : -1;
        if (!Arrays.equals(want, e.shape())) {
            throw new ShapeException("diff: " + what + " of shape " + Shape.toString(e.shape())
                    + " does not fit x of shape " + Shape.toString(x.shape()) + " along axis " + axis
                    + "; give a scalar or an array with x's shape except along that axis");
        }
        return e;
    }

    /** The first difference along the last axis. */
    public static Array diff(Array x) {
        Objects.requireNonNull(x, "x");
        return diff(x, 1, -1);
    }

    /** The differences of the flattened array. */
    public static Array ediff1d(Array x) {
        return diff(ravel(x), 1, 0);
    }

    /** A 2-d array with the flattened input on diagonal {@code k}. */
    public static Array diagflat(Array v, int k) {
        Objects.requireNonNull(v, "v");
        return diag(ravel(v), k);
    }

    /** The (row, column) int32 indices of the upper triangle from diagonal {@code k} of an n x m array. */
    public static Array[] triuIndices(int n, int k, int m) {
        return triangleIndices(n, k, m, false);
    }

    /** The (row, column) int32 indices of the lower triangle up to diagonal {@code k} of an n x m array. */
    public static Array[] trilIndices(int n, int k, int m) {
        return triangleIndices(n, k, m, true);
    }

    private static Array[] triangleIndices(int n, int k, int m, boolean lower) {
        java.util.List<Integer> rows = new java.util.ArrayList<>();
        java.util.List<Integer> cols = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                if (lower ? j - i <= k : j - i >= k) {
                    rows.add(i);
                    cols.add(j);
                }
            }
        }
        int[] r = rows.stream().mapToInt(Integer::intValue).toArray();
        int[] c = cols.stream().mapToInt(Integer::intValue).toArray();
        return new Array[] {array(r, r.length), array(c, c.length)};
    }

    /** The int32 indices of the main diagonal of an n-sized, ndim-dimensional array (ndim copies of arange(n)). */
    public static Array[] diagIndices(int n, int ndim) {
        if (n < 0 || ndim < 0) {
            throw new ShapeException("diagIndices: n and ndim must be non-negative, got " + n + " and " + ndim);
        }
        Array[] out = new Array[ndim];
        java.util.Arrays.fill(out, arange(n));
        return out;
    }

    /** {@code x} with its main diagonal (of the last two axes' leading square) set to {@code value}. */
    public static Array fillDiagonal(Array x, Object value) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(value, "value");
        if (x.ndim() < 2) {
            throw new ShapeException(
                    "fillDiagonal: needs at least 2 dimensions, got shape " + Shape.toString(x.shape()));
        }
        Array on = diagMask("fillDiagonal", x, 0, true);
        on = logicalAnd(on, diagMask("fillDiagonal", x, 0, false));
        return where(on, astype(asArray(value), x.dtype()), x);
    }

    /** {@code num} numbers spaced evenly on a log scale from start to stop (float32). */
    public static Array geomspace(double start, double stop, int num) {
        if (start == 0 || stop == 0 || Math.signum(start) != Math.signum(stop)) {
            throw new KilnException(
                    "geomspace: start and stop must be non-zero and of one sign, got " + start + ", " + stop);
        }
        double sign = Math.signum(start);
        Array logs = linspace(Math.log10(Math.abs(start)), Math.log10(Math.abs(stop)), num, true, DType.FLOAT64);
        Array r = multiply(power(10.0, logs), sign);
        if (num > 0) {
            // the ends exactly, as NumPy sets them
            r = Lax.dynamicUpdateSlice(r, full(DType.FLOAT64, start, 1), scalar(0));
            r = Lax.dynamicUpdateSlice(r, full(DType.FLOAT64, stop, 1), scalar(num - 1));
        }
        return astype(r, DType.FLOAT32);
    }

    /** {@code base ** linspace(start, stop, num)} (float32). */
    public static Array logspace(double start, double stop, int num, double base) {
        return astype(power(base, linspace(start, stop, num, true, DType.FLOAT64)), DType.FLOAT32);
    }

    /** Whether each element of {@code element} occurs in {@code testElements} (bool). */
    public static Array isin(Array element, Array testElements) {
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(testElements, "testElements");
        Array t = ravel(testElements);
        Array e = expandDims(element, element.ndim());
        int[] shape = java.util.Arrays.copyOf(element.shape(), element.ndim() + 1);
        shape[element.ndim()] = t.size();
        Array tb = Lax.broadcastInDim(t, shape, element.ndim());
        return any(equal(e, tb), new int[] {element.ndim()}, false);
    }

    /** The real part: the array itself (Kiln has no complex dtypes). */
    public static Array real(Array x) {
        return x;
    }

    /** The imaginary part: zeros (Kiln has no complex dtypes). */
    public static Array imag(Array x) {
        return zerosLike(x);
    }

    /** The complex conjugate: the array itself (Kiln has no complex dtypes). */
    public static Array conj(Array x) {
        return x;
    }

    /** Same as {@link #conj}. */
    public static Array conjugate(Array x) {
        return x;
    }

    /** Whether each element has a non-zero imaginary part: false everywhere. */
    public static Array iscomplex(Array x) {
        Objects.requireNonNull(x, "x");
        return full(DType.BOOL, 0, x.shape());
    }

    /** Whether each element has a zero imaginary part: true everywhere. */
    public static Array isreal(Array x) {
        Objects.requireNonNull(x, "x");
        return full(DType.BOOL, 1, x.shape());
    }

    /** Whether the dtype is complex: never in Kiln. */
    public static boolean iscomplexobj(Array x) {
        return false;
    }

    /** Whether the dtype is real: always in Kiln. */
    public static boolean isrealobj(Array x) {
        return true;
    }

    /** {@code x * 2^e} for integer exponents {@code e}. */
    public static Array ldexp(Array x, Array e) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(e, "e");
        if (e.dtype().isFloating()) {
            throw new DTypeException("ldexp: the exponent must be an integer array, got " + e.dtype());
        }
        Array v = Nn.inexact(x);
        return multiply(v, exp2(Lax.convert(e, v.dtype())));
    }

    private static Array window(int m, double[] cosTerms) {
        if (m <= 0) {
            return zeros(DType.FLOAT32, 0);
        }
        if (m == 1) {
            return ones(DType.FLOAT32, 1);
        }
        Array n = astype(arange(m), DType.FLOAT32);
        Array out = full(DType.FLOAT32, cosTerms[0], m);
        for (int k = 1; k < cosTerms.length; k++) {
            Array c = cos(multiply(n, 2 * Math.PI * k / (m - 1)));
            out = add(out, multiply(c, cosTerms[k]));
        }
        return out;
    }

    /** The Hamming window of {@code m} points (float32). */
    public static Array hamming(int m) {
        return window(m, new double[] {0.54, -0.46});
    }

    /** The Hann window of {@code m} points (float32). */
    public static Array hanning(int m) {
        return window(m, new double[] {0.5, -0.5});
    }

    /** The Blackman window of {@code m} points (float32). */
    public static Array blackman(int m) {
        return window(m, new double[] {0.42, -0.5, 0.08});
    }

    /** The triangular (Bartlett) window of {@code m} points (float32). */
    public static Array bartlett(int m) {
        if (m <= 1) {
            return m <= 0 ? zeros(DType.FLOAT32, 0) : ones(DType.FLOAT32, 1);
        }
        Array n = astype(arange(m), DType.FLOAT32);
        double half = (m - 1) / 2.0;
        return subtract(1.0, abs(divide(subtract(n, half), half)));
    }

    /** The integral of {@code y} along {@code axis} by the trapezoidal rule with spacing {@code dx}. */
    public static Array trapezoid(Array y, double dx, int axis) {
        Objects.requireNonNull(y, "y");
        int a = Shape.axis("trapezoid", axis, y.ndim());
        int n = y.shape(a);
        Array v = Nn.inexact(y);
        if (n < 2) {
            return sum(zerosLike(v), a);
        }
        Array mid = add(Lax.sliceInDim(v, a, 1, n), Lax.sliceInDim(v, a, 0, n - 1));
        return multiply(sum(mid, a), dx / 2);
    }

    /** {@link #trapezoid(Array, double, int)} with {@code jnp.trapezoid}'s defaults: spacing 1 along the last axis. */
    public static Array trapezoid(Array y) {
        return trapezoid(y, 1.0, -1);
    }

    /**
     * The integral of {@code y} along {@code axis} by the trapezoidal rule at the sample points
     * {@code x}, as {@code jnp.trapezoid(y, x, axis=axis)}: {@code x} is 1-d (one point per element
     * along the axis) or has {@code y}'s shape.
     *
     * @throws ShapeException when x is 1-d and its length is not y's along the axis, or x is neither
     *     1-d nor shaped like y
     */
    public static Array trapezoid(Array y, Array x, int axis) {
        Objects.requireNonNull(y, "y");
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("trapezoid", axis, y.ndim());
        int n = y.shape(a);
        DType t = inexactType(y, x);
        Array v = astype(y, t);
        Array xv = astype(x, t);
        if (x.ndim() == 1 && y.ndim() != 1) {
            if (x.shape(0) != n) {
                throw new ShapeException("trapezoid: x of length " + x.shape(0) + " does not match y's " + n
                        + " samples along axis " + axis + "; pass one point per sample");
            }
            int[] s = new int[y.ndim()];
            Arrays.fill(s, 1);
            s[a] = n;
            xv = reshape(xv, s);
        } else if (!Arrays.equals(x.shape(), y.shape())) {
            throw new ShapeException("trapezoid: x of shape " + Shape.toString(x.shape())
                    + " must be 1-d or shaped like y " + Shape.toString(y.shape()) + "; pass the sample points");
        }
        if (n < 2) {
            return sum(zerosLike(v), a);
        }
        int xa = xv.ndim() == 1 ? 0 : a;
        Array dx = subtract(Lax.sliceInDim(xv, xa, 1, n), Lax.sliceInDim(xv, xa, 0, n - 1));
        Array mid = add(Lax.sliceInDim(v, a, 1, n), Lax.sliceInDim(v, a, 0, n - 1));
        return multiply(sum(multiply(dx, mid), a), 0.5);
    }

    /**
     * {@link #interp(Array, Array, Array)} with the values to the left of {@code xp[0]} and right of
     * {@code xp[-1]} given, as {@code jnp.interp(x, xp, fp, left, right)}; a null bound keeps the end
     * value ({@code fp[0]} or {@code fp[-1]}).
     */
    public static Array interp(Array x, Array xp, Array fp, Double left, Double right) {
        Array f = interp(x, xp, fp);
        DType t = f.dtype();
        Array xv = Lax.convert(x, t);
        int n = xp.shape(0);
        Array xpv = Lax.convert(xp, t);
        if (left != null) {
            f = where(less(xv, Lax.reshape(Lax.sliceInDim(xpv, 0, 0, 1), new int[0])), full(t, left), f);
        }
        if (right != null) {
            f = where(greater(xv, Lax.reshape(Lax.sliceInDim(xpv, 0, n - 1, n), new int[0])), full(t, right), f);
        }
        return f;
    }

    /**
     * Piecewise-linear interpolation of the points (xp, fp) at {@code x}; xp increasing; outside the
     * range the end values fp[0] and fp[-1].
     */
    public static Array interp(Array x, Array xp, Array fp) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(xp, "xp");
        Objects.requireNonNull(fp, "fp");
        if (xp.ndim() != 1 || fp.ndim() != 1 || xp.shape(0) != fp.shape(0) || xp.shape(0) == 0) {
            throw new ShapeException("interp: xp and fp must be 1-d of one non-zero length, got "
                    + Shape.toString(xp.shape()) + " and " + Shape.toString(fp.shape()));
        }
        DType t = inexactType(x, xp, fp);
        Array xv = Lax.convert(x, t), xpv = Lax.convert(xp, t), fpv = Lax.convert(fp, t);
        int n = xp.shape(0);
        Array i = clip(Sorting.searchsorted(xpv, xv, "right"), 1, Math.max(1, n - 1));
        Array lo = subtract(i, 1);
        Array x0 = take(xpv, lo, 0, "clip"), x1 = take(xpv, i, 0, "clip");
        Array f0 = take(fpv, lo, 0, "clip"), f1 = take(fpv, i, 0, "clip");
        Array dx = subtract(x1, x0);
        Array safe = where(equal(dx, 0.0), onesLike(dx), dx);
        Array f = add(f0, multiply(divide(subtract(xv, x0), safe), subtract(f1, f0)));
        f = where(equal(dx, 0.0), f0, f);
        Array first = Lax.reshape(Lax.sliceInDim(fpv, 0, 0, 1), new int[0]);
        Array last = Lax.reshape(Lax.sliceInDim(fpv, 0, n - 1, n), new int[0]);
        Array xFirst = Lax.reshape(Lax.sliceInDim(xpv, 0, 0, 1), new int[0]);
        Array xLast = Lax.reshape(Lax.sliceInDim(xpv, 0, n - 1, n), new int[0]);
        f = where(less(xv, xFirst), first, f);
        return where(greater(xv, xLast), last, f);
    }

    /** The index of the bin of each value (bins increasing): {@code bins[i-1] <= x < bins[i]}. */
    public static Array digitize(Array x, Array bins, boolean right) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(bins, "bins");
        if (bins.ndim() != 1) {
            throw new ShapeException("digitize: bins must be 1-d, got shape " + Shape.toString(bins.shape()));
        }
        int n = bins.shape(0);
        if (n == 0) {
            return zeros(DType.INT32, x.shape());
        }
        String side = right ? "left" : "right";
        // as jnp.digitize: decreasing bins count from the other end
        Array increasing = greaterEqual(
                Lax.sliceInDim(bins, 0, n - 1, n).reshape(),
                Lax.sliceInDim(bins, 0, 0, 1).reshape());
        Array up = Sorting.searchsorted(bins, x, side);
        Array down = subtract(n, Sorting.searchsorted(flip(bins), x, side));
        return where(increasing, up, down);
    }

    /** The int32 count of each value 0..length-1 among the non-negative integers {@code x}. */
    public static Array bincount(Array x, int length) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() != 1 || x.dtype().isFloating()) {
            throw new DTypeException(
                    "bincount: needs a 1-d integer array, got " + x.dtype() + Shape.toString(x.shape()));
        }
        // as jnp.bincount: negative values count in bin 0, values >= length are dropped
        return sum(Nn.oneHot(clip(x, 0, null), length, -1, DType.INT32), 0);
    }

    /**
     * {@code jnp.bincount(x)} of a concrete array: the counts of 0..max(x) (no bins for an empty or
     * all-negative {@code x}; negative values count in bin 0).
     *
     * @throws ShapeException when {@code x} is traced: pass a static length, as JAX requires
     */
    public static Array bincount(Array x) {
        return bincount(x, concreteLength(x));
    }

    /** {@code jnp.bincount(x, weights)} of a concrete array; see {@link #bincount(Array)}. */
    public static Array bincount(Array x, Array weights) {
        return bincount(x, weights, concreteLength(x));
    }

    /**
     * {@code jnp.bincount(x, weights, minlength, length=length)}: with {@code length} (not null)
     * exactly that many bins, which works under {@code jit}; without it {@code max(minlength,
     * max(x) + 1)} bins, read from a concrete {@code x}. {@code weights} may be null (counts, int32).
     *
     * @throws ShapeException when {@code length} is null and {@code x} is traced, or {@code length}
     *     is negative
     */
    public static Array bincount(Array x, Array weights, int minlength, Integer length) {
        Objects.requireNonNull(x, "x");
        int n;
        if (length == null) {
            n = Math.max(minlength, concreteLength(x));
        } else if (length < 0) {
            throw new ShapeException(
                    "bincount: length must be non-negative, got " + length + "; pass the number of bins (0 or more)");
        } else {
            n = length;
        }
        return weights == null ? bincount(x, n) : bincount(x, weights, n);
    }

    private static int concreteLength(Array x) {
        Objects.requireNonNull(x, "x");
        if (x.isTraced()) {
            throw new ShapeException("bincount: the number of bins depends on the data, but x of type " + x.spec()
                    + " is traced (inside jit, grad or vmap); pass a static length, as JAX requires:"
                    + " Np.bincount(x, length)");
        }
        if (x.ndim() != 1 || x.dtype().isFloating()) {
            throw new DTypeException(
                    "bincount: needs a 1-d integer array, got " + x.dtype() + Shape.toString(x.shape()));
        }
        return x.size() == 0 ? 0 : Math.max(0, max(Lax.convert(x, DType.INT32)).intItem() + 1);
    }

    /** {@code bincount} with weights: the sum of the weights of each value. */
    public static Array bincount(Array x, Array weights, int length) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(weights, "weights");
        if (x.ndim() != 1 || x.dtype().isFloating()) {
            throw new DTypeException(
                    "bincount: needs a 1-d integer array, got " + x.dtype() + Shape.toString(x.shape()));
        }
        if (!Arrays.equals(x.shape(), weights.shape())) {
            throw new ShapeException("bincount: weights must have the shape of x, got "
                    + Shape.toString(weights.shape()) + " for x of shape " + Shape.toString(x.shape()));
        }
        // a weight lands only in its own bin (selected, not multiplied by a one-hot 0, so an
        // infinite weight leaves the other bins alone, as JAX's scatter-add does)
        DType t = inexactType(weights);
        Array hit = Nn.oneHot(clip(x, 0, null), length, -1, DType.BOOL);
        return sum(where(hit, expandDims(Lax.convert(weights, t), 1), zeros(t)), 0);
    }

    /** The first choice whose condition holds, element-wise; {@code otherwise} where none does. */
    public static Array select(Array[] conditions, Array[] choices, Object otherwise) {
        Objects.requireNonNull(conditions, "conditions");
        Objects.requireNonNull(choices, "choices");
        Objects.requireNonNull(otherwise, "otherwise");
        if (conditions.length != choices.length) {
            throw new KilnException("select: " + conditions.length + " conditions but " + choices.length + " choices");
        }
        if (conditions.length == 0) {
            throw new KilnException("select: needs at least one condition");
        }
        int last = conditions.length - 1;
        // the default enters where() as given, so a Java number stays weakly typed
        Array out = where(conditions[last], choices[last], otherwise);
        for (int i = last - 1; i >= 0; i--) {
            out = where(conditions[i], choices[i], out);
        }
        return out;
    }

    /** The polynomial with coefficients {@code p} (highest power first) evaluated at {@code x} (Horner). */
    public static Array polyval(Array p, Array x) {
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(x, "x");
        if (p.ndim() != 1) {
            throw new ShapeException("polyval: coefficients must be 1-d, got shape " + Shape.toString(p.shape()));
        }
        DType t = resultType(p, x);
        Array acc = zerosLike(Lax.convert(x, t));
        for (int i = 0; i < p.shape(0); i++) {
            Array c = Lax.reshape(Lax.sliceInDim(Lax.convert(p, t), 0, i, i + 1), new int[0]);
            acc = add(multiply(acc, Lax.convert(x, t)), c);
        }
        return acc;
    }

    /** The sum of two polynomials (coefficients highest power first). */
    public static Array polyadd(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        int n = Math.max(a.shape(0), b.shape(0));
        return add(padFront(a, n), padFront(b, n));
    }

    /** The difference of two polynomials. */
    public static Array polysub(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        int n = Math.max(a.shape(0), b.shape(0));
        return subtract(padFront(a, n), padFront(b, n));
    }

    private static Array padFront(Array a, int n) {
        return Lax.pad(a, filled(a.dtype(), 0), new int[] {n - a.shape(0)}, new int[] {0}, new int[] {0});
    }

    /** The product of two polynomials (the full convolution of the coefficients). */
    public static Array polymul(Array a, Array b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return convolve(a, b, "full");
    }

    /** The m-th derivative of a polynomial, as {@code jnp.polyder}: integer coefficients become float (JAX promotes them). */
    public static Array polyder(Array p, int m) {
        Objects.requireNonNull(p, "p");
        if (m < 0) {
            throw new KilnException("polyder: the order of the derivative must be non-negative, got " + m);
        }
        Array out = Nn.inexact(p); // as jnp.polyder: integer coefficients become float
        for (int k = 0; k < m; k++) {
            int n = out.shape(0);
            if (n <= 1) {
                return zeros(out.dtype(), 0);
            }
            Array powers = Lax.convert(arange(n - 1, 0, -1), out.dtype());
            out = multiply(Lax.sliceInDim(out, 0, 0, n - 1), powers);
        }
        return out;
    }

    /** The m-th antiderivative of a polynomial with integration constants 0. */
    public static Array polyint(Array p, int m) {
        Objects.requireNonNull(p, "p");
        Array out = Nn.inexact(p);
        for (int k = 0; k < m; k++) {
            int n = out.shape(0);
            Array divisors = Lax.convert(arange(n, 0, -1), out.dtype());
            out = Lax.pad(divide(out, divisors), filled(out.dtype(), 0), new int[] {0}, new int[] {1}, new int[] {0});
        }
        return out;
    }

    /**
     * The discrete linear convolution of 1-d arrays, {@code mode} "full" (length n + m - 1), "same"
     * (length max(n, m), centred) or "valid" (length max(n, m) - min(n, m) + 1).
     */
    public static Array convolve(Array a, Array v, String mode) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(v, "v");
        // as jnp.convolve: integer and bool operands convolve as float32
        DType t = inexactType(a, v);
        a = astype(a, t);
        v = astype(v, t);
        if (a.ndim() == 1 && v.ndim() == 1 && v.shape(0) > a.shape(0)) {
            // convolution commutes; the longer operand is the signal, as NumPy arranges it
            return correlateImpl("convolve", v, flip(a, 0), mode);
        }
        return correlateImpl("convolve", a, flip(v, 0), mode);
    }

    /** {@link #convolve(Array, Array, String)} in mode "full", {@code jnp.convolve}'s default. */
    public static Array convolve(Array a, Array v) {
        return convolve(a, v, "full");
    }

    /** {@link #correlate(Array, Array, String)} in mode "valid", {@code jnp.correlate}'s default. */
    public static Array correlate(Array a, Array v) {
        return correlate(a, v, "valid");
    }

    /** The cross-correlation of 1-d arrays (no conjugation), modes as {@link #convolve}; default "valid". */
    public static Array correlate(Array a, Array v, String mode) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(v, "v");
        DType t = inexactType(a, v); // as jnp.correlate: integer and bool operands as float32
        return correlateImpl("correlate", astype(a, t), astype(v, t), mode);
    }

    private static Array correlateImpl(String fn, Array a, Array v, String mode) {
        if (a.ndim() != 1 || v.ndim() != 1 || a.shape(0) == 0 || v.shape(0) == 0) {
            throw new ShapeException(fn + ": needs two non-empty 1-d arrays, got shapes " + Shape.toString(a.shape())
                    + " and " + Shape.toString(v.shape()));
        }
        boolean swap = v.shape(0) > a.shape(0);
        DType t = resultType(a, v);
        Array x = Lax.convert(swap ? v : a, t);
        // correlate(a, v) with v longer is correlate(v, a) reversed
        Array k = Lax.convert(swap ? a : v, t);
        int n = x.shape(0), m = k.shape(0);
        int padLo, padHi;
        switch (mode) {
            case "full" -> {
                padLo = m - 1;
                padHi = m - 1;
            }
            case "same" -> {
                padLo = m / 2;
                padHi = m - 1 - m / 2;
            }
            case "valid" -> {
                padLo = 0;
                padHi = 0;
            }
            default ->
                throw new KilnException(fn + ": mode must be \"full\", \"same\" or \"valid\", got \"" + mode + "\"");
        }
        Array xp = Lax.pad(x, filled(t, 0), new int[] {padLo}, new int[] {padHi}, new int[] {0});
        int outLen = n + padLo + padHi - m + 1;
        Array out = zeros(t, outLen);
        for (int j = 0; j < m; j++) {
            Array kj = Lax.reshape(Lax.sliceInDim(k, 0, j, j + 1), new int[0]);
            out = add(out, multiply(Lax.sliceInDim(xp, 0, j, j + outLen), kj));
        }
        return swap ? flip(out, 0) : out;
    }

    /** The covariance matrix of the rows of {@code m} (variables in rows, observations in columns), ddof 1. */
    public static Array cov(Array m) {
        Objects.requireNonNull(m, "m");
        Array x = Nn.inexact(atleast2d(m));
        int n = x.shape(1);
        Array centered = subtract(x, mean(x, new int[] {1}, true));
        Array c = divide(matmul(centered, transpose(centered)), (double) (n - 1));
        return m.ndim() < 2 ? Lax.reshape(c, new int[0]) : c;
    }

    /** The correlation coefficients of the rows of {@code m}, clipped to [-1, 1]. */
    public static Array corrcoef(Array m) {
        Objects.requireNonNull(m, "m");
        Array c = cov(m);
        if (c.ndim() == 0) {
            return divide(c, c);
        }
        Array d = sqrt(diagonal(c));
        Array r = divide(divide(c, expandDims(d, 1)), expandDims(d, 0));
        return clip(r, -1.0, 1.0);
    }

    /** The Vandermonde matrix of {@code x} with {@code n} columns, decreasing powers unless {@code increasing}. */
    public static Array vander(Array x, int n, boolean increasing) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() != 1) {
            throw new ShapeException("vander: needs a 1-d array, got shape " + Shape.toString(x.shape()));
        }
        if (n < 0) {
            throw new ShapeException("vander: the number of columns must be non-negative, got " + n);
        }
        Array[] cols = new Array[n];
        Array p = onesLike(x);
        for (int i = 0; i < n; i++) {
            cols[increasing ? i : n - 1 - i] = p;
            p = multiply(p, x);
        }
        return n == 0 ? zeros(x.dtype(), x.shape(0), 0) : stack(cols, 1);
    }

    /** The slices along {@code axis}. */
    public static Array[] unstack(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("unstack", axis, x.ndim());
        Array[] out = new Array[x.shape(a)];
        for (int i = 0; i < out.length; i++) {
            out[i] = squeeze(Lax.sliceInDim(x, a, i, i + 1), a);
        }
        return out;
    }

    /** The flattened array repeated (or cut) to fill {@code shape}. */
    public static Array resize(Array x, int... shape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(shape, "shape");
        int total = Shape.size(checkShape("resize", shape));
        Array flat = ravel(x);
        if (total == 0) {
            return zeros(x.dtype(), shape);
        }
        if (flat.size() == 0) {
            return zeros(x.dtype(), shape);
        }
        int reps = (total + flat.size() - 1) / flat.size();
        return reshape(Lax.sliceInDim(tile(flat, reps), 0, 0, total), shape);
    }

    /** Moves {@code axis} to position {@code start} (NumPy's rollaxis). */
    public static Array rollaxis(Array x, int axis, int start) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("rollaxis", axis, x.ndim());
        int s = start < 0 ? start + x.ndim() : start;
        if (s < 0 || s > x.ndim()) {
            throw new AxisException("rollaxis: start " + start + " is out of range for rank " + x.ndim());
        }
        return moveaxis(x, a, a < s ? s - 1 : s);
    }

    /** The array itself (Kiln arrays are immutable). */
    public static Array copy(Array x) {
        return x;
    }

    /** {@code values} appended along {@code axis} ({@code null}: both flattened). */
    public static Array append(Array x, Array values, Integer axis) {
        if (axis == null) {
            DType t = resultType(x, values);
            return concatenate(new Array[] {astype(ravel(x), t), astype(ravel(values), t)}, 0);
        }
        DType t = resultType(x, values);
        return concatenate(new Array[] {astype(x, t), astype(values, t)}, axis);
    }

    /** {@code x} without the entries at the (static) {@code indices} along {@code axis}. */
    public static Array delete(Array x, int[] indices, int axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(indices, "indices");
        int a = Shape.axis("delete", axis, x.ndim());
        int n = x.shape(a);
        boolean[] drop = new boolean[n];
        for (int i : indices) {
            int j = i < 0 ? i + n : i;
            if (j < 0 || j >= n) {
                throw new IndexException(
                        "delete: index " + i + " is out of bounds for axis " + axis + " of length " + n);
            }
            drop[j] = true;
        }
        int[] keep =
                java.util.stream.IntStream.range(0, n).filter(i -> !drop[i]).toArray();
        return take(x, array(keep, keep.length), a, "clip");
    }

    /** {@code sum(a * b)} along {@code axis}. */
    public static Array vecdot(Array a, Array b, int axis) {
        Array p = multiply(a, b);
        return sum(p, new int[] {axis}, false);
    }

    /** {@link #vecdot(Array, Array, int)} along the last axis. */
    public static Array vecdot(Array a, Array b) {
        return vecdot(a, b, -1);
    }

    /** The matrix-vector product of stacks: {@code [..., n, m] x [..., m] -> [..., n]}. */
    public static Array matvec(Array m, Array v) {
        Objects.requireNonNull(m, "m");
        Objects.requireNonNull(v, "v");
        return squeeze(matmul(m, expandDims(v, v.ndim())), -1);
    }

    /** The vector-matrix product of stacks: {@code [..., n] x [..., n, m] -> [..., m]}. */
    public static Array vecmat(Array v, Array m) {
        Objects.requireNonNull(v, "v");
        Objects.requireNonNull(m, "m");
        return squeeze(matmul(expandDims(v, v.ndim() - 1), m), -2);
    }

    /** The int32 multi-indices (one array per dimension) of flat {@code indices} into {@code shape}. */
    public static Array[] unravelIndex(Array indices, int... shape) {
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(shape, "shape");
        Array[] out = new Array[shape.length];
        Array rest = Lax.convert(indices, DType.INT32);
        for (int d = shape.length - 1; d >= 0; d--) {
            int n = Math.max(shape[d], 1);
            out[d] = mod(rest, n);
            rest = floorDivide(rest, n);
        }
        // as jnp.unravel_index: an index past the end gives the last position, one before -size the
        // first (what is left after the divisions says which)
        for (int d = 0; d < shape.length; d++) {
            out[d] = where(greater(rest, 0), Math.max(shape[d], 1) - 1, where(less(rest, -1), 0, out[d]));
        }
        return out;
    }

    /** {@link #ravelMultiIndex(Array[], int[], String)} in mode "raise", JAX's default. */
    public static Array ravelMultiIndex(Array[] idx, int... shape) {
        return ravelMultiIndex(idx, shape, "raise");
    }

    /**
     * The flat (C order) indices of the multi-indices {@code idx} into {@code shape}, as {@code
     * jnp.ravel_multi_index(idx, shape, mode)}: the index arrays broadcast, and the result has
     * their promoted integer dtype (int32 for int32 indices, int8 for int8 ones, as JAX's {@code
     * result_type(int, *idx)}). Mode "raise" refuses an index outside {@code [0, shape[d])} and
     * needs concrete indices (not under {@code jit}); "clip" clamps each index into range, "wrap"
     * takes it modulo {@code shape[d]}, "ignore" uses it as it is.
     *
     * @throws DTypeException when an index array is not of an integer dtype, or the result dtype
     *     cannot hold the largest flat index
     * @throws KilnException when mode is unknown, or mode "raise" meets an out-of-range or traced index
     * @throws ShapeException when there are not as many index arrays as dimensions
     */
    public static Array ravelMultiIndex(Array[] idx, int[] shape, String mode) {
        String fn = "ravelMultiIndex";
        NullChecks.elements(idx, "idx");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(mode, "mode");
        if (idx.length != shape.length) {
            throw new ShapeException(fn + ": " + idx.length + " index arrays for a shape of rank " + shape.length
                    + "; pass one index array per dimension");
        }
        if (!mode.equals("raise") && !mode.equals("clip") && !mode.equals("wrap") && !mode.equals("ignore")) {
            throw new KilnException(
                    fn + ": mode must be \"raise\", \"clip\", \"wrap\" or \"ignore\", got \"" + mode + "\"");
        }
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new ShapeException(fn + ": shape " + Shape.toString(shape) + " has a negative dimension");
            }
            size = Math.multiplyExact(size, (long) d);
        }
        DType t = DType.INT32;
        for (Array i : idx) {
            if (!i.dtype().isInteger()) {
                throw new DTypeException(fn + ": index arrays must be of an integer dtype, got " + i.dtype()
                        + "; convert them with Np.astype");
            }
        }
        if (idx.length > 0) {
            Object[] ops = new Object[idx.length + 1];
            ops[0] = 0; // JAX's result_type(int, *idx): a weak int
            System.arraycopy(idx, 0, ops, 1, idx.length);
            t = resultType(ops);
        }
        if (size - 1 > IInfo.of(fn, t).max()) {
            throw new DTypeException(fn + ": " + t + " cannot hold the flat indices of shape " + Shape.toString(shape)
                    + "; pass index arrays of a wider integer dtype");
        }
        Array[] ix = new Array[idx.length];
        for (int d = 0; d < idx.length; d++) {
            Array i = idx[d];
            if (mode.equals("raise")) {
                if (i.isTraced()) {
                    throw new KilnException(fn + ": mode \"raise\" needs concrete indices, got traced ones (under jit"
                            + " or vmap); pass mode \"clip\" or \"wrap\"");
                }
                if (i.size() > 0
                        && any(logicalOr(less(i, 0), greaterEqual(i, shape[d]))).item() != 0) {
                    throw new KilnException(fn + ": an index along dimension " + d + " is outside [0, " + shape[d]
                            + "); pass mode \"clip\" or \"wrap\" to bring it into range");
                }
            } else if (mode.equals("clip")) {
                i = clip(i, 0, Math.max(shape[d] - 1, 0));
            } else if (mode.equals("wrap")) {
                i = mod(i, shape[d]);
            }
            ix[d] = i;
        }
        Array out = zeros(t);
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            out = add(out, multiply(astype(ix[d], t), full(t, (double) stride)));
            stride *= shape[d];
        }
        return out;
    }

    /**
     * The int32 indices that sort by the last key first, then the one before it, and so on
     * (stable), as {@code numpy.lexsort} over 1-d keys.
     */
    public static Array lexsort(Array... keys) {
        NullChecks.elements(keys, "keys");
        if (keys.length == 0) {
            throw new KilnException("lexsort: needs at least one key");
        }
        Array order = Sorting.argsortLast(keys[0], false);
        for (int i = 1; i < keys.length; i++) {
            Array k = take(keys[i], order, 0, "clip");
            order = take(order, Sorting.argsortLast(k, false), 0, "clip");
        }
        return order;
    }

    /**
     * The int32 indices of the non-zero elements of the flattened array, padded with {@code fill} to
     * the static {@code size} (JAX's {@code flatnonzero(size=...)}), so that it works under jit.
     */
    public static Array flatnonzero(Array x, int size, int fill) {
        Array flat = ravel(x);
        Array isZero = Lax.convert(equal(flat, 0), DType.INT32);
        Array order = Sorting.argsortLast(isZero, false);
        Array count = sum(logicalNot(Lax.convert(isZero, DType.BOOL)));
        int n = flat.size();
        Array first = size <= n ? Lax.sliceInDim(order, 0, 0, size) : pad(order, new int[][] {{0, size - n}}, 0);
        Array valid = less(arange(size), count);
        return where(valid, first, full(DType.INT32, fill, size));
    }

    /**
     * The sorted unique values of the flattened {@code x}, as {@code jnp.unique(x)} (NaNs count as
     * one value). The result's length depends on the data, so {@code x} must be concrete: inside
     * {@code jit}, {@code grad} or {@code vmap} use {@link #unique(Array, int, Number)}.
     */
    public static Array unique(Array x) {
        return Uniques.unique("unique", x, false, false, false, true, null, null)
                .values();
    }

    /**
     * The sorted unique values of the flattened {@code x} padded (or cut) to a static {@code size},
     * as {@code jnp.unique(x, size=size, fill_value=fill)}; {@code fill} null pads with the smallest
     * value, as JAX does. Works under every transformation.
     */
    public static Array unique(Array x, int size, Number fill) {
        return Uniques.unique("unique", x, false, false, false, true, size, fill)
                .values();
    }

    /**
     * {@code jnp.unique(x, return_index, return_inverse, return_counts, equal_nan=equalNan,
     * size=size, fill_value=fill)} over the flattened {@code x}: the components not asked for are
     * null in the result. {@code size} null reads the number of unique values from the data (so
     * {@code x} must be concrete); padded entries have index and count as JAX gives them.
     */
    public static Unique unique(
            Array x,
            boolean returnIndex,
            boolean returnInverse,
            boolean returnCounts,
            boolean equalNan,
            Integer size,
            Number fill) {
        return Uniques.unique("unique", x, returnIndex, returnInverse, returnCounts, equalNan, size, fill);
    }

    /** {@code jnp.unique_values(x)}: the sorted unique values, every NaN its own value; {@code x} concrete. */
    public static Array uniqueValues(Array x) {
        return Uniques.unique("uniqueValues", x, false, false, false, false, null, null)
                .values();
    }

    /** {@code jnp.unique_values(x, size=size, fill_value=fill)}. */
    public static Array uniqueValues(Array x, int size, Number fill) {
        return Uniques.unique("uniqueValues", x, false, false, false, false, size, fill)
                .values();
    }

    /** {@code jnp.unique_counts}: values and counts ({@code size} null: {@code x} concrete). */
    public static Unique uniqueCounts(Array x, Integer size, Number fill) {
        return Uniques.unique("uniqueCounts", x, false, false, true, false, size, fill);
    }

    /** {@code jnp.unique_inverse}: values and inverse indices ({@code size} null: {@code x} concrete). */
    public static Unique uniqueInverse(Array x, Integer size, Number fill) {
        return Uniques.unique("uniqueInverse", x, false, true, false, false, size, fill);
    }

    /** {@code jnp.unique_all}: values, first indices, inverse indices and counts. */
    public static Unique uniqueAll(Array x, Integer size, Number fill) {
        return Uniques.unique("uniqueAll", x, true, true, true, false, size, fill);
    }

    /** The number of non-zero elements of a concrete {@code x}, or a {@link ShapeException} naming {@code fn}. */
    private static int concreteNonzero(String fn, Array x) {
        Objects.requireNonNull(x, "x");
        if (x.isTraced()) {
            throw new ShapeException(fn + ": the number of non-zero elements depends on the data, but x of type "
                    + x.spec() + " is traced (inside jit, grad or vmap); pass a static size, as JAX requires:"
                    + " Np." + fn + "(x, size, fill) pads the result to size entries with fill");
        }
        return countNonzero(x).intItem();
    }

    /**
     * {@code jnp.nonzero(x)} of a concrete array: the multi-indices (one int32 array per dimension)
     * of its non-zero elements in row-major order.
     *
     * @throws ShapeException for a 0-d array (as JAX: use {@code atleast1d}) or a traced one
     */
    public static Array[] nonzero(Array x) {
        int n = concreteNonzero("nonzero", x);
        if (x.ndim() == 0) {
            throw new ShapeException("nonzero: calling nonzero on a 0-d array is not allowed; use"
                    + " Np.nonzero(Np.atleast1d(x)) instead");
        }
        return nonzero(x, n, 0);
    }

    /** {@code jnp.where(condition)} with one argument: {@link #nonzero(Array)}. */
    public static Array[] where(Array condition) {
        Objects.requireNonNull(condition, "condition");
        return nonzero(condition);
    }

    /** {@code jnp.argwhere(x)} of a concrete array: the indices of its non-zero elements as rows. */
    public static Array argwhere(Array x) {
        return argwhere(x, concreteNonzero("argwhere", x), 0);
    }

    /** {@code jnp.flatnonzero(x)} of a concrete array: the flat indices of its non-zero elements. */
    public static Array flatnonzero(Array x) {
        return flatnonzero(x, concreteNonzero("flatnonzero", x), 0);
    }

    /** The multi-indices (one int32 array per dimension) of the non-zero elements, padded to {@code size}. */
    public static Array[] nonzero(Array x, int size, int fill) {
        Array flat = flatnonzero(x, size, -1);
        Array valid = greaterEqual(flat, 0);
        Array[] idx = unravelIndex(where(valid, flat, zerosLike(flat)), x.shape());
        for (int d = 0; d < idx.length; d++) {
            idx[d] = where(valid, idx[d], full(DType.INT32, fill, size));
        }
        return idx;
    }

    /** The indices of the non-zero elements as rows of an int32 {@code [size, ndim]} array. */
    public static Array argwhere(Array x, int size, int fill) {
        Array[] idx = nonzero(x, size, fill);
        return idx.length == 0 ? zeros(DType.INT32, size, 0) : stack(idx, 1);
    }

    /** {@code f} applied to the 1-d slices along {@code axis} (through vmap), results in their place. */
    public static Array applyAlongAxis(java.util.function.UnaryOperator<Array> f, int axis, Array x) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("applyAlongAxis", axis, x.ndim());
        Array moved = moveaxis(x, a, -1);
        int[] lead = java.util.Arrays.copyOf(moved.shape(), moved.ndim() - 1);
        int rows = Shape.size(lead);
        Array flat = reshape(moved, rows, x.shape(a));
        Array r = Kiln.vmap((Array row) -> {
                    Object out = f.apply(row);
                    if (!(out instanceof Array result)) {
                        throw new TreeException("applyAlongAxis: the function must return an Array, got "
                                + Transforms.describe(out) + "; return one array per slice");
                    }
                    return result;
                })
                .apply(flat);
        int[] shape = new int[lead.length + r.ndim() - 1];
        System.arraycopy(lead, 0, shape, 0, lead.length);
        System.arraycopy(r.shape(), 1, shape, lead.length, r.ndim() - 1);
        Array back = reshape(r, shape);
        return r.ndim() == 2 ? moveaxis(back, -1, a) : back;
    }

    /** An array built from its index grids: {@code f} receives one int32 grid per dimension. */
    public static Array fromfunction(java.util.function.Function<Array[], Array> f, int... shape) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(shape, "shape");
        Array[] grids = new Array[shape.length];
        for (int i = 0; i < shape.length; i++) {
            grids[i] = Lax.iota(DType.INT32, checkShape("fromfunction", shape), i);
        }
        Object out = f.apply(grids);
        if (!(out instanceof Array result)) {
            throw new TreeException("fromfunction: the function must return an Array, got " + Transforms.describe(out)
                    + "; return one array computed from the index grids");
        }
        return result;
    }

    /** The common dtype of two dtypes under JAX's promotion table. */
    public static DType promoteTypes(DType a, DType b) {
        return DType.promote(a, b);
    }

    /**
     * {@code x} partitioned along {@code axis} as {@code jnp.partition}: the {@code kth + 1}
     * smallest elements ascending, then the others largest first.
     */
    public static Array partition(Array x, int kth, int axis) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("partition", axis, x.ndim());
        int n = x.shape(a);
        int k = kth < 0 ? kth + n : kth;
        if (k < 0 || k >= n) {
            throw new AxisException("partition: kth " + kth + " is out of range for length " + n);
        }
        return Sorting.alongAxis(x, a, v -> {
            Array bottom = negative(Lax.topK(negative(v), k + 1)[0]);
            Array top = Lax.topK(v, n - k - 1)[0];
            return concatenate(new Array[] {bottom, top}, v.ndim() - 1);
        });
    }

    /**
     * The int32 indices that partition {@code x} along {@code axis} as {@code jnp.argpartition}: the
     * {@code kth + 1} smallest first (ascending), then the remaining indices in increasing order.
     */
    public static Array argpartition(Array x, int kth, int axis) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("argpartition", axis, x.ndim());
        int n = x.shape(a);
        int k = kth < 0 ? kth + n : kth;
        if (k < 0 || k >= n) {
            throw new AxisException("argpartition: kth " + kth + " is out of range for length " + n);
        }
        return Sorting.alongAxis(x, a, v -> {
            int last = v.ndim() - 1;
            Array bottom = Lax.topK(negative(v), k + 1)[1];
            // mark the chosen positions, then list the others in index order
            Array chosen = any(
                    equal(expandDims(bottom, last + 1), Lax.iota(DType.INT32, withLast(bottom.shape(), n), last + 1)),
                    new int[] {last},
                    false);
            Array rest =
                    Lax.sliceInDim(Sorting.argsortLast(Lax.convert(chosen, DType.INT32), false), last, 0, n - k - 1);
            return concatenate(new Array[] {bottom, rest}, last);
        });
    }

    private static int[] withLast(int[] shape, int n) {
        int[] s = java.util.Arrays.copyOf(shape, shape.length + 1);
        s[shape.length] = n;
        return s;
    }

    /** The angle of each element in radians, {@code atan2(0, x)}: pi for negative reals and -0.0, 0 otherwise. */
    public static Array angle(Array x) {
        Objects.requireNonNull(x, "x");
        Array v = Nn.inexact(x);
        return arctan2(zerosLike(v), v);
    }

    /** The indices of the main diagonal of the square array {@code x}. */
    public static Array[] diagIndicesFrom(Array x) {
        Objects.requireNonNull(x, "x");
        for (int d : x.shape()) {
            if (d != x.shape(0) || x.ndim() < 2) {
                throw new ShapeException(
                        "diagIndicesFrom: needs a square array of rank >= 2, got shape " + Shape.toString(x.shape()));
            }
        }
        return diagIndices(x.shape(0), x.ndim());
    }

    /** {@link #trilIndices} for the shape of the 2-d {@code x}. */
    public static Array[] trilIndicesFrom(Array x, int k) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() != 2) {
            throw new ShapeException("trilIndicesFrom: needs a 2-d array, got shape " + Shape.toString(x.shape()));
        }
        return trilIndices(x.shape(0), k, x.shape(1));
    }

    /** {@link #triuIndices} for the shape of the 2-d {@code x}. */
    public static Array[] triuIndicesFrom(Array x, int k) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() != 2) {
            throw new ShapeException("triuIndicesFrom: needs a 2-d array, got shape " + Shape.toString(x.shape()));
        }
        return triuIndices(x.shape(0), k, x.shape(1));
    }

    /** An open mesh: the i-th 1-d array reshaped to length along axis i and 1 elsewhere. */
    public static Array[] ix(Array... xs) {
        NullChecks.elements(xs, "xs");
        Array[] out = new Array[xs.length];
        for (int i = 0; i < xs.length; i++) {
            if (xs[i].ndim() != 1) {
                throw new ShapeException(
                        "ix: needs 1-d arrays, argument " + i + " has shape " + Shape.toString(xs[i].shape()));
            }
            int[] shape = new int[xs.length];
            java.util.Arrays.fill(shape, 1);
            shape[i] = xs[i].shape(0);
            out[i] = reshape(xs[i], shape);
        }
        return out;
    }

    /** {@code bins + 1} equal-width edges spanning x's minimum to maximum (widened by 1/2 if they are equal). */
    public static Array histogramBinEdges(Array x, int bins) {
        if (bins <= 0) {
            throw new KilnException("histogramBinEdges: bins must be positive, got " + bins);
        }
        Array v = Nn.inexact(x);
        return binEdges(min(v), max(v), bins);
    }

    /** {@code bins + 1} equal steps from {@code lo} to {@code hi} (widened by 0.5 each way when equal), the last exactly hi. */
    private static Array binEdges(Array lo, Array hi, int bins) {
        Array same = equal(lo, hi);
        lo = where(same, subtract(lo, 0.5), lo);
        hi = where(same, add(hi, 0.5), hi);
        Array steps = divide(Lax.convert(arange(bins + 1), lo.dtype()), (double) bins);
        Array edges = add(lo, multiply(subtract(hi, lo), steps));
        return Lax.dynamicUpdateSlice(edges, reshape(hi, 1), scalar(bins));
    }

    /** The counts of x in {@code bins} equal-width bins over its range (the last bin closed) and the edges. */
    public static Array[] histogram(Array x, int bins) {
        Objects.requireNonNull(x, "x");
        Array v = ravel(Nn.inexact(x));
        return histogramOver(v, histogramBinEdges(v, bins), null, false);
    }

    /**
     * {@code jnp.histogram(x, bins, range, weights, density)}: {@code bins} equal-width bins over
     * {@code range} ({@code {lo, hi}}; null: x's min and max), each element counting its weight
     * (null: 1) and values outside the range dropped; with {@code density} the counts are divided by
     * the bin widths and the total so they integrate to 1. Returns the counts and the edges.
     *
     * @throws ShapeException when weights do not match x, or range does not have two values
     */
    public static Array[] histogram(Array x, int bins, double[] range, Array weights, boolean density) {
        Objects.requireNonNull(x, "x");
        if (bins <= 0) {
            throw new KilnException("histogram: bins must be positive, got " + bins);
        }
        Array v = ravel(Nn.inexact(x));
        Array edges;
        if (range == null) {
            edges = histogramBinEdges(v, bins);
        } else {
            if (range.length != 2) {
                throw new ShapeException("histogram: range must be {lo, hi}, got " + range.length + " values");
            }
            edges = binEdges(Lax.convert(array(range[0]), v.dtype()), Lax.convert(array(range[1]), v.dtype()), bins);
        }
        return histogramOver(v, edges, histogramWeights(x, weights), density);
    }

    /**
     * {@code jnp.histogram(x, bins=edges, weights, density)}: counts in the bins between the
     * increasing {@code edges} (the last bin closed, values outside dropped).
     */
    public static Array[] histogram(Array x, Array edges, Array weights, boolean density) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(edges, "edges");
        if (edges.ndim() != 1 || edges.size() < 2) {
            throw new ShapeException("histogram: bin edges must be a 1-d array of at least 2 values, got shape "
                    + Shape.toString(edges.shape()));
        }
        Array v = ravel(Nn.inexact(x));
        return histogramOver(v, Lax.convert(edges, v.dtype()), histogramWeights(x, weights), density);
    }

    private static Array histogramWeights(Array x, Array weights) {
        if (weights != null && !Arrays.equals(weights.shape(), x.shape())) {
            throw new ShapeException("histogram: weights of shape " + Shape.toString(weights.shape())
                    + " must have x's shape " + Shape.toString(x.shape()));
        }
        return weights == null ? null : ravel(weights);
    }

    /** Counts (or weight sums) of the flat {@code v} between {@code edges}, JAX's way, and the edges. */
    private static Array[] histogramOver(Array v, Array edges, Array weights, boolean density) {
        int bins = edges.size() - 1;
        Array idx = Sorting.searchsorted(edges, v, "right");
        Array last = Lax.reshape(Lax.sliceInDim(edges, 0, bins, bins + 1), new int[0]);
        idx = where(equal(v, last), full(DType.INT32, bins, v.shape()), idx);
        DType t = weights == null
                ? v.dtype()
                : DType.promote(v.dtype(), Nn.inexact(weights).dtype());
        Array hot = Nn.oneHot(idx, bins + 1, -1, t);
        if (weights != null) {
            hot = multiply(hot, expandDims(Lax.convert(weights, t), 1));
        }
        Array counts = Lax.sliceInDim(sum(hot, 0), 0, 1, bins + 1);
        if (density) {
            Array widths = Lax.convert(diff(edges), t);
            counts = divide(divide(counts, widths), sum(counts));
        }
        return new Array[] {counts, edges};
    }

    /**
     * The gradient of sampled values along {@code axis} with unit spacing: central differences
     * inside, one-sided at the ends.
     */
    public static Array gradient(Array f, int axis) {
        Objects.requireNonNull(f, "f");
        int a = Shape.axis("gradient", axis, f.ndim());
        int n = f.shape(a);
        if (n < 2) {
            throw new ShapeException("gradient: needs at least 2 samples along axis " + axis + ", got " + n);
        }
        Array v = Nn.inexact(f);
        Array first = subtract(Lax.sliceInDim(v, a, 1, 2), Lax.sliceInDim(v, a, 0, 1));
        Array last = subtract(Lax.sliceInDim(v, a, n - 1, n), Lax.sliceInDim(v, a, n - 2, n - 1));
        if (n == 2) {
            return concatenate(new Array[] {first, last}, a);
        }
        Array mid = divide(subtract(Lax.sliceInDim(v, a, 2, n), Lax.sliceInDim(v, a, 0, n - 2)), 2.0);
        return concatenate(new Array[] {first, mid, last}, a);
    }

    /**
     * {@link #choose(Array, Array[], String)} in mode "raise", {@code jnp.choose}'s default: an index
     * outside {@code [0, choices.length)} is refused.
     */
    public static Array choose(Array index, Array... choices) {
        return choose(index, choices, "raise");
    }

    /**
     * Element-wise choice among {@code choices} by the integer {@code index}, as {@code
     * jnp.choose(index, choices, mode)}: mode "raise" refuses an index outside {@code [0,
     * choices.length)} and needs a concrete index (not under {@code jit} or {@code vmap}), "clip"
     * clamps it into range and "wrap" takes it modulo the number of choices. The index and the
     * choices broadcast; the dtype is the choices' promoted one.
     *
     * @throws DTypeException when the index is not an integer array
     * @throws KilnException when mode is unknown, or mode "raise" meets an out-of-range or traced index
     */
    public static Array choose(Array index, Array[] choices, String mode) {
        Objects.requireNonNull(index, "index");
        NullChecks.elements(choices, "choices");
        Objects.requireNonNull(mode, "mode");
        if (!index.dtype().isInteger() && !index.dtype().isBool()) {
            throw new DTypeException(
                    "choose: the index must be an integer array, got " + index.dtype() + "; convert it with Np.astype");
        }
        if (choices.length == 0) {
            throw new ShapeException("choose: needs at least one choice; pass the arrays to choose from");
        }
        int n = choices.length;
        Array idx;
        switch (mode) {
            case "raise" -> {
                if (index.isTraced()) {
                    throw new KilnException("choose: mode \"raise\" needs a concrete index, got a traced one (under"
                            + " jit or vmap); pass mode \"clip\" or \"wrap\"");
                }
                if (index.size() > 0
                        && any(logicalOr(less(index, 0), greaterEqual(index, n)))
                                        .item()
                                != 0) {
                    throw new KilnException("choose: an index is outside [0, " + n
                            + "), the number of choices; pass mode \"clip\" or \"wrap\" to bring it into range");
                }
                idx = index;
            }
            case "clip" -> idx = clip(index, 0, n - 1);
            case "wrap" -> idx = mod(index, n);
            default ->
                throw new KilnException("choose: mode must be \"raise\", \"clip\" or \"wrap\", got \"" + mode + "\"");
        }
        Array out = choices[n - 1];
        for (int i = n - 2; i >= 0; i--) {
            out = where(equal(idx, i), choices[i], out);
        }
        return broadcastTo(out, broadcastShapes("choose", idx.shape(), out.shape()));
    }

    /** {@code f(x, axis)} applied over each of {@code axes} in turn, keeping the reduced dimensions. */
    public static Array applyOverAxes(java.util.function.BiFunction<Array, Integer, Array> f, Array x, int... axes) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        Array out = x;
        for (int axis : axes) {
            int a = Shape.axis("applyOverAxes", axis, x.ndim());
            Object res = f.apply(out, a);
            if (!(res instanceof Array r)) {
                throw new TreeException("applyOverAxes: the function must return an Array, got "
                        + Transforms.describe(res) + "; return the array reduced (or not) along the axis");
            }
            out = r.ndim() == out.ndim() ? r : expandDims(r, a);
        }
        return out;
    }

    /** The coefficients (highest power first) of the monic polynomial with the given roots. */
    public static Array poly(Array roots) {
        Objects.requireNonNull(roots, "roots");
        if (roots.ndim() != 1) {
            throw new ShapeException("poly: needs 1-d roots, got shape " + Shape.toString(roots.shape()));
        }
        Array r = Nn.inexact(roots);
        Array c = ones(r.dtype(), 1);
        for (int i = 0; i < r.shape(0); i++) {
            Array root = Lax.sliceInDim(r, 0, i, i + 1);
            c = convolve(c, concatenate(new Array[] {ones(r.dtype(), 1), negative(root)}, 0), "full");
        }
        return c;
    }

    /**
     * The roots of the polynomial with coefficients {@code p} (highest power first), as {@code
     * jnp.roots(p)}: leading zeros are stripped (which reads the values, so this form does not run
     * under {@code jit}; use {@link #roots(Array, boolean)} with {@code stripZeros = false} there),
     * and the roots are the eigenvalues of the companion matrix ({@link Linalg#eigvals}), complex
     * whatever their values. Fewer than two coefficients left give no roots.
     */
    public static ComplexArray roots(Array p) {
        return roots(p, true);
    }

    /**
     * The roots of a polynomial, as {@code jnp.roots(p, strip_zeros=stripZeros)}; see {@link
     * #roots(Array)}. With {@code stripZeros = false} the result has {@code p.size - 1} elements
     * whatever the values, the places of missing roots (one per leading zero) being NaN at the end,
     * after the zero roots; this form runs under {@code jit}.
     *
     * @throws ShapeException when {@code p} has more than one axis
     */
    public static ComplexArray roots(Array p, boolean stripZeros) {
        Objects.requireNonNull(p, "p");
        Array c = Nn.inexact(atleast1d(p));
        if (c.ndim() != 1) {
            throw new ShapeException("roots: the coefficients must be a 1-d array, got shape "
                    + Shape.toString(c.shape()) + "; pass one polynomial at a time (flatten or index it)");
        }
        int n = c.shape(0);
        if (n < 2) {
            return ComplexArray.fromReal(zeros(c.dtype(), 0));
        }
        if (stripZeros) {
            double[] v = c.toDoubleArray();
            int lead = 0;
            while (lead < n && v[lead] == 0) {
                lead++;
            }
            if (n - lead < 2) {
                return ComplexArray.fromReal(zeros(c.dtype(), 0));
            }
            return companionRoots(Lax.sliceInDim(c, 0, lead, n));
        }
        Array isZero = equal(c, 0.0);
        Array allZero = all(isZero);
        Array lead = where(allZero, n, argmin(isZero));
        c = where(allZero, 1.0, c);
        // roll the leading zeros to the end: they become zero roots, then NaN places
        Array rolled = take(c, remainder(add(arange(n), lead), n));
        ComplexArray r = companionRoots(rolled);
        Array zeroRoot = logicalAnd(equal(r.real(), 0.0), equal(r.imag(), 0.0));
        Array order = argsort(astype(zeroRoot, DType.INT32));
        r = new ComplexArray(take(r.real(), order), take(r.imag(), order));
        Array keep = less(arange(n - 1), subtract(n - 1, lead));
        return ComplexArray.where(keep, r, ComplexArray.scalar(Double.NaN, Double.NaN, c.dtype()));
    }

    /**
     * The eigenvalues of the companion matrix of {@code c} (c[0] not zero). A polynomial with k
     * trailing zero coefficients has k roots that are exactly zero, which the iteration finds only to
     * rounding: the k smallest are set to zero, as LAPACK's exact deflation gives them.
     */
    private static ComplexArray companionRoots(Array c) {
        int n = c.shape(0);
        Array top = negative(divide(Lax.sliceInDim(c, 0, 1, n), Lax.sliceInDim(c, 0, 0, 1)));
        Array sub = eye(n - 1, n - 1, -1, c.dtype());
        Array a = where(equal(expandDims(arange(n - 1), -1), 0), expandDims(top, 0), sub);
        ComplexArray r = Linalg.eigvals(a);
        // trailing zeros: the count of zero coefficients after the last non-zero one
        Array nonZero = notEqual(c, 0.0);
        Array trailing = subtract(n - 1, max(where(nonZero, arange(n), 0)));
        Array rank = argsort(argsort(r.abs()));
        Array exactZero = less(rank, trailing);
        return ComplexArray.where(exactZero, 0.0, r);
    }

    /** Phase angles unwrapped along {@code axis}: jumps larger than pi become their 2 pi complements. */
    public static Array unwrap(Array p, int axis) {
        Objects.requireNonNull(p, "p");
        int a = Shape.axis("unwrap", axis, p.ndim());
        Array v = Nn.inexact(p);
        int n = v.shape(a);
        if (n < 2) {
            return v;
        }
        Array dd = diff(v, 1, a);
        Array ddmod = subtract(mod(add(dd, Math.PI), 2 * Math.PI), Math.PI);
        ddmod = where(logicalAnd(equal(ddmod, -Math.PI), greater(dd, 0.0)), fullLike(ddmod, Math.PI), ddmod);
        Array correct = subtract(ddmod, dd);
        correct = where(less(abs(dd), Math.PI), zerosLike(correct), correct);
        Array rest = add(Lax.sliceInDim(v, a, 1, n), cumsum(correct, a));
        return concatenate(new Array[] {Lax.sliceInDim(v, a, 0, 1), rest}, a);
    }

    /** {@code values} (broadcast to one slice) inserted before position {@code index} along {@code axis}. */
    public static Array insert(Array x, int index, Object values, int axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(values, "values");
        int a = Shape.axis("insert", axis, x.ndim());
        int n = x.shape(a);
        int i = index < 0 ? index + n : index;
        if (i < 0 || i > n) {
            throw new IndexException(
                    "insert: index " + index + " is out of bounds for axis " + axis + " of length " + n);
        }
        int[] shape = x.shape().clone();
        shape[a] = 1;
        Array slice = broadcastTo(astype(asArray(values), x.dtype()), shape);
        return concatenate(new Array[] {Lax.sliceInDim(x, a, 0, i), slice, Lax.sliceInDim(x, a, i, n)}, a);
    }

    // ---------------------------------------------------------------- set functions

    /** The sorted unique values of both flattened arrays; {@code ar1} and {@code ar2} concrete. */
    public static Array union1d(Array ar1, Array ar2) {
        return SetOps.union1d(ar1, ar2, null, null);
    }

    /**
     * {@code jnp.union1d(ar1, ar2, size=size, fill_value=fill)}: the union cut or padded to a static
     * {@code size} ({@code fill} null pads with the smallest value), so it works under jit.
     */
    public static Array union1d(Array ar1, Array ar2, int size, Number fill) {
        return SetOps.union1d(ar1, ar2, size, fill);
    }

    /** The sorted unique values of {@code ar1} that are not in {@code ar2}; both concrete. */
    public static Array setdiff1d(Array ar1, Array ar2) {
        return SetOps.setdiff1d(ar1, ar2, false, null, null);
    }

    /**
     * {@code jnp.setdiff1d(ar1, ar2, assume_unique, size=size, fill_value=fill)}: with {@code
     * assumeUnique} the values keep ar1's order; {@code size} null needs concrete inputs; {@code
     * fill} null pads with 0, as JAX does.
     */
    public static Array setdiff1d(Array ar1, Array ar2, boolean assumeUnique, Integer size, Number fill) {
        return SetOps.setdiff1d(ar1, ar2, assumeUnique, size, fill);
    }

    /** The sorted values in exactly one of the two arrays; both concrete. */
    public static Array setxor1d(Array ar1, Array ar2) {
        return SetOps.setxor1d(ar1, ar2, false, null, null);
    }

    /**
     * {@code jnp.setxor1d(ar1, ar2, assume_unique, size=size, fill_value=fill)}; {@code fill} null
     * pads with the smallest result.
     */
    public static Array setxor1d(Array ar1, Array ar2, boolean assumeUnique, Integer size, Number fill) {
        return SetOps.setxor1d(ar1, ar2, assumeUnique, size, fill);
    }

    /** The sorted unique values in both arrays; both concrete. */
    public static Array intersect1d(Array ar1, Array ar2) {
        return SetOps.intersect1d(ar1, ar2, false, false, null, null)[0];
    }

    /**
     * {@code jnp.intersect1d(ar1, ar2, assume_unique, size=size, fill_value=fill)}; {@code fill}
     * null pads with the smallest result.
     */
    public static Array intersect1d(Array ar1, Array ar2, boolean assumeUnique, Integer size, Number fill) {
        return SetOps.intersect1d(ar1, ar2, assumeUnique, false, size, fill)[0];
    }

    /**
     * {@code jnp.intersect1d(..., return_indices=True)}: the intersection and the int32 positions of
     * each value's first occurrence in the flattened ar1 and ar2 (padded entries get ar1's and ar2's
     * sizes, out-of-bound positions, as in JAX).
     */
    public static Array[] intersect1dWithIndices(
            Array ar1, Array ar2, boolean assumeUnique, Integer size, Number fill) {
        return SetOps.intersect1d(ar1, ar2, assumeUnique, true, size, fill);
    }

    // ---------------------------------------------------------------- floating-point decomposition

    /**
     * The mantissa and exponent of each element, {@code x = m * 2^e} with {@code 0.5 <= |m| < 1}
     * (int32 exponents); zeros, infinities and NaNs give themselves and exponent 0. Integer input
     * is converted to float32 first.
     */
    public static Array[] frexp(Array x) {
        Objects.requireNonNull(x, "x");
        Array v = Nn.inexact(x);
        Array regular = logicalAnd(isfinite(v), notEqual(v, 0.0));
        Array safe = where(regular, abs(v), onesLike(v));
        Array e = add(Lax.convert(floor(log2(safe)), DType.INT32), 1);
        // v * 2^-e in two exact steps: a subnormal's factor is beyond the dtype's range
        Array half = floorDivide(e, 2);
        Array m =
                multiply(multiply(v, powerOfTwo(negative(half), v.dtype())), powerOfTwo(subtract(half, e), v.dtype()));
        // log2 may round across a power of two: one step either way puts |m| in [0.5, 1)
        Array big = greaterEqual(abs(m), 1.0);
        m = where(big, multiply(m, 0.5), m);
        e = where(big, add(e, 1), e);
        Array small = less(abs(m), 0.5);
        m = where(small, multiply(m, 2.0), m);
        e = where(small, subtract(e, 1), e);
        return new Array[] {where(regular, m, v), where(regular, e, zerosLike(e))};
    }

    /** {@code 2^k} exactly for int32 {@code k} in the dtype's normal range. */
    private static Array powerOfTwo(Array k, DType dtype) {
        return exp2(Lax.convert(k, dtype));
    }

    /**
     * The distance from each element to the next representable value away from zero (negative for
     * negative elements; the smallest subnormal at zero; NaN at infinities and NaNs).
     */
    public static Array spacing(Array x) {
        Objects.requireNonNull(x, "x");
        Array v = Nn.inexact(x);
        Array away = copysign(fullLike(v, Double.POSITIVE_INFINITY), v);
        return subtract(nextafter(v, away), v);
    }

    // ---------------------------------------------------------------- polynomials

    /**
     * The quotient and remainder of polynomial division {@code u / v} (coefficients highest power
     * first), as {@code jnp.polydiv}: the remainder keeps u's length, with leading zeros.
     */
    public static Array[] polydiv(Array u, Array v) {
        Objects.requireNonNull(u, "u");
        Objects.requireNonNull(v, "v");
        if (u.ndim() != 1 || v.ndim() != 1 || v.shape(0) == 0) {
            throw new ShapeException("polydiv: needs 1-d coefficient arrays (v not empty), got shapes "
                    + Shape.toString(u.shape()) + " and " + Shape.toString(v.shape()));
        }
        DType t = inexactType(u, v);
        Array uu = Lax.convert(u, t);
        Array vv = Lax.convert(v, t);
        int m = u.shape(0) - 1;
        int n = v.shape(0) - 1;
        Array scale = reciprocal(Lax.reshape(Lax.sliceInDim(vv, 0, 0, 1), new int[0]));
        Array[] q = new Array[Math.max(m - n + 1, 1)];
        Arrays.fill(q, zeros(t));
        Array r = uu;
        for (int k = 0; k <= m - n; k++) {
            Array d = multiply(scale, Lax.reshape(Lax.sliceInDim(r, 0, k, k + 1), new int[0]));
            q[k] = d;
            Array seg = subtract(Lax.sliceInDim(r, 0, k, k + n + 1), multiply(d, vv));
            r = Lax.dynamicUpdateSlice(r, seg, scalar(k));
        }
        return new Array[] {stack(q, 0), r};
    }

    /**
     * The least-squares polynomial of degree {@code deg} through the points (x, y), highest power
     * first; {@code y} may be 2-d (one fit per column), as {@code jnp.polyfit(x, y, deg)}.
     */
    public static Array polyfit(Array x, Array y, int deg) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (deg < 0) {
            throw new KilnException("polyfit: deg must be non-negative, got " + deg);
        }
        if (x.ndim() != 1 || x.size() == 0) {
            throw new ShapeException(
                    "polyfit: x must be a non-empty 1-d array, got shape " + Shape.toString(x.shape()));
        }
        if (y.ndim() < 1 || y.ndim() > 2 || y.shape(0) != x.shape(0)) {
            throw new ShapeException("polyfit: y must be 1-d or 2-d with x's length " + x.shape(0) + ", got shape "
                    + Shape.toString(y.shape()));
        }
        DType t = inexactType(x, y);
        Array lhs = vander(Lax.convert(x, t), deg + 1, false);
        Array scale = sqrt(sum(multiply(lhs, lhs), 0));
        lhs = divide(lhs, scale);
        Array c = Linalg.lstsq(lhs, Lax.convert(y, t)).x();
        return c.ndim() > 1 ? divide(c, expandDims(scale, 1)) : divide(c, scale);
    }

    // ---------------------------------------------------------------- windows and trimming

    /** The Kaiser window of {@code m} points with shape parameter {@code beta} (float32). */
    public static Array kaiser(int m, double beta) {
        if (m <= 1) {
            return full(DType.FLOAT32, 1, Math.max(m, 0));
        }
        Array n = astype(arange(m), DType.FLOAT32);
        double alpha = 0.5 * (m - 1);
        Array r = divide(subtract(n, alpha), alpha);
        Array arg = multiply(sqrt(subtract(1.0, multiply(r, r))), beta);
        return divide(i0(arg), i0(full(DType.FLOAT32, beta)));
    }

    /**
     * {@code filt} without its leading ({@code trim} contains "f") and trailing ("b") all-zero
     * slices along every axis, as {@code jnp.trim_zeros}; the result's shape depends on the data, so
     * {@code filt} must be concrete.
     */
    public static Array trimZeros(Array filt, String trim) {
        Objects.requireNonNull(filt, "filt");
        Objects.requireNonNull(trim, "trim");
        if (filt.isTraced()) {
            throw new ShapeException("trimZeros: the result's shape depends on the data, but filt of type "
                    + filt.spec() + " is traced (inside jit, grad or vmap); call it outside the transformation");
        }
        String t = trim.toLowerCase(java.util.Locale.ROOT);
        boolean front = t.contains("f");
        boolean back = t.contains("b");
        Array out = filt;
        for (int a = 0; a < filt.ndim() && (front || back); a++) {
            int[] others = new int[filt.ndim() - 1];
            for (int d = 0, j = 0; d < filt.ndim(); d++) {
                if (d != a) {
                    others[j++] = d;
                }
            }
            int n = filt.shape(a);
            HostBuffer h = any(notEqual(filt, 0), others, false).toHost();
            int first = -1;
            int last = -1;
            for (int i = 0; i < n; i++) {
                if (h.getDouble(i) != 0) {
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
            if (first < 0) {
                return Lax.sliceInDim(out, a, 0, 0);
            }
            out = Lax.sliceInDim(out, a, front ? first : 0, back ? last + 1 : n);
        }
        return out;
    }

    /** {@link #trimZeros(Array, String) trimZeros(filt, "fb")}. */
    public static Array trimZeros(Array filt) {
        return trimZeros(filt, "fb");
    }

    // ---------------------------------------------------------------- functional updates and selection

    /**
     * {@code jnp.put(a, ind, v, mode, inplace=False)}: a copy of {@code a} with the flattened
     * positions {@code ind} set to {@code v} (repeated to ind's length; the last of repeated
     * positions wins). {@code mode} null counts negative positions from the end and clamps the rest
     * into range, as JAX does; "clip" clips every position, "wrap" wraps it.
     */
    public static Array put(Array a, Array ind, Object v, String mode) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(ind, "ind");
        Objects.requireNonNull(v, "v");
        if (ind.dtype().isFloating()) {
            throw new DTypeException("put: ind must be an integer array, got " + ind.dtype());
        }
        Array flatInd = Lax.convert(ravel(ind), DType.INT32);
        Array vals = ravel(astype(asArray(v), a.dtype()));
        int n = a.size();
        if (n == 0 || flatInd.size() == 0 || vals.size() == 0) {
            return a;
        }
        Array p;
        if (mode == null) {
            // as jnp.put: negative positions count from the end, the rest clamp into range
            p = clip(where(less(flatInd, 0), add(flatInd, n), flatInd), 0, n - 1);
        } else if (mode.equals("clip")) {
            p = clip(flatInd, 0, n - 1);
        } else if (mode.equals("wrap")) {
            p = mod(flatInd, n);
        } else {
            throw new KilnException(
                    "put: mode must be null (drop out-of-range positions), \"clip\" or \"wrap\", got \"" + mode + "\"");
        }
        return reshape(ravel(a).at(p).set(resize(vals, flatInd.size())), a.shape());
    }

    /**
     * {@code jnp.put_along_axis(arr, indices, values, axis, inplace=False)}: the transpose of
     * {@link #takeAlongAxis}; {@code axis} null works on the flattened array. Positions out of range
     * are dropped (negative ones count from the end); repeated positions keep the last value.
     */
    public static Array putAlongAxis(Array arr, Array indices, Object values, Integer axis) {
        Objects.requireNonNull(arr, "arr");
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(values, "values");
        Array x = axis == null ? ravel(arr) : arr;
        int a = axis == null ? 0 : Shape.axis("putAlongAxis", axis, arr.ndim());
        if (indices.ndim() != x.ndim()) {
            throw new ShapeException("putAlongAxis: arr and indices must have the same number of dimensions, got "
                    + x.ndim() + " and " + indices.ndim());
        }
        if (indices.dtype().isFloating()) {
            throw new DTypeException("putAlongAxis: indices must be an integer array, got " + indices.dtype());
        }
        int[] ishape = indices.shape();
        for (int d = 0; d < x.ndim(); d++) {
            if (d != a && ishape[d] != 1 && ishape[d] != x.shape(d)) {
                throw new ShapeException("putAlongAxis: indices of shape " + Shape.toString(ishape)
                        + " do not broadcast against arr of shape " + Shape.toString(x.shape()) + " off axis " + a);
            }
        }
        Array v = broadcastTo(astype(asArray(values), arr.dtype()), ishape);
        // off the axis, a unit dimension of indices broadcasts to arr's
        int[] bshape = ishape.clone();
        for (int d = 0; d < x.ndim(); d++) {
            if (d != a && ishape[d] == 1) {
                bshape[d] = x.shape(d);
            }
        }
        // the positions: the indices along the axis, the iota off it
        Array n = full(DType.INT32, x.shape(a));
        Array along = Lax.convert(indices, DType.INT32);
        along = where(less(along, 0), add(along, n), along);
        Array bad = logicalOr(less(along, 0), greaterEqual(along, n));
        Array flat = zeros(DType.INT32, bshape);
        for (int d = 0; d < x.ndim(); d++) {
            Array c = d == a ? broadcastTo(along, bshape) : Lax.iota(DType.INT32, bshape, d);
            flat = add(multiply(flat, x.shape(d)), c);
        }
        flat = where(broadcastTo(bad, bshape), full(DType.INT32, x.size()), flat);
        Array out = ravel(x).at(ravel(flat)).set(ravel(broadcastTo(v, bshape)));
        return reshape(out, arr.shape());
    }

    /**
     * {@code jnp.place(arr, mask, vals, inplace=False)}: the positions where {@code mask} holds, in
     * order, get {@code vals} (repeated as needed); mask has arr's size.
     */
    public static Array place(Array arr, Array mask, Array vals) {
        Objects.requireNonNull(arr, "arr");
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(vals, "vals");
        if (arr.size() != mask.size()) {
            throw new ShapeException(
                    "place: arr and mask must have the same size, got " + arr.size() + " and " + mask.size());
        }
        if (vals.size() == 0) {
            throw new ShapeException("place: vals is empty; pass at least one value to place");
        }
        int n = arr.size();
        if (n == 0) {
            return arr;
        }
        Array pos = flatnonzero(mask, n, n);
        Array v = resize(ravel(astype(vals, arr.dtype())), n);
        return reshape(ravel(arr).at(pos).set(v), arr.shape());
    }

    /**
     * {@code jnp.compress(condition, a, axis)}: the slices along {@code axis} (null: of the
     * flattened array) where the 1-d {@code condition} holds; the result's length depends on the
     * data, so condition must be concrete.
     */
    public static Array compress(Array condition, Array a, Integer axis) {
        return compress(condition, a, axis, null, 0);
    }

    /**
     * {@code jnp.compress(condition, a, axis, size=size, fill_value=fill)}: with a static {@code size}
     * (at most the axis length) the kept slices come first and {@code fill} pads the rest, so it
     * works under jit.
     */
    public static Array compress(Array condition, Array a, Integer axis, Integer size, Number fill) {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(a, "a");
        if (condition.ndim() != 1) {
            throw new ShapeException("compress: condition must be 1-d, got shape " + Shape.toString(condition.shape()));
        }
        Array x = axis == null ? ravel(a) : moveaxis(a, Shape.axis("compress", axis, a.ndim()), 0);
        int len = x.shape(0);
        Array cond = notEqual(condition, 0);
        int c = Math.min(len, cond.size());
        Array extra = Lax.sliceInDim(cond, 0, c, cond.size());
        cond = Lax.sliceInDim(cond, 0, 0, c);
        x = Lax.sliceInDim(x, 0, 0, c);
        Array result;
        if (size == null) {
            if (condition.isTraced()) {
                throw new ShapeException("compress: the result's length depends on the data, but condition of type "
                        + condition.spec() + " is traced (inside jit, grad or vmap); pass a static size");
            }
            if (extra.size() > 0 && any(extra).booleanItem()) {
                throw new IndexException("compress: condition has true entries past the axis length " + len
                        + "; cut condition to that length");
            }
            int count = (int) sum(Lax.convert(cond, DType.INT32)).longItem();
            result = take(x, flatnonzero(cond, count, 0), 0, "clip");
        } else {
            if (size < 0 || size > len) {
                throw new ShapeException("compress: size must be in [0, " + len + "] (the axis length), got " + size);
            }
            int[] ones = new int[x.ndim()];
            Arrays.fill(ones, 1);
            ones[0] = c;
            Array filled = where(reshape(cond, ones), x, full(x.dtype(), fill == null ? 0 : fill.doubleValue()));
            Array order = argsort(Lax.convert(logicalNot(cond), DType.INT32));
            result = Lax.sliceInDim(take(filled, order, 0, "clip"), 0, 0, size);
        }
        return axis == null ? result : moveaxis(result, 0, Shape.axis("compress", axis, a.ndim()));
    }

    /** {@code jnp.extract(condition, arr)}: the elements of the flattened arr where condition holds. */
    public static Array extract(Array condition, Array arr) {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(arr, "arr");
        return compress(ravel(condition), ravel(arr), null, null, 0);
    }

    /** {@code jnp.extract(condition, arr, size=size, fill_value=fill)}. */
    public static Array extract(Array condition, Array arr, int size, Number fill) {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(arr, "arr");
        return compress(ravel(condition), ravel(arr), null, size, fill);
    }

    /**
     * {@code jnp.piecewise(x, condlist, funclist)}: where {@code condlist[i]} holds, {@code
     * funclist[i]} of x (a {@code Function<Array, Array>} applied element-wise, or a constant
     * Number); a later condition wins over an earlier one. With one more function than conditions
     * the last is the default, otherwise the default is 0. The result has x's dtype.
     */
    @SuppressWarnings("unchecked")
    public static Array piecewise(Array x, Array[] condlist, Object... funclist) {
        Objects.requireNonNull(x, "x");
        NullChecks.elements(condlist, "condlist");
        NullChecks.elements(funclist, "funclist");
        int nc = condlist.length;
        int nf = funclist.length;
        if (nf != nc && nf != nc + 1) {
            throw new KilnException("piecewise: with " + nc + " condition(s), either " + nc + " or " + (nc + 1)
                    + " functions are expected; got " + nf);
        }
        java.util.function.Function<Object, Array> apply = f -> switch (f) {
            case java.util.function.Function<?, ?> fn ->
                astype(((java.util.function.Function<Array, Array>) fn).apply(x), x.dtype());
            case Number num -> full(x.dtype(), num.doubleValue(), x.shape());
            case Array arr -> broadcastTo(astype(arr, x.dtype()), x.shape());
            default ->
                throw new KilnException("piecewise: each function must be a Function<Array, Array>, a Number"
                        + " or an Array, got " + f.getClass().getSimpleName());
        };
        Array out = nf == nc + 1 ? apply.apply(funclist[nf - 1]) : zerosLike(x);
        for (int i = 0; i < nc; i++) {
            Array cond = condlist[i];
            if (!Arrays.equals(cond.shape(), x.shape()) && cond.ndim() != 0) {
                cond = broadcastTo(cond, x.shape());
            }
            out = where(cond, apply.apply(funclist[i]), out);
        }
        return out;
    }

    // ---------------------------------------------------------------- multi-dimensional histograms

    /**
     * {@code jnp.histogramdd(sample, bins)}: the int32 counts of the (N, D) {@code sample} in {@code
     * bins} equal-width bins per dimension over its range (the last bin closed), then the D edge
     * arrays.
     */
    public static Array[] histogramdd(Array sample, int bins) {
        Objects.requireNonNull(sample, "sample");
        if (sample.ndim() != 2) {
            throw new ShapeException(
                    "histogramdd: sample must be 2-d (N, D), got shape " + Shape.toString(sample.shape()));
        }
        if (bins <= 0) {
            throw new KilnException("histogramdd: bins must be positive, got " + bins);
        }
        Array s = Nn.inexact(sample);
        int d = s.shape(1);
        Array[] idx = new Array[d];
        Array[] out = new Array[d + 1];
        int[] nbins = new int[d];
        for (int i = 0; i < d; i++) {
            Array col = Lax.reshape(Lax.sliceInDim(s, 1, i, i + 1), s.shape(0));
            Array edges = histogramBinEdges(col, bins);
            Array last = Lax.reshape(Lax.sliceInDim(edges, 0, bins, bins + 1), new int[0]);
            Array b = searchsorted(edges, col, "right");
            idx[i] = where(equal(col, last), subtract(b, 1), b);
            nbins[i] = bins + 2;
            out[i + 1] = edges;
        }
        Array flat = ravelMultiIndex(idx, nbins, "ignore"); // in range by construction, and may be traced
        int total = 1;
        for (int nb : nbins) {
            total *= nb;
        }
        Array hist = reshape(bincount(flat, total), nbins);
        for (int i = 0; i < d; i++) {
            hist = Lax.sliceInDim(hist, i, 1, bins + 1);
        }
        out[0] = hist;
        return out;
    }

    /** {@code jnp.histogram2d(x, y, bins)}: the int32 counts and the x and y edges. */
    public static Array[] histogram2d(Array x, Array y, int bins) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.ndim() != 1 || !Arrays.equals(x.shape(), y.shape())) {
            throw new ShapeException("histogram2d: x and y must be 1-d of one length, got shapes "
                    + Shape.toString(x.shape()) + " and " + Shape.toString(y.shape()));
        }
        DType t = inexactType(x, y);
        return histogramdd(stack(new Array[] {Lax.convert(x, t), Lax.convert(y, t)}, 1), bins);
    }

    /**
     * {@code jnp.mask_indices(n, mask_func, k)}: the row and column indices of the non-zero entries of
     * {@code maskFunc(ones(n, n), k)} (e.g. {@code Np::triu}).
     */
    public static Array[] maskIndices(int n, java.util.function.BiFunction<Array, Integer, Array> maskFunc, int k) {
        Objects.requireNonNull(maskFunc, "maskFunc");
        if (n < 0) {
            throw new ShapeException("maskIndices: n must be non-negative, got " + n);
        }
        Object r = maskFunc.apply(ones(DType.FLOAT32, n, n), k);
        if (!(r instanceof Array m)) {
            throw new KilnException(
                    "maskIndices: maskFunc must return an Array (as Np::triu does), got " + describe(r));
        }
        int count = (int) countNonzero(m).longItem();
        return nonzero(m, count, 0);
    }

    // ---------------------------------------------------------------- dtype queries

    /**
     * {@code jnp.finfo(dtype)}: the machine limits of a float dtype (float16, bfloat16, float32,
     * float64): {@code eps}, {@code max}, {@code tiny}, {@code smallestSubnormal}, {@code
     * resolution}, {@code precision} and the rest of NumPy's fields, with JAX's values.
     *
     * @throws DTypeException for a dtype that is not a float dtype (as JAX, which raises for
     *     integers and bool)
     */
    public static FInfo finfo(DType dtype) {
        return FInfo.of("finfo", dtype);
    }

    /** {@code jnp.finfo(x)}: {@link #finfo(DType)} of the array's dtype. */
    public static FInfo finfo(Array x) {
        return FInfo.of("finfo", Objects.requireNonNull(x, "x").dtype());
    }

    /**
     * {@code jnp.iinfo(dtype)}: the bits and the least and greatest values of an integer dtype
     * (int8 to int64, uint8 to uint32).
     *
     * @throws DTypeException for a dtype that is not an integer dtype (floats and bool, as JAX)
     */
    public static IInfo iinfo(DType dtype) {
        return IInfo.of("iinfo", dtype);
    }

    /** {@code jnp.iinfo(x)}: {@link #iinfo(DType)} of the array's dtype. */
    public static IInfo iinfo(Array x) {
        return IInfo.of("iinfo", Objects.requireNonNull(x, "x").dtype());
    }

    /**
     * Whether a value of dtype {@code from} can be cast to {@code to} under NumPy's rule {@code
     * casting}: "no" or "equiv" (the same dtype), "safe" (every value kept), "same_kind" (safe, or
     * within one kind: floats to floats, signed integers to signed ones) or "unsafe" (always).
     */
    public static boolean canCast(DType from, DType to, String casting) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(casting, "casting");
        return switch (casting) {
            case "no", "equiv" -> from == to;
            case "safe" -> safeCast(from, to);
            case "same_kind" -> safeCast(from, to) || kindOrder(from) <= kindOrder(to);
            case "unsafe" -> true;
            default ->
                throw new KilnException("canCast: casting must be \"no\", \"equiv\", \"safe\", \"same_kind\" or"
                        + " \"unsafe\", got \"" + casting + "\"");
        };
    }

    /** {@link #canCast(DType, DType, String) canCast(from, to, "safe")}. */
    public static boolean canCast(DType from, DType to) {
        return canCast(from, to, "safe");
    }

    private static boolean safeCast(DType from, DType to) {
        if (from == to || from == DType.BOOL) {
            return true;
        }
        return switch (from) {
            case INT32 -> to == DType.INT64 || to == DType.FLOAT64;
            case UINT32 -> to == DType.INT64 || to == DType.FLOAT64;
            case INT64 -> to == DType.FLOAT64;
            case FLOAT32 -> to == DType.FLOAT64;
            default -> false;
        };
    }

    /** bool, unsigned, signed, float: a cast up this order (or within one kind) is "same_kind". */
    private static int kindOrder(DType t) {
        return switch (t) {
            case BOOL -> 0;
            case UINT32, UINT8, UINT16 -> 1;
            case INT32, INT64, INT8, INT16 -> 2;
            case FLOAT32, FLOAT64, FLOAT16, BFLOAT16 -> 3;
        };
    }

    /**
     * {@code jnp.isdtype(dtype, kind)}: whether the dtype is of any of the kinds named: "bool",
     * "signed integer", "unsigned integer", "integral", "real floating", "complex floating" or
     * "numeric" (or a DType, for itself).
     */
    public static boolean isdtype(DType dtype, Object... kinds) {
        Objects.requireNonNull(dtype, "dtype");
        NullChecks.elements(kinds, "kinds");
        for (Object k : kinds) {
            boolean hit =
                    switch (k) {
                        case DType d -> d == dtype;
                        case String s ->
                            switch (s) {
                                case "bool" -> dtype == DType.BOOL;
                                case "signed integer" -> dtype == DType.INT32 || dtype == DType.INT64;
                                case "unsigned integer" -> dtype == DType.UINT32;
                                case "integral" ->
                                    dtype == DType.INT32 || dtype == DType.INT64 || dtype == DType.UINT32;
                                case "real floating" -> dtype.isFloating();
                                case "complex floating" -> false;
                                case "numeric" -> dtype != DType.BOOL;
                                default ->
                                    throw new KilnException(
                                            "isdtype: unknown kind \"" + s + "\"; use \"bool\", \"signed"
                                                    + " integer\", \"unsigned integer\", \"integral\", \"real floating\", \"complex floating\""
                                                    + " or \"numeric\"");
                            };
                        default ->
                            throw new KilnException("isdtype: a kind is a DType or a String, got "
                                    + k.getClass().getSimpleName());
                    };
            if (hit) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code jnp.issubdtype(dtype, category)}: whether the dtype is {@code category} (a DType) or in
     * it (NumPy's abstract names: "generic", "number", "integer", "signedinteger",
     * "unsignedinteger", "inexact", "floating", "complexfloating", "bool").
     */
    public static boolean issubdtype(DType dtype, Object category) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(category, "category");
        return switch (category) {
            case DType d -> d == dtype;
            case String s ->
                switch (s) {
                    case "generic" -> true;
                    case "number" -> dtype != DType.BOOL;
                    case "integer" -> dtype == DType.INT32 || dtype == DType.INT64 || dtype == DType.UINT32;
                    case "signedinteger" -> dtype == DType.INT32 || dtype == DType.INT64;
                    case "unsignedinteger" -> dtype == DType.UINT32;
                    case "inexact", "floating" -> dtype.isFloating();
                    case "complexfloating" -> false;
                    case "bool", "bool_" -> dtype == DType.BOOL;
                    default ->
                        throw new KilnException("issubdtype: unknown category \"" + s + "\"; use a DType or one of"
                                + " \"generic\", \"number\", \"integer\", \"signedinteger\", \"unsignedinteger\", \"inexact\","
                                + " \"floating\", \"complexfloating\", \"bool\"");
                };
            default ->
                throw new KilnException("issubdtype: the category is a DType or a String, got "
                        + category.getClass().getSimpleName());
        };
    }

    /** {@code jnp.isscalar}: a Java number or Boolean, or a 0-d Array. */
    public static boolean isscalar(Object x) {
        return x instanceof Number || x instanceof Boolean || (x instanceof Array a && a.ndim() == 0);
    }

    /** {@code jnp.iterable}: an Array of rank at least 1, a Java array, or an {@link Iterable}. */
    public static boolean iterable(Object x) {
        return (x instanceof Array a && a.ndim() > 0)
                || x instanceof Iterable<?>
                || (x != null && x.getClass().isArray());
    }

    // ---------------------------------------------------------------- assembling and printing

    /**
     * {@code jnp.block}: an array assembled from nested lists (Java {@link List}s or {@code Object[]})
     * of arrays: the innermost lists join along the last axis, the next along the one before, and so
     * on; arrays of lower rank gain leading unit dimensions first.
     */
    public static Array block(Object arrays) {
        Objects.requireNonNull(arrays, "arrays");
        int depth = blockDepth(arrays, "block");
        int rank = Math.max(depth, blockRank(arrays));
        return blockJoin(arrays, depth, rank);
    }

    private static List<?> blockList(Object o) {
        if (o instanceof List<?> l) {
            return l;
        }
        if (o instanceof Object[] a) {
            return Arrays.asList(a);
        }
        return null;
    }

    private static int blockDepth(Object o, String fn) {
        List<?> l = blockList(o);
        if (l == null) {
            if (!(o instanceof Array) && !(o instanceof Number)) {
                throw new KilnException(fn + ": expected Arrays in nested lists, got " + describe(o));
            }
            return 0;
        }
        if (l.isEmpty()) {
            throw new ShapeException(fn + ": a list is empty; every list needs at least one element");
        }
        int d = -1;
        for (Object e : l) {
            int de = blockDepth(e, fn);
            if (d >= 0 && de != d) {
                throw new ShapeException(fn + ": lists are nested to different depths (" + d + " and " + de
                        + "); nest every array equally deep");
            }
            d = de;
        }
        return d + 1;
    }

    private static int blockRank(Object o) {
        List<?> l = blockList(o);
        if (l == null) {
            return asArray(o).ndim();
        }
        int r = 0;
        for (Object e : l) {
            r = Math.max(r, blockRank(e));
        }
        return r;
    }

    private static Array blockJoin(Object o, int depth, int rank) {
        List<?> l = blockList(o);
        if (l == null) {
            Array a = asArray(o);
            int[] shape = new int[rank];
            Arrays.fill(shape, 1);
            System.arraycopy(a.shape(), 0, shape, rank - a.ndim(), a.ndim());
            return reshape(a, shape);
        }
        Array[] parts = new Array[l.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = blockJoin(l.get(i), depth - 1, rank);
        }
        return concatenate(parts, rank - depth);
    }

    /**
     * {@code jnp.save}: writes {@code a} to {@code file} in NumPy's {@code .npy} format (C order,
     * little-endian), readable by {@code numpy.load} and {@code jnp.load}. bfloat16, which NumPy has no
     * type for, is refused.
     */
    public static void save(java.nio.file.Path file, Array a) {
        java.util.Objects.requireNonNull(file, "file");
        java.util.Objects.requireNonNull(a, "a");
        NpyFiles.save(file, a);
    }

    /**
     * {@code jnp.load} of a {@code .npy} file (as {@code numpy.save} writes it): bool, int8 to int64,
     * uint8 to uint32 and float16 to float64, either byte order, C or Fortran order.
     */
    public static Array load(java.nio.file.Path file) {
        java.util.Objects.requireNonNull(file, "file");
        return NpyFiles.load(file);
    }

    /** {@code jnp.savez}: the arrays in one uncompressed {@code .npz} file, each as {@code <name>.npy}. */
    public static void savez(java.nio.file.Path file, java.util.Map<String, Array> arrays) {
        java.util.Objects.requireNonNull(file, "file");
        java.util.Objects.requireNonNull(arrays, "arrays");
        NpyFiles.savez(file, arrays, false);
    }

    /** {@code numpy.savez_compressed}: {@link #savez} with each entry deflated. */
    public static void savezCompressed(java.nio.file.Path file, java.util.Map<String, Array> arrays) {
        java.util.Objects.requireNonNull(file, "file");
        java.util.Objects.requireNonNull(arrays, "arrays");
        NpyFiles.savez(file, arrays, true);
    }

    /** {@code jnp.load} of an {@code .npz} file: its arrays by name, in the file's order. */
    public static java.util.Map<String, Array> loadNpz(java.nio.file.Path file) {
        java.util.Objects.requireNonNull(file, "file");
        return NpyFiles.loadz(file);
    }

    /**
     * {@code jnp.frombuffer}: {@code count} elements of {@code dtype} (-1: as many as the bytes hold)
     * read little-endian from {@code buffer} starting at byte {@code offset}, as a 1-d array.
     */
    public static Array frombuffer(byte[] buffer, DType dtype, int count, int offset) {
        java.util.Objects.requireNonNull(buffer, "buffer");
        java.util.Objects.requireNonNull(dtype, "dtype");
        return NpyFiles.frombuffer(buffer, dtype, count, offset);
    }

    /** {@link #frombuffer(byte[], DType, int, int)} of the whole buffer. */
    public static Array frombuffer(byte[] buffer, DType dtype) {
        return frombuffer(buffer, dtype, -1, 0);
    }

    /**
     * {@code jnp.fromstring(text, dtype, count, sep=sep)}: the numbers in {@code text} separated by
     * {@code sep} (a blank separator means any whitespace; spaces around any separator are ignored),
     * parsed as NumPy does ({@code inf} and {@code nan} included) and converted to {@code dtype}; the
     * first {@code count} of them (-1: all). An empty separator (NumPy's removed binary mode) and text
     * that does not parse are refused with NumPy's reasons.
     */
    public static Array fromstring(String text, DType dtype, int count, String sep) {
        java.util.Objects.requireNonNull(text, "text");
        java.util.Objects.requireNonNull(dtype, "dtype");
        java.util.Objects.requireNonNull(sep, "sep");
        return NpyFiles.fromstring(text, dtype, count, sep);
    }

    /** {@link #fromstring(String, DType, int, String)} of every number. */
    public static Array fromstring(String text, DType dtype, String sep) {
        return fromstring(text, dtype, -1, sep);
    }

    /**
     * {@code jnp.array_str}: the array's elements as NumPy's {@code str} writes them, such as {@code
     * [[1.5 2. ]\n [3.  4. ]]} (what {@link Kiln#debugPrint} shows).
     */
    public static String arrayStr(Array a) {
        java.util.Objects.requireNonNull(a, "a");
        return NumpyFormat.str(a);
    }

    /** {@code jnp.get_printoptions}: the options arrays print with here. */
    public static PrintOptions getPrintoptions() {
        return NumpyFormat.options();
    }

    /** {@code jnp.set_printoptions}: the options every thread prints with from now on. */
    public static void setPrintoptions(PrintOptions options) {
        java.util.Objects.requireNonNull(options, "options");
        NumpyFormat.setGlobal(options);
    }

    /**
     * {@code with jnp.printoptions(...)}: runs {@code body} with arrays printing by {@code options}
     * on this thread, and returns its result; the options before apply again afterwards.
     */
    public static <T> T printoptions(PrintOptions options, java.util.function.Supplier<T> body) {
        java.util.Objects.requireNonNull(options, "options");
        java.util.Objects.requireNonNull(body, "body");
        return NumpyFormat.with(options, body);
    }

    /** {@code jnp.array_repr}: the text {@link Array#toString()} gives. */
    public static String arrayRepr(Array x) {
        Objects.requireNonNull(x, "x");
        return x.toString();
    }

    // ---------------------------------------------------------------- vectorize

    /**
     * {@code jnp.vectorize(f)}: {@code f}, written for a scalar (0-d) argument returning a scalar,
     * applied to every element of its argument (through {@link Kiln#vmap}: traced once).
     */
    public static Function<Array, Array> vectorize(Function<Array, Array> f) {
        return vectorize(f, null);
    }

    /**
     * {@code jnp.vectorize(f, signature=signature)}: {@code f} written for arguments of the core
     * shape the signature names (NumPy's generalized-ufunc form, e.g. {@code "(n)->()"}; null: scalars)
     * applied over any leading dimensions.
     */
    public static Function<Array, Array> vectorize(Function<Array, Array> f, String signature) {
        Objects.requireNonNull(f, "f");
        // f's result is checked by Vectorize, not cast here: a wrongly typed function gets a Kiln error
        Function<Array, ?> raw = f;
        Function<Array[], Array> g = Vectorize.of(a -> raw.apply(a[0]), signature);
        return x -> g.apply(new Array[] {x});
    }

    /** {@code jnp.vectorize} of a function of two arguments, broadcast against each other over their loop dimensions. */
    public static java.util.function.BiFunction<Array, Array, Array> vectorize(
            java.util.function.BiFunction<Array, Array, Array> f, String signature) {
        Objects.requireNonNull(f, "f");
        java.util.function.BiFunction<Array, Array, ?> raw = f;
        Function<Array[], Array> g = Vectorize.of(a -> raw.apply(a[0], a[1]), signature);
        return (x, y) -> g.apply(new Array[] {x, y});
    }

    // ---------------------------------------------------------------- complex arrays (see ComplexArray)

    /** The real part of a complex array. */
    public static Array real(ComplexArray x) {
        return Objects.requireNonNull(x, "x").real();
    }

    /** The imaginary part of a complex array. */
    public static Array imag(ComplexArray x) {
        return Objects.requireNonNull(x, "x").imag();
    }

    /** The complex conjugate. */
    public static ComplexArray conj(ComplexArray x) {
        return Objects.requireNonNull(x, "x").conj();
    }

    /** Same as {@link #conj(ComplexArray)}. */
    public static ComplexArray conjugate(ComplexArray x) {
        return conj(x);
    }

    /** The argument of each element in radians, {@code atan2(imag, real)}. */
    public static Array angle(ComplexArray x) {
        return Objects.requireNonNull(x, "x").angle();
    }

    /** The absolute value {@code |z|} of each element. */
    public static Array abs(ComplexArray x) {
        return Objects.requireNonNull(x, "x").abs();
    }

    /** Whether each element has a non-zero imaginary part. */
    public static Array iscomplex(ComplexArray x) {
        return notEqual(Objects.requireNonNull(x, "x").imag(), 0);
    }

    /** Whether each element has a zero imaginary part. */
    public static Array isreal(ComplexArray x) {
        return equal(Objects.requireNonNull(x, "x").imag(), 0);
    }

    /** Whether the dtype is complex: always for a complex array. */
    public static boolean iscomplexobj(ComplexArray x) {
        Objects.requireNonNull(x, "x");
        return true;
    }

    /** Whether the dtype is real: never for a complex array. */
    public static boolean isrealobj(ComplexArray x) {
        Objects.requireNonNull(x, "x");
        return false;
    }

    /** A real array sorted along its last axis, as a complex array ({@code jnp.sort_complex}). */
    public static ComplexArray sortComplex(Array x) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() == 0) {
            throw new ShapeException("sortComplex: needs an array of rank >= 1, got a 0-d array; reshape it to 1-d");
        }
        return ComplexArray.fromReal(sort(x, -1));
    }

    /**
     * A complex array sorted along its last axis by real part, then imaginary part ({@code
     * jnp.sort_complex}).
     */
    public static ComplexArray sortComplex(ComplexArray x) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() == 0) {
            throw new ShapeException("sortComplex: needs an array of rank >= 1, got a 0-d array; reshape it to 1-d");
        }
        Array byImag = Sorting.argsortLast(x.imag(), false);
        Array re = takeAlongAxis(x.real(), byImag, -1);
        Array order = takeAlongAxis(byImag, Sorting.argsortLast(re, false), -1);
        return new ComplexArray(takeAlongAxis(x.real(), order, -1), takeAlongAxis(x.imag(), order, -1));
    }

    // ---------------------------------------------------------------- bits (NpBits)

    /**
     * {@code jnp.bitwise_count}: the number of set bits of each element's absolute value (bool:
     * 0 or 1), as uint8.
     */
    public static Array bitwiseCount(Array x) {
        return NpBits.bitwiseCount(x);
    }

    /** {@code jnp.packbits(a)}: the flattened array's truth values packed eight to a byte, most significant first. */
    public static Array packbits(Array a) {
        return NpBits.packbits(a, null, "big");
    }

    /**
     * {@code jnp.packbits(a, axis, bitorder)}: truth values packed eight to a byte along {@code axis}
     * (null: the flattened array), padded with zeros to a multiple of eight; {@code bitorder} "big"
     * or "little". Answers uint8.
     */
    public static Array packbits(Array a, Integer axis, String bitorder) {
        return NpBits.packbits(a, axis, bitorder);
    }

    /** {@code jnp.unpackbits(a)}: the bits of each byte of the flattened array, most significant first. */
    public static Array unpackbits(Array a) {
        return NpBits.unpackbits(a, null, null, "big");
    }

    /**
     * {@code jnp.unpackbits(a, axis, count, bitorder)}: the eight bits of each byte along {@code
     * axis} (null: flattened), the first {@code count} kept (padded with zeros when larger; negative
     * drops that many from the end; null keeps all). Takes and answers uint8, as JAX does.
     */
    public static Array unpackbits(Array a, Integer axis, Integer count, String bitorder) {
        return NpBits.unpackbits(a, axis, count, bitorder);
    }
}
