package dev.kiln;

import java.util.function.Function;

/**
 * The Gauss hypergeometric function {@code 2F1(a, b; c; x)} of {@link Special#hyp2f1}, as {@code
 * jax.scipy.special.hyp2f1} computes it (Pearson, Olver and Porter 2014; AMS55 15.3.3-15.3.12): the
 * special cases by value, the Taylor series (terminating where a or b is a non-positive integer),
 * Euler's transformation where {@code c - a - b <= -1}, and the digamma transformation near
 * {@code x = 1} when {@code c - a - b} is an integer. Elementwise: every element runs its own loop
 * inside one {@link Lax#whileLoop}, an element that has finished keeping its state while the others
 * go on, with JAX's stopping rules and order of operations, so the results are those of JAX's
 * per-element loops.
 */
final class GaussHypergeometric {
    private static final double MAX_TERMS = 250;

    /**
     * The most terms of the finite sums, whose length JAX takes from the parameters ({@code |a|}
     * terms of the terminating series, {@code |c - a - b|} of the digamma transformation's finite
     * part) however large: a huge parameter would loop for hours. Each finite sum also stops where
     * its term has become 0 or its sum NaN, after which no term can change it.
     */
    private static final double MAX_FINITE_TERMS = 10_000;

    private GaussHypergeometric() {}

    static Array hyp2f1(Array a0, Array b0, Array c0, Array x0) {
        Array[] v = Np.broadcastArrays(a0, b0, c0, x0);
        Array a = v[0];
        Array b = v[1];
        Array c = v[2];
        Array x = v[3];
        double eps = FInfo.of("hyp2f1", x.dtype()).eps() * 50;
        Array d = Np.subtract(Np.subtract(c, a), b);
        Array s = Np.subtract(1.0, x);
        Array ca = Np.subtract(c, a);
        Array cb = Np.subtract(c, b);
        Array id = Np.round(d);
        Array one = Np.logicalOr(
                Np.equal(x, 0.0), Np.logicalAnd(Np.logicalOr(Np.equal(a, 0.0), Np.equal(b, 0.0)), Np.notEqual(c, 0.0)));
        Array cPole = Np.logicalOr(Np.equal(c, 0.0), Np.logicalAnd(Np.less(c, 0.0), isInteger(c)));
        Array euler = Np.logicalAnd(
                Np.lessEqual(d, -1.0),
                Np.logicalNot(Np.logicalAnd(Np.greaterEqual(Np.abs(Np.subtract(d, id)), eps), Np.less(s, 0.0))));
        Array index = Np.where(
                one,
                0,
                Np.where(
                        cPole,
                        1,
                        Np.where(
                                euler,
                                2,
                                Np.where(
                                        Np.logicalAnd(Np.lessEqual(d, 0.0), Np.equal(x, 1.0)),
                                        1,
                                        Np.where(
                                                Np.logicalAnd(Np.less(x, 1.0), Np.equal(b, c)),
                                                3,
                                                Np.where(
                                                        Np.logicalAnd(Np.less(x, 1.0), Np.equal(a, c)),
                                                        4,
                                                        Np.where(
                                                                Np.greater(x, 1.0),
                                                                1,
                                                                Np.where(Np.equal(x, 1.0), 5, 6))))))));
        Array[] values = {
            Np.onesLike(x),
            Np.fullLike(x, Double.POSITIVE_INFINITY),
            Np.multiply(Np.power(s, d), terminalOrSeries(ca, cb, c, x, Np.equal(index, 2))),
            Np.power(s, Np.negative(a)),
            Np.power(s, Np.negative(b)),
            Np.divide(
                    Np.multiply(Special.gamma(c), Special.gamma(d)), Np.multiply(Special.gamma(ca), Special.gamma(cb))),
            terminalOrSeries(a, b, c, x, Np.equal(index, 6))
        };
        Array out = values[0];
        for (int k = 1; k < values.length; k++) {
            out = Np.where(Np.equal(index, k), values[k], out);
        }
        return out;
    }

    /** {@code c % 1 == 0} as Python's modulo computes it (sign of the divisor). */
    private static Array isInteger(Array c) {
        return Np.equal(Np.remainder(c, 1.0), 0.0);
    }

