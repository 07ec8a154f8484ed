package dev.kiln.conformance;

import dev.kiln.conformance.families.Families;
import java.util.List;

/** The families of the suite, in the order they run and print. */
public final class Suite {
    private Suite() {}

    /** Every family. */
    public static List<Family> families() {
        return Families.all();
    }

    /** The family with this name. */
    public static Family family(String name) {
        for (Family f : families()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no conformance family named '" + name + "'; the families are "
                + families().stream().map(Family::name).toList());
    }
}
