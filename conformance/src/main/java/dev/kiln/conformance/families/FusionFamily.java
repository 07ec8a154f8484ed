package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.Shape;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.Setting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Fused against unfused. Random programs (DAGs of elementwise functions, broadcasts, reductions,
 * reshapes, transposes, slices, flips, iotas, conversions and matmuls, with cumulative sums and
 * gathers in between, over random shapes and dtypes, with one to three outputs) and the classic
 * fusion patterns over odd sizes run three ways: jitted on the backend under test (so its fusion
 * planner and compiled kernels run), eagerly on it, and eagerly on the reference backend.
 *
 * <p>Float results are judged against the program evaluated in float64 on the reference backend,
 * alongside a first-order bound on the error of any evaluation whose every operation is within its
 * {@link Tolerance} (each operation's own rounding, plus its operands' errors carried through its
 * derivative: sums of the terms' bounds plus the reduction rule's allowance, products weighted by
 * the other factor, and so on); each result must be within twice that bound. Comparisons only ever
 * look at program inputs, which are exact, so no branch can flip. Integer programs compare exactly.
 *
 * <p>Each case names its seed ({@code seed 123}); {@link #describe(long)} prints that program, and
 * a failure message includes it and the plan Kiln made. The system properties {@code
 * kiln.fusion.programs} (default 2000) and {@code kiln.fusion.seed} (the first seed, default 0)
 * choose how many programs run and which.
 */
final class FusionFamily implements Family {
    /** How many random programs run. */
    static final Setting PROGRAMS_SETTING = Setting.of(
            "kiln.fusion.programs", "2000", "how many random programs the conformance suite's fusion family runs");

    /** The seed of the first random program. */
    static final Setting SEED_SETTING = Setting.of(
            "kiln.fusion.seed",
            "0",
            "the seed of the fusion family's first random program (the failure message of a case names its seed)");

    private static final int PROGRAMS = PROGRAMS_SETTING.intValue(2000);
    private static final long FIRST_SEED = SEED_SETTING.longValue(0L);
    private static final int[] ODD_SIZES = {1, 7, 8, 13, 31, 127, 128, 129, 1023, 4097};

    @Override
    public String name() {
        return "fusion";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (int n : ODD_SIZES) {
            pattern(out, "sum(x + y*z)", "n=" + n, () -> {
                Builder b = new Builder(DType.FLOAT32, "sum(x + y*z) n=" + n);
                int x = b.input(DType.FLOAT32, n);
                int yz = b.op(Kind.MUL, b.input(DType.FLOAT32, n), b.input(DType.FLOAT32, n));
                b.reduce(Kind.SUM, b.op(Kind.ADD, x, yz), new int[] {0}, false);
                return b.done();
            });
            pattern(out, "tanh(x + y*z) * 0.5 + x", "n=" + n, () -> {
                Builder b = new Builder(DType.FLOAT32, "tanh(x + y*z) * 0.5 + x n=" + n);
                int x = b.input(DType.FLOAT32, n);
                int yz = b.op(Kind.MUL, b.input(DType.FLOAT32, n), b.input(DType.FLOAT32, n));
                int t = b.op(Kind.TANH, b.op(Kind.ADD, x, yz));
                b.op(Kind.ADD, b.constant(Kind.MULC, t, 0.5), x);
                return b.done();
            });
            for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
                pattern(out, "softmax rows", t, "3x" + n, () -> softmax(t, 3, n));
                pattern(out, "layer norm rows", t, "3x" + n, () -> layerNorm(t, 3, n));
            }
            pattern(out, "sum over the leading axis", n + "x3", () -> {
                Builder b = new Builder(DType.FLOAT32, "sqrt(sum(x*x, 0)) n=" + n);
                int x = b.input(DType.FLOAT32, n, 3);
                b.op(Kind.SQRT1P_ABS, b.reduce(Kind.SUM, b.op(Kind.MUL, x, x), new int[] {0}, false));
                return b.done();
            });
        }
        for (int[] mkn : new int[][] {{1, 1, 1}, {7, 13, 5}, {8, 8, 8}, {31, 17, 129}, {129, 3, 7}, {2, 128, 33}}) {
            String shape = mkn[0] + "x" + mkn[1] + " @ " + mkn[1] + "x" + mkn[2];
            pattern(out, "tanh(x @ w + b)", shape, () -> {
                Builder b = new Builder(DType.FLOAT32, "tanh(x @ w + b) " + shape);
                int mm = b.matmul(b.input(DType.FLOAT32, mkn[0], mkn[1]), b.input(DType.FLOAT32, mkn[1], mkn[2]));
                b.op(Kind.TANH, b.op(Kind.ADD, mm, b.input(DType.FLOAT32, mkn[2])));
                return b.done();
            });
        }
        // an attention's head split between products ([b, s, h d] -> [b, s, h, d]), which the planner
        // leaves to the backend as a relabelling step rather than a copy; one also returned as is
        for (int[] bsh : new int[][] {{1, 1, 1, 1}, {2, 5, 3, 4}, {3, 7, 2, 9}}) {
            String shape = bsh[0] + "x" + bsh[1] + ", " + bsh[2] + " heads of " + bsh[3];
            pattern(out, "head split between products", shape, () -> {
                Builder b = new Builder(DType.FLOAT32, "head split between products " + shape);
                int hd = bsh[2] * bsh[3];
                int x = b.input(DType.FLOAT32, bsh[0], bsh[1], 6);
                int q = b.matmul(x, b.input(DType.FLOAT32, 6, hd));
                int[] split = {bsh[0], bsh[1], bsh[2], bsh[3]};
                int heads = b.movement(Kind.RESHAPE, q, split, split, null, null);
                b.outputs.add(heads);
                int[] flat = {bsh[0] * bsh[1] * bsh[2], bsh[3]};
                int rows = b.movement(Kind.RESHAPE, heads, flat, flat, null, null);
                b.outputs.add(b.op(Kind.TANH, b.matmul(rows, b.input(DType.FLOAT32, bsh[3], 5))));
                return b.done();
            });
        }
        // a tanh or GELU layer's backward pass: g = (dy @ w.T) * f'(pre), with a transcendental in
        // f', which the planner makes the product's epilogue; g's column sums (a bias gradient) and
        // x.T @ g (a weight gradient, transposed operand read in place) read it
        for (int[] mkn : new int[][] {{1, 1, 1}, {7, 13, 5}, {31, 17, 129}, {129, 3, 7}, {37, 64, 33}}) {
            for (boolean gelu : new boolean[] {false, true}) {
                String op = gelu ? "GELU layer backward" : "tanh layer backward";
                String shape = "dy " + mkn[0] + "x" + mkn[2] + ", w " + mkn[1] + "x" + mkn[2];
                pattern(out, op, shape, () -> {
                    Builder b = new Builder(DType.FLOAT32, op + " " + shape);
                    int dy = b.input(DType.FLOAT32, mkn[0], mkn[2]);
                    int w = b.input(DType.FLOAT32, mkn[1], mkn[2]);
                    int pre = b.input(DType.FLOAT32, mkn[0], mkn[1]);
                    int x = b.input(DType.FLOAT32, mkn[0], 5);
                    int wt = b.movement(Kind.TRANSPOSE, w, new int[] {mkn[2], mkn[1]}, new int[] {1, 0}, null, null);
                    int back = b.matmul(dy, wt);
                    int t = b.op(Kind.TANH, gelu ? b.constant(Kind.MULC, pre, 0.8) : pre);
                    int d = b.constant(Kind.ADDC, b.op(Kind.NEG, b.op(Kind.MUL, t, t)), 1);
                    if (gelu) {
                        // 0.5 (1 + t) + 0.4 pre (1 - t^2): GELU's derivative with the cubic term left out
                        d = b.op(
                                Kind.ADD,
                                b.constant(Kind.MULC, b.constant(Kind.ADDC, t, 1), 0.5),
                                b.op(Kind.MUL, b.constant(Kind.MULC, pre, 0.4), d));
                    }
                    int g = b.op(Kind.MUL, back, d);
                    int xt = b.movement(Kind.TRANSPOSE, x, new int[] {5, mkn[0]}, new int[] {1, 0}, null, null);
                    b.outputs.add(b.matmul(xt, g));
                    b.outputs.add(b.reduce(Kind.SUM, g, new int[] {0}, false));
                    return b.done();
                });
            }
        }
        for (int i = 0; i < PROGRAMS; i++) {
            long seed = FIRST_SEED + i;
            out.add(new Case(
                    name(), "random programs", programDType(seed).jaxName(), "seed " + seed, () -> generate(seed)
                            .check()));
        }
        return out;
    }

    private void pattern(List<Case> out, String op, String variant, java.util.function.Supplier<Program> make) {
        pattern(out, op, DType.FLOAT32, variant, make);
    }

    private void pattern(
            List<Case> out, String op, DType t, String variant, java.util.function.Supplier<Program> make) {
        out.add(new Case(name(), op, t.jaxName(), variant, () -> make.get().check()));
    }

    /** The random program of a seed, as text. */
    static String describe(long seed) {
        return generate(seed).toString();
    }

    private static Program softmax(DType t, int rows, int n) {
        Builder b = new Builder(t, "softmax rows " + t + " " + rows + "x" + n);
        int x = b.input(t, rows, n);
        int m = b.reduce(Kind.RMAX, x, new int[] {1}, true);
        int e = b.op(Kind.EXP, b.op(Kind.SUB, x, m));
        b.op(Kind.DIV, e, b.reduce(Kind.SUM, e, new int[] {1}, true));
        return b.done();
    }

    private static Program layerNorm(DType t, int rows, int n) {
        Builder b = new Builder(t, "layer norm rows " + t + " " + rows + "x" + n);
        int x = b.input(t, rows, n);
        int mean = b.constant(Kind.DIVC, b.reduce(Kind.SUM, x, new int[] {1}, true), n);
        int d = b.op(Kind.SUB, x, mean);
        int var = b.constant(Kind.DIVC, b.reduce(Kind.SUM, b.op(Kind.MUL, d, d), new int[] {1}, true), n);
        b.op(Kind.DIV, d, b.op(Kind.SQRT, b.constant(Kind.ADDC, var, 1e-3)));
        return b.done();
    }

    // ------------------------------------------------------------------ programs

    enum Kind {
        INPUT,
        NEG,
        ABS,
        TANH,
        SIN,
        COS,
        SIGMOID,
        EXP,
        LOG1P_ABS,
        SQRT1P_ABS,
        SQRT,
        ADD,
        SUB,
        MUL,
        MAX,
        MIN,
        DIV_SAFE,
        DIV,
        ADDC,
        MULC,
        DIVC,
        WHERE,
        SUM,
        RMAX,
        RMIN,
        TRANSPOSE,
        RESHAPE,
        SLICE,
        FLIP,
        BROADCAST,
        MATMUL,
        ASTYPE,
        IOTA,
        CUMSUM,
        TAKE
    }

    /**
     * One value of a program: how it is made from earlier values ({@code args}), its spec, and a
     * bound on its magnitude that keeps generated programs away from overflow.
     */
    record Node(Kind kind, int[] args, ArraySpec spec, double bound, int[] ints, int[] ints2, int[] ints3, double c) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT)).append('(');
            for (int i = 0; i < args.length; i++) {
                b.append(i > 0 ? ", " : "").append('v').append(args[i]);
            }
            if (ints != null) {
                b.append(args.length > 0 ? ", " : "").append(Arrays.toString(ints));
            }
            if (ints2 != null) {
                b.append(", ").append(Arrays.toString(ints2));
            }
            if (ints3 != null) {
                b.append(", ").append(Arrays.toString(ints3));
            }
            if (c != 0) {
                b.append(", ").append(c);
            }
            return b.append(") : ").append(spec).toString();
        }
    }

    /** A value in the float64 shadow evaluation: the exact-ish value and a bound on any evaluation's error. */
    record Shadow(Array v, Array e) {}

    static final class Program {
        final String name;
        final DType dtype;
        final List<Node> nodes;
        final List<Integer> outputs;
        final List<HostBuffer> data;

        Program(String name, DType dtype, List<Node> nodes, List<Integer> outputs, List<HostBuffer> data) {
            this.name = name;
            this.dtype = dtype;
            this.nodes = nodes;
            this.outputs = outputs;
            this.data = data;
        }

        List<Array> run(List<Array> inputs) {
            Array[] v = new Array[nodes.size()];
            int next = 0;
            for (int i = 0; i < v.length; i++) {
                Node n = nodes.get(i);
                v[i] = n.kind() == Kind.INPUT ? inputs.get(next++) : apply(n, v, v);
            }
            List<Array> out = new ArrayList<>();
            for (int o : outputs) {
                out.add(v[o]);
            }
            return out;
        }

        private List<Array> arrays() {
            List<Array> xs = new ArrayList<>();
            for (HostBuffer h : data) {
                xs.add(Host.array(h));
            }
            return xs;
        }

        /** Runs the three ways and judges each result. */
        void check() {
            List<HostBuffer> eager = hosts(run(arrays()));
            Function<List<Array>, List<Array>> f = this::run;
            List<HostBuffer> fused = hosts(Kiln.jit(f).apply(arrays()));
            boolean reference = Check.underReference();
            try {
                if (dtype.isFloating()) {
                    Shadow[] s = Kiln.withBackend(Check.REFERENCE, this::shadow);
                    for (int k = 0; k < outputs.size(); k++) {
                        Node n = nodes.get(outputs.get(k));
                        HostBuffer exact = Host.of(
                                n.spec().dtype(),
                                n.spec().shape(),
                                Host.doubles(s[outputs.get(k)].v().toHost()));
                        double[] bound = Host.doubles(s[outputs.get(k)].e().toHost());
                        Rule rule = new Rule(2, n.spec().dtype() == DType.FLOAT32 ? 1e-30 : 1e-300, 2, false);
                        // the rule's scale is the error bound of the float64 evaluation, not a sum of terms
                        String what = "output " + k + " (v" + outputs.get(k) + ", within 2 x its error bound)";
                        Check.same(what + " fused (jit) vs float64 evaluation", exact, fused.get(k), rule, bound);
                        Check.same(what + " unfused (eager) vs float64 evaluation", exact, eager.get(k), rule, bound);
                        if (!reference) {
                            HostBuffer ref = Kiln.withBackend(Check.REFERENCE, () -> hosts(run(arrays())))
                                    .get(k);
                            Check.same(what + " reference backend vs float64 evaluation", exact, ref, rule, bound);
                        }
                    }
                } else {
                    List<HostBuffer> ref =
                            reference ? eager : Kiln.withBackend(Check.REFERENCE, () -> hosts(run(arrays())));
                    for (int k = 0; k < outputs.size(); k++) {
                        Check.same(
                                "output " + k + " fused (jit) vs reference",
                                ref.get(k),
                                fused.get(k),
                                Tolerance.exact(),
                                null);
                        Check.same(
                                "output " + k + " unfused (eager) vs reference",
                                ref.get(k),
                                eager.get(k),
                                Tolerance.exact(),
                                null);
                    }
                }
            } catch (AssertionError e) {
                String plan;
                try {
                    plan = Kiln.explain(f).apply(arrays());
                } catch (RuntimeException ex) {
                    plan = "(no plan: " + ex + ")";
                }
                throw new AssertionError(e.getMessage() + "\n" + this + "\nKiln's plan:\n" + plan, e);
            }
        }

        private static List<HostBuffer> hosts(List<Array> xs) {
            return xs.stream().map(Array::toHost).toList();
        }

        // -------------------------------------------------------------- the program itself

        /** Node {@code n} applied to its operands: {@code first} holds its first operand, {@code rest} the others. */
        private static Array apply(Node n, Array[] first, Array[] rest) {
            Array a = first[n.args()[0]];
            Array b = n.args().length > 1 ? rest[n.args()[1]] : null;
            Array[] v = rest;
            return switch (n.kind()) {
                case INPUT -> throw new IllegalStateException();
                case NEG -> Np.negative(a);
                case ABS -> Np.abs(a);
                case TANH -> Np.tanh(a);
                case SIN -> Np.sin(a);
                case COS -> Np.cos(a);
                case SIGMOID -> Np.sigmoid(a);
                case EXP -> Np.exp(a);
                case LOG1P_ABS -> Np.log(Np.abs(a).add(1));
                case SQRT1P_ABS -> Np.sqrt(Np.abs(a).add(1));
                case SQRT -> Np.sqrt(a);
                case ADD -> Np.add(a, b);
                case SUB -> Np.subtract(a, b);
                case MUL -> Np.multiply(a, b);
                case MAX -> Np.maximum(a, b);
                case MIN -> Np.minimum(a, b);
                case DIV_SAFE -> Np.divide(a, Np.abs(b).add(1));
                case DIV -> Np.divide(a, b);
                case ADDC -> a.add(n.c());
                case MULC -> a.multiply(n.c());
                case DIVC -> a.divide(n.c());
                case WHERE -> Np.where(Np.greater(a, 0), b, v[n.args()[2]]);
                case SUM -> Np.sum(a, n.ints(), n.ints2()[0] != 0);
                case RMAX -> Np.max(a, n.ints(), n.ints2()[0] != 0);
                case RMIN -> Np.min(a, n.ints(), n.ints2()[0] != 0);
                case TRANSPOSE -> Np.transpose(a, n.ints());
                case RESHAPE -> Np.reshape(a, n.ints());
                case SLICE -> Lax.slice(a, n.ints(), n.ints2(), n.ints3());
                case FLIP -> Np.flip(a, n.ints()[0]);
                case BROADCAST -> Np.broadcastTo(a, n.ints());
                case MATMUL -> Np.matmul(a, b);
                case ASTYPE -> a.astype(n.spec().dtype());
                case IOTA -> {
                    Array i = Np.arange(a.shape(a.ndim() - 1)).astype(a.dtype());
                    yield a.add(a.dtype().isFloating() ? i.multiply(n.c()) : i.multiply((int) n.c()));
                }
                case CUMSUM -> Np.cumsum(a, n.ints()[0]);
                case TAKE -> Np.take(a, Np.array(n.ints2()), n.ints()[0]);
            };
        }

        // -------------------------------------------------------------- the float64 shadow

        /** Every value in float64 with a bound on the error of a float evaluation of the program. */
        Shadow[] shadow() {
            Shadow[] s = new Shadow[nodes.size()];
            int next = 0;
            for (int i = 0; i < s.length; i++) {
                Node n = nodes.get(i);
                if (n.kind() == Kind.INPUT) {
                    Array x = Host.array(data.get(next++)).astype(DType.FLOAT64);
                    s[i] = new Shadow(x, Np.zerosLike(x));
                } else {
                    s[i] = shadow(n, s);
                }
            }
            return s;
        }

        private Shadow shadow(Node n, Shadow[] s) {
            Shadow a = n.args().length > 0 ? s[n.args()[0]] : null;
            Shadow b = n.args().length > 1 ? s[n.args()[1]] : null;
            double eps = Tolerance.epsilon(n.spec().dtype());
            return switch (n.kind()) {
                case INPUT -> throw new IllegalStateException();
                case NEG -> new Shadow(Np.negative(a.v()), a.e());
                case ABS -> new Shadow(Np.abs(a.v()), a.e());
                case TANH -> transcendental(Np.tanh(a.v()), a.e(), eps, true);
                case SIN -> transcendental(Np.sin(a.v()), a.e(), eps, true);
                case COS -> transcendental(Np.cos(a.v()), a.e(), eps, true);
                case SIGMOID -> transcendental(Np.sigmoid(a.v()), a.e().multiply(0.25), eps, false);
                case EXP -> {
                    Array v = Np.exp(a.v());
                    yield new Shadow(v, Np.abs(v).multiply(Np.expm1(a.e())).add(rounding(v, 4 * eps)));
                }
                case LOG1P_ABS -> {
                    Array y = Np.abs(a.v()).add(1);
                    Array ey = a.e().add(y.multiply(eps));
                    Array v = Np.log(y);
                    yield new Shadow(
                            v,
                            ey.divide(y.subtract(ey)).add(rounding(v, 4 * eps)).add(4 * eps));
                }
                case SQRT1P_ABS -> {
                    Array y = Np.abs(a.v()).add(1);
                    yield sqrt(y, a.e().add(y.multiply(eps)), eps);
                }
                case SQRT -> sqrt(a.v(), a.e(), eps);
                case ADD -> {
                    Array v = Np.add(a.v(), b.v());
                    yield new Shadow(v, Np.add(a.e(), b.e()).add(rounding(v, eps)));
                }
                case SUB -> {
                    Array v = Np.subtract(a.v(), b.v());
                    yield new Shadow(v, Np.add(a.e(), b.e()).add(rounding(v, eps)));
                }
                case MUL -> {
                    Array v = Np.multiply(a.v(), b.v());
                    Array e = Np.multiply(Np.abs(b.v()), a.e())
                            .add(Np.multiply(Np.abs(a.v()), b.e()))
                            .add(Np.multiply(a.e(), b.e()));
                    yield new Shadow(v, e.add(rounding(v, eps)));
                }
                case MAX -> new Shadow(Np.maximum(a.v(), b.v()), Np.maximum(a.e(), b.e()));
                case MIN -> new Shadow(Np.minimum(a.v(), b.v()), Np.maximum(a.e(), b.e()));
                case DIV_SAFE -> {
                    // 1 + |b| is rounded in b's dtype, which may be narrower than the quotient's
                    Array d = Np.abs(b.v()).add(1);
                    double epsB =
                            Tolerance.epsilon(nodes.get(n.args()[1]).spec().dtype());
                    yield quotient(a, d, b.e().add(d.multiply(epsB)), eps);
                }
                case DIV -> quotient(a, b.v(), b.e(), eps);
                case ADDC -> {
                    Array v = a.v().add(n.c());
                    yield new Shadow(v, a.e().add(rounding(v, eps)));
                }
                case MULC -> {
                    Array v = a.v().multiply(n.c());
                    yield new Shadow(v, a.e().multiply(Math.abs(n.c())).add(rounding(v, eps)));
                }
                case DIVC -> {
                    Array v = a.v().divide(n.c());
                    yield new Shadow(v, a.e().divide(Math.abs(n.c())).add(rounding(v, eps)));
                }
                case WHERE -> {
                    Array c = Np.greater(a.v(), 0);
                    Shadow z = s[n.args()[2]];
                    yield new Shadow(Np.where(c, b.v(), z.v()), Np.where(c, b.e(), z.e()));
                }
                case SUM -> {
                    boolean keep = n.ints2()[0] != 0;
                    long terms = a.v().size() / Math.max(1, Shape.size(n.spec().shape()));
                    Rule r = Tolerance.reduction("sum", n.spec().dtype(), terms);
                    Array v = Np.sum(a.v(), n.ints(), keep);
                    Array e = Np.sum(a.e(), n.ints(), keep)
                            .add(Np.sum(Np.abs(a.v()), n.ints(), keep).multiply(r.relative()));
                    yield new Shadow(v, e.add(rounding(v, r.ulps() * eps)));
                }
                case RMAX ->
                    new Shadow(Np.max(a.v(), n.ints(), n.ints2()[0] != 0), Np.max(a.e(), n.ints(), n.ints2()[0] != 0));
                case RMIN ->
                    new Shadow(Np.min(a.v(), n.ints(), n.ints2()[0] != 0), Np.max(a.e(), n.ints(), n.ints2()[0] != 0));
                case TRANSPOSE, RESHAPE, SLICE, FLIP, BROADCAST, TAKE -> {
                    Array[] values = new Array[n.args()[0] + 1];
                    Array[] errors = new Array[n.args()[0] + 1];
                    values[n.args()[0]] = a.v();
                    errors[n.args()[0]] = a.e();
                    yield new Shadow(apply(n, values, values), apply(n, errors, errors));
                }
                case MATMUL -> {
                    int k = a.v().shape(a.v().ndim() - 1);
                    Rule r = Tolerance.contraction(n.spec().dtype(), k);
                    Array v = Np.matmul(a.v(), b.v());
                    Array e = Np.matmul(a.e(), Np.abs(b.v()))
                            .add(Np.matmul(Np.abs(a.v()), b.e()))
                            .add(Np.matmul(a.e(), b.e()))
                            .add(Np.matmul(Np.abs(a.v()), Np.abs(b.v())).multiply(r.relative()));
                    yield new Shadow(v, e.add(rounding(v, r.ulps() * eps)));
                }
                case ASTYPE ->
                    new Shadow(a.v(), n.spec().dtype() == DType.FLOAT64 ? a.e() : a.e().add(rounding(a.v(), eps)));
                case IOTA -> {
                    Array v = a.v().add(Np.arange(a.v().shape(a.v().ndim() - 1))
                            .astype(DType.FLOAT64)
                            .multiply(n.c()));
                    yield new Shadow(v, a.e().add(rounding(v, eps)));
                }
                case CUMSUM -> {
                    int axis = n.ints()[0];
                    Rule r = Tolerance.reduction("cumsum", n.spec().dtype(), a.v().shape(axis));
                    Array v = Np.cumsum(a.v(), axis);
                    Array e = Np.cumsum(a.e(), axis)
                            .add(Np.cumsum(Np.abs(a.v()), axis).multiply(r.relative()));
                    yield new Shadow(v, e.add(rounding(v, r.ulps() * eps)));
                }
            };
        }

        private static Array rounding(Array v, double eps) {
            return Np.abs(v).multiply(eps);
        }

        private static Shadow transcendental(Array v, Array carried, double eps, boolean floor) {
            Array e = carried.add(rounding(v, 4 * eps));
            return new Shadow(v, floor ? e.add(4 * eps) : e);
        }

        private static Shadow sqrt(Array y, Array ey, double eps) {
            Array v = Np.sqrt(y);
            Array low = Np.maximum(y.subtract(ey), 1e-300);
            return new Shadow(v, ey.divide(Np.sqrt(low).multiply(2)).add(rounding(v, 2 * eps)));
        }

        /** {@code a / d} where {@code |d|} exceeds its error {@code ed}. */
        private static Shadow quotient(Shadow a, Array d, Array ed, double eps) {
            Array v = Np.divide(a.v(), d);
            Array room = Np.maximum(Np.abs(d).subtract(ed), 1e-300);
            Array e = a.e().add(Np.abs(v).multiply(ed)).divide(room);
            return new Shadow(v, e.add(rounding(v, eps)));
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(name).append(":\n");
            for (int i = 0; i < nodes.size(); i++) {
                b.append("  v").append(i).append(" = ").append(nodes.get(i)).append('\n');
            }
            b.append("  outputs ");
            for (int o : outputs) {
                b.append('v').append(o).append(' ');
            }
            return b.toString().stripTrailing();
        }
    }

    // ------------------------------------------------------------------ building programs

    /** Builds a program node by node, computing specs and magnitude bounds; inputs get seeded data. */
    static final class Builder {
        private static final double INPUT_BOUND = 2;
        final String name;
        final DType dtype;
        final List<Node> nodes = new ArrayList<>();
        final List<ArraySpec> inputSpecs = new ArrayList<>();
        final List<Integer> outputs = new ArrayList<>();

        Builder(DType dtype, String name) {
            this.dtype = dtype;
            this.name = name;
        }

        Node node(int i) {
            return nodes.get(i);
        }

        private int add(
                Kind k, int[] args, ArraySpec spec, double bound, int[] ints, int[] ints2, int[] ints3, double c) {
            nodes.add(new Node(k, args, spec, bound, ints, ints2, ints3, c));
            return nodes.size() - 1;
        }

        int input(DType t, int... shape) {
            inputSpecs.add(ArraySpec.of(t, shape));
            return add(
                    Kind.INPUT,
                    new int[0],
                    ArraySpec.of(t, shape),
                    t.isFloating() ? INPUT_BOUND : 20,
                    null,
                    null,
                    null,
                    0);
        }

        /** An elementwise op of one or two operands (NumPy broadcasting, JAX promotion). */
        int op(Kind k, int... args) {
            Node a = node(args[0]);
            ArraySpec spec = a.spec();
            double bound;
            if (args.length == 2) {
                Node b = node(args[1]);
                spec = ArraySpec.of(
                        DType.promote(a.spec().dtype(), b.spec().dtype()),
                        Shape.broadcast(a.spec().shape(), b.spec().shape()));
                bound = switch (k) {
                    case ADD, SUB -> a.bound() + b.bound();
                    case MUL -> a.bound() * b.bound();
                    case MAX, MIN -> Math.max(a.bound(), b.bound());
                    case DIV_SAFE -> a.bound();
                    case DIV -> a.bound() * 1e3;
                    default -> throw new IllegalArgumentException(k + " is not binary");
                };
            } else {
                bound = switch (k) {
                    case NEG, ABS -> a.bound();
                    case TANH, SIN, COS, SIGMOID -> 1;
                    case EXP -> Math.exp(a.bound());
                    case LOG1P_ABS -> Math.log1p(a.bound());
                    case SQRT1P_ABS -> Math.sqrt(1 + a.bound());
                    case SQRT -> Math.sqrt(a.bound());
                    default -> throw new IllegalArgumentException(k + " is not unary");
                };
            }
            return add(k, args, spec, bound, null, null, null, 0);
        }

        int constant(Kind k, int a, double c) {
            Node x = node(a);
            double bound =
                    switch (k) {
                        case ADDC -> x.bound() + Math.abs(c);
                        case MULC -> x.bound() * Math.abs(c);
                        case DIVC -> x.bound() / Math.abs(c);
                        default -> throw new IllegalArgumentException(k.toString());
                    };
            return add(k, new int[] {a}, x.spec(), bound, null, null, null, c);
        }

        int where(int cond, int a, int b) {
            int[] shape = Shape.broadcast(
                    Shape.broadcast(node(cond).spec().shape(), node(a).spec().shape()),
                    node(b).spec().shape());
            DType t = DType.promote(node(a).spec().dtype(), node(b).spec().dtype());
            return add(
                    Kind.WHERE,
                    new int[] {cond, a, b},
                    ArraySpec.of(t, shape),
                    Math.max(node(a).bound(), node(b).bound()),
                    null,
                    null,
                    null,
                    0);
        }

        int reduce(Kind k, int a, int[] axes, boolean keep) {
            int[] s = node(a).spec().shape();
            List<Integer> out = new ArrayList<>();
            long terms = 1;
            for (int d = 0; d < s.length; d++) {
                if (Arrays.binarySearch(axes, d) >= 0) {
                    terms *= s[d];
                    if (keep) {
                        out.add(1);
                    }
                } else {
                    out.add(s[d]);
                }
            }
            double bound = k == Kind.SUM ? node(a).bound() * terms : node(a).bound();
            return add(
                    k,
                    new int[] {a},
                    node(a).spec()
                            .withShape(out.stream().mapToInt(Integer::intValue).toArray()),
                    bound,
                    axes.clone(),
                    new int[] {keep ? 1 : 0},
                    null,
                    0);
        }

        int movement(Kind k, int a, int[] outShape, int[] ints, int[] ints2, int[] ints3) {
            return add(k, new int[] {a}, node(a).spec().withShape(outShape), node(a).bound(), ints, ints2, ints3, 0);
        }

        int matmul(int a, int b) {
            int[] sa = node(a).spec().shape();
            int[] sb = node(b).spec().shape();
            int k = sa[sa.length - 1];
            int[] out = Arrays.copyOf(sa, sa.length);
            out[out.length - 1] = sb[1];
            if (sa.length == 1) {
                out = new int[] {sb[1]};
            }
            DType t = DType.promote(node(a).spec().dtype(), node(b).spec().dtype());
            return add(
                    Kind.MATMUL,
                    new int[] {a, b},
                    ArraySpec.of(t, out),
                    node(a).bound() * node(b).bound() * k,
                    null,
                    null,
                    null,
                    0);
        }

        int astype(int a, DType t) {
            return add(Kind.ASTYPE, new int[] {a}, node(a).spec().withDType(t), node(a).bound(), null, null, null, 0);
        }

        int iota(int a, double c) {
            int[] s = node(a).spec().shape();
            return add(
                    Kind.IOTA,
                    new int[] {a},
                    node(a).spec(),
                    node(a).bound() + Math.abs(c) * s[s.length - 1],
                    null,
                    null,
                    null,
                    c);
        }

        int cumsum(int a, int axis) {
            return add(
                    Kind.CUMSUM,
                    new int[] {a},
                    node(a).spec(),
                    node(a).bound() * node(a).spec().dim(axis),
                    new int[] {axis},
                    null,
                    null,
                    0);
        }

        int take(int a, int axis, int[] indices) {
            int[] s = node(a).spec().shape();
            s[axis] = indices.length;
            return add(
                    Kind.TAKE,
                    new int[] {a},
                    node(a).spec().withShape(s),
                    node(a).bound(),
                    new int[] {axis},
                    indices.clone(),
                    null,
                    0);
        }

        /** The program with the last value as output (and any marked earlier), and seeded input data. */
        Program done() {
            return done(new SplittableRandom(name.hashCode()));
        }

        Program done(SplittableRandom r) {
            if (outputs.isEmpty() || outputs.get(outputs.size() - 1) != nodes.size() - 1) {
                outputs.add(nodes.size() - 1);
            }
            List<HostBuffer> data = new ArrayList<>();
            for (ArraySpec s : inputSpecs) {
                HostBuffer h = HostBuffer.allocate(s);
                for (int i = 0; i < s.size(); i++) {
                    switch (s.dtype()) {
                        case FLOAT32 -> h.floats()[i] = (float) (r.nextDouble() * 4 - 2);
                        case FLOAT64 -> h.doubles()[i] = r.nextDouble() * 4 - 2;
                        case INT32 -> h.ints()[i] = r.nextInt(41) - 20;
                        default -> throw new IllegalArgumentException(s.toString());
                    }
                }
                data.add(h);
            }
            return new Program(name, dtype, List.copyOf(nodes), List.copyOf(outputs), data);
        }
    }

    // ------------------------------------------------------------------ random programs

    private static final int[] DIMS = {1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33};
    private static final int MAX_SIZE = 4096;
    private static final double MAX_BOUND = 1e6;

    private static SplittableRandom random(long seed) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x2545F4914F6CDD1DL);
    }

    /** The main dtype of a seed's program (its first random draw, so listing cases stays cheap). */
    static DType programDType(long seed) {
        int d = random(seed).nextInt(20);
        return d < 11 ? DType.FLOAT32 : d < 16 ? DType.FLOAT64 : DType.INT32;
    }

    static Program generate(long seed) {
        SplittableRandom r = random(seed);
        DType t = programDType(seed);
        r.nextInt(20);
        Builder b = new Builder(t, "random program, seed " + seed);
        int rank = r.nextInt(20) == 0 ? 0 : 1 + r.nextInt(3);
        int[] base = new int[rank];
        do {
            for (int d = 0; d < rank; d++) {
                base[d] = DIMS[r.nextInt(DIMS.length)];
            }
        } while (Shape.size(base) > 2048);
        b.input(t, base);
        if (r.nextBoolean()) {
            b.input(inputDType(r, t), compatible(r, base));
        }
        int ops = 3 + r.nextInt(10);
        for (int made = 0, tries = 0; made < ops && tries < 200; tries++) {
            if (randomOp(r, b, t)) {
                made++;
            }
        }
        for (int i = 0; i < b.nodes.size() - 1 && b.outputs.size() < 2; i++) {
            if (b.node(i).kind() != Kind.INPUT && r.nextInt(6) == 0) {
                b.outputs.add(i);
            }
        }
        return b.done(r);
    }

    private static DType inputDType(SplittableRandom r, DType t) {
        if (t.isFloating() && r.nextInt(8) == 0) {
            return t == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
        }
        return t;
    }

    /** A shape that broadcasts against {@code s}: itself, a suffix of it, or it with some dims set to 1. */
    private static int[] compatible(SplittableRandom r, int[] s) {
        int[] out =
                switch (r.nextInt(3)) {
                    case 0 -> s.clone();
                    case 1 -> Arrays.copyOfRange(s, r.nextInt(s.length + 1), s.length);
                    default -> {
                        int[] c = s.clone();
                        for (int d = 0; d < c.length; d++) {
                            if (r.nextBoolean()) {
                                c[d] = 1;
                            }
                        }
                        yield c;
                    }
                };
        return out;
    }

    /** A recent value, more likely the later ones, so programs form chains as well as trees. */
    private static int pick(SplittableRandom r, Builder b) {
        int n = b.nodes.size();
        int back = 0;
        while (back < n - 1 && r.nextInt(3) == 0) {
            back++;
        }
        return n - 1 - back;
    }

    private static boolean randomOp(SplittableRandom r, Builder b, DType t) {
        boolean real = t.isFloating();
        int a = pick(r, b);
        Node x = b.node(a);
        int[] s = x.spec().shape();
        int roll = r.nextInt(100);
        if (roll < 20) {
            Kind[] unary = real
                    ? new Kind[] {
                        Kind.NEG,
                        Kind.ABS,
                        Kind.TANH,
                        Kind.SIN,
                        Kind.COS,
                        Kind.SIGMOID,
                        Kind.EXP,
                        Kind.LOG1P_ABS,
                        Kind.SQRT1P_ABS
                    }
                    : new Kind[] {Kind.NEG, Kind.ABS};
            Kind k = unary[r.nextInt(unary.length)];
            if (k == Kind.EXP && x.bound() > 8) {
                return false;
            }
            b.op(k, a);
            return true;
        }
        if (roll < 45) {
            Kind[] binary = real
                    ? new Kind[] {Kind.ADD, Kind.SUB, Kind.MUL, Kind.MAX, Kind.MIN, Kind.DIV_SAFE}
                    : new Kind[] {Kind.ADD, Kind.SUB, Kind.MUL, Kind.MAX, Kind.MIN};
            Kind k = binary[r.nextInt(binary.length)];
            int other = partner(r, b, a, t);
            if (other < 0) {
                return false;
            }
            int[] args = r.nextBoolean() ? new int[] {a, other} : new int[] {other, a};
            Node p = b.node(args[0]);
            Node q = b.node(args[1]);
            if (k == Kind.MUL && real && p.bound() * q.bound() > MAX_BOUND) {
                return false;
            }
            b.op(k, args);
            return true;
        }
        if (roll < 50) {
            int cond = b.input(t, compatible(r, s));
            int other = partner(r, b, a, t);
            if (other < 0) {
                return false;
            }
            b.where(cond, a, other);
            return true;
        }
        if (roll < 62) {
            if (s.length == 0) {
                return false;
            }
            List<Integer> axes = new ArrayList<>();
            for (int d = 0; d < s.length; d++) {
                if (r.nextBoolean()) {
                    axes.add(d);
                }
            }
            if (axes.isEmpty()) {
                axes.add(r.nextInt(s.length));
            }
            int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
            int which = r.nextInt(10);
            Kind k = which < 6 ? Kind.SUM : which < 8 ? Kind.RMAX : Kind.RMIN;
            if (k == Kind.SUM && real && x.bound() * x.spec().size() > MAX_BOUND) {
                return false;
            }
            b.reduce(k, a, ax, r.nextBoolean());
            return true;
        }
        if (roll < 80) {
            return movement(r, b, a);
        }
        if (roll < 86) {
            if (s.length == 0) {
                return false;
            }
            int k = s[s.length - 1];
            int n = DIMS[r.nextInt(DIMS.length)];
            if (x.spec().size() / k * n > MAX_SIZE || (real && x.bound() * 2 * k > MAX_BOUND)) {
                return false;
            }
            int w;
            if (r.nextInt(3) == 0) {
                int wt = b.input(inputDType(r, t), n, k);
                w = b.movement(Kind.TRANSPOSE, wt, new int[] {k, n}, new int[] {1, 0}, null, null);
            } else {
                w = b.input(inputDType(r, t), k, n);
            }
            b.matmul(a, w);
            return true;
        }
        if (roll < 89 && real) {
            b.astype(a, x.spec().dtype() == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32);
            return true;
        }
        if (roll < 93) {
            if (s.length == 0) {
                return false;
            }
            b.iota(a, real ? 0.25 : 3);
            return true;
        }
        if (s.length == 0) {
            return false;
        }
        int axis = r.nextInt(s.length);
        if (r.nextBoolean()) {
            if (real && x.bound() * s[axis] > MAX_BOUND) {
                return false;
            }
            b.cumsum(a, axis);
        } else {
            int[] idx = new int[1 + r.nextInt(5)];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = r.nextInt(s[axis]);
            }
            int[] out = s.clone();
            out[axis] = idx.length;
            if (Shape.size(out) > MAX_SIZE) {
                return false;
            }
            b.take(a, axis, idx);
        }
        return true;
    }

    /** A value to combine with {@code a}: an earlier one whose shape broadcasts with it, or a new input. */
    private static int partner(SplittableRandom r, Builder b, int a, DType t) {
        int[] s = b.node(a).spec().shape();
        if (r.nextBoolean()) {
            List<Integer> fits = new ArrayList<>();
            for (int i = 0; i < b.nodes.size(); i++) {
                int[] u = Shape.broadcast(s, b.node(i).spec().shape());
                if (u != null
                        && Shape.size(u) <= MAX_SIZE
                        && b.node(i).spec().dtype().isFloating() == t.isFloating()) {
                    fits.add(i);
                }
            }
            if (!fits.isEmpty()) {
                return fits.get(r.nextInt(fits.size()));
            }
        }
        return b.input(inputDType(r, t), compatible(r, s));
    }

    private static boolean movement(SplittableRandom r, Builder b, int a) {
        int[] s = b.node(a).spec().shape();
        int rank = s.length;
        switch (r.nextInt(6)) {
            case 0 -> {
                if (rank < 2) {
                    return false;
                }
                int[] perm = shuffled(r, rank);
                int[] out = new int[rank];
                for (int i = 0; i < rank; i++) {
                    out[i] = s[perm[i]];
                }
                b.movement(Kind.TRANSPOSE, a, out, perm, null, null);
            }
            case 1 -> {
                int[] out = reshaped(r, s);
                if (out == null) {
                    return false;
                }
                b.movement(Kind.RESHAPE, a, out, out, null, null);
            }
            case 2 -> {
                if (rank == 0) {
                    return false;
                }
                int[] start = new int[rank];
                int[] limit = s.clone();
                int[] stride = new int[rank];
                int[] out = s.clone();
                Arrays.fill(stride, 1);
                for (int d = 0; d < rank; d++) {
                    if (s[d] > 1 && r.nextBoolean()) {
                        start[d] = r.nextInt(s[d]);
                        limit[d] = start[d] + 1 + r.nextInt(s[d] - start[d]);
                        stride[d] = 1 + r.nextInt(3);
                        out[d] = (limit[d] - start[d] + stride[d] - 1) / stride[d];
                    }
                }
                b.movement(Kind.SLICE, a, out, start, limit, stride);
            }
            case 3 -> {
                if (rank == 0) {
                    return false;
                }
                b.movement(Kind.FLIP, a, s, new int[] {r.nextInt(rank)}, null, null);
            }
            case 4 -> {
                int[] out;
                List<Integer> ones = new ArrayList<>();
                for (int d = 0; d < rank; d++) {
                    if (s[d] == 1) {
                        ones.add(d);
                    }
                }
                if (!ones.isEmpty() && r.nextBoolean()) {
                    out = s.clone();
                    out[ones.get(r.nextInt(ones.size()))] = 2 + r.nextInt(4);
                } else {
                    out = new int[rank + 1];
                    out[0] = 2 + r.nextInt(2);
                    System.arraycopy(s, 0, out, 1, rank);
                }
                if (Shape.size(out) > MAX_SIZE || out.length > 4) {
                    return false;
                }
                b.movement(Kind.BROADCAST, a, out, out, null, null);
            }
            default -> {
                // a transposed value read through a reshape: a cut for the planner, not an index map
                if (rank < 2) {
                    return false;
                }
                int[] perm = shuffled(r, rank);
                int[] t = new int[rank];
                for (int i = 0; i < rank; i++) {
                    t[i] = s[perm[i]];
                }
                int tr = b.movement(Kind.TRANSPOSE, a, t, perm, null, null);
                int[] flat = {Shape.size(s)};
                b.movement(Kind.RESHAPE, tr, flat, flat, null, null);
            }
        }
        return true;
    }

    private static int[] shuffled(SplittableRandom r, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /** Merges two neighbouring dims, splits one, adds a 1, or flattens; null when none applies. */
    private static int[] reshaped(SplittableRandom r, int[] s) {
        int rank = s.length;
        switch (r.nextInt(4)) {
            case 0 -> {
                if (rank < 2) {
                    return null;
                }
                int d = r.nextInt(rank - 1);
                int[] out = new int[rank - 1];
                for (int i = 0, j = 0; i < rank; i++) {
                    if (i == d + 1) {
                        out[j - 1] *= s[i];
                    } else {
                        out[j++] = s[i];
                    }
                }
                return out;
            }
            case 1 -> {
                for (int d = 0; d < rank; d++) {
                    for (int f = 2; f < s[d]; f++) {
                        if (s[d] % f == 0 && rank < 4) {
                            int[] out = new int[rank + 1];
                            System.arraycopy(s, 0, out, 0, d);
                            out[d] = f;
                            out[d + 1] = s[d] / f;
                            System.arraycopy(s, d + 1, out, d + 2, rank - d - 1);
                            return out;
                        }
                    }
                }
                return null;
            }
            case 2 -> {
                if (rank >= 4) {
                    return null;
                }
                int d = r.nextInt(rank + 1);
                int[] out = new int[rank + 1];
                System.arraycopy(s, 0, out, 0, d);
                out[d] = 1;
                System.arraycopy(s, d, out, d + 1, rank - d);
                return out;
            }
            default -> {
                return new int[] {Shape.size(s)};
            }
        }
    }
}
