package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Np;
import dev.kiln.conformance.families.Gen.Domain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The elementwise op table: for each {@code Np} function, the dtypes it accepts, where random
 * inputs come from, and an independent Java oracle with JAX's semantics (computed in double and
 * rounded once to the result dtype, or in exact integer arithmetic wrapped to the dtype's width).
 * Adding an elementwise op to Kiln means adding one row here.
 */
final class Ops {
    private Ops() {}

    /** A float oracle: the exact (double) result for operands already rounded to the compute dtype. */
    @FunctionalInterface
    interface Real {
        double apply(DType t, double a, double b);
    }

    /** An integer oracle on exact values (uint32 as unsigned, bool as 0/1); the result is wrapped afterwards. */
    @FunctionalInterface
    interface Int {
        long apply(DType t, long a, long b);
    }

    /**
     * One elementwise function. {@code compute} maps an input dtype to the dtype the work happens
     * in (int32 to float32 for {@code exp}), {@code result} to the output dtype (bool for
     * comparisons). Either oracle may be null where the op has none for that kind of dtype.
     */
    /**
     * <p>{@code gradAt}, where not null, also makes the op a function of the derivative families
     * ({@link Differentiable}), with inputs drawn from that sampler; its JAX twin goes in {@code
     * DIFFERENTIABLE} of {@code make_goldens.py} under the same name. Ops whose derivative rows need
     * more than one operand shape or a variant keep their rows in {@link Differentiable}.
     */
    record Op(
            String name,
            int arity,
            List<DType> dtypes,
            Domain first,
            Domain second,
            Function<Object[], Array> np,
            Real real,
            Int integer,
            UnaryOperator<DType> compute,
            UnaryOperator<DType> result,
            Differentiable.Sampler gradAt) {

        Array apply(Object... operands) {
            return np.apply(operands);
        }
    }

