package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.CustomDerivatives;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Np;
import dev.kiln.internal.trace.Autodiff;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** customJvp and checkpoint (the implementation behind Kiln.customJvp / Kiln.checkpoint). */
class CustomDerivativesTest {
    static <T> T onReference(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    static final Tolerance EXACT = Tolerance.rounding();

    /** softplus = log(1 + exp(x)), whose naive derivative exp(x) / (1 + exp(x)) is NaN for large x. */
    static final Function<Array, Array> SOFTPLUS = CustomDerivatives.customJvp(
            x -> Np.log1p(Np.exp(x)), (x, t) -> new Kiln.Jvp<>(Np.log1p(Np.exp(x)), Np.multiply(t, Np.sigmoid(x))));

    @Test
    void customJvpRuleReplacesTheDerivativeInEveryMode() {
        onReference(() -> {
            Array x = Np.array(new double[] {-3, 0, 2, 800});
            double[] sig = {1 / (1 + Math.exp(3)), 0.5, 1 / (1 + Math.exp(-2)), 1};
            Function<Array, Array> loss = a -> Np.sum(SOFTPLUS.apply(a));
            EXACT.assertClose("grad", sig, Kiln.grad(loss).apply(x).toDoubleArray());
            EXACT.assertClose(
                    "jit(grad)", sig, Kiln.jit(Kiln.grad(loss)).apply(x).toDoubleArray());
            EXACT.assertClose(
                    "jvp", sig, Kiln.jvp(SOFTPLUS, x, Np.onesLike(x)).tangent().toDoubleArray());
            // the naive derivative overflows at 800, which shows the rule was used
            double naive =
                    Kiln.grad((Array a) -> Np.sum(Np.log1p(Np.exp(a)))).apply(x).toDoubleArray()[3];
            assertTrue(Double.isNaN(naive), "naive derivative at 800 is " + naive);
            // second order differentiates the rule: d/dx sigmoid = sigmoid (1 - sigmoid)
            double[] second = new double[4];
            for (int i = 0; i < 4; i++) {
                second[i] = sig[i] * (1 - sig[i]);
            }
            EXACT.assertClose(
                    "hvp",
                    second,
                    Kiln.jvp(Kiln.grad(loss), x, Np.onesLike(x)).tangent().toDoubleArray());
            EXACT.assertClose(
                    "grad of grad",
                    second,
                    Kiln.grad((Array a) -> Np.sum(Kiln.grad(loss).apply(a)))
                            .apply(x)
                            .toDoubleArray());
            return null;
        });
    }

    @Test
    void customJvpIsUsedEvenWhenItDisagreesWithTheFunction() {
        onReference(() -> {
            Function<Array, Array> scaled = CustomDerivatives.customJvp(
                    a -> Np.sin(a), (a, t) -> new Kiln.Jvp<>(Np.sin(a), Np.multiply(t, 3.0)));
            Array x = Np.array(new double[] {0.1, 0.2});
            EXACT.assertClose(
                    "value", Np.sin(x).toDoubleArray(), scaled.apply(x).toDoubleArray());
            EXACT.assertClose(
                    "grad",
                    new double[] {3, 3},
                    Kiln.grad((Array a) -> Np.sum(scaled.apply(a))).apply(x).toDoubleArray());
            return null;
        });
    }

    @Test
    void customJvpRejectsCapturedTracedValues() {
        onReference(() -> {
            Array x = Np.array(new double[] {0.5});
            assertThrows(KilnException.class, () -> Kiln.grad((Array a) -> {
                        Function<Array, Array> g = CustomDerivatives.customJvp(
                                b -> Np.multiply(b, a), (b, t) -> new Kiln.Jvp<>(Np.multiply(b, a), Np.multiply(t, a)));
                        return Np.sum(g.apply(Np.multiply(a, 2.0)));
                    })
                    .apply(x));
            return null;
        });
    }

    static final Function<Array, Array> DEEP = x -> Np.sin(Np.tanh(Np.sin(Np.multiply(Np.exp(x), x))));

    @Test
    void checkpointKeepsValuesAndDerivatives() {
        onReference(() -> {
            Array x = DerivativeChecks.normal(new Random(7), 2, 3);
            Array v = DerivativeChecks.normal(new Random(8), 2, 3);
            Function<Array, Array> plain = a -> Np.sum(DEEP.apply(a));
            Function<Array, Array> remat =
                    a -> Np.sum(CustomDerivatives.checkpoint(DEEP).apply(a));
            EXACT.assertClose("value", new double[] {plain.apply(x).item()}, new double[] {
                remat.apply(x).item()
            });
            EXACT.assertClose(
                    "grad",
                    Kiln.grad(plain).apply(x).toDoubleArray(),
                    Kiln.grad(remat).apply(x).toDoubleArray());
            EXACT.assertClose(
                    "jit(grad)",
                    Kiln.grad(plain).apply(x).toDoubleArray(),
                    Kiln.jit(Kiln.grad(remat)).apply(x).toDoubleArray());
            EXACT.assertClose(
                    "jvp",
                    Kiln.jvp(plain, x, v).tangent().toDoubleArray(),
                    Kiln.jvp(remat, x, v).tangent().toDoubleArray());
            EXACT.assertClose(
                    "hvp",
                    Kiln.jvp(Kiln.grad(plain), x, v).tangent().toDoubleArray(),
                    Kiln.jvp(Kiln.grad(remat), x, v).tangent().toDoubleArray());
            EXACT.assertClose(
                    "grad of grad",
                    Kiln.grad((Array a) ->
                                    Np.sum(Np.multiply(v, Kiln.grad(plain).apply(a))))
                            .apply(x)
                            .toDoubleArray(),
                    Kiln.grad((Array a) ->
                                    Np.sum(Np.multiply(v, Kiln.grad(remat).apply(a))))
                            .apply(x)
                            .toDoubleArray());
            return null;
        });
    }

    @Test
    void checkpointedLinearProgramKeepsOnlyTheInputs() {
        onReference(() -> {
            Array x = DerivativeChecks.normal(new Random(9), 2, 3);
            Function<List<Array>, List<Array>> plain = a -> List.of(DEEP.apply(a.get(0)));
            Function<List<Array>, List<Array>> remat =
                    a -> List.of(CustomDerivatives.checkpoint(DEEP).apply(a.get(0)));
            int kept = savedElements(Autodiff.linearize(plain, List.of(x)));
            int keptRemat = savedElements(Autodiff.linearize(remat, List.of(x)));
            // without remat the program keeps several 2x3 intermediates (cos, 1 - tanh^2, exp, ...)
            assertTrue(kept >= 4 * x.size(), "plain linearisation keeps " + kept + " elements");
            assertTrue(keptRemat <= 2 * x.size(), "checkpointed linearisation keeps " + keptRemat + " elements");
            return null;
        });
    }

    private static int savedElements(Autodiff.Linearized lin) {
        return lin.constants().stream()
                .filter(c -> c.ndim() > 0)
                .mapToInt(Array::size)
                .sum();
    }
}
