package dev.kiln;

import dev.kiln.internal.parallel.AxisEnv;
import dev.kiln.internal.trace.Trace;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the collectives of {@link Lax} are bound: the axis name is resolved, its size fixed in the params. */
final class Collectives {
    private Collectives() {}

    static AxisEnv.Frame frame(String fn, String axisName) {
        if (axisName == null) {
            throw new AxisNameException(fn + ": the axis name is null; pass the name given to Kiln.pmap or Kiln.vmap");
        }
        AxisEnv.Frame f = AxisEnv.find(axisName);
        if (f == null) {
            throw new AxisNameException(fn + ": no mapped axis named '" + axisName + "' is in scope (in scope: "
                    + AxisEnv.names() + "); call it inside Kiln.pmap(f, \"" + axisName + "\") or Kiln.vmap(f, \""
                    + axisName + "\"), with the same name");
        }
        return f;
    }

    /**
     * The trace a collective goes to: the operands' top trace, or the named {@code vmap}'s batching
     * trace when that is higher (a collective over a vmapped axis must reach its batching trace even
     * when its operand does not vary over the batch).
     */
    static Trace raise(Trace top, Params params) {
        if (!(params instanceof Params.Collective c)) {
            return top; // the wrong kind of params: the shape rule says so, with the primitive's name
        }
        AxisEnv.Frame f = AxisEnv.find(c.axisName());
        if (f != null
                && f.trace() != null
                && f.trace().isActive()
                && (top == null || f.trace().level() > top.level())) {
            return f.trace();
        }
        return top;
    }

    static Array reduce(Primitive p, String fn, Array x, String axisName) {
        AxisEnv.Frame f = frame(fn, axisName);
        if (x.dtype() == DType.BOOL && p == Primitive.PSUM) {
            throw new DTypeException(fn + ": cannot sum bool values; convert them first (x.astype(DType.INT32))");
        }
        return Dispatch.bind(p, new Params.Collective(axisName, f.size()), x);
    }

    static Array allGather(Array x, String axisName, int axis, boolean tiled) {
        AxisEnv.Frame f = frame("allGather", axisName);
        int rank = tiled ? x.ndim() : x.ndim() + 1;
        if (tiled && x.ndim() == 0) {
            throw new ShapeException("allGather: a tiled gather concatenates along an axis, and a 0-d array has none;"
                    + " use tiled=false, or reshape it to shape [1] first");
        }
        int ax = Shape.axis("allGather", axis, rank);
        return Dispatch.bind(
                Primitive.ALL_GATHER, new Params.Collective(axisName, f.size(), ax, 0, tiled, Ints.of()), x);
    }

    static Array psumScatter(Array x, String axisName, int axis, boolean tiled) {
        AxisEnv.Frame f = frame("psumScatter", axisName);
        int ax = Shape.axis("psumScatter", axis, x.ndim());
        int len = x.shape()[ax];
        if (tiled ? len % f.size() != 0 : len != f.size()) {
            throw new ShapeException(
                    "psumScatter: axis " + ax + " of shape " + Shape.toString(x.shape()) + " has length "
                            + len + ", but axis '" + axisName + "' has " + f.size() + " members, so it must be "
                            + (tiled ? "a multiple of " + f.size() : "exactly " + f.size() + " (or pass tiled=true)"));
        }
        return Dispatch.bind(
                Primitive.PSUM_SCATTER, new Params.Collective(axisName, f.size(), ax, 0, tiled, Ints.of()), x);
    }

    static Array ppermute(Array x, String axisName, int[][] perm) {
        AxisEnv.Frame f = frame("ppermute", axisName);
        boolean[] src = new boolean[f.size()];
        boolean[] dst = new boolean[f.size()];
        int[] flat = new int[perm.length * 2];
        for (int i = 0; i < perm.length; i++) {
            if (perm[i].length != 2) {
                throw new AxisException(
                        "ppermute: each pair must be {source, destination}, got " + java.util.Arrays.toString(perm[i]));
            }
            int s = perm[i][0];
            int d = perm[i][1];
            if (s < 0 || s >= f.size() || d < 0 || d >= f.size()) {
                throw new AxisException("ppermute: pair {" + s + ", " + d + "} names a member outside axis '" + axisName
                        + "' of size " + f.size() + "; members are 0.." + (f.size() - 1));
            }
            if (src[s] || dst[d]) {
                throw new AxisException("ppermute: member " + (src[s] ? s + " is a source" : d + " is a destination")
                        + " twice; each member may send once and receive once");
            }
            src[s] = true;
            dst[d] = true;
            flat[2 * i] = s;
            flat[2 * i + 1] = d;
        }
        return Dispatch.bind(
                Primitive.PPERMUTE, new Params.Collective(axisName, f.size(), 0, 0, false, Ints.of(flat)), x);
    }

