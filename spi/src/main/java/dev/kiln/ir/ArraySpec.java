package dev.kiln.ir;

import dev.kiln.DType;
import dev.kiln.Shape;
import java.util.Arrays;

/** The abstract value of an array: its dtype and shape, without data. */
public record ArraySpec(DType dtype, int[] shape) {
    public ArraySpec {
        shape = shape.clone();
        for (int d : shape) {
            if (d < 0) {
                throw new dev.kiln.ShapeException(
                        "negative dimension in shape " + Arrays.toString(shape) + "; every dimension must be >= 0");
            }
        }
    }

    public static ArraySpec of(DType dtype, int... shape) {
        return new ArraySpec(dtype, shape);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The length of one dimension, without copying the shape. */
    public int dim(int axis) {
        return shape[axis];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return Shape.size(shape);
    }

    public ArraySpec withDType(DType d) {
        return new ArraySpec(d, shape);
    }

    public ArraySpec withShape(int... s) {
        return new ArraySpec(dtype, s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArraySpec s && s.dtype == dtype && Arrays.equals(s.shape, shape);
    }

    @Override
    public int hashCode() {
        return dtype.hashCode() * 31 + Arrays.hashCode(shape);
    }

    /** Prints as {@code float32[2,3]}, the form programs print their variables in. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(dtype.jaxName()).append('[');
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(shape[i]);
        }
        return b.append(']').toString();
    }
}
