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

    private static void nested() {
        Function<Array, Array> f = x -> Np.add(Lax.psum(x, "i"), Np.multiply(Lax.psum(x, "j"), 10));
        Array x = input(2, 2, 3);
        Function<Array, Array> mesh = Kiln.pmap(Kiln.pmap(f, "j"), "i");
        if (deviceCount() < 2) {
            expectThrows(DeviceException.class, "only " + deviceCount(), () -> mesh.apply(x));
            return;
        }
        Array got = mesh.apply(x);
        float[] xs = x.toFloatArray();
        double[] want = new double[12];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) {
                    double si = xs[(0 * 2 + j) * 3 + k] + xs[(1 * 2 + j) * 3 + k];
                    double sj = xs[(i * 2 + 0) * 3 + k] + xs[(i * 2 + 1) * 3 + k];
                    want[(i * 2 + j) * 3 + k] = si + 10 * sj;
                }
            }
        }
        Check.same(
                "nested pmap",
                Host.of(DType.FLOAT32, new int[] {2, 2, 3}, want),
                got.toHost(),
                Tolerance.reduction("sum", DType.FLOAT32, 4),
                null);
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
        try {
            r.run();
        } catch (Throwable t) {
            if (!type.isInstance(t) || t.getMessage() == null || !t.getMessage().contains(fragment)) {
                throw new AssertionError(
                        "expected " + type.getSimpleName() + " mentioning '" + fragment + "', got " + t, t);
            }
            return;
        }
        throw new AssertionError(
                "expected " + type.getSimpleName() + " mentioning '" + fragment + "', nothing was thrown");
    }
}
