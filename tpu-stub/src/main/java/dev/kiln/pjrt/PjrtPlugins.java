package dev.kiln.pjrt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where PJRT plugins are found. {@code kiln.pjrt.plugin} (or the environment variable {@code
 * PJRT_PLUGIN_LIBRARY_PATH}) names a plugin by path or by one of the names {@code tpu} ({@code
 * libtpu.so} from an installed {@code libtpu} wheel, or {@code TPU_LIBRARY_PATH}), {@code cuda}
 * ({@code xla_cuda_plugin.so} from an installed {@code jax-cuda*-pjrt} wheel) and {@code cpu}
 * (Kiln's XLA:CPU plugin, built by the tpu-stub module's build; {@code kiln.pjrt.cpu-plugin} gives
 * its path). With neither set, the names are tried in the order cuda, tpu, cpu.
 */
final class PjrtPlugins {

    /** The environment variables plugin discovery reads (only these: the rest of the environment is not Kiln's). */
    static java.util.Map<String, String> environment() {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        put(env, "PJRT_PLUGIN_LIBRARY_PATH", System.getenv("PJRT_PLUGIN_LIBRARY_PATH"));
        put(env, "TPU_LIBRARY_PATH", System.getenv("TPU_LIBRARY_PATH"));
        put(env, "VIRTUAL_ENV", System.getenv("VIRTUAL_ENV"));
        return env;
    }

    private static void put(java.util.Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }

    private PjrtPlugins() {}

    static final List<String> NAMES = List.of("cuda", "tpu", "cpu");

    /** A plugin named or found, or why none was. */
    record Located(String name, Path path, String problem) {}

    /** Where the plugin called {@code spec} is: a path, or a name resolved on this machine. */
    static Located locate(String spec, Map<String, String> env, String cpuPlugin) {
        return switch (spec) {
            case "tpu" -> tpu(env);
            case "cuda" -> cuda(env);
            case "cpu" -> cpu(cpuPlugin);
            default -> {
                Path p = Path.of(spec);
                yield Files.isRegularFile(p)
                        ? new Located(spec, p.toAbsolutePath(), null)
                        : new Located(
                                spec,
                                p,
                                "no plugin file at " + p.toAbsolutePath()
                                        + " (kiln.pjrt.plugin takes a path to a PJRT plugin .so, or tpu, cuda or cpu)");
            }
        };
    }

    private static Located tpu(Map<String, String> env) {
        String explicit = env.get("TPU_LIBRARY_PATH");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isRegularFile(p)
                    ? new Located("tpu", p, null)
                    : new Located("tpu", p, "TPU_LIBRARY_PATH names " + p + ", which does not exist");
        }
        for (Path site : sitePackages(env)) {
            Path p = site.resolve("libtpu").resolve("libtpu.so");
            if (Files.isRegularFile(p)) {
                return new Located("tpu", p, null);
            }
        }
        return new Located(
                "tpu",
                null,
                "libtpu.so not found in any Python site-packages ("
                        + "install the libtpu wheel, e.g. pip install libtpu, or set TPU_LIBRARY_PATH)");
    }

    private static Located cuda(Map<String, String> env) {
        for (Path site : sitePackages(env)) {
            Path plugins = site.resolve("jax_plugins");
            if (!Files.isDirectory(plugins)) {
                continue;
            }
            try (Stream<Path> dirs = Files.list(plugins)) {
                for (Path d : dirs.sorted().toList()) {
                    Path p = d.resolve("xla_cuda_plugin.so");
                    if (d.getFileName().toString().startsWith("xla_cuda") && Files.isRegularFile(p)) {
                        return new Located("cuda", p, null);
                    }
                }
            } catch (IOException e) {
                // unreadable: keep looking
            }
        }
        return new Located(
                "cuda",
                null,
                "xla_cuda_plugin.so not found in any Python site-packages ("
                        + "install a jax-cuda12-pjrt or jax-cuda13-pjrt wheel)");
    }

    private static Located cpu(String cpuPlugin) {
        List<Path> candidates = new ArrayList<>();
        if (cpuPlugin != null && !cpuPlugin.isBlank()) {
            candidates.add(Path.of(cpuPlugin));
        } else {
            candidates.add(Path.of("tpu-stub", "target", "native", "libkiln_pjrt_cpu.so"));
            candidates.add(Path.of("..", "tpu-stub", "target", "native", "libkiln_pjrt_cpu.so"));
            candidates.add(Path.of("target", "native", "libkiln_pjrt_cpu.so"));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return new Located("cpu", p.toAbsolutePath().normalize(), null);
            }
        }
        Path first = candidates.get(0).toAbsolutePath().normalize();
        Path reason = first.getParent() == null ? null : first.getParent().resolve("UNAVAILABLE");
        String why = "";
        try {
            if (reason != null && Files.isRegularFile(reason)) {
                why = " (the build said: " + Files.readString(reason).strip() + ")";
            }
        } catch (IOException e) {
            // no reason recorded
        }
        return new Located(
                "cpu",
                null,
                "Kiln's XLA:CPU plugin is not built at " + first + why
                        + "; build the tpu-stub module (./mvnw -pl tpu-stub -am package), or set kiln.pjrt.cpu-plugin to"
                        + " its path");
    }

    /** The site-packages folders of the active virtual environment and of the usual Python installs. */
    static List<Path> sitePackages(Map<String, String> env) {
        List<Path> roots = new ArrayList<>();
        String venv = env.get("VIRTUAL_ENV");
        if (venv != null && !venv.isBlank()) {
            roots.add(Path.of(venv, "lib"));
        }
        String home = System.getProperty("user.home");
        if (home != null) {
            roots.add(Path.of(home, ".local", "lib"));
        }
        roots.add(Path.of("/usr/local/lib"));
        roots.add(Path.of("/usr/lib"));
        List<Path> sites = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> pythons = Files.list(root)) {
                for (Path py : pythons.sorted().toList()) {
                    if (!py.getFileName().toString().startsWith("python3")) {
                        continue;
                    }
                    for (String sub : List.of("site-packages", "dist-packages")) {
                        Path s = py.resolve(sub);
                        if (Files.isDirectory(s)) {
                            sites.add(s);
                        }
                    }
                }
            } catch (IOException e) {
                // unreadable: skip
            }
        }
        Path dist = Path.of("/usr/lib/python3/dist-packages");
        if (Files.isDirectory(dist)) {
            sites.add(dist);
        }
        return sites;
    }
}
