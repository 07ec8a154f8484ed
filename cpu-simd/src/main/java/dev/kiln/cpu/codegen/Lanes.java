package dev.kiln.cpu.codegen;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * Which vector species a kernel computes with. Kernels of one float type use that type's
 * preferred species; kernels that mix float32 and float64 use a float species of half the width,
 * so both have the same number of lanes and a conversion is lane for lane.
 */
enum Lanes {
    FLOAT,
    DOUBLE,
    MIXED;

    /** The static final field of {@link FloatVector} that holds the float species. */
    String floatField() {
        if (this != MIXED) {
            return "SPECIES_PREFERRED";
        }
        return switch (DoubleVector.SPECIES_PREFERRED.length()) {
            case 8 -> "SPECIES_256";
            case 4 -> "SPECIES_128";
            default -> "SPECIES_64";
        };
    }

    /** The static final field of {@code IntVector} whose species has this many lanes (int32 data read as floats). */
    String intField() {
        return this == FLOAT ? "SPECIES_PREFERRED" : MIXED.floatField();
    }

    /** The static final field of {@link DoubleVector} that holds the double species. */
    String doubleField() {
        return "SPECIES_PREFERRED";
    }

    /** Lanes per vector. */
    int length() {
        return this == FLOAT ? FloatVector.SPECIES_PREFERRED.length() : DoubleVector.SPECIES_PREFERRED.length();
    }
}
