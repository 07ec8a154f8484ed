package dev.kiln.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.Tree;
import dev.kiln.bench.Workloads.Affine;
import dev.kiln.bench.Workloads.Layer;
import dev.kiln.bench.Workloads.Xyz;
import dev.kiln.conformance.Tolerance;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmarks time what they say: on small, odd sizes every workload's eager and jit forms on a
 * backend, and its plain-Java baseline, agree with the reference backend's eager result (Kiln's
 * double-precision oracle) within the conformance suite's tolerances.
 */
class WorkloadsTest {
    private static final int LENGTH = 4099;
    private static final int ROWS = 37;
    private static final int COLS = 131;
    private static final int K = 67;

    private static <T> T on(String backend, Supplier<T> body) {
        return Kiln.withBackend(backend, body);
    }

    /** Runs {@code f} eagerly and jitted on {@code backend} with inputs {@code make} builds there. */
    private static <T> List<float[]> eagerAndJit(String backend, Supplier<T> make, Function<T, Array> f) {
        return on(backend, () -> {
            T in = make.get();
            return List.of(f.apply(in).toFloatArray(), Kiln.jit(f).apply(in).toFloatArray());
        });
    }

    private static void assertClose(
            String what, Tolerance.Rule rule, float[] expected, float[] actual, double[] scale) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double s = scale.length == 1 ? scale[0] : scale[i];
            assertTrue(
                    rule.accepts(DType.FLOAT32, expected[i], actual[i], s),
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (" + rule + ")");
        }
    }

    private static void assertComposite(String what, float[] expected, float[] actual) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
        }
        assertClose(what, Tolerance.composite(DType.FLOAT32), expected, actual, Tolerance.maxMagnitude(e));
    }

    private static Xyz xyz() {
        return new Xyz(
                Np.array(Data.uniform(LENGTH, 1)),
                Np.array(Data.uniform(LENGTH, 2)),
                Np.array(Data.uniform(LENGTH, 3)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu-simd", "reference"})
    void sumFma(String backend) {
        float[] x = Data.uniform(LENGTH, 1);
        float[] y = Data.uniform(LENGTH, 2);
        float[] z = Data.uniform(LENGTH, 3);
        double magnitudes = 0;
        for (int i = 0; i < LENGTH; i++) {
            magnitudes += Math.abs(x[i] + (double) y[i] * z[i]);
        }
        float expected = on("reference", () -> Workloads.sumFma(xyz()).floatItem());
        Tolerance.Rule rule = Tolerance.reduction("sum", DType.FLOAT32, LENGTH);
        double[] scale = {magnitudes};
        for (float[] got : eagerAndJit(backend, WorkloadsTest::xyz, Workloads::sumFma)) {
            assertClose("sum(x+y*z) " + backend, rule, new float[] {expected}, got, scale);
        }
        assertClose("plain sum(x+y*z)", rule, new float[] {expected}, new float[] {PlainLoops.sumFma(x, y, z)}, scale);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu-simd", "reference"})
    void tanhChain(String backend) {
        float[] expected = on("reference", () -> Workloads.tanhChain(xyz()).toFloatArray());
        for (float[] got : eagerAndJit(backend, WorkloadsTest::xyz, Workloads::tanhChain)) {
            assertComposite("tanh chain " + backend, expected, got);
        }
        assertComposite(
                "plain tanh chain",
                expected,
                PlainLoops.tanhChain(Data.uniform(LENGTH, 1), Data.uniform(LENGTH, 2), Data.uniform(LENGTH, 3)));
    }

    private static Affine affine() {
        return new Affine(
                Np.array(Data.uniform(ROWS * COLS, 5, 4f), ROWS, COLS),
                Np.array(Data.uniform(COLS, 6), COLS),
                Np.array(Data.uniform(COLS, 7), COLS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu-simd", "reference"})
    void softmax(String backend) {
        float[] expected = on("reference", () -> Workloads.softmax(affine().x()).toFloatArray());
        for (float[] got : eagerAndJit(backend, () -> affine().x(), Workloads::softmax)) {
            assertComposite("softmax " + backend, expected, got);
        }
        assertComposite("plain softmax", expected, PlainLoops.softmax(Data.uniform(ROWS * COLS, 5, 4f), ROWS, COLS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu-simd", "reference"})
    void layerNorm(String backend) {
        float[] expected = on("reference", () -> Workloads.layerNorm(affine()).toFloatArray());
        for (float[] got : eagerAndJit(backend, WorkloadsTest::affine, Workloads::layerNorm)) {
            assertComposite("layer norm " + backend, expected, got);
        }
        assertComposite(
                "plain layer norm",
                expected,
                PlainLoops.layerNorm(
                        Data.uniform(ROWS * COLS, 5, 4f), Data.uniform(COLS, 6), Data.uniform(COLS, 7), ROWS, COLS));
    }

    private static Layer layer() {
        return new Layer(
                Np.array(Data.uniform(ROWS * K, 8), ROWS, K),
                Np.array(Data.uniform(K * COLS, 9), K, COLS),
                Np.array(Data.uniform(COLS, 10), COLS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu-simd", "reference"})
    void matmulAndDense(String backend) {
        float[] mm =
                on("reference", () -> Workloads.matmul(layer().x(), layer().w()).toFloatArray());
        float[] dense = on("reference", () -> Workloads.dense(layer()).toFloatArray());
        for (float[] got : eagerAndJit(backend, WorkloadsTest::layer, l -> Workloads.matmul(l.x(), l.w()))) {
            assertComposite("matmul " + backend, mm, got);
        }
        for (float[] got : eagerAndJit(backend, WorkloadsTest::layer, Workloads::dense)) {
            assertComposite("dense " + backend, dense, got);
        }
        float[] a = Data.uniform(ROWS * K, 8);
        float[] w = Data.uniform(K * COLS, 9);
        assertComposite("plain matmul", mm, PlainLoops.matmul(a, w, ROWS, K, COLS));
        assertComposite("plain dense", dense, PlainLoops.dense(a, w, Data.uniform(COLS, 10), ROWS, K, COLS));
    }

    /** The hand-derived backward pass of the plain MLP step matches {@code grad}. */
    @ParameterizedTest
    @ValueSource(strings = {"cpu-simd", "reference"})
    void mlpStep(String backend) {
        MlpStep.OnKiln onReference = new MlpStep.OnKiln();
        onReference.backend = "reference";
        onReference.setup();
        MlpStep.Params expected = on("reference", () -> MlpStep.sgd(onReference.params, onReference.batch));

        MlpStep.OnKiln s = new MlpStep.OnKiln();
        s.backend = backend;
        s.setup();
        MlpStep.Params eager = new MlpStep().trainStepEager(s);
        MlpStep.Params jit = new MlpStep().trainStepJit(s);
        MlpStep.OnHeap h = new MlpStep.OnHeap();
        h.setup();
        PlainLoops.Mlp plain = new MlpStep().trainStepPlain(h);
        MlpStep.Params plainAsParams = new MlpStep.Params(
                Np.array(plain.w1()), Np.array(plain.b1()), Np.array(plain.w2()), Np.array(plain.b2()));

        List<Array> want = Tree.flatten(expected).leaves();
        for (var got : List.of(eager, jit, plainAsParams)) {
            List<Array> leaves = Tree.flatten(got).leaves();
            for (int i = 0; i < want.size(); i++) {
                assertComposite(
                        "MLP step parameter " + i + " " + backend,
                        want.get(i).toFloatArray(),
                        leaves.get(i).toFloatArray());
            }
        }
        // the step moved the weights by more than the tolerance: returning the input would not pass
        float[] before = onReference.params.w1().toFloatArray();
        float[] after = want.get(0).toFloatArray();
        double moved = 0;
        double largest = 0;
        for (int i = 0; i < before.length; i++) {
            moved = Math.max(moved, Math.abs(after[i] - before[i]));
            largest = Math.max(largest, Math.abs(before[i]));
        }
        double tolerance = 32 * Tolerance.epsilon(DType.FLOAT32) * largest;
        assertTrue(moved > 10 * tolerance, "w1 moved by " + moved + ", tolerance " + tolerance);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu-simd", "reference"})
    void dispatchAdd(String backend) {
        Dispatch.OnKiln s = new Dispatch.OnKiln();
        s.backend = backend;
        s.setup();
        float[] want = PlainLoops.add(new Dispatch.OnHeap().a, new Dispatch.OnHeap().b);
        assertClose(
                "add",
                Tolerance.elementwise("add", DType.FLOAT32),
                want,
                new Dispatch().addEager(s).toFloatArray(),
                new double[] {0});
        assertClose(
                "add",
                Tolerance.elementwise("add", DType.FLOAT32),
                want,
                new Dispatch().addJit(s).toFloatArray(),
                new double[] {0});
    }
}
