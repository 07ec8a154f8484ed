package dev.kiln.linalg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Linalg;
import dev.kiln.Np;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Linalg's derivative rules composed with the other transformations (the conformance family
 * checks values and first gradients against JAX): vmap of grad, jit of grad, and second order
 * (a JVP of a gradient, which differentiates the custom rule), each against a closed form: {@code
 * grad log|det a| = a^-T}, its directional derivative {@code -(a^-1 v a^-1)^T}, {@code grad
 * sum(L^2) = I} for the Cholesky factor (sum L^2 is the trace of a), and {@code grad sum(eig) = I}.
 */
class LinalgTransformsTest {
    private static final double TOL = 1e-12;

    private static <T> T onReference(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    private static Array spd() {
        return Np.array(new double[] {4, 2, 0.6, 2, 5, 1, 0.6, 1, 3}, 3, 3);
    }

    private static void close(String what, Array expected, Array actual) {
        double err = Np.max(Np.abs(Np.subtract(expected, actual))).item();
        assertTrue(err <= TOL, what + ": max error " + err + " > " + TOL);
    }

    private static final Function<Array, Array> GRAD_LOGDET =
            Kiln.grad((Array z) -> Linalg.slogdet(z).logabsdet());

    @Test
    void vmapOfGradOfLogdetIsTheInverseTransposeOfEachMatrix() {
        onReference(() -> {
            Array batch = Np.stack(new Array[] {spd(), Np.multiply(Np.matrixTranspose(spd()), 2.0)}, 0);
            close(
                    "vmap(grad logdet)",
                    Np.matrixTranspose(Linalg.inv(batch)),
                    Kiln.vmap(GRAD_LOGDET).apply(batch));
            return null;
        });
    }

    @Test
    void secondOrderDifferentiatesTheRule() {
        onReference(() -> {
            Array m = spd();
            Array v = Np.array(new double[] {1, 0, 0, 0, 0, 1, 0, 1, 0.5}, 3, 3);
            Array inv = Linalg.inv(m);
            Array expected = Np.negative(Np.matrixTranspose(Np.matmul(inv, Np.matmul(v, inv))));
            close("jvp(grad logdet)", expected, Kiln.jvp(GRAD_LOGDET, m, v).tangent());
            return null;
        });
    }

    @Test
    void jitOfGradThroughCholeskyAndEigh() {
        onReference(() -> {
            Array eye = Np.eye(3, 3, 0, dev.kiln.DType.FLOAT64);
            Function<Array, Array> chol = Kiln.jit(Kiln.grad((Array z) -> Np.sum(Np.square(Linalg.cholesky(z)))));
            close("jit(grad sum(L^2))", eye, chol.apply(spd()));
            Function<Array, Array> eig = Kiln.jit(Kiln.grad((Array z) -> Np.sum(Linalg.eigvalsh(z))));
            close("jit(grad sum(eig))", eye, eig.apply(spd()));
            Function<Array, Array> sv = Kiln.grad((Array z) -> Np.sum(Linalg.svdvals(z)));
            close("grad sum(singular values) of a positive definite matrix", eye, sv.apply(spd()));
            return null;
        });
    }
}
