package dev.kiln.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The side-by-side table: for every workload the Kiln eager and jit times, the plain-Java loop,
 * JAX op by op and jitted, the Kiln-jit/JAX-jit ratio, and the roofline floor computed from this
 * machine's measured limits ({@link Limits}). Reads JMH's JSON result files and the JSON that
 * {@code jax/workloads.py} writes; every time is a median.
 */
final class ComparisonTable {
    /** What bounds a workload from below. */
    enum Bound {
        /** Reads only: bytes over the read-only bandwidth. */
        READ,
        /** Reads and writes: bytes (STREAM's count) over the triad bandwidth. */
        STREAM,
        /** Flop over the float32 FMA peak. */
        FMA,
        /** Fixed costs (dispatch, compilation) have no roofline. */
        NONE
    }

    /** The least data a workload must move, or the least arithmetic it must do. */
    record Limit(Bound bound, double amount) {
        static Limit none() {
            return new Limit(Bound.NONE, 0);
        }
    }

    /**
     * One row of the table: the JMH benchmark class and methods behind it (a null method has no
     * cell), the parameters that pick its results, and its key in the JAX results.
     */
    record Workload(
            String label,
            String benchClass,
            String eager,
            String jit,
            String plain,
            Map<String, String> params,
            String jaxKey,
            Limit limit) {}

    static final String FAST_BACKEND = "cpu-simd";
    static final String SLOW_BACKEND = "reference";
    static final String OPENCL_BACKEND = "opencl";
    static final String PJRT_BACKEND = "pjrt";

    private static final int MLP_FLOP = mlpFlop();

    /** Every workload, in table order. */
    static List<Workload> workloads() {
        long n16m = 1L << 24;
        long matrix = 4096L * 1024;
        List<Workload> w = new ArrayList<>();
        w.add(new Workload(
                "sum(x + y·z), 16M f32",
                "Elementwise",
                "sumFmaEager",
                "sumFmaJit",
                "sumFmaPlain",
                Map.of("length", "16777216"),
                "sum_fma_16M",
                new Limit(Bound.READ, 12.0 * n16m)));
        w.add(new Workload(
                "tanh(x + y·z)·0.5 + x, 16M f32",
                "Elementwise",
                "tanhChainEager",
                "tanhChainJit",
                "tanhChainPlain",
                Map.of("length", "16777216"),
                "tanh_chain_16M",
                new Limit(Bound.STREAM, 16.0 * n16m)));
        w.add(new Workload(
                "softmax over rows, 4096×1024",
                "RowOps",
                "softmaxEager",
                "softmaxJit",
                "softmaxPlain",
                Map.of("rows", "4096", "cols", "1024"),
                "softmax_4096x1024",
                new Limit(Bound.STREAM, 8.0 * matrix)));
        w.add(new Workload(
                "layer norm over rows, 4096×1024",
                "RowOps",
                "layerNormEager",
                "layerNormJit",
                "layerNormPlain",
                Map.of("rows", "4096", "cols", "1024"),
                "layernorm_4096x1024",
                new Limit(Bound.STREAM, 8.0 * matrix)));
        for (int n : new int[] {256, 1024, 2048}) {
            w.add(new Workload(
                    "matmul " + n + "×" + n + "×" + n,
                    "Matmul",
                    "matmulEager",
                    "matmulJit",
                    "matmulPlain",
                    Map.of("n", Integer.toString(n)),
                    "matmul_" + n,
                    new Limit(Bound.FMA, 2.0 * n * n * n)));
        }
        w.add(new Workload(
                "tanh(x @ w + b), 1024",
                "Matmul",
                "denseEager",
                "denseJit",
                "densePlain",
                Map.of("width", "1024"),
                "dense_1024",
                new Limit(Bound.FMA, 2.0 * 1024 * 1024 * 1024)));
        w.add(new Workload(
                "MLP SGD step 784-512-10, batch 256",
                "MlpStep",
                "trainStepEager",
                "trainStepJit",
                "trainStepPlain",
                Map.of(),
                "mlp_step",
                new Limit(Bound.FMA, MLP_FLOP)));
        w.addAll(programs());
        w.add(new Workload(
                "jit first call, new kernel (median)",
                "CompileLatency",
                null,
                "freshKernel",
                null,
                Map.of(),
                "compile_latency",
                Limit.none()));
        w.add(new Workload(
                "jit first call, cached kernel (median)",
                "CompileLatency",
                null,
                "cachedKernel",
                null,
                Map.of(),
                "compile_latency_cached",
                Limit.none()));
        w.add(new Workload(
                "add of two 8-element f32 (dispatch)",
                "Dispatch",
                "addEager",
                "addJit",
                "addPlain",
                Map.of(),
                "dispatch_add8",
                Limit.none()));
        return w;
    }

