package dev.kiln;

import static dev.kiln.NpErrorsTest.bool;
import static dev.kiln.NpErrorsTest.f32;
import static dev.kiln.NpErrorsTest.i32;
import static dev.kiln.RecordingBackend.recording;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Result dtypes and shapes, and which primitives each function lowers to, checked on a backend
 * that records primitives and returns zeros (so no backend arithmetic is involved).
 */
class NpLoweringTest {
    /** Runs {@code f} on the recording backend and returns its result. */
    static Array run(Supplier<Array> f) {
        Array[] out = new Array[1];
        recording(() -> out[0] = f.get());
        return out[0];
    }

    static void spec(String expected, Supplier<Array> f) {
        assertEquals(expected, run(f).spec().toString());
    }

    static Array f64(int... shape) {
        return Np.array(new double[Shape.size(shape)], shape);
    }

    static Array u32(int... shape) {
        return Np.arrayUint32(new int[Shape.size(shape)], shape);
    }

    static Array i64(int... shape) {
        return Np.array(new long[Shape.size(shape)], shape);
    }

    @Test
    void binaryPromotionFollowsJax() {
        spec("float32[2,3]", () -> Np.add(f32(2, 3), f32(3)));
        spec("int32[3]", () -> Np.add(i32(3), 2));
        spec("float32[3]", () -> Np.add(i32(3), 2.5));
        spec("float64[3]", () -> Np.add(f64(3), 2.5f));
        spec("float32[3]", () -> Np.multiply(f32(3), 2.5));
        spec("uint32[3]", () -> Np.add(u32(3), 1));
        spec("int64[3]", () -> Np.add(i32(3), u32(3)));
        spec("float32[3]", () -> Np.add(i64(3), f32(3)));
        spec("int32[3]", () -> Np.add(bool(3), 1));
        spec("bool[3]", () -> Np.add(bool(3), bool(3)));
        spec("bool[3]", () -> Np.add(bool(3), true));
        spec("int32[]", () -> Np.add(1, 2));
        spec("float32[]", () -> Np.add(1, 2.0));
        spec("float32[3]", () -> Np.divide(i32(3), i32(3)));
        spec("float64[3]", () -> Np.divide(f64(3), 2));
        spec("int32[3]", () -> Np.floorDivide(i32(3), 2));
        spec("int32[3]", () -> Np.floorDivide(bool(3), bool(3)));
        spec("float32[3]", () -> Np.mod(f32(3), 2));
        spec("int32[3]", () -> Np.power(i32(3), 2));
        spec("float32[3]", () -> Np.power(i32(3), 0.5));
        spec("float32[3]", () -> Np.arctan2(i32(3), i32(3)));
        spec("bool[3]", () -> Np.less(i32(3), 2.5));
        spec("bool[2,3]", () -> Np.equal(f32(2, 3), i32(3)));
        spec("bool[3]", () -> Np.logicalAnd(f32(3), 1));
        spec("uint32[3]", () -> Np.rightShift(u32(3), 1));
        spec("int32[3]", () -> Np.leftShift(bool(3), 1));
        spec("bool[3]", () -> Np.maximum(bool(3), bool(3)));
        spec("float32[2,3]", () -> Np.where(bool(2, 1), f32(3), 0));
        spec("float32[3]", () -> Np.where(bool(3), 1.0, 0.0));
        spec("float32[3]", () -> Np.clip(i32(3), 0.5, null));
        spec("int32[3]", () -> Np.clip(i32(3), 0, 5));
    }

    @Test
    void shiftsPickArithmeticOrLogical() {
        assertEquals(
                Primitive.SHIFT_RIGHT_LOGICAL,
                recording(() -> Np.rightShift(u32(3), u32(3))).primitives().getLast());
        assertEquals(
                Primitive.SHIFT_RIGHT_ARITHMETIC,
                recording(() -> Np.rightShift(i32(3), i32(3))).primitives().getLast());
    }

