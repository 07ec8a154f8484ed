package dev.kiln.cpu.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inside a jitted program, the bodies of {@code scan} and {@code while} loops (and the scan that
 * the gradient of a scan makes) run as compiled programs, their fused kernels generated code, not
 * one eager dispatch per primitive per step: checked by the code generator's counters moving during
 * the first call of a program whose only fused kernels are inside the loop, and against the
 * reference backend on odd sizes.
 */
class CompiledLoopBodiesTest {
    /** {@code h' = tanh(h w + x_t u + 0.5)}; the loss is the mean square of the last state. */
    static Array rnnLoss(List<Array> p, Array xs) {
        Array w = p.get(0);
        Array u = p.get(1);
        Array h0 = Np.zeros(xs.shape()[1], w.shape()[0]);
        Array last = Lax.scan(
                        (Array h, Array x) -> new Lax.Step<>(
                                Np.tanh(Np.matmul(h, w).add(Np.matmul(x, u)).add(0.5f)), (Array) null),
                        h0,
                        xs)
                .carry();
        return Np.mean(Np.square(last));
    }

    static void scale(HostBuffer h, float by) {
        float[] v = h.floats();
        for (int i = 0; i < v.length; i++) {
            v[i] *= by;
        }
    }

    static long generatedCalls() {
        CompileStats.Snapshot s = CompileStats.snapshot();
        return s.generated() + s.hits();
    }

    @ParameterizedTest(name = "steps {0}")
    @ValueSource(ints = {1, 3, 17})
    void scanGradientRunsCompiledBodiesAndMatchesTheReference(int steps) {
        int batch = 3;
        int in = 5;
        int hidden = 17;
        List<HostBuffer> hosts = Cases.inputs(
                List.of(Cases.f32(hidden, hidden), Cases.f32(in, hidden), Cases.f32(steps, batch, in)), steps);
        // weights in [-0.5, 0.5]/sqrt(width): a contracting recurrence, whose gradient a float32
        // rounding difference does not blow up over the steps (entries in [-2, 2] make it chaotic)
        scale(hosts.get(0), 0.25f / (float) Math.sqrt(hidden));
        scale(hosts.get(1), 0.25f / (float) Math.sqrt(in));
        BiFunction<List<Array>, Array, List<Array>> grad = Kiln.grad(CompiledLoopBodiesTest::rnnLoss);
        List<HostBuffer> expected = Kiln.withBackend("reference", () -> {
            List<Array> a = Cases.arrays(hosts);
            return grad.apply(a.subList(0, 2), a.get(2)).stream()
                    .map(Array::toHost)
                    .toList();
        });
        BiFunction<List<Array>, Array, List<Array>> jitted = Kiln.jit(grad);
        for (int call = 0; call < 2; call++) {
            List<HostBuffer> actual = Kiln.withBackend("cpu-simd", () -> {
                List<Array> a = Cases.arrays(hosts);
                return jitted.apply(a.subList(0, 2), a.get(2)).stream()
                        .map(Array::toHost)
                        .toList();
            });
            for (int o = 0; o < expected.size(); o++) {
                GeneratedKernelTest.close(
                        "d loss / d param " + o + ", " + steps + " steps (call " + call + ")",
                        expected.get(o),
                        actual.get(o),
                        (long) hidden * steps);
            }
        }
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {1, 3, 17, 1023})
    void loopBodiesAreGeneratedCode(int n) {
        ArraySpec spec = Cases.f32(n);
        HostBuffer x = Cases.inputs(List.of(spec), n).get(0);
        // a while loop and a scan whose bodies are the only fused work of the program
        Function<Array, Array> f = v -> {
            List<Array> out = Lax.whileLoop(
                    (List<Array> c) -> c.get(1).less(4f),
                    (List<Array> c) -> List.of(
                            Np.tanh(c.get(0).multiply(1.25f).add(0.125f)),
                            c.get(1).add(1f)),
                    List.of(v, Np.array(0f)));
            return out.get(0);
        };
        Function<Array, Array> jitted = Kiln.jit(f);
        HostBuffer expected = Kiln.withBackend(
                        "reference", () -> f.apply(Cases.arrays(List.of(x)).get(0)))
                .toHost();
        long before = generatedCalls();
        HostBuffer actual = Kiln.withBackend(
                "cpu-simd", () -> jitted.apply(Cases.arrays(List.of(x)).get(0)).toHost());
        // the program's only fused work is the loop's body: compiling it asks the code generator
        // (a new class or a cached one); a body run op by op would ask it nothing
        assertTrue(
                generatedCalls() > before,
                "the loop body was compiled to generated code (code generator asked " + (generatedCalls() - before)
                        + " times)");
        GeneratedKernelTest.close("while loop over " + n, expected, actual, 1);
        HostBuffer again = Kiln.withBackend(
                "cpu-simd", () -> jitted.apply(Cases.arrays(List.of(x)).get(0)).toHost());
        GeneratedKernelTest.close("while loop over " + n + ", second call", expected, again, 1);
    }
}
