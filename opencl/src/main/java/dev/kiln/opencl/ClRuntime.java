package dev.kiln.opencl;

import static org.jocl.CL.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;
import org.jocl.cl_queue_properties;

/**
 * One device's context, its in-order command queue and its programs, cached by source: a kernel's
 * source depends on dtypes and structure, never on sizes (those are kernel arguments), so one build
 * serves every shape. Launches are enqueued without waiting; reads wait. Calls are serialised (a
 * {@code cl_kernel}'s arguments are shared state).
 */
final class ClRuntime {
    private final ClDevice device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final String buildOptions;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final long defaultGroup;
    private final AtomicInteger builds = new AtomicInteger();
    // buffers of collected arrays by size class, for reuse (see allocatePooled)
    private final Map<Long, ArrayDeque<cl_mem>> pool = new HashMap<>();
    private long pooledBytes;
    private long liveBytes;
    private final long poolLimit;
    private long gcThreshold;
    private final AtomicInteger collections = new AtomicInteger();
    private final long memoryBudget;
    private final AtomicLong buildNanos = new AtomicLong();

    ClRuntime(ClDevice device) {
        this.device = device;
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, device.platform());
        this.context = clCreateContext(props, 1, new cl_device_id[] {device.id()}, null, null, null);
        this.queue = createQueue(context, device);
        long global = Math.max(device.globalMemBytes(), 256L << 20);
        this.memoryBudget = global / 10 * 9;
        this.poolLimit = memoryBudget;
        this.gcThreshold = Math.min(global / 4, 512L << 20);
        this.defaultGroup = Math.max(1, Math.min(64, device.maxWorkGroupSize()));
        // exact math: no -cl-fast-relaxed-math; float32 division and sqrt correctly rounded where the
        // device can (with fp64, float32 division, sqrt and transcendentals are computed in double)
        this.buildOptions = device.correctlyRoundedDivideSqrt() ? "-cl-fp32-correctly-rounded-divide-sqrt" : "";
    }

    @SuppressWarnings("deprecation")
    private static cl_command_queue createQueue(cl_context context, ClDevice device) {
        try {
            return clCreateCommandQueueWithProperties(context, device.id(), new cl_queue_properties(), null);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // an OpenCL 1.x driver has only the older entry point
            return clCreateCommandQueue(context, device.id(), 0, null);
        }
    }

    ClDevice device() {
        return device;
    }

    /** Collections asked for by {@link #allocatePooled}. */
    int collections() {
        return collections.get();
    }

    /** Programs built so far in this process, and the time spent building them. */
    int builds() {
        return builds.get();
    }

    long buildNanos() {
        return buildNanos.get();
    }

    // ------------------------------------------------------------------ memory

    /**
     * A device buffer of at least {@code bytes} for an array, from the pool of buffers whose arrays
     * were collected, else new. Fresh memory is expensive on a CPU device (PoCL: some 0.4 s for the
     * first touch of 64 MiB on a loaded 2-core machine, where the kernel that fills it takes 15 ms),
     * so buffers are recycled by size class (four per octave) instead of released: {@link
     * #recycle} puts them back. When the arrays alive hold more than a threshold (a quarter of the
     * device's memory, at most 512 MiB, raised to twice what stays alive after a collection), the
     * collector is asked to find the unreachable ones first, as the JDK does for direct buffers.
     * The pool keeps what it gets back, up to 90% of the device's memory, and frees buffers of other
     * sizes when a new one would not fit.
     */
    cl_mem allocatePooled(long bytes) {
        long c = sizeClass(bytes);
        cl_mem m;
        boolean crowded;
        synchronized (pool) {
            m = take(c);
            crowded = m == null && liveBytes + c > gcThreshold;
        }
        if (crowded) {
            System.gc();
            collections.incrementAndGet();
            for (int i = 0; i < 50 && m == null; i++) {
                synchronized (pool) {
                    m = take(c);
                    if (m == null && liveBytes + c <= gcThreshold) {
                        break;
                    }
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (crowded) {
            synchronized (pool) {
                // the arrays alive really hold this much: collect again only when they hold twice as much
                if (liveBytes + c > gcThreshold) {
                    gcThreshold = Math.min(memoryBudget, Math.max(gcThreshold, 2 * (liveBytes + c)));
                }
            }
        }
        if (m == null) {
            synchronized (pool) {
                // make room: free pooled buffers of other sizes before asking the device for more
                while (pooledBytes > 0 && liveBytes + pooledBytes + c > memoryBudget) {
                    releaseOnePooled();
                }
            }
            m = allocate(c);
        }
        synchronized (pool) {
            liveBytes += c;
        }
        return m;
    }

    /** Puts an array's buffer from {@link #allocatePooled} back, or releases it if the pool is full. */
    void recycle(cl_mem m, long bytes) {
        long c = sizeClass(bytes);
        synchronized (pool) {
            liveBytes -= c;
            if (pooledBytes + c <= poolLimit) {
                pool.computeIfAbsent(c, k -> new ArrayDeque<>()).push(m);
                pooledBytes += c;
                return;
            }
        }
        release(m);
    }

    /** The capacity actually allocated for {@code bytes}: four size classes per power of two. */
    long sizeClass(long bytes) {
        long b = Math.max(bytes, 256);
        long high = Long.highestOneBit(b);
        long quarter = Math.max(1, high / 4);
        long c = (b + quarter - 1) / quarter * quarter;
        return c > device.maxAllocBytes() ? b : c;
    }

    private cl_mem take(long c) {
        ArrayDeque<cl_mem> q = pool.get(c);
        if (q == null || q.isEmpty()) {
            return null;
        }
        pooledBytes -= c;
        return q.pop();
    }

    private void releaseOnePooled() {
        for (Map.Entry<Long, ArrayDeque<cl_mem>> e : pool.entrySet()) {
            if (!e.getValue().isEmpty()) {
                release(e.getValue().pop());
                pooledBytes -= e.getKey();
                return;
            }
        }
        pooledBytes = 0;
    }

    /** A new device buffer of {@code bytes} (at least one byte: OpenCL has no empty buffers). */
    cl_mem allocate(long bytes) {
        return clCreateBuffer(context, CL_MEM_READ_WRITE, Math.max(bytes, 1), null, null);
    }

    /** A device buffer holding a copy of {@code host} ({@code bytes} long), from the pool. */
    cl_mem uploadPooled(Pointer host, long bytes) {
        cl_mem m = allocatePooled(bytes);
        if (bytes > 0) {
            synchronized (this) {
                clEnqueueWriteBuffer(queue, m, CL_TRUE, 0, bytes, host, 0, null, null);
            }
        }
        return m;
    }

    /** A new device buffer holding a copy of {@code host} ({@code bytes} long). */
    cl_mem upload(Pointer host, long bytes) {
        if (bytes == 0) {
            return allocate(1);
        }
        return clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, bytes, host, null);
    }

    cl_mem upload(int[] values) {
        return upload(
                Pointer.to(values.length == 0 ? new int[1] : values),
                (long) Math.max(1, values.length) * Sizeof.cl_int);
    }

    /** Copies {@code bytes} of {@code mem} into {@code host}, waiting for the commands before it. */
    synchronized void read(cl_mem mem, Pointer host, long bytes) {
        if (bytes > 0) {
            clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, bytes, host, 0, null, null);
        }
    }

    synchronized void copy(cl_mem from, cl_mem to, long bytes) {
        if (bytes > 0) {
            clEnqueueCopyBuffer(queue, from, to, 0, 0, bytes, 0, null, null);
        }
    }

    void finish() {
        clFinish(queue);
    }

    // ------------------------------------------------------------------ kernels

    /**
     * Enqueues {@code name} from {@code source} over {@code global} work items, rounded up to a
     * multiple of the work-group size {@code local} (0: 64, or the device's maximum if smaller);
     * kernels check their bound.
     * Arguments are {@code cl_mem}, {@link ClBuffer}, {@code Integer}, {@code Long}, {@code Float},
     * {@code Double}, or {@link Local} for local memory.
     */
    synchronized void launch(String source, String name, long global, long local, Object... args) {
        if (global <= 0) {
            return;
        }
        cl_kernel k = kernel(source, name);
        setArgs(k, args);
        // a fixed work-group size: PoCL compiles machine code per (kernel, work-group size), so letting
        // the driver pick one per global size would compile each kernel again for every array length
        long group = local > 0 ? local : defaultGroup;
        long rounded = (global + group - 1) / group * group;
        clEnqueueNDRangeKernel(queue, k, 1, null, new long[] {rounded}, new long[] {group}, 0, null, null);
    }

    /**
     * Enqueues {@code name} over a 3-D range of {@code groups[d]} work-groups of {@code local[d]}
     * items each (for kernels that fix their work-group size, such as the tiled product).
     */
    synchronized void launch3(String source, String name, long[] groups, long[] local, Object... args) {
        for (long g : groups) {
            if (g <= 0) {
                return;
            }
        }
        cl_kernel k = kernel(source, name);
        setArgs(k, args);
        long[] global = {groups[0] * local[0], groups[1] * local[1], groups[2] * local[2]};
        clEnqueueNDRangeKernel(queue, k, 3, null, global, local, 0, null, null);
    }

    private static void setArgs(cl_kernel k, Object[] args) {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            switch (a) {
                case cl_mem m -> clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(m));
                case ClBuffer b -> clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(b.mem()));
                case Integer v -> clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
                case Long v -> clSetKernelArg(k, i, Sizeof.cl_long, Pointer.to(new long[] {v}));
                case Float v -> clSetKernelArg(k, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
                case Double v -> clSetKernelArg(k, i, Sizeof.cl_double, Pointer.to(new double[] {v}));
                case Local l -> clSetKernelArg(k, i, l.bytes(), null);
                default -> throw new IllegalArgumentException("kernel argument " + a);
            }
        }
    }

    /** Local memory of this many bytes, as a kernel argument. */
    record Local(long bytes) {}

    /** Releases temporary buffers once the commands enqueued on them are done (OpenCL defers it). */
    static void release(cl_mem... mems) {
        for (cl_mem m : mems) {
            clReleaseMemObject(m);
        }
    }

    private cl_kernel kernel(String source, String name) {
        String key = name + "\u0000" + source;
        cl_kernel k = kernels.get(key);
        if (k == null) {
            k = clCreateKernel(program(source), name, null);
            kernels.put(key, k);
        }
        return k;
    }

    /** The program built from {@code source}, from the cache or built now. */
    synchronized cl_program program(String source) {
        cl_program p = programs.get(source);
        if (p == null) {
            long start = System.nanoTime();
            p = clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
            try {
                clBuildProgram(p, 1, new cl_device_id[] {device.id()}, buildOptions, null, null);
            } catch (CLException e) {
                String log = buildLog(p);
                clReleaseProgram(p);
                throw new KernelBuildException(device.name(), log, source, e);
            } finally {
                builds.incrementAndGet();
                buildNanos.addAndGet(System.nanoTime() - start);
            }
            programs.put(source, p);
        }
        return p;
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, device.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] b = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, device.id(), CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
            int n = 0;
            while (n < b.length && b[n] != 0) {
                n++;
            }
            return new String(b, 0, n, StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return "(the build log could not be read: " + e + ")";
        }
    }

    /** The sources of the programs built so far (for tests that check which kernel ran). */
    synchronized List<String> sources() {
        return new ArrayList<>(programs.keySet());
    }

    /** Names of the kernels built, for diagnostics. */
    synchronized List<String> kernelNames() {
        List<String> names = new ArrayList<>();
        for (String key : kernels.keySet()) {
            names.add(key.substring(0, key.indexOf('\u0000')));
        }
        return names;
    }
}
