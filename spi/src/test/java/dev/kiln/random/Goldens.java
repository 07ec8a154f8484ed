package dev.kiln.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Np;
import dev.kiln.Random;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JAX golden cases written by {@code spi/scripts/make_random_goldens.py}, parsed, with how
 * each one calls {@link Random} and how closely it must match.
 */
final class Goldens {
    private Goldens() {}

    /** An expected array: dtype, shape and the raw element bits (uint32/int32/bool widened to long). */
    record Expected(DType dtype, int[] shape, long[] bits) {}

    record Case(String text, Map<String, String> params, Expected out) {
        String op() {
            return params.get("op");
        }

        String get(String name) {
            String v = params.get(name);
            if (v == null) {
                throw new IllegalStateException("golden case lacks '" + name + "': " + text);
            }
            return v;
        }

        String get(String name, String fallback) {
            return params.getOrDefault(name, fallback);
        }

        Array key() {
            String[] words = get("key").split(":");
            int k0 = Integer.parseUnsignedInt(words[0], 16);
            int k1 = Integer.parseUnsignedInt(words[1], 16);
            return Np.arrayUint32(new int[] {k0, k1});
        }

        int[] shape() {
            return parseShape(get("shape"));
        }

        DType dtype() {
            return DType.fromName(get("dtype", "float32"));
        }

        double number(String name) {
            String v = get(name);
            return switch (v) {
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(v);
            };
        }

        /** A short name for the test display: the case without its values. */
        String title() {
            StringBuilder b = new StringBuilder();
            params.forEach((k, v) -> {
                if (!k.equals("logits")) {
                    b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(v);
                }
            });
            return b + " -> " + out.dtype() + Arrays.toString(out.shape());
        }
    }

    static List<Case> load() {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = Goldens.class.getResourceAsStream("/dev/kiln/random/goldens.txt")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource dev/kiln/random/goldens.txt;"
                        + " run spi/scripts/make_random_goldens.py");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    cases.add(parse(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    private static Case parse(String line) {
        Map<String, String> params = new LinkedHashMap<>();
        Expected out = null;
        for (String token : line.split(" ")) {
            int eq = token.indexOf('=');
            String name = token.substring(0, eq);
            String value = token.substring(eq + 1);
            if (name.equals("out")) {
                out = parseArray(value);
            } else {
                params.put(name, value);
            }
        }
        if (out == null) {
            throw new IllegalStateException("golden case without out=: " + line);
        }
        return new Case(line, params, out);
    }

    /** {@code dtype[d0,d1]:v0,v1,...}. */
    static Expected parseArray(String text) {
        int open = text.indexOf('[');
        int close = text.indexOf("]:");
        DType dtype = DType.fromName(text.substring(0, open));
        int[] shape = parseShape(text.substring(open + 1, close));
        String body = text.substring(close + 2);
        String[] values = body.isEmpty() ? new String[0] : body.split(",");
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            String v = values[i];
            bits[i] = switch (dtype) {
                case UINT32, FLOAT32 -> Long.parseLong(v, 16);
                case FLOAT64 -> Long.parseUnsignedLong(v, 16);
                case INT32, INT64, BOOL -> Long.parseLong(v);
                default -> throw new IllegalStateException("not a storage dtype");
            };
        }
        return new Expected(dtype, shape, bits);
    }

    /** The expected values as a Kiln array (used for categorical's logits). */
    static Array toArray(Expected e) {
        int n = e.bits().length;
        return switch (e.dtype()) {
            case FLOAT32 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = Float.intBitsToFloat((int) e.bits()[i]);
                }
                yield Np.array(f, e.shape());
            }
            case FLOAT64 -> {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = Double.longBitsToDouble(e.bits()[i]);
                }
                yield Np.array(d, e.shape());
            }
            default -> throw new IllegalArgumentException("not a float golden: " + e.dtype());
        };
    }

    static int[] parseShape(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        return Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** The raw bits of an array's elements, widened as in {@link Expected}. */
    static long[] bitsOf(Array a) {
        int n = a.size();
        long[] out = new long[n];
        switch (a.dtype()) {
            case FLOAT32 -> {
                float[] f = a.toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[i] = Integer.toUnsignedLong(Float.floatToRawIntBits(f[i]));
                }
            }
            case FLOAT64 -> {
                double[] d = a.toDoubleArray();
                for (int i = 0; i < n; i++) {
                    out[i] = Double.doubleToRawLongBits(d[i]);
                }
            }
            case UINT32 -> {
                int[] v = a.toIntArray();
                for (int i = 0; i < n; i++) {
                    out[i] = Integer.toUnsignedLong(v[i]);
                }
            }
            case INT32 -> {
                int[] v = a.toIntArray();
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case BOOL -> {
                boolean[] v = a.toBooleanArray();
                for (int i = 0; i < n; i++) {
                    out[i] = v[i] ? 1 : 0;
                }
            }
            case INT64 -> {
                return a.toLongArray();
            }
        }
        return out;
    }

    /** Checks dtype and shape, then every element bit for bit. */
    static void assertExact(Expected expected, Array actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        long[] got = bitsOf(actual);
        for (int i = 0; i < got.length; i++) {
            if (got[i] != expected.bits()[i]) {
                throw new AssertionError(what + ": element " + i + " is " + describe(expected.dtype(), got[i])
                        + ", JAX gives " + describe(expected.dtype(), expected.bits()[i]));
            }
        }
    }

    /**
     * Checks dtype and shape and that no element is more than {@code maxUlps} from JAX's; returns
     * how many are bit-identical.
     */
    static int assertUlps(Expected expected, Array actual, int maxUlps, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        long[] got = bitsOf(actual);
        int exact = 0;
        for (int i = 0; i < got.length; i++) {
            long d = Ulps.distance(expected.dtype(), got[i], expected.bits()[i]);
            if (d > maxUlps) {
                throw new AssertionError(what + ": element " + i + " is " + describe(expected.dtype(), got[i])
                        + ", JAX gives " + describe(expected.dtype(), expected.bits()[i]) + " (" + d
                        + " ulp apart, at most " + maxUlps + " allowed)");
            }
            exact += d == 0 ? 1 : 0;
        }
        return exact;
    }

    private static String describe(DType d, long bits) {
        return switch (d) {
            case FLOAT32 -> Float.intBitsToFloat((int) bits) + " (0x" + Long.toHexString(bits) + ")";
            case FLOAT64 -> Double.longBitsToDouble(bits) + " (0x" + Long.toHexString(bits) + ")";
            case UINT32 -> "0x" + Long.toHexString(bits);
            default -> Long.toString(bits);
        };
    }
}
