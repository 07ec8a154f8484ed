package dev.kiln.internal.parallel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A barrier for the device threads of one {@code pmap} call: a member spins briefly (a collective's
 * peers usually arrive within microseconds of each other) and then parks until the last member
 * arrives and wakes it. Once {@link #breakIt broken} it stays broken: every waiting member and every
 * later arrival is released at once with {@link Broken}, so a member that fails before its peers
 * reach the barrier cannot leave them waiting.
 */
final class SpinBarrier {
    /** How long a member spins before it parks (at most 20 µs), learnt from the barriers' recent waits. */
    private static final AdaptiveSpin SPIN = new AdaptiveSpin(20);

    /** Thrown to a member released by {@link #breakIt}. */
    static final class Broken extends RuntimeException {
        Broken() {
            super(null, null, false, false);
        }
    }

    private final int parties;
    private final AtomicInteger arrived = new AtomicInteger();
    private final AtomicReferenceArray<Thread> waiting;
    private volatile int generation;
    /** When the last member arrived ({@link System#nanoTime}), written before {@link #generation} moves on. */
    private long releasedAt;

    private volatile boolean broken;

    SpinBarrier(int parties) {
        this.parties = parties;
        this.waiting = new AtomicReferenceArray<>(parties);
    }

    /** Waits until all parties have arrived; {@code rank} is the caller's member index. */
    void await(int rank) {
        if (broken) {
            throw new Broken();
        }
        int gen = generation;
        if (arrived.incrementAndGet() == parties) {
            arrived.set(0);
            releasedAt = System.nanoTime();
            generation = gen + 1; // publishes the reset count to every waiter
            for (int i = 0; i < parties; i++) {
                Thread t = waiting.get(i);
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
            return;
        }
        long start = System.nanoTime();
        long spin = SPIN.nanos();
        while (generation == gen) {
            if (broken) {
                throw new Broken();
            }
            if (System.nanoTime() - start < spin) {
                Thread.yield(); // spin, but let a thread waiting for this core run first
                continue;
            }
            waiting.set(rank, Thread.currentThread());
            // re-check after registering: the last member may have released this generation meanwhile
            if (generation != gen || broken) {
                waiting.set(rank, null);
                break;
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                waiting.set(rank, null);
                Thread.currentThread().interrupt();
                throw new Broken();
            }
        }
        waiting.set(rank, null);
        if (generation == gen && broken) {
            throw new Broken();
        }
        // learn from when the last member arrived, not from when this one woke (later, after parking)
        SPIN.ended(spin, Math.max(0, releasedAt - start), System.nanoTime() - releasedAt);
    }

    /** Releases every waiting member and every later arrival with {@link Broken}. */
    void breakIt() {
        broken = true;
        for (int i = 0; i < parties; i++) {
            Thread t = waiting.get(i);
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }
}
