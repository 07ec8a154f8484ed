package dev.kiln;

/**
 * The regularized incomplete gamma and beta functions, written with {@link Lax#whileLoop} so that
 * they jit, batch and run on every backend. They follow the algorithm JAX lowers {@code
 * lax.igamma}, {@code lax.igammac}, {@code lax.igamma_grad_a}, {@code lax.random_gamma_grad} and
 * {@code lax.betainc} to: a power series for {@code x < a} (or {@code x < 1}) and Legendre's
 * continued fraction beyond, both carrying their derivative in {@code a}; for the beta function the
 * continued fraction of DLMF 8.17.22 evaluated by the modified Lentz method, with the symmetry
 * {@code I_x(a, b) = 1 - I_{1-x}(b, a)} where it converges slowly. The work is done in the
 * argument's dtype (narrow floats in float32) with that dtype's epsilon as the stopping rule.
 */
final class IncompleteGamma {
    private IncompleteGamma() {}

    enum Mode {
        VALUE,
        DERIVATIVE,
        SAMPLE_DERIVATIVE
    }

    static double eps(DType t) {
        return t == DType.FLOAT64 ? Math.ulp(1.0) : Math.ulp(1f);
    }

    static double max(DType t) {
        return t == DType.FLOAT64 ? Double.MAX_VALUE : Float.MAX_VALUE;
    }

    static double tiny(DType t) {
        return t == DType.FLOAT64 ? Double.MIN_NORMAL : Float.MIN_NORMAL;
    }

    /** The dtype the loops run in: float64 stays, everything else is float32 (as JAX upcasts narrow floats). */
    static DType work(DType t) {
        return t == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
    }

    private static Array or(Array... bs) {
        Array r = bs[0];
        for (int i = 1; i < bs.length; i++) {
            r = Np.logicalOr(r, bs[i]);
        }
        return r;
    }

    private static Array and(Array a, Array b) {
        return Np.logicalAnd(a, b);
    }

    private static Array not(Array a) {
        return Np.logicalNot(a);
    }

    private static Array lgamma(Array x) {
        return Special.gammaln(x);
    }

    /** {@code a log x - x - lgamma(a)}, the log of the common factor of the series and the fraction. */
    private static Array logAx(Array a, Array x) {
        return Np.subtract(Np.subtract(Np.multiply(a, Np.log(x)), x), lgamma(a));
    }

    /** The power series {@code sum x^n / (a+1)...(a+n)}, with its derivative in a, for x below a. */
    static Array series(Array ax, Array x, Array a, Array enabled, Mode mode) {
        double eps = eps(a.dtype());
        Array[] init = {enabled, a, Np.onesLike(a), Np.onesLike(a), x, Np.zerosLike(a), Np.zerosLike(a)};
        Array[] v = Lax.whileLoop(
                s -> Np.any(s[0]),
                s -> {
                    Array on = s[0];
                    Array r = Np.add(s[1], 1.0);
                    Array xr = Np.divide(s[4], r);
                    Array dc =
                            Np.subtract(Np.multiply(s[5], xr), Np.divide(Np.multiply(s[2], s[4]), Np.multiply(r, r)));
                    Array dans = Np.add(s[6], dc);
                    Array c = Np.multiply(s[2], xr);
                    Array ans = Np.add(s[3], c);
                    Array more = mode == Mode.VALUE
                            ? and(on, Np.greater(Np.divide(c, ans), eps))
                            : and(on, Np.greater(Np.abs(Np.divide(dc, dans)), eps));
                    return new Array[] {
                        more,
                        Np.where(on, r, s[1]),
                        Np.where(on, c, s[2]),
                        Np.where(on, ans, s[3]),
                        Np.where(on, s[4], s[4]),
                        Np.where(on, dc, s[5]),
                        Np.where(on, dans, s[6])
                    };
                },
                init);
        Array ans = v[3];
        if (mode == Mode.VALUE) {
            return Np.divide(Np.multiply(ans, ax), a);
        }
        Array dlogax = Np.subtract(Np.log(x), Special.digamma(Np.add(a, 1.0)));
        Array inner = Np.add(Np.multiply(ans, dlogax), v[6]);
        return mode == Mode.DERIVATIVE
                ? Np.divide(Np.multiply(ax, inner), a)
                : Np.divide(Np.multiply(Np.negative(inner), x), a);
    }

