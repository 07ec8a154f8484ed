package dev.kiln.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.CustomDerivatives;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Np;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Kiln.customVjp: the user's backward function replaces differentiation of the forward code. */
class CustomVjpTest {
    private static <T> T ref(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    /** Gradient clipping: the identity forward, a backward that clips the cotangent to [-1, 1]. */
    static final Function<Array, Array> CLIP_GRADIENT = Kiln.customVjp(
            x -> x, x -> new CustomDerivatives.Forward<>(x, null), (Object res, Array ct) -> Np.clip(ct, -1.0, 1.0));

    /** sin with a backward that reads its residual (cos x) saved by the forward function. */
    static final Function<Array, Array> SIN = Kiln.customVjp(
            Np::sin,
            x -> new CustomDerivatives.Forward<>(Np.sin(x), Np.cos(x)),
            (Object cos, Array ct) -> ct.multiply(cos));

    @Test
    void backwardFunctionReplacesTheDerivative() {
        ref(() -> {
            Array x = Np.array(new double[] {0.5, -2, 3});
            // d/dx sum(5 * clip_gradient(x)) = clip(5) = 1 everywhere
            double[] g = Kiln.grad((Array a) -> Np.sum(CLIP_GRADIENT.apply(a).multiply(5)))
                    .apply(x)
                    .toDoubleArray();
            for (double v : g) {
                assertEquals(1.0, v, 0);
            }
            // without differentiation the plain function runs
            assertEquals(3.0, CLIP_GRADIENT.apply(x).toDoubleArray()[2], 0);
            return null;
        });
    }

    @Test
    void residualsReachTheBackwardFunctionUnderJitAndVmap() {
        ref(() -> {
            Array x = Np.array(new double[] {0.1, 0.7, 1.3});
            Function<Array, Array> g = Kiln.grad((Array a) -> Np.sum(SIN.apply(a.multiply(a))));
            double[] want = new double[3];
            for (int i = 0; i < 3; i++) {
                double v = x.toDoubleArray()[i];
                want[i] = Math.cos(v * v) * 2 * v;
            }
            double[] eager = g.apply(x).toDoubleArray();
            double[] jitted = Kiln.jit(g).apply(x).toDoubleArray();
            double[] batched = Kiln.vmap(Kiln.grad((Array a) -> Np.sum(SIN.apply(a.multiply(a)))))
                    .apply(Np.reshape(x, 3, 1))
                    .toDoubleArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(want[i], eager[i], 1e-12);
                assertEquals(want[i], jitted[i], 1e-12);
                assertEquals(want[i], batched[i], 1e-12);
            }
            return null;
        });
    }

    @Test
    void secondOrderDifferentiatesTheBackwardFunction() {
        ref(() -> {
            Array x = Np.scalar(0.8);
            // d²/dx² sin(x) via grad(grad) through the custom backward (ct * cos x): -sin x
            double h = Kiln.grad(
                            (Array a) -> Kiln.grad((Array b) -> SIN.apply(b)).apply(a))
                    .apply(x)
                    .item();
            assertEquals(-Math.sin(0.8), h, 1e-12);
            return null;
        });
    }

    @Test
    void forwardModeSaysItIsUndefined() {
        ref(() -> {
            KilnException e = assertThrows(KilnException.class, () -> Kiln.jvp(SIN, Np.scalar(0.3), Np.scalar(1.0)));
            assertTrue(e.getMessage().contains("customJvp"), e.getMessage());
            return null;
        });
    }
}
