package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Np;
import dev.kiln.Shape;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Shape and movement functions against index arithmetic written here in Java: reshape (with -1),
 * ravel, transpose, swapaxes, moveaxis, squeeze, expandDims, broadcastTo, concatenate, stack, split,
 * flip, pad, tile, repeat; on 0-d and empty arrays, several dtypes, and on inputs that are the
 * results of transposes and strided slices. Results must match bit for bit.
 */
final class ShapeFamily implements Family {
    private static final List<DType> DTYPES =
            List.of(DType.FLOAT32, DType.INT32, DType.BOOL, DType.FLOAT64, DType.INT64);

    /** One movement check: the Kiln call (which may return Array or Array[]) and its Java oracle. */
    private record Spec(
            String op,
            String name,
            int[][] inputs,
            Function<Array[], Object> kiln,
            Function<HostBuffer[], HostBuffer[]> host) {}

    @Override
    public String name() {
        return "shapes";
    }

    @Override
    public List<Case> cases() {
        List<Spec> specs = specs();
        List<Case> out = new ArrayList<>();
        for (Spec s : specs) {
            for (DType t : DTYPES) {
                out.add(new Case(name(), s.op, t.jaxName(), s.name, () -> run(s, t, false)));
            }
            boolean canView = Arrays.stream(s.inputs).allMatch(sh -> sh.length > 0);
            if (canView) {
                out.add(new Case(
                        name(),
                        s.op,
                        DType.FLOAT32.jaxName(),
                        s.name + " non-contiguous input",
                        () -> run(s, DType.FLOAT32, true)));
            }
        }
        return out;
    }

    private static void run(Spec s, DType t, boolean viewInputs) {
        Gen g = new Gen(s.op + s.name + t);
        HostBuffer[] in = new HostBuffer[s.inputs.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = g.random(t, Gen.Domain.uniform(-1000, 1000), s.inputs[i]);
        }
        HostBuffer[] expected = s.host.apply(in);
        Object result = s.kiln.apply(materialize(in, viewInputs));
        Array[] actual = result instanceof Array a ? new Array[] {a} : (Array[]) result;
        if (actual.length != expected.length) {
            throw new AssertionError(
                    s.op + ": " + actual.length + " results where " + expected.length + " were expected");
        }
        HostBuffer[] oracle = null;
        if (!Check.underReference()) {
            Object r = dev.kiln.Kiln.withBackend(Check.REFERENCE, () -> s.kiln.apply(materialize(in, false)));
            Array[] ra = r instanceof Array a ? new Array[] {a} : (Array[]) r;
            oracle = new HostBuffer[ra.length];
            for (int i = 0; i < ra.length; i++) {
                oracle[i] = ra[i].toHost();
            }
        }
        for (int i = 0; i < expected.length; i++) {
            String what = s.op + (expected.length > 1 ? " result " + i : "");
            HostBuffer got = actual[i].toHost();
            Check.same(what + " vs Java", expected[i], got, Tolerance.bitExact(), null);
            if (oracle != null) {
                Check.same(what + " vs reference backend", oracle[i], got, Tolerance.bitExact(), null);
            }
        }
    }

    private static Array[] materialize(HostBuffer[] in, boolean view) {
        Array[] a = new Array[in.length];
        for (int i = 0; i < in.length; i++) {
            a[i] = view ? Layout.nonContiguous(in[i]) : Host.array(in[i]);
        }
        return a;
    }

    private static HostBuffer[] one(HostBuffer h) {
        return new HostBuffer[] {h};
    }

