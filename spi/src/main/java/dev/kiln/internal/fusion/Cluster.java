package dev.kiln.internal.fusion;

import dev.kiln.ir.Var;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A kernel being formed: its kind and iteration space, the equations computed in it (each at one or
 * more views, in the inner phase (per point of the space) or the outer phase (per point of the
 * output space; the whole kernel for elementwise clusters)), its roots and what it writes.
 */
final class Cluster extends Unit {
    enum Kind {
        ELEMENTWISE,
        REDUCE,
        MATMUL
    }

    enum Phase {
        IN,
        OUT
    }

    /** A variable this kernel writes, and where it is in the kernel. */
    record Out(Var var, Phase phase, View view) {}

    Kind kind;
    int[] space;
    int[] reduced;
    final Map<Integer, EnumMap<Phase, LinkedHashSet<View>>> members = new TreeMap<>();
    final List<Integer> roots = new ArrayList<>();
    final List<Out> outputs = new ArrayList<>();

    Cluster(int id, Kind kind, int[] space, int[] reduced) {
        super(id);
        this.kind = kind;
        this.space = space.clone();
        this.reduced = reduced.clone();
    }

    void add(int eqn, Phase phase, View view) {
        members.computeIfAbsent(eqn, k -> new EnumMap<>(Phase.class))
                .computeIfAbsent(phase, k -> new LinkedHashSet<>())
                .add(view);
    }

    boolean has(int eqn, Phase phase, View view) {
        EnumMap<Phase, LinkedHashSet<View>> m = members.get(eqn);
        if (m == null) {
            return false;
        }
        Set<View> views = m.get(phase);
        return views != null && views.contains(view);
    }

    /** The axes a phase ranges over: all of them inside, the kept ones outside. */
    int[] phaseDims(Phase phase) {
        if (phase == Phase.IN) {
            int[] all = new int[space.length];
            for (int d = 0; d < all.length; d++) {
                all[d] = d;
            }
            return all;
        }
        return keptAxes();
    }

    int[] keptAxes() {
        return java.util.stream.IntStream.range(0, space.length)
                .filter(d -> Arrays.binarySearch(reduced, d) < 0)
                .toArray();
    }

    long phaseSize(Phase phase) {
        long n = 1;
        for (int d : phaseDims(phase)) {
            n *= space[d];
        }
        return n;
    }

    /** Re-expresses every view over a new space, through {@code map} (a view of the old space from the new). */
    void reroot(Kind newKind, int[] newSpace, int[] newReduced, View map) {
        for (EnumMap<Phase, LinkedHashSet<View>> m : members.values()) {
            for (Map.Entry<Phase, LinkedHashSet<View>> e : m.entrySet()) {
                LinkedHashSet<View> composed = new LinkedHashSet<>();
                for (View v : e.getValue()) {
                    composed.add(v.compose(map));
                }
                e.setValue(composed);
            }
        }
        outputs.replaceAll(o -> new Out(o.var(), o.phase(), o.view().compose(map)));
        kind = newKind;
        space = newSpace.clone();
        reduced = newReduced.clone();
    }

    /**
     * Takes over every member, root and output of {@code other}, which has the same space and either
     * this kind and axes, or is elementwise and joins this reduction's inner phase.
     */
    void absorb(Cluster other) {
        boolean intoPrologue = other.kind == Kind.ELEMENTWISE && kind != Kind.ELEMENTWISE;
        other.members.forEach(
                (eqn, m) -> m.forEach((ph, views) -> views.forEach(v -> add(eqn, intoPrologue ? Phase.IN : ph, v))));
        roots.addAll(other.roots);
        for (Out o : other.outputs) {
            outputs.add(intoPrologue ? new Out(o.var(), Phase.IN, o.view()) : o);
        }
    }

    @Override
    public String toString() {
        return "cluster " + id + " " + kind + " " + Arrays.toString(space) + " reduced " + Arrays.toString(reduced)
                + " members " + members.keySet();
    }
}
