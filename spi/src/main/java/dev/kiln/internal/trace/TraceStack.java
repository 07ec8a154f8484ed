package dev.kiln.internal.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** The per-thread stack of active traces; level i is the i-th trace pushed (from 1). */
public final class TraceStack {
    private static final ThreadLocal<List<Trace>> STACK = ThreadLocal.withInitial(ArrayList::new);

    private TraceStack() {}

    /** Pushes a new trace made for the next level. */
    public static <T extends Trace> T push(IntFunction<T> make) {
        List<Trace> s = STACK.get();
        T t = make.apply(s.size() + 1);
        s.add(t);
        return t;
    }

    /** Pops {@code t}, which must be the innermost trace; its tracers become stale. */
    public static void pop(Trace t) {
        List<Trace> s = STACK.get();
        if (s.isEmpty() || s.get(s.size() - 1) != t) {
            throw new IllegalStateException(
                    "trace stack corrupted: popping " + t.transformation() + " at level " + t.level());
        }
        s.remove(s.size() - 1);
        t.deactivate();
    }

    /**
     * The innermost trace that stages every operation, even ones on concrete arrays (a {@code jit}'s
     * staging trace), or null. Staging everything inside {@code jit} keeps constants' broadcasts and
     * the like in the program, where the compiler can fuse them.
     */
    public static Trace dynamic() {
        List<Trace> s = STACK.get();
        for (int i = s.size() - 1; i >= 0; i--) {
            if (s.get(i) instanceof StagingTrace st && st.stagesEverything()) {
                return st;
            }
        }
        return null;
    }

    /** The number of active traces on this thread. */
    public static int depth() {
        return STACK.get().size();
    }
}
