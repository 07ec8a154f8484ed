package dev.kiln.opencl;

import dev.kiln.Kiln;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import org.jocl.Pointer;
import org.jocl.cl_mem;

/**
 * Not a test: measures this device's float32 built-ins against Java's {@code StrictMath} in double
 * rounded to float (what Kiln's reference backend computes), over a sweep of float32 inputs (every
 * {@code -Dstep}-th bit pattern of the range each function is used on, plus the conformance suite's
 * special values), and times each against the same function computed in double and rounded once.
 * Prints the largest error in float32 ulps per function; this is what the tolerance table's opencl
 * entry rests on. Also the same in the vector forms ({@code float16}, 16 elements per item) that
 * the renderer's vector kernels call.
 */
public final class Float32MathMain {
    private Float32MathMain() {}

    private record Fn(String name, String c, DoubleUnaryOperator java, float lo, float hi) {}

    public static void main(String[] args) {
        OpenClBackend backend = (OpenClBackend) Kiln.backend(OpenClProvider.NAME);
        ClRuntime rt = backend.runtime();
        int step = Integer.getInteger("step", 61);
        Fn[] fns = {
            new Fn("tanh", "tanh", StrictMath::tanh, -100f, 100f),
            new Fn("exp", "exp", StrictMath::exp, -104f, 89f),
            new Fn("expm1", "expm1", StrictMath::expm1, -104f, 89f),
            new Fn("log", "log", StrictMath::log, 0f, Float.MAX_VALUE),
            new Fn("log1p", "log1p", StrictMath::log1p, -1f, Float.MAX_VALUE),
            new Fn("sin", "sin", StrictMath::sin, -1e4f, 1e4f),
            new Fn("cos", "cos", StrictMath::cos, -1e4f, 1e4f),
        };
        System.out.println("device: " + rt.device().describe());
        for (Fn f : fns) {
            float[] x = sweep(f.lo(), f.hi(), step);
            int n = x.length;
            cl_mem in = rt.upload(Pointer.to(x), 4L * n);
            cl_mem out = rt.allocate(4L * n);
            String single = "__kernel void k(__global const float *x, __global float *y, const int n) {\n"
                    + "  int i = get_global_id(0);\n  if (i < n) y[i] = " + f.c() + "(x[i]);\n}\n";
            String dbl = "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
                    + "__kernel void k(__global const float *x, __global float *y, const int n) {\n"
                    + "  int i = get_global_id(0);\n  if (i < n) y[i] = (float) " + f.c() + "((double) x[i]);\n}\n";
            // the vector forms the renderer's vector kernels call (FusedRenderer.vectorKernel), 16 per item
            String vec = "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"
                    + "__kernel void k(__global const float *x, __global float *y, const int n) {\n"
                    + "  int i = get_global_id(0) * 16;\n  if (i + 16 <= n) vstore16(%s, 0, y + i);\n"
                    + "  else for (; i < n; i++) y[i] = %s;\n}\n";
            String single16 = vec.formatted(f.c() + "(vload16(0, x + i))", f.c() + "(x[i])");
            String dbl16 = vec.formatted(
                    "convert_float16(" + f.c() + "(convert_double16(vload16(0, x + i))))",
                    "(float) " + f.c() + "((double) x[i])");
            double[] ms = new double[4];
            long[] worst = new long[4];
            float[] worstAt = new float[4];
            String[] srcs = {single, dbl, single16, dbl16};
            for (int v = 0; v < 4; v++) {
                String src = srcs[v];
                long items = v < 2 ? n : (n + 15) / 16;
                rt.launch(src, "k", items, 0, in, out, n);
                rt.finish();
                double best = Double.MAX_VALUE;
                for (int r = 0; r < 3; r++) {
                    long t = System.nanoTime();
                    rt.launch(src, "k", items, 0, in, out, n);
                    rt.finish();
                    best = Math.min(best, (System.nanoTime() - t) / 1e6);
                }
                ms[v] = best * (1 << 24) / n; // per 16M elements
                float[] y = new float[n];
                rt.read(out, Pointer.to(y), 4L * n);
                for (int i = 0; i < n; i++) {
                    float want = (float) f.java().applyAsDouble(x[i]);
                    long d = ulps(want, y[i]);
                    if (d > worst[v]) {
                        worst[v] = d;
                        worstAt[v] = x[i];
                    }
                }
            }
            ClRuntime.release(in, out);
            System.out.printf(
                    Locale.ROOT,
                    "%-6s %9d inputs  float built-in: max %3d ulp (at %s), %7.1f ms/16M   double rounded: max %d ulp,"
                            + " %7.1f ms/16M   float16: max %d ulp (at %s), %7.1f ms/16M   double16 rounded: max %d"
                            + " ulp, %7.1f ms/16M%n",
                    f.name(),
                    n,
                    worst[0],
                    worstAt[0],
                    ms[0],
                    worst[1],
                    ms[1],
                    worst[2],
                    worstAt[2],
                    ms[2],
                    worst[3],
                    ms[3]);
        }
    }

    /** Every {@code step}-th float32 bit pattern in [lo, hi], with zeros, infinities, NaN and denormals. */
    static float[] sweep(float lo, float hi, int step) {
        java.util.List<Float> v = new java.util.ArrayList<>();
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, -1e-30f, 1f, -1f};
        for (float s : special) {
            if (s >= lo && s <= hi) {
                v.add(s);
            }
        }
        int count = 0;
        float[] out;
        // walk the positive and negative halves by bit pattern
        for (int sign = 0; sign < 2; sign++) {
            float a = sign == 0 ? Math.max(lo, 0f) : Math.max(-hi, 0f);
            float b = sign == 0 ? hi : -lo;
            if (b < a || (sign == 1 && lo >= 0)) {
                continue;
            }
            for (long bits = Float.floatToRawIntBits(a); bits <= Float.floatToRawIntBits(b); bits += step) {
                float f = Float.intBitsToFloat((int) bits);
                v.add(sign == 0 ? f : -f);
                count++;
            }
        }
        out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE / 4;
        }
        if (a == b) {
            return 0;
        }
        long ia = Float.floatToRawIntBits(a);
        long ib = Float.floatToRawIntBits(b);
        ia = ia < 0 ? Integer.MIN_VALUE - ia : ia;
        ib = ib < 0 ? Integer.MIN_VALUE - ib : ib;
        return Math.abs(ia - ib);
    }
}
