package dev.kiln;

import dev.kiln.ir.Primitive;
import java.util.Objects;

/**
 * Neural-network functions in the spirit of {@code jax.nn}: activations, softmax and its relatives,
 * one-hot encoding, standardisation and scaled dot-product attention. Every function is a
 * composite of array primitives, so it is differentiable, batchable, jit-able and runs on every
 * backend; the numerically delicate ones use the stable forms and, where the plain derivative of
 * the formula would be wrong or unstable ({@link #relu} at 0, {@link #softmax}, {@link
 * #logaddexp}-based functions, {@link #log1mexp}), a derivative rule of their own.
 *
 * <p>Integer and bool inputs become float32 (as {@code jax.nn} promotes them), except for {@link
 * #relu} and {@link #relu6}, which keep integer dtypes like {@code jnp.maximum}.
 */
public final class Nn {
    private Nn() {}

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double SQRT_HALF = Math.sqrt(0.5);

    /** {@code x} in its float dtype, or float32 for integers and bool. */
    static Array inexact(Array x) {
        java.util.Objects.requireNonNull(x, "x");
        return x.dtype().isFloating() ? x : Lax.convert(x, DType.FLOAT32);
    }

    private static Array zeros(Array x) {
        return Np.zerosLike(x);
    }

    // ---------------------------------------------------------------- elementwise activations

    /** The identity: {@code x} itself. */
    public static Array identity(Array x) {
        return x;
    }

    /**
     * {@code max(x, 0)}, with derivative 0 at 0 (as {@code jax.nn.relu}: the subgradient that keeps
     * dead units dead); NaN stays NaN.
     */
    public static Array relu(Array x) {
        return Kiln.<Array, Array>customJvp(a -> Np.maximum(a, 0), (p, t) -> {
                    Array out = Np.maximum(p, 0);
                    return new Kiln.Jvp<>(out, Np.where(Np.greater(p, 0), t, zeros(t)));
                })
                .apply(x);
    }

    /**
     * {@code min(max(x, 0), 6.0)}, with derivative 1 only strictly inside (0, 6); the bound is a
     * weak float, so integer and bool arrays give float32, as {@code jax.nn.relu6}.
     */
    public static Array relu6(Array x) {
        return Kiln.<Array, Array>customJvp(a -> Np.minimum(Np.maximum(a, 0), 6.0), (p, t) -> {
                    Array out = Np.minimum(Np.maximum(p, 0), 6.0);
                    Array inside = Np.logicalAnd(Np.greater(p, 0), Np.less(p, 6));
                    return new Kiln.Jvp<>(out, Np.where(inside, t, zeros(t)));
                })
                .apply(x);
    }

    /** The logistic sigmoid {@code 1 / (1 + e^-x)}. */
    public static Array sigmoid(Array x) {
        return Np.sigmoid(x);
    }

    /** {@code tanh(x)}. */
    public static Array tanh(Array x) {
        return Np.tanh(x);
    }

    /** {@code log(1 + e^x)}, computed as {@code logaddexp(x, 0)}. */
    public static Array softplus(Array x) {
        Array a = inexact(x);
        return Np.logaddexp(a, zeros(a));
    }

    /** {@code x / (|x| + 1)}. */
    public static Array softSign(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Np.divide(a, Np.add(Np.abs(a), 1));
    }

    /** {@code x * sigmoid(x)} (SiLU, also called swish). */
    public static Array silu(Array x) {
        Array a = inexact(x);
        return Np.multiply(a, Np.sigmoid(a));
    }

    /** Same as {@link #silu}. */
    public static Array swish(Array x) {
        return silu(x);
    }

    /** {@code x * tanh(softplus(x))}. */
    public static Array mish(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Np.multiply(a, Np.tanh(softplus(a)));
    }

    /** {@code log(sigmoid(x))}, computed stably as {@code -softplus(-x)}. */
    public static Array logSigmoid(Array x) {
        Array a = inexact(x);
        return Np.negative(softplus(Np.negative(a)));
    }

    /** {@code x} for {@code x > 0}, else {@code alpha (e^x - 1)}; alpha 1. */
    public static Array elu(Array x) {
        Objects.requireNonNull(x, "x");
        return elu(x, 1.0);
    }

