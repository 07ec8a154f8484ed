package dev.kiln.opencl;

import static org.jocl.CL.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_device_partition_property;
import org.jocl.cl_platform_id;

/**
 * Finds the OpenCL devices of this machine, once per process. Never throws: what went wrong (the
 * JOCL native library, no platform, no device) is kept with the fix.
 */
final class ClDiscovery {
    /** What discovery found: the devices, or why there are none and how to fix it. */
    record Result(List<ClDevice> devices, String problem, String fix) {
        boolean ok() {
            return problem == null;
        }
    }

    private static Result result;

    private ClDiscovery() {}

    static synchronized Result get() {
        if (result == null) {
            result = discover();
        }
        return result;
    }

    private static Result discover() {
        try {
            // JOCL copies its native library into java.io.tmpdir, which must exist
            String tmp = System.getProperty("java.io.tmpdir");
            if (tmp != null) {
                Path dir = Path.of(tmp);
                Files.createDirectories(dir);
                if (!dir.isAbsolute()) {
                    // JOCL loads the copy by this path, and System.load wants an absolute one
                    System.setProperty("java.io.tmpdir", dir.toAbsolutePath().toString());
                }
            }
        } catch (Exception | Error e) {
            // the load below reports the real problem, if any
        }
        try {
            CL.setExceptionsEnabled(true);
        } catch (Throwable t) {
            return new Result(
                    List.of(),
                    "JOCL's native library could not be loaded: " + t,
                    "run java with --enable-native-access=ALL-UNNAMED (or dev.kiln.opencl's module name) on linux-x86_64,"
                            + " linux-arm64, macOS or windows-x86_64, with a writable java.io.tmpdir");
        }
        List<ClDevice> devices = new ArrayList<>();
        try {
            int[] count = new int[1];
            try {
                clGetPlatformIDs(0, null, count);
            } catch (CLException e) {
                return noPlatform(e.getMessage());
            }
            if (count[0] == 0) {
                return noPlatform("the OpenCL loader found 0 platforms");
            }
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id p : platforms) {
                String platformName = platformString(p, CL_PLATFORM_NAME);
                int[] n = new int[1];
                try {
                    // every type: PoCL's CPU device is not a GPU, and a GPU is not a CPU
                    clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    continue; // CL_DEVICE_NOT_FOUND: a platform with no device
                }
                cl_device_id[] ids = new cl_device_id[n[0]];
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
                for (cl_device_id d : ids) {
                    devices.add(describe(devices.size(), p, platformName, d));
                }
            }
        } catch (Throwable t) {
            return new Result(
                    List.of(),
                    "listing the OpenCL devices failed: " + t,
                    "check the OpenCL driver with clinfo; reinstall the vendor's ICD (pocl-opencl-icd for CPUs)");
        }
        if (devices.isEmpty()) {
            return new Result(
                    List.of(),
                    "the OpenCL platforms have no device",
                    "install the device's OpenCL driver (pocl-opencl-icd for CPUs, the vendor's driver for GPUs)"
                            + " and check it with clinfo");
        }
        return new Result(List.copyOf(devices), null, null);
    }

    private static Result noPlatform(String detail) {
        return new Result(
                List.of(),
                "no OpenCL platform (" + detail + ")",
                "install an OpenCL driver registered with the ICD loader: apt-get install ocl-icd-libopencl1"
                        + " pocl-opencl-icd for CPUs, the vendor's driver for GPUs; check OCL_ICD_VENDORS and clinfo");
    }

    /**
     * {@code parent} split into {@code n} sub-devices of equal compute units (the first {@code n} of an
     * equal partition), each described like a device, its name marked with its part.
     */
    static List<ClDevice> subDevices(ClDevice parent, int n) {
        if (n > parent.computeUnits()) {
            throw new dev.kiln.spi.BackendUnavailableException(
                    "opencl: cannot split " + parent.describe() + " into " + n + " sub-devices: it has "
                            + parent.computeUnits() + " compute units; ask for at most that many");
        }
        cl_device_partition_property equally = new cl_device_partition_property();
        equally.addProperty(CL_DEVICE_PARTITION_EQUALLY, parent.computeUnits() / n);
        cl_device_id[] ids;
        try {
            int[] count = new int[1];
            clCreateSubDevices(parent.id(), equally, 0, null, count);
            ids = new cl_device_id[count[0]];
            clCreateSubDevices(parent.id(), equally, ids.length, ids, null);
        } catch (CLException e) {
            throw new dev.kiln.spi.BackendUnavailableException("opencl: " + parent.describe()
                    + " cannot be split into sub-devices (" + e.getMessage() + "); leave kiln.opencl.subdevices at 1");
        }
        List<ClDevice> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            ClDevice d = describe(parent.index(), parent.platform(), parent.platformName(), ids[k]);
            out.add(new ClDevice(
                    d.index(),
                    d.platform(),
                    d.id(),
                    d.name() + " (part " + (k + 1) + " of " + n + ")",
                    d.platformName(),
                    d.type(),
                    d.version(),
                    d.fp64(),
                    d.correctlyRoundedDivideSqrt(),
                    d.globalMemBytes(),
                    d.maxAllocBytes(),
                    d.localMemBytes(),
                    d.maxWorkGroupSize(),
                    d.computeUnits()));
        }
        return List.copyOf(out);
    }

    private static ClDevice describe(int index, cl_platform_id p, String platformName, cl_device_id d) {
        long type = deviceLong(d, CL_DEVICE_TYPE);
        String typeName = (type & CL_DEVICE_TYPE_GPU) != 0
                ? "gpu"
                : (type & CL_DEVICE_TYPE_CPU) != 0
                        ? "cpu"
                        : (type & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator" : "other";
        String extensions = deviceString(d, CL_DEVICE_EXTENSIONS);
        long fpConfig = deviceLong(d, CL_DEVICE_SINGLE_FP_CONFIG);
        return new ClDevice(
                index,
                p,
                d,
                deviceString(d, CL_DEVICE_NAME).strip(),
                platformName.strip(),
                typeName,
                deviceString(d, CL_DEVICE_VERSION).strip(),
                extensions.contains("cl_khr_fp64"),
                (fpConfig & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0,
                deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE),
                deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE),
                deviceSize(d, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                (int) deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS));
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_long, Pointer.to(v), null);
        return v[0];
    }

    static long deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_int, Pointer.to(v), null);
        return v[0];
    }

    private static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * The device {@code spec} names: an index into {@code devices}, or a case-insensitive part of a
     * device's name (the first match); {@code null} or blank picks the first GPU, else the first
     * device. Empty when {@code spec} names no device.
     */
    static java.util.Optional<ClDevice> select(List<ClDevice> devices, String spec) {
        if (devices.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (spec == null || spec.isBlank()) {
            return java.util.Optional.of(
                    devices.stream().filter(ClDevice::isGpu).findFirst().orElse(devices.get(0)));
        }
        String s = spec.strip();
        if (s.matches("\\d+")) {
            int i = Integer.parseInt(s);
            return i < devices.size() ? java.util.Optional.of(devices.get(i)) : java.util.Optional.empty();
        }
        String part = s.toLowerCase(Locale.ROOT);
        return devices.stream()
                .filter(d -> d.name().toLowerCase(Locale.ROOT).contains(part)
                        || d.platformName().toLowerCase(Locale.ROOT).contains(part))
                .findFirst();
    }
}
