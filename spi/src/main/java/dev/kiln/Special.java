package dev.kiln;

import java.util.List;
import java.util.Objects;

/**
 * Special functions in the spirit of {@code jax.scipy.special}, written as composites of array
 * primitives (so they differentiate, batch, jit and run on every backend). Float32 inputs are
 * evaluated in float64 and rounded back where a rational approximation is involved ({@link #erfc},
 * {@link #gammaln}, {@link #digamma}), which keeps them within a few ulps. Integer and bool inputs
 * become float32.
 *
 * <p>Derivatives follow JAX's rules: {@code erfc' = -2/sqrt(pi) e^{-x^2}}, {@code erfinv' =
 * sqrt(pi)/2 e^{erfinv(x)^2}}, {@code gammaln' = digamma}, {@code xlogy} and {@code xlog1py} with
 * JAX's custom derivatives.
 */
public final class Special {
    private Special() {}

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    static Array inexact(Array x) {
        return Nn.inexact(x);
    }

    /** The error function. */
    public static Array erf(Array x) {
        return Np.erf(x);
    }

    /**
     * The complementary error function {@code 1 - erf(x)}, accurate in the tail (where {@code 1 -
     * erf(x)} would round to 0): rational approximations on {@code |x| < 0.84375}, {@code [0.84375,
     * 1.25)}, {@code [1.25, 1/0.35)} and beyond, in float64.
     */
    public static Array erfc(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Kiln.<Array, Array>customJvp(Special::erfcValue, (p, t) -> {
                    Array out = erfcValue(p);
                    Array d = Np.multiply(Np.exp(Np.negative(Np.square(p))), -TWO_OVER_SQRT_PI);
                    return new Kiln.Jvp<>(out, Np.multiply(t, d));
                })
                .apply(a);
    }

    // fdlibm's coefficients (Sun Microsystems' s_erf.c), highest power first
    private static final double ERX = 8.45062911510467529297e-01;
    private static final double[] PP = {
        -2.37630166566501626084e-05,
        -5.77027029648944159157e-03,
        -2.84817495755985104766e-02,
        -3.25042107247001499370e-01,
        1.28379167095512558561e-01
    };
    private static final double[] QQ = {
        -3.96022827877536812320e-06,
        1.32494738004321644526e-04,
        5.08130628187576562776e-03,
        6.50222499887672944485e-02,
        3.97917223959155352819e-01,
        1.0
    };
    private static final double[] PA = {
        -2.16637559486879084300e-03,
        3.54783043256182359371e-02,
        -1.10894694282396677476e-01,
        3.18346619901161753674e-01,
        -3.72207876035701323847e-01,
        4.14856118683748331666e-01,
        -2.36211856075265944077e-03
    };
    private static final double[] QA = {
        1.19844998467991074170e-02,
        1.36370839120290507362e-02,
        1.26171219808761642112e-01,
        7.18286544141962662868e-02,
        5.40397917702171048937e-01,
        1.06420880400844228286e-01,
        1.0
    };
    private static final double[] RA = {
        -9.81432934416914548592e+00,
        -8.12874355063065934246e+01,
        -1.84605092906711035994e+02,
        -1.62396669462573470355e+02,
        -6.23753324503260060396e+01,
        -1.05586262253232909814e+01,
        -6.93858572707181764372e-01,
        -9.86494403484714822705e-03
    };
    private static final double[] SA = {
        -6.04244152148580987438e-02,
        6.57024977031928170135e+00,
        1.08635005541779435134e+02,
        4.29008140027567833386e+02,
        6.45387271733267880336e+02,
        4.34565877475229228821e+02,
        1.37657754143519042600e+02,
        1.96512716674392571292e+01,
        1.0
    };
    private static final double[] RB = {
        -4.83519191608651397019e+02,
        -1.02509513161107724954e+03,
        -6.37566443368389627722e+02,
        -1.60636384855821916062e+02,
        -1.77579549177547519889e+01,
        -7.99283237680523006574e-01,
        -9.86494292470009928597e-03
    };
    private static final double[] SB = {
        -2.24409524465858183362e+01,
        4.74528541206955367215e+02,
        2.55305040643316442583e+03,
        3.19985821950859553908e+03,
        1.53672958608443695994e+03,
        3.25792512996573918826e+02,
        3.03380607434824582924e+01,
        1.0
    };

    private static Array erfcValue(Array x) {
        DType dt = x.dtype();
        Array v = Lax.convert(x, DType.FLOAT64);
        Array a = Np.abs(v);
        Array negative = Np.less(v, 0.0);
        // |x| < 0.84375: 1 - erf(x), erf(x) = x + x P/Q(x^2), rearranged for x in [1/4, 0.84375)
        Array x2 = Np.multiply(v, v);
        Array r = Np.multiply(v, Np.divide(horner(x2, PP), horner(x2, QQ)));
        Array small = Np.where(
                Np.less(v, 0.25), Np.subtract(1.0, Np.add(v, r)), Np.subtract(0.5, Np.add(Np.subtract(v, 0.5), r)));
        // 0.84375 <= |x| < 1.25: erfc(|x|) = 1 - erx - P/Q(|x| - 1)
        Array s = Np.subtract(a, 1.0);
        Array pq = Np.divide(horner(s, PA), horner(s, QA));
        Array mid = Np.where(negative, Np.add(1.0 + ERX, pq), Np.subtract(1.0 - ERX, pq));
        // |x| >= 1.25: exp(-x^2 - 0.5625 + R/S(1/x^2)) / |x|, with x^2 split so -z^2 is exact
        Array safe = Np.where(Np.less(a, 1.25), Np.fullLike(a, 2.0), a);
        Array inv = Np.divide(1.0, Np.multiply(safe, safe));
        Array nearer = Np.less(safe, 1 / 0.35);
        Array rs = Np.where(
                nearer, Np.divide(horner(inv, RA), horner(inv, SA)), Np.divide(horner(inv, RB), horner(inv, SB)));
        Array z = Lax.convert(Lax.convert(safe, DType.FLOAT32), DType.FLOAT64);
        Array e1 = Np.exp(Np.subtract(Np.negative(Np.multiply(z, z)), 0.5625));
        Array e2 = Np.exp(Np.add(Np.multiply(Np.subtract(z, safe), Np.add(z, safe)), rs));
        Array tail = Np.divide(Np.multiply(e1, e2), safe);
        tail = Np.where(Np.greaterEqual(safe, 28.0), Np.zerosLike(tail), tail);
        Array large = Np.where(negative, Np.subtract(2.0, tail), tail);
        Array out = Np.where(Np.less(a, 0.84375), small, Np.where(Np.less(a, 1.25), mid, large));
        out = Np.where(Np.isnan(v), v, out);
        return Lax.convert(out, dt);
    }

    /** erfc's tail fit R/S(1/x^2) for float64 {@code x} in [1.25, 28): erfc(x) = exp(-x^2 - 0.5625 + R/S) / x. */
    static Array erfcTailRs(Array x) {
        Array inv = Np.divide(1.0, Np.multiply(x, x));
        return Np.where(
                Np.less(x, 1 / 0.35),
                Np.divide(horner(inv, RA), horner(inv, SA)),
                Np.divide(horner(inv, RB), horner(inv, SB)));
    }

