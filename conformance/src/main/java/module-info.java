/** The conformance suite every Kiln backend must pass, and the support-matrix runner. */
module dev.kiln.conformance {
    requires transitive dev.kiln;
    requires java.management;
    requires transitive org.junit.jupiter.api;

    exports dev.kiln.conformance;
    // JUnit calls the test factories of BackendConformance reflectively
    opens dev.kiln.conformance to
            org.junit.platform.commons;

    uses dev.kiln.spi.BackendProvider;
}
