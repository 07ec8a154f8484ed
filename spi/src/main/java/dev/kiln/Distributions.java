package dev.kiln;

import java.util.Arrays;

/**
 * The samplers behind {@link Random}'s continuous and discrete distributions, each the same
 * arithmetic on the same random bits as JAX 0.10.2's {@code jax.random} (key splits included), so
 * that a key gives JAX's samples up to the rounding of {@code log}, {@code exp} and friends. The
 * public methods on {@link Random} check their arguments and call these.
 */
final class Distributions {
    private Distributions() {}

    // ---------------------------------------------------------------- parameters and shapes

    /** A parameter (a Java number or an Array) as an array of {@code dtype}. */
    static Array param(String fn, String name, Object v, DType dtype) {
        if (v == null) {
            throw new NullPointerException(name);
        }
        if (v instanceof Number n) {
            return Np.full(dtype, n.doubleValue());
        }
        if (v instanceof Array a) {
            if (a.dtype() == DType.BOOL) {
                throw new DTypeException(fn + ": " + name + " must be a number, got a bool array; pass a float array");
            }
            return a.dtype() == dtype ? a : Lax.convert(a, dtype);
        }
        throw new DTypeException(fn + ": " + name + " must be a Java number or an Array, got "
                + v.getClass().getSimpleName());
    }

    /**
     * The sample shape: {@code shape}, which the parameters must broadcast to (JAX's rule), or,
     * when it is empty, the parameters' broadcast shape (JAX's {@code shape=None}).
     */
    static int[] sampleShape(String fn, int[] shape, Array... params) {
        int[] pshape = new int[0];
        for (Array p : params) {
            int[] b = Shape.broadcast(pshape, p.shape());
            if (b == null) {
                throw new ShapeException(fn + ": parameter shapes " + Shape.toString(pshape) + " and "
                        + Shape.toString(p.shape()) + " do not broadcast; give parameters of compatible shapes");
            }
            pshape = b;
        }
        if (shape.length == 0) {
            return pshape;
        }
        int[] all = Shape.broadcast(shape, pshape);
        if (all == null || !Arrays.equals(all, shape)) {
            throw new ShapeException(fn + ": parameters of shape " + Shape.toString(pshape)
                    + " must broadcast to the sample shape " + Shape.toString(shape)
                    + "; pass a shape that ends with the parameters' shape, or no shape to use theirs");
        }
        return shape;
    }

    static Array to(Array p, int[] shape) {
        return Arrays.equals(p.shape(), shape) ? p : Np.broadcastTo(p, shape);
    }

    static Array c(DType d, double v) {
        return Np.full(d, v);
    }

    private static double eps(DType d) {
        return d.isNarrow() ? Narrow.eps(d) : d == DType.FLOAT32 ? Math.ulp(1f) : Math.ulp(1.0);
    }

    private static double tiny(DType d) {
        return d.isNarrow() ? Narrow.tiny(d) : d == DType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    }

    /** Row {@code i} of a (n, 2) array of keys, as a key. */
    static Array row(Array keys, int i) {
        return Lax.reshape(Lax.sliceInDim(keys, 0, i, i + 1), 2);
    }

    // ---------------------------------------------------------------- inverse-CDF samplers

    static Array exponential(Array key, DType d, int[] s) {
        Array u = Random.uniformIn(key, d, 0, 1, s);
        return Np.negative(Np.log1p(Np.negative(u)));
    }

    static Array laplace(Array key, DType d, int[] s) {
        double epsneg = d.isNarrow() ? Narrow.epsneg(d) : d == DType.FLOAT32 ? 0x1p-24 : 0x1p-53;
        Array u = Random.uniformIn(key, d, -1 + epsneg, 1, s);
        return Np.multiply(Np.sign(u), Np.log1p(Np.negative(Np.abs(u))));
    }

    static Array logistic(Array key, DType d, int[] s) {
        Array u = Random.uniformIn(key, d, tiny(d), 1, s);
        return Np.subtract(Np.log(u), Np.log1p(Np.negative(u)));
    }

