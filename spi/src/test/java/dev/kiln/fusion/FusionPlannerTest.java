package dev.kiln.fusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.fusion.Patterns.Pattern;
import dev.kiln.internal.fusion.FusionPlan;
import dev.kiln.internal.fusion.FusionPlanner;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.FusedKernel.Node;
import dev.kiln.spi.FusedKernel.Root;
import dev.kiln.spi.KernelGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What the planner makes of known patterns: how many kernels, of which kind, doing what. */
class FusionPlannerTest {
    private static FusionPlan plan(String name) {
        Pattern p = Patterns.all().stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow();
        return plan(p.f(), p.inputs().toArray(ArraySpec[]::new));
    }

    private static FusionPlan plan(Function<List<Array>, List<Array>> f, ArraySpec... inputs) {
        return Kiln.withBackend("reference", () -> {
            List<Array> xs = new ArrayList<>();
            for (ArraySpec s : inputs) {
                xs.add(Np.zeros(s.shape()).astype(s.dtype()));
            }
            return FusionPlanner.plan(Kiln.makeProgram(f).apply(xs));
        });
    }

    private static long count(FusionPlan plan, Primitive op) {
        return plan.kernels().stream()
                .flatMap(k -> k.nodes().stream())
                .filter(n -> n instanceof Node.Op o && o.op() == op)
                .count();
    }

    private static long otherSteps(FusionPlan plan) {
        return plan.steps().stream()
                .filter(s -> s instanceof FusionPlan.EqnStep)
                .count();
    }

    @Test
    void elementwiseChainIsOneKernel() {
        FusionPlan plan = plan("tanh(x + y*z) * 0.5 + x");
        assertEquals(1, plan.kernels().size(), plan::explain);
        FusedKernel k = plan.kernels().get(0);
        assertInstanceOf(Root.Elementwise.class, k.root());
        assertEquals(3, k.inputs().size(), "x is read once although used twice\n" + plan.explain());
        assertEquals(1, k.outputs().size());
        assertEquals(0, otherSteps(plan));
    }

    @Test
    void sumOfAnElementwiseChainIsOneKernel() {
        FusionPlan plan = plan("sum(x + y*z)");
        assertEquals(1, plan.kernels().size(), plan::explain);
        FusedKernel k = plan.kernels().get(0);
        assertArrayEquals(new int[] {0, 1}, ((Root.Reduce) k.root()).axes());
        assertEquals(2, k.epilogueStart() - 3, "add and mul are inner nodes after the three loads");
        assertInstanceOf(Node.Reduce.class, k.nodes().get(k.epilogueStart()));
    }

    @Test
    void matmulBiasTanhIsOneKernelWithAnEpilogue() {
        FusionPlan plan = plan("tanh(x @ w + b)");
        assertEquals(1, plan.kernels().size(), plan::explain);
        FusedKernel k = plan.kernels().get(0);
        Root.Matmul m = assertInstanceOf(Root.Matmul.class, k.root());
        assertArrayEquals(new int[] {7, 5, 13}, k.space(), "space is [m, n, k]");
        assertArrayEquals(new int[] {13, 0, 1}, k.inputs().get(m.lhs()).strides());
        assertArrayEquals(new int[] {0, 1, 5}, k.inputs().get(m.rhs()).strides());
        assertEquals(1, count(plan, Primitive.TANH));
        assertEquals(1, count(plan, Primitive.ADD));
        assertInstanceOf(Node.DotResult.class, k.nodes().get(0));
    }

