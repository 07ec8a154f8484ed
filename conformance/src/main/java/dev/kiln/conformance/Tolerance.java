package dev.kiln.conformance;

import dev.kiln.DType;
import dev.kiln.ir.Primitive;
import java.util.Map;
import java.util.Set;

/**
 * The one place that says how close a result must be, per operation and dtype. Distances are in
 * units in the last place (ulps) of the result's dtype, with an absolute floor where the function
 * has cancellation near zero, and, for reductions and contractions, a bound relative to the sum of
 * the magnitudes of the terms that grows with the number of terms. Integer, bool, movement and
 * comparison results are exact.
 *
 * <p>NaN matches NaN (any payload). {@code -0} matches {@code +0} unless the operation is one where
 * the sign of zero is part of the answer ({@link Rule#signedZero()}).
 *
 * <p>Results computed through decompositions into core primitives (on a backend that does not
 * claim an op natively) are held to these same rules: the whole suite on the core-only test backend,
 * where every non-core primitive is decomposed (cumulative scans, erf, cbrt, the hyperbolic
 * functions and the rest), passes them, so there is no looser decomposition rule. Add one here, per op and dtype and with its measured worst error, only when a
 * decomposition is legitimately less exact than a native op.
 */
public final class Tolerance {
    private Tolerance() {}

    /**
     * How far {@code actual} may be from {@code expected}: within {@code ulps} ulps, or within
     * {@code absolute}, or within {@code relative} times a per-element scale (the sum of the
     * magnitudes of the terms, for reductions and contractions; {@code scaleName} says which scale
     * a rule expects, for messages). Integers always compare exactly.
     */
    public record Rule(long ulps, double absolute, double relative, boolean signedZero, String scaleName) {
        /** A rule whose relative bound is against the sum of the magnitudes of the terms. */
        public Rule(long ulps, double absolute, double relative, boolean signedZero) {
            this(ulps, absolute, relative, signedZero, "sum|terms|");
        }

        /** This rule, loosened by {@code more} ulps. */
        public Rule plusUlps(long more) {
            return new Rule(ulps + more, absolute, relative, signedZero, scaleName);
        }

        public boolean isExact() {
            return ulps == 0 && absolute == 0 && relative == 0;
        }

        /** Whether a float result is close enough; {@code scale} is used by relative rules. */
        public boolean accepts(DType dtype, double expected, double actual, double scale) {
            if (Double.isNaN(expected) || Double.isNaN(actual)) {
                return Double.isNaN(expected) && Double.isNaN(actual);
            }
            if (expected == actual) {
                return !signedZero || expected != 0 || sameSign(expected, actual);
            }
            if (ulpDistance(dtype, expected, actual) <= ulps) {
                return true;
            }
            double diff = Math.abs(expected - actual);
            return diff <= absolute || diff <= relative * scale;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            if (isExact()) {
                b.append("exact");
            } else {
                b.append(ulps).append(" ulp");
                if (absolute > 0) {
                    b.append(" or abs ").append(absolute);
                }
                if (relative > 0) {
                    b.append(" or ").append(relative).append(" x ").append(scaleName);
                }
            }
            return signedZero ? b.append(", sign of zero checked").toString() : b.toString();
        }
    }

    private static final Rule EXACT = new Rule(0, 0, 0, false);
    private static final Rule EXACT_SIGNED = new Rule(0, 0, 0, true);

    /** Ops whose float result is a rounding of an exact value, or the operand itself. */
    private static final Map<String, Long> CORRECTLY_ROUNDED = Map.ofEntries(
            Map.entry("add", 1L),
            Map.entry("subtract", 1L),
            Map.entry("multiply", 1L),
            Map.entry("divide", 1L),
            Map.entry("sqrt", 1L),
            Map.entry("square", 1L),
            Map.entry("reciprocal", 1L),
            Map.entry("rsqrt", 2L),
            Map.entry("cbrt", 2L),
            Map.entry("mod", 1L),
            Map.entry("floorDivide", 1L),
            Map.entry("clip", 0L),
            Map.entry("maximum", 0L),
            Map.entry("minimum", 0L),
            Map.entry("nanToNum", 0L),
            Map.entry("where", 0L),
            Map.entry("astype", 0L));

