package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Emit.allOnes;
import static dev.kiln.internal.rules.Emit.and;
import static dev.kiln.internal.rules.Emit.eq;
import static dev.kiln.internal.rules.Emit.full;
import static dev.kiln.internal.rules.Emit.iota;
import static dev.kiln.internal.rules.Emit.ne;
import static dev.kiln.internal.rules.Emit.neg;
import static dev.kiln.internal.rules.Emit.not;
import static dev.kiln.internal.rules.Emit.op;
import static dev.kiln.internal.rules.Emit.or;
import static dev.kiln.internal.rules.Emit.select;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.List;

/**
 * The reductions, arg-reductions and cumulative ops, one block each: the derivative and the
 * decomposition into the core. Reductions, arg-reductions and cumulative ops from {@code reduce_sum}, {@code reduce_max} and
 * elementwise work: min through an order-reversing map, products and bitwise reductions as pairwise
 * trees (exact for integers; no exp-of-log, which fails on negatives), arg-reductions in two passes,
 * scans as ⌈log₂ n⌉ rounds of shift-and-combine.
 */
final class ReductionDefinitions {
    private ReductionDefinitions() {}

    static void define(Definitions.Table t) {
        t.define(Primitive.REDUCE_SUM)
                .jvp((p, x, out, dx) -> Tangents.linear(Primitive.REDUCE_SUM, p, dx))
                .transpose((p, ct, x, linear, specs) ->
                        List.of(Tangents.unreduce(ct, specs.get(0).shape(), axes(p))));
        t.define(Primitive.REDUCE_MAX).jvp((p, x, out, dx) -> reduceExtreme(axes(p), x, out, dx));
        // -max(-x) for floats, ~max(~x) for integers and bool: exact, and the empty identities map
        // onto each other (-inf to +inf, INT_MIN to INT_MAX, 0 to all ones, false to true)
        t.define(Primitive.REDUCE_MIN)
                .jvp((p, x, out, dx) -> reduceExtreme(axes(p), x, out, dx))
                .decompose((p, out, in) -> {
                    Params.Reduce r = (Params.Reduce) p;
                    Array x = in[0];
                    return x.dtype().isFloating()
                            ? neg(op(Primitive.REDUCE_MAX, r, neg(x)))
                            : not(op(Primitive.REDUCE_MAX, r, not(x)));
                });
        t.define(Primitive.REDUCE_PROD)
                .jvp((p, x, out, dx) -> reduceProd(axes(p), x, dx))
                .decompose((p, out, in) -> product((Params.Reduce) p, in[0]));
        t.define(Primitive.REDUCE_OR)
                .zeroDerivative()
                .decompose((p, out, in) -> in[0].dtype().isBool()
                        ? op(Primitive.REDUCE_MAX, p, in[0])
                        : tree(Primitive.OR, (Params.Reduce) p, in[0], full(in[0].dtype(), 0, new int[0])));
        t.define(Primitive.REDUCE_AND)
                .zeroDerivative()
                .decompose((p, out, in) -> in[0].dtype().isBool()
                        ? not(op(Primitive.REDUCE_MAX, p, not(in[0])))
                        : tree(Primitive.AND, (Params.Reduce) p, in[0], allOnes(full(in[0].dtype(), 0, new int[0]))));
        // integer results: no tangent (JvpRules returns a zero for the whole kind)
        t.define(Primitive.ARGMAX)
                .decompose((p, out, in) -> argExtreme(Primitive.REDUCE_MAX, (Params.ArgReduce) p, in[0]));
        t.define(Primitive.ARGMIN)
                .decompose((p, out, in) -> argExtreme(Primitive.REDUCE_MIN, (Params.ArgReduce) p, in[0]));
        t.define(Primitive.CUMSUM)
                .jvp((p, x, out, dx) -> Tangents.linear(Primitive.CUMSUM, p, dx))
                // the transpose of a running sum is the running sum the other way
                .transpose((p, ct, x, linear, specs) -> {
                    Params.Cumulative c = (Params.Cumulative) p;
                    return List.of(Lax.bind(Primitive.CUMSUM, new Params.Cumulative(c.axis(), !c.reverse()), ct));
                })
                .decompose((p, out, in) -> scan(Primitive.ADD, (Params.Cumulative) p, in[0], 0));
        t.define(Primitive.CUMPROD)
                .jvp((p, x, out, dx) -> cumprodTangent((Params.Cumulative) p, x, out, dx))
                .decompose((p, out, in) -> scan(Primitive.MUL, (Params.Cumulative) p, in[0], 1));
        t.define(Primitive.CUMMAX)
                .jvp((p, x, out, dx) -> cumulativeExtreme(Primitive.MAX, (Params.Cumulative) p, x, dx))
                .decompose((p, out, in) -> scan(Primitive.MAX, (Params.Cumulative) p, in[0], lowest(in[0].dtype())));
        t.define(Primitive.CUMMIN)
                .jvp((p, x, out, dx) -> cumulativeExtreme(Primitive.MIN, (Params.Cumulative) p, x, dx))
                .decompose((p, out, in) -> scan(Primitive.MIN, (Params.Cumulative) p, in[0], highest(in[0].dtype())));
    }

