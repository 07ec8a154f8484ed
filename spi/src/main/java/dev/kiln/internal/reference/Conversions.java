package dev.kiln.internal.reference;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;

/**
 * CONVERT between any two dtypes, as XLA does: float to integer truncates toward zero and
 * saturates at the target's range with NaN giving 0; integer to float rounds to nearest; any
 * value to bool is {@code x != 0} (NaN is true); integer to integer wraps (keeps the low bits,
 * sign- or zero-extending by the source's signedness).
 */
final class Conversions {
    private Conversions() {}

    static HostBuffer convert(ArraySpec out, HostBuffer x) {
        DType from = x.spec().dtype();
        DType to = out.dtype();
        if (from == to) {
            return x; // buffers are immutable, so sharing is safe
        }
        int n = out.size();
        if (from.isFloating()) {
            double[] v = Widened.doubles(x);
            return switch (to) {
                case FLOAT32, FLOAT64 -> Widened.ofDoubles(out, v);
                case INT32 -> {
                    int[] r = new int[n];
                    for (int i = 0; i < n; i++) {
                        r[i] = (int) v[i]; // Java's cast saturates and maps NaN to 0
                    }
                    yield HostBuffer.wrap(out, r);
                }
                case INT64 -> {
                    long[] r = new long[n];
                    for (int i = 0; i < n; i++) {
                        r[i] = (long) v[i];
                    }
                    yield HostBuffer.wrap(out, r);
                }
                case UINT32 -> {
                    int[] r = new int[n];
                    for (int i = 0; i < n; i++) {
                        r[i] = toUint32(v[i]);
                    }
                    yield HostBuffer.wrap(out, r);
                }
                case BOOL -> {
                    boolean[] r = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        r[i] = v[i] != 0;
                    }
                    yield HostBuffer.wrap(out, r);
                }
                default -> throw new IllegalArgumentException("not a storage dtype: " + to);
            };
        }
        long[] v = Widened.longs(x);
        return switch (to) {
            case FLOAT32 -> {
                float[] r = new float[n];
                for (int i = 0; i < n; i++) {
                    // long-to-float rounds once; going through double could round twice for int64
                    r[i] = (float) v[i];
                }
                yield HostBuffer.wrap(out, r);
            }
            case FLOAT64 -> {
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    r[i] = (double) v[i];
                }
                yield HostBuffer.wrap(out, r);
            }
            default -> Widened.ofLongs(out, v);
        };
    }

    /** Truncates toward zero and saturates to [0, 2^32 - 1]; NaN gives 0. */
    private static int toUint32(double v) {
        if (!(v > 0)) {
            return 0;
        }
        if (v >= 4294967295.0) {
            return -1; // 0xFFFFFFFF
        }
        return (int) (long) v;
    }
}
