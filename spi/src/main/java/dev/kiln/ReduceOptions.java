package dev.kiln;

import java.util.Objects;

/**
 * The keyword arguments of JAX's reductions ({@code jnp.sum(x, axis, dtype, keepdims, initial, where)}
 * and its relatives) for {@link Np#sum(Array, ReduceOptions)}, {@code prod}, {@code max}, {@code min},
 * {@code mean}, {@code var}, {@code std}, {@code all} and {@code any}. Start from {@link #all()} or
 * {@link #axes(int...)} and add what the call needs:
 *
 * <pre>{@code
 * Np.sum(x, ReduceOptions.axes(1).where(mask).initial(10));
 * Np.mean(x, ReduceOptions.all().dtype(DType.FLOAT64).keepdims(true));
 * Np.var(x, ReduceOptions.axes(0).ddof(1).where(mask));
 * }</pre>
 *
 * <p>Each function accepts the options JAX's function of the same name takes and refuses the others
 * with a {@link KilnException} that names them: {@code initial} belongs to sum, prod, max and min;
 * {@code dtype} to sum, prod, mean, var and std; {@code ddof} to var and std; {@code where} and
 * {@code keepdims} to all nine.
 *
 * @param axes the axes reduced, normalised by the function (null: every axis; empty: none)
 * @param keepdims whether reduced axes stay as length 1
 * @param dtype the dtype accumulated in and returned (null: the function's default)
 * @param where a bool mask broadcastable to the input: only its true elements take part (null: all)
 * @param initial a value folded into every result, so empty reductions of max and min are defined
 * @param ddof the delta degrees of freedom of var and std (divisor {@code n - ddof})
 */
public record ReduceOptions(int[] axes, boolean keepdims, DType dtype, Array where, Number initial, int ddof) {
    /** Options that reduce over every axis. */
    public static ReduceOptions all() {
        return new ReduceOptions(null, false, null, null, null, 0);
    }

    /** Options that reduce over {@code axes} (negative counts from the end; none: no axis). */
    public static ReduceOptions axes(int... axes) {
        Objects.requireNonNull(axes, "axes");
        return new ReduceOptions(axes.clone(), false, null, null, null, 0);
    }

    /** The same with {@code keepdims} set: reduced axes stay as length 1 when true. */
    public ReduceOptions keepdims(boolean keep) {
        return new ReduceOptions(axes, keep, dtype, where, initial, ddof);
    }

    /** The same, accumulating in and returning {@code dtype}. */
    public ReduceOptions dtype(DType type) {
        Objects.requireNonNull(type, "type");
        return new ReduceOptions(axes, keepdims, type, where, initial, ddof);
    }

    /** The same, reducing only the elements where the bool {@code mask} (broadcast to the input) is true. */
    public ReduceOptions where(Array mask) {
        Objects.requireNonNull(mask, "mask");
        return new ReduceOptions(axes, keepdims, dtype, mask, initial, ddof);
    }

    /** The same, folding {@code value} (cast to the result's dtype) into every result. */
    public ReduceOptions initial(Number value) {
        Objects.requireNonNull(value, "value");
        return new ReduceOptions(axes, keepdims, dtype, where, value, ddof);
    }

    /** The same with the delta degrees of freedom of var and std. */
    public ReduceOptions ddof(int delta) {
        return new ReduceOptions(axes, keepdims, dtype, where, initial, delta);
    }

    @Override
    public int[] axes() {
        return axes == null ? null : axes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReduceOptions r
                && java.util.Arrays.equals(axes, r.axes)
                && keepdims == r.keepdims
                && dtype == r.dtype
                && where == r.where
                && Objects.equals(initial, r.initial)
                && ddof == r.ddof;
    }

    @Override
    public int hashCode() {
        return Objects.hash(java.util.Arrays.hashCode(axes), keepdims, dtype, where, initial, ddof);
    }

    @Override
    public String toString() {
        return "ReduceOptions[axes=" + (axes == null ? "all" : java.util.Arrays.toString(axes)) + ", keepdims="
                + keepdims + ", dtype=" + dtype + ", where=" + (where == null ? "none" : Shape.toString(where.shape()))
                + ", initial=" + initial + ", ddof=" + ddof + "]";
    }
}
