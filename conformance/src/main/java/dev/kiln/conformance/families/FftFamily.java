package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.ComplexArray;
import dev.kiln.DType;
import dev.kiln.Fft;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link Fft}, {@link ComplexArray} and the complex functions of {@code Np} and {@code Lax} against
 * {@code jax.numpy.fft} and JAX's complex dtypes ({@code conformance/scripts/make_fft_goldens.py}
 * wrote {@code fft.txt}, in the breadth family's format). Complex inputs are given as their real
 * and imaginary parts, complex results compared as one array stacking the two parts. Every line is
 * checked eagerly, the transforms with gradients and {@code lax.fft} also under {@code jit}; lines with gradients check {@code
 * Kiln.grad} of {@code sum(w * f)} against {@code jax.grad}. Transforms are held to {@link
 * Tolerance#fft}, complex arithmetic to {@link Tolerance#complex}. Bad calls raise a {@code
 * KilnException} whose message starts with the function's name.
 */
final class FftFamily implements Family {
    private static final String RESOURCE = "/dev/kiln/conformance/goldens/fft.txt";

    @Override
    public String name() {
        return "fft";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (BreadthFamily.Line l : BreadthFamily.read(RESOURCE)) {
            String dtype = l.outputs().get(0).spec().dtype().toString();
            out.add(new Case("fft", l.fn(), dtype, "jax " + l.name(), () -> value(l, false)));
            // under jit: the transforms of the lines with gradients (every function, norm and
            // shape kind) and lax.fft, not every line: on pjrt each jitted line is one XLA compile
            if ((l.fn().startsWith("Lax.")
                    || (l.fn().startsWith("Fft.") && !l.grads().isEmpty()))) {
                out.add(new Case("fft", l.fn(), dtype, "jit, jax " + l.name(), () -> value(l, true)));
            }
            if (!l.grads().isEmpty()) {
                out.add(new Case("fft", l.fn(), dtype, "grad, jax " + l.name(), () -> grad(l)));
            }
        }
        out.add(new Case("fft", "Fft.fft", "float32", "vmap over a batch equals the transform of each row", () -> {
            Array re = Np.reshape(Np.sin(Np.astype(Np.arange(15), DType.FLOAT32)), 3, 5);
            Array im = Np.cos(re);
            Function<ComplexArray, ComplexArray> f = z -> Fft.fft(z, 7, 0, "ortho");
            ComplexArray batched = Kiln.vmap(f).apply(new ComplexArray(re, im));
            for (int i = 0; i < 3; i++) {
                ComplexArray row =
                        f.apply(new ComplexArray(Lax.indexInDim(re, i, 0, false), Lax.indexInDim(im, i, 0, false)));
                ComplexArray b = new ComplexArray(
                        Lax.indexInDim(batched.real(), i, 0, false), Lax.indexInDim(batched.imag(), i, 0, false));
                HostBuffer want = stack(row).toHost();
                // the transform's error scales with its largest output, not with each element
                Check.same(
                        "vmap(fft) row " + i,
                        want,
                        stack(b).toHost(),
                        Tolerance.twoWays(Tolerance.fft(DType.FLOAT32, 7)),
                        Tolerance.maxMagnitude(Host.doubles(want)));
            }
        }));
        out.add(new Case("fft", "ComplexArray", "complex64", "prints as JAX", () -> {
            ComplexArray z = ComplexArray.complex64(new double[] {1.5, 2, -3, 1.25}, 2);
            Check.that(z.toString().equals("Array([ 1.5+2.j  , -3. +1.25j], dtype=complex64)"), "got " + z);
            ComplexArray c = ComplexArray.complex64(
                    new double[] {1, 2, Double.POSITIVE_INFINITY, 0, Double.NaN, 1, -0.0, -0.0}, 4);
            Check.that(c.toString().equals("Array([ 1.+2.j, inf+0.j, nan+1.j, -0.-0.j], dtype=complex64)"), "got " + c);
            Check.that(
                    ComplexArray.scalar(1, 2, DType.FLOAT64).toString().equals("Array(1.+2.j, dtype=complex128)"),
                    "got " + ComplexArray.scalar(1, 2, DType.FLOAT64));
        }));
        out.add(new Case(
                "fft", "ComplexArray", "complex64", "interleaved round trip and jit of a complex function", () -> {
                    double[] v = {1, -2, 0.5, 4, -0.0, 3};
                    ComplexArray z = ComplexArray.complex64(v, 3);
                    Check.that(
                            Arrays.equals(z.toInterleaved(), v),
                            "round trip gave " + Arrays.toString(z.toInterleaved()));
                    ComplexArray y =
                            Kiln.jit((ComplexArray a) -> a.multiply(a).add(1.0)).apply(z);
                    double[] e = {1 + 1 - 4, -4, 0.25 - 16 + 1, 4, 1 - 9, 0};
                    double[] got = y.toInterleaved();
                    for (int i = 0; i < e.length; i++) {
                        // == rather than Arrays.equals: a backend may keep -0.0 for 0.0 in x + 0
                        Check.that(got[i] == e[i], "jit z*z+1 gave " + Arrays.toString(got));
                    }
                    Check.that(y.dtypeName().equals("complex64"), "dtype " + y.dtypeName());
                }));
        out.add(new Case("fft", "Fft.fft", "float64", "jvp is the transform of the tangent (it is linear)", () -> {
            ComplexArray x = ComplexArray.complex128(new double[] {1, 2, -1, 0.5, 3, -2, 0, 1, 2, 2}, 5);
            ComplexArray t = ComplexArray.complex128(new double[] {0.5, -1, 2, 0, 1, 1, -3, 0.25, 0, 1}, 5);
            Kiln.Jvp<ComplexArray> j = Kiln.jvp((ComplexArray z) -> Fft.fft(z, 7, -1, "ortho"), x, t);
            HostBuffer want = stack(Fft.fft(t, 7, -1, "ortho")).toHost();
            Check.same(
                    "jvp(fft) tangent",
                    want,
                    stack(j.tangent()).toHost(),
                    Tolerance.twoWays(Tolerance.fft(DType.FLOAT64, 7)),
                    Tolerance.maxMagnitude(Host.doubles(want)));
        }));
        out.add(new Case("fft", "ComplexArray", "float32", "grad conjugates complex leaves nested in a tree", () -> {
            ComplexArray z = ComplexArray.complex64(new double[] {1, 2, -3, 0.5}, 2);
            Function<List<ComplexArray>, Array> f = l -> Np.sum(l.get(0).imag());
            List<ComplexArray> g = Kiln.grad(f).apply(List.of(z));
            double[] v = g.get(0).toInterleaved();
            // d(imag)/dx = 0, d(imag)/dy = 1: JAX's convention gives 0 - 1i, as jax.grad(jnp.imag) does
            Check.that(v[0] == 0 && v[1] == -1 && v[2] == 0 && v[3] == -1, "got " + Arrays.toString(v));
        }));
        errors(out);
        return out;
    }

