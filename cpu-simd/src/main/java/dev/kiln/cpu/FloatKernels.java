package dev.kiln.cpu;

import dev.kiln.cpu.codegen.FixedLanes;
import dev.kiln.ir.Primitive;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise float32 kernels on the Vector API.
 *
 * <p>Each operation has its own small loop with the vector operator written as a constant: the
 * Vector API only compiles to SIMD instructions when C2 sees the operator as a constant, so a
 * shared loop taking the operator as an argument would fall back to boxed per-lane code. The
 * transcendental operators are the JDK's SVML intrinsics on x86; measured on this machine they are
 * within 0.8 ulp of the correctly rounded float result. Tails (fewer elements than a vector) are
 * computed in double by {@link ScalarMath} and rounded once.
 */
final class FloatKernels {
    private FloatKernels() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    // ---------------------------------------------------------------- unary

    static float[] unary(Primitive p, float[] x) {
        float[] y = new float[x.length];
        Parallel.Range body =
                switch (p) {
                    case NEG -> (lo, hi) -> neg(x, y, lo, hi);
                    case ABS -> (lo, hi) -> abs(x, y, lo, hi);
                    case EXP -> (lo, hi) -> exp(x, y, lo, hi);
                    case EXP2 -> (lo, hi) -> exp2(x, y, lo, hi);
                    case LOG -> (lo, hi) -> log(x, y, lo, hi);
                    case LOG1P -> (lo, hi) -> log1p(x, y, lo, hi);
                    case EXPM1 -> (lo, hi) -> expm1(x, y, lo, hi);
                    case SQRT -> (lo, hi) -> sqrt(x, y, lo, hi);
                    case RSQRT -> (lo, hi) -> rsqrt(x, y, lo, hi);
                    case CBRT -> (lo, hi) -> cbrt(x, y, lo, hi);
                    case SIN -> (lo, hi) -> sin(x, y, lo, hi);
                    case COS -> (lo, hi) -> cos(x, y, lo, hi);
                    case TAN -> (lo, hi) -> tan(x, y, lo, hi);
                    case ASIN -> (lo, hi) -> asin(x, y, lo, hi);
                    case ACOS -> (lo, hi) -> acos(x, y, lo, hi);
                    case ATAN -> (lo, hi) -> atan(x, y, lo, hi);
                    case SINH -> (lo, hi) -> sinh(x, y, lo, hi);
                    case COSH -> (lo, hi) -> cosh(x, y, lo, hi);
                    case TANH -> (lo, hi) -> tanh(x, y, lo, hi);
                    case LOGISTIC -> (lo, hi) -> logistic(x, y, lo, hi);
                    case SIGN -> (lo, hi) -> sign(x, y, lo, hi);
                    case FLOOR -> (lo, hi) -> floor(x, y, lo, hi);
                    case CEIL -> (lo, hi) -> ceil(x, y, lo, hi);
                    case ROUND -> (lo, hi) -> round(x, y, lo, hi);
                    case ERF -> (lo, hi) -> erf(x, y, lo, hi);
                    default -> throw new IllegalArgumentException(p + " is not a float32 unary kernel");
                };
        boolean cheap = p == Primitive.NEG || p == Primitive.ABS || p == Primitive.SIGN;
        Parallel.forRange(x.length, cheap ? Parallel.ELEMENTWISE_GRAIN : Parallel.HEAVY_GRAIN, body);
        return y;
    }

