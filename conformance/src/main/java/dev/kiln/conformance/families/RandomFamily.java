package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.Random;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link Random} on the backend under test against {@code jax.random} (JAX 0.10.2, threefry2x32):
 * every golden of {@code spi/scripts/make_random_goldens.py} (the conformance jar carries the same
 * file, see the module's pom), eagerly and under jit with the key as the traced argument; then
 * vmap over a batch of keys against one key at a time. Keys, bits, uniform floats, bernoulli,
 * randint, permutation and categorical must be bit-exact; normal and truncatedNormal may differ
 * from JAX by the bound {@code Random}'s documentation gives (3 ulp in float32, 4 in float64),
 * because XLA's log is not correctly rounded.
 */
final class RandomFamily implements Family {
    static final String RESOURCE = "/dev/kiln/conformance/random/goldens.txt";

    @Override
    public String name() {
        return "random";
    }

    /** One golden line: its parameters and the expected array. */
    record Golden(String text, Map<String, String> params, HostBuffer out) {
        String op() {
            return params.get("op");
        }

        String get(String name) {
            String v = params.get(name);
            if (v == null) {
                throw new IllegalStateException("random golden lacks '" + name + "': " + text);
            }
            return v;
        }

        String get(String name, String fallback) {
            return params.getOrDefault(name, fallback);
        }

        boolean hasKey() {
            return params.containsKey("key");
        }

        HostBuffer key() {
            String[] words = get("key").split(":");
            HostBuffer k = HostBuffer.allocate(ArraySpec.of(DType.UINT32, 2));
            ((int[]) k.data())[0] = Integer.parseUnsignedInt(words[0], 16);
            ((int[]) k.data())[1] = Integer.parseUnsignedInt(words[1], 16);
            return k;
        }

        int[] shape() {
            return parseShape(get("shape"));
        }

        double number(String name) {
            String v = get(name);
            return switch (v) {
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(v);
            };
        }

        /** The line without its long values, for case names. */
        String title() {
            StringBuilder b = new StringBuilder();
            params.forEach((k, v) -> {
                if (!k.equals("op") && !k.equals("logits")) {
                    b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(v);
                }
            });
            return b.toString();
        }
    }

    private static volatile List<Golden> goldens;

    static List<Golden> goldens() {
        List<Golden> g = goldens;
        if (g == null) {
            g = read();
            goldens = g;
        }
        return g;
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (Golden g : goldens()) {
            String dt = g.out().spec().dtype().jaxName();
            out.add(new Case(
                    name(),
                    g.op(),
                    dt,
                    "jax " + g.title(),
                    () -> check(g, "eager", call(g, g.hasKey() ? Host.array(g.key()) : null))));
            if (g.hasKey() && !largeSort(g)) {
                out.add(new Case(
                        name(),
                        g.op(),
                        dt,
                        "jax " + g.title() + " under jit",
                        () -> check(g, "jit", Kiln.jit((Array k) -> call(g, k)).apply(Host.array(g.key())))));
            }
        }
        vmapCases(out);
        return out;
    }

    /**
     * Permutations of 1000 and more elements: their sorting network is thousands of equations,
     * which jit takes seconds to plan, so they are checked eagerly only; smaller ones check the
     * staged path.
     */
    private static boolean largeSort(Golden g) {
        return g.op().equals("permutation") && Integer.parseInt(g.get("n")) >= 1000;
    }

    /** The Random function a golden names, with {@code key} as its key. */
    static Array call(Golden g, Array key) {
        return switch (g.op()) {
            case "key" -> Random.key(Long.parseLong(g.get("seed")));
            case "split" ->
                g.params().containsKey("num") ? Random.split(key, Integer.parseInt(g.get("num"))) : Random.split(key);
            case "foldIn" -> Random.foldIn(key, (int) Long.parseLong(g.get("data")));
            case "bits" -> Random.bits(key, g.shape());
            case "uniform" ->
                g.params().containsKey("dtype")
                        ? Random.uniform(
                                key,
                                DType.fromName(g.get("dtype")),
                                Double.parseDouble(g.get("minval", "0")),
                                Double.parseDouble(g.get("maxval", "1")),
                                g.shape())
                        : Random.uniform(key, g.shape());
            case "normal" ->
                g.params().containsKey("dtype")
                        ? Random.normal(key, DType.fromName(g.get("dtype")), g.shape())
                        : Random.normal(key, g.shape());
            case "bernoulli" -> Random.bernoulli(key, g.number("p"), g.shape());
            case "randint" ->
                Random.randint(key, Integer.parseInt(g.get("minval")), Integer.parseInt(g.get("maxval")), g.shape());
            case "categorical" ->
                Random.categorical(key, Host.array(parseArray(g.get("logits"))), Integer.parseInt(g.get("axis")));
            case "permutation" -> Random.permutation(key, Integer.parseInt(g.get("n")));
            case "truncatedNormal" -> Random.truncatedNormal(key, g.number("lower"), g.number("upper"), g.shape());
            default -> throw new IllegalStateException("unknown random golden op " + g.op());
        };
    }

    /** Bit-exact, except normal samples within the documented ulp bound. */
    static Rule rule(String op, DType dtype) {
        if (op.equals("normal") || op.equals("truncatedNormal")) {
            return new Rule(dtype == DType.FLOAT64 ? 4 : 3, 0, 0, false);
        }
        return Tolerance.bitExact();
    }

    private static void check(Golden g, String how, Array actual) {
        HostBuffer e = g.out();
        Check.same(
                g.op() + " " + g.title() + " (" + how + ") vs JAX",
                e,
                actual.toHost(),
                rule(g.op(), e.spec().dtype()),
                null);
    }

    // ---------------------------------------------------------------- vmap over keys

    private void vmapCases(List<Case> out) {
        List<Sampler> samplers = List.of(
                new Sampler("split", "into 3", k -> Random.split(k, 3)),
                new Sampler("foldIn", "7", k -> Random.foldIn(k, 7)),
                new Sampler("bits", "(5,)", k -> Random.bits(k, 5)),
                new Sampler("uniform", "float32 (2,3)", k -> Random.uniform(k, 2, 3)),
                new Sampler("uniform", "float64 [-2, 3) (4,)", k -> Random.uniform(k, DType.FLOAT64, -2, 3, 4)),
                new Sampler("normal", "float32 (6,)", k -> Random.normal(k, 6)),
                new Sampler("bernoulli", "p=0.3 (8,)", k -> Random.bernoulli(k, 0.3, 8)),
                new Sampler("randint", "[-5, 9) (7,)", k -> Random.randint(k, -5, 9, 7)),
                new Sampler("permutation", "10", k -> Random.permutation(k, 10)),
                new Sampler(
                        "categorical",
                        "(3,4) axis -1",
                        k -> Random.categorical(
                                k,
                                Host.array(Host.of(
                                        DType.FLOAT32,
                                        new int[] {3, 4},
                                        0.1,
                                        1.5,
                                        -0.3,
                                        0.7,
                                        2,
                                        -1,
                                        0,
                                        0.2,
                                        -0.5,
                                        0.5,
                                        1,
                                        1.2)),
                                -1)),
                new Sampler("truncatedNormal", "[-1, 2) (5,)", k -> Random.truncatedNormal(k, -1, 2, 5)));
        for (Sampler s : samplers) {
            out.add(new Case(name(), s.op(), Case.ANY_DTYPE, s.label() + ": vmap over 4 keys", () -> {
                HostBuffer keys = Random.split(Random.key(20261122), 4).toHost();
                List<HostBuffer> rows = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Array k = Host.array(HostOps.slice(keys, new int[] {i, 0}, new int[] {i + 1, 2}, new int[] {1, 1}))
                            .reshape(2);
                    rows.add(s.f().apply(k).toHost());
                }
                HostBuffer expected = HostOps.stack(rows, 0);
                HostBuffer batched = Kiln.vmap(s.f()).apply(Host.array(keys)).toHost();
                Check.same(
                        s.op() + " " + s.label() + ": vmap over keys vs one key at a time",
                        expected,
                        batched,
                        Tolerance.bitExact(),
                        null);
            }));
        }
        out.add(new Case(name(), "key", "uint32", "keys are the same on every backend and under jit", () -> {
            HostBuffer k = Random.key(0xDEADBEEF12345L).toHost();
            HostBuffer jitted = Kiln.jit((Array unused) -> Random.key(0xDEADBEEF12345L))
                    .apply(Np.scalar(0))
                    .toHost();
            HostBuffer expected = HostBuffer.allocate(ArraySpec.of(DType.UINT32, 2));
            ((int[]) expected.data())[0] = 0xDEADB;
            ((int[]) expected.data())[1] = 0xEEF12345;
            Check.same("key(0xDEADBEEF12345)", expected, k, Tolerance.bitExact(), null);
            Check.same("key under jit", expected, jitted, Tolerance.bitExact(), null);
        }));
    }

    private record Sampler(String op, String label, Function<Array, Array> f) {}

    // ---------------------------------------------------------------- the golden file

    private static List<Golden> read() {
        List<Golden> out = new ArrayList<>();
        try (InputStream in = RandomFamily.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("random goldens " + RESOURCE + " are missing from the class path; the"
                        + " conformance build copies them from spi/src/test/resources/dev/kiln/random/goldens.txt"
                        + " (written by spi/scripts/make_random_goldens.py)");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Map<String, String> params = new LinkedHashMap<>();
                HostBuffer o = null;
                for (String token : line.split(" ")) {
                    int eq = token.indexOf('=');
                    String name = token.substring(0, eq);
                    String value = token.substring(eq + 1);
                    if (name.equals("out")) {
                        o = parseArray(value);
                    } else {
                        params.put(name, value);
                    }
                }
                if (o == null) {
                    throw new IllegalStateException("random golden without out=: " + line);
                }
                out.add(new Golden(line, params, o));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(out);
    }

    /** {@code dtype[d0,d1]:v0,v1,...}: uint32 and float bits in hex, int32 in decimal, bool 0/1. */
    static HostBuffer parseArray(String text) {
        int open = text.indexOf('[');
        int close = text.indexOf("]:");
        DType dtype = DType.fromName(text.substring(0, open));
        int[] shape = parseShape(text.substring(open + 1, close));
        String body = text.substring(close + 2);
        String[] values = body.isEmpty() ? new String[0] : body.split(",");
        HostBuffer h = HostBuffer.allocate(ArraySpec.of(dtype, shape));
        if (values.length != h.spec().size()) {
            throw new IllegalStateException(values.length + " values for " + h.spec() + " in "
                    + text.substring(0, Math.min(60, text.length())));
        }
        Object d = h.data();
        for (int i = 0; i < values.length; i++) {
            String v = values[i];
            switch (dtype) {
                case UINT32 -> ((int[]) d)[i] = (int) Long.parseLong(v, 16);
                case FLOAT32 -> ((float[]) d)[i] = Float.intBitsToFloat((int) Long.parseLong(v, 16));
                case FLOAT64 -> ((double[]) d)[i] = Double.longBitsToDouble(Long.parseUnsignedLong(v, 16));
                case INT32 -> ((int[]) d)[i] = Integer.parseInt(v);
                case INT64 -> ((long[]) d)[i] = Long.parseLong(v);
                case BOOL -> ((boolean[]) d)[i] = !v.equals("0");
            }
        }
        return h;
    }

    static int[] parseShape(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i]);
        }
        return out;
    }
}