    private static void value(BreadthFamily.Line l, boolean jit) {
        Array[] in = BreadthFamily.arrays(l.inputs());
        Function<List<Array>, Array> f = a -> call(l.fn(), l.params(), a.toArray(new Array[0]));
        Array actual = jit ? Kiln.jit(f).apply(Arrays.asList(in)) : f.apply(Arrays.asList(in));
        HostBuffer e = l.outputs().get(0);
        Rule rule = rule(l, e.spec().dtype());
        Check.same(
                l.fn() + (jit ? " under jit" : "") + " vs JAX (" + l.name() + ")",
                e,
                BreadthFamily.flushLikeXla(e, actual.toHost()),
                jit ? Tolerance.twoWays(rule) : rule,
                scale(l, e));
    }

    private static boolean transform(BreadthFamily.Line l) {
        return l.fn().startsWith("Fft.")
                || l.fn().startsWith("Lax.")
                || l.fn().equals("Complex.matmul")
                || l.fn().equals("Complex.gradFftLoss")
                || l.fn().equals("Complex.sum")
                || l.fn().equals("Complex.mean")
                || l.fn().equals("Complex.cumsum")
                || l.fn().equals("Complex.prod");
    }

    private static Rule rule(BreadthFamily.Line l, DType t) {
        return transform(l) ? Tolerance.fft(t, size(l)) : Tolerance.complex(t);
    }

    /** The largest dimension of the inputs and the output: the longest sum a transform forms. */
    private static int size(BreadthFamily.Line l) {
        int n = 1;
        for (Object o : l.inputs()) {
            for (int d : ((HostBuffer) o).spec().shape()) {
                n = Math.max(n, d);
            }
        }
        for (int d : l.outputs().get(0).spec().shape()) {
            n = Math.max(n, d);
        }
        return n;
    }

    /**
     * Transforms are compared relative to the largest magnitude of the result; complex elements
     * relative to their modulus {@code |z|} (both parts of one element share it), since a part that
     * cancels carries the rounding of the whole.
     */
    private static double[] scale(BreadthFamily.Line l, HostBuffer e) {
        double[] v = Host.doubles(e);
        if (transform(l)) {
            return Tolerance.maxMagnitude(v);
        }
        int[] shape = e.spec().shape();
        boolean stacked = l.fn().startsWith("Complex.") || l.fn().equals("Np.sortComplex");
        if (!stacked || shape.length == 0 || shape[0] != 2 || e.spec().dtype() == DType.BOOL) {
            return Tolerance.magnitudes(v);
        }
        int half = v.length / 2;
        double[] s = new double[v.length];
        for (int i = 0; i < half; i++) {
            double m = Math.hypot(v[i], v[half + i]);
            s[i] = m;
            s[half + i] = m;
        }
        return s;
    }

