package dev.kiln.ir;

import java.util.List;

/** One primitive application in a program: {@code outputs = primitive[params](inputs)}. */
public record Eqn(Primitive primitive, Params params, List<Atom> inputs, List<Var> outputs) {
    public Eqn {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
