package dev.kiln.spi;

import dev.kiln.KilnException;
import dev.kiln.ir.Primitive;

/** A backend does not implement a primitive, or not for a dtype. */
public class UnsupportedPrimitiveException extends KilnException {
    private final String backend;
    private final Primitive primitive;

    public UnsupportedPrimitiveException(String backend, Primitive primitive, String detail) {
        super(
                "backend '" + backend + "' does not support " + primitive.printName()
                        + (detail.isEmpty() ? "" : " (" + detail + ")")
                        + "; choose another backend with -Dkiln.backend=..., or run the conformance runner to see what it supports");
        this.backend = backend;
        this.primitive = primitive;
    }

    public String backend() {
        return backend;
    }

    public Primitive primitive() {
        return primitive;
    }
}
