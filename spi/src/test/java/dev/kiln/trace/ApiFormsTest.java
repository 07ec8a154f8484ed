package dev.kiln.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Argument selection, auxiliary outputs and per-leaf vmap axes. */
class ApiFormsTest {
    private static <T> T ref(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    @Test
    void gradSelectsArguments() {
        ref(() -> {
            Array a = Np.array(new double[] {1, 2});
            Array b = Np.array(new double[] {3, 5});
            // f = sum(a^2 * b): df/da = 2ab, df/db = a^2
            var f = (java.util.function.BiFunction<Array, Array, Array>)
                    (x, y) -> Np.sum(x.multiply(x).multiply(y));
            assertArrayEquals(new double[] {6, 20}, ((Array) Kiln.grad(f, 0).apply(a, b)).toDoubleArray());
            assertArrayEquals(new double[] {1, 4}, ((Array) Kiln.grad(f, 1).apply(a, b)).toDoubleArray());
            Object[] both = (Object[]) Kiln.grad(f, 0, 1).apply(a, b);
            assertArrayEquals(new double[] {6, 20}, ((Array) both[0]).toDoubleArray());
            assertArrayEquals(new double[] {1, 4}, ((Array) both[1]).toDoubleArray());
            assertThrows(IllegalArgumentException.class, () -> Kiln.grad(f, 2));
            return null;
        });
    }

    @Test
    void auxiliaryOutputIsReturnedNotDifferentiated() {
        ref(() -> {
            Array x = Np.array(new double[] {1, -2, 3});
            var r = Kiln.valueAndGradWithAux((Array v) -> new Kiln.WithAux<>(Np.sum(v.multiply(v)), Np.argmax(v)))
                    .apply(x);
            assertEquals(14, r.value().item(), 0);
            assertArrayEquals(new double[] {2, -4, 6}, r.grad().toDoubleArray());
            assertEquals(2, r.aux().intItem());
            return null;
        });
    }

    @Test
    void vmapTakesAnAxisPerLeaf() {
        ref(() -> {
            Array rows = Np.array(new double[][] {{1, 2}, {3, 4}, {5, 6}});
            Array shift = Np.array(new double[] {10, 20});
            // map over rows of the first leaf, share the second
            Array out = Kiln.vmap((List<Array> l) -> l.get(0).add(l.get(1)), new Integer[] {0, null}, 0)
                    .apply(List.of(rows, shift));
            assertArrayEquals(new double[] {11, 22, 13, 24, 15, 26}, out.toDoubleArray());
            // map over columns of the first leaf
            Array cols = Kiln.vmap((List<Array> l) -> Np.sum(l.get(0)), new Integer[] {1, null}, 0)
                    .apply(List.of(rows, shift));
            assertArrayEquals(new double[] {9, 12}, cols.toDoubleArray());
            assertThrows(
                    IllegalArgumentException.class, () -> Kiln.vmap((List<Array> l) -> l.get(0), new Integer[] {0}, 0)
                            .apply(List.of(rows, shift)));
            return null;
        });
    }
}
