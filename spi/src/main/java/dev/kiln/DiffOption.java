package dev.kiln;

/**
 * Options of the differentiating transformations ({@link Kiln#grad(java.util.function.Function,
 * DiffOption...)}, {@link Kiln#valueAndGrad(java.util.function.Function, DiffOption...)}, {@link
 * Kiln#jacrev(java.util.function.Function, DiffOption...)}, {@link
 * Kiln#jvp(java.util.function.Function, Object, Object, DiffOption...)}).
 */
public enum DiffOption {
    /**
     * Accept integer and bool leaves among the differentiated inputs, as JAX's {@code
     * allow_int=True}: they are held constant. Their gradient (or Jacobian block) is zeros of the
     * leaf's own shape and dtype, where JAX returns {@code float0} zeros (Kiln has no {@code float0}
     * dtype); in {@code jvp} their tangents are ignored, as JAX's {@code float0} tangents carry
     * nothing. Without this option such a leaf is a {@link DTypeException}.
     */
    ALLOW_INT
}
