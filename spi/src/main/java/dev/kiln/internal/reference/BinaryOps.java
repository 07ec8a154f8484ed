package dev.kiln.internal.reference;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/** Elementwise primitives of two operands (arithmetic, bitwise, comparisons) and {@code select}. */
final class BinaryOps {
    private BinaryOps() {}

    static HostBuffer apply(Primitive p, ArraySpec out, HostBuffer a, HostBuffer b) {
        DType d = a.spec().dtype();
        if (p == Primitive.NEXTAFTER) {
            return nextAfter(out, a, b);
        }
        if (d.isFloating()) {
            DoubleBinaryOperator f = floatFunction(p);
            double[] x = Widened.doubles(a);
            double[] y = Widened.doubles(b);
            for (int i = 0; i < x.length; i++) {
                x[i] = f.applyAsDouble(x[i], y[i]);
            }
            return Widened.ofDoubles(out, x);
        }
        LongBinaryOperator f = integerFunction(p, d);
        long[] x = Widened.longs(a);
        long[] y = Widened.longs(b);
        for (int i = 0; i < x.length; i++) {
            x[i] = f.applyAsLong(x[i], y[i]);
        }
        return Widened.ofLongs(out, x);
    }

    /** {@code nextafter} in the operands' own precision (Java's {@code Math.nextAfter} is C's). */
    private static HostBuffer nextAfter(ArraySpec out, HostBuffer a, HostBuffer b) {
        if (!a.spec().dtype().isFloating()) {
            throw ReferenceBackend.unsupported(Primitive.NEXTAFTER, a.spec().dtype() + " operands");
        }
        double[] x = Widened.doubles(a);
        double[] y = Widened.doubles(b);
        boolean f32 = a.spec().dtype() == DType.FLOAT32;
        for (int i = 0; i < x.length; i++) {
            x[i] = f32 ? Math.nextAfter((float) x[i], y[i]) : Math.nextAfter(x[i], y[i]);
        }
        return Widened.ofDoubles(out, x);
    }

    /** Comparisons: IEEE for floats (NaN is unordered, so only NE holds), unsigned for uint32. */
    static HostBuffer compare(Primitive p, ArraySpec out, HostBuffer a, HostBuffer b) {
        boolean[] r = new boolean[out.size()];
        if (a.spec().dtype().isFloating()) {
            double[] x = Widened.doubles(a);
            double[] y = Widened.doubles(b);
            for (int i = 0; i < r.length; i++) {
                r[i] = switch (p) {
                    case EQ -> x[i] == y[i];
                    case NE -> x[i] != y[i];
                    case LT -> x[i] < y[i];
                    case LE -> x[i] <= y[i];
                    case GT -> x[i] > y[i];
                    case GE -> x[i] >= y[i];
                    default -> throw ReferenceBackend.unsupported(p, "not a comparison");
                };
            }
        } else {
            // canonical widened values order correctly, uint32 included
            long[] x = Widened.longs(a);
            long[] y = Widened.longs(b);
            for (int i = 0; i < r.length; i++) {
                r[i] = switch (p) {
                    case EQ -> x[i] == y[i];
                    case NE -> x[i] != y[i];
                    case LT -> x[i] < y[i];
                    case LE -> x[i] <= y[i];
                    case GT -> x[i] > y[i];
                    case GE -> x[i] >= y[i];
                    default -> throw ReferenceBackend.unsupported(p, "not a comparison");
                };
            }
        }
        return HostBuffer.wrap(out, r);
    }

    /** {@code select(pred, onTrue, onFalse)}, copying elements bit for bit. */
    static HostBuffer select(ArraySpec out, HostBuffer pred, HostBuffer onTrue, HostBuffer onFalse) {
        boolean[] p = pred.bools();
        int n = 0;
        for (boolean t : p) {
            n += t ? 1 : 0;
        }
        int[] where = new int[n];
        for (int i = 0, k = 0; i < p.length; i++) {
            if (p[i]) {
                where[k++] = i;
            }
        }
        HostBuffer result = Elements.copy(onFalse);
        Elements.scatter(Elements.gather(onTrue, where, out.withShape(n), null), where, result);
        return result;
    }

    private static DoubleBinaryOperator floatFunction(Primitive p) {
        return switch (p) {
            case ADD -> Double::sum;
            case SUB -> (x, y) -> x - y;
            case MUL -> (x, y) -> x * y;
            case DIV -> (x, y) -> x / y;
            case REM -> (x, y) -> x % y; // C fmod: the sign of the dividend, exact
            case POW -> BinaryOps::pow;
            case MAX -> Math::max; // NaN-propagating, max(-0, +0) = +0
            case MIN -> Math::min;
            case ATAN2 -> StrictMath::atan2;
            default -> throw ReferenceBackend.unsupported(p, "float operands");
        };
    }

    /**
     * C99 pow, as XLA computes it: like {@link StrictMath#pow} except that {@code pow(1, y)} is 1
     * and {@code pow(-1, ±inf)} is 1, where Java gives NaN.
     */
    private static double pow(double x, double y) {
        if (x == 1 || (x == -1 && Double.isInfinite(y))) {
            return 1;
        }
        return StrictMath.pow(x, y);
    }

    private static LongBinaryOperator integerFunction(Primitive p, DType d) {
        if (d == DType.BOOL) {
            return switch (p) {
                case AND, MIN -> (x, y) -> x & y;
                case OR, MAX -> (x, y) -> x | y;
                case XOR -> (x, y) -> x ^ y;
                default -> throw ReferenceBackend.unsupported(p, "bool operands");
            };
        }
        return switch (p) {
            case ADD -> Long::sum;
            case SUB -> (x, y) -> x - y;
            case MUL -> (x, y) -> x * y;
            case DIV -> (x, y) -> IntegerArithmetic.div(d, x, y);
            case REM -> IntegerArithmetic::rem;
            case POW -> IntegerArithmetic::pow;
            case MAX -> Math::max;
            case MIN -> Math::min;
            case AND -> (x, y) -> x & y;
            case OR -> (x, y) -> x | y;
            case XOR -> (x, y) -> x ^ y;
            case SHIFT_LEFT -> (x, y) -> IntegerArithmetic.shiftLeft(d, x, y);
            case SHIFT_RIGHT_LOGICAL -> (x, y) -> IntegerArithmetic.shiftRightLogical(d, x, y);
            case SHIFT_RIGHT_ARITHMETIC -> (x, y) -> IntegerArithmetic.shiftRightArithmetic(d, x, y);
            default -> throw ReferenceBackend.unsupported(p, d + " operands");
        };
    }
}
