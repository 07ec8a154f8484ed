package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
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

    /**
     * The CPU device's products ({@link Sources#cpuDotKernel}) on sizes around their blocks (8 or
     * 6 rows by 2 vectors of columns; 4 × 4 or 3 × 3 dot products with vectors along {@code K}), a
     * single contracted term, both forms, the gathered columns of a transposed rhs, batches; and the
     * same cases through the tiled kernel (what a GPU runs), with the CPU kernels turned off.
     */
    @Test
    void cpuAndTiledProductsMatchTheReference() {
        OpenClBackend b = backend();
        boolean cpu = b.hasCpuProducts();
        for (boolean cpuKernels : new boolean[] {true, false}) {
            b.cpuKernels = cpuKernels;
            try {
                long before = b.cpuProducts();
                for (int m : new int[] {1, 5, 8, 9, 17}) {
                    for (int n : new int[] {1, 15, 31, 32, 33, 47}) {
                        // the axpy form (rhs read along its rows); the tiled path from 4096 multiply-adds
                        product(DType.FLOAT32, a(m, 300), a(300, n), a(1), a(0), a(), a(), m * n * 300 >= 4096);
                    }
                }
                // one contracted term: an outer product
                product(DType.FLOAT32, a(67, 1), a(1, 65), a(1), a(0), a(), a(), true);
                for (int kk : new int[] {15, 16, 17, 33}) {
                    // the dot form: both operands contiguous along K (x @ w.T), blocks partial and whole
                    product(DType.FLOAT32, a(37, kk), a(29, kk), a(1), a(1), a(), a(), true);
                    product(DType.FLOAT32, a(8, kk * 4), a(12, kk * 4), a(1), a(1), a(), a(), true);
                }
                // both operands transposed: the axpy form with gathered columns
                product(DType.FLOAT32, a(40, 11), a(35, 40), a(0), a(1), a(), a(), true);
                // batched, each form, and float64 (vectors of another width)
                product(DType.FLOAT32, a(5, 19, 37), a(5, 37, 41), a(2), a(1), a(0), a(0), true);
                product(DType.FLOAT32, a(5, 19, 37), a(5, 41, 37), a(2), a(2), a(0), a(0), true);
                product(DType.FLOAT64, a(2, 17, 23), a(2, 23, 33), a(2), a(1), a(0), a(0), true);
                product(DType.FLOAT64, a(17, 23), a(19, 23), a(1), a(1), a(), a(), true);
                assertEquals(cpu && cpuKernels, b.cpuProducts() > before, "CPU kernels taken");
            } finally {
                b.cpuKernels = true;
            }
        }
    }

    /**
     * Broadcasts, transposes, slices and reversals, with one item per row of the last axis (a CPU
     * device's layout, {@link Sources#affineGatherRows}) and one item per element, on last axes around
     * the row layout's minimum width (15, 16, 17) and beyond, after row and column maxima (the
     * reductions over axes that collapse into one stride, {@link Sources#reduceStrided}); each
     * exactly the reference's.
     */
    @Test
    void rowGathersMatchTheReference() {
        OpenClBackend b = backend();
        boolean initial = b.rowGathers;
        List<Function<Array, Array>> ops = List.of(
                x -> Np.broadcastTo(Np.max(x, new int[] {1}, true), x.shape()),
                x -> Np.broadcastTo(Np.max(x, new int[] {0}, true), x.shape()),
                x -> Np.transpose(x),
                x -> Lax.slice(x, new int[] {1, 1}, x.shape(), new int[] {2, 3}),
                x -> Np.flip(x));
        try {
            for (boolean rows : new boolean[] {true, false}) {
                b.rowGathers = rows;
                for (int[] shape : new int[][] {{5, 15}, {7, 16}, {3, 17}, {17, 3}, {9, 130}}) {
                    for (DType d : new DType[] {DType.FLOAT32, DType.INT64, DType.BOOL}) {
                        Array x = random(DType.FLOAT32, 3, shape).multiply(9.0).astype(d);
                        for (Function<Array, Array> f : ops) {
                            double[] got = on("opencl", () -> f.apply(copy(x)))
                                    .astype(DType.FLOAT64)
                                    .toDoubleArray();
                            double[] want = on("reference", () -> f.apply(copy(x)))
                                    .astype(DType.FLOAT64)
                                    .toDoubleArray();
                            assertArrayEquals(
                                    want, got, "op " + ops.indexOf(f) + " on " + d + " " + Arrays.toString(shape));
                        }
                    }
                }
            }
        } finally {
            b.rowGathers = initial;
        }
    }

    private static Array copy(Array x) {
        return Np.array(x.astype(DType.FLOAT64).toDoubleArray(), x.shape()).astype(x.dtype());
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

    /** One reduction on opencl and on the reference backend; {@code stages} says which path must run. */
    private static void reduction(boolean max, DType dtype, int[] shape, int[] axes, int stages) {
        Array x = random(dtype, 3, shape);
        double[] data = x.toDoubleArray();
        if (dtype.isFloating() && max && data.length > 500) {
            data[data.length / 2] = Double.NaN; // max propagates NaN from anywhere in the row
        }
        double[] in = data;
        long[] before = backend().groupReductions();
        Supplier<Array> make = () -> Np.array(in, shape).astype(dtype);
        double[] got = on(
                        "opencl",
                        () -> max ? make.get().max(axes, false) : make.get().sum(axes, false))
                .toDoubleArray();
        long[] after = backend().groupReductions();
        assertEquals(stages > 0, after[0] > before[0], "work-group reduction taken");
        assertEquals(stages > 1, after[1] > before[1], "two stages");
        Supplier<Array> ref = () -> Np.array(in, shape).astype(dtype);
        double[] want = on(
                        "reference",
                        () -> max ? ref.get().max(axes, false) : ref.get().sum(axes, false))
                .toDoubleArray();
        double[] scale =
                on("reference", () -> Np.abs(ref.get()).sum(axes, false)).toDoubleArray();
        int m = 1;
        for (int d : axes) {
            m *= shape[d];
        }
        double eps = dtype == DType.FLOAT32 ? 0x1p-24 : dtype == DType.FLOAT64 ? 0x1p-52 : 0;
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            if (Double.isNaN(want[i])) {
                assertTrue(Double.isNaN(got[i]), "element " + i + " should be NaN, is " + got[i]);
                continue;
            }
            double bound =
                    max ? 0 : (m + 1) * eps * scale[i] + (dtype == DType.FLOAT32 ? Math.ulp((float) want[i]) : 0);
            assertTrue(
                    Math.abs(got[i] - want[i]) <= bound,
                    "element " + i + ": " + got[i] + " vs " + want[i] + " (bound " + bound + ")");
        }
    }

    @Test
    void workGroupReductionsMatchTheReference() {
        // a full reduction of a long vector: two stages
        reduction(false, DType.FLOAT32, a(100_003), a(0), 2);
        reduction(true, DType.FLOAT32, a(100_003), a(0), 2);
        reduction(false, DType.FLOAT64, a(70_001), a(0), 2);
        // long rows: one group per row; a column reduction (stride 37)
        reduction(false, DType.FLOAT32, a(37, 1000), a(1), 1);
        reduction(true, DType.FLOAT32, a(37, 1000), a(1), 1);
        reduction(false, DType.FLOAT32, a(1000, 37), a(0), 1);
        // trailing axes that collapse into one stride; integers wrap exactly
        reduction(false, DType.FLOAT32, a(5, 30, 40), a(1, 2), 1);
        reduction(false, DType.INT32, a(3, 5000), a(1), 2); // three rows cannot fill the device: chunks
        reduction(true, DType.INT32, a(50_000), a(0), 2);
        // axes that do not collapse, and short rows, keep the generic kernel
        reduction(false, DType.FLOAT32, a(30, 7, 40), a(0, 2), 0);
        reduction(false, DType.FLOAT32, a(300, 20), a(1), 0);
    }

    /**
     * One cumulative op through the backend's {@code execute} on opencl and on the reference backend
     * (both directions); checks that the native scan ran, integers and max/min exactly, floats by the
     * tolerance table's rule for cumulative sums and products.
     */
    private static void scan(dev.kiln.ir.Primitive p, DType dtype, int[] shape, int axis, boolean nan) {
        Array x = random(dtype, 11, shape);
        double[] data = x.toDoubleArray();
        if (p == dev.kiln.ir.Primitive.CUMPROD && dtype.isFloating()) {
            for (int i = 0; i < data.length; i++) {
                data[i] = 1 + data[i] / 64; // products of many terms stay in range
            }
        }
        if (!dtype.isFloating()) {
            Random r = new Random(12);
            for (int i = 0; i < data.length; i++) {
                data[i] = r.nextInt(1 << 20) - (1 << 19); // sums and products that wrap
            }
        }
        if (nan) {
            data[data.length / 3] = Double.NaN;
            data[data.length / 2] = -0.0;
        }
        dev.kiln.ir.ArraySpec spec = dev.kiln.ir.ArraySpec.of(dtype, shape);
        for (boolean reverse : new boolean[] {false, true}) {
            dev.kiln.spi.HostBuffer host =
                    on("reference", () -> Np.array(data, shape).astype(dtype)).toHost();
            dev.kiln.ir.Params.Cumulative params = new dev.kiln.ir.Params.Cumulative(axis, reverse);
            OpenClBackend b = backend();
            assertTrue(b.implementsNatively(p, dtype), p + " on " + dtype + " is claimed");
            long before = b.scans();
            dev.kiln.spi.HostBuffer got = b.toHost(b.execute(p, params, spec, java.util.List.of(b.fromHost(host))));
            assertTrue(b.scans() > before, "native scan taken");
            dev.kiln.spi.Backend ref = Kiln.backend("reference");
            dev.kiln.spi.HostBuffer want = ref.toHost(ref.execute(p, params, spec, java.util.List.of(host)));
            String op = p.name().toLowerCase(java.util.Locale.ROOT);
            int n = shape[axis];
            dev.kiln.conformance.Tolerance.Rule rule = op.equals("cummax") || op.equals("cummin")
                    ? dev.kiln.conformance.Tolerance.exact()
                    : dev.kiln.conformance.Tolerance.reduction(op, dtype, n);
            for (int i = 0; i < spec.size(); i++) {
                double w = want.getDouble(i);
                double g = got.getDouble(i);
                String where = p + " " + dtype + " " + java.util.Arrays.toString(shape) + " axis " + axis
                        + (reverse ? " reversed" : "") + ", element " + i + ": " + g + " vs " + w;
                if (!dtype.isFloating()) {
                    assertEquals(want.getLong(i), got.getLong(i), where);
                } else {
                    // relative rules are relative to the sum of magnitudes: bounded here by n times the largest
                    assertTrue(rule.accepts(dtype, w, g, n * 2.0), where + " (" + rule + ")");
                }
            }
        }
    }

    @Test
    void scansMatchTheReference() {
        var sum = dev.kiln.ir.Primitive.CUMSUM;
        var prod = dev.kiln.ir.Primitive.CUMPROD;
        var max = dev.kiln.ir.Primitive.CUMMAX;
        var min = dev.kiln.ir.Primitive.CUMMIN;
        // one long line: many chunks; lines along the first, middle and last axes
        scan(sum, DType.FLOAT32, a(100_003), 0, false);
        scan(sum, DType.FLOAT32, a(37, 1001), 1, false);
        scan(sum, DType.FLOAT32, a(1001, 37), 0, false);
        scan(sum, DType.FLOAT64, a(5, 777, 3), 1, false);
        scan(prod, DType.FLOAT32, a(3, 5000), 1, false);
        // NaN propagates from where it appears on; -0 below +0
        scan(max, DType.FLOAT32, a(20_011), 0, true);
        scan(min, DType.FLOAT32, a(7, 3001), 1, true);
        scan(max, DType.FLOAT64, a(3001, 7), 0, true);
        // integers wrap exactly
        scan(sum, DType.INT32, a(50_001), 0, false);
        scan(prod, DType.INT32, a(9, 1111), 1, false);
        scan(sum, DType.INT64, a(1111, 9), 0, false);
        scan(max, DType.UINT32, a(4, 3000), 1, false);
        scan(min, DType.INT32, a(3000, 4), 0, false);
        // short lines: one chunk each
        scan(sum, DType.FLOAT32, a(300, 20), 1, false);
    }
}
