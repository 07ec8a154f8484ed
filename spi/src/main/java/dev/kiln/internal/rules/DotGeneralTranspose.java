package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.Lax;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import java.util.Arrays;
import java.util.List;

/**
 * The transpose of {@code dot_general} in one operand (the other is a constant), like JAX's
 * {@code _dot_general_transpose_lhs/rhs}.
 *
 * <p>The output's dimensions are {@code [batch | lhs free | rhs free]}. The cotangent of operand
 * {@code X} (the other being {@code Y}) contracts the output cotangent with {@code Y} over
 * {@code Y}'s free dimensions, batched over the batch dimensions. That product's dimensions are
 * {@code [batch | X free | Y's contracting dims in increasing order]}: the same dimensions as
 * {@code X} in another order, which one transpose restores (X's contracting dimension {@code
 * xc[k]} is where {@code Y}'s partner {@code yc[k]} landed).
 */
final class DotGeneralTranspose {
    private DotGeneralTranspose() {}

    static List<Array> transpose(
            Params.DotGeneral d, Array ct, List<Array> operands, boolean[] linear, List<ArraySpec> specs) {
        int lhsRank = specs.get(0).rank();
        int rhsRank = specs.get(1).rank();
        int[] lc = d.lhsContract().toArray();
        int[] rc = d.rhsContract().toArray();
        int[] lb = d.lhsBatch().toArray();
        int[] rb = d.rhsBatch().toArray();
        int lhsFree = lhsRank - lc.length - lb.length;
        if (linear[0]) {
            return Arrays.asList(
                    cotangent(ct, operands.get(1), lhsRank, lc, lb, rhsRank, rc, rb, lb.length + lhsFree), null);
        }
        return Arrays.asList(null, cotangent(ct, operands.get(0), rhsRank, rc, rb, lhsRank, lc, lb, lb.length));
    }

    /**
     * The cotangent of operand X, given the other operand {@code y} and where Y's free dimensions
     * start in the output ({@code yFreeStart}).
     */
    private static Array cotangent(
            Array ct, Array y, int xRank, int[] xc, int[] xb, int yRank, int[] yc, int[] yb, int yFreeStart) {
        int nb = xb.length;
        int[] yFree = freeDims(yRank, yc, yb);
        int[] ctYFree = new int[yFree.length];
        for (int j = 0; j < yFree.length; j++) {
            ctYFree[j] = yFreeStart + j;
        }
        int[] ctBatch = TransposeRules.allAxes(nb);
        Array product = Lax.dotGeneral(ct, y, ctYFree, yFree, ctBatch, yb);

        int[] ycSorted = yc.clone();
        Arrays.sort(ycSorted);
        int[] perm = new int[xRank];
        for (int i = 0; i < nb; i++) {
            perm[xb[i]] = i;
        }
        int[] xFree = freeDims(xRank, xc, xb);
        for (int j = 0; j < xFree.length; j++) {
            perm[xFree[j]] = nb + j;
        }
        for (int k = 0; k < xc.length; k++) {
            perm[xc[k]] = nb + xFree.length + Arrays.binarySearch(ycSorted, yc[k]);
        }
        return Lax.transpose(product, perm);
    }

    /** The dimensions that are neither contracted nor batched, in increasing order. */
    private static int[] freeDims(int rank, int[] contract, int[] batch) {
        boolean[] used = new boolean[rank];
        for (int c : contract) {
            used[c] = true;
        }
        for (int b : batch) {
            used[b] = true;
        }
        int[] free = new int[rank - contract.length - batch.length];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if (!used[i]) {
                free[k++] = i;
            }
        }
        return free;
    }
}
