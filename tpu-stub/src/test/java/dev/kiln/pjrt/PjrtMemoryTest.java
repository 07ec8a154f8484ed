package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import org.junit.jupiter.api.Test;

/**
 * Device memory of unreachable arrays comes back without help from the Java heap: a loop of eager
 * operations whose results are dropped allocates far more than the collection threshold, and the
 * bytes counted live stay bounded (before {@link LiveBytes}, each 16 MB result stayed allocated
 * until a collection that the tiny Java objects never caused). Other tests in the same JVM leave
 * arrays behind, so the test first collects and starts from the threshold that leaves it; the
 * bound is then twice that threshold (a collection whose cleaners lag may set it that high), where
 * a client that never collects would reach three times it.
 */
class PjrtMemoryTest {
    @Test
    void unreachableResultsAreFreedBeforeTheDeviceFillsUp() {
        PjrtBackend backend = (PjrtBackend) Kiln.backend("pjrt");
        LiveBytes live = backend.session().client().live;
        int n = 4 << 20; // 16 MB of float32 per result
        long perResult = 4L * n;
        live.collectNow(0);
        long start = Math.max(LiveBytes.FLOOR, live.threshold());
        int steps = (int) (3 * start / perResult);
        long collectionsBefore = live.collections();
        float[] checked = Kiln.withBackend("pjrt", () -> {
            Array x = Np.ones(n);
            Array y = x;
            long most = 0;
            for (int i = 0; i < steps; i++) {
                y = x.add((float) i); // the previous y becomes unreachable
                most = Math.max(most, live.live());
            }
            assertTrue(
                    most < 2 * start + 4 * perResult,
                    "live device bytes reached " + most + " over " + steps + " results of " + perResult
                            + " bytes; the threshold at the start was " + start);
            return new float[] {y.toHost().floats()[0], y.toHost().floats()[n - 1]};
        });
        assertTrue(live.collections() > collectionsBefore, "no collection was asked for");
        assertEquals(steps, checked[0]);
        assertEquals(steps, checked[1]);
    }
}
