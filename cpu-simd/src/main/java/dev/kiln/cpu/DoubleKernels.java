package dev.kiln.cpu;

import dev.kiln.cpu.codegen.FixedLanes;
import dev.kiln.ir.Primitive;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise float64 kernels on the Vector API: {@link FloatKernels} with doubles (see there for
 * why every operation has its own loop). The SVML intrinsics measured within 1 ulp of {@link Math}.
 */
final class DoubleKernels {
    private DoubleKernels() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    // ---------------------------------------------------------------- unary

    static double[] unary(Primitive p, double[] x) {
        double[] y = new double[x.length];
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
                    default -> throw new IllegalArgumentException(p + " is not a float64 unary kernel");
                };
        boolean cheap = p == Primitive.NEG || p == Primitive.ABS || p == Primitive.SIGN;
        Parallel.forRange(x.length, cheap ? Parallel.ELEMENTWISE_GRAIN : Parallel.HEAVY_GRAIN, body);
        return y;
    }

    static boolean[] isFinite(double[] x) {
        boolean[] y = new boolean[x.length];
        Parallel.forRange(x.length, Parallel.ELEMENTWISE_GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                y[i] = Double.isFinite(x[i]);
            }
        });
        return y;
    }

    private static void tail(Primitive p, double[] x, double[] y, int i, int hi) {
        for (; i < hi; i++) {
            y[i] = ScalarMath.unary(p, x[i]);
        }
    }

    private static void neg(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, x, i).neg().intoArray(y, i);
        }
        tail(Primitive.NEG, x, y, i, hi);
    }

    private static void abs(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, x, i).abs().intoArray(y, i);
        }
        tail(Primitive.ABS, x, y, i, hi);
    }

    private static void exp(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.EXP)
                    .intoArray(y, i);
        }
        tail(Primitive.EXP, x, y, i, hi);
    }

    private static void exp2(double[] x, double[] y, int lo, int hi) {
        DoubleVector two = DoubleVector.broadcast(S, 2.0);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(two, VectorOperators.POW, DoubleVector.fromArray(S, x, i))
                    .intoArray(y, i);
        }
        tail(Primitive.EXP2, x, y, i, hi);
    }

    private static void log(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.LOG)
                    .intoArray(y, i);
        }
        tail(Primitive.LOG, x, y, i, hi);
    }

    private static void log1p(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.LOG1P)
                    .intoArray(y, i);
        }
        tail(Primitive.LOG1P, x, y, i, hi);
    }

    private static void expm1(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.EXPM1)
                    .intoArray(y, i);
        }
        tail(Primitive.EXPM1, x, y, i, hi);
    }

    private static void sqrt(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, x, i).sqrt().intoArray(y, i);
        }
        tail(Primitive.SQRT, x, y, i, hi);
    }

    private static void rsqrt(double[] x, double[] y, int lo, int hi) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            one.div(DoubleVector.fromArray(S, x, i).sqrt()).intoArray(y, i);
        }
        tail(Primitive.RSQRT, x, y, i, hi);
    }

    private static void cbrt(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.CBRT)
                    .intoArray(y, i);
        }
        tail(Primitive.CBRT, x, y, i, hi);
    }

    private static void sin(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.SIN)
                    .intoArray(y, i);
        }
        tail(Primitive.SIN, x, y, i, hi);
    }

    private static void cos(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.COS)
                    .intoArray(y, i);
        }
        tail(Primitive.COS, x, y, i, hi);
    }

    private static void tan(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.TAN)
                    .intoArray(y, i);
        }
        tail(Primitive.TAN, x, y, i, hi);
    }

    private static void asin(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.ASIN)
                    .intoArray(y, i);
        }
        tail(Primitive.ASIN, x, y, i, hi);
    }

    private static void acos(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.ACOS)
                    .intoArray(y, i);
        }
        tail(Primitive.ACOS, x, y, i, hi);
    }

    private static void atan(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.ATAN)
                    .intoArray(y, i);
        }
        tail(Primitive.ATAN, x, y, i, hi);
    }

    private static void sinh(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.SINH)
                    .intoArray(y, i);
        }
        tail(Primitive.SINH, x, y, i, hi);
    }

    private static void cosh(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.COSH)
                    .intoArray(y, i);
        }
        tail(Primitive.COSH, x, y, i, hi);
    }

    private static void tanh(double[] x, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, x, i), VectorOperators.TANH)
                    .intoArray(y, i);
        }
        tail(Primitive.TANH, x, y, i, hi);
    }

    private static void logistic(double[] x, double[] y, int lo, int hi) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            // exp(-|x|) never overflows, so tiny results for very negative x stay exact instead of 1/inf = 0
            DoubleVector v = DoubleVector.fromArray(S, x, i);
            DoubleVector e = FixedLanes.lanewise(v.abs().neg(), VectorOperators.EXP);
            DoubleVector r = one.div(one.add(e));
            r.blend(e.mul(r), v.compare(VectorOperators.LT, 0.0)).intoArray(y, i);
        }
        tail(Primitive.LOGISTIC, x, y, i, hi);
    }

    // C2 vectorises these plain loops itself (signum and rounding have SIMD forms)
    private static void sign(double[] x, double[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = Math.signum(x[i]);
        }
    }

    private static void floor(double[] x, double[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = Math.floor(x[i]);
        }
    }

    private static void ceil(double[] x, double[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = Math.ceil(x[i]);
        }
    }

    private static void round(double[] x, double[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = Math.rint(x[i]);
        }
    }

    private static void erf(double[] x, double[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = Erf.erf(x[i]);
        }
    }

    // ---------------------------------------------------------------- binary

    static double[] binary(Primitive p, double[] a, double[] b) {
        double[] y = new double[a.length];
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
                    default -> throw new IllegalArgumentException(p + " is not a float64 binary kernel");
                };
        boolean heavy = p == Primitive.POW || p == Primitive.ATAN2 || p == Primitive.REM;
        Parallel.forRange(a.length, heavy ? Parallel.HEAVY_GRAIN : Parallel.ELEMENTWISE_GRAIN, body);
        return y;
    }

    private static void tail(Primitive p, double[] a, double[] b, double[] y, int i, int hi) {
        for (; i < hi; i++) {
            y[i] = ScalarMath.binary(p, a[i], b[i]);
        }
    }

    private static void add(double[] a, double[] b, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, a, i).add(DoubleVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.ADD, a, b, y, i, hi);
    }

    private static void sub(double[] a, double[] b, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, a, i).sub(DoubleVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.SUB, a, b, y, i, hi);
    }

    private static void mul(double[] a, double[] b, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, a, i).mul(DoubleVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.MUL, a, b, y, i, hi);
    }

    private static void div(double[] a, double[] b, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, a, i).div(DoubleVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.DIV, a, b, y, i, hi);
    }

    private static void max(double[] a, double[] b, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, a, i).max(DoubleVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.MAX, a, b, y, i, hi);
    }

    private static void min(double[] a, double[] b, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, a, i).min(DoubleVector.fromArray(S, b, i)).intoArray(y, i);
        }
        tail(Primitive.MIN, a, b, y, i, hi);
    }

    /**
     * The SVML intrinsic follows C99 for pow(1, y) and pow(-1, ±inf) (both 1), but the Vector API's
     * non-intrinsic fallback uses Math.pow (NaN there); forcing those lanes keeps the answer
     * independent of how far the JIT has got.
     */
    private static void pow(double[] a, double[] b, double[] y, int lo, int hi) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector x = DoubleVector.fromArray(S, a, i);
            DoubleVector e = DoubleVector.fromArray(S, b, i);
            VectorMask<Double> exact = x.compare(VectorOperators.EQ, 1.0)
                    .or(x.compare(VectorOperators.EQ, -1.0)
                            .and(e.abs().compare(VectorOperators.EQ, Double.POSITIVE_INFINITY)));
            FixedLanes.lanewise(x, VectorOperators.POW, e).blend(one, exact).intoArray(y, i);
        }
        tail(Primitive.POW, a, b, y, i, hi);
    }

    private static void atan2(double[] a, double[] b, double[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FixedLanes.lanewise(DoubleVector.fromArray(S, a, i), VectorOperators.ATAN2, DoubleVector.fromArray(S, b, i))
                    .intoArray(y, i);
        }
        tail(Primitive.ATAN2, a, b, y, i, hi);
    }

    // Java's % on doubles is C's fmod (truncated remainder), which is XLA's rem; there is no vector form
    private static void rem(double[] a, double[] b, double[] y, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            y[i] = a[i] % b[i];
        }
    }

    // ---------------------------------------------------------------- compare and select

    static boolean[] compare(Primitive p, double[] a, double[] b) {
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

    private static void eq(double[] a, double[] b, boolean[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, a, i)
                    .compare(VectorOperators.EQ, DoubleVector.fromArray(S, b, i))
                    .intoArray(y, i);
        }
        for (; i < hi; i++) {
            y[i] = a[i] == b[i];
        }
    }

    private static void ne(double[] a, double[] b, boolean[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, a, i)
                    .compare(VectorOperators.NE, DoubleVector.fromArray(S, b, i))
                    .intoArray(y, i);
        }
        for (; i < hi; i++) {
            y[i] = a[i] != b[i];
        }
    }

    private static void lt(double[] a, double[] b, boolean[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, a, i)
                    .compare(VectorOperators.LT, DoubleVector.fromArray(S, b, i))
                    .intoArray(y, i);
        }
        for (; i < hi; i++) {
            y[i] = a[i] < b[i];
        }
    }

    private static void le(double[] a, double[] b, boolean[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            DoubleVector.fromArray(S, a, i)
                    .compare(VectorOperators.LE, DoubleVector.fromArray(S, b, i))
                    .intoArray(y, i);
        }
        for (; i < hi; i++) {
            y[i] = a[i] <= b[i];
        }
    }

    static double[] select(boolean[] pred, double[] onTrue, double[] onFalse) {
        double[] y = new double[pred.length];
        Parallel.forRange(pred.length, Parallel.ELEMENTWISE_GRAIN, (lo, hi) -> {
            int i = lo;
            for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
                VectorMask<Double> m = VectorMask.fromArray(S, pred, i);
                DoubleVector.fromArray(S, onFalse, i)
                        .blend(DoubleVector.fromArray(S, onTrue, i), m)
                        .intoArray(y, i);
            }
            for (; i < hi; i++) {
                y[i] = pred[i] ? onTrue[i] : onFalse[i];
            }
        });
        return y;
    }
}