    /** The polynomial with {@code c} (highest power first) at {@code x}. */
    static Array horner(Array x, double[] c) {
        Array acc = Np.fullLike(x, c[0]);
        for (int i = 1; i < c.length; i++) {
            acc = Np.add(Np.multiply(acc, x), c[i]);
        }
        return acc;
    }

    /** The inverse error function on (-1, 1); ±1 give ±inf, outside is NaN. */
    public static Array erfinv(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Kiln.<Array, Array>customJvp(ErfInv::apply, (p, t) -> {
                    Array out = ErfInv.apply(p);
                    Array d = Np.multiply(Np.exp(Np.square(out)), Math.sqrt(Math.PI) / 2);
                    return new Kiln.Jvp<>(out, Np.multiply(t, d));
                })
                .apply(a);
    }

    /** The logistic sigmoid {@code 1 / (1 + e^-x)}. */
    public static Array expit(Array x) {
        return Np.sigmoid(x);
    }

    /** {@code log(x / (1 - x))}, the inverse of {@link #expit}, with derivative {@code 1 / (x (1 - x))}. */
    public static Array logit(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Kiln.<Array, Array>customJvp(Special::logitValue, (p, t) -> {
                    Array d = Np.multiply(p, Np.subtract(1.0, p));
                    return new Kiln.Jvp<>(logitValue(p), Np.divide(t, d));
                })
                .apply(a);
    }

    private static Array logitValue(Array p) {
        return Np.log(Np.divide(p, Np.subtract(1.0, p)));
    }

    /** {@code x log(y)}, 0 where {@code x = 0} (unless y is NaN), with JAX's derivative. */
    public static Array xlogy(Object x, Object y) {
        return xlogLike("xlogy", x, y, false);
    }

    /** {@code x log(1 + y)}, 0 where {@code x = 0} (unless y is NaN), with JAX's derivative. */
    public static Array xlog1py(Object x, Object y) {
        return xlogLike("xlog1py", x, y, true);
    }

    private static Array xlogLike(String fn, Object x, Object y, boolean plusOne) {
        DType t = Np.inexactType(x, y);
        Array[] xy = Np.prepare(fn, t, x, y);
        return Kiln.<Array[], Array>customJvp(a -> xlogValue(a[0], a[1], plusOne), (p, tan) -> {
                    Array out = xlogValue(p[0], p[1], plusOne);
                    Array logy = plusOne ? Np.log1p(p[1]) : Np.log(p[1]);
                    Array denom = plusOne ? Np.add(p[1], 1.0) : p[1];
                    Array d = Np.add(Np.multiply(tan[0], logy), Np.multiply(tan[1], Np.divide(p[0], denom)));
                    return new Kiln.Jvp<>(out, d);
                })
                .apply(xy);
    }

    private static Array xlogValue(Array x, Array y, boolean plusOne) {
        Array ok = Np.logicalOr(Np.notEqual(x, 0.0), Np.isnan(y));
        Array v = Np.multiply(x, plusOne ? Np.log1p(y) : Np.log(y));
        return Np.where(ok, v, Np.zerosLike(v));
    }

    /** {@code -x log(x)} for {@code x > 0}, 0 at 0, -inf for negative x. */
    public static Array entr(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        // x log x with derivative log(x) + 1, as JAX: entr'(0) = -inf + ... = inf, not NaN
        Array xlogx = Kiln.<Array, Array>customJvp(
                        u -> xlogy(u, u), (p, t) -> new Kiln.Jvp<>(xlogy(p, p), Np.multiply(t, Np.add(Np.log(p), 1.0))))
                .apply(a);
        return Np.where(Np.less(a, 0.0), Np.fullLike(a, Double.NEGATIVE_INFINITY), Np.negative(xlogx));
    }

    /** The standard normal CDF, {@code erfc(-x / sqrt 2) / 2}, in JAX's three-branch form. */
    public static Array ndtr(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        double halfSqrt2 = 0.5 * Math.sqrt(2);
        Array w = Np.multiply(a, halfSqrt2);
        Array z = Np.abs(w);
        Array y = Np.where(
                Np.less(z, halfSqrt2),
                Np.add(1.0, Np.erf(w)),
                Np.where(Np.greater(w, 0.0), Np.subtract(2.0, erfc(z)), erfc(z)));
        return Np.multiply(y, 0.5);
    }

    // Lanczos approximation (g = 7, nine terms), as XLA evaluates lgamma and digamma
    private static final double LANCZOS_G = 7;
    private static final double[] LANCZOS = {
        676.520368121885098567009190444019,
        -1259.13921672240287047156078755283,
        771.3234287776530788486528258894,
        -176.61502916214059906584551354,
        12.507343278686904814458936853,
        -0.13857109526572011689554707,
        9.984369578019570859563e-6,
        1.50563273514931155834e-7
    };
    private static final double LANCZOS_BASE = 0.99999999999980993227684700473478;
    private static final double LOG_PI = Math.log(Math.PI);
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    /** The Lanczos sum and its derivative's numerator at {@code z = x - 1} (x >= 0.5). */
    private static Array[] lanczos(Array z) {
        Array num = Np.fullLike(z, LANCZOS_BASE);
        Array dnum = Np.zerosLike(z);
        for (int i = 0; i < LANCZOS.length; i++) {
            Array d = Np.add(z, (double) (i + 1));
            num = Np.add(num, Np.divide(Np.fullLike(z, LANCZOS[i]), d));
            dnum = Np.subtract(dnum, Np.divide(Np.fullLike(z, LANCZOS[i]), Np.multiply(d, d)));
        }
        return new Array[] {num, dnum};
    }

    /** {@code log|sin(pi x)|}, with the argument reduced to {@code [0, 1/2]} first. */
    private static Array logSinPi(Array x) {
        Array ax = Np.abs(x);
        Array frac = Np.subtract(ax, Np.floor(ax));
        Array reduced = Np.where(Np.greater(frac, 0.5), Np.subtract(1.0, frac), frac);
        return Np.log(Np.sin(Np.multiply(reduced, Math.PI)));
    }

    /** {@code log|Gamma(x)|}; +inf at 0 and the negative integers. Its derivative is {@link #digamma}. */
    public static Array gammaln(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Kiln.<Array, Array>customJvp(Special::gammalnValue, (p, t) -> {
                    return new Kiln.Jvp<>(gammalnValue(p), Np.multiply(t, digamma(p)));
                })
                .apply(a);
    }

    private static Array gammalnValue(Array x) {
        DType dt = x.dtype();
        Array v = Lax.convert(x, DType.FLOAT64);
        Array reflect = Np.less(v, 0.5);
        Array y = Np.where(reflect, Np.subtract(1.0, v), v); // y >= 0.5
        Array z = Np.subtract(y, 1.0);
        Array num = lanczos(z)[0];
        Array t = Np.add(z, LANCZOS_G + 0.5);
        // log(t) = log(g + 1/2) + log1p(z / (g + 1/2)) keeps precision for large z
        Array logT = Np.add(Np.log1p(Np.divide(z, LANCZOS_G + 0.5)), Math.log(LANCZOS_G + 0.5));
        Array direct = Np.add(Np.subtract(Np.add(Np.multiply(Np.add(z, 0.5), logT), HALF_LOG_2PI), t), Np.log(num));
        Array reflected = Np.subtract(Np.subtract(LOG_PI, logSinPi(v)), direct);
        Array out = Np.where(reflect, reflected, direct);
        Array pole = Np.logicalAnd(Np.lessEqual(v, 0.0), Np.equal(v, Np.floor(v)));
        out = Np.where(Np.logicalOr(pole, Np.isinf(v)), Np.fullLike(out, Double.POSITIVE_INFINITY), out);
        out = Np.where(Np.isnan(v), v, out);
        // log Gamma is exactly 0 at 1 and 2 (as scipy and XLA give), where the series leaves an ulp or two
        out = Np.where(Np.logicalOr(Np.equal(v, 1.0), Np.equal(v, 2.0)), 0.0, out);
        return Lax.convert(out, dt);
    }

