package dev.kiln.examples;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Nn;
import dev.kiln.Np;
import java.io.PrintStream;
import java.util.function.BiFunction;

/**
 * A pre-norm transformer block written as its JAX counterpart reads: layer norm, causal multi-head
 * self-attention through {@link Nn#dotProductAttention}, a residual, layer norm, a GELU MLP and a
 * second residual. {@code examples/scripts/transformer_block.py} is the same block in JAX; the
 * test checks the forward output and every parameter's gradient against the values it wrote, on
 * the same weights ({@link #init}).
 *
 * <pre>{@code
 * def block(p, x):                                  # x: [batch, seq, dim]
 *     h = layer_norm(x, p.ln1_scale, p.ln1_bias)
 *     q, k, v = (heads(h @ w) for w in (p.wq, p.wk, p.wv))
 *     a = jax.nn.dot_product_attention(q, k, v, is_causal=True)
 *     x = x + merge(a) @ p.wo
 *     h = layer_norm(x, p.ln2_scale, p.ln2_bias)
 *     return x + jax.nn.gelu(h @ p.w1 + p.b1) @ p.w2 + p.b2
 * }</pre>
 */
public final class TransformerBlock {
    /** The block's weights; a record, so {@code grad} returns its gradient as a {@code Params}. */
    public record Params(
            Array ln1Scale,
            Array ln1Bias,
            Array wq,
            Array wk,
            Array wv,
            Array wo,
            Array ln2Scale,
            Array ln2Bias,
            Array w1,
            Array b1,
            Array w2,
            Array b2) {}

    /** What one training step returns. */
    public record Step(Params params, Array loss) {}

    private TransformerBlock() {}

    /** {@code standardize(x) * scale + bias} over the last axis (epsilon 1e-5). */
    static Array layerNorm(Array x, Array scale, Array bias) {
        return Nn.standardize(x, -1).multiply(scale).add(bias);
    }

    /** {@code [B, T, D] -> [B, T, heads, D / heads]}. */
    static Array heads(Array x, int heads) {
        int[] s = x.shape();
        return x.reshape(s[0], s[1], heads, s[2] / heads);
    }

    /** The block applied to {@code x} of shape {@code [batch, seq, dim]}. */
    public static Array forward(Params p, Array x, int heads) {
        int[] s = x.shape();
        Array h = layerNorm(x, p.ln1Scale(), p.ln1Bias());
        Array q = heads(Np.matmul(h, p.wq()), heads);
        Array k = heads(Np.matmul(h, p.wk()), heads);
        Array v = heads(Np.matmul(h, p.wv()), heads);
        Array a = Nn.dotProductAttention(q, k, v, true).reshape(s[0], s[1], s[2]);
        x = x.add(Np.matmul(a, p.wo()));
        h = layerNorm(x, p.ln2Scale(), p.ln2Bias());
        Array mlp = Np.matmul(Nn.gelu(Np.matmul(h, p.w1()).add(p.b1())), p.w2()).add(p.b2());
        return x.add(mlp);
    }

    /** Mean squared error of the block's output against {@code target}. */
    public static Array loss(Params p, Array x, Array target, int heads) {
        return Np.mean(Np.square(forward(p, x, heads).subtract(target)));
    }

    /** One SGD step: the loss and its gradient over every weight, then {@code p - lr * g}. */
    public static Step step(Params p, Array x, Array target, int heads, float learningRate) {
        Kiln.ValueAndGrad<Params> vg = Kiln.valueAndGrad((Params q, Array in) -> loss(q, in, target, heads))
                .apply(p, x);
        Params g = vg.grad();
        return new Step(
                new Params(
                        sgd(p.ln1Scale(), g.ln1Scale(), learningRate),
                        sgd(p.ln1Bias(), g.ln1Bias(), learningRate),
                        sgd(p.wq(), g.wq(), learningRate),
                        sgd(p.wk(), g.wk(), learningRate),
                        sgd(p.wv(), g.wv(), learningRate),
                        sgd(p.wo(), g.wo(), learningRate),
                        sgd(p.ln2Scale(), g.ln2Scale(), learningRate),
                        sgd(p.ln2Bias(), g.ln2Bias(), learningRate),
                        sgd(p.w1(), g.w1(), learningRate),
                        sgd(p.b1(), g.b1(), learningRate),
                        sgd(p.w2(), g.w2(), learningRate),
                        sgd(p.b2(), g.b2(), learningRate)),
                vg.value());
    }

    private static Array sgd(Array w, Array g, float lr) {
        return w.subtract(g.multiply(lr));
    }

    /**
     * Deterministic weights that the JAX script computes the same way: element {@code i} of the
     * {@code n}-th array is {@code scale * sin(1 + 0.37 i + 1.7 n)}, layer-norm scales {@code 1 +}
     * that; the matrices are scaled by {@code 1/sqrt(fan_in)}.
     */
    public static Params init(int dim, int hidden) {
        double wd = 1 / Math.sqrt(dim);
        double wh = 1 / Math.sqrt(hidden);
        return new Params(
                Np.add(1, values(0, 0.1, dim)),
                values(1, 0.1, dim),
                values(2, wd, dim, dim),
                values(3, wd, dim, dim),
                values(4, wd, dim, dim),
                values(5, wd, dim, dim),
                Np.add(1, values(6, 0.1, dim)),
                values(7, 0.1, dim),
                values(8, wd, dim, hidden),
                values(9, 0.1, hidden),
                values(10, wh, hidden, dim),
                values(11, 0.1, dim));
    }

    /** {@code scale * sin(1 + 0.37 i + 1.7 n)} as float32, of the given shape. */
    public static Array values(int n, double scale, int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (scale * Math.sin(1 + 0.37 * i + 1.7 * n));
        }
        return Np.array(v, shape);
    }

    /** Trains the block for a few jitted SGD steps on a fixed batch and prints the loss. */
    public static void run(PrintStream out) {
        int batch = 2, seq = 8, dim = 16, heads = 4, hidden = 64;
        Array x = values(20, 1.0, batch, seq, dim);
        Array target = values(21, 1.0, batch, seq, dim);
        BiFunction<Params, Array, Step> step = Kiln.jit((Params p, Array in) -> step(p, in, target, heads, 0.05f));
        Params p = init(dim, hidden);
        for (int i = 0; i < 20; i++) {
            Step s = step.apply(p, x);
            if (i % 5 == 0 || i == 19) {
                out.printf("step %2d  loss %.5f%n", i, s.loss().item());
            }
            p = s.params();
        }
    }
}
