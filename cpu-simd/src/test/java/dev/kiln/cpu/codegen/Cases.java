package dev.kiln.cpu.codegen;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Program;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Functions whose fused kernels the code generator is tested on, at the sizes that hit every tail. */
final class Cases {
    private Cases() {}

    /** Vector tails (16 floats, 8 doubles a vector), one vector, several, and a block boundary (4096). */
    static final int[] ODD_SIZES = {1, 7, 8, 13, 31, 127, 128, 129, 1023, 4097};

    /** A function on arrays of the given specs; {@code generated}: every kernel of it must be generated. */
    record Case(String name, List<ArraySpec> inputs, Function<List<Array>, List<Array>> f, boolean generated) {
        @Override
        public String toString() {
            return name + " " + inputs.stream().map(ArraySpec::toString).toList();
        }
    }

    static ArraySpec f32(int... shape) {
        return ArraySpec.of(DType.FLOAT32, shape);
    }

    static ArraySpec f64(int... shape) {
        return ArraySpec.of(DType.FLOAT64, shape);
    }

    static Array softmax(Array x) {
        Array m = Np.max(x, new int[] {1}, true);
        Array e = Np.exp(x.subtract(m));
        return e.divide(Np.sum(e, new int[] {1}, true));
    }

    static Array layerNorm(Array x) {
        Array mean = Np.mean(x, new int[] {1}, true);
        Array var = Np.var(x, new int[] {1}, true);
        return x.subtract(mean).divide(Np.sqrt(var.add(1e-5)));
    }

    private static Case c(String name, Function<List<Array>, List<Array>> f, ArraySpec... in) {
        return new Case(name, List.of(in), f, true);
    }