    /** Legendre's continued fraction for the upper function, with its derivative in a, for x above a. */
    static Array continuedFraction(Array ax, Array x, Array a, Array enabled, Mode mode) {
        DType dt = a.dtype();
        double eps = eps(dt);
        Array y = Np.subtract(1.0, a);
        Array z = Np.add(Np.add(x, y), 1.0);
        Array pkm1 = Np.add(x, 1.0);
        Array qkm1 = Np.multiply(z, x);
        Array ans = Np.divide(pkm1, qkm1);
        Array zero = Np.zerosLike(x);
        Array dqkm1Init = Np.negative(x);
        Array dans = Np.divide(Np.subtract(zero, Np.multiply(ans, dqkm1Init)), qkm1);
        Array[] init = {
            enabled,
            ans,
            Np.onesLike(x),
            y,
            z,
            Np.zeros(dt),
            pkm1,
            qkm1,
            Np.onesLike(x),
            x,
            zero,
            zero,
            zero,
            dqkm1Init,
            dans
        };
        Array[] v = Lax.whileLoop(
                s -> and(Np.less(s[5], 2000.0), Np.any(s[0])),
                s -> {
                    Array on = s[0];
                    Array c = Np.add(s[5], 1.0);
                    Array yy = Np.add(s[3], 1.0);
                    Array zz = Np.add(s[4], 2.0);
                    Array yc = Np.multiply(yy, c);
                    Array pk = Np.subtract(Np.multiply(s[6], zz), Np.multiply(s[8], yc));
                    Array qk = Np.subtract(Np.multiply(s[7], zz), Np.multiply(s[9], yc));
                    Array nonzero = Np.notEqual(qk, 0.0);
                    Array r = Np.divide(pk, qk);
                    Array t = Np.where(nonzero, Np.abs(Np.divide(Np.subtract(s[1], r), r)), Np.onesLike(r));
                    Array an = Np.where(nonzero, r, s[1]);
                    Array dpk = Np.add(
                            Np.subtract(Np.subtract(Np.multiply(s[12], zz), s[6]), Np.multiply(s[10], yc)),
                            Np.multiply(s[8], c));
                    Array dqk = Np.add(
                            Np.subtract(Np.subtract(Np.multiply(s[13], zz), s[7]), Np.multiply(s[11], yc)),
                            Np.multiply(s[9], c));
                    Array dansNew = Np.where(nonzero, Np.divide(Np.subtract(dpk, Np.multiply(an, dqk)), qk), s[14]);
                    Array gradChange = Np.where(nonzero, Np.abs(Np.subtract(dansNew, s[14])), Np.onesLike(s[14]));
                    Array rescale = Np.greater(Np.abs(pk), 1 / eps);
                    Array pkm2 = scale(rescale, s[6], eps);
                    Array pkm1n = scale(rescale, pk, eps);
                    Array qkm2 = scale(rescale, s[7], eps);
                    Array qkm1n = scale(rescale, qk, eps);
                    Array dpkm2 = scale(rescale, s[12], eps);
                    Array dqkm2 = scale(rescale, s[13], eps);
                    Array dpkm1 = scale(rescale, dpk, eps);
                    Array dqkm1 = scale(rescale, dqk, eps);
                    Array more =
                            mode == Mode.VALUE ? and(on, Np.greater(t, eps)) : and(on, Np.greater(gradChange, eps));
                    return new Array[] {
                        more,
                        Np.where(on, an, s[1]),
                        Np.where(on, t, s[2]),
                        Np.where(on, yy, s[3]),
                        Np.where(on, zz, s[4]),
                        c,
                        Np.where(on, pkm1n, s[6]),
                        Np.where(on, qkm1n, s[7]),
                        Np.where(on, pkm2, s[8]),
                        Np.where(on, qkm2, s[9]),
                        Np.where(on, dpkm2, s[10]),
                        Np.where(on, dqkm2, s[11]),
                        Np.where(on, dpkm1, s[12]),
                        Np.where(on, dqkm1, s[13]),
                        Np.where(on, dansNew, s[14])
                    };
                },
                init);
        if (mode == Mode.VALUE) {
            return Np.multiply(v[1], ax);
        }
        Array dlogax = Np.subtract(Np.log(x), Special.digamma(a));
        Array inner = Np.add(Np.multiply(v[1], dlogax), v[14]);
        return mode == Mode.DERIVATIVE ? Np.multiply(ax, inner) : Np.negative(Np.multiply(inner, x));
    }

    private static Array scale(Array rescale, Array v, double eps) {
        return Np.where(rescale, Np.multiply(v, eps), v);
    }

    private static Array isNan(Array a, Array x) {
        return Np.logicalOr(Np.isnan(a), Np.isnan(x));
    }

