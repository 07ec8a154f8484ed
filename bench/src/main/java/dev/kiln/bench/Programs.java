package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.examples.TransformerBlock;
import dev.kiln.spi.Backend;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Typical JAX programs beyond single kernels, each run op by op and under {@code Kiln.jit}: a
 * matrix-vector product, a Hessian-vector product ({@code jvp} of {@code grad}) through one, the
 * gradient of a {@code scan} RNN, batched attention, the gradient of a GELU MLP, and per-example
 * gradients ({@code vmap} of {@code grad}) and a transformer block's SGD step. {@code jax/workloads.py} and {@code torch/workloads.py}
 * write the same programs at the same sizes; the sizes are the constants below.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsPrepend = {
            "--add-modules=jdk.incubator.vector",
            "-XX:+UseParallelGC",
            "-Xms6g",
            "-Xmx6g",
            "-XX:+AlwaysPreTouch",
            "-XX:+UseTransparentHugePages"
        })
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
public class Programs {
    /** Matrix-vector product: a {@code MATVEC × MATVEC} matrix times a vector. */
    static final int MATVEC = 4096;

    /** Hessian-vector product of {@code sum(tanh(A x))}, {@code A} is {@code HVP × HVP}. */
    static final int HVP = 2048;

    /** Scan RNN: batch, input width, hidden width, steps. */
    static final int RNN_BATCH = 32;

    static final int RNN_IN = 64;
    static final int RNN_HIDDEN = 256;
    static final int RNN_STEPS = 32;

    /** Attention: batch × heads, sequence length, head width. */
    static final int ATT_BATCH = 16;

    static final int ATT_SEQ = 256;
    static final int ATT_DIM = 64;

    /** GELU MLP: batch, input and output width, hidden width. */
    static final int GELU_BATCH = 256;

    static final int GELU_IO = 512;
    static final int GELU_HIDDEN = 1024;

    /** Per-example gradients: examples, input width, hidden width. */
    static final int PEX_BATCH = 256;

    static final int PEX_IN = 64;
    static final int PEX_HIDDEN = 128;

    /** Transformer block training step: batch, sequence, width, heads, MLP width. */
    static final int TF_BATCH = 8;

    static final int TF_SEQ = 128;
    static final int TF_DIM = 256;
    static final int TF_HEADS = 4;
    static final int TF_HIDDEN = 1024;

    // ------------------------------------------------------------------ the programs

    /** {@code W @ x}. */
    static Array matvec(Array w, Array x) {
        return Np.matmul(w, x);
    }

    /** {@code sum(tanh(A x))}, the function whose Hessian-vector product is timed. */
    static Array tanhQuadratic(Array a, Array x) {
        return Np.sum(Np.tanh(Np.matmul(a, x)));
    }

    /** {@code H v} of {@link #tanhQuadratic} at {@code x}: forward mode over reverse mode, as JAX's docs write it. */
    static Array hvp(Array a, Array x, Array v) {
        Function<Array, Array> g = Kiln.grad((Array y) -> tanhQuadratic(a, y));
        return Kiln.jvp(g, x, v).tangent();
    }

    /** Weights of the RNN and its input sequence ({@code steps × batch × in}). */
    public record Rnn(Array w, Array u, Array b) {}

    /** {@code h' = tanh(h W + x_t U + b)} over the sequence; the loss is the mean square of the last state. */
    static Array rnnLoss(Rnn p, Array xs) {
        Array h0 = Np.zeros(RNN_BATCH, RNN_HIDDEN);
        Array last = Lax.scan(
                        (Array h, Array x) -> new Lax.Step<>(
                                Np.tanh(Np.matmul(h, p.w())
                                        .add(Np.matmul(x, p.u()))
                                        .add(p.b())),
                                (Array) null),
                        h0,
                        xs)
                .carry();
        return Np.mean(Np.square(last));
    }

    static Rnn rnnGrad(Rnn p, Array xs) {
        return Kiln.grad(Programs::rnnLoss).apply(p, xs);
    }

    /** {@code softmax(q kᵀ / sqrt(d)) v} over a batch of heads. */
    static Array attention(Array q, Array k, Array v) {
        Array s = Np.matmul(q, Np.swapaxes(k, 1, 2)).multiply((float) (1 / Math.sqrt(ATT_DIM)));
        Array e = Np.exp(s.subtract(s.max(new int[] {2}, true)));
        return Np.matmul(e.divide(e.sum(new int[] {2}, true)), v);
    }

    /** The parameters of a two-layer MLP. */
    public record Mlp(Array w1, Array b1, Array w2, Array b2) {}

    /** GELU, tanh form (as {@code jax.nn.gelu(approximate=True)}). */
    static Array gelu(Array x) {
        Array inner = x.add(x.multiply(x).multiply(x).multiply(0.044715f)).multiply((float) Math.sqrt(2 / Math.PI));
        return x.multiply(0.5f).multiply(Np.tanh(inner).add(1f));
    }

