package dev.kiln;

import dev.kiln.spi.HostBuffer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * NumPy's {@code array2string} with its default options, which JAX's {@code repr} and {@code str} of
 * an array use: elements formatted over the shown data (floats to at most 8 digits after the point
 * or in scientific form when their range asks for it, integers and booleans right-aligned), rows
 * wrapped at 75 columns under a hanging indent, and the middle of long dimensions elided when the
 * array has more than 1000 elements.
 */
final class NumpyFormat {
    private NumpyFormat() {}

    /** The options {@link Np#setPrintoptions} set for the process. */
    private static volatile PrintOptions global = PrintOptions.DEFAULTS;

    /** The options {@link Np#printoptions} binds for a piece of code. */
    private static final ScopedValue<PrintOptions> SCOPED = ScopedValue.newInstance();

    static PrintOptions options() {
        return SCOPED.isBound() ? SCOPED.get() : global;
    }

    static void setGlobal(PrintOptions o) {
        global = o;
    }

    static <T> T with(PrintOptions o, java.util.function.Supplier<T> body) {
        return ScopedValue.where(SCOPED, o).call(body::get);
    }

    /**
     * JAX's {@code repr}: {@code Array(<elements>, dtype=<name>)}, the dtype moved past six spaces
     * when it would overflow the last line (as JAX writes it); an empty array shows its shape.
     */
    static String repr(Array a) {
        HostBuffer h = a.toHost();
        int n = h.spec().size();
        return repr(
                n == 0 ? null : formatter(h, a.shape(), n > options().threshold()),
                a.shape(),
                a.dtype().jaxName());
    }

    /** {@link #repr} of elements {@code f} formats (null: the array is empty). */
    static String repr(Formatter f, int[] shape, String dtypeName) {
        String dtype = "dtype=" + dtypeName;
        if (f == null) {
            StringBuilder s = new StringBuilder("Array([], shape=(");
            for (int i = 0; i < shape.length; i++) {
                s.append(i > 0 ? ", " : "").append(shape[i]);
            }
            return s.append(shape.length == 1 ? ",)" : ")")
                    .append(", ")
                    .append(dtype)
                    .append(')')
                    .toString();
        }
        String prefix = "Array(";
        String s = layout(f, shape, ", ", prefix, ",");
        int lastLine = s.length() - s.lastIndexOf('\n') + 1;
        String sep = lastLine + dtype.length() + 2 > options().linewidth() ? " ".repeat(prefix.length()) : " ";
        return prefix + s + "," + sep + dtype + ")";
    }

    /** JAX's {@code str} (NumPy's): the elements separated by spaces; a 0-d array as a NumPy scalar. */
    static String str(Array a) {
        HostBuffer h = a.toHost();
        DType d = h.spec().dtype();
        int n = h.spec().size();
        if (a.shape().length == 0) {
            if (d.isFloating() && d != DType.BFLOAT16) {
                return scalar(value(h, 0), d);
            }
            return formatter(h, a.shape(), false).format(0).strip();
        }
        return n == 0 ? "[]" : layout(formatter(h, a.shape(), n > options().threshold()), a.shape(), " ", "", "");
    }

    /** Whether an array of {@code n} elements prints summarised. */
    static boolean summarised(int n) {
        return n > options().threshold();
    }

    /** NumPy's {@code _formatArray}: the nested rows, wrapped at the line width minus {@code suffix}. */
    private static String layout(Formatter f, int[] shape, String separator, String prefix, String suffix) {
        PrintOptions o = options();
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        String hanging = " " + " ".repeat(prefix.length());
        return recurse(f, shape, 0, 0, hanging, o.linewidth() - suffix.length(), separator, n > o.threshold());
    }

