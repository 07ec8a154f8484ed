package dev.kiln;

/** An axis argument out of range for an array's rank, or repeated. */
public class AxisException extends KilnException {
    public AxisException(String message) {
        super(message);
    }
}
