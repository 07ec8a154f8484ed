package dev.kiln;

/**
 * {@link Lax#rngBitGenerator}: XLA's default bit generator on CPU and GPU, Philox-4x32 with ten
 * rounds. The uint32[4] state {@code (k0, k1, c0, c1)} gives the key {@code (k0, k1)} and the
 * 128-bit counter {@code (c0, c1, k0, k1)} (least significant word first) of the first block; block
 * b uses that counter plus b. Each block gives four 32-bit words, taken in order; narrower dtypes
 * keep each word's low bits. The new state is the old with {@code (c0, c1)} advanced by the number
 * of blocks. Bit-exact with {@code jax.lax.rng_bit_generator} on CPU (JAX 0.10.2), all in uint32
 * arithmetic (the 32 x 32 -> 64-bit products through int64, whose wrap-around keeps the low 64 bits).
 */
final class PhiloxBits {
    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final long W0 = 0x9E3779B9L;
    private static final long W1 = 0xBB67AE85L;

    private PhiloxBits() {}

    static Lax.RngBits generate(String fn, Array key, int[] shape, DType dtype) {
        java.util.Objects.requireNonNull(key, "key");
        java.util.Objects.requireNonNull(shape, "shape");
        java.util.Objects.requireNonNull(dtype, "dtype");
        if (key.dtype() != DType.UINT32 || key.ndim() != 1 || key.shape(0) != 4) {
            throw new ShapeException(fn + ": the key must be a uint32 array of shape (4,), got " + key.spec()
                    + "; start from e.g. Np.astype(Np.array(new int[] {0, 0, 0, seed}), DType.UINT32)");
        }
        if (dtype != DType.UINT32 && dtype != DType.UINT16 && dtype != DType.UINT8) {
            throw new DTypeException(fn + ": dtype must be uint8, uint16 or uint32, got " + dtype
                    + " (Kiln has no uint64); ask for uint32 bits and combine them");
        }
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new ShapeException(fn + ": negative dimension in shape " + java.util.Arrays.toString(shape)
                        + "; dimensions must be non-negative");
            }
            n *= d;
        }
        long blocksLong = (n + 3) / 4;
        if (blocksLong > Integer.MAX_VALUE / 4) {
            throw new ShapeException(fn + ": shape " + java.util.Arrays.toString(shape) + " asks for " + n
                    + " values, more than one array can hold; ask for fewer");
        }
        int blocks = (int) blocksLong;
        Array k0 = word(key, 0);
        Array k1 = word(key, 1);
        Array c0 = word(key, 2);
        Array c1 = word(key, 3);
        // the new state: (c0, c1) + blocks, with carry
        Array[] advanced = add64(c0, c1, u32(blocks));
        Array newKey = Np.stack(new Array[] {k0, k1, advanced[0], advanced[1]}, 0);
        if (n == 0) {
            return new Lax.RngBits(newKey, Np.zeros(dtype, shape));
        }
        // counters of every block: (c0, c1, k0, k1) + b as a 128-bit sum
        Array b = Lax.iota(DType.UINT32, new int[] {blocks}, 0);
        Array x0 = Np.add(c0, b);
        Array carry = Np.astype(Np.less(x0, c0), DType.UINT32);
        Array x1 = Np.add(c1, carry);
        carry = Np.astype(Np.logicalAnd(Np.notEqual(carry, u32(0)), Np.equal(x1, u32(0))), DType.UINT32);
        Array x2 = Np.add(Np.broadcastTo(k0, blocks), carry);
        carry = Np.astype(Np.logicalAnd(Np.notEqual(carry, u32(0)), Np.equal(x2, u32(0))), DType.UINT32);
        Array x3 = Np.add(Np.broadcastTo(k1, blocks), carry);
        Array[] c = {x0, x1, x2, x3};
        Array key0 = k0;
        Array key1 = k1;
        for (int round = 0; round < 10; round++) {
            Array[] p0 = mulHiLo(M0, c[0]);
            Array[] p1 = mulHiLo(M1, c[2]);
            c = new Array[] {
                Np.bitwiseXor(Np.bitwiseXor(p1[0], c[1]), key0),
                p1[1],
                Np.bitwiseXor(Np.bitwiseXor(p0[0], c[3]), key1),
                p0[1]
            };
            key0 = Np.add(key0, u32(W0));
            key1 = Np.add(key1, u32(W1));
        }
        Array words = Np.reshape(Np.stack(c, 1), blocks * 4);
        Array bits = Lax.sliceInDim(words, 0, 0, (int) n);
        if (dtype != DType.UINT32) {
            bits = Lax.convert(Np.bitwiseAnd(bits, u32(dtype == DType.UINT8 ? 0xFF : 0xFFFF)), dtype);
        }
        return new Lax.RngBits(newKey, Np.reshape(bits, shape));
    }

    private static Array word(Array key, int i) {
        return Np.reshape(Lax.sliceInDim(key, 0, i, i + 1), new int[0]);
    }

    private static Array u32(long v) {
        return Lax.convert(Np.scalar(v), DType.UINT32);
    }

    /** {@code (lo, hi) + v} as 64-bit words, wrapping. */
    private static Array[] add64(Array lo, Array hi, Array v) {
        Array sum = Np.add(lo, v);
        Array carry = Np.astype(Np.less(sum, lo), DType.UINT32);
        return new Array[] {sum, Np.add(hi, carry)};
    }

    /** The high and low words of the 64-bit product of the constant m and x. */
    private static Array[] mulHiLo(long m, Array x) {
        Array wide = Np.multiply(Lax.convert(x, DType.INT64), Lax.convert(Np.scalar(m), DType.INT64));
        Array hi = Lax.convert(Lax.shiftRightLogical(wide, Lax.convert(Np.scalar(32L), DType.INT64)), DType.UINT32);
        Array lo = Lax.convert(Np.bitwiseAnd(wide, Lax.convert(Np.scalar(0xFFFFFFFFL), DType.INT64)), DType.UINT32);
        return new Array[] {hi, lo};
    }
}
