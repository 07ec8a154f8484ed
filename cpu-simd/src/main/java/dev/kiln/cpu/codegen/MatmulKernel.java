package dev.kiln.cpu.codegen;

import dev.kiln.Shape;
import dev.kiln.cpu.DotGeneral;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.FusedKernel.Node;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.OutputArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A matmul kernel: the backend's packed, register-tiled dot_general writes the product, and the
 * epilogue (bias, activation, scaling) is one generated elementwise pass that runs block by block
 * inside the matmul: as soon as a block of C (one row block of the A panel by 256 columns) has
 * taken its last k panel, the thread that computed it runs the epilogue over it while it is still
 * in L2, so the product never makes a round trip through memory. The epilogue is not applied to
 * the micro-kernel's registers themselves: that would need one micro-kernel per epilogue, and
 * the block costs one L2 read of C, small next to the k-panel that produced it.
 *
 * <p>When every output is laid out as the transposed product ({@code (a @ b).T}, as a weight
 * gradient is), the kernel computes {@code b.T @ a.T} instead, so the product and the epilogue
 * walk memory in order.
 */
final class MatmulKernel implements CompiledKernel {
    private final Backend backend;
    private final FusedKernel.Root.Matmul root;
    private final ArraySpec product;
    /** The epilogue pass, or null when the product is the kernel's only output as it is. */
    private final CompiledKernel epilogue;
    /** For each input of the epilogue pass after the product: the matmul kernel's input. */
    private final int[] epilogueInputs;

    /** The kernel's output without an epilogue, or the epilogue's output written in place; else null. */
    private final ArraySpec output;
    /** The product's rows and columns per batch (lhs free and rhs free elements). */
    private final int rows;

    private final int cols;
    /** Whether the product is computed as {@code b.T @ a.T} (the outputs want it transposed). */
    private final boolean transposed;
    /**
     * The epilogue's output written into the product's own array, or -1: one laid out as the
     * product and of its dtype, which the pass overwrites point by point after reading the product
     * there (the pass reads the product only at the point it writes). The kernel then needs no
     * second array of the product's size, and writes into cache lines the block already holds.
     */
    private final int inPlace;

    private MatmulKernel(
            Backend backend,
            FusedKernel.Root.Matmul root,
            ArraySpec product,
            CompiledKernel epilogue,
            int[] epilogueInputs,
            ArraySpec output,
            int rows,
            int cols,
            boolean transposed,
            int inPlace) {
        this.backend = backend;
        this.root = root;
        this.product = product;
        this.epilogue = epilogue;
        this.epilogueInputs = epilogueInputs;
        this.output = output;
        this.rows = rows;
        this.cols = cols;
        this.transposed = transposed;
        this.inPlace = inPlace;
    }