    private List<Spec> specs() {
        List<Spec> l = new ArrayList<>();
        // reshape and ravel keep the row-major order, so the oracle is the same data
        for (int[][] c : new int[][][] {
            {{2, 3, 4}, {4, -1}, {4, 6}},
            {{24}, {2, 3, 4}, {2, 3, 4}},
            {{2, 3, 4}, {-1}, {24}},
            {{}, {1, 1}, {1, 1}},
            {{1}, {}, {}},
            {{0, 3}, {3, 0}, {3, 0}},
            {{6, 1}, {-1, 2, 3}, {1, 2, 3}}
        }) {
            int[] from = c[0];
            int[] to = c[1];
            int[] result = c[2];
            l.add(new Spec(
                    "reshape",
                    Layout.shape(from) + "->" + Arrays.toString(to),
                    new int[][] {from},
                    a -> Np.reshape(a[0], to),
                    h -> one(HostOps.reshape(h[0], result))));
        }
        for (int[] s : new int[][] {{2, 3, 4}, {5}, {}, {0, 4}}) {
            l.add(new Spec(
                    "ravel",
                    Layout.shape(s),
                    new int[][] {s},
                    a -> Np.ravel(a[0]),
                    h -> one(HostOps.reshape(h[0], Shape.size(s)))));
        }
        // transpose: the default reverses the axes; every permutation of a 3-d array
        for (int[] s : new int[][] {{2, 3, 4}, {7, 13}, {5}, {}, {0, 3}}) {
            int[] rev = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                rev[i] = s.length - 1 - i;
            }
            l.add(new Spec(
                    "transpose",
                    Layout.shape(s) + " default",
                    new int[][] {s},
                    a -> Np.transpose(a[0]),
                    h -> one(HostOps.transpose(h[0], rev))));
        }
        for (int[] perm : new int[][] {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}) {
            l.add(new Spec(
                    "transpose",
                    "(2,3,4) axes=" + Arrays.toString(perm),
                    new int[][] {{2, 3, 4}},
                    a -> Np.transpose(a[0], perm),
                    h -> one(HostOps.transpose(h[0], perm))));
        }
        l.add(new Spec(
                "transpose",
                "(2,3,1,5) axes=[-1,0,2,1]",
                new int[][] {{2, 3, 1, 5}},
                a -> Np.transpose(a[0], -1, 0, 2, 1),
                h -> one(HostOps.transpose(h[0], 3, 0, 2, 1))));
        l.add(new Spec(
                "swapaxes",
                "(2,3,4) 0,2",
                new int[][] {{2, 3, 4}},
                a -> Np.swapaxes(a[0], 0, 2),
                h -> one(HostOps.transpose(h[0], 2, 1, 0))));
        l.add(new Spec(
                "swapaxes",
                "(2,3,4) -1,1",
                new int[][] {{2, 3, 4}},
                a -> Np.swapaxes(a[0], -1, 1),
                h -> one(HostOps.transpose(h[0], 0, 2, 1))));
        l.add(new Spec(
                "moveaxis",
                "(2,3,4) 0->-1",
                new int[][] {{2, 3, 4}},
                a -> Np.moveaxis(a[0], 0, -1),
                h -> one(HostOps.transpose(h[0], 1, 2, 0))));
        l.add(new Spec(
                "moveaxis",
                "(2,3,4,5) 3->1",
                new int[][] {{2, 3, 4, 5}},
                a -> Np.moveaxis(a[0], 3, 1),
                h -> one(HostOps.transpose(h[0], 0, 3, 1, 2))));
        l.add(new Spec(
                "squeeze",
                "(1,3,1,4) all",
                new int[][] {{1, 3, 1, 4}},
                a -> Np.squeeze(a[0]),
                h -> one(HostOps.reshape(h[0], 3, 4))));
        l.add(new Spec(
                "squeeze",
                "(1,3,1,4) axis 2",
                new int[][] {{1, 3, 1, 4}},
                a -> Np.squeeze(a[0], 2),
                h -> one(HostOps.reshape(h[0], 1, 3, 4))));
        l.add(new Spec(
                "squeeze",
                "(1,1) to 0-d",
                new int[][] {{1, 1}},
                a -> Np.squeeze(a[0]),
                h -> one(HostOps.reshape(h[0]))));
        l.add(new Spec(
                "expandDims",
                "(3,4) axis 0",
                new int[][] {{3, 4}},
                a -> Np.expandDims(a[0], 0),
                h -> one(HostOps.reshape(h[0], 1, 3, 4))));
        l.add(new Spec(
                "expandDims",
                "(3,4) axis -1",
                new int[][] {{3, 4}},
                a -> Np.expandDims(a[0], -1),
                h -> one(HostOps.reshape(h[0], 3, 4, 1))));
        l.add(new Spec(
                "expandDims",
                "(3,4) axis 1",
                new int[][] {{3, 4}},
                a -> Np.expandDims(a[0], 1),
                h -> one(HostOps.reshape(h[0], 3, 1, 4))));
        l.add(new Spec(
                "expandDims",
                "0-d",
                new int[][] {{}},
                a -> Np.expandDims(a[0], 0),
                h -> one(HostOps.reshape(h[0], 1))));
        for (int[][] c :
                new int[][][] {{{3, 1}, {2, 3, 4}}, {{}, {5}}, {{4}, {3, 4}}, {{1}, {0}}, {{2, 1, 3}, {2, 5, 3}}}) {
            int[] from = c[0];
            int[] to = c[1];
            l.add(new Spec(
                    "broadcastTo",
                    Layout.shape(from) + "->" + Layout.shape(to),
                    new int[][] {from},
                    a -> Np.broadcastTo(a[0], to),
                    h -> one(broadcast(h[0], to))));
        }
        concatenateSpecs(l);
        splitSpecs(l);
        for (int[] axes : new int[][] {null, {0}, {1}, {0, 2}, {-1}}) {
            l.add(new Spec(
                    "flip",
                    "(2,3,4) axes=" + (axes == null ? "all" : Arrays.toString(axes)),
                    new int[][] {{2, 3, 4}},
                    a -> axes == null ? Np.flip(a[0]) : Np.flip(a[0], axes),
                    h -> one(flip(h[0], axes))));
        }
        l.add(new Spec("flip", "(129) all", new int[][] {{129}}, a -> Np.flip(a[0]), h -> one(flip(h[0], null))));
        for (int[][] widths : new int[][][] {{{1, 2}, {0, 3}}, {{0, 0}, {0, 0}}, {{2, 2}, {1, 0}}}) {
            String w = Arrays.deepToString(widths);
            l.add(new Spec(
                    "pad",
                    "(3,4) " + w,
                    new int[][] {{3, 4}},
                    a -> Np.pad(a[0], widths),
                    h -> one(pad(h[0], widths, 0))));
            l.add(new Spec(
                    "pad",
                    "(3,4) " + w + " value 1",
                    new int[][] {{3, 4}},
                    a -> Np.pad(a[0], widths, 1),
                    h -> one(pad(h[0], widths, 1))));
        }
        l.add(new Spec(
                "pad",
                "(0,2) [[1,1],[0,1]]",
                new int[][] {{0, 2}},
                a -> Np.pad(a[0], new int[][] {{1, 1}, {0, 1}}),
                h -> one(pad(h[0], new int[][] {{1, 1}, {0, 1}}, 0))));
        for (int[][] c :
                new int[][][] {{{2, 3}, {2, 2}}, {{2, 3}, {3}}, {{4}, {2, 1, 3}}, {{2, 3}, {1, 1}}, {{}, {3}}}) {
            int[] s = c[0];
            int[] reps = c[1];
            l.add(new Spec(
                    "tile",
                    Layout.shape(s) + " reps=" + Arrays.toString(reps),
                    new int[][] {s},
                    a -> Np.tile(a[0], reps),
                    h -> one(tile(h[0], reps))));
        }
        for (int[] c : new int[][] {{3, 0}, {2, 1}, {1, -1}, {0, 1}}) {
            int reps = c[0];
            int axis = c[1];
            l.add(new Spec(
                    "repeat",
                    "(2,3) repeats=" + reps + " axis=" + axis,
                    new int[][] {{2, 3}},
                    a -> Np.repeat(a[0], reps, axis),
                    h -> one(repeat(h[0], reps, axis))));
        }
        return l;
    }

    private static void concatenateSpecs(List<Spec> l) {
        int[][][] cases = {
            {{2, 3}, {4, 3}}, {{2, 3}, {2, 5}}, {{2, 3, 4}, {2, 1, 4}, {2, 2, 4}}, {{0, 3}, {2, 3}}, {{5}}, {{7}, {129}}
        };
        int[] axes = {0, 1, 1, 0, 0, -1};
        for (int k = 0; k < cases.length; k++) {
            int[][] shapes = cases[k];
            int axis = axes[k];
            String nm = Arrays.stream(shapes)
                            .map(Layout::shape)
                            .reduce((x, y) -> x + "+" + y)
                            .orElse("") + " axis=" + axis;
            l.add(new Spec("concatenate", nm, shapes, a -> Np.concatenate(a, axis), h -> one(concat(h, axis))));
        }
        for (int axis : new int[] {0, 1, 2, -1}) {
            l.add(new Spec(
                    "stack",
                    "3 x (3,4) axis=" + axis,
                    new int[][] {{3, 4}, {3, 4}, {3, 4}},
                    a -> Np.stack(a, axis),
                    h -> one(stack(h, axis))));
        }
        l.add(new Spec("stack", "2 x 0-d", new int[][] {{}, {}}, a -> Np.stack(a, 0), h -> one(stack(h, 0))));
    }

    private static void splitSpecs(List<Spec> l) {
        l.add(new Spec(
                "split",
                "(6,4) 3 sections axis 0",
                new int[][] {{6, 4}},
                a -> Np.split(a[0], 3, 0),
                h -> splitAt(h[0], new int[] {2, 4}, 0)));
        l.add(new Spec(
                "split",
                "(2,8) 4 sections axis -1",
                new int[][] {{2, 8}},
                a -> Np.split(a[0], 4, -1),
                h -> splitAt(h[0], new int[] {2, 4, 6}, 1)));
        l.add(new Spec(
                "split",
                "(5,3) 1 section",
                new int[][] {{5, 3}},
                a -> Np.split(a[0], 1, 0),
                h -> splitAt(h[0], new int[0], 0)));
        l.add(new Spec(
                "splitAt",
                "(10) at [3,7]",
                new int[][] {{10}},
                a -> Np.splitAt(a[0], new int[] {3, 7}, 0),
                h -> splitAt(h[0], new int[] {3, 7}, 0)));
        l.add(new Spec(
                "splitAt",
                "(3,6) at [0,2,6] axis 1 (empty first and last pieces)",
                new int[][] {{3, 6}},
                a -> Np.splitAt(a[0], new int[] {0, 2, 6}, 1),
                h -> splitAt(h[0], new int[] {0, 2, 6}, 1)));
    }

    // ---------------------------------------------------------------- Java oracles

    static HostBuffer broadcast(HostBuffer x, int[] to) {
        int[] map = HostOps.broadcastIndex(x.spec().shape(), to);
        return Layout.gather(x, to, idx -> map[Layout.flat(to, idx)], 0);
    }

    static HostBuffer flip(HostBuffer x, int[] axes) {
        int[] s = x.spec().shape();
        boolean[] f = new boolean[s.length];
        if (axes == null) {
            Arrays.fill(f, true);
        } else {
            for (int a : axes) {
                f[a < 0 ? a + s.length : a] = true;
            }
        }
        return Layout.gather(
                x,
                s,
                idx -> {
                    int[] src = idx.clone();
                    for (int d = 0; d < s.length; d++) {
                        if (f[d]) {
                            src[d] = s[d] - 1 - idx[d];
                        }
                    }
                    return Layout.flat(s, src);
                },
                0);
    }

    static HostBuffer pad(HostBuffer x, int[][] widths, double value) {
        int[] s = x.spec().shape();
        int[] os = new int[s.length];
        for (int d = 0; d < s.length; d++) {
            os[d] = widths[d][0] + s[d] + widths[d][1];
        }
        return Layout.gather(
                x,
                os,
                idx -> {
                    int[] src = new int[s.length];
                    for (int d = 0; d < s.length; d++) {
                        src[d] = idx[d] - widths[d][0];
                        if (src[d] < 0 || src[d] >= s[d]) {
                            return -1;
                        }
                    }
                    return Layout.flat(s, src);
                },
                value);
    }

    /** np.tile: reps shorter than the rank are padded with 1s in front, and the array gets 1s in front for longer reps. */
    static HostBuffer tile(HostBuffer x, int[] reps) {
        int[] s0 = x.spec().shape();
        int rank = Math.max(s0.length, reps.length);
        int[] s = new int[rank];
        int[] r = new int[rank];
        for (int d = 0; d < rank; d++) {
            s[d] = d < rank - s0.length ? 1 : s0[d - (rank - s0.length)];
            r[d] = d < rank - reps.length ? 1 : reps[d - (rank - reps.length)];
        }
        int[] os = new int[rank];
        for (int d = 0; d < rank; d++) {
            os[d] = s[d] * r[d];
        }
        return Layout.gather(
                x,
                os,
                idx -> {
                    int[] src = new int[rank];
                    for (int d = 0; d < rank; d++) {
                        src[d] = idx[d] % s[d];
                    }
                    return Layout.flat(s, src);
                },
                0);
    }

    static HostBuffer repeat(HostBuffer x, int reps, int axis) {
        int[] s = x.spec().shape();
        int a = axis < 0 ? axis + s.length : axis;
        int[] os = s.clone();
        os[a] *= reps;
        return Layout.gather(
                x,
                os,
                idx -> {
                    int[] src = idx.clone();
                    src[a] = idx[a] / reps;
                    return Layout.flat(s, src);
                },
                0);
    }

    static HostBuffer concat(HostBuffer[] xs, int axis) {
        int[] s0 = xs[0].spec().shape();
        int a = axis < 0 ? axis + s0.length : axis;
        int[] os = s0.clone();
        os[a] = 0;
        int[] starts = new int[xs.length];
        for (int i = 0; i < xs.length; i++) {
            starts[i] = os[a];
            os[a] += xs[i].spec().dim(a);
        }
        HostBuffer out = HostBuffer.allocate(xs[0].spec().withShape(os));
        for (int i = 0; i < xs.length; i++) {
            HostBuffer x = xs[i];
            int[] s = x.spec().shape();
            int n = x.spec().size();
            int[] idx = new int[s.length];
            for (int j = 0; j < n; j++) {
                int[] o = idx.clone();
                o[a] += starts[i];
                HostOps.copy(x, j, out, Layout.flat(os, o));
                for (int d = s.length - 1; d >= 0; d--) {
                    if (++idx[d] < s[d]) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
        }
        return out;
    }

    static HostBuffer stack(HostBuffer[] xs, int axis) {
        int[] s = xs[0].spec().shape();
        int a = axis < 0 ? axis + s.length + 1 : axis;
        int[] es = new int[s.length + 1];
        for (int d = 0, k = 0; d < es.length; d++) {
            es[d] = d == a ? 1 : s[k++];
        }
        HostBuffer[] expanded = new HostBuffer[xs.length];
        for (int i = 0; i < xs.length; i++) {
            expanded[i] = HostOps.reshape(xs[i], es);
        }
        return concat(expanded, a);
    }

    /** numpy.split at indices (clipped to the axis length), giving one piece more than indices. */
    static HostBuffer[] splitAt(HostBuffer x, int[] indices, int axis) {
        int[] s = x.spec().shape();
        int len = s[axis];
        HostBuffer[] out = new HostBuffer[indices.length + 1];
        for (int p = 0; p <= indices.length; p++) {
            int lo = Math.min(p == 0 ? 0 : indices[p - 1], len);
            int hi = Math.max(lo, Math.min(p == indices.length ? len : indices[p], len));
            int[] start = new int[s.length];
            int[] limit = s.clone();
            int[] step = new int[s.length];
            Arrays.fill(step, 1);
            start[axis] = lo;
            limit[axis] = hi;
            out[p] = HostOps.slice(x, start, limit, step);
        }
        return out;
    }
}
