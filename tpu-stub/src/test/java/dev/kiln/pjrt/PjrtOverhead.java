package dev.kiln.pjrt;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.List;
import java.util.function.Function;

/**
 * Measures Kiln's per-call overhead on pjrt (not a test: it prints timings, asserts nothing): a
 * jitted {@code x * 2 + 1} on 4 floats called in a loop, against the bare PJRT execute of the
 * same compiled module, and the same jitted call on cpu-simd. Each line is the fastest of ten
 * rounds of {@code n} calls, the round least disturbed by other work on a busy machine.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp … dev.kiln.pjrt.PjrtOverhead</pre>
 */
public final class PjrtOverhead {
    private PjrtOverhead() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        for (String backend : List.of("pjrt", "cpu-simd")) {
            Kiln.withBackend(backend, () -> {
                Array x = Np.array(new float[] {1, 2, 3, 4}, 4);
                Function<Array, Array> f = Kiln.jit((Array a) -> a.multiply(2f).add(1f));
                Array y = f.apply(x);
                for (int i = 0; i < n; i++) {
                    y = f.apply(x);
                }
                long best = Long.MAX_VALUE;
                for (int round = 0; round < 10; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        y = f.apply(x);
                    }
                    best = Math.min(best, System.nanoTime() - t0);
                }
                System.out.printf(
                        "%-9s jit call (device-resident input, no copy back): %.2f us%n", backend, best / 1e3 / n);
                return y;
            });
        }
        PjrtSession s = ((PjrtBackend) Kiln.backend("pjrt")).session();
        PjrtExecutable e = s.client()
                .compile(
                        """
                func.func public @main(%a: tensor<4xf32>) -> tensor<4xf32> {
                  %c = "stablehlo.constant"() <{value = dense<2.0> : tensor<4xf32>}> : () -> tensor<4xf32>
                  %o = "stablehlo.constant"() <{value = dense<1.0> : tensor<4xf32>}> : () -> tensor<4xf32>
                  %0 = "stablehlo.multiply"(%a, %c) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
                  %1 = "stablehlo.add"(%0, %o) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
                  "func.return"(%1) : (tensor<4xf32>) -> ()
                }
                """);
        dev.kiln.ir.ArraySpec spec = dev.kiln.ir.ArraySpec.of(dev.kiln.DType.FLOAT32, 4);
        PjrtBuffer in = s.client().fromHost(dev.kiln.spi.HostBuffer.wrap(spec, new float[] {1, 2, 3, 4}));
        for (int i = 0; i < n; i++) {
            e.run(List.of(in), List.of(spec));
        }
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                e.run(List.of(in), List.of(spec));
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf(
                "pjrt      bare PJRT_LoadedExecutable_Execute through the binding: %.2f us%n", best / 1e3 / n);
    }
}
