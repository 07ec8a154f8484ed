package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;

/** Reductions, arg-reductions and cumulative reductions behind {@link Np}. */
final class Reductions {
    private Reductions() {}

    /** Every axis of {@code x} when {@code axes} is null, else the normalised, sorted, distinct axes. */
    static int[] axes(String fn, Array x, int[] axes) {
        java.util.Objects.requireNonNull(x, "x");
        return axes == null ? Movement.identity(x.ndim()) : Shape.axes(fn, axes, x.ndim());
    }

    private static Array finish(Array reduced, Array x, int[] axes, boolean keepdims) {
        return keepdims ? Movement.keepDims(reduced, x.shape(), axes) : reduced;
    }

    /** The number of elements folded into each result element. */
    private static long count(Array x, int[] axes) {
        long n = 1;
        for (int a : axes) {
            n *= x.shape(a);
        }
        return n;
    }

    private static void requireNonEmpty(String fn, String op, Array x, int[] axes) {
        for (int a : axes) {
            if (x.shape(a) == 0) {
                throw new ShapeException(fn + ": zero-size array to reduction operation " + op
                        + " which has no identity (axis " + a + " of shape " + Shape.toString(x.shape())
                        + " is empty); reduce over non-empty axes or use an initial value");
            }
        }
    }

    /**
     * bool becomes int32, as JAX sums and multiplies booleans as integers; int8 and int16 become
     * int32, uint8 and uint16 uint32, as JAX accumulates small integers in the default integer.
     */
    private static Array numeric(Array x) {
        DType t = x.dtype();
        if (t == DType.BOOL || t.isNarrow() && t.kind() == DType.Kind.SIGNED) {
            return Lax.convert(x, DType.INT32);
        }
        return t.isNarrow() && t.kind() == DType.Kind.UNSIGNED ? Lax.convert(x, DType.UINT32) : x;
    }

    /** The dtype means and variances accumulate in: float32 for float16 and bfloat16, as JAX. */
    private static DType accumulator(DType t) {
        return t.isNarrow() ? DType.FLOAT32 : t;
    }

    /** The float dtype JAX computes means and variances in: float dtypes stay, others become float32. */
    static DType inexact(DType t) {
        return t.isFloating() ? t : DType.FLOAT32;
    }

    /** The options of the positional forms: {@code axes} (null: all) and {@code keepdims}, nothing else. */
    private static ReduceOptions positional(int[] axes, boolean keepdims) {
        return new ReduceOptions(axes, keepdims, null, null, null, 0);
    }

    static Array sum(Array x, int[] axes, boolean keepdims) {
        return sumOrProd("sum", Primitive.REDUCE_SUM, x, positional(axes, keepdims));
    }

    static Array prod(Array x, int[] axes, boolean keepdims) {
        return sumOrProd("prod", Primitive.REDUCE_PROD, x, positional(axes, keepdims));
    }

    static Array max(Array x, int[] axes, boolean keepdims) {
        return extremum("max", true, x, positional(axes, keepdims));
    }

    static Array min(Array x, int[] axes, boolean keepdims) {
        return extremum("min", false, x, positional(axes, keepdims));
    }

    static Array all(Array x, int[] axes, boolean keepdims) {
        return allOrAny("all", true, x, positional(axes, keepdims));
    }

    static Array any(Array x, int[] axes, boolean keepdims) {
        return allOrAny("any", false, x, positional(axes, keepdims));
    }

    static Array mean(Array x, int[] axes, boolean keepdims) {
        return mean(x, positional(axes, keepdims));
    }

    static Array var(Array x, int[] axes, boolean keepdims, int ddof) {
        return var("var", x, positional(axes, keepdims).ddof(ddof));
    }

    static Array std(Array x, int[] axes, boolean keepdims, int ddof) {
        return var("std", x, positional(axes, keepdims).ddof(ddof));
    }

    static Array logSumExp(Array x, int[] axes, boolean keepdims) {
        int[] ax = axes("logSumExp", x, axes);
        Array a = Lax.convert(x, inexact(x.dtype()));
        if (count(x, ax) == 0) {
            // JAX takes the max with initial -inf, shifts by 0 and returns log(0) = -inf
            return finish(Lax.bind(Primitive.LOG, Lax.reduce(Primitive.REDUCE_SUM, a, ax)), x, ax, keepdims);
        }
        Array kept = Movement.keepDims(Lax.reduce(Primitive.REDUCE_MAX, a, ax), x.shape(), ax);
        // a row of -inf (or one holding inf or nan) would make a - max nan; shift such rows by 0
        Array finite = Lax.bind(Primitive.IS_FINITE, kept);
        Array shift = Lax.bind(Primitive.SELECT, finite, kept, Np.zerosLike(kept));
        Array e = Lax.bind(Primitive.EXP, Np.subtract(a, shift));
        Array s = Lax.reduce(Primitive.REDUCE_SUM, e, ax);
        Array out = Lax.bind(Primitive.ADD, Lax.bind(Primitive.LOG, s), Lax.reshape(shift, s.shape()));
        return finish(out, x, ax, keepdims);
    }

