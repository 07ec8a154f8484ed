package dev.kiln;

import java.util.Arrays;

/**
 * How {@link Kiln#vmap(java.util.function.Function, VmapOptions)} and {@link
 * Kiln#pmap(java.util.function.Function, PmapOptions)} map a function: the axis name collectives use
 * (null: none), the input axis of every array leaf ({@code inAxis}, or one entry per leaf in {@link
 * Tree#flatten} order, null for a leaf that is not mapped) and the output axis.
 */
public record VmapOptions(String axisName, Integer inAxis, Integer[] leafAxes, int outAxis) {
    /** Axis 0 in and out, with a name. */
    public static VmapOptions axisName(String name) {
        return new VmapOptions(name, 0, null, 0);
    }

    /** The same with every array leaf mapped over {@code axis} (null: none). */
    public VmapOptions inAxes(Integer axis) {
        return new VmapOptions(axisName, axis, null, outAxis);
    }

    /** The same with one input axis per array leaf, in {@link Tree#flatten} order (null: not mapped). */
    public VmapOptions inAxes(Integer... perLeaf) {
        return new VmapOptions(axisName, null, perLeaf.clone(), outAxis);
    }

    /** The same with the mapped axis placed at {@code axis} in every output. */
    public VmapOptions outAxes(int axis) {
        return new VmapOptions(axisName, inAxis, leafAxes, axis);
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
                && outAxis == v.outAxis;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(axisName, inAxis, Arrays.hashCode(leafAxes), outAxis);
    }

    @Override
    public String toString() {
        return "VmapOptions[axisName=" + axisName + ", inAxis=" + inAxis + ", leafAxes=" + Arrays.toString(leafAxes)
                + ", outAxis=" + outAxis + "]";
    }
}
