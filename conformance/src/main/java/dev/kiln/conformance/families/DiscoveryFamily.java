package dev.kiln.conformance.families;

import dev.kiln.Kiln;
import dev.kiln.conformance.Case;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import dev.kiln.spi.BackendUnavailableException;
import dev.kiln.spi.Capability;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * Backend discovery through the public API: ServiceLoader finds the providers, {@code Kiln.backends()}
 * reports each with its availability, a backend opens once, unknown and unavailable names fail with
 * {@link BackendUnavailableException} naming what was found, and the {@code kiln.backend} property
 * picks the default (checked in child JVMs, since the default is chosen once per process).
 */
final class DiscoveryFamily implements dev.kiln.conformance.Family {
    @Override
    public String name() {
        return "discovery";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.add(new Case(name(), "ServiceLoader", Case.ANY_DTYPE, "finds reference and the backend under test", () -> {
            List<String> names = new ArrayList<>();
            ServiceLoader.load(BackendProvider.class).stream().forEach(p -> {
                try {
                    names.add(p.get().name());
                } catch (RuntimeException | Error e) {
                    names.add(p.type().getName() + " (failed: " + e + ")");
                }
            });
            String current = Kiln.currentBackend().name();
            Check.that(
                    names.contains("reference") && names.contains(current),
                    "ServiceLoader found " + names + "; it should find 'reference' and '" + current + "'");
        }));
        out.add(new Case(name(), "Kiln.backends", Case.ANY_DTYPE, "lists every provider, priority first", () -> {
            List<Kiln.BackendInfo> infos = Kiln.backends();
            String current = Kiln.currentBackend().name();
            Check.that(
                    infos.stream()
                            .anyMatch(b ->
                                    b.name().equals(current) && b.availability().available()),
                    "Kiln.backends() " + infos + " should list '" + current + "' as available");
            for (int i = 1; i < infos.size(); i++) {
                Check.that(
                        infos.get(i - 1).priority() >= infos.get(i).priority(),
                        "Kiln.backends() should be sorted by priority, highest first: " + infos);
            }
            Kiln.BackendInfo reference = infos.stream()
                    .filter(b -> b.name().equals("reference"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no 'reference' in " + infos));
            Check.that(
                    reference.availability().available() && reference.priority() == 0,
                    "the reference backend is always available with priority 0, but reports " + reference);
        }));
        out.add(new Case(name(), "Kiln.backend", Case.ANY_DTYPE, "opens a backend once", () -> {
            String current = Kiln.currentBackend().name();
            Backend a = Kiln.backend(current);
            Backend b = Kiln.backend(current);
            Check.that(a == b, "Kiln.backend(\"" + current + "\") returned two different instances");
            Check.that(a.name().equals(current), "backend opened as '" + current + "' calls itself '" + a.name() + "'");
            Check.that(!a.devices().isEmpty(), "backend '" + current + "' lists no devices");
        }));
        out.add(new Case(name(), "capabilities", Case.ANY_DTYPE, "match what the backend does", () -> {
            Backend b = Kiln.currentBackend();
            boolean compiles = overrides(b, "compileKernel", dev.kiln.spi.FusedKernel.class);
            Check.that(
                    b.capabilities().contains(Capability.FUSION) == compiles,
                    "backend '" + b.name() + "' " + (compiles ? "overrides" : "does not override")
                            + " compileKernel but " + (compiles ? "does not report" : "reports")
                            + " Capability.FUSION; report FUSION exactly when it compiles fused kernels");
            Check.that(
                    b.dtypes().contains(dev.kiln.DType.BOOL),
                    "backend '" + b.name() + "' lists no bool dtype; comparisons and select need it");
        }));
        out.add(new Case(name(), "Kiln.backend", Case.ANY_DTYPE, "unavailable backends say why and how to fix", () -> {
            for (Kiln.BackendInfo info : Kiln.backends()) {
                if (info.availability().available()) {
                    continue;
                }
                Check.that(
                        !info.availability().reason().isBlank()
                                && !info.availability().fix().isBlank(),
                        "unavailable backend '" + info.name() + "' must give a reason and a fix: "
                                + info.availability());
                try {
                    Kiln.backend(info.name());
                    throw new AssertionError("opening unavailable backend '" + info.name() + "' did not fail");
                } catch (BackendUnavailableException e) {
                    Check.that(
                            e.getMessage().contains(info.availability().reason()),
                            "opening '" + info.name() + "' should repeat why it is unavailable ("
                                    + info.availability().reason() + "), but says: " + e.getMessage());
                }
            }
        }));
        out.add(new Case(name(), "kiln.backend", Case.ANY_DTYPE, "names the backend under test", () -> {
            String current = Kiln.currentBackend().name();
            String got = childDefault(current);
            Check.that(
                    got.equals("default=" + current),
                    "with -Dkiln.backend=" + current + " the default backend should be '" + current
                            + "'; the child JVM said: " + got);
        }));
        out.add(new Case(name(), "kiln.backend", Case.ANY_DTYPE, "unknown name fails listing what was found", () -> {
            String got = childDefault("no-such-backend");
            Check.that(
                    got.startsWith("error=" + BackendUnavailableException.class.getName())
                            && got.contains("no-such-backend")
                            && got.contains("reference"),
                    "with -Dkiln.backend=no-such-backend the default should fail with BackendUnavailableException"
                            + " naming the backends found; the child JVM said: " + got);
        }));
        out.add(new Case(name(), "kiln.backend", Case.ANY_DTYPE, "unset picks the highest-priority available", () -> {
            String expected = Kiln.backends().stream()
                    .filter(b -> b.availability().available())
                    .findFirst()
                    .map(Kiln.BackendInfo::name)
                    .orElse("?");
            String got = childDefault(null);
            Check.that(
                    got.equals("default=" + expected),
                    "with no kiln.backend the default should be '" + expected + "'; the child JVM said: " + got);
        }));
        out.add(new Case(name(), "kiln.backend", Case.ANY_DTYPE, "a list falls back past unavailable backends", () -> {
            String unavailable = Kiln.backends().stream()
                    .filter(b -> !b.availability().available())
                    .findFirst()
                    .map(Kiln.BackendInfo::name)
                    .orElse(null);
            // with every backend available, fall back from the first named to the second is not observable;
            // then the list's first entry must win
            String list =
                    unavailable == null ? Kiln.currentBackend().name() + ",reference" : unavailable + ",reference";
            String expected = unavailable == null ? Kiln.currentBackend().name() : "reference";
            String got = childDefault(list);
            Check.that(
                    got.equals("default=" + expected),
                    "with -Dkiln.backend=" + list + " the default should be '" + expected + "'; the child JVM said: "
                            + got);
        }));
        return out;
    }

    /** Runs {@link DefaultBackendProbe} in a fresh JVM with {@code -Dkiln.backend=value} (none when null). */
    /** Whether the backend's class (or a superclass below the interface) declares the method. */
    private static boolean overrides(Backend b, String method, Class<?>... parameters) {
        try {
            return b.getClass().getMethod(method, parameters).getDeclaringClass() != Backend.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static String childDefault(String value) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // keep the flags backends need (incubator modules, native access), drop agents and kiln.backend
            if (arg.startsWith("--add-modules")
                    || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--add-opens")
                    || arg.startsWith("--add-exports")
                    || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                cmd.add(arg);
            }
        }
        // no JIT flags: a backend may refuse to run where C2 cannot compile (cpu-simd does)
        if (value != null) {
            cmd.add("-Dkiln.backend=" + value);
        }
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        String classPath = System.getProperty("java.class.path", "");
        String modulePath = System.getProperty("jdk.module.path", "");
        if (!classPath.isBlank()) {
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(DefaultBackendProbe.class.getName());
        } else {
            cmd.add("-p");
            cmd.add(modulePath);
            cmd.add("--add-modules");
            cmd.add("ALL-MODULE-PATH");
            cmd.add("-m");
            cmd.add("dev.kiln.conformance/" + DefaultBackendProbe.class.getName());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 60 s");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.startsWith("default=") || line.startsWith("error=")) {
                return line.strip();
            }
        }
        throw new AssertionError("the child JVM printed no result (exit " + p.exitValue() + "): " + text);
    }
}
