package dev.kiln.spi;

import java.util.List;

/** A {@link FusedKernel} made runnable by a backend ({@link Backend#compileKernel}). */
public interface CompiledKernel {
    /**
     * Runs the kernel once: {@code inputs} are buffers of this backend, one per {@link
     * FusedKernel#inputs()} entry and in that order, with those specs; the result holds one new
     * buffer per {@link FusedKernel#outputs()} entry, in order.
     */
    List<Buffer> run(List<Buffer> inputs);
}
