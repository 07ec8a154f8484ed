package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * JAX's type promotion over Kiln's dtypes, on the result of binary functions: every pair of array
 * dtypes, and arrays with weakly typed Java scalars ({@code Integer}/{@code Long} like a Python
 * int, {@code Float}/{@code Double} like a Python float) on either side. The table below is
 * {@code jnp.promote_types} as JAX 0.10 prints it; the goldens family checks the same table as
 * made by the golden script.
 */
final class PromotionFamily implements Family {
    private static final DType[] ORDER = {
        DType.BOOL, DType.INT32, DType.INT64, DType.UINT32, DType.FLOAT32, DType.FLOAT64
    };

    /** Row: left dtype; columns in {@link #ORDER}. From jax.numpy.promote_types with x64 enabled. */
    private static final String[] TABLE = {
        "bool int32 int64 uint32 float32 float64",
        "int32 int32 int64 int64 float32 float64",
        "int64 int64 int64 int64 float32 float64",
        "uint32 int64 int64 uint32 float32 float64",
        "float32 float32 float32 float32 float32 float64",
        "float64 float64 float64 float64 float64 float64",
    };

    /**
     * An array of the row's dtype with a weak int and with a weak float. A weak scalar never widens
     * the array's type; a float scalar turns bool and integer arrays into the default float, and an
     * int scalar turns bool into the default int (Kiln's defaults are JAX's 32-bit ones).
     */
    private static final String[] WEAK = {
        "int32 float32", "int32 float32", "int64 float32", "uint32 float32", "float32 float32", "float64 float64"
    };

    @Override
    public String name() {
        return "promotion";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        List<Object[]> fns = List.<Object[]>of(
                new Object[] {"add", (BiFunction<Object, Object, Array>) Np::add},
                new Object[] {"multiply", (BiFunction<Object, Object, Array>) Np::multiply},
                new Object[] {"maximum", (BiFunction<Object, Object, Array>) Np::maximum},
                new Object[] {"where", (BiFunction<Object, Object, Array>) (x, y) -> Np.where(Np.scalar(true), x, y)});
        for (int i = 0; i < ORDER.length; i++) {
            String[] row = TABLE[i].split(" ");
            String[] weak = WEAK[i].split(" ");
            DType a = ORDER[i];
            for (Object[] fn : fns) {
                String op = (String) fn[0];
                @SuppressWarnings("unchecked")
                BiFunction<Object, Object, Array> f = (BiFunction<Object, Object, Array>) fn[1];
                if (op.equals("maximum") && a == DType.BOOL) {
                    continue;
                }
                for (int j = 0; j < ORDER.length; j++) {
                    DType b = ORDER[j];
                    DType expected = DType.fromName(row[j]);
                    if (op.equals("maximum") && b == DType.BOOL) {
                        continue;
                    }
                    out.add(new Case(
                            name(),
                            op + "(array, array)",
                            a.jaxName(),
                            "with " + b.jaxName(),
                            () -> check(op, f, ones(a), ones(b), expected)));
                }
                DType weakInt = DType.fromName(weak[0]);
                DType weakFloat = DType.fromName(weak[1]);
                for (Object s : new Object[] {2, 2L}) {
                    String kind = s.getClass().getSimpleName();
                    out.add(new Case(
                            name(),
                            op + "(array, weak)",
                            a.jaxName(),
                            "with " + kind,
                            () -> check(op, f, ones(a), s, weakInt)));
                    out.add(new Case(
                            name(),
                            op + "(weak, array)",
                            a.jaxName(),
                            kind + " with",
                            () -> check(op, f, s, ones(a), weakInt)));
                }
                for (Object s : new Object[] {2.5f, 2.5}) {
                    String kind = s.getClass().getSimpleName();
                    out.add(new Case(
                            name(),
                            op + "(array, weak)",
                            a.jaxName(),
                            "with " + kind,
                            () -> check(op, f, ones(a), s, weakFloat)));
                    out.add(new Case(
                            name(),
                            op + "(weak, array)",
                            a.jaxName(),
                            kind + " with",
                            () -> check(op, f, s, ones(a), weakFloat)));
                }
            }
        }
        // values, not just dtypes: a weak float meeting an int32 array computes in float32
        out.add(new Case(name(), "add(array, weak)", "int32", "int32 + 2.5 values", () -> {
            HostBuffer x = Host.of(DType.INT32, new int[] {3}, 1, -4, 7);
            HostBuffer expected = Host.of(DType.FLOAT32, new int[] {3}, 3.5, -1.5, 9.5);
            HostBuffer actual = Check.againstReference("add", Tolerance.exact(), () -> Np.add(Host.array(x), 2.5));
            Check.same("int32 array + 2.5", expected, actual, Tolerance.exact(), null);
        }));
        out.add(new Case(name(), "add(array, weak)", "float32", "float32 + 1e-8 stays float32", () -> {
            HostBuffer x = Host.of(DType.FLOAT32, new int[] {1}, 1);
            HostBuffer expected = Host.of(DType.FLOAT32, new int[] {1}, 1);
            HostBuffer actual = Check.againstReference("add", Tolerance.exact(), () -> Np.add(Host.array(x), 1e-8));
            Check.same("float32 array + 1e-8 (rounded in float32)", expected, actual, Tolerance.exact(), null);
        }));
        out.add(new Case(name(), "add(array, weak)", "uint32", "uint32 + 1 wraps in uint32", () -> {
            HostBuffer x = Host.ofLongs(DType.UINT32, new int[] {1}, 0xffffffffL);
            HostBuffer expected = Host.ofLongs(DType.UINT32, new int[] {1}, 0);
            HostBuffer actual = Check.againstReference("add", Tolerance.exact(), () -> Np.add(Host.array(x), 1));
            Check.same("uint32 max + 1", expected, actual, Tolerance.exact(), null);
        }));
        return out;
    }

