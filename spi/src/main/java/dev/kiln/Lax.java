package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Direct access to Kiln's primitives, like {@code jax.lax}: no promotion or broadcasting, operands
 * must already match the primitive's rules. {@link Np} is built on these.
 */
public final class Lax {
    private Lax() {}

    /** Applies one primitive to operands whose dtypes and shapes already fit it. */
    public static Array bind(Primitive primitive, Params params, Array... operands) {
        Objects.requireNonNull(primitive, "primitive");
        Objects.requireNonNull(params, "params");
        NullChecks.elements(operands, "operands");
        return Dispatch.bind(primitive, params, operands);
    }

    /** Applies a primitive with several outputs (a control-flow primitive); others give one output. */
    public static java.util.List<Array> bindAll(Primitive primitive, Params params, Array... operands) {
        Objects.requireNonNull(primitive, "primitive");
        Objects.requireNonNull(params, "params");
        NullChecks.elements(operands, "operands");
        return Dispatch.bindAll(primitive, params, operands);
    }

    /** Applies an elementwise primitive with no parameters. */
    public static Array bind(Primitive primitive, Array... operands) {
        Objects.requireNonNull(primitive, "primitive");
        NullChecks.elements(operands, "operands");
        return Dispatch.bind(primitive, Params.NONE, operands);
    }

