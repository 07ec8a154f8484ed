package dev.kiln.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Baselines for {@link EagerOps}: the loops a Java programmer would write by hand, single-threaded,
 * allocating a fresh output as the eager ops do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PlainJava {
  float[] x;
  float[] y;
  float[] a;
  float[] b;

  static float[] randomFloats(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return out;
  }

  @Setup
  public void setup() {
    x = randomFloats(EagerOps.N, 1);
    y = randomFloats(EagerOps.N, 2);
    a = randomFloats(EagerOps.M * EagerOps.M, 3);
    b = randomFloats(EagerOps.M * EagerOps.M, 4);
  }

  @Benchmark
  public float[] add16M() {
    float[] out = new float[x.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = x[i] + y[i];
    }
    return out;
  }

  @Benchmark
  public float sum16M() {
    float s = 0;
    for (float v : x) {
      s += v;
    }
    return s;
  }

  /** The cache-friendly i-k-j loop order; C2 does not vectorise it (performance.md §2). */
  @Benchmark
  public float[] matmul1024() {
    int n = EagerOps.M;
    float[] c = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        float aik = a[i * n + k];
        int bk = k * n;
        int ci = i * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] += aik * b[bk + j];
        }
      }
    }
    return c;
  }
}