    /** The digamma function {@code Gamma'(x) / Gamma(x)}; NaN at 0 and the negative integers. */
    public static Array digamma(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        DType dt = a.dtype();
        Array v = Lax.convert(a, DType.FLOAT64);
        Array reflect = Np.less(v, 0.5);
        Array y = Np.where(reflect, Np.subtract(1.0, v), v);
        Array z = Np.subtract(y, 1.0);
        Array[] l = lanczos(z);
        Array t = Np.add(z, LANCZOS_G + 0.5);
        Array logT = Np.add(Np.log1p(Np.divide(z, LANCZOS_G + 0.5)), Math.log(LANCZOS_G + 0.5));
        Array direct = Np.subtract(Np.add(logT, Np.divide(l[1], l[0])), Np.divide(LANCZOS_G, t));
        // digamma(1 - x) - pi / tan(pi x), with the argument of tan reduced to [-1/2, 1/2] (tan has
        // period pi), so that tiny |x| keeps its precision
        Array frac = Np.subtract(v, Np.round(v));
        Array cot = Np.divide(Math.PI, Np.tan(Np.multiply(frac, Math.PI)));
        Array out = Np.where(reflect, Np.subtract(direct, cot), direct);
        Array pole = Np.logicalAnd(Np.lessEqual(v, 0.0), Np.equal(v, Np.floor(v)));
        out = Np.where(pole, Np.fullLike(out, Double.NaN), out);
        return Lax.convert(out, dt);
    }

    /**
     * The exponentially scaled modified Bessel function of order 0, {@code e^-|x| I0(x)}, as {@code
     * jax.scipy.special.i0e}. Its derivative is JAX's: {@code i1e(x) - sign(x) i0e(x)}.
     */
    public static Array i0e(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Kiln.<Array, Array>customJvp(Bessel::i0e, (p, t) -> {
                    Array d = Np.subtract(i1e(p), Np.multiply(Np.sign(p), i0e(p)));
                    return new Kiln.Jvp<>(Bessel.i0e(p), Np.multiply(t, d));
                })
                .apply(a);
    }

    /**
     * The exponentially scaled modified Bessel function of order 1, {@code e^-|x| I1(x)}, as {@code
     * jax.scipy.special.i1e}. Its derivative is JAX's: {@code i0e(x) - i1e(x) (sign(x) + 1/x)}, and
     * its limit 1/2 where {@code |x|} is at most the dtype's epsilon.
     */
    public static Array i1e(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Kiln.<Array, Array>customJvp(Bessel::i1e, (p, t) -> {
                    double eps = p.dtype() == DType.FLOAT64 ? Math.ulp(1.0) : Math.ulp(1f);
                    Array notTiny = Np.greater(Np.abs(p), eps);
                    Array safe = Np.where(notTiny, p, Np.fullLike(p, eps));
                    Array y = i1e(p);
                    Array d = Np.subtract(i0e(safe), Np.multiply(y, Np.add(Np.sign(safe), Np.reciprocal(safe))));
                    d = Np.where(notTiny, d, Np.fullLike(d, 0.5));
                    return new Kiln.Jvp<>(Bessel.i1e(p), Np.multiply(t, d));
                })
                .apply(a);
    }

    /** The modified Bessel function of order 0, {@code exp(|x|) i0e(x)}, as {@code jax.scipy.special.i0}. */
    public static Array i0(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        return Np.multiply(Np.exp(Np.abs(a)), i0e(a));
    }

    /** The modified Bessel function of order 1, {@code exp(|x|) i1e(x)}, as {@code jax.scipy.special.i1}. */
    public static Array i1(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        return Np.multiply(Np.exp(Np.abs(a)), i1e(a));
    }

    /** {@code log|B(a, b)| = gammaln(a) + gammaln(b) - gammaln(a + b)}. */
    public static Array betaln(Array a, Array b) {
        Array[] ab = Np.prepare("betaln", Np.inexactType(a, b), a, b);
        return Np.subtract(Np.add(gammaln(ab[0]), gammaln(ab[1])), gammaln(Np.add(ab[0], ab[1])));
    }

    /**
     * The sign of the gamma function, as {@code jax.scipy.special.gammasgn}: -1 between the negative
     * odd and even integers below 0 (and at -0), NaN at the negative integers, -inf and NaN, else 1.
     */
    public static Array gammasgn(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        Array floor = Np.floor(a);
        Array negative = Np.less(a, 0.0);
        Array nan = Np.logicalOr(Np.logicalAnd(negative, Np.equal(a, floor)), Np.isnan(a));
        Array minus = Np.logicalOr(
                Np.logicalAnd(negative, Np.notEqual(Np.remainder(floor, 2.0), 0.0)),
                Np.logicalAnd(Np.equal(a, 0.0), Np.signbit(a)));
        return Np.where(nan, Np.fullLike(a, Double.NaN), Np.where(minus, Np.fullLike(a, -1.0), Np.fullLike(a, 1.0)));
    }

    /** The gamma function {@code gammasgn(x) exp(gammaln(x))}, as {@code jax.scipy.special.gamma}. */
    public static Array gamma(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        return Np.multiply(gammasgn(a), Np.exp(gammaln(a)));
    }

    /** {@code log Gamma(x)} for real x, NaN for {@code x <= 0}, as {@code jax.scipy.special.loggamma}. */
    public static Array loggamma(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        return Np.where(Np.greater(a, 0.0), gammaln(a), Np.fullLike(a, Double.NaN));
    }

    /** The beta function {@code B(a, b)} with its sign, as {@code jax.scipy.special.beta}. */
    public static Array beta(Object a, Object b) {
        Array[] ab = Np.prepare("beta", Np.inexactType(a, b), a, b);
        Array sign = Np.multiply(Np.multiply(gammasgn(ab[0]), gammasgn(ab[1])), gammasgn(Np.add(ab[0], ab[1])));
        return Np.multiply(sign, Np.exp(betaln(ab[0], ab[1])));
    }

    /** {@code n! = Gamma(n + 1)} (0 for negative n), in floating point, as {@code jax.scipy.special.factorial}. */
    public static Array factorial(Array n) {
        Array a = inexact(Objects.requireNonNull(n, "n"));
        return Np.where(Np.less(a, 0.0), Np.zerosLike(a), Np.exp(gammaln(Np.add(a, 1.0))));
    }

    /** "N choose k" in floating point (0 outside {@code 0 <= k <= N}), as {@code jax.scipy.special.comb}. */
    public static Array comb(Object n, Object k) {
        return comb(n, k, false);
    }