    private static void grad(BreadthFamily.Line l) {
        BreadthFamily.gradients(
                l,
                args -> call(l.fn(), l.params(), args),
                e -> Tolerance.fft(e.spec().dtype(), size(l)),
                (e, a) -> a);
    }

    // ---------------------------------------------------------------- the Kiln call of each function

    /** A complex result as one real array of shape (2, ...): the real part stacked on the imaginary. */
    static Array stack(ComplexArray z) {
        return Np.stack(new Array[] {z.real(), z.imag()}, 0);
    }

    private static Integer optInt(Map<String, String> p, String key) {
        String v = p.get(key);
        return v == null || v.equals("none") ? null : Integer.valueOf(v);
    }

    private static int axis(Map<String, String> p) {
        Integer a = optInt(p, "axis");
        return a == null ? -1 : a;
    }

    private static int[] ints(Map<String, String> p, String key) {
        return BreadthFamily.ints(p.get(key));
    }

    private static Array bool(Array b) {
        return b;
    }

    static Array call(String fn, Map<String, String> p, Array[] a) {
        String norm = p.get("norm");
        Integer n = optInt(p, "n");
        int[] s = ints(p, "s");
        int[] axes = ints(p, "axes");
        return switch (fn) {
            case "Fft.fft" -> stack(Fft.fft(a.length == 1 ? a[0] : new ComplexArray(a[0], a[1]), n, axis(p), norm));
            case "Fft.ifft" -> stack(Fft.ifft(new ComplexArray(a[0], a[1]), n, axis(p), norm));
            case "Fft.rfft" -> stack(Fft.rfft(a[0], n, axis(p), norm));
            case "Fft.irfft" -> Fft.irfft(new ComplexArray(a[0], a[1]), n, axis(p), norm);
            case "Fft.hfft" -> Fft.hfft(new ComplexArray(a[0], a[1]), n, axis(p), norm);
            case "Fft.ihfft" -> stack(Fft.ihfft(a[0], n, axis(p), norm));
            case "Fft.fft2" -> stack(Fft.fft2(new ComplexArray(a[0], a[1]), s, axes, norm));
            case "Fft.ifft2" -> stack(Fft.ifft2(new ComplexArray(a[0], a[1]), s, axes, norm));
            case "Fft.fftn" -> stack(Fft.fftn(new ComplexArray(a[0], a[1]), s, axes, norm));
            case "Fft.ifftn" -> stack(Fft.ifftn(new ComplexArray(a[0], a[1]), s, axes, norm));
            case "Fft.rfft2" -> stack(Fft.rfft2(a[0], s, axes, norm));
            case "Fft.rfftn" -> stack(Fft.rfftn(a[0], s, axes, norm));
            case "Fft.irfft2" -> Fft.irfft2(new ComplexArray(a[0], a[1]), s, axes, norm);
            case "Fft.irfftn" -> Fft.irfftn(new ComplexArray(a[0], a[1]), s, axes, norm);
            case "Fft.fftfreq" -> Fft.fftfreq(n, a[0].item(), a[0].dtype());
            case "Fft.rfftfreq" -> Fft.rfftfreq(n, a[0].item(), a[0].dtype());
            case "Fft.fftshift" -> axes == null ? Fft.fftshift(a[0]) : Fft.fftshift(a[0], axes);
            case "Fft.ifftshift" -> axes == null ? Fft.ifftshift(a[0]) : Fft.ifftshift(a[0], axes);
            case "Lax.fft" -> {
                Object x = a.length == 1 ? a[0] : new ComplexArray(a[0], a[1]);
                Object r = Lax.fft(x, p.get("type"), ints(p, "lengths"));
                yield r instanceof ComplexArray c ? stack(c) : (Array) r;
            }
            case "Np.sortComplex" -> stack(Np.sortComplex(new ComplexArray(a[0], a[1])));
            default -> complex(fn.substring("Complex.".length()), p, a);
        };
    }

