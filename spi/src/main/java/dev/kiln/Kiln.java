package dev.kiln;

import dev.kiln.internal.discovery.BackendRegistry;
import dev.kiln.internal.trace.ArrayInternals;
import dev.kiln.internal.trace.Autodiff;
import dev.kiln.internal.trace.BatchTrace;
import dev.kiln.internal.trace.JvpTrace;
import dev.kiln.internal.trace.Tracer;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Kiln's entry point for choosing backends (and, as the library grows, for transformations).
 *
 * <p>Arrays are created on the <em>current</em> backend: the one set for this thread by {@link
 * #withBackend}, else the process default chosen by the {@code kiln.backend} system property, else
 * the highest-priority available backend. Operations run on the backend of their first operand.
 */
public final class Kiln {
    private static final ThreadLocal<Backend> CURRENT = new ThreadLocal<>();

    private Kiln() {}

    /** A backend provider found on the class path and whether it can be used here. */
    public record BackendInfo(String name, int priority, Availability availability) {}

    /** Every backend provider found, highest priority first, with what its probe said. */
    public static List<BackendInfo> backends() {
        return BackendRegistry.get().entries().stream()
                .map(e -> new BackendInfo(e.name(), e.priority(), e.availability()))
                .toList();
    }

    /** The process-wide default backend. */
    public static Backend defaultBackend() {
        return BackendRegistry.get().defaultBackend();
    }

    /** The backend with this name, opened once per process. */
    public static Backend backend(String name) {
        Objects.requireNonNull(name, "name");
        return BackendRegistry.get().open(name);
    }

    /** The backend new arrays are created on in this thread. */
    public static Backend currentBackend() {
        Backend b = CURRENT.get();
        return b != null ? b : defaultBackend();
    }

    /** Runs {@code body} with {@code backend} as this thread's current backend. */
    public static <T> T withBackend(Backend backend, Supplier<T> body) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(body, "body");
        Backend previous = CURRENT.get();
        CURRENT.set(backend);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Runs {@code body} with the backend of this name as this thread's current backend. */
    public static <T> T withBackend(String name, Supplier<T> body) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        return withBackend(backend(name), body);
    }

    /** The same array's data on another backend (a copy, unless it is already there). */
    public static Array devicePut(Array x, Backend backend) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(backend, "backend");
        return Dispatch.transfer(x, backend);
    }

    /**
     * Every device of every available backend (opening them), or after {@link #distributed()} is
     * initialised, the default backend's devices of every process of the job, process 0's first.
     */
    public static List<Device> devices() {
        List<Device> out = new ArrayList<>();
        for (BackendInfo b : backends()) {
            if (b.availability().available()) {
                out.addAll(devices(b.name()));
            }
        }
        return out;
    }

    /** The devices of one backend (every process's, for the default backend of a distributed job). */
    public static List<Device> devices(String backend) {
        Objects.requireNonNull(backend, "backend");
        List<Device> global = Distributed.globalDevices(backend);
        return global != null ? global : backend(backend).devices();
    }

    /** The same array on {@code device} (a copy, unless it is already there). */
    public static Array devicePut(Array x, Device device) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(device, "device");
        Backend b = Distributed.localBackend(backend(device.backend()), device);
        if (b == null) {
            throw new DeviceException(
                    "devicePut: device " + device + " belongs to process " + device.process() + ", not to this one ("
                            + processIndex() + "); each process can only place arrays on its own devices");
        }
        return Dispatch.transfer(x, b);
    }

    /** The processes of this job ({@code mpirun}); call {@code initialize()} on it to join them. */
    public static Distributed distributed() {
        return Distributed.get();
    }

    /** This process's index in a distributed job (0 when there is none). */
    public static int processIndex() {
        return Distributed.get().processIndex();
    }

    /** The number of processes in a distributed job (1 when there is none). */
    public static int processCount() {
        return Distributed.get().processCount();
    }

    /**
     * Maps {@code f} over axis 0 of every array leaf of its argument with one slice per device of the
     * current backend (see {@link #pmap(Function, PmapOptions)}).
     */
    public static <T, R> Function<T, R> pmap(Function<T, R> f) {
        Objects.requireNonNull(f, "f");
        return pmap(f, new PmapOptions(null, 0, null, 0, null));
    }

    /** {@link #pmap(Function)} with the mapped axis named {@code axisName} for {@link Lax} collectives. */
    public static <T, R> Function<T, R> pmap(Function<T, R> f, String axisName) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(axisName, "axisName");
        return pmap(f, PmapOptions.axisName(axisName));
    }

    /**
     * Maps {@code f} over devices, one slice of the mapped axis per device: {@code f} is traced and
     * compiled once, and the slices run at once, each on its device's thread. Collectives over the
     * axis name ({@link Lax#psum} and the others) exchange data between the devices. The result's
     * mapped outputs are sharded arrays (one buffer per device, see {@link Array#isSharded()}); a later
     * {@code pmap} over the same devices takes them without gathering. An axis longer than the number of
     * devices is an error ({@code -Dkiln.cpu.devices=N} gives cpu-simd N devices). Inside {@code
     * jit}, {@code grad}, {@code jvp}, {@code vjp} or {@code vmap} it stays one {@code pmap} step of
     * the traced program, run over the devices, whose derivative and batched form are {@code pmap}s
     * too. Inside another {@code pmap}'s function it makes a device mesh: each (outer, inner) pair of
     * members runs on a device of its own, so the outer {@code pmap} needs the product of the sizes in
     * devices.
     */
    public static <T, R> Function<T, R> pmap(Function<T, R> f, PmapOptions options) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(options, "options");
        Pmap p = new Pmap(o -> f.apply(uncheckedCast(o)), options);
        return x -> uncheckedCast(p.call(x));
    }

    /** {@link #pmap(Function, PmapOptions)} for two arguments; {@code options}' per-leaf axes cover both, in order. */
    public static <A, B, R> BiFunction<A, B, R> pmap(BiFunction<A, B, R> f, PmapOptions options) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(options, "options");
        Pmap p = new Pmap(
                o -> {
                    Object[] ab = (Object[]) o;
                    return f.apply(uncheckedCast(ab[0]), uncheckedCast(ab[1]));
                },
                options);
        return (a, b) -> uncheckedCast(p.call(new Object[] {a, b}));
    }

    // ---------------------------------------------------------------- transformations

    /** A function's value and its gradient, which has the structure of the differentiated argument. */
    public record ValueAndGrad<T>(Array value, T grad) {}

    /** A function's output and the pull-back that maps output cotangents to input cotangents. */
    public record Vjp<T, R>(R out, Function<R, T> pullback) {}

    /** A function's output and its directional derivative (the tangent has the output's structure). */
    public record Jvp<R>(R out, R tangent) {}

    /** A function's output and its linearisation at the point, a linear function of input tangents. */
    public record Linearized<T, R>(R out, Function<T, R> linear) {}

    /**
     * Compiles {@code f}: it is traced once per argument signature (tree structure, array shapes and
     * dtypes, and the values of non-array arguments, which are static) into a {@link Program} that
     * the backend compiles; later calls with the same signature reuse it. Java side effects in
     * {@code f} happen while it is traced only.
     */
    public static <T, R> Function<T, R> jit(Function<T, R> f) {
        Objects.requireNonNull(f, "f");
        Jitted j = new Jitted(args -> f.apply(uncheckedFirst(args)));
        return x -> uncheckedCast(j.call(new Object[] {x}));
    }

    /** {@link #jit(Function)} for two arguments; either may be a tree, and non-array values are static. */
    public static <A, B, R> BiFunction<A, B, R> jit(BiFunction<A, B, R> f) {
        Objects.requireNonNull(f, "f");
        Jitted j = new Jitted(args -> f.apply(uncheckedCast(args[0]), uncheckedCast(args[1])));
        return (a, b) -> uncheckedCast(j.call(new Object[] {a, b}));
    }

    /**
     * Calls Java code on the values of {@code args} from inside transformed code, as {@code
     * jax.pure_callback}: under {@code jit} the compiled program stops, hands the arguments to
     * {@code callback} as concrete arrays and continues with its results, which must match {@code
     * results} (dtype and shape, one per declared result). Kiln treats the callback as pure: a call
     * whose results are unused may be dropped. It has no derivative ({@code grad} and {@code jvp}
     * refuse it, as JAX does). {@code vmapMethod} says how {@code vmap} batches it, with JAX's
     * names: {@code "sequential"} (one call per batch element), {@code "expand_dims"} (one call with
     * the batch axis first, size 1 on unbatched arguments), {@code "broadcast_all"} (one call, every
     * argument broadcast to the batch); null refuses {@code vmap}.
     */
    public static List<Array> pureCallback(
            Function<List<Array>, List<Array>> callback, List<ArraySpec> results, String vmapMethod, Array... args) {
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(args, "args");
        List<ArraySpec> specs = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            Object r = ((List<?>) results).get(i);
            Objects.requireNonNull(r, "results[" + i + "]");
            if (!(r instanceof ArraySpec spec)) {
                throw new KilnException(
                        "pureCallback: results[" + i + "] is a " + r.getClass().getName()
                                + "; declare each result as an ArraySpec (ArraySpec.of(dtype, shape...), or x.spec())");
            }
            specs.add(spec);
        }
        for (int i = 0; i < args.length; i++) {
            Objects.requireNonNull(args[i], "args[" + i + "]");
        }
        if (vmapMethod != null && !dev.kiln.internal.trace.HostCalls.VMAP_METHODS.contains(vmapMethod)) {
            throw new KilnException("pureCallback: vmapMethod '" + vmapMethod + "' is not one of "
                    + dev.kiln.internal.trace.HostCalls.VMAP_METHODS + " (or null to refuse vmap); pick one of those");
        }
        Function<List<HostBuffer>, List<HostBuffer>> onHost = host -> {
            List<Array> in = new ArrayList<>(host.size());
            for (HostBuffer h : host) {
                in.add(Dispatch.fromHost(h));
            }
            // read what came back as Objects: a callback of the wrong type must get a typed error
            @SuppressWarnings("unchecked")
            Object out = ((Function<Object, Object>) (Function<?, ?>) callback).apply(in);
            if (out == null) {
                return null;
            }
            if (!(out instanceof List<?> list)) {
                throw new KilnException("pureCallback: the callback returned a "
                        + out.getClass().getName()
                        + " where a List<Array> of the declared results was expected; return List.of(...) of arrays");
            }
            List<HostBuffer> hostOut = new ArrayList<>(list.size());
            for (Object o : list) {
                if (o != null && !(o instanceof Array)) {
                    throw new KilnException("pureCallback: the callback returned a list holding a "
                            + o.getClass().getName() + " where arrays were expected; return arrays (Np.array(...))");
                }
                hostOut.add(o == null ? null : ((Array) o).toHost());
            }
            return hostOut;
        };
        String name = callback.getClass().getSimpleName();
        return Lax.bindAll(
                Primitive.PURE_CALLBACK, new Params.HostCall<>(onHost, specs, vmapMethod, name), args.clone());
    }

    /** {@link #pureCallback(Function, List, String, Array...)} for one argument and one result. */
    public static Array pureCallback(Function<Array, Array> callback, ArraySpec result, String vmapMethod, Array arg) {
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(arg, "arg");
        @SuppressWarnings("unchecked")
        Function<Object, Object> untyped = (Function<Object, Object>) (Function<?, ?>) callback;
        return pureCallback(
                        in -> {
                            Object r = untyped.apply(in.get(0));
                            List<Object> one = new ArrayList<>(1);
                            one.add(r);
                            return uncheckedCast(one);
                        },
                        List.of(result),
                        vmapMethod,
                        arg)
                .get(0);
    }

    /**
     * Calls {@code callback} with the concrete values of {@code args} when the program runs, as
     * {@code jax.debug.callback}: from eager code at once, from jitted code each time the compiled
     * program reaches it, under {@code vmap} once per batch element, under {@code grad} with the
     * primal values. It returns nothing and is never dropped as unused.
     */
    public static void debugCallback(java.util.function.Consumer<List<Array>> callback, Array... args) {
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(args, "args");
        for (int i = 0; i < args.length; i++) {
            Objects.requireNonNull(args[i], "args[" + i + "]");
        }
        Function<List<HostBuffer>, List<HostBuffer>> onHost = host -> {
            List<Array> in = new ArrayList<>(host.size());
            for (HostBuffer h : host) {
                in.add(Dispatch.fromHost(h));
            }
            callback.accept(in);
            return List.of();
        };
        Lax.bindAll(
                Primitive.PURE_CALLBACK,
                new Params.HostCall<>(
                        onHost,
                        List.of(),
                        "sequential",
                        "debug:" + callback.getClass().getSimpleName()),
                args.clone());
    }

    /** A replacement field of {@link #debugPrint}'s format: {@code {}} or {@code {i}}. */
    private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile("\\{(\\d*)\\}");

    /**
     * Prints {@code format} with each {@code {}} (or {@code {i}}, the i-th argument) replaced by an
     * argument's values as NumPy prints them ({@code [0. 1. 2.]}), when the program runs, as {@code
     * jax.debug.print}: inside {@code jit}, {@code vmap} (once per batch element) and {@code grad}
     * too. Writes a line to {@code System.out}.
     */
    public static void debugPrint(String format, Array... args) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(args, "args");
        String[] parts = FIELD.split(format, -1);
        java.util.regex.Matcher m = FIELD.matcher(format);
        List<Integer> refs = new ArrayList<>();
        int next = 0;
        boolean automatic = false;
        boolean manual = false;
        while (m.find()) {
            automatic |= m.group(1).isEmpty();
            manual |= !m.group(1).isEmpty();
            if (automatic && manual) {
                throw new KilnException("debugPrint: the format '" + format + "' mixes {} and {i}; use one kind"
                        + " (numbered fields {0} {1}... or automatic ones {} {}...), as Python's format requires");
            }
            int i = m.group(1).isEmpty() ? next++ : Integer.parseInt(m.group(1));
            if (i >= args.length) {
                throw new KilnException("debugPrint: the format '" + format + "' refers to argument " + i + " but "
                        + args.length + " were given; pass one array per {} (or {i} with i < the count)");
            }
            refs.add(i);
        }
        debugCallback(
                values -> {
                    StringBuilder b = new StringBuilder(parts[0]);
                    for (int k = 0; k < refs.size(); k++) {
                        b.append(NumpyFormat.str(values.get(refs.get(k)))).append(parts[k + 1]);
                    }
                    System.out.println(b);
                },
                args);
    }

    /** The program {@code f} traces to for this argument, like {@code jax.make_jaxpr}. */
    public static <T> Function<T, Program> makeProgram(Function<T, ?> f) {
        Objects.requireNonNull(f, "f");
        Jitted j = new Jitted(args -> f.apply(uncheckedFirst(args)));
        return x -> j.program(new Object[] {x});
    }

    /**
     * How {@link #jit} would run {@code f} for this argument: the traced program, then the fused
     * kernels of Kiln's fusion planner (each with its inputs, their specs and index maps, its
     * operations and outputs) and the other steps, in running order. Backends that compile whole
     * programs themselves may run them differently.
     */
    public static <T> Function<T, String> explain(Function<T, ?> f) {
        Objects.requireNonNull(f, "f");
        Function<T, Program> traced = makeProgram(f);
        return x -> dev.kiln.internal.fusion.FusionPlanner.plan(traced.apply(x)).explain();
    }

    /**
     * {@code jax.eval_shape}: the dtype and shape of every output leaf of {@code f} at an argument
     * (in {@link Tree#flatten} order), found by tracing {@code f} once; nothing is computed and the
     * argument's values are never read.
     */
    public static <T> Function<T, List<ArraySpec>> evalShape(Function<T, ?> f) {
        Objects.requireNonNull(f, "f");
        Jitted j = new Jitted(args -> f.apply(uncheckedFirst(args)));
        return x -> {
            Tree.Flat flat = Tree.flatten(new Object[] {x});
            return j.outputSpecs(
                    flat.def(), flat.leaves().stream().map(Array::spec).toList());
        };
    }

    /**
     * {@code jax.eval_shape(f, *specs)} with abstract inputs: the output specs of {@code f} applied to
     * arrays of the given dtypes and shapes, which need not exist (as JAX's {@code
     * ShapeDtypeStruct}s), so the shapes of a large model can be known without allocating it.
     */
    public static List<ArraySpec> evalShape(Function<List<Array>, ?> f, List<ArraySpec> inputs) {
        Objects.requireNonNull(f, "f");
        NullChecks.elements(inputs, "inputs");
        Jitted j = new Jitted(args -> f.apply(uncheckedFirst(args)));
        for (Object spec : inputs) {
            if (!(spec instanceof ArraySpec)) {
                throw new KilnException("evalShape: inputs must be ArraySpecs (a dtype and a shape), got "
                        + Transforms.describe(spec) + "; pass new ArraySpec(dtype, shape), or x.spec() of an array");
            }
        }
        // the structure of one list argument of that many leaves; tracing gives each leaf its spec
        Tree.Def def = Tree.flatten(new Object[] {java.util.Collections.nCopies(inputs.size(), Np.zeros(DType.BOOL))})
                .def();
        return j.outputSpecs(def, List.copyOf(inputs));
    }

    /** A scope opened by {@link #disableJit()}; closing it (once) ends the scope. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final ThreadLocal<int[]> JIT_DISABLED = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * {@code jax.disable_jit()}: until the returned scope is closed, functions wrapped by {@link
     * #jit} run op by op on this thread instead of being traced and compiled, so values inside them
     * are concrete (for debugging). Scopes nest; use with try-with-resources.
     */
    public static Scope disableJit() {
        int[] depth = JIT_DISABLED.get();
        depth[0]++;
        boolean[] closed = new boolean[1];
        return () -> {
            if (!closed[0]) {
                closed[0] = true;
                depth[0]--;
            }
        };
    }

    /** Whether {@link #disableJit()} is in effect on this thread. */
    static boolean jitDisabled() {
        return JIT_DISABLED.get()[0] > 0;
    }

    /** The gradient of a scalar-valued function of one tree (reverse mode). */
    public static <T> Function<T, T> grad(Function<T, Array> f) {
        Objects.requireNonNull(f, "f");
        return x -> Transforms.valueAndGrad("grad", f, x).grad();
    }

    /**
     * {@link #grad(Function)} with options: {@link DiffOption#ALLOW_INT} accepts integer and bool
     * leaves, whose gradients are zeros of their own dtype.
     */
    public static <T> Function<T, T> grad(Function<T, Array> f, DiffOption... options) {
        boolean allowInt = Transforms.allowInt(options);
        return x -> Transforms.valueAndGrad("grad", f, x, 0, allowInt).grad();
    }

    /** The gradient with respect to the first argument of a scalar-valued function of two. */
    public static <A, B> BiFunction<A, B, A> grad(BiFunction<A, B, Array> f) {
        Objects.requireNonNull(f, "f");
        return (a, b) ->
                Transforms.valueAndGrad("grad", (A x) -> f.apply(x, b), a).grad();
    }

    /** The value and the gradient of a scalar-valued function of one tree. */
    public static <T> Function<T, ValueAndGrad<T>> valueAndGrad(Function<T, Array> f) {
        Objects.requireNonNull(f, "f");
        return x -> Transforms.valueAndGrad("valueAndGrad", f, x);
    }

    /** {@link #valueAndGrad(Function)} with options (see {@link DiffOption}). */
    public static <T> Function<T, ValueAndGrad<T>> valueAndGrad(Function<T, Array> f, DiffOption... options) {
        boolean allowInt = Transforms.allowInt(options);
        return x -> Transforms.valueAndGrad("valueAndGrad", f, x, 0, allowInt);
    }

    /** The value and the gradient with respect to the first argument of a function of two. */
    public static <A, B> BiFunction<A, B, ValueAndGrad<A>> valueAndGrad(BiFunction<A, B, Array> f) {
        Objects.requireNonNull(f, "f");
        return (a, b) -> Transforms.valueAndGrad("valueAndGrad", (A x) -> f.apply(x, b), a);
    }

    /** What a function differentiated with an auxiliary output returns: the loss and anything else. */
    public record WithAux<X>(Array value, X aux) {}

    /** Value, gradient and auxiliary output, from {@link #valueAndGradWithAux}. */
    public record ValueAndGradAux<T, X>(Array value, T grad, X aux) {}

    /**
     * Like {@link #valueAndGrad(Function)} for a function that also returns an auxiliary tree (metrics,
     * predictions, new state) that is not differentiated, as JAX's {@code has_aux=True}.
     */
    public static <T, X> Function<T, ValueAndGradAux<T, X>> valueAndGradWithAux(Function<T, WithAux<X>> f) {
        Objects.requireNonNull(f, "f");
        return x -> Transforms.valueAndGradWithAux(f, x);
    }

    /**
     * The gradient of a scalar function of two arguments with respect to the arguments selected by
     * {@code argnums} (0 and/or 1, like JAX's {@code argnums}): for one index a tree shaped like that
     * argument, for both an {@code Object[]} of the two gradients.
     */
    public static <A, B> BiFunction<A, B, Object> grad(BiFunction<A, B, Array> f, int... argnums) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(argnums, "argnums");
        if (argnums.length == 0 || argnums.length > 2) {
            throw new IndexException(
                    "grad: argnums must name argument 0, 1 or both, got " + java.util.Arrays.toString(argnums));
        }
        for (int n : argnums) {
            if (n != 0 && n != 1) {
                throw new IndexException(
                        "grad: argnum " + n + " is out of range for a function of two arguments; use 0 or 1");
            }
        }
        return (a, b) -> {
            Object[] selected = new Object[argnums.length];
            for (int i = 0; i < argnums.length; i++) {
                selected[i] = argnums[i] == 0 ? a : b;
                Transforms.requireRealInputs("grad", Tree.flatten(selected[i]).leaves(), argnums[i], false);
            }
            Object[] g = Transforms.valueAndGrad(
                            "grad",
                            (Object[] sel) -> {
                                Object x = a;
                                Object y = b;
                                for (int i = 0; i < argnums.length; i++) {
                                    if (argnums[i] == 0) {
                                        x = sel[i];
                                    } else {
                                        y = sel[i];
                                    }
                                }
                                return f.apply(uncheckedCast(x), uncheckedCast(y));
                            },
                            selected)
                    .grad();
            return argnums.length == 1 ? g[0] : g;
        };
    }

    /**
     * Forward mode: {@code f(primals)} and its derivative along {@code tangents} (same structure).
     * Integer and bool primals are a {@link DTypeException} (see the overload with options).
     */
    public static <T, R> Jvp<R> jvp(Function<T, R> f, T primals, T tangents) {
        return jvp("jvp", f, primals, tangents, false);
    }

    /**
     * Forward mode: {@code f(primals)} and its derivative along {@code tangents} (same structure).
     * Integer and bool primals are a {@link DTypeException} unless {@link DiffOption#ALLOW_INT} is
     * passed, which holds them constant and ignores their tangents (JAX wants {@code float0}
     * tangents for them).
     */
    public static <T, R> Jvp<R> jvp(Function<T, R> f, T primals, T tangents, DiffOption... options) {
        return jvp("jvp", f, primals, tangents, Transforms.allowInt(options));
    }

    private static <T, R> Jvp<R> jvp(String fn, Function<T, R> f, T primals, T tangents, boolean allowInt) {
        Objects.requireNonNull(f, "f");
        Tree.Flat p = Tree.flatten(primals);
        Tree.Flat t = Tree.flatten(tangents);
        if (!p.def().equals(t.def())) {
            throw new TreeException("jvp: primals and tangents differ in structure: " + p.def() + " vs " + t.def()
                    + "; pass tangents shaped like the primals");
        }
        Transforms.requireRealInputs(fn, p.leaves(), 0, allowInt);
        checkLeaves("jvp", "tangent", "primal", p.leaves(), t.leaves());
        Tree.Def[] outDef = new Tree.Def[1];
        Autodiff.JvpResult r =
                Autodiff.jvp(Transforms.flat(o -> f.apply(uncheckedCast(o)), p.def(), outDef), p.leaves(), t.leaves());
        return new Jvp<>(Tree.unflatten(outDef[0], r.primals()), Tree.unflatten(outDef[0], r.tangents()));
    }

    /** Reverse mode: {@code f(primals)} and the pull-back of output cotangents. */
    public static <T, R> Vjp<T, R> vjp(Function<T, R> f, T primals) {
        Objects.requireNonNull(f, "f");
        Tree.Flat p = Tree.flatten(primals);
        Tree.Def[] outDef = new Tree.Def[1];
        Autodiff.Linearized lin =
                Autodiff.linearize(Transforms.flat(o -> f.apply(uncheckedCast(o)), p.def(), outDef), p.leaves());
        Tree.Def out = outDef[0];
        return new Vjp<>(Tree.unflatten(out, lin.primals()), ct -> {
            Tree.Flat c = Tree.flatten(ct);
            if (!c.def().equals(out)) {
                throw new TreeException("vjp: the cotangent's structure " + c.def() + " differs from the output's "
                        + out + "; pass a cotangent shaped like the output");
            }
            checkLeaves("vjp", "cotangent", "output", lin.primals(), c.leaves());
            return Tree.unflatten(p.def(), lin.transpose(c.leaves()));
        });
    }

    /** {@code f(primals)} and the linear function of input tangents that is its derivative there. */
    public static <T, R> Linearized<T, R> linearize(Function<T, R> f, T primals) {
        Objects.requireNonNull(f, "f");
        Tree.Flat p = Tree.flatten(primals);
        Tree.Def[] outDef = new Tree.Def[1];
        Autodiff.Linearized lin =
                Autodiff.linearize(Transforms.flat(o -> f.apply(uncheckedCast(o)), p.def(), outDef), p.leaves());
        Tree.Def out = outDef[0];
        return new Linearized<>(Tree.unflatten(out, lin.primals()), t -> {
            Tree.Flat tf = Tree.flatten(t);
            if (!tf.def().equals(p.def())) {
                throw new TreeException("linearize: the tangent's structure " + tf.def() + " differs from the primals' "
                        + p.def() + "; pass tangents shaped like the primals");
            }
            checkLeaves("linearize", "tangent", "primal", p.leaves(), tf.leaves());
            return Tree.unflatten(out, lin.apply(tf.leaves()));
        });
    }

    /**
     * The Jacobian by forward mode: shape {@code out.shape + x.shape}. {@code x} must be floating
     * (as in JAX, which has no integer opt-in here: use {@link #jvp} for that).
     */
    public static Function<Array, Array> jacfwd(Function<Array, Array> f) {
        Objects.requireNonNull(f, "f");
        Function<Array, Array> g = arrayValued(f);
        return x -> {
            Objects.requireNonNull(x, "x");
            Transforms.requireRealInputs("jacfwd", List.of(x), 0, false);
            int n = x.size();
            Array basis = Np.reshape(Np.eye(n, n, 0, x.dtype()), concat(new int[] {n}, x.shape()));
            Array cols = vmap((Array t) -> jvp(g, x, t).tangent()).apply(basis);
            // cols: (n, *out) -> (*out, *x.shape)
            Array moved = Np.moveaxis(cols, 0, -1);
            return Np.reshape(moved, concat(dropLast(moved.shape()), x.shape()));
        };
    }

    /** The Jacobian by reverse mode: shape {@code out.shape + x.shape}; {@code x} must be floating. */
    public static Function<Array, Array> jacrev(Function<Array, Array> f) {
        return jacrev(f, new DiffOption[0]);
    }

    /**
     * {@link #jacrev(Function)} with options: {@link DiffOption#ALLOW_INT} accepts an integer or bool
     * {@code x}, whose Jacobian is zeros of its dtype.
     */
    public static Function<Array, Array> jacrev(Function<Array, Array> f, DiffOption... options) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(options, "options");
        boolean allowInt = Transforms.allowInt(options);
        Function<Array, Array> g = arrayValued(f);
        return x -> {
            Objects.requireNonNull(x, "x");
            Transforms.requireRealInputs("jacrev", List.of(x), 0, allowInt);
            Vjp<Array, Array> v = vjp(g, x);
            int m = v.out().size();
            Array basis = Np.reshape(
                    Np.eye(m, m, 0, v.out().dtype()),
                    concat(new int[] {m}, v.out().shape()));
            Array rows = vmap(v.pullback()).apply(basis);
            return Np.reshape(rows, concat(v.out().shape(), x.shape()));
        };
    }

    /** The Hessian of a scalar function: {@code jacfwd(jacrev(f))}. */
    public static Function<Array, Array> hessian(Function<Array, Array> f) {
        Objects.requireNonNull(f, "f");
        Function<Array, Array> h = jacfwd(jacrev(f));
        return x -> {
            Objects.requireNonNull(x, "x");
            Transforms.requireRealInputs("hessian", List.of(x), 0, false);
            return h.apply(x);
        };
    }

    /** {@code f}, checked to return an Array (the Jacobian functions take and return arrays, not trees). */
    private static Function<Array, Array> arrayValued(Function<Array, ?> f) {
        return x -> {
            Object out = f.apply(x);
            if (!(out instanceof Array a)) {
                throw new TreeException("the function must return an Array, got " + Transforms.describe(out)
                        + "; the Jacobian functions take and return single arrays (use jvp or vjp for trees)");
            }
            return a;
        };
    }

    /** Vectorises {@code f} over axis 0 of every array leaf of its argument; outputs are stacked on axis 0. */
    public static <T, R> Function<T, R> vmap(Function<T, R> f) {
        Objects.requireNonNull(f, "f");
        return vmap(f, 0, 0);
    }

    /**
     * Vectorises {@code f} over axis 0 of every array leaf, naming the batch axis {@code axisName} so
     * that {@link Lax} collectives ({@code psum}, {@code allGather}, {@code axisIndex}, …) can treat the
     * batch as the members of a mapped axis, as they would the devices of {@link #pmap}.
     */
    public static <T, R> Function<T, R> vmap(Function<T, R> f, String axisName) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(axisName, "axisName");
        return vmap(f, VmapOptions.axisName(axisName));
    }

    /** Vectorises {@code f} as {@code options} say (axis name, per-leaf input axes, per-leaf output axes). */
    public static <T, R> Function<T, R> vmap(Function<T, R> f, VmapOptions options) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(options, "options");
        return x -> {
            int n = Tree.flatten(x).leaves().size();
            Integer[] axes = options.leafAxes(n, "vmap");
            return uncheckedCast(Transforms.vmap(
                    o -> f.apply(uncheckedCast(o)), x, axes, k -> options.outLeafAxes(k, "vmap"), options.axisName()));
        };
    }

    /**
     * Vectorises {@code f} over axis {@code inAxis} of every array leaf (or none, when {@code
     * inAxis} is null, which only makes sense with the two-argument form); outputs get the batch
     * axis at {@code outAxis}.
     */
    public static <T, R> Function<T, R> vmap(Function<T, R> f, Integer inAxis, int outAxis) {
        Objects.requireNonNull(f, "f");
        return x -> {
            Integer[] axes = new Integer[Tree.flatten(x).leaves().size()];
            java.util.Arrays.fill(axes, inAxis);
            return uncheckedCast(Transforms.vmap(o -> f.apply(uncheckedCast(o)), x, axes, outAxis));
        };
    }

    /**
     * Vectorises {@code f} with a batch axis per array leaf of its argument, in {@link Tree#flatten}
     * order ({@code null} for leaves shared by the whole batch), like a per-leaf {@code in_axes}.
     */
    public static <T, R> Function<T, R> vmap(Function<T, R> f, Integer[] leafAxes, int outAxis) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(leafAxes, "leafAxes");
        return x -> {
            int n = Tree.flatten(x).leaves().size();
            if (leafAxes.length != n) {
                throw new TreeException("vmap: " + leafAxes.length + " in_axes entries for an argument with " + n
                        + " array leaves; give one entry (an axis or null) per leaf, in Tree.flatten order");
            }
            return uncheckedCast(Transforms.vmap(o -> f.apply(uncheckedCast(o)), x, leafAxes.clone(), outAxis));
        };
    }

    /**
     * Vectorises a function of two arguments: {@code inAxisA}/{@code inAxisB} are the batch axes of
     * every array leaf of each argument, or null for an argument that is shared by the whole batch.
     */
    public static <A, B, R> BiFunction<A, B, R> vmap(
            BiFunction<A, B, R> f, Integer inAxisA, Integer inAxisB, int outAxis) {
        Objects.requireNonNull(f, "f");
        return (a, b) -> {
            int na = Tree.flatten(a).leaves().size();
            int nb = Tree.flatten(b).leaves().size();
            Integer[] axes = new Integer[na + nb];
            java.util.Arrays.fill(axes, 0, na, inAxisA);
            java.util.Arrays.fill(axes, na, na + nb, inAxisB);
            Object[] args = {a, b};
            return uncheckedCast(Transforms.vmap(
                    o -> {
                        Object[] ab = (Object[]) o;
                        return f.apply(uncheckedCast(ab[0]), uncheckedCast(ab[1]));
                    },
                    args,
                    axes,
                    outAxis));
        };
    }

    /** {@code f} with derivatives taken from {@code rule} (like {@code jax.custom_jvp}); see {@link CustomDerivatives#customJvp}. */
    public static <T, R> Function<T, R> customJvp(Function<T, R> f, CustomDerivatives.JvpRule<T, R> rule) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(rule, "rule");
        return CustomDerivatives.customJvp(f, rule);
    }

    /** {@code f} with its reverse-mode derivative taken from {@code bwd} (like {@code jax.custom_vjp}); see {@link CustomDerivatives#customVjp}. */
    public static <T, R> Function<T, R> customVjp(
            Function<T, R> f, Function<T, CustomDerivatives.Forward<R>> fwd, BiFunction<Object, R, T> bwd) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(fwd, "fwd");
        Objects.requireNonNull(bwd, "bwd");
        return CustomDerivatives.customVjp(f, fwd, bwd);
    }

    /** {@code f} with its intermediates recomputed in the backward pass (like {@code jax.checkpoint}). */
    public static <T, R> Function<T, R> checkpoint(Function<T, R> f) {
        Objects.requireNonNull(f, "f");
        return CustomDerivatives.checkpoint(f);
    }

    /** {@code x} itself, but treated as a constant by differentiation (its tangent is zero). */
    public static Array stopGradient(Array x) {
        Objects.requireNonNull(x, "x");
        Tracer t = ArrayInternals.get().tracer(x);
        if (t == null) {
            return x;
        }
        if (t instanceof JvpTrace.JvpTracer j) {
            return ((JvpTrace) j.trace()).pack(stopGradient(j.primal()), null);
        }
        if (t instanceof BatchTrace.BatchTracer b) {
            return ((BatchTrace) b.trace()).pack(stopGradient(b.value()), b.batchDim());
        }
        return x;
    }

    /** Each tangent-like leaf must have its primal-like leaf's shape and dtype. */
    private static void checkLeaves(String fn, String what, String against, List<Array> primals, List<Array> others) {
        for (int i = 0; i < primals.size(); i++) {
            Array p = primals.get(i);
            Array o = others.get(i);
            if (!java.util.Arrays.equals(p.shape(), o.shape())) {
                throw new ShapeException(fn + ": " + what + " " + i + " has shape " + Shape.toString(o.shape())
                        + " but its " + against + " has shape " + Shape.toString(p.shape()) + "; pass a " + what
                        + " shaped like the " + against);
            }
            if (p.dtype() != o.dtype() && p.dtype().isFloating()) {
                throw new DTypeException(fn + ": " + what + " " + i + " is " + o.dtype() + " but its " + against
                        + " is " + p.dtype() + "; pass a " + what + " of the " + against + "'s dtype");
            }
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[] dropLast(int[] a) {
        return java.util.Arrays.copyOf(a, a.length - 1);
    }

    @SuppressWarnings("unchecked")
    private static <T> T uncheckedCast(Object o) {
        return (T) o;
    }

    @SuppressWarnings("unchecked")
    private static <T> T uncheckedFirst(Object[] args) {
        return (T) args[0];
    }
}
