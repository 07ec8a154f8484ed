package dev.kiln.cpu.codegen;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

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
 * (pairwise: lane i with lane i + n/2, halving), compute exp, log, tanh, sin and cos (float32 and
 * float64) with exactly rounded vector arithmetic only (within 1 to 3 ulp), and evaluate the other
 * transcendentals (expm1, log1p, tan, the inverse and hyperbolic functions, cbrt, pow, atan2) per
 * lane with {@link Math} (whose intrinsics HotSpot keeps identical in the interpreter and both
 * compilers), in double for float lanes, rounded once: exact but 10 to 30 times slower than the
 * vector forms, until they get vector forms too. Every other operation a
 * kernel uses (add, mul, fma, div, sqrt, compares, blends, conversions) is exactly rounded and so
 * identical either way.
 */
public final class FixedLanes {
    private FixedLanes() {}

    /**
     * {@code v.reduceLanes(op)} in a fixed order for ADD and MUL: lane i with lane i + n/2, halving
     * n (MAX and MIN do not depend on order). Each halving is one lane permutation and one lanewise
     * operation, both exact, so the bits are those of the same sums done lane by lane, compiled or not.
     */
    public static float reduce(FloatVector v, VectorOperators.Associative op) {
        boolean add = op == VectorOperators.ADD;
        if (add && v.length() == 16) {
            // the same halvings written out with constant shuffles: C2 keeps them in registers,
            // where the loop over the table below cost 7 ns a call against 2.4 (one thread, 512-bit)
            v = v.add(v.rearrange(F16_8));
            v = v.add(v.rearrange(F16_4));
            v = v.add(v.rearrange(F16_2));
            return v.add(v.rearrange(F16_1)).lane(0);
        }
        if (add && v.length() == 8) {
            v = v.add(v.rearrange(F8_4));
            v = v.add(v.rearrange(F8_2));
            return v.add(v.rearrange(F8_1)).lane(0);
        }
        if (add || op == VectorOperators.MUL) {
            VectorShuffle<Float>[] halves = FLOAT_HALVES[Integer.numberOfTrailingZeros(v.length())];
            for (VectorShuffle<Float> h : halves) {
                FloatVector upper = v.rearrange(h);
                v = add ? v.add(upper) : v.mul(upper);
            }
            return v.lane(0);
        }
        return v.reduceLanes(op);
    }

    /** {@code v.reduceLanes(op)} in a fixed order for ADD and MUL (see the float form). */
    public static double reduce(DoubleVector v, VectorOperators.Associative op) {
        boolean add = op == VectorOperators.ADD;
        if (add && v.length() == 8) {
            v = v.add(v.rearrange(D8_4));
            v = v.add(v.rearrange(D8_2));
            return v.add(v.rearrange(D8_1)).lane(0);
        }
        if (add && v.length() == 4) {
            v = v.add(v.rearrange(D4_2));
            return v.add(v.rearrange(D4_1)).lane(0);
        }
        if (add || op == VectorOperators.MUL) {
            VectorShuffle<Double>[] halves = DOUBLE_HALVES[Integer.numberOfTrailingZeros(v.length())];
            for (VectorShuffle<Double> h : halves) {
                DoubleVector upper = v.rearrange(h);
                v = add ? v.add(upper) : v.mul(upper);
            }
            return v.lane(0);
        }
        return v.reduceLanes(op);
    }

    /**
     * Per lane count 2^k, the k permutations of {@link #reduce}: the n-th brings lane i + n/2 to
     * lane i for i below n/2 (n = 2^k, 2^(k-1), ..., 2); lanes from n/2 on keep their place.
     */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[][] FLOAT_HALVES = halves(
            new VectorSpecies<?>[] {
                FloatVector.SPECIES_64, FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512
            },
            FloatVector.SPECIES_MAX.length());

    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Double>[][] DOUBLE_HALVES = halves(
            new VectorSpecies<?>[] {
                DoubleVector.SPECIES_64, DoubleVector.SPECIES_128, DoubleVector.SPECIES_256, DoubleVector.SPECIES_512
            },
            DoubleVector.SPECIES_MAX.length());

