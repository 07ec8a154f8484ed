package dev.kiln.conformance;

import dev.kiln.Kiln;
import dev.kiln.conformance.Outcome.Status;
import dev.kiln.spi.BackendUnavailableException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the conformance families without JUnit on backends found on the class path and prints the
 * support matrix: rows are ops, columns dtypes, cells {@code ok}, {@code ok*}, {@code F<n>},
 * {@code excl} or {@code unsup}, with {@code +} where cases ran through decompositions into core
 * primitives (see {@link SupportMatrix#LEGEND}), then the failures, the decomposed primitives and totals.
 *
 * <pre>
 * java -cp ... dev.kiln.conformance.Runner                       # every available backend
 * java -cp ... dev.kiln.conformance.Runner cpu-simd reference    # these backends
 * java -cp ... dev.kiln.conformance.Runner --families=elementwise,matmul cpu-simd
 * </pre>
 *
 * Exit status: 0 when no case failed, 1 when a case failed (unless {@code --allow-failures}) or no
 * backend could be tested, 2 for a bad argument (an unknown option, family or backend name).
 */
public final class Runner {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Runner() {}

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != OK) {
            System.exit(status);
        }
    }

    /** The usage text that {@code --help} prints. */
    static String usage() {
        return String.join(
                "\n",
                "usage: java --add-modules jdk.incubator.vector -cp <class path> dev.kiln.conformance.Runner"
                        + " [options] [backend ...]",
                "",
                "Runs the conformance suite on each named backend (every available backend when none is named)",
                "and prints its support matrix: rows are family and op, columns dtypes.",
                "  " + SupportMatrix.LEGEND,
                "",
                "options:",
                "  --families=a,b       run only these families, one of: " + String.join(", ", familyNames()),
                "  --allow-failures     exit 0 even when a case failed",
                "  --strict             exit 1 when a case failed (the default; kept for old scripts)",
                "  -h, --help           print this text and exit",
                "",
                "exit status: 0 no case failed; 1 a case failed, or no backend could be tested;",
                "             2 an unknown option, family or backend name",
                "");
    }

    /**
     * Runs the runner with these command-line arguments, printing the matrix to {@code out} and
     * argument errors to {@code err}; returns the exit status ({@code main} passes it to {@code
     * System.exit}).
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> backends = new ArrayList<>();
        Set<String> families = Set.of();
        boolean allowFailures = false;
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.print(usage());
                return OK;
            } else if (a.startsWith("--families=")) {
                families = new LinkedHashSet<>(
                        Arrays.asList(a.substring("--families=".length()).split(",")));
                families.remove("");
                List<String> unknown = new ArrayList<>(families);
                unknown.removeAll(familyNames());
                if (!unknown.isEmpty() || families.isEmpty()) {
                    err.println("no conformance famil" + (unknown.size() == 1 ? "y" : "ies") + " named "
                            + String.join(
                                    ", ",
                                    unknown.stream().map(n -> "'" + n + "'").toList())
                            + "; the families are: " + String.join(", ", familyNames()));
                    return USAGE;
                }
            } else if (a.equals("--strict")) {
                allowFailures = false;
            } else if (a.equals("--allow-failures")) {
                allowFailures = true;
            } else if (a.startsWith("-")) {
                err.println("unknown option '" + a + "'\n\n" + usage());
                return USAGE;
            } else {
                backends.add(a);
            }
        }
        List<String> known =
                Kiln.backends().stream().map(Kiln.BackendInfo::name).toList();
        for (String b : backends) {
            if (!known.contains(b)) {
                err.println("no backend named '" + b + "'; the backends found are: " + String.join(", ", known)
                        + " (a backend's jar must be on the class path; --help for the options)");
                return USAGE;
            }
        }
        SupportMatrix m = run(backends.isEmpty() ? availableBackends(out) : backends, families, out);
        int ran = m.count(Status.PASS) + m.count(Status.FAIL) + m.count(Status.UNSUPPORTED) + m.count(Status.EXCLUDED);
        if (ran == 0) {
            err.println("no backend was tested");
            return FAILED;
        }
        int failed = m.count(Status.FAIL);
        if (failed > 0 && !allowFailures) {
            err.println(
                    failed + " case" + (failed == 1 ? "" : "s") + " failed (exit status 1; --allow-failures exits 0)");
            return FAILED;
        }
        return OK;
    }

    private static List<String> familyNames() {
        return Suite.families().stream().map(Family::name).toList();
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
