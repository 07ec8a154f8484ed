package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.ArraySpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code Kiln.evalShape} (jax.eval_shape), {@code Kiln.disableJit} and the tree folds. */
class EvalShapeTest {
    @Test
    void evalShapeGivesTheOutputSpecsInFlattenOrderWithoutComputing() {
        AtomicInteger hostCalls = new AtomicInteger();
        List<ArraySpec> specs = Kiln.evalShape((Array x) -> {
                    hostCalls.incrementAndGet();
                    assertTrue(x.isTraced(), "evalShape traces its argument");
                    return Map.of("m", Np.matmul(x, Np.transpose(x)), "s", Np.sum(Np.astype(x, DType.INT32), 0));
                })
                .apply(Np.ones(3, 5));
        assertEquals(1, hostCalls.get());
        // map keys flatten in sorted order: "m" then "s"
        assertEquals(
                List.of(new ArraySpec(DType.FLOAT32, new int[] {3, 3}), new ArraySpec(DType.INT32, new int[] {5})),
                specs);
    }

    @Test
    void evalShapeOfSpecsNeedsNoArrays() {
        List<ArraySpec> out = Kiln.evalShape(
                (List<Array> in) -> List.of(Np.matmul(in.get(0), in.get(1)), Np.add(in.get(1), 1.5)),
                List.of(
                        new ArraySpec(DType.FLOAT32, new int[] {4096, 8192}),
                        new ArraySpec(DType.INT32, new int[] {8192, 16})));
        assertEquals(2, out.size());
        assertArrayEquals(new int[] {4096, 16}, out.get(0).shape());
        assertEquals(DType.FLOAT32, out.get(0).dtype());
        // int32 + a weak float gives float32, as JAX
        assertEquals(DType.FLOAT32, out.get(1).dtype());
        // a shape error surfaces as it would under jit
        assertThrows(
                ShapeException.class,
                () -> Kiln.evalShape(
                        (List<Array> in) -> Np.matmul(in.get(0), in.get(0)),
                        List.of(new ArraySpec(DType.FLOAT32, new int[] {2, 3}))));
    }

    @Test
    void disableJitRunsTheFunctionOpByOpWithConcreteValues() {
        AtomicInteger traced = new AtomicInteger();
        AtomicInteger concrete = new AtomicInteger();
        var f = Kiln.jit((Array x) -> {
            (x.isTraced() ? traced : concrete).incrementAndGet();
            return Np.multiply(x, 2f);
        });
        Array x = Np.array(new float[] {1, 2, 3}, 3);
        try (Kiln.Scope off = Kiln.disableJit()) {
            assertArrayEquals(new float[] {2, 4, 6}, f.apply(x).toFloatArray());
            try (Kiln.Scope again = Kiln.disableJit()) {
                f.apply(x);
            }
            // still disabled after the inner scope closes
            f.apply(x);
            off.close(); // closing twice is harmless
        }
        assertEquals(3, concrete.get());
        assertEquals(0, traced.get());
        assertArrayEquals(new float[] {2, 4, 6}, f.apply(x).toFloatArray());
        assertEquals(1, traced.get());
        assertFalse(Kiln.jitDisabled());
    }

    @Test
    void treeStructureAndReduce() {
        Map<String, Object> tree = Map.of("a", Np.arange(3), "b", List.of(Np.ones(DType.INT32, 2), Np.scalar(4)));
        assertEquals(Tree.flatten(tree).def(), Tree.structure(tree));
        assertEquals(3, Tree.structure(tree).leafCount());
        Array total = Tree.reduce((acc, leaf) -> Np.add(acc, Np.sum(leaf)), tree, Np.scalar(0));
        assertEquals(0 + 1 + 2 + 1 + 1 + 4, total.intItem());
    }
}
