package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.ProgramInterpreter;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of {@link Primitive#PURE_CALLBACK}: run it on concrete arrays, refuse derivatives (as
 * JAX does: a callback is opaque), and batch it under {@code vmap} as its {@code vmapMethod} says.
 */
public final class HostCalls {
    private HostCalls() {}

    /** The methods {@code vmap} knows, as JAX names them. */
    public static final List<String> VMAP_METHODS = List.of("sequential", "expand_dims", "broadcast_all");

    /** Runs the callback on concrete operands. */
    static List<Array> run(Params.HostCall<?> h, List<Array> args) {
        List<HostBuffer> host = new ArrayList<>(args.size());
        for (Array a : args) {
            host.add(a.toHost());
        }
        List<Array> out = new ArrayList<>();
        for (HostBuffer r : ProgramInterpreter.callHost(h, host)) {
            out.add(ArrayInternals.get().constant(r));
        }
        return out;
    }

    /**
     * A callback that returns nothing (debugCallback) runs on the primal values and has no tangents;
     * one that returns values has no derivative.
     */
    static List<Array[]> jvp(Params.HostCall<?> h, List<Array> primals) {
        if (!h.outSpecs().isEmpty()) {
            throw notDifferentiable(h);
        }
        Lax.bindAll(Primitive.PURE_CALLBACK, h, primals.toArray(Array[]::new));
        return List.of();
    }

    static KilnException notDifferentiable(Params.HostCall<?> h) {
        return new KilnException("pureCallback: callback '" + h.name() + "' has no derivative (host code is opaque to"
                + " Kiln, as pure callbacks are to JAX); give the function that calls it a derivative with"
                + " Kiln.customJvp or Kiln.customVjp, or keep it out of grad and jvp with Kiln.stopGradient");
    }

    /** The call batched over {@code size}: each output gets the batch at axis 0. */
    static List<Array> batch(Params.HostCall<?> call, List<Array> values, int[] dims, int size) {
        @SuppressWarnings("unchecked") // the frontend makes HostCalls over HostBuffers only
        Params.HostCall<HostBuffer> h = (Params.HostCall<HostBuffer>) call;
        String method = h.vmapMethod();
        if (method == null) {
            throw new KilnException("pureCallback: vmap of callback '" + h.name() + "' needs a vmapMethod: one of "
                    + VMAP_METHODS + " (JAX refuses vmap of a pure_callback without one too); pass it to"
                    + " Kiln.pureCallback");
        }
        List<ArraySpec> outSpecs = new ArrayList<>();
        for (ArraySpec s : h.outSpecs()) {
            outSpecs.add(s.withShape(ControlFlow.prepend(size, s.shape())));
        }
        List<Array> args = new ArrayList<>(values.size());
        boolean[] mapped = new boolean[values.size()];
        for (int i = 0; i < values.size(); i++) {
            Array v = values.get(i);
            mapped[i] = dims[i] != BatchTrace.NOT_MAPPED;
            args.add(
                    switch (method) {
                        case "sequential" -> mapped[i] ? ControlFlowRules.moveBatch(v, dims[i], 0, size) : v;
                        case "expand_dims" ->
                            mapped[i] ? ControlFlowRules.moveBatch(v, dims[i], 0, size) : Np.expandDims(v, 0);
                        default -> ControlFlowRules.moveBatch(v, dims[i], 0, size); // broadcast_all
                    });
        }
        java.util.function.Function<List<HostBuffer>, List<HostBuffer>> batched =
                method.equals("sequential") ? in -> sequential(h, in, mapped, size, outSpecs) : h.callback();
        Params.HostCall<HostBuffer> b = new Params.HostCall<>(batched, outSpecs, method, h.name());
        return Lax.bindAll(Primitive.PURE_CALLBACK, b, args.toArray(Array[]::new));
    }

    /** One call per batch element, each on that element's slices of the mapped operands; the results stacked. */
    private static List<HostBuffer> sequential(
            Params.HostCall<HostBuffer> h, List<HostBuffer> in, boolean[] mapped, int size, List<ArraySpec> outSpecs) {
        List<HostBuffer> out = new ArrayList<>();
        for (ArraySpec s : outSpecs) {
            out.add(HostBuffer.allocate(s));
        }
        for (int k = 0; k < size; k++) {
            List<HostBuffer> args = new ArrayList<>(in.size());
            for (int i = 0; i < in.size(); i++) {
                args.add(mapped[i] ? row(in.get(i), k) : in.get(i));
            }
            List<HostBuffer> r = ProgramInterpreter.callHost(h, args);
            for (int j = 0; j < r.size(); j++) {
                int n = r.get(j).spec().size();
                System.arraycopy(r.get(j).data(), 0, out.get(j).data(), k * n, n);
            }
        }
        return out;
    }

    /** Row {@code k} along axis 0. */
    private static HostBuffer row(HostBuffer x, int k) {
        int[] shape = x.spec().shape();
        ArraySpec spec = x.spec().withShape(java.util.Arrays.copyOfRange(shape, 1, shape.length));
        HostBuffer r = HostBuffer.allocate(spec);
        int n = spec.size();
        System.arraycopy(x.data(), k * n, r.data(), 0, n);
        return r;
    }
}