    @Test
    void unaryDtypes() {
        spec("float32[3]", () -> Np.exp(i32(3)));
        spec("float32[3]", () -> Np.sqrt(bool(3)));
        spec("float64[3]", () -> Np.log2(f64(3)));
        spec("float32[3]", () -> Np.reciprocal(i32(3)));
        spec("int32[3]", () -> Np.square(bool(3)));
        spec("int32[3]", () -> Np.negative(i32(3)));
        spec("bool[3]", () -> Np.isnan(i32(3)));
        spec("bool[3]", () -> Np.isinf(f32(3)));
        spec("bool[3]", () -> Np.isfinite(f64(3)));
        spec("bool[3]", () -> Np.logicalNot(f32(3)));
        spec("int32[3]", () -> Np.bitwiseNot(i32(3)));
        Array ints = run(() -> i32(3));
        assertSame(ints, Np.floor(ints));
        assertSame(ints, Np.ceil(ints));
        assertSame(ints, Np.round(ints));
        assertSame(ints, Np.round(ints, 2));
        assertSame(ints, Np.nanToNum(ints));
        Array uints = run(() -> u32(3));
        assertSame(uints, Np.abs(uints));
    }

    @Test
    void reductionDtypesAndShapes() {
        spec("int32[]", () -> Np.sum(bool(2, 3)));
        spec("uint32[3]", () -> Np.sum(u32(2, 3), 0));
        spec("int64[2]", () -> Np.sum(i64(2, 3), 1));
        spec("int32[2,1]", () -> Np.prod(bool(2, 3), new int[] {-1}, true));
        spec("float32[2,3]", () -> Np.sum(f32(2, 3), new int[0], false));
        spec("float32[1,1]", () -> Np.sum(f32(2, 3), null, true));
        spec("float32[3]", () -> Np.mean(i32(2, 3), 0));
        spec("float64[1,3]", () -> Np.mean(f64(2, 3), new int[] {0}, true));
        spec("float32[]", () -> Np.var(i32(2, 3)));
        spec("float32[2]", () -> Np.std(f32(2, 3), new int[] {1}, false, 1));
        spec("bool[3]", () -> Np.max(bool(2, 3), 0));
        spec("int32[2]", () -> Np.min(i32(2, 3), 1));
        spec("bool[]", () -> Np.all(f32(2, 3)));
        spec("bool[2,1]", () -> Np.any(i32(2, 3), new int[] {1}, true));
        spec("float32[2]", () -> Np.logSumExp(i32(2, 3), 1));
        spec("float32[1,3]", () -> Np.logSumExp(f32(2, 3), new int[] {0}, true));
        spec("int32[]", () -> Np.argmax(f64(2, 3)));
        spec("int32[2]", () -> Np.argmin(f32(2, 3), 1));
        spec("int32[1,3]", () -> Np.argmax(f32(2, 3), 0, true));
        spec("int32[6]", () -> Np.cumsum(bool(2, 3)));
        spec("float32[2,3]", () -> Np.cumprod(f32(2, 3), 1));
        spec("uint32[2,3]", () -> Np.cummax(u32(2, 3), 0));
        spec("int32[2,3]", () -> Np.cummin(bool(2, 3), 0));
        // a reduction over a non-empty axis of an otherwise empty array is allowed
        spec("float32[0]", () -> Np.max(f32(0, 3), 1));
    }

