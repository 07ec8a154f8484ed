package dev.kiln;

import java.util.Arrays;
import java.util.Objects;

/**
 * The bodies of the smaller {@code jax.lax} functions added for API breadth ({@link Lax#select},
 * {@link Lax#stack}, {@link Lax#tile}, {@link Lax#mulhi}, {@link Lax#approxMaxK}, the convolution
 * shape helpers, …): checks in lax's strict style (one dtype, no promotion), then compositions of
 * existing functions, so they differentiate, batch and jit as those do.
 */
final class LaxMore {
    private LaxMore() {}

    static Array select(Array pred, Array onTrue, Array onFalse) {
        Objects.requireNonNull(pred, "pred");
        Objects.requireNonNull(onTrue, "onTrue");
        Objects.requireNonNull(onFalse, "onFalse");
        if (pred.dtype() != DType.BOOL) {
            throw new DTypeException("select: pred must be bool, got " + pred.dtype()
                    + "; compare first (Lax.ne(x, 0)) or use Lax.selectN for an integer case index");
        }
        if (onTrue.dtype() != onFalse.dtype() || !Arrays.equals(onTrue.shape(), onFalse.shape())) {
            throw new ShapeException("select: onTrue and onFalse must share dtype and shape, got " + onTrue.spec()
                    + " and " + onFalse.spec());
        }
        if (pred.ndim() != 0 && !Arrays.equals(pred.shape(), onTrue.shape())) {
            throw new ShapeException("select: pred of shape " + Shape.toString(pred.shape())
                    + " must be rank 0 or the cases' shape " + Shape.toString(onTrue.shape()));
        }
        return Np.where(pred, onTrue, onFalse);
    }

    static Array stack(Array[] operands, int axis) {
        NullChecks.elements(operands, "operands");
        if (operands.length == 0) {
            throw new ShapeException("stack: needs at least one array");
        }
        for (Array o : operands) {
            if (o.dtype() != operands[0].dtype()) {
                throw new DTypeException("stack: requires arguments to have the same dtypes, got " + operands[0].dtype()
                        + " and " + o.dtype() + "; convert with Lax.convert, or use Np.stack, which promotes");
            }
            if (!Arrays.equals(o.shape(), operands[0].shape())) {
                throw new ShapeException("stack: requires arguments of one shape, got "
                        + Shape.toString(operands[0].shape()) + " and " + Shape.toString(o.shape()));
            }
        }
        int a = Shape.axis("stack", axis, operands[0].ndim() + 1);
        Array[] parts = new Array[operands.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Lax.expandDims(operands[i], a);
        }
        return Lax.concatenate(parts, a);
    }

    static Array[] unstack(Array x, int axis) {
        Objects.requireNonNull(x, "x");
        int a = Shape.axis("unstack", axis, x.ndim());
        Array[] out = new Array[x.shape(a)];
        for (int i = 0; i < out.length; i++) {
            out[i] = Lax.indexInDim(x, i, a, false);
        }
        return out;
    }

    static Array tile(Array x, int[] reps) {
        Objects.requireNonNull(x, "operand");
        Objects.requireNonNull(reps, "reps");
        if (reps.length != x.ndim()) {
            throw new ShapeException("tile: reps length must be equal to the ndim of x, got " + reps.length + " and "
                    + x.ndim() + "; give one count per axis (Np.tile pads with ones)");
        }
        for (int r : reps) {
            if (r < 0) {
                throw new ShapeException("tile: reps " + Arrays.toString(reps) + " holds a negative count");
            }
        }
        return Np.tile(x, reps);
    }

    static Array broadcastLike(Array x, Array like) {
        Objects.requireNonNull(x, "arr");
        Objects.requireNonNull(like, "likeArr");
        int[] to = like.shape();
        int[] s = x.shape();
        boolean ok = s.length <= to.length;
        for (int i = 0; ok && i < s.length; i++) {
            int d = s[s.length - 1 - i];
            ok = d == 1 || d == to[to.length - 1 - i];
        }
        if (!ok) {
            throw new ShapeException(
                    "broadcastLike: shape " + Shape.toString(s) + " cannot be broadcast to " + Shape.toString(to));
        }
        return Np.broadcastTo(x, to);
    }