    /** Transcendental functions: a few ulps, with an absolute floor where the result crosses zero. */
    private static final Map<String, Long> TRANSCENDENTAL = Map.ofEntries(
            Map.entry("exp", 4L),
            Map.entry("exp2", 4L),
            Map.entry("expm1", 4L),
            Map.entry("log", 4L),
            Map.entry("log2", 4L),
            Map.entry("log10", 4L),
            Map.entry("log1p", 4L),
            Map.entry("sin", 4L),
            Map.entry("cos", 4L),
            Map.entry("tan", 4L),
            Map.entry("arcsin", 4L),
            Map.entry("arccos", 4L),
            Map.entry("arctan", 4L),
            Map.entry("arctan2", 4L),
            Map.entry("sinh", 4L),
            Map.entry("cosh", 4L),
            Map.entry("tanh", 4L),
            Map.entry("sigmoid", 4L),
            Map.entry("erf", 4L),
            Map.entry("power", 8L),
            Map.entry("logSumExp", 4L));

    /** The rule of a transcendental primitive that has no entry of its own in {@link #TRANSCENDENTAL}. */
    private static final long DEFAULT_TRANSCENDENTAL_ULPS = 4;

    /**
     * The cost class that the primitive named like {@code op} ({@code "exp10"} names {@code EXP10})
     * declares, or null when no primitive has that name.
     */
    private static Primitive.Cost primitiveCost(String op) {
        StringBuilder constant = new StringBuilder();
        for (char c : op.toCharArray()) {
            if (Character.isUpperCase(c)) {
                constant.append('_');
            }
            constant.append(Character.toUpperCase(c));
        }
        try {
            return Primitive.valueOf(constant.toString()).cost();
        } catch (IllegalArgumentException notAPrimitive) {
            return null;
        }
    }

    /** Functions whose result passes through zero at a non-zero argument (cancellation there). */
    private static final Set<String> NEEDS_ABSOLUTE_FLOOR =
            Set.of("sin", "cos", "tan", "log", "log2", "log10", "power", "arctan2", "sinh", "tanh", "erf", "arccos");

    /** Ops where -0 and +0 are different answers. */
    private static final Set<String> SIGNED_ZERO =
            Set.of("negative", "positive", "abs", "sign", "floor", "ceil", "round", "sqrt", "cbrt", "copy");

    /** Machine epsilon of a float dtype (distance from 1 to the next value). */
    public static double epsilon(DType dtype) {
        return switch (dtype) {
            case FLOAT64 -> Math.ulp(1.0);
            case FLOAT16 -> 0x1p-10;
            case BFLOAT16 -> 0x1p-7;
            default -> Math.ulp(1.0f);
        };
    }

    /** Exact equality (NaN matches NaN, -0 matches +0). */
    public static Rule exact() {
        return EXACT;
    }

    /** Exact equality of bits up to NaN payloads: -0 and +0 differ. For data movement and creation. */
    public static Rule bitExact() {
        return EXACT_SIGNED;
    }

    /** The rule for an elementwise op, named as in {@code Np} ({@code "exp"}), on a result dtype. */
    public static Rule elementwise(String op, DType resultDType) {
        if (!resultDType.isFloating()) {
            return EXACT;
        }
        boolean signed = SIGNED_ZERO.contains(op);
        Long cr = CORRECTLY_ROUNDED.get(op);
        if (cr != null) {
            return new Rule(cr, 0, 0, signed);
        }
        Long t = TRANSCENDENTAL.get(op);
        if (t != null) {
            double floor = NEEDS_ABSOLUTE_FLOOR.contains(op) ? 4 * epsilon(resultDType) : 0;
            return new Rule(t, floor, 0, signed);
        }
        if (primitiveCost(op) == Primitive.Cost.TRANSCENDENTAL) {
            // a primitive declared transcendental in its definition (Primitive.cost()) and not listed
            // above, such as exp10: the transcendental default
            return new Rule(DEFAULT_TRANSCENDENTAL_ULPS, 0, 0, signed);
        }
        // sign, floor, ceil, round, negative, abs and the like return an exact value
        return signed ? EXACT_SIGNED : EXACT;
    }

