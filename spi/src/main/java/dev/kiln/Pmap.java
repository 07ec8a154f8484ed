package dev.kiln;

import dev.kiln.internal.parallel.AxisEnv;
import dev.kiln.internal.parallel.Running;
import dev.kiln.internal.trace.ProgramVerifier;
import dev.kiln.internal.trace.StagingTrace;
import dev.kiln.internal.trace.TraceStack;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Program;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Communicator;
import dev.kiln.spi.Device;
import dev.kiln.spi.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@code pmap}: the function is traced once for one slice, compiled once by the backend, and run on
 * each device's own thread with that device's slice; collectives in it meet through the axis's {@link
 * Communicator}. Inside another transformation ({@code grad}, {@code jit}, {@code vmap}, an outer
 * {@code pmap}) it is traced as {@code vmap} with the same axis name, which computes the same values,
 * so the enclosing transformation sees ordinary array code (its program then runs where that
 * transformation runs it).
 */
final class Pmap {
    private record Key(Tree.Def structure, List<ArraySpec> specs, List<Device> devices, Backend backend) {}

    private record Compiled(Program program, List<Array> constants, Tree.Def outStructure, Executable executable) {}

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kiln-pmap-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final Function<Object, Object> body;
    private final PmapOptions options;
    private final ConcurrentHashMap<Key, Compiled> cache = new ConcurrentHashMap<>();
    private final AtomicInteger traces = new AtomicInteger();

    Pmap(Function<Object, Object> body, PmapOptions options) {
        this.body = body;
        this.options = options;
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
        Backend backend = options.devices() != null && !options.devices().isEmpty()
                ? Kiln.backend(options.devices().get(0).backend())
                : Kiln.currentBackend();
        List<Device> devices = chooseDevices(n, backend, traced);
        if (traced) {
            Object out = Transforms.vmap(
                    body, args, inAxes, options.outAxis() == null ? 0 : options.outAxis(), options.axisName());
            return options.outAxis() == null
                    ? Tree.map(
                            a -> Np.take(a, Np.array(new int[] {0}), 0, "clip").reshape(drop(a.shape())), out)
                    : out;
        }
        Backend base = backend.onDevice(devices.get(0));
        List<Backend> views = new ArrayList<>(n);
        for (Device d : devices) {
            views.add(Distributed.localBackend(base, d));
        }
        // every device's slice of every leaf
        List<List<Array>> slices = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            slices.add(new ArrayList<>());
        }
        List<ArraySpec> specs = new ArrayList<>();
        for (int k = 0; k < flat.leaves().size(); k++) {
            Array leaf = flat.leaves().get(k);
            Integer ax = inAxes[k];
            if (ax == null) {
                specs.add(leaf.spec());
                for (int i = 0; i < n; i++) {
                    slices.get(i).add(views.get(i) == null ? null : Kiln.devicePut(leaf, views.get(i)));
                }
                continue;
            }
            specs.add(leaf.spec().withShape(dropAxis(leaf.shape(), ax)));
            if (ax == 0 && leaf.isSharded() && shardDevices(leaf).equals(devices)) {
                for (int i = 0; i < n; i++) {
                    slices.get(i).add(leaf.shards().get(i));
                }
                continue;
            }
            if (ax == 0 && !leaf.isSharded() && leaf.buffer() instanceof dev.kiln.spi.HostBuffer h) {
                // the data is in host memory already: each device's slice is one contiguous copy, with no
                // operation dispatched per slice
                int[] one = dropAxis(leaf.shape(), 0);
                ArraySpec sliceSpec = leaf.spec().withShape(one);
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
            Array m = ax == 0 ? leaf : Np.moveaxis(leaf, ax, 0);
            for (int i = 0; i < n; i++) {
                if (views.get(i) == null) {
                    slices.get(i).add(null); // another process's device: that process computes this slice
                    continue;
                }
                Array s = Np.take(m, Np.array(new int[] {i}), 0, "clip").reshape(dropAxis(m.shape(), 0));
                slices.get(i).add(Kiln.devicePut(s, views.get(i)));
            }
        }
        Key key = new Key(flat.def(), specs, devices, base);
        Compiled c = cache.computeIfAbsent(key, kk -> trace(flat, specs, n, base));
        List<List<Buffer>> outs = run(c, slices, views, devices, n, base);
        List<Array> leaves = new ArrayList<>();
        for (int k = 0; k < c.program().outputs().size(); k++) {
            List<Array> shards = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                shards.add(new Array(
                        views.get(i) != null ? views.get(i) : base, outs.get(i).get(k)));
            }
            Integer outAxis = options.outAxis();
            if (outAxis == null) {
                leaves.add(shards.get(firstLocal(views)));
                continue;
            }
            ArraySpec one = shards.get(0).spec();
            int[] shape = new int[one.rank() + 1];
            shape[0] = n;
            System.arraycopy(one.shape(), 0, shape, 1, one.rank());
            Array sharded = new Array(shards, one.withShape(shape));
            int ax = Shape.axis("pmap out_axes", outAxis, shape.length);
            leaves.add(ax == 0 ? sharded : Np.moveaxis(sharded, 0, ax));
        }
        return Tree.unflatten(c.outStructure(), leaves);
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

