package dev.kiln;

import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
     * The dtype operands promote to, as {@code jnp.result_type}: arrays (and {@link Boolean}s, as
     * bool) promote with {@link DType#promote}, then each weakly typed {@link Number} joins with
     * {@link DType#promoteWeak}; Numbers alone give int32, or float32 if any is a Float or Double.
     */
    static DType resultType(Object... operands) {
        DType strong = null;
        boolean weakInt = false;
        boolean weakFloat = false;
        for (Object o : operands) {
            switch (o) {
                case Array a -> strong = strong == null ? a.dtype() : DType.promote(strong, a.dtype());
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
     * {@code a >> b} on integers: arithmetic (sign-filling) for signed types, logical for uint32;
     * bool computes as int32.
     *
     * @throws DTypeException for float operands
     */
    public static Array rightShift(Object a, Object b) {
        DType t = numericType(a, b);
        requireIntegral("rightShift", t);
        Primitive p = t == DType.UINT32 ? Primitive.SHIFT_RIGHT_LOGICAL : Primitive.SHIFT_RIGHT_ARITHMETIC;
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
        double big = x.dtype() == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
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
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(mode, "mode");
        if (!"constant".equals(mode)) {
            throw new KilnException("pad: mode '" + mode + "' is not supported; Kiln pads in 'constant' mode only"
                    + " (use pad(x, padWidth, value)), build edge or reflect padding from slices and concatenate");
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

    // ---------------------------------------------------------------- indexing

    /**
     * NumPy basic indexing, {@code x[idx...]}: integers remove their axis, slices keep it, {@link
     * Index#newAxis()} inserts one and {@link Index#ellipsis()} fills the middle; unnamed trailing
     * axes are taken whole.
     *
     * @throws IndexException when an integer is out of range (naming the axis, the index and the
     *     size), there are more indices than axes, or more than one ellipsis
     */
    public static Array index(Array x, Index... idx) {
        Objects.requireNonNull(x, "x");
        NullChecks.elements(idx, "idx");
        return Indexing.basic(x, idx);
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
     * shape. Negative indices count from the end. Out-of-range indices are clamped into range, as
     * {@code jnp.take(..., mode='clip')}: Kiln does not follow JAX's default of filling with NaN.
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
     * shape. Negative indices count from the end; out-of-range indices are clamped into range (as
     * {@code mode='clip'}, not JAX's default NaN fill).
     *
     * @throws DTypeException when the indices are not integers
     * @throws IndexException when the axis is empty but indices are given
     * @throws AxisException when the axis is out of range
     */
    public static Array take(Array x, Array indices, int axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(indices, "indices");
        return Indexing.take(x, indices, axis);
    }

    /**
     * Picks along {@code axis} by {@code indices} of the same rank, as {@code
     * numpy.take_along_axis}; outside the axis the indices and the array broadcast against each
     * other. Negative indices count from the end; out-of-range ones are clamped.
     *
     * @throws ShapeException when ranks differ or the shapes do not broadcast
     * @throws DTypeException when the indices are not integers
     */
    public static Array takeAlongAxis(Array x, Array indices, int axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(indices, "indices");
        return Indexing.takeAlongAxis(x, indices, axis);
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
}
