package dev.kiln.opencl;

import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.Buffer;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import org.jocl.CL;
import org.jocl.cl_mem;

/**
 * An array's data in an OpenCL buffer ({@code cl_mem}) on the backend's device. The buffer is
 * released by a {@link Cleaner} when this object becomes unreachable; OpenCL keeps it alive until
 * the commands already enqueued on it have finished. Bool elements are stored as one byte (0 or 1).
 */
final class ClBuffer implements Buffer {
    private static final Cleaner CLEANER = Cleaner.create();

    private final ArraySpec spec;
    private final cl_mem mem;
    private final ClRuntime runtime;
    private final Owner owner;

    /** Takes over one reference to {@code mem}, which is released when this buffer is collected. */
    ClBuffer(ArraySpec spec, cl_mem mem, ClRuntime runtime) {
        this(spec, mem, runtime, new Owner(mem, runtime, -1));
    }

    /** An array's buffer of {@code capacity} bytes from {@link ClRuntime#allocatePooled}, recycled when collected. */
    static ClBuffer pooled(ArraySpec spec, cl_mem mem, ClRuntime runtime, long capacity) {
        return new ClBuffer(spec, mem, runtime, new Owner(mem, runtime, capacity));
    }

    private ClBuffer(ArraySpec spec, cl_mem mem, ClRuntime runtime, Owner owner) {
        this.spec = spec;
        this.mem = mem;
        this.runtime = runtime;
        this.owner = owner;
        owner.refs.incrementAndGet();
        CLEANER.register(this, owner);
    }

    @Override
    public ArraySpec spec() {
        return spec;
    }

    cl_mem mem() {
        return mem;
    }

    /** The runtime (context and queue) of the device that holds the memory. */
    ClRuntime runtime() {
        return runtime;
    }

    /** The same data under another spec of the same size (a reshape): a second reference to the memory. */
    ClBuffer view(ArraySpec other) {
        return new ClBuffer(other, mem, runtime, owner);
    }

    /** Waits until every command enqueued so far on the backend's queue has finished. */
    @Override
    public void blockUntilReady() {
        runtime.finish();
    }

    @Override
    public String toString() {
        return "ClBuffer" + spec;
    }

    /**
     * The memory and the number of buffers sharing it (reshapes share); the last one to be
     * collected recycles it into the runtime's pool or releases it.
     */
    private static final class Owner implements Runnable {
        final cl_mem mem;
        final ClRuntime runtime;
        final long capacity;
        final AtomicInteger refs = new AtomicInteger();

        Owner(cl_mem mem, ClRuntime runtime, long capacity) {
            this.mem = mem;
            this.runtime = runtime;
            this.capacity = capacity;
        }

        @Override
        public void run() {
            if (refs.decrementAndGet() > 0) {
                return;
            }
            try {
                if (capacity >= 0) {
                    runtime.recycle(mem, capacity);
                } else {
                    CL.clReleaseMemObject(mem);
                }
            } catch (RuntimeException e) {
                // the context may already be gone at exit; nothing to free then
            }
        }
    }
}
