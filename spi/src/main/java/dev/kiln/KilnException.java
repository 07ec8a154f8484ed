package dev.kiln;

/** The root of Kiln's typed errors; every message names the problem and how to fix it. */
public class KilnException extends RuntimeException {
    public KilnException(String message) {
        super(message);
    }

    public KilnException(String message, Throwable cause) {
        super(message, cause);
    }
}
