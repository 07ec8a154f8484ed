package dev.kiln.pjrt;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.List;
import java.util.function.Function;

/**
 * Times a jitted {@code sum(x + y*z)} (or, with {@code tanh} first, the comparison table's
 * {@code tanh(x + y*z)*0.5 + x}) with device-resident inputs on the given backends (not a test: it
 * prints, asserts nothing). docs/pjrt.md uses it to compare the plugin's XLA with
 * cpu-simd at 1M and 16M elements; run it with {@code XLA_FLAGS=--xla_dump_to=DIR
 * --xla_dump_hlo_as_text} to see what XLA made of the program.
 *
 * <pre>java … dev.kiln.pjrt.PjrtSumTiming [tanh] 16777216 pjrt cpu-simd</pre>
 */
public final class PjrtSumTiming {
    private PjrtSumTiming() {}

    public static void main(String[] args) {
        boolean tanh = args.length > 0 && args[0].equals("tanh");
        if (tanh) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        List<String> backends = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("pjrt");
        float[] data = new float[n];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < n; i++) {
            data[i] = random.nextFloat();
        }
        for (String backend : backends) {
            Kiln.withBackend(backend, () -> {
                Array x = Np.array(data);
                Function<Array[], Array> f = Kiln.jit((Array[] t) -> tanh
                        ? Np.tanh(t[0].add(t[1].multiply(t[2]))).multiply(0.5f).add(t[0])
                        : Np.sum(t[0].add(t[1].multiply(t[2]))));
                Array[] in = {x, x, x};
                long t0 = System.nanoTime();
                Array r = f.apply(in).blockUntilReady();
                System.out.printf(
                        (tanh ? "tanh chain " : "sum ") + "%-9s n=%d first call %.1f ms%n",
                        backend,
                        n,
                        (System.nanoTime() - t0) / 1e6);
                for (int round = 0; round < 5; round++) {
                    t0 = System.nanoTime();
                    for (int i = 0; i < 10; i++) {
                        r = f.apply(in).blockUntilReady();
                    }
                    System.out.printf(
                            (tanh ? "tanh chain " : "sum ") + "%-9s n=%d per call %.3f ms%n",
                            backend,
                            n,
                            (System.nanoTime() - t0) / 1e7);
                }
                return r;
            });
        }
    }
}
