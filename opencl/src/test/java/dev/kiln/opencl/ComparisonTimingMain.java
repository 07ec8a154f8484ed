package dev.kiln.opencl;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.spi.Backend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Not a test: times the comparison's opencl rows (the workloads of {@code bench}'s {@code RowOps},
 * {@code Matmul} and {@code Elementwise}, float32) on opencl, eager and jitted, beside cpu-simd's
 * jitted time when cpu-simd is on the class path, in one process, backends alternated
 * {@code -Drounds} times (default 3), each the median of {@code -Druns} (default 7) after two
 * warm-ups, with the load average. {@code args}: workload names (default all).
 */
public final class ComparisonTimingMain {
    private ComparisonTimingMain() {}

    private static final int[] LAST = {1};

    private static Array random(int seed, float scale, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return Np.array(v, shape);
    }

    private record Workload(String name, Function<List<Array>, Array> f, float[] scales, int[][] shapes) {}

    public static void main(String[] args) {
        int rounds = Integer.getInteger("rounds", 3);
        int runs = Integer.getInteger("runs", 7);
        List<Workload> all = List.of(
                new Workload(
                        "sumFma16M",
                        v -> Np.sum(v.get(0).add(v.get(1).multiply(v.get(2)))),
                        new float[] {1, 1, 1},
                        new int[][] {{1 << 24}, {1 << 24}, {1 << 24}}),
                new Workload(
                        "tanhChain16M",
                        v -> v.get(0)
                                .add(v.get(1).multiply(v.get(2)))
                                .tanh()
                                .multiply(0.5f)
                                .add(v.get(0)),
                        new float[] {1, 1, 1},
                        new int[][] {{1 << 24}, {1 << 24}, {1 << 24}}),
                new Workload(
                        "softmax",
                        v -> {
                            Array x = v.get(0);
                            Array e = x.subtract(x.max(LAST, true)).exp();
                            return e.divide(e.sum(LAST, true));
                        },
                        new float[] {4},
                        new int[][] {{4096, 1024}}),
                new Workload(
                        "layerNorm",
                        v -> {
                            Array x = v.get(0);
                            Array c = x.subtract(x.mean(LAST, true));
                            Array var = c.square().mean(LAST, true);
                            return c.multiply(var.add(1e-5f).rsqrt())
                                    .multiply(v.get(1))
                                    .add(v.get(2));
                        },
                        new float[] {4, 1, 1},
                        new int[][] {{4096, 1024}, {1024}, {1024}}),
                new Workload("matmul256", v -> Np.matmul(v.get(0), v.get(1)), new float[] {1, 1}, new int[][] {
                    {256, 256}, {256, 256}
                }),
                new Workload("matmul1024", v -> Np.matmul(v.get(0), v.get(1)), new float[] {1, 1}, new int[][] {
                    {1024, 1024}, {1024, 1024}
                }),
                new Workload(
                        "dense1024",
                        v -> Np.tanh(Np.matmul(v.get(0), v.get(1)).add(v.get(2))),
                        new float[] {1, 1 / 32f, 1},
                        new int[][] {{1024, 1024}, {1024, 1024}, {1024}}),
                new Workload("argmax", v -> Np.argmax(v.get(0), 1), new float[] {4}, new int[][] {{4096, 1024}}));
        List<String> names = Arrays.asList(args);
        Map<String, Backend> backends = new LinkedHashMap<>();
        backends.put("opencl", Kiln.backend("opencl"));
        if (Boolean.getBoolean("scalar")) {
            // a second opencl backend without the vector paths (elementwise kernels, row-group
            // stages, product epilogues), for before/after comparisons in one process
            OpenClBackend scalar = (OpenClBackend) new OpenClProvider().open(Map.of());
            scalar.vectorKernels = false;
            backends.put("opencl-scalar", scalar);
        }
        try {
            backends.put("cpu-simd", Kiln.backend("cpu-simd"));
        } catch (RuntimeException e) {
            System.out.println("cpu-simd not available: " + e.getMessage());
        }
        for (Workload w : all) {
            if (!names.isEmpty() && !names.contains(w.name())) {
                continue;
            }
            Map<String, List<Double>> times = new LinkedHashMap<>();
            Map<String, Supplier<Array>> calls = new LinkedHashMap<>();
            for (Map.Entry<String, Backend> b : backends.entrySet()) {
                Kiln.withBackend(b.getValue(), () -> {
                    List<Array> in = new ArrayList<>();
                    for (int i = 0; i < w.shapes().length; i++) {
                        in.add(random(10 + i, w.scales()[i], w.shapes()[i]));
                    }
                    Function<List<Array>, Array> jf = Kiln.jit(w.f());
                    calls.put(b.getKey() + " jit", () -> jf.apply(in));
                    if (b.getKey().equals("opencl") && !Boolean.getBoolean("noeager")) {
                        calls.put(b.getKey() + " eager", () -> Kiln.withBackend(b.getValue(), () -> w.f().apply(in)));
                    }
                    return null;
                });
            }
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, Supplier<Array>> c : calls.entrySet()) {
                    times.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(median(runs, c.getValue()));
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-13s", w.name()));
            for (Map.Entry<String, List<Double>> t : times.entrySet()) {
                List<Double> v = t.getValue();
                line.append(String.format(Locale.ROOT, "  %s %s", t.getKey(), fmt(v)));
            }
            line.append("  load ").append(load());
            System.out.println(line);
        }
        System.exit(0);
    }

    private static String fmt(List<Double> v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.isEmpty() ? "" : "/").append(String.format(Locale.ROOT, "%.2f", d));
        }
        return b + " ms";
    }

    private static double median(int runs, Supplier<Array> f) {
        for (int i = 0; i < 2; i++) {
            f.get().blockUntilReady();
        }
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            System.gc();
            long s = System.nanoTime();
            f.get().blockUntilReady();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[runs / 2];
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
