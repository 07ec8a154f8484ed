package dev.kiln.cpu.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * The vector transcendentals of {@link FixedLanes}: close to {@link Math} (whose functions are
 * within 1 ulp of the exact result) over random and special arguments, and each lane's bits
 * depending on its own argument only: the same for every vector width and every position, with
 * arguments that take the lane-by-lane path mixed in.
 */
class FixedLanesTest {
    private static final int N = 1 << 14;

    /** Random arguments at many scales, both signs, plus the special ones. */
    private static double[] arguments(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] special = {
            0.0,
            -0.0,
            1e-300,
            -1e-300,
            Double.MIN_VALUE,
            1e-8,
            Math.PI / 4,
            Math.PI / 2,
            Math.PI,
            -Math.PI,
            3 * Math.PI / 2,
            2 * Math.PI,
            1e5,
            -1e5,
            100000.5,
            1e6,
            1e22,
            -1e300,
            Double.MAX_VALUE,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.NaN,
            355.0,
            103993.0,
            52174.0,
            710.0,
            -745.5
        };
        double[] x = new double[N];
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = special.length; i < N; i++) {
            // half at every scale, half within [-100, 100] (whole vectors on exp's short path)
            double scale = Math.pow(10, r.nextBoolean() ? r.nextInt(-6, 7) : r.nextInt(-1, 3));
            x[i] = (r.nextDouble() * 2 - 1) * scale;
        }
        return x;
    }

    private static long ulpsDouble(double want, double got) {
        if (Double.isNaN(want) || Double.isNaN(got)) {
            return Double.isNaN(want) && Double.isNaN(got) ? 0 : Long.MAX_VALUE;
        }
        if (want == got) {
            return 0;
        }
        long a = Double.doubleToLongBits(want);
        long b = Double.doubleToLongBits(got);
        a = a < 0 ? Long.MIN_VALUE - a : a;
        b = b < 0 ? Long.MIN_VALUE - b : b;
        return Math.abs(a - b);
    }

    private static long ulpsFloat(float want, float got) {
        if (Float.isNaN(want) || Float.isNaN(got)) {
            return Float.isNaN(want) && Float.isNaN(got) ? 0 : Long.MAX_VALUE;
        }
        if (want == got) {
            return 0;
        }
        long a = Float.floatToIntBits(want);
        long b = Float.floatToIntBits(got);
        a = a < 0 ? Integer.MIN_VALUE - a : a;
        b = b < 0 ? Integer.MIN_VALUE - b : b;
        return Math.abs(a - b);
    }

    /** The op applied to {@code x} in vectors of species {@code s}; the last partial vector padded with zeros. */
    private static double[] apply(VectorSpecies<Double> s, double[] x, VectorOperators.Unary op) {
        double[] y = new double[x.length];
        double[] buf = new double[s.length()];
        for (int i = 0; i < x.length; i += s.length()) {
            java.util.Arrays.fill(buf, 0);
            System.arraycopy(x, i, buf, 0, Math.min(buf.length, x.length - i));
            double[] out =
                    FixedLanes.lanewise(DoubleVector.fromArray(s, buf, 0), op).toArray();
            System.arraycopy(out, 0, y, i, Math.min(buf.length, x.length - i));
        }
        return y;
    }

    private static float[] apply(VectorSpecies<Float> s, float[] x, VectorOperators.Unary op) {
        float[] y = new float[x.length];
        float[] buf = new float[s.length()];
        for (int i = 0; i < x.length; i += s.length()) {
            java.util.Arrays.fill(buf, 0);
            System.arraycopy(x, i, buf, 0, Math.min(buf.length, x.length - i));
            float[] out =
                    FixedLanes.lanewise(FloatVector.fromArray(s, buf, 0), op).toArray();
            System.arraycopy(out, 0, y, i, Math.min(buf.length, x.length - i));
        }
        return y;
    }

    private static void checkDouble(VectorOperators.Unary op, DoubleUnaryOperator exact, long maxUlps) {
        double[] x = arguments(1);
        double[] y = apply(DoubleVector.SPECIES_PREFERRED, x, op);
        long worst = 0;
        double at = 0;
        for (int i = 0; i < x.length; i++) {
            long d = ulpsDouble(exact.applyAsDouble(x[i]), y[i]);
            if (d > worst) {
                worst = d;
                at = x[i];
            }
        }
        assertTrue(worst <= maxUlps, op + " float64: " + worst + " ulps from Math at " + at);
        sameBitsEverywhere(x, y, (s, v) -> apply(s, v, op));
    }

    private static void checkFloat(VectorOperators.Unary op, DoubleUnaryOperator exact, long maxUlps) {
        double[] d = arguments(2);
        float[] x = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            x[i] = (float) d[i];
        }
        float[] y = apply(FloatVector.SPECIES_PREFERRED, x, op);
        long worst = 0;
        float at = 0;
        for (int i = 0; i < x.length; i++) {
            long u = ulpsFloat((float) exact.applyAsDouble(x[i]), y[i]);
            if (u > worst) {
                worst = u;
                at = x[i];
            }
        }
        assertTrue(worst <= maxUlps, op + " float32: " + worst + " ulps from Math at " + at);
        double[] asDouble = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            asDouble[i] = x[i];
        }
        // every width and a rotated layout give the same bits per argument
        for (VectorSpecies<Float> s : java.util.List.of(
                FloatVector.SPECIES_64, FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512)) {
            float[] other = apply(s, x, op);
            for (int i = 0; i < x.length; i++) {
                assertEquals(
                        Float.floatToRawIntBits(y[i]),
                        Float.floatToRawIntBits(other[i]),
                        op + " at " + x[i] + ", " + s);
            }
        }
        float[] rotated = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            rotated[i] = x[(i + 3) % x.length];
        }
        float[] yr = apply(FloatVector.SPECIES_PREFERRED, rotated, op);
        for (int i = 0; i < x.length; i++) {
            assertEquals(
                    Float.floatToRawIntBits(y[(i + 3) % x.length]),
                    Float.floatToRawIntBits(yr[i]),
                    op + " at " + rotated[i]);
        }
    }

    private static void sameBitsEverywhere(
            double[] x, double[] y, BiFunction<VectorSpecies<Double>, double[], double[]> f) {
        for (VectorSpecies<Double> s : java.util.List.of(
                DoubleVector.SPECIES_64,
                DoubleVector.SPECIES_128,
                DoubleVector.SPECIES_256,
                DoubleVector.SPECIES_512)) {
            double[] other = f.apply(s, x);
            for (int i = 0; i < x.length; i++) {
                assertEquals(
                        Double.doubleToRawLongBits(y[i]),
                        Double.doubleToRawLongBits(other[i]),
                        "at " + x[i] + ", " + s);
            }
        }
        double[] rotated = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            rotated[i] = x[(i + 5) % x.length];
        }
        double[] yr = f.apply(DoubleVector.SPECIES_PREFERRED, rotated);
        for (int i = 0; i < x.length; i++) {
            assertEquals(
                    Double.doubleToRawLongBits(y[(i + 5) % x.length]),
                    Double.doubleToRawLongBits(yr[i]),
                    "at " + rotated[i]);
        }
    }

    @Test
    void sinFloat64() {
        checkDouble(VectorOperators.SIN, Math::sin, 2);
    }

    @Test
    void cosFloat64() {
        checkDouble(VectorOperators.COS, Math::cos, 2);
    }

    @Test
    void sinFloat32() {
        checkFloat(VectorOperators.SIN, Math::sin, 2);
    }

    @Test
    void cosFloat32() {
        checkFloat(VectorOperators.COS, Math::cos, 2);
    }

    @Test
    void tanhFloat64() {
        checkDouble(VectorOperators.TANH, Math::tanh, 3);
    }

    @Test
    void tanhFloat32() {
        checkFloat(VectorOperators.TANH, Math::tanh, 2);
    }

    /**
     * The float32 tanh on every 256th float from 0 to 25 (past which it is 1), both signs: within 2 ulp
     * of the correctly rounded result, and odd bit for bit (every 16th, once: also 2 ulp, 43 s). Small arguments, where a form through
     * e^{2|x|} would cancel, and the subnormals are all in the sweep.
     */
    @Test
    void tanhFloat32Sweep() {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        int lanes = s.length();
        int last = Float.floatToRawIntBits(25f);
        float[] x = new float[lanes];
        long worst = 0;
        float at = 0;
        for (int bits = 0; bits <= last; bits += 256 * lanes) {
            for (int i = 0; i < lanes; i++) {
                x[i] = Float.intBitsToFloat(Math.min(last, bits + 256 * i));
            }
            FloatVector v = FloatVector.fromArray(s, x, 0);
            float[] y = FixedLanes.tanh(v).toArray();
            float[] minus = FixedLanes.tanh(v.neg()).toArray();
            for (int i = 0; i < lanes; i++) {
                long u = ulpsFloat((float) Math.tanh(x[i]), y[i]);
                if (u > worst) {
                    worst = u;
                    at = x[i];
                }
                assertEquals(Float.floatToRawIntBits(-y[i]), Float.floatToRawIntBits(minus[i]), "odd at " + x[i]);
            }
        }
        assertTrue(worst <= 2, "tanh float32: " + worst + " ulps from Math at " + at);
    }

    @Test
    void expFloat64() {
        checkDouble(VectorOperators.EXP, Math::exp, 2);
    }

    @Test
    void expFloat32() {
        checkFloat(VectorOperators.EXP, Math::exp, 2);
    }

    /** The bits of {@code x}, every NaN as one (a NaN's payload is not promised). */
    private static long bits(double x) {
        return Double.isNaN(x) ? -1 : Double.doubleToRawLongBits(x);
    }

    /** Lane i with lane i + n/2, halving n, in scalar arithmetic: the order {@link FixedLanes#reduce} promises. */
    private static double pairwise(double[] a, boolean add, boolean asFloat) {
        double[] t = a.clone();
        for (int n = t.length / 2; n >= 1; n /= 2) {
            for (int i = 0; i < n; i++) {
                double v = add ? t[i] + t[i + n] : t[i] * t[i + n];
                t[i] = asFloat ? (float) v : v;
            }
        }
        return t[0];
    }

    /**
     * Lane sums and products of every float and double width, over random lanes at many scales with
     * zeros of both signs, infinities and NaN mixed in: the same bits as the scalar pairwise order,
     * before and after the JIT compiles the reduction (many rounds).
     */
    @Test
    void laneReductionsKeepTheirOrder() {
        SplittableRandom r = new SplittableRandom(31);
        double[] specials = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e-40, 3e38};
        VectorSpecies<?>[] all = {
            FloatVector.SPECIES_64, FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512,
            DoubleVector.SPECIES_64, DoubleVector.SPECIES_128, DoubleVector.SPECIES_256, DoubleVector.SPECIES_512
        };
        for (int round = 0; round < 3000; round++) {
            for (VectorSpecies<?> sp : all) {
                int lanes = sp.length();
                double[] a = new double[lanes];
                for (int i = 0; i < lanes; i++) {
                    a[i] = r.nextInt(20) == 0
                            ? specials[r.nextInt(specials.length)]
                            : (r.nextDouble() * 2 - 1) * Math.pow(10, r.nextInt(-3, 4));
                }
                for (boolean add : new boolean[] {true, false}) {
                    VectorOperators.Associative op = add ? VectorOperators.ADD : VectorOperators.MUL;
                    if (sp.elementType() == float.class) {
                        float[] f = new float[lanes];
                        double[] fa = new double[lanes];
                        for (int i = 0; i < lanes; i++) {
                            f[i] = (float) a[i];
                            fa[i] = f[i];
                        }
                        @SuppressWarnings("unchecked")
                        FloatVector v = FloatVector.fromArray((VectorSpecies<Float>) sp, f, 0);
                        assertEquals(
                                bits((float) pairwise(fa, add, true)),
                                bits(FixedLanes.reduce(v, op)),
                                sp + " " + op + " " + java.util.Arrays.toString(f));
                    } else {
                        @SuppressWarnings("unchecked")
                        DoubleVector v = DoubleVector.fromArray((VectorSpecies<Double>) sp, a, 0);
                        assertEquals(
                                bits(pairwise(a, add, false)),
                                bits(FixedLanes.reduce(v, op)),
                                sp + " " + op + " " + java.util.Arrays.toString(a));
                    }
                }
            }
        }
    }
}
