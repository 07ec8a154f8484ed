package dev.kiln.cpu;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.spi.HostBuffer;

/**
 * DOT_GENERAL as a batched matrix multiply {@code [B, M, K] x [B, K, N] -> [B, M, N]}.
 *
 * <p>Each operand's dimensions are grouped as batch, free and contracting. When an operand's
 * memory order already is (batch, free, contract) or (batch, contract, free) it is used in place,
 * described by row and column strides (the second order is a transposed matrix, which the matmul's
 * packing reads as cheaply); any other order is transposed once into (batch, free, contract). The
 * output order (batch, lhs free, rhs free) is row-major [B, M, N], so the result needs no copy.
 */
public final class DotGeneral {
    private DotGeneral() {}

    /**
     * Hears of each block of the product {@code [B, M, N]} once it is final: rows {@code [row, row +
     * rows)} and columns {@code [col, col + cols)} of batch {@code batch}. Called on the thread that
     * computed the block, possibly on several threads at once for disjoint blocks.
     */
    @FunctionalInterface
    public interface BlockDone {
        void block(int batch, int row, int rows, int col, int cols);
    }

    /** An operand as [batch] matrices: element (i, j) of matrix t at {@code t·batch + i·row + j·col}. */
    private record Matrix(Object data, int batch, int row, int col) {}

    static Object apply(HostBuffer lhs, HostBuffer rhs, Params.DotGeneral p, ArraySpec out) {
        Object c = Convert.allocate(out.dtype(), out.size());
        apply(lhs, rhs, p, out, c, null);
        return c;
    }

    /**
     * Writes the product into {@code c} (zeroed, {@code out.size()} elements of {@code out}'s dtype)
     * and, when {@code done} is not null, tells it of every block as it becomes final, so work on the
     * product (a matmul epilogue) can run while the block is in cache.
     */
    public static void apply(
            HostBuffer lhs, HostBuffer rhs, Params.DotGeneral p, ArraySpec out, Object c, BlockDone done) {
        int[] ls = lhs.spec().shape();
        int[] rs = rhs.spec().shape();
        int[] lb = p.lhsBatch().toArray();
        int[] rb = p.rhsBatch().toArray();
        int[] lc = p.lhsContract().toArray();
        int[] rc = p.rhsContract().toArray();
        int[] lf = free(ls.length, lb, lc);
        int[] rf = free(rs.length, rb, rc);
        int batch = prod(ls, lb);
        int m = prod(ls, lf);
        int k = prod(ls, lc);
        int n = prod(rs, rf);
        // A is [M, K]: (batch, free, contract) is row-major A, (batch, contract, free) is A transposed
        Matrix a = matrix(lhs, lb, lf, lc, m, k);
        // B is [K, N]: (batch, contract, free) is row-major B, (batch, free, contract) is B transposed
        Matrix b = matrix(rhs, rb, rc, rf, k, n);
        DType t = out.dtype();
        switch (t) {
            case FLOAT32 ->
                MatmulF32.multiply(
                        batch,
                        m,
                        n,
                        k,
                        new MatmulF32.Operand((float[]) a.data(), a.batch(), a.row(), a.col()),
                        new MatmulF32.Operand((float[]) b.data(), b.batch(), b.row(), b.col()),
                        (float[]) c,
                        done);
            case FLOAT64 ->
                MatmulF64.multiply(
                        batch,
                        m,
                        n,
                        k,
                        new MatmulF64.Operand((double[]) a.data(), a.batch(), a.row(), a.col()),
                        new MatmulF64.Operand((double[]) b.data(), b.batch(), b.row(), b.col()),
                        (double[]) c,
                        done);
            default -> integer(t, batch, m, n, k, a, b, c);
        }
        // the float matmuls report their blocks as they finish them; integer products, and empty
        // contractions (all zeros, final as they are), are reported whole
        if (done != null && m > 0 && n > 0 && (k == 0 || !t.isFloating())) {
            for (int s = 0; s < batch; s++) {
                done.block(s, 0, m, 0, n);
            }
        }
    }

