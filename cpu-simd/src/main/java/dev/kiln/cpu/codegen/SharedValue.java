package dev.kiln.cpu.codegen;

import dev.kiln.ir.Primitive;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.FusedKernel.Node;
import dev.kiln.spi.KernelGroup;
import dev.kiln.spi.KernelGroup.Source;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of a row group that two of its kernels compute, computed once: a reduction kernel
 * evaluates some costly expression at every point on its way to the reduction (a softmax's
 * exponentials on the way to their sums), and a later kernel of the group evaluates the same
 * expression again at every point for an output of the same type and layout written at every
 * point (the quotients, by an elementwise kernel or in a reduction's inner phase). The reduction
 * kernel then also stores the value into that output's buffer, and the elementwise kernel reads it
 * there and overwrites it, point by point, with the output: one buffer, and the costly expression
 * once per point instead of twice.
 *
 * <p>The rewritten group is an ordinary {@link KernelGroup} (the reduction kernel gains an inner
 * output, the later kernel an input wired to it); what it adds is that the later kernel's output
 * {@code output} must be written into the buffer of the reduction kernel's new output rather than
 * a new one. That is safe because the later kernel reads that buffer only at the point it is
 * writing (the same index map, at every point of the same space), and nothing else reads it.
 *
 * @param group the rewritten group
 * @param producer the reduction kernel, whose last output is the shared value
 * @param consumer the later kernel, whose last input reads the shared value
 * @param output the consumer's output written in place over the shared value
 */
record SharedValue(KernelGroup group, int producer, int consumer, int output) {

    /** The group with one shared value, or null when no pair of its kernels computes one. */
    static SharedValue find(KernelGroup g) {
        List<FusedKernel> ks = g.kernels();
        for (int b = ks.size() - 1; b > 0; b--) {
            FusedKernel kb = ks.get(b);
            if (kb.root() instanceof FusedKernel.Root.Matmul) {
                continue;
            }
            for (int a = b - 1; a >= 0; a--) {
                FusedKernel ka = ks.get(a);
                if (!(ka.root() instanceof FusedKernel.Root.Reduce) || !Arrays.equals(ka.space(), kb.space())) {
                    continue;
                }
                SharedValue s = share(g, a, b);
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    private static SharedValue share(KernelGroup g, int a, int b) {
        FusedKernel ka = g.kernels().get(a);
        FusedKernel kb = g.kernels().get(b);
        Map<List<Object>, Integer> table = new HashMap<>();
        int[] ida = ids(ka, g.wiring().get(a), table);
        int[] idb = ids(kb, g.wiring().get(b), table);
        Map<Integer, Integer> innerOfA = new HashMap<>();
        for (int t = 0; t < ka.epilogueStart(); t++) {
            innerOfA.putIfAbsent(ida[t], t);
        }
        boolean[] costly = costly(kb);
        for (int s = kb.epilogueStart() - 1; s >= 0; s--) {
            Integer t = innerOfA.get(idb[s]);
            if (!costly[s] || t == null) {
                continue;
            }
            int o = contiguousOutput(kb, kb.nodes().get(s).dtype());
            if (o >= 0) {
                return rewrite(g, a, b, t, s, o);
            }
        }
        return null;
    }

    /**
     * Per node of {@code k}, an id shared by structurally equal nodes of the kernels numbered with
     * the same {@code table}: the same operations on loads of the same group arrays through the same
     * index maps (the kernels have one space). Reductions get ids of their own.
     */
    private static int[] ids(FusedKernel k, List<Source> wiring, Map<List<Object>, Integer> table) {
        int[] id = new int[k.nodes().size()];
        for (int n = 0; n < id.length; n++) {
            List<Object> key =
                    switch (k.nodes().get(n)) {
                        case Node.Load l ->
                            List.of(
                                    "load",
                                    l.dtype(),
                                    wiring.get(l.input()),
                                    k.inputs().get(l.input()));
                        case Node.Literal l -> List.of(l);
                        case Node.Iota i -> List.of(i);
                        case Node.Op op -> {
                            List<Object> x = new ArrayList<>(List.of(op.op(), op.params(), op.dtype()));
                            for (int arg : op.args()) {
                                x.add(id[arg]);
                            }
                            yield x;
                        }
                        case Node other -> List.of(new Object()); // equal to nothing
                    };
            id[n] = table.computeIfAbsent(key, x -> table.size());
        }
        return id;
    }

    /** Per node of {@code k}: whether it, or a node it uses, is more than cheap arithmetic. */
    private static boolean[] costly(FusedKernel k) {
        boolean[] c = new boolean[k.nodes().size()];
        for (int n = 0; n < c.length; n++) {
            if (k.nodes().get(n) instanceof Node.Op op) {
                c[n] = op.op().cost() != Primitive.Cost.CHEAP;
                for (int arg : op.args()) {
                    c[n] |= c[arg];
                }
            }
        }
        return c;
    }

    /**
     * An inner output of kernel {@code k} (written at every point) of {@code dtype} that covers the
     * whole space in row-major order, or -1.
     */
    private static int contiguousOutput(FusedKernel k, dev.kiln.DType dtype) {
        int[] space = k.space();
        for (int o = 0; o < k.outputs().size(); o++) {
            FusedKernel.Output out = k.outputs().get(o);
            if (k.isEpilogue(out.node())
                    || out.spec().dtype() != dtype
                    || out.offset() != 0
                    || out.spec().size() != k.size()) {
                continue;
            }
            boolean rowMajor = true;
            long stride = 1;
            for (int d = space.length - 1; d >= 0; d--) {
                if (space[d] != 1 && out.stride(d) != stride) {
                    rowMajor = false;
                }
                stride *= space[d];
            }
            if (rowMajor) {
                return o;
            }
        }
        return -1;
    }

    private static SharedValue rewrite(KernelGroup g, int a, int b, int t, int s, int o) {
        FusedKernel ka = g.kernels().get(a);
        FusedKernel kb = g.kernels().get(b);
        FusedKernel.Output out = kb.outputs().get(o);
        List<FusedKernel.Output> aOuts = new ArrayList<>(ka.outputs());
        aOuts.add(new FusedKernel.Output(t, out.spec(), out.strides(), 0));
        FusedKernel na = new FusedKernel(ka.space(), ka.inputs(), ka.nodes(), ka.epilogueStart(), aOuts, ka.root());

        List<FusedKernel.Input> bIns = new ArrayList<>(kb.inputs());
        bIns.add(new FusedKernel.Input(out.spec(), out.strides(), 0));
        List<Node> bNodes = new ArrayList<>(kb.nodes());
        bNodes.set(s, new Node.Load(bIns.size() - 1, kb.nodes().get(s).dtype()));
        FusedKernel nb = withoutDeadNodes(kb, bIns, bNodes);

        List<FusedKernel> kernels = new ArrayList<>(g.kernels());
        kernels.set(a, na);
        kernels.set(b, nb);
        List<List<Source>> wiring = new ArrayList<>(g.wiring());
        List<Source> wb = new ArrayList<>(g.wiring().get(b));
        wb.add(new Source.Output(a, aOuts.size() - 1));
        wiring.set(b, wb);
        return new SharedValue(new KernelGroup(g.rowAxes(), g.inputs(), kernels, wiring), a, b, o);
    }

    /** Kernel {@code k} on {@code inputs} and {@code nodes}, without the nodes nothing uses any more. */
    private static FusedKernel withoutDeadNodes(FusedKernel k, List<FusedKernel.Input> inputs, List<Node> nodes) {
        boolean[] used = new boolean[nodes.size()];
        for (FusedKernel.Output out : k.outputs()) {
            used[out.node()] = true;
        }
        for (int n = nodes.size() - 1; n >= 0; n--) {
            if (used[n]) {
                switch (nodes.get(n)) {
                    case Node.Op op -> {
                        for (int arg : op.args()) {
                            used[arg] = true;
                        }
                    }
                    case Node.Reduce r -> used[r.arg()] = true;
                    default -> {}
                }
            }
        }
        int[] index = new int[nodes.size()];
        List<Node> kept = new ArrayList<>();
        int epilogueStart = 0;
        for (int n = 0; n < nodes.size(); n++) {
            if (!used[n]) {
                continue;
            }
            index[n] = kept.size();
            Node node =
                    switch (nodes.get(n)) {
                        case Node.Op op -> {
                            int[] args = op.args();
                            for (int i = 0; i < args.length; i++) {
                                args[i] = index[args[i]];
                            }
                            yield new Node.Op(op.op(), op.params(), args, op.dtype());
                        }
                        case Node.Reduce r -> new Node.Reduce(r.reducer(), index[r.arg()], r.dtype());
                        case Node other -> other;
                    };
            kept.add(node);
            if (n < k.epilogueStart()) {
                epilogueStart = kept.size();
            }
        }
        List<FusedKernel.Output> outs = new ArrayList<>(k.outputs().size());
        for (FusedKernel.Output out : k.outputs()) {
            outs.add(new FusedKernel.Output(index[out.node()], out.spec(), out.strides(), out.offset()));
        }
        return new FusedKernel(k.space(), inputs, kept, epilogueStart, outs, k.root());
    }
}
