package dev.kiln.spi;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A fused kernel: one loop nest that reads a few arrays, computes an expression DAG at every point
 * of an iteration space, optionally reduces (or contracts) over some of its axes, and writes a few
 * arrays. The fusion planner ({@code dev.kiln.internal.fusion.FusionPlanner}) cuts a program into
 * such kernels; a backend turns each into code through {@link Backend#compileKernel}. Kernels
 * compare by value, so a backend can cache compiled code by kernel structure.
 *
 * <h2>How to run a kernel</h2>
 *
 * <b>Iteration space.</b> {@link #space} is a shape; {@code p} below is a multi-index of it. The
 * root decides which axes are <em>reduced</em> ({@link #reducedAxes()}): none for {@link
 * Root.Elementwise}, {@link Root.Reduce#axes()} for a reduction, and the trailing {@code
 * dims.lhsContract().length} axes for {@link Root.Matmul}. The remaining (kept) axes, in order,
 * form the <em>output space</em> ({@link #outputSpace()}); {@code q} is a multi-index of it, and
 * {@code (q, r)} the point of the space whose kept coordinates are {@code q} and reduced ones
 * {@code r}.
 *
 * <p><b>Index maps.</b> Every {@link Input} and {@link Output} has an affine map from the space to
 * an element of its buffer's row-major storage: element {@code offset + Σ_d strides[d] * p[d]}.
 * A stride is 0 along a broadcast axis and may be negative (a reversed axis); transposes, strided
 * slices and reshapes of contiguous data are all expressed this way, so no movement ever copies.
 * Strides along axes of length 1 are always 0.
 *
 * <p><b>Nodes.</b> {@link #nodes} is a DAG in topological order (arguments have smaller indices).
 * Nodes {@code [0, epilogueStart)} are <em>inner</em> nodes, evaluated at every point {@code p} of
 * the space; nodes {@code [epilogueStart, size)} are <em>epilogue</em> nodes, evaluated once per
 * output point {@code q} after the reduction over all {@code r} is complete. An inner node never
 * uses an epilogue node; an epilogue node uses inner nodes only through {@link Node.Reduce}. For an
 * elementwise root {@code epilogueStart == nodes.size()} (every node is inner; the reduced space
 * is empty). For a matmul root there are no inner nodes ({@code epilogueStart == 0}). The nodes:
 *
 * <ul>
 *   <li>{@link Node.Load}: input {@code i} at {@code p} (inner) or at {@code (q, r)} for any
 *       {@code r} (epilogue; such inputs have stride 0 along every reduced axis).
 *   <li>{@link Node.Literal}: a constant.
 *   <li>{@link Node.Iota}: the integer {@code offset + Σ strides[d] * p[d]} (never negative), then
 *       converted to the node's dtype as {@link Primitive#CONVERT} from int64 would.
 *   <li>{@link Node.Op}: an elementwise primitive (kinds UNARY, BINARY, COMPARE, SELECT, CONVERT)
 *       applied to its arguments, with exactly the semantics of {@link Backend#execute} for that
 *       primitive and dtype.
 *   <li>{@link Node.Reduce} (epilogue): the fold of inner node {@code arg} over all {@code r} with
 *       a reduction primitive (REDUCE_SUM/PROD/MAX/MIN/AND/OR), as that primitive over the
 *       reduced axes would compute it. Several Reduce nodes in one kernel share the loop
 *       (multi-output fusion: one pass over the data).
 *   <li>{@link Node.DotResult} (epilogue, matmul root only): {@code Σ_r lhs(q, r) * rhs(q, r)},
 *       the value dot_general gives at {@code q}.
 * </ul>
 *
 * <p><b>Outputs.</b> Each {@link Output} stores a node's value through its index map: an inner
 * node at every {@code p}, an epilogue node at every {@code q} (its strides are 0 along reduced
 * axes). Each output map is a bijection onto its buffer, so every element is written exactly once.
 *
 * <p><b>Matmul.</b> For {@link Root.Matmul} the space is {@code [batch…, lhs free…, rhs free…,
 * contract…]} in dot_general's order, so the output space is dot_general's output shape. Inputs
 * {@code lhs} and {@code rhs} are the two whole operands; their maps are the natural ones derived
 * from the dimension numbers (checked here), so a backend may hand the buffers to its own
 * dot_general and then run the epilogue per element (bias, activation, scaling) before storing.
 *
 * <p><b>Running it.</b> A simple correct code generator: for each {@code q} (kept axes,
 * row-major), initialise one accumulator per Reduce node to the reducer's identity; for each
 * {@code r} (reduced axes, row-major), evaluate the inner nodes at {@code (q, r)}, store the inner
 * outputs and fold the Reduce arguments; then evaluate the epilogue nodes at {@code q} and store
 * the epilogue outputs. Loop order, vectorisation, tiling and threading are free as long as each
 * element is computed from the same inputs. Values may be computed at least as accurately as the
 * primitives would (a multiply and add contracted into an FMA, a sum accumulated in any order or
 * width) within the conformance suite's tolerances. The index maps tell a generator what it needs
 * to pick a loop order: the input whose stride is 1 along an axis is contiguous along it; a stride
 * of 0 along the innermost loop means a value to hoist or broadcast into a vector register.
 *
 * <p><b>What the planner guarantees beyond validity</b> (checked by the constructor where noted):
 * inputs are never written, and outputs never alias inputs or each other; every node is used by a
 * later node or an output; structurally equal nodes appear once per phase; the maps stay within
 * their buffers (checked); loads and iotas in the epilogue do not vary along reduced axes
 * (checked); nothing in a kernel is empty (kernels over empty arrays are not made).
 *
 * <p>A backend that only wants speed for some kernels may return {@link KernelInterpreter} for the
 * others; it runs the nodes one by one through {@code execute}, which makes every backend correct
 * before it is fast.
 */
public record FusedKernel(
        int[] space, List<Input> inputs, List<Node> nodes, int epilogueStart, List<Output> outputs, Root root) {

    /** An array the kernel reads: its spec, and where the element for point {@code p} lives in it. */
    public record Input(ArraySpec spec, int[] strides, int offset) {
        public Input {
            Objects.requireNonNull(spec);
            strides = strides.clone();
        }

        @Override
        public int[] strides() {
            return strides.clone();
        }

        /** The stride along one axis of the space, without copying. */
        public int stride(int axis) {
            return strides[axis];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Input i
                    && i.spec.equals(spec)
                    && Arrays.equals(i.strides, strides)
                    && i.offset == offset;
        }

        @Override
        public int hashCode() {
            return (spec.hashCode() * 31 + Arrays.hashCode(strides)) * 31 + offset;
        }

        @Override
        public String toString() {
            return spec + " at offset " + offset + " strides " + Arrays.toString(strides);
        }
    }

    /** An array the kernel writes: the node whose value it holds, its spec, and its index map. */
    public record Output(int node, ArraySpec spec, int[] strides, int offset) {
        public Output {
            Objects.requireNonNull(spec);
            strides = strides.clone();
        }

        @Override
        public int[] strides() {
            return strides.clone();
        }

        public int stride(int axis) {
            return strides[axis];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Output x
                    && x.node == node
                    && x.spec.equals(spec)
                    && Arrays.equals(x.strides, strides)
                    && x.offset == offset;
        }

        @Override
        public int hashCode() {
            return ((node * 31 + spec.hashCode()) * 31 + Arrays.hashCode(strides)) * 31 + offset;
        }

        @Override
        public String toString() {
            return "%" + node + " -> " + spec + " at offset " + offset + " strides " + Arrays.toString(strides);
        }
    }

    /** One value of the expression DAG; every node knows its dtype. */
    public sealed interface Node {
        DType dtype();

        /** The indices of the nodes this one uses. */
        default int[] args() {
            return new int[0];
        }

        /** Input {@code input} at the current point. */
        record Load(int input, DType dtype) implements Node {
            @Override
            public String toString() {
                return "load in" + input;
            }
        }

        /**
         * A constant, stored exactly as bits: float32 as {@link Float#floatToRawIntBits}, float64 as
         * {@link Double#doubleToRawLongBits}, int32 and int64 as the value, uint32 as the unsigned
         * value, bool as 0 or 1.
         */
        record Literal(DType dtype, long bits) implements Node {
            /** The constant held by a 0-d host buffer. */
            public static Literal of(HostBuffer value) {
                if (value.spec().rank() != 0) {
                    throw new IllegalArgumentException("literals are 0-d, got " + value.spec());
                }
                DType t = value.spec().dtype();
                long bits =
                        switch (t) {
                            case FLOAT32 -> Float.floatToRawIntBits(value.floats()[0]);
                            case FLOAT64 -> Double.doubleToRawLongBits(value.doubles()[0]);
                            default -> value.getLong(0);
                        };
                return new Literal(t, bits);
            }

            /** The value as a double (exact for floats and for integers up to 2^53). */
            public double doubleValue() {
                return switch (dtype) {
                    case FLOAT32 -> Float.intBitsToFloat((int) bits);
                    case FLOAT64 -> Double.longBitsToDouble(bits);
                    default -> bits;
                };
            }

            /** The value as a long (uint32 unsigned, bool 0/1, floats truncated toward zero). */
            public long longValue() {
                return dtype.isFloating() ? (long) doubleValue() : bits;
            }

            /** The value in a 0-d host buffer. */
            public HostBuffer toHost() {
                ArraySpec s = ArraySpec.of(dtype);
                return switch (dtype) {
                    case FLOAT32 -> HostBuffer.wrap(s, new float[] {Float.intBitsToFloat((int) bits)});
                    case FLOAT64 -> HostBuffer.wrap(s, new double[] {Double.longBitsToDouble(bits)});
                    case INT32, UINT32 -> HostBuffer.wrap(s, new int[] {(int) bits});
                    case INT64 -> HostBuffer.wrap(s, new long[] {bits});
                    case BOOL -> HostBuffer.wrap(s, new boolean[] {bits != 0});
                    default -> throw new IllegalStateException(dtype + " is not a storage dtype");
                };
            }

            @Override
            public String toString() {
                String v =
                        switch (dtype) {
                            case FLOAT32 -> Float.toString(Float.intBitsToFloat((int) bits));
                            case FLOAT64 -> Double.toString(doubleValue());
                            case BOOL -> bits != 0 ? "true" : "false";
                            default -> Long.toString(bits);
                        };
                return "literal " + v + ":" + dtype;
            }
        }

        /** The index value {@code offset + Σ strides[d] * p[d]}, converted to {@code dtype}. */
        record Iota(DType dtype, int offset, int[] strides) implements Node {
            public Iota {
                strides = strides.clone();
            }

            @Override
            public int[] strides() {
                return strides.clone();
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Iota i
                        && i.dtype == dtype
                        && i.offset == offset
                        && Arrays.equals(i.strides, strides);
            }

            @Override
            public int hashCode() {
                return (dtype.hashCode() * 31 + offset) * 31 + Arrays.hashCode(strides);
            }

            @Override
            public String toString() {
                return "iota offset " + offset + " strides " + Arrays.toString(strides) + " as " + dtype;
            }
        }

        /** An elementwise primitive applied to earlier nodes; {@code dtype} is its result dtype. */
        record Op(Primitive op, Params params, int[] args, DType dtype) implements Node {
            public Op {
                Objects.requireNonNull(op);
                Objects.requireNonNull(params);
                args = args.clone();
            }

            @Override
            public int[] args() {
                return args.clone();
            }

            /** Argument {@code i}, without copying. */
            public int arg(int i) {
                return args[i];
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Op x
                        && x.op == op
                        && x.params.equals(params)
                        && Arrays.equals(x.args, args)
                        && x.dtype == dtype;
            }

            @Override
            public int hashCode() {
                return ((op.hashCode() * 31 + params.hashCode()) * 31 + Arrays.hashCode(args)) * 31 + dtype.hashCode();
            }

            @Override
            public String toString() {
                StringBuilder b = new StringBuilder(op.printName());
                String p = params.text();
                if (!p.isEmpty()) {
                    b.append('[').append(p).append(']');
                }
                for (int a : args) {
                    b.append(" %").append(a);
                }
                return b.append(" : ").append(dtype).toString();
            }
        }

        /** The fold of inner node {@code arg} over the reduced axes with {@code reducer}. */
        record Reduce(Primitive reducer, int arg, DType dtype) implements Node {
            @Override
            public int[] args() {
                return new int[] {arg};
            }

            @Override
            public String toString() {
                return reducer.printName() + " %" + arg + " : " + dtype;
            }
        }

        /** The contraction of a matmul root at the current output point. */
        record DotResult(DType dtype) implements Node {
            @Override
            public String toString() {
                return "dot_result : " + dtype;
            }
        }
    }

    /** What the loop nest does besides computing elementwise: nothing, a reduction, or a contraction. */
    public sealed interface Root {
        /** Every node at every point; no reduced axes. */
        record Elementwise() implements Root {
            @Override
            public String toString() {
                return "elementwise";
            }
        }

        /** The listed axes (sorted, distinct) are reduced by the kernel's {@link Node.Reduce} nodes. */
        record Reduce(int[] axes) implements Root {
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
                return "reduce over axes " + Arrays.toString(axes);
            }
        }

        /**
         * dot_general of inputs {@code lhs} and {@code rhs} with {@code dims}; the space is {@code
         * [batch…, lhs free…, rhs free…, contract…]} and {@link Node.DotResult} is the product.
         */
        record Matmul(Params.DotGeneral dims, int lhs, int rhs) implements Root {
            @Override
            public String toString() {
                return "matmul in" + lhs + " x in" + rhs + " " + dims;
            }
        }
    }

    public FusedKernel {
        space = space.clone();
        inputs = List.copyOf(inputs);
        nodes = List.copyOf(nodes);
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(root);
        validate(space, inputs, nodes, epilogueStart, outputs, root);
    }

    @Override
    public int[] space() {
        return space.clone();
    }

    /** The rank of the iteration space. */
    public int rank() {
        return space.length;
    }

    /** The number of points of the iteration space. */
    public int size() {
        return Shape.size(space);
    }

    /** The axes of the space that the root reduces, sorted. */
    public int[] reducedAxes() {
        return reducedAxes(space.length, root);
    }

    /** The kept axes of the space, in order: the output space's axes. */
    public int[] keptAxes() {
        int[] reduced = reducedAxes();
        int[] kept = new int[space.length - reduced.length];
        int k = 0;
        for (int d = 0; d < space.length; d++) {
            if (Arrays.binarySearch(reduced, d) < 0) {
                kept[k++] = d;
            }
        }
        return kept;
    }

    /** The shape of the output space: the space without its reduced axes. */
    public int[] outputSpace() {
        int[] kept = keptAxes();
        int[] s = new int[kept.length];
        for (int i = 0; i < kept.length; i++) {
            s[i] = space[kept[i]];
        }
        return s;
    }

    /** Whether node {@code i} is an epilogue node (evaluated per output point). */
    public boolean isEpilogue(int node) {
        return node >= epilogueStart;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FusedKernel k
                && Arrays.equals(k.space, space)
                && k.inputs.equals(inputs)
                && k.nodes.equals(nodes)
                && k.epilogueStart == epilogueStart
                && k.outputs.equals(outputs)
                && k.root.equals(root);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(space), inputs, nodes, epilogueStart, outputs, root);
    }

    /** A readable listing: root, space, inputs with their maps, nodes, outputs. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append("kernel ")
                .append(root)
                .append(" space ")
                .append(Arrays.toString(space))
                .append('\n');
        for (int i = 0; i < inputs.size(); i++) {
            b.append("  in").append(i).append(": ").append(inputs.get(i)).append('\n');
        }
        boolean marked = root instanceof Root.Elementwise;
        for (int i = 0; i <= nodes.size(); i++) {
            if (i == epilogueStart && !marked) {
                b.append("  -- epilogue, once per output point --\n");
                marked = true;
            }
            if (i < nodes.size()) {
                b.append("  %").append(i).append(" = ").append(nodes.get(i)).append('\n');
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            b.append("  out").append(i).append(": ").append(outputs.get(i)).append('\n');
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ validation

    private static int[] reducedAxes(int rank, Root root) {
        return switch (root) {
            case Root.Elementwise e -> new int[0];
            case Root.Reduce r -> r.axes();
            case Root.Matmul m -> {
                int nc = m.dims().lhsContract().size();
                int[] axes = new int[nc];
                for (int i = 0; i < nc; i++) {
                    axes[i] = rank - nc + i;
                }
                yield axes;
            }
        };
    }

    private static void validate(
            int[] space, List<Input> inputs, List<Node> nodes, int epilogueStart, List<Output> outputs, Root root) {
        for (int d : space) {
            check(d >= 0, "negative extent in space " + Arrays.toString(space));
        }
        int[] reduced = reducedAxes(space.length, root);
        for (int i = 0; i < reduced.length; i++) {
            check(
                    reduced[i] >= 0 && reduced[i] < space.length && (i == 0 || reduced[i] > reduced[i - 1]),
                    "reduced axes " + Arrays.toString(reduced) + " must be sorted, distinct and within rank "
                            + space.length);
        }
        check(epilogueStart >= 0 && epilogueStart <= nodes.size(), "epilogueStart " + epilogueStart + " out of range");
        if (root instanceof Root.Elementwise) {
            check(epilogueStart == nodes.size(), "an elementwise kernel has no epilogue");
        }
        if (root instanceof Root.Matmul) {
            check(epilogueStart == 0, "a matmul kernel has no inner nodes");
        }
        for (Input in : inputs) {
            check(in.strides.length == space.length, "input map " + in + " does not match space rank " + space.length);
            checkMap(space, in.strides, in.offset, in.spec, "input " + in);
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            boolean epi = i >= epilogueStart;
            for (int a : n.args()) {
                check(a >= 0 && a < i, "node %" + i + " uses %" + a + ", which is not an earlier node");
                boolean argEpi = a >= epilogueStart;
                if (n instanceof Node.Reduce) {
                    check(!argEpi, "reduce node %" + i + " must fold an inner node");
                } else {
                    check(epi || !argEpi, "inner node %" + i + " uses epilogue node %" + a);
                    check(
                            !epi || argEpi,
                            "epilogue node %" + i + " uses inner node %" + a + " other than through a reduce");
                }
            }
            switch (n) {
                case Node.Load l -> {
                    check(l.input >= 0 && l.input < inputs.size(), "node %" + i + " loads missing input " + l.input);
                    Input in = inputs.get(l.input);
                    check(in.spec.dtype() == l.dtype, "node %" + i + " loads " + in.spec + " as " + l.dtype);
                    if (epi) {
                        for (int r : reduced) {
                            check(
                                    in.strides[r] == 0,
                                    "epilogue node %" + i + " loads in" + l.input + ", which varies along reduced axis "
                                            + r);
                        }
                    }
                }
                case Node.Iota io -> {
                    check(io.strides.length == space.length, "iota node %" + i + " does not match space rank");
                    if (epi) {
                        for (int r : reduced) {
                            check(io.strides[r] == 0, "epilogue iota %" + i + " varies along reduced axis " + r);
                        }
                    }
                }
                case Node.Op op -> {
                    check(op.op.isElementwise(), "node %" + i + ": " + op.op + " is not elementwise");
                    check(
                            op.op.arity() == op.args.length,
                            "node %" + i + ": " + op.op + " takes " + op.op.arity() + " arguments");
                }
                case Node.Reduce r -> {
                    check(epi && root instanceof Root.Reduce, "reduce node %" + i + " outside a reduction's epilogue");
                    check(
                            r.reducer.kind() == Primitive.Kind.REDUCE,
                            "node %" + i + ": " + r.reducer + " is not a reduction");
                }
                case Node.DotResult dr ->
                    check(epi && root instanceof Root.Matmul, "dot_result %" + i + " outside a matmul's epilogue");
                case Node.Literal lit -> {}
            }
        }
        for (Output out : outputs) {
            check(out.node >= 0 && out.node < nodes.size(), "output of missing node %" + out.node);
            check(out.strides.length == space.length, "output map " + out + " does not match space rank");
            check(nodes.get(out.node).dtype() == out.spec.dtype(), "output " + out + " has the wrong dtype");
            checkMap(space, out.strides, out.offset, out.spec, "output " + out);
            if (out.node >= epilogueStart) {
                for (int r : reduced) {
                    check(out.strides[r] == 0, "epilogue output " + out + " varies along reduced axis " + r);
                }
            }
        }
        if (root instanceof Root.Matmul m) {
            check(m.lhs >= 0 && m.lhs < inputs.size() && m.rhs >= 0 && m.rhs < inputs.size(), "matmul inputs missing");
            checkNatural(space, m.dims, inputs.get(m.lhs), true);
            checkNatural(space, m.dims, inputs.get(m.rhs), false);
        }
    }

    /** Every point of the space must land inside the buffer. */
    private static void checkMap(int[] space, int[] strides, int offset, ArraySpec spec, String what) {
        long lo = offset;
        long hi = offset;
        boolean empty = false;
        for (int d = 0; d < space.length; d++) {
            if (space[d] == 0) {
                empty = true;
            }
            if (space[d] == 1) {
                check(strides[d] == 0, what + ": stride along an axis of length 1 must be 0");
            }
            long span = (long) strides[d] * Math.max(0, space[d] - 1);
            lo += Math.min(0, span);
            hi += Math.max(0, span);
        }
        check(empty || (lo >= 0 && hi < spec.size()), what + " reaches outside its buffer");
    }

    private static void checkNatural(int[] space, Params.DotGeneral dims, Input in, boolean lhs) {
        Ints contract = lhs ? dims.lhsContract() : dims.rhsContract();
        Ints batch = lhs ? dims.lhsBatch() : dims.rhsBatch();
        int rank = in.spec.rank();
        int[] rs = Shape.strides(in.spec.shape());
        int[] want = new int[space.length];
        int nb = batch.size();
        int nc = contract.size();
        List<Integer> free = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if (!batch.contains(d) && !contract.contains(d)) {
                free.add(d);
            }
        }
        // space = [batch, lhs free, rhs free, contract]: the rhs's free dims end where contract dims begin
        int freeStart = lhs ? nb : space.length - nc - free.size();
        check(freeStart >= nb, "matmul space " + Arrays.toString(space) + " is too small for its operands");
        for (int i = 0; i < nb; i++) {
            want[i] = rs[batch.get(i)];
        }
        for (int i = 0; i < free.size(); i++) {
            want[freeStart + i] = rs[free.get(i)];
        }
        for (int i = 0; i < nc; i++) {
            want[space.length - nc + i] = rs[contract.get(i)];
        }
        for (int d = 0; d < space.length; d++) {
            if (space[d] == 1) {
                want[d] = 0;
            }
        }
        check(
                in.offset == 0 && Arrays.equals(want, in.strides),
                "matmul " + (lhs ? "lhs" : "rhs") + " input " + in + " is not the whole operand in its natural layout "
                        + Arrays.toString(want));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid fused kernel: " + message);
        }
    }
}
