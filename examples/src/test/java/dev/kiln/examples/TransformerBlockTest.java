package dev.kiln.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The transformer block's forward output, loss and the gradient of every weight against JAX's on
 * the same weights (examples/scripts/transformer_block.py wrote them), eagerly and under jit.
 */
class TransformerBlockTest {
    private static final List<String> NAMES =
            List.of("ln1Scale", "ln1Bias", "wq", "wk", "wv", "wo", "ln2Scale", "ln2Bias", "w1", "b1", "w2", "b2");

    private static Map<String, double[]> goldens() throws IOException {
        Map<String, double[]> m = new HashMap<>();
        try (InputStream in =
                TransformerBlockTest.class.getResourceAsStream("/dev/kiln/examples/transformer_block.txt")) {
            assertNotNull(in, "transformer_block.txt is missing; run examples/scripts/transformer_block.py");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                if (s.startsWith("#")) {
                    continue;
                }
                String[] f = s.split(" ");
                double[] v = new double[f.length - 1];
                for (int i = 1; i < f.length; i++) {
                    v[i - 1] = Double.parseDouble(f[i]);
                }
                m.put(f[0], v);
            }
        }
        return m;
    }

    /**
     * float32 on both sides, through matmuls, two layer norms, a softmax and a tanh: each element
     * within 2e-5 of the largest magnitude of its array (about 170 float32 ulps of that scale).
     */
    private static void close(String what, double[] expected, Array actual) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length, what + ": size");
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < a.length; i++) {
            assertTrue(
                    Math.abs(a[i] - expected[i]) <= 2e-5 * scale,
                    what + " [" + i + "]: expected " + expected[i] + ", got " + a[i] + " (scale " + scale + ")");
        }
    }

    @Test
    void forwardAndGradientsMatchJax() throws IOException {
        Map<String, double[]> g = goldens();
        double[] sizes = g.get("sizes");
        int batch = (int) sizes[0], seq = (int) sizes[1], dim = (int) sizes[2], heads = (int) sizes[3];
        int hidden = (int) sizes[4];
        TransformerBlock.Params p = TransformerBlock.init(dim, hidden);
        Array x = TransformerBlock.values(20, 1.0, batch, seq, dim);
        Array target = TransformerBlock.values(21, 1.0, batch, seq, dim);

        close("forward", g.get("forward"), TransformerBlock.forward(p, x, heads));
        BiFunction<TransformerBlock.Params, Array, Array> jitted =
                Kiln.jit((TransformerBlock.Params q, Array in) -> TransformerBlock.forward(q, in, heads));
        close("jit forward", g.get("forward"), jitted.apply(p, x));

        Kiln.ValueAndGrad<TransformerBlock.Params> vg = Kiln.valueAndGrad(
                        (TransformerBlock.Params q, Array in) -> TransformerBlock.loss(q, in, target, heads))
                .apply(p, x);
        close("loss", g.get("loss"), vg.value());
        Array[] grads = {
            vg.grad().ln1Scale(), vg.grad().ln1Bias(), vg.grad().wq(), vg.grad().wk(),
                    vg.grad().wv(),
            vg.grad().wo(), vg.grad().ln2Scale(), vg.grad().ln2Bias(), vg.grad().w1(),
                    vg.grad().b1(),
            vg.grad().w2(), vg.grad().b2()
        };
        for (int i = 0; i < grads.length; i++) {
            close("grad " + NAMES.get(i), g.get("grad." + NAMES.get(i)), grads[i]);
        }

        BiFunction<TransformerBlock.Params, Array, TransformerBlock.Step> step =
                Kiln.jit((TransformerBlock.Params q, Array in) -> TransformerBlock.step(q, in, target, heads, 0.05f));
        TransformerBlock.Step s = step.apply(p, x);
        close("jit step loss", g.get("loss"), s.loss());
        // p - 0.05 g for one weight, from JAX's gradient
        double[] wo = p.wo().toDoubleArray();
        double[] gwo = g.get("grad.wo");
        double[] expected = new double[wo.length];
        for (int i = 0; i < wo.length; i++) {
            expected[i] = wo[i] - 0.05 * gwo[i];
        }
        close("jit step wo", expected, s.params().wo());
        assertTrue(step.apply(s.params(), x).loss().item() < s.loss().item(), "a step lowers the loss");
    }
}
