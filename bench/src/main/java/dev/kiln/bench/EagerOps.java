package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.spi.Backend;
import java.util.concurrent.TimeUnit;
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
 * Single eager operations of a backend next to a plain-Java loop: {@code add} of two 16M float32
 * vectors (reads 8 bytes and writes 4 per element: 201 MB) and a full {@code sum} of one (reads 4
 * bytes per element: 67 MB). The 1024³ matmul is in {@link Matmul}.
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
public class EagerOps {
    /** Two vectors on a Kiln backend. */
    @State(Scope.Benchmark)
    public static class OnKiln {
        @Param({"cpu-simd"})
        public String backend;

        @Param({"16777216"})
        public int length;

        Backend on;
        Array x;
        Array y;

        @Setup
        public void setup() {
            on = Kiln.backend(backend);
            x = Kiln.withBackend(on, () -> Np.array(Data.uniform(length, 1)));
            y = Kiln.withBackend(on, () -> Np.array(Data.uniform(length, 2)));
        }
    }

    /** The same vectors as Java arrays. */
    @State(Scope.Benchmark)
    public static class OnHeap {
        @Param({"16777216"})
        public int length;

        float[] x;
        float[] y;

        @Setup
        public void setup() {
            x = Data.uniform(length, 1);
            y = Data.uniform(length, 2);
        }
    }

    @Benchmark
    public Array addEager(OnKiln s) {
        return Kiln.withBackend(s.on, () -> s.x.add(s.y));
    }

    @Benchmark
    public float[] addPlain(OnHeap s) {
        return PlainLoops.add(s.x, s.y);
    }

    @Benchmark
    public Array sumEager(OnKiln s) {
        return Kiln.withBackend(s.on, () -> Np.sum(s.x));
    }

    @Benchmark
    public float sumPlain(OnHeap s) {
        return PlainLoops.sum(s.x);
    }
}
