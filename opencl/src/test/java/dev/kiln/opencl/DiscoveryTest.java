package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Kiln;
import dev.kiln.spi.Availability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryTest {
    private static ClDevice device(int index, String name, String type) {
        return new ClDevice(
                index,
                null,
                null,
                name,
                "Platform " + index,
                type,
                "OpenCL 3.0",
                true,
                true,
                1L << 30,
                1L << 28,
                1 << 16,
                1024,
                4);
    }

    private static final List<ClDevice> DEVICES = List.of(
            device(0, "pthread-skylake", "cpu"), device(1, "NVIDIA H100", "gpu"), device(2, "Other GPU", "gpu"));

    @Test
    void selectsTheFirstGpuByDefaultElseTheFirstDevice() {
        assertEquals(1, ClDiscovery.select(DEVICES, null).orElseThrow().index());
        assertEquals(1, ClDiscovery.select(DEVICES, " ").orElseThrow().index());
        assertEquals(
                0, ClDiscovery.select(DEVICES.subList(0, 1), null).orElseThrow().index());
        assertTrue(ClDiscovery.select(List.of(), null).isEmpty());
    }

    @Test
    void selectsByIndexOrNamePart() {
        assertEquals(2, ClDiscovery.select(DEVICES, "2").orElseThrow().index());
        assertEquals(0, ClDiscovery.select(DEVICES, "SKYLAKE").orElseThrow().index());
        assertEquals(2, ClDiscovery.select(DEVICES, "other").orElseThrow().index());
        assertTrue(ClDiscovery.select(DEVICES, "7").isEmpty());
        assertTrue(ClDiscovery.select(DEVICES, "tpu").isEmpty());
    }

    @Test
    void priorityIsBelowCpuSimdWithOnlyCpuDevices() {
        // CI's machine has PoCL's CPU device and no GPU; where a GPU is present opencl ranks first
        ClDiscovery.Result r = ClDiscovery.get();
        assertTrue(r.ok(), "this test machine should have an OpenCL driver (PoCL): " + r.problem());
        boolean gpu = r.devices().stream().anyMatch(ClDevice::isGpu);
        assertEquals(gpu ? 150 : 50, new OpenClProvider().priority());
    }

    @Test
    void probeListsTheDevices() {
        Availability a = new OpenClProvider().probe();
        assertTrue(a.available(), a.toString());
        for (ClDevice d : ClDiscovery.get().devices()) {
            assertTrue(a.reason().contains(d.name()), a.reason());
        }
        assertTrue(Kiln.backend(OpenClProvider.NAME)
                .devices()
                .getFirst()
                .description()
                .contains("OpenCL"));
    }

    /**
     * With the ICD loader pointed at an empty folder there is no platform: the probe says so with
     * the fix, and Kiln falls back to the next backend with one log line.
     */
    @Test
    void noPlatformFallsBackWithOneLogLine(@TempDir Path empty) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-Dkiln.backend=opencl,*",
                "-cp",
                System.getProperty("java.class.path"),
                NoPlatformMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Path vendors = Files.createDirectories(empty.resolve("vendors"));
        pb.environment().put("OCL_ICD_VENDORS", vendors.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("probe: unavailable: no OpenCL platform"), out);
        assertTrue(out.contains("pocl-opencl-icd"), out);
        assertFalse(out.contains("default: opencl"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("default: ")), out);
        long fallbackLines = out.lines()
                .filter(l -> l.contains("backend 'opencl'") && l.contains("falling back"))
                .count();
        assertEquals(1, fallbackLines, out);
    }
}
