package dev.kiln.spi;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * How long getting an output array and writing every element of it takes, three ways, alternated in
 * one sitting (fastest of several rounds): a new {@code float[]} (zeroed by the JVM), {@code
 * jdk.internal.misc.Unsafe.allocateUninitializedArray} (when the JVM runs with {@code --add-exports
 * java.base/jdk.internal.misc=ALL-UNNAMED}), and an array reused from the last round ({@link
 * OutputArrays}' choice). Not a test: it asserts nothing and prints times.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp spi/target/test-classes:spi/target/classes \
 *     dev.kiln.spi.AllocationTiming
 * </pre>
 */
public final class AllocationTiming {
    private AllocationTiming() {}

    private static final MethodHandle UNINITIALIZED = uninitialized();

    private static MethodHandle uninitialized() {
        try {
            Class<?> c = Class.forName("jdk.internal.misc.Unsafe");
            Object unsafe = c.getMethod("getUnsafe").invoke(null);
            return MethodHandles.lookup()
                    .findVirtual(
                            c,
                            "allocateUninitializedArray",
                            MethodType.methodType(Object.class, Class.class, int.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException | IllegalAccessError e) {
            System.out.println("Unsafe.allocateUninitializedArray unavailable: " + e);
            return null;
        }
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static float[] fresh(int n) {
        return write(new float[n]);
    }

    static float[] uninitialized(int n) throws Throwable {
        return write((float[]) (Object) UNINITIALIZED.invokeExact(float.class, n));
    }

    static float[] write(float[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        return a;
    }

    public static void main(String[] args) throws Throwable {
        System.out.println("load average " + loadAverage() + ", " + Runtime.version());
        for (int n : new int[] {8 * 1024, 64 * 1024, 4 << 20}) {
            int reps = Math.max(8, (64 << 20) / (4 * n));
            float[] reused = new float[n];
            double bestFresh = Double.MAX_VALUE;
            double bestUninit = Double.MAX_VALUE;
            double bestReused = Double.MAX_VALUE;
            long sink = 0;
            for (int round = 0; round < 30; round++) {
                long t0 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    sink += fresh(n).length;
                }
                long t1 = System.nanoTime();
                if (UNINITIALIZED != null) {
                    for (int r = 0; r < reps; r++) {
                        sink += uninitialized(n).length;
                    }
                }
                long t2 = System.nanoTime();
                for (int r = 0; r < reps; r++) {
                    sink += write(reused).length;
                }
                long t3 = System.nanoTime();
                bestFresh = Math.min(bestFresh, (t1 - t0) / 1e3 / reps);
                bestUninit = Math.min(bestUninit, (t2 - t1) / 1e3 / reps);
                bestReused = Math.min(bestReused, (t3 - t2) / 1e3 / reps);
            }
            System.out.printf(
                    "float[%d] (%d KB), written in full: new %.2f us, uninitialized %s us, reused %.2f us (%d)%n",
                    n,
                    n / 256,
                    bestFresh,
                    UNINITIALIZED == null ? "-" : String.format("%.2f", bestUninit),
                    bestReused,
                    sink % 2);
        }
        System.out.println("load average " + loadAverage());
    }
}
