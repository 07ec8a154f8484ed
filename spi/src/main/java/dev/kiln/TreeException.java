package dev.kiln;

/**
 * A tree (pytree) of the wrong structure: tangents or cotangents shaped unlike the primals or
 * outputs, a loop body or branch whose output differs from its carry or from the other branches, a
 * user function that returned something other than what the transformation needs (null, a
 * String, an {@code Array} where a {@link Lax.Step} is needed), or a value that cannot be a tree.
 */
public class TreeException extends KilnException {
    public TreeException(String message) {
        super(message);
    }

    public TreeException(String message, Throwable cause) {
        super(message, cause);
    }
}
