package dev.kiln.cpu.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.OutputArrays;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A jitted program reuses the arrays of intermediates it no longer reads ({@link OutputArrays}),
 * within a call and from one call to the next. Reuse must never hand out an array something still
 * reads: each program here is called on one input, its results kept (as the user would) together with
 * a copy, then called on other inputs; the first results must still equal their copy and both calls
 * the reference backend. The programs return views of intermediates (reshapes share the array), the
 * same intermediate twice, an intermediate that also feeds later kernels, and loops whose carries and
 * stacked outputs are kept; inputs hold NaN and infinities and have odd sizes.
 */
class OutputReuseTest {
    record Chain(String name, Function<List<Array>, List<Array>> f) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Chain> CHAINS = List.of(
            new Chain("softmax", a -> List.of(Cases.softmax(a.get(0)))),
            new Chain("layer norm", a -> List.of(Cases.layerNorm(a.get(0)))),
            new Chain("softmax of a softmax, and the first as a flat view", a -> {
                Array s = Cases.softmax(a.get(0));
                return List.of(Cases.softmax(s.multiply(3f)), s.reshape(-1));
            }),
            new Chain("chain of row groups, one intermediate returned twice", a -> {
                Array x = a.get(0);
                Array t = Np.tanh(x.multiply(0.5f)).add(x);
                Array n = Cases.layerNorm(t);
                Array s = Cases.softmax(n.subtract(t));
                return List.of(s.add(n), t, t.reshape(-1));
            }),
            new Chain("elementwise steps kept apart by a reduction over columns", a -> {
                Array x = a.get(0);
                Array e = Np.exp(x.multiply(0.25f));
                Array c = Np.sum(e, new int[] {0}, true);
                Array f = e.divide(c).subtract(x);
                Array g = Np.sum(f.multiply(f), new int[] {0}, true);
                return List.of(f.multiply(g), g);
            }),
            new Chain("matmuls with epilogues, one product feeding the next", a -> {
                Array x = a.get(0).multiply(0.125f);
                Array h = Np.tanh(Np.matmul(x, Np.transpose(x)).add(1f));
                Array g = Np.exp(Np.matmul(h, x).multiply(0.25f)).subtract(x);
                return List.of(g, Cases.softmax(Np.matmul(Np.transpose(x), g)));
            }),
            new Chain("a product returned beside its epilogue, a derivative times a product and its column sums", a -> {
                // the epilogue writes over the product's array, which is then a result (or the next
                // kernel's operand); the second product roots the derivative that its sums read
                Array x = a.get(0).multiply(0.125f);
                Array p = Np.matmul(x, Np.transpose(x));
                Array t = Np.tanh(p.add(1f));
                Array d = x.multiply(x).negative().add(1f);
                Array g = Np.matmul(t, x).multiply(d);
                return List.of(t, p, Np.matmul(Np.transpose(x), g), Np.sum(g, 0));
            }),
            new Chain("scan keeping each carry as an output row, carry and outputs returned", a -> {
                Array x = a.get(0);
                Lax.ScanResult<Array, Array> r = Lax.scan(
                        (Array h, Array row) -> {
                            Array next = Np.tanh(h.multiply(0.75f).add(row));
                            return new Lax.Step<>(next, next);
                        },
                        Np.zeros(x.dtype(), x.shape()[1]),
                        x);
                return List.of(r.carry(), r.ys(), Np.exp(r.ys()).add(1f));
            }),
            new Chain("scan whose outputs are the carries it was given", a -> {
                Array x = a.get(0);
                Lax.ScanResult<Array, Array> r = Lax.scan(
                        (Array h, Array row) ->
                                new Lax.Step<>(Np.sin(h.add(row)).multiply(0.5f), h),
                        Np.sum(x, 0).multiply(0.125f),
                        x);
                return List.of(r.ys().subtract(1f), r.carry());
            }),
            new Chain("while loop over rows, its carry returned and reused by a softmax", a -> {
                Array x = a.get(0);
                List<Array> out = Lax.whileLoop(
                        (List<Array> c) -> c.get(1).less(5f),
                        (List<Array> c) -> List.of(
                                Cases.softmax(c.get(0).multiply(1.5f)).add(c.get(0)),
                                c.get(1).add(1f)),
                        List.of(x, Np.array(0f)));
                return List.of(out.get(0), Cases.softmax(out.get(0)));
            }));

    static Stream<Arguments> cases() {
        return CHAINS.stream()
                .flatMap(c -> Stream.of(Cases.f32(7, 13), Cases.f32(37, 129), Cases.f32(67, 1025), Cases.f64(9, 31))
                        .map(s -> Arguments.of(c, s)));
    }

