package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.List;

/**
 * Transpose rules of the primitives that are linear in some operands: given the cotangent of the
 * output, the cotangents of the linear operands. Non-linear operands are passed as values; linear
 * ones as {@code null} (their specs are in {@code specs}).
 */
public final class TransposeRules {
    private TransposeRules() {}

    /** Cotangents per operand; {@code null} for non-linear operands (and for zero). */
    public static List<Array> transpose(
            Primitive p, Params params, Array ct, List<Array> operands, boolean[] linear, List<ArraySpec> specs) {
        return switch (p) {
            case ADD -> Arrays.asList(linear[0] ? ct : null, linear[1] ? ct : null);
            case SUB -> Arrays.asList(linear[0] ? ct : null, linear[1] ? Lax.bind(Primitive.NEG, ct) : null);
            case NEG -> Arrays.asList(Lax.bind(Primitive.NEG, ct));
            case MUL -> {
                if (linear[0] && linear[1]) {
                    throw new KilnException("mul of two linear values is not linear; this is a bug in a JVP rule");
                }
                yield linear[0]
                        ? Arrays.asList(Lax.bind(Primitive.MUL, ct, operands.get(1)), null)
                        : Arrays.asList(null, Lax.bind(Primitive.MUL, operands.get(0), ct));
            }
            default -> throw new KilnException("no transpose rule for " + p.printName() + " yet");
        };
    }
}
