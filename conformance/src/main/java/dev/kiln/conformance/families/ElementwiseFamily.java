package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.Shape;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.conformance.families.Ops.Op;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every op of the {@link Ops} table over every dtype it accepts: random inputs at sizes that hit
 * vector tails (1, 7, 8, 13, 31, 127, 128, 129, 1023, 4097), corner values (NaN, infinities, signed
 * zeros, subnormals, extremes), empty and 0-d arrays, inputs that are transposes or strided slices,
 * and for binary ops broadcasting and weakly typed Java scalars on either side. Each result is
 * compared with the op's Java oracle and with the reference backend; plus where, clip and astype.
 */
final class ElementwiseFamily implements Family {
    static final int[] SIZES = {1, 7, 8, 13, 31, 127, 128, 129, 1023, 4097};

    @Override
    public String name() {
        return "elementwise";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (Op op : Ops.all()) {
            for (DType t : op.dtypes()) {
                addOpCases(out, op, t);
            }
        }
        addWhere(out);
        addClip(out);
        addAstype(out);
        return out;
    }

    private void addOpCases(List<Case> out, Op op, DType t) {
        String dt = t.jaxName();
        for (int n : SIZES) {
            add(out, op, t, "n=" + n, g -> randomOperands(g, op, t, new int[] {n}));
        }
        add(out, op, t, "corners", g -> cornerOperands(op, t));
        add(out, op, t, "empty (3,0)", g -> randomOperands(g, op, t, new int[] {3, 0}));
        add(out, op, t, "0-d", g -> randomOperands(g, op, t, new int[0]));
        // inputs that are not plain row-major buffers: a transpose, and a strided slice
        out.add(new Case(name(), op.name(), dt, "non-contiguous (transposed, strided)", () -> {
            Gen g = new Gen(op.name() + dt + "nc");
            HostBuffer a = g.random(t, op.first(), 7, 13);
            HostBuffer b = op.arity() == 2 ? g.random(t, op.second(), 26, 7) : null;
            HostBuffer la = HostOps.transpose(a, 1, 0);
            Object[] logical = op.arity() == 2
                    ? new Object[] {la, HostOps.slice(b, new int[] {0, 0}, new int[] {26, 7}, new int[] {2, 1})}
                    : new Object[] {la};
            check(op, t, logical, () -> {
                Array x = Np.transpose(Host.array(a));
                if (op.arity() == 1) {
                    return op.apply(x);
                }
                Array y = Lax.slice(Host.array(b), new int[] {0, 0}, new int[] {26, 7}, new int[] {2, 1});
                return op.apply(x, y);
            });
        }));
        if (op.arity() == 2) {
            add(out, op, t, "broadcast (7,1)x(1,13)", g ->
                    new Object[] {g.random(t, op.first(), 7, 1), g.random(t, op.second(), 1, 13)});
            add(out, op, t, "broadcast (3,1,5)x(5)", g ->
                    new Object[] {g.random(t, op.first(), 3, 1, 5), g.random(t, op.second(), 5)});
            add(out, op, t, "broadcast 0-d x (129)", g ->
                    new Object[] {g.random(t, op.first()), g.random(t, op.second(), 129)});
            if (t != DType.BOOL) {
                add(out, op, t, "weak int scalar right", g -> new Object[] {g.random(t, op.first(), 33), 3});
                add(out, op, t, "weak int scalar left", g -> new Object[] {2, g.random(t, op.second(), 33)});
            }
            if (t.isFloating()) {
                add(out, op, t, "weak float scalar right", g -> new Object[] {g.random(t, op.first(), 33), 2.5});
                add(out, op, t, "weak float scalar left", g -> new Object[] {1.5f, g.random(t, op.second(), 33)});
            }
        }
    }

    private void add(List<Case> out, Op op, DType t, String caseName, Function<Gen, Object[]> operands) {
        String key = name() + op.name() + t + caseName;
        out.add(new Case(name(), op.name(), t.jaxName(), caseName, () -> {
            Object[] ops = operands.apply(new Gen(key));
            check(op, t, ops, () -> op.apply(materialize(ops)));
        }));
    }

    private static Object[] randomOperands(Gen g, Op op, DType t, int[] shape) {
        return op.arity() == 1
                ? new Object[] {g.random(t, op.first(), shape)}
                : new Object[] {g.random(t, op.first(), shape), g.random(t, op.second(), shape)};
    }

