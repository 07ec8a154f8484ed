package dev.kiln;

import java.util.Arrays;

/**
 * {@link Lax#reduceWindow}, as {@code jax.lax.reduce_window} with a monoid: the operand is padded with
 * the initial value (between elements too, for base dilation), each window tap's strided view is
 * sliced out, and the views are combined elementwise. Built from pad, slice and elementwise
 * primitives, so every backend runs it and jit fuses the combination. Sums and products
 * differentiate through those parts; max and min carry their own rule, JAX's: the tangent of each
 * output is the tangent of the first element of its window (in row-major window order) that equals
 * the result, so ties send the whole cotangent to one element.
 */
final class ReduceWindow {
    private ReduceWindow() {}

    static Array apply(
            String fn,
            Array x,
            double init,
            Lax.Monoid op,
            int[] window,
            int[] strides,
            String padding,
            int[][] pairs,
            int[] baseDilation,
            int[] windowDilation) {
        java.util.Objects.requireNonNull(x, "x");
        java.util.Objects.requireNonNull(op, "computation");
        java.util.Objects.requireNonNull(window, "windowDimensions");
        int rank = x.ndim();
        if (window.length != rank) {
            throw new ShapeException(fn + ": windowDimensions " + Arrays.toString(window) + " has " + window.length
                    + " entries for an operand of shape " + Shape.toString(x.shape())
                    + "; give one window size per dimension (1 for dimensions not pooled)");
        }
        for (int w : window) {
            if (w < 1) {
                throw new ShapeException(fn + ": windowDimensions " + Arrays.toString(window)
                        + " has an entry below 1; window sizes must be positive");
            }
        }
        if (x.dtype() == DType.BOOL) {
            throw new DTypeException(fn + ": boolean operands are not supported; astype to a number first");
        }
        int[] st = Convolution.positive(fn, "windowStrides", strides, rank);
        int[] bd = Convolution.positive(fn, "baseDilation", baseDilation, rank);
        int[] wd = Convolution.positive(fn, "windowDilation", windowDilation, rank);
        int[] eff = new int[rank];
        for (int i = 0; i < rank; i++) {
            eff[i] = Convolution.dilated(window[i], wd[i]);
        }
        int[][] pad;
        if (padding != null) {
            int[] base = new int[rank];
            for (int i = 0; i < rank; i++) {
                base[i] = Convolution.dilated(x.shape(i), bd[i]);
            }
            pad = Convolution.pads(fn, padding, base, eff, st);
        } else {
            pad = Convolution.checkPairs(fn, pairs, rank);
        }
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int padded = Convolution.dilated(x.shape(i), bd[i]) + pad[i][0] + pad[i][1];
            if (padded < eff[i]) {
                throw new ShapeException(fn + ": dimension " + i + " of the operand is " + padded
                        + " after padding and dilation but the (dilated) window is " + eff[i]
                        + "; pad more or use a smaller window");
            }
            out[i] = (padded - eff[i]) / st[i] + 1;
        }
        Plan plan = new Plan(init, op, window, st, pad, bd, wd, out);
        if (op == Lax.Monoid.MAX || op == Lax.Monoid.MIN) {
            return Kiln.<Array, Array>customJvp(plan::value, (p, t) -> {
                        Array y = plan.value(p);
                        return new Kiln.Jvp<>(y, plan.chosenTangent(p, t, y));
                    })
                    .apply(x);
        }
        return plan.value(x);
    }

    private record Plan(
            double init, Lax.Monoid op, int[] window, int[] strides, int[][] pad, int[] base, int[] dil, int[] out) {

        Array padded(Array x, double value) {
            int rank = x.ndim();
            int[] lo = new int[rank];
            int[] hi = new int[rank];
            int[] interior = new int[rank];
            boolean any = false;
            for (int i = 0; i < rank; i++) {
                lo[i] = pad[i][0];
                hi[i] = pad[i][1];
                interior[i] = base[i] - 1;
                any |= lo[i] != 0 || hi[i] != 0 || interior[i] != 0;
            }
            return any ? Lax.pad(x, scalar(x.dtype(), value), lo, hi, interior) : x;
        }

        /** The strided view of tap {@code tap} (row-major index into the window). */
        Array view(Array padded, int tap) {
            int rank = padded.ndim();
            int[] start = new int[rank];
            int[] limit = new int[rank];
            for (int i = rank - 1; i >= 0; i--) {
                start[i] = (tap % window[i]) * dil[i];
                tap /= window[i];
                limit[i] = start[i] + (out[i] - 1) * strides[i] + 1;
            }
            return Lax.slice(padded, start, limit, strides);
        }

        int taps() {
            int n = 1;
            for (int w : window) {
                n *= w;
            }
            return n;
        }

        Array value(Array x) {
            Array p = padded(x, init);
            Array acc = null;
            for (int t = 0; t < taps(); t++) {
                Array v = view(p, t);
                acc = acc == null ? v : combine(acc, v);
            }
            if (init != identity(x.dtype())) {
                acc = combine(acc, Np.full(x.dtype(), clamp(x.dtype(), init)));
            }
            return acc;
        }

        /** The tangent of the first element of each window that equals the result. */
        Array chosenTangent(Array x, Array t, Array y) {
            Array p = padded(x, init);
            Array pt = padded(t, 0);
            Array found = null;
            Array acc = null;
            for (int k = 0; k < taps(); k++) {
                Array hit = Np.equal(view(p, k), y);
                Array tk = view(pt, k);
                if (acc == null) {
                    acc = Np.where(hit, tk, Np.zerosLike(tk));
                    found = hit;
                } else {
                    acc = Np.where(Np.logicalAnd(hit, Np.logicalNot(found)), tk, acc);
                    found = Np.logicalOr(found, hit);
                }
            }
            return acc;
        }

        Array combine(Array a, Array b) {
            return switch (op) {
                case ADD -> Np.add(a, b);
                case MUL -> Np.multiply(a, b);
                case MAX -> Np.maximum(a, b);
                case MIN -> Np.minimum(a, b);
            };
        }

        double identity(DType t) {
            return switch (op) {
                case ADD -> 0;
                case MUL -> 1;
                case MAX -> t.isFloating() ? Double.NEGATIVE_INFINITY : Double.NaN;
                case MIN -> t.isFloating() ? Double.POSITIVE_INFINITY : Double.NaN;
            };
        }
    }

    /** A 0-d array of {@code dtype}; infinities become the integer type's extremes. */
    static Array scalar(DType dtype, double value) {
        return Np.full(dtype, clamp(dtype, value));
    }

    private static double clamp(DType dtype, double v) {
        if (dtype.isFloating() || !Double.isInfinite(v)) {
            return v;
        }
        return switch (dtype) {
            case INT32 -> v > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE;
            case UINT32 -> v > 0 ? 0xFFFFFFFFL : 0;
            case INT8, UINT8, INT16, UINT16 -> v > 0 ? Narrow.maxValue(dtype) : Narrow.minValue(dtype);
            default -> v > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        };
    }
}
