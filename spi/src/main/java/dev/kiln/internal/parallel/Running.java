package dev.kiln.internal.parallel;

import dev.kiln.spi.Communicator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The communicators of the {@code pmap} axes whose programs run on this thread (a device's thread). */
public final class Running {
    private static final ThreadLocal<Map<String, Communicator>> AXES = ThreadLocal.withInitial(HashMap::new);
    /** Buffers of the program running on this thread that it may overwrite (donated, read once). */
    private static final ThreadLocal<java.util.Set<Object>> DONATED = new ThreadLocal<>();

    private Running() {}

    /** Runs {@code work} with {@code axis} bound to {@code comm} on this thread. */
    public static <T> T with(String axis, Communicator comm, Supplier<T> work) {
        Map<String, Communicator> m = AXES.get();
        Communicator previous = m.put(axis, comm);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                m.remove(axis);
            } else {
                m.put(axis, previous);
            }
        }
    }

    /** The communicator of {@code axis} on this thread, or null. */
    public static Communicator communicator(String axis) {
        return AXES.get().get(axis);
    }

    /**
     * Runs {@code work} with {@code buffers} marked as donated on this thread: the program it runs reads
     * each of them once, in a reduction across devices, so that reduction may overwrite it.
     */
    public static <T> T donating(java.util.Set<Object> buffers, Supplier<T> work) {
        java.util.Set<Object> previous = DONATED.get();
        DONATED.set(buffers);
        try {
            return work.get();
        } finally {
            DONATED.set(previous);
        }
    }

    /** Whether {@code buffer} (compared by identity) was donated to the program running on this thread. */
    public static boolean isDonated(Object buffer) {
        java.util.Set<Object> d = DONATED.get();
        return d != null && d.contains(buffer);
    }
}
