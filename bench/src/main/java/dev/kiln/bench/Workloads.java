package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Np;

/**
 * The benchmarked computations written once with Kiln's {@code Np} API. Each benchmark runs the
 * same method op by op (eager) and under {@code Kiln.jit}, so the two differ only in how they
 * execute. {@code jax/workloads.py} writes the same formulas with {@code jax.numpy}.
 */
final class Workloads {
    private static final int[] LAST = {1};

    private Workloads() {}

    /** Three same-shaped operands, one tree for {@code jit}. */
    record Xyz(Array x, Array y, Array z) {}

    /** Rows to normalise and the per-column scale and shift. */
    record Affine(Array x, Array gamma, Array beta) {}

    /** An input batch, a weight matrix and a bias row. */
    record Layer(Array x, Array w, Array b) {}

    /** {@code sum(x + y*z)}: the XLA documentation's fusion example, an elementwise chain into a reduction. */
    static Array sumFma(Xyz a) {
        return Np.sum(a.x().add(a.y().multiply(a.z())));
    }

    /** {@code tanh(x + y*z) * 0.5 + x}: a map with a transcendental and a reused input. */
    static Array tanhChain(Xyz a) {
        Array x = a.x();
        return x.add(a.y().multiply(a.z())).tanh().multiply(0.5f).add(x);
    }

    /** Softmax along the last axis, shifted by the row maximum as {@code jax.nn.softmax} is. */
    static Array softmax(Array x) {
        Array e = x.subtract(x.max(LAST, true)).exp();
        return e.divide(e.sum(LAST, true));
    }

    /** Layer normalisation over the last axis with epsilon 1e-5, then scale and shift. */
    static Array layerNorm(Affine a) {
        Array x = a.x();
        Array centred = x.subtract(x.mean(LAST, true));
        Array variance = centred.square().mean(LAST, true);
        return centred.multiply(variance.add(1e-5f).rsqrt()).multiply(a.gamma()).add(a.beta());
    }

    /** {@code tanh(x @ w + b)}: a dense layer, the matmul with an elementwise epilogue. */
    static Array dense(Layer l) {
        return Np.tanh(Np.matmul(l.x(), l.w()).add(l.b()));
    }

    /** {@code a @ b}. */
    static Array matmul(Array a, Array b) {
        return Np.matmul(a, b);
    }
}
