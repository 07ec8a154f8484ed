/** Kiln's default backend: kernels on the Java Vector API, split across cores. */
module dev.kiln.cpu {
    requires dev.kiln;
    requires jdk.incubator.vector;
    requires org.slf4j;
    // the probe reads JIT settings (C2 must be available for Vector API code to be fast)
    requires java.management;
    requires jdk.management;

    provides dev.kiln.spi.BackendProvider with
            dev.kiln.cpu.CpuSimdProvider;
}
