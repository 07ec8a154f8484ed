package dev.kiln.fusion;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Functions whose plans the fusion tests look at, with the inputs they are run on. */
final class Patterns {
    private Patterns() {}

    record Pattern(String name, List<ArraySpec> inputs, Function<List<Array>, List<Array>> f) {
        @Override
        public String toString() {
            return name;
        }
    }

    static ArraySpec f32(int... shape) {
        return ArraySpec.of(DType.FLOAT32, shape);
    }

    static ArraySpec f64(int... shape) {
        return ArraySpec.of(DType.FLOAT64, shape);
    }

    static ArraySpec i32(int... shape) {
        return ArraySpec.of(DType.INT32, shape);
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

    static List<Pattern> all() {
        List<Pattern> p = new ArrayList<>();
        p.add(new Pattern(
                "tanh(x + y*z) * 0.5 + x",
                List.of(f32(7, 13), f32(7, 13), f32(7, 13)),
                a -> List.of(Np.tanh(a.get(0).add(a.get(1).multiply(a.get(2))))
                        .multiply(0.5)
                        .add(a.get(0)))));
        p.add(new Pattern(
                "sum(x + y*z)",
                List.of(f32(31, 33), f32(31, 33), f32(31, 33)),
                a -> List.of(Np.sum(a.get(0).add(a.get(1).multiply(a.get(2)))))));
        p.add(new Pattern("softmax rows", List.of(f32(13, 17)), a -> List.of(softmax(a.get(0)))));
        p.add(new Pattern("softmax rows float64", List.of(f64(5, 129)), a -> List.of(softmax(a.get(0)))));
        p.add(new Pattern("layer norm", List.of(f32(9, 31)), a -> List.of(layerNorm(a.get(0)))));
        p.add(new Pattern(
                "tanh(x @ w + b)",
                List.of(f32(7, 13), f32(13, 5), f32(5)),
                a -> List.of(Np.tanh(Np.matmul(a.get(0), a.get(1)).add(a.get(2))))));
        p.add(new Pattern(
                "relu(batched matmul * 0.5)",
                List.of(f32(2, 3, 4), f32(2, 4, 5)),
                a -> List.of(Np.maximum(Np.matmul(a.get(0), a.get(1)).multiply(0.5), 0))));
        p.add(new Pattern("matmul result used twice", List.of(f64(3, 4), f64(4, 6)), a -> {
            Array d = Np.matmul(a.get(0), a.get(1));
            return List.of(d, Np.sum(Np.exp(d), 1));
        }));
        p.add(new Pattern(
                "x.T @ y",
                List.of(f32(6, 3), f32(6, 4)),
                a -> List.of(Np.matmul(Np.transpose(a.get(0)), a.get(1)).add(1))));
        p.add(new Pattern(
                "sum of a flipped, transposed, strided view",
                List.of(f32(6, 9)),
                a -> List.of(
                        Np.sum(Np.flip(Np.transpose(a.get(0)), 0).get("::2, 1:").multiply(3), 0))));
        p.add(new Pattern(
                "reshape between elementwise ops",
                List.of(f32(4, 6), f32(3, 8)),
                a -> List.of(Np.reshape(Np.sin(a.get(0)), 3, 8).add(a.get(1)).multiply(2))));
        p.add(new Pattern(
                "transpose then flatten",
                List.of(f32(4, 5)),
                a -> List.of(
                        Np.reshape(Np.transpose(a.get(0)), 20).add(Np.arange(20).astype(DType.FLOAT32)))));
        p.add(new Pattern("iota and where", List.of(f32(5, 7)), a -> {
            Array i = Np.arange(7);
            return List.of(
                    Np.where(Np.greater(i, 3), a.get(0), Np.negative(a.get(0))).add(i.astype(DType.FLOAT32)));
        }));
        p.add(new Pattern(
                "reduce over the leading axis, then epilogue",
                List.of(f32(33, 7)),
                a -> List.of(Np.sqrt(Np.sum(Np.square(a.get(0)), 0)).multiply(2))));
        p.add(new Pattern(
                "sibling reductions",
                List.of(f32(11, 9)),
                a -> List.of(Np.sum(a.get(0), 1), Np.max(a.get(0), 1), Np.min(a.get(0), 1))));
        p.add(new Pattern("mean of squares minus square of mean", List.of(f64(8, 16)), a -> {
            Array m = Np.mean(a.get(0), 1);
            return List.of(Np.mean(Np.square(a.get(0)), 1).subtract(m.multiply(m)));
        }));
        p.add(new Pattern("logSumExp", List.of(f32(6, 10)), a -> List.of(Np.logSumExp(a.get(0), 1))));
        p.add(new Pattern(
                "cumsum between kernels",
                List.of(f32(5, 6)),
                a -> List.of(Np.cumsum(a.get(0).multiply(2), 1).add(1))));
        p.add(new Pattern("exp read by a reduction and a cumsum", List.of(f32(5, 6)), a -> {
            Array e = Np.exp(a.get(0));
            return List.of(Np.sum(e, 1), Np.cumsum(e, 0));
        }));
        p.add(new Pattern(
                "expensive value through a broadcast",
                List.of(f32(40, 5), f32(5)),
                a -> List.of(a.get(0).multiply(Np.exp(a.get(1))))));
        p.add(new Pattern(
                "cheap value through a broadcast",
                List.of(f32(40, 5), f32(5)),
                a -> List.of(a.get(0).multiply(a.get(1).multiply(2).add(1)))));
        p.add(new Pattern("cheap value shared by two reductions", List.of(f32(6, 7), f32(6, 7)), a -> {
            Array s = a.get(0).add(a.get(1));
            return List.of(Np.sum(s, 0), Np.sum(s, 1));
        }));
        p.add(new Pattern("intermediate also an output", List.of(f32(4, 9)), a -> {
            Array e = Np.exp(a.get(0));
            return List.of(e, Np.sum(e, 1), e.multiply(2));
        }));
        p.add(new Pattern(
                "int32 arithmetic",
                List.of(i32(6, 5), i32(5)),
                a -> List.of(
                        Np.maximum(a.get(0).multiply(3).add(a.get(1)), 0),
                        Np.sum(a.get(0).multiply(a.get(0)), 0))));
        p.add(new Pattern("int32 matmul and comparisons", List.of(i32(3, 4), i32(4, 2)), a -> {
            Array d = Np.matmul(a.get(0), a.get(1));
            return List.of(Np.where(Np.greater(d, 0), d, d.multiply(-2)));
        }));
        p.add(new Pattern(
                "mixed precision",
                List.of(f32(4, 5), f64(5)),
                a -> List.of(a.get(0)
                        .astype(DType.FLOAT64)
                        .add(a.get(1))
                        .astype(DType.FLOAT32)
                        .multiply(a.get(0)))));
        p.add(new Pattern(
                "0-d arrays",
                List.of(f32(), f32()),
                a -> List.of(Np.exp(a.get(0)).multiply(a.get(1)).add(1), Np.sum(a.get(0)))));
        p.add(new Pattern(
                "empty arrays",
                List.of(f32(0, 3), f32(3)),
                a -> List.of(a.get(0).add(a.get(1)).multiply(2), Np.sum(a.get(0), 0))));
        p.add(new Pattern(
                "cond inside",
                List.of(f32(4, 3)),
                a -> List.of(Lax.cond(
                                Np.greater(Np.sum(a.get(0)), 0),
                                x -> Np.sin(x).multiply(x),
                                x -> x.multiply(3),
                                a.get(0))
                        .add(1))));
        p.add(new Pattern(
                "forLoop inside",
                List.of(f32(3, 3)),
                a -> List.of(Lax.forLoop(
                        0, 3, (i, x) -> Np.tanh(Np.matmul(x, a.get(0))).add(i.astype(DType.FLOAT32)), a.get(0)))));
        p.add(new Pattern("gradient of a small MLP", List.of(f32(4, 3), f32(3, 5), f32(5)), a -> {
            Function<List<Array>, Array> loss =
                    w -> Np.sum(Np.square(Np.tanh(Np.matmul(a.get(0), w.get(0)).add(w.get(1)))));
            return Kiln.grad(loss).apply(List.of(a.get(1), a.get(2)));
        }));
        p.add(new Pattern("gradient of a mean", List.of(f32(6, 3), f32(3, 4), f32(4)), a -> {
            // the count's reciprocal is arithmetic on literals alone (convert, reshape, div)
            Function<List<Array>, Array> loss =
                    w -> Np.mean(Np.square(Np.matmul(a.get(0), w.get(0)).add(w.get(1))));
            return Kiln.grad(loss).apply(List.of(a.get(1), a.get(2)));
        }));
        p.add(new Pattern("literal arithmetic", List.of(f64(5, 3), i32(5)), a -> {
            // values known from literals alone, through shape changes, exact arithmetic and a
            // convert (folded), and an integer division (left to the backend)
            Array third = Np.divide(
                    Np.full(DType.FLOAT64, 1, 1, 1), Np.full(DType.FLOAT32, 3).astype(DType.FLOAT64));
            Array k = Np.maximum(Np.negative(Np.transpose(third)), Np.full(DType.FLOAT64, -0.25));
            Array q = Np.floorDivide(Np.full(DType.INT32, 7, 5), Np.full(DType.INT32, -2));
            return List.of(a.get(0).multiply(k).add(third), a.get(1).add(q));
        }));
        p.add(new Pattern("arithmetic read at two views", List.of(f32(6, 6), f32(6, 6)), a -> {
            Array x = a.get(0).multiply(a.get(1));
            return List.of(x.add(Np.transpose(x)));
        }));
        p.add(new Pattern(
                "sorting network",
                List.of(f32(37)),
                a -> List.of(Np.take(a.get(0), dev.kiln.Random.permutation(dev.kiln.Random.key(3), 37)))));
        p.add(new Pattern(
                "vmap of a row function",
                List.of(f32(5, 8)),
                a -> List.of(
                        Kiln.vmap((Array r) -> softmax(Np.reshape(r, 1, 8))).apply(a.get(0)))));
        return p;
    }

    /** Seeded inputs for a pattern: floats in [-2, 2], integers in [-20, 20]. */
    static List<HostBuffer> inputs(Pattern p, long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ p.name().hashCode());
        List<HostBuffer> out = new ArrayList<>();
        for (ArraySpec s : p.inputs()) {
            HostBuffer h = HostBuffer.allocate(s);
            for (int i = 0; i < s.size(); i++) {
                switch (s.dtype()) {
                    case FLOAT32 -> h.floats()[i] = (float) (r.nextDouble() * 4 - 2);
                    case FLOAT64 -> h.doubles()[i] = r.nextDouble() * 4 - 2;
                    case INT32 -> h.ints()[i] = r.nextInt(41) - 20;
                    default -> throw new IllegalArgumentException(s.toString());
                }
            }
            out.add(h);
        }
        return out;
    }

    /** Host data as arrays on the current backend (copies, so no run shares another's buffers). */
    static List<Array> arrays(List<HostBuffer> hosts) {
        List<Array> out = new ArrayList<>();
        for (HostBuffer h : hosts) {
            int[] shape = h.spec().shape();
            Array x =
                    switch (h.spec().dtype()) {
                        case FLOAT32 -> Np.array(h.floats().clone(), shape);
                        case FLOAT64 -> Np.array(h.doubles().clone(), shape);
                        case INT32 -> Np.array(h.ints().clone(), shape);
                        default -> throw new IllegalArgumentException(h.spec().toString());
                    };
            // an empty shape means "1-d" to Np.array; 0-d inputs are reshaped to ()
            out.add(shape.length == 0 ? Np.reshape(x) : x);
        }
        return out;
    }
}
