package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Kiln;
import dev.kiln.examples.DigitsMlp;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The main job's example, the digits MLP, trained on pjrt (XLA:CPU): the same stated accuracy. */
class PjrtDigitsMlpTest {
    @Test
    void trainsToTheStatedAccuracy() {
        assertTrue(Kiln.backend("pjrt") instanceof PjrtBackend, "the registry opens the pjrt backend");
        PjrtBackend backend = (PjrtBackend) Kiln.backend("pjrt");
        long compilesBefore = backend.compiles.get();
        long fallbacksBefore = backend.fallbacks.get();
        double accuracy = Kiln.withBackend(
                "pjrt", () -> DigitsMlp.train(30, 128, new PrintStream(PrintStream.nullOutputStream())));
        System.out.println("digits MLP on pjrt: held-out accuracy " + accuracy + ", "
                + (backend.compiles.get() - compilesBefore) + " XLA compilations, "
                + (backend.fallbacks.get() - fallbacksBefore)
                + " programs run through Kiln's interpreter instead of one module");
        assertTrue(
                accuracy >= DigitsMlp.STATED_ACCURACY,
                "held-out accuracy " + accuracy + " is below the stated " + DigitsMlp.STATED_ACCURACY);
    }
}
