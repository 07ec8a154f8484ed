package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Emit.abs;
import static dev.kiln.internal.rules.Emit.add;
import static dev.kiln.internal.rules.Emit.allOnes;
import static dev.kiln.internal.rules.Emit.and;
import static dev.kiln.internal.rules.Emit.convert;
import static dev.kiln.internal.rules.Emit.div;
import static dev.kiln.internal.rules.Emit.eq;
import static dev.kiln.internal.rules.Emit.exp;
import static dev.kiln.internal.rules.Emit.expm1;
import static dev.kiln.internal.rules.Emit.floor;
import static dev.kiln.internal.rules.Emit.full;
import static dev.kiln.internal.rules.Emit.ge;
import static dev.kiln.internal.rules.Emit.gt;
import static dev.kiln.internal.rules.Emit.lt;
import static dev.kiln.internal.rules.Emit.max;
import static dev.kiln.internal.rules.Emit.mul;
import static dev.kiln.internal.rules.Emit.ne;
import static dev.kiln.internal.rules.Emit.neg;
import static dev.kiln.internal.rules.Emit.op;
import static dev.kiln.internal.rules.Emit.or;
import static dev.kiln.internal.rules.Emit.select;
import static dev.kiln.internal.rules.Emit.sqrt;
import static dev.kiln.internal.rules.Emit.sub;
import static dev.kiln.internal.rules.Emit.widen;
import static dev.kiln.internal.rules.Emit.xor;
import static dev.kiln.ir.Primitive.*;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The unary elementwise primitives, one block each: the derivative (the tangent {@code t} times a
 * factor computed from primals, so the tangent program stays linear and differentiable again) and,
 * outside the core, the decomposition into core primitives. Decompositions give the reference's
 * bits where the rewrite is exact (signed zeros, NaN, integer wrap-around); the float functions
 * avoid the cancellation or overflow of the textbook formula (the comments name the trap) and
 * compute float32 in float64 where the target backend has it, rounding once.
 */
final class UnaryDefinitions {
    private UnaryDefinitions() {}

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    /** Below this |x|, sinh and cosh use expm1 and exp of |x|; above, exp(|x|/2) squared (no overflow before the result does). */
    private static final double HYPERBOLIC_SPLIT = 22;
    /** erf's power series is used below this |x|; erfc's continued fraction from here to {@link #ERF_ONE}. */
    private static final double ERF_SERIES_LIMIT = 3;
    /** erf rounds to ±1 in float64 from here on. */
    private static final double ERF_ONE = 6;

    private static final int ERF_SERIES_TERMS = 45;
    private static final int ERFC_FRACTION_DEPTH = 120;

