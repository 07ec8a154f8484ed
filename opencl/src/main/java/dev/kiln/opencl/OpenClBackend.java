package dev.kiln.opencl;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.Device;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelGroup;
import dev.kiln.spi.KernelInterpreter;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.jocl.Pointer;
import org.jocl.cl_mem;

/**
 * Kiln on one OpenCL device. Every core primitive ({@link Primitive#core()}) has a kernel, for
 * bool, int32, int64, uint32, float32, and float64 where the device has {@code cl_khr_fp64}; Kiln decomposes the
 * other primitives into these. Operations are enqueued on the device's in-order queue without
 * waiting; reading data to the host waits for what came before it.
 */
final class OpenClBackend implements Backend {
    private final ClRuntime rt;
    private final Set<DType> dtypes;
    private final boolean fp64;
    // the devices of the opened backend (this one's is devices.list().get(deviceIndex))
    private final Devices devices;
    private final int deviceIndex;

    private final boolean fuse;
    // the tiled product's tile sizes for this device (null: the generic kernel only)
    private final int[] tiled;
    // the CPU product's parameters ({vw, rm, nv, dm, dn}) for float32 and float64 (null: a GPU, or no fast paths)
    private final int[] cpuDot32;
    private final int[] cpuDot64;
    private final boolean fastPaths;
    private final java.util.concurrent.atomic.AtomicLong tiledProducts = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong groupReductions = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong twoStageReductions =
            new java.util.concurrent.atomic.AtomicLong();

    /**
     * The devices one opened backend offers {@code pmap} (the first is the default), and the backend
     * object of each, made on first use: each has its own context, queue and programs, so the devices
     * of a {@code pmap} run at once; arrays move between them through host memory.
     */
    static final class Devices {
        private final List<ClDevice> cl;
        private final List<Device> list;
        private final OpenClBackend[] views;
        private final boolean fuse;
        private final boolean fastPaths;

        Devices(List<ClDevice> cl, boolean fuse, boolean fastPaths) {
            this.cl = List.copyOf(cl);
            this.list = IntStream.range(0, cl.size())
                    .mapToObj(i -> new Device(
                            OpenClProvider.NAME, cl.get(i).type(), i, cl.get(i).describe()))
                    .toList();
            this.views = new OpenClBackend[cl.size()];
            this.fuse = fuse;
            this.fastPaths = fastPaths;
        }

        /** The backend object of device {@code i}. */
        synchronized OpenClBackend view(int i) {
            if (views[i] == null) {
                views[i] = new OpenClBackend(this, i);
            }
            return views[i];
        }
    }

    /** One device alone. */
    OpenClBackend(ClDevice device, boolean fuse, boolean fastPaths) {
        this(new Devices(List.of(device), fuse, fastPaths), 0);
    }

    private OpenClBackend(Devices devices, int deviceIndex) {
        this.devices = devices;
        this.deviceIndex = deviceIndex;
        boolean fuse = devices.fuse;
        boolean fastPaths = devices.fastPaths;
        ClDevice device = devices.cl.get(deviceIndex);
        synchronized (devices) {
            if (devices.views[deviceIndex] == null) {
                devices.views[deviceIndex] = this;
            }
        }
        this.rt = new ClRuntime(device);
        this.fuse = fuse;
        this.fp64 = device.fp64();
        this.fastPaths = fastPaths;
        this.tiled = fastPaths ? tileParameters(device, fp64) : null;
        boolean cpu = fastPaths && device.type().equals("cpu");
        this.rowGathers = cpu;
        this.cpuDot32 = cpu
                ? cpuDotParameters(
                        (int) ClDiscovery.deviceInt(device.id(), org.jocl.CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT), 4)
                : null;
        this.cpuDot64 = cpu && fp64
                ? cpuDotParameters(
                        (int) ClDiscovery.deviceInt(device.id(), org.jocl.CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE),
                        8)
                : null;
        this.dtypes = fp64
                ? EnumSet.of(DType.BOOL, DType.INT32, DType.INT64, DType.UINT32, DType.FLOAT32, DType.FLOAT64)
                : EnumSet.of(DType.BOOL, DType.INT32, DType.INT64, DType.UINT32, DType.FLOAT32);
    }

    @Override
    public String name() {
        return OpenClProvider.NAME;
    }

    @Override
    public List<Device> devices() {
        return devices.list;
    }

    @Override
    public Device device() {
        return devices.list.get(deviceIndex);
    }

    @Override
    public Backend onDevice(Device d) {
        if (d.backend().equals(OpenClProvider.NAME)
                && d.process() == 0
                && d.id() >= 0
                && d.id() < devices.list.size()) {
            return devices.view(d.id());
        }
        throw new IllegalArgumentException("onDevice: backend '" + OpenClProvider.NAME + "' has no device " + d
                + "; its devices are " + devices.list + " (-D" + OpenClProvider.SUBDEVICES.name()
                + "=N splits a CPU device into N)");
    }

    @Override
    public Set<Capability> capabilities() {
        // compileKernel writes fused kernels as OpenCL C (unless kiln.opencl.fuse=false)
        return EnumSet.of(Capability.FUSION);
    }

    @Override
    public Set<DType> dtypes() {
        return dtypes;
    }

    ClRuntime runtime() {
        return rt;
    }

    // ------------------------------------------------------------------ transfers

    @Override
    public Buffer fromHost(HostBuffer host) {
        ArraySpec spec = host.spec();
        requireDType("fromHost", spec.dtype());
        long bytes = (long) spec.size() * spec.dtype().byteSize();
        Pointer p =
                switch (spec.dtype()) {
                    case FLOAT32 -> Pointer.to(host.floats());
                    case FLOAT64 -> Pointer.to(host.doubles());
                    case INT32, UINT32 -> Pointer.to(host.ints());
                    case INT64 -> Pointer.to(host.longs());
                    case BOOL -> {
                        boolean[] b = host.bools();
                        byte[] bytesOf = new byte[b.length];
                        for (int i = 0; i < b.length; i++) {
                            bytesOf[i] = (byte) (b[i] ? 1 : 0);
                        }
                        yield Pointer.to(bytesOf);
                    }
                    default -> throw new IllegalStateException("not a storage dtype");
                };
        return ClBuffer.pooled(spec, rt.uploadPooled(p, bytes), rt, bytes);
    }

