package dev.kiln;

import java.util.Objects;

/**
 * The machine limits of a float dtype, as {@code jax.numpy.finfo} gives them ({@link Np#finfo}).
 * Every value is exactly a value of {@link #dtype} (held in a Java double, which holds all of them
 * exactly); {@code resolution} is {@code 10^-precision} rounded to the dtype, as NumPy's.
 *
 * @param dtype the float dtype described
 * @param bits its width in bits
 * @param eps the distance from 1 to the next larger number, {@code 2^-nmant}
 * @param epsneg the distance from 1 to the next smaller number, {@code 2^-(nmant+1)}
 * @param max the largest finite number
 * @param min the most negative finite number, {@code -max}
 * @param tiny the smallest positive normal number ({@code smallest_normal})
 * @param smallestNormal the same as {@code tiny}
 * @param smallestSubnormal the smallest positive subnormal number
 * @param resolution {@code 10^-precision}, rounded to the dtype
 * @param precision the number of decimal digits the dtype holds, {@code floor(nmant log10 2)}
 * @param nmant the mantissa bits (without the implicit one)
 * @param nexp the exponent bits
 * @param minexp the exponent of {@code tiny}
 * @param maxexp the least power of two that overflows
 * @param machep the exponent of {@code eps}
 * @param negep the exponent of {@code epsneg}
 * @param iexp the exponent bits, as {@code nexp}
 */
public record FInfo(
        DType dtype,
        int bits,
        double eps,
        double epsneg,
        double max,
        double min,
        double tiny,
        double smallestNormal,
        double smallestSubnormal,
        double resolution,
        int precision,
        int nmant,
        int nexp,
        int minexp,
        int maxexp,
        int machep,
        int negep,
        int iexp) {

    /** The limits of a float dtype; anything else is a {@link DTypeException} naming {@code fn}. */
    static FInfo of(String fn, DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        int nmant;
        int nexp;
        switch (dtype) {
            case FLOAT16 -> {
                nmant = 10;
                nexp = 5;
            }
            case BFLOAT16 -> {
                nmant = 7;
                nexp = 8;
            }
            case FLOAT32 -> {
                nmant = 23;
                nexp = 8;
            }
            case FLOAT64 -> {
                nmant = 52;
                nexp = 11;
            }
            default ->
                throw new DTypeException(
                        fn + ": " + dtype + " is not a float dtype; use Np.iinfo for integer" + " dtypes");
        }
        int maxexp = 1 << (nexp - 1);
        int minexp = 2 - maxexp;
        double eps = Math.scalb(1.0, -nmant);
        double max = Math.scalb(2.0 - eps, maxexp - 1);
        double tiny = Math.scalb(1.0, minexp);
        int precision = (int) Math.floor(nmant * Math.log10(2));
        double resolution = roundTo(dtype, Math.pow(10, -precision));
        return new FInfo(
                dtype,
                1 + nexp + nmant,
                eps,
                eps / 2,
                max,
                -max,
                tiny,
                tiny,
                Math.scalb(1.0, minexp - nmant),
                resolution,
                precision,
                nmant,
                nexp,
                minexp,
                maxexp,
                -nmant,
                -nmant - 1,
                nexp);
    }

    /** {@code v} rounded to nearest even in the dtype (resolution's values are normal and in range). */
    private static double roundTo(DType dtype, double v) {
        return switch (dtype) {
            case FLOAT64 -> v;
            case FLOAT32 -> (float) v;
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            default -> {
                int b = Float.floatToRawIntBits((float) v);
                b += 0x7FFF + ((b >>> 16) & 1);
                yield Float.intBitsToFloat(b & 0xFFFF0000);
            }
        };
    }
}
