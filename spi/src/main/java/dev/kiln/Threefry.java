package dev.kiln;

import dev.kiln.ir.Primitive;
import java.util.HashMap;
import java.util.Map;

/**
 * The threefry2x32 block cipher (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
 * SC 2011) and JAX's key derivations on top of it, written with uint32 array primitives so that
 * they run on any backend and trace under {@code jit}/{@code vmap}.
 *
 * <p>This follows JAX 0.10.2 with {@code jax_threefry_partitionable} on (its default): a sample of
 * shape {@code s} hashes the 64-bit counters {@code 0 … size-1}, split as (high word, low word),
 * so element {@code i} depends only on the key and {@code i}.
 */
final class Threefry {
    private Threefry() {}

    private static final int[][] ROTATIONS = {{13, 15, 26, 6}, {17, 29, 16, 24}};
    private static final long PARITY = 0x1BD11BDAL;

    /** The two words of a raw key of shape (2,), each 0-d. */
    static Array[] words(Array key) {
        Array k0 = Lax.reshape(Lax.sliceInDim(key, 0, 0, 1));
        Array k1 = Lax.reshape(Lax.sliceInDim(key, 0, 1, 2));
        return new Array[] {k0, k1};
    }

    /**
     * Hashes the counter pairs {@code (x0, x1)} (uint32 arrays of one shape) under the key words
     * {@code k0, k1} (0-d uint32): the 20-round threefry2x32 with a key injection every 4 rounds.
     * Returns both output words.
     */
    static Array[] hash(Array k0, Array k1, Array x0, Array x1) {
        int[] shape = x0.shape();
        Constants c = new Constants(shape);
        Array k2 = xor(xor(k0, k1), u32(PARITY));
        Array[] ks = {k0, k1, k2};
        x0 = add(x0, c.broadcast(k0));
        x1 = add(x1, c.broadcast(k1));
        for (int i = 0; i < 5; i++) {
            for (int r : ROTATIONS[i % 2]) {
                x0 = add(x0, x1);
                x1 = xor(x0, rotateLeft(x1, r, c));
            }
            // the injection adds ks[...] and the round number; uint32 addition wraps, so adding
            // their 0-d sum once gives the same bits as JAX's two additions
            x0 = add(x0, c.broadcast(ks[(i + 1) % 3]));
            x1 = add(x1, c.broadcast(add(ks[(i + 2) % 3], u32(i + 1))));
        }
        return new Array[] {x0, x1};
    }

    /**
     * Both hash words for the counters {@code 0 … size-1} laid out in {@code shape}, as JAX's
     * {@code threefry2x32_p} over {@code iota_2x32_shape(shape)}. Kiln sizes fit in an int, so the
     * high counter word is always 0.
     */
    static Array[] hashIota(Array key, int[] shape) {
        Array[] k = words(key);
        int size = Shape.size(shape);
        Array lo = Lax.reshape(Lax.iota(DType.UINT32, new int[] {size}, 0), shape);
        Array hi = Np.zeros(DType.UINT32, shape);
        return hash(k[0], k[1], hi, lo);
    }

    /** 32 random bits per element: the xor of the two hash words, as JAX's partitionable random_bits. */
    static Array bits(Array key, int[] shape) {
        Array[] b = hashIota(key, shape);
        return xor(b[0], b[1]);
    }

    /** Both hash words, for 64-bit samples: JAX takes the first as the high and the second as the low half. */
    static Array[] bits64(Array key, int[] shape) {
        return hashIota(key, shape);
    }

    /** New keys of shape {@code (shape..., 2)}: the hash words of counter {@code i} form key {@code i}. */
    static Array split(Array key, int[] shape) {
        Array[] b = hashIota(key, shape);
        return Np.stack(new Array[] {b[0], b[1]}, shape.length);
    }

    /** The key {@code hash(key, (0, data))}, as JAX's threefry_fold_in of a uint32 datum. */
    static Array foldIn(Array key, int data) {
        Array[] k = words(key);
        Array[] b = hash(k[0], k[1], u32(0), u32(Integer.toUnsignedLong(data)));
        return Lax.concatenate(new Array[] {Lax.reshape(b[0], 1), Lax.reshape(b[1], 1)}, 0);
    }

    private static Array rotateLeft(Array x, int r, Constants c) {
        Array left = Lax.bind(Primitive.SHIFT_LEFT, x, c.of(r));
        Array right = Lax.bind(Primitive.SHIFT_RIGHT_LOGICAL, x, c.of(32 - r));
        return Lax.bind(Primitive.OR, left, right);
    }

    private static Array add(Array a, Array b) {
        return Lax.bind(Primitive.ADD, a, b);
    }

    private static Array xor(Array a, Array b) {
        return Lax.bind(Primitive.XOR, a, b);
    }

    static Array u32(long value) {
        return Np.filled(DType.UINT32, value);
    }

    /** uint32 constants broadcast to one shape, each made once per hash. */
    private static final class Constants {
        private final int[] shape;
        private final Map<Integer, Array> shifts = new HashMap<>();

        Constants(int[] shape) {
            this.shape = shape;
        }

        Array broadcast(Array scalar) {
            return shape.length == 0 ? scalar : Lax.broadcastInDim(scalar, shape);
        }

        Array of(int value) {
            return shifts.computeIfAbsent(value, v -> broadcast(u32(v)));
        }
    }
}
