/** JMH benchmarks for Kiln's backends. */
module dev.kiln.bench {
  requires dev.kiln;
  requires jmh.core;

  opens dev.kiln.bench;
  opens dev.kiln.bench.jmh_generated;
}
