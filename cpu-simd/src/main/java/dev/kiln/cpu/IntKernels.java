package dev.kiln.cpu;

import dev.kiln.ir.Primitive;

/**
 * Elementwise int32 and uint32 kernels (both stored in {@code int[]}; uint32 reads the bits as
 * unsigned where that matters: division, remainder, order, and the value fed to real-valued ops).
 *
 * <p>These are plain loops: C2's auto-vectoriser turns the wrapping add/sub/mul, bitwise ops,
 * shifts by a vector of counts and min/max into SIMD code, which is all the Vector API would do
 * here. Division has no SIMD form, and the XLA corner cases ({@code x/0 = -1}, {@code x%0 = x})
 * need a branch anyway.
 */
final class IntKernels {
    private IntKernels() {}

    private static final long UNSIGNED = 0xFFFF_FFFFL;

    static int[] unary(Primitive p, int[] x, boolean unsigned) {
        if (ScalarMath.isRealUnary(p)) {
            int[] y = new int[x.length];
            Parallel.forRange(x.length, Parallel.HEAVY_GRAIN, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    double v = unsigned ? x[i] & UNSIGNED : x[i];
                    double r = ScalarMath.unary(p, v);
                    y[i] = unsigned ? Convert.toUint32(r) : (int) r;
                }
            });
            return y;
        }
        return switch (p) {
            // rounding an integer is the identity, and buffers are immutable, so the data is shared
            case FLOOR, CEIL, ROUND -> x;
            case ABS -> unsigned ? x : map(x, v -> Math.abs(v));
            case NEG -> map(x, v -> -v);
            case SIGN -> unsigned ? map(x, v -> v == 0 ? 0 : 1) : map(x, Integer::signum);
            case NOT -> map(x, v -> ~v);
            default -> throw new IllegalArgumentException(p + " is not an integer unary primitive");
        };
    }

    private static int[] map(int[] x, java.util.function.IntUnaryOperator f) {
        int[] y = new int[x.length];
        Parallel.forRange(x.length, Parallel.ELEMENTWISE_GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                y[i] = f.applyAsInt(x[i]);
            }
        });
        return y;
    }

    static int[] binary(Primitive p, int[] a, int[] b, boolean unsigned) {
        int[] y = new int[a.length];
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
                        unsigned
                                ? (lo, hi) -> {
                                    for (int i = lo; i < hi; i++) {
                                        y[i] = Integer.compareUnsigned(a[i], b[i]) >= 0 ? a[i] : b[i];
                                    }
                                }
                                : (lo, hi) -> {
                                    for (int i = lo; i < hi; i++) {
                                        y[i] = Math.max(a[i], b[i]);
                                    }
                                };
                    case MIN ->
                        unsigned
                                ? (lo, hi) -> {
                                    for (int i = lo; i < hi; i++) {
                                        y[i] = Integer.compareUnsigned(a[i], b[i]) <= 0 ? a[i] : b[i];
                                    }
                                }
                                : (lo, hi) -> {
                                    for (int i = lo; i < hi; i++) {
                                        y[i] = Math.min(a[i], b[i]);
                                    }
                                };
                    // x / 0 is -1 (all ones for uint32); Java already gives MIN_VALUE / -1 = MIN_VALUE
                    case DIV ->
                        unsigned
                                ? (lo, hi) -> {
                                    for (int i = lo; i < hi; i++) {
                                        y[i] = b[i] == 0 ? -1 : Integer.divideUnsigned(a[i], b[i]);
                                    }
                                }
                                : (lo, hi) -> {
                                    for (int i = lo; i < hi; i++) {
                                        y[i] = b[i] == 0 ? -1 : a[i] / b[i];
                                    }
                                };
                    case REM ->
                        unsigned
                                ? (lo, hi) -> {
                                    for (int i = lo; i < hi; i++) {
                                        y[i] = b[i] == 0 ? a[i] : Integer.remainderUnsigned(a[i], b[i]);
                                    }
                                }
                                : (lo, hi) -> {
                                    for (int i = lo; i < hi; i++) {
                                        y[i] = b[i] == 0 ? a[i] : a[i] % b[i];
                                    }
                                };
                    case POW ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = pow(a[i], b[i], unsigned);
                            }
                        };
                    // shift counts are read as unsigned, so negative counts are "too large" as in XLA
                    case SHIFT_LEFT ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = Integer.compareUnsigned(b[i], 32) < 0 ? a[i] << b[i] : 0;
                            }
                        };
                    case SHIFT_RIGHT_LOGICAL ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = Integer.compareUnsigned(b[i], 32) < 0 ? a[i] >>> b[i] : 0;
                            }
                        };
                    case SHIFT_RIGHT_ARITHMETIC ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = a[i] >> (Integer.compareUnsigned(b[i], 32) < 0 ? b[i] : 31);
                            }
                        };
                    case ATAN2 ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                double r = unsigned
                                        ? Math.atan2(a[i] & UNSIGNED, b[i] & UNSIGNED)
                                        : Math.atan2(a[i], b[i]);
                                y[i] = unsigned ? Convert.toUint32(r) : (int) r;
                            }
                        };
                    default -> throw new IllegalArgumentException(p + " is not an integer binary primitive");
                };
        boolean heavy = p == Primitive.DIV || p == Primitive.REM || p == Primitive.POW || p == Primitive.ATAN2;
        Parallel.forRange(a.length, heavy ? Parallel.HEAVY_GRAIN : Parallel.ELEMENTWISE_GRAIN, body);
        return y;
    }

    /**
     * Integer power by squaring with wrap-around. A negative signed exponent gives 0, except for the
     * bases 1 (always 1) and -1 (±1 by parity), as XLA does; a uint32 exponent is never negative.
     */
    static int pow(int base, int exp, boolean unsigned) {
        if (!unsigned && exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        int result = 1;
        int b = base;
        for (int e = exp; e != 0; e >>>= 1) {
            if ((e & 1) != 0) {
                result *= b;
            }
            b *= b;
        }
        return result;
    }

    static boolean[] compare(Primitive p, int[] a, int[] b, boolean unsigned) {
        boolean[] y = new boolean[a.length];
        // flipping the sign bit maps unsigned order onto signed order
        int flip = unsigned ? Integer.MIN_VALUE : 0;
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
                                y[i] = (a[i] ^ flip) < (b[i] ^ flip);
                            }
                        };
                    case LE ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = (a[i] ^ flip) <= (b[i] ^ flip);
                            }
                        };
                    case GT ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = (a[i] ^ flip) > (b[i] ^ flip);
                            }
                        };
                    case GE ->
                        (lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                y[i] = (a[i] ^ flip) >= (b[i] ^ flip);
                            }
                        };
                    default -> throw new IllegalArgumentException(p + " is not a comparison");
                };
        Parallel.forRange(a.length, Parallel.ELEMENTWISE_GRAIN, body);
        return y;
    }

    static int[] select(boolean[] pred, int[] onTrue, int[] onFalse) {
        int[] y = new int[pred.length];
        Parallel.forRange(pred.length, Parallel.ELEMENTWISE_GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                y[i] = pred[i] ? onTrue[i] : onFalse[i];
            }
        });
        return y;
    }
}