    /**
     * A tanh layer's backward pass, {@code g = (dy @ w.T) * (1 - h*h)} from the saved activation h,
     * which a later weight-gradient product needs in memory and whose column sums are a bias
     * gradient: the product roots the kernel that writes g (the derivative is its epilogue), and the
     * sums read g, rather than the product being written and read back by a reduction that writes
     * g.
     */
    @Test
    void aCheapActivationDerivativeIsItsProductsEpilogueNotPartOfTheBiasGradient() {
        FusionPlan plan = plan(
                a -> {
                    Array g = Np.matmul(a.get(0), Np.transpose(a.get(1)))
                            .multiply(a.get(2).multiply(a.get(2)).negative().add(1f));
                    return List.of(Np.matmul(Np.transpose(a.get(3)), g), Np.sum(g, 0));
                },
                ArraySpec.of(DType.FLOAT32, 9, 6),
                ArraySpec.of(DType.FLOAT32, 11, 6),
                ArraySpec.of(DType.FLOAT32, 9, 11),
                ArraySpec.of(DType.FLOAT32, 9, 5));
        List<FusedKernel> ks = plan.kernels();
        assertEquals(3, ks.size(), plan::explain);
        FusedKernel first = ks.get(0);
        assertInstanceOf(Root.Matmul.class, first.root(), plan::explain);
        assertTrue(
                first.nodes().stream().anyMatch(n -> n instanceof Node.Op o && o.op() == Primitive.NEG), plan::explain);
        FusedKernel sums = ks.stream()
                .filter(k -> k.root() instanceof Root.Reduce)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no reduction\n" + plan.explain()));
        assertEquals(1, sums.inputs().size(), "the sums read only g\n" + plan.explain());
        assertArrayEquals(new int[] {9, 11}, sums.inputs().get(0).spec().shape(), plan::explain);
    }

    /**
     * As {@link #aCheapActivationDerivativeIsItsProductsEpilogueNotPartOfTheBiasGradient} with a
     * transcendental in the derivative (GELU's recomputes a tanh of the saved pre-activation): it
     * too is the product's epilogue, and the bias gradient's sums read only g.
     */
    @Test
    void aTranscendentalActivationDerivativeIsItsProductsEpilogueToo() {
        FusionPlan plan = plan(
                a -> {
                    Array t = Np.tanh(a.get(2));
                    Array g = Np.matmul(a.get(0), Np.transpose(a.get(1)))
                            .multiply(t.multiply(t).negative().add(1f));
                    return List.of(Np.matmul(Np.transpose(a.get(3)), g), Np.sum(g, 0));
                },
                ArraySpec.of(DType.FLOAT32, 9, 6),
                ArraySpec.of(DType.FLOAT32, 11, 6),
                ArraySpec.of(DType.FLOAT32, 9, 11),
                ArraySpec.of(DType.FLOAT32, 9, 5));
        List<FusedKernel> ks = plan.kernels();
        assertEquals(3, ks.size(), plan::explain);
        FusedKernel first = ks.get(0);
        assertInstanceOf(Root.Matmul.class, first.root(), plan::explain);
        assertTrue(
                first.nodes().stream().anyMatch(n -> n instanceof Node.Op o && o.op() == Primitive.TANH),
                plan::explain);
        FusedKernel sums = ks.stream()
                .filter(k -> k.root() instanceof Root.Reduce)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no reduction\n" + plan.explain()));
        assertEquals(1, sums.inputs().size(), "the sums read only g\n" + plan.explain());
    }

    /**
     * An attention's head split: {@code [b, s, h·d] -> [b, s, h, d]} between two products. Needed only
     * in memory (as a matmul operand), the reshape is a step that relabels the product's array, not a
     * copy kernel; a reshape that a kernel reads is still fused into it.
     */
    @Test
    void aReshapeNeededOnlyInMemoryIsAStepNotACopy() {
        FusionPlan plan = plan(
                a -> {
                    Array q = Np.reshape(Np.matmul(a.get(0), a.get(1)), 2, 5, 3, 4);
                    Array k = Np.reshape(Np.matmul(a.get(0), a.get(2)), 2, 5, 3, 4);
                    Array s = Lax.dotGeneral(q, k, new int[] {3}, new int[] {3}, new int[] {0, 2}, new int[] {0, 2});
                    return List.of(s, Np.tanh(Np.reshape(a.get(0), 10, 6)));
                },
                ArraySpec.of(DType.FLOAT32, 2, 5, 6),
                ArraySpec.of(DType.FLOAT32, 6, 12),
                ArraySpec.of(DType.FLOAT32, 6, 12));
        assertEquals(4, plan.kernels().size(), plan::explain);
        long reshapes = plan.steps().stream()
                .filter(st -> st instanceof FusionPlan.EqnStep e && e.eqn().primitive() == Primitive.RESHAPE)
                .count();
        assertEquals(2, reshapes, plan::explain);
        assertTrue(
                plan.kernels().stream()
                        .noneMatch(k -> k.root() instanceof Root.Elementwise
                                && k.nodes().stream().noneMatch(n -> n instanceof Node.Op)),
                "no copy kernel\n" + plan.explain());
    }

