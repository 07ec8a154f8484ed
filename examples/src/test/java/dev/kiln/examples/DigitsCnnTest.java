package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * The convolutional example learns: two epochs of jitted Adam steps through two convolutions and a
 * max pooling reach a held-out accuracy far above chance (10%); training is deterministic.
 */
class DigitsCnnTest {
    @Test
    void trainsThroughConvolutionsAndPooling() {
        double accuracy = DigitsCnn.train(2, 128, new PrintStream(PrintStream.nullOutputStream()));
        assertTrue(accuracy >= 0.85, "held-out accuracy after 2 epochs is " + accuracy + ", below 0.85");
    }
}
