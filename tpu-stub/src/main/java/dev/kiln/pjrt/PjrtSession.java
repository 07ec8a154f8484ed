package dev.kiln.pjrt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A PJRT plugin loaded, initialized and with a client: what one backend runs on. Sessions are
 * made once per plugin path and kept for the life of the process (PJRT plugins cannot be unloaded,
 * and creating an XLA client starts thread pools), so a probe and the backend opened after it
 * share one client. A failure is remembered too, so a probe that failed is not retried at a cost.
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

    private static final Map<Path, Object> BY_PATH = new ConcurrentHashMap<>();

    final String name;
    final PjrtApi api;
    final PjrtClient client;
    final Map<String, String> attributes;

    private PjrtSession(String name, PjrtApi api, PjrtClient client, Map<String, String> attributes) {
        this.name = name;
        this.api = api;
        this.client = client;
        this.attributes = attributes;
    }

    String describe() {
        return "plugin " + name + " (" + api.path().getFileName() + ", PJRT API " + api.version() + "), platform "
                + client.platformName() + (client.platformVersion().isEmpty() ? "" : " " + client.platformVersion())
                + ", device " + client.deviceDescriptions().get(0);
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
        if (located.problem() != null) {
            throw new NotAvailable(
                    "plugin " + located.name() + ": " + located.problem(),
                    "install the plugin, or set -Dkiln.pjrt.plugin to a plugin's path");
        }
        Object result = BY_PATH.computeIfAbsent(located.path(), p -> open(located));
        if (result instanceof NotAvailable n) {
            throw n;
        }
        return (PjrtSession) result;
    }

    private static Object open(PjrtPlugins.Located located) {
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
        try {
            PjrtClient client = api.createClient();
            return new PjrtSession(located.name(), api, client, attributes);
        } catch (PjrtException e) {
            return new NotAvailable(
                    "plugin " + located.name() + " (" + located.path() + ", PJRT API " + api.version()
                            + ") loaded, but its client could not be created: " + e.getMessage(),
                    "run where the plugin's device is attached, or choose another plugin with"
                            + " -Dkiln.pjrt.plugin=<path|tpu|cuda|cpu>");
        }
    }

    /** Loads a plugin and reads its version and attributes without creating a client (for tests). */
    static PjrtApi load(Path path) {
        return PjrtApi.load(path);
    }
}
