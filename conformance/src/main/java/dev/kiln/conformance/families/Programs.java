package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.conformance.families.Gen.Domain;
import dev.kiln.conformance.families.Ops.Op;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Functions of one or more arrays that the jit and vmap families transform, beyond the elementwise
 * table: reductions, arg-reductions and cumulative ops, shapes and data movement, indexing with
 * integer operands (indices and starts are inputs, so vmap batches them too), creation inside a
 * function, conversions, contractions and small composites. Each covers a primitive family and
 * knows how close two computations of it must be.
 */
final class Programs {
    private Programs() {}

    /** One input: dtype, where its values come from, and its (unbatched) shape. */
    record Input(DType dtype, Domain domain, int... shape) {}

    /** A rule and the per-element scale its relative bound needs ({@code null} when it has none). */
    record Scaled(Rule rule, double[] scale) {}

    /**
     * How close two computations of a function must be, given its inputs (all of them, batched or
     * not) and one computation's result.
     */
    @FunctionalInterface
    interface RuleFor {
        Scaled judge(List<HostBuffer> inputs, HostBuffer expected);
    }

    /** A function of its inputs, its support-matrix row ({@code op}) and what distinguishes it there. */
    record Fn(String op, String variant, List<Input> inputs, Function<List<Array>, Array> f, RuleFor rule) {
        String label() {
            return variant.isEmpty() ? op : op + " " + variant;
        }

        /** The dtype column: the first input's dtype. */
        String dtype() {
            return inputs.get(0).dtype().jaxName();
        }

        Array apply(List<Array> xs) {
            return f.apply(xs);
        }

        /** Inputs drawn with a generator seeded from the label and {@code salt}. */
        List<HostBuffer> sample(String salt) {
            Gen g = new Gen(label() + "|" + dtype() + "|" + salt);
            List<HostBuffer> out = new ArrayList<>();
            for (Input in : inputs) {
                out.add(g.random(in.dtype(), in.domain(), in.shape()));
            }
            return out;
        }

        /** Inputs with a batch axis of {@code n} in front of each shape. */
        List<HostBuffer> sampleBatched(String salt, int n) {
            Gen g = new Gen(label() + "|" + dtype() + "|" + salt);
            List<HostBuffer> out = new ArrayList<>();
            for (Input in : inputs) {
                int[] s = new int[in.shape().length + 1];
                s[0] = n;
                System.arraycopy(in.shape(), 0, s, 1, in.shape().length);
                out.add(g.random(in.dtype(), in.domain(), s));
            }
            return out;
        }
    }

    private static final Domain UNIT = Gen.UNIT;
    private static final Domain FEW = Domain.uniform(-3, 3);

    static Input in(DType t, int... shape) {
        return new Input(t, t.isFloating() ? UNIT : FEW, shape);
    }

    static Input in(DType t, Domain d, int... shape) {
        return new Input(t, d, shape);
    }

    static RuleFor exact() {
        return (in, e) -> new Scaled(Tolerance.exact(), null);
    }

    /** A reduction over {@code n} terms: relative to {@code n} times the largest input magnitude. */
    static RuleFor reduction(String op, long n) {
        return (in, e) -> new Scaled(Tolerance.reduction(op, e.spec().dtype(), n), fill(e, n * maxAbs(in.get(0))));
    }

    /** A contraction over {@code k} terms: relative to {@code k max|a| max|b|}. */
    static RuleFor contraction(long k) {
        return (in, e) -> new Scaled(
                Tolerance.contraction(e.spec().dtype(), k),
                fill(e, k * maxAbs(in.get(0)) * (in.size() > 1 ? maxAbs(in.get(1)) : 1)));
    }

    static RuleFor composite() {
        return (in, e) -> new Scaled(Tolerance.composite(e.spec().dtype()), Tolerance.maxMagnitude(Host.doubles(e)));
    }

    static RuleFor elementwise(String op) {
        return (in, e) -> new Scaled(Tolerance.elementwise(op, e.spec().dtype()), null);
    }

    private static double[] fill(HostBuffer e, double v) {
        double[] s = new double[e.spec().size()];
        java.util.Arrays.fill(s, v);
        return s;
    }

