package dev.kiln.cpu;

/** Run in a child JVM by {@link ProviderTest}: prints the probe's verdict and the backend Kiln picks. */
public final class ProbeMain {
    private ProbeMain() {}

    public static void main(String[] args) {
        System.out.println("probe: " + new CpuSimdProvider().probe());
        System.out.println("default: " + dev.kiln.Kiln.defaultBackend().name());
    }
}
