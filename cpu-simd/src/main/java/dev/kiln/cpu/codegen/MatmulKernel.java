package dev.kiln.cpu.codegen;

import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.FusedKernel.Node;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A matmul kernel: the backend's dot_general (packed, register-tiled, split across cores) writes
 * the product, then the epilogue (bias, activation, scaling) runs over it as one generated
 * elementwise pass. The epilogue is not applied inside the matmul's register tile; that would need
 * the micro-kernel to take the epilogue, and costs one extra pass over the output here (small next
 * to the product for all but the thinnest matrices).
 */
final class MatmulKernel implements CompiledKernel {
    private final Backend backend;
    private final FusedKernel.Root.Matmul root;
    private final ArraySpec product;
    /** The epilogue pass, or null when the product is the kernel's only output as it is. */
    private final CompiledKernel epilogue;
    /** For each input of the epilogue pass after the product: the matmul kernel's input. */
    private final int[] epilogueInputs;
    private final ArraySpec output;

    private MatmulKernel(Backend backend, FusedKernel.Root.Matmul root, ArraySpec product, CompiledKernel epilogue,
            int[] epilogueInputs, ArraySpec output) {
        this.backend = backend;
        this.root = root;
        this.product = product;
        this.epilogue = epilogue;
        this.epilogueInputs = epilogueInputs;
        this.output = output;
    }

    static CompiledKernel of(FusedKernel k, Backend backend, KernelCompiler compiler)
            throws UnsupportedKernelException {
        FusedKernel.Root.Matmul root = (FusedKernel.Root.Matmul) k.root();
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
        ArraySpec product = new ArraySpec(nodes.get(dot).dtype(), outShape);
        int[] natural = natural(outShape);
        if (k.outputs().size() == 1) {
            FusedKernel.Output o = k.outputs().get(0);
            if (o.node() == dot && o.offset() == 0 && Arrays.equals(Shape.pick(o.strides(), kept), natural)
                    && o.spec().size() == product.size()) {
                return new MatmulKernel(backend, root, product, null, new int[0], o.spec());
            }
        }
        List<FusedKernel.Input> inputs = new ArrayList<>();
        inputs.add(new FusedKernel.Input(product, natural, 0));
        Map<Integer, Integer> remap = new HashMap<>();
        List<Integer> sources = new ArrayList<>();
        List<Node> epi = new ArrayList<>();
        for (Node n : nodes) {
            epi.add(switch (n) {
                case Node.DotResult d -> new Node.Load(0, d.dtype());
                case Node.Load l -> new Node.Load(remap.computeIfAbsent(l.input(), i -> {
                    FusedKernel.Input in = k.inputs().get(i);
                    inputs.add(new FusedKernel.Input(in.spec(), Shape.pick(in.strides(), kept), in.offset()));
                    sources.add(i);
                    return inputs.size() - 1;
                }), l.dtype());
                case Node.Iota io -> new Node.Iota(io.dtype(), io.offset(), Shape.pick(io.strides(), kept));
                default -> n;
            });
        }
        List<FusedKernel.Output> outs = new ArrayList<>();
        for (FusedKernel.Output o : k.outputs()) {
            outs.add(new FusedKernel.Output(o.node(), o.spec(), Shape.pick(o.strides(), kept), o.offset()));
        }
        FusedKernel pass = new FusedKernel(outShape, inputs, epi, epi.size(), outs, new FusedKernel.Root.Elementwise());
        CompiledKernel compiled = compiler.compile(pass);
        return new MatmulKernel(backend, root, product, compiled, sources.stream().mapToInt(Integer::intValue).toArray(),
                null);
    }

    @Override
    public List<Buffer> run(List<Buffer> inputs) {
        Buffer p = backend.execute(Primitive.DOT_GENERAL, root.dims(), product,
                List.of(inputs.get(root.lhs()), inputs.get(root.rhs())));
        if (epilogue == null) {
            return List.of(HostBuffer.wrap(output, ((HostBuffer) p).data()));
        }
        List<Buffer> in = new ArrayList<>(1 + epilogueInputs.length);
        in.add(p);
        for (int i : epilogueInputs) {
            in.add(inputs.get(i));
        }
        return epilogue.run(in);
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
