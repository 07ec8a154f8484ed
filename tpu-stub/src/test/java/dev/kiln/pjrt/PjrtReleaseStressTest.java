package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Device buffers freed by the cleaner while other threads execute: two threads upload fresh
 * arrays, run a jitted function and eager operations on them, read the results back and drop
 * everything, while a third thread asks for collections all the time, so cleaners free buffers
 * and executables' inputs of one thread while the other is inside the plugin. Every result is
 * checked. A buffer freed while an execution still used it would give wrong numbers or crash the
 * JVM; this runs for three seconds or 40 rounds, whichever is longer.
 */
class PjrtReleaseStressTest {
    /** A few sizes, so that after the first rounds every module is compiled and the rounds are quick. */
    private static final int[] SIZES = {1, 7, 1000, 4099};

    private static final int MIN_ROUNDS = 40;

    @Test
    void buffersFreedByCleanersDuringExecutesLeaveEveryResultRight() throws Exception {
        Kiln.backend("pjrt");
        Function<Array, Array> f = Kiln.jit((Array x) -> x.multiply(2f).add(1f).sum());
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong checked = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int seed = t;
            threads.add(Thread.ofPlatform().name("stress-" + t).start(() -> {
                try {
                    Kiln.withBackend("pjrt", () -> {
                        for (int i = 0; !stop.get(); i++) {
                            int n = SIZES[(i + seed) % SIZES.length];
                            float[] v = new float[n];
                            double expected = 0;
                            for (int k = 0; k < n; k++) {
                                v[k] = (k % 7) - 3;
                                expected += 2 * v[k] + 1;
                            }
                            Array x = Np.array(v);
                            float jitted = f.apply(x).toHost().floats()[0];
                            assertEquals((float) expected, jitted, 0f, "jitted sum over " + n);
                            Array y = x.add(1f).multiply(x); // two eager results; the first is garbage at once
                            float[] yh = y.toHost().floats();
                            for (int k = 0; k < n; k += 97) {
                                assertEquals((v[k] + 1) * v[k], yh[k], 0f, "eager element " + k + " of " + n);
                            }
                            checked.incrementAndGet();
                        }
                        return null;
                    });
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        Thread collector = Thread.ofPlatform().name("stress-gc").start(() -> {
            while (!stop.get()) {
                System.gc();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        // at least 3 s and 40 checked rounds (a loaded machine runs fewer per second), at most 60 s
        long start = System.nanoTime();
        while (System.nanoTime() - start < 60_000_000_000L
                && (System.nanoTime() - start < 3_000_000_000L || checked.get() < MIN_ROUNDS)
                && failures.isEmpty()) {
            Thread.sleep(50);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        collector.join();
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);
        assertTrue(checked.get() >= MIN_ROUNDS, "only " + checked.get() + " rounds ran in 60 s");
        System.out.println("PjrtReleaseStressTest: " + checked.get() + " rounds checked");
    }
}
