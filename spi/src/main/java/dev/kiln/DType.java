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
    FLOAT64("float64", 8, Kind.FLOAT),
    // The narrow dtypes: logical dtypes whose arrays are stored widened (see storage()).
    INT8("int8", 1, Kind.SIGNED),
    UINT8("uint8", 1, Kind.UNSIGNED),
    INT16("int16", 2, Kind.SIGNED),
    UINT16("uint16", 2, Kind.UNSIGNED),
    FLOAT16("float16", 2, Kind.FLOAT),
    BFLOAT16("bfloat16", 2, Kind.FLOAT);

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

    /**
     * The dtype that holds this dtype's values in backend buffers. The narrow dtypes (int8, uint8,
     * int16, uint16, float16, bfloat16) are logical: their arrays are stored in int32 or float32, with
     * every stored value exactly a value of the narrow dtype (the core rounds or wraps each result);
     * every other dtype is its own storage. Backends only ever see storage dtypes.
     */
    public DType storage() {
        return switch (this) {
            case INT8, UINT8, INT16, UINT16 -> INT32;
            case FLOAT16, BFLOAT16 -> FLOAT32;
            default -> this;
        };
    }

    /** Whether this dtype is stored widened ({@link #storage()} differs from it). */
    public boolean isNarrow() {
        return storage() != this;
    }

    /** Bits per element as JAX counts them (8 for int8, 16 for bfloat16, 1 byte's worth for bool). */
    public int bits() {
        return byteSize * 8;
    }

    /** Bytes per element as JAX counts them (1 for int8, 2 for float16); narrow dtypes are stored wider. */
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
        throw new DTypeException("DType.fromName: unknown dtype '" + name
                + "'; Kiln supports bool, int8, uint8, int16, uint16, int32, int64,"
                + " uint32, float16, bfloat16, float32 and float64");
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
                if (a.byteSize == b.byteSize) {
                    return FLOAT32; // float16 meets bfloat16 at float32
                }
                return a.byteSize > b.byteSize ? a : b;
            }
            return a.isFloating() ? a : b;
        }
        // both integers, different
        if (a.kind == b.kind) {
            return a.byteSize >= b.byteSize ? a : b;
        }
        // one signed, one unsigned: the signed one if it is wider, else the signed type twice the
        // unsigned one's width (uint8 -> int16, uint16 -> int32, uint32 -> int64)
        DType s = a.kind == Kind.SIGNED ? a : b;
        DType u = s == a ? b : a;
        if (s.byteSize > u.byteSize) {
            return s;
        }
        return switch (u) {
            case UINT8 -> INT16;
            case UINT16 -> INT32;
            default -> INT64;
        };
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
