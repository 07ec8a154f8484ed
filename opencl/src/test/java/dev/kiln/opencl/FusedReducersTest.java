package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.Primitive;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The reducers beyond sum and max ({@code reduce_prod}, {@code reduce_min}, {@code reduce_and},
 * {@code reduce_or}, and through them {@code argmax}, {@code argmin}, {@code all}, {@code any}) as
 * roots of rendered fused kernels: jitted on opencl against the same functions on the reference
 * backend, for every dtype that takes them, over rows of 1, 17, 257 and 3001 points (one item
 * per row, one work-group per row, two stages), a full reduction, axes that do not collapse, and
 * rows holding NaN, ±inf and zeros of both signs; in the device's layout and the GPU's. Each case
 * checks that the reducer was rendered into the fused kernel (its combining step is in a built
 * source), so a case cannot pass through Kiln's decomposition. Runs in the build's fused-kernel JVM.
 */
class FusedReducersTest {
    private static final OpenClBackend FUSED = (OpenClBackend) new OpenClProvider().open(java.util.Map.of());
    private static final OpenClBackend INTERLEAVED = (OpenClBackend) new OpenClProvider().open(java.util.Map.of());

    static {
        FUSED.interleavedReductions = false;
        INTERLEAVED.interleavedReductions = true;
        FUSED.rowGroups = false; // an argmax's two kernels each on their own paths (argmaxAsOneRowGroup below)
        INTERLEAVED.rowGroups = false;
    }

    private static final int[][] SHAPES = {{5, 1}, {4, 17}, {5, 257}, {4, 3001}, {30_011}};

    private static int[] a(int... v) {
        return v;
    }

