package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.function.Supplier;

/**
 * Arithmetic shared by the JVP and transpose rules. Functions whose first argument is a tangent
 * or cotangent accept {@code null} for a symbolic zero and return {@code null} when the result is
 * zero, so a rule never materialises zeros it does not need. Everything is built on {@link
 * Lax#bind} with exact dtypes, so the rules stay traceable (derivatives of derivatives).
 */
final class Tangents {
    private Tangents() {}

    /** Applies an elementwise primitive to non-null operands. */
    static Array op(Primitive p, Array... operands) {
        return Lax.bind(p, operands);
    }

    static Array add(Array a, Array b) {
        return a == null ? b : b == null ? a : Lax.bind(Primitive.ADD, a, b);
    }

    static Array sub(Array a, Array b) {
        return b == null ? a : a == null ? neg(b) : Lax.bind(Primitive.SUB, a, b);
    }

    static Array neg(Array a) {
        return a == null ? null : Lax.bind(Primitive.NEG, a);
    }

    /** {@code t * factor}, with the tangent first so the linear operand is easy to spot in programs. */
    static Array mul(Array t, Array factor) {
        return t == null ? null : Lax.bind(Primitive.MUL, t, factor);
    }

    /** {@code t * factor()}; the factor is only computed when the tangent is non-zero. */
    static Array mul(Array t, Supplier<Array> factor) {
        return t == null ? null : Lax.bind(Primitive.MUL, t, factor.get());
    }

    /** {@code t / divisor}: division is linear in its numerator only. */
    static Array div(Array t, Array divisor) {
        return t == null ? null : Lax.bind(Primitive.DIV, t, divisor);
    }

    /** Applies a primitive that is linear in its single operand. */
    static Array linear(Primitive p, Params params, Array t) {
        return t == null ? null : Lax.bind(p, params, t);
    }

    /** An array shaped and typed like {@code like}, filled with {@code value}. */
    static Array full(Array like, double value) {
        return Np.full(like.dtype(), value, like.shape());
    }

    /** A 0-d array of {@code dtype}. */
    static Array scalar(DType dtype, double value) {
        return Np.full(dtype, value);
    }

    static Array zeros(ArraySpec spec) {
        return Np.zeros(spec.dtype(), spec.shape());
    }

    /** The tangent itself, or explicit zeros of {@code spec} where it is a symbolic zero. */
    static Array orZeros(Array t, ArraySpec spec) {
        return t != null ? t : zeros(spec);
    }

    /** {@code 1.0} where {@code condition} holds, else {@code 0.0}, in {@code like}'s float dtype. */
    static Array indicator(Array condition, Array like) {
        return Lax.convert(condition, like.dtype());
    }

    /**
     * {@code x} moved {@code by} places along {@code axis} (towards higher indices when positive),
     * with the vacated places set to {@code fill}: one PAD whose negative side crops.
     */
    static Array shift(Array x, int axis, int by, double fill) {
        int[] lo = new int[x.ndim()];
        int[] hi = new int[x.ndim()];
        lo[axis] = by;
        hi[axis] = -by;
        return Lax.pad(x, scalar(x.dtype(), fill), lo, hi, new int[x.ndim()]);
    }

    /** {@code reduced} (an array with {@code axes} reduced away) broadcast back to {@code shape}. */
    static Array unreduce(Array reduced, int[] shape, int[] axes) {
        return Lax.broadcastInDim(reduced, shape, keptDims(shape.length, axes));
    }

    /** The dimensions of a rank-{@code rank} array that survive reducing {@code axes}, in order. */
    static int[] keptDims(int rank, int[] axes) {
        boolean[] reduced = new boolean[rank];
        for (int a : axes) {
            reduced[a] = true;
        }
        int[] kept = new int[rank - axes.length];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if (!reduced[i]) {
                kept[k++] = i;
            }
        }
        return kept;
    }

    /** The permutation that undoes {@code perm}. */
    static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[perm[i]] = i;
        }
        return inv;
    }
}
