package dev.kiln.internal.fusion;

import dev.kiln.internal.fusion.Cluster.Phase;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Var;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.FusedKernel.Node;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a cluster into a {@link FusedKernel}: each member equation at each of its views becomes a
 * node (movement disappears into the views), each variable read from memory at a view becomes an
 * input with that view as its index map, and structurally equal nodes are built once.
 */
final class KernelBuilder {
    /** A kernel and the program variables bound to its inputs and outputs. */
    record Built(FusedKernel kernel, List<Var> inputs, List<Var> outputs) {}

    private record InputKey(Var var, View view) {}

    private record EqnKey(int eqn, Phase phase, View view) {}

    private final Partitioner parts;
    private final Cluster cluster;
    private final List<Node> nodes = new ArrayList<>();
    private final EnumMap<Phase, Map<Node, Integer>> interned = new EnumMap<>(Phase.class);
    private final Map<EqnKey, Integer> built = new HashMap<>();
    private final LinkedHashMap<InputKey, Integer> inputIndex = new LinkedHashMap<>();
    private final List<FusedKernel.Input> inputs = new ArrayList<>();
    private final List<Var> inputVars = new ArrayList<>();

    private KernelBuilder(Partitioner parts, Cluster cluster) {
        this.parts = parts;
        this.cluster = cluster;
        interned.put(Phase.IN, new HashMap<>());
        interned.put(Phase.OUT, new HashMap<>());
    }

    static Built build(Partitioner parts, Cluster cluster) {
        return new KernelBuilder(parts, cluster).build();
    }

    private Built build() {
        int[] space = cluster.space;
        FusedKernel.Root root;
        int epilogueStart;
        switch (cluster.kind) {
            case ELEMENTWISE -> {
                for (Cluster.Out o : cluster.outputs) {
                    node(o.var(), o.phase(), o.view());
                }
                epilogueStart = nodes.size();
                root = new FusedKernel.Root.Elementwise();
            }
            case REDUCE -> {
                for (int r : cluster.roots) {
                    node(parts.eqns.get(r).inputs().get(0), Phase.IN, View.identity(space));
                }
                for (Cluster.Out o : cluster.outputs) {
                    if (o.phase() == Phase.IN) {
                        node(o.var(), o.phase(), o.view());
                    }
                }
                epilogueStart = nodes.size();
                root = new FusedKernel.Root.Reduce(cluster.reduced);
            }
            case MATMUL -> {
                Eqn dot = parts.eqns.get(cluster.roots.get(0));
                Params.DotGeneral dims = (Params.DotGeneral) dot.params();
                int lhs = input((Var) dot.inputs().get(0), natural(dims, dot, true));
                int rhs = input((Var) dot.inputs().get(1), natural(dims, dot, false));
                epilogueStart = 0;
                root = new FusedKernel.Root.Matmul(dims, lhs, rhs);
            }
            default -> throw new IllegalStateException();
        }
        List<FusedKernel.Output> outs = new ArrayList<>();
        List<Var> outVars = new ArrayList<>();
        for (Cluster.Out o : cluster.outputs) {
            int n = node(o.var(), o.phase(), o.view());
            outs.add(new FusedKernel.Output(n, o.var().spec(), o.view().strides(), Math.toIntExact(o.view().lin0)));
            outVars.add(o.var());
        }
        FusedKernel k = new FusedKernel(space, inputs, nodes, epilogueStart, outs, root);
        return new Built(k, inputVars, outVars);
    }

    /** The node for {@code a} seen at view {@code w} in phase {@code ph}. */
    private int node(Atom a, Phase ph, View w) {
        if (a instanceof Literal lit) {
            return intern(ph, Node.Literal.of(lit.value()));
        }
        Var v = (Var) a;
        Integer eqn = parts.producer.get(v);
        if (eqn != null && cluster.has(eqn, ph, w)) {
            EqnKey key = new EqnKey(eqn, ph, w);
            Integer done = built.get(key);
            if (done != null) {
                return done;
            }
            int n = eqnNode(eqn, ph, w);
            built.put(key, n);
            return n;
        }
        if (!parts.available(v)) {
            throw new IllegalStateException("fusion planner: " + v + " is neither computed in " + cluster + " at " + w
                    + " nor written to memory");
        }
        return intern(ph, new Node.Load(input(v, w), v.spec().dtype()));
    }

    private int eqnNode(int i, Phase ph, View w) {
        Eqn e = parts.eqns.get(i);
        Primitive p = e.primitive();
        ArraySpec out = e.outputs().get(0).spec();
        if (p.isElementwise()) {
            int[] args = new int[e.inputs().size()];
            for (int k = 0; k < args.length; k++) {
                Atom a = e.inputs().get(k);
                args[k] = node(a, ph, w.operand(e, k, a.spec().shape()));
            }
            return intern(ph, new Node.Op(p, e.params(), args, out.dtype()));
        }
        return switch (p) {
            case IOTA -> {
                int dim = ((Params.Iota) e.params()).dimension();
                int[] strides = new int[w.coef[dim].length];
                for (int d = 0; d < strides.length; d++) {
                    strides[d] = Math.toIntExact(w.coef[dim][d]);
                }
                yield intern(ph, new Node.Iota(out.dtype(), Math.toIntExact(w.off[dim]), strides));
            }
            case BROADCAST_IN_DIM, RESHAPE, TRANSPOSE, SLICE, REV -> {
                Atom a = e.inputs().get(0);
                yield node(a, ph, w.operand(e, 0, a.spec().shape()));
            }
            case REDUCE_SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN, REDUCE_AND, REDUCE_OR -> {
                int arg = node(e.inputs().get(0), Phase.IN, View.identity(cluster.space));
                yield intern(ph, new Node.Reduce(p, arg, out.dtype()));
            }
            case DOT_GENERAL -> intern(ph, new Node.DotResult(out.dtype()));
            default -> throw new IllegalStateException("fusion planner: cannot fuse " + p);
        };
    }

    private int intern(Phase ph, Node n) {
        return interned.get(ph).computeIfAbsent(n, k -> {
            nodes.add(k);
            return nodes.size() - 1;
        });
    }

    private int input(Var v, View w) {
        return inputIndex.computeIfAbsent(new InputKey(v, w), k -> {
            inputs.add(new FusedKernel.Input(v.spec(), w.strides(), Math.toIntExact(w.lin0)));
            inputVars.add(v);
            return inputs.size() - 1;
        });
    }

    /** The view of a whole dot_general operand in the matmul space {@code [batch, lhs free, rhs free, contract]}. */
    private View natural(Params.DotGeneral dims, Eqn dot, boolean lhs) {
        ArraySpec spec = dot.inputs().get(lhs ? 0 : 1).spec();
        Ints batch = lhs ? dims.lhsBatch() : dims.rhsBatch();
        Ints contract = lhs ? dims.lhsContract() : dims.rhsContract();
        int[] space = cluster.space;
        int rank = spec.rank();
        int nb = batch.size();
        int nc = contract.size();
        int free = rank - nb - nc;
        int freeStart = lhs ? nb : space.length - nc - free;
        long[] off = new long[rank];
        long[][] coef = new long[rank][space.length];
        for (int j = 0; j < nb; j++) {
            coef[batch.get(j)][j] = 1;
        }
        int f = 0;
        for (int d = 0; d < rank; d++) {
            if (!batch.contains(d) && !contract.contains(d)) {
                coef[d][freeStart + f++] = 1;
            }
        }
        for (int j = 0; j < nc; j++) {
            coef[contract.get(j)][space.length - nc + j] = 1;
        }
        return View.multi(space, spec.shape(), off, coef);
    }
}