    @Override
    public HostBuffer toHost(Buffer buffer) {
        if (buffer instanceof HostBuffer h) {
            return h;
        }
        if (!(buffer instanceof ClBuffer b)) {
            throw new IllegalArgumentException(
                    "opencl: a buffer of another backend (" + buffer.getClass().getName() + ") was passed to opencl");
        }
        // read on the device that holds it (the default collectives read every device's buffer here)
        ClRuntime rt = b.runtime();
        ArraySpec spec = b.spec();
        long bytes = (long) spec.size() * spec.dtype().byteSize();
        HostBuffer h = HostBuffer.allocate(spec);
        switch (spec.dtype()) {
            case FLOAT32 -> rt.read(b.mem(), Pointer.to(h.floats()), bytes);
            case FLOAT64 -> rt.read(b.mem(), Pointer.to(h.doubles()), bytes);
            case INT32, UINT32 -> rt.read(b.mem(), Pointer.to(h.ints()), bytes);
            case INT64 -> rt.read(b.mem(), Pointer.to(h.longs()), bytes);
            case BOOL -> {
                byte[] raw = new byte[spec.size()];
                rt.read(b.mem(), Pointer.to(raw), bytes);
                boolean[] out = h.bools();
                for (int i = 0; i < raw.length; i++) {
                    out[i] = raw[i] != 0;
                }
            }
        }
        return h;
    }

    private ClBuffer cl(Buffer b) {
        return switch (b) {
            case ClBuffer c when c.runtime() == rt -> c;
            // another device's (a sub-device, another GPU): through host memory
            case ClBuffer c -> (ClBuffer) fromHost(toHost(c));
            case HostBuffer h -> (ClBuffer) fromHost(h);
            default ->
                throw new IllegalArgumentException(
                        "opencl: a buffer of another backend (" + b.getClass().getName() + ") was passed to opencl");
        };
    }

    private ClBuffer allocate(ArraySpec spec) {
        long bytes = (long) spec.size() * spec.dtype().byteSize();
        return ClBuffer.pooled(spec, rt.allocatePooled(bytes), rt, bytes);
    }

    // ------------------------------------------------------------------ fused kernels

    /**
     * Elementwise and reduction kernels become one OpenCL C kernel each ({@link FusedRenderer});
     * the others (matmul roots) run op by op, through {@link #execute}.
     */
    @Override
    public CompiledKernel compileKernel(FusedKernel kernel) {
        FusedRenderer.Rendered r;
        if (!fuse) {
            return new KernelInterpreter(this, kernel);
        }
        if (kernel.root() instanceof FusedKernel.Root.Matmul mm) {
            return compileMatmul(kernel, mm);
        }
        int group = FusedRenderer.groupSize(rt.device());
        try {
            int layout = FusedRenderer.groupArgument(rt.device());
            if (interleavedReductions != null) {
                layout = interleavedReductions ? Math.abs(layout) : -Math.abs(layout);
            }
            r = FusedRenderer.render(kernel, fp64, layout);
        } catch (FusedRenderer.Unsupported e) {
            return new KernelInterpreter(this, kernel);
        }
        rt.program(r.source()); // build now: a build failure surfaces at compile time, with its log
        ClBuffer table = tableBuffer(r.table());
        ClBuffer literals = literalsBuffer(r.literals());
        int m = FusedRenderer.reducedCount(kernel);
        boolean reduces = kernel.reducedAxes().length > 0;
        int n = r.points();
        // a reduction root with long rows: work-group trees (in two stages where the rows are too few)
        int chunks = reduces && useGroupReduction(n, m) ? reductionChunks(n, m, group) : 0;
        if (chunks > 0) {
            rt.program(r.groupSource());
        }
        return inputs -> {
            List<Buffer> outs = new ArrayList<>(kernel.outputs().size());
            List<Object> args = fusedArgs(kernel, inputs, outs, table, literals);
            args.add(n);
            if (reduces) {
                args.add(m);
            }
            if (chunks == 0) {
                if (r.vectorSource() != null && vectorKernels && fastPaths && n >= vectorMinPoints) {
                    vectorLaunches.incrementAndGet();
                    int w = FusedRenderer.VECTOR;
                    rt.launch(r.vectorSource(), "kv", (n + w - 1) / w, 0, args.toArray());
                } else {
                    rt.launch(r.source(), "k", n, 0, args.toArray());
                }
                return outs;
            }
            fusedGroupReductions.incrementAndGet();
            args.add(chunks);
            List<cl_mem> parts = new ArrayList<>();
            for (String acc : r.accs()) {
                if (chunks > 1) {
                    cl_mem part = rt.allocate((long) n * chunks * accBytes(acc));
                    parts.add(part);
                    args.add(part);
                } else {
                    args.add(literals); // not read with one chunk
                }
            }
            rt.launch(r.groupSource(), "k", (long) n * chunks * group, group, args.toArray());
            if (chunks > 1) {
                fusedTwoStage.incrementAndGet();
                rt.launch(r.groupSource(), "k2", (long) n * group, group, args.toArray());
                ClRuntime.release(parts.toArray(new cl_mem[0]));
            }
            return outs;
        };
    }

    /**
     * A group of kernels over the same rows ({@link KernelGroup}: a row softmax, a layer norm): with
     * the renderer and the fast paths, one kernel with one work-group per row whose stages are the
     * group's kernels, separated by barriers, with per-row values and rows read more than once kept
     * in local memory ({@link RowGroupRenderer}); where it cannot be written so (rows that do not fit
     * the device's local memory, a kernel that keeps axes besides the rows, another reducer), the
     * kernels one after another, as compiled by {@link #compileKernel}.
     */
    @Override
    public CompiledKernel compileKernelGroup(KernelGroup group) {
        // the members are compiled only when the kernels run one by one (each costs a build)
        java.util.function.Supplier<CompiledKernel> sequence = new java.util.function.Supplier<>() {
            private CompiledKernel compiled;

            @Override
            public synchronized CompiledKernel get() {
                if (compiled == null) {
                    compiled = group.inSequence(
                            group.kernels().stream().map(k -> compileKernel(k)).toList());
                }
                return compiled;
            }
        };
        if (!fuse || !fastPaths) {
            return sequence.get();
        }
        RowGroupRenderer.Rendered r;
        try {
            int longest = 0;
            for (FusedKernel k : group.kernels()) {
                longest = Math.max(longest, k.size() / Math.max(1, group.rows()));
            }
            if (longest < rowGroupMinWidth) {
                throw new FusedRenderer.Unsupported("rows of " + longest + " points, fewer than " + rowGroupMinWidth);
            }
            r = RowGroupRenderer.render(
                    group,
                    fp64,
                    rowGroupLayout(group.rows()),
                    rt.device().localMemBytes(),
                    vectorKernels && (long) longest * group.rows() >= vectorMinPoints);
        } catch (FusedRenderer.Unsupported e) {
            CompiledKernel fallback = sequence.get();
            return inputs -> {
                rowGroupFallbacks.incrementAndGet();
                return fallback.run(inputs);
            };
        }
        rt.program(r.source()); // build now: a build failure surfaces at compile time, with its log
        ClBuffer table = tableBuffer(r.table());
        ClBuffer literals = literalsBuffer(r.literals());
        int gs = Math.abs(rowGroupLayout(group.rows()));
        return inputs -> {
            if (!rowGroups) {
                return sequence.get().run(inputs);
            }
            List<Buffer> outs = new ArrayList<>(group.results());
            List<Object> args = fusedArgs(group.kernels(), inputs, outs, table, literals);
            for (long bytes : r.localArrays()) {
                args.add(new ClRuntime.Local(bytes));
            }
            rowGroupKernels.incrementAndGet();
            rt.launch(r.source(), "rows", (long) r.rows() * gs, gs, args.toArray());
            return outs;
        };
    }

