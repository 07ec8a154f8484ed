package dev.kiln.cpu.codegen;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The Vector API operations whose results depend on the JIT's state, done so they do not.
 *
 * <p>Two Vector API operations give different bits before and after C2 compiles a loop: {@code
 * reduceLanes(ADD)} and {@code reduceLanes(MUL)} on floats (the Java fallback adds the lanes in
 * order, the intrinsic as a tree; the order is unspecified) and the transcendental {@code
 * lanewise} operators (the fallback calls {@link Math} per lane, the intrinsic a vector math
 * library that rounds differently). Measured: one jitted sum, softmax or tanh called 16,000 times on
 * one thread gave 8,000 to 14,000 results that differed from the first. Kiln promises the same bits
 * for the same program, inputs and settings, so kernels reduce lanes here in a fixed order
 * (pairwise: lane i with lane i + n/2, halving), compute exp, log (float32 and float64) and
 * float32 tanh with exactly rounded vector arithmetic only (within 1 ulp), and evaluate the other
 * transcendentals per lane with {@link Math} (whose intrinsics HotSpot keeps identical in the
 * interpreter and both compilers), in double for float lanes, rounded once: exact but 10 to 30
 * times slower than the vector library, until they get vector forms too. Every other operation a
 * kernel uses (add, mul, fma, div, sqrt, compares, blends, conversions) is exactly rounded and so
 * identical either way.
 */
public final class FixedLanes {
    private FixedLanes() {}

    /**
     * {@code v.reduceLanes(op)} in a fixed order for ADD and MUL: lane i with lane i + n/2, halving
     * n (MAX and MIN do not depend on order).
     */
    public static float reduce(FloatVector v, VectorOperators.Associative op) {
        boolean add = op == VectorOperators.ADD;
        if (add || op == VectorOperators.MUL) {
            // through an array: slice with a varying offset is not compiled to a lane shift
            float[] a = v.toArray();
            for (int n = a.length / 2; n >= 1; n /= 2) {
                for (int i = 0; i < n; i++) {
                    a[i] = add ? a[i] + a[i + n] : a[i] * a[i + n];
                }
            }
            return a[0];
        }
        return v.reduceLanes(op);
    }

    /** {@code v.reduceLanes(op)} in a fixed order for ADD and MUL (see the float form). */
    public static double reduce(DoubleVector v, VectorOperators.Associative op) {
        boolean add = op == VectorOperators.ADD;
        if (add || op == VectorOperators.MUL) {
            // through an array: slice with a varying offset is not compiled to a lane shift
            double[] a = v.toArray();
            for (int n = a.length / 2; n >= 1; n /= 2) {
                for (int i = 0; i < n; i++) {
                    a[i] = add ? a[i] + a[i + n] : a[i] * a[i + n];
                }
            }
            return a[0];
        }
        return v.reduceLanes(op);
    }

    /** {@code v.lanewise(op)} for a transcendental operator, lane by lane with {@link Math}. */
    public static FloatVector lanewise(FloatVector v, VectorOperators.Unary op) {
        if (op == VectorOperators.EXP) {
            return exp(v);
        }
        if (op == VectorOperators.LOG) {
            return log(v);
        }
        if (op == VectorOperators.TANH) {
            return tanh(v);
        }
        return perLane(v, op);
    }

