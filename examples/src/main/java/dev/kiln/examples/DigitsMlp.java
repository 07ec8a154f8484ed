package dev.kiln.examples;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.zip.GZIPInputStream;

/**
 * A 64-64-10 tanh MLP trained on the 8×8 handwritten digits (1,797 images; 360 picked at random
 * are held out) with Adam. One training step — forward pass, reverse-mode gradient over a record of
 * parameters, and the Adam update — is a single {@code jit}-compiled function.
 */
public final class DigitsMlp {
    /** The model's parameters: records are pytrees, so {@code grad} returns a {@code Params} too. */
    public record Params(Array w1, Array b1, Array w2, Array b2) {}

    /** Adam's state: parameters, first and second moment estimates, and the step count. */
    public record Adam(Params params, Params m, Params v, Array step) {}

    /** A minibatch: inputs scaled to [0, 1] and integer labels. */
    public record Batch(Array x, Array y) {}

    /** What one step returns. */
    public record StepResult(Adam state, Array loss) {}

    static final int HIDDEN = 64;
    static final int CLASSES = 10;
    static final int HELD_OUT = 360;
    /** The held-out accuracy the main job's 30 epochs reach (97.2% measured; the test asks for this). */
    public static final double STATED_ACCURACY = 0.96;

    static final float LEARNING_RATE = 0.01f;

    private DigitsMlp() {}

    /** Mean softmax cross-entropy of the model on a batch. */
    public static Array loss(Params p, Batch b) {
        Array logits = predict(p, b.x());
        Array logProbs = logits.subtract(logits.logSumExp(new int[] {1}, true));
        Array picked = Np.sum(logProbs.multiply(Np.oneHot(b.y(), CLASSES)), 1);
        return Np.negative(picked.mean());
    }

    static Array predict(Params p, Array x) {
        Array h = Np.tanh(Np.matmul(x, p.w1()).add(p.b1()));
        return Np.matmul(h, p.w2()).add(p.b2());
    }

    /** One Adam step on a batch; jit-compiled by {@link #train}. */
    static StepResult step(Adam s, Batch b) {
        Kiln.ValueAndGrad<Params> vg = Kiln.valueAndGrad(DigitsMlp::loss).apply(s.params(), b);
        Array t = s.step().add(1);
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        Array c1 = Np.subtract(1, Np.power(beta1, t));
        Array c2 = Np.subtract(1, Np.power(beta2, t));
        Params m = map(s.m(), vg.grad(), (mi, g) -> mi.multiply(beta1).add(g.multiply(1 - beta1)));
        Params v = map(s.v(), vg.grad(), (vi, g) -> vi.multiply(beta2)
                .add(g.multiply(g).multiply(1 - beta2)));
        Params mHat = map(m, m, (mi, unused) -> mi.divide(c1));
        Params vHat = map(v, v, (vi, unused) -> vi.divide(c2));
        Params p = new Params(
                update(s.params().w1(), mHat.w1(), vHat.w1()),
                update(s.params().b1(), mHat.b1(), vHat.b1()),
                update(s.params().w2(), mHat.w2(), vHat.w2()),
                update(s.params().b2(), mHat.b2(), vHat.b2()));
        return new StepResult(new Adam(p, m, v, t), vg.value());
    }

    private static Array update(Array p, Array mHat, Array vHat) {
        return p.subtract(mHat.multiply(LEARNING_RATE).divide(Np.sqrt(vHat).add(1e-8)));
    }

    private static Params map(Params a, Params b, BiFunction<Array, Array, Array> f) {
        return dev.kiln.Tree.map(f, a, b);
    }

    /** Trains for {@code epochs} epochs of minibatches, printing progress; returns the held-out accuracy. */
    public static double train(int epochs, int batchSize, PrintStream out) {
        float[][] data = shuffled(load(), new SplittableRandom(42));
        int n = data.length - HELD_OUT;
        Array xAll = features(data);
        Array yAll = labels(data);
        Array xTrain = Np.index(xAll, "0:" + n);
        Array yTrain = Np.index(yAll, "0:" + n);
        Array xTest = Np.index(xAll, n + ":");
        Array yTest = Np.index(yAll, n + ":");

        SplittableRandom rng = new SplittableRandom(0);
        Params params =
                new Params(glorot(rng, 64, HIDDEN), Np.zeros(HIDDEN), glorot(rng, HIDDEN, CLASSES), Np.zeros(CLASSES));
        Params zeros = dev.kiln.Tree.map(Np::zerosLike, params);
        Adam state = new Adam(params, zeros, zeros, Np.scalar(0f));
        BiFunction<Adam, Batch, StepResult> jitted = Kiln.jit(DigitsMlp::step);

        int stepsPerEpoch = n / batchSize;
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] order = permutation(rng, n);
            double lossSum = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                Array idx = Np.array(java.util.Arrays.copyOfRange(order, s * batchSize, (s + 1) * batchSize));
                StepResult r = jitted.apply(state, new Batch(Np.take(xTrain, idx, 0), Np.take(yTrain, idx, 0)));
                state = r.state();
                lossSum += r.loss().item();
            }
            if (epoch == 1 || epoch % 5 == 0 || epoch == epochs) {
                out.printf(
                        "  epoch %3d/%d  loss %.4f  held-out accuracy %.3f  (%.1f s)%n",
                        epoch,
                        epochs,
                        lossSum / stepsPerEpoch,
                        accuracy(state.params(), xTest, yTest),
                        (System.nanoTime() - start) / 1e9);
            }
        }
        return accuracy(state.params(), xTest, yTest);
    }

    static double accuracy(Params p, Array x, Array y) {
        Array predicted = predict(p, x).argmax(1);
        return Np.equal(predicted, y).astype(DType.FLOAT32).mean().item();
    }

    private static Array glorot(SplittableRandom rng, int fanIn, int fanOut) {
        float[] w = new float[fanIn * fanOut];
        double scale = Math.sqrt(2.0 / (fanIn + fanOut));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (gaussian(rng) * scale);
        }
        return Np.array(w, fanIn, fanOut);
    }

    static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** The rows in a fixed random order, so the held-out set is a random sample of writers and digits. */
    static float[][] shuffled(float[][] rows, SplittableRandom rng) {
        int[] order = permutation(rng, rows.length);
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[order[i]];
        }
        return out;
    }

    static int[] permutation(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static Array features(float[][] data) {
        float[] x = new float[data.length * 64];
        for (int i = 0; i < data.length; i++) {
            for (int j = 0; j < 64; j++) {
                x[i * 64 + j] = data[i][j] / 16f;
            }
        }
        return Np.array(x, data.length, 64);
    }

    static Array labels(float[][] data) {
        int[] y = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            y[i] = (int) data[i][64];
        }
        return Np.array(y);
    }

    /** The digits as rows of 64 pixel values and a label, from the gzipped CSV shipped with Kiln. */
    static float[][] load() {
        try (InputStream raw = DigitsMlp.class.getResourceAsStream("digits.csv.gz")) {
            if (raw == null) {
                throw new IllegalStateException("digits.csv.gz is missing from the class path");
            }
            BufferedReader r =
                    new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
            return r.lines()
                    .filter(l -> !l.isBlank())
                    .map(l -> {
                        String[] parts = l.split(",");
                        float[] row = new float[parts.length];
                        for (int i = 0; i < parts.length; i++) {
                            row[i] = Float.parseFloat(parts[i].strip());
                        }
                        return row;
                    })
                    .toArray(float[][]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
