package dev.kiln.cpu.codegen;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Row groups' block size, before and after, in one process: the jitted row softmax and layer norm
 * of {@code RowWorkTiming} (4096×1024 float32, same formulas and data) with every group's blocks
 * sized for L2 ({@link RowGroupKernel#BLOCK_BYTES}, the size before session 27) and with the
 * blocks the group chooses (L1-sized when a kernel is heavy), or with the block sizes in bytes
 * given as the second argument (comma-separated; 0 is the group's choice), taking turns round by
 * round so that load falls on all alike. Since session 28 the setting also sizes the steps of a
 * group's own driver ({@link RowDriver3}); {@code RowDriverTiming} compares the driver with the block loop.
 * Each round times one call of each; prints, per case, the fastest, the 10th percentile and the median
 * of the wall times and of the CPU times summed over all threads (with {@code -Dkiln.cpu.threads=1} that is the work on one core, which
 * holds up on a loaded machine where wall times do not). Not a test (no test asserts a time).
 */
public final class RowBlockTiming {
    private RowBlockTiming() {}

    private static final int[] LAST = {1};

    static Array softmax(Array x) {
        Array e = x.subtract(x.max(LAST, true)).exp();
        return e.divide(e.sum(LAST, true));
    }

    static Array layerNorm(List<Array> a) {
        Array x = a.get(0);
        Array centred = x.subtract(x.mean(LAST, true));
        Array variance = centred.square().mean(LAST, true);
        return centred.multiply(variance.add(1e-5f).rsqrt()).multiply(a.get(1)).add(a.get(2));
    }

    static float[] uniform(int n, long seed, float scale) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (r.nextDouble() * 2 - 1) * scale;
        }
        return out;
    }

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU time of every live thread of the process, in nanoseconds. */
    private static long allThreadsCpu() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            sum += Math.max(0, THREADS.getThreadCpuTime(id));
        }
        return sum;
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] settings = args.length > 1
                ? Arrays.stream(args[1].split(",")).mapToLong(Long::parseLong).toArray()
                : new long[] {RowGroupKernel.BLOCK_BYTES, 0};
        String[] names = args.length > 1
                ? Arrays.stream(settings).mapToObj(b -> "blocks of " + b + " B").toArray(String[]::new)
                : new String[] {"L2 blocks (before)", "group's choice (after)"};
        Kiln.withBackend("cpu-simd", () -> {
            Array x = Np.array(uniform(4096 * 1024, 5, 4f), 4096, 1024);
            List<Array> affine = List.of(x, Np.array(uniform(1024, 6, 1f), 1024), Np.array(uniform(1024, 7, 1f), 1024));
            Function<Array, Array> sm = Kiln.jit(RowBlockTiming::softmax);
            Function<List<Array>, Array> ln = Kiln.jit(RowBlockTiming::layerNorm);
            String[] work = {"softmax", "layer norm"};
            List<Supplier<Object>> fs = List.of(() -> sm.apply(x), () -> ln.apply(affine));
            long warm = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < warm) {
                for (Supplier<Object> f : fs) {
                    for (long s : settings) {
                        RowGroupKernel.blockBytesOverride = s;
                        f.get();
                    }
                }
            }
            double[][][] wall = new double[fs.size()][settings.length][rounds];
            double[][][] cpu = new double[fs.size()][settings.length][rounds];
            System.out.printf("load average %.2f%n", os.getSystemLoadAverage());
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < fs.size(); w++) {
                    for (int s = 0; s < settings.length; s++) {
                        RowGroupKernel.blockBytesOverride = settings[(s + r) % settings.length];
                        int which = (s + r) % settings.length;
                        long t0 = System.nanoTime();
                        long c0 = allThreadsCpu();
                        fs.get(w).get();
                        wall[w][which][r] = (System.nanoTime() - t0) / 1e6;
                        cpu[w][which][r] = (allThreadsCpu() - c0) / 1e6;
                    }
                }
            }
            RowGroupKernel.blockBytesOverride = 0;
            System.out.printf("load average %.2f%n", os.getSystemLoadAverage());
            for (int w = 0; w < fs.size(); w++) {
                for (int s = 0; s < settings.length; s++) {
                    double[] a = wall[w][s].clone();
                    double[] c = cpu[w][s].clone();
                    Arrays.sort(a);
                    Arrays.sort(c);
                    System.out.printf(
                            "%-10s %-22s wall best %.3f ms, p10 %.3f, median %.3f; CPU (all threads) best %.3f ms, p10 %.3f, median %.3f%n",
                            work[w],
                            names[s],
                            a[0],
                            a[rounds / 10],
                            a[rounds / 2],
                            c[0],
                            c[rounds / 10],
                            c[rounds / 2]);
                }
            }
            return null;
        });
    }
}
