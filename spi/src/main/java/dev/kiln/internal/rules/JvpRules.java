package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.List;

/**
 * Forward-mode rules: for each differentiable primitive, its output and the output's tangent from
 * the operands' primals and tangents. A {@code null} tangent is a symbolic zero, both in and out.
 * Rules compute with {@link Lax}/{@code Np} functions, so they are themselves traceable (that is
 * what makes derivatives of derivatives work).
 */
public final class JvpRules {
    private JvpRules() {}

    /** {@code {primal out, tangent out (or null for zero)}}; at least one tangent is non-null. */
    public static Array[] jvp(Primitive p, Params params, List<Array> primals, List<Array> tangents) {
        Array out = Lax.bind(p, params, primals.toArray(Array[]::new));
        Array x = primals.get(0);
        Array t = tangents.get(0);
        Array tan =
                switch (p) {
                    case ADD -> add(t, tangents.get(1));
                    case SUB -> add(t, neg(tangents.get(1)));
                    case NEG -> neg(t);
                    case MUL -> add(mul(t, primals.get(1)), mul(x, tangents.get(1)));
                    case EXP -> mul(t, out);
                    case SIN -> mul(t, Lax.bind(Primitive.COS, x));
                    case COS -> neg(mul(t, Lax.bind(Primitive.SIN, x)));
                    case REDUCE_SUM, BROADCAST_IN_DIM, RESHAPE, TRANSPOSE, CONVERT -> t == null ? null : Lax.bind(p, params, t);
                    case DOT_GENERAL -> add(
                            t == null ? null : Lax.bind(p, params, t, primals.get(1)),
                            tangents.get(1) == null ? null : Lax.bind(p, params, x, tangents.get(1)));
                    default -> throw new KilnException("no JVP rule for " + p.printName() + " yet");
                };
        return new Array[] {out, tan};
    }

    static Array add(Array a, Array b) {
        return a == null ? b : b == null ? a : Lax.bind(Primitive.ADD, a, b);
    }

    static Array neg(Array a) {
        return a == null ? null : Lax.bind(Primitive.NEG, a);
    }

    static Array mul(Array t, Array factor) {
        return t == null ? null : Lax.bind(Primitive.MUL, t, factor);
    }
}