    private static Array complex(String op, Map<String, String> p, Array[] a) {
        ComplexArray z = new ComplexArray(a[0], a[1]);
        ComplexArray w = a.length == 4 ? new ComplexArray(a[2], a[3]) : null;
        return switch (op) {
            case "exp" -> stack(z.exp());
            case "log" -> stack(z.log());
            case "sqrt" -> stack(z.sqrt());
            case "abs" -> Np.abs(z);
            case "angle" -> Np.angle(z);
            case "sin" -> stack(z.sin());
            case "cos" -> stack(z.cos());
            case "tanh" -> stack(z.tanh());
            case "conj" -> stack(Np.conj(z));
            case "negative" -> stack(z.negative());
            case "square" -> stack(z.square());
            case "reciprocal" -> stack(z.reciprocal());
            case "isnan" -> bool(z.isnan());
            case "isinf" -> bool(z.isinf());
            case "isfinite" -> bool(z.isfinite());
            case "real" -> Np.real(z);
            case "imag" -> Np.imag(z);
            case "power3" -> stack(z.power(3));
            case "add" -> stack(z.add(w));
            case "subtract" -> stack(z.subtract(w));
            case "multiply" -> stack(z.multiply(w));
            case "divide" -> stack(z.divide(w));
            case "equal" -> z.equal(w);
            case "notEqual" -> z.notEqual(w);
            case "sum" -> stack(z.sum(Integer.parseInt(p.get("axis"))));
            case "prod" -> stack(z.prod(Integer.parseInt(p.get("axis"))));
            case "mean" -> stack(z.mean());
            case "cumsum" -> stack(z.cumsum(Integer.parseInt(p.get("axis"))));
            case "matmul" -> stack(ComplexArray.matmul(z, w));
            case "gradAbs2" ->
                stack(Kiln.grad((ComplexArray c) -> Np.sum(Np.square(c.abs()))).apply(z));
            case "gradFftLoss" ->
                stack(Kiln.grad((ComplexArray c) -> {
                            Array cos = Np.cos(Np.astype(Np.arange(4), c.partDtype()));
                            Array first = Np.sum(Np.multiply(Fft.fft(c).real(), cos));
                            return Np.add(
                                    first,
                                    Np.sum(Np.square(Fft.fft(c, null, 0, null).abs())));
                        })
                        .apply(z));
            case "addFloat64", "addInt32" -> stack(z.add(a[2]));
            default -> throw new IllegalStateException("fft.txt names an unknown function Complex." + op);
        };
    }

    // ---------------------------------------------------------------- errors

    /** Bad input gets a typed Kiln error whose message starts with the public function's name. */
    private static void errors(List<Case> out) {
        Map<String, Supplier<Object>> bad = new LinkedHashMap<>();
        bad.put("fft", () -> Fft.fft(Np.ones(4), null, -1, "backwards"));
        bad.put("fft ", () -> Fft.fft(Np.ones(4), null, 1, null));
        bad.put("fft  ", () -> Fft.fft(Np.scalar(1f)));
        bad.put("fft   ", () -> Fft.fft(Np.ones(4), 0, -1, null));
        bad.put("fft    ", () -> Fft.fft("not an array"));
        bad.put("ifft", () -> Fft.ifft(Np.ones(4), null, -1, "Ortho"));
        bad.put("rfft", () -> Fft.rfft(Np.ones(3), -2, 0, null));
        bad.put("irfft", () -> Fft.irfft(Np.ones(3), null, 2, null));
        bad.put("hfft", () -> Fft.hfft(Np.ones(3), null, -1, "none"));
        bad.put("fftn", () -> Fft.fftn(Np.ones(3, 3), null, new int[] {0, 0}, null));
        bad.put("fftn ", () -> Fft.fftn(Np.ones(3, 3), new int[] {2}, new int[] {0, 1}, null));
        bad.put("fft2", () -> Fft.fft2(Np.ones(3)));
        bad.put("rfftn", () -> Fft.rfftn(Np.ones(3, 3), null, new int[] {0, 5}, null));
        bad.put("irfftn", () -> Fft.irfftn(Np.ones(3, 3), null, null, "x"));
        bad.put("fftfreq", () -> Fft.fftfreq(0, 1.0));
        bad.put("rfftfreq", () -> Fft.rfftfreq(4, 1.0, DType.INT32));
        bad.put("fftshift", () -> Fft.fftshift(Np.ones(3), 1));
        bad.put("fft     ", () -> Lax.fft(Np.ones(3), "DCT", 3));
        bad.put("complex", () -> Lax.complex(Np.ones(3), Np.ones(DType.FLOAT64, 3)));
        bad.put("ComplexArray.add", () -> ComplexArray.fromReal(Np.ones(3)).add(Np.ones(4)));
        bad.put("complex64", () -> ComplexArray.complex64(new double[] {1, 2, 3}, 2));
        bad.put("ComplexArray", () -> new ComplexArray(Np.ones(3), Np.ones(DType.INT32, 3)));
        bad.put("sortComplex", () -> Np.sortComplex(Np.scalar(1f)));
        BreadthFamily.errorCases("fft", bad, out);
    }
}
