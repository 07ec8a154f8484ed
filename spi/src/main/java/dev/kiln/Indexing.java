package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Basic indexing, gathers and one-hot encoding behind {@link Np}'s indexing functions. */
final class Indexing {
    private Indexing() {}

    /**
     * NumPy basic indexing: one SLICE for every integer and slice, REV for the axes read with a
     * negative step, and a RESHAPE that drops integer-indexed axes and inserts new ones.
     */
    static Array basic(Array x, Index... idx) {
        int[] s = x.shape();
        int rank = s.length;
        int consuming = 0;
        int ellipses = 0;
        for (Index i : idx) {
            if (i == null) {
                throw new IndexException("index: null entry in " + Arrays.toString(idx)
                        + "; use Index.all() for ':' or Index.newAxis() for None");
            }
            if (i instanceof Index.At || i instanceof Index.Slice) {
                consuming++;
            } else if (i instanceof Index.Ellipsis) {
                ellipses++;
            }
        }
        if (ellipses > 1) {
            throw new IndexException("index " + text(idx) + ": an index can only have a single ellipsis ('...')");
        }
        if (consuming > rank) {
            throw new IndexException("index " + text(idx) + ": too many indices for array: array is " + rank
                    + "-dimensional, but " + consuming + " were indexed");
        }
        List<Index> full = new ArrayList<>(idx.length + rank);
        for (Index i : idx) {
            if (i instanceof Index.Ellipsis) {
                for (int k = 0; k < rank - consuming; k++) {
                    full.add(Index.all());
                }
            } else {
                full.add(i);
            }
        }
        if (ellipses == 0) {
            for (int k = consuming; k < rank; k++) {
                full.add(Index.all());
            }
        }
        int[] start = new int[rank];
        int[] limit = new int[rank];
        int[] stride = new int[rank];
        List<Integer> reversed = new ArrayList<>();
        List<Integer> outShape = new ArrayList<>();
        int axis = 0;
        for (Index i : full) {
            switch (i) {
                case Index.NewAxis n -> outShape.add(1);
                case Index.At at -> {
                    int p = checkedPosition(idx, at.index(), axis, s[axis]);
                    start[axis] = p;
                    limit[axis] = p + 1;
                    stride[axis] = 1;
                    axis++;
                }
                case Index.Slice sl -> {
                    int[] r = sliceRange(sl, s[axis]);
                    int first = r[0];
                    int step = r[2];
                    int n = r[3];
                    if (n == 0) {
                        start[axis] = 0;
                        limit[axis] = 0;
                        stride[axis] = 1;
                    } else if (step > 0) {
                        start[axis] = first;
                        limit[axis] = first + (n - 1) * step + 1;
                        stride[axis] = step;
                    } else {
                        int last = first + (n - 1) * step;
                        start[axis] = last;
                        limit[axis] = first + 1;
                        stride[axis] = -step;
                        if (n > 1) {
                            reversed.add(axis);
                        }
                    }
                    outShape.add(n);
                    axis++;
                }
                case Index.Ellipsis e -> throw new AssertionError("ellipsis was expanded");
                case Index.Ints a -> throw new AssertionError("array indices go through AdvancedIndexing");
                case Index.Mask m -> throw new AssertionError("masks go through AdvancedIndexing");
            }
        }
        Array out = Lax.slice(x, start, limit, stride);
        out = Lax.rev(out, reversed.stream().mapToInt(Integer::intValue).toArray());
        return Lax.reshape(out, outShape.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Python's {@code slice.indices(size)} plus the element count: {first, stop, step, count}, where
     * the selected positions are {@code first, first+step, …} ({@code count} of them).
     */
    static int[] sliceRange(Index.Slice sl, int size) {
        int step = sl.step() == null ? 1 : sl.step();
        int lower = step > 0 ? 0 : -1;
        int upper = step > 0 ? size : size - 1;
        int start = bound(sl.start(), step > 0 ? lower : upper, size, lower, upper);
        int stop = bound(sl.stop(), step > 0 ? upper : lower, size, lower, upper);
        long span = step > 0 ? (long) stop - start : (long) start - stop;
        long abs = Math.abs((long) step);
        int count = span <= 0 ? 0 : (int) ((span + abs - 1) / abs);
        return new int[] {start, stop, step, count};
    }

    private static int bound(Integer value, int fallback, int size, int lower, int upper) {
        if (value == null) {
            return fallback;
        }
        long v = value;
        if (v < 0) {
            v += size;
            return (int) Math.max(v, lower);
        }
        return (int) Math.min(v, upper);
    }

    private static int checkedPosition(Index[] idx, int index, int axis, int size) {
        int p = index < 0 ? index + size : index;
        if (p < 0 || p >= size) {
            throw new IndexException("index " + text(idx) + ": index " + index + " is out of bounds for axis " + axis
                    + " with size " + size + "; use an index in [" + (-size) + ", " + (size - 1) + "]");
        }
        return p;
    }

    private static String text(Index[] idx) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < idx.length; i++) {
            b.append(i > 0 ? ", " : "").append(idx[i]);
        }
        return b.append(']').toString();
    }

