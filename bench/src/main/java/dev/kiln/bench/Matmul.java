package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.bench.Workloads.Layer;
import dev.kiln.spi.Backend;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
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
 * Square float32 matmuls ({@code n} = 256, 1024, 2048) and the dense layer {@code tanh(x @ w + b)} at
 * 1024. Limit: 2n³ flop at the FMA peak; the dense layer's epilogue adds n² tanh, which a fused
 * kernel applies while the output tile is still in registers or L1.
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
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Matmul {
    /** Two n×n matrices on a Kiln backend. */
    @State(Scope.Benchmark)
    public static class OnKiln {
        @Param({"cpu-simd"})
        public String backend;

        @Param({"256", "1024", "2048"})
        public int n;

        Backend on;
        Array a;
        Array b;
        BiFunction<Array, Array, Array> matmul;

        @Setup
        public void setup() {
            on = Kiln.backend(backend);
            Kiln.withBackend(on, () -> {
                a = Np.array(Data.uniform(n * n, 8), n, n);
                b = Np.array(Data.uniform(n * n, 9), n, n);
                return null;
            });
            matmul = Kiln.jit(Workloads::matmul);
        }
    }

    /** The same matrices as Java arrays. */
    @State(Scope.Benchmark)
    public static class OnHeap {
        @Param({"256", "1024", "2048"})
        public int n;

        float[] a;
        float[] b;

        @Setup
        public void setup() {
            a = Data.uniform(n * n, 8);
            b = Data.uniform(n * n, 9);
        }
    }

    /** A batch of {@code width} rows through a width→width dense layer on a Kiln backend. */
    @State(Scope.Benchmark)
    public static class DenseOnKiln {
        @Param({"cpu-simd"})
        public String backend;

        @Param({"1024"})
        public int width;

        Backend on;
        Layer layer;
        Function<Layer, Array> dense;

        @Setup
        public void setup() {
            on = Kiln.backend(backend);
            // weights scaled by 1/sqrt(width) so that tanh sees values of order one, not saturation
            float scale = (float) (1 / Math.sqrt(width));
            layer = Kiln.withBackend(
                    on,
                    () -> new Layer(
                            Np.array(Data.uniform(width * width, 10), width, width),
                            Np.array(Data.uniform(width * width, 11, scale), width, width),
                            Np.array(Data.uniform(width, 12), width)));
            dense = Kiln.jit(Workloads::dense);
        }
    }

    /** The dense layer's inputs as Java arrays. */
    @State(Scope.Benchmark)
    public static class DenseOnHeap {
        @Param({"1024"})
        public int width;

        float[] x;
        float[] w;
        float[] b;

        @Setup
        public void setup() {
            x = Data.uniform(width * width, 10);
            w = Data.uniform(width * width, 11, (float) (1 / Math.sqrt(width)));
            b = Data.uniform(width, 12);
        }
    }

    @Benchmark
    public Array matmulEager(OnKiln s) {
        return Kiln.withBackend(s.on, () -> Workloads.matmul(s.a, s.b)).blockUntilReady();
    }

    @Benchmark
    public Array matmulJit(OnKiln s) {
        return s.matmul.apply(s.a, s.b).blockUntilReady();
    }

    @Benchmark
    public float[] matmulPlain(OnHeap s) {
        return PlainLoops.matmul(s.a, s.b, s.n, s.n, s.n);
    }

    @Benchmark
    public Array denseEager(DenseOnKiln s) {
        return Kiln.withBackend(s.on, () -> Workloads.dense(s.layer)).blockUntilReady();
    }

    @Benchmark
    public Array denseJit(DenseOnKiln s) {
        return s.dense.apply(s.layer).blockUntilReady();
    }

    @Benchmark
    public float[] densePlain(DenseOnHeap s) {
        return PlainLoops.dense(s.x, s.w, s.b, s.width, s.width, s.width);
    }
}