    private static int[] axes(Params p) {
        return ((Params.Reduce) p).axes().toArray();
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
        Array fromLeft = Tangents.shift(cumprod(rows, last, false), last, 1, 1);
        Array fromRight = Tangents.shift(cumprod(rows, last, true), last, -1, 1);
        return Lax.reduceSum(Tangents.mul(tRows, op(Primitive.MUL, fromLeft, fromRight)), last);
    }

    private static Array cumprod(Array x, int axis, boolean reverse) {
        return Lax.bind(Primitive.CUMPROD, new Params.Cumulative(axis, reverse), x);
    }

    /**
     * JAX's rule: the tangent at the positions that attain the extreme, averaged over ties
     * ({@code sum(t * mask) / sum(mask)} with {@code mask = (x == max)}).
     */
    private static Array reduceExtreme(int[] axes, Array x, Array out, Array t) {
        Array mask = Tangents.indicator(op(Primitive.EQ, x, Tangents.unreduce(out, x.shape(), axes)), x);
        return Tangents.div(Lax.reduceSum(Tangents.mul(t, mask), axes), Lax.reduceSum(mask, axes));
    }

    /**
     * {@code out_k = out_{k-1} x_k} gives {@code dout_k = x_k dout_{k-1} + out_{k-1} t_k}. Solving
     * that recurrence never divides by {@code x}, so it is exact with zeros.
     */
    private static Array cumprodTangent(Params.Cumulative params, Array x, Array out, Array t) {
        int dir = params.reverse() ? -1 : 1;
        Array exclusive = Tangents.shift(out, params.axis(), dir, 1);
        return linearRecurrence(x, Tangents.mul(t, exclusive), params.axis(), dir);
    }

    /**
     * JAX's rule: the JVP of {@code jax.lax.associative_scan} of max (or min) run on the primal and
     * tangent together, with JAX's odd/even recursion, so ties split the tangent exactly as JAX's
     * scan tree meets them. Each combine gives the result's tangent as {@code t_a w_a + t_b w_b}
     * with {@code w_a = [a == r] / (1 + [b == r])} (lax.max's balanced rule: half each on a tie).
     * The weights come from primals only, so the tangent stays linear (strided slices, pads,
     * concatenations, multiplies and adds) and transposes. Reversed scans run on the reversed axis.
     */
    private static Array cumulativeExtreme(Primitive combine, Params.Cumulative params, Array x, Array t) {
        if (t == null) {
            return null;
        }
        int axis = params.axis();
        if (params.reverse()) {
            x = Lax.rev(x, axis);
            t = Lax.rev(t, axis);
        }
        Array tangent = extremeScan(combine, x, t, axis)[1];
        return params.reverse() ? Lax.rev(tangent, axis) : tangent;
    }

