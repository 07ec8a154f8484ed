package dev.kiln.opencl;

import dev.kiln.Kiln;

/** Run in a child JVM by {@link DiscoveryTest}: prints what Kiln says about opencl, then the default backend. */
public final class NoPlatformMain {
    private NoPlatformMain() {}

    public static void main(String[] args) {
        for (Kiln.BackendInfo b : Kiln.backends()) {
            if (b.name().equals(OpenClProvider.NAME)) {
                System.out.println("probe: " + b.availability());
            }
        }
        System.out.println("default: " + Kiln.defaultBackend().name());
    }
}
