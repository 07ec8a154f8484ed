package dev.kiln;

import java.util.Arrays;
import java.util.Objects;

/**
 * How {@link Kiln#vmap(java.util.function.Function, VmapOptions)} and {@link
 * Kiln#pmap(java.util.function.Function, PmapOptions)} map a function: the axis name collectives use
 * (null: none), the input axis of every array leaf ({@code inAxis}, or one entry per leaf in {@link
 * Tree#flatten} order, null for a leaf that is not mapped) and the output axis ({@code outAxis} for
 * every output leaf, or {@code outLeafAxes}: one entry per output leaf, null for an output that is
 * not mapped; a single entry applies to every leaf, as a tree prefix does in JAX).
 */
public record VmapOptions(String axisName, Integer inAxis, Integer[] leafAxes, int outAxis, Integer[] outLeafAxes) {
    /** Options with one output axis for every output leaf. */
    public VmapOptions(String axisName, Integer inAxis, Integer[] leafAxes, int outAxis) {
        this(axisName, inAxis, leafAxes, outAxis, null);
    }

    /** Axis 0 in and out, with a name. */
    public static VmapOptions axisName(String name) {
        return new VmapOptions(name, 0, null, 0);
    }

    /** The same with every array leaf mapped over {@code axis} (null: none). */
    public VmapOptions inAxes(Integer axis) {
        return new VmapOptions(axisName, axis, null, outAxis, outLeafAxes);
    }

    /** The same with one input axis per array leaf, in {@link Tree#flatten} order (null: not mapped). */
    public VmapOptions inAxes(Integer... perLeaf) {
        Objects.requireNonNull(perLeaf, "perLeaf");
        return new VmapOptions(axisName, null, perLeaf.clone(), outAxis, outLeafAxes);
    }

    /**
     * The same with the mapped axis placed at {@code axis} in every output, or, with null, every
     * output not mapped (JAX's {@code out_axes=None}: each output must then not depend on the mapped
     * inputs, or the call is refused).
     */
    public VmapOptions outAxes(Integer axis) {
        return axis == null
                ? new VmapOptions(axisName, inAxis, leafAxes, 0, new Integer[] {null})
                : new VmapOptions(axisName, inAxis, leafAxes, axis, null);
    }

    /**
     * The same with one output axis per output array leaf, in {@link Tree#flatten} order of the
     * result (null: that output is not mapped), as JAX's {@code out_axes=(0, None)}.
     */
    public VmapOptions outAxes(Integer first, Integer... rest) {
        // outAxes(1, null) passes null as the array itself: Java's reading of one null vararg
        Integer[] more = rest == null ? new Integer[] {null} : rest;
        Integer[] perLeaf = new Integer[more.length + 1];
        perLeaf[0] = first;
        System.arraycopy(more, 0, perLeaf, 1, more.length);
        return new VmapOptions(axisName, inAxis, leafAxes, 0, perLeaf);
    }

    /** The output axis of each of {@code leaves} output leaves (null: not mapped). */
    Integer[] outLeafAxes(int leaves, String fn) {
        return outAxesOf(outLeafAxes, outAxis, leaves, fn);
    }

    /** {@code perLeaf} (one entry for all, or one per leaf) or {@code all} for each of {@code leaves} outputs. */
    static Integer[] outAxesOf(Integer[] perLeaf, Integer all, int leaves, String fn) {
        Integer[] axes = new Integer[leaves];
        if (perLeaf == null) {
            Arrays.fill(axes, all);
        } else if (perLeaf.length == 1) {
            Arrays.fill(axes, perLeaf[0]);
        } else if (perLeaf.length == leaves) {
            System.arraycopy(perLeaf, 0, axes, 0, leaves);
        } else {
            throw new TreeException(fn + ": " + perLeaf.length + " out_axes entries for a result with " + leaves
                    + " array leaves; give one entry (an axis or null) per output leaf, in Tree.flatten order,"
                    + " or one for all");
        }
        return axes;
    }

    Integer[] leafAxes(int leaves, String fn) {
        if (leafAxes != null) {
            if (leafAxes.length != leaves) {
                throw new TreeException(fn + ": " + leafAxes.length + " in_axes entries for an argument with " + leaves
                        + " array leaves; give one entry (an axis or null) per leaf, in Tree.flatten order");
            }
            return leafAxes.clone();
        }
        Integer[] axes = new Integer[leaves];
        Arrays.fill(axes, inAxis);
        return axes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VmapOptions v
                && java.util.Objects.equals(axisName, v.axisName)
                && java.util.Objects.equals(inAxis, v.inAxis)
                && Arrays.equals(leafAxes, v.leafAxes)
                && outAxis == v.outAxis
                && Arrays.equals(outLeafAxes, v.outLeafAxes);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(
                axisName, inAxis, Arrays.hashCode(leafAxes), outAxis, Arrays.hashCode(outLeafAxes));
    }

    @Override
    public String toString() {
        return "VmapOptions[axisName=" + axisName + ", inAxis=" + inAxis + ", leafAxes=" + Arrays.toString(leafAxes)
                + ", outAxis=" + outAxis
                + (outLeafAxes == null ? "" : ", outLeafAxes=" + Arrays.toString(outLeafAxes)) + "]";
    }
}