    /** {@code x} for {@code x > 0}, else {@code alpha (e^x - 1)}. */
    public static Array elu(Array x, double alpha) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        Array positive = Np.greater(a, 0);
        // the exponential only sees non-positive values, so neither it nor its derivative overflows
        Array negativePart = Np.multiply(Np.expm1(Np.where(positive, zeros(a), a)), alpha);
        return Np.where(positive, a, negativePart);
    }

    /** The scaled ELU, {@code scale * elu(x, alpha)} with the self-normalising constants. */
    public static Array selu(Array x) {
        double alpha = 1.6732632423543772848170429916717;
        double scale = 1.0507009873554804934193349852946;
        return Np.multiply(elu(x, alpha), scale);
    }

    /** {@code max(x, 0) + alpha * expm1(min(x, 0) / alpha)}; alpha 1. */
    public static Array celu(Array x) {
        Objects.requireNonNull(x, "x");
        return celu(x, 1.0);
    }

    /**
     * {@code max(x, 0) + alpha * expm1(min(x, 0) / alpha)}.
     *
     * @throws KilnException when alpha is 0
     */
    public static Array celu(Array x, double alpha) {
        Objects.requireNonNull(x, "x");
        if (alpha == 0) {
            throw new KilnException("celu: alpha must be non-zero (it divides x); pass alpha != 0");
        }
        Array a = inexact(x);
        return Np.add(Np.maximum(a, 0.0), Np.multiply(Np.expm1(Np.divide(Np.minimum(a, 0.0), alpha)), alpha));
    }

    /** {@code x} for {@code x >= 0}, else {@code 0.01 x}. */
    public static Array leakyRelu(Array x) {
        Objects.requireNonNull(x, "x");
        return leakyRelu(x, 1e-2);
    }

    /** {@code x} for {@code x >= 0}, else {@code negativeSlope * x}. */
    public static Array leakyRelu(Array x, double negativeSlope) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Np.where(Np.greaterEqual(a, 0), a, Np.multiply(a, negativeSlope));
    }

    /** {@code x} clipped to [-1, 1]. */
    public static Array hardTanh(Array x) {
        Array a = inexact(x);
        return Np.where(Np.greater(a, 1), Np.onesLike(a), Np.where(Np.less(a, -1), Np.fullLike(a, -1), a));
    }

    /** {@code relu6(x + 3) / 6}. */
    public static Array hardSigmoid(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Np.divide(relu6(Np.add(a, 3.0)), 6.0);
    }

    /** {@code x * hardSigmoid(x)}. */
    public static Array hardSilu(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        return Np.multiply(a, hardSigmoid(a));
    }

    /** Same as {@link #hardSilu}. */
    public static Array hardSwish(Array x) {
        return hardSilu(x);
    }

    /**
     * The Gaussian error linear unit in its tanh approximation, {@code x/2 (1 + tanh(sqrt(2/pi) (x
     * + 0.044715 x^3)))}, which is {@code jax.nn.gelu}'s default.
     */
    public static Array gelu(Array x) {
        Objects.requireNonNull(x, "x");
        return gelu(x, true);
    }

    /**
     * The Gaussian error linear unit: exact ({@code x/2 erfc(-x/sqrt 2)}) when {@code approximate}
     * is false, else the tanh approximation.
     */
    public static Array gelu(Array x, boolean approximate) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        if (approximate) {
            Array cube = Np.multiply(Np.multiply(a, a), a);
            Array inner = Np.multiply(Np.add(a, Np.multiply(cube, 0.044715)), SQRT_2_OVER_PI);
            return Np.multiply(a, Np.multiply(Np.add(Np.tanh(inner), 1.0), 0.5));
        }
        return Np.multiply(Np.multiply(a, 0.5), Special.erfc(Np.multiply(Np.negative(a), SQRT_HALF)));
    }

    /** {@code (x + sqrt(x^2 + 4)) / 2}. */
    public static Array squareplus(Array x) {
        Objects.requireNonNull(x, "x");
        return squareplus(x, 4);
    }

    /** {@code (x + sqrt(x^2 + b)) / 2}. */
    public static Array squareplus(Array x, double b) {
        Array a = inexact(x);
        return Np.divide(Np.add(a, Np.sqrt(Np.add(Np.multiply(a, a), b))), 2.0);
    }

    /** 0 for {@code x <= -1}, {@code x} for {@code x >= 1}, else {@code (x + 1)^2 / 4}. */
    public static Array sparsePlus(Array x) {
        Objects.requireNonNull(x, "x");
        Array a = inexact(x);
        Array quad = Np.divide(Np.square(Np.add(a, 1.0)), 4.0);
        return Np.where(Np.lessEqual(a, -1.0), zeros(a), Np.where(Np.greaterEqual(a, 1.0), a, quad));
    }

    /** {@code clip((x + 1) / 2, 0, 1)}. */
    public static Array sparseSigmoid(Array x) {
        Array a = inexact(x);
        return Np.multiply(Np.clip(Np.add(a, 1.0), 0.0, 2.0), 0.5);
    }

    /**
     * {@code log(1 - e^-x)} for {@code x >= 0}, stable on both sides of {@code log 2}, with
     * derivative {@code 1 / expm1(x)}.
     */
    public static Array log1mexp(Array x) {
        Objects.requireNonNull(x, "x");
        return Kiln.<Array, Array>customJvp(Nn::log1mexpValue, (p, t) -> {
                    Array out = log1mexpValue(p);
                    return new Kiln.Jvp<>(out, Np.divide(t, Np.expm1(p)));
                })
                .apply(inexact(x));
    }

    private static Array log1mexpValue(Array a) {
        Array small = Np.less(a, Math.log(2.0));
        Array nearZero = Np.log(Np.negative(Np.expm1(Np.negative(a))));
        Array large = Np.log1p(Np.negative(Np.exp(Np.negative(a))));
        return Np.where(small, nearZero, large);
    }

    /**
     * The gated linear unit: {@code x} split in halves along {@code axis}, the first times the
     * sigmoid of the second.
     *
     * @throws ShapeException when the axis has odd length
     */
    public static Array glu(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("glu", axis, x.ndim());
        int n = x.shape(a);
        if (n % 2 != 0) {
            throw new ShapeException("glu: axis " + axis + " has odd length " + n + " in shape "
                    + Shape.toString(x.shape()) + "; the gated axis must split into two equal halves");
        }
        Array v = inexact(x);
        Array first = Lax.sliceInDim(v, a, 0, n / 2);
        Array second = Lax.sliceInDim(v, a, n / 2, n);
        return Np.multiply(first, Np.sigmoid(second));
    }

    /** {@link #glu(Array, int)} along the last axis. */
    public static Array glu(Array x) {
        Objects.requireNonNull(x, "x");
        return glu(x, -1);
    }

    // ---------------------------------------------------------------- softmax family

    /** {@code log(sum(exp(x)))} over all elements, shifted by the maximum for stability. */
    public static Array logsumexp(Array x) {
        return Np.logSumExp(x);
    }

    /** {@link #logsumexp(Array)} along {@code axis}. */
    public static Array logsumexp(Array x, int axis) {
        return Np.logSumExp(x, axis);
    }

    /** {@link #logsumexp(Array)} over {@code axes} ({@code null} = all). */
    public static Array logsumexp(Array x, int[] axes, boolean keepdims) {
        return Np.logSumExp(x, axes, keepdims);
    }

    /**
     * {@code jax.nn.logsumexp(x, axes, b=b, keepdims=keepdims)}: {@code log(sum(b * exp(x)))} over
     * {@code axes} ({@code null} = all), {@code x} and {@code b} broadcast together; NaN where the
     * weighted sum is negative (use {@link #logsumexpWithSign} for its sign). Elements whose weight
     * is 0 are left out, so {@code b = 0} masks an infinite {@code x}. A null {@code b} is
     * {@link #logsumexp(Array, int[], boolean)}.
     *
     * @throws ShapeException when {@code x} and {@code b} do not broadcast together
     */
    public static Array logsumexp(Array x, int[] axes, boolean keepdims, Array b) {
        Objects.requireNonNull(x, "x");
        if (b == null) {
            return Np.logSumExp(x, axes, keepdims);
        }
        Array[] r = weightedLogSumExp("logsumexp", x, axes, keepdims, b);
        return Np.where(Np.less(r[1], 0), Double.NaN, r[0]);
    }

    /**
     * {@code jax.nn.logsumexp(x, axes, b=b, keepdims=keepdims, return_sign=True)}: {@code
     * {log|sum(b * exp(x))|, sign(sum(b * exp(x)))}}; {@code b} may be null (all ones).
     *
     * @throws ShapeException when {@code x} and {@code b} do not broadcast together
     */
    public static Array[] logsumexpWithSign(Array x, int[] axes, boolean keepdims, Array b) {
        Objects.requireNonNull(x, "x");
        return weightedLogSumExp("logsumexpWithSign", x, axes, keepdims, b);
    }

    private static Array[] weightedLogSumExp(String fn, Array x, int[] axes, boolean keepdims, Array b) {
        DType t = Np.inexactType(b == null ? new Object[] {x} : new Object[] {x, b});
        Array a = Np.astype(x, t);
        Array w = null;
        if (b != null) {
            int[] shape = Np.broadcastShapes(fn, a.shape(), b.shape());
            w = Np.broadcastTo(fn, Np.astype(b, t), shape);
            a = Np.where(Np.notEqual(w, 0), Np.broadcastTo(fn, a, shape), Double.NEGATIVE_INFINITY);
        }
        int[] ax = Reductions.axes(fn, a, axes);
        Array amax = Np.max(a, new ReduceOptions(ax, true, null, null, Double.NEGATIVE_INFINITY, 0));
        amax = Lax.stopGradient(Np.where(Np.isfinite(amax), amax, 0.0));
        Array e = Np.exp(Np.subtract(a, amax));
        if (w != null) {
            e = Np.multiply(e, w);
        }
        Array sum = Np.sum(e, ax, true);
        Array sign = Np.sign(sum);
        Array out = Np.add(Np.log(Np.abs(sum)), amax);
        if (!keepdims) {
            out = Np.squeeze(out, ax);
            sign = Np.squeeze(sign, ax);
        }
        return new Array[] {out, sign};
    }

    /** {@code logsumexp(x) - log(n)} over {@code axes} ({@code null} = all), n the count reduced. */
    public static Array logmeanexp(Array x, int[] axes, boolean keepdims) {
        int[] ax = Reductions.axes("logmeanexp", x, axes);
        long n = 1;
        for (int a : ax) {
            n *= x.shape(a);
        }
        return Np.subtract(Np.logSumExp(x, axes, keepdims), Math.log((double) n));
    }

    /** {@link #logmeanexp(Array, int[], boolean)} over all elements. */
    public static Array logmeanexp(Array x) {
        Objects.requireNonNull(x, "x");
        return logmeanexp(x, null, false);
    }

    /** The softmax along the last axis. */
    public static Array softmax(Array x) {
        Objects.requireNonNull(x, "x");
        return softmax(x, -1);
    }

    /**
     * {@code exp(x - max) / sum(exp(x - max))} along {@code axis}, with the derivative {@code y (t -
     * sum(y t))} (so entries masked with -inf have zero derivative, and a row holding +inf is NaN as
     * in JAX).
     */
    public static Array softmax(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return softmax(x, new int[] {axis});
    }

    /** The softmax over several axes at once. */
    public static Array softmax(Array x, int[] axes) {
        Objects.requireNonNull(x, "x");
        int[] ax = Reductions.axes("softmax", x, axes);
        if (x.size() == 0) {
            return inexact(x); // as jax.nn.softmax: an empty input gives an empty output
        }
        return Kiln.<Array, Array>customJvp(a -> softmaxValue(a, ax), (p, t) -> {
                    Array y = softmaxValue(p, ax);
                    Array dot = Np.sum(Np.multiply(y, t), ax, true);
                    return new Kiln.Jvp<>(y, Np.multiply(y, Np.subtract(t, dot)));
                })
                .apply(inexact(x));
    }

    private static Array softmaxValue(Array a, int[] ax) {
        Array max = Np.max(a, ax, true);
        Array e = Np.exp(Np.subtract(a, max));
        return Np.divide(e, Np.sum(e, ax, true));
    }

    /** The log of the softmax along the last axis. */
    public static Array logSoftmax(Array x) {
        Objects.requireNonNull(x, "x");
        return logSoftmax(x, -1);
    }

    /** {@code x - max - log(sum(exp(x - max)))} along {@code axis}, the maximum held constant. */
    public static Array logSoftmax(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        return logSoftmax(x, new int[] {axis});
    }

    /** The log-softmax over several axes at once. */
    public static Array logSoftmax(Array x, int[] axes) {
        Objects.requireNonNull(x, "x");
        int[] ax = Reductions.axes("logSoftmax", x, axes);
        Array a = inexact(x);
        if (a.size() == 0) {
            return a; // as jax.nn.log_softmax: an empty input gives an empty output
        }
        Array shifted = Np.subtract(a, Kiln.stopGradient(Np.max(a, ax, true)));
        return Np.subtract(shifted, Np.log(Np.sum(Np.exp(shifted), ax, true)));
    }

    /**
     * {@code (x - mean) / sqrt(var + epsilon)} along {@code axis} (epsilon 1e-5), with the variance
     * as {@code mean(x^2) - mean(x)^2} clipped at 0, as {@code jax.nn.standardize} computes it.
     */
    public static Array standardize(Array x, int axis) {
        return standardize(x, new int[] {axis}, 1e-5);
    }

    /** {@link #standardize(Array, int)} along the last axis. */
    public static Array standardize(Array x) {
        Objects.requireNonNull(x, "x");
        return standardize(x, -1);
    }

    /** {@link #standardize(Array, int)} over {@code axes} ({@code null} = all) with {@code epsilon}. */
    public static Array standardize(Array x, int[] axes, double epsilon) {
        Objects.requireNonNull(x, "x");
        Reductions.axes("standardize", x, axes);
        Array a = inexact(x);
        Array mean = Np.mean(a, axes, true);
        Array variance = Np.subtract(Np.mean(Np.square(a), axes, true), Np.square(mean));
        variance = Np.maximum(variance, 0);
        return Np.multiply(Np.subtract(a, mean), Np.rsqrt(Np.add(variance, epsilon)));
    }

    /**
     * A one-hot encoding (float32) with the new axis of length {@code numClasses} last; indices out
     * of {@code [0, numClasses)} give all-zero rows.
     */
    public static Array oneHot(Array x, int numClasses) {
        Objects.requireNonNull(x, "x");
        return oneHot(x, numClasses, -1, DType.FLOAT32);
    }

    /**
     * A one-hot encoding of {@code dtype} whose new axis of length {@code numClasses} is at {@code
     * axis} of the result (negative counts from the end).
     *
     * @throws AxisException when axis is outside the result's rank
     * @throws DTypeException when x is not an integer array
     */
    public static Array oneHot(Array x, int numClasses, int axis, DType dtype) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(dtype, "dtype");
        // float indices are accepted as jax.nn.one_hot does: a row is hot where x equals its class
        // exactly, so 1.5 or NaN give an all-zero row
        if (numClasses < 0) {
            throw new KilnException("oneHot: numClasses must be >= 0, got " + numClasses);
        }
        int rank = x.ndim() + 1;
        int a = Shape.axis("oneHot", axis, rank);
        int[] shape = new int[rank];
        int[] dims = new int[x.ndim()];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i == a) {
                shape[i] = numClasses;
            } else {
                shape[i] = x.shape(j);
                dims[j++] = i;
            }
        }
        Array idx = x.dtype() == DType.BOOL ? Lax.convert(x, DType.INT32) : x;
        Array expanded = Lax.broadcastInDim(idx, shape, dims);
        Array iota = Lax.iota(idx.dtype(), shape, a);
        return Lax.convert(Lax.bind(Primitive.EQ, expanded, iota), dtype);
    }

    // ---------------------------------------------------------------- attention

    /**
     * Scaled dot-product attention as {@code jax.nn.dot_product_attention}: {@code query} is
     * {@code [B, T, N, H]} (or {@code [T, N, H]}), {@code key} and {@code value} {@code [B, S, K, H]}
     * with {@code N} a multiple of {@code K} (grouped-query attention); the result has the query's
     * shape. Logits are {@code q.k * scale} (scale {@code 1/sqrt(H)} when null), in at least
     * float32; {@code bias} ({@code [B, N, T, S]}, broadcastable) is added; where {@code mask}
     * (bool, broadcastable to {@code [B, N, T, S]}) is false, or above the diagonal when {@code
     * isCausal}, the logit becomes a large negative number; the softmax over S runs in float32.
     *
     * @throws ShapeException for inconsistent shapes
     */
    public static Array dotProductAttention(
            Array query, Array key, Array value, Array bias, Array mask, boolean isCausal, Double scale) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        String fn = "dotProductAttention";
        int rank = query.ndim();
        if (rank != 3 && rank != 4 || key.ndim() != rank || value.ndim() != rank) {
            throw new ShapeException(fn + ": query, key and value must all be rank 3 [T, N, H] or rank 4 [B, T, N, H],"
                    + " got " + Shape.toString(query.shape()) + ", " + Shape.toString(key.shape()) + ", "
                    + Shape.toString(value.shape()));
        }
        int[] outShape = query.shape();
        Array q = rank == 3 ? Np.expandDims(query, 0) : query;
        Array k = rank == 3 ? Np.expandDims(key, 0) : key;
        Array v = rank == 3 ? Np.expandDims(value, 0) : value;
        int b = q.shape(0), t = q.shape(1), n = q.shape(2), h = q.shape(3);
        int s = k.shape(1), kh = k.shape(2);
        if (k.shape(0) != b
                || v.shape(0) != b
                || k.shape(3) != h
                || !java.util.Arrays.equals(k.shape(), v.shape())
                || kh == 0
                || n % kh != 0) {
            throw new ShapeException(fn + ": expected query [B, T, N, H] and key = value [B, S, K, H] with N a"
                    + " multiple of K, got query " + Shape.toString(query.shape()) + ", key "
                    + Shape.toString(key.shape()) + ", value " + Shape.toString(value.shape()));
        }
        if (bias != null && bias.ndim() == 3 && rank == 3) {
            bias = Np.expandDims(bias, 0);
        }
        if (mask != null && mask.ndim() == 3 && rank == 3) {
            mask = Np.expandDims(mask, 0);
        }
        int g = n / kh;
        DType logitType = DType.promote(query.dtype(), DType.FLOAT32);
        // [B, T, K, G, H] x [B, S, K, H] -> [B, K, G, T, S]
        Array qg = Np.reshape(q, b, t, kh, g, h);
        Array logits = Np.einsum("btkgh,bskh->bkgts", Lax.convert(qg, logitType), Lax.convert(k, logitType));
        logits = Np.reshape(logits, b, n, t, s);
        double sc = scale == null ? 1 / Math.sqrt(h) : scale;
        logits = Np.multiply(logits, sc);
        if (bias != null) {
            logits = Lax.convert(Np.add(logits, Np.broadcastTo(bias, b, n, t, s)), logitType);
        }
        Array keep = null;
        if (mask != null) {
            if (mask.dtype() != DType.BOOL) {
                throw new DTypeException(fn + ": mask must be bool, got " + mask.dtype());
            }
            keep = Np.broadcastTo(mask, b, n, t, s);
        }
        if (isCausal) {
            Array rows = Lax.iota(DType.INT32, new int[] {b, n, t, s}, 2);
            Array cols = Lax.iota(DType.INT32, new int[] {b, n, t, s}, 3);
            Array causal = Np.lessEqual(cols, rows);
            keep = keep == null ? causal : Np.logicalAnd(keep, causal);
        }
        if (keep != null) {
            double big =
                    -0.7 * Math.min(logitType == DType.FLOAT64 ? Double.MAX_VALUE : Float.MAX_VALUE, Float.MAX_VALUE);
            logits = Np.where(keep, logits, Np.fullLike(logits, big));
        }
        Array probs = Lax.convert(softmax(Lax.convert(logits, DType.FLOAT32), -1), key.dtype());
        // [B, K, G, T, S] x [B, S, K, H] -> [B, T, K, G, H]
        Array pg = Np.reshape(probs, b, kh, g, t, s);
        Array encoded = Np.einsum("bkgts,bskh->btkgh", pg, v);
        return Np.reshape(encoded, outShape);
    }

    /** {@link #dotProductAttention(Array, Array, Array, Array, Array, boolean, Double)} without bias or mask. */
    public static Array dotProductAttention(Array query, Array key, Array value, boolean isCausal) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return dotProductAttention(query, key, value, null, null, isCausal, null);
    }
}