    /**
     * Whether elementwise kernels that have a vector variant ({@link FusedRenderer#vectorKernel}) run
     * it (true, the default); false runs the scalar kernel (for comparisons and tests).
     */
    volatile boolean vectorKernels = true;

    /**
     * Elementwise kernels, row groups (rows × longest row) and CPU products with an epilogue of
     * fewer points run the scalar kernel or loops: small launches are bound by their
     * overhead, and the vector variant is a second build (on PoCL the 16-wide variant of a kernel
     * with transcendentals costs more to compile than the scalar one), which the conformance suite's
     * thousands of small kernels would pay for nothing. Tests lower it.
     */
    volatile int vectorMinPoints = 1 << 16;

    private final java.util.concurrent.atomic.AtomicLong vectorLaunches = new java.util.concurrent.atomic.AtomicLong();

    /** Elementwise kernels run as their vector variant so far (for tests). */
    long vectorLaunches() {
        return vectorLaunches.get();
    }

    private final java.util.concurrent.atomic.AtomicLong rowGroupKernels = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong rowGroupFallbacks =
            new java.util.concurrent.atomic.AtomicLong();

    /**
     * Kernel groups run so far as one kernel with a work-group per row, and run kernel by kernel
     * because the group could not be written so (for tests).
     */
    long[] rowGroupRuns() {
        return new long[] {rowGroupKernels.get(), rowGroupFallbacks.get()};
    }

    /**
     * Kernel groups whose longest row (the points of a kernel's space per row) is shorter than this
     * run kernel by kernel: with a work-group per row, short rows leave most items idle at every
     * barrier (on PoCL, softmax over 65536 × 17 took 280-350 ms as one kernel against 50-80 ms kernel
     * by kernel, where 4096 × 1024 took 120-170 ms against 170-260 ms). Tests lower it to run the group
     * kernel on short rows too.
     */
    volatile int rowGroupMinWidth = GROUP_REDUCE_MIN;

    /**
     * Whether kernel groups that can run as one kernel with a work-group per row do (true, the
     * default); false runs their kernels one by one (for comparisons and tests).
     */
    volatile boolean rowGroups = true;

    /**
     * The group argument of {@link RowGroupRenderer#render} for a group of {@code rows} rows: the
     * device's layout and group size, except on a CPU device with at least {@link
     * #cpuRowItemRows} rows per compute unit, where each row is one work-group of one item (-1): the
     * rows alone keep every core busy, and each barrier between a work-group's items costs PoCL a
     * pass over the items' saved state (layer norm over 4096 × 1024: 25-30 ms with 64 items a row,
     * 9-13 ms with one).
     */
    private int rowGroupLayout(int rows) {
        int layout = FusedRenderer.groupArgument(rt.device());
        if (interleavedReductions != null) {
            return interleavedReductions ? Math.abs(layout) : -Math.abs(layout);
        }
        ClDevice dev = rt.device();
        if (!dev.isGpu() && rows >= (long) cpuRowItemRows * Math.max(1, dev.computeUnits())) {
            return -1;
        }
        return layout;
    }

    /** Rows per compute unit from which a CPU device runs a row group with one item per row. */
    volatile int cpuRowItemRows = 4;

    /**
     * Whether the items of rendered work-group reductions read every group-size-th element (true) or
     * a contiguous run each (false); null: as suits the device (interleaved on a GPU). For tests, which
     * run the GPU's layout on PoCL too.
     */
    volatile Boolean interleavedReductions;

    /**
     * A kernel with a matmul root: where the product takes the tiled kernel, one kernel that applies
     * the epilogue to each tile in registers before the store; else op by op.
     */
    private CompiledKernel compileMatmul(FusedKernel kernel, FusedKernel.Root.Matmul mm) {
        DType dtype = null;
        for (FusedKernel.Node n : kernel.nodes()) {
            if (n instanceof FusedKernel.Node.DotResult d) {
                dtype = d.dtype();
            }
        }
        int[] ls = kernel.inputs().get(mm.lhs()).spec().shape();
        int[] rs = kernel.inputs().get(mm.rhs()).spec().shape();
        long points = 1;
        for (int d : kernel.keptAxes()) {
            points *= kernel.space()[d];
        }
        int[] plan = dtype == null || !matmulEpilogues ? null : tiledPlan(mm.dims(), ls, rs, dtype, points);
        FusedRenderer.Rendered r;
        try {
            if (plan == null) {
                throw new FusedRenderer.Unsupported("a product the tiled kernel does not take");
            }
            r = FusedRenderer.renderMatmul(kernel, fp64, tiled);
        } catch (FusedRenderer.Unsupported e) {
            return new KernelInterpreter(this, kernel);
        }
        // on a CPU device the CPU product (rendered here; which one runs is decided per call, so
        // cpuKernels can be switched for comparisons), else the tiled kernel
        int[] cp = dtype == DType.FLOAT32 ? cpuDot32 : dtype == DType.FLOAT64 ? cpuDot64 : null;
        boolean dotForm = cp != null && dotForm(plan);
        FusedRenderer.Rendered cpuRendered = cp != null
                ? FusedRenderer.renderCpuMatmul(kernel, fp64, dotForm, cp, vectorKernels && points >= vectorMinPoints)
                : null;
        rt.program(cpuRendered != null && cpuKernels ? cpuRendered.source() : r.source());
        ClBuffer table = tableBuffer(r.table());
        ClBuffer literals = literalsBuffer(r.literals());
        long[] cpuGroups = cp != null ? cpuDotGroups(plan, cp, dotForm) : null;
        long[] groups = tiledGroups(plan);
        long[] local = {tiled[1] / tiled[4], tiled[0] / tiled[3], 1};
        return inputs -> {
            List<Buffer> outs = new ArrayList<>(kernel.outputs().size());
            List<Object> args = fusedArgs(kernel, inputs, outs, table, literals);
            for (int i = 1; i < plan.length; i++) {
                args.add(plan[i]);
            }
            fusedMatmuls.incrementAndGet();
            if (cpuRendered != null && cpuKernels) {
                cpuProducts.incrementAndGet();
                rt.launch3(cpuRendered.source(), "k", cpuGroups, new long[] {1, 1, 1}, args.toArray());
            } else {
                rt.launch3(r.source(), "k", groups, local, args.toArray());
            }
            return outs;
        };
    }

