package dev.kiln;

import java.util.List;

/**
 * Values of {@link Special#dawsn} (evaluated in float64 whatever the input dtype and rounded once
 * to it) and {@link Special#besselJn} (in the input's dtype, as JAX), as composites of array
 * primitives.
 */
final class SpecialIntegrals {
    private SpecialIntegrals() {}

    /** Where Dawson's integral switches from its power series to its asymptotic series. */
    private static final double DAWSN_SPLIT = 7;
    /** Series terms enough below the split: the last is under 2^-56 of the sum at x = 7. */
    private static final int DAWSN_SERIES_TERMS = 120;
    /** Asymptotic terms enough above the split (the 22nd is under 2^-56 at x = 7). */
    private static final int DAWSN_ASYMPTOTIC_TERMS = 24;

    /**
     * Dawson's integral {@code F(x) = e^{-x²} ∫_0^x e^{t²} dt}, odd in x. For {@code |x| <= 7} the
     * series {@code F(x) = x e^{-x²} Σ x^{2n} / (n! (2n+1))} (every term positive, so nothing
     * cancels), with {@code e^{-x²}} computed from an exact split of {@code x²} (x = hi + lo in 26-bit
     * halves: {@code hi²} is exact) because exp would otherwise magnify the rounding of {@code x²} by
     * {@code x²}; beyond 7, the asymptotic series {@code F(x) = 1/(2x) Σ (2n-1)!! / (2x²)^n}.
     */
    static Array dawsn(Array x) {
        return Lax.convert(dawsn64(Lax.convert(x, DType.FLOAT64)), x.dtype());
    }

    /**
     * Dawson's derivative {@code 1 - 2x F(x)}, from float64 F and rounded once: in the input's dtype it
     * would cancel for |x| above 1 (JAX's float32 derivative is up to 200 ulps off there).
     */
    static Array dawsnDerivative(Array x) {
        Array d = Lax.convert(x, DType.FLOAT64);
        Array out = Np.subtract(1.0, Np.multiply(Np.multiply(d, dawsn64(d)), 2.0));
        return Lax.convert(out, x.dtype());
    }

    private static Array dawsn64(Array d) {
        Array ax = Np.abs(d);
        Array near = Np.lessEqual(ax, DAWSN_SPLIT);
        // each branch sees only arguments of its own range (no inf or nan from the other branch's inputs)
        Array xs = Np.where(near, ax, Np.onesLike(ax));
        Array x2 = Np.multiply(xs, xs);
        List<Array> tn = Lax.forLoop(
                1,
                DAWSN_SERIES_TERMS + 1,
                (i, st) -> {
                    Array n = Lax.convert(i, DType.FLOAT64);
                    Array t = Np.divide(Np.multiply(st.get(0), x2), n);
                    Array s = Np.add(st.get(1), Np.divide(t, Np.add(Np.multiply(n, 2.0), 1.0)));
                    return List.of(t, s);
                },
                List.of(Np.onesLike(x2), Np.onesLike(x2)));
        Array split = Np.multiply(xs, 134217729.0); // 2^27 + 1: Veltkamp's split into 26-bit halves
        Array hi = Np.subtract(split, Np.subtract(split, xs));
        Array lo = Np.subtract(xs, hi);
        Array rest = Np.add(Np.multiply(Np.multiply(hi, lo), 2.0), Np.multiply(lo, lo));
        Array gauss = Np.multiply(Np.exp(Np.negative(Np.multiply(hi, hi))), Np.exp(Np.negative(rest)));
        Array series = Np.multiply(Np.multiply(xs, gauss), tn.get(1));
        Array xl = Np.where(near, Np.fullLike(ax, DAWSN_SPLIT + 1), ax);
        Array u = Np.divide(0.5, Np.multiply(xl, xl));
        double[] c = new double[DAWSN_ASYMPTOTIC_TERMS + 1];
        c[0] = 1;
        for (int n = 1; n < c.length; n++) {
            c[n] = c[n - 1] * (2 * n - 1);
        }
        Array poly = Np.fullLike(u, c[c.length - 1]);
        for (int n = c.length - 2; n >= 0; n--) {
            poly = Np.add(Np.multiply(poly, u), c[n]);
        }
        Array asymptotic = Np.divide(poly, Np.multiply(xl, 2.0));
        return Np.copysign(Np.where(near, series, asymptotic), d);
    }