    /**
     * The operand as matrices whose rows come from {@code rowDims} and columns from {@code colDims}
     * (after the batch dims), transposing only when neither natural order matches memory.
     */
    private static Matrix matrix(HostBuffer x, int[] batchDims, int[] rowDims, int[] colDims, int rows, int cols) {
        int[] shape = x.spec().shape();
        int[] rowsFirst = concat(batchDims, rowDims, colDims);
        int[] colsFirst = concat(batchDims, colDims, rowDims);
        if (isIdentity(rowsFirst, shape)) {
            return new Matrix(x.data(), rows * cols, cols, 1);
        }
        if (isIdentity(colsFirst, shape)) {
            return new Matrix(x.data(), rows * cols, 1, rows);
        }
        int[] strides = Shape.strides(shape);
        int[] src = new int[shape.length];
        int[] permuted = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            src[d] = strides[rowsFirst[d]];
            permuted[d] = shape[rowsFirst[d]];
        }
        Object copy = Convert.allocate(x.spec().dtype(), x.spec().size());
        StridedCopy.copy(x.data(), 0, src, copy, 0, Shape.strides(permuted), permuted);
        return new Matrix(copy, rows * cols, cols, 1);
    }

    /** Whether the permutation only moves dimensions of length 1, so memory order is unchanged. */
    private static boolean isIdentity(int[] perm, int[] shape) {
        int last = -1;
        for (int d : perm) {
            if (shape[d] == 1) {
                continue;
            }
            if (d < last) {
                return false;
            }
            last = d;
        }
        return true;
    }

    /** Integer and bool contraction: wrapping sums of products (bool: or of ands). */
    private static void integer(DType t, int batch, int m, int n, int k, Matrix a, Matrix b, Object c) {
        switch (t) {
            case INT32, UINT32 -> {
                int[] ad = (int[]) a.data();
                int[] bd = (int[]) b.data();
                int[] cd = (int[]) c;
                for (int s = 0; s < batch; s++) {
                    for (int i = 0; i < m; i++) {
                        int ci = (s * m + i) * n;
                        for (int p = 0; p < k; p++) {
                            int av = ad[s * a.batch() + i * a.row() + p * a.col()];
                            int bi = s * b.batch() + p * b.row();
                            for (int j = 0; j < n; j++) {
                                cd[ci + j] += av * bd[bi + j * b.col()];
                            }
                        }
                    }
                }
            }
            case INT64 -> {
                long[] ad = (long[]) a.data();
                long[] bd = (long[]) b.data();
                long[] cd = (long[]) c;
                for (int s = 0; s < batch; s++) {
                    for (int i = 0; i < m; i++) {
                        int ci = (s * m + i) * n;
                        for (int p = 0; p < k; p++) {
                            long av = ad[s * a.batch() + i * a.row() + p * a.col()];
                            int bi = s * b.batch() + p * b.row();
                            for (int j = 0; j < n; j++) {
                                cd[ci + j] += av * bd[bi + j * b.col()];
                            }
                        }
                    }
                }
            }
            case BOOL -> {
                boolean[] ad = (boolean[]) a.data();
                boolean[] bd = (boolean[]) b.data();
                boolean[] cd = (boolean[]) c;
                for (int s = 0; s < batch; s++) {
                    for (int i = 0; i < m; i++) {
                        int ci = (s * m + i) * n;
                        for (int p = 0; p < k; p++) {
                            if (!ad[s * a.batch() + i * a.row() + p * a.col()]) {
                                continue;
                            }
                            int bi = s * b.batch() + p * b.row();
                            for (int j = 0; j < n; j++) {
                                cd[ci + j] |= bd[bi + j * b.col()];
                            }
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException("not an integer dtype: " + t);
        }
    }

    private static int[] free(int rank, int[] batch, int[] contract) {
        boolean[] used = new boolean[rank];
        for (int d : batch) {
            used[d] = true;
        }
        for (int d : contract) {
            used[d] = true;
        }
        int[] f = new int[rank - batch.length - contract.length];
        int i = 0;
        for (int d = 0; d < rank; d++) {
            if (!used[d]) {
                f[i++] = d;
            }
        }
        return f;
    }

    private static int prod(int[] shape, int[] dims) {
        int p = 1;
        for (int d : dims) {
            p *= shape[d];
        }
        return p;
    }

    private static int[] concat(int[] a, int[] b, int[] c) {
        int[] r = new int[a.length + b.length + c.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        System.arraycopy(c, 0, r, a.length + b.length, c.length);
        return r;
    }
}
