package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The narrow dtypes against values JAX 0.10.2 gives on CPU (written out by hand from its output). */
class NarrowDTypeTest {
    private static final List<DType> ORDER = List.of(
            DType.BOOL,
            DType.INT8,
            DType.UINT8,
            DType.INT16,
            DType.UINT16,
            DType.INT32,
            DType.INT64,
            DType.UINT32,
            DType.FLOAT16,
            DType.BFLOAT16,
            DType.FLOAT32,
            DType.FLOAT64);

    /** jnp.promote_types over the lattice, rows and columns in ORDER. */
    private static final String[] LATTICE = {
        "bool int8 uint8 int16 uint16 int32 int64 uint32 float16 bfloat16 float32 float64",
        "int8 int8 int16 int16 int32 int32 int64 int64 float16 bfloat16 float32 float64",
        "uint8 int16 uint8 int16 uint16 int32 int64 uint32 float16 bfloat16 float32 float64",
        "int16 int16 int16 int16 int32 int32 int64 int64 float16 bfloat16 float32 float64",
        "uint16 int32 uint16 int32 uint16 int32 int64 uint32 float16 bfloat16 float32 float64",
        "int32 int32 int32 int32 int32 int32 int64 int64 float16 bfloat16 float32 float64",
        "int64 int64 int64 int64 int64 int64 int64 int64 float16 bfloat16 float32 float64",
        "uint32 int64 uint32 int64 uint32 int64 int64 uint32 float16 bfloat16 float32 float64",
        "float16 float16 float16 float16 float16 float16 float16 float16 float16 float32 float32 float64",
        "bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 float32 bfloat16 float32 float64",
        "float32 float32 float32 float32 float32 float32 float32 float32 float32 float32 float32 float64",
        "float64 float64 float64 float64 float64 float64 float64 float64 float64 float64 float64 float64",
    };

    @Test
    void promotionLatticeMatchesJax() {
        for (int i = 0; i < ORDER.size(); i++) {
            String[] row = LATTICE[i].split(" ");
            for (int j = 0; j < ORDER.size(); j++) {
                assertEquals(
                        row[j], DType.promote(ORDER.get(i), ORDER.get(j)).jaxName(), ORDER.get(i) + "+" + ORDER.get(j));
            }
        }
        assertEquals(DType.FLOAT16, DType.fromName("float16"));
        assertEquals(DType.BFLOAT16, DType.fromName("bfloat16"));
        assertEquals(1, DType.INT8.byteSize());
        assertEquals(2, DType.BFLOAT16.byteSize());
    }

    private static final float[] F = {
        300f, -300f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 127.9f, -128.9f, -1.5f, 255.5f, 70000f
    };

    @Test
    void floatToNarrowIntsSaturates() {
        Array f = Np.array(F, F.length);
        assertArrayEquals(
                new int[] {127, -128, 0, 127, -128, 127, -128, -1, 127, 127},
                f.astype(DType.INT8).toIntArray());
        assertArrayEquals(
                new int[] {255, 0, 0, 255, 0, 127, 0, 0, 255, 255},
                f.astype(DType.UINT8).toIntArray());
        assertArrayEquals(
                new int[] {300, -300, 0, 32767, -32768, 127, -128, -1, 255, 32767},
                f.astype(DType.INT16).toIntArray());
        assertArrayEquals(
                new int[] {300, 0, 0, 65535, 0, 127, 0, 0, 255, 65535},
                f.astype(DType.UINT16).toIntArray());
        Array jitted = (Array) Kiln.jit((Array x) -> x.astype(DType.INT8)).apply(f);
        assertEquals(DType.INT8, jitted.dtype());
        assertArrayEquals(new int[] {127, -128, 0, 127, -128, 127, -128, -1, 127, 127}, jitted.toIntArray());
    }

    @Test
    void intToNarrowIntsWraps() {
        Array i = Np.array(new int[] {300, -300, 128, -129, 65535, 70000}, 6);
        assertArrayEquals(
                new int[] {44, -44, -128, 127, -1, 112}, i.astype(DType.INT8).toIntArray());
        assertArrayEquals(
                new int[] {44, 212, 128, 127, 255, 112}, i.astype(DType.UINT8).toIntArray());
        assertArrayEquals(
                new int[] {300, -300, 128, -129, -1, 4464},
                i.astype(DType.INT16).toIntArray());
        assertArrayEquals(
                new int[] {300, 65236, 128, 65407, 65535, 4464},
                i.astype(DType.UINT16).toIntArray());
    }

