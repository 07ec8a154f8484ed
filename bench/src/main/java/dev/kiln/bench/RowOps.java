package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.bench.Workloads.Affine;
import dev.kiln.spi.Backend;
import java.util.concurrent.TimeUnit;
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
 * Row-wise softmax and layer normalisation of a float32 matrix (4096×1024 by default): reductions
 * along the last axis whose results are broadcast back over the row. Limit: read the matrix once
 * and write it once (32 MB at 4096×1024); one 4 KB row fits in L1, so a fused kernel can make its
 * second and third passes from cache.
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
public class RowOps {
    /** Inputs on a Kiln backend and the jitted functions. */
    @State(Scope.Benchmark)
    public static class OnKiln {
        @Param({"cpu-simd"})
        public String backend;

        @Param({"4096"})
        public int rows;

        @Param({"1024"})
        public int cols;

        Backend on;
        Affine input;
        Function<Array, Array> softmax;
        Function<Affine, Array> layerNorm;

        @Setup
        public void setup() {
            on = Kiln.backend(backend);
            input = Kiln.withBackend(
                    on,
                    () -> new Affine(
                            Np.array(Data.uniform(rows * cols, 5, 4f), rows, cols),
                            Np.array(Data.uniform(cols, 6), cols),
                            Np.array(Data.uniform(cols, 7), cols)));
            softmax = Kiln.jit(Workloads::softmax);
            layerNorm = Kiln.jit(Workloads::layerNorm);
        }
    }

    /** The same inputs as Java arrays. */
    @State(Scope.Benchmark)
    public static class OnHeap {
        @Param({"4096"})
        public int rows;

        @Param({"1024"})
        public int cols;

        float[] x;
        float[] gamma;
        float[] beta;

        @Setup
        public void setup() {
            x = Data.uniform(rows * cols, 5, 4f);
            gamma = Data.uniform(cols, 6);
            beta = Data.uniform(cols, 7);
        }
    }

    @Benchmark
    public Array softmaxEager(OnKiln s) {
        return Kiln.withBackend(s.on, () -> Workloads.softmax(s.input.x())).blockUntilReady();
    }

    @Benchmark
    public Array softmaxJit(OnKiln s) {
        return s.softmax.apply(s.input.x()).blockUntilReady();
    }

    @Benchmark
    public float[] softmaxPlain(OnHeap s) {
        return PlainLoops.softmax(s.x, s.rows, s.cols);
    }

    @Benchmark
    public Array layerNormEager(OnKiln s) {
        return Kiln.withBackend(s.on, () -> Workloads.layerNorm(s.input)).blockUntilReady();
    }

    @Benchmark
    public Array layerNormJit(OnKiln s) {
        return s.layerNorm.apply(s.input).blockUntilReady();
    }

    @Benchmark
    public float[] layerNormPlain(OnHeap s) {
        return PlainLoops.layerNorm(s.x, s.gamma, s.beta, s.rows, s.cols);
    }
}
