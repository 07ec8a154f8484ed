package dev.kiln.conformance.families;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.spi.HostBuffer;

/**
 * Reductions computed in Java as the oracle: floats folded in double and rounded once, integers
 * folded exactly and wrapped to the dtype. Each result comes with the per-element scale that
 * relative tolerances use (the sum of the magnitudes of the terms).
 */
final class HostReduce {
    private HostReduce() {}

    record Result(HostBuffer value, double[] scale) {}

    /** The number of elements folded into each output element. */
    static long count(int[] shape, int[] axes) {
        long n = 1;
        for (int a : axes == null ? ReductionFamily.allAxes(shape.length) : axes) {
            n *= shape[a];
        }
        return n;
    }

    /** The dtype Kiln gives a reduction's result for input dtype {@code t}. */
    static DType resultType(String op, DType t) {
        return switch (op) {
            case "sum", "prod", "cumsum", "cumprod" -> t == DType.BOOL ? DType.INT32 : t;
            case "max", "min" -> t;
            case "all", "any" -> DType.BOOL;
            case "argmax", "argmin" -> DType.INT32;
            default -> t.isFloating() ? t : DType.FLOAT32; // mean, var, std, logSumExp
        };
    }

    /** For each input element, the flat index of the output element it folds into. */
    private static int[] groups(int[] shape, boolean[] reduced, int[] outShape) {
        int n = Shape.size(shape);
        int[] map = new int[n];
        int[] outStrides = new int[shape.length];
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (!reduced[d]) {
                outStrides[d] = stride;
                stride *= shape[d];
            }
        }
        int[] idx = new int[shape.length];
        for (int i = 0; i < n; i++) {
            int o = 0;
            for (int d = 0; d < shape.length; d++) {
                o += idx[d] * outStrides[d];
            }
            map[i] = o;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return map;
    }

    static Result reduce(String op, HostBuffer x, int[] axes, boolean keep, int ddof) {
        int[] shape = x.spec().shape();
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes == null ? ReductionFamily.allAxes(shape.length) : axes) {
            reduced[a] = true;
        }
        int outRank = 0;
        for (boolean r : reduced) {
            outRank += r ? 0 : 1;
        }
        int[] outShape = new int[outRank];
        int[] keptShape = new int[shape.length];
        for (int d = 0, k = 0; d < shape.length; d++) {
            keptShape[d] = reduced[d] ? 1 : shape[d];
            if (!reduced[d]) {
                outShape[k++] = shape[d];
            }
        }
        int[] map = groups(shape, reduced, outShape);
        int m = Shape.size(outShape);
        long count = count(shape, axes);
        DType t = x.spec().dtype();
        DType rt = resultType(op, t);
        double[] scale = new double[m];
        int n = x.spec().size();
        for (int i = 0; i < n; i++) {
            scale[map[i]] += Math.abs(x.getDouble(i));
        }
        double[] real = new double[m];
        long[] integer = new long[m];
        switch (op) {
            case "sum", "prod" -> {
                boolean sum = op.equals("sum");
                if (rt.isFloating()) {
                    java.util.Arrays.fill(real, sum ? 0 : 1);
                    for (int i = 0; i < n; i++) {
                        real[map[i]] = sum ? real[map[i]] + x.getDouble(i) : real[map[i]] * x.getDouble(i);
                    }
                } else {
                    java.util.Arrays.fill(integer, sum ? 0 : 1);
                    for (int i = 0; i < n; i++) {
                        long v = x.getLong(i);
                        integer[map[i]] = Host.wrap(rt, sum ? integer[map[i]] + v : integer[map[i]] * v);
                    }
                }
            }
            case "max", "min" -> {
                boolean max = op.equals("max");
                if (t.isFloating()) {
                    java.util.Arrays.fill(real, max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
                    for (int i = 0; i < n; i++) {
                        double v = x.getDouble(i);
                        real[map[i]] = max ? Math.max(real[map[i]], v) : Math.min(real[map[i]], v);
                    }
                } else {
                    java.util.Arrays.fill(integer, max ? Long.MIN_VALUE : Long.MAX_VALUE);
                    for (int i = 0; i < n; i++) {
                        long v = x.getLong(i);
                        integer[map[i]] = max ? Math.max(integer[map[i]], v) : Math.min(integer[map[i]], v);
                    }
                }
            }
            case "all", "any" -> {
                boolean all = op.equals("all");
                java.util.Arrays.fill(integer, all ? 1 : 0);
                for (int i = 0; i < n; i++) {
                    boolean v = t.isFloating() ? x.getDouble(i) != 0 : x.getLong(i) != 0;
                    if (all && !v) {
                        integer[map[i]] = 0;
                    } else if (!all && v) {
                        integer[map[i]] = 1;
                    }
                }
            }
            case "mean", "var", "std" -> {
                double[] mean = new double[m];
                for (int i = 0; i < n; i++) {
                    mean[map[i]] += input(x, i, rt);
                }
                for (int j = 0; j < m; j++) {
                    mean[j] /= count;
                }
                if (op.equals("mean")) {
                    System.arraycopy(mean, 0, real, 0, m);
                    for (int j = 0; j < m; j++) {
                        scale[j] /= count;
                    }
                } else {
                    double[] sq = new double[m];
                    double[] sumSq = new double[m];
                    for (int i = 0; i < n; i++) {
                        double v = input(x, i, rt);
                        double dv = v - mean[map[i]];
                        sq[map[i]] += dv * dv;
                        sumSq[map[i]] += v * v;
                    }
                    for (int j = 0; j < m; j++) {
                        double var = sq[j] / Math.max(count - ddof, 0);
                        double s = sumSq[j] / Math.max(count - ddof, 1);
                        real[j] = op.equals("var") ? var : Math.sqrt(var);
                        scale[j] = op.equals("var") ? s : Math.sqrt(s);
                    }
                }
            }
            case "logSumExp" -> {
                double[] max = new double[m];
                java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
                for (int i = 0; i < n; i++) {
                    double v = input(x, i, rt);
                    max[map[i]] = Math.max(max[map[i]], v);
                }
                double[] sum = new double[m];
                for (int i = 0; i < n; i++) {
                    double shift = Double.isFinite(max[map[i]]) ? max[map[i]] : 0;
                    sum[map[i]] += Math.exp(input(x, i, rt) - shift);
                }
                for (int j = 0; j < m; j++) {
                    double shift = Double.isFinite(max[j]) ? max[j] : 0;
                    real[j] = Math.log(sum[j]) + shift;
                    scale[j] = (Double.isFinite(max[j]) ? Math.abs(max[j]) : 0) + Math.log(Math.max(count, 1)) + 1;
                }
            }
            default -> throw new IllegalArgumentException("no host reduction " + op);
        }
        int[] finalShape = keep ? keptShape : outShape;
        HostBuffer value = rt.isFloating() ? Host.of(rt, finalShape, real) : Host.ofLongs(rt, finalShape, integer);
        return new Result(value, scale);
    }

