package dev.kiln.internal.parallel;

import dev.kiln.spi.Communicator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The communicators of the {@code pmap} axes whose programs run on this thread (a device's thread). */
public final class Running {
    private static final ThreadLocal<Map<String, Communicator>> AXES = ThreadLocal.withInitial(HashMap::new);

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
}
