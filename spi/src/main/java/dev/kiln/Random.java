package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.Objects;

/**
 * Counter-based random numbers that reproduce {@code jax.random} (JAX 0.10.2, default
 * implementation threefry2x32 with {@code jax_threefry_partitionable} on): the same key gives the
 * same bits, and the same samples, as JAX on CPU.
 *
 * <p>A key is a uint32 array of shape {@code (2,)}, like JAX's legacy raw keys from {@code
 * jax.random.PRNGKey}. Functions are pure: reusing a key gives the same numbers, so {@link #split}
 * a key into fresh ones (or {@link #foldIn} a counter) before each independent use. Everything is
 * built from Kiln primitives, so these functions run on any backend and trace under {@code
 * Kiln.jit} and {@code Kiln.vmap}.
 *
 * <p>Exactness: keys, bits, {@link #uniform} (float32 and float64, any range), {@link #bernoulli},
 * {@link #randint} and {@link #permutation} match JAX bit for bit. {@link #normal} and {@link
 * #truncatedNormal} reproduce XLA's erf⁻¹ step by step, but XLA's float32 {@code log} is not
 * correctly rounded and Kiln's is: about 0.5% of float32 samples differ from JAX's, by at most 3
 * ulp (float64: a few percent, a few ulp, as XLA fuses multiply-adds that Kiln cannot). {@link
 * #categorical} adds Gumbel noise made with {@code log}, so a draw can differ from JAX's only where
 * two candidates tie to within an ulp. The other distributions (exponential … orthogonal, choice)
 * repeat JAX's key splits and arithmetic on these bits, so they too give JAX's samples up to a few
 * ulps of rounding; choice, rademacher and geometric give JAX's integers. gamma and the samplers
 * built on it (loggamma, beta, dirichlet, chisquare, f, t, generalizedNormal, ball) run JAX's
 * per-sample rejection loop with JAX's keys; a sample can take another turn of the loop than JAX's
 * only where an acceptance test ties to within an ulp.
 */
public final class Random {
    private Random() {}

    // ---------------------------------------------------------------- keys

    /**
     * The key for {@code seed}: its high and low 32 bits, as {@code jax.random.PRNGKey(seed)} with
     * {@code jax_enable_x64}. For seeds in {@code [0, 2^32)} this is also JAX's default 32-bit
     * mode's key; for other seeds that mode keeps only the low 32 bits, so pass {@code seed &
     * 0xFFFFFFFFL} to reproduce it.
     */
    public static Array key(long seed) {
        return Np.arrayUint32(new int[] {(int) (seed >>> 32), (int) seed});
    }

    /** Two new keys, shape {@code (2, 2)}, as {@code jax.random.split(key)}. */
    public static Array split(Array key) {
        Objects.requireNonNull(key, "key");
        return split(key, 2);
    }

    /**
     * {@code num} new keys, shape {@code (num, 2)}, as {@code jax.random.split(key, num)}.
     *
     * @throws ShapeException when {@code num} is negative
     */
    public static Array split(Array key, int num) {
        Objects.requireNonNull(key, "key");
        checkKey("split", key);
        return Threefry.split(key, checkShape("split", num));
    }

    /**
     * A new key derived from {@code key} and {@code data}, as {@code jax.random.fold_in}; {@code
     * data} is read as its 32 bits unsigned, so {@code -1} folds in {@code 0xFFFFFFFF}.
     */
    public static Array foldIn(Array key, int data) {
        Objects.requireNonNull(key, "key");
        checkKey("foldIn", key);
        return Threefry.foldIn(key, data);
    }

    // ---------------------------------------------------------------- samplers

