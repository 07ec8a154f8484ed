package dev.kiln;

import java.util.Objects;

/**
 * {@code unique} as {@code jnp.unique} computes it, over the flattened input: a stable argsort, a mask
 * of the first element of each run of equal sorted values (NaNs one run where {@code equalNan}), and
 * the positions of that mask's set elements. With a static {@code size} every shape is known in
 * advance, so it jits, batches and differentiates (the values are a gather); without one, the number
 * of unique values is read from the data, so the input must be concrete.
 */
final class Uniques {
    private Uniques() {}

    static Unique unique(
            String fn,
            Array x,
            boolean wantIndex,
            boolean wantInverse,
            boolean wantCounts,
            boolean equalNan,
            Integer size,
            Number fill) {
        Objects.requireNonNull(x, "x");
        if (size != null && size < 0) {
            throw new ShapeException(fn + ": size = " + size + " must be non-negative");
        }
        if (size == null && x.isTraced()) {
            throw new ShapeException(fn + ": the number of unique values depends on the data, but x of type "
                    + x.spec() + " is traced (inside jit, grad or vmap); pass a static size, as JAX requires:"
                    + " Np.unique(x, size, fillValue) pads the result to size elements with fillValue");
        }
        Array flat = Np.ravel(x);
        int n = flat.size();
        if (n == 0) {
            return empty(fn, x, size, fill, wantIndex, wantInverse, wantCounts);
        }
        Array perm = Np.argsort(flat);
        Array aux = Np.take(flat, perm, "clip");
        Array later = Lax.sliceInDim(aux, 0, 1, n);
        Array earlier = Lax.sliceInDim(aux, 0, 0, n - 1);
        Array differs = Np.notEqual(later, earlier);
        if (equalNan && aux.dtype().isFloating()) {
            differs = Np.logicalAnd(differs, Np.logicalNot(Np.logicalAnd(Np.isnan(later), Np.isnan(earlier))));
        }
        Array mask = Np.concatenate(new Array[] {Np.full(DType.BOOL, 1, 1), differs}, 0);
        Array count = Np.sum(Lax.convert(mask, DType.INT32));
        int s = size != null ? size : (int) count.longItem();
        Array first = Np.flatnonzero(mask, s, 0);
        Array values = Np.take(aux, first, "clip");
        if (size != null && fill != null) {
            values = Np.where(Np.less(Np.arange(s), count), values, Np.full(values.dtype(), fill.doubleValue()));
        }
        Array indices = wantIndex ? Np.take(perm, first, "clip") : null;
        Array inverse = null;
        if (wantInverse) {
            Array runs = Np.subtract(Np.cumsum(Lax.convert(mask, DType.INT32)), 1);
            inverse = Np.reshape(Np.zeros(DType.INT32, n).at(Index.of(perm)).set(runs), x.shape());
        }
        Array counts = null;
        if (wantCounts) {
            // run starts, then n after the last run (flatnonzero's fill 0 marks the missing ones)
            Array starts = Np.flatnonzero(mask, s + 1, 0);
            Array first0 = Lax.sliceInDim(starts, 0, 0, 1);
            Array rest = Lax.sliceInDim(starts, 0, 1, s + 1);
            rest = Np.where(Np.notEqual(rest, 0), rest, Np.full(DType.INT32, n));
            starts = Np.concatenate(new Array[] {first0, rest}, 0);
            counts = Np.subtract(Lax.sliceInDim(starts, 0, 1, s + 1), Lax.sliceInDim(starts, 0, 0, s));
        }
        return new Unique(values, indices, inverse, counts);
    }

    private static Unique empty(
            String fn, Array x, Integer size, Number fill, boolean wantIndex, boolean wantInverse, boolean wantCounts) {
        int s = size == null ? 0 : size;
        if (s > 0 && fill == null) {
            throw new ShapeException(fn + ": x is empty, so its " + s + " padded values need a fill value;"
                    + " pass fillValue (as JAX requires)");
        }
        Array values = s == 0 ? Np.zeros(x.dtype(), 0) : Np.full(x.dtype(), fill.doubleValue(), s);
        return new Unique(
                values,
                wantIndex ? Np.zeros(DType.INT32, s) : null,
                wantInverse ? Np.zeros(DType.INT32, x.shape()) : null,
                wantCounts ? Np.zeros(DType.INT32, s) : null);
    }
}
