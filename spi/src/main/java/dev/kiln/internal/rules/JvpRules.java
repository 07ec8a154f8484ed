package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.List;

/**
 * Forward-mode rules: for each differentiable primitive, its output and the output's tangent from
 * the operands' primals and tangents. A {@code null} tangent is a symbolic zero, both in and out,
 * and any operand's tangent may be {@code null}. Rules compute with {@link Lax} functions, so they
 * are themselves traceable (that is what makes derivatives of derivatives work), and every
 * tangent they produce is linear in the input tangents, built only from primitives that have a
 * {@link TransposeRules transpose rule}.
 *
 * <p>Every primitive's rule is defined with it ({@link Definitions}); this class dispatches by kind.
 * A primitive whose output is not floating point (comparisons, argmax, integer arithmetic, iota,
 * …) has a zero tangent, as in JAX.
 */
public final class JvpRules {
    private JvpRules() {}

    /** {@code {primal out, tangent out (or null for zero)}}. */
    public static Array[] jvp(Primitive p, Params params, List<Array> primals, List<Array> tangents) {
        Array out = Lax.bind(p, params, primals.toArray(Array[]::new));
        boolean anyTangent = tangents.stream().anyMatch(t -> t != null);
        Array tangent = anyTangent && out.dtype().isFloating() ? tangent(p, params, primals, tangents, out) : null;
        return new Array[] {out, tangent};
    }

    private static Array tangent(Primitive p, Params params, List<Array> x, List<Array> t, Array out) {
        return switch (p.kind()) {
            case UNARY, BINARY, SELECT, CONVERT, REDUCE, CUMULATIVE, MOVEMENT, INDEXING, CONTRACTION, COLLECTIVE ->
                Definitions.tangent(p, params, x, t, out);
            case COMPARE, ARG_REDUCE, CREATION -> null;
            // control-flow primitives have several outputs and never reach single-output rules
            case CONTROL -> throw new KilnException("no single-output JVP rule for " + p.printName());
        };
    }
}
