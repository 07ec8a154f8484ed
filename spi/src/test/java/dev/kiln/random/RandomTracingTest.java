package dev.kiln.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.Random;
import dev.kiln.random.Goldens.Case;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Random under Kiln.jit and Kiln.vmap gives the same bits as eager calls (and so as JAX). */
class RandomTracingTest {
    private static <T> T onReference(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    private static void assertSameBits(Array expected, Array actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what);
        assertArrayEquals(Goldens.bitsOf(expected), Goldens.bitsOf(actual), what);
    }

    /** Every sampler, with the key as the traced argument of jit. */
    @Test
    void jitGivesTheEagerBits() {
        List<Function<Array, Array>> fns = List.of(
                k -> Random.split(k, 5),
                k -> Random.foldIn(k, -3),
                k -> Random.bits(k, 3, 7),
                k -> Random.uniform(k, 1000),
                k -> Random.uniform(k, DType.FLOAT32, -2.5, 0.75, 33),
                k -> Random.uniform(k, DType.FLOAT64, 1, 5, 17),
                k -> Random.normal(k, 1000),
                k -> Random.normal(k, DType.FLOAT64, 9),
                k -> Random.bernoulli(k, 0.3, 50),
                k -> Random.randint(k, -7, 100, 4, 25),
                k -> Random.categorical(k, Np.linspace(-1, 1, 30).reshape(5, 6), 1),
                k -> Random.permutation(k, 37),
                k -> Random.permutation(k, 1700),
                k -> Random.truncatedNormal(k, -0.5, 2, 200));
        onReference(() -> {
            Array key = Random.foldIn(Random.key(2024), 11);
            for (int i = 0; i < fns.size(); i++) {
                Array eager = fns.get(i).apply(key);
                Array jitted = Kiln.jit(fns.get(i)).apply(key);
                assertSameBits(eager, jitted, "sampler " + i);
            }
            return null;
        });
    }

    /** The traced permutation path checked against JAX directly, through the golden file. */
    @Test
    void jittedPermutationMatchesJax() {
        List<Case> perms = RandomGoldenTest.CASES.stream()
                .filter(c -> c.op().equals("permutation"))
                .toList();
        for (Case c : perms) {
            int n = Integer.parseInt(c.get("n"));
            Array out = onReference(
                    () -> Kiln.jit((Array k) -> Random.permutation(k, n)).apply(c.key()));
            Goldens.assertExact(c.out(), out, "jit " + c.title());
        }
    }

    @Test
    void vmapOverKeysGivesEachKeysSamples() {
        onReference(() -> {
            Array keys = Random.split(Random.key(5), 4);
            Array batched = Kiln.vmap((Array k) -> Random.normal(k, 6)).apply(keys);
            assertArrayEquals(new int[] {4, 6}, batched.shape());
            for (int i = 0; i < 4; i++) {
                Array one = Random.normal(Np.index(keys, String.valueOf(i)), 6);
                assertSameBits(one, Np.index(batched, String.valueOf(i)), "row " + i);
            }
            return null;
        });
    }
}
