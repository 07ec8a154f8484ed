package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Emit.add;
import static dev.kiln.internal.rules.Emit.and;
import static dev.kiln.internal.rules.Emit.broadcast;
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
import dev.kiln.Lax;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.List;

/**
 * The movement and indexing primitives, one block each: the derivative (they are linear in the data
 * they move), the transpose, and outside the core the decomposition. Decompositions build movement
 * and indexing from PAD, SELECT and the one gather, TAKE; they turn views into gathers or
 * whole-array selects, so backends that care about speed claim these primitives, and exist so that
 * a backend is complete with the core alone.
 */
final class IndexingDefinitions {
    private IndexingDefinitions() {}

    static void define(Definitions.Table t) {
        // no operands: nothing to differentiate, and in the core
        t.define(Primitive.IOTA);

        // movement is linear in its data operands: the tangent moves like the value; the transpose
        // moves the cotangent back
        t.define(Primitive.BROADCAST_IN_DIM)
                .shape(ShapeRules::broadcastInDim)
                .batch(BatchMovement::broadcastInDim)
                .naryJvp(IndexingDefinitions::linearInFirst)
                .transpose((p, ct, x, linear, specs) ->
                        List.of(TransposeRules.unbroadcast((Params.BroadcastInDim) p, ct, specs.get(0))));
        t.define(Primitive.RESHAPE)
                .shape(ShapeRules::reshape)
                .batch(BatchMovement::reshape)
                .naryJvp(IndexingDefinitions::linearInFirst)
                .transpose((p, ct, x, linear, specs) ->
                        List.of(Lax.reshape(ct, specs.get(0).shape())));
        t.define(Primitive.TRANSPOSE)
                .shape(ShapeRules::transpose)
                .batch(BatchMovement::transpose)
                .naryJvp(IndexingDefinitions::linearInFirst)
                .transpose((p, ct, x, linear, specs) -> List.of(Lax.transpose(
                        ct, Tangents.inverse(((Params.Transpose) p).perm().toArray()))));
        t.define(Primitive.SLICE)
                .shape(ShapeRules::slice)
                .batch(BatchMovement::slice)
                .naryJvp(IndexingDefinitions::linearInFirst)
                .transpose((p, ct, x, linear, specs) ->
                        List.of(TransposeRules.unslice((Params.Slice) p, ct, specs.get(0))));
        // linear in both the array and the padding value
        t.define(Primitive.PAD)
                .shape(ShapeRules::pad)
                .batch(BatchMovement::pad)
                .naryJvp(IndexingDefinitions::linearInAll)
                .transpose((p, ct, x, linear, specs) -> TransposeRules.unpad((Params.Pad) p, ct, linear));
        t.define(Primitive.CONCATENATE)
                .shape(ShapeRules::concatenate)
                .batch(BatchMovement::concatenate)
                .naryJvp(IndexingDefinitions::linearInAll)
                .transpose((p, ct, x, linear, specs) ->
                        TransposeRules.unconcatenate(((Params.Axis) p).axis(), ct, linear, specs))
                .decompose((p, out, in) -> concatenate(((Params.Axis) p).axis(), out, in));
        t.define(Primitive.REV)
                .shape(ShapeRules::rev)
                .batch(BatchMovement::rev)
                .naryJvp(IndexingDefinitions::linearInFirst)
                .transpose((p, ct, x, linear, specs) ->
                        List.of(Lax.rev(ct, ((Params.Rev) p).axes().toArray())))
                .decompose((p, out, in) -> {
                    Array x = in[0];
                    for (int axis : ((Params.Rev) p).axes().toArray()) {
                        int n = x.shape()[axis];
                        Array reversed =
                                sub(full(DType.INT32, n - 1, new int[] {n}), iota(DType.INT32, new int[] {n}, 0));
                        x = op(Primitive.TAKE, new Params.Axis(axis), x, reversed);
                    }
                    return x;
                });

        // gathers and dynamic slices are linear in the data they read or write; the same (integer)
        // indices are reused for the tangents, so clamping matches the primal
        t.define(Primitive.TAKE)
                .shape(ShapeRules::take)
                .batch(BatchIndexing::take)
                .naryJvp(IndexingDefinitions::gatherTangent)
                .transpose(indexingTranspose(Primitive.TAKE));
        t.define(Primitive.TAKE_ALONG_AXIS)
                .shape(ShapeRules::takeAlongAxis)
                .batch(BatchIndexing::takeAlongAxis)
                .naryJvp(IndexingDefinitions::gatherTangent)
                .transpose(indexingTranspose(Primitive.TAKE_ALONG_AXIS))
                .decompose((p, out, in) -> takeAlongAxis(((Params.Axis) p).axis(), in[0], in[1]));
        t.define(Primitive.DYNAMIC_SLICE)
                .shape(ShapeRules::dynamicSlice)
                .batch(BatchIndexing::dynamicSlice)
                .naryJvp(IndexingDefinitions::gatherTangent)
                .transpose(indexingTranspose(Primitive.DYNAMIC_SLICE))
                .decompose((p, out, in) ->
                        dynamicSlice(((Params.DynamicSlice) p).sizes().toArray(), in));
        t.define(Primitive.DYNAMIC_UPDATE_SLICE)
                .shape(ShapeRules::dynamicUpdateSlice)
                .batch(BatchIndexing::dynamicUpdateSlice)
                .naryJvp(IndexingDefinitions::updateTangent)
                .transpose(indexingTranspose(Primitive.DYNAMIC_UPDATE_SLICE))
                .decompose((p, out, in) -> dynamicUpdateSlice(in));
        // scatter: linear in operand and updates for ADD only; the other modes' derivatives are
        // written with ADD (ScatterRules)
        t.define(Primitive.SCATTER)
                .shape(ShapeRules::scatter)
                .batch(ScatterRules::batch)
                .naryJvpWithOutput(ScatterRules::jvp)
                .transpose(ScatterRules::transpose)
                .decompose(ScatterRules::decompose);
    }

