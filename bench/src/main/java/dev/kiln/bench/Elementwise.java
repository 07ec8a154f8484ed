package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.bench.Workloads.Xyz;
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
 * Elementwise chains over three float32 vectors: {@code sum(x + y*z)} (into a reduction) and
 * {@code tanh(x + y*z)*0.5 + x} (a map). Limits: the fused forms must read 12 bytes per element
 * (and the map write 4 more), so at 16M elements they are bandwidth-bound at 201 MB and 268 MB.
 *
 * <p>Every eager benchmark runs inside {@code Kiln.withBackend}: scalar constants ({@code 0.5},
 * the divisor of a mean) are created on the current backend, which must be the benchmarked one.
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
public class Elementwise {
    /** Inputs on a Kiln backend and the jitted functions. */
    @State(Scope.Benchmark)
    public static class OnKiln {
        @Param({"cpu-simd"})
        public String backend;

        @Param({"16777216"})
        public int length;

        Backend on;
        Xyz xyz;
        Function<Xyz, Array> sumFma;
        Function<Xyz, Array> tanhChain;

        @Setup
        public void setup() {
            on = Kiln.backend(backend);
            xyz = Kiln.withBackend(
                    on,
                    () -> new Xyz(
                            Np.array(Data.uniform(length, 1)),
                            Np.array(Data.uniform(length, 2)),
                            Np.array(Data.uniform(length, 3))));
            sumFma = Kiln.jit(Workloads::sumFma);
            tanhChain = Kiln.jit(Workloads::tanhChain);
        }
    }

    /** The same inputs as Java arrays. */
    @State(Scope.Benchmark)
    public static class OnHeap {
        @Param({"16777216"})
        public int length;

        float[] x;
        float[] y;
        float[] z;

        @Setup
        public void setup() {
            x = Data.uniform(length, 1);
            y = Data.uniform(length, 2);
            z = Data.uniform(length, 3);
        }
    }

    @Benchmark
    public Array sumFmaEager(OnKiln s) {
        return Kiln.withBackend(s.on, () -> Workloads.sumFma(s.xyz)).blockUntilReady();
    }

    @Benchmark
    public Array sumFmaJit(OnKiln s) {
        return s.sumFma.apply(s.xyz).blockUntilReady();
    }

    @Benchmark
    public float sumFmaPlain(OnHeap s) {
        return PlainLoops.sumFma(s.x, s.y, s.z);
    }

    @Benchmark
    public Array tanhChainEager(OnKiln s) {
        return Kiln.withBackend(s.on, () -> Workloads.tanhChain(s.xyz)).blockUntilReady();
    }

    @Benchmark
    public Array tanhChainJit(OnKiln s) {
        return s.tanhChain.apply(s.xyz).blockUntilReady();
    }

    @Benchmark
    public float[] tanhChainPlain(OnHeap s) {
        return PlainLoops.tanhChain(s.x, s.y, s.z);
    }
}
