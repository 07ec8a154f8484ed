package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.VmapOptions;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.conformance.families.Ops.Op;
import dev.kiln.conformance.families.Programs.Scaled;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code Kiln.vmap(f)(xs)} equals {@code f(x_i)} computed one example at a time and stacked, on the
 * backend under test and against per-example results of the reference backend: for every op of the
 * elementwise table and dtype, and every function of {@link Programs} (reductions, movement,
 * indexing with batched indices and starts, creation, contractions, composites). Batch axes in
 * front and last, outputs batched on another axis, one argument shared by the whole batch (the
 * two-argument form with a {@code null} axis), nested vmap, and vmap of grad.
 */
final class VmapFamily implements Family {
    private static final int BATCH = 3;

    @Override
    public String name() {
        return "vmap";
    }

    /** Where the batch axis is on the inputs (null: the input is shared) and on the output. */
    record Axes(String label, Integer first, Integer rest, int out) {}

    static final Axes FRONT = new Axes("in 0, out 0", 0, 0, 0);
    static final Axes LAST = new Axes("in -1, out -1", -1, -1, -1);
    static final Axes OUT_LAST = new Axes("in 0, out -1", 0, 0, -1);
    static final Axes FIRST_SHARED = new Axes("first argument shared", null, 0, 0);
    static final Axes REST_SHARED = new Axes("other arguments shared", 0, null, 0);

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (Op op : Ops.all()) {
            for (DType t : op.dtypes()) {
                Programs.Fn fn = Programs.elementwise(op, t, 5);
                List<Axes> patterns =
                        op.arity() == 1 ? List.of(FRONT, OUT_LAST) : List.of(FRONT, LAST, FIRST_SHARED, REST_SHARED);
                for (Axes ax : patterns) {
                    out.add(new Case(name(), op.name(), t.jaxName(), ax.label(), () -> check(fn, ax)));
                }
            }
        }
        for (Programs.Fn fn : Programs.all()) {
            List<Axes> patterns = fn.inputs().size() == 1
                    ? List.of(FRONT, LAST, OUT_LAST)
                    : List.of(FRONT, LAST, FIRST_SHARED, REST_SHARED);
            for (Axes ax : patterns) {
                out.add(new Case(name(), fn.op(), fn.dtype(), fn.label() + ": " + ax.label(), () -> check(fn, ax)));
            }
            out.add(new Case(name(), fn.op(), fn.dtype(), fn.label() + ": nested vmap(vmap(f))", () -> nested(fn)));
        }
        for (Differentiable.Fn fn : Differentiable.all()) {
            out.add(new Case(name(), fn.op(), "float32", label(fn, "vmap(grad)"), () -> vmapOfGrad(fn)));
        }
        more(out);
        return out;
    }

    private static String label(Differentiable.Fn fn, String what) {
        return fn.variant().isEmpty() ? what : fn.variant() + ": " + what;
    }

    // ---------------------------------------------------------------- one vmap against a loop

    /**
     * Draws {@link #BATCH} examples of every batched input (one value of a shared input), runs
     * {@code f} on each example, stacks the results on {@code ax.out()}, and compares that with
     * {@code vmap(f)} of the inputs stacked on their batch axes.
     */
    static void check(Programs.Fn fn, Axes ax) {
        List<List<HostBuffer>> examples = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            examples.add(fn.sample("vmap example " + i));
        }
        check(fn.label(), fn.f(), fn.rule(), examples, fn.sample("vmap shared"), ax);
    }

    /**
     * {@code vmap(f)} of the examples (inputs whose axis in {@code ax} is null come from {@code
     * shared} instead) against a loop over them, on this backend and on the reference backend.
     */
    static void check(
            String label,
            Function<List<Array>, Array> f,
            Programs.RuleFor rule,
            List<List<HostBuffer>> examples,
            List<HostBuffer> shared,
            Axes ax) {
        int n = shared.size();
        List<Integer> axes = new ArrayList<>();
        List<HostBuffer> args = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Integer a = k == 0 ? ax.first() : ax.rest();
            axes.add(a);
            if (a == null) {
                args.add(shared.get(k));
            } else {
                List<HostBuffer> column = new ArrayList<>();
                for (List<HostBuffer> e : examples) {
                    column.add(e.get(k));
                }
                args.add(HostOps.stack(column, a));
            }
        }
        Supplier<List<HostBuffer>> loop = () -> {
            List<HostBuffer> ys = new ArrayList<>();
            for (List<HostBuffer> e : examples) {
                List<HostBuffer> xs = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    xs.add(axes.get(k) == null ? shared.get(k) : e.get(k));
                }
                ys.add(f.apply(Differentiable.arrays(xs)).toHost());
            }
            return ys;
        };
        HostBuffer expected = HostOps.stack(loop.get(), ax.out());
        HostBuffer actual = batched(f, ax, args).toHost();
        Scaled s = rule.judge(args, expected);
        String what = label + " (" + ax.label() + ")";
        Check.same(what + ": vmap vs a loop", expected, actual, Tolerance.twoWays(s.rule()), s.scale());
        if (!Check.underReference()) {
            HostBuffer ref = HostOps.stack(Kiln.withBackend(Check.REFERENCE, loop::get), ax.out());
            Check.same(
                    what + ": vmap vs a loop on the reference backend",
                    ref,
                    actual,
                    Tolerance.twoWays(s.rule()),
                    s.scale());
        }
    }

    /** {@code vmap(f)} applied through the API form that can express {@code ax}. */
    private static Array batched(Function<List<Array>, Array> f, Axes ax, List<HostBuffer> args) {
        List<Array> xs = Differentiable.arrays(args);
        if (ax.first() != null && ax.first().equals(ax.rest())) {
            return Kiln.vmap(f, ax.first(), ax.out()).apply(xs);
        }
        return Kiln.vmap(
                        (Array a, List<Array> rest) -> {
                            List<Array> all = new ArrayList<>();
                            all.add(a);
                            all.addAll(rest);
                            return f.apply(all);
                        },
                        ax.first(),
                        ax.rest(),
                        ax.out())
                .apply(xs.get(0), xs.subList(1, xs.size()));
    }

    /** vmap of vmap over a (2, 3) batch against a double loop. */
    private static void nested(Programs.Fn fn) {
        int outer = 2;
        int inner = BATCH;
        List<List<HostBuffer>> examples = new ArrayList<>();
        for (int i = 0; i < outer * inner; i++) {
            examples.add(fn.sample("nested " + i));
        }
        List<HostBuffer> args = new ArrayList<>();
        for (int k = 0; k < fn.inputs().size(); k++) {
            List<HostBuffer> column = new ArrayList<>();
            for (List<HostBuffer> e : examples) {
                column.add(e.get(k));
            }
            HostBuffer flat = HostOps.stack(column, 0);
            int[] s = flat.spec().shape();
            int[] shape = new int[s.length + 1];
            shape[0] = outer;
            shape[1] = inner;
            System.arraycopy(s, 1, shape, 2, s.length - 1);
            args.add(flat.reshape(shape));
        }
        List<HostBuffer> ys = new ArrayList<>();
        for (List<HostBuffer> e : examples) {
            ys.add(fn.apply(Differentiable.arrays(e)).toHost());
        }
        HostBuffer flatY = HostOps.stack(ys, 0);
        int[] s = flatY.spec().shape();
        int[] shape = new int[s.length + 1];
        shape[0] = outer;
        shape[1] = inner;
        System.arraycopy(s, 1, shape, 2, s.length - 1);
        HostBuffer expected = flatY.reshape(shape);
        Function<List<Array>, Array> f = fn.f();
        HostBuffer actual =
                Kiln.vmap(Kiln.vmap(f)).apply(Differentiable.arrays(args)).toHost();
        Scaled sc = fn.rule().judge(args, expected);
        Check.same(
                fn.label() + ": vmap(vmap(f)) vs a double loop",
                expected,
                actual,
                Tolerance.twoWays(sc.rule()),
                sc.scale());
    }

    /** vmap of the gradient of {@code <w, f>} (w shared) against per-example gradients, in float32. */
    private static void vmapOfGrad(Differentiable.Fn fn) {
        DType t = DType.FLOAT32;
        List<List<HostBuffer>> examples = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            examples.add(fn.inputs(t, "vmap(grad) " + i));
        }
        HostBuffer y = fn.value(examples.get(0));
        HostBuffer w =
                new Gen(fn.key() + "|vmap(grad) w").random(t, Gen.UNIT, y.spec().shape());
        Function<List<Array>, List<Array>> grad =
                Kiln.grad((List<Array> a) -> Np.sum(Np.multiply(Host.array(w), fn.apply(a))));
        int n = fn.shapes().length;
        List<List<HostBuffer>> perExample = new ArrayList<>();
        for (List<HostBuffer> e : examples) {
            List<HostBuffer> g = new ArrayList<>();
            for (Array a : grad.apply(Differentiable.arrays(e))) {
                g.add(a.toHost());
            }
            perExample.add(g);
        }
        List<HostBuffer> args = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            List<HostBuffer> column = new ArrayList<>();
            for (List<HostBuffer> e : examples) {
                column.add(e.get(k));
            }
            args.add(HostOps.stack(column, 0));
        }
        List<Array> batched = Kiln.vmap(grad).apply(Differentiable.arrays(args));
        Check.that(batched.size() == n, "vmap(grad) gave " + batched.size() + " gradients for " + n + " inputs");
        List<HostBuffer> expected = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            List<HostBuffer> column = new ArrayList<>();
            for (List<HostBuffer> g : perExample) {
                column.add(g.get(k));
            }
            expected.add(HostOps.stack(column, 0));
        }
        double[] scale = Tolerance.maxMagnitude(FiniteDifferences.flatHost(expected));
        Rule rule = Tolerance.twoWays(Tolerance.derivative(t));
        for (int k = 0; k < n; k++) {
            Check.same(
                    fn.key() + ": vmap(grad) vs per-example grad (input " + k + ")",
                    expected.get(k),
                    batched.get(k).toHost(),
                    rule,
                    java.util.Arrays.copyOf(scale, expected.get(k).spec().size()));
        }
    }

    // ---------------------------------------------------------------- odds and ends

    private void more(List<Case> out) {
        out.add(new Case(name(), "unbatched output", "float32", "broadcast along the batch axis", () -> {
            Array r = Kiln.vmap((Array x) -> Np.arange(3).astype(DType.FLOAT32), 0, 1)
                    .apply(Host.array(new Gen("unbatched").random(DType.FLOAT32, Gen.UNIT, 4, 2)));
            HostBuffer row = Host.vector(DType.FLOAT32, 0, 1, 2);
            Check.same(
                    "vmap of a function that ignores its argument, out axis 1",
                    HostOps.stack(List.of(row, row, row, row), 1),
                    r.toHost(),
                    Tolerance.exact(),
                    null);
        }));
        out.add(new Case(name(), "several outputs", "float64", "a list of results, each batched", () -> {
            HostBuffer x = new Gen("several").random(DType.FLOAT64, Gen.UNIT, 4, 3);
            List<Array> r = Kiln.vmap((Array v) -> List.of(Np.sum(v), Np.multiply(v, 2), Np.max(v)))
                    .apply(Host.array(x));
            Check.that(r.size() == 3, "vmap of a function returning 3 arrays returned " + r.size());
            List<HostBuffer> sums = new ArrayList<>();
            List<HostBuffer> twice = new ArrayList<>();
            List<HostBuffer> maxes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Array row = Host.array(HostOps.slice(x, new int[] {i, 0}, new int[] {i + 1, 3}, new int[] {1, 1}))
                        .reshape(3);
                sums.add(Np.sum(row).toHost());
                twice.add(Np.multiply(row, 2).toHost());
                maxes.add(Np.max(row).toHost());
            }
            Check.same(
                    "sums",
                    HostOps.stack(sums, 0),
                    r.get(0).toHost(),
                    Tolerance.twoWays(Tolerance.reduction("sum", DType.FLOAT64, 3)),
                    Tolerance.maxMagnitude(new double[] {3, 3, 3, 3}));
            Check.same("doubled rows", HostOps.stack(twice, 0), r.get(1).toHost(), Tolerance.exact(), null);
            Check.same("maxima", HostOps.stack(maxes, 0), r.get(2).toHost(), Tolerance.exact(), null);
        }));
        out.add(new Case(name(), "out_axes per output", "float32", "(1, None), None of psum, and refusals", () -> {
            // JAX: vmap(lambda v: (2 * v, jnp.arange(3.)), out_axes=(1, None))(x) for x of shape (4, 3)
            HostBuffer x = new Gen("outaxes").random(DType.FLOAT32, Gen.UNIT, 4, 3);
            List<Array> r = Kiln.vmap(
                            (Array v) -> List.of(Np.multiply(v, 2), Np.arange(3).astype(DType.FLOAT32)),
                            new VmapOptions(null, 0, null, 0).outAxes(1, null))
                    .apply(Host.array(x));
            float[] xs = (float[]) x.data();
            float[] doubledT = new float[12];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    doubledT[j * 4 + i] = 2 * xs[i * 3 + j];
                }
            }
            Check.same(
                    "the mapped output with its batch axis at 1",
                    HostBuffer.wrap(dev.kiln.ir.ArraySpec.of(DType.FLOAT32, 3, 4), doubledT),
                    r.get(0).toHost(),
                    Tolerance.exact(),
                    null);
            Check.same(
                    "the output that is not mapped, returned once",
                    Host.vector(DType.FLOAT32, 0, 1, 2),
                    r.get(1).toHost(),
                    Tolerance.exact(),
                    null);
            // JAX: vmap(lambda v: lax.psum(v, 'i'), axis_name='i', out_axes=None) gives the total once
            Array total = Kiln.vmap(
                            (Array v) -> dev.kiln.Lax.psum(v, "i"),
                            VmapOptions.axisName("i").outAxes(null))
                    .apply(Host.array(x));
            Check.same(
                    "psum under out_axes None",
                    Np.sum(Host.array(x), 0).toHost(),
                    total.toHost(),
                    Tolerance.twoWays(Tolerance.reduction("sum", DType.FLOAT32, 4)),
                    Tolerance.maxMagnitude(new double[] {4, 4, 4}));
            // JAX raises ValueError for a mapped output whose out_axes is None, and for a wrong count
            Check.throwsKiln(
                    "vmap out_axes None of a mapped output",
                    dev.kiln.ShapeException.class,
                    "out_axes entry is null",
                    () -> Kiln.vmap(
                                    (Array v) -> Np.multiply(v, 2),
                                    VmapOptions.axisName("i").outAxes(null))
                            .apply(Host.array(x)));
            Check.throwsKiln(
                    "vmap with three out_axes for two outputs",
                    dev.kiln.TreeException.class,
                    "3 out_axes entries for a result with 2 array leaves",
                    () -> Kiln.vmap(
                                    (Array v) -> List.of(v, v),
                                    VmapOptions.axisName("i").outAxes(0, 0, 0))
                            .apply(Host.array(x)));
        }));
        out.add(new Case(name(), "batch of one", "int32", "and an empty batch", () -> {
            HostBuffer one = Host.of(DType.INT32, new int[] {1, 3}, 1, 2, 3);
            Array r = Kiln.vmap((Array v) -> Np.cumsum(v, 0)).apply(Host.array(one));
            Check.same(
                    "vmap over a batch of one",
                    Host.of(DType.INT32, new int[] {1, 3}, 1, 3, 6),
                    r.toHost(),
                    Tolerance.exact(),
                    null);
            Array empty = Kiln.vmap((Array v) -> Np.sum(v)).apply(Np.zeros(DType.INT32, 0, 3));
            Check.spec("vmap over an empty batch", empty, DType.INT32, 0);
        }));
    }
}