    @Test
    void shapeFunctions() {
        spec("float32[3,4]", () -> Np.reshape(f32(2, 6), 3, -1));
        spec("float32[]", () -> Np.reshape(f32(1)));
        spec("float32[24]", () -> Np.ravel(f32(2, 3, 4)));
        spec("float32[4,3,2]", () -> Np.transpose(f32(2, 3, 4)));
        spec("float32[3,2,4]", () -> Np.transpose(f32(2, 3, 4), 1, -3, 2));
        spec("float32[4,3,2]", () -> f32(2, 3, 4).T());
        spec("float32[2,4,3]", () -> Np.swapaxes(f32(2, 3, 4), -1, 1));
        spec("float32[3,4,2]", () -> Np.moveaxis(f32(2, 3, 4), 0, -1));
        spec("float32[4,2,3]", () -> Np.moveaxis(f32(2, 3, 4), 2, 0));
        spec("float32[2,3]", () -> Np.squeeze(f32(1, 2, 1, 3)));
        spec("float32[2,1,3]", () -> Np.squeeze(f32(1, 2, 1, 3), 0));
        spec("float32[2,3,1]", () -> Np.expandDims(f32(2, 3), -1));
        spec("float32[1,2,3]", () -> Np.expandDims(f32(2, 3), 0));
        spec("float32[4,2,3]", () -> Np.broadcastTo(f32(1, 3), 4, 2, 3));
        spec("float32[5,3]", () -> Np.concatenate(new Array[] {f32(2, 3), f32(3, 3)}, 0));
        spec("float32[2,5]", () -> Np.concatenate(List.of(i32(2, 2), f32(2, 3)), -1));
        spec("float64[2,3,2]", () -> Np.stack(new Array[] {f32(2, 3), f64(2, 3)}, -1));
        spec("float32[3,2]", () -> Np.stack(new Array[] {f32(2), f32(2), f32(2)}, 0));
        spec("float32[2,3]", () -> Np.flip(f32(2, 3)));
        spec("float32[4,5]", () -> Np.pad(f32(2, 3), new int[][] {{1, 1}, {0, 2}}));
        spec("int32[4,5]", () -> Np.pad(i32(2, 3), new int[][] {{1, 1}}, 7));
        spec("float32[4,9]", () -> Np.tile(f32(2, 3), 2, 3));
        spec("float32[2,6]", () -> Np.tile(f32(3), 2, 2));
        spec("float32[1,2,6]", () -> Np.tile(f32(2, 3), 1, 1, 2));
        spec("float32[12]", () -> Np.repeat(f32(2, 3), 2));
        spec("float32[2,9]", () -> Np.repeat(f32(2, 3), 3, 1));
        spec("float32[2,0]", () -> Np.repeat(f32(2, 3), 0, 1));
        recording(() -> {
            Array[] p = Np.split(f32(6, 2), 3, 0);
            assertEquals(3, p.length);
            for (Array a : p) {
                assertArrayEquals(new int[] {2, 2}, a.shape());
            }
            Array[] q = Np.splitAt(f32(7), new int[] {2, 5, 7}, 0);
            assertArrayEquals(new int[] {2}, q[0].shape());
            assertArrayEquals(new int[] {3}, q[1].shape());
            assertArrayEquals(new int[] {2}, q[2].shape());
            assertArrayEquals(new int[] {0}, q[3].shape());
            Array[] r = Np.splitAt(f32(7), new int[] {-5, 3}, 0);
            assertArrayEquals(new int[] {2}, r[0].shape());
            assertArrayEquals(new int[] {1}, r[1].shape());
            assertArrayEquals(new int[] {4}, r[2].shape());
            // jnp.split rejects what would be a negative size (NumPy gave empty pieces)
            assertThrows(ShapeException.class, () -> Np.splitAt(f32(7), new int[] {2, 5, 9}, 0));
            assertThrows(ShapeException.class, () -> Np.splitAt(f32(7), new int[] {-2, 3}, 0));
        });
    }

    @Test
    void noOpsBindNothing() {
        RecordingBackend b = recording(() -> {
            Array x = f32(2, 3);
            assertSame(x, Np.reshape(x, 2, 3));
            assertSame(x, Np.transpose(x, 0, 1));
            assertSame(x, Np.broadcastTo(x, 2, 3));
            assertSame(x, Np.astype(x, DType.FLOAT32));
            assertSame(x, Np.index(x));
            assertSame(x, x.get(":, :"));
            assertSame(x, Np.flip(x, new int[0]));
            assertSame(x, Np.tile(x, 1, 1));
            assertSame(x, Np.positive(x));
        });
        assertEquals(List.of(), b.primitives());
    }

