package dev.kiln.conformance;

import dev.kiln.Kiln;
import dev.kiln.conformance.Outcome.Status;
import dev.kiln.spi.BackendUnavailableException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Runs the conformance families without JUnit on backends found on the class path and prints the
 * support matrix: rows are ops, columns dtypes, cells {@code ok}, {@code F<n>}, {@code excl} or
 * {@code unsup} (with {@code +} where cases ran through decompositions into core primitives), then
 * the failures, the decomposed primitives and totals.
 *
 * <pre>
 * java -cp ... dev.kiln.conformance.Runner                       # every available backend
 * java -cp ... dev.kiln.conformance.Runner cpu-simd reference    # these backends
 * java -cp ... dev.kiln.conformance.Runner --families=elementwise,matmul cpu-simd
 * </pre>
 *
 * Exits with status 1 when a case failed and {@code --strict} is given.
 */
public final class Runner {
    private Runner() {}

    public static void main(String[] args) {
        List<String> backends = new ArrayList<>();
        Set<String> families = Set.of();
        boolean strict = false;
        for (String a : args) {
            if (a.startsWith("--families=")) {
                families = Set.copyOf(
                        Arrays.asList(a.substring("--families=".length()).split(",")));
            } else if (a.equals("--strict")) {
                strict = true;
            } else {
                backends.add(a);
            }
        }
        SupportMatrix m = run(backends.isEmpty() ? availableBackends(System.out) : backends, families, System.out);
        if (strict && m.count(Status.FAIL) > 0) {
            System.exit(1);
        }
    }

    /** The names of the available backends, printing a line for each unavailable one with why and the fix. */
    public static List<String> availableBackends(PrintStream out) {
        List<String> names = new ArrayList<>();
        for (Kiln.BackendInfo b : Kiln.backends()) {
            if (b.availability().available()) {
                names.add(b.name());
            } else {
                out.println("backend '" + b.name() + "' not tested: " + b.availability());
            }
        }
        return names;
    }

    /** Runs every family on these backends and prints the matrix to {@code out}. */
    public static SupportMatrix run(List<String> backends, PrintStream out) {
        return run(backends, Set.of(), out);
    }

    /**
     * Runs the named families (all when {@code families} is empty) on each backend, with no
     * exclusions, printing each backend's matrix to {@code out} as it completes. Returns the matrix.
     */
    public static SupportMatrix run(List<String> backends, Set<String> families, PrintStream out) {
        SupportMatrix matrix = new SupportMatrix();
        for (String backend : backends) {
            try {
                Kiln.backend(backend);
            } catch (BackendUnavailableException e) {
                out.println("backend '" + backend + "' not tested: " + e.getMessage());
                continue;
            }
            long start = System.nanoTime();
            for (Family f : Suite.families()) {
                if (!families.isEmpty() && !families.contains(f.name())) {
                    continue;
                }
                for (Case c : f.cases()) {
                    long t = System.nanoTime();
                    Outcome o = CaseExecution.run(c, backend, Exclusions.none());
                    matrix.record(backend, c, o, System.nanoTime() - t);
                }
            }
            out.println(matrix.render(backend));
            out.printf("(%s ran in %.1f s)%n%n", backend, (System.nanoTime() - start) / 1e9);
        }
        return matrix;
    }

    /** The matrix of these backends as text, without printing while running. */
    public static String matrix(List<String> backends) {
        return run(backends, Set.of(), new PrintStream(PrintStream.nullOutputStream()))
                .render();
    }
}
