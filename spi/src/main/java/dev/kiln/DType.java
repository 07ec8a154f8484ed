package dev.kiln;

import java.util.Locale;
import java.util.Objects;

/**
 * Element types of Kiln arrays and JAX's type-promotion lattice over them.
 *
 * <p>Promotion follows {@code jax.numpy.promote_types} with 64-bit types enabled: booleans promote
 * to anything, signed and unsigned integers meet at the smallest signed type that holds both, and
 * any integer meets a float at that float. Java scalars passed to {@link Np} functions are weakly
 * typed like Python scalars in JAX: an {@code int} literal takes the dtype of the array it meets, a
 * {@code double} literal takes the array's dtype if that is a float and {@link #FLOAT32} otherwise.
 */
public enum DType {
    BOOL("bool", 1, Kind.BOOL),
    INT32("int32", 4, Kind.SIGNED),
    INT64("int64", 8, Kind.SIGNED),
    UINT32("uint32", 4, Kind.UNSIGNED),
    FLOAT32("float32", 4, Kind.FLOAT),
    FLOAT64("float64", 8, Kind.FLOAT);

    /** The category of a dtype, which decides what operations accept it. */
    public enum Kind {
        BOOL,
        SIGNED,
        UNSIGNED,
        FLOAT
    }

    private final String jaxName;
    private final int byteSize;
    private final Kind kind;

    DType(String jaxName, int byteSize, Kind kind) {
        this.jaxName = jaxName;
        this.byteSize = byteSize;
        this.kind = kind;
    }

    /** The name JAX and NumPy use for this dtype, such as {@code "float32"}. */
    public String jaxName() {
        return jaxName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isFloating() {
        return kind == Kind.FLOAT;
    }

    public boolean isInteger() {
        return kind == Kind.SIGNED || kind == Kind.UNSIGNED;
    }

    public boolean isBool() {
        return kind == Kind.BOOL;
    }

    /** The dtype with the given JAX name ({@code "float32"}, {@code "int32"}, {@code "bool"}, …). */
    public static DType fromName(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.toLowerCase(Locale.ROOT);
        for (DType d : values()) {
            if (d.jaxName.equals(n) || d.name().equalsIgnoreCase(n)) {
                return d;
            }
        }
        throw new DTypeException(
                "unknown dtype '" + name + "'; Kiln supports bool, int32, int64, uint32, float32 and float64");
    }

    /** The dtype two strongly typed operands promote to, as {@code jnp.promote_types(a, b)}. */
    public static DType promote(DType a, DType b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a == b) {
            return a;
        }
        if (a == BOOL) {
            return b;
        }
        if (b == BOOL) {
            return a;
        }
        if (a.isFloating() || b.isFloating()) {
            if (a.isFloating() && b.isFloating()) {
                return a.byteSize >= b.byteSize ? a : b;
            }
            return a.isFloating() ? a : b;
        }
        // both integers, different
        if (a.kind == b.kind) {
            return a.byteSize >= b.byteSize ? a : b;
        }
        // one signed, one unsigned: uint32 meets int32 or int64 at int64
        return INT64;
    }

    /**
     * The dtype an array of dtype {@code a} and a weakly typed Java scalar promote to. An integral
     * scalar keeps any non-bool array dtype; a floating scalar keeps a float dtype and turns bool or
     * integer arrays into {@link #FLOAT32}, as in JAX.
     */
    public static DType promoteWeak(DType a, boolean scalarIsFloating) {
        Objects.requireNonNull(a, "a");
        if (scalarIsFloating) {
            return a.isFloating() ? a : FLOAT32;
        }
        return a == BOOL ? INT32 : a;
    }

    @Override
    public String toString() {
        return jaxName;
    }
}
