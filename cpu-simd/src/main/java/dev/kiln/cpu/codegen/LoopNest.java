package dev.kiln.cpu.codegen;

import java.util.ArrayList;
import java.util.List;

/**
 * The loop nest of a kernel with its iteration space simplified: axes of length 1 dropped and
 * neighbouring axes merged wherever every index map walks them as one (so a contiguous 2-d
 * elementwise kernel becomes one long loop). The innermost remaining axis is the vector axis;
 * the others fall into an outer group and a reduced group, each iterated as one flattened index.
 *
 * <ul>
 *   <li>{@link Kind#POINTS}: elementwise; outer = every other axis.
 *   <li>{@link Kind#ROWS}: the vector axis is reduced; outer = the kept axes (one output point
 *       each), reduced = the other reduced axes.
 *   <li>{@link Kind#COLUMNS}: the vector axis is kept; outer = the other kept axes, reduced = the
 *       reduced axes; whole vectors of output columns accumulate at once. Also chosen when the
 *       innermost axis is reduced but shorter than a vector, with the innermost kept axis (if at
 *       least a vector long) as the vector axis, read through gathers.
 * </ul>
 */
final class LoopNest {
    enum Kind {
        POINTS,
        ROWS,
        COLUMNS
    }

    final Kind kind;
    /** Length of the vector axis. */
    final int inner;

    final int[] outer;
    final int[] reduced;
    /** Per index map: its offset. */
    final int[] offsets;
    /** Per index map: stride along the vector axis. */
    final int[] innerStrides;
    /** Per index map: strides along the outer axes. */
    final int[][] outerStrides;
    /** Per index map: strides along the reduced axes. */
    final int[][] reducedStrides;

    private record Axis(long size, boolean reduced, long[] strides) {}

    private LoopNest(Kind kind, Axis inner, List<Axis> outer, List<Axis> reduced, int[] offsets) {
        this.kind = kind;
        int maps = offsets.length;
        this.inner = (int) inner.size;
        this.outer = sizes(outer);
        this.reduced = sizes(reduced);
        this.offsets = offsets.clone();
        this.innerStrides = new int[maps];
        this.outerStrides = new int[maps][];
        this.reducedStrides = new int[maps][];
        for (int m = 0; m < maps; m++) {
            innerStrides[m] = (int) inner.strides[m];
            outerStrides[m] = strides(outer, m);
            reducedStrides[m] = strides(reduced, m);
        }
    }

    /**
     * The nest of a space whose axes {@code reducedAxes} are reduced ({@code reduction} says whether
     * the root reduces at all), for index maps given by their strides (one per space axis) and
     * offsets. The space must not be empty.
     */
    static LoopNest of(
            int[] space, boolean[] reducedAxes, boolean reduction, List<int[]> strides, int[] offsets, int lanes) {
        int maps = strides.size();
        List<Axis> axes = new ArrayList<>();
        for (int d = 0; d < space.length; d++) {
            if (space[d] == 1) {
                continue;
            }
            long[] s = new long[maps];
            for (int m = 0; m < maps; m++) {
                s[m] = strides.get(m)[d];
            }
            Axis next = new Axis(space[d], reducedAxes[d], s);
            Axis last = axes.isEmpty() ? null : axes.getLast();
            if (last != null && mergeable(last, next)) {
                axes.set(axes.size() - 1, new Axis(last.size * next.size, next.reduced, next.strides));
            } else {
                axes.add(next);
            }
        }
        Axis unit = new Axis(1, reduction, new long[maps]);
        List<Axis> outer = new ArrayList<>();
        List<Axis> reduced = new ArrayList<>();
        if (!reduction) {
            Axis inner = axes.isEmpty() ? unit : axes.removeLast();
            return new LoopNest(Kind.POINTS, inner, axes, List.of(), offsets);
        }
        int lastKept = -1;
        for (int i = 0; i < axes.size(); i++) {
            if (!axes.get(i).reduced) {
                lastKept = i;
            }
        }
        boolean shortRows = !axes.isEmpty()
                && axes.getLast().reduced
                && axes.getLast().size < lanes
                && lastKept >= 0
                && axes.get(lastKept).size >= lanes;
        if (shortRows) {
            // rows shorter than a vector would leave most lanes idle: vectors run across output
            // points instead, gathering each row's elements
            Axis inner = axes.remove(lastKept);
            for (Axis a : axes) {
                (a.reduced ? reduced : outer).add(a);
            }
            return new LoopNest(Kind.COLUMNS, inner, outer, reduced, offsets);
        }
        if (axes.isEmpty() || axes.getLast().reduced) {
            Axis inner = axes.isEmpty() ? unit : axes.removeLast();
            for (Axis a : axes) {
                (a.reduced ? reduced : outer).add(a);
            }
            return new LoopNest(Kind.ROWS, inner, outer, reduced, offsets);
        }
        Axis inner = axes.removeLast();
        for (Axis a : axes) {
            (a.reduced ? reduced : outer).add(a);
        }
        return new LoopNest(Kind.COLUMNS, inner, outer, reduced, offsets);
    }

