package dev.kiln.vmap;

import static dev.kiln.vmap.Samples.assertSame;
import static dev.kiln.vmap.Samples.member;
import static dev.kiln.vmap.Samples.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.vmap.VmapCases.Case;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code Kiln.vmap(f)} against stacking {@code f} of each batch member, for the functions of
 * {@link VmapCases}: every in-axis pattern (axis 0, the last axis, one argument shared), out axes 0
 * and -1, nested vmap, and vmap composed with jit.
 */
class VmapTest {
    static final int B = 3;

    /** In-axis patterns of two-argument functions; null leaves that argument unbatched. */
    static final Integer[][] TWO_ARG_AXES = {
        {0, 0}, {-1, -1}, {0, -1}, {-1, 0}, {null, 0}, {0, null}, {null, -1}, {-1, null}
    };

    static final Integer[][] ONE_ARG_AXES = {{0}, {-1}};

    /** One batched call: its arguments (stacked where mapped) and the members it stands for. */
    record Batch(Array[] args, Array[][] members) {
        /** Batches every argument {@code i} over {@code axes[i]} (null: one shared value). */
        static Batch of(Case c, Integer[] axes, long seed) {
            Random r = new Random(seed);
            int n = c.arity();
            Array[] args = new Array[n];
            Array[][] members = new Array[B][n];
            for (int i = 0; i < n; i++) {
                if (axes[i] == null) {
                    args[i] = c.args().get(i).make(r);
                    for (int b = 0; b < B; b++) {
                        members[b][i] = args[i];
                    }
                } else {
                    Array[] ms = new Array[B];
                    for (int b = 0; b < B; b++) {
                        ms[b] = c.args().get(i).make(r);
                        members[b][i] = ms[b];
                    }
                    args[i] = Np.stack(ms, axes[i]);
                }
            }
            return new Batch(args, members);
        }

        Array expected(Function<Array[], Array> f, int outAxis) {
            Array[] outs = new Array[B];
            for (int b = 0; b < B; b++) {
                outs[b] = f.apply(members[b]);
            }
            return Np.stack(outs, outAxis);
        }
    }

    /** {@code f} vmapped with the public API's one- or two-argument form. */
    static Function<Array[], Array> vmap(Case c, Function<Array[], Array> f, Integer[] axes, int outAxis) {
        if (c.arity() == 1) {
            Function<Array, Array> g = Kiln.vmap((Array x) -> f.apply(new Array[] {x}), axes[0], outAxis);
            return args -> g.apply(args[0]);
        }
        var g = Kiln.vmap((Array a, Array b) -> f.apply(new Array[] {a, b}), axes[0], axes[1], outAxis);
        return args -> g.apply(args[0], args[1]);
    }

