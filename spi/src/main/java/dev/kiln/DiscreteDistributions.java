package dev.kiln;

/**
 * The Poisson and binomial samplers of {@code jax.random}, written as JAX writes them so that a
 * key gives JAX's samples: for Poisson, Knuth's product of uniforms below a rate of 10 and
 * Hörmann's transformed rejection above; for the binomial, the inversion of geometric waiting times
 * below a mean of 10 and Hörmann's BTRS rejection above. Each is one {@link Lax#whileLoop} over the
 * whole sample array that draws fresh uniforms for every element from a key split each turn, until
 * every element is done (both methods run with the same key, and a select keeps one result).
 */
final class DiscreteDistributions {
    private DiscreteDistributions() {}

    private static Array row(Array keys, int i) {
        return Lax.reshape(Lax.slice(keys, new int[] {i, 0}, new int[] {i + 1, 2}), 2);
    }

    private static Array uniform(Array key, DType dt, int[] shape) {
        return Random.uniformIn(key, dt, 0, 1, shape);
    }

    // ---------------------------------------------------------------- Poisson

    /** Poisson samples of integer {@code dtype} for the float32 rates {@code lam} (of the sample shape). */
    static Array poisson(Array key, Array lam, DType dtype) {
        Array useKnuth = Np.logicalOr(Np.isnan(lam), Np.less(lam, 10.0));
        Array lamKnuth = Np.where(useKnuth, lam, Np.zerosLike(lam));
        Array lamRejection = Np.where(useKnuth, Np.fullLike(lam, 1e5), lam);
        Array r = Np.where(useKnuth, knuth(key, lamKnuth, dtype), rejection(key, lamRejection, dtype));
        return Np.where(Np.equal(lam, 0.0), Np.zerosLike(r), r);
    }

    private static Array knuth(Array key, Array lam, DType dtype) {
        int[] s = lam.shape();
        Array negLam = Np.negative(lam);
        Array[] init = {Np.zeros(dtype, s), key, Np.zeros(DType.FLOAT32, s)};
        Array[] out = Lax.whileLoop(
                c -> Np.any(Np.greater(c[2], negLam)),
                c -> {
                    Array keys = Random.split(c[1], 2);
                    Array k = Np.where(Np.greater(c[2], negLam), Np.add(c[0], 1), c[0]);
                    Array u = uniform(row(keys, 1), DType.FLOAT32, s);
                    return new Array[] {k, row(keys, 0), Np.add(c[2], Np.log(u))};
                },
                init);
        return Np.subtract(out[0], 1);
    }

    private static Array rejection(Array key, Array lam, DType dtype) {
        int[] s = lam.shape();
        DType f = lam.dtype();
        Array logLam = Np.log(lam);
        Array b = Np.add(Np.multiply(Np.sqrt(lam), 2.53), 0.931);
        Array a = Np.add(Np.multiply(b, 0.02483), -0.059);
        Array invAlpha = Np.add(Np.divide(1.1328, Np.subtract(b, 3.4)), 1.1239);
        Array vR = Np.subtract(0.9277, Np.divide(3.6224, Np.subtract(b, 2.0)));
        Array[] init = {Np.full(f, -1.0, s), Np.zeros(DType.BOOL, s), key};
        Array[] out = Lax.whileLoop(
                c -> Np.any(Np.logicalNot(c[1])),
                c -> {
                    Array keys = Random.split(c[2], 3);
                    Array u = Np.subtract(uniform(row(keys, 1), f, s), 0.5);
                    Array v = uniform(row(keys, 2), f, s);
                    Array us = Np.subtract(0.5, Np.abs(u));
                    Array k = Np.floor(
                            Np.add(Np.add(Np.multiply(Np.add(Np.divide(Np.multiply(a, 2.0), us), b), u), lam), 0.43));
                    Array sv =
                            Np.log(Np.divide(Np.multiply(v, invAlpha), Np.add(Np.divide(a, Np.multiply(us, us)), b)));
                    Array t = Np.subtract(
                            Np.add(Np.negative(lam), Np.multiply(k, logLam)), Special.gammaln(Np.add(k, 1.0)));
                    Array accept1 = Np.logicalAnd(Np.greaterEqual(us, 0.07), Np.lessEqual(v, vR));
                    Array reject = Np.logicalOr(Np.less(k, 0.0), Np.logicalAnd(Np.less(us, 0.013), Np.greater(v, us)));
                    Array accept = Np.logicalOr(accept1, Np.logicalAnd(Np.logicalNot(reject), Np.lessEqual(sv, t)));
                    return new Array[] {Np.where(accept, k, c[0]), Np.logicalOr(c[1], accept), row(keys, 0)};
                },
                init);
        return Lax.convert(out[0], dtype);
    }

