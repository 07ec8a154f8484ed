package dev.kiln.internal.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.internal.reference.ReferenceProvider;
import dev.kiln.internal.rules.Definitions;
import dev.kiln.internal.rules.ShapeRules;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.Lowering;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decomposition against the reference backend's own implementation of the primitive, on a
 * backend that claims only the core: eagerly ({@link Lowering#execute}) and as a rewritten program
 * ({@link Lowering#compile}), over special values (signed zeros, infinities, NaN, integer extremes,
 * halves for rounding, the split points of the piecewise forms) and random ones.
 */
class DecompositionsTest {
    private static final Backend REFERENCE = new ReferenceProvider().open(Map.of());
    private static final Backend CORE_ONLY = new CoreOnlyBackend(REFERENCE);

    private static final double[] FLOATS = {
        0,
        -0.0,
        1,
        -1,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        3,
        -3,
        0.49999997,
        1e-7,
        -1e-7,
        1e-30,
        1e30,
        -1e30,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        Double.NaN,
        0.3,
        0.999,
        -0.999,
        2.9,
        3.1,
        5.9,
        6.1,
        8,
        20,
        21.9,
        22.1,
        25,
        -25,
        88,
        89,
        100,
        8388609,
        4503599627370497.0,
        1e300,
        -700,
        710
    };
    private static final long[] INTS = {
        0, 1, -1, 2, -2, 7, -7, 31, 32, 33, 63, 64, Integer.MIN_VALUE, Integer.MAX_VALUE, 12345
    };

    /** Allowed distance in ulps of the result dtype; 0 means bit-exact (NaN matches any NaN). */
    private static long ulps(Primitive p, DType t) {
        return switch (p) {
            case TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, LOGISTIC, CBRT, RSQRT, EXP2 -> t == DType.FLOAT64 ? 4 : 1;
            case ERF -> t == DType.FLOAT64 ? 64 : 1;
            case REDUCE_PROD -> 8; // a pairwise tree instead of the reference's left-to-right product
            // repeated updates are combined with each other before the operand, in the dtype
            case SCATTER -> 4;
            default -> 0;
        };
    }

    static Stream<Arguments> elementwise() {
        List<Arguments> cases = new ArrayList<>();
        Set<DType> floats = EnumSet.of(DType.FLOAT32, DType.FLOAT64);
        Set<DType> numbers = EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.UINT32);
        Set<DType> bits = EnumSet.of(DType.BOOL, DType.INT32, DType.INT64, DType.UINT32);
        for (Primitive p : List.of(
                Primitive.EXP2,
                Primitive.RSQRT,
                Primitive.CBRT,
                Primitive.TAN,
                Primitive.ASIN,
                Primitive.ACOS,
                Primitive.ATAN,
                Primitive.SINH,
                Primitive.COSH,
                Primitive.TANH,
                Primitive.LOGISTIC,
                Primitive.ERF,
                Primitive.CEIL,
                Primitive.ROUND,
                Primitive.IS_FINITE,
                Primitive.NEXTAFTER)) {
            floats.forEach(t -> cases.add(Arguments.of(p, t)));
        }
        for (Primitive p : List.of(
                Primitive.NEG,
                Primitive.ABS,
                Primitive.SIGN,
                Primitive.SUB,
                Primitive.MIN,
                Primitive.NE,
                Primitive.GT,
                Primitive.LE,
                Primitive.GE)) {
            numbers.forEach(t -> cases.add(Arguments.of(p, t)));
        }
        for (Primitive p : List.of(Primitive.NOT, Primitive.OR)) {
            bits.forEach(t -> cases.add(Arguments.of(p, t)));
        }
        for (DType t : List.of(DType.INT32, DType.INT64, DType.UINT32)) {
            cases.add(Arguments.of(Primitive.SHIFT_RIGHT_ARITHMETIC, t));
        }
        cases.add(Arguments.of(Primitive.MIN, DType.BOOL));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("elementwise")
    void elementwiseMatchesTheReference(Primitive p, DType t) {
        int n = (t.isFloating() ? FLOATS.length : INTS.length) + 40;
        List<HostBuffer> in = new ArrayList<>();
        for (int k = 0; k < p.arity(); k++) {
            in.add(values(t, n, 17 * k + 1, k));
        }
        check(p, Params.NONE, in);
    }

    /**
     * nextafter bit for bit at the places its power-of-two arithmetic could slip: zeros, subnormals,
     * the smallest normal, exact powers of two (where the spacing below halves), the largest finite
     * value and infinities, each toward every direction (and toward itself).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("floatTypes")
    void nextafterIsBitExactAtItsEdges(DType t) {
        boolean f32 = t == DType.FLOAT32;
        double tiny = f32 ? Float.MIN_VALUE : Double.MIN_VALUE;
        double normal = f32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        double big = f32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        List<Double> from = new ArrayList<>();
        for (double v : new double[] {
            0,
            tiny,
            2 * tiny,
            3 * tiny,
            normal - tiny,
            normal,
            2 * normal,
            normal + tiny,
            0.5,
            1,
            2,
            3,
            1024,
            0.1,
            1.0 / 3,
            f32 ? 16777216 : 9007199254740992.0,
            big,
            big / 2,
            Math.ulp(1.0),
            Double.POSITIVE_INFINITY
        }) {
            from.add(v);
            from.add(-v);
        }
        from.add(Double.NaN);
        double[] toward = {Double.NEGATIVE_INFINITY, -1, -0.0, 0, 1, Double.POSITIVE_INFINITY, Double.NaN};
        int n = from.size() * (toward.length + 1);
        HostBuffer x = HostBuffer.allocate(ArraySpec.of(t, n));
        HostBuffer y = HostBuffer.allocate(ArraySpec.of(t, n));
        int i = 0;
        for (double a : from) {
            for (int k = 0; k <= toward.length; k++, i++) {
                double b = k < toward.length ? toward[k] : a;
                if (f32) {
                    x.floats()[i] = (float) a;
                    y.floats()[i] = (float) b;
                } else {
                    x.doubles()[i] = a;
                    y.doubles()[i] = b;
                }
            }
        }
        check(Primitive.NEXTAFTER, Params.NONE, List.of(x, y));
    }

    static Stream<DType> floatTypes() {
        return Stream.of(DType.FLOAT32, DType.FLOAT64);
    }

    @Test
    void reductionsAndScansMatchTheReference() {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.UINT32, DType.INT64)) {
            HostBuffer x = values(t, 6 * 7, 3, 0).reshape(6, 7);
            for (int[] axes : List.of(new int[] {0}, new int[] {1}, new int[] {0, 1}, new int[0])) {
                check(Primitive.REDUCE_MIN, new Params.Reduce(axes), List.of(x));
                check(
                        Primitive.REDUCE_PROD,
                        new Params.Reduce(axes),
                        List.of(values(t, 42, 5, 1).reshape(6, 7)));
            }
            for (int axis = 0; axis < 2; axis++) {
                check(Primitive.ARGMAX, new Params.ArgReduce(axis, DType.INT32), List.of(x));
                check(Primitive.ARGMIN, new Params.ArgReduce(axis, DType.INT32), List.of(x));
                for (boolean reverse : new boolean[] {false, true}) {
                    for (Primitive c : List.of(Primitive.CUMMAX, Primitive.CUMMIN)) {
                        check(c, new Params.Cumulative(axis, reverse), List.of(x));
                    }
                    if (!t.isFloating()) { // exact for integers; floats are reassociated
                        check(Primitive.CUMSUM, new Params.Cumulative(axis, reverse), List.of(x));
                        check(Primitive.CUMPROD, new Params.Cumulative(axis, reverse), List.of(x));
                    }
                }
            }
        }
        for (DType t : List.of(DType.BOOL, DType.INT32, DType.UINT32)) {
            HostBuffer x = values(t, 5 * 3, 9, 0).reshape(5, 3);
            for (int[] axes : List.of(new int[] {0}, new int[] {1}, new int[] {0, 1})) {
                check(Primitive.REDUCE_AND, new Params.Reduce(axes), List.of(x));
                check(Primitive.REDUCE_OR, new Params.Reduce(axes), List.of(x));
            }
        }
        HostBuffer empty = HostBuffer.allocate(ArraySpec.of(DType.FLOAT32, 0, 3));
        check(Primitive.REDUCE_MIN, new Params.Reduce(new int[] {0}), List.of(empty));
        check(Primitive.REDUCE_PROD, new Params.Reduce(new int[] {0}), List.of(empty));
    }

    @Test
    void movementAndIndexingMatchTheReference() {
        for (DType t : List.of(DType.FLOAT32, DType.INT32, DType.BOOL)) {
            HostBuffer a = values(t, 4 * 5, 1, 0).reshape(4, 5);
            HostBuffer b = values(t, 4 * 2, 2, 1).reshape(4, 2);
            HostBuffer none = HostBuffer.allocate(ArraySpec.of(t, 4, 0));
            check(Primitive.CONCATENATE, new Params.Axis(1), List.of(a, none, b, a));
            check(Primitive.CONCATENATE, new Params.Axis(0), List.of(a, a));
            check(Primitive.REV, new Params.Rev(new int[] {0, 1}), List.of(a));
            check(Primitive.REV, new Params.Rev(new int[] {1}), List.of(a));
            HostBuffer idx =
                    HostBuffer.wrap(ArraySpec.of(DType.INT32, 4, 3), new int[] {0, 4, -2, 9, 1, 1, 2, 3, 0, 4, 4, 4});
            check(Primitive.TAKE_ALONG_AXIS, new Params.Axis(1), List.of(a, idx));
            HostBuffer idx0 =
                    HostBuffer.wrap(ArraySpec.of(DType.INT32, 2, 5), new int[] {0, 3, 9, -1, 2, 1, 1, 2, 3, 0});
            check(Primitive.TAKE_ALONG_AXIS, new Params.Axis(0), List.of(a, idx0));
            // scatter: repeated and out-of-range indices (dropped), along each axis, every mode
            HostBuffer sidx = HostBuffer.wrap(ArraySpec.of(DType.INT32, 2, 3), new int[] {1, 4, -1, 1, 7, 0});
            HostBuffer u1 = values(t, 4 * 6, 3, 2).reshape(4, 2, 3);
            HostBuffer u0 = values(t, 6 * 5, 3, 2).reshape(2, 3, 5);
            HostBuffer sidx0 = HostBuffer.wrap(ArraySpec.of(DType.INT32, 2, 3), new int[] {1, 3, -1, 1, 4, 0});
            for (Params.Scatter.Mode mode : Params.Scatter.Mode.values()) {
                check(Primitive.SCATTER, new Params.Scatter(1, mode), List.of(a, sidx, u1));
                check(Primitive.SCATTER, new Params.Scatter(0, mode), List.of(a, sidx0, u0));
            }
            for (int[] starts : List.of(new int[] {0, 0}, new int[] {1, 3}, new int[] {-5, 9}, new int[] {3, 1})) {
                List<HostBuffer> ds = new ArrayList<>(List.of(a));
                List<HostBuffer> dus = new ArrayList<>(List.of(a, b));
                for (int s : starts) {
                    ds.add(HostBuffer.wrap(ArraySpec.of(DType.INT32), new int[] {s}));
                    dus.add(HostBuffer.wrap(ArraySpec.of(DType.INT32), new int[] {s}));
                }
                check(Primitive.DYNAMIC_SLICE, new Params.DynamicSlice(new int[] {2, 3}), ds);
                check(Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, dus);
            }
        }
    }

    @Test
    void aPrimitiveDefinedByItsDecompositionAloneIsDifferentiableToAnyOrder() {
        double[] xs = {-1.5, 0, 0.3, 2};
        Function<Array, Array> f = x -> Np.sum(Np.exp10(x));
        Function<Array, Array> df = Kiln.grad(f);
        Function<Array, Array> d2f = Kiln.grad(x -> Np.sum(df.apply(x)));
        Array x = Np.array(xs, 4);
        double[] g = Kiln.jit(df).apply(x).toDoubleArray();
        double[] g2 = d2f.apply(x).toDoubleArray();
        double ln10 = Math.log(10);
        for (int i = 0; i < xs.length; i++) {
            double y = Math.pow(10, xs[i]);
            assertTrue(ulpDistance(DType.FLOAT64, y * ln10, g[i]) <= 4, "d/dx 10^x at " + xs[i] + ": " + g[i]);
            assertTrue(
                    ulpDistance(DType.FLOAT64, y * ln10 * ln10, g2[i]) <= 8, "d2/dx2 10^x at " + xs[i] + ": " + g2[i]);
        }
    }

    @Test
    void everyPrimitiveOutsideTheCoreHasADecomposition() {
        for (Primitive p : Primitive.values()) {
            // collectives are communication, run by Kiln through the backend's collective methods
            boolean expected =
                    !p.isCore() && p.kind() != Primitive.Kind.CONTROL && p.kind() != Primitive.Kind.COLLECTIVE;
            assertEquals(
                    expected,
                    Definitions.decomposition(p) != null,
                    p + (expected ? " lacks" : " must not have") + " a decomposition");
        }
        assertEquals(33, Primitive.core().size());
        for (Primitive p : Primitive.values()) {
            assertEquals(
                    p.kind() != Primitive.Kind.CONTROL, Definitions.defined().contains(p), p + ": definition block");
        }
    }

    private static void check(Primitive p, Params params, List<HostBuffer> in) {
        List<ArraySpec> specs = in.stream().map(HostBuffer::spec).toList();
        ArraySpec out = ShapeRules.outSpec(p, params, specs);
        HostBuffer expected = (HostBuffer) REFERENCE.execute(p, params, out, List.copyOf(in));
        HostBuffer eager = REFERENCE.toHost(Lowering.execute(CORE_ONLY, p, params, out, List.copyOf(in)));
        compare(p, in, expected, eager, "eagerly");
        List<Var> vars = specs.stream().map(Var::new).toList();
        Var result = new Var(out);
        Program program = new Program(
                List.of(),
                vars,
                List.of(new Eqn(p, params, List.<Atom>copyOf(vars), List.of(result))),
                List.of(result));
        Program lowered = Lowering.decompose(CORE_ONLY, program);
        for (Eqn e : lowered.eqns()) {
            assertTrue(e.primitive().isCore(), p + " lowered to a program with " + e.primitive() + ":\n" + lowered);
        }
        HostBuffer compiled = REFERENCE.toHost(
                Lowering.compile(CORE_ONLY, program).run(List.copyOf(in)).get(0));
        compare(p, in, expected, compiled, "compiled");
    }

    private static void compare(Primitive p, List<HostBuffer> in, HostBuffer expected, HostBuffer actual, String how) {
        assertEquals(expected.spec(), actual.spec(), p + " " + how);
        DType t = expected.spec().dtype();
        long tolerance = ulps(p, t);
        for (int i = 0; i < expected.spec().size(); i++) {
            boolean ok;
            if (t.isFloating()) {
                double e = expected.getDouble(i);
                double a = actual.getDouble(i);
                ok = Double.isNaN(e)
                        ? Double.isNaN(a)
                        : tolerance == 0 ? Double.compare(e, a) == 0 : ulpDistance(t, e, a) <= tolerance;
            } else {
                ok = expected.getLong(i) == actual.getLong(i);
            }
            if (!ok) {
                StringBuilder args = new StringBuilder();
                for (HostBuffer b : in) {
                    if (b.spec().size() == expected.spec().size()) {
                        args.append(' ')
                                .append(
                                        t.isFloating() || b.spec().dtype().isFloating()
                                                ? b.getDouble(i)
                                                : b.getLong(i));
                    }
                }
                fail(p + " " + t + " " + how + " at " + i + " (operands" + args + "): expected "
                        + (t.isFloating() ? expected.getDouble(i) : expected.getLong(i)) + ", got "
                        + (t.isFloating() ? actual.getDouble(i) : actual.getLong(i)));
            }
        }
    }

    private static long ulpDistance(DType t, double e, double a) {
        if (Math.signum(e) != Math.signum(a) && e != 0 && a != 0 || Double.isInfinite(e) || Double.isInfinite(a)) {
            return e == a ? 0 : Long.MAX_VALUE;
        }
        if (t == DType.FLOAT32) {
            return Math.abs((long) Float.floatToIntBits((float) e) - Float.floatToIntBits((float) a));
        }
        return Math.abs(Double.doubleToLongBits(e) - Double.doubleToLongBits(a));
    }

    /** Special values first, then random ones; operand k starts at a different offset so pairs differ. */
    private static HostBuffer values(DType t, int n, long seed, int k) {
        Random r = new Random(seed);
        ArraySpec spec = ArraySpec.of(t, n);
        HostBuffer b = HostBuffer.allocate(spec);
        for (int i = 0; i < n; i++) {
            int j = i + 3 * k;
            switch (t) {
                case FLOAT32 -> b.floats()[i] = (float) (j < FLOATS.length ? FLOATS[j] : r.nextGaussian() * 4);
                case FLOAT64 -> b.doubles()[i] = j < FLOATS.length ? FLOATS[j] : r.nextGaussian() * 4;
                case INT32, UINT32 -> b.ints()[i] = (int) (j < INTS.length ? INTS[j] : r.nextInt(200) - 100);
                case INT64 ->
                    b.longs()[i] = j < INTS.length ? INTS[j] * (j % 3 == 0 ? 1L << 33 : 1) : r.nextInt(200) - 100;
                case BOOL -> b.bools()[i] = r.nextBoolean();
            }
        }
        return b;
    }

    /** The reference backend restricted to the core: what a new backend implements first. */
    private record CoreOnlyBackend(Backend reference) implements Backend {
        @Override
        public String name() {
            return "core-only";
        }

        @Override
        public List<dev.kiln.spi.Device> devices() {
            return reference.devices();
        }

        @Override
        public Set<dev.kiln.spi.Capability> capabilities() {
            return Set.of();
        }

        @Override
        public Buffer fromHost(HostBuffer host) {
            return host;
        }

        @Override
        public HostBuffer toHost(Buffer buffer) {
            return (HostBuffer) buffer;
        }

        @Override
        public Buffer execute(Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs) {
            if (!primitive.isCore()) {
                throw new UnsupportedPrimitiveException(name(), primitive, "not in the core");
            }
            return reference.execute(primitive, params, out, inputs);
        }
    }
}
