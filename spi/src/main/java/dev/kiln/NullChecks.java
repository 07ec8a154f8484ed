package dev.kiln;

import java.util.List;
import java.util.Objects;

/**
 * Null checks of the public API for arguments that hold elements: a null array or list, or a null
 * element, gives a {@link NullPointerException} naming the parameter ({@code "xs"}, {@code
 * "xs[1]"}), as {@link Objects#requireNonNull(Object, String)} does for a plain argument.
 */
final class NullChecks {
    private NullChecks() {}

    static void elements(Object[] xs, String name) {
        Objects.requireNonNull(xs, name);
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == null) {
                throw new NullPointerException(name + "[" + i + "] is null");
            }
        }
    }

    static void elements(List<?> xs, String name) {
        Objects.requireNonNull(xs, name);
        for (int i = 0; i < xs.size(); i++) {
            if (xs.get(i) == null) {
                throw new NullPointerException(name + "[" + i + "] is null");
            }
        }
    }
}
