package dev.kiln.random;

import dev.kiln.DType;

/** Distances in units in the last place between float bit patterns. */
final class Ulps {
    private Ulps() {}

    /**
     * How many representable values of {@code dtype} lie between the two bit patterns (0 when
     * equal, including +0 and -0); two NaNs are 0 apart, a NaN and a number are infinitely far.
     */
    static long distance(DType dtype, long a, long b) {
        if (dtype == DType.FLOAT32) {
            float x = Float.intBitsToFloat((int) a);
            float y = Float.intBitsToFloat((int) b);
            if (Float.isNaN(x) || Float.isNaN(y)) {
                return Float.isNaN(x) && Float.isNaN(y) ? 0 : Long.MAX_VALUE;
            }
            return Math.abs(ordered((int) a) - ordered((int) b));
        }
        if (dtype == DType.FLOAT64) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return Double.isNaN(x) && Double.isNaN(y) ? 0 : Long.MAX_VALUE;
            }
            // magnitudes below 2^63 and opposite signs sum to at most 2^64 - 2: saturate instead
            long d = ordered(a) - ordered(b);
            return ((ordered(a) ^ ordered(b)) < 0 && (d ^ ordered(a)) < 0) ? Long.MAX_VALUE : Math.abs(d);
        }
        return a == b ? 0 : Long.MAX_VALUE;
    }

    /** A float's bits mapped to integers that are ordered like the floats, with ±0 both 0. */
    private static long ordered(int bits) {
        return bits >= 0 ? bits : -(long) (bits & 0x7FFF_FFFF);
    }

    private static long ordered(long bits) {
        return bits >= 0 ? bits : -(bits & Long.MAX_VALUE);
    }
}
