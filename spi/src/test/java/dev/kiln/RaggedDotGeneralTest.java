package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * {@link Lax#raggedDotGeneral} where JAX gives no golden value: under {@code vmap} (JAX 0.10.2
 * refuses to batch it) it must equal the call per batch element, and its ragged-free mode must
 * equal {@link Lax#raggedDot}. Values against JAX are in the conformance module's JaxCasesTest.
 */
class RaggedDotGeneralTest {
    private static final int[] NONE = {};

    private static Array iota(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Np.reshape(Np.astype(Np.arange(0.0, n, 1.0), DType.FLOAT32), shape);
    }

    private static Array ragged(Array x, Array rhs, Array sizes) {
        return Lax.raggedDotGeneral(
                x, rhs, sizes, new int[] {1}, new int[] {1}, NONE, NONE, new int[] {0}, new int[] {0});
    }

    @Test
    void vmapEqualsTheCallPerElement() {
        Array rhs = Np.subtract(iota(2, 4, 2), 7.0);
        Array sizes = Np.array(new int[] {2, 1});
        Array xs = Np.subtract(iota(3, 3, 4), 11.0);
        Array batched = Kiln.vmap((Array x) -> ragged(x, rhs, sizes)).apply(xs);
        for (int i = 0; i < 3; i++) {
            Array one = ragged(Np.take(xs, Np.scalar(i), 0), rhs, sizes);
            assertArrayEquals(
                    one.toDoubleArray(), Np.take(batched, Np.scalar(i), 0).toDoubleArray());
        }
    }

    @Test
    void freeModeIsRaggedDot() {
        Array rhs = iota(2, 4, 2);
        Array sizes = Np.array(new int[] {1, 1});
        Array x = iota(3, 4);
        assertArrayEquals(
                Lax.raggedDot(x, rhs, sizes).toDoubleArray(),
                ragged(x, rhs, sizes).toDoubleArray());
    }

    @Test
    void refusesAFreeRaggedDimensionWithoutAGroupDimension() {
        assertThrows(
                ShapeException.class,
                () -> Lax.raggedDotGeneral(
                        iota(3, 4),
                        iota(4, 2),
                        Np.array(new int[] {2, 1}),
                        new int[] {1},
                        new int[] {0},
                        NONE,
                        NONE,
                        new int[] {0},
                        NONE));
    }
}
