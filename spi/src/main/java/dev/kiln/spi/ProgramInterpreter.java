package dev.kiln.spi;

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
 * The default {@link Backend#compile}: runs a program's equations one by one through {@link
 * Backend#execute}, so any backend can run whole programs before it has a compiler.
 */
public final class ProgramInterpreter implements Executable {
    private final Backend backend;
    private final Program program;

    public ProgramInterpreter(Backend backend, Program program) {
        this.backend = backend;
        this.program = program;
    }

    @Override
    public List<Buffer> run(List<Buffer> arguments) {
        int nc = program.constants().size();
        if (arguments.size() != nc + program.inputs().size()) {
            throw new IllegalArgumentException("program takes " + (nc + program.inputs().size()) + " buffers, got "
                    + arguments.size());
        }
        Map<Var, Buffer> env = new IdentityHashMap<>();
        for (int i = 0; i < nc; i++) {
            env.put(program.constants().get(i), arguments.get(i));
        }
        for (int i = 0; i < program.inputs().size(); i++) {
            env.put(program.inputs().get(i), arguments.get(nc + i));
        }
        for (Eqn e : program.eqns()) {
            List<Buffer> in = new ArrayList<>(e.inputs().size());
            for (Atom a : e.inputs()) {
                in.add(read(env, a));
            }
            Var out = e.outputs().get(0);
            env.put(out, backend.execute(e.primitive(), e.params(), out.spec(), in));
        }
        List<Buffer> outs = new ArrayList<>(program.outputs().size());
        for (Atom a : program.outputs()) {
            outs.add(read(env, a));
        }
        return outs;
    }

    private Buffer read(Map<Var, Buffer> env, Atom a) {
        if (a instanceof Literal l) {
            return backend.fromHost(l.value());
        }
        return env.get((Var) a);
    }

}
