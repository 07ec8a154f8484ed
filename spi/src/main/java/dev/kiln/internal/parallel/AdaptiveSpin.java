package dev.kiln.internal.parallel;

/**
 * How long a {@code pmap} thread spins before it parks, learnt from how long recent waits of one kind
 * lasted (as HotSpot adapts its monitor spinning). A wait is measured to the moment its peer acted
 * (handed over the work, arrived at the barrier, finished), which the peer stamps, not to the moment
 * this thread noticed: a parked thread notices only after a wake-up, so a wait judged by when it
 * ended looks long because it parked, and the spin that would have caught it is never tried again.
 *
 * <p>A wait that lasted at most {@link #max} sets the spin to at least twice its length (up to {@link
 * #max}): a loop whose waits are alike then spins through them with room to spare. One that lasted
 * longer halves the spin, down to nothing. One that was spinning when the peer acted but noticed
 * more than {@link #LATE} later (the spinner had lost its core: the cores are shared) stops the spin
 * at once, and until a spinning wait notices in time again, short waits that parked do not raise it.
 * With no spin, one wait in {@link #PROBE_EVERY} spins the most to see whether spinning pays again;
 * each probe that fails (the cores still shared, or the wait still long) doubles the waits until the
 * next, up to {@link #PROBE_MOST}, so that a loaded machine seldom pays for a probe's spin.
 *
 * <p>Spinning pays when the peers run on cores of their own: the peer arrives within microseconds
 * and parking would cost a wake-up. It loses when the cores are shared (a 2-core machine running
 * other work, where a member's peer often waits for the very core the spinner holds): measured on
 * such a machine, a data-parallel step over 2 devices took 146 µs with no spinning, 194 µs spinning
 * 20 µs at each wait and over 600 µs spinning 500 µs. There a spinner is taken off its core while
 * it spins (so it notices the peer late), or the peer acts late (it waited for a core), and the spin
 * falls to nothing.
 */
final class AdaptiveSpin {
    /** One wait in this many spins {@link #max} when spinning has stopped paying. */
    static final int PROBE_EVERY = 32;

    /** The most waits between two probes: each probe that fails doubles the wait until the next. */
    static final int PROBE_MOST = 1024;

    private final long max;
    private volatile long nanos;
    /** A spinner last noticed its peer late (see {@link #LATE}): short parked waits do not raise the spin. */
    private volatile boolean contended;

    private int waits;
    /** Waits between two probes now: {@link #PROBE_EVERY}, doubled after each failed probe. */
    private volatile int probeEvery = PROBE_EVERY;

    /** Spinning at most {@code maxMicros} µs. */
    AdaptiveSpin(long maxMicros) {
        this.max = maxMicros * 1000;
        this.nanos = max;
    }

    /** How long the next wait spins. */
    long nanos() {
        long n = nanos;
        if (n == 0 && ++waits % probeEvery == 0) { // unsynchronised: a lost count only moves the probe
            return max;
        }
        return n;
    }

    /** How long waits spin now (no probe counted), for tests. */
    long current() {
        return nanos;
    }

    /**
     * How late a spinning thread may notice that its peer acted and still count as having held its
     * core: a spinner notices within a microsecond; one that notices later was taken off its core
     * while it spun.
     */
    static final long LATE = 20_000;

    /**
     * A wait ended that spun for at most {@code spin} nanoseconds, whose peer acted {@code waited}
     * nanoseconds after it began, and which noticed that {@code noticed} nanoseconds after the peer
     * acted.
     */
    void ended(long spin, long waited, long noticed) {
        long n = nanos;
        boolean spinning = waited < spin; // the peer acted while this thread was spinning
        boolean inTime = spinning && noticed <= LATE;
        if (n == 0 && spin > 0) { // a probe: while probes fail, they come further apart
            probeEvery = inTime ? PROBE_EVERY : Math.min(PROBE_MOST, 2 * probeEvery);
        }
        if (spinning && noticed > LATE) {
            // it noticed late: it had lost its core while spinning, so the cores are shared and the spin
            // took time the peer (or other work) needed; only a probe spins until one notices in time
            contended = true;
            nanos = 0;
            return;
        }
        if (spinning) {
            contended = false;
        }
        if (waited > max) {
            nanos = n / 2 < 1000 ? 0 : n / 2;
        } else if (!contended) {
            nanos = Math.min(max, Math.max(n, Math.max(2 * waited, 1000)));
        }
    }
}
