package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Buffers are released when their arrays become unreachable: thousands of 1 MB arrays made in a
 * loop (uploaded, and computed on the backend) leave heap and direct (native) memory, measured
 * after garbage collection, within a bound far below what they add up to. Also: arrays that stay
 * reachable keep their data through collections.
 */
final class BufferFamily implements Family {
    private static final int FLOATS_PER_MB = 1 << 18;
    private static final long BOUND = 96L << 20;

    @Override
    public String name() {
        return "buffers";
    }

    @Override
    public List<Case> cases() {
        return List.of(
                new Case(name(), "release", "float32", "2000 uploads of 1 MB", () -> churn(2000, false)),
                new Case(
                        name(),
                        "release",
                        "float32",
                        "1000 results of 1 MB computed on the backend",
                        () -> churn(1000, true)),
                new Case(name(), "release", "float64", "100000 small arrays", BufferFamily::manySmall),
                new Case(name(), "retain", "float32", "reachable arrays keep their data", BufferFamily::retain));
    }

    private static void churn(int count, boolean computed) throws InterruptedException {
        float[] data = new float[FLOATS_PER_MB];
        for (int i = 0; i < data.length; i++) {
            data[i] = i % 1000;
        }
        Array base = Np.array(data);
        long before = used();
        Deque<Array> live = new ArrayDeque<>();
        double checksum = 0;
        for (int i = 0; i < count; i++) {
            Array a = computed ? Np.add(base, (float) i) : Np.array(data);
            live.addLast(a);
            if (live.size() > 3) {
                live.removeFirst(); // a few stay reachable, like a loop that keeps recent results
            }
            if (i % 250 == 0) {
                checksum += a.get("7").floatItem();
            }
        }
        live.clear();
        long after = used();
        long grown = after - before;
        Check.that(
                grown < BOUND,
                count + " arrays of 1 MB left " + (grown >> 20) + " MB of heap and direct memory"
                        + " in use after GC (bound " + (BOUND >> 20)
                        + " MB): buffers of unreachable arrays are not released");
        Check.that(checksum > 0, "the arrays held the wrong data (checksum " + checksum + ")");
    }

    private static void manySmall() throws InterruptedException {
        long before = used();
        double total = 0;
        for (int i = 0; i < 100_000; i++) {
            Array a = Np.array(new double[] {i, 1});
            if (i % 10_000 == 0) {
                total += a.toDoubleArray()[0];
            }
        }
        long grown = used() - before;
        Check.that(
                grown < BOUND,
                "100000 small arrays left " + (grown >> 20) + " MB in use after GC (bound " + (BOUND >> 20) + " MB)");
        Check.that(total == 450_000, "small arrays held the wrong data: " + total);
    }

    private static void retain() throws InterruptedException {
        Array[] kept = new Array[20];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = Np.add(Np.full(DType.FLOAT32, i, 4096), 0.5f);
        }
        for (int i = 0; i < 50; i++) {
            Np.ones(FLOATS_PER_MB); // garbage to push the collector
        }
        used();
        for (int i = 0; i < kept.length; i++) {
            float[] v = kept[i].toFloatArray();
            Check.that(
                    v[0] == i + 0.5f && v[4095] == i + 0.5f,
                    "array " + i + " changed after garbage collection: " + v[0] + " where " + (i + 0.5f)
                            + " was expected; a buffer was freed while its array was reachable");
        }
    }

    /** Heap plus direct (native) buffer memory in use after collecting garbage a few times. */
    private static long used() throws InterruptedException {
        long heap = 0;
        for (int i = 0; i < 4; i++) {
            System.gc();
            // cleaners that free native memory run on their own thread after the collection
            Thread.sleep(30);
            Runtime r = Runtime.getRuntime();
            heap = r.totalMemory() - r.freeMemory();
        }
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            direct += pool.getMemoryUsed();
        }
        return heap + direct;
    }
}
