package dev.kiln;

import java.math.BigDecimal;

/**
 * Prints arrays as JAX does: {@link #print} and {@link #str} hand real arrays to {@link NumpyFormat}
 * (NumPy's array2string); the helpers below lay out {@link ComplexPrinter}'s complex arrays.
 */
final class ArrayPrinter {
    /** Arrays with more elements than this are summarised. */
    static final int THRESHOLD = 1000;

    static final int EDGE_ITEMS = 3;

    private ArrayPrinter() {}

    /** JAX's {@code repr} of the array ({@link NumpyFormat}); an empty one shows its shape. */
    static String print(Array a) {
        if (a.size() == 0) {
            // as JAX: Array([], shape=(2, 0), dtype=float32)
            int[] shape = a.shape();
            StringBuilder s = new StringBuilder("Array([], shape=(");
            for (int i = 0; i < shape.length; i++) {
                s.append(i > 0 ? ", " : "").append(shape[i]);
            }
            return s.append(shape.length == 1 ? ",)" : ")")
                    .append(", dtype=")
                    .append(a.dtype().jaxName())
                    .append(')')
                    .toString();
        }
        return NumpyFormat.repr(a);
    }

    /**
     * {@code str} of the array as NumPy writes it (what {@code jax.debug.print} shows): the elements
     * only, separated by spaces, such as {@code [0. 1. 2.]}; a scalar as a NumPy scalar.
     */
    static String str(Array a) {
        return NumpyFormat.str(a);
    }

    static boolean shown(int flat, int[] shape) {
        return shown(flat, shape, EDGE_ITEMS);
    }

    /** Whether element {@code flat} is among the {@code edge} first or last items of every long axis. */
    static boolean shown(int flat, int[] shape, int edge) {
        int rem = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            int idx = rem % shape[d];
            rem /= shape[d];
            if (shape[d] > 2 * edge && idx >= edge && idx < shape[d] - edge) {
                return false;
            }
        }
        return true;
    }

    /** Nested brackets of the elements' {@code text}, rows aligned under {@code indent} (complex arrays). */
    static int nest(
            StringBuilder b, String[] text, int[] shape, int dim, int offset, String indent, boolean summarise) {
        if (dim == shape.length) {
            b.append(text[offset]);
            return offset;
        }
        int stride = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            stride *= shape[d];
        }
        b.append('[');
        int n = shape[dim];
        for (int i = 0; i < n; i++) {
            if (summarise && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                b.append(dim == shape.length - 1 ? "..., " : "...,\n" + indent + " ".repeat(dim + 1));
                i = n - EDGE_ITEMS - 1;
                continue;
            }
            nest(b, text, shape, dim + 1, offset + i * stride, indent, summarise);
            if (i < n - 1) {
                if (dim == shape.length - 1) {
                    b.append(", ");
                } else {
                    b.append(",")
                            .append("\n".repeat(shape.length - dim - 1))
                            .append(indent)
                            .append(" ".repeat(dim + 1));
                }
            }
        }
        return b.append(']').length();
    }

    /** Shortest round-trip digits, written as NumPy does: {@code 1.}, {@code 0.25}, {@code 1e-05}, {@code nan}. */
    static String floating(double v, String javaShortest) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        BigDecimal d = new BigDecimal(javaShortest).stripTrailingZeros();
        double mag = Math.abs(v);
        if (mag != 0 && (mag >= 1e16 || mag < 1e-4)) {
            String unscaled = d.unscaledValue().abs().toString();
            int exp = unscaled.length() - 1 - d.scale();
            String mant = unscaled.length() > 1 ? unscaled.charAt(0) + "." + unscaled.substring(1) : unscaled + ".";
            return (v < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "")
                    + Math.abs(exp);
        }
        String plain = d.scale() <= 0 ? d.toBigInteger().toString() + "." : d.toPlainString();
        if (v == 0 && 1 / v < 0) {
            return "-0.";
        }
        return plain;
    }
}
