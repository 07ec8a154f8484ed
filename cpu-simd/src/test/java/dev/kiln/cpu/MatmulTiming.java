package dev.kiln.cpu;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A timing tool, not a test: the float32 matmul kernel on square sizes, fastest of several rounds,
 * next to the float32 FMA peak measured in the same JVM (two threads of independent FMA chains), so
 * that the share of the roof is from one sitting, and the least CPU time one product took on the
 * calling thread and the pool's together (what the threads spent computing, whatever else ran on
 * the machine: on a busy machine the kernel's and the packing's cost show there, and the wall time
 * adds the threads' idle waits). Prints the load average before and after.
 *
 * <p>To compare two versions of the kernel, run this class alternately against each version's
 * {@code cpu-simd/target/classes} (the class only calls {@code MatmulF32.multiply}):
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp spi/target/classes:cpu-simd/target/test-classes:&lt;classes&gt; \
 *     dev.kiln.cpu.MatmulTiming [rounds] [size...]
 * </pre>
 *
 * <p>{@code -Dtiming.threads=1} runs the kernel (and the roof) on one thread.
 */
public final class MatmulTiming {
    private MatmulTiming() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int FMA_TRIPS = 1 << 20;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("kernel")) {
            kernelOnly(args.length > 1 ? Integer.parseInt(args[1]) : 256);
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int[] sizes = args.length > 1
                ? Arrays.stream(args, 1, args.length)
                        .mapToInt(Integer::parseInt)
                        .toArray()
                : new int[] {256, 1024};
        Integer threads = Integer.getInteger("timing.threads");
        if (threads != null) {
            Parallel.configure(threads);
        }
        System.out.printf(
                Locale.ROOT, "load %s, %d threads, %d-bit vectors%n", load(), Parallel.threads(), S.vectorBitSize());
        double roof = fmaRoof(rounds);
        System.out.printf(
                Locale.ROOT,
                "FMA roof (%d threads, fastest of %d): %.0f GFLOP/s%n",
                Parallel.threads(),
                rounds,
                roof / 1e9);
        for (int n : sizes) {
            float[] a = random(n * n, 1);
            float[] b = random(n * n, 2);
            float[] c = new float[n * n];
            MatmulF32.Operand oa = new MatmulF32.Operand(a, n * n, n, 1);
            MatmulF32.Operand ob = new MatmulF32.Operand(b, n * n, n, 1);
            int calls = (int) Math.max(1, Math.min(200, 2e9 / (2.0 * n * n * n)));
            // warm-up: C2 compiles the kernels and the schedule
            for (int i = 0; i < Math.max(20, 4 * calls); i++) {
                Arrays.fill(c, 0);
                MatmulF32.multiply(1, n, n, n, oa, ob, c, null);
            }
            long[] team = teamThreads();
            double best = Double.MAX_VALUE;
            double bestCpu = Double.MAX_VALUE;
            double sum = 0;
            for (int r = 0; r < rounds; r++) {
                double round = Double.MAX_VALUE;
                for (int i = 0; i < calls; i++) {
                    Arrays.fill(c, 0);
                    long c0 = cpuTime(team);
                    long t0 = System.nanoTime();
                    MatmulF32.multiply(1, n, n, n, oa, ob, c, null);
                    round = Math.min(round, (System.nanoTime() - t0) * 1e-9);
                    bestCpu = Math.min(bestCpu, (cpuTime(team) - c0) * 1e-9);
                }
                best = Math.min(best, round);
                sum += round;
            }
            double flop = 2.0 * n * n * n;
            // CPU time is what the threads spent computing, whatever else ran on the machine: on a
            // busy machine it shows the kernel's and the packing's cost where wall time cannot
            System.out.printf(
                    Locale.ROOT,
                    "matmul %d^3: least CPU time %.3f ms over %d threads (%.0f GFLOP/s per core-second; the"
                            + " one-thread roof, -Dtiming.threads=1, is the kernel's ceiling)%n",
                    n,
                    bestCpu * 1e3,
                    team.length,
                    flop / bestCpu / 1e9);
            System.out.printf(
                    Locale.ROOT,
                    "matmul %d^3: fastest %.3f ms (%.0f GFLOP/s, %.0f%% of the roof), mean of round minima %.3f ms, check %s%n",
                    n,
                    best * 1e3,
                    flop / best / 1e9,
                    100 * flop / best / roof,
                    sum / rounds * 1e3,
                    check(a, b, c, n));
        }
        System.out.printf(Locale.ROOT, "load %s%n", load());
    }

    /**
     * The micro-kernel alone, on one thread, with its A and B panels in L1/L2 ({@code kc} long):
     * fastest of many short batches, so that a quiet moment is caught on a busy machine.
     */
    private static void kernelOnly(int kc) {
        float[] ap = random(MatmulF32.MR * kc, 4);
        float[] bp = random(MatmulF32.NR * kc, 5);
        float[] c = new float[MatmulF32.MR * MatmulF32.NR];
        int calls = 64;
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 20000; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                MatmulF32.kernel(kc, ap, 0, bp, 0, c, 0, MatmulF32.NR);
            }
            best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
        }
        double flop = 2.0 * MatmulF32.MR * MatmulF32.NR * kc * calls;
        System.out.printf(
                Locale.ROOT,
                "kernel %dx%d, kc %d: %.1f GFLOP/s on one thread (load %s)%n",
                MatmulF32.MR,
                MatmulF32.NR,
                kc,
                flop / best / 1e9,
                load());
    }

    /** The ids of this thread and the cpu-simd pool's threads (started by then). */
    private static long[] teamThreads() {
        List<Long> ids = new ArrayList<>();
        ids.add(Thread.currentThread().threadId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("kiln-cpu-")) {
                ids.add(t.threadId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** CPU time of {@code ids} together, in nanoseconds. */
    private static long cpuTime(long[] ids) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : ids) {
            sum += Math.max(0, mx.getThreadCpuTime(id));
        }
        return sum;
    }

    private static String load() {
        return String.format(
                Locale.ROOT,
                "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** A few elements of C against a double-precision dot product: the largest relative error seen. */
    private static String check(float[] a, float[] b, float[] c, int n) {
        double worst = 0;
        SplittableRandom r = new SplittableRandom(3);
        for (int s = 0; s < 64; s++) {
            int i = r.nextInt(n);
            int j = r.nextInt(n);
            double sum = 0;
            double mag = 0;
            for (int p = 0; p < n; p++) {
                sum += (double) a[i * n + p] * b[p * n + j];
                mag += Math.abs((double) a[i * n + p] * b[p * n + j]);
            }
            worst = Math.max(worst, Math.abs(c[i * n + j] - sum) / mag);
        }
        return String.format(Locale.ROOT, "max |err|/sum|terms| %.1e", worst);
    }

    /** All threads' flop per second of independent FMA chains, fastest of {@code rounds}. */
    private static double fmaRoof(int rounds) throws Exception {
        int threads = Parallel.threads();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double best = Double.MAX_VALUE;
            for (int r = 0; r < rounds + 3; r++) {
                long t0 = System.nanoTime();
                List<Future<Float>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    float seed = 1 + t * 1e-7f;
                    parts.add(pool.submit(() -> chains(seed)));
                }
                for (Future<Float> f : parts) {
                    f.get();
                }
                if (r >= 3) {
                    best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
                }
            }
            return threads * 2.0 * 12 * S.length() * FMA_TRIPS / best;
        } finally {
            pool.shutdownNow();
        }
    }

    private static float chains(float seed) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector add = FloatVector.broadcast(S, 1e-6f);
        FloatVector v0 = FloatVector.broadcast(S, seed);
        FloatVector v1 = v0.add(1);
        FloatVector v2 = v0.add(2);
        FloatVector v3 = v0.add(3);
        FloatVector v4 = v0.add(4);
        FloatVector v5 = v0.add(5);
        FloatVector v6 = v0.add(6);
        FloatVector v7 = v0.add(7);
        FloatVector v8 = v0.add(8);
        FloatVector v9 = v0.add(9);
        FloatVector v10 = v0.add(10);
        FloatVector v11 = v0.add(11);
        for (int i = 0; i < FMA_TRIPS; i++) {
            v0 = v0.fma(m, add);
            v1 = v1.fma(m, add);
            v2 = v2.fma(m, add);
            v3 = v3.fma(m, add);
            v4 = v4.fma(m, add);
            v5 = v5.fma(m, add);
            v6 = v6.fma(m, add);
            v7 = v7.fma(m, add);
            v8 = v8.fma(m, add);
            v9 = v9.fma(m, add);
            v10 = v10.fma(m, add);
            v11 = v11.fma(m, add);
        }
        return v0.add(v1)
                .add(v2.add(v3))
                .add(v4.add(v5).add(v6.add(v7)))
                .add(v8.add(v9).add(v10.add(v11)))
                .reduceLanes(VectorOperators.ADD);
    }
}
