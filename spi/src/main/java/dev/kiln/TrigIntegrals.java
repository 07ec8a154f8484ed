package dev.kiln;

import java.util.List;

/**
 * The Fresnel integrals {@code S(x), C(x)} and the sine and cosine integrals {@code Si(x), Ci(x)},
 * for {@link Special#fresnel} and {@link Special#sici}, evaluated in float64 and rounded to the
 * input's dtype. Near zero by their power series (every term positive in magnitude and shrinking
 * fast, so float64 keeps full precision); farther out through the complementary error function and
 * the exponential integral of an imaginary argument, whose continued fractions converge quickly
 * there: {@code C + iS = (1+i)/2 (1 - erfc(sqrt(pi)/2 (1-i) x))} and {@code E1(ix) = -Ci(x) +
 * i(Si(x) - pi/2)}. Each continued fraction is evaluated from a fixed depth backwards (stable, and
 * the same work for every element).
 */
final class TrigIntegrals {
    private TrigIntegrals() {}

    private static final double EULER = 0.57721566490153286061;

    /** Below this |x| the Fresnel series (to t^40) is exact to rounding; above it the fraction. */
    private static final double FRESNEL_SERIES = 1.6;

    /** Below this |x| the Si/Ci series; above it the continued fraction of E1(ix). */
    private static final double SICI_SERIES = 2.0;

    /** Terms of the power series and depth of the continued fractions (measured: float64 rounding at the thresholds). */
    private static final int TERMS = 40;

    private static final int DEPTH = 96;

    /** {@code (S(x), C(x))} for float x, in x's dtype: odd, 1/2 at +inf, nan at nan. */
    static List<Array> fresnel(Array x) {
        DType t = x.dtype();
        Array v = Np.astype(x, DType.FLOAT64);
        Array ax = Np.abs(v);
        Array small = Np.lessEqual(ax, FRESNEL_SERIES);
        // series: with u = pi x^2 / 2, C = x sum (-1)^k u^2k / ((2k)! (4k+1)), S = x sum (-1)^k u^(2k+1) / ((2k+1)!
        // (4k+3))
        Array xs = Np.where(small, ax, 0.0);
        Array u = Np.multiply(Np.square(xs), Math.PI / 2);
        Array term = Np.onesLike(xs);
        Array c = Np.zerosLike(xs);
        Array s = Np.zerosLike(xs);
        for (int j = 0; j <= TERMS; j++) {
            if (j > 0) {
                term = Np.divide(Np.multiply(term, u), j);
            }
            double sign = ((j / 2) % 2 == 0) ? 1 : -1;
            Array add = Np.multiply(term, sign / (2.0 * j + 1));
            if (j % 2 == 0) {
                c = Np.add(c, add);
            } else {
                s = Np.add(s, add);
            }
        }
        c = Np.multiply(c, xs);
        s = Np.multiply(s, xs);
        // continued fraction: erfc(z) = e^{-z^2}/sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...))))
        Array xl = Np.where(small, 2.0, ax);
        double k0 = Math.sqrt(Math.PI) / 2;
        Array zr = Np.multiply(xl, k0);
        Array zi = Np.negative(zr);
        Array tr = Np.zerosLike(xl);
        Array ti = Np.zerosLike(xl);
        for (int k = DEPTH; k >= 1; k--) {
            Array[] q = reciprocal(Np.add(zr, tr), Np.add(zi, ti));
            tr = Np.multiply(q[0], k / 2.0);
            ti = Np.multiply(q[1], k / 2.0);
        }
        Array[] frac = reciprocal(Np.add(zr, tr), Np.add(zi, ti));
        // e^{-z^2} = e^{i pi x^2 / 2}
        Array[] sc = sinCosHalfPiSquare(xl);
        Array er = Np.divide(Np.subtract(Np.multiply(sc[1], frac[0]), Np.multiply(sc[0], frac[1])), Math.sqrt(Math.PI));
        Array ei = Np.divide(Np.add(Np.multiply(sc[1], frac[1]), Np.multiply(sc[0], frac[0])), Math.sqrt(Math.PI));
        // (1+i)/2 (1 - erfc): C = (1 - er + ei)/2, S = (1 - er - ei)/2
        Array cl = Np.multiply(Np.add(Np.subtract(1.0, er), ei), 0.5);
        Array sl = Np.multiply(Np.subtract(Np.subtract(1.0, er), ei), 0.5);
        // JAX's float32 fresnel (Cephes' single-precision fresnlf) is exactly 1/2 beyond |x| = 36974
        Array inf = t == DType.FLOAT32 ? Np.greater(ax, 36974.0) : Np.isinf(ax);
        cl = Np.where(inf, 0.5, cl);
        sl = Np.where(inf, 0.5, sl);
        Array sgn = Np.where(Np.less(v, 0.0), -1.0, 1.0);
        Array nan = Np.isnan(v);
        Array outS = Np.where(nan, Double.NaN, Np.multiply(sgn, Np.where(small, s, sl)));
        Array outC = Np.where(nan, Double.NaN, Np.multiply(sgn, Np.where(small, c, cl)));
        return List.of(Np.astype(outS, t), Np.astype(outC, t));
    }