    private final java.util.concurrent.atomic.AtomicLong fusedMatmuls = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Whether matmul-rooted kernels run as one tiled kernel with their epilogue (with the fast
     * paths); false runs them op by op, the tiled product then the epilogue (for comparisons).
     */
    volatile boolean matmulEpilogues = true;

    /** Matmul-rooted fused kernels run as one tiled kernel with their epilogue so far (for tests). */
    long fusedMatmuls() {
        return fusedMatmuls.get();
    }

    private final java.util.concurrent.atomic.AtomicLong fusedGroupReductions =
            new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong fusedTwoStage = new java.util.concurrent.atomic.AtomicLong();

    /** Rendered fused reductions run as work-group trees so far, and how many of them in two stages (for tests). */
    long[] fusedGroupReductions() {
        return new long[] {fusedGroupReductions.get(), fusedTwoStage.get()};
    }

    /**
     * Whether a reduction into {@code outputs} results of {@code m} elements each runs as work-group
     * tree reductions (one group per output or per chunk of one) rather than one work item per
     * output: for rows of at least {@link #GROUP_REDUCE_MIN} elements, always on a GPU (a group
     * reads a row with neighbouring items on neighbouring elements), and on other devices only where
     * the outputs alone cannot fill the device's lanes (on PoCL's two cores, one item per row of a
     * 4096-row softmax is faster than 4096 groups with barriers).
     */
    private boolean useGroupReduction(long outputs, long m) {
        ClDevice dev = rt.device();
        long lanes = (long) Math.max(1, dev.computeUnits()) * (dev.isGpu() ? 256 : 64) * 4;
        return fastPaths && outputs > 0 && m >= GROUP_REDUCE_MIN && (dev.isGpu() || outputs < lanes);
    }

    /** Chunks per output: enough groups to fill the device, each of at least 16 elements per item. */
    private int reductionChunks(long outputs, long m, int group) {
        ClDevice dev = rt.device();
        int target = Math.max(1, dev.computeUnits()) * (dev.isGpu() ? 8 : 4);
        return (int) Math.max(1, Math.min((target + outputs - 1) / outputs, m / (16L * group)));
    }

    static int accBytes(String acc) {
        return acc.equals("double") || acc.contains("long") ? 8 : acc.equals("uchar") ? 1 : 4;
    }

    // ------------------------------------------------------------------ primitives

    /**
     * The core; {@code nextafter} on floats through OpenCL C's exact {@code nextafter} builtin
     * (Kiln's arithmetic decomposition of it would need subnormal arithmetic, which OpenCL devices
     * may flush to zero); and with the fast paths on, float32 {@code tanh} through the device's
     * float built-in (on PoCL within 1 ulp of the reference over a sweep of 8.7M inputs, {@code
     * Float32MathMain}; about three times faster than Kiln's decomposition, which takes {@code
     * expm1} in double), the cumulative ops as a native scan, and the reductions beyond the core's
     * sum and max ({@code reduce_prod}, {@code reduce_min}, and on integers and bool {@code
     * reduce_and} and {@code reduce_or}; {@link Sources#fold}), eager and as reducers of fused
     * kernels (Kiln's decompositions are pairwise trees of whole-array steps, or a max of negations,
     * which cannot fuse into one pass; {@code argmax} and {@code argmin} decompose into a max or min
     * and a min of indices, so they fuse too).
     */
    @Override
    public boolean implementsNatively(Primitive primitive, DType dtype) {
        if (primitive == Primitive.NEXTAFTER) {
            return dtype.isFloating() && dtypes.contains(dtype);
        }
        if (primitive == Primitive.TANH) {
            return fastPaths && dtype == DType.FLOAT32;
        }
        if (primitive.kind() == Primitive.Kind.CUMULATIVE) {
            return fastPaths && dtype != DType.BOOL && dtypes.contains(dtype);
        }
        if (primitive.kind() == Primitive.Kind.REDUCE && !primitive.isCore()) {
            return fastPaths && Sources.isReducer(primitive, dtype) && dtypes.contains(dtype);
        }
        return primitive.isCore() && dtypes.contains(dtype);
    }

    @Override
    public Buffer execute(Primitive p, Params params, ArraySpec out, List<Buffer> inputs) {
        if (p == Primitive.TANH && implementsNatively(p, out.dtype())) {
            return unary(p, out, cl(inputs.get(0)));
        }
        if (p.kind() == Primitive.Kind.CUMULATIVE
                && implementsNatively(p, inputs.get(0).spec().dtype())) {
            return scan(p, (Params.Cumulative) params, out, cl(inputs.get(0)));
        }
        if (p.kind() == Primitive.Kind.REDUCE
                && !p.isCore()
                && implementsNatively(p, inputs.get(0).spec().dtype())) {
            ClBuffer x = cl(inputs.get(0));
            requireDType(p, x.spec().dtype());
            return reduce(p, ((Params.Reduce) params).axes().toArray(), out, x);
        }
        if (!p.isCore() && p != Primitive.NEXTAFTER) {
            throw new UnsupportedPrimitiveException(
                    name(), p, "not a core primitive; Kiln decomposes it unless a backend claims it");
        }
        List<ClBuffer> in = new ArrayList<>(inputs.size());
        for (Buffer b : inputs) {
            in.add(cl(b));
        }
        for (ClBuffer b : in) {
            requireDType(p, b.spec().dtype());
        }
        requireDType(p, out.dtype());
        return switch (p) {
            case ADD, MUL, DIV, REM, MAX, AND, XOR, SHIFT_LEFT, SHIFT_RIGHT_LOGICAL, ATAN2, POW, EQ, LT, NEXTAFTER ->
                elementwise(p, out, in.get(0), in.get(1));
            case FLOOR, SQRT, EXP, LOG, EXPM1, LOG1P, SIN, COS -> unary(p, out, in.get(0));
            case SELECT -> select(out, in.get(0), in.get(1), in.get(2));
            case CONVERT -> convert(out, in.get(0));
            case IOTA -> iota((Params.Iota) params, out);
            case REDUCE_SUM, REDUCE_MAX ->
                reduce(p, ((Params.Reduce) params).axes().toArray(), out, in.get(0));
            case RESHAPE -> in.get(0).view(out);
            case BROADCAST_IN_DIM, TRANSPOSE, SLICE -> affine(params, out, in.get(0));
            case PAD -> pad((Params.Pad) params, out, in.get(0), in.get(1));
            case TAKE -> take(((Params.Axis) params).axis(), out, in.get(0), in.get(1));
            case DOT_GENERAL -> dot((Params.DotGeneral) params, out, in.get(0), in.get(1));
            default -> throw new UnsupportedPrimitiveException(name(), p, "not a core primitive");
        };
    }

