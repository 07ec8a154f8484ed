package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The differentiable functions the transformation families check: every differentiable primitive
 * reached through its {@code Np} (or {@code Lax}) function, plus composites (softmax cross-entropy,
 * layer norm, a small MLP loss). Each has the shapes of its inputs and a sampler that keeps inputs
 * inside the function's domain and at least 0.1 away from its kinks, so that central differences
 * with a step of 10^-3 never straddle one.
 *
 * <p>{@code conformance/scripts/make_goldens.py} has the same table (same keys, shapes and samplers)
 * with the JAX version of each function; its {@code derivatives.txt} holds JAX's gradients, JVPs
 * and Hessian-vector products of them. The functions work in the dtype of their inputs.
 */
final class Differentiable {
    private Differentiable() {}

    /** Draws the inputs (as doubles, row-major) of a function for the given input shapes. */
    @FunctionalInterface
    interface Sampler {
        double[][] sample(SplittableRandom r, int[][] shapes);
    }

    /**
     * One function. {@code op} is the support-matrix row ({@code "tanh"}, {@code "sum"}), {@code
     * variant} what distinguishes entries of one op ({@code "axis=1"}); {@link #key()} names it in
     * the golden file.
     */
    record Fn(String op, String variant, int[][] shapes, Sampler sampler, Function<List<Array>, Array> f) {
        String key() {
            return variant.isEmpty() ? op : op + " " + variant;
        }

        Array apply(List<Array> xs) {
            return f.apply(xs);
        }

        /** Inputs of {@code dtype} drawn with a generator seeded from the key and {@code salt}. */
        List<HostBuffer> inputs(DType dtype, String salt) {
            double[][] v = sampler.sample(new Gen(key() + "|" + salt).random(), shapes);
            List<HostBuffer> out = new ArrayList<>(v.length);
            for (int i = 0; i < v.length; i++) {
                out.add(Host.of(dtype, shapes[i], v[i]));
            }
            return out;
        }

        /** The host value of the function on the current backend. */
        HostBuffer value(List<HostBuffer> xs) {
            return f.apply(arrays(xs)).toHost();
        }
    }

    private static final Map<String, Fn> TABLE = new LinkedHashMap<>();

    /** Every function: this table's rows, then the elementwise ops whose {@link Ops.Op#gradAt()} is set. */
    static List<Fn> all() {
        return Collections.unmodifiableList(new ArrayList<>(WithOps.ALL.values()));
    }

    static Fn get(String key) {
        return WithOps.ALL.get(key);
    }

    /**
     * The table joined with the op table's differentiable rows, built on first use: {@link Ops}
     * refers to this class's samplers in its own initializer, so the join cannot happen in ours.
     */
    private static final class WithOps {
        static final Map<String, Fn> ALL = join();

        private static Map<String, Fn> join() {
            Map<String, Fn> all = new LinkedHashMap<>(TABLE);
            for (Ops.Op op : Ops.all()) {
                if (op.gradAt() == null) {
                    continue;
                }
                int[][] shapes = op.arity() == 1 ? new int[][] {S} : new int[][] {S, S};
                Fn fn = new Fn(op.name(), "", shapes, op.gradAt(), a -> op.apply(a.toArray()));
                if (all.put(fn.key(), fn) != null) {
                    throw new IllegalStateException("differentiable function " + fn.key()
                            + " is both in Differentiable and marked with gradAt in Ops; keep one");
                }
            }
            return all;
        }
    }

    /** Host buffers as arrays on the current backend. */
    static List<Array> arrays(List<HostBuffer> hs) {
        List<Array> out = new ArrayList<>(hs.size());
        for (HostBuffer h : hs) {
            out.add(Host.array(h));
        }
        return out;
    }

    // ---------------------------------------------------------------- samplers (mirrored in make_goldens.py)

    /** Every input uniform in {@code [lo, hi]}. */
    static Sampler uniform(double lo, double hi) {
        return (r, shapes) -> each(shapes, (n, i) -> lo + (hi - lo) * r.nextDouble());
    }

