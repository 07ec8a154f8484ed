package dev.kiln;

/** A collective names an axis that no enclosing {@code pmap} or named {@code vmap} binds. */
public class AxisNameException extends KilnException {
    public AxisNameException(String message) {
        super(message);
    }
}
