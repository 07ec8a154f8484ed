package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Nn;
import dev.kiln.Np;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Row groups whose stages run their loops as vectors ({@link RowGroupRenderer#render} with {@code
 * vectors}, items taking contiguous runs): softmax, log-softmax, layer norm and a row maximum beside
 * a row sum, jitted on opencl against the reference backend over rows of widths around the vectors'
 * 16 points (15, 16, 17, 31, 33, 255, 257, 1024, 1025), in float32 and float64, with NaN, infinities
 * and signed zeros in the rows; each case checks that the group kernel ran with vector loops (its
 * source) and, with the vectors off, that the same function still gives results within the same
 * tolerance. Runs in the build's fused-kernel JVM.
 */
class VectorRowStagesTest {
    private static final int[] WIDTHS = {15, 16, 17, 31, 33, 255, 257, 1024, 1025};
    private static final int ROWS = 12;

    private static OpenClBackend backend(boolean vectors) {
        OpenClBackend b = (OpenClBackend) new OpenClProvider().open(Map.of());
        b.interleavedReductions = false; // contiguous runs, as on a CPU device
        b.rowGroupMinWidth = 1;
        b.cpuRowItemRows = 1; // one item per row where the device would (a CPU device)
        b.vectorKernels = vectors;
        b.vectorMinPoints = 1; // by default, groups under 64K points keep scalar loops (a cheaper build)
        return b;
    }

    private static List<DType> floatTypes(OpenClBackend b) {
        return b.dtypes().contains(DType.FLOAT64) ? List.of(DType.FLOAT32, DType.FLOAT64) : List.of(DType.FLOAT32);
    }

    /** Rows of uniform values in [-5, 5) with NaN, ±inf, a row of -inf and a row of signed zeros. */
    private static double[] rows(long seed, int w) {
        Random r = new Random(seed);
        double[] x = new double[ROWS * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (r.nextDouble() * 2 - 1) * 5;
        }
        x[w / 2] = Double.NaN;
        x[w + w - 1] = Double.POSITIVE_INFINITY;
        x[2 * w] = Double.NEGATIVE_INFINITY;
        java.util.Arrays.fill(x, 3 * w, 4 * w, Double.NEGATIVE_INFINITY);
        for (int j = 0; j < w; j++) {
            x[4 * w + j] = j % 2 == 0 ? -0.0 : 0.0;
        }
        x[5 * w + 15 % w] = 1e30; // in the first vector's last lane or the tail
        return x;
    }

    private static double[] run(
            OpenClBackend b, Function<List<Array>, Array> f, DType dtype, int[][] shapes, double[]... data) {
        return Kiln.withBackend(b, () -> {
                    List<Array> args = new ArrayList<>();
                    for (int i = 0; i < data.length; i++) {
                        args.add(Np.array(data[i], shapes[i]).astype(dtype));
                    }
                    return Kiln.jit(f).apply(args);
                })
                .toDoubleArray();
    }

    private static void check(
            String what, Function<List<Array>, Array> f, int outWidth, boolean[] vectorStages, boolean layerNorm) {
        OpenClBackend on = backend(true);
        OpenClBackend off = backend(false);
        for (DType dtype : floatTypes(on)) {
            for (int w : WIDTHS) {
                String where = what + " " + dtype + " width " + w;
                double[] x = rows(w, w);
                if (layerNorm) {
                    for (int i = 0; i < x.length; i++) {
                        // moderate values: a row with inf is NaN both ways, and one with 1e30 is
                        // ill-conditioned (the composite rule's share of the largest result does not
                        // bound it; RowGroupKernelTest scales the rule for such rows)
                        x[i] = Double.isFinite(x[i]) && Math.abs(x[i]) < 10 ? x[i] : 1;
                    }
                }
                double[] scale = new double[w];
                double[] shift = new double[w];
                for (int j = 0; j < w; j++) {
                    scale[j] = 0.5 + j % 7 * 0.25;
                    shift[j] = j % 5 - 2;
                }
                int[][] shapes = {{ROWS, w}, {w}, {w}};
                double[][] data = layerNorm ? new double[][] {x, scale, shift} : new double[][] {x};
                int[][] used = java.util.Arrays.copyOf(shapes, data.length);
                long[] before = on.rowGroupRuns();
                double[] vec = run(on, f, dtype, used, data);
                assertEquals(1, on.rowGroupRuns()[0] - before[0], where + ": group kernels run");
                double[] scalar = run(off, f, dtype, used, data);
                double[] ref = Kiln.withBackend(Kiln.backend("reference"), () -> run0(f, dtype, used, data));
                int ow = outWidth == 1 ? 1 : w;
                RowGroupKernelTest.compare(where + " (vectors)", dtype, ow, new double[][] {vec, ref});
                RowGroupKernelTest.compare(where + " (no vectors)", dtype, ow, new double[][] {scalar, ref});
            }
        }
        List<String> groups = on.runtime().sources().stream()
                .filter(s -> s.contains(" void rows("))
                .toList();
        assertTrue(!groups.isEmpty(), what + ": no group kernel built");
        for (String src : groups) {
            String[] stages = src.split("// kernel ");
            assertEquals(vectorStages.length + 1, stages.length, src);
            for (int s = 0; s < vectorStages.length; s++) {
                assertEquals(vectorStages[s], stages[s + 1].contains("j += VW"), what + " stage " + s + ":\n" + src);
            }
        }
        for (String src : off.runtime().sources()) {
            assertTrue(!src.contains(" void rows(") || !src.contains("j += VW"), "vectors off:\n" + src);
        }
    }

    private static double[] run0(Function<List<Array>, Array> f, DType dtype, int[][] shapes, double[]... data) {
        List<Array> args = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            args.add(Np.array(data[i], shapes[i]).astype(dtype));
        }
        return Kiln.jit(f).apply(args).toDoubleArray();
    }

    @Test
    void softmaxAndLogSoftmax() {
        check("softmax", v -> Nn.softmax(v.get(0)), 0, new boolean[] {true, true, true}, false);
        check("logSoftmax", v -> Nn.logSoftmax(v.get(0)), 0, new boolean[] {true, true, true}, false);
    }

    /** The last stage reads the scale and shift broadcast along the rows: a gather, left point by point. */
    @Test
    void layerNormWithScaleAndShift() {
        check(
                "layerNorm",
                v -> {
                    Array x = v.get(0);
                    Array c = x.subtract(Np.mean(x, new int[] {1}, true));
                    Array y = c.multiply(Np.mean(c.multiply(c), new int[] {1}, true)
                            .add(1e-5)
                            .rsqrt());
                    return y.multiply(v.get(1)).add(v.get(2));
                },
                0,
                new boolean[] {true, true, false},
                true);
    }

    /** A row maximum (NaN first, -0 below +0) and a sum of exponentials from it, as a softmax's denominator. */
    @Test
    void maximumAndSumOfARow() {
        check(
                "logSumExp",
                v -> {
                    Array x = v.get(0);
                    Array m = Np.max(x, new int[] {1}, true);
                    return Np.log(Np.sum(Np.exp(x.subtract(m)), new int[] {1}, true))
                            .add(m);
                },
                1,
                new boolean[] {true, true},
                false);
    }
}