    /**
     * "N choose k", or with {@code repetition} the number of multisets {@code comb(N + k - 1, k)}
     * (1 for k = 0), as {@code jax.scipy.special.comb(N, k, repetition=...)}.
     */
    public static Array comb(Object n, Object k, boolean repetition) {
        Array[] nk = Np.prepare("comb", Np.inexactType(n, k), n, k);
        Array bigN = nk[0];
        Array small = nk[1];
        if (repetition) {
            Array cond = Np.logicalAnd(Np.equal(small, 0.0), Np.greaterEqual(bigN, 0.0));
            Array r = comb(Np.subtract(Np.add(bigN, small), 1.0), small, false);
            return Np.where(cond, Np.onesLike(r), r);
        }
        Array cond = Np.logicalAnd(
                Np.logicalAnd(Np.lessEqual(small, bigN), Np.greaterEqual(bigN, 0.0)), Np.greaterEqual(small, 0.0));
        Array safeN = Np.where(cond, bigN, Np.zerosLike(bigN));
        Array safeK = Np.where(cond, small, Np.zerosLike(small));
        Array r = Np.exp(Np.subtract(
                Np.subtract(gammaln(Np.add(safeN, 1.0)), gammaln(Np.add(safeK, 1.0))),
                gammaln(Np.subtract(Np.add(safeN, 1.0), safeK))));
        return Np.where(cond, r, Np.zerosLike(r));
    }

    /** The rising factorial {@code Gamma(z + m) / Gamma(z)} (1 where m = 0), as {@code jax.scipy.special.poch}. */
    public static Array poch(Object z, Object m) {
        Array[] zm = Np.prepare("poch", Np.inexactType(z, m), z, m);
        Array r = Np.divide(gamma(Np.add(zm[0], zm[1])), gamma(zm[0]));
        return Np.where(Np.equal(zm[1], 0.0), Np.onesLike(r), r);
    }

    /**
     * The relative entropy {@code p log(p / q)} for {@code p, q > 0}, 0 for {@code p = 0, q >= 0}, inf
     * otherwise, as {@code jax.scipy.special.rel_entr}.
     */
    public static Array relEntr(Object p, Object q) {
        Array[] pq = Np.prepare("relEntr", Np.inexactType(p, q), p, q);
        return relEntrOf(pq[0], pq[1]);
    }

    private static Array relEntrOf(Array p, Array q) {
        Array both = Np.logicalAnd(Np.greater(p, 0.0), Np.greater(q, 0.0));
        Array zeroP = Np.logicalAnd(Np.equal(p, 0.0), Np.greaterEqual(q, 0.0));
        Array safeP = Np.where(both, p, Np.onesLike(p));
        Array safeQ = Np.where(both, q, Np.onesLike(q));
        Array xlogx = Kiln.<Array, Array>customJvp(
                        u -> xlogy(u, u), (u, t) -> new Kiln.Jvp<>(xlogy(u, u), Np.multiply(t, Np.add(Np.log(u), 1.0))))
                .apply(safeP);
        Array v = Np.subtract(xlogx, xlogy(safeP, safeQ));
        return Np.where(both, v, Np.where(zeroP, Np.zerosLike(v), Np.fullLike(v, Double.POSITIVE_INFINITY)));
    }

    /** The Kullback-Leibler divergence term {@code rel_entr(p, q) - p + q}, as {@code jax.scipy.special.kl_div}. */
    public static Array klDiv(Object p, Object q) {
        Array[] pq = Np.prepare("klDiv", Np.inexactType(p, q), p, q);
        return Np.add(Np.subtract(relEntrOf(pq[0], pq[1]), pq[0]), pq[1]);
    }

    /** The Box-Cox transform {@code (x^l - 1) / l}, {@code log x} at l = 0, as {@code jax.scipy.special.boxcox}. */
    public static Array boxcox(Object x, Object lmbda) {
        Array[] xl = Np.prepare("boxcox", Np.inexactType(x, lmbda), x, lmbda);
        return boxcoxOf(Np.log(xl[0]), xl[1]);
    }

    /** The Box-Cox transform of {@code 1 + x}, as {@code jax.scipy.special.boxcox1p}. */
    public static Array boxcox1p(Object x, Object lmbda) {
        Array[] xl = Np.prepare("boxcox1p", Np.inexactType(x, lmbda), x, lmbda);
        return boxcoxOf(Np.log1p(xl[0]), xl[1]);
    }

    private static Array boxcoxOf(Array logX, Array l) {
        Array zero = Np.equal(l, 0.0);
        Array safe = Np.where(zero, Np.onesLike(l), l);
        Array power = Np.divide(Np.expm1(Np.multiply(safe, logX)), safe);
        return Np.where(zero, Np.broadcastTo(logX, power.shape()), power);
    }

    /**
     * The log of the multivariate gamma function of dimension {@code d}, {@code d(d-1)/4 log(pi) +
     * sum_j gammaln(a - j/2)}, as {@code jax.scipy.special.multigammaln}.
     *
     * @throws ShapeException when d is not positive
     */
    public static Array multigammaln(Array a, int d) {
        Array x = inexact(Objects.requireNonNull(a, "a"));
        if (d < 1) {
            throw new ShapeException("multigammaln: the dimension d must be at least 1, got " + d);
        }
        Array sum = Np.zerosLike(x);
        for (int j = 0; j < d; j++) {
            sum = Np.add(sum, gammaln(Np.subtract(x, j / 2.0)));
        }
        return Np.add(sum, 0.25 * d * (d - 1) * Math.log(Math.PI));
    }

    /**
     * The quantile of the standard normal distribution (the inverse of {@link #ndtr}), as {@code
     * jax.scipy.special.ndtri}: -inf at 0, inf at 1, NaN outside [0, 1]. Its derivative is {@code
     * sqrt(2 pi) exp(ndtri(p)^2 / 2)}.
     */
    public static Array ndtri(Array p) {
        Array a = inexact(Objects.requireNonNull(p, "p"));
        return Kiln.<Array, Array>customJvp(SpecialTails::ndtri, (u, t) -> {
                    Array out = SpecialTails.ndtri(u);
                    Array d = Np.multiply(Np.exp(Np.multiply(Np.square(out), 0.5)), Math.sqrt(2 * Math.PI));
                    return new Kiln.Jvp<>(out, Np.multiply(t, d));
                })
                .apply(a);
    }

    /**
     * The scaled complementary error function {@code exp(x^2) erfc(x)}, finite and accurate for
     * large x, as {@code jax.scipy.special.erfcx}; its derivative is {@code 2x erfcx(x) - 2/sqrt(pi)}.
     */
    public static Array erfcx(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        return Kiln.<Array, Array>customJvp(SpecialTails::erfcx, (u, t) -> {
                    Array out = SpecialTails.erfcx(u);
                    Array d = Np.subtract(Np.multiply(Np.multiply(u, out), 2.0), TWO_OVER_SQRT_PI);
                    return new Kiln.Jvp<>(out, Np.multiply(t, d));
                })
                .apply(a);
    }

    /** Same as {@link Nn#logsumexp(Array, int[], boolean)}. */
    public static Array logsumexp(Array x, int[] axes, boolean keepdims) {
        return Np.logSumExp(x, axes, keepdims);
    }

    /** Same as {@link Nn#softmax(Array, int)}. */
    public static Array softmax(Array x, int axis) {
        return Nn.softmax(x, axis);
    }

    /** Same as {@link Nn#logSoftmax(Array, int)}. */
    public static Array logSoftmax(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return Nn.logSoftmax(x, axis);
    }

