package dev.kiln.fusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.FusedKernel.Input;
import dev.kiln.spi.FusedKernel.Node;
import dev.kiln.spi.FusedKernel.Output;
import dev.kiln.spi.FusedKernel.Root;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelInterpreter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written kernels: what the description means, what it rejects, and the interpreter on maps the planner rarely makes. */
class FusedKernelTest {
    private static final Backend REF = Kiln.backend("reference");

    private static HostBuffer iotaF32(int... shape) {
        ArraySpec s = ArraySpec.of(DType.FLOAT32, shape);
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return HostBuffer.wrap(s, v);
    }

    private static float[] run(Backend b, FusedKernel k, int output, HostBuffer... in) {
        List<Buffer> args = List.of(in);
        return ((HostBuffer) b.compileKernel(k).run(args).get(output)).floats();
    }

    @Test
    void diagonalReadAndTransposedWriteThroughTheInterpreter() {
        // out[j, i] = x[i, i] * 2 + i + 10*j over space (i, j) in (3, 2): a diagonal read (not a
        // slice of one axis) and a transposed write, both taken by offset tables
        FusedKernel k = new FusedKernel(
                new int[] {3, 2},
                List.of(new Input(ArraySpec.of(DType.FLOAT32, 3, 3), new int[] {4, 0}, 0)),
                List.of(
                        new Node.Load(0, DType.FLOAT32),
                        new Node.Literal(DType.FLOAT32, Float.floatToRawIntBits(2f)),
                        new Node.Op(Primitive.MUL, Params.NONE, new int[] {0, 1}, DType.FLOAT32),
                        new Node.Iota(DType.FLOAT32, 0, new int[] {1, 10}),
                        new Node.Op(Primitive.ADD, Params.NONE, new int[] {2, 3}, DType.FLOAT32)),
                5,
                List.of(
                        new Output(4, ArraySpec.of(DType.FLOAT32, 2, 3), new int[] {1, 3}, 0),
                        new Output(4, ArraySpec.of(DType.FLOAT32, 6), new int[] {1, 3}, 0)),
                new Root.Elementwise());
        HostBuffer x = iotaF32(3, 3);
        float[] want = {0, 9, 18, 10, 19, 28};
        for (Backend b : List.of(REF, new PointwiseBackend())) {
            assertArrayEquals(want, run(b, k, 0, x), "a transposed store");
            assertArrayEquals(want, run(b, k, 1, x), "a transposed and flattened store");
        }
    }

    @Test
    void reductionOverALeadingReversedAxisWithAnEpilogue() {
        // space (r, q) = (4, 3); x is (3, 4) read transposed with r reversed; out[q] = sum_r x[q, 3-r] + q
        FusedKernel k = new FusedKernel(
                new int[] {4, 3},
                List.of(new Input(ArraySpec.of(DType.FLOAT32, 3, 4), new int[] {-1, 4}, 3)),
                List.of(
                        new Node.Load(0, DType.FLOAT32),
                        new Node.Reduce(Primitive.REDUCE_SUM, 0, DType.FLOAT32),
                        new Node.Iota(DType.FLOAT32, 0, new int[] {0, 1}),
                        new Node.Op(Primitive.ADD, Params.NONE, new int[] {1, 2}, DType.FLOAT32)),
                1,
                List.of(
                        new Output(3, ArraySpec.of(DType.FLOAT32, 3), new int[] {0, 1}, 0),
                        new Output(0, ArraySpec.of(DType.FLOAT32, 4, 3), new int[] {3, 1}, 0)),
                new Root.Reduce(new int[] {0}));
        HostBuffer x = iotaF32(3, 4);
        float[] sums = {0 + 1 + 2 + 3, 4 + 5 + 6 + 7 + 1, 8 + 9 + 10 + 11 + 2};
        float[] inner = {3, 7, 11, 2, 6, 10, 1, 5, 9, 0, 4, 8};
        for (Backend b : List.of(REF, new PointwiseBackend())) {
            assertArrayEquals(sums, run(b, k, 0, x));
            assertArrayEquals(inner, run(b, k, 1, x), "the inner output is written at every point");
        }
    }