    /** The lower regularized incomplete gamma function P(a, x), a and x broadcast, of one work dtype. */
    static Array igamma(Array a, Array x) {
        DType t = a.dtype();
        Array xInf = Np.equal(x, Double.POSITIVE_INFINITY);
        Array xZero = Np.equal(x, 0.0);
        Array domain = or(Np.less(x, 0.0), Np.less(a, 0.0), and(Np.equal(a, 0.0), xZero), isNan(a, x));
        Array useFraction = and(Np.greaterEqual(x, 1.0), Np.greater(x, a));
        Array lax = logAx(a, x);
        Array underflow = Np.less(lax, -Math.log(max(t)));
        Array ax = Np.exp(lax);
        Array enabled = not(or(xZero, domain, underflow, xInf));
        Array out = Np.where(
                useFraction,
                Np.subtract(1.0, continuedFraction(ax, x, a, and(enabled, useFraction), Mode.VALUE)),
                series(ax, x, a, and(enabled, not(useFraction)), Mode.VALUE));
        out = Np.where(xZero, Np.zerosLike(out), out);
        out = Np.where(xInf, Np.onesLike(out), out);
        return Np.where(domain, Np.fullLike(out, Double.NaN), out);
    }

    /** The upper regularized incomplete gamma function Q(a, x) = 1 - P(a, x). */
    static Array igammac(Array a, Array x) {
        DType t = a.dtype();
        Array aZero = Np.equal(a, 0.0);
        Array xZero = Np.equal(x, 0.0);
        Array xInf = Np.equal(x, Double.POSITIVE_INFINITY);
        Array domain = or(Np.less(x, 0.0), Np.less(a, 0.0), and(aZero, xZero), isNan(a, x));
        Array useSeries = Np.logicalOr(Np.less(x, 1.0), Np.less(x, a));
        Array lax = logAx(a, x);
        Array underflow = Np.less(lax, -Math.log(max(t)));
        Array enabled = not(or(domain, underflow, xInf, aZero));
        Array ax = Np.exp(lax);
        Array lower = series(ax, x, a, and(enabled, useSeries), Mode.VALUE);
        Array upper = continuedFraction(ax, x, a, and(enabled, not(useSeries)), Mode.VALUE);
        Array out = Np.where(useSeries, Np.subtract(1.0, lower), upper);
        out = Np.where(Np.logicalOr(xInf, aZero), Np.zerosLike(out), out);
        return Np.where(domain, Np.fullLike(out, Double.NaN), out);
    }

    /** dP(a, x)/da ({@code mode} DERIVATIVE), or the derivative of a Gamma(a) sample in a (SAMPLE_DERIVATIVE). */
    static Array gradA(Array a, Array x, Mode mode) {
        DType t = a.dtype();
        Array nan = isNan(a, x);
        Array xZero = Np.equal(x, 0.0);
        Array domain = Np.logicalOr(Np.less(x, 0.0), Np.lessEqual(a, 0.0));
        Array useFraction = and(Np.greater(x, 1.0), Np.greater(x, a));
        Array lax = logAx(a, x);
        Array underflow = Np.less(lax, -Math.log(max(t)));
        Array ax = Np.exp(lax);
        Array enabled = not(or(xZero, domain, underflow, nan));
        Array out = Np.where(
                useFraction,
                Np.negative(continuedFraction(ax, x, a, and(enabled, useFraction), mode)),
                series(ax, x, a, and(enabled, not(useFraction)), mode));
        out = Np.where(xZero, Np.zerosLike(out), out);
        return Np.where(Np.logicalOr(domain, nan), Np.fullLike(out, Double.NaN), out);
    }

    /** dP/dx = x^(a-1) e^-x / Gamma(a). */
    static Array igammaGradX(Array a, Array x) {
        return Np.exp(Np.subtract(Np.add(Np.negative(x), Np.multiply(Np.subtract(a, 1.0), Np.log(x))), lgamma(a)));
    }

    // ------------------------------------------------------------------------------ betainc

