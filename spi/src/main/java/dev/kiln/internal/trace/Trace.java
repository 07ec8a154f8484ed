package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.List;

/**
 * One interpreter on the trace stack (evaluation, staging, JVP, batching). A primitive applied to
 * operands goes to the operand trace with the highest level; the others are first lifted into it,
 * so transformations nest in any order.
 */
public abstract class Trace {
    private final int level;
    private boolean active = true;

    protected Trace(int level) {
        this.level = level;
    }

    public final int level() {
        return level;
    }

    /** Whether the transformation that owns this trace is still running. */
    public final boolean isActive() {
        return active;
    }

    final void deactivate() {
        active = false;
    }

    /** The transformation's name, for error messages ({@code jit}, {@code grad}, {@code vmap}, …). */
    public abstract String transformation();

    /** Wraps an array from a lower level (or a concrete one) as a tracer of this trace. */
    public abstract Array lift(Array x);

    /**
     * Applies {@code primitive} to operands that all belong to this trace, returning arrays of this
     * trace (or of lower levels, for results that do not depend on this trace's inputs).
     */
    public abstract Array process(Primitive primitive, Params params, List<Array> operands);

    /**
     * Applies a control-flow primitive (several outputs, sub-programs in its params). Traces that
     * do not support control flow say so.
     */
    public List<Array> processAll(Primitive primitive, Params params, List<Array> operands) {
        throw new dev.kiln.KilnException(
                primitive.printName() + " is not supported inside " + transformation() + " yet");
    }
}
