package dev.kiln.conformance.families;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import java.util.SplittableRandom;

/**
 * Seeded input generation. Each case seeds its own generator from its path, so a failing case
 * reproduces alone and adding cases does not change the inputs of others.
 */
final class Gen {
    /** Where random inputs are drawn from. */
    record Domain(String name, double lo, double hi, boolean logScale, boolean nonZero) {
        /** Uniform in {@code [lo, hi]} (integers: whole numbers in it). */
        static Domain uniform(double lo, double hi) {
            return new Domain("[" + lo + "," + hi + "]", lo, hi, false, false);
        }

        /** Magnitudes log-uniform in {@code [lo, hi]} (lo > 0), sign random when {@code signed}. */
        static Domain magnitudes(double lo, double hi, boolean signed) {
            return new Domain(
                    (signed ? "±" : "") + "10^[" + Math.log10(lo) + "," + Math.log10(hi) + "]",
                    signed ? -lo : lo,
                    hi,
                    true,
                    true);
        }

        Domain excludingZero() {
            return new Domain(name + "\\0", lo, hi, logScale, true);
        }
    }

    static final Domain ANY = Domain.magnitudes(1e-3, 1e3, true);
    static final Domain POSITIVE = Domain.magnitudes(1e-3, 1e3, false);
    static final Domain UNIT = Domain.uniform(-1, 1);
    static final Domain SMALL = Domain.uniform(-10, 10);
    static final Domain EXP = Domain.uniform(-30, 30);
    static final Domain INTS = Domain.uniform(-1000, 1000);

    private final SplittableRandom random;

    Gen(String key) {
        this.random = new SplittableRandom(0x4b494c4eL ^ ((long) key.hashCode() << 17) ^ key.length());
    }

    SplittableRandom random() {
        return random;
    }

    /** Random elements of {@code dtype} from {@code d}. */
    HostBuffer random(DType dtype, Domain d, int... shape) {
        HostBuffer h = HostBuffer.allocate(ArraySpec.of(dtype, shape));
        int n = h.spec().size();
        Object data = h.data();
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case BOOL -> ((boolean[]) data)[i] = random.nextBoolean();
                case FLOAT32 -> ((float[]) data)[i] = (float) nextDouble(d);
                case FLOAT64 -> ((double[]) data)[i] = nextDouble(d);
                case INT32 -> ((int[]) data)[i] = (int) nextLong(d, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case UINT32 -> ((int[]) data)[i] = (int) nextLong(d, 0, 0xffffffffL);
                case INT64 -> ((long[]) data)[i] = nextLong(d, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
            }
        }
        return h;
    }

    /** Values in [1, 3] (true for bool) with about one in ten zero (false), so that all/any rows differ. */
    HostBuffer mostlyNonZero(DType dtype, int... shape) {
        HostBuffer h = random(dtype, Domain.uniform(1, 3), shape);
        int n = h.spec().size();
        HostBuffer zero = Host.of(dtype, new int[] {1}, 0);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(10) == 0) {
                HostOps.copy(zero, 0, h, i);
            } else if (dtype == DType.BOOL) {
                ((boolean[]) h.data())[i] = true;
            }
        }
        return h;
    }

    double nextDouble(Domain d) {
        if (d.logScale) {
            double lo = Math.abs(d.lo);
            double m = Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(d.hi) - Math.log(lo)));
            return d.lo < 0 && random.nextBoolean() ? -m : m;
        }
        double v;
        do {
            v = d.lo + random.nextDouble() * (d.hi - d.lo);
        } while (d.nonZero && v == 0);
        return v;
    }

    private long nextLong(Domain d, long min, long max) {
        long lo = (long) Math.max(Math.ceil(d.logScale ? -d.hi : d.lo), min);
        if (d.logScale && d.lo > 0) {
            lo = Math.max(1, lo);
        }
        long hi = (long) Math.min(Math.floor(d.hi), max);
        long v;
        do {
            v = lo + random.nextLong(hi - lo + 1);
        } while (d.nonZero && v == 0);
        return v;
    }

    /** Float corner values: NaN, infinities, signed zeros, subnormals, extremes and values near 1. */
    static double[] floatCorners(DType dtype) {
        if (dtype == DType.FLOAT64) {
            return new double[] {
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                0.0,
                -0.0,
                Double.MIN_VALUE,
                -Double.MIN_VALUE,
                Double.MIN_NORMAL / 2,
                Double.MIN_NORMAL,
                Double.MAX_VALUE,
                -Double.MAX_VALUE,
                1e300,
                -1e-300,
                1.0,
                -1.0,
                0.5,
                -0.5,
                1.5,
                2.5,
                -2.5,
                Math.nextUp(1.0),
                Math.nextDown(1.0),
                3.0,
                1e-8,
                100.0,
                -7.25
            };
        }
        return new double[] {
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            0.0,
            -0.0,
            Float.MIN_VALUE,
            -Float.MIN_VALUE,
            Float.MIN_NORMAL / 2,
            Float.MIN_NORMAL,
            Float.MAX_VALUE,
            -Float.MAX_VALUE,
            1e30f,
            -1e-30f,
            1.0,
            -1.0,
            0.5,
            -0.5,
            1.5,
            2.5,
            -2.5,
            Math.nextUp(1.0f),
            Math.nextDown(1.0f),
            3.0,
            1e-4f,
            100.0,
            -7.25
        };
    }

    /** Integer corner values of {@code dtype}: extremes, zero, ±1, powers of two. */
    static long[] intCorners(DType dtype) {
        return switch (dtype) {
            case INT32 ->
                new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, 1, -1, 2, -2, 31, 32, 1 << 30, -(1 << 30), 7};
            case UINT32 ->
                new long[] {0, 1, 2, 31, 32, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0xfffffffeL, 7, 1000, 12};
            case INT64 ->
                new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, 1, -1, 2, -2, 63, 64, 1L << 40, -(1L << 40), 7};
            case BOOL -> new long[] {0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0};
            default -> throw new IllegalArgumentException(dtype + " is not an integer dtype");
        };
    }

    /** The corner values of {@code dtype} as a 1-d buffer. */
    static HostBuffer corners(DType dtype) {
        if (dtype.isFloating()) {
            double[] v = floatCorners(dtype);
            return Host.of(dtype, new int[] {v.length}, v);
        }
        long[] v = intCorners(dtype);
        return Host.ofLongs(dtype, new int[] {v.length}, v);
    }
}