    /** Magnitudes uniform in {@code [lo, hi]}, random signs: away from zero. */
    static Sampler signed(double lo, double hi) {
        return (r, shapes) -> each(shapes, (n, i) -> (r.nextBoolean() ? 1 : -1) * (lo + (hi - lo) * r.nextDouble()));
    }

    /** An integer in [-2, 2] plus a fraction in {@code [lo, hi]}: away from the jumps of floor, ceil, round. */
    static Sampler offGrid(double lo, double hi) {
        return (r, shapes) -> each(shapes, (n, i) -> (r.nextInt(5) - 2) + lo + (hi - lo) * r.nextDouble());
    }

    /** Values at least 0.2 apart in random order: no ties for max, min and their cumulative forms. */
    static Sampler distinct() {
        return (r, shapes) -> {
            double[][] out = new double[shapes.length][];
            for (int k = 0; k < shapes.length; k++) {
                int n = size(shapes[k]);
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    order.add(i);
                }
                for (int i = n - 1; i > 0; i--) {
                    Collections.swap(order, i, r.nextInt(i + 1));
                }
                out[k] = new double[n];
                for (int i = 0; i < n; i++) {
                    out[k][i] = 0.3 * (order.get(i) - n / 2.0) + 0.1 * (r.nextDouble() - 0.5);
                }
            }
            return out;
        };
    }

    /** Two inputs whose elements differ by at least 0.1 (for maximum and minimum). */
    static Sampler separated() {
        return (r, shapes) -> {
            int n = size(shapes[0]);
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = -2 + 4 * r.nextDouble();
                y[i] = x[i] + (r.nextBoolean() ? 1 : -1) * (0.1 + r.nextDouble());
            }
            return new double[][] {x, y};
        };
    }

    /** x / y = ±(k + f) with f in [0.15, 0.85]: away from where the remainder jumps. */
    static Sampler remainderPair() {
        return (r, shapes) -> {
            int n = size(shapes[0]);
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = (r.nextBoolean() ? 1 : -1) * (0.5 + r.nextDouble());
                double q = r.nextInt(3) + 0.15 + 0.7 * r.nextDouble();
                x[i] = (r.nextBoolean() ? 1 : -1) * q * Math.abs(y[i]);
            }
            return new double[][] {x, y};
        };
    }

    /** (y, x) with radius in [0.5, 2] and angle away from the branch cut of arctan2 at ±pi. */
    static Sampler polarPair() {
        return (r, shapes) -> {
            int n = size(shapes[0]);
            double[] y = new double[n];
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                double radius = 0.5 + 1.5 * r.nextDouble();
                double angle = -2.8 + 5.6 * r.nextDouble();
                y[i] = radius * Math.sin(angle);
                x[i] = radius * Math.cos(angle);
            }
            return new double[][] {y, x};
        };
    }

    /** Uniform in [-2, 2] but at least 0.1 away from ±1 (the bounds of clip). */
    static Sampler awayFromOne() {
        return (r, shapes) -> each(shapes, (n, i) -> {
            double v;
            do {
                v = -2 + 4 * r.nextDouble();
            } while (Math.abs(Math.abs(v) - 1) < 0.1);
            return v;
        });
    }

    /** Standard normal inputs. */
    static Sampler normal() {
        return (r, shapes) -> each(shapes, (n, i) -> r.nextGaussian());
    }

    private interface Element {
        double next(int input, int index);
    }

    private static double[][] each(int[][] shapes, Element e) {
        double[][] out = new double[shapes.length][];
        for (int k = 0; k < shapes.length; k++) {
            out[k] = new double[size(shapes[k])];
            for (int i = 0; i < out[k].length; i++) {
                out[k][i] = e.next(k, i);
            }
        }
        return out;
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    // ---------------------------------------------------------------- the table

    private static final int[] S = {2, 3};

    private static void add(String op, String variant, int[][] shapes, Sampler s, Function<List<Array>, Array> f) {
        Fn fn = new Fn(op, variant, shapes, s, f);
        if (TABLE.put(fn.key(), fn) != null) {
            throw new IllegalStateException("duplicate differentiable function " + fn.key());
        }
    }

    private static void unary(String op, Sampler s, Function<Array, Array> f) {
        add(op, "", new int[][] {S}, s, a -> f.apply(a.get(0)));
    }

    private static void unary(String op, String variant, int[] shape, Sampler s, Function<Array, Array> f) {
        add(op, variant, new int[][] {shape}, s, a -> f.apply(a.get(0)));
    }

    private static void binary(String op, Sampler s, BiFunction<Array, Array, Array> f) {
        add(op, "", new int[][] {S, S}, s, a -> f.apply(a.get(0), a.get(1)));
    }

    static {
        // -------------------------------------------------------- elementwise, one operand
        unary("negative", uniform(-2, 2), Np::negative);
        unary("positive", uniform(-2, 2), Np::positive);
        unary("abs", signed(0.1, 2), Np::abs);
        unary("sign", signed(0.1, 2), Np::sign);
        unary("exp", uniform(-2, 2), Np::exp);
        unary("exp2", uniform(-2, 2), Np::exp2);
        unary("log", uniform(0.5, 3), Np::log);
        unary("log2", uniform(0.5, 3), Np::log2);
        unary("log10", uniform(0.5, 3), Np::log10);
        unary("log1p", uniform(-0.5, 2), Np::log1p);
        unary("expm1", uniform(-2, 2), Np::expm1);
        unary("sqrt", uniform(0.5, 3), Np::sqrt);
        unary("rsqrt", uniform(0.5, 3), Np::rsqrt);
        unary("cbrt", signed(0.5, 3), Np::cbrt);
        unary("square", uniform(-2, 2), Np::square);
        unary("reciprocal", signed(0.5, 2), Np::reciprocal);
        unary("sin", uniform(-3, 3), Np::sin);
        unary("cos", uniform(-3, 3), Np::cos);
        unary("tan", uniform(-1, 1), Np::tan);
        unary("arcsin", uniform(-0.7, 0.7), Np::arcsin);
        unary("arccos", uniform(-0.7, 0.7), Np::arccos);
        unary("arctan", uniform(-2, 2), Np::arctan);
        unary("sinh", uniform(-2, 2), Np::sinh);
        unary("cosh", uniform(-2, 2), Np::cosh);
        unary("tanh", uniform(-2, 2), Np::tanh);
        unary("sigmoid", uniform(-3, 3), Np::sigmoid);
        unary("erf", uniform(-2, 2), Np::erf);
        unary("floor", offGrid(0.1, 0.9), Np::floor);
        unary("ceil", offGrid(0.1, 0.9), Np::ceil);
        unary("round", offGrid(-0.4, 0.4), Np::round);
        unary("nanToNum", uniform(-2, 2), Np::nanToNum);
        unary("multiply", "by weak scalar", S, uniform(-2, 2), x -> Np.multiply(x, 2.5));
        unary("maximum", "relu", S, signed(0.1, 2), x -> Np.maximum(x, 0.0));
        unary("where", "leaky relu", S, signed(0.1, 2), x -> Np.where(Np.greater(x, 0), x, Np.multiply(x, 0.1)));
        unary("clip", "[-1, 1]", S, awayFromOne(), x -> Np.clip(x, -1, 1));
        // float32 inputs go through CONVERT both ways; for float64 the conversions are no-ops
        unary(
                "astype",
                "to float64 and back",
                S,
                uniform(-2, 2),
                x -> Np.astype(Np.multiply(Np.astype(x, DType.FLOAT64), 1.5), x.dtype()));

        // -------------------------------------------------------- elementwise, two operands
        binary("add", uniform(-2, 2), Np::add);
        binary("subtract", uniform(-2, 2), Np::subtract);
        binary("multiply", uniform(-2, 2), Np::multiply);
        add(
                "divide",
                "",
                new int[][] {S, S},
                (r, s) -> new double[][] {
                    uniform(-2, 2).sample(r, new int[][] {s[0]})[0],
                    signed(0.5, 2).sample(r, new int[][] {s[1]})[0]
                },
                a -> Np.divide(a.get(0), a.get(1)));
        add(
                "power",
                "",
                new int[][] {S, S},
                (r, s) -> new double[][] {
                    uniform(0.5, 2).sample(r, new int[][] {s[0]})[0],
                    uniform(-2, 2).sample(r, new int[][] {s[1]})[0]
                },
                a -> Np.power(a.get(0), a.get(1)));
        binary("maximum", separated(), Np::maximum);
        binary("minimum", separated(), Np::minimum);
        binary("arctan2", polarPair(), Np::arctan2);
        binary("mod", remainderPair(), Np::mod);
        binary("floorDivide", remainderPair(), Np::floorDivide);
        add("add", "broadcast (2,3)+(3,)", new int[][] {S, {3}}, uniform(-2, 2), a -> Np.add(a.get(0), a.get(1)));
        add(
                "multiply",
                "broadcast (2,1)*(1,3)",
                new int[][] {{2, 1}, {1, 3}},
                uniform(-2, 2),
                a -> Np.multiply(a.get(0), a.get(1)));
        add(
                "where",
                "fixed mask",
                new int[][] {S, S},
                uniform(-2, 2),
                a -> Np.where(Np.array(new boolean[] {true, false, true, false, false, true}, S), a.get(0), a.get(1)));

        // -------------------------------------------------------- reductions
        int[] s3 = {2, 3, 4};
        unary("sum", "all", s3, uniform(-2, 2), Np::sum);
        unary("sum", "axis=1", s3, uniform(-2, 2), x -> Np.sum(x, 1));
        unary("sum", "axes=0,2 keepdims", s3, uniform(-2, 2), x -> Np.sum(x, new int[] {0, 2}, true));
        unary("mean", "axis=-1", s3, uniform(-2, 2), x -> Np.mean(x, -1));
        unary("prod", "axis=1", s3, signed(0.6, 1.4), x -> Np.prod(x, 1));
        unary("max", "axis=2", s3, distinct(), x -> Np.max(x, 2));
        unary("min", "all", s3, distinct(), Np::min);
        unary("var", "axis=1", s3, uniform(-2, 2), x -> Np.var(x, 1));
        unary("std", "axis=2", s3, uniform(-2, 2), x -> Np.std(x, 2));
        unary("logSumExp", "axis=1", s3, uniform(-2, 2), x -> Np.logSumExp(x, 1));
        int[] s2 = {3, 4};
        unary("cumsum", "axis=1", s2, uniform(-2, 2), x -> Np.cumsum(x, 1));
        unary("cumprod", "axis=0", s2, signed(0.6, 1.4), x -> Np.cumprod(x, 0));
        unary("cummax", "axis=1", s2, distinct(), x -> Np.cummax(x, 1));
        unary("cummin", "axis=0", s2, distinct(), x -> Np.cummin(x, 0));

        // -------------------------------------------------------- shapes and movement
        unary("reshape", "(2,3,4) to (4,6)", s3, uniform(-2, 2), x -> Np.reshape(x, 4, 6));
        unary("transpose", "(2,0,1)", s3, uniform(-2, 2), x -> Np.transpose(x, 2, 0, 1));
        unary("broadcastTo", "(3,1) to (2,3,4)", new int[] {3, 1}, uniform(-2, 2), x -> Np.broadcastTo(x, 2, 3, 4));
        add(
                "concatenate",
                "axis=1",
                new int[][] {{2, 3}, {2, 1}, {2, 4}},
                uniform(-2, 2),
                a -> Np.concatenate(a.toArray(Array[]::new), 1));
        add("stack", "axis=1", new int[][] {S, S}, uniform(-2, 2), a -> Np.stack(a.toArray(Array[]::new), 1));
        unary("split", "3 along axis 1, middle", new int[] {2, 6}, uniform(-2, 2), x -> Np.split(x, 3, 1)[1]);
        unary("flip", "axis=0", s2, uniform(-2, 2), x -> Np.flip(x, 0));
        unary("pad", "(1,0),(2,1)", S, uniform(-2, 2), x -> Np.pad(x, new int[][] {{1, 0}, {2, 1}}));
        unary("tile", "(2,1)", S, uniform(-2, 2), x -> Np.tile(x, 2, 1));
        unary("repeat", "2 along axis 1", S, uniform(-2, 2), x -> Np.repeat(x, 2, 1));
        unary("moveaxis", "0 to -1", s3, uniform(-2, 2), x -> Np.moveaxis(x, 0, -1));
        unary("expandDims", "axis=1", S, uniform(-2, 2), x -> Np.expandDims(x, 1));
        unary("get", "[1:, ::2]", new int[] {3, 5}, uniform(-2, 2), x -> x.get("1:, ::2"));
        unary("get", "[-1, 1:4]", new int[] {3, 5}, uniform(-2, 2), x -> x.get("-1, 1:4"));
        unary("get", "[::-1]", new int[] {4, 3}, uniform(-2, 2), x -> x.get("::-1"));

        // -------------------------------------------------------- indexing
        unary(
                "take",
                "axis=1, repeated",
                new int[] {3, 5},
                uniform(-2, 2),
                x -> Np.take(x, Np.array(new int[] {4, 0, 4, 2}), 1));
        unary(
                "takeAlongAxis",
                "axis=1",
                s2,
                uniform(-2, 2),
                x -> Np.takeAlongAxis(x, Np.array(new int[] {0, 3, 2, 2, 1, 0}, 3, 2), 1));
        add("atAdd", "rows [3,0,3] of (4,5)", new int[][] {{4, 5}, {3, 5}}, uniform(-2, 2), a -> a.get(0)
                .at(dev.kiln.Index.of(3, 0, 3))
                .add(a.get(1)));
        add("atSet", "[1:, [4,0]] of (4,5)", new int[][] {{4, 5}, {3, 2}}, uniform(-2, 2), a -> a.get(0)
                .at(dev.kiln.Index.slice(1, null), dev.kiln.Index.of(4, 0))
                .set(a.get(1)));
        unary(
                "dynamicSlice",
                "at (1,2) size (2,2)",
                new int[] {4, 5},
                uniform(-2, 2),
                x -> Np.dynamicSlice(x, new int[] {1, 2}, new int[] {2, 2}));
        add(
                "dynamicUpdateSlice",
                "at (1,2)",
                new int[][] {{4, 5}, {2, 3}},
                uniform(-2, 2),
                a -> Lax.dynamicUpdateSlice(a.get(0), a.get(1), Np.scalar(1), Np.scalar(2)));

        // -------------------------------------------------------- contractions
        add("matmul", "(3,4)@(4,5)", new int[][] {{3, 4}, {4, 5}}, uniform(-2, 2), a -> Np.matmul(a.get(0), a.get(1)));
        add(
                "matmul",
                "(2,3,4)@(4,2)",
                new int[][] {{2, 3, 4}, {4, 2}},
                uniform(-2, 2),
                a -> Np.matmul(a.get(0), a.get(1)));
        add("matmul", "(4,)@(4,3)", new int[][] {{4}, {4, 3}}, uniform(-2, 2), a -> Np.matmul(a.get(0), a.get(1)));
        add("dot", "(5,).(5,)", new int[][] {{5}, {5}}, uniform(-2, 2), a -> Np.dot(a.get(0), a.get(1)));
        add(
                "convGeneralDilated",
                "(2,3,5,4)*(4,3,2,2) stride (1,2) SAME",
                new int[][] {{2, 3, 5, 4}, {4, 3, 2, 2}},
                uniform(-2, 2),
                a -> Lax.convGeneralDilated(a.get(0), a.get(1), new int[] {1, 2}, "SAME"));
        add("outer", "(3,) (4,)", new int[][] {{3}, {4}}, uniform(-2, 2), a -> Np.outer(a.get(0), a.get(1)));
        add(
                "einsum",
                "bij,bjk->bik",
                new int[][] {{2, 3, 4}, {2, 4, 2}},
                uniform(-2, 2),
                a -> Np.einsum("bij,bjk->bik", a.get(0), a.get(1)));
        add(
                "einsum",
                "ij,ij->i",
                new int[][] {{3, 4}, {3, 4}},
                uniform(-2, 2),
                a -> Np.einsum("ij,ij->i", a.get(0), a.get(1)));

        // -------------------------------------------------------- composites
        unary("softmax", "axis=-1", new int[] {4, 5}, normal(), Differentiable::softmax);
        unary("softmaxCrossEntropy", "", new int[] {4, 5}, normal(), Differentiable::softmaxCrossEntropy);
        add("layerNorm", "", new int[][] {{3, 6}, {6}, {6}}, normal(), a -> layerNorm(a.get(0), a.get(1), a.get(2)));
        add(
                "mlpLoss",
                "",
                new int[][] {{3, 4}, {4}, {4, 2}, {2}},
                normal(),
                a -> mlpLoss(new Mlp(a.get(0), a.get(1), a.get(2), a.get(3))));
    }

    // ---------------------------------------------------------------- composites (mirrored in make_goldens.py)

    static Array softmax(Array x) {
        return Np.exp(Np.subtract(x, Np.logSumExp(x, new int[] {x.ndim() - 1}, true)));
    }

    /** Mean cross-entropy of (4, 5) logits against the labels 2, 0, 4, 1. */
    static Array softmaxCrossEntropy(Array logits) {
        Array logProbs = Np.subtract(logits, Np.logSumExp(logits, new int[] {1}, true));
        Array labels = Np.oneHot(Np.array(new int[] {2, 0, 4, 1}), 5, logits.dtype());
        return Np.negative(Np.mean(Np.sum(Np.multiply(labels, logProbs), 1)));
    }

    /** Normalisation over the last axis with a learned scale and shift. */
    static Array layerNorm(Array x, Array gamma, Array beta) {
        Array centred = Np.subtract(x, Np.mean(x, new int[] {1}, true));
        Array variance = Np.mean(Np.square(centred), new int[] {1}, true);
        return Np.add(Np.multiply(Np.divide(centred, Np.sqrt(Np.add(variance, 1e-5))), gamma), beta);
    }

    /** The parameters of a 3-4-2 perceptron; public so that {@code Tree} can take it apart. */
    public record Mlp(Array w1, Array b1, Array w2, Array b2) {}

    /** Mean squared error of a tanh MLP on a fixed batch of five examples, in the parameters' dtype. */
    static Array mlpLoss(Mlp p) {
        DType t = p.w1().dtype();
        Array x = Np.astype(Np.array(batch(15, 0.7, 0.3, true), 5, 3), t);
        Array y = Np.astype(Np.array(batch(10, 1.3, 0, false), 5, 2), t);
        Array hidden = Np.tanh(Np.add(Np.matmul(x, p.w1()), p.b1()));
        Array prediction = Np.add(Np.matmul(hidden, p.w2()), p.b2());
        return Np.mean(Np.square(Np.subtract(prediction, y)));
    }

    /** {@code sin(a k + b)} or {@code cos(a k + b)} for k = 0..n-1: fixed data both Java and Python can make. */
    static double[] batch(int n, double a, double b, boolean sin) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = sin ? Math.sin(a * k + b) : Math.cos(a * k + b);
        }
        return v;
    }
}
