package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The pool that splits ranges: every index once, on chunk boundaries, nested and concurrent calls, errors. */
class ParallelTest {
    private static void coversOnce(int n, int grain, int align) {
        AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
        Parallel.forRange(n, grain, align, (lo, hi) -> {
            assertTrue(lo % align == 0 || lo == 0, "chunk start " + lo + " off the " + align + " grid");
            for (int i = lo; i < hi; i++) {
                seen.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "index " + i + " of " + n + " (grain " + grain + ", align " + align + ")");
        }
    }

    @Test
    void everyIndexRunsOnce() {
        for (int n : new int[] {0, 1, 7, 64, 1000, 65_537, 1 << 20}) {
            for (int grain : new int[] {1, 100, 1 << 14}) {
                for (int align : new int[] {1, 64}) {
                    coversOnce(n, grain, align);
                }
            }
        }
    }

    /** forEach: every index once, each a chunk of its own, whatever the count against the threads. */
    @Test
    void forEachRunsEveryIndexAsItsOwnChunk() {
        for (int n : new int[] {0, 1, 2, 3, 16, 17, 100}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            Parallel.forEach(n, (lo, hi) -> {
                calls.incrementAndGet();
                for (int i = lo; i < hi; i++) {
                    seen.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, seen.get(i), "index " + i + " of " + n);
            }
            if (Parallel.threads() > 1 && n >= 2) {
                assertEquals(n, calls.get(), n + " units: one call per unit");
            }
        }
    }

    /** Many back-to-back ranges (helpers spinning between them) and ranges started from several threads at once. */
    @Test
    void backToBackAndConcurrentCallers() throws Exception {
        for (int r = 0; r < 2000; r++) {
            coversOnce(4096 + r, 64, 64);
        }
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                fs.add(callers.submit(() -> {
                    for (int r = 0; r < 300; r++) {
                        coversOnce(10_000 + r, 100, 1);
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * A helper that has done its part lingers and joins the next job posted on its team, and one
     * that stops lingering just as a caller counts on it still joins that caller's job: two chunks
     * that can only finish together (a barrier between them) run on two threads, for jobs back to
     * back (the lingering helper) and after pauses longer than the linger (a woken helper).
     */
    @Test
    void lingeringHelpersJoinTheNextJob() {
        Object team = Parallel.newTeam(2);
        for (int r = 0; r < 300; r++) {
            if (r % 50 == 49) {
                LockSupport.parkNanos(2 * Parallel.LINGER_NS);
            }
            CyclicBarrier both = new CyclicBarrier(2);
            AtomicIntegerArray seen = new AtomicIntegerArray(2);
            Parallel.withTeam(team, () -> {
                Parallel.forEach(2, (lo, hi) -> {
                    try {
                        both.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("job " + lo + ": the two chunks did not meet", e);
                    }
                    seen.incrementAndGet(lo);
                });
                return null;
            });
            assertEquals(1, seen.get(0));
            assertEquals(1, seen.get(1));
        }
    }

    @Test
    void nestedRangesComplete() {
        AtomicIntegerArray seen = new AtomicIntegerArray(64 * 1000);
        Parallel.forRange(64, 1, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int row = i;
                Parallel.forRange(1000, 10, 1, (a, b) -> {
                    for (int j = a; j < b; j++) {
                        seen.incrementAndGet(row * 1000 + j);
                    }
                });
            }
        });
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), "index " + i);
        }
    }

    @Test
    void anErrorInAChunkReachesTheCaller() {
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Parallel.forRange(1 << 16, 16, 1, (lo, hi) -> {
                    if (hi == 1 << 16) {
                        throw boom;
                    }
                }));
        assertSame(boom, e);
        coversOnce(1 << 16, 16, 1);
    }

    /**
     * {@code alongside}: the caller's work runs on the caller; helpers that started have finished when
     * it returns (what they wrote is seen); helpers run at most threads - 1 times; errors from either
     * side reach the caller; nested in a chunk of a range it still returns.
     */
    @Test
    void alongsideWaitsForTheHelpersThatStarted() {
        for (int round = 0; round < 200; round++) {
            java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread caller = Thread.currentThread();
            int[] onCallerThread = {0};
            Parallel.alongside(
                    () -> {
                        onCallerThread[0] = Thread.currentThread() == caller ? 1 : 0;
                        long until = System.nanoTime() + 20_000;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        stop.set(true);
                    },
                    () -> {
                        started.incrementAndGet();
                        while (!stop.get()) {
                            Thread.onSpinWait();
                        }
                        finished.incrementAndGet();
                    });
            assertEquals(1, onCallerThread[0]);
            assertEquals(started.get(), finished.get(), "round " + round);
            assertTrue(started.get() <= Parallel.threads() - 1);
        }
    }

    @Test
    void alongsideErrorsReachTheCaller() {
        IllegalStateException boom = new IllegalStateException("caller");
        assertSame(
                boom,
                assertThrows(
                        IllegalStateException.class,
                        () -> Parallel.alongside(
                                () -> {
                                    throw boom;
                                },
                                () -> {})));
        if (Parallel.threads() > 1) {
            IllegalArgumentException helper = new IllegalArgumentException("helper");
            java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
            for (int round = 0; round < 1000 && !ran.get(); round++) {
                try {
                    Parallel.alongside(
                            () -> {
                                long until = System.nanoTime() + 1_000_000;
                                while (System.nanoTime() < until && !ran.get()) {
                                    Thread.onSpinWait();
                                }
                            },
                            () -> {
                                ran.set(true);
                                throw helper;
                            });
                } catch (IllegalArgumentException e) {
                    assertSame(helper, e);
                }
            }
        }
        AtomicIntegerArray seen = new AtomicIntegerArray(8);
        Parallel.forRange(8, 1, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int at = i;
                Parallel.alongside(() -> seen.incrementAndGet(at), () -> {});
            }
        });
        for (int i = 0; i < 8; i++) {
            assertEquals(1, seen.get(i));
        }
    }
}
