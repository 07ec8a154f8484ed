package dev.kiln.cpu.codegen;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks HotSpot's C2 to always inline {@link FixedLanes} (Kiln's vector exp, log, tanh, sin/cos and
 * lane reductions) into Kiln's compiled code, through a compiler directive added at run time (the
 * {@code DiagnosticCommand} MBean's {@code compilerDirectivesAdd}, the same as {@code jcmd PID
 * Compiler.directives_add}).
 *
 * <p>Why: those helpers take and return {@code FloatVector}/{@code DoubleVector}. Inlined into a
 * generated kernel, the species is a constant and every operation becomes a few instructions. Left
 * out of line (C2 declines when a helper is "too big" or "already compiled into a medium method",
 * which depends on what was compiled first), every call boxes its vectors, and a helper compiled on
 * its own sees several species (full vectors and narrower tails) and runs the Vector API's Java
 * fallback. That made the same jitted program 1.5-2x slower in some JVMs than in others: measured by
 * thread CPU time on a 2-core Zen 5, one thread, JVMs without and with the directive: a column sum of
 * {@code tanh} over 4096x1024 4.2-5.1 ms against 2.7-3.1, {@code exp + log} 9.0-9.3 against
 * 5.7-6.0, row softmax 3.4-6.8 (a slow JVM) against 3.3-3.4. Users need no JVM flag for this.
 *
 * <p>Installed once per process when the cpu-simd backend opens, unless {@code
 * -Dkiln.cpu.inline-directive=false}. Where the JVM has no such MBean (not HotSpot, or a runtime
 * image without {@code jdk.management}) the backend works as before and says so once in the log.
 */
public final class InlineDirective {
    private static final Logger LOG = LoggerFactory.getLogger(InlineDirective.class);
    private static final AtomicBoolean TRIED = new AtomicBoolean();

    /** Kiln's methods (generated kernels included) inline every method of {@code FixedLanes}. */
    static final String DIRECTIVE = "[{ match: \"dev/kiln/*.*\", inline: \"+dev/kiln/cpu/codegen/FixedLanes.*\" }]";

    private InlineDirective() {}

    /** Adds the directive on the first call; later calls do nothing. Never throws. */
    public static void install() {
        if (!TRIED.compareAndSet(false, true)) {
            return;
        }
        Path file = null;
        try {
            file = Files.createTempFile("kiln-inline-", ".json");
            Files.writeString(file, DIRECTIVE);
            Object reply = ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "compilerDirectivesAdd",
                            new Object[] {new String[] {file.toString()}},
                            new String[] {String[].class.getName()});
            LOG.debug("compiler directive for FixedLanes: {}", reply);
        } catch (Throwable t) {
            LOG.info(
                    "cpu-simd could not ask the JIT to inline its vector math helpers ({}); generated kernels"
                            + " may run slower in some JVMs. It needs HotSpot with the jdk.management module;"
                            + " -XX:CompileCommand=inline,dev.kiln.cpu.codegen.FixedLanes::* does the same",
                    t.toString());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (Exception ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }
}
