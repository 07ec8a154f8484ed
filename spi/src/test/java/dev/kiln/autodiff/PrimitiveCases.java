package dev.kiln.autodiff;

import static dev.kiln.ir.Primitive.*;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.autodiff.DerivativeChecks.Instance;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * One row per differentiable primitive application: the primitive applied directly (through
 * {@link Lax#bind}, so each rule is exercised on its own) and a generator of float64 inputs inside
 * its domain and at least 0.05 away from kinks, far beyond the finite-difference stencil's reach.
 */
final class PrimitiveCases {
    private PrimitiveCases() {}

    record Case(String name, Function<Random, Instance> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        unary(cases);
        binary(cases);
        reductions(cases);
        movement(cases);
        indexing(cases);
        contractions(cases);
        return cases;
    }

    private static final int[] S = {2, 3};

    private static void unary(List<Case> c) {
        unaryCase(c, NEG, r -> uniform(r, -2, 2, S));
        unaryCase(c, ABS, r -> signed(r, 0.1, 2, S));
        unaryCase(c, SIGN, r -> signed(r, 0.1, 2, S));
        unaryCase(c, EXP, r -> uniform(r, -2, 2, S));
        unaryCase(c, EXP2, r -> uniform(r, -2, 2, S));
        unaryCase(c, LOG, r -> uniform(r, 0.5, 3, S));
        unaryCase(c, LOG1P, r -> uniform(r, -0.5, 2, S));
        unaryCase(c, EXPM1, r -> uniform(r, -2, 2, S));
        unaryCase(c, SQRT, r -> uniform(r, 0.5, 3, S));
        unaryCase(c, RSQRT, r -> uniform(r, 0.5, 3, S));
        unaryCase(c, CBRT, r -> signed(r, 0.5, 3, S));
        unaryCase(c, SIN, r -> uniform(r, -3, 3, S));
        unaryCase(c, COS, r -> uniform(r, -3, 3, S));
        unaryCase(c, TAN, r -> uniform(r, -1, 1, S));
        unaryCase(c, ASIN, r -> uniform(r, -0.7, 0.7, S));
        unaryCase(c, ACOS, r -> uniform(r, -0.7, 0.7, S));
        unaryCase(c, ATAN, r -> uniform(r, -2, 2, S));
        unaryCase(c, SINH, r -> uniform(r, -2, 2, S));
        unaryCase(c, COSH, r -> uniform(r, -2, 2, S));
        unaryCase(c, TANH, r -> uniform(r, -2, 2, S));
        unaryCase(c, LOGISTIC, r -> uniform(r, -3, 3, S));
        unaryCase(c, ERF, r -> uniform(r, -2, 2, S));
        // kinks at integers (floor, ceil) and at half-integers (round)
        unaryCase(c, FLOOR, r -> offGrid(r, 0.1, 0.9, S));
        unaryCase(c, CEIL, r -> offGrid(r, 0.1, 0.9, S));
        unaryCase(c, ROUND, r -> offGrid(r, -0.4, 0.4, S));
        c.add(new Case(
                "convert_f64_to_f64",
                r -> new Instance(
                        a -> Lax.bind(CONVERT, new Params.Convert(DType.FLOAT64), a.get(0)),
                        List.of(uniform(r, -2, 2, S)))));
    }

    private static void binary(List<Case> c) {
        binaryCase(c, ADD, r -> List.of(uniform(r, -2, 2, S), uniform(r, -2, 2, S)));
        binaryCase(c, SUB, r -> List.of(uniform(r, -2, 2, S), uniform(r, -2, 2, S)));
        binaryCase(c, MUL, r -> List.of(uniform(r, -2, 2, S), uniform(r, -2, 2, S)));
        binaryCase(c, DIV, r -> List.of(uniform(r, -2, 2, S), signed(r, 0.5, 2, S)));
        binaryCase(c, POW, r -> List.of(uniform(r, 0.5, 2, S), uniform(r, -2, 2, S)));
        binaryCase(c, MAX, PrimitiveCases::separatedPair);
        binaryCase(c, MIN, PrimitiveCases::separatedPair);
        binaryCase(c, REM, r -> {
            // x / y = ±(k + f) with f in [0.15, 0.85]: away from the integers where rem jumps
            double[] x = new double[6];
            double[] y = new double[6];
            for (int i = 0; i < 6; i++) {
                y[i] = (r.nextBoolean() ? 1 : -1) * (0.5 + r.nextDouble());
                double q = r.nextInt(3) + 0.15 + 0.7 * r.nextDouble();
                x[i] = (r.nextBoolean() ? 1 : -1) * q * Math.abs(y[i]);
            }
            return List.of(DerivativeChecks.array(x, S), DerivativeChecks.array(y, S));
        });
        binaryCase(c, ATAN2, r -> {
            // radius >= 0.5 and angle away from the branch cut at ±pi
            double[] y = new double[6];
            double[] x = new double[6];
            for (int i = 0; i < 6; i++) {
                double radius = 0.5 + 1.5 * r.nextDouble();
                double angle = -2.8 + 5.6 * r.nextDouble();
                y[i] = radius * Math.sin(angle);
                x[i] = radius * Math.cos(angle);
            }
            return List.of(DerivativeChecks.array(y, S), DerivativeChecks.array(x, S));
        });
        c.add(new Case("select", r -> {
            Array pred = Np.less(uniform(r, 0, 1, S), Np.scalar(0.5));
            return new Instance(
                    a -> Lax.bind(SELECT, pred, a.get(0), a.get(1)),
                    List.of(uniform(r, -2, 2, S), uniform(r, -2, 2, S)));
        }));
    }

    private static void reductions(List<Case> c) {
        int[] s3 = {2, 3, 4};
        for (int[] axes : new int[][] {{1}, {0, 2}, {0, 1, 2}}) {
            String suffix = "_axes" + java.util.Arrays.toString(axes);
            Params.Reduce p = new Params.Reduce(axes);
            c.add(single("reduce_sum" + suffix, a -> Lax.bind(REDUCE_SUM, p, a), r -> uniform(r, -2, 2, s3)));
            c.add(single("reduce_prod" + suffix, a -> Lax.bind(REDUCE_PROD, p, a), r -> signed(r, 0.6, 1.4, s3)));
            c.add(single("reduce_max" + suffix, a -> Lax.bind(REDUCE_MAX, p, a), r -> distinct(r, s3)));
            c.add(single("reduce_min" + suffix, a -> Lax.bind(REDUCE_MIN, p, a), r -> distinct(r, s3)));
        }
        int[] s2 = {3, 7};
        for (int axis = 0; axis < 2; axis++) {
            for (boolean reverse : new boolean[] {false, true}) {
                String suffix = "_axis" + axis + (reverse ? "_reverse" : "");
                Params.Cumulative p = new Params.Cumulative(axis, reverse);
                c.add(single("cumsum" + suffix, a -> Lax.bind(CUMSUM, p, a), r -> uniform(r, -2, 2, s2)));
                c.add(single("cumprod" + suffix, a -> Lax.bind(CUMPROD, p, a), r -> signed(r, 0.6, 1.4, s2)));
                c.add(single("cummax" + suffix, a -> Lax.bind(CUMMAX, p, a), r -> distinct(r, s2)));
                c.add(single("cummin" + suffix, a -> Lax.bind(CUMMIN, p, a), r -> distinct(r, s2)));
            }
        }
    }

    private static void movement(List<Case> c) {
        c.add(single(
                "broadcast_in_dim",
                a -> Lax.broadcastInDim(a, new int[] {2, 3, 4}, 1, 2),
                r -> uniform(r, -2, 2, 3, 1)));
        c.add(single("reshape", a -> Lax.reshape(a, 4, 6), r -> uniform(r, -2, 2, 2, 3, 4)));
        c.add(single("transpose", a -> Lax.transpose(a, 2, 0, 1), r -> uniform(r, -2, 2, 2, 3, 4)));
        c.add(single(
                "slice_strided",
                a -> Lax.slice(a, new int[] {1, 0}, new int[] {5, 7}, new int[] {2, 3}),
                r -> uniform(r, -2, 2, 5, 7)));
        c.add(single("rev", a -> Lax.rev(a, 0, 1), r -> uniform(r, -2, 2, 3, 4)));
        c.add(new Case(
                "pad_negative_and_interior",
                r -> new Instance(
                        a -> Lax.pad(a.get(0), a.get(1), new int[] {1, -1}, new int[] {-1, 2}, new int[] {1, 2}),
                        List.of(uniform(r, -2, 2, 3, 4), uniform(r, -2, 2)))));
        c.add(new Case(
                "concatenate",
                r -> new Instance(
                        a -> Lax.concatenate(a.toArray(Array[]::new), 1),
                        List.of(uniform(r, -2, 2, 2, 3), uniform(r, -2, 2, 2, 1), uniform(r, -2, 2, 2, 4)))));
    }

    private static void indexing(List<Case> c) {
        Array idx2d = Np.array(new int[] {3, -2, 7, 0, 3, 1}, 2, 3); // repeats and out-of-range (clamped)
        c.add(single("take_axis1", a -> Lax.bind(TAKE, new Params.Axis(1), a, idx2d), r -> uniform(r, -2, 2, 4, 5)));
        Array idx1d = Np.array(new long[] {2, 2, 0});
        c.add(single(
                "take_axis0_int64", a -> Lax.bind(TAKE, new Params.Axis(0), a, idx1d), r -> uniform(r, -2, 2, 3, 2)));
        Array idxU32 = Np.arrayUint32(new int[] {-1, 1, 0, 1}, 4); // -1 is 2^32 - 1: clamps to the last index
        c.add(single(
                "take_uint32_indices",
                a -> Lax.bind(TAKE, new Params.Axis(1), a, idxU32),
                r -> uniform(r, -2, 2, 2, 3)));
        c.add(single(
                "take_scalar_index",
                a -> Lax.bind(TAKE, new Params.Axis(1), a, Np.scalar(2)),
                r -> uniform(r, -2, 2, 3, 4)));
        Array along = Np.array(new int[] {0, 4, 4, 9, -1, 2, 1, 1, 3, 3, 0, 2, 4, 4, 4, 0, 1, 2}, 3, 6);
        c.add(single(
                "take_along_axis1",
                a -> Lax.bind(TAKE_ALONG_AXIS, new Params.Axis(1), a, along),
                r -> uniform(r, -2, 2, 3, 5)));
        // scatter in each mode, differentiated in the operand and the updates (distinct indices, one
        // out of range; MUL's update derivative assumes distinct indices)
        Array sidx = Np.array(new int[] {3, -1, 0, 7});
        for (Params.Scatter.Mode mode : Params.Scatter.Mode.values()) {
            c.add(new Case(
                    "scatter_" + mode.name().toLowerCase(java.util.Locale.ROOT),
                    r -> new Instance(
                            a -> Lax.bind(Primitive.SCATTER, new Params.Scatter(1, mode), a.get(0), sidx, a.get(1)),
                            List.of(uniform(r, -2, 2, 2, 5), uniform(r, -2, 2, 2, 4)))));
        }
        Array along0 = Np.array(new int[] {3, 0, 1, 1, 1, 2}, 2, 3);
        c.add(single(
                "take_along_axis0",
                a -> Lax.bind(TAKE_ALONG_AXIS, new Params.Axis(0), a, along0),
                r -> uniform(r, -2, 2, 4, 3)));
        // start 4 is clamped to 2 so the 3-wide window fits
        c.add(single(
                "dynamic_slice_clamped",
                a -> Lax.bind(DYNAMIC_SLICE, new Params.DynamicSlice(new int[] {3, 3}), a, Np.scalar(4), Np.scalar(2)),
                r -> uniform(r, -2, 2, 5, 6)));
        c.add(new Case(
                "dynamic_update_slice_clamped",
                r -> new Instance(
                        a -> Lax.bind(
                                DYNAMIC_UPDATE_SLICE, Params.NONE, a.get(0), a.get(1), Np.scalar(1), Np.scalar(5)),
                        List.of(uniform(r, -2, 2, 5, 6), uniform(r, -2, 2, 2, 3)))));
    }

    private static void contractions(List<Case> c) {
        dot(c, "matmul", new int[] {3, 4}, new int[] {4, 5}, new int[] {1}, new int[] {0}, new int[0], new int[0]);
        dot(
                c,
                "batched_odd_contraction",
                new int[] {2, 3, 4, 5},
                new int[] {5, 4, 2, 6},
                new int[] {3, 2},
                new int[] {0, 1},
                new int[] {0},
                new int[] {2});
        dot(
                c,
                "batch_not_leading",
                new int[] {3, 2, 4},
                new int[] {4, 5, 2},
                new int[] {2},
                new int[] {0},
                new int[] {1},
                new int[] {2});
        dot(
                c,
                "full_contraction",
                new int[] {3, 4},
                new int[] {3, 4},
                new int[] {0, 1},
                new int[] {0, 1},
                new int[0],
                new int[0]);
        dot(c, "outer", new int[] {3}, new int[] {2}, new int[0], new int[0], new int[0], new int[0]);
        dot(c, "batch_only", new int[] {2, 3}, new int[] {2, 3}, new int[0], new int[0], new int[] {0, 1}, new int[] {
            0, 1
        });
    }

    private static void dot(List<Case> c, String name, int[] ls, int[] rs, int[] lc, int[] rc, int[] lb, int[] rb) {
        c.add(new Case(
                "dot_general_" + name,
                r -> new Instance(
                        a -> Lax.dotGeneral(a.get(0), a.get(1), lc, rc, lb, rb),
                        List.of(uniform(r, -2, 2, ls), uniform(r, -2, 2, rs)))));
    }

    private static void unaryCase(List<Case> c, Primitive p, Function<Random, Array> input) {
        c.add(single(p.printName(), a -> Lax.bind(p, a), input));
    }

    private static void binaryCase(List<Case> c, Primitive p, Function<Random, List<Array>> inputs) {
        c.add(new Case(p.printName(), r -> new Instance(a -> Lax.bind(p, a.get(0), a.get(1)), inputs.apply(r))));
    }

    private static Case single(String name, Function<Array, Array> f, Function<Random, Array> input) {
        return new Case(name, r -> new Instance(a -> f.apply(a.get(0)), List.of(input.apply(r))));
    }

    // ------------------------------------------------------------------ input generators

    static Array uniform(Random r, double lo, double hi, int... shape) {
        double[] v = new double[count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return DerivativeChecks.array(v, shape);
    }

    /** Magnitudes in {@code [lo, hi]} with random signs: away from zero. */
    static Array signed(Random r, double lo, double hi, int... shape) {
        double[] v = uniform(r, lo, hi, shape).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] *= r.nextBoolean() ? 1 : -1;
        }
        return DerivativeChecks.array(v, shape);
    }

    /** An integer in [-2, 2] plus a fraction in {@code [lo, hi]}. */
    static Array offGrid(Random r, double lo, double hi, int... shape) {
        double[] v = uniform(r, lo, hi, shape).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] += r.nextInt(5) - 2;
        }
        return DerivativeChecks.array(v, shape);
    }

    /** Distinct values at least 0.2 apart in random order: no ties for max/min to split. */
    static Array distinct(Random r, int... shape) {
        int n = count(shape);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, r);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.3 * (order.get(i) - n / 2.0) + 0.1 * (r.nextDouble() - 0.5);
        }
        return DerivativeChecks.array(v, shape);
    }

    /** Two arrays whose elements differ by at least 0.1 everywhere. */
    static List<Array> separatedPair(Random r) {
        double[] x = uniform(r, -2, 2, S).toDoubleArray();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] + (r.nextBoolean() ? 1 : -1) * (0.1 + r.nextDouble());
        }
        return List.of(DerivativeChecks.array(x, S), DerivativeChecks.array(y, S));
    }

    private static int count(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
