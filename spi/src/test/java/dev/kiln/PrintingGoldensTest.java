package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kiln prints arrays as JAX 0.10.2 does: {@code toString} against {@code repr(x)} and {@link
 * Np#arrayStr} against {@code str(x)}, for the arrays {@code scripts/make_print_goldens.py} wrote
 * (float precision and scientific switching, alignment, wrapping at 75 columns, summarised large
 * arrays, non-finite values, every dtype, complex arrays), and under other print options ({@link Np#printoptions}).
 */
class PrintingGoldensTest {
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Test
    void printsAsJax() throws IOException {
        String text;
        try (InputStream in = PrintingGoldensTest.class.getResourceAsStream("print-goldens.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            int[] shape = f[1].isEmpty()
                    ? new int[0]
                    : java.util.Arrays.stream(f[1].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
            byte[] bytes = HexFormat.of().parseHex(f[2]);
            if (f[0].startsWith("complex")) {
                // interleaved real and imaginary parts; complex arrays have repr only
                boolean c64 = f[0].equals("complex64");
                double[] parts = Np.frombuffer(bytes, c64 ? DType.FLOAT32 : DType.FLOAT64)
                        .toDoubleArray();
                ComplexArray z = c64 ? ComplexArray.complex64(parts, shape) : ComplexArray.complex128(parts, shape);
                String repr = unescape(f[3]);
                cases++;
                if (!z.toString().equals(repr)) {
                    failures.add("repr of " + f[0] + "[" + f[1] + "]:\n  jax:  " + repr + "\n  kiln: " + z);
                }
                continue;
            }
            DType dtype = DType.fromName(f[0]);
            Array a = Np.frombuffer(bytes, dtype).reshape(shape);
            String repr = unescape(f[3]);
            String str = unescape(f[4]);
            PrintOptions options = PrintOptions.DEFAULTS;
            if (f.length > 5) {
                int[] o = java.util.Arrays.stream(f[5].split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
                options = new PrintOptions(o[0], o[1], o[2], o[3]);
            }
            cases++;
            String[] kiln = Np.printoptions(options, () -> new String[] {a.toString(), Np.arrayStr(a)});
            if (!kiln[0].equals(repr)) {
                failures.add("repr of " + f[0] + "[" + f[1] + "] " + options + ":\n  jax:  " + repr + "\n  kiln: "
                        + kiln[0]);
            }
            if (!kiln[1].equals(str)) {
                failures.add(
                        "str of " + f[0] + "[" + f[1] + "] " + options + ":\n  jax:  " + str + "\n  kiln: " + kiln[1]);
            }
        }
        assertTrue(cases >= 80, "read " + cases + " cases");
        assertEquals(PrintOptions.DEFAULTS, Np.getPrintoptions(), "printoptions restores the options after its body");
        assertEquals(List.of(), failures, failures.size() + " differences:\n" + String.join("\n", failures));
    }
}
