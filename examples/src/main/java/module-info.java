/** Kiln's examples and the main job. */
module dev.kiln.examples {
    requires dev.kiln;
    requires dev.kiln.conformance;

    // the transformer block is timed by the benchmarks
    exports dev.kiln.examples;

    // records of this package are pytrees that Kiln takes apart and rebuilds by reflection
    opens dev.kiln.examples to
            dev.kiln;
}
