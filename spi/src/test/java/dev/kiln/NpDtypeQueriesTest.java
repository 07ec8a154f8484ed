package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code Np.canCast}, {@code isdtype}, {@code issubdtype}, {@code resultType}, {@code isscalar} and
 * {@code iterable} against the tables JAX 0.10.2 gives (with x64 on, so every Kiln dtype exists
 * there): {@code jnp.can_cast(a, b, casting)} for every pair, and so on.
 */
class NpDtypeQueriesTest {
    /** The dtypes in the order of the tables below. */
    private static final DType[] T = {DType.BOOL, DType.INT32, DType.INT64, DType.UINT32, DType.FLOAT32, DType.FLOAT64};

    private static void table(String what, int[][] expected, java.util.function.BiPredicate<DType, DType> f) {
        for (int i = 0; i < T.length; i++) {
            for (int j = 0; j < T.length; j++) {
                assertEquals(expected[i][j] == 1, f.test(T[i], T[j]), what + "(" + T[i] + ", " + T[j] + ")");
            }
        }
    }

    @Test
    void canCastMatchesJax() {
        table(
                "canCast safe",
                new int[][] {
                    {1, 1, 1, 1, 1, 1},
                    {0, 1, 1, 0, 0, 1},
                    {0, 0, 1, 0, 0, 1},
                    {0, 0, 1, 1, 0, 1},
                    {0, 0, 0, 0, 1, 1},
                    {0, 0, 0, 0, 0, 1}
                },
                (a, b) -> Np.canCast(a, b, "safe"));
        table(
                "canCast same_kind",
                new int[][] {
                    {1, 1, 1, 1, 1, 1},
                    {0, 1, 1, 0, 1, 1},
                    {0, 1, 1, 0, 1, 1},
                    {0, 1, 1, 1, 1, 1},
                    {0, 0, 0, 0, 1, 1},
                    {0, 0, 0, 0, 1, 1}
                },
                (a, b) -> Np.canCast(a, b, "same_kind"));
        table("canCast no", identity(), (a, b) -> Np.canCast(a, b, "no"));
        table("canCast unsafe", all(), (a, b) -> Np.canCast(a, b, "unsafe"));
        assertEquals(Np.canCast(DType.INT32, DType.FLOAT32), Np.canCast(DType.INT32, DType.FLOAT32, "safe"));
        KilnException e = assertThrows(KilnException.class, () -> Np.canCast(DType.INT32, DType.INT64, "sideways"));
        assertTrue(e.getMessage().startsWith("canCast: "), e.getMessage());
    }

    private static int[][] identity() {
        int[][] m = new int[T.length][T.length];
        for (int i = 0; i < T.length; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    private static int[][] all() {
        int[][] m = new int[T.length][T.length];
        for (int[] row : m) {
            java.util.Arrays.fill(row, 1);
        }
        return m;
    }

    @Test
    void isdtypeAndIssubdtypeMatchJax() {
        Object[][] kinds = {
            {"bool", new int[] {1, 0, 0, 0, 0, 0}},
            {"signed integer", new int[] {0, 1, 1, 0, 0, 0}},
            {"unsigned integer", new int[] {0, 0, 0, 1, 0, 0}},
            {"integral", new int[] {0, 1, 1, 1, 0, 0}},
            {"real floating", new int[] {0, 0, 0, 0, 1, 1}},
            {"complex floating", new int[] {0, 0, 0, 0, 0, 0}},
            {"numeric", new int[] {0, 1, 1, 1, 1, 1}},
        };
        for (Object[] k : kinds) {
            int[] want = (int[]) k[1];
            for (int i = 0; i < T.length; i++) {
                assertEquals(want[i] == 1, Np.isdtype(T[i], k[0]), "isdtype(" + T[i] + ", " + k[0] + ")");
            }
        }
        assertTrue(Np.isdtype(DType.INT32, "bool", "signed integer"));
        assertTrue(Np.isdtype(DType.FLOAT64, DType.FLOAT64));
        assertFalse(Np.isdtype(DType.FLOAT64, DType.FLOAT32));
        Object[][] categories = {
            {"number", new int[] {0, 1, 1, 1, 1, 1}},
            {"integer", new int[] {0, 1, 1, 1, 0, 0}},
            {"signedinteger", new int[] {0, 1, 1, 0, 0, 0}},
            {"unsignedinteger", new int[] {0, 0, 0, 1, 0, 0}},
            {"inexact", new int[] {0, 0, 0, 0, 1, 1}},
            {"floating", new int[] {0, 0, 0, 0, 1, 1}},
            {"generic", new int[] {1, 1, 1, 1, 1, 1}},
        };
        for (Object[] c : categories) {
            int[] want = (int[]) c[1];
            for (int i = 0; i < T.length; i++) {
                assertEquals(want[i] == 1, Np.issubdtype(T[i], c[0]), "issubdtype(" + T[i] + ", " + c[0] + ")");
            }
        }
        assertTrue(Np.issubdtype(DType.INT32, DType.INT32));
        KilnException e = assertThrows(KilnException.class, () -> Np.isdtype(DType.INT32, "whole"));
        assertTrue(e.getMessage().startsWith("isdtype: "), e.getMessage());
        e = assertThrows(KilnException.class, () -> Np.issubdtype(DType.INT32, "wholes"));
        assertTrue(e.getMessage().startsWith("issubdtype: "), e.getMessage());
    }

    @Test
    void resultTypeTakesDtypesArraysAndWeakNumbers() {
        // jnp.result_type with x64 on: int32+uint32 -> int64, int32+1.0 -> float64 there (float32
        // here, Kiln's default float), bool+2 -> int32 (weak), float32+int64 -> float32, uint32+float32 -> float32
        assertEquals(DType.INT64, Np.resultType(DType.INT32, DType.UINT32));
        assertEquals(DType.FLOAT32, Np.resultType(DType.INT32, 1.0));
        assertEquals(DType.INT32, Np.resultType(DType.BOOL, 2));
        assertEquals(DType.FLOAT32, Np.resultType(DType.FLOAT32, DType.INT64));
        assertEquals(DType.FLOAT32, Np.resultType(Np.zeros(DType.UINT32, 2), DType.FLOAT32));
    }

    @Test
    void scalarsAndIterables() {
        assertTrue(Np.isscalar(Np.array(1.0f)));
        assertFalse(Np.isscalar(Np.array(new float[] {1f})));
        assertTrue(Np.isscalar(1));
        assertTrue(Np.isscalar(true));
        assertFalse(Np.isscalar("1"));
        assertFalse(Np.iterable(Np.array(1.0f)));
        assertTrue(Np.iterable(Np.array(new int[] {1})));
        assertTrue(Np.iterable(List.of(1)));
        assertTrue(Np.iterable(new int[] {1}));
        assertFalse(Np.iterable(3));
    }
}
