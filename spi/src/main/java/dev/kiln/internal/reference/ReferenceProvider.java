package dev.kiln.internal.reference;

import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import java.util.Map;

/** Provides the reference backend, which is always available and has the lowest priority. */
public final class ReferenceProvider implements BackendProvider {
    public static final String NAME = "reference";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability probe() {
        return Availability.ok("scalar Java loops in double precision; always available");
    }

    @Override
    public Backend open(Map<String, String> options) {
        return new ReferenceBackend();
    }
}
