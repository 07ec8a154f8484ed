package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
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
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * opencl with PoCL's CPU device split into two sub-devices ({@code -Dkiln.opencl.subdevices=2}, set
 * for this class alone by its own surefire execution): the conformance suite's {@code parallel}
 * family runs {@code pmap} and every collective over the two devices, and the checks below see that
 * each device has its own backend object and each shard lives on its device.
 */
class OpenClDevicesConformanceTest extends BackendConformance {
    @Override
    protected String backend() {
        return OpenClProvider.NAME;
    }

    @Override
    protected Exclusions exclusions() {
        return OpenClConformanceTest.onOpenCl();
    }

    @Override
    protected boolean runs(String family) {
        return family.equals("parallel");
    }

    private static List<Device> devices() {
        // -Dtest=... runs this class in the default execution too, whose JVM has one device
        Assumptions.assumeTrue(
                "2".equals(System.getProperty("kiln.opencl.subdevices")),
                "runs in the opencl-two-subdevices surefire execution, which sets -Dkiln.opencl.subdevices=2");
        List<Device> all = Kiln.devices(OpenClProvider.NAME);
        assertEquals(2, all.size(), "this test's JVM sets -Dkiln.opencl.subdevices=2: " + all);
        return all;
    }

    @Test
    void eachSubDeviceHasItsOwnBackendObject() {
        List<Device> all = devices();
        var backend = Kiln.backend(OpenClProvider.NAME);
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i).id());
            assertTrue(
                    all.get(i).description().contains("part " + (i + 1) + " of 2"),
                    all.get(i).description());
            assertSame(backend.onDevice(all.get(i)), backend.onDevice(all.get(i)), "one object per device");
            assertEquals(all.get(i), backend.onDevice(all.get(i)).device());
        }
        assertSame(backend, backend.onDevice(all.get(0)), "the opened backend is the first device's");
        assertNotSame(backend.onDevice(all.get(0)), backend.onDevice(all.get(1)));
        Device other = new Device(OpenClProvider.NAME, all.get(0).kind(), 2, "no such device");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.onDevice(other));
        assertTrue(e.getMessage().contains("kiln.opencl.subdevices"), e.getMessage());
    }

    @Test
    void pmapPutsEachShardOnItsSubDevice() {
        List<Device> all = devices();
        Kiln.withBackend(OpenClProvider.NAME, () -> {
            Array x = Np.arange(2 * 41).astype(dev.kiln.DType.FLOAT32).reshape(2, 41);
            Array got = Kiln.pmap(
                            (Array v) -> Np.subtract(Np.tanh(v), Lax.pmean(Np.tanh(v), "i")),
                            PmapOptions.axisName("i").devices(all))
                    .apply(Np.multiply(x, 0.01));
            List<Array> shards = got.shards();
            assertEquals(2, shards.size());
            for (int i = 0; i < 2; i++) {
                assertEquals(all.get(i), shards.get(i).device(), "shard " + i);
            }
            Array t = Np.tanh(Np.multiply(x, 0.01));
            Array want = Np.subtract(t, Np.mean(t, 0));
            assertTrue(Np.allclose(got, want, 1e-6, 1e-6, false).item() != 0, "pmap values");
            return null;
        });
    }

    @Test
    void askingForMoreSubDevicesThanComputeUnitsSaysSo() {
        devices();
        ClDevice parent = ClDiscovery.get().devices().get(0);
        var e = assertThrows(
                dev.kiln.spi.BackendUnavailableException.class,
                () -> OpenClProvider.devices(ClDiscovery.get().devices(), parent, "" + (parent.computeUnits() + 1)));
        assertTrue(e.getMessage().contains("compute units"), e.getMessage());
        var bad = assertThrows(
                dev.kiln.spi.BackendUnavailableException.class,
                () -> OpenClProvider.devices(ClDiscovery.get().devices(), parent, "two"));
        assertTrue(bad.getMessage().contains("kiln.opencl.subdevices"), bad.getMessage());
    }
}
