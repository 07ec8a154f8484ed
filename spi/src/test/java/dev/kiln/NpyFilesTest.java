package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Np.save}/{@code load}/{@code savez}/{@code loadNpz} against files NumPy wrote
 * ({@code scripts/make_npy_test_files.py}): Kiln reads every one with its values, dtype and shape,
 * and writes the C-ordered little-endian ones byte for byte as NumPy did.
 */
class NpyFilesTest {
    @TempDir
    Path dir;

    private Path numpy(String name) throws IOException {
        Path p = dir.resolve("numpy-" + name);
        try (InputStream in = NpyFilesTest.class.getResourceAsStream("npy/" + name)) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    private static void spec(Array a, DType dtype, int... shape) {
        assertEquals(dtype, a.dtype());
        assertArrayEquals(shape, a.shape());
    }

    @Test
    void readsWhatNumpyWrote() throws IOException {
        Array f = Np.load(numpy("f32.npy"));
        spec(f, DType.FLOAT32, 2, 3);
        float[] v = f.toFloatArray();
        assertEquals(1.5f, v[0]);
        assertEquals(-2.25f, v[1]);
        assertEquals(3e-41f, v[2]); // a subnormal, kept
        assertEquals(Float.POSITIVE_INFINITY, v[3]);
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(v[4]));
        assertTrue(Float.isNaN(v[5]));
        Array s = Np.load(numpy("f64_scalar.npy"));
        spec(s, DType.FLOAT64);
        assertEquals(2.5, s.item());
        Array i = Np.load(numpy("i64.npy"));
        spec(i, DType.INT64, 3);
        assertEquals(-(1L << 62), i.toHost().getLong(0));
        Array u = Np.load(numpy("u8.npy"));
        spec(u, DType.UINT8, 2, 3);
        assertEquals(255L, u.toHost().getLong(5));
        Array h = Np.load(numpy("f16.npy"));
        spec(h, DType.FLOAT16, 4);
        assertEquals(65504.0, h.toHost().getDouble(1));
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(0.1f)), (float)
                h.toHost().getDouble(0));
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(6e-8f)), (float)
                h.toHost().getDouble(2));
        spec(Np.load(numpy("b.npy")), DType.BOOL, 3);
        Array fo = Np.load(numpy("fortran.npy"));
        spec(fo, DType.INT32, 2, 3);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, (int[]) fo.toHost().data());
        Array be = Np.load(numpy("bigendian.npy"));
        assertArrayEquals(new double[] {1.0, -3.5}, be.toDoubleArray());
        spec(Np.load(numpy("empty.npy")), DType.INT16, 0, 4);
    }

    @Test
    void writesTheBytesNumpyWrites() throws IOException {
        for (String name : List.of("f32.npy", "f64_scalar.npy", "i64.npy", "u8.npy", "f16.npy", "b.npy", "empty.npy")) {
            Path theirs = numpy(name);
            Path ours = dir.resolve("kiln-" + name);
            Np.save(ours, Np.load(theirs));
            assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours), name);
        }
    }

    @Test
    void npzRoundTrips() throws IOException {
        Map<String, Array> theirs = Np.loadNpz(numpy("two.npz"));
        assertEquals(List.of("w", "b"), List.copyOf(theirs.keySet()));
        spec(theirs.get("w"), DType.FLOAT32, 4);
        spec(theirs.get("b"), DType.INT8, 2);
        assertEquals(-1L, theirs.get("b").toHost().getLong(1));
        for (boolean compressed : new boolean[] {false, true}) {
            Path p = dir.resolve("kiln" + compressed + ".npz");
            Map<String, Array> m = new LinkedHashMap<>();
            m.put("x", Np.arange(5).astype(DType.FLOAT64));
            m.put("mask", Np.greater(Np.arange(3), 1));
            if (compressed) {
                Np.savezCompressed(p, m);
            } else {
                Np.savez(p, m);
            }
            Map<String, Array> back = Np.loadNpz(p);
            assertEquals(m.keySet(), back.keySet());
            assertArrayEquals(m.get("x").toDoubleArray(), back.get("x").toDoubleArray());
            spec(back.get("mask"), DType.BOOL, 3);
        }
    }

    @Test
    void badFilesAndTypesAreNamedErrors() throws IOException {
        Path text = Files.writeString(dir.resolve("not.npy"), "hello, this is not numpy");
        KilnException e = assertThrows(KilnException.class, () -> Np.load(text));
        assertTrue(e.getMessage().startsWith("load: ") && e.getMessage().contains("not a .npy file"), e.getMessage());
        byte[] full = Files.readAllBytes(numpy("f32.npy"));
        Path cut = Files.write(dir.resolve("cut.npy"), java.util.Arrays.copyOf(full, full.length - 5));
        e = assertThrows(KilnException.class, () -> Np.load(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        DTypeException d =
                assertThrows(DTypeException.class, () -> Np.save(dir.resolve("b16.npy"), Np.ones(DType.BFLOAT16, 2)));
        assertTrue(d.getMessage().startsWith("save: "), d.getMessage());
        e = assertThrows(KilnException.class, () -> Np.load(dir.resolve("missing.npy")));
        assertTrue(e.getMessage().startsWith("load: cannot read"), e.getMessage());
    }

    // JAX 0.10.2's values for the same calls (jnp.fromstring, jnp.frombuffer, jnp.array_str)

    @Test
    void fromstringParsesAsNumpy() {
        assertArrayEquals(new int[] {1, 2, 3}, (int[])
                Np.fromstring("1 2 3", DType.INT32, " ").toHost().data());
        assertArrayEquals(
                new float[] {1.5f, 2f},
                Np.fromstring("1.5, 2", DType.FLOAT32, ",").toFloatArray());
        assertArrayEquals(
                new float[] {1, 2, 3},
                Np.fromstring(" 1\n2\t3 ", DType.FLOAT32, " ").toFloatArray());
        spec(Np.fromstring("", DType.FLOAT32, " "), DType.FLOAT32, 0);
        assertArrayEquals(
                new float[] {1, 2},
                Np.fromstring("1 2 3", DType.FLOAT32, 2, " ").toFloatArray());
        // jnp.fromstring('300 -129 7', dtype=int8, sep=' ') wraps: [44 127 7]
        Array i8 = Np.fromstring("300 -129 7", DType.INT8, " ");
        spec(i8, DType.INT8, 3);
        assertEquals(
                List.of(44L, 127L, 7L),
                List.of(
                        i8.toHost().getLong(0),
                        i8.toHost().getLong(1),
                        i8.toHost().getLong(2)));
        // jnp.fromstring('0.1 65520 inf nan', dtype=float16): [0.0999755859375, inf, inf, nan]
        Array h = Np.fromstring("0.1 65520 inf nan", DType.FLOAT16, " ");
        assertEquals(0.0999755859375, h.toHost().getDouble(0));
        assertEquals(Double.POSITIVE_INFINITY, h.toHost().getDouble(1));
        assertEquals(Double.POSITIVE_INFINITY, h.toHost().getDouble(2));
        assertTrue(Double.isNaN(h.toHost().getDouble(3)));
        KilnException e = assertThrows(KilnException.class, () -> Np.fromstring("1 2", DType.FLOAT32, ""));
        assertTrue(e.getMessage().startsWith("fromstring: ") && e.getMessage().contains("binary mode"), e.getMessage());
        e = assertThrows(KilnException.class, () -> Np.fromstring("1 x", DType.FLOAT32, " "));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        e = assertThrows(KilnException.class, () -> Np.fromstring("1.5 2", DType.INT32, " "));
        assertTrue(e.getMessage().contains("'1.5'"), e.getMessage());
    }

    @Test
    void frombufferReadsLittleEndianElements() {
        assertArrayEquals(new int[] {1, 2}, (int[])
                Np.frombuffer(new byte[] {1, 0, 2, 0}, DType.INT16).toHost().data());
        byte[] two = {1, 0, 0, 0, 2, 0, 0, 0};
        assertArrayEquals(new int[] {2}, (int[])
                Np.frombuffer(two, DType.INT32, 1, 4).toHost().data());
        // np.array([1.5, -2], dtype=bfloat16).tobytes() read back as bfloat16
        Array b = Np.frombuffer(new byte[] {(byte) 0xC0, 0x3F, 0x00, (byte) 0xC0}, DType.BFLOAT16);
        spec(b, DType.BFLOAT16, 2);
        assertEquals(1.5, b.toHost().getDouble(0));
        assertEquals(-2.0, b.toHost().getDouble(1));
        spec(Np.frombuffer(new byte[0], DType.FLOAT32), DType.FLOAT32, 0);
        ShapeException s = assertThrows(ShapeException.class, () -> Np.frombuffer(new byte[] {1, 2, 3}, DType.INT16));
        assertTrue(s.getMessage().startsWith("frombuffer: ") && s.getMessage().contains("multiple"), s.getMessage());
        s = assertThrows(ShapeException.class, () -> Np.frombuffer(new byte[] {1, 0, 2, 0}, DType.INT16, 3, 0));
        assertTrue(s.getMessage().contains("smaller than requested"), s.getMessage());
        assertThrows(IndexException.class, () -> Np.frombuffer(two, DType.INT8, -1, 9));
    }

    @Test
    void arrayStrIsNumpysStr() {
        Array m = Np.array(new float[] {1.5f, 2, 3, 4}, 2, 2);
        assertEquals("[[1.5 2. ]\n [3.  4. ]]", Np.arrayStr(m));
        assertEquals("[0 1 2]", Np.arrayStr(Np.arange(3)));
    }
}
