package dev.kiln;

import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A test backend that computes nothing: it records each primitive it is asked to run and answers
 * with a zero-filled buffer of the spec the shape rules computed. With {@code forbid} set it fails
 * on the first primitive, which shows that a frontend error came before any backend work.
 */
final class RecordingBackend implements Backend {
    record Call(Primitive primitive, Params params, ArraySpec out) {}

    final List<Call> calls = new ArrayList<>();
    private final boolean forbid;

    private RecordingBackend(boolean forbid) {
        this.forbid = forbid;
    }

    /** Runs {@code body} on a backend that only records. */
    static RecordingBackend recording(Runnable body) {
        RecordingBackend b = new RecordingBackend(false);
        Kiln.withBackend(b, () -> {
            body.run();
            return null;
        });
        return b;
    }

    /** Runs {@code body} on a backend that fails if any primitive reaches it. */
    static <T> T forbidding(Supplier<T> body) {
        return Kiln.withBackend(new RecordingBackend(true), body);
    }

    List<Primitive> primitives() {
        return calls.stream().map(Call::primitive).toList();
    }

    @Override
    public String name() {
        return forbid ? "forbidding" : "recording";
    }

    @Override
    public List<Device> devices() {
        return List.of(new Device(name(), "cpu", 0, "test double"));
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.noneOf(Capability.class);
    }

    @Override
    public Buffer fromHost(HostBuffer host) {
        return host;
    }

    @Override
    public HostBuffer toHost(Buffer buffer) {
        return (HostBuffer) buffer;
    }

    /** Records every primitive as it is, undecomposed. */
    @Override
    public boolean implementsNatively(Primitive primitive, DType dtype) {

        return true;
    }

    @Override
    public Buffer execute(Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs) {
        if (forbid) {
            throw new AssertionError("backend work (" + primitive.printName() + " " + params
                    + ") happened before the frontend rejected the call");
        }
        calls.add(new Call(primitive, params, out));
        return HostBuffer.allocate(out);
    }
}
