package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.ComplexArray;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Linalg;
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
 * {@code Linalg} against {@code jax.numpy.linalg} and {@code jax.scipy.linalg.solve_triangular}
 * ({@code conformance/scripts/make_linalg_goldens.py} wrote {@code linalg.txt}, in the breadth
 * family's format). Every line is checked eagerly; lines with gradients also check {@code
 * Kiln.grad} of {@code sum(w * f)} against {@code jax.grad}; the factorizations and solves also
 * run under {@code jit}, and batched lines under {@code vmap} over their leading axis. Values and
 * derivatives are held to {@link Tolerance#linalg}. Bad shapes, modes and orders raise a {@code
 * KilnException} whose message starts with the function's name; integer input computes in float32.
 */
final class LinalgFamily implements Family {
    private static final String RESOURCE = "/dev/kiln/conformance/goldens/linalg.txt";

    @Override
    public String name() {
        return "linalg";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (BreadthFamily.Line l : BreadthFamily.read(RESOURCE)) {
            String dtype = l.outputs().get(0).spec().dtype().toString();
            if (GeneralEigenCheck.FUNCTIONS.contains(l.fn())) {
                GeneralEigenCheck.cases(l, dtype, out);
                continue;
            }
            out.add(new Case("linalg", l.fn(), dtype, "jax " + l.name(), () -> value(l, Mode.EAGER)));
            if (JITTED.contains(l.fn())) {
                out.add(new Case("linalg", l.fn(), dtype, "jit, jax " + l.name(), () -> value(l, Mode.JIT)));
            }
            if (batched(l)) {
                out.add(new Case("linalg", l.fn(), dtype, "vmap, jax " + l.name(), () -> value(l, Mode.VMAP)));
            }
            if (!l.grads().isEmpty()) {
                out.add(new Case("linalg", l.fn(), dtype, "grad, jax " + l.name(), () -> grad(l)));
            }
        }
        errors(out);
        out.add(new Case("linalg", "Linalg.det", "int32", "integer input computes in float32", () -> {
            Array a = Np.array(new int[] {2, 1, 0, 1, 3, 1, 0, 1, 4}, 3, 3);
            Array d = Linalg.det(a);
            Check.that(d.dtype() == DType.FLOAT32, "det of an int32 matrix should be float32, got " + d.dtype());
            Check.that(Math.abs(d.item() - 18.0) <= 18.0 * 8 * 0x1.0p-23, "det should be 18, got " + d);
        }));
        return out;
    }

    private enum Mode {
        EAGER,
        JIT,
        VMAP
    }

    /** The functions whose loops are also traced and compiled (the rest are plain compositions). */
    private static final java.util.Set<String> JITTED = java.util.Set.of(
            "Linalg.cholesky",
            "Linalg.solve",
            "Linalg.solveTriangular",
            "Linalg.det",
            "Linalg.slogdet",
            "Linalg.inv",
            "Linalg.qr",
            "Linalg.eigh",
            "Linalg.svd");

    /** A line whose inputs all have a leading batch axis over (..., n, n) matrices, which vmap maps. */
    private static boolean batched(BreadthFamily.Line l) {
        if (!JITTED.contains(l.fn())
                && !l.fn().startsWith("Linalg.eig")
                && !l.fn().startsWith("Linalg.qr")
                && !l.fn().startsWith("Linalg.svd")) {
            return false;
        }
        for (Object o : l.inputs()) {
            HostBuffer h = (HostBuffer) o;
            if (h.spec().shape().length < 3) {
                return false;
            }
        }
        return true;
    }

    private static int size(BreadthFamily.Line l) {
        int n = 1;
        for (Object o : l.inputs()) {
            int[] s = ((HostBuffer) o).spec().shape();
            for (int d : s) {
                n = Math.max(n, d);
            }
        }
        return n;
    }

