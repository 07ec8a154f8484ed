package dev.kiln;

import dev.kiln.spi.Device;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How {@link Kiln#pmap(java.util.function.Function, PmapOptions)} maps a function over devices: the
 * axis name collectives use (null: none), the mapped input axis of every array leaf ({@code inAxis},
 * or one entry per leaf in {@link Tree#flatten} order, null for a leaf every device gets whole), the
 * output axis ({@code null}: outputs are not mapped, and device 0's is returned), and the devices (null:
 * the first devices of the current backend, after {@link Kiln#distributed()} every process's). Values
 * in the argument that are not arrays are static: part of what the function is compiled for, the same
 * on every device. {@code donated}: the caller gives up the mapped array arguments (see {@link
 * #donate()}). {@code axisSize}: the mapped axis's length, checked against the arguments' (null: not
 * checked), as JAX's {@code axis_size}.
 */
public record PmapOptions(
        String axisName,
        Integer inAxis,
        Integer[] leafAxes,
        Integer outAxis,
        List<Device> devices,
        boolean donated,
        Integer axisSize,
        Integer[] outLeafAxes) {
    /** Options with one output axis for every output leaf. */
    public PmapOptions(
            String axisName,
            Integer inAxis,
            Integer[] leafAxes,
            Integer outAxis,
            List<Device> devices,
            boolean donated,
            Integer axisSize) {
        this(axisName, inAxis, leafAxes, outAxis, devices, donated, axisSize, null);
    }

    /** Options that donate nothing. */
    public PmapOptions(String axisName, Integer inAxis, Integer[] leafAxes, Integer outAxis, List<Device> devices) {
        this(axisName, inAxis, leafAxes, outAxis, devices, false, null);
    }

    /** Options with no axis size given. */
    public PmapOptions(
            String axisName,
            Integer inAxis,
            Integer[] leafAxes,
            Integer outAxis,
            List<Device> devices,
            boolean donated) {
        this(axisName, inAxis, leafAxes, outAxis, devices, donated, null);
    }

    /** Axis 0 in and out, named {@code name}, on the default devices. */
    public static PmapOptions axisName(String name) {
        return new PmapOptions(name, 0, null, 0, null);
    }

    /**
     * Donates the mapped array arguments, as JAX's {@code donate_argnums}: the caller will not use them
     * after the call, so a device's slice that the function only reduces across devices ({@code
     * psum}, {@code pmax}, {@code pmin} of an argument used nowhere else) may be reduced in place and
     * become the result, with no copy and no new array. Where that applies (an eager {@code pmap}
     * over MPI processes with one device each, on a backend whose buffers are host memory), a
     * donated argument's values afterwards are undefined; elsewhere donating changes nothing.
     */
    public PmapOptions donate() {
        return new PmapOptions(axisName, inAxis, leafAxes, outAxis, devices, true, axisSize, outLeafAxes);
    }

    /** Every array leaf mapped over {@code axis} (null: none). */
    public PmapOptions inAxes(Integer axis) {
        return new PmapOptions(axisName, axis, null, outAxis, devices, donated, axisSize, outLeafAxes);
    }

    /** One input axis per array leaf, in {@link Tree#flatten} order (null: not mapped). */
    public PmapOptions inAxes(Integer... perLeaf) {
        return new PmapOptions(axisName, null, perLeaf.clone(), outAxis, devices, donated, axisSize, outLeafAxes);
    }

    /** The mapped axis placed at {@code axis} in every output (null: outputs are not mapped). */
    public PmapOptions outAxes(Integer axis) {
        return new PmapOptions(axisName, inAxis, leafAxes, axis, devices, donated, axisSize, null);
    }

    /**
     * One output axis per output array leaf, in {@link Tree#flatten} order of the result (null: that
     * output is not mapped, and device 0's is returned), as JAX's {@code out_axes=(0, None)}; a single
     * entry applies to every leaf.
     */
    public PmapOptions outAxes(Integer first, Integer... rest) {
        // outAxes(1, null) passes null as the array itself: Java's reading of one null vararg
        Integer[] more = rest == null ? new Integer[] {null} : rest;
        Integer[] perLeaf = new Integer[more.length + 1];
        perLeaf[0] = first;
        System.arraycopy(more, 0, perLeaf, 1, more.length);
        return new PmapOptions(axisName, inAxis, leafAxes, 0, devices, donated, axisSize, perLeaf);
    }

    /** The output axis of each of {@code leaves} output leaves (null: not mapped). */
    Integer[] outLeafAxes(int leaves) {
        return VmapOptions.outAxesOf(outLeafAxes, outAxis, leaves, "pmap");
    }

    /**
     * Runs on these devices, in order: the first one per slice (as JAX, any beyond those are not used), or,
     * when the function holds {@code pmap}s of its own, the first block of devices per slice; see {@link
     * Kiln#devices()}.
     */
    public PmapOptions devices(List<Device> chosen) {
        return new PmapOptions(
                axisName, inAxis, leafAxes, outAxis, List.copyOf(chosen), donated, axisSize, outLeafAxes);
    }

    /**
     * The mapped axis's length, as JAX's {@code axis_size}: a call whose mapped arguments have another
     * length is refused ({@link ShapeException}).
     */
    public PmapOptions axisSize(int size) {
        return new PmapOptions(axisName, inAxis, leafAxes, outAxis, devices, donated, size, outLeafAxes);
    }

    Integer[] leafAxes(int leaves) {
        return new VmapOptions(axisName, inAxis, leafAxes, 0).leafAxes(leaves, "pmap");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PmapOptions p
                && Objects.equals(axisName, p.axisName)
                && Objects.equals(inAxis, p.inAxis)
                && Arrays.equals(leafAxes, p.leafAxes)
                && Objects.equals(outAxis, p.outAxis)
                && Objects.equals(devices, p.devices)
                && donated == p.donated
                && Objects.equals(axisSize, p.axisSize)
                && Arrays.equals(outLeafAxes, p.outLeafAxes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                axisName,
                inAxis,
                Arrays.hashCode(leafAxes),
                outAxis,
                devices,
                donated,
                axisSize,
                Arrays.hashCode(outLeafAxes));
    }

    @Override
    public String toString() {
        return "PmapOptions[axisName=" + axisName + ", inAxis=" + inAxis + ", leafAxes=" + Arrays.toString(leafAxes)
                + ", outAxis=" + outAxis + ", devices=" + devices + (donated ? ", donated" : "")
                + (axisSize == null ? "" : ", axisSize=" + axisSize)
                + (outLeafAxes == null ? "" : ", outLeafAxes=" + Arrays.toString(outLeafAxes)) + "]";
    }
}
