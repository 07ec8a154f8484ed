package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The README's pmap example, as written there (the test JVM has -Dkiln.cpu.devices=4). */
class ReadmePmapTest {
    @Test
    void normaliseRowsAcrossDevices() {
        Kiln.withBackend("cpu-simd", () -> {
            Array x = Np.arange(8).astype(DType.FLOAT32).reshape(4, 2); // one row per device
            Function<Array, Array> normalise = Kiln.pmap(row -> row.divide(Lax.psum(row, "i")), "i");
            Array y = normalise.apply(x); // sharded over 4 devices
            Array z = Kiln.vmap((Array row) -> row.divide(Lax.psum(row, "i")), "i")
                    .apply(x);
            assertTrue(y.isSharded());
            float[] want = {0f / 12, 1f / 16, 2f / 12, 3f / 16, 4f / 12, 5f / 16, 6f / 12, 7f / 16};
            assertArrayEquals(want, y.toFloatArray(), 1e-6f);
            assertArrayEquals(want, z.toFloatArray(), 1e-6f);
            assertTrue(y.toString().contains("0.4375"), y.toString());
            return null;
        });
    }
}
