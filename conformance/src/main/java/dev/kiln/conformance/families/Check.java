package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Shape;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.spi.HostBuffer;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Comparisons every family uses: a result against the same computation on the reference backend
 * (the oracle), against values computed in Java, or against JAX golden values, always through a
 * {@link Tolerance} rule.
 */
final class Check {
    static final String REFERENCE = "reference";
    private static final int SHOWN_MISMATCHES = 5;

    private Check() {}

    /** Whether the backend under test is the reference itself, so comparing with it proves nothing. */
    static boolean underReference() {
        return Kiln.currentBackend().name().equals(REFERENCE);
    }

    /**
     * Runs {@code computation} on the backend under test and, unless that is the reference, again on
     * the reference backend, and compares the two. The computation must build its inputs itself
     * (from host data) so that each run places them on its own backend. Returns the result.
     */
    static HostBuffer againstReference(String what, Rule rule, double[] scale, Supplier<Array> computation) {
        Array result = computation.get();
        HostBuffer actual = result.toHost();
        if (!underReference()) {
            same(what + " vs reference backend", oracle(computation), actual, rule, scale);
        }
        return actual;
    }

    static HostBuffer againstReference(String what, Rule rule, Supplier<Array> computation) {
        return againstReference(what, rule, null, computation);
    }

    /** The same computation on the reference backend. */
    static HostBuffer oracle(Supplier<Array> computation) {
        try {
            return Kiln.withBackend(REFERENCE, computation).toHost();
        } catch (RuntimeException e) {
            throw new AssertionError("the reference backend (the oracle) failed on this computation: " + e, e);
        }
    }

    /**
     * Asserts that {@code actual} has {@code expected}'s dtype and shape and that each element is
     * accepted by {@code rule}; {@code scale} (per element, or {@code null}) feeds relative rules.
     */
    static void same(String what, HostBuffer expected, HostBuffer actual, Rule rule, double[] scale) {
        if (expected.spec().dtype() != actual.spec().dtype()) {
            throw new AssertionError(what + ": dtype " + actual.spec().dtype() + " where "
                    + expected.spec().dtype() + " was expected (shape "
                    + Shape.toString(actual.spec().shape()) + ")");
        }
        if (!Arrays.equals(expected.spec().shape(), actual.spec().shape())) {
            throw new AssertionError(
                    what + ": shape " + Shape.toString(actual.spec().shape()) + " where "
                            + Shape.toString(expected.spec().shape()) + " was expected");
        }
        DType dtype = expected.spec().dtype();
        int n = expected.spec().size();
        int bad = 0;
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < n; i++) {
            boolean ok;
            String e;
            String a;
            if (dtype.isFloating()) {
                double ev = expected.getDouble(i);
                double av = actual.getDouble(i);
                ok = rule.accepts(dtype, ev, av, scale == null ? 0 : scale[i]);
                e = format(dtype, ev);
                a = format(dtype, av) + (ok ? "" : " (" + ulps(dtype, ev, av) + ")");
            } else {
                long ev = expected.getLong(i);
                long av = actual.getLong(i);
                ok = ev == av;
                e = dtype == DType.BOOL ? String.valueOf(ev != 0) : String.valueOf(ev);
                a = dtype == DType.BOOL ? String.valueOf(av != 0) : String.valueOf(av);
            }
            if (!ok) {
                if (bad < SHOWN_MISMATCHES) {
                    shown.append("\n  at ")
                            .append(Host.index(expected.spec().shape(), i))
                            .append(": expected ")
                            .append(e)
                            .append(", got ")
                            .append(a);
                }
                bad++;
            }
        }
        if (bad > 0) {
            throw new AssertionError(what + ": " + bad + " of " + n + " elements of " + expected.spec()
                    + " differ (tolerance: " + rule + ")" + shown);
        }
    }

    /** Asserts an array's dtype and shape. */
    static void spec(String what, Array x, DType dtype, int... shape) {
        if (x.dtype() != dtype || !Arrays.equals(x.shape(), shape)) {
            throw new AssertionError(
                    what + ": got " + x.spec() + " where " + dtype + Shape.toString(shape) + " was expected");
        }
    }

    /** Asserts that {@code r} throws a {@code type} whose message contains {@code fragment}. */
    static void throwsKiln(String what, Class<? extends Throwable> type, String fragment, Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            if (!type.isInstance(t) || t.getMessage() == null || !t.getMessage().contains(fragment)) {
                throw new AssertionError(
                        what + ": expected " + type.getSimpleName() + " mentioning '" + fragment + "', got " + t, t);
            }
            return;
        }
        throw new AssertionError(
                what + ": expected " + type.getSimpleName() + " mentioning '" + fragment + "', nothing was thrown");
    }

    /** Asserts a condition with a message that says what was checked. */
    static void that(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static String format(DType dtype, double v) {
        return dtype == DType.FLOAT32 ? Float.toString((float) v) : Double.toString(v);
    }

    private static String ulps(DType dtype, double e, double a) {
        long d = Tolerance.ulpDistance(dtype, e, a);
        return d == Long.MAX_VALUE ? "far" : d + " ulp";
    }
}
