/** JMH benchmarks for Kiln's backends, the machine's limits, and the side-by-side comparison with JAX. */
module dev.kiln.bench {
    requires dev.kiln;
    requires dev.kiln.examples;
    requires jdk.incubator.vector;
    requires jdk.jfr;
    requires jmh.core;

    opens dev.kiln.bench;
    opens dev.kiln.bench.jmh_generated;
}