    static Array gumbel(Array key, DType d, int[] s) {
        Array u = Random.uniformIn(key, d, tiny(d), 1, s);
        return Np.negative(Np.log(Np.negative(Np.log(u))));
    }

    static Array cauchy(Array key, DType d, int[] s) {
        Array u = Random.uniformIn(key, d, eps(d), 1, s);
        return Np.tan(Np.multiply(c(d, Math.PI), Np.subtract(u, c(d, 0.5))));
    }

    static Array rademacher(Array key, DType d, int[] s) {
        Array b = Lax.convert(Random.bernoulli(key, 0.5, s), d);
        return Np.subtract(Np.multiply(c(d, 2), b), c(d, 1));
    }

    static Array normal(Array key, DType d, int[] s) {
        return Random.normal(key, d, s);
    }

    static Array maxwell(Array key, DType d, int[] s) {
        int[] s3 = Arrays.copyOf(s, s.length + 1);
        s3[s.length] = 3;
        Array n = normal(key, d, s3);
        return Np.sqrt(Np.sum(Np.multiply(n, n), new int[] {s.length}, false));
    }

    static Array doubleSidedMaxwell(Array key, Array loc, Array scale, DType d, int[] s) {
        Array keys = Random.split(key, 2);
        Array m = maxwell(row(keys, 0), d, s);
        Array sign = rademacher(row(keys, 1), d, s);
        return Np.add(Np.multiply(Np.multiply(sign, m), to(scale, s)), to(loc, s));
    }

    static Array lognormal(Array key, Array sigma, DType d, int[] s) {
        return Np.exp(Np.multiply(normal(key, d, s), to(sigma, s)));
    }

    static Array pareto(Array key, Array b, DType d, int[] s) {
        return Np.exp(Np.divide(exponential(key, d, s), to(b, s)));
    }

    static Array weibullMin(Array key, Array scale, Array concentration, DType d, int[] s) {
        Array u = Random.uniformIn(key, d, 0, 1, s);
        Array e = Np.negative(Np.log1p(Np.negative(u)));
        return Np.multiply(Np.power(e, Np.divide(c(d, 1), to(concentration, s))), to(scale, s));
    }

    static Array rayleigh(Array key, Array scale, DType d, int[] s) {
        Array u = Random.uniformIn(key, d, 0, 1, s);
        return Np.multiply(to(scale, s), Np.sqrt(Np.multiply(Np.log(u), c(d, -2))));
    }

    static Array wald(Array key, Array mean, DType d, int[] s) {
        Array keys = Random.split(key, 2);
        Array mu = to(mean, s);
        Array v = normal(row(keys, 0), d, s);
        Array z = Random.uniformIn(row(keys, 1), d, 0, 1, s);
        Array y = Np.multiply(v, v);
        Array ySq = Np.multiply(y, y);
        Array muSq = Np.multiply(mu, mu);
        Array root = Np.sqrt(Np.add(Np.multiply(Np.multiply(c(d, 4), mu), y), Np.multiply(muSq, ySq)));
        Array x = Np.subtract(
                Np.add(mu, Np.divide(Np.multiply(muSq, y), c(d, 2))), Np.multiply(Np.divide(mu, c(d, 2)), root));
        return Np.where(Np.lessEqual(z, Np.divide(mu, Np.add(mu, x))), x, Np.divide(muSq, x));
    }

    static Array geometric(Array key, Array p, DType out, int[] s) {
        DType d = p.dtype();
        Array u = Random.uniformIn(key, d, 0, 1, s);
        u = Np.where(Np.equal(u, c(d, 0)), c(d, 1), u);
        Array g = Np.add(Np.floor(Np.divide(Np.log(u), to(Np.log1p(Np.negative(p)), s))), c(d, 1));
        return Lax.convert(g, out);
    }

    static Array triangular(Array key, Array left, Array mode, Array right, DType d, int[] s) {
        Array l = to(left, s);
        Array m = to(mode, s);
        Array r = to(right, s);
        Array width = Np.subtract(r, l);
        Array fc = Np.divide(Np.subtract(m, l), width);
        Array u = Random.uniformIn(key, d, 0, 1, s);
        Array out1 = Np.add(l, Np.sqrt(Np.multiply(Np.multiply(u, width), Np.subtract(m, l))));
        Array out2 =
                Np.subtract(r, Np.sqrt(Np.multiply(Np.multiply(Np.subtract(c(d, 1), u), width), Np.subtract(r, m))));
        return Np.where(Np.less(u, fc), out1, out2);
    }