    /** {@link #reduce}'s halvings for the common widths, as constants: lane i + n takes lane i's place for i < n. */
    private static final VectorShuffle<Float> F16_8 = half(FloatVector.SPECIES_512, 8);

    private static final VectorShuffle<Float> F16_4 = half(FloatVector.SPECIES_512, 4);
    private static final VectorShuffle<Float> F16_2 = half(FloatVector.SPECIES_512, 2);
    private static final VectorShuffle<Float> F16_1 = half(FloatVector.SPECIES_512, 1);
    private static final VectorShuffle<Float> F8_4 = half(FloatVector.SPECIES_256, 4);
    private static final VectorShuffle<Float> F8_2 = half(FloatVector.SPECIES_256, 2);
    private static final VectorShuffle<Float> F8_1 = half(FloatVector.SPECIES_256, 1);
    private static final VectorShuffle<Double> D8_4 = half(DoubleVector.SPECIES_512, 4);
    private static final VectorShuffle<Double> D8_2 = half(DoubleVector.SPECIES_512, 2);
    private static final VectorShuffle<Double> D8_1 = half(DoubleVector.SPECIES_512, 1);
    private static final VectorShuffle<Double> D4_2 = half(DoubleVector.SPECIES_256, 2);
    private static final VectorShuffle<Double> D4_1 = half(DoubleVector.SPECIES_256, 1);

