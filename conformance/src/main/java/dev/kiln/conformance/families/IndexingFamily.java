package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Index;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Basic indexing (NumPy syntax, as text and as {@link Index} objects: steps, negative indices,
 * ellipsis, new axes, out-of-range slice bounds), take along each axis, takeAlongAxis, oneHot, and
 * dynamic slices and updates whose starts are negative or run past the end (they are clamped).
 * The oracle is a Python-slice evaluator written here.
 */
final class IndexingFamily implements Family {
    private static final String[] SPECS = {
        "1:3",
        "::2",
        "::-1",
        "-1",
        "1, 2:5, -2",
        "..., 1",
        "1:5:2, ..., -1",
        ":, None, 1",
        "-3:-1, ::3",
        "5:1:-2",
        "2",
        "..., None",
        ":, 4:1:-1, 1::2",
        "100:200",
        "-100:2",
        "None, ..., None",
        "::-2, ::-3, ::-4",
        "3, 4, 5",
        "-4, -5, -6",
        ":, :, :"
    };

    @Override
    public String name() {
        return "indexing";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (DType t : List.of(DType.FLOAT32, DType.INT32, DType.BOOL)) {
            for (String spec : SPECS) {
                out.add(new Case(name(), "get(String)", t.jaxName(), "[" + spec + "]", () -> basic(t, spec, true)));
                out.add(new Case(name(), "get(Index...)", t.jaxName(), "[" + spec + "]", () -> basic(t, spec, false)));
            }
        }
        out.add(new Case(name(), "get(String)", "float32", "0-d [...]", () -> {
            HostBuffer x = Host.of(DType.FLOAT32, new int[0], 2.5);
            check("get", slice(x, parse("...")), () -> Host.array(x).get("..."));
        }));
        out.add(new Case(name(), "get(String)", "float32", "empty (0,3) [:, 1]", () -> {
            HostBuffer x = Host.of(DType.FLOAT32, new int[] {0, 3});
            check("get", slice(x, parse(":, 1")), () -> Host.array(x).get(":, 1"));
        }));
        out.add(new Case(name(), "get(String)", "float32", "of a transposed array", () -> {
            HostBuffer x = new Gen("get-t").random(DType.FLOAT32, Gen.INTS, 4, 5, 6);
            check("get", slice(x, parse("1:3, ::-2, 4")), () -> Layout.nonContiguous(x)
                    .get("1:3, ::-2, 4"));
        }));
        takeCases(out);
        takeAlongAxisCases(out);
        oneHotCases(out);
        dynamicCases(out);
        return out;
    }

    private static void basic(DType t, String spec, boolean text) {
        HostBuffer x = new Gen("get" + t).random(t, Gen.INTS, 4, 5, 6);
        List<Object> entries = parse(spec);
        HostBuffer expected = slice(x, entries);
        Index[] idx = entries.stream().map(IndexingFamily::toIndex).toArray(Index[]::new);
        check(
                "get",
                expected,
                () -> text ? Host.array(x).get(spec) : Host.array(x).get(idx));
    }

    private static void check(String what, HostBuffer expected, Supplier<Array> f) {
        HostBuffer actual = Check.againstReference(what, Tolerance.bitExact(), f);
        Check.same(what + " vs Java", expected, actual, Tolerance.bitExact(), null);
    }

    // ---------------------------------------------------------------- take, takeAlongAxis, oneHot

    private void takeCases(List<Case> out) {
        int[] shape = {4, 5, 6};
        for (DType t : List.of(DType.FLOAT32, DType.INT32, DType.BOOL, DType.FLOAT64)) {
            for (int axis : new int[] {0, 1, 2, -1}) {
                for (int[] idxShape : new int[][] {{4}, {2, 3}, {}, {0}}) {
                    for (DType it : List.of(DType.INT32, DType.INT64)) {
                        if (it == DType.INT64 && t != DType.FLOAT32) {
                            continue;
                        }
                        String caseName = "axis=" + axis + " idx" + Layout.shape(idxShape) + " " + it;
                        out.add(new Case(name(), "take", t.jaxName(), caseName, () -> {
                            Gen g = new Gen("take" + t + caseName);
                            HostBuffer x = g.random(t, Gen.INTS, shape);
                            int a = axis < 0 ? axis + 3 : axis;
                            int n = shape[a];
                            HostBuffer idx = g.random(it, Gen.Domain.uniform(-n, n - 1), idxShape);
                            check("take", take(x, idx, a), () -> Np.take(Host.array(x), Host.array(idx), axis));
                        }));
                    }
                }
            }
        }
    }

