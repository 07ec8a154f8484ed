package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code Np.spacing} and {@code Np.frexp} where the results are subnormal (the conformance goldens
 * leave these out: XLA:CPU flushes subnormal results to zero in compiled code): the distance from
 * a signed zero is the smallest subnormal with the zero's sign, and a subnormal's mantissa and
 * exponent are exact, as NumPy gives them.
 */
class NpSpacingTest {
    @Test
    void spacingAtZeroIsTheSmallestSubnormal() {
        float[] f =
                Np.spacing(Np.array(new float[] {0f, -0f, Float.MIN_NORMAL})).toFloatArray();
        assertArrayEquals(new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_VALUE}, f);
        double[] d = Np.spacing(Np.array(new double[] {0.0, -0.0})).toDoubleArray();
        assertArrayEquals(new double[] {Double.MIN_VALUE, -Double.MIN_VALUE}, d);
    }

    @Test
    void frexpOfSubnormals() {
        Array[] r = Np.frexp(Np.array(new float[] {Float.MIN_VALUE, 1e-40f, -3 * Float.MIN_VALUE}));
        float[] m = r[0].toFloatArray();
        int[] e = r[1].toIntArray();
        // 2^-149 = 0.5 * 2^-148; 1e-40 = m * 2^-132 with m in [0.5, 1); -3 * 2^-149 = -0.75 * 2^-147
        assertArrayEquals(new int[] {-148, -132, -147}, e);
        assertArrayEquals(new float[] {0.5f, Math.scalb(1e-40f, 132), -0.75f}, m);
    }
}
