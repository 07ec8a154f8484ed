package dev.kiln.internal.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The device threads' barrier: no member leaves a round before every member has entered it (over many
 * rounds, with members parked and spinning), and once broken every waiting member and every later
 * arrival is released, so a member that fails before its peers arrive cannot leave them waiting (the
 * case a reset CyclicBarrier got wrong).
 */
class SpinBarrierTest {
    @Test
    void noMemberLeavesARoundEarly() throws Exception {
        int parties = 3;
        int rounds = 2000;
        SpinBarrier b = new SpinBarrier(parties);
        AtomicIntegerArray entered = new AtomicIntegerArray(rounds);
        ExecutorService pool = Executors.newFixedThreadPool(parties);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int r = 0; r < parties; r++) {
                int rank = r;
                fs.add(pool.submit(() -> {
                    for (int k = 0; k < rounds; k++) {
                        entered.incrementAndGet(k);
                        if (rank == k % parties && k % 100 == 0) {
                            Thread.sleep(1); // past the spin: the others park
                        }
                        b.await(rank);
                        assertEquals(parties, entered.get(k), "round " + k + " left early");
                    }
                    return null;
                }));
            }
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (Future<?> f : fs) {
                    f.get();
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBrokenBarrierReleasesWaitersAndLateArrivals() throws Exception {
        SpinBarrier b = new SpinBarrier(3);
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            Future<?> waiter = pool.submit(() -> b.await(1));
            Thread.sleep(50); // parked by now
            b.breakIt();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                Exception e = assertThrows(Exception.class, waiter::get);
                assertTrue(e.getCause() instanceof SpinBarrier.Broken, String.valueOf(e.getCause()));
            });
            // a member that arrives after the failure is released at once, not left waiting
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertThrows(SpinBarrier.Broken.class, () -> b.await(2));
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedMemberReleasesItsGroupWithTheReason() {
        LocalGroup g = new LocalGroup(2);
        g.abort(1, new IllegalStateException("device 1 ran out of memory"));
        KilnException e = assertTimeoutPreemptively(
                Duration.ofSeconds(10), () -> assertThrows(KilnException.class, () -> g.exchange(0, "x")));
        assertTrue(
                e.getMessage().contains("device 1 failed") && e.getMessage().contains("ran out of memory"),
                e.getMessage());
        // the peer's error is the consequence, not the cause: pmap reports device 1's own failure
        assertTrue(!Group.isRootCause(e), "an abandoned collective must not count as a root cause");
        assertTrue(Group.isRootCause(new IllegalStateException("device 1 ran out of memory")));
        assertTrue(Group.isRootCause(new KilnException("pmap: a shape error on device 1")));
    }
}
