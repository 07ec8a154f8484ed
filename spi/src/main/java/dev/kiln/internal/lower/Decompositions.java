package dev.kiln.internal.lower;

import dev.kiln.ir.Primitive;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The default decomposition of every non-core primitive (see {@link Primitive#core()}), gathered
 * from the families: {@link ElementwiseDecompositions}, {@link TranscendentalDecompositions},
 * {@link ReductionDecompositions}, {@link IndexingDecompositions}.
 */
final class Decompositions {
    private static final Map<Primitive, Decomposition> TABLE;

    static {
        Map<Primitive, Decomposition> t = new EnumMap<>(Primitive.class);
        ElementwiseDecompositions.register(t);
        TranscendentalDecompositions.register(t);
        ReductionDecompositions.register(t);
        IndexingDecompositions.register(t);
        TABLE = Collections.unmodifiableMap(t);
    }

    private Decompositions() {}

    /** The decomposition of {@code p}, or null for core and control primitives. */
    static Decomposition of(Primitive p) {
        return TABLE.get(p);
    }

    /** Every primitive with a decomposition. */
    static java.util.Set<Primitive> decomposable() {
        return TABLE.keySet();
    }
}
