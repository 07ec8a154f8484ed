/** Kiln's OpenCL backend: kernels written as OpenCL C at run time, for GPUs and (through PoCL) CPUs. */
module dev.kiln.opencl {
    requires dev.kiln;
    requires jocl;
    requires org.slf4j;

    provides dev.kiln.spi.BackendProvider with
            dev.kiln.opencl.OpenClProvider;
}
