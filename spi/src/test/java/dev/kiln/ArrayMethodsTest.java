package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chainable instance methods of {@link Array} compute exactly what their {@link Np} functions do. */
class ArrayMethodsTest {
    private static Object invoke(Method m, Object target, Object... args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    private static void same(String what, Array expected, Array actual) {
        assertEquals(expected.spec(), actual.spec(), what);
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 0.0, what);
    }

    @Test
    void noArgumentAndOneOperandMethodsMatchNp() {
        Kiln.withBackend("reference", () -> {
            Array x = Np.array(new float[] {0.25f, -0.5f, 0.75f, 0.5f, -0.125f, 0.375f}, 2, 3);
            Array y = Np.array(new float[] {0.5f, 0.25f, -0.75f});
            Array ints = Np.array(new int[] {3, -4, 5, 6, 7, -8}, 2, 3);
            List<String> checked = new ArrayList<>();
            for (Method m : Array.class.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || m.getReturnType() != Array.class) {
                    continue;
                }
                Class<?>[] p = m.getParameterTypes();
                if (p.length == 0 && m.getName().equals("blockUntilReady")) {
                    // not an array function: waits for the array's computation (JAX's block_until_ready)
                    assertSame(x, x.blockUntilReady());
                    continue;
                }
                try {
                    if (p.length == 0) {
                        Method np =
                                Np.class.getMethod(m.getName().equals("T") ? "transpose" : m.getName(), Array.class);
                        Array in = m.getName().startsWith("bitwise") ? ints : x;
                        same(m.getName(), (Array) invoke(np, null, in), (Array) invoke(m, in));
                        checked.add(m.getName());
                    } else if (p.length == 1 && p[0] == Object.class) {
                        Method np = Np.class.getMethod(m.getName(), Object.class, Object.class);
                        boolean integral =
                                m.getName().startsWith("bitwise") || m.getName().endsWith("Shift");
                        Array a = integral ? ints : x;
                        Object b = integral ? 2 : y;
                        same(m.getName(), (Array) invoke(np, null, a, b), (Array) invoke(m, a, b));
                        checked.add(m.getName());
                    } else if (p.length == 1 && p[0] == int.class) {
                        Method np = Np.class.getMethod(m.getName(), Array.class, int.class);
                        same(m.getName(), (Array) invoke(np, null, x, 1), (Array) invoke(m, x, 1));
                        checked.add(m.getName() + "(int)");
                    } else if (p.length == 2
                            && p[0] == int[].class
                            && p[1] == boolean.class
                            && !m.getName().startsWith("arg")) {
                        Method np = Np.class.getMethod(m.getName(), Array.class, int[].class, boolean.class);
                        int[] axes = {0};
                        same(m.getName(), (Array) invoke(np, null, x, axes, true), (Array) invoke(m, x, axes, true));
                        checked.add(m.getName() + "(int[], boolean)");
                    }
                } catch (Exception e) {
                    throw new AssertionError(m + " failed: " + e, e);
                }
            }
            assertTrue(checked.size() > 90, "only checked " + checked);
            return null;
        });
    }

    @Test
    void remainingMethodsDelegate() {
        Kiln.withBackend("reference", () -> {
            Array x = Np.arange(24).astype(DType.FLOAT32).reshape(2, 3, 4);
            same("reshape", Np.reshape(x, 4, -1), x.reshape(4, -1));
            same("transpose", Np.transpose(x, 2, 0, 1), x.transpose(2, 0, 1));
            same("T", Np.transpose(x), x.T());
            same("swapaxes", Np.swapaxes(x, 0, 2), x.swapaxes(0, 2));
            same("moveaxis", Np.moveaxis(x, 0, 2), x.moveaxis(0, 2));
            same("squeeze", Np.squeeze(x.get("None"), 0), x.get("None").squeeze(0));
            same("flip", Np.flip(x, 1), x.flip(1));
            same("broadcastTo", Np.broadcastTo(x, 5, 2, 3, 4), x.broadcastTo(5, 2, 3, 4));
            same("matmul", Np.matmul(x, x.get("0").T()), x.matmul(x.get("0").T()));
            same("dot", Np.dot(x, x.get("0").T()), x.dot(x.get("0").T()));
            same("astype", Np.astype(x, DType.INT32), x.astype(DType.INT32));
            same("get", Np.index(x, Index.at(1), Index.slice(null, null, -1)), x.get("1, ::-1"));
            same("take", Np.take(x, Np.array(new int[] {2, 0}), 2), x.take(Np.array(new int[] {2, 0}), 2));
            same("take flat", Np.take(x, Np.array(new int[] {7})), x.take(Np.array(new int[] {7})));
            same("clip", Np.clip(x, 3, 20.5), x.clip(3, 20.5));
            same("round", Np.round(x.divide(7), 2), x.divide(7).round(2));
            same("var ddof", Np.var(x, new int[] {1}, false, 1), x.var(new int[] {1}, false, 1));
            same("std ddof", Np.std(x, new int[] {1, 2}, true, 1), x.std(new int[] {1, 2}, true, 1));
            same("argmax keep", Np.argmax(x, 1, true), x.argmax(1, true));
            same("argmin axes", Np.argmin(x, 2, false), x.argmin(new int[] {2}, false));
            same("cumsum", Np.cumsum(x, 1), x.cumsum(1));
            assertThrows(AxisException.class, () -> x.argmax(new int[] {0, 1}, false));
            return null;
        });
    }
}
