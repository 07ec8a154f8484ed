package dev.kiln.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the Kiln benchmarks (JMH, one run after another, each writing {@code kiln-<run>.json}), the
 * JAX script ({@code jax.json}), and prints the comparison table, which it also writes as
 * {@code comparison.md}. See bench/README.md for the command and the options.
 */
public final class Compare {
    /** The runs in order: measured limits first, so a busy machine shows up in them too. */
    static final List<String> RUNS = List.of(
            "limits", "workloads", "training", "programs", "compile", "reference", "opencl", "pjrt", "jax", "torch");

    /** Options from the command line (and {@code -Dbench.quick}). */
    record Settings(boolean quick, Path root, Path out, Path python, Path wheels, Set<String> runs) {
        static Settings parse(String[] args) {
            boolean quick = Boolean.getBoolean("bench.quick");
            Path root = Path.of(System.getProperty("bench.root", "."))
                    .toAbsolutePath()
                    .normalize();
            Path out = null;
            Path python = null;
            Path wheels = Path.of("/opt/pypi/files");
            Set<String> runs = new LinkedHashSet<>(RUNS);
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> quick = true;
                    case "--full" -> quick = false;
                    case "--root" ->
                        root = Path.of(value(args, ++i, a)).toAbsolutePath().normalize();
                    case "--out" -> out = Path.of(value(args, ++i, a)).toAbsolutePath();
                    case "--python" -> python = Path.of(value(args, ++i, a));
                    case "--wheels" -> wheels = Path.of(value(args, ++i, a));
                    case "--runs" -> {
                        runs = new LinkedHashSet<>(List.of(value(args, ++i, a).split(",")));
                        runs.removeIf(String::isBlank);
                        for (String r : runs) {
                            if (!RUNS.contains(r)) {
                                throw new IllegalArgumentException("unknown run '" + r + "'; runs are " + RUNS);
                            }
                        }
                    }
                    case "--table-only" -> runs = new LinkedHashSet<>();
                    case "" -> {}
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + usage());
                }
            }
            if (quick) {
                runs.remove("reference");
            }
            if (out == null) {
                out = root.resolve("build/bench");
            }
            if (python == null) {
                python = root.resolve("build/venv/bin/python");
            }
            return new Settings(quick, root, out, python, wheels, runs);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value\n" + usage());
            }
            return args[i];
        }
    }

    static String usage() {
        return """
                Compare [--quick | --full] [--runs limits,workloads,training,programs,compile,reference,opencl,pjrt,jax,torch]
                        [--table-only]
                        [--root DIR] [--out DIR] [--python PATH] [--wheels DIR]
                  --quick        short JMH runs, matmul up to 1024, no reference backend (-Dbench.quick=true too)
                  --runs LIST    only these steps; the table also uses results left in --out by earlier runs
                  --table-only   print the table from the results already in --out
                  --root DIR     the repository (default: -Dbench.root or .); --out defaults to ROOT/build/bench
                  --python PATH  a Python with JAX 0.10.2 (default ROOT/build/venv/bin/python, created if missing;
                                 the torch run installs PyTorch 2.13 there from the local index if it lacks it)
                  --wheels DIR   where pip finds the jax/jaxlib wheels when it creates that venv
                """;
    }

    private Compare() {}

    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(s.out());
        // JMH keeps its lock file in java.io.tmpdir (the pom points it at target/tmp, which a clean build lacks)
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        String loadBefore = loadAverage();
        Instant start = Instant.now();
        if (s.quick()) {
            // a quick table must not pick up a full run's slow-backend rows
            Files.deleteIfExists(s.out().resolve("kiln-reference.json"));
        }
        for (String run : s.runs()) {
            if (run.equals("jax")) {
                runJax(s);
            } else if (run.equals("torch")) {
                runTorch(s);
            } else if (run.equals(ComparisonTable.OPENCL_BACKEND) && !available(run)) {
                System.out.println("[compare] skipping the opencl run: " + availability(run));
            } else if (run.equals(ComparisonTable.PJRT_BACKEND) && !available(run)) {
                System.out.println("[compare] skipping the pjrt run: " + availability(run));
            } else {
                runJmh(s, run);
            }
        }
        String loadAfter = loadAverage();

        ComparisonTable.KilnResults kiln = ComparisonTable.KilnResults.load(ComparisonTable.kilnFiles(s.out()));
        Path jaxFile = s.out().resolve("jax.json");
        Object jax = Files.exists(jaxFile) ? Json.parse(ComparisonTable.read(jaxFile)) : Map.of();
        Path torchFile = s.out().resolve("torch.json");
        Object torch = Files.exists(torchFile) ? Json.parse(ComparisonTable.read(torchFile)) : Map.of();
        int cores = Runtime.getRuntime().availableProcessors();
        String title = "Kiln vs JAX and PyTorch, " + (s.quick() ? "quick" : "full") + " mode";
        String notes = notes(s, kiln, jax, torch, loadBefore, loadAfter, start);
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append(ComparisonTable.render(kiln, jax, torch, cores));
        md.append("\n").append(notes);
        Path table = s.out().resolve("comparison.md");
        Files.writeString(table, md);
        Path page = s.out().resolve("comparison.html");
        Files.writeString(page, ComparisonPage.render(title, kiln, jax, torch, cores, notes));
        System.out.println();
        System.out.println(md);
        System.out.println("(written to " + table + " and " + page + ")");
    }

    // ------------------------------------------------------------------ JMH

    private static void runJmh(Settings s, String run) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder().forks(s.quick() ? 1 : 2).shouldFailOnError(false);
        switch (run) {
            // many short iterations: the table uses the fastest, the one least disturbed by other work
            case "limits" ->
                o.include("\\.Limits\\.")
                        .forks(1)
                        .warmupIterations(3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(s.quick() ? 8 : 20)
                        .measurementTime(TimeValue.milliseconds(300));
            case "workloads" -> {
                o.include("\\.(Elementwise|RowOps|Matmul|Dispatch)\\.")
                        .param("backend", ComparisonTable.FAST_BACKEND)
                        .warmupIterations(s.quick() ? 2 : 3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(s.quick() ? 3 : 5)
                        .measurementTime(TimeValue.seconds(1));
                if (s.quick()) {
                    o.param("n", "256", "1024");
                }
            }
            // the jitted train step is eleven fused kernels (five of them matmuls): C2 takes
            // some 8 s on two cores to compile them all (until then one-second rounds measured 2-15x the steady time)
            case "training" ->
                o.include("\\.MlpStep\\.")
                        .param("backend", ComparisonTable.FAST_BACKEND)
                        .warmupIterations(s.quick() ? 10 : 15)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(s.quick() ? 3 : 5)
                        .measurementTime(TimeValue.seconds(1));
            // grad, jvp, scan and vmap programs: C2 needs several seconds for their kernels too
            case "programs" ->
                o.include("\\.Programs\\.")
                        .param("backend", ComparisonTable.FAST_BACKEND)
                        .warmupIterations(s.quick() ? 6 : 10)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(s.quick() ? 3 : 5)
                        .measurementTime(TimeValue.seconds(1));
            // single-shot: each iteration is one first call, and the median is over iterations
            case "compile" ->
                o.include("\\.CompileLatency\\.")
                        .forks(1)
                        .param(
                                "backend",
                                s.quick()
                                        ? new String[] {ComparisonTable.FAST_BACKEND}
                                        : new String[] {ComparisonTable.FAST_BACKEND, ComparisonTable.SLOW_BACKEND})
                        .warmupIterations(s.quick() ? 20 : 30)
                        .measurementIterations(s.quick() ? 30 : 100);
            // the scalar double-precision backend takes 0.2-1 s per call at these sizes and 4 s per
            // 1024³ matmul (so matmul runs at n = 256 only, and no plain baselines: the main run has them)
            case "reference" ->
                o.include("\\.(Elementwise|RowOps|MlpStep|Dispatch)\\..*(Eager|Jit)$")
                        .include("\\.Matmul\\.matmul(Eager|Jit)$")
                        .forks(1)
                        .param("backend", ComparisonTable.SLOW_BACKEND)
                        .param("n", "256")
                        .warmupIterations(2)
                        .warmupTime(TimeValue.seconds(2))
                        .measurementIterations(3)
                        .measurementTime(TimeValue.seconds(2));
            // eager and jit on the OpenCL device (PoCL's CPU device where no GPU is present)
            case "opencl" -> {
                o.include("\\.(Elementwise|RowOps|Matmul)\\..*(Eager|Jit)$")
                        .forks(1)
                        .param("backend", ComparisonTable.OPENCL_BACKEND)
                        .warmupIterations(s.quick() ? 2 : 3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(s.quick() ? 3 : 5)
                        .measurementTime(TimeValue.seconds(1))
                        // the generic dot kernel on PoCL takes seconds per 2048³ product
                        .param("n", "256", "1024");
            }
            // eager and jit through the PJRT plugin (Kiln's XLA:CPU plugin where no TPU or GPU
            // plugin is installed): jitted programs are compiled by XLA as JAX's are
            case "pjrt" -> {
                o.include("\\.(Elementwise|RowOps|Matmul|MlpStep|Dispatch)\\..*(Eager|Jit)$")
                        .forks(1)
                        .param("backend", ComparisonTable.PJRT_BACKEND)
                        .warmupIterations(s.quick() ? 3 : 5)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(s.quick() ? 3 : 5)
                        .measurementTime(TimeValue.seconds(1));
                if (s.quick()) {
                    o.param("n", "256", "1024");
                }
            }
            default -> throw new IllegalArgumentException(run);
        }
        if (List.of("workloads", "training", "programs").contains(run)) {
            // each fork records what the JIT did with Kiln's kernels (JitRecording reads it back)
            o.jvmArgsAppend(JitRecording.jvmOptions(s.out().resolve("jit"), run));
        }
        Path json = s.out().resolve("kiln-" + run + ".json");
        Path log = s.out().resolve("jmh-" + run + ".log");
        o.resultFormat(ResultFormatType.JSON).result(json.toString()).output(log.toString());
        System.out.printf(Locale.ROOT, "[compare] JMH run '%s' (log: %s)...%n", run, log);
        long t = System.nanoTime();
        int results = new Runner(o.build()).run().size();
        System.out.printf(
                Locale.ROOT,
                "[compare] '%s': %d results in %d s%n",
                run,
                results,
                Duration.ofNanos(System.nanoTime() - t).toSeconds());
    }

    private static String availability(String backend) {
        return dev.kiln.Kiln.backends().stream()
                .filter(b -> b.name().equals(backend))
                .map(b -> b.availability().toString())
                .findFirst()
                .orElse("the " + backend + " backend is not on the class path");
    }

    private static boolean available(String backend) {
        return dev.kiln.Kiln.backends().stream()
                .anyMatch(b -> b.name().equals(backend) && b.availability().available());
    }

    // ------------------------------------------------------------------ JAX

    private static void runJax(Settings s) throws IOException, InterruptedException {
        if (!Files.isExecutable(s.python()) && !createVenv(s)) {
            return;
        }
        Path script = s.root().resolve("bench/jax/workloads.py");
        List<String> cmd = new ArrayList<>(List.of(
                s.python().toString(),
                script.toString(),
                "--out",
                s.out().resolve("jax.json").toString()));
        if (s.quick()) {
            cmd.add("--quick");
        }
        System.out.println("[compare] JAX: " + String.join(" ", cmd));
        long t = System.nanoTime();
        int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
        System.out.printf(
                Locale.ROOT,
                "[compare] JAX exited with %d after %d s%n",
                rc,
                Duration.ofNanos(System.nanoTime() - t).toSeconds());
    }

    // ------------------------------------------------------------------ PyTorch

    /**
     * Runs {@code torch/workloads.py} with the same Python; installs PyTorch 2.13 (CPU) into the
     * default venv from the configured local package index when it is missing.
     */
    private static void runTorch(Settings s) throws IOException, InterruptedException {
        if (!Files.isExecutable(s.python()) && !createVenv(s)) {
            return;
        }
        if (!hasModule(s, "torch")) {
            if (!s.python().startsWith(s.root().resolve("build/venv"))) {
                System.out.println("[compare] " + s.python() + " has no torch; the PyTorch columns stay empty");
                return;
            }
            System.out.println("[compare] installing torch 2.13 (CPU) into build/venv from the local package index");
            int rc = new ProcessBuilder(s.python().resolveSibling("pip").toString(), "install", "-q", "torch==2.13.*")
                    .inheritIO()
                    .start()
                    .waitFor();
            if (rc != 0) {
                System.out.println("[compare] could not install torch (exit " + rc
                        + "); install torch 2.13 into the venv by hand; the PyTorch columns stay empty");
                return;
            }
        }
        List<String> cmd = new ArrayList<>(List.of(
                s.python().toString(),
                s.root().resolve("bench/torch/workloads.py").toString(),
                "--out",
                s.out().resolve("torch.json").toString()));
        if (s.quick()) {
            cmd.add("--quick");
        }
        System.out.println("[compare] PyTorch: " + String.join(" ", cmd));
        long t = System.nanoTime();
        int rc = new ProcessBuilder(cmd).inheritIO().start().waitFor();
        System.out.printf(
                Locale.ROOT,
                "[compare] PyTorch exited with %d after %d s%n",
                rc,
                Duration.ofNanos(System.nanoTime() - t).toSeconds());
    }

    private static boolean hasModule(Settings s, String module) throws IOException, InterruptedException {
        return new ProcessBuilder(s.python().toString(), "-c", "import " + module)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor()
                == 0;
    }

    /** Creates the default venv with JAX from local wheels; false (with the reason printed) if that fails. */
    private static boolean createVenv(Settings s) throws IOException, InterruptedException {
        Path venv = s.root().resolve("build/venv");
        if (!s.python().startsWith(venv)) {
            System.out.println("[compare] no Python at " + s.python() + "; the JAX columns stay empty");
            return false;
        }
        System.out.println("[compare] creating " + venv + " with jax 0.10.2 from " + s.wheels());
        int rc = new ProcessBuilder("python3", "-m", "venv", venv.toString())
                .inheritIO()
                .start()
                .waitFor();
        if (rc == 0) {
            rc = new ProcessBuilder(
                            venv.resolve("bin/pip").toString(),
                            "install",
                            "-q",
                            "--no-index",
                            "--find-links",
                            s.wheels().toString(),
                            "jax==0.10.2",
                            "jaxlib==0.10.2")
                    .inheritIO()
                    .start()
                    .waitFor();
        }
        if (rc != 0) {
            System.out.println("[compare] could not create the JAX venv (exit " + rc + "); point --wheels at a folder"
                    + " holding the jax and jaxlib 0.10.2 wheels, or --python at a Python with JAX; the JAX columns"
                    + " stay empty");
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ notes

    private static String notes(
            Settings s,
            ComparisonTable.KilnResults kiln,
            Object jax,
            Object torch,
            String loadBefore,
            String loadAfter,
            Instant start) {
        Map<String, String> n = new LinkedHashMap<>();
        n.put("Machine", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs visible to the JVM");
        n.put(
                "Java",
                System.getProperty("java.vm.name") + " " + Runtime.version()
                        + "; Kiln eager and jit on `cpu-simd` unless the row names another backend");
        Object jv = Json.at(jax, "jax_version");
        n.put(
                "JAX",
                jv == null
                        ? "not run (no jax.json)"
                        : "JAX " + jv + " on " + Json.at(jax, "devices") + ", "
                                + (int) Json.number(jax, "cpu_count") + " CPUs, XLA_FLAGS='" + Json.at(jax, "xla_flags")
                                + "'; "
                                + Json.at(jax, "method"));
        Object tv = Json.at(torch, "torch_version");
        n.put(
                "PyTorch",
                tv == null
                        ? "not run (no torch.json)"
                        : "PyTorch " + tv + " on " + (int) Json.number(torch, "threads") + " threads, eager and"
                                + " torch.compile (Inductor); " + Json.at(torch, "method"));
        n.put(
                "Load average (1/5/15 min)",
                "before " + loadBefore + ", after " + loadAfter
                        + " (the machine is shared: compare ratios within one run)");
        n.put(
                "Run",
                DateTimeFormatter.ISO_INSTANT.format(start.atOffset(ZoneOffset.UTC)
                                .toInstant()
                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                        + ", results " + kiln.files + " in " + s.out());
        StringBuilder sb = new StringBuilder("Notes:\n\n");
        n.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append("\n"));
        sb.append(
                """
                - Times are medians: of JMH iterations (average time per call within an iteration) for Kiln and
                  plain Java, of timed runs ending in `block_until_ready` for JAX; first-call rows are medians of
                  single calls, each on a newly jitted function.
                - Kiln's CPU backend and XLA both use every core for large work; the plain-Java loops use one
                  thread and `Math.tanh`/`Math.exp`, and the plain matmul is the i-k-j loop C2 does not vectorise.
                - Floor: the least time the roofs above allow, counting each input read and each output written
                  once (STREAM's byte count) for elementwise and row work, and 2·m·n·k flop at the FMA peak for
                  matmuls (the dense layer's tanh and the MLP's elementwise work are not counted). The roofs are
                  the fastest Limits iterations, and the FMA roof is at least cores × the 1-thread peak, since
                  other work on a shared machine can only lower a wall-clock 2-thread figure.
                  "floor / Kiln jit" is the share of that limit Kiln's jit reaches.
                """);
        return sb.toString();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
