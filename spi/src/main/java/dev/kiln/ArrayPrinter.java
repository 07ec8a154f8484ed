package dev.kiln;

import dev.kiln.spi.HostBuffer;
import java.math.BigDecimal;

/**
 * Formats arrays the way JAX prints them: nested brackets, elements aligned on the decimal point,
 * integral floats written {@code 1.}, and the middle of long dimensions elided with {@code ...}.
 */
final class ArrayPrinter {
    /** Arrays with more elements than this are summarised. */
    static final int THRESHOLD = 1000;

    static final int EDGE_ITEMS = 3;

    private ArrayPrinter() {}

    static String print(Array a) {
        return print(a, false);
    }

    /**
     * {@code str} of the array as NumPy writes it (what {@code jax.debug.print} shows): the elements
     * only, separated by spaces, such as {@code [0. 1. 2.]}; a scalar is its element.
     */
    static String str(Array a) {
        return print(a, true);
    }

    private static String print(Array a, boolean str) {
        int[] shape = a.shape();
        if (a.size() == 0 && str) {
            return "[]";
        }
        if (a.size() == 0) {
            // as JAX: an empty array prints its shape, Array([], shape=(2, 0), dtype=float32)
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
        HostBuffer h = a.toHost();
        boolean summarise = a.size() > THRESHOLD;
        String[] text = new String[a.size()];
        int intWidth = 0;
        int fracWidth = 0;
        for (int i = 0; i < text.length; i++) {
            if (summarise && !shown(i, shape)) {
                continue;
            }
            text[i] = element(h, i);
            int dot = a.dtype().isFloating() ? decimalPoint(text[i]) : text[i].length();
            intWidth = Math.max(intWidth, dot);
            fracWidth = Math.max(fracWidth, text[i].length() - dot);
        }
        for (int i = 0; i < text.length; i++) {
            if (text[i] != null) {
                int dot = a.dtype().isFloating() ? decimalPoint(text[i]) : text[i].length();
                text[i] = " ".repeat(intWidth - dot) + text[i] + " ".repeat(fracWidth - (text[i].length() - dot));
            }
        }
        if (str) {
            StringBuilder b = new StringBuilder();
            nest(b, text, shape, 0, 0, "", summarise, true);
            if (shape.length == 0) {
                // a 0-d array prints as a NumPy scalar does: 10.0, not the array element's 10.
                String t = b.toString().strip();
                return t.endsWith(".") ? t + "0" : t;
            }
            return b.toString();
        }
        StringBuilder b = new StringBuilder("Array(");
        String indent = " ".repeat("Array(".length());
        nest(b, text, shape, 0, 0, indent, summarise, false);
        b.append(", dtype=").append(a.dtype().jaxName()).append(')');
        return b.toString();
    }

    static boolean shown(int flat, int[] shape) {
        int rem = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            int idx = rem % shape[d];
            rem /= shape[d];
            if (shape[d] > 2 * EDGE_ITEMS && idx >= EDGE_ITEMS && idx < shape[d] - EDGE_ITEMS) {
                return false;
            }
        }
        return true;
    }

    static int nest(
            StringBuilder b, String[] text, int[] shape, int dim, int offset, String indent, boolean summarise) {
        return nest(b, text, shape, dim, offset, indent, summarise, false);
    }

    static int nest(
            StringBuilder b,
            String[] text,
            int[] shape,
            int dim,
            int offset,
            String indent,
            boolean summarise,
            boolean str) {
        String comma = str ? "" : ",";
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
                b.append(
                        dim == shape.length - 1
                                ? "..." + comma + " "
                                : "..." + comma + "\n" + indent + " ".repeat(dim + 1));
                i = n - EDGE_ITEMS - 1;
                continue;
            }
            nest(b, text, shape, dim + 1, offset + i * stride, indent, summarise, str);
            if (i < n - 1) {
                if (dim == shape.length - 1) {
                    b.append(comma).append(' ');
                } else {
                    b.append(comma)
                            .append("\n".repeat(shape.length - dim - 1))
                            .append(indent)
                            .append(" ".repeat(dim + 1));
                }
            }
        }
        return b.append(']').length();
    }

    private static int decimalPoint(String s) {
        int dot = s.indexOf('.');
        if (dot >= 0) {
            return dot;
        }
        int e = s.indexOf('e');
        return e >= 0 ? e : s.length();
    }

    private static String element(HostBuffer h, int i) {
        if (h.spec().dtype().isNarrow()) {
            return Narrow.element(h, i);
        }
        return switch (h.spec().dtype()) {
            case BOOL -> h.bools()[i] ? "True" : "False";
            case INT32 -> Integer.toString(h.ints()[i]);
            case UINT32 -> Integer.toUnsignedString(h.ints()[i]);
            case INT64 -> Long.toString(h.longs()[i]);
            case FLOAT32 -> floating(h.floats()[i], Float.toString(h.floats()[i]));
            case FLOAT64 -> floating(h.doubles()[i], Double.toString(h.doubles()[i]));
            default -> throw new IllegalStateException("unreachable: " + h.spec());
        };
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