    /** {@code {values, tangents}} of the scan of (x, t), as JAX's {@code associative_scan._scan}. */
    private static Array[] extremeScan(Primitive combine, Array x, Array t, int axis) {
        int n = x.shape(axis);
        if (n < 2) {
            return new Array[] {x, t};
        }
        Array[] reduced = combineExtreme(
                combine,
                stride(x, axis, 0, n - 1, 2),
                stride(t, axis, 0, n - 1, 2),
                stride(x, axis, 1, n, 2),
                stride(t, axis, 1, n, 2));
        Array[] odd = extremeScan(combine, reduced[0], reduced[1], axis);
        int m = odd[0].shape(axis);
        Array[] even = n % 2 == 0
                ? combineExtreme(
                        combine,
                        stride(odd[0], axis, 0, m - 1, 1),
                        stride(odd[1], axis, 0, m - 1, 1),
                        stride(x, axis, 2, n, 2),
                        stride(t, axis, 2, n, 2))
                : combineExtreme(combine, odd[0], odd[1], stride(x, axis, 2, n, 2), stride(t, axis, 2, n, 2));
        Array evenX = Lax.concatenate(new Array[] {stride(x, axis, 0, 1, 1), even[0]}, axis);
        Array evenT = Lax.concatenate(new Array[] {stride(t, axis, 0, 1, 1), even[1]}, axis);
        return new Array[] {interleave(evenX, odd[0], axis), interleave(evenT, odd[1], axis)};
    }

    /** max (or min) of a and b with its tangent under lax.max's balanced tie rule. */
    private static Array[] combineExtreme(Primitive combine, Array a, Array ta, Array b, Array tb) {
        Array r = op(combine, a, b);
        Array aHits = eq(a, r);
        Array bHits = eq(b, r);
        Array one = full(a, 1);
        Array zero = full(a, 0);
        Array two = full(a, 2);
        Array wa = op(Primitive.DIV, select(aHits, one, zero), select(bHits, two, one));
        Array wb = op(Primitive.DIV, select(bHits, one, zero), select(aHits, two, one));
        return new Array[] {r, Tangents.add(Tangents.mul(ta, wa), Tangents.mul(tb, wb))};
    }

    private static Array stride(Array x, int axis, int start, int limit, int step) {
        int[] lo = new int[x.ndim()];
        int[] hi = x.shape().clone();
        int[] steps = new int[x.ndim()];
        Arrays.fill(steps, 1);
        lo[axis] = start;
        hi[axis] = Math.max(start, limit);
        steps[axis] = step;
        return Lax.slice(x, lo, hi, steps);
    }

