package dev.kiln.internal.parallel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.kiln.DType;
import dev.kiln.DeviceException;
import dev.kiln.KilnException;
import dev.kiln.spi.Communicator.ReduceOp;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * Open MPI's {@code libmpi} bound with {@code java.lang.foreign}: the calls Kiln's collectives need,
 * on {@code MPI_COMM_WORLD}. Open MPI's handles are addresses of exported globals ({@code
 * MPI_COMM_WORLD} is {@code &ompi_mpi_comm_world}), so this binding is specific to Open MPI. Every
 * call is made under one lock (one leader thread per process talks to MPI at a time), and data crosses
 * through native memory, never heap arrays.
 */
public final class Mpi {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final int RTLD_NOW = 2;
    private static final int RTLD_GLOBAL = 0x100;
    private static final int MPI_THREAD_MULTIPLE = 3;
    private static final String LIBRARY = "libmpi.so.40";

    private final SymbolLookup mpi;
    private final MethodHandle allreduce;
    /** The same function, called with heap arrays in place (see {@link #allReduce}). */
    private final MethodHandle allreduceOnHeap;

    private final MethodHandle allgather;
    private final MethodHandle reduceScatterBlock;
    private final MethodHandle alltoall;
    private final MethodHandle isend;
    private final MethodHandle irecv;
    private final MethodHandle waitall;
    private final MethodHandle abort;
    private final MethodHandle finalizeCall;
    private final MethodHandle barrier;
    private final MemorySegment world;
    private final int rank;
    private final int size;
    private final int[] deviceCounts;
    private boolean finalized;
    /**
     * Native staging memory for the calls, reused from call to call (every call holds this object's
     * lock) and replaced only by a larger one: allocating and zeroing fresh native memory per call
     * cost more than the MPI call itself (34 ms per 1 MB all-reduce against 0.2 ms in C, measured).
     */
    private final MemorySegment[] scratch = {MemorySegment.NULL, MemorySegment.NULL};