    /** Output: x's shape with the axis replaced by the indices' shape; negative indices count from the end. */
    static HostBuffer take(HostBuffer x, HostBuffer idx, int axis) {
        int[] s = x.spec().shape();
        int[] is = idx.spec().shape();
        int[] os = new int[s.length - 1 + is.length];
        System.arraycopy(s, 0, os, 0, axis);
        System.arraycopy(is, 0, os, axis, is.length);
        System.arraycopy(s, axis + 1, os, axis + is.length, s.length - axis - 1);
        return Layout.gather(
                x,
                os,
                o -> {
                    int[] ii = Arrays.copyOfRange(o, axis, axis + is.length);
                    long k = idx.getLong(Layout.flat(is, ii));
                    int[] src = new int[s.length];
                    for (int d = 0; d < axis; d++) {
                        src[d] = o[d];
                    }
                    src[axis] = (int) (k < 0 ? k + s[axis] : k);
                    for (int d = axis + 1; d < s.length; d++) {
                        src[d] = o[d - 1 + is.length];
                    }
                    return Layout.flat(s, src);
                },
                0);
    }

    private void takeAlongAxisCases(List<Case> out) {
        int[] shape = {4, 5, 6};
        for (DType t : List.of(DType.FLOAT32, DType.INT32)) {
            for (int axis : new int[] {0, 1, 2, -1}) {
                for (int len : new int[] {1, 3, 7}) {
                    String caseName = "axis=" + axis + " len=" + len;
                    out.add(new Case(name(), "takeAlongAxis", t.jaxName(), caseName, () -> {
                        Gen g = new Gen("tal" + t + caseName);
                        HostBuffer x = g.random(t, Gen.INTS, shape);
                        int a = axis < 0 ? axis + 3 : axis;
                        int[] is = shape.clone();
                        is[a] = len;
                        HostBuffer idx = g.random(DType.INT32, Gen.Domain.uniform(-shape[a], shape[a] - 1), is);
                        HostBuffer expected = Layout.gather(
                                x,
                                is,
                                o -> {
                                    long k = idx.getLong(Layout.flat(is, o));
                                    int[] src = o.clone();
                                    src[a] = (int) (k < 0 ? k + shape[a] : k);
                                    return Layout.flat(shape, src);
                                },
                                0);
                        check("takeAlongAxis", expected, () -> Np.takeAlongAxis(Host.array(x), Host.array(idx), axis));
                    }));
                }
            }
        }
    }

    private void oneHotCases(List<Case> out) {
        for (int[] c : new int[][] {{5, 4}, {13, 10}, {0, 3}, {7, 1}}) {
            int n = c[0];
            int classes = c[1];
            out.add(new Case(name(), "oneHot", "int32", "n=" + n + " classes=" + classes, () -> {
                // labels include -1 and classes, which JAX maps to all-zero rows
                HostBuffer labels = new Gen("oh" + n).random(DType.INT32, Gen.Domain.uniform(-1, classes), n);
                double[] e = new double[n * classes];
                for (int i = 0; i < n; i++) {
                    long k = labels.getLong(i);
                    if (k >= 0 && k < classes) {
                        e[i * classes + (int) k] = 1;
                    }
                }
                check(
                        "oneHot",
                        Host.of(DType.FLOAT32, new int[] {n, classes}, e),
                        () -> Np.oneHot(Host.array(labels), classes));
            }));
        }
    }

