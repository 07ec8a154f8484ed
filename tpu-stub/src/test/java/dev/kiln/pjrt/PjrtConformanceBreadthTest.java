package dev.kiln.pjrt;

/**
 * The {@code breadth}, {@code linalg}, {@code elementwise}, {@code reductions} and {@code grad} families of the conformance suite
 * on pjrt, in a class of their own so that surefire runs them in a second JVM beside the rest of
 * the suite (see {@link PjrtConformanceTest#PARTS}).
 */
class PjrtConformanceBreadthTest extends PjrtConformanceTest {}
