package dev.kiln;

import dev.kiln.spi.HostBuffer;

/**
 * Formats complex arrays as JAX (NumPy) prints them: the real parts aligned on the decimal point,
 * the imaginary parts written with their sign and a {@code j}, padding moved after the {@code j}:
 * {@code Array([ 1.5+2.j  , -3. +1.25j], dtype=complex64)}.
 */
final class ComplexPrinter {
    private ComplexPrinter() {}

    static String print(HostBuffer re, HostBuffer im, String dtypeName) {
        int[] shape = re.spec().shape();
        int n = re.spec().size();
        if (n == 0) {
            StringBuilder s = new StringBuilder("Array([], shape=(");
            for (int i = 0; i < shape.length; i++) {
                s.append(i > 0 ? ", " : "").append(shape[i]);
            }
            return s.append(shape.length == 1 ? ",)" : ")")
                    .append(", dtype=")
                    .append(dtypeName)
                    .append(')')
                    .toString();
        }
        boolean summarise = n > ArrayPrinter.THRESHOLD;
        String[] r = part(values(re), shape, summarise, false);
        String[] i = part(values(im), shape, summarise, true);
        String[] text = new String[n];
        for (int k = 0; k < n; k++) {
            if (r[k] != null) {
                String s = i[k];
                int sp = s.stripTrailing().length();
                text[k] = r[k] + s.substring(0, sp) + "j" + s.substring(sp);
            }
        }
        StringBuilder b = new StringBuilder("Array(");
        ArrayPrinter.nest(b, text, shape, 0, 0, " ".repeat("Array(".length()), summarise);
        return b.append(", dtype=").append(dtypeName).append(')').toString();
    }

    private static double[] values(HostBuffer h) {
        if (h.spec().dtype() == DType.FLOAT32) {
            float[] f = h.floats();
            double[] d = new double[f.length];
            for (int k = 0; k < f.length; k++) {
                d[k] = f[k];
            }
            return d;
        }
        return h.doubles();
    }

    /**
     * One part's elements padded as NumPy pads them: finite values to the widest integer part on
     * the left and the widest fraction on the right, nan and inf right-aligned in that width.
     */
    private static String[] part(double[] v, int[] shape, boolean summarise, boolean signed) {
        String[] s = new String[v.length];
        int padLeft = 0;
        int padRight = 0;
        boolean anyNonFinite = false;
        boolean negInf = false;
        for (int k = 0; k < v.length; k++) {
            if (summarise && !ArrayPrinter.shown(k, shape)) {
                continue;
            }
            if (!Double.isFinite(v[k])) {
                anyNonFinite = true;
                negInf |= v[k] == Double.NEGATIVE_INFINITY;
                continue;
            }
            String t = ArrayPrinter.floating(v[k], shortest(v[k]));
            if (signed && !t.startsWith("-")) {
                t = "+" + t;
            }
            s[k] = t;
            int dot = t.indexOf('.');
            int e = t.indexOf('e');
            int intLen = dot >= 0 ? dot : (e >= 0 ? e : t.length());
            padLeft = Math.max(padLeft, intLen);
            padRight = Math.max(padRight, t.length() - intLen - 1);
        }
        if (anyNonFinite) {
            int infLen = 3 + (signed || negInf ? 1 : 0);
            padLeft = Math.max(padLeft, Math.max(3 - (padRight + 1), infLen - (padRight + 1)));
        }
        for (int k = 0; k < v.length; k++) {
            if (summarise && !ArrayPrinter.shown(k, shape)) {
                continue;
            }
            if (s[k] == null) {
                String t = Double.isNaN(v[k]) ? "nan" : v[k] > 0 ? "inf" : "-inf";
                if (signed && !t.startsWith("-")) {
                    t = "+" + t;
                }
                s[k] = " ".repeat(Math.max(0, padLeft + padRight + 1 - t.length())) + t;
            } else {
                String t = s[k];
                int dot = t.indexOf('.');
                int intLen = dot >= 0 ? dot : t.length();
                s[k] = " ".repeat(padLeft - intLen) + t + " ".repeat(Math.max(0, padRight - (t.length() - intLen - 1)));
            }
        }
        return s;
    }

    private static String shortest(double v) {
        return Float.toString((float) v).equals(Double.toString(v)) || (double) (float) v == v
                ? Float.toString((float) v)
                : Double.toString(v);
    }
}
