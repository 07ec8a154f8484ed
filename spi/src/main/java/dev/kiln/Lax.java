package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Direct access to Kiln's primitives, like {@code jax.lax}: no promotion or broadcasting, operands
 * must already match the primitive's rules. {@link Np} is built on these.
 */
public final class Lax {
    private Lax() {}

    /** Applies one primitive to operands whose dtypes and shapes already fit it. */
    public static Array bind(Primitive primitive, Params params, Array... operands) {
        Objects.requireNonNull(primitive, "primitive");
        Objects.requireNonNull(params, "params");
        NullChecks.elements(operands, "operands");
        return Dispatch.bind(primitive, params, operands);
    }

    /** Applies a primitive with several outputs (a control-flow primitive); others give one output. */
    public static java.util.List<Array> bindAll(Primitive primitive, Params params, Array... operands) {
        Objects.requireNonNull(primitive, "primitive");
        Objects.requireNonNull(params, "params");
        NullChecks.elements(operands, "operands");
        return Dispatch.bindAll(primitive, params, operands);
    }

    /** Applies an elementwise primitive with no parameters. */
    public static Array bind(Primitive primitive, Array... operands) {
        Objects.requireNonNull(primitive, "primitive");
        NullChecks.elements(operands, "operands");
        return Dispatch.bind(primitive, Params.NONE, operands);
    }

