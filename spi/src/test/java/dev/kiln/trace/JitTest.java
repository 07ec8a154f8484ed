package dev.kiln.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.ConcretizationException;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Np;
import dev.kiln.ir.Program;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class JitTest {
    private static <T> T onReference(java.util.function.Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    @Test
    void jitMatchesEagerAndTracesOncePerSignature() {
        AtomicInteger traces = new AtomicInteger();
        Function<Array, Array> f = x -> {
            traces.incrementAndGet();
            return Np.tanh(x.multiply(2)).add(x).sum(0);
        };
        Function<Array, Array> fast = Kiln.jit(f);
        onReference(() -> {
            Array x = Np.array(new float[] {1, -2, 3, 0.5f, 4, -1}, 3, 2);
            assertArrayEquals(f.apply(x).toFloatArray(), fast.apply(x).toFloatArray());
            int afterFirst = traces.get();
            fast.apply(Np.array(new float[] {0, 1, 2, 3, 4, 5}, 3, 2));
            assertEquals(afterFirst, traces.get(), "same shapes must hit the cache");
            fast.apply(Np.array(new float[] {0, 1, 2, 3}, 2, 2));
            assertEquals(afterFirst + 1, traces.get(), "a new shape must retrace");
            fast.apply(Np.array(new double[] {0, 1, 2, 3}, 2, 2));
            assertEquals(afterFirst + 2, traces.get(), "a new dtype must retrace");
            return null;
        });
    }

    @Test
    void nonArrayArgumentsAreStatic() {
        AtomicInteger traces = new AtomicInteger();
        var f = Kiln.jit((Array x, Integer power) -> {
            traces.incrementAndGet();
            Array r = x;
            for (int i = 1; i < power; i++) {
                r = r.multiply(x);
            }
            return r;
        });
        onReference(() -> {
            Array x = Np.array(new float[] {1, 2, 3});
            assertArrayEquals(new float[] {1, 8, 27}, f.apply(x, 3).toFloatArray());
            assertArrayEquals(new float[] {1, 4, 9}, f.apply(x, 2).toFloatArray());
            f.apply(x, 3);
            assertEquals(2, traces.get());
            return null;
        });
    }

    @Test
    void programPrintsLikeAJaxpr() {
        Program p = onReference(() ->
                Kiln.makeProgram((Array x) -> Np.sum(Np.sin(x).multiply(x))).apply(Np.zeros(3)));
        String text = p.toString();
        assertTrue(text.contains("sin"), text);
        assertTrue(text.contains("mul"), text);
        assertTrue(text.contains("reduce_sum"), text);
        assertEquals(1, p.inputs().size());
        assertEquals(List.of(dev.kiln.ir.ArraySpec.of(dev.kiln.DType.FLOAT32)), p.outputSpecs());
    }

    @Test
    void closedOverArraysBecomeConstants() {
        Program p = onReference(() -> {
            Array w = Np.array(new float[] {1, 2, 3});
            return Kiln.makeProgram((Array x) -> x.multiply(w)).apply(Np.zeros(3));
        });
        assertEquals(1, p.constants().size(), p.toString());
    }

    @Test
    void treesGoInAndOut() {
        record Pair(Array a, Array b) {}
        var f = Kiln.jit((Pair p) -> Map.of("sum", p.a().add(p.b()), "diff", p.a().subtract(p.b())));
        onReference(() -> {
            Map<String, Array> out = f.apply(new Pair(Np.array(new float[] {5, 7}), Np.array(new float[] {1, 2})));
            assertArrayEquals(new float[] {6, 9}, out.get("sum").toFloatArray());
            assertArrayEquals(new float[] {4, 5}, out.get("diff").toFloatArray());
            return null;
        });
    }

    @Test
    void javaBranchOnTracedValueExplainsWhatToUse() {
        var f = Kiln.jit((Array x) -> x.sum().item() > 0 ? x : x.negative());
        ConcretizationException e =
                assertThrows(ConcretizationException.class, () -> onReference(() -> f.apply(Np.ones(3))));
        assertTrue(e.getMessage().contains("float32[]"), e.getMessage());
        assertTrue(e.getMessage().contains("jit"), e.getMessage());
        assertTrue(e.getMessage().contains("Lax.cond"), e.getMessage());
    }

    @Test
    void escapedTracerIsReported() {
        Array[] leak = new Array[1];
        var f = Kiln.jit((Array x) -> {
            leak[0] = x;
            return x;
        });
        onReference(() -> f.apply(Np.ones(2)));
        KilnException e = assertThrows(KilnException.class, () -> onReference(() -> leak[0].add(1)));
        assertTrue(e.getMessage().contains("escaped"), e.getMessage());
    }
}
