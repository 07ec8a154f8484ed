package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.spi.Availability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Plugin discovery and refusal. Plugins other than Kiln's CPU plugin are loaded in a child JVM
 * ({@link PjrtCheck}), so a plugin that crashed its process could not take the test JVM with it;
 * the tests check the child exits normally with the reason.
 */
class PjrtPluginsTest {
    record Run(int exit, String output) {}

    static Run check(String spec, String... env) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-Dkiln.pjrt.cpu-plugin=" + PjrtProvider.CPU_PLUGIN.value(),
                "-cp",
                System.getProperty("java.class.path"),
                PjrtCheck.class.getName(),
                spec));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("PJRT_PLUGIN_LIBRARY_PATH");
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.environment().put("TPU_SKIP_MDS_QUERY", "1");
        for (int i = 0; i + 1 < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the check finished");
        System.out.println("PjrtCheck " + spec + " -> exit " + p.exitValue() + "\n" + out.strip());
        return new Run(p.exitValue(), out);
    }

    static Path nativeFile(String name) {
        return PjrtLayoutTest.nativeDir().resolve(name);
    }

    @Test
    void aLibraryWithoutGetPjrtApiIsRefusedWithTheReason() throws Exception {
        Run r = check(nativeFile("libkiln_pjrt_noentry.so").toString());
        assertEquals(3, r.exit(), r.output());
        assertTrue(r.output().contains("is not a PJRT plugin: it exports no GetPjrtApi symbol"), r.output());
    }

    @Test
    void aPluginOfAnotherMajorVersionIsRefused() throws Exception {
        Run r = check(nativeFile("libkiln_pjrt_badversion.so").toString());
        assertEquals(3, r.exit(), r.output());
        assertTrue(
                r.output().contains("speaks PJRT C API 1.0, Kiln speaks 0.90 and accepts major version 0 only"),
                r.output());
    }

    @Test
    void aMissingFileIsReportedByTheProbeWithoutThrowing() throws Exception {
        PjrtPlugins.Located l = PjrtPlugins.locate("/nonexistent/libpjrt.so", System.getenv(), null);
        assertTrue(l.problem().contains("no plugin file at /nonexistent/libpjrt.so"), l.problem());
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                PjrtSession.NotAvailable.class, () -> PjrtSession.connect(l));
        assertTrue(e.fix().contains("kiln.pjrt.plugin"), e.fix());
    }

    @Test
    void theBuiltCpuPluginIsAvailable() {
        Availability a = new PjrtProvider().probe();
        assertTrue(a.available(), a.toString());
        assertTrue(a.reason().contains("plugin cpu (libkiln_pjrt_cpu.so, PJRT API 0.90)"), a.reason());
    }

    /**
     * libtpu 0.0.42.1 (installed by the build into build/pjrt-venv from the local wheel) loads,
     * reports its API version and attributes, and with no TPU attached its client fails: Kiln says
     * so with libtpu's own message. Nothing here runs on a TPU.
     */
    @Test
    void libtpuLoadsAndIsUnavailableWithoutATpu() throws Exception {
        Path venv = Path.of(System.getProperty("kiln.pjrt.venv", "../build/pjrt-venv"));
        Assumptions.assumeTrue(
                Files.isRegularFile(venv.resolve(".kiln-libtpu-0.0.42.1")),
                "libtpu 0.0.42.1 is not installed in " + venv + " (the build installs it when the local wheel exists)");
        Run r = check("tpu", "VIRTUAL_ENV", venv.toAbsolutePath().toString());
        assertTrue(r.output().contains("plugin: tpu at "), r.output());
        assertTrue(r.output().matches("(?s).*api: 0\\.\\d+ \\(struct_size \\d+\\).*"), r.output());
        assertTrue(r.output().contains("attribute: "), r.output());
        assertEquals(2, r.exit(), "loads, but no client without a TPU: " + r.output());
        assertTrue(
                r.output().contains("loaded, but its client could not be created: pjrt: PJRT_Client_Create: "),
                r.output());
    }
}
