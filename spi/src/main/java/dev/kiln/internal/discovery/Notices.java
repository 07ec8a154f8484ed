package dev.kiln.internal.discovery;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Warnings a user must see (a backend that is unavailable, and the fix): each is said once, at
 * WARN, and also on standard error when no SLF4J provider is bound, since SLF4J then drops every
 * message.
 */
final class Notices {
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    private Notices() {}

    /** Says {@code message} once per JVM. */
    static void warnOnce(Logger log, String message) {
        warnOnce(log, message, noLoggingProvider(), System.err);
    }

    /** Says {@code message} unless it was said before; returns whether it was said now. */
    static boolean warnOnce(Logger log, String message, boolean toStandardError, PrintStream err) {
        if (!SAID.add(message)) {
            return false;
        }
        log.warn(message);
        if (toStandardError) {
            err.println(message);
        }
        return true;
    }

    /** Whether SLF4J found no provider and fell back to its no-operation logger. */
    static boolean noLoggingProvider() {
        return LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory;
    }
}
