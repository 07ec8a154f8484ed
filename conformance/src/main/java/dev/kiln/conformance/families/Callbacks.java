package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Tolerance;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@code Kiln.pureCallback} ({@code jax.pure_callback}): host code called from eager, jitted and
 * vmapped code gives the values plain Java gives, batches as its {@code vmapMethod} says (JAX's
 * sequential, expand_dims and broadcast_all), and is refused by {@code grad} and by {@code vmap}
 * without a method, and when it returns other shapes than it declared, as in JAX.
 */
final class Callbacks {
    private Callbacks() {}

    /** Host code: 1 / (1 + x²) element by element, in plain Java on float32 values. */
    private static Array hostKernel(Array x) {
        float[] v = x.toFloatArray();
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = 1f / (1f + v[i] * v[i]);
        }
        return Np.array(r, x.shape());
    }

    private static HostBuffer expected(HostBuffer x) {
        float[] v = (float[]) x.data();
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = 1f / (1f + v[i] * v[i]);
        }
        return HostBuffer.wrap(x.spec(), r);
    }

    static void addTo(List<Case> out, String family) {
        out.add(new Case(family, "pureCallback", "float32", "eager and under jit, between other operations", () -> {
            HostBuffer x = new Gen("callback").random(DType.FLOAT32, Gen.UNIT, 3, 5);
            ArraySpec spec = x.spec();
            Array eager = Kiln.pureCallback(Callbacks::hostKernel, spec, null, Host.array(x));
            Check.same("eager callback", expected(x), eager.toHost(), Tolerance.exact(), null);
            // jit(lambda x: pure_callback(k, spec, 2 * x) + 1)
            Function<Array, Array> f = Kiln.jit(
                    (Array a) -> Np.add(Kiln.pureCallback(Callbacks::hostKernel, spec, null, Np.multiply(a, 2)), 1));
            HostBuffer twice = Np.multiply(Host.array(x), 2).toHost();
            HostBuffer want = Np.add(Host.array(expected(twice)), 1).toHost();
            Check.same("jitted callback", want, f.apply(Host.array(x)).toHost(), Tolerance.exact(), null);
            // several arguments and results
            Function<List<Array>, List<Array>> two = Kiln.jit((List<Array> ab) -> Kiln.pureCallback(
                    in -> List.of(hostKernel(in.get(0)), Np.sum(in.get(1)).reshape(1)),
                    List.of(spec, ArraySpec.of(DType.FLOAT32, 1)),
                    null,
                    ab.get(0),
                    ab.get(1)));
            List<Array> r = two.apply(List.of(Host.array(x), Host.array(x)));
            Check.same("first of two results", expected(x), r.get(0).toHost(), Tolerance.exact(), null);
            Check.same(
                    "second of two results",
                    Np.sum(Host.array(x)).reshape(1).toHost(),
                    r.get(1).toHost(),
                    Tolerance.exact(),
                    null);
        }));
        out.add(new Case(family, "pureCallback", "float32", "vmap: sequential, expand_dims, broadcast_all", () -> {
            HostBuffer xs = new Gen("callback vmap").random(DType.FLOAT32, Gen.UNIT, 4, 3);
            ArraySpec row = ArraySpec.of(DType.FLOAT32, 3);
            AtomicInteger calls = new AtomicInteger();
            Array seq = Kiln.vmap((Array a) -> Kiln.pureCallback(
                            (Array v) -> {
                                calls.incrementAndGet();
                                Check.spec("a sequential call's argument", v, DType.FLOAT32, 3);
                                return hostKernel(v);
                            },
                            row,
                            "sequential",
                            a))
                    .apply(Host.array(xs));
            Check.same("vmap sequential", expected(xs), seq.toHost(), Tolerance.exact(), null);
            Check.that(calls.get() == 4, "sequential: 4 calls for a batch of 4, got " + calls.get());
            // expand_dims: one call; the batched argument comes whole, the shared one with a leading 1
            calls.set(0);
            Array shared = Np.array(new float[] {1, 2, 3}, 3);
            Array expanded = Kiln.vmap(
                            (Array a, Array b) -> Kiln.pureCallback(
                                            in -> {
                                                calls.incrementAndGet();
                                                Check.spec(
                                                        "expand_dims: the mapped argument",
                                                        in.get(0),
                                                        DType.FLOAT32,
                                                        4,
                                                        3);
                                                Check.spec(
                                                        "expand_dims: the shared argument",
                                                        in.get(1),
                                                        DType.FLOAT32,
                                                        1,
                                                        3);
                                                return List.of(Np.add(in.get(0), in.get(1)));
                                            },
                                            List.of(row),
                                            "expand_dims",
                                            a,
                                            b)
                                    .get(0),
                            0,
                            null,
                            0)
                    .apply(Host.array(xs), shared);
            Check.same(
                    "vmap expand_dims",
                    Np.add(Host.array(xs), shared).toHost(),
                    expanded.toHost(),
                    Tolerance.exact(),
                    null);
            Check.that(calls.get() == 1, "expand_dims: one call, got " + calls.get());
            Array broadcast = Kiln.vmap(
                            (Array a, Array b) -> Kiln.pureCallback(
                                            in -> {
                                                Check.spec(
                                                        "broadcast_all: the shared argument",
                                                        in.get(1),
                                                        DType.FLOAT32,
                                                        4,
                                                        3);
                                                return List.of(Np.multiply(in.get(0), in.get(1)));
                                            },
                                            List.of(row),
                                            "broadcast_all",
                                            a,
                                            b)
                                    .get(0),
                            0,
                            null,
                            0)
                    .apply(Host.array(xs), shared);
            Check.same(
                    "vmap broadcast_all",
                    Np.multiply(Host.array(xs), shared).toHost(),
                    broadcast.toHost(),
                    Tolerance.exact(),
                    null);
            // under jit too: the batched call is part of the compiled program
            Array jitted = Kiln.jit(
                            Kiln.vmap((Array a) -> Kiln.pureCallback(Callbacks::hostKernel, row, "sequential", a)))
                    .apply(Host.array(xs));
            Check.same("jit(vmap) sequential", expected(xs), jitted.toHost(), Tolerance.exact(), null);
        }));
        out.add(new Case(family, "pureCallback", "float16", "narrow dtypes reach the callback as declared", () -> {
            // JAX: pure_callback with float16 operands and results, eager, under jit and under vmap
            Array x = Np.array(new float[] {0.5f, 1.5f, -2f, 3f}, 2, 2).astype(DType.FLOAT16);
            Function<Array, Array> halve = v -> {
                Check.that(v.dtype() == DType.FLOAT16, "the callback got " + v.dtype() + ", not float16");
                return Np.multiply(v, 0.5);
            };
            HostBuffer want = Np.multiply(x, 0.5).toHost();
            Check.same(
                    "eager", want, Kiln.pureCallback(halve, x.spec(), null, x).toHost(), Tolerance.exact(), null);
            Check.same(
                    "jit",
                    want,
                    Kiln.jit((Array a) -> Kiln.pureCallback(halve, a.spec(), null, a))
                            .apply(x)
                            .toHost(),
                    Tolerance.exact(),
                    null);
            Check.same(
                    "jit(vmap) sequential",
                    want,
                    Kiln.jit(Kiln.vmap((Array a) -> Kiln.pureCallback(halve, a.spec(), "sequential", a)))
                            .apply(x)
                            .toHost(),
                    Tolerance.exact(),
                    null);
        }));
        out.add(new Case(family, "debugCallback", "float32", "eager, jit, vmap, grad; debugPrint's text", () -> {
            // JAX: jax.debug.callback / jax.debug.print see concrete values wherever the program runs:
            // once under jit, once per batch element under vmap, the primal values under grad
            List<float[]> seen = new java.util.ArrayList<>();
            Function<Array, Array> f = a -> {
                Kiln.debugCallback(v -> seen.add(v.get(0).toFloatArray()), Np.multiply(a, 2));
                return Np.sum(Np.multiply(a, a));
            };
            Array x = Np.array(new float[] {1, 2, 3, 4}, 2, 2);
            Kiln.jit(f).apply(x);
            Check.that(
                    seen.size() == 1 && java.util.Arrays.equals(seen.get(0), new float[] {2, 4, 6, 8}),
                    "jit: one call with 2x, got " + seen.size() + " calls");
            seen.clear();
            Kiln.vmap(f).apply(x);
            Check.that(
                    seen.size() == 2
                            && java.util.Arrays.equals(seen.get(0), new float[] {2, 4})
                            && java.util.Arrays.equals(seen.get(1), new float[] {6, 8}),
                    "vmap: one call per row, got " + seen.size());
            seen.clear();
            Array g = Kiln.jit(Kiln.grad(f)).apply(x);
            Check.same(
                    "the gradient around a debug callback",
                    Np.multiply(x, 2).toHost(),
                    g.toHost(),
                    Tolerance.exact(),
                    null);
            Check.that(
                    seen.size() == 1 && java.util.Arrays.equals(seen.get(0), new float[] {2, 4, 6, 8}),
                    "jit(grad): one call with the primal 2x, got " + seen.size());
            java.io.PrintStream stdout = System.out;
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            try {
                System.setOut(new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8));
                Kiln.jit((Array a) -> {
                            Kiln.debugPrint("x is {} and {}; row sums {}", a, a, Np.sum(a, 1));
                            Kiln.debugPrint("{1} then {0}", Np.sum(a, 1), Np.sum(a));
                            return a;
                        })
                        .apply(x);
            } finally {
                System.setOut(stdout);
            }
            // JAX 0.10.2 prints NumPy's str of each array, the same two lines
            String want = "x is [[1. 2.]\n [3. 4.]] and [[1. 2.]\n [3. 4.]]; row sums [3. 7.]\n10.0 then [3. 7.]";
            String got = text.toString(java.nio.charset.StandardCharsets.UTF_8)
                    .strip()
                    .replace("\r\n", "\n");
            Check.that(got.equals(want), "debugPrint wrote '" + got + "' where '" + want + "' was expected");
            Check.throwsKiln(
                    "debugPrint with too few arguments",
                    KilnException.class,
                    "refers to argument 1",
                    () -> Kiln.debugPrint("{} {}", x));
            // Python's format refuses this mix too ("cannot switch from manual field specification")
            Check.throwsKiln(
                    "debugPrint mixing {} and {0}", KilnException.class, "mixes", () -> Kiln.debugPrint("{} {0}", x));
        }));
        out.add(new Case(
                family, "pureCallback", Case.ANY_DTYPE, "refusals: grad, vmap without a method, wrong shapes", () -> {
                    Array x = Np.array(new float[] {0.5f, 1.5f, -2f}, 3);
                    ArraySpec spec = x.spec();
                    // JAX: ValueError "Pure callbacks do not support JVP"
                    Check.throwsKiln("grad of a callback", KilnException.class, "has no derivative", () -> Kiln.grad(
                                    (Array a) -> Np.sum(Kiln.pureCallback(Callbacks::hostKernel, spec, null, a)))
                            .apply(x));
                    // JAX: NotImplementedError "vmap is only supported ... when vmap_method is one of ..."
                    Check.throwsKiln(
                            "vmap without a vmapMethod", KilnException.class, "needs a vmapMethod", () -> Kiln.vmap(
                                            (Array a) -> Kiln.pureCallback(Callbacks::hostKernel, spec, null, a))
                                    .apply(Np.ones(DType.FLOAT32, 2, 3)));
                    Check.throwsKiln(
                            "an unknown vmapMethod",
                            KilnException.class,
                            "is not one of",
                            () -> Kiln.pureCallback(Callbacks::hostKernel, spec, "loop", x));
                    Check.throwsKiln(
                            "a result of another shape",
                            KilnException.class,
                            "float32[4] as result 0 where float32[3] was declared",
                            () -> Kiln.jit((Array a) ->
                                            Kiln.pureCallback((Array v) -> Np.zeros(DType.FLOAT32, 4), spec, null, a))
                                    .apply(x)
                                    .toHost());
                    Check.throwsKiln(
                            "a result of another dtype",
                            KilnException.class,
                            "float64[3] as result 0",
                            () -> Kiln.pureCallback((Array v) -> v.astype(DType.FLOAT64), spec, null, x));
                }));
    }
}
