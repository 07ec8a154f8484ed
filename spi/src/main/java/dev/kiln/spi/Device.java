package dev.kiln.spi;

/** One device of a backend: {@code cpu:0}, {@code gpu:1}, … */
public record Device(String backend, String kind, int id, String description) {
    @Override
    public String toString() {
        return backend + ":" + kind + ":" + id;
    }
}
