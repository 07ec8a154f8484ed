package dev.kiln;

import dev.kiln.internal.discovery.BackendRegistry;
import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import java.util.List;
import java.util.function.Supplier;

/**
 * Kiln's entry point for choosing backends (and, as the library grows, for transformations).
 *
 * <p>Arrays are created on the <em>current</em> backend: the one set for this thread by {@link
 * #withBackend}, else the process default chosen by the {@code kiln.backend} system property, else
 * the highest-priority available backend. Operations run on the backend of their first operand.
 */
public final class Kiln {
    private static final ThreadLocal<Backend> CURRENT = new ThreadLocal<>();

    private Kiln() {}

    /** A backend provider found on the class path and whether it can be used here. */
    public record BackendInfo(String name, int priority, Availability availability) {}

    /** Every backend provider found, highest priority first, with what its probe said. */
    public static List<BackendInfo> backends() {
        return BackendRegistry.get().entries().stream()
                .map(e -> new BackendInfo(e.name(), e.priority(), e.availability()))
                .toList();
    }

    /** The process-wide default backend. */
    public static Backend defaultBackend() {
        return BackendRegistry.get().defaultBackend();
    }

    /** The backend with this name, opened once per process. */
    public static Backend backend(String name) {
        return BackendRegistry.get().open(name);
    }

    /** The backend new arrays are created on in this thread. */
    public static Backend currentBackend() {
        Backend b = CURRENT.get();
        return b != null ? b : defaultBackend();
    }

    /** Runs {@code body} with {@code backend} as this thread's current backend. */
    public static <T> T withBackend(Backend backend, Supplier<T> body) {
        Backend previous = CURRENT.get();
        CURRENT.set(backend);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Runs {@code body} with the backend of this name as this thread's current backend. */
    public static <T> T withBackend(String name, Supplier<T> body) {
        return withBackend(backend(name), body);
    }

    /** The same array's data on another backend (a copy, unless it is already there). */
    public static Array devicePut(Array x, Backend backend) {
        return Dispatch.transfer(x, backend);
    }
}
