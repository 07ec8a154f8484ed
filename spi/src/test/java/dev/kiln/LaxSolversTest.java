package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Lax#customLinearSolve} and {@link Lax#customRoot} take their derivatives from implicit
 * differentiation, not from the solver: solvers that hide their steps from differentiation
 * ({@code stopGradient}) still get the derivatives of the exact solution, in forward and reverse
 * mode. Their values and gradients against JAX are in the conformance suite (laxmore.txt).
 */
class LaxSolversTest {
    private static final Array A = Np.array(new double[] {4, 1, 0.5, -1, 3, 0.25, 0.5, 0, 2}, 3, 3);
    private static final Array W = Np.array(new double[] {0.3, -1.2, 2.0}, 3);

    @Test
    void linearSolveForwardModeSolvesTheTangentNotTheSolversSteps() {
        Array b = Np.array(new double[] {1, -2, 0.5}, 3);
        // a solver hidden from differentiation: only the rule can give the tangent A^-1 db
        BiFunction<Function<Array, Array>, Array, Array> opaque = (mv, r) -> Lax.stopGradient(Linalg.solve(A, r));
        Function<Array, Array> solveB = v -> Lax.customLinearSolve(x -> Np.matmul(A, x), v, opaque, null, false);
        Array t = Kiln.jvp(solveB, b, W).tangent();
        assertArrayEquals(Linalg.solve(A, W).toDoubleArray(), t.toDoubleArray(), 1e-12);
        Array plain = Kiln.jvp((Array v) -> opaque.apply(null, v), b, W).tangent();
        assertArrayEquals(new double[3], plain.toDoubleArray(), 0);
    }

    @Test
    void linearSolveReverseModeTransposesALinearSolve() {
        Array b = Np.array(new double[] {1, -2, 0.5}, 3);
        BiFunction<Function<Array, Array>, Array, Array> direct = (mv, r) -> Linalg.solve(A, r);
        Array g = Kiln.grad((Array v) ->
                        Np.sum(Np.multiply(W, Lax.customLinearSolve(x -> Np.matmul(A, x), v, direct, null, false))))
                .apply(b);
        // d/db w . A^-1 b = A^-T w
        assertArrayEquals(Linalg.solve(Np.transpose(A), W).toDoubleArray(), g.toDoubleArray(), 1e-12);
    }

    @Test
    void badCallsAreTypedErrors() {
        KilnException e = assertThrows(
                KilnException.class, () -> Lax.customLinearSolve(x -> x, Np.arange(3), (mv, r) -> r, null, true));
        assertTrue(e.getMessage().startsWith("customLinearSolve:"), e.getMessage());
        KilnException f = assertThrows(
                KilnException.class, () -> Lax.customLinearSolve(x -> x, W, (mv, r) -> Np.zeros(2), null, true));
        assertTrue(f.getMessage().startsWith("customLinearSolve:"), f.getMessage());
    }

    @Test
    void rootDerivativesComeFromTheImplicitFunctionTheorem() {
        Array a = Np.array(new double[] {0.5, 2, 9, 16}, 4);
        // a solver hidden from differentiation: only the implicit rule can give d sqrt(a) / da
        BiFunction<Function<Array, Array>, Array, Array> opaqueNewton = (g, x0) -> Lax.stopGradient(
                Lax.forLoop(0, 40, (i, x) -> Np.subtract(x, Np.divide(g.apply(x), Np.multiply(2.0, x))), x0));
        Function<Array, Array> sqrt = v -> Lax.customRoot(
                (Array x, Array p) -> Np.subtract(Np.multiply(x, x), p),
                Np.onesLike(v),
                v,
                opaqueNewton,
                (g, y) -> Np.divide(y, g.apply(Np.onesLike(y))));
        assertArrayEquals(Np.sqrt(a).toDoubleArray(), sqrt.apply(a).toDoubleArray(), 1e-12);
        Array grad = Kiln.grad((Array v) -> Np.sum(sqrt.apply(v))).apply(a);
        assertArrayEquals(Np.divide(0.5, Np.sqrt(a)).toDoubleArray(), grad.toDoubleArray(), 1e-12);
        Array t = Kiln.jvp(sqrt, a, Np.onesLike(a)).tangent();
        assertArrayEquals(Np.divide(0.5, Np.sqrt(a)).toDoubleArray(), t.toDoubleArray(), 1e-12);
    }
}
