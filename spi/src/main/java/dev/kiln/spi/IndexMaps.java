package dev.kiln.spi;

/**
 * Arithmetic on affine index maps {@code offset + Σ coef[d] * p[d]} from a box of points {@code p}
 * into the row-major storage of an array: the form every fused kernel's inputs and outputs take
 * ({@link FusedKernel}). Kiln's planner uses it to build index maps and {@link KernelInterpreter}
 * to read them back as movement primitives; a backend that lowers kernels itself may use it too.
 */
public final class IndexMaps {
    private IndexMaps() {}

    /** An affine map into the multi-index of a shape: digit {@code j} is {@code offsets[j] + Σ coefs[j][d] * p[d]}. */
    public record Digits(long[] offsets, long[][] coefs) {}

    /** Row-major strides of {@code shape}, as longs. */
    public static long[] rowMajor(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /**
     * Rewrites a linear map into storage of {@code shape} as an affine map into its multi-index, or
     * returns null when no such map exists (or none is found: a term that would need division, as in
     * a merged axis read through a split one). Each term {@code coef[d] * p[d]} is spread over the
     * digits greedily from the outermost; the result is accepted only if every digit stays within
     * its extent over the whole box, which by the uniqueness of mixed-radix digits makes it exact.
     */
    public static Digits decompose(long offset, long[] coef, int[] sizes, int[] shape) {
        int rank = shape.length;
        long[] rs = rowMajor(shape);
        long total = 1;
        for (int n : shape) {
            total *= n;
        }
        if (total == 0 || offset < 0 || offset >= total) {
            return null;
        }
        long[] off = new long[rank];
        long[][] c = new long[rank][sizes.length];
        for (int j = 0; j < rank; j++) {
            off[j] = (offset / rs[j]) % shape[j];
        }
        for (int d = 0; d < sizes.length; d++) {
            if (sizes[d] <= 1 || coef[d] == 0) {
                continue;
            }
            long sign = Long.signum(coef[d]);
            long rem = Math.abs(coef[d]);
            for (int j = 0; j < rank && rem != 0; j++) {
                if (shape[j] <= 1) {
                    continue;
                }
                long q = rem / rs[j];
                if (q != 0) {
                    c[j][d] = sign * q;
                    rem -= q * rs[j];
                }
            }
            if (rem != 0) {
                return null;
            }
        }
        for (int j = 0; j < rank; j++) {
            long lo = off[j];
            long hi = off[j];
            for (int d = 0; d < sizes.length; d++) {
                long span = c[j][d] * Math.max(0, sizes[d] - 1);
                lo += Math.min(0, span);
                hi += Math.max(0, span);
            }
            if (lo < 0 || hi >= shape[j]) {
                return null;
            }
        }
        return new Digits(off, c);
    }

    /** The value {@code base + Σ coef[d] * p[d]} at every point {@code p} of {@code sizes}, in row-major order. */
    public static int[] enumerate(int[] sizes, long base, long[] coef) {
        int rank = sizes.length;
        long n = 1;
        for (int s : sizes) {
            n *= s;
        }
        int[] out = new int[(int) n];
        int[] index = new int[rank];
        long v = base;
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact(v);
            for (int d = rank - 1; d >= 0; d--) {
                index[d]++;
                v += coef[d];
                if (index[d] < sizes[d]) {
                    break;
                }
                v -= coef[d] * sizes[d];
                index[d] = 0;
            }
        }
        return out;
    }
}