    /** Uniformly random uint32 values, as {@code jax.random.bits(key, shape, jnp.uint32)}. */
    public static Array bits(Array key, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shape, "shape");
        checkKey("bits", key);
        return Threefry.bits(key, checkShape("bits", shape));
    }

    /** float32 values uniform in {@code [0, 1)}, as {@code jax.random.uniform(key, shape)}. */
    public static Array uniform(Array key, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shape, "shape");
        return uniform(key, DType.FLOAT32, 0, 1, shape);
    }

    /**
     * Values uniform in {@code [minval, maxval)} of a float {@code dtype}, as {@code
     * jax.random.uniform(key, shape, dtype, minval, maxval)}: the top mantissa-many random bits
     * make a value in {@code [0, 1)}, which is scaled, shifted and kept at or above {@code minval}.
     * The bounds are first rounded to {@code dtype}.
     *
     * @throws DTypeException when {@code dtype} is not float32 or float64
     */
    public static Array uniform(Array key, DType dtype, double minval, double maxval, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        checkKey("uniform", key);
        checkFloat("uniform", dtype);
        return uniformIn(key, dtype, minval, maxval, checkShape("uniform", shape));
    }

    /** Standard normal float32 values, as {@code jax.random.normal(key, shape)}. */
    public static Array normal(Array key, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shape, "shape");
        return normal(key, DType.FLOAT32, shape);
    }

    /**
     * Standard normal values of a float {@code dtype}, as {@code jax.random.normal}: {@code √2 ·
     * erf⁻¹(u)} for {@code u} uniform in {@code (-1, 1)}.
     *
     * @throws DTypeException when {@code dtype} is not float32 or float64
     */
    public static Array normal(Array key, DType dtype, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        checkKey("normal", key);
        checkFloat("normal", dtype);
        int[] s = checkShape("normal", shape);
        double lo = dtype.isNarrow()
                ? -1 + Math.scalb(1.0, -Narrow.floatBits(dtype)[1] - 1)
                : dtype == DType.FLOAT32 ? Math.nextUp(-1.0f) : Math.nextUp(-1.0);
        Array u = uniformIn(key, dtype, lo, 1, s);
        if (dtype.isNarrow()) {
            // the inverse error function in float32, rounded once, as XLA computes it for narrow floats
            Array u32 = Lax.convert(u, DType.FLOAT32);
            return Lax.bind(Primitive.MUL, Np.full(dtype, Math.sqrt(2), s), Lax.convert(ErfInv.apply(u32), dtype));
        }
        return Lax.bind(Primitive.MUL, Np.full(dtype, sqrt2(dtype), s), ErfInv.apply(u));
    }

    /**
     * Booleans that are true with probability {@code p}, as {@code jax.random.bernoulli(key, p,
     * shape)}: a float32 uniform sample below {@code p} rounded to float32.
     */
    public static Array bernoulli(Array key, double p, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shape, "shape");
        checkKey("bernoulli", key);
        int[] s = checkShape("bernoulli", shape);
        Array u = uniformIn(key, DType.FLOAT32, 0, 1, s);
        return Lax.bind(Primitive.LT, u, Np.full(DType.FLOAT32, (float) p, s));
    }

    /**
     * int32 values in {@code [minval, maxval)}, as {@code jax.random.randint(key, shape, minval,
     * maxval)}; {@code minval} everywhere when {@code maxval <= minval}. Like JAX this reduces random
     * bits modulo the range (64 bits for ranges up to 2^16, in effect 32 above), so ranges that are
     * not powers of two are slightly biased.
     */
    public static Array randint(Array key, int minval, int maxval, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shape, "shape");
        checkKey("randint", key);
        int[] s = checkShape("randint", shape);
        Array keys = Threefry.split(key, new int[] {2});
        Array higher = Threefry.bits(Lax.reshape(Lax.sliceInDim(keys, 0, 0, 1), 2), s);
        Array lower = Threefry.bits(Lax.reshape(Lax.sliceInDim(keys, 0, 1, 2), 2), s);
        // the span and the multiplier are static, so they are computed here, as JAX does in uint32:
        // the multiplier means 2^32 mod span, but above 2^16 it is (2^16)^2, which wraps to 0, so
        // JAX then uses the low word alone; Kiln keeps that
        long span = maxval <= minval ? 1 : Integer.toUnsignedLong(maxval - minval);
        long multiplier = (1L << 16) % span;
        multiplier = ((multiplier * multiplier) & 0xFFFF_FFFFL) % span;
        Array spanArray = Np.full(DType.UINT32, span, s);
        Array high = Lax.bind(Primitive.REM, higher, spanArray);
        Array low = Lax.bind(Primitive.REM, lower, spanArray);
        Array offset = Lax.bind(Primitive.ADD, mulU32(high, multiplier), low);
        offset = Lax.bind(Primitive.REM, offset, spanArray);
        return Lax.bind(Primitive.ADD, Np.full(DType.INT32, minval, s), Lax.convert(offset, DType.INT32));
    }

    /**
     * Draws from the categorical distributions whose unnormalised log-probabilities lie along {@code
     * axis} of {@code logits}, as {@code jax.random.categorical(key, logits, axis)}: the argmax of
     * {@code logits} plus Gumbel noise. The result is int32 with {@code axis} removed.
     *
     * @throws DTypeException when the logits are not float32 or float64
     * @throws AxisException when the axis is out of range
     */
    public static Array categorical(Array key, Array logits, int axis) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(logits, "logits");
        checkKey("categorical", key);
        checkFloat("categorical", logits.dtype());
        int a = Shape.axis("categorical", axis, logits.ndim());
        if (logits.shape(a) == 0) {
            throw new ShapeException("categorical: axis " + axis + " of logits with shape "
                    + Shape.toString(logits.shape()) + " is empty; there must be at least one category");
        }
        DType d = logits.dtype();
        double tiny = d.isNarrow() ? Narrow.tiny(d) : d == DType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        Array u = uniformIn(key, d, tiny, 1, logits.shape());
        Array gumbel = Np.negative(Np.log(Np.negative(Np.log(u))));
        return Np.argmax(Lax.bind(Primitive.ADD, gumbel, logits), a);
    }

    /**
     * A random permutation of {@code 0 … n-1} (int32), as {@code jax.random.permutation(key, n)}.
     * JAX sorts by fresh random 32-bit keys, one round for {@code n} up to 1625 and more beyond;
     * Kiln does the same sorts with a bitonic network built from primitives, which gives JAX's
     * stable-sort result exactly and traces under {@code jit}.
     *
     * @throws ShapeException when {@code n} is negative
     */
    public static Array permutation(Array key, int n) {
        Objects.requireNonNull(key, "key");
        checkKey("permutation", key);
        checkShape("permutation", n);
        return shuffle(key, Lax.iota(DType.INT32, new int[] {n}, 0));
    }

    /**
     * {@code x} with its first axis randomly permuted, as {@code jax.random.permutation(key, x)}.
     *
     * @throws ShapeException when {@code x} is 0-d
     */
    public static Array permutation(Array key, Array x) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(x, "x");
        checkKey("permutation", key);
        if (x.ndim() == 0) {
            throw new ShapeException("permutation: x must have at least one dimension, got a 0-d array;"
                    + " use permutation(key, n) to permute 0 … n-1");
        }
        if (x.shape(0) == 0) {
            return x;
        }
        return Np.take(x, shuffle(key, Lax.iota(DType.INT32, new int[] {x.shape(0)}, 0)), 0, "clip");
    }

    /**
     * float32 samples of the standard normal truncated to {@code (lower, upper)}, as {@code
     * jax.random.truncated_normal(key, lower, upper, shape)}: {@code √2 · erf⁻¹(u)} for {@code u}
     * uniform between {@code erf(lower/√2)} and {@code erf(upper/√2)}, clipped into the open
     * interval. Infinite bounds are allowed.
     */
    public static Array truncatedNormal(Array key, double lower, double upper, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shape, "shape");
        checkKey("truncatedNormal", key);
        int[] s = checkShape("truncatedNormal", shape);
        float lo = (float) lower;
        float hi = (float) upper;
        float sqrt2 = (float) Math.sqrt(2);
        // XLA rewrites JAX's erf(bound / √2) as erf(bound · (1/√2)), the reciprocal rounded to float32
        float invSqrt2 = 1f / sqrt2;
        Array u = uniformIn(key, DType.FLOAT32, erf(lo * invSqrt2), erf(hi * invSqrt2), s);
        Array out = Lax.bind(Primitive.MUL, Np.full(DType.FLOAT32, sqrt2, s), ErfInv.apply(u));
        out = Lax.bind(Primitive.MAX, Np.full(DType.FLOAT32, Math.nextUp(lo), s), out);
        return Lax.bind(Primitive.MIN, Np.full(DType.FLOAT32, Math.nextDown(hi), s), out);
    }

    // ---------------------------------------------------------------- more distributions
    //
    // Each follows JAX 0.10.2's sampler step by step (the same key splits, the same uniform bits,
    // the same arithmetic), so a key gives JAX's samples to within the rounding of log, exp and
    // friends (Kiln's are correctly rounded, XLA's float32 ones are not). Parameters are Java
    // numbers or Arrays and broadcast to the sample shape; an empty shape means the parameters'
    // broadcast shape (JAX's shape=None). The overloads without a dtype give float32.

    /** Standard exponential samples {@code -log1p(-u)}, as {@code jax.random.exponential}. */
    public static Array exponential(Array key, int... shape) {
        return exponential(key, DType.FLOAT32, shape);
    }

    /** Standard exponential samples of a float dtype, as {@code jax.random.exponential}. */
    public static Array exponential(Array key, DType dtype, int... shape) {
        int[] s = start("exponential", key, dtype, shape);
        return Distributions.exponential(key, dtype, s);
    }

    /** Standard Laplace samples {@code sign(u) log1p(-|u|)}, as {@code jax.random.laplace}. */
    public static Array laplace(Array key, int... shape) {
        return laplace(key, DType.FLOAT32, shape);
    }

    /** Standard Laplace samples of a float dtype, as {@code jax.random.laplace}. */
    public static Array laplace(Array key, DType dtype, int... shape) {
        return Distributions.laplace(key, dtype, start("laplace", key, dtype, shape));
    }

    /** Standard logistic samples {@code log(u) - log1p(-u)}, as {@code jax.random.logistic}. */
    public static Array logistic(Array key, int... shape) {
        return logistic(key, DType.FLOAT32, shape);
    }

    /** Standard logistic samples of a float dtype, as {@code jax.random.logistic}. */
    public static Array logistic(Array key, DType dtype, int... shape) {
        return Distributions.logistic(key, dtype, start("logistic", key, dtype, shape));
    }

    /** Standard Gumbel samples {@code -log(-log(u))}, as {@code jax.random.gumbel} (mode "low"). */
    public static Array gumbel(Array key, int... shape) {
        return gumbel(key, DType.FLOAT32, shape);
    }

    /** Standard Gumbel samples of a float dtype, as {@code jax.random.gumbel} (mode "low"). */
    public static Array gumbel(Array key, DType dtype, int... shape) {
        return Distributions.gumbel(key, dtype, start("gumbel", key, dtype, shape));
    }

    /** Standard Cauchy samples {@code tan(pi (u - 1/2))}, as {@code jax.random.cauchy}. */
    public static Array cauchy(Array key, int... shape) {
        return cauchy(key, DType.FLOAT32, shape);
    }

    /** Standard Cauchy samples of a float dtype, as {@code jax.random.cauchy}. */
    public static Array cauchy(Array key, DType dtype, int... shape) {
        return Distributions.cauchy(key, dtype, start("cauchy", key, dtype, shape));
    }

    /** int32 values -1 and +1 with equal probability, as {@code jax.random.rademacher}. */
    public static Array rademacher(Array key, int... shape) {
        return rademacher(key, DType.INT32, shape);
    }

    /** -1 and +1 with equal probability in {@code dtype} (any numeric dtype), as {@code jax.random.rademacher}. */
    public static Array rademacher(Array key, DType dtype, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        checkKey("rademacher", key);
        if (dtype == DType.BOOL || dtype == DType.UINT32) {
            throw new DTypeException(
                    "rademacher: needs a signed dtype for -1 and +1, got " + dtype + "; use int32, float32 or float64");
        }
        return Distributions.rademacher(key, dtype, checkShape("rademacher", shape));
    }

    /** The length of a standard normal 3-vector (Maxwell-Boltzmann samples), as {@code jax.random.maxwell}. */
    public static Array maxwell(Array key, int... shape) {
        return maxwell(key, DType.FLOAT32, shape);
    }

    /** Maxwell samples of a float dtype, as {@code jax.random.maxwell}. */
    public static Array maxwell(Array key, DType dtype, int... shape) {
        return Distributions.maxwell(key, dtype, start("maxwell", key, dtype, shape));
    }

    /**
     * Double-sided Maxwell samples {@code sign · maxwell · scale + loc}, as {@code
     * jax.random.double_sided_maxwell} (float32; loc and scale are numbers).
     */
    public static Array doubleSidedMaxwell(Array key, double loc, double scale, int... shape) {
        return doubleSidedMaxwell(key, loc, scale, DType.FLOAT32, shape);
    }

    /** Double-sided Maxwell samples of a float dtype, as {@code jax.random.double_sided_maxwell}. */
    public static Array doubleSidedMaxwell(Array key, double loc, double scale, DType dtype, int... shape) {
        int[] s = start("doubleSidedMaxwell", key, dtype, shape);
        return Distributions.doubleSidedMaxwell(
                key, Distributions.c(dtype, loc), Distributions.c(dtype, scale), dtype, s);
    }

    /** {@code exp(sigma · normal)}, as {@code jax.random.lognormal}. */
    public static Array lognormal(Array key, Object sigma, int... shape) {
        return lognormal(key, sigma, DType.FLOAT32, shape);
    }

    /** Log-normal samples of a float dtype, as {@code jax.random.lognormal}. */
    public static Array lognormal(Array key, Object sigma, DType dtype, int... shape) {
        start("lognormal", key, dtype, new int[0]);
        Array p = Distributions.param("lognormal", "sigma", sigma, dtype);
        return Distributions.lognormal(key, p, dtype, sized("lognormal", shape, p));
    }

    /** Pareto samples {@code exp(exponential / b)}, as {@code jax.random.pareto}. */
    public static Array pareto(Array key, Object b, int... shape) {
        return pareto(key, b, DType.FLOAT32, shape);
    }

    /** Pareto samples of a float dtype, as {@code jax.random.pareto}. */
    public static Array pareto(Array key, Object b, DType dtype, int... shape) {
        start("pareto", key, dtype, new int[0]);
        Array p = Distributions.param("pareto", "b", b, dtype);
        return Distributions.pareto(key, p, dtype, sized("pareto", shape, p));
    }

    /**
     * Weibull samples {@code (-log1p(-u))^(1/concentration) · scale}, as {@code
     * jax.random.weibull_min}.
     */
    public static Array weibullMin(Array key, Object scale, Object concentration, int... shape) {
        return weibullMin(key, scale, concentration, DType.FLOAT32, shape);
    }

    /** Weibull samples of a float dtype, as {@code jax.random.weibull_min}. */
    public static Array weibullMin(Array key, Object scale, Object concentration, DType dtype, int... shape) {
        start("weibullMin", key, dtype, new int[0]);
        Array sc = Distributions.param("weibullMin", "scale", scale, dtype);
        Array co = Distributions.param("weibullMin", "concentration", concentration, dtype);
        return Distributions.weibullMin(key, sc, co, dtype, sized("weibullMin", shape, sc, co));
    }

    /** Rayleigh samples {@code scale · sqrt(-2 log u)}, as {@code jax.random.rayleigh}. */
    public static Array rayleigh(Array key, Object scale, int... shape) {
        return rayleigh(key, scale, DType.FLOAT32, shape);
    }

    /** Rayleigh samples of a float dtype, as {@code jax.random.rayleigh}. */
    public static Array rayleigh(Array key, Object scale, DType dtype, int... shape) {
        start("rayleigh", key, dtype, new int[0]);
        Array p = Distributions.param("rayleigh", "scale", scale, dtype);
        return Distributions.rayleigh(key, p, dtype, sized("rayleigh", shape, p));
    }

    /** Wald (inverse Gaussian) samples with unit shape parameter, as {@code jax.random.wald}. */
    public static Array wald(Array key, Object mean, int... shape) {
        return wald(key, mean, DType.FLOAT32, shape);
    }

    /** Wald samples of a float dtype, as {@code jax.random.wald}. */
    public static Array wald(Array key, Object mean, DType dtype, int... shape) {
        start("wald", key, dtype, new int[0]);
        Array p = Distributions.param("wald", "mean", mean, dtype);
        return Distributions.wald(key, p, dtype, sized("wald", shape, p));
    }

    /**
     * int32 numbers of Bernoulli trials up to the first success, {@code floor(log u / log1p(-p)) +
     * 1}, as {@code jax.random.geometric}; the uniform draw is float32 (float64 for a float64 p).
     */
    public static Array geometric(Array key, Object p, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(shape, "shape");
        checkKey("geometric", key);
        DType pd = p instanceof Array a && a.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        Array pa = Distributions.param("geometric", "p", p, pd);
        return Distributions.geometric(key, pa, DType.INT32, sized("geometric", shape, pa));
    }

    /** Triangular samples on {@code [left, right]} with peak {@code mode}, as {@code jax.random.triangular}. */
    public static Array triangular(Array key, Object left, Object mode, Object right, int... shape) {
        return triangular(key, left, mode, right, DType.FLOAT32, shape);
    }

    /** Triangular samples of a float dtype, as {@code jax.random.triangular}. */
    public static Array triangular(Array key, Object left, Object mode, Object right, DType dtype, int... shape) {
        start("triangular", key, dtype, new int[0]);
        Array l = Distributions.param("triangular", "left", left, dtype);
        Array m = Distributions.param("triangular", "mode", mode, dtype);
        Array r = Distributions.param("triangular", "right", right, dtype);
        return Distributions.triangular(key, l, m, r, dtype, sized("triangular", shape, l, m, r));
    }

    /**
     * Gamma samples with concentration {@code a} and unit rate, as {@code jax.random.gamma}: the key
     * is split into one key per sample and each runs Marsaglia and Tsang's rejection loop as JAX
     * does, so a key gives JAX's samples (to the rounding of log; a loop can take another turn than
     * JAX's only where an acceptance test ties within an ulp). Not differentiable with respect to
     * {@code a} (JAX's implicit reparameterization gradient is not there yet).
     */
    public static Array gamma(Array key, Object a, int... shape) {
        return gamma(key, a, DType.FLOAT32, shape);
    }

    /** Gamma samples of a float dtype, as {@code jax.random.gamma}. */
    public static Array gamma(Array key, Object a, DType dtype, int... shape) {
        start("gamma", key, dtype, new int[0]);
        Array p = Distributions.param("gamma", "a", a, dtype);
        return Distributions.gamma(key, Distributions.to(p, sized("gamma", shape, p)), false);
    }

    /** The logs of gamma samples, computed in log space (accurate for tiny {@code a}), as {@code jax.random.loggamma}. */
    public static Array loggamma(Array key, Object a, int... shape) {
        return loggamma(key, a, DType.FLOAT32, shape);
    }

    /** Log-gamma samples of a float dtype, as {@code jax.random.loggamma}. */
    public static Array loggamma(Array key, Object a, DType dtype, int... shape) {
        start("loggamma", key, dtype, new int[0]);
        Array p = Distributions.param("loggamma", "a", a, dtype);
        return Distributions.gamma(key, Distributions.to(p, sized("loggamma", shape, p)), true);
    }

    /** Beta samples from two log-gamma samples, as {@code jax.random.beta}. */
    public static Array beta(Array key, Object a, Object b, int... shape) {
        return beta(key, a, b, DType.FLOAT32, shape);
    }

    /** Beta samples of a float dtype, as {@code jax.random.beta}. */
    public static Array beta(Array key, Object a, Object b, DType dtype, int... shape) {
        start("beta", key, dtype, new int[0]);
        Array pa = Distributions.param("beta", "a", a, dtype);
        Array pb = Distributions.param("beta", "b", b, dtype);
        return Distributions.beta(key, pa, pb, dtype, sized("beta", shape, pa, pb));
    }

    /** Chi-square samples {@code 2 · gamma(df / 2)}, as {@code jax.random.chisquare}. */
    public static Array chisquare(Array key, Object df, int... shape) {
        return chisquare(key, df, DType.FLOAT32, shape);
    }

    /** Chi-square samples of a float dtype, as {@code jax.random.chisquare}. */
    public static Array chisquare(Array key, Object df, DType dtype, int... shape) {
        start("chisquare", key, dtype, new int[0]);
        Array p = Distributions.param("chisquare", "df", df, dtype);
        return Distributions.chisquare(key, p, dtype, sized("chisquare", shape, p));
    }

    /** F samples, the ratio of two scaled chi-square samples, as {@code jax.random.f}. */
    public static Array f(Array key, Object dfnum, Object dfden, int... shape) {
        return f(key, dfnum, dfden, DType.FLOAT32, shape);
    }

    /** F samples of a float dtype, as {@code jax.random.f}. */
    public static Array f(Array key, Object dfnum, Object dfden, DType dtype, int... shape) {
        start("f", key, dtype, new int[0]);
        Array n = Distributions.param("f", "dfnum", dfnum, dtype);
        Array d = Distributions.param("f", "dfden", dfden, dtype);
        return Distributions.f(key, n, d, dtype, sized("f", shape, n, d));
    }

    /** Student's t samples {@code normal · sqrt((df/2) / gamma(df/2))}, as {@code jax.random.t}. */
    public static Array t(Array key, Object df, int... shape) {
        return t(key, df, DType.FLOAT32, shape);
    }

    /** Student's t samples of a float dtype, as {@code jax.random.t}. */
    public static Array t(Array key, Object df, DType dtype, int... shape) {
        start("t", key, dtype, new int[0]);
        Array p = Distributions.param("t", "df", df, dtype);
        return Distributions.t(key, p, dtype, sized("t", shape, p));
    }

    /**
     * Samples with density proportional to {@code exp(-|x|^p)}, {@code rademacher · gamma(1/p)^(1/p)},
     * as {@code jax.random.generalized_normal}.
     */
    public static Array generalizedNormal(Array key, Object p, int... shape) {
        return generalizedNormal(key, p, DType.FLOAT32, shape);
    }

    /** Generalized normal samples of a float dtype, as {@code jax.random.generalized_normal}. */
    public static Array generalizedNormal(Array key, Object p, DType dtype, int... shape) {
        start("generalizedNormal", key, dtype, new int[0]);
        Array pa = Distributions.param("generalizedNormal", "p", p, dtype);
        return Distributions.generalizedNormal(key, pa, dtype, sized("generalizedNormal", shape, pa));
    }

    /**
     * Points uniform in the {@code d}-dimensional unit ball of the {@code p}-norm, shape {@code
     * (shape..., d)}, as {@code jax.random.ball}.
     */
    public static Array ball(Array key, int d, double p, int... shape) {
        return ball(key, d, p, DType.FLOAT32, shape);
    }

    /** Points in the unit p-ball of a float dtype, as {@code jax.random.ball}. */
    public static Array ball(Array key, int d, double p, DType dtype, int... shape) {
        int[] s = start("ball", key, dtype, shape);
        if (d < 1) {
            throw new ShapeException("ball: the dimension d must be at least 1, got " + d);
        }
        return Distributions.ball(key, p, d, dtype, s);
    }

    /**
     * Samples from the Dirichlet distributions whose concentrations lie along the last axis of
     * {@code alpha}, as {@code jax.random.dirichlet}: a softmax of log-gamma samples. The result has
     * shape {@code (shape..., k)}; an empty shape means alpha's leading axes.
     */
    public static Array dirichlet(Array key, Array alpha, int... shape) {
        Objects.requireNonNull(alpha, "alpha");
        DType d = alpha.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        return dirichlet(key, alpha, d, shape);
    }

    /** Dirichlet samples of a float dtype, as {@code jax.random.dirichlet}. */
    public static Array dirichlet(Array key, Array alpha, DType dtype, int... shape) {
        start("dirichlet", key, dtype, new int[0]);
        Objects.requireNonNull(alpha, "alpha");
        if (alpha.ndim() < 1) {
            throw new ShapeException("dirichlet: alpha needs at least one axis (the categories), got a 0-d array;"
                    + " pass a vector of concentrations");
        }
        Array a = Distributions.param("dirichlet", "alpha", alpha, dtype);
        int[] lead = Arrays.copyOf(a.shape(), a.ndim() - 1);
        Array leadShaped = Np.zeros(dtype, lead);
        return Distributions.dirichlet(key, a, dtype, sized("dirichlet", checkShape("dirichlet", shape), leadShaped));
    }

    /**
     * Samples of the multivariate normal with mean {@code mean} (last axis n) and covariance {@code
     * cov} (last two axes n × n), {@code mean + cholesky(cov) · z}, as {@code
     * jax.random.multivariate_normal} with its default method; leading axes broadcast. The result has
     * shape {@code (shape..., n)}.
     */
    public static Array multivariateNormal(Array key, Array mean, Array cov, int... shape) {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(cov, "cov");
        DType d = mean.dtype() == DType.FLOAT64 || cov.dtype() == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32;
        start("multivariateNormal", key, d, new int[0]);
        if (mean.ndim() < 1) {
            throw new ShapeException("multivariateNormal: mean needs at least one axis, got a 0-d array;"
                    + " pass a vector of length n");
        }
        int n = mean.shape(mean.ndim() - 1);
        if (cov.ndim() < 2 || cov.shape(cov.ndim() - 1) != n || cov.shape(cov.ndim() - 2) != n) {
            throw new ShapeException("multivariateNormal: cov must have shape (..., " + n + ", " + n
                    + ") for a mean of length " + n + ", got " + Shape.toString(cov.shape()));
        }
        Array m = Lax.convert(mean, d);
        Array c = Lax.convert(cov, d);
        int[] s = sized(
                "multivariateNormal",
                checkShape("multivariateNormal", shape),
                Np.zeros(d, Arrays.copyOf(m.shape(), m.ndim() - 1)),
                Np.zeros(d, Arrays.copyOf(c.shape(), c.ndim() - 2)));
        return Distributions.multivariateNormal(key, m, c, d, s);
    }

    /**
     * Random orthogonal {@code n × n} matrices (Haar measure), shape {@code (shape..., n, n)}, as
     * {@code jax.random.orthogonal}: the Q of a QR decomposition of a normal matrix, columns signed
     * by R's diagonal.
     */
    public static Array orthogonal(Array key, int n, int... shape) {
        return orthogonal(key, n, DType.FLOAT32, shape);
    }

    /** Random orthogonal matrices of a float dtype, as {@code jax.random.orthogonal}. */
    public static Array orthogonal(Array key, int n, DType dtype, int... shape) {
        int[] s = start("orthogonal", key, dtype, shape);
        if (n < 0) {
            throw new ShapeException("orthogonal: n must be non-negative, got " + n);
        }
        return Distributions.orthogonal(key, n, n, dtype, s);
    }

    /**
     * Samples from {@code 0 … n-1}, as {@code jax.random.choice(key, n, shape, replace, p)}: with
     * replacement uniform draws ({@code randint}) or inverse-CDF draws on {@code p}'s cumulative sum;
     * without replacement a prefix of a permutation or, with weights, the top draws of Gumbel noise
     * plus {@code log p}. {@code p} may be null (uniform).
     *
     * @throws ShapeException when n is not positive, when more samples than n are asked for without
     *     replacement, or when p is not a vector of length n
     */
    public static Array choice(Array key, int n, int[] shape, boolean replace, Array p) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shape, "shape");
        checkKey("choice", key);
        int[] s = checkShape("choice", shape);
        return choiceIndices(key, n, s, replace, p);
    }

    /**
     * Samples of the slices of {@code a} along {@code axis}, as {@code jax.random.choice(key, a,
     * shape, replace, p, axis)}; the result has a's shape with {@code axis} replaced by {@code
     * shape}.
     */
    public static Array choice(Array key, Array a, int[] shape, boolean replace, Array p, int axis) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(shape, "shape");
        checkKey("choice", key);
        int[] s = checkShape("choice", shape);
        if (a.ndim() == 0) {
            throw new ShapeException("choice: a must have at least one axis, got a 0-d array;"
                    + " use choice(key, n, ...) to sample from 0 … n-1");
        }
        int ax = Shape.axis("choice", axis, a.ndim());
        Array ind = choiceIndices(key, a.shape(ax), s, replace, p);
        int[] out = new int[a.ndim() - 1 + s.length];
        int k = 0;
        for (int i = 0; i < ax; i++) {
            out[k++] = a.shape(i);
        }
        for (int d : s) {
            out[k++] = d;
        }
        for (int i = ax + 1; i < a.ndim(); i++) {
            out[k++] = a.shape(i);
        }
        if (Shape.size(s) == 0) {
            return Np.zeros(a.dtype(), out);
        }
        return Np.reshape(Np.take(a, Np.reshape(ind, Shape.size(s)), ax, "clip"), out);
    }

    private static Array choiceIndices(Array key, int n, int[] s, boolean replace, Array p) {
        int draws = Shape.size(s);
        if (draws == 0) {
            return Np.zeros(DType.INT32, s);
        }
        if (n <= 0) {
            throw new ShapeException(
                    "choice: the population must have at least one element to draw " + draws + " samples, got " + n);
        }
        if (!replace && draws > n) {
            throw new ShapeException("choice: cannot take " + draws + " samples from a population of " + n
                    + " without replacement; pass replace=true or ask for at most " + n);
        }
        if (p == null) {
            if (replace) {
                return randint(key, 0, n, s);
            }
            Array perm = shuffle(key, Lax.iota(DType.INT32, new int[] {n}, 0));
            return Np.reshape(Lax.sliceInDim(perm, 0, 0, draws), s);
        }
        if (p.ndim() != 1 || p.shape(0) != n) {
            throw new ShapeException("choice: p must be a vector of length " + n + " (one weight per element),"
                    + " got shape " + Shape.toString(p.shape()));
        }
        Array pf = Special.inexact(p);
        if (replace) {
            Array cum = Np.cumsum(pf);
            Array total = Lax.sliceInDim(cum, 0, n - 1, n);
            Array u = uniformIn(key, pf.dtype(), 0, 1, s);
            Array r = Np.multiply(Lax.reshape(total), Np.subtract(Np.full(pf.dtype(), 1), u));
            return Lax.convert(Np.searchsorted(cum, r), DType.INT32);
        }
        Array g = Np.add(Distributions.gumbel(key, pf.dtype(), new int[] {n}), Np.log(pf));
        return Np.reshape(Lax.convert(Lax.topK(g, draws)[1], DType.INT32), s);
    }

    /** A copy of a key, as {@code jax.random.clone}: Kiln's keys are values, so the key itself. */
    public static Array clone(Array key) {
        Objects.requireNonNull(key, "key");
        checkKey("clone", key);
        return key;
    }

    /**
     * The raw uint32 data of a key, as {@code jax.random.key_data}: Kiln's keys are raw uint32
     * arrays already (shape {@code (..., 2)}), so this is the key.
     */
    public static Array keyData(Array keys) {
        Objects.requireNonNull(keys, "keys");
        checkKeys("keyData", keys);
        return keys;
    }

    /** Keys from raw uint32 data of shape {@code (..., 2)}, as {@code jax.random.wrap_key_data}. */
    public static Array wrapKeyData(Array data) {
        Objects.requireNonNull(data, "data");
        checkKeys("wrapKeyData", data);
        return data;
    }

    private static void checkKeys(String fn, Array keys) {
        if (keys.dtype() != DType.UINT32 || keys.ndim() == 0 || keys.shape(keys.ndim() - 1) != 2) {
            throw new ShapeException(fn + ": key data is a uint32 array of shape (..., 2), got " + keys.dtype()
                    + Shape.toString(keys.shape()) + "; make keys with Random.key(seed) and Random.split");
        }
    }

    /** Checks the key and a float dtype, and returns a copy of the shape. */
    private static int[] start(String fn, Array key, DType dtype, int[] shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        checkKey(fn, key);
        checkFloat(fn, dtype);
        return checkShape(fn, shape);
    }

    private static int[] sized(String fn, int[] shape, Array... params) {
        Objects.requireNonNull(shape, "shape");
        return Distributions.sampleShape(fn, checkShape(fn, shape), params);
    }

    // ---------------------------------------------------------------- building blocks

    /** JAX's {@code _shuffle}: each round stably sorts {@code x} by 32 random bits from a fresh subkey. */
    private static Array shuffle(Array key, Array x) {
        int n = x.shape(0);
        // JAX's static count of rounds that makes a colliding pair of sort keys unlikely
        int rounds = (int) Math.ceil(3 * StrictMath.log(Math.max(1, n)) / StrictMath.log(4294967295.0));
        for (int r = 0; r < rounds; r++) {
            Array keys = Threefry.split(key, new int[] {2});
            key = Lax.reshape(Lax.sliceInDim(keys, 0, 0, 1), 2);
            Array subkey = Lax.reshape(Lax.sliceInDim(keys, 0, 1, 2), 2);
            Array order = BitonicSort.argsort(Threefry.bits(subkey, new int[] {n}));
            x = Lax.bind(Primitive.TAKE, new Params.Axis(0), x, order);
        }
        return x;
    }

    /**
     * JAX's {@code _uniform} for float32 and float64. The random mantissa {@code k} gives {@code
     * k·2^-mant}, which equals JAX's bit trick (k ORed into the bits of 1.0, minus 1.0) exactly
     * since both are exact, so no bitcast is needed. XLA fuses the scaling {@code f·span + minval}
     * into one FMA (rounding once), which Kiln reproduces: float32 by computing in float64, where
     * the product is exact, float64 with {@link #fusedMultiplyAdd}.
     */
    static Array uniformIn(Array key, DType dtype, double minval, double maxval, int[] shape) {
        Array unit;
        Array lo;
        Array r;
        if (dtype.isNarrow()) {
            // as JAX: 16 random bits (8 for bfloat16, whose mantissa is under 8 bits), the top
            // mantissa bits of them over the exponent of 1.0, minus 1; exact in float32 storage
            int mant = Narrow.floatBits(dtype)[1];
            int rngBits = mant < 8 ? 8 : 16;
            Array low = Lax.bind(
                    Primitive.AND, Threefry.bits(key, shape), Np.full(DType.UINT32, (1 << rngBits) - 1, shape));
            Array mantissa = Lax.bind(Primitive.SHIFT_RIGHT_LOGICAL, low, Np.full(DType.UINT32, rngBits - mant, shape));
            unit = Lax.convert(
                    Lax.bind(
                            Primitive.MUL,
                            Lax.convert(mantissa, DType.FLOAT32),
                            Np.full(DType.FLOAT32, Math.scalb(1.0, -mant), shape)),
                    dtype);
            if (minval == 0 && maxval == 1) {
                return unit;
            }
            lo = Np.full(dtype, minval, shape);
            Array hi = Np.full(dtype, maxval, shape);
            r = Lax.bind(Primitive.ADD, Lax.bind(Primitive.MUL, unit, Lax.bind(Primitive.SUB, hi, lo)), lo);
        } else if (dtype == DType.FLOAT32) {
            float min = (float) minval;
            float span = (float) maxval - min;
            Array mantissa =
                    Lax.bind(Primitive.SHIFT_RIGHT_LOGICAL, Threefry.bits(key, shape), Np.full(DType.UINT32, 9, shape));
            unit = Lax.bind(
                    Primitive.MUL, Lax.convert(mantissa, DType.FLOAT32), Np.full(DType.FLOAT32, 0x1p-23, shape));
            if (min == 0 && span == 1) {
                return unit;
            }
            lo = Np.full(DType.FLOAT32, min, shape);
            Array scaled = mul(Lax.convert(unit, DType.FLOAT64), f64(span, shape));
            r = Lax.convert(add(scaled, f64(min, shape)), DType.FLOAT32);
        } else {
            // 64 bits = high word, low word; the top 52 are hi·2^20 + (lo >>> 12), exact in float64
            Array[] words = Threefry.bits64(key, shape);
            Array high = mul(Lax.convert(words[0], DType.FLOAT64), f64(0x1p-32, shape));
            Array low = Lax.bind(Primitive.SHIFT_RIGHT_LOGICAL, words[1], Np.full(DType.UINT32, 12, shape));
            unit = add(high, mul(Lax.convert(low, DType.FLOAT64), f64(0x1p-52, shape)));
            double span = maxval - minval;
            if (minval == 0 && span == 1) {
                return unit;
            }
            lo = Np.full(DType.FLOAT64, minval, shape);
            r = fusedMultiplyAdd(unit, span, minval);
        }
        return Lax.bind(Primitive.MAX, lo, r);
    }

    /**
     * {@code a·b + c} rounded once, for float64 {@code a} in {@code [0, 1)} and constants {@code b},
     * {@code c}, from error-free transformations: Dekker's exact product {@code a·b = p + e} (with
     * Veltkamp's splitting) and Knuth's exact sum {@code p + c = s + t}, then {@code s + (t + e)}.
     * That last sum rounds twice, so in rare cases it can differ from a true FMA by an ulp; none of
     * 1.2 million samples over four ranges did when this was checked against JAX.
     */
    private static Array fusedMultiplyAdd(Array a, double b, double c) {
        int[] shape = a.shape();
        double bt = SPLITTER * b;
        double bh = bt - (bt - b);
        double bl = b - bh;
        Array at = mul(a, f64(SPLITTER, shape));
        Array ah = sub(at, sub(at, a));
        Array al = sub(a, ah);
        Array p = mul(a, f64(b, shape));
        Array e = add(
                add(add(sub(mul(ah, f64(bh, shape)), p), mul(ah, f64(bl, shape))), mul(al, f64(bh, shape))),
                mul(al, f64(bl, shape)));
        Array cs = f64(c, shape);
        Array s = add(p, cs);
        Array bb = sub(s, p);
        Array t = add(sub(p, sub(s, bb)), sub(cs, bb));
        return add(s, add(t, e));
    }

    /** 2^27 + 1: multiplying by it splits a double into two halves of at most 26 significant bits. */
    private static final double SPLITTER = 134217729.0;

    private static Array mulU32(Array x, long constant) {
        return Lax.bind(Primitive.MUL, x, Np.full(DType.UINT32, constant, x.shape()));
    }

    private static Array f64(double v, int[] shape) {
        return Np.full(DType.FLOAT64, v, shape);
    }

    private static Array add(Array a, Array b) {
        return Lax.bind(Primitive.ADD, a, b);
    }

    private static Array sub(Array a, Array b) {
        return Lax.bind(Primitive.SUB, a, b);
    }

    private static Array mul(Array a, Array b) {
        return Lax.bind(Primitive.MUL, a, b);
    }

    private static double sqrt2(DType dtype) {
        return dtype == DType.FLOAT32 ? (float) Math.sqrt(2) : Math.sqrt(2);
    }

    /**
     * XLA's float32 {@code erf} on CPU, a rational approximation (the one Eigen uses) evaluated with
     * FMAs; truncatedNormal needs it for its two bounds only, so it runs here in Java. (When JAX's
     * bounds are compile-time constants XLA folds them with a correctly rounded erf instead; JAX's
     * eager {@code truncated_normal} passes them as arguments, which this follows.)
     */
    static float erf(float x) {
        if (Math.abs(x) >= 3.832506856900711f) {
            return Math.copySign(1f, x);
        }
        float x2 = x * x;
        float p = Math.fma(x2, 0.00022905065861350646f, 0.0034082910107109506f);
        p = Math.fma(x2, p, 0.050955695062380861f);
        p = Math.fma(x2, p, 0.18520832239976145f);
        p = Math.fma(x2, p, 1.128379143519084f);
        p = x * p;
        float q = Math.fma(x2, -1.1791602954361697e-7f, 0.000023547966471313185f);
        q = Math.fma(x2, q, 0.0010179625278914885f);
        q = Math.fma(x2, q, 0.014070470171167667f);
        q = Math.fma(x2, q, 0.11098505178285362f);
        q = Math.fma(x2, q, 0.49746925110067538f);
        q = Math.fma(x2, q, 1.0f);
        return p / q;
    }

    // ---------------------------------------------------------------- checks

    private static void checkKey(String fn, Array key) {
        if (key.dtype() != DType.UINT32) {
            throw new DTypeException(fn + ": a key is a uint32 array of shape (2,), got dtype " + key.dtype()
                    + "; make one with Random.key(seed)");
        }
        if (!Arrays.equals(key.shape(), new int[] {2})) {
            throw new ShapeException(fn + ": a key has shape (2,), got " + Shape.toString(key.shape())
                    + "; for an array of keys from split, take one row (or vmap over them)");
        }
    }

    private static void checkFloat(String fn, DType dtype) {
        if (!dtype.isFloating()) {
            throw new DTypeException(fn + ": needs a float dtype, got " + dtype + "; use float32 or float64");
        }
    }

    private static int[] checkShape(String fn, int... shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new ShapeException(fn + ": shape " + Shape.toString(shape) + " has a negative dimension");
            }
        }
        return shape.clone();
    }

    // ---------------------------------------------------------------- discrete counts

    /** Poisson samples of rate {@code lam} as int32, as {@code jax.random.poisson(key, lam, shape)}. */
    public static Array poisson(Array key, Object lam, int... shape) {
        return poisson(key, lam, DType.INT32, shape);
    }

    /**
     * Poisson samples of rate {@code lam} (a number or an array broadcast against {@code shape}; an
     * empty shape means lam's shape) of an integer {@code dtype}, as {@code jax.random.poisson}: the
     * rates are rounded to float32, then Knuth's method runs below a rate of 10 and Hörmann's
     * transformed rejection above, with JAX's keys, so a key gives JAX's samples (to the rounding of
     * lgamma in a rejection test). A rate of 0 gives 0; NaN and negative rates are not checked.
     *
     * @throws DTypeException when {@code dtype} is not an integer type
     */
    public static Array poisson(Array key, Object lam, DType dtype, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        checkKey("poisson", key);
        if (!dtype.isInteger()) {
            throw new DTypeException("poisson: needs an integer dtype, got " + dtype + "; use int32 or int64");
        }
        Array p = Distributions.param("poisson", "lam", lam, DType.FLOAT32);
        Array l = Distributions.to(p, sized("poisson", shape, p));
        return DiscreteDistributions.poisson(key, l, dtype);
    }

    /** Binomial samples as float32, as {@code jax.random.binomial(key, n, p, shape)}. */
    public static Array binomial(Array key, Object n, Object p, int... shape) {
        return binomial(key, n, p, DType.FLOAT32, shape);
    }

    /**
     * Binomial samples with {@code n} trials of success probability {@code p} (numbers or arrays
     * broadcast against {@code shape}; an empty shape means their broadcast shape) of a float {@code
     * dtype}, as {@code jax.random.binomial}: geometric waiting times below a mean of 10 and
     * Hörmann's BTRS rejection above, in p's float dtype (float32 for a number), with JAX's keys.
     * NaN for a negative or NaN n or p below 0, inf for infinite n.
     *
     * @throws DTypeException when {@code dtype} is not a float type
     */
    public static Array binomial(Array key, Object n, Object p, DType dtype, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(n, "n");
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        checkKey("binomial", key);
        checkFloat("binomial", dtype);
        DType pt = p instanceof Array pa && pa.dtype().isFloating() ? pa.dtype() : DType.FLOAT32;
        Array pp = Distributions.param("binomial", "p", p, pt);
        Array nn = Distributions.param("binomial", "n", n, pt);
        int[] s = sized("binomial", shape, nn, pp);
        return DiscreteDistributions.binomial(key, Distributions.to(nn, s), Distributions.to(pp, s), dtype);
    }

    /** Multinomial counts as float32, as {@code jax.random.multinomial(key, n, p, shape=shape)}. */
    public static Array multinomial(Array key, Object n, Array p, int... shape) {
        return multinomial(key, n, p, DType.FLOAT32, shape);
    }

    /**
     * Counts of {@code n} trials over the categories of {@code p}'s last axis, as {@code
     * jax.random.multinomial}: {@code shape} (empty: p's shape) ends with the category axis, n
     * broadcasts against {@code shape[:-1]} and p against {@code shape}; one binomial per category,
     * with JAX's keys, so a key gives JAX's counts.
     *
     * @throws ShapeException when p has no axis, or n or p do not broadcast to the shape
     * @throws DTypeException when {@code dtype} is not a float type
     */
    public static Array multinomial(Array key, Object n, Array p, DType dtype, int... shape) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(n, "n");
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        checkKey("multinomial", key);
        checkFloat("multinomial", dtype);
        if (p.ndim() == 0) {
            throw new ShapeException("multinomial: p needs a last axis of category probabilities, got a 0-d array");
        }
        DType pt = Np.inexactType(n, p);
        int[] s = shape.length == 0 ? p.shape() : checkShape("multinomial", shape);
        int[] lead = Arrays.copyOf(s, s.length - 1);
        Array pp = Distributions.param("multinomial", "p", p, pt);
        Array nn = Distributions.param("multinomial", "n", n, pt);
        if (Shape.broadcast(pp.shape(), s) == null
                || !Arrays.equals(Shape.broadcast(pp.shape(), s), s)
                || Shape.broadcast(nn.shape(), lead) == null
                || !Arrays.equals(Shape.broadcast(nn.shape(), lead), lead)) {
            throw new ShapeException("multinomial: n " + Shape.toString(nn.shape()) + " must broadcast to "
                    + Shape.toString(lead) + " and p " + Shape.toString(pp.shape()) + " to " + Shape.toString(s)
                    + "; the shape ends with the category axis");
        }
        return DiscreteDistributions.multinomial(key, Distributions.to(nn, lead), Distributions.to(pp, s), dtype);
    }

    /**
     * The name of the random-number algorithm behind a key, as {@code jax.random.key_impl}: Kiln's
     * keys are always threefry2x32 key data (uint32, last axis 2).
     */
    public static String keyImpl(Array keys) {
        Objects.requireNonNull(keys, "keys");
        checkKeys("keyImpl", keys);
        return "threefry2x32";
    }
}
