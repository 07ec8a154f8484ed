package dev.kiln.spi;

import java.util.List;
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

    /**
     * The settings this backend reads, each named {@code kiln.<backend>.*} (cpu-simd's are {@code
     * kiln.cpu.*}); they are listed with Kiln's own by {@link Settings#all()}, reach {@link #open}
     * with their values, and belong in the README's settings table. None by default.
     */
    default List<Setting> settings() {
        return List.of();
    }

    /**
     * Opens the backend; called at most once per process by Kiln's registry. {@code options} holds
     * Kiln's own settings and this provider's {@link #settings()} with their values, and any other
     * {@code kiln.<name()>.*} property that is set ({@link Settings#optionsFor}); read them with
     * {@link Setting#in} and friends rather than from system properties. A backend created another
     * way may be handed an empty map, which means every default.
     */
    Backend open(Map<String, String> options);
}
