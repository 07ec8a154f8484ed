package dev.kiln;

import java.util.Arrays;
import java.util.Objects;

/** Arithmetic on shapes (as {@code int[]}, outermost dimension first) and row-major strides. */
public final class Shape {
    private Shape() {}

    /** The number of elements of an array of this shape; 1 for a 0-d shape. */
    public static int size(int... shape) {
        Objects.requireNonNull(shape, "shape");
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new ShapeException("shape " + toString(shape) + " has " + n + " elements; Kiln arrays hold at most "
                    + (Integer.MAX_VALUE - 8) + " elements");
        }
        return (int) n;
    }

    /** Row-major strides, in elements. */
    public static int[] strides(int... shape) {
        Objects.requireNonNull(shape, "shape");
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** The entries of {@code values} at {@code axes}, in that order (a shape or strides restricted to some axes). */
    public static int[] pick(int[] values, int[] axes) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(axes, "axes");
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < 0 || axes[i] >= values.length) {
                throw new AxisException("pick: axis " + axes[i] + " is out of range for " + values.length
                        + " values; use axes in [0, " + (values.length - 1) + "]");
            }
            r[i] = values[axes[i]];
        }
        return r;
    }

    /** Prints a shape as NumPy does: {@code (2, 3)}, {@code (4,)}, {@code ()}. */
    public static String toString(int... shape) {
        Objects.requireNonNull(shape, "shape");
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(shape[i]);
        }
        return b.append(')').toString();
    }

    /**
     * The NumPy broadcast of two shapes, or {@code null} when they do not broadcast. Dimensions are
     * aligned from the right; each pair must be equal or contain a 1.
     */
    public static int[] broadcast(int[] a, int[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                return null;
            }
        }
        return out;
    }

    /** Normalises a possibly negative axis against a rank, or throws an {@link AxisException}. */
    public static int axis(String function, int axis, int rank) {
        Objects.requireNonNull(function, "function");
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new AxisException(function + ": axis " + axis + " is out of bounds for an array of rank " + rank
                    + "; use an axis in [" + (-rank) + ", " + (rank - 1) + "]");
        }
        return a;
    }

    /** Normalises and sorts a list of axes, rejecting repeats; an empty list stays empty. */
    public static int[] axes(String function, int[] axes, int rank) {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(axes, "axes");
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(function, axes[i], rank);
        }
        Arrays.sort(out);
        for (int i = 1; i < out.length; i++) {
            if (out[i] == out[i - 1]) {
                throw new AxisException(function + ": axis " + out[i] + " is repeated in " + Arrays.toString(axes)
                        + "; name each axis once");
            }
        }
        return out;
    }
}
