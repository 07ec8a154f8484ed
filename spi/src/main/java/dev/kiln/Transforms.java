package dev.kiln;

import dev.kiln.internal.trace.Autodiff;
import dev.kiln.internal.trace.BatchTrace;
import dev.kiln.internal.trace.TraceStack;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Tree-level plumbing shared by the transformations in {@link Kiln}. */
final class Transforms {
    private Transforms() {}

    /** {@code f} as a function of a flat list of leaves, for arguments of structure {@code def}. */
    static Function<List<Array>, List<Array>> flat(Function<Object, Object> f, Tree.Def def, Tree.Def[] outDef) {
        return leaves -> {
            Tree.Flat out = Tree.flatten(f.apply(Tree.unflatten(def, leaves)));
            outDef[0] = out.def();
            return out.leaves();
        };
    }

    static Array scalarOutput(String fn, Object out) {
        if (!(out instanceof Array a) || a.size() != 1) {
            throw new ShapeException(fn + " needs a function that returns one scalar Array (a loss), but it returned "
                    + describe(out) + "; reduce it first (e.g. Np.sum or Np.mean), or use Kiln.vjp for other outputs");
        }
        if (!a.dtype().isFloating()) {
            throw new DTypeException(fn + " needs a floating-point output, got " + a.dtype()
                    + "; compute the loss in float32 or float64");
        }
        return a;
    }

    static String describe(Object o) {
        if (o == null) {
            return "null";
        }
        return o instanceof Array a
                ? "an Array of shape " + Shape.toString(a.shape())
                : "a " + o.getClass().getSimpleName() + " (" + o + ")";
    }

    static boolean allowInt(DiffOption... options) {
        java.util.Objects.requireNonNull(options, "options");
        for (DiffOption o : options) {
            java.util.Objects.requireNonNull(o, "options[i]");
            if (o == DiffOption.ALLOW_INT) {
                return true;
            }
        }
        return false;
    }

    /**
     * Differentiated inputs must be floating, as in JAX: an integer or bool leaf would silently get a
     * zero derivative. {@code argument} is the position of the tree among the function's arguments.
     */
    static void requireRealInputs(String fn, List<Array> leaves, int argument, boolean allowInt) {
        if (allowInt) {
            return;
        }
        for (int i = 0; i < leaves.size(); i++) {
            Array leaf = leaves.get(i);
            if (!leaf.dtype().isFloating()) {
                String where = leaves.size() == 1
                        ? "argument " + argument
                        : "leaf " + i + " (in Tree.flatten order) of argument " + argument;
                throw new DTypeException(fn + ": differentiated inputs must be real-valued (a floating dtype), but got "
                        + leaf.dtype() + " for " + where + ". If you want to use integer or bool inputs, "
                        + (fn.equals("jacfwd") || fn.equals("hessian")
                                ? "use Kiln.jvp with DiffOption.ALLOW_INT directly"
                                : "pass DiffOption.ALLOW_INT (they are held constant and get zeros of their dtype)")
                        + ", or astype a floating dtype, or pass them as an argument that is not differentiated");
            }
        }
    }

    /** Value and gradient of a scalar function of one tree; the gradient has the argument's structure. */
    static <T> Kiln.ValueAndGrad<T> valueAndGrad(String fn, Function<T, ?> f, T x) {
        return valueAndGrad(fn, f, x, 0, false);
    }

    static <T> Kiln.ValueAndGrad<T> valueAndGrad(String fn, Function<T, ?> f, T x, int argument, boolean allowInt) {
        Tree.Flat flat = Tree.flatten(x);
        requireRealInputs(fn, flat.leaves(), argument, allowInt);
        Tree.Def[] outDef = new Tree.Def[1];
        @SuppressWarnings("unchecked")
        Function<Object, Object> g = o -> scalarOutput(fn, f.apply((T) o));
        Autodiff.Linearized lin = Autodiff.linearize(flat(g, flat.def(), outDef), flat.leaves());
        Array value = lin.primals().get(0);
        Array seed = Np.onesLike(value);
        List<Array> cts = lin.transpose(List.of(seed));
        List<Array> grads = new ArrayList<>(cts.size());
        for (int i = 0; i < cts.size(); i++) {
            Array leaf = flat.leaves().get(i);
            grads.add(Autodiff.differentiable(leaf) ? cts.get(i) : Np.zerosLike(leaf));
        }
        grads = ComplexArray.conjugateComplexGradients(flat.def(), grads);
        return new Kiln.ValueAndGrad<>(value, Tree.unflatten(flat.def(), grads));
    }