    /**
     * Bytes the Hessian-vector product must read: the {@code HVP × HVP} float32 matrix once (the two
     * vectors and the output are 1/1000 of it and left out, as {@code W @ x}'s are).
     */
    static double hvpFloorBytes() {
        return 4.0 * Programs.HVP * Programs.HVP;
    }

    /** The typical programs of {@link Programs}, with what bounds each from below. */
    private static List<Workload> programs() {
        List<Workload> w = new ArrayList<>();
        long mv = Programs.MATVEC;
        w.add(program("W @ x, 4096×4096 f32", "matvec", "matvec_4096", new Limit(Bound.READ, 4.0 * mv * mv)));
        // the bytes that must be read: A once. The program needs A x and A v (forward over reverse),
        // and since session 27 the planner merges products of one matrix into one sweep (A·[x v]),
        // so a floor that counted A twice was not a floor: Kiln's jit ran at 174% of it
        w.add(program(
                "Hessian-vector product, sum(tanh(A x)), 2048",
                "hvp",
                "hvp_2048",
                new Limit(Bound.READ, hvpFloorBytes())));
        double t = Programs.RNN_STEPS;
        double b = Programs.RNN_BATCH;
        double h = Programs.RNN_HIDDEN;
        double in = Programs.RNN_IN;
        // forward h·W and x·U; backward dW, dh and dU (no dx: the inputs are data)
        double rnnFlop = 2 * t * b * (h * h + in * h) + 2 * t * b * (2 * h * h + in * h);
        w.add(program(
                "grad of scan RNN, 32 steps, batch 32, 64→256", "rnnGrad", "rnn_grad", new Limit(Bound.FMA, rnnFlop)));
        double attFlop = 4.0 * Programs.ATT_BATCH * Programs.ATT_SEQ * Programs.ATT_SEQ * Programs.ATT_DIM;
        w.add(program("attention softmax(q kᵀ) v, 16×256×64", "attention", "attention", new Limit(Bound.FMA, attFlop)));
        // forward x·W1 and h·W2; backward dW2, dh and dW1 (no dx)
        double geluFlop = 10.0 * Programs.GELU_BATCH * Programs.GELU_IO * Programs.GELU_HIDDEN;
        w.add(program(
                "grad of GELU MLP 512-1024-512, batch 256",
                "geluMlpGrad",
                "gelu_mlp_grad",
                new Limit(Bound.FMA, geluFlop)));
        double pexFlop = 4.0 * Programs.PEX_BATCH * Programs.PEX_IN * Programs.PEX_HIDDEN;
        w.add(program(
                "per-example grads vmap(grad), 256 × (64-128-1)",
                "perExampleGrads",
                "per_example_grads",
                new Limit(Bound.FMA, pexFlop)));
        // per token: q, k, v, o projections (4 D^2) and the MLP (2 D F), plus causal attention
        // (about 2 T D for scores and values); the step is forward + backward, three times the forward
        double tokens = (double) Programs.TF_BATCH * Programs.TF_SEQ;
        double d = Programs.TF_DIM;
        double tfForward = 2 * tokens * (4 * d * d + 2 * d * Programs.TF_HIDDEN + 2 * Programs.TF_SEQ * d);
        w.add(program(
                "transformer block SGD step, 8×128, d 256, 4 heads, MLP 1024",
                "transformerStep",
                "transformer_step",
                new Limit(Bound.FMA, 3 * tfForward)));
        return w;
    }

