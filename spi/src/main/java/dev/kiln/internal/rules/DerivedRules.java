package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.List;

/**
 * Rules derived from a primitive's decomposition, for primitives defined without their own: the
 * JVP is the JVP of the decomposition (as JAX derives the cumulative ops' rule from their
 * associative scan). The formula then fixes the derivative, so a primitive whose decomposition has
 * a kink where the function has none (a max, an abs) needs a rule of its own.
 */
final class DerivedRules {
    private DerivedRules() {}

    /** The tangent of {@code p}'s output, from the JVP of its decomposition. */
    static Array jvp(Primitive p, Params params, List<Array> primals, List<Array> tangents, ArraySpec out) {
        Decomposition d = Definitions.decomposition(p);
        if (d == null) {
            throw new KilnException("no JVP rule for " + p.printName()
                    + ", and no decomposition to derive one from; define one with the primitive");
        }
        List<Array> t = new ArrayList<>(tangents.size());
        for (int i = 0; i < tangents.size(); i++) {
            Array x = primals.get(i);
            t.add(tangents.get(i) != null ? tangents.get(i) : Np.zeros(x.dtype(), x.shape()));
        }
        return Kiln.jvp((List<Array> x) -> d.apply(params, out, x.toArray(Array[]::new)), primals, t)
                .tangent();
    }
}
