package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@link Lax#gather} and the {@link Lax#scatter} family, written over Kiln's one-axis {@code TAKE}
 * and {@code SCATTER} primitives: every slice (window) element's position in the flattened operand
 * is computed from the start indices, clamped or masked by the mode, and one {@code TAKE} reads
 * them or one {@code SCATTER} combines the updates into them. So the functions differentiate (the
 * derivative of {@code TAKE} is a scatter-add; {@code SCATTER}'s rules give JAX's derivatives for
 * every combiner, min and max sharing the tangent between ties), batch under {@code vmap} and run
 * under {@code jit} on every backend through those primitives' rules.
 */
final class GatherScatter {
    private GatherScatter() {}

    /** Positions of every slice element in the flattened operand, and whether each slice fits. */
    private record Positions(Array flat, Array inBounds) {}

    // ---------------------------------------------------------------- gather

    static Array gather(
            Array operand,
            Array startIndices,
            GatherDimensionNumbers d,
            int[] sliceSizes,
            GatherScatterMode mode,
            Number fillValue) {
        String fn = "gather";
        Objects.requireNonNull(operand, "operand");
        Objects.requireNonNull(startIndices, "startIndices");
        Objects.requireNonNull(d, "dimensionNumbers");
        Objects.requireNonNull(sliceSizes, "sliceSizes");
        GatherScatterMode m = mode == null ? GatherScatterMode.PROMISE_IN_BOUNDS : mode;
        int r = operand.ndim();
        checkIndices(fn, startIndices);
        int nb = startIndices.ndim() - 1;
        int[] batch = Arrays.copyOf(startIndices.shape(), nb);
        if (sliceSizes.length != r) {
            throw new ShapeException(fn + ": sliceSizes has " + sliceSizes.length + " entries for an operand of rank "
                    + r + "; give one size per operand axis");
        }
        for (int i = 0; i < r; i++) {
            if (sliceSizes[i] < 0 || sliceSizes[i] > operand.shape(i)) {
                throw new ShapeException(fn + ": sliceSizes[" + i + "] = " + sliceSizes[i] + " does not fit axis " + i
                        + " of the operand (size " + operand.shape(i) + "); use a size in [0, " + operand.shape(i)
                        + "]");
            }
        }
        int[] offset = d.offsetDims();
        int[] collapsed = d.collapsedSliceDims();
        int[] obd = d.operandBatchingDims();
        int[] sibd = d.startIndicesBatchingDims();
        int outRank = nb + offset.length;
        sortedUnique(fn, "offsetDims", offset, outRank, "the result's rank");
        sortedUnique(fn, "collapsedSliceDims", collapsed, r, "the operand's rank");
        sortedUnique(fn, "operandBatchingDims", obd, r, "the operand's rank");
        checkCommon(
                fn,
                operand.shape(),
                startIndices,
                collapsed,
                "collapsedSliceDims",
                d.startIndexMap(),
                "startIndexMap",
                obd,
                sibd,
                "startIndicesBatchingDims");
        for (int c : collapsed) {
            if (sliceSizes[c] != 1) {
                throw new ShapeException(fn + ": collapsedSliceDims holds axis " + c + " whose slice size is "
                        + sliceSizes[c] + "; only axes of slice size 1 can be collapsed");
            }
        }
        for (int b : obd) {
            if (sliceSizes[b] != 1) {
                throw new ShapeException(fn + ": operandBatchingDims holds axis " + b + " whose slice size is "
                        + sliceSizes[b] + "; batching axes have slice size 1");
            }
        }
        if (offset.length + collapsed.length + obd.length != r) {
            throw new ShapeException(fn + ": offsetDims (" + offset.length + "), collapsedSliceDims ("
                    + collapsed.length + ") and operandBatchingDims (" + obd.length
                    + ") must together count the operand's rank " + r);
        }
        // every mode reads clamped starts; FILL_OR_DROP then replaces the slices that did not fit
        Positions pos = positions(operand.shape(), startIndices, d.startIndexMap(), obd, sibd, sliceSizes, true);
        Array read = Lax.bind(Primitive.TAKE, new Params.Axis(0), Np.reshape(operand, operand.size()), pos.flat);
        // drop the collapsed and batching axes (size 1), then put the batch axes between the offsets
        boolean[] dropped = new boolean[r];
        for (int c : collapsed) {
            dropped[c] = true;
        }
        for (int b : obd) {
            dropped[b] = true;
        }
        int[] kept = new int[outRank];
        System.arraycopy(batch, 0, kept, 0, nb);
        int k = nb;
        for (int i = 0; i < r; i++) {
            if (!dropped[i]) {
                kept[k++] = sliceSizes[i];
            }
        }
        Array out = Np.reshape(read, kept);
        int[] perm = new int[outRank];
        boolean[] isOffset = new boolean[outRank];
        for (int i = 0; i < offset.length; i++) {
            perm[offset[i]] = nb + i;
            isOffset[offset[i]] = true;
        }
        for (int o = 0, b = 0; o < outRank; o++) {
            if (!isOffset[o]) {
                perm[o] = b++;
            }
        }
        out = Lax.transpose(out, perm);
        if (m != GatherScatterMode.FILL_OR_DROP) {
            return out;
        }
        int[] batchInOut = new int[nb];
        for (int o = 0, b = 0; o < outRank; o++) {
            if (!isOffset[o]) {
                batchInOut[b++] = o;
            }
        }
        Array ok = Lax.broadcastInDim(pos.inBounds, out.shape(), batchInOut);
        Array fill = Np.broadcastTo(fillValue(fn, operand.dtype(), fillValue), out.shape());
        return Lax.bind(Primitive.SELECT, ok, out, fill);
    }

