package dev.kiln.vmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.Shape;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;

/** Random operands, slicing of batch members and comparisons shared by the vmap tests. */
final class Samples {
    private Samples() {}

    /** Makes one random unbatched operand. */
    @FunctionalInterface
    interface Gen {
        Array make(Random r);
    }

    static <T> T ref(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    static Gen uniform(double lo, double hi, int... shape) {
        return r -> {
            double[] v = new double[Shape.size(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = lo + (hi - lo) * r.nextDouble();
            }
            return shaped(Np.array(v), shape);
        };
    }

    /** {@code Np.array} reads an empty shape as 1-d, so 0-d samples are reshaped. */
    static Array shaped(Array flat, int[] shape) {
        return Lax.reshape(flat, shape);
    }

    static Gen floats(int... shape) {
        return uniform(-2, 2, shape);
    }

    static Gen positive(int... shape) {
        return uniform(0.1, 3, shape);
    }

    /** Integers in {@code [lo, hi]} of an integer dtype (int32, int64 or uint32). */
    static Gen ints(DType dtype, int lo, int hi, int... shape) {
        return r -> {
            int n = Shape.size(shape);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) {
                v[i] = lo + r.nextInt(hi - lo + 1);
            }
            return switch (dtype) {
                case INT64 -> shaped(Np.array(v), shape);
                case INT32 ->
                    shaped(Np.array(Arrays.stream(v).mapToInt(x -> (int) x).toArray()), shape);
                case UINT32 ->
                    shaped(
                            Np.arrayUint32(
                                    Arrays.stream(v).mapToInt(x -> (int) x).toArray()),
                            shape);
                default -> throw new IllegalArgumentException(dtype + " is not an index dtype");
            };
        };
    }

    static Gen ints(int lo, int hi, int... shape) {
        return ints(DType.INT32, lo, hi, shape);
    }

    static Gen bools(int... shape) {
        return r -> {
            boolean[] v = new boolean[Shape.size(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextBoolean();
            }
            return shaped(Np.array(v), shape);
        };
    }

    /** Member {@code b} of {@code x} along {@code axis} (the axis removed). */
    static Array member(Array x, int axis, int b) {
        int a = Shape.axis("member", axis, x.ndim());
        Array s = Lax.sliceInDim(x, a, b, b + 1);
        return Np.squeeze(s, a);
    }

    /**
     * {@code actual} equals {@code expected} in dtype and shape, and element by element: exactly for
     * non-floats, within a few ulps of float64 (or float32) for floats, NaN matching NaN.
     */
    static void assertSame(Array expected, Array actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertArrayEquals(
                expected.shape(),
                actual.shape(),
                what + ": shape " + Shape.toString(actual.shape()) + " instead of " + Shape.toString(expected.shape()));
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double ulps = expected.dtype() == DType.FLOAT32 ? 1e-6 : expected.dtype() == DType.FLOAT64 ? 1e-13 : 0;
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) && Double.isNaN(a[i])) {
                continue;
            }
            double tol = ulps * Math.max(1, Math.abs(e[i]));
            if (!(Math.abs(e[i] - a[i]) <= tol) && e[i] != a[i]) {
                fail(what + ": element " + i + " is " + a[i] + " instead of " + e[i] + "\nexpected " + expected
                        + "\nactual " + actual);
            }
        }
    }

    /** Like {@link #assertSame} with an absolute and relative tolerance, for finite differences. */
    static void assertClose(Array expected, Array actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tol * Math.max(1, Math.abs(e[i])))) {
                fail(what + ": element " + i + " is " + a[i] + " instead of " + e[i] + "\nexpected " + expected
                        + "\nactual " + actual);
            }
        }
    }
}
