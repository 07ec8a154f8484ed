package dev.kiln;

import java.util.Objects;

/**
 * The 1-d set functions of {@code Np} ({@code union1d}, {@code intersect1d}, {@code setdiff1d},
 * {@code setxor1d}) as JAX defines them: the flattened inputs promoted to one dtype, results sorted
 * (except {@code setdiff1d} with {@code assumeUnique}, which keeps the first input's order), and
 * with a static {@code size} the results truncated or padded, so the functions work under every
 * transformation. Without a size the number of results is read from the data, so the inputs must
 * be concrete.
 *
 * <p>Each function marks, in one sorted array, which positions are results, and then gathers the
 * marked positions to the front ({@link #compact}). Membership is a binary search into the sorted
 * other input, not an all-pairs comparison.
 */
final class SetOps {
    private SetOps() {}

    /** What pads a result when {@code fill} is null. */
    private enum DefaultFill {
        ZERO,
        SMALLEST
    }

    static Array union1d(Array a, Array b, Integer size, Number fill) {
        Array[] ab = flatPromoted("union1d", a, b, size);
        Array both = Np.concatenate(new Array[] {ab[0], ab[1]}, 0);
        if (size == null) {
            return Np.unique(both);
        }
        if (both.size() == 0) {
            return padEmpty(both.dtype(), size, fill);
        }
        return Np.unique(both, size, fill);
    }

    static Array setdiff1d(Array a, Array b, boolean assumeUnique, Integer size, Number fill) {
        Array[] ab = flatPromoted("setdiff1d", a, b, size);
        Array x = assumeUnique ? ab[0] : Np.sort(ab[0]);
        if (x.size() == 0) {
            return padEmpty(x.dtype(), size == null ? 0 : size, fill == null ? 0 : fill);
        }
        Array keep = Np.logicalNot(member(x, ab[1]));
        if (!assumeUnique) {
            keep = Np.logicalAnd(keep, firstOfRun(x));
        }
        return compact(x, keep, size, fill, DefaultFill.ZERO)[0];
    }

    static Array setxor1d(Array a, Array b, boolean assumeUnique, Integer size, Number fill) {
        Array[] ab = flatPromoted("setxor1d", a, b, size);
        Array all = Np.sort(Np.concatenate(new Array[] {ab[0], ab[1]}, 0));
        if (all.size() == 0) {
            return padEmpty(all.dtype(), size == null ? 0 : size, fill == null ? 0 : fill);
        }
        Array inA = member(all, ab[0]);
        Array inB = member(all, ab[1]);
        Array keep = Np.logicalAnd(firstOfRun(all), Np.notEqual(inA, inB));
        return compact(all, keep, size, fill, DefaultFill.SMALLEST)[0];
    }

    /** The intersection and, with {@code indices}, the first position of each value in a and in b. */
    static Array[] intersect1d(Array a, Array b, boolean assumeUnique, boolean indices, Integer size, Number fill) {
        Array[] ab = flatPromoted("intersect1d", a, b, size);
        Array perm = Np.argsort(ab[0]);
        Array x = Np.take(ab[0], perm, "clip");
        if (x.size() == 0 || ab[1].size() == 0) {
            int s = size == null ? 0 : size;
            Array v = padEmpty(x.dtype(), s, fill == null ? 0 : fill);
            if (!indices) {
                return new Array[] {v};
            }
            return new Array[] {v, Np.full(DType.INT32, ab[0].size(), s), Np.full(DType.INT32, ab[1].size(), s)};
        }
        // b sorted once: for membership, and (its stable order) for the positions in b
        Array permB = Np.argsort(ab[1]);
        Array sortedB = Np.take(ab[1], permB, "clip");
        Array keep = Np.logicalAnd(firstOfRun(x), memberOfSorted(x, sortedB));
        Array[] r = compact(x, keep, size, fill, DefaultFill.SMALLEST);
        if (!indices) {
            return new Array[] {r[0]};
        }
        Array valid = Np.less(Np.arange(r[0].size()), r[1]);
        // the first position of each value in a: the stable sort keeps equal values in order
        Array ia = Np.take(perm, r[2], "clip");
        // and in b: the left end of its run in b's stable sort
        Array ib = Np.take(permB, Np.searchsorted(sortedB, r[0], "left"), "clip");
        ia = Np.where(valid, ia, Np.full(DType.INT32, ab[0].size()));
        ib = Np.where(valid, ib, Np.full(DType.INT32, ab[1].size()));
        return new Array[] {r[0], ia, ib};
    }

