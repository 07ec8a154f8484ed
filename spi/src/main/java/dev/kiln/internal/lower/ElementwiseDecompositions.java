package dev.kiln.internal.lower;

import static dev.kiln.internal.lower.Emit.add;
import static dev.kiln.internal.lower.Emit.allOnes;
import static dev.kiln.internal.lower.Emit.and;
import static dev.kiln.internal.lower.Emit.eq;
import static dev.kiln.internal.lower.Emit.floor;
import static dev.kiln.internal.lower.Emit.full;
import static dev.kiln.internal.lower.Emit.gt;
import static dev.kiln.internal.lower.Emit.lt;
import static dev.kiln.internal.lower.Emit.max;
import static dev.kiln.internal.lower.Emit.mul;
import static dev.kiln.internal.lower.Emit.ne;
import static dev.kiln.internal.lower.Emit.neg;
import static dev.kiln.internal.lower.Emit.not;
import static dev.kiln.internal.lower.Emit.op;
import static dev.kiln.internal.lower.Emit.or;
import static dev.kiln.internal.lower.Emit.select;
import static dev.kiln.internal.lower.Emit.sub;
import static dev.kiln.internal.lower.Emit.xor;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.ir.Primitive;
import java.util.Map;

/**
 * Exact rewrites of the cheap elementwise primitives into the core: each gives the reference
 * backend's bits, including NaN, signed zeros and integer wrap-around.
 */
final class ElementwiseDecompositions {
    private ElementwiseDecompositions() {}

    static void register(Map<Primitive, Decomposition> table) {
        // x * -1 keeps -0 and NaN; integers wrap as negation does (unsigned: times all ones)
        table.put(Primitive.NEG, (p, out, in) -> negate(in[0]));
        // max(x, -x): +0 for ±0 (max pins max(-0, +0) = +0), INT_MIN stays INT_MIN
        table.put(Primitive.ABS, (p, out, in) -> isSignedOrFloat(in[0]) ? max(in[0], neg(in[0])) : in[0]);
        table.put(Primitive.SIGN, (p, out, in) -> sign(in[0]));
        // -floor(-x): exact, and ceil(-0.5) = -0
        table.put(Primitive.CEIL, (p, out, in) -> in[0].dtype().isFloating() ? neg(floor(neg(in[0]))) : in[0]);
        table.put(Primitive.ROUND, (p, out, in) -> in[0].dtype().isFloating() ? roundHalfEven(in[0]) : in[0]);
        table.put(Primitive.NOT, (p, out, in) -> xor(in[0], allOnes(in[0])));
        // x - x is NaN exactly for NaN and ±inf
        table.put(
                Primitive.IS_FINITE,
                (p, out, in) -> in[0].dtype().isFloating()
                        ? eq(sub(in[0], in[0]), full(in[0], 0))
                        : full(DType.BOOL, 1, in[0].shape()));

        // IEEE defines x - y as x + (-y)
        table.put(Primitive.SUB, (p, out, in) -> add(in[0], neg(in[1])));
        table.put(
                Primitive.MIN,
                (p, out, in) -> in[0].dtype().isFloating()
                        ? neg(max(neg(in[0]), neg(in[1])))
                        : not(max(not(in[0]), not(in[1]))));
        table.put(Primitive.OR, (p, out, in) -> xor(xor(in[0], in[1]), and(in[0], in[1])));
        table.put(Primitive.SHIFT_RIGHT_ARITHMETIC, (p, out, in) -> shiftRightArithmetic(in[0], in[1]));

        // NOT(GT) would be true for NaN; these keep comparisons with NaN false (NE true)
        table.put(Primitive.NE, (p, out, in) -> not(eq(in[0], in[1])));
        table.put(Primitive.GT, (p, out, in) -> lt(in[1], in[0]));
        table.put(Primitive.LE, (p, out, in) -> or(lt(in[0], in[1]), eq(in[0], in[1])));
        table.put(Primitive.GE, (p, out, in) -> or(lt(in[1], in[0]), eq(in[0], in[1])));
    }

    private static boolean isSignedOrFloat(Array x) {
        return x.dtype().isFloating() || x.dtype().kind() == DType.Kind.SIGNED;
    }

    private static Array negate(Array x) {
        if (x.dtype().isBool()) {
            return x;
        }
        return mul(x, x.dtype().kind() == DType.Kind.UNSIGNED ? allOnes(x) : full(x, -1));
    }

    /** Floats keep ±0 and NaN; unsigned integers are 0 or 1. */
    private static Array sign(Array x) {
        return switch (x.dtype().kind()) {
            case BOOL -> x;
            case UNSIGNED -> select(eq(x, full(x, 0)), full(x, 0), full(x, 1));
            case SIGNED -> select(gt(x, full(x, 0)), full(x, 1), select(lt(x, full(x, 0)), full(x, -1), full(x, 0)));
            case FLOAT -> select(gt(x, full(x, 0)), full(x, 1), select(lt(x, full(x, 0)), full(x, -1), x));
        };
    }

    /**
     * Half to even from floor: f = floor(x), d = x - f (exact), up when d > 1/2 or d = 1/2 and f is
     * odd. Integers, ±inf and ±0 pass through; a zero result takes x's sign, as rint does.
     */
    private static Array roundHalfEven(Array x) {
        Array f = floor(x);
        Array d = sub(x, f);
        Array half = full(x, 0.5);
        Array two = full(x, 2);
        Array odd = eq(sub(f, mul(two, floor(Emit.div(f, two)))), full(x, 1));
        Array up = or(gt(d, half), and(eq(d, half), odd));
        Array r = add(f, select(up, full(x, 1), full(x, 0)));
        r = select(eq(r, full(x, 0)), mul(x, full(x, 0)), r);
        return select(eq(f, x), x, r);
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
        Array m = negate(op(Primitive.SHIFT_RIGHT_LOGICAL, x, full(x, width - 1)));
        return xor(op(Primitive.SHIFT_RIGHT_LOGICAL, xor(x, m), n), m);
    }

    static Array nan(Array like) {
        return full(like, Double.NaN);
    }

    static Array isNan(Array x) {
        return ne(x, x);
    }
}
