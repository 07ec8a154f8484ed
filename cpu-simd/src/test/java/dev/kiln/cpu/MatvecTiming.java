package dev.kiln.cpu;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A timing tool, not a test: float32 products of an {@code n×n} matrix with a vector ({@code W @
 * x}, {@code x @ W}, {@code Wᵀ @ x}, {@code x @ Wᵀ}), eager and under {@code Kiln.jit}, next to
 * the bare {@link MatvecF32} kernel, interleaved in rounds in one JVM. Prints each path's median,
 * fastest call, the read rate at the median, and the CPU time all threads of the JVM spent per call
 * (so a loaded machine's wait shows as wall time above CPU time), and the load before and after.
 */
public final class MatvecTiming {
    private MatvecTiming() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String only = args.length > 3 ? args[3] : "";
        System.out.printf(Locale.ROOT, "n %d, threads %d, load %.2f%n", n, Parallel.threads(), load());
        float[] w = RowWorkTiming.uniform(n * n, 21, 1f);
        float[] x = RowWorkTiming.uniform(n, 22, 1f);
        MatmulF32.Operand ow = new MatmulF32.Operand(w, n * n, n, 1);
        MatmulF32.Operand ov = new MatmulF32.Operand(x, n, 1, 1);
        Kiln.withBackend("cpu-simd", () -> {
            Array xw = Np.array(w, n, n);
            Array xx = Np.array(x, n);
            BiFunction<Array, Array, Array> mm = Kiln.jit(Np::matmul);
            BiFunction<Array, Array, Array> mmT = Kiln.jit((a, b) -> Np.matmul(a.T(), b));
            BiFunction<Array, Array, Array> vm = Kiln.jit((a, b) -> Np.matmul(b, a));
            BiFunction<Array, Array, Array> vmT = Kiln.jit((a, b) -> Np.matmul(b, a.T()));
            List<String> names = new ArrayList<>();
            List<Supplier<Object>> paths = new ArrayList<>();
            names.add("kernel W@x");
            paths.add(() -> {
                float[] c = new float[n];
                MatmulF32.multiply(1, n, 1, n, ow, ov, c, null);
                return c;
            });
            names.add("eager W@x");
            paths.add(() -> Np.matmul(xw, xx).blockUntilReady());
            names.add("jit W@x");
            paths.add(() -> mm.apply(xw, xx).blockUntilReady());
            names.add("jit W.T@x");
            paths.add(() -> mmT.apply(xw, xx).blockUntilReady());
            names.add("jit x@W");
            paths.add(() -> vm.apply(xw, xx).blockUntilReady());
            names.add("jit x@W.T");
            paths.add(() -> vmT.apply(xw, xx).blockUntilReady());
            int np = paths.size();
            ThreadMXBean tm = ManagementFactory.getThreadMXBean();
            for (int p = 0; p < np; p++) {
                long until = System.nanoTime() + 1_500_000_000L;
                while (System.nanoTime() < until) {
                    paths.get(p).get();
                }
            }
            double[][] t = new double[np][rounds * calls];
            double[] cpu = new double[np];
            for (int r = 0; r < rounds; r++) {
                for (int p = 0; p < np; p++) {
                    if (!only.isEmpty() && !names.get(p).contains(only)) {
                        continue;
                    }
                    long c0 = cpuNanos(tm);
                    for (int i = 0; i < calls; i++) {
                        long t0 = System.nanoTime();
                        paths.get(p).get();
                        t[p][r * calls + i] = (System.nanoTime() - t0) * 1e-6;
                    }
                    cpu[p] += (cpuNanos(tm) - c0) * 1e-6;
                }
            }
            for (int p = 0; p < np; p++) {
                double[] s = t[p].clone();
                Arrays.sort(s);
                System.out.printf(
                        Locale.ROOT,
                        "%-12s median %.3f ms, fastest %.3f ms (%.1f GB/s at the median), cpu %.3f ms/call%n",
                        names.get(p),
                        s[s.length / 2],
                        s[0],
                        4.0 * n * n / s[s.length / 2] / 1e6,
                        cpu[p] / (rounds * calls));
            }
            return null;
        });
        System.out.printf(Locale.ROOT, "load %.2f%n", load());
    }

    /** CPU time of every live thread of the JVM. */
    static long cpuNanos(ThreadMXBean tm) {
        long s = 0;
        for (long id : tm.getAllThreadIds()) {
            long c = tm.getThreadCpuTime(id);
            if (c > 0) {
                s += c;
            }
        }
        return s;
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
