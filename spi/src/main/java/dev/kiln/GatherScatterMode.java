package dev.kiln;

/**
 * {@code jax.lax.GatherScatterMode}: what {@link Lax#gather} and {@link Lax#scatter} do with a
 * start index whose slice or window would not fit inside the operand.
 */
public enum GatherScatterMode {
    /** The start is clamped so that the whole slice or window fits. */
    CLIP,
    /**
     * A gather returns the fill value for the whole slice; a scatter drops the whole window (the
     * scatter default).
     */
    FILL_OR_DROP,
    /**
     * The caller promises the indices fit (the gather default); Kiln clamps a gather as {@link
     * #CLIP} does and drops a scatter's window as {@link #FILL_OR_DROP} does, as JAX on CPU does.
     * Where the promise is broken, derivatives follow Kiln's forward values (a clamped gather's
     * derivative reaches the clamped slice), where JAX's differ (its derivative of a gather drops
     * the slice, and of a scatter reads the clamped window).
     */
    PROMISE_IN_BOUNDS;

    /**
     * JAX's spelling of a mode: {@code "clip"}, {@code "fill"} or {@code "drop"}, {@code
     * "promise_in_bounds"}.
     */
    public static GatherScatterMode parse(String mode) {
        java.util.Objects.requireNonNull(mode, "mode");
        return switch (mode) {
            case "clip" -> CLIP;
            case "fill", "drop" -> FILL_OR_DROP;
            case "promise_in_bounds" -> PROMISE_IN_BOUNDS;
            default ->
                throw new KilnException("parse: unknown gather/scatter mode \"" + mode
                        + "\"; use \"clip\", \"fill\", \"drop\" or \"promise_in_bounds\""
                        + ("one_hot".equals(mode) ? " (Kiln has no one_hot mode)" : ""));
        };
    }
}
