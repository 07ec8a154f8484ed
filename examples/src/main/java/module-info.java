/** Kiln's examples and the main job. */
module dev.kiln.examples {
    requires dev.kiln;
    requires dev.kiln.conformance;
}