    private static Array[] flatPromoted(String fn, Array a, Array b, Integer size) {
        Objects.requireNonNull(a, "ar1");
        Objects.requireNonNull(b, "ar2");
        if (size != null && size < 0) {
            throw new ShapeException(fn + ": size = " + size + " must be non-negative");
        }
        if (size == null && (a.isTraced() || b.isTraced())) {
            throw new ShapeException(fn + ": the number of results depends on the data, but an input is traced"
                    + " (inside jit, grad or vmap); pass a static size (and a fill value), as JAX requires");
        }
        DType t = Np.resultType(a, b);
        return new Array[] {Np.ravel(Np.astype(a, t)), Np.ravel(Np.astype(b, t))};
    }

    private static Array padEmpty(DType dtype, int size, Number fill) {
        if (size > 0 && fill == null) {
            return Np.zeros(dtype, size);
        }
        return size == 0 ? Np.zeros(dtype, 0) : Np.full(dtype, fill.doubleValue(), size);
    }

    /** Whether each element of the sorted {@code x} starts a run of equal values. */
    static Array firstOfRun(Array x) {
        int n = x.size();
        Array differs = Np.notEqual(Lax.sliceInDim(x, 0, 1, n), Lax.sliceInDim(x, 0, 0, n - 1));
        return Np.concatenate(new Array[] {Np.full(DType.BOOL, 1, 1), differs}, 0);
    }

    /** Whether each element of {@code x} occurs in the 1-d {@code set} (a binary search into it, sorted). */
    static Array member(Array x, Array set) {
        if (set.size() == 0) {
            return Np.full(DType.BOOL, 0, x.shape());
        }
        return memberOfSorted(x, Np.sort(set));
    }

    /** {@link #member} with the set already sorted (and not empty). */
    private static Array memberOfSorted(Array x, Array sorted) {
        Array pos = Np.searchsorted(sorted, x, "left");
        return Np.equal(Np.take(sorted, pos, "clip"), x);
    }

    /**
     * The elements of {@code x} where {@code keep} holds, in order, cut or padded to {@code size}
     * (null: the number kept, read from the data); returns the values, the number kept and the
     * positions gathered.
     */
    private static Array[] compact(Array x, Array keep, Integer size, Number fill, DefaultFill byDefault) {
        Array count = Np.sum(Lax.convert(keep, DType.INT32));
        int s = size != null ? size : (int) count.longItem();
        Array pos = Np.flatnonzero(keep, s, 0);
        Array values = Np.take(x, pos, "clip");
        if (size != null) {
            Array padded = Np.greaterEqual(Np.arange(s), count);
            Array f;
            if (fill != null) {
                f = Np.full(x.dtype(), fill.doubleValue());
            } else if (byDefault == DefaultFill.ZERO || s == 0) {
                f = Np.zeros(x.dtype());
            } else {
                // the smallest result (the first, the results being sorted), or 0 when there is none
                Array first = Lax.reshape(Lax.sliceInDim(values, 0, 0, 1), new int[0]);
                f = Np.where(Np.greater(count, 0), first, Np.zeros(x.dtype()));
            }
            values = Np.where(padded, f, values);
        }
        return new Array[] {values, count, pos};
    }
}
