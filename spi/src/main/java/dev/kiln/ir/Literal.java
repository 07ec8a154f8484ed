package dev.kiln.ir;

import dev.kiln.spi.HostBuffer;

/** A constant written into a program: a 0-d value on the host (larger constants are const inputs). */
public record Literal(HostBuffer value) implements Atom {
    public Literal {
        if (value.spec().rank() != 0) {
            throw new IllegalArgumentException("literals are 0-d; pass " + value.spec() + " as a program constant");
        }
    }

    @Override
    public ArraySpec spec() {
        return value.spec();
    }

    /** The value as a double (exact for every dtype but large int64 and uint32 values). */
    public double doubleValue() {
        return value.getDouble(0);
    }

    @Override
    public String toString() {
        return switch (value.spec().dtype()) {
            case BOOL -> value.bools()[0] ? "True" : "False";
            case FLOAT32 -> value.floats()[0] + ":f32";
            case FLOAT64 -> value.doubles()[0] + ":f64";
            case INT64 -> value.getLong(0) + ":i64";
            case UINT32 -> value.getLong(0) + ":u32";
            case INT32 -> Long.toString(value.getLong(0));
            default ->
                (value.spec().dtype().isFloating()
                                ? Double.toString(value.getDouble(0))
                                : Long.toString(value.getLong(0)))
                        + ":" + value.spec().dtype();
        };
    }
}
