package dev.kiln.cpu;

import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import java.util.Map;

/** Placeholder provider; the backend itself is being written. */
public final class CpuSimdProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu-simd";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability probe() {
        return Availability.unavailable("not written yet", "use -Dkiln.backend=reference");
    }

    @Override
    public Backend open(Map<String, String> options) {
        throw new UnsupportedOperationException();
    }
}
