package dev.kiln.cpu;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import dev.kiln.spi.Setting;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Provides {@link CpuSimdBackend}, Kiln's default backend (priority 100).
 *
 * <p>The probe refuses two situations in which the backend would work but be far slower than the
 * reference backend: the incubator module {@code jdk.incubator.vector} is not in the boot layer
 * (its classes would fail to load), or the JIT cannot reach C2 ({@code -Xint}, C1-only tiers),
 * where the Vector API runs as boxed per-lane code, measured 30 to 120 times slower than scalar
 * loops. This class must not mention Vector API types itself, so that it loads and answers even
 * when the module is missing.
 */
public final class CpuSimdProvider implements BackendProvider {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** Whether fused kernels become generated classes. */
    static final Setting CODEGEN = Setting.of(
            "kiln.cpu.codegen",
            "true",
            "cpu-simd compiles fused kernels to generated Vector API classes; `false` runs every fused"
                    + " kernel op by op");

    /** How many threads split one operation. */
    static final Setting THREADS = Setting.of(
            "kiln.cpu.threads",
            null,
            "threads cpu-simd splits one operation over, the calling thread included (unset: one per"
                    + " available processor)");

    /** How many devices the CPU is presented as (for pmap), each with its share of the threads. */
    static final Setting DEVICES = Setting.of(
            "kiln.cpu.devices",
            "1",
            "devices cpu-simd presents the CPU as, for `Kiln.pmap` (like XLA's host device count flag);"
                    + " each gets an equal share of the `kiln.cpu.threads` threads, at least one");

    /** Whether C2 is asked to inline the vector math helpers into Kiln's code (see InlineDirective). */
    static final Setting INLINE_DIRECTIVE = Setting.of(
            "kiln.cpu.inline-directive",
            "true",
            "cpu-simd adds a JIT compiler directive that inlines its vector math helpers (exp, log, tanh,"
                    + " ...) into generated kernels, so their speed does not depend on compilation order;"
                    + " `false` leaves the JIT's own inlining decisions");

    /** Whether row groups overlap allocating their large outputs with their first kernels (see RowGroupKernel). */
    static final Setting ROW_OVERLAP = Setting.of(
            "kiln.cpu.row-overlap",
            "true",
            "cpu-simd row groups (row softmax, layer norm) allocate their large outputs while the other"
                    + " threads run the group's first kernels ahead; `false` allocates before any work");

    @Override
    public String name() {
        return CpuSimdBackend.NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability probe() {
        try {
            Optional<Module> vector = ModuleLayer.boot().findModule(VECTOR_MODULE);
            if (vector.isEmpty() || !getClass().getModule().canRead(vector.get())) {
                return Availability.unavailable(
                        "the Vector API module " + VECTOR_MODULE
                                + " is not readable (it is an incubator module, off by default)",
                        "run java with --add-modules " + VECTOR_MODULE);
            }
            String jit = jitProblem();
            if (jit != null) {
                return Availability.unavailable(
                        jit + "; Vector API code is 30-120x slower than scalar code without C2",
                        "run java without -Xint, -XX:TieredStopAtLevel=1..3 or -XX:CompilationMode=quick-only");
            }
            Class.forName("jdk.incubator.vector.FloatVector");
            return Availability.ok("Vector API with " + CpuSimdBackend.vectorBits() + "-bit vectors, "
                    + THREADS.intValue(Runtime.getRuntime().availableProcessors()) + " threads");
        } catch (Throwable t) {
            return Availability.unavailable(
                    "the Vector API could not be initialised: " + t, "run java 25 with --add-modules " + VECTOR_MODULE);
        }
    }

    /** Why C2 will not compile here, or null when it will. */
    static String jitProblem() {
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted mode")) {
            return "the JVM runs interpreted only (-Xint)";
        }
        if (info.contains("emulated-client")) {
            return "the JVM compiles with C1 only (emulated-client mode)";
        }
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot != null) {
                boolean tiered = Boolean.parseBoolean(
                        hotspot.getVMOption("TieredCompilation").getValue());
                int level = Integer.parseInt(
                        hotspot.getVMOption("TieredStopAtLevel").getValue());
                if (tiered && level < 4) {
                    return "the JVM stops compiling at tier " + level + " (-XX:TieredStopAtLevel=" + level
                            + "), below C2";
                }
                if (hotspot.getVMOption("CompilationMode").getValue().equals("quick-only")) {
                    return "the JVM compiles with C1 only (-XX:CompilationMode=quick-only)";
                }
                return null;
            }
        } catch (Throwable t) {
            // not HotSpot, or no management support in this runtime image: read the command line instead
        }
        return jitProblem(inputArguments());
    }

    /** The same verdict from the JVM's command-line options; the last occurrence of an option wins. */
    static String jitProblem(List<String> args) {
        boolean tiered = true;
        String stopLevel = null;
        boolean quickOnly = false;
        for (String a : args) {
            if (a.equals("-Xint")) {
                return "the JVM runs interpreted only (-Xint)";
            } else if (a.equals("-XX:-TieredCompilation")) {
                tiered = false;
            } else if (a.equals("-XX:+TieredCompilation")) {
                tiered = true;
            } else if (a.startsWith("-XX:TieredStopAtLevel=")) {
                stopLevel = a.substring("-XX:TieredStopAtLevel=".length()).strip();
            } else if (a.startsWith("-XX:CompilationMode=")) {
                quickOnly = a.endsWith("=quick-only");
            }
        }
        if (tiered && stopLevel != null && List.of("0", "1", "2", "3").contains(stopLevel)) {
            return "the JVM stops compiling at tier " + stopLevel + " (-XX:TieredStopAtLevel=" + stopLevel
                    + "), below C2";
        }
        if (quickOnly) {
            return "the JVM compiles with C1 only (-XX:CompilationMode=quick-only)";
        }
        return null;
    }

    private static List<String> inputArguments() {
        try {
            return ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (Throwable t) {
            return List.of();
        }
    }

    @Override
    public List<Setting> settings() {
        return List.of(CODEGEN, THREADS, DEVICES, INLINE_DIRECTIVE, ROW_OVERLAP);
    }

    /** Reads {@link #CODEGEN} and {@link #THREADS} from {@code options}; absent ones take their defaults. */
    @Override
    public Backend open(Map<String, String> options) {
        if (INLINE_DIRECTIVE.booleanIn(options)) {
            dev.kiln.cpu.codegen.InlineDirective.install();
        }
        return new CpuSimdBackend(options);
    }
}