    // ------------------------------------------------------------ incomplete gamma and beta, zeta

    /** Converts to the loops' work dtype (float64, else float32) and back. */
    private static Array inWork(Array[] xs, java.util.function.Function<Array[], Array> f) {
        DType t = xs[0].dtype();
        DType w = IncompleteGamma.work(t);
        Array[] c = new Array[xs.length];
        for (int i = 0; i < xs.length; i++) {
            c[i] = Lax.convert(xs[i], w);
        }
        return Lax.convert(f.apply(c), t);
    }

    /**
     * The regularized lower incomplete gamma function {@code P(a, x)}, as {@code
     * jax.scipy.special.gammainc}: NaN for negative a or x, for a = x = 0 and NaN input; 0 at x = 0, 1
     * at x = inf. Differentiable in x and in a (through {@link Lax#igammaGradA}).
     */
    public static Array gammainc(Object a, Object x) {
        Array[] ax = Np.prepare("gammainc", Np.inexactType(a, x), a, x);
        return Kiln.<Array[], Array>customJvp(p -> inWork(p, v -> IncompleteGamma.igamma(v[0], v[1])), (p, t) -> {
                    Array out = inWork(p, v -> IncompleteGamma.igamma(v[0], v[1]));
                    Array da = inWork(p, v -> IncompleteGamma.gradA(v[0], v[1], IncompleteGamma.Mode.DERIVATIVE));
                    Array dx = inWork(p, v -> IncompleteGamma.igammaGradX(v[0], v[1]));
                    return new Kiln.Jvp<>(out, Np.add(Np.multiply(t[0], da), Np.multiply(t[1], dx)));
                })
                .apply(ax);
    }

    /**
     * The regularized upper incomplete gamma function {@code Q(a, x) = 1 - P(a, x)}, as {@code
     * jax.scipy.special.gammaincc}; differentiable in x and a.
     */
    public static Array gammaincc(Object a, Object x) {
        Array[] ax = Np.prepare("gammaincc", Np.inexactType(a, x), a, x);
        return Kiln.<Array[], Array>customJvp(p -> inWork(p, v -> IncompleteGamma.igammac(v[0], v[1])), (p, t) -> {
                    Array out = inWork(p, v -> IncompleteGamma.igammac(v[0], v[1]));
                    Array da = inWork(p, v -> IncompleteGamma.gradA(v[0], v[1], IncompleteGamma.Mode.DERIVATIVE));
                    Array dx = inWork(p, v -> IncompleteGamma.igammaGradX(v[0], v[1]));
                    return new Kiln.Jvp<>(out, Np.negative(Np.add(Np.multiply(t[0], da), Np.multiply(t[1], dx))));
                })
                .apply(ax);
    }

    /** {@code dP(a, x)/da}, as {@code jax.lax.igamma_grad_a}: NaN for {@code a <= 0} or negative x. */
    static Array igammaGradA(Object a, Object x) {
        Array[] ax = Np.prepare("igammaGradA", Np.inexactType(a, x), a, x);
        return inWork(ax, v -> IncompleteGamma.gradA(v[0], v[1], IncompleteGamma.Mode.DERIVATIVE));
    }

    /** The derivative in a of a Gamma(a, 1) sample x, as {@code jax.lax.random_gamma_grad}. */
    static Array randomGammaGrad(Object a, Object x) {
        Array[] ax = Np.prepare("randomGammaGrad", Np.inexactType(a, x), a, x);
        return inWork(ax, v -> IncompleteGamma.gradA(v[0], v[1], IncompleteGamma.Mode.SAMPLE_DERIVATIVE));
    }

    /**
     * The regularized incomplete beta function {@code I_x(a, b)}, as {@code
     * jax.scipy.special.betainc}: NaN outside {@code a, b >= 0, 0 <= x <= 1}. Differentiable in x
     * (JAX defines no derivative in a and b; Kiln treats a and b as constants there).
     */
    public static Array betainc(Object a, Object b, Object x) {
        Array[] abx = Np.prepare("betainc", Np.inexactType(a, b, x), a, b, x);
        return Kiln.<Array[], Array>customJvp(
                        p -> inWork(p, v -> IncompleteGamma.betainc(v[0], v[1], v[2])), (p, t) -> {
                            Array out = inWork(p, v -> IncompleteGamma.betainc(v[0], v[1], v[2]));
                            Array dx = inWork(p, v -> IncompleteGamma.betaincGradX(v[0], v[1], v[2]));
                            return new Kiln.Jvp<>(out, Np.multiply(t[2], dx));
                        })
                .apply(abx);
    }

    /**
     * The confluent hypergeometric function {@code 1F1(a; b; x) = sum_k (a)_k / (b)_k x^k / k!}, as
     * {@code jax.scipy.special.hyp1f1}: a Taylor series for {@code |x| < 100}, an asymptotic one
     * beyond, in float32 or float64 (narrow floats are computed in float32). As JAX's, 1 where a = 0
     * (also at a = b = 0, where SciPy differs), {@code exp(x)} where a = b, +inf where b = 0 and a is
     * not; large results lose accuracy in float32. Differentiable in a, b and x.
     *
     * @throws ShapeException when the arguments do not broadcast together
     */
    public static Array hyp1f1(Object a, Object b, Object x) {
        Array[] abx = Np.prepare("hyp1f1", Np.inexactType(a, b, x), a, b, x);
        return Kiln.<Array[], Array>customJvp(p -> inWork(p, v -> Hypergeometric.hyp1f1(v[0], v[1], v[2])), (p, t) -> {
                    Array out = inWork(p, v -> Hypergeometric.hyp1f1(v[0], v[1], v[2]));
                    Array da = inWork(p, v -> Hypergeometric.derivativeA(v[0], v[1], v[2]));
                    Array db = inWork(p, v -> Hypergeometric.derivativeB(v[0], v[1], v[2]));
                    // d/dx 1F1(a; b; x) = a / b 1F1(a + 1; b + 1; x)
                    Array dx = Np.multiply(Np.divide(p[0], p[1]), hyp1f1(Np.add(p[0], 1.0), Np.add(p[1], 1.0), p[2]));
                    return new Kiln.Jvp<>(
                            out, Np.add(Np.add(Np.multiply(t[0], da), Np.multiply(t[1], db)), Np.multiply(t[2], dx)));
                })
                .apply(abx);
    }

