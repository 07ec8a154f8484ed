package dev.kiln.ir;

import dev.kiln.DType;
import java.util.Arrays;
import java.util.List;

/**
 * The static parameters of a primitive application, one record per family of primitives. Each
 * primitive names the record type it takes ({@link Primitive#paramsType()}); elementwise
 * primitives take {@link None}. Records compare by value so programs and kernels can be cached by
 * structure.
 */
public sealed interface Params {

    /** No parameters (elementwise primitives, select). */
    record None() implements Params {
        @Override
        public String toString() {
            return "";
        }
    }

    None NONE = new None();

    /** CONVERT: the target dtype. */
    record Convert(DType to) implements Params {
        @Override
        public String toString() {
            return "to=" + to;
        }
    }

    /** Reductions over a sorted list of distinct axes; the reduced axes are removed. */
    record Reduce(int[] axes) implements Params {
        public Reduce {
            axes = axes.clone();
        }

        @Override
        public int[] axes() {
            return axes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reduce r && Arrays.equals(r.axes, axes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(axes);
        }

        @Override
        public String toString() {
            return "axes=" + Arrays.toString(axes);
        }
    }

    /** ARGMAX / ARGMIN over one axis (removed), giving indices of {@code indexType}. */
    record ArgReduce(int axis, DType indexType) implements Params {
        @Override
        public String toString() {
            return "axis=" + axis + " index_dtype=" + indexType;
        }
    }

    /** Cumulative ops along one axis, optionally from the end. */
    record Cumulative(int axis, boolean reverse) implements Params {
        @Override
        public String toString() {
            return "axis=" + axis + (reverse ? " reverse" : "");
        }
    }

    /**
     * BROADCAST_IN_DIM: output {@code shape}; operand dimension {@code i} maps to output dimension
     * {@code dims[i]} (strictly increasing), where its length is 1 or equal to the output's.
     */
    record BroadcastInDim(int[] shape, int[] dims) implements Params {
        public BroadcastInDim {
            shape = shape.clone();
            dims = dims.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public int[] dims() {
            return dims.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BroadcastInDim b && Arrays.equals(b.shape, shape) && Arrays.equals(b.dims, dims);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(shape) * 31 + Arrays.hashCode(dims);
        }

        @Override
        public String toString() {
            return "shape=" + Arrays.toString(shape) + " dims=" + Arrays.toString(dims);
        }
    }

    /** RESHAPE to a new shape with the same number of elements (row-major order is kept). */
    record Reshape(int[] shape) implements Params {
        public Reshape {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reshape r && Arrays.equals(r.shape, shape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "shape=" + Arrays.toString(shape);
        }
    }

    /** TRANSPOSE: output dimension {@code i} is operand dimension {@code perm[i]}. */
    record Transpose(int[] perm) implements Params {
        public Transpose {
            perm = perm.clone();
        }

        @Override
        public int[] perm() {
            return perm.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Transpose t && Arrays.equals(t.perm, perm);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(perm);
        }

        @Override
        public String toString() {
            return "perm=" + Arrays.toString(perm);
        }
    }

    /**
     * SLICE: per dimension, elements {@code start, start+stride, …} below {@code limit}; all
     * non-negative and in range ({@code 0 <= start <= limit <= dim}, {@code stride >= 1}).
     */
    record Slice(int[] start, int[] limit, int[] strides) implements Params {
        public Slice {
            start = start.clone();
            limit = limit.clone();
            strides = strides.clone();
        }

        @Override
        public int[] start() {
            return start.clone();
        }

        @Override
        public int[] limit() {
            return limit.clone();
        }

        @Override
        public int[] strides() {
            return strides.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slice s
                    && Arrays.equals(s.start, start)
                    && Arrays.equals(s.limit, limit)
                    && Arrays.equals(s.strides, strides);
        }

        @Override
        public int hashCode() {
            return (Arrays.hashCode(start) * 31 + Arrays.hashCode(limit)) * 31 + Arrays.hashCode(strides);
        }

        @Override
        public String toString() {
            return "start=" + Arrays.toString(start) + " limit=" + Arrays.toString(limit) + " strides="
                    + Arrays.toString(strides);
        }
    }

    /**
     * PAD with a scalar value (the second operand): {@code lo}/{@code hi} elements before and after
     * each dimension (negative values crop) and {@code interior} elements between neighbours.
     */
    record Pad(int[] lo, int[] hi, int[] interior) implements Params {
        public Pad {
            lo = lo.clone();
            hi = hi.clone();
            interior = interior.clone();
        }

        @Override
        public int[] lo() {
            return lo.clone();
        }

        @Override
        public int[] hi() {
            return hi.clone();
        }

        @Override
        public int[] interior() {
            return interior.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pad p
                    && Arrays.equals(p.lo, lo)
                    && Arrays.equals(p.hi, hi)
                    && Arrays.equals(p.interior, interior);
        }

        @Override
        public int hashCode() {
            return (Arrays.hashCode(lo) * 31 + Arrays.hashCode(hi)) * 31 + Arrays.hashCode(interior);
        }

        @Override
        public String toString() {
            return "lo=" + Arrays.toString(lo) + " hi=" + Arrays.toString(hi) + " interior="
                    + Arrays.toString(interior);
        }
    }

    /** CONCATENATE along one axis; TAKE and TAKE_ALONG_AXIS along one axis. */
    record Axis(int axis) implements Params {
        @Override
        public String toString() {
            return "axis=" + axis;
        }
    }

