package dev.kiln.pjrt;

import static dev.kiln.pjrt.PjrtLayout.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded PJRT plugin: its {@code PJRT_Api} table, bound with java.lang.foreign. Every slot is
 * checked against the table's {@code struct_size} and for null before it is called; every error a
 * slot returns is read (message and code) and destroyed, then thrown as a {@link PjrtException}.
 * Plugin libraries stay loaded for the life of the process (they are opened in the global arena):
 * XLA's libraries start threads and register global state that cannot be unloaded safely.
 */
final class PjrtApi {
    private static final Linker LINKER = Linker.nativeLinker();
    /** {@code PJRT_Error* f(Args*)}, called through a function pointer. */
    private static final MethodHandle ERROR_FN = LINKER.downcallHandle(FunctionDescriptor.of(ADDRESS, ADDRESS));
    /** {@code void f(Args*)}: PJRT_Error_Destroy and PJRT_Error_Message. */
    private static final MethodHandle VOID_FN = LINKER.downcallHandle(FunctionDescriptor.ofVoid(ADDRESS));

    private final Path path;
    private final MemorySegment api;
    private final long structSize;
    private final int major;
    private final int minor;

    private PjrtApi(Path path, MemorySegment api) {
        this.path = path;
        this.structSize = api.reinterpret(8).get(JAVA_LONG, 0);
        this.api = api.reinterpret(Math.max(structSize, API_MINOR + 4));
        this.major = structSize >= API_MINOR + 4 ? this.api.get(JAVA_INT, API_MAJOR) : -1;
        this.minor = structSize >= API_MINOR + 4 ? this.api.get(JAVA_INT, API_MINOR) : -1;
    }

