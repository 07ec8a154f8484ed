package dev.kiln.cpu;

import dev.kiln.ir.Primitive;

/**
 * Floating-point primitives on one double: the scalar tails of the vector loops, and the
 * computation for integer and bool operands of ops that are defined on reals (their result is
 * converted back as {@link Primitive#CONVERT} would).
 */
final class ScalarMath {
    private ScalarMath() {}

    static double unary(Primitive p, double x) {
        return switch (p) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case EXP -> Math.exp(x);
            case EXP2 -> pow(2, x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1 / Math.sqrt(x);
            case CBRT -> Math.cbrt(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TAN -> Math.tan(x);
            case ASIN -> Math.asin(x);
            case ACOS -> Math.acos(x);
            case ATAN -> Math.atan(x);
            case SINH -> Math.sinh(x);
            case COSH -> Math.cosh(x);
            case TANH -> Math.tanh(x);
            case LOGISTIC -> logistic(x);
            case ERF -> Erf.erf(x);
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ROUND -> Math.rint(x);
            default -> throw new IllegalArgumentException(p + " is not a real-valued unary primitive");
        };
    }

    static double binary(Primitive p, double a, double b) {
        return switch (p) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case REM -> a % b;
            case POW -> pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case ATAN2 -> Math.atan2(a, b);
            default -> throw new IllegalArgumentException(p + " is not a real-valued binary primitive");
        };
    }

    /** 1/(1+exp(-x)), written with exp(-|x|) so that it neither overflows nor flushes tiny results to 0. */
    static double logistic(double x) {
        double e = Math.exp(-Math.abs(x));
        double r = 1 / (1 + e);
        return x < 0 ? e * r : r;
    }

    /**
     * C99/IEEE 754 {@code pow}, which XLA uses and the vector intrinsic implements: {@code pow(1, y)}
     * is 1 for every y (NaN included) and {@code pow(-1, ±inf)} is 1, where {@link Math#pow} gives
     * NaN.
     */
    static double pow(double a, double b) {
        if (a == 1.0 || (a == -1.0 && Double.isInfinite(b))) {
            return 1.0;
        }
        return Math.pow(a, b);
    }

    /** Whether a unary primitive is computed on reals (so integer operands go through double). */
    static boolean isRealUnary(Primitive p) {
        return switch (p) {
            case EXP,
                    EXP2,
                    LOG,
                    LOG1P,
                    EXPM1,
                    SQRT,
                    RSQRT,
                    CBRT,
                    SIN,
                    COS,
                    TAN,
                    ASIN,
                    ACOS,
                    ATAN,
                    SINH,
                    COSH,
                    TANH,
                    LOGISTIC,
                    ERF -> true;
            default -> false;
        };
    }
}
