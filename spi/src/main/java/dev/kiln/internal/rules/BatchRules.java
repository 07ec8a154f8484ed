package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.List;

/**
 * Batching rules: each primitive applied once to operands that carry an extra batch dimension
 * ({@code dims[i]}, or {@link #NOT_MAPPED} for operands shared by the whole batch). At least one
 * operand is mapped. A rule may return {@link #NOT_MAPPED} when its output cannot vary over the
 * batch.
 *
 * <p>Rules are written with {@link Lax} functions, so they are traceable: a batched program can be
 * staged, differentiated or batched again. Elementwise, reduction and contraction rules are here;
 * data movement is in {@link BatchMovement} and gathers in {@link BatchIndexing}.
 */
public final class BatchRules {
    /** The batch dimension of an operand that does not vary over the batch. */
    public static final int NOT_MAPPED = -1;

    private BatchRules() {}

    /** A batched result and the position of its batch dimension (or {@link #NOT_MAPPED}). */
    public record Batched(Array value, int batchDim) {}

    public static Batched batch(Primitive p, Params params, List<Array> values, int[] dims, int axisSize) {
        if (values.size() != dims.length) {
            throw new KilnException(p.printName() + ": " + values.size() + " operands but " + dims.length
                    + " batch dimensions; this is a bug in the batching interpreter");
        }
        return switch (p.kind()) {
            case UNARY, BINARY, COMPARE, SELECT, CONVERT -> elementwise(p, params, values, dims, axisSize);
            case REDUCE -> reduce(p, (Params.Reduce) params, values.get(0), dims[0]);
            case ARG_REDUCE -> argReduce(p, (Params.ArgReduce) params, values.get(0), dims[0]);
            case CUMULATIVE -> {
                Params.Cumulative c = (Params.Cumulative) params;
                int d = dims[0];
                yield new Batched(
                        Lax.bind(p, new Params.Cumulative(shift(c.axis(), d), c.reverse()), values.get(0)), d);
            }
            case CONTRACTION -> {
                if (p == Primitive.DOT_GENERAL) {
                    yield dotGeneral((Params.DotGeneral) params, values.get(0), dims[0], values.get(1), dims[1]);
                }
                Definitions.BatchRule rule = Definitions.batchRule(p);
                if (rule == null) {
                    throw new KilnException(p.printName() + " has no batching rule in its definition block");
                }
                yield rule.batch(params, values, dims, axisSize);
            }
            case MOVEMENT, INDEXING -> {
                Definitions.BatchRule rule = Definitions.batchRule(p);
                if (rule == null) {
                    throw new KilnException(p.printName() + " has no batching rule in its definition block");
                }
                yield rule.batch(params, values, dims, axisSize);
            }
            // IOTA takes no operands, so Dispatch.bind never finds a tracer among them and runs it on
            // the backend directly: its value is a constant that the batch shares.
            case CREATION ->
                throw new KilnException(p.printName()
                        + " has no operands and is never batched; reaching its batching rule is a bug in the tracer");
            // control flow has several outputs and goes through BatchTrace.processAll instead
            case CONTROL -> throw new KilnException(p.printName() + " is batched by the control-flow rules, not here");
            // a collective's batching depends on whether it names the batching trace's axis
            case COLLECTIVE -> throw new KilnException(p.printName() + " is batched by BatchTrace with its axis name");
        };
    }

