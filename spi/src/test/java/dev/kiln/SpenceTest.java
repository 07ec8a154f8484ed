package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code Special.spence}'s derivative on {@code [1, 2)}, where JAX 0.10.2's gradient is nan (and 0 at
 * 1) so the goldens leave it out: it must be {@code log(x) / (1 - x)}, -1 at 1.
 */
class SpenceTest {
    @Test
    void derivativeIsLogXOverOneMinusX() {
        double[] xs = {1.0, 1.0 + 1e-9, 1.1, 1.5, 1.9, 1.999};
        Array g = Kiln.vmap(Kiln.grad((Array x) -> Special.spence(x))).apply(Np.array(xs, xs.length));
        double[] got = g.toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            double want = xs[i] == 1.0 ? -1.0 : Math.log(xs[i]) / (1 - xs[i]);
            assertEquals(want, got[i], 1e-12 * Math.abs(want), "spence'(" + xs[i] + ")");
        }
    }
}
