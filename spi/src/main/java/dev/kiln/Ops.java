package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Objects;

/**
 * Segment reductions, as {@code jax.ops}: {@code segmentSum(data, ids, n)[s]} combines the rows
 * {@code data[i]} whose {@code ids[i] == s}. Each is one SCATTER of the rows into an array of
 * {@code n} rows filled with the reduction's identity, so ids outside {@code [0, n)} are dropped,
 * segments need not be sorted, and an empty segment holds the identity (0, 1, -inf or +inf; for
 * integers the dtype's extremes), as in JAX. Differentiable in {@code data}, batchable and
 * jit-able; {@code n} is static, as JAX needs it under {@code jit}.
 */
public final class Ops {
    private Ops() {}

    /** Sum per segment ({@code jax.ops.segment_sum}). */
    public static Array segmentSum(Array data, Array segmentIds, int numSegments) {
        return segment("segmentSum", data, segmentIds, numSegments, Params.Scatter.Mode.ADD);
    }

    /** Product per segment ({@code jax.ops.segment_prod}). */
    public static Array segmentProd(Array data, Array segmentIds, int numSegments) {
        return segment("segmentProd", data, segmentIds, numSegments, Params.Scatter.Mode.MUL);
    }

    /** Maximum per segment ({@code jax.ops.segment_max}); an empty segment holds -inf (or the dtype's minimum). */
    public static Array segmentMax(Array data, Array segmentIds, int numSegments) {
        return segment("segmentMax", data, segmentIds, numSegments, Params.Scatter.Mode.MAX);
    }

    /** Minimum per segment ({@code jax.ops.segment_min}); an empty segment holds +inf (or the dtype's maximum). */
    public static Array segmentMin(Array data, Array segmentIds, int numSegments) {
        return segment("segmentMin", data, segmentIds, numSegments, Params.Scatter.Mode.MIN);
    }

    private static Array segment(String fn, Array data, Array ids, int n, Params.Scatter.Mode mode) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(ids, "segmentIds");
        if (n < 0) {
            throw new ShapeException(fn + ": numSegments must be >= 0, got " + n);
        }
        if (!ids.dtype().isInteger()) {
            throw new DTypeException(
                    fn + ": segmentIds must be integers, got " + ids.dtype() + "; astype(DType.INT32) them first");
        }
        if (data.ndim() == 0) {
            throw new ShapeException(fn + ": data must have at least one dimension (one row per id), got a 0-d array");
        }
        if (ids.ndim() != 1 || ids.shape(0) != data.shape(0)) {
            throw new ShapeException(fn + ": segmentIds must be 1-d with one id per row of data, got shape "
                    + Shape.toString(ids.shape()) + " for data of shape " + Shape.toString(data.shape()));
        }
        int[] shape = data.shape().clone();
        shape[0] = n;
        Array init = Np.full(data.dtype(), identity(mode, data.dtype()), shape);
        if (n == 0 || data.size() == 0) {
            return init;
        }
        return Lax.bind(Primitive.SCATTER, new Params.Scatter(0, mode), init, ids, data);
    }

    private static double identity(Params.Scatter.Mode mode, DType t) {
        return switch (mode) {
            case ADD -> 0;
            case MUL -> 1;
            case MAX ->
                switch (t) {
                    case FLOAT32, FLOAT64 -> Double.NEGATIVE_INFINITY;
                    case INT32 -> Integer.MIN_VALUE;
                    case INT64 -> -9.223372036854775808E18;
                    case UINT32, BOOL -> 0;
                    case FLOAT16, BFLOAT16 -> Double.NEGATIVE_INFINITY;
                    default -> Narrow.minValue(t);
                };
            default ->
                switch (t) {
                    case FLOAT32, FLOAT64 -> Double.POSITIVE_INFINITY;
                    case INT32 -> Integer.MAX_VALUE;
                    case INT64 -> 9.223372036854775807E18; // saturates to the int64 maximum
                    case UINT32 -> 4294967295.0;
                    case BOOL -> 1;
                    case FLOAT16, BFLOAT16 -> Double.POSITIVE_INFINITY;
                    default -> Narrow.maxValue(t);
                };
        };
    }
}
