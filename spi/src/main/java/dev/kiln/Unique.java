package dev.kiln;

/**
 * The results of {@link Np#unique(Array, boolean, boolean, boolean, boolean, Integer, Number)} and
 * its array-API spellings ({@link Np#uniqueAll}, {@link Np#uniqueCounts}, {@link Np#uniqueInverse}):
 * the sorted unique values and, where asked for, the int32 index of each value's first occurrence in
 * the flattened input, the index into {@code values} of every input element (shaped like the input),
 * and each value's count. Components that were not asked for are null.
 */
public record Unique(Array values, Array indices, Array inverseIndices, Array counts) {}
