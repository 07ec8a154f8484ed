package dev.kiln;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code jax.lax.GatherDimensionNumbers}: how {@link Lax#gather} lays out its slices. The last axis
 * of the start indices holds one start per entry of {@code startIndexMap} (the operand axes the
 * starts index); the other axes of the start indices are the batch axes of the result.
 *
 * @param offsetDims the result axes that hold the slice's axes (those not collapsed or batched), in
 *     increasing order
 * @param collapsedSliceDims operand axes whose slice size is 1 and that the result drops, in
 *     increasing order
 * @param startIndexMap for each entry of the last axis of the start indices, the operand axis it
 *     starts
 * @param operandBatchingDims operand axes (slice size 1, dropped) indexed by the position along a
 *     batch axis of the start indices, in increasing order (empty for none)
 * @param startIndicesBatchingDims the start-index axes that {@code operandBatchingDims} follow, one
 *     each (empty for none)
 */
public record GatherDimensionNumbers(
        int[] offsetDims,
        int[] collapsedSliceDims,
        int[] startIndexMap,
        int[] operandBatchingDims,
        int[] startIndicesBatchingDims) {

    /** Checks the components are present and copies them (shapes are checked where they are used). */
    public GatherDimensionNumbers {
        offsetDims = Objects.requireNonNull(offsetDims, "offsetDims").clone();
        collapsedSliceDims =
                Objects.requireNonNull(collapsedSliceDims, "collapsedSliceDims").clone();
        startIndexMap = Objects.requireNonNull(startIndexMap, "startIndexMap").clone();
        operandBatchingDims = Objects.requireNonNull(operandBatchingDims, "operandBatchingDims")
                .clone();
        startIndicesBatchingDims = Objects.requireNonNull(startIndicesBatchingDims, "startIndicesBatchingDims")
                .clone();
    }

    /** Dimension numbers without batching axes (JAX's defaults for the last two fields). */
    public GatherDimensionNumbers(int[] offsetDims, int[] collapsedSliceDims, int[] startIndexMap) {
        this(offsetDims, collapsedSliceDims, startIndexMap, new int[0], new int[0]);
    }

    @Override
    public int[] offsetDims() {
        return offsetDims.clone();
    }

    @Override
    public int[] collapsedSliceDims() {
        return collapsedSliceDims.clone();
    }

    @Override
    public int[] startIndexMap() {
        return startIndexMap.clone();
    }

    @Override
    public int[] operandBatchingDims() {
        return operandBatchingDims.clone();
    }

    @Override
    public int[] startIndicesBatchingDims() {
        return startIndicesBatchingDims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GatherDimensionNumbers other
                && Arrays.equals(offsetDims, other.offsetDims)
                && Arrays.equals(collapsedSliceDims, other.collapsedSliceDims)
                && Arrays.equals(startIndexMap, other.startIndexMap)
                && Arrays.equals(operandBatchingDims, other.operandBatchingDims)
                && Arrays.equals(startIndicesBatchingDims, other.startIndicesBatchingDims);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {
            offsetDims, collapsedSliceDims, startIndexMap, operandBatchingDims, startIndicesBatchingDims
        });
    }

    @Override
    public String toString() {
        return "GatherDimensionNumbers[" + "offsetDims=" + Arrays.toString(offsetDims) + ", " + "collapsedSliceDims="
                + Arrays.toString(collapsedSliceDims) + ", " + "startIndexMap=" + Arrays.toString(startIndexMap) + ", "
                + "operandBatchingDims=" + Arrays.toString(operandBatchingDims) + ", " + "startIndicesBatchingDims="
                + Arrays.toString(startIndicesBatchingDims) + "]";
    }
}
