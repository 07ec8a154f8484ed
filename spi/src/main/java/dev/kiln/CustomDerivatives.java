package dev.kiln;

import dev.kiln.internal.trace.ArrayInternals;
import dev.kiln.internal.trace.Autodiff;
import dev.kiln.internal.trace.BatchTrace;
import dev.kiln.internal.trace.JvpTrace;
import dev.kiln.internal.trace.StagingTrace;
import dev.kiln.internal.trace.Trace;
import dev.kiln.internal.trace.Tracer;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * User-defined differentiation behaviour, like {@code jax.custom_jvp} and {@code jax.checkpoint}:
 * the implementation behind {@code Kiln.customJvp} and {@code Kiln.checkpoint}.
 *
 * <p>Both act when the innermost transformation their argument belongs to is a differentiation
 * (a JVP trace: {@code jvp}, {@code grad}, {@code vjp}, …). When it is a {@code vmap} inside a
 * differentiation ({@code grad(x -> sum(vmap(f)(x)))}), the custom function is batched as a
 * whole, as JAX batches {@code custom_jvp_call}/{@code custom_vjp_call}: the function and its
 * rules are vmapped over the arguments' batch axes and the result is handed to the
 * differentiation below, so the rule still applies. Under {@code jit} (which traces straight
 * through inside a transformation) the same holds; when no argument is being differentiated the
 * function is simply applied.
 * Every value the function depends on that is being differentiated must be passed as an argument:
 * a captured traced value of the same differentiation cannot be routed through the custom rule
 * and is reported as an error.
 */
public final class CustomDerivatives {
    private CustomDerivatives() {}

    /** A JVP rule: the output at {@code primals} and its tangent along {@code tangents} (trees like the argument). */
    @FunctionalInterface
    public interface JvpRule<T, R> {
        Kiln.Jvp<R> apply(T primals, T tangents);
    }