    /**
     * Data for a shape: random values of the dtype's kind, and in float rows NaN (row 1), +inf and
     * -inf (row 2), only zeros of both signs (row 3, its first and last points -0); small integers
     * for products, so that they wrap without becoming 0 at once.
     */
    private static double[] data(long seed, int[] shape, DType dtype, boolean product) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        int row = shape[shape.length - 1];
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (dtype) {
                case FLOAT32, FLOAT64 -> product ? 1 + (r.nextDouble() - 0.5) / 64 : r.nextDouble() * 200 - 100;
                case INT32, INT64 ->
                    product
                            ? new int[] {-4, -3, -2, 0, 1, 2}[r.nextInt(6)]
                            : r.nextInt() / (r.nextBoolean() ? 1 : 65536);
                case UINT32 -> product ? r.nextInt(4) : r.nextInt(Integer.MAX_VALUE);
                case BOOL -> r.nextInt(row > 16 ? 1000 : 4) == 0 ? 0 : 1;
                default -> throw new IllegalStateException("not a storage dtype");
            };
        }
        if (dtype.isFloating() && n / row >= 4) {
            v[row + row / 2] = Double.NaN;
            v[2 * row + row / 3] = Double.POSITIVE_INFINITY;
            v[2 * row + row - 1] = Double.NEGATIVE_INFINITY;
            for (int i = 3 * row; i < 4 * row; i++) {
                v[i] = i % 2 == 0 ? 0.0 : -0.0;
            }
            v[3 * row] = -0.0;
            v[4 * row - 1] = -0.0;
        }
        if (dtype == DType.BOOL && n / row > 2) {
            for (int i = 2 * row; i < 3 * row; i++) {
                v[i] = 1; // a row of only true
            }
        }
        return v;
    }

    /** {@code f} jitted on {@code b} and on the reference backend; the two results. */
    private static double[][] both(OpenClBackend b, Function<Array, Array> f, DType dtype, int[] shape, double[] x) {
        double[][] r = new double[2][];
        dev.kiln.spi.Backend[] backends = {b, Kiln.backend("reference")};
        for (int i = 0; i < 2; i++) {
            r[i] = Kiln.withBackend(backends[i], () -> Kiln.jit((Array v) -> f.apply(v))
                            .apply(Np.array(x, shape).astype(dtype)))
                    .toDoubleArray();
        }
        assertEquals(r[1].length, r[0].length);
        return r;
    }

    /**
     * Checks {@code f} over every shape on both layouts: equal to the reference (bit for bit in
     * value, NaN where it has NaN, the sign of zero included), or for float products within {@code
     * ulps} of the dtype's ulp plus the order of the double accumulator's roundings; and that a
     * kernel built for it holds {@code marker}. In the GPU's layout as well where {@code both}
     * (once per reducer: the layout does not depend on the dtype).
     */
    private static void check(
            String what, Function<Array, Array> f, DType dtype, boolean product, String marker, boolean both) {
        for (OpenClBackend b : both ? List.of(FUSED, INTERLEAVED) : List.of(FUSED)) {
            long groupsBefore = b.fusedGroupReductions()[0];
            for (int s = 0; s < SHAPES.length; s++) {
                int[] shape = SHAPES[s];
                double[] x = data(31L * s + dtype.ordinal(), shape, dtype, product);
                double[][] r = both(b, f, dtype, shape, x);
                for (int i = 0; i < r[1].length; i++) {
                    double want = r[1][i];
                    double got = r[0][i];
                    String at = what + " on " + dtype + " " + java.util.Arrays.toString(shape) + " element " + i
                            + (b == INTERLEAVED ? " (interleaved)" : "") + ": " + got + " vs " + want;
                    if (product && dtype.isFloating() && Double.isFinite(want) && want != 0) {
                        double ulp = dtype == DType.FLOAT32 ? Math.ulp((float) want) : Math.ulp(want);
                        double bound =
                                ulp + (dtype == DType.FLOAT32 ? 0 : shape[shape.length - 1] * 0x1p-52) * Math.abs(want);
                        assertTrue(Math.abs(got - want) <= bound, at);
                    } else {
                        assertEquals(0, Double.compare(got, want), at);
                    }
                }
            }
            assertTrue(
                    b.runtime().sources().stream().anyMatch(src -> src.contains("tab") && src.contains(marker)),
                    what + " on " + dtype + ": a fused kernel renders the reducer (" + marker + ")");
            assertTrue(b.fusedGroupReductions()[0] > groupsBefore, what + ": long rows take work-group trees");
        }
    }

    @Test
    void productsOfEveryDtype() {
        for (DType d : List.of(DType.FLOAT32, DType.FLOAT64)) {
            check("prod", x -> Np.prod(x.multiply(1.0f), x.ndim() - 1), d, true, " * (double) v", d == DType.FLOAT32);
        }
        check("prod", x -> Np.prod(x.add(1), x.ndim() - 1), DType.INT32, true, " * (uint) v", true);
        check("prod", x -> Np.prod(x.add(1), x.ndim() - 1), DType.INT64, true, " * (ulong) v", false);
        check("prod", x -> Np.prod(x.add(1), x.ndim() - 1), DType.UINT32, true, " * (uint) v", false);
    }

    @Test
    void minimaOfEveryDtype() {
        check("min", x -> Np.min(x.multiply(1.0f), x.ndim() - 1), DType.FLOAT32, false, "kmind(", true);
        check("min", x -> Np.min(Np.abs(x).negative(), x.ndim() - 1), DType.FLOAT64, false, "kmind(", false);
        for (DType d : List.of(DType.INT32, DType.INT64, DType.UINT32)) {
            check("min", x -> Np.min(x.add(x), x.ndim() - 1), d, false, "min(a", d == DType.INT32);
        }
        check("min", x -> Np.min(x, x.ndim() - 1), DType.BOOL, false, " & (uchar) v", false);
    }

    @Test
    void allAndAnyAndBitwiseReductions() {
        check("all", x -> Np.all(x.multiply(2.0), x.ndim() - 1), DType.FLOAT32, false, " & (uchar) v", true);
        check("any", x -> Np.any(x.subtract(x), x.ndim() - 1), DType.FLOAT64, false, " | (uchar) v", true);
        check("all", x -> Np.all(Np.logicalNot(x), x.ndim() - 1), DType.BOOL, false, " & (uchar) v", false);
        check("any", x -> Np.any(Np.logicalNot(x), x.ndim() - 1), DType.BOOL, false, " | (uchar) v", false);
        for (DType d : List.of(DType.INT32, DType.INT64, DType.UINT32)) {
            check(
                    "and",
                    x -> Lax.reduce(Primitive.REDUCE_AND, x.add(x), x.ndim() - 1),
                    d,
                    false,
                    " & (",
                    d == DType.INT32);
            check(
                    "or",
                    x -> Lax.reduce(Primitive.REDUCE_OR, x.add(x), x.ndim() - 1),
                    d,
                    false,
                    " | (",
                    d == DType.INT32);
        }
    }

    @Test
    void argExtremaTakeTheFirstIndexAndNaN() {
        // argmax: a max then the least index that holds it (or NaN), the second a min reducer
        for (DType d : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32)) {
            check(
                    "argmax",
                    x -> Np.argmax(Np.floor(x.divide(30)), x.ndim() - 1),
                    d,
                    false,
                    "min(a",
                    d == DType.FLOAT32);
        }
        for (DType d : List.of(DType.FLOAT32, DType.UINT32)) {
            check("argmin", x -> Np.argmin(Np.floor(x.divide(30)), x.ndim() - 1), d, false, "min(a", false);
        }
    }

    @Test
    void reductionsOverAxesThatDoNotCollapse() {
        int[] shape = a(30, 7, 40);
        double[] x = data(5, shape, DType.FLOAT32, true);
        x[3 * 40 + 7] = Double.NaN;
        for (OpenClBackend b : List.of(FUSED, INTERLEAVED)) {
            double[][] r = both(b, v -> Np.prod(v.multiply(1.0f), a(0, 2), false), DType.FLOAT32, shape, x);
            for (int i = 0; i < r[1].length; i++) {
                assertTrue(
                        Double.isFinite(r[1][i])
                                ? Math.abs(r[0][i] - r[1][i]) <= Math.ulp((float) r[1][i])
                                : Double.compare(r[0][i], r[1][i]) == 0,
                        "prod over axes 0 and 2, element " + i + ": " + r[0][i] + " vs " + r[1][i]);
            }
            r = both(b, v -> Np.min(v.multiply(1.0f), a(0, 2), false), DType.FLOAT32, shape, x);
            for (int i = 0; i < r[1].length; i++) {
                assertEquals(0, Double.compare(r[0][i], r[1][i]), "min over axes 0 and 2, element " + i);
            }
        }
    }

    @Test
    void emptyAxesGiveTheIdentities() {
        int[] shape = a(3, 0);
        double[] none = new double[0];
        for (DType d : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT32)) {
            double[][] r = both(FUSED, v -> Np.prod(v, 1), d, shape, none);
            assertEquals(List.of(1.0, 1.0, 1.0), List.of(r[0][0], r[0][1], r[0][2]), "prod of nothing on " + d);
            assertEquals(0, java.util.Arrays.compare(r[1], r[0]));
            r = both(FUSED, v -> Np.all(v, 1), d, shape, none);
            assertEquals(0, java.util.Arrays.compare(r[1], r[0]), "all of nothing on " + d);
            r = both(FUSED, v -> Np.any(v, 1), d, shape, none);
            assertEquals(0, java.util.Arrays.compare(r[1], r[0]), "any of nothing on " + d);
        }
        for (DType d : List.of(DType.INT32, DType.INT64, DType.UINT32)) {
            double[][] r = both(FUSED, v -> Lax.reduce(Primitive.REDUCE_MIN, v, 1), d, shape, none);
            assertEquals(0, java.util.Arrays.compare(r[1], r[0]), "min of nothing on " + d);
            r = both(FUSED, v -> Lax.reduce(Primitive.REDUCE_AND, v, 1), d, shape, none);
            assertEquals(0, java.util.Arrays.compare(r[1], r[0]), "and of nothing on " + d);
        }
        double[][] r = both(FUSED, v -> Lax.reduce(Primitive.REDUCE_MIN, v, 1), DType.FLOAT32, shape, none);
        assertEquals(Double.POSITIVE_INFINITY, r[0][0], "min of nothing is +inf");
    }

    @Test
    void argmaxAsOneRowGroup() {
        OpenClBackend grouped = (OpenClBackend) new OpenClProvider().open(java.util.Map.of());
        int[] shape = a(33, 1025);
        for (DType d : List.of(DType.FLOAT32, DType.INT32)) {
            double[] x = data(9, shape, d, false);
            long[] before = grouped.rowGroupRuns();
            for (Function<Array, Array> f : List.<Function<Array, Array>>of(
                    v -> Np.argmax(Np.floor(v.divide(30)), 1), v -> Np.argmin(Np.floor(v.divide(30)), 1))) {
                double[][] r = both(grouped, f, d, shape, x);
                assertEquals(0, java.util.Arrays.compare(r[1], r[0]), "arg-reduction as one kernel on " + d);
            }
            assertEquals(before[0] + 2, grouped.rowGroupRuns()[0], "both ran as one kernel per row group");
        }
    }

    @Test
    void claimedOnlyWithTheFastPaths() {
        OpenClBackend off =
                (OpenClBackend) new OpenClProvider().open(java.util.Map.of("kiln.opencl.fast-paths", "false"));
        for (Primitive p : List.of(Primitive.REDUCE_PROD, Primitive.REDUCE_MIN)) {
            assertTrue(FUSED.implementsNatively(p, DType.FLOAT32), p + " claimed");
            assertTrue(!off.implementsNatively(p, DType.FLOAT32), p + " decomposed without the fast paths");
        }
        assertTrue(FUSED.implementsNatively(Primitive.REDUCE_AND, DType.INT64));
        assertTrue(!FUSED.implementsNatively(Primitive.REDUCE_AND, DType.FLOAT32), "no bitwise and of floats");
    }
}
