package dev.kiln.conformance.core;

import dev.kiln.conformance.BackendConformance;
import dev.kiln.conformance.Exclusions;

/**
 * The conformance suite on {@link CoreOnlyBackend}: every family passes with only the core
 * primitives implemented, the rest running through Kiln's decompositions. Cases of dtypes the
 * backend does not compute (int64, uint32) are skipped as unsupported.
 */
class CoreOnlyConformanceTest extends BackendConformance {
    @Override
    protected String backend() {
        return CoreOnlyProvider.NAME;
    }

    @Override
    protected Exclusions exclusions() {
        return Exclusions.none()
                .skipUnsupported("core-only computes float32, float64, int32 and bool; other dtypes are unsupported");
    }
}
