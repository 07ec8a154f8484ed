package dev.kiln.conformance;

/** What running one case on one backend gave. */
public record Outcome(Status status, String detail, Throwable error) {
    public enum Status {
        PASS,
        FAIL,
        /** Named in the backend's {@link Exclusions}, with a reason; not run. */
        EXCLUDED,
        /** The backend threw {@code UnsupportedPrimitiveException} for a primitive the case needs. */
        UNSUPPORTED
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
