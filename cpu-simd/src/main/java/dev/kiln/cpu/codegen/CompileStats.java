package dev.kiln.cpu.codegen;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long kernel compilation takes, for benchmarks and diagnostics: the time to analyse a kernel,
 * generate its class and define it (C2 compiles the class later, while it runs, and that is not
 * counted). Kernels whose structure was seen before reuse the class and count as hits.
 */
public final class CompileStats {
    private CompileStats() {}

    /** Upper bounds of the latency histogram's buckets, in microseconds; the last bucket is open. */
    private static final long[] BOUNDS_US = {50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000};

    private static final AtomicLong GENERATED = new AtomicLong();
    private static final AtomicLong HITS = new AtomicLong();
    private static final AtomicLong FALLBACKS = new AtomicLong();
    private static final AtomicLong TOTAL_NANOS = new AtomicLong();
    private static final AtomicLong MAX_NANOS = new AtomicLong();
    private static final AtomicLong LAST_NANOS = new AtomicLong();
    private static final AtomicLongArray BUCKETS = new AtomicLongArray(BOUNDS_US.length + 1);

    /**
     * A snapshot. {@code generated}: classes generated and defined; {@code hits}: kernels that reused
     * a class; {@code fallbacks}: kernels left to the op-by-op interpreter; the nanosecond figures
     * cover generated classes only; {@code histogram[i]} counts generations that took at most {@code
     * boundsMicros[i]} (the last entry: longer).
     */
    public record Snapshot(
            long generated,
            long hits,
            long fallbacks,
            long totalNanos,
            long maxNanos,
            long lastNanos,
            long[] boundsMicros,
            long[] histogram) {
        /** Mean time to generate and define one class, in microseconds. */
        public double meanMicros() {
            return generated == 0 ? 0 : totalNanos / 1e3 / generated;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append(generated)
                    .append(" classes generated (mean ")
                    .append(String.format("%.0f", meanMicros()))
                    .append(" µs, max ")
                    .append(maxNanos / 1000)
                    .append(" µs), ")
                    .append(hits)
                    .append(" reused, ")
                    .append(fallbacks)
                    .append(" left to the interpreter; histogram");
            for (int i = 0; i < histogram.length; i++) {
                b.append(i < boundsMicros.length ? " ≤" + boundsMicros[i] + "µs:" : " more:")
                        .append(histogram[i]);
            }
            return b.toString();
        }
    }

    public static Snapshot snapshot() {
        long[] h = new long[BUCKETS.length()];
        for (int i = 0; i < h.length; i++) {
            h[i] = BUCKETS.get(i);
        }
        return new Snapshot(
                GENERATED.get(),
                HITS.get(),
                FALLBACKS.get(),
                TOTAL_NANOS.get(),
                MAX_NANOS.get(),
                LAST_NANOS.get(),
                BOUNDS_US.clone(),
                h);
    }

    static void generated(long nanos) {
        GENERATED.incrementAndGet();
        TOTAL_NANOS.addAndGet(nanos);
        LAST_NANOS.set(nanos);
        MAX_NANOS.accumulateAndGet(nanos, Math::max);
        long us = nanos / 1000;
        int b = 0;
        while (b < BOUNDS_US.length && us > BOUNDS_US[b]) {
            b++;
        }
        BUCKETS.incrementAndGet(b);
    }

    static void hit() {
        HITS.incrementAndGet();
    }

    static void fallback() {
        FALLBACKS.incrementAndGet();
    }
}
