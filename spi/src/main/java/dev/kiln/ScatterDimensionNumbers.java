package dev.kiln;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code jax.lax.ScatterDimensionNumbers}: how {@link Lax#scatter} and its combining variants lay
 * the updates onto the operand. The last axis of the scatter indices holds one start per entry of
 * {@code scatterDimsToOperandDims}; the updates' axes not listed in {@code updateWindowDims} follow
 * the other axes of the indices.
 *
 * @param updateWindowDims the update axes that span a window of the operand, in increasing order
 * @param insertedWindowDims operand axes the window has size 1 in and the updates lack, in
 *     increasing order
 * @param scatterDimsToOperandDims for each entry of the last axis of the indices, the operand axis
 *     it starts
 * @param operandBatchingDims operand axes (window size 1, absent from the updates) indexed by the
 *     position along a batch axis of the indices, in increasing order (empty for none)
 * @param scatterIndicesBatchingDims the index axes that {@code operandBatchingDims} follow, one
 *     each (empty for none)
 */
public record ScatterDimensionNumbers(
        int[] updateWindowDims,
        int[] insertedWindowDims,
        int[] scatterDimsToOperandDims,
        int[] operandBatchingDims,
        int[] scatterIndicesBatchingDims) {

    /** Checks the components are present and copies them (shapes are checked where they are used). */
    public ScatterDimensionNumbers {
        updateWindowDims =
                Objects.requireNonNull(updateWindowDims, "updateWindowDims").clone();
        insertedWindowDims =
                Objects.requireNonNull(insertedWindowDims, "insertedWindowDims").clone();
        scatterDimsToOperandDims = Objects.requireNonNull(scatterDimsToOperandDims, "scatterDimsToOperandDims")
                .clone();
        operandBatchingDims = Objects.requireNonNull(operandBatchingDims, "operandBatchingDims")
                .clone();
        scatterIndicesBatchingDims = Objects.requireNonNull(scatterIndicesBatchingDims, "scatterIndicesBatchingDims")
                .clone();
    }

    /** Dimension numbers without batching axes (JAX's defaults for the last two fields). */
    public ScatterDimensionNumbers(int[] updateWindowDims, int[] insertedWindowDims, int[] scatterDimsToOperandDims) {
        this(updateWindowDims, insertedWindowDims, scatterDimsToOperandDims, new int[0], new int[0]);
    }

    @Override
    public int[] updateWindowDims() {
        return updateWindowDims.clone();
    }

    @Override
    public int[] insertedWindowDims() {
        return insertedWindowDims.clone();
    }

    @Override
    public int[] scatterDimsToOperandDims() {
        return scatterDimsToOperandDims.clone();
    }

    @Override
    public int[] operandBatchingDims() {
        return operandBatchingDims.clone();
    }

    @Override
    public int[] scatterIndicesBatchingDims() {
        return scatterIndicesBatchingDims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScatterDimensionNumbers other
                && Arrays.equals(updateWindowDims, other.updateWindowDims)
                && Arrays.equals(insertedWindowDims, other.insertedWindowDims)
                && Arrays.equals(scatterDimsToOperandDims, other.scatterDimsToOperandDims)
                && Arrays.equals(operandBatchingDims, other.operandBatchingDims)
                && Arrays.equals(scatterIndicesBatchingDims, other.scatterIndicesBatchingDims);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {
            updateWindowDims,
            insertedWindowDims,
            scatterDimsToOperandDims,
            operandBatchingDims,
            scatterIndicesBatchingDims
        });
    }

    @Override
    public String toString() {
        return "ScatterDimensionNumbers[" + "updateWindowDims=" + Arrays.toString(updateWindowDims) + ", "
                + "insertedWindowDims=" + Arrays.toString(insertedWindowDims) + ", " + "scatterDimsToOperandDims="
                + Arrays.toString(scatterDimsToOperandDims) + ", " + "operandBatchingDims="
                + Arrays.toString(operandBatchingDims) + ", " + "scatterIndicesBatchingDims="
                + Arrays.toString(scatterIndicesBatchingDims) + "]";
    }
}