    /** The regularized incomplete beta function I_x(a, b), a, b and x broadcast, of one work dtype. */
    static Array betainc(Array a0, Array b0, Array x0) {
        DType dt = a0.dtype();
        Array aZero = Np.logicalOr(Np.equal(a0, 0.0), Np.equal(b0, Double.POSITIVE_INFINITY));
        Array bZero = Np.logicalOr(Np.equal(b0, 0.0), Np.equal(a0, Double.POSITIVE_INFINITY));
        Array xZero = Np.equal(x0, 0.0);
        Array xOne = Np.equal(x0, 1.0);
        Array nan = or(Np.isnan(a0), Np.isnan(b0), Np.isnan(x0));
        Array isZero = Np.logicalOr(and(bZero, not(xOne)), and(aZero, xZero));
        Array isOne = Np.logicalOr(and(aZero, not(xZero)), and(bZero, xOne));
        Array isNan =
                or(Np.less(a0, 0.0), Np.less(b0, 0.0), Np.less(x0, 0.0), Np.greater(x0, 1.0), and(aZero, bZero), nan);
        Array rapid = Np.less(x0, Np.divide(Np.add(a0, 1.0), Np.add(Np.add(a0, b0), 2.0)));
        Array a = Np.where(rapid, a0, b0);
        Array b = Np.where(rapid, b0, a0);
        Array x = Np.where(rapid, x0, Np.subtract(1.0, x0));
        Array cf = lentz(a, b, x, dt == DType.FLOAT32 ? 200 : 600, eps(dt) / 2, eps(dt) / 2);
        double verySmall = tiny(dt) * 2;
        Array lbetaSmallA = Np.subtract(lgamma(b), lgamma(Np.add(a, b)));
        Array lbeta = Np.add(lgamma(a), lbetaSmallA);
        Array log1mx = Np.log1p(Np.negative(x));
        Array factor = Np.where(
                Np.less(a, verySmall),
                Np.exp(Np.subtract(Np.multiply(log1mx, b), lbetaSmallA)),
                Np.divide(Np.exp(Np.subtract(Np.add(Np.multiply(Np.log(x), a), Np.multiply(log1mx, b)), lbeta)), a));
        Array out = Np.multiply(cf, factor);
        out = Np.where(rapid, out, Np.subtract(1.0, out));
        out = Np.where(isZero, Np.zerosLike(out), out);
        out = Np.where(isOne, Np.onesLike(out), out);
        return Np.where(isNan, Np.fullLike(out, Double.NaN), out);
    }

    /** The partial numerator of the betainc continued fraction at step n (a 0-d int32). */
    private static Array numerator(Array n, Array a, Array b, Array x) {
        DType dt = a.dtype();
        Array even = Np.equal(Np.remainder(n, 2), 0);
        Array isOne = Np.equal(n, 1);
        Array mi = Np.floorDivide(Np.subtract(n, 1), 2);
        Array mZero = Np.equal(mi, 0);
        Array m = Lax.convert(mi, dt);
        Array a2m = Np.add(a, Np.multiply(m, 2.0));
        Array zeroNum = Np.divide(Np.multiply(Np.negative(Np.add(a, b)), x), Np.add(a, 1.0));
        Array evenNum = Np.where(
                mZero,
                zeroNum,
                Np.divide(
                        Np.multiply(Np.multiply(Np.negative(Np.add(a, m)), Np.add(Np.add(a, b), m)), x),
                        Np.multiply(a2m, Np.add(a2m, 1.0))));
        Array oddNum =
                Np.divide(Np.multiply(Np.multiply(m, Np.subtract(b, m)), x), Np.multiply(Np.subtract(a2m, 1.0), a2m));
        Array num = Np.where(even, evenNum, oddNum);
        return Np.where(isOne, Np.onesLike(x), num);
    }

    /** The modified Lentz evaluation of the continued fraction (partial denominators 0, 1, 1, ...). */
    private static Array lentz(Array a, Array b, Array x, int iterations, double small, double threshold) {
        DType dt = a.dtype();
        Array h = Np.fullLike(x, small); // the first partial denominator is 0, below small
        Array[] init = {Np.scalar(1), Np.scalar(true), h, Np.zerosLike(x), h};
        Array[] v = Lax.whileLoop(
                s -> and(Np.less(s[0], iterations), s[1]),
                s -> {
                    Array pn = numerator(s[0], a, b, x);
                    Array c = Np.add(1.0, Np.divide(pn, s[2]));
                    c = Np.where(Np.less(Np.abs(c), small), Np.fullLike(c, small), c);
                    Array d = Np.add(1.0, Np.multiply(pn, s[3]));
                    d = Np.where(Np.less(Np.abs(d), small), Np.fullLike(d, small), d);
                    d = Np.reciprocal(d);
                    Array delta = Np.multiply(c, d);
                    Array hh = Np.multiply(s[4], delta);
                    Array unconverged = Np.any(Np.greaterEqual(Np.abs(Np.subtract(delta, 1.0)), threshold));
                    return new Array[] {Np.add(s[0], 1), unconverged, c, d, hh};
                },
                init);
        return Lax.convert(v[4], dt);
    }

    /** d I_x(a, b) / dx = x^(a-1) (1-x)^(b-1) / B(a, b). */
    static Array betaincGradX(Array a, Array b, Array x) {
        Array lbeta = Np.subtract(Np.add(lgamma(a), lgamma(b)), lgamma(Np.add(a, b)));
        return Np.exp(Np.subtract(
                Np.add(
                        Np.multiply(Np.subtract(b, 1.0), Np.log1p(Np.negative(x))),
                        Np.multiply(Np.subtract(a, 1.0), Np.log(x))),
                lbeta));
    }
}
