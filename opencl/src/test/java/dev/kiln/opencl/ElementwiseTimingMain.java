package dev.kiln.opencl;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.spi.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.jocl.Pointer;
import org.jocl.cl_mem;

/**
 * Not a test: times the comparison's elementwise chain {@code tanh(x + y·z)·0.5 + x} over 16M
 * float32 on opencl, as Kiln's jitted function (and on cpu-simd where it is on the class path), and
 * as hand-written OpenCL C variants in the same sitting (one item per element with the built-in,
 * without tanh, in double, vectors of 8 and 16 per item, work-group sizes), best of {@code -Druns} (default 7)
 * after two warm-ups. For profiling PoCL; the variants are what the renderer could write.
 */
public final class ElementwiseTimingMain {
    private ElementwiseTimingMain() {}

    private static final String SAT = "(fabs(t) > 10.0f ? copysign(1.0f, t) : tanh(t))";

    private static String scalar(String body) {
        return "__kernel void k(__global const float *x, __global const float *y, __global const float *z,"
                + " __global float *out, const int n) {\n  int g = get_global_id(0);\n  if (g >= n) return;\n"
                + "  float t = x[g] + y[g] * z[g];\n  out[g] = " + body + ";\n}\n";
    }

    private static String vector(int w, String tanh) {
        String v = "float" + w;
        return "__kernel void k(__global const float *x, __global const float *y, __global const float *z,"
                + " __global float *out, const int n) {\n  int g = get_global_id(0);\n"
                + "  if ((g + 1) * " + w + " <= n) {\n"
                + "    " + v + " a = vload" + w + "(g, x), b = vload" + w + "(g, y), c = vload" + w + "(g, z);\n"
                + "    " + v + " t = a + b * c;\n"
                + "    vstore" + w + "("
                + tanh.replace("1.0f", "(" + v + ") 1.0f").replace("10.0f", "(" + v + ") 10.0f")
                + " * 0.5f + a, g, out);\n"
                + "  } else {\n    for (int i = g * " + w + "; i < n; i++) {\n"
                + "      float t = x[i] + y[i] * z[i];\n      out[i] = " + SAT + " * 0.5f + x[i];\n    }\n  }\n}\n";
    }

    private static long time(Runnable r, int runs) {
        r.run();
        r.run();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best;
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("runs", 7);
        int n = Integer.getInteger("n", 1 << 24);
        OpenClBackend cl = (OpenClBackend) new OpenClProvider().open(Map.of());
        ClRuntime rt = cl.runtime();
        Random rnd = new Random(1);
        float[][] host = new float[3][n];
        for (float[] h : host) {
            for (int i = 0; i < n; i++) {
                h[i] = rnd.nextFloat() * 4 - 2;
            }
        }
        cl_mem[] in = new cl_mem[3];
        for (int i = 0; i < 3; i++) {
            in[i] = rt.upload(Pointer.to(host[i]), 4L * n);
        }
        cl_mem out = rt.allocate(4L * n);
        System.out.println(rt.device());
        List<String[]> variants = new ArrayList<>();
        variants.add(new String[] {"scalar, built-in tanh (wg 64)", scalar(SAT + " * 0.5f + x[g]"), "1", "64"});
        variants.add(new String[] {"scalar, built-in tanh (wg 1024)", scalar(SAT + " * 0.5f + x[g]"), "1", "1024"});
        variants.add(new String[] {"scalar, no tanh (wg 64)", scalar("t * 0.5f + x[g]"), "1", "64"});
        variants.add(new String[] {
            "scalar, tanh in double (wg 64)", scalar("(float) tanh((double) t) * 0.5f + x[g]"), "1", "64"
        });
        for (int w : new int[] {8, 16}) {
            variants.add(new String[] {"float" + w + ", built-in tanh (wg 64)", vector(w, SAT), "" + w, "64"});
        }
        variants.add(new String[] {"float8, no tanh (wg 64)", vector(8, "t"), "8", "64"});
        for (String[] v : variants) {
            int w = Integer.parseInt(v[2]);
            long local = Long.parseLong(v[3]);
            long items = (n + w - 1) / w;
            rt.program(v[1]);
            long ns = time(
                    () -> {
                        rt.launch(v[1], "k", items, local, in[0], in[1], in[2], out, n);
                        rt.finish();
                    },
                    runs);
            System.out.printf(Locale.ROOT, "%-36s %8.2f ms%n", v[0], ns / 1e6);
        }
        // Kiln's jitted function on opencl (vector kernels off and on, alternated), and on cpu-simd where present
        Function<List<Array>, Array> f = a ->
                Np.tanh(a.get(0).add(a.get(1).multiply(a.get(2)))).multiply(0.5).add(a.get(0));
        List<Backend> backends = new ArrayList<>(List.of(cl));
        try {
            backends.add(Kiln.backend("cpu-simd"));
        } catch (RuntimeException e) {
            System.out.println("cpu-simd not on the class path: " + e.getMessage());
        }
        float[][] results = new float[2][];
        for (int round = 0; round < 3; round++) {
            for (Backend b : backends) {
                for (boolean vec : b == cl ? new boolean[] {false, true} : new boolean[] {true}) {
                    cl.vectorKernels = vec;
                    long[] ns = new long[1];
                    float[] r = Kiln.withBackend(b, () -> {
                        List<Array> xs = new ArrayList<>();
                        for (float[] h : host) {
                            xs.add(Np.array(h, new int[] {n}));
                        }
                        Function<List<Array>, Array> jf = Kiln.jit(f);
                        ns[0] = time(() -> jf.apply(xs).blockUntilReady(), runs);
                        return jf.apply(xs).toFloatArray();
                    });
                    if (b == cl) {
                        results[vec ? 1 : 0] = r;
                    }
                    System.out.printf(
                            Locale.ROOT,
                            "Kiln jit on %-10s %-14s %8.2f ms%n",
                            b.name(),
                            b == cl ? (vec ? "vector kernel" : "scalar kernel") : "",
                            ns[0] / 1e6);
                }
            }
        }
        int differ = 0;
        for (int i = 0; i < n; i++) {
            if (Float.floatToIntBits(results[0][i]) != Float.floatToIntBits(results[1][i])) {
                differ++;
            }
        }
        System.out.println("elements where the vector kernel differs from the scalar one: " + differ + " of " + n);
        for (String s : rt.sources()) {
            if (s.contains("tanh") && s.contains("tab")) {
                System.out.println("--- Kiln's kernel:\n" + s);
            }
        }
    }
}
