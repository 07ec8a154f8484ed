/** Kiln's examples and the main job. */
module dev.kiln.examples {
    requires dev.kiln;
    requires dev.kiln.conformance;

    // records of this package are pytrees that Kiln takes apart and rebuilds by reflection
    opens dev.kiln.examples to
            dev.kiln;
}
