package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.List;

/**
 * Batching rules: each primitive applied once to operands that carry an extra batch dimension
 * ({@code dims[i]}, or {@code -1} for operands that do not vary over the batch).
 */
public final class BatchRules {
    private BatchRules() {}

    /** A batched result and the position of its batch dimension. */
    public record Batched(Array value, int batchDim) {}

    public static Batched batch(Primitive p, Params params, List<Array> values, int[] dims, int axisSize) {
        if (p.kind() == Primitive.Kind.UNARY && dims[0] >= 0) {
            return new Batched(Lax.bind(p, params, values.get(0)), dims[0]);
        }
        throw new KilnException("no batching rule for " + p.printName() + " yet");
    }
}
