package dev.kiln.cpu;

import java.util.Arrays;

/**
 * The engine behind every data-movement primitive: copy an n-dimensional window from one primitive
 * array to another, each addressed by an offset and per-dimension strides (0 to broadcast,
 * negative to reverse). Transpose, slice, broadcast, reverse, concatenate and pad are all a call
 * with different strides.
 *
 * <p>To be fast for any layout it first drops unit dimensions and merges neighbours that are
 * contiguous in both arrays, so most copies become a few long {@link System#arraycopy} runs. When
 * the destination's innermost dimension is strided in the source but another dimension is
 * contiguous there (a transpose), it copies in square tiles so that both sides stay in cache. Large
 * copies are split across threads by outer index.
 */
final class StridedCopy {
    private StridedCopy() {}

    /** Side of a transpose tile: 32x32 floats is 4 KiB per side, well inside L1. */
    private static final int TILE = 32;

    /**
     * For every index {@code i} of {@code shape}: {@code dst[dstOff + i·dstStrides] = src[srcOff +
     * i·srcStrides]}. Source and destination are primitive arrays of the same type.
     */
    static void copy(Object src, int srcOff, int[] srcStrides, Object dst, int dstOff, int[] dstStrides, int[] shape) {
        int r = shape.length;
        int[] n = new int[r];
        int[] ss = new int[r];
        int[] ds = new int[r];
        int m = 0;
        for (int d = 0; d < r; d++) {
            if (shape[d] == 0) {
                return;
            }
            if (shape[d] == 1) {
                continue;
            }
            if (m > 0 && ss[m - 1] == srcStrides[d] * shape[d] && ds[m - 1] == dstStrides[d] * shape[d]) {
                n[m - 1] *= shape[d];
                ss[m - 1] = srcStrides[d];
                ds[m - 1] = dstStrides[d];
            } else {
                n[m] = shape[d];
                ss[m] = srcStrides[d];
                ds[m] = dstStrides[d];
                m++;
            }
        }
        if (m == 0) {
            System.arraycopy(src, srcOff, dst, dstOff, 1);
            return;
        }
        n = Arrays.copyOf(n, m);
        ss = Arrays.copyOf(ss, m);
        ds = Arrays.copyOf(ds, m);
        int inner = m - 1;
        if (ss[inner] != 1 && ds[inner] == 1 && n[inner] >= 8) {
            for (int k = 0; k < inner; k++) {
                if (ss[k] == 1 && n[k] >= 8) {
                    tiled(src, srcOff, ss, dst, dstOff, ds, n, k);
                    return;
                }
            }
        }
        runs(src, srcOff, ss, dst, dstOff, ds, n);
    }

    /** One strided run per outer index. */
    private static void runs(Object src, int srcOff, int[] ss, Object dst, int dstOff, int[] ds, int[] n) {
        int inner = n.length - 1;
        int len = n[inner];
        int outerCount = 1;
        for (int d = 0; d < inner; d++) {
            outerCount *= n[d];
        }
        int sInner = ss[inner];
        int dInner = ds[inner];
        int grain = Math.max(1, Parallel.ELEMENTWISE_GRAIN / len);
        Parallel.forRange(outerCount, grain, 1, (lo, hi) -> {
            int[] idx = new int[inner];
            int so = srcOff;
            int d0 = dstOff;
            int rest = lo;
            for (int d = inner - 1; d >= 0; d--) {
                idx[d] = rest % n[d];
                rest /= n[d];
                so += idx[d] * ss[d];
                d0 += idx[d] * ds[d];
            }
            for (int u = lo; u < hi; u++) {
                run(src, so, sInner, dst, d0, dInner, len);
                for (int d = inner - 1; d >= 0; d--) {
                    so += ss[d];
                    d0 += ds[d];
                    if (++idx[d] < n[d]) {
                        break;
                    }
                    so -= ss[d] * n[d];
                    d0 -= ds[d] * n[d];
                    idx[d] = 0;
                }
            }
        });
    }

