/**
 * Kiln's PJRT backend: whole programs lowered to StableHLO and run by a PJRT plugin (XLA on CPU,
 * GPU or TPU) through the PJRT C API, bound with java.lang.foreign.
 */
module dev.kiln.pjrt {
    requires dev.kiln;

    provides dev.kiln.spi.BackendProvider with
            dev.kiln.pjrt.PjrtProvider;
}