    /** Every case at size {@code n}. */
    static List<Case> all(int n) {
        List<Case> cs = new ArrayList<>();
        cs.add(c(
                "sum(x + y*z)",
                a -> List.of(Np.sum(a.get(0).add(a.get(1).multiply(a.get(2))))),
                f32(n),
                f32(n),
                f32(n)));
        cs.add(c(
                "tanh(x + y*z) * 0.5 + x",
                a -> List.of(Np.tanh(a.get(0).add(a.get(1).multiply(a.get(2))))
                        .multiply(0.5)
                        .add(a.get(0))),
                f32(n),
                f32(n),
                f32(n)));
        cs.add(c("softmax rows f32", a -> List.of(softmax(a.get(0))), f32(3, n)));
        cs.add(c("softmax rows f64", a -> List.of(softmax(a.get(0))), f64(3, n)));
        cs.add(c("layer norm f32", a -> List.of(layerNorm(a.get(0))), f32(3, n)));
        cs.add(c("layer norm f64", a -> List.of(layerNorm(a.get(0))), f64(2, n)));
        cs.add(c(
                "sqrt(sum(x*x, 0)) narrow",
                a -> List.of(Np.sqrt(Np.sum(a.get(0).multiply(a.get(0)), 0)).multiply(2)),
                f32(n, 3)));
        cs.add(c(
                "sum over the leading axis, wide",
                a -> List.of(Np.sum(Np.exp(a.get(0)), 0), Np.max(a.get(0), 0)),
                f32(5, n)));
        cs.add(c("sum over the middle axis", a -> List.of(Np.sum(a.get(0), 1).multiply(3)), f32(4, n, 5)));
        cs.add(c(
                "sum over the outer and inner axes",
                a -> List.of(Np.sum(a.get(0), new int[] {0, 2}, false)),
                f64(3, n, 5)));
        cs.add(c(
                "sums of short rows, vectorised across rows",
                a -> List.of(Np.log(Np.sum(Np.exp(a.get(0)), 1)), Np.max(a.get(0), 1), Np.exp(a.get(0))),
                f32(n, 3)));
        cs.add(c(
                "max and min of rows",
                a -> List.of(Np.max(a.get(0), 1), Np.min(a.get(0).multiply(a.get(0)), 1)),
                f32(5, n)));
        cs.add(c("bias across rows", a -> List.of(Np.exp(a.get(0).add(a.get(1)))), f32(n, 5), f32(5)));
        cs.add(c("bias down columns", a -> List.of(a.get(0).multiply(a.get(1)).subtract(1)), f32(5, n), f32(5, 1)));
        cs.add(c(
                "transposed operand",
                a -> List.of(Np.transpose(a.get(0)).multiply(2).add(a.get(1))),
                f32(7, n),
                f32(n, 7)));
        cs.add(c("flipped operand", a -> List.of(Np.flip(a.get(0), 0).add(a.get(1))), f32(n), f32(n)));
        cs.add(c("strided slice", a -> List.of(Np.sum(a.get(0).get("::2").multiply(3))), f64(2 * n + 1)));
        cs.add(c(
                "mixed precision",
                a -> List.of(a.get(0)
                        .astype(DType.FLOAT64)
                        .add(a.get(1))
                        .astype(DType.FLOAT32)
                        .multiply(a.get(0))),
                f32(4, n),
                f64(n)));
        cs.add(c(
                "where and comparisons",
                a -> {
                    Array x = a.get(0);
                    Array y = a.get(1);
                    return List.of(
                            Np.where(Np.greater(x, y), x, y.multiply(2))
                                    .add(Np.equal(x, y).astype(DType.FLOAT32)),
                            Np.lessEqual(x, 0.5),
                            Np.logicalAnd(Np.greater(x, 0), Np.less(y, 0)));
                },
                f32(n),
                f32(n)));
        cs.add(c(
                "bool operand",
                a -> List.of(
                        Np.where(a.get(0), a.get(1), a.get(1).multiply(2)),
                        Np.logicalNot(a.get(0)),
                        Np.logicalOr(a.get(0), Np.greater(a.get(1), 0)).astype(DType.FLOAT32)),
                ArraySpec.of(DType.BOOL, 3, n),
                f32(3, n)));
        cs.add(c(
                "column sum of a transposed operand",
                a -> List.of(Np.sum(Np.transpose(a.get(0)).multiply(2), 0)),
                f32(n, 9)));
        cs.add(c(
                "rounding f32",
                a -> List.of(
                        Np.floor(a.get(0).multiply(3)),
                        Np.ceil(a.get(0).multiply(3)),
                        Np.round(a.get(0).multiply(2.5)),
                        Np.sign(a.get(0).subtract(Np.floor(a.get(0))))),
                f32(n)));
        cs.add(c(
                "rounding f64",
                a -> List.of(
                        Np.floor(a.get(0).multiply(1e17)),
                        Np.ceil(a.get(0).multiply(-3)),
                        Np.round(a.get(0).multiply(0.5)),
                        Np.sign(a.get(0))),
                f64(2, n)));
        cs.add(c(
                "bool comparisons and a bool-only kernel",
                a -> {
                    Array p = Np.greater(a.get(0), 0);
                    Array q = Np.less(a.get(1), 0.5);
                    return List.of(
                            Np.less(p, q), Np.greaterEqual(p, q), Np.logicalXor(Np.logicalNot(a.get(2)), a.get(3)));
                },
                f32(n),
                f32(n),
                ArraySpec.of(DType.BOOL, n),
                ArraySpec.of(DType.BOOL, n)));
        cs.add(c(
                "transposed bool operand",
                a -> List.of(Np.where(Np.transpose(a.get(0)), a.get(1), 0), Np.transpose(Np.greater(a.get(1), 0))),
                ArraySpec.of(DType.BOOL, 3, n),
                f32(n, 3)));
        cs.add(c(
                "int32 data read as floats",
                a -> List.of(
                        Np.exp(a.get(0).astype(DType.FLOAT32)).add(a.get(1)),
                        Np.sum(a.get(0).astype(DType.FLOAT64), 0)),
                ArraySpec.of(DType.INT32, 4, n),
                f32(n)));
        cs.add(c("iota", a -> List.of(a.get(0).add(Np.arange(n).astype(DType.FLOAT32))), f32(3, n)));
        cs.add(c(
                "one-hot of int32 labels",
                a -> List.of(Np.sum(Np.oneHot(a.get(0), 5).multiply(a.get(1)), 1)),
                ArraySpec.of(DType.INT32, n),
                f32(n, 5)));
        cs.add(c(
                "int32 compares, with literals, iota and bool conversion",
                a -> List.of(
                        Np.where(Np.greater(a.get(0), 3), a.get(1), 0),
                        Np.less(a.get(0), a.get(2)),
                        a.get(0).astype(DType.BOOL),
                        Np.logicalAnd(Np.greaterEqual(a.get(2), Np.arange(n)), Np.notEqual(a.get(0), -4))),
                ArraySpec.of(DType.INT32, n),
                f32(n),
                ArraySpec.of(DType.INT32, n)));
        cs.add(c(
                "int32 compares f64",
                a -> List.of(
                        Np.where(Np.equal(a.get(0), a.get(2)), a.get(1), 1.5),
                        Np.sum(Np.oneHot(a.get(0), 3, DType.FLOAT64), 0)),
                ArraySpec.of(DType.INT32, n),
                f64(n),
                ArraySpec.of(DType.INT32, n)));
        cs.add(c(
                "unary zoo f32",
                a -> {
                    Array x = a.get(0);
                    return List.of(
                            Np.sigmoid(x).add(Np.rsqrt(Np.abs(x).add(1))),
                            Np.log1p(Np.abs(x)).multiply(Np.expm1(x)),
                            Np.exp2(x).subtract(Np.negative(Np.sin(x))).add(Np.cos(x)),
                            Np.arctan2(x, a.get(1)),
                            Np.power(Np.abs(x), a.get(1)),
                            Np.isfinite(Np.log(x)));
                },
                f32(n),
                f32(n)));
        cs.add(c(
                "unary zoo f64",
                a -> {
                    Array x = a.get(0);
                    return List.of(
                            Np.sigmoid(x).add(Np.rsqrt(Np.abs(x).add(1))),
                            Np.log1p(Np.abs(x)).multiply(Np.expm1(x)),
                            Np.tanh(x).add(Np.cbrt(x)).add(Np.arctan(x)),
                            Np.maximum(x, a.get(1)),
                            Np.minimum(x, 0.25));
                },
                f64(n),
                f64(n)));
        cs.add(c(
                "tanh(x @ w + b)",
                a -> List.of(Np.tanh(Np.matmul(a.get(0), a.get(1)).add(a.get(2)))),
                f32(n, 13),
                f32(13, 5),
                f32(5)));
        cs.add(c("plain matmul", a -> List.of(Np.matmul(a.get(0), a.get(1))), f32(3, n), f32(n, 4)));
        cs.add(c(
                "relu(batched matmul * 0.5) f64",
                a -> List.of(Np.maximum(Np.matmul(a.get(0), a.get(1)).multiply(0.5), 0)),
                f64(2, 3, n),
                f64(2, n, 5)));
        cs.add(c(
                "transposed product, scaled and shifted",
                a -> List.of(Np.transpose(Np.matmul(a.get(0), a.get(1)))
                        .multiply(0.5)
                        .add(a.get(2))),
                f32(n, 7),
                f32(7, 9),
                f32(9, n)));
        cs.add(c(
                "transposed product alone",
                a -> List.of(Np.transpose(Np.matmul(a.get(0), a.get(1)))),
                f32(5, n),
                f32(n, 6)));
        cs.add(c(
                "batched transposed product f64",
                a -> List.of(
                        Np.transpose(Np.matmul(a.get(0), a.get(1)), 0, 2, 1).subtract(1)),
                f64(2, 3, n),
                f64(2, n, 5)));
        cs.add(c(
                "product and its tanh",
                a -> {
                    Array p = Np.matmul(a.get(0), a.get(1));
                    return List.of(p, Np.tanh(p));
                },
                f32(4, n),
                f32(n, 3)));
        if (n == 129) {
            // two row blocks, two k panels, two column chunks of the matmul, with edge tiles
            cs.add(c(
                    "tanh(x @ w + b) over several matmul blocks",
                    a -> List.of(Np.tanh(Np.matmul(a.get(0), a.get(1)).add(a.get(2)))),
                    f32(n, 530),
                    f32(530, 300),
                    f32(300)));
            cs.add(c(
                    "w - (x.T @ d).T * 0.01 over several matmul blocks",
                    a -> List.of(a.get(2)
                            .subtract(Np.transpose(Lax.dotGeneral(
                                            a.get(0), a.get(1), new int[] {0}, new int[] {0}, new int[0], new int[0]))
                                    .multiply(0.01))),
                    f32(n, 300),
                    f32(n, 270),
                    f32(270, 300)));
            cs.add(c(
                    "relu(x @ w) f64 over several matmul blocks",
                    a -> List.of(Np.maximum(Np.matmul(a.get(0), a.get(1)), 0)),
                    f64(n, 300),
                    f64(300, 140)));
        }
        cs.add(c(
                "intermediate also an output",
                a -> {
                    Array e = Np.exp(a.get(0));
                    return List.of(e, Np.sum(e, 1), e.multiply(2));
                },
                f32(4, n)));
        cs.add(c("0-d", a -> List.of(Np.exp(a.get(0)).multiply(a.get(1)).add(1), Np.sum(a.get(0))), f32(), f32()));
        return cs;
    }

