package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
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
 * The fixed cost of one operation: {@code add} of two 8-element float32 arrays, where the
 * arithmetic is a few nanoseconds and everything else (dtype promotion, shape rules, dispatch,
 * buffer allocation; for {@code jit} the signature lookup and the executable's call) is overhead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
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
public class Dispatch {
    static final int N = 8;

    /** Two tiny arrays on a Kiln backend and the jitted add. */
    @State(Scope.Benchmark)
    public static class OnKiln {
        @Param({"cpu-simd"})
        public String backend;

        Array a;
        Array b;
        BiFunction<Array, Array, Array> add;

        @Setup
        public void setup() {
            Kiln.withBackend(backend, () -> {
                a = Np.array(Data.uniform(N, 14));
                b = Np.array(Data.uniform(N, 15));
                return null;
            });
            add = Kiln.jit((Array x, Array y) -> Np.add(x, y));
        }
    }

    /** The same arrays in Java. */
    @State(Scope.Benchmark)
    public static class OnHeap {
        float[] a = Data.uniform(N, 14);
        float[] b = Data.uniform(N, 15);
    }

    @Benchmark
    public Array addEager(OnKiln s) {
        return Np.add(s.a, s.b);
    }

    @Benchmark
    public Array addJit(OnKiln s) {
        return s.add.apply(s.a, s.b);
    }

    @Benchmark
    public float[] addPlain(OnHeap s) {
        return PlainLoops.add(s.a, s.b);
    }
}