    @Test
    void aTransposedMatmulOperandIsReadInPlace() {
        FusionPlan plan = plan(
                a -> List.of(Np.tanh(Np.matmul(Np.transpose(a.get(0)), a.get(1)))),
                ArraySpec.of(DType.FLOAT32, 13, 7),
                ArraySpec.of(DType.FLOAT32, 13, 5));
        assertEquals(1, plan.kernels().size(), plan::explain);
        FusedKernel k = plan.kernels().get(0);
        Root.Matmul m = assertInstanceOf(Root.Matmul.class, k.root());
        assertArrayEquals(new int[] {13, 7}, k.inputs().get(m.lhs()).spec().shape(), plan::explain);
        assertArrayEquals(new int[] {0}, m.dims().lhsContract().toArray(), plan::explain);
        // a transpose that reorders the free axes would reorder the result: it stays
        FusionPlan kept = plan(
                a -> List.of(Lax.dotGeneral(
                        Np.transpose(a.get(0), 1, 0, 2),
                        a.get(1),
                        new int[] {2},
                        new int[] {0},
                        new int[0],
                        new int[0])),
                ArraySpec.of(DType.FLOAT32, 3, 4, 5),
                ArraySpec.of(DType.FLOAT32, 5, 2));
        assertEquals(2, kept.kernels().size(), kept::explain);
    }

    @Test
    void softmaxIsThreePasses() {
        FusionPlan plan = plan("softmax rows");
        List<FusedKernel> ks = plan.kernels();
        assertEquals(3, ks.size(), plan::explain);
        assertInstanceOf(Root.Reduce.class, ks.get(0).root());
        // the exponentials are computed by the pass that sums them and again by the quotients'
        // pass, rather than written out: every kernel reads only x and per-row values
        assertEquals(2, count(plan, Primitive.EXP), plan::explain);
        assertEquals(1, ks.get(1).outputs().size(), plan::explain);
        assertInstanceOf(Root.Elementwise.class, ks.get(2).root());
        for (FusedKernel k : ks) {
            assertEquals(
                    1, k.inputs().stream().filter(in -> in.spec().rank() == 2).count(), plan::explain);
        }
        assertEquals(0, otherSteps(plan));
    }

    /** The softmax's and the layer norm's three kernels each read only their own rows: one row group. */
    @Test
    void rowChainsAreOneRowGroup() {
        for (String name : List.of("softmax rows", "layer norm")) {
            FusionPlan plan = plan(name);
            assertEquals(1, plan.steps().size(), plan::explain);
            FusionPlan.GroupStep g =
                    assertInstanceOf(FusionPlan.GroupStep.class, plan.steps().get(0), plan::explain);
            assertEquals(3, g.group().kernels().size(), plan::explain);
            assertEquals(1, g.group().rowAxes());
            assertTrue(plan.explain().contains("3 kernels over rows"), plan::explain);
        }
    }

    /** A group is checked when it is made: rows that a kernel reduces, or wiring to a later kernel, are refused. */
    @Test
    void kernelGroupsRefuseWhatIsNotRowByRow() {
        FusionPlan plan = plan("softmax rows");
        KernelGroup g = ((FusionPlan.GroupStep) plan.steps().get(0)).group();
        assertTrue(KernelGroup.fits(1, g.kernels(), g.wiring()));
        IllegalArgumentException reduced = assertThrows(
                IllegalArgumentException.class, () -> new KernelGroup(2, g.inputs(), g.kernels(), g.wiring()));
        assertTrue(reduced.getMessage().contains("reduces row axis 1"), reduced.getMessage());
        List<List<KernelGroup.Source>> forward = new ArrayList<>(g.wiring());
        forward.set(0, List.of(new KernelGroup.Source.Output(2, 0)));
        IllegalArgumentException later = assertThrows(
                IllegalArgumentException.class, () -> new KernelGroup(1, g.inputs(), g.kernels(), forward));
        assertTrue(later.getMessage().contains("not an earlier output"), later.getMessage());
        assertTrue(!KernelGroup.fits(1, g.kernels(), forward));
    }