    static void define(Definitions.Table d) {
        // x * -1 keeps -0 and NaN; integers wrap as negation does (unsigned: times all ones)
        d.define(NEG)
                .jvp((x, y, t) -> Tangents.neg(t))
                .transpose((p, ct, x, linear, specs) -> List.of(Tangents.neg(ct)))
                .decompose((p, out, in) -> negate(in[0]));
        // JAX's choice at 0: the derivative of |x| from the right.
        // max(x, -x): +0 for ±0 (max pins max(-0, +0) = +0), INT_MIN stays INT_MIN
        d.define(ABS)
                .jvp((x, y, t) -> Tangents.mul(t, () -> select(ge(x, full(x, 0)), full(x, 1), full(x, -1))))
                .decompose((p, out, in) -> isSignedOrFloat(in[0]) ? max(in[0], neg(in[0])) : in[0]);
        d.define(SIGN).zeroDerivative().decompose((p, out, in) -> sign(in[0]));

        d.define(EXP).jvp((x, y, t) -> Tangents.mul(t, y));
        // pow(2, x) is exact at integers; exp(x ln 2) rounds its argument (tens of ulps near the top)
        d.define(EXP2)
                .jvp((x, y, t) -> Tangents.mul(t, () -> mul(y, full(x, Math.log(2)))))
                .decompose((p, out, in) -> op(POW, full(in[0], 2), in[0]));
        // defined by its decomposition alone: the derivative is the decomposition's (10^x ln 10)
        d.define(EXP10).decompose((p, out, in) -> op(POW, full(in[0], 10), in[0]));
        d.define(LOG).jvp((x, y, t) -> Tangents.div(t, x));
        d.define(LOG1P).jvp((x, y, t) -> Tangents.div(t, add(x, full(x, 1))));
        d.define(EXPM1).jvp((x, y, t) -> Tangents.mul(t, () -> add(y, full(x, 1))));
        d.define(SQRT).jvp((x, y, t) -> Tangents.div(t, mul(y, full(x, 2))));
        // 1/sqrt(x): about 1.5 ulp; rsqrt(-0) = -inf comes out right
        d.define(RSQRT)
                .jvp((x, y, t) -> Tangents.mul(t, () -> mul(full(x, -0.5), div(y, x))))
                .decompose((p, out, in) -> div(full(in[0], 1), sqrt(in[0])));
        d.define(CBRT)
                .jvp((x, y, t) -> Tangents.div(t, mul(full(x, 3), mul(y, y))))
                .decompose((p, out, in) -> wide(in[0], UnaryDefinitions::cbrt));

        d.define(SIN).jvp((x, y, t) -> Tangents.mul(t, () -> op(COS, x)));
        d.define(COS).jvp((x, y, t) -> Tangents.mul(t, () -> neg(op(SIN, x))));
        d.define(TAN)
                .jvp((x, y, t) -> Tangents.mul(t, () -> add(full(x, 1), mul(y, y))))
                .decompose((p, out, in) -> wide(in[0], x -> div(op(SIN, x), op(COS, x))));
        // the factored (1-x)(1+x) avoids cancellation near |x| = 1
        d.define(ASIN)
                .jvp((x, y, t) -> Tangents.mul(t, () -> op(RSQRT, oneMinusSquare(x))))
                .decompose((p, out, in) ->
                        wide(in[0], x -> mul(full(x, 2), atan2(x, add(full(x, 1), sqrt(oneMinusSquareFactored(x)))))));
        d.define(ACOS)
                .jvp((x, y, t) -> Tangents.mul(t, () -> neg(op(RSQRT, oneMinusSquare(x)))))
                .decompose((p, out, in) -> wide(in[0], x -> atan2(sqrt(oneMinusSquareFactored(x)), x)));
        d.define(ATAN)
                .jvp((x, y, t) -> Tangents.div(t, add(full(x, 1), mul(x, x))))
                .decompose((p, out, in) -> wide(in[0], x -> atan2(x, full(x, 1))));

        d.define(SINH)
                .jvp((x, y, t) -> Tangents.mul(t, () -> op(COSH, x)))
                .decompose((p, out, in) -> wide(in[0], UnaryDefinitions::sinh));
        d.define(COSH)
                .jvp((x, y, t) -> Tangents.mul(t, () -> op(SINH, x)))
                .decompose((p, out, in) -> wide(in[0], UnaryDefinitions::cosh));
        d.define(TANH)
                .jvp((x, y, t) -> Tangents.mul(t, () -> oneMinusSquare(y)))
                .decompose((p, out, in) -> wide(in[0], UnaryDefinitions::tanh));
        d.define(LOGISTIC)
                .jvp((x, y, t) -> Tangents.mul(t, () -> mul(y, sub(full(y, 1), y))))
                .decompose((p, out, in) -> wide(in[0], UnaryDefinitions::logistic));
        d.define(ERF)
                .jvp((x, y, t) -> Tangents.mul(t, () -> mul(full(x, TWO_OVER_SQRT_PI), exp(neg(mul(x, x))))))
                .decompose((p, out, in) -> wide(in[0], UnaryDefinitions::erf));

        // linear in its operand between float types; integer results carry no tangent
        d.define(CONVERT)
                .jvp((p, x, y, t) ->
                        x.dtype().isFloating() && y.dtype().isFloating() ? Tangents.linear(CONVERT, p, t) : null)
                .transpose((p, ct, x, linear, specs) ->
                        List.of(Lax.convert(ct, specs.get(0).dtype())));

        d.define(FLOOR).zeroDerivative();
        // -floor(-x): exact, and ceil(-0.5) = -0
        d.define(CEIL)
                .zeroDerivative()
                .decompose((p, out, in) -> in[0].dtype().isFloating() ? neg(floor(neg(in[0]))) : in[0]);
        d.define(ROUND)
                .zeroDerivative()
                .decompose((p, out, in) -> in[0].dtype().isFloating() ? roundHalfEven(in[0]) : in[0]);
        d.define(NOT).zeroDerivative().decompose((p, out, in) -> xor(in[0], allOnes(in[0])));
        // x - x is NaN exactly for NaN and ±inf
        d.define(IS_FINITE)
                .zeroDerivative()
                .decompose((p, out, in) -> in[0].dtype().isFloating()
                        ? eq(sub(in[0], in[0]), full(in[0], 0))
                        : full(DType.BOOL, 1, in[0].shape()));
    }

    private static Array oneMinusSquare(Array x) {
        return sub(full(x, 1), mul(x, x));
    }

    private static Array oneMinusSquareFactored(Array x) {
        return mul(sub(full(x, 1), x), add(full(x, 1), x));
    }

    private static boolean isSignedOrFloat(Array x) {
        return x.dtype().isFloating() || x.dtype().kind() == DType.Kind.SIGNED;
    }

