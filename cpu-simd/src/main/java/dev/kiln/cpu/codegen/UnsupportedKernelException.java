package dev.kiln.cpu.codegen;

/**
 * The code generator does not handle this kernel (a dtype, an op or an index map it has no vector
 * form for); the backend runs the kernel op by op instead. The message says what was missing.
 */
public final class UnsupportedKernelException extends Exception {
    public UnsupportedKernelException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // an expected outcome that is caught one frame up, not an error to trace
        return this;
    }
}