    /** Converts to another dtype with {@link Primitive#CONVERT} (no-op when it already has it). */
    public static Array convert(Array x, DType to) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(to, "to");
        return x.dtype() == to ? x : Dispatch.bind(Primitive.CONVERT, new Params.Convert(to), x);
    }

    /**
     * {@code jax.lax.reduce_precision}: each element rounded to nearest even as a float with {@code
     * exponentBits} exponent bits and {@code mantissaBits} explicit mantissa bits (gradual underflow,
     * overflow to infinity, NaN and infinities kept), in {@code x}'s own dtype. {@code (5, 10)} is
     * float16's precision and range, {@code (8, 7)} bfloat16's.
     */
    public static Array reducePrecision(Array x, int exponentBits, int mantissaBits) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            throw new DTypeException("reducePrecision: x must have a floating dtype, got " + x.dtype()
                    + "; convert it first (Lax.convert)");
        }
        if (exponentBits < 1 || mantissaBits < 0 || exponentBits > 11 || mantissaBits > 52) {
            throw new KilnException("reducePrecision: exponentBits must be in 1..11 and mantissaBits in 0..52, got "
                    + exponentBits + " and " + mantissaBits);
        }
        if (x.dtype().isNarrow()) {
            return convert(Narrow.reducePrecision(convert(x, DType.FLOAT32), exponentBits, mantissaBits), x.dtype());
        }
        return Narrow.reducePrecision(x, exponentBits, mantissaBits);
    }

    // ---------------------------------------------------------------- jax.lax element-wise functions
    //
    // As jax.lax: both operands of one dtype (a Java number takes the array's dtype when its kind
    // fits), shapes equal or rank 0, no promotion; integer division truncates toward zero, the
    // remainder takes the dividend's sign. The Np functions of the same names promote and broadcast.

    /** {@code lax.add}. */
    public static Array add(Object x, Object y) {
        return LaxOps.binary("add", Primitive.ADD, x, y);
    }

    /** {@code lax.sub}. */
    public static Array sub(Object x, Object y) {
        return LaxOps.binary("sub", Primitive.SUB, x, y);
    }

    /** {@code lax.mul}. */
    public static Array mul(Object x, Object y) {
        return LaxOps.binary("mul", Primitive.MUL, x, y);
    }

    /**
     * {@code lax.div}: integer division truncates toward zero ({@code x / 0} is -1 for signed
     * integers), float division is IEEE.
     */
    public static Array div(Object x, Object y) {
        return LaxOps.binary("div", Primitive.DIV, x, y);
    }

    /** {@code lax.rem}: the remainder of truncating division, with the dividend's sign ({@code x % 0} is x). */
    public static Array rem(Object x, Object y) {
        return LaxOps.binary("rem", Primitive.REM, x, y);
    }

    /** {@code lax.pow}: a float base to a float power, or to an integer array's powers. */
    public static Array pow(Array x, Object y) {
        LaxOps.floatOnly("pow", x);
        Objects.requireNonNull(y, "y");
        if (y instanceof Array e && !e.dtype().isFloating()) {
            Array[] xy = LaxOps.sameShape("pow", x, e);
            return Lax.bind(Primitive.POW, xy[0], Lax.convert(xy[1], x.dtype()));
        }
        return LaxOps.binary("pow", Primitive.POW, x, y);
    }

    /** {@code lax.integer_pow}: {@code x} to the static integer power {@code y} (negative: of the reciprocal). */
    public static Array integerPow(Array x, int y) {
        Objects.requireNonNull(x, "x");
        LaxOps.numeric("integerPow", x);
        if (y < 0 && !x.dtype().isFloating()) {
            throw new DTypeException(
                    "integerPow: a negative power of an integer array is not an integer; got y = " + y);
        }
        return Np.power(x, y);
    }

    /** {@code lax.max}: the element-wise maximum, NaN if either is NaN. */
    public static Array max(Object x, Object y) {
        return LaxOps.binary("max", Primitive.MAX, x, y);
    }

    /** {@code lax.min}: the element-wise minimum, NaN if either is NaN. */
    public static Array min(Object x, Object y) {
        return LaxOps.binary("min", Primitive.MIN, x, y);
    }

    /** {@code lax.atan2} of float arrays. */
    public static Array atan2(Object x, Object y) {
        Array[] xy = LaxOps.operands("atan2", x, y);
        LaxOps.floatOnly("atan2", xy[0]);
        return Lax.bind(Primitive.ATAN2, xy[0], xy[1]);
    }

    /** {@code lax.eq}. */
    public static Array eq(Object x, Object y) {
        return LaxOps.binary("eq", Primitive.EQ, x, y);
    }

    /** {@code lax.ne}. */
    public static Array ne(Object x, Object y) {
        return LaxOps.binary("ne", Primitive.NE, x, y);
    }

    /** {@code lax.lt}. */
    public static Array lt(Object x, Object y) {
        return LaxOps.binary("lt", Primitive.LT, x, y);
    }

    /** {@code lax.le}. */
    public static Array le(Object x, Object y) {
        return LaxOps.binary("le", Primitive.LE, x, y);
    }

    /** {@code lax.gt}. */
    public static Array gt(Object x, Object y) {
        return LaxOps.binary("gt", Primitive.GT, x, y);
    }

    /** {@code lax.ge}. */
    public static Array ge(Object x, Object y) {
        return LaxOps.binary("ge", Primitive.GE, x, y);
    }

    /** {@code lax.bitwise_and} of bool or integer arrays. */
    public static Array bitwiseAnd(Object x, Object y) {
        Array[] xy = LaxOps.operands("bitwiseAnd", x, y);
        bitsOnly("bitwiseAnd", xy[0]);
        return Lax.bind(Primitive.AND, xy[0], xy[1]);
    }

    /** {@code lax.bitwise_or} of bool or integer arrays. */
    public static Array bitwiseOr(Object x, Object y) {
        Array[] xy = LaxOps.operands("bitwiseOr", x, y);
        bitsOnly("bitwiseOr", xy[0]);
        return Lax.bind(Primitive.OR, xy[0], xy[1]);
    }

    /** {@code lax.bitwise_xor} of bool or integer arrays. */
    public static Array bitwiseXor(Object x, Object y) {
        Array[] xy = LaxOps.operands("bitwiseXor", x, y);
        bitsOnly("bitwiseXor", xy[0]);
        return Lax.bind(Primitive.XOR, xy[0], xy[1]);
    }

    /** {@code lax.bitwise_not} of a bool or integer array. */
    public static Array bitwiseNot(Array x) {
        Objects.requireNonNull(x, "x");
        bitsOnly("bitwiseNot", x);
        return Lax.bind(Primitive.NOT, x);
    }

    private static void bitsOnly(String fn, Array x) {
        if (x.dtype().isFloating()) {
            throw new DTypeException(fn + ": needs bool or integer arrays, got " + x.dtype());
        }
    }

    /** {@code lax.shift_left}: shifts of at least the bit width give 0. */
    public static Array shiftLeft(Object x, Object y) {
        Array[] xy = LaxOps.operands("shiftLeft", x, y);
        LaxOps.integerOnly("shiftLeft", xy[0]);
        return Lax.bind(Primitive.SHIFT_LEFT, xy[0], xy[1]);
    }

    /** {@code lax.shift_right_arithmetic}: the sign bit fills in. */
    public static Array shiftRightArithmetic(Object x, Object y) {
        Array[] xy = LaxOps.operands("shiftRightArithmetic", x, y);
        LaxOps.integerOnly("shiftRightArithmetic", xy[0]);
        return Lax.bind(Primitive.SHIFT_RIGHT_ARITHMETIC, xy[0], xy[1]);
    }

    /** {@code lax.shift_right_logical}: zeros fill in, whatever the sign. */
    public static Array shiftRightLogical(Object x, Object y) {
        Array[] xy = LaxOps.operands("shiftRightLogical", x, y);
        LaxOps.integerOnly("shiftRightLogical", xy[0]);
        return Lax.bind(Primitive.SHIFT_RIGHT_LOGICAL, xy[0], xy[1]);
    }

    /** {@code lax.population_count}: the number of set bits of each integer (two's complement). */
    public static Array populationCount(Array x) {
        return LaxOps.populationCount(LaxOps.integerOnly("populationCount", x));
    }

    /** {@code lax.clz}: the number of leading zero bits of each integer. */
    public static Array clz(Array x) {
        return LaxOps.clz(LaxOps.integerOnly("clz", x));
    }

    /** {@code lax.neg}. */
    public static Array neg(Array x) {
        return Lax.bind(Primitive.NEG, LaxOps.numeric("neg", x));
    }

    /** {@code lax.abs}. */
    public static Array abs(Array x) {
        return Lax.bind(Primitive.ABS, LaxOps.numeric("abs", x));
    }

    /** {@code lax.sign}: -1, 0 or 1 (signed zeros and NaN kept for floats). */
    public static Array sign(Array x) {
        return Lax.bind(Primitive.SIGN, LaxOps.numeric("sign", x));
    }

    /** {@code lax.floor} of a float array. */
    public static Array floor(Array x) {
        return Lax.bind(Primitive.FLOOR, LaxOps.floatOnly("floor", x));
    }

    /** {@code lax.ceil} of a float array. */
    public static Array ceil(Array x) {
        return Lax.bind(Primitive.CEIL, LaxOps.floatOnly("ceil", x));
    }

    /** {@code lax.round(x)}: half-way cases away from zero, JAX's default rounding method. */
    public static Array round(Array x) {
        return LaxOps.roundAwayFromZero(LaxOps.floatOnly("round", x));
    }

    /**
     * {@code lax.round(x, rounding_method)}: {@code "AWAY_FROM_ZERO"} (0) or {@code
     * "TO_NEAREST_EVEN"} (1).
     */
    public static Array round(Array x, String roundingMethod) {
        LaxOps.floatOnly("round", x);
        Objects.requireNonNull(roundingMethod, "roundingMethod");
        return switch (roundingMethod.toUpperCase(java.util.Locale.ROOT)) {
            case "AWAY_FROM_ZERO", "0" -> LaxOps.roundAwayFromZero(x);
            case "TO_NEAREST_EVEN", "1" -> Lax.bind(Primitive.ROUND, x);
            default ->
                throw new KilnException("round: rounding method \"" + roundingMethod
                        + "\" is not one of \"AWAY_FROM_ZERO\" and \"TO_NEAREST_EVEN\"");
        };
    }

    /** {@code lax.is_finite} of a float array. */
    public static Array isFinite(Array x) {
        return Lax.bind(Primitive.IS_FINITE, LaxOps.floatOnly("isFinite", x));
    }

    /** {@code lax.exp}. */
    public static Array exp(Array x) {
        return Lax.bind(Primitive.EXP, LaxOps.floatOnly("exp", x));
    }

    /** {@code lax.exp2}. */
    public static Array exp2(Array x) {
        return Lax.bind(Primitive.EXP2, LaxOps.floatOnly("exp2", x));
    }

    /** {@code lax.log}. */
    public static Array log(Array x) {
        return Lax.bind(Primitive.LOG, LaxOps.floatOnly("log", x));
    }

    /** {@code lax.log1p}. */
    public static Array log1p(Array x) {
        return Lax.bind(Primitive.LOG1P, LaxOps.floatOnly("log1p", x));
    }

    /** {@code lax.expm1}. */
    public static Array expm1(Array x) {
        return Lax.bind(Primitive.EXPM1, LaxOps.floatOnly("expm1", x));
    }

    /** {@code lax.sqrt}. */
    public static Array sqrt(Array x) {
        return Lax.bind(Primitive.SQRT, LaxOps.floatOnly("sqrt", x));
    }

    /** {@code lax.rsqrt}. */
    public static Array rsqrt(Array x) {
        return Lax.bind(Primitive.RSQRT, LaxOps.floatOnly("rsqrt", x));
    }

    /** {@code lax.cbrt}. */
    public static Array cbrt(Array x) {
        return Lax.bind(Primitive.CBRT, LaxOps.floatOnly("cbrt", x));
    }

    /** {@code lax.square}. */
    public static Array square(Array x) {
        LaxOps.numeric("square", x);
        return Lax.bind(Primitive.MUL, x, x);
    }

    /** {@code lax.reciprocal} of a float array. */
    public static Array reciprocal(Array x) {
        LaxOps.floatOnly("reciprocal", x);
        return Lax.bind(Primitive.DIV, Np.onesLike(x), x);
    }

    /** {@code lax.sin}. */
    public static Array sin(Array x) {
        return Lax.bind(Primitive.SIN, LaxOps.floatOnly("sin", x));
    }

    /** {@code lax.cos}. */
    public static Array cos(Array x) {
        return Lax.bind(Primitive.COS, LaxOps.floatOnly("cos", x));
    }

    /** {@code lax.tan}. */
    public static Array tan(Array x) {
        return Lax.bind(Primitive.TAN, LaxOps.floatOnly("tan", x));
    }

    /** {@code lax.asin}. */
    public static Array asin(Array x) {
        return Lax.bind(Primitive.ASIN, LaxOps.floatOnly("asin", x));
    }

    /** {@code lax.acos}. */
    public static Array acos(Array x) {
        return Lax.bind(Primitive.ACOS, LaxOps.floatOnly("acos", x));
    }

    /** {@code lax.atan}. */
    public static Array atan(Array x) {
        return Lax.bind(Primitive.ATAN, LaxOps.floatOnly("atan", x));
    }

    /** {@code lax.sinh}. */
    public static Array sinh(Array x) {
        return Lax.bind(Primitive.SINH, LaxOps.floatOnly("sinh", x));
    }

    /** {@code lax.cosh}. */
    public static Array cosh(Array x) {
        return Lax.bind(Primitive.COSH, LaxOps.floatOnly("cosh", x));
    }

    /** {@code lax.tanh}. */
    public static Array tanh(Array x) {
        return Lax.bind(Primitive.TANH, LaxOps.floatOnly("tanh", x));
    }

    /** {@code lax.asinh}. */
    public static Array asinh(Array x) {
        return Np.arcsinh(LaxOps.floatOnly("asinh", x));
    }

    /** {@code lax.acosh}. */
    public static Array acosh(Array x) {
        return Np.arccosh(LaxOps.floatOnly("acosh", x));
    }

    /** {@code lax.atanh}. */
    public static Array atanh(Array x) {
        return Np.arctanh(LaxOps.floatOnly("atanh", x));
    }

    /** {@code lax.logistic}: {@code 1 / (1 + exp(-x))}. */
    public static Array logistic(Array x) {
        return Lax.bind(Primitive.LOGISTIC, LaxOps.floatOnly("logistic", x));
    }

    /** {@code lax.erf}. */
    public static Array erf(Array x) {
        return Lax.bind(Primitive.ERF, LaxOps.floatOnly("erf", x));
    }

    /** {@code lax.erfc}. */
    public static Array erfc(Array x) {
        return Special.erfc(LaxOps.floatOnly("erfc", x));
    }

    /** {@code lax.erf_inv}. */
    public static Array erfInv(Array x) {
        return Special.erfinv(LaxOps.floatOnly("erfInv", x));
    }

    /** {@code lax.lgamma}: the log of the absolute value of the gamma function. */
    public static Array lgamma(Array x) {
        return Special.gammaln(LaxOps.floatOnly("lgamma", x));
    }

    /** {@code lax.digamma}. */
    public static Array digamma(Array x) {
        return Special.digamma(LaxOps.floatOnly("digamma", x));
    }

    /** {@code lax.igamma}: the regularized lower incomplete gamma function P(a, x) ({@link Special#gammainc}). */
    public static Array igamma(Array a, Array x) {
        LaxOps.sameFloat("igamma", a, x);
        return Special.gammainc(a, x);
    }

    /** {@code lax.igammac}: the regularized upper incomplete gamma function Q(a, x) ({@link Special#gammaincc}). */
    public static Array igammac(Array a, Array x) {
        LaxOps.sameFloat("igammac", a, x);
        return Special.gammaincc(a, x);
    }

    /** {@code lax.igamma_grad_a}: the derivative of {@link #igamma} in a; NaN for {@code a <= 0}. */
    public static Array igammaGradA(Array a, Array x) {
        LaxOps.sameFloat("igammaGradA", a, x);
        return Special.igammaGradA(a, x);
    }

    /** {@code lax.random_gamma_grad}: the derivative in a of a sample x of Gamma(a, 1), at fixed quantile. */
    public static Array randomGammaGrad(Array a, Array x) {
        LaxOps.sameFloat("randomGammaGrad", a, x);
        return Special.randomGammaGrad(a, x);
    }

    /** {@code lax.betainc}: the regularized incomplete beta function ({@link Special#betainc}). */
    public static Array betainc(Array a, Array b, Array x) {
        LaxOps.sameFloat("betainc", a, b, x);
        return Special.betainc(a, b, x);
    }

    /** {@code lax.polygamma}: psi^(m)(x), with m of x's float dtype (NaN unless m is a natural number). */
    public static Array polygamma(Array m, Array x) {
        LaxOps.sameFloat("polygamma", m, x);
        Array[] mx = Np.prepare("polygamma", x.dtype(), m, x);
        return Special.polygammaOf(mx[0], mx[1]);
    }

    /** {@code lax.zeta}: the Hurwitz zeta function ({@link Special#zeta}). */
    public static Array zeta(Array x, Array q) {
        LaxOps.sameFloat("zeta", x, q);
        return Special.zeta(x, q);
    }

    /** {@code lax.convert_element_type}: {@link #convert}. */
    public static Array convertElementType(Array x, DType to) {
        return convert(x, to);
    }

    /** {@code lax.stop_gradient}: x, with no derivative. */
    public static Array stopGradient(Array x) {
        return Kiln.stopGradient(x);
    }

    /** {@code lax.optimization_barrier}: x itself (Kiln's planner has no reordering to prevent here). */
    public static Array optimizationBarrier(Array x) {
        Objects.requireNonNull(x, "x");
        return x;
    }

    /**
     * {@code lax.select_n(which, cases...)}: where {@code which} (bool with two cases, or int32) is
     * i, {@code cases[i]}; which is rank 0 or the cases' shape, the cases share dtype and shape.
     */
    public static Array selectN(Array which, Array... cases) {
        Objects.requireNonNull(which, "which");
        NullChecks.elements(cases, "cases");
        if (cases.length == 0) {
            throw new KilnException("selectN: needs at least one case");
        }
        for (Array c : cases) {
            if (c.dtype() != cases[0].dtype() || !Arrays.equals(c.shape(), cases[0].shape())) {
                throw new ShapeException(
                        "selectN: the cases must share dtype and shape, got " + c.spec() + " and " + cases[0].spec());
            }
        }
        if (which.ndim() != 0 && !Arrays.equals(which.shape(), cases[0].shape())) {
            throw new ShapeException("selectN: which of shape " + Shape.toString(which.shape())
                    + " must be rank 0 or the cases' shape " + Shape.toString(cases[0].shape()));
        }
        if (which.dtype() == DType.BOOL) {
            if (cases.length > 2) {
                throw new DTypeException(
                        "selectN: a bool which selects between at most two cases, got " + cases.length);
            }
            return cases.length == 1 ? cases[0] : Np.where(which, cases[1], cases[0]);
        }
        if (which.dtype().isFloating()) {
            throw new DTypeException("selectN: which must be bool or int32, got " + which.dtype());
        }
        Array out = cases[cases.length - 1];
        for (int i = cases.length - 2; i >= 0; i--) {
            out = Np.where(Np.lessEqual(which, i), cases[i], out);
        }
        return out;
    }

    /** {@code lax.clamp(min, x, max)}: x limited to [min, max]; min and max rank 0 or x's shape, x's dtype. */
    public static Array clamp(Object min, Array x, Object max) {
        Objects.requireNonNull(x, "x");
        Array lo = LaxOps.operands("clamp", min, x)[0];
        Array hi = LaxOps.operands("clamp", max, x)[0];
        return Lax.bind(Primitive.MIN, Lax.bind(Primitive.MAX, x, lo), hi);
    }

    // ---------------------------------------------------------------- jax.lax shape functions

    /** {@code lax.broadcast(x, sizes)}: new leading dimensions of the given sizes. */
    public static Array broadcast(Array x, int... sizes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(sizes, "sizes");
        int[] shape = Arrays.copyOf(sizes, sizes.length + x.ndim());
        System.arraycopy(x.shape(), 0, shape, sizes.length, x.ndim());
        int[] dims = new int[x.ndim()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = sizes.length + i;
        }
        return broadcastInDim(x, shape, dims);
    }

    /** {@code lax.broadcast_to_rank(x, rank)}: leading unit dimensions up to {@code rank}. */
    public static Array broadcastToRank(Array x, int rank) {
        Objects.requireNonNull(x, "x");
        if (rank < x.ndim()) {
            throw new ShapeException("broadcastToRank: rank " + rank + " is below x's rank " + x.ndim());
        }
        int[] ones = new int[rank - x.ndim()];
        Arrays.fill(ones, 1);
        return broadcast(x, ones);
    }

    /** {@code lax.broadcasted_iota}: {@link #iota(DType, int[], int)}. */
    public static Array broadcastedIota(DType dtype, int[] shape, int dimension) {
        return iota(dtype, shape, dimension);
    }

    /** {@code lax.expand_dims(x, dimensions)}: unit dimensions at the given output positions. */
    public static Array expandDims(Array x, int... dimensions) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(dimensions, "dimensions");
        return Np.expandDims(x, dimensions);
    }

    /** {@code lax.squeeze(x, dimensions)}: removes the given dimensions, each of size 1. */
    public static Array squeeze(Array x, int... dimensions) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(dimensions, "dimensions");
        for (int d : dimensions) {
            int a = Shape.axis("squeeze", d, x.ndim());
            if (x.shape(a) != 1) {
                throw new ShapeException("squeeze: dimension " + d + " of shape " + Shape.toString(x.shape())
                        + " has size " + x.shape(a) + ", not 1");
            }
        }
        return Np.squeeze(x, dimensions);
    }

    /** {@code lax.collapse(x, start, stop)}: dimensions start..stop-1 merged into one. */
    public static Array collapse(Array x, int start, int stop) {
        Objects.requireNonNull(x, "x");
        int n = x.ndim();
        int s = start < 0 ? start + n : start;
        int e = stop < 0 ? stop + n : stop;
        if (s < 0 || e > n || s > e) {
            throw new AxisException("collapse: [" + start + ", " + stop + ") is not a range of the dimensions of shape "
                    + Shape.toString(x.shape()));
        }
        int[] shape = new int[n - (e - s) + 1];
        int k = 0;
        for (int d = 0; d < s; d++) {
            shape[k++] = x.shape(d);
        }
        int merged = 1;
        for (int d = s; d < e; d++) {
            merged *= x.shape(d);
        }
        shape[k++] = merged;
        for (int d = e; d < n; d++) {
            shape[k++] = x.shape(d);
        }
        return reshape(x, shape);
    }

    /** {@code lax.full(shape, fill, dtype)}. */
    public static Array full(int[] shape, double fill, DType dtype) {
        return Np.full(dtype, fill, shape);
    }

    /** {@code lax.full_like(x, fill)}: x's shape and dtype (a float fill into an integer dtype truncates). */
    public static Array fullLike(Array x, double fill) {
        Objects.requireNonNull(x, "x");
        return Np.full(x.dtype(), x.dtype().isFloating() ? fill : (double) (long) fill, x.shape());
    }

    /** {@code lax.dynamic_slice_in_dim(x, start, size, axis)}: start clamped so the window fits. */
    public static Array dynamicSliceInDim(Array x, Object start, int size, int axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(start, "start");
        int a = Shape.axis("dynamicSliceInDim", axis, x.ndim());
        Array[] starts = new Array[x.ndim()];
        int[] sizes = x.shape().clone();
        for (int d = 0; d < starts.length; d++) {
            starts[d] = d == a ? Lax.convert(Np.asArray(start), DType.INT32) : Np.scalar(0);
        }
        sizes[a] = size;
        return dynamicSlice(x, starts, sizes);
    }

    /** {@code lax.dynamic_index_in_dim(x, index, axis, keepdims)}. */
    public static Array dynamicIndexInDim(Array x, Object index, int axis, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(index, "index");
        Array s = dynamicSliceInDim(x, index, 1, axis);
        return keepdims ? s : Np.squeeze(s, Shape.axis("dynamicIndexInDim", axis, x.ndim()));
    }

    /** {@code lax.dynamic_update_slice_in_dim(x, update, start, axis)}. */
    public static Array dynamicUpdateSliceInDim(Array x, Array update, Object start, int axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(update, "update");
        Objects.requireNonNull(start, "start");
        int a = Shape.axis("dynamicUpdateSliceInDim", axis, x.ndim());
        Array[] starts = new Array[x.ndim()];
        for (int d = 0; d < starts.length; d++) {
            starts[d] = d == a ? Lax.convert(Np.asArray(start), DType.INT32) : Np.scalar(0);
        }
        return dynamicUpdateSlice(x, update, starts);
    }

    /** {@code lax.index_in_dim(x, index, axis, keepdims)}: a static index (negative counts from the end). */
    public static Array indexInDim(Array x, int index, int axis, boolean keepdims) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("indexInDim", axis, x.ndim());
        int n = x.shape(a);
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) {
            throw new IndexException(
                    "indexInDim: index " + index + " is out of bounds for axis " + axis + " of size " + n);
        }
        Array s = sliceInDim(x, a, i, i + 1);
        return keepdims ? s : Np.squeeze(s, a);
    }

    /** {@code lax.split(x, sizes, axis)}: consecutive pieces of the given sizes, which sum to the axis length. */
    public static Array[] split(Array x, int[] sizes, int axis) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(sizes, "sizes");
        int a = Shape.axis("split", axis, x.ndim());
        int total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new ShapeException("split: sizes must be non-negative, got " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != x.shape(a)) {
            throw new ShapeException("split: sizes " + Arrays.toString(sizes) + " sum to " + total + ", not the length "
                    + x.shape(a) + " of axis " + axis);
        }
        Array[] out = new Array[sizes.length];
        int at = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = sliceInDim(x, a, at, at + sizes[i]);
            at += sizes[i];
        }
        return out;
    }

    // ---------------------------------------------------------------- jax.lax reductions, sorting, products

    /** {@code lax.reduce_max(x, axes)}. */
    public static Array reduceMax(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        return reduce(Primitive.REDUCE_MAX, x, axes);
    }

    /** {@code lax.reduce_min(x, axes)}. */
    public static Array reduceMin(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        return reduce(Primitive.REDUCE_MIN, x, axes);
    }

    /** {@code lax.reduce_prod(x, axes)}. */
    public static Array reduceProd(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        return reduce(Primitive.REDUCE_PROD, x, axes);
    }

    /** {@code lax.reduce_and(x, axes)} of a bool array. */
    public static Array reduceAnd(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        if (x.dtype() != DType.BOOL) {
            LaxOps.integerOnly("reduceAnd", x);
            return Np.bitwiseNot(LaxOps.bitwiseReduce("reduceAnd", Np.bitwiseNot(x), axes, false));
        }
        return Np.all(x, axes, false);
    }

    /** {@code lax.reduce_or(x, axes)} of a bool array (or the bitwise or of integers). */
    public static Array reduceOr(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        if (x.dtype() == DType.BOOL) {
            return Np.any(x, axes, false);
        }
        LaxOps.integerOnly("reduceOr", x);
        return LaxOps.bitwiseReduce("reduceOr", x, axes, false);
    }

    /** {@code lax.reduce_xor(x, axes)}: parity for bool, per bit for integers. */
    public static Array reduceXor(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        if (x.dtype() == DType.BOOL) {
            Array count = Np.sum(convert(x, DType.INT32), axes, false);
            return Np.equal(Np.bitwiseAnd(count, 1), 1);
        }
        LaxOps.integerOnly("reduceXor", x);
        return LaxOps.bitwiseReduce("reduceXor", x, axes, true);
    }

    /** {@code lax.argmax(x, axis, index_dtype)}: the first largest (NaN counts as largest). */
    public static Array argmax(Array x, int axis, DType indexDtype) {
        Objects.requireNonNull(indexDtype, "indexDtype");
        return convert(Np.argmax(x, axis), indexDtype);
    }

    /** {@code lax.argmin(x, axis, index_dtype)}: the first smallest (NaN counts as smallest). */
    public static Array argmin(Array x, int axis, DType indexDtype) {
        Objects.requireNonNull(indexDtype, "indexDtype");
        return convert(Np.argmin(x, axis), indexDtype);
    }

    /**
     * {@code lax.sort(operands, dimension, is_stable, num_keys)}: the operands (one shape) sorted
     * together along {@code dimension}, ordered by the first {@code numKeys} of them
     * lexicographically; floats order -0 before +0 and NaN last. Kiln's sort is always stable.
     */
    public static Array[] sort(Array[] operands, int dimension, int numKeys) {
        NullChecks.elements(operands, "operands");
        if (operands.length == 0) {
            throw new KilnException("sort: needs at least one operand");
        }
        if (numKeys < 1 || numKeys > operands.length) {
            throw new KilnException("sort: numKeys must be in [1, " + operands.length + "], got " + numKeys);
        }
        for (Array o : operands) {
            if (!Arrays.equals(o.shape(), operands[0].shape())) {
                throw new ShapeException("sort: the operands must share one shape, got " + Shape.toString(o.shape())
                        + " and " + Shape.toString(operands[0].shape()));
            }
        }
        int d = Shape.axis("sort", dimension, operands[0].ndim());
        Array perm = null;
        for (int k = numKeys - 1; k >= 0; k--) {
            Array key = perm == null ? operands[k] : Np.takeAlongAxis(operands[k], perm, d);
            Array p = Np.argsort(key, d);
            perm = perm == null ? p : Np.takeAlongAxis(perm, p, d);
        }
        Array[] out = new Array[operands.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Np.takeAlongAxis(operands[i], perm, d);
        }
        return out;
    }

    /** {@code lax.sort(x, dimension)} of one operand. */
    public static Array sort(Array x, int dimension) {
        Objects.requireNonNull(x, "x");
        return sort(new Array[] {x}, dimension, 1)[0];
    }

    /** {@code lax.sort_key_val(keys, values, dimension)}: the values reordered as the keys sort. */
    public static Array[] sortKeyVal(Array keys, Array values, int dimension) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(values, "values");
        return sort(new Array[] {keys, values}, dimension, 1);
    }

    /** {@code lax.dot(lhs, rhs)}: vector and matrix products of operands of one dtype. */
    public static Array dot(Array lhs, Array rhs) {
        Objects.requireNonNull(lhs, "lhs");
        Objects.requireNonNull(rhs, "rhs");
        if (lhs.ndim() < 1 || lhs.ndim() > 2 || rhs.ndim() < 1 || rhs.ndim() > 2) {
            throw new ShapeException("dot: needs 1-d or 2-d operands, got shapes " + Shape.toString(lhs.shape())
                    + " and " + Shape.toString(rhs.shape()) + "; use Lax.dotGeneral for more dimensions");
        }
        if (lhs.dtype() != rhs.dtype()) {
            throw new DTypeException(
                    "dot: requires operands of the same dtype, got " + lhs.dtype() + " and " + rhs.dtype());
        }
        return Np.dot(lhs, rhs);
    }

    /** {@code lax.batch_matmul(lhs, rhs)}: matrix products over matching leading (batch) dimensions. */
    public static Array batchMatmul(Array lhs, Array rhs) {
        Objects.requireNonNull(lhs, "lhs");
        Objects.requireNonNull(rhs, "rhs");
        if (lhs.ndim() < 2
                || lhs.ndim() != rhs.ndim()
                || !Arrays.equals(
                        Arrays.copyOf(lhs.shape(), lhs.ndim() - 2), Arrays.copyOf(rhs.shape(), rhs.ndim() - 2))) {
            throw new ShapeException("batchMatmul: needs operands of one rank (at least 2) with equal batch"
                    + " dimensions, got shapes " + Shape.toString(lhs.shape()) + " and " + Shape.toString(rhs.shape()));
        }
        return Np.matmul(lhs, rhs);
    }

    /** Broadcasts {@code x} to {@code shape}, mapping operand dimension i to output {@code dims[i]}. */
    public static Array broadcastInDim(Array x, int[] shape, int... dims) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dims, "dims");
        return Dispatch.bind(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(shape, dims), x);
    }

    /** Reshapes without checking anything beyond the element count. */
    public static Array reshape(Array x, int... shape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(shape, "shape");
        return Arrays.equals(x.shape(), shape) ? x : Dispatch.bind(Primitive.RESHAPE, new Params.Reshape(shape), x);
    }

    /** An array of {@code shape} whose value is the index along {@code dimension}. */
    public static Array iota(DType dtype, int[] shape, int dimension) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        return Dispatch.bind(Primitive.IOTA, new Params.Iota(dtype, shape, dimension));
    }

    /** Permutes dimensions: output dimension {@code i} is operand dimension {@code perm[i]}; identity is a no-op. */
    public static Array transpose(Array x, int... perm) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(perm, "perm");
        boolean[] seen = new boolean[x.ndim()];
        boolean valid = perm.length == x.ndim();
        for (int i = 0; valid && i < perm.length; i++) {
            valid = perm[i] >= 0 && perm[i] < perm.length && !seen[perm[i]];
            seen[valid ? perm[i] : 0] = true;
        }
        if (!valid) {
            throw new AxisException("transpose: " + Arrays.toString(perm)
                    + " is not a permutation of the axes of an array of shape " + Shape.toString(x.shape())
                    + "; give each axis in [0, " + x.ndim() + ") once");
        }
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return Dispatch.bind(Primitive.TRANSPOSE, new Params.Transpose(perm), x);
            }
        }
        return x;
    }

    /**
     * The strided window {@code start[i], start[i]+strides[i], …} below {@code limit[i]} in each
     * dimension (all non-negative and in range); the whole array is a no-op.
     */
    public static Array slice(Array x, int[] start, int[] limit, int[] strides) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(strides, "strides");
        int[] s = x.shape();
        if (start.length != s.length || limit.length != s.length || strides.length != s.length) {
            throw new ShapeException(
                    "slice: start, limit and strides need one entry per dimension of the operand of shape "
                            + Shape.toString(s) + ", got " + start.length + ", " + limit.length + " and "
                            + strides.length
                            + "; give " + s.length + " of each");
        }
        boolean whole = true;
        for (int i = 0; i < s.length && whole; i++) {
            whole = start[i] == 0 && limit[i] == s[i] && (strides[i] == 1 || s[i] <= 1);
        }
        return whole ? x : Dispatch.bind(Primitive.SLICE, new Params.Slice(start, limit, strides), x);
    }

    /** {@link #slice(Array, int[], int[], int[])} with unit strides. */
    public static Array slice(Array x, int[] start, int[] limit) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(limit, "limit");
        int[] ones = new int[start.length];
        Arrays.fill(ones, 1);
        return slice(x, start, limit, ones);
    }

    /** The elements of one axis from {@code start} (inclusive) to {@code limit} (exclusive). */
    public static Array sliceInDim(Array x, int axis, int start, int limit) {
        Objects.requireNonNull(x, "x");
        int[] hi = x.shape();
        int ax = Shape.axis("sliceInDim", axis, hi.length);
        int[] lo = new int[hi.length];
        lo[ax] = start;
        hi[ax] = limit;
        return slice(x, lo, hi);
    }

    /**
     * Pads with the 0-d {@code value} (same dtype): {@code lo}/{@code hi} elements before and after
     * each dimension (negative crops), {@code interior} between neighbours.
     */
    public static Array pad(Array x, Array value, int[] lo, int[] hi, int[] interior) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(lo, "lo");
        Objects.requireNonNull(hi, "hi");
        Objects.requireNonNull(interior, "interior");
        return Dispatch.bind(Primitive.PAD, new Params.Pad(lo, hi, interior), x, value);
    }

    /** Joins arrays of one dtype that match outside {@code axis}; a single operand is returned as is. */
    public static Array concatenate(Array[] xs, int axis) {
        NullChecks.elements(xs, "xs");
        if (xs.length == 0) {
            throw new ShapeException("concatenate: needs at least one array, got none; pass the arrays to join");
        }
        return xs.length == 1 ? xs[0] : Dispatch.bind(Primitive.CONCATENATE, new Params.Axis(axis), xs);
    }

    /** Reverses the listed axes; no axes is a no-op. */
    public static Array rev(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        return axes.length == 0 ? x : Dispatch.bind(Primitive.REV, new Params.Rev(axes), x);
    }

    /**
     * Applies a reduction primitive ({@code REDUCE_SUM}, {@code REDUCE_MAX}, …) over sorted distinct
     * axes, which are removed; no axes is a no-op.
     */
    public static Array reduce(Primitive reduction, Array x, int... axes) {
        Objects.requireNonNull(reduction, "reduction");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        if (reduction.kind() != Primitive.Kind.REDUCE) {
            throw new KilnException("reduce: " + reduction + " is not a reduction primitive; pass one of "
                    + java.util.Arrays.stream(Primitive.values())
                            .filter(q -> q.kind() == Primitive.Kind.REDUCE)
                            .toList());
        }
        return axes.length == 0 ? x : Dispatch.bind(reduction, new Params.Reduce(axes), x);
    }

    /** Sums over sorted distinct axes, keeping the dtype. */
    public static Array reduceSum(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        return reduce(Primitive.REDUCE_SUM, x, axes);
    }

    /**
     * General contraction: pairs {@code lhsContract[i]} with {@code rhsContract[i]} and batches over
     * {@code lhsBatch[i]}/{@code rhsBatch[i]}; the output is batch dimensions, then the free
     * dimensions of {@code lhs}, then those of {@code rhs}. Both operands must share a dtype.
     */
    public static Array dotGeneral(
            Array lhs, Array rhs, int[] lhsContract, int[] rhsContract, int[] lhsBatch, int[] rhsBatch) {
        Objects.requireNonNull(lhs, "lhs");
        Objects.requireNonNull(rhs, "rhs");
        Objects.requireNonNull(lhsContract, "lhsContract");
        Objects.requireNonNull(rhsContract, "rhsContract");
        Objects.requireNonNull(lhsBatch, "lhsBatch");
        Objects.requireNonNull(rhsBatch, "rhsBatch");
        return Dispatch.bind(
                Primitive.DOT_GENERAL, new Params.DotGeneral(lhsContract, rhsContract, lhsBatch, rhsBatch), lhs, rhs);
    }

    /**
     * The window of {@code sizes} starting at {@code starts} (one 0-d integer array per dimension).
     * Negative starts count from the end of their dimension, as in {@code jax.lax.dynamic_slice};
     * starts are then clamped so the window fits, so this never fails on index values.
     *
     * @throws ShapeException when the number of starts or sizes differs from the rank, or a size is
     *     negative or larger than its dimension
     * @throws DTypeException when a start is not a 0-d integer array
     */
    public static Array dynamicSlice(Array x, Array[] starts, int... sizes) {
        Objects.requireNonNull(x, "x");
        NullChecks.elements(starts, "starts");
        Objects.requireNonNull(sizes, "sizes");
        int[] s = x.shape();
        if (sizes.length != s.length) {
            throw new ShapeException("dynamicSlice: " + sizes.length + " sizes given for an array of shape "
                    + Shape.toString(s) + "; give one size per dimension");
        }
        for (int i = 0; i < s.length; i++) {
            if (sizes[i] < 0 || sizes[i] > s[i]) {
                throw new ShapeException("dynamicSlice: window " + Shape.toString(sizes) + " does not fit shape "
                        + Shape.toString(s) + " (dimension " + i + "); each size must be in [0, dimension]");
            }
        }
        Array[] operands = startOperands("dynamicSlice", x, starts);
        return Dispatch.bind(Primitive.DYNAMIC_SLICE, new Params.DynamicSlice(sizes), operands);
    }

    /**
     * {@code x} with the window at {@code starts} replaced by {@code update} (same dtype and rank,
     * no larger in any dimension). Negative starts count from the end; starts are then clamped so
     * the update fits, as in {@code jax.lax.dynamic_update_slice}.
     *
     * @throws ShapeException when ranks differ, the update is larger than {@code x}, or the number of
     *     starts differs from the rank
     * @throws DTypeException when dtypes differ or a start is not a 0-d integer array
     */
    public static Array dynamicUpdateSlice(Array x, Array update, Array... starts) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(update, "update");
        NullChecks.elements(starts, "starts");
        int[] s = x.shape();
        int[] u = update.shape();
        if (update.dtype() != x.dtype()) {
            throw new DTypeException("dynamicUpdateSlice: update has dtype " + update.dtype() + " but the array has "
                    + x.dtype() + "; astype the update first");
        }
        boolean fits = u.length == s.length;
        for (int i = 0; fits && i < s.length; i++) {
            fits = u[i] <= s[i];
        }
        if (!fits) {
            throw new ShapeException("dynamicUpdateSlice: update of shape " + Shape.toString(u)
                    + " does not fit in an array of shape " + Shape.toString(s)
                    + "; the update needs the same rank and no dimension larger than the array's");
        }
        Array[] starting = startOperands("dynamicUpdateSlice", x, starts);
        Array[] operands = new Array[starting.length + 1];
        operands[0] = x;
        operands[1] = update;
        System.arraycopy(starting, 1, operands, 2, starting.length - 1);
        return Dispatch.bind(Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, operands);
    }

    /** {@code x} followed by the start indices, checked, wrapped if negative and of one integer dtype. */
    private static Array[] startOperands(String fn, Array x, Array[] starts) {
        int[] s = x.shape();
        if (starts.length != s.length) {
            throw new ShapeException(fn + ": " + starts.length + " start indices given for an array of shape "
                    + Shape.toString(s) + "; give one 0-d integer array per dimension");
        }
        DType common = DType.INT32;
        for (int i = 0; i < starts.length; i++) {
            Array st = starts[i];
            if (st.ndim() != 0 || !st.dtype().isInteger()) {
                throw new DTypeException(fn + ": start index " + i + " is " + st.spec()
                        + "; each start must be a 0-d integer array, e.g. Np.scalar(3)");
            }
            if (st.dtype() == DType.INT64 || st.dtype() == DType.UINT32) {
                common = DType.INT64;
            }
        }
        Array[] out = new Array[starts.length + 1];
        out[0] = x;
        for (int i = 0; i < starts.length; i++) {
            Array st = convert(starts[i], common);
            Array negative = bind(Primitive.LT, st, Np.filled(common, 0L));
            out[i + 1] = bind(Primitive.SELECT, negative, bind(Primitive.ADD, st, Np.filled(common, (long) s[i])), st);
        }
        return out;
    }

    // ---------------------------------------------------------------- control flow

    /** What one step of {@link #scan} returns: the next carry and this step's output slice. */
    public record Step<C, Y>(C carry, Y y) {
        public static <C, Y> Step<C, Y> of(C carry, Y y) {
            return new Step<>(carry, y);
        }
    }

    /** The final carry of a {@link #scan} and its outputs stacked along a new leading axis. */
    public record ScanResult<C, Y>(C carry, Y ys) {}

    /**
     * {@code onTrue(operand)} if the 0-d {@code predicate} holds, else {@code onFalse(operand)}. On a
     * concrete predicate only the chosen branch runs; on a traced one both branches are traced into
     * a {@code cond} primitive and must return the same structure, shapes and dtypes.
     */
    public static <T, R> R cond(Array predicate, Function<T, R> onTrue, Function<T, R> onFalse, T operand) {
        Objects.requireNonNull(predicate, "predicate");
        Objects.requireNonNull(onTrue, "onTrue");
        Objects.requireNonNull(onFalse, "onFalse");
        if (predicate.dtype() != DType.BOOL) {
            throw new DTypeException("cond: the predicate must be a bool array, got " + predicate.dtype()
                    + "; compare first (e.g. Np.greater(x, 0))");
        }
        return Loops.switchCase("cond", predicate, List.of(onFalse, onTrue), operand);
    }

    /** {@code branches.get(index)(operand)}, with the index clamped into range as XLA does. */
    public static <T, R> R switchCase(Array index, List<Function<T, R>> branches, T operand) {
        Objects.requireNonNull(index, "index");
        NullChecks.elements(branches, "branches");
        if (!index.dtype().isInteger()) {
            throw new DTypeException("switchCase: the index must be an integer array, got " + index.dtype());
        }
        return Loops.switchCase("switchCase", index, branches, operand);
    }

    /**
     * Repeats {@code body} while {@code cond} (a 0-d bool) holds, starting from {@code init}; the
     * carry keeps its structure, shapes and dtypes. Differentiable in forward mode.
     */
    public static <T> T whileLoop(Function<T, Array> cond, Function<T, T> body, T init) {
        Objects.requireNonNull(cond, "cond");
        Objects.requireNonNull(body, "body");
        return Loops.whileLoop(cond, body, init);
    }

    /**
     * {@code body(i, carry)} for i from {@code lower} to {@code upper - 1} (i is a 0-d int32); with
     * this static trip count it is a {@link #scan}, so it is differentiable in reverse mode too.
     */
    public static <T> T forLoop(int lower, int upper, BiFunction<Array, T, T> body, T init) {
        Objects.requireNonNull(body, "body");
        long count = Math.max(0, (long) upper - lower);
        if (count > Integer.MAX_VALUE) {
            throw new ShapeException("forLoop: " + lower + " to " + upper + " is " + count
                    + " iterations, more than a loop can count (2^31 - 1); split the loop");
        }
        int n = (int) count;
        Object[] start = {Np.scalar(lower), init};
        ScanResult<Object[], Object> r = scan(
                (Object[] c, Object x) -> {
                    @SuppressWarnings("unchecked")
                    T next = body.apply((Array) c[0], (T) c[1]);
                    return Step.of(new Object[] {((Array) c[0]).add(1), next}, null);
                },
                start,
                null,
                n,
                false);
        @SuppressWarnings("unchecked")
        T out = (T) r.carry()[1];
        return out;
    }

    /**
     * Scans {@code f} over the leading axis of {@code xs} (a tree of arrays), threading a carry:
     * {@code f(carry, x_i)} returns the next carry and an output slice; the result has the final
     * carry and the slices stacked. Differentiable in both modes, and batchable.
     */
    public static <C, X, Y> ScanResult<C, Y> scan(BiFunction<C, X, Step<C, Y>> f, C init, X xs) {
        Objects.requireNonNull(f, "f");
        return Loops.scan(f, init, xs, -1, false);
    }

    /** {@link #scan(BiFunction, Object, Object)} with an explicit length (needed when {@code xs} is null) and direction. */
    public static <C, X, Y> ScanResult<C, Y> scan(
            BiFunction<C, X, Step<C, Y>> f, C init, X xs, int length, boolean reverse) {
        Objects.requireNonNull(f, "f");
        return Loops.scan(f, init, xs, length, reverse);
    }

    // ---------------------------------------------------------------- collectives over a named axis

    /**
     * The sum of {@code x} over the members of the mapped axis {@code axisName} (a {@link
     * Kiln#pmap} axis, or a {@link Kiln#vmap(java.util.function.Function, String)} one); every member
     * gets the total. Its transpose is a psum of the cotangents, as in JAX.
     */
    public static Array psum(Array x, String axisName) {
        return Collectives.reduce(dev.kiln.ir.Primitive.PSUM, "psum", x, axisName);
    }

    /** The mean of {@code x} over the members of {@code axisName}: {@code psum(x) / axisSize}. */
    public static Array pmean(Array x, String axisName) {
        int n = Collectives.axisSize(axisName);
        return Np.divide(psum(x, axisName), n);
    }

    /** The elementwise maximum over the members of {@code axisName} (NaN wins). */
    public static Array pmax(Array x, String axisName) {
        return Collectives.reduce(dev.kiln.ir.Primitive.PMAX, "pmax", x, axisName);
    }

    /** The elementwise minimum over the members of {@code axisName} (NaN wins). */
    public static Array pmin(Array x, String axisName) {
        return Collectives.reduce(dev.kiln.ir.Primitive.PMIN, "pmin", x, axisName);
    }

    /** Every member's {@code x} stacked on a new leading axis, in member order. */
    public static Array allGather(Array x, String axisName) {
        return allGather(x, axisName, 0, false);
    }

    /**
     * Every member's {@code x}, stacked on a new axis {@code axis} or, when {@code tiled},
     * concatenated along {@code axis}. Its transpose is {@link #psumScatter}.
     */
    public static Array allGather(Array x, String axisName, int axis, boolean tiled) {
        return Collectives.allGather(x, axisName, axis, tiled);
    }

    /**
     * The sum over members, scattered: member i keeps block i of {@code axis} ({@code axis} has one
     * entry per member, removed from the result, or, when {@code tiled}, a multiple of the member
     * count, cut into equal blocks). Its transpose is {@link #allGather}.
     */
    public static Array psumScatter(Array x, String axisName, int axis, boolean tiled) {
        return Collectives.psumScatter(x, axisName, axis, tiled);
    }

    /**
     * Sends each member's {@code x} along the {@code {source, destination}} pairs of {@code perm};
     * a member no pair sends to gets zeros. Its transpose is the inverse permutation.
     */
    public static Array ppermute(Array x, String axisName, int[][] perm) {
        return Collectives.ppermute(x, axisName, perm);
    }

    /**
     * Splits {@code splitAxis} (whose length is the member count) and sends block j to member j;
     * each member stacks what it receives, in member order, on a new axis {@code concatAxis} of the
     * result (whose other axes are {@code x}'s without {@code splitAxis}).
     */
    public static Array allToAll(Array x, String axisName, int splitAxis, int concatAxis) {
        return Collectives.allToAll(x, axisName, splitAxis, concatAxis);
    }

    /**
     * {@code jax.lax.ragged_dot}: {@code lhs} {@code [m, k]} times one of the {@code g} matrices of
     * {@code rhs} {@code [g, k, n]} per row: rows are given to the groups in order, {@code
     * groupSizes[j]} rows to group {@code j}; rows past the last group get zeros. Built as one product
     * with every group's matrix and a gather of each row's group, so it differentiates and batches.
     */
    public static Array raggedDot(Array lhs, Array rhs, Array groupSizes) {
        java.util.Objects.requireNonNull(lhs, "lhs");
        java.util.Objects.requireNonNull(rhs, "rhs");
        java.util.Objects.requireNonNull(groupSizes, "groupSizes");
        if (lhs.ndim() != 2 || rhs.ndim() != 3 || groupSizes.ndim() != 1) {
            throw new ShapeException("raggedDot: expected lhs [m, k], rhs [g, k, n] and groupSizes [g], got "
                    + lhs.spec() + ", " + rhs.spec() + " and " + groupSizes.spec());
        }
        if (!groupSizes.dtype().isInteger()) {
            throw new DTypeException("raggedDot: groupSizes must be integers, got " + groupSizes.dtype());
        }
        int m = lhs.shape()[0];
        int k = lhs.shape()[1];
        int g = rhs.shape()[0];
        int n = rhs.shape()[2];
        if (groupSizes.shape()[0] != g) {
            throw new ShapeException("raggedDot: expected rhs group dimension size to be "
                    + groupSizes.shape()[0] + " (the length of groupSizes), got " + g);
        }
        if (rhs.shape()[1] != k) {
            throw new ShapeException("raggedDot: lhs contracts " + k + " columns but rhs has " + rhs.shape()[1]
                    + " rows per group; they must match");
        }
        Array ends = Np.cumsum(groupSizes.astype(DType.INT32), 0);
        Array group = Np.searchsorted(ends, Np.arange(m), "right"); // each row's group, g past the last
        Array all = Np.matmul(lhs, Np.transpose(rhs, 1, 0, 2).reshape(k, g * n)).reshape(m, g, n);
        Array pick = Np.minimum(group, g - 1).reshape(m, 1, 1);
        Array rows = Np.takeAlongAxis(all, Np.broadcastTo(pick, m, 1, n), 1).reshape(m, n);
        return Np.where(Np.less(group, g).reshape(m, 1), rows, Np.zerosLike(rows));
    }

    /** {@link #rngBitGenerator}'s result: the next state and the bits. */
    public record RngBits(Array key, Array bits) {}

    /**
     * {@code jax.lax.rng_bit_generator(key, shape, dtype)} with the default algorithm as XLA runs
     * it on CPU (Philox-4x32-10, see {@code PhiloxBits}): bit-exact with JAX, the uint32[4] key in,
     * the advanced key and random bits of {@code shape} out; dtype uint8, uint16 or uint32. Built
     * from integer primitives, so it jits and batches.
     *
     * @throws ShapeException when the key is not uint32 of shape (4,) or the shape is negative
     * @throws DTypeException for a dtype other than uint8, uint16, uint32
     */
    public static RngBits rngBitGenerator(Array key, int[] shape, DType dtype) {
        return PhiloxBits.generate("rngBitGenerator", key, shape, dtype);
    }

    /** {@link #rngBitGenerator(Array, int[], DType)} of uint32 bits. */
    public static RngBits rngBitGenerator(Array key, int... shape) {
        return rngBitGenerator(key, shape, DType.UINT32);
    }

    /**
     * {@code jax.lax.ragged_dot_general} with {@code group_sizes} of shape {@code [g]}: a {@link
     * #dotGeneral} whose lhs dimension {@code lhsRaggedDimensions[0]} is cut into consecutive groups
     * of {@code groupSizes} (positions past their sum belong to no group). Three modes, by the kind
     * of that dimension: a free dimension of lhs, each group then multiplied by its own slice of
     * rhs's group dimension {@code rhsGroupDimensions[0]} (the result is dot_general's, without
     * that dimension); a contracting dimension (rhs has no group dimension), each group contracted
     * on its own, the groups leading the result {@code [g, batch..., lhs free..., rhs free...]}; a
     * batch dimension, which is a plain dot_general. The operands promote to a common dtype. Written
     * as a masked dot_general, so it differentiates, batches and jits.
     *
     * @throws ShapeException on bad dimension numbers, a ragged dimension that is not exactly one,
     *     a group dimension where the mode has none (or none where it needs one), or sizes that do
     *     not match
     * @throws DTypeException when groupSizes is not an integer array
     */
    public static Array raggedDotGeneral(
            Array lhs,
            Array rhs,
            Array groupSizes,
            int[] lhsContract,
            int[] rhsContract,
            int[] lhsBatch,
            int[] rhsBatch,
            int[] lhsRaggedDimensions,
            int[] rhsGroupDimensions) {
        String fn = "raggedDotGeneral";
        Objects.requireNonNull(lhs, "lhs");
        Objects.requireNonNull(rhs, "rhs");
        Objects.requireNonNull(groupSizes, "groupSizes");
        Objects.requireNonNull(lhsContract, "lhsContract");
        Objects.requireNonNull(rhsContract, "rhsContract");
        Objects.requireNonNull(lhsBatch, "lhsBatch");
        Objects.requireNonNull(rhsBatch, "rhsBatch");
        Objects.requireNonNull(lhsRaggedDimensions, "lhsRaggedDimensions");
        Objects.requireNonNull(rhsGroupDimensions, "rhsGroupDimensions");
        if (!groupSizes.dtype().isInteger()) {
            throw new DTypeException(fn + ": groupSizes must be integers, got " + groupSizes.dtype()
                    + "; pass the group lengths as an int32 array");
        }
        if (groupSizes.ndim() != 1) {
            throw new ShapeException(fn + ": groupSizes must have shape [g], got " + groupSizes.spec()
                    + "; Kiln takes one list of group sizes shared by all batch positions");
        }
        if (lhsRaggedDimensions.length != 1) {
            throw new ShapeException(fn + ": lhs must have exactly one ragged dimension, got "
                    + Arrays.toString(lhsRaggedDimensions) + "; name one dimension of lhs");
        }
        if (rhsGroupDimensions.length > 1) {
            throw new ShapeException(fn + ": rhs may have at most one group dimension, got "
                    + Arrays.toString(rhsGroupDimensions) + "; name one or none");
        }
        int r = lhsRaggedDimensions[0];
        if (r < 0 || r >= lhs.ndim()) {
            throw new AxisException(fn + ": lhs ragged dimension " + r + " is out of range for lhs of rank "
                    + lhs.ndim() + "; it must be in [0, " + lhs.ndim() + ")");
        }
        int g = groupSizes.shape(0);
        boolean contracting = contains(lhsContract, r);
        boolean batch = contains(lhsBatch, r);
        int[] group = rhsGroupDimensions;
        if (group.length == 1 && (group[0] < 0 || group[0] >= rhs.ndim())) {
            throw new AxisException(fn + ": rhs group dimension " + group[0] + " is out of range for rhs of rank "
                    + rhs.ndim() + "; it must be in [0, " + rhs.ndim() + ")");
        }
        if ((contracting || batch) && group.length == 1) {
            throw new ShapeException(fn + ": rhs must have no group dimension when the lhs ragged dimension "
                    + r + " is a " + (contracting ? "contracting" : "batch") + " dimension, got "
                    + Arrays.toString(group) + "; pass an empty rhsGroupDimensions");
        }
        if (!contracting && !batch && group.length == 0) {
            throw new ShapeException(fn + ": the lhs ragged dimension " + r + " is a free dimension, so rhs needs a"
                    + " group dimension of size " + g + "; name it in rhsGroupDimensions");
        }
        if (group.length == 1
                && (rhs.shape(group[0]) != g || contains(rhsContract, group[0]) || contains(rhsBatch, group[0]))) {
            throw new ShapeException(fn + ": rhs group dimension " + group[0] + " of rhs " + rhs.spec()
                    + " must have size " + g + " (the length of groupSizes) and be neither contracting nor batch");
        }
        DType t = DType.promote(lhs.dtype(), rhs.dtype());
        Array x = Np.astype(lhs, t);
        Array y = Np.astype(rhs, t);
        if (batch) {
            return dotGeneral(x, y, lhsContract, rhsContract, lhsBatch, rhsBatch);
        }
        // mask[j, i]: position i of the ragged dimension lies in group j
        int n = x.shape(r);
        Array ends = Np.cumsum(groupSizes.astype(DType.INT32), 0);
        Array starts = Np.subtract(ends, groupSizes.astype(DType.INT32));
        Array pos = Np.arange(n);
        Array mask = Np.astype(
                Np.logicalAnd(Np.greaterEqual(pos, Np.expandDims(starts, 1)), Np.less(pos, Np.expandDims(ends, 1))), t);
        int[] maskShape = new int[x.ndim() + 1];
        Arrays.fill(maskShape, 1);
        maskShape[0] = g;
        maskShape[r + 1] = n;
        Array grouped = Np.multiply(Np.expandDims(x, 0), Np.reshape(mask, maskShape)); // (g, lhs...)
        int[] lc = shifted(lhsContract);
        if (contracting) {
            Array out = dotGeneral(grouped, y, lc, rhsContract, shifted(lhsBatch), rhsBatch);
            return Np.moveaxis(out, lhsBatch.length, 0);
        }
        int[] lb = new int[lhsBatch.length + 1];
        int[] rb = new int[rhsBatch.length + 1];
        lb[0] = 0;
        rb[0] = group[0];
        for (int i = 0; i < lhsBatch.length; i++) {
            lb[i + 1] = lhsBatch[i] + 1;
        }
        System.arraycopy(rhsBatch, 0, rb, 1, rhsBatch.length);
        return Np.sum(dotGeneral(grouped, y, lc, rhsContract, lb, rb), 0);
    }

    private static boolean contains(int[] xs, int v) {
        for (int x : xs) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static int[] shifted(int[] dims) {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i] + 1;
        }
        return out;
    }

    /**
     * {@code jax.lax.pshuffle}: member {@code i} gets the {@code x} of member {@code perm[i]} ({@link
     * #ppermute} with the sources listed per destination); {@code perm} must name each member once.
     */
    public static Array pshuffle(Array x, String axisName, int... perm) {
        java.util.Objects.requireNonNull(x, "x");
        java.util.Objects.requireNonNull(axisName, "axisName");
        java.util.Objects.requireNonNull(perm, "perm");
        int n = Collectives.axisSize(axisName);
        boolean[] seen = new boolean[n];
        boolean ok = perm.length == n;
        for (int i = 0; ok && i < n; i++) {
            ok = perm[i] >= 0 && perm[i] < n && !seen[perm[i]];
            if (ok) {
                seen[perm[i]] = true;
            }
        }
        if (!ok) {
            throw new AxisException("pshuffle: perm " + java.util.Arrays.toString(perm) + " does not represent a"
                    + " permutation of the " + n + " members of axis '" + axisName + "'; list each of 0.." + (n - 1)
                    + " once");
        }
        int[][] pairs = new int[n][];
        for (int i = 0; i < n; i++) {
            pairs[i] = new int[] {perm[i], i};
        }
        return Collectives.ppermute(x, axisName, pairs);
    }

    /**
     * {@code jax.lax.pswapaxes}: swaps the mapped axis {@code axisName} with axis {@code axis} of
     * {@code x}, whose length must be the member count ({@link #allToAll} with the split and stacked
     * axis both {@code axis}).
     */
    public static Array pswapaxes(Array x, String axisName, int axis) {
        java.util.Objects.requireNonNull(x, "x");
        java.util.Objects.requireNonNull(axisName, "axisName");
        int n = Collectives.axisSize(axisName);
        int ax = Shape.axis("pswapaxes", axis, x.ndim());
        if (x.shape()[ax] != n) {
            throw new ShapeException("pswapaxes: axis " + axis + " of x has length " + x.shape()[ax] + " but axis '"
                    + axisName + "' has " + n + " members; the swapped axes must have the same length");
        }
        return Collectives.allToAll(x, axisName, ax, ax);
    }

    /**
     * {@code jax.lax.pbroadcast}: every member gets member {@code source}'s {@code x} (as JAX defines it,
     * {@code psum(where(axis_index == source, x, 0))}).
     */
    public static Array pbroadcast(Array x, String axisName, int source) {
        java.util.Objects.requireNonNull(x, "x");
        java.util.Objects.requireNonNull(axisName, "axisName");
        int n = Collectives.axisSize(axisName);
        if (source < 0 || source >= n) {
            throw new AxisException("pbroadcast: source " + source + " is not a member of axis '" + axisName
                    + "' (it has " + n + "); pick one of 0.." + (n - 1));
        }
        Array mine = Np.equal(Collectives.axisIndex(axisName), source);
        return Collectives.reduce(
                dev.kiln.ir.Primitive.PSUM, "pbroadcast", Np.where(mine, x, Np.zerosLike(x)), axisName);
    }

    /**
     * {@code jax.lax.dtype}: the dtype of an array, a {@link DType} itself, or the dtype a Java scalar
     * becomes ({@code Np.scalar}: Boolean bool, Integer int32, Long int64, Float float32, Double float64).
     */
    public static DType dtype(Object x) {
        java.util.Objects.requireNonNull(x, "x");
        return switch (x) {
            case Array a -> a.dtype();
            case DType d -> d;
            case Boolean b -> DType.BOOL;
            case Integer i -> DType.INT32;
            case Short i -> DType.INT32;
            case Byte i -> DType.INT32;
            case Long l -> DType.INT64;
            case Float f -> DType.FLOAT32;
            case Double d -> DType.FLOAT64;
            default ->
                throw new DTypeException("dtype: a " + x.getClass().getName() + " has no dtype; pass an Array, a DType"
                        + " or a Java boolean or number");
        };
    }

    /** This member's index along {@code axisName}, an int32 scalar. */
    public static Array axisIndex(String axisName) {
        return Collectives.axisIndex(axisName);
    }

    /** The number of members of {@code axisName}. */
    public static int axisSize(String axisName) {
        return Collectives.axisSize(axisName);
    }

    /**
     * {@link #psum} over several axes at once (JAX's tuple of axis names): the sum over every member of
     * every named axis, as over one axis of their product; no names leave {@code x} as it is.
     */
    public static Array psum(Array x, String... axisNames) {
        return Collectives.reduceOver(dev.kiln.ir.Primitive.PSUM, "psum", x, axisNames);
    }

    /** {@link #pmean} over several axes at once: the sum over all their members divided by their count. */
    public static Array pmean(Array x, String... axisNames) {
        int n = Collectives.axisSize(axisNames);
        return Np.divide(psum(x, axisNames), n);
    }

    /**
     * {@link #psum} of every leaf of a pytree (JAX's {@code psum} of a tree), with one collective per
     * dtype for all the leaves: they are joined, summed together and cut back, so the devices meet once
     * instead of once per leaf (the gradients of a data-parallel step, say).
     */
    public static <T> T psumTree(T tree, String axisName) {
        return Collectives.reduceTree("psumTree", tree, axisName, false);
    }

    /** {@link #pmean} of every leaf of a pytree, with one collective per dtype (see {@link #psumTree}). */
    public static <T> T pmeanTree(T tree, String axisName) {
        return Collectives.reduceTree("pmeanTree", tree, axisName, true);
    }

    /** {@link #pmax} over several axes at once. */
    public static Array pmax(Array x, String... axisNames) {
        return Collectives.reduceOver(dev.kiln.ir.Primitive.PMAX, "pmax", x, axisNames);
    }

    /** {@link #pmin} over several axes at once. */
    public static Array pmin(Array x, String... axisNames) {
        return Collectives.reduceOver(dev.kiln.ir.Primitive.PMIN, "pmin", x, axisNames);
    }

    /**
     * This member's index over several axes taken as one, the first name the slowest (JAX's tuple of
     * axis names): {@code axisIndex(a) · axisSize(b) + axisIndex(b)} for two.
     */
    public static Array axisIndex(String... axisNames) {
        return Collectives.axisIndex(axisNames);
    }

    /** The number of members of several axes taken as one: the product of their sizes. */
    public static int axisSize(String... axisNames) {
        return Collectives.axisSize(axisNames);
    }

    // ---------------------------------------------------------------- breadth, part 1 (issue 14)

    /**
     * The {@code k} largest elements along the last axis and their int32 indices, largest first
     * (ties: lower index first), as {@code jax.lax.top_k}: {@code [values, indices]}.
     *
     * @throws ShapeException when k is negative or larger than the last axis
     */
    public static Array[] topK(Array x, int k) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() == 0 || k < 0 || k > x.shape(x.ndim() - 1)) {
            throw new ShapeException(
                    "topK: k = " + k + " must lie in [0, " + (x.ndim() == 0 ? 0 : x.shape(x.ndim() - 1))
                            + "], the length of the last axis of shape " + Shape.toString(x.shape()));
        }
        int last = x.ndim() - 1;
        Array order = sliceInDim(Sorting.argsortLast(x, true), last, 0, k);
        return new Array[] {Np.takeAlongAxis(x, order, last, "clip"), order};
    }

    /**
     * The representable value next to {@code x} in the direction of {@code y}, as {@code
     * jax.lax.nextafter}: both operands of one floating dtype (no promotion, unlike {@link
     * Np#nextafter}), broadcast as NumPy does.
     *
     * @throws DTypeException when the dtypes differ or are not floating
     */
    public static Array nextafter(Array x, Array y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.dtype() != y.dtype() || !x.dtype().isFloating()) {
            throw new DTypeException("nextafter: operands must share one floating dtype, got " + x.dtype() + " and "
                    + y.dtype() + "; convert them first (Lax.convert), or use Np.nextafter, which promotes");
        }
        return Np.nextafter(x, y);
    }

    /** {@code jax.lax.bessel_i0e}: {@link Special#i0e} of a floating array. */
    public static Array besselI0e(Array x) {
        return Special.i0e(requireFloating("besselI0e", x));
    }

    /** {@code jax.lax.bessel_i1e}: {@link Special#i1e} of a floating array. */
    public static Array besselI1e(Array x) {
        return Special.i1e(requireFloating("besselI1e", x));
    }

    private static Array requireFloating(String fn, Array x) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            throw new DTypeException(fn + ": x must be float32 or float64, got " + x.dtype()
                    + "; convert it first (Lax.convert), or use Special."
                    + fn.replace("bessel", "").toLowerCase(java.util.Locale.ROOT)
                    + ", which promotes");
        }
        return x;
    }

    /** Same as {@link #forLoop}, spelled as {@code jax.lax.fori_loop}. */
    public static <T> T foriLoop(int lower, int upper, BiFunction<Array, T, T> body, T init) {
        return forLoop(lower, upper, body, init);
    }

    /**
     * {@code f} applied to each slice of {@code xs} along its leading axis, results stacked, as
     * {@code jax.lax.map} (a {@link #scan} with no carry).
     */
    public static <X, Y> Y map(Function<X, Y> f, X xs) {
        java.util.Objects.requireNonNull(f, "f");
        ScanResult<Array, Y> r = scan((Array c, X x) -> Step.of(c, f.apply(x)), Np.zeros(DType.INT32), xs);
        return r.ys();
    }

    /**
     * All prefix combinations of {@code elems} along {@code axis} under the associative {@code fn}
     * ({@code out[i] = fn(...fn(fn(x[0], x[1]), x[2])..., x[i])}), as {@code jax.lax.associative_scan}:
     * {@code ceil(log2 n)} rounds, each combining every element with the one {@code 2^r} before it.
     */
    public static Array associativeScan(java.util.function.BinaryOperator<Array> fn, Array elems, int axis) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(elems, "elems");
        int a = Shape.axis("associativeScan", axis, elems.ndim());
        int n = elems.shape(a);
        Array x = elems;
        for (int d = 1; d < n; d <<= 1) {
            Array head = sliceInDim(x, a, 0, d);
            Object res = fn.apply(sliceInDim(x, a, 0, n - d), sliceInDim(x, a, d, n));
            if (!(res instanceof Array combined)) {
                throw new TreeException("associativeScan: the function must return an Array, got "
                        + Transforms.describe(res) + "; return the combination of its two arguments");
            }
            x = concatenate(new Array[] {head, combined}, a);
        }
        return x;
    }

    // ---------------------------------------------------------------- convolution and windows

    /**
     * {@code jax.lax.conv_general_dilated} with JAX's defaults: unit dilations, the (NCH…, OIH…,
     * NCH…) layout, no groups. {@code padding} is "VALID", "SAME" or "SAME_LOWER".
     */
    public static Array convGeneralDilated(Array lhs, Array rhs, int[] windowStrides, String padding) {
        return convGeneralDilated(lhs, rhs, windowStrides, padding, null, null, null, 1, 1, null);
    }

    /** {@code conv_general_dilated} with explicit (lo, hi) padding pairs (negative crops). */
    public static Array convGeneralDilated(Array lhs, Array rhs, int[] windowStrides, int[][] padding) {
        return convGeneralDilated(lhs, rhs, windowStrides, padding, null, null, null, 1, 1, null);
    }

    /** {@code conv_general_dilated} with dilations and layout strings, e.g. {"NHWC", "HWIO", "NHWC"}. */
    public static Array convGeneralDilated(
            Array lhs,
            Array rhs,
            int[] windowStrides,
            String padding,
            int[] lhsDilation,
            int[] rhsDilation,
            String[] dimensionNumbers) {
        return convGeneralDilated(
                lhs, rhs, windowStrides, padding, lhsDilation, rhsDilation, dimensionNumbers, 1, 1, null);
    }

    /** {@code conv_general_dilated} with (lo, hi) padding pairs, dilations and layout strings. */
    public static Array convGeneralDilated(
            Array lhs,
            Array rhs,
            int[] windowStrides,
            int[][] padding,
            int[] lhsDilation,
            int[] rhsDilation,
            String[] dimensionNumbers) {
        return convGeneralDilated(
                lhs, rhs, windowStrides, padding, lhsDilation, rhsDilation, dimensionNumbers, 1, 1, null);
    }

    /**
     * {@code jax.lax.conv_general_dilated}: an N-d convolution (cross-correlation, the kernel not
     * flipped) of {@code lhs} with the kernel {@code rhs}. Null dilations mean ones; null {@code
     * dimensionNumbers} the (NCH…, OIH…, NCH…) layout; {@code featureGroupCount} splits the input
     * features into groups (depthwise when it equals them), {@code batchGroupCount} the batch;
     * {@code preferredElementType} (or null) converts both operands and so the result. String
     * padding is resolved against the kernel's dilated size as {@code jax.lax.padtype_to_pads}
     * does and is refused with input dilation, as in JAX. Written with pad, slice, reshape and one
     * {@code dot_general} (im2col), so it differentiates, batches and jits from those parts.
     *
     * @throws ShapeException on mismatched ranks, feature counts, layouts, strides or a window
     *     larger than the padded input
     * @throws DTypeException when the operands' dtypes differ and no preferred type is given
     */
    public static Array convGeneralDilated(
            Array lhs,
            Array rhs,
            int[] windowStrides,
            String padding,
            int[] lhsDilation,
            int[] rhsDilation,
            String[] dimensionNumbers,
            int featureGroupCount,
            int batchGroupCount,
            DType preferredElementType) {
        return Convolution.general(
                "convGeneralDilated",
                lhs,
                rhs,
                windowStrides,
                padding,
                lhsDilation,
                rhsDilation,
                dimensionNumbers,
                featureGroupCount,
                batchGroupCount,
                preferredElementType);
    }

    /** {@link #convGeneralDilated(Array, Array, int[], String, int[], int[], String[], int, int, DType)} with padding pairs. */
    public static Array convGeneralDilated(
            Array lhs,
            Array rhs,
            int[] windowStrides,
            int[][] padding,
            int[] lhsDilation,
            int[] rhsDilation,
            String[] dimensionNumbers,
            int featureGroupCount,
            int batchGroupCount,
            DType preferredElementType) {
        String fn = "convGeneralDilated";
        Convolution.Dims dn = Convolution.parse(fn, Convolution.checkRanks(fn, lhs, rhs), dimensionNumbers);
        return Convolution.general(
                fn,
                lhs,
                rhs,
                windowStrides,
                padding,
                lhsDilation,
                rhsDilation,
                dn,
                featureGroupCount,
                batchGroupCount,
                preferredElementType);
    }

    /** {@code jax.lax.conv}: NCH… input, OIH… kernel, string padding, no dilation. */
    public static Array conv(Array lhs, Array rhs, int[] windowStrides, String padding) {
        return Convolution.general("conv", lhs, rhs, windowStrides, padding, null, null, null, 1, 1, null);
    }

    /** {@code jax.lax.conv_with_general_padding}: NCH… layout, padding pairs and dilations. */
    public static Array convWithGeneralPadding(
            Array lhs, Array rhs, int[] windowStrides, int[][] padding, int[] lhsDilation, int[] rhsDilation) {
        String fn = "convWithGeneralPadding";
        int rank = Convolution.checkRanks(fn, lhs, rhs);
        return Convolution.general(
                fn, lhs, rhs, windowStrides, padding, lhsDilation, rhsDilation, Convolution.identity(rank), 1, 1, null);
    }

    /** {@code jax.lax.conv_with_general_padding} with string padding. */
    public static Array convWithGeneralPadding(
            Array lhs, Array rhs, int[] windowStrides, String padding, int[] lhsDilation, int[] rhsDilation) {
        return Convolution.general(
                "convWithGeneralPadding", lhs, rhs, windowStrides, padding, lhsDilation, rhsDilation, null, 1, 1, null);
    }

    /**
     * {@code jax.lax.conv_transpose} with its defaults: channels-last layout (NH…C, H…IO), "SAME" or
     * "VALID" read as the padding of the forward convolution, the kernel not flipped.
     */
    public static Array convTranspose(Array lhs, Array rhs, int[] strides, String padding) {
        return convTranspose(lhs, rhs, strides, padding, null, null, false);
    }

    /**
     * {@code jax.lax.conv_transpose}: the input dilated by {@code strides} and convolved with the
     * kernel. {@code transposeKernel} flips the kernel's spatial axes and swaps its in and out
     * features, which makes this the gradient of the forward convolution with that kernel.
     */
    public static Array convTranspose(
            Array lhs,
            Array rhs,
            int[] strides,
            String padding,
            int[] rhsDilation,
            String[] dimensionNumbers,
            boolean transposeKernel) {
        Objects.requireNonNull(padding, "padding");
        return Convolution.transpose(
                "convTranspose",
                lhs,
                rhs,
                strides,
                padding,
                null,
                rhsDilation,
                dimensionNumbers,
                transposeKernel,
                false,
                null);
    }

    /**
     * {@code jax.lax.conv_transpose} with (lo, hi) pairs: padding of the transposed convolution
     * itself, or with {@code useConsistentPadding} the padding of the forward convolution (as
     * PyTorch reads it).
     */
    public static Array convTranspose(
            Array lhs,
            Array rhs,
            int[] strides,
            int[][] padding,
            int[] rhsDilation,
            String[] dimensionNumbers,
            boolean transposeKernel,
            boolean useConsistentPadding) {
        Objects.requireNonNull(padding, "padding");
        return Convolution.transpose(
                "convTranspose",
                lhs,
                rhs,
                strides,
                null,
                padding,
                rhsDilation,
                dimensionNumbers,
                transposeKernel,
                useConsistentPadding,
                null);
    }

    /** The positions of a layout's dimensions, as {@code jax.lax.ConvDimensionNumbers}. */
    public record ConvDimensionNumbers(int[] lhsSpec, int[] rhsSpec, int[] outSpec) {}

    /**
     * {@code jax.lax.conv_dimension_numbers}: where (batch, feature, spatial…), (out, in, spatial…)
     * and the output's (batch, feature, spatial…) sit, for layout strings (null: NCH…, OIH…, NCH…).
     */
    public static ConvDimensionNumbers convDimensionNumbers(int[] lhsShape, int[] rhsShape, String[] dimensionNumbers) {
        Objects.requireNonNull(lhsShape, "lhsShape");
        Objects.requireNonNull(rhsShape, "rhsShape");
        if (lhsShape.length != rhsShape.length) {
            throw new ShapeException("convDimensionNumbers: shapes " + Shape.toString(lhsShape) + " and "
                    + Shape.toString(rhsShape) + " have different ranks; give operands of one rank");
        }
        Convolution.Dims d = Convolution.parse("convDimensionNumbers", lhsShape.length, dimensionNumbers);
        return new ConvDimensionNumbers(d.lhs(), d.rhs(), d.out());
    }

    /** The monoids {@link #reduceWindow} combines with (JAX's {@code lax.add}, {@code max}, {@code min}, {@code mul}). */
    public enum Monoid {
        ADD,
        MAX,
        MIN,
        MUL
    }

    /**
     * {@code jax.lax.reduce_window} with a monoid: each output is {@code init} combined with the
     * elements of one window of {@code x}. {@code padding} is "VALID", "SAME" or "SAME_LOWER";
     * padded positions hold {@code init}. Max pooling is {@code (x, -inf, MAX, window, strides,
     * padding)}, sum pooling {@code (x, 0, ADD, …)}.
     */
    public static Array reduceWindow(
            Array x, double init, Monoid computation, int[] windowDimensions, int[] windowStrides, String padding) {
        Objects.requireNonNull(padding, "padding");
        return ReduceWindow.apply(
                "reduceWindow", x, init, computation, windowDimensions, windowStrides, padding, null, null, null);
    }

    /** {@code reduce_window} naming the monoid: "add" (or "sum"), "max", "min", "mul" (or "prod"). */
    public static Array reduceWindow(
            Array x, double init, String computation, int[] windowDimensions, int[] windowStrides, String padding) {
        return reduceWindow(x, init, monoid(computation), windowDimensions, windowStrides, padding);
    }

    /**
     * {@code jax.lax.reduce_window} in full: (lo, hi) padding pairs and base (input) and window
     * dilations (null means ones). Max and min differentiate as JAX's do: each window's tangent is
     * that of its first element equal to the result.
     */
    public static Array reduceWindow(
            Array x,
            double init,
            Monoid computation,
            int[] windowDimensions,
            int[] windowStrides,
            int[][] padding,
            int[] baseDilation,
            int[] windowDilation) {
        Objects.requireNonNull(padding, "padding");
        return ReduceWindow.apply(
                "reduceWindow",
                x,
                init,
                computation,
                windowDimensions,
                windowStrides,
                null,
                padding,
                baseDilation,
                windowDilation);
    }

    /** {@link #reduceWindow(Array, double, Monoid, int[], int[], int[][], int[], int[])} with string padding. */
    public static Array reduceWindow(
            Array x,
            double init,
            Monoid computation,
            int[] windowDimensions,
            int[] windowStrides,
            String padding,
            int[] baseDilation,
            int[] windowDilation) {
        Objects.requireNonNull(padding, "padding");
        return ReduceWindow.apply(
                "reduceWindow",
                x,
                init,
                computation,
                windowDimensions,
                windowStrides,
                padding,
                null,
                baseDilation,
                windowDilation);
    }

    private static Monoid monoid(String name) {
        Objects.requireNonNull(name, "computation");
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "add", "sum" -> Monoid.ADD;
            case "max" -> Monoid.MAX;
            case "min" -> Monoid.MIN;
            case "mul", "prod" -> Monoid.MUL;
            default ->
                throw new KilnException("reduceWindow: computation \"" + name
                        + "\" is not a monoid Kiln knows; use \"add\", \"max\", \"min\" or \"mul\"");
        };
    }

    /**
     * {@code jax.lax.cumlogsumexp}: running {@code log(sum(exp(x)))} along {@code axis} (reversed
     * from the end when {@code reverse}), an {@link #associativeScan} of {@link Np#logaddexp}.
     */
    public static Array cumlogsumexp(Array x, int axis, boolean reverse) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("cumlogsumexp", axis, x.ndim());
        Array in = reverse ? rev(x, a) : x;
        Array out = associativeScan(Np::logaddexp, in, a);
        return reverse ? rev(out, a) : out;
    }

    /** {@code jax.lax.cumsum}: running sum along {@code axis}, from the end when {@code reverse}. */
    public static Array cumsum(Array x, int axis, boolean reverse) {
        return cumulative(Np::cumsum, "cumsum", x, axis, reverse);
    }

    /** {@code jax.lax.cumprod}: running product along {@code axis}, from the end when {@code reverse}. */
    public static Array cumprod(Array x, int axis, boolean reverse) {
        return cumulative(Np::cumprod, "cumprod", x, axis, reverse);
    }

    /** {@code jax.lax.cummax}: running maximum along {@code axis}, from the end when {@code reverse}. */
    public static Array cummax(Array x, int axis, boolean reverse) {
        return cumulative(Np::cummax, "cummax", x, axis, reverse);
    }

    /** {@code jax.lax.cummin}: running minimum along {@code axis}, from the end when {@code reverse}. */
    public static Array cummin(Array x, int axis, boolean reverse) {
        return cumulative(Np::cummin, "cummin", x, axis, reverse);
    }

    private static Array cumulative(
            BiFunction<Array, Integer, Array> f, String fn, Array x, int axis, boolean reverse) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis(fn, axis, x.ndim());
        return reverse ? rev(f.apply(rev(x, a), a), a) : f.apply(x, a);
    }

    /**
     * {@code jax.lax.padtype_to_pads}: the (lo, hi) pairs that "VALID", "SAME" (odd extra at the
     * end) or "SAME_LOWER" (at the start) mean for these input sizes, window sizes and strides.
     */
    public static int[][] padtypeToPads(int[] inShape, int[] windowShape, int[] windowStrides, String padding) {
        Objects.requireNonNull(inShape, "inShape");
        Objects.requireNonNull(windowShape, "windowShape");
        int n = inShape.length;
        if (windowShape.length != n) {
            throw new ShapeException("padtypeToPads: " + n + " input sizes but " + windowShape.length
                    + " window sizes; give one of each per dimension");
        }
        return Convolution.pads(
                "padtypeToPads",
                padding,
                inShape,
                windowShape,
                Convolution.positive("padtypeToPads", "windowStrides", windowStrides, n));
    }

    /**
     * {@code jax.lax.conv_general_shape_tuple}: the shape {@link #convGeneralDilated} gives for these
     * operand shapes, strides, padding pairs and layout strings (null: NCH…, OIH…, NCH…).
     */
    public static int[] convGeneralShapeTuple(
            int[] lhsShape, int[] rhsShape, int[] windowStrides, int[][] padding, String[] dimensionNumbers) {
        Objects.requireNonNull(lhsShape, "lhsShape");
        Objects.requireNonNull(rhsShape, "rhsShape");
        String fn = "convGeneralShapeTuple";
        if (lhsShape.length != rhsShape.length || lhsShape.length < 2) {
            throw new ShapeException(fn + ": shapes " + Shape.toString(lhsShape) + " and " + Shape.toString(rhsShape)
                    + " need one rank of at least 2; give operand shapes of one rank");
        }
        int rank = lhsShape.length;
        Convolution.Dims d = Convolution.parse(fn, rank, dimensionNumbers);
        int[] st = Convolution.positive(fn, "windowStrides", windowStrides, rank - 2);
        int[][] pad = Convolution.checkPairs(fn, padding, rank - 2);
        int[] out = new int[rank];
        out[d.out()[0]] = lhsShape[d.lhs()[0]];
        out[d.out()[1]] = rhsShape[d.rhs()[0]];
        for (int i = 0; i < rank - 2; i++) {
            int padded = lhsShape[d.lhs()[2 + i]] + pad[i][0] + pad[i][1];
            out[d.out()[2 + i]] = Math.max(0, Math.floorDiv(padded - rhsShape[d.rhs()[2 + i]], st[i]) + 1);
        }
        return out;
    }

    /**
     * {@code jax.lax.reduce_window_shape_tuple}: the shape {@link #reduceWindow} gives for this
     * operand shape, window, strides, padding pairs and dilations (null: ones).
     */
    public static int[] reduceWindowShapeTuple(
            int[] operandShape,
            int[] windowDimensions,
            int[] windowStrides,
            int[][] padding,
            int[] baseDilation,
            int[] windowDilation) {
        Objects.requireNonNull(operandShape, "operandShape");
        Objects.requireNonNull(windowDimensions, "windowDimensions");
        String fn = "reduceWindowShapeTuple";
        int n = operandShape.length;
        int[] win = Convolution.positive(fn, "windowDimensions", windowDimensions, n);
        int[] st = Convolution.positive(fn, "windowStrides", windowStrides, n);
        int[] bd = Convolution.positive(fn, "baseDilation", baseDilation, n);
        int[] wd = Convolution.positive(fn, "windowDilation", windowDilation, n);
        int[][] pad = Convolution.checkPairs(fn, padding, n);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int padded = Convolution.dilated(operandShape[i], bd[i]) + pad[i][0] + pad[i][1];
            out[i] = Math.max(0, Math.floorDiv(padded - Convolution.dilated(win[i], wd[i]), st[i]) + 1);
        }
        return out;
    }

    // ---------------------------------------------------------------- complex numbers (see ComplexArray)

    /** {@code x + i*y} from two real arrays of one float dtype ({@code lax.complex}). */
    public static ComplexArray complex(Array x, Array y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (!x.dtype().isFloating() || x.dtype() != y.dtype()) {
            throw new DTypeException("complex: needs two float32 or two float64 operands, got " + x.dtype() + " and "
                    + y.dtype() + "; convert them first, or use ComplexArray.of, which promotes");
        }
        return ComplexArray.of(x, y);
    }

    /** The complex conjugate ({@code lax.conj}). */
    public static ComplexArray conj(ComplexArray x) {
        return Objects.requireNonNull(x, "x").conj();
    }

    /** The real part ({@code lax.real}). */
    public static Array real(ComplexArray x) {
        return Objects.requireNonNull(x, "x").real();
    }

    /** The imaginary part ({@code lax.imag}). */
    public static Array imag(ComplexArray x) {
        return Objects.requireNonNull(x, "x").imag();
    }

    /**
     * {@code lax.fft}: the transform {@code fftType} ({@code "FFT"}, {@code "IFFT"}, {@code "RFFT"}
     * or {@code "IRFFT"}) over the trailing {@code fftLengths.length} (1 to 3) axes of an {@link
     * Array} or {@link ComplexArray}. FFT, IFFT and RFFT return a {@link ComplexArray}, IRFFT a real
     * {@link Array}; see {@link Fft} for the typed {@code jnp.fft} functions.
     */
    public static Object fft(Object x, String fftType, int... fftLengths) {
        return Fft.laxFft(x, fftType, fftLengths);
    }

    // ---------------------------------------------------------------- gather and scatter (GatherScatter)

    /**
     * {@code jax.lax.gather} with JAX's defaults: mode {@link GatherScatterMode#PROMISE_IN_BOUNDS}
     * (starts clamped so each slice fits).
     */
    public static Array gather(
            Array operand, Array startIndices, GatherDimensionNumbers dimensionNumbers, int[] sliceSizes) {
        return GatherScatter.gather(operand, startIndices, dimensionNumbers, sliceSizes, null, null);
    }

    /**
     * {@code jax.lax.gather}: slices of {@code sliceSizes} of the operand starting at each index
     * vector (the last axis of {@code startIndices}), laid out by the dimension numbers. {@code
     * uniqueIndices} and {@code indicesAreSorted} are hints Kiln does not need. {@code mode} null
     * is JAX's default (promise in bounds, clamped here); under {@link GatherScatterMode#FILL_OR_DROP}
     * a slice that does not fit reads {@code fillValue} (null: NaN for floats, the least signed
     * integer, the largest unsigned integer, true).
     */
    public static Array gather(
            Array operand,
            Array startIndices,
            GatherDimensionNumbers dimensionNumbers,
            int[] sliceSizes,
            boolean uniqueIndices,
            boolean indicesAreSorted,
            GatherScatterMode mode,
            Number fillValue) {
        return GatherScatter.gather(operand, startIndices, dimensionNumbers, sliceSizes, mode, fillValue);
    }

    /** {@code jax.lax.scatter}: updates replace the operand's windows; JAX's default mode (drop windows that do not fit). */
    public static Array scatter(
            Array operand, Array scatterIndices, Array updates, ScatterDimensionNumbers dimensionNumbers) {
        return scatter(operand, scatterIndices, updates, dimensionNumbers, false, false, null);
    }

    /**
     * {@code jax.lax.scatter}: each update window replaces the operand's window at its index
     * vector (for repeated indices the last in row-major order wins). {@code mode} null is JAX's
     * default, {@link GatherScatterMode#FILL_OR_DROP}: a window that does not fit is dropped; {@link
     * GatherScatterMode#CLIP} clamps it into the operand. The two flags are hints Kiln does not need.
     */
    public static Array scatter(
            Array operand,
            Array scatterIndices,
            Array updates,
            ScatterDimensionNumbers dimensionNumbers,
            boolean indicesAreSorted,
            boolean uniqueIndices,
            GatherScatterMode mode) {
        return GatherScatter.scatter(
                GatherScatter.Combine.SET, operand, scatterIndices, updates, dimensionNumbers, mode);
    }

    /** {@code jax.lax.scatter_add} with JAX's default mode: the updates are added (repeats accumulate). */
    public static Array scatterAdd(
            Array operand, Array scatterIndices, Array updates, ScatterDimensionNumbers dimensionNumbers) {
        return scatterAdd(operand, scatterIndices, updates, dimensionNumbers, false, false, null);
    }

    /** {@code jax.lax.scatter_add}; the arguments are {@link #scatter}'s. */
    public static Array scatterAdd(
            Array operand,
            Array scatterIndices,
            Array updates,
            ScatterDimensionNumbers dimensionNumbers,
            boolean indicesAreSorted,
            boolean uniqueIndices,
            GatherScatterMode mode) {
        return GatherScatter.scatter(
                GatherScatter.Combine.ADD, operand, scatterIndices, updates, dimensionNumbers, mode);
    }

    /** {@code jax.lax.scatter_sub} with JAX's default mode: the updates are subtracted. */
    public static Array scatterSub(
            Array operand, Array scatterIndices, Array updates, ScatterDimensionNumbers dimensionNumbers) {
        return scatterSub(operand, scatterIndices, updates, dimensionNumbers, false, false, null);
    }

    /** {@code jax.lax.scatter_sub}; the arguments are {@link #scatter}'s. */
    public static Array scatterSub(
            Array operand,
            Array scatterIndices,
            Array updates,
            ScatterDimensionNumbers dimensionNumbers,
            boolean indicesAreSorted,
            boolean uniqueIndices,
            GatherScatterMode mode) {
        return GatherScatter.scatter(
                GatherScatter.Combine.SUB, operand, scatterIndices, updates, dimensionNumbers, mode);
    }

    /** {@code jax.lax.scatter_mul} with JAX's default mode: the operand is multiplied by the updates. */
    public static Array scatterMul(
            Array operand, Array scatterIndices, Array updates, ScatterDimensionNumbers dimensionNumbers) {
        return scatterMul(operand, scatterIndices, updates, dimensionNumbers, false, false, null);
    }

    /**
     * {@code jax.lax.scatter_mul}; the arguments are {@link #scatter}'s. Its derivative with respect
     * to the updates assumes distinct indices (JAX computes it only with {@code uniqueIndices}).
     */
    public static Array scatterMul(
            Array operand,
            Array scatterIndices,
            Array updates,
            ScatterDimensionNumbers dimensionNumbers,
            boolean indicesAreSorted,
            boolean uniqueIndices,
            GatherScatterMode mode) {
        return GatherScatter.scatter(
                GatherScatter.Combine.MUL, operand, scatterIndices, updates, dimensionNumbers, mode);
    }

    /** {@code jax.lax.scatter_min} with JAX's default mode: the smaller value is kept. */
    public static Array scatterMin(
            Array operand, Array scatterIndices, Array updates, ScatterDimensionNumbers dimensionNumbers) {
        return scatterMin(operand, scatterIndices, updates, dimensionNumbers, false, false, null);
    }

    /**
     * {@code jax.lax.scatter_min}; the arguments are {@link #scatter}'s. As in JAX, the tangent of a
     * result is shared evenly between the operand and the updates that equal it.
     */
    public static Array scatterMin(
            Array operand,
            Array scatterIndices,
            Array updates,
            ScatterDimensionNumbers dimensionNumbers,
            boolean indicesAreSorted,
            boolean uniqueIndices,
            GatherScatterMode mode) {
        return GatherScatter.scatter(
                GatherScatter.Combine.MIN, operand, scatterIndices, updates, dimensionNumbers, mode);
    }

    /** {@code jax.lax.scatter_max} with JAX's default mode: the larger value is kept. */
    public static Array scatterMax(
            Array operand, Array scatterIndices, Array updates, ScatterDimensionNumbers dimensionNumbers) {
        return scatterMax(operand, scatterIndices, updates, dimensionNumbers, false, false, null);
    }

    /** {@code jax.lax.scatter_max}; the arguments and derivative are {@link #scatterMin}'s. */
    public static Array scatterMax(
            Array operand,
            Array scatterIndices,
            Array updates,
            ScatterDimensionNumbers dimensionNumbers,
            boolean indicesAreSorted,
            boolean uniqueIndices,
            GatherScatterMode mode) {
        return GatherScatter.scatter(
                GatherScatter.Combine.MAX, operand, scatterIndices, updates, dimensionNumbers, mode);
    }

    /**
     * {@code jax.lax.scatter_apply}: {@code func} (element-wise, keeping shape and dtype) applied to
     * the operand's elements in the windows of shape {@code updateShape} at the indices, once per
     * window that covers an element (so twice for a repeated index, as in JAX). JAX's default mode.
     */
    public static Array scatterApply(
            Array operand,
            Array scatterIndices,
            Function<Array, Array> func,
            ScatterDimensionNumbers dimensionNumbers,
            int[] updateShape) {
        return GatherScatter.scatterApply(operand, scatterIndices, func, dimensionNumbers, updateShape, null);
    }

    /** {@code jax.lax.scatter_apply}; {@code mode} as in {@link #scatter}, the flags are hints. */
    public static Array scatterApply(
            Array operand,
            Array scatterIndices,
            Function<Array, Array> func,
            ScatterDimensionNumbers dimensionNumbers,
            int[] updateShape,
            boolean indicesAreSorted,
            boolean uniqueIndices,
            GatherScatterMode mode) {
        return GatherScatter.scatterApply(operand, scatterIndices, func, dimensionNumbers, updateShape, mode);
    }

    // ---------------------------------------------------------------- more jax.lax breadth (LaxMore)

    /** {@code jax.lax.select}: where {@code pred} (bool, rank 0 or the cases' shape) holds, onTrue, else onFalse. */
    public static Array select(Array pred, Array onTrue, Array onFalse) {
        return LaxMore.select(pred, onTrue, onFalse);
    }

    /** {@code jax.lax.stack}: arrays of one dtype and shape stacked along a new axis. */
    public static Array stack(Array[] operands, int axis) {
        return LaxMore.stack(operands, axis);
    }

    /** {@code jax.lax.unstack}: the slices of {@code x} along an axis, that axis removed. */
    public static Array[] unstack(Array x, int axis) {
        return LaxMore.unstack(x, axis);
    }

    /** {@code jax.lax.tile}: the operand repeated {@code reps[i]} times along axis i (one count per axis). */
    public static Array tile(Array operand, int[] reps) {
        return LaxMore.tile(operand, reps);
    }

    /** {@code jax.lax.broadcast_shapes}: the shape NumPy's broadcasting rules give these shapes. */
    public static int[] broadcastShapes(int[]... shapes) {
        Objects.requireNonNull(shapes, "shapes");
        NullChecks.elements(shapes, "shapes");
        return Np.broadcastShapes(shapes);
    }

    /** {@code jax.lax.broadcast_like}: {@code arr} broadcast to the shape of {@code likeArr}. */
    public static Array broadcastLike(Array arr, Array likeArr) {
        return LaxMore.broadcastLike(arr, likeArr);
    }

    /**
     * {@code jax.lax.dynamic_update_index_in_dim}: {@code update} (the operand's rank, size 1 along
     * the axis, or one rank less) written at a traced {@code index} along the axis (negative counts
     * from the end; clamped into range).
     */
    public static Array dynamicUpdateIndexInDim(Array operand, Array update, Object index, int axis) {
        return LaxMore.dynamicUpdateIndexInDim(operand, update, index, axis);
    }

    /**
     * {@code jax.lax.index_take}: for each position of the 1-d index arrays, the slice of {@code
     * src} at those indices along {@code axes} (increasing; each index taken modulo its axis).
     */
    public static Array indexTake(Array src, Array[] idxs, int[] axes) {
        return LaxMore.indexTake(src, idxs, axes);
    }

    /** {@code jax.lax.mulhi}: the high half of the double-width product of integers of one dtype. */
    public static Array mulhi(Object x, Object y) {
        return LaxMore.mulhi(x, y);
    }

    /** {@code jax.lax.empty}: an array of this shape and dtype (Kiln fills it with zeros). */
    public static Array empty(int[] shape, DType dtype) {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dtype, "dtype");
        return Np.zeros(dtype, shape);
    }

    /**
     * {@code jax.lax.approx_max_k}: the k largest along {@code reductionDimension} and their
     * indices, {@code [values, indices]}. Kiln computes them exactly (a valid answer for any
     * recall target, as JAX does on CPU); the last three arguments are accepted as hints.
     */
    public static Array[] approxMaxK(
            Array operand,
            int k,
            int reductionDimension,
            double recallTarget,
            int reductionInputSizeOverride,
            boolean aggregateToTopk) {
        return LaxMore.approxTopK("approxMaxK", operand, k, reductionDimension, recallTarget, true);
    }

    /** {@code jax.lax.approx_max_k} with JAX's defaults (last axis, recall target 0.95). */
    public static Array[] approxMaxK(Array operand, int k) {
        return approxMaxK(operand, k, -1, 0.95, -1, true);
    }

    /** {@code jax.lax.approx_min_k}: the k smallest, as {@link #approxMaxK}. */
    public static Array[] approxMinK(
            Array operand,
            int k,
            int reductionDimension,
            double recallTarget,
            int reductionInputSizeOverride,
            boolean aggregateToTopk) {
        return LaxMore.approxTopK("approxMinK", operand, k, reductionDimension, recallTarget, false);
    }

    /** {@code jax.lax.approx_min_k} with JAX's defaults (last axis, recall target 0.95). */
    public static Array[] approxMinK(Array operand, int k) {
        return approxMinK(operand, k, -1, 0.95, -1, true);
    }

    /**
     * {@code jax.lax.conv_shape_tuple}: the output shape of an NCH…/OIH… convolution with these
     * strides and padding pairs, the batch divided by {@code batchGroupCount}.
     */
    public static int[] convShapeTuple(
            int[] lhsShape, int[] rhsShape, int[] strides, int[][] pads, int batchGroupCount) {
        return LaxMore.convShapeTuple(lhsShape, rhsShape, strides, pads, batchGroupCount);
    }

    /** {@code jax.lax.conv_shape_tuple} with a padding name ("VALID", "SAME", "SAME_LOWER"). */
    public static int[] convShapeTuple(int[] lhsShape, int[] rhsShape, int[] strides, String pads) {
        Objects.requireNonNull(lhsShape, "lhsShape");
        Objects.requireNonNull(rhsShape, "rhsShape");
        Objects.requireNonNull(pads, "pads");
        if (lhsShape.length != rhsShape.length || lhsShape.length < 2) {
            throw new ShapeException("convShapeTuple: shapes " + Shape.toString(lhsShape) + " and "
                    + Shape.toString(rhsShape) + " need one rank of at least 2");
        }
        int n = lhsShape.length - 2;
        int[][] p = Convolution.pads(
                "convShapeTuple",
                pads,
                Arrays.copyOfRange(lhsShape, 2, n + 2),
                Arrays.copyOfRange(rhsShape, 2, n + 2),
                Convolution.positive("convShapeTuple", "strides", strides, n));
        return LaxMore.convShapeTuple(lhsShape, rhsShape, strides, p, 1);
    }

    /**
     * {@code jax.lax.conv_transpose_shape_tuple}: the output shape of {@link #convTranspose} for
     * these shapes, strides, "SAME" or "VALID" padding and layout strings.
     */
    public static int[] convTransposeShapeTuple(
            int[] lhsShape, int[] rhsShape, int[] windowStrides, String padding, String[] dimensionNumbers) {
        Objects.requireNonNull(padding, "padding");
        return LaxMore.convTransposeShapeTuple(lhsShape, rhsShape, windowStrides, padding, null, dimensionNumbers);
    }

    /** {@code jax.lax.conv_transpose_shape_tuple} with padding pairs (added to the output as given). */
    public static int[] convTransposeShapeTuple(
            int[] lhsShape, int[] rhsShape, int[] windowStrides, int[][] padding, String[] dimensionNumbers) {
        Objects.requireNonNull(padding, "padding");
        return LaxMore.convTransposeShapeTuple(lhsShape, rhsShape, windowStrides, null, padding, dimensionNumbers);
    }

    /**
     * {@code jax.lax.conv_general_permutations}: for layout strings such as {@code {"NHWC", "HWIO",
     * "NHWC"}}, the positions of (batch, feature, spatial…), (out, in, spatial…) and the output's
     * (batch, feature, spatial…), spatial axes in the kernel's order.
     */
    public static int[][] convGeneralPermutations(String[] dimensionNumbers) {
        return LaxMore.convGeneralPermutations(dimensionNumbers);
    }

    // ---------------------------------------------------------------- implicit differentiation (LaxSolvers)

    /**
     * {@code jax.lax.custom_linear_solve}: {@code solve(matvec, b)}, the solution x of the linear
     * system matvec(x) = b, differentiated implicitly in {@code b}: the tangent is {@code
     * solve(matvec, db)}, so forward mode never differentiates the solver's steps. Reverse mode
     * transposes that tangent solve, so it needs a solve that is linear in b and written with Kiln
     * operations (a direct solve, a fixed number of iterations); unlike JAX, Kiln does not yet call
     * {@code transposeSolve} (accepted for the signature; null is allowed).
     */
    public static Array customLinearSolve(
            Function<Array, Array> matvec,
            Array b,
            BiFunction<Function<Array, Array>, Array, Array> solve,
            BiFunction<Function<Array, Array>, Array, Array> transposeSolve,
            boolean symmetric) {
        return LaxSolvers.customLinearSolve(matvec, b, solve, transposeSolve, symmetric);
    }

    /**
     * {@code jax.lax.custom_root}: {@code solve(g, initialGuess)} for {@code g(x) = f(x, params)},
     * a root of f in x, differentiated in {@code params} (any tree of arrays) by the implicit
     * function theorem: the tangent is {@code tangentSolve(v -> ∂f/∂x v, -∂f/∂params dparams)} at
     * the root (for a scalar x, {@code (g, y) -> Np.divide(y, g.apply(one))}). JAX's f closes over
     * its parameters; Kiln's takes them as its second argument. initialGuess gets no derivative.
     */
    public static <P> Array customRoot(
            BiFunction<Array, P, Array> f,
            Array initialGuess,
            P params,
            BiFunction<Function<Array, Array>, Array, Array> solve,
            BiFunction<Function<Array, Array>, Array, Array> tangentSolve) {
        return LaxSolvers.customRoot(f, initialGuess, params, solve, tangentSolve);
    }

    /**
     * {@code jax.lax.conv_general_dilated_patches}: the patches a convolution with a window of
     * {@code filterShape} sees, as channels: output channel {@code c * prod(filterShape) + p} holds
     * input channel c at filter position p (row-major). Layouts as in {@link #convGeneralDilated}
     * (null: NCH…, OIH…, NCH…); the result has the output layout.
     */
    public static Array convGeneralDilatedPatches(
            Array lhs,
            int[] filterShape,
            int[] windowStrides,
            String padding,
            int[] lhsDilation,
            int[] rhsDilation,
            String[] dimensionNumbers) {
        String fn = "convGeneralDilatedPatches";
        Array k = LaxMore.patchKernel(fn, lhs, filterShape, dimensionNumbers);
        int groups =
                lhs.shape(Convolution.parse(fn, lhs.ndim(), dimensionNumbers).lhs()[1]);
        return Convolution.general(
                fn, lhs, k, windowStrides, padding, lhsDilation, rhsDilation, dimensionNumbers, groups, 1, null);
    }

    /** {@code jax.lax.conv_general_dilated_patches} with explicit (lo, hi) padding pairs. */
    public static Array convGeneralDilatedPatches(
            Array lhs,
            int[] filterShape,
            int[] windowStrides,
            int[][] padding,
            int[] lhsDilation,
            int[] rhsDilation,
            String[] dimensionNumbers) {
        String fn = "convGeneralDilatedPatches";
        Array k = LaxMore.patchKernel(fn, lhs, filterShape, dimensionNumbers);
        Convolution.Dims dn = Convolution.parse(fn, lhs.ndim(), dimensionNumbers);
        int groups = lhs.shape(dn.lhs()[1]);
        return Convolution.general(fn, lhs, k, windowStrides, padding, lhsDilation, rhsDilation, dn, groups, 1, null);
    }

    /**
     * {@code jax.lax.conv_general_dilated_local}: a locally connected convolution, one kernel per
     * output position. {@code rhs} has the kernel layout of {@code dimensionNumbers} (null: NCH…,
     * OIH…, NCH…) with its in-feature axis of size {@code C * prod(filterShape)} (input channel
     * major, then the filter positions in row-major order, as {@link #convGeneralDilatedPatches}
     * lays them out) and its spatial axes the output's spatial sizes.
     */
    public static Array convGeneralDilatedLocal(
            Array lhs,
            Array rhs,
            int[] windowStrides,
            String padding,
            int[] filterShape,
            int[] lhsDilation,
            int[] rhsDilation,
            String[] dimensionNumbers) {
        java.util.Objects.requireNonNull(padding, "padding");
        return LaxMore.convLocal(
                "convGeneralDilatedLocal",
                lhs,
                rhs,
                windowStrides,
                padding,
                null,
                filterShape,
                lhsDilation,
                rhsDilation,
                dimensionNumbers);
    }

    /** {@code jax.lax.conv_general_dilated_local} with explicit (lo, hi) padding pairs. */
    public static Array convGeneralDilatedLocal(
            Array lhs,
            Array rhs,
            int[] windowStrides,
            int[][] padding,
            int[] filterShape,
            int[] lhsDilation,
            int[] rhsDilation,
            String[] dimensionNumbers) {
        java.util.Objects.requireNonNull(padding, "padding");
        return LaxMore.convLocal(
                "convGeneralDilatedLocal",
                lhs,
                rhs,
                windowStrides,
                null,
                padding,
                filterShape,
                lhsDilation,
                rhsDilation,
                dimensionNumbers);
    }

    /**
     * {@code jax.lax.bitcast_convert_type} between types of one width: float32 and int32 or uint32,
     * float64 and int64, int32 and uint32 (the same bits read as the other type). A NaN gives the
     * canonical quiet NaN's bits (its payload and sign are not kept); subnormals convert exactly
     * where the backend computes them. Types of different widths, which change the shape in JAX,
     * are a {@link DTypeException} naming the reason.
     */
    public static Array bitcastConvertType(Array operand, DType newDtype) {
        return BitCast.convert(operand, newDtype);
    }
}
