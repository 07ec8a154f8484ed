package dev.kiln.opencl;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Nn;
import dev.kiln.Np;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Not a test: times jitted row softmax and layer norm over {@code -Drows} × {@code -Dwidth} float32
 * (default 4096 × 1024) on one opencl backend with kernel groups run kernel by kernel (off) and as
 * one kernel with a work-group per row (on), alternating off and on {@code -Drounds} times (default
 * 3) in the same sitting, each time the best of {@code -Druns} (default 5) after two warm-up calls,
 * with the load average beside each line. {@code -Dinterleaved=true|false} forces the items' layout
 * (default: the device's).
 */
public final class RowGroupTimingMain {
    private RowGroupTimingMain() {}

    public static void main(String[] args) {
        int rows = Integer.getInteger("rows", 4096);
        int width = Integer.getInteger("width", 1024);
        int runs = Integer.getInteger("runs", 5);
        int rounds = Integer.getInteger("rounds", 3);
        OpenClBackend backend = (OpenClBackend) new OpenClProvider().open(Map.of());
        String layout = System.getProperty("interleaved");
        if (layout != null) {
            backend.interleavedReductions = Boolean.parseBoolean(layout);
        }
        System.out.println("device: " + backend.runtime().device().describe() + ", layout "
                + (layout == null ? "the device's" : "interleaved=" + layout));
        Map<String, Function<List<Array>, Array>> workloads = new java.util.LinkedHashMap<>();
        workloads.put("softmax", v -> Nn.softmax(v.get(0)));
        workloads.put("layernorm", v -> {
            Array x = v.get(0);
            Array c = x.subtract(Np.mean(x, new int[] {1}, true));
            return c.divide(Np.sqrt(Np.mean(c.multiply(c), new int[] {1}, true).add(1e-5)));
        });
        Random r = new Random(1);
        float[] data = new float[rows * width];
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextFloat() * 8 - 4;
        }
        for (Map.Entry<String, Function<List<Array>, Array>> w : workloads.entrySet()) {
            Kiln.withBackend(backend, () -> {
                Array x = Np.array(data, rows, width).astype(DType.FLOAT32);
                Function<List<Array>, Array> jf = Kiln.jit(w.getValue());
                for (int round = 0; round < rounds; round++) {
                    double[] ms = new double[2];
                    long[] runsBefore = backend.rowGroupRuns();
                    for (int on = 0; on < 2; on++) {
                        backend.rowGroups = on == 1;
                        ms[on] = best(runs, () -> jf.apply(List.of(x)));
                    }
                    long[] runsAfter = backend.rowGroupRuns();
                    System.out.printf(
                            Locale.ROOT,
                            "%-9s %d x %d  row groups off %8.1f ms   on %8.1f ms   (%.2fx)   load %s   group kernels"
                                    + " run %d, fallbacks %d%n",
                            w.getKey(),
                            rows,
                            width,
                            ms[0],
                            ms[1],
                            ms[0] / ms[1],
                            load(),
                            runsAfter[0] - runsBefore[0],
                            runsAfter[1] - runsBefore[1]);
                }
                return null;
            });
        }
    }

    private static double best(int runs, Supplier<Array> body) {
        body.get().blockUntilReady();
        body.get().blockUntilReady();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            System.gc(); // the last result's buffer back to the pool (fresh device memory is slow to touch)
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