    /**
     * {@code f}, whose derivatives (of every mode and order) come from {@code rule} instead of from
     * differentiating {@code f}'s operations; for numerically stable or cheaper derivatives. The
     * rule receives zeros for arguments that are not differentiated, and its output tangent must
     * be linear in the tangents (reverse mode transposes it). Higher-order derivatives
     * differentiate the rule.
     */
    public static <T, R> Function<T, R> customJvp(Function<T, R> f, JvpRule<T, R> rule) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(rule, "rule");
        return x -> {
            Tree.Flat in = Tree.flatten(x);
            BatchTrace batch = batchOverDifferentiation(in.leaves());
            if (batch != null) {
                return throughBatch(batch, in, axes -> customJvp(batched(f, axes), batched(rule, axes)));
            }
            JvpTrace trace = innermostJvp(in.leaves());
            if (trace == null) {
                return f.apply(x);
            }
            List<Array> primals = new ArrayList<>();
            List<Array> tangents = new ArrayList<>();
            for (Array leaf : in.leaves()) {
                Array primal = trace.primalOf(leaf);
                Array tangent = trace.tangentOf(leaf);
                primals.add(primal);
                tangents.add(tangent != null ? tangent : Np.zerosLike(primal));
            }
            Kiln.Jvp<R> r = rule.apply(Tree.unflatten(in.def(), primals), Tree.unflatten(in.def(), tangents));
            Tree.Flat out = Tree.flatten(r.out());
            Tree.Flat tan = Tree.flatten(r.tangent());
            if (!out.def().equals(tan.def())) {
                throw new TreeException("customJvp: the rule's tangent has structure " + tan.def()
                        + " but its output has " + out.def() + "; return a tangent shaped like the output");
            }
            return Tree.unflatten(out.def(), pack("customJvp", trace, out.leaves(), tan.leaves()));
        };
    }

    /**
     * {@code f}, with its intermediate values recomputed during the backward pass instead of kept
     * from the forward pass (rematerialisation): reverse mode then holds only {@code f}'s inputs
     * until the gradient is computed, at the cost of evaluating {@code f} again. Values and
     * derivatives are unchanged; forward mode is unaffected.
     */
    public static <T, R> Function<T, R> checkpoint(Function<T, R> f) {
        Objects.requireNonNull(f, "f");
        return new Function<>() {
            @Override
            public R apply(T x) {
                Tree.Flat in = Tree.flatten(x);
                JvpTrace trace = innermostJvp(in.leaves());
                StagingTrace linear = trace == null ? null : tangentStaging(trace, in.leaves());
                if (linear == null) {
                    // not under reverse mode: nothing is saved for later, so there is nothing to recompute
                    return f.apply(x);
                }
                List<Array> primals = new ArrayList<>();
                List<Array> tangents = new ArrayList<>();
                List<Array> staged = new ArrayList<>();
                for (Array leaf : in.leaves()) {
                    Array primal = trace.primalOf(leaf);
                    primals.add(primal);
                    tangents.add(trace.tangentOf(leaf));
                    staged.add(linear.lift(primal));
                }
                // The value now (checkpointed again, for enclosing reverse-mode levels).
                Tree.Flat out = Tree.flatten(this.apply(Tree.unflatten(in.def(), primals)));
                // The tangent with f's inputs as constants of the linear program, so every intermediate
                // the JVP rules need is computed inside that program: the transpose recomputes it.
                Function<List<Array>, List<Array>> flatF = leaves ->
                        Tree.flatten(f.apply(Tree.unflatten(in.def(), leaves))).leaves();
                Autodiff.JvpResult r = Autodiff.jvp(flatF, staged, tangents);
                return Tree.unflatten(out.def(), pack("checkpoint", trace, out.leaves(), r.tangents()));
            }
        };
    }

    /** What the forward function of {@link #customVjp} returns: the output, and residuals for the backward function. */
    public record Forward<R>(R out, Object residuals) {}

    /**
     * {@code f}, whose reverse-mode derivative comes from {@code bwd} (like {@code jax.custom_vjp}):
     * under differentiation {@code fwd} computes the output and residuals (any tree of arrays), and
     * {@code bwd(residuals, outputCotangent)} returns the cotangent of the argument (a tree shaped
     * like it). Without differentiation {@code f} runs. Forward mode is not defined for such a
     * function and says so. {@code bwd} is written with Kiln functions, so higher-order reverse
     * mode differentiates it.
     */
    public static <T, R> Function<T, R> customVjp(
            Function<T, R> f, Function<T, Forward<R>> fwd, BiFunction<Object, R, T> bwd) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(fwd, "fwd");
        Objects.requireNonNull(bwd, "bwd");
        return x -> {
            Tree.Flat in = Tree.flatten(x);
            BatchTrace batch = batchOverDifferentiation(in.leaves());
            if (batch != null) {
                return throughBatch(
                        batch, in, axes -> customVjp(batched(f, axes), batchedForward(fwd, axes), batched(bwd, axes)));
            }
            JvpTrace trace = innermostJvp(in.leaves());
            if (trace == null) {
                return f.apply(x);
            }
            List<Array> primals = new ArrayList<>();
            List<Array> tangents = new ArrayList<>();
            for (Array leaf : in.leaves()) {
                Array primal = trace.primalOf(leaf);
                Array tangent = trace.tangentOf(leaf);
                primals.add(primal);
                tangents.add(tangent != null ? tangent : Np.zerosLike(primal));
            }
            Forward<R> forward = fwd.apply(Tree.unflatten(in.def(), primals));
            Tree.Flat out = Tree.flatten(forward.out());
            Tree.Flat res = Tree.flatten(forward.residuals());
            List<ArraySpec> outSpecs = out.leaves().stream().map(Array::spec).toList();
            List<ArraySpec> inSpecs = primals.stream().map(Array::spec).toList();
            BiFunction<List<Array>, List<Array>, List<Array>> transpose = (residuals, cts) -> {
                Object ct = bwd.apply(Tree.unflatten(res.def(), residuals), Tree.unflatten(out.def(), cts));
                Tree.Flat c = Tree.flatten(ct);
                List<ArraySpec> got = c.leaves().stream().map(Array::spec).toList();
                if (!c.def().equals(in.def()) || !got.equals(inSpecs)) {
                    throw new ShapeException("customVjp: the backward function returned " + c.def() + " " + got
                            + " but the argument is " + in.def() + " " + inSpecs
                            + "; return a cotangent shaped like the argument");
                }
                return c.leaves();
            };
            List<Array> operands = new ArrayList<>(res.leaves());
            operands.addAll(tangents);
            List<Array> outTangents = Lax.bindAll(
                    Primitive.CUSTOM_LINEAR,
                    new Params.LinearCall<>(transpose, res.leaves().size(), outSpecs),
                    operands.toArray(Array[]::new));
            return Tree.unflatten(out.def(), pack("customVjp", trace, out.leaves(), outTangents));
        };
    }

    /**
     * The innermost transformation among the leaves when it is a {@code vmap} with a differentiation
     * somewhere below it (seen through the batched values), else null.
     */
    private static BatchTrace batchOverDifferentiation(List<Array> leaves) {
        return top(leaves) instanceof BatchTrace b && differentiatedBelow(leaves) ? b : null;
    }

    private static boolean differentiatedBelow(List<Array> leaves) {
        for (Array leaf : leaves) {
            Tracer t = ArrayInternals.get().tracer(leaf);
            if (t instanceof JvpTrace.JvpTracer) {
                return true;
            }
            if (t instanceof BatchTrace.BatchTracer b && differentiatedBelow(List.of(b.value()))) {
                return true;
            }
        }
        return false;
    }

    private static Trace top(List<Array> leaves) {
        Trace top = null;
        for (Array leaf : leaves) {
            Tracer t = ArrayInternals.get().tracer(leaf);
            if (t != null && (top == null || t.trace().level() > top.level())) {
                top = t.trace();
            }
        }
        return top;
    }

    /**
     * Applies a custom-derivative function to the arguments' values below {@code batch}: {@code
     * make} builds it from the arguments' batch axes (null where not mapped), with its parts vmapped
     * so that every output has its batch axis first; the outputs are then batched again at axis 0.
     */
    private static <T, R> R throughBatch(BatchTrace batch, Tree.Flat in, Function<Integer[], Function<T, R>> make) {
        List<Array> values = new ArrayList<>(in.leaves().size());
        Integer[] axes = new Integer[in.leaves().size()];
        boolean mapped = false;
        for (int i = 0; i < axes.length; i++) {
            BatchTrace.BatchTracer t = batch.unpack(in.leaves().get(i));
            values.add(t.value());
            axes[i] = t.batchDim() == BatchTrace.NOT_MAPPED ? null : t.batchDim();
            mapped |= axes[i] != null;
        }
        T args = Tree.unflatten(in.def(), values);
        if (!mapped) {
            // nothing varies over the batch: the function runs once, below the batch
            Tree.Flat out = Tree.flatten(make.apply(null).apply(args));
            return Tree.unflatten(
                    out.def(),
                    out.leaves().stream()
                            .map(a -> batch.pack(a, BatchTrace.NOT_MAPPED))
                            .toList());
        }
        Tree.Flat out = Tree.flatten(make.apply(axes).apply(args));
        return Tree.unflatten(
                out.def(), out.leaves().stream().map(a -> batch.pack(a, 0)).toList());
    }

    /** {@code f} vmapped over {@code axes} (one per leaf of its argument; null: all unmapped, f itself). */
    @SuppressWarnings("unchecked")
    private static <T, R> Function<T, R> batched(Function<T, R> f, Integer[] axes) {
        if (axes == null) {
            return f;
        }
        return x -> (R) Transforms.vmap(o -> f.apply((T) o), x, axes.clone(), 0);
    }

    /** A JVP rule vmapped over the primals' axes; each tangent is batched like its primal. */
    @SuppressWarnings("unchecked")
    private static <T, R> JvpRule<T, R> batched(JvpRule<T, R> rule, Integer[] axes) {
        if (axes == null) {
            return rule;
        }
        return (primals, tangents) -> {
            Object[] r = (Object[]) Transforms.vmap(
                    o -> {
                        Object[] pt = (Object[]) o;
                        Kiln.Jvp<R> j = rule.apply((T) pt[0], (T) pt[1]);
                        return new Object[] {j.out(), j.tangent()};
                    },
                    new Object[] {primals, tangents},
                    concat(axes, axes),
                    0);
            return new Kiln.Jvp<>((R) r[0], (R) r[1]);
        };
    }

    /** A customVjp forward function vmapped over {@code axes}: outputs and residuals batched at axis 0. */
    @SuppressWarnings("unchecked")
    private static <T, R> Function<T, Forward<R>> batchedForward(Function<T, Forward<R>> fwd, Integer[] axes) {
        if (axes == null) {
            return fwd;
        }
        return x -> {
            Object[] r = (Object[]) Transforms.vmap(
                    o -> {
                        Forward<R> fr = fwd.apply((T) o);
                        return new Object[] {fr.out(), fr.residuals()};
                    },
                    x,
                    axes.clone(),
                    0);
            return new Forward<>((R) r[0], r[1]);
        };
    }

    /**
     * A customVjp backward function vmapped over the batch (residuals and output cotangents have it
     * at axis 0); each argument cotangent moves to its argument's batch axis, and is summed over the
     * batch for an argument shared by the whole batch.
     */
    @SuppressWarnings("unchecked")
    private static <T, R> BiFunction<Object, R, T> batched(BiFunction<Object, R, T> bwd, Integer[] axes) {
        if (axes == null) {
            return bwd;
        }
        return (residuals, ct) -> {
            Tree.Flat r = Tree.flatten(residuals);
            Tree.Flat c = Tree.flatten(ct);
            Integer[] zeros = new Integer[r.leaves().size() + c.leaves().size()];
            java.util.Arrays.fill(zeros, 0);
            Object cts = Transforms.vmap(
                    o -> {
                        Object[] rc = (Object[]) o;
                        return bwd.apply(rc[0], (R) rc[1]);
                    },
                    new Object[] {residuals, ct},
                    zeros,
                    0);
            Tree.Flat g = Tree.flatten(cts);
            if (g.leaves().size() != axes.length) {
                // the structure check of customVjp reports it
                return (T) cts;
            }
            List<Array> placed = new ArrayList<>(axes.length);
            for (int i = 0; i < axes.length; i++) {
                Array leaf = g.leaves().get(i);
                placed.add(axes[i] == null ? Np.sum(leaf, 0) : Np.moveaxis(leaf, 0, axes[i]));
            }
            return (T) Tree.unflatten(g.def(), placed);
        };
    }

    private static Integer[] concat(Integer[] a, Integer[] b) {
        Integer[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The JVP trace of the innermost transformation among the leaves, or null if that is not a JVP. */
    private static JvpTrace innermostJvp(List<Array> leaves) {
        Trace top = null;
        for (Array leaf : leaves) {
            Tracer t = ArrayInternals.get().tracer(leaf);
            if (t != null && (top == null || t.trace().level() > top.level())) {
                top = t.trace();
            }
        }
        return top instanceof JvpTrace j ? j : null;
    }

    /** The staging trace holding the arguments' tangents when they are being linearised, else null. */
    private static StagingTrace tangentStaging(JvpTrace trace, List<Array> leaves) {
        for (Array leaf : leaves) {
            Array tangent = trace.tangentOf(leaf);
            if (tangent != null && ArrayInternals.get().tracer(tangent) instanceof StagingTrace.StagingTracer st) {
                return (StagingTrace) st.trace();
            }
        }
        return null;
    }

    private static List<Array> pack(String fn, JvpTrace trace, List<Array> outs, List<Array> tangents) {
        List<Array> packed = new ArrayList<>(outs.size());
        for (int i = 0; i < outs.size(); i++) {
            Array out = outs.get(i);
            Array tangent = out.dtype().isFloating() ? tangents.get(i) : null;
            for (Array a : new Array[] {out, tangent}) {
                Tracer t = a == null ? null : ArrayInternals.get().tracer(a);
                if (t != null && t.trace().level() >= trace.level()) {
                    throw new KilnException(fn + ": the function uses a value being differentiated that is not one of"
                            + " its arguments (a captured traced array); pass every such value as an argument");
                }
            }
            if (tangent != null && !tangent.spec().equals(out.spec())) {
                throw new ShapeException(fn + ": output " + i + " is " + out.spec() + " but its tangent is "
                        + tangent.spec() + "; the tangent must have the output's shape and dtype");
            }
            packed.add(trace.pack(out, tangent));
        }
        return packed;
    }
}
