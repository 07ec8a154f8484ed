package dev.kiln.internal.fusion;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntFunction;

/**
 * A topological order that stays as close to a given order as the dependencies allow: of the nodes
 * whose predecessors have all been placed, the one earliest in the given order goes next. The
 * planner orders its kernels and steps this way, and {@link Simplify} its equations after merging
 * products, so that a plan keeps the program's order wherever it can.
 */
final class EarliestFirst {
    private EarliestFirst() {}

    /**
     * Nodes {@code 0 .. n-1} (the given order) with each after the nodes {@code before.apply(i)}
     * lists (duplicates and the node itself ignored).
     *
     * @throws IllegalStateException with {@code cycle} as its message when the dependencies have a cycle
     */
    static int[] order(int n, IntFunction<? extends Iterable<Integer>> before, String cycle) {
        int[] waiting = new int[n];
        List<List<Integer>> after = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            after.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            BitSet seen = new BitSet();
            for (int d : before.apply(i)) {
                if (d != i && !seen.get(d)) {
                    seen.set(d);
                    after.get(d).add(i);
                    waiting[i]++;
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        int[] out = new int[n];
        int placed = 0;
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out[placed++] = i;
            for (int next : after.get(i)) {
                if (--waiting[next] == 0) {
                    ready.add(next);
                }
            }
        }
        if (placed != n) {
            throw new IllegalStateException(cycle);
        }
        return out;
    }
}
