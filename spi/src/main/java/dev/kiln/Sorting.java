package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;

/**
 * Sorting and order statistics behind {@link Np#sort}, {@link Np#argsort}, {@link Np#quantile},
 * {@link Np#searchsorted} and {@link Lax#topK}, built from movement, comparison and select
 * primitives so that they trace under {@code jit}, batch and run on every backend (Kiln has no sort
 * primitive yet).
 *
 * <p>The order is JAX's: NaN sorts last, -0.0 and +0.0 are equal, and ties keep their original
 * order (the sort is stable). It runs Batcher's bitonic network along the last axis on (key,
 * index) pairs, every row at once: comparing pairs lexicographically makes all elements distinct,
 * so the network yields the stable order. Rows are padded to a power of two with elements that
 * sort after every real one. Sorted values are gathered from the input with the sorting indices,
 * so their derivative is that of a gather (the gradient JAX defines for sort).
 */
final class Sorting {
    private Sorting() {}

    /** The int32 indices that sort {@code x} along its last axis (descending: largest first, NaN first). */
    static Array argsortLast(Array x, boolean descending) {
        int rank = x.ndim();
        int n = x.shape(rank - 1);
        if (n <= 1) {
            return Lax.iota(DType.INT32, x.shape(), rank - 1);
        }
        Array key = Kiln.stopGradient(x.dtype() == DType.BOOL ? Lax.convert(x, DType.INT32) : x);
        if (key.dtype().isFloating()) {
            // -0.0 becomes +0.0 so the two compare equal and keep their order
            key = Np.where(Np.equal(key, 0.0), Np.zerosLike(key), key);
        }
        int rows = 1;
        for (int i = 0; i < rank - 1; i++) {
            rows *= x.shape(i);
        }
        int m = Integer.highestOneBit(n - 1) << 1;
        Array k = Lax.reshape(key, rows, n);
        if (m != n) {
            // padding sorts after every real element: its index is larger and its key is the last
            // in the order (NaN, or -inf descending, for floats; the largest, or descending the
            // smallest, integer)
            double pad = key.dtype().isFloating()
                    ? (descending ? Double.NEGATIVE_INFINITY : Double.NaN)
                    : descending ? minOf(key.dtype()) : maxOf(key.dtype());
            Array padValue =
                    key.dtype().isFloating() ? Np.filled(key.dtype(), pad) : Np.filled(key.dtype(), (long) pad);
            k = Lax.pad(k, padValue, new int[] {0, 0}, new int[] {0, m - n}, new int[] {0, 0});
        }
        Array idx = Lax.iota(DType.INT32, new int[] {rows, m}, 1);
        boolean floating = key.dtype().isFloating();
        for (int size = 2; size <= m; size <<= 1) {
            for (int j = size >> 1; j > 0; j >>= 1) {
                Array pk = partner(k, j, rows, m);
                Array pi = partner(idx, j, rows, m);
                Array before = Np.logicalOr(
                        precedes(k, pk, floating, descending), Np.logicalAnd(same(k, pk, floating), Np.less(idx, pi)));
                Array keep = Np.logicalXor(before, Lax.broadcastInDim(takesLater(size, j, m), new int[] {rows, m}, 1));
                k = Np.where(keep, k, pk);
                idx = Np.where(keep, idx, pi);
            }
        }
        return Lax.reshape(Lax.sliceInDim(idx, 1, 0, n), x.shape());
    }

    private static double maxOf(DType t) {
        return switch (t) {
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 4294967295.0;
            case INT64 -> Long.MAX_VALUE;
            case INT8, UINT8, INT16, UINT16 -> Narrow.maxValue(t);
            default -> throw new IllegalStateException(t.toString());
        };
    }

    private static double minOf(DType t) {
        return switch (t) {
            case INT32 -> Integer.MIN_VALUE;
            case UINT32 -> 0;
            case INT64 -> Long.MIN_VALUE;
            case INT8, UINT8, INT16, UINT16 -> Narrow.minValue(t);
            default -> throw new IllegalStateException(t.toString());
        };
    }

    /** Whether key a comes strictly before key b in the sort order (NaN last; first when descending). */
    static Array precedes(Array a, Array b, boolean floating, boolean descending) {
        Array strict = descending ? Np.greater(a, b) : Np.less(a, b);
        if (!floating) {
            return strict;
        }
        Array nanA = Np.isnan(a);
        Array nanB = Np.isnan(b);
        Array nanOrder =
                descending ? Np.logicalAnd(nanA, Np.logicalNot(nanB)) : Np.logicalAnd(Np.logicalNot(nanA), nanB);
        return Np.logicalOr(strict, nanOrder);
    }

