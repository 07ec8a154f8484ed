package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.internal.trace.BatchTrace;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.List;

/**
 * Batching rules of the collectives. Over the batching trace's own axis ({@code vmap(f, name)}) a
 * collective becomes ordinary array code on the batch dimension, which holds every member's value:
 * that is how collectives run without devices. Over another axis the collective is applied to the
 * whole batched value, with its axis parameters moved past the batch dimension (kept in front).
 */
public final class CollectiveBatching {
    private CollectiveBatching() {}

    public static BatchRules.Batched batch(
            Primitive p, Params.Collective c, List<Array> values, int[] dims, int size, String traceAxis) {
        if (c.axisName().equals(traceAxis)) {
            return named(p, c, values, dims, size);
        }
        // another axis: the batch dimension goes first and the collective's axes move past it
        Array v = Np.moveaxis(values.get(0), dims[0], 0);
        Params.Collective shifted =
                new Params.Collective(c.axisName(), c.axisSize(), c.axis() + 1, c.axis2() + 1, c.tiled(), c.perm());
        return new BatchRules.Batched(Lax.bind(p, shifted, v), 0);
    }

    /** The collective over the batch dimension itself. */
    private static BatchRules.Batched named(Primitive p, Params.Collective c, List<Array> values, int[] dims, int n) {
        if (p == Primitive.AXIS_INDEX) {
            return new BatchRules.Batched(Np.arange(n).astype(DType.INT32), 0);
        }
        Array x = values.get(0);
        // every member's value, stacked on axis 0 (an unbatched value is the same for every member)
        Array v = dims[0] == BatchTrace.NOT_MAPPED ? broadcastLeading(x, n) : Np.moveaxis(x, dims[0], 0);
        return switch (p) {
            case PSUM -> new BatchRules.Batched(Np.sum(v, 0), BatchTrace.NOT_MAPPED);
            case PMAX -> new BatchRules.Batched(Np.max(v, 0), BatchTrace.NOT_MAPPED);
            case PMIN -> new BatchRules.Batched(Np.min(v, 0), BatchTrace.NOT_MAPPED);
            case ALL_GATHER -> {
                Array g = Np.moveaxis(v, 0, c.axis());
                if (c.tiled()) {
                    int[] s = x.shape();
                    if (dims[0] != BatchTrace.NOT_MAPPED) {
                        s = drop(s, dims[0]);
                    }
                    s[c.axis()] *= n;
                    g = Np.reshape(g, s);
                }
                yield new BatchRules.Batched(g, BatchTrace.NOT_MAPPED);
            }
            case PSUM_SCATTER -> {
                Array s = Np.sum(v, 0);
                Array m = Np.moveaxis(s, c.axis(), 0);
                if (c.tiled()) {
                    int[] sh = m.shape();
                    int[] split = new int[sh.length + 1];
                    split[0] = n;
                    split[1] = sh[0] / n;
                    System.arraycopy(sh, 1, split, 2, sh.length - 1);
                    // member i keeps block i, with the block axis back where the scattered axis was
                    Array blocks = Np.reshape(m, split);
                    yield new BatchRules.Batched(Np.moveaxis(blocks, 1, c.axis() + 1), 0);
                }
                yield new BatchRules.Batched(m, 0);
            }
            case PPERMUTE -> {
                int[] src = dev.kiln.internal.parallel.CollectiveOps.sources(c);
                List<Array> out = new ArrayList<>(n);
                Array zero =
                        Np.zerosLike(Np.take(v, Np.array(new int[] {0}), 0)).reshape(drop(v.shape(), 0));
                for (int i = 0; i < n; i++) {
                    out.add(
                            src[i] < 0
                                    ? zero
                                    : Np.take(v, Np.array(new int[] {src[i]}), 0)
                                            .reshape(drop(v.shape(), 0)));
                }
                yield new BatchRules.Batched(Np.stack(out, 0), 0);
            }
            case ALL_TO_ALL -> {
                // v[j, ...] is member j's value; member i gets, from each j, block i of j's split axis
                Array w = Np.moveaxis(v, c.axis() + 1, 1); // [j, i, rest]
                w = Np.swapaxes(w, 0, 1); // [i, j, rest]
                yield new BatchRules.Batched(Np.moveaxis(w, 1, c.axis2() + 1), 0);
            }
            default -> throw new IllegalArgumentException(p + " is not a collective");
        };
    }

    private static Array broadcastLeading(Array x, int n) {
        int[] s = x.shape();
        int[] t = new int[s.length + 1];
        t[0] = n;
        System.arraycopy(s, 0, t, 1, s.length);
        return Np.broadcastTo(Np.expandDims(x, 0), t);
    }

    private static int[] drop(int[] s, int axis) {
        int[] out = new int[s.length - 1];
        for (int i = 0, k = 0; i < s.length; i++) {
            if (i != axis) {
                out[k++] = s[i];
            }
        }
        return out;
    }
}
