package dev.kiln;

import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.Objects;

/**
 * The checks and decompositions behind {@link Lax}'s element-wise, shape and reduction functions,
 * which follow {@code jax.lax}: operands of one dtype (a Java number takes the array's dtype when
 * its kind fits: an integer for integer arrays, a floating-point number for float arrays), shapes
 * equal or rank 0, no promotion.
 */
final class LaxOps {
    private LaxOps() {}

    /** The operands of a lax binary function as arrays of one dtype and one shape. */
    static Array[] operands(String fn, Object a, Object b) {
        Objects.requireNonNull(a, "x");
        Objects.requireNonNull(b, "y");
        Array x = asOperand(fn, a, b);
        Array y = asOperand(fn, b, a);
        if (x.dtype() != y.dtype()) {
            throw new DTypeException(fn + ": requires arguments of the same dtype, got " + x.dtype() + " and "
                    + y.dtype() + "; convert one with Lax.convert, or use the Np function, which promotes");
        }
        return sameShape(fn, x, y);
    }

    /** Arrays of equal shapes, or one of rank 0 broadcast to the other's shape. */
    static Array[] sameShape(String fn, Array x, Array y) {
        if (Arrays.equals(x.shape(), y.shape())) {
            return new Array[] {x, y};
        }
        if (x.ndim() == 0) {
            return new Array[] {Np.broadcastTo(x, y.shape()), y};
        }
        if (y.ndim() == 0) {
            return new Array[] {x, Np.broadcastTo(y, x.shape())};
        }
        throw new ShapeException(fn + ": shapes " + Shape.toString(x.shape()) + " and " + Shape.toString(y.shape())
                + " differ; lax functions do not broadcast (Lax.broadcastInDim first, or use the Np function)");
    }

    private static Array asOperand(String fn, Object o, Object other) {
        if (o instanceof Array a) {
            return a;
        }
        if (!(o instanceof Number n)) {
            throw new DTypeException(
                    fn + ": expected an Array or a Number, got " + o.getClass().getSimpleName());
        }
        boolean floating = n instanceof Double || n instanceof Float;
        if (other instanceof Array a) {
            if (a.dtype().isFloating() == floating && a.dtype() != DType.BOOL) {
                return Np.full(a.dtype(), n.doubleValue());
            }
            throw new DTypeException(fn + ": requires arguments of the same dtype, got " + a.dtype() + " and a Java "
                    + n.getClass().getSimpleName() + " (" + (floating ? "float32" : "int32") + "); pass a number of the"
                    + " array's kind, or use the Np function, which promotes");
        }
        return floating ? Np.full(DType.FLOAT32, n.doubleValue()) : Np.full(DType.INT32, n.longValue());
    }

    static Array binary(String fn, Primitive p, Object a, Object b) {
        Array[] xy = operands(fn, a, b);
        return Lax.bind(p, xy[0], xy[1]);
    }