    /** Seeded inputs with NaN, infinities and zeros of both signs in some rows. */
    static List<HostBuffer> withSpecials(ArraySpec spec, long seed) {
        HostBuffer h = Cases.inputs(List.of(spec), seed).get(0);
        int cols = spec.shape()[1];
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0};
        for (int k = 0; k < specials.length; k++) {
            int i = (int) ((seed * 31 + k * 17L) % spec.shape()[0]) * cols + (k * 5) % cols;
            if (spec.dtype() == dev.kiln.DType.FLOAT32) {
                h.floats()[i] = (float) specials[k];
            } else {
                h.doubles()[i] = specials[k];
            }
        }
        return List.of(h);
    }

    static List<HostBuffer> onCpu(Function<List<Array>, List<Array>> jitted, List<HostBuffer> in) {
        return Kiln.withBackend(
                "cpu-simd",
                () -> jitted.apply(Cases.arrays(in)).stream().map(Array::toHost).toList());
    }

    static List<HostBuffer> onReference(Function<List<Array>, List<Array>> f, List<HostBuffer> in) {
        return Kiln.withBackend(
                "reference",
                () -> f.apply(Cases.arrays(in)).stream().map(Array::toHost).toList());
    }

    static Object copy(HostBuffer h) {
        return h.data() instanceof float[] f ? f.clone() : ((double[]) h.data()).clone();
    }

    static void same(String what, Object copy, HostBuffer now) {
        if (copy instanceof float[] f) {
            assertArrayEquals(f, now.floats(), what);
        } else {
            assertArrayEquals((double[]) copy, now.doubles(), what);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void resultsOfEarlierCallsStayIntact(Chain c, ArraySpec spec) {
        Function<List<Array>, List<Array>> jitted = Kiln.jit(c.f());
        int calls = 4;
        List<List<HostBuffer>> inputs = new ArrayList<>();
        List<List<HostBuffer>> kept = new ArrayList<>();
        List<List<Object>> copies = new ArrayList<>();
        for (int call = 0; call < calls; call++) {
            List<HostBuffer> in = withSpecials(spec, 11 + call);
            List<HostBuffer> out = onCpu(jitted, in);
            inputs.add(in);
            kept.add(out);
            copies.add(out.stream().map(OutputReuseTest::copy).toList());
        }
        long cols = spec.shape()[1];
        for (int call = 0; call < calls; call++) {
            List<HostBuffer> expected = onReference(c.f(), inputs.get(call));
            for (int o = 0; o < expected.size(); o++) {
                String what = c + " " + spec + ", output " + o + " of call " + call + " after " + calls + " calls";
                same(
                        what + " (changed since it was returned)",
                        copies.get(call).get(o),
                        kept.get(call).get(o));
                GeneratedKernelTest.close(what, expected.get(o), kept.get(call).get(o), 4 * cols);
            }
        }
    }

    @Test
    void arraysAreReusedWithinAndAcrossCalls() {
        Function<List<Array>, List<Array>> jitted = Kiln.jit(CHAINS.get(3).f());
        List<HostBuffer> in = withSpecials(Cases.f32(64, 256), 5);
        onCpu(jitted, in);
        long before = OutputArrays.reuses();
        onCpu(jitted, in);
        onCpu(jitted, in);
        assertTrue(
                !OutputArrays.Pool.enabled() || OutputArrays.reuses() > before,
                "a second and third call of a program with intermediates reused some of their arrays ("
                        + (OutputArrays.reuses() - before) + " reuses)");
    }

    @Test
    void rnnGradientStaysRightOverCallsWithReusedCarries() {
        int steps = 9;
        int batch = 3;
        int in = 5;
        int hidden = 17;
        List<HostBuffer> first =
                Cases.inputs(List.of(Cases.f32(hidden, hidden), Cases.f32(in, hidden), Cases.f32(steps, batch, in)), 1);
        List<HostBuffer> second =
                Cases.inputs(List.of(Cases.f32(hidden, hidden), Cases.f32(in, hidden), Cases.f32(steps, batch, in)), 2);
        for (List<HostBuffer> h : List.of(first, second)) {
            CompiledLoopBodiesTest.scale(h.get(0), 0.25f / (float) Math.sqrt(hidden));
            CompiledLoopBodiesTest.scale(h.get(1), 0.25f / (float) Math.sqrt(in));
        }
        Function<List<Array>, List<Array>> grad =
                a -> Kiln.grad(CompiledLoopBodiesTest::rnnLoss).apply(a.subList(0, 2), a.get(2));
        Function<List<Array>, List<Array>> jitted = Kiln.jit(grad);
        long before = OutputArrays.reuses();
        List<HostBuffer> a = onCpu(jitted, first);
        List<Object> aCopy = a.stream().map(OutputReuseTest::copy).toList();
        List<HostBuffer> b = onCpu(jitted, second);
        assertTrue(
                !OutputArrays.Pool.enabled() || OutputArrays.reuses() > before,
                "the gradient's scans reused carries' arrays");
        List<HostBuffer> ea = onReference(grad, first);
        List<HostBuffer> eb = onReference(grad, second);
        for (int o = 0; o < ea.size(); o++) {
            same("gradient " + o + " of the first call, after the second", aCopy.get(o), a.get(o));
            GeneratedKernelTest.close("gradient " + o + ", first call", ea.get(o), a.get(o), (long) hidden * steps);
            GeneratedKernelTest.close("gradient " + o + ", second call", eb.get(o), b.get(o), (long) hidden * steps);
        }
    }
}