    private Mpi(SymbolLookup mpi, int localDevices) throws Throwable {
        this.mpi = mpi;
        MethodHandle initThread = fn("MPI_Init_thread", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        MethodHandle commRank = fn("MPI_Comm_rank", JAVA_INT, ADDRESS, ADDRESS);
        MethodHandle commSize = fn("MPI_Comm_size", JAVA_INT, ADDRESS, ADDRESS);
        allreduce = fn("MPI_Allreduce", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        allreduceOnHeap = LINKER.downcallHandle(
                mpi.findOrThrow("MPI_Allreduce"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                Linker.Option.critical(true));
        allgather = fn("MPI_Allgather", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        reduceScatterBlock =
                fn("MPI_Reduce_scatter_block", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        isend = fn("MPI_Isend", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        irecv = fn("MPI_Irecv", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        waitall = fn("MPI_Waitall", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        alltoall = fn("MPI_Alltoall", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        abort = fn("MPI_Abort", JAVA_INT, ADDRESS, JAVA_INT);
        finalizeCall = fn("MPI_Finalize", JAVA_INT);
        barrier = fn("MPI_Barrier", JAVA_INT, ADDRESS);
        world = mpi.findOrThrow("ompi_mpi_comm_world");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment provided = a.allocate(JAVA_INT);
            ok(
                    (int) initThread.invokeExact(MemorySegment.NULL, MemorySegment.NULL, MPI_THREAD_MULTIPLE, provided),
                    "MPI_Init_thread");
            MemorySegment v = a.allocate(JAVA_INT);
            ok((int) commRank.invokeExact(world, v), "MPI_Comm_rank");
            rank = v.get(JAVA_INT, 0);
            ok((int) commSize.invokeExact(world, v), "MPI_Comm_size");
            size = v.get(JAVA_INT, 0);
            MemorySegment mine = a.allocate(JAVA_INT);
            mine.set(JAVA_INT, 0, localDevices);
            MemorySegment all = a.allocate(JAVA_INT, size);
            MemorySegment intType = mpi.findOrThrow("ompi_mpi_int32_t");
            ok((int) allgather.invokeExact(mine, 1, intType, all, 1, intType, world), "MPI_Allgather");
            deviceCounts = all.toArray(JAVA_INT);
        }
    }

    private MethodHandle fn(String name, ValueLayout ret, ValueLayout... args) {
        return LINKER.downcallHandle(mpi.findOrThrow(name), FunctionDescriptor.of(ret, args));
    }

    /** Whether this process was started by {@code mpirun} (Open MPI sets these variables in each rank). */
    public static boolean underMpirun() {
        return System.getenv("OMPI_COMM_WORLD_SIZE") != null;
    }

    /**
     * Loads libmpi ({@code RTLD_GLOBAL}, as Open MPI's plugins need), initialises MPI and exchanges the
     * number of devices each process has. Installs a handler that aborts the whole job, naming this
     * rank, when a thread dies of an uncaught exception, and finalises MPI at exit.
     */
    public static Mpi start(int localDevices) {
        SymbolLookup lookup;
        try {
            MethodHandle dlopen = LINKER.downcallHandle(
                    LINKER.defaultLookup().findOrThrow("dlopen"), FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
            MemorySegment handle;
            try (Arena a = Arena.ofConfined()) {
                handle = (MemorySegment) dlopen.invokeExact(a.allocateFrom(LIBRARY), RTLD_NOW | RTLD_GLOBAL);
            }
            if (handle.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("dlopen(" + LIBRARY + ") returned NULL");
            }
            lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (Throwable t) {
            throw new DeviceException(
                    "Distributed.initialize: cannot load Open MPI's " + LIBRARY + " (" + t.getMessage()
                            + "); install Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev) and start the program"
                            + " with mpirun",
                    t);
        }
        Mpi m;
        try {
            m = new Mpi(lookup, localDevices);
        } catch (KilnException e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException("Distributed.initialize: MPI could not be initialised: " + t, t);
        }
        m.installHandlers();
        return m;
    }

    private void installHandlers() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                e.printStackTrace();
            }
            abort("uncaught " + e + " in thread " + thread.getName(), 1);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(this::finalizeAtExit, "kiln-mpi-finalize"));
    }

    public int rank() {
        return rank;
    }

    public int size() {
        return size;
    }

    public int deviceCount(int process) {
        return deviceCounts[process];
    }

    /** Takes the whole job down: prints why, with this rank, and calls MPI_Abort. */
    public void abort(String why, int code) {
        System.err.println("Kiln: process " + rank + " of " + size + " is ending the job: " + why);
        System.err.flush();
        try {
            int ignored = (int) abort.invokeExact(world, code);
        } catch (Throwable t) {
            Runtime.getRuntime().halt(code);
        }
    }

    /** Finalises MPI once; every process must call it (done at JVM exit). */
    public synchronized void finish() {
        if (!finalized) {
            finalized = true;
            try {
                ok((int) finalizeCall.invokeExact(), "MPI_Finalize");
            } catch (KilnException e) {
                throw e;
            } catch (Throwable t) {
                throw new DeviceException("MPI_Finalize failed: " + t, t);
            }
        }
    }

    private void finalizeAtExit() {
        // a process leaving normally waits for its peers in MPI_Finalize; one that cannot (they are gone)
        // must not hang the exit
        Thread t = new Thread(this::finish, "kiln-mpi-finalize-call");
        t.setDaemon(true);
        t.start();
        try {
            t.join(20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void barrier() {
        try {
            ok((int) barrier.invokeExact(world), "MPI_Barrier");
        } catch (KilnException e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException("MPI_Barrier failed: " + t, t);
        }
    }

    // ------------------------------------------------------------------ data

    private MemorySegment type(DType t) {
        return mpi.findOrThrow(
                switch (t.storage()) {
                    case FLOAT32 -> "ompi_mpi_float";
                    case FLOAT64 -> "ompi_mpi_double";
                    case INT32 -> "ompi_mpi_int32_t";
                    case UINT32 -> "ompi_mpi_uint32_t";
                    case INT64 -> "ompi_mpi_int64_t";
                    case BOOL -> "ompi_mpi_c_bool";
                    default -> throw new IllegalStateException("unreachable: " + t);
                });
    }

    private MemorySegment op(DType t, ReduceOp op) {
        if (t == DType.BOOL) {
            return mpi.findOrThrow(op == ReduceOp.MIN ? "ompi_mpi_op_land" : "ompi_mpi_op_lor");
        }
        return mpi.findOrThrow(
                switch (op) {
                    case SUM -> "ompi_mpi_op_sum";
                    case MAX -> "ompi_mpi_op_max";
                    case MIN -> "ompi_mpi_op_min";
                });
    }

    /** Staging segment {@code which} (0 for what is sent, 1 for what is received), at least {@code bytes} long. */
    private MemorySegment scratch(int which, long bytes) {
        long need = Math.max(bytes, 64);
        if (scratch[which].byteSize() < need) {
            // the old segment is freed when unreachable; grow by half again to limit reallocations
            long size = Math.max(need, scratch[which].byteSize() * 3 / 2);
            scratch[which] = Arena.ofAuto().allocate(size, 64);
        }
        return scratch[which].asSlice(0, need);
    }

    /** {@code h}'s elements in staging segment 0. */
    private MemorySegment toNative(HostBuffer h) {
        ValueLayout l = layout(h.spec().dtype());
        MemorySegment s = scratch(0, l.byteSize() * Math.max(1, h.spec().size()));
        copyIn(h, s);
        return s;
    }

    /** Copies {@code h}'s elements to the start of {@code s}. */
    private static void copyIn(HostBuffer h, MemorySegment s) {
        switch (h.data()) {
            case float[] f -> MemorySegment.copy(f, 0, s, ValueLayout.JAVA_FLOAT, 0, f.length);
            case double[] d -> MemorySegment.copy(d, 0, s, ValueLayout.JAVA_DOUBLE, 0, d.length);
            case int[] i -> MemorySegment.copy(i, 0, s, ValueLayout.JAVA_INT, 0, i.length);
            case long[] g -> MemorySegment.copy(g, 0, s, ValueLayout.JAVA_LONG, 0, g.length);
            case boolean[] b -> {
                for (int k = 0; k < b.length; k++) {
                    s.set(ValueLayout.JAVA_BYTE, k, (byte) (b[k] ? 1 : 0));
                }
            }
            default ->
                throw new IllegalArgumentException("no host storage " + h.data().getClass());
        }
    }

    private static HostBuffer fromNative(MemorySegment s, dev.kiln.ir.ArraySpec spec) {
        HostBuffer h = HostBuffer.allocate(spec);
        copyOut(s, h);
        return h;
    }

    /** Copies the start of {@code s} into {@code h}'s elements. */
    private static void copyOut(MemorySegment s, HostBuffer h) {
        switch (h.data()) {
            case float[] f -> MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, 0, f, 0, f.length);
            case double[] d -> MemorySegment.copy(s, ValueLayout.JAVA_DOUBLE, 0, d, 0, d.length);
            case int[] i -> MemorySegment.copy(s, ValueLayout.JAVA_INT, 0, i, 0, i.length);
            case long[] g -> MemorySegment.copy(s, ValueLayout.JAVA_LONG, 0, g, 0, g.length);
            case boolean[] b -> {
                for (int k = 0; k < b.length; k++) {
                    b[k] = s.get(ValueLayout.JAVA_BYTE, k) != 0;
                }
            }
            default ->
                throw new IllegalArgumentException("no host storage " + h.data().getClass());
        }
    }

    private static ValueLayout layout(DType t) {
        return switch (t.storage()) {
            case FLOAT32 -> ValueLayout.JAVA_FLOAT;
            case FLOAT64 -> ValueLayout.JAVA_DOUBLE;
            case INT32, UINT32 -> ValueLayout.JAVA_INT;
            case INT64 -> ValueLayout.JAVA_LONG;
            case BOOL -> ValueLayout.JAVA_BYTE;
            default -> throw new IllegalStateException("unreachable: " + t);
        };
    }

    /**
     * Below this many bytes an all-reduce goes through the native staging memory: its two copies cost
     * a fraction of a millisecond there, while the heap path's extra {@code MPI_Barrier} is one more
     * meeting of the processes, which on a loaded machine can wait for a descheduled peer. From it on,
     * MPI works on the heap arrays.
     */
    static final long HEAP_PATH_BYTES = 2 << 20;

    /**
     * MPI_Allreduce of {@code in} over every process. With {@code mayOverwrite} the caller owns {@code
     * in} and nobody else sees it, so the result is computed in its array; otherwise in a copy of it.
     *
     * <p>Large numeric arrays are not staged: MPI works in place ({@code MPI_IN_PLACE}) on the result
     * array where it lies in the Java heap, through a critical downcall (the one FFM call that accepts
     * heap memory). Copying in and out of native memory instead doubled the time of a 16 MB
     * all-reduce. The copy of the input is a clone, which the JVM does not zero first, and Open MPI's
     * all-reduce of two buffers starts with the same copy (C, 16 MB, best of 60: 3.2 ms from one buffer
     * to another, 2.2 ms in place, 3.4 ms copy then in place). A critical call keeps the thread in
     * Java, so the JVM cannot reach a safepoint (for a garbage collection, say) until it returns; so the
     * processes first meet in an ordinary {@code MPI_Barrier}, where waiting for a late peer leaves the
     * JVM free, and the critical call that follows only spans the data movement itself.
     */
    public synchronized HostBuffer allReduce(HostBuffer in, ReduceOp op, boolean mayOverwrite) {
        DType dtype = in.spec().dtype();
        int n = in.spec().size();
        if (dtype == DType.BOOL || (long) n * layout(dtype).byteSize() < HEAP_PATH_BYTES) {
            return allReduceStaged(in, op);
        }
        try {
            HostBuffer out = mayOverwrite ? in : HostBuffer.wrap(in.spec(), cloneArray(in.data()));
            ok((int) barrier.invokeExact(world), "MPI_Barrier");
            ok(
                    (int) allreduceOnHeap.invokeExact(IN_PLACE, onHeap(out), n, type(dtype), op(dtype, op), world),
                    "MPI_Allreduce");
            return out;
        } catch (KilnException e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException("MPI_Allreduce failed: " + t, t);
        }
    }

    /** Open MPI's {@code MPI_IN_PLACE}, {@code (void *) 1}. */
    private static final MemorySegment IN_PLACE = MemorySegment.ofAddress(1);

    private static Object cloneArray(Object data) {
        return switch (data) {
            case float[] f -> f.clone();
            case double[] d -> d.clone();
            case int[] i -> i.clone();
            case long[] g -> g.clone();
            default -> throw new IllegalArgumentException("no numeric storage " + data.getClass());
        };
    }

    /** A heap segment over the array of {@code h} (numeric dtypes only). */
    private static MemorySegment onHeap(HostBuffer h) {
        return switch (h.data()) {
            case float[] f -> MemorySegment.ofArray(f);
            case double[] d -> MemorySegment.ofArray(d);
            case int[] i -> MemorySegment.ofArray(i);
            case long[] g -> MemorySegment.ofArray(g);
            default ->
                throw new IllegalArgumentException(
                        "no heap segment for " + h.data().getClass());
        };
    }

    /** MPI_Allreduce through the native staging memory, in place there. */
    private HostBuffer allReduceStaged(HostBuffer in, ReduceOp op) {
        try {
            MemorySegment s = toNative(in);
            int n = in.spec().size();
            ok(
                    (int) allreduce.invokeExact(
                            IN_PLACE,
                            s,
                            n,
                            type(in.spec().dtype()),
                            op(in.spec().dtype(), op),
                            world),
                    "MPI_Allreduce");
            return fromNative(s, in.spec());
        } catch (KilnException e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException("MPI_Allreduce failed: " + t, t);
        }
    }

    /** MPI_Allreduce on native memory already laid out (for benchmarks and large sums). */
    public synchronized void allReduceNative(MemorySegment in, MemorySegment out, int n, DType t, ReduceOp op) {
        try {
            ok((int) allreduce.invokeExact(in, out, n, type(t), op(t, op), world), "MPI_Allreduce");
        } catch (KilnException e) {
            throw e;
        } catch (Throwable t2) {
            throw new DeviceException("MPI_Allreduce failed: " + t2, t2);
        }
    }

    /** MPI_Allgather: every process's {@code in} (equal specs), concatenated in rank order, as {@code out}. */
    public synchronized HostBuffer allGather(HostBuffer in, dev.kiln.ir.ArraySpec out) {
        try {
            MemorySegment s = toNative(in);
            MemorySegment r = scratch(1, s.byteSize() * size);
            MemorySegment t = type(in.spec().dtype());
            int n = in.spec().size();
            ok((int) allgather.invokeExact(s, n, t, r, n, t, world), "MPI_Allgather");
            return fromNative(r, out);
        } catch (KilnException e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException("MPI_Allgather failed: " + t, t);
        }
    }

    /** MPI_Reduce_scatter_block: {@code in} holds {@code size} equal blocks; this process gets the reduced block of its rank. */
    public synchronized HostBuffer reduceScatterBlock(HostBuffer in, ReduceOp op, dev.kiln.ir.ArraySpec out) {
        try {
            MemorySegment s = toNative(in);
            MemorySegment r = scratch(1, s.byteSize() / size + 8);
            int n = out.size();
            ok(
                    (int) reduceScatterBlock.invokeExact(
                            s, r, n, type(in.spec().dtype()), op(in.spec().dtype(), op), world),
                    "MPI_Reduce_scatter_block");
            return fromNative(r, out);
        } catch (KilnException e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException("MPI_Reduce_scatter_block failed: " + t, t);
        }
    }

    /** MPI_Alltoall: {@code in} holds {@code size} equal blocks, block q going to rank q; the result holds block p from rank p. */
    public synchronized HostBuffer allToAll(HostBuffer in) {
        try {
            MemorySegment s = toNative(in);
            MemorySegment r = scratch(1, s.byteSize());
            MemorySegment t = type(in.spec().dtype());
            int n = in.spec().size() / size;
            ok((int) alltoall.invokeExact(s, n, t, r, n, t, world), "MPI_Alltoall");
            return fromNative(r, in.spec());
        } catch (KilnException e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException("MPI_Alltoall failed: " + t, t);
        }
    }

    /** One message of {@link #exchange}: a buffer to or from process {@code peer}, matched by {@code tag}. */
    public record Message(int peer, int tag, HostBuffer buffer) {}

    /**
     * Point-to-point exchange (what {@code ppermute} needs): every send and receive is posted at
     * once ({@code MPI_Isend}, {@code MPI_Irecv}) and then awaited ({@code MPI_Waitall}), so no
     * order of the pairs can deadlock. Receives fill their buffers in place. All buffers have the
     * same spec.
     */
    public synchronized void exchange(List<Message> sends, List<Message> receives) {
        int count = sends.size() + receives.size();
        if (count == 0) {
            return;
        }
        HostBuffer any = (sends.isEmpty() ? receives : sends).get(0).buffer();
        ValueLayout l = layout(any.spec().dtype());
        long bytes = l.byteSize() * Math.max(1, any.spec().size());
        int n = any.spec().size();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = scratch(0, bytes * Math.max(1, sends.size()));
            MemorySegment in = scratch(1, bytes * Math.max(1, receives.size()));
            MemorySegment requests = a.allocate(ADDRESS, count);
            MemorySegment t = type(any.spec().dtype());
            int r = 0;
            for (int k = 0; k < receives.size(); k++) {
                Message m = receives.get(k);
                ok(
                        (int) irecv.invokeExact(
                                in.asSlice(k * bytes, bytes),
                                n,
                                t,
                                m.peer(),
                                m.tag(),
                                world,
                                requests.asSlice(r++ * ADDRESS.byteSize(), ADDRESS.byteSize())),
                        "MPI_Irecv");
            }
            for (int k = 0; k < sends.size(); k++) {
                Message m = sends.get(k);
                MemorySegment slot = out.asSlice(k * bytes, bytes);
                copyIn(m.buffer(), slot);
                ok(
                        (int) isend.invokeExact(
                                slot,
                                n,
                                t,
                                m.peer(),
                                m.tag(),
                                world,
                                requests.asSlice(r++ * ADDRESS.byteSize(), ADDRESS.byteSize())),
                        "MPI_Isend");
            }
            // Open MPI's MPI_STATUSES_IGNORE is a null pointer
            ok((int) waitall.invokeExact(count, requests, MemorySegment.NULL), "MPI_Waitall");
            for (int k = 0; k < receives.size(); k++) {
                copyOut(in.asSlice(k * bytes, bytes), receives.get(k).buffer());
            }
        } catch (KilnException e) {
            throw e;
        } catch (Throwable e) {
            throw new DeviceException("MPI point-to-point exchange failed: " + e, e);
        }
    }

    private static void ok(int rc, String what) {
        if (rc != 0) {
            throw new DeviceException(what + " returned error code " + rc);
        }
    }

    /** The group of one pmap call whose devices span processes. */
    public Group group(List<Device> devices, List<Integer> local) {
        return new MpiGroup(this, devices, local);
    }
}
