package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Emit.add;
import static dev.kiln.internal.rules.Emit.and;
import static dev.kiln.internal.rules.Emit.div;
import static dev.kiln.internal.rules.Emit.eq;
import static dev.kiln.internal.rules.Emit.floor;
import static dev.kiln.internal.rules.Emit.full;
import static dev.kiln.internal.rules.Emit.lt;
import static dev.kiln.internal.rules.Emit.max;
import static dev.kiln.internal.rules.Emit.mul;
import static dev.kiln.internal.rules.Emit.neg;
import static dev.kiln.internal.rules.Emit.not;
import static dev.kiln.internal.rules.Emit.op;
import static dev.kiln.internal.rules.Emit.or;
import static dev.kiln.internal.rules.Emit.select;
import static dev.kiln.internal.rules.Emit.sub;
import static dev.kiln.internal.rules.Emit.xor;
import static dev.kiln.ir.Primitive.*;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.List;

/**
 * The binary elementwise primitives, select and the comparisons, one block each: the derivative in both
 * operands and, outside the core, the exact decomposition into core primitives. Comparisons have a
 * bool result and so no tangent (JvpRules returns a zero for them).
 */
final class BinaryDefinitions {
    private BinaryDefinitions() {}

    static void define(Definitions.Table d) {
        d.define(ADD)
                .jvp((x, y, out, tx, ty) -> Tangents.add(tx, ty))
                .transpose((p, ct, x, linear, specs) -> Arrays.asList(linear[0] ? ct : null, linear[1] ? ct : null));
        // IEEE defines x - y as x + (-y)
        d.define(SUB)
                .jvp((x, y, out, tx, ty) -> Tangents.sub(tx, ty))
                .transpose((p, ct, x, linear, specs) ->
                        Arrays.asList(linear[0] ? ct : null, linear[1] ? Tangents.neg(ct) : null))
                .decompose((p, out, in) -> add(in[0], neg(in[1])));
        d.define(MUL)
                .jvp((x, y, out, tx, ty) -> Tangents.add(Tangents.mul(tx, y), Tangents.mul(ty, x)))
                .transpose((p, ct, x, linear, specs) -> {
                    TransposeRules.requireOneLinear(MUL, linear);
                    return linear[0] ? Arrays.asList(mul(ct, x.get(1)), null) : Arrays.asList(null, mul(x.get(0), ct));
                });
        d.define(DIV)
                .jvp((x, y, out, tx, ty) -> Tangents.sub(Tangents.div(tx, y), Tangents.mul(ty, () -> div(out, y))))
                .transpose((p, ct, x, linear, specs) -> {
                    if (linear[1]) {
                        throw TransposeRules.notLinear(DIV, "its divisor");
                    }
                    return Arrays.asList(div(ct, x.get(1)), null);
                });
        // x rem y = x - y * trunc(x / y), and trunc is locally constant.
        d.define(REM).jvp((x, y, out, tx, ty) -> Tangents.sub(tx, Tangents.mul(ty, () -> truncate(div(x, y)))));
        d.define(POW)
                .jvp((x, y, out, tx, ty) -> Tangents.add(
                        Tangents.mul(tx, () -> powBase(x, y)), Tangents.mul(ty, () -> powExponent(x, out))));
        d.define(MAX).jvp(BinaryDefinitions::extremeTangent);
        // -max(-x, -y) for floats keeps NaN and min(-0, +0) = -0; ~max(~x, ~y) reverses integer order
        d.define(MIN)
                .jvp(BinaryDefinitions::extremeTangent)
                .decompose((p, out, in) -> in[0].dtype().isFloating()
                        ? neg(max(neg(in[0]), neg(in[1])))
                        : not(max(not(in[0]), not(in[1]))));
        d.define(ATAN2).jvp((x, y, out, tx, ty) -> {
            Array norm = add(mul(x, x), mul(y, y));
            return Tangents.add(Tangents.mul(tx, () -> div(y, norm)), Tangents.mul(ty, () -> neg(div(x, norm))));
        });

        // JAX defines no derivative: differentiating through it is an error there and here
        d.define(NEXTAFTER)
                .jvp((x, y, out, tx, ty) -> {
                    throw new KilnException("nextafter: not differentiable (JAX defines no derivative for"
                            + " nextafter); apply Kiln.stopGradient to its operands where no derivative is wanted");
                })
                .decompose((p, out, in) -> NextAfter.decompose(in[0], in[1]));

        d.define(AND).zeroDerivative();
        d.define(OR).zeroDerivative().decompose((p, out, in) -> xor(xor(in[0], in[1]), and(in[0], in[1])));
        d.define(XOR).zeroDerivative();
        d.define(SHIFT_LEFT).zeroDerivative();
        d.define(SHIFT_RIGHT_LOGICAL).zeroDerivative();
        d.define(SHIFT_RIGHT_ARITHMETIC).zeroDerivative().decompose((p, out, in) -> shiftRightArithmetic(in[0], in[1]));

        // linear in both branches; the predicate is boolean and carries no tangent
        d.define(SELECT).naryJvp(BinaryDefinitions::selectTangent).transpose((p, ct, x, linear, specs) -> {
            if (linear[0]) {
                throw TransposeRules.notLinear(SELECT, "its predicate");
            }
            Array zero = Tangents.zeros(specs.get(1));
            return Arrays.asList(
                    null, linear[1] ? select(x.get(0), ct, zero) : null, linear[2] ? select(x.get(0), zero, ct) : null);
        });

        // NOT(GT) would be true for NaN; these keep comparisons with NaN false (NE true)
        d.define(EQ);
        d.define(LT);
        d.define(NE).decompose((p, out, in) -> not(eq(in[0], in[1])));
        d.define(GT).decompose((p, out, in) -> lt(in[1], in[0]));
        d.define(LE).decompose((p, out, in) -> or(lt(in[0], in[1]), eq(in[0], in[1])));
        d.define(GE).decompose((p, out, in) -> or(lt(in[1], in[0]), eq(in[0], in[1])));
    }

