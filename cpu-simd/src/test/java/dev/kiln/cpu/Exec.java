package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Runs primitives on the backend under test (and the reference backend) and compares results. */
final class Exec {
    private Exec() {}

    static final CpuSimdBackend CPU = new CpuSimdBackend();

    /** Sizes that hit vector tails (16 floats, 8 doubles per vector) and, the last one, several vectors plus a tail. */
    static final int[] ODD_SIZES = {1, 7, 8, 13, 31, 127, 128, 129, 1023, 4097};

    /** Above the parallel thresholds, so the multi-threaded paths run. */
    static final int LARGE = (1 << 19) + 77;

    private static final Method OUT_SPEC;

    static {
        try {
            // the shape rules live in a package dev.kiln does not export; tests run on the class path
            OUT_SPEC = Class.forName("dev.kiln.internal.rules.ShapeRules")
                    .getMethod("outSpec", Primitive.class, Params.class, List.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static ArraySpec outSpec(Primitive p, Params params, HostBuffer... in) {
        try {
            return (ArraySpec) OUT_SPEC.invoke(
                    null, p, params, Arrays.stream(in).map(HostBuffer::spec).toList());
        } catch (InvocationTargetException e) {
            throw (RuntimeException) e.getCause();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static HostBuffer run(Primitive p, Params params, HostBuffer... in) {
        return run(CPU, p, params, in);
    }

    static HostBuffer run(Primitive p, HostBuffer... in) {
        return run(CPU, p, Params.NONE, in);
    }

    static HostBuffer run(Backend b, Primitive p, Params params, HostBuffer... in) {
        ArraySpec out = outSpec(p, params, in);
        Buffer r = b.execute(p, params, out, List.of(in));
        HostBuffer h = b.toHost(r);
        assertEquals(out, h.spec(), "spec of " + p);
        return h;
    }

    private static Backend reference;
    private static Boolean referenceWorks;

    /** The reference backend, or null while it is not written yet (then differential checks are skipped). */
    static synchronized Backend reference() {
        if (referenceWorks == null) {
            try {
                reference = Kiln.backend("reference");
                HostBuffer one = f32(new float[] {1}, 1);
                run(reference, Primitive.ADD, Params.NONE, one, one);
                referenceWorks = true;
            } catch (UnsupportedPrimitiveException | UnsupportedOperationException e) {
                referenceWorks = false;
            }
        }
        return referenceWorks ? reference : null;
    }

    static HostBuffer f32(float[] d, int... shape) {
        return HostBuffer.wrap(ArraySpec.of(DType.FLOAT32, shape), d);
    }

    static HostBuffer f64(double[] d, int... shape) {
        return HostBuffer.wrap(ArraySpec.of(DType.FLOAT64, shape), d);
    }

    static HostBuffer i32(int[] d, int... shape) {
        return HostBuffer.wrap(ArraySpec.of(DType.INT32, shape), d);
    }

    static HostBuffer u32(int[] d, int... shape) {
        return HostBuffer.wrap(ArraySpec.of(DType.UINT32, shape), d);
    }

    static HostBuffer i64(long[] d, int... shape) {
        return HostBuffer.wrap(ArraySpec.of(DType.INT64, shape), d);
    }

    static HostBuffer bool(boolean[] d, int... shape) {
        return HostBuffer.wrap(ArraySpec.of(DType.BOOL, shape), d);
    }

    static HostBuffer scalarOf(DType t, long v) {
        HostBuffer h = HostBuffer.allocate(ArraySpec.of(t));
        Convert.setLong(t, h.data(), 0, v);
        return h;
    }

    /**
     * Random data of a dtype: floats mix ordinary values with a sprinkle of specials (NaN, ±inf,
     * ±0, subnormals) when {@code specials}; integers cover the whole range with small values mixed in.
     */
    static HostBuffer random(DType t, long seed, boolean specials, int... shape) {
        Random r = new Random(seed);
        int n = ArraySpec.of(t, shape).size();
        HostBuffer h = HostBuffer.allocate(ArraySpec.of(t, shape));
        Object d = h.data();
        double[] special = {
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1e-40, -1e-320, 1, -1
        };
        for (int i = 0; i < n; i++) {
            switch (t) {
                case FLOAT32, FLOAT64 -> {
                    double v = specials && r.nextInt(16) == 0
                            ? special[r.nextInt(special.length)]
                            : (r.nextDouble() * 2 - 1) * Math.pow(10, r.nextInt(5) - 2);
                    Convert.setDouble(t, d, i, v);
                }
                case BOOL -> ((boolean[]) d)[i] = r.nextBoolean();
                case INT32, UINT32 -> ((int[]) d)[i] = r.nextBoolean() ? r.nextInt() : r.nextInt(21) - 10;
                case INT64 -> ((long[]) d)[i] = r.nextBoolean() ? r.nextLong() : r.nextInt(21) - 10;
            }
        }
        return h;
    }

    /** Distance in ulps of {@code t} between two finite or infinite values; NaN only matches NaN. */
    static double ulps(DType t, double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (expected == actual) {
            return 0;
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return Double.POSITIVE_INFINITY;
        }
        double ulp = t == DType.FLOAT32 ? Math.ulp((float) expected) : Math.ulp(expected);
        return Math.abs(expected - actual) / ulp;
    }

    /** Integers and bools exactly; floats within {@code maxUlps} (NaN matches NaN, -0 matches +0). */
    static void assertClose(HostBuffer expected, HostBuffer actual, double maxUlps, String what) {
        assertEquals(expected.spec(), actual.spec(), what + ": spec");
        DType t = expected.spec().dtype();
        int n = expected.spec().size();
        if (!t.isFloating()) {
            for (int i = 0; i < n; i++) {
                if (Convert.getLong(t, expected.data(), i) != Convert.getLong(t, actual.data(), i)) {
                    fail(what + ": element " + i + " expected " + Convert.getLong(t, expected.data(), i) + " but was "
                            + Convert.getLong(t, actual.data(), i));
                }
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            double e = expected.getDouble(i);
            double a = actual.getDouble(i);
            if (ulps(t, e, a) > maxUlps) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (" + ulps(t, e, a) + " ulp)");
            }
        }
    }

    static void assertSame(HostBuffer expected, HostBuffer actual, String what) {
        assertClose(expected, actual, 0, what);
    }

    static void assertFloats(float[] expected, HostBuffer actual) {
        assertArrayEquals(expected, actual.floats(), 0f);
    }
}
