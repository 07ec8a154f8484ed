package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Tangents.op;
import static dev.kiln.internal.rules.Tangents.zeros;

import dev.kiln.Array;
import dev.kiln.Lax;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Transpose rules of the gathers and dynamic slices: linear in the data they read or write, with
 * the integer index operands passed through unchanged.
 *
 * <p>The transpose of a gather is a scatter-add. It is built here as a contraction of the cotangent
 * with a one-hot encoding of the (clamped) indices: correct and differentiable, but it
 * materialises an {@code indices.size × axis length} matrix, so it costs O(indices · n) memory and
 * time instead of O(indices). The SCATTER primitive (ADD mode) is the O(indices) form; these rules
 * move to it once the fast backends claim it, since until then it decomposes into the same
 * contraction (plus counts of infinite updates).
 */
final class IndexingTranspose {
    private IndexingTranspose() {}

    static List<Array> transpose(
            Primitive p, Params params, Array ct, List<Array> operands, boolean[] linear, List<ArraySpec> specs) {
        for (int i = p == Primitive.DYNAMIC_UPDATE_SLICE ? 2 : 1; i < linear.length; i++) {
            if (linear[i]) {
                throw TransposeRules.notLinear(p, "its indices");
            }
        }
        return switch (p) {
            case TAKE ->
                withOperandOnly(untake(((Params.Axis) params).axis(), ct, operands.get(1), specs.get(0)), specs);
            case TAKE_ALONG_AXIS ->
                withOperandOnly(
                        untakeAlongAxis(((Params.Axis) params).axis(), ct, operands.get(1), specs.get(0)), specs);
            case DYNAMIC_SLICE -> {
                // Same window sizes as the slice, so the update's start clamping matches the slice's.
                Array[] in = operands.toArray(Array[]::new);
                Array[] dus = new Array[in.length + 1];
                dus[0] = zeros(specs.get(0));
                dus[1] = ct;
                System.arraycopy(in, 1, dus, 2, in.length - 1);
                yield withOperandOnly(Lax.bind(Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, dus), specs);
            }
            case DYNAMIC_UPDATE_SLICE -> unupdate(ct, operands, linear, specs);
            default -> throw new IllegalArgumentException(p + " is not a gather or dynamic slice");
        };
    }

    /**
     * The operand's cotangent is the cotangent with the written window zeroed; the update's is that
     * window of the cotangent.
     */
    private static List<Array> unupdate(Array ct, List<Array> operands, boolean[] linear, List<ArraySpec> specs) {
        List<Array> starts = operands.subList(2, operands.size());
        List<Array> out = new ArrayList<>(Arrays.asList(new Array[operands.size()]));
        if (linear[0]) {
            List<Array> in = new ArrayList<>();
            in.add(ct);
            in.add(zeros(specs.get(1)));
            in.addAll(starts);
            out.set(0, Lax.bind(Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, in.toArray(Array[]::new)));
        }
        if (linear[1]) {
            List<Array> in = new ArrayList<>();
            in.add(ct);
            in.addAll(starts);
            Params sizes = new Params.DynamicSlice(specs.get(1).shape());
            out.set(1, Lax.bind(Primitive.DYNAMIC_SLICE, sizes, in.toArray(Array[]::new)));
        }
        return out;
    }

    /**
     * {@code take} along {@code axis}: the output is {@code pre + indices.shape + post}; the
     * operand's cotangent at position {@code j} of the axis sums the cotangent over every index
     * that (after clamping) reads {@code j}.
     */
    private static Array untake(int axis, Array ct, Array indices, ArraySpec operand) {
        int r = indices.ndim();
        Array oneHot = oneHot(indices, operand.dim(axis), ct);
        int[] ctIndexDims = new int[r];
        for (int i = 0; i < r; i++) {
            ctIndexDims[i] = axis + i;
        }
        // [pre | post | n]
        Array summed = Lax.dotGeneral(ct, oneHot, ctIndexDims, TransposeRules.allAxes(r), new int[0], new int[0]);
        return Lax.transpose(summed, lastDimTo(axis, operand.rank()));
    }

    /**
     * {@code take_along_axis}: the cotangent has the indices' shape; position {@code j} of the
     * operand's axis sums, per other coordinate, the cotangent entries whose index reads {@code j}.
     */
    private static Array untakeAlongAxis(int axis, Array ct, Array indices, ArraySpec operand) {
        int rank = operand.rank();
        Array oneHot = oneHot(indices, operand.dim(axis), ct);
        int[] batch = new int[rank - 1];
        for (int i = 0, k = 0; i < rank; i++) {
            if (i != axis) {
                batch[k++] = i;
            }
        }
        // [operand dims except axis | n]
        Array summed = Lax.dotGeneral(ct, oneHot, new int[] {axis}, new int[] {axis}, batch, batch);
        return Lax.transpose(summed, lastDimTo(axis, rank));
    }

    /**
     * {@code oneHot[i..., j] = (clamp(indices[i...]) == j)} in the cotangent's dtype, clamping into
     * {@code [0, n)} exactly as the gathers do.
     */
    private static Array oneHot(Array indices, int n, Array like) {
        int r = indices.ndim();
        Array clamped =
                op(Primitive.MIN, op(Primitive.MAX, indices, Tangents.full(indices, 0)), Tangents.full(indices, n - 1));
        int[] shape = Arrays.copyOf(indices.shape(), r + 1);
        shape[r] = n;
        Array spread = Lax.broadcastInDim(clamped, shape, TransposeRules.allAxes(r));
        Array positions = Lax.iota(indices.dtype(), shape, r);
        return Lax.convert(op(Primitive.EQ, spread, positions), like.dtype());
    }

    /** The permutation that moves the last of {@code rank} dimensions to {@code axis}. */
    private static int[] lastDimTo(int axis, int rank) {
        int[] perm = new int[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i < axis ? i : i == axis ? rank - 1 : i - 1;
        }
        return perm;
    }

    private static List<Array> withOperandOnly(Array operandCt, List<ArraySpec> specs) {
        List<Array> out = new ArrayList<>(Arrays.asList(new Array[specs.size()]));
        out.set(0, operandCt);
        return out;
    }
}