    static Array floatOnly(String fn, Array x) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            throw new DTypeException(fn + ": needs a floating-point array, got " + x.dtype()
                    + "; convert it with Lax.convert(x, DType.FLOAT32), or use the Np function, which promotes");
        }
        return x;
    }

    /** The operands of a lax special function: floating point, all of one dtype (lax does not promote). */
    static void sameFloat(String fn, Array... xs) {
        for (Array x : xs) {
            floatOnly(fn, x);
            if (x.dtype() != xs[0].dtype()) {
                throw new DTypeException(fn + ": needs operands of one floating dtype, got " + xs[0].dtype() + " and "
                        + x.dtype() + "; convert them with Lax.convert, or use the Special function, which promotes");
            }
        }
    }

    static Array integerOnly(String fn, Array x) {
        Objects.requireNonNull(x, "x");
        if (x.dtype().isFloating() || x.dtype() == DType.BOOL) {
            throw new DTypeException(fn + ": needs an integer array, got " + x.dtype());
        }
        return x;
    }

    static Array numeric(String fn, Array x) {
        Objects.requireNonNull(x, "x");
        if (x.dtype() == DType.BOOL) {
            throw new DTypeException(fn + ": does not accept bool; convert it first");
        }
        return x;
    }

    /** Half-way cases away from zero: {@code trunc(x) + sign(x)} where the fraction is at least one half. */
    static Array roundAwayFromZero(Array x) {
        Array t = Np.trunc(x);
        Array frac = Np.abs(Np.subtract(x, t));
        return Np.where(Np.greaterEqual(frac, 0.5), Np.add(t, Np.sign(x)), t);
    }

    private static int bits(DType t) {
        return t.byteSize() * 8;
    }

    /** The number of set bits of each element of an integer array (two's complement for signed). */
    static Array populationCount(Array x) {
        DType t = x.dtype();
        int n = bits(t);
        Array v = x;
        // SWAR: pairs, nibbles, bytes, then the byte sums gathered by a multiply
        v = Np.subtract(v, Np.bitwiseAnd(shr(v, 1), mask(t, 0x5555555555555555L)));
        v = Np.add(
                Np.bitwiseAnd(v, mask(t, 0x3333333333333333L)), Np.bitwiseAnd(shr(v, 2), mask(t, 0x3333333333333333L)));
        v = Np.bitwiseAnd(Np.add(v, shr(v, 4)), mask(t, 0x0F0F0F0F0F0F0F0FL));
        v = shr(Np.multiply(v, mask(t, 0x0101010101010101L)), n - 8);
        return v;
    }

    /** The number of leading zero bits of each element of an integer array. */
    static Array clz(Array x) {
        DType t = x.dtype();
        int n = bits(t);
        Array v = x;
        for (int s = 1; s < n; s *= 2) {
            v = Np.bitwiseOr(v, shr(v, s));
        }
        return Np.subtract(Np.full(t, n), populationCount(v));
    }

    private static Array shr(Array v, int s) {
        return Lax.bind(Primitive.SHIFT_RIGHT_LOGICAL, v, Np.full(v.dtype(), s, v.shape()));
    }

    /** The low bits of {@code pattern} as a constant of the integer dtype (two's complement). */
    private static Array mask(DType t, long pattern) {
        long m = bits(t) == 64 ? pattern : pattern & 0xFFFFFFFFL;
        if (t == DType.INT32) {
            m = (int) m;
        }
        return Np.filled(t, m);
    }

    /**
     * The bitwise or ({@code xor} false) or xor of integers over {@code axes}, every bit in one
     * reduction: the bits laid out along a new last axis, counted over the axes, and the bits that
     * are set (or odd) put back together.
     */
    static Array bitwiseReduce(String fn, Array x, int[] axes, boolean xor) {
        DType t = x.dtype();
        int n = bits(t);
        int[] reduced = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            reduced[i] = Shape.axis(fn, axes[i], x.ndim());
        }
        int[] shape = Arrays.copyOf(x.shape(), x.ndim() + 1);
        shape[x.ndim()] = n;
        int[] dims = new int[x.ndim()];
        for (int d = 0; d < dims.length; d++) {
            dims[d] = d;
        }
        Array spread = Lax.broadcastInDim(x, shape, dims);
        Array bit = Np.bitwiseAnd(
                Lax.bind(Primitive.SHIFT_RIGHT_LOGICAL, spread, Lax.iota(t, shape, x.ndim())), Np.full(t, 1));
        Array counts = Np.sum(Lax.convert(bit, DType.INT32), reduced, false);
        Array on = xor ? Np.equal(Np.bitwiseAnd(counts, 1), 1) : Np.greater(counts, 0);
        // distinct powers of two: their sum is their or, wraparound included
        Array weights = Lax.bind(Primitive.SHIFT_LEFT, Np.full(t, 1, n), Lax.iota(t, new int[] {n}, 0));
        Array parts = Np.where(on, Np.broadcastTo(weights, on.shape()), Np.zeros(t));
        return Np.sum(parts, new int[] {-1}, false);
    }
}
