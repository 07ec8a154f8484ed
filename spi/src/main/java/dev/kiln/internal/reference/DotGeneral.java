package dev.kiln.internal.reference;

import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.spi.HostBuffer;

/**
 * DOT_GENERAL in index arithmetic: each operand's dimensions are grouped into batch, free and
 * contracting ones, and a table of operand offsets is made for every index of each group, so the
 * product is a plain loop nest {@code out[b, i, j] = Σ_k lhs[b, i, k] · rhs[b, j, k]} over the
 * tables. Floats accumulate in double and round once; integers accumulate in long and wrap; bools
 * are the OR of ANDs.
 */
final class DotGeneral {
    private DotGeneral() {}

    static HostBuffer apply(Params.DotGeneral params, ArraySpec out, HostBuffer lhs, HostBuffer rhs) {
        int[] ls = lhs.spec().shape();
        int[] rs = rhs.spec().shape();
        int[] lhsBatch = offsets(ls, params.lhsBatch().toArray());
        int[] rhsBatch = offsets(rs, params.rhsBatch().toArray());
        int[] lhsFree = offsets(
                ls,
                freeDims(
                        ls.length,
                        params.lhsBatch().toArray(),
                        params.lhsContract().toArray()));
        int[] rhsFree = offsets(
                rs,
                freeDims(
                        rs.length,
                        params.rhsBatch().toArray(),
                        params.rhsContract().toArray()));
        int[] lhsContract = offsets(ls, params.lhsContract().toArray());
        int[] rhsContract = offsets(rs, params.rhsContract().toArray());

        if (out.dtype().isFloating()) {
            double[] l = Widened.doubles(lhs);
            double[] r = Widened.doubles(rhs);
            double[] result = new double[out.size()];
            int o = 0;
            for (int b = 0; b < lhsBatch.length; b++) {
                for (int lf : lhsFree) {
                    int lo = lhsBatch[b] + lf;
                    for (int rf : rhsFree) {
                        int ro = rhsBatch[b] + rf;
                        double acc = 0;
                        for (int k = 0; k < lhsContract.length; k++) {
                            acc += l[lo + lhsContract[k]] * r[ro + rhsContract[k]];
                        }
                        result[o++] = acc;
                    }
                }
            }
            return Widened.ofDoubles(out, result);
        }
        // bools are 0/1, so a non-zero sum of products is the OR of ANDs
        long[] l = Widened.longs(lhs);
        long[] r = Widened.longs(rhs);
        long[] result = new long[out.size()];
        int o = 0;
        for (int b = 0; b < lhsBatch.length; b++) {
            for (int lf : lhsFree) {
                int lo = lhsBatch[b] + lf;
                for (int rf : rhsFree) {
                    int ro = rhsBatch[b] + rf;
                    long acc = 0;
                    for (int k = 0; k < lhsContract.length; k++) {
                        acc += l[lo + lhsContract[k]] * r[ro + rhsContract[k]];
                    }
                    result[o++] = acc;
                }
            }
        }
        return Widened.ofLongs(out, result);
    }

    /** The dimensions that are neither batch nor contracting, in order. */
    private static int[] freeDims(int rank, int[] batch, int[] contract) {
        boolean[] used = new boolean[rank];
        for (int d : batch) {
            used[d] = true;
        }
        for (int d : contract) {
            used[d] = true;
        }
        int[] free = new int[rank - batch.length - contract.length];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            if (!used[d]) {
                free[k++] = d;
            }
        }
        return free;
    }

    /**
     * The operand offset contributed by every index of the listed dimensions, enumerated row-major
     * in the listed order. An empty list has the single index {@code ()} with offset 0.
     */
    private static int[] offsets(int[] shape, int[] dims) {
        int[] strides = Shape.strides(shape);
        int[] sub = new int[dims.length];
        int[] coef = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            sub[i] = shape[dims[i]];
            coef[i] = strides[dims[i]];
        }
        return Elements.affineMap(sub, 0, coef);
    }
}
