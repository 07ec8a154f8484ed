package dev.kiln.autodiff;

import dev.kiln.Array;
import dev.kiln.CustomDerivatives;
import dev.kiln.Kiln;
import dev.kiln.Np;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A custom JVP or VJP rule still applies when {@code vmap} runs inside the differentiation
 * ({@code loss = mean(vmap(model)(batch))}), with {@code jit} around or inside, over any batch axis
 * and with arguments shared by the batch. Each rule here is twice the true derivative, so the
 * plain derivative of the function (what traced-through code gives) is told apart.
 */
class CustomDerivativesUnderVmapTest {
    static <T> T onReference(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    static final Tolerance EXACT = Tolerance.rounding();

    /** sin, with a JVP rule giving 2 cos(x) t. */
    static final Function<Array, Array> SIN2_JVP = CustomDerivatives.customJvp(
            Np::sin, (x, t) -> new Kiln.Jvp<>(Np.sin(x), Np.multiply(Np.multiply(Np.cos(x), t), 2.0)));

    /** sin, with a backward function giving 2 cos(x) ct. */
    static final Function<Array, Array> SIN2_VJP = Kiln.customVjp(
            Np::sin,
            x -> new CustomDerivatives.Forward<>(Np.sin(x), Np.cos(x)),
            (Object cos, Array ct) -> Np.multiply(Np.multiply(ct, (Array) cos), 2.0));

    /** a * b, with a JVP rule twice the true one. */
    static final Function<List<Array>, Array> PRODUCT2_JVP = CustomDerivatives.customJvp(
            (List<Array> l) -> Np.multiply(l.get(0), l.get(1)),
            (p, t) -> new Kiln.Jvp<>(
                    Np.multiply(p.get(0), p.get(1)),
                    Np.multiply(Np.add(Np.multiply(t.get(0), p.get(1)), Np.multiply(p.get(0), t.get(1))), 2.0)));

    /** a * b, with a backward function twice the true one. */
    static final Function<List<Array>, Array> PRODUCT2_VJP = Kiln.customVjp(
            (List<Array> l) -> Np.multiply(l.get(0), l.get(1)),
            (List<Array> l) -> new CustomDerivatives.Forward<>(Np.multiply(l.get(0), l.get(1)), l),
            (Object res, Array ct) -> {
                @SuppressWarnings("unchecked")
                List<Array> l = (List<Array>) res;
                return List.of(
                        Np.multiply(Np.multiply(ct, l.get(1)), 2.0), Np.multiply(Np.multiply(ct, l.get(0)), 2.0));
            });

    static final Array X = Np.array(new double[] {0.1, -0.7, 1.3, 2.0, -2.5, 0.4}, 2, 3);

    static double[] twiceCos(Array x) {
        double[] v = x.toDoubleArray();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = 2 * Math.cos(v[i]);
        }
        return out;
    }

    @Test
    void jvpOfVmapUsesTheCustomRule() {
        onReference(() -> {
            Array t = Np.onesLike(X);
            for (Function<Array, Array> f : List.of(SIN2_JVP)) {
                EXACT.assertClose(
                        "jvp(vmap)",
                        twiceCos(X),
                        Kiln.jvp(Kiln.vmap(f), X, t).tangent().toDoubleArray());
                EXACT.assertClose(
                        "jvp(vmap over axis 1)",
                        twiceCos(X),
                        Kiln.jvp(Kiln.vmap(f, 1, 1), X, t).tangent().toDoubleArray());
                EXACT.assertClose(
                        "jvp(jit(vmap))",
                        twiceCos(X),
                        Kiln.jvp(Kiln.jit(Kiln.vmap(f)), X, t).tangent().toDoubleArray());
                EXACT.assertClose(
                        "jvp(vmap(vmap))",
                        twiceCos(X),
                        Kiln.jvp(Kiln.vmap(Kiln.vmap(f)), X, t).tangent().toDoubleArray());
            }
            return null;
        });
    }

    @Test
    void gradOfASumOverVmapUsesTheCustomRule() {
        onReference(() -> {
            for (Function<Array, Array> f : List.of(SIN2_JVP, SIN2_VJP)) {
                Function<Array, Array> loss = x -> Np.sum(Kiln.vmap(f).apply(x));
                EXACT.assertClose(
                        "grad(sum(vmap))", twiceCos(X), Kiln.grad(loss).apply(X).toDoubleArray());
                EXACT.assertClose(
                        "jit(grad(sum(vmap)))",
                        twiceCos(X),
                        Kiln.jit(Kiln.grad(loss)).apply(X).toDoubleArray());
                EXACT.assertClose(
                        "grad(jit(sum(vmap)))",
                        twiceCos(X),
                        Kiln.grad(Kiln.jit(loss)).apply(X).toDoubleArray());
                EXACT.assertClose(
                        "grad(sum(vmap over axis 1))",
                        twiceCos(X),
                        Kiln.grad((Array x) -> Np.sum(Kiln.vmap(f, 1, 0).apply(x)))
                                .apply(X)
                                .toDoubleArray());
                // grad inside vmap already used the rule; it still does
                EXACT.assertClose(
                        "vmap(grad)",
                        twiceCos(X),
                        Kiln.vmap(Kiln.grad((Array x) -> Np.sum(f.apply(x))))
                                .apply(X)
                                .toDoubleArray());
                EXACT.assertClose(
                        "jit(vmap(grad))",
                        twiceCos(X),
                        Kiln.jit(Kiln.vmap(Kiln.grad((Array x) -> Np.sum(f.apply(x)))))
                                .apply(X)
                                .toDoubleArray());
            }
            return null;
        });
    }

    @Test
    void argumentsSharedByTheBatchGetTheSumOfTheRulesDerivatives() {
        onReference(() -> {
            Array w = Np.array(new double[] {1.5, -0.5, 2.0});
            double[] rows = X.toDoubleArray();
            // d/dw sum_b (w * x_b) by a rule twice the truth: 2 * sum_b x_b
            double[] wantW = new double[3];
            // d/dx_b: 2 * w
            double[] wantX = new double[6];
            for (int b = 0; b < 2; b++) {
                for (int j = 0; j < 3; j++) {
                    wantW[j] += 2 * rows[b * 3 + j];
                    wantX[b * 3 + j] = 2 * w.toDoubleArray()[j];
                }
            }
            for (Function<List<Array>, Array> f : List.of(PRODUCT2_JVP, PRODUCT2_VJP)) {
                Function<List<Array>, Array> batched = Kiln.vmap(f, new Integer[] {null, 0}, 0);
                List<Array> g =
                        Kiln.grad((List<Array> l) -> Np.sum(batched.apply(l))).apply(List.of(w, X));
                EXACT.assertClose("grad shared w", wantW, g.get(0).toDoubleArray());
                EXACT.assertClose("grad batched x", wantX, g.get(1).toDoubleArray());
            }
            // forward mode with a shared argument: the tangent of w reaches every row
            Function<List<Array>, Array> batched = Kiln.vmap(PRODUCT2_JVP, new Integer[] {null, 0}, 0);
            Array tangent = Kiln.jvp(batched, List.of(w, X), List.of(Np.onesLike(w), Np.zerosLike(X)))
                    .tangent();
            EXACT.assertClose("jvp shared w", Np.multiply(X, 2.0).toDoubleArray(), tangent.toDoubleArray());
            return null;
        });
    }
}