    /** Dividing by column sums reads the sums at every row, and the sums reduce the rows: no row group. */
    @Test
    void columnChainsAreNotRowGroups() {
        FusionPlan plan = plan(
                a -> {
                    Array e = Np.exp(a.get(0));
                    return List.of(e.divide(Np.sum(e, new int[] {0}, true)));
                },
                ArraySpec.of(DType.FLOAT32, 9, 9));
        assertEquals(2, plan.kernels().size(), plan::explain);
        assertTrue(plan.steps().stream().noneMatch(s -> s instanceof FusionPlan.GroupStep), plan::explain);
    }

    @Test
    void layerNormIsThreePasses() {
        FusionPlan plan = plan("layer norm");
        assertEquals(3, plan.kernels().size(), plan::explain);
        // the sum for the mean is shared by mean and var (traced twice, merged once)
        long sums = plan.kernels().stream()
                .flatMap(k -> k.nodes().stream())
                .filter(n -> n instanceof Node.Reduce r && r.reducer() == Primitive.REDUCE_SUM)
                .count();
        assertEquals(2, sums, plan::explain);
        assertEquals(1, count(plan, Primitive.SQRT), "the scale is computed once per row, in an epilogue");
        FusedKernel second = plan.kernels().get(1);
        assertTrue(second.isEpilogue(second.outputs().get(0).node()), plan::explain);
    }

    @Test
    void siblingReductionsShareOnePass() {
        FusionPlan plan = plan("sibling reductions");
        assertEquals(1, plan.kernels().size(), plan::explain);
        assertEquals(3, plan.kernels().get(0).outputs().size());
        assertEquals(1, plan.kernels().get(0).inputs().size());
    }

    @Test
    void independentElementwiseWorkJoinsAReductionOverTheSameSpace() {
        FusionPlan plan = plan("int32 arithmetic");
        assertEquals(1, plan.kernels().size(), plan::explain);
        assertEquals(2, plan.kernels().get(0).outputs().size());
    }

    @Test
    void anIntermediateThatIsAlsoAnOutputIsWrittenByThePassThatComputesIt() {
        FusionPlan plan = plan("intermediate also an output");
        assertEquals(1, plan.kernels().size(), plan::explain);
        assertEquals(1, count(plan, Primitive.EXP));
        assertEquals(3, plan.kernels().get(0).outputs().size());
    }

    @Test
    void expensiveWorkIsNotRecomputedThroughABroadcast() {
        FusionPlan plan = plan("expensive value through a broadcast");
        assertEquals(2, plan.kernels().size(), plan::explain);
        FusedKernel exp = plan.kernels().get(0);
        assertArrayEquals(new int[] {5}, exp.space(), "exp runs over its own 5 elements, not 40 x 5");
    }

    @Test
    void cheapWorkIsFusedThroughABroadcast() {
        FusionPlan plan = plan("cheap value through a broadcast");
        assertEquals(1, plan.kernels().size(), plan::explain);
        FusedKernel k = plan.kernels().get(0);
        assertArrayEquals(new int[] {0, 1}, k.inputs().get(1).strides(), "the vector is read with a 0 stride");
    }

    @Test
    void cheapIntermediatesAreRecomputedRatherThanStored() {
        FusionPlan plan = plan("cheap value shared by two reductions");
        assertEquals(2, plan.kernels().size(), plan::explain);
        for (FusedKernel k : plan.kernels()) {
            assertEquals(1, k.outputs().size(), "only the reductions are written\n" + plan.explain());
        }
        assertEquals(2, count(plan, Primitive.ADD));
    }

    @Test
    void expensiveIntermediatesWithConsumersInSeveralKernelsAreStoredOnce() {
        FusionPlan plan = plan("exp read by a reduction and a cumsum");
        assertEquals(1, count(plan, Primitive.EXP), plan::explain);
        assertEquals(1, otherSteps(plan));
    }