    // ---------------------------------------------------------------- binomial

    /**
     * Binomial samples of float {@code dtype} for counts and probabilities of the sample shape (the
     * probabilities' float dtype is the one the loops draw uniforms in).
     */
    static Array binomial(Array key, Array count0, Array prob, DType dtype) {
        DType f = prob.dtype();
        Array count = Lax.convert(count0, f);
        Array pLtHalf = Np.less(prob, 0.5);
        Array q = Np.where(pLtHalf, prob, Np.subtract(1.0, prob));
        Array countNanOrNeg = Np.logicalOr(Np.isnan(count), Np.less(count, 0.0));
        Array countInf = Np.isinf(count);
        Array qNan = Np.isnan(q);
        Array qNeg = Np.less(q, 0.0);
        q = Np.where(Np.logicalOr(qNan, qNeg), Np.fullLike(q, 0.01), q);
        Array useInversion = Np.logicalOr(countNanOrNeg, Np.lessEqual(Np.multiply(count, q), 10.0));
        count = Np.floor(count);
        Array countInv = Np.where(useInversion, count, Np.zerosLike(count));
        Array countBtrs = Np.where(useInversion, Np.fullLike(count, 1e4), count);
        Array qBtrs = Np.where(useInversion, Np.fullLike(q, 0.5), q);
        Array samples = Np.where(useInversion, inversion(key, countInv, q, dtype), btrs(key, countBtrs, qBtrs, dtype));
        Array invalid = Np.logicalOr(Np.logicalOr(qNeg, qNan), countNanOrNeg);
        samples = Np.where(invalid, Np.fullLike(samples, Double.NaN), samples);
        samples = Np.where(
                Np.logicalAnd(countInf, Np.logicalNot(invalid)),
                Np.fullLike(samples, Double.POSITIVE_INFINITY),
                samples);
        Array keep = Np.logicalOr(Np.logicalOr(Np.logicalOr(pLtHalf, countNanOrNeg), qNan), countInf);
        return Np.where(keep, samples, Np.subtract(Lax.convert(count, dtype), samples));
    }

    private static Array inversion(Array key, Array count, Array prob, DType dtype) {
        int[] s = prob.shape();
        DType f = prob.dtype();
        Array log1mp = Np.log1p(Np.negative(prob));
        Array[] init = {Np.zeros(f, s), Np.zeros(f, s), key};
        Array[] out = Lax.whileLoop(
                c -> Np.any(Np.lessEqual(c[1], count)),
                c -> {
                    Array keys = Random.split(c[2], 2);
                    Array num = Np.where(Np.lessEqual(c[1], count), Np.add(c[0], 1.0), c[0]);
                    Array u = uniform(row(keys, 0), f, s);
                    Array geom = Np.ceil(Np.divide(Np.log(u), log1mp));
                    return new Array[] {num, Np.add(c[1], geom), row(keys, 1)};
                },
                init);
        return Lax.convert(Np.subtract(out[0], 1.0), dtype);
    }

    private static final double[] STIRLING_TAIL = {
        0.0810614667953272,
        0.0413406959554092,
        0.0276779256849983,
        0.02079067210376509,
        0.0166446911898211,
        0.0138761288230707,
        0.0118967099458917,
        0.0104112652619720,
        0.00925546218271273,
        0.00833056343336287
    };

    /** The tail of Stirling's series for log k!: tabulated up to 9, else (as JAX writes it) the series at 9. */
    private static Array stirlingTail(Array k) {
        DType f = k.dtype();
        Array useTable = Np.lessEqual(k, 9.0);
        Array kc = Np.clip(k, 0.0, 9.0);
        Array kp1 = Np.add(kc, 1.0);
        Array kp1sq = Np.multiply(kp1, kp1);
        Array approx = Np.divide(
                Np.subtract(1.0 / 12, Np.divide(Np.subtract(1.0 / 360, Np.divide(1.0 / 1260, kp1sq)), kp1sq)), kp1);
        Array table = Lax.convert(Np.array(STIRLING_TAIL), f);
        Array idx = Lax.convert(Np.floor(kc), DType.INT32);
        Array tab = Np.reshape(Np.take(table, Np.reshape(idx, -1), 0), k.shape());
        return Np.where(useTable, tab, approx);
    }

