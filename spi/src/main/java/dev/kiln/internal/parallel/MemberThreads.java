package dev.kiln.internal.parallel;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that run a {@code pmap}'s members other than the caller's own, kept from call to call.
 * An idle thread spins for a while before it parks, and so does the caller waiting for the members,
 * each for as long as spinning has recently paid ({@link AdaptiveSpin}): where the members have
 * cores of their own, a loop of {@code pmap} steps then hands each step to a thread that is awake;
 * where they share the cores with other work, nobody spins and every hand-off is one park and one
 * wake-up. (The cached thread pool this replaced started a member a median of 130 µs after the
 * hand-off on a busy 2-core machine, when the member's work took 110 µs.)
 *
 * <p>A thread takes work only when it is idle; when none is, a new one starts (a member that runs a
 * nested {@code pmap} hands work out from a member thread), and one idle for {@link #IDLE_SECONDS}
 * ends, so the threads number at most the members that ever ran at once. A thread puts itself back
 * among the idle before it reports its work done, so the next call finds it.
 */
public final class MemberThreads {
    /**
     * How long an idle thread spins for its next work before it parks: at most 200 µs (longer than the
     * caller's own work between two steps of a training loop: its next batch, its result's transfer,
     * the {@code pmap} call's checks, 50–70 µs for the digits MLP's step, with room for the odd slower
     * one), learnt from recent waits ({@link AdaptiveSpin}). A loop whose steps come further apart
     * than that parks between them and the spin falls to nothing.
     */
    private static final AdaptiveSpin IDLE_SPIN = new AdaptiveSpin(200);

    /** How long the caller spins for the members before it parks: at most 20 µs, learnt likewise. */
    private static final AdaptiveSpin WAIT_SPIN = new AdaptiveSpin(20);

    /** Seconds after which a thread with no work ends. */
    static final long IDLE_SECONDS = 30;

    private static final AtomicInteger NAMES = new AtomicInteger();

    /** Idle threads, the most recently idle first (the one most likely still spinning). */
    private static final ConcurrentLinkedDeque<Worker> IDLE = new ConcurrentLinkedDeque<>();

    private MemberThreads() {}

    /** The outcome of a batch of work handed to member threads, which the caller awaits. */
    public static final class Batch {
        private final AtomicInteger remaining;
        private final Throwable[] errors;
        private final Object[] results;
        /** Per piece, when it ended ({@link System#nanoTime}), written before {@link #remaining} counts it. */
        private final long[] ends;

        private final Thread caller = Thread.currentThread();
        private volatile boolean callerParked;

        private Batch(int n) {
            this.remaining = new AtomicInteger(n);
            this.errors = new Throwable[n];
            this.results = new Object[n];
            this.ends = new long[n];
        }

        private void done(int k, Object result, Throwable error) {
            results[k] = result;
            errors[k] = error;
            ends[k] = System.nanoTime();
            if (remaining.decrementAndGet() == 0 && callerParked) {
                LockSupport.unpark(caller);
            }
        }

        /**
         * Waits until every piece of work has ended (spinning first, then parked); true when it
         * was interrupted, in which case the work may still be running.
         */
        public boolean await() {
            long start = System.nanoTime();
            long spin = WAIT_SPIN.nanos();
            while (remaining.get() > 0) {
                if (System.nanoTime() - start < spin) {
                    Thread.yield(); // spin, but let a thread waiting for this core run first
                    continue;
                }
                callerParked = true;
                if (remaining.get() > 0) {
                    LockSupport.park(this);
                }
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }
            long last = start;
            for (long e : ends) {
                last = Math.max(last, e);
            }
            WAIT_SPIN.ended(spin, last - start, System.nanoTime() - last);
            return false;
        }

        /** Piece {@code k}'s result (after {@link #await}), null when it failed. */
        public Object result(int k) {
            return results[k];
        }

        /** Piece {@code k}'s failure (after {@link #await}), or null. */
        public Throwable error(int k) {
            return errors[k];
        }
    }

    /** Starts each piece of {@code work} on a member thread of its own and returns what to await. */
    public static Batch start(List<? extends java.util.concurrent.Callable<?>> work) {
        Batch batch = new Batch(work.size());
        for (int k = 0; k < work.size(); k++) {
            Task task = new Task(batch, k, work.get(k));
            Worker idle = IDLE.pollFirst();
            if (idle != null) {
                idle.hand(task);
            } else {
                new Worker(task).start();
            }
        }
        return batch;
    }

    private record Task(Batch batch, int index, java.util.concurrent.Callable<?> work) {}

    private static final class Worker extends Thread {
        private volatile Task task;
        /** When the task now in {@link #task} was handed over ({@link System#nanoTime}), written before it. */
        private long handedAt;

        private volatile boolean parked;

        Worker(Task first) {
            super("kiln-pmap-" + NAMES.incrementAndGet());
            setDaemon(true);
            this.task = first;
        }

        void hand(Task t) {
            handedAt = System.nanoTime();
            task = t;
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            Task t;
            while ((t = next()) != null) {
                task = null;
                Object r = null;
                Throwable e = null;
                try {
                    r = t.work().call();
                } catch (Throwable x) {
                    e = x;
                }
                // idle again before the caller hears of it, so that its next call finds this thread
                IDLE.addFirst(this);
                t.batch().done(t.index(), r, e);
            }
        }

        /**
         * The next task (this thread's first, or one handed to it while it was among the idle); null
         * when none came for {@link #IDLE_SECONDS} and the thread may end.
         */
        private Task next() {
            Task t = task;
            if (t != null) {
                return t;
            }
            long start = System.nanoTime();
            long spin = IDLE_SPIN.nanos();
            while ((t = task) == null) {
                long waited = System.nanoTime() - start;
                if (waited < spin) {
                    Thread.yield(); // spin, but let a thread waiting for this core (the caller) run first
                    continue;
                }
                if (waited > TimeUnit.SECONDS.toNanos(IDLE_SECONDS) && IDLE.remove(this)) {
                    return null; // no one took this thread, and now no one can
                }
                parked = true;
                if ((t = task) != null) {
                    parked = false;
                    break;
                }
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
                parked = false;
            }
            // learn from when the work came, not from when this thread saw it (after a wake-up, later)
            IDLE_SPIN.ended(spin, Math.max(0, handedAt - start), System.nanoTime() - handedAt);
            return t;
        }
    }
}
