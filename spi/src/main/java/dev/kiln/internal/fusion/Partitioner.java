package dev.kiln.internal.fusion;

import dev.kiln.Shape;
import dev.kiln.internal.fusion.Cluster.Kind;
import dev.kiln.internal.fusion.Cluster.Phase;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts a program into kernels. Equations are visited consumers first, so when one is reached every
 * place that needs its value is known: each <em>position</em> (a cluster and a phase) with the
 * views at which it needs it, and the <em>external</em> readers (steps, matmul operands, program
 * outputs), which need it in memory.
 *
 * <ul>
 *   <li>A fusible equation (elementwise, convert, select, iota, and movement that is an index map)
 *       joins the one position that needs it; or every position, when it is cheap ({@link Cost})
 *       and there are at most {@link #MAX_COPIES}, or when it is one expensive op over cheap work
 *       needed at two positions; otherwise it is materialised: written by one of
 *       the positions that reads it once at a bijective view (multi-output fusion, so no extra
 *       kernel), or by a kernel of its own; elementwise work on a product of its shape is not written by
 *       a reduction that reads it, so that the product can root the kernel that writes it (a
 *       backward pass's activation derivative, whose column sums are a bias gradient). An
 *       expensive equation is never evaluated at several
 *       views or through a broadcast; arithmetic of any cost is evaluated at one view per kernel
 *       (movement and iota at any number).
 *   <li>A reduction becomes the root of the kernel that consumes its result elementwise at the
 *       output's own position (the consumer becomes its epilogue), or joins a sibling reduction
 *       of the same space and axes there; else it roots a kernel of its own.
 *   <li>dot_general likewise roots its single elementwise consumer (the epilogue), or a kernel of
 *       its own; its operands are always materialised.
 *   <li>Everything else (gathers, cumulative ops, pad, concatenate, control flow, dynamic slices,
 *       anything touching an empty array) is a step of one equation; so is a reshape whose value is
 *       needed only in memory (the backend relabels the array instead of copying it).
 * </ul>
 *
 * Finally, kernels over one space are merged: independent ones of the same kind that read a common
 * array (sibling fusion), an elementwise kernel into a reduction's inner phase when they are
 * independent and share data, or when it reads only the reduction's inner outputs (so a value and
 * a function of it are written by one pass). Units only ever gain readers whose paths cannot lead
 * back to them, and merges need independence, so the kernel graph stays acyclic.
 */
final class Partitioner {
    enum Category {
        FUSIBLE,
        REDUCE,
        DOT,
        STEP
    }

    record Use(int eqn, int operand) {}

    /** Who needs a variable: positions with their views, and units that need it in memory. */
    private record Readers(
            LinkedHashMap<Cluster, EnumMap<Phase, LinkedHashSet<View>>> positions,
            LinkedHashSet<Unit> external,
            boolean programOutput) {
        boolean mustMaterialise() {
            return programOutput || !external.isEmpty();
        }

        int positionCount() {
            return positions.values().stream().mapToInt(Map::size).sum();
        }
    }

    /**
     * The most kernels that compute one piece of cheap arithmetic. Recomputing is cheaper than a
     * round trip through memory, but a chain of cheap values each needed by the next in two kernels
     * (a sorting network's stages read each element and its partner) would otherwise be copied
     * into every later kernel: the bound keeps the work within this factor of the program's.
     */
    static final int MAX_COPIES = 3;

    final Program program;
    final List<Eqn> eqns;
    final Category[] category;
    final Map<Var, Integer> producer = new IdentityHashMap<>();
    final Map<Var, List<Use>> uses = new IdentityHashMap<>();
    final Set<Var> programOutputs = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Where each materialised variable is written (absent for program inputs and constants). */
    final Map<Var, Unit> home = new IdentityHashMap<>();

    final Unit.Step[] steps;
    /** The clusters in which each equation is computed. */
    final List<Set<Cluster>> clustersOf;
    /** The cluster a reduction or dot_general is a root of. */
    final Cluster[] rootCluster;

    final List<Cluster> clusters = new ArrayList<>();
    private int nextId;

    Partitioner(Program program) {
        this.program = program;
        this.eqns = program.eqns();
        int n = eqns.size();
        this.category = new Category[n];
        this.steps = new Unit.Step[n];
        this.rootCluster = new Cluster[n];
        this.clustersOf = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Eqn e = eqns.get(i);
            clustersOf.add(new LinkedHashSet<>());
            category[i] = categorise(e);
            for (Var v : e.outputs()) {
                producer.put(v, i);
            }
            for (int k = 0; k < e.inputs().size(); k++) {
                if (e.inputs().get(k) instanceof Var v) {
                    uses.computeIfAbsent(v, x -> new ArrayList<>()).add(new Use(i, k));
                }
            }
        }
        for (Atom a : program.outputs()) {
            if (a instanceof Var v) {
                programOutputs.add(v);
            }
        }
    }

    static Category categorise(Eqn e) {
        for (Atom a : e.inputs()) {
            if (a.spec().size() == 0) {
                return Category.STEP;
            }
        }
        for (Var v : e.outputs()) {
            if (v.spec().size() == 0) {
                return Category.STEP;
            }
        }
        Primitive p = e.primitive();
        if (p.isElementwise() || p == Primitive.IOTA) {
            return Category.FUSIBLE;
        }
        return switch (p) {
            case BROADCAST_IN_DIM, RESHAPE, TRANSPOSE, SLICE, REV -> Category.FUSIBLE;
            case REDUCE_SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN, REDUCE_AND, REDUCE_OR ->
                e.inputs().get(0) instanceof Var ? Category.REDUCE : Category.STEP;
            case DOT_GENERAL -> e.inputs().stream().allMatch(a -> a instanceof Var) ? Category.DOT : Category.STEP;
            default -> Category.STEP;
        };
    }

    /** Forms every cluster and step. */
    void run() {
        for (int i = eqns.size() - 1; i >= 0; i--) {
            switch (category[i]) {
                case FUSIBLE -> fusible(i);
                case REDUCE -> reduction(i);
                case DOT -> dot(i);
                case STEP -> step(i);
            }
        }
        mergeSiblings();
    }

    // ------------------------------------------------------------------ who needs a value

    private Readers readers(Var v) {
        LinkedHashMap<Cluster, EnumMap<Phase, LinkedHashSet<View>>> positions = new LinkedHashMap<>();
        LinkedHashSet<Unit> external = new LinkedHashSet<>();
        for (Use u : uses.getOrDefault(v, List.of())) {
            Eqn c = eqns.get(u.eqn());
            switch (category[u.eqn()]) {
                case STEP -> external.add(steps[u.eqn()]);
                case DOT -> external.add(rootCluster[u.eqn()]);
                case REDUCE -> {
                    Cluster k = rootCluster[u.eqn()];
                    position(positions, k, Phase.IN).add(View.identity(k.space));
                }
                case FUSIBLE -> {
                    for (Cluster k : clustersOf.get(u.eqn())) {
                        k.members.get(u.eqn()).forEach((ph, views) -> {
                            for (View w : views) {
                                position(positions, k, ph)
                                        .add(w.operand(c, u.operand(), v.spec().shape()));
                            }
                        });
                    }
                }
            }
        }
        return new Readers(positions, external, programOutputs.contains(v));
    }

    private static LinkedHashSet<View> position(
            Map<Cluster, EnumMap<Phase, LinkedHashSet<View>>> positions, Cluster k, Phase ph) {
        return positions
                .computeIfAbsent(k, x -> new EnumMap<>(Phase.class))
                .computeIfAbsent(ph, x -> new LinkedHashSet<>());
    }

    // ------------------------------------------------------------------ the four kinds of equation

    private void fusible(int i) {
        Eqn e = eqns.get(i);
        Var v = e.outputs().get(0);
        Readers r = readers(v);
        if (e.primitive() == Primitive.RESHAPE && e.inputs().get(0) instanceof Var && r.positionCount() == 0) {
            // needed only in memory (a matmul operand, a step's input, a program output): a reshape of
            // an array in memory is the same array, which the backend relabels without a pass over it
            // (an attention's head split [b, s, h·d] -> [b, s, h, d] around its products was a copy
            // kernel each, four per transformer block forward)
            category[i] = Category.STEP;
            step(i);
            return;
        }
        if (!r.mustMaterialise()) {
            boolean cheap = Cost.cheap(e.primitive());
            int copies = r.positionCount();
            // one expensive op over cheap work may be computed twice rather than written out and read
            // back: a row softmax's exponentials, needed by the sums and by the quotients
            boolean twice = copies == 2 && e.primitive().isElementwise() && onlyCheapBelow(i, 0);
            boolean all = copies > 0
                    && (copies == 1
                            || twice
                            || cheap && (copies <= MAX_COPIES || !e.primitive().isElementwise()));
            for (var pos : r.positions().entrySet()) {
                for (var ph : pos.getValue().entrySet()) {
                    all &= fusableAt(i, pos.getKey(), ph.getKey(), ph.getValue());
                }
            }
            if (all) {
                r.positions().forEach((k, m) -> m.forEach((ph, views) -> views.forEach(w -> join(k, i, ph, w))));
                return;
            }
        }
        Cluster chosen = null;
        for (var pos : r.positions().entrySet()) {
            Cluster k = pos.getKey();
            if (pos.getValue().size() != 1) {
                continue;
            }
            var only = pos.getValue().entrySet().iterator().next();
            Phase ph = only.getKey();
            if (only.getValue().size() != 1) {
                continue;
            }
            View w = only.getValue().iterator().next();
            if (k.kind == Kind.REDUCE && ph == Phase.IN && computedFromProduct(i)) {
                continue;
            }
            if (w.bijective(k.phaseDims(ph)) && fusableAt(i, k, ph, only.getValue()) && noCycle(k, r)) {
                chosen = k;
                join(k, i, ph, w);
                k.outputs.add(new Cluster.Out(v, ph, w));
                break;
            }
        }
        if (chosen == null) {
            chosen = newCluster(Kind.ELEMENTWISE, v.spec().shape(), new int[0]);
            View w = View.identity(chosen.space);
            join(chosen, i, Phase.OUT, w);
            chosen.outputs.add(new Cluster.Out(v, Phase.OUT, w));
        }
        materialised(v, chosen, r);
    }

    /**
     * Whether equation {@code i}'s value is elementwise work, over its own shape, on the result of a
     * dot_general of that shape (as a tanh layer's backward pass computes {@code (dy @ w.T) * (1 -
     * h*h)} from its saved activation h, and a GELU layer's recomputes a tanh of its saved
     * pre-activation). Such a value, when it must be written anyway, is better written by a kernel of
     * its own than by a reduction that reads it (a bias gradient's column sums): the product can then
     * root that kernel, with the value as its epilogue run block by block while the product is in
     * cache, instead of being written to memory and read back by the reduction.
     *
     * <p>Transcendentals included: this was cheap work only while cpu-simd's compiled epilogue left
     * the transcendental's vector code out of line (C2 did not inline it into the body the matmul
     * calls block by block). Since cpu-simd's inline directive, the GELU MLP gradient (256x512x1024)
     * measured 4-5% less thread CPU time on one thread with GELU's derivative in the epilogue than in
     * the reduction's pass (two class loaders in one JVM, interleaved).
     */
    private boolean computedFromProduct(int i) {
        int[] shape = eqns.get(i).outputs().get(0).spec().shape();
        Deque<Integer> todo = new ArrayDeque<>();
        Set<Integer> seen = new HashSet<>();
        boolean product = false;
        todo.push(i);
        while (!todo.isEmpty()) {
            int j = todo.pop();
            if (!seen.add(j)) {
                continue;
            }
            if (seen.size() > MAX_PRODUCT_SEARCH
                    || !Cost.cheap(eqns.get(j).primitive())
                            && !eqns.get(j).primitive().isElementwise()) {
                return false;
            }
            for (Atom a : eqns.get(j).inputs()) {
                Integer p = a instanceof Var v && Arrays.equals(v.spec().shape(), shape) ? producer.get(v) : null;
                if (p == null) {
                    continue;
                }
                if (category[p] == Category.DOT) {
                    product = true;
                } else if (category[p] == Category.FUSIBLE
                        && eqns.get(p).primitive().isElementwise()) {
                    todo.push(p);
                }
            }
        }
        return product;
    }

    /** How many equations {@link #computedFromProduct} looks through. */
    private static final int MAX_PRODUCT_SEARCH = 64;

    /**
     * Whether every fusible equation that equation {@code i} is computed from is cheap: its operands
     * are program inputs, materialised results (reductions, matmuls, steps) or cheap elementwise
     * and movement equations over such, so computing {@code i} a second time repeats no other
     * expensive work.
     */
    private boolean onlyCheapBelow(int i, int depth) {
        int h = cheapHeights()[i];
        return h >= 0 && depth + h <= MAX_CHEAP_DEPTH;
    }

    /** How deep {@link #onlyCheapBelow} looks: past this, work below counts as not cheap. */
    private static final int MAX_CHEAP_DEPTH = 32;

    /** Per equation, -1 if some fusible equation below it is expensive, else the longest fusible chain below it. */
    private int[] cheapHeight;

    /**
     * Computed once, in program order (producers come first), so the walk is linear in the program:
     * walking the inputs afresh for each question took time exponential in the depth of shared cheap
     * work, which decompositions into the core make deep (a jitted threefry program on a core-only
     * backend spent most of its planning there).
     */
    private int[] cheapHeights() {
        if (cheapHeight == null) {
            int[] h = new int[eqns.size()];
            for (int i = 0; i < h.length; i++) {
                int height = 0;
                for (Atom a : eqns.get(i).inputs()) {
                    Integer p = a instanceof Var v ? producer.get(v) : null;
                    if (p == null || category[p] != Category.FUSIBLE) {
                        continue;
                    }
                    if (!Cost.cheap(eqns.get(p).primitive()) || h[p] < 0) {
                        height = -1;
                        break;
                    }
                    height = Math.max(height, h[p] + 1);
                }
                h[i] = height;
            }
            cheapHeight = h;
        }
        return cheapHeight;
    }

    private boolean fusableAt(int i, Cluster k, Phase ph, Set<View> views) {
        Eqn e = eqns.get(i);
        int[] outShape = e.outputs().get(0).spec().shape();
        for (View w : views) {
            if (e.primitive() == Primitive.IOTA && !w.hasMulti()) {
                return false;
            }
            for (int j = 0; j < e.inputs().size(); j++) {
                Atom a = e.inputs().get(j);
                if (a instanceof Var && w.operand(e, j, a.spec().shape()) == null) {
                    return false;
                }
            }
        }
        if (!Cost.cheap(e.primitive())) {
            // an expensive value is computed once per element at most
            return views.size() == 1 && k.phaseSize(ph) <= Shape.size(outShape);
        }
        // arithmetic is evaluated at one view per kernel: were it evaluated at two (as a sorting
        // network reads each stage at an element and at its partner), its operands would be at two
        // or more, and a chain of such stages would grow the kernel exponentially; movement and
        // iota only change where things are read, so they may sit at any number of views
        return views.size() == 1 || !e.primitive().isElementwise();
    }

    private void reduction(int i) {
        Eqn e = eqns.get(i);
        Var s = e.outputs().get(0);
        int[] space = e.inputs().get(0).spec().shape();
        int[] axes = ((Params.Reduce) e.params()).axes().toArray();
        View own = View.keptIdentity(space, axes, s.spec().shape());
        Readers r = readers(s);
        boolean must = r.mustMaterialise() || r.positionCount() > 1;
        Cluster host = null;
        for (var pos : r.positions().entrySet()) {
            Cluster k = pos.getKey();
            View w = singleOuterView(pos.getValue());
            if (w == null || (must && !noCycle(k, r))) {
                continue;
            }
            View map = k.kind == Kind.ELEMENTWISE ? rootMap(k, w, space, axes, s.spec()) : null;
            if (map != null) {
                k.reroot(Kind.REDUCE, space, axes, map);
                host = k;
                break;
            }
            if (k.kind == Kind.REDUCE
                    && Arrays.equals(k.space, space)
                    && Arrays.equals(k.reduced, axes)
                    && w.equals(own)) {
                host = k;
                break;
            }
        }
        if (host == null) {
            host = newCluster(Kind.REDUCE, space, axes);
        }
        root(host, i, s, own, r);
    }

    private void dot(int i) {
        Eqn e = eqns.get(i);
        Var d = e.outputs().get(0);
        Params.DotGeneral dims = (Params.DotGeneral) e.params();
        int[] space =
                matmulSpace(dims, e.inputs().get(0).spec(), e.inputs().get(1).spec());
        int nc = dims.lhsContract().size();
        int[] reduced = new int[nc];
        for (int j = 0; j < nc; j++) {
            reduced[j] = space.length - nc + j;
        }
        View own = View.keptIdentity(space, reduced, d.spec().shape());
        Readers r = readers(d);
        boolean must = r.mustMaterialise() || r.positionCount() > 1;
        Cluster host = null;
        for (var pos : r.positions().entrySet()) {
            Cluster k = pos.getKey();
            View w = singleOuterView(pos.getValue());
            View map = w != null && (!must || noCycle(k, r)) && k.kind == Kind.ELEMENTWISE
                    ? rootMap(k, w, space, reduced, d.spec())
                    : null;
            if (map != null) {
                k.reroot(Kind.MATMUL, space, reduced, map);
                host = k;
                break;
            }
        }
        if (host == null) {
            host = newCluster(Kind.MATMUL, space, reduced);
        }
        root(host, i, d, own, r);
    }

    /** Makes equation {@code i} a root of {@code host}, writing its result if anyone else reads it. */
    private void root(Cluster host, int i, Var result, View own, Readers r) {
        host.roots.add(i);
        rootCluster[i] = host;
        join(host, i, Phase.OUT, own);
        boolean elsewhere =
                r.mustMaterialise() || r.positions().keySet().stream().anyMatch(k -> k != host);
        if (elsewhere) {
            host.outputs.add(new Cluster.Out(result, Phase.OUT, own));
            materialised(result, host, r);
        }
    }

    /** {@code [batch…, lhs free…, rhs free…, contract…]}: dot_general's output shape, then the contracted extents. */
    static int[] matmulSpace(Params.DotGeneral dims, ArraySpec lhs, ArraySpec rhs) {
        List<Integer> s = new ArrayList<>();
        for (int b : dims.lhsBatch().toArray()) {
            s.add(lhs.dim(b));
        }
        for (int d = 0; d < lhs.rank(); d++) {
            if (!dims.lhsBatch().contains(d) && !dims.lhsContract().contains(d)) {
                s.add(lhs.dim(d));
            }
        }
        for (int d = 0; d < rhs.rank(); d++) {
            if (!dims.rhsBatch().contains(d) && !dims.rhsContract().contains(d)) {
                s.add(rhs.dim(d));
            }
        }
        for (int c : dims.lhsContract().toArray()) {
            s.add(lhs.dim(c));
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The view of a position used in one phase at one view, if that phase is the outer one. */
    private static View singleOuterView(EnumMap<Phase, LinkedHashSet<View>> m) {
        if (m.size() != 1 || !m.containsKey(Phase.OUT) || m.get(Phase.OUT).size() != 1) {
            return null;
        }
        return m.get(Phase.OUT).iterator().next();
    }

    /**
     * How an elementwise cluster sits in the space of a root whose result (of {@code result}'s
     * spec) it reads once per element at view {@code w}, so that it can become the root's epilogue:
     * a view of the cluster's old space from the root's {@code space}, or null. The result must be
     * read at its own position (row-major), or through a transpose, possibly with reversed axes (as
     * a backward pass reads a weight gradient); the epilogue then writes its outputs through the
     * same permutation.
     */
    private static View rootMap(Cluster k, View w, int[] space, int[] reduced, ArraySpec result) {
        if (Shape.size(k.space) != result.size()) {
            return null;
        }
        int[] all = k.phaseDims(Phase.OUT);
        if (w.isRowMajor(all)) {
            View map = View.keptIdentity(space, reduced, k.space);
            return map.hasMulti() ? map : null;
        }
        if (!w.hasMulti() || !w.bijective(all)) {
            return null;
        }
        int[] kept = java.util.stream.IntStream.range(0, space.length)
                .filter(d -> Arrays.binarySearch(reduced, d) < 0)
                .toArray();
        int[] rs = result.shape();
        long[] off = new long[k.space.length];
        long[][] coef = new long[k.space.length][space.length];
        boolean[] used = new boolean[k.space.length];
        for (int q = 0; q < rs.length; q++) {
            if (rs[q] <= 1) {
                continue;
            }
            int j = -1;
            for (int s = 0; s < k.space.length; s++) {
                if (w.coef[q][s] != 0) {
                    if (j >= 0 || Math.abs(w.coef[q][s]) != 1 || used[s]) {
                        return null;
                    }
                    j = s;
                }
            }
            if (j < 0) {
                return null;
            }
            used[j] = true;
            // result index q = off + c * s_j, so s_j = c * (q - off)
            long c = w.coef[q][j];
            coef[j][kept[q]] = c;
            off[j] = -c * w.off[q];
        }
        return View.multi(space, k.space, off, coef);
    }

    private void step(int i) {
        Unit.Step s = new Unit.Step(nextId++, i);
        steps[i] = s;
        for (Var v : eqns.get(i).outputs()) {
            materialised(v, s, readers(v));
        }
    }

    // ------------------------------------------------------------------ bookkeeping

    private Cluster newCluster(Kind kind, int[] space, int[] reduced) {
        Cluster k = new Cluster(nextId++, kind, space, reduced);
        clusters.add(k);
        return k;
    }

    private void join(Cluster k, int eqn, Phase ph, View w) {
        k.add(eqn, ph, w);
        clustersOf.get(eqn).add(k);
    }

    /** Records that {@code v} is written by {@code unit} and read by every other reader. */
    private void materialised(Var v, Unit unit, Readers r) {
        home.put(v, unit);
        for (Cluster k : r.positions().keySet()) {
            if (k != unit) {
                unit.succ.add(k);
            }
        }
        for (Unit u : r.external()) {
            if (u != unit) {
                unit.succ.add(u);
            }
        }
    }

    /** Whether {@code k} may write a value for all of {@code r}'s other readers without a cycle. */
    private boolean noCycle(Cluster k, Readers r) {
        for (Cluster c : r.positions().keySet()) {
            if (c != k && reaches(c, k)) {
                return false;
            }
        }
        for (Unit u : r.external()) {
            // a matmul kernel that needs the value in memory as an operand cannot also be the one
            // that writes it: its epilogue runs after the products it would have to feed
            if (u == k || reaches(u, k)) {
                return false;
            }
        }
        return true;
    }

    static boolean reaches(Unit from, Unit to) {
        Deque<Unit> todo = new ArrayDeque<>();
        Set<Unit> seen = new HashSet<>();
        todo.push(from);
        while (!todo.isEmpty()) {
            Unit u = todo.pop();
            if (u == to) {
                return true;
            }
            if (seen.add(u)) {
                todo.addAll(u.succ);
            }
        }
        return false;
    }

    /**
     * Merges independent clusters over one space that read or compute a common variable: two of a
     * kind (and axes), or an elementwise cluster into a reduction's inner phase, where it becomes
     * part of the same pass over the data.
     */
    private void mergeSiblings() {
        Map<String, List<Cluster>> bySpace = new LinkedHashMap<>();
        for (Cluster k : clusters) {
            bySpace.computeIfAbsent(Arrays.toString(k.space), x -> new ArrayList<>())
                    .add(k);
        }
        Map<Cluster, Set<Var>> touched = new IdentityHashMap<>();
        for (List<Cluster> group : bySpace.values()) {
            for (int a = 0; a < group.size(); a++) {
                for (int b = a + 1; b < group.size(); ) {
                    Cluster x = group.get(a);
                    Cluster y = group.get(b);
                    Cluster into = mergeTarget(x, y, touched);
                    if (into == null) {
                        b++;
                        continue;
                    }
                    Cluster from = into == x ? y : x;
                    absorb(into, from);
                    touched.computeIfAbsent(into, this::touched).addAll(touched.computeIfAbsent(from, this::touched));
                    touched.remove(from);
                    group.set(a, into);
                    group.remove(b);
                    b = a + 1;
                }
            }
        }
    }

    /** The cluster that {@code x} and {@code y} (of one space) can be merged into, or null. */
    private Cluster mergeTarget(Cluster x, Cluster y, Map<Cluster, Set<Var>> touched) {
        Cluster producer = x.succ.contains(y) ? x : y.succ.contains(x) ? y : null;
        if (producer != null) {
            Cluster consumer = producer == x ? y : x;
            boolean joins = producer.kind == Kind.REDUCE
                    && consumer.kind == Kind.ELEMENTWISE
                    && readsOnlyInnerOutputs(consumer, producer);
            return joins ? producer : null;
        }
        boolean sameKind = x.kind == y.kind && x.kind != Kind.MATMUL && Arrays.equals(x.reduced, y.reduced);
        Cluster into = sameKind || (x.kind == Kind.REDUCE && y.kind == Kind.ELEMENTWISE)
                ? x
                : x.kind == Kind.ELEMENTWISE && y.kind == Kind.REDUCE ? y : null;
        if (into == null) {
            return null;
        }
        Set<Var> tx = touched.computeIfAbsent(x, this::touched);
        Set<Var> ty = touched.computeIfAbsent(y, this::touched);
        if (tx.stream().noneMatch(ty::contains) || reaches(x, y) || reaches(y, x)) {
            return null;
        }
        return into;
    }

    /**
     * Whether elementwise {@code consumer} can join {@code producer}'s inner phase: everything it
     * reads from the producer is an inner output at exactly the view it reads it (so it becomes a
     * node of the same pass), and no other path leads from the producer to it.
     */
    private boolean readsOnlyInnerOutputs(Cluster consumer, Cluster producer) {
        for (Unit s : producer.succ) {
            if (s != consumer && reaches(s, consumer)) {
                return false;
            }
        }
        for (var m : consumer.members.entrySet()) {
            Eqn e = eqns.get(m.getKey());
            for (var ph : m.getValue().entrySet()) {
                for (View w : ph.getValue()) {
                    for (int k = 0; k < e.inputs().size(); k++) {
                        if (!(e.inputs().get(k) instanceof Var v) || home.get(v) != producer) {
                            continue;
                        }
                        View read = w.operand(e, k, v.spec().shape());
                        Integer p = this.producer.get(v);
                        if (p != null && consumer.has(p, ph.getKey(), read)) {
                            continue;
                        }
                        boolean inner = producer.outputs.stream()
                                .anyMatch(o -> o.var() == v
                                        && o.phase() == Phase.IN
                                        && o.view().equals(read));
                        if (!inner) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    /** The variables a cluster's equations read, computed or loaded. */
    private Set<Var> touched(Cluster k) {
        Set<Var> vars = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int eqn : k.members.keySet()) {
            for (Atom a : eqns.get(eqn).inputs()) {
                if (a instanceof Var v) {
                    vars.add(v);
                }
            }
        }
        return vars;
    }

    private void absorb(Cluster x, Cluster y) {
        x.absorb(y);
        for (int eqn : y.members.keySet()) {
            clustersOf.get(eqn).remove(y);
            clustersOf.get(eqn).add(x);
        }
        for (int root : y.roots) {
            rootCluster[root] = x;
        }
        home.replaceAll((v, u) -> u == y ? x : u);
        x.succ.addAll(y.succ);
        x.succ.remove(x);
        x.succ.remove(y);
        for (Cluster c : clusters) {
            if (c.succ.remove(y) && c != x) {
                c.succ.add(x);
            }
        }
        for (Unit.Step s : steps) {
            if (s != null && s.succ.remove(y)) {
                s.succ.add(x);
            }
        }
        clusters.remove(y);
    }

    /** Whether {@code v} is in memory when kernels run: a program input or constant, or written by a unit. */
    boolean available(Var v) {
        return !producer.containsKey(v) || home.containsKey(v);
    }
}
