package dev.kiln;

/**
 * The root of Kiln's typed errors; every message starts with the public function that was called
 * ({@code "zeros: ..."}), then names the problem and how to fix it. The function's name is found
 * on the call stack when the error is made ({@link PublicName}), so a check deep inside (a shape
 * rule, a helper shared by several functions) speaks with the name the user wrote.
 *
 * <p>It is an {@link IllegalArgumentException}: nearly every Kiln error is about the caller's
 * input (shapes, dtypes, axes, indices, the structure of a tree, a backend's name, a traced value
 * used as a concrete one), and Java code that validates arguments habitually catches that type.
 * Catch {@code KilnException} to handle Kiln's errors alone.
 */
public class KilnException extends IllegalArgumentException {
    public KilnException(String message) {
        super(PublicName.prefix(message));
    }

    public KilnException(String message, Throwable cause) {
        super(PublicName.prefix(message), cause);
    }
}