    static boolean[] isFinite(float[] x) {
        boolean[] y = new boolean[x.length];
        Parallel.forRange(x.length, Parallel.ELEMENTWISE_GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                y[i] = Float.isFinite(x[i]);
            }
        });
        return y;
    }

    private static void tail(Primitive p, float[] x, float[] y, int i, int hi) {
        for (; i < hi; i++) {
            y[i] = (float) ScalarMath.unary(p, x[i]);
        }
    }

    private static void neg(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, x, i).neg().intoArray(y, i);
        }
        tail(Primitive.NEG, x, y, i, hi);
    }

    private static void abs(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, x, i).abs().intoArray(y, i);
        }
        tail(Primitive.ABS, x, y, i, hi);
    }

    private static void exp(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.EXP)
                    .intoArray(y, i);
        }
        tail(Primitive.EXP, x, y, i, hi);
    }

    private static void exp2(float[] x, float[] y, int lo, int hi) {
        FloatVector two = FloatVector.broadcast(S, 2f);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(two, VectorOperators.POW, FloatVector.fromArray(S, x, i))
                    .intoArray(y, i);
        }
        tail(Primitive.EXP2, x, y, i, hi);
    }

    private static void log(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.LOG)
                    .intoArray(y, i);
        }
        tail(Primitive.LOG, x, y, i, hi);
    }

    private static void log1p(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.LOG1P)
                    .intoArray(y, i);
        }
        tail(Primitive.LOG1P, x, y, i, hi);
    }

    private static void expm1(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.EXPM1)
                    .intoArray(y, i);
        }
        tail(Primitive.EXPM1, x, y, i, hi);
    }

    private static void sqrt(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, x, i).sqrt().intoArray(y, i);
        }
        tail(Primitive.SQRT, x, y, i, hi);
    }

    private static void rsqrt(float[] x, float[] y, int lo, int hi) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            one.div(FloatVector.fromArray(S, x, i).sqrt()).intoArray(y, i);
        }
        tail(Primitive.RSQRT, x, y, i, hi);
    }

    private static void cbrt(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.CBRT)
                    .intoArray(y, i);
        }
        tail(Primitive.CBRT, x, y, i, hi);
    }

    private static void sin(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.SIN)
                    .intoArray(y, i);
        }
        tail(Primitive.SIN, x, y, i, hi);
    }

    private static void cos(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.COS)
                    .intoArray(y, i);
        }
        tail(Primitive.COS, x, y, i, hi);
    }

    private static void tan(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.TAN)
                    .intoArray(y, i);
        }
        tail(Primitive.TAN, x, y, i, hi);
    }

    private static void asin(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.ASIN)
                    .intoArray(y, i);
        }
        tail(Primitive.ASIN, x, y, i, hi);
    }

    private static void acos(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.ACOS)
                    .intoArray(y, i);
        }
        tail(Primitive.ACOS, x, y, i, hi);
    }

    private static void atan(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.ATAN)
                    .intoArray(y, i);
        }
        tail(Primitive.ATAN, x, y, i, hi);
    }

    private static void sinh(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.SINH)
                    .intoArray(y, i);
        }
        tail(Primitive.SINH, x, y, i, hi);
    }

    private static void cosh(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.COSH)
                    .intoArray(y, i);
        }
        tail(Primitive.COSH, x, y, i, hi);
    }

    private static void tanh(float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, x, i), VectorOperators.TANH)
                    .intoArray(y, i);
        }
        tail(Primitive.TANH, x, y, i, hi);
    }

    private static void logistic(float[] x, float[] y, int lo, int hi) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            // exp(-|x|) never overflows, so tiny results for very negative x stay exact instead of 1/inf = 0
            FloatVector v = FloatVector.fromArray(S, x, i);
            // one division, e/(1+e) or 1/(1+e): e·(1/(1+e)) rounds once more and reached 3 ulps
            FloatVector e = FixedLanes.lanewise(v.abs().neg(), VectorOperators.EXP);
            one.blend(e, v.compare(VectorOperators.LT, 0f)).div(one.add(e)).intoArray(y, i);
        }
        tail(Primitive.LOGISTIC, x, y, i, hi);
    }

    // C2 vectorises these plain loops itself (signum and rounding have SIMD forms)
    private static void sign(float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = Math.signum(x[i]);
        }
    }

    private static void floor(float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = (float) Math.floor(x[i]);
        }
    }

    private static void ceil(float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = (float) Math.ceil(x[i]);
        }
    }

    private static void round(float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = (float) Math.rint(x[i]);
        }
    }

    /**
     * erf in float arithmetic, 16 lanes at a time: both regimes of {@link Erf} are evaluated for
     * every lane and blended. Lower-degree fits suffice for float: erf(x)/x on [0, 1] (7 terms,
     * error 1.2e-9), g = erfc·exp(x²) on [1, 2.5) and [2.5, 4) (9 and 7 terms, relative errors
     * 6.6e-8 and 2.5e-7, scaled down by erfc); from 4 on the float result is ±1.
     */
    private static void erf(float[] x, float[] y, int lo, int hi) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector a = v.abs();
            FloatVector t = v.mul(v);
            FloatVector p = FloatVector.broadcast(S, ERF_SMALL[0]);
            for (int k = 1; k < ERF_SMALL.length; k++) {
                p = p.fma(t, FloatVector.broadcast(S, ERF_SMALL[k]));
            }
            FloatVector small = v.mul(p);
            FloatVector u0 = a.sub(1.75f);
            FloatVector g0 = FloatVector.broadcast(S, ERF_TAIL0[0]);
            for (int k = 1; k < ERF_TAIL0.length; k++) {
                g0 = g0.fma(u0, FloatVector.broadcast(S, ERF_TAIL0[k]));
            }
            FloatVector u1 = a.sub(3.25f);
            FloatVector g1 = FloatVector.broadcast(S, ERF_TAIL1[0]);
            for (int k = 1; k < ERF_TAIL1.length; k++) {
                g1 = g1.fma(u1, FloatVector.broadcast(S, ERF_TAIL1[k]));
            }
            FloatVector g = g0.blend(g1, a.compare(VectorOperators.GE, 2.5f));
            // a² = sq + sqLow exactly, and exp(-(sq + sqLow)) ≈ exp(-sq)·(1 - sqLow)
            FloatVector sq = a.mul(a);
            FloatVector sqLow = a.fma(a, sq.neg());
            FloatVector e = FixedLanes.lanewise(sq.neg(), VectorOperators.EXP).mul(one.sub(sqLow));
            FloatVector big = one.sub(e.mul(g)).blend(one, a.compare(VectorOperators.GE, 4f));
            big = big.blend(big.neg(), v.compare(VectorOperators.LT, 0f));
            small.blend(big, a.compare(VectorOperators.GE, 1f)).intoArray(y, i);
        }
        tail(Primitive.ERF, x, y, i, hi);
    }

    private static final float[] ERF_SMALL = {
        7.875874871388078e-05f,
        -0.000801686430349946f,
        0.005189087241888046f,
        -0.02685421146452427f,
        0.11283594369888306f,
        -0.3761262595653534f,
        1.1283791065216064f
    };

    private static final float[] ERF_TAIL0 = {
        0.00012320310634095222f, -0.0003895628033205867f, 0.0010332989040762186f, -0.0030011050403118134f,
        0.008405250497162342f, -0.02226313017308712f, 0.05576359108090401f, -0.13097621500492096f,
        0.284972220659256f
    };

    private static final float[] ERF_TAIL1 = {
        5.752290599048138e-05f,
        -0.00023568027245346457f,
        0.0008851225138641894f,
        -0.0034316889941692352f,
        0.012937352992594242f,
        -0.04719967022538185f,
        0.1663353443145752f
    };

    // ---------------------------------------------------------------- binary

    static float[] binary(Primitive p, float[] a, float[] b) {
        float[] y = new float[a.length];
        Parallel.Range body =
                switch (p) {
                    case ADD -> (lo, hi) -> add(a, b, y, lo, hi);
                    case SUB -> (lo, hi) -> sub(a, b, y, lo, hi);
                    case MUL -> (lo, hi) -> mul(a, b, y, lo, hi);
                    case DIV -> (lo, hi) -> div(a, b, y, lo, hi);
                    case MAX -> (lo, hi) -> max(a, b, y, lo, hi);
                    case MIN -> (lo, hi) -> min(a, b, y, lo, hi);
                    case POW -> (lo, hi) -> pow(a, b, y, lo, hi);
                    case ATAN2 -> (lo, hi) -> atan2(a, b, y, lo, hi);
                    case REM -> (lo, hi) -> rem(a, b, y, lo, hi);
                    default -> throw new IllegalArgumentException(p + " is not a float32 binary kernel");
                };
        boolean heavy = p == Primitive.POW || p == Primitive.ATAN2 || p == Primitive.REM;
        Parallel.forRange(a.length, heavy ? Parallel.HEAVY_GRAIN : Parallel.ELEMENTWISE_GRAIN, body);
        return y;
    }

    private static void tail(Primitive p, float[] a, float[] b, float[] y, int i, int hi) {
        for (; i < hi; i++) {
            y[i] = (float) ScalarMath.binary(p, a[i], b[i]);
        }
    }

    private static void add(float[] a, float[] b, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.ADD, a, b, y, i, hi);
    }

    private static void sub(float[] a, float[] b, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.SUB, a, b, y, i, hi);
    }

    private static void mul(float[] a, float[] b, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.MUL, a, b, y, i, hi);
    }

    private static void div(float[] a, float[] b, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, a, i).div(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.DIV, a, b, y, i, hi);
    }

    private static void max(float[] a, float[] b, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, a, i).max(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.MAX, a, b, y, i, hi);
    }

    private static void min(float[] a, float[] b, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, a, i).min(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.MIN, a, b, y, i, hi);
    }

    /**
     * The SVML intrinsic follows C99 for pow(1, y) and pow(-1, ±inf) (both 1), but the Vector API's
     * non-intrinsic fallback uses Math.pow (NaN there); forcing those lanes keeps the answer
     * independent of how far the JIT has got.
     */
    private static void pow(float[] a, float[] b, float[] y, int lo, int hi) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            FloatVector e = FloatVector.fromArray(S, b, i);
            VectorMask<Float> exact = x.compare(VectorOperators.EQ, 1f)
                    .or(x.compare(VectorOperators.EQ, -1f)
                            .and(e.abs().compare(VectorOperators.EQ, Float.POSITIVE_INFINITY)));
            FixedLanes.lanewise(x, VectorOperators.POW, e).blend(one, exact).intoArray(y, i);
        }
        tail(Primitive.POW, a, b, y, i, hi);
    }

    private static void atan2(float[] a, float[] b, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(FloatVector.fromArray(S, a, i), VectorOperators.ATAN2, FloatVector.fromArray(S, b, i))
                    .intoArray(y, i);
        }
        tail(Primitive.ATAN2, a, b, y, i, hi);
    }

    // Java's % on floats is C's fmod (truncated remainder), which is XLA's rem; there is no vector form
    private static void rem(float[] a, float[] b, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = a[i] % b[i];
        }
    }

    // ---------------------------------------------------------------- compare and select

    static boolean[] compare(Primitive p, float[] a, float[] b) {
        boolean[] y = new boolean[a.length];
        Parallel.Range body =
                switch (p) {
                    case EQ -> (lo, hi) -> eq(a, b, y, lo, hi);
                    case NE -> (lo, hi) -> ne(a, b, y, lo, hi);
                    case LT -> (lo, hi) -> lt(a, b, y, lo, hi);
                    case LE -> (lo, hi) -> le(a, b, y, lo, hi);
                    case GT -> (lo, hi) -> lt(b, a, y, lo, hi);
                    case GE -> (lo, hi) -> le(b, a, y, lo, hi);
                    default -> throw new IllegalArgumentException(p + " is not a comparison");
                };
        Parallel.forRange(a.length, Parallel.ELEMENTWISE_GRAIN, body);
        return y;
    }

    private static void eq(float[] a, float[] b, boolean[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, a, i)
                    .compare(VectorOperators.EQ, FloatVector.fromArray(S, b, i))
                    .intoArray(y, i);
        }
        for (; i < hi; i++) {
            y[i] = a[i] == b[i];
        }
    }

    private static void ne(float[] a, float[] b, boolean[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, a, i)
                    .compare(VectorOperators.NE, FloatVector.fromArray(S, b, i))
                    .intoArray(y, i);
        }
        for (; i < hi; i++) {
            y[i] = a[i] != b[i];
        }
    }

    private static void lt(float[] a, float[] b, boolean[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, a, i)
                    .compare(VectorOperators.LT, FloatVector.fromArray(S, b, i))
                    .intoArray(y, i);
        }
        for (; i < hi; i++) {
            y[i] = a[i] < b[i];
        }
    }

    private static void le(float[] a, float[] b, boolean[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector.fromArray(S, a, i)
                    .compare(VectorOperators.LE, FloatVector.fromArray(S, b, i))
                    .intoArray(y, i);
        }
        for (; i < hi; i++) {
            y[i] = a[i] <= b[i];
        }
    }

    static float[] select(boolean[] pred, float[] onTrue, float[] onFalse) {
        float[] y = new float[pred.length];
        Parallel.forRange(pred.length, Parallel.ELEMENTWISE_GRAIN, (lo, hi) -> {
            int i = lo;
            for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
                VectorMask<Float> m = VectorMask.fromArray(S, pred, i);
                FloatVector.fromArray(S, onFalse, i)
                        .blend(FloatVector.fromArray(S, onTrue, i), m)
                        .intoArray(y, i);
            }
            for (; i < hi; i++) {
                y[i] = pred[i] ? onTrue[i] : onFalse[i];
            }
        });
        return y;
    }
}