    private static Definitions.TransposeRule indexingTranspose(Primitive p) {
        return (params, ct, x, linear, specs) -> IndexingTranspose.transpose(p, params, ct, x, linear, specs);
    }

    /** The primitive applied to the first operand's tangent, the other operands as they are. */
    private static Array linearInFirst(Primitive p, Params params, List<Array> x, List<Array> dx) {
        return Tangents.linear(p, params, dx.get(0));
    }

    /** The primitive applied to every operand's tangent (zeros where one is a symbolic zero). */
    private static Array linearInAll(Primitive p, Params params, List<Array> x, List<Array> dx) {
        Array[] parts = new Array[x.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Tangents.orZeros(dx.get(i), x.get(i).spec());
        }
        return Lax.bind(p, params, parts);
    }

    /** The update of the operand's tangent by the update's tangent, at the primal start indices. */
    private static Array updateTangent(Primitive p, Params params, List<Array> x, List<Array> dx) {
        if (dx.get(0) == null && dx.get(1) == null) {
            return null;
        }
        Array[] operands = x.toArray(Array[]::new);
        operands[0] = Tangents.orZeros(dx.get(0), x.get(0).spec());
        operands[1] = Tangents.orZeros(dx.get(1), x.get(1).spec());
        return Lax.bind(p, params, operands);
    }

    /** The gather applied to the data's tangent with the primal indices. */
    private static Array gatherTangent(Primitive p, Params params, List<Array> x, List<Array> dx) {
        if (dx.get(0) == null) {
            return null;
        }
        Array[] operands = x.toArray(Array[]::new);
        operands[0] = dx.get(0);
        return Lax.bind(p, params, operands);
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
        // arrays hold at most 2^31 - 1 elements, so the linear index fits the indices' own dtype
        int size = x.spec().size();
        DType index = indices.dtype();
        Array idx = clamp(indices, 0, xs[axis] - 1);
        Array linear = null;
        long stride = 1;
        for (int d = xs.length - 1; d >= 0; d--) {
            Array term = d == axis ? idx : iota(index, is, d);
            term = mul(term, full(index, stride, is));
            linear = linear == null ? term : add(linear, term);
            stride *= xs[d];
        }
        Array flat = op(Primitive.RESHAPE, new Params.Reshape(new int[] {size}), x);
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
