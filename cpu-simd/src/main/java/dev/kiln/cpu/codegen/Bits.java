package dev.kiln.cpu.codegen;

/**
 * Bool lanes at the end of a row, where {@code VectorMask.fromArray} and {@code intoArray} would
 * reach past the array: generated code moves them through a lane bit set instead.
 */
final class Bits {
    private Bits() {}

    /** Lanes {@code [0, n)} set from {@code a[from …]}. */
    static long load(boolean[] a, int from, int n) {
        long bits = 0;
        for (int i = 0; i < n; i++) {
            if (a[from + i]) {
                bits |= 1L << i;
            }
        }
        return bits;
    }

    /** Lanes {@code [0, n)} of {@code bits} into {@code a[from …]}. */
    static void store(boolean[] a, int from, int n, long bits) {
        for (int i = 0; i < n; i++) {
            a[from + i] = (bits >>> i & 1) != 0;
        }
    }

    /** Lanes {@code [0, n)} set from {@code a[from + l·stride]}. */
    static long gather(boolean[] a, int from, int stride, int n) {
        long bits = 0;
        for (int i = 0; i < n; i++) {
            if (a[from + i * stride]) {
                bits |= 1L << i;
            }
        }
        return bits;
    }

    /** Lanes {@code [0, n)} of {@code bits} into {@code a[from + l·stride]}. */
    static void scatter(boolean[] a, int from, int stride, int n, long bits) {
        for (int i = 0; i < n; i++) {
            a[from + i * stride] = (bits >>> i & 1) != 0;
        }
    }
}
