package dev.kiln.cpu.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.cpu.codegen.Cases.Case;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelInterpreter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated kernels against the op-by-op interpreter on the reference backend, kernel by kernel,
 * for the planner's kernels of each {@link Cases} function at every odd size; and whole functions
 * jitted on cpu-simd against eager evaluation on the reference backend.
 */
class GeneratedKernelTest {
    static final Backend REF = Kiln.backend("reference");
    static final Backend CPU = Kiln.backend("cpu-simd");
    private static final KernelCompiler COMPILER = new KernelCompiler(CPU, Workers.CALLER);

    static Stream<Case> cases() {
        return Arrays.stream(Cases.ODD_SIZES).boxed().flatMap(n -> Cases.all(n).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void generatedKernelsMatchTheInterpreter(Case c) {
        List<FusedKernel> kernels = Cases.kernels(c);
        assertTrue(!kernels.isEmpty(), c + ": the planner made no kernel");
        for (FusedKernel k : kernels) {
            CompiledKernel compiled;
            try {
                compiled = COMPILER.compile(k);
            } catch (UnsupportedKernelException e) {
                if (c.generated()) {
                    fail(c + ": no code generated (" + e.getMessage() + ") for\n" + k);
                }
                continue;
            }
            if (c.generated() && k.size() > 0) {
                assertTrue(
                        compiled instanceof GeneratedKernel || compiled instanceof MatmulKernel,
                        c + ": expected generated code, got " + compiled);
            }
            for (long seed = 1; seed <= 2; seed++) {
                check(c + " seed " + seed, k, compiled, seed);
            }
        }
    }

    /** Runs {@code compiled} and the reference interpreter on the same seeded inputs and compares. */
    static void check(String what, FusedKernel k, CompiledKernel compiled, long seed) {
        List<HostBuffer> in =
                Cases.inputs(k.inputs().stream().map(FusedKernel.Input::spec).toList(), seed);
        List<Buffer> expected = new KernelInterpreter(REF, k).run(new ArrayList<>(in));
        List<Buffer> actual = compiled.run(new ArrayList<>(in));
        assertEquals(expected.size(), actual.size(), what);
        long terms = terms(k);
        for (int o = 0; o < expected.size(); o++) {
            close(what + " output " + o + " of\n" + k, REF.toHost(expected.get(o)), (HostBuffer) actual.get(o), terms);
        }
    }

    /** Terms folded into each output element: the reduced (or contracted) points per output point. */
    static long terms(FusedKernel k) {
        long t = 1;
        int[] space = k.space();
        for (int d : k.reducedAxes()) {
            t *= space[d];
        }
        return t;
    }

    /**
     * Floats within 16 ulps, or within an absolute allowance for rounding in sums and products of
     * {@code terms} values of magnitude up to 4 (inputs are in [-2, 2]); zeros with their sign
     * where nothing is summed; bools exactly. A wrong or
     * missing element of such data is off by far more.
     */
    static void close(String what, HostBuffer expected, HostBuffer actual, long terms) {
        assertEquals(expected.spec(), actual.spec(), what);
        DType t = expected.spec().dtype();
        int n = expected.spec().size();
        if (t == DType.BOOL) {
            for (int i = 0; i < n; i++) {
                if (expected.bools()[i] != actual.bools()[i]) {
                    fail(what + ": element " + i + " is " + actual.bools()[i] + ", expected " + expected.bools()[i]);
                }
            }
            return;
        }
        double eps = t == DType.FLOAT64 ? Math.ulp(1.0) : Math.ulp(1.0f);
        for (int i = 0; i < n; i++) {
            double e = expected.getDouble(i);
            double a = actual.getDouble(i);
            if (Double.isNaN(e) || Double.isNaN(a)) {
                if (!(Double.isNaN(e) && Double.isNaN(a))) {
                    fail(what + ": element " + i + " is " + a + ", expected " + e);
                }
                continue;
            }
            if (e == a && (e != 0 || Double.doubleToRawLongBits(e) == Double.doubleToRawLongBits(a))) {
                continue;
            }
            if (e == 0 && a == 0 && terms == 1) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " (the sign of zero differs)");
            }
            double ulp = t == DType.FLOAT64 ? Math.ulp(e) : Math.ulp((float) e);
            // a sum's rounding error grows with the magnitude of its terms (for positive terms, |e|)
            // and about like sqrt(terms) when two kernels add them in different orders
            double tol = 16 * ulp
                    + eps * (16 * Math.max(1, Math.abs(e)) + 8.0 * terms)
                    + 2 * eps * Math.sqrt(terms) * Math.abs(e);
            if (!(Math.abs(e - a) <= tol)) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " (tolerance " + tol + ")");
            }
        }
    }

    static Stream<Case> jitCases() {
        return Stream.of(1, 13, 129, 4097).flatMap(n -> Cases.all(n).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jitCases")
    void jitOnCpuSimdMatchesEagerReference(Case c) {
        List<HostBuffer> in = Cases.inputs(c.inputs(), 5);
        List<HostBuffer> eager = Kiln.withBackend("reference", () -> host(c.f().apply(Cases.arrays(in))));
        Function<List<Array>, List<Array>> jitted = Kiln.jit(c.f());
        for (int call = 0; call < 2; call++) {
            List<HostBuffer> fused = Kiln.withBackend("cpu-simd", () -> host(jitted.apply(Cases.arrays(in))));
            long terms = c.inputs().stream().mapToLong(ArraySpec::size).max().orElse(1);
            for (int o = 0; o < eager.size(); o++) {
                close(c + " output " + o + " (call " + call + ")", eager.get(o), fused.get(o), terms);
            }
        }
    }

    private static List<HostBuffer> host(List<Array> xs) {
        return xs.stream().map(Array::toHost).toList();
    }
}
