package dev.kiln.conformance.families;

import dev.kiln.Kiln;

/**
 * Prints which backend Kiln picks as the default in this JVM ({@code default=NAME}), or the error
 * ({@code error=CLASS: MESSAGE}). The discovery family runs it in child JVMs with different
 * {@code kiln.backend} settings, since a process chooses its default once.
 */
public final class DefaultBackendProbe {
    private DefaultBackendProbe() {}

    public static void main(String[] args) {
        try {
            System.out.println("default=" + Kiln.defaultBackend().name());
        } catch (RuntimeException e) {
            System.out.println(
                    "error=" + e.getClass().getName() + ": " + e.getMessage().replace('\n', ' '));
        }
    }
}
