package dev.kiln;

/** Array shapes that do not fit the operation (broadcasting, matmul, reshape, concatenation). */
public class ShapeException extends KilnException {
    public ShapeException(String message) {
        super(message);
    }
}
