package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link Lax#gather} and the {@link Lax#scatter} family under {@code vmap} (operand, indices and
 * updates batched) and {@code jit}, against the same calls made eagerly one example at a time; their
 * values and gradients are checked against JAX by the conformance suite's breadth family
 * ({@code laxmore.txt}).
 */
class GatherScatterTest {
    private static Array values(double offset, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.sin(1.7 * i + offset) * 3;
        }
        return Np.array(v, shape);
    }

    /** Starts for three examples, some outside the operand, so every mode's handling is batched too. */
    private static Array starts() {
        return Np.array(new int[] {0, 0, 2, 3, 5, 6, -1, 2, 3, 1, 1, 1, 4, 4, 0, 5, 2, 2, 9, 9, 1, 4, 0, 0}, 3, 4, 2);
    }

    private static final GatherDimensionNumbers WINDOWS =
            new GatherDimensionNumbers(new int[] {1, 2}, new int[] {}, new int[] {0, 1});
    private static final ScatterDimensionNumbers SWINDOWS =
            new ScatterDimensionNumbers(new int[] {1, 2}, new int[] {}, new int[] {0, 1});

    private static void sameAsEachExample(String what, BiFunction<Integer, List<Array>, Array> f, List<Array> batched) {
        Array all = Kiln.vmap((List<Array> a) -> List.of(f.apply(-1, a)))
                .apply(batched)
                .get(0);
        Array jitted = Kiln.jit((List<Array> a) -> List.of(f.apply(-1, a)))
                .apply(List.of(
                        batched.get(0).get(Index.at(1)),
                        batched.get(1).get(Index.at(1)),
                        batched.get(2).get(Index.at(1))))
                .get(0);
        for (int b = 0; b < 3; b++) {
            int k = b;
            List<Array> one = batched.stream().map(x -> x.get(Index.at(k))).toList();
            Array eager = f.apply(b, one);
            assertArrayEquals(
                    eager.toDoubleArray(), all.get(Index.at(b)).toDoubleArray(), 1e-12, what + " example " + b);
            if (b == 1) {
                assertArrayEquals(eager.toDoubleArray(), jitted.toDoubleArray(), 1e-12, what + " under jit");
            }
        }
    }

    @Test
    void gatherInEveryModeUnderVmapAndJitMatchesEachExample() {
        Array x = values(0, 3, 6, 7);
        Array unused = Np.zeros(3);
        for (GatherScatterMode mode : GatherScatterMode.values()) {
            sameAsEachExample(
                    "gather " + mode,
                    (b, a) -> Lax.gather(a.get(0), a.get(1), WINDOWS, new int[] {2, 3}, false, false, mode, null),
                    List.of(x, starts(), unused));
        }
    }

    @Test
    void everyScatterInEveryModeUnderVmapAndJitMatchesEachExample() {
        Array x = values(0, 3, 6, 7);
        Array u = values(1, 3, 4, 2, 3);
        for (GatherScatterMode mode : GatherScatterMode.values()) {
            sameAsEachExample(
                    "scatter " + mode,
                    (b, a) -> Lax.scatter(a.get(0), a.get(1), a.get(2), SWINDOWS, false, false, mode),
                    List.of(x, starts(), u));
            sameAsEachExample(
                    "scatterAdd " + mode,
                    (b, a) -> Lax.scatterAdd(a.get(0), a.get(1), a.get(2), SWINDOWS, false, false, mode),
                    List.of(x, starts(), u));
            sameAsEachExample(
                    "scatterMax " + mode,
                    (b, a) -> Lax.scatterMax(a.get(0), a.get(1), a.get(2), SWINDOWS, false, false, mode),
                    List.of(x, starts(), u));
        }
    }

    @Test
    void gradientsUnderVmapMatchEachExample() {
        Array x = values(0, 3, 6, 7);
        Array u = values(1, 3, 4, 2, 3);
        sameAsEachExample(
                "grad of gather",
                (b, a) -> Kiln.grad(
                                (Array op) -> Np.sum(Np.square(Lax.gather(op, a.get(1), WINDOWS, new int[] {2, 3}))))
                        .apply(a.get(0)),
                List.of(x, starts(), u));
        sameAsEachExample(
                "grad of scatterMul in its updates",
                (b, a) -> Kiln.grad((Array up) -> Np.sum(
                                Lax.scatterMul(a.get(0), a.get(1), up, SWINDOWS, false, true, GatherScatterMode.CLIP)))
                        .apply(a.get(2)),
                List.of(x, starts(), u));
    }
}
