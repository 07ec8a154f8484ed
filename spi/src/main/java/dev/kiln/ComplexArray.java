package dev.kiln;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A complex array ({@code complex64} or {@code complex128}) held as its real and imaginary parts,
 * two real arrays of the same shape and dtype ({@code float32} or {@code float64}).
 *
 * <p>Kiln's backends know only real dtypes, so every complex operation here is written with real
 * primitives on the two parts. Because this is a record, a complex array is a tree of two leaves:
 * it passes through {@link Kiln#jit}, {@link Kiln#vmap}, {@link Kiln#jvp} and {@link Kiln#vjp} as
 * any record does, and {@link Kiln#grad} of a real-valued function of a complex input returns JAX's
 * convention, the conjugate {@code df/dx - i df/dy} (see {@link #conjugateGradients}).
 *
 * <p>Binary operations take another {@code ComplexArray}, a real {@link Array} or a Java number.
 * Promotion is JAX's: a {@code float64} array meets {@code complex64} at {@code complex128}, an
 * integer or {@code float32} array keeps {@code complex64}, and a Java scalar keeps the array's
 * precision.
 */
public record ComplexArray(Array real, Array imag) {
    public ComplexArray {
        Objects.requireNonNull(real, "real");
        Objects.requireNonNull(imag, "imag");
        if (!real.dtype().isFloating() || real.dtype() != imag.dtype()) {
            throw new DTypeException("ComplexArray: the real and imaginary parts need one float dtype (float32 for"
                    + " complex64, float64 for complex128), got " + real.dtype() + " and " + imag.dtype()
                    + "; use ComplexArray.of, which converts them");
        }
        if (!Arrays.equals(real.shape(), imag.shape())) {
            throw new ShapeException("ComplexArray: the real and imaginary parts need one shape, got "
                    + Shape.toString(real.shape()) + " and " + Shape.toString(imag.shape())
                    + "; use ComplexArray.of, which broadcasts them");
        }
    }

    // ---------------------------------------------------------------- creation

    /**
     * {@code re + i*im} as {@code lax.complex}: the parts are broadcast together and promoted to one
     * float dtype (integers and bool become float32).
     */
    public static ComplexArray of(Array re, Array im) {
        Objects.requireNonNull(re, "re");
        Objects.requireNonNull(im, "im");
        DType t = DType.promote(Nn.inexact(re).dtype(), Nn.inexact(im).dtype());
        int[] shape = broadcast("ComplexArray.of", re.shape(), im.shape());
        return new ComplexArray(Np.broadcastTo(Np.astype(re, t), shape), Np.broadcastTo(Np.astype(im, t), shape));
    }

    /** A real array as a complex one with zero imaginary part (integers and bool become complex64). */
    public static ComplexArray fromReal(Array x) {
        Array r = Nn.inexact(Objects.requireNonNull(x, "x"));
        return new ComplexArray(r, Np.zerosLike(r));
    }

    /**
     * An array from interleaved parts {@code re0, im0, re1, im1, …} in row-major order; {@code
     * partDtype} is float32 for complex64 and float64 for complex128.
     */
    public static ComplexArray array(double[] interleaved, DType partDtype, int... shape) {
        Objects.requireNonNull(interleaved, "interleaved");
        Objects.requireNonNull(partDtype, "partDtype");
        Objects.requireNonNull(shape, "shape");
        if (!partDtype.isFloating()) {
            throw new DTypeException("ComplexArray.array: the part dtype must be float32 (complex64) or float64"
                    + " (complex128), got " + partDtype);
        }
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (interleaved.length != 2 * n) {
            throw new ShapeException("ComplexArray.array: shape " + Shape.toString(shape) + " needs " + 2 * n
                    + " interleaved values (real, imaginary per element), got " + interleaved.length);
        }
        double[] re = new double[(int) n];
        double[] im = new double[(int) n];
        for (int i = 0; i < n; i++) {
            re[i] = interleaved[2 * i];
            im[i] = interleaved[2 * i + 1];
        }
        return new ComplexArray(
                Np.reshape(Np.astype(Np.array(re, shape), partDtype), shape),
                Np.reshape(Np.astype(Np.array(im, shape), partDtype), shape));
    }

    /** A complex64 array from interleaved parts. */
    public static ComplexArray complex64(double[] interleaved, int... shape) {
        return array(interleaved, DType.FLOAT32, shape);
    }

    /** A complex128 array from interleaved parts. */
    public static ComplexArray complex128(double[] interleaved, int... shape) {
        return array(interleaved, DType.FLOAT64, shape);
    }

    /** A 0-d complex array {@code re + i*im} with float32 (complex64) or float64 (complex128) parts. */
    public static ComplexArray scalar(double re, double im, DType partDtype) {
        return array(new double[] {re, im}, partDtype);
    }

    // ---------------------------------------------------------------- description

    /** {@code "complex64"} or {@code "complex128"}, the JAX dtype name. */
    public String dtypeName() {
        return real.dtype() == DType.FLOAT64 ? "complex128" : "complex64";
    }

    /** The dtype of each part: float32 for complex64, float64 for complex128. */
    public DType partDtype() {
        return real.dtype();
    }

    public int[] shape() {
        return real.shape();
    }

    public int ndim() {
        return real.ndim();
    }

    public int size() {
        return real.size();
    }

    /** The values as {@code re0, im0, re1, im1, …} in row-major order. */
    public double[] toInterleaved() {
        double[] re = real.toDoubleArray();
        double[] im = imag.toDoubleArray();
        double[] out = new double[2 * re.length];
        for (int i = 0; i < re.length; i++) {
            out[2 * i] = re[i];
            out[2 * i + 1] = im[i];
        }
        return out;
    }

    /** Printed as JAX prints complex arrays, such as {@code Array([1.+2.j, 3.5-1.j], dtype=complex64)}. */
    @Override
    public String toString() {
        if (real.isTraced() || imag.isTraced()) {
            return "ComplexArray(traced " + dtypeName() + Shape.toString(shape()) + ")";
        }
        return ComplexPrinter.print(real.toHost(), imag.toHost(), dtypeName());
    }

    // ---------------------------------------------------------------- operands and promotion

    /** {@code x} as a complex array of part dtype {@code t}, broadcast later. */
    private static ComplexArray lift(Object x, DType t) {
        if (x instanceof ComplexArray c) {
            return c.partDtype() == t ? c : new ComplexArray(Np.astype(c.real, t), Np.astype(c.imag, t));
        }
        if (x instanceof Array a) {
            Array r = Np.astype(a, t);
            return new ComplexArray(r, Np.zerosLike(r));
        }
        if (x instanceof Number n) {
            Array r = Np.full(t, n.doubleValue());
            return new ComplexArray(r, Np.zerosLike(r));
        }
        throw new DTypeException("ComplexArray: an operand must be a ComplexArray, an Array or a Java number, got "
                + (x == null ? "null" : x.getClass().getSimpleName()));
    }

    /** The part dtype two operands meet at, as {@code jnp.promote_types} with a complex side. */
    private static DType partType(Object a, Object b) {
        return DType.promote(partOf(a), partOf(b));
    }

    private static DType partOf(Object x) {
        if (x instanceof ComplexArray c) {
            return c.partDtype();
        }
        if (x instanceof Array a && a.dtype() == DType.FLOAT64) {
            return DType.FLOAT64;
        }
        return DType.FLOAT32; // integers, float32 and weak Java scalars keep complex64
    }

    private static ComplexArray[] pair(String fn, Object a, Object b) {
        DType t = partType(a, b);
        ComplexArray x = lift(a, t);
        ComplexArray y = lift(b, t);
        int[] shape = broadcast(fn, x.shape(), y.shape());
        return new ComplexArray[] {x.broadcastTo(shape), y.broadcastTo(shape)};
    }

    private static int[] broadcast(String fn, int[] a, int[] b) {
        int[] s = Shape.broadcast(a, b);
        if (s == null) {
            throw new ShapeException(fn + ": shapes " + Shape.toString(a) + " and " + Shape.toString(b)
                    + " do not broadcast; each pair of dimensions (from the right) must be equal or contain a 1");
        }
        return s;
    }

    // ---------------------------------------------------------------- arithmetic

    public ComplexArray add(Object other) {
        ComplexArray[] p = pair("ComplexArray.add", this, other);
        return new ComplexArray(Np.add(p[0].real, p[1].real), Np.add(p[0].imag, p[1].imag));
    }

    public ComplexArray subtract(Object other) {
        ComplexArray[] p = pair("ComplexArray.subtract", this, other);
        return new ComplexArray(Np.subtract(p[0].real, p[1].real), Np.subtract(p[0].imag, p[1].imag));
    }

    public ComplexArray multiply(Object other) {
        ComplexArray[] p = pair("ComplexArray.multiply", this, other);
        Array a = p[0].real, b = p[0].imag, c = p[1].real, d = p[1].imag;
        return new ComplexArray(
                Np.subtract(Np.multiply(a, c), Np.multiply(b, d)), Np.add(Np.multiply(a, d), Np.multiply(b, c)));
    }

    /**
     * {@code this / other} by Smith's scaling (divide by the larger of the divisor's parts first), so
     * that neither a large divisor overflows nor a small one underflows the intermediate {@code
     * c*c + d*d}.
     */
    public ComplexArray divide(Object other) {
        ComplexArray[] p = pair("ComplexArray.divide", this, other);
        Array a = p[0].real, b = p[0].imag, c = p[1].real, d = p[1].imag;
        Array cBig = Np.greaterEqual(Np.abs(c), Np.abs(d));
        // each branch sees safe operands where the other is chosen (1 for the divisor it scales
        // by), so that an unchosen division by zero puts no nan into the gradient
        Array one = Np.onesLike(c);
        Array zero = Np.zerosLike(c);
        // |c| >= |d|: r = d/c, den = c + d r, ((a + b r), (b - a r)) / den
        Array c1 = Np.where(cBig, c, one);
        Array d1 = Np.where(cBig, d, zero);
        Array r1 = Np.divide(d1, c1);
        Array den1 = Np.add(c1, Np.multiply(d1, r1));
        Array re1 = Np.divide(Np.add(a, Np.multiply(b, r1)), den1);
        Array im1 = Np.divide(Np.subtract(b, Np.multiply(a, r1)), den1);
        // |d| > |c|: r = c/d, den = c r + d, ((a r + b), (b r - a)) / den
        Array c2 = Np.where(cBig, zero, c);
        Array d2 = Np.where(cBig, one, d);
        Array r2 = Np.divide(c2, d2);
        Array den2 = Np.add(Np.multiply(c2, r2), d2);
        Array re2 = Np.divide(Np.add(Np.multiply(a, r2), b), den2);
        Array im2 = Np.divide(Np.subtract(Np.multiply(b, r2), a), den2);
        Array re = Np.where(cBig, re1, re2);
        Array im = Np.where(cBig, im1, im2);
        // the recovered values are infinities and zeros, constant where they are chosen; their
        // inputs are cut from the gradient so that inf * 0 in unchosen elements gives no nan
        a = Lax.stopGradient(a);
        b = Lax.stopGradient(b);
        c = Lax.stopGradient(c);
        d = Lax.stopGradient(d);
        // where that gives nan + nan i, recover infinities and zeros as C99 (Annex G) and XLA do:
        Array nan = Np.logicalAnd(Np.isnan(re), Np.isnan(im));
        Array zeroT = zero;
        Array posInf = Np.full(a.dtype(), Double.POSITIVE_INFINITY);
        // a zero divisor and a numerator that is not nan: infinities, signed by the divisor
        Array zeroDen = Np.logicalAnd(
                Np.logicalAnd(Np.equal(c, 0), Np.equal(d, 0)),
                Np.logicalOr(Np.logicalNot(Np.isnan(a)), Np.logicalNot(Np.isnan(b))));
        Array inf = Np.copysign(posInf, c);
        Array reZero = Np.multiply(inf, a);
        Array imZero = Np.multiply(inf, b);
        // an infinite numerator over a finite divisor: infinity in the direction of the quotient
        Array infNum =
                Np.logicalAnd(Np.logicalOr(Np.isinf(a), Np.isinf(b)), Np.logicalAnd(Np.isfinite(c), Np.isfinite(d)));
        Array a1 = Np.copysign(Np.where(Np.isinf(a), one, zeroT), a);
        Array b1 = Np.copysign(Np.where(Np.isinf(b), one, zeroT), b);
        Array reInf = Np.multiply(posInf, Np.add(Np.multiply(a1, c), Np.multiply(b1, d)));
        Array imInf = Np.multiply(posInf, Np.subtract(Np.multiply(b1, c), Np.multiply(a1, d)));
        // a finite numerator over an infinite divisor: zero in the direction of the quotient
        Array infDen =
                Np.logicalAnd(Np.logicalOr(Np.isinf(c), Np.isinf(d)), Np.logicalAnd(Np.isfinite(a), Np.isfinite(b)));
        Array cInf = Np.copysign(Np.where(Np.isinf(c), one, zeroT), c);
        Array dInf = Np.copysign(Np.where(Np.isinf(d), one, zeroT), d);
        Array reDen = Np.multiply(zeroT, Np.add(Np.multiply(a, cInf), Np.multiply(b, dInf)));
        Array imDen = Np.multiply(zeroT, Np.subtract(Np.multiply(b, cInf), Np.multiply(a, dInf)));
        Array notZeroDen = Np.logicalAnd(nan, Np.logicalNot(zeroDen));
        Array useZero = Np.logicalAnd(nan, zeroDen);
        Array useInf = Np.logicalAnd(notZeroDen, infNum);
        Array useDen = Np.logicalAnd(notZeroDen, Np.logicalAnd(Np.logicalNot(infNum), infDen));
        re = Np.where(useZero, reZero, Np.where(useInf, reInf, Np.where(useDen, reDen, re)));
        im = Np.where(useZero, imZero, Np.where(useInf, imInf, Np.where(useDen, imDen, im)));
        return new ComplexArray(re, im);
    }

    public ComplexArray negative() {
        return new ComplexArray(Np.negative(real), Np.negative(imag));
    }

    /** The complex conjugate {@code re - i*im}. */
    public ComplexArray conj() {
        return new ComplexArray(real, Np.negative(imag));
    }

    /** {@code |z|}, computed as {@code hypot(re, im)} so it neither overflows nor underflows early. */
    public Array abs() {
        // as XLA: a nan part makes the modulus nan even when the other part is infinite
        Array nan = Np.logicalOr(Np.isnan(real), Np.isnan(imag));
        return Np.where(nan, Np.full(real.dtype(), Double.NaN), Np.hypot(real, imag));
    }

    /** The argument {@code atan2(im, re)}, in {@code [-pi, pi]}, with the sign of a zero imaginary part. */
    public Array angle() {
        return Np.arctan2(imag, real);
    }

    public ComplexArray square() {
        // (re - im)(re + im) keeps an infinite real part infinite where re*re - im*im gives inf - inf
        Array re = Np.multiply(Np.subtract(real, imag), Np.add(real, imag));
        return new ComplexArray(re, Np.multiply(Np.multiply(real, imag), 2.0));
    }

    public ComplexArray reciprocal() {
        return lift(1.0, partDtype()).broadcastTo(shape()).divide(this);
    }

    /** {@code e^re (cos im + i sin im)}; a zero imaginary part stays exactly zero (so {@code exp(inf)} is {@code inf}). */
    public ComplexArray exp() {
        Array e = Np.exp(real);
        Array zeroIm = Np.equal(imag, 0);
        return new ComplexArray(
                Np.where(zeroIm, e, Np.multiply(e, Np.cos(imag))),
                Np.where(zeroIm, imag, Np.multiply(e, Np.sin(imag))));
    }

    /** The principal logarithm {@code log|z| + i angle(z)}; the cut lies along the negative reals. */
    public ComplexArray log() {
        return new ComplexArray(Np.log(abs()), angle());
    }

    /**
     * The principal square root, with non-negative real part: {@code t = sqrt((|re| + |z|) / 2)}, then
     * {@code (t, im / 2t)} for {@code re >= 0} and {@code (|im| / 2t, ±t)} otherwise.
     */
    public ComplexArray sqrt() {
        Array t = Np.sqrt(Np.multiply(Np.add(Np.abs(real), abs()), 0.5));
        Array twoT = Np.multiply(t, 2.0);
        Array nonNeg = Np.greaterEqual(real, 0);
        Array re = Np.where(nonNeg, t, Np.divide(Np.abs(imag), twoT));
        // as XLA, a negative zero imaginary part counts as non-negative: sqrt(-4 - 0i) = 2i
        Array im = Np.where(nonNeg, Np.divide(imag, twoT), Np.where(Np.less(imag, 0), Np.negative(t), t));
        Array zero = Np.equal(t, 0);
        re = Np.where(zero, Np.zerosLike(t), re);
        im = Np.where(zero, imag, im);
        // an infinite imaginary part gives (inf, im) for any real part but nan
        Array infIm = Np.logicalAnd(Np.isinf(imag), Np.logicalNot(Np.isnan(real)));
        return new ComplexArray(Np.where(infIm, Np.abs(imag), re), Np.where(infIm, imag, im));
    }

    /** {@code z^n} for an integer exponent, by repeated squaring (exact for small powers, as {@code lax.integer_pow}). */
    public ComplexArray power(int n) {
        if (n == 0) {
            return lift(1.0, partDtype()).broadcastTo(shape());
        }
        ComplexArray result = null;
        ComplexArray base = this;
        long e = Math.abs((long) n);
        while (e > 0) {
            if ((e & 1) != 0) {
                result = result == null ? base : result.multiply(base);
            }
            e >>= 1;
            if (e > 0) {
                base = base.multiply(base);
            }
        }
        return n < 0 ? result.reciprocal() : result;
    }

    /** {@code exp(w log z)} for a complex, real-array or real-scalar exponent. */
    public ComplexArray power(Object exponent) {
        if (exponent instanceof Integer i) {
            return power(i.intValue());
        }
        ComplexArray[] p = pair("ComplexArray.power", this, exponent);
        return p[0].log().multiply(p[1]).exp();
    }

    /** {@code sin x cosh y + i cos x sinh y}. */
    public ComplexArray sin() {
        // a zero real part gives a zero real result even when cosh(im) is infinite
        Array re = Np.where(Np.equal(real, 0), real, Np.multiply(Np.sin(real), Np.cosh(imag)));
        return new ComplexArray(re, Np.multiply(Np.cos(real), Np.sinh(imag)));
    }

    /** {@code cos x cosh y - i sin x sinh y}. */
    public ComplexArray cos() {
        Array im = Np.negative(Np.multiply(Np.sin(real), Np.sinh(imag)));
        return new ComplexArray(
                Np.multiply(Np.cos(real), Np.cosh(imag)), Np.where(Np.equal(real, 0), Np.negative(real), im));
    }

    /**
     * {@code (sinh 2x + i sin 2y) / (cosh 2x + cos 2y)}; where {@code cosh 2x} would overflow the
     * result is {@code ±1 + 0i} (with the sign of the imaginary part kept).
     */
    public ComplexArray tanh() {
        Array x2 = Np.multiply(real, 2.0);
        Array y2 = Np.multiply(imag, 2.0);
        Array den = Np.add(Np.cosh(x2), Np.cos(y2));
        double limit = partDtype() == DType.FLOAT64 ? 350 : 40;
        Array big = Np.logicalAnd(Np.greater(Np.abs(real), limit), Np.logicalOr(Np.isfinite(imag), Np.isinf(real)));
        Array re = Np.where(big, Np.sign(real), Np.divide(Np.sinh(x2), den));
        Array im = Np.where(big, Np.zerosLike(real), Np.divide(Np.sin(y2), den));
        im = Np.where(Np.equal(imag, 0), imag, im); // tanh of a real number, nan included, is real
        return new ComplexArray(re, im);
    }

    // ---------------------------------------------------------------- predicates

    /** Whether either part is nan. */
    public Array isnan() {
        return Np.logicalOr(Np.isnan(real), Np.isnan(imag));
    }

    /** Whether either part is infinite. */
    public Array isinf() {
        return Np.logicalOr(Np.isinf(real), Np.isinf(imag));
    }

    /** Whether both parts are finite. */
    public Array isfinite() {
        return Np.logicalAnd(Np.isfinite(real), Np.isfinite(imag));
    }

    public Array equal(Object other) {
        ComplexArray[] p = pair("ComplexArray.equal", this, other);
        return Np.logicalAnd(Np.equal(p[0].real, p[1].real), Np.equal(p[0].imag, p[1].imag));
    }

    public Array notEqual(Object other) {
        return Np.logicalNot(equal(other));
    }

    // ---------------------------------------------------------------- reductions

    public ComplexArray sum() {
        return new ComplexArray(Np.sum(real), Np.sum(imag));
    }

    public ComplexArray sum(int[] axes, boolean keepdims) {
        return new ComplexArray(Np.sum(real, axes, keepdims), Np.sum(imag, axes, keepdims));
    }

    public ComplexArray sum(int axis) {
        return sum(new int[] {axis}, false);
    }

    public ComplexArray mean() {
        return new ComplexArray(Np.mean(real), Np.mean(imag));
    }

    public ComplexArray mean(int[] axes, boolean keepdims) {
        return new ComplexArray(Np.mean(real, axes, keepdims), Np.mean(imag, axes, keepdims));
    }

    public ComplexArray cumsum(int axis) {
        return new ComplexArray(Np.cumsum(real, axis), Np.cumsum(imag, axis));
    }

    /** The product of all elements, by pairwise complex multiplication. */
    public ComplexArray prod() {
        return reshape(size()).prod(0);
    }

    /** The product along one axis, by halving: the two halves multiplied until one element is left. */
    public ComplexArray prod(int axis) {
        int ax = Shape.axis("ComplexArray.prod", axis, ndim());
        ComplexArray x = moveaxis(ax, 0);
        int n = x.shape()[0];
        if (n == 0) {
            int[] s = Arrays.copyOfRange(x.shape(), 1, x.ndim());
            return lift(1.0, partDtype()).broadcastTo(s);
        }
        while (n > 1) {
            int half = n / 2;
            ComplexArray lo = x.sliceAxis0(0, half);
            ComplexArray hi = x.sliceAxis0(half, 2 * half);
            ComplexArray m = lo.multiply(hi);
            x = n % 2 == 0 ? m : concatenate(List.of(m, x.sliceAxis0(2 * half, n)), 0);
            n = x.shape()[0];
        }
        return x.reshape(Arrays.copyOfRange(x.shape(), 1, x.ndim()));
    }

    private ComplexArray sliceAxis0(int start, int limit) {
        return new ComplexArray(Lax.sliceInDim(real, 0, start, limit), Lax.sliceInDim(imag, 0, start, limit));
    }

    // ---------------------------------------------------------------- shape

    public ComplexArray reshape(int... shape) {
        return new ComplexArray(Np.reshape(real, shape), Np.reshape(imag, shape));
    }

    public ComplexArray transpose(int... axes) {
        return axes.length == 0
                ? new ComplexArray(Np.transpose(real), Np.transpose(imag))
                : new ComplexArray(Np.transpose(real, axes), Np.transpose(imag, axes));
    }

    public ComplexArray moveaxis(int source, int destination) {
        return new ComplexArray(Np.moveaxis(real, source, destination), Np.moveaxis(imag, source, destination));
    }

    public ComplexArray broadcastTo(int... shape) {
        return Arrays.equals(shape, shape())
                ? this
                : new ComplexArray(Np.broadcastTo(real, shape), Np.broadcastTo(imag, shape));
    }

    public ComplexArray expandDims(int axis) {
        return new ComplexArray(Np.expandDims(real, axis), Np.expandDims(imag, axis));
    }

    /** The strided window of {@link Lax#slice(Array, int[], int[], int[])}, on both parts. */
    public ComplexArray slice(int[] start, int[] limit, int[] strides) {
        return new ComplexArray(Lax.slice(real, start, limit, strides), Lax.slice(imag, start, limit, strides));
    }

    public ComplexArray flip(int... axes) {
        return new ComplexArray(Np.flip(real, axes), Np.flip(imag, axes));
    }

    public ComplexArray roll(int shift, int axis) {
        return new ComplexArray(Np.roll(real, shift, axis), Np.roll(imag, shift, axis));
    }

    /**
     * Joins arrays along an existing axis (promoting to the widest part dtype); the elements are
     * complex arrays, or real arrays taken as complex with a zero imaginary part.
     */
    public static ComplexArray concatenate(List<?> xs, int axis) {
        Objects.requireNonNull(xs, "xs");
        DType t = DType.FLOAT32;
        for (int i = 0; i < xs.size(); i++) {
            Object x = xs.get(i);
            if (x == null) {
                throw new NullPointerException("xs[" + i + "] is null");
            }
            if (!(x instanceof ComplexArray) && !(x instanceof Array)) {
                throw new DTypeException("concatenate: element " + i + " is a "
                        + x.getClass().getSimpleName() + "; pass ComplexArray or Array elements");
            }
            t = DType.promote(t, partOf(x));
        }
        Array[] re = new Array[xs.size()];
        Array[] im = new Array[xs.size()];
        for (int i = 0; i < re.length; i++) {
            ComplexArray x = lift(xs.get(i), t);
            re[i] = x.real;
            im[i] = x.imag;
        }
        return new ComplexArray(Np.concatenate(re, axis), Np.concatenate(im, axis));
    }

    /** Elements of {@code x} where {@code condition} holds, else of {@code y} (complex, real or scalar). */
    public static ComplexArray where(Array condition, Object x, Object y) {
        Objects.requireNonNull(condition, "condition");
        ComplexArray[] p = pair("ComplexArray.where", x, y);
        return new ComplexArray(Np.where(condition, p[0].real, p[1].real), Np.where(condition, p[0].imag, p[1].imag));
    }

    // ---------------------------------------------------------------- products

    /** The matrix product, as {@link Np#matmul}, of complex or real operands. */
    public static ComplexArray matmul(Object a, Object b) {
        return product(a, b, Np::matmul);
    }

    /** {@link Np#dot} of complex or real operands. */
    public static ComplexArray dot(Object a, Object b) {
        return product(a, b, Np::dot);
    }

    /** {@link Np#tensordot} of complex or real operands. */
    public static ComplexArray tensordot(Object a, Object b, int[] axesA, int[] axesB) {
        return product(a, b, (x, y) -> Np.tensordot(x, y, axesA, axesB));
    }

    /** A two-operand {@link Np#einsum} of complex or real operands. */
    public static ComplexArray einsum(String spec, Object a, Object b) {
        return product(a, b, (x, y) -> Np.einsum(spec, x, y));
    }

    /**
     * A bilinear product of complex operands from four real ones, {@code (ac - bd) + i(ad + bc)};
     * with a real operand only two are needed.
     */
    private static ComplexArray product(Object a, Object b, java.util.function.BinaryOperator<Array> f) {
        DType t = partType(a, b);
        if (a instanceof Array ar) {
            ComplexArray y = lift(b, t);
            Array x = Np.astype(ar, t);
            return new ComplexArray(f.apply(x, y.real), f.apply(x, y.imag));
        }
        if (b instanceof Array br) {
            ComplexArray x = lift(a, t);
            Array y = Np.astype(br, t);
            return new ComplexArray(f.apply(x.real, y), f.apply(x.imag, y));
        }
        ComplexArray x = lift(a, t);
        ComplexArray y = lift(b, t);
        return new ComplexArray(
                Np.subtract(f.apply(x.real, y.real), f.apply(x.imag, y.imag)),
                Np.add(f.apply(x.real, y.imag), f.apply(x.imag, y.real)));
    }

    // ---------------------------------------------------------------- gradients

    /**
     * Gradients with JAX's convention for complex leaves: reverse mode gives, for each {@code
     * ComplexArray} in the differentiated tree, the pair {@code (df/dx, df/dy)}; JAX returns {@code
     * df/dx - i df/dy}, so the gradient of each imaginary part is negated. {@code grads} is in the
     * flatten order of {@code def}.
     */
    static List<Array> conjugateComplexGradients(Tree.Def def, List<Array> grads) {
        List<Array> out = new java.util.ArrayList<>(grads);
        conjugate(def, out, 0);
        return out;
    }

    private static int conjugate(Tree.Def def, List<Array> grads, int at) {
        if (def instanceof Tree.NodeDef node) {
            if (node.kind() == Tree.Kind.RECORD && node.key() == ComplexArray.class) {
                grads.set(at + 1, Np.negative(grads.get(at + 1)));
                return at + 2;
            }
            for (Tree.Def child : node.children()) {
                at = conjugate(child, grads, at);
            }
            return at;
        }
        return at + def.leafCount();
    }
}
