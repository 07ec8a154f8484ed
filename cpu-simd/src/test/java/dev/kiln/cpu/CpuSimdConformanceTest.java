package dev.kiln.cpu;

import dev.kiln.conformance.BackendConformance;
import dev.kiln.conformance.Exclusions;

/** The shared conformance suite on the Vector API backend; nothing is excluded. */
class CpuSimdConformanceTest extends BackendConformance {
    @Override
    protected String backend() {
        return "cpu-simd";
    }

    @Override
    protected Exclusions exclusions() {
        return Exclusions.none();
    }
}
