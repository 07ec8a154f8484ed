package dev.kiln.ir;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * An immutable list of {@code int}s compared by value: axes, permutations, shapes and the other
 * integer lists in {@link Params}. Records holding {@code Ints} get correct {@code equals}, {@code
 * hashCode} and {@code toString} without writing them, which records holding {@code int[]} do not.
 *
 * <p>{@link #of(int...)} and {@link #toArray()} copy, so no caller can change a value after it is
 * made. {@link #get(int)} and {@link #size()} read without copying; loops over the elements should
 * use them (or take one {@link #toArray()} before the loop) rather than copy per element. Prints as
 * {@link Arrays#toString(int[])} does: {@code [1, 2]}, {@code []}.
 */
public final class Ints {
    private static final Ints EMPTY = new Ints(new int[0]);

    private final int[] values;

    private Ints(int[] values) {
        this.values = values;
    }

    /** A list of a copy of {@code values}; changing the argument later does not change the list. */
    public static Ints of(int... values) {
        return values.length == 0 ? EMPTY : new Ints(values.clone());
    }

    /** The number of elements. */
    public int size() {
        return values.length;
    }

    /** Whether the list has no elements. */
    public boolean isEmpty() {
        return values.length == 0;
    }

    /**
     * The element at {@code index}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public int get(int index) {
        return values[index];
    }

    /** A new array of the elements, which the caller may change. */
    public int[] toArray() {
        return values.clone();
    }

    /** Whether some element equals {@code value}. */
    public boolean contains(int value) {
        return indexOf(value) >= 0;
    }

    /** The index of the first element equal to {@code value}, or {@code -1} when there is none. */
    public int indexOf(int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** The elements in order. */
    public IntStream stream() {
        return Arrays.stream(values);
    }

    /** Equal to another {@code Ints} with the same elements in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Ints other && Arrays.equals(other.values, values);
    }

    /** {@link Arrays#hashCode(int[])} of the elements. */
    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /** The elements as {@link Arrays#toString(int[])} prints them: {@code [1, 2]}. */
    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
