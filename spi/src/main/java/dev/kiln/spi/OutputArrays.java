package dev.kiln.spi;

import dev.kiln.ir.ArraySpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Heap arrays for the outputs of kernels that write every element, reused within and across runs of
 * a compiled program instead of allocated anew.
 *
 * <p>The JVM zeroes every new array on the allocating thread (about 0.8 ms for 16 MB here, more
 * than a memory-bound kernel over it may take), and no supported allocation skips that for arrays
 * too large for a thread-local allocation buffer (measured: {@code AllocationTiming} in spi's test
 * sources). What can be skipped is the allocation itself: a compiled program knows when it stops
 * reading one of its intermediates, and the array can then hold the next intermediate of the same
 * kind and length, in this run or the next. A program's outputs, its arguments and constants, and
 * anything another array still shares (a reshape is a view) are never reused.
 *
 * <p>A kernel calls {@link #allocate}; the running program ({@link Run}, bound to the calling thread
 * for the run's duration) hands out an array it has taken back, else a new one. Outside a run it is
 * {@link HostBuffer#allocate}. Only code that writes every element of the array before anyone reads
 * it may call {@link #allocate}: a reused array holds an earlier intermediate's values.
 */
public final class OutputArrays {
    /** Whether compiled programs reuse their intermediates' arrays. */
    public static final Setting REUSE = Setting.of(
            "kiln.buffer-reuse",
            "true",
            "compiled programs on heap backends (cpu-simd) reuse the arrays of intermediates they no"
                    + " longer read, within a run and across runs, instead of allocating (and zeroing) new ones;"
                    + " `false` allocates every kernel output anew");

    /** Whether compiled programs have their large outputs' next arrays allocated between runs. */
    public static final Setting PREFILL = Setting.of(
            "kiln.output-prefill",
            "true",
            "after a run of a compiled program on a heap backend (cpu-simd), a background thread allocates"
                    + " (and so zeroes) new arrays for the next run's large outputs (1 MiB or more), so a"
                    + " later call does not zero them on its own thread; `false` allocates them in the call");

    private static final ScopedValue<Run> RUN = ScopedValue.newInstance();

    /** Arrays handed out again, process-wide. */
    private static final java.util.concurrent.atomic.LongAdder REUSES = new java.util.concurrent.atomic.LongAdder();

    private OutputArrays() {}

    /**
     * A buffer for {@code spec} that the caller writes in full before anything reads it: an array the
     * running program no longer reads, else a new one.
     */
    public static HostBuffer allocate(ArraySpec spec) {
        if (RUN.isBound()) {
            return RUN.get().take(spec);
        }
        return HostBuffer.allocate(spec);
    }

    /**
     * A zero-filled buffer for {@code spec}, for a caller that adds into it (a matmul's product) and
     * gives it back ({@link Run#giveBack}) when done: inside a run, an array the run no longer reads,
     * cleared; else a new one.
     */
    public static HostBuffer allocateZeroed(ArraySpec spec) {
        if (!RUN.isBound()) {
            return HostBuffer.allocate(spec);
        }
        HostBuffer b = RUN.get().take(spec);
        switch (b.data()) {
            case float[] f -> java.util.Arrays.fill(f, 0f);
            case double[] d -> java.util.Arrays.fill(d, 0d);
            case int[] i -> java.util.Arrays.fill(i, 0);
            case long[] l -> java.util.Arrays.fill(l, 0L);
            case boolean[] z -> java.util.Arrays.fill(z, false);
            default ->
                throw new IllegalStateException("not a host array: " + b.data().getClass());
        }
        return b;
    }

    /** How many times, in this process, an array was handed out again instead of allocated (for tests and profiles). */
    public static long reuses() {
        return REUSES.sum();
    }

    /** How many times, in this process, an output came from an array allocated ahead by {@link #PREFILL}. */
    public static long prefilled() {
        return Prefill.USED.sum();
    }

    /** The run bound to this thread, or null. */
    public static Run current() {
        return RUN.isBound() ? RUN.get() : null;
    }

    /**
     * The arrays one compiled program keeps between its runs: those its last runs stopped reading. A
     * run may be on any thread; several at once share the pool.
     */
    public static final class Pool {
        /** Free arrays kept by at most this many bytes; beyond, a given-back array is left to the collector. */
        private static final long MAX_BYTES = 1L << 30;

        private final Map<Key, ArrayDeque<Object>> free = new HashMap<>();
        private long bytes;
        /** New arrays allocated ahead for the next runs' large outputs ({@link #PREFILL}). */
        private final Spares spares = new Spares();

        /** Makes a pool whose spares' bytes return to the process-wide cap when it is dropped. */
        public Pool() {
            Prefill.CLEANER.register(this, spares::close);
        }

        /** Whether this process reuses arrays at all ({@link #REUSE}). */
        public static boolean enabled() {
            return Boolean.parseBoolean(REUSE.value().strip());
        }

        /**
         * Runs {@code body} as one run of the program that owns this pool, unless a run is bound already
         * (a loop body inside a jitted program): then inside that one, so its arrays move between the
         * two.
         */
        public <T> T run(Supplier<T> body) {
            if (RUN.isBound()) {
                return body.get();
            }
            Run run = new Run(this);
            T result = ScopedValue.where(RUN, run).call(body::get);
            if (!run.fresh.isEmpty()) {
                prefill(run.fresh);
            }
            return result;
        }

        /** A spare never handed out for {@code key}, or null. */
        private Object spare(Key key) {
            return spares.take(key);
        }

        private void prefill(Map<Key, Integer> wanted) {
            if (Prefill.enabled()) {
                spares.want(wanted);
            }
        }

        private synchronized Object poll(Key key) {
            ArrayDeque<Object> q = free.get(key);
            Object a = q == null ? null : q.poll();
            if (a != null) {
                bytes -= key.bytes();
            }
            return a;
        }

        private synchronized void offer(Key key, Object array) {
            if (bytes + key.bytes() > MAX_BYTES) {
                return;
            }
            free.computeIfAbsent(key, k -> new ArrayDeque<>()).push(array);
            bytes += key.bytes();
        }
    }

    /**
     * One pool's spares: new arrays allocated ahead for its next runs' outputs, and how many are on
     * their way. Apart from the pool so that the background thread and the cleaner, which returns the
     * bytes of a dropped pool's spares to the process-wide cap, hold no reference to the pool.
     */
    private static final class Spares {
        private final Map<Key, ArrayDeque<Object>> ready = new HashMap<>();
        private final Map<Key, Integer> pending = new HashMap<>();
        private boolean closed;

        synchronized Object take(Key key) {
            ArrayDeque<Object> q = ready.get(key);
            Object a = q == null ? null : q.poll();
            if (a != null) {
                Prefill.release(key.bytes());
                Prefill.USED.increment();
            }
            return a;
        }

        /**
         * Asks for as many spares of each key as the run just ended had to get new (the pool had
         * none), counting those ready and those on their way; ready ones beyond that are dropped.
         */
        void want(Map<Key, Integer> wanted) {
            List<Key> order = new ArrayList<>();
            synchronized (this) {
                for (Map.Entry<Key, Integer> e : wanted.entrySet()) {
                    Key key = e.getKey();
                    ArrayDeque<Object> q = ready.computeIfAbsent(key, k -> new ArrayDeque<>());
                    while (q.size() > e.getValue()) {
                        q.poll();
                        Prefill.release(key.bytes());
                    }
                    int have = q.size() + pending.getOrDefault(key, 0);
                    for (int i = have; i < e.getValue() && Prefill.reserve(key.bytes()); i++) {
                        pending.merge(key, 1, Integer::sum);
                        order.add(key);
                    }
                }
            }
            for (Key key : order) {
                Prefill.submit(() -> arrived(
                        key, java.lang.reflect.Array.newInstance(key.type().componentType(), key.length())));
            }
        }

        private synchronized void arrived(Key key, Object array) {
            pending.merge(key, -1, Integer::sum);
            if (closed) {
                Prefill.release(key.bytes());
            } else {
                ready.get(key).push(array);
            }
        }

        /** The pool is gone: its spares' bytes go back to the cap. */
        synchronized void close() {
            closed = true;
            for (Map.Entry<Key, ArrayDeque<Object>> e : ready.entrySet()) {
                Prefill.release(e.getKey().bytes() * e.getValue().size());
            }
            ready.clear();
        }
    }

    private record Key(Class<?> type, int length) {
        long bytes() {
            return (long) length
                    * switch (type.getName()) {
                        case "[D", "[J" -> 8;
                        case "[Z" -> 1;
                        default -> 4;
                    };
        }
    }

    /**
     * One run of a compiled program: it hands out arrays (reused or new) and takes back those the
     * program no longer reads. Only arrays it handed out and has not taken back since can be given
     * back; anything else given back is ignored, so a caller that is unsure whether an array came from
     * here (an argument, a constant) loses nothing by not asking.
     */
    public static final class Run {
        private final Pool pool;
        private final Set<Object> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
        /** Large arrays this run got new (not from the pool), by key: how many spares the next run wants. */
        private final Map<Key, Integer> fresh = new HashMap<>();

        private Run(Pool pool) {
            this.pool = pool;
        }

        HostBuffer take(ArraySpec spec) {
            Key key = new Key(HostBuffer.storageClass(spec.dtype()), spec.size());
            Object a = pool.poll(key);
            HostBuffer b;
            if (a == null && key.bytes() >= Prefill.MIN_BYTES) {
                synchronized (fresh) {
                    fresh.merge(key, 1, Integer::sum);
                }
                a = pool.spare(key);
                b = a == null ? HostBuffer.allocate(spec) : HostBuffer.wrap(spec, a);
            } else if (a == null) {
                b = HostBuffer.allocate(spec);
            } else {
                b = HostBuffer.wrap(spec, a);
                REUSES.increment();
            }
            handedOut.add(b.data());
            return b;
        }

        /** Whether {@code data} is an array this run handed out and has not taken back. */
        public boolean owns(Object data) {
            return handedOut.contains(data);
        }

        /**
         * Takes back {@code data}, which nothing reads any more (the caller's promise: no variable, view
         * or result of the program holds it), if this run handed it out.
         */
        public void giveBack(Object data) {
            if (handedOut.remove(data)) {
                pool.offer(new Key(data.getClass(), java.lang.reflect.Array.getLength(data)), data);
            }
        }
    }

    /**
     * The background allocation of spares ({@link #PREFILL}): one daemon thread for the process, and
     * a cap on the bytes all programs' spares hold together (a sixteenth of the heap, at most 256 MiB).
     */
    private static final class Prefill {
        /** Arrays smaller than this are not worth a spare. */
        static final long MIN_BYTES = 1 << 20;

        static final java.util.concurrent.atomic.LongAdder USED = new java.util.concurrent.atomic.LongAdder();

        private static final long MAX_BYTES =
                Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 16);

        private static final java.util.concurrent.atomic.AtomicLong HELD = new java.util.concurrent.atomic.AtomicLong();

        private static final java.util.concurrent.ExecutorService THREAD =
                java.util.concurrent.Executors.newSingleThreadExecutor(
                        Thread.ofPlatform().daemon().name("kiln-output-prefill").factory());

        static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

        private static final boolean ENABLED =
                Boolean.parseBoolean(PREFILL.value().strip());

        private Prefill() {}

        static boolean enabled() {
            return ENABLED;
        }

        static boolean reserve(long bytes) {
            while (true) {
                long held = HELD.get();
                if (held + bytes > MAX_BYTES) {
                    return false;
                }
                if (HELD.compareAndSet(held, held + bytes)) {
                    return true;
                }
            }
        }

        static void release(long bytes) {
            HELD.addAndGet(-bytes);
        }

        static void submit(Runnable task) {
            THREAD.execute(task);
        }
    }
}
