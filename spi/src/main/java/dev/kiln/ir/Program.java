package dev.kiln.ir;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A closed, jaxpr-like program: constant inputs, inputs, a list of equations in dependency order,
 * and outputs. Constant inputs hold values captured while tracing (arrays closed over by the traced
 * function); whoever runs the program supplies them, followed by the inputs.
 */
public record Program(List<Var> constants, List<Var> inputs, List<Eqn> eqns, List<Atom> outputs) {
    public Program {
        constants = List.copyOf(constants);
        inputs = List.copyOf(inputs);
        eqns = List.copyOf(eqns);
        outputs = List.copyOf(outputs);
    }

    /** The specs of the inputs, in order (constants excluded). */
    public List<ArraySpec> inputSpecs() {
        return inputs.stream().map(Var::spec).toList();
    }

    /** The specs of the outputs, in order. */
    public List<ArraySpec> outputSpecs() {
        return outputs.stream().map(Atom::spec).toList();
    }

    /**
     * Prints the program like a jaxpr: {@code { lambda c:f32[3] ; a:f32[3] b:f32[3] . let ... in (d) }}
     * with variables named a, b, …, z, ba, bb, … in order of definition.
     */
    @Override
    public String toString() {
        Map<Var, String> names = new IdentityHashMap<>();
        StringBuilder b = new StringBuilder("{ lambda ");
        for (Var v : constants) {
            b.append(name(v, names)).append(':').append(v.spec()).append(' ');
        }
        b.append("; ");
        for (Var v : inputs) {
            b.append(name(v, names)).append(':').append(v.spec()).append(' ');
        }
        b.append(". let\n");
        for (Eqn e : eqns) {
            b.append("    ");
            for (int i = 0; i < e.outputs().size(); i++) {
                Var v = e.outputs().get(i);
                b.append(i > 0 ? " " : "").append(name(v, names)).append(':').append(v.spec());
            }
            b.append(" = ").append(e.primitive().printName());
            String params = e.params().text();
            if (!params.isEmpty()) {
                b.append('[').append(params).append(']');
            }
            for (Atom a : e.inputs()) {
                b.append(' ').append(atom(a, names));
            }
            b.append('\n');
        }
        b.append("  in (");
        for (int i = 0; i < outputs.size(); i++) {
            b.append(i > 0 ? ", " : "").append(atom(outputs.get(i), names));
        }
        return b.append(") }").toString();
    }

    private static String atom(Atom a, Map<Var, String> names) {
        return a instanceof Var v ? name(v, names) : a.toString();
    }

    private static String name(Var v, Map<Var, String> names) {
        return names.computeIfAbsent(v, k -> letters(names.size()));
    }

    private static String letters(int n) {
        StringBuilder s = new StringBuilder();
        do {
            s.insert(0, (char) ('a' + n % 26));
            n = n / 26 - 1;
        } while (n >= 0);
        return s.toString();
    }
}
