package dev.kiln;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Shape and data-movement functions behind {@link Np}: reshape, transpose, join, split, pad, tile. */
final class Movement {
    private Movement() {}

    static Array reshape(Array x, int... shape) {
        int[] target = resolveShape(x, shape);
        return Lax.reshape(x, target);
    }

    /** Replaces a single {@code -1} with the dimension that keeps the element count. */
    static int[] resolveShape(Array x, int[] shape) {
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (unknown >= 0) {
                    throw new ShapeException(
                            "reshape: can only specify one unknown dimension (-1), got " + Shape.toString(shape));
                }
                unknown = i;
            } else if (shape[i] < 0) {
                throw new ShapeException("reshape: negative dimension " + shape[i] + " in " + Shape.toString(shape)
                        + "; use -1 for the one dimension to infer");
            } else {
                known *= shape[i];
            }
        }
        int size = x.size();
        int[] out = shape.clone();
        if (unknown >= 0) {
            if (known == 0 || size % known != 0) {
                throw new ShapeException("reshape: cannot reshape array of shape " + Shape.toString(x.shape())
                        + " (size " + size + ") into shape " + Shape.toString(shape)
                        + "; the known dimensions must divide the size");
            }
            out[unknown] = (int) (size / known);
        } else if (known != size) {
            throw new ShapeException("reshape: cannot reshape array of shape " + Shape.toString(x.shape()) + " (size "
                    + size + ") into shape " + Shape.toString(shape) + " (size " + known
                    + "); the sizes must match, or use -1 for one dimension");
        }
        return out;
    }

    static Array transpose(Array x, int... axes) {
        int rank = x.ndim();
        if (axes.length != rank) {
            throw new AxisException("transpose: axes " + Arrays.toString(axes) + " don't match an array of shape "
                    + Shape.toString(x.shape()) + "; give a permutation of all " + rank + " axes");
        }
        int[] perm = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = Shape.axis("transpose", axes[i], rank);
            if (seen[perm[i]]) {
                throw new AxisException("transpose: axis " + perm[i] + " is repeated in " + Arrays.toString(axes)
                        + "; give each axis exactly once");
            }
            seen[perm[i]] = true;
        }
        return Lax.transpose(x, perm);
    }

    static Array reverseAxes(Array x) {
        int rank = x.ndim();
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = rank - 1 - i;
        }
        return Lax.transpose(x, perm);
    }

    static Array swapaxes(Array x, int a, int b) {
        int rank = x.ndim();
        int i = Shape.axis("swapaxes", a, rank);
        int j = Shape.axis("swapaxes", b, rank);
        int[] perm = identity(rank);
        perm[i] = j;
        perm[j] = i;
        return Lax.transpose(x, perm);
    }

    static Array moveaxis(Array x, int source, int destination) {
        int rank = x.ndim();
        int s = Shape.axis("moveaxis", source, rank);
        int d = Shape.axis("moveaxis", destination, rank);
        int[] rest = new int[rank - 1];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if (i != s) {
                rest[k++] = i;
            }
        }
        int[] perm = new int[rank];
        k = 0;
        for (int i = 0; i < rank; i++) {
            perm[i] = i == d ? s : rest[k++];
        }
        return Lax.transpose(x, perm);
    }

    static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    static Array squeeze(Array x) {
        return Lax.reshape(x, Arrays.stream(x.shape()).filter(d -> d != 1).toArray());
    }

    static Array squeeze(Array x, int... axes) {
        int[] s = x.shape();
        int[] drop = Shape.axes("squeeze", axes, s.length);
        for (int a : drop) {
            if (s[a] != 1) {
                throw new ShapeException("squeeze: cannot select axis " + a + " of shape " + Shape.toString(s)
                        + " to squeeze out because its size is " + s[a] + ", not 1");
            }
        }
        int[] out = new int[s.length - drop.length];
        int k = 0;
        for (int i = 0; i < s.length; i++) {
            if (Arrays.binarySearch(drop, i) < 0) {
                out[k++] = s[i];
            }
        }
        return Lax.reshape(x, out);
    }

    static Array expandDims(Array x, int axis) {
        int[] s = x.shape();
        int a = Shape.axis("expandDims", axis, s.length + 1);
        int[] out = new int[s.length + 1];
        for (int i = 0, k = 0; i < out.length; i++) {
            out[i] = i == a ? 1 : s[k++];
        }
        return Lax.reshape(x, out);
    }

    /** Puts back the reduced axes of {@code inShape} as length-1 dimensions (keepdims). */
    static Array keepDims(Array reduced, int[] inShape, int[] reducedAxes) {
        int[] out = inShape.clone();
        for (int a : reducedAxes) {
            out[a] = 1;
        }
        return Lax.reshape(reduced, out);
    }

    static Array concatenate(Array[] xs, int axis) {
        if (xs.length == 0) {
            throw new ShapeException("concatenate: need at least one array to concatenate");
        }
        int rank = xs[0].ndim();
        if (rank == 0) {
            throw new ShapeException("concatenate: zero-dimensional arrays cannot be concatenated; "
                    + "use stack, or reshape them to 1-d first");
        }
        int a = Shape.axis("concatenate", axis, rank);
        DType t = xs[0].dtype();
        int[] first = xs[0].shape();
        for (int i = 1; i < xs.length; i++) {
            int[] s = xs[i].shape();
            boolean fits = s.length == rank;
            for (int d = 0; fits && d < rank; d++) {
                fits = d == a || s[d] == first[d];
            }
            if (!fits) {
                throw new ShapeException("concatenate: array " + i + " has shape " + Shape.toString(s)
                        + " but array 0 has shape " + Shape.toString(first) + "; all dimensions except axis " + a
                        + " must match");
            }
            t = DType.promote(t, xs[i].dtype());
        }
        Array[] converted = new Array[xs.length];
        for (int i = 0; i < xs.length; i++) {
            converted[i] = Lax.convert(xs[i], t);
        }
        return Lax.concatenate(converted, a);
    }

    static Array concatenate(List<Array> xs, int axis) {
        return concatenate(xs.toArray(new Array[0]), axis);
    }

    static Array stack(Array[] xs, int axis) {
        if (xs.length == 0) {
            throw new ShapeException("stack: need at least one array to stack");
        }
        int[] first = xs[0].shape();
        for (int i = 1; i < xs.length; i++) {
            if (!Arrays.equals(first, xs[i].shape())) {
                throw new ShapeException("stack: all input arrays must have the same shape, but array 0 has shape "
                        + Shape.toString(first) + " and array " + i + " has shape " + Shape.toString(xs[i].shape()));
            }
        }
        int a = Shape.axis("stack", axis, first.length + 1);
        Array[] expanded = new Array[xs.length];
        for (int i = 0; i < xs.length; i++) {
            expanded[i] = expandDims(xs[i], a);
        }
        DType t = xs[0].dtype();
        for (Array x : xs) {
            t = DType.promote(t, x.dtype());
        }
        for (int i = 0; i < xs.length; i++) {
            expanded[i] = Lax.convert(expanded[i], t);
        }
        return Lax.concatenate(expanded, a);
    }

    static Array[] split(Array x, int sections, int axis) {
        int a = Shape.axis("split", axis, x.ndim());
        int n = x.shape(a);
        if (sections <= 0) {
            throw new ShapeException("split: number of sections must be larger than 0, got " + sections);
        }
        if (n % sections != 0) {
            throw new ShapeException("split: array split does not result in an equal division: axis " + a
                    + " of shape " + Shape.toString(x.shape()) + " has length " + n + ", which " + sections
                    + " does not divide; use splitAt with explicit indices");
        }
        int[] cuts = new int[sections - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = (i + 1) * (n / sections);
        }
        return cut(x, cuts, a);
    }

    static Array[] splitAt(Array x, int[] indices, int axis) {
        int a = Shape.axis("splitAt", axis, x.ndim());
        return cut(x, indices, a);
    }

    /** Pieces {@code x[:i0], x[i0:i1], …, x[ik:]} along {@code axis}, with Python slice clipping. */
    private static Array[] cut(Array x, int[] indices, int axis) {
        int n = x.shape(axis);
        Array[] out = new Array[indices.length + 1];
        int prev = 0;
        for (int i = 0; i <= indices.length; i++) {
            int stop = i < indices.length ? clip(indices[i], n) : n;
            int start = Math.min(prev, n);
            int end = Math.max(start, stop);
            out[i] = Lax.sliceInDim(x, axis, start, end);
            prev = i < indices.length ? stop : n;
        }
        return out;
    }

    private static int clip(int index, int n) {
        int i = index < 0 ? index + n : index;
        return Math.max(0, Math.min(i, n));
    }

    static Array flip(Array x) {
        int[] axes = identity(x.ndim());
        return Lax.rev(x, nonTrivial(x, axes));
    }

    static Array flip(Array x, int... axes) {
        return Lax.rev(x, nonTrivial(x, Shape.axes("flip", axes, x.ndim())));
    }

    private static int[] nonTrivial(Array x, int[] axes) {
        return Arrays.stream(axes).filter(a -> x.shape(a) > 1).toArray();
    }

    static Array pad(Array x, int[][] padWidth, double constant) {
        Objects.requireNonNull(padWidth, "padWidth");
        int rank = x.ndim();
        int[] lo = new int[rank];
        int[] hi = new int[rank];
        if (padWidth.length != rank && padWidth.length != 1) {
            throw new ShapeException("pad: padWidth has " + padWidth.length + " rows for an array of shape "
                    + Shape.toString(x.shape()) + "; give one {before, after} row per axis, or a single row for all");
        }
        for (int i = 0; i < rank; i++) {
            int[] row = padWidth.length == 1 ? padWidth[0] : padWidth[i];
            if (row == null || (row.length != 2 && row.length != 1)) {
                throw new ShapeException("pad: padWidth row " + (padWidth.length == 1 ? 0 : i) + " is "
                        + Arrays.toString(row) + "; each row is {before, after} (or {both})");
            }
            lo[i] = row[0];
            hi[i] = row.length == 2 ? row[1] : row[0];
            if (lo[i] < 0 || hi[i] < 0) {
                throw new ShapeException("pad: padWidth " + Arrays.deepToString(padWidth)
                        + " has a negative width; widths must be >= 0 (slice to crop)");
            }
        }
        if (rank == 0) {
            return x;
        }
        return Lax.pad(x, Np.filled(x.dtype(), constant), lo, hi, new int[rank]);
    }

    static Array tile(Array x, int... reps) {
        for (int r : reps) {
            if (r < 0) {
                throw new ShapeException("tile: negative repetition in " + Arrays.toString(reps) + "; use counts >= 0");
            }
        }
        int rank = Math.max(x.ndim(), reps.length);
        int[] s = new int[rank];
        int[] r = new int[rank];
        Arrays.fill(s, 1);
        Arrays.fill(r, 1);
        int[] xs = x.shape();
        System.arraycopy(xs, 0, s, rank - xs.length, xs.length);
        System.arraycopy(reps, 0, r, rank - reps.length, reps.length);
        if (rank == xs.length && Arrays.stream(r).allMatch(v -> v == 1)) {
            return x;
        }
        // lay the copies out as (r0, s0, r1, s1, …) and merge each pair
        int[] wide = new int[2 * rank];
        int[] dims = new int[xs.length];
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            wide[2 * i] = r[i];
            wide[2 * i + 1] = s[i];
            out[i] = r[i] * s[i];
        }
        for (int i = 0; i < xs.length; i++) {
            dims[i] = 2 * (rank - xs.length + i) + 1;
        }
        return Lax.reshape(Lax.broadcastInDim(x, wide, dims), out);
    }

    static Array repeat(Array x, int repeats, int axis) {
        if (repeats < 0) {
            throw new ShapeException("repeat: repeats must be >= 0, got " + repeats);
        }
        int[] s = x.shape();
        int a = Shape.axis("repeat", axis, s.length);
        if (repeats == 1) {
            return x;
        }
        // each element gets a new axis of length `repeats` right after it, then the pair merges
        int[] wide = new int[s.length + 1];
        int[] dims = new int[s.length];
        for (int i = 0, k = 0; i < wide.length; i++) {
            if (i == a + 1) {
                wide[i] = repeats;
            } else {
                dims[k] = i;
                wide[i] = s[k++];
            }
        }
        int[] out = s.clone();
        out[a] = s[a] * repeats;
        return Lax.reshape(Lax.broadcastInDim(x, wide, dims), out);
    }

    /**
     * {@code jnp.repeat} with one count per element along {@code axis} (null: of the flattened
     * array), JAX's way: block starts scattered into a zero vector of {@code total} entries, whose
     * running sum is the source position of each output element, so a total larger than the counts'
     * sum repeats the last element and a smaller one cuts the end.
     */
    static Array repeatEach(Array x, Array repeats, Integer axis, int total) {
        if (repeats.dtype().isFloating() || repeats.dtype() == DType.BOOL) {
            throw new DTypeException("repeat: repeats must be integers, got " + repeats.dtype());
        }
        Array v = axis == null ? Lax.reshape(x, x.size()) : x;
        int a = axis == null ? 0 : Shape.axis("repeat", axis, x.ndim());
        int n = v.shape(a);
        if (repeats.ndim() > 1 || repeats.ndim() == 1 && repeats.shape(0) != n && repeats.shape(0) != 1) {
            throw new ShapeException("repeat: repeats of shape " + Shape.toString(repeats.shape())
                    + " do not match the " + n + " elements along the repeated axis; give one count per element"
                    + " (or one for all)");
        }
        if (total < 0) {
            throw new ShapeException("repeat: totalRepeatLength must be >= 0, got " + total);
        }
        Array r = Np.broadcastTo(Lax.convert(repeats, DType.INT32), n);
        if (n == 0 || total == 0) {
            int[] shape = v.shape();
            shape[a] = total;
            if (n == 0 && total > 0) {
                throw new ShapeException("repeat: cannot repeat the elements of an empty axis to length " + total);
            }
            return Np.zeros(x.dtype(), shape);
        }
        Array starts =
                Np.cumsum(Np.concatenate(new Array[] {Np.zeros(DType.INT32, 1), Lax.sliceInDim(r, 0, 0, n - 1)}, 0));
        Array marks = Np.zeros(DType.INT32, total).at(starts).add(1);
        Array source = Np.subtract(Np.cumsum(marks), 1);
        return Np.take(v, source, a);
    }
}