    private List<Device> chooseDevices(int n, Backend backend, boolean traced) {
        List<Device> all = options.devices() != null ? options.devices() : Kiln.devices(backend.name());
        if (n > all.size()) {
            throw new DeviceException("pmap: the mapped axis has length " + n + " but only " + all.size()
                    + " device" + (all.size() == 1 ? " is" : "s are") + " available (" + all
                    + "); map an axis of at most "
                    + all.size() + ", or give more devices (cpu-simd: -Dkiln.cpu.devices=" + n
                    + "; several processes: mpirun with Kiln.distributed().initialize())");
        }
        if (options.devices() != null && n != all.size() && !traced) {
            throw new DeviceException("pmap: " + all.size() + " devices were chosen but the mapped axis has length " + n
                    + "; choose exactly one device per slice");
        }
        return List.copyOf(all.subList(0, n));
    }

    private static List<Device> shardDevices(Array a) {
        List<Device> out = new ArrayList<>();
        for (Array s : a.shards()) {
            out.add(Distributed.globalDevice(s.device()));
        }
        return out;
    }

    private Compiled trace(Tree.Flat flat, List<ArraySpec> specs, int n, Backend base) {
        traces.incrementAndGet();
        StagingTrace staging = TraceStack.push(level -> new StagingTrace(level, "pmap", true));
        AxisEnv.Frame frame = options.axisName() == null ? null : AxisEnv.push(options.axisName(), n, null);
        Tree.Flat outFlat;
        try {
            List<Array> inputs = new ArrayList<>(specs.size());
            for (ArraySpec s : specs) {
                inputs.add(staging.newInput(s));
            }
            Object tracedArgs = Tree.unflatten(flat.def(), inputs);
            outFlat = Tree.flatten(Kiln.withBackend(base, () -> body.apply(tracedArgs)));
        } finally {
            if (frame != null) {
                AxisEnv.pop(frame);
            }
            TraceStack.pop(staging);
        }
        Program p = ProgramVerifier.checked(staging.build(outFlat.leaves()), "pmap tracing");
        return new Compiled(p, staging.constants(), outFlat.def(), base.compile(p));
    }

    /** Runs the program on every local device's thread at once; the first failure is rethrown. */
    private List<List<Buffer>> run(
            Compiled c, List<List<Array>> slices, List<Backend> views, List<Device> devices, int n, Backend base) {
        dev.kiln.internal.parallel.Group group = Distributed.group(devices, options.axisName());
        List<Integer> local = group.localIndices();
        List<java.util.concurrent.Callable<List<Buffer>>> work = new ArrayList<>();
        List<List<Buffer>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(null);
        }
        for (int i : local) {
            Backend view = views.get(i);
            List<Buffer> in = new ArrayList<>();
            for (Array a : c.constants()) {
                in.add(Kiln.devicePut(a, view).buffer());
            }
            for (Array a : slices.get(i)) {
                in.add(Kiln.devicePut(a, view).buffer());
            }
            Communicator comm = group.member(i);
            Device device = view.device();
            String name = options.axisName() == null ? "" : options.axisName();
            int rank = i;
            work.add(() -> {
                try {
                    return Running.with(
                            name,
                            comm,
                            () -> base.runOn(device, () -> c.executable().run(in)));
                } catch (Throwable t) {
                    group.abort(rank, t);
                    throw t;
                }
            });
        }
        // the first local device runs on this thread and the others on pool threads: a process with one
        // device hands nothing over, and one with several wakes one thread fewer
        List<Future<List<Buffer>>> futures = new ArrayList<>();
        for (int k = 1; k < work.size(); k++) {
            futures.add(POOL.submit(work.get(k)));
        }
        Throwable first = null;
        try {
            results.set(local.get(0), work.get(0).call());
        } catch (Throwable t) {
            first = t;
        }
        for (int k = 1; k < local.size(); k++) {
            try {
                results.set(local.get(k), futures.get(k - 1).get());
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                if (first == null || group.isRootCause(cause)) {
                    first = cause;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KilnException("pmap: interrupted while waiting for the devices");
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
        return options.outAxis() == null ? fillFromFirstLocal(results, local) : group.complete(results, views);
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

    private static int[] drop(int[] s) {
        return dropAxis(s, 0);
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
