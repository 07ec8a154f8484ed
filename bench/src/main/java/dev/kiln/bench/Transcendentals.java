package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
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
 * One jitted transcendental over a vector (1M elements, uniform in [-4, 4), shifted into the
 * domain for log): the cost of each function's vector form. Not in the comparison table; run with
 * {@code -Dbench.args="Transcendentals"}. Limit: read 4 and write 4 bytes per float32 element, so
 * at 1M elements about 8 MB, a fraction of a millisecond; anything above that is arithmetic.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Transcendentals {
    /** The input and the jitted function. */
    @State(Scope.Benchmark)
    public static class OnKiln {
        @Param({"cpu-simd"})
        public String backend;

        @Param({"sin", "cos", "tanh", "exp", "log", "sigmoid"})
        public String op;

        @Param({"float32", "float64"})
        public String dtype;

        @Param({"1048576"})
        public int length;

        Array x;
        Function<Array, Array> f;

        @Setup
        public void setup() {
            Backend on = Kiln.backend(backend);
            DType t = DType.valueOf(dtype.toUpperCase(java.util.Locale.ROOT));
            x = Kiln.withBackend(on, () -> Np.astype(Np.array(Data.uniform(length, 9, 4f)), t));
            f = Kiln.jit(function(op));
        }
    }

    static Function<Array, Array> function(String op) {
        return switch (op) {
            case "sin" -> Np::sin;
            case "cos" -> Np::cos;
            case "tanh" -> Np::tanh;
            case "exp" -> Np::exp;
            case "log" -> x -> Np.log(Np.abs(x).add(0.5));
            case "sigmoid" -> Np::sigmoid;
            case "expm1" -> Np::expm1;
            case "log1p" -> x -> Np.log1p(Np.abs(x));
            case "arctan" -> Np::arctan;
            case "sinh" -> Np::sinh;
            case "cosh" -> Np::cosh;
            default -> throw new IllegalArgumentException("Transcendentals: no benchmark for " + op);
        };
    }

    @Benchmark
    public Array jit(OnKiln s) {
        return s.f.apply(s.x).blockUntilReady();
    }
}
