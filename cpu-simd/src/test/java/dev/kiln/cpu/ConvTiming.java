package dev.kiln.cpu;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.Random;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A timing tool, not a test: {@code Lax.convGeneralDilated} (a 3x3 "SAME" convolution, NHWC, batch
 * 32, 32x32 pixels, 64 to 64 channels) under {@code jit}, next to the one {@code dot_general} it
 * contains ([32*32*32, 576] by [576, 64], the same flops) and the gradient of the convolution's sum
 * with respect to both operands, all in one JVM, interleaved, fastest of several rounds. The ratio
 * conv / dot is the share of time outside the contraction (padding, the windows, the stacking).
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp spi/target/classes:cpu-simd/target/classes:\
 *     cpu-simd/target/test-classes:&lt;slf4j-api jar&gt; dev.kiln.cpu.ConvTiming [rounds]
 * </pre>
 */
public final class ConvTiming {
    private ConvTiming() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int n = 32;
        int hw = 32;
        int c = 64;
        Array x = Random.normal(Random.key(1), n, hw, hw, c);
        Array w = Random.normal(Random.key(2), 3, 3, c, c);
        Array patches = Random.normal(Random.key(3), n * hw * hw, 9 * c);
        Array k = Random.normal(Random.key(4), 9 * c, c);
        String[] nhwc = {"NHWC", "HWIO", "NHWC"};
        int[] one = {1, 1};
        Function<List<Array>, Array> conv =
                Kiln.jit((List<Array> a) -> Lax.convGeneralDilated(a.get(0), a.get(1), one, "SAME", null, null, nhwc));
        Function<List<Array>, Array> dot = Kiln.jit((List<Array> a) ->
                Lax.dotGeneral(a.get(0), a.get(1), new int[] {1}, new int[] {0}, new int[0], new int[0]));
        Function<List<Array>, List<Array>> grad = Kiln.jit(Kiln.grad(
                (List<Array> a) -> Np.sum(Lax.convGeneralDilated(a.get(0), a.get(1), one, "SAME", null, null, nhwc))));
        Function<Array, Array> maxPool = Kiln.jit((Array a) -> Lax.reduceWindow(
                a, Double.NEGATIVE_INFINITY, Lax.Monoid.MAX, new int[] {1, 2, 2, 1}, new int[] {1, 2, 2, 1}, "VALID"));
        Function<List<Array>, Array> tapSum = Kiln.jit((List<Array> a) -> tapSum(a.get(0), a.get(1)));
        Function<Array, Array> patchesOnly = Kiln.jit((Array a) -> patches(a));
        Function<Array, Array> patchesSelected = Kiln.jit((Array a) -> patchesBySelect(a));
        double flops = 2.0 * n * hw * hw * 9 * c * c;
        System.out.printf(Locale.ROOT, "load %.2f%n", load());
        double[] best = new double[8];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        List<Supplier<Array>> runs = List.of(
                () -> conv.apply(List.of(x, w)),
                () -> dot.apply(List.of(patches, k)),
                () -> grad.apply(List.of(x, w)).get(0),
                () -> maxPool.apply(x),
                () -> Lax.convGeneralDilated(x, w, one, "SAME", null, null, nhwc),
                () -> tapSum.apply(List.of(x, w)),
                () -> patchesOnly.apply(x),
                () -> patchesSelected.apply(x));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < runs.size(); i++) {
                long t0 = System.nanoTime();
                Array y = runs.get(i).get();
                y.toHost();
                best[i] = Math.min(best[i], (System.nanoTime() - t0) * 1e-6);
            }
        }
        System.out.printf(Locale.ROOT, "conv (jit)         %8.2f ms  %6.1f GFLOP/s%n", best[0], flops / best[0] / 1e6);
        System.out.printf(Locale.ROOT, "dot_general alone  %8.2f ms  %6.1f GFLOP/s%n", best[1], flops / best[1] / 1e6);
        System.out.printf(Locale.ROOT, "conv / dot         %8.2f%n", best[0] / best[1]);
        System.out.printf(Locale.ROOT, "grad both (jit)    %8.2f ms  (%.2f x conv)%n", best[2], best[2] / best[0]);
        System.out.printf(Locale.ROOT, "max pool 2x2 (jit) %8.2f ms%n", best[3]);
        System.out.printf(Locale.ROOT, "conv (eager)       %8.2f ms%n", best[4]);
        System.out.printf(Locale.ROOT, "tap sum (jit)      %8.2f ms  (9 dot_generals over shifted slices)%n", best[5]);
        System.out.printf(Locale.ROOT, "patches alone (jit)%8.2f ms  (pad, 9 windows, stacking)%n", best[6]);
        System.out.printf(Locale.ROOT, "patches by select  %8.2f ms  (one fusible sum of selects)%n", best[7]);
        System.out.printf(Locale.ROOT, "load %.2f%n", load());
    }

    /** The same patches as a sum over taps of a broadcast window selected by the tap index (all fusible). */
    private static Array patchesBySelect(Array x) {
        Array p = Lax.pad(x, Np.full(x.dtype(), 0), new int[] {0, 1, 1, 0}, new int[] {0, 1, 1, 0}, new int[4]);
        int[] s = x.shape();
        int[] shape = {s[0], s[1], s[2], 9, s[3]};
        Array tap = Lax.iota(dev.kiln.DType.INT32, shape, 3);
        Array acc = null;
        for (int t = 0; t < 9; t++) {
            int i = t / 3;
            int j = t % 3;
            Array win = Lax.slice(p, new int[] {0, i, j, 0}, new int[] {s[0], i + s[1], j + s[2], s[3]});
            Array b = Lax.broadcastInDim(win, shape, 0, 1, 2, 4);
            Array sel = Np.where(Np.equal(tap, t), b, Np.zerosLike(b));
            acc = acc == null ? sel : Np.add(acc, sel);
        }
        return acc;
    }

    /** The alternative decomposition: one dot_general per kernel tap, summed. */
    private static Array tapSum(Array x, Array w) {
        Array p = Lax.pad(x, Np.full(x.dtype(), 0), new int[] {0, 1, 1, 0}, new int[] {0, 1, 1, 0}, new int[4]);
        int[] s = x.shape();
        Array acc = null;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                Array win = Lax.slice(p, new int[] {0, i, j, 0}, new int[] {s[0], i + s[1], j + s[2], s[3]});
                Array wt = Lax.reshape(
                        Lax.slice(w, new int[] {i, j, 0, 0}, new int[] {i + 1, j + 1, s[3], w.shape(3)}),
                        s[3],
                        w.shape(3));
                Array y = Lax.dotGeneral(win, wt, new int[] {3}, new int[] {0}, new int[0], new int[0]);
                acc = acc == null ? y : Np.add(acc, y);
            }
        }
        return acc;
    }

    /** The patches convGeneralDilated builds: [N, H, W, 9, C]. */
    private static Array patches(Array x) {
        Array p = Lax.pad(x, Np.full(x.dtype(), 0), new int[] {0, 1, 1, 0}, new int[] {0, 1, 1, 0}, new int[4]);
        int[] s = x.shape();
        Array[] ws = new Array[9];
        for (int t = 0; t < 9; t++) {
            int i = t / 3;
            int j = t % 3;
            Array win = Lax.slice(p, new int[] {0, i, j, 0}, new int[] {s[0], i + s[1], j + s[2], s[3]});
            ws[t] = Lax.reshape(win, s[0], s[1], s[2], 1, s[3]);
        }
        return Lax.concatenate(ws, 3);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
