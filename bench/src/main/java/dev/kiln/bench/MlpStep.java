package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.Tree;
import dev.kiln.spi.Backend;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One SGD step of a 784-512-10 tanh MLP with softmax cross-entropy on a batch of 256: {@code grad}
 * run op by op, the same step under {@code jit} (the workload {@code jax/mlp_step.py} times), and
 * the forward and backward passes written by hand in Java. Limit: about 0.42 GFLOP, nearly all in
 * the two 256×784×512 products (forward, and the weight gradient).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsPrepend = {
            "--add-modules=jdk.incubator.vector",
            "-XX:+UseParallelGC",
            "-Xms6g",
            "-Xmx6g",
            "-XX:+AlwaysPreTouch",
            "-XX:+UseTransparentHugePages"
        })
@Warmup(iterations = 12, time = 1)
@Measurement(iterations = 5, time = 1)
public class MlpStep {
    static final int BATCH = 256;
    static final int IN = 784;
    static final int HIDDEN = 512;
    static final int CLASSES = 10;

    /** The MLP's parameters. */
    public record Params(Array w1, Array b1, Array w2, Array b2) {}

    /** A batch of inputs and integer labels. */
    public record Batch(Array x, Array y) {}

    static Array loss(Params p, Batch b) {
        Array h = Np.tanh(Np.matmul(b.x(), p.w1()).add(p.b1()));
        Array logits = Np.matmul(h, p.w2()).add(p.b2());
        Array logProbs = logits.subtract(logits.logSumExp(new int[] {1}, true));
        return Np.negative(
                Np.sum(logProbs.multiply(Np.oneHot(b.y(), CLASSES)), 1).mean());
    }

    static Params sgd(Params p, Batch b) {
        Params g = Kiln.grad(MlpStep::loss).apply(p, b);
        return Tree.map((w, dw) -> w.subtract(dw.multiply(0.01f)), p, g);
    }

    static int[] labels() {
        int[] labels = new int[BATCH];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i * 7) % CLASSES;
        }
        return labels;
    }

    /** Parameters and a batch on a Kiln backend, and the jitted step. */
    @State(Scope.Benchmark)
    public static class OnKiln {
        @Param({"cpu-simd"})
        public String backend;

        Backend on;
        Params params;
        Batch batch;
        BiFunction<Params, Batch, Params> step;

        @Setup
        public void setup() {
            on = Kiln.backend(backend);
            Kiln.withBackend(on, () -> {
                params = new Params(
                        Np.array(Data.uniform(IN * HIDDEN, 11, 0.05f), IN, HIDDEN),
                        Np.zeros(HIDDEN),
                        Np.array(Data.uniform(HIDDEN * CLASSES, 12, 0.05f), HIDDEN, CLASSES),
                        Np.zeros(CLASSES));
                batch = new Batch(Np.array(Data.uniform(BATCH * IN, 13), BATCH, IN), Np.array(labels()));
                return null;
            });
            step = Kiln.jit(MlpStep::sgd);
        }
    }

    /** The same parameters and batch as Java arrays. */
    @State(Scope.Benchmark)
    public static class OnHeap {
        PlainLoops.Mlp params;
        float[] x;
        int[] labels;

        @Setup
        public void setup() {
            params = new PlainLoops.Mlp(
                    Data.uniform(IN * HIDDEN, 11, 0.05f),
                    new float[HIDDEN],
                    Data.uniform(HIDDEN * CLASSES, 12, 0.05f),
                    new float[CLASSES]);
            x = Data.uniform(BATCH * IN, 13);
            labels = labels();
        }
    }

    @Benchmark
    public Params trainStepEager(OnKiln s) {
        return Kiln.withBackend(s.on, () -> sgd(s.params, s.batch));
    }

    @Benchmark
    public Params trainStepJit(OnKiln s) {
        return s.step.apply(s.params, s.batch);
    }

    @Benchmark
    public PlainLoops.Mlp trainStepPlain(OnHeap s) {
        return PlainLoops.mlpStep(s.params, s.x, s.labels, BATCH, IN, HIDDEN, CLASSES);
    }
}
