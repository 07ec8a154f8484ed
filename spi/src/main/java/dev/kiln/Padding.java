package dev.kiln;

/**
 * The non-constant modes of {@link Np#pad(Array, int[][], String)}, as {@code jnp.pad}: {@code
 * "edge"} repeats the edge element, {@code "reflect"} mirrors without repeating it, {@code
 * "symmetric"} mirrors repeating it, {@code "wrap"} continues from the other end. Built from slices,
 * reversals and concatenation, one axis at a time.
 */
final class Padding {
    private Padding() {}

    static Array pad(Array x, int[][] widths, String mode) {
        if (widths.length != x.ndim()) {
            throw new ShapeException("pad: " + widths.length + " (before, after) pairs for an array of rank " + x.ndim()
                    + "; pass one pair per dimension");
        }
        Array out = x;
        for (int axis = 0; axis < x.ndim(); axis++) {
            int lo = widths[axis][0];
            int hi = widths[axis][1];
            if (lo < 0 || hi < 0) {
                throw new ShapeException("pad: negative pad width " + lo + ", " + hi + " for axis " + axis);
            }
            if (lo == 0 && hi == 0) {
                continue;
            }
            out = padAxis(out, axis, lo, hi, mode);
        }
        return out;
    }

    private static Array padAxis(Array x, int axis, int lo, int hi, String mode) {
        int n = x.shape(axis);
        int limit =
                switch (mode) {
                    case "edge" -> Integer.MAX_VALUE;
                    case "reflect" -> n - 1;
                    case "symmetric", "wrap" -> n;
                    default ->
                        throw new KilnException("pad: mode '" + mode + "' is not supported; use constant, edge,"
                                + " reflect, symmetric or wrap");
                };
        if (n == 0 || lo > limit || hi > limit) {
            throw new ShapeException(
                    "pad: mode '" + mode + "' can add at most " + Math.max(0, limit == Integer.MAX_VALUE ? 0 : limit)
                            + " elements on each side of axis " + axis + " (length " + n + "), got " + lo + " and " + hi
                            + "; pad in several steps or use a smaller width");
        }
        Array before =
                switch (mode) {
                    case "edge" -> repeatSlice(x, axis, 0, lo);
                    case "reflect" -> Np.flip(Lax.sliceInDim(x, axis, 1, lo + 1), axis);
                    case "symmetric" -> Np.flip(Lax.sliceInDim(x, axis, 0, lo), axis);
                    default -> Lax.sliceInDim(x, axis, n - lo, n);
                };
        Array after =
                switch (mode) {
                    case "edge" -> repeatSlice(x, axis, n - 1, hi);
                    case "reflect" -> Np.flip(Lax.sliceInDim(x, axis, n - 1 - hi, n - 1), axis);
                    case "symmetric" -> Np.flip(Lax.sliceInDim(x, axis, n - hi, n), axis);
                    default -> Lax.sliceInDim(x, axis, 0, hi);
                };
        return Np.concatenate(new Array[] {before, x, after}, axis);
    }

    /** Element {@code at} of the axis, repeated {@code count} times along it. */
    private static Array repeatSlice(Array x, int axis, int at, int count) {
        Array one = Lax.sliceInDim(x, axis, at, at + 1);
        int[] shape = x.shape().clone();
        shape[axis] = count;
        return Np.broadcastTo(one, shape);
    }
}
