package dev.kiln.cpu;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.Arrays;

/**
 * REDUCE_* over any set of axes. The axes are first brought to an [outer, r, inner] view: unit
 * dimensions are dropped and neighbours of the same kind merged, which covers reductions over a
 * contiguous run of axes without moving data; any other pattern is transposed once so that the
 * reduced axes come last. Then rows (inner = 1) or columns (inner > 1) are reduced.
 *
 * <p>Integer and bool reductions run on long values (uint32 zero-extended, bool as 0/1) and are
 * stored back with the dtype's conversion, so int32 sums wrap, bool sum is "any" and bool product
 * is "all". An empty reduction gives the identity: 0, 1, the lowest / highest value (−inf / +inf,
 * int min / max, false / true), all ones for AND and 0 for OR.
 */
final class Reductions {
    private Reductions() {}

    /** An [outer, r, inner] view of an operand, possibly a transposed copy of it. */
    record View(Object data, int outer, int r, int inner) {}

    static Object reduce(String backend, Primitive p, HostBuffer x, Params.Reduce params, ArraySpec out) {
        DType t = x.spec().dtype();
        if (t.isFloating() && (p == Primitive.REDUCE_AND || p == Primitive.REDUCE_OR)) {
            throw new UnsupportedPrimitiveException(backend, p, "bitwise reduction of " + t);
        }
        int size = out.size();
        Object y = Convert.allocate(t, size);
        if (size == 0) {
            return y;
        }
        if (x.spec().size() == 0) {
            fillIdentity(p, t, y);
            return y;
        }
        View v = view(x.data(), x.spec().shape(), params.axes().toArray());
        if (v.r() == 1) {
            return v.data();
        }
        switch (t) {
            case FLOAT32 -> {
                if (v.inner() == 1) {
                    FloatReductions.rows(p, (float[]) v.data(), v.outer(), v.r(), (float[]) y);
                } else {
                    FloatReductions.cols(p, (float[]) v.data(), v.outer(), v.r(), v.inner(), (float[]) y);
                }
            }
            case FLOAT64 -> {
                if (v.inner() == 1) {
                    DoubleReductions.rows(p, (double[]) v.data(), v.outer(), v.r(), (double[]) y);
                } else {
                    DoubleReductions.cols(p, (double[]) v.data(), v.outer(), v.r(), v.inner(), (double[]) y);
                }
            }
            default -> integer(p, t, v, y);
        }
        return y;
    }

