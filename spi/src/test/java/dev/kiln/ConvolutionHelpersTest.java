package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The shape helpers and cumulative reductions beside {@link Lax#convGeneralDilated}; expected values
 * printed by JAX 0.10.2 ({@code lax.padtype_to_pads}, {@code conv_general_shape_tuple}, {@code
 * reduce_window_shape_tuple}, {@code cummax}, {@code cumsum}, {@code cumlogsumexp} with {@code
 * reverse=True}). The convolutions themselves are checked by the conformance suite's conv family.
 */
class ConvolutionHelpersTest {
    @Test
    void padtypeToPads() {
        assertArrayEquals(
                new int[][] {{1, 1}, {0, 1}},
                Lax.padtypeToPads(new int[] {7, 6}, new int[] {3, 2}, new int[] {2, 1}, "SAME"));
        assertArrayEquals(
                new int[][] {{1, 1}, {1, 0}},
                Lax.padtypeToPads(new int[] {7, 6}, new int[] {3, 2}, new int[] {2, 1}, "SAME_LOWER"));
        assertArrayEquals(
                new int[][] {{0, 0}, {0, 0}},
                Lax.padtypeToPads(new int[] {7, 6}, new int[] {3, 2}, new int[] {2, 1}, "VALID"));
        KilnException e = assertThrows(
                KilnException.class, () -> Lax.padtypeToPads(new int[] {7}, new int[] {3}, new int[] {1}, "FULL"));
        assertTrue(e.getMessage().startsWith("padtypeToPads:"), e.getMessage());
    }

    @Test
    void shapeTuples() {
        assertArrayEquals(
                new int[] {2, 8, 2, 6},
                Lax.convGeneralShapeTuple(
                        new int[] {2, 7, 5, 4},
                        new int[] {3, 3, 4, 6},
                        new int[] {1, 2},
                        new int[][] {{1, 2}, {0, 1}},
                        new String[] {"NHWC", "HWIO", "NHWC"}));
        assertArrayEquals(
                new int[] {2, 6, 2, 4},
                Lax.convGeneralShapeTuple(
                        new int[] {2, 3, 5, 4},
                        new int[] {2, 3, 3, 4},
                        new int[] {1, 1},
                        new int[][] {{1, 1}, {0, 0}},
                        new String[] {"NCHW", "HWIO", "NHWC"}));
        assertArrayEquals(
                new int[] {8, 4},
                Lax.reduceWindowShapeTuple(
                        new int[] {9, 5},
                        new int[] {3, 2},
                        new int[] {2, 1},
                        new int[][] {{2, 1}, {0, 0}},
                        new int[] {2, 1},
                        new int[] {2, 1}));
        Lax.ConvDimensionNumbers d = Lax.convDimensionNumbers(
                new int[] {1, 5, 4, 2}, new int[] {2, 3, 2, 3}, new String[] {"NHWC", "WHIO", "NWHC"});
        assertArrayEquals(new int[] {0, 3, 2, 1}, d.lhsSpec());
        assertArrayEquals(new int[] {3, 2, 0, 1}, d.rhsSpec());
        assertArrayEquals(new int[] {0, 3, 1, 2}, d.outSpec());
    }

    @Test
    void reversedCumulativeReductions() {
        Array x = Np.array(new float[] {1, 5, 2, 4, 3, 0, 6, 1}, 2, 4);
        assertArrayEquals(
                new float[] {5, 5, 4, 4, 6, 6, 6, 1}, Lax.cummax(x, 1, true).toFloatArray());
        assertArrayEquals(
                new float[] {4, 5, 8, 5, 3, 0, 6, 1}, Lax.cumsum(x, 0, true).toFloatArray());
        float[] lse = Lax.cumlogsumexp(x, 1, true).toFloatArray();
        float[] jax = {5.361849f, 5.3490124f, 4.126928f, 4f, 6.0573287f, 6.0091743f, 6.0067153f, 1f};
        for (int i = 0; i < jax.length; i++) {
            assertEquals(jax[i], lse[i], 4 * Math.ulp(jax[i]), "cumlogsumexp element " + i);
        }
    }
}
