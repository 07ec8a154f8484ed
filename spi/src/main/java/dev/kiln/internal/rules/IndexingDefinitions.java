package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Emit.add;
import static dev.kiln.internal.rules.Emit.and;
import static dev.kiln.internal.rules.Emit.broadcast;
import static dev.kiln.internal.rules.Emit.convert;
import static dev.kiln.internal.rules.Emit.full;
import static dev.kiln.internal.rules.Emit.ge;
import static dev.kiln.internal.rules.Emit.iota;
import static dev.kiln.internal.rules.Emit.lt;
import static dev.kiln.internal.rules.Emit.max;
import static dev.kiln.internal.rules.Emit.min;
import static dev.kiln.internal.rules.Emit.mul;
import static dev.kiln.internal.rules.Emit.op;
import static dev.kiln.internal.rules.Emit.select;
import static dev.kiln.internal.rules.Emit.sub;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;

/**
 * Movement and indexing from PAD, SELECT and the one gather, TAKE. These turn views into gathers or
 * whole-array selects, so backends that care about speed claim them; they exist so that a backend
 * is complete with the core alone.
 */
final class IndexingDefinitions {
    private IndexingDefinitions() {}

    static void define(Definitions.Table t) {
        t.define(Primitive.CONCATENATE).decompose((p, out, in) -> concatenate(((Params.Axis) p).axis(), out, in));
        t.define(Primitive.REV).decompose((p, out, in) -> {
            Array x = in[0];
            for (int axis : ((Params.Rev) p).axes().toArray()) {
                int n = x.shape()[axis];
                Array reversed = sub(full(DType.INT32, n - 1, new int[] {n}), iota(DType.INT32, new int[] {n}, 0));
                x = op(Primitive.TAKE, new Params.Axis(axis), x, reversed);
            }
            return x;
        });
        t.define(Primitive.TAKE_ALONG_AXIS)
                .decompose((p, out, in) -> takeAlongAxis(((Params.Axis) p).axis(), in[0], in[1]));
        t.define(Primitive.DYNAMIC_SLICE)
                .decompose((p, out, in) ->
                        dynamicSlice(((Params.DynamicSlice) p).sizes().toArray(), in));
        t.define(Primitive.DYNAMIC_UPDATE_SLICE).decompose((p, out, in) -> dynamicUpdateSlice(in));
    }

    /** Each operand padded into place, then chosen by position along the axis. */
    private static Array concatenate(int axis, ArraySpec out, Array[] in) {
        int total = out.shape()[axis];
        int rank = out.rank();
        Array zero = full(out.dtype(), 0, new int[0]);
        Array position = iota(DType.INT32, out.shape(), axis);
        Array result = null;
        int offset = 0;
        for (Array x : in) {
            int n = x.shape()[axis];
            if (n == 0 && result != null) {
                continue;
            }
            int[] lo = new int[rank];
            int[] hi = new int[rank];
            lo[axis] = offset;
            hi[axis] = total - offset - n;
            Array placed = op(Primitive.PAD, new Params.Pad(lo, hi, new int[rank]), x, zero);
            result = result == null
                    ? placed
                    : select(lt(position, full(DType.INT32, offset, out.shape())), result, placed);
            offset += n;
        }
        return result;
    }

    /**
     * One TAKE from the flattened operand: the linear index of each element is the sum over the
     * other dimensions of position × stride, plus the clamped index × the axis's stride.
     */
    private static Array takeAlongAxis(int axis, Array x, Array indices) {
        int[] xs = x.shape();
        int[] is = indices.shape();
        long size = 1;
        for (int d : xs) {
            size *= d;
        }
        DType index = size > Integer.MAX_VALUE ? DType.INT64 : indices.dtype();
        Array idx = clamp(convert(indices, index), 0, xs[axis] - 1);
        Array linear = null;
        long stride = 1;
        for (int d = xs.length - 1; d >= 0; d--) {
            Array term = d == axis ? idx : iota(index, is, d);
            term = mul(term, full(index, stride, is));
            linear = linear == null ? term : add(linear, term);
            stride *= xs[d];
        }
        Array flat = op(Primitive.RESHAPE, new Params.Reshape(new int[] {(int) size}), x);
        return op(Primitive.TAKE, new Params.Axis(0), flat, linear);
    }

    /** Per axis, a TAKE of start' + 0..size-1, with start' clamped so the window fits. */
    private static Array dynamicSlice(int[] sizes, Array[] in) {
        Array x = in[0];
        int[] shape = x.shape();
        for (int d = 0; d < sizes.length; d++) {
            if (sizes[d] == shape[d]) {
                continue;
            }
            Array start = clamp(in[1 + d], 0, shape[d] - sizes[d]);
            Array idx = add(iota(start.dtype(), new int[] {sizes[d]}, 0), broadcast(start, new int[] {sizes[d]}));
            x = op(Primitive.TAKE, new Params.Axis(d), x, idx);
        }
        return x;
    }

    /**
     * The update gathered to the operand's shape (each position reads update[i - start'], clamped),
     * then selected where the position falls inside the window.
     */
    private static Array dynamicUpdateSlice(Array[] in) {
        Array x = in[0];
        Array update = in[1];
        int[] shape = x.shape();
        int[] u = update.shape();
        for (int n : u) {
            if (n == 0) {
                return x;
            }
        }
        Array inside = null;
        Array moved = update;
        for (int d = 0; d < shape.length; d++) {
            Array start = clamp(in[2 + d], 0, shape[d] - u[d]);
            DType t = start.dtype();
            Array position = iota(t, new int[] {shape[d]}, 0);
            Array from = clamp(sub(position, broadcast(start, new int[] {shape[d]})), 0, u[d] - 1);
            moved = op(Primitive.TAKE, new Params.Axis(d), moved, from);
            Array at = iota(t, shape, d);
            Array s = broadcast(start, shape);
            Array within = and(ge(at, s), lt(at, add(s, full(t, u[d], shape))));
            inside = inside == null ? within : and(inside, within);
        }
        return inside == null ? update : select(inside, moved, x);
    }

    private static Array clamp(Array i, long lo, long hi) {
        return max(min(i, full(i.dtype(), hi, i.shape())), full(i.dtype(), lo, i.shape()));
    }
}