    /**
     * JAX's {@code _hyp2f1_terminal_or_serie}: the terminating series where a or b is a
     * non-positive integer, the digamma transformation for {@code x > 0.9} with integer {@code c - a
     * - b}, else the Taylor series. {@code used} marks the elements whose result is kept, so loops
     * whose length depends on the parameters run no longer than those need.
     */
    private static Array terminalOrSeries(Array a, Array b, Array c, Array x, Array used) {
        double eps = FInfo.of("hyp2f1", x.dtype()).eps() * 50;
        Array d = Np.subtract(Np.subtract(c, a), b);
        Array id = Np.round(d);
        Array negIntA = Np.logicalAnd(Np.lessEqual(a, 0.0), Np.less(Np.abs(Np.subtract(a, Np.round(a))), eps));
        Array negIntB = Np.logicalAnd(Np.lessEqual(b, 0.0), Np.less(Np.abs(Np.subtract(b, Np.round(b))), eps));
        Array negInt = Np.logicalOr(negIntA, negIntB);
        Array index = Np.where(
                Np.logicalAnd(Np.greater(x, 0.9), Np.logicalNot(negInt)),
                Np.where(Np.greaterEqual(Np.abs(Np.subtract(d, id)), eps), 0, 1),
                Np.where(negInt, 2, 0));
        Array series = series(a, b, c, x);
        Array digamma = digammaTransform(a, b, c, x, Np.logicalAnd(used, Np.equal(index, 1)));
        Array terminal = terminal(a, b, c, x, Np.logicalAnd(used, Np.equal(index, 2)));
        return Np.where(Np.equal(index, 0), series, Np.where(Np.equal(index, 1), digamma, terminal));
    }

    /** {@code sum_k (a)_k (b)_k / (c)_k x^k / k!} until a term is below epsilon relative to the sum or 250 terms. */
    private static Array series(Array a, Array b, Array c, Array x) {
        double rtol = FInfo.of("hyp2f1", x.dtype()).eps();
        Array[] out = loop(
                st -> Np.logicalAnd(
                        Np.less(st[1], MAX_TERMS), Np.greater(Np.abs(st[2]), Np.multiply(Np.abs(st[0]), rtol))),
                st -> {
                    Array k = st[1];
                    Array factor = Np.multiply(
                            Np.divide(
                                    Np.divide(
                                            Np.multiply(Np.subtract(Np.add(a, k), 1.0), Np.subtract(Np.add(b, k), 1.0)),
                                            Np.subtract(Np.add(c, k), 1.0)),
                                    k),
                            x);
                    return new Array[] {Np.add(st[0], st[2]), Np.add(k, 1.0), Np.multiply(st[2], factor)};
                },
                new Array[] {Np.zerosLike(x), Np.onesLike(x), Np.onesLike(x)});
        return out[0];
    }

    /** The series that ends after {@code |a|} terms, a (or b, swapped in) a non-positive integer. */
    private static Array terminal(Array a, Array b, Array c, Array x, Array used) {
        double eps = FInfo.of("hyp2f1", x.dtype()).eps() * 50;
        Array ib = Np.round(b);
        Array cNegIntAboveB = Np.logicalAnd(isInteger(c), Np.logicalAnd(Np.lessEqual(c, 0.0), Np.greater(c, b)));
        Array swap = Np.logicalAnd(
                Np.less(b, a), Np.logicalAnd(Np.less(Np.abs(Np.subtract(b, ib)), eps), Np.logicalNot(cNegIntAboveB)));
        Array aa = Np.abs(Np.where(swap, b, a));
        Array bb = Np.where(swap, a, b);
        Array last = Np.where(used, Np.minimum(Np.add(aa, 1.0), MAX_FINITE_TERMS), 1.0);
        Array[] out = loop(
                st -> Np.logicalAnd(
                        Np.less(st[2], last), Np.logicalAnd(Np.notEqual(st[1], 0.0), Np.logicalNot(Np.isnan(st[0])))),
                st -> {
                    Array i = st[2];
                    Array factor = Np.multiply(
                            Np.divide(
                                    Np.multiply(
                                            Np.divide(
                                                    Np.negative(Np.add(Np.subtract(aa, i), 1.0)),
                                                    Np.subtract(Np.add(c, i), 1.0)),
                                            Np.subtract(Np.add(bb, i), 1.0)),
                                    i),
                            x);
                    Array term = Np.multiply(st[1], factor);
                    return new Array[] {Np.add(st[0], term), term, Np.add(i, 1.0)};
                },
                new Array[] {Np.onesLike(x), Np.onesLike(x), Np.onesLike(x)});
        return out[0];
    }

