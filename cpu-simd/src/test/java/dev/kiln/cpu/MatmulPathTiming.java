package dev.kiln.cpu;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * A timing tool, not a test: the square float32 product along the path the comparison table times
 * it ({@code Kiln.jit(Np::matmul)} on cpu-simd) next to the bare {@code MatmulF32.multiply} into a
 * zeroed array (zeroing untimed, as {@link MatmulTiming} does) and into a fresh array (allocation
 * timed), interleaved in rounds in one JVM. Prints the median and the fastest call of each, and the
 * load average before and after. Run with the flags JMH forks use ({@code -XX:+UseParallelGC -Xms6g
 * -Xmx6g -XX:+AlwaysPreTouch}) to see the table's conditions.
 */
public final class MatmulPathTiming {
    private MatmulPathTiming() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        System.out.printf(Locale.ROOT, "n %d, load %.2f%n", n, load());
        float[] a = RowWorkTiming.uniform(n * n, 8, 1f);
        float[] b = RowWorkTiming.uniform(n * n, 9, 1f);
        MatmulF32.Operand oa = new MatmulF32.Operand(a, n * n, n, 1);
        MatmulF32.Operand ob = new MatmulF32.Operand(b, n * n, n, 1);
        float[] c = new float[n * n];
        Kiln.withBackend("cpu-simd", () -> {
            Array xa = Np.array(a, n, n);
            Array xb = Np.array(b, n, n);
            BiFunction<Array, Array, Array> mm = Kiln.jit(Np::matmul);
            String[] names = {"MatmulF32 into zeroed C", "MatmulF32 into new C", "jit(Np.matmul)"};
            double[][] t = new double[3][rounds * calls];
            Runnable[] paths = {
                () -> MatmulF32.multiply(1, n, n, n, oa, ob, c, null),
                () -> MatmulF32.multiply(1, n, n, n, oa, ob, new float[n * n], null),
                () -> mm.apply(xa, xb)
            };
            for (int w = 0; w < 3; w++) {
                long until = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < until) {
                    Arrays.fill(c, 0);
                    paths[w].run();
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int p = 0; p < 3; p++) {
                    for (int i = 0; i < calls; i++) {
                        Arrays.fill(c, 0);
                        long t0 = System.nanoTime();
                        paths[p].run();
                        t[p][r * calls + i] = (System.nanoTime() - t0) * 1e-6;
                    }
                }
            }
            for (int p = 0; p < 3; p++) {
                double[] s = t[p].clone();
                Arrays.sort(s);
                double mean = Arrays.stream(s).average().orElse(0);
                System.out.printf(
                        Locale.ROOT,
                        "%-26s median %.3f ms, fastest %.3f ms, mean %.3f ms (%.0f GFLOP/s at the median)%n",
                        names[p],
                        s[s.length / 2],
                        s[0],
                        mean,
                        2.0 * n * n * n / s[s.length / 2] / 1e6);
            }
            return null;
        });
        System.out.printf(Locale.ROOT, "load %.2f%n", load());
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
