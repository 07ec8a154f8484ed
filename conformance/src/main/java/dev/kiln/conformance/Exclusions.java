package dev.kiln.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cases a backend does not run, each with the reason. Immutable; {@link #exclude} returns a new
 * set. Patterns match a case's {@link Case#path() path} ({@code family/op/dtype/name}); {@code *}
 * matches any run of characters, and a pattern also covers everything below it, so {@code
 * "elementwise/erf"} excludes every erf case and {@code "*\/float64"} every float64 case.
 *
 * <pre>{@code
 * Exclusions.none()
 *         .exclude("elementwise/erf/float64", "erf is computed with a float32 polynomial")
 *         .exclude("matmul/*\/int32", "integer matmul is not written yet")
 * }</pre>
 */
public final class Exclusions {
    private record Rule(String pattern, Pattern regex, String reason) {}

    private static final Exclusions NONE = new Exclusions(List.of(), null);

    private final List<Rule> rules;
    private final String unsupportedReason;

    private Exclusions(List<Rule> rules, String unsupportedReason) {
        this.rules = rules;
        this.unsupportedReason = unsupportedReason;
    }

    /** No exclusions: the backend runs every case, and unsupported primitives fail. */
    public static Exclusions none() {
        return NONE;
    }

    /** These exclusions plus cases matching {@code pattern}, skipped with {@code reason}. */
    public Exclusions exclude(String pattern, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("exclusion '" + pattern + "' needs a reason, so that readers of the"
                    + " test output know why it is skipped");
        }
        List<Rule> next = new ArrayList<>(rules);
        next.add(new Rule(pattern, compile(pattern), reason));
        return new Exclusions(List.copyOf(next), unsupportedReason);
    }

    /**
     * These exclusions, and cases that hit a primitive the backend reports as unsupported are skipped
     * (with {@code reason}) instead of failing. Meant for young backends; the support matrix still
     * shows them as {@code unsup}.
     */
    public Exclusions skipUnsupported(String reason) {
        return new Exclusions(rules, reason);
    }

    /** Why {@code c} is excluded, or empty when it runs. */
    public Optional<String> reasonFor(Case c) {
        String path = c.path();
        for (Rule r : rules) {
            if (r.regex.matcher(path).matches()) {
                return Optional.of(r.reason);
            }
        }
        return Optional.empty();
    }

    /** The reason unsupported primitives are skipped, or empty when they fail. */
    public Optional<String> unsupportedReason() {
        return Optional.ofNullable(unsupportedReason);
    }

    private static Pattern compile(String glob) {
        StringBuilder b = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!b.isEmpty()) {
                b.append(".*");
            }
            b.append(Pattern.quote(part));
        }
        // a pattern names a prefix of segments, so "elementwise/erf" also covers "elementwise/erf/..."
        return Pattern.compile(b + "(/.*)?");
    }

    @Override
    public String toString() {
        if (rules.isEmpty() && unsupportedReason == null) {
            return "no exclusions";
        }
        StringBuilder b = new StringBuilder();
        for (Rule r : rules) {
            b.append(r.pattern).append(": ").append(r.reason).append('\n');
        }
        if (unsupportedReason != null) {
            b.append("unsupported primitives are skipped: ")
                    .append(unsupportedReason)
                    .append('\n');
        }
        return b.toString();
    }
}
