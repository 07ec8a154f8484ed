package dev.kiln;

/** An index or slice out of range, or an index expression Kiln cannot parse. */
public class IndexException extends KilnException {
    public IndexException(String message) {
        super(message);
    }
}
