package dev.kiln.cpu;

import static dev.kiln.cpu.DeviceRunsProbe.count;
import static dev.kiln.cpu.DeviceRunsProbe.lastThread;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.AxisNameException;
import dev.kiln.DType;
import dev.kiln.DeviceException;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.PmapOptions;
import dev.kiln.spi.Device;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Nested {@code pmap} as a device mesh on cpu-simd's 4 devices (the test JVM has {@code
 * -Dkiln.cpu.devices=4}): every (outer, inner) pair of members runs on a device of its own, on its own
 * thread; collectives over the inner axis, the outer axis and both give what vmap over the same names
 * gives; an outer × inner product above the device count is refused with the sizes, the count and the fix.
 */
class NestedPmapTest {

    private static <T> T onCpu(Supplier<T> work) {
        return Kiln.withBackend("cpu-simd", work);
    }

    private static List<Device> devices() {
        List<Device> all = Kiln.devices("cpu-simd");
        assertTrue(all.size() >= 4, "the test JVM needs -Dkiln.cpu.devices=4, has " + all);
        return all.subList(0, 4);
    }

    private static Array input(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (Math.sin(k * 0.7) * 2);
        }
        return Np.array(v, shape);
    }

    /** Inner axis 'i', outer 'j': sums over each, over both, and the joint index. */
    private static final Function<Array, Array> BODY = x -> Np.add(
            Np.add(Lax.psum(x, "i"), Np.multiply(Lax.psum(x, "j"), 10)),
            Np.add(
                    Np.multiply(Lax.psum(x, "j", "i"), 100),
                    Np.multiply(Lax.axisIndex("j", "i").astype(DType.FLOAT32), 1000)));

    @Test
    void everyPairRunsOnItsOwnDevice() {
        List<Device> ds = devices();
        Array x = input(2, 2, 3);
        long[] before = new long[4];
        for (int d = 0; d < 4; d++) {
            before[d] = count(ds.get(d));
        }
        Array got = onCpu(() -> Kiln.pmap(Kiln.pmap(BODY, "i"), "j").apply(x));
        Array want = onCpu(() -> Kiln.vmap(Kiln.vmap(BODY, "i"), "j").apply(x));
        assertArrayEquals(want.toFloatArray(), got.toFloatArray(), 1e-3f);
        float[] xs = x.toFloatArray();
        float[] g = got.toFloatArray();
        for (int j = 0; j < 2; j++) {
            for (int i = 0; i < 2; i++) {
                for (int k = 0; k < 3; k++) {
                    double si = xs[(j * 2) * 3 + k] + xs[(j * 2 + 1) * 3 + k];
                    double sj = xs[i * 3 + k] + xs[(2 + i) * 3 + k];
                    double all = xs[k] + xs[3 + k] + xs[6 + k] + xs[9 + k];
                    double want1 = si + 10 * sj + 100 * all + 1000 * (j * 2 + i);
                    assertEquals(want1, g[(j * 2 + i) * 3 + k], 1e-3, "member (" + j + ", " + i + ")");
                }
            }
        }
        // JAX 0.10.2 (4 forced host devices) for the same input, under shard_map over a 2x2 mesh of axes
        // ('j', 'i') with in/out specs P('j', 'i'); JAX's own nested pmap raises for any sizes
        float[] jax = {
            -14.015597f,
            125.941666f,
            206.66661f,
            1021.01636f,
            1152.5459f,
            1212.3307f,
            1982.5485f,
            2123.3323f,
            2206.111f,
            3017.5803f,
            3149.9365f,
            3211.775f
        };
        assertArrayEquals(jax, g, 2e-3f);
        Set<String> threads = new HashSet<>();
        for (int d = 0; d < 4; d++) {
            assertTrue(count(ds.get(d)) > before[d], "device " + d + " ran no body");
            threads.add(lastThread(ds.get(d)));
        }
        assertEquals(4, threads.size(), "the four members ran on four threads: " + threads);
    }

    @Test
    void underJitAndGrad() {
        Array x = input(2, 2, 3);
        Function<Array, Array> mesh = Kiln.pmap(Kiln.pmap(BODY, "i"), "j");
        Function<Array, Array> vm = Kiln.vmap(Kiln.vmap(BODY, "i"), "j");
        assertArrayEquals(
                onCpu(() -> vm.apply(x)).toFloatArray(),
                onCpu(() -> Kiln.jit(mesh).apply(x)).toFloatArray(),
                1e-3f);
        Function<Array, Array> inner = a -> Np.multiply(Np.sin(a), Lax.pmean(Np.multiply(a, a), "j", "i"));
        Function<Array, Array> lossMesh =
                a -> Np.sum(Kiln.pmap(Kiln.pmap(inner, "i"), "j").apply(a));
        Function<Array, Array> lossVmap =
                a -> Np.sum(Kiln.vmap(Kiln.vmap(inner, "i"), "j").apply(a));
        Array x64 = x.astype(DType.FLOAT64);
        double[] want = onCpu(() -> Kiln.grad(lossVmap).apply(x64)).toDoubleArray();
        assertArrayEquals(want, onCpu(() -> Kiln.grad(lossMesh).apply(x64)).toDoubleArray(), 1e-9);
        assertArrayEquals(
                want, onCpu(() -> Kiln.jit(Kiln.grad(lossMesh)).apply(x64)).toDoubleArray(), 1e-9);
    }

    @Test
    void workAroundTheInnerPmap() {
        // the outer body computes before and after its inner pmap; the inner one maps axis 1 of its input
        Function<Array, Array> f = a -> {
            Array doubled = Np.multiply(a, 2);
            Array inner = Kiln.pmap(
                            (Array r) -> Lax.psum(Np.exp(r), "i"),
                            PmapOptions.axisName("i").inAxes(1))
                    .apply(doubled);
            return Lax.psum(Np.sum(inner, 0), "j");
        };
        Function<Array, Array> g = a -> {
            Array doubled = Np.multiply(a, 2);
            Array inner = Kiln.vmap((Array r) -> Lax.psum(Np.exp(r), "i"), new dev.kiln.VmapOptions("i", 1, null, 0))
                    .apply(doubled);
            return Lax.psum(Np.sum(inner, 0), "j");
        };
        Array x = input(2, 3, 2);
        assertArrayEquals(
                onCpu(() -> Kiln.vmap(g, "j").apply(x)).toFloatArray(),
                onCpu(() -> Kiln.pmap(f, "j").apply(x)).toFloatArray(),
                1e-3f);
    }

    @Test
    void tooManyPairsIsRefused() {
        Array x = input(2, 3, 2);
        DeviceException e = assertThrows(
                DeviceException.class,
                () -> onCpu(() -> Kiln.pmap(Kiln.pmap(BODY, "i"), "j").apply(x)));
        String m = e.getMessage();
        assertTrue(m.startsWith("pmap:"), m);
        assertTrue(m.contains("2 × 3 = 6") && m.contains("only 4") && m.contains("-Dkiln.cpu.devices=6"), m);
        DeviceException jitted = assertThrows(
                DeviceException.class,
                () -> onCpu(() -> Kiln.jit(Kiln.pmap(Kiln.pmap(BODY, "i"), "j")).apply(x)));
        assertTrue(jitted.getMessage().contains("2 × 3 = 6"), jitted.getMessage());
    }

    @Test
    void innerPmapCannotChooseDevices() {
        List<Device> ds = devices();
        Array x = input(2, 2, 3);
        DeviceException e = assertThrows(
                DeviceException.class,
                () -> onCpu(() -> Kiln.pmap(
                                Kiln.pmap(BODY, PmapOptions.axisName("i").devices(ds.subList(0, 2))), "j")
                        .apply(x)));
        assertTrue(e.getMessage().contains("inner pmap"), e.getMessage());
    }

    @Test
    void axisTuplesAreChecked() {
        Array x = input(2, 3);
        AxisNameException twice =
                assertThrows(AxisNameException.class, () -> Kiln.vmap((Array a) -> Lax.psum(a, "i", "i"), "i")
                        .apply(x));
        assertTrue(twice.getMessage().startsWith("psum:") && twice.getMessage().contains("twice"), twice.getMessage());
        AxisNameException unknown =
                assertThrows(AxisNameException.class, () -> Kiln.vmap((Array a) -> Lax.pmax(a, "i", "k"), "i")
                        .apply(x));
        assertTrue(unknown.getMessage().contains("'k'"), unknown.getMessage());
        // no names: x as it is (JAX's psum(x, ()))
        assertArrayEquals(
                x.toFloatArray(),
                Kiln.vmap((Array a) -> Lax.psum(a, new String[0]), "i").apply(x).toFloatArray());
    }
}