    static double maxAbs(HostBuffer h) {
        double m = 0;
        for (int i = 0; i < h.spec().size(); i++) {
            double v = h.getDouble(i);
            if (Double.isFinite(v)) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    /** Every function of the table. */
    static List<Fn> all() {
        List<Fn> out = new ArrayList<>();
        reductions(out);
        shapes(out);
        indexing(out);
        creation(out);
        contractions(out);
        composites(out);
        return out;
    }

    /** The elementwise table's ops as functions of arrays of one dtype (weak scalars are closed over). */
    static Fn elementwise(Op op, DType t, int... shape) {
        List<Input> ins = new ArrayList<>();
        ins.add(new Input(t, op.first(), shape));
        if (op.arity() == 2) {
            ins.add(new Input(t, op.second(), shape));
        }
        return new Fn(op.name(), "", ins, a -> op.apply(a.toArray()), elementwise(op.name()));
    }

    private static void add(
            List<Fn> out, String op, String variant, List<Input> ins, Function<List<Array>, Array> f, RuleFor rule) {
        out.add(new Fn(op, variant, ins, f, rule));
    }

    private static void reductions(List<Fn> out) {
        for (DType t : List.of(DType.FLOAT32, DType.INT32)) {
            add(out, "sum", "all", List.of(in(t, 3, 4)), a -> Np.sum(a.get(0)), reduction("sum", 12));
            add(
                    out,
                    "sum",
                    "axis=1 keepdims",
                    List.of(in(t, 3, 4)),
                    a -> Np.sum(a.get(0), new int[] {1}, true),
                    reduction("sum", 4));
            add(out, "max", "axis=0", List.of(in(t, 3, 4)), a -> Np.max(a.get(0), 0), exact());
            add(out, "min", "all", List.of(in(t, 3, 4)), a -> Np.min(a.get(0)), exact());
            add(out, "argmax", "axis=1", List.of(in(t, 3, 4)), a -> Np.argmax(a.get(0), 1), exact());
            add(out, "argmin", "all", List.of(in(t, 3, 4)), a -> Np.argmin(a.get(0)), exact());
            add(out, "cumsum", "axis=1", List.of(in(t, 3, 4)), a -> Np.cumsum(a.get(0), 1), reduction("cumsum", 4));
            add(out, "cummax", "axis=0", List.of(in(t, 3, 4)), a -> Np.cummax(a.get(0), 0), exact());
        }
        DType f = DType.FLOAT64;
        add(out, "mean", "axis=0", List.of(in(f, 3, 4)), a -> Np.mean(a.get(0), 0), reduction("mean", 3));
        add(
                out,
                "prod",
                "axis=1",
                List.of(in(f, Domain.uniform(0.5, 1.5), 3, 4)),
                a -> Np.prod(a.get(0), 1),
                reduction("prod", 4));
        add(out, "var", "axis=1", List.of(in(f, 3, 4)), a -> Np.var(a.get(0), 1), reduction("var", 4));
        add(out, "std", "all", List.of(in(f, 3, 4)), a -> Np.std(a.get(0)), reduction("std", 12));
        add(
                out,
                "logSumExp",
                "axis=1",
                List.of(in(f, 3, 4)),
                a -> Np.logSumExp(a.get(0), 1),
                reduction("logSumExp", 4));
        add(
                out,
                "cumprod",
                "axis=0",
                List.of(in(f, Domain.uniform(0.5, 1.5), 3, 4)),
                a -> Np.cumprod(a.get(0), 0),
                reduction("cumprod", 3));
        add(out, "cummin", "axis=1", List.of(in(f, 3, 4)), a -> Np.cummin(a.get(0), 1), exact());
        add(out, "all", "axis=1", List.of(in(DType.BOOL, 3, 4)), a -> Np.all(a.get(0), 1), exact());
        add(out, "any", "all", List.of(in(DType.BOOL, 3, 4)), a -> Np.any(a.get(0)), exact());
    }

    private static void shapes(List<Fn> out) {
        for (DType t : List.of(DType.FLOAT32, DType.INT32)) {
            add(
                    out,
                    "reshape",
                    "(2,3,4) to (4,-1)",
                    List.of(in(t, 2, 3, 4)),
                    a -> Np.reshape(a.get(0), 4, -1),
                    exact());
            add(out, "ravel", "", List.of(in(t, 2, 3)), a -> Np.ravel(a.get(0)), exact());
            add(out, "transpose", "(2,0,1)", List.of(in(t, 2, 3, 4)), a -> Np.transpose(a.get(0), 2, 0, 1), exact());
            add(out, "swapaxes", "0,1", List.of(in(t, 2, 3)), a -> Np.swapaxes(a.get(0), 0, 1), exact());
            add(
                    out,
                    "broadcastTo",
                    "(3,1) to (2,3,4)",
                    List.of(in(t, 3, 1)),
                    a -> Np.broadcastTo(a.get(0), 2, 3, 4),
                    exact());
            add(
                    out,
                    "concatenate",
                    "axis=0",
                    List.of(in(t, 2, 3), in(t, 1, 3)),
                    a -> Np.concatenate(a.toArray(Array[]::new), 0),
                    exact());
            add(
                    out,
                    "stack",
                    "axis=-1",
                    List.of(in(t, 2, 3), in(t, 2, 3)),
                    a -> Np.stack(a.toArray(Array[]::new), -1),
                    exact());
            add(out, "flip", "all", List.of(in(t, 3, 4)), a -> Np.flip(a.get(0)), exact());
            add(
                    out,
                    "pad",
                    "(1,2),(0,1) with 7",
                    List.of(in(t, 2, 3)),
                    a -> Np.pad(a.get(0), new int[][] {{1, 2}, {0, 1}}, 7),
                    exact());
        }
        DType f = DType.FLOAT64;
        add(out, "moveaxis", "0 to -1", List.of(in(f, 2, 3, 4)), a -> Np.moveaxis(a.get(0), 0, -1), exact());
        add(out, "squeeze", "", List.of(in(f, 2, 1, 3)), a -> Np.squeeze(a.get(0)), exact());
        add(out, "expandDims", "axis=-1", List.of(in(f, 2, 3)), a -> Np.expandDims(a.get(0), -1), exact());
        add(out, "split", "3 along axis 1, last", List.of(in(f, 2, 6)), a -> Np.split(a.get(0), 3, 1)[2], exact());
        add(
                out,
                "splitAt",
                "[1] along axis 0, first",
                List.of(in(f, 3, 2)),
                a -> Np.splitAt(a.get(0), new int[] {1}, 0)[0],
                exact());
        add(out, "tile", "(2,2)", List.of(in(f, 2, 3)), a -> Np.tile(a.get(0), 2, 2), exact());
        add(out, "repeat", "3 along axis 0", List.of(in(f, 2, 3)), a -> Np.repeat(a.get(0), 3, 0), exact());
        add(
                out,
                "astype",
                "float64 to int32",
                List.of(in(f, Domain.uniform(-50, 50), 7)),
                a -> Np.astype(a.get(0), DType.INT32),
                exact());
        add(
                out,
                "astype",
                "int32 to float32",
                List.of(in(DType.INT32, 7)),
                a -> Np.astype(a.get(0), DType.FLOAT32),
                exact());
        add(
                out,
                "astype",
                "float32 to bool",
                List.of(in(DType.FLOAT32, FEW, 7)),
                a -> Np.astype(a.get(0), DType.BOOL),
                exact());
        add(
                out,
                "where",
                "bool, float32, float32",
                List.of(in(DType.BOOL, 2, 3), in(DType.FLOAT32, 2, 3), in(DType.FLOAT32, 2, 3)),
                a -> Np.where(a.get(0), a.get(1), a.get(2)),
                exact());
        add(
                out,
                "where",
                "bool, int32, scalar",
                List.of(in(DType.BOOL, 5), in(DType.INT32, 5)),
                a -> Np.where(a.get(0), a.get(1), -1),
                exact());
        add(out, "clip", "[-0.5, 0.5]", List.of(in(DType.FLOAT32, 9)), a -> Np.clip(a.get(0), -0.5, 0.5), exact());
    }

    private static void indexing(List<Fn> out) {
        Domain idx = Domain.uniform(-4, 3);
        for (DType t : List.of(DType.FLOAT32, DType.INT64)) {
            add(out, "get", "[1:, ::2]", List.of(in(t, 3, 5)), a -> a.get(0).get("1:, ::2"), exact());
            add(out, "get", "[-1, None, 1]", List.of(in(t, 3, 5)), a -> a.get(0).get("-1, None, 1"), exact());
            add(
                    out,
                    "take",
                    "indices input, axis=1",
                    List.of(in(t, 3, 4), in(DType.INT32, idx, 5)),
                    a -> Np.take(a.get(0), a.get(1), 1),
                    exact());
            add(
                    out,
                    "takeAlongAxis",
                    "axis=0",
                    List.of(in(t, 4, 3), in(DType.INT32, idx, 2, 3)),
                    a -> Np.takeAlongAxis(a.get(0), a.get(1), 0),
                    exact());
            add(
                    out,
                    "dynamicSlice",
                    "starts input",
                    List.of(
                            in(t, 5, 4),
                            in(DType.INT32, Domain.uniform(-6, 6)),
                            in(DType.INT32, Domain.uniform(-6, 6))),
                    a -> Lax.dynamicSlice(a.get(0), new Array[] {a.get(1), a.get(2)}, 2, 3),
                    exact());
            add(
                    out,
                    "dynamicUpdateSlice",
                    "starts input",
                    List.of(
                            in(t, 5, 4),
                            in(t, 2, 2),
                            in(DType.INT32, Domain.uniform(-6, 6)),
                            in(DType.INT32, Domain.uniform(-6, 6))),
                    a -> Lax.dynamicUpdateSlice(a.get(0), a.get(1), a.get(2), a.get(3)),
                    exact());
        }
        add(
                out,
                "oneHot",
                "4 classes",
                List.of(in(DType.INT32, Domain.uniform(-1, 4), 6)),
                a -> Np.oneHot(a.get(0), 4),
                exact());
        add(
                out,
                "take",
                "flat",
                List.of(in(DType.FLOAT64, 2, 3), in(DType.INT32, Domain.uniform(0, 5), 4)),
                a -> Np.take(a.get(0), a.get(1)),
                exact());
    }

    private static void creation(List<Fn> out) {
        add(out, "arange", "plus input", List.of(in(DType.INT32, 5)), a -> Np.add(Np.arange(5), a.get(0)), exact());
        add(
                out,
                "zerosLike",
                "plus 2",
                List.of(in(DType.FLOAT32, 2, 3)),
                a -> Np.add(Np.zerosLike(a.get(0)), 2),
                exact());
        add(
                out,
                "eye",
                "times input",
                List.of(in(DType.FLOAT64, 3, 3)),
                a -> Np.multiply(Np.eye(3), a.get(0)),
                exact());
        add(
                out,
                "full",
                "where input positive",
                List.of(in(DType.FLOAT32, 6)),
                a -> Np.where(Np.greater(a.get(0), 0), Np.full(DType.FLOAT32, 4.5, 6), a.get(0)),
                exact());
    }

    private static void contractions(List<Fn> out) {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32)) {
            add(
                    out,
                    "matmul",
                    "(3,4)@(4,5)",
                    List.of(in(t, 3, 4), in(t, 4, 5)),
                    a -> Np.matmul(a.get(0), a.get(1)),
                    contraction(4));
        }
        DType f = DType.FLOAT32;
        add(
                out,
                "matmul",
                "(2,3,4)@(4,2)",
                List.of(in(f, 2, 3, 4), in(f, 4, 2)),
                a -> Np.matmul(a.get(0), a.get(1)),
                contraction(4));
        add(
                out,
                "matmul",
                "(4,)@(4,3)",
                List.of(in(f, 4), in(f, 4, 3)),
                a -> Np.matmul(a.get(0), a.get(1)),
                contraction(4));
        add(
                out,
                "matmul",
                "(3,4)@(4,)",
                List.of(in(f, 3, 4), in(f, 4)),
                a -> Np.matmul(a.get(0), a.get(1)),
                contraction(4));
        add(out, "dot", "(5,).(5,)", List.of(in(f, 5), in(f, 5)), a -> Np.dot(a.get(0), a.get(1)), contraction(5));
        add(out, "outer", "(3,) (4,)", List.of(in(f, 3), in(f, 4)), a -> Np.outer(a.get(0), a.get(1)), contraction(1));
        add(
                out,
                "einsum",
                "ij,jk->ki",
                List.of(in(f, 2, 3), in(f, 3, 4)),
                a -> Np.einsum("ij,jk->ki", a.get(0), a.get(1)),
                contraction(3));
        add(out, "einsum", "ii->i", List.of(in(f, 4, 4)), a -> Np.einsum("ii->i", a.get(0)), exact());
        add(
                out,
                "einsum",
                "bij,bjk->bik",
                List.of(in(f, 2, 3, 4), in(f, 2, 4, 2)),
                a -> Np.einsum("bij,bjk->bik", a.get(0), a.get(1)),
                contraction(4));
    }

    private static void composites(List<Fn> out) {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            add(
                    out,
                    "softmax",
                    "axis=-1",
                    List.of(in(t, Domain.uniform(-3, 3), 3, 5)),
                    a -> Differentiable.softmax(a.get(0)),
                    composite());
            add(
                    out,
                    "layerNorm",
                    "",
                    List.of(in(t, 3, 6), in(t, 6), in(t, 6)),
                    a -> Differentiable.layerNorm(a.get(0), a.get(1), a.get(2)),
                    composite());
            add(
                    out,
                    "mlpLoss",
                    "",
                    List.of(in(t, 3, 4), in(t, 4), in(t, 4, 2), in(t, 2)),
                    a -> Differentiable.mlpLoss(new Differentiable.Mlp(a.get(0), a.get(1), a.get(2), a.get(3))),
                    composite());
        }
        add(
                out,
                "sigmoid",
                "of a sum",
                List.of(in(DType.FLOAT32, 4, 3)),
                a -> Np.sigmoid(Np.sum(a.get(0), 1)),
                composite());
    }
}
