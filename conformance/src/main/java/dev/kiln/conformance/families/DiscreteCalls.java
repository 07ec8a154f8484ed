package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Random;
import java.util.Map;

/**
 * The Kiln calls of the golden lines in {@code discrete.txt} ({@code make_special_fn_goldens.py}):
 * {@code Random.poisson} and {@code Random.binomial} for fixed keys, asked for by the distributions
 * family. Parameters come as arrays after the key, or as numbers in the line's params.
 */
final class DiscreteCalls {
    private DiscreteCalls() {}

    static final String RESOURCE = "/dev/kiln/conformance/goldens/discrete.txt";

    /** Kiln's sample for a golden line of this file, or null when the function is not one of them. */
    static Array call(String fn, Map<String, String> p, Array[] a, int[] shape, DType dtype) {
        Array key = a[0];
        return switch (fn) {
            case "Random.poisson" -> Random.poisson(key, a.length > 1 ? a[1] : (Object) num(p, "lam"), dtype, shape);
            case "Random.binomial" ->
                a.length > 2
                        ? Random.binomial(key, a[1], a[2], dtype, shape)
                        : Random.binomial(key, num(p, "n"), num(p, "p"), dtype, shape);
            case "Random.multinomial" ->
                a.length > 2
                        ? Random.multinomial(key, a[1], a[2], dtype, shape)
                        : Random.multinomial(key, num(p, "n"), a[1], dtype, shape);
            default -> null;
        };
    }

    private static double num(Map<String, String> p, String k) {
        return Double.parseDouble(p.get(k));
    }
}
