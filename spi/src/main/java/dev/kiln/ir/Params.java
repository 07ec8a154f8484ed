package dev.kiln.ir;

import dev.kiln.DType;
import java.util.List;

/**
 * The static parameters of a primitive application, one record per family of primitives. Each
 * primitive names the record type it takes ({@link Primitive#paramsType()}); elementwise
 * primitives take {@link None}. Records compare by value so programs and kernels can be cached by
 * structure: integer lists are {@link Ints}, so the generated {@code equals} and {@code hashCode}
 * are the value ones, and each record over {@code Ints} also has a constructor taking {@code
 * int[]}s, which it copies. {@link #text()} is how programs print parameters.
 */
public sealed interface Params {

    /** No parameters (elementwise primitives, select). */
    record None() implements Params {}

    None NONE = new None();

    /**
     * The parameters as a program prints them between brackets after the primitive's name, such as
     * {@code axes=[0, 2]} in {@code reduce_sum[axes=[0, 2]]}; empty for {@link None}. The records'
     * own {@code toString} is the record form ({@code Reduce[axes=[0, 2]]}), for messages.
     */
    default String text() {
        return switch (this) {
            case None n -> "";
            case Convert c -> "to=" + c.to();
            case Reduce r -> "axes=" + r.axes();
            case ArgReduce a -> "axis=" + a.axis() + " index_dtype=" + a.indexType();
            case Cumulative c -> "axis=" + c.axis() + (c.reverse() ? " reverse" : "");
            case BroadcastInDim b -> "shape=" + b.shape() + " dims=" + b.dims();
            case Reshape r -> "shape=" + r.shape();
            case Transpose t -> "perm=" + t.perm();
            case Slice s -> "start=" + s.start() + " limit=" + s.limit() + " strides=" + s.strides();
            case Pad p -> "lo=" + p.lo() + " hi=" + p.hi() + " interior=" + p.interior();
            case Axis a -> "axis=" + a.axis();
            case Scatter s -> "axis=" + s.axis() + " mode=" + s.mode().name().toLowerCase(java.util.Locale.ROOT);
            case Rev r -> "axes=" + r.axes();
            case DynamicSlice d -> "sizes=" + d.sizes();
            case Iota i -> "dtype=" + i.dtype() + " shape=" + i.shape() + " dimension=" + i.dimension();
            case DotGeneral d ->
                "contract=(" + d.lhsContract() + "," + d.rhsContract() + ") batch=(" + d.lhsBatch() + "," + d.rhsBatch()
                        + ")";
            case Conv c -> c.describe();
            case Cond c -> "branches=" + c.branches().size();
            case While w -> "cond_consts=" + w.condConsts() + " body_consts=" + w.bodyConsts();
            case Scan s ->
                "length=" + s.length() + " consts=" + s.consts() + " carries=" + s.carries()
                        + (s.reverse() ? " reverse" : "");
            case LinearCall l -> "residuals=" + l.residuals() + " outputs=" + l.outSpecs();
            case Collective c -> c.describe();
            case Pmap p -> p.describe();
            case HostCall h ->
                "callback=" + h.name() + " outputs=" + h.outSpecs()
                        + (h.vmapMethod() == null ? "" : " vmap_method=" + h.vmapMethod());
        };
    }

    /** CONVERT: the target dtype. */
    record Convert(DType to) implements Params {}

    /** Reductions over a sorted list of distinct axes; the reduced axes are removed. */
    record Reduce(Ints axes) implements Params {
        public Reduce(int... axes) {
            this(Ints.of(axes));
        }
    }

    /** ARGMAX / ARGMIN over one axis (removed), giving indices of {@code indexType}. */
    record ArgReduce(int axis, DType indexType) implements Params {}

    /** Cumulative ops along one axis, optionally from the end. */
    record Cumulative(int axis, boolean reverse) implements Params {}

    /**
     * BROADCAST_IN_DIM: output {@code shape}; operand dimension {@code i} maps to output dimension
     * {@code dims[i]} (strictly increasing), where its length is 1 or equal to the output's.
     */
    record BroadcastInDim(Ints shape, Ints dims) implements Params {
        public BroadcastInDim(int[] shape, int[] dims) {
            this(Ints.of(shape), Ints.of(dims));
        }
    }