    private static HostBuffer ones(DType t) {
        return Host.of(t, new int[] {2}, 1, 1);
    }

    private static void check(String op, BiFunction<Object, Object, Array> f, Object a, Object b, DType expected) {
        Object x = a instanceof HostBuffer h ? Host.array(h) : a;
        Object y = b instanceof HostBuffer h ? Host.array(h) : b;
        Array r = f.apply(x, y);
        if (r.dtype() != expected) {
            throw new AssertionError(op + "(" + describe(a) + ", " + describe(b) + ") has dtype " + r.dtype()
                    + "; JAX gives " + expected);
        }
        // the value must be right too: 1 op 1 (or 2, 2.5) converted to the result type
        double va = a instanceof HostBuffer ? 1 : ((Number) a).doubleValue();
        double vb = b instanceof HostBuffer ? 1 : ((Number) b).doubleValue();
        double want =
                switch (op) {
                    case "add" ->
                        Ops.round(
                                expected,
                                expected == DType.BOOL ? 1 : expected.isFloating() ? va + vb : (long) va + (long) vb);
                    case "multiply" ->
                        expected == DType.BOOL ? 1 : expected.isFloating() ? va * vb : (long) va * (long) vb;
                    case "maximum" -> expected.isFloating() ? Math.max(va, vb) : Math.max((long) va, (long) vb);
                    default -> expected.isFloating() ? va : (long) va; // where(true, x, y) is x
                };
        double got = r.toDoubleArray()[0];
        if (Ops.round(expected, want) != got) {
            throw new AssertionError(op + "(" + describe(a) + ", " + describe(b) + ") = " + got + "; expected "
                    + Ops.round(expected, want));
        }
    }

    private static String describe(Object o) {
        return o instanceof HostBuffer h
                ? h.spec().dtype() + " array"
                : o.getClass().getSimpleName() + " " + o;
    }
}