    private static Array btrs(Array key, Array count, Array prob, DType dtype) {
        int[] s = prob.shape();
        DType f = prob.dtype();
        Array stddev = Np.sqrt(Np.multiply(Np.multiply(count, prob), Np.subtract(1.0, prob)));
        Array b = Np.add(Np.multiply(stddev, 2.53), 1.15);
        Array a = Np.add(Np.add(Np.multiply(b, 0.0248), -0.0873), Np.multiply(prob, 0.01));
        Array c = Np.add(Np.multiply(count, prob), 0.5);
        Array vR = Np.subtract(0.92, Np.divide(4.2, b));
        Array r = Np.divide(prob, Np.subtract(1.0, prob));
        Array alpha = Np.multiply(Np.add(Np.divide(5.1, b), 2.83), stddev);
        Array m = Np.floor(Np.multiply(Np.add(count, 1.0), prob));
        Array stM = Np.add(stirlingTail(m), stirlingTail(Np.subtract(count, m)));
        Array[] init = {Np.full(f, -1.0, s), Np.zeros(DType.BOOL, s), key};
        Array[] out = Lax.whileLoop(
                cr -> Np.any(Np.logicalNot(cr[1])),
                cr -> {
                    Array keys = Random.split(cr[2], 3);
                    Array u = Np.subtract(uniform(row(keys, 1), f, s), 0.5);
                    Array v = uniform(row(keys, 2), f, s);
                    Array us = Np.subtract(0.5, Np.abs(u));
                    Array accept1 = Np.logicalAnd(Np.greaterEqual(us, 0.07), Np.lessEqual(v, vR));
                    Array k = Np.floor(Np.add(Np.multiply(Np.add(Np.divide(Np.multiply(a, 2.0), us), b), u), c));
                    Array reject = Np.logicalOr(Np.less(k, 0.0), Np.greater(k, count));
                    Array lv = Np.log(Np.divide(Np.multiply(v, alpha), Np.add(Np.divide(a, Np.multiply(us, us)), b)));
                    Array cm1 = Np.add(Np.subtract(count, m), 1.0);
                    Array ck1 = Np.add(Np.subtract(count, k), 1.0);
                    Array ub = Np.multiply(Np.add(m, 0.5), Np.log(Np.divide(Np.add(m, 1.0), Np.multiply(r, cm1))));
                    ub = Np.add(ub, Np.multiply(Np.add(count, 1.0), Np.log(Np.divide(cm1, ck1))));
                    ub = Np.add(
                            ub, Np.multiply(Np.add(k, 0.5), Np.log(Np.divide(Np.multiply(r, ck1), Np.add(k, 1.0)))));
                    ub = Np.add(ub, stirlingTail(m));
                    ub = Np.add(ub, stirlingTail(Np.subtract(count, m)));
                    ub = Np.subtract(ub, stirlingTail(k));
                    ub = Np.subtract(ub, stirlingTail(Np.subtract(count, k)));
                    Array accept = Np.logicalOr(accept1, Np.logicalAnd(Np.logicalNot(reject), Np.lessEqual(lv, ub)));
                    return new Array[] {Np.where(accept, k, cr[0]), Np.logicalOr(cr[1], accept), row(keys, 0)};
                },
                init);
        return Lax.convert(out[0], dtype);
    }

    // ---------------------------------------------------------------- multinomial

    /**
     * Multinomial counts as JAX draws them: one binomial per category (a key each, split from
     * {@code key}), for the trials left over and the category's share of the probability left.
     * {@code n} has the shape {@code shape[:-1]} and {@code p} the shape {@code shape}, both of one
     * float dtype.
     */
    static Array multinomial(Array key, Array n, Array p, DType dtype) {
        int k = p.shape(p.ndim() - 1);
        Array pm = Np.moveaxis(p, -1, 0);
        Array left = Np.flip(Np.cumsum(Np.flip(pm, 0), 0), 0);
        Array ratios = Np.divide(pm, Np.where(Np.equal(left, 0.0), Np.onesLike(left), left));
        Array keys = Random.split(key, k);
        Array remainder = n;
        Array[] counts = new Array[k];
        for (int i = 0; i < k; i++) {
            Array ratio = Np.take(ratios, Np.scalar(i), 0);
            Array count = binomial(row(keys, i), remainder, Np.clip(ratio, 0.0, 1.0), remainder.dtype());
            remainder = Np.subtract(remainder, count);
            counts[i] = count;
        }
        return Lax.convert(Np.stack(counts, -1), dtype);
    }
}
