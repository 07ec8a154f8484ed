package dev.kiln;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Discrete Fourier transforms, as {@code jax.numpy.fft}: the complex transforms {@code fft}, {@code
 * ifft} and their 2-d and n-d forms, the real ones {@code rfft}/{@code irfft} (and n-d), the
 * Hermitian {@code hfft}/{@code ihfft}, and the helpers {@code fftfreq}, {@code rfftfreq}, {@code
 * fftshift} and {@code ifftshift}.
 *
 * <p>Inputs are a real {@link Array} (integers and bool become complex64, as in JAX) or a {@link
 * ComplexArray}. Each 1-d transform is a product with the DFT matrix of its length, whose entries
 * are computed in double precision from the exact residue {@code jk mod n} and stored as constants
 * of the input's precision; so the transforms are made of real primitives only, run on every
 * backend, and are differentiable, jittable and batchable like any other Kiln code. The cost is
 * {@code O(n^2)} per transformed line, which suits the lengths of a few thousand that arrays of
 * this kind usually have along one axis.
 *
 * <p>{@code norm} is {@code "backward"} (the default, {@code null} also means it: forward
 * unscaled, inverse scaled by {@code 1/n}), {@code "ortho"} (both scaled by {@code 1/sqrt(n)}) or
 * {@code "forward"} (forward scaled by {@code 1/n}, inverse unscaled).
 */
public final class Fft {
    private Fft() {}

    // ---------------------------------------------------------------- 1-d complex

    /** The 1-d DFT along the last axis. */
    public static ComplexArray fft(Object a) {
        return fft(a, null, -1, null);
    }

    /** The 1-d DFT of length {@code n} (null: the axis length; shorter inputs are zero-padded, longer cut). */
    public static ComplexArray fft(Object a, Integer n, int axis, String norm) {
        return transform("fft", complexInput("fft", a), n, axis, false, norm);
    }

    /** The inverse 1-d DFT along the last axis. */
    public static ComplexArray ifft(Object a) {
        return ifft(a, null, -1, null);
    }

    public static ComplexArray ifft(Object a, Integer n, int axis, String norm) {
        return transform("ifft", complexInput("ifft", a), n, axis, true, norm);
    }

    // ---------------------------------------------------------------- n-d complex

    /** The 2-d DFT over the last two axes. */
    public static ComplexArray fft2(Object a) {
        return fftn("fft2", a, null, new int[] {-2, -1}, null, false);
    }

    public static ComplexArray fft2(Object a, int[] s, int[] axes, String norm) {
        return fftn("fft2", a, s, axes == null ? new int[] {-2, -1} : axes, norm, false);
    }

    public static ComplexArray ifft2(Object a) {
        return fftn("ifft2", a, null, new int[] {-2, -1}, null, true);
    }

    public static ComplexArray ifft2(Object a, int[] s, int[] axes, String norm) {
        return fftn("ifft2", a, s, axes == null ? new int[] {-2, -1} : axes, norm, true);
    }

    /** The n-d DFT over every axis. */
    public static ComplexArray fftn(Object a) {
        return fftn("fftn", a, null, null, null, false);
    }

    /**
     * The n-d DFT over {@code axes} (null: the last {@code s.length} axes, or all when {@code s} is
     * null too), with lengths {@code s} (null: the axis lengths).
     */
    public static ComplexArray fftn(Object a, int[] s, int[] axes, String norm) {
        return fftn("fftn", a, s, axes, norm, false);
    }

    public static ComplexArray ifftn(Object a) {
        return fftn("ifftn", a, null, null, null, true);
    }

    public static ComplexArray ifftn(Object a, int[] s, int[] axes, String norm) {
        return fftn("ifftn", a, s, axes, norm, true);
    }

    private static ComplexArray fftn(String fn, Object a, int[] s, int[] axes, String norm, boolean inverse) {
        ComplexArray x = complexInput(fn, a);
        int[] ax = axes(fn, x.ndim(), s, axes);
        normScale(fn, norm, 1, inverse); // validate before any work
        for (int i = ax.length - 1; i >= 0; i--) {
            x = transform(fn, x, s == null ? null : s[i], ax[i], inverse, norm);
        }
        return x;
    }

