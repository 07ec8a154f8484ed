package dev.kiln.internal.reference;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * Elementwise primitives of one operand. Floats are computed in double and rounded once to the
 * output dtype; transcendental functions use {@link StrictMath} so the oracle gives the same bits
 * on every JVM and at every JIT tier ({@link Math}'s intrinsics may differ by an ulp).
 */
final class UnaryOps {
    private UnaryOps() {}

    static HostBuffer apply(Primitive p, ArraySpec out, HostBuffer x) {
        DType d = x.spec().dtype();
        if (p == Primitive.IS_FINITE) {
            return isFinite(out, x);
        }
        if (d.isFloating()) {
            DoubleUnaryOperator f = floatFunction(p);
            double[] v = Widened.doubles(x);
            for (int i = 0; i < v.length; i++) {
                v[i] = f.applyAsDouble(v[i]);
            }
            return Widened.ofDoubles(out, v);
        }
        LongUnaryOperator f = integerFunction(p, d);
        long[] v = Widened.longs(x);
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsLong(v[i]);
        }
        return Widened.ofLongs(out, v);
    }

    private static HostBuffer isFinite(ArraySpec out, HostBuffer x) {
        boolean[] r = new boolean[out.size()];
        if (x.spec().dtype().isFloating()) {
            double[] v = Widened.doubles(x);
            for (int i = 0; i < v.length; i++) {
                r[i] = Double.isFinite(v[i]);
            }
        } else {
            java.util.Arrays.fill(r, true);
        }
        return HostBuffer.wrap(out, r);
    }

    private static DoubleUnaryOperator floatFunction(Primitive p) {
        return switch (p) {
            case NEG -> x -> -x;
            case ABS -> Math::abs;
            case SIGN -> UnaryOps::sign;
            case EXP -> StrictMath::exp;
            case EXP2 -> x -> StrictMath.pow(2, x);
            case LOG -> StrictMath::log;
            case LOG1P -> StrictMath::log1p;
            case EXPM1 -> StrictMath::expm1;
            case SQRT -> StrictMath::sqrt;
            case RSQRT -> x -> 1 / StrictMath.sqrt(x);
            case CBRT -> StrictMath::cbrt;
            case SIN -> StrictMath::sin;
            case COS -> StrictMath::cos;
            case TAN -> StrictMath::tan;
            case ASIN -> StrictMath::asin;
            case ACOS -> StrictMath::acos;
            case ATAN -> StrictMath::atan;
            case SINH -> StrictMath::sinh;
            case COSH -> StrictMath::cosh;
            case TANH -> StrictMath::tanh;
            case LOGISTIC -> UnaryOps::logistic;
            case ERF -> Erf::erf;
            case FLOOR -> Math::floor;
            case CEIL -> Math::ceil;
            case ROUND -> Math::rint; // half to even
            default -> throw ReferenceBackend.unsupported(p, "float operands");
        };
    }

    private static LongUnaryOperator integerFunction(Primitive p, DType d) {
        boolean bool = d == DType.BOOL;
        boolean unsigned = d == DType.UINT32 || bool;
        return switch (p) {
            case NEG -> {
                if (bool) {
                    throw ReferenceBackend.unsupported(p, "bool operands");
                }
                yield x -> -x; // wraps: neg(INT_MIN) = INT_MIN, uint32 two's complement
            }
            case ABS -> unsigned ? x -> x : x -> x < 0 ? -x : x; // abs(INT_MIN) wraps to INT_MIN
            case SIGN -> Long::signum;
            case FLOOR, CEIL, ROUND -> x -> x;
            case NOT -> bool ? x -> x ^ 1 : x -> ~x;
            default ->
                throw ReferenceBackend.unsupported(p, d + " operands; the frontend converts integers to float first");
        };
    }

    /** -1, 0 or +1, keeping the sign of zero and NaN as they are. */
    private static double sign(double x) {
        if (x > 0) {
            return 1;
        }
        if (x < 0) {
            return -1;
        }
        return x;
    }

    /** {@code 1 / (1 + e^-x)}, written so that e^t never overflows: for x < 0, {@code e^x / (1 + e^x)}. */
    private static double logistic(double x) {
        if (x >= 0) {
            return 1 / (1 + StrictMath.exp(-x));
        }
        double e = StrictMath.exp(x);
        return e / (1 + e);
    }
}
