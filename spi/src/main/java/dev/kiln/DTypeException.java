package dev.kiln;

/** An element type an operation does not accept, or an unknown dtype name. */
public class DTypeException extends KilnException {
    public DTypeException(String message) {
        super(message);
    }
}
