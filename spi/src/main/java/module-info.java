/** Kiln's API: arrays, NumPy-style functions, the IR, the backend SPI and the reference backend. */
module dev.kiln {
    requires org.slf4j;

    exports dev.kiln;
    exports dev.kiln.ir;
    exports dev.kiln.spi;

    uses dev.kiln.spi.BackendProvider;

    provides dev.kiln.spi.BackendProvider with
            dev.kiln.internal.reference.ReferenceProvider;
}
