package dev.kiln;

import dev.kiln.ir.ArraySpec;

/**
 * A traced value was used where a concrete one is needed: reading its elements ({@code item()},
 * {@code toFloatArray()}), or branching on it in Java, inside {@code jit}, {@code grad} or {@code
 * vmap}. Inside a transformation arrays are abstract (only their shape and dtype are known).
 */
public class ConcretizationException extends KilnException {
    public ConcretizationException(String what, ArraySpec spec, String transformation) {
        super("a traced value of type " + spec + " was used where a concrete value is needed (" + what
                + ") inside " + transformation + "; while a function is traced its arrays hold no data. "
                + "Branch with Lax.cond or Np.where, loop with Lax.whileLoop or Lax.forLoop, "
                + "or pass the value as a static argument of jit; the stack trace shows the line that asked for it");
    }
}
