package dev.kiln.pjrt;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes held by a client's live device buffers, and the garbage collection that frees the
 * unreachable ones before the plugin allocates more.
 *
 * <p>A {@link PjrtBuffer} is a few dozen bytes of Java heap in front of up to gigabytes of plugin
 * memory, released by a {@link java.lang.ref.Cleaner} only after a collection finds it unreachable.
 * Nothing in the Java heap's occupancy says that a collection is due, so a loop of eager operations
 * on large arrays kept every intermediate alive until the process ran out of memory (an eager 16M
 * {@code Random.uniform} on pjrt reached 8.8 GB and was killed). As the JDK does for direct buffers,
 * an allocation that would take the live bytes past a threshold first asks for a collection and
 * waits briefly for the cleaners; the threshold is then twice what really stayed alive (at least
 * {@link #FLOOR}), so a program whose arrays are all in use is not collected again and again. When
 * the live bytes later fall under a quarter of the threshold (cleaners that caught up late, or a
 * program that let go of a large working set) the threshold comes back down to twice the live
 * bytes, so one crowded moment does not let every later program hold twice as much.
 */
final class LiveBytes {
    /** The threshold's least value: the setting {@code kiln.pjrt.gc-threshold-mb}. */
    static final long FLOOR = (long) Math.max(1, PjrtProvider.GC_THRESHOLD_MB.intValue(512)) << 20;

    private final AtomicLong live = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final long floor;
    private final Runnable collector;
    private volatile long threshold;

    LiveBytes() {
        this(FLOOR, System::gc);
    }

    /** With another floor and another collector: for tests of the policy itself. */
    LiveBytes(long floor, Runnable collector) {
        this.floor = floor;
        this.collector = collector;
        this.threshold = floor;
    }

    /** Counts {@code bytes} about to be allocated by the plugin, collecting first when crowded. */
    void reserve(long bytes) {
        if (live.get() + bytes > threshold) {
            collect(bytes);
        }
        live.addAndGet(bytes);
    }

    /** Counts {@code bytes} freed (or never allocated after a {@link #reserve}). */
    void release(long bytes) {
        long now = live.addAndGet(-bytes);
        long t = threshold;
        if (t > floor && 4 * now < t) {
            threshold = Math.max(floor, 2 * now);
        }
    }

    long live() {
        return live.get();
    }

    long collections() {
        return collections.get();
    }

    long threshold() {
        return threshold;
    }

    /** Collects now, as if {@code bytes} more were asked for past the threshold. */
    synchronized void collectNow(long bytes) {
        collectLocked(bytes, true);
    }

    private synchronized void collect(long bytes) {
        if (live.get() + bytes <= threshold) {
            return; // another thread's collection made room
        }
        collectLocked(bytes, false);
    }

    private void collectLocked(long bytes, boolean settle) {
        collector.run();
        collections.incrementAndGet();
        // the cleaners run on their own thread after the collection: wait while they are still
        // freeing (the count falls), for at most a second, so the threshold below is set from what
        // really stayed alive and not from a count the cleaners had not caught up with yet (asked
        // to settle, until the count stops falling even when there is room already)
        long last = live.get();
        int still = 0;
        for (int i = 0; i < 500 && (settle || live.get() + bytes > threshold) && still < 25; i++) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = live.get();
            still = now < last ? 0 : still + 1;
            last = now;
        }
        threshold = Math.max(floor, 2 * (live.get() + bytes));
    }
}
