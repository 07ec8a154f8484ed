package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.ir.Primitive;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The bad calls issue 10 lists, one by one: each gives its Kiln exception (or, for a null argument,
 * a NullPointerException naming the parameter), and the message starts with the public function
 * the user called. {@link BadCallFuzzTest} covers the rest of the API.
 */
class ApiErrorsTest {
    private static Array f32(int... shape) {
        return Np.zeros(shape);
    }

    /** Asserts {@code body} throws {@code type} whose message starts with {@code function + ": "}. */
    private static <T extends Throwable> T fails(Class<T> type, String function, Executable body) {
        T e = assertThrows(type, body);
        assertTrue(
                String.valueOf(e.getMessage()).startsWith(function + ": "),
                () -> "message should start with '" + function + ": ' but is: " + e.getMessage());
        return e;
    }

    @Test
    void messagesNameTheFunctionTheUserCalled() {
        fails(ShapeException.class, "zeros", () -> Np.zeros(2, -1));
        fails(ShapeException.class, "ones", () -> Np.ones(DType.INT32, -3));
        fails(ShapeException.class, "clip", () -> Np.clip(f32(3), f32(2), 1.0));
        fails(DTypeException.class, "add", () -> Np.add(f32(2), "3"));
        fails(DTypeException.class, "multiply", () -> f32(2).multiply("x"));
        // inside a user function the function misused is the one named
        fails(
                ShapeException.class,
                "add",
                () -> Lax.scan((Array c, Array x) -> Lax.Step.of(Np.add(c, f32(5)), x), f32(3), f32(4, 3)));
    }

    @Test
    void linearizeNamesItselfNotAPrimitive() {
        Kiln.Linearized<Array, Array> lin = Kiln.linearize(Np::sin, f32(3));
        fails(ShapeException.class, "linearize", () -> lin.linear().apply(f32(4)));
        fails(DTypeException.class, "linearize", () -> lin.linear().apply(Np.zeros(DType.FLOAT64, 3)));
        fails(TreeException.class, "linearize", () -> applyRaw(lin.linear(), List.of(f32(3), f32(3))));
    }

    @Test
    void laxChecksAxesRanksAndOperands() {
        fails(AxisException.class, "sliceInDim", () -> Lax.sliceInDim(f32(2, 3), 2, 0, 1));
        fails(AxisException.class, "sliceInDim", () -> Lax.sliceInDim(f32(2, 3), -3, 0, 1));
        fails(ShapeException.class, "slice", () -> Lax.slice(f32(2, 3), new int[] {0}, new int[] {1}));
        fails(ShapeException.class, "concatenate", () -> Lax.concatenate(new Array[0], 0));
        fails(KilnException.class, "reduce", () -> Lax.reduce(Primitive.NEG, f32(3), 0));
    }

    @Test
    void userFunctionsThatReturnTheWrongThing() {
        fails(TreeException.class, "scan", () -> Lax.scan((Array c, Array x) -> null, f32(3), f32(4, 3)));
        // an Array where a Lax.Step belongs (the body's result type was cast away)
        fails(TreeException.class, "scan", () -> Lax.scan(uncheckedCast(returnsItsCarry()), f32(3), f32(4, 3)));
        fails(
                ShapeException.class,
                "forLoop",
                () -> Lax.forLoop(0, 3, (Array i, Object c) -> List.of(c, c), (Object) f32(3)));
        fails(TreeException.class, "hessian", () -> Kiln.hessian(x -> null).apply(f32(3)));
        fails(TreeException.class, "jacrev", () -> Kiln.jacrev(x -> null).apply(f32(3)));
        fails(TreeException.class, "valueAndGradWithAux", () -> Kiln.valueAndGradWithAux((Array x) -> null)
                .apply(f32(3)));
        Function<Array, Array> notAnArray = uncheckedCast((Function<Object, Object>) x -> "not an array");
        fails(ShapeException.class, "grad", () -> Kiln.grad(notAnArray).apply(f32(3)));
        fails(TreeException.class, "map", () -> Tree.map(x -> null, List.of(f32(2))));
    }

    @Test
    void transformationArguments() {
        assertInstanceOf(IllegalArgumentException.class, new KilnException("kept for callers that catch it"));
        fails(IndexException.class, "grad", () -> Kiln.grad((Array a, Array b) -> Np.sum(a), 2));
        fails(IndexException.class, "grad", () -> Kiln.grad((Array a, Array b) -> Np.sum(a), new int[0]));
        fails(TreeException.class, "vmap", () -> Kiln.vmap((Array a) -> a, new Integer[] {0, 0}, 0)
                .apply(f32(2)));
        fails(TreeException.class, "vmap", () -> Kiln.vmap((Array a) -> a, (Integer) null, 0)
                .apply(f32(2)));
        fails(TreeException.class, "jvp", () -> Kiln.jvp((Object o) -> o, (Object) f32(3), (Object) List.of(f32(3))));
        Kiln.Vjp<Array, Array> v = Kiln.vjp(Np::sin, f32(3));
        fails(TreeException.class, "vjp", () -> applyRaw(v.pullback(), List.of(f32(3))));
        fails(ShapeException.class, "linspace", () -> Np.linspace(0, 1, -1));
        fails(ShapeException.class, "arange", () -> Np.arange(0, 5, 0));
        fails(ShapeException.class, "arange", () -> Np.arange(0.0, 5.0, 0.0));
    }

    @Test
    void nullArgumentsNameTheParameter() {
        assertEquals(
                "dtype",
                assertThrows(NullPointerException.class, () -> f32(2).astype(null))
                        .getMessage());
        assertEquals(
                "x",
                assertThrows(NullPointerException.class, () -> Np.sin(null)).getMessage());
        assertEquals(
                "f",
                assertThrows(NullPointerException.class, () -> Kiln.grad((Function<Array, Array>) null))
                        .getMessage());
        assertEquals(
                "xs[1] is null",
                assertThrows(NullPointerException.class, () -> Lax.concatenate(new Array[] {f32(2), null}, 0))
                        .getMessage());
    }

    @Test
    void theUsersOwnExceptionPassesThrough() {
        IllegalStateException mine = new IllegalStateException("mine");
        Throwable got = assertThrows(IllegalStateException.class, () -> Kiln.grad((Array x) -> {
                    throw mine;
                })
                .apply(f32(3)));
        assertSame(mine, got);
    }

    /** Calls {@code f} with an argument of another type than it declares, as raw-typed user code can. */
    @SuppressWarnings("unchecked")
    private static Object applyRaw(Function<?, ?> f, Object arg) {
        return ((Function<Object, Object>) f).apply(arg);
    }

    private static java.util.function.BiFunction<Object, Object, Object> returnsItsCarry() {
        return (c, x) -> c;
    }

    @SuppressWarnings("unchecked")
    private static <T> T uncheckedCast(Object o) {
        return (T) o;
    }
}