    /** Unary: every corner value. Binary: every pair of corner values (a grid). */
    static Object[] cornerOperands(Op op, DType t) {
        HostBuffer c = Gen.corners(t);
        if (op.arity() == 1) {
            return new Object[] {c};
        }
        int n = c.spec().size();
        HostBuffer a = HostBuffer.allocate(c.spec().withShape(n * n));
        HostBuffer b = HostBuffer.allocate(c.spec().withShape(n * n));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                HostOps.copy(c, i, a, i * n + j);
                HostOps.copy(c, j, b, i * n + j);
            }
        }
        return new Object[] {a, b};
    }

    /** Host buffers become arrays on the current backend; Java numbers stay weak scalars. */
    static Object[] materialize(Object[] operands) {
        Object[] out = new Object[operands.length];
        for (int i = 0; i < operands.length; i++) {
            out[i] = operands[i] instanceof HostBuffer h ? Host.array(h) : operands[i];
        }
        return out;
    }

    private static void check(Op op, DType t, Object[] logical, java.util.function.Supplier<Array> computation) {
        HostBuffer expected = oracle(op, t, logical);
        Rule rule = Tolerance.elementwise(op.name(), expected.spec().dtype());
        HostBuffer actual = Check.againstReference(op.name(), rule, computation);
        Check.same(op.name() + " vs Java oracle", expected, actual, rule, null);
    }

    /** The op evaluated in Java on host operands (weak scalars take the array's dtype), with broadcasting. */
    static HostBuffer oracle(Op op, DType t, Object[] operands) {
        int[] shape = new int[0];
        for (Object o : operands) {
            if (o instanceof HostBuffer h) {
                shape = Shape.broadcast(shape, h.spec().shape());
            }
        }
        DType ct = op.compute().apply(t);
        DType rt = op.result().apply(t);
        int n = Shape.size(shape);
        int[][] maps = new int[operands.length][];
        for (int k = 0; k < operands.length; k++) {
            if (operands[k] instanceof HostBuffer h) {
                maps[k] = HostOps.broadcastIndex(h.spec().shape(), shape);
            }
        }
        double[] real = new double[n];
        long[] integer = new long[n];
        for (int i = 0; i < n; i++) {
            if (ct.isFloating()) {
                double a = Ops.round(ct, realOperand(operands[0], maps[0], i));
                double b = operands.length > 1 ? Ops.round(ct, realOperand(operands[1], maps[1], i)) : 0;
                real[i] = op.real().apply(ct, a, b);
            } else {
                long a = intOperand(operands[0], maps[0], i);
                long b = operands.length > 1 ? intOperand(operands[1], maps[1], i) : 0;
                integer[i] = Host.wrap(rt, op.integer().apply(ct, a, b));
            }
        }
        return ct.isFloating() ? Host.of(rt, shape, real) : Host.ofLongs(rt, shape, integer);
    }

    private static double realOperand(Object o, int[] map, int i) {
        return o instanceof HostBuffer h ? h.getDouble(map[i]) : ((Number) o).doubleValue();
    }

    private static long intOperand(Object o, int[] map, int i) {
        return o instanceof HostBuffer h ? h.getLong(map[i]) : ((Number) o).longValue();
    }

    // ---------------------------------------------------------------- where, clip, astype

    private void addWhere(List<Case> out) {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.BOOL)) {
            for (int[][] shapes : new int[][][] {
                {{13}, {13}, {13}},
                {{129}, {129}, {129}},
                {{3, 4}, {3, 1}, {1, 4}},
                {{2, 1, 5}, {5}, {}},
                {{0}, {0}, {0}}
            }) {
                String caseName = "c" + Shape.toString(shapes[0]) + " x" + Shape.toString(shapes[1]) + " y"
                        + Shape.toString(shapes[2]);
                out.add(new Case(name(), "where", t.jaxName(), caseName, () -> {
                    Gen g = new Gen("where" + t + caseName);
                    HostBuffer c = g.random(DType.BOOL, Gen.INTS, shapes[0]);
                    HostBuffer x = g.random(t, Gen.INTS, shapes[1]);
                    HostBuffer y = g.random(t, Gen.INTS, shapes[2]);
                    HostBuffer expected = select(c, x, y);
                    HostBuffer actual = Check.againstReference(
                            "where", Tolerance.bitExact(), () -> Np.where(Host.array(c), Host.array(x), Host.array(y)));
                    Check.same("where vs Java", expected, actual, Tolerance.bitExact(), null);
                }));
            }
            if (t.isFloating() || t == DType.INT32) {
                out.add(new Case(name(), "where", t.jaxName(), "weak scalar branch", () -> {
                    Gen g = new Gen("where-weak" + t);
                    HostBuffer c = g.random(DType.BOOL, Gen.INTS, 31);
                    HostBuffer x = g.random(t, Gen.INTS, 31);
                    HostBuffer zero = Host.of(t, new int[0], 0);
                    HostBuffer expected = select(c, x, zero);
                    HostBuffer actual = Check.againstReference(
                            "where", Tolerance.exact(), () -> Np.where(Host.array(c), Host.array(x), 0));
                    Check.same("where(c, x, 0) vs Java", expected, actual, Tolerance.exact(), null);
                }));
            }
        }
    }

    private static HostBuffer select(HostBuffer c, HostBuffer x, HostBuffer y) {
        int[] shape = Shape.broadcast(
                Shape.broadcast(c.spec().shape(), x.spec().shape()), y.spec().shape());
        int[] mc = HostOps.broadcastIndex(c.spec().shape(), shape);
        int[] mx = HostOps.broadcastIndex(x.spec().shape(), shape);
        int[] my = HostOps.broadcastIndex(y.spec().shape(), shape);
        HostBuffer out = HostBuffer.allocate(x.spec().withShape(shape));
        for (int i = 0; i < mc.length; i++) {
            if (c.getLong(mc[i]) != 0) {
                HostOps.copy(x, mx[i], out, i);
            } else {
                HostOps.copy(y, my[i], out, i);
            }
        }
        return out;
    }

    private void addClip(List<Case> out) {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64)) {
            for (int n : new int[] {1, 13, 129, 1023}) {
                out.add(new Case(
                        name(),
                        "clip",
                        t.jaxName(),
                        "n=" + n,
                        () -> clipCase(t, new Gen("clip" + t + n).random(t, Gen.INTS, n))));
            }
            if (t.isFloating()) {
                out.add(new Case(name(), "clip", t.jaxName(), "corners", () -> clipCase(t, Gen.corners(t))));
            }
        }
    }

    private static void clipCase(DType t, HostBuffer x) {
        int n = x.spec().size();
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = Math.min(Math.max(x.getDouble(i), -20), 300);
        }
        HostBuffer expected = Host.of(t, x.spec().shape(), e);
        Rule rule = Tolerance.elementwise("clip", t);
        HostBuffer actual = Check.againstReference("clip", rule, () -> Np.clip(Host.array(x), -20, 300));
        Check.same("clip(x, -20, 300) vs Java", expected, actual, rule, null);
    }

    private void addAstype(List<Case> out) {
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                if (from.isNarrow() || to.isNarrow()) {
                    continue; // the narrow dtypes' conversions are JAX goldens (narrow.txt, breadth family)
                }
                out.add(new Case(name(), "astype", from.jaxName(), "to " + to.jaxName(), () -> {
                    Gen g = new Gen("astype" + from + to);
                    HostBuffer in = concat(g.random(from, Gen.Domain.uniform(-3000, 3000), 129), Gen.corners(from));
                    HostBuffer expected = convert(in, to);
                    HostBuffer actual =
                            Check.againstReference("astype", Tolerance.exact(), () -> Np.astype(Host.array(in), to));
                    Check.same("astype(" + to + ") vs Java", expected, actual, Tolerance.exact(), null);
                }));
            }
        }
    }

    private static HostBuffer concat(HostBuffer a, HostBuffer b) {
        int na = a.spec().size();
        int nb = b.spec().size();
        HostBuffer out = HostBuffer.allocate(a.spec().withShape(na + nb));
        for (int i = 0; i < na; i++) {
            HostOps.copy(a, i, out, i);
        }
        for (int i = 0; i < nb; i++) {
            HostOps.copy(b, i, out, na + i);
        }
        return out;
    }

    /**
     * CONVERT as Primitive's javadoc defines it: floats to integers truncate toward zero and saturate,
     * NaN becomes 0; integers to narrower integers wrap; anything to bool is "not zero" (NaN is true).
     */
    static HostBuffer convert(HostBuffer x, DType to) {
        DType from = x.spec().dtype();
        int n = x.spec().size();
        long[] ints = new long[n];
        double[] reals = new double[n];
        for (int i = 0; i < n; i++) {
            double d = x.getDouble(i);
            long l = x.getLong(i);
            if (to.isFloating()) {
                // int64 -> float rounds once from the exact integer
                reals[i] = from == DType.INT64 ? (to == DType.FLOAT32 ? (double) (float) l : (double) l) : d;
            } else if (to == DType.BOOL) {
                ints[i] = from.isFloating() ? (d != 0 ? 1 : 0) : (l != 0 ? 1 : 0);
            } else if (from.isFloating()) {
                ints[i] = switch (to) {
                    case INT32 -> (int) d;
                    case INT64 -> (long) d;
                    case UINT32 -> Double.isNaN(d) ? 0 : (long) Math.min(Math.max(d, 0), 4294967295.0);
                    default -> throw new IllegalStateException();
                };
            } else {
                ints[i] = Host.wrap(to, l);
            }
        }
        return to.isFloating()
                ? Host.of(to, x.spec().shape(), reals)
                : Host.ofLongs(to, x.spec().shape(), ints);
    }
}
