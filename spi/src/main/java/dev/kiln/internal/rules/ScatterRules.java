package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.BatchRules.NOT_MAPPED;
import static dev.kiln.internal.rules.BatchRules.materialize;
import static dev.kiln.internal.rules.BatchRules.moveBatch;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.internal.rules.BatchRules.Batched;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Params.Scatter.Mode;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rules of SCATTER: its derivative, transpose, batching and decomposition into the core.
 *
 * <p>Derivatives are written with the scatter-add (the only mode that is linear in both the operand
 * and the updates) plus TAKE and SELECT, so only the scatter-add needs a transpose. SET gives the
 * tangent of the update that won (found by scattering update ids, so ties follow the primal), MIN
 * and MAX share the tangent evenly between the operand and every update equal to the result, and
 * MUL's derivative with respect to the updates assumes distinct indices.
 *
 * <p>The decomposition works on the operand reshaped to {@code [pre, n, post]}, the updates to
 * {@code [pre, k, post]} and the indices to {@code [k]}: a {@code [k, n]} one-hot of the indices
 * (an out-of-range index matches no position, so its update is dropped). ADD contracts the updates
 * with it (O(k·n) memory beside the data; infinities and NaNs are carried by separate counts so
 * that {@code inf · 0} never appears), SET picks the last matching update per position, and MUL,
 * MIN and MAX reduce a {@code [pre, k, n, post]} selection, which costs k times the operand's
 * size: a backend that scatters often claims SCATTER (the reference backend does).
 */
final class ScatterRules {
    private ScatterRules() {}

    // ---- derivative -------------------------------------------------------------------------

    static Array jvp(Params params, List<Array> x, List<Array> t, Array out) {
        Params.Scatter p = (Params.Scatter) params;
        Array operand = x.get(0);
        Array indices = x.get(1);
        Array updates = x.get(2);
        Array dx = t.get(0);
        Array du = t.get(2);
        if ((dx == null && du == null) || !operand.dtype().isFloating()) {
            return null;
        }
        int axis = p.axis();
        Params.Scatter add = new Params.Scatter(axis, Mode.ADD);
        return switch (p.mode()) {
            case ADD ->
                Lax.bind(
                        Primitive.SCATTER,
                        add,
                        Tangents.orZeros(dx, operand.spec()),
                        indices,
                        Tangents.orZeros(du, updates.spec()));
            case SET -> {
                int total = updates.size();
                Array ids = Lax.reshape(
                        Lax.bind(
                                Primitive.ADD,
                                Lax.iota(DType.INT32, new int[] {total}, 0),
                                BatchRules.constant(DType.INT32, 1, new int[] {total})),
                        updates.shape());
                Array landed = Lax.bind(
                        Primitive.SCATTER,
                        new Params.Scatter(axis, Mode.SET),
                        Tangents.zeros(new ArraySpec(DType.INT32, operand.shape())),
                        indices,
                        ids);
                Array untouched = Lax.bind(Primitive.EQ, landed, Tangents.full(landed, 0));
                Array won = Lax.bind(Primitive.EQ, gather(landed, indices, axis), ids);
                yield Lax.bind(
                        Primitive.SCATTER,
                        add,
                        masked(untouched, dx, operand.spec()),
                        indices,
                        masked(won, du, updates.spec()));
            }
            case MIN, MAX -> {
                Array keptX = Lax.bind(Primitive.EQ, operand, out);
                Array keptU = Lax.bind(
                        Primitive.AND,
                        Lax.bind(Primitive.EQ, updates, gather(out, indices, axis)),
                        inRange(indices, operand.shape(axis), updates.shape(), axis));
                Array count = Lax.bind(
                        Primitive.SCATTER,
                        add,
                        Lax.convert(keptX, operand.dtype()),
                        indices,
                        Lax.convert(keptU, operand.dtype()));
                Array summed = Lax.bind(
                        Primitive.SCATTER,
                        add,
                        masked(keptX, dx, operand.spec()),
                        indices,
                        masked(keptU, du, updates.spec()));
                yield Lax.bind(Primitive.DIV, summed, count);
            }
            case MUL -> {
                Array tangent = null;
                if (dx != null) {
                    Array factor = Lax.bind(
                            Primitive.SCATTER,
                            new Params.Scatter(axis, Mode.MUL),
                            Tangents.full(operand, 1),
                            indices,
                            updates);
                    tangent = Lax.bind(Primitive.MUL, dx, factor);
                }
                if (du != null) {
                    Array spread = Lax.bind(Primitive.SCATTER, add, Tangents.zeros(operand.spec()), indices, du);
                    Array part = Lax.bind(Primitive.MUL, spread, operand);
                    tangent = tangent == null ? part : Lax.bind(Primitive.ADD, tangent, part);
                }
                yield tangent;
            }
        };
    }