    private static <E> VectorShuffle<E> half(VectorSpecies<E> sp, int n) {
        return VectorShuffle.fromOp(sp, i -> i < n ? i + n : i);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static VectorShuffle[][] halves(VectorSpecies<?>[] species, int maxLanes) {
        VectorShuffle[][] byLog = new VectorShuffle[Integer.numberOfTrailingZeros(Math.max(maxLanes, 16)) + 1][];
        for (VectorSpecies<?> sp : species) {
            int lanes = sp.length();
            int k = Integer.numberOfTrailingZeros(lanes);
            if (byLog[k] != null) {
                continue;
            }
            VectorShuffle[] steps = new VectorShuffle[k];
            int step = 0;
            for (int n = lanes / 2; n >= 1; n /= 2) {
                int half = n;
                steps[step++] = VectorShuffle.fromOp(sp, i -> i < half ? i + half : i);
            }
            byLog[k] = steps;
        }
        return byLog;
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
        if (op == VectorOperators.SIN) {
            return sinCos(v, false);
        }
        if (op == VectorOperators.COS) {
            return sinCos(v, true);
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
        if (op == VectorOperators.TANH) {
            return tanh(v);
        }
        if (op == VectorOperators.SIN) {
            return sinCos(v, false);
        }
        if (op == VectorOperators.COS) {
            return sinCos(v, true);
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
     * stays NaN. Within 2 ulp of the correctly rounded result. A vector whose lanes all give normal
     * results takes a shorter path with the same bits (so a lane's bits do not depend on its
     * neighbours).
     */
    public static FloatVector exp(FloatVector x) {
        VectorMask<Float> normal = x.compare(VectorOperators.GE, -86f).and(x.compare(VectorOperators.LE, 88f));
        if (normal.allTrue()) {
            return expNormal(x);
        }
        return expAnywhere(x);
    }

    /**
     * e^x for -86 <= x <= 88, where 2^k (k in [-124, 127]) times the polynomial (in [0.7, 1.42]) is a
     * normal float: the scaling is exact, so adding k to the exponent bits gives the same bits as
     * {@link #expAnywhere}'s two multiplications, in fewer operations (no clamping, no special cases).
     */
    private static FloatVector expNormal(FloatVector x) {
        FloatVector t =
                x.fma(FloatVector.broadcast(x.species(), 1.44269504f), FloatVector.broadcast(x.species(), 12582912f));
        FloatVector kf = t.sub(12582912f);
        FloatVector r = kf.fma(FloatVector.broadcast(x.species(), -LN2_HI_F), x);
        r = kf.fma(FloatVector.broadcast(x.species(), -LN2_LO_F), r);
        FloatVector p = FloatVector.broadcast(x.species(), EXP_F[0]);
        for (int i = 1; i < EXP_F.length; i++) {
            p = p.fma(r, FloatVector.broadcast(x.species(), EXP_F[i]));
        }
        // t's bits are 0x4B400000 + k; shifted by 23 only k << 23 remains
        return p.reinterpretAsInts()
                .add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23))
                .reinterpretAsFloats();
    }

    /** e^x for every x (see {@link #exp(FloatVector)}). */
    private static FloatVector expAnywhere(FloatVector x) {
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
        VectorMask<Double> normal = x.compare(VectorOperators.GE, -700.0).and(x.compare(VectorOperators.LE, 700.0));
        if (normal.allTrue()) {
            return expNormal(x);
        }
        return expAnywhere(x);
    }

    /** e^x for |x| <= 700 with k added to the exponent bits (exact there; see the float form). */
    private static DoubleVector expNormal(DoubleVector x) {
        DoubleVector t = x.fma(
                DoubleVector.broadcast(x.species(), 1.4426950408889634),
                DoubleVector.broadcast(x.species(), 6755399441055744.0));
        DoubleVector kf = t.sub(6755399441055744.0);
        DoubleVector r = kf.fma(DoubleVector.broadcast(x.species(), -LN2_HI), x);
        r = kf.fma(DoubleVector.broadcast(x.species(), -LN2_LO), r);
        DoubleVector p = DoubleVector.broadcast(x.species(), EXP_D[0]);
        for (int i = 1; i < EXP_D.length; i++) {
            p = p.fma(r, DoubleVector.broadcast(x.species(), EXP_D[i]));
        }
        // t's bits are 0x4338000000000000 + k; shifted by 52 only k << 52 remains
        return p.reinterpretAsLongs()
                .add(t.reinterpretAsLongs().lanewise(VectorOperators.LSHL, 52))
                .reinterpretAsDoubles();
    }

    /** e^x for every x (see {@link #exp(DoubleVector)}). */
    private static DoubleVector expAnywhere(DoubleVector x) {
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

    /** 1/8!, 1/7!, ..., 1/2!: Horner's order for (e^r − 1 − r)/r², |r| <= ln2/2. */
    private static final float[] EXPM1_F = {1 / 40320f, 1 / 5040f, 1 / 720f, 1 / 120f, 1 / 24f, 1 / 6f, 0.5f};

    /**
     * tanh of float lanes: with a = min(|x|, 20) and m = e^{−2a} − 1 (in (−1, 0]), tanh a = −m/(2 + m),
     * then x's sign. m comes from the reduction of {@link #exp}: −2a = k ln2 + r, e^r − 1 = r + r²·P(r)
     * (degree 8, relative truncation below 2^-29), m = 2^k (e^r − 1) + (2^k − 1) in one fused
     * multiply-add (2^k − 1 is exact while k >= −24, and below that only the −1 matters). m carries
     * its relative accuracy all the way down (no cancellation for small |x|, so no separate series),
     * and |m/(2 + m)|'s sensitivity to m is at most 2: within 2 ulp on every 16th float32 below 25
     * ({@code FixedLanesTest} sweeps every 256th). One exp-like polynomial and one division, where the former form (the
     * full {@link #exp} for large |x| blended with an odd series to x^19 for small) computed both for
     * every lane: the jitted {@code tanh(x @ w + b)} epilogue and GELU's forward and backward passes
     * run it once per element.
     */
    public static FloatVector tanh(FloatVector x) {
        // tanh(20) is 1 in float32, and 2^k stays normal (k >= -58)
        FloatVector a = x.abs().min(20f);
        FloatVector t = a.mul(-2f);
        FloatVector u =
                t.fma(FloatVector.broadcast(x.species(), 1.44269504f), FloatVector.broadcast(x.species(), 12582912f));
        FloatVector kf = u.sub(12582912f);
        FloatVector r = kf.fma(FloatVector.broadcast(x.species(), -LN2_HI_F), t);
        r = kf.fma(FloatVector.broadcast(x.species(), -LN2_LO_F), r);
        FloatVector p = FloatVector.broadcast(x.species(), EXPM1_F[0]);
        for (int i = 1; i < EXPM1_F.length; i++) {
            p = p.fma(r, FloatVector.broadcast(x.species(), EXPM1_F[i]));
        }
        FloatVector q = r.mul(r).fma(p, r);
        // u's bits are 0x4B400000 + k; shifted by 23 only k << 23 remains, and 1.0f's bits make it 2^k
        FloatVector s = u.reinterpretAsInts()
                .lanewise(VectorOperators.LSHL, 23)
                .add(0x3F800000)
                .reinterpretAsFloats();
        FloatVector m = s.fma(q, s.sub(1f));
        // m <= 0 and 2 + m > 0: |m/(2 + m)| is tanh a (abs also clears the sign of m = -0)
        FloatVector y = m.div(m.add(2f)).abs();
        // x's sign bit (so tanh(-0) = -0)
        y = y.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /**
     * tanh of double lanes, as the float form: sign(x)·(1 − 2/(e^{2|x|} + 1)) for |x| >= 0.55, the odd
     * Taylor series to x^39 below (relative truncation below 2^-54).
     */
    public static DoubleVector tanh(DoubleVector x) {
        DoubleVector a = x.abs();
        DoubleVector e = exp(a.add(a));
        DoubleVector one = DoubleVector.broadcast(x.species(), 1.0);
        DoubleVector big = one.sub(DoubleVector.broadcast(x.species(), 2.0).div(e.add(one)));
        DoubleVector y = tanhSeries(a).blend(big, a.compare(VectorOperators.GE, 0.55));
        // x's sign bit (so tanh(-0) = -0)
        y = y.reinterpretAsLongs()
                .or(x.reinterpretAsLongs().and(0x8000000000000000L))
                .reinterpretAsDoubles();
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** a + a·z·P(z), z = a², the series of tanh to a^39 (its own method so that tanh stays small enough to inline). */
    private static DoubleVector tanhSeries(DoubleVector a) {
        DoubleVector z = a.mul(a);
        DoubleVector p = DoubleVector.broadcast(a.species(), TANH_SERIES_D[TANH_SERIES_D.length - 1]);
        for (int i = TANH_SERIES_D.length - 2; i >= 1; i--) {
            p = p.fma(z, DoubleVector.broadcast(a.species(), TANH_SERIES_D[i]));
        }
        return a.fma(z.mul(p), a);
    }

    /** The coefficients of x^1, x^3, ..., x^39 in tanh's Taylor series: 2^2n (2^2n − 1) B_2n / (2n)!. */
    private static final double[] TANH_SERIES_D = {
        1.0,
        -0.3333333333333333,
        0.13333333333333333,
        -0.05396825396825397,
        0.021869488536155203,
        -0.008863235529902197,
        0.003592128036572481,
        -0.0014558343870513183,
        0.000590027440945586,
        -0.00023912911424355248,
        9.691537956929451e-05,
        -3.927832388331683e-05,
        1.5918905069328964e-05,
        -6.451689215655431e-06,
        2.6147711512907546e-06,
        -1.0597268320104654e-06,
        4.294911078273806e-07,
        -1.7406618963571648e-07,
        7.054636946400968e-08,
        -2.859136662305254e-08
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

    // sin and cos: Cody-Waite reduction by pi/2 (in three parts, with fused multiply-adds), Taylor
    // polynomials on [-pi/4, pi/4], the quadrant's sign and choice by bit operations. Arguments above
    // REDUCE_MAX and ±inf go lane by lane with Math, blended in, so every lane's bits depend on its own
    // argument only; NaN stays NaN in the vector arithmetic.

    /** Largest |x| reduced in vector arithmetic: k = x·2/pi stays below 2^16, so the rest of pi/2 beyond its three parts adds far less than an ulp of r. */
    private static final double REDUCE_MAX = 1.0e5;

    private static final double TWO_OVER_PI = 0.6366197723675814;
    /** pi/2 as the sum of three doubles. */
    private static final double PIO2_1 = 1.5707963267948966;

    private static final double PIO2_2 = 6.123233995736766e-17;
    private static final double PIO2_3 = -1.4973849048591698e-33;

    /** (-1)^n/(2n+1)! for n = 8 down to 1: sin r = r + r·z·P(z), z = r², truncation below 2^-62 on [-pi/4, pi/4]. */
    private static final double[] SIN_D = taylor(8, 1);

    /** (-1)^n/(2n)! for n = 8 down to 2: cos r = 1 - z/2 + z²·Q(z), truncation below 2^-58. */
    private static final double[] COS_D = taylor(8, 2);

    /** (-1)^n/(2n+odd)! for n = top down to from, odd = 1 when from = 1 (sine), 0 otherwise (cosine). */
    private static double[] taylor(int top, int from) {
        int odd = from == 1 ? 1 : 0;
        double[] c = new double[top - from + 1];
        for (int n = top; n >= from; n--) {
            double f = 1;
            for (int i = 2; i <= 2 * n + odd; i++) {
                f *= i;
            }
            c[top - n] = (n % 2 == 0 ? 1 : -1) / f;
        }
        return c;
    }

    /** sin (cos when {@code cos}) of double lanes; |x| above {@link #REDUCE_MAX} and inf lane by lane. */
    public static DoubleVector sinCos(DoubleVector x, boolean cos) {
        DoubleVector y = sinCosReduced(x, cos);
        // |x| > 1e5 and ±inf; NaN lanes stay NaN in the vector arithmetic
        VectorMask<Double> far = x.abs().compare(VectorOperators.GT, REDUCE_MAX);
        if (far.anyTrue()) {
            y = y.blend(perLane(x, cos ? VectorOperators.COS : VectorOperators.SIN), far);
        }
        return y;
    }

    /** sin (cos when {@code cos}) of float lanes, in float arithmetic; |x| above 1e5 and inf lane by lane. */
    public static FloatVector sinCos(FloatVector x, boolean cos) {
        VectorSpecies<Float> sp = x.species();
        // k = round(x·2/pi), left in the low bits of t by the added 1.5·2^23
        FloatVector t = x.fma(FloatVector.broadcast(sp, TWO_OVER_PI_F), FloatVector.broadcast(sp, 12582912f));
        FloatVector nk = t.sub(12582912f).neg();
        FloatVector r = nk.fma(FloatVector.broadcast(sp, PIO2_1F), x);
        r = nk.fma(FloatVector.broadcast(sp, PIO2_2F), r);
        r = nk.fma(FloatVector.broadcast(sp, PIO2_3F), r);
        FloatVector z = r.mul(r);
        IntVector q = t.reinterpretAsInts();
        if (cos) {
            q = q.add(1);
        }
        FloatVector y = sinPolynomial(r, z)
                .blend(cosPolynomial(z), q.and(1).compare(VectorOperators.NE, 0).cast(sp));
        y = y.reinterpretAsInts()
                .lanewise(VectorOperators.XOR, q.and(2).lanewise(VectorOperators.LSHL, 30))
                .reinterpretAsFloats();
        // |x| > 1e5 and ±inf; NaN lanes stay NaN in the vector arithmetic
        VectorMask<Float> far = x.abs().compare(VectorOperators.GT, (float) REDUCE_MAX);
        if (far.anyTrue()) {
            y = y.blend(perLane(x, cos ? VectorOperators.COS : VectorOperators.SIN), far);
        }
        return y;
    }

    private static final float TWO_OVER_PI_F = 0.63661975f;
    /** pi/2 as the sum of three floats (the rest is below 2^-75). */
    private static final float PIO2_1F = 1.5707964f;

    private static final float PIO2_2F = -4.371139e-8f;
    private static final float PIO2_3F = -1.7151245e-15f;

    /** For float lanes: sin to r^11, cos to r^12 (truncation below 2^-36 on [-pi/4, pi/4]). */
    private static final float[] SIN_F = toFloats(taylor(5, 1));

    private static final float[] COS_F = toFloats(taylor(5, 2));

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** sin r = r + r·z·P(z), float lanes. */
    private static FloatVector sinPolynomial(FloatVector r, FloatVector z) {
        FloatVector p = FloatVector.broadcast(r.species(), SIN_F[0]);
        for (int i = 1; i < SIN_F.length; i++) {
            p = p.fma(z, FloatVector.broadcast(r.species(), SIN_F[i]));
        }
        return r.fma(z.mul(p), r);
    }

    /** cos r = (1 - z/2) + z²·Q(z), float lanes. */
    private static FloatVector cosPolynomial(FloatVector z) {
        FloatVector p = FloatVector.broadcast(z.species(), COS_F[0]);
        for (int i = 1; i < COS_F.length; i++) {
            p = p.fma(z, FloatVector.broadcast(z.species(), COS_F[i]));
        }
        return z.mul(z)
                .fma(p, z.fma(FloatVector.broadcast(z.species(), -0.5f), FloatVector.broadcast(z.species(), 1f)));
    }

    /** sin or cos for |x| <= REDUCE_MAX: x = k·pi/2 + r, then ±sin r or ±cos r by k mod 4. */
    private static DoubleVector sinCosReduced(DoubleVector x, boolean cos) {
        VectorSpecies<Double> sp = x.species();
        // k = round(x·2/pi), left in the low bits of t by the added 1.5·2^52
        DoubleVector t = x.fma(DoubleVector.broadcast(sp, TWO_OVER_PI), DoubleVector.broadcast(sp, 6755399441055744.0));
        DoubleVector k = t.sub(6755399441055744.0);
        DoubleVector nk = k.neg();
        DoubleVector r = nk.fma(DoubleVector.broadcast(sp, PIO2_1), x);
        r = nk.fma(DoubleVector.broadcast(sp, PIO2_2), r);
        r = nk.fma(DoubleVector.broadcast(sp, PIO2_3), r);
        DoubleVector z = r.mul(r);
        DoubleVector y = sinPolynomial(r, z).blend(cosPolynomial(z), odd(t, cos));
        return y.reinterpretAsLongs()
                .lanewise(VectorOperators.XOR, signOf(t, cos))
                .reinterpretAsDoubles();
    }

    // the pieces of sinCosReduced are methods of their own so that each stays small enough for C2 to inline

    /** sin r = r + r·z·P(z). */
    private static DoubleVector sinPolynomial(DoubleVector r, DoubleVector z) {
        double[] c = SIN_D;
        DoubleVector p = DoubleVector.broadcast(r.species(), c[0]);
        for (int i = 1; i < c.length; i++) {
            p = p.fma(z, DoubleVector.broadcast(r.species(), c[i]));
        }
        return r.fma(z.mul(p), r);
    }

    /** cos r = (1 - z/2) + z²·Q(z). */
    private static DoubleVector cosPolynomial(DoubleVector z) {
        double[] c = COS_D;
        DoubleVector p = DoubleVector.broadcast(z.species(), c[0]);
        for (int i = 1; i < c.length; i++) {
            p = p.fma(z, DoubleVector.broadcast(z.species(), c[i]));
        }
        return z.mul(z)
                .fma(p, z.fma(DoubleVector.broadcast(z.species(), -0.5), DoubleVector.broadcast(z.species(), 1.0)));
    }

    /**
     * Lanes whose quadrant q = k mod 4 (from the low bits of t; one quadrant on for cos, as cos x =
     * sin(x + pi/2)) is odd: they take the cosine polynomial.
     */
    private static VectorMask<Double> odd(DoubleVector t, boolean cos) {
        LongVector q = t.reinterpretAsLongs();
        if (cos) {
            q = q.add(1L);
        }
        return q.and(1L).compare(VectorOperators.NE, 0L).cast(t.species());
    }

    /** The sign bit for quadrants 2 and 3. */
    private static LongVector signOf(DoubleVector t, boolean cos) {
        LongVector q = t.reinterpretAsLongs();
        if (cos) {
            q = q.add(1L);
        }
        return q.and(2L).lanewise(VectorOperators.LSHL, 62);
    }
}
