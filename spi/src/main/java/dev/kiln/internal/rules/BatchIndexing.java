package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.BatchRules.NOT_MAPPED;
import static dev.kiln.internal.rules.BatchRules.constant;
import static dev.kiln.internal.rules.BatchRules.firstMapped;
import static dev.kiln.internal.rules.BatchRules.insert;
import static dev.kiln.internal.rules.BatchRules.materialize;
import static dev.kiln.internal.rules.BatchRules.moveBatch;
import static dev.kiln.internal.rules.BatchRules.shift;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.internal.rules.BatchRules.Batched;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.List;

/**
 * Batching rules of the gathers. Kiln has no general gather or scatter primitive, so per-member
 * positions (batched indices or start indices) are expressed with TAKE on an array whose batch
 * and indexed dimensions are merged, and per-member updates with a mask and SELECT.
 */
final class BatchIndexing {
    private BatchIndexing() {}

    static Batched take(Params params, List<Array> values, int[] dims, int size) {
        return take(values.get(0), dims[0], values.get(1), dims[1], ((Params.Axis) params).axis(), size);
    }

    /** Indices and operand match outside the axis, so both just need the batch in one place. */
    static Batched takeAlongAxis(Params params, List<Array> values, int[] dims, int size) {
        int target = dims[firstMapped(dims)];
        Array x = materialize(values.get(0), dims[0], target, size);
        Array idx = materialize(values.get(1), dims[1], target, size);
        int axis = shift(((Params.Axis) params).axis(), target);
        return new Batched(Lax.bind(Primitive.TAKE_ALONG_AXIS, new Params.Axis(axis), x, idx), target);
    }

    static Batched dynamicSlice(Params params, List<Array> values, int[] dims, int size) {
        return dynamicSlice((Params.DynamicSlice) params, values, dims, size);
    }

    static Batched dynamicUpdateSlice(Params params, List<Array> values, int[] dims, int size) {
        return dynamicUpdateSlice(values, dims, size);
    }

    /**
     * TAKE along unbatched {@code axis}. With both operands batched, member {@code b} must read its
     * own slice: the batch is moved next to the axis and merged with it, and each index (clamped
     * first, as TAKE would) is offset by {@code b * n}.
     */
    static Batched take(Array x, int dx, Array idx, int di, int axis, int size) {
        if (dx == NOT_MAPPED && di == NOT_MAPPED) {
            // Reached from the gathers below, which apply this rule dimension by dimension.
            return new Batched(Lax.bind(Primitive.TAKE, new Params.Axis(axis), x, idx), NOT_MAPPED);
        }
        if (di == NOT_MAPPED) {
            Params.Axis params = new Params.Axis(shift(axis, dx));
            // The batch dimension precedes the axis (stays put) or follows the inserted index dims.
            int out = dx <= axis ? dx : dx - 1 + idx.ndim();
            return new Batched(Lax.bind(Primitive.TAKE, params, x, idx), out);
        }
        if (dx == NOT_MAPPED) {
            return new Batched(Lax.bind(Primitive.TAKE, new Params.Axis(axis), x, idx), axis + di);
        }
        Array xm = moveBatch(x, dx, axis);
        int n = xm.shape()[axis + 1];
        int[] merged = BatchRules.mergeBatchIntoAxis(xm.shape(), axis);
        Array ib = moveBatch(idx, di, 0);
        int[] is = ib.shape();
        Array offsets = Lax.bind(Primitive.MUL, Lax.iota(DType.INT32, is, 0), constant(DType.INT32, n, is));
        Array flat = Lax.bind(Primitive.ADD, clampToInt32(ib, 0, n - 1), offsets);
        return new Batched(Lax.bind(Primitive.TAKE, new Params.Axis(axis), Lax.reshape(xm, merged), flat), axis);
    }

    /**
     * Shared starts slice every member alike. Each batched start turns its dimension into a
     * per-member gather of {@code clamp(start) + iota(size)}, after one static window over the
     * dimensions whose starts are shared.
     */
    private static Batched dynamicSlice(Params.DynamicSlice ds, List<Array> values, int[] dims, int size) {
        Array x = values.get(0);
        int dx = dims[0];
        int[] sizes = ds.sizes().toArray();
        int rank = sizes.length;
        int[] full = unbatchedShape(x, dx);
        Array[] starts = new Array[rank];
        int[] window = sizes.clone();
        for (int k = 0; k < rank; k++) {
            Array st = values.get(k + 1);
            if (dims[k + 1] == NOT_MAPPED) {
                starts[k] = st;
            } else {
                starts[k] = constant(st.dtype(), 0);
                window[k] = full[k];
            }
        }
        Array cur = x;
        if (!Arrays.equals(window, full)) {
            cur = Lax.bind(
                    Primitive.DYNAMIC_SLICE,
                    new Params.DynamicSlice(batchWindow(window, dx, size)),
                    withBatchStart(x, starts, dx));
        }
        int dcur = dx;
        for (int k = 0; k < rank; k++) {
            if (dims[k + 1] == NOT_MAPPED) {
                continue;
            }
            int[] shape = {size, sizes[k]};
            Array start = Lax.broadcastInDim(clampToInt32(values.get(k + 1), 0, full[k] - sizes[k]), shape, 0);
            Array idx = Lax.bind(Primitive.ADD, start, Lax.iota(DType.INT32, shape, 1));
            Batched t = take(cur, dcur, idx, 0, k, size);
            cur = t.value();
            dcur = t.batchDim();
        }
        return new Batched(cur, dcur);
    }

