/** Kiln's default backend: kernels on the Java Vector API, split across cores. */
module dev.kiln.cpu {
    requires dev.kiln;
    requires jdk.incubator.vector;
    requires org.slf4j;

    provides dev.kiln.spi.BackendProvider with
            dev.kiln.cpu.CpuSimdProvider;
}