    private static Workload program(String label, String method, String key, Limit limit) {
        return new Workload(label, "Programs", method + "Eager", method + "Jit", null, Map.of(), key, limit);
    }

    /** Flop of one MLP step: forward x·W1 and h·W2, backward dW2, dh and dW1 (no dx: x is data). */
    private static int mlpFlop() {
        long b = MlpStep.BATCH;
        long in = MlpStep.IN;
        long h = MlpStep.HIDDEN;
        long c = MlpStep.CLASSES;
        return (int) (2 * b * in * h * 2 + 2 * b * h * c * 3);
    }

    // ------------------------------------------------------------------ results

    /** JMH results from one or more {@code -rf json} files. */
    static final class KilnResults {
        private final List<Map<String, Object>> entries = new ArrayList<>();
        final List<String> files = new ArrayList<>();

        static KilnResults load(List<Path> jsonFiles) {
            KilnResults r = new KilnResults();
            for (Path p : jsonFiles) {
                r.add(p.getFileName().toString(), read(p));
            }
            return r;
        }

        @SuppressWarnings("unchecked")
        void add(String name, String json) {
            files.add(name);
            for (Object e : (List<Object>) Json.parse(json)) {
                entries.add((Map<String, Object>) e);
            }
        }

        /** Median seconds per operation of {@code Class.method} with these parameters, or NaN. */
        double seconds(String benchClass, String method, Map<String, String> params) {
            return seconds(benchClass, method, params, "50.0");
        }

        /**
         * The fastest iteration's seconds per operation: for limits, which interference from other
         * work on the machine can only lower.
         */
        double bestSeconds(String benchClass, String method, Map<String, String> params) {
            return seconds(benchClass, method, params, "0.0");
        }

        private double seconds(String benchClass, String method, Map<String, String> params, String percentile) {
            if (method == null) {
                return Double.NaN;
            }
            String name = "dev.kiln.bench." + benchClass + "." + method;
            double found = Double.NaN;
            for (Map<String, Object> e : entries) {
                if (name.equals(e.get("benchmark")) && matches(e, params)) {
                    found = percentileSeconds(e, percentile);
                }
            }
            return found;
        }

        private static boolean matches(Map<String, Object> entry, Map<String, String> params) {
            Object p = entry.get("params");
            for (Map.Entry<String, String> want : params.entrySet()) {
                // a parameter the benchmark does not have is no constraint (plain baselines have no backend)
                Object have = p instanceof Map<?, ?> m ? m.get(want.getKey()) : null;
                if (have != null && !have.equals(want.getValue())) {
                    return false;
                }
            }
            return true;
        }

        private static double percentileSeconds(Map<String, Object> entry, String percentile) {
            double v = Json.number(entry, "primaryMetric", "scorePercentiles", percentile);
            if (Double.isNaN(v)) {
                v = Json.number(entry, "primaryMetric", "score");
            }
            Object unit = Json.at(entry, "primaryMetric", "scoreUnit");
            return v * secondsPer(unit == null ? "" : unit.toString());
        }

        private static double secondsPer(String unit) {
            return switch (unit) {
                case "s/op" -> 1;
                case "ms/op" -> 1e-3;
                case "us/op" -> 1e-6;
                case "ns/op" -> 1e-9;
                default ->
                    throw new IllegalArgumentException("unexpected JMH unit " + unit + " (use a time per op mode)");
            };
        }
    }

