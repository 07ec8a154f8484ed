package dev.kiln.conformance;

/**
 * One check of the suite: a body that computes something on the current backend (set by whoever
 * runs the case with {@code Kiln.withBackend}) and throws an {@link AssertionError} when the result
 * is wrong.
 *
 * <p>{@code family}, {@code op} and {@code dtype} place the case in the support matrix (rows are
 * family and op, columns dtype); {@code dtype} is {@code "-"} for cases that are not about one
 * dtype. {@link #path()} is what {@link Exclusions} patterns match.
 */
public record Case(String family, String op, String dtype, String name, Body body) {
    /** The dtype column of cases that are not about one dtype. */
    public static final String ANY_DTYPE = "-";

    /** The work of a case; it runs with the backend under test as the current backend. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** {@code family/op/dtype/name}, the key exclusions match. */
    public String path() {
        return family + "/" + op + "/" + dtype + "/" + name;
    }

    @Override
    public String toString() {
        return path();
    }
}