    // ---------------------------------------------------------------- dynamic slices

    private void dynamicCases(List<Case> out) {
        int[] shape = {4, 5, 6};
        int[] sizes = {2, 3, 2};
        int[][] startSets = {{1, 2, 3}, {0, 0, 0}, {3, 4, 5}, {-1, 0, 2}, {0, 9, 1}, {-9, -9, 100}, {2, 2, 4}};
        for (DType t : List.of(DType.FLOAT32, DType.INT32, DType.FLOAT64)) {
            for (int[] st : startSets) {
                String caseName = "starts=" + Arrays.toString(st);
                out.add(new Case(name(), "dynamicSlice", t.jaxName(), caseName, () -> {
                    HostBuffer x = new Gen("ds" + t).random(t, Gen.INTS, shape);
                    int[] c = clampStarts(st, shape, sizes);
                    int[] limit = new int[3];
                    for (int d = 0; d < 3; d++) {
                        limit[d] = c[d] + sizes[d];
                    }
                    HostBuffer expected = HostOps.slice(x, c, limit, new int[] {1, 1, 1});
                    check("dynamicSlice", expected, () -> Lax.dynamicSlice(Host.array(x), starts(st), sizes));
                }));
                out.add(new Case(name(), "dynamicUpdateSlice", t.jaxName(), caseName, () -> {
                    Gen g = new Gen("dus" + t);
                    HostBuffer x = g.random(t, Gen.INTS, shape);
                    int[] us = {2, 2, 3};
                    HostBuffer u = g.random(t, Gen.Domain.uniform(5000, 6000), us);
                    int[] c = clampStarts(st, shape, us);
                    HostBuffer expected = Layout.gather(x, shape, o -> Layout.flat(shape, o), 0);
                    int[] ui = new int[3];
                    for (int i = 0; i < u.spec().size(); i++) {
                        int[] o = {ui[0] + c[0], ui[1] + c[1], ui[2] + c[2]};
                        HostOps.copy(u, i, expected, Layout.flat(shape, o));
                        for (int d = 2; d >= 0; d--) {
                            if (++ui[d] < us[d]) {
                                break;
                            }
                            ui[d] = 0;
                        }
                    }
                    check(
                            "dynamicUpdateSlice",
                            expected,
                            () -> Lax.dynamicUpdateSlice(Host.array(x), Host.array(u), starts(st)));
                }));
            }
        }
        out.add(new Case(name(), "dynamicSlice", "float32", "Np.dynamicSlice int starts", () -> {
            HostBuffer x = new Gen("ds-np").random(DType.FLOAT32, Gen.INTS, shape);
            int[] c = clampStarts(new int[] {3, 1, 5}, shape, sizes);
            HostBuffer expected = HostOps.slice(x, c, new int[] {c[0] + 2, c[1] + 3, c[2] + 2}, new int[] {1, 1, 1});
            check("dynamicSlice", expected, () -> Np.dynamicSlice(Host.array(x), new int[] {3, 1, 5}, sizes));
        }));
    }

    private static Array[] starts(int[] st) {
        Array[] a = new Array[st.length];
        for (int i = 0; i < st.length; i++) {
            a[i] = Np.scalar(st[i]);
        }
        return a;
    }

    /** Negative starts count from the end (as jax.lax.dynamic_slice), then clamp so the window fits. */
    static int[] clampStarts(int[] st, int[] shape, int[] sizes) {
        int[] c = new int[st.length];
        for (int d = 0; d < st.length; d++) {
            int s = st[d] < 0 ? st[d] + shape[d] : st[d];
            c[d] = Math.max(0, Math.min(s, shape[d] - sizes[d]));
        }
        return c;
    }

    // ---------------------------------------------------------------- a Python-slice evaluator

    private record Sl(Integer start, Integer stop, Integer step) {}

    private enum Marker {
        NEW_AXIS,
        ELLIPSIS
    }

