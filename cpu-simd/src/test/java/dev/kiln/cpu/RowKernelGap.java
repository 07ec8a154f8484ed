package dev.kiln.cpu;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.cpu.codegen.FixedLanes;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * How far cpu-simd's generated row kernels are from what the JVM reaches by hand: the jitted row
 * softmax and layer norm of {@link RowWorkTiming} (4096×1024 float32) next to hand-written Vector API
 * loops that do the same passes a row at a time with the same arithmetic (the same {@link
 * FixedLanes#exp}, a true division), into a new output array and into a reused one, and next to
 * allocating the 16 MB output alone (the JVM zeroes it). Run it with {@code -Dkiln.cpu.threads=1}:
 * then every case runs on the calling thread, and its CPU time (printed next to the wall time, both
 * the best of the rounds) is the whole work, which holds up on a loaded machine where wall times do
 * not. Not a test (no test asserts a time).
 */
public final class RowKernelGap {
    private RowKernelGap() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ROWS = 4096;
    private static final int COLS = 1024;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Softmax of rows [lo, hi): the maximum, then e = exp(x - max) stored and summed, then e / sum. */
    static void softmax(float[] x, float[] out, int lo, int hi) {
        int n = COLS;
        int bound = S.loopBound(n);
        for (int r = lo; r < hi; r++) {
            int b = r * n;
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < bound; i += S.length()) {
                m = m.max(FloatVector.fromArray(S, x, b + i));
            }
            float max = m.reduceLanes(VectorOperators.MAX);
            for (int i = bound; i < n; i++) {
                max = Math.max(max, x[b + i]);
            }
            FloatVector mv = FloatVector.broadcast(S, max);
            FloatVector s = FloatVector.zero(S);
            for (int i = 0; i < bound; i += S.length()) {
                FloatVector e =
                        FixedLanes.exp(FloatVector.fromArray(S, x, b + i).sub(mv));
                e.intoArray(out, b + i);
                s = s.add(e);
            }
            float sum = FixedLanes.reduce(s, VectorOperators.ADD);
            for (int i = bound; i < n; i++) {
                out[b + i] = (float) Math.exp(x[b + i] - max);
                sum += out[b + i];
            }
            FloatVector sv = FloatVector.broadcast(S, sum);
            for (int i = 0; i < bound; i += S.length()) {
                FloatVector.fromArray(S, out, b + i).div(sv).intoArray(out, b + i);
            }
            for (int i = bound; i < n; i++) {
                out[b + i] /= sum;
            }
        }
    }

    /** Layer norm of rows [lo, hi) (COLS a multiple of the lane count): mean, variance, then the affine map. */
    static void layerNorm(float[] x, float[] gamma, float[] beta, float[] out, int lo, int hi) {
        int n = COLS;
        for (int r = lo; r < hi; r++) {
            int b = r * n;
            FloatVector s = FloatVector.zero(S);
            for (int i = 0; i < n; i += S.length()) {
                s = s.add(FloatVector.fromArray(S, x, b + i));
            }
            FloatVector mean = FloatVector.broadcast(S, FixedLanes.reduce(s, VectorOperators.ADD) / n);
            FloatVector q = FloatVector.zero(S);
            for (int i = 0; i < n; i += S.length()) {
                FloatVector d = FloatVector.fromArray(S, x, b + i).sub(mean);
                q = d.fma(d, q);
            }
            float variance = FixedLanes.reduce(q, VectorOperators.ADD) / n;
            FloatVector scale = FloatVector.broadcast(S, 1 / (float) Math.sqrt(variance + 1e-5f));
            for (int i = 0; i < n; i += S.length()) {
                FloatVector.fromArray(S, x, b + i)
                        .sub(mean)
                        .mul(scale)
                        .mul(FloatVector.fromArray(S, gamma, i))
                        .add(FloatVector.fromArray(S, beta, i))
                        .intoArray(out, b + i);
            }
        }
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        if (!"1".equals(System.getProperty("kiln.cpu.threads"))) {
            System.out.println("run with -Dkiln.cpu.threads=1, or Kiln's helper threads' CPU time is not counted");
        }
        float[] xs = RowWorkTiming.uniform(ROWS * COLS, 5, 4f);
        float[] gs = RowWorkTiming.uniform(COLS, 6, 1f);
        float[] bs = RowWorkTiming.uniform(COLS, 7, 1f);
        float[] reused = new float[ROWS * COLS];
        Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
        Kiln.withBackend("cpu-simd", () -> {
            Array x = Np.array(xs, ROWS, COLS);
            List<Array> affine = List.of(x, Np.array(gs, COLS), Np.array(bs, COLS));
            Function<Array, Array> sm = Kiln.jit(RowWorkTiming::softmax);
            Function<List<Array>, Array> ln = Kiln.jit(RowWorkTiming::layerNorm);
            cases.put("softmax, Kiln jit", () -> sm.apply(x));
            cases.put("softmax, by hand, new output", () -> {
                float[] o = new float[ROWS * COLS];
                softmax(xs, o, 0, ROWS);
                return o;
            });
            cases.put("softmax, by hand, reused output", () -> {
                softmax(xs, reused, 0, ROWS);
                return reused;
            });
            cases.put("layer norm, Kiln jit", () -> ln.apply(affine));
            cases.put("layer norm, by hand, new output", () -> {
                float[] o = new float[ROWS * COLS];
                layerNorm(xs, gs, bs, o, 0, ROWS);
                return o;
            });
            cases.put("layer norm, by hand, reused output", () -> {
                layerNorm(xs, gs, bs, reused, 0, ROWS);
                return reused;
            });
            cases.put("new float[4096*1024] alone", () -> new float[ROWS * COLS]);
            long warm = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < warm) {
                cases.values().forEach(Supplier::get);
            }
            Map<String, double[]> best = new LinkedHashMap<>();
            for (int r = 0; r < rounds; r++) {
                // the cases take turns, so a burst of load falls on all of them alike
                for (Map.Entry<String, Supplier<Object>> e : cases.entrySet()) {
                    long t0 = System.nanoTime();
                    long c0 = THREADS.getCurrentThreadCpuTime();
                    for (int c = 0; c < 10; c++) {
                        e.getValue().get();
                    }
                    double wall = (System.nanoTime() - t0) / 1e7;
                    double cpu = (THREADS.getCurrentThreadCpuTime() - c0) / 1e7;
                    double[] b = best.computeIfAbsent(e.getKey(), k -> new double[] {1e9, 1e9});
                    b[0] = Math.min(b[0], wall);
                    b[1] = Math.min(b[1], cpu);
                }
            }
            System.out.printf(
                    "load average %.2f%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            best.forEach((k, b) -> System.out.printf("%-36s wall %.3f ms, CPU %.3f ms%n", k, b[0], b[1]));
            return null;
        });
    }
}