    /**
     * Loads the plugin at {@code path}, reads its API version and initializes it.
     *
     * @throws PjrtException with the reason when the library cannot be opened, has no {@code
     *     GetPjrtApi}, reports a major version other than {@value PjrtLayout#MAJOR}, or fails to
     *     initialize
     */
    static PjrtApi load(Path path) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new PjrtException(
                    "pjrt: cannot load plugin " + path + ": " + e.getMessage()
                            + " (is it a shared library for this platform, with its dependencies on the library path?)",
                    -1);
        }
        Optional<MemorySegment> get = lookup.find("GetPjrtApi");
        if (get.isEmpty()) {
            throw new PjrtException("pjrt: " + path + " is not a PJRT plugin: it exports no GetPjrtApi symbol", -1);
        }
        MemorySegment table;
        try {
            table = (MemorySegment) LINKER.downcallHandle(get.get(), FunctionDescriptor.of(ADDRESS))
                    .invokeExact();
        } catch (Throwable t) {
            throw new PjrtException("pjrt: GetPjrtApi of " + path + " failed: " + t, -1);
        }
        if (table.equals(MemorySegment.NULL)) {
            throw new PjrtException("pjrt: GetPjrtApi of " + path + " returned null", -1);
        }
        PjrtApi api = new PjrtApi(path, table);
        if (api.major != MAJOR) {
            throw new PjrtException(
                    "pjrt: plugin " + path + " speaks PJRT C API " + api.version() + ", Kiln speaks " + MAJOR + "."
                            + MINOR + " and accepts major version " + MAJOR + " only; use a plugin built for API "
                            + MAJOR + ".x",
                    -1);
        }
        try (Arena arena = Arena.ofConfined()) {
            api.call(PLUGIN_INITIALIZE, "PJRT_Plugin_Initialize", api.args(arena, PLUGIN_INITIALIZE_ARGS));
        }
        return api;
    }

    Path path() {
        return path;
    }

    /** The API version the plugin reports, {@code major.minor}. */
    String version() {
        return major + "." + minor;
    }

    int major() {
        return major;
    }

    int minor() {
        return minor;
    }

    long structSize() {
        return structSize;
    }

    /** A zeroed argument struct of {@code size} bytes with its {@code struct_size} set. */
    MemorySegment args(Arena arena, long size) {
        MemorySegment s = arena.allocate(size, 8);
        s.set(JAVA_LONG, 0, size);
        return s;
    }

    /** Whether the plugin fills {@code slot} (the table is large enough and the pointer is set). */
    boolean has(long slot) {
        return slot + 8 <= structSize && !api.get(ADDRESS, slot).equals(MemorySegment.NULL);
    }

    private MemorySegment function(long slot, String name) {
        if (slot + 8 > structSize) {
            throw new PjrtException(
                    "pjrt: " + name + " is beyond the plugin's PJRT_Api table (struct_size " + structSize + ", API "
                            + version() + "); use a newer plugin",
                    12);
        }
        MemorySegment f = api.get(ADDRESS, slot);
        if (f.equals(MemorySegment.NULL)) {
            throw new PjrtException("pjrt: the plugin " + path.getFileName() + " does not implement " + name, 12);
        }
        return f;
    }

    /** Native calls into a plugin now in progress, on any thread (see {@link #closeAtExit}). */
    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();

    /** Set when the JVM begins to shut down: from then on no call enters a plugin. */
    private static volatile boolean closing;

    /** How long the shutdown hook waits for calls in progress to leave the plugin. */
    private static final long EXIT_WAIT_NANOS = 10_000_000_000L;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(PjrtApi::closeAtExit, "kiln-pjrt-exit"));
        } catch (IllegalStateException e) {
            closing = true; // already shutting down
        }
    }

    /**
     * The shutdown hook: refuse new calls into plugins and wait (up to 10 s) for those in progress
     * to return. After the hooks the JVM calls the C library's {@code exit}, which runs the plugin
     * libraries' static destructors while other threads still run; a cleaner freeing a buffer, or
     * a thread compiling, must not be inside the plugin then. Buffers, executables and clients
     * still alive are left to the operating system, which reclaims a process's memory anyway.
     */
    static void closeAtExit() {
        closing = true;
        long deadline = System.nanoTime() + EXIT_WAIT_NANOS;
        while (IN_FLIGHT.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether the JVM is shutting down, so that plugins are no longer called. */
    static boolean closing() {
        return closing;
    }

    /** Calls a slot that returns {@code PJRT_Error*}; throws its error, destroyed, as a PjrtException. */
    void call(long slot, String name, MemorySegment args) {
        MemorySegment f = function(slot, name);
        IN_FLIGHT.incrementAndGet();
        try {
            if (closing) {
                throw new PjrtException("pjrt: " + name + " was not called: the JVM is shutting down", -1);
            }
            MemorySegment error;
            try {
                error = (MemorySegment) ERROR_FN.invokeExact(f, args);
            } catch (Throwable t) {
                throw new PjrtException("pjrt: " + name + " failed: " + t, -1);
            }
            if (!error.equals(MemorySegment.NULL)) {
                throw consume(error, name);
            }
        } finally {
            IN_FLIGHT.decrementAndGet();
        }
    }

    /** Reads an error's message and code, destroys it, and returns it as an exception. */
    PjrtException consume(MemorySegment error, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = args(arena, ERROR_MESSAGE_ARGS);
            m.set(ADDRESS, ARG0, error);
            VOID_FN.invokeExact(function(ERROR_MESSAGE, "PJRT_Error_Message"), m);
            String message = string(m.get(ADDRESS, ARG1), m.get(JAVA_LONG, ARG2));
            int code = -1;
            if (has(ERROR_GET_CODE)) {
                MemorySegment c = args(arena, ERROR_GET_CODE_ARGS);
                c.set(ADDRESS, ARG0, error);
                MemorySegment e2 =
                        (MemorySegment) ERROR_FN.invokeExact(function(ERROR_GET_CODE, "PJRT_Error_GetCode"), c);
                if (e2.equals(MemorySegment.NULL)) {
                    code = c.get(JAVA_INT, ARG1);
                } else {
                    destroy(arena, e2);
                }
            }
            destroy(arena, error);
            return new PjrtException("pjrt: " + what + ": " + message, code);
        } catch (PjrtException e) {
            return e;
        } catch (Throwable t) {
            return new PjrtException("pjrt: " + what + " failed, and its error could not be read: " + t, -1);
        }
    }

    private void destroy(Arena arena, MemorySegment error) throws Throwable {
        MemorySegment d = args(arena, ERROR_DESTROY_ARGS);
        d.set(ADDRESS, ARG0, error);
        VOID_FN.invokeExact(function(ERROR_DESTROY, "PJRT_Error_Destroy"), d);
    }

    /** Awaits an event and destroys it; a failed event is thrown after it is destroyed. */
    void awaitAndDestroy(MemorySegment event, String what) {
        if (event.equals(MemorySegment.NULL)) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = args(arena, EVENT_AWAIT_ARGS);
            a.set(ADDRESS, ARG0, event);
            PjrtException failure = null;
            try {
                call(EVENT_AWAIT, "PJRT_Event_Await", a);
            } catch (PjrtException e) {
                failure = new PjrtException("pjrt: " + what + ": " + e.getMessage(), e.code());
            }
            MemorySegment d = args(arena, EVENT_DESTROY_ARGS);
            d.set(ADDRESS, ARG0, event);
            call(EVENT_DESTROY, "PJRT_Event_Destroy", d);
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** The plugin's attributes ({@code PJRT_Plugin_Attributes}), values as text; empty when it has none. */
    Map<String, String> attributes() {
        if (!has(PLUGIN_ATTRIBUTES)) {
            return Map.of();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = args(arena, PLUGIN_ATTRIBUTES_ARGS);
            call(PLUGIN_ATTRIBUTES, "PJRT_Plugin_Attributes", a);
            long n = a.get(JAVA_LONG, ARG1);
            MemorySegment values = a.get(ADDRESS, ARG0).reinterpret(n * NAMED_VALUE_SIZEOF);
            Map<String, String> out = new LinkedHashMap<>();
            for (long i = 0; i < n; i++) {
                MemorySegment v = values.asSlice(i * NAMED_VALUE_SIZEOF, NAMED_VALUE_SIZEOF);
                String name = string(v.get(ADDRESS, NAMED_VALUE_NAME), v.get(JAVA_LONG, NAMED_VALUE_NAME_SIZE));
                long size = v.get(JAVA_LONG, NAMED_VALUE_VALUE_SIZE);
                String text =
                        switch (v.get(JAVA_INT, NAMED_VALUE_TYPE)) {
                            case NAMED_STRING -> string(v.get(ADDRESS, NAMED_VALUE_VALUE), size);
                            case NAMED_INT64 -> Long.toString(v.get(JAVA_LONG, NAMED_VALUE_VALUE));
                            case NAMED_INT64_LIST -> {
                                MemorySegment list =
                                        v.get(ADDRESS, NAMED_VALUE_VALUE).reinterpret(8 * size);
                                List<String> parts = new ArrayList<>();
                                for (long k = 0; k < size; k++) {
                                    parts.add(Long.toString(list.getAtIndex(JAVA_LONG, k)));
                                }
                                yield String.join(".", parts);
                            }
                            case NAMED_FLOAT -> Float.toString(v.get(JAVA_FLOAT, NAMED_VALUE_VALUE));
                            case NAMED_BOOL -> Boolean.toString(v.get(JAVA_BYTE, NAMED_VALUE_VALUE) != 0);
                            default -> "?";
                        };
                out.put(name, text);
            }
            return Collections.unmodifiableMap(out);
        }
    }

    /** Clients this process has created, and destroyed, through any plugin (for tests of the probe). */
    static final AtomicInteger CLIENTS_CREATED = new AtomicInteger();

    static final AtomicInteger CLIENTS_DESTROYED = new AtomicInteger();

    /** Creates a client with no options. */
    PjrtClient createClient() {
        return createClient(Map.of());
    }

    /** Creates a client with these integer create options (such as XLA:CPU's {@code cpu_device_count}). */
    PjrtClient createClient(Map<String, Long> options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = args(arena, CLIENT_CREATE_ARGS);
            if (!options.isEmpty()) {
                MemorySegment values = arena.allocate(NAMED_VALUE_SIZEOF * options.size(), 8);
                long at = 0;
                for (Map.Entry<String, Long> e : options.entrySet()) {
                    MemorySegment v = values.asSlice(at, NAMED_VALUE_SIZEOF);
                    byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                    v.set(JAVA_LONG, 0, NAMED_VALUE_SIZEOF);
                    v.set(ADDRESS, NAMED_VALUE_NAME, arena.allocateFrom(JAVA_BYTE, name));
                    v.set(JAVA_LONG, NAMED_VALUE_NAME_SIZE, name.length);
                    v.set(JAVA_INT, NAMED_VALUE_TYPE, NAMED_INT64);
                    v.set(JAVA_LONG, NAMED_VALUE_VALUE, e.getValue());
                    v.set(JAVA_LONG, NAMED_VALUE_VALUE_SIZE, 1);
                    at += NAMED_VALUE_SIZEOF;
                }
                a.set(ADDRESS, CLIENT_CREATE_OPTIONS, values);
                a.set(JAVA_LONG, CLIENT_CREATE_NUM_OPTIONS, options.size());
            }
            call(CLIENT_CREATE, "PJRT_Client_Create", a);
            CLIENTS_CREATED.incrementAndGet();
            MemorySegment client = a.get(ADDRESS, CLIENT_CREATE_CLIENT);
            try {
                return new PjrtClient(this, client);
            } catch (RuntimeException e) {
                PjrtClient.destroy(this, client);
                throw e;
            }
        }
    }

    static String string(MemorySegment p, long length) {
        if (p.equals(MemorySegment.NULL) || length == 0) {
            return "";
        }
        return new String(p.reinterpret(length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }
}
