package dev.kiln.internal.rules;

import dev.kiln.DType;
import dev.kiln.KilnException;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.List;

/**
 * The output spec of every primitive, and the checks that its operands fit. {@code Np} checks user
 * input first with messages in the user's terms; these rules guard the primitive layer itself, so
 * a failure here is a bug in Kiln or in code that calls primitives directly.
 */
public final class ShapeRules {
    private ShapeRules() {}

    /** Whether the single-output rule below covers {@code p}: every primitive but control flow. */
    public static boolean knows(Primitive p) {
        return p.kind() != Primitive.Kind.CONTROL;
    }

    public static ArraySpec outSpec(Primitive p, Params params, List<ArraySpec> in) {
        if (p.arity() >= 0 && in.size() != p.arity()) {
            throw fail(p, "takes " + p.arity() + " operands, got " + in.size());
        }
        if (!p.paramsType().isInstance(params)) {
            throw fail(p, "takes " + p.paramsType().getSimpleName() + " params, got " + params);
        }
        return switch (p.kind()) {
            case UNARY -> {
                ArraySpec x = in.get(0);
                yield p == Primitive.IS_FINITE ? x.withDType(DType.BOOL) : x;
            }
            case BINARY -> sameSpec(p, in.get(0), in.get(1));
            case COMPARE -> sameSpec(p, in.get(0), in.get(1)).withDType(DType.BOOL);
            case SELECT -> {
                ArraySpec pred = in.get(0);
                ArraySpec v = sameSpec(p, in.get(1), in.get(2));
                if (pred.dtype() != DType.BOOL || !Arrays.equals(pred.shape(), v.shape())) {
                    throw fail(p, "needs a bool predicate of shape " + v + ", got " + pred);
                }
                yield v;
            }
            case CONVERT -> in.get(0).withDType(((Params.Convert) params).to());
            case REDUCE -> {
                int[] axes = ((Params.Reduce) params).axes().toArray();
                yield in.get(0).withShape(removeAxes(p, in.get(0).shape(), axes));
            }
            case ARG_REDUCE -> {
                Params.ArgReduce a = (Params.ArgReduce) params;
                ArraySpec x = in.get(0);
                checkAxis(p, a.axis(), x.rank());
                if (x.dim(a.axis()) == 0) {
                    throw fail(p, "cannot reduce an empty axis");
                }
                yield new ArraySpec(a.indexType(), removeAxes(p, x.shape(), new int[] {a.axis()}));
            }
            case CUMULATIVE -> {
                checkAxis(p, ((Params.Cumulative) params).axis(), in.get(0).rank());
                yield in.get(0);
            }
            case MOVEMENT, INDEXING, COLLECTIVE -> {
                Definitions.ShapeRule rule = Definitions.shapeRule(p);
                if (rule == null) {
                    throw fail(p, "has no shape rule in its definition block");
                }
                yield rule.outSpec(p, params, in);
            }
            case CREATION -> {
                Params.Iota io = (Params.Iota) params;
                checkAxis(p, io.dimension(), io.shape().size());
                yield new ArraySpec(io.dtype(), io.shape().toArray());
            }
            case CONTRACTION -> {
                if (p == Primitive.DOT_GENERAL) {
                    yield dotGeneral(p, (Params.DotGeneral) params, in.get(0), in.get(1));
                }
                Definitions.ShapeRule rule = Definitions.shapeRule(p);
                if (rule == null) {
                    throw fail(p, "has no shape rule in its definition block");
                }
                yield rule.outSpec(p, params, in);
            }
            case CONTROL -> throw fail(p, "has several outputs; use ControlFlow.outSpecs");
        };
    }

    private static ArraySpec sameSpec(Primitive p, ArraySpec a, ArraySpec b) {
        if (!a.equals(b)) {
            throw fail(p, "needs operands of one dtype and shape, got " + a + " and " + b);
        }
        return a;
    }