    /** {@code t} where {@code keep} holds, else 0 (0 everywhere for a symbolic zero). */
    private static Array masked(Array keep, Array t, ArraySpec spec) {
        if (t == null) {
            return Tangents.zeros(spec);
        }
        return Lax.bind(Primitive.SELECT, keep, t, Tangents.zeros(spec));
    }

    /** TAKE of {@code x} at the indices clamped into range (the value an in-range index reads). */
    static Array gather(Array x, Array indices, int axis) {
        int n = x.shape(axis);
        Array clamped = Lax.bind(
                Primitive.MIN,
                Lax.bind(Primitive.MAX, indices, Tangents.full(indices, 0)),
                Tangents.full(indices, Math.max(n - 1, 0)));
        return Lax.bind(Primitive.TAKE, new Params.Axis(axis), x, clamped);
    }

    /** Whether each index is in {@code [0, n)}, broadcast to the updates' shape. */
    static Array inRange(Array indices, int n, int[] updateShape, int axis) {
        Array ok = Lax.bind(
                Primitive.AND,
                Lax.bind(Primitive.GE, indices, Tangents.full(indices, 0)),
                Lax.bind(Primitive.LT, indices, Tangents.full(indices, n)));
        int[] dims = new int[indices.ndim()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = axis + i;
        }
        return Lax.broadcastInDim(ok, updateShape, dims);
    }

    // ---- transpose (scatter-add only) -------------------------------------------------------

    static List<Array> transpose(Params params, Array ct, List<Array> x, boolean[] linear, List<ArraySpec> specs) {
        Params.Scatter p = (Params.Scatter) params;
        if (linear[1]) {
            throw TransposeRules.notLinear(Primitive.SCATTER, "its indices");
        }
        if (p.mode() != Mode.ADD) {
            throw TransposeRules.notLinear(Primitive.SCATTER, "mode " + p.mode() + " (only ADD is linear)");
        }
        List<Array> out = new ArrayList<>(Arrays.asList(new Array[3]));
        if (linear[0]) {
            out.set(0, ct);
        }
        if (linear[2]) {
            Array indices = x.get(1);
            ArraySpec u = specs.get(2);
            Array read = u.size() == 0 ? Tangents.zeros(u) : gather(ct, indices, p.axis());
            Array keep = inRange(indices, specs.get(0).dim(p.axis()), u.shape(), p.axis());
            out.set(2, Lax.bind(Primitive.SELECT, keep, read, Tangents.zeros(u)));
        }
        return out;
    }

    // ---- batching ---------------------------------------------------------------------------