    static final List<DType> FLOAT = List.of(DType.FLOAT32, DType.FLOAT64);
    static final List<DType> FLOAT_INT = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32);
    static final List<DType> SIGNED = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64);
    static final List<DType> NUMERIC = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT32);
    static final List<DType> ALL =
            List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT32, DType.BOOL);
    static final List<DType> INTEGER_BOOL = List.of(DType.INT32, DType.INT64, DType.UINT32, DType.BOOL);
    static final List<DType> INTEGER = List.of(DType.INT32, DType.INT64, DType.UINT32);
    static final List<DType> BOOL = List.of(DType.BOOL);

    private static final UnaryOperator<DType> SAME = t -> t;
    private static final UnaryOperator<DType> TO_FLOAT = t -> t.isFloating() ? t : DType.FLOAT32;
    private static final UnaryOperator<DType> TO_BOOL = t -> DType.BOOL;

    private static final Map<String, Op> TABLE = new LinkedHashMap<>();

    static {
        // ------------------------------------------------------------ unary
        unary("negative", SIGNED, Domain.uniform(-100, 100), x -> Np.negative(x), (t, a, b) -> -a, (t, a, b) -> -a);
        unary("positive", SIGNED, Domain.uniform(-100, 100), x -> Np.positive(x), (t, a, b) -> a, (t, a, b) -> a);
        unary(
                "abs",
                SIGNED,
                Domain.uniform(-100, 100),
                x -> Np.abs(x),
                (t, a, b) -> Math.abs(a),
                (t, a, b) -> Math.abs(a));
        unary(
                "sign",
                SIGNED,
                Domain.uniform(-3, 3),
                x -> Np.sign(x),
                (t, a, b) -> Math.signum(a),
                (t, a, b) -> Long.signum(a));
        floatFn("exp", FLOAT_INT, Gen.EXP, x -> Np.exp(x), (t, a, b) -> Math.exp(a));
        floatFn("exp2", FLOAT, Gen.EXP, x -> Np.exp2(x), (t, a, b) -> Math.pow(2, a));
        floatFn("exp10", FLOAT, Gen.EXP, x -> Np.exp10(x), (t, a, b) -> Math.pow(10, a), Differentiable.uniform(-2, 2));
        floatFn("log", FLOAT_INT, Gen.POSITIVE, x -> Np.log(x), (t, a, b) -> Math.log(a));
        floatFn("log2", FLOAT, Gen.POSITIVE, x -> Np.log2(x), (t, a, b) -> log2(a));
        floatFn("log10", FLOAT, Gen.POSITIVE, x -> Np.log10(x), (t, a, b) -> Math.log10(a));
        floatFn("log1p", FLOAT, Domain.uniform(-0.99, 100), x -> Np.log1p(x), (t, a, b) -> Math.log1p(a));
        floatFn("expm1", FLOAT, Domain.uniform(-20, 20), x -> Np.expm1(x), (t, a, b) -> Math.expm1(a));
        floatFn("sqrt", FLOAT_INT, Gen.POSITIVE, x -> Np.sqrt(x), (t, a, b) -> Math.sqrt(a));
        floatFn("rsqrt", FLOAT, Gen.POSITIVE, x -> Np.rsqrt(x), (t, a, b) -> 1 / Math.sqrt(a));
        floatFn("cbrt", FLOAT, Gen.ANY, x -> Np.cbrt(x), (t, a, b) -> Math.cbrt(a));
        unary(
                "square",
                FLOAT_INT,
                Domain.uniform(-1000, 1000),
                x -> Np.square(x),
                (t, a, b) -> a * a,
                (t, a, b) -> a * a);
        floatFn("reciprocal", FLOAT, Gen.ANY, x -> Np.reciprocal(x), (t, a, b) -> 1 / a);
        floatFn("sin", FLOAT_INT, Gen.SMALL, x -> Np.sin(x), (t, a, b) -> Math.sin(a));
        floatFn("cos", FLOAT, Gen.SMALL, x -> Np.cos(x), (t, a, b) -> Math.cos(a));
        floatFn("tan", FLOAT, Domain.uniform(-1.5, 1.5), x -> Np.tan(x), (t, a, b) -> Math.tan(a));
        floatFn("arcsin", FLOAT, Gen.UNIT, x -> Np.arcsin(x), (t, a, b) -> Math.asin(a));
        floatFn("arccos", FLOAT, Gen.UNIT, x -> Np.arccos(x), (t, a, b) -> Math.acos(a));
        floatFn("arctan", FLOAT, Gen.ANY, x -> Np.arctan(x), (t, a, b) -> Math.atan(a));
        floatFn("sinh", FLOAT, Gen.SMALL, x -> Np.sinh(x), (t, a, b) -> Math.sinh(a));
        floatFn("cosh", FLOAT, Gen.SMALL, x -> Np.cosh(x), (t, a, b) -> Math.cosh(a));
        floatFn("tanh", FLOAT, Gen.SMALL, x -> Np.tanh(x), (t, a, b) -> Math.tanh(a));
        floatFn("sigmoid", FLOAT, Domain.uniform(-40, 40), x -> Np.sigmoid(x), (t, a, b) -> 1 / (1 + Math.exp(-a)));
        floatFn("erf", FLOAT, Domain.uniform(-4, 4), x -> Np.erf(x), (t, a, b) -> erf(a));
        unary("floor", FLOAT, Gen.SMALL, x -> Np.floor(x), (t, a, b) -> Math.floor(a), null);
        unary("ceil", FLOAT, Gen.SMALL, x -> Np.ceil(x), (t, a, b) -> Math.ceil(a), null);
        unary("round", FLOAT, Gen.SMALL, x -> Np.round(x), (t, a, b) -> Math.rint(a), null);
        predicate("isnan", x -> Np.isnan(x), (t, a, b) -> Double.isNaN(a) ? 1 : 0);
        predicate("isinf", x -> Np.isinf(x), (t, a, b) -> Double.isInfinite(a) ? 1 : 0);
        predicate("isfinite", x -> Np.isfinite(x), (t, a, b) -> Double.isFinite(a) ? 1 : 0);
        unary("logicalNot", BOOL, Gen.INTS, x -> Np.logicalNot(x), null, (t, a, b) -> a == 0 ? 1 : 0);
        unary(
                "bitwiseNot",
                INTEGER_BOOL,
                Gen.INTS,
                x -> Np.bitwiseNot(x),
                null,
                (t, a, b) -> t == DType.BOOL ? (a == 0 ? 1 : 0) : ~a);
        unary("nanToNum", FLOAT, Gen.ANY, x -> Np.nanToNum(x), Ops::nanToNum, null);

        // ------------------------------------------------------------ binary
        Domain hundred = Domain.uniform(-100, 100);
        binary(
                "add",
                ALL,
                hundred,
                hundred,
                (a, b) -> Np.add(a, b),
                (t, a, b) -> a + b,
                (t, a, b) -> t == DType.BOOL ? a | b : a + b,
                SAME);
        binary(
                "subtract",
                NUMERIC,
                hundred,
                hundred,
                (a, b) -> Np.subtract(a, b),
                (t, a, b) -> a - b,
                (t, a, b) -> a - b,
                SAME);
        binary(
                "multiply",
                ALL,
                hundred,
                hundred,
                (a, b) -> Np.multiply(a, b),
                (t, a, b) -> a * b,
                (t, a, b) -> a * b,
                SAME);
        binaryAs(
                "divide",
                FLOAT_INT,
                hundred,
                Domain.uniform(1, 100),
                (a, b) -> Np.divide(a, b),
                (t, a, b) -> a / b,
                null,
                TO_FLOAT,
                TO_FLOAT);
        binary(
                "floorDivide",
                FLOAT_INT,
                hundred,
                Domain.uniform(-10, 10).excludingZero(),
                (a, b) -> Np.floorDivide(a, b),
                Ops::floorDivide,
                Ops::floorDivide,
                SAME);
        binary(
                "mod",
                FLOAT_INT,
                hundred,
                Domain.uniform(-10, 10).excludingZero(),
                (a, b) -> Np.mod(a, b),
                Ops::mod,
                Ops::mod,
                SAME);
        binary(
                "power",
                FLOAT_INT,
                Domain.uniform(0, 5),
                Domain.uniform(0, 4),
                (a, b) -> Np.power(a, b),
                Ops::power,
                Ops::power,
                SAME);
        binary(
                "maximum",
                NUMERIC,
                hundred,
                hundred,
                (a, b) -> Np.maximum(a, b),
                (t, a, b) -> Math.max(a, b),
                (t, a, b) -> Math.max(a, b),
                SAME);
        binary(
                "minimum",
                NUMERIC,
                hundred,
                hundred,
                (a, b) -> Np.minimum(a, b),
                (t, a, b) -> Math.min(a, b),
                (t, a, b) -> Math.min(a, b),
                SAME);
        binary(
                "arctan2",
                FLOAT,
                Gen.SMALL,
                Gen.SMALL,
                (a, b) -> Np.arctan2(a, b),
                (t, a, b) -> Math.atan2(a, b),
                null,
                SAME);
        Domain few = Domain.uniform(-3, 3);
        compare("equal", (a, b) -> Np.equal(a, b), (t, a, b) -> a == b ? 1 : 0, (t, a, b) -> a == b ? 1 : 0);
        compare("notEqual", (a, b) -> Np.notEqual(a, b), (t, a, b) -> a != b ? 1 : 0, (t, a, b) -> a != b ? 1 : 0);
        compare("less", (a, b) -> Np.less(a, b), (t, a, b) -> a < b ? 1 : 0, (t, a, b) -> a < b ? 1 : 0);
        compare("lessEqual", (a, b) -> Np.lessEqual(a, b), (t, a, b) -> a <= b ? 1 : 0, (t, a, b) -> a <= b ? 1 : 0);
        compare("greater", (a, b) -> Np.greater(a, b), (t, a, b) -> a > b ? 1 : 0, (t, a, b) -> a > b ? 1 : 0);
        compare(
                "greaterEqual",
                (a, b) -> Np.greaterEqual(a, b),
                (t, a, b) -> a >= b ? 1 : 0,
                (t, a, b) -> a >= b ? 1 : 0);
        binaryAs(
                "logicalAnd",
                BOOL,
                few,
                few,
                (a, b) -> Np.logicalAnd(a, b),
                null,
                (t, a, b) -> a != 0 && b != 0 ? 1 : 0,
                SAME,
                TO_BOOL);
        binaryAs(
                "logicalOr",
                BOOL,
                few,
                few,
                (a, b) -> Np.logicalOr(a, b),
                null,
                (t, a, b) -> a != 0 || b != 0 ? 1 : 0,
                SAME,
                TO_BOOL);
        binaryAs(
                "logicalXor",
                BOOL,
                few,
                few,
                (a, b) -> Np.logicalXor(a, b),
                null,
                (t, a, b) -> (a != 0) != (b != 0) ? 1 : 0,
                SAME,
                TO_BOOL);
        Domain bits = Domain.uniform(-100000, 100000);
        binary("bitwiseAnd", INTEGER_BOOL, bits, bits, (a, b) -> Np.bitwiseAnd(a, b), null, (t, a, b) -> a & b, SAME);
        binary("bitwiseOr", INTEGER_BOOL, bits, bits, (a, b) -> Np.bitwiseOr(a, b), null, (t, a, b) -> a | b, SAME);
        binary("bitwiseXor", INTEGER_BOOL, bits, bits, (a, b) -> Np.bitwiseXor(a, b), null, (t, a, b) -> a ^ b, SAME);
        Domain shifts = Domain.uniform(0, 70);
        binary("leftShift", INTEGER, bits, shifts, (a, b) -> Np.leftShift(a, b), null, Ops::shiftLeft, SAME);
        binary("rightShift", INTEGER, bits, shifts, (a, b) -> Np.rightShift(a, b), null, Ops::shiftRight, SAME);
    }

    /** Every op, in table order. */
    static List<Op> all() {
        return Collections.unmodifiableList(new ArrayList<>(TABLE.values()));
    }

    /** The op named {@code name}, or null. */
    static Op get(String name) {
        return TABLE.get(name);
    }

    private static void add(Op op) {
        if (TABLE.put(op.name(), op) != null) {
            throw new IllegalStateException("duplicate elementwise op " + op.name());
        }
    }

    private static void unary(
            String name, List<DType> dtypes, Domain d, Function<Array, Array> f, Real real, Int integer) {
        add(new Op(name, 1, dtypes, d, null, args -> f.apply((Array) args[0]), real, integer, SAME, SAME, null));
    }

    /** A float function: integer inputs are computed in float32, as JAX does. */
    private static void floatFn(String name, List<DType> dtypes, Domain d, Function<Array, Array> f, Real real) {
        floatFn(name, dtypes, d, f, real, null);
    }

    /** A float function that is also checked by the derivative families, at inputs drawn from {@code gradAt}. */
    private static void floatFn(
            String name,
            List<DType> dtypes,
            Domain d,
            Function<Array, Array> f,
            Real real,
            Differentiable.Sampler gradAt) {
        add(new Op(name, 1, dtypes, d, null, args -> f.apply((Array) args[0]), real, null, TO_FLOAT, TO_FLOAT, gradAt));
    }

    private static void predicate(String name, Function<Array, Array> f, Real real) {
        add(new Op(name, 1, FLOAT, Gen.SMALL, null, args -> f.apply((Array) args[0]), real, null, SAME, TO_BOOL, null));
    }

    private interface Binary {
        Array apply(Object a, Object b);
    }

    private static void binary(
            String name,
            List<DType> dtypes,
            Domain d1,
            Domain d2,
            Binary f,
            Real real,
            Int integer,
            UnaryOperator<DType> result) {
        binaryAs(name, dtypes, d1, d2, f, real, integer, SAME, result);
    }

    private static void binaryAs(
            String name,
            List<DType> dtypes,
            Domain d1,
            Domain d2,
            Binary f,
            Real real,
            Int integer,
            UnaryOperator<DType> compute,
            UnaryOperator<DType> result) {
        add(new Op(name, 2, dtypes, d1, d2, args -> f.apply(args[0], args[1]), real, integer, compute, result, null));
    }

    private static void compare(String name, Binary f, Real real, Int integer) {
        binaryAs(name, ALL, Domain.uniform(-3, 3), Domain.uniform(-3, 3), f, real, integer, SAME, TO_BOOL);
    }

    // ---------------------------------------------------------------- oracles with JAX semantics

    static double log2(double a) {
        // exact for powers of two, which a naive log(a)/log(2) is not
        if (a > 0 && Double.isFinite(a)) {
            int e = Math.getExponent(a);
            if (a == Math.scalb(1.0, e)) {
                return e;
            }
        }
        return Math.log(a) / Math.log(2);
    }

    /**
     * erf in double to within about 2 ulps: below 0.75 its Taylor series; from there on {@code 1 -
     * erfc(x)} with erfc from its continued fraction, where {@code exp(-x^2)} is taken from the exact
     * square (a double-double), since rounding {@code x^2} first would cost about {@code x^2} ulps.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax == 0) {
            return x;
        }
        if (ax >= 6) {
            return Math.copySign(1.0, x);
        }
        double x2 = ax * ax;
        double x2lo = Math.fma(ax, ax, -x2);
        double expNegX2 = Math.exp(-x2) * (1 - x2lo);
        double r;
        if (ax < 0.75) {
            // Taylor series x - x^3/3 + x^5/10 - ..., summed smallest term first to keep the last bit
            double[] terms = new double[40];
            double power = ax;
            terms[0] = ax;
            for (int n = 1; n < terms.length; n++) {
                power *= -x2 / n;
                terms[n] = power / (2 * n + 1);
            }
            double sum = 0;
            for (int n = terms.length - 1; n >= 0; n--) {
                sum += terms[n];
            }
            r = 1.1283791670955126 * sum; // 2/sqrt(pi)
        } else {
            // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
            double t = ax;
            for (int n = 400; n >= 1; n--) {
                t = ax + (n / 2.0) / t;
            }
            r = 1 - expNegX2 / Math.sqrt(Math.PI) / t;
        }
        return Math.copySign(Math.min(r, 1.0), x);
    }

    static double nanToNum(DType t, double a, double b) {
        double max = t == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        if (Double.isNaN(a)) {
            return 0;
        }
        if (Double.isInfinite(a)) {
            return a > 0 ? max : -max;
        }
        return a;
    }

    /** jnp.floor_divide on floats: CPython's float divmod, which JAX follows. */
    static double floorDivide(DType t, double a, double b) {
        double mod = round(t, a % b);
        double div = round(t, b == 0 ? a / b : round(t, a - mod) / b);
        if (mod != 0 && Math.signum(b) != Math.signum(mod)) {
            div = round(t, div - 1);
        }
        return Math.rint(div);
    }

    /** jnp.floor_divide on integers: truncating division (XLA: x/0 is -1, or all ones unsigned), moved down. */
    static long floorDivide(DType t, long a, long b) {
        if (t == DType.UINT32) {
            return b == 0 ? 0xffffffffL : a / b;
        }
        long q = b == 0 ? -1 : truncDiv(t, a, b);
        long r = b == 0 ? a : a - truncDiv(t, a, b) * b;
        return Long.signum(a) != Long.signum(b) && r != 0 ? q - 1 : q;
    }

    private static long truncDiv(DType t, long a, long b) {
        // MIN / -1 overflows; XLA gives MIN, as two's complement wrapping does
        return Host.wrap(t, t == DType.INT64 && a == Long.MIN_VALUE && b == -1 ? a : a / b);
    }

    /** jnp.remainder on floats: the truncated remainder, moved to the divisor's sign. */
    static double mod(DType t, double a, double b) {
        double r = a % b;
        if (r != 0 && (r < 0) != (b < 0)) {
            r = round(t, r + b);
        }
        return r;
    }

    /** jnp.remainder on integers: a zero divisor is replaced by 1. */
    static long mod(DType t, long a, long b) {
        if (b == 0) {
            b = 1;
        }
        long r = t == DType.INT64 && b == -1 ? 0 : a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    /** C's pow, which XLA follows: pow(x, ±0) = 1 and pow(1, y) = 1 even for NaN, pow(-1, ±inf) = 1. */
    static double power(DType t, double a, double b) {
        if (b == 0 || a == 1) {
            return 1;
        }
        if (a == -1 && Double.isInfinite(b)) {
            return 1;
        }
        return Math.pow(a, b);
    }

    /**
     * Integer power by squaring, wrapping like the dtype. Negative exponents follow XLA's integer
     * pow ({@code lax.pow}): 1 for base 1, ±1 for base -1, otherwise 0. ({@code jnp.power} in JAX
     * instead reads only the low 6 bits of the exponent; Kiln does not copy that.)
     */
    static long power(DType t, long a, long b) {
        if (b < 0) {
            return a == 1 ? 1 : a == -1 ? ((b & 1) == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        long base = a;
        for (long e = b; e > 0; e >>= 1) {
            if ((e & 1) != 0) {
                result = Host.wrap(t, result * base);
            }
            base = Host.wrap(t, base * base);
        }
        return result;
    }

    static long shiftLeft(DType t, long a, long b) {
        int bits = t == DType.INT64 ? 64 : 32;
        return b < 0 || b >= bits ? 0 : a << b;
    }

    /** Arithmetic for signed types, logical for unsigned; shifts past the width give the sign fill or 0. */
    static long shiftRight(DType t, long a, long b) {
        int bits = t == DType.INT64 ? 64 : 32;
        if (t == DType.UINT32) {
            return b < 0 || b >= bits ? 0 : (a & 0xffffffffL) >>> b;
        }
        return b < 0 || b >= bits ? (a < 0 ? -1 : 0) : a >> b;
    }

    /** {@code v} rounded to the precision of a float dtype. */
    static double round(DType t, double v) {
        return t == DType.FLOAT32 ? (double) (float) v : v;
    }
}