    /**
     * The collectives: the axis name and its size (fixed when the collective is bound), {@code axis}
     * (all_gather's stacking axis, psum_scatter's scattered axis, all_to_all's split axis), {@code
     * axis2} (all_to_all's concatenation axis), {@code tiled} (all_gather and psum_scatter
     * concatenate or split instead of adding an axis), and ppermute's {@code (source, destination)}
     * pairs, flattened.
     */
    record Collective(String axisName, int axisSize, int axis, int axis2, boolean tiled, Ints perm) implements Params {
        /** For psum, pmax, pmin and axis_index. */
        public Collective(String axisName, int axisSize) {
            this(axisName, axisSize, 0, 0, false, Ints.of());
        }

        String describe() {
            String s = "axis_name=" + axisName + " size=" + axisSize;
            if (axis != 0 || axis2 != 0) {
                s += " axis=" + axis + " axis2=" + axis2;
            }
            if (tiled) {
                s += " tiled";
            }
            if (perm.size() > 0) {
                s += " perm=" + perm;
            }
            return s;
        }
    }

    /** RESHAPE to a new shape with the same number of elements (row-major order is kept). */
    record Reshape(Ints shape) implements Params {
        public Reshape(int... shape) {
            this(Ints.of(shape));
        }
    }

    /** TRANSPOSE: output dimension {@code i} is operand dimension {@code perm[i]}. */
    record Transpose(Ints perm) implements Params {
        public Transpose(int... perm) {
            this(Ints.of(perm));
        }
    }

    /**
     * SLICE: per dimension, elements {@code start, start+stride, …} below {@code limit}; all
     * non-negative and in range ({@code 0 <= start <= limit <= dim}, {@code stride >= 1}).
     */
    record Slice(Ints start, Ints limit, Ints strides) implements Params {
        public Slice(int[] start, int[] limit, int[] strides) {
            this(Ints.of(start), Ints.of(limit), Ints.of(strides));
        }
    }

    /**
     * PAD with a scalar value (the second operand): {@code lo}/{@code hi} elements before and after
     * each dimension (negative values crop) and {@code interior} elements between neighbours.
     */
    record Pad(Ints lo, Ints hi, Ints interior) implements Params {
        public Pad(int[] lo, int[] hi, int[] interior) {
            this(Ints.of(lo), Ints.of(hi), Ints.of(interior));
        }
    }

    /** CONCATENATE along one axis; TAKE and TAKE_ALONG_AXIS along one axis. */
    record Axis(int axis) implements Params {}

    /**
     * SCATTER along {@code axis}, combining each update into the operand with {@code mode}.
     */
    record Scatter(int axis, Mode mode) implements Params {
        /** How an update combines with the value it lands on. */
        public enum Mode {
            /** Replaces it (the last of repeated indices wins). */
            SET,
            /** Adds to it (repeated indices accumulate, as a scatter-add). */
            ADD,
            /** Multiplies it. */
            MUL,
            /** Keeps the smaller (NaN propagates). */
            MIN,
            /** Keeps the larger (NaN propagates). */
            MAX
        }

        public Scatter {
            java.util.Objects.requireNonNull(mode, "mode");
        }
    }

    /** REV: reverse the listed axes. */
    record Rev(Ints axes) implements Params {
        public Rev(int... axes) {
            this(Ints.of(axes));
        }
    }

    /** DYNAMIC_SLICE: the size of the window taken in each dimension. */
    record DynamicSlice(Ints sizes) implements Params {
        public DynamicSlice(int... sizes) {
            this(Ints.of(sizes));
        }
    }

    /** IOTA: an array of {@code dtype} and {@code shape} whose value is the index along {@code dimension}. */
    record Iota(DType dtype, Ints shape, int dimension) implements Params {
        public Iota(DType dtype, int[] shape, int dimension) {
            this(dtype, Ints.of(shape), dimension);
        }
    }

    /**
     * DOT_GENERAL: contract {@code lhsContract[i]} with {@code rhsContract[i]}, batch over
     * {@code lhsBatch[i]} / {@code rhsBatch[i]}. Output dimensions: batch, then the lhs's free
     * dimensions in order, then the rhs's. Both operands have the output's dtype.
     */
    record DotGeneral(Ints lhsContract, Ints rhsContract, Ints lhsBatch, Ints rhsBatch) implements Params {
        public DotGeneral(int[] lhsContract, int[] rhsContract, int[] lhsBatch, int[] rhsBatch) {
            this(Ints.of(lhsContract), Ints.of(rhsContract), Ints.of(lhsBatch), Ints.of(rhsBatch));
        }
    }