    static Array argReduce(String fn, Primitive p, Array x, Integer axis, boolean keepdims) {
        Array v = axis == null ? Lax.reshape(x, x.size()) : x;
        int a = axis == null ? 0 : Shape.axis(fn, axis, x.ndim());
        if (v.shape(a) == 0) {
            throw new ShapeException(fn + ": attempt to get " + fn + " of an empty sequence (axis " + a + " of shape "
                    + Shape.toString(x.shape()) + " is empty)");
        }
        Array r = Lax.bind(p, new Params.ArgReduce(a, DType.INT32), numeric(v));
        if (!keepdims) {
            return r;
        }
        if (axis == null) {
            int[] ones = new int[x.ndim()];
            java.util.Arrays.fill(ones, 1);
            return Lax.reshape(r, ones);
        }
        return Movement.keepDims(r, x.shape(), new int[] {a});
    }

    static Array cumulative(String fn, Primitive p, Array x, Integer axis) {
        Array v = axis == null ? Lax.reshape(x, x.size()) : x;
        int a = axis == null ? 0 : Shape.axis(fn, axis, x.ndim());
        // cumulative ops keep int8..uint16 (unlike sum and prod), as in JAX
        Array n = v.dtype() == DType.BOOL ? Lax.convert(v, DType.INT32) : v;
        return Lax.bind(p, new Params.Cumulative(a, false), n);
    }

    // ---------------------------------------------------------------- JAX's keyword arguments

    /** Refuses the options {@code fn} does not take, as JAX's signature of {@code fn} has no such keyword. */
    private static void only(String fn, ReduceOptions o, boolean dtype, boolean initial, boolean ddof) {
        java.util.Objects.requireNonNull(o, "options");
        String extra = !dtype && o.dtype() != null
                ? "dtype"
                : !initial && o.initial() != null ? "initial" : !ddof && o.ddof() != 0 ? "ddof" : null;
        if (extra != null) {
            throw new KilnException(fn + ": " + extra + " is not an option of " + fn + " (JAX's " + fn
                    + " has no such keyword); drop it from the ReduceOptions");
        }
    }

    /** The bool mask of {@code o}, broadcast to {@code x}'s shape, or null. */
    private static Array mask(String fn, Array x, ReduceOptions o) {
        Array m = o.where();
        if (m == null) {
            return null;
        }
        if (m.dtype() != DType.BOOL) {
            throw new DTypeException(fn + ": where must be a bool array, got " + m.dtype()
                    + "; compare it (e.g. Np.notEqual(mask, 0)) or astype(DType.BOOL) first");
        }
        int[] b = Shape.broadcast(m.shape(), x.shape());
        if (b == null || !java.util.Arrays.equals(b, x.shape())) {
            throw new ShapeException(fn + ": where mask of shape " + Shape.toString(m.shape())
                    + " does not broadcast to the input's shape " + Shape.toString(x.shape())
                    + "; give a mask of that shape or one that broadcasts to it");
        }
        return Np.broadcastTo(m, x.shape());
    }

    /** {@code x} with its masked-out elements replaced by {@code fill} (of x's dtype). */
    private static Array masked(Array x, Array mask, Number fill) {
        return mask == null ? x : Np.where(mask, x, Lax.convert(Np.array(fill.doubleValue()), x.dtype()));
    }

    /** The additive or multiplicative reduction {@code p} (sum or prod) with JAX's keyword arguments. */
    static Array sumOrProd(String fn, Primitive p, Array x, ReduceOptions o) {
        only(fn, o, true, true, false);
        int[] ax = axes(fn, x, o.axes());
        Array a = o.dtype() == null ? numeric(x) : Lax.convert(x, o.dtype());
        boolean sum = p == Primitive.REDUCE_SUM;
        if (a.dtype() == DType.BOOL) {
            // JAX reduces bool with dtype=bool as logical or (sum) and logical and (prod)
            p = sum ? Primitive.REDUCE_OR : Primitive.REDUCE_AND;
        }
        a = masked(a, mask(fn, x, o), sum ? 0 : 1);
        Array r = Lax.reduce(p, a, ax);
        if (o.initial() != null) {
            Array init = Lax.convert(Np.array(o.initial().doubleValue()), r.dtype());
            r = r.dtype() == DType.BOOL
                    ? (sum ? Np.logicalOr(r, init) : Np.logicalAnd(r, init))
                    : (sum ? Np.add(r, init) : Np.multiply(r, init));
        }
        return finish(r, x, ax, o.keepdims());
    }

