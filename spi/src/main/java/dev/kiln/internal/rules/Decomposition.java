package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;

/**
 * A primitive written with other primitives. It is applied to concrete arrays (eager calls on a
 * backend that does not claim the primitive) or to tracers (while a program is rewritten for such a
 * backend), and builds its result with {@link Emit}, which decomposes again whatever the target
 * backend does not claim.
 */
@FunctionalInterface
public interface Decomposition {
    Array apply(Params params, ArraySpec out, Array[] in);
}