    /** AMS55 15.3.10-15.3.12: 2F1 near x = 1 when {@code c - a - b} is an integer. */
    private static Array digammaTransform(Array a, Array b, Array c, Array x, Array used) {
        double rtol = FInfo.of("hyp2f1", x.dtype()).eps();
        Array d = Np.subtract(Np.subtract(c, a), b);
        Array s = Np.subtract(1.0, x);
        Array rd = Np.round(d);
        Array nonNegative = Np.greaterEqual(rd, 0.0);
        Array e = Np.where(nonNegative, d, Np.negative(d));
        Array d1 = Np.where(nonNegative, d, Np.zerosLike(d));
        Array d2 = Np.where(nonNegative, Np.zerosLike(d), d);
        Array ard = Np.astype(Np.where(nonNegative, rd, Np.negative(rd)), DType.INT32);
        Array ax = Np.log(s);
        Array one = Np.onesLike(x);
        Array y = Np.subtract(
                Np.subtract(
                        Np.subtract(
                                Np.add(Special.digamma(one), Special.digamma(Np.add(e, 1.0))),
                                Special.digamma(Np.add(a, d1))),
                        Special.digamma(Np.add(b, d1))),
                ax);
        y = Np.divide(y, Special.gamma(Np.add(e, 1.0)));
        Array p0 = Np.divide(Np.multiply(Np.multiply(Np.add(a, d1), Np.add(b, d1)), s), Special.gamma(Np.add(e, 2.0)));
        // state: p, q, t, y
        Array[] st = loop(
                z -> Np.logicalAnd(
                        Np.less(z[2], MAX_TERMS), Np.greaterEqual(Np.abs(z[1]), Np.multiply(Np.abs(z[3]), rtol))),
                z -> {
                    Array p = z[0];
                    Array t = z[2];
                    Array atd = Np.add(Np.add(a, t), d1);
                    Array btd = Np.add(Np.add(b, t), d1);
                    Array r = Np.subtract(
                            Np.subtract(
                                    Np.subtract(
                                            Np.add(
                                                    Special.digamma(Np.add(t, 1.0)),
                                                    Special.digamma(Np.add(Np.add(t, 1.0), e))),
                                            Special.digamma(atd)),
                                    Special.digamma(btd)),
                            ax);
                    Array q = Np.multiply(p, r);
                    Array yy = Np.add(z[3], q);
                    p = Np.multiply(p, Np.divide(Np.multiply(s, atd), Np.add(t, 1.0)));
                    p = Np.multiply(p, Np.divide(btd, Np.add(Np.add(t, 1.0), e)));
                    return new Array[] {p, q, Np.add(t, 1.0), yy};
                },
                new Array[] {p0, y, one, y});
        y = st[3];
        // the finite sum for c - a - b a non-zero integer
        Array count = Np.where(used, Np.minimum(Np.abs(rd), MAX_FINITE_TERMS), 1.0);
        Array[] fin = loop(
                z -> Np.logicalAnd(
                        Np.less(z[3], count), Np.logicalAnd(Np.notEqual(z[0], 0.0), Np.logicalNot(Np.isnan(z[2])))),
                z -> {
                    Array p = z[0];
                    Array t = z[1];
                    Array r = Np.add(Np.subtract(1.0, e), t);
                    p = Np.multiply(
                            p,
                            Np.divide(
                                    Np.multiply(Np.multiply(s, Np.add(Np.add(a, t), d2)), Np.add(Np.add(b, t), d2)),
                                    r));
                    t = Np.add(t, 1.0);
                    p = Np.divide(p, t);
                    return new Array[] {p, t, Np.add(z[2], p), Np.add(z[3], 1.0)};
                },
                new Array[] {one, Np.zerosLike(x), one, one});
        Array y1 = fin[2];
        Array pc = Special.gamma(c);
        y1 = Np.multiply(
                y1,
                Np.divide(
                        Np.multiply(Special.gamma(e), pc),
                        Np.multiply(Special.gamma(Np.add(a, d1)), Special.gamma(Np.add(b, d1)))));
        Array yd =
                Np.multiply(y, Np.divide(pc, Np.multiply(Special.gamma(Np.add(a, d2)), Special.gamma(Np.add(b, d2)))));
        yd = Np.where(Np.notEqual(Np.bitwiseAnd(ard, 1), 0), Np.negative(yd), yd);
        Array q = Np.power(s, rd);
        Array sum = Np.where(Np.greater(rd, 0.0), Np.add(Np.multiply(yd, q), y1), Np.add(yd, Np.multiply(y1, q)));
        Array atZero = Np.divide(Np.multiply(y, Special.gamma(c)), Np.multiply(Special.gamma(a), Special.gamma(b)));
        return Np.where(Np.equal(rd, 0.0), atZero, sum);
    }