    /** Element {@code i} as the compute dtype sees it (rounded to float32 when that is where it is computed). */
    private static double input(HostBuffer x, int i, DType compute) {
        return Ops.round(compute, x.getDouble(i));
    }

    /** argmax/argmin: NaN counts as the extreme, and the first extreme index wins. */
    static HostBuffer arg(String op, HostBuffer x, Integer axis, boolean keep) {
        int[] shape = x.spec().shape();
        int[] work = axis == null ? new int[] {x.spec().size()} : shape;
        int a = axis == null ? 0 : axis;
        int[] strides = Shape.strides(work);
        int len = work[a];
        int[] outShape = remove(work, a);
        int m = Shape.size(outShape);
        long[] result = new long[m];
        boolean max = op.equals("argmax");
        int inner = strides[a];
        for (int j = 0; j < m; j++) {
            int outer = j / inner;
            int base = outer * len * inner + j % inner;
            int best = 0;
            double bv = x.getDouble(base);
            for (int k = 1; k < len && !Double.isNaN(bv); k++) {
                double v = x.getDouble(base + k * inner);
                if (Double.isNaN(v) || (max ? v > bv : v < bv)) {
                    best = k;
                    bv = v;
                }
            }
            result[j] = best;
        }
        int[] finalShape;
        if (!keep) {
            finalShape = outShape;
        } else if (axis == null) {
            finalShape = new int[shape.length];
            java.util.Arrays.fill(finalShape, 1);
        } else {
            finalShape = shape.clone();
            finalShape[a] = 1;
        }
        return Host.ofLongs(DType.INT32, finalShape, result);
    }

    /** cumsum/cumprod along an axis (flattened when {@code axis} is null), with running magnitude sums as scale. */
    static Result cumulative(String op, HostBuffer x, Integer axis) {
        int[] shape = axis == null ? new int[] {x.spec().size()} : x.spec().shape();
        int a = axis == null ? 0 : axis;
        DType rt = resultType(op, x.spec().dtype());
        int n = x.spec().size();
        int len = shape[a];
        int inner = Shape.strides(shape)[a];
        double[] real = new double[n];
        long[] integer = new long[n];
        double[] scale = new double[n];
        boolean sum = op.equals("cumsum");
        int lines = len == 0 ? 0 : n / len;
        for (int j = 0; j < lines; j++) {
            int base = (j / inner) * len * inner + j % inner;
            double acc = sum ? 0 : 1;
            long iacc = sum ? 0 : 1;
            double mag = 0;
            for (int k = 0; k < len; k++) {
                int i = base + k * inner;
                double v = x.getDouble(i);
                acc = sum ? acc + v : acc * v;
                iacc = Host.wrap(rt, sum ? iacc + x.getLong(i) : iacc * x.getLong(i));
                mag += Math.abs(v);
                real[i] = acc;
                integer[i] = iacc;
                scale[i] = mag;
            }
        }
        HostBuffer value = rt.isFloating() ? Host.of(rt, shape, real) : Host.ofLongs(rt, shape, integer);
        return new Result(value, scale);
    }

    private static int[] remove(int[] shape, int axis) {
        int[] out = new int[shape.length - 1];
        for (int d = 0, k = 0; d < shape.length; d++) {
            if (d != axis) {
                out[k++] = shape[d];
            }
        }
        return out;
    }
}