    private void requireDType(Object what, DType d) {
        if (!dtypes.contains(d)) {
            String why = d == DType.FLOAT64
                    ? "float64 needs cl_khr_fp64, which " + rt.device().name() + " does not have"
                    : d + " is not among opencl's dtypes " + dtypes;
            if (what instanceof Primitive p) {
                throw new UnsupportedPrimitiveException(name(), p, why);
            }
            throw new dev.kiln.DTypeException("opencl." + what + ": " + why);
        }
    }

    private ClBuffer elementwise(Primitive p, ArraySpec out, ClBuffer a, ClBuffer b) {
        DType d = a.spec().dtype();
        String expr = Sources.expression(p, d, fp64);
        if (expr == null) {
            throw new UnsupportedPrimitiveException(name(), p, d + " operands");
        }
        String t = Sources.ctype(d);
        return run(Sources.elementwise(fp64, expr, Sources.ctype(out.dtype()), t, t), out, a, b);
    }

    private ClBuffer unary(Primitive p, ArraySpec out, ClBuffer a) {
        DType d = a.spec().dtype();
        if (!d.isFloating()) {
            if (p == Primitive.FLOOR) {
                return a; // integers are their own floor; buffers are immutable, so share it
            }
            throw new UnsupportedPrimitiveException(name(), p, d + " operands; Kiln converts integers to float first");
        }
        String t = Sources.ctype(d);
        return run(Sources.elementwise(fp64, Sources.expression(p, d, fp64), t, t), out, a);
    }

    private ClBuffer convert(ArraySpec out, ClBuffer a) {
        DType from = a.spec().dtype();
        if (from == out.dtype()) {
            return a;
        }
        return run(
                Sources.elementwise(
                        fp64, Sources.conversion(from, out.dtype()), Sources.ctype(out.dtype()), Sources.ctype(from)),
                out,
                a);
    }

    private ClBuffer run(String source, ArraySpec out, ClBuffer... in) {
        ClBuffer r = allocate(out);
        Object[] args = new Object[in.length + 2];
        System.arraycopy(in, 0, args, 0, in.length);
        args[in.length] = r;
        args[in.length + 1] = out.size();
        rt.launch(source, "k", out.size(), 0, args);
        return r;
    }

    private ClBuffer select(ArraySpec out, ClBuffer pred, ClBuffer onTrue, ClBuffer onFalse) {
        ClBuffer r = allocate(out);
        rt.launch(Sources.select(Sources.bits(out.dtype())), "k", out.size(), 0, pred, onTrue, onFalse, r, out.size());
        return r;
    }

    private ClBuffer iota(Params.Iota params, ArraySpec out) {
        int[] shape = out.shape();
        int stride = Shape.size(Arrays.copyOfRange(shape, params.dimension() + 1, shape.length));
        ClBuffer r = allocate(out);
        rt.launch(
                Sources.iota(out.dtype(), fp64),
                "k",
                out.size(),
                0,
                r,
                out.size(),
                Math.max(1, stride),
                Math.max(1, shape[params.dimension()]));
        return r;
    }

    // ------------------------------------------------------------------ movement

    private ClBuffer affine(Params params, ArraySpec out, ClBuffer a) {
        int[] shape = a.spec().shape();
        int[] strides = Shape.strides(shape);
        int[] outShape = out.shape();
        int[] coef = new int[outShape.length];
        int base = 0;
        switch (params) {
            case Params.BroadcastInDim b -> {
                int[] dims = b.dims().toArray();
                for (int d = 0; d < shape.length; d++) {
                    coef[dims[d]] = shape[d] == 1 ? 0 : strides[d];
                }
            }
            case Params.Transpose t -> {
                int[] perm = t.perm().toArray();
                for (int d = 0; d < perm.length; d++) {
                    coef[d] = strides[perm[d]];
                }
            }
            case Params.Slice s -> {
                int[] start = s.start().toArray();
                int[] step = s.strides().toArray();
                for (int d = 0; d < shape.length; d++) {
                    base += start[d] * strides[d];
                    coef[d] = step[d] * strides[d];
                }
            }
            default -> throw new IllegalArgumentException(params.toString());
        }
        int r = outShape.length;
        int[] table = new int[2 + 2 * r];
        table[0] = r;
        table[1] = base;
        System.arraycopy(outShape, 0, table, 2, r);
        System.arraycopy(coef, 0, table, 2 + r, r);
        ClBuffer result = allocate(out);
        if (out.size() > 0) {
            cl_mem t = rt.upload(table);
            int width = r == 0 ? 1 : outShape[r - 1];
            if (rowGathers && width >= ROW_GATHER_MIN_WIDTH) {
                // a CPU device: one item per row of the last axis, copied with a constant step
                int rows = out.size() / width;
                rt.launch(Sources.affineGatherRows(Sources.bits(out.dtype())), "k", rows, 0, a, result, t, rows);
            } else {
                rt.launch(
                        Sources.affineGather(Sources.bits(out.dtype())), "k", out.size(), 0, a, result, t, out.size());
            }
            ClRuntime.release(t);
        }
        return result;
    }

    private ClBuffer pad(Params.Pad params, ArraySpec out, ClBuffer a, ClBuffer value) {
        int[] shape = a.spec().shape();
        int r = shape.length;
        int[] table = new int[1 + 5 * r];
        table[0] = r;
        System.arraycopy(out.shape(), 0, table, 1, r);
        System.arraycopy(params.lo().toArray(), 0, table, 1 + r, r);
        System.arraycopy(params.interior().toArray(), 0, table, 1 + 2 * r, r);
        System.arraycopy(shape, 0, table, 1 + 3 * r, r);
        System.arraycopy(Shape.strides(shape), 0, table, 1 + 4 * r, r);
        ClBuffer result = allocate(out);
        if (out.size() > 0) {
            cl_mem t = rt.upload(table);
            rt.launch(Sources.pad(Sources.bits(out.dtype())), "k", out.size(), 0, a, value, result, t, out.size());
            ClRuntime.release(t);
        }
        return result;
    }

