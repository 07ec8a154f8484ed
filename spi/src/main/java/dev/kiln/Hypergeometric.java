package dev.kiln;

import java.util.function.BiFunction;

/**
 * The confluent hypergeometric function {@code 1F1(a; b; x)} of {@link Special#hyp1f1}, as {@code
 * jax.scipy.special.hyp1f1} computes it (Pearson, Olver and Porter 2014, methods 3.2 and 3.8): the
 * Taylor series for {@code |x| < 100}, the asymptotic series beyond, each summed term by term until
 * a term is below the dtype's epsilon relative to the sum or 250 terms. Elementwise: every element
 * runs its own series inside one {@link Lax#whileLoop}, an element that has converged keeping its
 * sum while the others go on, so the results are those of JAX's per-element loop.
 */
final class Hypergeometric {
    private static final int MAX_TERMS = 250;

    private Hypergeometric() {}

    static Array hyp1f1(Array a, Array b, Array x) {
        Array series = series(a, b, x);
        // the asymptotic expansion is only selected where |x| >= 100; elsewhere its x^(a-b) is unused
        Array big = Np.where(Np.less(Np.abs(x), 100.0), 100.0, x);
        Array asymptotic = Np.multiply(
                Np.multiply(Np.divide(Special.gamma(b), Special.gamma(a)), Np.exp(big)),
                Np.multiply(Np.power(big, Np.subtract(a, b)), asymptoticSeries(a, b, big)));
        Array value = Np.where(Np.less(Np.abs(x), 100.0), series, asymptotic);
        Array aZero = Np.equal(a, 0.0);
        Array aEqualsB = Np.logicalAnd(Np.equal(a, b), Np.logicalNot(aZero));
        Array bZero = Np.logicalAnd(Np.equal(b, 0.0), Np.logicalNot(aZero));
        value = Np.where(bZero, Double.POSITIVE_INFINITY, value);
        value = Np.where(aEqualsB, Np.exp(x), value);
        return Np.where(aZero, 1.0, value);
    }

    /** {@code sum_k (a)_k / (b)_k x^k / k!}. */
    static Array series(Array a, Array b, Array x) {
        return taylor(a, b, x, Np.onesLike(x), null);
    }

    /** {@code sum_k (b - a)_k (1 - a)_k / k! x^-k}, the series of the expansion for large x. */
    private static Array asymptoticSeries(Array a, Array b, Array x) {
        Array bma = Np.subtract(b, a);
        Array oma = Np.subtract(1.0, a);
        return sum(
                Np.onesLike(x),
                Np.divide(Np.multiply(bma, oma), x),
                (k, term) -> Np.divide(
                        Np.multiply(term, Np.multiply(Np.add(bma, k), Np.add(oma, k))), Np.multiply(Np.add(k, 1.0), x)),
                null);
    }

    /** {@code d 1F1 / da}: the series with each term weighted by {@code digamma(a + k) - digamma(a)}. */
    static Array derivativeA(Array a, Array b, Array x) {
        Array da = Special.digamma(a);
        return weightedSeries(a, b, x, k -> Np.subtract(Special.digamma(Np.add(a, k)), da));
    }

    /** {@code d 1F1 / db}: the series with each term weighted by {@code digamma(b) - digamma(b + k)}. */
    static Array derivativeB(Array a, Array b, Array x) {
        Array db = Special.digamma(b);
        return weightedSeries(a, b, x, k -> Np.subtract(db, Special.digamma(Np.add(b, k))));
    }

    /** The Taylor series of 1F1 from its second term on, each term {@code k} times {@code weight(k)}. */
    private static Array weightedSeries(Array a, Array b, Array x, java.util.function.Function<Array, Array> weight) {
        return taylor(a, b, x, Np.zerosLike(x), weight);
    }

    /** {@code start} plus the Taylor series' terms from {@code k = 1} on, weighted when {@code weight} is given. */
    private static Array taylor(
            Array a, Array b, Array x, Array start, java.util.function.Function<Array, Array> weight) {
        return sum(
                start,
                Np.divide(Np.multiply(a, x), b),
                (k, term) -> Np.multiply(
                        term, Np.multiply(Np.divide(Np.add(a, k), Np.add(b, k)), Np.divide(x, Np.add(k, 1.0)))),
                weight);
    }

    /**
     * {@code start + sum_k weight(k) term_k} with {@code term_1 = first} and {@code term_{k+1} =
     * next(k, term_k)}, each element stopping once its term is below epsilon relative to its sum.
     */
    private static Array sum(
            Array start,
            Array first,
            BiFunction<Array, Array, Array> next,
            java.util.function.Function<Array, Array> weight) {
        double eps = FInfo.of("hyp1f1", first.dtype()).eps();
        java.util.function.Function<Array[], Array> going = s -> Np.logicalAnd(
                Np.less(s[1], (double) MAX_TERMS), Np.greater(Np.divide(Np.abs(s[2]), Np.abs(s[0])), eps));
        Array[] out = Lax.whileLoop(
                s -> Np.any(going.apply(s)),
                s -> {
                    Array on = going.apply(s);
                    Array added = weight == null ? s[2] : Np.multiply(s[2], weight.apply(s[1]));
                    return new Array[] {
                        Np.where(on, Np.add(s[0], added), s[0]),
                        Np.where(on, Np.add(s[1], 1.0), s[1]),
                        Np.where(on, next.apply(s[1], s[2]), s[2])
                    };
                },
                new Array[] {start, Np.onesLike(first), first});
        return out[0];
    }
}
