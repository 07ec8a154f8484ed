package dev.kiln;

import java.util.Objects;

/**
 * {@link Lax#bitcastConvertType} between types of one width (float32 and int32 or uint32, float64
 * and int64, int32 and uint32), written with arithmetic on exact powers of two (Kiln has no
 * bit-cast primitive): a float's sign, exponent field and mantissa come from {@link Np#frexp}
 * and exact scalings, and an integer's fields from shifts and masks. Every finite value,
 * infinity and zero (signed) converts bit for bit where the backend computes subnormals; a NaN
 * converts to the canonical quiet NaN's bits (0x7fc00000, 0x7ff8000000000000), since its payload
 * and sign are not visible to arithmetic.
 */
final class BitCast {
    private BitCast() {}

    static Array convert(Array x, DType to) {
        Objects.requireNonNull(x, "operand");
        Objects.requireNonNull(to, "newDtype");
        DType from = x.dtype();
        if (from == to) {
            return x;
        }
        boolean fromInt = from == DType.INT32 || from == DType.UINT32 || from == DType.INT64;
        boolean toInt = to == DType.INT32 || to == DType.UINT32 || to == DType.INT64;
        if (from == DType.BOOL
                || to == DType.BOOL
                || from.byteSize() != to.byteSize()
                || !(fromInt || from == DType.FLOAT32 || from == DType.FLOAT64)
                || !(toInt || to == DType.FLOAT32 || to == DType.FLOAT64)) {
            throw new DTypeException("bitcastConvertType: Kiln converts between types of one width (float32 and"
                    + " int32 or uint32, float64 and int64, int32 and uint32), got " + from + " to " + to
                    + (from.byteSize() != to.byteSize()
                            ? "; types of different widths would change the shape, which Kiln does not do"
                            : ""));
        }
        if (fromInt && toInt) {
            return Lax.convert(x, to); // int32 <-> uint32: two's complement wrap-around is the bit pattern
        }
        return fromInt ? fromBits(x, to) : toBits(x, to);
    }

    /** The bits of a float as an integer of its width. */
    private static Array toBits(Array x, DType to) {
        boolean single = x.dtype() == DType.FLOAT32;
        int mantBits = single ? 23 : 52;
        int bias = single ? 127 : 1023;
        long expAll = single ? 0xFF : 0x7FF;
        long quietNan = single ? 0x7FC00000L : 0x7FF8000000000000L;
        // float32 is worked in float64 (exact); float64 in itself, subnormals scaled in two steps
        Array v = single ? Lax.convert(x, DType.FLOAT64) : x;
        Array a = Np.abs(v);
        Array[] fe = Np.frexp(a);
        Array e = Lax.convert(fe[1], DType.INT64);
        Array biased = Np.add(e, Np.filled(DType.INT64, (long) bias - 1));
        Array normalMant = Np.multiply(Np.subtract(Np.multiply(fe[0], 2.0), 1.0), Math.scalb(1.0, mantBits));
        // a subnormal's mantissa is a * 2^(bias - 1 + mantBits), beyond float range for float64: two steps
        int scale = bias - 1 + mantBits;
        Array subMant = Np.multiply(Np.multiply(a, Math.scalb(1.0, scale / 2)), Math.scalb(1.0, scale - scale / 2));
        Array finite = Np.isfinite(v);
        Array subnormal = Np.logicalAnd(finite, Np.less(biased, Np.filled(DType.INT64, 1L)));
        Array mant = Np.where(subnormal, subMant, normalMant);
        mant = Np.where(Np.logicalAnd(finite, Np.notEqual(a, 0.0)), mant, Np.zerosLike(mant));
        Array mantI = Lax.convert(mant, DType.INT64);
        Array expField = Np.where(
                finite,
                Np.where(subnormal, Np.zeros(DType.INT64), biased),
                Np.full(DType.INT64, expAll, biased.shape()));
        expField = Np.where(Np.equal(a, 0.0), Np.zeros(DType.INT64), expField);
        Array bits = Np.bitwiseOr(Lax.shiftLeft(expField, Np.filled(DType.INT64, (long) mantBits)), mantI);
        Array neg = Np.signbit(v);
        long signBit = single ? 1L << 31 : Long.MIN_VALUE;
        bits = Np.where(neg, Np.bitwiseOr(bits, Np.filled(DType.INT64, signBit)), bits);
        bits = Np.where(Np.isnan(v), Np.full(DType.INT64, 0, bits.shape()), bits);
        bits = Np.where(Np.isnan(v), Np.bitwiseOr(bits, Np.filled(DType.INT64, quietNan)), bits);
        return single ? Lax.convert(Lax.convert(bits, DType.UINT32), to) : bits;
    }

    /** The float whose bits an integer holds. */
    private static Array fromBits(Array x, DType to) {
        boolean single = to == DType.FLOAT32;
        int mantBits = single ? 23 : 52;
        int bias = single ? 127 : 1023;
        long expAll = single ? 0xFF : 0x7FF;
        Array u = Lax.convert(x, DType.INT64);
        if (single) {
            u = Np.bitwiseAnd(u, Np.filled(DType.INT64, 0xFFFFFFFFL));
        }
        Array s = Np.filled(DType.INT64, (long) mantBits);
        Array mant = Np.bitwiseAnd(u, Np.filled(DType.INT64, (1L << mantBits) - 1));
        Array expField = Np.bitwiseAnd(Lax.shiftRightLogical(u, s), Np.filled(DType.INT64, expAll));
        Array neg = single
                ? Np.notEqual(Np.bitwiseAnd(u, Np.filled(DType.INT64, 1L << 31)), Np.zeros(DType.INT64))
                : Np.less(u, Np.zeros(DType.INT64));
        Array m = Lax.convert(mant, DType.FLOAT64);
        // normal: (1 + m 2^-mantBits) 2^(exp - bias), both factors exact
        Array frac = Np.add(Np.multiply(m, Math.scalb(1.0, -mantBits)), 1.0);
        Array safeExp = Np.where(
                Np.logicalAnd(
                        Np.greater(expField, Np.zeros(DType.INT64)), Np.less(expField, Np.filled(DType.INT64, expAll))),
                expField,
                Np.filled(DType.INT64, (long) bias));
        Array normal = Np.multiply(
                frac, Np.exp2(Lax.convert(Np.subtract(safeExp, Np.filled(DType.INT64, (long) bias)), DType.FLOAT64)));
        // subnormal: m 2^(1 - bias - mantBits), in two exact steps
        int scale = bias - 1 + mantBits;
        Array sub = Np.multiply(Np.multiply(m, Math.scalb(1.0, -(scale / 2))), Math.scalb(1.0, -(scale - scale / 2)));
        Array special = Np.where(
                Np.equal(mant, Np.zeros(DType.INT64)),
                Np.full(DType.FLOAT64, Double.POSITIVE_INFINITY, m.shape()),
                Np.full(DType.FLOAT64, Double.NaN, m.shape()));
        Array mag = Np.where(
                Np.equal(expField, Np.zeros(DType.INT64)),
                sub,
                Np.where(Np.equal(expField, Np.filled(DType.INT64, expAll)), special, normal));
        Array out = single ? Lax.convert(mag, DType.FLOAT32) : mag;
        return Np.where(neg, Np.negative(out), out);
    }
}
