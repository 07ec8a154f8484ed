package dev.kiln.cpu;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Times three jitted programs of the comparison table on cpu-simd, defined as bench's {@code
 * Workloads} and {@code Programs} define them (same shapes, formulas and data): row softmax and layer
 * norm over 4096×1024 float32, and the gradient of a 32-step scan RNN (batch 32, input 64, hidden
 * 256). Each is warmed up, then timed as the fastest of several rounds (a round is the mean of a
 * batch of calls); the load average is printed before and after. Not a test (no test asserts a time).
 * To compare two settings, run it alternately with each in one sitting, for instance {@code
 * -Dkiln.buffer-reuse=false} against the default.
 */
public final class RowWorkTiming {
    private RowWorkTiming() {}

    private static final int[] LAST = {1};

    static float[] uniform(int n, long seed, float scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (r.nextDouble() * 2 - 1) * scale;
        }
        return out;
    }

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

    static Array rnnLoss(List<Array> p, Array xs) {
        Array h0 = Np.zeros(32, 256);
        Array last = Lax.scan(
                        (Array h, Array x) -> new Lax.Step<>(
                                Np.tanh(Np.matmul(h, p.get(0))
                                        .add(Np.matmul(x, p.get(1)))
                                        .add(p.get(2))),
                                (Array) null),
                        h0,
                        xs)
                .carry();
        return Np.mean(Np.square(last));
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        String only = args.length > 1 ? args[1] : "all";
        System.out.printf(
                "kiln.buffer-reuse=%s, load average %.2f%n",
                System.getProperty("kiln.buffer-reuse", "true"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        StringBuilder line = new StringBuilder();
        Kiln.withBackend("cpu-simd", () -> {
            Array x = Np.array(uniform(4096 * 1024, 5, 4f), 4096, 1024);
            List<Array> affine = List.of(x, Np.array(uniform(1024, 6, 1f), 1024), Np.array(uniform(1024, 7, 1f), 1024));
            List<Array> rnn = List.of(
                    Np.array(uniform(256 * 256, 26, 1 / 16f), 256, 256),
                    Np.array(uniform(64 * 256, 27, 1 / 8f), 64, 256),
                    Np.zeros(256));
            Array xs = Np.array(uniform(32 * 32 * 64, 28, 1f), 32, 32, 64);
            Function<Array, Array> sm = Kiln.jit(RowWorkTiming::softmax);
            Function<List<Array>, Array> ln = Kiln.jit(RowWorkTiming::layerNorm);
            BiFunction<List<Array>, Array, List<Array>> grad = Kiln.jit(Kiln.grad(RowWorkTiming::rnnLoss));
            if (only.equals("all") || only.equals("softmax")) {
                line.append(time("softmax", rounds, 20, () -> sm.apply(x)));
            }
            if (only.equals("all") || only.equals("layernorm")) {
                line.append(time("layer norm", rounds, 20, () -> ln.apply(affine)));
            }
            if (only.equals("all") || only.equals("rnn")) {
                line.append(time("rnn grad", rounds, 10, () -> grad.apply(rnn, xs)));
            }
            return null;
        });
        System.out.printf(
                "%s%nload average %.2f%n",
                line, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String time(String name, int rounds, int calls, Supplier<Object> f) {
        long warm = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warm) {
            f.get();
        }
        long reused = dev.kiln.spi.OutputArrays.reuses();
        f.get();
        reused = dev.kiln.spi.OutputArrays.reuses() - reused;
        double best = Double.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                f.get();
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e6 / calls);
        }
        return String.format("%s %.3f ms (%d arrays reused per call)  ", name, best, reused);
    }
}