    /** max ({@code largest}) or min with JAX's keyword arguments: a mask needs an initial value. */
    static Array extremum(String fn, boolean largest, Array x, ReduceOptions o) {
        only(fn, o, false, true, false);
        int[] ax = axes(fn, x, o.axes());
        Array mask = mask(fn, x, o);
        if (o.initial() == null) {
            if (mask != null) {
                throw new KilnException(fn + ": reduction operation " + fn + " has no identity, so a where mask"
                        + " needs an initial value; add .initial(value) to the ReduceOptions");
            }
            requireNonEmpty(fn, fn, x, ax);
        }
        Primitive p = x.dtype() == DType.BOOL
                ? (largest ? Primitive.REDUCE_OR : Primitive.REDUCE_AND)
                : (largest ? Primitive.REDUCE_MAX : Primitive.REDUCE_MIN);
        if (o.initial() == null) {
            return finish(Lax.reduce(p, x, ax), x, ax, o.keepdims());
        }
        Array init = Lax.convert(Np.array(o.initial().doubleValue()), x.dtype());
        Array a = mask == null ? x : Np.where(mask, x, init);
        Array r = Lax.reduce(p, a, ax);
        r = x.dtype() == DType.BOOL
                ? (largest ? Np.logicalOr(r, init) : Np.logicalAnd(r, init))
                : (largest ? Np.maximum(r, init) : Np.minimum(r, init));
        return finish(r, x, ax, o.keepdims());
    }

    /** all ({@code every}) or any with JAX's keyword arguments (masked-out elements do not count). */
    static Array allOrAny(String fn, boolean every, Array x, ReduceOptions o) {
        only(fn, o, false, false, false);
        int[] ax = axes(fn, x, o.axes());
        Array b = masked(Lax.convert(x, DType.BOOL), mask(fn, x, o), every ? 1 : 0);
        return finish(Lax.reduce(every ? Primitive.REDUCE_AND : Primitive.REDUCE_OR, b, ax), x, ax, o.keepdims());
    }

    /**
     * The number of elements each result folds in, as an array of {@code dtype} shaped like the
     * reduction's result with its axes kept.
     */
    private static Array counts(Array x, Array mask, int[] ax, DType dtype) {
        if (mask == null) {
            return Lax.convert(Np.array((double) count(x, ax)), dtype);
        }
        return Movement.keepDims(Lax.reduce(Primitive.REDUCE_SUM, Lax.convert(mask, dtype), ax), x.shape(), ax);
    }

    /** JAX's dtype for mean: the requested one, else float dtypes stay and others become float32. */
    private static DType meanType(ReduceOptions o, Array x) {
        return o.dtype() != null ? o.dtype() : inexact(x.dtype());
    }

    /** The sum of the unmasked elements over {@code ax} with axes kept, in {@code dtype}. */
    private static Array keptSum(Array a, Array mask, int[] ax) {
        return Movement.keepDims(Lax.reduce(Primitive.REDUCE_SUM, masked(a, mask, 0), ax), a.shape(), ax);
    }

    /** {@code s / n} in {@code dtype}: truncating for integers, as JAX's mean with an integer dtype. */
    private static Array quotient(Array s, Array n) {
        return Lax.bind(Primitive.DIV, s, Np.broadcastTo(n, s.shape()));
    }

    static Array mean(Array x, ReduceOptions o) {
        only("mean", o, true, false, false);
        int[] ax = axes("mean", x, o.axes());
        Array mask = mask("mean", x, o);
        DType t = meanType(o, x);
        DType acc = accumulator(t);
        Array m = quotient(keptSum(Lax.convert(x, acc), mask, ax), counts(x, mask, ax, acc));
        return finish(Lax.reshape(Lax.convert(m, t), reducedShape(x.shape(), ax)), x, ax, o.keepdims());
    }

    static Array var(String fn, Array x, ReduceOptions o) {
        only(fn, o, true, false, true);
        int[] ax = axes(fn, x, o.axes());
        Array mask = mask(fn, x, o);
        // JAX computes in the requested dtype (an integer one truncates its divisions) and returns a
        // float; float16 computes in its own dtype
        DType t = meanType(o, x);
        DType out = inexact(t);
        Array a = Lax.convert(x, t);
        Array n = counts(x, mask, ax, t);
        Array centered = Np.subtract(a, quotient(keptSum(a, mask, ax), n));
        Array s = keptSum(Lax.bind(Primitive.MUL, centered, centered), mask, ax);
        Array divisor = Np.subtract(n, o.ddof());
        // nothing left to divide by gives NaN, as JAX, rather than inf or a negative variance
        Array v = Np.where(
                Np.greater(divisor, 0), Lax.convert(quotient(s, divisor), out), Lax.convert(Np.array(Double.NaN), out));
        v = Lax.reshape(Np.broadcastTo(v, s.shape()), reducedShape(x.shape(), ax));
        v = finish(v, x, ax, o.keepdims());
        return fn.equals("std") ? Lax.bind(Primitive.SQRT, v) : v;
    }

    private static int[] reducedShape(int[] shape, int[] ax) {
        int[] out = new int[shape.length - ax.length];
        int k = 0;
        for (int d = 0; d < shape.length; d++) {
            if (java.util.Arrays.binarySearch(ax, d) < 0) {
                out[k++] = shape[d];
            }
        }
        return out;
    }

    /** cumsum or cumprod accumulating in {@code dtype} (null: the default of {@link #cumulative}). */
    static Array cumulative(String fn, Primitive p, Array x, Integer axis, DType dtype) {
        return cumulative(fn, p, dtype == null ? x : Lax.convert(x, dtype), axis);
    }
}
