package dev.kiln;

/**
 * The special functions of {@link Special} that need Newton steps or asymptotic series: the normal
 * quantile and the scaled complementary error function. All are evaluated in float64 (float32 inputs are
 * rounded back at the end) with a fixed number of steps, so they trace, batch and differentiate
 * like any composite.
 */
final class SpecialTails {
    private SpecialTails() {}

    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

    // ---------------------------------------------------------------- the normal distribution

    /**
     * The normal quantile in float64: a first guess from {@code erfinv} (or, in the tails, from the
     * asymptotic inverse {@code -sqrt(2 log(1/p) - log(4 pi log(1/p)))}), then Newton steps on {@code
     * ndtr(x) - p} (in the lower half; the upper half is the mirror image, {@code -ndtri(1 - p)},
     * with {@code 1 - p} exact there).
     */
    static Array ndtri(Array p) {
        DType dt = p.dtype();
        Array v = Lax.convert(p, DType.FLOAT64);
        Array upper = Np.greater(v, 0.5);
        Array q = Np.where(upper, Np.subtract(1.0, v), v); // in [0, 0.5]
        Array sq = Np.where(Np.greater(q, 0.0), q, Np.fullLike(q, 0.25));
        Array guessMid = Np.multiply(Special.erfinv(Np.subtract(Np.multiply(sq, 2.0), 1.0)), Math.sqrt(2));
        Array l = Np.negative(Np.log(sq));
        Array guessTail = Np.negative(Np.sqrt(Np.subtract(Np.multiply(l, 2.0), Np.log(Np.multiply(l, 4 * Math.PI)))));
        Array x = Np.where(Np.less(sq, 1e-3), guessTail, guessMid);
        for (int i = 0; i < 4; i++) {
            Array phi = Np.divide(Np.exp(Np.multiply(Np.multiply(x, x), -0.5)), SQRT_2PI);
            Array f = Np.subtract(Special.ndtr(x), sq);
            x = Np.subtract(x, Np.divide(f, phi));
        }
        x = Np.where(Np.equal(q, 0.0), Np.fullLike(x, Double.NEGATIVE_INFINITY), x);
        x = Np.where(Np.equal(q, 0.5), Np.zerosLike(x), x);
        Array out = Np.where(upper, Np.negative(x), x);
        out = Np.where(
                Np.logicalOr(Np.logicalOr(Np.less(v, 0.0), Np.greater(v, 1.0)), Np.isnan(v)),
                Np.fullLike(out, Double.NaN),
                out);
        return Lax.convert(out, dt);
    }

    // ---------------------------------------------------------------- erfcx

    /**
     * {@code exp(x^2) erfc(x)} in float64. For {@code x >= 1.25} erfc's own tail form is {@code
     * exp(-x^2 - 0.5625 + R/S(1/x^2)) / x}, so the factor {@code exp(x^2)} cancels exactly and
     * erfcx is {@code exp(R/S - 0.5625) / x} with no overflow; beyond 28 (where that fit stops) the
     * asymptotic series {@code (1 - 1/(2x^2) + 3/(4x^4) - ...) / (x sqrt(pi))}; below 1.25 the
     * product itself ({@code x^2} is small or the result is dominated by {@code 2 exp(x^2)}).
     */
    static Array erfcx(Array x) {
        DType dt = x.dtype();
        Array v = Lax.convert(x, DType.FLOAT64);
        Array direct = Np.multiply(Np.exp(Np.multiply(v, v)), Special.erfc(Np.minimum(v, 1.25)));
        Array t = Np.clip(v, 1.25, 28.0);
        Array tail = Np.divide(Np.exp(Np.subtract(Special.erfcTailRs(t), 0.5625)), t);
        Array big = Np.maximum(v, 28.0);
        Array inv = Np.reciprocal(Np.multiply(Np.multiply(big, big), 2.0));
        Array sum = Np.onesLike(big);
        Array term = Np.onesLike(big);
        for (int k = 1; k <= 8; k++) {
            term = Np.multiply(term, Np.multiply(inv, -(2.0 * k - 1)));
            sum = Np.add(sum, term);
        }
        Array asym = Np.divide(sum, Np.multiply(big, Math.sqrt(Math.PI)));
        Array out = Np.where(Np.less(v, 1.25), direct, Np.where(Np.less(v, 28.0), tail, asym));
        out = Np.where(Np.isposinf(v), Np.zerosLike(out), out);
        out = Np.where(Np.isnan(v), v, out);
        return Lax.convert(out, dt);
    }
}
