package dev.kiln.cpu;

import static dev.kiln.cpu.Exec.assertClose;
import static dev.kiln.cpu.Exec.assertFloats;
import static dev.kiln.cpu.Exec.bool;
import static dev.kiln.cpu.Exec.f32;
import static dev.kiln.cpu.Exec.f64;
import static dev.kiln.cpu.Exec.i32;
import static dev.kiln.cpu.Exec.i64;
import static dev.kiln.cpu.Exec.run;
import static dev.kiln.cpu.Exec.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.DType;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    private static final Primitive[] FLOAT_UNARY = {
        Primitive.NEG,
        Primitive.ABS,
        Primitive.SIGN,
        Primitive.EXP,
        Primitive.EXP2,
        Primitive.LOG,
        Primitive.LOG1P,
        Primitive.EXPM1,
        Primitive.SQRT,
        Primitive.RSQRT,
        Primitive.CBRT,
        Primitive.SIN,
        Primitive.COS,
        Primitive.TAN,
        Primitive.ASIN,
        Primitive.ACOS,
        Primitive.ATAN,
        Primitive.SINH,
        Primitive.COSH,
        Primitive.TANH,
        Primitive.LOGISTIC,
        Primitive.ERF,
        Primitive.FLOOR,
        Primitive.CEIL,
        Primitive.ROUND
    };

    private static final Primitive[] FLOAT_BINARY = {
        Primitive.ADD,
        Primitive.SUB,
        Primitive.MUL,
        Primitive.DIV,
        Primitive.REM,
        Primitive.POW,
        Primitive.MAX,
        Primitive.MIN,
        Primitive.ATAN2
    };

    /**
     * Every float unary op against Math in double (rounded once for float32), at sizes that hit the
     * vector tails and one above the parallel threshold. The vector transcendentals are SVML
     * intrinsics, an implementation independent of Math's.
     */
    @Test
    void floatUnaryMatchesMathWithinTwoUlps() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (Primitive p : FLOAT_UNARY) {
                for (int n : sizes()) {
                    HostBuffer x = Exec.random(t, n * 31L + p.name().hashCode(), true, n);
                    HostBuffer got = run(p, x);
                    HostBuffer want = HostBuffer.allocate(x.spec());
                    for (int i = 0; i < n; i++) {
                        Convert.setDouble(t, want.data(), i, ScalarMath.unary(p, x.getDouble(i)));
                    }
                    assertClose(want, got, 2, p + " " + t + " n=" + n);
                }
            }
        }
    }

    @Test
    void floatBinaryMatchesMathWithinTwoUlps() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (Primitive p : FLOAT_BINARY) {
                for (int n : sizes()) {
                    HostBuffer a = Exec.random(t, n * 7L + p.name().hashCode(), true, n);
                    HostBuffer b = Exec.random(t, n * 13L + p.name().hashCode(), true, n);
                    HostBuffer got = run(p, a, b);
                    HostBuffer want = HostBuffer.allocate(a.spec());
                    for (int i = 0; i < n; i++) {
                        Convert.setDouble(t, want.data(), i, ScalarMath.binary(p, a.getDouble(i), b.getDouble(i)));
                    }
                    assertClose(want, got, 2, p + " " + t + " n=" + n);
                }
            }
        }
    }

    @Test
    void floatComparisonsAndSelectFollowIeee() {
        Primitive[] cmp = {Primitive.EQ, Primitive.NE, Primitive.LT, Primitive.LE, Primitive.GT, Primitive.GE};
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int n : sizes()) {
                HostBuffer a = Exec.random(t, n, true, n);
                HostBuffer b = Exec.random(t, n + 1, true, n);
                // equal elements too, so EQ/LE/GE see true
                for (int i = 0; i < n; i += 3) {
                    Convert.setDouble(t, b.data(), i, a.getDouble(i));
                }
                for (Primitive p : cmp) {
                    boolean[] got = run(p, a, b).bools();
                    for (int i = 0; i < n; i++) {
                        double x = a.getDouble(i);
                        double y = b.getDouble(i);
                        boolean want =
                                switch (p) {
                                    case EQ -> x == y;
                                    case NE -> x != y;
                                    case LT -> x < y;
                                    case LE -> x <= y;
                                    case GT -> x > y;
                                    default -> x >= y;
                                };
                        assertEquals(want, got[i], p + " " + t + " n=" + n + " at " + i + ": " + x + ", " + y);
                    }
                }
                HostBuffer pred = run(Primitive.LT, a, b);
                HostBuffer sel = run(Primitive.SELECT, pred, a, b);
                for (int i = 0; i < n; i++) {
                    double want = pred.bools()[i] ? a.getDouble(i) : b.getDouble(i);
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(sel.getDouble(i)));
                }
            }
        }
    }

    @Test
    void integerDivisionFollowsXla() {
        int min = Integer.MIN_VALUE;
        assertArrayEquals(
                new int[] {3, -3, -1, min, -1, 0},
                run(Primitive.DIV, i32(new int[] {7, -7, 5, min, 0, 0}, 6), i32(new int[] {2, 2, 0, -1, 0, 9}, 6))
                        .ints());
        assertArrayEquals(
                new int[] {1, -1, 5, 0, 0},
                run(Primitive.REM, i32(new int[] {7, -7, 5, min, 0}, 5), i32(new int[] {2, 2, 0, -1, 0}, 5))
                        .ints());
        assertArrayEquals(
                new int[] {0x7FFF_FFFF, -1, -1, 2},
                run(Primitive.DIV, u32(new int[] {-1, 7, 0, -2}, 4), u32(new int[] {2, 0, 0, 0x7FFF_FFFF}, 4))
                        .ints());
        assertArrayEquals(
                new int[] {5, 7},
                run(Primitive.REM, u32(new int[] {-1, 7}, 2), u32(new int[] {10, 0}, 2))
                        .ints());
        assertArrayEquals(
                new long[] {-1, Long.MIN_VALUE, 3, -1},
                run(
                                Primitive.DIV,
                                i64(new long[] {5, Long.MIN_VALUE, 7, Long.MIN_VALUE}, 4),
                                i64(new long[] {0, -1, 2, Long.MAX_VALUE}, 4))
                        .longs());
        assertArrayEquals(
                new long[] {5, 0, -1},
                run(Primitive.REM, i64(new long[] {5, Long.MIN_VALUE, -7}, 3), i64(new long[] {0, -1, 2}, 3))
                        .longs());
    }

    @Test
    void shiftsByTheBitWidthOrMoreSaturate() {
        int min = Integer.MIN_VALUE;
        assertArrayEquals(
                new int[] {1, min, 0, 0, 0},
                run(Primitive.SHIFT_LEFT, i32(new int[] {1, 1, 1, 1, 1}, 5), i32(new int[] {0, 31, 32, -1, 1000}, 5))
                        .ints());
        assertArrayEquals(
                new int[] {-4, -1, -1, 0, -1},
                run(
                                Primitive.SHIFT_RIGHT_ARITHMETIC,
                                i32(new int[] {-8, -8, -8, 8, -8}, 5),
                                i32(new int[] {1, 32, 100, 40, -3}, 5))
                        .ints());
        assertArrayEquals(
                new int[] {0x7FFF_FFFC, 0, 0},
                run(Primitive.SHIFT_RIGHT_LOGICAL, i32(new int[] {-8, -8, -8}, 3), i32(new int[] {1, 32, -1}, 3))
                        .ints());
        // uint32 arithmetic shift fills with the top bit, like XLA's ashr on the bits
        assertArrayEquals(
                new int[] {0xC000_0000, -1},
                run(Primitive.SHIFT_RIGHT_ARITHMETIC, u32(new int[] {min, min}, 2), u32(new int[] {1, 32}, 2))
                        .ints());
        assertArrayEquals(
                new long[] {Long.MIN_VALUE, 0, -1, 0},
                run(Primitive.SHIFT_LEFT, i64(new long[] {1, 1, -1, -1}, 4), i64(new long[] {63, 64, 0, 64}, 4))
                        .longs());
        assertArrayEquals(
                new long[] {-1, 0, Long.MIN_VALUE >> 1},
                run(
                                Primitive.SHIFT_RIGHT_ARITHMETIC,
                                i64(new long[] {-1, 5, Long.MIN_VALUE}, 3),
                                i64(new long[] {64, 64, 1}, 3))
                        .longs());
    }

    @Test
    void integerPowSquaresAndNegativeExponentsGiveZero() {
        int[] base = {2, 2, -1, -1, 1, 0, 3, 0, 3, -2};
        int[] exp = {10, -1, -3, -2, -5, 0, 2, -1, 40, 31};
        int[] want = new int[base.length];
        for (int i = 0; i < base.length; i++) {
            want[i] = exp[i] < 0
                    ? (base[i] == 1 ? 1 : base[i] == -1 ? (exp[i] % 2 == 0 ? 1 : -1) : 0)
                    : BigInteger.valueOf(base[i]).pow(exp[i]).intValue();
        }
        assertEquals(1024, want[0]);
        assertArrayEquals(want, run(Primitive.POW, i32(base, 10), i32(exp, 10)).ints());
        assertArrayEquals(
                new long[] {BigInteger.valueOf(3).pow(50).longValue(), 0, -1},
                run(Primitive.POW, i64(new long[] {3, 5, -1}, 3), i64(new long[] {50, -2, -7}, 3))
                        .longs());
        // uint32 exponents are never negative: 2^(2^32-1) wraps to 0, 1^anything is 1
        assertArrayEquals(
                new int[] {0, 1},
                run(Primitive.POW, u32(new int[] {2, 1}, 2), u32(new int[] {-1, -1}, 2))
                        .ints());
    }

    @Test
    void unsignedOrderAndMinMax() {
        int big = 0x8000_0000;
        assertArrayEquals(
                new int[] {big, 2},
                run(Primitive.MAX, u32(new int[] {big, 1}, 2), u32(new int[] {1, 2}, 2))
                        .ints());
        assertArrayEquals(
                new int[] {1, 1},
                run(Primitive.MIN, u32(new int[] {big, 1}, 2), u32(new int[] {1, 2}, 2))
                        .ints());
        assertArrayEquals(
                new boolean[] {false, true},
                run(Primitive.LT, u32(new int[] {big, 1}, 2), u32(new int[] {1, 2}, 2))
                        .bools());
        assertArrayEquals(
                new boolean[] {true, false},
                run(Primitive.LT, i32(new int[] {big, 3}, 2), i32(new int[] {1, 2}, 2))
                        .bools());
    }

    @Test
    void nanPropagatesThroughMaxAndMinAtEveryPosition() {
        for (int n : new int[] {5, 16, 37}) {
            float[] a = new float[n];
            float[] b = new float[n];
            Arrays.fill(a, 1f);
            Arrays.fill(b, 2f);
            a[n - 1] = Float.NaN;
            b[0] = Float.NaN;
            float[] max = run(Primitive.MAX, f32(a, n), f32(b, n)).floats();
            float[] min = run(Primitive.MIN, f32(a, n), f32(b, n)).floats();
            assertTrue(
                    Float.isNaN(max[0]) && Float.isNaN(max[n - 1]) && Float.isNaN(min[0]) && Float.isNaN(min[n - 1]));
            assertEquals(2f, max[1]);
            assertEquals(1f, min[1]);
        }
    }

    @Test
    void roundingSignAndIsFinite() {
        float[] x = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4999998f, -2.5f, Float.NaN};
        assertFloats(new float[] {0f, 2f, 2f, -0f, -2f, 2f, -2f, Float.NaN}, run(Primitive.ROUND, f32(x, 8)));
        assertEquals(
                Float.floatToIntBits(-0f),
                Float.floatToIntBits(run(Primitive.ROUND, f32(x, 8)).floats()[3]));
        assertArrayEquals(
                new double[] {0, 2, 2, -0.0, -2},
                run(Primitive.ROUND, f64(new double[] {0.5, 1.5, 2.5, -0.5, -1.5}, 5))
                        .doubles());
        float[] s = run(Primitive.SIGN, f32(new float[] {Float.NaN, -0f, 0f, -3f, 5f, Float.NEGATIVE_INFINITY}, 6))
                .floats();
        assertTrue(Float.isNaN(s[0]));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(s[1]));
        assertArrayEquals(new float[] {0f, -1f, 1f, -1f}, Arrays.copyOfRange(s, 2, 6));
        assertArrayEquals(
                new int[] {-1, 0, 1},
                run(Primitive.SIGN, i32(new int[] {-7, 0, 9}, 3)).ints());
        assertArrayEquals(
                new int[] {1, 0}, run(Primitive.SIGN, u32(new int[] {-7, 0}, 2)).ints());
        assertArrayEquals(
                new int[] {-7, 0, 9},
                run(Primitive.FLOOR, i32(new int[] {-7, 0, 9}, 3)).ints());
        assertArrayEquals(
                new int[] {Integer.MIN_VALUE, 7},
                run(Primitive.ABS, i32(new int[] {Integer.MIN_VALUE, -7}, 2)).ints());
        assertArrayEquals(
                new boolean[] {true, false, false, false, true},
                run(
                                Primitive.IS_FINITE,
                                f64(
                                        new double[] {
                                            1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0
                                        },
                                        5))
                        .bools());
        assertArrayEquals(
                new boolean[] {true, true},
                run(Primitive.IS_FINITE, i32(new int[] {1, 2}, 2)).bools());
    }

    @Test
    void powFollowsC99ForOneAndMinusOne() {
        int n = 40;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            int c = i % 4;
            a[i] = c == 0 ? 1f : c == 1 ? -1f : c == 2 ? 2f : 4f;
            b[i] = c == 0 ? Float.NaN : c == 1 ? Float.POSITIVE_INFINITY : c == 2 ? 10f : 0.5f;
        }
        float[] got = run(Primitive.POW, f32(a, n), f32(b, n)).floats();
        for (int i = 0; i < n; i++) {
            float want =
                    switch (i % 4) {
                        case 0, 1 -> 1f;
                        case 2 -> 1024f;
                        default -> 2f;
                    };
            assertEquals(want, got[i], "pow at " + i);
        }
    }

    @Test
    void logisticAndExpEdgeValues() {
        // 6 elements run the scalar tail, 38 the vector loop too: both must give the same edge values
        for (int n : new int[] {6, 36}) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = new float[] {0f, 100f, -100f, -1000f, Float.NaN, 1f}[i % 6];
            }
            checkLogistic(run(Primitive.LOGISTIC, f32(x, n)).floats());
        }
        assertEquals(
                Math.exp(-720),
                run(Primitive.LOGISTIC, f64(new double[] {-720}, 1)).doubles()[0],
                1e-323);
    }

    private static void checkLogistic(float[] y) {
        for (int i = 0; i < y.length; i += 6) {
            assertEquals(0.5f, y[i]);
            assertEquals(1f, y[i + 1]);
            assertEquals(3.7200760e-44f, y[i + 2], 1.5e-45f);
            assertEquals(0f, y[i + 3]);
            assertTrue(Float.isNaN(y[i + 4]));
            assertEquals((float) (1 / (1 + Math.exp(-1))), y[i + 5], Math.ulp(y[i + 5]));
        }
    }

    @Test
    void boolArithmeticActsOnZeroOne() {
        boolean[] a = {false, false, true, true};
        boolean[] b = {false, true, false, true};
        assertArrayEquals(
                new boolean[] {false, true, true, true},
                run(Primitive.ADD, bool(a, 4), bool(b, 4)).bools());
        assertArrayEquals(
                new boolean[] {false, false, false, true},
                run(Primitive.MUL, bool(a, 4), bool(b, 4)).bools());
        assertArrayEquals(
                new boolean[] {false, true, true, false},
                run(Primitive.XOR, bool(a, 4), bool(b, 4)).bools());
        assertArrayEquals(
                new boolean[] {false, true, true, true},
                run(Primitive.MAX, bool(a, 4), bool(b, 4)).bools());
        assertArrayEquals(
                new boolean[] {true, false, true, true},
                run(Primitive.GE, bool(a, 4), bool(b, 4)).bools());
        assertArrayEquals(
                new boolean[] {true, true, false, false},
                run(Primitive.NOT, bool(a, 4)).bools());
    }

    @Test
    void bitwiseOpsOnFloatsAreRejected() {
        HostBuffer x = f32(new float[] {1}, 1);
        assertThrows(UnsupportedPrimitiveException.class, () -> run(Primitive.AND, x, x));
        assertThrows(UnsupportedPrimitiveException.class, () -> run(Primitive.NOT, x));
    }

    @Test
    void integerOperandsOfRealOpsGoThroughDouble() {
        assertArrayEquals(
                new int[] {2, 20, 0},
                run(Primitive.EXP, i32(new int[] {1, 3, -50}, 3)).ints());
        assertArrayEquals(
                new int[] {1, 4}, run(Primitive.SQRT, u32(new int[] {2, 16}, 2)).ints());
        assertArrayEquals(
                new boolean[] {true, false},
                run(Primitive.SIN, bool(new boolean[] {true, false}, 2)).bools());
    }

    @Test
    void convertSaturatesAndKeepsBits() {
        float[] f = {Float.NaN, 1e10f, -1e10f, -1.7f, 1.7f, -0f};
        HostBuffer x = f32(f, 6);
        assertArrayEquals(
                new int[] {0, Integer.MAX_VALUE, Integer.MIN_VALUE, -1, 1, 0},
                run(Primitive.CONVERT, new Params.Convert(DType.INT32), x).ints());
        assertArrayEquals(
                new int[] {0, -1, 0, 0, 1, 0},
                run(Primitive.CONVERT, new Params.Convert(DType.UINT32), x).ints());
        assertArrayEquals(
                new int[] {3, -1},
                run(Primitive.CONVERT, new Params.Convert(DType.UINT32), f64(new double[] {3.99, 4294967295.5}, 2))
                        .ints());
        assertArrayEquals(
                new boolean[] {true, true, true, true, true, false},
                run(Primitive.CONVERT, new Params.Convert(DType.BOOL), x).bools());
        assertArrayEquals(
                new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE},
                run(
                                Primitive.CONVERT,
                                new Params.Convert(DType.INT64),
                                f64(new double[] {Double.NaN, 1e300, Double.NEGATIVE_INFINITY}, 3))
                        .longs());
        assertArrayEquals(
                new double[] {4294967295.0, 1.0},
                run(Primitive.CONVERT, new Params.Convert(DType.FLOAT64), u32(new int[] {-1, 1}, 2))
                        .doubles());
        // int64 to float32 rounds once: 2^53 + 2^29 + 1 is above the float midpoint, via double it would tie to even
        long v = (1L << 53) + (1L << 29) + 1;
        assertEquals(
                (float) v,
                run(Primitive.CONVERT, new Params.Convert(DType.FLOAT32), i64(new long[] {v}, 1))
                        .floats()[0]);
        assertArrayEquals(
                new int[] {-1, 5},
                run(Primitive.CONVERT, new Params.Convert(DType.UINT32), i32(new int[] {-1, 5}, 2))
                        .ints());
        assertArrayEquals(
                new long[] {4294967295L, 5},
                run(Primitive.CONVERT, new Params.Convert(DType.INT64), u32(new int[] {-1, 5}, 2))
                        .longs());
        assertArrayEquals(
                new int[] {-1, 0},
                run(Primitive.CONVERT, new Params.Convert(DType.INT32), i64(new long[] {0xFFFF_FFFFL, 1L << 32}, 2))
                        .ints());
        assertArrayEquals(
                new float[] {1f, 0f},
                run(Primitive.CONVERT, new Params.Convert(DType.FLOAT32), bool(new boolean[] {true, false}, 2))
                        .floats());
    }

    /** Large inputs take the multi-threaded path; every chunk must be right. */
    @Test
    void parallelPathsMatchSerialOnes() {
        int n = Exec.LARGE;
        HostBuffer a = Exec.random(DType.FLOAT32, 1, false, n);
        HostBuffer b = Exec.random(DType.FLOAT32, 2, false, n);
        float[] sum = run(Primitive.ADD, a, b).floats();
        float[] exp = run(Primitive.EXP, a).floats();
        boolean[] lt = run(Primitive.LT, a, b).bools();
        int[] conv = run(Primitive.CONVERT, new Params.Convert(DType.INT32), a).ints();
        for (int i = 0; i < n; i++) {
            float x = a.floats()[i];
            float y = b.floats()[i];
            assertEquals(x + y, sum[i]);
            assertTrue(Exec.ulps(DType.FLOAT32, (float) Math.exp(x), exp[i]) <= 1, "exp at " + i);
            assertEquals(x < y, lt[i]);
            assertEquals((int) x, conv[i]);
        }
        HostBuffer ia = Exec.random(DType.INT32, 3, false, n);
        HostBuffer ib = Exec.random(DType.INT32, 4, false, n);
        int[] q = run(Primitive.DIV, ia, ib).ints();
        for (int i = 0; i < n; i++) {
            int d = ib.ints()[i];
            assertEquals(d == 0 ? -1 : ia.ints()[i] / d, q[i]);
        }
    }

    /** Same ops against the reference backend, when it is available. */
    @Test
    void matchesReferenceBackend() {
        var ref = Exec.reference();
        org.junit.jupiter.api.Assumptions.assumeTrue(ref != null, "reference backend not written yet");
        for (DType t : DType.values()) {
            if (t.isNarrow()) {
                continue; // stored widened: a backend never sees a narrow dtype
            }
            for (Primitive p : Primitive.values()) {
                if (p.kind() != Primitive.Kind.UNARY
                        && p.kind() != Primitive.Kind.BINARY
                        && p.kind() != Primitive.Kind.COMPARE) {
                    continue;
                }
                // unclaimed primitives (NEXTAFTER) never reach execute: Kiln runs their
                // decomposition, which spi's DecompositionsTest checks against the reference
                if (!Exec.CPU.implementsNatively(p, t)) {
                    continue;
                }
                for (int n : new int[] {13, 129}) {
                    HostBuffer a = Exec.random(t, n + p.name().hashCode(), true, n);
                    HostBuffer b = Exec.random(t, n * 3L + p.name().hashCode(), true, n);
                    HostBuffer[] in = p.arity() == 1 ? new HostBuffer[] {a} : new HostBuffer[] {a, b};
                    HostBuffer want;
                    try {
                        want = Exec.run(ref, p, Params.NONE, in);
                    } catch (IllegalArgumentException e) { // UnsupportedPrimitiveException is one (a KilnException)
                        continue;
                    }
                    assertClose(want, Exec.run(p, Params.NONE, in), 4, "vs reference: " + p + " " + t + " n=" + n);
                }
            }
        }
    }

    private static int[] sizes() {
        int[] s = Arrays.copyOf(Exec.ODD_SIZES, Exec.ODD_SIZES.length + 1);
        s[s.length - 1] = Exec.LARGE;
        return s;
    }
}
