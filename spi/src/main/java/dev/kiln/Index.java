package dev.kiln;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a NumPy-style basic index, as in {@code x[1, 2:5, ..., None]}: an integer ({@link
 * #at}), a slice ({@link #slice}), a new axis ({@link #newAxis}) or an ellipsis ({@link #ellipsis}).
 * Used with {@link Array#get(Index...)} and {@link Np#index(Array, Index...)}; {@link #parse} reads
 * the same thing from NumPy syntax.
 */
public sealed interface Index {

    /** A single position; negative counts from the end. The indexed axis is removed. */
    record At(int index) implements Index {
        @Override
        public String toString() {
            return Integer.toString(index);
        }
    }

    /**
     * A Python slice {@code start:stop:step}; {@code null} fields take Python's defaults, negative
     * start and stop count from the end, and out-of-range bounds are clipped as in Python.
     */
    record Slice(Integer start, Integer stop, Integer step) implements Index {
        public Slice {
            if (step != null && step == 0) {
                throw new IndexException("slice step cannot be zero; use a positive or negative step");
            }
        }

        @Override
        public String toString() {
            return (start == null ? "" : start) + ":" + (stop == null ? "" : stop) + (step == null ? "" : ":" + step);
        }
    }

    /** Inserts an axis of length 1 ({@code None} / {@code np.newaxis}). */
    record NewAxis() implements Index {
        @Override
        public String toString() {
            return "None";
        }
    }

    /** Stands for as many full slices as needed to index every axis ({@code ...}). */
    record Ellipsis() implements Index {
        @Override
        public String toString() {
            return "...";
        }
    }

    /**
     * An integer array index ("fancy" indexing), as {@code x[jnp.array([0, 2])]}: negative values
     * count from the end; the array indices of one index broadcast together and give the result's
     * dimensions (at the place of the first if they are adjacent, else in front, as NumPy does).
     * Reading clamps an out-of-range position; an update ({@link Array#at}) drops it, as JAX does.
     */
    record Ints(Array indices) implements Index {
        public Ints {
            java.util.Objects.requireNonNull(indices, "indices");
            if (!indices.dtype().isInteger()) {
                throw new IndexException("Index.of: an array index must hold integers or bools, got " + indices.dtype()
                        + "; astype(DType.INT32) it first");
            }
        }

        @Override
        public String toString() {
            return "int" + Shape.toString(indices.shape());
        }
    }

    /**
     * A boolean mask over one or more axes, as {@code x[mask]}: selects the positions where it is
     * true, so the result's size depends on the values. It needs a concrete mask (not under {@code
     * jit}, as in JAX); under {@code jit} use {@code Np.where(mask, ...)} or the indices of {@code
     * Np.nonzero(mask, size, fill)}.
     */
    record Mask(Array mask) implements Index {
        public Mask {
            java.util.Objects.requireNonNull(mask, "mask");
            if (mask.dtype() != DType.BOOL) {
                throw new IndexException("Index.mask: a mask must be bool, got " + mask.dtype()
                        + "; compare to get one (x.greater(0)) or use Index.of for integer positions");
            }
        }

        @Override
        public String toString() {
            return "bool" + Shape.toString(mask.shape());
        }
    }

    /**
     * An array index: integer positions ({@link Ints}) or, for a bool array, a mask ({@link Mask}).
     *
     * @throws IndexException when the array is a float array
     */
    static Index of(Array indices) {
        java.util.Objects.requireNonNull(indices, "indices");
        return indices.dtype() == DType.BOOL ? new Mask(indices) : new Ints(indices);
    }

    /** Integer positions given as Java ints, as {@code x[[0, 2, -1]]}. */
    static Index of(int... positions) {
        java.util.Objects.requireNonNull(positions, "positions");
        return new Ints(Np.array(positions));
    }

    /** A boolean mask index; see {@link Mask}. */
    static Index mask(Array mask) {
        return new Mask(mask);
    }

    /** The element at {@code i} along one axis (negative counts from the end); removes the axis. */
    static Index at(int i) {
        return new At(i);
    }

    /**
     * The slice {@code start:stop:step}; {@code null} means the Python default.
     *
     * @throws IndexException when {@code step} is 0
     */
    static Index slice(Integer start, Integer stop, Integer step) {
        return new Slice(start, stop, step);
    }

    /** The slice {@code start:stop}; {@code null} means the Python default. */
    static Index slice(Integer start, Integer stop) {
        return new Slice(start, stop, null);
    }

    /** The full slice {@code :}. */
    static Index all() {
        return new Slice(null, null, null);
    }

    /** A new axis of length 1 ({@code None}). */
    static Index newAxis() {
        return new NewAxis();
    }

    /** An ellipsis ({@code ...}). */
    static Index ellipsis() {
        return new Ellipsis();
    }

    /**
     * Parses NumPy index syntax: comma-separated integers, slices {@code start:stop:step} (parts may
     * be empty), {@code ...} and {@code None} (or {@code newaxis}), e.g. {@code "1:5:2, ..., -1, None"}.
     * An empty string is the empty index, which selects the whole array.
     *
     * @throws IndexException naming the part that cannot be read
     */
    static Index[] parse(String text) {
        java.util.Objects.requireNonNull(text, "text");
        String body = text.strip();
        if (body.startsWith("[") && body.endsWith("]")) {
            body = body.substring(1, body.length() - 1).strip();
        }
        if (body.isEmpty() || body.equals("()")) {
            return new Index[0];
        }
        String[] parts = body.split(",", -1);
        List<Index> out = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.isEmpty()) {
                if (i == parts.length - 1 && i > 0) {
                    break; // a trailing comma, as in "1," which Python reads as a tuple
                }
                throw new IndexException(
                        "cannot parse index \"" + text + "\": entry " + i + " is empty; separate entries with commas");
            }
            out.add(parseOne(text, p));
        }
        return out.toArray(new Index[0]);
    }

    private static Index parseOne(String text, String p) {
        switch (p) {
            case "...":
                return ellipsis();
            case "None", "newaxis", "np.newaxis", "jnp.newaxis":
                return newAxis();
            default:
                break;
        }
        if (p.indexOf(':') < 0) {
            return at(parseInt(text, p, p));
        }
        String[] bounds = p.split(":", -1);
        if (bounds.length > 3) {
            throw new IndexException("cannot parse index \"" + text + "\": '" + p
                    + "' has more than two colons; a slice is start:stop:step");
        }
        Integer start = parseBound(text, p, bounds[0]);
        Integer stop = parseBound(text, p, bounds[1]);
        Integer step = bounds.length == 3 ? parseBound(text, p, bounds[2]) : null;
        if (step != null && step == 0) {
            throw new IndexException(
                    "cannot use index \"" + text + "\": slice '" + p + "' has step 0; use a non-zero step");
        }
        return slice(start, stop, step);
    }

    private static Integer parseBound(String text, String part, String bound) {
        String b = bound.strip();
        return b.isEmpty() || b.equals("None") ? null : parseInt(text, part, b);
    }

    private static int parseInt(String text, String part, String number) {
        try {
            return Integer.parseInt(number.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IndexException("cannot parse index \"" + text + "\": '" + part
                    + "' is not an integer, a slice start:stop:step, '...' or None");
        }
    }
}
