package dev.kiln.cpu.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Program;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelGroup;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Row reductions whose per-point work is a transcendental (softmax's sum of exponentials, a
 * log-sum-exp) are generated without unrolling, so C2 keeps their vector code inline: checked that
 * this is the loop that runs (unroll 1 for the exp kernels, the usual unroll for the plain maximum),
 * and that it gives the reference backend's results on odd row lengths (1, 3, 17, 1023, 4097), with
 * NaN and ±inf in some rows and rows masked entirely with -inf (whose softmax is NaN, as in JAX).
 */
class RowWorkSpeedPathsTest {
    record Chain(String name, Function<Array, Array> f) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Chain> CHAINS = List.of(
            new Chain("softmax", Cases::softmax),
            new Chain("log-softmax", x -> {
                Array m = Np.max(x, new int[] {1}, true);
                Array s = x.subtract(m);
                return s.subtract(Np.log(Np.sum(Np.exp(s), new int[] {1}, true)));
            }),
            new Chain("layer norm", Cases::layerNorm));

    static Stream<Arguments> cases() {
        return Stream.of(1, 3, 17, 1023, 4097).flatMap(width -> Stream.of(5, 64)
                .flatMap(rows -> CHAINS.stream().flatMap(c -> Stream.of(Cases.f32(rows, width), Cases.f64(rows, width))
                        .map(s -> Arguments.of(c, s)))));
    }

    /** Values in [-8, 8]; row 1 has a NaN, row 2 a +inf and a -inf, row 3 is all -inf (a masked row). */
    static HostBuffer input(ArraySpec spec) {
        SplittableRandom r = new SplittableRandom(spec.hashCode());
        HostBuffer h = HostBuffer.allocate(spec);
        int rows = spec.shape()[0];
        int width = spec.shape()[1];
        double[] v = new double[spec.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() * 16 - 8;
        }
        v[width + width / 2] = Double.NaN;
        v[2 * width + width / 3] = Double.POSITIVE_INFINITY;
        if (width > 1) {
            v[2 * width + width - 1] = Double.NEGATIVE_INFINITY;
        }
        for (int j = 0; j < width && rows > 3; j++) {
            v[3 * width + j] = Double.NEGATIVE_INFINITY;
        }
        for (int i = 0; i < v.length; i++) {
            if (spec.dtype() == dev.kiln.DType.FLOAT32) {
                h.floats()[i] = (float) v[i];
            } else {
                h.doubles()[i] = v[i];
            }
        }
        return h;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void rowWorkMatchesTheReference(Chain c, ArraySpec spec) {
        HostBuffer in = input(spec);
        HostBuffer expected = Kiln.withBackend(
                        "reference", () -> c.f().apply(Cases.arrays(List.of(in)).get(0)))
                .toHost();
        Function<Array, Array> jitted = Kiln.jit(c.f());
        for (int call = 0; call < 2; call++) {
            HostBuffer actual = Kiln.withBackend(
                    "cpu-simd",
                    () -> jitted.apply(Cases.arrays(List.of(in)).get(0)).toHost());
            GeneratedKernelTest.close(c + " " + spec + " (call " + call + ")", expected, actual, spec.shape()[1]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("widths")
    void transcendentalRowReductionsAreNotUnrolled(int width) {
        ArraySpec spec = Cases.f32(64, width);
        Program p = Kiln.withBackend("reference", () -> Kiln.makeProgram(Cases::softmax)
                .apply(Cases.arrays(List.of(input(spec))).get(0)));
        List<KernelGroup> groups = Cases.groups(p);
        assertEquals(1, groups.size(), "softmax is one row group");
        int reductions = 0;
        for (FusedKernel k : groups.get(0).kernels()) {
            CompiledKernel compiled = GeneratedKernelTest.CPU.compileKernel(k);
            assertTrue(compiled instanceof GeneratedKernel, "generated: " + compiled);
            GeneratedKernel g = (GeneratedKernel) compiled;
            boolean exp = k.toString().contains("exp");
            if (k.reducedAxes().length > 0) {
                reductions++;
                assertEquals(
                        exp ? 1 : 4,
                        g.generated().unroll(),
                        "unroll of " + (exp ? "sum(exp(x - max))" : "max(x)") + " over rows of " + width);
            }
        }
        assertEquals(2, reductions, "softmax has two row reductions (the maximum, the sum of exponentials)");
    }

    static Stream<Integer> widths() {
        return Stream.of(17, 1023, 4097);
    }
}
