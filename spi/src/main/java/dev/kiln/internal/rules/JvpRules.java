package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Tangents.add;
import static dev.kiln.internal.rules.Tangents.linear;
import static dev.kiln.internal.rules.Tangents.orZeros;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.ir.ArraySpec;
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
 * <p>Where the rules live: elementwise primitives with their definitions ({@link Definitions}), reductions and scans
 * with their definitions ({@link ReductionDefinitions}), and the primitives that are linear in their data operands (movement,
 * indexing, select, convert, dot_general) below. A primitive whose output is not floating point
 * (comparisons, argmax, integer arithmetic, iota, …) has a zero tangent, as in JAX.
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
            case UNARY -> Definitions.unaryTangent(p, x.get(0), out, t.get(0));
            case BINARY -> Definitions.binaryTangent(p, x.get(0), x.get(1), out, t.get(0), t.get(1));
            case REDUCE, CUMULATIVE -> Definitions.operandTangent(p, params, x.get(0), out, t.get(0));
            case SELECT -> selectTangent(x, t);
            case CONVERT -> x.get(0).dtype().isFloating() ? linear(p, params, t.get(0)) : null;
            case MOVEMENT -> movement(p, params, x, t);
            case INDEXING -> indexing(p, params, x, t);
            case CONTRACTION ->
                add(
                        t.get(0) == null ? null : Lax.bind(p, params, t.get(0), x.get(1)),
                        t.get(1) == null ? null : Lax.bind(p, params, x.get(0), t.get(1)));
            case COMPARE, ARG_REDUCE, CREATION -> null;
            // control-flow primitives have several outputs and never reach single-output rules
            case CONTROL -> throw new KilnException("no single-output JVP rule for " + p.printName());
        };
    }

    /** Linear in both branches; the predicate is boolean and carries no tangent. */
    private static Array selectTangent(List<Array> x, List<Array> t) {
        if (t.get(1) == null && t.get(2) == null) {
            return null;
        }
        return Lax.bind(
                Primitive.SELECT,
                x.get(0),
                orZeros(t.get(1), x.get(1).spec()),
                orZeros(t.get(2), x.get(2).spec()));
    }

    /** Movement primitives are linear in their data operands (PAD: in both the array and the pad value). */
    private static Array movement(Primitive p, Params params, List<Array> x, List<Array> t) {
        return switch (p) {
            case BROADCAST_IN_DIM, RESHAPE, TRANSPOSE, SLICE, REV -> linear(p, params, t.get(0));
            case PAD ->
                Lax.bind(
                        p,
                        params,
                        orZeros(t.get(0), x.get(0).spec()),
                        orZeros(t.get(1), x.get(1).spec()));
            case CONCATENATE -> {
                Array[] parts = new Array[x.size()];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = orZeros(t.get(i), x.get(i).spec());
                }
                yield Lax.bind(p, params, parts);
            }
            default -> throw new IllegalArgumentException(p + " is not a movement primitive");
        };
    }

    /**
     * Gathers and dynamic slices are linear in the data they read or write; the same (integer)
     * indices are reused for the tangents, so clamping matches the primal.
     */
    private static Array indexing(Primitive p, Params params, List<Array> x, List<Array> t) {
        Array[] operands = x.toArray(Array[]::new);
        switch (p) {
            case TAKE, TAKE_ALONG_AXIS, DYNAMIC_SLICE -> {
                if (t.get(0) == null) {
                    return null;
                }
                operands[0] = t.get(0);
            }
            case DYNAMIC_UPDATE_SLICE -> {
                if (t.get(0) == null && t.get(1) == null) {
                    return null;
                }
                ArraySpec operand = x.get(0).spec();
                ArraySpec update = x.get(1).spec();
                operands[0] = orZeros(t.get(0), operand);
                operands[1] = orZeros(t.get(1), update);
            }
            default -> throw new IllegalArgumentException(p + " is not an indexing primitive");
        }
        return Lax.bind(p, params, operands);
    }
}
