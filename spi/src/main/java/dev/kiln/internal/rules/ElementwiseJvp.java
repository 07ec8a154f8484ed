package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Tangents.add;
import static dev.kiln.internal.rules.Tangents.div;
import static dev.kiln.internal.rules.Tangents.full;
import static dev.kiln.internal.rules.Tangents.indicator;
import static dev.kiln.internal.rules.Tangents.mul;
import static dev.kiln.internal.rules.Tangents.neg;
import static dev.kiln.internal.rules.Tangents.op;
import static dev.kiln.internal.rules.Tangents.sub;
import static dev.kiln.ir.Primitive.ABS;
import static dev.kiln.ir.Primitive.ADD;
import static dev.kiln.ir.Primitive.COS;
import static dev.kiln.ir.Primitive.COSH;
import static dev.kiln.ir.Primitive.DIV;
import static dev.kiln.ir.Primitive.EQ;
import static dev.kiln.ir.Primitive.EXP;
import static dev.kiln.ir.Primitive.FLOOR;
import static dev.kiln.ir.Primitive.GE;
import static dev.kiln.ir.Primitive.LOG;
import static dev.kiln.ir.Primitive.MUL;
import static dev.kiln.ir.Primitive.NEG;
import static dev.kiln.ir.Primitive.POW;
import static dev.kiln.ir.Primitive.RSQRT;
import static dev.kiln.ir.Primitive.SELECT;
import static dev.kiln.ir.Primitive.SIGN;
import static dev.kiln.ir.Primitive.SIN;
import static dev.kiln.ir.Primitive.SINH;
import static dev.kiln.ir.Primitive.SUB;

import dev.kiln.Array;
import dev.kiln.internal.lower.DerivedRules;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.List;

/**
 * JVP rules of the elementwise unary and binary primitives. Each tangent is the operand's tangent
 * times a factor computed from primals only, so the tangent program stays linear; the factors are
 * written with primitives, which makes them differentiable again for higher orders. Rounding,
 * sign, logical, bitwise and shift primitives have a zero derivative (as in JAX), returned as
 * {@code null}.
 */
final class ElementwiseJvp {
    private ElementwiseJvp() {}

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    static Array unary(Primitive p, Array x, Array out, Array t) {
        return switch (p) {
            case NEG -> neg(t);
            // JAX's choice at 0: the derivative of |x| from the right.
            case ABS -> mul(t, () -> op(SELECT, op(GE, x, full(x, 0)), full(x, 1), full(x, -1)));
            case EXP -> mul(t, out);
            case EXP2 -> mul(t, () -> op(MUL, out, full(x, Math.log(2))));
            case LOG -> div(t, x);
            case LOG1P -> div(t, op(ADD, x, full(x, 1)));
            case EXPM1 -> mul(t, () -> op(ADD, out, full(x, 1)));
            case SQRT -> div(t, op(MUL, out, full(x, 2)));
            case RSQRT -> mul(t, () -> op(MUL, full(x, -0.5), op(DIV, out, x)));
            case CBRT -> div(t, op(MUL, full(x, 3), op(MUL, out, out)));
            case SIN -> mul(t, () -> op(COS, x));
            case COS -> mul(t, () -> op(NEG, op(SIN, x)));
            case TAN -> mul(t, () -> op(ADD, full(x, 1), op(MUL, out, out)));
            case ASIN -> mul(t, () -> op(RSQRT, oneMinusSquare(x)));
            case ACOS -> mul(t, () -> op(NEG, op(RSQRT, oneMinusSquare(x))));
            case ATAN -> div(t, op(ADD, full(x, 1), op(MUL, x, x)));
            case SINH -> mul(t, () -> op(COSH, x));
            case COSH -> mul(t, () -> op(SINH, x));
            case TANH -> mul(t, () -> oneMinusSquare(out));
            case LOGISTIC -> mul(t, () -> op(MUL, out, op(SUB, full(out, 1), out)));
            case ERF -> mul(t, () -> op(MUL, full(x, TWO_OVER_SQRT_PI), op(EXP, op(NEG, op(MUL, x, x)))));
            case SIGN, FLOOR, CEIL, ROUND, NOT, IS_FINITE -> null;
            // a primitive defined by its decomposition alone
            default -> DerivedRules.jvp(p, Params.NONE, List.of(x), Arrays.asList(t));
        };
    }

    static Array binary(Primitive p, Array x, Array y, Array out, Array tx, Array ty) {
        return switch (p) {
            case ADD -> add(tx, ty);
            case SUB -> sub(tx, ty);
            case MUL -> add(mul(tx, y), mul(ty, x));
            case DIV -> sub(div(tx, y), mul(ty, () -> op(DIV, out, y)));
            // x rem y = x - y * trunc(x / y), and trunc is locally constant.
            case REM -> sub(tx, mul(ty, () -> truncate(op(DIV, x, y))));
            case POW -> add(mul(tx, () -> powBase(x, y)), mul(ty, () -> powExponent(x, out)));
            case MAX, MIN -> add(mul(tx, () -> balancedWeight(x, out, y)), mul(ty, () -> balancedWeight(y, out, x)));
            case ATAN2 -> {
                Array norm = op(ADD, op(MUL, x, x), op(MUL, y, y));
                yield add(mul(tx, () -> op(DIV, y, norm)), mul(ty, () -> op(NEG, op(DIV, x, norm))));
            }
            case AND, OR, XOR, SHIFT_LEFT, SHIFT_RIGHT_ARITHMETIC, SHIFT_RIGHT_LOGICAL -> null;
            default -> DerivedRules.jvp(p, Params.NONE, List.of(x, y), Arrays.asList(tx, ty));
        };
    }

    private static Array oneMinusSquare(Array x) {
        return op(SUB, full(x, 1), op(MUL, x, x));
    }

    /** Rounding toward zero (there is no TRUNC primitive): {@code sign(q) * floor(|q|)}. */
    private static Array truncate(Array q) {
        return op(MUL, op(SIGN, q), op(FLOOR, op(ABS, q)));
    }

    /**
     * {@code d(x^y)/dx = y x^(y-1)}, taken as 0 where {@code y == 0} (as JAX does) so that {@code
     * 0^0} does not give {@code 0 * inf}.
     */
    private static Array powBase(Array x, Array y) {
        Array yZero = op(EQ, y, full(y, 0));
        Array safeY = op(SELECT, yZero, full(y, 1), y);
        Array jac = op(MUL, safeY, op(POW, x, op(SUB, y, full(y, 1))));
        return op(SELECT, yZero, full(y, 0), jac);
    }

    /** {@code d(x^y)/dy = log(x) x^y}, with {@code log} of a zero base replaced by 0 (as JAX does). */
    private static Array powExponent(Array x, Array out) {
        Array safeX = op(SELECT, op(EQ, x, full(x, 0)), full(x, 1), x);
        return op(MUL, op(LOG, safeX), out);
    }

    /**
     * The share of the tangent that {@code max}/{@code min} takes from {@code x}: 1 where {@code x}
     * alone attains the result, 1/2 where both operands tie (JAX's {@code _balanced_eq}), else 0.
     */
    private static Array balancedWeight(Array x, Array out, Array other) {
        Array mine = indicator(op(EQ, x, out), out);
        Array tieDivisor = op(ADD, full(out, 1), indicator(op(EQ, other, out), out));
        return op(DIV, mine, tieDivisor);
    }
}
