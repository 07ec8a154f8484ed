package dev.kiln.internal.reference;

import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Scalar loops in double precision for every primitive and dtype: the oracle of the conformance suite. */
public final class ReferenceBackend implements Backend {
    @Override
    public String name() {
        return ReferenceProvider.NAME;
    }

    @Override
    public List<Device> devices() {
        return List.of(new Device(name(), "cpu", 0, "scalar Java loops"));
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.FLOAT64, Capability.INT64, Capability.REFERENCE);
    }

    @Override
    public Buffer fromHost(HostBuffer host) {
        return host;
    }

    @Override
    public HostBuffer toHost(Buffer buffer) {
        return (HostBuffer) buffer;
    }

    @Override
    public Buffer execute(Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs) {
        throw new UnsupportedPrimitiveException(name(), primitive, "not written yet");
    }
}
