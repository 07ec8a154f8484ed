package dev.kiln.cpu;

import dev.kiln.cpu.codegen.FixedLanes;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A timing tool, not a test: ways of reading {@code W @ x}'s row-major matrix (each keeping one
 * accumulator per row, so each output's bits are {@link MatvecF32}'s), interleaved in rounds in
 * one JVM: the kernel as it is, four and eight rows per pass, and each with the rows split into
 * one contiguous half per thread instead of chunks claimed as they go. Prints wall medians and the CPU
 * time of all the JVM's threads per call.
 *
 * <p>Arguments: n (default 4096), rounds (default 10), calls per round (default 10).
 */
public final class MatvecVariantsTiming {
    private MatvecVariantsTiming() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        float[] w = RowWorkTiming.uniform(n * n, 21, 1f);
        float[] x = RowWorkTiming.uniform(n, 22, 1f);
        MatmulF32.Operand ow = new MatmulF32.Operand(w, n * n, n, 1);
        MatmulF32.Operand ov = new MatmulF32.Operand(x, n, 1, 1);
        String[] names = {"kernel (MatvecF32)", "dot4, chunks", "dot8, chunks", "dot4, halves", "dot8, halves"};
        Runnable[] paths = {
            () -> MatmulF32.multiply(1, n, 1, n, ow, ov, new float[n], null),
            () -> rows(w, x, n, new float[n], 4, false),
            () -> rows(w, x, n, new float[n], 8, false),
            () -> rows(w, x, n, new float[n], 4, true),
            () -> rows(w, x, n, new float[n], 8, true)
        };
        float[] ref = new float[n];
        MatmulF32.multiply(1, n, 1, n, ow, ov, ref, null);
        float[] alt = new float[n];
        rows(w, x, n, alt, 8, false);
        System.out.println("dot8 bits equal the kernel's: " + Arrays.equals(ref, alt));
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        for (Runnable p : paths) {
            long until = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < until) {
                p.run();
            }
        }
        double[][] t = new double[paths.length][rounds * calls];
        double[] cpu = new double[paths.length];
        for (int r = 0; r < rounds; r++) {
            for (int p = 0; p < paths.length; p++) {
                long c0 = MatvecTiming.cpuNanos(tm);
                for (int i = 0; i < calls; i++) {
                    long t0 = System.nanoTime();
                    paths[p].run();
                    t[p][r * calls + i] = (System.nanoTime() - t0) * 1e-6;
                }
                cpu[p] += (MatvecTiming.cpuNanos(tm) - c0) * 1e-6;
            }
        }
        for (int p = 0; p < paths.length; p++) {
            double[] s = t[p].clone();
            Arrays.sort(s);
            System.out.printf(
                    Locale.ROOT,
                    "%-22s median %.3f ms, p10 %.3f ms (%.1f GB/s at the median), cpu %.3f ms/call%n",
                    names[p],
                    s[s.length / 2],
                    s[s.length / 10],
                    4.0 * n * n / s[s.length / 2] / 1e6,
                    cpu[p] / (rounds * calls));
        }
    }

    static void rows(float[] w, float[] x, int n, float[] out, int group, boolean halves) {
        Parallel.Range body = (lo, hi) -> {
            int i = lo;
            if (group == 8) {
                for (; i + 8 <= hi; i += 8) {
                    dot8(w, i * n, n, x, n, out, i);
                }
            }
            for (; i + 4 <= hi; i += 4) {
                dot4(w, i * n, n, x, n, out, i);
            }
        };
        if (halves) {
            Parallel.forRange(n, n / 2, 8, body);
        } else {
            Parallel.forRange(n, Math.max(8, (1 << 16) / n), 8, body);
        }
    }

    static void dot4(float[] mat, int r0, int rowStride, float[] v, int k, float[] out, int at) {
        int r1 = r0 + rowStride;
        int r2 = r1 + rowStride;
        int r3 = r2 + rowStride;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int p = 0;
        int bound = S.loopBound(k);
        for (; p < bound; p += L) {
            FloatVector x = FloatVector.fromArray(S, v, p);
            s0 = x.fma(FloatVector.fromArray(S, mat, r0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, mat, r1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, mat, r2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, mat, r3 + p), s3);
        }
        out[at] += FixedLanes.reduce(s0, VectorOperators.ADD);
        out[at + 1] += FixedLanes.reduce(s1, VectorOperators.ADD);
        out[at + 2] += FixedLanes.reduce(s2, VectorOperators.ADD);
        out[at + 3] += FixedLanes.reduce(s3, VectorOperators.ADD);
    }

    static void dot8(float[] mat, int r0, int rowStride, float[] v, int k, float[] out, int at) {
        int r1 = r0 + rowStride;
        int r2 = r1 + rowStride;
        int r3 = r2 + rowStride;
        int r4 = r3 + rowStride;
        int r5 = r4 + rowStride;
        int r6 = r5 + rowStride;
        int r7 = r6 + rowStride;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector s4 = s0;
        FloatVector s5 = s0;
        FloatVector s6 = s0;
        FloatVector s7 = s0;
        int p = 0;
        int bound = S.loopBound(k);
        for (; p < bound; p += L) {
            FloatVector x = FloatVector.fromArray(S, v, p);
            s0 = x.fma(FloatVector.fromArray(S, mat, r0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, mat, r1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, mat, r2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, mat, r3 + p), s3);
            s4 = x.fma(FloatVector.fromArray(S, mat, r4 + p), s4);
            s5 = x.fma(FloatVector.fromArray(S, mat, r5 + p), s5);
            s6 = x.fma(FloatVector.fromArray(S, mat, r6 + p), s6);
            s7 = x.fma(FloatVector.fromArray(S, mat, r7 + p), s7);
        }
        out[at] += FixedLanes.reduce(s0, VectorOperators.ADD);
        out[at + 1] += FixedLanes.reduce(s1, VectorOperators.ADD);
        out[at + 2] += FixedLanes.reduce(s2, VectorOperators.ADD);
        out[at + 3] += FixedLanes.reduce(s3, VectorOperators.ADD);
        out[at + 4] += FixedLanes.reduce(s4, VectorOperators.ADD);
        out[at + 5] += FixedLanes.reduce(s5, VectorOperators.ADD);
        out[at + 6] += FixedLanes.reduce(s6, VectorOperators.ADD);
        out[at + 7] += FixedLanes.reduce(s7, VectorOperators.ADD);
    }
}