    /**
     * The Gauss hypergeometric function {@code 2F1(a, b; c; x) = sum_k (a)_k (b)_k / (c)_k x^k /
     * k!}, as {@code jax.scipy.special.hyp2f1}: 1 at x = 0 (and where a or b is 0, c not), +inf
     * where c is a non-positive integer or x > 1, the Taylor series (finite where a or b is a
     * non-positive integer), Euler's transformation where {@code c - a - b <= -1}, {@code (1 -
     * x)^-a} where b = c, {@code (1 - x)^-b} where a = c, Gauss's sum at x = 1 and the digamma
     * transformation near 1 for integer {@code c - a - b}; large values lose accuracy in float32, as
     * in JAX. Arguments promote to a common inexact dtype and broadcast. Differentiable in all four
     * (series for the parameters, {@code ab/c 2F1(a+1, b+1; c+1; x)} for x), as JAX's.
     *
     * @throws ShapeException when the arguments do not broadcast together
     */
    public static Array hyp2f1(Object a, Object b, Object c, Object x) {
        Array[] abcx = Np.prepare("hyp2f1", Np.inexactType(a, b, c, x), a, b, c, x);
        Np.broadcastShapes("hyp2f1", abcx[0].shape(), abcx[1].shape(), abcx[2].shape(), abcx[3].shape());
        return Kiln.<Array[], Array>customJvp(
                        p -> inWork(p, v -> GaussHypergeometric.hyp2f1(v[0], v[1], v[2], v[3])), (p, t) -> {
                            Array out = inWork(p, v -> GaussHypergeometric.hyp2f1(v[0], v[1], v[2], v[3]));
                            Array da = inWork(p, v -> GaussHypergeometric.derivativeA(v[0], v[1], v[2], v[3]));
                            Array db = inWork(p, v -> GaussHypergeometric.derivativeB(v[0], v[1], v[2], v[3]));
                            Array dc = inWork(p, v -> GaussHypergeometric.derivativeC(v[0], v[1], v[2], v[3]));
                            Array dx = Np.multiply(
                                    Np.divide(Np.multiply(p[0], p[1]), p[2]),
                                    hyp2f1(Np.add(p[0], 1.0), Np.add(p[1], 1.0), Np.add(p[2], 1.0), p[3]));
                            Array tangent = Np.add(
                                    Np.add(Np.multiply(t[0], da), Np.multiply(t[1], db)),
                                    Np.add(Np.multiply(t[2], dc), Np.multiply(t[3], dx)));
                            return new Kiln.Jvp<>(out, tangent);
                        })
                .apply(abcx);
    }

    /**
     * The Hurwitz zeta function {@code zeta(x, q) = sum_k (k + q)^-x}, as {@code
     * jax.scipy.special.zeta(x, q)}: inf at x = 1, NaN for x < 1; differentiable in both arguments.
     */
    public static Array zeta(Object x, Object q) {
        Array[] xq = Np.prepare("zeta", Np.inexactType(x, q), x, q);
        return Kiln.<Array[], Array>customJvp(p -> inWork(p, v -> HurwitzZeta.zeta(v[0], v[1])), (p, t) -> {
                    Array out = inWork(p, v -> HurwitzZeta.zeta(v[0], v[1]));
                    Kiln.Jvp<Array> series = Kiln.jvp((Array[] v) -> HurwitzZeta.series(v[0], v[1]), p, t);
                    return new Kiln.Jvp<>(out, series.tangent());
                })
                .apply(xq);
    }

    /**
     * The polygamma function {@code psi^(n)(x)}, the n-th derivative of digamma, as {@code
     * jax.scipy.special.polygamma}; n must be an integer array or number. Differentiable in x.
     *
     * @throws DTypeException when n is not of an integer type
     */
    public static Array polygamma(Object n, Object x) {
        Objects.requireNonNull(n, "n");
        Objects.requireNonNull(x, "x");
        boolean integer = n instanceof Array arr ? arr.dtype().isInteger() : n instanceof Integer || n instanceof Long;
        if (!integer) {
            throw new DTypeException("polygamma: the order n must be an integer array or number, got "
                    + (n instanceof Array arr ? arr.dtype() : n.getClass().getSimpleName())
                    + "; convert it with Np.astype(n, DType.INT32)");
        }
        Array[] nx = Np.prepare("polygamma", Np.inexactType(n, x), n, x);
        return polygammaOf(nx[0], nx[1]);
    }

    /** polygamma with n already of x's float dtype (lax.polygamma). */
    static Array polygammaOf(Array n, Array x) {
        return Kiln.<Array[], Array>customJvp(p -> inWork(p, v -> HurwitzZeta.polygamma(v[0], v[1])), (p, t) -> {
                    Array out = inWork(p, v -> HurwitzZeta.polygamma(v[0], v[1]));
                    Array d = inWork(p, v -> HurwitzZeta.polygamma(Np.add(v[0], 1.0), v[1]));
                    return new Kiln.Jvp<>(out, Np.multiply(t[1], d));
                })
                .apply(new Array[] {n, x});
    }

    /**
     * The log of the standard normal CDF, as {@code jax.scipy.special.log_ndtr} (series order 3):
     * {@code -ndtr(-x)} above 8 (float64) or 5 (float32), {@code log(ndtr(x))} down to -20 or -10,
     * and the asymptotic series of the tail below. Its derivative is {@code exp(log phi(x) - log_ndtr(x))}.
     */
    public static Array logNdtr(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        return Kiln.<Array, Array>customJvp(Special::logNdtrValue, (p, t) -> {
                    Array out = logNdtrValue(p);
                    Array logpdf = Np.subtract(Np.multiply(Np.square(p), -0.5), 0.5 * Math.log(2 * Math.PI));
                    return new Kiln.Jvp<>(out, Np.multiply(t, Np.exp(Np.subtract(logpdf, out))));
                })
                .apply(a);
    }

    private static Array logNdtrValue(Array x) {
        boolean f64 = x.dtype() == DType.FLOAT64;
        double lower = f64 ? -20 : -10;
        double upper = f64 ? 8 : 5;
        Array above = Np.greater(x, upper);
        Array arg = Np.where(above, Np.negative(x), Np.maximum(x, lower));
        Array n = ndtr(arg);
        Array tail = Np.minimum(x, lower);
        Array x2 = Np.square(tail);
        Array logScale =
                Np.subtract(Np.subtract(Np.multiply(x2, -0.5), Np.log(Np.negative(tail))), 0.5 * Math.log(2 * Math.PI));
        // 1 - 1/x^2 + 3/x^4 - 15/x^6: the asymptotic series of order 3, odd and even terms summed apart
        Array x2n = x2;
        Array even = Np.zerosLike(tail);
        Array odd = Np.zerosLike(tail);
        double[] doubleFactorial = {1, 3, 15};
        for (int k = 1; k <= 3; k++) {
            Array y = Np.divide(Np.fullLike(tail, doubleFactorial[k - 1]), x2n);
            if (k % 2 == 1) {
                odd = Np.add(odd, y);
            } else {
                even = Np.add(even, y);
            }
            x2n = Np.multiply(x2n, x2);
        }
        Array series = Np.add(logScale, Np.log(Np.subtract(Np.add(even, 1.0), odd)));
        return Np.where(above, Np.negative(n), Np.where(Np.greater(x, lower), Np.log(n), series));
    }

    // ------------------------------------------------------------ Fresnel, sine and cosine integrals

    /** The result of {@link #fresnel}: {@code S(x)} and {@code C(x)}. */
    public record Fresnel(Array s, Array c) {}

    /** The result of {@link #sici}: {@code Si(x)} and {@code Ci(x)}. */
    public record Sici(Array si, Array ci) {}

