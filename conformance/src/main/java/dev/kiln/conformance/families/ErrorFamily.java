package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.AxisException;
import dev.kiln.DType;
import dev.kiln.DTypeException;
import dev.kiln.Index;
import dev.kiln.IndexException;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ShapeException;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.spi.BackendUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bad input gives the typed exception, and its message names the problem (the shapes, dtypes,
 * axes or indices involved) and the fix. Each case lists words the message must contain
 * (case-insensitive); a word list {@code "a|b"} accepts either.
 */
final class ErrorFamily implements Family {
    @FunctionalInterface
    private interface Call {
        Object run();
    }

    @Override
    public String name() {
        return "errors";
    }

    private void expect(List<Case> out, Class<? extends RuntimeException> type, String op, String caseName, Call call,
            String... words) {
        out.add(new Case(name(), op, Case.ANY_DTYPE, caseName, () -> {
            Object result;
            try {
                result = call.run();
            } catch (RuntimeException e) {
                if (!type.isInstance(e)) {
                    throw new AssertionError(op + " (" + caseName + ") threw " + e.getClass().getName() + " where "
                            + type.getSimpleName() + " was expected: " + e.getMessage(), e);
                }
                String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                for (String w : words) {
                    boolean any = false;
                    for (String alt : w.split("\\|")) {
                        any |= m.contains(alt.toLowerCase(Locale.ROOT));
                    }
                    if (!any) {
                        throw new AssertionError(op + " (" + caseName + "): the " + type.getSimpleName()
                                + " message should mention '" + w + "' but says: " + e.getMessage());
                    }
                }
                return;
            }
            throw new AssertionError(op + " (" + caseName + ") should throw " + type.getSimpleName() + " but returned "
                    + result);
        }));
    }

