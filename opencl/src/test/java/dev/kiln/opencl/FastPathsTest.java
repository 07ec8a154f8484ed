package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The fast native paths (the tiled product, the work-group reductions) against the reference
 * backend, on odd sizes that leave partial tiles and groups, transposed and batched operands, and
 * the layouts that must fall back to the generic kernels. Each case also checks which path ran.
 */
class FastPathsTest {
    private static OpenClBackend backend() {
        return (OpenClBackend) Kiln.backend(OpenClProvider.NAME);
    }

    private static Array random(DType dtype, long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() * 2 - 1;
        }
        return Np.array(v, shape).astype(dtype);
    }

    private static <T> T on(String backend, Supplier<T> body) {
        return Kiln.withBackend(backend, body);
    }

    /**
     * One product on opencl and on the reference backend: within {@code k} rounding steps of the
     * result's dtype relative to the sum of the magnitudes of the terms (float32 sums in float).
     */
    private static void product(
            DType dtype, int[] ls, int[] rs, int[] lc, int[] rc, int[] lb, int[] rb, boolean tiled) {
        Array lhs = random(dtype, 1, ls);
        Array rhs = random(dtype, 2, rs);
        long before = backend().tiledProducts();
        double[] got = on(
                        "opencl",
                        () -> Lax.dotGeneral(
                                Np.array(lhs.toDoubleArray(), ls).astype(dtype),
                                Np.array(rhs.toDoubleArray(), rs).astype(dtype),
                                lc,
                                rc,
                                lb,
                                rb))
                .toDoubleArray();
        assertEquals(tiled, backend().tiledProducts() > before, "tiled path taken");
        double[] want = on(
                        "reference",
                        () -> Lax.dotGeneral(
                                Np.array(lhs.toDoubleArray(), ls), Np.array(rhs.toDoubleArray(), rs), lc, rc, lb, rb))
                .toDoubleArray();
        double[] scale = on(
                        "reference",
                        () -> Lax.dotGeneral(
                                Np.abs(Np.array(lhs.toDoubleArray(), ls)),
                                Np.abs(Np.array(rhs.toDoubleArray(), rs)),
                                lc,
                                rc,
                                lb,
                                rb))
                .toDoubleArray();
        int k = 1;
        for (int d : lc) {
            k *= ls[d];
        }
        double eps = dtype == DType.FLOAT32 ? 0x1p-23 : 0x1p-52;
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            double bound = (k + 1) * eps * scale[i];
            assertTrue(
                    Math.abs(got[i] - want[i]) <= bound,
                    "element " + i + ": " + got[i] + " vs " + want[i] + " (bound " + bound + ")");
        }
    }

    private static int[] a(int... v) {
        return v;
    }

    @Test
    void tiledProductsMatchTheReference() {
        // partial tiles in every direction, K not a multiple of the tile depth
        product(DType.FLOAT32, a(67, 129), a(129, 45), a(1), a(0), a(), a(), true);
        // transposed lhs, transposed rhs
        product(DType.FLOAT32, a(129, 67), a(129, 45), a(0), a(0), a(), a(), true);
        product(DType.FLOAT32, a(67, 129), a(45, 129), a(1), a(1), a(), a(), true);
        // batched, and a batch dimension in the middle of each operand
        product(DType.FLOAT32, a(3, 33, 70), a(3, 70, 65), a(2), a(1), a(0), a(0), true);
        product(DType.FLOAT32, a(33, 3, 70), a(70, 3, 65), a(2), a(0), a(1), a(1), true);
        // two contracting dimensions that reduce to one stride; a matrix-vector product
        product(DType.FLOAT32, a(20, 6, 7), a(6, 7, 40), a(1, 2), a(0, 1), a(), a(), true);
        product(DType.FLOAT32, a(66, 200), a(200), a(1), a(0), a(), a(), true);
        // float64, larger than one tile
        product(DType.FLOAT64, a(130, 70), a(70, 90), a(1), a(0), a(), a(), true);
    }

    @Test
    void otherLayoutsAndSmallProductsUseTheGenericKernel() {
        // contracting dimensions in swapped order on the rhs: no single stride
        product(DType.FLOAT32, a(5, 6, 7, 8), a(7, 6, 9), a(1, 2), a(1, 0), a(), a(), false);
        // below the size where tiling pays
        product(DType.FLOAT32, a(7, 9), a(9, 5), a(1), a(0), a(), a(), false);
    }

    @Test
    void integerProductsStayExact() {
        Array l = Np.arange(6 * 700).reshape(6, 700).astype(DType.INT32);
        Array r = Np.arange(700 * 5).reshape(700, 5).astype(DType.INT32);
        int[] got = on("opencl", () -> Np.matmul(Np.array(l.toIntArray(), 6, 700), Np.array(r.toIntArray(), 700, 5)))
                .toIntArray();
        int[] want = on(
                        "reference",
                        () -> Np.matmul(Np.array(l.toIntArray(), 6, 700), Np.array(r.toIntArray(), 700, 5)))
                .toIntArray();
        assertArrayEquals(want, got);
    }
}