    // ---------------------------------------------------------------- real

    /** The DFT of a real array along the last axis, keeping the {@code n/2 + 1} non-negative frequencies. */
    public static ComplexArray rfft(Array a) {
        return rfft(a, null, -1, null);
    }

    public static ComplexArray rfft(Array a, Integer n, int axis, String norm) {
        Array x = realInput("rfft", a);
        int ax = Shape.axis("rfft", axis, x.ndim());
        int nn = length("rfft", n, x.shape()[ax]);
        double scale = normScale("rfft", norm, nn, false);
        Array xm = resize(Np.moveaxis(x, ax, -1), nn);
        ComplexArray w = dftMatrix(nn, nn / 2 + 1, -1, scale, x.dtype());
        return ComplexArray.matmul(xm, w).moveaxis(-1, ax);
    }

    /** The inverse of {@link #rfft}: a real array of length {@code n} (null: {@code 2 (m - 1)}) along the axis. */
    public static Array irfft(Object a) {
        return irfft(a, null, -1, null);
    }

    /**
     * The real inverse DFT: the input's first {@code n/2 + 1} entries along the axis are read as the
     * non-negative frequencies of a Hermitian spectrum (the imaginary parts of the zero and, for even
     * {@code n}, the Nyquist frequency are ignored).
     */
    public static Array irfft(Object a, Integer n, int axis, String norm) {
        return irfft("irfft", complexInput("irfft", a), n, axis, norm);
    }

    private static Array irfft(String fn, ComplexArray x, Integer n, int axis, String norm) {
        int ax = Shape.axis(fn, axis, x.ndim());
        int m = x.shape()[ax];
        int nn = n == null ? 2 * (m - 1) : length(fn, n, m);
        if (nn > 0) {
            length(fn, nn, m);
        }
        double scale = normScale(fn, norm, Math.max(nn, 1), true);
        if (nn <= 0) {
            // as JAX: the default length of a one-element axis is zero, an empty result
            int[] shape = x.shape();
            shape[ax] = 0;
            return Np.zeros(x.partDtype(), shape);
        }
        int half = nn / 2 + 1;
        ComplexArray xm = x.moveaxis(ax, -1);
        Array re = resize(xm.real(), half);
        Array im = resize(xm.imag(), half);
        double[] cr = new double[half * nn];
        double[] ci = new double[half * nn];
        for (int k = 0; k < half; k++) {
            double c = (k == 0 || (nn % 2 == 0 && k == nn / 2)) ? 1 : 2;
            for (int t = 0; t < nn; t++) {
                double angle = 2 * Math.PI * (((long) k * t) % nn) / nn;
                cr[k * nn + t] = c * scale * Math.cos(angle);
                ci[k * nn + t] = -c * scale * Math.sin(angle);
            }
        }
        DType dt = x.partDtype();
        Array wr = Np.astype(Np.array(cr, half, nn), dt);
        Array wi = Np.astype(Np.array(ci, half, nn), dt);
        return Np.moveaxis(Np.add(Np.matmul(re, wr), Np.matmul(im, wi)), -1, ax);
    }

    public static ComplexArray rfft2(Array a) {
        return rfftn("rfft2", a, null, new int[] {-2, -1}, null);
    }

    public static ComplexArray rfft2(Array a, int[] s, int[] axes, String norm) {
        return rfftn("rfft2", a, s, axes == null ? new int[] {-2, -1} : axes, norm);
    }

    public static Array irfft2(Object a) {
        return irfftn("irfft2", a, null, new int[] {-2, -1}, null);
    }

    public static Array irfft2(Object a, int[] s, int[] axes, String norm) {
        return irfftn("irfft2", a, s, axes == null ? new int[] {-2, -1} : axes, norm);
    }

    /** The n-d DFT of a real array: {@link #rfft} over the last of {@code axes}, then {@link #fft} over the rest. */
    public static ComplexArray rfftn(Array a) {
        return rfftn("rfftn", a, null, null, null);
    }

    public static ComplexArray rfftn(Array a, int[] s, int[] axes, String norm) {
        return rfftn("rfftn", a, s, axes, norm);
    }