    /** The shape rule of {@code broadcast_in_dim}. */
    static ArraySpec broadcastInDim(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        Params.BroadcastInDim b = (Params.BroadcastInDim) params;
        int[] shape = b.shape().toArray();
        int[] dims = b.dims().toArray();
        if (dims.length != s.length) {
            throw fail(
                    p, "needs one target dimension per operand dimension, got " + Arrays.toString(dims) + " for " + x);
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] >= shape.length || (i > 0 && dims[i] <= dims[i - 1])) {
                throw fail(p, "dims " + Arrays.toString(dims) + " must be increasing and within rank " + shape.length);
            }
            if (s[i] != 1 && s[i] != shape[dims[i]]) {
                throw fail(
                        p,
                        "cannot broadcast " + x + " to " + Arrays.toString(shape) + " with dims "
                                + Arrays.toString(dims));
            }
        }
        return x.withShape(shape);
    }

    /** The shape rule of {@code reshape}. */
    static ArraySpec reshape(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        int[] shape = ((Params.Reshape) params).shape().toArray();
        if (new ArraySpec(x.dtype(), shape).size() != x.size()) {
            throw fail(p, "cannot reshape " + x + " to " + Arrays.toString(shape));
        }
        return x.withShape(shape);
    }

    /** The shape rule of {@code transpose}. */
    static ArraySpec transpose(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        int[] perm = ((Params.Transpose) params).perm().toArray();
        checkPermutation(p, perm, s.length);
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[perm[i]];
        }
        return x.withShape(out);
    }

    /** The shape rule of {@code slice}. */
    static ArraySpec slice(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        Params.Slice sl = (Params.Slice) params;
        int[] start = sl.start().toArray();
        int[] limit = sl.limit().toArray();
        int[] strides = sl.strides().toArray();
        if (start.length != s.length || limit.length != s.length || strides.length != s.length) {
            throw fail(p, "needs start, limit and strides of rank " + s.length);
        }
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (start[i] < 0 || start[i] > limit[i] || limit[i] > s[i] || strides[i] < 1) {
                throw fail(p, "window " + sl + " does not fit " + x);
            }
            out[i] = (limit[i] - start[i] + strides[i] - 1) / strides[i];
        }
        return x.withShape(out);
    }

    /** The shape rule of {@code pad}. */
    static ArraySpec pad(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        Params.Pad pad = (Params.Pad) params;
        ArraySpec v = in.get(1);
        if (v.rank() != 0 || v.dtype() != x.dtype()) {
            throw fail(p, "needs a 0-d padding value of dtype " + x.dtype() + ", got " + v);
        }
        int[] lo = pad.lo().toArray();
        int[] hi = pad.hi().toArray();
        int[] interior = pad.interior().toArray();
        if (lo.length != s.length || hi.length != s.length || interior.length != s.length) {
            throw fail(p, "needs lo, hi and interior of rank " + s.length);
        }
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (interior[i] < 0) {
                throw fail(p, "interior padding must be >= 0, got " + pad);
            }
            out[i] = lo[i] + hi[i] + s[i] + Math.max(0, s[i] - 1) * interior[i];
            if (out[i] < 0) {
                throw fail(p, "padding " + pad + " crops " + x + " below zero length");
            }
        }
        return x.withShape(out);
    }

    /** The shape rule of {@code concatenate}. */
    static ArraySpec concatenate(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        int axis = ((Params.Axis) params).axis();
        if (in.isEmpty()) {
            throw fail(p, "needs at least one operand");
        }
        checkAxis(p, axis, s.length);
        int[] out = s.clone();
        out[axis] = 0;
        for (ArraySpec a : in) {
            int[] as = a.shape();
            boolean fits = a.dtype() == x.dtype() && as.length == s.length;
            for (int i = 0; fits && i < s.length; i++) {
                fits = i == axis || as[i] == s[i];
            }
            if (!fits) {
                throw fail(p, "operands " + in + " do not match outside axis " + axis);
            }
            out[axis] += as[axis];
        }
        return x.withShape(out);
    }

    /** The shape rule of {@code rev}. */
    static ArraySpec rev(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        for (int a : ((Params.Rev) params).axes().toArray()) {
            checkAxis(p, a, s.length);
        }
        return x;
    }

    /** The shape rule of {@code take}. */
    static ArraySpec take(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        int axis = ((Params.Axis) params).axis();
        checkAxis(p, axis, s.length);
        ArraySpec idx = in.get(1);
        checkIndexType(p, idx);
        int[] is = idx.shape();
        int[] out = new int[s.length - 1 + is.length];
        System.arraycopy(s, 0, out, 0, axis);
        System.arraycopy(is, 0, out, axis, is.length);
        System.arraycopy(s, axis + 1, out, axis + is.length, s.length - axis - 1);
        if (s[axis] == 0 && idx.size() > 0) {
            throw fail(p, "cannot take from an empty axis");
        }
        return x.withShape(out);
    }

    /**
     * The shape rule of {@code scatter}: integer indices, and updates of the operand's dtype shaped
     * as {@code take(operand, indices)} along the axis; the output is the operand's spec.
     */
    static ArraySpec scatter(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        int axis = ((Params.Scatter) params).axis();
        checkAxis(p, axis, s.length);
        ArraySpec idx = in.get(1);
        checkIndexType(p, idx);
        ArraySpec u = in.get(2);
        if (u.dtype() != x.dtype()) {
            throw fail(p, "needs updates of the operand's dtype " + x.dtype() + ", got " + u);
        }
        int[] is = idx.shape();
        int[] want = new int[s.length - 1 + is.length];
        System.arraycopy(s, 0, want, 0, axis);
        System.arraycopy(is, 0, want, axis, is.length);
        System.arraycopy(s, axis + 1, want, axis + is.length, s.length - axis - 1);
        if (!java.util.Arrays.equals(want, u.shape())) {
            throw fail(
                    p,
                    "needs updates of shape " + java.util.Arrays.toString(want) + " for operand " + x + " and indices "
                            + idx + " along axis " + axis + ", got " + u);
        }
        return x;
    }

    /** The shape rule of {@code take_along_axis}. */
    static ArraySpec takeAlongAxis(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        int axis = ((Params.Axis) params).axis();
        checkAxis(p, axis, s.length);
        ArraySpec idx = in.get(1);
        checkIndexType(p, idx);
        int[] is = idx.shape();
        if (is.length != s.length) {
            throw fail(p, "needs indices of rank " + s.length + ", got " + idx);
        }
        for (int i = 0; i < s.length; i++) {
            if (i != axis && is[i] != s[i]) {
                throw fail(p, "indices " + idx + " must match " + x + " outside axis " + axis);
            }
        }
        if (s[axis] == 0 && idx.size() > 0) {
            throw fail(p, "cannot take from an empty axis");
        }
        return x.withShape(is);
    }

    /** The shape rule of {@code dynamic_slice}. */
    static ArraySpec dynamicSlice(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        int[] sizes = ((Params.DynamicSlice) params).sizes().toArray();
        checkStartIndices(p, in.subList(1, in.size()), s.length);
        if (sizes.length != s.length) {
            throw fail(p, "needs one size per dimension of " + x);
        }
        for (int i = 0; i < s.length; i++) {
            if (sizes[i] < 0 || sizes[i] > s[i]) {
                throw fail(p, "window " + Arrays.toString(sizes) + " does not fit " + x);
            }
        }
        return x.withShape(sizes);
    }

    /** The shape rule of {@code dynamic_update_slice}. */
    static ArraySpec dynamicUpdateSlice(Primitive p, Params params, List<ArraySpec> in) {
        ArraySpec x = in.get(0);
        int[] s = x.shape();
        if (in.size() < 2) {
            throw fail(p, "needs an operand, an update and start indices");
        }
        ArraySpec u = in.get(1);
        checkStartIndices(p, in.subList(2, in.size()), s.length);
        if (u.dtype() != x.dtype() || u.rank() != s.length) {
            throw fail(p, "update " + u + " does not match " + x);
        }
        for (int i = 0; i < s.length; i++) {
            if (u.dim(i) > s[i]) {
                throw fail(p, "update " + u + " is larger than " + x);
            }
        }
        return x;
    }

    private static ArraySpec dotGeneral(Primitive p, Params.DotGeneral d, ArraySpec l, ArraySpec r) {
        if (l.dtype() != r.dtype()) {
            throw fail(p, "needs operands of one dtype, got " + l + " and " + r);
        }
        int[] lc = d.lhsContract().toArray();
        int[] rc = d.rhsContract().toArray();
        int[] lb = d.lhsBatch().toArray();
        int[] rb = d.rhsBatch().toArray();
        if (lc.length != rc.length || lb.length != rb.length) {
            throw fail(p, "contracting and batch dimension lists must pair up: " + d);
        }
        boolean[] lUsed = new boolean[l.rank()];
        boolean[] rUsed = new boolean[r.rank()];
        for (int i = 0; i < lc.length; i++) {
            pairDims(p, l, r, lc[i], rc[i], lUsed, rUsed, d);
        }
        for (int i = 0; i < lb.length; i++) {
            pairDims(p, l, r, lb[i], rb[i], lUsed, rUsed, d);
        }
        int[] out = new int[lb.length + (l.rank() - lb.length - lc.length) + (r.rank() - rb.length - rc.length)];
        int k = 0;
        for (int b : lb) {
            out[k++] = l.dim(b);
        }
        for (int i = 0; i < l.rank(); i++) {
            if (!lUsed[i]) {
                out[k++] = l.dim(i);
            }
        }
        for (int i = 0; i < r.rank(); i++) {
            if (!rUsed[i]) {
                out[k++] = r.dim(i);
            }
        }
        return l.withShape(out);
    }

    private static void pairDims(
            Primitive p, ArraySpec l, ArraySpec r, int ld, int rd, boolean[] lUsed, boolean[] rUsed, Params d) {
        if (ld < 0 || ld >= l.rank() || rd < 0 || rd >= r.rank() || lUsed[ld] || rUsed[rd]) {
            throw fail(p, "bad dimension numbers " + d + " for " + l + " and " + r);
        }
        if (l.dim(ld) != r.dim(rd)) {
            throw fail(p, "dimension " + ld + " of " + l + " does not match dimension " + rd + " of " + r);
        }
        lUsed[ld] = true;
        rUsed[rd] = true;
    }

    private static void checkIndexType(Primitive p, ArraySpec idx) {
        if (!idx.dtype().isInteger()) {
            throw fail(p, "needs integer indices, got " + idx);
        }
    }

    private static void checkStartIndices(Primitive p, List<ArraySpec> starts, int rank) {
        if (starts.size() != rank) {
            throw fail(p, "needs " + rank + " start indices, got " + starts.size());
        }
        for (ArraySpec st : starts) {
            if (st.rank() != 0 || !st.dtype().isInteger()) {
                throw fail(p, "start indices must be 0-d integers, got " + st);
            }
        }
    }

    private static void checkAxis(Primitive p, int axis, int rank) {
        if (axis < 0 || axis >= rank) {
            throw fail(p, "axis " + axis + " is out of range for rank " + rank);
        }
    }

    private static void checkPermutation(Primitive p, int[] perm, int rank) {
        boolean[] seen = new boolean[rank];
        if (perm.length != rank) {
            throw fail(p, "permutation " + Arrays.toString(perm) + " does not have rank " + rank);
        }
        for (int a : perm) {
            if (a < 0 || a >= rank || seen[a]) {
                throw fail(p, Arrays.toString(perm) + " is not a permutation of rank " + rank);
            }
            seen[a] = true;
        }
    }

    private static int[] removeAxes(Primitive p, int[] shape, int[] axes) {
        boolean[] drop = new boolean[shape.length];
        for (int a : axes) {
            checkAxis(p, a, shape.length);
            if (drop[a]) {
                throw fail(p, "axis " + a + " is repeated");
            }
            drop[a] = true;
        }
        int[] out = new int[shape.length - axes.length];
        int k = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!drop[i]) {
                out[k++] = shape[i];
            }
        }
        return out;
    }

    private static KilnException fail(Primitive p, String message) {
        return new KilnException(p.printName() + " " + message);
    }
}
