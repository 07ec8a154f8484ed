package dev.kiln.cpu;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.Device;
import dev.kiln.spi.Executable;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelGroup;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * cpu-simd bound to one of its devices other than the first ({@code -Dkiln.cpu.devices=N}): the same
 * kernels and heap buffers, with every operation run on the device's own share of the threads. All
 * devices share memory, so moving an array between them costs nothing, and collectives read the other
 * devices' buffers directly (the host defaults of {@link Backend} copy nothing here).
 */
final class CpuDevice implements Backend {
    private final CpuSimdBackend base;
    private final Device device;

    CpuDevice(CpuSimdBackend base, Device device) {
        this.base = base;
        this.device = device;
    }

    private <T> T on(Supplier<T> work) {
        return base.runOn(device, work);
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public List<Device> devices() {
        return base.devices();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public Backend onDevice(Device d) {
        return base.onDevice(d);
    }

    @Override
    public <T> T runOn(Device d, Supplier<T> work) {
        return base.runOn(d, work);
    }

    @Override
    public Set<Capability> capabilities() {
        return base.capabilities();
    }

    @Override
    public Set<DType> dtypes() {
        return base.dtypes();
    }

    @Override
    public Buffer fromHost(HostBuffer host) {
        return base.fromHost(host);
    }

    @Override
    public HostBuffer toHost(Buffer buffer) {
        return base.toHost(buffer);
    }

    @Override
    public boolean implementsNatively(Primitive primitive, DType dtype) {
        return base.implementsNatively(primitive, dtype);
    }

    @Override
    public Buffer execute(Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs) {
        return on(() -> base.execute(primitive, params, out, inputs));
    }

    @Override
    public CompiledKernel compileKernel(FusedKernel kernel) {
        CompiledKernel k = base.compileKernel(kernel);
        return inputs -> on(() -> k.run(inputs));
    }

    @Override
    public CompiledKernel compileKernelGroup(KernelGroup group) {
        CompiledKernel k = base.compileKernelGroup(group);
        return inputs -> on(() -> k.run(inputs));
    }

    @Override
    public Executable compile(Program program) {
        Executable e = base.compile(program);
        return arguments -> on(() -> e.run(arguments));
    }

    @Override
    public String toString() {
        return "cpu-simd " + device;
    }
}
