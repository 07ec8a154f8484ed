package dev.kiln.pjrt;

import dev.kiln.conformance.BackendConformance;
import dev.kiln.conformance.Exclusions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The shared conformance suite on the PJRT backend, through Kiln's XLA:CPU plugin (real XLA).
 * Excluded are only cases where XLA:CPU itself differs from Kiln's reference semantics. The build
 * runs it with {@code kiln.pjrt.quick-compile=all}: each eager case compiles its own XLA executable,
 * and XLA's quick options (LLVM -O0, loop emitters) compile them about three times faster with the
 * same results.
 *
 * <p>Compiling is nearly all of the suite's time and runs on one core, so the suite is split into
 * two classes that surefire runs in two JVMs at once ({@code forkCount} 2 in the pom): the families named
 * in {@link #PARTS} run in the class that part names, and this class runs every other family, so a
 * family is never left out. After each family the compilations it caused and their time are
 * printed.
 */
class PjrtConformanceTest extends BackendConformance {
    /**
     * The families that run in another class, by class. Measured on a quiet machine (each family's
     * wall time, both JVMs running): breadth 143 s, linalg 63 s, reductions 32 s, elementwise 28 s,
     * grad 20 s there (about 286 s); here distributions 66 s, goldens 33 s, vmap 26 s, fusion 22 s,
     * jit 21 s, random 20 s, conv 18 s and the smaller families (about 277 s).
     */
    static final Map<String, Class<?>> PARTS = Map.of(
            "breadth", PjrtConformanceBreadthTest.class,
            "linalg", PjrtConformanceBreadthTest.class,
            "elementwise", PjrtConformanceBreadthTest.class,
            "reductions", PjrtConformanceBreadthTest.class,
            "grad", PjrtConformanceBreadthTest.class);

    private String current;
    private long compilesAt;
    private long nanosAt;
    private long wallAt;

    /** XLA:CPU executes with subnormals flushed to zero; the corner values include subnormals. */
    static final String FTZ = "XLA:CPU runs every executable with subnormal inputs and results flushed to zero"
            + " (FTZ/DAZ, as JAX on CPU does); these corner values include subnormals";

    /**
     * Measured: 2-3 elements of each case, all subnormal floats (and the int patterns of subnormals).
     * Kiln's bitcastConvertType is arithmetic on powers of two, so it sees the subnormal values XLA
     * flushes.
     */
    static final String BITCAST_FTZ = "XLA:CPU flushes subnormals to zero, and Lax.bitcastConvertType is built from"
            + " float arithmetic (exponent and mantissa by powers of two): subnormal patterns read as zero";

    /** Measured: 9 of the 144 int32 corner pairs, all with the exponent 2^30. */
    static final String INT_POW = "XLA:CPU's integer power ignores the high bits of large exponents: 0^(2^30) and"
            + " (-2^31)^(2^30) give 1 where Kiln's repeated squaring with wraparound gives 0";

    @Override
    protected String backend() {
        return "pjrt";
    }

    @Override
    protected Exclusions exclusions() {
        return xlaDifferences();
    }

    /** This class's part of the suite: the families {@link #PARTS} gives to no other class. */
    @Override
    protected boolean runs(String family) {
        boolean mine = PARTS.getOrDefault(family, PjrtConformanceTest.class) == getClass();
        if (mine) {
            // JUnit asks when it reaches the family's factory, after the previous family's cases
            reportFamily();
            current = family;
        }
        return mine;
    }

    /** Prints what the family that just ended compiled: XLA compilations, their time, and the wall time. */
    private void reportFamily() {
        PjrtBackend b = (PjrtBackend) dev.kiln.Kiln.backend("pjrt");
        long now = System.nanoTime();
        if (current != null) {
            System.out.printf(
                    "pjrt family %-13s %6.1f s wall, %5d XLA compilations in %6.1f s%n",
                    current,
                    (now - wallAt) / 1e9,
                    b.compiles.get() - compilesAt,
                    (b.compileNanos.get() - nanosAt) / 1e9);
        }
        current = null;
        compilesAt = b.compiles.get();
        nanosAt = b.compileNanos.get();
        wallAt = now;
    }

    @AfterAll
    void reportLastFamily() {
        reportFamily();
    }

    static Exclusions xlaDifferences() {
        return Exclusions.none()
                .exclude("elementwise/*/float32/corners", FTZ)
                .exclude("elementwise/*/float64/corners", FTZ)
                .exclude("jit/*/float32/corners", FTZ)
                .exclude("jit/*/float64/corners", FTZ)
                .exclude("elementwise/astype/float32/to bool", FTZ)
                .exclude("elementwise/astype/float32/to float64", FTZ)
                .exclude("elementwise/astype/float64/to bool", FTZ)
                .exclude(
                        "breadth/Special.ndtri/float64/*Special.ndtri float64 corners",
                        "ndtri's Newton steps at p = 2.2e-308 (float64's smallest normal) evaluate ndtr where its"
                                + " density is near the subnormal range, which XLA:CPU flushes to zero: -37.51931"
                                + " where JAX's eager value is -37.51938 (measured); the other corners pass")
                .exclude("breadth/Lax.bitcastConvertType/int32/jax bitcastConvertType float32 to int32", BITCAST_FTZ)
                .exclude("breadth/Lax.bitcastConvertType/uint32/jax bitcastConvertType float32 to uint32", BITCAST_FTZ)
                .exclude("breadth/Lax.bitcastConvertType/int64/jax bitcastConvertType float64 to int64", BITCAST_FTZ)
                .exclude("breadth/Lax.bitcastConvertType/float32/jax bitcastConvertType int32 to float32", BITCAST_FTZ)
                .exclude("breadth/Lax.bitcastConvertType/float32/jax bitcastConvertType uint32 to float32", BITCAST_FTZ)
                .exclude("breadth/Lax.bitcastConvertType/float64/jax bitcastConvertType int64 to float64", BITCAST_FTZ)
                .exclude("elementwise/power/int32/corners", INT_POW)
                .exclude("jit/power/int32/corners", INT_POW)
                .exclude(
                        "elementwise/log1p/float64/n=*",
                        "XLA:CPU's float64 log1p is up to 34 ulp off near -0.5 (measured), beyond the 4 ulp"
                                + " tolerance");
    }
}
