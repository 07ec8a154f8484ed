package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.FInfo;
import dev.kiln.GatherDimensionNumbers;
import dev.kiln.GatherScatterMode;
import dev.kiln.IInfo;
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
            "Lax.scatterApply",
            "Lax.select",
            "Lax.stack",
            "Lax.tile",
            "Lax.indexTake",
            "Lax.mulhi",
            "Lax.raggedDot",
            "Lax.approxMaxK",
            "Lax.approxMinK",
            "Lax.dynamicUpdateIndexInDim");

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
            case "Lax.select" -> Lax.select(a[0], a[1], a[2]);
            case "Lax.stack" -> Lax.stack(a, integer(p, "axis"));
            case "Lax.unstack" -> Lax.unstack(a[0], integer(p, "axis"));
            case "Lax.tile" -> Lax.tile(a[0], ints(p, "reps"));
            case "Lax.broadcastShapes" -> shape(Lax.broadcastShapes(shapes(p.get("shapes"))));
            case "Lax.broadcastLike" -> Lax.broadcastLike(a[0], a[1]);
            case "Lax.dynamicUpdateIndexInDim" ->
                Lax.dynamicUpdateIndexInDim(a[0], a[1], integer(p, "index"), integer(p, "axis"));
            case "Lax.indexTake" -> Lax.indexTake(a[0], java.util.Arrays.copyOfRange(a, 1, a.length), ints(p, "axes"));
            case "Lax.mulhi" -> Lax.mulhi(a[0], a[1]);
            case "Lax.raggedDot" -> Lax.raggedDot(a[0], a[1], a[2]);
            case "Lax.empty" -> Lax.empty(ints(p, "shape"), DType.fromName(p.get("dtype")));
            case "Lax.approxMaxK" -> Lax.approxMaxK(a[0], integer(p, "k"), integer(p, "dim"), 0.95, -1, true);
            case "Lax.approxMinK" -> Lax.approxMinK(a[0], integer(p, "k"), integer(p, "dim"), 0.95, -1, true);
            case "Lax.convShapeTuple" ->
                shape(
                        p.containsKey("padname")
                                ? Lax.convShapeTuple(
                                        ints(p, "lhs"), ints(p, "rhs"), ints(p, "strides"), p.get("padname"))
                                : Lax.convShapeTuple(
                                        ints(p, "lhs"),
                                        ints(p, "rhs"),
                                        ints(p, "strides"),
                                        pairs(p.get("pads")),
                                        integer(p, "bgc")));
            case "Lax.convGeneralPermutations" -> {
                int[][] perms = Lax.convGeneralPermutations(p.get("dn").split(","));
                yield new Array[] {shape(perms[0]), shape(perms[1]), shape(perms[2])};
            }
            case "Lax.convTransposeShapeTuple" ->
                shape(
                        p.containsKey("padname")
                                ? Lax.convTransposeShapeTuple(
                                        ints(p, "lhs"),
                                        ints(p, "rhs"),
                                        ints(p, "strides"),
                                        p.get("padname"),
                                        p.get("dn").split(","))
                                : Lax.convTransposeShapeTuple(
                                        ints(p, "lhs"),
                                        ints(p, "rhs"),
                                        ints(p, "strides"),
                                        pairs(p.get("pads")),
                                        p.get("dn").split(",")));
            case "Lax.customLinearSolve" -> {
                Array mat = a[0];
                Function<Array, Array> mv = v -> Np.matmul(mat, v);
                boolean jacobi = p.get("solver").equals("jacobi");
                yield Lax.customLinearSolve(
                        mv,
                        a[1],
                        jacobi ? jacobi(mat) : (m, r) -> dev.kiln.Linalg.solve(mat, r),
                        jacobi ? jacobi(Np.transpose(mat)) : (m, r) -> dev.kiln.Linalg.solve(Np.transpose(mat), r),
                        "1".equals(p.get("symmetric")));
            }
            case "Lax.customRoot" ->
                Lax.customRoot(
                        (Array x, Array v) -> Np.subtract(Np.multiply(x, x), v),
                        Np.onesLike(a[0]),
                        a[0],
                        (g, x0) -> Lax.forLoop(
                                0,
                                30,
                                (i, x) -> Np.subtract(
                                        x,
                                        Np.divide(
                                                g.apply(x),
                                                dev.kiln.Kiln.jvp(g, x, Np.onesLike(x))
                                                        .tangent())),
                                x0),
                        (g, y) -> Np.divide(y, g.apply(Np.onesLike(y))));
            case "Lax.convGeneralDilatedPatches" -> {
                String[] dn = p.get("dn").equals("none") ? null : p.get("dn").split(",");
                int[] ld = BreadthFamily.ints(p.get("ld"));
                int[] rd = BreadthFamily.ints(p.get("rd"));
                yield p.containsKey("padname")
                        ? Lax.convGeneralDilatedPatches(
                                a[0], ints(p, "filter"), ints(p, "strides"), p.get("padname"), ld, rd, dn)
                        : Lax.convGeneralDilatedPatches(
                                a[0], ints(p, "filter"), ints(p, "strides"), pairs(p.get("pads")), ld, rd, dn);
            }
            case "Lax.convGeneralDilatedLocal" -> {
                String[] dn = p.get("dn").equals("none") ? null : p.get("dn").split(",");
                int[] ld = BreadthFamily.ints(p.get("ld"));
                int[] rd = BreadthFamily.ints(p.get("rd"));
                yield p.containsKey("padname")
                        ? Lax.convGeneralDilatedLocal(
                                a[0], a[1], ints(p, "strides"), p.get("padname"), ints(p, "filter"), ld, rd, dn)
                        : Lax.convGeneralDilatedLocal(
                                a[0], a[1], ints(p, "strides"), pairs(p.get("pads")), ints(p, "filter"), ld, rd, dn);
            }
            case "Lax.bitcastConvertType" -> Lax.bitcastConvertType(a[0], DType.fromName(p.get("to")));
            case "Np.bitwiseCount" -> Np.bitwiseCount(a[0]);
            case "Np.finfo" -> finfo(Np.finfo(DType.fromName(p.get("dtype"))), p.get("dtype"));
            case "Np.iinfo" -> iinfo(Np.iinfo(DType.fromName(p.get("dtype"))), p.get("dtype"));
            case "Np.packbits" -> Np.packbits(a[0], optional(p, "axis"), p.get("order"));
            case "Np.unpackbits" -> Np.unpackbits(a[0], optional(p, "axis"), optional(p, "count"), p.get("order"));
            default -> throw new IllegalArgumentException("no Kiln function for golden function '" + fn + "'");
        };
    }

    /**
     * An FInfo's fields as the golden line holds them: the float fields as float64 host data (exact
     * for every float dtype, and never rounded by a backend), the integer ones as int32.
     */
    private static Array[] finfo(FInfo f, String dtype) {
        Check.that(f.dtype().jaxName().equals(dtype), "finfo(" + dtype + ").dtype() is " + f.dtype());
        double[] floats = {
            f.eps(), f.epsneg(), f.max(), f.min(), f.tiny(), f.smallestNormal(), f.smallestSubnormal(), f.resolution()
        };
        int[] ints = {
            f.bits(), f.precision(), f.nmant(), f.nexp(), f.minexp(), f.maxexp(), f.machep(), f.negep(), f.iexp()
        };
        return new Array[] {Np.array(floats), Np.array(ints, ints.length)};
    }

    private static Array[] iinfo(IInfo i, String dtype) {
        Check.that(i.dtype().jaxName().equals(dtype), "iinfo(" + dtype + ").dtype() is " + i.dtype());
        Check.that(i.kind().equals(i.dtype().kind() == DType.Kind.SIGNED ? "i" : "u"), "iinfo kind " + i.kind());
        return new Array[] {
            Lax.convert(Np.array(new long[] {i.min(), i.max()}), i.dtype()), Np.array(new int[] {i.bits()}, 1)
        };
    }

    /** Jacobi iterations (a fixed count, as a forLoop): a solver whose steps are never differentiated. */
    private static java.util.function.BiFunction<Function<Array, Array>, Array, Array> jacobi(Array mat) {
        Array d = Np.diagonal(mat);
        return (mv, r) ->
                Lax.forLoop(0, 60, (i, x) -> Np.add(x, Np.divide(Np.subtract(r, mv.apply(x)), d)), Np.zerosLike(r));
    }

    private static Integer optional(Map<String, String> p, String key) {
        String v = p.get(key);
        return v == null || v.equals("none") ? null : Integer.valueOf(v);
    }

    private static int integer(Map<String, String> p, String key) {
        return Integer.parseInt(p.get(key));
    }

    /** A shape (or permutation) as an int32 array, the form the golden file holds it in. */
    private static Array shape(int[] s) {
        return Np.array(s, s.length);
    }

    /** Shapes written as {@code 2,1|3}, with {@code scalar} for rank 0. */
    private static int[][] shapes(String text) {
        String[] parts = text.split("\\|");
        int[][] out = new int[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parts[i].equals("scalar") ? new int[0] : BreadthFamily.ints(parts[i]);
        }
        return out;
    }

    /** Pairs written as {@code 1,1|0,2}. */
    private static int[][] pairs(String text) {
        String[] parts = text.split("\\|");
        int[][] out = new int[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = BreadthFamily.ints(parts[i]);
        }
        return out;
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
        Array i3 = Np.arange(3);
        bad.put("select", () -> Lax.select(Np.array(new int[] {1, 0, 1}), i3, i3));
        bad.put("select ", () -> Lax.select(Np.array(new boolean[] {true}), i3, Np.astype(i3, DType.FLOAT32)));
        bad.put("stack", () -> Lax.stack(new Array[] {i3, Np.astype(i3, DType.FLOAT32)}, 0));
        bad.put("stack ", () -> Lax.stack(new Array[] {i3, i3}, 2));
        bad.put("unstack", () -> Lax.unstack(i3, 1));
        bad.put("tile", () -> Lax.tile(m56(), new int[] {2}));
        bad.put("broadcastShapes", () -> Lax.broadcastShapes(new int[] {2, 3}, new int[] {4}));
        bad.put("broadcastLike", () -> Lax.broadcastLike(m56(), i3));
        bad.put("dynamicUpdateIndexInDim", () -> Lax.dynamicUpdateIndexInDim(m56(), Np.zeros(5, 6, 1), 0, 0));
        bad.put("indexTake", () -> Lax.indexTake(m56(), new Array[] {i3}, new int[] {0, 1}));
        bad.put("indexTake ", () -> Lax.indexTake(m56(), new Array[] {Np.astype(i3, DType.FLOAT32)}, new int[] {0}));
        bad.put("mulhi", () -> Lax.mulhi(m56(), m56()));
        bad.put("mulhi ", () -> Lax.mulhi(i3, Np.astype(i3, DType.INT64)));
        bad.put("approxMaxK", () -> Lax.approxMaxK(m56(), 7));
        bad.put("approxMinK", () -> Lax.approxMinK(Np.reshape(Np.arange(6), 2, 3), 2));
        bad.put(
                "convShapeTuple",
                () -> Lax.convShapeTuple(
                        new int[] {1, 2, 5}, new int[] {3, 2, 2}, new int[] {1}, new int[][] {{0, 0}, {1, 1}}, 1));
        bad.put(
                "convShapeTuple ",
                () -> Lax.convShapeTuple(
                        new int[] {1, 2, 5}, new int[] {3, 2, 2}, new int[] {1}, new int[][] {{-4, -4}}, 1));
        bad.put("convGeneralPermutations", () -> Lax.convGeneralPermutations(new String[] {"NCHW", "OIHW", "NCHH"}));
        bad.put(
                "convTransposeShapeTuple",
                () -> Lax.convTransposeShapeTuple(
                        new int[] {1, 2, 5}, new int[] {3, 2, 2}, new int[] {1}, "FULL", new String[] {
                            "NCH", "OIH", "NCH"
                        }));
        bad.put(
                "convGeneralDilatedPatches",
                () -> Lax.convGeneralDilatedPatches(
                        Np.zeros(1, 2, 5, 5), new int[] {3}, new int[] {1, 1}, "VALID", null, null, null));
        bad.put(
                "convGeneralDilatedPatches ",
                () -> Lax.convGeneralDilatedPatches(
                        Np.zeros(1, 2, 5, 5), new int[] {3, 3}, new int[] {1, 1}, "FULL", null, null, null));
        // the kernel's in-feature axis must be 2 channels x 9 filter positions, its spatial axes 3 x 3
        bad.put(
                "convGeneralDilatedLocal",
                () -> Lax.convGeneralDilatedLocal(
                        Np.zeros(1, 2, 5, 5),
                        Np.zeros(4, 17, 3, 3),
                        new int[] {1, 1},
                        "VALID",
                        new int[] {3, 3},
                        null,
                        null,
                        null));
        bad.put(
                "convGeneralDilatedLocal ",
                () -> Lax.convGeneralDilatedLocal(
                        Np.zeros(1, 2, 5, 5),
                        Np.zeros(4, 18, 3, 2),
                        new int[] {1, 1},
                        "VALID",
                        new int[] {3, 3},
                        null,
                        null,
                        null));
        bad.put(
                "convGeneralDilatedLocal  ",
                () -> Lax.convGeneralDilatedLocal(
                        Np.zeros(1, 2, 5, 5),
                        Np.zeros(4, 18, 3),
                        new int[] {1, 1},
                        "VALID",
                        new int[] {3, 3},
                        null,
                        null,
                        null));
        bad.put("bitcastConvertType", () -> Lax.bitcastConvertType(m56(), DType.INT64));
        bad.put("bitcastConvertType ", () -> Lax.bitcastConvertType(m56(), DType.BOOL));
        bad.put("bitwiseCount", () -> Np.bitwiseCount(m56()));
        bad.put("finfo", () -> Np.finfo(DType.INT32));
        bad.put("finfo ", () -> Np.finfo(Np.zeros(DType.BOOL, 2)));
        bad.put("iinfo", () -> Np.iinfo(DType.FLOAT32));
        bad.put("iinfo ", () -> Np.iinfo(DType.BOOL));
        bad.put("besselJn", () -> dev.kiln.Special.besselJn(Np.ones(3), -1));
        bad.put("besselJn ", () -> dev.kiln.Special.besselJn(Np.ones(3), 60));
        bad.put("owensT", () -> dev.kiln.Special.owensT(Np.ones(2), Np.ones(3)));
        bad.put("packbits", () -> Np.packbits(m56()));
        bad.put("packbits ", () -> Np.packbits(i3, 0, "middle"));
        bad.put("unpackbits", () -> Np.unpackbits(m56()));
        bad.put("unpackbits ", () -> Np.unpackbits(Lax.convert(i3, DType.UINT8), 1, null, "big"));
        bad.put("unpackbits  ", () -> Np.unpackbits(i3));
        BreadthFamily.errorCases("breadth", bad, out);
    }
}
