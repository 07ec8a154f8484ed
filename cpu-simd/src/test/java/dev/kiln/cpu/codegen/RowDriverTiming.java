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
 * Row groups run through a driver class of their own ({@link RowGroupKernel#useDriver}, the
 * default: one step of rows about L1-sized) against the block loop shared by every group (before:
 * L1-sized blocks when a kernel is heavy, else L2-sized), in one process: the jitted row softmax and
 * layer norm of {@code RowWorkTiming} (4096×1024 float32, same formulas and data), the two settings
 * alternating call by call. First checks that both give the same bits. Prints per case the median
 * and 10th percentile of the wall times and of the CPU time summed over all threads (with {@code
 * -Dkiln.cpu.threads=1}, the work of one core, which holds up on a loaded machine). Not a test.
 */
public final class RowDriverTiming {
    private RowDriverTiming() {}

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

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
        Kiln.withBackend("cpu-simd", () -> {
            Array x = Np.array(RowBlockTiming.uniform(4096 * 1024, 5, 4f), 4096, 1024);
            List<Array> affine = List.of(
                    x,
                    Np.array(RowBlockTiming.uniform(1024, 6, 1f), 1024),
                    Np.array(RowBlockTiming.uniform(1024, 7, 1f), 1024));
            Function<Array, Array> sm = Kiln.jit(RowBlockTiming::softmax);
            Function<List<Array>, Array> ln = Kiln.jit(RowBlockTiming::layerNorm);
            String[] work = {"softmax", "layer norm"};
            List<Supplier<Array>> fs = List.of(() -> sm.apply(x), () -> ln.apply(affine));
            boolean[] settings = {false, true};
            String[] names = {"shared block loop (before)", "own driver (after)"};
            for (int w = 0; w < fs.size(); w++) {
                RowGroupKernel.useDriver = false;
                float[] a = (float[]) fs.get(w).get().toHost().data();
                RowGroupKernel.useDriver = true;
                float[] b = (float[]) fs.get(w).get().toHost().data();
                System.out.println(work[w] + ": same bits " + Arrays.equals(a, b));
            }
            long warm = System.nanoTime() + 6_000_000_000L;
            while (System.nanoTime() < warm) {
                for (Supplier<Array> f : fs) {
                    for (boolean s : settings) {
                        RowGroupKernel.useDriver = s;
                        f.get();
                    }
                }
            }
            double[][][] wall = new double[fs.size()][2][rounds];
            double[][][] cpu = new double[fs.size()][2][rounds];
            System.out.printf(
                    "load average %.2f, kiln.cpu.threads %s%n",
                    os.getSystemLoadAverage(), System.getProperty("kiln.cpu.threads", "default"));
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < fs.size(); w++) {
                    for (int s = 0; s < 2; s++) {
                        int which = (s + r) % 2;
                        RowGroupKernel.useDriver = settings[which];
                        long t0 = System.nanoTime();
                        long c0 = allThreadsCpu();
                        fs.get(w).get();
                        wall[w][which][r] = (System.nanoTime() - t0) / 1e6;
                        cpu[w][which][r] = (allThreadsCpu() - c0) / 1e6;
                    }
                }
            }
            RowGroupKernel.useDriver = true;
            System.out.printf("load average %.2f%n", os.getSystemLoadAverage());
            for (int w = 0; w < fs.size(); w++) {
                for (int s = 0; s < 2; s++) {
                    double[] a = wall[w][s].clone();
                    double[] c = cpu[w][s].clone();
                    Arrays.sort(a);
                    Arrays.sort(c);
                    System.out.printf(
                            "%-10s %-27s wall median %.3f ms, p10 %.3f; CPU (all threads) median %.3f ms, p10 %.3f%n",
                            work[w], names[s], a[rounds / 2], a[rounds / 10], c[rounds / 2], c[rounds / 10]);
                }
            }
            return null;
        });
    }
}