    /**
     * Bessel functions of the first kind of orders 0 to {@code v}, stacked on a new leading axis, by
     * Miller's backward recurrence {@code J_{k-1} = 2k/z J_k - J_{k+1}} from {@code J_{iterations+1}
     * = 0}, {@code J_{iterations} = 1e-16} down to {@code J_0}, normalised by {@code J_0 + 2 Σ J_2m =
     * 1}: the algorithm and starting values of JAX's {@code bessel_jn} (Zhang and Jin's), in z's
     * dtype as JAX computes it, so its float32 overflow for small |z| (nan) is JAX's too.
     */
    static Array besselJn(Array z, int v, int iterations) {
        Array d = z;
        Array before = Np.zerosLike(d); // J_{k+2}
        Array after = Np.fullLike(d, 1e-16); // J_{k+1}
        Array norm = Np.zerosLike(d);
        Array[] low = new Array[v + 1];
        Array f = null;
        for (int k = iterations; k >= 0; k--) {
            f = Np.subtract(Np.divide(Np.multiply(after, 2.0 * (k + 1)), d), before);
            if (k % 2 == 0) {
                norm = Np.add(norm, Np.multiply(f, 2.0));
            }
            if (k <= v) {
                low[k] = f;
            }
            before = after;
            after = f;
        }
        Array scale = Np.subtract(norm, f);
        return Np.divide(Np.stack(low, 0), scale);
    }

    /** Nodes and weights of Gauss-Legendre quadrature with 26 points: the 13 positive nodes squared, and weights / 2π. */
    private static final double[][] OWENS_T_RULE = gaussLegendreHalf(26);

    /**
     * The positive half of the n-point Gauss-Legendre rule on [-1, 1] (n even), as {squared nodes,
     * weights / 2π}, nodes by Newton's method on the Legendre polynomial from Tricomi's first guess.
     */
    private static double[][] gaussLegendreHalf(int n) {
        int half = n / 2;
        double[] nodes = new double[half];
        double[] weights = new double[half];
        for (int i = 0; i < half; i++) {
            double x = Math.cos(Math.PI * (n - i - 0.25) / (n + 0.5)); // ascending positive roots
            double derivative = 0;
            for (int iter = 0; iter < 100; iter++) {
                double p0 = 1;
                double p1 = x;
                for (int k = 2; k <= n; k++) {
                    double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                derivative = n * (x * p1 - p0) / (x * x - 1);
                double step = p1 / derivative;
                x -= step;
                if (Math.abs(step) < 1e-17) {
                    break;
                }
            }
            nodes[i] = x * x;
            weights[i] = 2 / ((1 - x * x) * derivative * derivative) / (2 * Math.PI);
        }
        return new double[][] {nodes, weights};
    }

    /**
     * Owen's T function {@code T(h, a) = 1/(2π) ∫_0^a e^{-h²(1+x²)/2} / (1+x²) dx} the way JAX
     * computes it: Patefield and Tandy's method T5 (the integral by 26-point Gauss-Legendre, folded to
     * 13 points by symmetry) for every argument, with {@code |a| > 1} reflected to {@code 1/|a|}, the
     * closed forms at h = 0 and |a| = 1, odd in a and even in h, in the inputs' dtype.
     */
    static Array owensT(Array h, Array a) {
        double root2 = Math.sqrt(2);
        Array ah = Np.abs(h);
        Array aa = Np.abs(a);
        Array small = Np.lessEqual(aa, 1.0);
        Array ma = Np.where(small, aa, Np.reciprocal(aa));
        Array mh = Np.where(small, ah, Np.multiply(aa, ah));
        double[] nodes = OWENS_T_RULE[0];
        double[] weights = OWENS_T_RULE[1];
        Array ma2 = Np.multiply(ma, ma);
        Array halfH2 = Np.multiply(Np.multiply(mh, mh), -0.5);
        Array sum = Np.zerosLike(ma);
        for (int i = 0; i < nodes.length; i++) {
            Array r = Np.add(Np.multiply(ma2, nodes[i]), 1.0);
            sum = Np.add(sum, Np.multiply(Np.divide(Np.exp(Np.multiply(halfH2, r)), r), weights[i]));
        }
        Array out = Np.multiply(ma, sum);
        out = Np.where(Np.equal(mh, 0.0), Np.divide(Np.arctan(ma), 2 * Math.PI), out);
        Array hn = Np.divide(mh, root2);
        Array atOne = Np.multiply(Np.multiply(Special.erfc(Np.negative(hn)), Special.erfc(hn)), 0.125);
        out = Np.where(Np.equal(ma, 1.0), atOne, out);
        Array hs = Np.divide(ah, root2);
        Array ahs = Np.multiply(aa, hs);
        Array normh = Special.erfc(hs);
        Array normah = Special.erfc(ahs);
        Array close = Np.subtract(Np.subtract(0.25, Np.multiply(Np.multiply(Np.erf(hs), Np.erf(ahs)), 0.25)), out);
        Array far = Np.subtract(Np.multiply(Np.subtract(Np.add(normh, normah), Np.multiply(normh, normah)), 0.25), out);
        Array reflected = Np.where(Np.lessEqual(Np.multiply(aa, ah), 0.67), close, far);
        out = Np.where(small, out, reflected);
        out = Np.multiply(Np.sign(a), out);
        return Np.where(Np.logicalOr(Np.isnan(a), Np.isnan(h)), Np.fullLike(out, Double.NaN), out);
    }
}
