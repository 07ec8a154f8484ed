package dev.kiln.conformance;

import dev.kiln.Kiln;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A backend that has just started: it moves buffers to and from the host and implements no
 * primitive (every {@code execute} throws {@link UnsupportedPrimitiveException}), for testing that
 * the suite reports its gaps as unsupported, not as failures. Lowest priority, so it is never
 * anyone's default.
 */
public final class PartialBackendProvider implements BackendProvider {
    static final String NAME = "partial-for-tests";

    public PartialBackendProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -200;
    }

    @Override
    public Availability probe() {
        return Availability.ok("buffers only, no primitives, for the suite's own tests");
    }

    @Override
    public Backend open(Map<String, String> options) {
        Backend reference = Kiln.backend("reference");
        return new Backend() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public List<Device> devices() {
                return List.of(new Device(NAME, "cpu", 0, "buffers only"));
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.noneOf(Capability.class);
            }

            @Override
            public Buffer fromHost(HostBuffer host) {
                return reference.fromHost(host);
            }

            @Override
            public HostBuffer toHost(Buffer buffer) {
                return reference.toHost(buffer);
            }

            @Override
            public Buffer execute(Primitive p, Params params, ArraySpec out, List<Buffer> inputs) {
                throw new UnsupportedPrimitiveException(NAME, p, "not written yet");
            }
        };
    }
}
