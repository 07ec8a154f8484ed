package dev.kiln.internal.fusion;

import dev.kiln.ir.Eqn;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.IndexMaps;
import java.util.Arrays;

/**
 * Where a kernel evaluates a value: an affine map from the kernel's iteration space to an element of
 * a program variable. It is always known as a linear map into the variable's row-major storage
 * ({@link #lin0} + Σ {@link #lin}[d]·p[d]), and usually also as a map into its multi-index
 * ({@link #off}, {@link #coef}), which transpose, broadcast, slice, rev and iota need; after a
 * reshape the multi-index form exists only when the linear map splits into digits (see {@link
 * IndexMaps#decompose}). Views compare by their linear form, which determines the element read at
 * every point.
 */
final class View {
    final int[] space;
    final int[] shape;
    /** Multi-index form, or null where only the linear form is known. */
    final long[] off;

    final long[][] coef;
    final long lin0;
    final long[] lin;

    private View(int[] space, int[] shape, long[] off, long[][] coef, long lin0, long[] lin) {
        this.space = space;
        this.shape = shape;
        this.off = off;
        this.coef = coef;
        this.lin0 = lin0;
        this.lin = lin;
    }

    /** The value of shape {@code space} at the point itself. */
    static View identity(int[] space) {
        int r = space.length;
        long[][] c = new long[r][r];
        for (int d = 0; d < r; d++) {
            if (space[d] > 1) {
                c[d][d] = 1;
            }
        }
        return multi(space, space, new long[r], c);
    }

    /** A view from its multi-index form; the linear form is derived. */
    static View multi(int[] space, int[] shape, long[] off, long[][] coef) {
        long[] rs = IndexMaps.rowMajor(shape);
        long l0 = 0;
        long[] l = new long[space.length];
        for (int k = 0; k < shape.length; k++) {
            l0 += off[k] * rs[k];
            for (int d = 0; d < space.length; d++) {
                if (space[d] > 1) {
                    coef[k][d] = shape[k] == 1 ? 0 : coef[k][d];
                    l[d] += coef[k][d] * rs[k];
                } else {
                    coef[k][d] = 0;
                }
            }
        }
        return new View(space, shape, off, coef, l0, l);
    }

    /** A view from its linear form; the multi-index form is recovered when it exists. */
    static View linear(int[] space, int[] shape, long lin0, long[] lin) {
        long[] l = lin.clone();
        for (int d = 0; d < space.length; d++) {
            if (space[d] <= 1) {
                l[d] = 0;
            }
        }
        IndexMaps.Digits digits = IndexMaps.decompose(lin0, l, space, shape);
        if (digits == null) {
            return new View(space, shape, null, null, lin0, l);
        }
        return new View(space, shape, digits.offsets(), digits.coefs(), lin0, l);
    }

    /**
     * The row-major walk of the kept axes of {@code space} (the output space of a reduction) seen
     * as a variable of {@code shape} with as many elements: how a reduction's result and its
     * epilogue sit in the kernel.
     */
    static View keptIdentity(int[] space, int[] reducedAxes, int[] shape) {
        long[] l = new long[space.length];
        long acc = 1;
        for (int d = space.length - 1; d >= 0; d--) {
            if (Arrays.binarySearch(reducedAxes, d) >= 0) {
                continue;
            }
            l[d] = space[d] > 1 ? acc : 0;
            acc *= space[d];
        }
        return linear(space, shape, 0, l);
    }

    boolean hasMulti() {
        return off != null;
    }

    int size() {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return (int) n;
    }

