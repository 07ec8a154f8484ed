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
 * arrays, non-finite values, every dtype).
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
            DType dtype = DType.fromName(f[0]);
            int[] shape = f[1].isEmpty()
                    ? new int[0]
                    : java.util.Arrays.stream(f[1].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
            Array a = Np.frombuffer(HexFormat.of().parseHex(f[2]), dtype).reshape(shape);
            String repr = unescape(f[3]);
            String str = unescape(f[4]);
            cases++;
            if (!a.toString().equals(repr)) {
                failures.add("repr of " + f[0] + "[" + f[1] + "]:\n  jax:  " + repr + "\n  kiln: " + a);
            }
            if (!Np.arrayStr(a).equals(str)) {
                failures.add("str of " + f[0] + "[" + f[1] + "]:\n  jax:  " + str + "\n  kiln: " + Np.arrayStr(a));
            }
        }
        assertTrue(cases >= 40, "read " + cases + " cases");
        assertEquals(List.of(), failures, failures.size() + " differences:\n" + String.join("\n", failures));
    }
}
