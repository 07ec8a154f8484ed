package dev.kiln.bench;

import java.util.SplittableRandom;

/** Benchmark inputs: the same seeded values for Kiln, the plain-Java baselines and (in spirit) JAX. */
final class Data {
    private Data() {}

    /** {@code n} floats uniform in [-1, 1). */
    static float[] uniform(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return out;
    }

    /** {@code n} floats uniform in [-scale, scale). */
    static float[] uniform(int n, long seed, float scale) {
        float[] out = uniform(n, seed);
        for (int i = 0; i < n; i++) {
            out[i] *= scale;
        }
        return out;
    }
}
