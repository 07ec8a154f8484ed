package dev.kiln.spi;

import dev.kiln.ir.ArraySpec;

/**
 * An array's data on one backend. Buffers are immutable once a backend has produced them, so two
 * arrays may share one. A backend releases a buffer's memory when the buffer becomes unreachable;
 * users never close buffers.
 */
public interface Buffer {
    /** The dtype and shape of the data. */
    ArraySpec spec();

    /**
     * Waits until the computation that produces this buffer has finished. Backends that enqueue work
     * asynchronously (opencl) override it; the default returns at once, as synchronous backends'
     * buffers are complete when they are returned.
     */
    default void blockUntilReady() {}
}
