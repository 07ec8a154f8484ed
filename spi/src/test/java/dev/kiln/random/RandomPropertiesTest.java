package dev.kiln.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.AxisException;
import dev.kiln.DType;
import dev.kiln.DTypeException;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.Random;
import dev.kiln.ShapeException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Facts the goldens rely on, shapes and dtypes at the edges, and argument errors. */
class RandomPropertiesTest {
    private static <T> T onReference(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    /**
     * Kiln computes uniform floats as {@code (bits >>> 9) · 2^-23}; JAX ORs the 23 bits into 1.0's
     * bit pattern and subtracts 1. Both are exact, so they agree for every mantissa.
     */
    @Test
    void mantissaScalingEqualsJaxBitTrick() {
        for (int m = 0; m < 1 << 23; m++) {
            float trick = Float.intBitsToFloat(m | 0x3F80_0000) - 1f;
            float scaled = m * 0x1p-23f;
            if (Float.floatToRawIntBits(trick) != Float.floatToRawIntBits(scaled)) {
                throw new AssertionError("mantissa " + m + ": " + trick + " != " + scaled);
            }
        }
    }

    @Test
    void uniformSamplesAreInRangeAndMeanIsPlausible() {
        float[] u = onReference(() -> Random.uniform(Random.key(9), 20_000).toFloatArray());
        double sum = 0;
        for (float v : u) {
            assertTrue(v >= 0 && v < 1, "uniform sample " + v + " outside [0, 1)");
            sum += v;
        }
        // the mean of 20000 uniforms has standard deviation 0.002
        assertEquals(0.5, sum / u.length, 0.01);
    }

    @Test
    void permutationIsAPermutationAtEverySize() {
        onReference(() -> {
            for (int n : new int[] {0, 1, 2, 5, 64, 65, 1000}) {
                int[] p = Random.permutation(Random.key(n), n).toIntArray();
                int[] sorted = p.clone();
                Arrays.sort(sorted);
                int[] expected = new int[n];
                Arrays.setAll(expected, i -> i);
                assertArrayEquals(expected, sorted, "permutation of " + n);
            }
            return null;
        });
    }

    @Test
    void permutationOfAnArrayShufflesTheFirstAxisLikeTheIndexPermutation() {
        onReference(() -> {
            Array key = Random.key(3);
            Array x = Np.arange(12).reshape(6, 2);
            int[] order = Random.permutation(key, 6).toIntArray();
            int[] rows = Random.permutation(key, x).toIntArray();
            for (int i = 0; i < 6; i++) {
                assertEquals(2 * order[i], rows[2 * i]);
                assertEquals(2 * order[i] + 1, rows[2 * i + 1]);
            }
            return null;
        });
    }

    /**
     * JAX's permutation relies on a stable sort; Kiln's bitonic argsort (package-private, reached
     * by reflection since tests run on the class path) must give the stable order even with many
     * equal keys, keys equal to its 0xFFFFFFFF padding, and sizes that are not powers of two.
     */
    @Test
    void argsortIsStable() throws ReflectiveOperationException {
        Method argsort = Class.forName("dev.kiln.BitonicSort").getDeclaredMethod("argsort", Array.class);
        argsort.setAccessible(true);
        java.util.Random rng = new java.util.Random(42);
        for (int n : new int[] {1, 2, 3, 5, 8, 13, 31, 32, 33, 100, 1000}) {
            int[] keys = new int[n];
            for (int i = 0; i < n; i++) {
                int r = rng.nextInt(4);
                keys[i] = r == 3 ? 0xFFFF_FFFF : r == 2 ? 0x8000_0000 : r;
            }
            Integer[] expected = new Integer[n];
            Arrays.setAll(expected, i -> i);
            Arrays.sort(expected, (a, b) -> Integer.compareUnsigned(keys[a], keys[b])); // stable
            Array order = onReference(() -> {
                try {
                    return (Array) argsort.invoke(null, Np.arrayUint32(keys));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            });
            assertArrayEquals(
                    Arrays.stream(expected).mapToInt(Integer::intValue).toArray(),
                    order.toIntArray(),
                    "argsort of " + n + " keys");
        }
    }

    @Test
    void randintStaysInItsRangeIncludingTheFullInt32Range() {
        onReference(() -> {
            int[] small = Random.randint(Random.key(1), -3, 4, 5000).toIntArray();
            boolean[] seen = new boolean[7];
            for (int v : small) {
                assertTrue(v >= -3 && v < 4, "randint sample " + v);
                seen[v + 3] = true;
            }
            for (boolean s : seen) {
                assertTrue(s, "every value of a small range should appear in 5000 draws");
            }
            int[] empty = Random.randint(Random.key(1), 10, 10, 7).toIntArray();
            assertArrayEquals(new int[] {10, 10, 10, 10, 10, 10, 10}, empty);
            int[] wide = Random.randint(Random.key(1), Integer.MIN_VALUE, Integer.MAX_VALUE, 1000)
                    .toIntArray();
            assertTrue(Arrays.stream(wide).anyMatch(v -> v < 0)
                    && Arrays.stream(wide).anyMatch(v -> v > 0));
            return null;
        });
    }

    @Test
    void shapesAndDtypes() {
        onReference(() -> {
            Array key = Random.key(0);
            assertEquals(DType.UINT32, key.dtype());
            assertArrayEquals(new int[] {2}, key.shape());
            assertArrayEquals(new int[] {0, 2}, Random.split(key, 0).shape());
            assertArrayEquals(new int[] {}, Random.uniform(key).shape());
            assertArrayEquals(new int[] {2, 0, 3}, Random.normal(key, 2, 0, 3).shape());
            assertEquals(DType.BOOL, Random.bernoulli(key, 0.5, 3).dtype());
            assertEquals(DType.INT32, Random.randint(key, 0, 5, 3).dtype());
            assertEquals(DType.INT32, Random.categorical(key, Np.zeros(4, 3), 0).dtype());
            assertArrayEquals(
                    new int[] {3}, Random.categorical(key, Np.zeros(4, 3), 0).shape());
            assertEquals(DType.FLOAT64, Random.normal(key, DType.FLOAT64, 2).dtype());
            return null;
        });
    }

    @Test
    void truncatedNormalStaysInsideTheOpenInterval() {
        float[] t = onReference(
                () -> Random.truncatedNormal(Random.key(4), 0.25, 0.5, 5000).toFloatArray());
        for (float v : t) {
            assertTrue(v > 0.25f && v < 0.5f, "truncated normal sample " + v + " outside (0.25, 0.5)");
        }
    }

    @Test
    void foldInReadsItsDatumAsUnsigned() {
        onReference(() -> {
            Array key = Random.key(77);
            assertArrayEquals(
                    Random.foldIn(key, -1).toIntArray(),
                    Random.foldIn(key, 0xFFFF_FFFF).toIntArray());
            assertTrue(!Arrays.equals(
                    Random.foldIn(key, 1).toIntArray(), Random.foldIn(key, 2).toIntArray()));
            return null;
        });
    }

    @Test
    void badArgumentsAreRejectedWithTypedErrors() {
        onReference(() -> {
            Array key = Random.key(0);
            assertThrows(DTypeException.class, () -> Random.uniform(Np.array(new int[] {0, 1}), 3));
            assertThrows(ShapeException.class, () -> Random.uniform(Random.split(key, 3), 3));
            assertThrows(ShapeException.class, () -> Random.bits(key, 2, -1));
            assertThrows(ShapeException.class, () -> Random.split(key, -2));
            assertThrows(DTypeException.class, () -> Random.uniform(key, DType.INT32, 0, 1, 3));
            assertThrows(DTypeException.class, () -> Random.categorical(key, Np.zeros(DType.INT32, 3), 0));
            assertThrows(AxisException.class, () -> Random.categorical(key, Np.zeros(3), 1));
            assertThrows(ShapeException.class, () -> Random.categorical(key, Np.zeros(3, 0), 1));
            assertThrows(ShapeException.class, () -> Random.permutation(key, Np.scalar(3)));
            return null;
        });
    }
}
