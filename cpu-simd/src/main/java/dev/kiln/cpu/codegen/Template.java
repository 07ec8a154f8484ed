package dev.kiln.cpu.codegen;

import dev.kiln.DType;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.FusedKernel.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the generated code of a kernel depends on, and nothing more: the loop kind and ranks, each
 * index map's dtype and stride pattern (zero, one or other along the vector axis, and which outer
 * and reduced axes it moves along), and the expression DAG. Sizes, strides and offsets are read at
 * run time from the geometry array, so kernels that differ only in them share one class. Records
 * compare by value, which makes this the cache key for generated classes.
 *
 * <p>Index maps are numbered inputs first, then one per iota node (an iota is a load from a
 * precomputed ramp {@code 0, 1, 2, …} through the iota's own affine map), then outputs.
 */
record Template(
        LoopNest.Kind kind,
        int outerRank,
        int reducedRank,
        Lanes lanes,
        List<MapInfo> maps,
        List<Node> nodes,
        int epilogueStart,
        List<Store> stores) {

    /** How a map moves along the vector axis. */
    enum Stride {
        ZERO,
        UNIT,
        STRIDED
    }

    /** One index map: its dtype, whether kernels write through it, and its stride pattern. */
    record MapInfo(DType dtype, boolean output, Stride inner, int outerVaries, int reducedVaries) {}

    /** Output {@code map} holds node {@code node}. */
    record Store(int node, int map) {}

    /** Ramps of iota nodes longer than this are not built; such kernels are left to the interpreter. */
    static final int MAX_RAMP = 1 << 22;

    /**
     * A template with the data one kernel instance binds to it: the loop nest, iota ramps, and the
     * bits of the float literals in {@link #literalSlots} order.
     */
    record Plan(Template template, LoopNest nest, Object[] ramps, long[] literals, boolean heavy) {
        /** The geometry array: the nest's, then each literal's bits as two ints (high, low). */
        int[] geometry() {
            int[] g = nest.geometry();
            int[] all = Arrays.copyOf(g, g.length + 2 * literals.length);
            for (int k = 0; k < literals.length; k++) {
                all[g.length + 2 * k] = (int) (literals[k] >>> 32);
                all[g.length + 2 * k + 1] = (int) literals[k];
            }
            return all;
        }
    }

    Template {
        maps = List.copyOf(maps);
        nodes = List.copyOf(nodes);
        stores = List.copyOf(stores);
    }

    boolean isEpilogue(int node) {
        return node >= epilogueStart;
    }

    /** Per node: the index of its value among the float literals, or -1 if it is not a float literal. */
    int[] literalSlots() {
        int[] slots = new int[nodes.size()];
        int k = 0;
        for (int i = 0; i < nodes.size(); i++) {
            slots[i] = nodes.get(i) instanceof Node.Literal lit && dataLiteral(lit.dtype()) ? k++ : -1;
        }
        return slots;
    }

    /** Reduce nodes in node order; their position in this list is their accumulator index. */
    List<Integer> reduceNodes() {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) instanceof Node.Reduce) {
                r.add(i);
            }
        }
        return r;
    }

    /** The plan of an elementwise or reduction kernel whose space is not empty. */
    static Plan plan(FusedKernel k) throws UnsupportedKernelException {
        if (k.root() instanceof FusedKernel.Root.Matmul) {
            throw new IllegalArgumentException("matmul kernels are planned by MatmulKernel");
        }
        int nIn = k.inputs().size();
        List<int[]> strides = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        List<DType> dtypes = new ArrayList<>();
        for (FusedKernel.Input in : k.inputs()) {
            strides.add(in.strides());
            offsets.add(in.offset());
            dtypes.add(in.spec().dtype());
        }
        List<Node> nodes = new ArrayList<>(k.nodes());
        List<Object> ramps = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node.Iota io = null;
            if (nodes.get(i) instanceof Node.Iota x && (!integer(x.dtype()) || x.dtype() == DType.INT32)) {
                io = x;
            } else if (nodes.get(i) instanceof Node.Op op
                    && op.op() == Primitive.CONVERT
                    && nodes.get(op.arg(0)) instanceof Node.Iota x
                    && integer(x.dtype())
                    && !integer(op.dtype())) {
                // arange(n).astype(float32): the converted values make the ramp, and the integer iota dies
                io = new Node.Iota(op.dtype(), x.offset(), x.strides());
            }
            if (io != null) {
                ramps.add(ramp(io, k.space()));
                nodes.set(i, new Node.Load(nIn + ramps.size() - 1, io.dtype()));
                strides.add(io.strides());
                offsets.add(io.offset());
                dtypes.add(io.dtype());
            }
        }
        List<Store> stores = new ArrayList<>();
        for (FusedKernel.Output out : k.outputs()) {
            stores.add(new Store(out.node(), strides.size()));
            strides.add(out.strides());
            offsets.add(out.offset());
            dtypes.add(out.spec().dtype());
        }
        boolean f32 = false;
        boolean f64 = false;
        boolean heavy = false;
        boolean[] live = live(nodes, stores);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!live[i]) {
                // a placeholder, so that what no output needs (an integer iota that was converted)
                // neither blocks generation nor ties the class to this kernel's sizes
                nodes.set(i, new Node.Literal(DType.BOOL, 0));
                continue;
            }
            check(n, i, nodes, live, stores);
            f32 |= n.dtype() == DType.FLOAT32;
            f64 |= n.dtype() == DType.FLOAT64;
            heavy |= n instanceof Node.Op op && isTranscendental(op.op());
        }
        // float literal values are data (read from the geometry array), so kernels that differ
        // only in their constants share a class
        List<Long> literals = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) instanceof Node.Literal lit && dataLiteral(lit.dtype())) {
                literals.add(lit.bits());
                nodes.set(i, new Node.Literal(lit.dtype(), 0));
            }
        }
        // bool-only kernels compute on masks of the float species
        Lanes lanes = f32 && f64 ? Lanes.MIXED : f64 ? Lanes.DOUBLE : Lanes.FLOAT;
        boolean[] reduced = new boolean[k.rank()];
        for (int d : k.reducedAxes()) {
            reduced[d] = true;
        }
        boolean reduction = k.root() instanceof FusedKernel.Root.Reduce;
        int[] off = offsets.stream().mapToInt(Integer::intValue).toArray();
        LoopNest nest = LoopNest.of(k.space(), reduced, reduction, strides, off, lanes.length());
        if (nest.outer.length > 30 || nest.reduced.length > 30) {
            throw new UnsupportedKernelException("more than 30 loop axes");
        }
        List<MapInfo> maps = new ArrayList<>();
        int firstOut = strides.size() - stores.size();
        for (int m = 0; m < strides.size(); m++) {
            int s = nest.innerStrides[m];
            Stride c = s == 0 ? Stride.ZERO : s == 1 ? Stride.UNIT : Stride.STRIDED;
            boolean output = m >= firstOut;
            if (output && c == Stride.ZERO) {
                // a bijective output map is constant along the vector axis only when that axis has
                // length 1, where the one lane written is the contiguous one
                c = Stride.UNIT;
            }
            maps.add(new MapInfo(dtypes.get(m), output, c, nest.outerVaries(m), nest.reducedVaries(m)));
        }
        Template t = new Template(
                nest.kind, nest.outer.length, nest.reduced.length, lanes, maps, nodes, k.epilogueStart(), stores);
        return new Plan(
                t,
                nest,
                ramps.toArray(),
                literals.stream().mapToLong(Long::longValue).toArray(),
                heavy);
    }

    /** Literals whose values are data (read from the geometry array) rather than code: floats and int32. */
    static boolean dataLiteral(DType t) {
        return t.isFloating() || t == DType.INT32;
    }

    private static boolean integer(DType t) {
        return t == DType.INT32 || t == DType.UINT32 || t == DType.INT64;
    }

    /** Nodes that some output or reduce node needs. */
    static boolean[] live(List<Node> nodes, List<Store> stores) {
        boolean[] l = new boolean[nodes.size()];
        for (Store s : stores) {
            l[s.node()] = true;
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            if (nodes.get(i) instanceof Node.Reduce) {
                l[i] = true;
            }
            if (l[i]) {
                for (int a : nodes.get(i).args()) {
                    l[a] = true;
                }
            }
        }
        return l;
    }

    /** {@code 0, 1, …, max} as the iota's dtype, as CONVERT from int64 gives it. */
    private static Object ramp(Node.Iota io, int[] space) throws UnsupportedKernelException {
        long max = io.offset();
        int[] s = io.strides();
        for (int d = 0; d < space.length; d++) {
            max += Math.max(0L, (long) s[d] * (space[d] - 1));
        }
        if (max >= MAX_RAMP) {
            throw new UnsupportedKernelException("an iota with values up to " + max);
        }
        int n = (int) max + 1;
        return switch (io.dtype()) {
            case FLOAT32 -> {
                float[] r = new float[n];
                for (int i = 0; i < n; i++) {
                    r[i] = i;
                }
                yield r;
            }
            case FLOAT64 -> {
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    r[i] = i;
                }
                yield r;
            }
            case INT32 -> {
                int[] r = new int[n];
                for (int i = 0; i < n; i++) {
                    r[i] = i;
                }
                yield r;
            }
            case BOOL -> {
                boolean[] r = new boolean[n];
                for (int i = 1; i < n; i++) {
                    r[i] = true;
                }
                yield r;
            }
            default -> throw new UnsupportedKernelException("an iota of dtype " + io.dtype());
        };
    }

    private static void check(Node n, int i, List<Node> nodes, boolean[] live, List<Store> stores)
            throws UnsupportedKernelException {
        DType t = n.dtype();
        if (t != DType.FLOAT32
                && t != DType.FLOAT64
                && t != DType.BOOL
                && !(t == DType.INT32
                        && (n instanceof Node.Load || n instanceof Node.Literal)
                        && comparedOrConverted(i, nodes, live, stores))) {
            throw new UnsupportedKernelException("a " + t + " value (" + n + ")");
        }
        switch (n) {
            case Node.Reduce r -> {
                if (!t.isFloating()) {
                    throw new UnsupportedKernelException(r.reducer() + " over " + t);
                }
                switch (r.reducer()) {
                    case REDUCE_SUM, REDUCE_MAX, REDUCE_MIN -> {}
                    default -> throw new UnsupportedKernelException(r.reducer() + " (no vector accumulator for it)");
                }
            }
            case Node.Op op -> {
                DType arg = nodes.get(op.arg(0)).dtype();
                if (!supports(op, arg)) {
                    throw new UnsupportedKernelException(
                            op.op() + " on " + arg + (op.op() == Primitive.CONVERT ? " to " + t : ""));
                }
            }
            case Node.DotResult d -> throw new UnsupportedKernelException("dot_result outside a matmul kernel");
            default -> {}
        }
    }

    /**
     * Whether every live user of int32 node {@code i} compares it with another int32 value or
     * converts it to a float type or to bool (one-hot labels, int32 data read as floats), and no
     * output stores it: int32 arithmetic is not generated.
     */
    private static boolean comparedOrConverted(int i, List<Node> nodes, boolean[] live, List<Store> stores) {
        for (Store s : stores) {
            if (s.node() == i) {
                return false;
            }
        }
        for (int u = i + 1; u < nodes.size(); u++) {
            if (!live[u]) {
                continue;
            }
            for (int a : nodes.get(u).args()) {
                boolean ok = nodes.get(u) instanceof Node.Op op
                        && ((op.op() == Primitive.CONVERT && (op.dtype().isFloating() || op.dtype() == DType.BOOL))
                                || (op.op().kind() == Primitive.Kind.COMPARE
                                        && nodes.get(op.arg(0)).dtype() == DType.INT32
                                        && nodes.get(op.arg(1)).dtype() == DType.INT32));
                if (a == i && !ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether an op has a vector form here, given its first argument's dtype. */
    static boolean supports(Node.Op op, DType arg) {
        Primitive p = op.op();
        boolean fl = arg.isFloating();
        return switch (p.kind()) {
            case UNARY ->
                switch (p) {
                    case NOT -> arg == DType.BOOL;
                    case ERF -> false;
                    default -> fl;
                };
            case BINARY ->
                switch (p) {
                    case AND, OR, XOR -> arg == DType.BOOL;
                    case REM, SHIFT_LEFT, SHIFT_RIGHT_ARITHMETIC, SHIFT_RIGHT_LOGICAL -> false;
                    default -> fl;
                };
            case COMPARE -> fl || arg == DType.BOOL || arg == DType.INT32;
            case SELECT -> true;
            case CONVERT -> {
                DType to = ((Params.Convert) op.params()).to();
                boolean okTo = to.isFloating() || to == DType.BOOL;
                yield okTo && (fl || arg == DType.BOOL || arg == DType.INT32);
            }
            default -> false;
        };
    }

    static boolean isTranscendental(Primitive p) {
        return p.cost() == Primitive.Cost.TRANSCENDENTAL;
    }
}