    @Test
    void arithmeticReadAtTwoViewsIsComputedOnceAndStored() {
        FusionPlan plan = plan("arithmetic read at two views");
        assertEquals(2, plan.kernels().size(), plan::explain);
        assertEquals(1, count(plan, Primitive.MUL), plan::explain);
    }

    @Test
    void recomputationStaysWithinABoundedFactorOfTheProgram() {
        // each stage of a sorting network reads the previous one at two views and in two kernels;
        // copying cheap arithmetic without a bound makes every kernel recompute every earlier stage
        FusionPlan plan = plan("sorting network");
        long inProgram = plan.program().eqns().stream()
                .filter(e -> e.primitive().isElementwise())
                .count();
        long inKernels = plan.kernels().stream()
                .flatMap(k -> k.nodes().stream())
                .filter(n -> n instanceof Node.Op)
                .count();
        assertTrue(inKernels <= 3 * inProgram, inKernels + " ops in kernels for " + inProgram + " in the program");
    }

    @Test
    void arithmeticOnLiteralsAloneIsFoldedNotAKernel() {
        // the gradient of a mean divides by the element count: a convert, a reshape and a div of
        // literals, which would otherwise be a kernel of one element with no inputs
        for (String name : List.of("gradient of a mean", "literal arithmetic")) {
            FusionPlan plan = plan(name);
            assertTrue(plan.kernels().stream().noneMatch(k -> k.inputs().isEmpty()), plan::explain);
        }
        FusionPlan literals = plan("literal arithmetic");
        for (var e : literals.program().eqns()) {
            boolean fromLiterals = e.inputs().stream().allMatch(a -> a instanceof dev.kiln.ir.Literal);
            boolean float32or64 = e.outputs().get(0).spec().dtype() == DType.FLOAT32
                    || e.outputs().get(0).spec().dtype() == DType.FLOAT64;
            assertTrue(
                    !fromLiterals || !float32or64 || e.primitive() == Primitive.BROADCAST_IN_DIM,
                    () -> e + " is left in\n" + literals.explain());
        }
        assertTrue(
                literals.program().eqns().stream()
                        .anyMatch(e -> e.primitive() == Primitive.DIV
                                && e.outputs().get(0).spec().dtype() == DType.INT32),
                () -> "integer division is left to the backend\n" + literals.explain());
    }

    @Test
    void movementBecomesIndexMaps() {
        FusionPlan plan = plan("sum of a flipped, transposed, strided view");
        assertEquals(1, plan.kernels().size(), plan::explain);
        FusedKernel k = plan.kernels().get(0);
        // x: (6, 9); transposed (9, 6), flipped along 0, rows ::2 and columns 1: -> (5, 5)
        assertArrayEquals(new int[] {5, 5}, k.space());
        FusedKernel.Input in = k.inputs().get(0);
        assertArrayEquals(new int[] {-2, 9}, in.strides(), plan.explain());
        assertEquals(8 + 9, in.offset(), plan.explain());
    }

    @Test
    void aReshapeThatIsNotAnIndexMapCutsTheKernel() {
        FusionPlan plan = plan("transpose then flatten");
        assertEquals(2, plan.kernels().size(), plan::explain);
    }

    @Test
    void reshapesBetweenElementwiseOpsStayFused() {
        FusionPlan plan = plan("reshape between elementwise ops");
        assertEquals(1, plan.kernels().size(), plan::explain);
    }

    @Test
    void iotaIsANodeNotAnArray() {
        FusionPlan plan = plan("iota and where");
        assertEquals(1, plan.kernels().size(), plan::explain);
        assertTrue(
                plan.kernels().get(0).nodes().stream()
                        .anyMatch(n ->
                                n instanceof Node.Iota io && java.util.Arrays.equals(io.strides(), new int[] {0, 1})),
                plan::explain);
    }

    @Test
    void otherPrimitivesAndControlFlowAreStepsBetweenKernels() {
        FusionPlan cumsum = plan("cumsum between kernels");
        assertEquals(2, cumsum.kernels().size(), cumsum::explain);
        assertEquals(1, otherSteps(cumsum));
        assertInstanceOf(FusionPlan.EqnStep.class, cumsum.steps().get(1), "the kernel feeding cumsum runs first");
        FusionPlan cond = plan("cond inside");
        assertTrue(
                cond.steps().stream()
                        .anyMatch(s ->
                                s instanceof FusionPlan.EqnStep e && e.eqn().primitive() == Primitive.COND),
                cond::explain);
        FusionPlan empty = plan("empty arrays");
        assertEquals(0, empty.kernels().size(), "work on empty arrays runs op by op");
    }