    static Array allToAll(Array x, String axisName, int splitAxis, int concatAxis) {
        AxisEnv.Frame f = frame("allToAll", axisName);
        int split = Shape.axis("allToAll", splitAxis, x.ndim());
        int concat = Shape.axis("allToAll", concatAxis, x.ndim());
        if (x.shape()[split] != f.size()) {
            throw new ShapeException("allToAll: split axis " + split + " of shape " + Shape.toString(x.shape())
                    + " has length " + x.shape()[split] + ", but axis '" + axisName + "' has " + f.size()
                    + " members; the split axis must have exactly that length");
        }
        return Dispatch.bind(
                Primitive.ALL_TO_ALL, new Params.Collective(axisName, f.size(), split, concat, false, Ints.of()), x);
    }

    static Array axisIndex(String axisName) {
        AxisEnv.Frame f = frame("axisIndex", axisName);
        return Dispatch.bind(Primitive.AXIS_INDEX, new Params.Collective(axisName, f.size()));
    }

    static int axisSize(String axisName) {
        return frame("axisSize", axisName).size();
    }

    /**
     * A sum (or mean) of every leaf of {@code tree} over {@code axisName} with one collective per dtype:
     * the leaves of a dtype are flattened and joined, reduced together, and cut back into their shapes,
     * so a process with several devices meets its peers once for all of them instead of once per leaf.
     */
    static <T> T reduceTree(String fn, T tree, String axisName, boolean mean) {
        AxisEnv.Frame f = frame(fn, axisName);
        Tree.Flat flat = Tree.flatten(tree);
        List<Array> leaves = flat.leaves();
        Map<DType, List<Integer>> byType = new LinkedHashMap<>();
        for (int k = 0; k < leaves.size(); k++) {
            byType.computeIfAbsent(leaves.get(k).dtype(), t -> new ArrayList<>())
                    .add(k);
        }
        Array[] out = new Array[leaves.size()];
        for (List<Integer> ks : byType.values()) {
            if (ks.size() == 1) {
                out[ks.get(0)] = reduce(Primitive.PSUM, fn, leaves.get(ks.get(0)), axisName);
                continue;
            }
            Array[] parts = new Array[ks.size()];
            int[] cuts = new int[ks.size() - 1];
            int at = 0;
            for (int j = 0; j < ks.size(); j++) {
                parts[j] = Np.ravel(leaves.get(ks.get(j)));
                at += parts[j].size();
                if (j < cuts.length) {
                    cuts[j] = at;
                }
            }
            Array[] sums = Np.splitAt(reduce(Primitive.PSUM, fn, Np.concatenate(parts, 0), axisName), cuts, 0);
            for (int j = 0; j < ks.size(); j++) {
                out[ks.get(j)] = sums[j].reshape(leaves.get(ks.get(j)).shape());
            }
        }
        if (mean) {
            for (int k = 0; k < out.length; k++) {
                out[k] = Np.divide(out[k], f.size());
            }
        }
        return Tree.unflatten(flat.def(), Arrays.asList(out));
    }

    /** Checks a tuple of axis names: each non-null, in scope, and named once. */
    private static void names(String fn, String[] axisNames) {
        if (axisNames == null) {
            throw new AxisNameException(
                    fn + ": the axis names are null; pass the names given to Kiln.pmap or Kiln.vmap");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String name : axisNames) {
            frame(fn, name);
            if (!seen.add(name)) {
                throw new AxisNameException(fn + ": axis '" + name + "' is named twice in "
                        + java.util.Arrays.toString(axisNames) + "; name each axis once");
            }
        }
    }

    /** A reduction over several axes: one after another, innermost-first order being immaterial to the result. */
    static Array reduceOver(Primitive p, String fn, Array x, String[] axisNames) {
        names(fn, axisNames);
        Array r = x;
        for (String name : axisNames) {
            r = reduce(p, fn, r, name);
        }
        return r;
    }

    static Array axisIndex(String[] axisNames) {
        names("axisIndex", axisNames);
        Array index = Np.scalar(0).astype(DType.INT32);
        for (String name : axisNames) {
            index = Np.add(Np.multiply(index, frame("axisIndex", name).size()), axisIndex(name));
        }
        return index;
    }

    static int axisSize(String[] axisNames) {
        names("axisSize", axisNames);
        int n = 1;
        for (String name : axisNames) {
            n *= frame("axisSize", name).size();
        }
        return n;
    }
}
