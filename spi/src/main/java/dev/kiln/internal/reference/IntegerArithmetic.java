package dev.kiln.internal.reference;

import dev.kiln.DType;

/**
 * XLA's integer semantics on widened values (see {@link Widened}): the corner cases where Java's
 * operators differ from XLA, or where uint32 must be treated as unsigned. Results may be out of
 * the dtype's range; callers wrap them.
 */
final class IntegerArithmetic {
    private IntegerArithmetic() {}

    /**
     * Truncating division; {@code x / 0} is all ones (-1 signed, 0xFFFFFFFF unsigned). The
     * overflowing {@code MIN / -1} needs no case: Java's long division wraps it to
     * {@code Long.MIN_VALUE}, and for int32 the exact 2^31 wraps to {@code Integer.MIN_VALUE}.
     * Canonical uint32 values are non-negative longs, so signed division is unsigned division.
     */
    static long div(DType d, long a, long b) {
        if (b == 0) {
            return d == DType.UINT32 ? 0xFFFF_FFFFL : -1;
        }
        return a / b;
    }

    /** Remainder with the dividend's sign; {@code x % 0} is {@code x}; {@code MIN % -1} is 0 (as in Java). */
    static long rem(long a, long b) {
        return b == 0 ? a : a % b;
    }

    /**
     * {@code base} to the power {@code exp} by repeated squaring, wrapping like repeated
     * multiplication. A negative exponent (signed dtypes only) gives the truncated reciprocal:
     * 1 for base 1, ±1 for base -1, 0 otherwise.
     */
    static long pow(long base, long exp) {
        if (exp < 0) {
            if (base == 1) {
                return 1;
            }
            if (base == -1) {
                return (exp & 1) == 0 ? 1 : -1;
            }
            return 0;
        }
        long result = 1;
        long square = base;
        for (long e = exp; e != 0; e >>>= 1) {
            if ((e & 1) != 0) {
                result *= square;
            }
            square *= square;
        }
        return result;
    }

    /** The shift amount read as unsigned, as XLA does: a negative int32 amount is a huge one. */
    private static boolean outOfRange(DType d, long amount) {
        long unsigned = d == DType.INT64 ? amount : amount & 0xFFFF_FFFFL;
        return Long.compareUnsigned(unsigned, Widened.bitWidth(d)) >= 0;
    }

    /** Shifts by at least the bit width give 0. */
    static long shiftLeft(DType d, long a, long amount) {
        return outOfRange(d, amount) ? 0 : a << amount;
    }

    /** Shifts in zeros at the top of the dtype's bit width; shifts by at least the width give 0. */
    static long shiftRightLogical(DType d, long a, long amount) {
        if (outOfRange(d, amount)) {
            return 0;
        }
        long bits = d == DType.INT64 ? a : a & 0xFFFF_FFFFL;
        return bits >>> amount;
    }

    /**
     * Shifts in copies of the top bit; shifts by at least the width give the sign fill. Like XLA
     * (and the StableHLO interpreter), the top bit is replicated for uint32 too: uint32
     * {@code 0x80000000 >> 1} is {@code 0xC0000000}. NumPy-style unsigned right shifts use
     * {@code SHIFT_RIGHT_LOGICAL}.
     */
    static long shiftRightArithmetic(DType d, long a, long amount) {
        long signed = d == DType.UINT32 ? (int) a : a;
        if (outOfRange(d, amount)) {
            return signed < 0 ? -1 : 0;
        }
        return signed >> amount;
    }
}
