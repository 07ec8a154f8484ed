package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Np;
import dev.kiln.Shape;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reductions over every combination of axes of 1-, 2- and 3-d arrays (and the empty list of axes,
 * and all axes), with and without keepdims, arrays with an empty axis, corner values, and long rows
 * where accumulation error shows. The oracle folds in double (or exact integers) in Java; float
 * results are judged relative to the sum of the magnitudes of the terms, by {@link Tolerance}.
 */
final class ReductionFamily implements Family {
    private static final List<DType> SUM_TYPES =
            List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT32, DType.BOOL);
    private static final List<DType> ORDERED =
            List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT32);
    private static final List<DType> MOSTLY_FLOAT = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32);
    private static final int[][] SHAPES = {{13}, {7, 13}, {3, 4, 5}, {2, 0, 3}, {}};

    @Override
    public String name() {
        return "reductions";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        axisCases(out, "sum", SUM_TYPES);
        axisCases(out, "prod", List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.BOOL));
        axisCases(out, "max", ORDERED);
        axisCases(out, "min", ORDERED);
        axisCases(out, "mean", MOSTLY_FLOAT);
        axisCases(out, "var", MOSTLY_FLOAT);
        axisCases(out, "std", List.of(DType.FLOAT32, DType.FLOAT64));
        axisCases(out, "all", List.of(DType.BOOL, DType.FLOAT32, DType.INT32));
        axisCases(out, "any", List.of(DType.BOOL, DType.FLOAT32, DType.INT32));
        axisCases(out, "logSumExp", List.of(DType.FLOAT32, DType.FLOAT64));
        for (String op : List.of("argmax", "argmin")) {
            for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.UINT32)) {
                argCases(out, op, t);
            }
        }
        for (String op : List.of("cumsum", "cumprod")) {
            for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.BOOL)) {
                cumulativeCases(out, op, t);
            }
        }
        cornerCases(out);
        longRows(out);
        return out;
    }

    // ---------------------------------------------------------------- case lists

    private void axisCases(List<Case> out, String op, List<DType> dtypes) {
        boolean needsNonEmpty = op.equals("max") || op.equals("min");
        for (DType t : dtypes) {
            for (int[] shape : SHAPES) {
                int rank = shape.length;
                // every subset of the axes, as a bit mask; all axes also as "none" (the no-axis overload)
                for (int mask = -1; mask < (1 << rank); mask++) {
                    int[] axes = mask < 0 ? null : axesOf(mask, rank);
                    if (needsNonEmpty && reducesEmpty(shape, axes)) {
                        continue;
                    }
                    boolean[] keeps =
                            mask == (1 << rank) - 1 || mask == 1 ? new boolean[] {false, true} : new boolean[] {false};
                    for (boolean keep : keeps) {
                        int[] ddofs = op.equals("var") || op.equals("std") ? new int[] {0, 1} : new int[] {0};
                        for (int ddof : ddofs) {
                            String caseName = Shape.toString(shape) + " axes="
                                    + (axes == null ? "all" : Arrays.toString(axes)) + (keep ? " keepdims" : "")
                                    + (ddof != 0 ? " ddof=1" : "");
                            out.add(new Case(name(), op, t.jaxName(), caseName, () -> {
                                Gen g = new Gen(op + t + caseName);
                                HostBuffer x = op.equals("all") || op.equals("any")
                                        ? g.mostlyNonZero(t, shape)
                                        : g.random(t, domain(op), shape);
                                checkReduce(op, x, axes, keep, ddof);
                            }));
                        }
                    }
                }
            }
            // a single int axis, negative, through the (x, int axis) overload
            out.add(new Case(name(), op, t.jaxName(), "(7,13) axis=-1", () -> {
                HostBuffer x = new Gen(op + t + "neg").random(t, domain(op), 7, 13);
                var reduced = HostReduce.reduce(op, x, new int[] {1}, false, 0);
                HostBuffer expected = reduced.value();
                Supplier<Array> f = () -> reduceOne(op, Host.array(x), -1);
                // the relative rule scales with sum|terms|, so the comparison with the reference needs it too
                HostBuffer actual =
                        Check.againstReference(op, rule(op, expected.spec().dtype(), 13), reduced.scale(), f);
                Check.same(
                        op + " vs Java",
                        expected,
                        actual,
                        rule(op, expected.spec().dtype(), 13),
                        reduced.scale());
            }));
        }
    }

    private static Gen.Domain domain(String op) {
        return switch (op) {
            case "prod" -> Gen.Domain.uniform(0.5, 1.5);
            case "all", "any" -> Gen.Domain.uniform(-1, 1);
            default -> Gen.Domain.uniform(-3, 3);
        };
    }

    private void argCases(List<Case> out, String op, DType t) {
        for (int[] shape : new int[][] {{13}, {7, 13}, {3, 4, 5}, {129}}) {
            for (int axis = -1; axis < shape.length; axis++) {
                for (boolean keep : axis == 0 ? new boolean[] {false, true} : new boolean[] {false}) {
                    Integer ax = axis < 0 ? null : axis;
                    String caseName =
                            Shape.toString(shape) + " axis=" + (ax == null ? "none" : ax) + (keep ? " keepdims" : "");
                    out.add(new Case(name(), op, t.jaxName(), caseName, () -> {
                        // a narrow range gives ties, where the first index must win
                        HostBuffer x = new Gen(op + t + caseName).random(t, Gen.Domain.uniform(0, 6), shape);
                        checkArg(op, x, ax, keep);
                    }));
                }
            }
        }
    }

    private void cumulativeCases(List<Case> out, String op, DType t) {
        for (int[] shape : new int[][] {{13}, {7, 13}, {3, 4, 5}, {129}, {2, 0}}) {
            for (int axis = -1; axis < shape.length; axis++) {
                Integer ax = axis < 0 ? null : axis;
                String caseName = Shape.toString(shape) + " axis=" + (ax == null ? "none" : ax);
                out.add(new Case(name(), op, t.jaxName(), caseName, () -> {
                    HostBuffer x =
                            new Gen(op + t + caseName).random(t, domain(op.equals("cumprod") ? "prod" : op), shape);
                    checkCumulative(op, x, ax);
                }));
            }
        }
    }

    private void cornerCases(List<Case> out) {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (String op : List.of("sum", "prod", "max", "min", "mean", "logSumExp", "all", "any")) {
                out.add(new Case(name(), op, t.jaxName(), "corner values", () -> {
                    HostBuffer c = Gen.corners(t);
                    // each row gets a different mix: all corners, no NaN, only finite, -inf and finite
                    HostBuffer x = cornerRows(c);
                    checkReduce(op, x, new int[] {1}, false, 0);
                }));
            }
            for (String op : List.of("argmax", "argmin")) {
                out.add(new Case(name(), op, t.jaxName(), "corner values", () -> {
                    checkArg(op, cornerRows(Gen.corners(t)), 1, false);
                }));
            }
        }
    }

    /** Four rows of the corner values: as they are, NaN removed, only finite, and only infinities and zeros. */
    private static HostBuffer cornerRows(HostBuffer c) {
        int n = c.spec().size();
        double[] v = Host.doubles(c);
        double[] rows = new double[4 * n];
        for (int i = 0; i < n; i++) {
            double x = v[i];
            rows[i] = x;
            rows[n + i] = Double.isNaN(x) ? 1 : x;
            rows[2 * n + i] = Double.isFinite(x) ? x : 0.5;
            rows[3 * n + i] = Double.isInfinite(x) || x == 0 ? x : -0.0;
        }
        return Host.of(c.spec().dtype(), new int[] {4, n}, rows);
    }

    private void longRows(List<Case> out) {
        // long rows show accumulation error; sizes stay cheap on the reference backend
        record Row(String op, DType t, int[] shape, int[] axes) {}
        List<Row> rows = List.of(
                new Row("sum", DType.FLOAT32, new int[] {1_000_000}, null),
                new Row("sum", DType.FLOAT64, new int[] {200_003}, null),
                new Row("sum", DType.FLOAT32, new int[] {3, 100_003}, new int[] {1}),
                new Row("sum", DType.FLOAT32, new int[] {100_003, 3}, new int[] {0}),
                new Row("sum", DType.INT32, new int[] {300_007}, null),
                new Row("mean", DType.FLOAT32, new int[] {250_000}, null),
                new Row("var", DType.FLOAT32, new int[] {100_000}, null),
                new Row("max", DType.FLOAT32, new int[] {300_007}, null),
                new Row("logSumExp", DType.FLOAT32, new int[] {100_000}, null),
                new Row("cumsum", DType.FLOAT32, new int[] {100_003}, null),
                new Row("argmax", DType.FLOAT32, new int[] {300_007}, null));
        for (Row r : rows) {
            String caseName =
                    "long " + Shape.toString(r.shape) + " axes=" + (r.axes == null ? "all" : Arrays.toString(r.axes));
            out.add(new Case(name(), r.op, r.t.jaxName(), caseName, () -> {
                Gen.Domain d = r.op.equals("sum") && r.t.isFloating() ? Gen.Domain.uniform(0, 1) : domain(r.op);
                HostBuffer x = new Gen(r.op + r.t + caseName).random(r.t, d, r.shape);
                switch (r.op) {
                    case "cumsum" -> checkCumulative(r.op, x, null);
                    case "argmax" -> checkArg(r.op, x, null, false);
                    default -> checkReduce(r.op, x, r.axes, false, 0);
                }
            }));
        }
    }

    // ---------------------------------------------------------------- checks

    private static void checkReduce(String op, HostBuffer x, int[] axes, boolean keep, int ddof) {
        HostReduce.Result expected = HostReduce.reduce(op, x, axes, keep, ddof);
        long n = HostReduce.count(x.spec().shape(), axes);
        Rule rule = rule(op, expected.value().spec().dtype(), n);
        Supplier<Array> f = () -> reduce(op, Host.array(x), axes, keep, ddof);
        HostBuffer actual = Check.againstReference(op, rule, expected.scale(), f);
        Check.same(op + " vs Java", expected.value(), actual, rule, expected.scale());
    }

    private static void checkArg(String op, HostBuffer x, Integer axis, boolean keep) {
        HostBuffer expected = HostReduce.arg(op, x, axis, keep);
        Supplier<Array> f = () -> axis == null && !keep
                ? (op.equals("argmax") ? Np.argmax(Host.array(x)) : Np.argmin(Host.array(x)))
                : (op.equals("argmax") ? Np.argmax(Host.array(x), axis, keep) : Np.argmin(Host.array(x), axis, keep));
        HostBuffer actual = Check.againstReference(op, Tolerance.exact(), f);
        Check.same(op + " vs Java", expected, actual, Tolerance.exact(), null);
    }

    private static void checkCumulative(String op, HostBuffer x, Integer axis) {
        HostReduce.Result expected = HostReduce.cumulative(op, x, axis);
        int len = axis == null ? x.spec().size() : x.spec().dim(axis);
        Rule rule = rule(op, expected.value().spec().dtype(), len);
        Supplier<Array> f = () -> axis == null
                ? (op.equals("cumsum") ? Np.cumsum(Host.array(x)) : Np.cumprod(Host.array(x)))
                : (op.equals("cumsum") ? Np.cumsum(Host.array(x), axis) : Np.cumprod(Host.array(x), axis));
        HostBuffer actual = Check.againstReference(op, rule, expected.scale(), f);
        Check.same(op + " vs Java", expected.value(), actual, rule, expected.scale());
    }

    static Rule rule(String op, DType result, long n) {
        return switch (op) {
            case "all", "any" -> Tolerance.exact();
            default -> Tolerance.reduction(op, result, n);
        };
    }

    /** The Np reduction; {@code axes == null} uses the no-axis overload. */
    static Array reduce(String op, Array x, int[] axes, boolean keep, int ddof) {
        if (axes == null && !keep && ddof == 0) {
            return switch (op) {
                case "sum" -> Np.sum(x);
                case "prod" -> Np.prod(x);
                case "max" -> Np.max(x);
                case "min" -> Np.min(x);
                case "mean" -> Np.mean(x);
                case "var" -> Np.var(x);
                case "std" -> Np.std(x);
                case "all" -> Np.all(x);
                case "any" -> Np.any(x);
                case "logSumExp" -> Np.logSumExp(x);
                default -> throw new IllegalArgumentException(op);
            };
        }
        int[] ax = axes == null ? allAxes(x.ndim()) : axes;
        return switch (op) {
            case "sum" -> Np.sum(x, ax, keep);
            case "prod" -> Np.prod(x, ax, keep);
            case "max" -> Np.max(x, ax, keep);
            case "min" -> Np.min(x, ax, keep);
            case "mean" -> Np.mean(x, ax, keep);
            case "var" -> Np.var(x, ax, keep, ddof);
            case "std" -> Np.std(x, ax, keep, ddof);
            case "all" -> Np.all(x, ax, keep);
            case "any" -> Np.any(x, ax, keep);
            case "logSumExp" -> Np.logSumExp(x, ax, keep);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static Array reduceOne(String op, Array x, int axis) {
        return switch (op) {
            case "sum" -> Np.sum(x, axis);
            case "prod" -> Np.prod(x, axis);
            case "max" -> Np.max(x, axis);
            case "min" -> Np.min(x, axis);
            case "mean" -> Np.mean(x, axis);
            case "var" -> Np.var(x, axis);
            case "std" -> Np.std(x, axis);
            case "all" -> Np.all(x, axis);
            case "any" -> Np.any(x, axis);
            case "logSumExp" -> Np.logSumExp(x, axis);
            default -> throw new IllegalArgumentException(op);
        };
    }

    static int[] allAxes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }

    private static int[] axesOf(int mask, int rank) {
        int[] a = new int[Integer.bitCount(mask)];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if ((mask & (1 << i)) != 0) {
                a[k++] = i;
            }
        }
        return a;
    }

    private static boolean reducesEmpty(int[] shape, int[] axes) {
        int[] ax = axes == null ? allAxes(shape.length) : axes;
        for (int a : ax) {
            if (shape[a] == 0) {
                return true;
            }
        }
        return false;
    }
}
