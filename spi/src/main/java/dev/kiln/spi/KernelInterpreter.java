package dev.kiln.spi;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The default {@link Backend#compileKernel}: runs a {@link FusedKernel} node by node through {@link
 * Backend#execute}, materialising every node as a whole array (of the space's shape for inner
 * nodes, of the output space's shape for epilogue nodes). Index maps become movement primitives
 * (slice, rev, reshape, transpose, broadcast_in_dim), or a take of precomputed offsets where a map
 * is not of that form. Nothing is fast here, but every backend that implements the primitives runs
 * every kernel correctly, and gives the same values it gives eagerly.
 */
public final class KernelInterpreter implements CompiledKernel {
    private final Backend backend;
    private final FusedKernel kernel;
    private final int[] space;
    private final int[] outShape;
    private final int[] reduced;
    /** Per node: the movement that turns its input into an array of the node's phase shape. */
    private final Movement[] loads;
    /** Per literal node: its value as a 0-d buffer (broadcast when the kernel runs, so no array of the space's size is kept). */
    private final Buffer[] constants;

    private final Movement[] stores;

    public KernelInterpreter(Backend backend, FusedKernel kernel) {
        this.backend = backend;
        this.kernel = kernel;
        this.space = kernel.space();
        this.outShape = kernel.outputSpace();
        this.reduced = kernel.reducedAxes();
        List<FusedKernel.Node> nodes = kernel.nodes();
        this.loads = new Movement[nodes.size()];
        this.constants = new Buffer[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            int[] dims = phaseDims(i);
            int[] shape = phaseShape(i);
            switch (nodes.get(i)) {
                case FusedKernel.Node.Load l -> {
                    FusedKernel.Input in = kernel.inputs().get(l.input());
                    loads[i] = load(in.spec(), shape, Shape.pick(in.strides(), dims), in.offset());
                }
                case FusedKernel.Node.Literal lit -> constants[i] = backend.fromHost(lit.toHost());
                default -> {}
            }
        }
        this.stores = new Movement[kernel.outputs().size()];
        for (int k = 0; k < stores.length; k++) {
            FusedKernel.Output out = kernel.outputs().get(k);
            stores[k] = store(
                    out.spec(), phaseShape(out.node()), Shape.pick(out.strides(), phaseDims(out.node())), out.offset());
        }
    }

    /** The kernel this interpreter runs. */
    public FusedKernel kernel() {
        return kernel;
    }

    @Override
    public List<Buffer> run(List<Buffer> inputs) {
        if (inputs.size() != kernel.inputs().size()) {
            throw new IllegalArgumentException(
                    "kernel takes " + kernel.inputs().size() + " buffers, got " + inputs.size());
        }
        List<FusedKernel.Node> nodes = kernel.nodes();
        Buffer[] v = new Buffer[nodes.size()];
        for (int i = 0; i < v.length; i++) {
            int[] shape = phaseShape(i);
            v[i] = switch (nodes.get(i)) {
                case FusedKernel.Node.Load l -> loads[i].apply(inputs.get(l.input()));
                case FusedKernel.Node.Literal lit -> broadcast(constants[i], shape);
                case FusedKernel.Node.Iota io -> iota(io, shape, Shape.pick(io.strides(), phaseDims(i)));
                case FusedKernel.Node.Op op -> {
                    List<Buffer> args = new ArrayList<>(op.args().length);
                    for (int a : op.args()) {
                        args.add(v[a]);
                    }
                    yield Lowering.execute(backend, op.op(), op.params(), new ArraySpec(op.dtype(), shape), args);
                }
                case FusedKernel.Node.Reduce r ->
                    Lowering.execute(
                            backend,
                            r.reducer(),
                            new Params.Reduce(reduced),
                            new ArraySpec(r.dtype(), outShape),
                            List.of(v[r.arg()]));
                case FusedKernel.Node.DotResult d -> {
                    FusedKernel.Root.Matmul m = (FusedKernel.Root.Matmul) kernel.root();
                    yield Lowering.execute(
                            backend,
                            Primitive.DOT_GENERAL,
                            m.dims(),
                            new ArraySpec(d.dtype(), outShape),
                            List.of(inputs.get(m.lhs()), inputs.get(m.rhs())));
                }
            };
        }
        List<Buffer> out = new ArrayList<>(stores.length);
        for (int k = 0; k < stores.length; k++) {
            out.add(stores[k].apply(v[kernel.outputs().get(k).node()]));
        }
        return out;
    }

    private Buffer broadcast(Buffer scalar, int[] shape) {
        if (shape.length == 0) {
            return scalar;
        }
        return Lowering.execute(
                backend,
                Primitive.BROADCAST_IN_DIM,
                new Params.BroadcastInDim(shape, new int[0]),
                scalar.spec().withShape(shape),
                List.of(scalar));
    }

    /** {@code offset + Σ coef[d] * iota_d} in int32 through execute, converted to the node's dtype. */
    private Buffer iota(FusedKernel.Node.Iota io, int[] shape, int[] coef) {
        ArraySpec ints = new ArraySpec(DType.INT32, shape);
        Buffer acc = null;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] <= 1 || coef[d] == 0) {
                continue;
            }
            Buffer t =
                    Lowering.execute(backend, Primitive.IOTA, new Params.Iota(DType.INT32, shape, d), ints, List.of());
            if (coef[d] != 1) {
                t = Lowering.execute(
                        backend, Primitive.MUL, Params.NONE, ints, List.of(t, broadcast(int32(coef[d]), shape)));
            }
            acc = acc == null ? t : Lowering.execute(backend, Primitive.ADD, Params.NONE, ints, List.of(acc, t));
        }
        if (acc == null || io.offset() != 0) {
            Buffer c = broadcast(int32(io.offset()), shape);
            acc = acc == null ? c : Lowering.execute(backend, Primitive.ADD, Params.NONE, ints, List.of(acc, c));
        }
        return io.dtype() == DType.INT32
                ? acc
                : Lowering.execute(
                        backend,
                        Primitive.CONVERT,
                        new Params.Convert(io.dtype()),
                        new ArraySpec(io.dtype(), shape),
                        List.of(acc));
    }

    private Buffer int32(int v) {
        return backend.fromHost(HostBuffer.wrap(ArraySpec.of(DType.INT32), new int[] {v}));
    }

    private int[] phaseShape(int node) {
        return kernel.isEpilogue(node) ? outShape : space;
    }

    private int[] phaseDims(int node) {
        if (kernel.isEpilogue(node)) {
            return kernel.keptAxes();
        }
        int[] all = new int[space.length];
        for (int d = 0; d < all.length; d++) {
            all[d] = d;
        }
        return all;
    }

    private static long[] toLong(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    // ------------------------------------------------------------------ index maps as movement

    /** A fixed sequence of primitives applied to one buffer. */
    private final class Movement {
        private final List<Primitive> prims = new ArrayList<>();
        private final List<Params> params = new ArrayList<>();
        private final List<ArraySpec> specs = new ArrayList<>();
        private final List<Buffer> extra = new ArrayList<>();
        private ArraySpec current;

        Movement(ArraySpec start) {
            this.current = start;
        }

        void add(Primitive p, Params ps, int[] shape, Buffer second) {
            prims.add(p);
            params.add(ps);
            current = current.withShape(shape);
            specs.add(current);
            extra.add(second);
        }

        void reshape(int[] shape) {
            if (!Arrays.equals(shape, current.shape())) {
                add(Primitive.RESHAPE, new Params.Reshape(shape), shape, null);
            }
        }

        Buffer apply(Buffer b) {
            for (int i = 0; i < prims.size(); i++) {
                List<Buffer> in = extra.get(i) == null ? List.of(b) : List.of(b, extra.get(i));
                b = Lowering.execute(backend, prims.get(i), params.get(i), specs.get(i), in);
            }
            return b;
        }
    }

    /**
     * The movement giving {@code a[p] = buffer[offset + Σ coef[d] p[d]]} over {@code shape}. Axes
     * with coefficient 0 are broadcast; the others become a slice (with strides), a rev for
     * negative coefficients and a transpose, when each such axis walks exactly one axis of the
     * buffer; otherwise a take of the precomputed offsets.
     */
    private Movement load(ArraySpec in, int[] shape, int[] coef, int offset) {
        int m = shape.length;
        int[] liveDims = live(shape, coef);
        int nl = liveDims.length;
        int[] liveSizes = new int[nl];
        long[] liveCoef = new long[nl];
        for (int i = 0; i < nl; i++) {
            liveSizes[i] = shape[liveDims[i]];
            liveCoef[i] = coef[liveDims[i]];
        }
        Movement mv = new Movement(in);
        int[] inShape = in.shape();
        IndexMaps.Digits digits = IndexMaps.decompose(offset, liveCoef, liveSizes, inShape);
        int[] axisOf = digits == null ? null : axisPerLiveDim(digits, nl, inShape.length);
        if (axisOf != null) {
            int r = inShape.length;
            int[] start = new int[r];
            int[] limit = new int[r];
            int[] step = new int[r];
            int[] sliced = new int[r];
            List<Integer> revAxes = new ArrayList<>();
            int[] liveOfAxis = new int[r];
            Arrays.fill(liveOfAxis, -1);
            for (int i = 0; i < nl; i++) {
                liveOfAxis[axisOf[i]] = i;
            }
            boolean full = true;
            for (int j = 0; j < r; j++) {
                int i = liveOfAxis[j];
                long c = i < 0 ? 0 : digits.coefs()[j][i];
                int count = i < 0 ? 1 : liveSizes[i];
                long first = c >= 0 ? digits.offsets()[j] : digits.offsets()[j] + c * (count - 1);
                step[j] = (int) Math.max(1, Math.abs(c));
                start[j] = (int) first;
                limit[j] = (int) (first + (long) step[j] * (count - 1) + 1);
                sliced[j] = count;
                if (c < 0) {
                    revAxes.add(j);
                }
                full &= start[j] == 0 && step[j] == 1 && count == inShape[j];
            }
            if (!full) {
                mv.add(Primitive.SLICE, new Params.Slice(start, limit, step), sliced, null);
            }
            if (!revAxes.isEmpty()) {
                mv.add(
                        Primitive.REV,
                        new Params.Rev(
                                revAxes.stream().mapToInt(Integer::intValue).toArray()),
                        sliced,
                        null);
            }
            int[] order = new int[nl];
            int[] orderedSizes = new int[nl];
            int k = 0;
            for (int j = 0; j < r; j++) {
                if (liveOfAxis[j] >= 0) {
                    order[k] = liveOfAxis[j];
                    orderedSizes[k++] = sliced[j];
                }
            }
            mv.reshape(orderedSizes);
            int[] perm = new int[nl];
            boolean identity = true;
            for (int i = 0; i < nl; i++) {
                for (int q = 0; q < nl; q++) {
                    if (order[q] == i) {
                        perm[i] = q;
                    }
                }
                identity &= perm[i] == i;
            }
            if (!identity) {
                mv.add(Primitive.TRANSPOSE, new Params.Transpose(perm), liveSizes, null);
            }
        } else {
            mv.reshape(new int[] {in.size()});
            int[] offsets = IndexMaps.enumerate(liveSizes, offset, liveCoef);
            Buffer idx = backend.fromHost(HostBuffer.wrap(new ArraySpec(DType.INT32, liveSizes), offsets));
            mv.add(Primitive.TAKE, new Params.Axis(0), liveSizes, idx);
        }
        int[] withOnes = new int[m];
        Arrays.fill(withOnes, 1);
        for (int d : liveDims) {
            withOnes[d] = shape[d];
        }
        mv.reshape(withOnes);
        if (!Arrays.equals(withOnes, shape)) {
            int[] dims = new int[m];
            for (int d = 0; d < m; d++) {
                dims[d] = d;
            }
            mv.add(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(shape, dims), shape, null);
        }
        return mv;
    }

    /** For each live dim, the one buffer axis it walks; null if some dim walks several or two share one. */
    private static int[] axisPerLiveDim(IndexMaps.Digits digits, int nl, int rank) {
        int[] axisOf = new int[nl];
        boolean[] used = new boolean[rank];
        for (int i = 0; i < nl; i++) {
            axisOf[i] = -1;
            for (int j = 0; j < rank; j++) {
                if (digits.coefs()[j][i] != 0) {
                    if (axisOf[i] >= 0 || used[j]) {
                        return null;
                    }
                    axisOf[i] = j;
                    used[j] = true;
                }
            }
            if (axisOf[i] < 0) {
                return null;
            }
        }
        return axisOf;
    }

    private static int[] live(int[] shape, int[] coef) {
        return java.util.stream.IntStream.range(0, shape.length)
                .filter(d -> shape[d] > 1 && coef[d] != 0)
                .toArray();
    }

    /**
     * Adds to {@code mv} the rev and transpose that a store through a permutation of axes (some
     * reversed) amounts to, if the map is one; returns whether it was.
     */
    private static boolean permuted(Movement mv, int[] shape, int[] coef, int offset, int[] outShape) {
        int[] liveDims = live(shape, coef);
        int nl = liveDims.length;
        int[] liveSizes = new int[nl];
        long[] liveCoef = new long[nl];
        for (int i = 0; i < nl; i++) {
            liveSizes[i] = shape[liveDims[i]];
            liveCoef[i] = coef[liveDims[i]];
        }
        IndexMaps.Digits digits = IndexMaps.decompose(offset, liveCoef, liveSizes, outShape);
        int[] axisOf = digits == null ? null : axisPerLiveDim(digits, nl, outShape.length);
        if (axisOf == null) {
            return false;
        }
        List<Integer> rev = new ArrayList<>();
        for (int i = 0; i < nl; i++) {
            long c = digits.coefs()[axisOf[i]][i];
            if (Math.abs(c) != 1) {
                return false;
            }
            if (c < 0) {
                rev.add(liveDims[i]);
            }
        }
        if (!rev.isEmpty()) {
            mv.add(
                    Primitive.REV,
                    new Params.Rev(rev.stream().mapToInt(Integer::intValue).toArray()),
                    shape,
                    null);
        }
        mv.reshape(liveSizes);
        Integer[] order = new Integer[nl];
        for (int i = 0; i < nl; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Integer.compare(axisOf[x], axisOf[y]));
        int[] perm = new int[nl];
        int[] permuted = new int[nl];
        boolean identity = true;
        for (int i = 0; i < nl; i++) {
            perm[i] = order[i];
            permuted[i] = liveSizes[order[i]];
            identity &= perm[i] == i;
        }
        if (!identity) {
            mv.add(Primitive.TRANSPOSE, new Params.Transpose(perm), permuted, null);
        }
        return true;
    }

    /** The movement that stores a value of {@code shape} through a bijective map into {@code out}'s storage. */
    private Movement store(ArraySpec out, int[] shape, int[] coef, int offset) {
        ArraySpec value = out.withShape(shape);
        Movement mv = new Movement(value);
        long[] rm = IndexMaps.rowMajor(shape);
        boolean rowMajor = offset == 0 && Shape.size(shape) == out.size();
        for (int d = 0; d < shape.length && rowMajor; d++) {
            rowMajor = shape[d] <= 1 || coef[d] == rm[d];
        }
        if (!rowMajor && !permuted(mv, shape, coef, offset, out.shape())) {
            int n = out.size();
            int[] target = IndexMaps.enumerate(shape, offset, toLong(coef));
            int[] inverse = new int[n];
            for (int i = 0; i < target.length; i++) {
                inverse[target[i]] = i;
            }
            mv.reshape(new int[] {value.size()});
            Buffer idx = backend.fromHost(HostBuffer.wrap(ArraySpec.of(DType.INT32, n), inverse));
            mv.add(Primitive.TAKE, new Params.Axis(0), new int[] {n}, idx);
        }
        mv.reshape(out.shape());
        return mv;
    }
}
