package dev.kiln.cpu;

import dev.kiln.DType;
import dev.kiln.cpu.codegen.KernelCompiler;
import dev.kiln.cpu.codegen.Workers;
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
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kiln's default backend: every primitive on Java heap arrays ({@link HostBuffer}), with Vector API
 * kernels for float elementwise ops, reductions and matmul, and large work split across cores.
 *
 * <p>Data stays in heap primitive arrays: the Vector API is fastest and most predictable on them,
 * and one buffer kind per backend keeps every kernel call site monomorphic. So {@link #fromHost}
 * and {@link #toHost} hand over the same object. Results that equal an operand (reshape, converting
 * int32 to uint32, rounding an integer) share its array, which is safe because buffers are
 * immutable.
 */
public final class CpuSimdBackend implements Backend {
    static final String NAME = "cpu-simd";

    /** Fused kernels become generated Vector API classes, sharing this backend's thread pool. */
    private final KernelCompiler kernels;

    /** A backend with every setting at its default (tests; the provider passes the options it was given). */
    public CpuSimdBackend() {
        this(Map.of());
    }

    /**
     * A backend configured by {@code options} ({@link CpuSimdProvider#settings()}). The thread count is
     * process-wide: when {@code kiln.cpu.threads} is given it sets the shared pool's size.
     */
    CpuSimdBackend(Map<String, String> options) {
        if (options.get(CpuSimdProvider.THREADS.name()) != null) {
            Parallel.configure(
                    CpuSimdProvider.THREADS.intIn(options, Runtime.getRuntime().availableProcessors()));
        }
        Workers workers = new Workers() {
            @Override
            public int threads() {
                return Parallel.threads();
            }

            @Override
            public void forRange(int n, int grain, int align, Range body) {
                Parallel.forRange(n, grain, align, body::run);
            }

            @Override
            public void alongside(Runnable onCaller, Runnable helper) {
                Parallel.alongside(onCaller, helper);
            }
        };
        this.kernels = new KernelCompiler(this, workers, CpuSimdProvider.CODEGEN.booleanIn(options));
        if (options.get(CpuSimdProvider.ROW_OVERLAP.name()) != null) {
            KernelCompiler.overlapRowAllocation(CpuSimdProvider.ROW_OVERLAP.booleanIn(options));
        }
        int count = CpuSimdProvider.DEVICES.intIn(options, 1);
        if (count < 1) {
            throw new IllegalArgumentException(
                    "kiln.cpu.devices must be at least 1, got " + count + "; set -Dkiln.cpu.devices=N with N >= 1");
        }
        int threads = Parallel.threads();
        Device[] devs = new Device[count];
        Backend[] vs = new Backend[count];
        Object[] ts = new Object[count];
        for (int i = 0; i < count; i++) {
            int share = Math.max(1, threads / count + (i < threads % count ? 1 : 0));
            devs[i] = new Device(NAME, "cpu", i, share + " threads, " + vectorBits() + "-bit vectors");
            ts[i] = count == 1 ? null : Parallel.newTeam(share);
        }
        this.deviceList = List.of(devs);
        this.teams = ts;
        for (int i = 0; i < count; i++) {
            vs[i] = i == 0 ? this : new CpuDevice(this, devs[i]);
        }
        this.views = vs;
    }

    private final List<Device> deviceList;
    /** Per device: its thread team, or null where the shared pool is used (one device). */
    private final Object[] teams;
    /** Per device: the backend object bound to it (device 0 is this backend). */
    private final Backend[] views;

    @Override
    public Backend onDevice(Device device) {
        int i = indexOf(device);
        return views[i];
    }

    @Override
    public <T> T runOn(Device device, java.util.function.Supplier<T> work) {
        Object team = teams[indexOf(device)];
        return team == null ? work.get() : Parallel.withTeam(team, work);
    }

    private int indexOf(Device device) {
        if (device.backend().equals(NAME) && device.id() >= 0 && device.id() < deviceList.size()) {
            return device.id();
        }
        throw new IllegalArgumentException("onDevice: backend '" + NAME + "' has no device " + device
                + "; its devices are " + deviceList + " (set -Dkiln.cpu.devices=N for more)");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Device> devices() {
        return deviceList;
    }

    /** The width of the vectors the kernels use. */
    static int vectorBits() {
        return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.SIMD, Capability.MULTITHREADED, Capability.FUSION);
    }

    /** Generated code where {@link KernelCompiler} can write it, else op by op. */
    @Override
    public CompiledKernel compileKernel(FusedKernel kernel) {
        return kernels.compileOr(kernel, k -> Backend.super.compileKernel(k));
    }

    /** The group a block of rows at a time where every kernel of it is generated code, else kernel by kernel. */
    @Override
    public CompiledKernel compileKernelGroup(KernelGroup group) {
        return kernels.compileGroup(group, this::compileKernel);
    }

    @Override
    public Buffer fromHost(HostBuffer host) {
        return host;
    }

    @Override
    public HostBuffer toHost(Buffer buffer) {
        return host(buffer);
    }

    /**
     * The primitives with kernels of their own, for every dtype. It is a list, not "all", so that a
     * primitive added later with a decomposition runs through that decomposition here until it is added.
     */
    private static final Set<Primitive> KERNELS = Collections.unmodifiableSet(EnumSet.of(
            Primitive.NEG,
            Primitive.ABS,
            Primitive.SIGN,
            Primitive.EXP,
            Primitive.EXP2,
            Primitive.LOG,
            Primitive.LOG1P,
            Primitive.EXPM1,
            Primitive.SQRT,
            Primitive.RSQRT,
            Primitive.CBRT,
            Primitive.SIN,
            Primitive.COS,
            Primitive.TAN,
            Primitive.ASIN,
            Primitive.ACOS,
            Primitive.ATAN,
            Primitive.SINH,
            Primitive.COSH,
            Primitive.TANH,
            Primitive.LOGISTIC,
            Primitive.ERF,
            Primitive.FLOOR,
            Primitive.CEIL,
            Primitive.ROUND,
            Primitive.NOT,
            Primitive.IS_FINITE,
            Primitive.ADD,
            Primitive.SUB,
            Primitive.MUL,
            Primitive.DIV,
            Primitive.REM,
            Primitive.POW,
            Primitive.MAX,
            Primitive.MIN,
            Primitive.ATAN2,
            Primitive.AND,
            Primitive.OR,
            Primitive.XOR,
            Primitive.SHIFT_LEFT,
            Primitive.SHIFT_RIGHT_ARITHMETIC,
            Primitive.SHIFT_RIGHT_LOGICAL,
            Primitive.EQ,
            Primitive.NE,
            Primitive.LT,
            Primitive.LE,
            Primitive.GT,
            Primitive.GE,
            Primitive.SELECT,
            Primitive.CONVERT,
            Primitive.REDUCE_SUM,
            Primitive.REDUCE_PROD,
            Primitive.REDUCE_MAX,
            Primitive.REDUCE_MIN,
            Primitive.REDUCE_AND,
            Primitive.REDUCE_OR,
            Primitive.ARGMAX,
            Primitive.ARGMIN,
            Primitive.CUMSUM,
            Primitive.CUMPROD,
            Primitive.CUMMAX,
            Primitive.CUMMIN,
            Primitive.BROADCAST_IN_DIM,
            Primitive.RESHAPE,
            Primitive.TRANSPOSE,
            Primitive.SLICE,
            Primitive.PAD,
            Primitive.CONCATENATE,
            Primitive.REV,
            Primitive.TAKE,
            Primitive.TAKE_ALONG_AXIS,
            Primitive.DYNAMIC_SLICE,
            Primitive.DYNAMIC_UPDATE_SLICE,
            Primitive.IOTA,
            Primitive.DOT_GENERAL));

    @Override
    public boolean implementsNatively(Primitive primitive, DType dtype) {
        return KERNELS.contains(primitive);
    }

    @Override
    public Buffer execute(Primitive p, Params params, ArraySpec out, List<Buffer> inputs) {
        HostBuffer[] in = new HostBuffer[inputs.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = host(inputs.get(i));
        }
        if (p == Primitive.RESHAPE) {
            return Movement.reshape(in[0], out);
        }
        Object data =
                switch (p.kind()) {
                    case UNARY -> Elementwise.unary(NAME, p, in[0]);
                    case BINARY -> Elementwise.binary(NAME, p, in[0], in[1]);
                    case COMPARE -> Elementwise.compare(p, in[0], in[1]);
                    case SELECT -> Elementwise.select(in[0], in[1], in[2]);
                    case CONVERT -> Convert.apply(in[0], ((Params.Convert) params).to());
                    case REDUCE -> Reductions.reduce(NAME, p, in[0], (Params.Reduce) params, out);
                    case ARG_REDUCE -> AxisScans.argReduce(p, in[0], (Params.ArgReduce) params, out);
                    case CUMULATIVE -> AxisScans.cumulative(p, in[0], (Params.Cumulative) params, out);
                    case MOVEMENT -> movement(p, params, in, out);
                    case INDEXING -> indexing(p, params, in, out);
                    case CREATION -> Indexing.iota((Params.Iota) params, out);
                    case CONTRACTION -> DotGeneral.apply(in[0], in[1], (Params.DotGeneral) params, out);
                    // control flow (cond, while, scan) is run by Kiln's program interpreter, which
                    // hands this backend the primitives of the sub-programs
                    default ->
                        throw new UnsupportedPrimitiveException(
                                NAME, p, "control flow is run by Kiln's program interpreter, not by execute");
                };
        return HostBuffer.wrap(out, data);
    }

    private static Object movement(Primitive p, Params params, HostBuffer[] in, ArraySpec out) {
        return switch (p) {
            case BROADCAST_IN_DIM -> Movement.broadcastInDim(in[0], (Params.BroadcastInDim) params, out);
            case TRANSPOSE -> Movement.transpose(in[0], (Params.Transpose) params, out);
            case SLICE -> Movement.slice(in[0], (Params.Slice) params, out);
            case PAD -> Movement.pad(in[0], in[1], (Params.Pad) params, out);
            case CONCATENATE -> Movement.concatenate(List.of(in), (Params.Axis) params, out);
            case REV -> Movement.rev(in[0], (Params.Rev) params, out);
            default -> throw new IllegalArgumentException(p + " is not a movement primitive");
        };
    }

    private static Object indexing(Primitive p, Params params, HostBuffer[] in, ArraySpec out) {
        List<HostBuffer> all = List.of(in);
        return switch (p) {
            case TAKE -> Indexing.take(in[0], in[1], (Params.Axis) params, out);
            case TAKE_ALONG_AXIS -> Indexing.takeAlongAxis(in[0], in[1], (Params.Axis) params, out);
            case DYNAMIC_SLICE ->
                Indexing.dynamicSlice(in[0], all.subList(1, in.length), (Params.DynamicSlice) params, out);
            case DYNAMIC_UPDATE_SLICE -> Indexing.dynamicUpdateSlice(in[0], in[1], all.subList(2, in.length), out);
            default -> throw new IllegalArgumentException(p + " is not an indexing primitive");
        };
    }

    private static HostBuffer host(Buffer b) {
        if (b instanceof HostBuffer h) {
            return h;
        }
        throw new IllegalArgumentException(
                "backend '" + NAME + "' was handed a " + b.getClass().getName()
                        + " from another backend; move the array with Kiln.devicePut(array, backend) first");
    }
}
