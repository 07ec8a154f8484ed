package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.Lax;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a program by applying its equations one by one through the trace stack, so running a
 * program inside another transformation traces it again (that is how transformations compose
 * with programs).
 */
public final class ProgramRunner {
    private ProgramRunner() {}

    /** How a single-output equation is applied; control flow always binds through the trace stack. */
    @FunctionalInterface
    public interface Binder {
        Array bind(dev.kiln.ir.Primitive primitive, dev.kiln.ir.Params params, Array[] operands);
    }

    public static List<Array> run(Program p, List<Array> constants, List<Array> inputs) {
        return run(p, constants, inputs, Lax::bind);
    }

    /** Runs {@code p}, applying each single-output equation with {@code binder}. */
    public static List<Array> run(Program p, List<Array> constants, List<Array> inputs, Binder binder) {
        if (constants.size() != p.constants().size()
                || inputs.size() != p.inputs().size()) {
            throw new IllegalArgumentException("program takes " + p.constants().size() + " constants and "
                    + p.inputs().size() + " inputs, got " + constants.size() + " and " + inputs.size());
        }
        Map<Var, Array> env = new IdentityHashMap<>();
        for (int i = 0; i < constants.size(); i++) {
            env.put(p.constants().get(i), constants.get(i));
        }
        for (int i = 0; i < inputs.size(); i++) {
            env.put(p.inputs().get(i), inputs.get(i));
        }
        for (Eqn e : p.eqns()) {
            Array[] in = new Array[e.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = read(env, e.inputs().get(i));
            }
            if (e.primitive().kind() == dev.kiln.ir.Primitive.Kind.CONTROL) {
                List<Array> outs = Lax.bindAll(e.primitive(), e.params(), in);
                for (int i = 0; i < outs.size(); i++) {
                    env.put(e.outputs().get(i), outs.get(i));
                }
            } else {
                env.put(e.outputs().get(0), binder.bind(e.primitive(), e.params(), in));
            }
        }
        List<Array> out = new ArrayList<>(p.outputs().size());
        for (Atom a : p.outputs()) {
            out.add(read(env, a));
        }
        return out;
    }

    static Array read(Map<Var, Array> env, Atom a) {
        if (a instanceof Literal l) {
            return ArrayInternals.get().constant(l.value());
        }
        Array v = env.get((Var) a);
        if (v == null) {
            throw new IllegalStateException("program reads an undefined variable " + a);
        }
        return v;
    }
}
