package dev.kiln.pjrt;

import dev.kiln.conformance.BackendConformance;
import dev.kiln.conformance.Exclusions;

/**
 * The shared conformance suite on the PJRT backend, through Kiln's XLA:CPU plugin (real XLA).
 * Excluded are only cases where XLA:CPU itself differs from Kiln's reference semantics.
 */
class PjrtConformanceTest extends BackendConformance {
    /** XLA:CPU executes with subnormals flushed to zero; the corner values include subnormals. */
    static final String FTZ = "XLA:CPU runs every executable with subnormal inputs and results flushed to zero"
            + " (FTZ/DAZ, as JAX on CPU does); these corner values include subnormals";

    /** Measured: 9 of the 144 int32 corner pairs, all with the exponent 2^30. */
    static final String INT_POW = "XLA:CPU's integer power ignores the high bits of large exponents: 0^(2^30) and"
            + " (-2^31)^(2^30) give 1 where Kiln's repeated squaring with wraparound gives 0";

    @Override
    protected String backend() {
        return "pjrt";
    }

    /**
     * Why the per-op families are left out of the README's test command unless {@code
     * -Dkiln.pjrt.suite=full}: every eager case compiles its own XLA executable (40–140 ms each on
     * this machine), and the elementwise, jit and reductions families have thousands of distinct
     * ones: the whole suite took 34 minutes on a shared 2-core machine, over CI's budget. They
     * passed there apart from the exclusions below; the other families run in every build.
     */
    static final String CI_TIME = "left out of the default build for time (each case compiles its own XLA executable);"
            + " run with -Dkiln.pjrt.suite=full";

    @Override
    protected Exclusions exclusions() {
        Exclusions base = xlaDifferences();
        if ("full".equals(System.getProperty("kiln.pjrt.suite", "ci"))) {
            return base;
        }
        return base.exclude("elementwise", CI_TIME).exclude("jit", CI_TIME).exclude("reductions", CI_TIME);
    }

    private static Exclusions xlaDifferences() {
        return Exclusions.none()
                .exclude("elementwise/*/float32/corners", FTZ)
                .exclude("elementwise/*/float64/corners", FTZ)
                .exclude("jit/*/float32/corners", FTZ)
                .exclude("jit/*/float64/corners", FTZ)
                .exclude("elementwise/astype/float32/to bool", FTZ)
                .exclude("elementwise/astype/float32/to float64", FTZ)
                .exclude("elementwise/astype/float64/to bool", FTZ)
                .exclude("elementwise/power/int32/corners", INT_POW)
                .exclude("jit/power/int32/corners", INT_POW)
                .exclude(
                        "elementwise/log1p/float64/n=*",
                        "XLA:CPU's float64 log1p is up to 34 ulp off near -0.5 (measured), beyond the 4 ulp"
                                + " tolerance");
    }
}