    /** The fused kernels the planner makes of a case. */
    static List<FusedKernel> kernels(Case c) {
        Program p = Kiln.withBackend("reference", () -> Kiln.makeProgram(c.f()).apply(arrays(inputs(c.inputs(), 0))));
        return plan(p);
    }

    /** The planner's kernels of a program (its package is not exported; tests run on the class path). */
    @SuppressWarnings("unchecked")
    static List<FusedKernel> plan(Program p) {
        try {
            Object plan = Class.forName("dev.kiln.internal.fusion.FusionPlanner")
                    .getMethod("plan", Program.class)
                    .invoke(null, p);
            return (List<FusedKernel>) plan.getClass().getMethod("kernels").invoke(plan);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The planner's row groups of a program. */
    static List<KernelGroup> groups(Program p) {
        try {
            Object plan = Class.forName("dev.kiln.internal.fusion.FusionPlanner")
                    .getMethod("plan", Program.class)
                    .invoke(null, p);
            List<KernelGroup> out = new ArrayList<>();
            for (Object step : (List<?>) plan.getClass().getMethod("steps").invoke(plan)) {
                if (step.getClass().getSimpleName().equals("GroupStep")) {
                    var m = step.getClass().getMethod("group");
                    m.setAccessible(true);
                    out.add((KernelGroup) m.invoke(step));
                }
            }
            return out;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seeded data: floats in [-2, 2], bools at random, integers in [-20, 20]. */
    static List<HostBuffer> inputs(List<ArraySpec> specs, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 7919 + specs.hashCode());
        List<HostBuffer> out = new ArrayList<>();
        for (ArraySpec s : specs) {
            HostBuffer h = HostBuffer.allocate(s);
            for (int i = 0; i < s.size(); i++) {
                switch (s.dtype()) {
                    case FLOAT32 -> h.floats()[i] = (float) (r.nextDouble() * 4 - 2);
                    case FLOAT64 -> h.doubles()[i] = r.nextDouble() * 4 - 2;
                    case BOOL -> h.bools()[i] = r.nextBoolean();
                    case INT32, UINT32 -> h.ints()[i] = r.nextInt(41) - 20;
                    case INT64 -> h.longs()[i] = r.nextInt(41) - 20;
                }
            }
            out.add(h);
        }
        return out;
    }

    static List<Array> arrays(List<HostBuffer> hosts) {
        List<Array> out = new ArrayList<>();
        for (HostBuffer h : hosts) {
            int[] shape = h.spec().shape();
            Array x =
                    switch (h.spec().dtype()) {
                        case FLOAT32 -> Np.array(h.floats().clone(), shape);
                        case FLOAT64 -> Np.array(h.doubles().clone(), shape);
                        case BOOL -> Np.array(h.bools().clone(), shape);
                        case INT32 -> Np.array(h.ints().clone(), shape);
                        default -> throw new IllegalArgumentException(h.spec().toString());
                    };
            out.add(shape.length == 0 ? Np.reshape(x) : x);
        }
        return out;
    }
}
