package dev.kiln.cpu.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Program;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelGroup;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Row groups of two to four kernels run through a driver class of their own ({@link RowDriver3} and
 * its like, one hidden class per group) give the same bits as the shared block loop, with the
 * driver's own step, one row a step and all rows in one step, on one thread and on split ranges:
 * row lengths around the vector width, odd lengths, one row (no group then), many rows, float32 and
 * float64, inputs with NaN and infinities (rows of -inf and +inf).
 */
class RowDriverTest {
    static Stream<Arguments> cases() {
        return RowOverlapTest.cases();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void aGroupsOwnDriverGivesTheSameBits(RowGroupTest.Chain c, ArraySpec spec) {
        List<HostBuffer> in = Cases.inputs(List.of(spec), 13);
        RowOverlapTest.specials(in.get(0), spec);
        Program p = Kiln.withBackend("reference", () -> Kiln.makeProgram(c.f()).apply(Cases.arrays(in)));
        List<KernelGroup> groups = Cases.groups(p);
        if (groups.size() != 1) {
            return; // one row: no group to run
        }
        KernelGroup g = groups.get(0);
        List<Buffer> args = RowOverlapTest.groupInputs(g, in.get(0));
        List<Workers> workers = List.of(Workers.CALLER, RowOverlapTest.workers(RowOverlapTest.Order.CALLER_FIRST, 0));
        try {
            RowGroupKernel.useDriver = false;
            List<HostBuffer> want = RowOverlapTest.runGroup(g, Workers.CALLER, 0, args);
            RowGroupKernel.useDriver = true;
            String compiled = GeneratedKernelTest.CPU.compileKernelGroup(g).toString();
            if (spec.shape()[1] >= 16 && spec.shape()[0] >= 4 && g.kernels().size() <= 4) {
                assertTrue(compiled.contains("its own driver"), compiled);
            }
            for (Workers w : workers) {
                for (long bytes : new long[] {0, 1, 1L << 30}) {
                    RowOverlapTest.same(
                            c + " " + spec + " steps of " + bytes + " B on " + w.threads() + " threads",
                            want,
                            RowOverlapTest.runGroup(g, w, bytes, args));
                }
            }
            // jitted end to end on the backend's threads
            RowGroupKernel.useDriver = false;
            List<HostBuffer> plain = jitted(c, in);
            RowGroupKernel.useDriver = true;
            RowOverlapTest.same(c + " " + spec + " jitted", plain, jitted(c, in));
        } finally {
            RowGroupKernel.useDriver = true;
        }
        assertEquals(2, workers.size());
    }

    private static List<HostBuffer> jitted(RowGroupTest.Chain c, List<HostBuffer> in) {
        return Kiln.withBackend("cpu-simd", () -> Kiln.jit(c.f()).apply(Cases.arrays(in)).stream()
                .map(Array::toHost)
                .toList());
    }
}
