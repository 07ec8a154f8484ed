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

/** Batching rules of the shape and data-movement primitives, named by their definition blocks. */
final class BatchMovement {
    private BatchMovement() {}

    static Batched broadcastInDim(Params params, List<Array> values, int[] dims, int size) {
        return broadcastInDim((Params.BroadcastInDim) params, values.get(0), dims[0], size);
    }

    /** Row-major order only survives a reshape when the batch dimension leads. */
    static Batched reshape(Params params, List<Array> values, int[] dims, int size) {
        int[] shape = insert(((Params.Reshape) params).shape().toArray(), 0, size);
        return new Batched(
                Lax.bind(Primitive.RESHAPE, new Params.Reshape(shape), moveBatch(values.get(0), dims[0], 0)), 0);
    }

    static Batched transpose(Params params, List<Array> values, int[] dims, int size) {
        int d = dims[0];
        int[] perm = insert(shift(((Params.Transpose) params).perm().toArray(), d), 0, d);
        return new Batched(Lax.bind(Primitive.TRANSPOSE, new Params.Transpose(perm), values.get(0)), 0);
    }

    static Batched slice(Params params, List<Array> values, int[] dims, int size) {
        int d = dims[0];
        Params.Slice s = (Params.Slice) params;
        Params.Slice batched = new Params.Slice(
                insert(s.start().toArray(), d, 0),
                insert(s.limit().toArray(), d, size),
                insert(s.strides().toArray(), d, 1));
        return new Batched(Lax.bind(Primitive.SLICE, batched, values.get(0)), d);
    }

    static Batched pad(Params params, List<Array> values, int[] dims, int size) {
        return pad((Params.Pad) params, values.get(0), dims[0], values.get(1), dims[1], size);
    }

    static Batched concatenate(Params params, List<Array> values, int[] dims, int size) {
        int target = dims[firstMapped(dims)];
        Array[] ops = new Array[values.size()];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = materialize(values.get(i), dims[i], target, size);
        }
        int axis = shift(((Params.Axis) params).axis(), target);
        return new Batched(Lax.bind(Primitive.CONCATENATE, new Params.Axis(axis), ops), target);
    }

    static Batched rev(Params params, List<Array> values, int[] dims, int size) {
        int d = dims[0];
        Params.Rev batched = new Params.Rev(shift(((Params.Rev) params).axes().toArray(), d));
        return new Batched(Lax.bind(Primitive.REV, batched, values.get(0)), d);
    }

    /**
     * The batch dimension is inserted into the output just after the target of the operand
     * dimension before it, which keeps the dimension map increasing without a transpose.
     */
    private static Batched broadcastInDim(Params.BroadcastInDim b, Array x, int d, int size) {
        int[] dims = b.dims().toArray();
        int pos = d == 0 ? 0 : dims[d - 1] + 1;
        int[] newDims = new int[dims.length + 1];
        for (int i = 0; i < newDims.length; i++) {
            newDims[i] = i < d ? dims[i] : i == d ? pos : dims[i - 1] + 1;
        }
        Params.BroadcastInDim params =
                new Params.BroadcastInDim(insert(b.shape().toArray(), pos, size), newDims);
        return new Batched(Lax.bind(Primitive.BROADCAST_IN_DIM, params, x), pos);
    }

    /**
     * A shared padding value pads every batch member alike. A batched one cannot be a PAD operand
     * (it must be 0-d), so the batch is padded with zeros and the padded region, found by padding a
     * mask the same way, is then selected from the per-member values.
     */
    private static Batched pad(Params.Pad pad, Array x, int d, Array value, int dv, int size) {
        if (dv == NOT_MAPPED) {
            return new Batched(Lax.bind(Primitive.PAD, withUnpaddedDim(pad, d), x, value), d);
        }
        Array xb = materialize(x, d, 0, size);
        int[] shape = xb.shape();
        int[] inner = Arrays.copyOfRange(shape, 1, shape.length);
        Array padded = Lax.bind(Primitive.PAD, withUnpaddedDim(pad, 0), xb, constant(x.dtype(), 0));
        Array inside = Lax.bind(Primitive.PAD, pad, constant(DType.BOOL, 1, inner), constant(DType.BOOL, 0));
        int[] out = padded.shape();
        int[] innerDims = new int[inner.length];
        for (int i = 0; i < innerDims.length; i++) {
            innerDims[i] = i + 1;
        }
        Array mask = Lax.broadcastInDim(inside, out, innerDims);
        Array fill = Lax.broadcastInDim(value, out, 0);
        return new Batched(Lax.bind(Primitive.SELECT, mask, padded, fill), 0);
    }

    /** {@code pad} with a dimension at {@code d} that is not padded. */
    private static Params.Pad withUnpaddedDim(Params.Pad pad, int d) {
        return new Params.Pad(
                insert(pad.lo().toArray(), d, 0),
                insert(pad.hi().toArray(), d, 0),
                insert(pad.interior().toArray(), d, 0));
    }
}
