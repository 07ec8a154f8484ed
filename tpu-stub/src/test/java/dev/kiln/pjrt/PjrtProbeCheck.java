package dev.kiln.pjrt;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.Arrays;

/**
 * A child JVM for {@link PjrtProbeTest}: probes the backends, runs work on cpu-simd, and prints
 * how many PJRT clients this process created and destroyed; with {@code open}, then opens pjrt and
 * runs one operation on it; with {@code trial}, connects to Kiln's CPU plugin the way the probe
 * connects to a device plugin (a client created and destroyed), then creates the backend's client
 * and runs a module on it.
 */
public final class PjrtProbeCheck {
    private PjrtProbeCheck() {}

    static void counts(String when) {
        System.out.println(when + ": clients created " + PjrtApi.CLIENTS_CREATED.get() + ", destroyed "
                + PjrtApi.CLIENTS_DESTROYED.get());
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "probe";
        if (mode.equals("trial")) {
            PjrtSession s = PjrtSession.connect(
                    PjrtPlugins.locate("cpu", PjrtPlugins.environment(), PjrtProvider.CPU_PLUGIN.value()), true);
            System.out.println("described: " + s.describe());
            counts("after the trial");
            PjrtClient c = s.client();
            var spec = new dev.kiln.ir.ArraySpec(dev.kiln.DType.FLOAT32, new int[] {3});
            PjrtExecutable e = c.compile(
                    """
                    func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
                      %y = stablehlo.add %x, %x : tensor<3xf32>
                      return %y : tensor<3xf32>
                    }
                    """);
            var out = e.run(
                    java.util.List.of(c.fromHost(dev.kiln.spi.HostBuffer.wrap(spec, new float[] {1, 2, 3}))),
                    java.util.List.of(spec));
            System.out.println("result: " + Arrays.toString(c.toHost(out.get(0)).floats()));
            counts("after the client");
            return;
        }
        Kiln.BackendInfo pjrt = Kiln.backends().stream()
                .filter(b -> b.name().equals("pjrt"))
                .findFirst()
                .orElseThrow();
        System.out.println("pjrt: " + pjrt.availability());
        float[] simd = Kiln.withBackend("cpu-simd", () -> {
            Array x = Np.array(new float[] {1, 2, 3, 4});
            return x.multiply(2f).add(1f).toHost().floats();
        });
        System.out.println("cpu-simd: " + Arrays.toString(simd));
        counts("after the probe");
        if (mode.equals("open")) {
            float[] onPjrt = Kiln.withBackend("pjrt", () -> {
                Array x = Np.array(new float[] {1, 2, 3, 4});
                return x.multiply(2f).add(1f).toHost().floats();
            });
            System.out.println("pjrt result: " + Arrays.toString(onPjrt));
            counts("after pjrt");
        }
    }
}