    /**
     * {@code sin} and {@code cos} of {@code pi x^2 / 2} for x >= 0 without forming x^2: with s = x
     * mod 2, {@code x^2/2 = s (x - s/2) (mod 2)} holds exactly, so the argument is reduced first.
     */
    static Array[] sinCosHalfPiSquare(Array x) {
        Array s = Np.fmod(x, 2.0);
        Array r = Np.fmod(Np.multiply(s, Np.subtract(x, Np.divide(s, 2.0))), 2.0);
        Array arg = Np.multiply(r, Math.PI);
        return new Array[] {Np.sin(arg), Np.cos(arg)};
    }

    /** {@code 1/(a + bi)} by Smith's scaling. */
    private static Array[] reciprocal(Array a, Array b) {
        Array aBig = Np.greaterEqual(Np.abs(a), Np.abs(b));
        Array big = Np.where(aBig, a, b);
        Array small = Np.where(aBig, b, a);
        Array r = Np.divide(small, big);
        Array den = Np.add(big, Np.multiply(small, r));
        // |a| >= |b|: (1 - r i) / den; else (r - i) / den
        Array re = Np.divide(Np.where(aBig, 1.0, r), den);
        Array im = Np.divide(Np.where(aBig, Np.negative(r), -1.0), den);
        return new Array[] {re, im};
    }

    /** {@code (Si(x), Ci(x))} for float x, in x's dtype, as JAX gives them: Si odd, Ci(-x) = Ci(x), Ci(-inf) nan. */
    static List<Array> sici(Array x) {
        DType t = x.dtype();
        Array v = Np.astype(x, DType.FLOAT64);
        Array ax = Np.abs(v);
        Array small = Np.lessEqual(ax, SICI_SERIES);
        Array xs = Np.where(small, ax, 1.0);
        Array term = Np.onesLike(xs);
        Array si = Np.zerosLike(xs);
        Array ci = Np.zerosLike(xs);
        for (int j = 1; j <= TERMS; j++) {
            term = Np.divide(Np.multiply(term, xs), j);
            if (j % 2 == 1) {
                double sign = (((j - 1) / 2) % 2 == 0) ? 1 : -1;
                si = Np.add(si, Np.multiply(term, sign / j));
            } else {
                double sign = ((j / 2) % 2 == 0) ? 1 : -1;
                ci = Np.add(ci, Np.multiply(term, sign / j));
            }
        }
        ci = Np.add(Np.add(ci, EULER), Np.log(xs));
        // E1(z) = e^{-z} / (z + 1 - 1/(z + 3 - 4/(z + 5 - ...))) at z = i x
        Array xl = Np.where(small, 4.0, ax);
        Array tr = Np.zerosLike(xl);
        Array ti = Np.zerosLike(xl);
        for (int k = DEPTH; k >= 1; k--) {
            Array[] q = reciprocal(Np.add(tr, 2.0 * k + 1), Np.add(xl, ti));
            tr = Np.multiply(q[0], -(double) k * k);
            ti = Np.multiply(q[1], -(double) k * k);
        }
        Array[] frac = reciprocal(Np.add(tr, 1.0), Np.add(xl, ti));
        // e^{-ix} = cos x - i sin x
        Array cs = Np.cos(xl);
        Array sn = Np.sin(xl);
        Array er = Np.add(Np.multiply(cs, frac[0]), Np.multiply(sn, frac[1]));
        Array ei = Np.subtract(Np.multiply(cs, frac[1]), Np.multiply(sn, frac[0]));
        Array sil = Np.add(ei, Math.PI / 2);
        Array cil = Np.negative(er);
        Array inf = Np.isinf(ax);
        sil = Np.where(inf, Math.PI / 2, sil);
        cil = Np.where(inf, 0.0, cil);
        Array outSi = Np.where(small, si, sil);
        Array outCi = Np.where(small, ci, cil);
        outSi = Np.where(Np.equal(ax, 0.0), 0.0, outSi);
        outCi = Np.where(Np.equal(ax, 0.0), Double.NEGATIVE_INFINITY, outCi);
        outSi = Np.multiply(Np.sign(v), outSi);
        outSi = Np.where(Np.isnan(v), Double.NaN, outSi);
        outCi = Np.where(Np.logicalOr(Np.isnan(v), Np.isneginf(v)), Double.NaN, outCi);
        return List.of(Np.astype(outSi, t), Np.astype(outCi, t));
    }
}
