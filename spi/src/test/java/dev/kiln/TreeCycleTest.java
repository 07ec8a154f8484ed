package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tree that contains itself is a Kiln error, not a stack overflow; a shared subtree is fine. */
class TreeCycleTest {
    record Holder(List<Object> items) {}

    @Test
    void aListThatContainsItselfIsAKilnError() {
        List<Object> self = new ArrayList<>();
        self.add(Np.scalar(1f));
        self.add(self);
        KilnException e = assertThrows(KilnException.class, () -> Tree.flatten(self));
        assertTrue(e.getMessage().contains("contains itself"), e.getMessage());
        // through a transformation too
        assertThrows(KilnException.class, () -> Kiln.grad((List<Object> l) -> Np.sum((Array) l.get(0)))
                .apply(self));
    }

    @Test
    void cyclesThroughMapsRecordsAndObjectArraysAreKilnErrors() {
        Map<String, Object> m = new HashMap<>();
        m.put("a", Np.scalar(1f));
        m.put("self", List.of(m));
        assertThrows(KilnException.class, () -> Tree.flatten(m));
        List<Object> items = new ArrayList<>();
        Holder h = new Holder(items);
        items.add(h);
        assertThrows(KilnException.class, () -> Tree.flatten(h));
        Object[] objects = new Object[2];
        objects[0] = Np.scalar(2f);
        objects[1] = objects;
        assertThrows(KilnException.class, () -> Tree.flatten(objects));
    }

    @Test
    void aSubtreeSharedBySiblingsIsNotACycle() {
        List<Object> shared = List.of(Np.scalar(1f), Np.scalar(2f));
        Tree.Flat flat = Tree.flatten(List.of(shared, shared, Map.of("s", shared)));
        assertEquals(6, flat.leaves().size());
    }
}
