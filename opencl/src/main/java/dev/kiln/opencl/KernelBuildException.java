package dev.kiln.opencl;

import dev.kiln.KilnException;

/** An OpenCL program failed to build; carries the compiler's log and the source it was given. */
public final class KernelBuildException extends KilnException {
    private final String buildLog;
    private final String source;

    KernelBuildException(String device, String buildLog, String source, Throwable cause) {
        super(
                "opencl: building a kernel for " + device + " failed; this is a bug in Kiln's OpenCL code generator"
                        + " (report it with this message). Build log:\n" + buildLog + "\nSource:\n" + source,
                cause);
        this.buildLog = buildLog;
        this.source = source;
    }

    /** The OpenCL compiler's log. */
    public String buildLog() {
        return buildLog;
    }

    /** The OpenCL C source that failed to build. */
    public String source() {
        return source;
    }
}
