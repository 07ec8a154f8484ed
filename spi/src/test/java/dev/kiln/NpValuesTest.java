package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Values of Np functions on the reference backend, against hand-worked results (NumPy/JAX
 * semantics). Float results are compared with a tolerance of a few float32 ulps.
 */
class NpValuesTest {
    static final float NAN = Float.NaN;
    static final float INF = Float.POSITIVE_INFINITY;

    static void ref(Runnable body) {
        Kiln.withBackend("reference", () -> {
            body.run();
            return null;
        });
    }

    static Array a(float... v) {
        return Np.array(v);
    }

    static Array ai(int... v) {
        return Np.array(v);
    }

    /** {@code 0, 1, …} as float32 in {@code shape}. */
    static Array range(int... shape) {
        float[] v = new float[Shape.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return Np.array(v, shape);
    }

    static void close(float[] expected, Array actual) {
        float[] got = actual.toFloatArray();
        assertEquals(expected.length, got.length, "length");
        for (int i = 0; i < got.length; i++) {
            float e = expected[i];
            float g = got[i];
            if (Float.isNaN(e) || Float.isInfinite(e)) {
                assertEquals(e, g, "element " + i);
            } else {
                float tol = 4 * Math.ulp(Math.max(Math.abs(e), 1f));
                assertTrue(Math.abs(e - g) <= tol, "element " + i + ": expected " + e + " but was " + g);
            }
        }
    }

    static void close(float expected, Array actual) {
        close(new float[] {expected}, actual);
    }

    static void ints(int[] expected, Array actual) {
        assertArrayEquals(expected, actual.toIntArray());
    }

    static void bools(String expected, Array actual) {
        boolean[] got = actual.toBooleanArray();
        StringBuilder b = new StringBuilder();
        for (boolean g : got) {
            b.append(g ? 'T' : 'F');
        }
        assertEquals(DType.BOOL, actual.dtype());
        assertEquals(expected, b.toString());
    }

    @Test
    void integerDivisionRoundsDown() {
        ref(() -> {
            Array x = ai(7, -7, 7, -7, 6, 0);
            Array y = ai(2, 2, -2, -2, 3, 5);
            ints(new int[] {3, -4, -4, 3, 2, 0}, Np.floorDivide(x, y));
            ints(new int[] {1, 1, -1, -1, 0, 0}, Np.mod(x, y));
            ints(new int[] {0, 0}, Np.mod(ai(5, -5), 0));
            assertEquals(DType.INT32, Np.mod(x, y).dtype());
        });
    }

    @Test
    void floatDivisionFollowsPython() {
        ref(() -> {
            close(new float[] {3, -4, -4, 3}, Np.floorDivide(a(7.5f, -7.5f, 7.5f, -7.5f), a(2, 2, -2, -2)));
            close(new float[] {INF, -INF, NAN}, Np.floorDivide(a(1, -1, 0), 0.0));
            close(new float[] {NAN}, Np.mod(a(1), 0.0));
            Array five = Np.arrayUint32(new int[] {5});
            assertEquals(
                    0xFFFFFFFFL,
                    Np.floorDivide(five, Np.arrayUint32(new int[] {0})).longItem() & 0xFFFFFFFFL);
            assertEquals(2L, Np.floorDivide(Np.arrayUint32(new int[] {5}), 2).longItem());
            close(new float[] {1.5f, 0.5f, -0.5f, -1.5f}, Np.mod(a(7.5f, -7.5f, 7.5f, -7.5f), a(2, 2, -2, -2)));
            close(new float[] {0.5f, 1.75f}, Np.divide(ai(1, 7), ai(2, 4)));
            close(new float[] {2.5f}, a(5).divide(2));
        });
    }

    @Test
    void arithmeticAndComparisons() {
        ref(() -> {
            ints(new int[] {8, 9, 1}, Np.power(ai(2, 3, 5), ai(3, 2, 0)));
            close(new float[] {1.5f, 2f}, Np.power(a(2.25f, 4), 0.5));
            close(new float[] {3, NAN, 2}, Np.maximum(a(1, NAN, 2), a(3, 0, -1)));
            close(new float[] {1, NAN, -1}, Np.minimum(a(1, NAN, 2), a(3, 0, -1)));
            close((float) (Math.PI / 4), Np.arctan2(a(1), a(1)));
            close((float) (3 * Math.PI / 4), Np.arctan2(1, a(-1)));
            close(new float[] {3.5f, 5.5f}, Np.add(ai(1, 3), 2.5));
            ints(new int[] {-2, 0}, Np.subtract(ai(1, 3), ai(3, 3)));
            bools("TFF", Np.less(ai(1, 2, 3), 1.5f * 1.3));
            bools("FTT", Np.greaterEqual(ai(1, 2, 3), 2));
            bools("TFT", Np.equal(a(1, 2, 3), ai(1, 0, 3)));
            bools("FTF", Np.notEqual(a(1, 2, 3), ai(1, 0, 3)));
            bools("TTF", Np.lessEqual(ai(1, 2, 3), ai(4, 2, 1)));
            bools("FFT", Np.greater(ai(1, 2, 3), ai(4, 2, 1)));
            bools("FTF", Np.add(Np.array(new boolean[] {false, true, false}), false));
            close(
                    new float[] {1, 2, 2, 4},
                    Np.where(Np.array(new boolean[] {true, false, true, false}), a(1, 1, 2, 4), a(9, 2, 9, 4)));
            close(new float[] {1, 0, 0}, Np.where(ai(5, 0, 0), 1.0, 0.0));
        });
    }

    @Test
    void logicalAndBitwise() {
        ref(() -> {
            bools("FFT", Np.logicalAnd(a(0, 1.5f, 2), a(1, 0, 3)));
            bools("TTF", Np.logicalOr(a(0, 1.5f, 0), ai(1, 0, 0)));
            bools("TFF", Np.logicalXor(ai(0, 2, 3), 1));
            bools("FTF", ai(0, 2, 3).logicalXor(ai(0, 0, 5)));
            bools("TF", Np.logicalNot(a(0, -2)));
            ints(new int[] {8}, Np.bitwiseAnd(ai(12), ai(10)));
            ints(new int[] {14}, Np.bitwiseOr(ai(12), 10));
            ints(new int[] {6}, Np.bitwiseXor(12, ai(10)));
            ints(new int[] {-1, -6}, Np.bitwiseNot(ai(0, 5)));
            ints(new int[] {8, 40}, Np.leftShift(ai(1, 5), 3));
            ints(new int[] {-4, 4}, Np.rightShift(ai(-16, 16), 2));
            Array u = Np.arrayUint32(new int[] {0x80000000});
            assertEquals(1L, Np.rightShift(u, 31).longItem());
            ints(new int[] {-1}, Np.rightShift(ai(0x80000000), 31));
        });
    }

    @Test
    void unaryFunctions() {
        ref(() -> {
            close(new float[] {-1, 2, -0f}, Np.negative(a(1, -2, 0)));
            close(new float[] {1, 2, 0}, Np.abs(a(1, -2, -0f)));
            ints(new int[] {1, 2}, Np.abs(ai(-1, 2)));
            close(new float[] {-1, 0, 1, NAN}, Np.sign(a(-3, 0, 2, NAN)));
            ints(new int[] {-1, 0, 1}, Np.sign(ai(-3, 0, 2)));
            close(new float[] {1, (float) Math.E}, Np.exp(ai(0, 1)));
            close(new float[] {8, 0.5f}, Np.exp2(a(3, -1)));
            close(new float[] {0, 1}, Np.log(a(1, (float) Math.E)));
            close(
                    new float[] {3, -1},
                    Np.log2(ai(8, 0).add(ai(0, 1)).astype(DType.FLOAT32).multiply(a(1, 0.5f))));
            close(new float[] {3, 0}, Np.log10(ai(1000, 1)));
            close(new float[] {1e-7f}, Np.log1p(a(1e-7f)));
            close(new float[] {1e-7f}, Np.expm1(a(1e-7f)));
            close(new float[] {3, NAN}, Np.sqrt(a(9, -1)));
            close(new float[] {0.5f}, Np.rsqrt(a(4)));
            close(new float[] {-2, 3}, Np.cbrt(a(-8, 27)));
            ints(new int[] {9, 4}, Np.square(ai(-3, 2)));
            close(new float[] {0.25f, -2}, Np.reciprocal(a(4, -0.5f)));
            close(new float[] {0, 1}, Np.sin(a(0, (float) (Math.PI / 2))));
            close(new float[] {1}, Np.cos(a(0)));
            close(new float[] {1}, Np.tan(a((float) (Math.PI / 4))));
            close(new float[] {(float) (Math.PI / 2)}, Np.arcsin(a(1)));
            close(new float[] {(float) Math.PI}, Np.arccos(a(-1)));
            close(new float[] {(float) (Math.PI / 4)}, Np.arctan(a(1)));
            close(new float[] {(float) Math.sinh(1)}, Np.sinh(a(1)));
            close(new float[] {(float) Math.cosh(1)}, Np.cosh(a(1)));
            close(new float[] {(float) Math.tanh(0.5)}, Np.tanh(a(0.5f)));
            close(new float[] {0.5f, 1, 0}, Np.sigmoid(a(0, 100, -100)));
            close(new float[] {0, 0.8427008f}, Np.erf(a(0, 1)));
            close(new float[] {1, -2}, Np.floor(a(1.5f, -1.5f)));
            close(new float[] {2, -1}, Np.ceil(a(1.5f, -1.5f)));
        });
    }

    @Test
    void roundingIsHalfToEven() {
        ref(() -> {
            close(new float[] {0, 2, 2, -0f, -2, 3}, Np.round(a(0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.6f)));
            close(new float[] {1.2f, -5.7f, 12.5f}, Np.round(a(1.234f, -5.678f, 12.5f), 1));
            close(new float[] {20, 20, 120}, Np.round(a(15, 25, 123), -1));
        });
    }

    @Test
    void nonFiniteHelpers() {
        ref(() -> {
            Array x = a(NAN, INF, -INF, 1);
            bools("TFFF", Np.isnan(x));
            bools("FTTF", Np.isinf(x));
            bools("FFFT", Np.isfinite(x));
            bools("FF", Np.isnan(ai(1, 2)));
            bools("TT", Np.isfinite(ai(1, 2)));
            close(new float[] {0, Float.MAX_VALUE, -Float.MAX_VALUE, 1}, Np.nanToNum(x));
            close(new float[] {-1, 5, -5, 1}, Np.nanToNum(x, -1, 5.0, -5.0));
            double[] d = Np.nanToNum(Np.array(new double[] {Double.POSITIVE_INFINITY}))
                    .toDoubleArray();
            assertEquals(Double.MAX_VALUE, d[0]);
            close(new float[] {2, 5, 8, NAN}, Np.clip(a(1, 5, 10, NAN), 2, 8));
            close(new float[] {1, 5, 8}, Np.clip(a(1, 5, 10), null, 8.0));
            close(new float[] {2, 5, 10}, a(1, 5, 10).clip(2, null));
            close(new float[] {1.5f, 2f}, Np.clip(ai(1, 2), 1.5, null));
        });
    }

    @Test
    void reductions() {
        ref(() -> {
            Array x = Np.array(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            close(21, Np.sum(x));
            close(new float[] {5, 7, 9}, Np.sum(x, 0));
            close(new float[] {6, 15}, x.sum(-1));
            Array kept = Np.sum(x, new int[] {1}, true);
            assertArrayEquals(new int[] {2, 1}, kept.shape());
            close(new float[] {6, 15}, kept);
            close(720, Np.prod(x));
            close(new float[] {4, 10, 18}, Np.prod(x, 0));
            close(6, Np.max(x));
            close(new float[] {3, 6}, Np.max(x, 1));
            close(1, Np.min(x));
            close(new float[] {1, 2, 3}, x.min(0));
            close(3.5f, Np.mean(x));
            close(new float[] {2, 5}, Np.mean(x, 1));
            close(35f / 12, Np.var(x));
            close(3.5f, Np.var(x, null, false, 1));
            close(new float[] {NAN, NAN}, Np.var(x, new int[] {1}, false, 3));
            close(new float[] {2f / 3, 2f / 3}, Np.var(x, 1));
            close(new float[] {1, 1}, Np.std(x, new int[] {1}, false, 1));
            close((float) Math.sqrt(35.0 / 12), Np.std(x));
            close(new float[] {2.5f}, Np.mean(ai(1, 4)));
            assertEquals(DType.FLOAT32, Np.mean(ai(1, 4)).dtype());
            close(NAN, Np.mean(a()));
            close(0, Np.sum(a()));
            Array b = Np.array(new boolean[] {true, false, true, true});
            assertEquals(3, Np.sum(b).intItem());
            assertEquals(DType.INT32, Np.sum(b).dtype());
            bools("F", Np.all(b));
            bools("T", Np.any(b));
            bools("T", Np.all(a()));
            bools("F", Np.any(a()));
            bools("FT", Np.all(Np.array(new float[] {1, 0, 2, 3}, 2, 2), 1));
            bools("TF", Np.max(Np.array(new boolean[] {true, false, false, false}, 2, 2), 1));
            ints(new int[] {2, 6}, Np.max(Np.array(new int[] {1, 2, 6, 3}, 2, 2), 1));
        });
    }

    @Test
    void logSumExpIsStable() {
        ref(() -> {
            close((float) Math.log(2), Np.logSumExp(a(0, 0)));
            close((float) (1000 + Math.log(2)), Np.logSumExp(a(1000, 1000)));
            close(-INF, Np.logSumExp(a(-INF, -INF)));
            close(INF, Np.logSumExp(a(INF, 1)));
            close(NAN, Np.logSumExp(a(NAN, 1)));
            Array rows = Np.array(new float[] {-INF, -INF, 0, 0}, 2, 2);
            close(new float[] {-INF, (float) Math.log(2)}, Np.logSumExp(rows, 1));
            Array kept = Np.logSumExp(rows, new int[] {1}, true);
            assertArrayEquals(new int[] {2, 1}, kept.shape());
            close(new float[] {-INF, (float) Math.log(2)}, kept);
            close((float) Math.log(Math.exp(1) + Math.exp(2)), Np.logSumExp(ai(1, 2)));
            close(-INF, Np.logSumExp(a()));
            close(new float[] {-INF, -INF}, Np.logSumExp(Np.zeros(2, 0), 1));
        });
    }

    @Test
    void argReductionsAndCumulative() {
        ref(() -> {
            Array x = Np.array(new float[] {1, 5, 5, 7, 0, 7}, 2, 3);
            assertEquals(3, Np.argmax(x).intItem());
            ints(new int[] {1, 0}, Np.argmax(x, 1));
            ints(new int[] {0, 1, 0}, Np.argmin(x, 0));
            assertEquals(4, x.argmin().intItem());
            assertArrayEquals(new int[] {2, 1}, Np.argmax(x, 1, true).shape());
            assertEquals(1, Np.argmax(a(1, NAN, 3)).intItem());
            assertEquals(DType.INT32, Np.argmax(x).dtype());
            close(new float[] {1, 3, 6, 10}, Np.cumsum(a(1, 2, 3, 4)));
            close(new float[] {1, 6, 11, 7, 7, 14}, Np.cumsum(x, 1));
            close(new float[] {1, 5, 5, 8, 5, 12}, Np.cumsum(x, 0));
            close(new float[] {1, 2, 6, 24}, Np.cumprod(a(1, 2, 3, 4)));
            close(new float[] {1, 3, 3, 5}, Np.cummax(a(1, 3, 2, 5)));
            close(new float[] {4, 3, 3, 1}, Np.cummin(a(4, 3, 5, 1)));
            ints(new int[] {1, 1, 2, 3}, Np.cumsum(Np.array(new boolean[] {true, false, true, true})));
            close(new float[] {1, 6, 11, 18, 18, 25}, x.cumsum());
        });
    }

    @Test
    void movement() {
        ref(() -> {
            Array x = range(2, 3);
            close(new float[] {0, 3, 1, 4, 2, 5}, Np.transpose(x));
            close(new float[] {0, 1, 2, 3, 4, 5}, Np.reshape(x, 3, -1));
            Array y = range(2, 3, 4);
            Array moved = Np.moveaxis(y, 0, -1);
            assertArrayEquals(new int[] {3, 4, 2}, moved.shape());
            close(new float[] {0, 12, 1, 13}, moved.ravel().get(":4"));
            Array swapped = Np.swapaxes(y, 0, 2);
            assertArrayEquals(new int[] {4, 3, 2}, swapped.shape());
            close(new float[] {1, 13, 5, 17}, swapped.get("1, :2").ravel());
            Array joined = Np.concatenate(new Array[] {x, Np.add(x, 10).get(":1")}, 0);
            assertArrayEquals(new int[] {3, 3}, joined.shape());
            close(new float[] {0, 1, 2, 3, 4, 5, 10, 11, 12}, joined);
            Array side = Np.add(x, 10).get(":, :1");
            close(new float[] {0, 1, 2, 10, 3, 4, 5, 13}, Np.concatenate(java.util.List.of(x, side), 1));
            close(new float[] {0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15}, Np.stack(new Array[] {x, Np.add(x, 10)}, -1));
            Array[] parts = Np.split(range(6), 3, 0);
            close(new float[] {2, 3}, parts[1]);
            Array[] cut = Np.splitAt(range(5), new int[] {1, 3}, 0);
            close(new float[] {0}, cut[0]);
            close(new float[] {1, 2}, cut[1]);
            close(new float[] {3, 4}, cut[2]);
            close(new float[] {5, 4, 3, 2, 1, 0}, Np.flip(x));
            close(new float[] {2, 1, 0, 5, 4, 3}, Np.flip(x, 1));
            close(new float[] {3, 4, 5, 0, 1, 2}, Np.flip(x, -2));
            close(new float[] {9, 1, 2, 9, 9}, Np.pad(a(1, 2), new int[][] {{1, 2}}, 9));
            Array one = Np.array(new float[] {1}, 1, 1);
            close(new float[] {0, 0, 0, 0, 1, 0, 0, 0, 0}, Np.pad(one, new int[][] {{1, 1}}));
            close(new float[] {1, 2, 1, 2}, Np.tile(a(1, 2), 2));
            close(new float[] {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, Np.tile(x, 1, 2));
            close(new float[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5}, Np.tile(x, 2, 1));
            close(new float[] {1, 1, 2, 2}, Np.repeat(a(1, 2), 2));
            close(new float[] {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, Np.repeat(x, 2, 0));
            close(new float[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}, Np.repeat(x, 2, 1));
            close(new float[] {0, 1, 2, 0, 1, 2}, Np.broadcastTo(a(0, 1, 2), 2, 3));
            close(new float[] {1, 2, 3}, Np.squeeze(Np.array(new float[] {1, 2, 3}, 1, 3, 1)));
            assertEquals(
                    DType.FLOAT32, Np.concatenate(new Array[] {ai(1), a(2)}, 0).dtype());
        });
    }

    @Test
    void basicIndexing() {
        ref(() -> {
            Array x = range(2, 3, 4);
            close(new float[] {15, 19, 23}, x.get("1, :, -1"));
            close(new float[] {13, 14, 1, 2}, x.get("::-1, 0, 1:3"));
            close(new float[] {3, 1}, x.get("0, 0, ::-2"));
            close(new float[] {20, 12}, x.get(Index.at(-1), Index.slice(null, null, -2), Index.at(0)));
            close(23, x.get("-1, -1, -1"));
            Array y = x.get("1, ..., None, 2");
            assertArrayEquals(new int[] {3, 1}, y.shape());
            close(new float[] {14, 18, 22}, y);
            close(new float[] {}, x.get("0, 2:1"));
            close(new float[] {9, 5}, x.get("0, -1:0:-1, 1"));
        });
    }

    /** Python slicing, independently: positions {@code start, start+step, …} as range(size)[start:stop:step]. */
    static int[] pySlice(int size, Integer start, Integer stop, Integer step) {
        int st = step == null ? 1 : step;
        java.util.List<Integer> out = new java.util.ArrayList<>();
        int s;
        int e;
        if (st > 0) {
            s = start == null ? 0 : start < 0 ? Math.max(0, start + size) : Math.min(start, size);
            e = stop == null ? size : stop < 0 ? Math.max(0, stop + size) : Math.min(stop, size);
            for (int i = s; i < e; i += st) {
                out.add(i);
            }
        } else {
            s = start == null ? size - 1 : start < 0 ? Math.max(-1, start + size) : Math.min(start, size - 1);
            e = stop == null ? -1 : stop < 0 ? Math.max(-1, stop + size) : Math.min(stop, size - 1);
            for (int i = s; i > e; i += st) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void randomSlicesMatchPythonSemantics() {
        java.util.Random rnd = new java.util.Random(7);
        ref(() -> {
            for (int trial = 0; trial < 200; trial++) {
                int n0 = rnd.nextInt(6);
                int n1 = 1 + rnd.nextInt(7);
                Array x = range(n0, n1);
                Integer[] p = new Integer[6];
                for (int i = 0; i < 6; i++) {
                    p[i] = rnd.nextInt(4) == 0 ? null : rnd.nextInt(19) - 9;
                    if (i % 3 == 2 && p[i] != null && p[i] == 0) {
                        p[i] = -1;
                    }
                }
                int[] r0 = pySlice(n0, p[0], p[1], p[2]);
                int[] r1 = pySlice(n1, p[3], p[4], p[5]);
                float[] expected = new float[r0.length * r1.length];
                for (int i = 0; i < r0.length; i++) {
                    for (int j = 0; j < r1.length; j++) {
                        expected[i * r1.length + j] = r0[i] * n1 + r1[j];
                    }
                }
                Index s0 = Index.slice(p[0], p[1], p[2]);
                Index s1 = Index.slice(p[3], p[4], p[5]);
                Array got = x.get(s0, s1);
                String where = "x" + Shape.toString(n0, n1) + "[" + s0 + ", " + s1 + "]";
                assertArrayEquals(new int[] {r0.length, r1.length}, got.shape(), where);
                assertArrayEquals(expected, got.toFloatArray(), where);
                assertArrayEquals(expected, x.get(s0 + ", " + s1).toFloatArray(), where + " parsed");
            }
        });
    }

    @Test
    void gathers() {
        ref(() -> {
            Array v = a(10, 20, 30);
            // JAX's modes: fill (the default) wraps negatives and fills the rest with NaN; clip
            // clamps without wrapping; wrap takes the index modulo the length
            float[] filled = Np.take(v, ai(-1, 0, 5, -7)).toFloatArray();
            assertTrue(filled[0] == 30 && filled[1] == 10 && Float.isNaN(filled[2]) && Float.isNaN(filled[3]));
            close(new float[] {10, 10, 30, 10}, Np.take(v, ai(-1, 0, 5, -7), "clip"));
            close(new float[] {30, 10, 30, 30}, Np.take(v, ai(-1, 0, 5, -7), "wrap"));
            Array m = range(3, 4);
            Array cols = Np.take(m, ai(3, -1, 0), 1);
            assertArrayEquals(new int[] {3, 3}, cols.shape());
            close(new float[] {3, 3, 0, 7, 7, 4, 11, 11, 8}, cols);
            close(new float[] {8, 9, 10, 11}, m.take(Np.scalar(-1), 0));
            close(new float[] {11, 0}, m.take(ai(11, 0)));
            Array x = Np.array(new float[] {10, 30, 20, 60, 40, 50}, 2, 3);
            Array order = Np.array(new int[] {0, 2, 1, 1, 2, 0}, 2, 3);
            close(new float[] {10, 20, 30, 40, 50, 60}, Np.takeAlongAxis(x, order, 1));
            close(new float[] {20, 50}, Np.takeAlongAxis(x, Np.array(new int[] {-1}, 1, 1), 1));
            Array rows = Np.takeAlongAxis(x, Np.array(new int[] {1, 0, -1}, 3, 1), 0);
            assertArrayEquals(new int[] {3, 3}, rows.shape());
            close(new float[] {60, 40, 50, 10, 30, 20, 60, 40, 50}, rows);
            close(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, Np.oneHot(ai(0, 2, -1, 3), 3));
            ints(new int[] {0, 1, 1, 0}, Np.oneHot(ai(1, 0), 2, DType.INT32));
            close(new float[] {7, 8, 9}, Np.dynamicSlice(range(10), new int[] {8}, new int[] {3}));
            close(new float[] {7, 8, 9}, Np.dynamicSlice(range(10), new int[] {-3}, new int[] {3}));
            close(new float[] {5, 6, 9, 10}, Np.dynamicSlice(range(3, 4), new int[] {1, 1}, new int[] {2, 2}));
            Array updated = Lax.dynamicUpdateSlice(Np.zeros(2, 3), Np.ones(1, 2), Np.scalar(1), Np.scalar(5));
            close(new float[] {0, 0, 0, 0, 1, 1}, updated);
            Array wrapped = Lax.dynamicUpdateSlice(Np.zeros(4), Np.ones(1), Np.scalar(-1L));
            close(new float[] {0, 0, 0, 1}, wrapped);
        });
    }

    /** Row-major matrix product on the host, for checking. */
    static float[] hostMatmul(float[] a, float[] b, int m, int k, int n) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += (double) a[i * k + t] * b[t * n + j];
                }
                out[i * n + j] = (float) s;
            }
        }
        return out;
    }

    @Test
    void matrixProducts() {
        ref(() -> {
            Array x = range(2, 3);
            Array w = range(3, 4);
            float[] xw = hostMatmul(x.toFloatArray(), w.toFloatArray(), 2, 3, 4);
            close(xw, Np.matmul(x, w));
            close(xw, x.dot(w));
            close(xw, Np.einsum("ij,jk->ik", x, w));
            close(xw, Np.einsum("ij,jk", x, w));
            close(new float[] {5, 14}, Np.matmul(x, a(0, 1, 2)));
            close(new float[] {3, 4, 5}, Np.matmul(a(0, 1), x));
            close(5, Np.matmul(a(0, 1, 2), a(0, 1, 2)));
            // batch broadcasting: (2,1,2,3) @ (3,3,4) -> (2,3,2,4); every batch holds x @ w_b
            Array batchW = Np.stack(new Array[] {w, Np.add(w, 1), Np.multiply(w, 2)}, 0);
            Array batchX = Np.stack(new Array[] {x, Np.negative(x)}, 0).reshape(2, 1, 2, 3);
            Array r = Np.matmul(batchX, batchW);
            assertArrayEquals(new int[] {2, 3, 2, 4}, r.shape());
            close(hostMatmul(x.toFloatArray(), Np.add(w, 1).toFloatArray(), 2, 3, 4), r.get("0, 1"));
            close(Np.negative(Np.matmul(x, Np.multiply(w, 2))).toFloatArray(), r.get("1, 2"));
            close(r.toFloatArray(), Np.einsum("...ij,...jk->...ik", batchX, batchW));
            // dot on N-d: sum over last of a and second-to-last of b
            Array a3 = range(2, 2, 3);
            Array b3 = range(2, 3, 2);
            Array d = Np.dot(a3, b3);
            assertArrayEquals(new int[] {2, 2, 2, 2}, d.shape());
            close(hostMatmul(a3.get("1").toFloatArray(), b3.get("0").toFloatArray(), 2, 3, 2), d.get("1, :, 0"));
            close(d.toFloatArray(), Np.einsum("ijk,lkm->ijlm", a3, b3));
            close(new float[] {0, 2, 4}, Np.dot(a(0, 1, 2), Np.scalar(2f)));
            close(new float[] {0, 0, 0, 1, 2, 3}, Np.outer(a(0, 1), a(1, 2, 3)));
            Array im = Np.matmul(
                    Np.array(new int[] {0, 1, 2, 3, 4, 5}, 2, 3),
                    Np.array(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3));
            assertEquals(DType.INT32, im.dtype());
            ints(new int[] {15, 18, 21, 42, 54, 66}, im);
            Array bm = Np.matmul(
                    Np.array(new boolean[] {true, false, false, false}, 2, 2),
                    Np.array(new boolean[] {true, true, false, true}, 2, 2));
            bools("TTFF", bm);
        });
    }

    @Test
    void einsumForms() {
        ref(() -> {
            Array m = range(3, 3);
            close(12, Np.einsum("ii", m));
            close(new float[] {0, 4, 8}, Np.einsum("ii->i", m));
            close(Np.transpose(range(2, 3)).toFloatArray(), Np.einsum("ij->ji", range(2, 3)));
            close(15, Np.einsum("ij->", range(2, 3)));
            close(new float[] {3, 12}, Np.einsum("ij->i", range(2, 3)));
            close(5, Np.einsum("i,i->", a(0, 1, 2), a(0, 1, 2)));
            close(new float[] {0, 0, 0, 1, 2, 3}, Np.einsum("i,j->ij", a(0, 1), a(1, 2, 3)));
            Array p = range(2, 3);
            Array q = range(3, 4);
            Array r = range(4, 5);
            close(Np.matmul(Np.matmul(p, q), r).toFloatArray(), Np.einsum("ij,jk,kl->il", p, q, r));
            close(Np.matmul(p, q).sum(1).toFloatArray(), Np.einsum("ij,jk->i", p, q));
            close(new float[] {0, 1, 4, 9, 16, 25}, Np.einsum("ij,ij->ij", p, p));
            close(new float[] {0, 1, 4, 0, 4, 10}, Np.einsum("ij,ij->ij", p, Np.array(new float[] {0, 1, 2}, 1, 3)));
            Array batch = range(2, 3, 3);
            close(new float[] {12, 39}, Np.einsum("bii->b", batch));
            close(new float[] {0, 4, 8, 9, 13, 17}, Np.einsum("...ii->...i", batch));
            bools(
                    "TF",
                    Np.einsum(
                            "ij,j->i",
                            Np.array(new boolean[] {true, false, false, false}, 2, 2),
                            Np.array(new boolean[] {true, true})));
        });
    }
}
