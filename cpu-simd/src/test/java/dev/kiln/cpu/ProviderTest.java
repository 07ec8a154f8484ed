package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Kiln;
import dev.kiln.spi.Availability;
import dev.kiln.spi.Capability;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderTest {
    @Test
    void availableInTheTestJvm() {
        // the test JVM runs with --add-modules jdk.incubator.vector and a tiered C2 JIT
        Availability a = new CpuSimdProvider().probe();
        assertTrue(a.available(), a.toString());
        assertTrue(a.reason().contains("bit vectors"), a.reason());
        assertNull(CpuSimdProvider.jitProblem());
    }

    @Test
    void discoveredThroughServiceLoaderWithPriority100() {
        Kiln.BackendInfo info = Kiln.backends().stream()
                .filter(b -> b.name().equals("cpu-simd"))
                .findFirst()
                .orElseThrow();
        assertEquals(100, info.priority());
        assertTrue(info.availability().available(), info.availability().toString());
        assertEquals("cpu-simd", Kiln.backend("cpu-simd").name());
    }

    @Test
    void opensWithItsCapabilities() {
        var backend = new CpuSimdProvider().open(Map.of());
        assertEquals(
                java.util.EnumSet.of(Capability.SIMD, Capability.MULTITHREADED, Capability.FUSION),
                backend.capabilities());
        assertEquals(1, backend.devices().size());
    }

    /** The backend reads its settings from the options it is opened with, not from system properties. */
    @Test
    void readsItsSettingsFromTheOptions() {
        assertEquals(
                List.of(
                        "kiln.cpu.codegen",
                        "kiln.cpu.threads",
                        "kiln.cpu.devices",
                        "kiln.cpu.inline-directive",
                        "kiln.cpu.row-overlap"),
                new CpuSimdProvider().settings().stream().map(s -> s.name()).toList());
        assertTrue(dev.kiln.spi.Settings.all().containsAll(new CpuSimdProvider().settings()));
        int before = Parallel.threads();
        try {
            var backend = new CpuSimdProvider().open(Map.of("kiln.cpu.threads", "3"));
            assertEquals(3, Parallel.threads());
            assertTrue(
                    backend.devices().get(0).description().startsWith("3 threads"),
                    backend.devices().get(0).toString());
        } finally {
            Parallel.configure(before);
        }
        new CpuSimdProvider().open(Map.of());
        assertEquals(before, Parallel.threads(), "no kiln.cpu.threads option leaves the pool as it is");
    }

    /** Child JVMs without the incubator module, or without C2: the probe says why and Kiln falls back. */
    @Test
    void fallsBackInJvmsThatCannotRunVectorCodeFast() throws Exception {
        String noModule = runChild();
        assertTrue(
                noModule.contains("probe: unavailable") && noModule.contains("--add-modules jdk.incubator.vector"),
                noModule);
        assertTrue(noModule.contains("default: reference"), noModule);
        String c1 = runChild("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1");
        assertTrue(c1.contains("probe: unavailable") && c1.contains("C1"), c1);
        String interpreted = runChild("--add-modules", "jdk.incubator.vector", "-Xint");
        assertTrue(interpreted.contains("probe: unavailable") && interpreted.contains("-Xint"), interpreted);
        String ok = runChild("--add-modules", "jdk.incubator.vector");
        assertTrue(ok.contains("probe: available") && ok.contains("default: cpu-simd"), ok);
    }

    private static String runChild(String... jvmArgs) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ProbeMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void refusesJitSettingsWithoutC2() {
        assertTrue(CpuSimdProvider.jitProblem(List.of("-Xint")).contains("interpreted"));
        assertTrue(CpuSimdProvider.jitProblem(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1"))
                .contains("tier 1"));
        assertTrue(
                CpuSimdProvider.jitProblem(List.of("-XX:TieredStopAtLevel=3")).contains("tier 3"));
        assertTrue(CpuSimdProvider.jitProblem(List.of("-XX:CompilationMode=quick-only"))
                .contains("C1 only"));
        // C2 is reachable in these
        assertNull(CpuSimdProvider.jitProblem(List.of("-XX:TieredStopAtLevel=4")));
        assertNull(CpuSimdProvider.jitProblem(List.of("-XX:-TieredCompilation", "-XX:TieredStopAtLevel=1")));
        assertNull(CpuSimdProvider.jitProblem(List.of("-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4")));
        assertNull(CpuSimdProvider.jitProblem(List.of("--add-modules", "jdk.incubator.vector")));
    }
}
