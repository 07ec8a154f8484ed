package dev.kiln.ir;

/** An operand of an equation: a variable, or a literal constant written into the program. */
public sealed interface Atom permits Var, Literal {
    ArraySpec spec();
}
