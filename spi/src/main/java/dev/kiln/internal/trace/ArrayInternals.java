package dev.kiln.internal.trace;

import dev.kiln.Array;

/**
 * Lets the trace machinery make and inspect tracer-backed arrays without making those operations
 * public API: {@link Array} installs the implementation when it is initialised.
 */
public abstract class ArrayInternals {
    private static volatile ArrayInternals instance;

    /** Called once by {@link Array}'s static initialiser. */
    public static void install(ArrayInternals impl) {
        if (instance != null) {
            throw new IllegalStateException("already installed");
        }
        instance = impl;
    }

    public static ArrayInternals get() {
        ArrayInternals i = instance;
        if (i == null) {
            // Array's initialiser installs it; touching the class runs it
            Array.class.getName();
            try {
                Class.forName(Array.class.getName(), true, Array.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            i = instance;
        }
        return i;
    }

    /** An array whose value is the tracer. */
    public abstract Array wrap(Tracer tracer);

    /** A concrete array holding {@code host}'s data on the current backend. */
    public abstract Array constant(dev.kiln.spi.HostBuffer host);

    /** A concrete array over a buffer that {@code backend} made. */
    public abstract Array wrap(dev.kiln.spi.Backend backend, dev.kiln.spi.Buffer buffer);

    /** The array's tracer, or null when it holds data. */
    public abstract Tracer tracer(Array a);
}
