package dev.kiln.vmap;

import static dev.kiln.vmap.Samples.ref;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.AxisException;
import dev.kiln.ConcretizationException;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Np;
import dev.kiln.ShapeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** vmap's errors: they name the problem in the user's terms (unbatched shapes, the bad axis). */
class VmapErrorsTest {
    static <T extends Throwable> T thrownOnReference(Class<T> type, Executable body) {
        return ref(() -> assertThrows(type, body));
    }

    static void mentions(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should mention '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void mismatchedBatchSizes() {
        ShapeException e =
                thrownOnReference(ShapeException.class, () -> Kiln.vmap((Array a, Array b) -> Np.add(a, b), 0, 0, 0)
                        .apply(Np.zeros(DType.FLOAT64, 3, 2), Np.zeros(DType.FLOAT64, 4, 2)));
        mentions(e, "3", "4");
    }

    @Test
    void mismatchedBatchSizesAcrossAxes() {
        ShapeException e =
                thrownOnReference(ShapeException.class, () -> Kiln.vmap((Array a, Array b) -> Np.add(a, b), 0, -1, 0)
                        .apply(Np.zeros(DType.FLOAT64, 3, 2), Np.zeros(DType.FLOAT64, 2, 2)));
        mentions(e, "3", "2");
    }

    @Test
    void inAxisOutOfRange() {
        AxisException e = thrownOnReference(
                AxisException.class, () -> Kiln.vmap((Array x) -> x, 2, 0).apply(Np.zeros(DType.FLOAT64, 3, 2)));
        mentions(e, "vmap", "2");
        thrownOnReference(
                AxisException.class, () -> Kiln.vmap((Array x) -> x, -3, 0).apply(Np.zeros(DType.FLOAT64, 3, 2)));
    }

    @Test
    void inAxisOfAScalar() {
        thrownOnReference(AxisException.class, () -> Kiln.vmap((Array x) -> x).apply(Np.scalar(1.0)));
    }

    @Test
    void outAxisOutOfRange() {
        AxisException e = thrownOnReference(AxisException.class, () -> Kiln.vmap((Array x) -> Np.sum(x, 0), 0, 2)
                .apply(Np.zeros(DType.FLOAT64, 3, 2)));
        mentions(e, "vmap");
    }

    @Test
    void noMappedArgument() {
        IllegalArgumentException e = thrownOnReference(
                IllegalArgumentException.class, () -> Kiln.vmap((Array a, Array b) -> Np.add(a, b), null, null, 0)
                        .apply(Np.zeros(DType.FLOAT64, 3), Np.zeros(DType.FLOAT64, 3)));
        mentions(e, "map");
    }

    @Test
    void shapeErrorsInsideSpeakOfTheUnbatchedShape() {
        // The batched value is (3, 2); f sees (2,), which does not broadcast against (5,).
        ShapeException e = thrownOnReference(ShapeException.class, () -> Kiln.vmap((Array x) -> Np.add(x, Np.ones(5)))
                .apply(Np.zeros(DType.FLOAT32, 3, 2)));
        mentions(e, "(2,)", "(5,)");
    }

    @Test
    void readingABatchedValueIsAConcretizationError() {
        thrownOnReference(ConcretizationException.class, () -> Kiln.vmap((Array x) -> Np.scalar(x.item()))
                .apply(Np.zeros(DType.FLOAT64, 3)));
    }

    @Test
    void aBatchedValueCannotEscapeTheTransformation() {
        Array[] leaked = new Array[1];
        ref(() -> Kiln.vmap((Array x) -> {
                    leaked[0] = x;
                    return x;
                })
                .apply(Np.zeros(DType.FLOAT64, 3)));
        KilnException e = thrownOnReference(KilnException.class, () -> Np.add(leaked[0], 1.0));
        mentions(e, "escaped", "vmap");
    }
}
