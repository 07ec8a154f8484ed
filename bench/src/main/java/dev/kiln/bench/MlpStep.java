package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.Tree;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One SGD step of a 784-512-10 tanh MLP with softmax cross-entropy on a batch of 256, under
 * {@code jit}: the workload {@code bench/jax/mlp_step.py} times in JAX.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MlpStep {
    /** The MLP's parameters. */
    public record Params(Array w1, Array b1, Array w2, Array b2) {}

    /** A batch of inputs and integer labels. */
    public record Batch(Array x, Array y) {}

    @Param({"cpu-simd"})
    public String backend;

    Params params;
    Batch batch;
    BiFunction<Params, Batch, Params> step;

    static Array loss(Params p, Batch b) {
        Array h = Np.tanh(Np.matmul(b.x(), p.w1()).add(p.b1()));
        Array logits = Np.matmul(h, p.w2()).add(p.b2());
        Array logProbs = logits.subtract(logits.logSumExp(new int[] {1}, true));
        return Np.negative(Np.sum(logProbs.multiply(Np.oneHot(b.y(), 10)), 1).mean());
    }

    static Params sgd(Params p, Batch b) {
        Params g = Kiln.grad(MlpStep::loss).apply(p, b);
        return Tree.map((w, dw) -> w.subtract(dw.multiply(0.01f)), p, g);
    }

    @Setup
    public void setup() {
        Kiln.withBackend(backend, () -> {
            params = new Params(
                    Np.array(scaled(PlainJava.randomFloats(784 * 512, 11), 0.05f), 784, 512),
                    Np.zeros(512),
                    Np.array(scaled(PlainJava.randomFloats(512 * 10, 12), 0.05f), 512, 10),
                    Np.zeros(10));
            int[] labels = new int[256];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (i * 7) % 10;
            }
            batch = new Batch(Np.array(PlainJava.randomFloats(256 * 784, 13), 256, 784), Np.array(labels));
            return null;
        });
        step = Kiln.jit(MlpStep::sgd);
    }

    private static float[] scaled(float[] x, float s) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= s;
        }
        return x;
    }

    @Benchmark
    public Params trainStep() {
        return step.apply(params, batch);
    }
}
