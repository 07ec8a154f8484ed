package dev.kiln;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Pytrees: nested structures whose leaves are {@link Array}s. Every transformation takes and
 * returns trees, so {@code grad} of a loss over {@code record Params(Array w, Array b)} returns a
 * {@code Params} of gradients.
 *
 * <p>Trees are built from {@code Array} (a leaf), Java records (by their components), {@link List},
 * {@code Map<String, ?>} (keys in sorted order, as JAX sorts dict keys), {@code Array[]}, {@code
 * Object[]}, and types registered with {@link #register}. Anything else ({@code null}, numbers,
 * strings, enums) is static: it is part of the structure, not a leaf, and is compared with {@code
 * equals} when a {@code jit} cache looks up a structure.
 */
public final class Tree {
    private Tree() {}

    /** How a user type splits into children and is rebuilt from them. */
    public record Node<T>(Function<T, List<Object>> children, Function<List<Object>, T> rebuild) {}

    private static final Map<Class<?>, Node<?>> REGISTERED = new ConcurrentHashMap<>();

    /** Makes instances of {@code type} trees with the given children and rebuild functions. */
    public static <T> void register(
            Class<T> type, Function<T, List<Object>> children, Function<List<Object>, T> rebuild) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(children, "children");
        Objects.requireNonNull(rebuild, "rebuild");
        REGISTERED.put(type, new Node<>(children, rebuild));
    }

    /** The structure of a tree with its leaves taken out; compares by value. */
    public sealed interface Def {
        /** The number of leaves. */
        int leafCount();
    }

    record LeafDef() implements Def {
        @Override
        public int leafCount() {
            return 1;
        }

        @Override
        public String toString() {
            return "*";
        }
    }

    record StaticDef(Object value) implements Def {
        @Override
        public int leafCount() {
            return 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StaticDef s && Objects.deepEquals(s.value, value);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(new Object[] {value});
        }

        @Override
        public String toString() {
            return String.valueOf(value);
        }
    }

    /** Records, lists, maps, arrays and registered types: a kind, a key (class or map keys) and children. */
    record NodeDef(Kind kind, Object key, List<Def> children, int leafCount) implements Def {
        @Override
        public String toString() {
            String inner = children.stream()
                    .map(Object::toString)
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("");
            return switch (kind) {
                case RECORD, CUSTOM -> ((Class<?>) key).getSimpleName() + "(" + inner + ")";
                case LIST -> "[" + inner + "]";
                case MAP -> "{" + key + ": " + inner + "}";
                case ARRAY_OF_ARRAYS, OBJECTS -> "Array[" + inner + "]";
            };
        }
    }

    enum Kind {
        RECORD,
        LIST,
        MAP,
        ARRAY_OF_ARRAYS,
        OBJECTS,
        CUSTOM
    }

    static final Def LEAF = new LeafDef();

    /** A tree's leaves in order and its structure. */
    public record Flat(List<Array> leaves, Def def) {}

    /** Takes a tree apart into its leaves (depth first, in component/key order) and its structure. */
    public static Flat flatten(Object tree) {
        List<Array> leaves = new ArrayList<>();
        Def def = flatten(tree, leaves, Collections.newSetFromMap(new IdentityHashMap<>()));
        return new Flat(leaves, def);
    }

    /**
     * {@code path} holds the containers between the root and {@code t} (by identity), so that a tree
     * that contains itself is reported instead of recursing until the stack overflows.
     */
    private static Def flatten(Object t, List<Array> leaves, Set<Object> path) {
        if (t instanceof Array a) {
            leaves.add(a);
            return LEAF;
        }
        if (t == null) {
            return new StaticDef(null);
        }
        if (!path.add(t)) {
            throw new KilnException(
                    "Tree.flatten: the tree contains itself: a " + t.getClass().getSimpleName()
                            + " is among its own descendants, so it has no finite list of leaves; pass a tree without"
                            + " cycles (copy the shared container, or hold the back reference outside the tree)");
        }
        try {
            return flattenContainer(t, leaves, path);
        } finally {
            path.remove(t);
        }
    }

    private static Def flattenContainer(Object t, List<Array> leaves, Set<Object> path) {
        Node<?> custom = REGISTERED.get(t.getClass());
        if (custom != null) {
            return node(Kind.CUSTOM, t.getClass(), childrenOf(custom, t), leaves, path);
        }
        if (t instanceof Record r) {
            return node(Kind.RECORD, r.getClass(), recordComponents(r), leaves, path);
        }
        if (t instanceof List<?> l) {
            return node(Kind.LIST, null, new ArrayList<>(l), leaves, path);
        }
        if (t instanceof Map<?, ?> m) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new TreeException("tree maps need String keys, got " + e.getKey());
                }
                sorted.put(k, e.getValue());
            }
            return node(Kind.MAP, List.copyOf(sorted.keySet()), new ArrayList<>(sorted.values()), leaves, path);
        }
        if (t instanceof Array[] arr) {
            return node(Kind.ARRAY_OF_ARRAYS, null, new ArrayList<>(Arrays.asList(arr)), leaves, path);
        }
        if (t instanceof Object[] arr) {
            return node(Kind.OBJECTS, null, new ArrayList<>(Arrays.asList(arr)), leaves, path);
        }
        return new StaticDef(t);
    }

    @SuppressWarnings("unchecked")
    private static <T> List<Object> childrenOf(Node<T> node, Object t) {
        return node.children().apply((T) t);
    }

    private static Def node(Kind kind, Object key, List<Object> children, List<Array> leaves, Set<Object> path) {
        List<Def> defs = new ArrayList<>(children.size());
        int count = 0;
        for (Object c : children) {
            Def d = flatten(c, leaves, path);
            defs.add(d);
            count += d.leafCount();
        }
        return new NodeDef(kind, key, List.copyOf(defs), count);
    }

    /**
     * Per record class, its component accessors made accessible, found once: looking them up
     * ({@code getRecordComponents}, {@code getAccessor}, {@code setAccessible}) on every flatten took
     * about 20 µs of each call of a {@code pmap} step over two small records. A class whose accessors
     * cannot be opened is not kept, so each use reports it again.
     */
    private static final ClassValue<Method[]> ACCESSORS = new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            RecordComponent[] comps = type.getRecordComponents();
            Method[] out = new Method[comps.length];
            for (int i = 0; i < comps.length; i++) {
                try {
                    Method m = comps[i].getAccessor();
                    m.setAccessible(true);
                    out[i] = m;
                } catch (RuntimeException e) {
                    throw new TreeException(
                            "cannot read component " + comps[i].getName() + " of record " + type.getName() + " (" + e
                                    + "); " + recordAccessHint(type),
                            e);
                }
            }
            return out;
        }
    };

    /** Per record class, its canonical constructor made accessible, found once (as {@link #ACCESSORS}). */
    private static final ClassValue<Constructor<?>> CONSTRUCTORS = new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
            RecordComponent[] comps = type.getRecordComponents();
            Class<?>[] types = new Class<?>[comps.length];
            for (int i = 0; i < comps.length; i++) {
                types[i] = comps[i].getType();
            }
            try {
                Constructor<?> c = type.getDeclaredConstructor(types);
                c.setAccessible(true);
                return c;
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new TreeException(
                        "cannot rebuild record " + type.getName() + " (" + e + "); " + recordAccessHint(type), e);
            }
        }
    };

    private static List<Object> recordComponents(Record r) {
        Method[] accessors = ACCESSORS.get(r.getClass());
        List<Object> out = new ArrayList<>(accessors.length);
        for (Method m : accessors) {
            try {
                out.add(m.invoke(r));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new TreeException(
                        "cannot read component " + m.getName() + " of record "
                                + r.getClass().getName() + " (" + e + "); " + recordAccessHint(r.getClass()),
                        e);
            }
        }
        return out;
    }

    /**
     * How to let Kiln read and rebuild a record (it does so reflectively): in a named module, open
     * the record's package to {@code dev.kiln} (a public record is not enough there); on the class
     * path, make the record public.
     */
    static String recordAccessHint(Class<?> type) {
        String pkg = type.getPackageName();
        String opens = "opens " + (pkg.isEmpty() ? "<package>" : pkg) + " to dev.kiln;";
        Module m = type.getModule();
        if (m.isNamed()) {
            return "add '" + opens + "' to the module-info.java of module " + m.getName()
                    + " (Kiln reads and rebuilds records reflectively; making the record public is not enough)";
        }
        return "make the record public (and its enclosing classes); if it is in a named module, add '" + opens
                + "' to that module's module-info.java instead";
    }

    /** Rebuilds a tree of structure {@code def} from leaves in flatten order. */
    @SuppressWarnings("unchecked")
    public static <T> T unflatten(Def def, List<Array> leaves) {
        Objects.requireNonNull(def, "def");
        Objects.requireNonNull(leaves, "leaves");
        if (leaves.size() != def.leafCount()) {
            throw new TreeException("unflatten: structure " + def + " has " + def.leafCount() + " leaves, got "
                    + leaves.size() + "; pass one array per leaf of the structure");
        }
        int[] cursor = {0};
        return (T) build(def, leaves, cursor);
    }

    private static Object build(Def def, List<Array> leaves, int[] cursor) {
        return switch (def) {
            case LeafDef l -> leaves.get(cursor[0]++);
            case StaticDef s -> s.value();
            case NodeDef n -> {
                List<Object> children = new ArrayList<>(n.children().size());
                for (Def c : n.children()) {
                    children.add(build(c, leaves, cursor));
                }
                yield rebuild(n, children);
            }
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object rebuild(NodeDef n, List<Object> children) {
        switch (n.kind()) {
            case LIST:
                return children;
            case MAP: {
                Map<String, Object> m = new LinkedHashMap<>();
                List<String> keys = (List<String>) n.key();
                for (int i = 0; i < keys.size(); i++) {
                    m.put(keys.get(i), children.get(i));
                }
                return m;
            }
            case ARRAY_OF_ARRAYS:
                return children.toArray(Array[]::new);
            case OBJECTS:
                return children.toArray();
            case CUSTOM:
                return ((Node) REGISTERED.get((Class<?>) n.key())).rebuild().apply(children);
            case RECORD:
            default: {
                Class<?> type = (Class<?>) n.key();
                Constructor<?> c = CONSTRUCTORS.get(type);
                try {
                    return c.newInstance(children.toArray());
                } catch (InvocationTargetException e) {
                    throw new TreeException(
                            "the constructor of record " + type.getName() + " rejected its components: " + e.getCause(),
                            e.getCause());
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new TreeException(
                            "cannot rebuild record " + type.getName() + " (" + e + "); " + recordAccessHint(type), e);
                }
            }
        }
    }

    /** {@code jax.tree_util.tree_structure}: a tree's structure without its leaves. */
    public static Def structure(Object tree) {
        return flatten(tree).def();
    }

    /**
     * {@code jax.tree_util.tree_reduce}: the leaves folded left to right with {@code f}, starting
     * from {@code initial}.
     */
    public static Array reduce(java.util.function.BinaryOperator<Array> f, Object tree, Array initial) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(initial, "initial");
        // a raw-typed caller may pass a function that returns something else: check, do not cast blindly
        java.util.function.BinaryOperator<?> g = f;
        Array acc = initial;
        for (Array leaf : leaves(tree)) {
            Object next = ((java.util.function.BiFunction<Array, Array, ?>) (java.util.function.BiFunction<?, ?, ?>) g)
                    .apply(acc, leaf);
            if (!(next instanceof Array a)) {
                throw new TreeException("Tree.reduce: f must return an Array, got " + Transforms.describe(next)
                        + "; return the accumulated array");
            }
            acc = a;
        }
        return acc;
    }

    /** The leaves of a tree, in order. */
    public static List<Array> leaves(Object tree) {
        return flatten(tree).leaves();
    }

    /** The same structure with {@code f} applied to every leaf. */
    public static <T> T map(Function<Array, Array> f, T tree) {
        Objects.requireNonNull(f, "f");
        Flat flat = flatten(tree);
        Function<Array, ?> g = f;
        List<Array> out = new ArrayList<>(flat.leaves().size());
        for (Array leaf : flat.leaves()) {
            out.add(mappedLeaf(g.apply(leaf)));
        }
        return unflatten(flat.def(), out);
    }

    private static Array mappedLeaf(Object result) {
        if (!(result instanceof Array a)) {
            throw new TreeException("map: the function must return an Array for each leaf, got "
                    + Transforms.describe(result) + "; return an array (Tree.map keeps the tree's structure)");
        }
        return a;
    }

    /** Combines two trees of one structure leaf by leaf. */
    public static <T> T map(BiFunction<Array, Array, Array> f, T a, T b) {
        Objects.requireNonNull(f, "f");
        BiFunction<Array, Array, ?> g = f;
        Flat fa = flatten(a);
        Flat fb = flatten(b);
        if (!fa.def().equals(fb.def())) {
            throw new TreeException("Tree.map: the trees differ in structure: " + fa.def() + " vs " + fb.def()
                    + "; pass two trees of one structure");
        }
        List<Array> out = new ArrayList<>(fa.leaves().size());
        for (int i = 0; i < fa.leaves().size(); i++) {
            out.add(mappedLeaf(g.apply(fa.leaves().get(i), fb.leaves().get(i))));
        }
        return unflatten(fa.def(), out);
    }
}
