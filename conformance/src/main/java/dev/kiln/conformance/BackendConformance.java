package dev.kiln.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance suite as JUnit 5 dynamic tests. A backend's test is a subclass of a few lines:
 *
 * <pre>{@code
 * class CpuSimdConformanceTest extends BackendConformance {
 *     @Override protected String backend() { return "cpu-simd"; }
 *     @Override protected Exclusions exclusions() {
 *         return Exclusions.none().exclude("elementwise/erf/float64", "erf uses a float32 polynomial");
 *     }
 * }
 * }</pre>
 *
 * Each family is one test factory; its cases are grouped in containers by op and dtype. Excluded
 * cases are reported as skipped with their reason. After the last test the support matrix of the
 * backend is printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformance {
    private final SupportMatrix matrix = new SupportMatrix();

    protected BackendConformance() {}

    /** The name of the backend under test, as its provider reports it. */
    protected abstract String backend();

    /** Cases this backend does not run, each with a reason. */
    protected Exclusions exclusions() {
        return Exclusions.none();
    }

    @TestFactory
    Stream<DynamicNode> creation() {
        return family("creation");
    }

    @TestFactory
    Stream<DynamicNode> elementwise() {
        return family("elementwise");
    }

    @TestFactory
    Stream<DynamicNode> reductions() {
        return family("reductions");
    }

    @TestFactory
    Stream<DynamicNode> shapes() {
        return family("shapes");
    }

    @TestFactory
    Stream<DynamicNode> indexing() {
        return family("indexing");
    }

    @TestFactory
    Stream<DynamicNode> matmul() {
        return family("matmul");
    }

    @TestFactory
    Stream<DynamicNode> promotion() {
        return family("promotion");
    }

    @TestFactory
    Stream<DynamicNode> errors() {
        return family("errors");
    }

    @TestFactory
    Stream<DynamicNode> buffers() {
        return family("buffers");
    }

    @TestFactory
    Stream<DynamicNode> discovery() {
        return family("discovery");
    }

    @TestFactory
    Stream<DynamicNode> goldens() {
        return family("goldens");
    }

    @TestFactory
    Stream<DynamicNode> breadth() {
        return family("breadth");
    }

    @TestFactory
    Stream<DynamicNode> linalg() {
        return family("linalg");
    }

    @TestFactory
    Stream<DynamicNode> fft() {
        return family("fft");
    }

    @TestFactory
    Stream<DynamicNode> conv() {
        return family("conv");
    }

    @TestFactory
    Stream<DynamicNode> jit() {
        return family("jit");
    }

    @TestFactory
    Stream<DynamicNode> grad() {
        return family("grad");
    }

    @TestFactory
    Stream<DynamicNode> vmap() {
        return family("vmap");
    }

    @TestFactory
    Stream<DynamicNode> control() {
        return family("control");
    }

    @TestFactory
    Stream<DynamicNode> pytrees() {
        return family("pytrees");
    }

    @TestFactory
    Stream<DynamicNode> random() {
        return family("random");
    }

    @TestFactory
    Stream<DynamicNode> distributions() {
        return family("distributions");
    }

    @TestFactory
    Stream<DynamicNode> fusion() {
        return family("fusion");
    }

    @TestFactory
    Stream<DynamicNode> parallel() {
        return family("parallel");
    }

    @TestFactory
    Stream<DynamicNode> determinism() {
        return family("determinism");
    }

    @AfterAll
    void printSupportMatrix() {
        System.out.println(matrix.render(backend()));
    }

    /** The support matrix of the cases run so far in this class. */
    protected SupportMatrix supportMatrix() {
        return matrix;
    }

    /**
     * Whether this test runs family {@code name}; the default runs every family. A subclass that
     * checks one setting of a backend (several devices, say) runs only the families it concerns.
     */
    protected boolean runs(String family) {
        return true;
    }

    private Stream<DynamicNode> family(String name) {
        if (!runs(name)) {
            return Stream.empty();
        }
        String backend = backend();
        Exclusions exclusions = exclusions();
        Map<String, Map<String, List<DynamicNode>>> byOp = new LinkedHashMap<>();
        for (Case c : Suite.family(name).cases()) {
            byOp.computeIfAbsent(opLabel(c), k -> new LinkedHashMap<>())
                    .computeIfAbsent(c.dtype(), k -> new ArrayList<>())
                    .add(DynamicTest.dynamicTest(c.name(), () -> execute(c, backend, exclusions)));
        }
        return byOp.entrySet().stream()
                .map(op -> DynamicContainer.dynamicContainer(
                        op.getKey(),
                        op.getValue().entrySet().stream()
                                .map(dt -> dt.getKey().equals(Case.ANY_DTYPE)
                                        ? DynamicContainer.dynamicContainer("any dtype", dt.getValue().stream())
                                        : DynamicContainer.dynamicContainer(dt.getKey(), dt.getValue().stream()))));
    }

    private static String opLabel(Case c) {
        // golden cases carry the family of the op they check; keep that visible in the tree
        return c.name().startsWith("jax") ? c.family() + " " + c.op() : c.op();
    }

    private void execute(Case c, String backend, Exclusions exclusions) throws Throwable {
        long start = System.nanoTime();
        Outcome o = CaseExecution.run(c, backend, exclusions);
        matrix.record(backend, c, o, System.nanoTime() - start);
        switch (o.status()) {
            case PASS -> {}
            case EXCLUDED -> Assumptions.abort("excluded for backend '" + backend + "': " + o.detail());
            case UNSUPPORTED -> {
                if (exclusions.unsupportedReason().isPresent()) {
                    Assumptions.abort("unsupported primitive skipped ("
                            + exclusions.unsupportedReason().get() + "): " + o.detail());
                }
                Assertions.fail(
                        "backend '" + backend + "' does not support a primitive this case needs: " + o.detail(),
                        o.error());
            }
            case FAIL -> throw o.error();
        }
    }
}
