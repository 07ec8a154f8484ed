package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NumPy indexing with integer-array and mask entries, and the {@code at[]} updates. Every index is
 * turned into the flat (row-major) position of each selected element, an int32 array of the
 * result's shape, with a mask of the positions whose array indices were in range. A read is one
 * TAKE from the flattened array; an update is one SCATTER into it, with the out-of-range positions
 * sent out of range so that the scatter drops them.
 */
final class AdvancedIndexing {
    private AdvancedIndexing() {}

    /** The flat position of each selected element, and whether its array indices were in range (null: all were). */
    record Plan(Array flat, Array valid) {}

    static boolean isAdvanced(Index[] idx) {
        for (Index i : idx) {
            if (i instanceof Index.Ints || i instanceof Index.Mask) {
                return true;
            }
        }
        return false;
    }

    /** {@code x[idx]}: basic indexing as views, array indices as a gather (out-of-range positions clamp). */
    static Array get(String fn, Array x, Index[] idx) {
        if (!isAdvanced(idx)) {
            return Indexing.basic(x, idx);
        }
        return read(x, plan(fn, x, idx));
    }

    private static Array read(Array x, Plan plan) {
        if (x.size() == 0 || plan.flat.size() == 0) {
            return Np.zeros(x.dtype(), plan.flat.shape());
        }
        Array read = Lax.bind(Primitive.TAKE, new Params.Axis(0), Lax.reshape(x, x.size()), plan.flat);
        if (plan.valid == null) {
            return read;
        }
        // JAX reads an out-of-range position clamped but drops its cotangent (the transpose of its
        // gather is a scatter-add that drops out-of-range indices): the same value, no gradient there
        return Lax.bind(Primitive.SELECT, plan.valid, read, Kiln.stopGradient(read));
    }

    /** {@code x.at[idx].get(mode='fill', fill_value=fill)}: out-of-range positions read {@code fill}. */
    static Array getOrFill(String fn, Array x, Index[] idx, Object fill) {
        if (fill == null) {
            throw new NullPointerException(fn + ": fill is null; pass a number or a 0-d Array");
        }
        Array f = Np.operand(fill, x.dtype());
        if (!isAdvanced(idx)) {
            return Indexing.basic(x, idx);
        }
        Plan plan = plan(fn, x, idx);
        Array read = read(x, plan);
        if (plan.valid == null) {
            return read;
        }
        if (f.ndim() != 0) {
            throw new ShapeException(fn + ": the fill value must be 0-d, got shape " + Shape.toString(f.shape()));
        }
        return Lax.bind(Primitive.SELECT, plan.valid, read, Np.broadcastTo(fn, f, read.shape()));
    }

    /** {@code x.at[idx].<mode>(values)}: one scatter into the flattened array. */
    static Array update(String fn, Array x, Index[] idx, Object values, Params.Scatter.Mode mode) {
        if (values == null) {
            throw new NullPointerException(fn + ": values is null; pass an Array or a number");
        }
        Plan plan = plan(fn, x, idx, true);
        Array v = Np.operand(values, x.dtype());
        int[] target = plan.flat.shape();
        if (!broadcastsTo(v.shape(), target)) {
            throw new ShapeException(fn + ": values of shape " + Shape.toString(v.shape())
                    + " do not broadcast to the indexed shape " + Shape.toString(target)
                    + "; give values of that shape or one that broadcasts to it");
        }
        if (x.size() == 0 || plan.flat.size() == 0) {
            return x;
        }
        v = Np.broadcastTo(fn, v, target);
        Array positions = plan.flat;
        if (plan.valid != null) {
            positions = Lax.bind(Primitive.SELECT, plan.valid, positions, Np.full(DType.INT32, -1, target));
        }
        Array flatX = Lax.reshape(x, x.size());
        Array out = Lax.bind(Primitive.SCATTER, new Params.Scatter(0, mode), flatX, positions, v);
        return Lax.reshape(out, x.shape());
    }

