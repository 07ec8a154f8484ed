package dev.kiln;

/**
 * The Hurwitz zeta function {@code zeta(s, q) = sum_k (q + k)^-s} and the polygamma functions built
 * on it, as JAX evaluates {@code lax.zeta} and {@code lax.polygamma}: ten terms of the sum, then
 * the Euler-Maclaurin tail with twelve Bernoulli terms (in Horner form), in the argument's dtype.
 * Derivatives come from the Euler-Maclaurin expansion of Johansson (2015, formula 5), as JAX's.
 */
final class HurwitzZeta {
    private HurwitzZeta() {}

    /** The even Bernoulli numbers B_2 ... B_32 as numerator and denominator. */
    static final double[][] BERNOULLI = {
        {1, 6},
        {-1, 30},
        {1, 42},
        {-1, 30},
        {5, 66},
        {-691, 2730},
        {7, 6},
        {-3617, 510},
        {43867, 798},
        {-174611, 330},
        {854513, 138},
        {-236364091, 2730},
        {8553103, 6},
        {-23749461029.0, 870},
        {8615841276005.0, 14322},
        {-7709321041217.0, 510}
    };

    /** {@code (2k)! / B_2k} for k = 1, 2, ...: the reciprocal weights of the Euler-Maclaurin terms. */
    static double coefficient(int k) {
        double f = 1;
        for (int i = 2; i <= 2 * k; i++) {
            f *= i;
        }
        return f * BERNOULLI[k - 1][1] / BERNOULLI[k - 1][0];
    }

    /** zeta(s, q) for s and q broadcast, of one work dtype. */
    static Array zeta(Array s, Array q) {
        DType dt = s.dtype();
        Array negS = Np.negative(s);
        Array a = q;
        Array initial = Np.power(q, negS);
        for (int i = 0; i < 9; i++) {
            a = Np.add(a, 1.0);
            initial = Np.add(initial, Np.power(a, negS));
        }
        a = Np.add(a, 1.0);
        Array negPower = Np.power(a, negS);
        Array sum = Np.add(initial, Np.divide(Np.multiply(negPower, a), Np.subtract(s, 1.0)));
        Array invSquare = Np.reciprocal(Np.square(a));
        Array horner = Np.zerosLike(a);
        for (int i = 0; i < 11; i++) {
            int k = 12 - i; // the term of B_2k, innermost first
            Array factor = Np.multiply(Np.add(s, 2.0 * k - 2), Np.add(s, 2.0 * k - 3));
            horner = Np.multiply(Np.multiply(factor, invSquare), Np.add(horner, 1 / coefficient(k)));
        }
        Array tail =
                Np.multiply(negPower, Np.add(0.5, Np.multiply(Np.divide(s, a), Np.add(horner, 1 / coefficient(1)))));
        sum = Np.add(sum, tail);
        double eps = IncompleteGamma.eps(dt);
        Array accurate = Np.less(Np.abs(negPower), Np.multiply(Np.abs(initial), eps));
        Array out = Np.where(accurate, initial, sum);
        // the domain rules in JAX's order: s = 1 gives inf whatever q (NaN included), last
        out = Np.where(Np.less(s, 1.0), Np.fullLike(out, Double.NaN), out);
        Array qNonPositive = Np.lessEqual(q, 0.0);
        Array sInteger = Np.equal(s, Np.floor(s));
        out = Np.where(Np.logicalAnd(qNonPositive, Np.logicalNot(sInteger)), Np.fullLike(out, Double.NaN), out);
        Array pole = Np.logicalAnd(qNonPositive, Np.equal(q, Np.floor(q)));
        Array sEven = Np.logicalAnd(Np.equal(Np.remainder(s, 2.0), 0.0), sInteger);
        out = Np.where(
                pole, Np.where(sEven, Np.fullLike(out, Double.POSITIVE_INFINITY), Np.fullLike(out, Double.NaN)), out);
        out = Np.where(Np.isinf(s), Np.fullLike(out, Double.NaN), out);
        return Np.where(Np.equal(s, 1.0), Np.fullLike(out, Double.POSITIVE_INFINITY), out);
    }

    /**
     * The Euler-Maclaurin expansion of zeta whose derivative JAX uses: N terms of the sum, the
     * integral term and M Bernoulli terms (N = M = 8 in float32, 16 in float64).
     */
    static Array series(Array s, Array a) {
        DType dt = s.dtype();
        int n = dt == DType.FLOAT64 ? 16 : 8;
        Array negS = Np.negative(s);
        Array sum = Np.zerosLike(a);
        for (int k = 0; k < n; k++) {
            sum = Np.add(sum, Np.power(Np.add(a, (double) k), negS));
        }
        Array aN = Np.add(a, (double) n);
        Array integral = Np.divide(Np.power(aN, Np.subtract(1.0, s)), Np.subtract(s, 1.0));
        Array t0 = Np.power(aN, negS);
        Array prod = Np.onesLike(a);
        Array terms = Np.zerosLike(a);
        double max = IncompleteGamma.max(dt);
        for (int m = 0; m < 2 * n; m++) {
            prod = Np.multiply(prod, Np.divide(Np.add(s, (double) m), aN));
            if (m % 2 == 0) {
                terms = Np.add(terms, Np.divide(Np.minimum(prod, max), coefficient(m / 2 + 1)));
            }
        }
        return Np.add(Np.add(sum, integral), Np.multiply(t0, Np.add(0.5, terms)));
    }

    /** psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x), digamma at n = 0, NaN unless n is a natural number. */
    static Array polygamma(Array n, Array x) {
        Array n1 = Np.add(n, 1.0);
        Array sign = Np.subtract(Np.multiply(Np.remainder(n1, 2.0), -2.0), -1.0);
        Array out = Np.multiply(Np.multiply(sign, Np.exp(Special.gammaln(n1))), zeta(n1, x));
        out = Np.where(Np.logicalOr(Np.notEqual(n, Np.floor(n)), Np.less(n, 0.0)), Np.fullLike(out, Double.NaN), out);
        return Np.where(Np.equal(n, 0.0), Special.digamma(x), out);
    }
}
