package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Array.toString against the text JAX 0.10.2 prints for the same arrays (repr of jax.Array). */
class ArrayPrinterTest {
    @Test
    void emptyArraysPrintTheirShape() {
        assertEquals(
                "Array([], shape=(0,), dtype=float32)",
                Np.zeros(DType.FLOAT32, 0).toString());
        assertEquals(
                "Array([], shape=(2, 0), dtype=float32)",
                Np.zeros(DType.FLOAT32, 2, 0).toString());
        assertEquals(
                "Array([], shape=(0, 3, 1), dtype=int32)",
                Np.zeros(DType.INT32, 0, 3, 1).toString());
    }

    @Test
    void nonEmptyArraysAsBefore() {
        assertEquals(
                "Array([2, 0, 0], dtype=int32)",
                Np.array(new int[] {2, 0, 0}, 3).toString());
        assertEquals("Array(nan, dtype=float32)", Np.scalar(Float.NaN).toString());
    }
}
