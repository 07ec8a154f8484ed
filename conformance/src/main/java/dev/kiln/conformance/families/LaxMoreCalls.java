package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.GatherDimensionNumbers;
import dev.kiln.GatherScatterMode;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ScatterDimensionNumbers;
import dev.kiln.conformance.Case;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Kiln calls of the golden lines in {@code laxmore.txt} ({@code make_laxmore_goldens.py}): the
 * jax.lax and jax.numpy functions added for API breadth after {@code lax.txt} ({@link Lax#gather},
 * the {@link Lax#scatter} family and the smaller functions beside them), and their bad calls.
 * {@link BreadthFamily} reads the file and calls here for the functions it does not know itself.
 */
final class LaxMoreCalls {
    private LaxMoreCalls() {}

    static final String RESOURCE = "/dev/kiln/conformance/goldens/laxmore.txt";

    /** Functions whose golden lines are also checked under {@code jit}. */
    static final Set<String> JIT = Set.of(
            "Lax.gather",
            "Lax.scatter",
            "Lax.scatterAdd",
            "Lax.scatterSub",
            "Lax.scatterMul",
            "Lax.scatterMin",
            "Lax.scatterMax",
            "Lax.scatterApply");

    private static int[] ints(Map<String, String> p, String key) {
        int[] v = BreadthFamily.ints(p.get(key));
        return v == null ? new int[0] : v;
    }

    private static GatherScatterMode mode(Map<String, String> p) {
        String m = p.get("mode");
        return m == null || m.equals("none") ? null : GatherScatterMode.parse(m);
    }

    private static ScatterDimensionNumbers sdn(Map<String, String> p) {
        return new ScatterDimensionNumbers(
                ints(p, "window"), ints(p, "inserted"), ints(p, "map"), ints(p, "obd"), ints(p, "sibd"));
    }

    private static Function<Array, Array> func(String name) {
        return switch (name) {
            case "square" -> Np::square;
            case "neg" -> Np::negative;
            default -> throw new IllegalArgumentException("no function " + name);
        };
    }

    /** Kiln's result for a golden function of laxmore.txt (an Array or an Array[]). */
    static Object call(String fn, Map<String, String> p, Array[] a) {
        return switch (fn) {
            case "Lax.gather" -> {
                GatherDimensionNumbers d = new GatherDimensionNumbers(
                        ints(p, "offset"), ints(p, "collapsed"), ints(p, "map"), ints(p, "obd"), ints(p, "sibd"));
                String fill = p.get("fill");
                Number fv = fill == null || fill.equals("none") ? null : Double.valueOf(fill);
                yield Lax.gather(a[0], a[1], d, ints(p, "sizes"), false, false, mode(p), fv);
            }
            case "Lax.scatter" -> Lax.scatter(a[0], a[1], a[2], sdn(p), false, false, mode(p));
            case "Lax.scatterAdd" -> Lax.scatterAdd(a[0], a[1], a[2], sdn(p), false, false, mode(p));
            case "Lax.scatterSub" -> Lax.scatterSub(a[0], a[1], a[2], sdn(p), false, false, mode(p));
            case "Lax.scatterMul" -> Lax.scatterMul(a[0], a[1], a[2], sdn(p), false, false, mode(p));
            case "Lax.scatterMin" -> Lax.scatterMin(a[0], a[1], a[2], sdn(p), false, false, mode(p));
            case "Lax.scatterMax" -> Lax.scatterMax(a[0], a[1], a[2], sdn(p), false, false, mode(p));
            case "Lax.scatterApply" ->
                Lax.scatterApply(a[0], a[1], func(p.get("func")), sdn(p), ints(p, "shape"), false, false, mode(p));
            default -> throw new IllegalArgumentException("no Kiln function for golden function '" + fn + "'");
        };
    }

    private static Array m56() {
        return Np.reshape(Np.astype(Np.arange(30), dev.kiln.DType.FLOAT32), 5, 6);
    }

    private static Array rows() {
        return Np.reshape(Np.arange(3), 3, 1);
    }

    /** Bad calls: each must raise a KilnException whose message starts with the function's name. */
    static void errors(List<Case> out) {
        Map<String, Supplier<Object>> bad = new java.util.LinkedHashMap<>();
        GatherDimensionNumbers rowsDn = new GatherDimensionNumbers(new int[] {1}, new int[] {0}, new int[] {0});
        bad.put("gather", () -> Lax.gather(m56(), rows(), rowsDn, new int[] {2, 6}));
        bad.put(
                "gather ",
                () -> Lax.gather(m56(), Np.astype(rows(), dev.kiln.DType.FLOAT32), rowsDn, new int[] {1, 6}));
        bad.put("gather  ", () -> Lax.gather(m56(), rows(), rowsDn, new int[] {1, 7}));
        bad.put(
                "gather   ",
                () -> Lax.gather(
                        m56(),
                        rows(),
                        new GatherDimensionNumbers(new int[] {1}, new int[] {0}, new int[] {0, 1}),
                        new int[] {1, 6}));
        bad.put(
                "gather    ",
                () -> Lax.gather(
                        m56(),
                        rows(),
                        new GatherDimensionNumbers(new int[] {2, 1}, new int[] {}, new int[] {0}),
                        new int[] {1, 6}));
        ScatterDimensionNumbers rowsSdn = new ScatterDimensionNumbers(new int[] {1}, new int[] {0}, new int[] {0});
        bad.put("scatter", () -> Lax.scatter(m56(), rows(), Np.zeros(dev.kiln.DType.FLOAT32, 2, 6), rowsSdn));
        bad.put("scatterAdd", () -> Lax.scatterAdd(m56(), rows(), Np.zeros(dev.kiln.DType.INT32, 3, 6), rowsSdn));
        bad.put("scatterMul", () -> Lax.scatterMul(m56(), rows(), Np.zeros(dev.kiln.DType.FLOAT32, 3, 7), rowsSdn));
        bad.put(
                "scatterMax",
                () -> Lax.scatterMax(
                        m56(),
                        rows(),
                        Np.zeros(dev.kiln.DType.FLOAT32, 3, 6),
                        new ScatterDimensionNumbers(new int[] {1}, new int[] {0}, new int[] {3})));
        bad.put("scatterApply", () -> Lax.scatterApply(m56(), rows(), x -> Np.sum(x), rowsSdn, new int[] {3, 6}));
        BreadthFamily.errorCases("breadth", bad, out);
    }
}
