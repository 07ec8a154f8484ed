package dev.kiln.opencl;

import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.Buffer;
import java.lang.ref.Cleaner;
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

    /** Takes over one reference to {@code mem}. */
    ClBuffer(ArraySpec spec, cl_mem mem, ClRuntime runtime) {
        this.spec = spec;
        this.mem = mem;
        this.runtime = runtime;
        CLEANER.register(this, new Release(mem));
    }

    @Override
    public ArraySpec spec() {
        return spec;
    }

    cl_mem mem() {
        return mem;
    }

    /** The same data under another spec of the same size (a reshape): a second reference to the memory. */
    ClBuffer view(ArraySpec other) {
        CL.clRetainMemObject(mem);
        return new ClBuffer(other, mem, runtime);
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

    private record Release(cl_mem mem) implements Runnable {
        @Override
        public void run() {
            try {
                CL.clReleaseMemObject(mem);
            } catch (RuntimeException e) {
                // the context may already be gone at exit; nothing to free then
            }
        }
    }
}
