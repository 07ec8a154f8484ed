package dev.kiln.internal.fusion;

import dev.kiln.internal.reference.ReferenceBackend;
import dev.kiln.internal.trace.ProgramVerifier;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The clean-up before planning: common subexpressions are merged (tracing repeats work freely, as in
 * {@code mean} and {@code var} of the same array each summing it), a transposed dot_general operand
 * is read in place ({@code x.T @ y} contracts {@code x}'s first axis; the contraction's dimension
 * numbers say which axes pair up, so the transpose need not be written out), and equations whose
 * results are never used are dropped. Every primitive is pure, so all of it is always safe.
 *
 * <p>Before that, arithmetic on literals alone is done once here instead of in a kernel of its own
 * on every run ({@link #foldConstants}): the gradient of a mean divides by the element count
 * through a {@code convert}, a reshape to {@code [1, 1]} and a {@code div} of two literals, which
 * would otherwise be a one-element kernel (a dispatch) in every training step.
 *
 * <p>Last, float32 products of one large matrix with several independent vectors become one
 * product with the vectors side by side ({@link #mergeMatrixVectorProducts}), so the matrix is
 * read once.
 */
final class Simplify {
    private Simplify() {}

    private record Key(Primitive primitive, Params params, List<Object> inputs) {}

    static Program run(Program original) {
        Program p = foldConstants(original);
        boolean changed = p != original;
        Map<Var, Var> same = new IdentityHashMap<>();
        Map<Key, Eqn> seen = new HashMap<>();
        List<Eqn> kept = new ArrayList<>();
        Map<Var, Eqn> transposes = new IdentityHashMap<>();
        for (Eqn e : p.eqns()) {
            List<Atom> ins = new ArrayList<>(e.inputs().size());
            boolean renamed = false;
            for (Atom a : e.inputs()) {
                Atom b = a instanceof Var v ? same.getOrDefault(v, v) : a;
                renamed |= b != a;
                ins.add(b);
            }
            Eqn eq = renamed ? new Eqn(e.primitive(), e.params(), ins, e.outputs()) : e;
            if (eq.primitive() == Primitive.DOT_GENERAL) {
                eq = foldTransposes(eq, transposes);
            }
            changed |= eq != e;
            if (eq.primitive() == Primitive.TRANSPOSE && eq.inputs().get(0) instanceof Var) {
                transposes.put(eq.outputs().get(0), eq);
            }
            if (e.primitive().kind() != Primitive.Kind.CONTROL) {
                List<Object> keyIns = new ArrayList<>(eq.inputs().size());
                for (Atom a : eq.inputs()) {
                    keyIns.add(a instanceof Literal l ? FusedKernel.Node.Literal.of(l.value()) : a);
                }
                Key k = new Key(eq.primitive(), eq.params(), keyIns);
                Eqn earlier = seen.get(k);
                if (earlier != null) {
                    same.put(e.outputs().get(0), earlier.outputs().get(0));
                    changed = true;
                    continue;
                }
                seen.put(k, eq);
            }
            kept.add(eq);
        }
        List<Atom> outs = new ArrayList<>(p.outputs().size());
        for (Atom a : p.outputs()) {
            outs.add(a instanceof Var v ? same.getOrDefault(v, v) : a);
        }
        Set<Var> live = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Atom a : outs) {
            if (a instanceof Var v) {
                live.add(v);
            }
        }
        List<Eqn> reversed = new ArrayList<>();
        for (int i = kept.size() - 1; i >= 0; i--) {
            Eqn e = kept.get(i);
            // an equation with no outputs is there for its effect (a debug callback): never dead
            if (!e.outputs().isEmpty() && e.outputs().stream().noneMatch(live::contains)) {
                changed = true;
                continue;
            }
            reversed.add(e);
            for (Atom a : e.inputs()) {
                if (a instanceof Var v) {
                    live.add(v);
                }
            }
        }
        Program q = p;
        if (changed) {
            Collections.reverse(reversed);
            q = ProgramVerifier.checked(
                    new Program(p.constants(), p.inputs(), reversed, outs),
                    "fusion planning (common subexpressions, transposes, dead code)");
        }
        Program merged = mergeMatrixVectorProducts(q);
        return merged == q ? q : ProgramVerifier.checked(merged, "fusion planning (products with one matrix merged)");
    }

    /** Whether {@link #mergeMatrixVectorProducts} runs (timing tools turn it off to compare). */
    static volatile boolean mergeProducts = true;

    /** Matrices below this many elements are read from cache the second time: not worth a merge. */
    static final int MERGE_MIN_MATRIX = 1 << 18;

    /** The most products one merged product takes (the columns a matrix-vector kernel reads at once). */
    static final int MERGE_MAX = 4;

    /**
     * Float32 products of one large matrix with several vectors, {@code A @ v1}, {@code A @ v2} ({@code
     * A} row-major {@code [M, K]}, each {@code v} a {@code [K, 1]} column), none of whose vectors
     * depends on another's product, become one product {@code A @ [v1 v2]} and a column slice per
     * result: the matrix is read once instead of once per vector, which is what bounds these
     * products (two flops per element read). A Hessian-vector product's {@code A x} and tangent
     * {@code A v} are such a pair. The equations are then reordered so each is after what it reads,
     * keeping the old order wherever it can.
     */
    static Program mergeMatrixVectorProducts(Program p) {
        if (!mergeProducts) {
            return p;
        }
        List<Eqn> eqns = p.eqns();
        // candidates by matrix and dimension numbers, in program order
        Map<List<Object>, List<Integer>> byMatrix = new java.util.LinkedHashMap<>();
        for (int i = 0; i < eqns.size(); i++) {
            Eqn e = eqns.get(i);
            if (isMatrixVector(e)) {
                byMatrix.computeIfAbsent(List.of(e.inputs().get(0), e.params()), x -> new ArrayList<>())
                        .add(i);
            }
        }
        if (byMatrix.values().stream().allMatch(l -> l.size() < 2)) {
            return p;
        }
        // which candidate products each variable depends on (through any chain of equations)
        List<Integer> candidates = new ArrayList<>();
        byMatrix.values().forEach(candidates::addAll);
        Map<Integer, Integer> bit = new HashMap<>();
        for (int c = 0; c < candidates.size(); c++) {
            bit.put(candidates.get(c), c);
        }
        Map<Var, java.util.BitSet> dependsOn = new IdentityHashMap<>();
        for (int i = 0; i < eqns.size(); i++) {
            Eqn e = eqns.get(i);
            java.util.BitSet d = new java.util.BitSet();
            for (Atom a : e.inputs()) {
                java.util.BitSet in = a instanceof Var v ? dependsOn.get(v) : null;
                if (in != null) {
                    d.or(in);
                }
            }
            Integer b = bit.get(i);
            if (b != null) {
                d.set(b);
            }
            for (Var v : e.outputs()) {
                dependsOn.put(v, d);
            }
        }
        // greedy groups: a product joins the first open group none of whose products its vector needs
        Map<Integer, List<Integer>> groupOfLast = new HashMap<>();
        java.util.Set<Integer> merged = new java.util.HashSet<>();
        for (List<Integer> same : byMatrix.values()) {
            List<List<Integer>> groups = new ArrayList<>();
            for (int i : same) {
                java.util.BitSet needs =
                        dependsOn.getOrDefault((Var) eqns.get(i).inputs().get(1), new java.util.BitSet());
                List<Integer> home = null;
                for (List<Integer> g : groups) {
                    if (g.size() < MERGE_MAX && g.stream().noneMatch(j -> needs.get(bit.get(j)))) {
                        home = g;
                        break;
                    }
                }
                if (home == null) {
                    home = new ArrayList<>();
                    groups.add(home);
                }
                home.add(i);
            }
            for (List<Integer> g : groups) {
                if (g.size() > 1) {
                    groupOfLast.put(g.get(g.size() - 1), g);
                    merged.addAll(g);
                }
            }
        }
        if (merged.isEmpty()) {
            return p;
        }
        // the new equations stand where the group's last product stood
        List<Eqn> placed = new ArrayList<>();
        for (int i = 0; i < eqns.size(); i++) {
            List<Integer> g = groupOfLast.get(i);
            if (g != null) {
                placed.addAll(merge(g.stream().map(eqns::get).toList()));
            } else if (!merged.contains(i)) {
                placed.add(eqns.get(i));
            }
        }
        return new Program(p.constants(), p.inputs(), inDependencyOrder(placed), p.outputs());
    }

    /** {@code A @ v} of a large float32 row-major {@code A [M, K]} and a column {@code v [K, 1]}. */
    private static boolean isMatrixVector(Eqn e) {
        if (e.primitive() != Primitive.DOT_GENERAL
                || !(e.inputs().get(0) instanceof Var a)
                || !(e.inputs().get(1) instanceof Var v)
                || a == v) {
            return false;
        }
        Params.DotGeneral d = (Params.DotGeneral) e.params();
        ArraySpec as = a.spec();
        ArraySpec vs = v.spec();
        return as.dtype() == dev.kiln.DType.FLOAT32
                && vs.dtype() == dev.kiln.DType.FLOAT32
                && as.rank() == 2
                && vs.rank() == 2
                && vs.shape()[1] == 1
                && as.size() >= MERGE_MIN_MATRIX
                && d.lhsBatch().size() == 0
                && d.lhsContract().size() == 1
                && d.lhsContract().get(0) == 1
                && d.rhsContract().size() == 1
                && d.rhsContract().get(0) == 0;
    }

    /** {@code A @ concatenate(v1, …)} and one column slice per product, into the products' own variables. */
    private static List<Eqn> merge(List<Eqn> products) {
        int g = products.size();
        Atom a = products.get(0).inputs().get(0);
        int m = a.spec().shape()[0];
        int k = a.spec().shape()[1];
        Var columns = new Var(ArraySpec.of(dev.kiln.DType.FLOAT32, k, g));
        Var product = new Var(ArraySpec.of(dev.kiln.DType.FLOAT32, m, g));
        List<Eqn> out = new ArrayList<>();
        out.add(new Eqn(
                Primitive.CONCATENATE,
                new Params.Axis(1),
                products.stream().map(e -> e.inputs().get(1)).toList(),
                List.of(columns)));
        out.add(new Eqn(Primitive.DOT_GENERAL, products.get(0).params(), List.of(a, columns), List.of(product)));
        for (int j = 0; j < g; j++) {
            out.add(new Eqn(
                    Primitive.SLICE,
                    new Params.Slice(new int[] {0, j}, new int[] {m, j + 1}, new int[] {1, 1}),
                    List.of(product),
                    List.of(products.get(j).outputs().get(0))));
        }
        return out;
    }

    /**
     * The equations with each after the equations that define what it reads, otherwise in the
     * given order (of the equations ready at each point, the earliest goes first).
     */
    private static List<Eqn> inDependencyOrder(List<Eqn> eqns) {
        Map<Var, Integer> definedBy = new IdentityHashMap<>();
        for (int i = 0; i < eqns.size(); i++) {
            for (Var v : eqns.get(i).outputs()) {
                definedBy.put(v, i);
            }
        }
        int[] order = EarliestFirst.order(
                eqns.size(),
                i -> {
                    List<Integer> producers = new ArrayList<>();
                    for (Atom at : eqns.get(i).inputs()) {
                        Integer d = at instanceof Var v ? definedBy.get(v) : null;
                        if (d != null) {
                            producers.add(d);
                        }
                    }
                    return producers;
                },
                "merging products made a cycle (this is a bug in Kiln)");
        List<Eqn> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(eqns.get(i));
        }
        return out;
    }

    /** The reference backend, which computes folded constants (on 0-d host buffers). */
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    /**
     * {@code p} with every variable whose elements all equal one value known from literals alone
     * ("uniform") computed now: a 0-d one is replaced by a literal wherever it is read (and the
     * equation dropped), a larger one is made a broadcast of that literal, which the planner fuses
     * into its readers. Uniform values come from literals through shape changes ({@code
     * broadcast_in_dim}, {@code reshape}, {@code transpose}) and through the elementwise operations
     * whose float32 and float64 results IEEE 754 rounds exactly (add, sub, mul, div, neg, max, min,
     * convert), so the folded value is the one every backend would have computed.
     */
    static Program foldConstants(Program p) {
        Map<Var, HostBuffer> uniform = new IdentityHashMap<>();
        List<Eqn> kept = new ArrayList<>(p.eqns().size());
        boolean changed = false;
        for (Eqn e : p.eqns()) {
            List<Atom> ins = new ArrayList<>(e.inputs().size());
            List<HostBuffer> values = new ArrayList<>(e.inputs().size());
            boolean renamed = false;
            for (Atom a : e.inputs()) {
                HostBuffer u = a instanceof Var v ? uniform.get(v) : null;
                if (u != null && a.spec().rank() == 0) {
                    ins.add(new Literal(u));
                    renamed = true;
                } else {
                    ins.add(a);
                }
                values.add(a instanceof Literal l ? l.value() : u);
            }
            HostBuffer folded = e.outputs().size() == 1 ? fold(e, values) : null;
            if (folded != null) {
                Var out = e.outputs().get(0);
                uniform.put(out, folded);
                if (out.spec().rank() > 0) {
                    Params.BroadcastInDim b =
                            new Params.BroadcastInDim(out.spec().shape(), new int[0]);
                    Eqn made = new Eqn(Primitive.BROADCAST_IN_DIM, b, List.of(new Literal(folded)), e.outputs());
                    boolean same = e.primitive() == Primitive.BROADCAST_IN_DIM
                            && e.params().equals(b)
                            && e.inputs().get(0) instanceof Literal;
                    kept.add(same ? e : made);
                    changed |= !same;
                } else {
                    changed = true;
                }
                continue;
            }
            kept.add(renamed ? new Eqn(e.primitive(), e.params(), ins, e.outputs()) : e);
            changed |= renamed;
        }
        if (!changed) {
            return p;
        }
        List<Atom> outs = new ArrayList<>(p.outputs().size());
        for (Atom a : p.outputs()) {
            HostBuffer u = a instanceof Var v && a.spec().rank() == 0 ? uniform.get(v) : null;
            outs.add(u != null ? new Literal(u) : a);
        }
        return new Program(p.constants(), p.inputs(), kept, outs);
    }

    /**
     * The one value of every element of {@code e}'s output, when all of its inputs are uniform
     * ({@code values}, null where not known) and its primitive keeps that exact; else null.
     */
    private static HostBuffer fold(Eqn e, List<HostBuffer> values) {
        if (values.isEmpty() || values.contains(null)) {
            return null;
        }
        ArraySpec scalar = ArraySpec.of(e.outputs().get(0).spec().dtype());
        return switch (e.primitive()) {
            case BROADCAST_IN_DIM, RESHAPE, TRANSPOSE -> values.get(0);
            case ADD, SUB, MUL, DIV, NEG, MAX, MIN, CONVERT -> {
                // float32 and float64 results only: a narrow float may be computed wider and rounded
                // twice, and integer division has corner cases each backend handles itself
                if (scalar.dtype() != dev.kiln.DType.FLOAT32 && scalar.dtype() != dev.kiln.DType.FLOAT64) {
                    yield null;
                }
                List<dev.kiln.spi.Buffer> in = new ArrayList<>(values);
                yield (HostBuffer) REFERENCE.execute(e.primitive(), e.params(), scalar, in);
            }
            default -> null;
        };
    }

    /**
     * The dot_general with each operand that is a transpose replaced by the transpose's input, where
     * that leaves the result as it was: the contracting and batch axes are renumbered through the
     * permutation, and the operand's free axes must keep their order (they are the result's axes).
     */
    private static Eqn foldTransposes(Eqn e, Map<Var, Eqn> transposes) {
        Params.DotGeneral d = (Params.DotGeneral) e.params();
        int[][] contract = {d.lhsContract().toArray(), d.rhsContract().toArray()};
        int[][] batch = {d.lhsBatch().toArray(), d.rhsBatch().toArray()};
        List<Atom> ins = new ArrayList<>(e.inputs());
        boolean folded = false;
        for (int side = 0; side < 2; side++) {
            if (!(ins.get(side) instanceof Var v) || !transposes.containsKey(v)) {
                continue;
            }
            Eqn t = transposes.get(v);
            int[] perm = ((Params.Transpose) t.params()).perm().toArray();
            boolean[] bound = new boolean[perm.length];
            for (int a : contract[side]) {
                bound[a] = true;
            }
            for (int a : batch[side]) {
                bound[a] = true;
            }
            int last = -1;
            boolean ordered = true;
            for (int a = 0; a < perm.length; a++) {
                if (!bound[a]) {
                    ordered &= perm[a] > last;
                    last = perm[a];
                }
            }
            if (!ordered) {
                continue;
            }
            contract[side] = through(perm, contract[side]);
            batch[side] = through(perm, batch[side]);
            ins.set(side, t.inputs().get(0));
            folded = true;
        }
        if (!folded) {
            return e;
        }
        Params.DotGeneral p = new Params.DotGeneral(contract[0], contract[1], batch[0], batch[1]);
        return new Eqn(e.primitive(), p, ins, e.outputs());
    }

    private static int[] through(int[] perm, int[] axes) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            r[i] = perm[axes[i]];
        }
        return r;
    }
}
