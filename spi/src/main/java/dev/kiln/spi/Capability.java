package dev.kiln.spi;

/** Optional abilities a backend reports through {@link Backend#capabilities()}. */
public enum Capability {
    /** Computes float64 natively (not emulated or refused). */
    FLOAT64,
    /** Computes int64 natively. */
    INT64,
    /** Uses SIMD instructions for its kernels. */
    SIMD,
    /** Spreads large kernels over several cores. */
    MULTITHREADED,
    /** Compiles fused kernels ({@code compileKernel}) instead of running their ops one by one. */
    FUSION,
    /** Compiles whole programs ({@code compile}). */
    PROGRAM_COMPILE,
    /** Returns from {@code execute} before the work is done. */
    ASYNC,
    /** The oracle the conformance suite compares with: exact double-precision scalar loops. */
    REFERENCE
}
