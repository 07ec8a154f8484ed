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

    static Array sum(Array x, int[] axes, boolean keepdims) {
        int[] ax = axes("sum", x, axes);
        return finish(Lax.reduce(Primitive.REDUCE_SUM, numeric(x), ax), x, ax, keepdims);
    }

    static Array prod(Array x, int[] axes, boolean keepdims) {
        int[] ax = axes("prod", x, axes);
        return finish(Lax.reduce(Primitive.REDUCE_PROD, numeric(x), ax), x, ax, keepdims);
    }

    static Array max(Array x, int[] axes, boolean keepdims) {
        int[] ax = axes("max", x, axes);
        requireNonEmpty("max", "max", x, ax);
        Primitive p = x.dtype() == DType.BOOL ? Primitive.REDUCE_OR : Primitive.REDUCE_MAX;
        return finish(Lax.reduce(p, x, ax), x, ax, keepdims);
    }

    static Array min(Array x, int[] axes, boolean keepdims) {
        int[] ax = axes("min", x, axes);
        requireNonEmpty("min", "min", x, ax);
        Primitive p = x.dtype() == DType.BOOL ? Primitive.REDUCE_AND : Primitive.REDUCE_MIN;
        return finish(Lax.reduce(p, x, ax), x, ax, keepdims);
    }

    static Array all(Array x, int[] axes, boolean keepdims) {
        int[] ax = axes("all", x, axes);
        return finish(Lax.reduce(Primitive.REDUCE_AND, Lax.convert(x, DType.BOOL), ax), x, ax, keepdims);
    }

    static Array any(Array x, int[] axes, boolean keepdims) {
        int[] ax = axes("any", x, axes);
        return finish(Lax.reduce(Primitive.REDUCE_OR, Lax.convert(x, DType.BOOL), ax), x, ax, keepdims);
    }

    static Array mean(Array x, int[] axes, boolean keepdims) {
        int[] ax = axes("mean", x, axes);
        DType t = inexact(x.dtype());
        Array a = Lax.convert(x, accumulator(t));
        Array s = finish(Lax.reduce(Primitive.REDUCE_SUM, a, ax), x, ax, keepdims);
        return Lax.convert(Np.divide(s, (double) count(x, ax)), t);
    }

    static Array var(Array x, int[] axes, boolean keepdims, int ddof) {
        int[] ax = axes("var", x, axes);
        // float16 and bfloat16 compute in their own dtype here, as JAX does (squares can overflow)
        Array a = Lax.convert(x, inexact(x.dtype()));
        Array mean = Np.divide(
                Movement.keepDims(Lax.reduce(Primitive.REDUCE_SUM, a, ax), x.shape(), ax), (double) count(x, ax));
        Array centered = Np.subtract(a, mean);
        Array squares = Lax.bind(Primitive.MUL, centered, centered);
        Array s = finish(Lax.reduce(Primitive.REDUCE_SUM, squares, ax), x, ax, keepdims);
        long divisor = count(x, ax) - ddof;
        // JAX answers NaN rather than inf or a negative variance when nothing is left to divide by
        return Np.divide(s, divisor > 0 ? (double) divisor : Double.NaN);
    }

    static Array std(Array x, int[] axes, boolean keepdims, int ddof) {
        // the axes are checked under the right name before var does its work
        axes("std", x, axes);
        return Lax.bind(Primitive.SQRT, var(x, axes, keepdims, ddof));
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
}