    private static Array same(Array a, Array b, boolean floating) {
        Array eq = Np.equal(a, b);
        return floating ? Np.logicalOr(eq, Np.logicalAnd(Np.isnan(a), Np.isnan(b))) : eq;
    }

    /** Element {@code i ^ j} at position {@code i} of each row. */
    private static Array partner(Array x, int j, int rows, int m) {
        Array blocks = Lax.reshape(x, rows, m / (2 * j), 2, j);
        return Lax.reshape(Lax.bind(Primitive.REV, new Params.Rev(new int[] {2}), blocks), rows, m);
    }

    /** Whether position i takes the later element of its pair in the stage (block size, distance j). */
    private static Array takesLater(int size, int j, int m) {
        boolean[] mask = new boolean[m];
        for (int i = 0; i < m; i++) {
            boolean upper = (i & j) != 0;
            boolean ascending = (i & size) == 0;
            mask[i] = upper == ascending;
        }
        return Np.array(mask);
    }

    /** {@code x} moved so {@code axis} is last, the permutation applied, and moved back. */
    static Array alongAxis(Array x, int axis, java.util.function.UnaryOperator<Array> lastAxisOp) {
        int last = x.ndim() - 1;
        if (axis == last) {
            return lastAxisOp.apply(x);
        }
        return Np.moveaxis(lastAxisOp.apply(Np.moveaxis(x, axis, last)), last, axis);
    }

    static Array argsort(String fn, Array x, Integer axis, boolean descending) {
        if (axis == null) {
            return argsortLast(Np.ravel(x), descending);
        }
        int a = Shape.axis(fn, axis, x.ndim());
        return alongAxis(x, a, v -> argsortLast(v, descending));
    }

    static Array sort(String fn, Array x, Integer axis, boolean descending) {
        if (axis == null) {
            Array flat = Np.ravel(x);
            return Np.takeAlongAxis(flat, argsortLast(flat, descending), 0, "clip");
        }
        int a = Shape.axis(fn, axis, x.ndim());
        return alongAxis(x, a, v -> Np.takeAlongAxis(v, argsortLast(v, descending), v.ndim() - 1, "clip"));
    }

    /**
     * The q-th quantile (linear interpolation) along {@code axis} ({@code null} = all), as {@code
     * jnp.quantile}: NaN where a slice holds NaN, or, ignoring NaN ({@code nan} true), where a slice
     * holds nothing else.
     */
    /** The interpolation methods of {@code jnp.quantile}. */
    static final java.util.List<String> QUANTILE_METHODS =
            java.util.List.of("linear", "lower", "higher", "midpoint", "nearest");

    static Array quantile(String fn, Array x, double q, Integer axis, boolean keepdims, boolean nan) {
        if (!(q >= 0 && q <= 1)) {
            throw new KilnException(fn + ": q must lie in [0, 1] (percentiles in [0, 100]), got " + q);
        }
        return quantile(fn, x, Np.array(q), axis, keepdims, nan, "linear");
    }

    /**
     * The quantiles {@code q} (an array of fractions, possibly traced) of {@code x} along {@code
     * axis} (null: all), JAX's way: results shaped {@code q.shape + reduced shape}, positions {@code
     * q (n - 1)} between the sorted neighbours joined by {@code method}.
     */
    static Array quantile(String fn, Array x, Array q, Integer axis, boolean keepdims, boolean nan, String method) {
        java.util.Objects.requireNonNull(x, "x");
        java.util.Objects.requireNonNull(q, "q");
        java.util.Objects.requireNonNull(method, "method");
        if (!QUANTILE_METHODS.contains(method)) {
            throw new KilnException(fn + ": unknown method '" + method + "'; use one of " + QUANTILE_METHODS);
        }
        if (q.dtype() == DType.BOOL || !q.dtype().isFloating() && !q.dtype().isInteger()) {
            throw new DTypeException(fn + ": q must be a real number array, got " + q.dtype());
        }
        if (q.ndim() > 1) {
            throw new ShapeException(fn + ": q must be a scalar or 1-d, got shape " + Shape.toString(q.shape()));
        }
        Array v = Nn.inexact(x);
        Array qs = Lax.convert(q, v.dtype());
        if (q.ndim() == 1) {
            // one quantile per entry of q, stacked in front, as JAX
            java.util.function.Function<Array, Array> one = qi -> quantileAt(fn, v, qi, axis, keepdims, nan, method);
            return Kiln.vmap(one).apply(qs);
        }
        return quantileAt(fn, v, qs, axis, keepdims, nan, method);
    }

