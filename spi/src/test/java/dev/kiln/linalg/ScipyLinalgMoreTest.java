package dev.kiln.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.ComplexArray;
import dev.kiln.DType;
import dev.kiln.DTypeException;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Linalg;
import dev.kiln.Np;
import dev.kiln.ShapeException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The jax.scipy.linalg functions of session 28 ({@code hessenberg}, {@code polar}, {@code
 * solveSylvester}, {@code eighTridiagonal}, {@code expmFrechet}, {@code qrMultiply}, the
 * constructors): the defining identities in float64 on the reference backend, vmap and grad
 * through them, and bad calls, each refused with its typed exception and a message that names the
 * function, the problem and the fix. JaxCasesTest compares their values with JAX's.
 */
class ScipyLinalgMoreTest {
    private static final double TOL = 1e-10;

    private static <T> T onReference(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    private static Array m4() {
        return Np.array(new double[] {1, 2, 3, 4, 1, 4, 2, 3, 3, 2, 1, 4, 2, 3, 2, 2}, 4, 4);
    }

    private static void close(String what, Array expected, Array actual) {
        assertEquals(
                java.util.Arrays.toString(expected.shape()),
                java.util.Arrays.toString(actual.shape()),
                what + " shape");
        double err = Np.max(Np.abs(Np.subtract(expected, actual))).item();
        assertTrue(err <= TOL, what + ": max error " + err + " > " + TOL);
    }

    private static Array mT(Array a) {
        return Np.swapaxes(a, -1, -2);
    }

    private static void refused(Class<? extends KilnException> type, String start, String contains, Executable call) {
        KilnException e = assertThrows(type, call::execute);
        assertTrue(e.getMessage().startsWith(start + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(contains), e.getMessage());
    }

    /** A call in a lambda that may throw. */
    interface Executable {
        void execute();
    }

    @Test
    void hessenbergReconstructsItsMatrix() {
        onReference(() -> {
            Linalg.Hessenberg r = Linalg.hessenberg(m4(), true);
            close("q h q^T", m4(), Np.matmul(r.q(), Np.matmul(r.h(), mT(r.q()))));
            close("q^T q", Np.eye(4, 4, 0, DType.FLOAT64), Np.matmul(mT(r.q()), r.q()));
            close("below the subdiagonal", Np.zeros(DType.FLOAT64, 4, 4), Np.tril(r.h(), -2));
            assertNull(Linalg.hessenberg(m4(), false).q());
            return null;
        });
    }

    @Test
    void polarFactorsAreOrthogonalAndSymmetric() {
        onReference(() -> {
            Linalg.Polar right = Linalg.polar(m4());
            close("u p", m4(), Np.matmul(right.u(), right.p()));
            close("u^T u", Np.eye(4, 4, 0, DType.FLOAT64), Np.matmul(mT(right.u()), right.u()));
            close("p symmetric", right.p(), mT(right.p()));
            Array wide = Np.array(new double[] {1, 2, 0, -1, 0, 1, 3, 2, 2, -1, 1, 0}, 3, 4);
            Linalg.Polar left = Linalg.polar(wide, "left");
            close("p u", wide, Np.matmul(left.p(), left.u()));
            close("u u^T", Np.eye(3, 3, 0, DType.FLOAT64), Np.matmul(left.u(), mT(left.u())));
            return null;
        });
    }

    @Test
    void sylvesterSolutionSatisfiesItsEquationUnderVmapAndGrad() {
        onReference(() -> {
            Array a = Np.add(m4(), Np.multiply(Np.eye(4, 4, 0, DType.FLOAT64), 6.0));
            Array b = Np.array(new double[] {1, 2, -1, 3}, 2, 2);
            Array c = Np.reshape(Np.arange(0.0, 8.0, 1.0), 4, 2);
            c = Np.astype(c, DType.FLOAT64);
            Array x = Linalg.solveSylvester(a, b, c);
            close("a x + x b", c, Np.add(Np.matmul(a, x), Np.matmul(x, b)));
            Array cs = Np.stack(new Array[] {c, Np.negative(c)}, 0);
            close(
                    "vmap",
                    Np.stack(new Array[] {x, Np.negative(x)}, 0),
                    Kiln.vmap((Array ci) -> Linalg.solveSylvester(a, b, ci)).apply(cs));
            // d/dc of sum(x) is the solution of the adjoint equation a^T y + y b^T = ones
            Array g = Kiln.grad((Array ci) -> Np.sum(Linalg.solveSylvester(a, b, ci)))
                    .apply(c);
            close("grad", Linalg.solveSylvester(mT(a), mT(b), Np.onesLike(c)), g);
            return null;
        });
    }

    @Test
    void eighTridiagonalVectorsDiagonalizeTheMatrix() {
        onReference(() -> {
            Array d = Np.array(new double[] {1, 2, 3, 4, 5});
            Array e = Np.array(new double[] {1, -0.5, 2, 0.25});
            Linalg.Eigh r = Linalg.eighTridiagonal(d, e);
            Array t = Np.add(Np.add(Np.diag(d), Np.diag(e, 1)), Np.diag(e, -1));
            close("t v", Np.matmul(t, r.eigenvectors()), Np.multiply(r.eigenvectors(), r.eigenvalues()));
            close(
                    "eigvalsOnly",
                    r.eigenvalues(),
                    Linalg.eighTridiagonal(d, e, true).eigenvalues());
            return null;
        });
    }

    @Test
    void expmFrechetIsTheDirectionalDerivativeAndQrMultiplyIsQTimesC() {
        onReference(() -> {
            Array a = Np.multiply(m4(), 0.1);
            Array e = mT(m4());
            Linalg.ExpmFrechet f = Linalg.expmFrechet(a, e);
            close("expm", Linalg.expm(a), f.expm());
            double h = 1e-6;
            Array fd = Np.divide(
                    Np.subtract(
                            Linalg.expm(Np.add(a, Np.multiply(e, h))), Linalg.expm(Np.subtract(a, Np.multiply(e, h)))),
                    2 * h);
            double err = Np.max(Np.abs(Np.subtract(fd, f.frechet()))).item();
            assertTrue(err < 1e-6, "central difference " + err);
            Array tall = Np.array(new double[] {1, 0, 2, 2, 1, -1, 0, 3, 1, -1, 2, 0}, 4, 3);
            Array c = Np.array(new double[] {1, 2, 3, 4, 0, -1, 2, 1}, 2, 4);
            Linalg.QrMultiply r = Linalg.qrMultiply(tall, c);
            Linalg.QR qr = Linalg.qr(tall);
            close("c q", Np.matmul(c, qr.q()), r.product());
            close("r", qr.r(), r.r());
            return null;
        });
    }

    @Test
    void constructorsAreExact() {
        close("pascal", Np.array(new float[] {1, 1, 1, 1, 2, 3, 1, 3, 6}, 3, 3), Linalg.pascal(3));
        Array p = Np.astype(Linalg.pascal(6), DType.FLOAT64);
        close("invpascal", Np.eye(6, 6, 0, DType.FLOAT64), Np.matmul(p, Np.astype(Linalg.invpascal(6), DType.FLOAT64)));
        Array lower = Np.astype(Linalg.pascal(5, "lower"), DType.FLOAT64);
        close(
                "invpascal lower",
                Np.eye(5, 5, 0, DType.FLOAT64),
                Np.matmul(lower, Np.astype(Linalg.invpascal(5, "lower"), DType.FLOAT64)));
        close(
                "invhilbert 3",
                Np.array(new float[] {9, -36, 30, -36, 192, -180, 30, -180, 180}, 3, 3),
                Linalg.invhilbert(3));
        Array cm = Linalg.convolutionMatrix(Np.array(new float[] {1, 2, 3}), 4);
        Array v = Np.array(new float[] {1, -1, 2, 0.5f});
        close("convolve", Np.convolve(Np.array(new float[] {1, 2, 3}), v), Np.matmul(cm, v));
    }

    @Test
    void sqrtmSquaresBackToItsMatrix() {
        onReference(() -> {
            Array a = Np.array(new double[] {1, 3, 2, 5, 4, 2, 3, 2, 1}, 3, 3);
            ComplexArray r = Linalg.sqrtm(a);
            ComplexArray sq = ComplexArray.matmul(r, r);
            close("re(r r)", a, sq.real());
            close("im(r r)", Np.zerosLike(a), sq.imag());
            ComplexArray f = Linalg.dft(4, "sqrtn");
            ComplexArray fh = new ComplexArray(mT(f.real()), Np.negative(mT(f.imag())));
            ComplexArray id = ComplexArray.matmul(f, fh);
            double err = Np.max(Np.abs(Np.subtract(id.real(), Np.eye(4, 4, 0, DType.FLOAT32))))
                    .item();
            assertTrue(err < 1e-6, "dft unitary " + err);
            return null;
        });
    }

    @Test
    void complexSchurReconstructsItsMatrixAndIsTriangular() {
        onReference(() -> {
            Array a = Np.stack(
                    new Array[] {
                        Np.array(new double[] {1, 3, 2, 5, 4, 2, 3, 2, 1}, 3, 3),
                        Np.array(new double[] {0, -1, 0, 1, 0, 0, 0, 0, 2}, 3, 3)
                    },
                    0);
            Linalg.Schur s = Linalg.schur(a, "complex");
            ComplexArray zh = new ComplexArray(mT(s.z().real()), Np.negative(mT(s.z().imag())));
            ComplexArray back = ComplexArray.matmul(ComplexArray.matmul(s.z(), s.t()), zh);
            close("re(z t z^H)", a, back.real());
            close("im(z t z^H)", Np.zerosLike(a), back.imag());
            ComplexArray zhz = ComplexArray.matmul(zh, s.z());
            close("z^H z", Np.broadcastTo(Np.eye(3, 3, 0, DType.FLOAT64), 2, 3, 3), zhz.real());
            close("below the diagonal (re)", Np.zerosLike(a), Np.tril(s.t().real(), -1));
            close("below the diagonal (im)", Np.zerosLike(a), Np.tril(s.t().imag(), -1));
            return null;
        });
        refused(KilnException.class, "schur", "output \"complex\"", () -> Linalg.schur(Np.eye(2), "real"));
        refused(KilnException.class, "schur", "output must be", () -> Linalg.schur(Np.eye(2), "x"));
        refused(ShapeException.class, "schur", "square", () -> Linalg.schur(Np.ones(DType.FLOAT32, 2, 3), "complex"));
    }

    @Test
    void slogdetOfASingularMatrixHasPositiveZeroSign() {
        Array singular = Np.array(new float[] {1, 2, 2, 4}, 2, 2);
        double sign = Linalg.slogdet(singular).sign().item();
        assertEquals(0.0, sign);
        assertTrue(1 / sign > 0, "sign is +0, as JAX's");
        assertEquals(
                Double.NEGATIVE_INFINITY, Linalg.slogdet(singular).logabsdet().item());
    }

    @Test
    void ravelMultiIndexModes() {
        Array[] idx = {Np.array(new int[] {0, 5, -1}), Np.array(new int[] {1, 1, 7})};
        assertEquals(
                java.util.Arrays.toString(new double[] {1, 4, 2}),
                java.util.Arrays.toString(
                        Np.ravelMultiIndex(idx, new int[] {2, 3}, "clip").toDoubleArray()));
        assertEquals(
                java.util.Arrays.toString(new double[] {1, 4, 4}),
                java.util.Arrays.toString(
                        Np.ravelMultiIndex(idx, new int[] {2, 3}, "wrap").toDoubleArray()));
        refused(KilnException.class, "ravelMultiIndex", "mode \"clip\"", () -> Np.ravelMultiIndex(idx, 2, 3));
        refused(KilnException.class, "ravelMultiIndex", "concrete", () -> Kiln.jit(
                        (Array i) -> Np.ravelMultiIndex(new Array[] {i, i}, 2, 3))
                .apply(Np.array(new int[] {0, 1})));
        refused(
                DTypeException.class,
                "ravelMultiIndex",
                "integer dtype",
                () -> Np.ravelMultiIndex(new Array[] {Np.ones(DType.FLOAT32, 2), Np.ones(DType.INT32, 2)}, 2, 3));
    }

    @Test
    void badCallsNameTheFunctionTheProblemAndTheFix() {
        Array sq = Np.ones(DType.FLOAT32, 3, 3);
        refused(ShapeException.class, "hessenberg", "square", () -> Linalg.hessenberg(Np.ones(DType.FLOAT32, 3, 2)));
        refused(DTypeException.class, "hessenberg", "Np.astype", () -> Linalg.hessenberg(Np.ones(DType.INT32, 2, 2)));
        refused(DTypeException.class, "polar", "floating", () -> Linalg.polar(Np.ones(DType.INT32, 2, 2)));
        refused(ShapeException.class, "polar", "method \"svd\"", () -> Linalg.polar(Np.ones(DType.FLOAT32, 3, 4)));
        refused(KilnException.class, "polar", "side must be", () -> Linalg.polar(sq, "up"));
        refused(KilnException.class, "polar", "method must be", () -> Linalg.polar(sq, "right", "newton"));
        refused(ShapeException.class, "polar", "two dimensions", () -> Linalg.polar(Np.ones(DType.FLOAT32, 3)));
        refused(
                ShapeException.class,
                "expmFrechet",
                "same shape",
                () -> Linalg.expmFrechet(sq, Np.ones(DType.FLOAT32, 2, 2)));
        refused(
                DTypeException.class,
                "expmFrechet",
                "must both be float32",
                () -> Linalg.expmFrechet(sq, Np.ones(DType.FLOAT64, 3, 3)));
        refused(
                ShapeException.class,
                "qrMultiply",
                "(..., P, 4)",
                () -> Linalg.qrMultiply(Np.ones(DType.FLOAT32, 4, 3), Np.ones(DType.FLOAT32, 2, 3)));
        refused(
                ShapeException.class,
                "qrMultiply",
                "(..., 3, P)",
                () -> Linalg.qrMultiply(Np.ones(DType.FLOAT32, 4, 3), Np.ones(DType.FLOAT32, 4, 2), "left"));
        refused(
                KilnException.class,
                "qrMultiply",
                "mode must be",
                () -> Linalg.qrMultiply(Np.ones(DType.FLOAT32, 4, 3), Np.ones(DType.FLOAT32, 4), "middle"));
        refused(
                ShapeException.class,
                "solveSylvester",
                "a must be (..., m, m)",
                () -> Linalg.solveSylvester(Np.eye(2), Np.eye(3), Np.ones(DType.FLOAT32, 3, 2)));
        refused(
                ShapeException.class,
                "solveSylvester",
                "at most 16384 entries",
                () -> Linalg.solveSylvester(Np.eye(129), Np.eye(128), Np.ones(DType.FLOAT32, 129, 128)));
        refused(
                DTypeException.class,
                "eighTridiagonal",
                "same dtype",
                () -> Linalg.eighTridiagonal(Np.ones(DType.FLOAT32, 3), Np.ones(DType.FLOAT64, 2)));
        refused(
                DTypeException.class,
                "eighTridiagonal",
                "float32 and float64",
                () -> Linalg.eighTridiagonal(Np.ones(DType.INT32, 3), Np.ones(DType.INT32, 2)));
        refused(
                ShapeException.class,
                "eighTridiagonal",
                "n - 1 = 2",
                () -> Linalg.eighTridiagonal(Np.ones(DType.FLOAT32, 3), Np.ones(DType.FLOAT32, 3)));
        refused(
                ShapeException.class,
                "eighTridiagonal",
                "1-d",
                () -> Linalg.eighTridiagonal(Np.ones(DType.FLOAT32, 2, 3), Np.ones(DType.FLOAT32, 2, 2)));
        refused(KilnException.class, "pascal", "kind must be", () -> Linalg.pascal(3, "diagonal"));
        refused(KilnException.class, "invpascal", "kind must be", () -> Linalg.invpascal(3, "x"));
        refused(ShapeException.class, "invhilbert", "smaller size", () -> Linalg.invhilbert(Integer.MAX_VALUE));
        refused(
                ShapeException.class,
                "convolutionMatrix",
                "positive integer",
                () -> Linalg.convolutionMatrix(Np.ones(DType.FLOAT32, 2), 0));
        refused(
                ShapeException.class,
                "convolutionMatrix",
                "scalar",
                () -> Linalg.convolutionMatrix(Np.ones(DType.FLOAT32), 2));
        refused(
                KilnException.class,
                "convolutionMatrix",
                "mode must be",
                () -> Linalg.convolutionMatrix(Np.ones(DType.FLOAT32, 2), 2, "circular"));
        refused(
                ShapeException.class,
                "fiedlerCompanion",
                "must not be empty",
                () -> Linalg.fiedlerCompanion(Np.zeros(DType.FLOAT32, 0)));
        refused(ShapeException.class, "sqrtm", "Kiln.vmap", () -> Linalg.sqrtm(Np.ones(DType.FLOAT32, 2, 3, 3)));
        refused(DTypeException.class, "sqrtm", "float32", () -> Linalg.sqrtm(Np.ones(DType.FLOAT16, 2, 2)));
        refused(KilnException.class, "dft", "scale must be", () -> Linalg.dft(3, "half"));
        refused(
                DTypeException.class,
                "Linalg.vectorNorm",
                "Np.astype",
                () -> Linalg.vectorNorm(Np.ones(DType.INT32, 3), 0, null, false));
        refused(DTypeException.class, "dft", "complex128", () -> Linalg.dft(3, null, DType.INT32));
        refused(
                ShapeException.class,
                "trapezoid",
                "one point per sample",
                () -> Np.trapezoid(Np.ones(DType.FLOAT32, 2, 2), Np.ones(DType.FLOAT32, 3), -1));
    }
}
