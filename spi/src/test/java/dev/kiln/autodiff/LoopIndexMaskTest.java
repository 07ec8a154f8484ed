package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The counter of {@link Lax#forLoop} is an integer: it carries no derivative, so a body may scale
 * its carry by a mask built from it, as JAX's {@code fori_loop} allows under {@code grad}.
 */
class LoopIndexMaskTest {
    /** {@code sum_j x_j * prod over i of (1 + [i == j])}: x_j doubled once when j < 3. */
    static Array f(Array x) {
        Array y = Lax.forLoop(
                0,
                3,
                (i, acc) -> Np.multiply(
                        acc,
                        Np.add(1.0f, Np.astype(Np.equal(Lax.iota(DType.INT32, new int[] {4}, 0), i), DType.FLOAT32))),
                x);
        return Np.sum(Np.multiply(y, y));
    }

    /** A column-by-column update as a factorization writes it: the mask is a one-hot column of the counter. */
    static Array g(Array a) {
        Array idx = Lax.iota(DType.INT32, new int[] {3}, 0);
        Array out = Lax.forLoop(
                0,
                3,
                (j, acc) -> {
                    Array ej = Np.astype(Np.equal(idx, j), DType.FLOAT64);
                    Array col = Np.sum(Np.multiply(acc, ej), -1);
                    Array upd = Np.where(Np.greater(idx, j), Np.multiply(col, col), 0.0);
                    return Np.add(acc, Np.multiply(Np.expandDims(upd, -1), ej));
                },
                a);
        return Np.sum(out);
    }

    @Test
    void gradOfAColumnUpdateAgainstFiniteDifferences() {
        double[] d = {0.5, -1.0, 2.0, 0.25, 1.5, -0.75, 1.0, 0.3, -0.2};
        Array a = Np.array(d, 3, 3);
        double[] got = Kiln.grad((Function<Array, Array>) LoopIndexMaskTest::g)
                .apply(a)
                .toDoubleArray();
        double h = 1e-6;
        for (int k = 0; k < d.length; k++) {
            double[] p = d.clone();
            double[] m = d.clone();
            p[k] += h;
            m[k] -= h;
            double fd = (g(Np.array(p, 3, 3)).toDoubleArray()[0]
                            - g(Np.array(m, 3, 3)).toDoubleArray()[0])
                    / (2 * h);
            org.junit.jupiter.api.Assertions.assertEquals(fd, got[k], 1e-6, "element " + k);
        }
    }

    @Test
    void gradThroughAMaskOfTheCounter() {
        Array x = Np.array(new float[] {1f, 2f, 3f, 4f});
        // y = (2, 4, 6, 4); d sum(y^2)/dx = 2 y * (2, 2, 2, 1)
        float[] want = {8f, 16f, 24f, 8f};
        assertArrayEquals(
                want,
                Kiln.grad((Function<Array, Array>) LoopIndexMaskTest::f)
                        .apply(x)
                        .toFloatArray());
        assertArrayEquals(
                want,
                Kiln.jit(Kiln.grad((Function<Array, Array>) LoopIndexMaskTest::f))
                        .apply(x)
                        .toFloatArray());
    }
}
