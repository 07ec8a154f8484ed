package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.Kiln;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * The main job's example, the digits MLP, trained on the opencl backend (PoCL on a machine without
 * a GPU): the same stated accuracy as on the default backend. Skipped, with the probe's reason, where
 * no OpenCL platform is installed; `.ci/run` installs PoCL, so CI runs it.
 */
class OpenClDigitsMlpTest {
    @Test
    void trainsToTheStatedAccuracy() {
        Kiln.BackendInfo info = Kiln.backends().stream()
                .filter(b -> b.name().equals("opencl"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("kiln-opencl is on the examples' class path"));
        assumeTrue(info.availability().available(), () -> "opencl is unavailable here: " + info.availability());
        assertEquals("opencl", Kiln.backend("opencl").name());
        double accuracy = Kiln.withBackend(
                "opencl", () -> DigitsMlp.train(30, 128, new PrintStream(PrintStream.nullOutputStream())));
        System.out.println("digits MLP on opencl: held-out accuracy " + accuracy);
        assertTrue(
                accuracy >= DigitsMlp.STATED_ACCURACY,
                "held-out accuracy " + accuracy + " is below the stated " + DigitsMlp.STATED_ACCURACY);
    }
}