    static Array geluMlpLoss(Mlp p, Array x) {
        Array h = gelu(Np.matmul(x, p.w1()).add(p.b1()));
        Array out = Np.matmul(h, p.w2()).add(p.b2());
        return Np.mean(Np.square(out));
    }

    static Mlp geluMlpGrad(Mlp p, Array x) {
        return Kiln.grad(Programs::geluMlpLoss).apply(p, x);
    }

    /** One example's squared error through {@code tanh(x W1 + b1) · w2 + b2} (w2 a vector, b2 a scalar). */
    static Array exampleLoss(Mlp p, Array xy) {
        Array x = Lax.sliceInDim(xy, 0, 0, PEX_IN);
        Array y = Lax.sliceInDim(xy, 0, PEX_IN, PEX_IN + 1);
        Array h = Np.tanh(Np.matmul(x, p.w1()).add(p.b1()));
        Array out = Np.matmul(h, p.w2()).add(p.b2());
        return Np.sum(Np.square(out.subtract(y)));
    }

    /** The gradient of every example's loss: {@code vmap(grad(loss), in_axes=(None, 0))}. */
    static Mlp perExampleGrads(Mlp p, Array batch) {
        BiFunction<Mlp, Array, Mlp> g = Kiln.grad(Programs::exampleLoss);
        return Kiln.vmap((Array xy) -> g.apply(p, xy)).apply(batch);
    }

    /** A batch for the transformer step: inputs and regression targets, {@code [batch, seq, dim]}. */
    public record TfBatch(Array x, Array target) {}

    /**
     * One SGD step of the examples' transformer block (layer norm, causal attention, GELU MLP,
     * residuals): forward, gradient of the mean squared error over every weight, and the update.
     */
    static TransformerBlock.Step transformerStep(TransformerBlock.Params p, TfBatch b) {
        return TransformerBlock.step(p, b.x(), b.target(), TF_HEADS, 0.01f);
    }

    // ------------------------------------------------------------------ state

    /** Inputs on a Kiln backend and the jitted programs. */
    @State(Scope.Benchmark)
    public static class OnKiln {
        @Param({"cpu-simd"})
        public String backend;

        Backend on;
        Array mw;
        Array mx;
        Array ha;
        Array hx;
        Array hv;
        Rnn rnn;
        Array rnnXs;
        Array q;
        Array k;
        Array v;
        Mlp gelu;
        Array geluX;
        Mlp pex;
        Array pexBatch;
        TransformerBlock.Params tf;
        TfBatch tfBatch;
        BiFunction<Array, Array, Array> matvecJit;
        Function<Array[], Array> hvpJit;
        BiFunction<Rnn, Array, Rnn> rnnJit;
        Function<Array[], Array> attentionJit;
        BiFunction<Mlp, Array, Mlp> geluJit;
        BiFunction<Mlp, Array, Mlp> pexJit;
        BiFunction<TransformerBlock.Params, TfBatch, TransformerBlock.Step> tfJit;