    @Test
    void kernelsCompareByValue() {
        FusedKernel a = simple(new int[] {4, 1});
        FusedKernel b = simple(new int[] {4, 1});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, simple(new int[] {-4, 1}));
        assertTrue(a.toString().contains("in0: float32[2,4] at offset 0 strides [4, 1]"), a.toString());
    }

    private static FusedKernel simple(int[] strides) {
        int offset = strides[0] < 0 ? 4 : 0;
        return new FusedKernel(
                new int[] {2, 4},
                List.of(new Input(ArraySpec.of(DType.FLOAT32, 2, 4), new int[] {strides[0], strides[1]}, offset)),
                List.of(
                        new Node.Load(0, DType.FLOAT32),
                        new Node.Op(Primitive.EXP, Params.NONE, new int[] {0}, DType.FLOAT32)),
                2,
                List.of(new Output(1, ArraySpec.of(DType.FLOAT32, 2, 4), new int[] {4, 1}, 0)),
                new Root.Elementwise());
    }

    @Test
    void malformedKernelsAreRejected() {
        ArraySpec v = ArraySpec.of(DType.FLOAT32, 4);
        Input in = new Input(v, new int[] {1}, 0);
        Output out = new Output(1, v, new int[] {1}, 0);
        Node load = new Node.Load(0, DType.FLOAT32);
        Node neg = new Node.Op(Primitive.NEG, Params.NONE, new int[] {0}, DType.FLOAT32);
        // a map that leaves the buffer
        assertThrows(
                IllegalArgumentException.class,
                () -> new FusedKernel(
                        new int[] {4},
                        List.of(new Input(v, new int[] {2}, 0)),
                        List.of(load, neg),
                        2,
                        List.of(out),
                        new Root.Elementwise()));
        // a node that uses a later node
        assertThrows(
                IllegalArgumentException.class,
                () -> new FusedKernel(
                        new int[] {4},
                        List.of(in),
                        List.of(new Node.Op(Primitive.NEG, Params.NONE, new int[] {1}, DType.FLOAT32), load),
                        2,
                        List.of(out),
                        new Root.Elementwise()));
        // a non-elementwise op node
        assertThrows(
                IllegalArgumentException.class,
                () -> new FusedKernel(
                        new int[] {4},
                        List.of(in),
                        List.of(
                                load,
                                new Node.Op(
                                        Primitive.CUMSUM,
                                        new Params.Cumulative(0, false),
                                        new int[] {0},
                                        DType.FLOAT32)),
                        2,
                        List.of(out),
                        new Root.Elementwise()));
        // an epilogue load that varies along the reduced axis
        assertThrows(
                IllegalArgumentException.class,
                () -> new FusedKernel(
                        new int[] {4},
                        List.of(in),
                        List.of(
                                load,
                                new Node.Reduce(Primitive.REDUCE_SUM, 0, DType.FLOAT32),
                                new Node.Load(0, DType.FLOAT32)),
                        1,
                        List.of(new Output(1, ArraySpec.of(DType.FLOAT32), new int[] {0}, 0)),
                        new Root.Reduce(new int[] {0})));
        // an epilogue node that uses an inner node other than through a reduction
        assertThrows(
                IllegalArgumentException.class,
                () -> new FusedKernel(
                        new int[] {4},
                        List.of(in),
                        List.of(
                                load,
                                new Node.Reduce(Primitive.REDUCE_SUM, 0, DType.FLOAT32),
                                new Node.Op(Primitive.NEG, Params.NONE, new int[] {0}, DType.FLOAT32)),
                        1,
                        List.of(new Output(1, ArraySpec.of(DType.FLOAT32), new int[] {0}, 0)),
                        new Root.Reduce(new int[] {0})));
        // an output map writing outside its buffer
        assertThrows(
                IllegalArgumentException.class,
                () -> new FusedKernel(
                        new int[] {4},
                        List.of(in),
                        List.of(load, neg),
                        2,
                        List.of(new Output(1, v, new int[] {1}, 1)),
                        new Root.Elementwise()));
        // a matmul operand that is not the whole operand in its natural layout
        Params.DotGeneral dims = new Params.DotGeneral(new int[] {1}, new int[] {0}, new int[0], new int[0]);
        ArraySpec m = ArraySpec.of(DType.FLOAT32, 2, 2);
        assertThrows(
                IllegalArgumentException.class,
                () -> new FusedKernel(
                        new int[] {2, 2, 2},
                        List.of(new Input(m, new int[] {1, 0, 2}, 0), new Input(m, new int[] {0, 1, 2}, 0)),
                        List.of(new Node.DotResult(DType.FLOAT32)),
                        0,
                        List.of(new Output(0, m, new int[] {2, 1, 0}, 0)),
                        new Root.Matmul(dims, 0, 1)));
    }

    @Test
    void literalsKeepTheirBits() {
        HostBuffer nan = HostBuffer.wrap(ArraySpec.of(DType.FLOAT32), new float[] {Float.intBitsToFloat(0x7fc00001)});
        Node.Literal lit = Node.Literal.of(nan);
        assertEquals(0x7fc00001, Float.floatToRawIntBits(lit.toHost().floats()[0]));
        HostBuffer u = HostBuffer.wrap(ArraySpec.of(DType.UINT32), new int[] {-1});
        assertEquals(0xffffffffL, Node.Literal.of(u).longValue());
        assertEquals(-1, Node.Literal.of(u).toHost().ints()[0]);
        assertEquals(
                -0.0,
                Node.Literal.of(HostBuffer.wrap(ArraySpec.of(DType.FLOAT64), new double[] {-0.0}))
                        .doubleValue());
        assertTrue(new KernelInterpreter(REF, simple(new int[] {4, 1})).kernel().equals(simple(new int[] {4, 1})));
    }
}
