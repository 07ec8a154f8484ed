package dev.kiln.pjrt;

import dev.kiln.KilnException;

/**
 * A PJRT plugin reported an error, or refused what Kiln asked. The message starts with the Kiln
 * operation, gives the plugin's own words and, where known, the fix; {@link #code()} is the
 * plugin's error code (absl status codes: 3 invalid argument, 12 unimplemented, 13 internal), or
 * -1 when the refusal is Kiln's.
 */
public final class PjrtException extends KilnException {
    private final int code;

    PjrtException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The plugin's error code, or -1 when Kiln itself refused. */
    public int code() {
        return code;
    }
}