    private static void value(BreadthFamily.Line l, Mode mode) {
        Array[] in = BreadthFamily.arrays(l.inputs());
        Function<List<Array>, List<Array>> f = a -> Arrays.asList(call(l.fn(), l.params(), a.toArray(new Array[0])));
        List<Array> actual =
                switch (mode) {
                    case EAGER -> f.apply(Arrays.asList(in));
                    case JIT -> Kiln.jit(f).apply(Arrays.asList(in));
                    case VMAP -> Kiln.vmap(f).apply(Arrays.asList(in));
                };
        if (actual.size() != l.outputs().size()) {
            throw new AssertionError(l.fn() + ": " + actual.size() + " results where JAX gave "
                    + l.outputs().size());
        }
        for (int i = 0; i < actual.size(); i++) {
            HostBuffer e = l.outputs().get(i);
            Rule rule = rule(l, e.spec().dtype());
            Check.same(
                    l.fn() + (mode == Mode.EAGER ? "" : " under " + mode.name().toLowerCase()) + " vs JAX (" + l.name()
                            + ")" + (actual.size() > 1 ? " result " + i : ""),
                    e,
                    BreadthFamily.flushLikeXla(e, actual.get(i).toHost()),
                    mode == Mode.EAGER ? rule : Tolerance.twoWays(rule),
                    scale(l, i, e));
        }
    }

    /**
     * Functions computed from singular vectors, whose error grows with |A| / (singular value gap),
     * and derivatives of a general matrix's eigenvalues, which grow with the eigenvalues' condition
     * numbers {@code 1 / |y^H x|} (the eigenvector matrix's inverse enters {@code dw}): both take the
     * sensitivity the eigenvalue checks of {@code GeneralEigenCheck} take.
     */
    private static final java.util.Set<String> SINGULAR = java.util.Set.of(
            "Linalg.svd",
            "Linalg.svd.u",
            "Linalg.svd.vh",
            "Linalg.svdvals",
            "Linalg.pinv",
            "Linalg.lstsq",
            "Linalg.lstsq.x",
            "Linalg.cond",
            "Linalg.eigvals.sym");

    private static Rule rule(BreadthFamily.Line l, DType t) {
        return Tolerance.linalg(t, size(l), SINGULAR.contains(l.fn()) ? 6 : 1);
    }

