package dev.kiln.pjrt;

import dev.kiln.conformance.BackendConformance;
import dev.kiln.conformance.Exclusions;

/** The shared conformance suite on the PJRT backend, through Kiln's XLA:CPU plugin (real XLA). */
class PjrtConformanceTest extends BackendConformance {
    @Override
    protected String backend() {
        return "pjrt";
    }

    @Override
    protected Exclusions exclusions() {
        return Exclusions.none();
    }
}
