/** The conformance suite every Kiln backend must pass, and the support-matrix runner. */
module dev.kiln.conformance {
    requires transitive dev.kiln;
    requires java.management;
    requires transitive org.junit.jupiter.api;

    exports dev.kiln.conformance;
    // JUnit calls the test factories of BackendConformance reflectively
    opens dev.kiln.conformance to
            org.junit.platform.commons;
    // the pytree and control-flow families pass records (Mlp, Model, State) through Kiln's
    // transformations, which take them apart and rebuild them reflectively
    opens dev.kiln.conformance.families to
            dev.kiln;

    uses dev.kiln.spi.BackendProvider;
}