    static Array negate(Array x) {
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
        Array odd = eq(sub(f, mul(two, floor(div(f, two)))), full(x, 1));
        Array up = or(gt(d, half), and(eq(d, half), odd));
        Array r = add(f, select(up, full(x, 1), full(x, 0)));
        r = select(eq(r, full(x, 0)), mul(x, full(x, 0)), r);
        return select(eq(f, x), x, r);
    }

    /** {@code f} applied to x widened to float64 where possible, rounded back to x's dtype. */
    private static Array wide(Array x, UnaryOperator<Array> f) {
        return convert(f.apply(widen(x)), x.dtype());
    }

    private static Array atan2(Array y, Array x) {
        return op(ATAN2, y, x);
    }

    /** An odd function from its value r on |x|: ±0 and NaN pass through unchanged. */
    private static Array odd(Array x, Array r) {
        return select(or(eq(x, full(x, 0)), ne(x, x)), x, select(lt(x, full(x, 0)), neg(r), r));
    }

    /**
     * pow(|x|, 1/3) is off by up to ~100 ulp (1/3 is inexact); one Newton step y -= (y - |x|/y²)/3,
     * written so it cannot overflow, brings it to about 1 ulp. 0, inf and NaN pass through.
     */
    private static Array cbrt(Array x) {
        Array a = abs(x);
        Array y = op(POW, a, full(x, 1.0 / 3));
        y = sub(y, div(sub(y, div(div(a, y), y)), full(x, 3)));
        Array special = or(or(eq(a, full(x, 0)), eq(a, full(x, Double.POSITIVE_INFINITY))), ne(x, x));
        return select(special, x, select(lt(x, full(x, 0)), neg(y), y));
    }

    /** Small |x|: ½(E + E/(E+1)) with E = expm1|x| (no cancellation near 0); large: (w/2)·w, w = e^{|x|/2}. */
    private static Array sinh(Array x) {
        Array a = abs(x);
        Array e = expm1(a);
        Array small = mul(full(x, 0.5), add(e, div(e, add(e, full(x, 1)))));
        return odd(x, select(lt(a, full(x, HYPERBOLIC_SPLIT)), small, large(a)));
    }

    private static Array cosh(Array x) {
        Array a = abs(x);
        Array e = exp(a);
        Array small = mul(full(x, 0.5), add(e, div(full(x, 1), e)));
        return select(lt(a, full(x, HYPERBOLIC_SPLIT)), small, large(a));
    }

    /** e^{|x|}/2 as (w/2)·w with w = e^{|x|/2}, finite wherever the result is. */
    private static Array large(Array a) {
        Array w = exp(mul(a, full(a, 0.5)));
        return mul(mul(w, full(a, 0.5)), w);
    }

    /** t = expm1(-2|x|), tanh|x| = -t/(2+t): no cancellation near 0 (2σ(2x) - 1 loses everything there). */
    private static Array tanh(Array x) {
        Array t = expm1(mul(abs(x), full(x, -2)));
        return odd(x, div(neg(t), add(full(x, 2), t)));
    }

    /** e = exp(-|x|), r = 1/(1+e), e·r for x < 0: never overflows, keeps tiny results for very negative x. */
    private static Array logistic(Array x) {
        Array e = exp(neg(abs(x)));
        Array r = div(full(x, 1), add(full(x, 1), e));
        return select(lt(x, full(x, 0)), mul(e, r), r);
    }

    /**
     * erf(a) = (2/√π)·a·e^{-a²}·Σ (2a²)^n / (1·3·…·(2n+1)) below 3: every term is positive, so nothing
     * cancels (the alternating Taylor series loses three digits by a = 3); the sum is evaluated by
     * Horner's rule. From 3 to 6, 1 - erfc(a) with erfc from its continued fraction
     * a + (1/2)/(a + (2/2)/(a + …)). From 6 on, 1.
     */
    private static Array erf(Array x) {
        Array a = abs(x);
        Array gauss = exp(neg(mul(a, a)));
        Array q = mul(full(x, 2), mul(a, a));
        Array s = full(x, 1);
        for (int n = ERF_SERIES_TERMS; n >= 1; n--) {
            s = add(full(x, 1), mul(div(q, full(x, 2 * n + 1)), s));
        }
        Array series = mul(mul(full(x, 2 / SQRT_PI), a), mul(gauss, s));
        Array f = a;
        for (int k = ERFC_FRACTION_DEPTH; k >= 1; k--) {
            f = add(a, div(full(x, k * 0.5), f));
        }
        Array tail = sub(full(x, 1), div(gauss, mul(full(x, SQRT_PI), f)));
        Array r = select(lt(a, full(x, ERF_SERIES_LIMIT)), series, select(lt(a, full(x, ERF_ONE)), tail, full(x, 1)));
        return odd(x, r);
    }
}
