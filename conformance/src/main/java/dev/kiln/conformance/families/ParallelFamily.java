package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.AxisNameException;
import dev.kiln.DType;
import dev.kiln.DeviceException;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.PmapOptions;
import dev.kiln.ShapeException;
import dev.kiln.TreeException;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Collectives over a named mapped axis and {@code pmap}: every collective against its definition
 * computed on the host, for 1 to 4 members and several dtypes, both under {@code vmap} with an axis
 * name and under {@code pmap} over that many devices of the backend (where the backend has fewer, the
 * case checks that pmap refuses the axis and says so); gradients through collectives against finite
 * differences; pmap composed with grad, jit, vmap and itself; sharded results; and the errors.
 */
final class ParallelFamily implements Family {
    @Override
    public String name() {
        return "parallel";
    }

    /** One collective: its name, the per-member input shape for d members, the function, and its host definition. */
    private record Coll(
            String name, Function<Integer, int[]> shape, Function<Array, Array> f, HostDef def, boolean sums) {}

    /** Per-member outputs from per-member inputs (doubles in row-major order) and the output shape. */
    private interface HostDef {
        Out apply(List<double[]> xs, int[] shape, int d, int member);
    }

    private record Out(double[] values, int[] shape) {}

    private static final List<Coll> COLLECTIVES = List.of(
            new Coll("psum", d -> new int[] {3, 5}, x -> Lax.psum(x, "i"), ParallelFamily::sum, true),
            new Coll("pmean", d -> new int[] {4}, x -> Lax.pmean(x, "i"), ParallelFamily::mean, true),
            new Coll("pmax", d -> new int[] {7}, x -> Lax.pmax(x, "i"), (xs, s, d, m) -> extremum(xs, s, true), false),
            new Coll(
                    "pmin",
                    d -> new int[] {2, 3},
                    x -> Lax.pmin(x, "i"),
                    (xs, s, d, m) -> extremum(xs, s, false),
                    false),
            new Coll(
                    "allGather",
                    d -> new int[] {2, 3},
                    x -> Lax.allGather(x, "i"),
                    (xs, s, d, m) -> gather(xs, s, 0, false),
                    false),
            new Coll(
                    "allGather axis 1",
                    d -> new int[] {2, 3},
                    x -> Lax.allGather(x, "i", 1, false),
                    (xs, s, d, m) -> gather(xs, s, 1, false),
                    false),
            new Coll(
                    "allGather tiled",
                    d -> new int[] {2, 3},
                    x -> Lax.allGather(x, "i", 0, true),
                    (xs, s, d, m) -> gather(xs, s, 0, true),
                    false),
            new Coll(
                    "allGather tiled axis 1",
                    d -> new int[] {2, 3},
                    x -> Lax.allGather(x, "i", 1, true),
                    (xs, s, d, m) -> gather(xs, s, 1, true),
                    false),
            new Coll(
                    "psumScatter",
                    d -> new int[] {d, 3},
                    x -> Lax.psumScatter(x, "i", 0, false),
                    (xs, s, d, m) -> scatter(xs, s, d, m, false),
                    true),
            new Coll(
                    "psumScatter tiled",
                    d -> new int[] {2 * d, 3},
                    x -> Lax.psumScatter(x, "i", 0, true),
                    (xs, s, d, m) -> scatter(xs, s, d, m, true),
                    true),
            new Coll(
                    "ppermute shift",
                    d -> new int[] {5},
                    x -> Lax.ppermute(x, "i", shift(Lax.axisSize("i"))),
                    (xs, s, d, m) -> new Out(xs.get((m + d - 1) % d).clone(), s),
                    false),
            new Coll(
                    "ppermute partial",
                    d -> new int[] {2, 2},
                    x -> Lax.ppermute(x, "i", new int[][] {{0, Lax.axisSize("i") - 1}}),
                    (xs, s, d, m) -> new Out(m == d - 1 ? xs.get(0).clone() : new double[xs.get(0).length], s),
                    false),
            new Coll(
                    "allToAll",
                    d -> new int[] {d, 3},
                    x -> Lax.allToAll(x, "i", 0, 0),
                    (xs, s, d, m) -> allToAll(xs, s, d, m, false),
                    false),
            new Coll(
                    "allToAll concat 1",
                    d -> new int[] {d, 3},
                    x -> Lax.allToAll(x, "i", 0, 1),
                    (xs, s, d, m) -> allToAll(xs, s, d, m, true),
                    false),
            new Coll(
                    "axisIndex",
                    d -> new int[] {2},
                    x -> Np.add(Np.multiply(x, 0), Lax.axisIndex("i").astype(x.dtype())),
                    (xs, s, d, m) -> new Out(new double[] {m, m}, s),
                    false));

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (Coll c : COLLECTIVES) {
            List<DType> dtypes = c.name().equals("pmean")
                    ? List.of(DType.FLOAT32, DType.FLOAT64)
                    : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64);
            for (DType t : dtypes) {
                for (int d = 1; d <= 4; d++) {
                    int members = d;
                    out.add(new Case(
                            name(), c.name(), t.jaxName(), "vmap over " + d, () -> check(c, t, members, false)));
                    out.add(new Case(
                            name(),
                            c.name(),
                            t.jaxName(),
                            "pmap over " + d + " devices",
                            () -> check(c, t, members, true)));
                }
            }
        }
        for (String g : List.of("psum", "pmean", "pmax", "allGather", "psumScatter", "ppermute", "allToAll")) {
            for (int d : new int[] {1, 3}) {
                out.add(new Case(
                        name(),
                        "grad " + g,
                        "float64",
                        "vmap(grad) over " + d + " vs finite differences",
                        () -> gradient(g, d, false)));
            }
            out.add(new Case(
                    name(), "grad " + g, "float64", "pmap(grad) over 2 vs vmap(grad)", () -> gradient(g, 2, true)));
        }
        out.add(new Case(
                name(), "composition", "float32", "grad(pmap f) vs finite differences", ParallelFamily::gradOfPmap));
        out.add(new Case(name(), "composition", "float32", "jit(pmap f) equals vmap", ParallelFamily::jitOfPmap));
        out.add(new Case(
                name(),
                "composition",
                "float64",
                "jit(grad(pmap f)), shared weights, vs grad(vmap f)",
                ParallelFamily::jitGradOfPmap));
        out.add(new Case(
                name(), "composition", "float32", "vmap(pmap f) equals vmap(vmap f)", ParallelFamily::vmapOfPmap));
        out.add(new Case(
                name(), "composition", "float32", "pmap(vmap f) with both axes named", ParallelFamily::pmapOfVmap));
        out.add(new Case(name(), "composition", "float32", "nested pmap over a 2x2 mesh", ParallelFamily::nested));
        out.add(new Case(
                name(), "errors", Case.ANY_DTYPE, "nested pmap needing more devices", ParallelFamily::nestedTooMany));
        out.add(new Case(name(), "options", "float32", "in_axes None and 1", ParallelFamily::inAxes));
        out.add(new Case(name(), "options", "float32", "out_axes None and 1", ParallelFamily::outAxes));
        out.add(new Case(
                name(),
                "pshuffle",
                "float32",
                "pshuffle, pswapaxes, pbroadcast under vmap and pmap",
                ParallelFamily::shuffles));
        out.add(new Case(name(), "options", "float32", "static argument", ParallelFamily::staticArgument));
        out.add(new Case(name(), "options", "float32", "donated arguments", ParallelFamily::donated));
        out.add(new Case(name(), "options", "float32", "axis_size", ParallelFamily::axisSize));
        out.add(new Case(name(), "options", "float32", "pytree in and out", ParallelFamily::pytrees));
        out.add(new Case(name(), "options", "float32", "more devices than slices", ParallelFamily::extraDevices));
        out.add(new Case(name(), "errors", Case.ANY_DTYPE, "no mapped argument", ParallelFamily::noneMapped));
        for (boolean pmap : new boolean[] {false, true}) {
            out.add(new Case(
                    name(),
                    "psumTree",
                    "float32",
                    (pmap ? "pmap" : "vmap") + ": one collective per dtype equals psum and pmean per leaf",
                    () -> trees(pmap)));
        }
        out.add(new Case(
                name(),
                "sharded",
                "float32",
                "result is sharded, prints, converts, feeds pmap",
                ParallelFamily::sharded));
        out.add(new Case(name(), "errors", Case.ANY_DTYPE, "wrong axis name", ParallelFamily::wrongName));
        out.add(new Case(name(), "errors", Case.ANY_DTYPE, "axis longer than devices", ParallelFamily::tooLong));
        out.add(new Case(name(), "errors", Case.ANY_DTYPE, "mismatched mapped lengths", ParallelFamily::mismatched));
        out.add(new Case(
                name(), "errors", Case.ANY_DTYPE, "psumScatter length not the axis size", ParallelFamily::badScatter));
        out.add(new Case(
                name(), "errors", Case.ANY_DTYPE, "collective outside any mapped axis", ParallelFamily::unbound));
        return out;
    }

    // ------------------------------------------------------------------ collectives vs host

    private static void check(Coll c, DType t, int d, boolean pmap) {
        int[] s = c.shape().apply(d);
        List<double[]> xs = new ArrayList<>();
        java.util.Random r = new java.util.Random(31L * d + c.name().hashCode() + t.ordinal());
        int n = dev.kiln.Shape.size(s);
        for (int m = 0; m < d; m++) {
            double[] x = new double[n];
            for (int k = 0; k < n; k++) {
                x[k] = t.isFloating() ? Math.round(r.nextGaussian() * 1000) / 64.0 : r.nextInt(201) - 100;
            }
            xs.add(x);
        }
        List<HostBuffer> ins = new ArrayList<>();
        List<HostBuffer> expected = new ArrayList<>();
        for (int m = 0; m < d; m++) {
            ins.add(Host.of(t, s, xs.get(m)));
            Out o = c.def().apply(xs, s, d, m);
            expected.add(Host.of(t, o.shape(), o.values()));
        }
        HostBuffer want = HostOps.stack(expected, 0);
        Array x = Host.array(HostOps.stack(ins, 0));
        Rule rule = c.sums() && t.isFloating() ? Tolerance.reduction("sum", t, d) : Tolerance.exact();
        if (!pmap) {
            Check.same(
                    c.name() + " under vmap over " + d,
                    want,
                    Kiln.vmap(c.f(), "i").apply(x).toHost(),
                    rule,
                    scale(want));
            return;
        }
        List<Device> devices = Kiln.devices(Kiln.currentBackend().name());
        Function<Array, Array> f = Kiln.pmap(c.f(), "i");
        if (devices.size() < d) {
            expectThrows(DeviceException.class, "only " + devices.size(), () -> f.apply(x));
            return;
        }
        Array got = Kiln.pmap(c.f(), PmapOptions.axisName("i").devices(devices.subList(0, d)))
                .apply(x);
        Check.that(
                got.isSharded() && got.shards().size() == d,
                "pmap over " + d + " devices gave " + got.shards().size() + " shards");
        Check.same(c.name() + " under pmap over " + d + " devices", want, got.toHost(), rule, scale(want));
    }

    private static double[] scale(HostBuffer h) {
        return Tolerance.maxMagnitude(Host.doubles(h));
    }

    private static Out sum(List<double[]> xs, int[] s, int d, int m) {
        double[] o = new double[xs.get(0).length];
        for (double[] x : xs) {
            for (int k = 0; k < o.length; k++) {
                o[k] += x[k];
            }
        }
        return new Out(o, s);
    }

    private static Out mean(List<double[]> xs, int[] s, int d, int m) {
        double[] o = sum(xs, s, d, m).values();
        for (int k = 0; k < o.length; k++) {
            o[k] /= d;
        }
        return new Out(o, s);
    }

    private static Out extremum(List<double[]> xs, int[] s, boolean max) {
        double[] o = xs.get(0).clone();
        for (double[] x : xs) {
            for (int k = 0; k < o.length; k++) {
                o[k] = max ? Math.max(o[k], x[k]) : Math.min(o[k], x[k]);
            }
        }
        return new Out(o, s);
    }

    /** Stacked on a new axis, or concatenated along {@code axis} (shape [a, b] per member). */
    private static Out gather(List<double[]> xs, int[] s, int axis, boolean tiled) {
        int d = xs.size();
        int a = s[0];
        int b = s[1];
        double[] o = new double[d * a * b];
        int[] shape;
        if (axis == 0) {
            for (int j = 0; j < d; j++) {
                System.arraycopy(xs.get(j), 0, o, j * a * b, a * b);
            }
            shape = tiled ? new int[] {d * a, b} : new int[] {d, a, b};
        } else {
            // [a, d, b]: row i holds every member's row i
            for (int i = 0; i < a; i++) {
                for (int j = 0; j < d; j++) {
                    System.arraycopy(xs.get(j), i * b, o, (i * d + j) * b, b);
                }
            }
            shape = tiled ? new int[] {a, d * b} : new int[] {a, d, b};
        }
        return new Out(o, shape);
    }

    private static Out scatter(List<double[]> xs, int[] s, int d, int m, boolean tiled) {
        double[] total = sum(xs, s, d, m).values();
        int rows = s[0] / d;
        int c = s[1];
        double[] o = new double[rows * c];
        System.arraycopy(total, m * rows * c, o, 0, rows * c);
        return new Out(o, tiled ? new int[] {rows, c} : new int[] {c});
    }

    private static Out allToAll(List<double[]> xs, int[] s, int d, int m, boolean concat1) {
        int c = s[1];
        double[] o = new double[d * c];
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < c; k++) {
                double v = xs.get(j)[m * c + k];
                o[concat1 ? k * d + j : j * c + k] = v;
            }
        }
        return new Out(o, concat1 ? new int[] {c, d} : new int[] {d, c});
    }

    private static int[][] shift(int d) {
        int[][] p = new int[d][];
        for (int j = 0; j < d; j++) {
            p[j] = new int[] {j, (j + 1) % d};
        }
        return p;
    }

    // ------------------------------------------------------------------ gradients

    /** A per-member loss through one collective, weighted per member so that members differ. */
    private static Function<Array, Array> loss(String g, Array w) {
        return x -> {
            int d = Lax.axisSize("i");
            Array y =
                    switch (g) {
                        case "psum" -> Lax.psum(Np.sin(x), "i");
                        case "pmean" -> Lax.pmean(Np.multiply(x, x), "i");
                        case "pmax" -> Lax.pmax(x, "i");
                        case "allGather" -> Lax.allGather(Np.tanh(x), "i", 0, true);
                        case "psumScatter" -> {
                            List<Array> parts = new ArrayList<>();
                            for (int k = 0; k < d; k++) {
                                parts.add(Np.multiply(x, k + 1));
                            }
                            yield Lax.psumScatter(Np.sin(Np.concatenate(parts, 0)), "i", 0, true);
                        }
                        case "ppermute" -> Lax.ppermute(Np.exp(x), "i", shift(d));
                        case "allToAll" -> Lax.allToAll(Np.broadcastTo(Np.sin(x), d, 1, 4), "i", 0, 0);
                        default -> throw new IllegalArgumentException(g);
                    };
            Array weight = Np.sum(Np.take(w, Lax.axisIndex("i"), 0));
            return Np.add(Np.multiply(weight, Np.sum(y)), Np.sum(Np.multiply(y, y)));
        };
    }

    /**
     * {@code vmap(grad(loss), "i")} is the gradient of the members' total loss (JAX's semantics: a
     * collective's transpose gathers every member's cotangent), checked by finite differences of
     * {@code sum(vmap(loss, "i")(x))} in float64; {@code pmap(grad(loss))} must give the same.
     */
    private static void gradient(String g, int d, boolean pmap) {
        java.util.Random r = new java.util.Random(7 + d + g.hashCode());
        double[] xv = new double[d * 4];
        double[] wv = new double[d * 4];
        for (int k = 0; k < xv.length; k++) {
            xv[k] = r.nextDouble() * 1.6 - 0.8;
            wv[k] = r.nextDouble() + 0.5;
        }
        if (g.equals("pmax")) {
            for (int k = 0; k < xv.length; k++) {
                xv[k] += k; // keep the maximum away from ties
            }
        }
        Array w = Np.array(wv, d, 4);
        Function<Array, Array> l = loss(g, w);
        HostBuffer x = Host.of(DType.FLOAT64, new int[] {d, 4}, xv);
        Array grads = Kiln.vmap(Kiln.grad(l), "i").apply(Host.array(x));
        if (pmap) {
            if (deviceCount() < d) {
                expectThrows(DeviceException.class, "only", () -> Kiln.pmap(Kiln.grad(l), "i")
                        .apply(Host.array(x)));
                return;
            }
            Array p = Kiln.pmap(Kiln.grad(l), "i").apply(Host.array(x));
            Check.same(
                    "pmap(grad " + g + ") vs vmap(grad)",
                    grads.toHost(),
                    p.toHost(),
                    Tolerance.twoWays(Tolerance.derivative(DType.FLOAT64)),
                    scale(grads.toHost()));
            return;
        }
        double[] fd = FiniteDifferences.gradient(in -> Np.sum(Kiln.vmap(l, "i").apply(in.get(0))), List.of(x));
        HostBuffer want = Host.of(DType.FLOAT64, new int[] {d, 4}, fd);
        Check.same(
                "vmap(grad " + g + ") over " + d + " vs finite differences",
                want,
                grads.toHost(),
                Tolerance.finiteDifferences(),
                Tolerance.maxMagnitude(fd));
    }

    // ------------------------------------------------------------------ composition

    private static int deviceCount() {
        return Kiln.devices(Kiln.currentBackend().name()).size();
    }

    private static Array input(int... shape) {
        double[] v = new double[dev.kiln.Shape.size(shape)];
        for (int k = 0; k < v.length; k++) {
            v[k] = Math.sin(k * 0.7) * 2;
        }
        return Host.array(Host.of(DType.FLOAT32, shape, v));
    }

    private static void gradOfPmap() {
        int d = Math.min(2, deviceCount());
        Function<Array, Array> f = x -> Np.multiply(Lax.psum(Np.multiply(x, x), "i"), Np.sin(x));
        List<Device> devices = Kiln.devices(Kiln.currentBackend().name()).subList(0, d);
        // the finite differences run on the reference backend; the pmap stays on the devices under test
        Function<Array, Array> total = x ->
                Np.sum(Kiln.pmap(f, PmapOptions.axisName("i").devices(devices)).apply(x));
        Array x = input(d, 3).astype(DType.FLOAT64);
        Array g = Kiln.grad(total).apply(x);
        double[] fd = FiniteDifferences.gradient(in -> total.apply(in.get(0)), List.of(x.toHost()));
        Check.same(
                "grad(pmap f) vs finite differences",
                Host.of(DType.FLOAT64, new int[] {d, 3}, fd),
                g.toHost(),
                Tolerance.finiteDifferences(),
                Tolerance.maxMagnitude(fd));
    }

    private static void jitOfPmap() {
        int d = Math.min(3, deviceCount());
        Function<Array, Array> f = x -> Np.subtract(x, Lax.pmean(x, "i"));
        Array x = input(d, 5);
        Check.same(
                "jit(pmap f) vs vmap",
                Kiln.vmap(f, "i").apply(x).toHost(),
                Kiln.jit(Kiln.pmap(f, "i")).apply(x).toHost(),
                Tolerance.reduction("sum", DType.FLOAT32, d),
                null);
    }

    /**
     * Data-parallel shape: weights every device gets whole, data split, the loss averaged with pmean
     * and returned unmapped; the gradient of the weights is the devices' total, as under vmap.
     */
    private static void jitGradOfPmap() {
        int d = Math.min(3, deviceCount());
        List<Device> devices = Kiln.devices(Kiln.currentBackend().name()).subList(0, d);
        java.util.function.BiFunction<Array, Array, Array> f =
                (w, x) -> Lax.pmean(Np.sum(Np.square(Np.tanh(Np.matmul(x, w)))), "i");
        java.util.function.BiFunction<Array, Array, Array> p = Kiln.pmap(
                f, PmapOptions.axisName("i").inAxes(null, 0).outAxes(null).devices(devices));
        Function<Object[], Array> v = Kiln.vmap(
                (Object[] a) -> f.apply((Array) a[0], (Array) a[1]),
                new dev.kiln.VmapOptions("i", null, new Integer[] {null, 0}, 0));
        Array w = input(4, 3).astype(DType.FLOAT64);
        Array x = Np.cos(input(d, 2, 4)).astype(DType.FLOAT64);
        Array got = Kiln.jit(Kiln.grad((Array q) -> p.apply(q, x))).apply(w);
        Array want = Kiln.grad((Array q) -> Np.take(v.apply(new Object[] {q, x}), Np.scalar(0), 0))
                .apply(w);
        Check.same(
                "jit(grad(pmap f)) vs grad(vmap f)",
                want.toHost(),
                got.toHost(),
                Tolerance.twoWays(Tolerance.derivative(DType.FLOAT64)),
                scale(want.toHost()));
    }

    private static void vmapOfPmap() {
        int d = Math.min(2, deviceCount());
        Function<Array, Array> f = x -> Np.subtract(Np.exp(x), Lax.pmean(Np.multiply(x, x), "i"));
        Array x = input(3, d, 4);
        Check.same(
                "vmap(pmap f) vs vmap(vmap f)",
                Kiln.vmap(Kiln.vmap(f, "i")).apply(x).toHost(),
                Kiln.vmap(Kiln.pmap(f, "i")).apply(x).toHost(),
                Tolerance.twoWays(Tolerance.composite(DType.FLOAT32)),
                scale(Kiln.vmap(Kiln.vmap(f, "i")).apply(x).toHost()));
    }

    private static void pmapOfVmap() {
        int d = Math.min(2, deviceCount());
        Function<Array, Array> inner =
                x -> Lax.psum(Lax.psum(x, "j"), "i").add(Lax.axisIndex("j").astype(DType.FLOAT32));
        Array x = input(d, 3, 4);
        Array got = Kiln.pmap(Kiln.vmap(inner, "j"), "i").apply(x);
        Array want = Kiln.vmap(Kiln.vmap(inner, "j"), "i").apply(x);
        Check.same("pmap(vmap f)", want.toHost(), got.toHost(), Tolerance.reduction("sum", DType.FLOAT32, 3 * d), null);
        HostBuffer w = want.toHost();
        float[] xs = x.toFloatArray();
        float total = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < 3; j++) {
                total += xs[(i * 3 + j) * 4];
            }
        }
        Check.that(
                Math.abs(w.floats()[0] - total) <= 1e-4 * (1 + Math.abs(total)),
                "psum over both axes gave " + w.floats()[0] + " where " + total + " was expected");
    }

    /**
     * {@code pmap(pmap(f, "i"), "j")} over a 2x2 mesh needs 4 devices, one per (j, i) pair (JAX documents
     * the product of the sizes as bounded by the device count); with fewer it is refused. The values are
     * JAX's for the same function under {@code shard_map} over a 2x2 mesh of axes ('j', 'i'): the inner
     * sum, the outer sum, the sum over both ({@code psum(x, ('j', 'i'))}) and the joint index
     * ({@code axis_index(('j', 'i'))} = 2j + i), here computed on the host.
     */
    private static void nested() {
        Function<Array, Array> f = x -> Np.add(
                Np.add(Lax.psum(x, "i"), Np.multiply(Lax.psum(x, "j"), 10)),
                Np.add(
                        Np.multiply(Lax.psum(x, "j", "i"), 100),
                        Np.multiply(Lax.axisIndex("j", "i").astype(DType.FLOAT32), 1000)));
        Array x = input(2, 2, 3);
        Function<Array, Array> mesh = Kiln.pmap(Kiln.pmap(f, "i"), "j");
        if (deviceCount() < 4) {
            expectThrows(
                    DeviceException.class,
                    deviceCount() < 2 ? "only " + deviceCount() : "2 × 2 = 4, but only " + deviceCount(),
                    () -> mesh.apply(x));
            return;
        }
        Array got = mesh.apply(x);
        float[] xs = x.toFloatArray();
        double[] want = new double[12];
        for (int j = 0; j < 2; j++) {
            for (int i = 0; i < 2; i++) {
                for (int k = 0; k < 3; k++) {
                    double si = xs[(j * 2) * 3 + k] + xs[(j * 2 + 1) * 3 + k];
                    double sj = xs[i * 3 + k] + xs[(2 + i) * 3 + k];
                    double both = xs[k] + xs[3 + k] + xs[6 + k] + xs[9 + k];
                    want[(j * 2 + i) * 3 + k] = si + 10 * sj + 100 * both + 1000 * (2 * j + i);
                }
            }
        }
        Check.same(
                "nested pmap",
                Host.of(DType.FLOAT32, new int[] {2, 2, 3}, want),
                got.toHost(),
                Tolerance.reduction("sum", DType.FLOAT32, 4),
                scale(Host.of(DType.FLOAT32, new int[] {2, 2, 3}, want)));
    }

    /** Two outer members whose inner pmaps need more devices than there are: refused, naming the count. */
    private static void nestedTooMany() {
        int d = deviceCount();
        int inner = d / 2 + 1;
        Array x = input(2, inner, 3);
        expectThrows(
                DeviceException.class, "only " + d, () -> Kiln.pmap(Kiln.pmap((Array a) -> Lax.psum(a, "i"), "i"), "j")
                        .apply(x));
    }

    private static List<Device> first(int d) {
        return Kiln.devices(Kiln.currentBackend().name()).subList(0, d);
    }

    private static void expectValues(String what, double[] want, int[] shape, Array got) {
        HostBuffer w = Host.of(DType.FLOAT32, shape, want);
        Check.same(what, w, got.toHost(), Tolerance.reduction("sum", DType.FLOAT32, 4), scale(w));
    }

    /** Values in [1, 5]: sums of them do not cancel, so one relative tolerance holds. */
    private static Array positive(int... shape) {
        return Np.add(input(shape), 3);
    }

    /** JAX: pmap(lambda a, b: a + b, in_axes=(0, None)) and pmap(f, in_axes=1). */
    private static void inAxes() {
        int d = Math.min(2, deviceCount());
        Array x = positive(d, 3);
        Array b = Np.cos(positive(3));
        Array got = Kiln.pmap(
                        (Array p, Array q) -> p.add(q),
                        PmapOptions.axisName("i").inAxes(0, null).devices(first(d)))
                .apply(x, b);
        float[] xs = x.toFloatArray();
        float[] bs = b.toFloatArray();
        double[] want = new double[d * 3];
        for (int k = 0; k < want.length; k++) {
            want[k] = xs[k] + bs[k % 3];
        }
        expectValues("in_axes (0, None)", want, new int[] {d, 3}, got);
        Array t = positive(3, d); // mapped along axis 1
        Array doubled = Kiln.pmap(
                        (Array p) -> Np.multiply(p, 2),
                        PmapOptions.axisName("i").inAxes(1).devices(first(d)))
                .apply(t);
        float[] ts = t.toFloatArray();
        double[] want2 = new double[d * 3];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < 3; k++) {
                want2[i * 3 + k] = 2 * ts[k * d + i];
            }
        }
        expectValues("in_axes 1 (the mapped axis leads the result)", want2, new int[] {d, 3}, doubled);
    }

    /**
     * JAX: out_axes=None returns one copy ([3, 5, 7] for psum over the rows of arange(6).reshape(2, 3)); a
     * value that differs per device is not checked, and JAX 0.10.2 returns device 0's ([0, 2, 4] for
     * 2·x). out_axes=1 puts the mapped axis second.
     */
    /**
     * JAX 0.10.2, under vmap(axis_name='i'): pshuffle(x, 'i', [2, 0, 1]) of arange(12).reshape(3, 4) is
     * rows [2, 0, 1]; pswapaxes(y, 'i', 0) of arange(18).reshape(3, 3, 2) gives member j the rows j of
     * every member; pbroadcast (which JAX 0.10.2 cannot lower on CPU) is checked against its
     * definition, psum(where(axis_index == source, x, 0)). The same under pmap when the backend has 3
     * devices.
     */
    private static void shuffles() {
        Array x = Np.arange(12).astype(DType.FLOAT32).reshape(3, 4);
        Array y = Np.arange(18).astype(DType.FLOAT32).reshape(3, 3, 2);
        double[] shuffled = {8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7};
        double[] swapped = {0, 1, 6, 7, 12, 13, 2, 3, 8, 9, 14, 15, 4, 5, 10, 11, 16, 17};
        double[] broadcast = {4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7};
        java.util.function.Function<Array, Array> shuffle = v -> Lax.pshuffle(v, "i", 2, 0, 1);
        java.util.function.Function<Array, Array> swap = v -> Lax.pswapaxes(v, "i", 0);
        java.util.function.Function<Array, Array> bcast = v -> Lax.pbroadcast(v, "i", 1);
        expectValues(
                "vmap pshuffle",
                shuffled,
                new int[] {3, 4},
                Kiln.vmap(shuffle, "i").apply(x));
        expectValues(
                "vmap pswapaxes",
                swapped,
                new int[] {3, 3, 2},
                Kiln.vmap(swap, "i").apply(y));
        expectValues(
                "vmap pbroadcast",
                broadcast,
                new int[] {3, 4},
                Kiln.vmap(bcast, "i").apply(x));
        if (deviceCount() >= 3) {
            PmapOptions o = PmapOptions.axisName("i").devices(first(3));
            expectValues(
                    "pmap pshuffle",
                    shuffled,
                    new int[] {3, 4},
                    Kiln.pmap(shuffle, o).apply(x));
            expectValues(
                    "pmap pswapaxes",
                    swapped,
                    new int[] {3, 3, 2},
                    Kiln.pmap(swap, o).apply(y));
            expectValues(
                    "pmap pbroadcast",
                    broadcast,
                    new int[] {3, 4},
                    Kiln.pmap(bcast, o).apply(x));
        }
        // JAX: ValueError "`perm` does not represent a permutation: [0, 0, 1]"
        expectThrows(dev.kiln.AxisException.class, "does not represent a permutation", () -> Kiln.vmap(
                        (Array v) -> Lax.pshuffle(v, "i", 0, 0, 1), "i")
                .apply(x));
        expectThrows(ShapeException.class, "must have the same length", () -> Kiln.vmap(
                        (Array v) -> Lax.pswapaxes(v, "i", 0), "i")
                .apply(x));
        expectThrows(dev.kiln.AxisException.class, "is not a member", () -> Kiln.vmap(
                        (Array v) -> Lax.pbroadcast(v, "i", 5), "i")
                .apply(x));
    }

    private static void outAxes() {
        int d = Math.min(2, deviceCount());
        Array x = positive(d, 3);
        float[] xs = x.toFloatArray();
        PmapOptions none = PmapOptions.axisName("i").outAxes(null).devices(first(d));
        double[] total = new double[3];
        double[] firstRow = new double[3];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < d; i++) {
                total[k] += xs[i * 3 + k];
            }
            firstRow[k] = 2 * xs[k];
        }
        expectValues(
                "out_axes None of psum",
                total,
                new int[] {3},
                Kiln.pmap((Array a) -> Lax.psum(a, "i"), none).apply(x));
        expectValues(
                "out_axes None of a per-device value is device 0's",
                firstRow,
                new int[] {3},
                Kiln.pmap((Array a) -> Np.multiply(a, 2), none).apply(x));
        Array moved = Kiln.pmap(
                        (Array a) -> Np.multiply(a, 2),
                        PmapOptions.axisName("i").outAxes(1).devices(first(d)))
                .apply(x);
        double[] want = new double[3 * d];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < d; i++) {
                want[k * d + i] = 2 * xs[i * 3 + k];
            }
        }
        expectValues("out_axes 1", want, new int[] {3, d}, moved);
        // JAX: pmap(lambda a: (lax.psum(a, 'i'), 2 * a), 'i', out_axes=(None, 1))(x)
        List<Array> both = Kiln.pmap(
                        (Array a) -> List.of(Lax.psum(a, "i"), Np.multiply(a, 2)),
                        PmapOptions.axisName("i").outAxes(null, 1).devices(first(d)))
                .apply(x);
        expectValues("out_axes (None, 1): the psum once", total, new int[] {3}, both.get(0));
        expectValues("out_axes (None, 1): the doubled rows, mapped axis second", want, new int[] {3, d}, both.get(1));
        expectThrows(TreeException.class, "3 out_axes entries for a result with 2 array leaves", () -> Kiln.pmap(
                        (Array a) -> List.of(a, a),
                        PmapOptions.axisName("i").outAxes(0, 0, 0).devices(first(d)))
                .apply(x));
    }

    /**
     * JAX: pmap(lambda a, k: a * k, static_broadcasted_argnums=1)(x, 3). In Kiln a value that is not an
     * array is static: every device gets it, and a new value traces again.
     */
    private static void staticArgument() {
        int d = Math.min(2, deviceCount());
        Array x = positive(d, 3);
        java.util.function.BiFunction<Array, Integer, Array> f = Kiln.pmap(
                (Array a, Integer k) -> Np.multiply(a, k.intValue()),
                PmapOptions.axisName("i").devices(first(d)));
        float[] xs = x.toFloatArray();
        for (int k : new int[] {3, -2}) {
            double[] want = new double[d * 3];
            for (int e = 0; e < want.length; e++) {
                want[e] = xs[e] * k;
            }
            expectValues("static argument " + k, want, new int[] {d, 3}, f.apply(x, k));
        }
    }

    /** JAX: donate_argnums is accepted and the result is the same (pmap(lambda a: a + 1, donate_argnums=0)). */
    private static void donated() {
        int d = Math.min(2, deviceCount());
        Array x = positive(d, 3);
        float[] xs = x.toFloatArray();
        Array got = Kiln.pmap(
                        (Array a) -> Lax.psum(Np.add(a, 1), "i"),
                        PmapOptions.axisName("i").devices(first(d)).donate())
                .apply(Np.add(x, 0));
        double[] want = new double[d * 3];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < 3; k++) {
                for (int o = 0; o < d; o++) {
                    want[i * 3 + k] += xs[o * 3 + k] + 1;
                }
            }
        }
        expectValues("donated", want, new int[] {d, 3}, got);
    }

    /** JAX: axis_size equal to the mapped length runs; another is refused ("Specified axis_size 3 doesn't match received axis_size 2"). */
    private static void axisSize() {
        int d = Math.min(2, deviceCount());
        Array x = positive(d, 3);
        Array got = Kiln.pmap(
                        (Array a) -> Np.multiply(a, Lax.axisSize("i")),
                        PmapOptions.axisName("i").devices(first(d)).axisSize(d))
                .apply(x);
        float[] xs = x.toFloatArray();
        double[] want = new double[d * 3];
        for (int e = 0; e < want.length; e++) {
            want[e] = xs[e] * d;
        }
        expectValues("axis_size", want, new int[] {d, 3}, got);
        expectThrows(ShapeException.class, "axis_size " + (d + 1), () -> Kiln.pmap(
                        (Array a) -> a, PmapOptions.axisName("i").axisSize(d + 1))
                .apply(x));
    }

    /**
     * JAX: pmap(lambda d: {'s': psum(d['a'] + d['b']), 'm': (2 * d['a'], axis_index)}) of a dict: the
     * output has the function's structure, each leaf mapped.
     */
    private static void pytrees() {
        int d = Math.min(2, deviceCount());
        Array a = positive(d, 3);
        Array b = Np.cos(positive(d, 3));
        Function<java.util.Map<String, Array>, java.util.Map<String, Object>> f = Kiln.pmap(
                in -> java.util.Map.of(
                        "s",
                        Lax.psum(in.get("a").add(in.get("b")), "i"),
                        "m",
                        List.of(Np.multiply(in.get("a"), 2), Lax.axisIndex("i"))),
                PmapOptions.axisName("i").devices(first(d)));
        java.util.Map<String, Object> out = f.apply(java.util.Map.of("a", a, "b", b));
        float[] as = a.toFloatArray();
        float[] bs = b.toFloatArray();
        double[] sum = new double[d * 3];
        double[] twice = new double[d * 3];
        double[] index = new double[d];
        for (int i = 0; i < d; i++) {
            index[i] = i;
            for (int k = 0; k < 3; k++) {
                twice[i * 3 + k] = 2 * as[i * 3 + k];
                for (int o = 0; o < d; o++) {
                    sum[i * 3 + k] += as[o * 3 + k] + bs[o * 3 + k];
                }
            }
        }
        expectValues("pytree 's'", sum, new int[] {d, 3}, (Array) out.get("s"));
        List<?> m = (List<?>) out.get("m");
        expectValues("pytree 'm'[0]", twice, new int[] {d, 3}, (Array) m.get(0));
        Array idx = (Array) m.get(1);
        Check.that(idx.dtype() == DType.INT32, "axis_index leaf is int32, got " + idx.dtype());
        expectValues("pytree 'm'[1]", index, new int[] {d}, idx.astype(DType.FLOAT32));
    }

    /** JAX 0.10.2 maps over the first devices of a longer list (pmap(f, devices=jax.devices()[:3]) of 2 slices). */
    private static void extraDevices() {
        int all = deviceCount();
        int d = Math.max(1, all - 1);
        Array x = positive(d, 3);
        Array got = Kiln.pmap(
                        (Array a) -> Lax.psum(a, "i"), PmapOptions.axisName("i").devices(first(all)))
                .apply(x);
        float[] xs = x.toFloatArray();
        double[] want = new double[d * 3];
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < 3; k++) {
                for (int o = 0; o < d; o++) {
                    want[i * 3 + k] += xs[o * 3 + k];
                }
            }
        }
        expectValues("more devices than slices", want, new int[] {d, 3}, got);
        if (got.isSharded()) {
            for (int i = 0; i < d; i++) {
                Check.that(
                        got.shards().get(i).device().equals(first(all).get(i)), "slice " + i + " ran on device " + i);
            }
        }
    }

    /**
     * {@code Lax.psumTree} and {@code pmeanTree} of a tree with float32 and int32 leaves (JAX's psum of a
     * pytree) equal {@code psum} and {@code pmean} leaf by leaf, and bind one collective per dtype.
     */
    private static void trees(boolean pmap) {
        int d = Math.min(3, deviceCount());
        java.util.Map<String, Array> in = java.util.Map.of(
                "a",
                positive(d, 2, 3),
                "b",
                Np.cos(input(d, 4)),
                "c",
                Np.arange(d * 3).reshape(d, 3));
        Function<java.util.Map<String, Array>, List<Object>> packed =
                m -> List.of(Lax.psumTree(m, "i"), Lax.pmeanTree(m, "i"));
        Function<java.util.Map<String, Array>, List<Object>> perLeaf =
                m -> List.of(dev.kiln.Tree.map(a -> Lax.psum(a, "i"), m), dev.kiln.Tree.map(a -> Lax.pmean(a, "i"), m));
        PmapOptions opts = PmapOptions.axisName("i").devices(first(d));
        List<Array> got = dev.kiln.Tree.leaves(
                pmap
                        ? Kiln.pmap(packed, opts).apply(in)
                        : Kiln.vmap(packed, "i").apply(in));
        List<Array> want = dev.kiln.Tree.leaves(Kiln.vmap(perLeaf, "i").apply(in));
        Check.that(got.size() == want.size(), "psumTree leaves: " + got.size() + " vs " + want.size());
        for (int k = 0; k < got.size(); k++) {
            Check.that(
                    got.get(k).dtype() == want.get(k).dtype(),
                    "leaf " + k + " dtype " + got.get(k).dtype());
            Check.same(
                    "psumTree/pmeanTree leaf " + k,
                    want.get(k).toHost(),
                    got.get(k).toHost(),
                    Tolerance.reduction("sum", want.get(k).dtype(), d),
                    scale(want.get(k).toHost()));
        }
        if (pmap) {
            // the pmap step's body: 2 psums per call (float32 and int32), not one per leaf (3)
            dev.kiln.ir.Program p = Kiln.makeProgram(Kiln.pmap(packed, opts)).apply(in);
            long sums = p.eqns().stream()
                    .filter(e -> e.params() instanceof dev.kiln.ir.Params.Pmap)
                    .flatMap(e -> ((dev.kiln.ir.Params.Pmap) e.params()).body().eqns().stream())
                    .filter(e -> e.primitive() == dev.kiln.ir.Primitive.PSUM)
                    .count();
            Check.that(
                    sums == 4,
                    "psumTree and pmeanTree of 2 dtypes bound " + sums + " psums where 4 were expected:\n" + p);
        }
    }

    /** JAX: "pmap requires at least one argument with a mapped axis." */
    private static void noneMapped() {
        expectThrows(dev.kiln.TreeException.class, "no argument is mapped", () -> Kiln.pmap(
                        (Array a) -> a, PmapOptions.axisName("i").inAxes((Integer) null))
                .apply(input(2, 3)));
    }

    private static void sharded() {
        int d = deviceCount();
        Array x = input(d, 3);
        Array y = Kiln.pmap((Array a) -> Np.multiply(a, 2), "i").apply(x);
        Check.that(y.isSharded(), "a pmap result is sharded");
        List<Device> seen = new ArrayList<>();
        for (Array s : y.shards()) {
            Check.that(!seen.contains(s.device()), "two shards on one device " + s.device());
            seen.add(s.device());
        }
        Array z = Kiln.pmap((Array a) -> Lax.psum(a, "i"), "i").apply(y);
        float[] xs = x.toFloatArray();
        float[] zs = z.toFloatArray();
        for (int k = 0; k < 3; k++) {
            double s = 0;
            for (int i = 0; i < d; i++) {
                s += 2 * xs[i * 3 + k];
            }
            Check.that(
                    Math.abs(zs[k] - s) <= 1e-5 * (1 + Math.abs(s)), "pmap of a sharded input: " + zs[k] + " vs " + s);
        }
        String printed = Np.array(y.toFloatArray(), d, 3).toString();
        Check.that(y.toString().equals(printed), "a sharded array prints as its values do: " + y + " vs " + printed);
        Array sum = Np.sum(y); // an unmapped function gathers it
        Check.that(
                Math.abs(sum.floatItem() - 2 * sumOf(xs)) <= 1e-4 * (1 + Math.abs(sumOf(xs))),
                "sum of a sharded array");
    }

    private static double sumOf(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s;
    }

    // ------------------------------------------------------------------ errors

    private static void wrongName() {
        expectThrows(AxisNameException.class, "'j'", () -> Kiln.vmap((Array a) -> Lax.psum(a, "j"), "i")
                .apply(input(2, 3)));
        expectThrows(AxisNameException.class, "'j'", () -> Kiln.pmap((Array a) -> Lax.psum(a, "j"), "i")
                .apply(input(1, 3)));
    }

    private static void tooLong() {
        int n = deviceCount() + 1;
        expectThrows(DeviceException.class, "only " + (n - 1), () -> Kiln.pmap((Array a) -> a, "i")
                .apply(input(n, 2)));
    }

    private static void mismatched() {
        expectThrows(ShapeException.class, "different sizes", () -> Kiln.pmap(
                        (Array a, Array b) -> a.add(b), PmapOptions.axisName("i"))
                .apply(input(1, 2), input(2, 2)));
    }

    private static void badScatter() {
        expectThrows(ShapeException.class, "psumScatter", () -> Kiln.vmap(
                        (Array a) -> Lax.psumScatter(a, "i", 0, false), "i")
                .apply(input(2, 3, 4)));
    }

    private static void unbound() {
        expectThrows(AxisNameException.class, "psum", () -> Lax.psum(input(2), "i"));
    }

    private static void expectThrows(Class<? extends Throwable> type, String fragment, Runnable r) {
        Check.throwsKiln("pmap", type, fragment, r);
    }
}
