package dev.kiln;

/**
 * A device or process problem: a mapped axis longer than the devices there are, a device that is not
 * this process's, a distributed job that could not be joined or lost a process.
 */
public class DeviceException extends KilnException {
    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
