package dev.kiln.internal.parallel;

import dev.kiln.spi.Device;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A record of where {@code pmap} bodies ran: for each device, how many bodies its thread ran inside
 * the backend's {@code runOn(device, …)}, and the name of the thread that ran the last one. Tests read
 * it to check that a {@code pmap} under {@code jit} or {@code grad} still spread over the devices;
 * keeping it costs one counter increment per device per call.
 */
public final class DeviceRuns {
    private record Entry(AtomicLong count, String thread) {}

    private static final Map<Device, Entry> RUNS = new ConcurrentHashMap<>();

    private DeviceRuns() {}

    /** Called on the device's thread, inside {@code runOn}, as a body starts. */
    public static void record(Device d) {
        String thread = Thread.currentThread().getName();
        RUNS.compute(d, (k, e) -> {
            AtomicLong c = e == null ? new AtomicLong() : e.count();
            c.incrementAndGet();
            return new Entry(c, thread);
        });
    }

    /** How many {@code pmap} bodies have run on {@code d} in this process. */
    public static long count(Device d) {
        Entry e = RUNS.get(d);
        return e == null ? 0 : e.count().get();
    }

    /** The thread that ran the last {@code pmap} body on {@code d}, or null. */
    public static String lastThread(Device d) {
        Entry e = RUNS.get(d);
        return e == null ? null : e.thread();
    }
}
