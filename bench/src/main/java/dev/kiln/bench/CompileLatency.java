package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.spi.Backend;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first call of a freshly jitted {@code sum(tanh(x*c + 1))}: trace, plan, compile the fused
 * kernel, run it once on a few thousand elements. Each invocation gets a new function object, and
 * in {@link #freshKernel} a new constant {@code c} and a new length, so neither {@code jit}'s
 * per-function cache nor a backend's kernel cache can answer; {@link #cachedKernel} keeps {@code c}
 * and the length, so it times tracing and planning with a kernel cache hit. Nothing is subtracted.
 * Single-shot timings, one per invocation; Compare reports the median. The warm-up iterations
 * load and JIT-compile Kiln's own compiler, so this is the steady-state latency of a long-running
 * program, not the first {@code jit} after JVM start.
 */
@BenchmarkMode(Mode.SingleShotTime)
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
@Warmup(iterations = 30)
@Measurement(iterations = 60)
public class CompileLatency {
    static final int BASE_LENGTH = 4096;

    /** A new function, constant and input length for every invocation. */
    @State(Scope.Benchmark)
    public static class Fresh {
        @Param({"cpu-simd"})
        public String backend;

        Backend on;
        int count;
        Array x;
        Function<Array, Array> f;

        @Setup(Level.Trial)
        public void open() {
            on = Kiln.backend(backend);
        }

        @Setup(Level.Invocation)
        public void next() {
            count++;
            int n = BASE_LENGTH + count;
            x = Kiln.withBackend(on, () -> Np.array(Data.uniform(n, count)));
            float c = 1 + count * 1e-3f;
            f = Kiln.jit(a -> Np.sum(Np.tanh(a.multiply(c).add(1f))));
        }
    }

    /** A new function object for every invocation, with the same constant and length. */
    @State(Scope.Benchmark)
    public static class SameStructure {
        @Param({"cpu-simd"})
        public String backend;

        Array x;
        Function<Array, Array> f;

        @Setup(Level.Trial)
        public void open() {
            x = Kiln.withBackend(backend, () -> Np.array(Data.uniform(BASE_LENGTH, 1)));
        }

        @Setup(Level.Invocation)
        public void next() {
            f = Kiln.jit(a -> Np.sum(Np.tanh(a.multiply(1.5f).add(1f))));
        }
    }

    @Benchmark
    public float freshKernel(Fresh s) {
        return s.f.apply(s.x).floatItem();
    }

    @Benchmark
    public float cachedKernel(SameStructure s) {
        return s.f.apply(s.x).floatItem();
    }
}
