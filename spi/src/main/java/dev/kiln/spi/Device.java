package dev.kiln.spi;

/**
 * One device of a backend: {@code cpu:0}, {@code gpu:1}, … {@code id} is the device's index among
 * its backend's devices in its own process; {@code process} is the index of that process in a
 * distributed job ({@code Kiln.distributed()}), 0 otherwise. A device of another process is listed
 * by {@code Kiln.devices()} after the job is joined, and cannot hold this process's arrays.
 */
public record Device(String backend, String kind, int id, String description, int process) {
    /** A device of this process. */
    public Device(String backend, String kind, int id, String description) {
        this(backend, kind, id, description, 0);
    }

    @Override
    public String toString() {
        return (process == 0 ? "" : "p" + process + ":") + backend + ":" + kind + ":" + id;
    }
}
