package dev.kiln.pjrt;

import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * An array on a PJRT device. Its device memory is freed (PJRT_Buffer_Destroy) by a {@link
 * java.lang.ref.Cleaner} once the buffer is unreachable.
 */
final class PjrtBuffer implements Buffer {
    private final PjrtClient client;
    private final MemorySegment handle;
    private final ArraySpec spec;

    PjrtBuffer(PjrtClient client, MemorySegment handle, ArraySpec spec) {
        this.client = client;
        this.handle = handle;
        this.spec = spec;
        PjrtApi api = client.api;
        PjrtClient.CLEANER.register(this, () -> PjrtClient.destroyBuffer(api, handle));
    }

    @Override
    public ArraySpec spec() {
        return spec;
    }

    PjrtClient client() {
        return client;
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
