package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.AxisException;
import dev.kiln.ConcretizationException;
import dev.kiln.DType;
import dev.kiln.DTypeException;
import dev.kiln.Index;
import dev.kiln.IndexException;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ShapeException;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.spi.BackendUnavailableException;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

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

    private void expect(
            List<Case> out,
            Class<? extends RuntimeException> type,
            String op,
            String caseName,
            Call call,
            String... words) {
        out.add(new Case(name(), op, Case.ANY_DTYPE, caseName, () -> {
            Object result;
            try {
                result = call.run();
            } catch (UnsupportedPrimitiveException e) {
                // a partial backend's gap, not a wrong error: CaseExecution reports it as unsupported
                throw e;
            } catch (RuntimeException e) {
                if (!type.isInstance(e)) {
                    throw new AssertionError(
                            op + " (" + caseName + ") threw " + e.getClass().getName() + " where "
                                    + type.getSimpleName() + " was expected: " + e.getMessage(),
                            e);
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
            throw new AssertionError(
                    op + " (" + caseName + ") should throw " + type.getSimpleName() + " but returned " + result);
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
        expect(
                out,
                shape,
                "where",
                "(2,3) and (3,2)",
                () -> Np.where(Np.ones(DType.BOOL, 2, 3), f32(3, 2), 0),
                "(2, 3)",
                "(3, 2)",
                "broadcast");
        expect(out, shape, "broadcastTo", "(3,) to (4,)", () -> Np.broadcastTo(f32(3), 4), "(3,)", "(4,)");
        expect(out, shape, "reshape", "6 elements to (4,2)", () -> Np.reshape(f32(2, 3), 4, 2), "(2, 3)", "8|(4, 2)");
        expect(out, shape, "reshape", "two -1s", () -> Np.reshape(f32(2, 3), -1, -1), "-1");
        expect(out, shape, "matmul", "(2,3) @ (4,5)", () -> Np.matmul(f32(2, 3), f32(4, 5)), "(2, 3)", "(4, 5)");
        expect(
                out,
                shape,
                "matmul",
                "batch (2,3,4) @ (3,4,5)",
                () -> Np.matmul(f32(2, 3, 4), f32(3, 4, 5)),
                "(2",
                "(3");
        expect(
                out,
                shape,
                "concatenate",
                "(2,3) with (2,4) on axis 0",
                () -> Np.concatenate(new Array[] {f32(2, 3), f32(2, 4)}, 0),
                "(2, 3)",
                "(2, 4)");
        expect(
                out,
                shape,
                "stack",
                "(2,3) with (3,2)",
                () -> Np.stack(new Array[] {f32(2, 3), f32(3, 2)}, 0),
                "(2, 3)",
                "(3, 2)");
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
        expect(
                out,
                shape,
                "dynamicSlice",
                "window larger than array",
                () -> Lax.dynamicSlice(f32(3, 3), new Array[] {Np.scalar(0), Np.scalar(0)}, 4, 1),
                "(4, 1)|4",
                "(3, 3)");
        expect(
                out,
                shape,
                "pad",
                "widths for wrong rank",
                () -> Np.pad(f32(2, 3), new int[][] {{1, 1}, {1, 1}, {1, 1}}),
                "(2, 3)|2");
        expect(
                out,
                shape,
                "takeAlongAxis",
                "rank mismatch",
                () -> Np.takeAlongAxis(f32(2, 3), Np.zeros(DType.INT32, 2), 0),
                "(2, 3)",
                "(2,)");

        // axes
        expect(out, axis, "sum", "axis 2 of a 2-d array", () -> Np.sum(f32(2, 3), 2), "2", "rank|dimension");
        expect(
                out,
                axis,
                "sum",
                "repeated axis",
                () -> Np.sum(f32(2, 3), new int[] {0, 0}, false),
                "repeat|twice|once");
        expect(out, axis, "transpose", "axis 3 of a 3-d array", () -> Np.transpose(f32(1, 2, 3), 0, 1, 3), "3");
        expect(out, axis, "expandDims", "axis 4 of a 2-d array", () -> Np.expandDims(f32(2, 3), 4), "4");
        expect(out, axis, "argmax", "axis -3 of a 2-d array", () -> Np.argmax(f32(2, 3), -3), "-3");
        expect(
                out,
                axis,
                "concatenate",
                "axis 1 of 1-d arrays",
                () -> Np.concatenate(new Array[] {f32(2), f32(2)}, 1),
                "1");
        expect(out, axis, "cumsum", "axis 1 of a 1-d array", () -> Np.cumsum(f32(3), 1), "1");

        // dtypes
        expect(
                out,
                dtype,
                "subtract",
                "bool - bool",
                () -> Np.subtract(Np.ones(DType.BOOL, 2), Np.ones(DType.BOOL, 2)),
                "bool",
                "logicalXor|astype");
        expect(
                out,
                dtype,
                "bitwiseAnd",
                "float32 operands",
                () -> Np.bitwiseAnd(f32(2), f32(2)),
                "float32",
                "integer|bool");
        expect(out, dtype, "leftShift", "float32 operands", () -> Np.leftShift(f32(2), 1), "float32");
        expect(out, dtype, "take", "float indices", () -> Np.take(f32(3), f32(2), 0), "float32", "astype|integer");
        expect(out, dtype, "array", "a String", () -> Np.array((Object) "text"), "String");
        expect(out, dtype, "add", "a String operand", () -> Np.add(f32(2), "x"), "String");
        expect(
                out,
                dtype,
                "fromName",
                "unknown dtype",
                () -> DType.fromName("float8_e4m3fn"),
                "float8_e4m3fn",
                "float32");
        expect(
                out,
                dtype,
                "dynamicUpdateSlice",
                "update dtype differs",
                () -> Lax.dynamicUpdateSlice(f32(3), Np.zeros(DType.INT32, 1), Np.scalar(0)),
                "int32",
                "float32");

        // indices
        expect(out, index, "get", "index 5 of length 3", () -> f32(3).get("5"), "5", "3");
        expect(out, index, "get", "index -4 of length 3", () -> f32(3).get(Index.at(-4)), "-4", "3");
        expect(out, index, "get", "too many indices", () -> f32(3).get("0, 0"), "2|too many", "1|rank");
        expect(out, index, "get", "zero step", () -> f32(3).get("::0"), "step");
        expect(out, index, "get", "two ellipses", () -> f32(3, 3).get("..., ..."), "ellipsis|...");
        expect(out, index, "slice", "zero step", () -> Index.slice(0, 3, 0), "step", "zero|0");
        expect(
                out,
                index,
                "take",
                "from an empty axis",
                () -> Np.take(f32(0, 3), Np.zeros(DType.INT32, 2), 0, "clip"),
                "empty");

        transformations(out, shape, dtype, axis);

        // backends
        expect(
                out,
                BackendUnavailableException.class,
                "Kiln.backend",
                "unknown name",
                () -> Kiln.backend("no-such-backend"),
                "no-such-backend",
                "reference");
        expect(
                out,
                BackendUnavailableException.class,
                "Kiln.withBackend",
                "unknown name",
                () -> Kiln.withBackend("no-such-backend", () -> Np.zeros(1)),
                "no-such-backend",
                "reference");
        return out;
    }

    /**
     * Misuse of the transformations: Java control flow on traced values (the message names the
     * value's type, the transformation, and the fixes: Lax.cond, Np.where, static arguments),
     * mismatched trees, bad vmap axes and batch sizes, grad of something that is not a scalar
     * loss, reverse mode through a while loop, and control flow whose branches or carries disagree.
     */
    private void transformations(
            List<Case> out, Class<ShapeException> shape, Class<DTypeException> dtype, Class<AxisException> axis) {
        Class<ConcretizationException> concrete = ConcretizationException.class;
        Class<IllegalArgumentException> argument = IllegalArgumentException.class;
        expect(
                out,
                concrete,
                "jit",
                "Java branch on a traced value",
                () -> Kiln.jit((Array v) -> Np.sum(v).item() > 0 ? v : Np.negative(v))
                        .apply(f32(3)),
                "float32[]",
                "inside jit",
                "Lax.cond",
                "static argument");
        expect(
                out,
                concrete,
                "jit",
                "Java branch on a traced comparison",
                () -> Kiln.jit((Array v) -> Np.any(Np.greater(v, 0)).booleanItem() ? v : v)
                        .apply(f32(3)),
                "bool[]",
                "inside jit",
                "Np.where");
        expect(
                out,
                concrete,
                "grad",
                "Java branch on a traced value",
                () -> Kiln.grad((Array v) -> Np.sum(v).item() > 0 ? Np.sum(v) : Np.sum(Np.negative(v)))
                        .apply(f32(3)),
                "float32[]",
                "inside grad",
                "Lax.cond",
                "static argument");
        expect(
                out,
                concrete,
                "vmap",
                "Java branch on a batched value",
                () -> Kiln.vmap((Array v) -> v.item() > 0 ? v : Np.negative(v)).apply(f32(3)),
                "float32[]",
                "inside vmap",
                "Lax.cond");
        expect(
                out,
                KilnException.class,
                "jit",
                "a traced value used after jit returned",
                () -> {
                    Array[] leaked = new Array[1];
                    Kiln.jit((Array v) -> {
                                leaked[0] = v;
                                return v;
                            })
                            .apply(f32(3));
                    return Np.add(leaked[0], 1);
                },
                "escaped",
                "jit",
                "float32[3]");
        expect(
                out,
                argument,
                "jvp",
                "tangents of another structure than the primals",
                () -> Kiln.jvp((List<Array> l) -> l.get(0), List.of(f32(3), f32(3)), List.of(f32(3))),
                "structure",
                "[*, *]",
                "[*]");
        expect(
                out,
                shape,
                "jvp",
                "a tangent of another shape than its primal",
                () -> Kiln.jvp((Array v) -> Np.sin(v), f32(3), f32(4)),
                "tangent",
                "(3,)",
                "(4,)");
        expect(
                out,
                dtype,
                "jvp",
                "a float64 tangent for a float32 primal",
                () -> Kiln.jvp((Array v) -> Np.sin(v), f32(3), Np.zeros(DType.FLOAT64, 3)),
                "tangent",
                "float32",
                "float64");
        expect(
                out,
                shape,
                "vjp",
                "a cotangent of another shape than the output",
                () -> Kiln.vjp((Array v) -> Np.sin(v), f32(3)).pullback().apply(f32(4)),
                "cotangent",
                "(3,)",
                "(4,)");
        expect(
                out,
                argument,
                "vjp",
                "a cotangent of another structure than the output",
                () -> Kiln.vjp((Array v) -> List.of(v, v), f32(3)).pullback().apply(List.of(f32(3))),
                "structure",
                "[*]",
                "[*, *]");
        expect(
                out,
                shape,
                "grad",
                "an output that is not a scalar",
                () -> Kiln.grad((Array v) -> Np.sin(v)).apply(f32(3)),
                "scalar",
                "(3,)",
                "Np.sum",
                "vjp");
        expect(
                out,
                dtype,
                "grad",
                "an integer output",
                () -> Kiln.grad((Array v) -> Np.sum(v.astype(DType.INT32))).apply(f32(3)),
                "int32",
                "float");
        expect(
                out,
                KilnException.class,
                "grad",
                "reverse mode through whileLoop",
                () -> Kiln.grad((Array v) ->
                                Np.sum(Lax.whileLoop((Array c) -> Np.less(Np.sum(c), 100), (Array c) -> c.add(1), v)))
                        .apply(f32(3)),
                "while",
                "Lax.forLoop",
                "Lax.scan",
                "jvp");
        expect(
                out,
                axis,
                "vmap",
                "in axis out of range",
                () -> Kiln.vmap((Array v) -> v, 2, 0).apply(f32(3, 2)),
                "vmap",
                "2",
                "rank 2");
        expect(
                out,
                axis,
                "vmap",
                "in axis -3 of a 2-d argument",
                () -> Kiln.vmap((Array v) -> v, -3, 0).apply(f32(3, 2)),
                "vmap",
                "-3");
        expect(
                out,
                axis,
                "vmap",
                "mapping a 0-d argument",
                () -> Kiln.vmap((Array v) -> v).apply(Np.scalar(1f)),
                "vmap",
                "rank 0");
        expect(
                out,
                axis,
                "vmap",
                "out axis out of range",
                () -> Kiln.vmap((Array v) -> Np.sum(v), 0, 2).apply(f32(3, 2)),
                "out_axes",
                "2");
        expect(
                out,
                shape,
                "vmap",
                "batch sizes 3 and 4",
                () -> Kiln.vmap((Array a, Array b) -> Np.add(a, b), 0, 0, 0).apply(f32(3, 2), f32(4, 2)),
                "3",
                "4",
                "mapped");
        expect(
                out,
                shape,
                "vmap",
                "batch sizes 3 and 2 on axes 0 and -1",
                () -> Kiln.vmap((Array a, Array b) -> Np.add(a, b), 0, -1, 0).apply(f32(3, 2), f32(2, 2)),
                "3",
                "2");
        expect(
                out,
                argument,
                "vmap",
                "no argument mapped",
                () -> Kiln.vmap((Array a, Array b) -> Np.add(a, b), null, null, 0)
                        .apply(f32(3), f32(3)),
                "no argument is mapped");
        expect(
                out,
                shape,
                "vmap",
                "a shape error inside speaks of unbatched shapes",
                () -> Kiln.vmap((Array v) -> Np.add(v, Np.ones(5))).apply(f32(3, 2)),
                "(2,)",
                "(5,)");
        expect(
                out,
                shape,
                "cond",
                "branches returning different shapes under jit",
                () -> Kiln.jit((Array v) ->
                                Lax.cond(Np.greater(Np.sum(v), 0), (Array w) -> w, (Array w) -> Np.sum(w), v))
                        .apply(f32(3)),
                "branch",
                "float32[]",
                "float32[3]");
        expect(
                out,
                dtype,
                "cond",
                "an int32 predicate",
                () -> Lax.cond(Np.scalar(1), (Array v) -> v, (Array v) -> v, f32(3)),
                "bool",
                "int32");
        expect(
                out,
                dtype,
                "switchCase",
                "a float32 index",
                () -> Lax.switchCase(Np.scalar(1f), List.<Function<Array, Array>>of(v -> v), f32(3)),
                "integer",
                "float32");
        expect(
                out,
                shape,
                "whileLoop",
                "a condition that is not 0-d",
                () -> Lax.whileLoop((Array c) -> Np.less(c, 100), (Array c) -> c.multiply(2), f32(3)),
                "0-d",
                "bool[3]");
        expect(
                out,
                shape,
                "whileLoop",
                "a carry that changes shape under jit",
                () -> Kiln.jit((Array x) -> Lax.whileLoop(
                                (Array c) -> Np.less(Np.sum(c), 10),
                                (Array c) -> Np.concatenate(new Array[] {c, c}, 0),
                                x))
                        .apply(f32(2)),
                "same structure",
                "float32[2]",
                "float32[4]");
        expect(
                out,
                shape,
                "scan",
                "a carry that changes shape",
                () -> Lax.scan(
                        (Array c, Array y) -> Lax.Step.of(Np.concatenate(new Array[] {c, c}, 0), y), f32(3), f32(2, 3)),
                "same structure",
                "float32[3]",
                "float32[6]");
        expect(
                out,
                shape,
                "scan",
                "scanned inputs of different lengths",
                () -> Lax.scan(
                        (Array c, List<Array> y) -> Lax.Step.of(c, y.get(0)), f32(3), List.of(f32(2, 3), f32(4, 3))),
                "2",
                "4",
                "length");
    }
}
