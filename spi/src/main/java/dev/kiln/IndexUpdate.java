package dev.kiln;

import dev.kiln.ir.Params;
import java.util.Objects;

/**
 * Functional updates at an index, JAX's {@code x.at[idx]}: {@code x.at(Index.of(i)).add(v)} is
 * {@code x.at[i].add(v)}. Each method returns a new array; {@code x} is unchanged. The index may
 * mix integers, slices, new axes, an ellipsis, integer arrays ({@link Index#of(Array)}) and, on
 * concrete arrays, boolean masks, as {@link Array#get(Index...)} reads them.
 *
 * <p>As in JAX: values are cast to {@code x}'s dtype and must broadcast to the indexed shape;
 * repeated positions accumulate for {@link #add}, {@link #multiply}, {@link #min} and {@link #max}
 * and the last one wins for {@link #set}; an array index out of range drops its update, while
 * {@link #get()} clamps it. Differentiable (in {@code x} and the values), batchable and jit-able:
 * each update is one SCATTER.
 */
public final class IndexUpdate {
    private final Array x;
    private final Index[] idx;

    IndexUpdate(Array x, Index[] idx) {
        this.x = x;
        this.idx = idx;
    }

    /** {@code x[idx]}, out-of-range array indices clamped (JAX's default for reads). */
    public Array get() {
        return AdvancedIndexing.get("at.get", x, idx);
    }

    /**
     * {@code x.at[idx].get(mode='fill', fill_value=fill)}: positions whose array indices are out of
     * range read {@code fill} (a number or 0-d array) instead of a clamped element.
     */
    public Array get(Object fill) {
        return AdvancedIndexing.getOrFill("at.get", x, idx, fill);
    }

    /** {@code x} with {@code values} written at the index (the last of repeated positions wins). */
    public Array set(Object values) {
        return AdvancedIndexing.update("at.set", x, idx, values, Params.Scatter.Mode.SET);
    }

    /** {@code x} with {@code values} added at the index; repeated positions accumulate. */
    public Array add(Object values) {
        return AdvancedIndexing.update("at.add", x, idx, values, Params.Scatter.Mode.ADD);
    }

    /** {@code x} with {@code values} subtracted at the index ({@code add} of the negated values). */
    public Array subtract(Object values) {
        Objects.requireNonNull(values, "values");
        return add(Np.negative(Np.operand(values, x.dtype())));
    }

    /** {@code x} multiplied by {@code values} at the index; repeated positions multiply together. */
    public Array multiply(Object values) {
        return AdvancedIndexing.update("at.multiply", x, idx, values, Params.Scatter.Mode.MUL);
    }

    /** {@code x} divided by {@code values} at the index ({@code multiply} by the reciprocal, for floats). */
    public Array divide(Object values) {
        Objects.requireNonNull(values, "values");
        if (!x.dtype().isFloating()) {
            throw new DTypeException("at.divide: needs a float array, got " + x.dtype()
                    + "; astype(DType.FLOAT32) it first, as JAX's at[].divide does not truncate");
        }
        return multiply(Np.reciprocal(Np.operand(values, x.dtype())));
    }

    /** {@code x} with the smaller of it and {@code values} at the index. */
    public Array min(Object values) {
        return AdvancedIndexing.update("at.min", x, idx, values, Params.Scatter.Mode.MIN);
    }

    /** {@code x} with the larger of it and {@code values} at the index. */
    public Array max(Object values) {
        return AdvancedIndexing.update("at.max", x, idx, values, Params.Scatter.Mode.MAX);
    }

    @Override
    public String toString() {
        return "at" + AdvancedIndexing.text(idx) + " of " + x.spec();
    }
}
