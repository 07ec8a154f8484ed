package dev.kiln.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits index ranges over a small shared pool. The calling thread always takes part and claims
 * chunks like the helpers do, so it never waits on work that no thread has started, and a nested
 * call from inside a chunk simply runs on fewer threads instead of deadlocking.
 */
final class Parallel {
    /**
     * The threads that work on one range (the caller included) and the pool of helpers, null when
     * alone; {@code posted}, the job most recently started on it, which a helper that finished its
     * part of an earlier job and is still {@linkplain #LINGER_NS lingering} joins without being woken;
     * {@code lingering}, how many helpers do that now.
     */
    private record Team(int threads, ForkJoinPool pool, AtomicReference<Job> posted, AtomicInteger lingering) {
        static Team of(int threads) {
            int n = Math.max(1, threads);
            return new Team(n, n > 1 ? newPool(n - 1) : null, new AtomicReference<>(), new AtomicInteger());
        }
    }

    /**
     * How long a helper that has done its part of a job keeps watching for the next one before it
     * goes back to the pool to sleep, and how long the calling thread watches for its helpers'
     * last chunks before it sleeps. Waking a parked thread took 12–15 µs (median) on the 2-core
     * Zen 4 VM, up to 55 at the 90th percentile on a busy machine: paid twice per split range (the
     * helper's start and the caller's wake-up at the end), a tenth of a 256³ matmul. Back-to-back
     * ranges (a training step's products and elementwise passes) find the helper awake. A helper
     * with nothing to do waits at most this long, with {@link Thread#yield} rather than a spin, so
     * that on a machine with more runnable threads than cores it gives its core up (spinning, it
     * delayed the thread it waited for by the whole linger there). Measured with {@code forEach(2)}
     * calls alternating with the previous version in one JVM (2-core Zen 4 VM, load 8–10): the
     * median round trip of calls 100 µs apart went from 10–15 µs to 0.7–1.9 µs, 1 ms apart (the
     * helper asleep again) from 17–20 µs to 10–12 µs (the caller's wait, {@link #WAIT_SPIN_NS}).
     */
    static final long LINGER_NS = 200_000;

    /** How long the calling thread waits (yielding) for its helpers' last chunks before it parks. */
    static final long WAIT_SPIN_NS = 20_000;

    /** Elements below which a cheap elementwise op stays on the calling thread (waking a helper costs tens of µs). */
    static final int ELEMENTWISE_GRAIN = 1 << 18;

    /** The same for ops that cost tens of cycles per element (transcendentals, integer division). */
    static final int HEAVY_GRAIN = 1 << 14;

    /**
     * One per available processor until the backend is opened with {@code kiln.cpu.threads} ({@link
     * #configure}). Helper threads start only when work is split, so the default costs nothing when
     * it is replaced before first use.
     */
    private static volatile Team team = Team.of(Runtime.getRuntime().availableProcessors());

    private Parallel() {}

    /** A team set for the current thread (a device's share of the threads), or null for the shared one. */
    private static final ThreadLocal<Team> DEVICE_TEAM = new ThreadLocal<>();

    /** The team ranges split over on this thread. */
    private static Team current() {
        Team t = DEVICE_TEAM.get();
        return t != null ? t : team;
    }

    /** A team of {@code threads} threads (the caller included) with helpers of its own, for one device. */
    static Object newTeam(int threads) {
        return Team.of(threads);
    }

