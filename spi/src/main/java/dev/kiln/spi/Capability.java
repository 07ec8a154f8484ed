package dev.kiln.spi;

/**
 * Optional abilities a backend reports through {@link Backend#capabilities()}, for people choosing a
 * backend (the conformance support matrix prints them) and checked by the conformance suite's
 * discovery family against what the backend does. What a backend computes is said elsewhere: its
 * element types by {@link Backend#dtypes()}, its native primitives by {@link
 * Backend#implementsNatively}.
 */
public enum Capability {
    /** Uses SIMD instructions for its kernels. */
    SIMD,
    /** Spreads large kernels over several cores. */
    MULTITHREADED,
    /**
     * Compiles fused kernels ({@link Backend#compileKernel} is overridden) instead of running their
     * ops one by one.
     */
    FUSION,
    /** The oracle the conformance suite compares with: exact double-precision scalar loops. */
    REFERENCE
}
