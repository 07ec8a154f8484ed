package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The fast paths inside rendered fused kernels (jitted functions on opencl, against the same
 * functions on the reference backend), on odd sizes and corner cases; each case also checks which
 * path ran, so that a case cannot pass through the old one. Runs in the build's fused-kernel JVM.
 */
class FusedFastPathsTest {
    /** A backend of its own with the defaults (renderer and fast paths on), whatever this JVM's flags. */
    private static final OpenClBackend FUSED = (OpenClBackend) new OpenClProvider().open(java.util.Map.of());

    /** The same, with the work-group reductions' items reading every group-size-th element, as on a GPU. */
    private static final OpenClBackend INTERLEAVED = (OpenClBackend) new OpenClProvider().open(java.util.Map.of());

    static {
        INTERLEAVED.interleavedReductions = true;
        FUSED.interleavedReductions = false;
        // the cases here test each kernel's own paths: kernel groups (a softmax's three kernels, an
        // argmax's two) run kernel by kernel, not as one kernel per row (RowGroupKernelTest covers that)
        FUSED.rowGroups = false;
        INTERLEAVED.rowGroups = false;
    }

    /** The opencl backend a case runs on ({@link #expectGroups} runs each case on both). */
    private static OpenClBackend current = FUSED;

    private static OpenClBackend backend() {
        return current;
    }