    /**
     * Bandwidths (bytes/s) and float32 FMA peaks (flop/s) measured by {@link Limits} on 1 and 2
     * threads, each from its fastest iteration, and the roofs the floors use.
     *
     * <p>The machine is shared, so a 2-thread wall-clock figure can come out lower than the machine's
     * capacity (two FMA threads took twice as long as one while other builds ran, though each got
     * the same flop per CPU-second as one alone). The roofs are therefore the larger of the 1- and
     * 2-thread bandwidths, and for compute the larger of the 2-thread peak and {@code cores} times
     * the 1-thread peak: FMA units are per core. A floor must never be above what the machine can do.
     */
    record MachineLimits(
            double triad1,
            double triad2,
            double read1,
            double read2,
            double fma1,
            double fma2,
            double fmaWide1,
            double fma256x1,
            int cores) {
        static MachineLimits from(KilnResults r, int cores) {
            return new MachineLimits(
                    triad(r, "1"),
                    triad(r, "2"),
                    read(r, "1"),
                    read(r, "2"),
                    fma(r, 1),
                    fma(r, 2),
                    Limits.fmaFlopPerThread(Limits.PREFERRED.length())
                            / r.bestSeconds("Limits", "fmaPeak", Map.of("threads", "1")),
                    Limits.fmaFlopPerThread(Limits.S256.length())
                            / r.bestSeconds("Limits", "fmaPeak256", Map.of("threads", "1")),
                    cores);
        }

        /** The faster of the 268 MB double triad and the row-sized float scale on this many threads. */
        private static double triad(KilnResults r, String threads) {
            Map<String, String> p = Map.of("threads", threads);
            return max(
                    Limits.TRIAD_BYTES / r.bestSeconds("Limits", "triad", p),
                    Limits.SCALE_BYTES / r.bestSeconds("Limits", "scaleRows", p));
        }

        /** The fastest of the one-stream, three-stream and row-group reads on this many threads. */
        private static double read(KilnResults r, String threads) {
            Map<String, String> p = Map.of("threads", threads);
            return max(
                    max(
                            Limits.SUM_BYTES / r.bestSeconds("Limits", "readSum", p),
                            Limits.STREAMS_BYTES / r.bestSeconds("Limits", "readStreams", p)),
                    Limits.ROWS_BYTES / r.bestSeconds("Limits", "readRows", p));
        }

        /** The better of the preferred-width and 256-bit FMA loops, all threads' flop together. */
        private static double fma(KilnResults r, int threads) {
            Map<String, String> p = Map.of("threads", Integer.toString(threads));
            double wide = threads
                    * Limits.fmaFlopPerThread(Limits.PREFERRED.length())
                    / r.bestSeconds("Limits", "fmaPeak", p);
            double narrow =
                    threads * Limits.fmaFlopPerThread(Limits.S256.length()) / r.bestSeconds("Limits", "fmaPeak256", p);
            return max(wide, narrow);
        }

        private static double max(double a, double b) {
            return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
        }

        double readRoof() {
            return max(read1, read2);
        }

        double triadRoof() {
            return max(triad1, triad2);
        }

        double fmaRoof() {
            return max(fma2, cores * fma1);
        }

        /** The least seconds the roofs allow. */
        double floorSeconds(Limit l) {
            return switch (l.bound()) {
                case READ -> l.amount() / readRoof();
                case STREAM -> l.amount() / triadRoof();
                case FMA -> l.amount() / fmaRoof();
                case NONE -> Double.NaN;
            };
        }

        String describe(Limit l) {
            return switch (l.bound()) {
                case READ ->
                    sig(l.amount() / 1e6) + String.format(Locale.ROOT, " MB at %.1f GB/s read", readRoof() / 1e9);
                case STREAM ->
                    sig(l.amount() / 1e6) + String.format(Locale.ROOT, " MB at %.1f GB/s triad", triadRoof() / 1e9);
                case FMA ->
                    sig(l.amount() / 1e9) + String.format(Locale.ROOT, " GFLOP at %.0f GFLOP/s", fmaRoof() / 1e9);
                case NONE -> "";
            };
        }

        String summary() {
            return String.format(
                    Locale.ROOT,
                    "STREAM triad (best of the 268 MB triad and a row-sized scale) %.1f GB/s on 2 threads, %.1f on 1; read-only (best of 1 stream, 3 streams and row groups) %.1f GB/s on 2 threads, %.1f on 1; "
                            + "f32 FMA %.0f GFLOP/s on 1 thread (%d-bit vectors %.0f, 256-bit %.0f) and %.0f on 2 threads "
                            + "(wall clock, with the machine's other work); roofs used for the floors: read %.1f GB/s, "
                            + "triad %.1f GB/s, FMA %.0f GFLOP/s (%d cores × the 1-thread peak, or the 2-thread figure if higher)",
                    triad2 / 1e9,
                    triad1 / 1e9,
                    read2 / 1e9,
                    read1 / 1e9,
                    fma1 / 1e9,
                    Limits.PREFERRED.vectorBitSize(),
                    fmaWide1 / 1e9,
                    fma256x1 / 1e9,
                    fma2 / 1e9,
                    readRoof() / 1e9,
                    triadRoof() / 1e9,
                    fmaRoof() / 1e9,
                    cores);
        }
    }