    /** Entries: Integer (a position), Sl, or a Marker. */
    static List<Object> parse(String spec) {
        List<Object> out = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String p = raw.strip();
            if (p.equals("...")) {
                out.add(Marker.ELLIPSIS);
            } else if (p.equals("None")) {
                out.add(Marker.NEW_AXIS);
            } else if (p.contains(":")) {
                String[] f = p.split(":", -1);
                out.add(new Sl(num(f[0]), num(f[1]), f.length > 2 ? num(f[2]) : null));
            } else {
                out.add(Integer.parseInt(p));
            }
        }
        return out;
    }

    private static Integer num(String s) {
        return s.isBlank() ? null : Integer.valueOf(s.strip());
    }

    private static Index toIndex(Object e) {
        return switch (e) {
            case Integer i -> Index.at(i);
            case Sl s -> Index.slice(s.start, s.stop, s.step);
            case Marker m -> m == Marker.NEW_AXIS ? Index.newAxis() : Index.ellipsis();
            default -> throw new IllegalArgumentException(String.valueOf(e));
        };
    }

    static HostBuffer slice(HostBuffer x, List<Object> entries) {
        int[] s = x.spec().shape();
        int consumed = (int) entries.stream()
                .filter(e -> e instanceof Integer || e instanceof Sl)
                .count();
        List<Object> full = new ArrayList<>();
        boolean sawEllipsis = false;
        for (Object e : entries) {
            if (e == Marker.ELLIPSIS) {
                sawEllipsis = true;
                for (int k = 0; k < s.length - consumed; k++) {
                    full.add(new Sl(null, null, null));
                }
            } else {
                full.add(e);
            }
        }
        if (!sawEllipsis) {
            for (int k = consumed; k < s.length; k++) {
                full.add(new Sl(null, null, null));
            }
        }
        // per input axis: fixed position, or start and step; per output axis: its source axis or -1 (new)
        int[] fixed = new int[s.length];
        int[] start = new int[s.length];
        int[] step = new int[s.length];
        boolean[] isFixed = new boolean[s.length];
        List<Integer> outAxes = new ArrayList<>();
        List<Integer> outShape = new ArrayList<>();
        int axis = 0;
        for (Object e : full) {
            if (e == Marker.NEW_AXIS) {
                outAxes.add(-1);
                outShape.add(1);
            } else if (e instanceof Integer i) {
                isFixed[axis] = true;
                fixed[axis] = i < 0 ? i + s[axis] : i;
                axis++;
            } else {
                int[] r = indices((Sl) e, s[axis]);
                start[axis] = r[0];
                step[axis] = r[2];
                outAxes.add(axis);
                outShape.add(r[3]);
                axis++;
            }
        }
        int[] os = outShape.stream().mapToInt(Integer::intValue).toArray();
        return Layout.gather(
                x,
                os,
                o -> {
                    int[] src = fixed.clone();
                    for (int k = 0; k < o.length; k++) {
                        int a = outAxes.get(k);
                        if (a >= 0) {
                            src[a] = start[a] + o[k] * step[a];
                        }
                    }
                    return Layout.flat(s, src);
                },
                0);
    }

    /** Python's slice.indices(len): start, stop, step and the resulting length. */
    private static int[] indices(Sl sl, int len) {
        int step = sl.step == null ? 1 : sl.step;
        int start;
        int stop;
        if (step > 0) {
            start = sl.start == null ? 0 : clamp(sl.start < 0 ? sl.start + len : sl.start, 0, len);
            stop = sl.stop == null ? len : clamp(sl.stop < 0 ? sl.stop + len : sl.stop, 0, len);
        } else {
            start = sl.start == null ? len - 1 : clamp(sl.start < 0 ? sl.start + len : sl.start, -1, len - 1);
            stop = sl.stop == null ? -1 : clamp(sl.stop < 0 ? sl.stop + len : sl.stop, -1, len - 1);
        }
        int n = step > 0
                ? Math.max(0, (stop - start + step - 1) / step)
                : Math.max(0, (start - stop - step - 1) / -step);
        return new int[] {start, stop, step, n};
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
