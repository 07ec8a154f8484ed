package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code x.at(idx)} updates and array indexing under the transformations, against the same calls
 * made eagerly one example at a time (their values are checked against JAX by the conformance
 * suite's breadth family).
 */
class AtUpdateTest {
    private static final int[][] INDICES = {{0, 3, 3, -1}, {9, 1, -6, 2}, {4, 4, 4, 4}};

    private static Array rows(int b, int n, double offset) {
        double[] v = new double[b * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(1.3 * i + offset) * 3;
        }
        return Np.array(v, b, n);
    }

    @Test
    void everyModeUnderVmapWithBatchedIndicesMatchesEachExample() {
        Array x = rows(3, 5, 0);
        Array v = rows(3, 4, 1);
        Array idx = Np.array(new int[] {0, 3, 3, -1, 9, 1, -6, 2, 4, 4, 4, 4}, 3, 4);
        for (String mode : List.of("set", "add", "multiply", "min", "max")) {
            Array batched = Kiln.vmap((List<Array> a) -> List.of(apply(mode, a.get(0), a.get(1), a.get(2))))
                    .apply(List.of(x, idx, v))
                    .get(0);
            for (int b = 0; b < 3; b++) {
                Array one = apply(mode, x.get(Index.at(b)), Np.array(INDICES[b]), v.get(Index.at(b)));
                assertArrayEquals(
                        one.toDoubleArray(), batched.get(Index.at(b)).toDoubleArray(), 1e-12, mode + " row " + b);
            }
        }
    }

    @Test
    void jitGivesTheEagerValuesAndGradients() {
        Array x = rows(4, 6, 2);
        Array v = rows(2, 3, 3);
        Array i = Np.array(new int[] {3, -4}); // distinct rows
        java.util.function.Function<List<Array>, List<Array>> f = a -> List.of(Np.sum(
                Np.multiply(a.get(0).at(Index.of(i), Index.slice(1, 6, 2)).set(a.get(1)), a.get(0))));
        Array eager = f.apply(List.of(x, v)).get(0);
        Array jitted = Kiln.jit(f).apply(List.of(x, v)).get(0);
        assertArrayEquals(eager.toDoubleArray(), jitted.toDoubleArray(), 1e-12);
        java.util.function.Function<Array, Array> loss =
                u -> Np.sum(Np.square(x.at(Index.of(i), Index.slice(1, 6, 2)).add(u)));
        Array g = Kiln.grad(loss).apply(v);
        Array gj = Kiln.jit(Kiln.grad(loss)).apply(v);
        assertArrayEquals(g.toDoubleArray(), gj.toDoubleArray(), 1e-12);
        // d/du sum((x + u at the positions)^2) = 2 (x + u) there
        Array expected = Np.multiply(2.0, Np.add(x.get(Index.of(i), Index.slice(1, 6, 2)), v));
        assertArrayEquals(expected.toDoubleArray(), g.toDoubleArray(), 1e-12);
    }

    @Test
    void segmentSumUnderVmapMatchesEachExample() {
        Array data = rows(3, 4, 5);
        Array ids = Np.array(new int[] {0, 2, 2, 7, 1, 1, 0, -1, 3, 3, 3, 3}, 3, 4);
        Array batched = Kiln.vmap((List<Array> a) -> List.of(Ops.segmentSum(a.get(0), a.get(1), 4)))
                .apply(List.of(data, ids))
                .get(0);
        for (int b = 0; b < 3; b++) {
            Array one = Ops.segmentSum(data.get(Index.at(b)), ids.get(Index.at(b)), 4);
            assertArrayEquals(one.toDoubleArray(), batched.get(Index.at(b)).toDoubleArray(), 1e-12);
        }
    }

    @Test
    void aMaskNeedsConcreteValues() {
        Array x = rows(2, 3, 0);
        Array eager = x.at(Np.greater(x, 0)).set(0);
        assertArrayEquals(Np.minimum(x, 0).toDoubleArray(), eager.toDoubleArray(), 0);
        IndexException e = assertThrows(
                IndexException.class,
                () -> Kiln.jit((Array a) -> a.at(Np.greater(a, 0)).set(0)).apply(x));
        assertTrue(e.getMessage().startsWith("at.set:"), e.getMessage());
        IndexException shape =
                assertThrows(IndexException.class, () -> x.at(Np.array(new boolean[] {true, false, true}))
                        .add(1));
        assertTrue(shape.getMessage().startsWith("at.add:"), shape.getMessage());
    }

    @Test
    void anUpdateAtAnIntegerOutOfRangeIsDroppedAsInJax() {
        Array x = rows(2, 3, 0);
        assertArrayEquals(x.toDoubleArray(), x.at(Index.at(5)).set(9).toDoubleArray(), 0);
        assertArrayEquals(
                x.toDoubleArray(), x.at(Index.all(), Index.at(-4)).add(9).toDoubleArray(), 0);
        assertThrows(IndexException.class, () -> x.get(Index.at(5)));
    }

    @Test
    void valuesThatDoNotBroadcastAreATypedError() {
        Array x = rows(4, 5, 0);
        ShapeException e =
                assertThrows(ShapeException.class, () -> x.at(Index.of(0, 1)).add(Np.zeros(3, 5)));
        assertTrue(e.getMessage().startsWith("at.add:"), e.getMessage());
    }

    private static Array apply(String mode, Array x, Array i, Array v) {
        IndexUpdate at = x.at(Index.of(i));
        return switch (mode) {
            case "set" -> at.set(v);
            case "add" -> at.add(v);
            case "multiply" -> at.multiply(v);
            case "min" -> at.min(v);
            default -> at.max(v);
        };
    }
}
