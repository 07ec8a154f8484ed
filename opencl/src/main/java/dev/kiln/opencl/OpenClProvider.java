package dev.kiln.opencl;

import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import dev.kiln.spi.BackendUnavailableException;
import dev.kiln.spi.Setting;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Provides {@link OpenClBackend}. Its priority depends on the devices found: above cpu-simd (150)
 * when a GPU is present, so a GPU machine computes on the GPU by default, and below it (50) when the
 * only devices are CPUs (PoCL), where the Vector API backend is faster.
 */
public final class OpenClProvider implements BackendProvider {
    static final String NAME = "opencl";

    /** Which OpenCL device to compute on. */
    static final Setting DEVICE = Setting.of(
            "kiln.opencl.device",
            null,
            "the OpenCL device the opencl backend computes on: its index in the list Kiln.backends() prints, or"
                    + " part of its name (unset: the first GPU, else the first device)");

    /** How many devices a CPU device is split into, for pmap. */
    static final Setting SUBDEVICES = Setting.of(
            "kiln.opencl.subdevices",
            "1",
            "splits the chosen OpenCL device into N sub-devices of equal compute units (clCreateSubDevices;"
                    + " PoCL's CPU device can), each a device of its own for pmap, as XLA's host device count does for"
                    + " CPUs; with 1 the devices are the chosen one and the others of its platform and type (every GPU)");

    /** Whether fused kernels become OpenCL C kernels of their own. */
    static final Setting FUSE = Setting.of(
            "kiln.opencl.fuse",
            "true",
            "opencl writes each fused elementwise or reduction kernel as one OpenCL C kernel (one build per"
                    + " kernel structure); `false` runs fused kernels op by op on prebuilt kernels");

    /** Whether the fast native paths (tiled products, work-group reductions) are used. */
    static final Setting FAST_PATHS = Setting.of(
            "kiln.opencl.fast-paths",
            "true",
            "opencl computes large float products with a kernel tiled through local memory (with a fused"
                    + " kernel's epilogue applied to the tile), long reductions with work-group trees (two stages"
                    + " when few outputs, also inside fused kernels), cumulative ops with a native scan and float32"
                    + " tanh with the device's built-in; `false` uses only the generic one-item-per-output kernels"
                    + " and Kiln's decompositions (for comparisons)");

    public OpenClProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        ClDiscovery.Result r = ClDiscovery.get();
        return r.ok() && r.devices().stream().anyMatch(ClDevice::isGpu) ? 150 : 50;
    }

    @Override
    public Availability probe() {
        try {
            ClDiscovery.Result r = ClDiscovery.get();
            if (!r.ok()) {
                return Availability.unavailable(r.problem(), r.fix());
            }
            String spec = DEVICE.value();
            var chosen = ClDiscovery.select(r.devices(), spec);
            String list = r.devices().stream().map(ClDevice::describe).collect(Collectors.joining("; "));
            if (chosen.isEmpty()) {
                return Availability.unavailable(
                        "-D" + DEVICE.name() + "=" + spec + " names no OpenCL device; devices: " + list,
                        "name a device by its index or part of its name, or leave " + DEVICE.name() + " unset");
            }
            return Availability.ok("computes on " + chosen.get().describe() + "; devices: " + list);
        } catch (Throwable t) {
            return Availability.unavailable("OpenCL discovery failed: " + t, "check the OpenCL driver with clinfo");
        }
    }

    @Override
    public List<Setting> settings() {
        return List.of(DEVICE, SUBDEVICES, FUSE, FAST_PATHS);
    }

    @Override
    public Backend open(Map<String, String> options) {
        ClDiscovery.Result r = ClDiscovery.get();
        if (!r.ok()) {
            throw new BackendUnavailableException("opencl: " + r.problem() + "; fix: " + r.fix());
        }
        String spec = DEVICE.in(options);
        ClDevice device = ClDiscovery.select(r.devices(), spec)
                .orElseThrow(() -> new BackendUnavailableException(
                        "opencl: -D" + DEVICE.name() + "=" + spec + " names no OpenCL device"));
        return new OpenClBackend.Devices(
                        devices(r.devices(), device, SUBDEVICES.in(options)),
                        FUSE.booleanIn(options),
                        FAST_PATHS.booleanIn(options))
                .view(0);
    }

    /**
     * The devices the backend offers: {@code chosen} split into {@code subdevices} parts, or with 1
     * the chosen device first and then every other device of its platform and type.
     */
    static List<ClDevice> devices(List<ClDevice> all, ClDevice chosen, String subdevices) {
        int n;
        try {
            n = Integer.parseInt(subdevices.strip());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new BackendUnavailableException("opencl: -D" + SUBDEVICES.name() + "=" + subdevices
                    + " is not a positive whole number; give how many sub-devices to split the device into (1: none)");
        }
        if (n > 1) {
            return ClDiscovery.subDevices(chosen, n);
        }
        List<ClDevice> out = new java.util.ArrayList<>();
        out.add(chosen);
        for (ClDevice d : all) {
            if (d != chosen
                    && d.platform().equals(chosen.platform())
                    && d.type().equals(chosen.type())) {
                out.add(d);
            }
        }
        return out;
    }
}