    @Test
    void arithmeticWrapsAndShifts() {
        Array a = Np.array(new int[] {100}, 1).astype(DType.INT8);
        Array m = Np.multiply(a, Np.array(new int[] {3}, 1).astype(DType.INT8));
        assertEquals(DType.INT8, m.dtype());
        assertArrayEquals(new int[] {44}, m.toIntArray());
        Array s = Np.array(new int[] {-7}, 1).astype(DType.INT8);
        assertArrayEquals(new int[] {-4}, Np.floorDivide(s, 2).toIntArray());
        assertArrayEquals(new int[] {2}, Np.remainder(s, 3).toIntArray());
        assertEquals(DType.INT8, Np.add(s, 1).dtype());
        Array one = Np.array(new int[] {1, -128}, 2).astype(DType.INT8);
        assertArrayEquals(new int[] {0, 0}, Np.leftShift(one, 9).toIntArray());
        Array by1 = Np.array(new int[] {1, 1}, 2).astype(DType.INT8);
        // JAX: lax.shift_right_logical(int8(-128), 1) is 64, the arithmetic shift -64
        assertArrayEquals(new int[] {0, 64}, Lax.shiftRightLogical(one, by1).toIntArray());
        assertArrayEquals(new int[] {0, -64}, Lax.shiftRightArithmetic(one, by1).toIntArray());
    }

    @Test
    void transformationsKeepTheNarrowDType() {
        Array x = Np.array(new float[] {1f, 2f, 3.5f, 1000f, 0.1f}, 5).astype(DType.FLOAT16);
        java.util.function.Function<Array, Array> f = a -> Np.add(Np.multiply(Np.sin(a), a), Np.divide(a, 3));
        Array eager = f.apply(x);
        Array jitted = (Array) Kiln.jit(f).apply(x);
        assertEquals(DType.FLOAT16, jitted.dtype());
        assertArrayEquals(eager.toFloatArray(), jitted.toFloatArray());
        Array vm = (Array) Kiln.vmap(f).apply(x);
        assertEquals(DType.FLOAT16, vm.dtype());
        assertArrayEquals(eager.toFloatArray(), vm.toFloatArray());
        // JAX: jax.grad(lambda x: (x * x).sum())(x) is 2x in float16
        Array g = (Array) Kiln.grad((Array a) -> Np.sum(Np.multiply(a, a))).apply(x);
        assertEquals(DType.FLOAT16, g.dtype());
        assertArrayEquals(new float[] {2f, 4f, 7f, 2000f, Narrow.roundFloat(0.2f, DType.FLOAT16)}, g.toFloatArray());
        Array jg = (Array)
                Kiln.jit(Kiln.grad((Array a) -> Np.sum(Np.multiply(a, a)))).apply(x);
        assertEquals(DType.FLOAT16, jg.dtype());
        assertArrayEquals(g.toFloatArray(), jg.toFloatArray());
        // a float16 carry through a loop, eager and jitted: 0.1 added 100 times rounds each step
        java.util.function.Function<Array, Array> loop =
                a -> Lax.forLoop(0, 100, (i, c) -> Np.add(c, Np.full(DType.FLOAT16, 0.1, 1)), a);
        Array start = Np.zeros(DType.FLOAT16, 1);
        float want = 0;
        for (int i = 0; i < 100; i++) {
            want = Float.float16ToFloat(Float.floatToFloat16(want + Float.float16ToFloat(Float.floatToFloat16(0.1f))));
        }
        assertEquals(want, loop.apply(start).toFloatArray()[0]);
        Array jl = (Array) Kiln.jit(loop).apply(start);
        assertEquals(DType.FLOAT16, jl.dtype());
        assertEquals(want, jl.toFloatArray()[0]);
        // int8 overflow inside jit wraps
        Array i8 = Np.array(new int[] {100, -100, 127}, 3).astype(DType.INT8);
        Array w = (Array) Kiln.jit((Array a) -> Np.add(a, a)).apply(i8);
        assertEquals(DType.INT8, w.dtype());
        assertArrayEquals(new int[] {-56, 56, -2}, w.toIntArray());
    }

    @Test
    void pmapKeepsTheNarrowDType() {
        Array x = Np.array(new float[] {1f / 3, 2f, 1000f}, 1, 3).astype(DType.FLOAT16);
        Array y = (Array)
                Kiln.pmap((Array a) -> Np.multiply(Lax.psum(a, "i"), 3), "i").apply(x);
        assertEquals(DType.FLOAT16, y.dtype());
        assertArrayEquals(Np.multiply(x, 3).toFloatArray(), y.toFloatArray());
    }