    /** Indices of an integer dtype with negative values wrapped by adding {@code size}. */
    static Array wrapNegative(String fn, Array indices, int size) {
        DType t = indices.dtype();
        if (!t.isInteger()) {
            throw new DTypeException(fn + ": indices must be integers, got " + t
                    + "; astype(DType.INT32) them first (bool masks are not supported)");
        }
        if (t == DType.UINT32) {
            return indices;
        }
        Array negative = Lax.bind(Primitive.LT, indices, Np.full(t, 0, indices.shape()));
        Array wrapped = Lax.bind(Primitive.ADD, indices, Np.full(t, size, indices.shape()));
        return Lax.bind(Primitive.SELECT, negative, wrapped, indices);
    }

    static Array take(Array x, Array indices, int axis) {
        return take(x, indices, axis, "fill");
    }

    /**
     * {@code jnp.take(x, indices, axis, mode)}: "fill" (JAX's default: negative indices count from
     * the end, others out of range read the fill value), "clip" (clamped into range; negative
     * indices read element 0, as in JAX) or "wrap" (taken modulo the axis length).
     */
    static Array take(Array x, Array indices, int axis, String mode) {
        int a = Shape.axis("take", axis, x.ndim());
        if (!indices.dtype().isInteger()) {
            throw new DTypeException("take: indices must be integers, got " + indices.dtype()
                    + "; astype(DType.INT32) them first (for a bool mask use Np.index with Index.mask)");
        }
        int n = x.shape(a);
        Array q =
                switch (checkMode("take", mode, true)) {
                    case "fill" -> wrapNegative("take", indices, n);
                    case "clip" -> indices;
                    default -> n == 0 ? indices : Np.mod(indices, Np.full(indices.dtype(), n));
                };
        return gatherChecked("take", x, q, a, mode.equals("fill"), false);
    }

    /** The mode, checked: fill or clip (and wrap where allowed). */
    static String checkMode(String fn, String mode, boolean wrapAllowed) {
        java.util.Objects.requireNonNull(mode, "mode");
        if (mode.equals("fill") || mode.equals("clip") || (wrapAllowed && mode.equals("wrap"))) {
            return mode;
        }
        throw new KilnException(fn + ": unknown mode \"" + mode + "\"; use \"fill\" (JAX's default), \"clip\""
                + (wrapAllowed ? " or \"wrap\"" : ""));
    }

    /**
     * TAKE (or TAKE_ALONG_AXIS) of {@code q}, whose negative values are already resolved: with
     * {@code fill}, positions out of range read JAX's fill value (NaN, the most negative signed
     * integer, the largest unsigned one, true); otherwise they clamp.
     */
    private static Array gatherChecked(String fn, Array x, Array q, int axis, boolean fill, boolean along) {
        int n = x.shape(axis);
        if (n == 0 && q.size() > 0) {
            if (!fill) {
                throw new IndexException(fn + ": cannot take from axis " + axis + " of shape "
                        + Shape.toString(x.shape()) + " because it is empty; there is nothing to clamp the indices to");
            }
            int[] shape = along ? q.shape() : takeShape(x.shape(), q.shape(), axis);
            return Np.full(x.dtype(), fillValue(x.dtype()), shape);
        }
        Primitive p = along ? Primitive.TAKE_ALONG_AXIS : Primitive.TAKE;
        Array read = Lax.bind(p, new Params.Axis(axis), x, q);
        if (!fill || q.size() == 0) {
            return read;
        }
        DType t = q.dtype();
        Array ok = Lax.bind(
                Primitive.AND,
                Lax.bind(Primitive.GE, q, Np.full(t, 0, q.shape())),
                Lax.bind(Primitive.LT, q, Np.full(t, n, q.shape())));
        if (!along) {
            int[] dims = new int[q.ndim()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = axis + i;
            }
            ok = Lax.broadcastInDim(ok, read.shape(), dims);
        }
        return Lax.bind(Primitive.SELECT, ok, read, Np.full(x.dtype(), fillValue(x.dtype()), read.shape()));
    }

