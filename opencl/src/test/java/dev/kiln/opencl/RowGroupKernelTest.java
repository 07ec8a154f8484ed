package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Nn;
import dev.kiln.Np;
import dev.kiln.conformance.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Kernel groups (row softmax, log-softmax, layer norm, argmax) as one OpenCL kernel with a
 * work-group per row ({@link RowGroupRenderer}): jitted on opencl against the reference backend over
 * rows of 1 to 4097 elements and rows holding NaN and infinities, in the device's layout and the
 * other one; each case checks that the group kernel ran (and the fallback where a row does not fit
 * local memory). Runs in the build's fused-kernel JVM.
 */
class RowGroupKernelTest {
    /** The defaults (renderer and fast paths on): on PoCL, items take contiguous runs of a row. */
    private static final OpenClBackend DEVICE_LAYOUT = (OpenClBackend) new OpenClProvider().open(Map.of());

    /** The same with items taking every group-size-th element, as on a GPU. */
    private static final OpenClBackend INTERLEAVED = (OpenClBackend) new OpenClProvider().open(Map.of());

    static {
        DEVICE_LAYOUT.interleavedReductions = null;
        INTERLEAVED.interleavedReductions = !DEVICE_LAYOUT.runtime().device().isGpu();
        // the group kernel on short rows too (by default rows under 256 points run kernel by kernel)
        DEVICE_LAYOUT.rowGroupMinWidth = 1;
        INTERLEAVED.rowGroupMinWidth = 1;
    }

    private static final int[] WIDTHS = {1, 3, 17, 1023, 1024, 4097};

    private static Array softmax(List<Array> v) {
        return Nn.softmax(v.get(0));
    }

    private static Array logSoftmax(List<Array> v) {
        return Nn.logSoftmax(v.get(0));
    }

    private static final Function<List<Array>, Array> LAYER_NORM = RowGroupKernelTest::layerNorm;

    /** Layer norm with a scale and a shift broadcast along the rows (read from global memory). */
    private static Array layerNorm(List<Array> v) {
        Array x = v.get(0);
        Array c = x.subtract(Np.mean(x, new int[] {1}, true));
        Array y = c.divide(Np.sqrt(Np.mean(c.multiply(c), new int[] {1}, true).add(1e-5)));
        return y.multiply(v.get(1)).add(v.get(2));
    }

    private static List<DType> floatTypes(OpenClBackend b) {
        return b.dtypes().contains(DType.FLOAT64) ? List.of(DType.FLOAT32, DType.FLOAT64) : List.of(DType.FLOAT32);
    }

