package dev.kiln.internal.trace;

import dev.kiln.ir.ArraySpec;

/**
 * What an {@link dev.kiln.Array} holds instead of data while a transformation traces a function:
 * the abstract value and the trace that owns it. Each kind of trace has its own tracer.
 */
public abstract class Tracer {
    private final Trace trace;
    private final ArraySpec spec;

    protected Tracer(Trace trace, ArraySpec spec) {
        this.trace = trace;
        this.spec = spec;
    }

    public final Trace trace() {
        return trace;
    }

    public final ArraySpec spec() {
        return spec;
    }
}
