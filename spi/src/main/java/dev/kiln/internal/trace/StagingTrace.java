package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.internal.rules.ShapeRules;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records primitive applications into a {@link Program} instead of running them: the interpreter
 * behind {@code jit} and {@code makeProgram}, and the one that stages the linear part of a
 * linearised function for reverse mode. Arrays from outside the trace become constant inputs
 * (0-d concrete ones are written in as literals).
 */
public final class StagingTrace extends Trace {
    /** A tracer of a staging trace: the program variable (or literal) that holds its value. */
    public static final class StagingTracer extends Tracer {
        private final Atom atom;

        StagingTracer(StagingTrace trace, Atom atom) {
            super(trace, atom.spec());
            this.atom = atom;
        }

        public Atom atom() {
            return atom;
        }
    }

    private final String transformation;
    private final List<Var> inputs = new ArrayList<>();
    private final List<Eqn> eqns = new ArrayList<>();
    private final List<Var> constVars = new ArrayList<>();
    private final List<Array> constValues = new ArrayList<>();
    private final Map<Array, Array> lifted = new IdentityHashMap<>();

    private final boolean stagesEverything;

    /**
     * @param stagesEverything whether operations on concrete arrays are staged too while this trace
     *     is the innermost such trace ({@code jit}), rather than only operations on its tracers
     */
    public StagingTrace(int level, String transformation, boolean stagesEverything) {
        super(level);
        this.transformation = transformation;
        this.stagesEverything = stagesEverything;
    }

    public boolean stagesEverything() {
        return stagesEverything;
    }

    @Override
    public String transformation() {
        return transformation;
    }

    /** A new program input of this spec, as a tracer array. */
    public Array newInput(ArraySpec spec) {
        Var v = new Var(spec);
        inputs.add(v);
        return ArrayInternals.get().wrap(new StagingTracer(this, v));
    }

    @Override
    public Array lift(Array x) {
        Array known = lifted.get(x);
        if (known != null) {
            return known;
        }
        ArrayInternals ai = ArrayInternals.get();
        Atom atom;
        if (ai.tracer(x) == null && x.ndim() == 0) {
            atom = new Literal(x.toHost());
        } else {
            Var v = new Var(x.spec());
            constVars.add(v);
            constValues.add(x);
            atom = v;
        }
        Array t = ai.wrap(new StagingTracer(this, atom));
        lifted.put(x, t);
        return t;
    }

    @Override
    public Array process(Primitive primitive, Params params, List<Array> operands) {
        List<Atom> in = new ArrayList<>(operands.size());
        List<ArraySpec> specs = new ArrayList<>(operands.size());
        for (Array a : operands) {
            Atom atom = atomOf(a);
            in.add(atom);
            specs.add(atom.spec());
        }
        Var out = new Var(ShapeRules.outSpec(primitive, params, specs));
        eqns.add(new Eqn(primitive, params, in, List.of(out)));
        return ArrayInternals.get().wrap(new StagingTracer(this, out));
    }

    @Override
    public List<Array> processAll(Primitive primitive, Params params, List<Array> operands) {
        List<Atom> in = new ArrayList<>(operands.size());
        List<ArraySpec> specs = new ArrayList<>(operands.size());
        for (Array a : operands) {
            Atom atom = atomOf(a);
            in.add(atom);
            specs.add(atom.spec());
        }
        List<Var> outs = new ArrayList<>();
        for (ArraySpec s : ControlFlow.outSpecs(primitive, params, specs)) {
            outs.add(new Var(s));
        }
        eqns.add(new Eqn(primitive, params, in, outs));
        List<Array> result = new ArrayList<>(outs.size());
        for (Var v : outs) {
            result.add(ArrayInternals.get().wrap(new StagingTracer(this, v)));
        }
        return result;
    }

    private Atom atomOf(Array a) {
        Tracer t = ArrayInternals.get().tracer(a);
        if (t instanceof StagingTracer st && st.trace() == this) {
            return st.atom();
        }
        return ((StagingTracer) ArrayInternals.get().tracer(lift(a))).atom();
    }

    /** The program from the inputs made so far to {@code outputs}. */
    public Program build(List<Array> outputs) {
        List<Atom> outs = new ArrayList<>(outputs.size());
        for (Array o : outputs) {
            outs.add(atomOf(o));
        }
        return new Program(constVars, inputs, eqns, outs);
    }

    /** The values of the program's constant inputs, in order. */
    public List<Array> constants() {
        return List.copyOf(constValues);
    }
}