    private static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) {
            return false;
        }
        for (int i = 0; i < from.length; i++) {
            int f = from[from.length - 1 - i];
            int t = to[to.length - 1 - i];
            if (f != 1 && f != t) {
                return false;
            }
        }
        return true;
    }

    /** The flat positions of {@code x[idx]}, with masks expanded into their (concrete) nonzero indices. */
    static Plan plan(String fn, Array x, Index[] idx) {
        return plan(fn, x, idx, false);
    }

    /**
     * The plan; with {@code dropOutOfRange} (updates), an integer out of range makes every
     * position invalid, so the update is dropped as JAX drops it, instead of an {@link IndexException}.
     */
    static Plan plan(String fn, Array x, Index[] idx, boolean dropOutOfRange) {
        NullChecks.elements(idx, "idx");
        int[] s = x.shape();
        int rank = s.length;
        int consuming = 0;
        int ellipses = 0;
        for (Index i : idx) {
            if (i instanceof Index.Ellipsis) {
                ellipses++;
            } else if (i instanceof Index.Mask m) {
                consuming += Math.max(m.mask().ndim(), 1);
            } else if (!(i instanceof Index.NewAxis)) {
                consuming++;
            }
        }
        if (ellipses > 1) {
            throw new IndexException(fn + ": an index can only have a single ellipsis ('...')");
        }
        if (consuming > rank) {
            throw new IndexException(fn + ": too many indices for array: array is " + rank + "-dimensional, but "
                    + consuming + " were indexed");
        }
        List<Index> full = new ArrayList<>();
        int cursor = 0;
        for (Index i : idx) {
            if (i instanceof Index.Ellipsis) {
                for (int k = 0; k < rank - consuming; k++) {
                    full.add(Index.all());
                    cursor++;
                }
            } else if (i instanceof Index.Mask m) {
                int[] ms = m.mask().shape();
                int[] covered = Arrays.copyOfRange(s, cursor, Math.min(cursor + ms.length, rank));
                if (!Arrays.equals(ms, covered)) {
                    throw new IndexException(fn + ": a boolean mask of shape " + Shape.toString(ms)
                            + " does not match the indexed dimensions " + Shape.toString(covered)
                            + " of an array of shape "
                            + Shape.toString(s) + "; give a mask of exactly those dimensions");
                }
                full.addAll(expandMask(fn, m.mask()));
                cursor += ms.length;
            } else {
                full.add(i);
                if (!(i instanceof Index.NewAxis)) {
                    cursor++;
                }
            }
        }
        if (ellipses == 0) {
            for (int k = consuming; k < rank; k++) {
                full.add(Index.all());
            }
        }
        boolean anyArray = false;
        for (Index i : full) {
            anyArray |= i instanceof Index.Ints;
        }
        // which entries are "advanced" (array indices, and integers when any array is present)
        int first = -1;
        int last = -1;
        int[] advShape = new int[0];
        for (int e = 0; e < full.size(); e++) {
            Index i = full.get(e);
            boolean adv = i instanceof Index.Ints || (anyArray && i instanceof Index.At);
            if (adv) {
                first = first < 0 ? e : first;
                last = e;
                if (i instanceof Index.Ints a) {
                    advShape = Np.broadcastShapes(fn, advShape, a.indices().shape());
                }
            }
        }
        boolean contiguous = true;
        for (int e = first; e >= 0 && e <= last; e++) {
            Index i = full.get(e);
            contiguous &= i instanceof Index.Ints || i instanceof Index.At;
        }
        // output layout: one entry per output dimension group
        List<Integer> outShape = new ArrayList<>();
        int advAt = -1;
        if (anyArray && !contiguous) {
            advAt = 0;
            for (int d : advShape) {
                outShape.add(d);
            }
        }
        int[] entryDim = new int[full.size()];
        for (int e = 0; e < full.size(); e++) {
            Index i = full.get(e);
            boolean adv = i instanceof Index.Ints || (anyArray && i instanceof Index.At);
            if (adv) {
                if (advAt < 0) {
                    advAt = outShape.size();
                    for (int d : advShape) {
                        outShape.add(d);
                    }
                }
                entryDim[e] = -1;
            } else if (i instanceof Index.Slice || i instanceof Index.NewAxis) {
                entryDim[e] = outShape.size();
                outShape.add(i instanceof Index.NewAxis ? 1 : 0); // slice lengths filled below
            } else {
                entryDim[e] = -1;
            }
        }
        int[] out = outShape.stream().mapToInt(Integer::intValue).toArray();
        int[] strides = Shape.strides(s);
        // slice lengths
        int axis = 0;
        for (int e = 0; e < full.size(); e++) {
            Index i = full.get(e);
            if (i instanceof Index.Slice sl) {
                out[entryDim[e]] = Indexing.sliceRange(sl, s[axis])[3];
            }
            if (!(i instanceof Index.NewAxis)) {
                axis++;
            }
        }
        int[] advDims = new int[advShape.length];
        for (int k = 0; k < advDims.length; k++) {
            advDims[k] = Math.max(advAt, 0) + k;
        }
        Array flat = Np.zeros(DType.INT32, out);
        Array valid = null;
        axis = 0;
        for (int e = 0; e < full.size(); e++) {
            Index i = full.get(e);
            switch (i) {
                case Index.NewAxis n -> {
                    continue;
                }
                case Index.At at -> {
                    int size = s[axis];
                    int p = at.index() < 0 ? at.index() + size : at.index();
                    if ((p < 0 || p >= size) && dropOutOfRange) {
                        Array none = Np.full(DType.BOOL, 0, out);
                        valid = valid == null ? none : Lax.bind(Primitive.AND, valid, none);
                        p = Math.max(0, Math.min(p, size - 1)); // any in-range position
                    }
                    if ((p < 0 || p >= size) && !dropOutOfRange) {
                        throw new IndexException(fn + ": index " + at.index() + " is out of bounds for axis " + axis
                                + " with size " + size + "; use an index in [" + (-size) + ", " + (size - 1) + "]");
                    }
                    flat = Lax.bind(Primitive.ADD, flat, Np.full(DType.INT32, (double) p * strides[axis], out));
                }
                case Index.Slice sl -> {
                    int[] r = Indexing.sliceRange(sl, s[axis]);
                    int n = r[3];
                    int dim = entryDim[e];
                    Array pos = Lax.bind(
                            Primitive.ADD,
                            Lax.bind(
                                    Primitive.MUL,
                                    Lax.iota(DType.INT32, new int[] {n}, 0),
                                    Np.full(DType.INT32, (double) r[2] * strides[axis], n)),
                            Np.full(DType.INT32, (double) r[0] * strides[axis], n));
                    flat = Lax.bind(Primitive.ADD, flat, Lax.broadcastInDim(pos, out, new int[] {dim}));
                }
                case Index.Ints a -> {
                    int size = s[axis];
                    Array q = a.indices();
                    DType t = q.dtype();
                    if (t != DType.UINT32) {
                        Array negative = Lax.bind(Primitive.LT, q, Np.full(t, 0, q.shape()));
                        q = Lax.bind(
                                Primitive.SELECT, negative, Lax.bind(Primitive.ADD, q, Np.full(t, size, q.shape())), q);
                    }
                    Array ok = Lax.bind(
                            Primitive.AND,
                            Lax.bind(Primitive.GE, q, Np.full(t, 0, q.shape())),
                            Lax.bind(Primitive.LT, q, Np.full(t, size, q.shape())));
                    Array clamped = Lax.bind(
                            Primitive.MIN,
                            Lax.bind(Primitive.MAX, q, Np.full(t, 0, q.shape())),
                            Np.full(t, Math.max(size - 1, 0), q.shape()));
                    Array term = Lax.bind(
                            Primitive.MUL,
                            Lax.convert(clamped, DType.INT32),
                            Np.full(DType.INT32, strides[axis], q.shape()));
                    flat = Lax.bind(Primitive.ADD, flat, spread(term, advShape, out, advDims));
                    Array v = spread(ok, advShape, out, advDims);
                    valid = valid == null ? v : Lax.bind(Primitive.AND, valid, v);
                }
                case Index.Mask m -> throw new AssertionError("masks were expanded");
                case Index.Ellipsis el -> throw new AssertionError("ellipsis was expanded");
            }
            axis++;
        }
        return new Plan(flat, valid);
    }

    /** An array of the advanced indices' (broadcastable) shape, placed at {@code dims} of {@code out}. */
    private static Array spread(Array a, int[] advShape, int[] out, int[] dims) {
        Array b = Np.broadcastTo("index", a, advShape);
        return Lax.broadcastInDim(b, out, dims);
    }

    /** A concrete mask as one integer index per dimension it covers (its nonzero positions). */
    private static List<Index> expandMask(String fn, Array mask) {
        if (mask.isTraced()) {
            throw new IndexException(fn + ": a boolean mask index needs concrete values, but the mask of shape "
                    + Shape.toString(mask.shape()) + " is traced (inside jit, grad or vmap); the result's size would"
                    + " depend on the data. Use Np.where(mask, a, b), or index with the arrays of"
                    + " Np.nonzero(mask, size, fill) for a static size");
        }
        if (mask.ndim() == 0) {
            throw new IndexException(fn + ": a 0-d boolean mask is not supported; index with a mask of at least one"
                    + " dimension, or use Np.where");
        }
        int count = (int) Np.sum(Lax.convert(mask, DType.INT32)).longItem();
        Array[] positions = Np.nonzero(mask, count, 0);
        List<Index> out = new ArrayList<>(positions.length);
        for (Array p : positions) {
            out.add(new Index.Ints(p));
        }
        return out;
    }

    static String text(Index[] idx) {
        return Arrays.toString(idx);
    }
}