    @Test
    void basicIndexingIsSliceRevReshape() {
        Array[] out = new Array[1];
        RecordingBackend b = recording(() -> out[0] = f32(4, 5, 6).get("1:4:2, ..., ::-2, None"));
        assertArrayEquals(new int[] {2, 5, 3, 1}, out[0].shape());
        assertEquals(List.of(Primitive.SLICE, Primitive.REV, Primitive.RESHAPE), b.primitives());
        Params.Slice sl = (Params.Slice) b.calls.get(0).params();
        assertArrayEquals(new int[] {1, 0, 1}, sl.start().toArray());
        assertArrayEquals(new int[] {4, 5, 6}, sl.limit().toArray());
        assertArrayEquals(new int[] {2, 1, 2}, sl.strides().toArray());
        assertArrayEquals(
                new int[] {2}, ((Params.Rev) b.calls.get(1).params()).axes().toArray());

        spec("float32[5]", () -> f32(4, 5).get(Index.at(-1)));
        spec("float32[4]", () -> f32(4, 5).get(Index.all(), Index.at(2)));
        spec("float32[]", () -> f32(4, 5).get("3, -5"));
        spec("float32[1,4,5]", () -> f32(4, 5).get("None"));
        spec("float32[4,1,5]", () -> f32(4, 5).get(":, None"));
        spec("float32[0,5]", () -> f32(4, 5).get("3:1"));
        spec("float32[2,5]", () -> f32(4, 5).get("-2:"));
        spec("float32[4,5]", () -> f32(4, 5).get("-100:100"));
        spec("float32[3,5]", () -> f32(4, 5).get("-2::-1"));
        spec("float32[5]", () -> f32(4, 5).get("..., 1, :"));
        spec("float32[4,3]", () -> f32(4, 5).get(Index.ellipsis(), Index.slice(null, 3)));
        spec("float32[2]", () -> f32(4, 5).get(Index.slice(null, null, -3), Index.at(0)));
        spec("float32[1,1]", () -> Np.scalar(2f).get("None, ..., None"));
    }

    @Test
    void indexingFunctions() {
        spec("float32[2,3,5]", () -> Np.take(f32(4, 5), i32(2, 3), 0));
        spec("float32[4,2,3]", () -> Np.take(f32(4, 5), i32(2, 3), -1));
        spec("float32[7]", () -> Np.take(f32(4, 5), i32(7)));
        spec("float32[4,2]", () -> Np.takeAlongAxis(f32(4, 5), i32(4, 2), 1));
        spec("float32[4,2]", () -> Np.takeAlongAxis(f32(4, 5), i32(1, 2), 1));
        spec("float32[3,5]", () -> Np.takeAlongAxis(f32(1, 5), i32(3, 1), 0));
        spec("float32[2,3,10]", () -> Np.oneHot(i32(2, 3), 10));
        spec("int32[4,3]", () -> Np.oneHot(i32(4), 3, DType.INT32));
        spec("float32[2,3]", () -> Np.dynamicSlice(f32(4, 5), new int[] {1, -2}, new int[] {2, 3}));
        spec("float32[4,5]", () -> Lax.dynamicUpdateSlice(f32(4, 5), f32(2, 2), Np.scalar(1), Np.scalar(3L)));
        RecordingBackend b = recording(() -> Np.take(f32(4, 5), Np.arrayUint32(new int[] {1}), 0, "clip"));
        assertEquals(List.of(Primitive.TAKE), b.primitives());
    }

