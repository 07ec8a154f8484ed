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
 * two candidates tie to within an ulp.
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
        double lo = dtype == DType.FLOAT32 ? Math.nextUp(-1.0f) : Math.nextUp(-1.0);
        Array u = uniformIn(key, dtype, lo, 1, s);
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
        double tiny = d == DType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
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
        if (dtype == DType.FLOAT32) {
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
}
