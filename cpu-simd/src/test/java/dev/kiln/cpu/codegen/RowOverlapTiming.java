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
 * Row groups allocating their large outputs while the other threads run the group's earlier kernels
 * ahead ({@link RowGroupKernel#overlapMode} 0, the default) against allocating before any work (-1, {@code kiln.cpu.row-overlap=false}),
 * in one process: the jitted row softmax and layer norm of {@code RowWorkTiming} (4096×1024 float32,
 * same formulas and data), the two settings taking turns call by call so that load falls on both
 * alike. Prints, per case, the fastest, the 10th percentile and the median of the wall times and of
 * the CPU times summed over all threads. Not a test (no test asserts a time).
 */
public final class RowOverlapTiming {
    private RowOverlapTiming() {}

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
        int[] settings = {-1, 0};
        String[] names = {"allocate first (before)", "overlapped (after)"};
        Kiln.withBackend("cpu-simd", () -> {
            Array x = Np.array(RowBlockTiming.uniform(4096 * 1024, 5, 4f), 4096, 1024);
            List<Array> affine = List.of(
                    x,
                    Np.array(RowBlockTiming.uniform(1024, 6, 1f), 1024),
                    Np.array(RowBlockTiming.uniform(1024, 7, 1f), 1024));
            Function<Array, Array> sm = Kiln.jit(RowBlockTiming::softmax);
            Function<List<Array>, Array> ln = Kiln.jit(RowBlockTiming::layerNorm);
            String[] work = {"softmax", "layer norm"};
            List<Supplier<Object>> fs = List.of(() -> sm.apply(x), () -> ln.apply(affine));
            long warm = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < warm) {
                for (Supplier<Object> f : fs) {
                    for (int s : settings) {
                        RowGroupKernel.overlapMode = s;
                        f.get();
                    }
                }
            }
            double[][][] wall = new double[fs.size()][settings.length][rounds];
            double[][][] cpu = new double[fs.size()][settings.length][rounds];
            long[][] ahead = new long[fs.size()][settings.length];
            System.out.printf(
                    "load average %.2f, threads %s%n",
                    os.getSystemLoadAverage(), System.getProperty("kiln.cpu.threads", "default"));
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < fs.size(); w++) {
                    for (int s = 0; s < settings.length; s++) {
                        int which = (s + r) % settings.length;
                        RowGroupKernel.overlapMode = settings[which];
                        long t0 = System.nanoTime();
                        long c0 = allThreadsCpu();
                        RowGroupKernel.rowsAhead = 0;
                        fs.get(w).get();
                        ahead[w][which] += RowGroupKernel.rowsAhead;
                        wall[w][which][r] = (System.nanoTime() - t0) / 1e6;
                        cpu[w][which][r] = (allThreadsCpu() - c0) / 1e6;
                    }
                }
            }
            RowGroupKernel.overlapMode = RowGroupKernel.DEFAULT_OVERLAP;
            System.out.printf("load average %.2f%n", os.getSystemLoadAverage());
            for (int w = 0; w < fs.size(); w++) {
                for (int s = 0; s < settings.length; s++) {
                    double[] a = wall[w][s].clone();
                    double[] c = cpu[w][s].clone();
                    Arrays.sort(a);
                    Arrays.sort(c);
                    System.out.printf(
                            "%-10s %-24s wall best %.3f ms, p10 %.3f, median %.3f; CPU (all threads) best %.3f ms, p10 %.3f, median %.3f; rows ahead %d a call%n",
                            work[w],
                            names[s],
                            a[0],
                            a[rounds / 10],
                            a[rounds / 2],
                            c[0],
                            c[rounds / 10],
                            c[rounds / 2],
                            ahead[w][s] / rounds);
                }
            }
            return null;
        });
    }
}
