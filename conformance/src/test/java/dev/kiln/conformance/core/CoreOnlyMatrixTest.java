package dev.kiln.conformance.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.conformance.Outcome.Status;
import dev.kiln.conformance.Runner;
import dev.kiln.conformance.SupportMatrix;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The runner's support matrix shows which results on the core-only backend came from decompositions. */
class CoreOnlyMatrixTest {
    @Test
    void marksCellsThatRanThroughDecompositions() {
        SupportMatrix m = Runner.run(
                List.of(CoreOnlyProvider.NAME), Set.of("shapes"), new PrintStream(PrintStream.nullOutputStream()));
        String table = m.render(CoreOnlyProvider.NAME);
        assertEquals(0, m.count(CoreOnlyProvider.NAME, Status.FAIL), table);
        // flip is rev, which is not core: its cells are marked and rev is counted
        assertTrue(table.lines().anyMatch(l -> l.contains("flip") && l.contains("ok+")), table);
        assertTrue(table.contains("Decomposed (+)") && table.contains(" rev "), table);
        // transpose is core: its cells are not marked
        assertTrue(table.lines().anyMatch(l -> l.matches("\\s+transpose\\s.*") && !l.contains("+")), table);
    }
}