    /** REV: reverse the listed axes. */
    record Rev(int[] axes) implements Params {
        public Rev {
            axes = axes.clone();
        }

        @Override
        public int[] axes() {
            return axes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Rev r && Arrays.equals(r.axes, axes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(axes);
        }

        @Override
        public String toString() {
            return "axes=" + Arrays.toString(axes);
        }
    }

    /** DYNAMIC_SLICE: the size of the window taken in each dimension. */
    record DynamicSlice(int[] sizes) implements Params {
        public DynamicSlice {
            sizes = sizes.clone();
        }

        @Override
        public int[] sizes() {
            return sizes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DynamicSlice d && Arrays.equals(d.sizes, sizes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sizes);
        }

        @Override
        public String toString() {
            return "sizes=" + Arrays.toString(sizes);
        }
    }

    /** IOTA: an array of {@code dtype} and {@code shape} whose value is the index along {@code dimension}. */
    record Iota(DType dtype, int[] shape, int dimension) implements Params {
        public Iota {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Iota i && i.dtype == dtype && Arrays.equals(i.shape, shape) && i.dimension == dimension;
        }

        @Override
        public int hashCode() {
            return (dtype.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + dimension;
        }

        @Override
        public String toString() {
            return "dtype=" + dtype + " shape=" + Arrays.toString(shape) + " dimension=" + dimension;
        }
    }

    /**
     * DOT_GENERAL: contract {@code lhsContract[i]} with {@code rhsContract[i]}, batch over
     * {@code lhsBatch[i]} / {@code rhsBatch[i]}. Output dimensions: batch, then the lhs's free
     * dimensions in order, then the rhs's. Both operands have the output's dtype.
     */
    record DotGeneral(int[] lhsContract, int[] rhsContract, int[] lhsBatch, int[] rhsBatch) implements Params {
        public DotGeneral {
            lhsContract = lhsContract.clone();
            rhsContract = rhsContract.clone();
            lhsBatch = lhsBatch.clone();
            rhsBatch = rhsBatch.clone();
        }

        @Override
        public int[] lhsContract() {
            return lhsContract.clone();
        }

        @Override
        public int[] rhsContract() {
            return rhsContract.clone();
        }

        @Override
        public int[] lhsBatch() {
            return lhsBatch.clone();
        }

        @Override
        public int[] rhsBatch() {
            return rhsBatch.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DotGeneral d
                    && Arrays.equals(d.lhsContract, lhsContract)
                    && Arrays.equals(d.rhsContract, rhsContract)
                    && Arrays.equals(d.lhsBatch, lhsBatch)
                    && Arrays.equals(d.rhsBatch, rhsBatch);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(new Object[] {lhsContract, rhsContract, lhsBatch, rhsBatch});
        }

        @Override
        public String toString() {
            return "contract=(" + Arrays.toString(lhsContract) + "," + Arrays.toString(rhsContract) + ") batch=("
                    + Arrays.toString(lhsBatch) + "," + Arrays.toString(rhsBatch) + ")";
        }
    }

    /**
     * COND: operands are an int32 0-d branch index (clamped into range, as XLA does) followed by the
     * operands every branch takes; each branch is a program without constants whose inputs are
     * those operands and whose outputs have the same specs in every branch.
     */
    record Cond(List<Program> branches) implements Params {
        public Cond {
            branches = List.copyOf(branches);
        }

        @Override
        public String toString() {
            return "branches=" + branches.size();
        }
    }

    /**
     * WHILE: operands are {@code condConsts} values for the condition, {@code bodyConsts} values
     * for the body, then the loop carry. {@code cond} maps (its constants, carry) to a bool 0-d;
     * {@code body} maps (its constants, carry) to the next carry.
     */
    record While(Program cond, Program body, int condConsts, int bodyConsts) implements Params {
        @Override
        public String toString() {
            return "cond_consts=" + condConsts + " body_consts=" + bodyConsts;
        }
    }

    /**
     * SCAN: operands are {@code consts} values, {@code carries} initial carry values, then the
     * scanned inputs, each with a leading axis of {@code length}. {@code body} maps (constants,
     * carry, one slice of each input) to (next carry, one slice of each output); the outputs are the
     * final carry followed by the stacked output slices. {@code reverse} scans from the end.
     */
    record Scan(Program body, int consts, int carries, int length, boolean reverse) implements Params {
        @Override
        public String toString() {
            return "length=" + length + " consts=" + consts + " carries=" + carries + (reverse ? " reverse" : "");
        }
    }

    /**
     * CUSTOM_LINEAR: a function linear in its last operands whose transpose is supplied by the user
     * (the tangent part of a {@code customVjp} function). Operands are {@code residuals} values the
     * transpose reads, then the tangents; the outputs have {@code outSpecs}. {@code transpose} maps
     * (residuals, output cotangents) to the tangents' cotangents. Compared by identity.
     *
     * @param <A> the frontend's array type ({@code dev.kiln.Array}); the IR leaves it open so that it
     *     depends on no class of the frontend. Backends never run this primitive (only its transpose
     *     runs, in the frontend).
     */
    record LinearCall<A>(
            java.util.function.BiFunction<List<A>, List<A>, List<A>> transpose, int residuals, List<ArraySpec> outSpecs)
            implements Params {
        public LinearCall {
            outSpecs = List.copyOf(outSpecs);
        }

        @Override
        public String toString() {
            return "residuals=" + residuals + " outputs=" + outSpecs;
        }
    }
}