    // ------------------------------------------------------------------ rendering

    /** One row's numbers, in seconds (NaN where not measured). */
    record Row(
            Workload workload,
            String backend,
            double eager,
            double jit,
            double plain,
            double jaxEager,
            double jaxJit,
            double torchEager,
            double torchCompiled,
            double floor) {
        /** The fastest of JAX jit, PyTorch eager and PyTorch compiled. */
        double bestPeer() {
            double best = Double.NaN;
            for (double v : new double[] {jaxJit, torchEager, torchCompiled}) {
                if (!Double.isNaN(v) && (Double.isNaN(best) || v < best)) {
                    best = v;
                }
            }
            return best;
        }

        String label() {
            return backend.equals(FAST_BACKEND) ? workload.label() : workload.label() + " — " + backend;
        }
    }

    /** Every row with any result, in table order, and the rows Kiln has no result for. */
    static List<Row> rows(KilnResults kiln, Object jax, Object torch, MachineLimits limits, List<String> missing) {
        List<Row> rows = new ArrayList<>();
        for (String backend : List.of(FAST_BACKEND, SLOW_BACKEND, OPENCL_BACKEND, PJRT_BACKEND)) {
            for (Workload w : workloads()) {
                Map<String, String> params = withBackend(w.params(), backend);
                double eager = kiln.seconds(w.benchClass(), w.eager(), params);
                double jit = kiln.seconds(w.benchClass(), w.jit(), params);
                if (!backend.equals(FAST_BACKEND) && Double.isNaN(eager) && Double.isNaN(jit)) {
                    continue; // the other backends run a subset (reference only in full mode)
                }
                double plain = kiln.seconds(w.benchClass(), w.plain(), w.params());
                double jaxEager = Json.number(jax, "results", w.jaxKey(), "eager", "median_s");
                double jaxJit = Json.number(jax, "results", w.jaxKey(), "jit", "median_s");
                double torchEager = Json.number(torch, "results", w.jaxKey(), "eager", "median_s");
                double torchCompiled = Json.number(torch, "results", w.jaxKey(), "compiled", "median_s");
                if (Double.isNaN(eager)
                        && Double.isNaN(jit)
                        && Double.isNaN(plain)
                        && Double.isNaN(jaxJit)
                        && Double.isNaN(torchEager)) {
                    continue; // not part of this mode (quick mode has no 2048 matmul)
                }
                if (Double.isNaN(jit) || (w.eager() != null && Double.isNaN(eager))) {
                    missing.add(w.label() + " [" + backend + "]");
                }
                rows.add(new Row(
                        w,
                        backend,
                        eager,
                        jit,
                        plain,
                        jaxEager,
                        jaxJit,
                        torchEager,
                        torchCompiled,
                        limits.floorSeconds(w.limit())));
            }
        }
        return rows;
    }

    /** The Markdown table without PyTorch results. */
    static String render(KilnResults kiln, Object jax, int cores) {
        return render(kiln, jax, Map.of(), cores);
    }

