package dev.kiln.examples;

import dev.kiln.Kiln;
import dev.kiln.conformance.Runner;
import dev.kiln.spi.Backend;
import java.util.List;

/**
 * The main job: lists the backends found (and why any is unavailable), runs a small example on
 * the default backend, and prints the conformance support matrix of every available backend.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("== Backends found");
        for (Kiln.BackendInfo b : Kiln.backends()) {
            System.out.printf("  %-10s priority %3d  %s%n", b.name(), b.priority(), b.availability());
        }
        Backend backend = Kiln.defaultBackend();
        System.out.println("  default: " + backend.name() + " on " + backend.devices());

        System.out.println();
        System.out.println("== Example: softmax regression scores on the default backend");
        Examples.softmaxScores(System.out);

        System.out.println();
        System.out.println("== Example: a 64-64-10 MLP on the 8x8 digits, one jit-compiled Adam step per minibatch");
        double accuracy = DigitsMlp.train(30, 128, System.out);
        System.out.printf(
                "  final held-out accuracy %.3f (stated: at least %.2f)%n", accuracy, DigitsMlp.STATED_ACCURACY);

        System.out.println();
        System.out.println("== Example: a transformer block (causal attention, GELU MLP), jit-compiled SGD steps");
        TransformerBlock.run(System.out);

        System.out.println();
        System.out.println("== Example: the same MLP trained data-parallel with pmap (gradients averaged with pmean)");
        List<dev.kiln.spi.Device> devices = Kiln.devices(backend.name());
        DataParallelMlp.Result one = DataParallelMlp.train(60, devices.subList(0, 1), System.out);
        if (devices.size() > 1) {
            DataParallelMlp.Result all = DataParallelMlp.train(60, devices, System.out);
            System.out.printf(
                    "  step time on %d devices vs 1: %.2fx faster; largest parameter difference %.2g%n",
                    devices.size(),
                    one.stepMillis() / all.stepMillis(),
                    maxDifference(DataParallelMlp.flat(one.params()), DataParallelMlp.flat(all.params())));
        }

        System.out.println();
        System.out.println("== Conformance support matrix");
        List<String> names = Runner.availableBackends(System.out);
        Runner.run(names, System.out);
    }

    private static double maxDifference(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
