package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Tangents.add;
import static dev.kiln.internal.rules.Tangents.div;
import static dev.kiln.internal.rules.Tangents.full;
import static dev.kiln.internal.rules.Tangents.indicator;
import static dev.kiln.internal.rules.Tangents.linear;
import static dev.kiln.internal.rules.Tangents.mul;
import static dev.kiln.internal.rules.Tangents.op;
import static dev.kiln.internal.rules.Tangents.shift;
import static dev.kiln.internal.rules.Tangents.unreduce;
import static dev.kiln.ir.Primitive.EQ;
import static dev.kiln.ir.Primitive.MUL;
import static dev.kiln.ir.Primitive.SUB;

import dev.kiln.Array;
import dev.kiln.Lax;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;

/** JVP rules of the reductions and cumulative (scan) primitives. */
final class ReductionJvp {
    private ReductionJvp() {}

    static Array reduce(Primitive p, Params.Reduce params, Array x, Array out, Array t) {
        return switch (p) {
            case REDUCE_SUM -> linear(p, params, t);
            case REDUCE_PROD -> reduceProd(params.axes().toArray(), x, t);
            case REDUCE_MAX, REDUCE_MIN -> reduceExtreme(params.axes().toArray(), x, out, t);
            case REDUCE_AND, REDUCE_OR -> null;
            default -> throw new IllegalArgumentException(p + " is not a reduction");
        };
    }

    static Array cumulative(Primitive p, Params.Cumulative params, Array x, Array out, Array t) {
        return switch (p) {
            case CUMSUM -> linear(p, params, t);
            case CUMPROD -> cumprod(params, x, out, t);
            case CUMMAX, CUMMIN -> cumulativeExtreme(params, x, out, t);
            default -> throw new IllegalArgumentException(p + " is not a cumulative primitive");
        };
    }

    /**
     * {@code d prod(x) = sum_i t_i prod_{j != i} x_j}. The products of the other elements are the
     * exclusive products from the left times those from the right (two cumprods), which is exact
     * when some {@code x_j} are zero, unlike {@code prod(x) / x_i}.
     */
    private static Array reduceProd(int[] axes, Array x, Array t) {
        if (axes.length == 0) {
            return t;
        }
        int[] kept = Tangents.keptDims(x.ndim(), axes);
        int[] perm = new int[x.ndim()];
        System.arraycopy(kept, 0, perm, 0, kept.length);
        System.arraycopy(axes, 0, perm, kept.length, axes.length);
        int[] flat = new int[kept.length + 1];
        int n = 1;
        for (int i = 0; i < kept.length; i++) {
            flat[i] = x.shape(kept[i]);
        }
        for (int a : axes) {
            n *= x.shape(a);
        }
        flat[kept.length] = n;
        int last = kept.length;
        Array rows = Lax.reshape(Lax.transpose(x, perm), flat);
        Array tRows = Lax.reshape(Lax.transpose(t, perm), flat);
        Array fromLeft = shift(cumprod(rows, last, false), last, 1, 1);
        Array fromRight = shift(cumprod(rows, last, true), last, -1, 1);
        return Lax.reduceSum(mul(tRows, op(MUL, fromLeft, fromRight)), last);
    }

    private static Array cumprod(Array x, int axis, boolean reverse) {
        return Lax.bind(Primitive.CUMPROD, new Params.Cumulative(axis, reverse), x);
    }

    /**
     * JAX's rule: the tangent at the positions that attain the extreme, averaged over ties
     * ({@code sum(t * mask) / sum(mask)} with {@code mask = (x == max)}).
     */
    private static Array reduceExtreme(int[] axes, Array x, Array out, Array t) {
        Array mask = indicator(op(EQ, x, unreduce(out, x.shape(), axes)), x);
        return div(Lax.reduceSum(mul(t, mask), axes), Lax.reduceSum(mask, axes));
    }

    /**
     * {@code out_k = out_{k-1} x_k} gives {@code dout_k = x_k dout_{k-1} + out_{k-1} t_k}. Solving
     * that recurrence never divides by {@code x}, so it is exact with zeros.
     */
    private static Array cumprod(Params.Cumulative params, Array x, Array out, Array t) {
        int dir = params.reverse() ? -1 : 1;
        Array exclusive = shift(out, params.axis(), dir, 1);
        return linearRecurrence(x, mul(t, exclusive), params.axis(), dir);
    }

    /**
     * The running extreme at {@code k} is {@code x_j} for the latest {@code j <= k} (earliest
     * {@code j >= k} when reversed) where {@code x_j} equals the running extreme itself, so the
     * tangent is {@code t_j}: the recurrence {@code y_k = t_k} where {@code x_k} attains the
     * extreme, else {@code y_{k-1}}. Ties therefore take the tangent of the latest attaining
     * element rather than an average (JAX's scan-based rule splits them by its scan tree).
     */
    private static Array cumulativeExtreme(Params.Cumulative params, Array x, Array out, Array t) {
        Array attains = indicator(op(EQ, x, out), x);
        Array keepsPrevious = op(SUB, full(x, 1), attains);
        return linearRecurrence(keepsPrevious, mul(t, attains), params.axis(), params.reverse() ? -1 : 1);
    }

    /**
     * Solves {@code y_k = a_k y_{k-1} + b_k} ({@code y} before the start is 0) along {@code axis}
     * in direction {@code dir} with a Hillis–Steele scan over (multiplier, offset) pairs: {@code
     * ceil(log2 n)} steps of shifts, multiplies and adds. It is linear in the offsets {@code b}
     * (the tangents), with multipliers {@code a} from primals only, so its transpose needs only
     * PAD, MUL and ADD (O(n log n) work, unlike a gather's one-hot transpose).
     */
    private static Array linearRecurrence(Array a, Array b, int axis, int dir) {
        int n = a.shape(axis);
        Array offsets = b;
        Array multipliers = a;
        for (int span = 1; span < n; span *= 2) {
            // offsets_k covers (k - span, k]; extend it by the window before, carried through multipliers_k
            offsets = add(offsets, mul(shift(offsets, axis, dir * span, 0), multipliers));
            if (2 * span < n) {
                multipliers = op(MUL, multipliers, shift(multipliers, axis, dir * span, 1));
            }
        }
        return offsets;
    }
}