    /**
     * Shared starts: one DYNAMIC_UPDATE_SLICE with a zero start for the batch dimension. Batched
     * starts: the update is gathered out to the operand's shape (position {@code p} reads update
     * element {@code p - start}) and selected where {@code 0 <= p - start < update size} in every
     * dimension.
     */
    private static Batched dynamicUpdateSlice(List<Array> values, int[] dims, int size) {
        Array x = values.get(0);
        Array u = values.get(1);
        int dx = dims[0];
        int du = dims[1];
        int rank = values.size() - 2;
        if (allUnmapped(dims, 2)) {
            int target = dx != NOT_MAPPED ? dx : du;
            Array[] ops = new Array[rank + 3];
            ops[0] = materialize(x, dx, target, size);
            ops[1] = materialize(u, du, target, size);
            Array[] withBatch =
                    withBatchStart(null, values.subList(2, values.size()).toArray(Array[]::new), target);
            System.arraycopy(withBatch, 1, ops, 2, rank + 1);
            return new Batched(Lax.bind(Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, ops), target);
        }
        int[] n = unbatchedShape(x, dx);
        int[] w = unbatchedShape(u, du);
        for (int k = 0; k < rank; k++) {
            if (w[k] == 0) {
                return new Batched(x, dx);
            }
        }
        int[] outShape = insert(n, 0, size);
        Array mask = null;
        for (int k = 0; k < rank; k++) {
            int ds = dims[k + 2];
            int[] relShape = ds == NOT_MAPPED ? new int[] {n[k]} : new int[] {size, n[k]};
            int[] startDims = ds == NOT_MAPPED ? new int[0] : new int[] {0};
            Array start = Lax.broadcastInDim(clampToInt32(values.get(k + 2), 0, n[k] - w[k]), relShape, startDims);
            Array rel = Lax.bind(Primitive.SUB, Lax.iota(DType.INT32, relShape, relShape.length - 1), start);
            Array inside = Lax.bind(
                    Primitive.AND,
                    Lax.bind(Primitive.GE, rel, constant(DType.INT32, 0, relShape)),
                    Lax.bind(Primitive.LT, rel, constant(DType.INT32, w[k], relShape)));
            // TAKE clamps rel into the update, so positions outside the window read some element
            // that the mask then discards.
            Batched t = take(u, du, rel, ds == NOT_MAPPED ? NOT_MAPPED : 0, k, size);
            u = t.value();
            du = t.batchDim();
            int[] maskDims = ds == NOT_MAPPED ? new int[] {k + 1} : new int[] {0, k + 1};
            Array m = Lax.broadcastInDim(inside, outShape, maskDims);
            mask = mask == null ? m : Lax.bind(Primitive.AND, mask, m);
        }
        Array xb = materialize(x, dx, 0, size);
        Array ub = materialize(u, du, 0, size);
        return new Batched(Lax.bind(Primitive.SELECT, mask, ub, xb), 0);
    }

    /** Integer indices clamped into {@code [lo, hi]} and converted to int32 (clamped values fit). */
    static Array clampToInt32(Array i, long lo, long hi) {
        // Clamping in int64 is exact for every integer dtype, including uint32 values above 2^31.
        Array v = i.dtype() == DType.INT32 ? i : Lax.convert(i, DType.INT64);
        int[] s = v.shape();
        v = Lax.bind(Primitive.MAX, v, constant(v.dtype(), lo, s));
        v = Lax.bind(Primitive.MIN, v, constant(v.dtype(), hi, s));
        return Lax.convert(v, DType.INT32);
    }

    private static int[] unbatchedShape(Array v, int d) {
        int[] s = v.shape();
        if (d == NOT_MAPPED) {
            return s;
        }
        int[] out = new int[s.length - 1];
        for (int i = 0, k = 0; i < s.length; i++) {
            if (i != d) {
                out[k++] = s[i];
            }
        }
        return out;
    }

    private static boolean allUnmapped(int[] dims, int from) {
        for (int i = from; i < dims.length; i++) {
            if (dims[i] != NOT_MAPPED) {
                return false;
            }
        }
        return true;
    }

    private static int[] batchWindow(int[] window, int dx, int size) {
        return dx == NOT_MAPPED ? window : insert(window, dx, size);
    }

    /** {@code x} followed by the starts, with a zero start inserted for a batch dimension at {@code dx}. */
    private static Array[] withBatchStart(Array x, Array[] starts, int dx) {
        Array[] ops = new Array[starts.length + (dx == NOT_MAPPED ? 1 : 2)];
        ops[0] = x;
        Array zero = constant(starts.length > 0 ? starts[0].dtype() : DType.INT32, 0);
        int j = 1;
        for (int k = 0; k < starts.length; k++) {
            if (k == dx) {
                ops[j++] = zero;
            }
            ops[j++] = starts[k];
        }
        if (dx == starts.length) {
            ops[j] = zero;
        }
        return ops;
    }
}
