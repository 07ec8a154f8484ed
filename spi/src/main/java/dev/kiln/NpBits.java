package dev.kiln;

import java.util.Objects;

/**
 * {@link Np#bitwiseCount}, {@link Np#packbits} and {@link Np#unpackbits}. As in JAX, they answer
 * uint8 ({@link #BYTE}) and unpackbits takes only uint8. The bit arithmetic runs in int32 ({@link
 * #WORK}, where uint8 is stored anyway) and converts once at the end.
 */
final class NpBits {
    private NpBits() {}

    /** The dtype of bytes and bit counts, as in JAX. */
    static final DType BYTE = DType.UINT8;

    /** The dtype the bit arithmetic runs in. */
    private static final DType WORK = DType.INT32;

    static Array bitwiseCount(Array x) {
        Objects.requireNonNull(x, "x");
        DType t = x.dtype();
        if (t == DType.BOOL) {
            return Lax.convert(x, BYTE);
        }
        if (!t.isInteger()) {
            throw new DTypeException("bitwiseCount: accepts integer or bool arrays, got " + t);
        }
        // NumPy counts the bits of the absolute value (abs of the least value wraps to itself: one bit)
        Array v = t.toString().startsWith("u") ? x : Np.abs(x);
        return Lax.convert(LaxOps.populationCount(v), BYTE);
    }

    private static String order(String fn, String bitorder) {
        Objects.requireNonNull(bitorder, "bitorder");
        if (!bitorder.equals("big") && !bitorder.equals("little")) {
            throw new KilnException(fn + ": bitorder must be \"big\" or \"little\", got \"" + bitorder + "\"");
        }
        return bitorder;
    }

    static Array packbits(Array a, Integer axis, String bitorder) {
        Objects.requireNonNull(a, "a");
        String fn = "packbits";
        boolean big = order(fn, bitorder).equals("big");
        if (!a.dtype().isInteger() && a.dtype() != DType.BOOL) {
            throw new DTypeException(fn + ": expected an integer or bool array, got " + a.dtype());
        }
        Array x = axis == null ? Np.ravel(a) : a;
        int ax = axis == null ? 0 : Shape.axis(fn, axis, x.ndim());
        Array bits = Lax.convert(Np.notEqual(x, Np.zeros(x.dtype())), WORK);
        int n = x.shape(ax);
        int groups = (n + 7) / 8;
        int[][] pad = new int[x.ndim()][2];
        pad[ax][1] = groups * 8 - n;
        bits = Np.pad(bits, pad);
        int[] split = new int[x.ndim() + 1];
        for (int d = 0, k = 0; d < x.ndim(); d++) {
            if (d == ax) {
                split[k++] = groups;
                split[k++] = 8;
            } else {
                split[k++] = x.shape(d);
            }
        }
        Array grouped = Np.reshape(bits, split);
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = big ? 128 >> i : 1 << i;
        }
        int[] wshape = new int[split.length];
        java.util.Arrays.fill(wshape, 1);
        wshape[ax + 1] = 8;
        Array weights = Np.reshape(Np.array(w, 8), wshape);
        return Lax.convert(Np.sum(Np.multiply(grouped, weights), new int[] {ax + 1}, false), BYTE);
    }

    static Array unpackbits(Array a, Integer axis, Integer count, String bitorder) {
        Objects.requireNonNull(a, "a");
        String fn = "unpackbits";
        boolean big = order(fn, bitorder).equals("big");
        if (a.dtype() != BYTE) {
            throw new DTypeException(fn + ": expected an array of bytes (uint8), got " + a.dtype()
                    + "; convert it first, e.g. Lax.convert(a, DType.UINT8)");
        }
        Array x = axis == null ? Np.ravel(a) : a;
        int ax = axis == null ? 0 : Shape.axis(fn, axis, x.ndim());
        Array v = Lax.convert(x, WORK);
        int[] wide = new int[x.ndim() + 1];
        int[] dims = new int[x.ndim()];
        for (int d = 0; d < x.ndim(); d++) {
            wide[d <= ax ? d : d + 1] = x.shape(d);
            dims[d] = d <= ax ? d : d + 1;
        }
        wide[ax + 1] = 8;
        Array spread = Lax.broadcastInDim(v, wide, dims);
        int[] s = new int[8];
        for (int i = 0; i < 8; i++) {
            s[i] = big ? 7 - i : i;
        }
        int[] sdims = {ax + 1};
        Array shifts = Lax.broadcastInDim(Np.array(s, 8), wide, sdims);
        Array bits = Np.bitwiseAnd(Lax.shiftRightLogical(spread, shifts), Np.full(WORK, 1, wide));
        int[] merged = x.shape().clone();
        merged[ax] = x.shape(ax) * 8;
        Array out = Lax.convert(Np.reshape(bits, merged), BYTE);
        if (count == null) {
            return out;
        }
        int n = merged[ax];
        int keep = count >= 0 ? count : Math.max(0, n + count);
        if (keep <= n) {
            return Lax.sliceInDim(out, ax, 0, keep);
        }
        int[][] pad = new int[out.ndim()][2];
        pad[ax][1] = keep - n;
        return Np.pad(out, pad);
    }
}
