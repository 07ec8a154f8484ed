package dev.kiln.cpu;

import dev.kiln.ir.Primitive;

/** Elementwise int64 kernels: {@link IntKernels} on {@code long[]} (signed only; Kiln has no uint64). */
final class LongKernels {
    private LongKernels() {}

    static long[] unary(Primitive p, long[] x) {
        if (ScalarMath.isRealUnary(p)) {
            long[] y = new long[x.length];
            Parallel.forRange(x.length, Parallel.HEAVY_GRAIN, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    y[i] = (long) ScalarMath.unary(p, x[i]);
                }
            });
            return y;
        }
        return switch (p) {
            case FLOOR, CEIL, ROUND -> x;
            case ABS -> map(x, v -> Math.abs(v));
            case NEG -> map(x, v -> -v);
            case SIGN -> map(x, v -> Long.signum(v));
            case NOT -> map(x, v -> ~v);
            default -> throw new IllegalArgumentException(p + " is not an integer unary primitive");
        };
    }

    private static long[] map(long[] x, java.util.function.LongUnaryOperator f) {
        long[] y = new long[x.length];
        Parallel.forRange(x.length, Parallel.ELEMENTWISE_GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                y[i] = f.applyAsLong(x[i]);
            }
        });
        return y;
    }

    static long[] binary(Primitive p, long[] a, long[] b) {
        long[] y = new long[a.length];
        Parallel.Range body =
                switch (p) {
                    case ADD ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] + b[i];
                            }
                        };
                    case SUB ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] - b[i];
                            }
                        };
                    case MUL ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] * b[i];
                            }
                        };
                    case AND ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] & b[i];
                            }
                        };
                    case OR ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] | b[i];
                            }
                        };
                    case XOR ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] ^ b[i];
                            }
                        };
                    case MAX ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = Math.max(a[i], b[i]);
                            }
                        };
                    case MIN ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = Math.min(a[i], b[i]);
                            }
                        };
                    case DIV ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = b[i] == 0 ? -1 : a[i] / b[i];
                            }
                        };
                    case REM ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = b[i] == 0 ? a[i] : a[i] % b[i];
                            }
                        };
                    case POW ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = pow(a[i], b[i]);
                            }
                        };
                    case SHIFT_LEFT ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = Long.compareUnsigned(b[i], 64) < 0 ? a[i] << b[i] : 0;
                            }
                        };
                    case SHIFT_RIGHT_LOGICAL ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = Long.compareUnsigned(b[i], 64) < 0 ? a[i] >>> b[i] : 0;
                            }
                        };
                    case SHIFT_RIGHT_ARITHMETIC ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] >> (Long.compareUnsigned(b[i], 64) < 0 ? b[i] : 63);
                            }
                        };
                    case ATAN2 ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = (long) Math.atan2(a[i], b[i]);
                            }
                        };
                    default -> throw new IllegalArgumentException(p + " is not an integer binary primitive");
                };
        boolean heavy = p == Primitive.DIV || p == Primitive.REM || p == Primitive.POW || p == Primitive.ATAN2;
        Parallel.forRange(a.length, heavy ? Parallel.HEAVY_GRAIN : Parallel.ELEMENTWISE_GRAIN, body);
        return y;
    }

    /** As {@link IntKernels#pow}. */
    static long pow(long base, long exp) {
        if (exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        long b = base;
        for (long e = exp; e != 0; e >>>= 1) {
            if ((e & 1) != 0) {
                result *= b;
            }
            b *= b;
        }
        return result;
    }

    static boolean[] compare(Primitive p, long[] a, long[] b) {
        boolean[] y = new boolean[a.length];
        Parallel.Range body =
                switch (p) {
                    case EQ ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] == b[i];
                            }
                        };
                    case NE ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] != b[i];
                            }
                        };
                    case LT ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] < b[i];
                            }
                        };
                    case LE ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] <= b[i];
                            }
                        };
                    case GT ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] > b[i];
                            }
                        };
                    case GE ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] >= b[i];
                            }
                        };
                    default -> throw new IllegalArgumentException(p + " is not a comparison");
                };
        Parallel.forRange(a.length, Parallel.ELEMENTWISE_GRAIN, body);
        return y;
    }

    static long[] select(boolean[] pred, long[] onTrue, long[] onFalse) {
        long[] y = new long[pred.length];
        Parallel.forRange(pred.length, Parallel.ELEMENTWISE_GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                y[i] = pred[i] ? onTrue[i] : onFalse[i];
            }
        });
        return y;
    }
}
