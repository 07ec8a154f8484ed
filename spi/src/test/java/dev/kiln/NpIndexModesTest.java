package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code Np.choose}'s and {@code Np.polyder}'s JAX behaviours: choose refuses an out-of-range
 * index in its default mode "raise" (JAX's default) and under {@code jit}, where the index is not
 * concrete, and clips or wraps it when asked; polyder gives float for integer coefficients and
 * refuses a negative order. JaxCasesTest compares the values with JAX's.
 */
class NpIndexModesTest {
    private static final Array A = Np.array(new float[] {1, 2, 3});
    private static final Array B = Np.array(new float[] {4, 5, 6});

    @Test
    void chooseRaisesClipsAndWraps() {
        Array idx = Np.array(new int[] {0, 2, -1});
        KilnException e = assertThrows(KilnException.class, () -> Np.choose(idx, A, B));
        assertTrue(e.getMessage().startsWith("choose:") && e.getMessage().contains("mode \"clip\""), e.getMessage());
        assertArrayEquals(
                new double[] {1, 5, 3},
                Np.choose(idx, new Array[] {A, B}, "clip").toDoubleArray());
        assertArrayEquals(
                new double[] {1, 2, 6},
                Np.choose(idx, new Array[] {A, B}, "wrap").toDoubleArray());
        KilnException traced = assertThrows(KilnException.class, () -> Kiln.jit((Array i) -> Np.choose(i, A, B))
                .apply(Np.array(new int[] {0, 1, 1})));
        assertTrue(traced.getMessage().contains("concrete"), traced.getMessage());
        assertArrayEquals(
                new double[] {1, 5, 6},
                Kiln.jit((Array i) -> Np.choose(i, new Array[] {A, B}, "clip"))
                        .apply(Np.array(new int[] {0, 1, 1}))
                        .toDoubleArray());
        assertThrows(DTypeException.class, () -> Np.choose(Np.array(new float[] {0}), A, B));
        assertThrows(KilnException.class, () -> Np.choose(idx, new Array[] {A, B}, "x"));
    }

    @Test
    void histogram2dJitsThoughItRavelsIndices() {
        Array x = Np.array(new float[] {0, 1, 2, 3});
        Array y = Np.array(new float[] {0, 1, 1, 3});
        Array eager = Np.histogram2d(x, y, 2)[0];
        Array jitted = Kiln.jit((Array u) -> Np.histogram2d(u, y, 2)[0]).apply(x);
        assertArrayEquals(eager.toDoubleArray(), jitted.toDoubleArray());
    }

    @Test
    void polyderPromotesAndRefusesNegativeOrders() {
        Array d = Np.polyder(Np.array(new int[] {1, 2, 3}), 1);
        assertTrue(d.dtype() == DType.FLOAT32, d.dtype().toString());
        assertArrayEquals(new double[] {2, 2}, d.toDoubleArray());
        assertThrows(KilnException.class, () -> Np.polyder(A, -1));
    }
}