    // ---------------------------------------------------------------- gamma and its family

    /**
     * Gamma samples (or their logs) for the concentrations {@code a} (already of the sample shape):
     * as JAX, the key is split into one key per element and each element runs Marsaglia and
     * Tsang's rejection loop ({@code _gamma_one}) with that key. The loop is a {@link
     * Lax#whileLoop} batched by {@link Kiln#vmap} over the elements.
     */
    static Array gamma(Array key, Array a, boolean logSpace) {
        int[] s = a.shape();
        int n = Shape.size(s);
        if (n == 0) {
            return Np.zeros(a.dtype(), s);
        }
        Array keys = Random.split(key, n);
        Array alphas = Lax.reshape(a, n);
        Array out = Kiln.vmap((java.util.List<Array> ka) -> gammaOne(ka.get(0), ka.get(1), logSpace))
                .apply(java.util.List.of(keys, alphas));
        return Lax.reshape(out, s);
    }

    /** One state of the rejection loop: key, X = x², V = v³, U. */
    private record Rejection(Array key, Array x, Array v, Array u) {}

    private record Candidate(Array key, Array x, Array v) {}

    private static Array gammaOne(Array key, Array alpha, boolean logSpace) {
        DType d = alpha.dtype();
        Array one = c(d, 1);
        Array boost = Np.greaterEqual(alpha, one);
        Array alphaOrig = alpha;
        Array al = Np.where(boost, alpha, Np.add(alpha, one));
        Array dd = Np.subtract(al, c(d, 1.0 / 3.0));
        Array cc = Np.divide(c(d, 1.0 / 3.0), Np.sqrt(dd));
        Array keys = Random.split(key, 2);
        Array loopKey = row(keys, 0);
        Array subkey = row(keys, 1);
        Rejection init = new Rejection(loopKey, c(d, 0), c(d, 1), c(d, 2));
        Rejection done = Lax.whileLoop(
                st -> {
                    Array xx = st.x();
                    Array first =
                            Np.greaterEqual(st.u(), Np.subtract(one, Np.multiply(c(d, 0.0331), Np.multiply(xx, xx))));
                    Array second = Np.greaterEqual(
                            Np.log(st.u()),
                            Np.add(
                                    Np.multiply(xx, c(d, 0.5)),
                                    Np.multiply(dd, Np.add(Np.subtract(one, st.v()), Np.log(st.v())))));
                    return Np.logicalAnd(first, second);
                },
                st -> {
                    Array k3 = Random.split(st.key(), 3);
                    Candidate cand = Lax.whileLoop(
                            cv -> Np.lessEqual(cv.v(), c(d, 0)),
                            cv -> {
                                Array k2 = Random.split(cv.key(), 2);
                                Array x = Random.normal(row(k2, 1), d);
                                return new Candidate(row(k2, 0), x, Np.add(one, Np.multiply(x, cc)));
                            },
                            new Candidate(row(k3, 1), c(d, 0), c(d, -1)));
                    Array x2 = Np.multiply(cand.x(), cand.x());
                    Array v3 = Np.multiply(Np.multiply(cand.v(), cand.v()), cand.v());
                    Array u = Random.uniformIn(row(k3, 2), d, 0, 1, new int[0]);
                    return new Rejection(row(k3, 0), x2, v3, u);
                },
                init);
        Array v = done.v();
        if (logSpace) {
            Array logSamples = Np.negative(exponential(subkey, d, new int[0]));
            Array logBoost = Np.where(
                    Np.logicalOr(boost, Np.equal(logSamples, c(d, 0))),
                    c(d, 0),
                    Np.multiply(logSamples, Np.divide(one, alphaOrig)));
            return Np.add(Np.add(Np.log(dd), Np.log(v)), logBoost);
        }
        Array samples = Np.subtract(one, Random.uniformIn(subkey, d, 0, 1, new int[0]));
        Array boostFactor = Np.where(boost, one, Np.power(samples, Np.divide(one, alphaOrig)));
        return Np.multiply(Np.multiply(dd, v), boostFactor);
    }

