package dev.kiln.internal.reference;

import static dev.kiln.internal.reference.ReferenceCalls.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import org.junit.jupiter.api.Test;

/** DOT_GENERAL: plain matmul, batch dimensions in unusual places, integer wrap, bool, empty contraction. */
class DotGeneralTest {
    private static final int[] NONE = new int[0];

    private static HostBuffer dot(HostBuffer l, HostBuffer r, int[] lc, int[] rc, int[] lb, int[] rb) {
        return run(Primitive.DOT_GENERAL, new Params.DotGeneral(lc, rc, lb, rb), l, r);
    }

    @Test
    void matrixProduct() {
        HostBuffer a = i32(1, 2, 3, 4, 5, 6).reshape(2, 3);
        HostBuffer b = i32(7, 8, 9, 10, 11, 12).reshape(3, 2);
        HostBuffer r = dot(a, b, new int[] {1}, new int[] {0}, NONE, NONE);
        assertArrayEquals(new int[] {2, 2}, r.spec().shape());
        assertArrayEquals(new int[] {58, 64, 139, 154}, r.ints());
    }

    @Test
    void vectorDotAndOuterProduct() {
        HostBuffer v = f64(1, 2, 3);
        HostBuffer dot = dot(v, v, new int[] {0}, new int[] {0}, NONE, NONE);
        assertEquals(0, dot.spec().rank());
        assertArrayEquals(new double[] {14}, dot.doubles());
        HostBuffer outer = dot(f64(1, 2), f64(3, 4, 5), NONE, NONE, NONE, NONE);
        assertArrayEquals(new double[] {3, 4, 5, 6, 8, 10}, outer.doubles());
    }

    @Test
    void batchDimensionsAnywhereComeFirstInTheOutput() {
        // lhs[k, b, i] and rhs[j, k, b]: out[b, i, j] = Σ_k lhs[k, b, i] · rhs[j, k, b]
        int nk = 3, nb = 2, ni = 2, nj = 4;
        HostBuffer lhs = counting(DType.INT64, nk, nb, ni);
        HostBuffer rhs = counting(DType.INT64, nj, nk, nb);
        HostBuffer r = dot(lhs, rhs, new int[] {0}, new int[] {1}, new int[] {1}, new int[] {2});
        assertArrayEquals(new int[] {nb, ni, nj}, r.spec().shape());
        long[] got = r.longs();
        for (int b = 0; b < nb; b++) {
            for (int i = 0; i < ni; i++) {
                for (int j = 0; j < nj; j++) {
                    long want = 0;
                    for (int k = 0; k < nk; k++) {
                        long l = (k * nb + b) * ni + i;
                        long rr = (j * nk + k) * nb + b;
                        want += l * rr;
                    }
                    assertEquals(want, got[(b * ni + i) * nj + j], "out[" + b + "," + i + "," + j + "]");
                }
            }
        }
    }

    @Test
    void batchedMatmulWithTwoContractingDimensions() {
        // lhs[b, i, k1, k2] · rhs[b, k2, k1]: out[b, i]
        HostBuffer lhs = counting(DType.FLOAT32, 2, 1, 2, 3);
        HostBuffer rhs = f32(1, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2).reshape(2, 3, 2);
        HostBuffer r = dot(lhs, rhs, new int[] {2, 3}, new int[] {2, 1}, new int[] {0}, new int[] {0});
        assertArrayEquals(new int[] {2, 1}, r.spec().shape());
        // b=0: lhs [[0,1,2],[3,4,5]], rhs[k2][k1] = [[1,0],[0,1],[1,1]] → 0·1+1·0+2·1 + 3·0+4·1+5·1 = 11
        // b=1: lhs [[6,7,8],[9,10,11]], all-2 rhs → 2·51 = 102
        assertArrayEquals(new float[] {11, 102}, r.floats());
    }

    @Test
    void float32AccumulatesInDoubleAndRoundsOnce() {
        HostBuffer r = dot(f32(1e8f, 1, -1e8f), f32(1, 1, 1), new int[] {0}, new int[] {0}, NONE, NONE);
        assertArrayEquals(new float[] {1}, r.floats());
    }

    @Test
    void integerProductsWrapAndUint32IsUnsigned() {
        assertArrayEquals(
                new int[] {0},
                dot(i32(65536), i32(65536), new int[] {0}, new int[] {0}, NONE, NONE)
                        .ints());
        HostBuffer u = dot(u32(0xFFFF_FFFFL, 2), u32(1, 3), new int[] {0}, new int[] {0}, NONE, NONE);
        assertArrayEquals(new long[] {5}, unsigned(u));
    }

    @Test
    void boolIsOrOfAnds() {
        HostBuffer a = bools(true, false, false, false).reshape(2, 2);
        HostBuffer b = bools(true, true, false, true).reshape(2, 2);
        // [[1,0],[0,0]] · [[1,1],[0,1]] = [[1,1],[0,0]]
        HostBuffer r = dot(a, b, new int[] {1}, new int[] {0}, NONE, NONE);
        assertArrayEquals(new boolean[] {true, true, false, false}, r.bools());
    }

    @Test
    void emptyContractionGivesZeros() {
        HostBuffer l = HostBuffer.allocate(ArraySpec.of(DType.FLOAT64, 2, 0));
        HostBuffer r = HostBuffer.allocate(ArraySpec.of(DType.FLOAT64, 0, 3));
        HostBuffer out = dot(l, r, new int[] {1}, new int[] {0}, NONE, NONE);
        assertArrayEquals(new double[6], out.doubles());
    }
}
