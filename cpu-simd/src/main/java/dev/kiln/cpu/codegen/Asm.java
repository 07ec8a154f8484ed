package dev.kiln.cpu.codegen;

import java.lang.classfile.CodeBuilder;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls and field reads emitted by naming the Java member: the descriptor is taken from the real
 * method or field by reflection, so a typo or a wrong overload fails at generation time with a
 * clear message instead of producing a class that does not verify.
 */
final class Asm {
    private Asm() {}

    private record Key(Class<?> owner, String name, Class<?>[] params) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.owner == owner && k.name.equals(name) && Arrays.equals(k.params, params);
        }

        @Override
        public int hashCode() {
            return owner.hashCode() * 31 + name.hashCode() * 17 + Arrays.hashCode(params);
        }
    }

    private record Resolved(boolean isStatic, MethodTypeDesc type) {}

    private static final Map<Key, Resolved> METHODS = new ConcurrentHashMap<>();
    private static final Map<String, ClassDesc> FIELDS = new ConcurrentHashMap<>();

    static ClassDesc desc(Class<?> c) {
        return c.describeConstable().orElseThrow();
    }

    /** Invokes {@code owner.name(params)}: static, virtual or interface, as the method is. */
    static void call(CodeBuilder cb, Class<?> owner, String name, Class<?>... params) {
        Resolved r = METHODS.computeIfAbsent(new Key(owner, name, params), Asm::resolve);
        if (r.isStatic) {
            cb.invokestatic(desc(owner), name, r.type, owner.isInterface());
        } else if (owner.isInterface()) {
            cb.invokeinterface(desc(owner), name, r.type);
        } else {
            cb.invokevirtual(desc(owner), name, r.type);
        }
    }

    private static Resolved resolve(Key k) {
        Method m;
        try {
            m = k.owner.getMethod(k.name, k.params);
        } catch (NoSuchMethodException e) {
            try {
                m = k.owner.getDeclaredMethod(k.name, k.params);
            } catch (NoSuchMethodException e2) {
                throw new IllegalStateException(
                        "no method " + k.owner.getName() + "." + k.name + Arrays.toString(k.params), e2);
            }
        }
        ClassDesc[] ps = Arrays.stream(k.params).map(Asm::desc).toArray(ClassDesc[]::new);
        return new Resolved(Modifier.isStatic(m.getModifiers()), MethodTypeDesc.of(desc(m.getReturnType()), ps));
    }

    /** Reads the static field {@code owner.name}. */
    static void getStatic(CodeBuilder cb, Class<?> owner, String name) {
        ClassDesc type = FIELDS.computeIfAbsent(owner.getName() + "." + name, key -> {
            try {
                Field f = owner.getField(name);
                return desc(f.getType());
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException("no field " + key, e);
            }
        });
        cb.getstatic(desc(owner), name, type);
    }
}
