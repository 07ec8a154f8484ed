package dev.kiln.bench;

/**
 * The baselines: the loops a Java programmer would write by hand for each workload, single-threaded,
 * on {@code float[]}, allocating their outputs as the eager ops do. They use {@code Math.tanh} and
 * {@code Math.exp} (double precision) and the i-k-j matmul order, which C2 does not vectorise
 * (performance.md §2); they show what Kiln saves a programmer, not what the machine can do.
 */
final class PlainLoops {
    private PlainLoops() {}

    static float sumFma(float[] x, float[] y, float[] z) {
        float s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] + y[i] * z[i];
        }
        return s;
    }

    static float[] tanhChain(float[] x, float[] y, float[] z) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) Math.tanh(x[i] + y[i] * z[i]) * 0.5f + x[i];
        }
        return out;
    }

    static float[] softmax(float[] x, int rows, int cols) {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, x[o + c]);
            }
            float sum = 0;
            for (int c = 0; c < cols; c++) {
                float e = (float) Math.exp(x[o + c] - max);
                out[o + c] = e;
                sum += e;
            }
            float inv = 1 / sum;
            for (int c = 0; c < cols; c++) {
                out[o + c] *= inv;
            }
        }
        return out;
    }

    static float[] layerNorm(float[] x, float[] gamma, float[] beta, int rows, int cols) {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += x[o + c];
            }
            float mean = sum / cols;
            float sq = 0;
            for (int c = 0; c < cols; c++) {
                float d = x[o + c] - mean;
                sq += d * d;
            }
            float scale = (float) (1 / Math.sqrt(sq / cols + 1e-5f));
            for (int c = 0; c < cols; c++) {
                out[o + c] = (x[o + c] - mean) * scale * gamma[c] + beta[c];
            }
        }
        return out;
    }

    /** {@code a[m×k] @ b[k×n]} in i-k-j order. */
    static float[] matmul(float[] a, float[] b, int m, int k, int n) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            for (int p = 0; p < k; p++) {
                float aip = a[i * k + p];
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b[bp + j];
                }
            }
        }
        return c;
    }

    static float[] dense(float[] x, float[] w, float[] b, int m, int k, int n) {
        float[] y = matmul(x, w, m, k, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                y[i * n + j] = (float) Math.tanh(y[i * n + j] + b[j]);
            }
        }
        return y;
    }

    static float[] add(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    /** A sequential float sum, as a Java programmer writes it (C2 does not reorder it into vectors). */
    static float sum(float[] x) {
        float s = 0;
        for (float v : x) {
            s += v;
        }
        return s;
    }

    /** Parameters of the 784-512-10 MLP as flat row-major arrays. */
    record Mlp(float[] w1, float[] b1, float[] w2, float[] b2) {}

    /**
     * One SGD step (learning rate 0.01) of the tanh MLP with mean softmax cross-entropy, the forward
     * and backward passes derived by hand: what {@code grad} writes for {@link MlpStep}.
     */
    static Mlp mlpStep(Mlp p, float[] x, int[] labels, int batch, int in, int hidden, int classes) {
        float[] h = dense(x, p.w1(), p.b1(), batch, in, hidden);
        float[] logits = matmul(h, p.w2(), batch, hidden, classes);
        // d loss / d logits = (softmax - onehot) / batch
        float[] dLogits = new float[batch * classes];
        for (int i = 0; i < batch; i++) {
            int o = i * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                logits[o + j] += p.b2()[j];
                max = Math.max(max, logits[o + j]);
            }
            float sum = 0;
            for (int j = 0; j < classes; j++) {
                float e = (float) Math.exp(logits[o + j] - max);
                dLogits[o + j] = e;
                sum += e;
            }
            for (int j = 0; j < classes; j++) {
                dLogits[o + j] = (dLogits[o + j] / sum - (labels[i] == j ? 1 : 0)) / batch;
            }
        }
        float[] dw2 = new float[hidden * classes];
        float[] db2 = new float[classes];
        float[] dz1 = new float[batch * hidden];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < classes; j++) {
                float g = dLogits[i * classes + j];
                db2[j] += g;
                for (int r = 0; r < hidden; r++) {
                    dw2[r * classes + j] += h[i * hidden + r] * g;
                    dz1[i * hidden + r] += g * p.w2()[r * classes + j];
                }
            }
        }
        float[] db1 = new float[hidden];
        for (int i = 0; i < batch; i++) {
            for (int r = 0; r < hidden; r++) {
                float hv = h[i * hidden + r];
                float g = dz1[i * hidden + r] * (1 - hv * hv);
                dz1[i * hidden + r] = g;
                db1[r] += g;
            }
        }
        float[] dw1 = new float[in * hidden];
        for (int i = 0; i < batch; i++) {
            for (int k = 0; k < in; k++) {
                float xv = x[i * in + k];
                int row = k * hidden;
                int gi = i * hidden;
                for (int r = 0; r < hidden; r++) {
                    dw1[row + r] += xv * dz1[gi + r];
                }
            }
        }
        return new Mlp(sgd(p.w1(), dw1), sgd(p.b1(), db1), sgd(p.w2(), dw2), sgd(p.b2(), db2));
    }

    private static float[] sgd(float[] w, float[] g) {
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] - 0.01f * g[i];
        }
        return out;
    }
}
