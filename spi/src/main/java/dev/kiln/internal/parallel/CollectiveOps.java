package dev.kiln.internal.parallel;

import dev.kiln.Array;
import dev.kiln.AxisNameException;
import dev.kiln.DType;
import dev.kiln.Np;
import dev.kiln.internal.trace.ArrayInternals;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Communicator;
import dev.kiln.spi.HostBuffer;
import java.util.List;

/**
 * Runs one collective of a {@code pmap}'s program on one device: lays the operand out so the
 * exchanged blocks lead, calls the backend's collective with the axis's {@link Communicator} (from
 * {@link Running}), and lays the result out as the primitive defines it.
 */
public final class CollectiveOps {
    private CollectiveOps() {}

    public static Buffer execute(Backend backend, Primitive p, Params params, ArraySpec out, List<Buffer> inputs) {
        Params.Collective c = (Params.Collective) params;
        Communicator comm = Running.communicator(c.axisName());
        if (comm == null) {
            throw new AxisNameException(p.printName() + ": no pmap over an axis named '" + c.axisName()
                    + "' is running here; call collectives inside Kiln.pmap(f, \"" + c.axisName()
                    + "\") or Kiln.vmap(f, \"" + c.axisName() + "\")");
        }
        if (comm.size() != c.axisSize()) {
            throw new IllegalStateException(p.printName() + ": axis '" + c.axisName() + "' has " + comm.size()
                    + " members but the program was traced for " + c.axisSize());
        }
        ArrayInternals ai = ArrayInternals.get();
        Array x = inputs.isEmpty() ? null : ai.wrap(backend, inputs.get(0));
        int n = c.axisSize();
        Array result =
                switch (p) {
                    case PSUM -> wrap(backend, backend.allReduce(inputs.get(0), Communicator.ReduceOp.SUM, comm));
                    case PMAX -> wrap(backend, backend.allReduce(inputs.get(0), Communicator.ReduceOp.MAX, comm));
                    case PMIN -> wrap(backend, backend.allReduce(inputs.get(0), Communicator.ReduceOp.MIN, comm));
                    case AXIS_INDEX ->
                        wrap(
                                backend,
                                backend.fromHost(HostBuffer.wrap(
                                        new ArraySpec(DType.INT32, new int[0]), new int[] {comm.rank()})));
                    case ALL_GATHER -> {
                        Array g = wrap(backend, backend.allGather(inputs.get(0), comm));
                        g = Np.moveaxis(g, 0, c.axis());
                        yield c.tiled() ? Np.reshape(g, out.shape()) : g;
                    }
                    case PSUM_SCATTER -> {
                        Array m = Np.moveaxis(x, c.axis(), 0);
                        int[] s = m.shape();
                        int[] split = new int[s.length + (c.tiled() ? 1 : 0)];
                        split[0] = n;
                        if (c.tiled()) {
                            split[1] = s[0] / n;
                            System.arraycopy(s, 1, split, 2, s.length - 1);
                        } else {
                            System.arraycopy(s, 1, split, 1, s.length - 1);
                        }
                        Array r = wrap(
                                backend,
                                backend.reduceScatter(
                                        contiguous(backend, Np.reshape(m, split)), Communicator.ReduceOp.SUM, comm));
                        yield c.tiled() ? Np.moveaxis(r, 0, c.axis()) : r;
                    }
                    case PPERMUTE -> wrap(backend, backend.permute(inputs.get(0), sources(c), comm));
                    case ALL_TO_ALL -> {
                        Array m = Np.moveaxis(x, c.axis(), 0);
                        Array r = wrap(backend, backend.allToAll(contiguous(backend, m), comm));
                        yield Np.moveaxis(r, 0, c.axis2());
                    }
                    default -> throw new IllegalArgumentException(p + " is not a collective");
                };
        Buffer b = result.buffer();
        if (!b.spec().equals(out)) {
            throw new IllegalStateException(
                    p.printName() + " produced " + b.spec() + " where " + out + " was expected");
        }
        return b;
    }

    private static Array wrap(Backend backend, Buffer b) {
        return ArrayInternals.get().wrap(backend, b);
    }

    private static Buffer contiguous(Backend backend, Array a) {
        return a.backend() == backend ? a.buffer() : backend.fromHost(a.toHost());
    }

    /** Per destination, its source in {@code perm}'s (source, destination) pairs, or -1. */
    public static int[] sources(Params.Collective c) {
        int[] src = new int[c.axisSize()];
        java.util.Arrays.fill(src, -1);
        int[] pairs = c.perm().toArray();
        for (int i = 0; i < pairs.length; i += 2) {
            src[pairs[i + 1]] = pairs[i];
        }
        return src;
    }
}