    /** Lane by lane with {@link Math}: kept out of {@code lanewise} so that stays small enough to inline. */
    private static FloatVector perLane(FloatVector v, VectorOperators.Unary op) {
        float[] a = v.toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) unary(op, a[i]);
        }
        return FloatVector.fromArray(v.species(), a, 0);
    }

    /** {@code v.lanewise(op)} for a transcendental operator, lane by lane with {@link Math}. */
    public static DoubleVector lanewise(DoubleVector v, VectorOperators.Unary op) {
        if (op == VectorOperators.EXP) {
            return exp(v);
        }
        if (op == VectorOperators.LOG) {
            return log(v);
        }
        return perLane(v, op);
    }

    /** Lane by lane with {@link Math}: kept out of {@code lanewise} so that stays small enough to inline. */
    private static DoubleVector perLane(DoubleVector v, VectorOperators.Unary op) {
        double[] a = v.toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = unary(op, a[i]);
        }
        return DoubleVector.fromArray(v.species(), a, 0);
    }

    /** {@code v.lanewise(op, w)} for POW and ATAN2, lane by lane with {@link Math}. */
    public static FloatVector lanewise(FloatVector v, VectorOperators.Binary op, Vector<Float> w) {
        float[] a = v.toArray();
        float[] b = ((FloatVector) w).toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) binary(op, a[i], b[i]);
        }
        return FloatVector.fromArray(v.species(), a, 0);
    }

    /** {@code v.lanewise(op, w)} for POW and ATAN2, lane by lane with {@link Math}. */
    public static DoubleVector lanewise(DoubleVector v, VectorOperators.Binary op, Vector<Double> w) {
        double[] a = v.toArray();
        double[] b = ((DoubleVector) w).toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = binary(op, a[i], b[i]);
        }
        return DoubleVector.fromArray(v.species(), a, 0);
    }

    /** The same functions as the kernels' scalar tails ({@code ScalarMath}), so a lane never depends on its position. */
    static double unary(VectorOperators.Unary op, double x) {
        if (op == VectorOperators.EXP) {
            return Math.exp(x);
        } else if (op == VectorOperators.LOG) {
            return Math.log(x);
        } else if (op == VectorOperators.LOG1P) {
            return Math.log1p(x);
        } else if (op == VectorOperators.EXPM1) {
            return Math.expm1(x);
        } else if (op == VectorOperators.SIN) {
            return Math.sin(x);
        } else if (op == VectorOperators.COS) {
            return Math.cos(x);
        } else if (op == VectorOperators.TAN) {
            return Math.tan(x);
        } else if (op == VectorOperators.ASIN) {
            return Math.asin(x);
        } else if (op == VectorOperators.ACOS) {
            return Math.acos(x);
        } else if (op == VectorOperators.ATAN) {
            return Math.atan(x);
        } else if (op == VectorOperators.SINH) {
            return Math.sinh(x);
        } else if (op == VectorOperators.COSH) {
            return Math.cosh(x);
        } else if (op == VectorOperators.TANH) {
            return Math.tanh(x);
        } else if (op == VectorOperators.CBRT) {
            return Math.cbrt(x);
        }
        throw new IllegalArgumentException(op + " is not a transcendental operator");
    }

    static double binary(VectorOperators.Binary op, double a, double b) {
        if (op == VectorOperators.POW) {
            return Math.pow(a, b);
        } else if (op == VectorOperators.ATAN2) {
            return Math.atan2(a, b);
        }
        throw new IllegalArgumentException(op + " is not a transcendental operator");
    }

    // exp, log and tanh, the transcendentals on the hot paths (softmax, logistic, losses, activations), in
    // exactly rounded vector arithmetic only, so they stay fast and give the same bits everywhere

    private static final float LN2_HI_F = 0.693359375f;
    private static final float LN2_LO_F = -2.12194440e-4f;
    private static final float[] EXP_F = {1 / 5040f, 1 / 720f, 1 / 120f, 1 / 24f, 1 / 6f, 0.5f, 1f, 1f};

    /**
     * e^x: x = k ln2 + r with |r| <= ln2/2 (k rounded by adding 1.5·2^23, which also leaves k in the
     * low bits), e^r by its Taylor polynomial of degree 7 (truncation below 2^-27), then scaled by
     * 2^k in two steps so that subnormal results round once. Overflow gives inf, underflow 0, NaN
     * stays NaN. Within 2 ulp of the correctly rounded result.
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(-104f).min(89f);
        FloatVector t =
                c.fma(FloatVector.broadcast(x.species(), 1.44269504f), FloatVector.broadcast(x.species(), 12582912f));
        IntVector k = t.reinterpretAsInts().sub(0x4B400000);
        FloatVector kf = t.sub(12582912f);
        FloatVector r = kf.fma(FloatVector.broadcast(x.species(), -LN2_HI_F), c);
        r = kf.fma(FloatVector.broadcast(x.species(), -LN2_LO_F), r);
        FloatVector p = FloatVector.broadcast(x.species(), EXP_F[0]);
        for (int i = 1; i < EXP_F.length; i++) {
            p = p.fma(r, FloatVector.broadcast(x.species(), EXP_F[i]));
        }
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = k.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = p.mul(s1).mul(s2);
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88.72284f));
        y = y.blend(0f, x.compare(VectorOperators.LT, -103.97208f));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double[] EXP_D = exp64Coefficients();

    /** 1/13!, 1/12!, ..., 1/1!, 1/0!: Horner's order for e^r, |r| <= ln2/2 (truncation below 2^-57). */
    private static double[] exp64Coefficients() {
        double[] c = new double[14];
        double f = 1;
        for (int i = 0; i <= 13; i++) {
            if (i > 0) {
                f *= i;
            }
            c[13 - i] = 1 / f;
        }
        return c;
    }

    /** e^x in double, as the float form: degree 13, 1.5·2^52 for rounding k. */
    public static DoubleVector exp(DoubleVector x) {
        DoubleVector c = x.max(-746.0).min(710.0);
        DoubleVector t = c.fma(
                DoubleVector.broadcast(x.species(), 1.4426950408889634),
                DoubleVector.broadcast(x.species(), 6755399441055744.0));
        LongVector k = t.reinterpretAsLongs().sub(0x4338000000000000L);
        DoubleVector kf = t.sub(6755399441055744.0);
        DoubleVector r = kf.fma(DoubleVector.broadcast(x.species(), -LN2_HI), c);
        r = kf.fma(DoubleVector.broadcast(x.species(), -LN2_LO), r);
        DoubleVector p = DoubleVector.broadcast(x.species(), EXP_D[0]);
        for (int i = 1; i < EXP_D.length; i++) {
            p = p.fma(r, DoubleVector.broadcast(x.species(), EXP_D[i]));
        }
        LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        LongVector k2 = k.sub(k1);
        DoubleVector s1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector s2 = k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector y = p.mul(s1).mul(s2);
        y = y.blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 709.782712893384));
        y = y.blend(0.0, x.compare(VectorOperators.LT, -745.1332191019412));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /**
     * tanh of float lanes: for |x| >= 0.55, sign(x)·(1 − 2/(e^{2|x|} + 1)) (the result is above
     * 1/2, so the subtraction adds at most an ulp); below, the odd Taylor series to x^19 (relative
     * truncation below 2^-27). Within 4 ulp. Float64 tanh goes lane by lane.
     */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector e = exp(a.add(a));
        FloatVector one = FloatVector.broadcast(x.species(), 1f);
        FloatVector big = one.sub(FloatVector.broadcast(x.species(), 2f).div(e.add(one)));
        FloatVector z = x.mul(x);
        FloatVector p = FloatVector.broadcast(x.species(), (float) TANH_SERIES[TANH_SERIES.length - 1]);
        for (int i = TANH_SERIES.length - 2; i >= 1; i--) {
            p = p.fma(z, FloatVector.broadcast(x.species(), (float) TANH_SERIES[i]));
        }
        // x + x·z·p keeps the leading term exact
        FloatVector small = a.fma(z.mul(p), a);
        FloatVector y = small.blend(big, a.compare(VectorOperators.GE, 0.55f));
        // x's sign bit (so tanh(-0) = -0)
        y = y.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    private static final double[] TANH_SERIES = {
        1.0,
        -1.0 / 3,
        2.0 / 15,
        -17.0 / 315,
        62.0 / 2835,
        -1382.0 / 155925,
        21844.0 / 6081075,
        -929569.0 / 638512875,
        6404582.0 / 10854718875.0,
        -443861162.0 / 1856156927625.0
    };

    private static final float LN2_HI_LOGF = 6.9313812256e-01f;
    private static final float LN2_LO_LOGF = 9.0580006145e-06f;

    /** 2/13, 2/11, ..., 2/3 in Horner's order (highest first). */
    private static final float[] LOG_F = {2f / 13, 2f / 11, 2f / 9, 2f / 7, 2f / 5, 2f / 3};

    /**
     * log x: x = 2^k m with m in [sqrt(1/2), sqrt(2)) (subnormals scaled up first), and log m =
     * f − f²/2 + s (f²/2 + R(s²)) with f = m − 1, s = f/(2 + f) and R the series of 2 atanh(s)/s − 2
     * (terms to s^12: truncation below 2^-30); k ln 2 is added in two parts. 0 gives −inf, negative
     * arguments NaN. Within 1 ulp of Math.log over 6.4M random arguments.
     */
    public static FloatVector log(FloatVector x) {
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, 1.17549435e-38f);
        FloatVector xs = x.blend(x.mul(8388608f), tiny);
        IntVector bits = xs.reinterpretAsInts();
        FloatVector k =
                (FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(127).convert(VectorOperators.I2F, 0);
        k = k.blend(k.sub(23f), tiny);
        FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
        VectorMask<Float> high = m.compare(VectorOperators.GT, 1.41421356f);
        m = m.blend(m.mul(0.5f), high);
        k = k.blend(k.add(1f), high);
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector r = FloatVector.broadcast(x.species(), LOG_F[0]);
        for (int i = 1; i < LOG_F.length; i++) {
            r = r.fma(z, FloatVector.broadcast(x.species(), LOG_F[i]));
        }
        r = r.mul(z);
        FloatVector hfsq = f.mul(f).mul(0.5f);
        // log(m) = f - hfsq + s (hfsq + r), and k ln2 added in two parts
        FloatVector y = s.fma(hfsq.add(r), k.mul(LN2_LO_LOGF));
        y = k.fma(FloatVector.broadcast(x.species(), LN2_HI_LOGF), f.sub(hfsq.sub(y)));
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        y = y.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
        y = y.blend(x, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    private static final double[] LOG_D = logCoefficients();

    private static double[] logCoefficients() {
        double[] c = new double[12];
        for (int i = 0; i < 12; i++) {
            c[i] = 2.0 / (2 * (12 - i) + 1);
        }
        return c;
    }

    /** log x in double, as the float form with terms to s^24 (truncation below 2^-60); within 1 ulp. */
    public static DoubleVector log(DoubleVector x) {
        VectorMask<Double> tiny = x.compare(VectorOperators.LT, Double.MIN_NORMAL);
        DoubleVector xs = x.blend(x.mul(4503599627370496.0), tiny);
        LongVector bits = xs.reinterpretAsLongs();
        DoubleVector k =
                (DoubleVector) bits.lanewise(VectorOperators.LSHR, 52).sub(1023).convert(VectorOperators.L2D, 0);
        k = k.blend(k.sub(52.0), tiny);
        DoubleVector m = bits.and(0x000fffffffffffffL).or(0x3ff0000000000000L).reinterpretAsDoubles();
        VectorMask<Double> high = m.compare(VectorOperators.GT, 1.4142135623730951);
        m = m.blend(m.mul(0.5), high);
        k = k.blend(k.add(1.0), high);
        DoubleVector f = m.sub(1.0);
        DoubleVector s = f.div(f.add(2.0));
        DoubleVector z = s.mul(s);
        DoubleVector r = DoubleVector.broadcast(x.species(), LOG_D[0]);
        for (int i = 1; i < LOG_D.length; i++) {
            r = r.fma(z, DoubleVector.broadcast(x.species(), LOG_D[i]));
        }
        r = r.mul(z);
        DoubleVector hfsq = f.mul(f).mul(0.5);
        DoubleVector y = s.fma(hfsq.add(r), k.mul(LN2_LO));
        y = k.fma(DoubleVector.broadcast(x.species(), LN2_HI), f.sub(hfsq.sub(y)));
        y = y.blend(Double.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0.0));
        y = y.blend(Double.NaN, x.compare(VectorOperators.LT, 0.0));
        y = y.blend(x, x.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }
}
