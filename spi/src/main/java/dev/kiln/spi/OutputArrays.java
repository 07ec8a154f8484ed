package dev.kiln.spi;

import dev.kiln.ir.ArraySpec;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
            return ScopedValue.where(RUN, new Run(this)).call(body::get);
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

        private Run(Pool pool) {
            this.pool = pool;
        }

        HostBuffer take(ArraySpec spec) {
            Key key = new Key(HostBuffer.storageClass(spec.dtype()), spec.size());
            Object a = pool.poll(key);
            HostBuffer b;
            if (a == null) {
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
}
