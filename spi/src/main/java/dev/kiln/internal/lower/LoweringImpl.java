package dev.kiln.internal.lower;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.internal.fusion.FusionPlanner;
import dev.kiln.internal.rules.Definitions;
import dev.kiln.internal.rules.Emit;
import dev.kiln.internal.trace.ArrayInternals;
import dev.kiln.internal.trace.ProgramRunner;
import dev.kiln.internal.trace.ProgramVerifier;
import dev.kiln.internal.trace.StagingTrace;
import dev.kiln.internal.trace.TraceStack;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Executable;
import dev.kiln.spi.Lowering;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Kiln's side of {@link Lowering}: decomposes what a backend does not claim, eagerly or by rewriting
 * a program before the fusion planner sees it (after the transformations, which keep each
 * primitive's own JVP, transpose and batching rules).
 */
public final class LoweringImpl implements Lowering.Implementation {
    static {
        Lowering.install(new LoweringImpl());
    }

    private LoweringImpl() {}

    /**
     * Applies {@code p}, which {@code backend} does not claim, to concrete arrays through its
     * decomposition, or returns null when it has none (a core primitive the backend lacks).
     */
    public static Array decomposeEagerly(Backend backend, Primitive p, Params params, ArraySpec out, Array[] in) {
        if (Definitions.decomposition(p) == null) {
            return null;
        }
        return Kiln.withBackend(backend, () -> Emit.targeting(backend, () -> Emit.decompose(p, params, out, in)));
    }

    @Override
    public Executable compile(Backend backend, Program program) {
        return FusionPlanner.compile(backend, decompose(backend, program));
    }

    @Override
    public List<Buffer> runPmap(Backend backend, Params.Pmap params, List<Buffer> inputs) {
        return dev.kiln.internal.parallel.PmapCalls.get().runBuffers(backend, params, inputs);
    }

    @Override
    public Program decompose(Backend backend, Program program) {
        if (program.eqns().stream().allMatch(e -> claimed(backend, e))) {
            return program;
        }
        int nc = program.constants().size();
        StagingTrace staging = TraceStack.push(level -> new StagingTrace(level, "decompose", true));
        Program raw;
        try {
            List<Array> constants = new ArrayList<>(nc);
            for (Var v : program.constants()) {
                constants.add(staging.newInput(v.spec()));
            }
            List<Array> inputs = new ArrayList<>(program.inputs().size());
            for (Var v : program.inputs()) {
                inputs.add(staging.newInput(v.spec()));
            }
            List<Array> outputs = Kiln.withBackend(
                    backend,
                    () -> Emit.targeting(backend, () -> ProgramRunner.run(program, constants, inputs, Emit::op)));
            raw = staging.build(outputs);
        } finally {
            TraceStack.pop(staging);
        }
        if (!staging.constants().isEmpty()) {
            throw new IllegalStateException("a decomposition captured an array constant; decompositions must build"
                    + " constants from scalars (this is a bug in Kiln)");
        }
        List<Var> all = raw.inputs();
        Program lowered = new Program(all.subList(0, nc), all.subList(nc, all.size()), raw.eqns(), raw.outputs());
        return ProgramVerifier.checked(lowered, "decomposition for backend '" + backend.name() + "'");
    }

    private static boolean claimed(Backend backend, Eqn e) {
        if (e.primitive().kind() == Primitive.Kind.CONTROL || Definitions.decomposition(e.primitive()) == null) {
            return true;
        }
        List<ArraySpec> specs = e.inputs().stream().map(Atom::spec).toList();
        ArraySpec out = e.outputs().get(0).spec();
        return backend.implementsNatively(e.primitive(), Lowering.claimDType(e.primitive(), out, specs));
    }

    @Override
    public Buffer execute(Backend backend, Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs) {
        if (primitive.kind() == Primitive.Kind.COLLECTIVE) {
            return dev.kiln.internal.parallel.CollectiveOps.execute(backend, primitive, params, out, inputs);
        }
        ArrayInternals ai = ArrayInternals.get();
        Array[] in = new Array[inputs.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = ai.wrap(backend, inputs.get(i));
        }
        Array result = decomposeEagerly(backend, primitive, params, out, in);
        if (result == null) {
            return backend.execute(primitive, params, out, inputs);
        }
        return Kiln.devicePut(result, backend).buffer();
    }

    @Override
    public Set<Primitive> decomposedOnThisThread() {
        Set<Primitive> s = Emit.DECOMPOSED.get();
        Set<Primitive> copy = s.isEmpty() ? EnumSet.noneOf(Primitive.class) : EnumSet.copyOf(s);
        s.clear();
        return copy;
    }
}
