/** The conformance suite every Kiln backend must pass, and the support-matrix runner. */
module dev.kiln.conformance {
    requires dev.kiln;
    requires org.junit.jupiter.api;
    requires org.slf4j;

    exports dev.kiln.conformance;

    uses dev.kiln.spi.BackendProvider;
}