    private ClBuffer take(int axis, ArraySpec out, ClBuffer a, ClBuffer indices) {
        int[] shape = a.spec().shape();
        int inner = Shape.size(Arrays.copyOfRange(shape, axis + 1, shape.length));
        ClBuffer result = allocate(out);
        rt.launch(
                Sources.take(
                        Sources.bits(out.dtype()), Sources.ctype(indices.spec().dtype())),
                "k",
                out.size(),
                0,
                a,
                indices,
                result,
                out.size(),
                Math.max(1, indices.spec().size()),
                shape[axis],
                Math.max(1, inner));
        return result;
    }

    // ------------------------------------------------------------------ reductions and dot

    private ClBuffer reduce(Primitive p, int[] axes, ArraySpec out, ClBuffer a) {
        int[] shape = a.spec().shape();
        int[] strides = Shape.strides(shape);
        boolean[] reduced = new boolean[shape.length];
        for (int axis : axes) {
            reduced[axis] = true;
        }
        int[] kept = IntStream.range(0, shape.length).filter(d -> !reduced[d]).toArray();
        int[] red = IntStream.range(0, shape.length).filter(d -> reduced[d]).toArray();
        int[] table = new int[2 + 2 * kept.length + 2 * red.length];
        table[0] = kept.length;
        table[1] = red.length;
        int at = 2;
        for (int d : kept) {
            table[at++] = shape[d];
        }
        for (int d : kept) {
            table[at++] = strides[d];
        }
        int m = 1;
        for (int d : red) {
            table[at++] = shape[d];
            m *= shape[d];
        }
        for (int d : red) {
            table[at++] = strides[d];
        }
        int rstride = collapsedStride(shape, strides, red);
        // a work-group per output where the outputs alone cannot fill the device's lanes (on PoCL's two
        // cores, one item per row of a 4096-row softmax is faster than 4096 groups with barriers)
        if (useGroupReduction(out.size(), m) && rstride > 0) {
            return groupReduce(p, out, a, kept, shape, strides, m, rstride);
        }
        ClBuffer result = allocate(out);
        if (out.size() > 0) {
            cl_mem t = rt.upload(table);
            if (rstride > 0) {
                rt.launch(
                        Sources.reduceStrided(p, a.spec().dtype(), fp64),
                        "k",
                        out.size(),
                        0,
                        a,
                        result,
                        t,
                        out.size(),
                        m,
                        rstride);
            } else {
                rt.launch(Sources.reduce(p, a.spec().dtype(), fp64), "k", out.size(), 0, a, result, t, out.size(), m);
            }
            ClRuntime.release(t);
        }
        return result;
    }

    /**
     * A cumulative op along one axis by the work-efficient scan of {@link Sources#scan}: each line
     * cut into enough chunks (of at least 64 elements) to give the device work for all its lanes.
     */
    private ClBuffer scan(Primitive p, Params.Cumulative params, ArraySpec out, ClBuffer x) {
        int[] shape = x.spec().shape();
        int axis = params.axis();
        int dim = shape[axis];
        int inner = Shape.size(Arrays.copyOfRange(shape, axis + 1, shape.length));
        int outer = Shape.size(Arrays.copyOfRange(shape, 0, axis));
        ClBuffer y = allocate(out);
        if (out.size() == 0) {
            return y;
        }
        int lines = outer * inner;
        ClDevice dev = rt.device();
        long target = (long) Math.max(1, dev.computeUnits()) * (dev.isGpu() ? 2048 : 64);
        int chunks = (int) Math.max(1, Math.min((target + lines - 1) / lines, dim / 64));
        int chunk = (dim + chunks - 1) / chunks;
        chunks = (dim + chunk - 1) / chunk; // no empty chunk
        DType d = x.spec().dtype();
        String src = Sources.scan(p, d, fp64);
        int reverse = params.reverse() ? 1 : 0;
        scans.incrementAndGet();
        if (chunks == 1) {
            rt.launch(src, "k3", lines, 0, x, y, x, lines, dim, inner, chunk, 1, reverse);
            return y;
        }
        String acc = d.isFloating() ? (fp64 ? "double" : "float") : d == DType.INT64 ? "long" : "int";
        cl_mem sums = rt.allocate((long) lines * chunks * accBytes(acc));
        rt.launch(src, "k1", (long) lines * chunks, 0, x, sums, lines, dim, inner, chunk, chunks, reverse);
        rt.launch(src, "k2", lines, 0, sums, lines, chunks);
        rt.launch(src, "k3", (long) lines * chunks, 0, x, y, sums, lines, dim, inner, chunk, chunks, reverse);
        ClRuntime.release(sums);
        return y;
    }

    private final java.util.concurrent.atomic.AtomicLong scans = new java.util.concurrent.atomic.AtomicLong();

    /** Cumulative ops computed by the native scan so far (for tests). */
    long scans() {
        return scans.get();
    }

    /** Reductions of at least this many elements per output use work-group tree reductions. */
    static final int GROUP_REDUCE_MIN = 256;

    /** Reductions done by work-group trees so far, and how many of them in two stages (for tests). */
    long[] groupReductions() {
        return new long[] {groupReductions.get(), twoStageReductions.get()};
    }

    /**
     * The one stride that walks the reduced dimensions in row-major order, or -1 where they do not
     * collapse into one (a reduction over the first and last axes, say).
     */
    private static int collapsedStride(int[] shape, int[] strides, int[] red) {
        int stride = -1;
        int span = 0; // the stride the next outer reduced dimension must have
        for (int i = red.length - 1; i >= 0; i--) {
            int d = red[i];
            if (shape[d] == 1) {
                continue;
            }
            if (stride < 0) {
                stride = strides[d];
            } else if (strides[d] != span) {
                return -1;
            }
            span = strides[d] * shape[d];
        }
        return stride < 0 ? 1 : stride;
    }

