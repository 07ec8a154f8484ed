package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.PmapOptions;
import dev.kiln.conformance.BackendConformance;
import dev.kiln.conformance.Exclusions;
import dev.kiln.spi.Device;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * pjrt with four XLA:CPU devices ({@code -Dkiln.pjrt.devices=4}, set for this class alone by its own
 * surefire execution, since a process has one client per plugin): the conformance suite's {@code
 * parallel} family runs {@code pmap} and every collective over 2, 3 and 4 of the devices, and the
 * checks below see that each shard lives on its own device and that the body is compiled once, not
 * once per device (the executables are compiled portable and each device's view runs them there).
 */
class PjrtDevicesConformanceTest extends BackendConformance {
    @Override
    protected String backend() {
        return "pjrt";
    }

    @Override
    protected Exclusions exclusions() {
        return PjrtConformanceTest.xlaDifferences();
    }

    @Override
    protected boolean runs(String family) {
        return family.equals("parallel");
    }

    private static List<Device> devices() {
        // -Dtest=... runs this class in the default execution too, whose JVM has one device
        Assumptions.assumeTrue(
                "4".equals(System.getProperty("kiln.pjrt.devices")),
                "runs in the pjrt-four-devices surefire execution, which sets -Dkiln.pjrt.devices=4");
        List<Device> all = Kiln.devices("pjrt");
        assertEquals(4, all.size(), "this test's JVM sets -Dkiln.pjrt.devices=4: " + all);
        return all;
    }

    @Test
    void theClientHasFourDevicesEachWithItsOwnBackendObject() {
        List<Device> all = devices();
        PjrtBackend backend = (PjrtBackend) Kiln.backend("pjrt");
        Set<Object> views = new HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i).id());
            assertSame(backend.onDevice(all.get(i)), backend.onDevice(all.get(i)), "one object per device");
            assertEquals(all.get(i), backend.onDevice(all.get(i)).device());
            views.add(backend.onDevice(all.get(i)));
        }
        assertEquals(4, views.size());
        Device other = new Device("pjrt", all.get(0).kind(), 4, "no such device");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.onDevice(other));
        assertTrue(e.getMessage().contains("kiln.pjrt.devices"), e.getMessage());
    }

    /** {@code d} rows of {@code n}, already sharded over the first {@code d} devices by an earlier pmap. */
    private static Array sharded(List<Device> all, int d, int n) {
        Array x = Np.arange(d * n).astype(dev.kiln.DType.FLOAT32).reshape(d, n);
        return Kiln.pmap(
                        (Array v) -> Np.multiply(v, 0.01),
                        PmapOptions.axisName("i").devices(all.subList(0, d)))
                .apply(x);
    }

    @Test
    void pmapPutsEachShardOnItsDeviceAndCompilesTheBodyOnce() {
        List<Device> all = devices();
        PjrtBackend backend = (PjrtBackend) Kiln.backend("pjrt");
        Kiln.withBackend("pjrt", () -> {
            java.util.function.Function<Array, Array> body = v -> {
                Array t = Np.tanh(v);
                return Np.subtract(t, Lax.pmean(t, "i"));
            };
            // row lengths no other case uses, so the body's executables are new to the cache
            Array one = sharded(all, 1, 37);
            long before = backend.compiles.get();
            Kiln.pmap(body, PmapOptions.axisName("i").devices(all.subList(0, 1)))
                    .apply(one);
            long onOne = backend.compiles.get() - before;

            Array x = sharded(all, 4, 53);
            before = backend.compiles.get();
            Array got = Kiln.pmap(body, PmapOptions.axisName("i").devices(all)).apply(x);
            long onFour = backend.compiles.get() - before;
            assertTrue(onOne > 0, "the body compiles on first use");
            assertEquals(onOne, onFour, "the four devices share the body's executables (portable)");

            List<Array> shards = got.shards();
            assertEquals(4, shards.size());
            for (int i = 0; i < 4; i++) {
                assertEquals(all.get(i), shards.get(i).device(), "shard " + i);
            }
            Array want = Np.subtract(Np.tanh(x), Np.mean(Np.tanh(x), 0)); // x gathered, computed unmapped
            assertTrue(Np.allclose(got, want, 1e-6, 1e-6, false).item() != 0, "pmap values");
            return null;
        });
    }
}
