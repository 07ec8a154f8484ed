package dev.kiln.internal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A warning the user must see is said once, and on standard error when SLF4J would drop it. */
class NoticesTest {
    @Test
    void saysAMessageOnceAndOnStandardErrorWithoutAProvider() {
        var err = new ByteArrayOutputStream();
        var stream = new PrintStream(err, true, StandardCharsets.UTF_8);
        var log = LoggerFactory.getLogger(NoticesTest.class);
        String m = "Kiln: test notice " + System.nanoTime();
        assertTrue(Notices.warnOnce(log, m, true, stream));
        assertFalse(Notices.warnOnce(log, m, true, stream), "said once");
        assertEquals(m + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void leavesStandardErrorAloneWhenALoggerIsBound() {
        var err = new ByteArrayOutputStream();
        String m = "Kiln: logged notice " + System.nanoTime();
        assertTrue(Notices.warnOnce(
                LoggerFactory.getLogger(NoticesTest.class),
                m,
                false,
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        // the tests run with slf4j-simple, so a provider is bound here
        assertFalse(Notices.noLoggingProvider());
    }
}
