package dev.kiln;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;

/**
 * Direct access to Kiln's primitives, like {@code jax.lax}: no promotion or broadcasting, operands
 * must already match the primitive's rules. {@link Np} is built on these.
 */
public final class Lax {
    private Lax() {}

    /** Applies one primitive to operands whose dtypes and shapes already fit it. */
    public static Array bind(Primitive primitive, Params params, Array... operands) {
        return Dispatch.bind(primitive, params, operands);
    }

    /** Applies an elementwise primitive with no parameters. */
    public static Array bind(Primitive primitive, Array... operands) {
        return Dispatch.bind(primitive, Params.NONE, operands);
    }

    /** Converts to another dtype with {@link Primitive#CONVERT} (no-op when it already has it). */
    public static Array convert(Array x, DType to) {
        return x.dtype() == to ? x : Dispatch.bind(Primitive.CONVERT, new Params.Convert(to), x);
    }

    /** Broadcasts {@code x} to {@code shape}, mapping operand dimension i to output {@code dims[i]}. */
    public static Array broadcastInDim(Array x, int[] shape, int... dims) {
        return Dispatch.bind(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(shape, dims), x);
    }

    /** Reshapes without checking anything beyond the element count. */
    public static Array reshape(Array x, int... shape) {
        return java.util.Arrays.equals(x.shape(), shape)
                ? x
                : Dispatch.bind(Primitive.RESHAPE, new Params.Reshape(shape), x);
    }

    /** An array of {@code shape} whose value is the index along {@code dimension}. */
    public static Array iota(DType dtype, int[] shape, int dimension) {
        return Dispatch.bind(Primitive.IOTA, new Params.Iota(dtype, shape, dimension));
    }
}
