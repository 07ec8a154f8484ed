package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.autodiff.DerivativeChecks.Check;
import dev.kiln.autodiff.DerivativeChecks.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Derivatives of small models written with {@code Np}, by every mode and order, and through pytrees. */
class CompositeDerivativesTest {
    record Params(Array w1, Array b1, Array w2, Array b2) {}

    static <T> T onReference(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    // ------------------------------------------------------------------ the models

    static final Array LABELS = onReference(() -> Np.array(new int[] {2, 0, 4, 1}));

    /** Mean softmax cross-entropy of (4, 5) logits against {@link #LABELS}. */
    static Array softmaxCrossEntropy(Array logits) {
        Array logProbs = Np.subtract(logits, Np.logSumExp(logits, new int[] {1}, true));
        Array picked = Np.sum(Np.multiply(Np.oneHot(LABELS, 5, DType.FLOAT64), logProbs), 1);
        return Np.negative(Np.mean(picked));
    }

    /** Layer normalisation over the last axis with a learned scale and shift. */
    static Array layerNorm(Array x, Array gamma, Array beta) {
        Array mean = Np.mean(x, new int[] {1}, true);
        Array centred = Np.subtract(x, mean);
        Array variance = Np.mean(Np.square(centred), new int[] {1}, true);
        return Np.add(Np.multiply(Np.divide(centred, Np.sqrt(Np.add(variance, 1e-5))), gamma), beta);
    }

    static Array mlpLoss(Params p, Array[] batch) {
        Array hidden = Np.tanh(Np.add(Np.matmul(batch[0], p.w1()), p.b1()));
        Array prediction = Np.add(Np.matmul(hidden, p.w2()), p.b2());
        return Np.mean(Np.square(Np.subtract(prediction, batch[1])));
    }

    static Params params(Random r) {
        return new Params(
                DerivativeChecks.normal(r, 3, 4), DerivativeChecks.normal(r, 4),
                DerivativeChecks.normal(r, 4, 2), DerivativeChecks.normal(r, 2));
    }

    static Array[] batch(Random r) {
        return new Array[] {DerivativeChecks.normal(r, 5, 3), DerivativeChecks.normal(r, 5, 2)};
    }

    static List<PrimitiveCases.Case> cases() {
        List<PrimitiveCases.Case> cases = new ArrayList<>();
        cases.add(new PrimitiveCases.Case(
                "softmax_cross_entropy",
                r -> new Instance(a -> softmaxCrossEntropy(a.get(0)), List.of(DerivativeChecks.normal(r, 4, 5)))));
        cases.add(new PrimitiveCases.Case(
                "layer_norm",
                r -> new Instance(
                        a -> layerNorm(a.get(0), a.get(1), a.get(2)),
                        List.of(
                                DerivativeChecks.normal(r, 3, 6),
                                DerivativeChecks.normal(r, 6),
                                DerivativeChecks.normal(r, 6)))));
        cases.add(new PrimitiveCases.Case("mlp_loss", r -> {
            Array[] data = batch(r);
            Params p = params(r);
            return new Instance(
                    a -> mlpLoss(new Params(a.get(0), a.get(1), a.get(2), a.get(3)), data),
                    List.of(p.w1(), p.b1(), p.w2(), p.b2()));
        }));
        return cases;
    }

    @TestFactory
    List<DynamicNode> compositesMatchFiniteDifferences() {
        List<DynamicNode> out = new ArrayList<>();
        for (PrimitiveCases.Case c : cases()) {
            List<DynamicNode> tests = new ArrayList<>();
            for (Check check : Check.values()) {
                long seed = c.name().hashCode();
                tests.add(DynamicTest.dynamicTest(
                        check.toString(),
                        () -> onReference(() -> {
                            DerivativeChecks.run(check, c.make().apply(new Random(seed)), seed + 1);
                            return null;
                        })));
            }
            out.add(DynamicContainer.dynamicContainer(c.name(), tests));
        }
        return out;
    }

    @Test
    void softmaxCrossEntropyGradientIsSoftmaxMinusOneHotOverBatch() {
        onReference(() -> {
            Array logits = DerivativeChecks.normal(new Random(5), 4, 5);
            Array grad =
                    Kiln.grad(CompositeDerivativesTest::softmaxCrossEntropy).apply(logits);
            Array softmax = Np.exp(Np.subtract(logits, Np.logSumExp(logits, new int[] {1}, true)));
            Array expected = Np.divide(Np.subtract(softmax, Np.oneHot(LABELS, 5, DType.FLOAT64)), 4.0);
            Tolerance.rounding().assertClose("d loss / d logits", expected.toDoubleArray(), grad.toDoubleArray());
            return null;
        });
    }

    @Test
    void gradOfARecordIsARecordOfGradients() {
        onReference(() -> {
            Random r = new Random(11);
            Params p = params(r);
            Array[] data = batch(r);
            BiFunction<Params, Array[], Array> loss = CompositeDerivativesTest::mlpLoss;
            Params g = Kiln.grad(loss).apply(p, data);
            assertInstanceOf(Params.class, g);
            List<Array> leaves = List.of(p.w1(), p.b1(), p.w2(), p.b2());
            double[] expected = FiniteDifferences.gradient(
                    a -> mlpLoss(new Params(a.get(0), a.get(1), a.get(2), a.get(3)), data), leaves);
            List<Array> actual = List.of(g.w1(), g.b1(), g.w2(), g.b2());
            for (int i = 0; i < 4; i++) {
                assertEquals(leaves.get(i).spec(), actual.get(i).spec(), "leaf " + i + " keeps its spec");
            }
            Tolerance.finiteDifferences().assertClose("grad of the MLP loss", expected, FiniteDifferences.flat(actual));
            Kiln.ValueAndGrad<Params> vg = Kiln.valueAndGrad(loss).apply(p, data);
            Tolerance.rounding()
                    .assertClose("value", new double[] {loss.apply(p, data).item()}, new double[] {
                        vg.value().item()
                    });
            Tolerance.rounding()
                    .assertClose(
                            "valueAndGrad's grad",
                            FiniteDifferences.flat(actual),
                            FiniteDifferences.flat(List.of(
                                    vg.grad().w1(),
                                    vg.grad().b1(),
                                    vg.grad().w2(),
                                    vg.grad().b2())));
            return null;
        });
    }

    @Test
    void jitOfGradEqualsGrad() {
        onReference(() -> {
            Random r = new Random(12);
            Params p = params(r);
            Array[] data = batch(r);
            BiFunction<Params, Array[], Params> grad = Kiln.grad(CompositeDerivativesTest::mlpLoss);
            BiFunction<Params, Array[], Params> fast = Kiln.jit(grad);
            assertSameParams(grad.apply(p, data), fast.apply(p, data));
            Params q = params(r);
            assertSameParams(grad.apply(q, data), fast.apply(q, data)); // from the cache

            Function<Array, Array> ce = Kiln.grad(CompositeDerivativesTest::softmaxCrossEntropy);
            Array logits = DerivativeChecks.normal(r, 4, 5);
            Tolerance.rounding()
                    .assertClose(
                            "jit(grad(cross entropy))",
                            ce.apply(logits).toDoubleArray(),
                            Kiln.jit(ce).apply(logits).toDoubleArray());
            return null;
        });
    }

    @Test
    void jitOfHessianVectorProductEqualsEager() {
        onReference(() -> {
            Random r = new Random(13);
            Array x = DerivativeChecks.normal(r, 3, 6);
            Array v = DerivativeChecks.normal(r, 3, 6);
            Array gamma = DerivativeChecks.normal(r, 6);
            Array w = DerivativeChecks.normal(r, 3, 6);
            Function<Array, Array> loss = a -> Np.sum(Np.multiply(w, layerNorm(a, gamma, Np.zerosLike(gamma))));
            Function<Array, Array> hvp = a -> Kiln.jvp(Kiln.grad(loss), a, v).tangent();
            Tolerance.rounding()
                    .assertClose(
                            "jit(hvp)",
                            hvp.apply(x).toDoubleArray(),
                            Kiln.jit(hvp).apply(x).toDoubleArray());
            return null;
        });
    }

    @Test
    void gradOfJitEqualsGrad() {
        onReference(() -> {
            Random r = new Random(14);
            Array logits = DerivativeChecks.normal(r, 4, 5);
            Function<Array, Array> f = CompositeDerivativesTest::softmaxCrossEntropy;
            Tolerance.rounding()
                    .assertClose(
                            "grad(jit(f))",
                            Kiln.grad(f).apply(logits).toDoubleArray(),
                            Kiln.grad(Kiln.jit(f)).apply(logits).toDoubleArray());
            return null;
        });
    }

    private static void assertSameParams(Params expected, Params actual) {
        Tolerance.rounding()
                .assertClose(
                        "jit(grad) vs grad",
                        FiniteDifferences.flat(List.of(expected.w1(), expected.b1(), expected.w2(), expected.b2())),
                        FiniteDifferences.flat(List.of(actual.w1(), actual.b1(), actual.w2(), actual.b2())));
    }
}
