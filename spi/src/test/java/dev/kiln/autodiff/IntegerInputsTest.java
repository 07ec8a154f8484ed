package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.DTypeException;
import dev.kiln.DiffOption;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Differentiating with respect to integer or bool inputs is an error, as in JAX ("grad requires
 * real- or complex-valued inputs ..."), unless the caller opts in with {@link DiffOption#ALLOW_INT};
 * integers that are not differentiated are fine.
 */
class IntegerInputsTest {
    static final Array INTS = Np.array(new int[] {1, 2, 3});
    static final Array BOOLS = Np.array(new boolean[] {true, false, true});
    static final Function<Array, Array> SCALE = a -> Np.multiply(Np.astype(a, DType.FLOAT32), 2f);
    static final Function<Array, Array> LOSS = a -> Np.sum(SCALE.apply(a));

    static void rejected(String fn, String dtype, Executable call) {
        DTypeException e = assertThrows(DTypeException.class, call, fn);
        assertTrue(e.getMessage().startsWith(fn + ": differentiated inputs must be real-valued"), e.getMessage());
        assertTrue(e.getMessage().contains("got " + dtype + " for argument"), e.getMessage());
    }

    @Test
    void everyDifferentiatingTransformationRejectsIntegerAndBoolInputs() {
        for (Array x : List.of(INTS, BOOLS)) {
            String t = x.dtype().toString();
            rejected("grad", t, () -> Kiln.grad(LOSS).apply(x));
            rejected("valueAndGrad", t, () -> Kiln.valueAndGrad(LOSS).apply(x));
            rejected("jacfwd", t, () -> Kiln.jacfwd(SCALE).apply(x));
            rejected("jacrev", t, () -> Kiln.jacrev(SCALE).apply(x));
            rejected("hessian", t, () -> Kiln.hessian(LOSS).apply(x));
            rejected("jvp", t, () -> Kiln.jvp(SCALE, x, x));
            rejected("valueAndGradWithAux", t, () -> Kiln.valueAndGradWithAux(
                            (Array a) -> new Kiln.WithAux<>(LOSS.apply(a), a))
                    .apply(x));
            // under jit and vmap too
            rejected("grad", t, () -> Kiln.jit(Kiln.grad(LOSS)).apply(x));
            rejected("grad", t, () -> Kiln.vmap(Kiln.grad(LOSS)).apply(Np.stack(new Array[] {x, x}, 0)));
        }
        // a tree: the message names the leaf
        DTypeException e = assertThrows(DTypeException.class, () -> Kiln.grad(
                        (List<Array> l) -> Np.add(LOSS.apply(l.get(0)), LOSS.apply(l.get(1))))
                .apply(List.of(Np.ones(3), INTS)));
        assertTrue(e.getMessage().contains("leaf 1 (in Tree.flatten order) of argument 0"), e.getMessage());
        // argnums: the selected argument is named
        DTypeException second = assertThrows(
                DTypeException.class, () -> Kiln.grad((Array a, Array b) -> Np.add(Np.sum(a), LOSS.apply(b)), 0, 1)
                        .apply(Np.ones(3), INTS));
        assertTrue(second.getMessage().contains("for argument 1"), second.getMessage());
    }

    @Test
    void integersThatAreNotDifferentiatedAreFine() {
        Array w = Np.array(new float[] {0.5f, 1f, 2f});
        // the second argument of the two-argument forms is not differentiated
        Array g = Kiln.grad((Array a, Array labels) -> Np.sum(Np.multiply(a, Np.astype(labels, DType.FLOAT32))))
                .apply(w, INTS);
        assertArrayEquals(new float[] {1, 2, 3}, g.toFloatArray());
        Object g0 = Kiln.grad((Array a, Array labels) -> Np.sum(Np.multiply(a, Np.astype(labels, DType.FLOAT32))), 0)
                .apply(w, INTS);
        assertArrayEquals(new float[] {1, 2, 3}, ((Array) g0).toFloatArray());
        // vjp accepts them, as in JAX, and pulls back zeros of their dtype
        Kiln.Vjp<Array, Array> v = Kiln.vjp(SCALE, INTS);
        Array ct = v.pullback().apply(Np.ones(3));
        assertEquals(DType.INT32, ct.dtype());
        assertArrayEquals(new int[3], ct.toIntArray());
    }

    @Test
    void allowIntHoldsIntegerInputsConstant() {
        Array g = Kiln.grad(LOSS, DiffOption.ALLOW_INT).apply(INTS);
        assertEquals(DType.INT32, g.dtype());
        assertArrayEquals(new int[3], g.toIntArray());
        Kiln.ValueAndGrad<Array> vg =
                Kiln.valueAndGrad(LOSS, DiffOption.ALLOW_INT).apply(BOOLS);
        assertEquals(4f, vg.value().floatItem());
        assertArrayEquals(new boolean[3], vg.grad().toBooleanArray());
        Array jac = Kiln.jacrev(SCALE, DiffOption.ALLOW_INT).apply(INTS);
        assertArrayEquals(new int[] {3, 3}, jac.shape());
        assertArrayEquals(new int[9], jac.toIntArray());
        Kiln.Jvp<Array> j = Kiln.jvp(SCALE, INTS, INTS, DiffOption.ALLOW_INT);
        assertArrayEquals(new float[] {2, 4, 6}, j.out().toFloatArray());
        assertArrayEquals(new float[3], j.tangent().toFloatArray());
        // a mixed tree: the float leaf still gets its gradient
        List<Array> mixed = Kiln.grad(
                        (List<Array> l) -> Np.sum(Np.multiply(l.get(0), Np.astype(l.get(1), DType.FLOAT32))),
                        DiffOption.ALLOW_INT)
                .apply(List.of(Np.array(new float[] {1, 1, 1}), INTS));
        assertArrayEquals(new float[] {1, 2, 3}, mixed.get(0).toFloatArray());
        assertArrayEquals(new int[3], mixed.get(1).toIntArray());
    }
}
