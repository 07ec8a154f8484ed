package dev.kiln.examples;

import dev.kiln.Array;
import dev.kiln.Np;
import java.io.PrintStream;

/** Small programs that show Kiln's NumPy-style API. */
final class Examples {
    private Examples() {}

    /**
     * Scores a batch of inputs with a linear softmax classifier: logits = x·W + b, probabilities by
     * a numerically stable softmax, predictions by argmax, and the mean cross-entropy against labels.
     */
    static void softmaxScores(PrintStream out) {
        Array x = Np.linspace(-1, 1, 12).reshape(4, 3);
        Array w = Np.array(new float[][] {{1, -1}, {0.5f, 0.5f}, {-1, 2}});
        Array b = Np.array(new float[] {0.1f, -0.1f});
        Array labels = Np.array(new int[] {0, 0, 1, 1});

        Array logits = Np.matmul(x, w).add(b);
        Array logProbs = logits.subtract(logits.logSumExp(new int[] {1}, true));
        Array probs = Np.exp(logProbs);
        Array predictions = logits.argmax(1);
        Array nll =
                Np.negative(Np.takeAlongAxis(logProbs, labels.reshape(4, 1), 1)).mean();

        out.println("x =\n" + x);
        out.println("probabilities =\n" + probs);
        out.println("predictions = " + predictions);
        out.println("accuracy    = "
                + Np.equal(predictions, labels).astype(dev.kiln.DType.FLOAT32).mean());
        out.println("cross-entropy = " + nll.item());
    }
}
