package dev.kiln.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JitRecording} reads back a recording made with the events the comparison's forks record,
 * around jitted Kiln work: every field it reads exists (a misspelt one throws for any compiled
 * method, not only Kiln's), and the summary lists the generated kernel bodies the JIT compiled.
 */
class JitRecordingTest {
    @Test
    void summarisesARecordingOfJittedWork(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fork.jfr");
        Function<Array, Array> softmax = Kiln.jit(Workloads::softmax);
        Array x = Kiln.withBackend("cpu-simd", () -> Np.array(Data.uniform(8 * 128, 5, 4f), 8, 128));
        AtomicBoolean bodyCompiled = new AtomicBoolean();
        try (Recording r = new Recording();
                RecordingStream watch = new RecordingStream()) {
            watch.enable("jdk.Compilation").withThreshold(java.time.Duration.ZERO);
            watch.onEvent("jdk.Compilation", e -> {
                RecordedMethod m = e.getValue("method");
                if (m != null && m.getType().getName().contains("GeneratedKernelBody")) {
                    bodyCompiled.set(true);
                }
            });
            watch.startAsync();
            r.enable("jdk.Compilation").withThreshold(java.time.Duration.ZERO);
            r.enable("jdk.CompilationFailure");
            r.enable("jdk.CompilerInlining");
            r.enable("jdk.Deoptimization").withoutStackTrace();
            r.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(10));
            r.enable("jdk.GarbageCollection");
            r.start();
            // a few hundred calls make the generated bodies hot enough for C1; the bound only stops a
            // JVM that never compiles (-Xint) from looping for ever
            for (int call = 0; call < 100_000 && !bodyCompiled.get(); call++) {
                softmax.apply(x).blockUntilReady();
            }
            r.stop();
            r.dump(file);
        }
        assertTrue(Files.size(file) > 0);
        String summary = JitRecording.summary(file);
        assertTrue(summary.startsWith("fork.jfr: "), summary);
        assertTrue(summary.contains("compilations of generated kernel bodies and FixedLanes:"), summary);
        assertTrue(
                summary.contains(" compile ") && summary.contains("GeneratedKernelBody."),
                "no compilation of a generated kernel body in:\n" + summary);
    }
}