    /**
     * The [outer, r, inner] view of {@code data} (of {@code shape}) for reducing {@code axes}. When
     * the result has r = 1 nothing is reduced and the data can be returned as is.
     */
    static View view(Object data, int[] shape, int[] axes) {
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            reduced[a] = true;
        }
        // runs of same-kind dimensions after dropping unit dimensions
        int[] sizes = new int[shape.length];
        boolean[] kinds = new boolean[shape.length];
        int runs = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            if (runs > 0 && kinds[runs - 1] == reduced[d]) {
                sizes[runs - 1] *= shape[d];
            } else {
                sizes[runs] = shape[d];
                kinds[runs] = reduced[d];
                runs++;
            }
        }
        int outer = 1;
        int r = 1;
        int inner = 1;
        int i = 0;
        if (i < runs && !kinds[i]) {
            outer = sizes[i++];
        }
        if (i < runs) {
            r = sizes[i++];
        }
        if (i < runs) {
            inner = sizes[i++];
        }
        if (i == runs) {
            return new View(data, outer, r, inner);
        }
        // kept, reduced, kept, reduced, …: move the reduced axes last
        int[] perm = new int[shape.length];
        int k = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!reduced[d]) {
                perm[k++] = d;
            }
        }
        int kept = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                perm[k++] = d;
            } else {
                kept *= shape[d];
            }
        }
        int[] strides = Shape.strides(shape);
        int[] src = new int[shape.length];
        int[] permuted = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            src[d] = strides[perm[d]];
            permuted[d] = shape[perm[d]];
        }
        Object copy = Convert.allocate(dtypeOf(data), Shape.size(shape));
        StridedCopy.copy(data, 0, src, copy, 0, Shape.strides(permuted), permuted);
        return new View(copy, kept, Shape.size(shape) / kept, 1);
    }

    private static DType dtypeOf(Object data) {
        return switch (data) {
            case float[] f -> DType.FLOAT32;
            case double[] d -> DType.FLOAT64;
            case int[] i -> DType.INT32;
            case long[] l -> DType.INT64;
            case boolean[] b -> DType.BOOL;
            default -> throw new IllegalArgumentException("not a primitive array: " + data.getClass());
        };
    }

    private static void integer(Primitive p, DType t, View v, Object y) {
        Object x = v.data();
        int r = v.r();
        int inner = v.inner();
        boolean common = p == Primitive.REDUCE_SUM || p == Primitive.REDUCE_MAX || p == Primitive.REDUCE_MIN;
        if (common && (t == DType.INT32 || t == DType.UINT32)) {
            ints(p, (int[]) x, v.outer(), r, inner, (int[]) y, t == DType.UINT32 ? Integer.MIN_VALUE : 0);
            return;
        }
        if (common && t == DType.INT64) {
            longs(p, (long[]) x, v.outer(), r, inner, (long[]) y);
            return;
        }
        long identity = identity(p, t);
        int outer = v.outer();
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                long acc = identity;
                int base = o * r * inner + j;
                for (int i = 0; i < r; i++) {
                    acc = combine(p, acc, Convert.getLong(t, x, base + i * inner));
                }
                Convert.setLong(t, y, o * inner + j, acc);
            }
        }
    }

    /**
     * int32/uint32 sum, max and min as plain loops over rows (C2 vectorises these reductions);
     * {@code flip} = MIN_VALUE maps unsigned order onto signed order for uint32.
     */
    private static void ints(Primitive p, int[] a, int outer, int r, int inner, int[] out, int flip) {
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                int from = o * r;
                int to = from + r;
                int acc = a[from] ^ flip;
                switch (p) {
                    case REDUCE_SUM -> {
                        for (int i = from + 1; i < to; i++) {
                            acc += a[i];
                        }
                    }
                    case REDUCE_MAX -> {
                        for (int i = from + 1; i < to; i++) {
                            acc = Math.max(acc, a[i] ^ flip);
                        }
                    }
                    default -> {
                        for (int i = from + 1; i < to; i++) {
                            acc = Math.min(acc, a[i] ^ flip);
                        }
                    }
                }
                out[o] = acc ^ flip;
            }
            return;
        }
        for (int o = 0; o < outer; o++) {
            int base = o * r * inner;
            int dst = o * inner;
            for (int j = 0; j < inner; j++) {
                out[dst + j] = a[base + j] ^ flip;
            }
            for (int i = 1; i < r; i++) {
                int row = base + i * inner;
                switch (p) {
                    case REDUCE_SUM -> {
                        for (int j = 0; j < inner; j++) {
                            out[dst + j] += a[row + j];
                        }
                    }
                    case REDUCE_MAX -> {
                        for (int j = 0; j < inner; j++) {
                            out[dst + j] = Math.max(out[dst + j], a[row + j] ^ flip);
                        }
                    }
                    default -> {
                        for (int j = 0; j < inner; j++) {
                            out[dst + j] = Math.min(out[dst + j], a[row + j] ^ flip);
                        }
                    }
                }
            }
            for (int j = 0; j < inner; j++) {
                out[dst + j] ^= flip;
            }
        }
    }

    private static void longs(Primitive p, long[] a, int outer, int r, int inner, long[] out) {
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                int from = o * r;
                int to = from + r;
                long acc = a[from];
                switch (p) {
                    case REDUCE_SUM -> {
                        for (int i = from + 1; i < to; i++) {
                            acc += a[i];
                        }
                    }
                    case REDUCE_MAX -> {
                        for (int i = from + 1; i < to; i++) {
                            acc = Math.max(acc, a[i]);
                        }
                    }
                    default -> {
                        for (int i = from + 1; i < to; i++) {
                            acc = Math.min(acc, a[i]);
                        }
                    }
                }
                out[o] = acc;
            }
            return;
        }
        for (int o = 0; o < outer; o++) {
            int base = o * r * inner;
            int dst = o * inner;
            System.arraycopy(a, base, out, dst, inner);
            for (int i = 1; i < r; i++) {
                int row = base + i * inner;
                switch (p) {
                    case REDUCE_SUM -> {
                        for (int j = 0; j < inner; j++) {
                            out[dst + j] += a[row + j];
                        }
                    }
                    case REDUCE_MAX -> {
                        for (int j = 0; j < inner; j++) {
                            out[dst + j] = Math.max(out[dst + j], a[row + j]);
                        }
                    }
                    default -> {
                        for (int j = 0; j < inner; j++) {
                            out[dst + j] = Math.min(out[dst + j], a[row + j]);
                        }
                    }
                }
            }
        }
    }

    private static long combine(Primitive p, long a, long b) {
        return switch (p) {
            case REDUCE_SUM -> a + b;
            case REDUCE_PROD -> a * b;
            case REDUCE_MAX -> Math.max(a, b);
            case REDUCE_MIN -> Math.min(a, b);
            case REDUCE_AND -> a & b;
            case REDUCE_OR -> a | b;
            default -> throw new IllegalArgumentException(p + " is not a reduction");
        };
    }

    /** The identity of an integer or bool reduction, as a long in the dtype's value range. */
    private static long identity(Primitive p, DType t) {
        return switch (p) {
            case REDUCE_SUM, REDUCE_OR -> 0;
            case REDUCE_PROD -> 1;
            case REDUCE_AND -> -1;
            case REDUCE_MAX ->
                switch (t) {
                    case INT32 -> Integer.MIN_VALUE;
                    case INT64 -> Long.MIN_VALUE;
                    default -> 0;
                };
            case REDUCE_MIN ->
                switch (t) {
                    case INT32 -> Integer.MAX_VALUE;
                    case INT64 -> Long.MAX_VALUE;
                    case UINT32 -> 0xFFFF_FFFFL;
                    default -> 1;
                };
            default -> throw new IllegalArgumentException(p + " is not a reduction");
        };
    }

    private static void fillIdentity(Primitive p, DType t, Object y) {
        switch (t) {
            case FLOAT32 -> Arrays.fill((float[]) y, (float) floatIdentity(p));
            case FLOAT64 -> Arrays.fill((double[]) y, floatIdentity(p));
            default -> {
                long id = identity(p, t);
                for (int i = 0, n = java.lang.reflect.Array.getLength(y); i < n; i++) {
                    Convert.setLong(t, y, i, id);
                }
            }
        }
    }

    private static double floatIdentity(Primitive p) {
        return switch (p) {
            case REDUCE_SUM -> 0;
            case REDUCE_PROD -> 1;
            case REDUCE_MAX -> Double.NEGATIVE_INFINITY;
            case REDUCE_MIN -> Double.POSITIVE_INFINITY;
            default -> throw new IllegalArgumentException(p + " is not a float reduction");
        };
    }
}