    static Array dynamicUpdateIndexInDim(Array x, Array update, Object index, int axis) {
        Objects.requireNonNull(x, "operand");
        Objects.requireNonNull(update, "update");
        Objects.requireNonNull(index, "index");
        int a = Shape.axis("dynamicUpdateIndexInDim", axis, x.ndim());
        Array u = update;
        if (u.ndim() != x.ndim()) {
            if (u.ndim() + 1 != x.ndim()) {
                throw new ShapeException("dynamicUpdateIndexInDim: update of rank " + u.ndim()
                        + " must have the operand's rank " + x.ndim() + " or one less");
            }
            u = Lax.expandDims(u, a);
        }
        if (u.shape(a) != 1) {
            throw new ShapeException("dynamicUpdateIndexInDim: the update must have size 1 along axis " + a
                    + ", got shape " + Shape.toString(u.shape()));
        }
        if (u.dtype() != x.dtype()) {
            throw new DTypeException("dynamicUpdateIndexInDim: update is " + u.dtype() + " but the operand is "
                    + x.dtype() + "; convert it with Lax.convert");
        }
        for (int d = 0; d < x.ndim(); d++) {
            if (u.shape(d) > x.shape(d)) {
                throw new ShapeException("dynamicUpdateIndexInDim: update shape " + Shape.toString(u.shape())
                        + " does not fit operand shape " + Shape.toString(x.shape()));
            }
        }
        return Lax.dynamicUpdateSliceInDim(x, u, index, a);
    }

