package dev.kiln.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {
    /** One JMH {@code -rf json} entry, shaped as JMH 1.37 writes it. */
    private static String entry(String benchmark, String params, double median, String unit) {
        return entry(benchmark, params, median / 2, median, unit);
    }

    private static String entry(String benchmark, String params, double best, double median, String unit) {
        return """
                {"jmhVersion" : "1.37", "benchmark" : "dev.kiln.bench.%s", "mode" : "avgt", "threads" : 1,
                 "params" : {%s},
                 "primaryMetric" : {"score" : %s, "scoreError" : "NaN", "scoreConfidence" : [1.0e-3, 2],
                   "scorePercentiles" : {"0.0" : %s, "50.0" : %s, "100.0" : 9.9}, "scoreUnit" : "%s",
                   "rawData" : [[1, 2.5e+0, -3]]},
                 "secondaryMetrics" : {}}
                """
                .formatted(benchmark, params, median * 2, best, median, unit);
    }

    @Test
    void jsonReadsWhatJmhAndPythonWrite() {
        Object v = Json.parse("{\"a\": [1, -2.5e3, true, false, null, NaN, -Infinity], \"s\": \"x\\\"\\u00e9\\n\"}");
        assertEquals(List.of(1.0, -2500.0, true, false), ((List<?>) Json.at(v, "a")).subList(0, 4));
        assertEquals(null, Json.at(v, "a", 4));
        assertTrue(Double.isNaN(Json.number(v, "a", 5)));
        assertEquals(Double.NEGATIVE_INFINITY, Json.number(v, "a", 6));
        assertEquals("x\"é\n", Json.at(v, "s"));
        assertTrue(Double.isNaN(Json.number(v, "missing", 0)));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] 2"));
    }

    @Test
    void picksResultsByMethodAndParamsAndUsesTheMedian() {
        ComparisonTable.KilnResults r = new ComparisonTable.KilnResults();
        r.add(
                "a.json",
                "["
                        + String.join(
                                ",",
                                entry("Matmul.matmulJit", "\"backend\" : \"cpu-simd\", \"n\" : \"256\"", 0.5, "ms/op"),
                                entry("Matmul.matmulJit", "\"backend\" : \"cpu-simd\", \"n\" : \"1024\"", 7, "ms/op"),
                                entry("Matmul.matmulJit", "\"backend\" : \"reference\", \"n\" : \"1024\"", 4, "s/op"),
                                entry("Matmul.matmulPlain", "\"n\" : \"1024\"", 300, "ms/op"),
                                entry("Dispatch.addEager", "\"backend\" : \"cpu-simd\"", 210, "ns/op"))
                        + "]");
        assertEquals(7e-3, r.seconds("Matmul", "matmulJit", Map.of("backend", "cpu-simd", "n", "1024")), 1e-12);
        assertEquals(4, r.seconds("Matmul", "matmulJit", Map.of("backend", "reference", "n", "1024")), 1e-12);
        // the plain baseline has no backend parameter: that is no constraint
        assertEquals(0.3, r.seconds("Matmul", "matmulPlain", Map.of("backend", "cpu-simd", "n", "1024")), 1e-12);
        assertEquals(210e-9, r.seconds("Dispatch", "addEager", Map.of()), 1e-18);
        assertTrue(Double.isNaN(r.seconds("Matmul", "matmulEager", Map.of("n", "1024"))));
        assertTrue(Double.isNaN(r.seconds("Matmul", null, Map.of())));
    }

    /**
     * A floor counts the bytes that must be read: the Hessian-vector product reads its 2048² float32
     * matrix once (the planner merges {@code A x} and {@code A v} into one sweep), 16.8 MB, not the
     * 33.6 MB of two products; {@code W @ x} reads its 4096² matrix once.
     */
    @Test
    void programFloorsCountEachMatrixOnce() {
        ComparisonTable.Workload hvp = ComparisonTable.workloads().stream()
                .filter(w -> w.label().startsWith("Hessian-vector product"))
                .findFirst()
                .orElseThrow();
        assertEquals(ComparisonTable.Bound.READ, hvp.limit().bound());
        assertEquals(4.0 * 2048 * 2048, hvp.limit().amount(), 0);
        ComparisonTable.Workload mv = ComparisonTable.workloads().stream()
                .filter(w -> w.label().startsWith("W @ x"))
                .findFirst()
                .orElseThrow();
        assertEquals(4.0 * 4096 * 4096, mv.limit().amount(), 0);
    }

    @Test
    void rendersRatiosAndFloorsFromMeasuredLimits() {
        ComparisonTable.KilnResults r = new ComparisonTable.KilnResults();
        // the best read-sum iteration makes sum_fma's 201 MB take 10 ms (20.1 GB/s); the median is ignored
        double readSeconds = Limits.SUM_BYTES / (12.0 * (1 << 24) / 10e-3);
        r.add(
                "k.json",
                "["
                        + String.join(
                                ",",
                                entry(
                                        "Limits.readSum",
                                        "\"threads\" : \"2\"",
                                        readSeconds * 1e3,
                                        3 * readSeconds * 1e3,
                                        "ms/op"),
                                entry(
                                        "Elementwise.sumFmaEager",
                                        "\"backend\" : \"cpu-simd\", \"length\" : \"16777216\"",
                                        40,
                                        "ms/op"),
                                entry(
                                        "Elementwise.sumFmaJit",
                                        "\"backend\" : \"cpu-simd\", \"length\" : \"16777216\"",
                                        20,
                                        "ms/op"),
                                entry("Elementwise.sumFmaPlain", "\"length\" : \"16777216\"", 30, "ms/op"))
                        + "]");
        Object jax = Json.parse("{\"results\": {\"sum_fma_16M\": {\"jit\": {\"median_s\": 0.008}, "
                + "\"eager\": {\"median_s\": 0.05}}, \"tanh_chain_16M\": {\"jit\": {\"median_s\": 0.05}}}}");
        String md = ComparisonTable.render(r, jax, 2);
        String row = md.lines()
                .filter(l -> l.startsWith("| sum(x + y·z)"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "| sum(x + y·z), 16M f32 | 40.0 ms | 20.0 ms | 30.0 ms | 50.0 ms | 8.00 ms | — | — | 2.50× | 2.50× "
                        + "| 10.0 ms (201 MB at 20.1 GB/s read) | 50% |",
                row);
        assertTrue(md.contains("Kiln jit / JAX jit over 1 workloads: 2.50×"), md);

        // PyTorch compiled at 5 ms is the best peer; the three-stream read at 40.2 GB/s raises the roof
        r.add(
                "l.json",
                "["
                        + entry(
                                "Limits.readStreams",
                                "\"threads\" : \"2\"",
                                Limits.STREAMS_BYTES / 40.2e9 * 1e3,
                                Limits.STREAMS_BYTES / 30e9 * 1e3,
                                "ms/op")
                        + "]");
        Object torch = Json.parse("{\"results\": {\"sum_fma_16M\": {\"eager\": {\"median_s\": 0.03}, "
                + "\"compiled\": {\"median_s\": 0.005}}}}");
        String withTorch = ComparisonTable.render(r, jax, torch, 2);
        String torchRow = withTorch
                .lines()
                .filter(l -> l.startsWith("| sum(x + y·z)"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "| sum(x + y·z), 16M f32 | 40.0 ms | 20.0 ms | 30.0 ms | 50.0 ms | 8.00 ms | 30.0 ms | 5.00 ms "
                        + "| 2.50× | 4.00× | 5.01 ms (201 MB at 40.2 GB/s read) | 25% |",
                torchRow);
        assertTrue(withTorch.contains("of Kiln jit / best peer over 1: 4.00×"), withTorch);
        String page = ComparisonPage.render("t", r, jax, torch, 2, "notes <here>");
        assertTrue(page.contains("<h2>sum(x + y·z), 16M f32</h2>"), page);
        assertTrue(page.contains("stroke-dasharray"), "the floor is drawn");
        assertTrue(page.contains("PyTorch compiled</text>"), page);
        assertTrue(page.contains("notes &lt;here&gt;"), page);
        // no reference results: no reference rows; a row that JAX has but Kiln lacks is listed
        assertTrue(md.lines().noneMatch(l -> l.contains("— reference")));
        assertTrue(md.contains("No Kiln result for: tanh(x + y·z)"));
        // a workload with no result from anyone is not a row
        assertTrue(md.lines().noneMatch(l -> l.startsWith("| matmul 2048")));
    }

    @Test
    void computeRoofIsCoresTimesTheOneThreadPeakWhenTwoThreadsWereCrowded() {
        ComparisonTable.KilnResults r = new ComparisonTable.KilnResults();
        r.add(
                "k.json",
                "["
                        + String.join(
                                ",",
                                entry("Limits.fmaPeak", "\"threads\" : \"1\"", 1, 1.1, "ms/op"),
                                // two threads took twice as long: the other core was busy with something else
                                entry("Limits.fmaPeak", "\"threads\" : \"2\"", 2, 2.2, "ms/op"),
                                entry(
                                        "Matmul.matmulJit",
                                        "\"backend\" : \"cpu-simd\", \"n\" : \"1024\"",
                                        21.34,
                                        "ms/op"))
                        + "]");
        double onePeak = Limits.fmaFlopPerThread(Limits.PREFERRED.length()) / 1e-3;
        double floor = 2.0 * 1024 * 1024 * 1024 / (2 * onePeak);
        String row = ComparisonTable.render(r, Json.parse("{}"), 2)
                .lines()
                .filter(l -> l.startsWith("| matmul 1024"))
                .findFirst()
                .orElseThrow();
        assertTrue(
                row.contains("| " + ComparisonTable.time(floor) + " (2.15 GFLOP at "
                        + String.format(java.util.Locale.ROOT, "%.0f", 2 * onePeak / 1e9) + " GFLOP/s) |"),
                row);
        assertTrue(row.endsWith("| " + ComparisonTable.percent(floor / 21.34e-3) + " |"), row);
    }

    @Test
    void formatsTimesWithThreeDigits() {
        assertEquals("847 ns", ComparisonTable.time(847e-9));
        assertEquals("4.60 µs", ComparisonTable.time(4.6e-6));
        assertEquals("12.3 ms", ComparisonTable.time(12.34e-3));
        assertEquals("4.06 s", ComparisonTable.time(4.06));
        assertEquals("—", ComparisonTable.time(Double.NaN));
        assertEquals("—", ComparisonTable.ratio(1.0 / 0));
    }
}
