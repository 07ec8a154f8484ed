package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Eager (op-by-op) cost of the three anchor operations on a backend: {@code add} and {@code sum}
 * of 16M float32 elements, and a 1024³ float32 matmul. {@link PlainJava} holds the loop baselines.
 * Limits on this machine (performance.md): add 16M moves 192 MB (≈ 6.5–7 ms at 28–30 GB/s on two
 * cores), sum 16M reads 64 MB (≈ 2.3 ms), matmul 1024³ is 2.15 GFLOP (≈ 5.0 ms at 433 GFLOP/s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EagerOps {
  @Param({"cpu-simd"})
  public String backend;

  static final int N = 1 << 24;
  static final int M = 1024;

  Array x;
  Array y;
  Array a;
  Array b;

  @Setup
  public void setup() {
    Kiln.withBackend(backend, () -> {
      x = Np.array(PlainJava.randomFloats(N, 1));
      y = Np.array(PlainJava.randomFloats(N, 2));
      a = Np.array(PlainJava.randomFloats(M * M, 3), M, M);
      b = Np.array(PlainJava.randomFloats(M * M, 4), M, M);
      return null;
    });
  }

  @Benchmark
  public Array add16M() {
    return Np.add(x, y);
  }

  @Benchmark
  public Array sum16M() {
    return Np.sum(x);
  }

  @Benchmark
  public Array matmul1024() {
    return Np.matmul(a, b);
  }

}
