package dev.kiln.internal.parallel;

import dev.kiln.Array;
import dev.kiln.internal.trace.ArrayInternals;
import dev.kiln.ir.Params;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@code pmap} equation is run when a program reaches it (eagerly through the trace stack, or
 * inside a compiled program): the runtime of {@code dev.kiln.Pmap}, which installs itself here when it
 * is initialised (the pattern of {@link ArrayInternals}), so that the interpreters need not depend on
 * the facade's package-private class.
 */
public abstract class PmapCalls {
    private static final String IMPLEMENTATION = "dev.kiln.Pmap";
    private static volatile PmapCalls instance;

    /** Called once by {@code Pmap}'s static initialiser. */
    public static void install(PmapCalls impl) {
        if (instance != null) {
            throw new IllegalStateException("already installed");
        }
        instance = impl;
    }

    public static PmapCalls get() {
        PmapCalls i = instance;
        if (i == null) {
            try {
                Class.forName(IMPLEMENTATION, true, PmapCalls.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            i = instance;
        }
        return i;
    }

    /**
     * Splits the mapped operands over the equation's devices, runs the body on each at once and
     * returns the outputs: a mapped one as a sharded array (one shard per device), an unmapped one
     * as device 0's result.
     */
    public abstract List<Array> run(Params.Pmap params, List<Array> operands);

    /** {@link #run} on buffers of {@code backend}, with the outputs as buffers of {@code backend}. */
    public final List<Buffer> runBuffers(Backend backend, Params.Pmap params, List<Buffer> inputs) {
        ArrayInternals ai = ArrayInternals.get();
        List<Array> in = new ArrayList<>(inputs.size());
        for (Buffer b : inputs) {
            in.add(ai.wrap(backend, b));
        }
        List<Buffer> out = new ArrayList<>();
        for (Array a : run(params, in)) {
            out.add(a.backend() == backend ? a.buffer() : backend.fromHost(a.toHost()));
        }
        return out;
    }
}
