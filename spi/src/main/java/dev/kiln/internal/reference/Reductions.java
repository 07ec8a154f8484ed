package dev.kiln.internal.reference;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import java.util.Arrays;

/**
 * Reductions over axes, ARGMAX/ARGMIN and the cumulative scans. Floats accumulate in double and
 * are rounded once per output; integers accumulate in long and wrap to the dtype at the end (exact,
 * as wraparound commutes with sums and products).
 */
final class Reductions {
    private Reductions() {}

    static HostBuffer reduce(Primitive p, Params.Reduce params, ArraySpec out, HostBuffer x) {
        int[] toOut = outputIndexOf(x.spec().shape(), params.axes().toArray());
        DType d = x.spec().dtype();
        if (d.isFloating()) {
            double[] v = Widened.doubles(x);
            double[] acc = new double[out.size()];
            Arrays.fill(acc, floatIdentity(p));
            for (int i = 0; i < v.length; i++) {
                int o = toOut[i];
                acc[o] = switch (p) {
                    case REDUCE_SUM -> acc[o] + v[i];
                    case REDUCE_PROD -> acc[o] * v[i];
                    case REDUCE_MAX -> Math.max(acc[o], v[i]); // propagates NaN
                    case REDUCE_MIN -> Math.min(acc[o], v[i]);
                    default -> throw ReferenceBackend.unsupported(p, "float operands");
                };
            }
            return Widened.ofDoubles(out, acc);
        }
        long[] v = Widened.longs(x);
        long[] acc = new long[out.size()];
        Arrays.fill(acc, integerIdentity(p, d));
        for (int i = 0; i < v.length; i++) {
            int o = toOut[i];
            acc[o] = switch (p) {
                case REDUCE_SUM -> acc[o] + v[i];
                case REDUCE_PROD -> acc[o] * v[i];
                case REDUCE_MAX -> Math.max(acc[o], v[i]);
                case REDUCE_MIN -> Math.min(acc[o], v[i]);
                case REDUCE_AND -> acc[o] & v[i];
                case REDUCE_OR -> acc[o] | v[i];
                default -> throw ReferenceBackend.unsupported(p, d + " operands");
            };
        }
        return Widened.ofLongs(out, acc);
    }

    /** For each input element (row-major), the offset of the output element it reduces into. */
    private static int[] outputIndexOf(int[] shape, int[] axes) {
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        int[] coef = new int[shape.length];
        int stride = 1;
        for (int dim = shape.length - 1; dim >= 0; dim--) {
            if (!reduced[dim]) {
                coef[dim] = stride;
                stride *= shape[dim];
            }
        }
        return Elements.affineMap(shape, 0, coef);
    }

    private static double floatIdentity(Primitive p) {
        return switch (p) {
            case REDUCE_SUM -> 0;
            case REDUCE_PROD -> 1;
            case REDUCE_MAX -> Double.NEGATIVE_INFINITY;
            case REDUCE_MIN -> Double.POSITIVE_INFINITY;
            default -> throw ReferenceBackend.unsupported(p, "float operands");
        };
    }

    private static long integerIdentity(Primitive p, DType d) {
        return switch (p) {
            case REDUCE_SUM, REDUCE_OR -> 0;
            case REDUCE_PROD -> 1;
            case REDUCE_AND -> -1; // all bits set; wraps to true / 0xFFFFFFFF / -1
            case REDUCE_MAX -> Widened.minValue(d);
            case REDUCE_MIN -> Widened.maxValue(d);
            default -> throw ReferenceBackend.unsupported(p, d + " operands");
        };
    }

    /**
     * The index of the first maximum (minimum) along an axis. NaN counts as larger (smaller) than
     * everything, so the first NaN wins, as in XLA and NumPy.
     */
    static HostBuffer argReduce(Primitive p, Params.ArgReduce params, ArraySpec out, HostBuffer x) {
        boolean max = p == Primitive.ARGMAX;
        int[] s = x.spec().shape();
        int axis = params.axis();
        int dim = s[axis];
        int inner = Shape.size(Arrays.copyOfRange(s, axis + 1, s.length));
        int outer = Shape.size(Arrays.copyOfRange(s, 0, axis));
        long[] result = new long[outer * inner];
        boolean floating = x.spec().dtype().isFloating();
        double[] f = floating ? Widened.doubles(x) : null;
        long[] l = floating ? null : Widened.longs(x);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * dim * inner + in;
                int best = 0;
                for (int k = 1; k < dim; k++) {
                    int i = base + k * inner;
                    int b = base + best * inner;
                    boolean better;
                    if (floating) {
                        if (Double.isNaN(f[b])) {
                            break;
                        }
                        better = Double.isNaN(f[i]) || (max ? f[i] > f[b] : f[i] < f[b]);
                    } else {
                        better = max ? l[i] > l[b] : l[i] < l[b];
                    }
                    if (better) {
                        best = k;
                    }
                }
                result[o * inner + in] = best;
            }
        }
        return Widened.ofLongs(out, result);
    }

    /**
     * CUMSUM, CUMPROD, CUMMAX, CUMMIN along an axis, from the end if {@code reverse}. Floats keep a
     * double running value and round each output from it once. JAX instead accumulates in the
     * dtype (in an associative-scan order), so float32 results may differ from JAX by a few ulp
     * of the partial sums; the double running value is the better oracle.
     */
    static HostBuffer cumulative(Primitive p, Params.Cumulative params, ArraySpec out, HostBuffer x) {
        int[] s = x.spec().shape();
        int axis = params.axis();
        int dim = s[axis];
        int inner = Shape.size(Arrays.copyOfRange(s, axis + 1, s.length));
        int outer = Shape.size(Arrays.copyOfRange(s, 0, axis));
        boolean floating = x.spec().dtype().isFloating();
        double[] f = floating ? Widened.doubles(x) : null;
        long[] l = floating ? null : Widened.longs(x);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * dim * inner + in;
                for (int step = 1; step < dim; step++) {
                    int k = params.reverse() ? dim - 1 - step : step;
                    int prev = params.reverse() ? k + 1 : k - 1;
                    int i = base + k * inner;
                    int j = base + prev * inner;
                    if (floating) {
                        f[i] = switch (p) {
                            case CUMSUM -> f[j] + f[i];
                            case CUMPROD -> f[j] * f[i];
                            case CUMMAX -> Math.max(f[j], f[i]);
                            case CUMMIN -> Math.min(f[j], f[i]);
                            default -> throw ReferenceBackend.unsupported(p, "not a cumulative primitive");
                        };
                    } else {
                        l[i] = switch (p) {
                            case CUMSUM -> l[j] + l[i];
                            case CUMPROD -> l[j] * l[i];
                            case CUMMAX -> Math.max(l[j], l[i]);
                            case CUMMIN -> Math.min(l[j], l[i]);
                            default -> throw ReferenceBackend.unsupported(p, "not a cumulative primitive");
                        };
                    }
                }
            }
        }
        return floating ? Widened.ofDoubles(out, f) : Widened.ofLongs(out, l);
    }
}