    static Array indexTake(Array src, Array[] idxs, int[] axes) {
        Objects.requireNonNull(src, "src");
        NullChecks.elements(idxs, "idxs");
        Objects.requireNonNull(axes, "axes");
        String fn = "indexTake";
        if (idxs.length != axes.length || idxs.length == 0) {
            throw new ShapeException(fn + ": needs one index array per axis and at least one, got " + idxs.length
                    + " index arrays and " + axes.length + " axes");
        }
        int[] ax = new int[axes.length];
        for (int i = 0; i < ax.length; i++) {
            ax[i] = Shape.axis(fn, axes[i], src.ndim());
        }
        int[] sorted = ax.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < ax.length; i++) {
            if (sorted[i] != ax[i]) {
                throw new AxisException(
                        fn + ": axes " + Arrays.toString(axes) + " must be increasing (JAX collapses them in order)");
            }
            if (i > 0 && ax[i] == ax[i - 1]) {
                throw new AxisException(fn + ": axes " + Arrays.toString(axes) + " repeat an axis");
            }
        }
        Array[] cols = new Array[idxs.length];
        for (int i = 0; i < cols.length; i++) {
            Array ix = idxs[i];
            if (!ix.dtype().isInteger()) {
                throw new DTypeException(fn + ": indices must be integers, got " + ix.dtype());
            }
            if (ix.ndim() != 1 || ix.shape(0) != idxs[0].shape(0)) {
                throw new ShapeException(fn + ": index arrays must be 1-d and of one length, got "
                        + Shape.toString(ix.shape()) + " and " + Shape.toString(idxs[0].shape()));
            }
            if (src.shape(ax[i]) == 0) {
                throw new IndexException(fn + ": axis " + ax[i] + " is empty; there is nothing to take");
            }
            Array c = ix.dtype() == idxs[0].dtype() ? ix : Lax.convert(ix, idxs[0].dtype());
            // as JAX: the index taken modulo the axis length (so -1 is the last)
            cols[i] = Lax.expandDims(Np.mod(c, Np.full(c.dtype(), src.shape(ax[i]))), 1);
        }
        Array indices = Lax.concatenate(cols, 1);
        int[] sizes = src.shape().clone();
        for (int a : ax) {
            sizes[a] = 1;
        }
        int[] offset = new int[src.ndim() - ax.length];
        for (int i = 0; i < offset.length; i++) {
            offset[i] = i + 1;
        }
        return Lax.gather(src, indices, new GatherDimensionNumbers(offset, ax, ax), sizes);
    }

    /** The high half of the double-width product, for integers (signed or unsigned) of one dtype. */
    static Array mulhi(Object a, Object b) {
        Array[] xy = LaxOps.operands("mulhi", a, b);
        Array x = xy[0];
        Array y = xy[1];
        DType t = x.dtype();
        if (!t.isInteger() || t == DType.BOOL) {
            throw new DTypeException("mulhi: needs integer operands, got " + t);
        }
        int bits = t.byteSize() * 8;
        boolean signed = !t.toString().startsWith("u");
        if (bits < 64) {
            // the exact product fits in 64 bits: widen, multiply, shift
            DType wide = DType.INT64;
            Array p = Np.multiply(Lax.convert(x, wide), Lax.convert(y, wide));
            Array hi = signed
                    ? Lax.shiftRightArithmetic(p, Np.full(wide, bits, p.shape()))
                    : Lax.shiftRightLogical(p, Np.full(wide, bits, p.shape()));
            return Lax.convert(hi, t);
        }
        // 64 bits: the product from 32-bit halves, with wrap-around arithmetic on int64
        Array m = Np.full(t, 0xFFFFFFFFL, x.shape());
        Array s32 = Np.full(t, 32, x.shape());
        Array x0 = Np.bitwiseAnd(x, m);
        Array x1 = Lax.shiftRightLogical(x, s32);
        Array y0 = Np.bitwiseAnd(y, m);
        Array y1 = Lax.shiftRightLogical(y, s32);
        Array p00 = Np.multiply(x0, y0);
        Array p01 = Np.multiply(x0, y1);
        Array p10 = Np.multiply(x1, y0);
        Array p11 = Np.multiply(x1, y1);
        Array mid = Np.add(Np.add(Lax.shiftRightLogical(p00, s32), Np.bitwiseAnd(p01, m)), Np.bitwiseAnd(p10, m));
        Array hi = Np.add(
                Np.add(p11, Lax.shiftRightLogical(p01, s32)),
                Np.add(Lax.shiftRightLogical(p10, s32), Lax.shiftRightLogical(mid, s32)));
        if (signed) {
            // the unsigned high word less y where x < 0 and less x where y < 0
            Array zero = Np.zeros(t, x.shape());
            hi = Np.subtract(hi, Np.where(Np.less(x, zero), y, zero));
            hi = Np.subtract(hi, Np.where(Np.less(y, zero), x, zero));
        }
        return hi;
    }

    static Array[] approxTopK(String fn, Array x, int k, int dimension, double recallTarget, boolean max) {
        Objects.requireNonNull(x, "operand");
        if (x.ndim() == 0) {
            throw new ShapeException(fn + ": needs an array of rank at least 1, got a 0-d array");
        }
        int a = Shape.axis(fn, dimension, x.ndim());
        if (k <= 0 || k > x.shape(a)) {
            throw new ShapeException(fn + ": k = " + k + " must lie in [1, " + x.shape(a) + "], the length of axis " + a
                    + " of shape " + Shape.toString(x.shape()));
        }
        if (!(recallTarget > 0 && recallTarget <= 1)) {
            throw new KilnException(fn + ": recallTarget " + recallTarget + " must lie in (0, 1]");
        }
        if (!x.dtype().isFloating()) {
            throw new DTypeException(fn + ": operand must be a floating type, got " + x.dtype()
                    + "; convert it with Lax.convert or use Lax.topK");
        }
        // exact top-k (a valid approximation, as on CPU in JAX); for the least, the order reversed
        Array moved = Np.moveaxis(x, a, -1);
        Array keys = max ? moved : Np.negative(moved);
        Array[] top = Lax.topK(keys, k);
        Array values = Np.takeAlongAxis(moved, top[1], -1, "clip");
        return new Array[] {Np.moveaxis(values, -1, a), Np.moveaxis(top[1], -1, a)};
    }

    static int[] convShapeTuple(int[] lhsShape, int[] rhsShape, int[] strides, int[][] pads, int batchGroupCount) {
        String fn = "convShapeTuple";
        Objects.requireNonNull(lhsShape, "lhsShape");
        Objects.requireNonNull(rhsShape, "rhsShape");
        if (lhsShape.length != rhsShape.length || lhsShape.length < 2) {
            throw new ShapeException(fn + ": shapes " + Shape.toString(lhsShape) + " and " + Shape.toString(rhsShape)
                    + " need one rank of at least 2");
        }
        int n = lhsShape.length - 2;
        int[] st = Convolution.positive(fn, "strides", strides, n);
        Objects.requireNonNull(pads, "pads");
        if (pads.length != n) {
            throw new ShapeException(
                    fn + ": wrong number of explicit pads for convolution: expected " + n + ", got " + pads.length);
        }
        int[][] pad = Convolution.checkPairs(fn, pads, n);
        if (batchGroupCount < 1 || lhsShape[0] % batchGroupCount != 0) {
            throw new ShapeException(fn + ": batchGroupCount " + batchGroupCount + " must be positive and divide the"
                    + " batch size " + lhsShape[0]);
        }
        int[] out = new int[n + 2];
        out[0] = lhsShape[0] / batchGroupCount;
        out[1] = rhsShape[0];
        for (int i = 0; i < n; i++) {
            int padded = lhsShape[2 + i] + pad[i][0] + pad[i][1];
            if (padded < 0) {
                throw new ShapeException(fn + ": negative padding " + Arrays.toString(pad[i])
                        + " is larger than the dimension " + lhsShape[2 + i]);
            }
            out[2 + i] = Math.max(0, Math.floorDiv(padded - rhsShape[2 + i], st[i]) + 1);
        }
        return out;
    }

    static int[][] convGeneralPermutations(String[] dimensionNumbers) {
        Objects.requireNonNull(dimensionNumbers, "dimensionNumbers");
        NullChecks.elements(dimensionNumbers, "dimensionNumbers");
        if (dimensionNumbers.length != 3) {
            throw new ShapeException("convGeneralPermutations: dimensionNumbers needs three layout strings, got "
                    + dimensionNumbers.length);
        }
        int rank = dimensionNumbers[0].length();
        for (String s : dimensionNumbers) {
            if (s.length() != rank) {
                throw new ShapeException("convGeneralPermutations: layout strings " + Arrays.toString(dimensionNumbers)
                        + " must have one length");
            }
        }
        Convolution.Dims d = Convolution.parse("convGeneralPermutations", rank, dimensionNumbers);
        return new int[][] {d.lhs(), d.rhs(), d.out()};
    }

    static int[] convTransposeShapeTuple(
            int[] lhsShape, int[] rhsShape, int[] windowStrides, String padding, int[][] pairs, String[] dn) {
        String fn = "convTransposeShapeTuple";
        Objects.requireNonNull(lhsShape, "lhsShape");
        Objects.requireNonNull(rhsShape, "rhsShape");
        Objects.requireNonNull(dn, "dimensionNumbers");
        if (lhsShape.length != rhsShape.length || lhsShape.length < 2) {
            throw new ShapeException(fn + ": shapes " + Shape.toString(lhsShape) + " and " + Shape.toString(rhsShape)
                    + " need one rank of at least 2");
        }
        int rank = lhsShape.length;
        Convolution.Dims d = Convolution.parse(fn, rank, dn);
        int n = rank - 2;
        int[] st = Convolution.positive(fn, "windowStrides", windowStrides, n);
        if (padding != null && !padding.equals("SAME") && !padding.equals("VALID")) {
            throw new KilnException(fn + ": padding \"" + padding + "\" must be \"SAME\" or \"VALID\" (or pairs)");
        }
        int[][] pad = padding == null ? Convolution.checkPairs(fn, pairs, n) : null;
        int[] outT = new int[rank];
        outT[0] = lhsShape[d.lhs()[0]];
        outT[1] = rhsShape[d.rhs()[0]];
        for (int i = 0; i < n; i++) {
            int k = rhsShape[d.rhs()[2 + i]];
            int in = lhsShape[d.lhs()[2 + i]];
            // padding pairs are added as given (JAX sums them); a padding string is converted first
            int[] p = padding == null ? pad[i] : Convolution.transposePadding(k, st[i], padding, null);
            outT[2 + i] = (in - 1) * st[i] - k + 2 + p[0] + p[1];
        }
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[d.out()[i]] = outT[i];
        }
        return out;
    }

    /**
     * The kernel of {@code conv_general_dilated_patches}: one output channel per (input channel,
     * filter position), a one at that position, laid out by the kernel spec.
     */
    /**
     * {@code jax.lax.conv_general_dilated_local}: the patches of {@code lhs} (as {@link
     * Lax#convGeneralDilatedPatches}) contracted over their channels with a kernel of its own for every
     * output position, {@code dot_general} batched over the output's spatial positions, then the batch
     * and feature axes moved to the output layout. Exactly one of {@code padName} and {@code pads}.
     */
    static Array convLocal(
            String fn,
            Array lhs,
            Array rhs,
            int[] windowStrides,
            String padName,
            int[][] pads,
            int[] filterShape,
            int[] lhsDilation,
            int[] rhsDilation,
            String[] dimensionNumbers) {
        Objects.requireNonNull(rhs, "rhs");
        Array k = patchKernel(fn, lhs, filterShape, dimensionNumbers);
        int rank = lhs.ndim();
        if (rhs.ndim() != rank) {
            throw new ShapeException(fn + ": rhs of shape " + Shape.toString(rhs.shape()) + " needs the rank of lhs "
                    + Shape.toString(lhs.shape())
                    + " (out feature, in feature, then one axis per output position axis)");
        }
        if (rhs.dtype() != lhs.dtype()) {
            throw new DTypeException(
                    fn + ": lhs has dtype " + lhs.dtype() + " but rhs has " + rhs.dtype() + "; convert one (astype)");
        }
        Convolution.Dims d = Convolution.parse(fn, rank, dimensionNumbers);
        int groups = lhs.shape(d.lhs()[1]);
        Array patches = padName != null
                ? Convolution.general(
                        fn, lhs, k, windowStrides, padName, lhsDilation, rhsDilation, dimensionNumbers, groups, 1, null)
                : Convolution.general(fn, lhs, k, windowStrides, pads, lhsDilation, rhsDilation, d, groups, 1, null);
        int[] out = d.out();
        int[] ker = d.rhs();
        int n = rank - 2;
        if (patches.shape(out[1]) != rhs.shape(ker[1])) {
            throw new ShapeException(fn + ": rhs's in-feature axis has " + rhs.shape(ker[1]) + " entries but the"
                    + " patches have " + patches.shape(out[1]) + " (input channels times the filter's "
                    + Arrays.toString(filterShape) + " positions)");
        }
        for (int i = 0; i < n; i++) {
            if (patches.shape(out[2 + i]) != rhs.shape(ker[2 + i])) {
                throw new ShapeException(
                        fn + ": rhs's spatial axes " + Arrays.toString(Convolution.spatial(rhs.shape(), ker))
                                + " must be the output's spatial sizes "
                                + Arrays.toString(Convolution.spatial(patches.shape(), out))
                                + ": one kernel per output position");
            }
        }
        // batch over the output's spatial axes in the output's order, the kernel's matched to them
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(out[2 + a], out[2 + b]));
        int[] lhsBatch = new int[n];
        int[] rhsBatch = new int[n];
        for (int i = 0; i < n; i++) {
            lhsBatch[i] = out[2 + order[i]];
            rhsBatch[i] = ker[2 + order[i]];
        }
        Array y = Lax.dotGeneral(patches, rhs, new int[] {out[1]}, new int[] {ker[1]}, lhsBatch, rhsBatch);
        // [spatial..., N, O] to the output layout
        int[] perm = new int[rank];
        for (int p = 0, next = 0; p < rank; p++) {
            perm[p] = p == out[0] ? rank - 2 : p == out[1] ? rank - 1 : next++;
        }
        return Lax.transpose(y, perm);
    }

    static Array patchKernel(String fn, Array lhs, int[] filterShape, String[] dimensionNumbers) {
        Objects.requireNonNull(lhs, "lhs");
        Objects.requireNonNull(filterShape, "filterShape");
        if (lhs.ndim() < 2 || filterShape.length != lhs.ndim() - 2) {
            throw new ShapeException(fn + ": filterShape " + Arrays.toString(filterShape) + " needs one size per"
                    + " spatial axis of lhs " + Shape.toString(lhs.shape()));
        }
        if (!lhs.dtype().isFloating()) {
            throw new DTypeException(fn + ": lhs must be floating-point, got " + lhs.dtype());
        }
        int spatial = 1;
        for (int f : filterShape) {
            if (f <= 0) {
                throw new ShapeException(fn + ": filterShape " + Arrays.toString(filterShape) + " must be positive");
            }
            spatial = Math.multiplyExact(spatial, f);
        }
        Convolution.Dims d = Convolution.parse(fn, lhs.ndim(), dimensionNumbers);
        int channels = lhs.shape(d.lhs()[1]);
        int[] kshape = new int[lhs.ndim()];
        kshape[0] = spatial;
        kshape[1] = 1;
        System.arraycopy(filterShape, 0, kshape, 2, filterShape.length);
        Array k = Np.reshape(Np.eye(spatial, spatial, 0, lhs.dtype()), kshape);
        int[] reps = new int[kshape.length];
        Arrays.fill(reps, 1);
        reps[0] = channels;
        k = Np.tile(k, reps);
        // O and I to the kernel spec's positions, the spatial axes keeping their order
        int[] perm = new int[kshape.length];
        boolean[] taken = new boolean[kshape.length];
        perm[d.rhs()[0]] = 0;
        perm[d.rhs()[1]] = 1;
        taken[d.rhs()[0]] = true;
        taken[d.rhs()[1]] = true;
        for (int pos = 0, next = 2; pos < perm.length; pos++) {
            if (!taken[pos]) {
                perm[pos] = next++;
            }
        }
        return Lax.transpose(k, perm);
    }
}
