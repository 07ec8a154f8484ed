package dev.kiln.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits index ranges over a small pool of helper threads. The calling thread always takes part and
 * claims chunks like the helpers do, so it never waits on work that no thread has started, and a
 * nested call from inside a chunk simply runs on fewer threads instead of deadlocking.
 *
 * <p>A helper that has finished a chunk spins for {@link #SPIN_NANOS} before it parks, as does a
 * caller waiting for the last chunks: Kiln's work comes as runs of kernels microseconds apart, and
 * waking a parked thread takes tens of microseconds, often longer than the chunk it was woken for
 * (measured here with a ForkJoinPool: tanh of 64K floats took 33 µs on one thread and 46 µs on
 * two). Idle helpers park, so a process that stops computing costs nothing.
 */
final class Parallel {
    /** Threads that work on one range, the caller included; {@code -Dkiln.cpu.threads=N} overrides. */
    static final int THREADS = threads();

    /** Elements below which a cheap elementwise op stays on the calling thread (waking a helper costs tens of µs). */
    static final int ELEMENTWISE_GRAIN = 1 << 18;

    /** The same for ops that cost tens of cycles per element (transcendentals, integer division). */
    static final int HEAVY_GRAIN = 1 << 14;

    /** How long a helper looks for new work, and a caller for its helpers' last chunks, before parking. */
    static final long SPIN_NANOS = 100_000;

    private static final Helper[] HELPERS = helpers(THREADS - 1);

    private Parallel() {}

    /** Work on {@code [lo, hi)}. */
    @FunctionalInterface
    interface Range {
        void run(int lo, int hi);
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} elements whose
     * boundaries are multiples of {@code align}; small ranges run on the calling thread.
     */
    static void forRange(int n, int grain, int align, Range body) {
        int maxChunks = (int) Math.min((long) THREADS * 4, n / (long) Math.max(grain, 1));
        if (HELPERS.length == 0 || maxChunks < 2) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        new Job(n, maxChunks, align, body).invoke();
    }

    /** {@link #forRange(int, int, int, Range)} with chunk boundaries on a 64-element (one cache line of floats) grid. */
    static void forRange(int n, int grain, Range body) {
        forRange(n, grain, 64, body);
    }

    /** Whether work of {@code n} elements at {@code grain} would be split. */
    static boolean splits(int n, int grain) {
        return HELPERS.length > 0 && n / (long) Math.max(grain, 1) >= 2;
    }

    private static final class Job implements Runnable {
        private final int n;
        private final int chunks;
        private final int chunkSize;
        private final Range body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final Thread waiter = Thread.currentThread();
        /** Whether the waiter may be parked, so that the last chunk's finisher unparks it. */
        private volatile boolean parked;
        private volatile Throwable error;

        Job(int n, int maxChunks, int align, Range body) {
            this.n = n;
            this.body = body;
            int size = (int) (((long) n + maxChunks - 1) / maxChunks);
            size = (int) Math.min(n, ((long) size + align - 1) / align * align);
            this.chunkSize = size;
            this.chunks = (int) (((long) n + size - 1) / size);
        }

        /** Called by the thread that asked for the work: start helpers, work, wait for the chunks others claimed. */
        void invoke() {
            int helpers = Math.min(THREADS, chunks) - 1;
            for (int i = 0; i < helpers; i++) {
                HELPERS[i].offer(this);
            }
            work();
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (done.get() < chunks) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (done.get() < chunks) {
                        LockSupport.park(this);
                    }
                }
            }
            Throwable t = error;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }

        /** A helper's entry point; a helper that starts after all chunks are claimed does nothing. */
        @Override
        public void run() {
            work();
        }

        private void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                int lo = c * chunkSize;
                int hi = (int) Math.min(n, (long) lo + chunkSize);
                try {
                    body.run(lo, hi);
                } catch (Throwable t) {
                    if (error == null) {
                        error = t;
                    }
                }
                if (done.incrementAndGet() == chunks && parked) {
                    LockSupport.unpark(waiter);
                }
            }
        }
    }

    private static int threads() {
        int available = Runtime.getRuntime().availableProcessors();
        String p = System.getProperty("kiln.cpu.threads");
        if (p != null) {
            try {
                return Math.max(1, Integer.parseInt(p.strip()));
            } catch (NumberFormatException e) {
                return available;
            }
        }
        return Math.max(1, available);
    }

    private static Helper[] helpers(int n) {
        Helper[] h = new Helper[Math.max(0, n)];
        for (int i = 0; i < h.length; i++) {
            h[i] = new Helper(i);
            h[i].start();
        }
        return h;
    }

    /**
     * A helper thread with a one-job mailbox. A job offered while the mailbox is full is not
     * queued: its caller does the chunks no helper claims.
     */
    private static final class Helper extends Thread {
        private final AtomicReference<Job> mailbox = new AtomicReference<>();
        private volatile boolean parked;

        Helper(int index) {
            super("kiln-cpu-" + index);
            setDaemon(true);
        }

        void offer(Job job) {
            if (mailbox.compareAndSet(null, job) && parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (true) {
                Job job = mailbox.getAndSet(null);
                if (job != null) {
                    job.run();
                    spinUntil = System.nanoTime() + SPIN_NANOS;
                } else if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (mailbox.get() == null) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    spinUntil = System.nanoTime() + SPIN_NANOS;
                }
            }
        }
    }
}
