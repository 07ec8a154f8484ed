package dev.kiln.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place Kiln reads its {@code kiln.*} system properties. Kiln's own settings are declared
 * here; a backend declares its own ({@code kiln.<provider name>.*}) with {@link
 * BackendProvider#settings()} and receives them, with Kiln's, in the options map of {@link
 * BackendProvider#open} ({@link #optionsFor}). {@link #all()} lists every setting Kiln can find.
 *
 * <p>Each property is read once, the first time it is asked for, and that value holds for the rest
 * of the process: Kiln decides such things (checks on or off, the default backend) once.
 */
public final class Settings {
    /** Which backend Kiln uses when none is given. */
    public static final Setting BACKEND = Setting.of(
            "kiln.backend",
            "*",
            "backends to use when none is given, in order of preference (comma-separated; `*` is any"
                    + " available, highest priority first)");

    /** Whether programs are verified after tracing and every rewrite, and eager results checked. */
    public static final Setting CHECKS = Setting.of(
            "kiln.checks",
            "false",
            "verify every traced and rewritten program, and check each eager result's spec against its"
                    + " shape rule (slow; the test suites turn it on)");

    private static final List<Setting> CORE = List.of(BACKEND, CHECKS, OutputArrays.REUSE);

    /** Each property's value as first read (empty when unset). */
    private static final Map<String, Optional<String>> READ = new ConcurrentHashMap<>();

    private Settings() {}

    /** The settings of Kiln itself (the {@code dev.kiln} module). */
    public static List<Setting> core() {
        return CORE;
    }

    /**
     * Every setting declared where Kiln can see it: its own, then each backend provider's on the
     * class or module path (a provider that fails to load or to list its settings is skipped).
     * Settings that tools declare for themselves (the conformance suite's) are in the README only.
     */
    public static List<Setting> all() {
        List<Setting> all = new ArrayList<>(CORE);
        var it = ServiceLoader.load(BackendProvider.class, Settings.class.getClassLoader())
                .iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                all.addAll(it.next().settings());
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                // the registry reports providers that fail; listing settings is best effort
            }
        }
        return List.copyOf(all);
    }

    /** The setting's value: its system property as first read (stripped), else its default. */
    public static String value(Setting s) {
        return READ.computeIfAbsent(s.name(), Settings::read).map(String::strip).orElse(s.defaultValue());
    }

    /**
     * The options Kiln passes to {@link BackendProvider#open}: the value of each of Kiln's own
     * settings and of each setting the provider declares (the default where unset, left out where
     * that is null), and every other {@code kiln.<provider>.*} system property that is set, so a
     * backend may read settings it does not list (it should list them).
     */
    public static Map<String, String> optionsFor(String provider, List<Setting> declared) {
        Map<String, String> options = new LinkedHashMap<>();
        List<Setting> settings = new ArrayList<>(CORE);
        settings.addAll(declared);
        for (Setting s : settings) {
            String v = value(s);
            if (v != null) {
                options.put(s.name(), v);
            }
        }
        String prefix = "kiln." + provider + ".";
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(prefix) && !options.containsKey(name)) {
                READ.computeIfAbsent(name, Settings::read).ifPresent(v -> options.put(name, v.strip()));
            }
        }
        return Collections.unmodifiableMap(options);
    }

    private static Optional<String> read(String name) {
        return Optional.ofNullable(System.getProperty(name));
    }
}
