package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Kiln;
import dev.kiln.conformance.Outcome.Status;
import dev.kiln.conformance.Runner;
import dev.kiln.conformance.SupportMatrix;
import dev.kiln.spi.KernelInterpreter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fusion family of the conformance suite with fused kernels written as OpenCL C (the
 * default, {@code kiln.opencl.fuse=true}); the build runs this in a JVM of its own, with a share of
 * the fusion family's random programs ({@code kiln.fusion.programs}), because every kernel structure
 * costs an OpenCL build. {@link OpenClConformanceTest} runs the whole suite op by op.
 */
class OpenClFusedSuiteTest {
    @Test
    void fusionFamilyPassesWithRenderedKernels() {
        OpenClBackend b = (OpenClBackend) Kiln.backend(OpenClProvider.NAME);
        int before = b.runtime().builds();
        long start = System.nanoTime();
        SupportMatrix m = Runner.run(List.of(OpenClProvider.NAME), Set.of("fusion"), System.out);
        String table = m.render(OpenClProvider.NAME);
        assertEquals(0, m.count(OpenClProvider.NAME, Status.FAIL), table);
        assertTrue(m.count(OpenClProvider.NAME, Status.PASS) > 100, table);
        int built = b.runtime().builds() - before;
        System.out.printf(
                "opencl fused suite: %d programs built in %.1f s of %.1f s%n",
                built, b.runtime().buildNanos() / 1e9, (System.nanoTime() - start) / 1e9);
        assertTrue(built > 0, "the renderer built no program: fused kernels ran op by op");
        assertTrue(!(b.compileKernel(sampleKernel()) instanceof KernelInterpreter));
    }

    private static dev.kiln.spi.FusedKernel sampleKernel() {
        var spec = dev.kiln.ir.ArraySpec.of(dev.kiln.DType.FLOAT32, 4);
        return new dev.kiln.spi.FusedKernel(
                new int[] {4},
                List.of(new dev.kiln.spi.FusedKernel.Input(spec, new int[] {1}, 0)),
                List.of(
                        new dev.kiln.spi.FusedKernel.Node.Load(0, dev.kiln.DType.FLOAT32),
                        new dev.kiln.spi.FusedKernel.Node.Op(
                                dev.kiln.ir.Primitive.SQRT,
                                new dev.kiln.ir.Params.None(),
                                new int[] {0},
                                dev.kiln.DType.FLOAT32)),
                2,
                List.of(new dev.kiln.spi.FusedKernel.Output(1, spec, new int[] {1}, 0)),
                new dev.kiln.spi.FusedKernel.Root.Elementwise());
    }
}
