package dev.kiln.spi;

import java.util.Map;

/**
 * The service a backend jar provides, found with {@link java.util.ServiceLoader}. Declare it both
 * in {@code module-info.java} ({@code provides dev.kiln.spi.BackendProvider with …}) and in
 * {@code META-INF/services/dev.kiln.spi.BackendProvider}, so module-path and class-path users
 * both find it.
 */
public interface BackendProvider {
    /** A short lower-case name users select with {@code -Dkiln.backend=name}. */
    String name();

    /** Higher wins when no backend is named; the reference backend has priority 0. */
    int priority();

    /**
     * Whether {@link #open} can succeed here. Never throws: a missing library, device or JVM flag is
     * reported as {@link Availability#unavailable} with the reason and the fix.
     */
    Availability probe();

    /** Opens the backend; called at most once per process by Kiln's registry. */
    Backend open(Map<String, String> options);
}
