package dev.kiln.vmap;

import static dev.kiln.vmap.Samples.assertClose;
import static dev.kiln.vmap.Samples.assertSame;
import static dev.kiln.vmap.Samples.floats;
import static dev.kiln.vmap.Samples.member;
import static dev.kiln.vmap.Samples.ref;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.Shape;
import dev.kiln.vmap.Samples.Gen;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * vmap composed with differentiation: per-example gradients ({@code vmap(grad(f))}), gradients
 * through a vmap, and the Jacobians ({@code jacfwd} batches a JVP, {@code jacrev} a pull-back)
 * against central finite differences. A case whose JVP or transpose rule is not written yet is
 * skipped, saying which rule is missing.
 */
class VmapAutodiffTest {
    static final int B = 3;
    static final Array W = Np.array(new double[] {0.5, -1, 2, 0.25, -0.75, 1.5}, 3, 2);

    record Scalar(String name, Gen x, Function<Array, Array> f) {}

    static List<Scalar> scalarFunctions() {
        return List.of(
                new Scalar("sum sin(x) x", floats(4), x -> Np.sum(Np.multiply(Np.sin(x), x))),
                new Scalar("sum (x W)^2", floats(2, 3), x -> Np.sum(Np.square(Np.matmul(x, W)))),
                new Scalar("logSumExp", floats(2, 3), x -> Np.logSumExp(x)),
                new Scalar("tanh, max", floats(3, 2), x -> Np.sum(Np.max(Np.tanh(x), 1))),
                new Scalar(
                        "reversed slice product",
                        floats(5),
                        x -> Np.sum(Np.multiply(Np.index(x, "::-1"), Np.cumsum(x)))),
                new Scalar(
                        "take, pad",
                        floats(4),
                        x -> Np.sum(Np.square(
                                Np.pad(Np.take(x, Np.array(new int[] {3, 0, 0, 2}), 0), new int[][] {{1, 2}}, 1.0)))),
                new Scalar(
                        "dynamicSlice",
                        floats(5),
                        x -> Np.sum(Np.exp(Lax.dynamicSlice(x, new Array[] {Np.scalar(2)}, 3)))),
                new Scalar(
                        "broadcast, transpose, divide",
                        floats(2, 3),
                        x -> Np.sum(Np.divide(
                                Np.transpose(x), Np.add(Np.square(x), 1.0).sum(1)))));
    }

    /** Runs {@code body}, skipping the test if a differentiation rule it needs is still missing. */
    static void needingRules(Runnable body) {
        try {
            ref(() -> {
                body.run();
                return null;
            });
        } catch (KilnException e) {
            String m = String.valueOf(e.getMessage());
            boolean missing = (m.startsWith("no JVP rule") || m.startsWith("no transpose rule")) && m.contains(" yet");
            Assumptions.assumeFalse(missing, "skipped until the autodiff rules exist: " + m);
            throw e;
        }
    }

    static Array stackedMembers(Array xs, int axis, Function<Array, Array> f, int outAxis) {
        Array[] outs = new Array[xs.shape(Shape.axis("test", axis, xs.ndim()))];
        for (int b = 0; b < outs.length; b++) {
            outs[b] = f.apply(member(xs, axis, b));
        }
        return Np.stack(outs, outAxis);
    }

    static Array batchOf(Gen g, int axis, Random r) {
        Array[] ms = new Array[B];
        for (int b = 0; b < B; b++) {
            ms[b] = g.make(r);
        }
        return Np.stack(ms, axis);
    }

    @TestFactory
    Stream<DynamicTest> perExampleGradients() {
        return scalarFunctions().stream().flatMap(s -> Stream.of(0, -1)
                .map(axis -> DynamicTest.dynamicTest(
                        "vmap(grad) " + s.name() + " axis=" + axis,
                        () -> needingRules(() -> {
                            Array xs = batchOf(s.x(), axis, new Random(s.name().hashCode()));
                            Function<Array, Array> g = Kiln.grad(s.f());
                            Array expected = stackedMembers(xs, axis, g, axis);
                            assertSame(expected, Kiln.vmap(g, axis, axis).apply(xs), "vmap(grad)");
                            assertSame(
                                    expected, Kiln.jit(Kiln.vmap(g, axis, axis)).apply(xs), "jit(vmap(grad))");
                        }))));
    }

    @TestFactory
    Stream<DynamicTest> gradientThroughVmap() {
        return scalarFunctions().stream()
                .map(s -> DynamicTest.dynamicTest(
                        "grad(sum vmap) " + s.name(),
                        () -> needingRules(() -> {
                            Array xs = batchOf(s.x(), 0, new Random(s.name().hashCode() + 1));
                            // The members are independent, so the gradient of their sum is each member's gradient.
                            Function<Array, Array> total =
                                    x -> Np.sum(Kiln.vmap(s.f()).apply(x));
                            Array expected = stackedMembers(xs, 0, Kiln.grad(s.f()), 0);
                            assertSame(expected, Kiln.grad(total).apply(xs), "grad of a vmapped sum");
                        })));
    }