    /** JAX's fill value for an out-of-bounds gather: NaN, the least signed, the largest unsigned, true. */
    private static Array fillValue(String fn, DType t, Number given) {
        if (given != null) {
            if (t.isFloating()) {
                return Np.filled(t, given.doubleValue());
            }
            if (t == DType.BOOL) {
                return Np.astype(Np.filled(DType.INT32, given.doubleValue() != 0 ? 1L : 0L), DType.BOOL);
            }
            if (given instanceof Double || given instanceof Float) {
                double v = given.doubleValue();
                if (v != Math.rint(v)) {
                    throw new DTypeException(fn + ": fillValue " + v + " is not an integer, and the operand is " + t
                            + "; pass an integer fill value");
                }
            }
            return Np.filled(t, given.longValue());
        }
        if (t.isFloating()) {
            return Np.filled(t, Double.NaN);
        }
        if (t == DType.BOOL) {
            return Np.astype(Np.filled(DType.INT32, 1L), DType.BOOL);
        }
        return switch (t) {
            case INT32 -> Np.filled(t, (long) Integer.MIN_VALUE);
            case INT64 -> Np.filled(t, Long.MIN_VALUE);
            case UINT32 -> Np.filled(t, 0xFFFF_FFFFL);
            default -> Np.astype(Np.filled(DType.INT64, minOrMax(t)), t);
        };
    }

    private static long minOrMax(DType t) {
        String name = t.toString();
        int bits = t.byteSize() * 8;
        return name.startsWith("u") ? (bits == 64 ? -1L : (1L << bits) - 1) : -(1L << (bits - 1));
    }

    // ---------------------------------------------------------------- scatter

    /** How {@link #scatter} combines; APPLY is {@code scatterApply}'s. */
    enum Combine {
        SET("scatter", Params.Scatter.Mode.SET),
        ADD("scatterAdd", Params.Scatter.Mode.ADD),
        SUB("scatterSub", Params.Scatter.Mode.ADD),
        MUL("scatterMul", Params.Scatter.Mode.MUL),
        MIN("scatterMin", Params.Scatter.Mode.MIN),
        MAX("scatterMax", Params.Scatter.Mode.MAX);

        final String fn;
        final Params.Scatter.Mode mode;

        Combine(String fn, Params.Scatter.Mode mode) {
            this.fn = fn;
            this.mode = mode;
        }
    }

