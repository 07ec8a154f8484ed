package dev.kiln.cpu;

import dev.kiln.DType;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;

/**
 * Routes elementwise primitives to the kernels of the operands' dtype.
 *
 * <p>Bool operands of integer arithmetic are computed as int32 0/1 and converted back with {@code
 * != 0}, the way a bool would be promoted and demoted (so add is or, multiply is and, max is or).
 * Integer and bool operands of real-valued ops (exp, sin, atan2, …) are computed in double and
 * converted back as {@link Primitive#CONVERT} does. Bitwise ops on floats are rejected: no system defines them.
 */
final class Elementwise {
    private Elementwise() {}

    static Object unary(String backend, Primitive p, HostBuffer x) {
        DType t = x.spec().dtype();
        if (p == Primitive.IS_FINITE) {
            return switch (t) {
                case FLOAT32 -> FloatKernels.isFinite(x.floats());
                case FLOAT64 -> DoubleKernels.isFinite(x.doubles());
                default -> trues(x.spec().size());
            };
        }
        return switch (t) {
            case FLOAT32 -> {
                requireNotBitwise(backend, p, t);
                yield FloatKernels.unary(p, x.floats());
            }
            case FLOAT64 -> {
                requireNotBitwise(backend, p, t);
                yield DoubleKernels.unary(p, x.doubles());
            }
            case INT32 -> IntKernels.unary(p, x.ints(), false);
            case UINT32 -> IntKernels.unary(p, x.ints(), true);
            case INT64 -> LongKernels.unary(p, x.longs());
            case BOOL -> boolUnary(p, x.bools());
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    static Object binary(String backend, Primitive p, HostBuffer a, HostBuffer b) {
        DType t = a.spec().dtype();
        return switch (t) {
            case FLOAT32 -> {
                requireNotBitwise(backend, p, t);
                yield FloatKernels.binary(p, a.floats(), b.floats());
            }
            case FLOAT64 -> {
                requireNotBitwise(backend, p, t);
                yield DoubleKernels.binary(p, a.doubles(), b.doubles());
            }
            case INT32 -> IntKernels.binary(p, a.ints(), b.ints(), false);
            case UINT32 -> IntKernels.binary(p, a.ints(), b.ints(), true);
            case INT64 -> LongKernels.binary(p, a.longs(), b.longs());
            case BOOL -> boolBinary(p, a.bools(), b.bools());
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    static boolean[] compare(Primitive p, HostBuffer a, HostBuffer b) {
        return switch (a.spec().dtype()) {
            case FLOAT32 -> FloatKernels.compare(p, a.floats(), b.floats());
            case FLOAT64 -> DoubleKernels.compare(p, a.doubles(), b.doubles());
            case INT32 -> IntKernels.compare(p, a.ints(), b.ints(), false);
            case UINT32 -> IntKernels.compare(p, a.ints(), b.ints(), true);
            case INT64 -> LongKernels.compare(p, a.longs(), b.longs());
            case BOOL -> IntKernels.compare(p, toInts(a.bools()), toInts(b.bools()), false);
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    static Object select(HostBuffer pred, HostBuffer onTrue, HostBuffer onFalse) {
        boolean[] c = pred.bools();
        return switch (onTrue.spec().dtype()) {
            case FLOAT32 -> FloatKernels.select(c, onTrue.floats(), onFalse.floats());
            case FLOAT64 -> DoubleKernels.select(c, onTrue.doubles(), onFalse.doubles());
            case INT32, UINT32 -> IntKernels.select(c, onTrue.ints(), onFalse.ints());
            case INT64 -> LongKernels.select(c, onTrue.longs(), onFalse.longs());
            case BOOL -> {
                boolean[] t = onTrue.bools();
                boolean[] f = onFalse.bools();
                boolean[] y = new boolean[c.length];
                for (int i = 0; i < c.length; i++) {
                    y[i] = c[i] ? t[i] : f[i];
                }
                yield y;
            }
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    private static boolean[] boolUnary(Primitive p, boolean[] x) {
        if (p == Primitive.NOT) {
            boolean[] y = new boolean[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = !x[i];
            }
            return y;
        }
        if (ScalarMath.isRealUnary(p)) {
            boolean[] y = new boolean[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = ScalarMath.unary(p, x[i] ? 1 : 0) != 0;
            }
            return y;
        }
        return toBools(IntKernels.unary(p, toInts(x), false));
    }

    private static boolean[] boolBinary(Primitive p, boolean[] a, boolean[] b) {
        if (p == Primitive.ATAN2) {
            boolean[] y = new boolean[a.length];
            for (int i = 0; i < a.length; i++) {
                y[i] = Math.atan2(a[i] ? 1 : 0, b[i] ? 1 : 0) != 0;
            }
            return y;
        }
        return toBools(IntKernels.binary(p, toInts(a), toInts(b), false));
    }

    private static void requireNotBitwise(String backend, Primitive p, DType t) {
        switch (p) {
            case NOT, AND, OR, XOR, SHIFT_LEFT, SHIFT_RIGHT_ARITHMETIC, SHIFT_RIGHT_LOGICAL ->
                throw new UnsupportedPrimitiveException(backend, p, "bitwise operation on " + t);
            default -> {}
        }
    }

    static int[] toInts(boolean[] x) {
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] ? 1 : 0;
        }
        return y;
    }

    static boolean[] toBools(int[] x) {
        boolean[] y = new boolean[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] != 0;
        }
        return y;
    }

    private static boolean[] trues(int n) {
        boolean[] y = new boolean[n];
        java.util.Arrays.fill(y, true);
        return y;
    }
}