    /**
     * Every operand is brought to the batch position of the first mapped one (moving or
     * broadcasting), so the primitive sees equal shapes; operands of an elementwise primitive have
     * equal unbatched shapes by construction.
     */
    private static Batched elementwise(Primitive p, Params params, List<Array> values, int[] dims, int size) {
        int target = dims[firstMapped(dims)];
        Array[] ops = new Array[values.size()];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = materialize(values.get(i), dims[i], target, size);
        }
        return new Batched(Lax.bind(p, params, ops), target);
    }

    private static Batched reduce(Primitive p, Params.Reduce r, Array x, int d) {
        int[] axes = r.axes().toArray();
        int removedBefore = 0;
        for (int a : axes) {
            if (a < d) {
                removedBefore++;
            }
        }
        // Shifting past d is monotonic, so the axes stay sorted as Params.Reduce requires.
        return new Batched(Lax.bind(p, new Params.Reduce(shift(axes, d)), x), d - removedBefore);
    }

    private static Batched argReduce(Primitive p, Params.ArgReduce a, Array x, int d) {
        Array out = Lax.bind(p, new Params.ArgReduce(shift(a.axis(), d), a.indexType()), x);
        return new Batched(out, a.axis() < d ? d - 1 : d);
    }

    /**
     * Both operands mapped: the batch dimensions become a new leading batch pair, so the output's
     * batch dimension is 0. One operand mapped: its batch dimension is a free dimension, which
     * DOT_GENERAL places after the batch dimensions (then lhs free, then rhs free, in order); that
     * position is returned instead of transposing.
     */
    private static Batched dotGeneral(Params.DotGeneral g, Array lhs, int dl, Array rhs, int dr) {
        int[] lc = g.lhsContract().toArray();
        int[] rc = g.rhsContract().toArray();
        int[] lb = g.lhsBatch().toArray();
        int[] rb = g.rhsBatch().toArray();
        if (dl != NOT_MAPPED && dr != NOT_MAPPED) {
            Params.DotGeneral params = new Params.DotGeneral(
                    shift(lc, dl), shift(rc, dr), insert(shift(lb, dl), 0, dl), insert(shift(rb, dr), 0, dr));
            return new Batched(Lax.bind(Primitive.DOT_GENERAL, params, lhs, rhs), 0);
        }
        if (dl != NOT_MAPPED) {
            Params.DotGeneral params = new Params.DotGeneral(shift(lc, dl), rc, shift(lb, dl), rb);
            int out = lb.length + freeBefore(dl, lc, lb);
            return new Batched(Lax.bind(Primitive.DOT_GENERAL, params, lhs, rhs), out);
        }
        int lhsFree = lhs.ndim() - lc.length - lb.length;
        Params.DotGeneral params = new Params.DotGeneral(lc, shift(rc, dr), lb, shift(rb, dr));
        int out = lb.length + lhsFree + freeBefore(dr, rc, rb);
        return new Batched(Lax.bind(Primitive.DOT_GENERAL, params, lhs, rhs), out);
    }

    /** How many unbatched dimensions below {@code d} are neither contracted nor batch dimensions. */
    private static int freeBefore(int d, int[] contract, int[] batch) {
        int n = 0;
        for (int a = 0; a < d; a++) {
            if (!contains(contract, a) && !contains(batch, a)) {
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- helpers shared by the rules

    static int firstMapped(int[] dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != NOT_MAPPED) {
                return i;
            }
        }
        throw new KilnException("no operand is batched; the batching interpreter should have bound the primitive");
    }

    /** An unbatched axis's position once a batch dimension sits at {@code bdim}. */
    static int shift(int axis, int bdim) {
        return axis >= bdim ? axis + 1 : axis;
    }

    static int[] shift(int[] axes, int bdim) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = shift(axes[i], bdim);
        }
        return out;
    }

    /** {@code a} with {@code value} inserted at index {@code pos}. */
    static int[] insert(int[] a, int pos, int value) {
        int[] out = new int[a.length + 1];
        System.arraycopy(a, 0, out, 0, pos);
        out[pos] = value;
        System.arraycopy(a, pos, out, pos + 1, a.length - pos);
        return out;
    }

    static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /**
     * The shape {@code s} (a batch of size {@code s[axis]} just before dimension {@code axis + 1})
     * with the batch merged into that dimension: {@code [pre, B, n, post] -> [pre, B*n, post]}.
     */
    static int[] mergeBatchIntoAxis(int[] s, int axis) {
        int[] merged = new int[s.length - 1];
        System.arraycopy(s, 0, merged, 0, axis);
        merged[axis] = s[axis] * s[axis + 1];
        System.arraycopy(s, axis + 2, merged, axis + 1, s.length - axis - 2);
        return merged;
    }

    /** {@code v} with its batch dimension moved from {@code from} to {@code to}. */
    static Array moveBatch(Array v, int from, int to) {
        return from == to ? v : Np.moveaxis(v, from, to);
    }

    /**
     * {@code v} with its batch dimension at {@code to}: moved there, or for an unmapped operand
     * broadcast along a new dimension of length {@code size}.
     */
    static Array materialize(Array v, int dim, int to, int size) {
        if (dim != NOT_MAPPED) {
            return moveBatch(v, dim, to);
        }
        int r = v.ndim();
        int[] dims = new int[r];
        for (int i = 0; i < r; i++) {
            dims[i] = shift(i, to);
        }
        return Lax.broadcastInDim(v, insert(v.shape(), to, size), dims);
    }

    /** A constant of {@code shape} filled with {@code value} (a broadcast 0-d array). */
    static Array constant(DType dtype, long value, int... shape) {
        return Np.full(dtype, value, shape);
    }
}