    @Test
    void contractions() {
        spec("float32[2,4]", () -> Np.matmul(f32(2, 3), f32(3, 4)));
        spec("float32[2]", () -> Np.matmul(f32(2, 3), f32(3)));
        spec("float32[4]", () -> Np.matmul(f32(3), f32(3, 4)));
        spec("float32[]", () -> Np.matmul(f32(3), f32(3)));
        spec("float32[5,2,4]", () -> Np.matmul(f32(5, 2, 3), f32(3, 4)));
        spec("float32[5,2,4]", () -> Np.matmul(f32(2, 3), f32(5, 3, 4)));
        spec("float32[6,5,2,4]", () -> Np.matmul(f32(6, 1, 2, 3), f32(5, 3, 4)));
        spec("float32[5,2]", () -> Np.matmul(f32(5, 2, 3), f32(3)));
        spec("float32[5,4]", () -> Np.matmul(f32(3), f32(5, 3, 4)));
        spec("float64[2,4]", () -> Np.matmul(f32(2, 3), f64(3, 4)));
        spec("bool[2,4]", () -> Np.matmul(bool(2, 3), bool(3, 4)));
        spec("float32[2,3]", () -> Np.dot(Np.scalar(2f), f32(2, 3)));
        spec("float32[]", () -> Np.dot(f32(3), f32(3)));
        spec("float32[2,4]", () -> Np.dot(f32(2, 3), f32(3, 4)));
        spec("float32[2,5,6,4]", () -> Np.dot(f32(2, 5, 3), f32(6, 3, 4)));
        spec("float32[2,5]", () -> Np.dot(f32(2, 5, 3), f32(3)));
        spec("float32[6,4]", () -> Np.dot(f32(3), f32(6, 3, 4)));
        spec("float32[6,4]", () -> Np.outer(f32(2, 3), f32(4)));
        spec("bool[6,4]", () -> Np.outer(bool(2, 3), bool(4)));

        // x @ W with a 2-d W needs no broadcast of W
        RecordingBackend b = recording(() -> Np.matmul(f32(5, 2, 3), f32(3, 4)));
        assertEquals(List.of(Primitive.DOT_GENERAL), b.primitives());
        Params.DotGeneral d = (Params.DotGeneral) b.calls.get(0).params();
        assertArrayEquals(new int[] {2}, d.lhsContract().toArray());
        assertArrayEquals(new int[] {0}, d.rhsContract().toArray());
        assertArrayEquals(new int[0], d.lhsBatch().toArray());

        RecordingBackend batched = recording(() -> Np.matmul(f32(5, 2, 3), f32(5, 3, 4)));
        Params.DotGeneral bd = (Params.DotGeneral) batched.calls.getLast().params();
        assertArrayEquals(new int[] {0}, bd.lhsBatch().toArray());
        assertArrayEquals(new int[] {0}, bd.rhsBatch().toArray());
        assertArrayEquals(new int[] {2}, bd.lhsContract().toArray());
        assertArrayEquals(new int[] {1}, bd.rhsContract().toArray());
    }

    @Test
    void einsumShapes() {
        spec("float32[2,4]", () -> Np.einsum("ij,jk->ik", f32(2, 3), f32(3, 4)));
        spec("float32[2,4]", () -> Np.einsum("ij,jk", f32(2, 3), f32(3, 4)));
        spec("float32[4,2]", () -> Np.einsum("ij,jk->ki", f32(2, 3), f32(3, 4)));
        spec("float32[7,2,4]", () -> Np.einsum("bij,bjk->bik", f32(7, 2, 3), f32(7, 3, 4)));
        spec("float32[]", () -> Np.einsum("i,i->", f32(3), f32(3)));
        spec("float32[3,2]", () -> Np.einsum("ij->ji", f32(2, 3)));
        spec("float32[3,2]", () -> Np.einsum("ji", f32(2, 3)));
        spec("float32[]", () -> Np.einsum("ij->", f32(2, 3)));
        spec("float32[3]", () -> Np.einsum("ii->i", f32(3, 3)));
        spec("float32[]", () -> Np.einsum("ii", f32(3, 3)));
        spec("float32[6,5,2,4]", () -> Np.einsum("...ij,...jk->...ik", f32(6, 1, 2, 3), f32(5, 3, 4)));
        spec("float32[2,4]", () -> Np.einsum("...ij,...jk->ik", f32(6, 2, 3), f32(3, 4)));
        spec("float32[2,5]", () -> Np.einsum("ij,jk,kl->il", f32(2, 3), f32(3, 4), f32(4, 5)));
        spec("float32[2,3]", () -> Np.einsum("i,j->ij", f32(2), f32(3)));
        spec("int32[2,3]", () -> Np.einsum("ij,ij->ij", i32(2, 3), i32(1, 3)));
        spec("float32[3]", () -> Np.einsum("Ab,b->A", f32(3, 4), f32(4)));
    }
}
