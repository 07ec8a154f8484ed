package dev.kiln.cpu;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A timing tool, not a test: the bandwidth-bound workloads of the comparison, each next to what it
 * should cost, interleaved in rounds in one JVM (medians, tenth percentiles and fastest calls of
 * wall time):
 *
 * <ul>
 *   <li>{@code sum(x + y*z)} over {@code n} float32 each, jitted, next to a hand-written Vector API
 *       loop (four accumulators) on one thread and on two (the floor Java code reaches here);
 *   <li>the Hessian-vector product of {@code sum(tanh(A x))} with {@code A} {@code m×m}, jitted with
 *       the planner's merge of products of one matrix on and off (off: {@code A x} and {@code A v}
 *       each read {@code A}).
 * </ul>
 *
 * <p>Arguments: {@code n} (default 2^24), {@code m} (default 2048), rounds (default 15).
 */
public final class BandwidthTiming {
    private BandwidthTiming() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 24;
        int m = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        float[] xd = RowWorkTiming.uniform(n, 1, 1f);
        float[] yd = RowWorkTiming.uniform(n, 2, 1f);
        float[] zd = RowWorkTiming.uniform(n, 3, 1f);
        float[] ad = RowWorkTiming.uniform(m * m, 4, 0.05f);
        float[] hx = RowWorkTiming.uniform(m, 5, 1f);
        float[] hv = RowWorkTiming.uniform(m, 6, 1f);
        // the planner's switch, package-private in Kiln's internals: a timing tool may reach it
        Field merge = Class.forName("dev.kiln.internal.fusion.Simplify").getDeclaredField("mergeProducts");
        merge.setAccessible(true);
        ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "timing-helper");
            t.setDaemon(true);
            return t;
        });
        Kiln.withBackend("cpu-simd", () -> {
            try {
                Array x = Np.array(xd, n);
                Array y = Np.array(yd, n);
                Array z = Np.array(zd, n);
                Array a = Np.array(ad, m, m);
                Array v0 = Np.array(hx, m);
                Array v1 = Np.array(hv, m);
                Function<Array[], Array> sum = Kiln.jit((Array[] q) -> Np.sum(q[0].add(q[1].multiply(q[2]))));
                merge.set(null, false);
                Function<Array[], Array> hvpApart = Kiln.jit((Array[] q) -> hvp(q[0], q[1], q[2]));
                hvpApart.apply(new Array[] {a, v0, v1}).blockUntilReady();
                merge.set(null, true);
                // a different program (plus zero), so it is traced and planned again with the merge on
                Function<Array[], Array> hvpMerged =
                        Kiln.jit((Array[] q) -> hvp(q[0], q[1], q[2]).add(0f));
                float[] sink = new float[1];
                List<String> names = new ArrayList<>();
                List<Supplier<Object>> paths = new ArrayList<>();
                names.add("sum(x+y*z) jit");
                paths.add(() -> sum.apply(new Array[] {x, y, z}).blockUntilReady());
                names.add("sum(x+y*z) hand, 1 thread");
                paths.add(() -> sink[0] += hand(xd, yd, zd, 0, n));
                names.add("sum(x+y*z) hand, 2 threads");
                paths.add(() -> {
                    Future<Float> other = helper.submit(() -> hand(xd, yd, zd, n / 2, n));
                    float s = hand(xd, yd, zd, 0, n / 2);
                    try {
                        return sink[0] += s + other.get();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                names.add("hvp jit, products apart");
                paths.add(() -> hvpApart.apply(new Array[] {a, v0, v1}).blockUntilReady());
                names.add("hvp jit, products merged");
                paths.add(() -> hvpMerged.apply(new Array[] {a, v0, v1}).blockUntilReady());
                int np = paths.size();
                for (Supplier<Object> p : paths) {
                    long until = System.nanoTime() + 1_500_000_000L;
                    while (System.nanoTime() < until) {
                        p.get();
                    }
                }
                int calls = 10;
                double[][] t = new double[np][rounds * calls];
                for (int r = 0; r < rounds; r++) {
                    for (int p = 0; p < np; p++) {
                        for (int i = 0; i < calls; i++) {
                            long t0 = System.nanoTime();
                            paths.get(p).get();
                            t[p][r * calls + i] = (System.nanoTime() - t0) * 1e-3;
                        }
                    }
                }
                for (int p = 0; p < np; p++) {
                    double[] s = t[p].clone();
                    Arrays.sort(s);
                    System.out.printf(
                            Locale.ROOT,
                            "%-28s median %8.0f µs, p10 %8.0f µs, fastest %8.0f µs%n",
                            names.get(p),
                            s[s.length / 2],
                            s[s.length / 10],
                            s[0]);
                }
                return null;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** H v of {@code sum(tanh(a x))} at {@code x}: forward over reverse, as the benchmark writes it. */
    private static Array hvp(Array a, Array x, Array v) {
        Function<Array, Array> g = Kiln.grad((Array q) -> Np.sum(Np.tanh(Np.matmul(a, q))));
        return Kiln.jvp(g, x, v).tangent();
    }

    /** sum of x + y·z over [lo, hi), four vector accumulators (not the kernel's rounding; a floor). */
    static float hand(float[] x, float[] y, float[] z, int lo, int hi) {
        int l = S.length();
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int i = lo;
        for (; i + 4 * l <= hi; i += 4 * l) {
            a0 = a0.add(FloatVector.fromArray(S, x, i)
                    .add(FloatVector.fromArray(S, y, i).mul(FloatVector.fromArray(S, z, i))));
            a1 = a1.add(FloatVector.fromArray(S, x, i + l)
                    .add(FloatVector.fromArray(S, y, i + l).mul(FloatVector.fromArray(S, z, i + l))));
            a2 = a2.add(FloatVector.fromArray(S, x, i + 2 * l)
                    .add(FloatVector.fromArray(S, y, i + 2 * l).mul(FloatVector.fromArray(S, z, i + 2 * l))));
            a3 = a3.add(FloatVector.fromArray(S, x, i + 3 * l)
                    .add(FloatVector.fromArray(S, y, i + 3 * l).mul(FloatVector.fromArray(S, z, i + 3 * l))));
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < hi; i++) {
            s += x[i] + y[i] * z[i];
        }
        return s;
    }
}