    record Vector(String name, int[] shape, Function<Array, Array> f) {}

    static List<Vector> vectorFunctions() {
        return List.of(
                new Vector("sin(x) * reversed x", new int[] {4}, x -> Np.multiply(Np.sin(x), Np.flip(x))),
                new Vector("W^T x", new int[] {3}, x -> Np.matmul(x, W)),
                new Vector("cumsum exp", new int[] {4}, x -> Np.cumsum(Np.exp(x))),
                new Vector(
                        "softmax rows",
                        new int[] {2, 3},
                        x -> Np.exp(Np.subtract(x, Np.logSumExp(x, new int[] {1}, true)))),
                new Vector("column sums squared", new int[] {2, 3}, x -> Np.square(Np.sum(x, 0))),
                new Vector(
                        "0-d in, vector out",
                        new int[0],
                        x -> Np.multiply(Np.arange(3).astype(DType.FLOAT64), Np.sin(x))));
    }

    /** {@code d f / d x} by central differences, shaped {@code out.shape + x.shape}. */
    static Array finiteDifferenceJacobian(Function<Array, Array> f, Array x) {
        double h = 1e-6;
        double[] x0 = x.toDoubleArray();
        int[] outShape = f.apply(x).shape();
        int m = Shape.size(outShape);
        double[] jac = new double[m * x0.length];
        for (int j = 0; j < x0.length; j++) {
            double[] plus = x0.clone();
            double[] minus = x0.clone();
            plus[j] += h;
            minus[j] -= h;
            double[] fp = f.apply(Samples.shaped(Np.array(plus), x.shape())).toDoubleArray();
            double[] fm = f.apply(Samples.shaped(Np.array(minus), x.shape())).toDoubleArray();
            for (int i = 0; i < m; i++) {
                jac[i * x0.length + j] = (fp[i] - fm[i]) / (2 * h);
            }
        }
        int[] shape = new int[outShape.length + x.ndim()];
        System.arraycopy(outShape, 0, shape, 0, outShape.length);
        System.arraycopy(x.shape(), 0, shape, outShape.length, x.ndim());
        return Samples.shaped(Np.array(jac), shape);
    }

    @TestFactory
    Stream<DynamicTest> jacobiansMatchFiniteDifferences() {
        return vectorFunctions().stream()
                .flatMap(v -> Stream.of(
                        DynamicTest.dynamicTest(
                                "jacfwd " + v.name(),
                                () -> needingRules(() -> {
                                    Array x = floats(v.shape())
                                            .make(new Random(v.name().hashCode()));
                                    assertClose(
                                            finiteDifferenceJacobian(v.f(), x),
                                            Kiln.jacfwd(v.f()).apply(x),
                                            1e-6,
                                            "jacfwd");
                                })),
                        DynamicTest.dynamicTest(
                                "jacrev " + v.name(),
                                () -> needingRules(() -> {
                                    Array x = floats(v.shape())
                                            .make(new Random(v.name().hashCode()));
                                    assertClose(
                                            finiteDifferenceJacobian(v.f(), x),
                                            Kiln.jacrev(v.f()).apply(x),
                                            1e-6,
                                            "jacrev");
                                    assertClose(
                                            Kiln.jacfwd(v.f()).apply(x),
                                            Kiln.jacrev(v.f()).apply(x),
                                            1e-12,
                                            "jacrev vs jacfwd");
                                }))));
    }

    @Test
    void hessianOfSumOfSinesIsDiagonal() {
        needingRules(() -> {
            Array x = Np.array(new double[] {0.3, -1.2, 2.0});
            Array h = Kiln.hessian((Array v) -> Np.sum(Np.sin(v))).apply(x);
            Array expected = Np.multiply(Np.eye(3, 3, 0, DType.FLOAT64), Np.negative(Np.sin(x)));
            assertClose(expected, h, 1e-12, "hessian");
        });
    }

    @Test
    void jacobianOfABatchedFunction() {
        needingRules(() -> {
            // jacfwd of a function that itself uses vmap: two nested batch traces around a JVP.
            Function<Array, Array> rowNorms =
                    x -> Kiln.vmap((Array row) -> Np.sum(Np.square(row))).apply(x);
            Array x = floats(2, 3).make(new Random(11));
            Array expected = finiteDifferenceJacobian(rowNorms, x);
            assertClose(expected, Kiln.jacfwd(rowNorms).apply(x), 1e-6, "jacfwd(vmap)");
            assertClose(expected, Kiln.jacrev(rowNorms).apply(x), 1e-6, "jacrev(vmap)");
        });
    }
}
