package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Arrays made from every Java array type (flat with a shape, and nested), boxed scalars, and the
 * creation functions (zeros, ones, full, arange, linspace, eye, zerosLike, onesLike, fullLike) over
 * shapes that include 0-d and empty ones. The result must be on the current backend and hold
 * exactly the expected values, and the Java data must have been copied.
 */
final class CreationFamily implements Family {
    @Override
    public String name() {
        return "creation";
    }

    private void add(
            List<Case> out,
            String op,
            String dtype,
            String caseName,
            HostBuffer expected,
            Rule rule,
            Supplier<Array> f) {
        out.add(new Case(name(), op, dtype, caseName, () -> check(op, expected, rule, f)));
    }

    private static void check(String op, HostBuffer expected, Rule rule, Supplier<Array> f) {
        HostBuffer actual = Check.againstReference(op, rule, () -> {
            Array a = f.get();
            Check.that(
                    a.backend() == Kiln.currentBackend(),
                    op + ": the array was made on backend '" + a.backend().name() + "', not on the current backend '"
                            + Kiln.currentBackend().name() + "'");
            return a;
        });
        Check.same(op + " vs expected", expected, actual, rule, null);
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        Rule exact = Tolerance.bitExact();
        float[] f = {1.5f, -0.0f, Float.NaN, Float.MIN_VALUE, 3e38f, -7f};
        double[] d = {1.5, -0.0, Double.NaN, Double.MIN_VALUE, 1e308, -7};
        int[] i = {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE, 0, 7};
        long[] l = {1, -2, Long.MAX_VALUE, Long.MIN_VALUE, 0, 1L << 53 | 1};
        boolean[] b = {true, false, false, true, true, false};
        for (int[] shape : new int[][] {{}, {2, 3}, {3, 2}, {6}, {1, 6, 1}}) {
            String s = shape.length == 0 ? "default 1-d" : "shape " + Layout.shape(shape);
            int[] hs = shape.length == 0 ? new int[] {6} : shape;
            add(
                    out,
                    "array(float[])",
                    "float32",
                    s,
                    Host.of(DType.FLOAT32, hs, toDoubles(f)),
                    exact,
                    () -> Np.array(f, shape));
            add(out, "array(double[])", "float64", s, Host.of(DType.FLOAT64, hs, d), exact, () -> Np.array(d, shape));
            add(
                    out,
                    "array(int[])",
                    "int32",
                    s,
                    Host.ofLongs(DType.INT32, hs, toLongs(i)),
                    exact,
                    () -> Np.array(i, shape));
            add(out, "array(long[])", "int64", s, Host.ofLongs(DType.INT64, hs, l), exact, () -> Np.array(l, shape));
            add(
                    out,
                    "array(boolean[])",
                    "bool",
                    s,
                    Host.of(DType.BOOL, hs, 1, 0, 0, 1, 1, 0),
                    exact,
                    () -> Np.array(b, shape));
            add(
                    out,
                    "arrayUint32",
                    "uint32",
                    s,
                    Host.ofLongs(DType.UINT32, hs, toLongs(i)),
                    exact,
                    () -> Np.arrayUint32(i, shape));
        }
        add(
                out,
                "array(float[])",
                "float32",
                "empty",
                Host.of(DType.FLOAT32, new int[] {0}),
                exact,
                () -> Np.array(new float[0]));
        add(
                out,
                "array(float[])",
                "float32",
                "empty (2,0)",
                Host.of(DType.FLOAT32, new int[] {2, 0}),
                exact,
                () -> Np.array(new float[0], 2, 0));
        out.add(new Case(name(), "array(float[])", "float32", "copies its data", () -> {
            float[] data = {1, 2, 3};
            Array a = Np.array(data);
            data[0] = 99;
            Check.that(
                    a.toFloatArray()[0] == 1,
                    "Np.array(float[]) must copy: changing the Java array afterwards" + " changed the Kiln array to "
                            + a);
        }));
        // nested Java arrays
        add(
                out,
                "array(nested)",
                "float32",
                "float[][]",
                Host.of(DType.FLOAT32, new int[] {2, 3}, 1, 2, 3, 4, 5, 6),
                exact,
                () -> Np.array(new float[][] {{1, 2, 3}, {4, 5, 6}}));
        add(
                out,
                "array(nested)",
                "float64",
                "double[][][]",
                Host.of(DType.FLOAT64, new int[] {2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, -0.0),
                exact,
                () -> Np.array(new double[][][] {{{1, 2}, {3, 4}}, {{5, 6}, {7, -0.0}}}));
        add(
                out,
                "array(nested)",
                "int32",
                "int[][]",
                Host.of(DType.INT32, new int[] {3, 1}, 7, 8, 9),
                exact,
                () -> Np.array(new int[][] {{7}, {8}, {9}}));
        add(
                out,
                "array(nested)",
                "int64",
                "long[][]",
                Host.ofLongs(DType.INT64, new int[] {1, 2}, Long.MAX_VALUE, -1),
                exact,
                () -> Np.array(new long[][] {{Long.MAX_VALUE, -1}}));
        add(
                out,
                "array(nested)",
                "bool",
                "boolean[][]",
                Host.of(DType.BOOL, new int[] {2, 2}, 1, 0, 0, 1),
                exact,
                () -> Np.array(new boolean[][] {{true, false}, {false, true}}));
        add(
                out,
                "array(nested)",
                "float32",
                "float[] through Object",
                Host.of(DType.FLOAT32, new int[] {2}, 1, 2),
                exact,
                () -> Np.array((Object) new float[] {1, 2}));
        // boxed and primitive scalars are 0-d
        add(
                out,
                "array(Number)",
                "float32",
                "Float",
                Host.of(DType.FLOAT32, new int[0], 2.5),
                exact,
                () -> Np.array((Object) 2.5f));
        add(
                out,
                "array(Number)",
                "float64",
                "Double",
                Host.of(DType.FLOAT64, new int[0], 2.5),
                exact,
                () -> Np.array((Object) 2.5));
        add(
                out,
                "array(Number)",
                "int32",
                "Integer",
                Host.of(DType.INT32, new int[0], 7),
                exact,
                () -> Np.array((Object) 7));
        add(
                out,
                "array(Number)",
                "int64",
                "Long",
                Host.ofLongs(DType.INT64, new int[0], 1L << 40),
                exact,
                () -> Np.array((Object) (1L << 40)));
        add(
                out,
                "array(Number)",
                "bool",
                "Boolean",
                Host.of(DType.BOOL, new int[0], 1),
                exact,
                () -> Np.array((Object) Boolean.TRUE));
        add(out, "scalar", "float32", "float", Host.of(DType.FLOAT32, new int[0], -0.0), exact, () -> Np.scalar(-0.0f));
        add(
                out,
                "scalar",
                "float64",
                "double",
                Host.of(DType.FLOAT64, new int[0], 1e-310),
                exact,
                () -> Np.scalar(1e-310));
        add(out, "scalar", "int32", "int", Host.of(DType.INT32, new int[0], -3), exact, () -> Np.scalar(-3));
        add(
                out,
                "scalar",
                "int64",
                "long",
                Host.ofLongs(DType.INT64, new int[0], Long.MIN_VALUE),
                exact,
                () -> Np.scalar(Long.MIN_VALUE));
        add(out, "scalar", "bool", "boolean", Host.of(DType.BOOL, new int[0], 0), exact, () -> Np.scalar(false));
        fills(out);
        ranges(out);
        return out;
    }

    private void fills(List<Case> out) {
        Rule exact = Tolerance.bitExact();
        for (int[] shape : new int[][] {{}, {1}, {3}, {2, 3}, {0}, {2, 0, 3}, {129}}) {
            String s = Layout.shape(shape);
            int n = dev.kiln.Shape.size(shape);
            add(
                    out,
                    "zeros",
                    "float32",
                    s + " default dtype",
                    Host.of(DType.FLOAT32, shape, new double[n]),
                    exact,
                    () -> Np.zeros(shape));
            add(
                    out,
                    "ones",
                    "float32",
                    s + " default dtype",
                    Host.of(DType.FLOAT32, shape, filled(n, 1)),
                    exact,
                    () -> Np.ones(shape));
            add(
                    out,
                    "full",
                    "float32",
                    s + " default dtype",
                    Host.of(DType.FLOAT32, shape, filled(n, 2.5)),
                    exact,
                    () -> Np.full(2.5, shape));
            for (DType t : DType.values()) {
                add(out, "zeros", t.jaxName(), s, Host.of(t, shape, new double[n]), exact, () -> Np.zeros(t, shape));
                add(out, "ones", t.jaxName(), s, Host.of(t, shape, filled(n, 1)), exact, () -> Np.ones(t, shape));
                add(out, "full", t.jaxName(), s, Host.of(t, shape, filled(n, 7)), exact, () -> Np.full(t, 7, shape));
            }
        }
        for (DType t : DType.values()) {
            HostBuffer like = new Gen("like" + t).random(t, Gen.INTS, 2, 3);
            add(
                    out,
                    "zerosLike",
                    t.jaxName(),
                    "(2,3)",
                    Host.of(t, new int[] {2, 3}, new double[6]),
                    exact,
                    () -> Np.zerosLike(Host.array(like)));
            add(
                    out,
                    "onesLike",
                    t.jaxName(),
                    "(2,3)",
                    Host.of(t, new int[] {2, 3}, filled(6, 1)),
                    exact,
                    () -> Np.onesLike(Host.array(like)));
            add(
                    out,
                    "onesLike",
                    t.jaxName(),
                    "0-d",
                    Host.of(t, new int[0], 1),
                    exact,
                    () -> Np.onesLike(Host.array(Host.of(t, new int[0], 0))));
            add(
                    out,
                    "fullLike",
                    t.jaxName(),
                    "(2,3)",
                    Host.of(t, new int[] {2, 3}, filled(6, 1)),
                    exact,
                    () -> Np.fullLike(Host.array(like), 1));
        }
        add(
                out,
                "full",
                "float64",
                "NaN",
                Host.of(DType.FLOAT64, new int[] {3}, Double.NaN, Double.NaN, Double.NaN),
                exact,
                () -> Np.full(DType.FLOAT64, Double.NaN, 3));
        add(
                out,
                "full",
                "int32",
                "truncates 2.9",
                Host.of(DType.INT32, new int[] {2}, 2, 2),
                exact,
                () -> Np.full(DType.INT32, 2.9, 2));
    }

    private void ranges(List<Case> out) {
        Rule exact = Tolerance.bitExact();
        for (int[] r : new int[][] {{0, 5, 1}, {2, 9, 3}, {10, 0, -3}, {5, 5, 1}, {5, 0, 1}, {-4, 4, 2}, {0, 129, 1}}) {
            int start = r[0];
            int stop = r[1];
            int step = r[2];
            List<Long> v = new ArrayList<>();
            for (long k = start; step > 0 ? k < stop : k > stop; k += step) {
                v.add(k);
            }
            long[] values = v.stream().mapToLong(Long::longValue).toArray();
            HostBuffer expected = Host.ofLongs(DType.INT32, new int[] {values.length}, values);
            add(
                    out,
                    "arange",
                    "int32",
                    start + ".." + stop + " step " + step,
                    expected,
                    exact,
                    () -> Np.arange(start, stop, step));
            if (step == 1) {
                add(out, "arange", "int32", start + ".." + stop, expected, exact, () -> Np.arange(start, stop));
                if (start == 0) {
                    add(out, "arange", "int32", "stop " + stop, expected, exact, () -> Np.arange(stop));
                }
            }
        }
        Rule oneUlp = Tolerance.elementwise("multiply", DType.FLOAT32);
        for (double[] r : new double[][] {{0, 1, 0.1}, {-1, 1, 0.25}, {5, 0, -0.5}, {0, 0, 1}}) {
            int n = (int) Math.max(0, Math.ceil((r[1] - r[0]) / r[2]));
            double[] e = new double[n];
            for (int k = 0; k < n; k++) {
                e[k] = r[0] + k * r[2];
            }
            add(
                    out,
                    "arange",
                    "float32",
                    r[0] + ".." + r[1] + " step " + r[2],
                    Host.of(DType.FLOAT32, new int[] {n}, e),
                    oneUlp,
                    () -> Np.arange(r[0], r[1], r[2]));
        }
        for (Object[] c : new Object[][] {
            {0.0, 1.0, 5, true, DType.FLOAT32},
            {-2.0, 3.0, 11, true, DType.FLOAT64},
            {0.0, 1.0, 4, false, DType.FLOAT32},
            {1.0, 1.0, 1, true, DType.FLOAT32},
            {0.0, 10.0, 0, true, DType.FLOAT32},
            {3.0, -1.0, 129, true, DType.FLOAT64}
        }) {
            double start = (double) c[0];
            double stop = (double) c[1];
            int num = (int) c[2];
            boolean endpoint = (boolean) c[3];
            DType t = (DType) c[4];
            double div = endpoint ? num - 1 : num;
            double step = div > 0 ? (stop - start) / div : 0;
            double[] e = new double[num];
            for (int k = 0; k < num; k++) {
                e[k] = endpoint && k == num - 1 && num > 1 ? stop : start + k * step;
            }
            Rule rule = Tolerance.elementwise("multiply", t);
            String caseName = start + ".." + stop + " num " + num + (endpoint ? "" : " no endpoint");
            add(
                    out,
                    "linspace",
                    t.jaxName(),
                    caseName,
                    Host.of(t, new int[] {num}, e),
                    rule,
                    () -> t == DType.FLOAT32 && endpoint
                            ? Np.linspace(start, stop, num)
                            : Np.linspace(start, stop, num, endpoint, t));
        }
        for (int[] c :
                new int[][] {{3, 3, 0}, {2, 4, 0}, {4, 2, 0}, {4, 4, 1}, {4, 4, -2}, {3, 5, 7}, {0, 0, 0}, {1, 1, 0}}) {
            int n = c[0];
            int m = c[1];
            int k = c[2];
            double[] e = new double[n * m];
            for (int r = 0; r < n; r++) {
                for (int col = 0; col < m; col++) {
                    e[r * m + col] = col - r == k ? 1 : 0;
                }
            }
            for (DType t : List.of(DType.FLOAT32, DType.INT32, DType.BOOL)) {
                add(
                        out,
                        "eye",
                        t.jaxName(),
                        n + "x" + m + " k=" + k,
                        Host.of(t, new int[] {n, m}, e),
                        exact,
                        () -> Np.eye(n, m, k, t));
            }
            if (k == 0) {
                add(
                        out,
                        "eye",
                        "float32",
                        n + "x" + m,
                        Host.of(DType.FLOAT32, new int[] {n, m}, e),
                        exact,
                        () -> Np.eye(n, m));
                if (n == m) {
                    add(
                            out,
                            "eye",
                            "float32",
                            "n=" + n,
                            Host.of(DType.FLOAT32, new int[] {n, m}, e),
                            exact,
                            () -> Np.eye(n));
                }
            }
        }
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int k = 0; k < f.length; k++) {
            d[k] = f[k];
        }
        return d;
    }

    private static long[] toLongs(int[] v) {
        long[] l = new long[v.length];
        for (int k = 0; k < v.length; k++) {
            l[k] = v[k];
        }
        return l;
    }
}
