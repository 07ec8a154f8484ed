package dev.kiln.pjrt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A PJRT plugin loaded and initialized, and the client the backend runs on, created when it is
 * first needed. Sessions are made once per plugin path and kept for the life of the process (PJRT
 * plugins cannot be unloaded), so a probe and the backend opened after it share one session. A
 * failure is remembered too, so a probe that failed is not retried at a cost.
 *
 * <p>The probe does not leave a client running: an XLA client starts thread pools (five threads
 * for XLA:CPU), and a device client (TPU, GPU) holds its device, so a JVM that probes the backends
 * but never chooses pjrt should have neither. Kiln's own XLA:CPU plugin (it says so with its {@code
 * kiln_plugin} attribute) needs no attached device, so its probe stops after loading the plugin and
 * reading its version and attributes; for any other plugin, whose client fails when its device is
 * missing (libtpu: "TPU initialization failed"), the probe creates a client to learn that, reads its
 * platform and device, and destroys it at once. {@link #client()} creates the client the backend
 * keeps, when pjrt is opened.
 */
final class PjrtSession {
    /** Why no plugin could be used, in the plugin's own words, and the fix. */
    static final class NotAvailable extends Exception {
        private final String reason;
        private final String fix;

        NotAvailable(String reason, String fix) {
            super(reason, null, false, false);
            this.reason = reason;
            this.fix = fix;
        }

        String reason() {
            return reason;
        }

        String fix() {
            return fix;
        }
    }

    /** The attribute by which Kiln's XLA:CPU plugin says its client needs no attached device. */
    static final String KILN_PLUGIN_ATTRIBUTE = "kiln_plugin";

    private static final Map<Path, Object> BY_PATH = new ConcurrentHashMap<>();

    final String name;
    final Path path;
    final PjrtApi api;
    final Map<String, String> attributes;
    /** What a trial client said about its platform and device, or null when the probe made none. */
    private final String trialDescription;

    private volatile PjrtClient client;

    private PjrtSession(String name, Path path, PjrtApi api, Map<String, String> attributes, String trialDescription) {
        this.name = name;
        this.path = path;
        this.api = api;
        this.attributes = attributes;
        this.trialDescription = trialDescription;
    }

    /**
     * The client the backend runs on, created on first use and kept for the life of the process.
     *
     * @throws PjrtException with the plugin's message when the client cannot be created
     */
    PjrtClient client() {
        return client(1);
    }

    /**
     * The client, created on first use with {@code cpuDevices} devices where the plugin is Kiln's
     * XLA:CPU plugin (its {@code cpu_device_count} option; other plugins have the devices they find).
     * A process keeps one client per plugin, so a later call asking for another count is refused.
     *
     * @throws PjrtException with the plugin's message when the client cannot be created
     */
    PjrtClient client(int cpuDevices) {
        boolean ours = attributes.containsKey(KILN_PLUGIN_ATTRIBUTE);
        PjrtClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = ours && cpuDevices != 1
                            ? api.createClient(Map.of("cpu_device_count", (long) cpuDevices))
                            : api.createClient();
                    client = c;
                }
            }
        }
        if (ours && c.deviceCount() != cpuDevices) {
            throw new PjrtException(
                    "pjrt: this process's XLA:CPU client already has " + c.deviceCount() + " devices, not "
                            + cpuDevices + " (a plugin's client is made once per process); set"
                            + " kiln.pjrt.devices before pjrt is first opened",
                    -1);
        }
        return c;
    }

    /** Whether this session's client has been created (the probe alone never leaves one). */
    boolean hasClient() {
        return client != null;
    }

    /** Whether the probe must create a client to know the plugin can run here. */
    static boolean needsTrialClient(Map<String, String> attributes) {
        return !attributes.containsKey(KILN_PLUGIN_ATTRIBUTE);
    }

    String describe() {
        String plugin = "plugin " + name + " (" + api.path().getFileName() + ", PJRT API " + api.version() + ")";
        PjrtClient c = client;
        if (c != null) {
            return plugin + ", " + describe(c);
        }
        if (trialDescription != null) {
            return plugin + ", " + trialDescription;
        }
        return plugin + ", " + attributes.get(KILN_PLUGIN_ATTRIBUTE) + " (no device to find; its client starts when"
                + " pjrt is opened)";
    }

    private static String describe(PjrtClient c) {
        return "platform " + c.platformName() + (c.platformVersion().isEmpty() ? "" : " " + c.platformVersion())
                + ", device " + c.deviceDescriptions().get(0);
    }

    /**
     * Connects to the plugin {@code spec} names (a path or tpu, cuda, cpu); with none, to {@code
     * PJRT_PLUGIN_LIBRARY_PATH}, else the first of cuda, tpu, cpu that starts.
     */
    static PjrtSession connect(String spec, Map<String, String> env, String cpuPlugin) throws NotAvailable {
        if (spec == null || spec.isBlank()) {
            String fromEnv = env.get("PJRT_PLUGIN_LIBRARY_PATH");
            spec = fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
        }
        if (spec != null) {
            return connect(PjrtPlugins.locate(spec.strip(), env, cpuPlugin));
        }
        List<String> reasons = new ArrayList<>();
        for (String name : PjrtPlugins.NAMES) {
            try {
                return connect(PjrtPlugins.locate(name, env, cpuPlugin));
            } catch (NotAvailable e) {
                reasons.add(name + ": " + e.reason());
            }
        }
        throw new NotAvailable(
                "no PJRT plugin starts here (" + String.join("; ", reasons) + ")",
                "set -Dkiln.pjrt.plugin to a plugin's path, or to tpu, cuda or cpu");
    }

    static PjrtSession connect(PjrtPlugins.Located located) throws NotAvailable {
        return connect(located, false);
    }

    /**
     * Connects to a located plugin; {@code trialAlways} makes the probe create and destroy a
     * client even for Kiln's CPU plugin (for tests of that path).
     */
    static PjrtSession connect(PjrtPlugins.Located located, boolean trialAlways) throws NotAvailable {
        if (located.problem() != null) {
            throw new NotAvailable(
                    "plugin " + located.name() + ": " + located.problem(),
                    "install the plugin, or set -Dkiln.pjrt.plugin to a plugin's path");
        }
        Object result = BY_PATH.computeIfAbsent(located.path(), p -> open(located, trialAlways));
        if (result instanceof NotAvailable n) {
            throw n;
        }
        return (PjrtSession) result;
    }

    private static Object open(PjrtPlugins.Located located, boolean trialAlways) {
        PjrtApi api;
        try {
            api = PjrtApi.load(located.path());
        } catch (PjrtException e) {
            return new NotAvailable(
                    "plugin " + located.name() + " at " + located.path() + " cannot be used: " + e.getMessage(),
                    "use a PJRT plugin of API " + PjrtLayout.MAJOR + ".x that exports GetPjrtApi");
        } catch (Throwable t) {
            return new NotAvailable(
                    "plugin " + located.name() + " at " + located.path() + " failed to load: " + t,
                    "use a PJRT plugin of API " + PjrtLayout.MAJOR + ".x built for this platform");
        }
        Map<String, String> attributes;
        try {
            attributes = api.attributes();
        } catch (PjrtException e) {
            attributes = Map.of("error", e.getMessage());
        }
        if (!trialAlways && !needsTrialClient(attributes)) {
            return new PjrtSession(located.name(), located.path(), api, attributes, null);
        }
        String description;
        try {
            PjrtClient trial = api.createClient();
            try {
                description = describe(trial);
            } finally {
                trial.destroy();
            }
        } catch (PjrtException e) {
            return clientFailed(located.name(), located.path(), api, e);
        }
        return new PjrtSession(located.name(), located.path(), api, attributes, description);
    }

    /** The message for a client that could not be created when pjrt was opened. */
    NotAvailable clientFailed(PjrtException e) {
        return clientFailed(name, path, api, e);
    }

    private static NotAvailable clientFailed(String name, Path path, PjrtApi api, PjrtException e) {
        return new NotAvailable(
                "plugin " + name + " (" + path + ", PJRT API " + api.version()
                        + ") loaded, but its client could not be created: " + e.getMessage(),
                "run where the plugin's device is attached, or choose another plugin with"
                        + " -Dkiln.pjrt.plugin=<path|tpu|cuda|cpu>");
    }

    /** Loads a plugin and reads its version and attributes without creating a client (for tests). */
    static PjrtApi load(Path path) {
        return PjrtApi.load(path);
    }
}