    /**
     * The rule for a reduction over {@code n} elements. Sums (and means, variances, cumulative sums)
     * are judged relative to the sum of the magnitudes of the terms, with room that grows like
     * {@code sqrt(n)}; this admits sequential, pairwise and multi-accumulator summation while still
     * catching a dropped or repeated element in short rows and a badly lossy accumulator in long ones. Products get ulps growing with {@code n}. Max, min,
     * arg-reductions and boolean reductions are exact.
     */
    public static Rule reduction(String op, DType resultDType, long n) {
        if (!resultDType.isFloating()) {
            return EXACT;
        }
        double eps = epsilon(resultDType);
        // naive float32 summation of 1e5..1e6 uniform terms measured 25-36 eps; 16 accumulators under 7
        double growth = 2 + 0.5 * Math.sqrt(Math.max(n, 1));
        return switch (op) {
            case "max", "min" -> EXACT;
            case "sum", "mean", "cumsum" -> new Rule(2, 0, eps * growth, false);
            case "var", "std" -> new Rule(4, 0, 2 * eps * growth, false);
            case "prod", "cumprod" -> new Rule(4 + 2 * n, 0, 0, false);
            case "logSumExp" -> new Rule(4, 0, eps * growth, false);
            default -> throw new IllegalArgumentException("no tolerance rule for reduction " + op);
        };
    }

    /** The rule for a matrix product contracting {@code k} terms, relative to {@code sum |a_ik b_kj|}. */
    public static Rule contraction(DType resultDType, long k) {
        if (!resultDType.isFloating()) {
            return EXACT;
        }
        return new Rule(2, 0, epsilon(resultDType) * (2 + 2 * Math.sqrt(Math.max(k, 1))), false);
    }

    /**
     * The rule for comparing with a JAX golden value: Kiln's own rule plus the error of JAX's CPU
     * implementation, measured by {@code make_goldens.py --measure} against float64 (XLA's float32
     * {@code exp2} is up to 9 ulps off, {@code expm1}, {@code sinh}, {@code tanh} and {@code erf} up to 5).
     */
    public static Rule golden(Rule kiln, String op, DType resultDType) {
        if (kiln.isExact() || !resultDType.isFloating()) {
            return kiln;
        }
        // measured with make_goldens.py --measure (max ulps of XLA's float32 kernels vs float64)
        // exp2 as exp(x ln 2) and cosh, sinh through exp lose accuracy as |x| grows (18 ulps for
        // exp2(100) in float32, 10 for cosh(100) in float64)
        long jax =
                switch (op) {
                    case "exp2" -> 24;
                    case "sinh", "cosh" -> 12;
                    case "expm1", "tanh", "erf", "power", "logSumExp" -> 6;
                    default -> 2;
                };
        return kiln.plusUlps(jax);
    }

    // ---------------------------------------------------------------- transformations

    /** The scale name of rules relative to the largest magnitude of a result. */
    private static final String MAX = "max|result|";

    /** The step of the five-point central differences that derivatives are checked against. */
    public static final double FD_STEP = 1e-3;

    /**
     * A derivative computed by Kiln in float64 against five-point central differences of the
     * function (step {@link #FD_STEP}) on the reference backend: the stencil's truncation error is
     * about {@code STEP^4 |f^(5)| / 30} and its rounding error about {@code eps |f| / STEP}; 1000
     * times their sum (about 1.2e-9), relative to {@code |expected|} with the same absolute floor,
     * covers fifth derivatives up to ~10^4, while a wrong rule (a factor, a sign or a term off) is
     * off by far more. Pass {@code |expected|} as the scale.
     */
    public static Rule finiteDifferences() {
        double error = 1e3 * (Math.pow(FD_STEP, 4) + epsilon(DType.FLOAT64) / FD_STEP);
        return new Rule(0, error, error, false, "|expected|");
    }

    /**
     * How far a float32 derivative may be from JAX's (or from the reference backend's), relative to
     * the largest magnitude among the derivative's elements, where it is not within a few ulps
     * element by element: 8 eps. A derivative chains several rounded operations (the function's
     * own kernels, their derivatives, the products of the chain rule), and two correct
     * implementations round them differently; where a chain cancels (a variance, a log-sum-exp's
     * Hessian) the difference is large relative to the element but not to the whole derivative.
     * Measured on the grad family's table against JAX 0.10.2, on the reference and cpu-simd
     * backends: at most 2.4 eps (the Hessian-vector product of std). Since an ulp is at most eps
     * times the value, this is what still catches a kernel 16 ulps off (a planted bug of the suite's
     * self-test) in the elements of the largest binade; 16 eps would not.
     */
    public static final double GRADIENT_FLOAT32_RELATIVE = 8 * 0x1.0p-23;

    /**
     * {@link #GRADIENT_FLOAT32_RELATIVE} for float64 derivatives: 64 eps; measured at most 11 eps
     * (XLA's float64 tanh is several ulps off, and its derivative 1 - tanh^2 inherits that).
     */
    public static final double GRADIENT_FLOAT64_RELATIVE = 64 * 0x1.0p-52;

