package dev.kiln.internal.discovery;

import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import dev.kiln.spi.BackendUnavailableException;
import dev.kiln.spi.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backend providers with {@link ServiceLoader}, probes them once, and opens each at most
 * once. A provider that fails to load or whose probe throws is reported as unavailable, never
 * fatal.
 */
public final class BackendRegistry {
    /** The system property that names the backends to use, in order of preference; {@code *} is any. */
    public static final String PROPERTY = Settings.BACKEND.name();

    private static final Logger LOG = LoggerFactory.getLogger(BackendRegistry.class);

    /** A provider found on the class or module path and what its probe said. */
    public record Entry(String name, int priority, Availability availability, BackendProvider provider) {}

    private static volatile BackendRegistry instance;

    private final List<Entry> entries;
    private final Map<String, Backend> opened = new ConcurrentHashMap<>();
    private volatile Backend defaultBackend;

    BackendRegistry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static BackendRegistry get() {
        BackendRegistry r = instance;
        if (r == null) {
            synchronized (BackendRegistry.class) {
                r = instance;
                if (r == null) {
                    r = new BackendRegistry(discover(BackendRegistry.class.getClassLoader()));
                    instance = r;
                }
            }
        }
        return r;
    }

    static List<Entry> discover(ClassLoader loader) {
        List<Entry> found = new ArrayList<>();
        var it = ServiceLoader.load(BackendProvider.class, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<BackendProvider> handle;
            try {
                if (!it.hasNext()) {
                    break;
                }
                handle = it.next();
            } catch (ServiceConfigurationError e) {
                LOG.warn("Kiln: skipping a backend provider that failed to load: {}", e.getMessage());
                continue;
            }
            found.add(probe(handle));
        }
        found.sort(Comparator.comparingInt(Entry::priority).reversed().thenComparing(Entry::name));
        return found;
    }

    private static Entry probe(ServiceLoader.Provider<BackendProvider> handle) {
        String typeName = handle.type().getName();
        BackendProvider provider;
        try {
            provider = handle.get();
        } catch (Throwable t) {
            return new Entry(
                    typeName,
                    Integer.MIN_VALUE,
                    Availability.unavailable(
                            "provider " + typeName + " could not be created: " + t,
                            "check that the backend jar and its dependencies are complete"),
                    null);
        }
        String name;
        int priority;
        Availability availability;
        try {
            name = provider.name();
            priority = provider.priority();
        } catch (Throwable t) {
            return new Entry(
                    typeName,
                    Integer.MIN_VALUE,
                    Availability.unavailable(
                            "provider " + typeName + " failed to describe itself: " + t,
                            "report it to the backend's authors"),
                    null);
        }
        try {
            availability = provider.probe();
            if (availability == null) {
                availability = Availability.unavailable("probe returned null", "report it to the backend's authors");
            }
        } catch (Throwable t) {
            availability = Availability.unavailable("probe threw " + t, "report it to the backend's authors");
        }
        return new Entry(name, priority, availability, provider);
    }

    /** Every provider found, highest priority first. */
    public List<Entry> entries() {
        return entries;
    }

    /** Opens (once) the backend with this name, or explains why it cannot. */
    public Backend open(String name) {
        Backend b = opened.get(name);
        if (b != null) {
            return b;
        }
        Entry e = entries.stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new BackendUnavailableException("no backend named '" + name + "'; " + describe()));
        if (!e.availability().available()) {
            throw new BackendUnavailableException("backend '" + name + "' is " + e.availability() + "; " + describe());
        }
        synchronized (this) {
            return opened.computeIfAbsent(name, n -> {
                try {
                    return e.provider()
                            .open(Settings.optionsFor(name, e.provider().settings()));
                } catch (RuntimeException ex) {
                    throw new BackendUnavailableException(
                            "backend '" + name + "' failed to open: " + ex.getMessage(), ex);
                }
            });
        }
    }

    /**
     * The backend Kiln uses when none is given: the first available one named by {@code kiln.backend}
     * (a comma-separated list, {@code *} for any), else the highest-priority available backend. Each
     * backend passed over because it is unavailable is logged once with the reason and the fix.
     */
    public Backend defaultBackend() {
        Backend b = defaultBackend;
        if (b == null) {
            synchronized (this) {
                b = defaultBackend;
                if (b == null) {
                    b = open(chooseDefault(Settings.BACKEND.value()));
                    defaultBackend = b;
                }
            }
        }
        return b;
    }

    String chooseDefault(String spec) {
        List<String> wanted = new ArrayList<>();
        for (String s : spec.split(",")) {
            if (!s.isBlank()) {
                wanted.add(s.strip());
            }
        }
        if (wanted.isEmpty()) {
            wanted.add("*");
        }
        for (String w : wanted) {
            if (!w.equals("*") && entries.stream().noneMatch(e -> e.name().equals(w))) {
                throw new BackendUnavailableException("-D" + PROPERTY + "=" + spec + " names '" + w
                        + "', which is not on the class path; " + describe());
            }
        }
        for (String w : wanted) {
            for (Entry e : entries) {
                if (!w.equals("*") && !w.equals(e.name())) {
                    continue;
                }
                if (e.availability().available()) {
                    return e.name();
                }
                Notices.warnOnce(
                        LOG,
                        "Kiln: backend '" + e.name() + "' is " + e.availability() + "; falling back to the next one");
            }
        }
        throw new BackendUnavailableException(
                "none of the backends named by -D" + PROPERTY + "=" + spec + " is available; " + describe());
    }

    /** One line per provider found, with its availability. */
    public String describe() {
        if (entries.isEmpty()) {
            return "no backend providers were found on the class path (add kiln-spi, which contains 'reference', or a backend jar)";
        }
        Map<String, String> lines = new LinkedHashMap<>();
        for (Entry e : entries) {
            lines.put(e.name(), e.availability().toString());
        }
        StringBuilder b = new StringBuilder("backends found:");
        lines.forEach((k, v) -> b.append(" [").append(k).append(": ").append(v).append(']'));
        return b.toString();
    }
}
