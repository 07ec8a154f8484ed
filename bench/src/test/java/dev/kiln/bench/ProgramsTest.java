package dev.kiln.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Tree;
import dev.kiln.conformance.Tolerance;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The programs of {@link Programs} compute what their names say: at the benchmark's own sizes, each
 * program's eager and jitted forms on cpu-simd agree with the reference backend's eager result
 * within the conformance suite's rule for derivatives (relative to the largest magnitude).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProgramsTest {
    private Programs.OnKiln fast;
    private Programs.OnKiln reference;
    private final Programs bench = new Programs();

    @BeforeAll
    void setup() {
        fast = state("cpu-simd");
        reference = state("reference");
    }

    private static Programs.OnKiln state(String backend) {
        Programs.OnKiln s = new Programs.OnKiln();
        s.backend = backend;
        s.setup();
        return s;
    }

    private void check(String what, Function<Programs.OnKiln, Object> eager, Function<Programs.OnKiln, Object> jit) {
        List<Array> want = Tree.flatten(eager.apply(reference)).leaves();
        for (var form : List.of(eager, jit)) {
            List<Array> got = Tree.flatten(form.apply(fast)).leaves();
            assertEquals(want.size(), got.size(), what + ": leaves");
            for (int l = 0; l < want.size(); l++) {
                assertEquals(
                        java.util.Arrays.toString(want.get(l).shape()),
                        java.util.Arrays.toString(got.get(l).shape()),
                        what + ": shape of leaf " + l);
                double[] e = want.get(l).toDoubleArray();
                double[] a = got.get(l).toDoubleArray();
                double[] scale = Tolerance.maxMagnitude(e);
                assertTrue(scale.length == 0 || scale[0] > 0, what + ": leaf " + l + " is all zeros");
                Tolerance.Rule rule = Tolerance.twoWays(Tolerance.derivative(DType.FLOAT32));
                for (int i = 0; i < e.length; i++) {
                    assertTrue(
                            rule.accepts(DType.FLOAT32, e[i], a[i], scale[i]),
                            what + " leaf " + l + "[" + i + "]: expected " + e[i] + ", got " + a[i] + " (" + rule
                                    + ")");
                }
            }
        }
    }

    /** The sizes in {@code jax/programs.py} (read by the JAX and PyTorch scripts) are the ones here. */
    @Test
    void pythonSizesMatch() throws Exception {
        java.util.Map<String, Integer> py = new java.util.HashMap<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("jax/programs.py"))) {
            if (!line.contains("=") || line.startsWith("\"")) {
                continue;
            }
            String[] names = line.substring(0, line.indexOf('=')).split(",");
            String[] values = line.substring(line.indexOf('=') + 1).split(",");
            assertEquals(names.length, values.length, line);
            for (int i = 0; i < names.length; i++) {
                py.put(names[i].trim(), Integer.parseInt(values[i].trim()));
            }
        }
        int checked = 0;
        for (var f : Programs.class.getDeclaredFields()) {
            if (f.getType() == int.class && java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                assertEquals(f.getInt(null), py.get(f.getName()), "jax/programs.py " + f.getName());
                checked++;
            }
        }
        assertEquals(py.size(), checked, "every size in jax/programs.py is a constant of Programs");
    }

    @Test
    void matvec() {
        check("matvec", bench::matvecEager, bench::matvecJit);
    }

    @Test
    void hvp() {
        check("hvp", bench::hvpEager, bench::hvpJit);
    }

    @Test
    void rnnGrad() {
        check("rnnGrad", bench::rnnGradEager, bench::rnnGradJit);
    }

    @Test
    void attention() {
        check("attention", bench::attentionEager, bench::attentionJit);
    }

    @Test
    void geluMlpGrad() {
        check("geluMlpGrad", bench::geluMlpGradEager, bench::geluMlpGradJit);
    }

    @Test
    void perExampleGrads() {
        check("perExampleGrads", bench::perExampleGradsEager, bench::perExampleGradsJit);
    }

    @Test
    void transformerStep() {
        check("transformerStep", bench::transformerStepEager, bench::transformerStepJit);
    }
}
