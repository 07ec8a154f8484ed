package dev.kiln.pjrt;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.Device;
import dev.kiln.spi.Executable;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.Lowering;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs Kiln on a PJRT plugin. {@link #compile} lowers a whole program (its unclaimed primitives
 * decomposed first, control flow included) to one StableHLO module, which the plugin compiles and
 * fuses; eager {@link #execute} runs a one-primitive module. Executables are cached by module text
 * (eager ones also by primitive, parameters and specs, so the text is not rebuilt); buffers stay on
 * the device between calls and are copied to the host only by {@link #toHost}.
 */
final class PjrtBackend implements Backend {
    static final String NAME = "pjrt";
    private static final int CACHE_SIZE = 4096;

    private final PjrtSession session;
    private final PjrtClient client;
    private final List<Device> devices;
    /** Per device, the backend bound to it (device 0 is the backend the provider opened). */
    private final PjrtBackend[] views;
    /** The addressable device this object computes on, or -1 where the client has only one. */
    private final int deviceIndex;

    private final Map<String, PjrtExecutable> byText;
    /** Compilations under way, by cache key: a thread that needs one waits for it instead of compiling it again. */
    private final Map<String, CompletableFuture<PjrtExecutable>> compiling;

    private final Map<EagerKey, PjrtExecutable> eager;
    final AtomicLong compiles;
    final AtomicLong fallbacks;
    /** Nanoseconds spent in the plugin's compile (StableHLO parse, XLA passes, code generation). */
    final AtomicLong compileNanos;

    private record EagerKey(Primitive primitive, Params params, List<ArraySpec> inputs, ArraySpec out) {}

    /** Compile options for eager one-primitive modules and for whole programs. */
    private final byte[] eagerOptions;

    private final byte[] programOptions;

    /**
     * {@code quick}: whether eager modules, and whether whole programs, get {@link CompileOptions#QUICK}.
     * Where the client has several devices, every executable is compiled portable and each device's
     * view runs it on its own device, so one compilation serves all devices (a {@code pmap} body
     * compiles once).
     */
    PjrtBackend(PjrtSession session, PjrtClient client, boolean[] quick) {
        this.session = session;
        this.client = client;
        int count = client.deviceCount();
        boolean portable = count > 1;
        this.eagerOptions = options(quick[0], portable);
        this.programOptions = options(quick[1], portable);
        this.byText = lru();
        this.compiling = new ConcurrentHashMap<>();
        this.eager = lru();
        this.compiles = new AtomicLong();
        this.fallbacks = new AtomicLong();
        this.compileNanos = new AtomicLong();
        Device[] ds = new Device[count];
        for (int i = 0; i < count; i++) {
            ds[i] = new Device(
                    NAME,
                    client.deviceKind(),
                    i,
                    session.name + " plugin, " + client.platformName() + ": "
                            + client.deviceDescriptions().get(i));
        }
        this.devices = List.of(ds);
        this.deviceIndex = portable ? 0 : -1;
        this.views = new PjrtBackend[count];
        views[0] = this;
        for (int i = 1; i < count; i++) {
            views[i] = new PjrtBackend(this, i);
        }
    }

    /** The view of {@code base} bound to device {@code index}: same client, caches and counters. */
    private PjrtBackend(PjrtBackend base, int index) {
        this.session = base.session;
        this.client = base.client;
        this.eagerOptions = base.eagerOptions;
        this.programOptions = base.programOptions;
        this.byText = base.byText;
        this.compiling = base.compiling;
        this.eager = base.eager;
        this.compiles = base.compiles;
        this.fallbacks = base.fallbacks;
        this.compileNanos = base.compileNanos;
        this.devices = base.devices;
        this.views = base.views;
        this.deviceIndex = index;
    }

    private static byte[] options(boolean quick, boolean portable) {
        if (portable) {
            return quick ? CompileOptions.PORTABLE_QUICK_BYTES : CompileOptions.PORTABLE_BYTES;
        }
        return quick ? CompileOptions.QUICK_BYTES : CompileOptions.DEFAULT;
    }

    private static <K, V> Map<K, V> lru() {
        return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > CACHE_SIZE;
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Device> devices() {
        return devices;
    }

    @Override
    public Device device() {
        return devices.get(Math.max(0, deviceIndex));
    }

    @Override
    public Backend onDevice(Device device) {
        if (device.backend().equals(NAME) && device.id() >= 0 && device.id() < views.length) {
            return views[device.id()];
        }
        throw new IllegalArgumentException("onDevice: backend '" + NAME + "' has no device " + device
                + "; its devices are " + devices
                + " (with Kiln's XLA:CPU plugin, set -Dkiln.pjrt.devices=N for more)");
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.noneOf(Capability.class);
    }

    @Override
    public boolean implementsNatively(Primitive primitive, DType dtype) {
        return StableHlo.lowers(primitive, dtype) && dtypes().contains(dtype);
    }

    @Override
    public Buffer fromHost(HostBuffer host) {
        return client.fromHost(host, Math.max(0, deviceIndex));
    }

    @Override
    public HostBuffer toHost(Buffer buffer) {
        return switch (buffer) {
            case PjrtBuffer p -> client.toHost(p);
            case HostBuffer h -> h;
            default -> throw new IllegalArgumentException("pjrt: toHost got a buffer of another backend: " + buffer);
        };
    }

    /** {@code b} on this object's device: a buffer on another of the client's devices is copied here. */
    private PjrtBuffer onDevice(Buffer b) {
        return switch (b) {
            case PjrtBuffer p when p.device() == Math.max(0, deviceIndex) -> p;
            case PjrtBuffer p -> client.fromHost(client.toHost(p), Math.max(0, deviceIndex));
            case HostBuffer h -> client.fromHost(h, Math.max(0, deviceIndex));
            default -> throw new IllegalArgumentException("pjrt: got a buffer of another backend: " + b);
        };
    }

    /**
     * The executable for {@code text}, compiled once: threads that need the same module at the same
     * time (the devices of a {@code pmap} running one body) wait for the first one's compilation.
     */
    private PjrtExecutable compiled(String text, byte[] options) {
        String key = options == eagerOptions && options == programOptions
                ? text
                : (options == eagerOptions ? "eager\n" : "program\n") + text;
        PjrtExecutable e = byText.get(key);
        if (e != null) {
            return e;
        }
        CompletableFuture<PjrtExecutable> mine = new CompletableFuture<>();
        CompletableFuture<PjrtExecutable> other = compiling.putIfAbsent(key, mine);
        if (other != null) {
            try {
                return other.join();
            } catch (java.util.concurrent.CompletionException ce) {
                if (ce.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw ce;
            }
        }
        try {
            e = byText.get(key);
            if (e == null) {
                dump(text);
                long t0 = System.nanoTime();
                e = client.compile(text, options);
                compileNanos.addAndGet(System.nanoTime() - t0);
                compiles.incrementAndGet();
                byText.put(key, e);
            }
            mine.complete(e);
            return e;
        } catch (RuntimeException | Error t) {
            mine.completeExceptionally(t);
            throw t;
        } finally {
            compiling.remove(key, mine);
        }
    }

    /** Writes {@code text} into the folder {@code kiln.pjrt.dump-dir} names, if it names one. */
    private void dump(String text) {
        String dir = PjrtProvider.DUMP_DIR.value();
        if (dir != null && !dir.isBlank()) {
            dumpTo(Path.of(dir), compiles.get(), text);
        }
    }

    /** Writes module number {@code n} into {@code dir} as {@code module-<n>.mlir}; returns the file. */
    static Path dumpTo(Path dir, long n, String text) {
        Path file = dir.resolve("module-" + n + ".mlir");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, text);
            return file;
        } catch (IOException ex) {
            throw new UncheckedIOException(
                    "pjrt: cannot write the StableHLO module to " + file + " (-Dkiln.pjrt.dump-dir): " + ex
                            + "; name a folder the process can write, or unset the setting",
                    ex);
        }
    }

    @Override
    public Buffer execute(Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs) {
        List<ArraySpec> specs = new ArrayList<>(inputs.size());
        List<PjrtBuffer> args = new ArrayList<>(inputs.size());
        for (Buffer b : inputs) {
            specs.add(b.spec());
            args.add(onDevice(b));
        }
        EagerKey key = new EagerKey(primitive, params, specs, out);
        PjrtExecutable e = eager.get(key);
        if (e == null) {
            String text;
            try {
                text = StableHlo.primitive(primitive, params, specs, out);
            } catch (StableHlo.Unsupported u) {
                throw new dev.kiln.spi.UnsupportedPrimitiveException(NAME, primitive, u.getMessage());
            }
            e = compiled(text, eagerOptions);
            e.checkOutputs(List.of(out), primitive.printName());
            eager.put(key, e);
        }
        return e.run(args, List.of(out), deviceIndex).get(0);
    }

    @Override
    public Executable compile(Program program) {
        Program decomposed = Lowering.decompose(this, program);
        String text;
        try {
            text = StableHlo.module(decomposed, p -> Lowering.decompose(this, p));
        } catch (StableHlo.Unsupported u) {
            // a primitive StableHLO cannot express here (the tangent part of a customVjp function):
            // Kiln's own compiler runs the program, one primitive module at a time
            fallbacks.incrementAndGet();
            return Lowering.compile(this, program);
        }
        PjrtExecutable e = compiled(text, programOptions);
        List<ArraySpec> outs = program.outputSpecs();
        e.checkOutputs(outs, "the lowered program");
        return arguments -> {
            List<PjrtBuffer> args = new ArrayList<>(arguments.size());
            for (Buffer b : arguments) {
                args.add(onDevice(b));
            }
            return List.copyOf(e.run(args, outs, deviceIndex));
        };
    }

    /** The StableHLO text {@link #compile} hands the plugin for {@code program}. */
    String lower(Program program) {
        return StableHlo.module(Lowering.decompose(this, program), p -> Lowering.decompose(this, p));
    }

    PjrtSession session() {
        return session;
    }
}
