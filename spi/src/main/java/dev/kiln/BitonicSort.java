package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;

/**
 * A stable argsort of uint32 keys built from movement, comparison and select primitives, so that it
 * traces under {@code jit} (Kiln has no sort primitive).
 *
 * <p>It runs Batcher's bitonic network on (key, original index) pairs: comparing the pairs
 * lexicographically makes every element distinct, so the network's result is the stable order
 * whatever the network does with equal keys. The keys are padded to a power of two with
 * {@code 0xFFFFFFFF}; padding indices are larger than every real index, so padding sorts last.
 * Each of the {@code log2(m)·(log2(m)+1)/2} stages compares every element with its partner
 * {@code i ^ j}, which is a reshape to {@code (m/2j, 2, j)} and a reversal of the middle axis.
 */
final class BitonicSort {
    private BitonicSort() {}

    /** The int32 indices that sort the 1-d uint32 {@code keys} ascending, ties in index order. */
    static Array argsort(Array keys) {
        int n = keys.shape(0);
        if (n <= 1) {
            return Lax.iota(DType.INT32, new int[] {n}, 0);
        }
        int m = Integer.highestOneBit(n - 1) << 1;
        Array k = keys;
        if (m != n) {
            k = Lax.pad(keys, Threefry.u32(0xFFFF_FFFFL), new int[] {0}, new int[] {m - n}, new int[] {0});
        }
        Array idx = Lax.iota(DType.INT32, new int[] {m}, 0);
        for (int size = 2; size <= m; size <<= 1) {
            for (int j = size >> 1; j > 0; j >>= 1) {
                Array pk = partner(k, j, m);
                Array pi = partner(idx, j, m);
                Array less = Lax.bind(
                        Primitive.OR,
                        Lax.bind(Primitive.LT, k, pk),
                        Lax.bind(Primitive.AND, Lax.bind(Primitive.EQ, k, pk), Lax.bind(Primitive.LT, idx, pi)));
                // an element keeps its value when it is the one its position should hold: the
                // smaller of the pair where the position takes the minimum, the larger elsewhere
                Array keep = Lax.bind(Primitive.XOR, less, takesMaximum(size, j, m));
                k = Lax.bind(Primitive.SELECT, keep, k, pk);
                idx = Lax.bind(Primitive.SELECT, keep, idx, pi);
            }
        }
        return Lax.sliceInDim(idx, 0, 0, n);
    }

    /** Element {@code i ^ j} at position {@code i}. */
    private static Array partner(Array x, int j, int m) {
        Array blocks = Lax.reshape(x, m / (2 * j), 2, j);
        return Lax.reshape(Lax.bind(Primitive.REV, new Params.Rev(new int[] {1}), blocks), m);
    }

    /**
     * Whether position {@code i} takes the larger of its pair in the stage merging blocks of {@code
     * size} with partner distance {@code j}: the upper position of an ascending block, or the lower
     * position of a descending one.
     */
    private static Array takesMaximum(int size, int j, int m) {
        boolean[] mask = new boolean[m];
        for (int i = 0; i < m; i++) {
            boolean upper = (i & j) != 0;
            boolean ascending = (i & size) == 0;
            mask[i] = upper == ascending;
        }
        return Np.array(mask);
    }
}
