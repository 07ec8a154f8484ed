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
}
