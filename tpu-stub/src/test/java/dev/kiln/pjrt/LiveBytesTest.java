package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The collection policy of {@link LiveBytes} on its own, with a simulated heap: "garbage" is bytes
 * whose owners are unreachable, freed only when the collector runs, as the cleaners of real
 * buffers are.
 */
class LiveBytesTest {
    private static final long FLOOR = 1000;

    /** A heap of simulated buffers: what the program holds and what it dropped. */
    private static final class Heap {
        final List<Long> garbage = new ArrayList<>();
        LiveBytes live;
        int runs;

        LiveBytes bytes() {
            live = new LiveBytes(FLOOR, () -> {
                runs++;
                for (long b : garbage) {
                    live.release(b);
                }
                garbage.clear();
            });
            return live;
        }

        /** Allocates {@code bytes} that the program drops at once; returns the live count after. */
        long churn(long bytes) {
            live.reserve(bytes);
            garbage.add(bytes);
            return live.live();
        }
    }

    @Test
    void droppedResultsStayWithinTheFloor() {
        Heap heap = new Heap();
        LiveBytes live = heap.bytes();
        long most = 0;
        for (int i = 0; i < 100; i++) {
            most = Math.max(most, heap.churn(30));
        }
        assertTrue(most <= FLOOR, "live reached " + most + " with a floor of " + FLOOR);
        assertTrue(
                heap.runs >= 2, "3,000 bytes of garbage past a floor of 1,000 asked for " + heap.runs + " collections");
        assertEquals(FLOOR, live.threshold());
    }

    @Test
    void aLargeWorkingSetIsNotCollectedAgainAndAgain() {
        Heap heap = new Heap();
        LiveBytes live = heap.bytes();
        for (int i = 0; i < 10; i++) {
            live.reserve(300); // held by the program: never garbage
        }
        int before = heap.runs;
        for (int i = 0; i < 100; i++) {
            heap.churn(10);
        }
        // 3,000 bytes stay alive; the threshold follows them (twice), so 1,000 bytes of churn fit
        // under it with at most one collection, not one per allocation
        assertTrue(live.threshold() > 3000 + 1000, "threshold " + live.threshold());
        assertTrue(heap.runs - before <= 1, (heap.runs - before) + " collections for 1,000 bytes of churn");
    }

    @Test
    void theThresholdComesDownWhenTheWorkingSetIsLetGo() {
        Heap heap = new Heap();
        LiveBytes live = heap.bytes();
        for (int i = 0; i < 10; i++) {
            live.reserve(300);
        }
        for (int i = 0; i < 50; i++) {
            heap.churn(100); // crosses the floor: a collection while 3,000 bytes are really alive
        }
        assertTrue(live.threshold() > 4 * FLOOR, "threshold " + live.threshold());
        // the program lets go of its working set, and a collection the heap itself needed ran the
        // cleaners of it and of the churn's garbage
        for (int i = 0; i < 10; i++) {
            live.release(300);
        }
        for (long b : heap.garbage) {
            live.release(b);
        }
        heap.garbage.clear();
        heap.runs = 0;
        long most = 0;
        for (int i = 0; i < 100; i++) {
            most = Math.max(most, heap.churn(30));
        }
        // without coming down, the old threshold (over 4,000) would have let all 3,000 bytes of
        // churn stay uncollected
        assertTrue(most <= FLOOR, "after the working set went, live reached " + most);
        assertTrue(heap.runs >= 2, heap.runs + " collections");
    }

    @Test
    void collectingNowSettlesTheThreshold() {
        Heap heap = new Heap();
        LiveBytes live = heap.bytes();
        live.reserve(5000); // past the floor with nothing to free: the threshold rises to 10,000
        heap.garbage.add(5000L); // then dropped, not yet collected
        assertEquals(2 * 5000, live.threshold());
        long before = live.collections();
        live.collectNow(0);
        assertEquals(0, live.live());
        assertEquals(FLOOR, live.threshold());
        assertEquals(before + 1, live.collections());
    }
}
