package dev.kiln.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link Ints}: copies in and out, value equality, the printed form and the read-only queries. */
class IntsTest {
    @Test
    void readsTheElementsInOrder() {
        Ints xs = Ints.of(3, 1, 4);
        assertEquals(3, xs.size());
        assertFalse(xs.isEmpty());
        assertEquals(3, xs.get(0));
        assertEquals(1, xs.get(1));
        assertEquals(4, xs.get(2));
        assertArrayEquals(new int[] {3, 1, 4}, xs.toArray());
        assertArrayEquals(new int[] {3, 1, 4}, xs.stream().toArray());
        assertThrows(IndexOutOfBoundsException.class, () -> xs.get(3));
        assertThrows(IndexOutOfBoundsException.class, () -> xs.get(-1));
    }

    @Test
    void neitherTheArgumentNorTheResultAliasesTheList() {
        int[] in = {1, 2};
        Ints xs = Ints.of(in);
        in[0] = 9;
        assertEquals(1, xs.get(0));
        int[] out = xs.toArray();
        out[1] = 9;
        assertEquals(2, xs.get(1));
        assertArrayEquals(new int[] {1, 2}, xs.toArray());
    }

    @Test
    void comparesAndHashesByValue() {
        assertEquals(Ints.of(1, 2), Ints.of(new int[] {1, 2}));
        assertEquals(Ints.of(1, 2).hashCode(), Ints.of(1, 2).hashCode());
        assertEquals(Arrays.hashCode(new int[] {1, 2}), Ints.of(1, 2).hashCode());
        assertNotEquals(Ints.of(1, 2), Ints.of(2, 1));
        assertNotEquals(Ints.of(1, 2), Ints.of(1, 2, 3));
        assertNotEquals(Ints.of(1), Ints.of());
        assertNotEquals(Ints.of(1, 2), new int[] {1, 2});
    }

    @Test
    void printsLikeArraysToString() {
        assertEquals("[1, 2]", Ints.of(1, 2).toString());
        assertEquals("[-3]", Ints.of(-3).toString());
        assertEquals("[]", Ints.of().toString());
    }

    @Test
    void emptyListsAreOneValue() {
        assertTrue(Ints.of().isEmpty());
        assertEquals(0, Ints.of(new int[0]).size());
        assertSame(Ints.of(), Ints.of(new int[0]));
        assertArrayEquals(new int[0], Ints.of().toArray());
    }

    @Test
    void findsElements() {
        Ints xs = Ints.of(5, 7, 5);
        assertTrue(xs.contains(7));
        assertFalse(xs.contains(6));
        assertEquals(0, xs.indexOf(5));
        assertEquals(1, xs.indexOf(7));
        assertEquals(-1, xs.indexOf(6));
        assertEquals(-1, Ints.of().indexOf(0));
    }
}