    /**
     * CONV_GENERAL_DILATED: {@code strides}, {@code padLo}/{@code padHi} (the padding before and after
     * each spatial dimension, after lhs dilation), {@code lhsDilation} and {@code rhsDilation} have one
     * entry per spatial dimension. {@code lhsLayout} lists the input's dimensions as (batch, feature,
     * spatial...), {@code rhsLayout} the kernel's as (out feature, in feature, spatial...),
     * {@code outLayout} the output's as (batch, feature, spatial...): JAX's dimension numbers as
     * permutations. At most one of {@code featureGroups} and {@code batchGroups} is above 1.
     */
    record Conv(
            Ints strides,
            Ints padLo,
            Ints padHi,
            Ints lhsDilation,
            Ints rhsDilation,
            Ints lhsLayout,
            Ints rhsLayout,
            Ints outLayout,
            int featureGroups,
            int batchGroups)
            implements Params {
        /** The number of spatial dimensions. */
        public int spatialRank() {
            return strides.size();
        }

        String describe() {
            return "strides=" + strides + " pad_lo=" + padLo + " pad_hi=" + padHi + " lhs_dilation=" + lhsDilation
                    + " rhs_dilation=" + rhsDilation + " layouts=(" + lhsLayout + "," + rhsLayout + "," + outLayout
                    + ") feature_groups=" + featureGroups + " batch_groups=" + batchGroups;
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
    }

    /**
     * WHILE: operands are {@code condConsts} values for the condition, {@code bodyConsts} values
     * for the body, then the loop carry. {@code cond} maps (its constants, carry) to a bool 0-d;
     * {@code body} maps (its constants, carry) to the next carry.
     */
    record While(Program cond, Program body, int condConsts, int bodyConsts) implements Params {}

    /**
     * SCAN: operands are {@code consts} values, {@code carries} initial carry values, then the
     * scanned inputs, each with a leading axis of {@code length}. {@code body} maps (constants,
     * carry, one slice of each input) to (next carry, one slice of each output); the outputs are the
     * final carry followed by the stacked output slices. {@code reverse} scans from the end.
     */
    record Scan(Program body, int consts, int carries, int length, boolean reverse) implements Params {}

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
    }

    /**
     * PURE_CALLBACK: host code the program calls with its operands' values, returning arrays of
     * {@code outSpecs} ({@code jax.pure_callback}). {@code callback} maps the operands, as host
     * buffers, to the results. Kiln assumes it is pure: a call whose results are unused may be
     * removed, and equal calls may be merged. {@code vmapMethod} says how {@code vmap} batches it
     * ({@code sequential}, {@code expand_dims}, {@code broadcast_all}; null: vmap is refused).
     * Compared by identity of the callback. Backends run it through {@code ProgramInterpreter}.
     *
     * @param <H> the host buffer type ({@code dev.kiln.spi.HostBuffer}); the IR leaves it open so
     *     that it depends on no class of the SPI.
     */
    record HostCall<H>(
            java.util.function.Function<List<H>, List<H>> callback,
            List<ArraySpec> outSpecs,
            String vmapMethod,
            String name)
            implements Params {
        public HostCall {
            outSpecs = List.copyOf(outSpecs);
        }
    }

    /**
     * PMAP: {@code body} (a program without constants) runs once per device, on {@code size} devices
     * at once, with the named axis bound for its collectives. Operand {@code i} is split along axis 0
     * (of length {@code size}), one slice per device, where {@code inAxes[i]} is 0, and given whole to
     * every device where it is -1. Output {@code j} stacks the devices' results along a new axis 0
     * where {@code outAxes[j]} is 0, and is device 0's result where it is -1. The devices are
     * positions in the device list of backend {@code backend} ({@code Kiln.devices(backend)}, every
     * process's in a distributed job); {@code devices} empty means the first {@code size}. Kiln runs
     * this primitive itself; backends see the body through {@code compile}.
     */
    record Pmap(Program body, String axisName, int size, Ints inAxes, Ints outAxes, String backend, Ints devices)
            implements Params {
        String describe() {
            return "axis_name=" + axisName + " size=" + size + " in_axes=" + inAxes + " out_axes=" + outAxes
                    + (devices.isEmpty() ? "" : " devices=" + devices) + " backend=" + backend;
        }
    }
}
