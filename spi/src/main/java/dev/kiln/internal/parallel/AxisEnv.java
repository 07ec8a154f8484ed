package dev.kiln.internal.parallel;

import dev.kiln.internal.trace.Trace;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The named mapped axes in scope on this thread while a function is traced: each {@code vmap} with
 * an axis name and each {@code pmap} pushes a frame. Collectives look their axis up here when they
 * are bound, to check the name and to learn its size; a {@code vmap} frame also names the batching
 * trace that carries out the collective.
 */
public final class AxisEnv {
    /** One named axis: its size and, for {@code vmap}, its batching trace (null for {@code pmap}). */
    public record Frame(String name, int size, Trace trace) {}

    private static final ThreadLocal<ArrayDeque<Frame>> FRAMES = ThreadLocal.withInitial(ArrayDeque::new);

    private AxisEnv() {}

    public static Frame push(String name, int size, Trace trace) {
        Frame f = new Frame(name, size, trace);
        FRAMES.get().push(f);
        return f;
    }

    public static void pop(Frame f) {
        ArrayDeque<Frame> s = FRAMES.get();
        if (s.peek() != f) {
            throw new IllegalStateException("axis environment corrupted: popping " + f.name());
        }
        s.pop();
    }

    /** The innermost frame named {@code name}, or null. */
    public static Frame find(String name) {
        for (Iterator<Frame> it = FRAMES.get().iterator(); it.hasNext(); ) {
            Frame f = it.next();
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The names in scope, innermost first, for messages. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Frame f : FRAMES.get()) {
            out.add(f.name());
        }
        return out;
    }
}
