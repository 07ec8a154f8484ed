package dev.kiln;

import dev.kiln.ir.Params;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The values {@link BadCallFuzzTest} calls the public API with, chosen by parameter type: for each
 * type a pool whose first value is a plausible valid argument and whose others are the bad ones
 * (nulls, out-of-range axes and sizes, empty and mismatched arrays, NaN and infinities, objects of
 * the wrong type, and user functions that return null, the wrong structure, shape or dtype, throw,
 * or leak a traced value). Every value has a short description for the reproducer.
 */
final class BadCallArgs {
    /** One candidate argument and how to write it in a reproducer. */
    record Arg(Object value, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** The exception a user function throws on purpose; it must reach the caller unchanged. */
    static final class UserFailure extends RuntimeException {
        UserFailure() {
            super("thrown by the user's function", null, false, false);
        }
    }

    /** A record the user passes as a tree. */
    public record Pair(Array a, Array b) {}

    /** Exceptions thrown inside user functions by Kiln calls they make; they may propagate as they are. */
    static final Set<Throwable> THROWN_IN_CALLBACKS = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    static volatile Object leaked;

    private final Map<String, List<Arg>> cache = new java.util.HashMap<>();

    static Array f32(int... shape) {
        float[] data = new float[Shape.size(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = 0.25f * i - 1;
        }
        return Np.array(data, shape);
    }

    static Array i32(int... shape) {
        int[] data = new int[Shape.size(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = i - 2;
        }
        return Np.array(data, shape);
    }

    static List<Arg> arrays() {
        List<Arg> out = new ArrayList<>();
        out.add(new Arg(f32(2, 3), "f32(2,3)"));
        out.add(new Arg(null, "null"));
        out.add(new Arg(f32(3), "f32(3)"));
        out.add(new Arg(Np.scalar(1.5f), "f32 scalar"));
        out.add(new Arg(i32(2, 3), "i32(2,3)"));
        out.add(new Arg(Np.array(new boolean[] {true, false, true}), "bool(3)"));
        out.add(new Arg(Np.array(new double[] {1, 2, 3, 4, 5, 6}, 3, 2), "f64(3,2)"));
        out.add(new Arg(f32(0), "f32(0)"));
        out.add(new Arg(f32(0, 3), "f32(0,3)"));
        out.add(new Arg(Np.arrayUint32(new int[] {1, -1}), "u32(2)"));
        out.add(new Arg(Np.array(new long[] {1, 2, 3}), "i64(3)"));
        out.add(new Arg(Random.key(0), "key(0)"));
        out.add(new Arg(f32(1, 1, 2, 1, 1), "f32(1,1,2,1,1)"));
        out.add(new Arg(
                Np.array(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f}),
                "f32[nan,inf,-inf,-0]"));
        out.add(new Arg(Np.scalar(7), "i32 scalar 7"));
        out.add(new Arg(Np.scalar(-1), "i32 scalar -1"));
        return out;
    }

    static List<Arg> ints() {
        List<Arg> out = new ArrayList<>();
        for (int v : new int[] {0, 1, -1, 2, 3, -3, 7, 100, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            out.add(new Arg(v, String.valueOf(v)));
        }
        return out;
    }

    static List<Arg> intArrays() {
        List<Arg> out = new ArrayList<>();
        int[][] values = {
            {0},
            {},
            {1},
            {-1},
            {3},
            {2, 3},
            {3, 2},
            {-5},
            {0, 0},
            {1, 0},
            {0, 1, 2},
            {2, -1},
            {Integer.MAX_VALUE},
            {Integer.MIN_VALUE},
            {1 << 16, 1 << 16},
            {46341, 46341},
            {0, 1, 2, 3, 4, 5, 6, 7, 8},
            {1, 1, 1}
        };
        for (int[] v : values) {
            out.add(new Arg(v, "int[]" + Arrays.toString(v)));
        }
        out.add(2, new Arg(null, "null"));
        return out;
    }

    static List<Arg> objects(boolean withFunctions) {
        List<Arg> out = new ArrayList<>(arrays());
        out.add(new Arg(1, "1"));
        out.add(new Arg(2.5, "2.5"));
        out.add(new Arg(Double.NaN, "NaN"));
        out.add(new Arg(Long.MAX_VALUE, "Long.MAX_VALUE"));
        out.add(new Arg(true, "true"));
        out.add(new Arg(new java.math.BigDecimal("1.5"), "BigDecimal 1.5"));
        out.add(new Arg("abc", "\"abc\""));
        out.add(new Arg(new Object(), "new Object()"));
        out.add(new Arg(new float[][] {{1, 2}, {3, 4}}, "float[][]{{1,2},{3,4}}"));
        out.add(new Arg(new String[] {"a"}, "String[]{a}"));
        out.add(new Arg(List.of(f32(2, 3), f32(3)), "List.of(f32(2,3), f32(3))"));
        out.add(new Arg(Arrays.asList(f32(3), null), "List[f32(3), null]"));
        out.add(new Arg(Map.of("w", f32(2, 3), "b", f32(3)), "Map{w: f32(2,3), b: f32(3)}"));
        out.add(new Arg(Map.of(1, f32(3)), "Map{1: f32(3)}"));
        out.add(new Arg(new Pair(f32(2, 3), f32(2, 3)), "Pair(f32(2,3), f32(2,3))"));
        out.add(new Arg(new Pair(f32(2, 3), null), "Pair(f32(2,3), null)"));
        out.add(new Arg(new Array[] {f32(2), i32(2)}, "Array[]{f32(2), i32(2)}"));
        out.add(new Arg(new Object[] {f32(3), "s"}, "Object[]{f32(3), \"s\"}"));
        out.add(new Arg(DType.INT32, "DType.INT32"));
        if (withFunctions) {
            out.add(new Arg((Function<Object, Object>) x -> x, "a Function"));
        }
        return out;
    }

    /** The pool for one parameter, by its generic type. */
    List<Arg> forType(Type type) {
        String key = type.getTypeName();
        List<Arg> known = cache.get(key);
        if (known != null) {
            return known;
        }
        List<Arg> made = make(type);
        cache.put(key, made);
        return made;
    }

    private List<Arg> make(Type type) {
        Class<?> raw = raw(type);
        if (raw == int.class) {
            return ints();
        }
        if (raw == long.class) {
            List<Arg> out = new ArrayList<>();
            for (long v : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32}) {
                out.add(new Arg(v, v + "L"));
            }
            return out;
        }
        if (raw == double.class || raw == float.class) {
            List<Arg> out = new ArrayList<>();
            for (double v : new double[] {
                0.5, 0, 1, -1, 2, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -0.0
            }) {
                out.add(new Arg(raw == float.class ? (Object) (float) v : (Object) v, String.valueOf(v)));
            }
            return out;
        }
        if (raw == boolean.class) {
            return List.of(new Arg(true, "true"), new Arg(false, "false"));
        }
        if (raw == Integer.class) {
            List<Arg> out = new ArrayList<>();
            for (Integer v : new Integer[] {0, null, 1, -1, 2, 5, -9, Integer.MAX_VALUE}) {
                out.add(new Arg(v, String.valueOf(v)));
            }
            return out;
        }
        if (raw == Integer[].class) {
            return List.of(
                    new Arg(new Integer[] {0}, "Integer[]{0}"),
                    new Arg(null, "null"),
                    new Arg(new Integer[] {}, "Integer[]{}"),
                    new Arg(new Integer[] {null}, "Integer[]{null}"),
                    new Arg(new Integer[] {5}, "Integer[]{5}"),
                    new Arg(new Integer[] {-7}, "Integer[]{-7}"),
                    new Arg(new Integer[] {0, 0, 0}, "Integer[]{0,0,0}"));
        }
        if (raw == int[].class) {
            return intArrays();
        }
        if (raw == float[].class) {
            return List.of(
                    new Arg(new float[] {1, 2, 3, 4, 5, 6}, "float[6]"),
                    new Arg(null, "null"),
                    new Arg(new float[] {}, "float[0]"),
                    new Arg(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 1}, "float[]{NaN,inf,1}"));
        }
        if (raw == double[].class) {
            return List.of(
                    new Arg(new double[] {1, 2, 3, 4, 5, 6}, "double[6]"),
                    new Arg(null, "null"),
                    new Arg(new double[] {}, "double[0]"),
                    new Arg(new double[] {Double.NaN, Double.NEGATIVE_INFINITY}, "double[]{NaN,-inf}"));
        }
        if (raw == long[].class) {
            return List.of(
                    new Arg(new long[] {1, 2, 3}, "long[3]"),
                    new Arg(null, "null"),
                    new Arg(new long[] {}, "long[0]"),
                    new Arg(new long[] {Long.MAX_VALUE, Long.MIN_VALUE}, "long[]{MAX,MIN}"));
        }
        if (raw == boolean[].class) {
            return List.of(
                    new Arg(new boolean[] {true, false, true}, "boolean[3]"),
                    new Arg(null, "null"),
                    new Arg(new boolean[] {}, "boolean[0]"));
        }
        if (raw == Array.class) {
            return arrays();
        }
        if (raw == Array[].class) {
            return List.of(
                    new Arg(new Array[] {f32(2, 3), f32(2, 3)}, "Array[]{f32(2,3), f32(2,3)}"),
                    new Arg(null, "null"),
                    new Arg(new Array[] {}, "Array[]{}"),
                    new Arg(new Array[] {null}, "Array[]{null}"),
                    new Arg(new Array[] {f32(2, 3), null}, "Array[]{f32(2,3), null}"),
                    new Arg(new Array[] {f32(2, 3), f32(3, 2)}, "Array[]{f32(2,3), f32(3,2)}"),
                    new Arg(new Array[] {f32(2, 3), i32(2, 3)}, "Array[]{f32(2,3), i32(2,3)}"),
                    new Arg(new Array[] {Np.scalar(1f)}, "Array[]{f32 scalar}"),
                    new Arg(new Array[] {Np.scalar(1), Np.scalar(2)}, "Array[]{i32 scalar, i32 scalar}"),
                    new Arg(new Array[] {f32(0), f32(0)}, "Array[]{f32(0), f32(0)}"),
                    new Arg(new Array[] {f32(3), f32(3), f32(3), f32(3), f32(3)}, "Array[]{5 x f32(3)}"));
        }
        if (raw == Number.class) {
            return List.of(
                    new Arg(1, "1"),
                    new Arg(null, "null"),
                    new Arg(2.5, "2.5"),
                    new Arg(Double.NaN, "NaN"),
                    new Arg(Long.MIN_VALUE, "Long.MIN_VALUE"),
                    new Arg(new java.math.BigInteger("123456789012345678901234567890"), "BigInteger 1.2e29"));
        }
        if (raw == String.class) {
            List<Arg> out = new ArrayList<>();
            out.add(new Arg("ij,jk->ik", "\"ij,jk->ik\""));
            out.add(new Arg(null, "null"));
            for (String s : new String[] {
                "",
                "float32",
                "int8",
                "abc",
                "i->",
                "->",
                "ii",
                "...",
                "ij->ji",
                "1:2",
                "::-1, None",
                ":::",
                "5",
                "-9",
                "[",
                "reference",
                "*",
                "i,j->ij",
                "ij,jk->ikl",
                "0x",
                "..., ..."
            }) {
                out.add(new Arg(s, '"' + s + '"'));
            }
            return out;
        }
        if (raw == Object[].class) {
            return List.of(
                    new Arg(new Object[] {f32(2, 3), 1}, "Object[]{f32(2,3), 1}"),
                    new Arg(null, "null"),
                    new Arg(new Object[] {}, "Object[]{}"),
                    new Arg(new Object[] {null}, "Object[]{null}"),
                    new Arg(new Object[] {"s", new Object()}, "Object[]{\"s\", new Object()}"));
        }
        if (raw.isEnum()) {
            List<Arg> out = new ArrayList<>();
            Object[] constants = raw.getEnumConstants();
            // every constant of a small enum; a spread of a large one (the primitives)
            int step = Math.max(1, constants.length / 12);
            for (int i = 0; i < constants.length; i += step) {
                out.add(new Arg(constants[i], raw.getSimpleName() + "." + constants[i]));
            }
            out.add(1, new Arg(null, "null"));
            return out;
        }
        if (raw == Index.class || raw == Index[].class) {
            List<Arg> single = List.of(
                    new Arg(Index.at(0), "Index.at(0)"),
                    new Arg(Index.at(-1), "Index.at(-1)"),
                    new Arg(Index.at(9), "Index.at(9)"),
                    new Arg(Index.at(Integer.MIN_VALUE), "Index.at(MIN)"),
                    new Arg(Index.slice(null, null, -1), "Index.slice(:, :, -1)"),
                    new Arg(Index.slice(5, 1, 1), "Index.slice(5, 1, 1)"),
                    new Arg(Index.slice(Integer.MIN_VALUE, Integer.MAX_VALUE, 2), "Index.slice(MIN, MAX, 2)"),
                    new Arg(Index.newAxis(), "Index.newAxis()"),
                    new Arg(new Index.Ellipsis(), "Ellipsis"),
                    new Arg(Index.all(), "Index.all()"));
            if (raw == Index.class) {
                List<Arg> out = new ArrayList<>(single);
                out.add(1, new Arg(null, "null"));
                return out;
            }
            List<Arg> out = new ArrayList<>();
            out.add(new Arg(new Index[] {Index.at(0)}, "Index[]{at(0)}"));
            out.add(new Arg(null, "null"));
            out.add(new Arg(new Index[] {}, "Index[]{}"));
            out.add(new Arg(new Index[] {null}, "Index[]{null}"));
            out.add(new Arg(new Index[] {new Index.Ellipsis(), new Index.Ellipsis()}, "Index[]{..., ...}"));
            out.add(new Arg(new Index[] {Index.at(0), Index.at(0), Index.at(0), Index.at(0)}, "Index[]{at(0) x4}"));
            for (Arg a : single) {
                out.add(new Arg(new Index[] {(Index) a.value(), Index.all()}, "Index[]{" + a.text() + ", all()}"));
            }
            return out;
        }
        if (raw == Params.class) {
            return List.of(
                    new Arg(new Params.None(), "Params.None"),
                    new Arg(null, "null"),
                    new Arg(new Params.Reduce(0), "Reduce(0)"),
                    new Arg(new Params.Reduce(5), "Reduce(5)"),
                    new Arg(new Params.Reshape(-1, -1), "Reshape(-1,-1)"),
                    new Arg(new Params.Transpose(0, 0), "Transpose(0,0)"),
                    new Arg(new Params.Convert(DType.INT32), "Convert(INT32)"),
                    new Arg(new Params.Rev(9), "Rev(9)"));
        }
        if (raw == Tree.Def.class) {
            return List.of(
                    new Arg(Tree.flatten(List.of(f32(2), f32(3))).def(), "def of [*, *]"),
                    new Arg(null, "null"),
                    new Arg(Tree.flatten(f32(2)).def(), "def of *"),
                    new Arg(Tree.flatten(new Pair(f32(2), f32(2))).def(), "def of Pair(*, *)"));
        }
        if (raw == Class.class) {
            return List.of(
                    new Arg(Registered.class, "Registered.class"),
                    new Arg(null, "null"),
                    new Arg(Array.class, "Array.class"),
                    new Arg(List.class, "List.class"),
                    new Arg(int.class, "int.class"));
        }
        if (raw == dev.kiln.spi.Backend.class) {
            return List.of(new Arg(Kiln.defaultBackend(), "Kiln.defaultBackend()"), new Arg(null, "null"));
        }
        if (raw == List.class || raw == java.util.Collection.class) {
            Type element = type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            Class<?> elementRaw = raw(element);
            if (elementRaw == Array.class) {
                return List.of(
                        new Arg(List.of(f32(2), f32(3)), "List.of(f32(2), f32(3))"),
                        new Arg(null, "null"),
                        new Arg(List.of(), "List.of()"),
                        new Arg(Arrays.asList((Array) null), "List[null]"),
                        new Arg(List.of(f32(2)), "List.of(f32(2))"),
                        new Arg(List.of(f32(2), f32(3), f32(4)), "List.of(f32(2), f32(3), f32(4))"));
            }
            if (isFunctional(elementRaw)) {
                List<Arg> fns = functions(element);
                return List.of(
                        new Arg(List.of(fns.get(0).value(), fns.get(0).value()), "List.of(" + fns.get(0) + " x2)"),
                        new Arg(null, "null"),
                        new Arg(List.of(), "List.of()"),
                        new Arg(Arrays.asList(fns.get(0).value(), null), "List[" + fns.get(0) + ", null]"),
                        new Arg(
                                List.of(fns.get(0).value(), fns.get(3).value()),
                                "List.of(" + fns.get(0) + ", " + fns.get(3) + ")"),
                        new Arg(
                                List.of(fns.get(0).value(), fns.get(5).value()),
                                "List.of(" + fns.get(0) + ", " + fns.get(5) + ")"),
                        new Arg(List.of(fns.get(0).value()), "List.of(" + fns.get(0) + ")"));
            }
            return List.of(
                    new Arg(List.of(f32(2), f32(3)), "List.of(f32(2), f32(3))"),
                    new Arg(null, "null"),
                    new Arg(List.of(), "List.of()"),
                    new Arg(Arrays.asList((Object) null), "List[null]"),
                    new Arg(List.of("a", 1), "List.of(\"a\", 1)"));
        }
        if (isFunctional(raw)) {
            return functions(type);
        }
        if (raw == Object.class || type instanceof TypeVariable<?>) {
            return objects(false);
        }
        if (raw == Linalg.LuFactor.class) {
            return List.of(
                    new Arg(Linalg.luFactor(Np.add(Np.eye(3), f32(3, 3))), "luFactor(eye(3) + f32(3,3))"),
                    new Arg(null, "null"),
                    new Arg(new Linalg.LuFactor(f32(2, 3), i32(2)), "LuFactor(f32(2,3), i32(2))"),
                    new Arg(new Linalg.LuFactor(f32(3, 3), f32(3)), "LuFactor(f32(3,3), f32(3))"),
                    new Arg(new Linalg.LuFactor(f32(3, 3), i32(2)), "LuFactor(f32(3,3), i32(2))"),
                    new Arg(new Linalg.LuFactor(f32(3, 3), Np.scalar(0)), "LuFactor(f32(3,3), i32 scalar)"),
                    new Arg(new Linalg.LuFactor(f32(3), i32(3)), "LuFactor(f32(3), i32(3))"),
                    new Arg(new Linalg.LuFactor(f32(0, 0), i32(0)), "LuFactor(f32(0,0), i32(0))"));
        }
        if (raw == Linalg.ChoFactor.class) {
            return List.of(
                    new Arg(Linalg.choFactor(Np.add(Np.eye(3), Np.eye(3))), "choFactor(2 eye(3))"),
                    new Arg(null, "null"),
                    new Arg(new Linalg.ChoFactor(f32(2, 3), true), "ChoFactor(f32(2,3), true)"),
                    new Arg(new Linalg.ChoFactor(f32(3), false), "ChoFactor(f32(3), false)"),
                    new Arg(new Linalg.ChoFactor(i32(0, 0), true), "ChoFactor(i32(0,0), true)"));
        }
        // a type the harness does not know: only null and, for a record, nothing else to try
        return List.of(new Arg(null, "null"));
    }

    static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof java.lang.reflect.GenericArrayType g) {
            return java.lang.reflect.Array.newInstance(raw(g.getGenericComponentType()), 0)
                    .getClass();
        }
        return Object.class;
    }

    static boolean isFunctional(Class<?> c) {
        return c.isInterface() && abstractMethod(c) != null;
    }

    private static Method abstractMethod(Class<?> c) {
        Method found = null;
        for (Method m : c.getMethods()) {
            if (Modifier.isAbstract(m.getModifiers()) && !isObjectMethod(m)) {
                if (found != null) {
                    return null;
                }
                found = m;
            }
        }
        return found;
    }

    private static boolean isObjectMethod(Method m) {
        try {
            Object.class.getMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** What a generated user function does with its arguments. */
    enum Behaviour {
        FIRST,
        LAST,
        SIN,
        SUM,
        STEP,
        JVP,
        FORWARD,
        WITH_AUX,
        FALSE,
        NULL,
        STRING,
        WRONG_SHAPE,
        WRONG_DTYPE,
        THROWS,
        LEAK,
        USE_LEAKED,
        LIST,
        NAN,
        STEP_NULL,
        STEP_WRONG_SHAPE,
        JVP_NULL,
        WITH_AUX_NULL
    }

    /** User functions of a functional interface type, one per behaviour, the plausible ones first. */
    List<Arg> functions(Type type) {
        Class<?> raw = raw(type);
        Method sam = abstractMethod(raw);
        Class<?> ret = sam.getReturnType();
        List<Behaviour> order = new ArrayList<>(Arrays.asList(Behaviour.values()));
        // put the behaviour that fits a known return type first, so the plausible call comes first
        Behaviour fits = ret == Kiln.Jvp.class
                ? Behaviour.JVP
                : ret == Lax.Step.class
                        ? Behaviour.STEP
                        : sam.getParameterCount() == 2 ? Behaviour.LAST : Behaviour.SIN;
        order.remove(fits);
        order.addFirst(fits);
        List<Arg> out = new ArrayList<>();
        for (Behaviour b : order) {
            out.add(new Arg(
                    proxy(raw, b), raw.getSimpleName() + "<" + b.name().toLowerCase(java.util.Locale.ROOT) + ">"));
        }
        out.add(1, new Arg(null, "null"));
        return out;
    }

    private static Object proxy(Class<?> iface, Behaviour b) {
        return Proxy.newProxyInstance(BadCallArgs.class.getClassLoader(), new Class<?>[] {iface}, (self, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "toString" -> iface.getSimpleName() + "<" + b + ">";
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> null;
                };
            }
            if (m.isDefault()) {
                return java.lang.reflect.InvocationHandler.invokeDefault(self, m, args);
            }
            if (Thread.currentThread().isInterrupted()) {
                // the harness gave up on this call (a loop of 2^31 steps): stop it here
                throw new UserFailure();
            }
            Object[] a = args == null ? new Object[0] : args;
            try {
                return behave(b, a);
            } catch (UserFailure e) {
                throw e;
            } catch (RuntimeException e) {
                THROWN_IN_CALLBACKS.add(e);
                throw e;
            }
        });
    }

    private static Array firstLeaf(Object[] a) {
        for (Object o : a) {
            List<Array> leaves = leavesOrEmpty(o);
            if (!leaves.isEmpty()) {
                return leaves.getFirst();
            }
        }
        return null;
    }

    private static List<Array> leavesOrEmpty(Object o) {
        if (o instanceof Array x) {
            return List.of(x);
        }
        if (o instanceof Record || o instanceof List<?> || o instanceof Map<?, ?> || o instanceof Object[]) {
            try {
                return Tree.leaves(o);
            } catch (RuntimeException e) {
                return List.of();
            }
        }
        return List.of();
    }

    private static Object behave(Behaviour b, Object[] a) {
        Object first = a.length == 0 ? null : a[0];
        Object last = a.length == 0 ? null : a[a.length - 1];
        Array leaf = firstLeaf(a);
        return switch (b) {
            case FIRST -> first;
            case LAST -> last;
            case SIN -> leaf == null ? first : Np.sin(leaf.dtype().isFloating() ? leaf : leaf.astype(DType.FLOAT32));
            case SUM ->
                leaf == null ? Np.scalar(0f) : Np.sum(leaf.dtype().isFloating() ? leaf : leaf.astype(DType.FLOAT32));
            case STEP -> Lax.Step.of(last, first);
            case JVP -> new Kiln.Jvp<>(first, last);
            case FORWARD -> new CustomDerivatives.Forward<>(first, first);
            case WITH_AUX -> new Kiln.WithAux<>(leaf == null ? Np.scalar(0f) : Np.sum(leaf), first);
            case FALSE -> Np.scalar(false);
            case NULL -> null;
            case STRING -> "not an array";
            case WRONG_SHAPE -> Np.ones(7);
            case WRONG_DTYPE -> leaf == null ? Np.scalar(3) : Np.zeros(DType.INT32, leaf.shape());
            case THROWS -> throw new UserFailure();
            case LEAK -> {
                leaked = leaf;
                yield first;
            }
            case USE_LEAKED -> leaked instanceof Array l ? l : first;
            case LIST -> Arrays.asList(first, first);
            case NAN -> leaf == null ? Np.scalar(Float.NaN) : Np.fullLike(leaf, Double.NaN);
            case STEP_NULL -> Lax.Step.of(null, null);
            case STEP_WRONG_SHAPE -> Lax.Step.of(Np.ones(7), first);
            case JVP_NULL -> new Kiln.Jvp<>(null, null);
            case WITH_AUX_NULL -> new Kiln.WithAux<>(null, null);
        };
    }

    /** A class only the harness uses, for {@code Tree.register}. */
    public static final class Registered {}
}
