package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The main job's example reaches its stated accuracy (training is deterministic). */
class DigitsMlpTest {
    @Test
    void trainsToTheStatedHeldOutAccuracy() {
        double accuracy = DigitsMlp.train(30, 128, new PrintStream(PrintStream.nullOutputStream()));
        assertTrue(
                accuracy >= DigitsMlp.STATED_ACCURACY,
                "held-out accuracy " + accuracy + " is below the stated " + DigitsMlp.STATED_ACCURACY);
    }
}
