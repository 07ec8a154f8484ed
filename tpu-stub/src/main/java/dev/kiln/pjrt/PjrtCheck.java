package dev.kiln.pjrt;

import java.util.Map;

/**
 * Reports what Kiln makes of one PJRT plugin: where it is, the API version it reports, its
 * attributes, and whether its client starts (with the plugin's own message when it does not).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp kiln-spi.jar:kiln-pjrt.jar dev.kiln.pjrt.PjrtCheck tpu</pre>
 *
 * The argument is what {@code -Dkiln.pjrt.plugin} takes: a path, or tpu, cuda or cpu. Exits 0
 * when the client starts, 2 when the plugin loads but its client does not, 3 when it does not load.
 */
public final class PjrtCheck {
    private PjrtCheck() {}

    public static void main(String[] args) {
        String spec = args.length > 0 ? args[0] : "cpu";
        Map<String, String> env = PjrtPlugins.environment();
        PjrtPlugins.Located located = PjrtPlugins.locate(spec, env, PjrtProvider.CPU_PLUGIN.value());
        if (located.problem() != null) {
            System.out.println("unavailable: plugin " + located.name() + ": " + located.problem());
            System.exit(3);
        }
        System.out.println("plugin: " + located.name() + " at " + located.path());
        PjrtApi api;
        try {
            api = PjrtApi.load(located.path());
        } catch (PjrtException e) {
            System.out.println("unavailable: " + e.getMessage());
            System.exit(3);
            return;
        }
        System.out.println("api: " + api.version() + " (struct_size " + api.structSize() + ")");
        try {
            api.attributes().forEach((k, v) -> System.out.println("attribute: " + k + " = " + v));
        } catch (PjrtException e) {
            System.out.println("attributes: " + e.getMessage());
        }
        try {
            PjrtSession session = PjrtSession.connect(located);
            try {
                session.client(); // the probe of Kiln's CPU plugin starts none: start it here
            } catch (PjrtException e) {
                throw session.clientFailed(e);
            }
            System.out.println("available: " + session.describe());
            System.exit(0);
        } catch (PjrtSession.NotAvailable e) {
            System.out.println("unavailable: " + e.reason());
            System.out.println("fix: " + e.fix());
            System.exit(2);
        }
    }
}
