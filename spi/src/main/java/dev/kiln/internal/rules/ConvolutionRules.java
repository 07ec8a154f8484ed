package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.List;

/**
 * {@code conv_general_dilated}: its output shape, its decomposition into the core (strided windows of
 * the padded input stacked as patches, then one {@code dot_general} with the kernel) and its batching
 * rule. It is bilinear: its tangent is the decomposition applied to one tangent and the other
 * primal, term by term (ContractionDefinitions); the frontend's checks and JAX's padding rules
 * live in {@code dev.kiln.Convolution}.
 */
final class ConvolutionRules {
    private ConvolutionRules() {}

    static int dilated(int size, int dilation) {
        return size == 0 ? 0 : (size - 1) * dilation + 1;
    }

    /** The output's spatial sizes, or a negative entry where the window does not fit. */
    static int[] outSpatial(Params.Conv c, int[] lhsShape, int[] rhsShape) {
        int n = c.spatialRank();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int in = lhsShape[c.lhsLayout().get(2 + i)];
            int k = rhsShape[c.rhsLayout().get(2 + i)];
            int padded = dilated(in, c.lhsDilation().get(i))
                    + c.padLo().get(i)
                    + c.padHi().get(i);
            int window = dilated(k, c.rhsDilation().get(i));
            out[i] = padded < window || window == 0
                    ? -1
                    : (padded - window) / c.strides().get(i) + 1;
        }
        return out;
    }

    static ArraySpec shape(Primitive p, Params params, List<ArraySpec> in) {
        Params.Conv c = (Params.Conv) params;
        int[] ls = in.get(0).shape();
        int[] rs = in.get(1).shape();
        int n = c.spatialRank();
        if (ls.length != n + 2
                || rs.length != n + 2
                || in.get(0).dtype() != in.get(1).dtype()) {
            throw new dev.kiln.ShapeException(p.printName() + ": operands " + in.get(0) + " and " + in.get(1)
                    + " need one dtype and rank " + (n + 2) + " for " + n + " spatial dimensions");
        }
        int[] spatial = outSpatial(c, ls, rs);
        int batch = ls[c.lhsLayout().get(0)];
        int outFeatures = rs[c.rhsLayout().get(0)];
        if (ls[c.lhsLayout().get(1)] != rs[c.rhsLayout().get(1)] * c.featureGroups()
                || batch % c.batchGroups() != 0
                || Arrays.stream(spatial).anyMatch(s -> s < 0)) {
            throw new dev.kiln.ShapeException(p.printName() + ": input " + Shape.toString(ls) + " and kernel "
                    + Shape.toString(rs) + " do not fit " + c.text());
        }
        int[] out = new int[n + 2];
        out[c.outLayout().get(0)] = batch / c.batchGroups();
        out[c.outLayout().get(1)] = outFeatures;
        for (int i = 0; i < n; i++) {
            out[c.outLayout().get(2 + i)] = spatial[i];
        }
        return new ArraySpec(in.get(0).dtype(), out);
    }

    /**
     * Input moved to features first [C, N, spatial...], padded (with interior padding for lhs
     * dilation), one strided window per kernel tap stacked into patches [C, taps, N, out...], and
     * one {@code dot_general} with the kernel [O, I, taps]: the long batch-and-space side is the
     * product's columns and the contraction runs over rows that lie contiguous in both operands.
     */
    static Array decompose(Params.Conv c, Array lhs, Array rhs) {
        int rank = lhs.ndim();
        int n = rank - 2;
        int[] lhsLayout = c.lhsLayout().toArray();
        int[] rhsLayout = c.rhsLayout().toArray();
        int[] outLayout = c.outLayout().toArray();
        int fgc = c.featureGroups();
        int bgc = c.batchGroups();
        int[] rs = rhs.shape();
        int batch = lhs.shape()[lhsLayout[0]];
        int outFeatures = rs[rhsLayout[0]];
        int inFeatures = rs[rhsLayout[1]];
        int[] k = new int[n];
        for (int i = 0; i < n; i++) {
            k[i] = rs[rhsLayout[2 + i]];
        }
        int[] out = outSpatial(c, lhs.shape(), rs);

        int[] toFirst = new int[rank];
        toFirst[0] = lhsLayout[1];
        toFirst[1] = lhsLayout[0];
        System.arraycopy(lhsLayout, 2, toFirst, 2, n);
        Array x = Lax.transpose(lhs, toFirst);
        Array w = Lax.transpose(rhs, rhsLayout);

        int[] lo = new int[rank];
        int[] hi = new int[rank];
        int[] interior = new int[rank];
        boolean padAny = false;
        for (int i = 0; i < n; i++) {
            lo[2 + i] = c.padLo().get(i);
            hi[2 + i] = c.padHi().get(i);
            interior[2 + i] = c.lhsDilation().get(i) - 1;
            padAny |= lo[2 + i] != 0 || hi[2 + i] != 0 || interior[2 + i] != 0;
        }
        if (padAny) {
            x = Lax.pad(x, Np.full(x.dtype(), 0), lo, hi, interior);
        }

        int taps = 1;
        for (int e : k) {
            taps *= e;
        }
        Array[] windows = new Array[taps];
        int[] tap = new int[n];
        int[] xs = x.shape();
        for (int t = 0; t < taps; t++) {
            int[] start = new int[rank];
            int[] limit = xs.clone();
            int[] step = new int[rank];
            Arrays.fill(step, 1);
            for (int i = 0; i < n; i++) {
                start[2 + i] = tap[i] * c.rhsDilation().get(i);
                limit[2 + i] = start[2 + i] + (out[i] - 1) * c.strides().get(i) + 1;
                step[2 + i] = c.strides().get(i);
            }
            Array win = Lax.slice(x, start, limit, step);
            int[] ws = win.shape();
            int[] expanded = new int[rank + 1];
            expanded[0] = ws[0];
            expanded[1] = 1;
            System.arraycopy(ws, 1, expanded, 2, rank - 1);
            windows[t] = Lax.reshape(win, expanded);
            for (int i = n - 1; i >= 0; i--) {
                if (++tap[i] < k[i]) {
                    break;
                }
                tap[i] = 0;
            }
        }
        Array patches = Lax.concatenate(windows, 1);
        Array kernel = Lax.reshape(w, outFeatures, inFeatures, taps);
        int[] ps = patches.shape();
        Array y; // [O, N, out...]
        if (fgc == 1 && bgc == 1) {
            y = Lax.dotGeneral(kernel, patches, new int[] {1, 2}, new int[] {0, 1}, new int[0], new int[0]);
        } else if (fgc > 1) {
            int[] grouped = new int[rank + 2];
            grouped[0] = fgc;
            grouped[1] = inFeatures;
            System.arraycopy(ps, 1, grouped, 2, rank);
            Array pg = Lax.reshape(patches, grouped); // [G, Cg, K, N, out...]
            Array kg = Lax.reshape(kernel, fgc, outFeatures / fgc, inFeatures, taps); // [G, Og, Cg, K]
            Array r = Lax.dotGeneral(kg, pg, new int[] {2, 3}, new int[] {1, 2}, new int[] {0}, new int[] {0});
            y = mergeGroups(r); // [G, Og, N, out...] -> [G*Og, N, out...]
        } else {
            int[] grouped = new int[rank + 2];
            grouped[0] = ps[0];
            grouped[1] = ps[1];
            grouped[2] = bgc;
            grouped[3] = batch / bgc;
            System.arraycopy(ps, 3, grouped, 4, rank - 2);
            Array pg = Lax.reshape(patches, grouped); // [C, K, B, Nb, out...]
            Array kg = Lax.reshape(kernel, bgc, outFeatures / bgc, inFeatures, taps); // [B, Ob, C, K]
            Array r = Lax.dotGeneral(kg, pg, new int[] {2, 3}, new int[] {0, 1}, new int[] {0}, new int[] {2});
            y = mergeGroups(r); // [B, Ob, Nb, out...] -> [B*Ob, Nb, out...]
        }
        int[] perm = new int[rank];
        perm[outLayout[0]] = 1;
        perm[outLayout[1]] = 0;
        for (int i = 0; i < n; i++) {
            perm[outLayout[2 + i]] = 2 + i;
        }
        return Lax.transpose(y, perm);
    }

    /** [G, Og, rest...] to [G * Og, rest...]. */
    private static Array mergeGroups(Array r) {
        int[] s = r.shape();
        int[] merged = Arrays.copyOfRange(s, 1, s.length);
        merged[0] = s[0] * s[1];
        return Lax.reshape(r, merged);
    }

    /**
     * A batch of inputs under one kernel (no batch groups) folds the batch into the input's batch
     * dimension and stays one convolution, split apart again in the output's batch dimension; a
     * batched kernel maps the decomposition.
     */
    static BatchRules.Batched batch(Params params, List<Array> values, int[] dims, int size) {
        Params.Conv c = (Params.Conv) params;
        Array lhs = values.get(0);
        Array rhs = values.get(1);
        if (dims[1] == BatchRules.NOT_MAPPED && c.batchGroups() == 1) {
            int rank = lhs.ndim() - 1;
            int nAxis = c.lhsLayout().get(0);
            Array x = Np.moveaxis(lhs, dims[0], 0); // [B, unbatched...]
            int[] perm = new int[rank + 1];
            int j = 0;
            for (int d = 0; d < rank; d++) {
                if (d == nAxis) {
                    perm[j++] = 0;
                }
                perm[j++] = d + 1;
            }
            x = Lax.transpose(x, perm); // the batch axis just before the input's batch dimension
            int[] xs = x.shape();
            int[] merged = new int[rank];
            for (int d = 0, src = 0; d < rank; d++, src++) {
                merged[d] = d == nAxis ? xs[src] * xs[++src] : xs[src];
            }
            Array y = Lax.bind(Primitive.CONV_GENERAL_DILATED, c, Lax.reshape(x, merged), rhs);
            int outN = c.outLayout().get(0);
            int[] ys = y.shape();
            int[] split = new int[rank + 1];
            for (int d = 0, dst = 0; d < rank; d++) {
                if (d == outN) {
                    split[dst++] = size;
                    split[dst++] = ys[d] / size;
                } else {
                    split[dst++] = ys[d];
                }
            }
            return new BatchRules.Batched(Lax.reshape(y, split), outN);
        }
        Integer a = dims[0] == BatchRules.NOT_MAPPED ? null : dims[0];
        Integer b = dims[1] == BatchRules.NOT_MAPPED ? null : dims[1];
        Array y = Kiln.<Array, Array, Array>vmap((l, r) -> decompose(c, l, r), a, b, 0)
                .apply(lhs, rhs);
        return new BatchRules.Batched(y, 0);
    }
}