    /** Converts to another dtype with {@link Primitive#CONVERT} (no-op when it already has it). */
    public static Array convert(Array x, DType to) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(to, "to");
        return x.dtype() == to ? x : Dispatch.bind(Primitive.CONVERT, new Params.Convert(to), x);
    }

    /** Broadcasts {@code x} to {@code shape}, mapping operand dimension i to output {@code dims[i]}. */
    public static Array broadcastInDim(Array x, int[] shape, int... dims) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dims, "dims");
        return Dispatch.bind(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(shape, dims), x);
    }

    /** Reshapes without checking anything beyond the element count. */
    public static Array reshape(Array x, int... shape) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(shape, "shape");
        return Arrays.equals(x.shape(), shape) ? x : Dispatch.bind(Primitive.RESHAPE, new Params.Reshape(shape), x);
    }

    /** An array of {@code shape} whose value is the index along {@code dimension}. */
    public static Array iota(DType dtype, int[] shape, int dimension) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        return Dispatch.bind(Primitive.IOTA, new Params.Iota(dtype, shape, dimension));
    }

    /** Permutes dimensions: output dimension {@code i} is operand dimension {@code perm[i]}; identity is a no-op. */
    public static Array transpose(Array x, int... perm) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(perm, "perm");
        boolean[] seen = new boolean[x.ndim()];
        boolean valid = perm.length == x.ndim();
        for (int i = 0; valid && i < perm.length; i++) {
            valid = perm[i] >= 0 && perm[i] < perm.length && !seen[perm[i]];
            seen[valid ? perm[i] : 0] = true;
        }
        if (!valid) {
            throw new AxisException("transpose: " + Arrays.toString(perm)
                    + " is not a permutation of the axes of an array of shape " + Shape.toString(x.shape())
                    + "; give each axis in [0, " + x.ndim() + ") once");
        }
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return Dispatch.bind(Primitive.TRANSPOSE, new Params.Transpose(perm), x);
            }
        }
        return x;
    }

    /**
     * The strided window {@code start[i], start[i]+strides[i], …} below {@code limit[i]} in each
     * dimension (all non-negative and in range); the whole array is a no-op.
     */
    public static Array slice(Array x, int[] start, int[] limit, int[] strides) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(strides, "strides");
        int[] s = x.shape();
        if (start.length != s.length || limit.length != s.length || strides.length != s.length) {
            throw new ShapeException(
                    "slice: start, limit and strides need one entry per dimension of the operand of shape "
                            + Shape.toString(s) + ", got " + start.length + ", " + limit.length + " and "
                            + strides.length
                            + "; give " + s.length + " of each");
        }
        boolean whole = true;
        for (int i = 0; i < s.length && whole; i++) {
            whole = start[i] == 0 && limit[i] == s[i] && (strides[i] == 1 || s[i] <= 1);
        }
        return whole ? x : Dispatch.bind(Primitive.SLICE, new Params.Slice(start, limit, strides), x);
    }

    /** {@link #slice(Array, int[], int[], int[])} with unit strides. */
    public static Array slice(Array x, int[] start, int[] limit) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(limit, "limit");
        int[] ones = new int[start.length];
        Arrays.fill(ones, 1);
        return slice(x, start, limit, ones);
    }

    /** The elements of one axis from {@code start} (inclusive) to {@code limit} (exclusive). */
    public static Array sliceInDim(Array x, int axis, int start, int limit) {
        Objects.requireNonNull(x, "x");
        int[] hi = x.shape();
        int ax = Shape.axis("sliceInDim", axis, hi.length);
        int[] lo = new int[hi.length];
        lo[ax] = start;
        hi[ax] = limit;
        return slice(x, lo, hi);
    }

    /**
     * Pads with the 0-d {@code value} (same dtype): {@code lo}/{@code hi} elements before and after
     * each dimension (negative crops), {@code interior} between neighbours.
     */
    public static Array pad(Array x, Array value, int[] lo, int[] hi, int[] interior) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(lo, "lo");
        Objects.requireNonNull(hi, "hi");
        Objects.requireNonNull(interior, "interior");
        return Dispatch.bind(Primitive.PAD, new Params.Pad(lo, hi, interior), x, value);
    }

    /** Joins arrays of one dtype that match outside {@code axis}; a single operand is returned as is. */
    public static Array concatenate(Array[] xs, int axis) {
        NullChecks.elements(xs, "xs");
        if (xs.length == 0) {
            throw new ShapeException("concatenate: needs at least one array, got none; pass the arrays to join");
        }
        return xs.length == 1 ? xs[0] : Dispatch.bind(Primitive.CONCATENATE, new Params.Axis(axis), xs);
    }

    /** Reverses the listed axes; no axes is a no-op. */
    public static Array rev(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        return axes.length == 0 ? x : Dispatch.bind(Primitive.REV, new Params.Rev(axes), x);
    }

    /**
     * Applies a reduction primitive ({@code REDUCE_SUM}, {@code REDUCE_MAX}, …) over sorted distinct
     * axes, which are removed; no axes is a no-op.
     */
    public static Array reduce(Primitive reduction, Array x, int... axes) {
        Objects.requireNonNull(reduction, "reduction");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        if (reduction.kind() != Primitive.Kind.REDUCE) {
            throw new KilnException("reduce: " + reduction + " is not a reduction primitive; pass one of "
                    + java.util.Arrays.stream(Primitive.values())
                            .filter(q -> q.kind() == Primitive.Kind.REDUCE)
                            .toList());
        }
        return axes.length == 0 ? x : Dispatch.bind(reduction, new Params.Reduce(axes), x);
    }

    /** Sums over sorted distinct axes, keeping the dtype. */
    public static Array reduceSum(Array x, int... axes) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(axes, "axes");
        return reduce(Primitive.REDUCE_SUM, x, axes);
    }

    /**
     * General contraction: pairs {@code lhsContract[i]} with {@code rhsContract[i]} and batches over
     * {@code lhsBatch[i]}/{@code rhsBatch[i]}; the output is batch dimensions, then the free
     * dimensions of {@code lhs}, then those of {@code rhs}. Both operands must share a dtype.
     */
    public static Array dotGeneral(
            Array lhs, Array rhs, int[] lhsContract, int[] rhsContract, int[] lhsBatch, int[] rhsBatch) {
        Objects.requireNonNull(lhs, "lhs");
        Objects.requireNonNull(rhs, "rhs");
        Objects.requireNonNull(lhsContract, "lhsContract");
        Objects.requireNonNull(rhsContract, "rhsContract");
        Objects.requireNonNull(lhsBatch, "lhsBatch");
        Objects.requireNonNull(rhsBatch, "rhsBatch");
        return Dispatch.bind(
                Primitive.DOT_GENERAL, new Params.DotGeneral(lhsContract, rhsContract, lhsBatch, rhsBatch), lhs, rhs);
    }

    /**
     * The window of {@code sizes} starting at {@code starts} (one 0-d integer array per dimension).
     * Negative starts count from the end of their dimension, as in {@code jax.lax.dynamic_slice};
     * starts are then clamped so the window fits, so this never fails on index values.
     *
     * @throws ShapeException when the number of starts or sizes differs from the rank, or a size is
     *     negative or larger than its dimension
     * @throws DTypeException when a start is not a 0-d integer array
     */
    public static Array dynamicSlice(Array x, Array[] starts, int... sizes) {
        Objects.requireNonNull(x, "x");
        NullChecks.elements(starts, "starts");
        Objects.requireNonNull(sizes, "sizes");
        int[] s = x.shape();
        if (sizes.length != s.length) {
            throw new ShapeException("dynamicSlice: " + sizes.length + " sizes given for an array of shape "
                    + Shape.toString(s) + "; give one size per dimension");
        }
        for (int i = 0; i < s.length; i++) {
            if (sizes[i] < 0 || sizes[i] > s[i]) {
                throw new ShapeException("dynamicSlice: window " + Shape.toString(sizes) + " does not fit shape "
                        + Shape.toString(s) + " (dimension " + i + "); each size must be in [0, dimension]");
            }
        }
        Array[] operands = startOperands("dynamicSlice", x, starts);
        return Dispatch.bind(Primitive.DYNAMIC_SLICE, new Params.DynamicSlice(sizes), operands);
    }

    /**
     * {@code x} with the window at {@code starts} replaced by {@code update} (same dtype and rank,
     * no larger in any dimension). Negative starts count from the end; starts are then clamped so
     * the update fits, as in {@code jax.lax.dynamic_update_slice}.
     *
     * @throws ShapeException when ranks differ, the update is larger than {@code x}, or the number of
     *     starts differs from the rank
     * @throws DTypeException when dtypes differ or a start is not a 0-d integer array
     */
    public static Array dynamicUpdateSlice(Array x, Array update, Array... starts) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(update, "update");
        NullChecks.elements(starts, "starts");
        int[] s = x.shape();
        int[] u = update.shape();
        if (update.dtype() != x.dtype()) {
            throw new DTypeException("dynamicUpdateSlice: update has dtype " + update.dtype() + " but the array has "
                    + x.dtype() + "; astype the update first");
        }
        boolean fits = u.length == s.length;
        for (int i = 0; fits && i < s.length; i++) {
            fits = u[i] <= s[i];
        }
        if (!fits) {
            throw new ShapeException("dynamicUpdateSlice: update of shape " + Shape.toString(u)
                    + " does not fit in an array of shape " + Shape.toString(s)
                    + "; the update needs the same rank and no dimension larger than the array's");
        }
        Array[] starting = startOperands("dynamicUpdateSlice", x, starts);
        Array[] operands = new Array[starting.length + 1];
        operands[0] = x;
        operands[1] = update;
        System.arraycopy(starting, 1, operands, 2, starting.length - 1);
        return Dispatch.bind(Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, operands);
    }

    /** {@code x} followed by the start indices, checked, wrapped if negative and of one integer dtype. */
    private static Array[] startOperands(String fn, Array x, Array[] starts) {
        int[] s = x.shape();
        if (starts.length != s.length) {
            throw new ShapeException(fn + ": " + starts.length + " start indices given for an array of shape "
                    + Shape.toString(s) + "; give one 0-d integer array per dimension");
        }
        DType common = DType.INT32;
        for (int i = 0; i < starts.length; i++) {
            Array st = starts[i];
            if (st.ndim() != 0 || !st.dtype().isInteger()) {
                throw new DTypeException(fn + ": start index " + i + " is " + st.spec()
                        + "; each start must be a 0-d integer array, e.g. Np.scalar(3)");
            }
            if (st.dtype() == DType.INT64 || st.dtype() == DType.UINT32) {
                common = DType.INT64;
            }
        }
        Array[] out = new Array[starts.length + 1];
        out[0] = x;
        for (int i = 0; i < starts.length; i++) {
            Array st = convert(starts[i], common);
            Array negative = bind(Primitive.LT, st, Np.filled(common, 0L));
            out[i + 1] = bind(Primitive.SELECT, negative, bind(Primitive.ADD, st, Np.filled(common, (long) s[i])), st);
        }
        return out;
    }

    // ---------------------------------------------------------------- control flow

    /** What one step of {@link #scan} returns: the next carry and this step's output slice. */
    public record Step<C, Y>(C carry, Y y) {
        public static <C, Y> Step<C, Y> of(C carry, Y y) {
            return new Step<>(carry, y);
        }
    }

    /** The final carry of a {@link #scan} and its outputs stacked along a new leading axis. */
    public record ScanResult<C, Y>(C carry, Y ys) {}

    /**
     * {@code onTrue(operand)} if the 0-d {@code predicate} holds, else {@code onFalse(operand)}. On a
     * concrete predicate only the chosen branch runs; on a traced one both branches are traced into
     * a {@code cond} primitive and must return the same structure, shapes and dtypes.
     */
    public static <T, R> R cond(Array predicate, Function<T, R> onTrue, Function<T, R> onFalse, T operand) {
        Objects.requireNonNull(predicate, "predicate");
        Objects.requireNonNull(onTrue, "onTrue");
        Objects.requireNonNull(onFalse, "onFalse");
        if (predicate.dtype() != DType.BOOL) {
            throw new DTypeException("cond: the predicate must be a bool array, got " + predicate.dtype()
                    + "; compare first (e.g. Np.greater(x, 0))");
        }
        return Loops.switchCase("cond", predicate, List.of(onFalse, onTrue), operand);
    }

    /** {@code branches.get(index)(operand)}, with the index clamped into range as XLA does. */
    public static <T, R> R switchCase(Array index, List<Function<T, R>> branches, T operand) {
        Objects.requireNonNull(index, "index");
        NullChecks.elements(branches, "branches");
        if (!index.dtype().isInteger()) {
            throw new DTypeException("switchCase: the index must be an integer array, got " + index.dtype());
        }
        return Loops.switchCase("switchCase", index, branches, operand);
    }

    /**
     * Repeats {@code body} while {@code cond} (a 0-d bool) holds, starting from {@code init}; the
     * carry keeps its structure, shapes and dtypes. Differentiable in forward mode.
     */
    public static <T> T whileLoop(Function<T, Array> cond, Function<T, T> body, T init) {
        Objects.requireNonNull(cond, "cond");
        Objects.requireNonNull(body, "body");
        return Loops.whileLoop(cond, body, init);
    }

    /**
     * {@code body(i, carry)} for i from {@code lower} to {@code upper - 1} (i is a 0-d int32); with
     * this static trip count it is a {@link #scan}, so it is differentiable in reverse mode too.
     */
    public static <T> T forLoop(int lower, int upper, BiFunction<Array, T, T> body, T init) {
        Objects.requireNonNull(body, "body");
        long count = Math.max(0, (long) upper - lower);
        if (count > Integer.MAX_VALUE) {
            throw new ShapeException("forLoop: " + lower + " to " + upper + " is " + count
                    + " iterations, more than a loop can count (2^31 - 1); split the loop");
        }
        int n = (int) count;
        Object[] start = {Np.scalar(lower), init};
        ScanResult<Object[], Object> r = scan(
                (Object[] c, Object x) -> {
                    @SuppressWarnings("unchecked")
                    T next = body.apply((Array) c[0], (T) c[1]);
                    return Step.of(new Object[] {((Array) c[0]).add(1), next}, null);
                },
                start,
                null,
                n,
                false);
        @SuppressWarnings("unchecked")
        T out = (T) r.carry()[1];
        return out;
    }

    /**
     * Scans {@code f} over the leading axis of {@code xs} (a tree of arrays), threading a carry:
     * {@code f(carry, x_i)} returns the next carry and an output slice; the result has the final
     * carry and the slices stacked. Differentiable in both modes, and batchable.
     */
    public static <C, X, Y> ScanResult<C, Y> scan(BiFunction<C, X, Step<C, Y>> f, C init, X xs) {
        Objects.requireNonNull(f, "f");
        return Loops.scan(f, init, xs, -1, false);
    }

    /** {@link #scan(BiFunction, Object, Object)} with an explicit length (needed when {@code xs} is null) and direction. */
    public static <C, X, Y> ScanResult<C, Y> scan(
            BiFunction<C, X, Step<C, Y>> f, C init, X xs, int length, boolean reverse) {
        Objects.requireNonNull(f, "f");
        return Loops.scan(f, init, xs, length, reverse);
    }

    // ---------------------------------------------------------------- collectives over a named axis

    /**
     * The sum of {@code x} over the members of the mapped axis {@code axisName} (a {@link
     * Kiln#pmap} axis, or a {@link Kiln#vmap(java.util.function.Function, String)} one); every member
     * gets the total. Its transpose is a psum of the cotangents, as in JAX.
     */
    public static Array psum(Array x, String axisName) {
        return Collectives.reduce(dev.kiln.ir.Primitive.PSUM, "psum", x, axisName);
    }

    /** The mean of {@code x} over the members of {@code axisName}: {@code psum(x) / axisSize}. */
    public static Array pmean(Array x, String axisName) {
        int n = Collectives.axisSize(axisName);
        return Np.divide(psum(x, axisName), n);
    }

    /** The elementwise maximum over the members of {@code axisName} (NaN wins). */
    public static Array pmax(Array x, String axisName) {
        return Collectives.reduce(dev.kiln.ir.Primitive.PMAX, "pmax", x, axisName);
    }

    /** The elementwise minimum over the members of {@code axisName} (NaN wins). */
    public static Array pmin(Array x, String axisName) {
        return Collectives.reduce(dev.kiln.ir.Primitive.PMIN, "pmin", x, axisName);
    }

    /** Every member's {@code x} stacked on a new leading axis, in member order. */
    public static Array allGather(Array x, String axisName) {
        return allGather(x, axisName, 0, false);
    }

    /**
     * Every member's {@code x}, stacked on a new axis {@code axis} or, when {@code tiled},
     * concatenated along {@code axis}. Its transpose is {@link #psumScatter}.
     */
    public static Array allGather(Array x, String axisName, int axis, boolean tiled) {
        return Collectives.allGather(x, axisName, axis, tiled);
    }

    /**
     * The sum over members, scattered: member i keeps block i of {@code axis} ({@code axis} has one
     * entry per member, removed from the result, or, when {@code tiled}, a multiple of the member
     * count, cut into equal blocks). Its transpose is {@link #allGather}.
     */
    public static Array psumScatter(Array x, String axisName, int axis, boolean tiled) {
        return Collectives.psumScatter(x, axisName, axis, tiled);
    }

    /**
     * Sends each member's {@code x} along the {@code {source, destination}} pairs of {@code perm};
     * a member no pair sends to gets zeros. Its transpose is the inverse permutation.
     */
    public static Array ppermute(Array x, String axisName, int[][] perm) {
        return Collectives.ppermute(x, axisName, perm);
    }

    /**
     * Splits {@code splitAxis} (whose length is the member count) and sends block j to member j;
     * each member stacks what it receives, in member order, on a new axis {@code concatAxis} of the
     * result (whose other axes are {@code x}'s without {@code splitAxis}).
     */
    public static Array allToAll(Array x, String axisName, int splitAxis, int concatAxis) {
        return Collectives.allToAll(x, axisName, splitAxis, concatAxis);
    }

    /** This member's index along {@code axisName}, an int32 scalar. */
    public static Array axisIndex(String axisName) {
        return Collectives.axisIndex(axisName);
    }

    /** The number of members of {@code axisName}. */
    public static int axisSize(String axisName) {
        return Collectives.axisSize(axisName);
    }

    /**
     * {@link #psum} over several axes at once (JAX's tuple of axis names): the sum over every member of
     * every named axis, as over one axis of their product; no names leave {@code x} as it is.
     */
    public static Array psum(Array x, String... axisNames) {
        return Collectives.reduceOver(dev.kiln.ir.Primitive.PSUM, "psum", x, axisNames);
    }

    /** {@link #pmean} over several axes at once: the sum over all their members divided by their count. */
    public static Array pmean(Array x, String... axisNames) {
        int n = Collectives.axisSize(axisNames);
        return Np.divide(psum(x, axisNames), n);
    }

    /**
     * {@link #psum} of every leaf of a pytree (JAX's {@code psum} of a tree), with one collective per
     * dtype for all the leaves: they are joined, summed together and cut back, so the devices meet once
     * instead of once per leaf (the gradients of a data-parallel step, say).
     */
    public static <T> T psumTree(T tree, String axisName) {
        return Collectives.reduceTree("psumTree", tree, axisName, false);
    }

    /** {@link #pmean} of every leaf of a pytree, with one collective per dtype (see {@link #psumTree}). */
    public static <T> T pmeanTree(T tree, String axisName) {
        return Collectives.reduceTree("pmeanTree", tree, axisName, true);
    }

    /** {@link #pmax} over several axes at once. */
    public static Array pmax(Array x, String... axisNames) {
        return Collectives.reduceOver(dev.kiln.ir.Primitive.PMAX, "pmax", x, axisNames);
    }

    /** {@link #pmin} over several axes at once. */
    public static Array pmin(Array x, String... axisNames) {
        return Collectives.reduceOver(dev.kiln.ir.Primitive.PMIN, "pmin", x, axisNames);
    }

    /**
     * This member's index over several axes taken as one, the first name the slowest (JAX's tuple of
     * axis names): {@code axisIndex(a) · axisSize(b) + axisIndex(b)} for two.
     */
    public static Array axisIndex(String... axisNames) {
        return Collectives.axisIndex(axisNames);
    }

    /** The number of members of several axes taken as one: the product of their sizes. */
    public static int axisSize(String... axisNames) {
        return Collectives.axisSize(axisNames);
    }

    // ---------------------------------------------------------------- breadth, part 1 (issue 14)

    /**
     * The {@code k} largest elements along the last axis and their int32 indices, largest first
     * (ties: lower index first), as {@code jax.lax.top_k}: {@code [values, indices]}.
     *
     * @throws ShapeException when k is negative or larger than the last axis
     */
    public static Array[] topK(Array x, int k) {
        Objects.requireNonNull(x, "x");
        if (x.ndim() == 0 || k < 0 || k > x.shape(x.ndim() - 1)) {
            throw new ShapeException(
                    "topK: k = " + k + " must lie in [0, " + (x.ndim() == 0 ? 0 : x.shape(x.ndim() - 1))
                            + "], the length of the last axis of shape " + Shape.toString(x.shape()));
        }
        int last = x.ndim() - 1;
        Array order = sliceInDim(Sorting.argsortLast(x, true), last, 0, k);
        return new Array[] {Np.takeAlongAxis(x, order, last, "clip"), order};
    }

    /**
     * The representable value next to {@code x} in the direction of {@code y}, as {@code
     * jax.lax.nextafter}: both operands of one floating dtype (no promotion, unlike {@link
     * Np#nextafter}), broadcast as NumPy does.
     *
     * @throws DTypeException when the dtypes differ or are not floating
     */
    public static Array nextafter(Array x, Array y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.dtype() != y.dtype() || !x.dtype().isFloating()) {
            throw new DTypeException("nextafter: operands must share one floating dtype, got " + x.dtype() + " and "
                    + y.dtype() + "; convert them first (Lax.convert), or use Np.nextafter, which promotes");
        }
        return Np.nextafter(x, y);
    }

    /** {@code jax.lax.bessel_i0e}: {@link Special#i0e} of a floating array. */
    public static Array besselI0e(Array x) {
        return Special.i0e(requireFloating("besselI0e", x));
    }

    /** {@code jax.lax.bessel_i1e}: {@link Special#i1e} of a floating array. */
    public static Array besselI1e(Array x) {
        return Special.i1e(requireFloating("besselI1e", x));
    }

    private static Array requireFloating(String fn, Array x) {
        Objects.requireNonNull(x, "x");
        if (!x.dtype().isFloating()) {
            throw new DTypeException(fn + ": x must be float32 or float64, got " + x.dtype()
                    + "; convert it first (Lax.convert), or use Special."
                    + fn.replace("bessel", "").toLowerCase(java.util.Locale.ROOT)
                    + ", which promotes");
        }
        return x;
    }

    /** Same as {@link #forLoop}, spelled as {@code jax.lax.fori_loop}. */
    public static <T> T foriLoop(int lower, int upper, BiFunction<Array, T, T> body, T init) {
        return forLoop(lower, upper, body, init);
    }

    /**
     * {@code f} applied to each slice of {@code xs} along its leading axis, results stacked, as
     * {@code jax.lax.map} (a {@link #scan} with no carry).
     */
    public static <X, Y> Y map(Function<X, Y> f, X xs) {
        java.util.Objects.requireNonNull(f, "f");
        ScanResult<Array, Y> r = scan((Array c, X x) -> Step.of(c, f.apply(x)), Np.zeros(DType.INT32), xs);
        return r.ys();
    }

    /**
     * All prefix combinations of {@code elems} along {@code axis} under the associative {@code fn}
     * ({@code out[i] = fn(...fn(fn(x[0], x[1]), x[2])..., x[i])}), as {@code jax.lax.associative_scan}:
     * {@code ceil(log2 n)} rounds, each combining every element with the one {@code 2^r} before it.
     */
    public static Array associativeScan(java.util.function.BinaryOperator<Array> fn, Array elems, int axis) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(elems, "elems");
        int a = Shape.axis("associativeScan", axis, elems.ndim());
        int n = elems.shape(a);
        Array x = elems;
        for (int d = 1; d < n; d <<= 1) {
            Array head = sliceInDim(x, a, 0, d);
            Object res = fn.apply(sliceInDim(x, a, 0, n - d), sliceInDim(x, a, d, n));
            if (!(res instanceof Array combined)) {
                throw new TreeException("associativeScan: the function must return an Array, got "
                        + Transforms.describe(res) + "; return the combination of its two arguments");
            }
            x = concatenate(new Array[] {head, combined}, a);
        }
        return x;
    }
}
