package dev.kiln.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.DiffOption;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.autodiff.DerivativeChecks.Check;
import dev.kiln.autodiff.DerivativeChecks.Instance;
import dev.kiln.internal.rules.JvpRules;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What derivatives mean where the math leaves a choice (ties, zeros, kinks, non-differentiable
 * and integer primitives, stopGradient), pinned to JAX's choices.
 */
class DerivativeSemanticsTest {
    static <T> T onReference(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    static double[] grad(Function<Array, Array> f, Array x) {
        return Kiln.grad(f).apply(x).toDoubleArray();
    }

    static double[] tangent(Function<Array, Array> f, Array x, Array t) {
        return Kiln.jvp(f, x, t).tangent().toDoubleArray();
    }

    static final Tolerance EXACT = Tolerance.rounding();

    @Test
    void nonDifferentiablePrimitivesHaveZeroTangents() {
        onReference(() -> {
            Array x = Np.array(new double[] {0.5, -1.5, 2.25, 3.0}, 2, 2);
            Array t = Np.onesLike(x);
            Array y = Np.array(new double[] {0.5, 1.0, 2.0, 4.0}, 2, 2);
            for (Primitive cmp :
                    List.of(Primitive.EQ, Primitive.NE, Primitive.LT, Primitive.LE, Primitive.GT, Primitive.GE)) {
                Kiln.Jvp<Array> r = Kiln.jvp(a -> Lax.bind(cmp, a, y), x, t);
                assertEquals(DType.BOOL, r.tangent().dtype(), cmp + " tangent dtype");
                assertArrayEquals(new boolean[4], r.tangent().toBooleanArray(), cmp + " tangent");
            }
            Kiln.Jvp<Array> finite = Kiln.jvp(a -> Lax.bind(Primitive.IS_FINITE, a), x, t);
            assertArrayEquals(new boolean[4], finite.tangent().toBooleanArray());
            for (Primitive arg : List.of(Primitive.ARGMAX, Primitive.ARGMIN)) {
                Kiln.Jvp<Array> r = Kiln.jvp(a -> Lax.bind(arg, new Params.ArgReduce(1, DType.INT32), a), x, t);
                assertArrayEquals(new int[2], r.tangent().toIntArray(), arg + " tangent");
            }
            Kiln.Jvp<Array> toInt = Kiln.jvp(a -> Lax.convert(a, DType.INT32), x, t);
            assertArrayEquals(new int[4], toInt.tangent().toIntArray());
            for (Primitive p : List.of(Primitive.SIGN, Primitive.FLOOR, Primitive.CEIL, Primitive.ROUND)) {
                assertArrayEquals(new double[4], tangent(a -> Lax.bind(p, a), x, t), p + " tangent");
                assertArrayEquals(new double[4], grad(a -> Np.sum(Lax.bind(p, a)), x), p + " gradient");
            }
            // a float computed from integers derived from x: the path through the integers carries nothing
            Function<Array, Array> viaInt = a -> Np.sum(Np.add(a, Lax.convert(Np.argmax(a, 1), DType.FLOAT64)));
            assertArrayEquals(new double[] {1, 1, 1, 1}, grad(viaInt, x));
            return null;
        });
    }

    @Test
    void integerAndLogicalRulesReturnNullTangentsEvenWhenHandedTangents() {
        onReference(() -> {
            Array i = Np.array(new int[] {1, 2, 3});
            Array b = Np.array(new boolean[] {true, false, true});
            for (Primitive p : List.of(
                    Primitive.ADD,
                    Primitive.MUL,
                    Primitive.DIV,
                    Primitive.MAX,
                    Primitive.AND,
                    Primitive.OR,
                    Primitive.XOR,
                    Primitive.SHIFT_LEFT,
                    Primitive.SHIFT_RIGHT_ARITHMETIC,
                    Primitive.SHIFT_RIGHT_LOGICAL)) {
                Array[] r = JvpRules.jvp(p, Params.NONE, List.of(i, i), Arrays.asList(i, i));
                assertArrayEquals(Lax.bind(p, i, i).toIntArray(), r[0].toIntArray(), p + " primal");
                assertNull(r[1], p + " on int32 has no tangent");
            }
            assertNull(JvpRules.jvp(Primitive.NOT, Params.NONE, List.of(b), Arrays.asList(b))[1]);
            assertNull(
                    JvpRules.jvp(Primitive.REDUCE_OR, new Params.Reduce(new int[] {0}), List.of(b), Arrays.asList(b))[
                            1]);
            assertNull(
                    JvpRules.jvp(Primitive.REDUCE_AND, new Params.Reduce(new int[] {0}), List.of(b), Arrays.asList(b))[
                            1]);
            assertNull(
                    JvpRules.jvp(
                            Primitive.IOTA, new Params.Iota(DType.FLOAT64, new int[] {3}, 0), List.of(), List.of())[1]);
            return null;
        });
    }

    @Test
    void integerInputsGetZeroGradientsWithAllowInt() {
        onReference(() -> {
            Array x = Np.array(new double[] {1, 2, 3});
            Array n = Np.array(new int[] {4, 5, 6});
            // without DiffOption.ALLOW_INT this is a DTypeException, as in JAX (IntegerInputsTest)
            List<Array> g = Kiln.grad((List<Array> a) -> Np.sum(Np.multiply(a.get(0), a.get(1))), DiffOption.ALLOW_INT)
                    .apply(List.of(x, n));
            assertArrayEquals(new double[] {4, 5, 6}, g.get(0).toDoubleArray());
            assertEquals(DType.INT32, g.get(1).dtype());
            assertArrayEquals(new int[3], g.get(1).toIntArray());
            return null;
        });
    }

    @Test
    void stopGradientBlocksEveryOrderAndMode() {
        onReference(() -> {
            Array x = Np.array(new double[] {0.5, -2, 3});
            Function<Array, Array> f = a -> Np.sum(Np.multiply(Np.square(a), Kiln.stopGradient(a)));
            // d/dx of x^2 * c with c = x held constant: 2 x c = 2 x^2
            EXACT.assertClose("grad", new double[] {0.5, 8, 18}, grad(f, x));
            EXACT.assertClose("jvp", new double[] {0.5 + 8 + 18}, new double[] {
                Kiln.jvp(f, x, Np.onesLike(x)).tangent().item()
            });
            // second order: d/dx (2 x c) = 2 c
            Array hvp = Kiln.jvp(Kiln.grad(f), x, Np.onesLike(x)).tangent();
            EXACT.assertClose("hvp", new double[] {1, -4, 6}, hvp.toDoubleArray());
            EXACT.assertClose("grad of stopGradient alone", new double[3], grad(a -> Np.sum(Kiln.stopGradient(a)), x));
            return null;
        });
    }

    @Test
    void maxAndMinAverageTheGradientOverTies() {
        onReference(() -> {
            Array x = Np.array(new double[] {1, 3, 3, 2, -1, -1}, 2, 3);
            // row 0 = [1, 3, 3]: tie at the max; row 1 = [2, -1, -1]: tie at the min
            EXACT.assertClose("reduce_max over all", new double[] {0, 0.5, 0.5, 0, 0, 0}, grad(a -> Np.max(a), x));
            EXACT.assertClose("reduce_min over all", new double[] {0, 0, 0, 0, 0.5, 0.5}, grad(a -> Np.min(a), x));
            EXACT.assertClose(
                    "reduce_max per row", new double[] {0, 0.5, 0.5, 1, 0, 0}, grad(a -> Np.sum(Np.max(a, 1)), x));
            Array t = Np.array(new double[] {10, 20, 40, 1, 2, 4}, 2, 3);
            EXACT.assertClose("reduce_min jvp per row", new double[] {10, 3}, tangent(a -> Np.min(a, 1), x, t));
            // binary max/min split a tie evenly (JAX's balanced rule)
            Array y = Np.array(new double[] {1, 0, 5, 2, -1, 0}, 2, 3);
            List<Array> g = Kiln.grad((List<Array> a) -> Np.sum(Np.maximum(a.get(0), a.get(1))))
                    .apply(List.of(x, y));
            EXACT.assertClose(
                    "max d/dx", new double[] {0.5, 1, 0, 0.5, 0.5, 0}, g.get(0).toDoubleArray());
            EXACT.assertClose(
                    "max d/dy", new double[] {0.5, 0, 1, 0.5, 0.5, 1}, g.get(1).toDoubleArray());
            List<Array> h = Kiln.grad((List<Array> a) -> Np.sum(Np.minimum(a.get(0), a.get(1))))
                    .apply(List.of(x, y));
            EXACT.assertClose(
                    "min d/dx", new double[] {0.5, 0, 1, 0.5, 0.5, 1}, h.get(0).toDoubleArray());
            return null;
        });
    }

    @Test
    void cumulativeExtremesSplitTiesAsJaxsAssociativeScan() {
        onReference(() -> {
            Array x = Np.array(new double[] {1, 3, 3, 2, 4});
            Array t = Np.array(new double[] {1, 10, 100, 1000, 10000});
            // JAX 0.10.2: the tie at 1, 2 meets in one combine of its scan tree and is halved there
            EXACT.assertClose("cummax", new double[] {1, 10, 55, 55, 10000}, tangent(a -> Np.cummax(a), x, t));
            Function<Array, Array> reverseMin = a -> Lax.bind(Primitive.CUMMIN, new Params.Cumulative(0, true), a);
            // suffix minima of [1,3,3,2,4] are [1,2,2,2,4], attained at 0, 3, 3, 3, 4
            EXACT.assertClose("reverse cummin", new double[] {1, 1000, 1000, 1000, 10000}, tangent(reverseMin, x, t));
            return null;
        });
    }

    @Test
    void productsDifferentiateExactlyThroughZeros() {
        onReference(() -> {
            Array oneZero = Np.array(new double[] {2, 0, 3, 4});
            EXACT.assertClose("prod, one zero", new double[] {0, 24, 0, 0}, grad(a -> Np.prod(a), oneZero));
            Array twoZeros = Np.array(new double[] {2, 0, 3, 0});
            EXACT.assertClose("prod, two zeros", new double[] {0, 0, 0, 0}, grad(a -> Np.prod(a), twoZeros));
            // the Hessian of prod at two zeros is not zero: d2/dx1 dx3 = 2 * 3
            Array e3 = Np.array(new double[] {0, 0, 0, 1});
            EXACT.assertClose(
                    "prod hvp, two zeros",
                    new double[] {0, 6, 0, 0},
                    Kiln.jvp(Kiln.grad((Array a) -> Np.prod(a)), twoZeros, e3)
                            .tangent()
                            .toDoubleArray());
            // cumprod [2, 0, 3, 4] -> [2, 0, 0, 0]; d/dx1 of every later entry is 2, 6, 24
            Array e1 = Np.array(new double[] {0, 1, 0, 0});
            EXACT.assertClose(
                    "cumprod jvp through a zero", new double[] {0, 2, 6, 24}, tangent(a -> Np.cumprod(a), oneZero, e1));
            return null;
        });
    }

    /** Products are polynomials, so finite differences are accurate at zeros too: all modes and orders. */
    @TestFactory
    List<DynamicNode> productsWithZerosMatchFiniteDifferences() {
        List<DynamicNode> tests = new ArrayList<>();
        double[][] points = {{2, 0, 3, 4, -1, 0.5}, {0, 1.5, 0, 2, 3, -1}, {0, 0, 0, 2, 1, 1}};
        for (double[] point : points) {
            for (Check check : Check.values()) {
                String name = "reduce_prod and cumprod at " + Arrays.toString(point) + " " + check;
                tests.add(DynamicTest.dynamicTest(
                        name,
                        () -> onReference(() -> {
                            Array x = Np.array(point, 2, 3);
                            Instance in = new Instance(
                                    a -> Np.concatenate(
                                            new Array[] {
                                                Np.ravel(Lax.bind(
                                                        Primitive.REDUCE_PROD,
                                                        new Params.Reduce(new int[] {1}),
                                                        a.get(0))),
                                                Np.ravel(Lax.bind(
                                                        Primitive.CUMPROD, new Params.Cumulative(1, false), a.get(0))),
                                                Np.ravel(Lax.bind(
                                                        Primitive.CUMPROD, new Params.Cumulative(1, true), a.get(0))),
                                                Np.ravel(Np.prod(a.get(0)))
                                            },
                                            0),
                                    List.of(x));
                            DerivativeChecks.run(check, in, Arrays.hashCode(point));
                            return null;
                        })));
            }
        }
        return tests;
    }

    @Test
    void kinksFollowJax() {
        onReference(() -> {
            EXACT.assertClose("d|x|/dx at 0", new double[] {1}, grad(a -> Np.abs(a), Np.scalar(0.0)));
            // pow at a zero base: d/dy uses log(1) = 0 there; d/dx with y == 0 is 0, not 0 * inf
            List<Array> g = Kiln.grad((List<Array> a) -> Np.power(a.get(0), a.get(1)))
                    .apply(List.of(Np.scalar(0.0), Np.scalar(2.0)));
            EXACT.assertClose("pow(0, 2)", new double[] {0, 0}, FiniteDifferences.flat(g));
            List<Array> g0 = Kiln.grad((List<Array> a) -> Np.power(a.get(0), a.get(1)))
                    .apply(List.of(Np.scalar(0.0), Np.scalar(0.0)));
            EXACT.assertClose("pow(0, 0)", new double[] {0, 0}, FiniteDifferences.flat(g0));
            return null;
        });
    }

    /**
     * JAX's regression test for its issue 12033: the Hessian of {@code x ** y} at x = 4, y = 0.
     * Expected values from JAX 0.10.2 (float64): {@code jax.jacfwd(jax.jacfwd(jnp.power, (0, 1)),
     * (0, 1))(4.0, 0.0)} and the same with {@code jacrev} give ((0, 0.25), (0.25, 1.92181206)),
     * that is ((0, 1/x), (1/x, ln(x)^2)); the mixed partials agree in both orders.
     */
    @Test
    void powSecondDerivativeAtAZeroExponent() {
        onReference(() -> {
            Function<Array, Array> f = v -> Np.power(v.get("0"), v.get("1"));
            Array point = Np.array(new double[] {4.0, 0.0});
            double[] expected = {0, 0.25, 0.25, Math.log(4) * Math.log(4)}; // JAX printed 1.92181206
            Tolerance tol = Tolerance.rounding();
            tol.assertClose(
                    "jacfwd(jacfwd)",
                    expected,
                    Kiln.jacfwd(Kiln.jacfwd(f)).apply(point).toDoubleArray());
            tol.assertClose(
                    "jacrev(jacrev)",
                    expected,
                    Kiln.jacrev(Kiln.jacrev(f)).apply(point).toDoubleArray());
            tol.assertClose("hessian", expected, Kiln.hessian(f).apply(point).toDoubleArray());
            // d/dy of d/dx, taken with scalar arguments in both orders
            double dydx = grad(y -> Kiln.grad((Array x) -> Np.power(x, y)).apply(Np.scalar(4.0)), Np.scalar(0.0))[0];
            double dxdy = grad(x -> Kiln.grad((Array y) -> Np.power(x, y)).apply(Np.scalar(0.0)), Np.scalar(4.0))[0];
            tol.assertClose("d/dy d/dx", new double[] {0.25}, new double[] {dydx});
            tol.assertClose("d/dx d/dy", new double[] {0.25}, new double[] {dxdy});
            return null;
        });
    }

    @Test
    void convertBetweenFloatsCarriesTheTangentInTheTargetType() {
        onReference(() -> {
            Array x = Np.array(new double[] {0.5, -1.25, 3});
            Array t = Np.array(new double[] {1, 2, -4});
            Kiln.Jvp<Array> down = Kiln.jvp(a -> Lax.convert(a, DType.FLOAT32), x, t);
            assertEquals(DType.FLOAT32, down.tangent().dtype());
            assertArrayEquals(new float[] {1, 2, -4}, down.tangent().toFloatArray());
            // through float32 and back: the gradient is float64 and exact for these values
            Function<Array, Array> f = a -> {
                Array s = Lax.convert(a, DType.FLOAT32);
                return Lax.convert(Np.sum(Np.multiply(s, s)), DType.FLOAT64);
            };
            Array g = Kiln.grad(f).apply(x);
            assertEquals(DType.FLOAT64, g.dtype());
            EXACT.assertClose("grad through float32", new double[] {1, -2.5, 6}, g.toDoubleArray());
            return null;
        });
    }

    @Test
    void gathersAccumulateCotangentsOverRepeatedAndClampedIndices() {
        onReference(() -> {
            Array x = Np.array(new double[] {1, 2, 3, 4});
            Array idx = Np.array(new int[] {3, 3, 0, 9, -5}); // 9 clamps to 3, -5 clamps to 0
            Array w = Np.array(new double[] {1, 10, 100, 1000, 10000});
            Function<Array, Array> f =
                    a -> Np.sum(Np.multiply(w, Lax.bind(Primitive.TAKE, new Params.Axis(0), a, idx)));
            EXACT.assertClose("take", new double[] {10100, 0, 0, 1011}, grad(f, x));
            return null;
        });
    }
}
