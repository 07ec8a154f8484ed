package dev.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.DType;
import dev.kiln.conformance.Outcome.Status;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The suite catches planted bugs ({@link BrokenBackendProvider}) and does not flag what is right;
 * exclusions and tolerances behave as documented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SuiteSelfTest {
    private static final String BROKEN = BrokenBackendProvider.NAME;
    private SupportMatrix matrix;

    @BeforeAll
    void runSuiteOnBrokenBackend() {
        matrix = Runner.run(
                List.of(BROKEN),
                Set.of("elementwise", "reductions", "shapes", "matmul", "buffers", "jit", "grad", "vmap", "control"),
                new PrintStream(PrintStream.nullOutputStream()));
    }

    private int count(String family, String op, String dtype, Status s) {
        return matrix.count(BROKEN, family, op, dtype, s);
    }

    @Test
    void catchesAnExpThatIsSixteenUlpsOff() {
        assertTrue(count("elementwise", "exp", "float32", Status.FAIL) >= 10);
        assertEquals(0, count("elementwise", "exp", "float64", Status.FAIL), "float64 exp is not broken");
    }

    @Test
    void catchesAVectorTailBugOnlyWhereItIs() {
        assertTrue(count("elementwise", "add", "int32", Status.FAIL) >= 2, "n=1023 and n=4097 must fail");
        assertTrue(count("elementwise", "add", "int32", Status.PASS) >= 10, "short vectors are right");
    }

    @Test
    void catchesWrongSumsTransposesAndMatmuls() {
        assertTrue(count("reductions", "sum", "float32", Status.FAIL) > 20);
        assertTrue(count("shapes", "transpose", "float32", Status.FAIL) > 5);
        assertTrue(count("matmul", "matmul", "float32", Status.FAIL) > 20);
        assertEquals(0, count("matmul", "matmul", "float64", Status.FAIL), "float64 matmul is not broken");
    }

    @Test
    void reportsUnsupportedPrimitivesAsSuch() {
        assertTrue(count("reductions", "cumprod", "float32", Status.UNSUPPORTED) > 0);
        assertEquals(0, count("reductions", "cumprod", "float32", Status.FAIL));
    }

    @Test
    void catchesLeakedBuffers() {
        assertTrue(count("buffers", "release", "float32", Status.FAIL) > 0);
    }

    @Test
    void leavesCorrectOpsAlone() {
        // float64: every float32 op also has a case on transposed inputs, which the broken transpose spoils
        for (String op : List.of("sin", "multiply", "maximum", "less", "where", "astype", "exp")) {
            assertEquals(0, count("elementwise", op, "float64", Status.FAIL), op + " is not broken");
        }
        assertEquals(1, count("elementwise", "sin", "float32", Status.FAIL), "only sin's transposed-input case");
        assertEquals(0, count("reductions", "max", "float32", Status.FAIL));
    }

    @Test
    void catchesBrokenKernelsThroughTheTransformations() {
        assertEquals(3, count("grad", "exp", "float32", Status.FAIL), "JAX's grad, jvp and hvp of exp in float32");
        assertEquals(0, count("grad", "exp", "float64", Status.FAIL), "float64 exp is not broken");
        assertTrue(count("grad", "matmul", "float32", Status.FAIL) > 0);
        assertTrue(count("grad", "sum", "float32", Status.FAIL) > 0);
        assertTrue(count("grad", "transpose", "float32", Status.FAIL) > 0);
        assertTrue(count("jit", "exp", "float32", Status.FAIL) >= 3, "jit vs the reference backend's eager exp");
        assertTrue(count("jit", "matmul", "float32", Status.FAIL) > 0);
        assertTrue(count("vmap", "transpose", "float32", Status.FAIL) > 0);
        assertTrue(count("vmap", "exp", "float32", Status.FAIL) > 0);
        assertTrue(count("control", "scan", "float32", Status.FAIL) > 0, "vmap of scan moves axes with transposes");
    }

    @Test
    void leavesCorrectDerivativesAlone() {
        // nothing in float64 is broken: every float64 derivative passes or needs the unsupported cumprod
        int failed = 0;
        Set<String> seen = new java.util.HashSet<>();
        for (Case c : Suite.family("grad").cases()) {
            if (c.dtype().equals("float64") && seen.add(c.op())) {
                failed += count("grad", c.op(), "float64", Status.FAIL);
            }
        }
        assertEquals(0, failed, "float64 derivatives flagged on a backend whose float64 kernels are right");
        assertTrue(count("grad", "cumprod", "float64", Status.UNSUPPORTED) > 0);
        assertEquals(0, count("grad", "cumprod", "float64", Status.FAIL));
        assertEquals(0, count("grad", "sin", "float32", Status.FAIL), "sin's derivatives do not touch broken kernels");
        assertEquals(0, count("jit", "sin", "float32", Status.FAIL));
        assertEquals(0, count("vmap", "exp", "float64", Status.FAIL));
    }

    @Test
    void exclusionsMatchPathsAndSkipWithTheirReason() {
        Exclusions ex = Exclusions.none()
                .exclude("elementwise/exp", "exp is approximated")
                .exclude("*/float64/*", "no float64 here");
        Case exp = new Case("elementwise", "exp", "float32", "n=7", () -> {});
        Case expm1 = new Case("elementwise", "expm1", "float32", "n=7", () -> {});
        Case f64 = new Case("reductions", "sum", "float64", "(13) axes=all", () -> {});
        assertEquals("exp is approximated", ex.reasonFor(exp).orElseThrow());
        assertTrue(ex.reasonFor(expm1).isEmpty(), "a pattern covers whole path segments, not prefixes of names");
        assertEquals("no float64 here", ex.reasonFor(f64).orElseThrow());
        Outcome o = CaseExecution.run(exp, "reference", ex);
        assertEquals(Status.EXCLUDED, o.status());
        assertEquals("exp is approximated", o.detail());
    }

    @Test
    void toleranceTreatsNanZeroAndUlpsAsDocumented() {
        Tolerance.Rule exp = Tolerance.elementwise("exp", DType.FLOAT32);
        assertTrue(exp.accepts(DType.FLOAT32, Double.NaN, Double.NaN, 0));
        assertTrue(!exp.accepts(DType.FLOAT32, 1.0, Double.NaN, 0));
        assertTrue(exp.accepts(DType.FLOAT32, 0.0, -0.0, 0), "-0 matches +0 where the sign of zero does not matter");
        assertTrue(!Tolerance.elementwise("negative", DType.FLOAT32).accepts(DType.FLOAT32, 0.0, -0.0, 0));
        float one = 1.0f;
        float fourUp = Math.nextUp(Math.nextUp(Math.nextUp(Math.nextUp(one))));
        assertTrue(exp.accepts(DType.FLOAT32, one, fourUp, 0));
        assertTrue(!exp.accepts(DType.FLOAT32, one, Math.nextUp(fourUp), 0));
        assertEquals(2, Tolerance.ulpDistance(DType.FLOAT32, -Float.MIN_VALUE, Float.MIN_VALUE));
        assertEquals(1, Tolerance.ulpDistance(DType.FLOAT64, Double.MAX_VALUE, Double.POSITIVE_INFINITY));
        assertTrue(Tolerance.elementwise("add", DType.INT32).isExact());
        Tolerance.Rule sum = Tolerance.reduction("sum", DType.FLOAT32, 10_000);
        assertTrue(sum.accepts(DType.FLOAT32, 100.0, 100.0 + 1e-4, 5000), "within eps*(2+50) of sum|x|=5000");
        assertTrue(!sum.accepts(DType.FLOAT32, 100.0, 100.5, 5000), "a dropped term of 0.5 is caught");
    }
}
