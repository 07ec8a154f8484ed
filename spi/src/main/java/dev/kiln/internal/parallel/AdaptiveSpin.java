package dev.kiln.internal.parallel;

/**
 * How long a {@code pmap} thread spins before it parks, learnt from how waits of one kind ended (as
 * HotSpot adapts its monitor spinning): a wait that ended while spinning doubles the next waits'
 * spin, up to {@link #max}; one that had to park halves it, down to nothing, and then one wait in
 * {@link #PROBE_EVERY} spins the most again to see whether spinning pays once more.
 *
 * <p>Spinning pays when the peers run on cores of their own: the peer arrives within microseconds
 * and parking would cost a wake-up. It loses when the cores are shared (a 2-core machine running
 * other work, where a member's peer often waits for the very core the spinner holds): measured on
 * such a machine, a data-parallel step over 2 devices took 146 µs with no spinning, 194 µs spinning
 * 20 µs at each wait and over 600 µs spinning 500 µs.
 */
final class AdaptiveSpin {
    /** One wait in this many spins {@link #max} when spinning has stopped paying. */
    static final int PROBE_EVERY = 32;

    private final long max;
    private volatile long nanos;
    private int waits;

    /** Spinning at most {@code maxMicros} µs. */
    AdaptiveSpin(long maxMicros) {
        this.max = maxMicros * 1000;
        this.nanos = max;
    }

    /** How long the next wait spins. */
    long nanos() {
        long n = nanos;
        if (n == 0 && ++waits % PROBE_EVERY == 0) { // unsynchronised: a lost count only moves the probe
            return max;
        }
        return n;
    }

    /** A wait ended: while spinning ({@code spun}) or after parking. */
    void ended(boolean spun) {
        long n = nanos;
        nanos = spun ? Math.min(max, Math.max(2 * n, 1000)) : n / 2 < 1000 ? 0 : n / 2;
    }
}
