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
import static dev.kiln.ir.Primitive.SELECT;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;

/** JVP rules of the reductions and cumulative (scan) primitives. */
final class ReductionJvp {
    private ReductionJvp() {}

    static Array reduce(Primitive p, Params.Reduce params, Array x, Array out, Array t) {
        return switch (p) {
            case REDUCE_SUM -> linear(p, params, t);
            case REDUCE_PROD -> reduceProd(params.axes(), x, t);
            case REDUCE_MAX, REDUCE_MIN -> reduceExtreme(params.axes(), x, out, t);
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
     * {@code out_k = out_{k-1} x_k} gives the linear recurrence {@code dout_k = x_k dout_{k-1} +
     * out_{k-1} t_k}, solved by a Hillis–Steele scan over (multiplier, offset) pairs in
     * {@code ceil(log2 n)} steps of shifts, multiplies and adds. It never divides by {@code x}, so
     * it is exact with zeros, and it is linear in {@code t} with coefficients from primals only.
     */
    private static Array cumprod(Params.Cumulative params, Array x, Array out, Array t) {
        int axis = params.axis();
        int dir = params.reverse() ? -1 : 1;
        int n = x.shape(axis);
        Array exclusive = shift(out, axis, dir, 1);
        Array offsets = mul(t, exclusive);
        Array multipliers = x;
        for (int span = 1; span < n; span *= 2) {
            offsets = add(offsets, mul(shift(offsets, axis, dir * span, 0), multipliers));
            if (2 * span < n) {
                multipliers = op(MUL, multipliers, shift(multipliers, axis, dir * span, 1));
            }
        }
        return offsets;
    }

    /**
     * The running extreme at {@code k} equals {@code x_j} for the latest position {@code j <= k}
     * (earliest {@code j >= k} when reversed) where {@code x_j} itself equals the running extreme,
     * so the tangent is {@code t_j}: a gather with indices from a cummax (cummin) of those
     * positions. Ties therefore take the tangent of the latest attaining element, not an average.
     */
    private static Array cumulativeExtreme(Params.Cumulative params, Array x, Array out, Array t) {
        int axis = params.axis();
        int n = x.shape(axis);
        Array positions = Lax.iota(DType.INT32, x.shape(), axis);
        Array never = full(positions, params.reverse() ? n : -1);
        Array attained = op(SELECT, op(EQ, x, out), positions, never);
        Primitive pick = params.reverse() ? Primitive.CUMMIN : Primitive.CUMMAX;
        Array source = Lax.bind(pick, params, attained);
        return Lax.bind(Primitive.TAKE_ALONG_AXIS, new Params.Axis(axis), t, source);
    }
}