    /**
     * The Fresnel integrals {@code S(x) = ∫_0^x sin(πt²/2) dt} and {@code C(x) = ∫_0^x cos(πt²/2)
     * dt}, as {@code jax.scipy.special.fresnel}: odd, ±1/2 at ±inf (and, as JAX's float32, exactly
     * ±1/2 for float32 |x| above 36974), nan at nan. Evaluated in float64 (power series to |x| = 1.6,
     * the continued fraction of erfc beyond) and rounded to the input's dtype; integer and bool
     * inputs become float32. Derivatives {@code sin(πx²/2)} and
     * {@code cos(πx²/2)}.
     */
    public static Fresnel fresnel(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        List<Array> r = Kiln.<Array, List<Array>>customJvp(TrigIntegrals::fresnel, (p, t) -> {
                    List<Array> out = TrigIntegrals.fresnel(p);
                    Array[] sc = TrigIntegrals.sinCosHalfPiSquare(Np.abs(Np.astype(p, DType.FLOAT64)));
                    Array ds = Np.multiply(t, Np.astype(sc[0], p.dtype()));
                    Array dc = Np.multiply(t, Np.astype(sc[1], p.dtype()));
                    return new Kiln.Jvp<>(out, List.of(ds, dc));
                })
                .apply(a);
        return new Fresnel(r.get(0), r.get(1));
    }

    /**
     * The sine and cosine integrals {@code Si(x) = ∫_0^x sin(t)/t dt} and {@code Ci(x) = γ + ln x +
     * ∫_0^x (cos t - 1)/t dt}, as {@code jax.scipy.special.sici}: Si odd (±π/2 at ±inf), Ci(0) =
     * -inf, and for negative x JAX's {@code Ci(|x|)} (nan at -inf). Evaluated in float64 (power
     * series to |x| = 2, the continued fraction of {@code E1(ix)} beyond) and rounded to the input's
     * dtype; integer and bool inputs become float32. Derivatives {@code sin(x)/x} and {@code
     * cos(x)/x}.
     */
    public static Sici sici(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        List<Array> r = Kiln.<Array, List<Array>>customJvp(TrigIntegrals::sici, (p, t) -> {
                    List<Array> out = TrigIntegrals.sici(p);
                    Array dsi = Np.multiply(t, Np.sinc(Np.divide(p, Math.PI)));
                    Array dci = Np.multiply(t, Np.divide(Np.cos(p), p));
                    return new Kiln.Jvp<>(out, List.of(dsi, dci));
                })
                .apply(a);
        return new Sici(r.get(0), r.get(1));
    }

    // ------------------------------------------------------------ Dawson, Bessel J

    /**
     * Dawson's integral {@code F(x) = e^{-x²} ∫_0^x e^{t²} dt}, as {@code jax.scipy.special.dawsn}:
     * odd, 0 at 0 and at ±inf, nan at nan. Evaluated in float64 (a positive power series to |x| = 7,
     * the asymptotic series beyond) and rounded to the input's dtype; integer and bool inputs become
     * float32. Its derivative is {@code 1 - 2x F(x)}, also from float64 F (JAX's, in float32, loses
     * up to 200 ulps to cancellation for |x| above 1).
     */
    public static Array dawsn(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        return Kiln.<Array, Array>customJvp(SpecialIntegrals::dawsn, (p, t) -> {
                    Array out = SpecialIntegrals.dawsn(p);
                    return new Kiln.Jvp<>(out, Np.multiply(t, SpecialIntegrals.dawsnDerivative(p)));
                })
                .apply(a);
    }

    /**
     * Owen's T function {@code T(h, a) = 1/(2π) ∫_0^a e^{-h²(1+x²)/2} / (1+x²) dx}, as {@code
     * jax.scipy.special.owens_t}, computed as JAX does (Patefield and Tandy's 13-point quadrature T5
     * everywhere, |a| > 1 by reflection, closed forms at h = 0 and |a| = 1) in the promoted float
     * dtype of h and a, which broadcast. Its derivatives are JAX's: {@code ∂T/∂h = -e^{-h²/2}
     * erf(ah/√2) / (2√(2π))} and {@code ∂T/∂a = e^{-(1+a²)h²/2} / (2π(1+a²))}.
     */
    public static Array owensT(Object h, Object a) {
        Array[] ha = Np.prepare("owensT", Np.inexactType(h, a), h, a);
        double root2 = Math.sqrt(2);
        return Kiln.<Array[], Array>customJvp(u -> SpecialIntegrals.owensT(u[0], u[1]), (u, t) -> {
                    Array out = SpecialIntegrals.owensT(u[0], u[1]);
                    Array hh = u[0];
                    Array aa = u[1];
                    Array dh = Np.divide(
                            Np.multiply(
                                    Np.negative(Np.exp(Np.multiply(Np.multiply(hh, hh), -0.5))),
                                    Np.erf(Np.divide(Np.multiply(aa, hh), root2))),
                            2 * Math.sqrt(2 * Math.PI));
                    Array a21 = Np.add(Np.multiply(aa, aa), 1.0);
                    Array da = Np.divide(
                            Np.exp(Np.multiply(Np.multiply(a21, Np.multiply(hh, hh)), -0.5)),
                            Np.multiply(a21, 2 * Math.PI));
                    return new Kiln.Jvp<>(out, Np.add(Np.multiply(dh, t[0]), Np.multiply(da, t[1])));
                })
                .apply(ha);
    }

    /** {@link #besselJn(Array, int, int) besselJn(z, v, 50)}, JAX's default iteration count. */
    public static Array besselJn(Array z, int v) {
        return besselJn(z, v, 50);
    }

    /**
     * The Bessel functions of the first kind {@code J_0(z) ... J_v(z)} of a real argument, stacked on
     * a new leading axis (shape {@code (v + 1, ...z.shape)}), as {@code jax.scipy.special.bessel_jn(z,
     * v=v, n_iter=nIter)}: Miller's backward recurrence from order {@code nIter}, normalised by {@code
     * J_0 + 2 Σ J_2m = 1}, computed in z's dtype as JAX does (integers and bool become float32).
     * Its limits are JAX's: {@code nIter} must grow with |z| (about {@code |z| + 25} for full
     * float64 accuracy), z = 0 gives nan, and in float32 the recurrence overflows for small |z| (at
     * the default 50 iterations, nan for |z| up to about 3: use float64 there). Differentiable
     * through the recurrence.
     *
     * @throws KilnException when v is negative or above nIter (JAX returns fewer or more orders than
     *     asked there), or nIter is above 1000 (the recurrence is unrolled into the program)
     */
    public static Array besselJn(Array z, int v, int nIter) {
        Array a = inexact(Objects.requireNonNull(z, "z"));
        if (nIter > 1000) {
            throw new KilnException("besselJn: nIter is at most 1000 (the recurrence is unrolled), got " + nIter
                    + "; about |z| + 25 iterations give full float64 accuracy");
        }
        if (v < 0 || v > nIter) {
            throw new KilnException("besselJn: the order v must be in [0, nIter] = [0, " + nIter + "], got " + v
                    + "; raise nIter for higher orders");
        }
        return SpecialIntegrals.besselJn(a, v, nIter);
    }

    // ------------------------------------------------------------ exponential integrals