    /**
     * The Markdown table, a line of measured limits above it, the geometric means of the ratios
     * below it, and the rows that had no result.
     */
    static String render(KilnResults kiln, Object jax, Object torch, int cores) {
        MachineLimits limits = MachineLimits.from(kiln, cores);
        StringBuilder md = new StringBuilder();
        md.append("Limits measured here (Limits, fastest iteration): ")
                .append(limits.summary())
                .append(".\n\n");
        md.append("| workload | Kiln eager | Kiln jit | plain Java (1 thread) | JAX eager | JAX jit "
                + "| PyTorch eager | PyTorch compiled | Kiln jit / JAX jit | Kiln jit / best peer "
                + "| limit (floor) | floor / Kiln jit |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
        List<String> missing = new ArrayList<>();
        List<Row> rows = rows(kiln, jax, torch, limits, missing);
        List<String> overRoof = new ArrayList<>();
        for (Row r : rows) {
            md.append("| ")
                    .append(r.label())
                    .append(" | ")
                    .append(time(r.eager()))
                    .append(" | ")
                    .append(time(r.jit()))
                    .append(" | ")
                    .append(time(r.plain()))
                    .append(" | ")
                    .append(time(r.jaxEager()))
                    .append(" | ")
                    .append(time(r.jaxJit()))
                    .append(" | ")
                    .append(time(r.torchEager()))
                    .append(" | ")
                    .append(time(r.torchCompiled()))
                    .append(" | ")
                    .append(ratio(r.jit() / r.jaxJit()))
                    .append(" | ")
                    .append(ratio(r.jit() / r.bestPeer()))
                    .append(" | ")
                    .append(
                            Double.isNaN(r.floor())
                                    ? "—"
                                    : time(r.floor()) + " ("
                                            + limits.describe(r.workload().limit()) + ")")
                    .append(" | ")
                    .append(percent(r.floor() / r.jit()))
                    .append(" |\n");
            for (double t : new double[] {r.jit(), r.jaxJit(), r.torchCompiled()}) {
                if (t < r.floor()) {
                    overRoof.add(r.label());
                    break;
                }
            }
        }
        md.append(geometricMeans(rows));
        if (!overRoof.isEmpty()) {
            md.append("\nFaster than the floor (a roof was measured too low): ")
                    .append(String.join("; ", overRoof))
                    .append(".\n");
        }
        if (!missing.isEmpty()) {
            md.append("\nNo Kiln result for: ")
                    .append(String.join("; ", missing))
                    .append(" (not run in this mode, or failed: see the jmh-*.log files).\n");
        }
        return md.toString();
    }

    /** Geometric means of Kiln jit over JAX jit and over the best peer, over the rows that have both. */
    static String geometricMeans(List<Row> rows) {
        double logJax = 0;
        double logPeer = 0;
        int nJax = 0;
        int nPeer = 0;
        for (Row r : rows) {
            if (!r.backend().equals(FAST_BACKEND) || r.workload().limit().bound() == Bound.NONE) {
                continue; // fixed costs (dispatch, compilation) are shown but not averaged
            }
            double j = r.jit() / r.jaxJit();
            if (Double.isFinite(j) && j > 0) {
                logJax += Math.log(j);
                nJax++;
            }
            double p = r.jit() / r.bestPeer();
            if (Double.isFinite(p) && p > 0) {
                logPeer += Math.log(p);
                nPeer++;
            }
        }
        return String.format(
                Locale.ROOT,
                "\nGeometric mean of Kiln jit / JAX jit over %d workloads: %s; of Kiln jit / best peer over %d: %s"
                        + " (dispatch and first-call rows not included).\n",
                nJax,
                nJax == 0 ? "—" : ratio(Math.exp(logJax / nJax)),
                nPeer,
                nPeer == 0 ? "—" : ratio(Math.exp(logPeer / nPeer)));
    }

    private static Map<String, String> withBackend(Map<String, String> params, String backend) {
        var m = new java.util.TreeMap<>(params);
        m.put("backend", backend);
        return m;
    }

    /** A duration with three significant digits in a fitting unit; an em dash when not measured. */
    static String time(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "—";
        }
        if (seconds >= 1) {
            return sig(seconds) + " s";
        }
        if (seconds >= 1e-3) {
            return sig(seconds * 1e3) + " ms";
        }
        if (seconds >= 1e-6) {
            return sig(seconds * 1e6) + " µs";
        }
        return sig(seconds * 1e9) + " ns";
    }

    private static String sig(double v) {
        String f = v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : v >= 1 ? "%.2f" : "%.3g";
        return String.format(Locale.ROOT, f, v);
    }

    static String ratio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "—" : sig(r) + "×";
    }

    static String percent(double f) {
        return Double.isNaN(f) || Double.isInfinite(f) ? "—" : String.format(Locale.ROOT, "%.0f%%", 100 * f);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code kiln-*.json} files in {@code dir}, by name. */
    static List<Path> kilnFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("kiln-.*\\.json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
