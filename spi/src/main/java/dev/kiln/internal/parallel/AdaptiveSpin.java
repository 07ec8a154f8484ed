package dev.kiln.internal.parallel;

/**
 * How long a {@code pmap} thread spins before it parks, learnt from how long recent waits of one kind
 * lasted (as HotSpot adapts its monitor spinning). A wait is measured to the moment its peer acted
 * (handed over the work, arrived at the barrier, finished), which the peer stamps, not to the moment
 * this thread noticed: a parked thread notices only after a wake-up, which on a virtual machine with
 * idle cores was measured at 90–110 µs, so a wait judged by when it ended looks long because it
 * parked, and the spin that would have caught it is never tried again.
 *
 * <p>A wait that lasted at most {@link #max} sets the spin to at least twice its length (up to {@link
 * #max}): a loop whose waits are alike then spins through them with room to spare. One that lasted
 * longer halves the spin, down to nothing, and then one wait in {@link #PROBE_EVERY} spins the most
 * again to see whether spinning pays once more.
 *
 * <p>Spinning pays when the peers run on cores of their own: the peer arrives within microseconds
 * and parking would cost a wake-up. It loses when the cores are shared (a 2-core machine running
 * other work, where a member's peer often waits for the very core the spinner holds): measured on
 * such a machine, a data-parallel step over 2 devices took 146 µs with no spinning, 194 µs spinning
 * 20 µs at each wait and over 600 µs spinning 500 µs. There the peer's stamp comes late (it waited
 * for a core), the waits last longer than {@link #max}, and the spin falls to nothing.
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

    /** The longest spin. */
    long max() {
        return max;
    }

    /**
     * A wait ended whose peer acted {@code waited} nanoseconds after it began (whether this thread was
     * spinning then or parked).
     */
    void ended(long waited) {
        long n = nanos;
        if (waited <= max) {
            nanos = Math.min(max, Math.max(n, Math.max(2 * waited, 1000)));
        } else {
            nanos = n / 2 < 1000 ? 0 : n / 2;
        }
    }
}