    /**
     * Products of one large matrix with vectors that do not depend on each other's products share one
     * product with the vectors side by side (one sweep over the matrix); a vector computed from
     * another product's result cannot join it, a small matrix is left alone, and the jitted results
     * are those of the products run one by one, bit for bit.
     */
    @Test
    void productsOfOneMatrixWithIndependentVectorsShareOneProduct() {
        int n = 512;
        Function<List<Array>, List<Array>> f = a -> {
            Array w = a.get(0);
            Array y1 = Np.matmul(w, a.get(1));
            Array y2 = Np.matmul(w, a.get(2));
            // depends on y1: a product of its own
            Array y3 = Np.matmul(w, Np.tanh(y1));
            return List.of(y1.add(y2), y3);
        };
        ArraySpec mat = ArraySpec.of(DType.FLOAT32, n, n);
        ArraySpec vec = ArraySpec.of(DType.FLOAT32, n);
        FusionPlan merged = plan(f, mat, vec, vec);
        List<FusedKernel> products = merged.kernels().stream()
                .filter(k -> k.root() instanceof Root.Matmul)
                .toList();
        assertEquals(2, products.size(), merged::explain);
        assertTrue(merged.explain().contains("concatenate[axis=1]"), merged::explain);
        assertTrue(merged.explain().contains("float32[" + n + ",2] = dot_general"), merged::explain);
        FusionPlan small = plan(
                f,
                ArraySpec.of(DType.FLOAT32, 64, 64),
                ArraySpec.of(DType.FLOAT32, 64),
                ArraySpec.of(DType.FLOAT32, 64));
        assertEquals(
                3,
                small.kernels().stream()
                        .filter(k -> k.root() instanceof Root.Matmul)
                        .count(),
                small::explain);
        Kiln.withBackend("reference", () -> {
            Array w = Np.sin(Np.arange(n * n).astype(DType.FLOAT32).reshape(n, n));
            Array x = Np.cos(Np.arange(n).astype(DType.FLOAT32));
            Array v = Np.sin(Np.arange(n).astype(DType.FLOAT32).multiply(0.3f));
            List<Array> eager = f.apply(List.of(w, x, v));
            List<Array> jitted = Kiln.jit(f).apply(List.of(w, x, v));
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(eager.get(i).toFloatArray(), jitted.get(i).toFloatArray(), "output " + i);
            }
            return null;
        });
    }

    @Test
    void plansAreCachedPerProgramAndKernelsCompareByStructure() {
        Function<List<Array>, List<Array>> f = a -> List.of(Np.exp(a.get(0)).add(1));
        Program p = Kiln.withBackend("reference", () -> Kiln.makeProgram(f).apply(List.of(Np.zeros(3, 4))));
        assertSame(FusionPlanner.plan(p), FusionPlanner.plan(p));
        FusionPlan again = plan(f, ArraySpec.of(DType.FLOAT32, 3, 4));
        assertEquals(FusionPlanner.plan(p).kernels(), again.kernels(), "a retrace gives equal kernels");
        assertEquals(
                FusionPlanner.plan(p).kernels().get(0).hashCode(),
                again.kernels().get(0).hashCode());
    }

    @Test
    void explainListsKernelsInputsAndOps() {
        String text = Kiln.withBackend(
                "reference", () -> Kiln.explain((Array x) -> Np.sum(Np.tanh(x).multiply(x), 1))
                        .apply(Np.zeros(3, 4)));
        assertTrue(text.contains("1 kernel, 0 other steps"), text);
        assertTrue(text.contains("kernel reduce over axes [1] space [3, 4]"), text);
        assertTrue(text.contains("in0: float32[3,4] at offset 0 strides [4, 1]"), text);
        assertTrue(text.contains("tanh %0 : float32"), text);
        assertTrue(text.contains("reduce_sum"), text);
        assertTrue(text.contains("in0 = a"), text);
    }
}
