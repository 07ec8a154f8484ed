package dev.kiln.spi;

/**
 * What {@link BackendProvider#probe()} found: whether the backend can be opened here, and if not,
 * why and how to fix it.
 */
public record Availability(boolean available, String reason, String fix) {
    public static Availability ok(String detail) {
        return new Availability(true, detail, "");
    }

    public static Availability unavailable(String reason, String fix) {
        return new Availability(false, reason, fix);
    }

    @Override
    public String toString() {
        return available
                ? "available (" + reason + ")"
                : "unavailable: " + reason + (fix.isEmpty() ? "" : "; fix: " + fix);
    }
}
