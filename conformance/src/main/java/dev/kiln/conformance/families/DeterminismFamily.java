package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import dev.kiln.spi.Setting;
import dev.kiln.spi.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The same program on the same inputs gives the same bits, every time: the first (cold) call and
 * thousands of calls later, after the JIT has compiled the backend's kernels (warm), eagerly and
 * under {@code jit}; and, for a backend with a thread setting ({@code kiln.<backend>.threads}),
 * with 1 and with 2 worker threads on inputs large enough to be split among them (in fresh
 * instances of the backend, whose kernels start cold). Programs: sums
 * (whole, rows, columns), softmax, layer norm, a tanh chain, matmul, exp, log, sin, logistic, in
 * float32 and float64.
 */
final class DeterminismFamily implements Family {
    /** Calls of each program on small inputs: enough for C2 to compile the kernels' loops. */
    private static final int WARM_CALLS = 1000;

    /** Programs also checked eagerly (op by op), in float32. */
    private static final java.util.Set<String> EAGER = java.util.Set.of("sum rows", "softmax", "exp log sin");

    /**
     * Programs also run on a large input with 1 and 2 threads, in float32: the ones whose work is
     * split (long rows, columns, a long contraction, row groups, elementwise chains).
     */
    private static final java.util.Set<String> THREADED =
            java.util.Set.of("sum", "sum columns", "softmax", "matmul", "exp log sin");

    @Override
    public String name() {
        return "determinism";
    }

    static Map<String, Function<Array, Array>> programs() {
        Map<String, Function<Array, Array>> p = new LinkedHashMap<>();
        p.put("sum", x -> Np.sum(x));
        p.put("sum rows", x -> Np.sum(x, 1));
        p.put("sum columns", x -> Np.sum(x, 0));
        p.put("softmax", x -> {
            Array e = Np.exp(x.subtract(Np.max(x, new int[] {1}, true)));
            return e.divide(Np.sum(e, new int[] {1}, true));
        });
        p.put("layer norm", x -> {
            Array c = x.subtract(Np.mean(x, new int[] {1}, true));
            return c.divide(Np.sqrt(Np.mean(c.multiply(c), new int[] {1}, true).add(1e-5)));
        });
        p.put("tanh chain", x -> Np.tanh(Np.tanh(x.multiply(1.5)).add(0.25)));
        // a long contraction (k = the rows) into a few columns
        p.put("matmul", x -> Np.matmul(Np.transpose(x), x.get(":, :8")));
        p.put("exp log sin", x -> Np.add(Np.exp(x), Np.add(Np.log(Np.abs(x).add(0.1)), Np.sin(x.multiply(3)))));
        p.put("logistic", x -> Np.sigmoid(x));
        return p;
    }

    @Override
    public List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (var e : programs().entrySet()) {
            for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
                for (boolean jit : new boolean[] {false, true}) {
                    if (!jit && (t != DType.FLOAT32 || !EAGER.contains(e.getKey()))) {
                        // eager calls run the same kernels as single-op jitted programs; a few suffice
                        continue;
                    }
                    String mode = jit ? "jit" : "eager";
                    cases.add(new Case(
                            name(),
                            e.getKey(),
                            t.toString(),
                            mode + ", cold and after " + WARM_CALLS + " calls",
                            () -> coldAndWarm(e.getValue(), t, jit)));
                }
                if (t == DType.FLOAT32 && THREADED.contains(e.getKey())) {
                    cases.add(new Case(
                            name(),
                            e.getKey(),
                            t.toString(),
                            "jit, 1 and 2 worker threads",
                            () -> threads(e.getValue(), t)));
                }
            }
        }
        return cases;
    }

    private static Array input(DType t, int rows, int cols, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextGaussian();
        }
        return Np.astype(Np.array(d, rows, cols), t);
    }

    private static void coldAndWarm(Function<Array, Array> program, DType t, boolean jit) {
        // odd sizes, so vector tails and whole vectors both occur
        Array x = input(t, 23, 41, 11);
        Function<Array, Array> f = jit ? Kiln.jit(program) : program;
        byte[] first = bits(f.apply(x));
        for (int i = 1; i <= WARM_CALLS; i++) {
            byte[] again = bits(f.apply(x));
            if (!java.util.Arrays.equals(first, again)) {
                throw new AssertionError(
                        "call " + i + " gave other bits than the first call (" + differing(first, again) + " of "
                                + first.length + " bytes differ): results depend on the JIT's state");
            }
        }
    }

    /**
     * With a thread setting, fresh instances of the backend opened with 1 and with 2 threads must
     * agree with the backend under test; without one the backend does not split work, and the case
     * checks repeatability on the large input only.
     */
    private static void threads(Function<Array, Array> program, DType t) {
        Backend current = Kiln.currentBackend();
        // large enough to be split: over 2^19 elements
        Array x = input(t, 1031, 517, 12);
        byte[] expected = bits(Kiln.jit(program).apply(x));
        BackendProvider provider = providerOf(current.name());
        Setting threads = provider == null ? null : threadSetting(provider);
        if (threads == null) {
            byte[] again = bits(Kiln.jit(program).apply(x));
            Check.that(java.util.Arrays.equals(expected, again), "a second call gave other bits");
            return;
        }
        Map<String, String> options = Settings.optionsFor(provider.name(), provider.settings());
        try {
            for (int n : new int[] {1, 2}) {
                Map<String, String> with = new HashMap<>(options);
                with.put(threads.name(), String.valueOf(n));
                Backend b = provider.open(with);
                byte[] got = Kiln.withBackend(b, () -> bits(Kiln.jit(program).apply(Kiln.devicePut(x, b))));
                Check.that(
                        java.util.Arrays.equals(expected, got),
                        "with " + n + " worker threads the result has other bits (" + differing(expected, got) + " of "
                                + expected.length + " bytes differ): results depend on the number of threads");
            }
        } finally {
            // the thread count may be process-wide: put back what the backend under test was opened with
            Map<String, String> restore = new HashMap<>(options);
            restore.putIfAbsent(
                    threads.name(), String.valueOf(Runtime.getRuntime().availableProcessors()));
            provider.open(restore);
        }
    }

    private static BackendProvider providerOf(String backend) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(backend)) {
                return p;
            }
        }
        return null;
    }

    private static Setting threadSetting(BackendProvider provider) {
        for (Setting s : provider.settings()) {
            if (s.name().endsWith(".threads")) {
                return s;
            }
        }
        return null;
    }

    private static byte[] bits(Array a) {
        if (a.dtype() == DType.FLOAT64) {
            double[] d = a.toDoubleArray();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(d.length * 8);
            b.asDoubleBuffer().put(d);
            return b.array();
        }
        float[] f = a.toFloatArray();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(f.length * 4);
        b.asFloatBuffer().put(f);
        return b.array();
    }

    private static int differing(byte[] a, byte[] b) {
        int n = Math.abs(a.length - b.length);
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                n++;
            }
        }
        return n;
    }
}