    /**
     * The view of operand {@code k} of {@code e} when {@code e}'s result is seen through this view,
     * or null when it cannot be expressed (a movement below a reshape whose digits do not split).
     */
    View operand(Eqn e, int k, int[] operandShape) {
        Primitive p = e.primitive();
        if (p.isElementwise()) {
            return this;
        }
        if (p == Primitive.RESHAPE) {
            return linear(space, operandShape, lin0, lin);
        }
        if (!hasMulti()) {
            return null;
        }
        int r = operandShape.length;
        long[] o = new long[r];
        long[][] c = new long[r][];
        switch (e.params()) {
            case Params.BroadcastInDim b -> {
                int[] dims = b.dims().toArray();
                for (int i = 0; i < r; i++) {
                    boolean expanded = operandShape[i] == 1;
                    o[i] = expanded ? 0 : off[dims[i]];
                    c[i] = expanded ? new long[space.length] : coef[dims[i]].clone();
                }
            }
            case Params.Transpose t -> {
                int[] perm = t.perm().toArray();
                for (int i = 0; i < r; i++) {
                    o[perm[i]] = off[i];
                    c[perm[i]] = coef[i].clone();
                }
            }
            case Params.Slice s -> {
                int[] start = s.start().toArray();
                int[] step = s.strides().toArray();
                for (int i = 0; i < r; i++) {
                    o[i] = start[i] + step[i] * off[i];
                    c[i] = scaled(coef[i], step[i]);
                }
            }
            case Params.Rev rev -> {
                for (int i = 0; i < r; i++) {
                    o[i] = off[i];
                    c[i] = coef[i].clone();
                }
                for (int a : rev.axes().toArray()) {
                    o[a] = operandShape[a] - 1 - off[a];
                    c[a] = scaled(coef[a], -1);
                }
            }
            default -> {
                return null;
            }
        }
        return multi(space, operandShape, o, c);
    }

    /** This view (over a space {@code inner.shape}) seen from the space of {@code inner}: {@code this ∘ inner}. */
    View compose(View inner) {
        int[] s = inner.space;
        if (hasMulti()) {
            long[] o = new long[shape.length];
            long[][] c = new long[shape.length][s.length];
            for (int k = 0; k < shape.length; k++) {
                o[k] = off[k];
                for (int j = 0; j < space.length; j++) {
                    o[k] += coef[k][j] * inner.off[j];
                    for (int d = 0; d < s.length; d++) {
                        c[k][d] += coef[k][j] * inner.coef[j][d];
                    }
                }
            }
            return multi(s, shape, o, c);
        }
        long l0 = lin0;
        long[] l = new long[s.length];
        for (int j = 0; j < space.length; j++) {
            l0 += lin[j] * inner.off[j];
            for (int d = 0; d < s.length; d++) {
                l[d] += lin[j] * inner.coef[j][d];
            }
        }
        return linear(s, shape, l0, l);
    }

    /**
     * Whether the view meets every element of its variable exactly once when {@code phaseDims}
     * range over the space (the other axes' coefficients are zero): the condition for writing it.
     */
    boolean bijective(int[] phaseDims) {
        long points = 1;
        for (int d : phaseDims) {
            points *= space[d];
        }
        if (points != size()) {
            return false;
        }
        int[] dims = Arrays.stream(phaseDims)
                .filter(d -> space[d] > 1)
                .boxed()
                .sorted((a, b) -> Long.compare(Math.abs(lin[a]), Math.abs(lin[b])))
                .mapToInt(Integer::intValue)
                .toArray();
        long expect = 1;
        long low = lin0;
        for (int d : dims) {
            if (Math.abs(lin[d]) != expect) {
                return false;
            }
            if (lin[d] < 0) {
                low += lin[d] * (space[d] - 1);
            }
            expect *= space[d];
        }
        return low == 0;
    }

    /** Whether this is the row-major walk of {@code phaseDims} with nothing else: a value's own position. */
    boolean isRowMajor(int[] phaseDims) {
        if (lin0 != 0) {
            return false;
        }
        long acc = 1;
        for (int i = phaseDims.length - 1; i >= 0; i--) {
            int d = phaseDims[i];
            if (space[d] > 1 && lin[d] != acc) {
                return false;
            }
            acc *= space[d];
        }
        for (int d = 0; d < space.length; d++) {
            if (Arrays.binarySearch(phaseDims, d) < 0 && lin[d] != 0) {
                return false;
            }
        }
        return acc == size();
    }

    int[] strides() {
        int[] s = new int[lin.length];
        for (int d = 0; d < s.length; d++) {
            s[d] = Math.toIntExact(lin[d]);
        }
        return s;
    }

    private static long[] scaled(long[] row, long by) {
        long[] r = new long[row.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = row[i] * by;
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof View v && v.lin0 == lin0 && Arrays.equals(v.lin, lin) && Arrays.equals(v.shape, shape);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(lin0) * 31 + Arrays.hashCode(lin)) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "offset " + lin0 + " strides " + Arrays.toString(lin);
    }
}
