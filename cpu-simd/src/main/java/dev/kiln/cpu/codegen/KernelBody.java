package dev.kiln.cpu.codegen;

/**
 * The entry points of a generated kernel class ({@link KernelEmitter}); each class implements the
 * ones of its loop kind. {@code a} holds the arrays (one per index map, then the gather index
 * tables), {@code g} the geometry ({@link LoopNest#geometry()}).
 */
interface KernelBody {
    /** Elementwise: the points {@code [lo, hi)} of the flattened space, row-major. */
    default void points(Object[] a, int[] g, int lo, int hi) {
        throw new UnsupportedOperationException();
    }

    /** Reduction over the innermost axis: output points {@code [lo, hi)}, each one whole. */
    default void rows(Object[] a, int[] g, int lo, int hi) {
        throw new UnsupportedOperationException();
    }

    /**
     * Reduction over the innermost axis: folds reduced points {@code [lo, hi)} of output point
     * {@code q} (storing inner outputs on the way) in blocks of {@link GeneratedKernel#BLOCK} from
     * {@code lo}, and writes one partial result per reduce node and block to {@code out[pos…]},
     * block by block.
     */
    default void reduceRow(Object[] a, int[] g, int q, int lo, int hi, double[] out, int pos) {
        throw new UnsupportedOperationException();
    }

    /** Reduction over the innermost axis: the epilogue of output point {@code q}, given the folded values. */
    default void epilogueRow(Object[] a, int[] g, int q, double[] acc, int pos) {
        throw new UnsupportedOperationException();
    }

    /** Reduction over outer axes: work units {@code [lo, hi)}, each a tile of output columns. */
    default void columns(Object[] a, int[] g, int lo, int hi) {
        throw new UnsupportedOperationException();
    }
}