    /** Uniform values in [-scale, scale). */
    private static double[] random(long seed, int n, double scale) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextDouble() * 2 - 1) * scale;
        }
        return v;
    }

    /**
     * {@code f} jitted on {@code backend} and on the reference backend, with inputs of {@code shapes}
     * holding {@code data} as {@code dtype}; returns {opencl's, the reference's} results.
     */
    private static double[][] both(
            OpenClBackend backend, Function<List<Array>, Array> f, DType dtype, int[][] shapes, double[]... data) {
        double[][] r = new double[2][];
        dev.kiln.spi.Backend[] backends = {backend, Kiln.backend("reference")};
        for (int b = 0; b < 2; b++) {
            r[b] = Kiln.withBackend(backends[b], () -> {
                        List<Array> args = new ArrayList<>();
                        for (int i = 0; i < data.length; i++) {
                            args.add(Np.array(data[i], shapes[i]).astype(dtype));
                        }
                        return Kiln.jit(f).apply(args);
                    })
                    .toDoubleArray();
        }
        assertEquals(r[1].length, r[0].length);
        return r;
    }

    /**
     * Runs {@code f} on both layouts and checks it against the reference with the composite rule
     * (per row: 8 ulps or 32 eps of the row's largest magnitude; NaN exactly where the reference has
     * NaN, infinities equal), and that the group ran as one kernel ({@code grouped}) or kernel by
     * kernel because it did not fit.
     */
    private static void check(
            String what,
            Function<List<Array>, Array> f,
            DType dtype,
            int width,
            boolean grouped,
            int[][] shapes,
            double[]... data) {
        for (OpenClBackend b : List.of(DEVICE_LAYOUT, INTERLEAVED)) {
            String where = what + " " + dtype + " width " + width
                    + (b == INTERLEAVED ? " (other layout)" : " (device's layout)");
            long[] before = b.rowGroupRuns();
            double[][] r = both(b, f, dtype, shapes, data);
            long[] after = b.rowGroupRuns();
            assertEquals(grouped ? 1 : 0, after[0] - before[0], where + ": group kernels run");
            assertEquals(grouped ? 0 : 1, after[1] - before[1], where + ": fallbacks run");
            compare(where, dtype, width, r, f == (Object) LAYER_NORM ? layerNormScales(width, data) : null);
        }
    }

    static void compare(String where, DType dtype, int width, double[][] r) {
        compare(where, dtype, width, r, null);
    }

    /**
     * Per row, the magnitude of a layer norm's terms: {@code (max|x| + |mean|) / std · max|scale| +
     * max|shift|}. The error of the row's mean (a sum of terms of magnitude max|x|) reaches every
     * result divided by the row's deviation, so with an offset in the data it exceeds the
     * composite rule's share of the largest result; it stays within that share of this magnitude.
     */
    private static double[] layerNormScales(int width, double[]... data) {
        double[] x = data[0];
        double gamma = 0;
        double beta = 0;
        for (int j = 0; j < width; j++) {
            gamma = Math.max(gamma, Math.abs(data[1][j]));
            beta = Math.max(beta, Math.abs(data[2][j]));
        }
        double[] scales = new double[x.length / width];
        for (int row = 0; row < scales.length; row++) {
            double mean = 0;
            double max = 0;
            for (int j = 0; j < width; j++) {
                mean += x[row * width + j];
                max = Math.max(max, Math.abs(x[row * width + j]));
            }
            mean /= width;
            double var = 0;
            for (int j = 0; j < width; j++) {
                double c = x[row * width + j] - mean;
                var += c * c;
            }
            double std = Math.sqrt(var / width + 1e-5);
            scales[row] = (max + Math.abs(mean)) / std * gamma + beta;
        }
        return scales;
    }

    static void compare(String where, DType dtype, int width, double[][] r, double[] rowScales) {
        Tolerance.Rule rule = Tolerance.composite(dtype);
        for (int row = 0; row < r[1].length / width; row++) {
            double scale = rowScales == null || !Double.isFinite(rowScales[row]) ? 0 : rowScales[row];
            for (int j = 0; j < width; j++) {
                double v = r[1][row * width + j];
                if (Double.isFinite(v)) {
                    scale = Math.max(scale, Math.abs(v));
                }
            }
            for (int j = 0; j < width; j++) {
                int i = row * width + j;
                assertTrue(
                        rule.accepts(dtype, r[1][i], r[0][i], scale),
                        where + ", row " + row + ", element " + j + ": " + r[0][i] + " vs the reference's " + r[1][i]
                                + " (" + rule + ")");
            }
        }
    }

    @Test
    void softmaxAndLogSoftmaxOverRowsOfEveryWidth() {
        for (DType dtype : floatTypes(DEVICE_LAYOUT)) {
            for (int w : WIDTHS) {
                int rows = w == 1 ? 33 : 5;
                double[] x = random(w, rows * w, 30);
                check("softmax", RowGroupKernelTest::softmax, dtype, w, true, new int[][] {{rows, w}}, x);
                check("logSoftmax", RowGroupKernelTest::logSoftmax, dtype, w, true, new int[][] {{rows, w}}, x);
            }
        }
    }

    @Test
    void layerNormOverRowsOfEveryWidth() {
        for (DType dtype : floatTypes(DEVICE_LAYOUT)) {
            for (int w : WIDTHS) {
                int rows = w == 1 ? 33 : 5;
                double[] x = random(100 + w, rows * w, 3);
                for (int i = 0; i < x.length; i++) {
                    x[i] += 10; // an offset: a mean to remove
                }
                double[] scale = random(200 + w, w, 2);
                double[] shift = random(300 + w, w, 1);
                check("layerNorm", LAYER_NORM, dtype, w, true, new int[][] {{rows, w}, {w}, {w}}, x, scale, shift);
            }
        }
    }

    /** Rows holding NaN, +inf, -inf, only -inf (NaN everywhere, as in JAX), only +inf, and both infinities. */
    private static double[] specialRows(int w) {
        double inf = Double.POSITIVE_INFINITY;
        double[][] rows = new double[8][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = random(400 + r, w, 5);
        }
        rows[0][w / 2] = Double.NaN;
        rows[1][w - 1] = inf;
        rows[2][0] = -inf;
        java.util.Arrays.fill(rows[3], -inf);
        java.util.Arrays.fill(rows[4], inf);
        rows[5][0] = inf;
        rows[5][w - 1] = -inf;
        java.util.Arrays.fill(rows[6], 0, w / 2 + 1, -inf); // -inf masked entries, some finite ones
        // rows[7] ordinary
        double[] x = new double[rows.length * w];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, x, r * w, w);
        }
        return x;
    }

    @Test
    void nanAndInfinitiesAsTheReference() {
        for (DType dtype : floatTypes(DEVICE_LAYOUT)) {
            for (int w : new int[] {1, 17, 1024}) {
                double[] x = specialRows(w);
                int[][] shape = {{8, w}};
                check("softmax", RowGroupKernelTest::softmax, dtype, w, true, shape, x);
                check("logSoftmax", RowGroupKernelTest::logSoftmax, dtype, w, true, shape, x);
                double[] ones = new double[w];
                java.util.Arrays.fill(ones, 1);
                check("layerNorm", LAYER_NORM, dtype, w, true, new int[][] {{8, w}, {w}, {w}}, x, ones, new double[w]);
            }
        }
        // a row of only -inf is NaN everywhere (0/0), as jax.nn.softmax gives; a finite row beside it is not
        double[][] r =
                both(DEVICE_LAYOUT, RowGroupKernelTest::softmax, DType.FLOAT32, new int[][] {{8, 17}}, specialRows(17));
        for (int j = 0; j < 17; j++) {
            assertTrue(Double.isNaN(r[0][3 * 17 + j]), "softmax of a row of -inf: " + r[0][3 * 17 + j]);
            assertTrue(Double.isFinite(r[0][7 * 17 + j]), "softmax of a finite row: " + r[0][7 * 17 + j]);
        }
    }

    /** argmax is exact: ties keep the first index, NaN is the maximum (integer reductions in the group). */
    @Test
    void argmaxWithTiesAndNaN() {
        int w = 1023;
        double[] x = new double[6 * w];
        Random rnd = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(4);
        }
        x[2 * w + 700] = Double.NaN;
        x[4 * w + 5] = Double.NaN;
        x[4 * w + 900] = Double.NaN;
        for (OpenClBackend b : List.of(DEVICE_LAYOUT, INTERLEAVED)) {
            long before = b.rowGroupRuns()[0];
            double[][] r = both(b, v -> Np.argmax(v.get(0).add(1.0), 1), DType.FLOAT32, new int[][] {{6, w}}, x);
            assertTrue(b.rowGroupRuns()[0] > before, "argmax ran as a group kernel");
            assertEquals(java.util.Arrays.toString(r[1]), java.util.Arrays.toString(r[0]));
            assertEquals(700.0, r[0][2]);
            assertEquals(5.0, r[0][4]);
        }
    }

    /**
     * The group kernel reads a softmax's input from global memory once (the later stages read the
     * local copy), and has barriers between its stages.
     */
    @Test
    void theRowIsReadFromGlobalMemoryOnce() {
        OpenClBackend b = (OpenClBackend) new OpenClProvider().open(Map.of());
        double[][] r = both(b, RowGroupKernelTest::softmax, DType.FLOAT32, new int[][] {{4, 300}}, random(9, 1200, 4));
        compare("softmax", DType.FLOAT32, 300, r);
        List<String> group = b.runtime().sources().stream()
                .filter(s -> s.contains(" void rows("))
                .toList();
        assertEquals(1, group.size(), "one group kernel built: " + b.runtime().sources());
        String src = group.get(0);
        assertEquals(1, count(src, "in0[") - count(src, "cin0["), "one global read of the input:\n" + src);
        assertTrue(count(src, "cin0[j]") >= 2, "later stages read the local copy:\n" + src);
        assertTrue(count(src, "barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)") >= 2, src);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** By default, short rows (many idle items per work-group) run kernel by kernel, with the same results. */
    @Test
    void shortRowsRunKernelByKernelByDefault() {
        OpenClBackend b = (OpenClBackend) new OpenClProvider().open(Map.of());
        for (int w : new int[] {17, 255}) {
            long[] before = b.rowGroupRuns();
            double[][] r =
                    both(b, RowGroupKernelTest::softmax, DType.FLOAT32, new int[][] {{7, w}}, random(w, 7 * w, 9));
            long[] after = b.rowGroupRuns();
            assertEquals(0, after[0] - before[0], "width " + w + ": no group kernel");
            assertEquals(1, after[1] - before[1], "width " + w + ": kernel by kernel");
            compare("softmax width " + w, DType.FLOAT32, w, r);
        }
        long before = b.rowGroupRuns()[0];
        compare(
                "softmax width 256",
                DType.FLOAT32,
                256,
                both(b, RowGroupKernelTest::softmax, DType.FLOAT32, new int[][] {{7, 256}}, random(3, 7 * 256, 9)));
        assertEquals(1, b.rowGroupRuns()[0] - before, "width 256: the group kernel");
    }

    /** A row longer than the device's local memory holds runs kernel by kernel, as before, with the same results. */
    @Test
    void rowsLongerThanLocalMemoryFallBack() {
        long local = DEVICE_LAYOUT.runtime().device().localMemBytes();
        int w = (int) Math.min(Integer.MAX_VALUE / 4, local / 4 + 17);
        double[] x = random(11, 2 * w, 20);
        x[w + 3] = Double.NaN;
        check("softmax", RowGroupKernelTest::softmax, DType.FLOAT32, w, false, new int[][] {{2, w}}, x);
        // and turned off, a group that fits runs kernel by kernel too, with results within the same rule
        DEVICE_LAYOUT.rowGroups = false;
        try {
            long[] before = DEVICE_LAYOUT.rowGroupRuns();
            double[][] r = both(
                    DEVICE_LAYOUT,
                    RowGroupKernelTest::softmax,
                    DType.FLOAT32,
                    new int[][] {{5, 1024}},
                    random(12, 5 * 1024, 30));
            assertEquals(before[0], DEVICE_LAYOUT.rowGroupRuns()[0]);
            compare("softmax, row groups off", DType.FLOAT32, 1024, r);
        } finally {
            DEVICE_LAYOUT.rowGroups = true;
        }
    }
}