    private static ComplexArray rfftn(String fn, Array a, int[] s, int[] axes, String norm) {
        Array x = realInput(fn, a);
        int[] ax = axes(fn, x.ndim(), s, axes);
        normScale(fn, norm, 1, false);
        int last = ax.length - 1;
        ComplexArray y = rfft(x, s == null ? null : s[last], ax[last], norm);
        for (int i = last - 1; i >= 0; i--) {
            y = transform(fn, y, s == null ? null : s[i], ax[i], false, norm);
        }
        return y;
    }

    /** The inverse of {@link #rfftn}: {@link #ifft} over all but the last of {@code axes}, then {@link #irfft}. */
    public static Array irfftn(Object a) {
        return irfftn("irfftn", a, null, null, null);
    }

    public static Array irfftn(Object a, int[] s, int[] axes, String norm) {
        return irfftn("irfftn", a, s, axes, norm);
    }

    private static Array irfftn(String fn, Object a, int[] s, int[] axes, String norm) {
        ComplexArray x = complexInput(fn, a);
        int[] ax = axes(fn, x.ndim(), s, axes);
        normScale(fn, norm, 1, true);
        int last = ax.length - 1;
        for (int i = 0; i < last; i++) {
            x = transform(fn, x, s == null ? null : s[i], ax[i], true, norm);
        }
        return irfft(fn, x, s == null ? null : s[last], ax[last], norm);
    }

    // ---------------------------------------------------------------- Hermitian

    /** The DFT of a Hermitian-symmetric signal given by its first half: a real array. */
    public static Array hfft(Object a) {
        return hfft(a, null, -1, null);
    }

    public static Array hfft(Object a, Integer n, int axis, String norm) {
        ComplexArray x = complexInput("hfft", a);
        return irfft("hfft", x.conj(), n, axis, swapDirection("hfft", norm));
    }

    /** The inverse of {@link #hfft}: the first half of the spectrum of a real signal, conjugated. */
    public static ComplexArray ihfft(Array a) {
        return ihfft(a, null, -1, null);
    }

    public static ComplexArray ihfft(Array a, Integer n, int axis, String norm) {
        realInput("ihfft", a);
        return rfft(a, n, axis, swapDirection("ihfft", norm)).conj();
    }

    // ---------------------------------------------------------------- frequencies and shifts

    /** The sample frequencies of an {@code n}-point DFT with spacing {@code d}, as float32. */
    public static Array fftfreq(int n, double d) {
        return fftfreq(n, d, DType.FLOAT32);
    }

