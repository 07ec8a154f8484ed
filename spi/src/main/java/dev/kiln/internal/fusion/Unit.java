package dev.kiln.internal.fusion;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A unit of the plan while it is being formed: a kernel-to-be ({@link Cluster}) or an equation run
 * on its own ({@link Step}). {@link #succ} are the units that read what this one writes; the planner
 * keeps this graph acyclic.
 */
abstract sealed class Unit permits Cluster, Unit.Step {
    final int id;
    final Set<Unit> succ = new LinkedHashSet<>();

    Unit(int id) {
        this.id = id;
    }

    /** An equation run through {@code execute} (or the program interpreter, for control flow). */
    static final class Step extends Unit {
        final int eqn;

        Step(int id, int eqn) {
            super(id);
            this.eqn = eqn;
        }
    }
}
