package dev.kiln.internal.lower;

import static dev.kiln.internal.lower.Emit.abs;
import static dev.kiln.internal.lower.Emit.add;
import static dev.kiln.internal.lower.Emit.convert;
import static dev.kiln.internal.lower.Emit.div;
import static dev.kiln.internal.lower.Emit.eq;
import static dev.kiln.internal.lower.Emit.exp;
import static dev.kiln.internal.lower.Emit.expm1;
import static dev.kiln.internal.lower.Emit.full;
import static dev.kiln.internal.lower.Emit.lt;
import static dev.kiln.internal.lower.Emit.mul;
import static dev.kiln.internal.lower.Emit.ne;
import static dev.kiln.internal.lower.Emit.neg;
import static dev.kiln.internal.lower.Emit.op;
import static dev.kiln.internal.lower.Emit.or;
import static dev.kiln.internal.lower.Emit.select;
import static dev.kiln.internal.lower.Emit.sqrt;
import static dev.kiln.internal.lower.Emit.sub;
import static dev.kiln.internal.lower.Emit.widen;

import dev.kiln.Array;
import dev.kiln.ir.Primitive;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The float functions outside the core, from exp, expm1, log, sqrt, sin, cos, atan2 and pow. Each
 * form avoids the cancellation or overflow of the textbook formula (the comments name the trap), and
 * float32 is computed in float64 where the target backend has it, then rounded once.
 */
final class TranscendentalDecompositions {
    private TranscendentalDecompositions() {}

    /** Below this |x|, sinh and cosh use expm1 and exp of |x|; above, exp(|x|/2) squared (no overflow before the result does). */
    private static final double HYPERBOLIC_SPLIT = 22;

    private static final double SQRT_PI = Math.sqrt(Math.PI);
    /** erf's power series is used below this |x|; erfc's continued fraction from here to {@link #ERF_ONE}. */
    private static final double ERF_SERIES_LIMIT = 3;
    /** erf rounds to ±1 in float64 from here on. */
    private static final double ERF_ONE = 6;

    private static final int ERF_SERIES_TERMS = 45;
    private static final int ERFC_FRACTION_DEPTH = 120;

    static void register(Map<Primitive, Decomposition> table) {
        // pow(2, x) is exact at integers; exp(x ln 2) rounds its argument (tens of ulps near the top)
        table.put(Primitive.EXP2, (p, out, in) -> op(Primitive.POW, full(in[0], 2), in[0]));
        table.put(Primitive.EXP10, (p, out, in) -> op(Primitive.POW, full(in[0], 10), in[0]));
        // 1/sqrt(x): about 1.5 ulp; rsqrt(-0) = -inf comes out right
        table.put(Primitive.RSQRT, (p, out, in) -> div(full(in[0], 1), sqrt(in[0])));
        table.put(Primitive.CBRT, (p, out, in) -> wide(in[0], TranscendentalDecompositions::cbrt));
        table.put(Primitive.TAN, (p, out, in) -> wide(in[0], x -> div(op(Primitive.SIN, x), op(Primitive.COS, x))));
        // the factored (1-x)(1+x) avoids cancellation near |x| = 1
        table.put(
                Primitive.ASIN,
                (p, out, in) -> wide(
                        in[0],
                        x -> mul(
                                full(x, 2),
                                atan2(x, add(full(x, 1), sqrt(mul(sub(full(x, 1), x), add(full(x, 1), x))))))));
        table.put(
                Primitive.ACOS,
                (p, out, in) -> wide(in[0], x -> atan2(sqrt(mul(sub(full(x, 1), x), add(full(x, 1), x))), x)));
        table.put(Primitive.ATAN, (p, out, in) -> wide(in[0], x -> atan2(x, full(x, 1))));
        table.put(Primitive.SINH, (p, out, in) -> wide(in[0], TranscendentalDecompositions::sinh));
        table.put(Primitive.COSH, (p, out, in) -> wide(in[0], TranscendentalDecompositions::cosh));
        table.put(Primitive.TANH, (p, out, in) -> wide(in[0], TranscendentalDecompositions::tanh));
        table.put(Primitive.LOGISTIC, (p, out, in) -> wide(in[0], TranscendentalDecompositions::logistic));
        table.put(Primitive.ERF, (p, out, in) -> wide(in[0], TranscendentalDecompositions::erf));
    }

    /** {@code f} applied to x widened to float64 where possible, rounded back to x's dtype. */
    private static Array wide(Array x, UnaryOperator<Array> f) {
        return convert(f.apply(widen(x)), x.dtype());
    }

    private static Array atan2(Array y, Array x) {
        return op(Primitive.ATAN2, y, x);
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
        Array y = op(Primitive.POW, a, full(x, 1.0 / 3));
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