    /**
     * The rule for a derivative (a gradient, a JVP, a Hessian-vector product) compared with JAX's or
     * with the reference backend's: within a few ulps, or within {@link #GRADIENT_FLOAT32_RELATIVE}
     * ({@link #GRADIENT_FLOAT64_RELATIVE}) of the largest magnitude of the derivative, which is the
     * scale to pass ({@link #maxMagnitude}).
     */
    public static Rule derivative(DType dtype) {
        if (!dtype.isFloating()) {
            return EXACT;
        }
        if (dtype.isNarrow()) {
            // float16 and bfloat16: 8 of their own eps, as float32 (derivatives such as 1 - tanh^2
            // cancel, and JAX rounds each step to the narrow dtype)
            return new Rule(8, 0, 8 * epsilon(dtype), false, MAX);
        }
        return dtype == DType.FLOAT32
                ? new Rule(8, 0, GRADIENT_FLOAT32_RELATIVE, false, MAX)
                : new Rule(8, 0, GRADIENT_FLOAT64_RELATIVE, false, MAX);
    }

    /**
     * The rule for comparing two ways of computing one function on one backend, each of which obeys
     * {@code rule} on its own: traced and compiled by {@code jit} against eager, or batched by {@code
     * vmap} against one example at a time. A backend may fuse or reorder what a program does, so the
     * two may each be off by {@code rule}, in opposite directions: twice the ulps and relative bound.
     * Exact rules stay exact.
     */
    public static Rule twoWays(Rule rule) {
        return rule.isExact()
                ? rule
                : new Rule(
                        2 * rule.ulps(), 2 * rule.absolute(), 2 * rule.relative(), rule.signedZero(), rule.scaleName());
    }

    /**
     * The rule for a function of several operations (a softmax, a layer, a loss) whose error has no
     * simple per-element bound: 8 ulps, or 32 eps relative to the largest magnitude in the result
     * ({@link #maxMagnitude}).
     */
    public static Rule composite(DType dtype) {
        return dtype.isFloating() ? new Rule(8, 0, 32 * epsilon(dtype), false, MAX) : EXACT;
    }

    /**
     * The rule for a random sample of {@code dev.kiln.Random} against JAX's for the same key: the
     * uniform bits are identical, and what follows is a short chain of log, log1p, exp, tan, sqrt
     * and pow, whose float32 versions in XLA are not correctly rounded (Kiln's are): 16 ulps, or
     * 16 eps relative to the largest magnitude of the sample (a sample near 0, such as a tan near
     * 0 or a difference of logs, carries the error of its larger terms). The gamma family, a
     * multivariate normal (a Cholesky factor times normals) and an orthogonal matrix (a QR of
     * normals) add their own rounding: {@link #linalg}'s bound, scaled by 4, for the last two.
     */
    public static Rule sampler(String fn, DType dtype) {
        return switch (fn) {
            case "Random.multivariateNormal", "Random.orthogonal" -> {
                Rule l = linalg(dtype, 4);
                yield new Rule(l.ulps(), 0, 4 * l.relative(), false, MAX);
            }
            default -> new Rule(16, 0, 16 * epsilon(dtype), false, MAX);
        };
    }

    /**
     * The rule for a linear-algebra result (a factorization, a solve, an inverse, a determinant, a
     * norm, an eigendecomposition) on {@code n x n} matrices of condition number at most about 10,
     * or its derivative: 8 ulps, or {@code 4 n eps} relative to the largest magnitude of the result
     * ({@link #maxMagnitude}). Backward-stable algorithms are off by {@code c n eps kappa} in norm,
     * and two of them (Kiln's column loops and LAPACK's blocked kernels) round differently; an
     * element-wise ulp bound cannot hold for the small elements of a result, which carry the error
     * of the large ones. Measured on the linalg family's goldens (JAX 0.10.2, reference and cpu-simd
     * backends, values and gradients, with no ulp allowance): all but two cases within {@code 2 n
     * eps} (a float64 eigenvector gradient, and a 0-d multiDot result that the ulps cover). A
     * wrong rule (a transposed factor, a missing term, a wrong pivot) is off by far more.
     */
    public static Rule linalg(DType dtype, int n) {
        return linalg(dtype, n, 1);
    }

