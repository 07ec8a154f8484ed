package dev.kiln;

import static dev.kiln.RecordingBackend.forbidding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Frontend validation: each bad call throws its typed exception with a message naming the function
 * and the shapes or dtypes, and does so before any primitive reaches the backend (the backend here
 * fails on the first primitive).
 */
class NpErrorsTest {
    static Array f32(int... shape) {
        return Np.array(new float[Shape.size(shape)], shape);
    }

    static Array i32(int... shape) {
        return Np.array(new int[Shape.size(shape)], shape);
    }

    static Array bool(int... shape) {
        return Np.array(new boolean[Shape.size(shape)], shape);
    }

    /** Asserts that {@code body} throws {@code type} before backend work, with all {@code parts} in the message. */
    static <T extends Throwable> T fails(Class<T> type, Executable body, String... parts) {
        T e = forbidding(() -> assertThrows(type, body));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "message \"" + e.getMessage() + "\" lacks \"" + p + "\"");
        }
        return e;
    }

    @Test
    void broadcastingErrorsNameBothShapes() {
        fails(ShapeException.class, () -> Np.add(f32(2, 3), f32(4)), "add", "(2, 3)", "(4,)");
        fails(ShapeException.class, () -> Np.multiply(f32(5), f32(2, 4)), "multiply", "(5,)", "(2, 4)");
        fails(ShapeException.class, () -> Np.where(bool(3), f32(2, 4), 1.0), "where");
        fails(ShapeException.class, () -> Np.broadcastTo(f32(3), 4, 2), "broadcastTo", "(3,)", "(4, 2)");
        fails(ShapeException.class, () -> Np.clip(f32(3), f32(2), 1.0), "(3,)", "(2,)");
        fails(ShapeException.class, () -> f32(2).less(f32(3)), "less");
    }

    @Test
    void matmulMessageFollowsTheTemplate() {
        ShapeException e = fails(ShapeException.class, () -> Np.matmul(f32(2, 3), f32(4, 5)));
        assertEquals(
                "matmul: shapes (2, 3) and (4, 5) are not aligned: dimension 1 of the first (3) must equal"
                        + " dimension 0 of the second (4); transpose one operand or check the order",
                e.getMessage());
        fails(ShapeException.class, () -> Np.matmul(f32(3), f32(4)), "(3,)", "(4,)");
        fails(ShapeException.class, () -> Np.matmul(f32(2, 2, 3), f32(3, 3, 4)), "batch", "(2,)", "(3,)");
        fails(ShapeException.class, () -> Np.matmul(Np.scalar(1f), f32(3)), "0-d", "multiply");
        fails(ShapeException.class, () -> Np.dot(f32(2, 3), f32(2, 3)), "dot", "dimension 0 of the second (2)");
        fails(ShapeException.class, () -> f32(4).dot(f32(5)), "dot", "(4,)", "(5,)");
    }

    @Test
    void dtypeErrors() {
        fails(DTypeException.class, () -> Np.subtract(bool(2), bool(2)), "subtract", "bool");
        fails(DTypeException.class, () -> Np.negative(bool(2)), "negative", "logicalNot");
        fails(DTypeException.class, () -> Np.sign(bool(2)), "sign");
        fails(DTypeException.class, () -> Np.bitwiseAnd(f32(2), i32(2)), "bitwiseAnd", "float32");
        fails(DTypeException.class, () -> Np.bitwiseOr(i32(2), 1.5), "bitwiseOr", "float32");
        fails(DTypeException.class, () -> Np.bitwiseNot(f32(2)), "bitwiseNot");
        fails(DTypeException.class, () -> Np.leftShift(f32(2), 1), "leftShift");
        fails(DTypeException.class, () -> Np.rightShift(i32(2), 1.0), "rightShift");
        fails(DTypeException.class, () -> Np.add(f32(2), "3"), "String");
        fails(DTypeException.class, () -> Np.add(null, f32(2)), "null");
        fails(DTypeException.class, () -> Np.round(i32(2), -1), "round", "-1");
        fails(DTypeException.class, () -> Np.take(f32(4), f32(2), 0), "take", "float32");
        fails(DTypeException.class, () -> Lax.dynamicSlice(f32(4), new Array[] {Np.scalar(1f)}, 2), "start index 0");
        fails(DTypeException.class, () -> Lax.dynamicUpdateSlice(f32(4), i32(2), Np.scalar(0)), "dtype");
    }

    @Test
    void axisErrors() {
        fails(AxisException.class, () -> Np.sum(f32(2, 3), 2), "sum", "axis 2", "rank 2");
        fails(AxisException.class, () -> Np.mean(f32(2, 3), -3), "mean", "axis -3");
        fails(AxisException.class, () -> Np.max(f32(2, 3), new int[] {0, -2}, false), "max", "repeated");
        fails(AxisException.class, () -> Np.std(f32(2, 3), new int[] {5}, false), "std");
        fails(AxisException.class, () -> Np.argmax(f32(2, 3), 2), "argmax");
        fails(AxisException.class, () -> Np.cumsum(f32(2, 3), 2), "cumsum");
        fails(AxisException.class, () -> Np.transpose(f32(2, 3), 0, 0), "transpose", "repeated");
        fails(AxisException.class, () -> Np.transpose(f32(2, 3), 0), "transpose", "(2, 3)");
        fails(AxisException.class, () -> Np.swapaxes(f32(2, 3), 0, 2), "swapaxes");
        fails(AxisException.class, () -> Np.moveaxis(f32(2, 3), 3, 0), "moveaxis");
        fails(AxisException.class, () -> Np.expandDims(f32(2, 3), 3), "expandDims");
        fails(AxisException.class, () -> Np.squeeze(f32(1, 3), 2), "squeeze");
        fails(AxisException.class, () -> Np.concatenate(new Array[] {f32(2), f32(3)}, 1), "concatenate");
        fails(AxisException.class, () -> Np.flip(f32(2), 1), "flip");
        fails(AxisException.class, () -> Np.take(f32(2), i32(1), 1), "take");
    }

    @Test
    void shapeErrors() {
        fails(
                ShapeException.class,
                () -> Np.max(f32(0, 3), 0),
                "zero-size array to reduction operation max which has no identity");
        fails(ShapeException.class, () -> Np.min(f32(0)), "reduction operation min");
        fails(ShapeException.class, () -> Np.argmin(f32(0)), "argmin", "empty");
        fails(ShapeException.class, () -> Np.reshape(f32(2, 3), 4, -1), "reshape", "(2, 3)", "(4, -1)");
        fails(ShapeException.class, () -> Np.reshape(f32(2, 3), -1, -1), "one unknown");
        fails(ShapeException.class, () -> Np.reshape(f32(2, 3), 7), "size 6", "(7,)");
        fails(ShapeException.class, () -> Np.reshape(f32(2, 3), -2, -3), "negative");
        fails(ShapeException.class, () -> Np.squeeze(f32(2, 3), 0), "squeeze", "size is 2");
        fails(ShapeException.class, () -> Np.concatenate(new Array[] {f32(2, 3), f32(2, 4)}, 0), "(2, 4)", "(2, 3)");
        fails(ShapeException.class, () -> Np.concatenate(List.of(), 0), "at least one");
        fails(ShapeException.class, () -> Np.concatenate(new Array[] {Np.scalar(1f)}, 0), "zero-dimensional");
        fails(ShapeException.class, () -> Np.stack(new Array[] {f32(2), f32(3)}, 0), "same shape");
        fails(ShapeException.class, () -> Np.split(f32(7), 2, 0), "equal division");
        fails(ShapeException.class, () -> Np.pad(f32(2, 3), new int[][] {{1, 1}, {1, 1}, {1, 1}}), "pad", "3 rows");
        fails(ShapeException.class, () -> Np.pad(f32(2, 3), new int[][] {{-1, 1}}), "negative");
        fails(
                KilnException.class,
                () -> Np.pad(f32(2, 3), new int[][] {{1, 1}, {1, 1}}, "linear_ramp"),
                "linear_ramp",
                "constant");
        fails(ShapeException.class, () -> Np.tile(f32(2), -1), "tile");
        fails(ShapeException.class, () -> Np.repeat(f32(2), -1), "repeat");
        fails(ShapeException.class, () -> Np.takeAlongAxis(f32(2, 3), i32(3), 1), "same number of dimensions");
        fails(ShapeException.class, () -> Np.takeAlongAxis(f32(2, 3), i32(3, 3), 1), "broadcast", "dimension 0");
        fails(ShapeException.class, () -> Lax.dynamicSlice(f32(4), new Array[] {Np.scalar(0)}, 5), "window");
        fails(ShapeException.class, () -> Np.dynamicSlice(f32(4, 2), new int[] {0}, new int[] {1, 1}), "one start");
        fails(ShapeException.class, () -> Lax.dynamicUpdateSlice(f32(2), f32(3), Np.scalar(0)), "does not fit");
        fails(ShapeException.class, () -> Np.oneHot(i32(2), -1), "numClasses");
    }

    @Test
    void indexErrors() {
        IndexException e = fails(IndexException.class, () -> f32(2, 3).get(Index.at(1), Index.at(3)));
        assertTrue(e.getMessage().contains("index 3 is out of bounds for axis 1 with size 3"), e.getMessage());
        fails(IndexException.class, () -> f32(2, 3).get("-3"), "index -3", "axis 0", "size 2");
        fails(IndexException.class, () -> f32(2, 3).get("0, 0, 0"), "too many indices", "2-dimensional", "3");
        fails(IndexException.class, () -> f32(2, 3).get("..., 0, ..."), "single ellipsis");
        fails(IndexException.class, () -> f32(2, 3).get("1:2:0"), "step 0");
        fails(IndexException.class, () -> f32(2, 3).get("a"), "'a'");
        fails(IndexException.class, () -> f32(2, 3).get("1,,2"), "empty");
        fails(IndexException.class, () -> f32(2, 3).get("1:2:3:4"), "colons");
        fails(IndexException.class, () -> Index.slice(1, 2, 0), "zero");
        fails(IndexException.class, () -> Np.take(f32(0), i32(1), 0, "clip"), "empty");
        fails(IndexException.class, () -> Np.scalar(1f).get("0"), "too many indices");
    }

    @Test
    void einsumErrors() {
        fails(ShapeException.class, () -> Np.einsum("ij,jk->ik", f32(2, 3)), "2 operands", "1 were given");
        fails(ShapeException.class, () -> Np.einsum("ij,jk->ik", f32(2, 3), f32(4, 5)), "'j'", "3", "4");
        fails(ShapeException.class, () -> Np.einsum("ijk->i", f32(2, 3)), "operand 0", "(2, 3)", "'ijk'");
        fails(KilnException.class, () -> Np.einsum("i1->i", f32(2)), "'1'");
        fails(KilnException.class, () -> Np.einsum("ij->k", f32(2, 2)), "'k'", "does not appear");
        fails(KilnException.class, () -> Np.einsum("ij->ii", f32(2, 2)), "more than once");
        fails(KilnException.class, () -> Np.einsum("i->i->i", f32(2)), "more than one");
        fails(ShapeException.class, () -> Np.einsum("ii->i", f32(2, 3)), "diagonal");
    }
}