    /**
     * A tree reduction, one work-group per output; where there are too few outputs to fill the
     * device, each output's elements are split into chunks reduced by groups of their own, and the
     * partial results are reduced by a second launch.
     */
    private ClBuffer groupReduce(
            Primitive p, ArraySpec out, ClBuffer a, int[] kept, int[] shape, int[] strides, int m, int rstride) {
        DType d = a.spec().dtype();
        int group = FusedRenderer.groupSize(rt.device());
        int n = out.size();
        int chunks = reductionChunks(n, m, group);
        Sources.Fold f = Sources.fold(p, d, fp64);
        int accBytes = accBytes(f.acc());
        int[] table = new int[1 + 2 * kept.length];
        table[0] = kept.length;
        for (int i = 0; i < kept.length; i++) {
            table[1 + i] = shape[kept[i]];
            table[1 + kept.length + i] = strides[kept[i]];
        }
        groupReductions.incrementAndGet();
        ClBuffer result = allocate(out);
        cl_mem t = rt.upload(table);
        ClRuntime.Local scratch = new ClRuntime.Local((long) group * accBytes);
        if (chunks == 1) {
            rt.launch(
                    Sources.reduceGroup(p, d, fp64, false, false),
                    "k",
                    (long) n * group,
                    group,
                    a,
                    result,
                    t,
                    m,
                    1,
                    rstride,
                    scratch);
        } else {
            twoStageReductions.incrementAndGet();
            cl_mem partial = rt.allocate((long) n * chunks * accBytes);
            rt.launch(
                    Sources.reduceGroup(p, d, fp64, false, true),
                    "k",
                    (long) n * chunks * group,
                    group,
                    a,
                    partial,
                    t,
                    m,
                    chunks,
                    rstride,
                    scratch);
            // the partials of output o are contiguous: a kept table of one dimension of stride `chunks`
            cl_mem t2 = rt.upload(new int[] {1, n, chunks});
            rt.launch(
                    Sources.reduceGroup(p, d, fp64, true, false),
                    "k",
                    (long) n * group,
                    group,
                    partial,
                    result,
                    t2,
                    chunks,
                    1,
                    1,
                    scratch);
            ClRuntime.release(partial, t2);
        }
        ClRuntime.release(t);
        return result;
    }

    /**
     * The tiled product's sizes and strides for this product, {@code {batch, M, N, K, lbs, lis, lks,
     * rbs, rjs, rks}}: where tiles are on, the result is a float dtype of at least {@link
     * #TILED_MIN_WORK} multiply-adds, and each operand's batch, free and contracting indices reduce
     * to one stride; else null.
     */
    private int[] tiledPlan(Params.DotGeneral params, int[] ls, int[] rs, DType dtype, long outSize) {
        int[][] parts = dotOffsets(params, ls, rs);
        int[] lb = parts[0];
        int[] rb = parts[1];
        int[] lf = parts[2];
        int[] rf = parts[3];
        int[] lk = parts[4];
        int[] rk = parts[5];
        if (tiled == null || !dtype.isFloating() || outSize <= 0 || lk.length == 0) {
            return null;
        }
        int[] strides = {stride(lb), stride(lf), stride(lk), stride(rb), stride(rf), stride(rk)};
        if (!Arrays.stream(strides).allMatch(v -> v >= 0) || outSize * lk.length < TILED_MIN_WORK) {
            return null;
        }
        return new int[] {
            lb.length,
            lf.length,
            rf.length,
            lk.length,
            strides[0],
            strides[1],
            strides[2],
            strides[3],
            strides[4],
            strides[5]
        };
    }

    /** A rendered kernel's index table on the device (sizes and strides, read by every launch). */
    private ClBuffer tableBuffer(int[] table) {
        return new ClBuffer(ArraySpec.of(DType.INT32, table.length), rt.upload(table), rt);
    }

    /** A rendered kernel's literals on the device, as raw 64-bit words. */
    private ClBuffer literalsBuffer(long[] literals) {
        return new ClBuffer(
                ArraySpec.of(DType.INT64, literals.length),
                rt.upload(Pointer.to(literals), (long) literals.length * Long.BYTES),
                rt);
    }

    /**
     * A rendered fused kernel's leading arguments: its inputs, its outputs (allocated here and added
     * to {@code outs}), the index table and the literals.
     */
    private List<Object> fusedArgs(
            FusedKernel kernel, List<Buffer> inputs, List<Buffer> outs, Object table, Object literals) {
        return fusedArgs(List.of(kernel), inputs, outs, table, literals);
    }

    /** The same for a kernel group rendered as one kernel: the outputs of every member, in order. */
    private List<Object> fusedArgs(
            List<FusedKernel> kernels, List<Buffer> inputs, List<Buffer> outs, Object table, Object literals) {
        List<Object> args = new ArrayList<>();
        for (Buffer b : inputs) {
            args.add(cl(b));
        }
        for (FusedKernel k : kernels) {
            for (FusedKernel.Output o : k.outputs()) {
                ClBuffer out = allocate(o.spec());
                outs.add(out);
                args.add(out);
            }
        }
        args.add(table);
        args.add(literals);
        return args;
    }

    /**
     * The element offsets of a product's index groups, in the order lhs batch, rhs batch, lhs free,
     * rhs free, lhs contracting, rhs contracting (each from its operand's row-major strides).
     */
    private static int[][] dotOffsets(Params.DotGeneral params, int[] ls, int[] rs) {
        int[] lBatch = params.lhsBatch().toArray();
        int[] rBatch = params.rhsBatch().toArray();
        int[] lContract = params.lhsContract().toArray();
        int[] rContract = params.rhsContract().toArray();
        return new int[][] {
            offsets(ls, lBatch),
            offsets(rs, rBatch),
            offsets(ls, free(ls.length, lBatch, lContract)),
            offsets(rs, free(rs.length, rBatch, rContract)),
            offsets(ls, lContract),
            offsets(rs, rContract)
        };
    }