    static Array scatter(
            Combine c, Array operand, Array indices, Array updates, ScatterDimensionNumbers d, GatherScatterMode mode) {
        String fn = c.fn;
        Objects.requireNonNull(operand, "operand");
        Objects.requireNonNull(indices, "scatterIndices");
        Objects.requireNonNull(updates, "updates");
        Objects.requireNonNull(d, "dimensionNumbers");
        if (updates.dtype() != operand.dtype()) {
            throw new DTypeException(fn + ": updates are " + updates.dtype() + " but the operand is " + operand.dtype()
                    + "; lax scatters do not promote, convert the updates with Lax.convert");
        }
        Prepared p = prepare(fn, operand, indices, updates.shape(), d, mode);
        Array upd = Np.reshape(Lax.transpose(updates, p.updatePerm), p.flat.shape());
        if (c == Combine.SUB) {
            upd = Lax.neg(upd);
        }
        Array flatOperand = Np.reshape(operand, operand.size());
        Array out = Lax.bind(Primitive.SCATTER, new Params.Scatter(0, c.mode), flatOperand, p.flat, upd);
        return Np.reshape(out, operand.shape());
    }

    static Array scatterApply(
            Array operand,
            Array indices,
            Function<Array, Array> func,
            ScatterDimensionNumbers d,
            int[] updateShape,
            GatherScatterMode mode) {
        String fn = "scatterApply";
        Objects.requireNonNull(operand, "operand");
        Objects.requireNonNull(indices, "scatterIndices");
        Objects.requireNonNull(func, "func");
        Objects.requireNonNull(d, "dimensionNumbers");
        Objects.requireNonNull(updateShape, "updateShape");
        Prepared p = prepare(fn, operand, indices, updateShape, d, mode);
        // how many times each element is hit: func is applied that many times, as JAX does for repeats
        Array ones = Np.ones(DType.INT32, p.flat.shape());
        Array hits = Np.reshape(
                Lax.bind(
                        Primitive.SCATTER,
                        new Params.Scatter(0, Params.Scatter.Mode.ADD),
                        Np.zeros(DType.INT32, operand.size()),
                        p.flat,
                        ones),
                operand.shape());
        Array most = Np.max(hits);
        java.util.List<Array> init = java.util.List.of(Np.zeros(DType.INT32), operand);
        java.util.List<Array> done = Lax.whileLoop(
                s -> Np.less(s.get(0), most),
                s -> {
                    Array applied = func.apply(s.get(1));
                    if (applied == null) {
                        throw new KilnException(fn + ": func returned null; it must return an array");
                    }
                    if (!Arrays.equals(applied.shape(), operand.shape()) || applied.dtype() != operand.dtype()) {
                        throw new ShapeException(fn + ": func must keep the shape and dtype of its argument ("
                                + Shape.toString(operand.shape()) + " " + operand.dtype() + "), got "
                                + Shape.toString(applied.shape()) + " " + applied.dtype());
                    }
                    Array next = Lax.bind(Primitive.SELECT, Np.less(s.get(0), hits), applied, s.get(1));
                    return java.util.List.of(Np.add(s.get(0), 1), next);
                },
                init);
        return done.get(1);
    }

    /** The flat positions of a scatter and the permutation that brings the updates into their layout. */
    private record Prepared(Array flat, int[] updatePerm) {}

