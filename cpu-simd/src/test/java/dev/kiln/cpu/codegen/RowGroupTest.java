package dev.kiln.cpu.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Program;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelGroup;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Row groups (a row softmax's or layer norm's kernels run a block of rows at a time) against eager
 * evaluation on the reference backend: row counts below and above the threads and the block size,
 * row lengths around the vector width, float32 and float64, and rows too short for the row loop
 * (those groups run kernel by kernel). Chains where a reduction and a later kernel compute the same
 * costly value (softmax's exponentials) must compute it once ({@link SharedValue}), the later
 * kernel writing its output over it.
 */
class RowGroupTest {
    record Chain(String name, Function<List<Array>, List<Array>> f) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Chain> CHAINS = List.of(
            new Chain("softmax", a -> List.of(Cases.softmax(a.get(0)))),
            new Chain("layer norm", a -> List.of(Cases.layerNorm(a.get(0)))),
            new Chain("log-sum-exp and its shift", a -> {
                Array x = a.get(0);
                Array m = Np.max(x, new int[] {1}, true);
                Array lse = Np.log(Np.sum(Np.exp(x.subtract(m)), new int[] {1}, true))
                        .add(m);
                return List.of(x.subtract(lse), lse);
            }),
            new Chain("softmax and its row sums", a -> {
                Array y = Cases.softmax(a.get(0));
                return List.of(y, Np.sum(y, new int[] {1}, true));
            }),
            new Chain("exponentials stored for two outputs", a -> {
                Array x = a.get(0);
                Array e = Np.exp(x.multiply(0.5));
                Array s = Np.sum(e, new int[] {1}, true);
                return List.of(e.divide(s), e.multiply(s).add(x));
            }),
            new Chain("exponentials of the row reversed", a -> {
                Array x = a.get(0);
                Array m = Np.max(x, new int[] {1}, true);
                Array s = Np.sum(Np.exp(x.subtract(m)), new int[] {1}, true);
                return List.of(Np.exp(Np.flip(x, 1).subtract(m)).divide(s));
            }),
            new Chain("tanh then forty cheap steps, summed and scaled", a -> {
                // a deep DAG of nodes each used twice: matching it must not take exponential time
                Array y = Np.tanh(a.get(0));
                for (int i = 0; i < 40; i++) {
                    y = y.multiply(y).add(y);
                }
                return List.of(y.multiply(Np.sum(y, new int[] {1}, true)));
            }),
            new Chain("tanh summed and scaled", a -> {
                Array t = Np.tanh(a.get(0));
                return List.of(t.multiply(Np.sum(t, new int[] {1}, true)));
            }));

    /** Chains whose costly row value is computed once (the reduction writes it where the output goes). */
    static final Set<String> SHARED = Set.of(
            "softmax",
            "softmax and its row sums",
            "tanh summed and scaled",
            "tanh then forty cheap steps, summed and scaled");

    static Stream<Arguments> cases() {
        return Stream.of(4, 37, 1000)
                .flatMap(rows -> Stream.of(1, 7, 16, 129, 1025).flatMap(width -> CHAINS.stream()
                        // a sum over one element is no reduction: tanh's chain is one kernel then
                        .filter(c -> width > 1 || !c.name().startsWith("tanh"))
                        .flatMap(c -> Stream.of(Cases.f32(rows, width), Cases.f64(rows, width))
                                .map(s -> Arguments.of(c, s)))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void rowGroupsMatchTheReference(Chain c, ArraySpec spec) {
        List<HostBuffer> in = Cases.inputs(List.of(spec), 3);
        Program p = Kiln.withBackend("reference", () -> Kiln.makeProgram(c.f()).apply(Cases.arrays(in)));
        List<KernelGroup> groups = Cases.groups(p);
        assertEquals(1, groups.size(), c + ": one row group over all the kernels");
        KernelGroup g = groups.get(0);
        assertEquals(spec.shape()[0], g.rows());
        String compiled = GeneratedKernelTest.CPU.compileKernelGroup(g).toString();
        if (spec.shape()[1] >= 16 && spec.shape()[0] >= 4) {
            assertTrue(compiled.startsWith("row group of "), c + " " + spec + ": " + compiled);
            assertEquals(
                    SHARED.contains(c.name()),
                    compiled.contains("computing a value of kernel"),
                    c + " " + spec + ": " + compiled);
        }
        List<HostBuffer> eager = Kiln.withBackend(
                "reference",
                () -> c.f().apply(Cases.arrays(in)).stream().map(Array::toHost).toList());
        Function<List<Array>, List<Array>> jitted = Kiln.jit(c.f());
        for (int call = 0; call < 2; call++) {
            List<HostBuffer> fused = Kiln.withBackend("cpu-simd", () -> jitted.apply(Cases.arrays(in)).stream()
                    .map(Array::toHost)
                    .toList());
            for (int o = 0; o < eager.size(); o++) {
                GeneratedKernelTest.close(
                        c + " " + spec + " output " + o + " (call " + call + ")",
                        eager.get(o),
                        fused.get(o),
                        spec.shape()[1]);
            }
        }
    }

    /**
     * The block size only orders the work: one row a block, the group's own choice and all rows in one
     * block give the same bits (each row's reductions and points are computed alike in every block).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("blockCases")
    void blockSizeDoesNotChangeResults(Chain c) {
        List<HostBuffer> in = Cases.inputs(List.of(Cases.f32(37, 129)), 5);
        List<List<HostBuffer>> results = new java.util.ArrayList<>();
        try {
            for (long bytes : new long[] {0, 1, 1L << 30}) {
                RowGroupKernel.blockBytesOverride = bytes;
                Function<List<Array>, List<Array>> jitted = Kiln.jit(c.f());
                results.add(Kiln.withBackend("cpu-simd", () -> jitted.apply(Cases.arrays(in)).stream()
                        .map(Array::toHost)
                        .toList()));
            }
        } finally {
            RowGroupKernel.blockBytesOverride = 0;
        }
        for (int o = 0; o < results.get(0).size(); o++) {
            float[] want = (float[]) results.get(0).get(o).data();
            for (int s = 1; s < results.size(); s++) {
                float[] got = (float[]) results.get(s).get(o).data();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(
                            Float.floatToRawIntBits(want[i]),
                            Float.floatToRawIntBits(got[i]),
                            c + " output " + o + " element " + i + " with block setting " + s);
                }
            }
        }
    }

    static Stream<Chain> blockCases() {
        return CHAINS.stream().filter(c -> !c.name().startsWith("tanh then forty"));
    }
}
