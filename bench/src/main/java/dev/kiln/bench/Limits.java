package dev.kiln.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntToDoubleFunction;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * This machine's limits, measured rather than copied, for the comparison table's roofline column:
 * STREAM triad bandwidth (read two streams, write one), read-only bandwidth (a vectorised sum of
 * one stream, of three, and a row-group read as the matrix-vector kernel does), and the float32 FMA
 * peak (independent FMA chains on registers, 512-bit and 256-bit vectors: some cores run 512-bit
 * FMAs at half rate). Each runs on 1 and on 2 threads, as Kiln's CPU backend splits large work.
 * Sizes are far larger than the caches, except the row-group read's 67 MB matrix, which is the
 * size of the table's {@code W @ x} matrix on purpose (see {@link #ROW_LENGTH}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsPrepend = {
            "--add-modules=jdk.incubator.vector",
            "-XX:+UseParallelGC",
            "-Xms6g",
            "-Xmx6g",
            "-XX:+AlwaysPreTouch",
            "-XX:+UseTransparentHugePages"
        })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class Limits {
    /** Doubles per triad array: 3 × 268 MB, as in performance.md. */
    static final int TRIAD_N = 1 << 25;

    /** Bytes one triad call moves by STREAM's count (no write-allocate traffic). */
    static final double TRIAD_BYTES = 24.0 * TRIAD_N;

    /** Floats summed by one read-sum call: 268 MB. */
    static final int SUM_N = 1 << 26;

    static final double SUM_BYTES = 4.0 * SUM_N;

    /** Floats per array of the three-stream read (3 × 67 MB), read the way a fused {@code sum(x + y*z)} reads. */
    static final int STREAMS_N = 1 << 24;

    static final double STREAMS_BYTES = 12.0 * STREAMS_N;

    /**
     * The row-group read's matrix: the first {@link #ROWS_N} floats of the read-sum array taken as
     * 4096 rows of 4096, the size and shape of {@code W @ x}'s matrix in the table (67 MB). Not far
     * larger than the caches, on purpose: a product that reads the same 67 MB matrix call after
     * call finds part of it still in the last-level cache (on the 2-core Zen 5 VM, in one JVM at
     * load 12: Kiln's {@code W @ x} read 43.6 GB/s from a 4096² matrix and 28.0 GB/s from an 8192²
     * one of 268 MB, where the one-stream read of 268 MB gave 24.1), and its floor must be measured
     * in the same regime or it shows more than 100%.
     */
    static final int ROW_LENGTH = 4096;

    static final int ROWS_N = ROW_LENGTH * ROW_LENGTH;

    /**
     * Rows read together: eight row streams, each vector of {@code x} feeding eight FMAs, as Kiln's
     * matrix-vector kernel ({@code MatvecF32.dotRows}) reads them. With four (the kernel's group
     * before) the roof came out below what {@code W @ x} reached, in Kiln and in JAX (42 GB/s
     * against a 37.2 GB/s roof in the comparison of session 27).
     */
    static final int ROW_GROUP = 8;

    /** Row groups per claimed chunk: 128 rows, 2 MB. */
    static final int ROW_CHUNK = 16;

    static final double ROWS_BYTES = 4.0 * ROWS_N;

    /**
     * Floats per array of the row-sized scale ({@link #scaleRows}): 4096 × 1024, the size of the
     * table's softmax and layer norm inputs and outputs. Like the row-group read, not far larger than
     * the caches on purpose: a row workload that reads 16.8 MB and writes 16.8 MB call after call
     * finds part of it in the last-level cache (in session 28's comparison PyTorch's compiled layer
     * norm moved its 33.6 MB at 43 GB/s, above the 268 MB triad's 36.6), so its floor is measured in
     * the same regime.
     */
    static final int SCALE_N = 4096 * 1024;

    /** Bytes one row-sized scale call moves by STREAM's count: one array read, one written. */
    static final double SCALE_BYTES = 8.0 * SCALE_N;

    /** Output arrays the row-sized scale writes in turn: 8 × 16.8 MB, four times the last-level cache. */
    static final int SCALE_OUTPUTS = 8;

    /** Loop trips of the FMA kernel per thread and call. */
    static final int FMA_TRIPS = 1 << 18;

    /** Independent accumulators: enough to cover FMA latency × ports on current cores. */
    static final int FMA_CHAINS = 12;

    static final VectorSpecies<Float> PREFERRED = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;

    /** Flop one FMA-peak call does per thread with vectors of {@code lanes} floats. */
    static double fmaFlopPerThread(int lanes) {
        return 2.0 * FMA_CHAINS * lanes * FMA_TRIPS;
    }

    @Param({"1", "2"})
    public int threads;

    double[] a;
    double[] b;
    double[] c;
    float[] f;
    float[] x;
    float[] y;
    float[] z;
    float[] rowVector;
    float[] rowSums;
    float[][] scaled;
    int nextScaled;
    ExecutorService helpers;

    @Setup
    public void setup() {
        a = new double[TRIAD_N];
        b = new double[TRIAD_N];
        c = new double[TRIAD_N];
        for (int i = 0; i < TRIAD_N; i++) {
            b[i] = i;
            c[i] = 1.0 / (i + 1);
        }
        f = Data.uniform(SUM_N, 16);
        x = Data.uniform(STREAMS_N, 17);
        y = Data.uniform(STREAMS_N, 18);
        z = Data.uniform(STREAMS_N, 19);
        rowVector = Data.uniform(ROW_LENGTH, 20);
        rowSums = new float[ROWS_N / ROW_LENGTH];
        scaled = new float[SCALE_OUTPUTS][SCALE_N];
        helpers = threads > 1
                ? Executors.newFixedThreadPool(threads - 1, r -> {
                    Thread t = new Thread(r, "limits-helper");
                    t.setDaemon(true);
                    return t;
                })
                : null;
    }

    @TearDown
    public void tearDown() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }

    /** Runs part {@code 0..threads-1} on the helpers and the caller, and adds up their results. */
    private double split(IntToDoubleFunction part) {
        if (threads == 1) {
            return part.applyAsDouble(0);
        }
        List<Future<Double>> others = new ArrayList<>(threads - 1);
        for (int t = 1; t < threads; t++) {
            int id = t;
            others.add(helpers.submit(() -> part.applyAsDouble(id)));
        }
        double total = part.applyAsDouble(0);
        try {
            for (Future<Double> o : others) {
                total += o.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return total;
    }

    @Benchmark
    public double triad() {
        return split(t -> {
            int lo = (int) ((long) TRIAD_N * t / threads);
            int hi = (int) ((long) TRIAD_N * (t + 1) / threads);
            triad(a, b, c, 3.0, lo, hi);
            return a[lo];
        });
    }

    private static void triad(double[] a, double[] b, double[] c, double s, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            a[i] = b[i] + s * c[i];
        }
    }

    /**
     * STREAM's scale ({@code out = s * in}) in float32 over arrays the size of the row workloads'
     * input and output ({@link #SCALE_N}), vectorised, each thread a contiguous half: the triad roof
     * is the faster of this and {@link #triad}, so that no row workload beats its floor by reading
     * from the cache what the 268 MB triad reads from memory. The input is the same array every call,
     * as a benchmarked workload's is; the output is the next of {@link #SCALE_OUTPUTS} arrays, as a
     * workload writes a new array every call: written into the same array each time, both stayed in
     * the 32 MB last-level cache and the scale ran at 122 GB/s, a cache roof no workload that writes
     * new memory can approach.
     */
    @Benchmark
    public double scaleRows() {
        float[] out = scaled[nextScaled];
        nextScaled = (nextScaled + 1) % SCALE_OUTPUTS;
        return split(t -> {
            int lo = (int) ((long) SCALE_N * t / threads);
            int hi = (int) ((long) SCALE_N * (t + 1) / threads);
            scale(x, out, 0.5f, lo, hi);
            return out[lo];
        });
    }

    private static void scale(float[] in, float[] out, float s, int lo, int hi) {
        int step = PREFERRED.length();
        int i = lo;
        for (; i + step <= hi; i += step) {
            FloatVector.fromArray(PREFERRED, in, i).mul(s).intoArray(out, i);
        }
        for (; i < hi; i++) {
            out[i] = s * in[i];
        }
    }

    @Benchmark
    public double readSum() {
        return split(t -> readSum(f, (int) ((long) SUM_N * t / threads), (int) ((long) SUM_N * (t + 1) / threads)));
    }

    private static double readSum(float[] x, int lo, int hi) {
        int step = PREFERRED.length();
        FloatVector s0 = FloatVector.zero(PREFERRED);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int i = lo;
        for (; i + 4 * step <= hi; i += 4 * step) {
            s0 = s0.add(FloatVector.fromArray(PREFERRED, x, i));
            s1 = s1.add(FloatVector.fromArray(PREFERRED, x, i + step));
            s2 = s2.add(FloatVector.fromArray(PREFERRED, x, i + 2 * step));
            s3 = s3.add(FloatVector.fromArray(PREFERRED, x, i + 3 * step));
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < hi; i++) {
            s += x[i];
        }
        return s;
    }

    /**
     * Reads three arrays at once, as a fused elementwise kernel over three inputs does: several
     * streams keep more cache lines in flight than one, so on some machines this reads faster than
     * {@link #readSum}. The read roof is the faster of the two.
     */
    @Benchmark
    public double readStreams() {
        return split(t -> readStreams(
                x, y, z, (int) ((long) STREAMS_N * t / threads), (int) ((long) STREAMS_N * (t + 1) / threads)));
    }

    private static double readStreams(float[] x, float[] y, float[] z, int lo, int hi) {
        int step = PREFERRED.length();
        FloatVector s0 = FloatVector.zero(PREFERRED);
        FloatVector s1 = s0;
        int i = lo;
        for (; i + 2 * step <= hi; i += 2 * step) {
            s0 = s0.add(FloatVector.fromArray(PREFERRED, x, i)
                    .add(FloatVector.fromArray(PREFERRED, y, i))
                    .add(FloatVector.fromArray(PREFERRED, z, i)));
            s1 = s1.add(FloatVector.fromArray(PREFERRED, x, i + step)
                    .add(FloatVector.fromArray(PREFERRED, y, i + step))
                    .add(FloatVector.fromArray(PREFERRED, z, i + step)));
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < hi; i++) {
            s += x[i] + y[i] + z[i];
        }
        return s;
    }

    /**
     * Reads a 67 MB matrix ({@link #ROWS_N}) as rows, the way Kiln's matrix-vector kernel reads
     * {@code W @ x}'s matrix, call after call: groups of eight rows at once (eight streams 16 KB
     * apart, each vector load feeding an FMA with a vector that stays in L1), the threads claiming chunks of 128 rows as they go (so a thread slowed by other
     * work does not hold the others up). The read roof is the fastest of the three reads, so that no
     * kernel reads faster than the roof its floor uses.
     */
    @Benchmark
    public double readRows() {
        AtomicInteger next = new AtomicInteger();
        return split(t -> readRows(f, rowVector, rowSums, next));
    }

    private static double readRows(float[] mat, float[] v, float[] out, AtomicInteger next) {
        int groups = ROWS_N / ROW_LENGTH / ROW_GROUP;
        int chunk;
        while ((chunk = next.getAndIncrement()) * ROW_CHUNK < groups) {
            int end = Math.min(groups, (chunk + 1) * ROW_CHUNK);
            for (int g = chunk * ROW_CHUNK; g < end; g++) {
                rowGroup(mat, g * ROW_GROUP, v, out);
            }
        }
        return out[0];
    }

    /**
     * Eight dot products of rows {@code row…row+7} with {@code v}, into {@code out}: {@code
     * x.fma(row, s)}, so C2 folds each matrix load into its FMA as the kernel's loop does.
     */
    private static void rowGroup(float[] mat, int row, float[] v, float[] out) {
        int step = PREFERRED.length();
        int r0 = row * ROW_LENGTH;
        int r1 = r0 + ROW_LENGTH;
        int r2 = r1 + ROW_LENGTH;
        int r3 = r2 + ROW_LENGTH;
        int r4 = r3 + ROW_LENGTH;
        int r5 = r4 + ROW_LENGTH;
        int r6 = r5 + ROW_LENGTH;
        int r7 = r6 + ROW_LENGTH;
        FloatVector s0 = FloatVector.zero(PREFERRED);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector s4 = s0;
        FloatVector s5 = s0;
        FloatVector s6 = s0;
        FloatVector s7 = s0;
        for (int p = 0; p < ROW_LENGTH; p += step) {
            FloatVector x = FloatVector.fromArray(PREFERRED, v, p);
            s0 = x.fma(FloatVector.fromArray(PREFERRED, mat, r0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(PREFERRED, mat, r1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(PREFERRED, mat, r2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(PREFERRED, mat, r3 + p), s3);
            s4 = x.fma(FloatVector.fromArray(PREFERRED, mat, r4 + p), s4);
            s5 = x.fma(FloatVector.fromArray(PREFERRED, mat, r5 + p), s5);
            s6 = x.fma(FloatVector.fromArray(PREFERRED, mat, r6 + p), s6);
            s7 = x.fma(FloatVector.fromArray(PREFERRED, mat, r7 + p), s7);
        }
        out[row] = s0.reduceLanes(VectorOperators.ADD);
        out[row + 1] = s1.reduceLanes(VectorOperators.ADD);
        out[row + 2] = s2.reduceLanes(VectorOperators.ADD);
        out[row + 3] = s3.reduceLanes(VectorOperators.ADD);
        out[row + 4] = s4.reduceLanes(VectorOperators.ADD);
        out[row + 5] = s5.reduceLanes(VectorOperators.ADD);
        out[row + 6] = s6.reduceLanes(VectorOperators.ADD);
        out[row + 7] = s7.reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public double fmaPeak() {
        return split(t -> fmaChainsPreferred(1.0f + t * 1e-7f));
    }

    @Benchmark
    public double fmaPeak256() {
        return split(t -> fmaChains256(1.0f + t * 1e-7f));
    }

    /*
     * Twelve independent acc = acc * m + a chains that never leave registers. The multiplier is
     * just below one so the values stay finite and the result depends on every trip. One method per
     * width: the species must be a constant where the vectors are used, or C2 does not intrinsify
     * them and every operation allocates (measured: 100x slower).
     */

    private static double fmaChainsPreferred(float seed) {
        FloatVector m = FloatVector.broadcast(PREFERRED, 0.999999f);
        FloatVector add = FloatVector.broadcast(PREFERRED, 1e-6f);
        FloatVector v0 = FloatVector.broadcast(PREFERRED, seed);
        FloatVector v1 = v0.add(1);
        FloatVector v2 = v0.add(2);
        FloatVector v3 = v0.add(3);
        FloatVector v4 = v0.add(4);
        FloatVector v5 = v0.add(5);
        FloatVector v6 = v0.add(6);
        FloatVector v7 = v0.add(7);
        FloatVector v8 = v0.add(8);
        FloatVector v9 = v0.add(9);
        FloatVector v10 = v0.add(10);
        FloatVector v11 = v0.add(11);
        for (int i = 0; i < FMA_TRIPS; i++) {
            v0 = v0.fma(m, add);
            v1 = v1.fma(m, add);
            v2 = v2.fma(m, add);
            v3 = v3.fma(m, add);
            v4 = v4.fma(m, add);
            v5 = v5.fma(m, add);
            v6 = v6.fma(m, add);
            v7 = v7.fma(m, add);
            v8 = v8.fma(m, add);
            v9 = v9.fma(m, add);
            v10 = v10.fma(m, add);
            v11 = v11.fma(m, add);
        }
        FloatVector s = v0.add(v1)
                .add(v2.add(v3))
                .add(v4.add(v5).add(v6.add(v7)))
                .add(v8.add(v9).add(v10.add(v11)));
        return s.reduceLanes(VectorOperators.ADD);
    }

    private static double fmaChains256(float seed) {
        FloatVector m = FloatVector.broadcast(S256, 0.999999f);
        FloatVector add = FloatVector.broadcast(S256, 1e-6f);
        FloatVector v0 = FloatVector.broadcast(S256, seed);
        FloatVector v1 = v0.add(1);
        FloatVector v2 = v0.add(2);
        FloatVector v3 = v0.add(3);
        FloatVector v4 = v0.add(4);
        FloatVector v5 = v0.add(5);
        FloatVector v6 = v0.add(6);
        FloatVector v7 = v0.add(7);
        FloatVector v8 = v0.add(8);
        FloatVector v9 = v0.add(9);
        FloatVector v10 = v0.add(10);
        FloatVector v11 = v0.add(11);
        for (int i = 0; i < FMA_TRIPS; i++) {
            v0 = v0.fma(m, add);
            v1 = v1.fma(m, add);
            v2 = v2.fma(m, add);
            v3 = v3.fma(m, add);
            v4 = v4.fma(m, add);
            v5 = v5.fma(m, add);
            v6 = v6.fma(m, add);
            v7 = v7.fma(m, add);
            v8 = v8.fma(m, add);
            v9 = v9.fma(m, add);
            v10 = v10.fma(m, add);
            v11 = v11.fma(m, add);
        }
        FloatVector s = v0.add(v1)
                .add(v2.add(v3))
                .add(v4.add(v5).add(v6.add(v7)))
                .add(v8.add(v9).add(v10.add(v11)));
        return s.reduceLanes(VectorOperators.ADD);
    }
}