    private static Array selectTangent(Primitive p, Params params, List<Array> x, List<Array> t) {
        if (t.get(1) == null && t.get(2) == null) {
            return null;
        }
        return select(
                x.get(0),
                Tangents.orZeros(t.get(1), x.get(1).spec()),
                Tangents.orZeros(t.get(2), x.get(2).spec()));
    }

    /** max and min pass each operand's tangent where it alone attains the result, half of each on ties. */
    private static Array extremeTangent(Array x, Array y, Array out, Array tx, Array ty) {
        return Tangents.add(
                Tangents.mul(tx, () -> balancedWeight(x, out, y)), Tangents.mul(ty, () -> balancedWeight(y, out, x)));
    }

    /** Rounding toward zero (there is no TRUNC primitive): {@code sign(q) * floor(|q|)}. */
    private static Array truncate(Array q) {
        return mul(op(SIGN, q), floor(op(ABS, q)));
    }

    /**
     * {@code d(x^y)/dx = y x^(y-1)}. For integer exponents it is taken as 0 where {@code y == 0}
     * (as JAX does), so that {@code 0^0} does not give {@code 0 * inf}. A floating exponent keeps
     * the plain formula wherever the base is nonzero: a select on {@code y == 0} alone would make
     * this factor constant in {@code y} there and lose the mixed second derivative {@code
     * d/dy d/dx x^y = 1/x} at {@code y = 0} (JAX issue 12033). Only at the single point {@code x ==
     * 0, y == 0}, where the formula is {@code 0 * inf}, is it taken as 0 (the value JAX gives for an
     * integer exponent, which is what {@code Np.power(x, 0)} writes; JAX's floating rule gives NaN
     * there).
     */
    private static Array powBase(Array x, Array y) {
        if (!y.dtype().isFloating()) {
            Array yZero = eq(y, full(y, 0));
            Array safeY = select(yZero, full(y, 1), y);
            Array jac = mul(safeY, op(POW, x, sub(y, full(y, 1))));
            return select(yZero, full(y, 0), jac);
        }
        Array jac = mul(y, op(POW, x, sub(y, full(y, 1))));
        Array both = and(eq(x, full(x, 0)), eq(y, full(y, 0)));
        return select(both, full(y, 0), jac);
    }

    /** {@code d(x^y)/dy = log(x) x^y}, with {@code log} of a zero base replaced by 0 (as JAX does). */
    private static Array powExponent(Array x, Array out) {
        Array safeX = select(eq(x, full(x, 0)), full(x, 1), x);
        return mul(op(LOG, safeX), out);
    }

    /**
     * The share of the tangent that {@code max}/{@code min} takes from {@code x}: 1 where {@code x}
     * alone attains the result, 1/2 where both operands tie (JAX's {@code _balanced_eq}), else 0.
     */
    private static Array balancedWeight(Array x, Array out, Array other) {
        Array mine = Tangents.indicator(eq(x, out), out);
        Array tieDivisor = add(full(out, 1), Tangents.indicator(eq(other, out), out));
        return div(mine, tieDivisor);
    }

    /**
     * m = -(x >>> (w-1)) is 0 or all ones; ((x ^ m) >>> n) ^ m shifts in copies of the sign bit, and
     * a shift by w or more gives m, the sign fill.
     */
    private static Array shiftRightArithmetic(Array x, Array n) {
        if (x.dtype().isBool()) {
            return x;
        }
        int width = x.dtype().byteSize() * 8;
        Array m = UnaryDefinitions.negate(op(SHIFT_RIGHT_LOGICAL, x, full(x, width - 1)));
        return xor(op(SHIFT_RIGHT_LOGICAL, xor(x, m), n), m);
    }
}
