package dev.kiln.opencl;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.spi.Backend;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Not a test: times jitted workloads on two opencl backends of this process, fast paths on and off
 * ({@code kiln.opencl.fast-paths}), in the same sitting, best of {@code -Druns} (default 5) after two
 * warm-up calls. {@code args}: workload names (default all): {@code sum16m} ({@code sum(x + y*z)} over
 * 16M float32), {@code softmax} (row softmax of 64 × 65536), {@code layernorm} (1024 × 4096 rows),
 * {@code mlp} ({@code tanh(x @ w + b)}, 1024 × 1024 × 1024), {@code tanh16m}, {@code cumsum}
 * (cumsum of 4096 × 4096 along each axis).
 */
public final class FastPathsTimingMain {
    private FastPathsTimingMain() {}

    private static Array random(int seed, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return Np.array(v, shape);
    }

    private record Workload(String name, Function<List<Array>, Array> f, int[][] shapes) {}

    public static void main(String[] args) {
        List<Workload> all = List.of(
                new Workload("sum16m", v -> Np.sum(v.get(0).add(v.get(1).multiply(v.get(2)))), new int[][] {
                    {1 << 24}, {1 << 24}, {1 << 24}
                }),
                new Workload(
                        "softmax",
                        v -> {
                            Array e = Np.exp(v.get(0).subtract(Np.max(v.get(0), new int[] {1}, true)));
                            return e.divide(Np.sum(e, new int[] {1}, true));
                        },
                        new int[][] {{64, 65536}}),
                new Workload(
                        "layernorm",
                        v -> {
                            Array x = v.get(0);
                            Array c = x.subtract(Np.mean(x, new int[] {1}, true));
                            return c.divide(Np.sqrt(
                                    Np.mean(c.multiply(c), new int[] {1}, true).add(1e-5)));
                        },
                        new int[][] {{1024, 4096}}),
                new Workload("mlp", v -> Np.tanh(Np.matmul(v.get(0), v.get(1)).add(v.get(2))), new int[][] {
                    {1024, 1024}, {1024, 1024}, {1024}
                }),
                new Workload("tanh16m", v -> Np.tanh(v.get(0)), new int[][] {{1 << 24}}),
                new Workload(
                        "cumsum", v -> Np.cumsum(v.get(0), 0).add(Np.cumsum(v.get(0), 1)), new int[][] {{4096, 4096}}));
        List<String> names = args.length == 0 ? all.stream().map(Workload::name).toList() : List.of(args);
        int runs = Integer.getInteger("runs", 5);
        Backend fast = new OpenClProvider().open(Map.of());
        Backend slow = new OpenClProvider().open(Map.of("kiln.opencl.fast-paths", "false"));
        System.out.println(
                "device: " + ((OpenClBackend) fast).runtime().device().describe());
        for (Workload w : all) {
            if (!names.contains(w.name())) {
                continue;
            }
            double[] ms = new double[2];
            Backend[] bs = {slow, fast};
            for (int b = 0; b < 2; b++) {
                Backend backend = bs[b];
                ms[b] = Kiln.withBackend(backend, () -> {
                    Array[] in = new Array[w.shapes().length];
                    for (int i = 0; i < in.length; i++) {
                        in[i] = random(i + 1, w.shapes()[i]).astype(DType.FLOAT32);
                    }
                    Function<List<Array>, Array> jf = Kiln.jit(w.f());
                    return best(runs, () -> jf.apply(List.of(in)));
                });
            }
            if (w.name().equals("mlp")) {
                // the same with the tiled product, but its epilogue in a kernel of its own
                OpenClBackend apart = (OpenClBackend) new OpenClProvider().open(Map.of());
                apart.matmulEpilogues = false;
                double t = Kiln.withBackend(apart, () -> {
                    Array[] in = new Array[w.shapes().length];
                    for (int i = 0; i < in.length; i++) {
                        in[i] = random(i + 1, w.shapes()[i]).astype(DType.FLOAT32);
                    }
                    Function<List<Array>, Array> jf = Kiln.jit(w.f());
                    return best(runs, () -> jf.apply(List.of(in)));
                });
                System.out.printf(
                        Locale.ROOT, "%-10s tiled product, epilogue apart %9.1f ms   load %s%n", w.name(), t, load());
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-10s fast-paths off %9.1f ms   on %9.1f ms   (%.2fx)   load %s   on: %s group reductions, %s"
                            + " tiled products, %s fused matmuls, %s scans%n",
                    w.name(),
                    ms[0],
                    ms[1],
                    ms[0] / ms[1],
                    load(),
                    java.util.Arrays.toString(((OpenClBackend) fast).fusedGroupReductions()),
                    ((OpenClBackend) fast).tiledProducts(),
                    ((OpenClBackend) fast).fusedMatmuls(),
                    ((OpenClBackend) fast).scans());
        }
    }

    private static double best(int runs, Supplier<Array> body) {
        body.get().blockUntilReady();
        body.get().blockUntilReady();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            // let the last result's buffer go back to the pool: the first touch of fresh device memory
            // (0.4 s per 64 MiB on PoCL here) would otherwise be timed rather than the kernel
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long t = System.nanoTime();
            body.get().blockUntilReady();
            best = Math.min(best, (System.nanoTime() - t) / 1e6);
        }
        return best;
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
