package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Lowering;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Builds decompositions: binds primitives the target backend claims, and decomposes the others
 * again, so a decomposition may use any primitive whose own decomposition does not lead back to it.
 * The target is per thread, set for the duration of one lowering.
 */
public final class Emit {
    private static final ThreadLocal<Backend> TARGET = new ThreadLocal<>();
    public static final ThreadLocal<Set<Primitive>> DECOMPOSED =
            ThreadLocal.withInitial(() -> EnumSet.noneOf(Primitive.class));

    private Emit() {}

    /** Runs {@code body} with {@code backend} as the target of the decompositions it emits. */
    public static <T> T targeting(Backend backend, java.util.function.Supplier<T> body) {
        Backend previous = TARGET.get();
        TARGET.set(backend);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                TARGET.remove();
            } else {
                TARGET.set(previous);
            }
        }
    }

    /** Whether the target computes float64, so float32 decompositions may run in float64. */
    static boolean hasFloat64() {
        Backend b = TARGET.get();
        return b == null || b.dtypes().contains(DType.FLOAT64);
    }

    /** {@code p} applied to {@code in}: bound where the target claims it, decomposed otherwise. */
    public static Array op(Primitive p, Params params, Array... in) {
        Backend target = TARGET.get();
        if (target != null) {
            List<ArraySpec> specs = new ArrayList<>(in.length);
            for (Array a : in) {
                specs.add(a.spec());
            }
            ArraySpec out = ShapeRules.outSpec(p, params, specs);
            if (!target.implementsNatively(p, Lowering.claimDType(p, out, specs))) {
                Array decomposed = decompose(p, params, out, in);
                if (decomposed != null) {
                    return decomposed;
                }
            }
        }
        return Lax.bind(p, params, in);
    }

    /** {@code p}'s decomposition applied to {@code in} (and noted), or null when it has none. */
    public static Array decompose(Primitive p, Params params, ArraySpec out, Array[] in) {
        Decomposition d = Definitions.decomposition(p);
        if (d == null) {
            return null;
        }
        DECOMPOSED.get().add(p);
        return d.apply(params, out, in);
    }

    static Array op(Primitive p, Array... in) {
        return op(p, Params.NONE, in);
    }

    // elementwise shorthands; each goes through op, so it decomposes where the target needs it

    static Array add(Array a, Array b) {
        return op(Primitive.ADD, a, b);
    }

    static Array sub(Array a, Array b) {
        return op(Primitive.SUB, a, b);
    }

    static Array mul(Array a, Array b) {
        return op(Primitive.MUL, a, b);
    }

    static Array div(Array a, Array b) {
        return op(Primitive.DIV, a, b);
    }

    static Array neg(Array a) {
        return op(Primitive.NEG, a);
    }

    static Array abs(Array a) {
        return op(Primitive.ABS, a);
    }

    static Array max(Array a, Array b) {
        return op(Primitive.MAX, a, b);
    }

    static Array min(Array a, Array b) {
        return op(Primitive.MIN, a, b);
    }

    static Array floor(Array a) {
        return op(Primitive.FLOOR, a);
    }

    static Array sqrt(Array a) {
        return op(Primitive.SQRT, a);
    }

    static Array exp(Array a) {
        return op(Primitive.EXP, a);
    }

    static Array expm1(Array a) {
        return op(Primitive.EXPM1, a);
    }

    static Array not(Array a) {
        return op(Primitive.NOT, a);
    }

    static Array and(Array a, Array b) {
        return op(Primitive.AND, a, b);
    }

    static Array or(Array a, Array b) {
        return op(Primitive.OR, a, b);
    }

    static Array xor(Array a, Array b) {
        return op(Primitive.XOR, a, b);
    }

    static Array eq(Array a, Array b) {
        return op(Primitive.EQ, a, b);
    }

    static Array ne(Array a, Array b) {
        return op(Primitive.NE, a, b);
    }

    static Array lt(Array a, Array b) {
        return op(Primitive.LT, a, b);
    }

    static Array le(Array a, Array b) {
        return op(Primitive.LE, a, b);
    }

    static Array gt(Array a, Array b) {
        return op(Primitive.GT, a, b);
    }

    static Array ge(Array a, Array b) {
        return op(Primitive.GE, a, b);
    }

    static Array select(Array pred, Array onTrue, Array onFalse) {
        return op(Primitive.SELECT, pred, onTrue, onFalse);
    }

    static Array convert(Array x, DType to) {
        return x.dtype() == to ? x : op(Primitive.CONVERT, new Params.Convert(to), x);
    }

    /** An array shaped and typed like {@code like}, every element {@code value}. */
    static Array full(Array like, double value) {
        return full(like.dtype(), value, like.shape());
    }

    static Array full(DType dtype, double value, int[] shape) {
        Array scalar = Np.full(dtype, value);
        return shape.length == 0
                ? scalar
                : op(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(shape, new int[0]), scalar);
    }

    /** Every bit set: {@code true} for bool, {@code -1} for signed integers, the maximum for unsigned. */
    static Array allOnes(Array like) {
        return switch (like.dtype().kind()) {
            case BOOL -> full(like, 1);
            case SIGNED -> full(like, -1);
            case UNSIGNED -> full(like, 4294967295.0);
            case FLOAT -> throw new IllegalArgumentException("no bit pattern of all ones for " + like.dtype());
        };
    }

    /** {@code 0..n-1} along {@code dimension} of an array of {@code shape}. */
    static Array iota(DType dtype, int[] shape, int dimension) {
        return op(Primitive.IOTA, new Params.Iota(dtype, shape, dimension));
    }

    /** A 0-d array broadcast to {@code shape}. */
    static Array broadcast(Array scalar, int[] shape) {
        return shape.length == 0
                ? scalar
                : op(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(shape, new int[0]), scalar);
    }

    /** {@code x} (of dtype float32) in float64 where the target has it, to compute with margin. */
    static Array widen(Array x) {
        return x.dtype() == DType.FLOAT32 && hasFloat64() ? convert(x, DType.FLOAT64) : x;
    }
}
