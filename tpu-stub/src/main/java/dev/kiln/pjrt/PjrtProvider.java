package dev.kiln.pjrt;

import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import dev.kiln.spi.BackendUnavailableException;
import dev.kiln.spi.Setting;
import java.util.List;
import java.util.Map;

/**
 * Provides {@link PjrtBackend}: Kiln programs lowered to StableHLO and run by a PJRT plugin. Its
 * priority (10) is below cpu-simd's, so it runs only when named ({@code -Dkiln.backend=pjrt}).
 * The probe loads the plugin and reads its version and attributes; for a plugin with a device to
 * find (not Kiln's XLA:CPU plugin) it also creates a client and destroys it at once (see {@link
 * PjrtSession}). The client the backend keeps is created by {@link #open}, so a JVM that probes
 * the backends but never chooses pjrt runs no XLA client. The probe never throws, and reports the
 * plugin's own words when something fails (no plugin found, a library that does not load, an API
 * version Kiln does not speak, a client that cannot start, such as libtpu with no TPU attached).
 */
public final class PjrtProvider implements BackendProvider {
    /** Which PJRT plugin to use. */
    static final Setting PLUGIN = Setting.of(
            "kiln.pjrt.plugin",
            null,
            "the PJRT plugin the pjrt backend runs on: a path to a plugin .so, or tpu, cuda or cpu (unset:"
                    + " $PJRT_PLUGIN_LIBRARY_PATH, else the first of cuda, tpu, cpu that starts)");

    /** Where Kiln's XLA:CPU plugin is. */
    static final Setting CPU_PLUGIN = Setting.of(
            "kiln.pjrt.cpu-plugin",
            null,
            "path of Kiln's XLA:CPU PJRT plugin, the plugin named cpu (unset: tpu-stub/target/native/"
                    + "libkiln_pjrt_cpu.so under the working directory or its parent)");

    /** Which executables XLA compiles with its quick options. */
    static final Setting QUICK_COMPILE = Setting.of(
            "kiln.pjrt.quick-compile",
            "none",
            "which executables XLA compiles with quick options (LLVM -O0, loop emitters; compiles about"
                    + " three times faster, runs large arrays slower): none (XLA's defaults, as JAX), eager"
                    + " (one-primitive modules), or all (the test build)");

    /** Live device memory past which an allocation first asks for a garbage collection. */
    static final Setting GC_THRESHOLD_MB = Setting.of(
            "kiln.pjrt.gc-threshold-mb",
            "512",
            "live pjrt device memory, in MiB, past which an allocation first asks the JVM for a garbage"
                    + " collection so that unreachable arrays' buffers are freed (then twice what stayed alive)");

    /** A folder that receives every StableHLO module handed to the plugin, for reading or replaying. */
    static final Setting DUMP_DIR = Setting.of(
            "kiln.pjrt.dump-dir",
            null,
            "a folder into which the pjrt backend writes each StableHLO module it compiles"
                    + " (module-<n>.mlir, in compile order), to read what XLA was given or to replay it elsewhere");

    /** How many devices Kiln's XLA:CPU plugin presents. */
    static final Setting DEVICES = Setting.of(
            "kiln.pjrt.devices",
            "1",
            "devices the pjrt backend presents on Kiln's XLA:CPU plugin, for Kiln.pmap (its cpu_device_count,"
                    + " like XLA's host device count flag); other plugins present the devices they find");

    @Override
    public String name() {
        return PjrtBackend.NAME;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public List<Setting> settings() {
        return List.of(PLUGIN, CPU_PLUGIN, QUICK_COMPILE, GC_THRESHOLD_MB, DUMP_DIR, DEVICES);
    }

    @Override
    public Availability probe() {
        try {
            PjrtSession session = PjrtSession.connect(PLUGIN.value(), PjrtPlugins.environment(), CPU_PLUGIN.value());
            return Availability.ok(session.describe());
        } catch (PjrtSession.NotAvailable e) {
            return Availability.unavailable(e.reason(), e.fix());
        } catch (Throwable t) {
            return Availability.unavailable(
                    "the PJRT plugin could not be opened: " + t,
                    "choose another plugin with -Dkiln.pjrt.plugin=<path|tpu|cuda|cpu>");
        }
    }

    @Override
    public Backend open(Map<String, String> options) {
        boolean[] quick = quickCompile(QUICK_COMPILE.in(options));
        try {
            PjrtSession session =
                    PjrtSession.connect(PLUGIN.in(options), PjrtPlugins.environment(), CPU_PLUGIN.in(options));
            int count = DEVICES.intIn(options, 1);
            if (count < 1) {
                throw new BackendUnavailableException("pjrt: kiln.pjrt.devices must be at least 1, got " + count
                        + "; set -Dkiln.pjrt.devices=N" + " with N >= 1");
            }
            PjrtClient client;
            try {
                client = session.client(count);
            } catch (PjrtException e) {
                throw session.clientFailed(e);
            }
            return new PjrtBackend(session, client, quick);
        } catch (PjrtSession.NotAvailable e) {
            throw new BackendUnavailableException("pjrt: " + e.reason() + "; fix: " + e.fix());
        }
    }

    /** The {@code kiln.pjrt.quick-compile} value as [eager modules quick, programs quick]. */
    static boolean[] quickCompile(String value) {
        return switch (value == null ? "none" : value.strip()) {
            case "eager" -> new boolean[] {true, false};
            case "all" -> new boolean[] {true, true};
            case "none" -> new boolean[] {false, false};
            default ->
                throw new BackendUnavailableException(
                        "pjrt: the setting kiln.pjrt.quick-compile is '" + value + "'; set it to eager, all or none");
        };
    }
}