    static CompiledKernel of(FusedKernel k, Backend backend, KernelCompiler compiler)
            throws UnsupportedKernelException {
        FusedKernel.Root.Matmul root = (FusedKernel.Root.Matmul) k.root();
        Params.DotGeneral dims = root.dims();
        int[] kept = k.keptAxes();
        int[] outShape = k.outputSpace();
        List<Node> nodes = k.nodes();
        int dot = -1;
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) instanceof Node.DotResult) {
                dot = i;
            }
        }
        if (dot < 0) {
            throw new UnsupportedKernelException("a matmul kernel without its product");
        }
        int batch = dims.lhsBatch().size();
        int lhsFree = k.inputs().get(root.lhs()).spec().rank()
                - batch
                - dims.lhsContract().size();
        int rhsFree = outShape.length - batch - lhsFree;
        // the product's axes in the order it is computed: [batch, lhs free, rhs free], or with the
        // free groups swapped when the outputs want the transposed product
        int[] order = new int[outShape.length];
        Arrays.setAll(order, d -> d);
        int[] swapped = order.clone();
        for (int d = 0; d < rhsFree; d++) {
            swapped[batch + d] = batch + lhsFree + d;
        }
        for (int d = 0; d < lhsFree; d++) {
            swapped[batch + rhsFree + d] = batch + d;
        }
        int lhsSize = Shape.size(Arrays.copyOfRange(outShape, batch, batch + lhsFree));
        int rhsSize = Shape.size(Arrays.copyOfRange(outShape, batch + lhsFree, outShape.length));
        // swapped, the lhs's free size becomes the product's row length: not when that makes a
        // short row (a 10-wide product leaves most of the micro-tile's 32 columns idle) out of a long
        // one, where the transposed walk of a small epilogue costs less
        boolean narrow = lhsSize < 64 && lhsSize < rhsSize;
        if (lhsFree > 0
                && rhsFree > 0
                && !narrow
                && !anyInOrder(k, kept, order, outShape)
                && allInOrder(k, kept, swapped, outShape)) {
            order = swapped;
            root = new FusedKernel.Root.Matmul(
                    new Params.DotGeneral(dims.rhsContract(), dims.lhsContract(), dims.rhsBatch(), dims.lhsBatch()),
                    root.rhs(),
                    root.lhs());
        }
        int[] space = permute(outShape, order);
        int freeFirst = order == swapped ? rhsFree : lhsFree;
        int m = Shape.size(Arrays.copyOfRange(space, batch, batch + freeFirst));
        int n = Shape.size(Arrays.copyOfRange(space, batch + freeFirst, space.length));
        ArraySpec product = new ArraySpec(nodes.get(dot).dtype(), space);
        int[] natural = natural(space);
        if (k.outputs().size() == 1) {
            FusedKernel.Output o = k.outputs().get(0);
            if (o.node() == dot && inOrder(o, kept, order, outShape)) {
                return new MatmulKernel(backend, root, product, null, new int[0], o.spec(), m, n, order == swapped, -1);
            }
        }
        List<FusedKernel.Input> inputs = new ArrayList<>();
        inputs.add(new FusedKernel.Input(product, natural, 0));
        Map<Integer, Integer> remap = new HashMap<>();
        List<Integer> sources = new ArrayList<>();
        List<Node> epi = new ArrayList<>();
        int[] ord = order;
        for (Node nd : nodes) {
            epi.add(
                    switch (nd) {
                        case Node.DotResult d -> new Node.Load(0, d.dtype());
                        case Node.Load l ->
                            new Node.Load(
                                    remap.computeIfAbsent(l.input(), i -> {
                                        FusedKernel.Input in = k.inputs().get(i);
                                        inputs.add(new FusedKernel.Input(
                                                in.spec(), permute(Shape.pick(in.strides(), kept), ord), in.offset()));
                                        sources.add(i);
                                        return inputs.size() - 1;
                                    }),
                                    l.dtype());
                        case Node.Iota io ->
                            new Node.Iota(io.dtype(), io.offset(), permute(Shape.pick(io.strides(), kept), ord));
                        default -> nd;
                    });
        }
        List<FusedKernel.Output> outs = new ArrayList<>();
        for (FusedKernel.Output o : k.outputs()) {
            outs.add(new FusedKernel.Output(
                    o.node(), o.spec(), permute(Shape.pick(o.strides(), kept), ord), o.offset()));
        }
        FusedKernel pass = new FusedKernel(space, inputs, epi, epi.size(), outs, new FusedKernel.Root.Elementwise());
        CompiledKernel compiled = compiler.compile(pass);
        int inPlace = inPlace(k, dot, kept, order, outShape, product);
        return new MatmulKernel(
                backend,
                root,
                product,
                compiled,
                sources.stream().mapToInt(Integer::intValue).toArray(),
                inPlace < 0 ? null : k.outputs().get(inPlace).spec(),
                m,
                n,
                order == swapped,
                inPlace);
    }

    /**
     * The output the epilogue can write over the product, or -1: one of the product's dtype laid out
     * as the product, preferring the product itself (which the pass then stores where it read it).
     */
    private static int inPlace(FusedKernel k, int dot, int[] kept, int[] order, int[] outShape, ArraySpec product) {
        int chosen = -1;
        for (int i = 0; i < k.outputs().size(); i++) {
            FusedKernel.Output o = k.outputs().get(i);
            if (o.spec().dtype() == product.dtype() && inOrder(o, kept, order, outShape)) {
                if (o.node() == dot) {
                    return i;
                }
                if (chosen < 0) {
                    chosen = i;
                }
            }
        }
        return chosen;
    }

    @Override
    public List<Buffer> run(List<Buffer> inputs) {
        Buffer lhs = inputs.get(root.lhs());
        Buffer rhs = inputs.get(root.rhs());
        if (epilogue instanceof GeneratedKernel g && lhs instanceof HostBuffer a && rhs instanceof HostBuffer b) {
            return inBlocks(g, a, b, inputs);
        }
        Buffer p = backend.execute(Primitive.DOT_GENERAL, root.dims(), product, List.of(lhs, rhs));
        if (epilogue == null) {
            return List.of(HostBuffer.wrap(output, ((HostBuffer) p).data()));
        }
        return epilogue.run(epilogueArguments(p, inputs));
    }

    /** The product, with the epilogue run over each block of it as the matmul finishes the block. */
    private List<Buffer> inBlocks(GeneratedKernel g, HostBuffer a, HostBuffer b, List<Buffer> inputs) {
        // the product lives only while the epilogue reads it: within a compiled program's run its
        // array comes from the run and goes back after (cleared first: the matmul adds into it)
        HostBuffer p = OutputArrays.allocateZeroed(product);
        GeneratedKernel.Call call = inPlace < 0
                ? g.bind(epilogueArguments(p, inputs))
                : g.bind(epilogueArguments(p, inputs), inPlace, HostBuffer.wrap(output, p.data()));
        long perBatch = (long) rows * cols;
        DotGeneral.apply(a, b, root.dims(), product, p.data(), (t, r0, rs, c0, cs) -> {
            long base = t * perBatch + (long) r0 * cols + c0;
            if (cs == cols) {
                g.points(call, (int) base, (int) (base + (long) rs * cols));
                return;
            }
            for (int r = 0; r < rs; r++) {
                int at = (int) (base + (long) r * cols);
                g.points(call, at, at + cs);
            }
        });
        OutputArrays.Run run = OutputArrays.current();
        if (run != null && inPlace < 0) {
            run.giveBack(p.data());
        }
        return call.results();
    }

    private List<Buffer> epilogueArguments(Buffer product, List<Buffer> inputs) {
        List<Buffer> in = new ArrayList<>(1 + epilogueInputs.length);
        in.add(product);
        for (int i : epilogueInputs) {
            in.add(inputs.get(i));
        }
        return in;
    }

    @Override
    public String toString() {
        String how = transposed ? "matmul computed as b.T @ a.T, " : "matmul, ";
        if (epilogue == null) {
            return how + "no epilogue";
        }
        return how + (epilogue instanceof GeneratedKernel ? "epilogue in blocks: " : "epilogue after it: ") + epilogue;
    }

    /** Whether output {@code o}, with its space axes taken in {@code order}, is row-major over the whole product. */
    private static boolean inOrder(FusedKernel.Output o, int[] kept, int[] order, int[] outShape) {
        int[] space = permute(outShape, order);
        return o.offset() == 0
                && o.spec().size() == Shape.size(space)
                && Arrays.equals(permute(Shape.pick(o.strides(), kept), order), natural(space));
    }

    private static boolean anyInOrder(FusedKernel k, int[] kept, int[] order, int[] outShape) {
        return k.outputs().stream().anyMatch(o -> inOrder(o, kept, order, outShape));
    }

    private static boolean allInOrder(FusedKernel k, int[] kept, int[] order, int[] outShape) {
        return k.outputs().stream().allMatch(o -> inOrder(o, kept, order, outShape));
    }

    /** {@code x} with its entries taken in {@code order}: {@code y[d] = x[order[d]]}. */
    private static int[] permute(int[] x, int[] order) {
        int[] y = new int[order.length];
        for (int d = 0; d < order.length; d++) {
            y[d] = x[order[d]];
        }
        return y;
    }

    /** Row-major strides of a shape, 0 along axes of length 1 (as index maps have them). */
    private static int[] natural(int[] shape) {
        int[] s = Shape.strides(shape);
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                s[d] = 0;
            }
        }
        return s;
    }
}
