package dev.kiln.cpu;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;

/**
 * ARGMAX/ARGMIN and the cumulative ops: walks along one axis of an [outer, n, inner] view.
 *
 * <p>Float values are handled as doubles (exact for float32), integers as longs (uint32
 * zero-extended, bool as 0/1). Running sums and products of float32 are kept in double and rounded
 * per element, so a long cumsum does not drift; integer running values wrap like the dtype.
 */
final class AxisScans {
    private AxisScans() {}

    /** NaN counts as the extreme value and the first extreme index wins, as in XLA. */
    static Object argReduce(Primitive p, HostBuffer x, Params.ArgReduce params, ArraySpec out) {
        int[] s = x.spec().shape();
        int axis = params.axis();
        int outer = Indexing.prod(s, 0, axis);
        int n = s[axis];
        int inner = Indexing.prod(s, axis + 1, s.length);
        boolean max = p == Primitive.ARGMAX;
        DType t = x.spec().dtype();
        Object data = x.data();
        Object y = Convert.allocate(out.dtype(), out.size());
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * n * inner + j;
                int best;
                if (t == DType.FLOAT32 && inner == 1) {
                    best = argFloatRow((float[]) data, base, n, max);
                } else if (t.isFloating()) {
                    best = argDouble(t, data, base, n, inner, max);
                } else {
                    best = argLong(t, data, base, n, inner, max);
                }
                Convert.setLong(out.dtype(), y, o * inner + j, best);
            }
        }
        return y;
    }

    private static int argFloatRow(float[] a, int base, int n, boolean max) {
        float best = a[base];
        int at = 0;
        for (int i = 1; i < n && !Float.isNaN(best); i++) {
            float v = a[base + i];
            if (max ? (v > best || Float.isNaN(v)) : (v < best || Float.isNaN(v))) {
                best = v;
                at = i;
            }
        }
        return at;
    }

    private static int argDouble(DType t, Object a, int base, int n, int inner, boolean max) {
        double best = Convert.getDouble(t, a, base);
        int at = 0;
        for (int i = 1; i < n && !Double.isNaN(best); i++) {
            double v = Convert.getDouble(t, a, base + i * inner);
            if (max ? (v > best || Double.isNaN(v)) : (v < best || Double.isNaN(v))) {
                best = v;
                at = i;
            }
        }
        return at;
    }

    private static int argLong(DType t, Object a, int base, int n, int inner, boolean max) {
        long best = Convert.getLong(t, a, base);
        int at = 0;
        for (int i = 1; i < n; i++) {
            long v = Convert.getLong(t, a, base + i * inner);
            if (max ? v > best : v < best) {
                best = v;
                at = i;
            }
        }
        return at;
    }

    static Object cumulative(Primitive p, HostBuffer x, Params.Cumulative params, ArraySpec out) {
        int[] s = x.spec().shape();
        int axis = params.axis();
        int outer = Indexing.prod(s, 0, axis);
        int n = s[axis];
        int inner = Indexing.prod(s, axis + 1, s.length);
        DType t = x.spec().dtype();
        Object data = x.data();
        Object y = Convert.allocate(t, out.size());
        if (out.size() == 0) {
            return y;
        }
        boolean reverse = params.reverse();
        double[] dacc = new double[inner];
        long[] lacc = new long[inner];
        for (int o = 0; o < outer; o++) {
            for (int step = 0; step < n; step++) {
                int i = reverse ? n - 1 - step : step;
                int row = (o * n + i) * inner;
                if (t.isFloating()) {
                    for (int j = 0; j < inner; j++) {
                        double v = Convert.getDouble(t, data, row + j);
                        dacc[j] = step == 0 ? v : combine(p, dacc[j], v);
                        Convert.setDouble(t, y, row + j, dacc[j]);
                    }
                } else {
                    for (int j = 0; j < inner; j++) {
                        long v = Convert.getLong(t, data, row + j);
                        lacc[j] = step == 0 ? v : combine(p, lacc[j], v);
                        Convert.setLong(t, y, row + j, lacc[j]);
                    }
                }
            }
        }
        return y;
    }

    private static double combine(Primitive p, double a, double b) {
        return switch (p) {
            case CUMSUM -> a + b;
            case CUMPROD -> a * b;
            case CUMMAX -> Math.max(a, b);
            case CUMMIN -> Math.min(a, b);
            default -> throw new IllegalArgumentException(p + " is not cumulative");
        };
    }

    private static long combine(Primitive p, long a, long b) {
        return switch (p) {
            case CUMSUM -> a + b;
            case CUMPROD -> a * b;
            case CUMMAX -> Math.max(a, b);
            case CUMMIN -> Math.min(a, b);
            default -> throw new IllegalArgumentException(p + " is not cumulative");
        };
    }
}
