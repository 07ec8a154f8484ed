package dev.kiln.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The spares of {@link OutputArrays#PREFILL}: a run is followed by as many new arrays of each large
 * kind as it had to allocate itself (not those the pool could reuse); the next run takes them; kinds
 * a run no longer needed new keep no spares.
 */
class OutputArraysPrefillTest {
    private static final ArraySpec LARGE = new ArraySpec(DType.FLOAT32, new int[] {512, 1024});
    private static final ArraySpec SMALL = new ArraySpec(DType.FLOAT32, new int[] {7, 13});

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "no " + what + " within 10 s");
            Thread.sleep(2);
        }
    }

    @Test
    void sparesFollowWhatTheLastRunAllocated() throws InterruptedException {
        assumeTrue(Boolean.parseBoolean(OutputArrays.PREFILL.value().strip()), "kiln.output-prefill is off");
        OutputArrays.Pool pool = new OutputArrays.Pool();
        Object[] first = new Object[2];
        // an intermediate given back, and an output kept: two new arrays of one kind
        pool.run(() -> {
            first[0] = OutputArrays.allocate(LARGE).data();
            first[1] = OutputArrays.allocate(LARGE).data();
            OutputArrays.current().giveBack(first[0]);
            return null;
        });
        await("two spares", () -> pool.sparesReady() == 2);
        long used = OutputArrays.prefilled();
        Object[] second = new Object[2];
        pool.run(() -> {
            second[0] = OutputArrays.allocate(LARGE).data();
            second[1] = OutputArrays.allocate(LARGE).data();
            OutputArrays.current().giveBack(second[0]);
            return null;
        });
        assertSame(first[0], second[0], "the intermediate given back is reused");
        assertNotSame(first[0], second[1], "the output is a new array");
        assertNotSame(first[1], second[1], "the output is a new array");
        assertEquals(used + 1, OutputArrays.prefilled(), "the second run's output was a spare");
        for (float f : (float[]) second[1]) {
            assertEquals(0f, f, "a spare is a new, zeroed array");
        }
        // the second run needed one new array: one spare kept (none asked for, one dropped)
        assertEquals(1, pool.sparesReady(), "spares after a run that needed one new array");
        pool.run(() -> OutputArrays.allocate(SMALL));
        assertEquals(0, pool.sparesReady(), "spares after a run that needed no large array");
    }
}
