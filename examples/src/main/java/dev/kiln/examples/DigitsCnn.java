package dev.kiln.examples;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Nn;
import dev.kiln.Np;
import dev.kiln.Tree;
import java.io.PrintStream;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * A small convolutional network on the 8×8 digits, written as a JAX user would write it with
 * {@code jax.lax}: a 3×3 convolution (NHWC, "SAME"), ReLU, 2×2 max pooling, a second 3×3
 * convolution, ReLU, and a dense layer to the ten classes, trained with Adam. One step (loss,
 * gradient through the pooling and both convolutions, update) is one {@code jit}-compiled function.
 */
public final class DigitsCnn {
    /** Kernels are HWIO, as in JAX's channels-last convention. */
    public record Params(Array k1, Array b1, Array k2, Array b2, Array w, Array b) {}

    record Adam(Params params, Params m, Params v, Array step) {}

    record Step(Adam state, Array loss) {}

    static final int C1 = 8;
    static final int C2 = 16;
    private static final String[] NHWC = {"NHWC", "HWIO", "NHWC"};
    private static final int[] ONE = {1, 1};

    private DigitsCnn() {}

    static Array predict(Params p, Array x) {
        Array img = Np.reshape(x, x.shape(0), 8, 8, 1);
        Array h = Nn.relu(Lax.convGeneralDilated(img, p.k1(), ONE, "SAME", null, null, NHWC)
                .add(p.b1()));
        h = Lax.reduceWindow(
                h, Double.NEGATIVE_INFINITY, Lax.Monoid.MAX, new int[] {1, 2, 2, 1}, new int[] {1, 2, 2, 1}, "VALID");
        h = Nn.relu(
                Lax.convGeneralDilated(h, p.k2(), ONE, "SAME", null, null, NHWC).add(p.b2()));
        return Np.matmul(Np.reshape(h, h.shape(0), 4 * 4 * C2), p.w()).add(p.b());
    }

    static Array loss(Params p, DigitsMlp.Batch b) {
        Array logits = predict(p, b.x());
        Array logProbs = logits.subtract(logits.logSumExp(new int[] {1}, true));
        return Np.negative(Np.sum(logProbs.multiply(Np.oneHot(b.y(), 10)), 1).mean());
    }

    static Step step(Adam s, DigitsMlp.Batch b) {
        Kiln.ValueAndGrad<Params> vg = Kiln.valueAndGrad(DigitsCnn::loss).apply(s.params(), b);
        Array t = s.step().add(1);
        float b1 = 0.9f;
        float b2 = 0.999f;
        Params m = Tree.map((Array mi, Array g) -> mi.multiply(b1).add(g.multiply(1 - b1)), s.m(), vg.grad());
        Params v = Tree.map(
                (Array vi, Array g) -> vi.multiply(b2).add(g.multiply(g).multiply(1 - b2)), s.v(), vg.grad());
        Array c1 = Np.subtract(1, Np.power(b1, t));
        Array c2 = Np.subtract(1, Np.power(b2, t));
        Params u = Tree.map(
                (Array mi, Array vi) -> mi.divide(c1)
                        .multiply(0.01f)
                        .divide(Np.sqrt(vi.divide(c2)).add(1e-8)),
                m,
                v);
        Params p = Tree.map((Array pi, Array ui) -> pi.subtract(ui), s.params(), u);
        return new Step(new Adam(p, m, v, t), vg.value());
    }

    /** Trains for {@code epochs} epochs of minibatches; returns the held-out accuracy. */
    public static double train(int epochs, int batchSize, PrintStream out) {
        float[][] data = DigitsMlp.shuffled(DigitsMlp.load(), new SplittableRandom(42));
        int n = data.length - DigitsMlp.HELD_OUT;
        Array xAll = DigitsMlp.features(data);
        Array yAll = DigitsMlp.labels(data);
        Array xTrain = Np.index(xAll, "0:" + n);
        Array yTrain = Np.index(yAll, "0:" + n);
        Array xTest = Np.index(xAll, n + ":");
        Array yTest = Np.index(yAll, n + ":");
        SplittableRandom rng = new SplittableRandom(0);
        Params params = new Params(
                normal(rng, 9, 3, 3, 1, C1),
                Np.zeros(C1),
                normal(rng, 9 * C1, 3, 3, C1, C2),
                Np.zeros(C2),
                normal(rng, 16 * C2, 16 * C2, 10),
                Np.zeros(10));
        Params zeros = Tree.map(Np::zerosLike, params);
        Adam state = new Adam(params, zeros, zeros, Np.scalar(0f));
        BiFunction<Adam, DigitsMlp.Batch, Step> jitted = Kiln.jit(DigitsCnn::step);
        int steps = n / batchSize;
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] order = DigitsMlp.permutation(rng, n);
            double lossSum = 0;
            for (int s = 0; s < steps; s++) {
                Array idx = Np.array(java.util.Arrays.copyOfRange(order, s * batchSize, (s + 1) * batchSize));
                Step r = jitted.apply(state, new DigitsMlp.Batch(Np.take(xTrain, idx, 0), Np.take(yTrain, idx, 0)));
                state = r.state();
                lossSum += r.loss().item();
            }
            out.printf(
                    "  epoch %3d/%d  loss %.4f  held-out accuracy %.3f  (%.1f s)%n",
                    epoch,
                    epochs,
                    lossSum / steps,
                    accuracy(state.params(), xTest, yTest),
                    (System.nanoTime() - start) / 1e9);
        }
        return accuracy(state.params(), xTest, yTest);
    }

    static double accuracy(Params p, Array x, Array y) {
        return Np.equal(predict(p, x).argmax(1), y).astype(DType.FLOAT32).mean().item();
    }

    /** He-style initialisation: normal with variance 2 / fanIn. */
    private static Array normal(SplittableRandom rng, int fanIn, int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        float[] w = new float[size];
        double scale = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < size; i++) {
            w[i] = (float) (DigitsMlp.gaussian(rng) * scale);
        }
        return Np.array(w, shape);
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        System.out.printf("held-out accuracy %.3f%n", train(epochs, 128, System.out));
    }
}