    /** Value, gradient and auxiliary output of a function returning {@code WithAux(loss, aux)}. */
    static <T, X> Kiln.ValueAndGradAux<T, X> valueAndGradWithAux(Function<T, Kiln.WithAux<X>> f, T x) {
        Tree.Flat flat = Tree.flatten(x);
        requireRealInputs("valueAndGradWithAux", flat.leaves(), 0, false);
        Tree.Def[] outDef = new Tree.Def[1];
        @SuppressWarnings("unchecked")
        Function<Object, Object> g = o -> {
            Object result = f.apply((T) o);
            if (!(result instanceof Kiln.WithAux<?> r)) {
                throw new TreeException("valueAndGradWithAux: the function must return a Kiln.WithAux(loss, aux), got "
                        + describe(result) + "; return new Kiln.WithAux<>(loss, aux)");
            }
            return new Object[] {scalarOutput("valueAndGradWithAux", r.value()), r.aux()};
        };
        Autodiff.Linearized lin = Autodiff.linearize(flat(g, flat.def(), outDef), flat.leaves());
        Array value = lin.primals().get(0);
        List<Array> seeds = new ArrayList<>();
        seeds.add(Np.onesLike(value));
        for (int i = 1; i < lin.primals().size(); i++) {
            seeds.add(null);
        }
        List<Array> cts = lin.transpose(seeds);
        List<Array> grads = new ArrayList<>(cts.size());
        for (int i = 0; i < cts.size(); i++) {
            Array leaf = flat.leaves().get(i);
            grads.add(Autodiff.differentiable(leaf) ? cts.get(i) : Np.zerosLike(leaf));
        }
        grads = ComplexArray.conjugateComplexGradients(flat.def(), grads);
        Object[] outs = Tree.unflatten(outDef[0], lin.primals());
        @SuppressWarnings("unchecked")
        X aux = (X) outs[1];
        return new Kiln.ValueAndGradAux<>(value, Tree.unflatten(flat.def(), grads), aux);
    }

    /** Batches {@code f} over axis {@code inAxes[i]} of leaf i (null: not batched), output batch axis {@code outAxis}. */
    static Object vmap(Function<Object, Object> f, Object args, Integer[] inAxes, int outAxis) {
        return vmap(f, args, inAxes, outAxis, null);
    }

    /** {@link #vmap(Function, Object, Integer[], int)} with a name collectives can use for the batch axis. */
    static Object vmap(Function<Object, Object> f, Object args, Integer[] inAxes, int outAxis, String axisName) {
        return vmap(f, args, inAxes, n -> VmapOptions.outAxesOf(null, outAxis, n, "vmap"), axisName);
    }

    /**
     * {@link #vmap(Function, Object, Integer[], int, String)} with an output axis per output leaf
     * ({@code outAxes} of the number of output leaves; null: that output is not mapped).
     */
    static Object vmap(
            Function<Object, Object> f,
            Object args,
            Integer[] inAxes,
            java.util.function.IntFunction<Integer[]> outAxes,
            String axisName) {
        Tree.Flat flat = Tree.flatten(args);
        int size = -1;
        for (int i = 0; i < inAxes.length; i++) {
            if (inAxes[i] == null) {
                continue;
            }
            Array leaf = flat.leaves().get(i);
            int ax = Shape.axis("vmap in_axes", inAxes[i], leaf.ndim());
            inAxes[i] = ax;
            if (size >= 0 && leaf.shape()[ax] != size) {
                throw new ShapeException("vmap: mapped arguments have different sizes along their mapped axes (" + size
                        + " and " + leaf.shape()[ax] + "); every mapped axis must have the same length");
            }
            size = leaf.shape()[ax];
        }
        if (size < 0) {
            throw new TreeException("vmap: no argument is mapped (every in_axes entry is null); map at least one");
        }
        int axisSize = size;
        BatchTrace trace = TraceStack.push(level -> new BatchTrace(level, axisSize, axisName));
        dev.kiln.internal.parallel.AxisEnv.Frame frame =
                axisName == null ? null : dev.kiln.internal.parallel.AxisEnv.push(axisName, axisSize, trace);
        Tree.Flat out;
        try {
            List<Array> in = new ArrayList<>();
            for (int i = 0; i < inAxes.length; i++) {
                Array leaf = flat.leaves().get(i);
                in.add(inAxes[i] == null ? leaf : trace.pack(leaf, inAxes[i]));
            }
            out = Tree.flatten(f.apply(Tree.unflatten(flat.def(), in)));
        } finally {
            if (frame != null) {
                dev.kiln.internal.parallel.AxisEnv.pop(frame);
            }
            TraceStack.pop(trace);
        }
        List<Array> results = new ArrayList<>();
        Integer[] outAxisOf = outAxes.apply(out.leaves().size());
        for (int k = 0; k < out.leaves().size(); k++) {
            BatchTrace.BatchTracer t = trace.unpack(out.leaves().get(k));
            Array v = t.value();
            int dim = t.batchDim();
            Integer outAxis = outAxisOf[k];
            if (outAxis == null) {
                if (dim != BatchTrace.NOT_MAPPED) {
                    throw new ShapeException("vmap: output leaf " + k + " is mapped (it depends on the mapped"
                            + " inputs) but its out_axes entry is null; give it an axis, or return a value that does"
                            + " not vary over the batch");
                }
                results.add(v);
            } else if (dim == BatchTrace.NOT_MAPPED) {
                int[] shape = v.shape();
                int ax = Shape.axis("vmap out_axes", outAxis, shape.length + 1);
                v = Np.expandDims(v, ax);
                int[] target = v.shape();
                target[ax] = axisSize;
                results.add(Np.broadcastTo(v, target));
            } else {
                int ax = Shape.axis("vmap out_axes", outAxis, v.ndim());
                results.add(dim == ax ? v : Np.moveaxis(v, dim, ax));
            }
        }
        return Tree.unflatten(out.def(), results);
    }
}
