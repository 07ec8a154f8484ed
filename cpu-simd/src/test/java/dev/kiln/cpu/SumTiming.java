package dev.kiln.cpu;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/**
 * A timing tool, not a test: the jitted {@code sum(x + y*z)} (as it runs, and with the generated
 * method called once per block of the reduction, as before session 28) next to the hand-written four-accumulator
 * loop ({@link BandwidthTiming#hand}) on one thread, for several sizes (L2-, L3- and DRAM-sized),
 * interleaved in rounds in one JVM; medians of wall time, of the CPU time of all the JVM's threads
 * per call (the JIT's and the collector's threads included) and of the calling thread's. Run with {@code -Dkiln.cpu.threads=1} for the single-thread code, or without
 * for the two-thread split (a reduction to one value of 2^19 points or more is then split into
 * blocks across threads, see GeneratedKernel).
 *
 * <p>Arguments: rounds (default 15), then sizes (default 131072 1048576 16777216).
 */
public final class SumTiming {
    private SumTiming() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int[] sizes = args.length > 1
                ? Arrays.stream(args, 1, args.length)
                        .mapToInt(Integer::parseInt)
                        .toArray()
                : new int[] {1 << 17, 1 << 20, 1 << 24};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Kiln.withBackend("cpu-simd", () -> {
            for (int n : sizes) {
                float[] xd = RowWorkTiming.uniform(n, 1, 1f);
                float[] yd = RowWorkTiming.uniform(n, 2, 1f);
                float[] zd = RowWorkTiming.uniform(n, 3, 1f);
                Array x = Np.array(xd, n);
                Array y = Np.array(yd, n);
                Array z = Np.array(zd, n);
                Function<Array[], Array> sum = Kiln.jit((Array[] q) -> Np.sum(q[0].add(q[1].multiply(q[2]))));
                float[] sink = new float[1];
                Runnable[] paths = {
                    () -> sum.apply(new Array[] {x, y, z}).blockUntilReady(),
                    () -> {
                        perBlock(true);
                        sum.apply(new Array[] {x, y, z}).blockUntilReady();
                        perBlock(false);
                    },
                    () -> sink[0] += BandwidthTiming.hand(xd, yd, zd, 0, n),
                    () -> sink[0] += (float) handBlocks(xd, yd, zd, n)
                };
                String[] names = {"jit", "jit, call/block", "hand 1 thread", "hand, blocks"};
                for (Runnable p : paths) {
                    long until = System.nanoTime() + 1_000_000_000L;
                    while (System.nanoTime() < until) {
                        p.run();
                    }
                }
                int calls = Math.max(3, (1 << 24) / n * 2);
                double[][] wall = new double[paths.length][rounds];
                double[][] cpu = new double[paths.length][rounds];
                double[][] own = new double[paths.length][rounds];
                for (int r = 0; r < rounds; r++) {
                    for (int p = 0; p < paths.length; p++) {
                        long c0 = MatvecTiming.cpuNanos(mx);
                        long o0 = mx.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        for (int i = 0; i < calls; i++) {
                            paths[p].run();
                        }
                        wall[p][r] = (System.nanoTime() - t0) * 1e-3 / calls;
                        cpu[p][r] = (MatvecTiming.cpuNanos(mx) - c0) * 1e-3 / calls;
                        own[p][r] = (mx.getCurrentThreadCpuTime() - o0) * 1e-3 / calls;
                    }
                }
                for (int p = 0; p < paths.length; p++) {
                    double w = median(wall[p]);
                    System.out.printf(
                            Locale.ROOT,
                            "n %9d %-16s wall median %9.1f µs (%5.1f GB/s), CPU median: all threads %9.1f µs, caller %9.1f µs%n",
                            n,
                            names[p],
                            w,
                            12.0 * n / w * 1e-3,
                            median(cpu[p]),
                            median(own[p]));
                }
            }
            return null;
        });
    }

    /** GeneratedKernel's switch back to one call of the generated method per block (package-private). */
    private static void perBlock(boolean on) {
        try {
            java.lang.reflect.Field f =
                    Class.forName("dev.kiln.cpu.codegen.GeneratedKernel").getDeclaredField("callPerBlock");
            f.setAccessible(true);
            f.setBoolean(null, on);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@link BandwidthTiming#hand} in the generated kernel's blocks of 4096 points (fresh
     * accumulators per block, each block's sum added in double): whether the blocking costs.
     */
    static double handBlocks(float[] x, float[] y, float[] z, int n) {
        double s = 0;
        for (int b = 0; b < n; b += 4096) {
            s += BandwidthTiming.hand(x, y, z, b, Math.min(n, b + 4096));
        }
        return s;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
