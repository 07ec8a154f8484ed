package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The probe leaves no XLA client behind: a JVM that probes the backends and works on cpu-simd
 * creates none (the last benchmark run lost a cpu-simd JVM to a SIGSEGV after the probe had
 * started one; see docs/pjrt.md), the client is created when pjrt is opened, and the probe's path
 * for device plugins (a client created, described and destroyed) leaves a plugin whose client can
 * be created again. Each case runs in a child JVM ({@link PjrtProbeCheck}), since sessions are
 * kept per process.
 */
class PjrtProbeTest {
    static String run(String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-Dkiln.pjrt.cpu-plugin=" + PjrtProvider.CPU_PLUGIN.value(),
                "-Dkiln.pjrt.plugin=cpu",
                "-cp",
                System.getProperty("java.class.path"),
                PjrtProbeCheck.class.getName(),
                mode));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the check finished");
        System.out.println("PjrtProbeCheck " + mode + " -> exit " + p.exitValue() + "\n" + out.strip());
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Runs the check in {@code mode} and requires each of {@code lines} in its output. */
    private static void expect(String mode, String... lines) throws Exception {
        String out = run(mode);
        for (String line : lines) {
            assertTrue(out.contains(line), "missing '" + line + "' in:\n" + out);
        }
    }

    @Test
    void aJvmThatDoesNotChoosePjrtCreatesNoClient() throws Exception {
        expect(
                "probe",
                "pjrt: available",
                "its client starts when pjrt is opened",
                "cpu-simd: [3.0, 5.0, 7.0, 9.0]",
                "after the probe: clients created 0, destroyed 0");
    }

    @Test
    void openingPjrtCreatesItsClient() throws Exception {
        expect(
                "open",
                "after the probe: clients created 0, destroyed 0",
                "pjrt result: [3.0, 5.0, 7.0, 9.0]",
                "after pjrt: clients created 1, destroyed 0");
    }

    @Test
    void theDevicePluginProbeDestroysItsTrialClientAndTheBackendMakesANewOne() throws Exception {
        expect(
                "trial",
                "described: plugin cpu (libkiln_pjrt_cpu.so, PJRT API 0.90), platform cpu",
                "after the trial: clients created 1, destroyed 1",
                "result: [2.0, 4.0, 6.0]",
                "after the client: clients created 2, destroyed 1");
    }
}
