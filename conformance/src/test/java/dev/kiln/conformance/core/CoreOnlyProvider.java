package dev.kiln.conformance.core;

import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import java.util.Map;

/**
 * Provides {@link CoreOnlyBackend}, the smallest complete backend: the 33 core primitives as scalar
 * loops. Negative priority, so it is only used where it is named ({@code -Dkiln.backend=core-only}).
 */
public final class CoreOnlyProvider implements BackendProvider {
    static final String NAME = "core-only";

    public CoreOnlyProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -50;
    }

    @Override
    public Availability probe() {
        return Availability.ok("the core primitives as scalar loops, for the conformance suite");
    }

    @Override
    public Backend open(Map<String, String> options) {
        return new CoreOnlyBackend();
    }
}