    static Array beta(Array key, Array a, Array b, DType d, int[] s) {
        Array keys = Random.split(key, 2);
        Array ga = gamma(row(keys, 0), to(a, s), true);
        Array gb = gamma(row(keys, 1), to(b, s), true);
        Array max = Np.maximum(ga, gb);
        Array ea = Np.exp(Np.subtract(ga, max));
        Array eb = Np.exp(Np.subtract(gb, max));
        return Np.divide(ea, Np.add(ea, eb));
    }

    static Array chisquare(Array key, Array df, DType d, int[] s) {
        Array half = Np.divide(to(df, s), c(d, 2));
        return Np.multiply(Np.exp(gamma(key, half, true)), c(d, 2));
    }

    static Array f(Array key, Array dfnum, Array dfden, DType d, int[] s) {
        Array keys = Random.split(key, 2);
        Array num = Np.divide(chisquare(row(keys, 1), dfnum, d, s), to(dfnum, s));
        Array den = Np.divide(chisquare(row(keys, 0), dfden, d, s), to(dfden, s));
        return Np.divide(num, den);
    }

    static Array t(Array key, Array df, DType d, int[] s) {
        Array keys = Random.split(key, 2);
        Array n = normal(row(keys, 0), d, s);
        Array half = Np.divide(to(df, s), c(d, 2));
        Array g = gamma(row(keys, 1), half, false);
        return Np.multiply(n, Np.sqrt(Np.divide(half, g)));
    }

    static Array generalizedNormal(Array key, Array p, DType d, int[] s) {
        Array keys = Random.split(key, 2);
        Array inv = Np.divide(c(d, 1), to(p, s));
        Array g = gamma(row(keys, 0), inv, false);
        Array r = rademacher(row(keys, 1), d, s);
        return Np.multiply(r, Np.power(g, inv));
    }

    static Array ball(Array key, double p, int dim, DType d, int[] s) {
        Array keys = Random.split(key, 2);
        int[] sd = Arrays.copyOf(s, s.length + 1);
        sd[s.length] = dim;
        Array g = generalizedNormal(row(keys, 0), c(d, p), d, sd);
        Array e = exponential(row(keys, 1), d, s);
        Array norm =
                Np.power(Np.add(Np.sum(Np.power(Np.abs(g), c(d, p)), new int[] {s.length}, false), e), c(d, 1 / p));
        return Np.divide(g, Np.expandDims(norm, s.length));
    }

    static Array dirichlet(Array key, Array alpha, DType d, int[] batch) {
        int k = alpha.shape(alpha.ndim() - 1);
        int[] s = Arrays.copyOf(batch, batch.length + 1);
        s[batch.length] = k;
        Array lg = gamma(key, to(alpha, s), true);
        return Nn.softmax(lg, -1);
    }

    // ---------------------------------------------------------------- matrices

    static Array multivariateNormal(Array key, Array mean, Array cov, DType d, int[] s) {
        int n = mean.shape(mean.ndim() - 1);
        Array factor = Linalg.cholesky(cov);
        int[] sn = Arrays.copyOf(s, s.length + 1);
        sn[s.length] = n;
        Array z = normal(key, d, sn);
        Array prod = Np.squeeze(Np.matmul(factor, Np.expandDims(z, -1)), -1);
        return Np.add(mean, prod);
    }

    static Array orthogonal(Array key, int n, int m, DType d, int[] s) {
        int[] sz = Arrays.copyOf(s, s.length + 2);
        sz[s.length] = Math.max(n, m);
        sz[s.length + 1] = Math.min(n, m);
        Array z = normal(key, d, sz);
        Linalg.QR qr = Linalg.qr(z);
        Array diag = Np.diagonal(qr.r(), 0, -2, -1);
        Array x = Np.multiply(qr.q(), Np.expandDims(Np.sign(diag), -2));
        return n < m ? Np.swapaxes(x, -1, -2) : x;
    }
}