    /** Whether {@code a} (outer) and {@code b} (inner) can be walked as one axis by every map. */
    private static boolean mergeable(Axis a, Axis b) {
        if (a.reduced != b.reduced) {
            return false;
        }
        for (int m = 0; m < a.strides.length; m++) {
            if (a.strides[m] != b.strides[m] * b.size) {
                return false;
            }
        }
        return true;
    }

    private static int[] sizes(List<Axis> axes) {
        int[] s = new int[axes.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = (int) axes.get(i).size;
        }
        return s;
    }

    private static int[] strides(List<Axis> axes, int m) {
        int[] s = new int[axes.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = (int) axes.get(i).strides[m];
        }
        return s;
    }

    int maps() {
        return offsets.length;
    }

    /** Points of the outer group. */
    int outerCount() {
        return product(outer);
    }

    /** Points of the reduced group (the vector axis not included). */
    int reducedCount() {
        return product(reduced);
    }

    private static int product(int[] s) {
        int p = 1;
        for (int x : s) {
            p *= x;
        }
        return p;
    }

    /** Bit {@code d} set where map {@code m} moves along outer axis {@code d}. */
    int outerVaries(int m) {
        return mask(outerStrides[m]);
    }

    int reducedVaries(int m) {
        return mask(reducedStrides[m]);
    }

    private static int mask(int[] s) {
        int bits = 0;
        for (int d = 0; d < s.length; d++) {
            if (s[d] != 0) {
                bits |= 1 << d;
            }
        }
        return bits;
    }

    // ------------------------------------------------------------------ geometry array

    /**
     * The numbers the generated code reads at run time, at positions fixed by the ranks alone
     * (see {@link Layout}): the vector axis length, the outer and reduced sizes, and per map its
     * offset, vector-axis stride, outer strides and reduced strides.
     */
    int[] geometry() {
        Layout l = new Layout(outer.length, reduced.length, maps());
        int[] g = new int[l.length()];
        g[Layout.INNER] = inner;
        for (int d = 0; d < outer.length; d++) {
            g[l.outerSize(d)] = outer[d];
        }
        for (int d = 0; d < reduced.length; d++) {
            g[l.reducedSize(d)] = reduced[d];
        }
        for (int m = 0; m < maps(); m++) {
            g[l.offset(m)] = offsets[m];
            g[l.innerStride(m)] = innerStrides[m];
            for (int d = 0; d < outer.length; d++) {
                g[l.outerStride(m, d)] = outerStrides[m][d];
            }
            for (int d = 0; d < reduced.length; d++) {
                g[l.reducedStride(m, d)] = reducedStrides[m][d];
            }
        }
        return g;
    }

    /** Positions in the geometry array. */
    record Layout(int outerRank, int reducedRank, int maps) {
        static final int INNER = 0;

        int outerSize(int d) {
            return 1 + d;
        }

        int reducedSize(int d) {
            return 1 + outerRank + d;
        }

        private int map(int m) {
            return 1 + outerRank + reducedRank + m * (2 + outerRank + reducedRank);
        }

        int offset(int m) {
            return map(m);
        }

        int innerStride(int m) {
            return map(m) + 1;
        }

        int outerStride(int m, int d) {
            return map(m) + 2 + d;
        }

        int reducedStride(int m, int d) {
            return map(m) + 2 + outerRank + d;
        }

        int length() {
            return map(maps);
        }
    }
}