    /**
     * Transpose-like copies: dimension {@code k} is contiguous in the source, the last dimension is
     * contiguous in the destination. Work units are (outer index, block of rows of k).
     */
    private static void tiled(Object src, int srcOff, int[] ss, Object dst, int dstOff, int[] ds, int[] n, int k) {
        int inner = n.length - 1;
        int[] outerDims = new int[inner - 1];
        int o = 0;
        for (int d = 0; d < inner; d++) {
            if (d != k) {
                outerDims[o++] = d;
            }
        }
        int outerCount = 1;
        for (int d : outerDims) {
            outerCount *= n[d];
        }
        int kBlocks = (n[k] + TILE - 1) / TILE;
        int units = outerCount * kBlocks;
        int grain = Math.max(1, Parallel.ELEMENTWISE_GRAIN / (TILE * n[inner]));
        Parallel.forRange(units, grain, 1, (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int rest = u / kBlocks;
                int kb = u % kBlocks;
                int so = srcOff;
                int d0 = dstOff;
                for (int j = outerDims.length - 1; j >= 0; j--) {
                    int d = outerDims[j];
                    int i = rest % n[d];
                    rest /= n[d];
                    so += i * ss[d];
                    d0 += i * ds[d];
                }
                int k0 = kb * TILE;
                int k1 = Math.min(n[k], k0 + TILE);
                so += k0;
                d0 += k0 * ds[k];
                tile(src, so, ss[inner], dst, d0, ds[k], k1 - k0, n[inner]);
            }
        });
    }

    /**
     * dst[d0 + r·dRow + c] = src[s0 + r + c·sCol] for r < rows, c < cols, in column blocks so that
     * the TILE source lines being read stay in L1 while the destination rows are written.
     */
    private static void tile(Object src, int s0, int sCol, Object dst, int d0, int dRow, int rows, int cols) {
        for (int c0 = 0; c0 < cols; c0 += TILE) {
            int c1 = Math.min(cols, c0 + TILE);
            switch (src) {
                case float[] s -> {
                    float[] t = (float[]) dst;
                    for (int r = 0; r < rows; r++) {
                        int di = d0 + r * dRow;
                        for (int c = c0; c < c1; c++) {
                            t[di + c] = s[s0 + r + c * sCol];
                        }
                    }
                }
                case double[] s -> {
                    double[] t = (double[]) dst;
                    for (int r = 0; r < rows; r++) {
                        int di = d0 + r * dRow;
                        for (int c = c0; c < c1; c++) {
                            t[di + c] = s[s0 + r + c * sCol];
                        }
                    }
                }
                case int[] s -> {
                    int[] t = (int[]) dst;
                    for (int r = 0; r < rows; r++) {
                        int di = d0 + r * dRow;
                        for (int c = c0; c < c1; c++) {
                            t[di + c] = s[s0 + r + c * sCol];
                        }
                    }
                }
                case long[] s -> {
                    long[] t = (long[]) dst;
                    for (int r = 0; r < rows; r++) {
                        int di = d0 + r * dRow;
                        for (int c = c0; c < c1; c++) {
                            t[di + c] = s[s0 + r + c * sCol];
                        }
                    }
                }
                case boolean[] s -> {
                    boolean[] t = (boolean[]) dst;
                    for (int r = 0; r < rows; r++) {
                        int di = d0 + r * dRow;
                        for (int c = c0; c < c1; c++) {
                            t[di + c] = s[s0 + r + c * sCol];
                        }
                    }
                }
                default -> throw new IllegalArgumentException("not a primitive array: " + src.getClass());
            }
        }
    }

    /** dst[d0 + i·dStride] = src[s0 + i·sStride] for i < len. */
    private static void run(Object src, int s0, int sStride, Object dst, int d0, int dStride, int len) {
        if (sStride == 1 && dStride == 1) {
            System.arraycopy(src, s0, dst, d0, len);
            return;
        }
        switch (src) {
            case float[] s -> {
                float[] t = (float[]) dst;
                if (sStride == 0 && dStride == 1) {
                    Arrays.fill(t, d0, d0 + len, s[s0]);
                } else {
                    for (int i = 0; i < len; i++) {
                        t[d0 + i * dStride] = s[s0 + i * sStride];
                    }
                }
            }
            case double[] s -> {
                double[] t = (double[]) dst;
                if (sStride == 0 && dStride == 1) {
                    Arrays.fill(t, d0, d0 + len, s[s0]);
                } else {
                    for (int i = 0; i < len; i++) {
                        t[d0 + i * dStride] = s[s0 + i * sStride];
                    }
                }
            }
            case int[] s -> {
                int[] t = (int[]) dst;
                if (sStride == 0 && dStride == 1) {
                    Arrays.fill(t, d0, d0 + len, s[s0]);
                } else {
                    for (int i = 0; i < len; i++) {
                        t[d0 + i * dStride] = s[s0 + i * sStride];
                    }
                }
            }
            case long[] s -> {
                long[] t = (long[]) dst;
                if (sStride == 0 && dStride == 1) {
                    Arrays.fill(t, d0, d0 + len, s[s0]);
                } else {
                    for (int i = 0; i < len; i++) {
                        t[d0 + i * dStride] = s[s0 + i * sStride];
                    }
                }
            }
            case boolean[] s -> {
                boolean[] t = (boolean[]) dst;
                if (sStride == 0 && dStride == 1) {
                    Arrays.fill(t, d0, d0 + len, s[s0]);
                } else {
                    for (int i = 0; i < len; i++) {
                        t[d0 + i * dStride] = s[s0 + i * sStride];
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a primitive array: " + src.getClass());
        }
    }

    /** Fills a whole primitive array with element {@code at} of {@code value} (an array of the same type). */
    static void fill(Object dst, Object value, int at) {
        switch (dst) {
            case float[] t -> Arrays.fill(t, ((float[]) value)[at]);
            case double[] t -> Arrays.fill(t, ((double[]) value)[at]);
            case int[] t -> Arrays.fill(t, ((int[]) value)[at]);
            case long[] t -> Arrays.fill(t, ((long[]) value)[at]);
            case boolean[] t -> Arrays.fill(t, ((boolean[]) value)[at]);
            default -> throw new IllegalArgumentException("not a primitive array: " + dst.getClass());
        }
    }
}
