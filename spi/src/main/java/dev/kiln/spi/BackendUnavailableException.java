package dev.kiln.spi;

import dev.kiln.KilnException;

/** No backend could be opened as asked; the message lists what was found and why each failed. */
public class BackendUnavailableException extends KilnException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