    private static int[] takeShape(int[] s, int[] is, int axis) {
        int[] out = new int[s.length - 1 + is.length];
        System.arraycopy(s, 0, out, 0, axis);
        System.arraycopy(is, 0, out, axis, is.length);
        System.arraycopy(s, axis + 1, out, axis + is.length, s.length - axis - 1);
        return out;
    }

    /** JAX's fill for out-of-range reads. */
    static double fillValue(DType t) {
        return switch (t) {
            case FLOAT32, FLOAT64 -> Double.NaN;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> -9.223372036854775808E18;
            case UINT32 -> 4294967295.0;
            case BOOL -> 1;
            case FLOAT16, BFLOAT16 -> Double.NaN;
            default -> t.kind() == DType.Kind.SIGNED ? Narrow.minValue(t) : Narrow.maxValue(t);
        };
    }

    static Array takeAlongAxis(Array x, Array indices, int axis) {
        return takeAlongAxis(x, indices, axis, "fill");
    }

    static Array takeAlongAxis(Array x, Array indices, int axis, String mode) {
        checkMode("takeAlongAxis", mode, false);
        int rank = x.ndim();
        if (indices.ndim() != rank) {
            throw new ShapeException("takeAlongAxis: indices of shape " + Shape.toString(indices.shape())
                    + " and array of shape " + Shape.toString(x.shape())
                    + " must have the same number of dimensions; expandDims the indices");
        }
        int a = Shape.axis("takeAlongAxis", axis, rank);
        int[] xs = x.shape();
        int[] is = indices.shape();
        int[] xOut = xs.clone();
        int[] iOut = is.clone();
        for (int d = 0; d < rank; d++) {
            if (d == a) {
                continue;
            }
            if (xs[d] != is[d] && xs[d] != 1 && is[d] != 1) {
                throw new ShapeException("takeAlongAxis: indices of shape " + Shape.toString(is)
                        + " do not broadcast against the array of shape " + Shape.toString(xs) + " in dimension " + d
                        + "; outside the axis the shapes must be equal or 1");
            }
            int n = Math.max(xs[d], is[d]);
            if (xs[d] == 0 || is[d] == 0) {
                n = 0;
            }
            xOut[d] = n;
            iOut[d] = n;
        }
        if (!indices.dtype().isInteger()) {
            throw new DTypeException("takeAlongAxis: indices must be integers, got " + indices.dtype()
                    + "; astype(DType.INT32) them first");
        }
        Array xb = Np.broadcastTo("takeAlongAxis", x, xOut);
        Array ib = Np.broadcastTo("takeAlongAxis", indices, iOut);
        return gatherChecked(
                "takeAlongAxis", xb, wrapNegative("takeAlongAxis", ib, xs[a]), a, mode.equals("fill"), true);
    }

    static Array oneHot(Array indices, int numClasses, DType dtype) {
        if (numClasses < 0) {
            throw new ShapeException("oneHot: numClasses must be >= 0, got " + numClasses);
        }
        Array idx = indices.dtype() == DType.BOOL ? Lax.convert(indices, DType.INT32) : indices;
        int r = idx.ndim();
        int[] shape = Arrays.copyOf(idx.shape(), r + 1);
        shape[r] = numClasses;
        int[] dims = new int[r];
        for (int i = 0; i < r; i++) {
            dims[i] = i;
        }
        Array classes = Lax.iota(idx.dtype(), shape, r);
        Array hit = Lax.bind(Primitive.EQ, Lax.broadcastInDim(idx, shape, dims), classes);
        return Lax.convert(hit, dtype);
    }

    static Array dynamicSlice(Array x, int[] starts, int[] sizes) {
        int[] s = x.shape();
        if (starts.length != s.length) {
            throw new ShapeException("dynamicSlice: " + starts.length + " starts given for an array of shape "
                    + Shape.toString(s) + "; give one start per dimension");
        }
        Array[] st = new Array[starts.length];
        for (int i = 0; i < starts.length; i++) {
            st[i] = Np.filled(DType.INT32, (long) starts[i]);
        }
        return Lax.dynamicSlice(x, st, sizes);
    }
}