    @Test
    void sizesPrintingAndHost() {
        Array x = Np.array(new float[] {1f / 3, 2f}, 2).astype(DType.FLOAT16);
        assertEquals(2, x.dtype().byteSize());
        assertEquals(DType.FLOAT16, x.toHost().spec().dtype());
        assertEquals("Array([0.3333, 2.    ], dtype=float16)", x.toString());
        assertEquals(
                "Array([-3,  5], dtype=int8)",
                Np.array(new int[] {-3, 5}, 2).astype(DType.INT8).toString());
        // JAX: jnp.array([1., 2., 3.5, 1000., 0.1], float16).mean() is 201.4 (accumulated in float32)
        Array m = Np.mean(Np.array(new float[] {1f, 2f, 3.5f, 1000f, 0.1f}, 5).astype(DType.FLOAT16));
        assertEquals(DType.FLOAT16, m.dtype());
        assertEquals(Narrow.roundFloat(201.4f, DType.FLOAT16), m.toFloatArray()[0]);
        assertEquals(
                DType.INT32,
                Np.sum(Np.array(new int[] {100, 100, 100}, 3).astype(DType.INT8))
                        .dtype());
        assertEquals(
                300,
                Np.sum(Np.array(new int[] {100, 100, 100}, 3).astype(DType.INT8))
                        .toIntArray()[0]);
        assertEquals(
                DType.INT8,
                Np.cumsum(Np.array(new int[] {100, 100}, 2).astype(DType.INT8)).dtype());
    }

    @Test
    void randomFloat16MatchesJax() {
        // jax.random.uniform(jax.random.key(0), (5,), jnp.float16)
        float[] want = {0.3105f, 0.2129f, 0.0547f, 0.6562f, 0.2324f};
        Array u = Random.uniform(Random.key(0), DType.FLOAT16, 0, 1, 5);
        assertEquals(DType.FLOAT16, u.dtype());
        float[] got = u.toFloatArray();
        for (int i = 0; i < want.length; i++) {
            assertEquals(Narrow.roundFloat(want[i], DType.FLOAT16), got[i]);
        }
    }

    @Test
    void reducePrecisionMatchesJavaRounding() {
        float[] v = {1f / 3, 65519f, 65520f, -0f, 1e-8f, 3e-8f, 2049f, 2051f, -70000f, 1e-40f, 3.4e38f, -1e-45f};
        float[] got = Lax.reducePrecision(Np.array(v, v.length), 5, 10).toFloatArray();
        float[] gotBf = Lax.reducePrecision(Np.array(v, v.length), 8, 7).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            assertEquals(
                    Float.floatToRawIntBits(Narrow.roundFloat(v[i], DType.FLOAT16)),
                    Float.floatToRawIntBits(got[i]),
                    "f16 " + v[i]);
            assertEquals(
                    Float.floatToRawIntBits(Narrow.roundFloat(v[i], DType.BFLOAT16)),
                    Float.floatToRawIntBits(gotBf[i]),
                    "bf16 " + v[i]);
        }
    }

    @Test
    void float16RoundsLikeJax() {
        float[] v = {1f / 3, 65519f, 65520f, -0f, 1e-8f, 3e-8f, 6e-8f, 2049f, 2051f, Float.NaN, -70000f};
        Array x = Np.array(v, v.length).astype(DType.FLOAT16);
        float[] got = x.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(v[i])), got[i], "value " + v[i]);
        }
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(got[3]));
        // the device rounding (an add in float16) against Java's own float16 rounding
        Array y = Np.add(x, x);
        float[] yy = y.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            float want = Float.float16ToFloat(Float.floatToFloat16(got[i] + got[i]));
            assertEquals(want, yy[i], "2 * " + got[i]);
        }
        Array b = Np.array(v, v.length).astype(DType.BFLOAT16);
        float[] bb = Np.multiply(b, 3).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            float want = Narrow.roundFloat(Narrow.roundFloat(v[i], DType.BFLOAT16) * 3, DType.BFLOAT16);
            assertEquals(want, bb[i], "3 * bf16 " + v[i]);
        }
        assertEquals(DType.FLOAT16, Np.add(x, 1.0).dtype());
        assertEquals(DType.FLOAT32, Np.add(x, b).dtype());
    }
}