    /**
     * With unbatched indices, the batch goes in front of operand and updates and the axis moves by
     * one. With batched indices, the batch is merged into the scattered axis ({@code b·n + i}, with
     * out-of-range indices kept out of range) so each member writes its own slice.
     */
    static Batched batch(Params params, List<Array> values, int[] dims, int size) {
        Params.Scatter p = (Params.Scatter) params;
        int axis = p.axis();
        Array x = materialize(values.get(0), dims[0], 0, size);
        Array u = materialize(values.get(2), dims[2], 0, size);
        Array idx = values.get(1);
        if (dims[1] == NOT_MAPPED) {
            return new Batched(Lax.bind(Primitive.SCATTER, new Params.Scatter(axis + 1, p.mode()), x, idx, u), 0);
        }
        idx = moveBatch(idx, dims[1], 0);
        // x: [B, pre, n, post] -> [pre, B*n, post]; u: [B, pre, I, post] -> [pre, B, I, post]
        Array xm = moveBatch(x, 0, axis);
        int n = xm.shape()[axis + 1];
        int[] merged = BatchRules.mergeBatchIntoAxis(xm.shape(), axis);
        Array um = moveBatch(u, 0, axis);
        int[] is = idx.shape();
        Array offsets = Lax.bind(
                Primitive.MUL,
                Lax.convert(Lax.iota(DType.INT32, is, 0), idx.dtype()),
                BatchRules.constant(idx.dtype(), n, is));
        Array ok = Lax.bind(
                Primitive.AND,
                Lax.bind(Primitive.GE, idx, Tangents.full(idx, 0)),
                Lax.bind(Primitive.LT, idx, Tangents.full(idx, n)));
        Array flat = Lax.bind(Primitive.SELECT, ok, Lax.bind(Primitive.ADD, idx, offsets), Tangents.full(idx, -1));
        Array scattered =
                Lax.bind(Primitive.SCATTER, new Params.Scatter(axis, p.mode()), Lax.reshape(xm, merged), flat, um);
        return new Batched(Lax.reshape(scattered, xm.shape()), axis);
    }

    // ---- decomposition ----------------------------------------------------------------------

    static Array decompose(Params params, ArraySpec out, Array[] in) {
        Params.Scatter p = (Params.Scatter) params;
        Array x = in[0];
        Array indices = in[1];
        Array updates = in[2];
        int axis = p.axis();
        int[] s = x.shape();
        int n = s[axis];
        int pre = 1;
        for (int d = 0; d < axis; d++) {
            pre *= s[d];
        }
        int post = 1;
        for (int d = axis + 1; d < s.length; d++) {
            post *= s[d];
        }
        int k = indices.spec().size();
        if (k == 0 || x.spec().size() == 0) {
            return x;
        }
        if (x.dtype() == DType.BOOL) {
            // or, and, and, or for ADD, MUL, MIN, MAX; SET keeps its values
            Array xi = Emit.convert(x, DType.INT32);
            Array ui = Emit.convert(updates, DType.INT32);
            Mode m =
                    switch (p.mode()) {
                        case ADD -> Mode.MAX;
                        case MUL -> Mode.MIN;
                        default -> p.mode();
                    };
            Array r = decompose(new Params.Scatter(axis, m), xi.spec(), new Array[] {xi, indices, ui});
            return Emit.ne(r, Emit.full(r, 0));
        }
        Array xr = reshape(x, pre, n, post);
        Array ur = reshape(updates, pre, k, post);
        Array ir = reshape(indices, k);
        DType it = indices.dtype();
        // hit[k, n]: index k lands on position n
        Array hit = Emit.eq(
                Emit.op(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(new int[] {k, n}, new int[] {0}), ir),
                Emit.iota(it, new int[] {k, n}, 1));
        Array result =
                switch (p.mode()) {
                    case ADD -> Emit.add(xr, added(ur, hit, pre, k, n, post));
                    case SET -> {
                        Array position = Emit.iota(DType.INT32, new int[] {k, n}, 0);
                        Array last = Emit.op(
                                Primitive.REDUCE_MAX,
                                new Params.Reduce(0),
                                Emit.select(hit, position, Emit.full(position, -1)));
                        Array clamped = Emit.max(last, Emit.full(last, 0));
                        Array picked = Emit.op(Primitive.TAKE, new Params.Axis(1), ur, clamped);
                        Array any = Emit.op(
                                Primitive.BROADCAST_IN_DIM,
                                new Params.BroadcastInDim(new int[] {pre, n, post}, new int[] {1}),
                                Emit.ge(last, Emit.full(last, 0)));
                        yield Emit.select(any, picked, xr);
                    }
                    case MUL, MIN, MAX -> {
                        int[] big = {pre, k, n, post};
                        Array h = Emit.op(
                                Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(big, new int[] {1, 2}), hit);
                        Array v = Emit.op(
                                Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(big, new int[] {0, 1, 3}), ur);
                        Primitive reduce = p.mode() == Mode.MUL
                                ? Primitive.REDUCE_PROD
                                : p.mode() == Mode.MIN ? Primitive.REDUCE_MIN : Primitive.REDUCE_MAX;
                        Array chosen = Emit.select(h, v, Emit.broadcast(identity(p.mode(), x.dtype()), big));
                        Array reduced = Emit.op(reduce, new Params.Reduce(1), chosen);
                        yield switch (p.mode()) {
                            case MUL -> Emit.mul(xr, reduced);
                            case MIN -> Emit.min(xr, reduced);
                            default -> Emit.max(xr, reduced);
                        };
                    }
                };
        return Emit.op(Primitive.RESHAPE, new Params.Reshape(s), result);
    }