    private static Prepared prepare(
            String fn,
            Array operand,
            Array indices,
            int[] updShape,
            ScatterDimensionNumbers d,
            GatherScatterMode mode) {
        GatherScatterMode m = mode == null ? GatherScatterMode.FILL_OR_DROP : mode;
        int r = operand.ndim();
        checkIndices(fn, indices);
        int nb = indices.ndim() - 1;
        int[] uwd = d.updateWindowDims();
        int[] inserted = d.insertedWindowDims();
        int[] obd = d.operandBatchingDims();
        int[] sibd = d.scatterIndicesBatchingDims();
        sortedUnique(fn, "updateWindowDims", uwd, updShape.length, "the updates' rank");
        sortedUnique(fn, "insertedWindowDims", inserted, r, "the operand's rank");
        sortedUnique(fn, "operandBatchingDims", obd, r, "the operand's rank");
        checkCommon(
                fn,
                operand.shape(),
                indices,
                inserted,
                "insertedWindowDims",
                d.scatterDimsToOperandDims(),
                "scatterDimsToOperandDims",
                obd,
                sibd,
                "scatterIndicesBatchingDims");
        if (uwd.length + inserted.length + obd.length != r) {
            throw new ShapeException(fn + ": updateWindowDims (" + uwd.length + "), insertedWindowDims ("
                    + inserted.length + ") and operandBatchingDims (" + obd.length
                    + ") must together count the operand's rank " + r);
        }
        if (updShape.length != nb + uwd.length) {
            throw new ShapeException(fn + ": updates of rank " + updShape.length + " do not match " + nb
                    + " index batch axes and " + uwd.length + " window axes");
        }
        boolean[] skipped = new boolean[r];
        for (int i : inserted) {
            skipped[i] = true;
        }
        for (int i : obd) {
            skipped[i] = true;
        }
        int[] window = new int[r];
        for (int i = 0, w = 0; i < r; i++) {
            window[i] = skipped[i] ? 1 : updShape[uwd[w++]];
            if (window[i] > operand.shape(i)) {
                throw new ShapeException(fn + ": the update window is " + window[i] + " long along operand axis " + i
                        + " of size " + operand.shape(i) + "; windows must fit the operand");
            }
        }
        boolean[] isWindow = new boolean[updShape.length];
        for (int u : uwd) {
            isWindow[u] = true;
        }
        int[] perm = new int[updShape.length];
        int k = 0;
        for (int i = 0, b = 0; i < updShape.length; i++) {
            if (!isWindow[i]) {
                if (updShape[i] != indices.shape(b)) {
                    throw new ShapeException(fn + ": update axis " + i + " has size " + updShape[i]
                            + " but index batch axis " + b + " has size " + indices.shape(b) + " (indices "
                            + Shape.toString(indices.shape()) + ", updates " + Shape.toString(updShape) + ")");
                }
                b++;
                perm[k++] = i;
            }
        }
        for (int u : uwd) {
            perm[k++] = u;
        }
        Positions pos = positions(
                operand.shape(), indices, d.scatterDimsToOperandDims(), obd, sibd, window, m == GatherScatterMode.CLIP);
        Array flat = pos.flat;
        if (m != GatherScatterMode.CLIP) {
            int[] dims = new int[nb];
            for (int i = 0; i < nb; i++) {
                dims[i] = i;
            }
            Array ok = Lax.broadcastInDim(pos.inBounds, flat.shape(), dims);
            flat = Lax.bind(Primitive.SELECT, ok, flat, Np.full(flat.dtype(), -1, flat.shape()));
        }
        return new Prepared(flat, perm);
    }

    // ---------------------------------------------------------------- shared

    private static void checkIndices(String fn, Array indices) {
        if (!indices.dtype().isInteger()) {
            throw new DTypeException(fn + ": indices must be integers, got " + indices.dtype()
                    + "; convert them with Lax.convert(indices, DType.INT32)");
        }
        if (indices.ndim() < 1) {
            throw new ShapeException(fn + ": indices must have at least one axis (the last holds the start of each"
                    + " indexed operand axis); got a 0-d array, reshape it to [1]");
        }
    }

