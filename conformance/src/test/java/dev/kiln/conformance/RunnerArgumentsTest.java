package dev.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The runner's command line: help, bad names, and exit statuses (without calling System.exit). */
class RunnerArgumentsTest {
    private String out;
    private String err;

    private int run(String... args) {
        var o = new ByteArrayOutputStream();
        var e = new ByteArrayOutputStream();
        int status = Runner.run(
                args,
                new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return status;
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        for (String h : new String[] {"--help", "-h"}) {
            assertEquals(0, run(h, "reference"), h);
            assertTrue(out.startsWith("usage: "), out);
            assertTrue(out.contains("--families=") && out.contains("--allow-failures"), out);
            assertTrue(out.contains(SupportMatrix.LEGEND), "the usage explains the cells: " + out);
            assertTrue(out.contains("elementwise"), "the usage lists the families: " + out);
            assertEquals("", err);
        }
    }

    @Test
    void aMisspeltFamilyIsAnErrorNamingTheFamilies() {
        assertEquals(2, run("--families=elementwse", "reference"));
        assertTrue(err.contains("'elementwse'") || err.contains("[elementwse]"), err);
        assertTrue(err.contains("elementwise") && err.contains("errors") && err.contains("matmul"), err);
        assertEquals("", out, "nothing ran");
        assertEquals(2, run("--families=", "reference"));
    }

    @Test
    void anUnknownOptionOrBackendIsAnError() {
        assertEquals(2, run("--famlies=errors"));
        assertTrue(err.contains("--famlies=errors") && err.contains("usage: "), err);
        assertEquals(2, run("--families=errors", "refrence"));
        assertTrue(err.contains("'refrence'") && err.contains("reference"), err);
    }

    @Test
    void noFailuresExitsZero() {
        // a backend with no primitives: every errors case passes or is unsupported
        assertEquals(0, run("--families=errors", PartialBackendProvider.NAME));
        assertTrue(out.contains(SupportMatrix.LEGEND), out);
    }

    @Test
    void failuresExitOneUnlessAllowed() {
        String broken = BrokenBackendProvider.NAME;
        assertEquals(1, run("--families=shapes", broken), "failures fail by default");
        assertTrue(err.contains("failed") && err.contains("--allow-failures"), err);
        assertEquals(1, run("--strict", "--families=shapes", broken), "--strict is still accepted");
        assertEquals(0, run("--allow-failures", "--families=shapes", broken));
    }
}
