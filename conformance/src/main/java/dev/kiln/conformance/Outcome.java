package dev.kiln.conformance;

import dev.kiln.ir.Primitive;
import java.util.Set;

/**
 * What running one case on one backend gave. {@code decomposed} names the primitives Kiln ran
 * through their decompositions into core primitives while the case ran, because the backend does
 * not implement them natively (empty for backends that claim everything they are asked).
 */
public record Outcome(Status status, String detail, Throwable error, Set<Primitive> decomposed) {
    public enum Status {
        PASS,
        FAIL,
        /** Named in the backend's {@link Exclusions}, with a reason; not run. */
        EXCLUDED,
        /** The backend threw {@code UnsupportedPrimitiveException} for a primitive the case needs. */
        UNSUPPORTED
    }

    public Outcome {
        decomposed = Set.copyOf(decomposed);
    }

    public Outcome(Status status, String detail, Throwable error) {
        this(status, detail, error, Set.of());
    }

    /** This outcome, noting that the case ran through the decompositions of {@code primitives}. */
    Outcome withDecomposed(Set<Primitive> primitives) {
        return new Outcome(status, detail, error, primitives);
    }

    static Outcome pass() {
        return new Outcome(Status.PASS, "", null);
    }

    static Outcome excluded(String reason) {
        return new Outcome(Status.EXCLUDED, reason, null);
    }

    static Outcome unsupported(Throwable e) {
        return new Outcome(Status.UNSUPPORTED, e.getMessage(), e);
    }

    static Outcome fail(Throwable e) {
        String m = e.getMessage();
        return new Outcome(Status.FAIL, e.getClass().getSimpleName() + (m == null ? "" : ": " + m), e);
    }
}