    private ClBuffer dot(Params.DotGeneral params, ArraySpec out, ClBuffer lhs, ClBuffer rhs) {
        int[] ls = lhs.spec().shape();
        int[] rs = rhs.spec().shape();
        int[] plan = tiledPlan(params, ls, rs, out.dtype(), out.size());
        if (plan != null) {
            return tiledDot(out, lhs, rhs, plan[0], plan[1], plan[2], plan[3], Arrays.copyOfRange(plan, 4, 10));
        }
        int[][] parts = dotOffsets(params, ls, rs);
        int[] lf = parts[2];
        int[] rf = parts[3];
        int[] lk = parts[4];
        int total = 0;
        int[] starts = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            starts[i] = total;
            total += parts[i].length;
        }
        int[] table = new int[total];
        for (int i = 0; i < parts.length; i++) {
            System.arraycopy(parts[i], 0, table, starts[i], parts[i].length);
        }
        ClBuffer result = allocate(out);
        if (out.size() > 0) {
            cl_mem t = rt.upload(table);
            rt.launch(
                    Sources.dotGeneral(out.dtype(), fp64),
                    "k",
                    out.size(),
                    0,
                    lhs,
                    rhs,
                    result,
                    t,
                    out.size(),
                    lf.length,
                    rf.length,
                    lk.length,
                    starts[0],
                    starts[1],
                    starts[2],
                    starts[3],
                    starts[4],
                    starts[5]);
            ClRuntime.release(t);
        }
        return result;
    }

    /** Products of at least this many multiply-adds take the tiled kernel (when their strides allow). */
    static final long TILED_MIN_WORK = 1 << 12;

    /**
     * The tiled product's parameters for this device, from its reported sizes: {@code tm, tn, tk,
     * rm, rn}; null where even the smallest tiles do not fit its work-group or local memory.
     */
    static int[] tileParameters(ClDevice device, boolean fp64) {
        int elem = fp64 ? 8 : 4;
        int[][] candidates = {{64, 64, 16, 4, 4}, {32, 32, 16, 2, 2}, {16, 16, 8, 2, 2}};
        for (int[] c : candidates) {
            long items = (long) (c[0] / c[3]) * (c[1] / c[4]);
            long local = (long) c[2] * (c[0] + 1 + c[1] + 1) * elem;
            if (items <= device.maxWorkGroupSize() && local <= device.localMemBytes()) {
                return c;
            }
        }
        return null;
    }

    /** The common difference of an offset table that is an arithmetic progression from 0, else -1. */
    private static int stride(int[] offsets) {
        if (offsets.length < 2) {
            return 0;
        }
        int d = offsets[1] - offsets[0];
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] != (long) i * d) {
                return -1;
            }
        }
        return d;
    }

    /** Products computed by the tiled kernel so far (for tests). */
    long tiledProducts() {
        return tiledProducts.get();
    }

    /**
     * Whether products run the CPU kernels ({@link Sources#cpuDotKernel}) on a CPU device (with the
     * fast paths); false runs the tiled kernel there too (for comparisons and tests).
     */
    volatile boolean cpuKernels = true;

    /**
     * Whether broadcasts, transposes and slices run one item per row of the output's last axis
     * ({@link Sources#affineGatherRows}) where that row has at least {@link #ROW_GATHER_MIN_WIDTH}
     * elements: on a CPU device with the fast paths (a GPU wants one item per element, so that
     * neighbouring items touch neighbouring elements).
     */
    volatile boolean rowGathers;

    static final int ROW_GATHER_MIN_WIDTH = 16;

    private final java.util.concurrent.atomic.AtomicLong cpuProducts = new java.util.concurrent.atomic.AtomicLong();

    /** Products (on their own or with an epilogue) computed by the CPU kernels so far (for tests). */
    long cpuProducts() {
        return cpuProducts.get();
    }

    /** Whether products on float32 and float64 run the CPU kernels on this device (a CPU device, with the fast paths). */
    boolean hasCpuProducts() {
        return cpuDot32 != null;
    }

    /** The CPU product's parameters for this dtype, or null where the tiled kernel runs. */
    private int[] cpuDotParameters(DType dtype) {
        if (!cpuKernels) {
            return null;
        }
        return dtype == DType.FLOAT32 ? cpuDot32 : dtype == DType.FLOAT64 ? cpuDot64 : null;
    }

    /**
     * The CPU product's parameters {@code {vw, rm, nv, dm, dn}} for a device whose preferred vector
     * width for the dtype is {@code width} elements of {@code bytes} each: vectors of that width (at
     * least 2, at most 16); blocks of 8 rows by 2 vectors and 4 × 4 dot products where the vectors
     * are 512 bits (AVX-512 has 32 vector registers), else 6 × 2 and 3 × 3 (16 registers), so the
     * sums and the loaded values stay in registers.
     */
    static int[] cpuDotParameters(int width, int bytes) {
        int vw = Integer.highestOneBit(Math.clamp(width, 2, 16));
        boolean wide = vw * bytes >= 64;
        return wide ? new int[] {vw, 8, 2, 4, 4} : new int[] {vw, 6, 2, 3, 3};
    }

    /**
     * Whether the CPU product takes its dot-product form: {@code rhs} not read along its rows but
     * both operands contiguous along the contracted index ({@code x @ w.T}). {@code plan} as {@link
     * #tiledPlan}.
     */
    private static boolean dotForm(int[] plan) {
        return plan[8] != 1 && plan[6] == 1 && plan[9] == 1;
    }

    private static long[] cpuDotGroups(int[] plan, int[] p, boolean dotForm) {
        int rows = dotForm ? p[3] : p[1];
        int cols = dotForm ? p[4] : p[0] * p[2];
        return new long[] {(plan[1] + rows - 1) / rows, (plan[2] + cols - 1) / cols, plan[0]};
    }

    private long[] tiledGroups(int[] plan) {
        int[] p = tiled;
        return new long[] {(plan[2] + p[1] - 1) / p[1], (plan[1] + p[0] - 1) / p[0], plan[0]};
    }

    private ClBuffer tiledDot(ArraySpec out, ClBuffer lhs, ClBuffer rhs, int b, int m, int n, int k, int[] s) {
        int[] p = tiled;
        tiledProducts.incrementAndGet();
        ClBuffer result = allocate(out);
        int[] cp = cpuDotParameters(out.dtype());
        int[] plan = {b, m, n, k, s[0], s[1], s[2], s[3], s[4], s[5]};
        String source;
        long[] groups;
        long[] local;
        if (cp != null) {
            cpuProducts.incrementAndGet();
            boolean dotForm = dotForm(plan);
            source = Sources.cpuDot(out.dtype(), fp64, dotForm, cp);
            groups = cpuDotGroups(plan, cp, dotForm);
            local = new long[] {1, 1, 1};
        } else {
            source = Sources.tiledDot(out.dtype(), fp64, p[0], p[1], p[2], p[3], p[4]);
            groups = tiledGroups(plan);
            local = new long[] {p[1] / p[4], p[0] / p[3], 1};
        }
        rt.launch3(source, "k", groups, local, lhs, rhs, result, m, n, k, s[0], s[1], s[2], s[3], s[4], s[5]);
        return result;
    }

    private static int[] free(int rank, int[] batch, int[] contract) {
        boolean[] used = new boolean[rank];
        for (int d : batch) {
            used[d] = true;
        }
        for (int d : contract) {
            used[d] = true;
        }
        return IntStream.range(0, rank).filter(d -> !used[d]).toArray();
    }

    /** The operand offset of every index of the listed dimensions, in row-major order of the list. */
    private static int[] offsets(int[] shape, int[] dims) {
        int[] strides = Shape.strides(shape);
        int[] sub = new int[dims.length];
        int[] coef = new int[dims.length];
        for (int d = 0; d < dims.length; d++) {
            sub[d] = shape[dims[d]];
            coef[d] = strides[dims[d]];
        }
        int[] result = new int[Shape.size(sub)];
        int[] index = new int[dims.length];
        for (int i = 0; i < result.length; i++) {
            int s = 0;
            for (int d = 0; d < dims.length; d++) {
                s += index[d] * coef[d];
            }
            result[i] = s;
            for (int d = dims.length - 1; d >= 0; d--) {
                if (++index[d] < sub[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return result;
    }
}
