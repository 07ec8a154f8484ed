package dev.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.conformance.Outcome.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backend that implements no primitive yet ({@link PartialBackendProvider}) gets "unsupported"
 * for the cases that need one, never a failure: the families let its {@code
 * UnsupportedPrimitiveException} reach {@link CaseExecution} instead of wrapping it.
 */
class PartialBackendTest {
    private static final String PARTIAL = PartialBackendProvider.NAME;

    @Test
    void errorsFamilyReportsAPartialBackendsGapsAsUnsupported() {
        List<String> failed = new ArrayList<>();
        int unsupported = 0;
        for (Case c : Suite.family("errors").cases()) {
            Outcome o = CaseExecution.run(c, PARTIAL, Exclusions.none());
            if (o.status() == Status.FAIL) {
                failed.add(c.op() + " (" + c.name() + "): " + o.detail());
            } else if (o.status() == Status.UNSUPPORTED) {
                unsupported++;
            }
        }
        assertEquals(List.of(), failed, "a missing primitive is not a failure");
        assertTrue(unsupported > 0, "cases that run a primitive are unsupported on a backend with none");
    }

    @Test
    void traceMisuseThatNeedsAPrimitiveIsUnsupportedNotAWrongMessage() {
        // UnsupportedPrimitiveException is a KilnException, the type this case expects
        Case leak = Suite.family("errors").cases().stream()
                .filter(c -> c.op().equals("jit") && c.name().equals("a traced value used after jit returned"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                Status.UNSUPPORTED,
                CaseExecution.run(leak, PARTIAL, Exclusions.none()).status());
    }
}
