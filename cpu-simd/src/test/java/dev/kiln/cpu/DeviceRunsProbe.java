package dev.kiln.cpu;

import dev.kiln.spi.Device;

/**
 * Reads Kiln's record of where pmap bodies ran ({@code internal.parallel.DeviceRuns}) for the pmap
 * tests: its package is not exported, and tests run on the class path, so by reflection.
 */
final class DeviceRunsProbe {
    private static final java.lang.reflect.Method COUNT;

    private static final java.lang.reflect.Method LAST_THREAD;

    static {
        try {
            Class<?> runs = Class.forName("dev.kiln.internal.parallel.DeviceRuns");
            COUNT = runs.getMethod("count", Device.class);
            LAST_THREAD = runs.getMethod("lastThread", Device.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DeviceRunsProbe() {}

    /** How many pmap bodies ran on {@code d}. */
    static long count(Device d) {
        try {
            return (long) COUNT.invoke(null, d);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** The name of the thread that last ran a pmap body on {@code d}. */
    static String lastThread(Device d) {
        try {
            return (String) LAST_THREAD.invoke(null, d);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
