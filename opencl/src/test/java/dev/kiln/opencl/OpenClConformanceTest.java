package dev.kiln.opencl;

import dev.kiln.conformance.BackendConformance;
import dev.kiln.conformance.Exclusions;

/**
 * The whole conformance suite on the opencl backend, on whatever OpenCL device the machine has
 * (PoCL's CPU device in CI). int64 and uint32 are not computed by this backend yet: their cases are
 * reported as unsupported. Float64 cases need {@code cl_khr_fp64}, which PoCL has.
 */
class OpenClConformanceTest extends BackendConformance {
    @Override
    protected String backend() {
        return OpenClProvider.NAME;
    }

    @Override
    protected Exclusions exclusions() {
        return onOpenCl();
    }

    /** What opencl leaves out, for every suite run on it. */
    static Exclusions onOpenCl() {
        return Exclusions.none()
                .skipUnsupported("opencl computes bool, int32, float32 and (with cl_khr_fp64) float64;"
                        + " int64 and uint32 are unsupported");
    }
}