    /**
     * The largest magnitude of the result, or for lstsq's residuals {@code |b|^2}: a residual of an
     * exactly solvable system is rounding noise on that scale.
     */
    private static double[] scale(BreadthFamily.Line l, int result, HostBuffer expected) {
        double[] s = Tolerance.maxMagnitude(Host.doubles(expected));
        if (l.fn().equals("Linalg.lstsq") && result == 1) {
            double b2 = 0;
            for (double v : Host.doubles((HostBuffer) l.inputs().get(1))) {
                b2 += v * v;
            }
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.max(s[i], b2);
            }
        }
        return s;
    }

    private static void grad(BreadthFamily.Line l) {
        BreadthFamily.gradients(
                l,
                args -> call(l.fn(), l.params(), args)[0],
                e -> rule(l, e.spec().dtype()),
                (e, a) -> a);
    }

    // ---------------------------------------------------------------- the Kiln call of each function

    private static boolean flag(Map<String, String> p, String key) {
        return p.get(key).equals("1");
    }

    private static Double number(String s) {
        return switch (s) {
            case "none" -> null;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.valueOf(s);
        };
    }

    /** Each column with its largest-magnitude entry made positive, as the golden script does. */
    private static Array signFixed(Array v) {
        Array idx = Np.argmax(Np.abs(v), -2, true);
        return Np.multiply(v, Np.sign(Np.takeAlongAxis(v, idx, -2)));
    }

    /** u with each column's largest-magnitude entry made positive, vh's rows flipped with it. */
    private static Array[] svdFixed(Linalg.SVD d) {
        Array idx = Np.argmax(Np.abs(d.u()), -2, true);
        Array sg = Np.sign(Np.takeAlongAxis(d.u(), idx, -2));
        return new Array[] {Np.multiply(d.u(), sg), d.s(), Np.multiply(d.vh(), Np.swapaxes(sg, -1, -2))};
    }

    static Array[] call(String fn, Map<String, String> p, Array[] a) {
        return switch (fn) {
            case "Linalg.cholesky" -> new Array[] {Linalg.cholesky(a[0])};
            case "Linalg.det" -> new Array[] {Linalg.det(a[0])};
            case "Linalg.inv" -> new Array[] {Linalg.inv(a[0])};
            case "Linalg.slogdet" -> {
                Linalg.Slogdet s = Linalg.slogdet(a[0]);
                yield new Array[] {s.sign(), s.logabsdet()};
            }
            case "Linalg.slogdet.logabsdet" -> new Array[] {Linalg.slogdet(a[0]).logabsdet()};
            case "Linalg.solve" -> new Array[] {Linalg.solve(a[0], a[1])};
            case "Linalg.solveTriangular" ->
                new Array[] {Linalg.solveTriangular(a[0], a[1], flag(p, "lower"), flag(p, "trans"), flag(p, "unit"))};
            case "Linalg.norm" -> {
                String ord = p.get("ord");
                int[] axis = BreadthFamily.ints(p.get("axis"));
                boolean keep = flag(p, "keepdims");
                yield new Array[] {
                    ord.equals("fro") || ord.equals("nuc")
                            ? Linalg.norm(a[0], ord, axis, keep)
                            : Linalg.norm(a[0], number(ord), axis, keep)
                };
            }
            case "Linalg.vectorNorm" ->
                new Array[] {
                    Linalg.vectorNorm(
                            a[0], number(p.get("ord")), BreadthFamily.ints(p.get("axis")), flag(p, "keepdims"))
                };
            case "Linalg.matrixNorm" -> {
                String ord = p.get("ord");
                boolean keep = flag(p, "keepdims");
                yield new Array[] {
                    ord.equals("fro") || ord.equals("nuc")
                            ? Linalg.matrixNorm(a[0], ord, keep)
                            : Linalg.matrixNorm(a[0], number(ord), keep)
                };
            }
            case "Linalg.matrixPower" -> new Array[] {Linalg.matrixPower(a[0], Integer.parseInt(p.get("n")))};
            case "Linalg.multiDot" -> new Array[] {Linalg.multiDot(a)};
            case "Linalg.trace" -> new Array[] {Linalg.trace(a[0], Integer.parseInt(p.get("offset")))};
            case "Linalg.diagonal" -> new Array[] {Linalg.diagonal(a[0], Integer.parseInt(p.get("offset")))};
            case "Linalg.outer" -> new Array[] {Linalg.outer(a[0], a[1])};
            case "Linalg.cross" -> new Array[] {Linalg.cross(a[0], a[1])};
            case "Linalg.matmul" -> new Array[] {Linalg.matmul(a[0], a[1])};
            case "Linalg.tensordot" -> new Array[] {Linalg.tensordot(a[0], a[1], Integer.parseInt(p.get("axes")))};
            case "Linalg.vecdot" -> new Array[] {Linalg.vecdot(a[0], a[1])};
            case "Linalg.matrixTranspose" -> new Array[] {Linalg.matrixTranspose(a[0])};
            case "Linalg.qr" -> {
                Linalg.QR qr = Linalg.qr(a[0], p.get("mode"));
                yield new Array[] {qr.q(), qr.r()};
            }
            case "Linalg.qr.q" -> new Array[] {Linalg.qr(a[0], p.get("mode")).q()};
            case "Linalg.qr.r" -> new Array[] {Linalg.qr(a[0], p.get("mode")).r()};
            case "Linalg.eigh" -> {
                Linalg.Eigh e = Linalg.eigh(a[0]);
                yield new Array[] {e.eigenvalues(), signFixed(e.eigenvectors())};
            }
            case "Linalg.eigvalsh" -> new Array[] {Linalg.eigvalsh(a[0])};
            case "Linalg.eigh.v" -> new Array[] {signFixed(Linalg.eigh(a[0]).eigenvectors())};
            case "Linalg.eigvals.sym" -> {
                ComplexArray w = Linalg.eigvals(a[0]);
                Array absSum = Np.sum(w.abs(), -1);
                Array cubeSum = Np.sum(w.power(3).real(), -1);
                yield new Array[] {Np.stack(List.of(absSum, cubeSum), -1)};
            }
            case "Linalg.svd" -> {
                Array[] usv = svdFixed(Linalg.svd(a[0]));
                yield usv;
            }
            case "Linalg.svd.u" -> new Array[] {svdFixed(Linalg.svd(a[0]))[0]};
            case "Linalg.svd.vh" -> new Array[] {svdFixed(Linalg.svd(a[0]))[2]};
            case "Linalg.svdvals" -> new Array[] {Linalg.svdvals(a[0])};
            case "Linalg.pinv" -> new Array[] {Linalg.pinv(a[0])};
            case "Linalg.cond" -> new Array[] {Linalg.cond(a[0])};
            case "Linalg.matrixRank" -> new Array[] {Linalg.matrixRank(a[0])};
            case "Linalg.lstsq" -> {
                Linalg.Lstsq r = Linalg.lstsq(a[0], a[1]);
                yield new Array[] {r.x(), r.residuals(), r.rank(), r.s()};
            }
            case "Linalg.lstsq.x" -> new Array[] {Linalg.lstsq(a[0], a[1]).x()};
            case "Linalg.tensorsolve" -> new Array[] {Linalg.tensorsolve(a[0], a[1])};
            case "Linalg.tensorinv" -> new Array[] {Linalg.tensorinv(a[0], Integer.parseInt(p.get("ind")))};
            default -> throw new IllegalStateException("linalg.txt names an unknown function " + fn);
        };
    }

    // ---------------------------------------------------------------- errors

    private static Array m23() {
        return Np.reshape(Np.astype(Np.arange(6), DType.FLOAT32), 2, 3);
    }

    private static Array eye3() {
        return Np.eye(3);
    }

    /** Bad input gets a typed Kiln error whose message starts with the public function's name. */
    private static void errors(List<Case> out) {
        Map<String, Supplier<Object>> bad = new LinkedHashMap<>();
        bad.put("Linalg.cholesky", () -> Linalg.cholesky(m23()));
        bad.put("Linalg.cholesky ", () -> Linalg.cholesky(Np.arange(3)));
        bad.put("Linalg.solveTriangular", () -> Linalg.solveTriangular(eye3(), m23(), true));
        bad.put("Linalg.solve", () -> Linalg.solve(eye3(), Np.ones(4)));
        bad.put("Linalg.solve ", () -> Linalg.solve(Np.ones(2, 3, 3), Np.ones(4, 3, 1)));
        bad.put("Linalg.inv", () -> Linalg.inv(m23()));
        bad.put("Linalg.det", () -> Linalg.det(Np.ones(3)));
        bad.put("Linalg.slogdet", () -> Linalg.slogdet(m23()));
        bad.put("Linalg.norm", () -> Linalg.norm(eye3(), 3.0, null, false));
        bad.put("Linalg.norm ", () -> Linalg.norm(Np.ones(2, 2, 2), 1.0, null, false));
        bad.put("Linalg.norm  ", () -> Linalg.norm(Np.ones(3), "fro", null, false));
        bad.put("Linalg.matrixNorm", () -> Linalg.matrixNorm(Np.ones(3)));
        bad.put("Linalg.matrixPower", () -> Linalg.matrixPower(m23(), 2));
        bad.put("Linalg.multiDot", () -> Linalg.multiDot(eye3()));
        bad.put("Linalg.multiDot ", () -> Linalg.multiDot(eye3(), m23()));
        bad.put("Linalg.qr", () -> Linalg.qr(eye3(), "full"));
        bad.put("Linalg.eigh", () -> Linalg.eigh(m23()));
        bad.put("Linalg.eig", () -> Linalg.eig(m23()));
        bad.put("Linalg.eigvals", () -> Linalg.eigvals(Np.ones(3)));
        bad.put("Linalg.eig  ", () -> Kiln.grad(
                        (Array m) -> Np.sum(Linalg.eig(m).eigenvectors().real()))
                .apply(eye3()));
        bad.put(
                "Linalg.eig ",
                () -> Kiln.jvp((Array m) -> Linalg.eig(m).eigenvalues().real(), eye3(), eye3()));
        bad.put("roots", () -> Np.roots(eye3()));
        bad.put("Linalg.outer", () -> Linalg.outer(eye3(), Np.ones(3)));
        bad.put("Linalg.trace", () -> Linalg.trace(Np.ones(3)));
        bad.put("Linalg.svd", () -> Linalg.svd(Np.ones(3)));
        bad.put("Linalg.pinv", () -> Linalg.pinv(Np.ones(3)));
        bad.put("Linalg.lstsq", () -> Linalg.lstsq(m23(), Np.ones(3)));
        bad.put("Linalg.tensorsolve", () -> Linalg.tensorsolve(Np.ones(2, 3, 2), Np.ones(2)));
        bad.put("Linalg.tensorinv", () -> Linalg.tensorinv(Np.ones(2, 3), 1));
        BreadthFamily.errorCases("linalg", bad, out);
    }
}
