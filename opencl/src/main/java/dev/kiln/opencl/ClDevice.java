package dev.kiln.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as discovery found it.
 *
 * @param index the position in the list of every device of every platform (what {@code
 *     kiln.opencl.device} may name)
 * @param type {@code gpu}, {@code cpu}, {@code accelerator} or {@code other}
 * @param fp64 whether the device has {@code cl_khr_fp64} (then float64 is computed, and float32
 *     transcendentals are computed in double and rounded once)
 */
record ClDevice(
        int index,
        cl_platform_id platform,
        cl_device_id id,
        String name,
        String platformName,
        String type,
        String version,
        boolean fp64,
        boolean correctlyRoundedDivideSqrt,
        long globalMemBytes,
        long maxAllocBytes,
        long localMemBytes,
        long maxWorkGroupSize,
        int computeUnits) {

    boolean isGpu() {
        return type.equals("gpu");
    }

    /** One line: {@code [0] name (gpu, OpenCL 3.0, Platform, 80 GiB, fp64)}. */
    String describe() {
        return "[" + index + "] " + name + " (" + type + ", " + version + ", " + platformName + ", "
                + (globalMemBytes >> 20) + " MiB, " + computeUnits + " compute units"
                + (fp64 ? ", fp64" : ", no fp64") + ")";
    }
}
