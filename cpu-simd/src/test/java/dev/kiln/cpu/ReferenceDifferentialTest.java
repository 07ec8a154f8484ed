package dev.kiln.cpu;

import static dev.kiln.cpu.Exec.assertClose;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.DType;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Non-elementwise primitives against the reference backend (scalar loops in double), for every
 * dtype. Skipped while the reference backend is not written; an op the reference rejects for a
 * dtype is skipped for that dtype only.
 */
class ReferenceDifferentialTest {
    private static Backend ref;

    @BeforeAll
    static void reference() {
        ref = Exec.reference();
    }

    @Test
    void reductionsArgReductionsAndScans() {
        Assumptions.assumeTrue(ref != null, "reference backend not written yet");
        List<String> compared = new ArrayList<>();
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            HostBuffer x = Exec.random(t, 3, true, 5, 6, 37);
            HostBuffer mild = mild(x);
            for (int[] axes : new int[][] {{0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1, 2}, {}}) {
                for (Primitive p : new Primitive[] {
                    Primitive.REDUCE_SUM,
                    Primitive.REDUCE_PROD,
                    Primitive.REDUCE_MAX,
                    Primitive.REDUCE_MIN,
                    Primitive.REDUCE_AND,
                    Primitive.REDUCE_OR
                }) {
                    HostBuffer in = p == Primitive.REDUCE_PROD || p == Primitive.REDUCE_SUM ? mild : x;
                    compare(p, new Params.Reduce(axes), 64, compared, in);
                }
            }
            for (int axis = 0; axis < 3; axis++) {
                for (DType it : new DType[] {DType.INT32, DType.INT64}) {
                    compare(Primitive.ARGMAX, new Params.ArgReduce(axis, it), 0, compared, x);
                    compare(Primitive.ARGMIN, new Params.ArgReduce(axis, it), 0, compared, x);
                }
                for (boolean reverse : new boolean[] {false, true}) {
                    for (Primitive p :
                            new Primitive[] {Primitive.CUMSUM, Primitive.CUMPROD, Primitive.CUMMAX, Primitive.CUMMIN}) {
                        compare(p, new Params.Cumulative(axis, reverse), 64, compared, mild);
                    }
                }
            }
        }
        if (compared.isEmpty()) {
            fail("the reference backend rejected every reduction");
        }
    }

    @Test
    void movementAndIndexing() {
        Assumptions.assumeTrue(ref != null, "reference backend not written yet");
        List<String> compared = new ArrayList<>();
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            HostBuffer x = Exec.random(t, 4, true, 4, 5, 6);
            compare(Primitive.TRANSPOSE, new Params.Transpose(new int[] {2, 0, 1}), 0, compared, x);
            compare(
                    Primitive.SLICE,
                    new Params.Slice(new int[] {1, 0, 2}, new int[] {4, 5, 6}, new int[] {2, 3, 1}),
                    0,
                    compared,
                    x);
            compare(Primitive.REV, new Params.Rev(new int[] {0, 2}), 0, compared, x);
            compare(
                    Primitive.PAD,
                    new Params.Pad(new int[] {1, -1, 0}, new int[] {-2, 2, 1}, new int[] {1, 0, 2}),
                    0,
                    compared,
                    x,
                    Exec.random(t, 5, false));
            compare(Primitive.CONCATENATE, new Params.Axis(1), 0, compared, x, Exec.random(t, 6, true, 4, 2, 6));
            compare(
                    Primitive.BROADCAST_IN_DIM,
                    new Params.BroadcastInDim(new int[] {4, 3, 5, 6}, new int[] {0, 2, 3}),
                    0,
                    compared,
                    x);
            compare(Primitive.RESHAPE, new Params.Reshape(new int[] {20, 6}), 0, compared, x);
            HostBuffer idx = Exec.i32(new int[] {3, -1, 7, 0}, 2, 2);
            compare(Primitive.TAKE, new Params.Axis(1), 0, compared, x, idx);
            HostBuffer along = Exec.i64(new long[] {0, 9, -3, 2, 1, 4, 5, 5}, 4, 1, 2);
            HostBuffer y = Exec.random(t, 7, true, 4, 3, 2);
            compare(Primitive.TAKE_ALONG_AXIS, new Params.Axis(1), 0, compared, y, along);
            HostBuffer s0 = Exec.scalarOf(DType.INT32, 3);
            HostBuffer s1 = Exec.scalarOf(DType.INT32, -2);
            HostBuffer s2 = Exec.scalarOf(DType.INT32, 4);
            compare(Primitive.DYNAMIC_SLICE, new Params.DynamicSlice(new int[] {2, 3, 3}), 0, compared, x, s0, s1, s2);
            compare(
                    Primitive.DYNAMIC_UPDATE_SLICE,
                    Params.NONE,
                    0,
                    compared,
                    x,
                    Exec.random(t, 8, true, 2, 2, 4),
                    s0,
                    s1,
                    s2);
            compare(Primitive.IOTA, new Params.Iota(t, new int[] {3, 4}, 1), 0, compared);
            compare(Primitive.CONVERT, new Params.Convert(t), 0, compared, Exec.random(DType.FLOAT64, 9, true, 50));
            compare(Primitive.CONVERT, new Params.Convert(DType.FLOAT32), 0, compared, x);
            compare(Primitive.CONVERT, new Params.Convert(DType.UINT32), 0, compared, x);
        }
        if (compared.isEmpty()) {
            fail("the reference backend rejected every movement op");
        }
    }

    @Test
    void dotGeneral() {
        Assumptions.assumeTrue(ref != null, "reference backend not written yet");
        List<String> compared = new ArrayList<>();
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            HostBuffer a = mild(Exec.random(t, 10, false, 3, 17, 9));
            HostBuffer b = mild(Exec.random(t, 11, false, 9, 3, 13));
            // batch 0/1, contract 2/0: [3, 17, 9] x [9, 3, 13] -> [3, 17, 13]
            compare(
                    Primitive.DOT_GENERAL,
                    new Params.DotGeneral(new int[] {2}, new int[] {0}, new int[] {0}, new int[] {1}),
                    64,
                    compared,
                    a,
                    b);
            HostBuffer c = mild(Exec.random(t, 12, false, 33, 70));
            HostBuffer d = mild(Exec.random(t, 13, false, 41, 70));
            compare(
                    Primitive.DOT_GENERAL,
                    new Params.DotGeneral(new int[] {1}, new int[] {1}, new int[0], new int[0]),
                    256,
                    compared,
                    c,
                    d);
        }
        if (compared.isEmpty()) {
            fail("the reference backend rejected every dot_general");
        }
    }

    private static void compare(Primitive p, Params params, double ulps, List<String> compared, HostBuffer... in) {
        HostBuffer want;
        try {
            want = Exec.run(ref, p, params, in);
        } catch (UnsupportedPrimitiveException e) {
            return;
        }
        String what = p + " " + params + " on " + (in.length > 0 ? in[0].spec() : "");
        assertClose(want, Exec.run(p, params, in), ulps, what + " vs reference");
        compared.add(what);
    }

    /** Values whose sums and products stay well inside every dtype's range (ints small, floats near 1). */
    private static HostBuffer mild(HostBuffer x) {
        DType t = x.spec().dtype();
        HostBuffer y = HostBuffer.allocate(x.spec());
        for (int i = 0; i < x.spec().size(); i++) {
            if (t.isFloating()) {
                double v = x.getDouble(i);
                Convert.setDouble(t, y.data(), i, Double.isFinite(v) ? 0.75 + Math.abs(v) % 0.5 : v);
            } else {
                Convert.setLong(t, y.data(), i, Math.floorMod(Convert.getLong(t, x.data(), i), 3));
            }
        }
        return y;
    }
}
