package dev.kiln.conformance.reference;

import dev.kiln.conformance.BackendConformance;
import dev.kiln.conformance.Exclusions;

/**
 * The suite on the reference backend. Comparing the reference with itself proves nothing, so here
 * the checks that count are the Java oracles of the families and the JAX golden values.
 */
class ReferenceConformanceTest extends BackendConformance {
    @Override
    protected String backend() {
        return "reference";
    }

    @Override
    protected Exclusions exclusions() {
        return Exclusions.none();
    }
}
