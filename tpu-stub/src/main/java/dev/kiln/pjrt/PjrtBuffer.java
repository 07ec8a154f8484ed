package dev.kiln.pjrt;

import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * An array on a PJRT device. Its device memory is freed (PJRT_Buffer_Destroy) by a {@link
 * java.lang.ref.Cleaner} once the buffer is unreachable; the client's {@link LiveBytes} counts it
 * from before the plugin allocates it (the caller reserves it) until then.
 */
final class PjrtBuffer implements Buffer {
    private final PjrtClient client;
    private final MemorySegment handle;
    private final ArraySpec spec;
    /** The index of the client's addressable device that holds it. */
    private final int device;

    PjrtBuffer(PjrtClient client, MemorySegment handle, ArraySpec spec) {
        this(client, handle, spec, 0);
    }

    PjrtBuffer(PjrtClient client, MemorySegment handle, ArraySpec spec, int device) {
        this.client = client;
        this.handle = handle;
        this.spec = spec;
        this.device = device;
        PjrtApi api = client.api;
        LiveBytes live = client.live;
        long bytes = bytes(spec);
        PjrtClient.CLEANER.register(this, () -> {
            live.release(bytes);
            if (!PjrtApi.closing()) {
                PjrtClient.destroyBuffer(api, handle);
            }
        });
    }

    /** The device bytes a buffer of {@code spec} is counted for in {@link LiveBytes}. */
    static long bytes(ArraySpec spec) {
        return spec.size() * PjrtClient.elementBytes(spec.dtype());
    }

    @Override
    public ArraySpec spec() {
        return spec;
    }

    PjrtClient client() {
        return client;
    }

    /** The index of the addressable device that holds this buffer. */
    int device() {
        return device;
    }

    /** The plugin's PJRT_Buffer; keep this object reachable while the handle is in use. */
    MemorySegment handle() {
        return handle;
    }

    @Override
    public String toString() {
        return "PjrtBuffer" + spec;
    }
}