    /**
     * The sum per position of the updates landing there, {@code [pre, n, post]}: a contraction with
     * the one-hot for finite values, and for floats counts of +inf, -inf and NaN updates so that an
     * infinite update never meets a 0 of the one-hot.
     */
    private static Array added(Array ur, Array hit, int pre, int k, int n, int post) {
        DType t = ur.dtype();
        Array oneHot = Emit.convert(hit, t);
        if (!t.isFloating()) {
            return contract(ur, oneHot);
        }
        Array finite = Emit.op(Primitive.IS_FINITE, ur);
        Array zero = Emit.full(ur, 0);
        Array one = Emit.full(ur, 1);
        Array sum = contract(Emit.select(finite, ur, zero), oneHot);
        Array isNan = Emit.ne(ur, ur);
        Array posInf = Emit.and(Emit.not(finite), Emit.gt(ur, zero));
        Array negInf = Emit.and(Emit.not(finite), Emit.lt(ur, zero));
        Array nans = contract(Emit.select(isNan, one, zero), oneHot);
        Array pos = contract(Emit.select(posInf, one, zero), oneHot);
        Array neg = contract(Emit.select(negInf, one, zero), oneHot);
        Array z = Emit.full(sum, 0);
        Array nan = Emit.or(Emit.gt(nans, z), Emit.and(Emit.gt(pos, z), Emit.gt(neg, z)));
        Array result = Emit.select(Emit.gt(neg, z), Emit.full(sum, Double.NEGATIVE_INFINITY), sum);
        result = Emit.select(Emit.gt(pos, z), Emit.full(sum, Double.POSITIVE_INFINITY), result);
        return Emit.select(nan, Emit.full(sum, Double.NaN), result);
    }

    /** {@code [pre, k, post] · [k, n] -> [pre, n, post]}. */
    private static Array contract(Array ur, Array oneHot) {
        Array d = Emit.op(
                Primitive.DOT_GENERAL,
                new Params.DotGeneral(new int[] {1}, new int[] {0}, new int[0], new int[0]),
                ur,
                oneHot);
        // [pre, post, n]
        return Emit.op(Primitive.TRANSPOSE, new Params.Transpose(0, 2, 1), d);
    }

    /** The value that leaves the mode's combination unchanged, as a 0-d array of {@code t}. */
    private static Array identity(Mode m, DType t) {
        if (t.isFloating()) {
            return dev.kiln.Np.full(
                    t, m == Mode.MUL ? 1.0 : m == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
        }
        long value =
                switch (m) {
                    case MUL -> 1;
                    case MIN ->
                        t == DType.INT32 ? Integer.MAX_VALUE : t == DType.UINT32 ? 0xFFFF_FFFFL : Long.MAX_VALUE;
                    default -> t == DType.INT32 ? Integer.MIN_VALUE : t == DType.UINT32 ? 0 : Long.MIN_VALUE;
                };
        return dev.kiln.Np.full(t, (double) value); // int64 extremes saturate exactly
    }

    private static Array reshape(Array a, int... shape) {
        return Emit.op(Primitive.RESHAPE, new Params.Reshape(shape), a);
    }
}