    private static void sortedUnique(String fn, String what, int[] v, int bound, String boundName) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= bound) {
                throw new AxisException(
                        fn + ": " + what + " holds " + v[i] + ", outside [0, " + bound + ") (" + boundName + ")");
            }
            if (i > 0 && v[i] <= v[i - 1]) {
                throw new AxisException(fn + ": " + what + " " + Arrays.toString(v)
                        + " must be strictly increasing (sorted, no repeats)");
            }
        }
    }

    private static void checkCommon(
            String fn,
            int[] opShape,
            Array indices,
            int[] collapsed,
            String collapsedName,
            int[] startMap,
            String startName,
            int[] obd,
            int[] ibd,
            String ibdName) {
        int r = opShape.length;
        int nb = indices.ndim() - 1;
        if (indices.shape(nb) != startMap.length) {
            throw new ShapeException(fn + ": the last axis of the indices has " + indices.shape(nb) + " entries but "
                    + startName + " " + Arrays.toString(startMap) + " has " + startMap.length
                    + "; they must be equal");
        }
        boolean[] seen = new boolean[r];
        for (int a : startMap) {
            if (a < 0 || a >= r) {
                throw new AxisException(
                        fn + ": " + startName + " holds " + a + ", outside [0, " + r + ") (the operand's rank)");
            }
            if (seen[a]) {
                throw new AxisException(fn + ": " + startName + " " + Arrays.toString(startMap) + " repeats axis " + a);
            }
            seen[a] = true;
        }
        for (int b : obd) {
            if (seen[b]) {
                throw new AxisException(fn + ": operandBatchingDims and " + startName + " share axis " + b
                        + "; a batching axis is indexed by position, not by the indices");
            }
        }
        for (int b : obd) {
            for (int c : collapsed) {
                if (b == c) {
                    throw new AxisException(fn + ": operandBatchingDims and " + collapsedName + " share axis " + b);
                }
            }
        }
        if (ibd.length != obd.length) {
            throw new ShapeException(fn + ": operandBatchingDims has " + obd.length + " axes but " + ibdName + " has "
                    + ibd.length + "; give one index axis per operand batching axis");
        }
        boolean[] used = new boolean[Math.max(nb, 0)];
        for (int i = 0; i < ibd.length; i++) {
            int a = ibd[i];
            if (a < 0 || a >= nb) {
                throw new AxisException(fn + ": " + ibdName + " holds " + a + ", outside [0, " + nb
                        + ") (the index batch axes; the last index axis holds the starts)");
            }
            if (used[a]) {
                throw new AxisException(fn + ": " + ibdName + " " + Arrays.toString(ibd) + " repeats axis " + a);
            }
            used[a] = true;
            if (indices.shape(a) != opShape[obd[i]]) {
                throw new ShapeException(fn + ": index axis " + a + " (size " + indices.shape(a)
                        + ") and operand batching axis " + obd[i] + " (size " + opShape[obd[i]]
                        + ") must have the same size");
            }
        }
    }

    /**
     * The position in the flattened operand of every window element, shape {@code batch + window},
     * from the starts (clamped into {@code [0, size - window]} when asked), and whether each window
     * fits (shape {@code batch}, from the unclamped starts).
     */
    private static Positions positions(
            int[] opShape, Array indices, int[] startMap, int[] obd, int[] ibd, int[] window, boolean clamp) {
        int r = opShape.length;
        int nb = indices.ndim() - 1;
        int[] batch = Arrays.copyOf(indices.shape(), nb);
        long size = 1;
        for (int n : opShape) {
            size *= n;
        }
        DType it = size < Integer.MAX_VALUE && indices.dtype() == DType.INT32 ? DType.INT32 : DType.INT64;
        Array idx = indices.dtype() == it ? indices : Lax.convert(indices, it);
        long[] strides = new long[r];
        long s = 1;
        for (int i = r - 1; i >= 0; i--) {
            strides[i] = s;
            s *= opShape[i];
        }
        Array base = Np.zeros(it, batch);
        Array ok = null;
        for (int i = 0; i < r; i++) {
            Array start = null;
            for (int k = 0; k < startMap.length; k++) {
                if (startMap[k] == i) {
                    start = Lax.indexInDim(idx, k, nb, false);
                    long hi = (long) opShape[i] - window[i];
                    Array fits = Np.logicalAnd(
                            Lax.bind(Primitive.GE, start, Np.full(it, 0, batch)),
                            Lax.bind(Primitive.LE, start, Np.full(it, hi, batch)));
                    ok = ok == null ? fits : Np.logicalAnd(ok, fits);
                    if (clamp) {
                        start = Lax.clamp(Np.filled(it, 0L), start, Np.filled(it, hi));
                    }
                }
            }
            for (int j = 0; j < obd.length; j++) {
                if (obd[j] == i) {
                    start = Lax.broadcastedIota(it, batch, ibd[j]);
                }
            }
            if (start != null && strides[i] != 0) {
                base = Np.add(base, Np.multiply(start, Np.filled(it, strides[i])));
            }
        }
        int[] full = new int[nb + r];
        System.arraycopy(batch, 0, full, 0, nb);
        System.arraycopy(window, 0, full, nb, r);
        Array offsets = Np.zeros(it, window);
        for (int i = 0; i < r; i++) {
            if (window[i] > 1) {
                offsets = Np.add(offsets, Np.multiply(Lax.iota(it, window, i), Np.filled(it, strides[i])));
            }
        }
        int[] bdims = new int[nb];
        for (int i = 0; i < nb; i++) {
            bdims[i] = i;
        }
        int[] wdims = new int[r];
        for (int i = 0; i < r; i++) {
            wdims[i] = nb + i;
        }
        Array flat = Np.add(Lax.broadcastInDim(base, full, bdims), Lax.broadcastInDim(offsets, full, wdims));
        if (ok == null) {
            ok = Np.astype(Np.ones(DType.INT32, batch), DType.BOOL);
        }
        return new Positions(flat, ok);
    }
}