    private static int stride(int[] shape, int axis) {
        int s = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            s *= shape[d];
        }
        return s;
    }

    /** NumPy's {@code _formatArray} recursion over one axis. */
    private static String recurse(
            Formatter f,
            int[] shape,
            int axis,
            int offset,
            String hanging,
            int width,
            String separator,
            boolean summarise) {
        if (axis == shape.length) {
            return f.format(offset);
        }
        int len = shape[axis];
        int stride = stride(shape, axis);
        int edge = options().edgeitems();
        boolean showSummary = summarise && 2 * edge < len;
        // the items shown, in order: the leading edge, -1 for the summary mark, the trailing edge
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < len; i++) {
            if (!showSummary || i < edge || i >= len - edge) {
                items.add(i);
            } else if (i == edge) {
                items.add(-1);
            }
        }
        java.util.function.IntFunction<String> item = i -> i < 0
                ? "..."
                : recurse(f, shape, axis + 1, offset + i * stride, hanging + " ", width - 1, separator, summarise);
        StringBuilder s = new StringBuilder();
        int axesLeft = shape.length - axis;
        if (axesLeft == 1) {
            int elemWidth = width - Math.max(separator.stripTrailing().length(), 1);
            String[] line = {hanging};
            for (int k = 0; k < items.size(); k++) {
                extend(s, line, item.apply(items.get(k)), elemWidth, hanging);
                if (k < items.size() - 1) {
                    line[0] += separator;
                }
            }
            s.append(line[0]);
        } else {
            String lineSep = separator.stripTrailing() + "\n".repeat(axesLeft - 1);
            for (int k = 0; k < items.size(); k++) {
                s.append(hanging).append(item.apply(items.get(k))).append(k < items.size() - 1 ? lineSep : "");
            }
        }
        return "[" + s.substring(hanging.length()) + "]";
    }

    /** NumPy's {@code _extendLine}: wraps before {@code word} when the line would pass {@code width}. */
    private static void extend(StringBuilder s, String[] line, String word, int width, String hanging) {
        boolean wrap = line[0].length() + word.length() > width && line[0].length() > hanging.length();
        if (wrap) {
            s.append(line[0].stripTrailing()).append('\n');
            line[0] = hanging;
        }
        line[0] += word;
    }

    // ------------------------------------------------------------------ elements

    interface Formatter {
        String format(int flatIndex);
    }

    /** Whether element {@code flat} is among the {@code edge} first or last items of every long axis. */
    private static boolean shown(int flat, int[] shape, int edge) {
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

    /** The flat indices NumPy formats widths from: all, or the edge items of every axis when summarised. */
    static List<Integer> shownIndices(int[] shape, int n, boolean summarise) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!summarise || shown(i, shape, options().edgeitems())) {
                out.add(i);
            }
        }
        return out;
    }

    private static Formatter formatter(HostBuffer h, int[] shape, boolean summarise) {
        DType d = h.spec().dtype();
        List<Integer> shown = shownIndices(shape, h.spec().size(), summarise);
        if (d == DType.BOOL) {
            boolean[] b = h.bools();
            String t = shape.length == 0 ? "True" : " True";
            return i -> b[i] ? t : "False";
        }
        if (d == DType.BFLOAT16) {
            // NumPy formats this non-native type element by element, as its scalars print (C's %.6g)
            return i -> percentG(h.floats()[i]);
        }
        if (!d.isFloating()) {
            String[] text = new String[h.spec().size()];
            int w = 0;
            for (int i : shown) {
                text[i] = integer(h, d, i);
                w = Math.max(w, text[i].length());
            }
            int width = w;
            return i -> {
                String t = text[i] != null ? text[i] : integer(h, d, i);
                return " ".repeat(Math.max(0, width - t.length())) + t;
            };
        }
        return floats(h, d, shown, false);
    }

    private static String integer(HostBuffer h, DType d, int i) {
        return switch (d.storage()) {
            case UINT32 -> d == DType.UINT32 ? Integer.toUnsignedString(h.ints()[i]) : Integer.toString(h.ints()[i]);
            case INT32 -> Integer.toString(h.ints()[i]);
            case INT64 -> Long.toString(h.longs()[i]);
            default -> throw new IllegalStateException("not an integer dtype: " + d);
        };
    }

    private static double value(HostBuffer h, int i) {
        return h.spec().dtype().storage() == DType.FLOAT64 ? h.doubles()[i] : h.floats()[i];
    }

    /** {@code text} with a {@code +} in front where {@code plus} asks for one and it has no {@code -}. */
    private static String signed(String text, boolean plus) {
        return plus && !text.startsWith("-") ? "+" + text : text;
    }

    /** {@code x} rounded to dtype {@code d}, as a double. */
    private static double inType(double x, DType d) {
        return switch (d) {
            case FLOAT32 -> (float) x;
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16((float) x));
            default -> x;
        };
    }

    /** NumPy's {@code finfo(dtype).precision}: decimal digits the type resolves. */
    private static int decimalPrecision(DType d) {
        return switch (d) {
            case FLOAT16 -> 3;
            case BFLOAT16 -> 2;
            case FLOAT32 -> 6;
            default -> 15;
        };
    }

    /**
     * NumPy's {@code FloatingFormat} in its default mode ({@code maxprec}): sign '-', or with {@code
     * plus} sign '+' (a complex number's imaginary parts).
     */
    static Formatter floats(HostBuffer h, DType d, List<Integer> shown, boolean plus) {
        List<Double> finite = new ArrayList<>();
        boolean negInf = false;
        boolean nonFinite = false;
        for (int i : shown) {
            double v = value(h, i);
            if (Double.isFinite(v)) {
                finite.add(v);
            } else {
                nonFinite = true;
                negInf |= v == Double.NEGATIVE_INFINITY;
            }
        }
        boolean exp = false;
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double v : finite) {
            if (v != 0) {
                max = Math.max(max, Math.abs(v));
                min = Math.min(min, Math.abs(v));
            }
        }
        if (max > 0) {
            // NumPy compares in the array's own dtype (its Python-float thresholds are weakly typed)
            double cutoff = inType(Math.pow(10, Math.min(8, decimalPrecision(d))), d);
            exp = max >= cutoff || min < inType(1e-4, d) || inType(max / min, d) > 1000;
        }
        int padLeft = 0;
        int padRight = 0;
        final int maxDigits = options().precision();
        int precision = maxDigits;
        int expSize = -1;
        if (exp) {
            int frac = 0;
            for (double v : finite) {
                String s = signed(scientific(v, d, maxDigits, 0, 0, 0), plus);
                int e = s.indexOf('e');
                int dot = s.indexOf('.');
                padLeft = Math.max(padLeft, dot);
                frac = Math.max(frac, e - dot - 1);
                expSize = Math.max(expSize, s.length() - e - 2);
            }
            precision = frac;
            padRight = expSize + 2 + precision;
        } else {
            for (double v : finite) {
                String s = signed(positional(v, d, maxDigits), plus);
                int dot = s.indexOf('.');
                padLeft = Math.max(padLeft, dot);
                padRight = Math.max(padRight, s.length() - dot - 1);
            }
        }
        if (nonFinite) {
            int offset = padRight + 1;
            padLeft = Math.max(padLeft, Math.max(3 + (plus ? 1 : 0) - offset, 3 + (negInf || plus ? 1 : 0) - offset));
        }
        int left = padLeft;
        int right = padRight;
        boolean scientific = exp;
        int digits = precision;
        int expDigits = expSize;
        return i -> {
            double v = value(h, i);
            if (!Double.isFinite(v)) {
                String t = signed(nonFinite(v), plus);
                return " ".repeat(Math.max(0, left + right + 1 - t.length())) + t;
            }
            if (scientific) {
                String t = signed(scientific(v, d, digits, digits, 0, expDigits), plus);
                return " ".repeat(Math.max(0, left - t.indexOf('.'))) + t;
            }
            String s = signed(positional(v, d, maxDigits), plus);
            int dot = s.indexOf('.');
            return " ".repeat(Math.max(0, left - dot)) + s + " ".repeat(Math.max(0, right - (s.length() - dot - 1)));
        };
    }

    /**
     * A NumPy float scalar's {@code str}: the shortest digits, positional ({@code 10.0}) from 1e-4 up
     * to 1e16 for float64 (Python's rule) or {@code 10^precision} for the smaller types, scientific
     * ({@code 1e-05}, {@code 1.2345679e+08}) outside.
     */
    static String scalar(double v, DType d) {
        if (!Double.isFinite(v)) {
            return nonFinite(v);
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0.0" : "0.0";
        }
        double cutoff = d == DType.FLOAT64 ? 1e16 : Math.pow(10, decimalPrecision(d));
        BigDecimal s = shortest(Math.abs(v), d).stripTrailingZeros();
        String sign = v < 0 ? "-" : "";
        double mag = Math.abs(v);
        if (mag >= 1e-4 && mag < cutoff) {
            return sign + (s.scale() <= 0 ? s.toBigInteger() + ".0" : s.toPlainString());
        }
        String digits = s.unscaledValue().toString();
        int exponent = digits.length() - 1 - s.scale();
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mant + exponentText(exponent);
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }

    /** {@code e}, the sign and at least two digits, as C and NumPy write an exponent. */
    private static String exponentText(int exponent) {
        String e = Integer.toString(Math.abs(exponent));
        return "e" + (exponent < 0 ? "-" : "+") + (e.length() < 2 ? "0" : "") + e;
    }

    /** C's {@code %.6g}: six significant digits, trailing zeros dropped, scientific below 1e-4 or from 1e6. */
    static String percentG(float f) {
        if (!Float.isFinite(f)) {
            return nonFinite(f);
        }
        if (f == 0) {
            return 1 / f < 0 ? "-0" : "0";
        }
        BigDecimal r = new BigDecimal(f).round(new MathContext(6, RoundingMode.HALF_EVEN));
        int exponent = r.precision() - 1 - r.scale();
        if (exponent < -4 || exponent >= 6) {
            BigDecimal m = r.movePointLeft(exponent).stripTrailingZeros();
            String mant = m.scale() <= 0 ? m.toBigInteger().toString() : m.toPlainString();
            return mant + exponentText(exponent);
        }
        BigDecimal plain = r.stripTrailingZeros();
        return plain.scale() <= 0 ? plain.toBigInteger().toString() : plain.toPlainString();
    }

    /** The shortest decimal that reads back as {@code v} in dtype {@code d}. */
    private static BigDecimal shortest(double v, DType d) {
        return switch (d) {
            case FLOAT64 -> new BigDecimal(Double.toString(v));
            case FLOAT32 -> new BigDecimal(Float.toString((float) v));
            default -> new BigDecimal(Narrow.shortest((float) v, d));
        };
    }

    /**
     * {@code dragon4_positional(v, precision, unique=True, trim='.')}: the shortest digits, cut to at
     * most {@code precision} after the point by rounding the exact value half to even; {@code 2.} for
     * integral values.
     */
    static String positional(double v, DType d, int precision) {
        if (v == 0) {
            return (1 / v < 0 ? "-" : "") + "0.";
        }
        BigDecimal s = shortest(v, d).stripTrailingZeros();
        if (s.scale() > precision) {
            s = new BigDecimal(v).setScale(precision, RoundingMode.HALF_EVEN).stripTrailingZeros();
        }
        String plain = s.scale() <= 0 ? s.toBigInteger().toString() + "." : s.toPlainString();
        return s.signum() == 0 && v < 0 ? "-0." : plain;
    }

    /**
     * {@code dragon4_scientific(v, precision, min_digits, unique=True)}: one digit, the point, at most
     * {@code precision} digits (at least {@code minDigits}, zero padded), {@code e}, the exponent's sign
     * and at least {@code max(2, expDigits)} digits; the mantissa right-aligned in {@code padLeft}.
     */
    static String scientific(double v, DType d, int precision, int minDigits, int padLeft, int expDigits) {
        String sign = v < 0 || (v == 0 && 1 / v < 0) ? "-" : "";
        BigDecimal s = v == 0 ? BigDecimal.ZERO : shortest(Math.abs(v), d).stripTrailingZeros();
        if (v != 0 && s.precision() - 1 > precision) {
            s = new BigDecimal(Math.abs(v))
                    .round(new MathContext(precision + 1, RoundingMode.HALF_EVEN))
                    .stripTrailingZeros();
        }
        if (v != 0 && s.precision() - 1 < minDigits) {
            // more digits than the shortest: the exact value's, rounded half to even (NumPy's min_digits)
            s = new BigDecimal(Math.abs(v)).round(new MathContext(minDigits + 1, RoundingMode.HALF_EVEN));
        }
        String digits = v == 0 ? "0" : s.unscaledValue().toString();
        int exponent = v == 0 ? 0 : digits.length() - 1 - s.scale();
        String frac = digits.substring(1);
        if (frac.length() < minDigits) {
            frac = frac + "0".repeat(minDigits - frac.length());
        }
        String mant = sign + digits.charAt(0) + "." + frac;
        String e = Integer.toString(Math.abs(exponent));
        int width = Math.max(2, expDigits);
        e = "0".repeat(Math.max(0, width - e.length())) + e;
        String out = mant + "e" + (exponent < 0 ? "-" : "+") + e;
        int dot = mant.indexOf('.');
        return " ".repeat(Math.max(0, padLeft - dot)) + out;
    }
}
