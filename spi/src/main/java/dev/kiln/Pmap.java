package dev.kiln;

import dev.kiln.internal.parallel.AxisEnv;
import dev.kiln.internal.parallel.DeviceRuns;
import dev.kiln.internal.parallel.Group;
import dev.kiln.internal.parallel.MemberThreads;
import dev.kiln.internal.parallel.Mesh;
import dev.kiln.internal.parallel.PmapCalls;
import dev.kiln.internal.parallel.Running;
import dev.kiln.internal.trace.ControlFlow;
import dev.kiln.internal.trace.ProgramVerifier;
import dev.kiln.internal.trace.StagingTrace;
import dev.kiln.internal.trace.TraceStack;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Communicator;
import dev.kiln.spi.Device;
import dev.kiln.spi.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@code pmap}: the function is traced once for one slice, compiled once by the backend, and run on
 * each device's own thread with that device's slice; collectives in it meet through the axis's {@link
 * Communicator}. Inside another transformation ({@code jit}, {@code grad}, {@code jvp}, {@code vmap}) it
 * is one {@link Primitive#PMAP} equation holding the traced body (JAX's {@code xla_pmap}): the
 * transformation's rules make new {@code pmap}s of the transformed body ({@code PmapRules}), and when
 * the equation runs (eagerly, or as a step of a compiled program) {@link #runEquation} splits its
 * operands over the devices again. A {@code pmap} inside another {@code pmap}'s body is such an
 * equation too, and the two make a device mesh ({@link Mesh}): the outer {@code pmap} takes
 * size × (devices each of its members needs) devices, and each (outer, inner) pair of members runs
 * on a device of its own.
 */
final class Pmap {
    private record Key(Tree.Def structure, List<ArraySpec> specs, List<Device> devices, Backend backend) {}

    /** {@code donatable}: per input, whether its only use is one psum, pmax or pmin (so it may be reduced in place). */
    private record Compiled(
            Program program,
            List<Array> constants,
            Tree.Def outStructure,
            Executable executable,
            boolean[] donatable,
            int replicas,
            boolean nests) {}

    private static final AtomicInteger UNNAMED = new AtomicInteger();
    /** How deep this thread is in tracing pmap bodies: an inner pmap's equation takes its devices from the mesh. */
    private static final ThreadLocal<int[]> BODY_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    /** A pmap equation's body compiled, and the devices each of its members needs (see {@link #replicas}). */
    private record Body(Executable executable, int replicas, boolean nests) {}

    /** Bodies of pmap equations compiled for a device-0 backend, by identity, the most recent kept. */
    private static final java.util.Map<BodyKey, Body> BODIES =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<BodyKey, Body> eldest) {
                    return size() > 64;
                }
            });

    private record BodyKey(Program body, Backend backend) {
        @Override
        public boolean equals(Object o) {
            return o instanceof BodyKey k && k.body == body && k.backend == backend;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(body) * 31 + System.identityHashCode(backend);
        }
    }

    static {
        PmapCalls.install(new PmapCalls() {
            @Override
            public List<Array> run(Params.Pmap params, List<Array> operands) {
                return runEquation(params, operands);
            }
        });
    }

    private final Function<Object, Object> body;
    private final PmapOptions options;
    /** The axis name collectives and the derivative rules use: the user's, or one made for this pmap. */
    private final String axis;

    private final ConcurrentHashMap<Key, Compiled> cache = new ConcurrentHashMap<>();
    private final AtomicInteger traces = new AtomicInteger();

    Pmap(Function<Object, Object> body, PmapOptions options) {
        this.body = body;
        this.options = options;
        this.axis = options.axisName() != null ? options.axisName() : "pmap#" + UNNAMED.incrementAndGet();
    }

    int traceCount() {
        return traces.get();
    }

    Object call(Object args) {
        Distributed.checkJoined("pmap");
        Tree.Flat flat = Tree.flatten(args);
        Integer[] inAxes = options.leafAxes(flat.leaves().size());
        int n = mappedSize(flat, inAxes);
        boolean traced = TraceStack.dynamic() != null;
        for (Array leaf : flat.leaves()) {
            traced |= leaf.isTraced();
        }
        boolean nested = traced && BODY_DEPTH.get()[0] > 0;
        Backend backend = options.devices() != null && !options.devices().isEmpty()
                ? Kiln.backend(options.devices().get(0).backend())
                : Kiln.currentBackend();
        if (options.axisSize() != null && options.axisSize() != n) {
            throw new ShapeException(
                    "pmap: axis_size " + options.axisSize() + " was given but the mapped axis has length " + n
                            + "; give the mapped length, or leave axis_size out");
        }
        if (nested && options.devices() != null) {
            throw new DeviceException("pmap: an inner pmap (one inside another pmap's function) cannot choose its"
                    + " devices; its members run on the devices the outer pmap set aside for them, so give the"
                    + " devices to the outermost pmap only");
        }
        List<Device> devices = chooseDevices(n, 1, backend);
        if (traced) {
            return staged(flat, inAxes, n, backend, devices, nested);
        }
        Backend base = backend.onDevice(devices.get(0));
        List<ArraySpec> specs = new ArrayList<>();
        List<Array> leaves = new ArrayList<>(flat.leaves().size());
        Integer[] sliced = inAxes.clone(); // every mapped leaf's axis moved to 0
        for (int k = 0; k < flat.leaves().size(); k++) {
            Array leaf = flat.leaves().get(k);
            Integer ax = inAxes[k];
            if (ax == null) {
                specs.add(leaf.spec());
                leaves.add(leaf);
                continue;
            }
            specs.add(leaf.spec().withShape(dropAxis(leaf.shape(), ax)));
            leaves.add(ax == 0 ? leaf : Np.moveaxis(leaf, ax, 0));
            sliced[k] = 0;
        }
        Key key = new Key(flat.def(), specs, devices, base);
        Compiled c = cache.computeIfAbsent(key, kk -> trace(flat, specs, n, base));
        if (c.constants().stream().anyMatch(Array::isTraced)) {
            // the function closes over values of an enclosing transformation (grad of a closure, say):
            // bind a pmap equation, whose rules carry those values, and do not keep the program, since
            // they change per call
            cache.remove(key);
            return staged(flat, inAxes, n, backend, devices, false);
        }
        if (c.nests()) {
            devices = chooseDevices(n, c.replicas(), backend);
        }
        Integer[] outAxes = options.outLeafAxes(c.program().outputs().size());
        boolean[] outMapped = new boolean[outAxes.length];
        for (int k = 0; k < outMapped.length; k++) {
            outMapped[k] = outAxes[k] != null;
        }
        boolean[] donated = null;
        if (options.donated()) {
            // only a mapped leaf's slice is the device's own; one every device shares is never overwritten
            donated = c.donatable().clone();
            for (int k = 0; k < donated.length; k++) {
                donated[k] &= sliced[k] != null;
            }
        }
        List<Array> outs = execute(
                c.executable(),
                c.constants(),
                leaves,
                sliced,
                outMapped,
                devices,
                c.replicas(),
                c.nests(),
                base,
                axis,
                donated);
        List<Array> logical = new ArrayList<>(outs.size());
        for (int k = 0; k < outs.size(); k++) {
            logical.add(Narrow.relabel(
                    outs.get(k), c.program().outputs().get(k).spec().dtype()));
        }
        return Tree.unflatten(c.outStructure(), placeOutputs(logical, outAxes));
    }

    /** The outputs with the mapped axis moved from 0 to each one's {@code out_axes} entry (null: not mapped). */
    private static List<Array> placeOutputs(List<Array> outs, Integer[] outAxes) {
        List<Array> placed = new ArrayList<>(outs.size());
        for (int k = 0; k < outs.size(); k++) {
            Array a = outs.get(k);
            if (outAxes[k] == null) {
                placed.add(a);
                continue;
            }
            int ax = Shape.axis("pmap out_axes", outAxes[k], a.ndim());
            placed.add(ax == 0 ? a : Np.moveaxis(a, 0, ax));
        }
        return placed;
    }

    /**
     * Inside {@code jit}, {@code grad}, {@code jvp} or {@code vmap}: traces the body into a closed
     * program and binds one {@code pmap} equation, so the enclosing transformation keeps it whole (its
     * rules make a {@code pmap} of the transformed body) and it runs over the devices when executed.
     */
    private Object staged(
            Tree.Flat flat, Integer[] inAxes, int n, Backend backend, List<Device> devices, boolean nested) {
        List<Array> operands = new ArrayList<>();
        List<ArraySpec> specs = new ArrayList<>();
        List<Integer> axes = new ArrayList<>();
        for (int k = 0; k < flat.leaves().size(); k++) {
            Array leaf = flat.leaves().get(k);
            Integer ax = inAxes[k];
            if (ax == null) {
                operands.add(leaf);
                specs.add(leaf.spec());
                axes.add(-1);
            } else {
                operands.add(ax == 0 ? leaf : Np.moveaxis(leaf, ax, 0));
                specs.add(leaf.spec().withShape(dropAxis(leaf.shape(), ax)));
                axes.add(0);
            }
        }
        Backend base = backend.onDevice(devices.get(0));
        Tree.Def[] outDef = new Tree.Def[1];
        traces.incrementAndGet();
        ControlFlow.Closed c = ControlFlow.trace(
                in -> {
                    AxisEnv.Frame frame = AxisEnv.push(axis, n, null);
                    BODY_DEPTH.get()[0]++;
                    try {
                        Object tracedArgs = Tree.unflatten(flat.def(), in);
                        Tree.Flat out = Tree.flatten(Kiln.withBackend(base, () -> body.apply(tracedArgs)));
                        outDef[0] = out.def();
                        return out.leaves();
                    } finally {
                        BODY_DEPTH.get()[0]--;
                        AxisEnv.pop(frame);
                    }
                },
                specs,
                "pmap");
        Program program = ProgramVerifier.checked(c.program(), "pmap tracing");
        int replicas = replicas(program);
        if (!nested && nests(program)) {
            devices = chooseDevices(n, replicas, backend);
        }
        int[] inAx = new int[c.constants().size() + axes.size()];
        java.util.Arrays.fill(inAx, -1);
        for (int k = 0; k < axes.size(); k++) {
            inAx[c.constants().size() + k] = axes.get(k);
        }
        Integer[] outAxes = options.outLeafAxes(program.outputs().size());
        int[] outAx = new int[outAxes.length];
        for (int k = 0; k < outAx.length; k++) {
            outAx[k] = outAxes[k] == null ? -1 : 0;
        }
        Params.Pmap params = new Params.Pmap(
                program,
                axis,
                n,
                Ints.of(inAx),
                Ints.of(outAx),
                backend.name(),
                nested ? Ints.of() : positions(backend, devices));
        List<Array> args = new ArrayList<>(c.constants());
        args.addAll(operands);
        List<Array> outs = Lax.bindAll(Primitive.PMAP, params, args.toArray(Array[]::new));
        return Tree.unflatten(outDef[0], placeOutputs(outs, outAxes));
    }

    /** The devices as positions in the backend's device list; empty for its first {@code devices.size()}. */
    private static Ints positions(Backend backend, List<Device> devices) {
        List<Device> all = Kiln.devices(backend.name());
        int[] pos = new int[devices.size()];
        boolean first = true;
        for (int i = 0; i < pos.length; i++) {
            pos[i] = all.indexOf(devices.get(i));
            if (pos[i] < 0) {
                throw new DeviceException("pmap: device " + devices.get(i) + " is not one of backend '" + backend.name()
                        + "''s devices " + all + "; choose devices from Kiln.devices(\"" + backend.name() + "\")");
            }
            first &= pos[i] == i;
        }
        return first ? Ints.of() : Ints.of(pos);
    }

    /** Runs a {@code pmap} equation on concrete operands: the runtime behind {@link PmapCalls}. */
    static List<Array> runEquation(Params.Pmap p, List<Array> operands) {
        Mesh.Place place = Mesh.current();
        boolean inner = place != null && p.devices().isEmpty();
        List<Device> devices;
        int replicas;
        Backend first;
        Body compiled;
        if (inner) {
            // a pmap inside another's body: its members take the parts of this member's block of devices
            first = Kiln.backend(p.backend()).onDevice(place.block().get(0));
            compiled = body(p, first);
            replicas = compiled.replicas();
            if (p.size() * replicas > place.block().size()) {
                throw new IllegalStateException("pmap: an inner pmap of " + p.size() + " members needing " + replicas
                        + " devices each runs in a block of " + place.block().size() + " devices");
            }
            devices = null;
        } else {
            List<Device> all = Kiln.devices(p.backend());
            first = Kiln.backend(p.backend())
                    .onDevice(all.get(p.devices().isEmpty() ? 0 : p.devices().get(0)));
            compiled = body(p, first);
            replicas = compiled.replicas();
            int count = p.size() * replicas;
            if (count > all.size()) {
                throw tooFew(p.size(), replicas, all, p.backend());
            }
            if (!p.devices().isEmpty() && p.devices().size() < count) {
                throw new DeviceException(
                        "pmap: the program's pmap step names " + p.devices().size() + " devices but its " + p.size()
                                + " members need " + count + "; trace it again");
            }
            devices = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int at = p.devices().isEmpty() ? i : p.devices().get(i);
                if (at >= all.size()) {
                    throw new DeviceException("pmap: the program maps an axis of length " + p.size() + " over device "
                            + at + " of backend '" + p.backend() + "', which has only " + all.size() + " devices "
                            + all + "; run it where that many devices are available");
                }
                devices.add(all.get(at));
            }
        }
        Executable exe = compiled.executable();
        Integer[] inAxes = new Integer[operands.size()];
        for (int i = 0; i < inAxes.length; i++) {
            inAxes[i] = p.inAxes().get(i) == 0 ? 0 : null;
        }
        boolean[] outMapped = new boolean[p.outAxes().size()];
        for (int j = 0; j < outMapped.length; j++) {
            outMapped[j] = p.outAxes().get(j) == 0;
        }
        if (inner) {
            Mesh.Inner in = place.startInner(p.axisName(), p.size(), replicas);
            List<Device> own = new ArrayList<>(p.size());
            for (Mesh.Place q : in.places()) {
                own.add(q.block().get(0));
            }
            return execute(exe, List.of(), operands, inAxes, outMapped, own, null, in, first, p.axisName(), null);
        }
        return execute(
                exe,
                List.of(),
                operands,
                inAxes,
                outMapped,
                devices,
                replicas,
                compiled.nests(),
                first,
                p.axisName(),
                null);
    }

    /** The body of {@code p} compiled for {@code base}, kept by identity. */
    private static Body body(Params.Pmap p, Backend base) {
        return BODIES.computeIfAbsent(
                new BodyKey(p.body(), base),
                k -> new Body(base.compile(Narrow.widen(p.body())), replicas(p.body()), nests(p.body())));
    }

    /**
     * How many devices one member of a pmap whose body is {@code p} needs: 1, or for a body holding
     * pmaps, the most any of them needs (its size times what each of its members needs), as those run one
     * after another on the member's block of devices.
     */
    static int replicas(Program p) {
        int r = 1;
        for (dev.kiln.ir.Eqn e : p.eqns()) {
            switch (e.params()) {
                case Params.Pmap q -> r = Math.max(r, q.size() * replicas(q.body()));
                case Params.Cond c -> {
                    for (Program b : c.branches()) {
                        r = Math.max(r, replicas(b));
                    }
                }
                case Params.While w -> r = Math.max(r, Math.max(replicas(w.cond()), replicas(w.body())));
                case Params.Scan sc -> r = Math.max(r, replicas(sc.body()));
                default -> {}
            }
        }
        return r;
    }

    /** Whether {@code p} holds a pmap (in it or in a loop or branch of it). */
    static boolean nests(Program p) {
        for (dev.kiln.ir.Eqn e : p.eqns()) {
            boolean inside =
                    switch (e.params()) {
                        case Params.Pmap q -> true;
                        case Params.Cond c -> c.branches().stream().anyMatch(Pmap::nests);
                        case Params.While w -> nests(w.cond()) || nests(w.body());
                        case Params.Scan sc -> nests(sc.body());
                        default -> false;
                    };
            if (inside) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code exe} over {@code devices}: one per member, or when members hold pmaps ({@code nests}) a block
     * of {@code replicas} per member (the member runs on the first; the pmaps in its body take parts of the
     * block), as a {@link Mesh}.
     */
    private static List<Array> execute(
            Executable exe,
            List<Array> constants,
            List<Array> leaves,
            Integer[] inAxes,
            boolean[] outMapped,
            List<Device> devices,
            int replicas,
            boolean nests,
            Backend base,
            String axisName,
            boolean[] donated) {
        if (!nests) {
            return execute(exe, constants, leaves, inAxes, outMapped, devices, null, null, base, axisName, donated);
        }
        int n = devices.size() / replicas;
        List<Device> own = new ArrayList<>(n);
        for (int o = 0; o < n; o++) {
            own.add(devices.get(o * replicas));
        }
        return execute(exe, constants, leaves, inAxes, outMapped, own, devices, null, base, axisName, donated);
    }

    /**
     * Slices the mapped leaves (axis 0) over the devices, runs {@code exe} on every local device at
     * once, and returns the outputs: a mapped one as a sharded array, an unmapped one as this process's
     * first device's result. {@code mesh}: for an outermost pmap whose members hold pmaps, every device
     * of the mesh (a block per member, whose first is the member's own in {@code devices}); {@code inner}:
     * for a pmap inside another's body, its members' places. Both null otherwise.
     */
    private static List<Array> execute(
            Executable exe,
            List<Array> constants,
            List<Array> leaves,
            Integer[] inAxes,
            boolean[] outMapped,
            List<Device> devices,
            List<Device> mesh,
            Mesh.Inner inner,
            Backend base,
            String axisName,
            boolean[] donated) {
        int n = devices.size();
        List<Backend> views = new ArrayList<>(n);
        for (Device d : devices) {
            views.add(Distributed.localBackend(base, d));
        }
        // every device's slice of every leaf
        List<List<Array>> slices = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            slices.add(new ArrayList<>());
        }
        for (int k = 0; k < leaves.size(); k++) {
            Array leaf = leaves.get(k);
            if (inAxes[k] == null) {
                for (int i = 0; i < n; i++) {
                    slices.get(i).add(views.get(i) == null ? null : Kiln.devicePut(leaf, views.get(i)));
                }
                continue;
            }
            if (leaf.isSharded() && ownShardsOn(leaf, devices, views)) {
                for (int i = 0; i < n; i++) {
                    slices.get(i)
                            .add(views.get(i) == null ? null : leaf.shards().get(i));
                }
                continue;
            }
            if (!leaf.isSharded() && leaf.buffer() instanceof dev.kiln.spi.HostBuffer h) {
                // the data is in host memory already: each device's slice is one contiguous copy, with no
                // operation dispatched per slice
                int[] one = dropAxis(leaf.shape(), 0);
                ArraySpec sliceSpec = Narrow.storage(leaf.spec()).withShape(one);
                int len = sliceSpec.size();
                for (int i = 0; i < n; i++) {
                    if (views.get(i) == null) {
                        slices.get(i).add(null);
                        continue;
                    }
                    dev.kiln.spi.HostBuffer part = dev.kiln.spi.HostBuffer.allocate(sliceSpec);
                    System.arraycopy(h.data(), i * len, part.data(), 0, len);
                    slices.get(i).add(new Array(views.get(i), views.get(i).fromHost(part)));
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                if (views.get(i) == null) {
                    slices.get(i).add(null); // another process's device: that process computes this slice
                    continue;
                }
                Array s = Np.take(leaf, Np.array(new int[] {i}), 0, "clip").reshape(dropAxis(leaf.shape(), 0));
                slices.get(i).add(Kiln.devicePut(s, views.get(i)));
            }
        }
        boolean anyMapped = false;
        for (boolean m : outMapped) {
            anyMapped |= m;
        }
        List<List<Buffer>> outs =
                run(exe, constants, slices, views, devices, mesh, inner, n, base, axisName, anyMapped, donated);
        List<Array> result = new ArrayList<>();
        for (int k = 0; k < outMapped.length; k++) {
            List<Array> shards = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                shards.add(new Array(
                        views.get(i) != null ? views.get(i) : base, outs.get(i).get(k)));
            }
            if (!outMapped[k]) {
                result.add(shards.get(firstLocal(views)));
                continue;
            }
            ArraySpec one = shards.get(0).spec();
            int[] shape = new int[one.rank() + 1];
            shape[0] = n;
            System.arraycopy(one.shape(), 0, shape, 1, one.rank());
            result.add(new Array(shards, one.withShape(shape)));
        }
        return result;
    }

    private int mappedSize(Tree.Flat flat, Integer[] inAxes) {
        int size = -1;
        for (int i = 0; i < inAxes.length; i++) {
            if (inAxes[i] == null) {
                continue;
            }
            Array leaf = flat.leaves().get(i);
            int ax = Shape.axis("pmap in_axes", inAxes[i], leaf.ndim());
            inAxes[i] = ax;
            if (size >= 0 && leaf.shape()[ax] != size) {
                throw new ShapeException("pmap: mapped arguments have different sizes along their mapped axes (" + size
                        + " and " + leaf.shape()[ax] + "); every mapped axis must have the same length");
            }
            size = leaf.shape()[ax];
        }
        if (size < 0) {
            throw new TreeException("pmap: no argument is mapped (every in_axes entry is null); map at least one");
        }
        if (size == 0) {
            throw new ShapeException("pmap: the mapped axis has length 0; pmap needs at least one slice");
        }
        return size;
    }

    /**
     * The first {@code n × replicas} of the chosen devices (the backend's by default): one per member, or a
     * block of {@code replicas} per member when members hold pmaps. As JAX, devices beyond those are not used.
     */
    private List<Device> chooseDevices(int n, int replicas, Backend backend) {
        List<Device> all = options.devices() != null ? options.devices() : Kiln.devices(backend.name());
        if ((long) n * replicas > all.size()) {
            throw tooFew(n, replicas, all, options.devices() != null ? null : backend.name());
        }
        return List.copyOf(all.subList(0, n * replicas));
    }

    /** Too few devices for {@code n} members needing {@code replicas} each; {@code backend} null: the caller chose them. */
    private static DeviceException tooFew(int n, int replicas, List<Device> all, String backend) {
        String have = "only " + all.size() + " device" + (all.size() == 1 ? " is" : "s are")
                + (backend == null ? " chosen" : " available") + " (" + all + ")";
        String more = backend == null
                ? "choose more devices"
                : "give more devices (cpu-simd: -Dkiln.cpu.devices=" + (n * replicas)
                        + "; several processes: mpirun with Kiln.distributed().initialize())";
        if (replicas == 1) {
            return new DeviceException("pmap: the mapped axis has length " + n + " but " + have
                    + "; map an axis of at most " + all.size() + ", or " + more);
        }
        return new DeviceException("pmap: nested pmaps need a device for every pair of members: the outer axis has"
                + " length " + n + " and its members' inner pmaps need " + replicas + " devices each, " + n + " × "
                + replicas + " = " + (n * replicas) + ", but " + have + "; make the product at most " + all.size()
                + ", or " + more);
    }

    /**
     * Whether {@code a} is sharded over {@code devices} as far as this process can tell: one shard per
     * device, and each of this process's devices holding its own. (Shards of other processes' devices
     * are copies held here, and are not read: those processes compute their slices.)
     */
    private static boolean ownShardsOn(Array a, List<Device> devices, List<Backend> views) {
        if (a.shards().size() != devices.size()) {
            return false;
        }
        for (int i = 0; i < devices.size(); i++) {
            if (views.get(i) != null
                    && !Distributed.globalDevice(a.shards().get(i).device()).equals(devices.get(i))) {
                return false;
            }
        }
        return true;
    }

    private Compiled trace(Tree.Flat flat, List<ArraySpec> specs, int n, Backend base) {
        traces.incrementAndGet();
        StagingTrace staging = TraceStack.push(level -> new StagingTrace(level, "pmap", true));
        AxisEnv.Frame frame = AxisEnv.push(axis, n, null);
        BODY_DEPTH.get()[0]++;
        Tree.Flat outFlat;
        try {
            List<Array> inputs = new ArrayList<>(specs.size());
            for (ArraySpec s : specs) {
                inputs.add(staging.newInput(s));
            }
            Object tracedArgs = Tree.unflatten(flat.def(), inputs);
            outFlat = Tree.flatten(Kiln.withBackend(base, () -> body.apply(tracedArgs)));
        } finally {
            BODY_DEPTH.get()[0]--;
            AxisEnv.pop(frame);
            TraceStack.pop(staging);
        }
        Program p = ProgramVerifier.checked(staging.build(outFlat.leaves()), "pmap tracing");
        return new Compiled(
                p,
                staging.constants(),
                outFlat.def(),
                base.compile(Narrow.widen(p)),
                donatable(p),
                replicas(p),
                nests(p));
    }

    /** Per input of {@code p}: read by exactly one equation, a psum, pmax or pmin, and not an output. */
    private static boolean[] donatable(Program p) {
        java.util.Map<dev.kiln.ir.Var, Integer> uses = new java.util.IdentityHashMap<>();
        java.util.Set<dev.kiln.ir.Var> reduced = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (dev.kiln.ir.Eqn e : p.eqns()) {
            for (dev.kiln.ir.Atom a : e.inputs()) {
                if (a instanceof dev.kiln.ir.Var v) {
                    uses.merge(v, 1, Integer::sum);
                    if (e.primitive() == Primitive.PSUM
                            || e.primitive() == Primitive.PMAX
                            || e.primitive() == Primitive.PMIN) {
                        reduced.add(v);
                    }
                }
            }
        }
        for (dev.kiln.ir.Atom a : p.outputs()) {
            if (a instanceof dev.kiln.ir.Var v) {
                uses.merge(v, 2, Integer::sum);
            }
        }
        boolean[] out = new boolean[p.inputs().size()];
        for (int i = 0; i < out.length; i++) {
            dev.kiln.ir.Var v = p.inputs().get(i);
            out[i] = uses.getOrDefault(v, 0) == 1 && reduced.contains(v);
        }
        return out;
    }

    /** Runs the program on every local device's thread at once; the first failure is rethrown. */
    private static List<List<Buffer>> run(
            Executable exe,
            List<Array> constants,
            List<List<Array>> slices,
            List<Backend> views,
            List<Device> devices,
            List<Device> mesh,
            Mesh.Inner inner,
            int n,
            Backend base,
            String axisName,
            boolean anyMapped,
            boolean[] donated) {
        Group group = inner != null ? new InnerGroup(inner.scope().root(), n) : Distributed.group(devices, axisName);
        List<Integer> local = group.localIndices();
        List<Mesh.Place> places = null;
        if (inner != null) {
            places = inner.places();
        } else if (mesh != null) {
            if (local.size() != n) {
                throw new DeviceException("pmap: nested pmaps over the devices of several processes are not supported;"
                        + " run the nested pmaps within one process (its devices: -Dkiln.cpu.devices=N), or map"
                        + " one axis across processes and the other with vmap");
            }
            Mesh.Root root = new Mesh.Root(() -> group.abort(-1, new KilnException("pmap: a device failed")));
            Mesh.Scope scope = Mesh.Scope.outermost(root, axisName == null ? "" : axisName, n);
            int per = mesh.size() / n;
            places = new ArrayList<>(n);
            for (int o = 0; o < n; o++) {
                places.add(new Mesh.Place(scope, new int[] {o}, mesh.subList(o * per, (o + 1) * per)));
            }
        }
        List<java.util.concurrent.Callable<List<Buffer>>> work = new ArrayList<>();
        List<List<Buffer>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(null);
        }
        for (int i : local) {
            Backend view = views.get(i);
            List<Buffer> in = new ArrayList<>();
            for (Array a : constants) {
                in.add(Kiln.devicePut(a, view).buffer());
            }
            for (Array a : slices.get(i)) {
                in.add(Kiln.devicePut(a, view).buffer());
            }
            java.util.Set<Object> mine = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            if (donated != null) {
                java.util.Map<Object, Integer> seen = new java.util.IdentityHashMap<>();
                in.forEach(b -> seen.merge(b, 1, Integer::sum));
                for (int k = 0; k < donated.length; k++) {
                    Buffer b = in.get(constants.size() + k);
                    if (donated[k] && seen.get(b) == 1) { // a buffer passed twice is read twice
                        mine.add(b);
                    }
                }
            }
            Device device = view.device();
            String name = axisName == null ? "" : axisName;
            int rank = i;
            java.util.function.Supplier<List<Buffer>> body = () -> base.runOn(device, () -> {
                DeviceRuns.record(devices.get(rank));
                return mine.isEmpty() ? exe.run(in) : Running.donating(mine, () -> exe.run(in));
            });
            Mesh.Place place = places == null ? null : places.get(i);
            Mesh.Root root = place == null ? null : place.scope().root();
            java.util.function.Supplier<List<Buffer>> bound = inner != null
                    ? () -> place.enter(body)
                    : place != null
                            ? () -> Running.with(name, group.member(rank), () -> Mesh.at(place, body))
                            : () -> Running.with(name, group.member(rank), body);
            work.add(() -> {
                try {
                    return bound.get();
                } catch (Throwable t) {
                    if (root != null) {
                        root.abortAll(rank, t);
                    } else {
                        group.abort(rank, t);
                    }
                    throw t;
                }
            });
        }
        // the first local device runs on this thread and the others on member threads: a process with one
        // device hands nothing over, and one with several wakes one thread fewer
        MemberThreads.Batch others = work.size() > 1 ? MemberThreads.start(work.subList(1, work.size())) : null;
        Throwable first = null;
        try {
            results.set(local.get(0), work.get(0).call());
        } catch (Throwable t) {
            first = t;
        }
        if (others != null) {
            if (others.await()) {
                throw new KilnException("pmap: interrupted while waiting for the devices");
            }
            for (int k = 1; k < local.size(); k++) {
                Throwable cause = others.error(k - 1);
                if (cause == null) {
                    @SuppressWarnings("unchecked")
                    List<Buffer> r = (List<Buffer>) others.result(k - 1);
                    results.set(local.get(k), r);
                } else if (first == null || Group.isRootCause(cause)) {
                    first = cause;
                }
            }
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new KilnException("pmap: a device failed: " + first, first);
        }
        // unmapped outputs (out_axes null) are the same on every device: this process's own first one will
        // do, and nothing needs to cross processes
        return anyMapped ? group.complete(results, views) : fillFromFirstLocal(results, local);
    }

    /** The members of a pmap inside another's body: all in this process; failing releases the whole mesh. */
    private record InnerGroup(Mesh.Root root, int n) implements Group {
        @Override
        public List<Integer> localIndices() {
            List<Integer> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                all.add(i);
            }
            return all;
        }

        @Override
        public Communicator member(int index) {
            throw new IllegalStateException("an inner pmap's members take their communicators from their places");
        }

        @Override
        public void abort(int index, Throwable t) {
            root.abortAll(index, t);
        }

        @Override
        public List<List<Buffer>> complete(List<List<Buffer>> results, List<Backend> views) {
            return results;
        }
    }

    private static List<List<Buffer>> fillFromFirstLocal(List<List<Buffer>> results, List<Integer> local) {
        List<Buffer> mine = results.get(local.get(0));
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) == null) {
                results.set(i, mine);
            }
        }
        return results;
    }

    private static int firstLocal(List<Backend> views) {
        for (int i = 0; i < views.size(); i++) {
            if (views.get(i) != null) {
                return i;
            }
        }
        return 0;
    }

    private static int[] dropAxis(int[] s, int axis) {
        int[] out = new int[s.length - 1];
        for (int i = 0, k = 0; i < s.length; i++) {
            if (i != axis) {
                out[k++] = s[i];
            }
        }
        return out;
    }
}
