package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Tangents.scalar;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Transpose rules of the primitives that are linear in some operands: given the cotangent of the
 * output, the cotangents of the linear operands. Non-linear operands are passed as values; linear
 * ones as {@code null} (their specs are in {@code specs}). Every primitive that a {@link JvpRules
 * JVP rule} applies to a tangent has a rule here; rules, like JVP rules, are written with {@link
 * Lax} so that they can be differentiated again.
 *
 * <p>Every rule is defined with its primitive ({@link Definitions}); this class finds it and holds
 * the movement helpers those blocks call ({@code dot_general}'s are in {@link DotGeneralTranspose},
 * the gathers' and dynamic slices' in {@link IndexingTranspose}).
 */
public final class TransposeRules {
    private TransposeRules() {}

    /** Cotangents per operand; {@code null} for non-linear operands (and for zero). */
    public static List<Array> transpose(
            Primitive p, Params params, Array ct, List<Array> operands, boolean[] linear, List<ArraySpec> specs) {
        Definitions.TransposeRule defined = Definitions.transposeRule(p);
        if (defined != null) {
            return defined.transpose(params, ct, operands, linear, specs);
        }
        throw new KilnException(
                "no transpose rule for " + p.printName()
                        + ": it is not linear in any operand, so it should never act on a tangent; this is a bug in a JVP rule");
    }

    /**
     * Sums the cotangent over the dimensions the broadcast created (new ones and size-1 ones that
     * were expanded), then reshapes to restore the size-1 dimensions.
     */
    static Array unbroadcast(Params.BroadcastInDim b, Array ct, ArraySpec operand) {
        int[] dims = b.dims().toArray();
        int[] outShape = b.shape().toArray();
        boolean[] keep = new boolean[outShape.length];
        for (int i = 0; i < dims.length; i++) {
            keep[dims[i]] = operand.dim(i) == outShape[dims[i]];
        }
        int[] summed = new int[outShape.length];
        int k = 0;
        for (int d = 0; d < outShape.length; d++) {
            if (!keep[d]) {
                summed[k++] = d;
            }
        }
        return Lax.reshape(Lax.reduceSum(ct, Arrays.copyOf(summed, k)), operand.shape());
    }

    /** Zeros everywhere the slice did not read: PAD with interior padding for strides. */
    static Array unslice(Params.Slice sl, Array ct, ArraySpec operand) {
        int rank = operand.rank();
        int[] start = sl.start().toArray();
        int[] strides = sl.strides().toArray();
        int[] hi = new int[rank];
        int[] interior = new int[rank];
        for (int i = 0; i < rank; i++) {
            int taken = ct.shape(i);
            int end = taken == 0 ? start[i] : start[i] + (taken - 1) * strides[i] + 1;
            hi[i] = operand.dim(i) - end;
            interior[i] = taken == 0 ? 0 : strides[i] - 1;
        }
        return Lax.pad(ct, scalar(ct.dtype(), 0), start, hi, interior);
    }

    /**
     * The operand's cotangent is the cotangent at the positions the operand landed on: undo the
     * edge padding with the opposite PAD (which also zero-fills what a negative pad cropped), then
     * a strided slice skips the interior padding. The pad value was copied to every other position,
     * so its cotangent is the sum there: {@code sum(ct) - sum(operand's cotangent)}.
     */
    static List<Array> unpad(Params.Pad pad, Array ct, boolean[] linear) {
        int rank = ct.ndim();
        int[] lo = pad.lo().toArray();
        int[] hi = pad.hi().toArray();
        int[] interior = pad.interior().toArray();
        int[] unLo = new int[rank];
        int[] unHi = new int[rank];
        int[] step = new int[rank];
        for (int i = 0; i < rank; i++) {
            unLo[i] = -lo[i];
            unHi[i] = -hi[i];
            step[i] = interior[i] + 1;
        }
        Array edgesRemoved = Lax.pad(ct, scalar(ct.dtype(), 0), unLo, unHi, new int[rank]);
        Array operandCt = Lax.slice(edgesRemoved, new int[rank], edgesRemoved.shape(), step);
        Array valueCt = null;
        if (linear[1]) {
            int[] all = allAxes(rank);
            valueCt = Lax.bind(Primitive.SUB, Lax.reduceSum(ct, all), Lax.reduceSum(operandCt, all));
        }
        return Arrays.asList(linear[0] ? operandCt : null, valueCt);
    }

    static List<Array> unconcatenate(int axis, Array ct, boolean[] linear, List<ArraySpec> specs) {
        List<Array> out = new ArrayList<>(specs.size());
        int offset = 0;
        for (int i = 0; i < specs.size(); i++) {
            int length = specs.get(i).dim(axis);
            out.add(linear[i] ? Lax.sliceInDim(ct, axis, offset, offset + length) : null);
            offset += length;
        }
        return out;
    }

    static int[] allAxes(int rank) {
        int[] axes = new int[rank];
        for (int i = 0; i < rank; i++) {
            axes[i] = i;
        }
        return axes;
    }

    static void requireOneLinear(Primitive p, boolean[] linear) {
        if (linear[0] && linear[1]) {
            throw new KilnException(p.printName() + " of two linear values is not linear; this is a bug in a JVP rule");
        }
    }

    static KilnException notLinear(Primitive p, String operand) {
        return new KilnException(p.printName() + " is not linear in " + operand
                + ", yet a tangent flowed into it; this is a bug in a JVP rule");
    }
}
