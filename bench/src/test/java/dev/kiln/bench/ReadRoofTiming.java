package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.spi.Backend;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;

/**
 * A timing tool, not a test: the {@link Limits} reads (one stream, three streams, row groups) on
 * two threads next to Kiln's jitted {@code W @ x} on the comparison table's 4096×4096 matrix and on
 * one four times as large (8192×8192, beyond any last-level cache), in one JVM, each round running
 * every one of them in turn; fastest call of each, in GB/s of the bytes the floor counts. Checks
 * that the read roof is not below what the matrix-vector kernel reaches.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -Xmx4g -cp &lt;bench test classpath&gt; dev.kiln.bench.ReadRoofTiming [rounds]
 * </pre>
 */
public final class ReadRoofTiming {
    private ReadRoofTiming() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.printf(Locale.ROOT, "load %s%n", load());
        Limits limits = new Limits();
        limits.threads = 2;
        limits.setup();
        Backend on = Kiln.backend("cpu-simd");
        BiFunction<Array, Array, Array> matvec = Kiln.jit(Programs::matvec);
        Array[] w = new Array[2];
        Array[] x = new Array[2];
        int[] sizes = {Programs.MATVEC, 2 * Programs.MATVEC};
        Kiln.withBackend(on, () -> {
            for (int i = 0; i < sizes.length; i++) {
                w[i] = Np.array(Data.uniform(sizes[i] * sizes[i], 21 + i), sizes[i], sizes[i]);
                x[i] = Np.array(Data.uniform(sizes[i], 22 + i), sizes[i]);
            }
            return null;
        });
        Map<String, DoubleSupplier> runs = new LinkedHashMap<>();
        Map<String, Double> bytes = new LinkedHashMap<>();
        runs.put("Limits.readSum (1 stream, 268 MB)", limits::readSum);
        bytes.put("Limits.readSum (1 stream, 268 MB)", Limits.SUM_BYTES);
        runs.put("Limits.readStreams (3 streams, 201 MB)", limits::readStreams);
        bytes.put("Limits.readStreams (3 streams, 201 MB)", Limits.STREAMS_BYTES);
        runs.put("Limits.readRows (row groups, 67 MB)", limits::readRows);
        bytes.put("Limits.readRows (row groups, 67 MB)", Limits.ROWS_BYTES);
        for (int i = 0; i < sizes.length; i++) {
            int s = i;
            String name = "Kiln jit W @ x " + sizes[i] + "x" + sizes[i];
            runs.put(
                    name,
                    () -> Kiln.withBackend(on, () -> matvec.apply(w[s], x[s]).toFloatArray()[0]));
            bytes.put(name, 4.0 * sizes[i] * sizes[i]);
        }
        Map<String, Double> best = new LinkedHashMap<>();
        double sink = 0;
        for (int r = 0; r < rounds + 3; r++) {
            for (Map.Entry<String, DoubleSupplier> e : runs.entrySet()) {
                for (int i = 0; i < 5; i++) {
                    long t0 = System.nanoTime();
                    sink += e.getValue().getAsDouble();
                    double sec = (System.nanoTime() - t0) * 1e-9;
                    if (r >= 3) {
                        best.merge(e.getKey(), sec, Math::min);
                    }
                }
            }
        }
        for (Map.Entry<String, Double> e : best.entrySet()) {
            System.out.printf(
                    Locale.ROOT,
                    "%-42s fastest %.3f ms, %.1f GB/s%n",
                    e.getKey(),
                    e.getValue() * 1e3,
                    bytes.get(e.getKey()) / e.getValue() / 1e9);
        }
        limits.tearDown();
        System.out.printf(Locale.ROOT, "load %s (checksum %s)%n", load(), sink != 0);
    }

    private static String load() {
        return String.format(
                Locale.ROOT,
                "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