    /** a and b interleaved along axis (a first; a is as long as b or one longer), as JAX's _interleave. */
    private static Array interleave(Array a, Array b, int axis) {
        boolean same = a.shape(axis) == b.shape(axis);
        int rank = a.ndim();
        int[] zeros = new int[rank];
        int[] aHi = new int[rank];
        int[] bLo = new int[rank];
        int[] bHi = new int[rank];
        int[] interior = new int[rank];
        aHi[axis] = same ? 1 : 0;
        bLo[axis] = 1;
        bHi[axis] = same ? 0 : 1;
        interior[axis] = 1;
        Array aPad = Lax.pad(a, Tangents.scalar(a.dtype(), 0), zeros, aHi, interior);
        Array bPad = Lax.pad(b, Tangents.scalar(b.dtype(), 0), bLo, bHi, interior);
        return op(Primitive.ADD, aPad, bPad);
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
            offsets = Tangents.add(offsets, Tangents.mul(Tangents.shift(offsets, axis, dir * span, 0), multipliers));
            if (2 * span < n) {
                multipliers = op(Primitive.MUL, multipliers, Tangents.shift(multipliers, axis, dir * span, 1));
            }
        }
        return offsets;
    }

    /**
     * The product as a pairwise tree. A zero among finite values makes the product ±0 whatever the
     * order, but a tree may first overflow to inf and then give inf·0 = NaN; the product of the
     * signs (exact: ±1 and ±0 never overflow) says when that happens and carries the zero's sign.
     */
    private static Array product(Params.Reduce params, Array x) {
        Array one = full(x.dtype(), 1, new int[0]);
        Array tree = tree(Primitive.MUL, params, x, one);
        if (!x.dtype().isFloating()) {
            return tree;
        }
        Array signs = tree(Primitive.MUL, params, op(Primitive.SIGN, x), one);
        Array anyInfinite =
                op(Primitive.REDUCE_MAX, params, eq(op(Primitive.ABS, x), full(x, Double.POSITIVE_INFINITY)));
        Array zero = and(eq(signs, full(signs, 0)), not(anyInfinite));
        return select(zero, signs, tree);
    }

    /**
     * {@code combine} over {@code axes} as a pairwise tree: the reduced axes move last and flatten
     * into one of length n, padded with the identity to a power of two, then halved log₂ times.
     */
    private static Array tree(Primitive combine, Params.Reduce params, Array x, Array identity) {
        int[] axes = params.axes().toArray();
        int rank = x.ndim();
        boolean[] reduced = new boolean[rank];
        for (int a : axes) {
            reduced[a] = true;
        }
        int[] perm = new int[rank];
        int[] kept = new int[rank - axes.length];
        int k = 0;
        long n = 1;
        for (int d = 0; d < rank; d++) {
            if (!reduced[d]) {
                kept[k] = x.shape()[d];
                perm[k++] = d;
            }
        }
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                n *= x.shape()[d];
                perm[k++] = d;
            }
        }
        int[] flat = Arrays.copyOf(kept, kept.length + 1);
        flat[kept.length] = (int) n;
        Array y =
                op(Primitive.RESHAPE, new Params.Reshape(flat), op(Primitive.TRANSPOSE, new Params.Transpose(perm), x));
        int width = 1;
        while (width < n) {
            width *= 2;
        }
        int last = kept.length;
        if (width != n) {
            int[] lo = new int[last + 1];
            int[] hi = new int[last + 1];
            hi[last] = (int) (width - n);
            y = op(Primitive.PAD, new Params.Pad(lo, hi, new int[last + 1]), y, identity);
        }
        int[] shape = flat.clone();
        for (int len = width; len > 1; len /= 2) {
            int[] start = new int[last + 1];
            int[] limit = shape.clone();
            limit[last] = len / 2;
            int[] strides = ones(last + 1);
            Array lower = op(Primitive.SLICE, new Params.Slice(start, limit, strides), y);
            start[last] = len / 2;
            limit[last] = len;
            Array upper = op(Primitive.SLICE, new Params.Slice(start, limit, strides), y);
            y = op(combine, lower, upper);
            shape[last] = len / 2;
        }
        return op(Primitive.RESHAPE, new Params.Reshape(kept), y);
    }

    /**
     * The first index holding the extreme value, or the first NaN: m = extreme(x); hits are x == m
     * or x != x; the answer is the smallest hit's index (n where none, which cannot happen).
     */
    private static Array argExtreme(Primitive extreme, Params.ArgReduce params, Array x) {
        int axis = params.axis();
        int[] shape = x.shape();
        int[] keptDims = new int[shape.length - 1];
        int[] keptShape = new int[shape.length - 1];
        for (int d = 0, k = 0; d < shape.length; d++) {
            if (d != axis) {
                keptDims[k] = d;
                keptShape[k++] = shape[d];
            }
        }
        Array m = op(extreme, new Params.Reduce(new int[] {axis}), x);
        Array mb = op(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(shape, keptDims), m);
        Array hit = or(eq(x, mb), ne(x, x));
        DType index = params.indexType();
        Array candidates = select(hit, iota(index, shape, axis), full(index, shape[axis], shape));
        return op(Primitive.REDUCE_MIN, new Params.Reduce(new int[] {axis}), candidates);
    }

    /**
     * Hillis–Steele: for s = 1, 2, 4, … below n, x = combine(x, x shifted by s along the axis with
     * the identity shifted in). Reverse scans shift the other way.
     */
    private static Array scan(Primitive combine, Params.Cumulative params, Array x, double identity) {
        int axis = params.axis();
        int n = x.shape()[axis];
        int rank = x.ndim();
        Array fill = full(x.dtype(), identity, new int[0]);
        for (int s = 1; s < n; s *= 2) {
            int[] lo = new int[rank];
            int[] hi = new int[rank];
            lo[axis] = params.reverse() ? -s : s;
            hi[axis] = params.reverse() ? s : -s;
            Array shifted = op(Primitive.PAD, new Params.Pad(lo, hi, new int[rank]), x, fill);
            x = op(combine, x, shifted);
        }
        return x;
    }

    private static double lowest(DType t) {
        return switch (t.kind()) {
            case FLOAT -> Double.NEGATIVE_INFINITY;
            case SIGNED -> t == DType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            case UNSIGNED, BOOL -> 0;
        };
    }

    private static double highest(DType t) {
        return switch (t.kind()) {
            case FLOAT -> Double.POSITIVE_INFINITY;
            case SIGNED -> t == DType.INT32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            case UNSIGNED -> 4294967295.0;
            case BOOL -> 1;
        };
    }

    static int[] ones(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 1);
        return a;
    }
}
