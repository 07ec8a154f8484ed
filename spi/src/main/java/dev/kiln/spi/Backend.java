package dev.kiln.spi;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * An opened backend: it holds buffers on its devices and executes primitives on them.
 *
 * <p>The required core is small: move data in and out ({@link #fromHost}, {@link #toHost}) and
 * {@link #execute} every primitive. Kiln's frontend has already checked shapes and dtypes and
 * computed the output spec when it calls {@code execute}, so a backend trusts its arguments.
 * Compiled kernels and whole-program compilation are optional methods with working defaults, so
 * a new backend is correct before it is fast.
 */
public interface Backend {
    /** The provider's name, such as {@code "cpu-simd"}. */
    String name();

    /** The devices this backend computes on; the first is the default. */
    List<Device> devices();

    /**
     * The device this backend object places buffers on and computes on. A backend with several
     * devices returns one object per device from {@link #onDevice}; the default is the first device.
     */
    default Device device() {
        return devices().get(0);
    }

    /**
     * This backend bound to one of its {@link #devices()}: arrays whose backend is the result live on
     * that device, and operations on them run there. The default knows one device and returns this
     * backend for it. A backend with several devices returns one object per device (the same one each
     * time, since Kiln compares backends by identity to see whether data must move).
     *
     * @throws IllegalArgumentException when {@code device} is not one of this backend's
     */
    default Backend onDevice(Device device) {
        if (device.equals(device())) {
            return this;
        }
        throw new IllegalArgumentException(
                "onDevice: backend '" + name() + "' has no device " + device + "; its devices are " + devices());
    }

    /**
     * Runs {@code work} on the calling thread as {@code device}'s computation: {@code pmap} compiles
     * a program once and each device's thread runs it inside this call. A backend binds what the
     * device owns for the duration (cpu-simd: the device's share of worker threads; a GPU backend:
     * the device's queue). The default just runs it.
     */
    default <T> T runOn(Device device, java.util.function.Supplier<T> work) {
        return work.get();
    }

    // ---------------------------------------------------------------- collectives (see Communicator)

    /** {@link Communicator#allReduce} on this backend's buffers; the default goes through host memory. */
    default Buffer allReduce(Buffer in, Communicator.ReduceOp op, Communicator comm) {
        return fromHost(comm.allReduce(toHost(in), op));
    }

    /** {@link Communicator#allGather} on this backend's buffers; the default goes through host memory. */
    default Buffer allGather(Buffer in, Communicator comm) {
        return fromHost(comm.allGather(toHost(in)));
    }

    /** {@link Communicator#reduceScatter} on this backend's buffers; the default goes through host memory. */
    default Buffer reduceScatter(Buffer in, Communicator.ReduceOp op, Communicator comm) {
        return fromHost(comm.reduceScatter(toHost(in), op));
    }

    /** {@link Communicator#permute} on this backend's buffers; the default goes through host memory. */
    default Buffer permute(Buffer in, int[] sources, Communicator comm) {
        return fromHost(comm.permute(toHost(in), sources));
    }

    /** {@link Communicator#allToAll} on this backend's buffers; the default goes through host memory. */
    default Buffer allToAll(Buffer in, Communicator comm) {
        return fromHost(comm.allToAll(toHost(in)));
    }

    /** Optional abilities; see {@link Capability}. */
    Set<Capability> capabilities();

    /** Element types this backend stores and computes. */
    default Set<DType> dtypes() {
        // the narrow dtypes never reach a backend: Kiln stores them widened (DType.storage())
        EnumSet<DType> all = EnumSet.allOf(DType.class);
        all.removeIf(DType::isNarrow);
        return all;
    }

    /** Places host data on the default device. The backend may keep {@code host}'s array. */
    Buffer fromHost(HostBuffer host);

    /** Copies (or, for host backends, exposes) a buffer's data on the host. */
    HostBuffer toHost(Buffer buffer);

    /**
     * Whether this backend computes {@code primitive} natively on operands of {@code dtype} (the
     * first operand's dtype, the value operands' for {@code select}, the output's for {@code iota}).
     * Where it does not, Kiln runs the primitive's decomposition into core primitives instead, in
     * eager calls, in interpreted programs and before fusion planning, so {@link #execute} and {@link
     * #compileKernel} never see it. The default claims exactly the core ({@link Primitive#core()}) for
     * every dtype in {@link #dtypes()}: a new backend implements those and is complete. Override it to
     * claim more primitives natively (fast paths), or fewer dtypes for one primitive.
     */
    default boolean implementsNatively(Primitive primitive, DType dtype) {
        return primitive.isCore() && dtypes().contains(dtype);
    }

    /**
     * Applies one primitive. {@code out} is the output spec computed by Kiln's shape rules;
     * {@code inputs} are buffers of this backend, in the primitive's operand order. Kiln calls it
     * only for primitives that {@link #implementsNatively} claims; to apply any primitive on a
     * backend (decomposing it where needed), call {@link Lowering#execute}.
     *
     * @throws UnsupportedPrimitiveException when this backend does not implement {@code primitive}
     *     for these dtypes
     */
    Buffer execute(Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs);

    /**
     * Compiles a fused kernel (see {@link FusedKernel} for what it computes). The default, a {@link
     * KernelInterpreter}, runs the kernel's nodes one by one through {@link #execute}; backends that
     * generate code override it.
     */
    default CompiledKernel compileKernel(FusedKernel kernel) {
        return new KernelInterpreter(this, kernel);
    }

    /**
     * Compiles a group of kernels over the same rows (see {@link KernelGroup}): the result takes the
     * group's inputs and returns every kernel's outputs. The default runs the kernels one after
     * another, each compiled by {@link #compileKernel}; a backend may instead run them together, a
     * block of rows at a time, so each row is read from memory once.
     */
    default CompiledKernel compileKernelGroup(KernelGroup group) {
        return group.inSequence(
                group.kernels().stream().map(this::compileKernel).toList());
    }

    /**
     * Compiles a whole program. The default, {@link Lowering#compile}, replaces the primitives this
     * backend does not claim by their decompositions, cuts the program into fused kernels with Kiln's
     * fusion planner and compiles each with {@link #compileKernel} (other equations run through
     * {@link #execute}); backends that compile whole programs override it, and may call {@link
     * Lowering#decompose} first.
     */
    default Executable compile(dev.kiln.ir.Program program) {
        return Lowering.compile(this, program);
    }
}