    /** {@code [0, 1, …, (n-1)/2, -(n/2), …, -1] / (d n)} in {@code dtype}. */
    public static Array fftfreq(int n, double d, DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        checkFreq("fftfreq", n, dtype);
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            int f = k <= (n - 1) / 2 ? k : k - n;
            v[k] = f / (d * n);
        }
        return Np.astype(Np.array(v, n), dtype);
    }

    /** The non-negative sample frequencies {@code [0, 1, …, n/2] / (d n)} of {@link #rfft}, as float32. */
    public static Array rfftfreq(int n, double d) {
        return rfftfreq(n, d, DType.FLOAT32);
    }

    public static Array rfftfreq(int n, double d, DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        checkFreq("rfftfreq", n, dtype);
        int m = n / 2 + 1;
        double[] v = new double[m];
        for (int k = 0; k < m; k++) {
            v[k] = k / (d * n);
        }
        return Np.astype(Np.array(v, m), dtype);
    }

    private static void checkFreq(String fn, int n, DType dtype) {
        if (n < 1) {
            throw new ShapeException(fn + ": n must be a positive number of samples, got " + n);
        }
        if (!dtype.isFloating()) {
            throw new DTypeException(fn + ": dtype must be float32 or float64, got " + dtype);
        }
    }

    /** The zero frequency moved to the middle: each axis (all when none are given) rolled by half its length. */
    public static Array fftshift(Array x, int... axes) {
        return shift("fftshift", Objects.requireNonNull(x, "x"), axes, true);
    }

    public static ComplexArray fftshift(ComplexArray x, int... axes) {
        Objects.requireNonNull(x, "x");
        return new ComplexArray(shift("fftshift", x.real(), axes, true), shift("fftshift", x.imag(), axes, true));
    }

    /** The inverse of {@link #fftshift}: rolls back by half of each length, rounded down. */
    public static Array ifftshift(Array x, int... axes) {
        return shift("ifftshift", Objects.requireNonNull(x, "x"), axes, false);
    }

    public static ComplexArray ifftshift(ComplexArray x, int... axes) {
        Objects.requireNonNull(x, "x");
        return new ComplexArray(shift("ifftshift", x.real(), axes, false), shift("ifftshift", x.imag(), axes, false));
    }

    private static Array shift(String fn, Array x, int[] axes, boolean forward) {
        int[] ax = axes == null || axes.length == 0 ? allAxes(x.ndim()) : axes;
        Array y = x;
        for (int a : ax) {
            int k = Shape.axis(fn, a, x.ndim());
            int n = x.shape()[k];
            y = n == 0 ? y : Np.roll(y, forward ? n / 2 : -(n / 2), k);
        }
        return y;
    }

    // ---------------------------------------------------------------- lax.fft

    /**
     * {@code lax.fft}: the transform {@code fftType} ({@code "FFT"}, {@code "IFFT"}, {@code "RFFT"}
     * or {@code "IRFFT"}) over the trailing {@code fftLengths.length} axes. FFT, IFFT and RFFT return
     * a {@link ComplexArray}, IRFFT a real {@link Array}.
     */
    static Object laxFft(Object x, String fftType, int... fftLengths) {
        Objects.requireNonNull(fftType, "fftType");
        Objects.requireNonNull(fftLengths, "fftLengths");
        int rank = x instanceof ComplexArray c ? c.ndim() : x instanceof Array a ? a.ndim() : 0;
        if (fftLengths.length < 1 || fftLengths.length > 3 || fftLengths.length > rank) {
            throw new ShapeException("fft: fftLengths needs 1 to 3 lengths, at most the operand's rank " + rank
                    + ", got " + fftLengths.length);
        }
        int[] axes = new int[fftLengths.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = rank - axes.length + i;
        }
        return switch (fftType.toUpperCase(Locale.ROOT)) {
            case "FFT" -> fftn("fft", x, fftLengths, axes, null, false);
            case "IFFT" -> fftn("fft", x, fftLengths, axes, null, true);
            case "RFFT" -> {
                if (!(x instanceof Array a)) {
                    throw new DTypeException("fft: RFFT needs a real operand, got a complex one");
                }
                yield rfftn("fft", a, fftLengths, axes, null);
            }
            case "IRFFT" -> irfftn("fft", x, fftLengths, axes, null);
            default -> throw new KilnException("fft: fftType must be FFT, IFFT, RFFT or IRFFT, got '" + fftType + "'");
        };
    }

    // ---------------------------------------------------------------- the transform

    /** One 1-d (inverse) DFT along {@code axis}, of length {@code n}, as a product with the DFT matrix. */
    private static ComplexArray transform(
            String fn, ComplexArray x, Integer n, int axis, boolean inverse, String norm) {
        int ax = Shape.axis(fn, axis, x.ndim());
        int nn = length(fn, n, x.shape()[ax]);
        double scale = normScale(fn, norm, nn, inverse);
        ComplexArray xm = x.moveaxis(ax, -1);
        xm = new ComplexArray(resize(xm.real(), nn), resize(xm.imag(), nn));
        ComplexArray w = dftMatrix(nn, nn, inverse ? 1 : -1, scale, x.partDtype());
        return ComplexArray.matmul(xm, w).moveaxis(-1, ax);
    }

    /** {@code W[j, k] = scale * exp(sign 2 pi i jk / n)} for {@code j < n, k < cols}, the angle from {@code jk mod n}. */
    private static ComplexArray dftMatrix(int n, int cols, int sign, double scale, DType dtype) {
        double[] re = new double[n * cols];
        double[] im = new double[n * cols];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < cols; k++) {
                long r = ((long) j * k) % n;
                double angle = 2 * Math.PI * r / n;
                re[j * cols + k] = scale * Math.cos(angle);
                im[j * cols + k] = sign * scale * Math.sin(angle);
            }
        }
        return new ComplexArray(Np.astype(Np.array(re, n, cols), dtype), Np.astype(Np.array(im, n, cols), dtype));
    }

    /** The last axis cut to {@code n} or padded with zeros to it. */
    private static Array resize(Array x, int n) {
        int len = x.shape(-1);
        if (len == n) {
            return x;
        }
        if (len > n) {
            return Lax.sliceInDim(x, -1, 0, n);
        }
        int[][] pad = new int[x.ndim()][2];
        pad[x.ndim() - 1][1] = n - len;
        return Np.pad(x, pad);
    }

    /**
     * The longest transform: each line is a product with an {@code n x n} DFT matrix held as
     * constants, {@code 2 n^2} values (1 GiB in float64 at this length).
     */
    static final int MAX_LENGTH = 8192;

    private static int length(String fn, Integer n, int axisLength) {
        int nn = n == null ? axisLength : n;
        if (nn < 1) {
            throw new ShapeException(fn + ": the transform length must be positive, got " + nn
                    + (n == null ? " (the axis is empty)" : "") + "; pass n >= 1");
        }
        if (nn > MAX_LENGTH) {
            throw new ShapeException(fn + ": a transform of length " + nn + " is longer than " + MAX_LENGTH
                    + ", the longest Kiln computes (each line is a product with the n x n DFT matrix, whose"
                    + " constants grow as n^2); split the signal or transform shorter lines");
        }
        return nn;
    }

    /** The factor the (inverse) transform of length {@code n} is scaled by under {@code norm}. */
    private static double normScale(String fn, String norm, int n, boolean inverse) {
        String v = norm == null ? "backward" : norm;
        return switch (v) {
            case "backward" -> inverse ? 1.0 / n : 1.0;
            case "ortho" -> 1.0 / Math.sqrt(n);
            case "forward" -> inverse ? 1.0 : 1.0 / n;
            default ->
                throw new KilnException(fn + ": norm must be \"backward\", \"ortho\" or \"forward\", got '" + norm
                        + "'; leave it null for \"backward\"");
        };
    }

    private static String swapDirection(String fn, String norm) {
        normScale(fn, norm, 1, false);
        if (norm == null || norm.equals("backward")) {
            return "forward";
        }
        return norm.equals("forward") ? "backward" : norm;
    }

    private static int[] axes(String fn, int rank, int[] s, int[] axes) {
        int[] ax;
        if (axes == null) {
            int k = s == null ? rank : s.length;
            if (k > rank) {
                throw new ShapeException(fn + ": s has " + k + " lengths but the operand has only " + rank
                        + " axes; give at most one length per axis");
            }
            ax = new int[k];
            for (int i = 0; i < k; i++) {
                ax[i] = rank - k + i;
            }
        } else {
            ax = new int[axes.length];
            for (int i = 0; i < axes.length; i++) {
                ax[i] = Shape.axis(fn, axes[i], rank);
            }
            if (s != null && s.length != axes.length) {
                throw new ShapeException(fn + ": s and axes need the same length, got " + s.length + " and "
                        + axes.length + "; give one transform length per axis");
            }
        }
        if (ax.length == 0) {
            throw new ShapeException(
                    fn + ": needs at least one axis to transform; the operand is 0-d or axes is empty");
        }
        int[] sorted = ax.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new AxisException(
                        fn + ": repeated axis " + sorted[i] + " in " + Arrays.toString(axes) + "; name each axis once");
            }
        }
        return ax;
    }

    private static int[] allAxes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }

    private static ComplexArray complexInput(String fn, Object a) {
        if (a instanceof ComplexArray c) {
            return c;
        }
        if (a instanceof Array x) {
            return ComplexArray.fromReal(x);
        }
        throw new DTypeException(fn + ": the operand must be an Array or a ComplexArray, got "
                + (a == null ? "null" : a.getClass().getSimpleName()));
    }

    private static Array realInput(String fn, Array a) {
        Objects.requireNonNull(a, "a");
        return Nn.inexact(a);
    }
}
