package dev.kiln.opencl;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jocl.Pointer;
import org.jocl.cl_mem;

/**
 * Run by {@code scripts/device-check.sh} (not a test): measures the opencl device's own limits in
 * this run, a copy kernel's bandwidth and a register-loop kernel's float32 FMA rate, then Kiln's
 * fused elementwise kernel and float32 matmul on the same device, and prints each as a share of its
 * limit next to the targets of a GPU ({@code ≥ 70%} of copy bandwidth, {@code ≥ 40%} of FMA peak).
 * Sizes: {@code -Dcheck.elements} (default 2^26 on a GPU, 2^24 otherwise) and {@code -Dcheck.matmul}
 * (default 4096 on a GPU, 1024 otherwise).
 */
public final class DeviceCheckMain {
    private DeviceCheckMain() {}

    private static final String COPY =
            "__kernel void k(__global const float *src, __global float *dst, const int n) {\n"
                    + "  int i = get_global_id(0);\n  if (i < n) dst[i] = src[i];\n}\n";

    // eight independent chains of multiply-adds kept in registers; the result is stored so it stays
    private static final String FMA = "__kernel void k(__global float *out, const int iters, const float s) {\n"
            + "  float x = (float) get_global_id(0) * 1e-9f;\n"
            + "  float a0 = x, a1 = x + 1, a2 = x + 2, a3 = x + 3, a4 = x + 4, a5 = x + 5, a6 = x + 6, a7 = x + 7;\n"
            + "  for (int i = 0; i < iters; i++) {\n"
            + "    a0 = fma(a0, s, 0.5f); a1 = fma(a1, s, 0.5f); a2 = fma(a2, s, 0.5f); a3 = fma(a3, s, 0.5f);\n"
            + "    a4 = fma(a4, s, 0.5f); a5 = fma(a5, s, 0.5f); a6 = fma(a6, s, 0.5f); a7 = fma(a7, s, 0.5f);\n"
            + "  }\n"
            + "  out[get_global_id(0)] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;\n}\n";

    public static void main(String[] args) {
        OpenClBackend backend = (OpenClBackend) Kiln.backend(OpenClProvider.NAME);
        ClRuntime rt = backend.runtime();
        ClDevice d = rt.device();
        boolean gpu = d.isGpu();
        int n = Integer.getInteger("check.elements", gpu ? 1 << 26 : 1 << 24);
        int mm = Integer.getInteger("check.matmul", gpu ? 4096 : 1024);
        System.out.println("device: " + d.describe());

        // copy bandwidth: read and write n floats
        cl_mem src = rt.upload(Pointer.to(new float[n]), 4L * n);
        cl_mem dst = rt.allocate(4L * n);
        double copy = best(7, () -> {
            rt.launch(COPY, "k", n, 0, src, dst, n);
            rt.finish();
        });
        double copyBandwidth = 8.0 * n / copy;
        ClRuntime.release(src, dst);

        // FMA peak: 8 chains x iters multiply-adds per item
        int items = Math.max(1, d.computeUnits()) * (gpu ? 8192 : 1024);
        int iters = gpu ? 8192 : 2048;
        cl_mem out = rt.allocate(4L * items);
        double fma = best(5, () -> {
            rt.launch(FMA, "k", items, 0, out, iters, 0.999f);
            rt.finish();
        });
        double fmaPeak = 2.0 * 8 * iters * items / fma;
        ClRuntime.release(out);

        // Kiln on the same device: a fused elementwise kernel (3 reads, 1 write) and a float32 matmul
        double[] results = Kiln.withBackend(backend, () -> {
            Array x = Np.ones(n).multiply(0.5f);
            Array y = Np.ones(n).multiply(1.5f);
            Array z = Np.ones(n).multiply(2.5f);
            Function<Array, Array> fused = Kiln.jit((Array a) -> a.add(y.multiply(z)));
            double fusedTime = best(10, () -> fused.apply(x).blockUntilReady());
            Array a = Np.ones(mm, mm).multiply(0.5f);
            Array b = Np.ones(mm, mm).multiply(0.25f);
            double matmulTime = best(gpu ? 7 : 3, () -> Np.matmul(a, b).blockUntilReady());
            float check = Np.matmul(a, b).toFloatArray()[mm * mm - 1];
            if (check != 0.125f * mm) {
                throw new AssertionError("matmul check: " + check + ", expected " + (0.125f * mm));
            }
            return new double[] {fusedTime, matmulTime};
        });
        double fusedBandwidth = 16.0 * n / results[0];
        double matmulRate = 2.0 * mm * mm * (double) mm / results[1];

        List<String> lines = List.of(
                String.format(
                        Locale.ROOT,
                        "copy kernel:          %10.1f GB/s (%d floats, %.3f ms)",
                        copyBandwidth / 1e9,
                        n,
                        copy * 1e3),
                String.format(Locale.ROOT, "FMA register loop:    %10.1f GFLOP/s float32", fmaPeak / 1e9),
                String.format(
                        Locale.ROOT,
                        "fused x + y*z (jit):  %10.1f GB/s = %5.1f%% of copy (GPU target >= 70%%), %.3f ms",
                        fusedBandwidth / 1e9,
                        100 * fusedBandwidth / copyBandwidth,
                        results[0] * 1e3),
                String.format(
                        Locale.ROOT,
                        "matmul %d^3 float32: %10.1f GFLOP/s = %5.1f%% of FMA peak (GPU target >= 40%%), %.3f ms",
                        mm,
                        matmulRate / 1e9,
                        100 * matmulRate / fmaPeak,
                        results[1] * 1e3));
        lines.forEach(System.out::println);
        if (!gpu) {
            System.out.println(
                    "(not a GPU: the targets are for GPUs; on a CPU device these numbers only show the script works)");
        }
    }

    /**
     * The fastest of {@code reps} timed runs after three untimed ones (compilation, and the buffer
     * pool filling: fresh device memory costs far more than reused memory on a CPU device), in seconds.
     */
    private static double best(int reps, Runnable r) {
        for (int i = 0; i < 3; i++) {
            r.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e9;
        }
        return Arrays.stream(t).min().orElseThrow();
    }
}
