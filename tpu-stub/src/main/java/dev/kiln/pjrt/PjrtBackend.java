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
    private final Map<String, PjrtExecutable> byText = lru();
    private final Map<EagerKey, PjrtExecutable> eager = lru();
    final AtomicLong compiles = new AtomicLong();
    final AtomicLong fallbacks = new AtomicLong();
    /** Nanoseconds spent in the plugin's compile (StableHLO parse, XLA passes, code generation). */
    final AtomicLong compileNanos = new AtomicLong();

    private record EagerKey(Primitive primitive, Params params, List<ArraySpec> inputs, ArraySpec out) {}

    /** Compile options for eager one-primitive modules and for whole programs. */
    private final byte[] eagerOptions;

    private final byte[] programOptions;

    /** {@code quick}: whether eager modules, and whether whole programs, get {@link CompileOptions#QUICK}. */
    PjrtBackend(PjrtSession session, boolean[] quick) {
        this.session = session;
        this.eagerOptions = quick[0] ? CompileOptions.QUICK_BYTES : CompileOptions.DEFAULT;
        this.programOptions = quick[1] ? CompileOptions.QUICK_BYTES : CompileOptions.DEFAULT;
        this.client = session.client();
        this.devices = List.of(new Device(
                NAME,
                client.deviceKind(),
                0,
                session.name + " plugin, " + client.platformName() + ": "
                        + client.deviceDescriptions().get(0)));
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
    public Set<Capability> capabilities() {
        return EnumSet.noneOf(Capability.class);
    }

    @Override
    public boolean implementsNatively(Primitive primitive, DType dtype) {
        return StableHlo.lowers(primitive, dtype) && dtypes().contains(dtype);
    }

    @Override
    public Buffer fromHost(HostBuffer host) {
        return client.fromHost(host);
    }

    @Override
    public HostBuffer toHost(Buffer buffer) {
        return switch (buffer) {
            case PjrtBuffer p -> client.toHost(p);
            case HostBuffer h -> h;
            default -> throw new IllegalArgumentException("pjrt: toHost got a buffer of another backend: " + buffer);
        };
    }

    private PjrtBuffer onDevice(Buffer b) {
        return switch (b) {
            case PjrtBuffer p -> p;
            case HostBuffer h -> client.fromHost(h);
            default -> throw new IllegalArgumentException("pjrt: got a buffer of another backend: " + b);
        };
    }

    private PjrtExecutable compiled(String text, byte[] options) {
        String key = options == CompileOptions.DEFAULT ? text : "quick\n" + text;
        PjrtExecutable e = byText.get(key);
        if (e == null) {
            dump(text);
            long t0 = System.nanoTime();
            e = client.compile(text, options);
            compileNanos.addAndGet(System.nanoTime() - t0);
            compiles.incrementAndGet();
            byText.put(key, e);
        }
        return e;
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
        return e.run(args, List.of(out)).get(0);
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
            return List.copyOf(e.run(args, outs));
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