        @Setup
        public void setup() {
            on = Kiln.backend(backend);
            Kiln.withBackend(on, () -> {
                mw = Np.array(Data.uniform(MATVEC * MATVEC, 21), MATVEC, MATVEC);
                mx = Np.array(Data.uniform(MATVEC, 22), MATVEC);
                ha = Np.array(Data.uniform(HVP * HVP, 23, (float) (1 / Math.sqrt(HVP))), HVP, HVP);
                hx = Np.array(Data.uniform(HVP, 24), HVP);
                hv = Np.array(Data.uniform(HVP, 25), HVP);
                rnn = new Rnn(
                        Np.array(
                                Data.uniform(RNN_HIDDEN * RNN_HIDDEN, 26, (float) (1 / Math.sqrt(RNN_HIDDEN))),
                                RNN_HIDDEN,
                                RNN_HIDDEN),
                        Np.array(
                                Data.uniform(RNN_IN * RNN_HIDDEN, 27, (float) (1 / Math.sqrt(RNN_IN))),
                                RNN_IN,
                                RNN_HIDDEN),
                        Np.zeros(RNN_HIDDEN));
                rnnXs = Np.array(Data.uniform(RNN_STEPS * RNN_BATCH * RNN_IN, 28), RNN_STEPS, RNN_BATCH, RNN_IN);
                int qkv = ATT_BATCH * ATT_SEQ * ATT_DIM;
                q = Np.array(Data.uniform(qkv, 29), ATT_BATCH, ATT_SEQ, ATT_DIM);
                k = Np.array(Data.uniform(qkv, 30), ATT_BATCH, ATT_SEQ, ATT_DIM);
                v = Np.array(Data.uniform(qkv, 31), ATT_BATCH, ATT_SEQ, ATT_DIM);
                gelu = new Mlp(
                        Np.array(
                                Data.uniform(GELU_IO * GELU_HIDDEN, 32, (float) (1 / Math.sqrt(GELU_IO))),
                                GELU_IO,
                                GELU_HIDDEN),
                        Np.zeros(GELU_HIDDEN),
                        Np.array(
                                Data.uniform(GELU_HIDDEN * GELU_IO, 33, (float) (1 / Math.sqrt(GELU_HIDDEN))),
                                GELU_HIDDEN,
                                GELU_IO),
                        Np.zeros(GELU_IO));
                geluX = Np.array(Data.uniform(GELU_BATCH * GELU_IO, 34), GELU_BATCH, GELU_IO);
                pex = new Mlp(
                        Np.array(
                                Data.uniform(PEX_IN * PEX_HIDDEN, 35, (float) (1 / Math.sqrt(PEX_IN))),
                                PEX_IN,
                                PEX_HIDDEN),
                        Np.zeros(PEX_HIDDEN),
                        Np.array(Data.uniform(PEX_HIDDEN, 36, (float) (1 / Math.sqrt(PEX_HIDDEN))), PEX_HIDDEN),
                        Np.zeros());
                pexBatch = Np.array(Data.uniform(PEX_BATCH * (PEX_IN + 1), 37), PEX_BATCH, PEX_IN + 1);
                tf = TransformerBlock.init(TF_DIM, TF_HIDDEN);
                int tokens = TF_BATCH * TF_SEQ * TF_DIM;
                tfBatch = new TfBatch(
                        Np.array(Data.uniform(tokens, 38), TF_BATCH, TF_SEQ, TF_DIM),
                        Np.array(Data.uniform(tokens, 39), TF_BATCH, TF_SEQ, TF_DIM));
                return null;
            });
            matvecJit = Kiln.jit(Programs::matvec);
            hvpJit = Kiln.jit((Array[] a) -> hvp(a[0], a[1], a[2]));
            rnnJit = Kiln.jit(Programs::rnnGrad);
            attentionJit = Kiln.jit((Array[] a) -> attention(a[0], a[1], a[2]));
            geluJit = Kiln.jit(Programs::geluMlpGrad);
            pexJit = Kiln.jit(Programs::perExampleGrads);
            tfJit = Kiln.jit(Programs::transformerStep);
        }
    }

    private static <T> T eager(OnKiln s, java.util.function.Supplier<T> f) {
        return Kiln.withBackend(s.on, f::get);
    }

    @Benchmark
    public Array matvecEager(OnKiln s) {
        return eager(s, () -> matvec(s.mw, s.mx));
    }

    @Benchmark
    public Array matvecJit(OnKiln s) {
        return s.matvecJit.apply(s.mw, s.mx);
    }

    @Benchmark
    public Array hvpEager(OnKiln s) {
        return eager(s, () -> hvp(s.ha, s.hx, s.hv));
    }

    @Benchmark
    public Array hvpJit(OnKiln s) {
        return s.hvpJit.apply(new Array[] {s.ha, s.hx, s.hv});
    }

    @Benchmark
    public Rnn rnnGradEager(OnKiln s) {
        return eager(s, () -> rnnGrad(s.rnn, s.rnnXs));
    }

    @Benchmark
    public Rnn rnnGradJit(OnKiln s) {
        return s.rnnJit.apply(s.rnn, s.rnnXs);
    }

    @Benchmark
    public Array attentionEager(OnKiln s) {
        return eager(s, () -> attention(s.q, s.k, s.v));
    }

    @Benchmark
    public Array attentionJit(OnKiln s) {
        return s.attentionJit.apply(new Array[] {s.q, s.k, s.v});
    }

    @Benchmark
    public Mlp geluMlpGradEager(OnKiln s) {
        return eager(s, () -> geluMlpGrad(s.gelu, s.geluX));
    }

    @Benchmark
    public Mlp geluMlpGradJit(OnKiln s) {
        return s.geluJit.apply(s.gelu, s.geluX);
    }

    @Benchmark
    public Mlp perExampleGradsEager(OnKiln s) {
        return eager(s, () -> perExampleGrads(s.pex, s.pexBatch));
    }

    @Benchmark
    public Mlp perExampleGradsJit(OnKiln s) {
        return s.pexJit.apply(s.pex, s.pexBatch);
    }

    @Benchmark
    public TransformerBlock.Step transformerStepEager(OnKiln s) {
        return eager(s, () -> transformerStep(s.tf, s.tfBatch));
    }

    @Benchmark
    public TransformerBlock.Step transformerStepJit(OnKiln s) {
        return s.tfJit.apply(s.tf, s.tfBatch);
    }
}