    /** Runs {@code work} with ranges on this thread split over {@code deviceTeam} (from {@link #newTeam}). */
    static <T> T withTeam(Object deviceTeam, java.util.function.Supplier<T> work) {
        Team previous = DEVICE_TEAM.get();
        DEVICE_TEAM.set((Team) deviceTeam);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                DEVICE_TEAM.remove();
            } else {
                DEVICE_TEAM.set(previous);
            }
        }
    }

    /** Threads that work on one range, the caller included. */
    static int threads() {
        return current().threads();
    }

    /**
     * Uses {@code threads} threads (at least one) from now on. Ranges already running finish on the
     * old pool, whose idle helpers then time out; it is never shut down under them.
     */
    static synchronized void configure(int threads) {
        if (Math.max(1, threads) != team.threads()) {
            team = Team.of(threads);
        }
    }

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
        Team t = current();
        int maxChunks = (int) Math.min((long) t.threads() * 4, n / (long) Math.max(grain, 1));
        if (t.pool() == null || maxChunks < 2) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        new Job(t, n, maxChunks, align, body).invoke();
    }

    /**
     * Runs {@code body} once per index of {@code [0, n)}, each index a chunk of its own that any
     * thread of the team claims when it is free: for a few dozen units of work that are each large
     * (a matmul's row blocks), where {@link #forRange(int, int, int, Range)}'s cap of four chunks per
     * thread would merge them into coarser chunks, and a thread that starts late or is held up by
     * other work would leave up to a whole coarse chunk for the end.
     */
    static void forEach(int n, Range body) {
        Team t = current();
        if (t.pool() == null || n < 2) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        new Job(t, n, n, 1, body).invoke();
    }

    /**
     * Runs {@code onCaller} on this thread while each helper of the team that starts before it
     * returns runs {@code helper}; returns when {@code onCaller} and those helpers are done. A helper
     * that starts later does nothing, so the caller never waits on work no thread has started.
     */
    static void alongside(Runnable onCaller, Runnable helper) {
        Team t = current();
        if (t.pool() == null) {
            onCaller.run();
            return;
        }
        Side side = new Side(helper);
        for (int i = 0; i < t.threads() - 1; i++) {
            t.pool().execute(side);
        }
        Throwable first = null;
        try {
            onCaller.run();
        } catch (Throwable e) {
            first = e;
        }
        side.close();
        rethrow(first != null ? first : side.error);
    }

    /** Throws what a helper or the caller threw (a checked one wrapped), nothing when {@code t} is null. */
    private static void rethrow(Throwable t) {
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

    /** {@link #alongside}'s helpers: a count of those running, and a closed bit once the caller is done. */
    private static final class Side implements Runnable {
        private static final int CLOSED = 1 << 30;
        private final Runnable helper;
        private final AtomicInteger state = new AtomicInteger();
        private final Thread waiter = Thread.currentThread();
        private volatile Throwable error;

        Side(Runnable helper) {
            this.helper = helper;
        }

        @Override
        public void run() {
            int s;
            do {
                s = state.get();
                if ((s & CLOSED) != 0) {
                    return;
                }
            } while (!state.compareAndSet(s, s + 1));
            try {
                helper.run();
            } catch (Throwable e) {
                if (error == null) {
                    error = e;
                }
            } finally {
                if (state.decrementAndGet() == CLOSED) {
                    LockSupport.unpark(waiter);
                }
            }
        }

        /** Lets no more helpers start and waits for those running. */
        void close() {
            state.getAndAdd(CLOSED);
            while (state.get() != CLOSED) {
                LockSupport.park(this);
            }
        }
    }

    /** {@link #forRange(int, int, int, Range)} with chunk boundaries on a 64-element (one cache line of floats) grid. */
    static void forRange(int n, int grain, Range body) {
        forRange(n, grain, 64, body);
    }

    /** Whether work of {@code n} elements at {@code grain} would be split. */
    static boolean splits(int n, int grain) {
        return current().pool() != null && n / (long) Math.max(grain, 1) >= 2;
    }

    private static final class Job implements Runnable {
        private final Team team;
        private final int n;
        private final int chunks;
        private final int chunkSize;
        private final Range body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final Thread waiter = Thread.currentThread();
        private volatile Throwable error;

        Job(Team team, int n, int maxChunks, int align, Range body) {
            this.team = team;
            this.n = n;
            this.body = body;
            int size = (int) (((long) n + maxChunks - 1) / maxChunks);
            size = (int) Math.min(n, ((long) size + align - 1) / align * align);
            this.chunkSize = size;
            this.chunks = (int) (((long) n + size - 1) / size);
        }

        /** Called by the thread that asked for the work: start helpers, work, wait for the chunks others claimed. */
        void invoke() {
            int helpers = Math.min(team.threads(), chunks) - 1;
            team.posted().set(this);
            // helpers still lingering after an earlier job see it posted and join; the rest are woken
            // (one that stops lingering just now leaves this job a helper short, never undone: the
            // caller claims chunks too)
            int awake = team.lingering().get();
            for (int i = awake; i < helpers; i++) {
                team.pool().execute(this);
            }
            work();
            if (done.get() < chunks) {
                long until = System.nanoTime() + WAIT_SPIN_NS;
                while (done.get() < chunks && System.nanoTime() < until) {
                    Thread.yield();
                }
            }
            while (done.get() < chunks) {
                LockSupport.park(this);
            }
            team.posted().compareAndSet(this, null);
            rethrow(error);
        }

        /**
         * A helper's entry point; a helper that starts after all chunks are claimed does nothing.
         * Then it lingers: jobs posted on its team meanwhile are joined, until {@link #LINGER_NS}
         * pass without one.
         */
        @Override
        public void run() {
            work();
            AtomicInteger lingering = team.lingering();
            lingering.incrementAndGet();
            Job last = this;
            long until = System.nanoTime() + LINGER_NS;
            while (true) {
                Job j = team.posted().get();
                if (j != null && j != last && j.next.get() < j.chunks) {
                    lingering.decrementAndGet();
                    try {
                        j.work();
                    } finally {
                        lingering.incrementAndGet();
                    }
                    last = j;
                    until = System.nanoTime() + LINGER_NS;
                } else if (System.nanoTime() - until >= 0) {
                    lingering.decrementAndGet();
                    // a caller that counted this helper as lingering posted its job before reading
                    // the count, so the job is seen here (or the caller saw the count drop and woke
                    // a helper): no job is left without one
                    Job late = team.posted().get();
                    if (late != null && late != last && late.next.get() < late.chunks) {
                        late.work();
                    }
                    return;
                } else {
                    Thread.yield();
                }
            }
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
                if (done.incrementAndGet() == chunks) {
                    LockSupport.unpark(waiter);
                }
            }
        }
    }

    private static ForkJoinPool newPool(int parallelism) {
        return new ForkJoinPool(
                parallelism,
                pool -> {
                    ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                    t.setName("kiln-cpu-" + t.getPoolIndex());
                    t.setDaemon(true);
                    return t;
                },
                null,
                true);
    }
}
