package dev.kiln.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * What the JIT did in each benchmark fork: the comparison's JMH forks record their compilations,
 * inlining decisions, compilation failures, deoptimizations and execution samples with JFR (a few
 * MB per fork, {@code <out>/jit/<run>-<pid>.jfr}), and {@link #main} reads such recordings back and
 * says, per fork, how Kiln's generated kernel bodies and the helpers they call were compiled.
 *
 * <p>Why: one fork of bench-s21's quick run ran the jitted softmax at 45 ms a call from its second
 * warm-up iteration on, where the 10 forks rerun after it took 2.2-2.9 ms. That slow and that steady
 * fits generated code whose vectors are boxed because C2 left a call out of line (forcing that with
 * {@code -XX:CompileCommand=dontinline,dev.kiln.cpu.codegen.FixedLanes::*} gave 25-67 ms a call at load 12-16)
 * or that never reached C2; 10 forks run afterwards under {@code -XX:+LogCompilation} all compiled
 * every body at level 4 with everything inlined, so the next slow fork has to explain itself. Run
 * {@code java -cp <bench class path> dev.kiln.bench.JitRecording build/bench/jit/*.jfr}: a fork
 * whose generated bodies run interpreted or in C1 code, whose C2 compiles of them left a call out of
 * line, or whose bodies deoptimize again and again, shows it in the lines printed for it.
 */
public final class JitRecording {
    private JitRecording() {}

    /**
     * The JVM options that make a JMH fork record its JIT's work into {@code dir} (created here),
     * one file per fork named after the run and the fork's process id, without JFR's start-up lines
     * in the fork's output.
     */
    static String[] jvmOptions(Path dir, String run) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String record = "-XX:StartFlightRecording:filename=" + dir.resolve(run + "-%p.jfr") + ",settings=none"
                + ",+jdk.Compilation#enabled=true,+jdk.Compilation#threshold=0ms"
                + ",+jdk.CompilationFailure#enabled=true"
                + ",+jdk.CompilerInlining#enabled=true"
                + ",+jdk.Deoptimization#enabled=true,+jdk.Deoptimization#stackTrace=false"
                + ",+jdk.ExecutionSample#enabled=true,+jdk.ExecutionSample#period=20ms"
                + ",+jdk.GarbageCollection#enabled=true";
        return new String[] {record, "-Xlog:jfr+startup=warning"};
    }

    /** Prints a summary of each recording named on the command line. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: JitRecording FILE.jfr...  (recordings from the comparison's forks)");
            System.exit(2);
        }
        for (String a : args) {
            System.out.print(summary(Path.of(a)));
        }
    }

    /** Kiln's generated kernel classes and the helper class their loops call. */
    static boolean kernelCode(String type) {
        return type.startsWith("dev.kiln.cpu.codegen.GeneratedKernelBody")
                || type.equals("dev.kiln.cpu.codegen.FixedLanes");
    }

    static boolean vectorCode(String type) {
        return type.startsWith("jdk.incubator.vector.") || type.startsWith("jdk.internal.vm.vector.");
    }

    /** The summary of one recording, as printed by {@link #main}. */
    static String summary(Path file) throws IOException {
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Instant start = events.stream()
                .map(RecordedEvent::getStartTime)
                .min(Instant::compareTo)
                .orElse(Instant.EPOCH);
        String benchmark = "?";
        List<String> compiles = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> inlineFailures = new TreeMap<>();
        Map<String, Integer> deopts = new TreeMap<>();
        // top frames of samples in kernel code, by frame type, in the first and the second half
        Map<String, int[]> samples = new TreeMap<>();
        Instant end = events.stream()
                .map(RecordedEvent::getEndTime)
                .max(Instant::compareTo)
                .orElse(start);
        Instant half = start.plus(Duration.between(start, end).dividedBy(2));
        int gcs = 0;
        double gcMillis = 0;
        // C1 leaves calls out of line as a matter of course; only C2's (level 4) decisions matter
        Set<Integer> c2 = new HashSet<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("jdk.Compilation") && e.getShort("compileLevel") == 4) {
                c2.add(e.getInt("compileId"));
            }
        }
        for (RecordedEvent e : events) {
            switch (e.getEventType().getName()) {
                case "jdk.Compilation" -> {
                    // every field read for every event, so a misspelt field fails whatever was compiled
                    RecordedMethod m = e.getValue("method");
                    String line = String.format(
                            Locale.ROOT,
                            "  %7.2f s  compile %d level %d%s %s: %s, %d B code, %d B inlined",
                            seconds(start, e.getStartTime()),
                            e.getInt("compileId"),
                            e.getShort("compileLevel"),
                            e.getBoolean("isOsr") ? " OSR" : "",
                            m == null ? "?" : name(m),
                            e.getBoolean("succeded") ? "ok" : "FAILED",
                            e.getLong("codeSize"),
                            e.getLong("inlinedBytes"));
                    if (m != null && kernelCode(m.getType().getName())) {
                        compiles.add(line);
                    }
                }
                case "jdk.CompilationFailure" ->
                    failures.add(String.format(
                            Locale.ROOT,
                            "  %7.2f s  compile %d failed: %s",
                            seconds(start, e.getStartTime()),
                            e.getInt("compileId"),
                            e.getString("failureMessage")));
                case "jdk.CompilerInlining" -> {
                    RecordedMethod caller = e.getValue("caller");
                    RecordedObject callee = e.getValue("callee");
                    boolean inlined = e.getBoolean("succeeded");
                    String message = e.getString("message");
                    if (!inlined && caller != null && callee != null && c2.contains(e.getInt("compileId"))) {
                        String calleeType = callee.getString("type").replace('/', '.');
                        if (kernelCode(caller.getType().getName())
                                && (kernelCode(calleeType) || vectorCode(calleeType))) {
                            inlineFailures.merge(
                                    name(caller) + " -> " + calleeType + "." + callee.getString("name") + ": "
                                            + message,
                                    1,
                                    Integer::sum);
                        }
                    }
                }
                case "jdk.Deoptimization" -> {
                    RecordedMethod m = e.getValue("method");
                    String what = " at line " + e.getInt("lineNumber") + " (" + e.getString("instruction") + "): "
                            + e.getString("reason") + ", " + e.getString("action");
                    if (m != null && m.getType().getName().startsWith("dev.kiln.")) {
                        deopts.merge(name(m) + what, 1, Integer::sum);
                    }
                }
                case "jdk.ExecutionSample" -> {
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        break;
                    }
                    for (RecordedFrame f : st.getFrames()) {
                        String t = f.getMethod().getType().getName();
                        if (t.contains("_jmhTest")) {
                            benchmark = t.substring(t.lastIndexOf('.') + 1).replace("_jmhTest", "") + "."
                                    + f.getMethod().getName().replaceAll("_(AverageTime|avgt).*", "");
                        }
                    }
                    RecordedFrame top = st.getFrames().getFirst();
                    String t = top.getMethod().getType().getName();
                    if (kernelCode(t) || vectorCode(t)) {
                        String key = (kernelCode(t) ? "kernel code" : "Vector API code") + ", " + top.getType();
                        samples.computeIfAbsent(key, k -> new int[2])[
                                e.getStartTime().isBefore(half) ? 0 : 1]++;
                    }
                }
                case "jdk.GarbageCollection" -> {
                    gcs++;
                    gcMillis += e.getDuration().toNanos() / 1e6;
                }
                default -> {}
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(file.getFileName())
                .append(": ")
                .append(benchmark)
                .append(String.format(
                        Locale.ROOT, ", %.1f s recorded, %d GCs (%.0f ms)%n", seconds(start, end), gcs, gcMillis));
        b.append(" samples whose top frame is kernel or Vector API code (first half / second half):\n");
        samples.forEach((k, v) -> b.append("  ")
                .append(k)
                .append(": ")
                .append(v[0])
                .append(" / ")
                .append(v[1])
                .append('\n'));
        b.append(" compilations of generated kernel bodies and FixedLanes:\n");
        compiles.forEach(c -> b.append(c).append('\n'));
        b.append(" compilation failures (any method): ").append(failures.size()).append('\n');
        failures.stream().limit(20).forEach(c -> b.append(c).append('\n'));
        b.append(" calls from kernel code that C2 left out of line (count of decisions):\n");
        inlineFailures.forEach(
                (k, v) -> b.append("  ").append(v).append("x ").append(k).append('\n'));
        b.append(" deoptimizations in Kiln code:\n");
        deopts.forEach((k, v) -> b.append("  ").append(v).append("x ").append(k).append('\n'));
        return b.toString();
    }

    /** {@code Class.method}; a generated body as {@code GeneratedKernelBody.<its hidden-class suffix>.method}. */
    static String name(RecordedMethod m) {
        String t = m.getType().getName();
        int body = t.indexOf("GeneratedKernelBody");
        String simple = body >= 0 ? t.substring(body) : t.substring(t.lastIndexOf('.') + 1);
        return simple + "." + m.getName();
    }

    private static double seconds(Instant start, Instant t) {
        return Duration.between(start, t).toNanos() / 1e9;
    }
}