    /**
     * {@link #linalg(DType, int)} for results whose error is amplified by {@code sensitivity} beyond
     * the matrix's condition number: singular vectors (and what is built from them: a
     * pseudo-inverse, a least-squares solution, derivatives of singular values) move by {@code eps
     * |A| / gap} where {@code gap} separates neighbouring singular values. The linalg family's SVD
     * inputs have {@code |A| / gap} below 9 and pass {@code sensitivity} 6 ({@code 24 n eps});
     * measured (no ulp allowance) all within {@code 16 n eps} and 6 to 8 cases beyond {@code 10 n
     * eps}: float64 right singular vectors, pseudo-inverses and their gradients, where Kiln's Jacobi
     * rotations and LAPACK's bidiagonalization round differently.
     */
    public static Rule linalg(DType dtype, int n, double sensitivity) {
        if (!dtype.isFloating()) {
            return EXACT;
        }
        return new Rule(8, 0, 4.0 * sensitivity * Math.max(n, 1) * epsilon(dtype), false, MAX);
    }

    /**
     * The rule for a discrete Fourier transform (or a complex sum or product) whose longest sum has
     * {@code n} terms, and its derivative: 8 ulps, or {@code 4 n eps} relative to the largest
     * magnitude of the result ({@link #maxMagnitude}). Kiln sums each line as a product with the DFT
     * matrix and JAX uses pocketfft's factorised transform; both round about {@code eps log n} to
     * {@code eps n} of the largest term, which an element-wise bound cannot hold for the small
     * outputs of a spectrum. A wrong twiddle, sign or scaling is off by order one.
     */
    public static Rule fft(DType dtype, int n) {
        if (!dtype.isFloating()) {
            return EXACT;
        }
        return new Rule(8, 0, 4.0 * Math.max(n, 2) * epsilon(dtype), false, MAX);
    }

    /**
     * The rule for an elementwise complex result, compared part by part: 8 ulps, or {@code 8 eps}
     * relative to the element's modulus {@code |z|} (the scale the caller passes for both parts):
     * a part that cancels (the real part {@code ac - bd} of a product, {@code cos x cosh y} near a
     * zero of {@code cos}) carries the rounding of the whole value, as XLA's formulas do too.
     */
    public static Rule complex(DType dtype) {
        if (!dtype.isFloating()) {
            return EXACT;
        }
        return new Rule(8, 0, 8 * epsilon(dtype), false, "|z|");
    }

    /** A scale array holding the largest finite magnitude among {@code values}, for relative rules. */
    public static double[] maxMagnitude(double[] values) {
        double max = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        double[] scale = new double[values.length];
        java.util.Arrays.fill(scale, max);
        return scale;
    }

    /** A scale array of {@code |values[i]|}, for relative rules such as {@link #finiteDifferences()}. */
    public static double[] magnitudes(double[] values) {
        double[] scale = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            scale[i] = Math.abs(values[i]);
        }
        return scale;
    }

    /** The distance between two values in ulps of {@code dtype}; -0 and +0 are 0 apart. */
    public static long ulpDistance(DType dtype, double a, double b) {
        if (dtype == DType.FLOAT16 || dtype == DType.BFLOAT16) {
            // in ulps of the narrow dtype: the values' float32 bits shifted down to its mantissa
            int drop = dtype == DType.FLOAT16 ? 0 : 16;
            long x = dtype == DType.FLOAT16
                    ? ordered16(Float.floatToFloat16((float) a))
                    : ordered(Float.floatToRawIntBits((float) a)) >> drop;
            long y = dtype == DType.FLOAT16
                    ? ordered16(Float.floatToFloat16((float) b))
                    : ordered(Float.floatToRawIntBits((float) b)) >> drop;
            return Math.abs(x - y);
        }
        if (dtype == DType.FLOAT32) {
            long x = ordered(Float.floatToRawIntBits((float) a));
            long y = ordered(Float.floatToRawIntBits((float) b));
            return Math.abs(x - y);
        }
        long x = ordered(Double.doubleToRawLongBits(a));
        long y = ordered(Double.doubleToRawLongBits(b));
        try {
            long d = Math.subtractExact(x, y);
            return d == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(d);
        } catch (ArithmeticException farApart) {
            return Long.MAX_VALUE;
        }
    }

    private static long ordered16(short bits) {
        return bits < 0 ? -(long) (bits & 0x7fff) : bits;
    }

    private static long ordered(int bits) {
        return bits < 0 ? -(long) (bits & 0x7fffffff) : bits;
    }

    private static long ordered(long bits) {
        return bits < 0 ? -(bits & 0x7fffffffffffffffL) : bits;
    }

    private static boolean sameSign(double a, double b) {
        return (Double.doubleToRawLongBits(a) < 0) == (Double.doubleToRawLongBits(b) < 0);
    }
}