    private static Array f32(int... shape) {
        return Np.zeros(shape);
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        Class<ShapeException> shape = ShapeException.class;
        Class<DTypeException> dtype = DTypeException.class;
        Class<AxisException> axis = AxisException.class;
        Class<IndexException> index = IndexException.class;

        // broadcasting and shapes
        expect(out, shape, "add", "(2,3) + (4,)", () -> Np.add(f32(2, 3), f32(4)), "(2, 3)", "(4,)", "broadcast");
        expect(out, shape, "where", "(2,3) and (3,2)", () -> Np.where(Np.ones(DType.BOOL, 2, 3), f32(3, 2), 0),
                "(2, 3)", "(3, 2)", "broadcast");
        expect(out, shape, "broadcastTo", "(3,) to (4,)", () -> Np.broadcastTo(f32(3), 4), "(3,)", "(4,)");
        expect(out, shape, "reshape", "6 elements to (4,2)", () -> Np.reshape(f32(2, 3), 4, 2), "(2, 3)", "8|(4, 2)");
        expect(out, shape, "reshape", "two -1s", () -> Np.reshape(f32(2, 3), -1, -1), "-1");
        expect(out, shape, "matmul", "(2,3) @ (4,5)", () -> Np.matmul(f32(2, 3), f32(4, 5)), "(2, 3)", "(4, 5)");
        expect(out, shape, "matmul", "batch (2,3,4) @ (3,4,5)", () -> Np.matmul(f32(2, 3, 4), f32(3, 4, 5)), "(2",
                "(3");
        expect(out, shape, "concatenate", "(2,3) with (2,4) on axis 0",
                () -> Np.concatenate(new Array[] {f32(2, 3), f32(2, 4)}, 0), "(2, 3)", "(2, 4)");
        expect(out, shape, "stack", "(2,3) with (3,2)", () -> Np.stack(new Array[] {f32(2, 3), f32(3, 2)}, 0),
                "(2, 3)", "(3, 2)");
        expect(out, shape, "split", "7 into 2", () -> Np.split(f32(7), 2, 0), "7", "2");
        expect(out, shape, "squeeze", "axis of length 3", () -> Np.squeeze(f32(1, 3), 1), "3|(1, 3)");
        expect(out, shape, "max", "of an empty array", () -> Np.max(f32(0)), "empty|zero-size", "identity|initial");
        expect(out, shape, "argmax", "of an empty array", () -> Np.argmax(f32(0)), "empty");
        expect(out, shape, "zeros", "negative dimension", () -> Np.zeros(2, -1), "negative", "-1");
        expect(out, shape, "array", "data length vs shape", () -> Np.array(new float[5], 2, 3), "5", "(2, 3)");
        expect(out, shape, "array", "ragged nested", () -> Np.array(new float[][] {{1, 2}, {3}}), "ragged");
        expect(out, shape, "item", "of a (2,) array", () -> f32(2).item(), "(2,)", "sum|index|reduce");
        expect(out, shape, "einsum", "wrong operand count", () -> Np.einsum("ij,jk->ik", f32(2, 3)), "2", "1");
        expect(out, shape, "einsum", "letters vs rank", () -> Np.einsum("ijk->i", f32(2, 3)), "(2, 3)", "ijk");
        expect(out, shape, "dynamicSlice", "window larger than array",
                () -> Lax.dynamicSlice(f32(3, 3), new Array[] {Np.scalar(0), Np.scalar(0)}, 4, 1), "(4, 1)|4",
                "(3, 3)");
        expect(out, shape, "pad", "widths for wrong rank",
                () -> Np.pad(f32(2, 3), new int[][] {{1, 1}, {1, 1}, {1, 1}}), "(2, 3)|2");
        expect(out, shape, "takeAlongAxis", "rank mismatch",
                () -> Np.takeAlongAxis(f32(2, 3), Np.zeros(DType.INT32, 2), 0), "(2, 3)", "(2,)");

        // axes
        expect(out, axis, "sum", "axis 2 of a 2-d array", () -> Np.sum(f32(2, 3), 2), "2", "rank|dimension");
        expect(out, axis, "sum", "repeated axis", () -> Np.sum(f32(2, 3), new int[] {0, 0}, false), "repeat|twice|once");
        expect(out, axis, "transpose", "axis 3 of a 3-d array", () -> Np.transpose(f32(1, 2, 3), 0, 1, 3), "3");
        expect(out, axis, "expandDims", "axis 4 of a 2-d array", () -> Np.expandDims(f32(2, 3), 4), "4");
        expect(out, axis, "argmax", "axis -3 of a 2-d array", () -> Np.argmax(f32(2, 3), -3), "-3");
        expect(out, axis, "concatenate", "axis 1 of 1-d arrays", () -> Np.concatenate(new Array[] {f32(2), f32(2)}, 1),
                "1");
        expect(out, axis, "cumsum", "axis 1 of a 1-d array", () -> Np.cumsum(f32(3), 1), "1");

        // dtypes
        expect(out, dtype, "subtract", "bool - bool", () -> Np.subtract(Np.ones(DType.BOOL, 2), Np.ones(DType.BOOL, 2)),
                "bool", "logicalXor|astype");
        expect(out, dtype, "bitwiseAnd", "float32 operands", () -> Np.bitwiseAnd(f32(2), f32(2)), "float32",
                "integer|bool");
        expect(out, dtype, "leftShift", "float32 operands", () -> Np.leftShift(f32(2), 1), "float32");
        expect(out, dtype, "take", "float indices", () -> Np.take(f32(3), f32(2), 0), "float32", "astype|integer");
        expect(out, dtype, "array", "a String", () -> Np.array((Object) "text"), "String");
        expect(out, dtype, "add", "a String operand", () -> Np.add(f32(2), "x"), "String");
        expect(out, dtype, "fromName", "unknown dtype", () -> DType.fromName("float16"), "float16", "float32");
        expect(out, dtype, "dynamicUpdateSlice", "update dtype differs",
                () -> Lax.dynamicUpdateSlice(f32(3), Np.zeros(DType.INT32, 1), Np.scalar(0)), "int32", "float32");

        // indices
        expect(out, index, "get", "index 5 of length 3", () -> f32(3).get("5"), "5", "3");
        expect(out, index, "get", "index -4 of length 3", () -> f32(3).get(Index.at(-4)), "-4", "3");
        expect(out, index, "get", "too many indices", () -> f32(3).get("0, 0"), "2|too many", "1|rank");
        expect(out, index, "get", "zero step", () -> f32(3).get("::0"), "step");
        expect(out, index, "get", "two ellipses", () -> f32(3, 3).get("..., ..."), "ellipsis|...");
        expect(out, index, "slice", "zero step", () -> Index.slice(0, 3, 0), "step", "zero|0");
        expect(out, index, "take", "from an empty axis", () -> Np.take(f32(0, 3), Np.zeros(DType.INT32, 2), 0),
                "empty");

        // backends
        expect(out, BackendUnavailableException.class, "Kiln.backend", "unknown name",
                () -> Kiln.backend("no-such-backend"), "no-such-backend", "reference");
        expect(out, BackendUnavailableException.class, "Kiln.withBackend", "unknown name",
                () -> Kiln.withBackend("no-such-backend", () -> Np.zeros(1)), "no-such-backend", "reference");
        return out;
    }
}
