package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real multi-process jobs: {@code mpirun} starts {@link MpiWorker} JVMs that join with {@code
 * Kiln.distributed().initialize()} and run pmap across processes. Skipped, with the reason printed,
 * only where {@code mpirun} is not installed (CI installs Open MPI).
 */
class MpiJobTest {
    private static String mpirun;

    @BeforeAll
    static void findMpirun() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "mpirun"))) {
                mpirun = realPath(Path.of(dir, "mpirun"));
                return;
            }
        }
        String why = "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev); the multi-process tests"
                + " are skipped";
        System.out.println("MpiJobTest: " + why);
        Assumptions.abort(why);
    }

    private record Job(int exit, String output) {}

    /**
     * Runs {@code scenario} of {@link MpiWorker} in a job of {@code processes} processes with {@code
     * devicesEach} cpu-simd devices each; a job with one device per process may run on the reference
     * backend with C1 only, which starts faster (the point there is the processes, not the kernels).
     */
    private static Job run(int processes, int devicesEach, String scenario, boolean reference) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(mpirun, "-np", String.valueOf(processes), "--bind-to", "none"));
        if (processes > Runtime.getRuntime().availableProcessors()) {
            cmd.add("--oversubscribe");
        }
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--allow-run-as-root");
        }
        // JVM options go in an argument file: mpirun rewrites a java command line's class path (it
        // prepends its working directory), and an argument file's own -cp is what the JVM then uses
        Path args = Files.createTempFile("kiln-mpi", ".args");
        args.toFile().deleteOnExit();
        Files.writeString(
                args,
                String.join(
                        "\n",
                        List.of(
                                "--add-modules=jdk.incubator.vector",
                                "--enable-native-access=ALL-UNNAMED",
                                "-XX:+UseSerialGC",
                                "-Dkiln.cpu.devices=" + devicesEach,
                                "-Dkiln.cpu.threads=1",
                                "-Dmpiworker.scenario=" + scenario,
                                reference ? "-Dkiln.backend=reference" : "-Dkiln.backend=cpu-simd",
                                reference ? "-XX:TieredStopAtLevel=1" : "-XX:+TieredCompilation",
                                "-cp",
                                "\"" + System.getProperty("java.class.path") + "\"")));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Open MPI 4.1's mpirun crashes (opal_argv_join) when a java command has no program argument
        // after the class name: give it one, which MpiWorker ignores
        cmd.addAll(List.of(java, "@" + args, MpiWorker.class.getName(), "job"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the job did not end within 60 s:\n" + new String(out, StandardCharsets.UTF_8));
        }
        String text = new String(out, StandardCharsets.UTF_8);
        System.out.println("---- mpirun -np " + processes + " " + scenario + " (exit " + p.exitValue() + ")\n" + text);
        return new Job(p.exitValue(), text);
    }

    private static long count(String text, String fragment) {
        return text.lines().filter(l -> l.contains(fragment)).count();
    }

    @Test
    void twoProcessesTimesTwoDevicesRunEveryCollective() throws Exception {
        Job j = run(2, 2, "collectives", false);
        assertEquals(0, j.exit(), j.output());
        assertEquals(0, count(j.output(), "FAIL"), j.output());
        assertEquals(2, count(j.output(), "DONE process"), j.output());
        assertEquals(2, count(j.output(), "OK psumScatter tiled"), j.output());
    }

    @Test
    void fourProcessesOversubscribed() throws Exception {
        Job j = run(4, 1, "collectives", true);
        assertEquals(0, j.exit(), j.output());
        assertEquals(4, count(j.output(), "DONE process"), j.output());
    }

    @Test
    void aDyingProcessTakesTheJobDownNamingItsRank() throws Exception {
        Job j = run(2, 1, "die", true);
        assertNotEquals(0, j.exit(), j.output());
        assertTrue(j.output().contains("process 1 of 2 is ending the job"), j.output());
        assertEquals(0, count(j.output(), "FAIL process 0 finished"), j.output());
    }

    @Test
    void pmapUnderMpirunBeforeInitializeSaysWhatToDo() throws Exception {
        Job j = run(2, 1, "uninitialized", true);
        assertEquals(0, j.exit(), j.output());
        assertEquals(2, count(j.output(), "call Kiln.distributed().initialize() first"), j.output());
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
