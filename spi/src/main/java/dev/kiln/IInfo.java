package dev.kiln;

import java.util.Objects;

/**
 * The range of an integer dtype, as {@code jax.numpy.iinfo} gives it ({@link Np#iinfo}).
 *
 * @param dtype the integer dtype described
 * @param bits its width in bits
 * @param min its least value
 * @param max its greatest value
 * @param kind {@code "i"} for signed, {@code "u"} for unsigned dtypes (NumPy's kind letters)
 */
public record IInfo(DType dtype, int bits, long min, long max, String kind) {

    /** The range of an integer dtype; anything else is a {@link DTypeException} naming {@code fn}. */
    static IInfo of(String fn, DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        if (!dtype.isInteger()) {
            throw new DTypeException(fn + ": " + dtype + " is not an integer dtype; use Np.finfo for float dtypes");
        }
        int bits = dtype.byteSize() * 8;
        boolean signed = dtype.kind() == DType.Kind.SIGNED;
        long max = signed ? Long.MAX_VALUE >>> (64 - bits) : (1L << bits) - 1; // no uint64 in Kiln
        long min = signed ? -max - 1 : 0;
        return new IInfo(dtype, bits, min, max, signed ? "i" : "u");
    }
}