    static Stream<DynamicTest> perPattern(String kind, TestBody body) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : VmapCases.all()) {
            Integer[][] patterns = c.arity() == 1 ? ONE_ARG_AXES : TWO_ARG_AXES;
            for (Integer[] axes : patterns) {
                for (int outAxis : new int[] {0, -1}) {
                    String name = kind + " " + c.name() + " in=" + Arrays.toString(axes) + " out=" + outAxis;
                    long seed = name.hashCode();
                    tests.add(DynamicTest.dynamicTest(
                            name,
                            () -> ref(() -> {
                                body.run(c, axes, outAxis, seed, name);
                                return null;
                            })));
                }
            }
        }
        return tests.stream();
    }

    @FunctionalInterface
    interface TestBody {
        void run(Case c, Integer[] axes, int outAxis, long seed, String name);
    }

    @TestFactory
    Stream<DynamicTest> vmapEqualsStackedCalls() {
        return perPattern("vmap", (c, axes, outAxis, seed, name) -> {
            Batch batch = Batch.of(c, axes, seed);
            Array actual = vmap(c, c.f(), axes, outAxis).apply(batch.args());
            assertSame(batch.expected(c.f(), outAxis), actual, name);
        });
    }

    @TestFactory
    Stream<DynamicTest> jitOfVmapAndVmapOfJit() {
        return perPattern("jit", (c, axes, outAxis, seed, name) -> {
            Batch batch = Batch.of(c, axes, seed);
            Array expected = batch.expected(c.f(), outAxis);
            Function<Array[], Array> jitOfVmap = Kiln.jit(vmap(c, c.f(), axes, outAxis));
            assertSame(expected, jitOfVmap.apply(batch.args()), "jit(vmap) " + name);
            assertSame(expected, jitOfVmap.apply(batch.args()), "jit(vmap), cached " + name);
            Function<Array[], Array> vmapOfJit = vmap(c, Kiln.jit(c.f()), axes, outAxis);
            assertSame(expected, vmapOfJit.apply(batch.args()), "vmap(jit) " + name);
        });
    }

    /**
     * vmap of vmap: the outer level maps every argument over {@code axes}, the inner level over
     * axis 0 of what is left; outputs are stacked inner first (at 0), then outer.
     */
    @TestFactory
    Stream<DynamicTest> nestedVmap() {
        int inner = 2;
        return perPattern("nested", (c, axes, outAxis, seed, name) -> {
            Random r = new Random(seed);
            int n = c.arity();
            Array[] args = new Array[n];
            Array[][][] members = new Array[B][inner][n];
            Integer[] innerAxes = new Integer[n];
            for (int i = 0; i < n; i++) {
                innerAxes[i] = axes[i] == null ? null : 0;
                if (axes[i] == null) {
                    args[i] = c.args().get(i).make(r);
                    for (Array[][] m : members) {
                        for (Array[] mm : m) {
                            mm[i] = args[i];
                        }
                    }
                    continue;
                }
                Array[] outer = new Array[B];
                for (int b = 0; b < B; b++) {
                    Array[] in = new Array[inner];
                    for (int j = 0; j < inner; j++) {
                        in[j] = c.args().get(i).make(r);
                        members[b][j][i] = in[j];
                    }
                    outer[b] = Np.stack(in, 0);
                }
                args[i] = Np.stack(outer, axes[i]);
            }
            if (Arrays.stream(innerAxes).allMatch(a -> a == null)) {
                return;
            }
            Function<Array[], Array> nested = vmap(c, vmap(c, c.f(), innerAxes, 0), axes, outAxis);
            Array[] outs = new Array[B];
            for (int b = 0; b < B; b++) {
                Array[] row = new Array[inner];
                for (int j = 0; j < inner; j++) {
                    row[j] = c.f().apply(members[b][j]);
                }
                outs[b] = Np.stack(row, 0);
            }
            assertSame(Np.stack(outs, outAxis), nested.apply(args), name);
        });
    }

    /** A batch of no members gives outputs with a zero-length batch dimension. */
    @TestFactory
    Stream<DynamicTest> emptyBatch() {
        return VmapCases.all().stream()
                .map(c -> DynamicTest.dynamicTest(
                        "empty batch " + c.name(),
                        () -> ref(() -> {
                            Array[] sample =
                                    Batch.of(c, new Integer[c.arity()], 5).args();
                            Array[] empty = new Array[c.arity()];
                            for (int i = 0; i < empty.length; i++) {
                                int[] shape = new int[sample[i].ndim() + 1];
                                System.arraycopy(sample[i].shape(), 0, shape, 1, sample[i].ndim());
                                empty[i] = Np.zeros(sample[i].dtype(), shape);
                            }
                            Array one = c.f().apply(sample);
                            Integer[] axes = new Integer[c.arity()];
                            Arrays.fill(axes, 0);
                            Array out = vmap(c, c.f(), axes, 0).apply(empty);
                            int[] expected = new int[one.ndim() + 1];
                            System.arraycopy(one.shape(), 0, expected, 1, one.ndim());
                            assertEquals(one.dtype(), out.dtype());
                            assertEquals(Arrays.toString(expected), Arrays.toString(out.shape()));
                            return null;
                        })));
    }

    /** A closure over an outer batched value inside an inner vmap: pairwise squared distances. */
    @Test
    void innerVmapClosesOverOuterBatchedValue() {
        ref(() -> {
            Random r = new Random(7);
            Array xs = Samples.floats(4, 3).make(r);
            Array ys = Samples.floats(5, 3).make(r);
            Array d = Kiln.vmap((Array x) -> Kiln.vmap((Array y) -> Np.sum(Np.square(Np.subtract(x, y))))
                            .apply(ys))
                    .apply(xs);
            Array[] rows = new Array[4];
            for (int i = 0; i < 4; i++) {
                Array[] row = new Array[5];
                for (int j = 0; j < 5; j++) {
                    row[j] = Np.sum(Np.square(Np.subtract(member(xs, 0, i), member(ys, 0, j))));
                }
                rows[i] = Np.stack(row, 0);
            }
            assertSame(Np.stack(rows, 0), d, "pairwise distances");
            return null;
        });
    }

    @Test
    void unbatchedOutputIsBroadcastToTheBatch() {
        ref(() -> {
            Array x = Np.array(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
            Array out = Kiln.vmap((Array v) -> Np.ones(dev.kiln.DType.FLOAT64, 4), 0, -1)
                    .apply(x);
            assertSame(Np.ones(dev.kiln.DType.FLOAT64, 4, 3), out, "constant output");
            return null;
        });
    }

    /**
     * The table reaches every primitive. (jit stages IOTA too, so it shows up in these programs;
     * under vmap alone it has no operands to be batched and runs as a constant.)
     */
    @Test
    void casesBindEveryPrimitive() {
        Set<Primitive> seen = EnumSet.noneOf(Primitive.class);
        ref(() -> {
            for (Case c : VmapCases.all()) {
                Array[] args = Batch.of(c, new Integer[c.arity()], 1).args();
                Program p = Kiln.makeProgram((Array[] a) -> c.f().apply(a)).apply(args);
                for (Eqn e : p.eqns()) {
                    seen.add(e.primitive());
                }
            }
            return null;
        });
        Set<Primitive> missing = EnumSet.complementOf(EnumSet.copyOf(seen));
        // Control flow (several outputs, sub-programs) is batched outside BatchRules and tested with it.
        missing.removeIf(p -> p.kind() == Primitive.Kind.CONTROL);
        // Collectives need a named axis; the conformance family 'parallel' batches each of them.
        missing.removeIf(p -> p.kind() == Primitive.Kind.COLLECTIVE);
        assertEquals(EnumSet.noneOf(Primitive.class), missing, "primitives that no vmap case binds");
    }
}