    /**
     * {@code jax.scipy.special.spence}: the dilogarithm in SciPy's convention, {@code spence(x) =
     * ∫_1^x log(t) / (1 - t) dt = Li2(1 - x)}, for real {@code x >= 0} (nan below 0, at nan and at
     * inf, as JAX); {@code spence(0) = π²/6}, {@code spence(1) = 0}. Computed from the Bernoulli
     * series of Li2 in {@code u = -log x} on {@code [1/2, 2]}, and for other {@code x} from Euler's
     * reflection (below 1/2) or the inversion formula (above 2), so every branch stays where the
     * series converges fast. Differentiable: its derivative is {@code log(x) / (1 - x)} (-1 at 1,
     * where JAX's gives 0).
     */
    public static Array spence(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        double pi26 = Math.PI * Math.PI / 6;
        // each branch sees only inputs of its own range, so no branch makes a nan that a gradient would carry
        Array mid = Np.logicalAnd(Np.greaterEqual(a, 0.5), Np.lessEqual(a, 2.0));
        Array low = Np.logicalAnd(Np.greater(a, 0.0), Np.less(a, 0.5));
        Array high = Np.greater(a, 2.0);
        Array xm = Np.where(mid, a, Np.onesLike(a));
        Array xl = Np.where(low, a, Np.fullLike(a, 0.25));
        Array xh = Np.where(Np.logicalAnd(high, Np.isfinite(a)), a, Np.fullLike(a, 3.0));
        Array vMid = spenceSeries(xm);
        // Euler: Li2(1 - x) = π²/6 - log(x) log(1 - x) - Li2(x), and Li2(x) = spence(1 - x) with 1 - x in (1/2, 1)
        Array vLow = Np.subtract(
                Np.subtract(pi26, Np.multiply(Np.log(xl), Np.log1p(Np.negative(xl)))),
                spenceSeries(Np.subtract(1.0, xl)));
        // inversion: spence(x) = -π²/6 - log²(x - 1) / 2 - spence(x / (x - 1)), with x / (x - 1) in (1, 2]
        Array lh = Np.log(Np.subtract(xh, 1.0));
        Array vHigh = Np.subtract(
                Np.subtract(-pi26, Np.multiply(0.5, Np.multiply(lh, lh))),
                spenceSeries(Np.divide(xh, Np.subtract(xh, 1.0))));
        Array out = Np.where(mid, vMid, Np.where(low, vLow, Np.where(high, vHigh, Np.fullLike(a, Double.NaN))));
        out = Np.where(Np.equal(a, 0.0), Np.fullLike(a, pi26), out);
        return Np.where(Np.isfinite(a), out, Np.fullLike(a, Double.NaN));
    }

    /** Li2(1 - x) for x in [1/2, 2]: the Bernoulli series Σ B_n u^(n+1) / (n+1)! in u = -log x. */
    private static Array spenceSeries(Array x) {
        Array u = Np.negative(Np.log(x));
        Array u2 = Np.multiply(u, u);
        // B_2k / (2k+1)! for k = 1..12: the even terms; the odd part is u - u²/4
        double[][] bernoulli = java.util.Arrays.copyOf(HurwitzZeta.BERNOULLI, 12);
        double[] c = new double[bernoulli.length];
        double factorial = 1; // (2k+1)!
        for (int k = 1; k <= bernoulli.length; k++) {
            factorial *= (2.0 * k) * (2.0 * k + 1);
            c[k - 1] = bernoulli[k - 1][0] / bernoulli[k - 1][1] / factorial;
        }
        // Horner in u²: Σ c_k u^(2k+1) = u³ (c_1 + u² (c_2 + ...))
        Array poly = Np.fullLike(u, c[c.length - 1]);
        for (int k = c.length - 2; k >= 0; k--) {
            poly = Np.add(Np.multiply(poly, u2), c[k]);
        }
        Array odd = Np.multiply(Np.multiply(u, u2), poly);
        return Np.add(Np.subtract(u, Np.multiply(0.25, u2)), odd);
    }

    /**
     * The exponential integral {@code Ei(x)}, as {@code jax.scipy.special.expi}; its derivative is
     * {@code e^x / x}.
     */
    public static Array expi(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        return Kiln.<Array, Array>customJvp(ExponentialIntegral::expi, (u, t) -> {
                    Array out = ExponentialIntegral.expi(u);
                    return new Kiln.Jvp<>(out, Np.multiply(t, Np.divide(Np.exp(u), u)));
                })
                .apply(a);
    }

    /**
     * The generalized exponential integral {@code E_n(x)}, as {@code jax.scipy.special.expn}: NaN for
     * negative n or x, inf at x = 0 for n < 2. Differentiable in x ({@code -E_{n-1}(x)}).
     */
    public static Array expn(Object n, Object x) {
        Array[] nx = Np.prepare("expn", Np.inexactType(n, x), n, x);
        // n is not differentiated (JAX's expn takes it as a non-differentiable argument)
        return Kiln.<Array[], Array>customJvp(u -> ExponentialIntegral.expn(u[0], u[1]), (u, t) -> {
                    Array out = ExponentialIntegral.expn(u[0], u[1]);
                    Array d = ExponentialIntegral.expn(Np.subtract(u[0], 1.0), u[1]);
                    return new Kiln.Jvp<>(out, Np.negative(Np.multiply(t[1], d)));
                })
                .apply(nx);
    }

    /** The exponential integral {@code E_1(x) = expn(1, x)}, as {@code jax.scipy.special.exp1}. */
    public static Array exp1(Array x) {
        Array a = inexact(Objects.requireNonNull(x, "x"));
        return expn(1, a);
    }

    /** The Bernoulli numbers {@code B_0 ... B_n} as float32 ({@code B_1 = -1/2}), as {@code jax.scipy.special.bernoulli(n)}. */
    public static Array bernoulli(int n) {
        return bernoulli(n, DType.FLOAT32);
    }

    /**
     * The Bernoulli numbers {@code B_0 ... B_n} of a float dtype, as {@code
     * jax.scipy.special.bernoulli}: 1, -1/2, 1/6, zeros at the odd indices above 1, and the even ones
     * from {@code B_2k = (-1)^(k+1) 2 (2k)! / (2 pi)^2k zeta(2k)} as a running product times the
     * first 48 terms of zeta (the Chowla-Hartung form JAX uses).
     *
     * @throws ShapeException when n is negative
     * @throws DTypeException when dtype is not a float type
     */
    public static Array bernoulli(int n, DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        if (n < 0) {
            throw new ShapeException("bernoulli: n must be a non-negative integer, got " + n);
        }
        if (!dtype.isFloating()) {
            throw new DTypeException("bernoulli: needs a float dtype, got " + dtype + "; use float32 or float64");
        }
        Array first = Lax.convert(Np.array(new double[] {1, -0.5, 1.0 / 6}), dtype);
        if (n < 3) {
            return Lax.slice(first, new int[] {0}, new int[] {n + 1});
        }
        if (n == 3) {
            return Np.concatenate(new Array[] {first, Np.zeros(dtype, 1)}, 0);
        }
        Array m = Lax.convert(Np.arange(4, n + 1, 2), dtype);
        double pi2 = Math.PI * Math.PI;
        Array ratio = Np.divide(Np.divide(Np.multiply(Np.negative(Np.subtract(m, 1.0)), m), 4.0), pi2);
        Array q1 = Np.multiply(Np.cumprod(ratio), 1.0 / pi2);
        Array q2 = Np.zerosLike(m);
        for (int k = 2; k < 50; k++) {
            q2 = Np.add(q2, Np.power(Np.fullLike(m, k), Np.negative(m)));
        }
        Array even = Np.multiply(q1, Np.add(q2, 1.0));
        Array pairs = Np.reshape(Np.stack(new Array[] {even, Np.zerosLike(even)}, 1), -1);
        Array tail = Lax.slice(pairs, new int[] {0}, new int[] {n - 3});
        return Np.concatenate(new Array[] {first, Np.zeros(dtype, 1), tail}, 0);
    }
}
