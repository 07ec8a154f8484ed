package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.FusedKernel.Node;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelInterpreter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fused kernels written as OpenCL C, built on this machine's device and checked against host loops. */
class FusedRendererTest {
    private static final ArraySpec M35 = ArraySpec.of(DType.FLOAT32, 3, 5);

    private static OpenClBackend backend() {
        return (OpenClBackend) Kiln.backend(OpenClProvider.NAME);
    }

    private static float[] data(int n, int seed) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(seed * 31 + i * 0.7) * 3;
        }
        return x;
    }

    /** {@code out0 = x * 2.5 + y^T} and {@code out1 = x < y^T} over a 3x5 space, y read transposed. */
    private static FusedKernel elementwiseTwoOutputs() {
        return new FusedKernel(
                new int[] {3, 5},
                List.of(
                        new FusedKernel.Input(M35, new int[] {5, 1}, 0),
                        new FusedKernel.Input(ArraySpec.of(DType.FLOAT32, 5, 3), new int[] {1, 3}, 0)),
                List.of(
                        new Node.Load(0, DType.FLOAT32),
                        new Node.Literal(DType.FLOAT32, Float.floatToRawIntBits(2.5f)),
                        new Node.Op(Primitive.MUL, new Params.None(), new int[] {0, 1}, DType.FLOAT32),
                        new Node.Load(1, DType.FLOAT32),
                        new Node.Op(Primitive.ADD, new Params.None(), new int[] {2, 3}, DType.FLOAT32),
                        new Node.Op(Primitive.LT, new Params.None(), new int[] {0, 3}, DType.BOOL)),
                6,
                List.of(
                        new FusedKernel.Output(4, M35, new int[] {5, 1}, 0),
                        new FusedKernel.Output(5, ArraySpec.of(DType.BOOL, 3, 5), new int[] {5, 1}, 0)),
                new FusedKernel.Root.Elementwise());
    }

    /** Row sums and row maxima of {@code exp(x)} in one pass: {@code [3, 5] -> [3], [3]}. */
    private static FusedKernel rowSumAndMax() {
        ArraySpec row = ArraySpec.of(DType.FLOAT32, 3);
        return new FusedKernel(
                new int[] {3, 5},
                List.of(new FusedKernel.Input(M35, new int[] {5, 1}, 0)),
                List.of(
                        new Node.Load(0, DType.FLOAT32),
                        new Node.Op(Primitive.EXP, new Params.None(), new int[] {0}, DType.FLOAT32),
                        new Node.Reduce(Primitive.REDUCE_SUM, 1, DType.FLOAT32),
                        new Node.Reduce(Primitive.REDUCE_MAX, 1, DType.FLOAT32)),
                2,
                List.of(
                        new FusedKernel.Output(2, row, new int[] {1, 0}, 0),
                        new FusedKernel.Output(3, row, new int[] {1, 0}, 0)),
                new FusedKernel.Root.Reduce(new int[] {1}));
    }

    @Test
    void elementwiseKernelWithTwoOutputsAndATransposedInput() {
        FusedRenderer.Rendered r = FusedRenderer.render(elementwiseTwoOutputs(), true);
        assertTrue(r.source().contains("__kernel void k("), r.source());
        assertFalse(r.source().contains("2.5"), "literals are arguments, not source: " + r.source());
        assertEquals(15, r.points());
        OpenClBackend b = backend();
        CompiledKernel k = b.compileKernel(elementwiseTwoOutputs());
        assertFalse(k instanceof KernelInterpreter);
        float[] x = data(15, 1);
        float[] y = data(15, 2);
        List<Buffer> out = k.run(List.of(
                b.fromHost(HostBuffer.wrap(M35, x)),
                b.fromHost(HostBuffer.wrap(ArraySpec.of(DType.FLOAT32, 5, 3), y))));
        float[] sum = b.toHost(out.get(0)).floats();
        boolean[] less = b.toHost(out.get(1)).bools();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                float yt = y[j * 3 + i];
                assertEquals(x[i * 5 + j] * 2.5f + yt, sum[i * 5 + j], 0f);
                assertEquals(x[i * 5 + j] < yt, less[i * 5 + j]);
            }
        }
    }

    @Test
    void reductionKernelWithTwoReducers() {
        OpenClBackend b = backend();
        CompiledKernel k = b.compileKernel(rowSumAndMax());
        assertFalse(k instanceof KernelInterpreter);
        float[] x = data(15, 3);
        List<Buffer> out = k.run(List.of(b.fromHost(HostBuffer.wrap(M35, x))));
        float[] sums = b.toHost(out.get(0)).floats();
        float[] maxima = b.toHost(out.get(1)).floats();
        for (int i = 0; i < 3; i++) {
            double s = 0;
            float m = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < 5; j++) {
                float e = (float) StrictMath.exp(x[i * 5 + j]);
                s += e;
                m = Math.max(m, e);
            }
            assertEquals((float) s, sums[i], Math.ulp((float) s) * 2);
            assertEquals(m, maxima[i], 0f);
        }
    }

    /** One build serves every shape of a structure: the source does not depend on sizes. */
    @Test
    void sourceDependsOnStructureNotSizes() {
        FusedKernel small = rowSumAndMax();
        ArraySpec big = ArraySpec.of(DType.FLOAT32, 7, 11);
        FusedKernel large = new FusedKernel(
                new int[] {7, 11},
                List.of(new FusedKernel.Input(big, new int[] {11, 1}, 0)),
                small.nodes(),
                2,
                List.of(
                        new FusedKernel.Output(2, ArraySpec.of(DType.FLOAT32, 7), new int[] {1, 0}, 0),
                        new FusedKernel.Output(3, ArraySpec.of(DType.FLOAT32, 7), new int[] {1, 0}, 0)),
                small.root());
        FusedRenderer.Rendered a = FusedRenderer.render(small, true);
        FusedRenderer.Rendered c = FusedRenderer.render(large, true);
        assertEquals(a.source(), c.source());
        assertArrayEquals(new int[] {7, 11}, new int[] {c.table()[0], c.table()[1]});
    }

    @Test
    void matmulRootsRunOpByOp() {
        assertThrows(FusedRenderer.Unsupported.class, () -> {
            ArraySpec a = ArraySpec.of(DType.FLOAT32, 2, 3);
            ArraySpec bspec = ArraySpec.of(DType.FLOAT32, 3, 4);
            var dims = new Params.DotGeneral(
                    dev.kiln.ir.Ints.of(1), dev.kiln.ir.Ints.of(0), dev.kiln.ir.Ints.of(), dev.kiln.ir.Ints.of());
            FusedRenderer.render(
                    new FusedKernel(
                            new int[] {2, 4, 3},
                            List.of(
                                    new FusedKernel.Input(a, new int[] {3, 0, 1}, 0),
                                    new FusedKernel.Input(bspec, new int[] {0, 1, 4}, 0)),
                            List.of(new Node.DotResult(DType.FLOAT32)),
                            0,
                            List.of(new FusedKernel.Output(
                                    0, ArraySpec.of(DType.FLOAT32, 2, 4), new int[] {4, 1, 0}, 0)),
                            new FusedKernel.Root.Matmul(dims, 0, 1)),
                    true);
        });
    }
}
