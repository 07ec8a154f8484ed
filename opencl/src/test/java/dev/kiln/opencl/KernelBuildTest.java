package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.ir.Primitive;
import org.junit.jupiter.api.Test;

/** The OpenCL C the backend writes builds on this machine's device; a broken kernel's log reaches the user. */
class KernelBuildTest {
    private static OpenClBackend backend() {
        return (OpenClBackend) Kiln.backend(OpenClProvider.NAME);
    }

    @Test
    void brokenKernelCarriesBuildLogAndSource() {
        ClRuntime rt = backend().runtime();
        String source = "__kernel void k(__global float *x) { x[0] = undefined_name; }\n";
        KernelBuildException e = assertThrows(KernelBuildException.class, () -> rt.program(source));
        assertTrue(e.buildLog().contains("undefined_name"), e.buildLog());
        assertEquals(source, e.source());
        assertTrue(e.getMessage().contains("Build log") && e.getMessage().contains(source), e.getMessage());
    }

    /** Every elementwise, reduction, dot and movement kernel of every dtype builds. */
    @Test
    void everyCoreKernelBuilds() {
        OpenClBackend b = backend();
        ClRuntime rt = b.runtime();
        boolean fp64 = rt.device().fp64();
        int built = 0;
        for (DType d : b.dtypes()) {
            String t = Sources.ctype(d);
            for (Primitive p : Primitive.core()) {
                String expr = Sources.expression(p, d, fp64);
                if (expr != null) {
                    boolean compare = p == Primitive.EQ || p == Primitive.LT;
                    boolean unary = isUnary(p);
                    rt.program(
                            unary
                                    ? Sources.elementwise(fp64, expr, t, t)
                                    : Sources.elementwise(fp64, expr, compare ? "uchar" : t, t, t));
                    built++;
                }
            }
            for (DType to : b.dtypes()) {
                if (to != d) {
                    rt.program(Sources.elementwise(fp64, Sources.conversion(d, to), Sources.ctype(to), t));
                }
            }
            rt.program(Sources.iota(d, fp64));
            rt.program(Sources.reduce(Primitive.REDUCE_SUM, d, fp64));
            rt.program(Sources.reduce(Primitive.REDUCE_MAX, d, fp64));
            rt.program(Sources.dotGeneral(d, fp64));
            rt.program(Sources.affineGather(Sources.bits(d)));
            rt.program(Sources.pad(Sources.bits(d)));
            rt.program(Sources.select(Sources.bits(d)));
        }
        assertTrue(built > 60, "elementwise kernels built: " + built);
    }

    private static boolean isUnary(Primitive p) {
        return switch (p) {
            case FLOOR, SQRT, EXP, LOG, EXPM1, LOG1P, SIN, COS -> true;
            default -> false;
        };
    }

    /** Operations return before the device finishes; blockUntilReady waits, and the values are right. */
    @Test
    void blockUntilReadyWaitsForTheResult() {
        Kiln.withBackend(OpenClProvider.NAME, () -> {
            Array x = Np.arange(100_003).astype(DType.FLOAT32);
            Array y = Np.sum(Np.multiply(x, 2)).blockUntilReady();
            assertEquals(OpenClProvider.NAME, y.backend().name());
            assertEquals(2.0 * 100_003 * 100_002 / 2, y.item(), 1e-6 * 1e10);
            return null;
        });
    }
}