    private static double[] random(long seed, int n) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() * 2 - 1;
        }
        return v;
    }

    private static int[] a(int... v) {
        return v;
    }

    /**
     * {@code f} jitted on opencl and on the reference backend, on arrays made from {@code data} (one
     * per argument, all of {@code shape} and {@code dtype}); returns opencl's result and the reference's.
     */
    private static double[][] both(Function<List<Array>, Array> f, DType dtype, int[] shape, double[]... data) {
        double[][] r = new double[2][];
        dev.kiln.spi.Backend[] backends = {current, Kiln.backend("reference")};
        for (int b = 0; b < 2; b++) {
            r[b] = Kiln.withBackend(backends[b], () -> {
                        Array[] args = new Array[data.length];
                        for (int i = 0; i < data.length; i++) {
                            args[i] = Np.array(data[i], shape).astype(dtype);
                        }
                        return Kiln.jit(f).apply(List.of(args));
                    })
                    .toDoubleArray();
        }
        assertEquals(r[1].length, r[0].length);
        return r;
    }

    /** Runs {@code body} and checks how many rendered work-group reductions (and two-stage ones) it made. */
    private static void expectGroups(boolean group, boolean twoStage, Runnable body) {
        for (OpenClBackend b : List.of(FUSED, INTERLEAVED)) {
            current = b;
            long[] before = b.fusedGroupReductions();
            body.run();
            long[] after = b.fusedGroupReductions();
            String which = b == FUSED ? " (device's layout)" : " (interleaved layout)";
            assertEquals(group, after[0] > before[0], "rendered work-group reduction taken" + which);
            assertEquals(twoStage, after[1] > before[1], "two stages" + which);
        }
        current = FUSED;
    }

    /** Float sums within a few rounding steps of the sum of magnitudes; NaN where the reference has NaN. */
    private static void close(double[][] r, double[] scale, double eps) {
        for (int i = 0; i < r[1].length; i++) {
            if (Double.isNaN(r[1][i])) {
                assertTrue(Double.isNaN(r[0][i]), "element " + i + " should be NaN, is " + r[0][i]);
                continue;
            }
            double bound = 8 * eps * scale[i] + Math.ulp((float) r[1][i]);
            assertTrue(
                    Math.abs(r[0][i] - r[1][i]) <= bound,
                    "element " + i + ": " + r[0][i] + " vs " + r[1][i] + " (bound " + bound + ")");
        }
    }

    @Test
    void fullSumOfAnExpressionRunsInTwoStages() {
        int n = 100_003;
        double[] x = random(1, n);
        double[] y = random(2, n);
        double[] z = random(3, n);
        Function<List<Array>, Array> f = v -> Np.sum(v.get(0).add(v.get(1).multiply(v.get(2))));
        expectGroups(true, true, () -> {
            double[][] r = both(f, DType.FLOAT32, a(n), x, y, z);
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.abs((float) x[i]) + Math.abs((float) y[i] * (float) z[i]);
            }
            close(r, new double[] {s}, 0x1p-24 * 4);
        });
    }

    @Test
    void rowSoftmaxUsesOneGroupPerRow() {
        // 37 rows of 1000: row max and row sum each reduce on a group of their own per row
        int[] shape = a(37, 1000);
        double[] x = random(4, 37 * 1000);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 20;
        }
        Function<List<Array>, Array> softmax = v -> {
            Array e = Np.exp(v.get(0).subtract(Np.max(v.get(0), a(1), true)));
            return e.divide(Np.sum(e, a(1), true));
        };
        expectGroups(true, false, () -> {
            double[][] r = both(softmax, DType.FLOAT32, shape, x);
            for (int i = 0; i < r[1].length; i++) {
                assertTrue(
                        Math.abs(r[0][i] - r[1][i]) <= 8 * Math.ulp((float) r[1][i]) + 0x1p-24 * 4,
                        "element " + i + ": " + r[0][i] + " vs " + r[1][i]);
            }
        });
    }

    @Test
    void maxPropagatesNaNFromAnywhereInTheRow() {
        int[] shape = a(5, 3001);
        double[] x = random(5, 5 * 3001);
        x[2 * 3001 + 1777] = Double.NaN; // row 2, the middle of some item's share
        x[4 * 3001 + 3000] = Double.NaN; // row 4, its last element
        Function<List<Array>, Array> f = v -> Np.max(v.get(0).multiply(2.0), a(1), false);
        expectGroups(true, true, () -> {
            double[][] r = both(f, DType.FLOAT32, shape, x);
            assertTrue(Double.isNaN(r[0][2]) && Double.isNaN(r[0][4]), "NaN rows: " + r[0][2] + ", " + r[0][4]);
            assertArrayEquals(r[1], r[0], 0.0);
        });
    }

    @Test
    void integerSumsWrapExactly() {
        // squares of values near 2^20 overflow int32 many times over
        int n = 3 * 7001;
        double[] x = new double[n];
        Random rnd = new Random(6);
        for (int i = 0; i < n; i++) {
            x[i] = (1 << 20) + rnd.nextInt(1 << 20) - (i % 3 == 0 ? 3 << 20 : 0);
        }
        Function<List<Array>, Array> f = v -> Np.sum(v.get(0).multiply(v.get(0)), a(1), false);
        expectGroups(true, true, () -> {
            double[][] r = both(f, DType.INT32, a(3, 7001), x);
            assertArrayEquals(r[1], r[0], 0.0);
        });
        Function<List<Array>, Array> g = v -> Np.max(v.get(0).multiply(v.get(0)), a(0), false);
        expectGroups(
                true,
                true,
                () -> assertArrayEquals(both(g, DType.INT64, a(n), x)[1], both(g, DType.INT64, a(n), x)[0], 0.0));
    }

    @Test
    void argmaxKeepsTheFirstOfTiedMaxima() {
        // rows of 2000 drawn from 5 values: many ties, the first index wins as in the reference
        int[] shape = a(9, 2000);
        double[] x = new double[9 * 2000];
        Random rnd = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(5);
        }
        x[3 * 2000 + 1500] = Double.NaN; // NaN is the maximum of its row
        Function<List<Array>, Array> f = v -> Np.argmax(v.get(0).add(1.0), 1);
        expectGroups(true, false, () -> {
            double[][] r = both(f, DType.FLOAT32, shape, x);
            assertArrayEquals(r[1], r[0], 0.0);
            assertEquals(1500.0, r[0][3]);
        });
    }

    @Test
    void axesThatDoNotCollapseAndInnerOutputs() {
        // a reduction over the first and last axes (no single stride), storing x*y as well
        int[] shape = a(30, 7, 40);
        double[] x = random(8, 30 * 7 * 40);
        double[] y = random(9, 30 * 7 * 40);
        Function<List<Array>, Array> f = v -> {
            Array p = v.get(0).multiply(v.get(1));
            return Np.concatenate(List.of(Np.sum(p, a(0, 2), false), p.reshape(-1)), 0);
        };
        expectGroups(true, false, () -> {
            double[][] r = both(f, DType.FLOAT32, shape, x, y);
            double[] scale = new double[r[1].length];
            java.util.Arrays.fill(scale, 1200);
            close(r, scale, 0x1p-24 * 4);
        });
    }

    @Test
    void shortRowsKeepOneItemPerRow() {
        double[] x = random(10, 300 * 20);
        Function<List<Array>, Array> f = v -> Np.sum(Np.exp(v.get(0)), a(1), false);
        expectGroups(false, false, () -> {
            double[][] r = both(f, DType.FLOAT32, a(300, 20), x);
            double[] scale = new double[300];
            java.util.Arrays.fill(scale, 60);
            close(r, scale, 0x1p-24 * 4);
        });
    }

    /**
     * {@code f(lhs, rhs, bias)} jitted on opencl and on the reference backend (float32), checking whether
     * the product ran as one tiled kernel with its epilogue; each element within {@code k + 1}
     * rounding steps of the sum of the magnitudes of the terms, plus a few ulps for the epilogue.
     */
    private static void matmul(
            Function<List<Array>, Array> f,
            Function<List<Array>, Array> scaleOf,
            int[][] shapes,
            int k,
            boolean fused) {
        matmul(f, scaleOf, shapes, k, fused, DType.FLOAT32);
    }

    /** As above in {@code dtype} (float64: the same bound, float32's, which is looser). */
    private static void matmul(
            Function<List<Array>, Array> f,
            Function<List<Array>, Array> scaleOf,
            int[][] shapes,
            int k,
            boolean fused,
            DType dtype) {
        double[][] data = new double[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            int n = 1;
            for (int d : shapes[i]) {
                n *= d;
            }
            data[i] = random(20 + i, n);
        }
        dev.kiln.spi.Backend[] backends = {FUSED, Kiln.backend("reference"), Kiln.backend("reference")};
        double[][] r = new double[3][];
        long before = FUSED.fusedMatmuls();
        for (int b = 0; b < 3; b++) {
            Function<List<Array>, Array> g = b < 2 ? f : scaleOf;
            r[b] = Kiln.withBackend(backends[b], () -> {
                        Array[] args = new Array[shapes.length];
                        for (int i = 0; i < shapes.length; i++) {
                            args[i] = Np.array(data[i], shapes[i]).astype(dtype);
                        }
                        return Kiln.jit(g).apply(List.of(args));
                    })
                    .toDoubleArray();
        }
        assertEquals(fused, FUSED.fusedMatmuls() > before, "one tiled kernel with its epilogue");
        assertEquals(r[1].length, r[0].length);
        for (int i = 0; i < r[1].length; i++) {
            double bound = (k + 1) * 0x1p-24 * r[2][i] + 4 * Math.ulp((float) r[1][i]) + 0x1p-24 * 4;
            assertTrue(
                    Math.abs(r[0][i] - r[1][i]) <= bound,
                    "element " + i + ": " + r[0][i] + " vs " + r[1][i] + " (bound " + bound + ")");
        }
    }

    @Test
    void matmulWithItsEpilogueIsOneTiledKernel() {
        // on a CPU device the CPU kernels, then the tiled kernel a GPU runs
        boolean cpu = FUSED.hasCpuProducts();
        for (boolean cpuKernels : new boolean[] {true, false}) {
            FUSED.cpuKernels = cpuKernels;
            FUSED.vectorMinPoints = 1; // vector epilogues on these small products too
            try {
                long before = FUSED.cpuProducts();
                matmulsWithEpilogues();
                assertEquals(cpu && cpuKernels, FUSED.cpuProducts() > before, "CPU kernels taken");
                // the CPU kernels apply the epilogue to whole vectors of a row where they can
                assertEquals(
                        cpu,
                        FUSED.runtime().sources().stream()
                                .anyMatch(src -> src.contains("jb + VW <= N") && src.contains("tanh")),
                        "a CPU product with a vector epilogue built");
            } finally {
                FUSED.vectorMinPoints = 1 << 16;
                FUSED.cpuKernels = true;
            }
        }
    }

    private static void matmulsWithEpilogues() {
        // partial tiles everywhere; the bias broadcast along rows; tanh and a scale in the epilogue
        matmul(
                v -> Np.tanh(Np.matmul(v.get(0), v.get(1)).add(v.get(2))).multiply(1.5),
                v -> Np.matmul(Np.abs(v.get(0)), Np.abs(v.get(1))).add(Np.abs(v.get(2))),
                new int[][] {{67, 129}, {129, 45}, {45}},
                129,
                true);
        // a transposed lhs and a bias per row (broadcast along columns)
        matmul(
                v -> Np.maximum(Np.matmul(v.get(0).T(), v.get(1)).add(v.get(2).reshape(67, 1)), 0.0),
                v -> Np.matmul(Np.abs(v.get(0)).T(), Np.abs(v.get(1)))
                        .add(Np.abs(v.get(2)).reshape(67, 1)),
                new int[][] {{129, 67}, {129, 45}, {67}},
                129,
                true);
        // batched
        matmul(
                v -> Np.exp(Np.matmul(v.get(0), v.get(1)).multiply(0.1)).add(v.get(2)),
                v -> Np.matmul(Np.abs(v.get(0)), Np.abs(v.get(1))).add(Np.abs(v.get(2))),
                new int[][] {{3, 33, 70}, {3, 70, 65}, {65}},
                70,
                true);
        // the rhs transposed (the CPU kernels' dot form), rows and columns off their blocks
        matmul(
                v -> Np.tanh(Np.matmul(v.get(0), v.get(1).T()).add(v.get(2))),
                v -> Np.matmul(Np.abs(v.get(0)), Np.abs(v.get(1)).T()).add(Np.abs(v.get(2))),
                new int[][] {{67, 129}, {45, 129}, {45}},
                129,
                true);
        // rows and columns filling the CPU kernel's blocks exactly (8 rows, 2 × 16 columns), in
        // float32 and float64
        for (DType dtype : FUSED.dtypes().contains(DType.FLOAT64)
                ? List.of(DType.FLOAT32, DType.FLOAT64)
                : List.of(DType.FLOAT32)) {
            matmul(
                    v -> Np.tanh(Np.matmul(v.get(0), v.get(1)).add(v.get(2))),
                    v -> Np.matmul(Np.abs(v.get(0)), Np.abs(v.get(1))).add(Np.abs(v.get(2))),
                    new int[][] {{16, 129}, {129, 64}, {64}},
                    129,
                    true,
                    dtype);
            matmul(
                    v -> Np.tanh(Np.matmul(v.get(0), v.get(1)).add(v.get(2))),
                    v -> Np.matmul(Np.abs(v.get(0)), Np.abs(v.get(1))).add(Np.abs(v.get(2))),
                    new int[][] {{17, 31}, {31, 33}, {33}},
                    31,
                    true,
                    dtype);
            // an addend read across its rows (column stride 67: the vector epilogue gathers it)
            matmul(
                    v -> Np.tanh(Np.matmul(v.get(0), v.get(1)).add(v.get(2).T())),
                    v -> Np.matmul(Np.abs(v.get(0)), Np.abs(v.get(1)))
                            .add(Np.abs(v.get(2)).T()),
                    new int[][] {{67, 129}, {129, 45}, {45, 67}},
                    129,
                    true,
                    dtype);
            // two free axes of lhs: the output's coordinates from its flat index
            matmul(
                    v -> Np.tanh(Np.matmul(v.get(0), v.get(1)).add(v.get(2))),
                    v -> Np.matmul(Np.abs(v.get(0)), Np.abs(v.get(1))).add(Np.abs(v.get(2))),
                    new int[][] {{5, 13, 129}, {129, 45}, {45}},
                    129,
                    true,
                    dtype);
        }
        // too small to tile: op by op, as before
        matmul(
                v -> Np.tanh(Np.matmul(v.get(0), v.get(1)).add(v.get(2))),
                v -> Np.matmul(Np.abs(v.get(0)), Np.abs(v.get(1))).add(Np.abs(v.get(2))),
                new int[][] {{7, 9}, {9, 5}, {5}},
                9,
                false);
    }

    /**
     * float32 {@code tanh} inside a fused kernel is the device's float built-in (claimed natively with
     * the fast paths), within the tolerance table's rule of the reference's {@code StrictMath.tanh}
     * rounded to float over special values and a sweep of float32 inputs; without the fast paths it
     * is Kiln's decomposition again.
     */
    @Test
    void float32TanhIsTheBuiltInWithinTheTolerance() {
        float[] sweep = Float32MathMain.sweep(-30f, 30f, 4099);
        double[] x = new double[sweep.length + 5];
        for (int i = 0; i < sweep.length; i++) {
            x[i] = sweep[i];
        }
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e6, -1e-40};
        // saturation is exact (1 + tanh(-inf) must be 0, as gelu(-inf) relies on)
        System.arraycopy(special, 0, x, sweep.length, special.length);
        Function<List<Array>, Array> f = v -> Np.tanh(v.get(0).multiply(1.0f)).add(0.0f);
        java.util.Set<String> before = new java.util.HashSet<>(FUSED.runtime().sources());
        double[][] r = both(f, DType.FLOAT32, a(x.length), x);
        List<String> built = FUSED.runtime().sources().stream()
                .filter(src -> !before.contains(src))
                .toList();
        assertTrue(
                built.stream().anyMatch(src -> src.contains(" tanh(x)") && !src.contains("expm1")),
                "the fused kernel calls the float built-in: " + built);
        dev.kiln.conformance.Tolerance.Rule rule = dev.kiln.conformance.Tolerance.elementwise("tanh", DType.FLOAT32);
        for (int i = 0; i < x.length; i++) {
            assertTrue(
                    rule.accepts(DType.FLOAT32, r[1][i], r[0][i], 1),
                    "tanh(" + (float) x[i] + "): " + r[0][i] + " vs " + r[1][i] + " (" + rule + ")");
        }
        OpenClBackend off =
                (OpenClBackend) new OpenClProvider().open(java.util.Map.of("kiln.opencl.fast-paths", "false"));
        assertTrue(off.implementsNatively(dev.kiln.ir.Primitive.EXP, DType.FLOAT32));
        assertTrue(!off.implementsNatively(dev.kiln.ir.Primitive.TANH, DType.FLOAT32), "fast paths off: decomposed");
        assertTrue(!FUSED.implementsNatively(dev.kiln.ir.Primitive.TANH, DType.FLOAT64), "float64 stays decomposed");
    }
}
