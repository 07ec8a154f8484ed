package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Kiln;
import dev.kiln.spi.Device;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel training gives the same parameters, within float32 rounding, on 1 device, on 4 CPU
 * devices (the test JVM runs with {@code -Dkiln.cpu.devices=4}) and on 2 MPI processes with 2 devices
 * each (skipped, with the reason printed, only where mpirun is not installed).
 */
class DataParallelMlpTest {
    static final int STEPS = 25;

    /** Largest difference relative to the largest parameter: float32 rounding of reordered sums, grown over the steps. */
    static final double TOLERANCE = 2e-5;

    private static double relativeDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        return diff / max;
    }

    private static List<Device> cpu(int n) {
        List<Device> all = Kiln.devices("cpu-simd");
        assertTrue(all.size() >= n, "the test JVM needs -Dkiln.cpu.devices=4, has " + all);
        return all.subList(0, n);
    }

    @Test
    void fourDevicesGiveTheParametersOfOne() {
        float[] one = DataParallelMlp.flat(
                DataParallelMlp.train(STEPS, cpu(1), System.out).params());
        DataParallelMlp.Result four = DataParallelMlp.train(STEPS, cpu(4), System.out);
        double rel = relativeDifference(one, DataParallelMlp.flat(four.params()));
        System.out.printf(
                "1 vs 4 CPU devices after %d steps: largest difference %.3g of the largest parameter%n", STEPS, rel);
        assertTrue(rel <= TOLERANCE, "1 vs 4 devices differ by " + rel);
        assertTrue(four.loss() < 2.0, "training lowered the loss from ln(10) = 2.30: " + four.loss());
    }

    @Test
    void twoProcessesTimesTwoDevicesGiveTheParametersOfOne() throws Exception {
        String mpirun = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "mpirun"))) {
                mpirun = realPath(Path.of(dir, "mpirun"));
                break; // the first on PATH, as a shell would
            }
        }
        if (mpirun == null) {
            System.out.println("DataParallelMlpTest: mpirun is not installed; the 2-process run is skipped");
            Assumptions.abort("mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev)");
        }
        Path outFile = Files.createTempFile("kiln-dp-params", ".txt");
        Path argFile = Files.createTempFile("kiln-dp", ".args");
        outFile.toFile().deleteOnExit();
        argFile.toFile().deleteOnExit();
        Files.writeString(
                argFile,
                String.join(
                        "\n",
                        List.of(
                                "--add-modules=jdk.incubator.vector",
                                "--enable-native-access=ALL-UNNAMED",
                                "-XX:+UseSerialGC",
                                "-Dkiln.cpu.devices=2",
                                "-Dkiln.cpu.threads=1",
                                "-cp",
                                "\"" + System.getProperty("java.class.path") + "\"")));
        List<String> cmd = new ArrayList<>(List.of(mpirun, "-np", "2", "--bind-to", "none"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--allow-run-as-root");
        }
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + argFile,
                DataParallelMlp.class.getName(),
                String.valueOf(STEPS),
                "4",
                outFile.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] log = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the job did not end");
        String text = new String(log, StandardCharsets.UTF_8);
        System.out.println(text);
        assertEquals(0, p.exitValue(), text);
        List<String> lines = Files.readAllLines(outFile);
        float[] mpi = new float[lines.size()];
        for (int i = 0; i < mpi.length; i++) {
            mpi[i] = Float.parseFloat(lines.get(i));
        }
        float[] one = DataParallelMlp.flat(
                DataParallelMlp.train(STEPS, cpu(1), System.out).params());
        double rel = relativeDifference(one, mpi);
        System.out.printf("1 device vs 2 processes x 2 devices after %d steps: largest difference %.3g%n", STEPS, rel);
        assertTrue(rel <= TOLERANCE, "1 device vs 2x2 differ by " + rel);
    }

    /**
     * The installed program behind a link: Open MPI derives its prefix from the path it was started
     * by, and /bin/mpirun (where /bin links to /usr/bin) gives a bare "/" that mpirun refuses.
     */
    private static String realPath(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (java.io.IOException e) {
            return p.toString();
        }
    }
}
