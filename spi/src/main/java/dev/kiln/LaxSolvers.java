package dev.kiln;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@link Lax#customLinearSolve} and {@link Lax#customRoot}: a solver's result whose derivatives come
 * from implicit differentiation, as in JAX, rather than from differentiating the solver's
 * iterations. Where JAX finds the differentiated parameters among the functions' closed-over
 * values, Kiln takes them as an explicit argument ({@code params}), the Java form of the same
 * rule.
 */
final class LaxSolvers {
    private LaxSolvers() {}

    /** A user function's result, called through its erased type so that a wrong result type is a typed error. */
    @SuppressWarnings("unchecked")
    private static Array call(String fn, String what, BiFunction<?, ?, ?> f, Object a, Object b, Array like) {
        Object r = ((BiFunction<Object, Object, Object>) f).apply(a, b);
        if (!(r instanceof Array) && r != null) {
            throw new KilnException(fn + ": " + what + " must return an Array, got "
                    + r.getClass().getSimpleName());
        }
        return checked(fn, what, (Array) r, like);
    }

    private static Array checked(String fn, String what, Array a, Array like) {
        if (a == null) {
            throw new KilnException(fn + ": " + what + " returned null; it must return an array");
        }
        if (like != null && (!java.util.Arrays.equals(a.shape(), like.shape()) || a.dtype() != like.dtype())) {
            throw new ShapeException(
                    fn + ": " + what + " must return an array of " + like.spec() + ", got " + a.spec());
        }
        return a;
    }

    /**
     * x = solve(matvec, b), differentiated in b: the tangent is the same solve of the tangent of b
     * (so the solver's steps are never differentiated in forward mode); reverse mode transposes that
     * tangent solve, so it needs a solve linear in b written with Kiln operations (a direct solve,
     * a fixed number of iterations). transposeSolve is checked to be present unless symmetric, as
     * in JAX, but Kiln's reverse mode does not call it yet.
     */
    static Array customLinearSolve(
            Function<Array, Array> matvec,
            Array b,
            BiFunction<Function<Array, Array>, Array, Array> solve,
            BiFunction<Function<Array, Array>, Array, Array> transposeSolve,
            boolean symmetric) {
        String fn = "customLinearSolve";
        Objects.requireNonNull(matvec, "matvec");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(solve, "solve");
        if (!b.dtype().isFloating()) {
            throw new DTypeException(fn + ": b must be floating-point, got " + b.dtype());
        }
        Function<Array, Array> inverse = v -> call(fn, "solve", solve, matvec, v, b);
        return Kiln.customJvp(inverse, (Array p, Array t) -> new Kiln.Jvp<>(inverse.apply(p), inverse.apply(t)))
                .apply(b);
    }

    /**
     * The root x* = solve(x -> f(x, params), initialGuess) of f in x, differentiated in params by
     * the implicit function theorem: dx = tangentSolve(v -> d_x f(x*, params) v, -d_params f(x*,
     * params) dparams); initialGuess gets no derivative.
     */
    static <P> Array customRoot(
            BiFunction<Array, P, Array> f,
            Array initialGuess,
            P params,
            BiFunction<Function<Array, Array>, Array, Array> solve,
            BiFunction<Function<Array, Array>, Array, Array> tangentSolve) {
        String fn = "customRoot";
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(initialGuess, "initialGuess");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(solve, "solve");
        Objects.requireNonNull(tangentSolve, "tangentSolve");
        if (!initialGuess.dtype().isFloating()) {
            throw new DTypeException(fn + ": initialGuess must be floating-point, got " + initialGuess.dtype());
        }
        Function<List<Object>, Array> root = args -> {
            @SuppressWarnings("unchecked")
            P p = (P) args.get(1);
            Array x0 = (Array) args.get(0);
            Function<Array, Array> g = x -> call(fn, "f", f, x, p, null);
            return call(fn, "solve", solve, g, Lax.stopGradient(x0), initialGuess);
        };
        Function<List<Object>, Array> withRule = Kiln.customJvp(root, (List<Object> primal, List<Object> tangent) -> {
            Array x = Lax.stopGradient(root.apply(primal));
            @SuppressWarnings("unchecked")
            P p = (P) primal.get(1);
            @SuppressWarnings("unchecked")
            P dp = (P) tangent.get(1);
            Array rhs = Kiln.jvp((P q) -> call(fn, "f", f, x, q, null), p, dp).tangent();
            Function<Array, Array> jx = v ->
                    Kiln.jvp((Array y) -> call(fn, "f", f, y, p, null), x, v).tangent();
            Array dx = call(fn, "tangentSolve", tangentSolve, jx, Np.negative(rhs), initialGuess);
            return new Kiln.Jvp<>(x, dx);
        });
        return withRule.apply(List.of(initialGuess, params));
    }
}