    /** {@code d 2F1 / da}: the series with term k weighted by {@code digamma(a + k) - digamma(a)}. */
    static Array derivativeA(Array a, Array b, Array c, Array x) {
        Array da = Special.digamma(a);
        return weighted(a, b, c, x, k -> Np.subtract(Special.digamma(Np.add(a, k)), da));
    }

    /** {@code d 2F1 / db}: the series with term k weighted by {@code digamma(b + k) - digamma(b)}. */
    static Array derivativeB(Array a, Array b, Array c, Array x) {
        Array db = Special.digamma(b);
        return weighted(a, b, c, x, k -> Np.subtract(Special.digamma(Np.add(b, k)), db));
    }

    /** {@code d 2F1 / dc}: the series with term k weighted by {@code digamma(c) - digamma(c + k)}. */
    static Array derivativeC(Array a, Array b, Array c, Array x) {
        Array dc = Special.digamma(c);
        return weighted(a, b, c, x, k -> Np.subtract(dc, Special.digamma(Np.add(c, k))));
    }

    private static Array weighted(Array a0, Array b0, Array c0, Array x0, Function<Array, Array> weight) {
        Array[] v = Np.broadcastArrays(a0, b0, c0, x0);
        Array a = v[0];
        Array b = v[1];
        Array c = v[2];
        Array x = v[3];
        double precision = FInfo.of("hyp2f1", x.dtype()).eps();
        Array first = Np.multiply(Np.divide(Np.multiply(a, b), c), x);
        Array[] out = loop(
                st -> Np.logicalAnd(
                        Np.less(st[1], MAX_TERMS), Np.greater(Np.divide(Np.abs(st[2]), Np.abs(st[0])), precision)),
                st -> {
                    Array k = st[1];
                    Array factor = Np.multiply(
                            Np.divide(Np.divide(Np.multiply(Np.add(a, k), Np.add(b, k)), Np.add(c, k)), Np.add(k, 1.0)),
                            x);
                    return new Array[] {
                        Np.add(st[0], Np.multiply(st[2], weight.apply(k))), Np.add(k, 1.0), Np.multiply(st[2], factor)
                    };
                },
                new Array[] {Np.zerosLike(x), Np.onesLike(x), first});
        return out[0];
    }

    /** Runs {@code body} on the elements where {@code going} holds until it holds nowhere. */
    private static Array[] loop(Function<Array[], Array> going, Function<Array[], Array[]> body, Array[] init) {
        return Lax.whileLoop(
                s -> Np.any(going.apply(s)),
                s -> {
                    Array on = going.apply(s);
                    Array[] next = body.apply(s);
                    Array[] out = new Array[s.length];
                    for (int i = 0; i < s.length; i++) {
                        out[i] = Np.where(on, next[i], s[i]);
                    }
                    return out;
                },
                init);
    }
}