    private static Array quantileAt(
            String fn, Array v, Array q, Integer axis, boolean keepdims, boolean nan, String method) {
        if (axis == null) {
            Array r = quantileAt(fn, Np.ravel(v), q, 0, false, nan, method);
            return keepdims ? Np.reshape(r, ones(v.ndim())) : r;
        }
        int a = Shape.axis(fn, axis, v.ndim());
        int n = v.shape(a);
        if (n == 0) {
            throw new ShapeException(fn + ": axis " + a + " of shape " + Shape.toString(v.shape())
                    + " is empty; a quantile needs at least one element");
        }
        Array moved = Np.moveaxis(v, a, -1);
        if (!nan) {
            Array anyNan = Np.any(Np.isnan(moved), new int[] {moved.ndim() - 1}, true);
            moved = Np.where(anyNan, Np.fullLike(moved, Double.NaN), moved);
        }
        Array sorted = Np.takeAlongAxis(moved, argsortLast(moved, false), moved.ndim() - 1, "clip");
        int last = sorted.ndim() - 1;
        Array count = nan
                ? Lax.convert(Np.sum(Np.logicalNot(Np.isnan(sorted)), new int[] {last}, true), v.dtype())
                : Np.fullLike(Lax.reshape(Lax.sliceInDim(sorted, last, 0, 1), keptShape(sorted)), (double) n);
        Array pos = Np.multiply(Np.subtract(count, 1.0), q);
        Array low = Np.floor(pos);
        Array high = Np.ceil(pos);
        Array highWeight = Np.subtract(pos, low);
        Array lowWeight = Np.subtract(1.0, highWeight);
        Array top = Np.subtract(count, 1.0);
        Array lowIdx = Lax.convert(Np.maximum(Np.minimum(low, top), 0.0), DType.INT32);
        Array highIdx = Lax.convert(Np.maximum(Np.minimum(high, top), 0.0), DType.INT32);
        Array lowValue = Np.takeAlongAxis(sorted, lowIdx, last, "clip");
        Array highValue = Np.takeAlongAxis(sorted, highIdx, last, "clip");
        Array r =
                switch (method) {
                    case "lower" -> lowValue;
                    case "higher" -> highValue;
                    case "nearest" -> Np.where(Np.lessEqual(highWeight, 0.5), lowValue, highValue);
                    case "midpoint" -> Np.multiply(Np.add(lowValue, highValue), 0.5);
                    default -> Np.add(Np.multiply(lowValue, lowWeight), Np.multiply(highValue, highWeight));
                };
        r = Np.moveaxis(r, -1, a);
        return keepdims ? r : Np.squeeze(r, a);
    }

    private static int[] keptShape(Array x) {
        int[] s = x.shape().clone();
        s[s.length - 1] = 1;
        return s;
    }

    private static int[] ones(int rank) {
        int[] s = new int[rank];
        java.util.Arrays.fill(s, 1);
        return s;
    }

    /**
     * Where each of {@code v} would be inserted into the sorted 1-d {@code a} to keep it sorted
     * (int32): before equal elements ({@code "left"}) or after them ({@code "right"}), in the sort
     * order (NaN last).
     */
    static Array searchsorted(Array a, Array v, String side) {
        if (a.ndim() != 1) {
            throw new ShapeException(
                    "searchsorted: the sorted array must be 1-d, got shape " + Shape.toString(a.shape()));
        }
        if (!side.equals("left") && !side.equals("right")) {
            throw new KilnException("searchsorted: side must be \"left\" or \"right\", got \"" + side + "\"");
        }
        DType t = DType.promote(a.dtype(), v.dtype());
        Array aa = Lax.convert(a, t);
        Array vv = Lax.convert(v, t);
        int[] shape = java.util.Arrays.copyOf(vv.shape(), vv.ndim() + 1);
        shape[vv.ndim()] = aa.shape(0);
        int[] vdims = new int[vv.ndim()];
        for (int i = 0; i < vdims.length; i++) {
            vdims[i] = i;
        }
        Array ab = Lax.broadcastInDim(aa, shape, vv.ndim());
        Array vb = Lax.broadcastInDim(vv, shape, vdims);
        boolean floating = t.isFloating();
        // left: elements strictly before v; right: elements not after v
        Array counted = side.equals("left")
                ? precedes(ab, vb, floating, false)
                : Np.logicalNot(precedes(vb, ab, floating, false));
        return Np.sum(counted, new int[] {vv.ndim()}, false);
    }
}
