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
        if (!mode.equals("edge") && !mode.equals("reflect") && !mode.equals("symmetric") && !mode.equals("wrap")) {
            throw new KilnException(
                    "pad: mode '" + mode + "' is not supported; use constant, edge," + " reflect, symmetric or wrap");
        }
        if (n == 0) {
            throw new ShapeException("pad: mode '" + mode + "' cannot pad axis " + axis
                    + ", which has length 0; pad an empty axis with mode 'constant'");
        }
        if (mode.equals("edge")) {
            return Np.concatenate(new Array[] {repeatSlice(x, axis, 0, lo), x, repeatSlice(x, axis, n - 1, hi)}, axis);
        }
        if (lo <= n - 1 && hi <= n - 1) {
            Array before =
                    switch (mode) {
                        case "reflect" -> Np.flip(Lax.sliceInDim(x, axis, 1, lo + 1), axis);
                        case "symmetric" -> Np.flip(Lax.sliceInDim(x, axis, 0, lo), axis);
                        default -> Lax.sliceInDim(x, axis, n - lo, n);
                    };
            Array after =
                    switch (mode) {
                        case "reflect" -> Np.flip(Lax.sliceInDim(x, axis, n - 1 - hi, n - 1), axis);
                        case "symmetric" -> Np.flip(Lax.sliceInDim(x, axis, n - hi, n), axis);
                        default -> Lax.sliceInDim(x, axis, 0, hi);
                    };
            return Np.concatenate(new Array[] {before, x, after}, axis);
        }
        // widths beyond the axis: the padding repeats periodically, as NumPy's and JAX's do (wrap
        // with period n, symmetric 2n, reflect 2(n - 1)); gathered with one index array
        int[] index = new int[lo + n + hi];
        for (int i = 0; i < index.length; i++) {
            int p = i - lo;
            index[i] = switch (mode) {
                case "wrap" -> Math.floorMod(p, n);
                case "symmetric" -> {
                    int j = Math.floorMod(p, 2 * n);
                    yield j < n ? j : 2 * n - 1 - j;
                }
                default -> {
                    if (n == 1) {
                        yield 0;
                    }
                    int j = Math.floorMod(p, 2 * (n - 1));
                    yield j < n ? j : 2 * (n - 1) - j;
                }
            };
        }
        return Np.take(x, Np.array(index), axis);
    }

    /** Element {@code at} of the axis, repeated {@code count} times along it. */
    private static Array repeatSlice(Array x, int axis, int at, int count) {
        Array one = Lax.sliceInDim(x, axis, at, at + 1);
        int[] shape = x.shape().clone();
        shape[axis] = count;
        return Np.broadcastTo(one, shape);
    }
}
