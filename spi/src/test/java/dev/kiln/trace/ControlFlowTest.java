package dev.kiln.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ShapeException;
import dev.kiln.ir.Program;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Lax.cond / switchCase / whileLoop / forLoop / scan: eager, under jit, differentiated and batched. */
class ControlFlowTest {
    private static final double TOL = 1e-9;

    private static <T> T ref(Supplier<T> body) {
        return Kiln.withBackend("reference", body);
    }

    private static void close(double[] want, double[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], TOL * Math.max(1, Math.abs(want[i])), "element " + i);
        }
    }

    static Array piecewise(Array x) {
        return Lax.cond(
                Np.greater(Np.sum(x), 0),
                a -> Np.sin(a).multiply(a),
                a -> a.multiply(a).multiply(3),
                x);
    }

    @Test
    void condTakesTheRightBranchEagerAndUnderJit() {
        ref(() -> {
            Array pos = Np.array(new double[] {0.5, 1.5});
            Array neg = Np.array(new double[] {-0.5, -1.5});
            Function<Array, Array> jitted = Kiln.jit(ControlFlowTest::piecewise);
            close(piecewise(pos).toDoubleArray(), jitted.apply(pos).toDoubleArray());
            close(piecewise(neg).toDoubleArray(), jitted.apply(neg).toDoubleArray());
            close(new double[] {0.75, 6.75}, jitted.apply(neg).toDoubleArray());
            Program p = Kiln.makeProgram(ControlFlowTest::piecewise).apply(pos);
            assertTrue(p.toString().contains("cond"), p.toString());
            return null;
        });
    }

    @Test
    void switchCaseClampsItsIndex() {
        ref(() -> {
            List<Function<Array, Array>> branches = List.of(a -> a.add(1), a -> a.add(2), a -> a.add(3));
            Function<Array, Array> f = Kiln.jit((Array i) -> Lax.switchCase(i, branches, Np.array(new double[] {10})));
            assertEquals(11, f.apply(Np.scalar(-5)).item());
            assertEquals(12, f.apply(Np.scalar(1)).item());
            assertEquals(13, f.apply(Np.scalar(7)).item());
            return null;
        });
    }

    @Test
    void condIsDifferentiableInBothModes() {
        ref(() -> {
            Array x = Np.array(new double[] {0.3, 0.9});
            // sum > 0: d/dx sum(sin(x) x) = cos(x) x + sin(x)
            double[] want = {Math.cos(0.3) * 0.3 + Math.sin(0.3), Math.cos(0.9) * 0.9 + Math.sin(0.9)};
            close(want, Kiln.grad((Array a) -> Np.sum(piecewise(a))).apply(x).toDoubleArray());
            close(
                    want,
                    Kiln.jit(Kiln.grad((Array a) -> Np.sum(piecewise(a))))
                            .apply(x)
                            .toDoubleArray());
            Array t = Np.ones(dev.kiln.DType.FLOAT64, 2);
            close(want, Kiln.jvp(ControlFlowTest::piecewise, x, t).tangent().toDoubleArray());
            // a traced predicate inside jit, then differentiated through the staged cond
            Array neg = Np.array(new double[] {-0.3, -0.9});
            close(
                    new double[] {-1.8, -5.4},
                    Kiln.grad((Array a) ->
                                    Np.sum(Kiln.jit(ControlFlowTest::piecewise).apply(a)))
                            .apply(neg)
                            .toDoubleArray());
            return null;
        });
    }

    @Test
    void condUnderVmapSelectsPerElement() {
        ref(() -> {
            Array xs = Np.array(new double[][] {{0.5, 1}, {-2, 0.5}, {1, 1}});
            Array batched = Kiln.vmap(ControlFlowTest::piecewise).apply(xs);
            for (int i = 0; i < 3; i++) {
                Array row = Np.index(xs, String.valueOf(i));
                close(
                        piecewise(row).toDoubleArray(),
                        Np.index(batched, String.valueOf(i)).toDoubleArray());
            }
            return null;
        });
    }

    static Array collatzSteps(Array n) {
        Array[] out = Lax.whileLoop(
                (Array[] c) -> Np.greater(c[0], 1),
                (Array[] c) -> new Array[] {
                    Np.where(
                            Np.equal(Np.mod(c[0], 2), 0),
                            Np.floorDivide(c[0], 2),
                            c[0].multiply(3).add(1)),
                    c[1].add(1)
                },
                new Array[] {n, Np.scalar(0)});
        return out[1];
    }

    @Test
    void whileLoopRunsEagerJitAndVmap() {
        ref(() -> {
            assertEquals(111, collatzSteps(Np.scalar(27)).intItem());
            assertEquals(
                    111,
                    Kiln.jit(ControlFlowTest::collatzSteps).apply(Np.scalar(27)).intItem());
            int[] got = Kiln.vmap(ControlFlowTest::collatzSteps)
                    .apply(Np.array(new int[] {1, 6, 27, 7}))
                    .toIntArray();
            assertArrayEquals(new int[] {0, 8, 111, 16}, got);
            return null;
        });
    }

    static Array newtonSqrt(Array a) {
        Array[] out = Lax.whileLoop(
                (Array[] c) -> Np.less(c[1], 30),
                (Array[] c) -> new Array[] {c[0].add(a.divide(c[0])).multiply(0.5), c[1].add(1)},
                new Array[] {Np.onesLike(a), Np.scalar(0)});
        return out[0];
    }

    @Test
    void whileLoopIsDifferentiableForwardAndSaysReverseIsNot() {
        ref(() -> {
            Array a = Np.scalar(2.0);
            assertEquals(Math.sqrt(2), newtonSqrt(a).item(), 1e-12);
            double slope = Kiln.jvp(ControlFlowTest::newtonSqrt, a, Np.scalar(1.0))
                    .tangent()
                    .item();
            assertEquals(0.5 / Math.sqrt(2), slope, 1e-9);
            KilnException e = assertThrows(KilnException.class, () -> Kiln.grad(ControlFlowTest::newtonSqrt)
                    .apply(a));
            assertTrue(e.getMessage().contains("forLoop"), e.getMessage());
            return null;
        });
    }

    static Array power(Array x) {
        return Lax.forLoop(
                0,
                5,
                (i, acc) -> acc.multiply(x).add(i.astype(dev.kiln.DType.FLOAT64).multiply(0.1)),
                Np.onesLike(x));
    }

    @Test
    void forLoopMatchesJavaLoopAndHasReverseModeGradient() {
        ref(() -> {
            Array x = Np.array(new double[] {0.7, -1.2, 2});
            double[] want = new double[3];
            double[] dwant = new double[3];
            for (int k = 0; k < 3; k++) {
                double v = x.toDoubleArray()[k];
                double acc = 1;
                double dacc = 0;
                for (int i = 0; i < 5; i++) {
                    dacc = dacc * v + acc;
                    acc = acc * v + 0.1 * i;
                }
                want[k] = acc;
                dwant[k] = dacc;
            }
            close(want, power(x).toDoubleArray());
            close(want, Kiln.jit(ControlFlowTest::power).apply(x).toDoubleArray());
            close(dwant, Kiln.grad((Array a) -> Np.sum(power(a))).apply(x).toDoubleArray());
            close(
                    dwant,
                    Kiln.jit(Kiln.grad((Array a) -> Np.sum(power(a)))).apply(x).toDoubleArray());
            close(
                    dwant,
                    Kiln.jvp(ControlFlowTest::power, x, Np.onesLike(x))
                            .tangent()
                            .toDoubleArray());
            return null;
        });
    }

    static Array runningProducts(Array w, Array xs) {
        return Lax.scan(
                        (Array c, Array x) -> {
                            Array next = Np.tanh(c.multiply(w).add(x));
                            return Lax.Step.of(next, next.multiply(next));
                        },
                        Np.zerosLike(w),
                        xs)
                .ys();
    }

    @Test
    void scanGradientMatchesFiniteDifferences() {
        ref(() -> {
            Array w = Np.array(new double[] {0.4, -0.8});
            Array xs = Np.array(new double[][] {{0.1, 0.2}, {-0.3, 0.5}, {0.9, -0.1}, {0.2, 0.2}});
            Function<Array, Array> loss = a -> Np.sum(runningProducts(a, xs));
            double[] g = Kiln.grad(loss).apply(w).toDoubleArray();
            double h = 1e-6;
            for (int i = 0; i < 2; i++) {
                double[] plus = w.toDoubleArray();
                double[] minus = w.toDoubleArray();
                plus[i] += h;
                minus[i] -= h;
                double fd = (loss.apply(Np.array(plus)).item()
                                - loss.apply(Np.array(minus)).item())
                        / (2 * h);
                assertEquals(fd, g[i], 1e-7, "d/dw" + i);
            }
            // gradient with respect to the scanned inputs, and under jit
            Function<Array, Array> byXs = a -> Np.sum(runningProducts(w, a));
            double[] gx = Kiln.grad(byXs).apply(xs).toDoubleArray();
            close(gx, Kiln.jit(Kiln.grad(byXs)).apply(xs).toDoubleArray());
            double[] flat = xs.toDoubleArray();
            flat[5] += h;
            double up = byXs.apply(Np.array(flat, 4, 2)).item();
            flat[5] -= 2 * h;
            double down = byXs.apply(Np.array(flat, 4, 2)).item();
            assertEquals((up - down) / (2 * h), gx[5], 1e-7);
            return null;
        });
    }

    @Test
    void scanUnderVmapMatchesPerExampleRuns() {
        ref(() -> {
            Array ws = Np.array(new double[][] {{0.4, -0.8}, {1.1, 0.3}, {-0.5, 0.25}});
            Array xs = Np.array(new double[][] {{0.1, 0.2}, {-0.3, 0.5}, {0.9, -0.1}});
            Array batched = Kiln.vmap((Array w) -> runningProducts(w, xs)).apply(ws);
            assertArrayEquals(new int[] {3, 3, 2}, batched.shape());
            for (int i = 0; i < 3; i++) {
                Array one = runningProducts(Np.index(ws, String.valueOf(i)), xs);
                close(one.toDoubleArray(), Np.index(batched, String.valueOf(i)).toDoubleArray());
            }
            return null;
        });
    }

    @Test
    void carriesThatChangeTypeAreRejected() {
        ref(() -> {
            ShapeException e = assertThrows(ShapeException.class, () -> Kiln.jit((Array x) -> Lax.whileLoop(
                            (Array c) -> Np.less(Np.sum(c), 10), (Array c) -> Np.concatenate(new Array[] {c, c}, 0), x))
                    .apply(Np.ones(2)));
            assertTrue(e.getMessage().contains("same structure"), e.getMessage());
            return null;
        });
    }

    /**
     * Eager control flow makes the traced path's checks, with the same errors: a body that changes
     * the carry's shape or dtype, and branches that disagree, whichever branch runs.
     */
    @Test
    void eagerControlFlowChecksLikeTracedControlFlow() {
        ref(() -> {
            Array x = Np.array(new int[] {1, 2, 3});
            // a dtype change: before the check this ran three times and returned float64
            for (Function<Array, Array> body : List.<Function<Array, Array>>of(
                    c -> Np.astype(c.add(1), dev.kiln.DType.FLOAT64), c -> Np.concatenate(new Array[] {c, c}, 0))) {
                ShapeException eager = assertThrows(
                        ShapeException.class, () -> Lax.whileLoop((Array c) -> Np.less(Np.sum(c), 30), body, x));
                ShapeException traced = assertThrows(ShapeException.class, () -> Kiln.jit(
                                (Array a) -> Lax.whileLoop((Array c) -> Np.less(Np.sum(c), 30), body, a))
                        .apply(x));
                assertTrue(eager.getMessage().contains("same structure"), eager.getMessage());
                assertEquals(traced.getMessage(), eager.getMessage());
            }
            // a body that returns a fresh array of another shape (this one looped forever before)
            assertThrows(
                    ShapeException.class,
                    () -> Lax.whileLoop((Array c) -> Np.less(Np.sum(c), 10), (Array c) -> Np.ones(5), Np.ones(3)));
            // the body that keeps the carry's type still runs
            assertArrayEquals(
                    new int[] {4, 5, 6},
                    Lax.whileLoop((Array c) -> Np.less(Np.sum(c), 15), (Array c) -> c.add(1), x)
                            .toIntArray());

            Array f = Np.array(new float[] {1, 2, 3});
            Function<Array, Array> keep = a -> a.multiply(2);
            Function<Array, Array> wider = a -> Np.astype(a, dev.kiln.DType.FLOAT64);
            Function<Array, Array> longer = a -> Np.concatenate(new Array[] {a, a}, 0);
            for (Function<Array, Array> other : List.of(wider, longer)) {
                for (boolean p : new boolean[] {true, false}) {
                    ShapeException eager =
                            assertThrows(ShapeException.class, () -> Lax.cond(Np.scalar(p), keep, other, f));
                    ShapeException traced = assertThrows(
                            ShapeException.class, () -> Kiln.jit((Array a) -> Lax.cond(Np.scalar(p), keep, other, a))
                                    .apply(f));
                    assertEquals(traced.getMessage(), eager.getMessage());
                }
                for (int i = 0; i < 3; i++) {
                    Array index = Np.scalar(i);
                    ShapeException eager = assertThrows(
                            ShapeException.class, () -> Lax.switchCase(index, List.of(keep, keep, other), f));
                    assertTrue(eager.getMessage().startsWith("switchCase:"), eager.getMessage());
                }
            }
            // different structures: the same IllegalArgumentException as traced, whichever branch is taken
            Function<Array, Object> single = a -> a;
            Function<Array, Object> pair = a -> List.of(a, a);
            for (boolean p : new boolean[] {true, false}) {
                RuntimeException eager =
                        assertThrows(RuntimeException.class, () -> Lax.cond(Np.scalar(p), single, pair, f));
                RuntimeException traced = assertThrows(
                        RuntimeException.class, () -> Kiln.jit((Array a) -> Lax.cond(Np.scalar(p), single, pair, a))
                                .apply(f));
                assertEquals(traced.getClass(), eager.getClass());
                assertEquals(traced.getMessage(), eager.getMessage());
            }
            // agreeing branches still run eagerly, one of them
            assertArrayEquals(
                    new float[] {2, 4, 6},
                    Lax.cond(Np.scalar(true), keep, a -> a.add(1), f).toFloatArray());
            return null;
        });
    }
}
