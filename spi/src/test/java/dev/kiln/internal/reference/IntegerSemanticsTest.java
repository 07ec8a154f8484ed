package dev.kiln.internal.reference;

import static dev.kiln.internal.reference.ReferenceCalls.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.ir.Primitive;
import dev.kiln.spi.HostBuffer;
import org.junit.jupiter.api.Test;

/** XLA's integer corner cases: division by zero, overflow, shifts past the width, uint32 as unsigned. */
class IntegerSemanticsTest {
    private static final int MIN = Integer.MIN_VALUE;
    private static final int MAX = Integer.MAX_VALUE;

    @Test
    void int32DivisionTruncatesAndDefinesTheCornerCases() {
        HostBuffer q = run(Primitive.DIV, i32(7, -7, 5, MIN, 7, 0), i32(2, 2, 0, -1, -2, 0));
        assertArrayEquals(new int[] {3, -3, -1, MIN, -3, -1}, q.ints());
        HostBuffer r = run(Primitive.REM, i32(7, -7, 5, MIN, -7, 7), i32(2, 2, 0, -1, -2, -2));
        assertArrayEquals(new int[] {1, -1, 5, 0, -1, 1}, r.ints());
    }

    @Test
    void int64DivisionCornerCases() {
        HostBuffer q = run(Primitive.DIV, i64(Long.MIN_VALUE, 5, -9), i64(-1, 0, 4));
        assertArrayEquals(new long[] {Long.MIN_VALUE, -1, -2}, q.longs());
        HostBuffer r = run(Primitive.REM, i64(Long.MIN_VALUE, 9, -9), i64(-1, 0, 4));
        assertArrayEquals(new long[] {0, 9, -1}, r.longs());
    }

    @Test
    void uint32DivisionIsUnsigned() {
        HostBuffer q = run(Primitive.DIV, u32(7, 5, 0xFFFF_FFFEL, 0x8000_0000L), u32(2, 0, 2, 3));
        assertArrayEquals(new long[] {3, 0xFFFF_FFFFL, 0x7FFF_FFFFL, 715827882}, unsigned(q));
        HostBuffer r = run(Primitive.REM, u32(7, 5, 0xFFFF_FFFEL, 0x8000_0000L), u32(2, 0, 5, 3));
        assertArrayEquals(new long[] {1, 5, 4, 2}, unsigned(r));
    }

    @Test
    void arithmeticWrapsAround() {
        assertArrayEquals(
                new int[] {MIN, 0}, run(Primitive.ADD, i32(MAX, -1), i32(1, 1)).ints());
        assertArrayEquals(
                new int[] {0, MIN},
                run(Primitive.MUL, i32(65536, MIN), i32(65536, 1)).ints());
        assertArrayEquals(
                new long[] {1, 0xFFFF_FFFFL}, unsigned(run(Primitive.ADD, u32(0xFFFF_FFFFL, 0), u32(2, 0xFFFF_FFFFL))));
        assertArrayEquals(new long[] {0xFFFF_FFFFL}, unsigned(run(Primitive.SUB, u32(0), u32(1))));
        assertArrayEquals(
                new long[] {Long.MIN_VALUE},
                run(Primitive.ADD, i64(Long.MAX_VALUE), i64(1)).longs());
    }

    @Test
    void negAbsSignOfExtremes() {
        assertArrayEquals(
                new int[] {MIN, -5, 0}, run(Primitive.NEG, i32(MIN, 5, 0)).ints());
        assertArrayEquals(
                new int[] {MIN, 5, 5}, run(Primitive.ABS, i32(MIN, 5, -5)).ints());
        assertArrayEquals(
                new long[] {Long.MIN_VALUE},
                run(Primitive.ABS, i64(Long.MIN_VALUE)).longs());
        assertArrayEquals(
                new int[] {-1, 0, 1}, run(Primitive.SIGN, i32(MIN, 0, 3)).ints());
        assertArrayEquals(
                new long[] {-1, 0, 1},
                run(Primitive.SIGN, i64(-7, 0, Long.MAX_VALUE)).longs());
    }

    @Test
    void uint32UnaryOpsAreUnsigned() {
        assertArrayEquals(new long[] {0xFFFF_FFFFL, 0}, unsigned(run(Primitive.NEG, u32(1, 0))));
        assertArrayEquals(new long[] {0x8000_0000L}, unsigned(run(Primitive.ABS, u32(0x8000_0000L))));
        assertArrayEquals(new long[] {0, 1, 1}, unsigned(run(Primitive.SIGN, u32(0, 5, 0x8000_0000L))));
        assertArrayEquals(new long[] {0xFFFF_FFFFL, 0x7FFF_FFFFL}, unsigned(run(Primitive.NOT, u32(0, 0x8000_0000L))));
    }

    @Test
    void uint32ComparesAndOrdersUnsigned() {
        HostBuffer big = u32(0x8000_0000L, 3);
        HostBuffer small = u32(1, 3);
        assertArrayEquals(
                new boolean[] {false, false}, run(Primitive.LT, big, small).bools());
        assertArrayEquals(
                new boolean[] {true, false}, run(Primitive.GT, big, small).bools());
        assertArrayEquals(
                new boolean[] {true, true}, run(Primitive.GE, big, small).bools());
        assertArrayEquals(new long[] {0x8000_0000L, 3}, unsigned(run(Primitive.MAX, big, small)));
        assertArrayEquals(new long[] {1, 3}, unsigned(run(Primitive.MIN, big, small)));
    }

    @Test
    void shiftsPastTheWidth() {
        assertArrayEquals(
                new int[] {MIN, 0, 0, -16},
                run(Primitive.SHIFT_LEFT, i32(1, 1, 1, -1), i32(31, 32, -1, 4)).ints());
        assertArrayEquals(
                new int[] {2147483644, 0, -8, 0},
                run(Primitive.SHIFT_RIGHT_LOGICAL, i32(-8, -8, -8, -8), i32(1, 32, 0, -1))
                        .ints());
        assertArrayEquals(
                new int[] {-4, -1, 0, -1},
                run(Primitive.SHIFT_RIGHT_ARITHMETIC, i32(-8, -8, 8, -8), i32(1, 40, 40, -1))
                        .ints());
        assertArrayEquals(
                new long[] {Long.MIN_VALUE, 0},
                run(Primitive.SHIFT_LEFT, i64(1, 1), i64(63, 64)).longs());
        assertArrayEquals(
                new long[] {15, 0},
                run(Primitive.SHIFT_RIGHT_LOGICAL, i64(-1, -1), i64(60, 64)).longs());
        assertArrayEquals(
                new long[] {-1, -1, -2},
                run(Primitive.SHIFT_RIGHT_ARITHMETIC, i64(-8, -8, -8), i64(64, -1, 2))
                        .longs());
    }

    @Test
    void uint32Shifts() {
        assertArrayEquals(
                new long[] {0x4000_0000L, 0, 0x8000_0000L},
                unsigned(run(
                        Primitive.SHIFT_RIGHT_LOGICAL, u32(0x8000_0000L, 0xFFFF_FFFFL, 0x8000_0000L), u32(1, 32, 0))));
        assertArrayEquals(
                new long[] {0x8000_0000L, 0},
                unsigned(run(Primitive.SHIFT_LEFT, u32(0xC000_0000L, 1), u32(1, 0xFFFF_FFFFL))));
        // as XLA (jax.lax.shift_right_arithmetic on uint32 gives these): the top bit is replicated
        assertArrayEquals(
                new long[] {0xC000_0000L, 0xFFFF_FFFFL, 0, 2},
                unsigned(run(
                        Primitive.SHIFT_RIGHT_ARITHMETIC, u32(0x8000_0000L, 0x8000_0000L, 5, 5), u32(1, 40, 33, 1))));
    }

    @Test
    void integerPowerBySquaringWithWraparound() {
        HostBuffer p =
                run(Primitive.POW, i32(2, 1, -1, -1, 3, 0, 0, 3, 2, -3), i32(31, -5, -5, -4, -1, 0, -1, 21, 32, 3));
        assertArrayEquals(new int[] {MIN, 1, -1, 1, 0, 1, 0, 1870418611, 0, -27}, p.ints());
        assertArrayEquals(
                new long[] {-6289078614652622815L, 1},
                run(Primitive.POW, i64(3, 7), i64(40, 0)).longs());
        assertArrayEquals(new long[] {9, 0, 1}, unsigned(run(Primitive.POW, u32(3, 2, 1), u32(2, 33, 0xFFFF_FFFFL))));
    }

    @Test
    void bitwiseAndBoolLogic() {
        assertArrayEquals(new int[] {1, 7, 6}, new int[] {
            run(Primitive.AND, i32(5), i32(3)).ints()[0],
            run(Primitive.OR, i32(5), i32(3)).ints()[0],
            run(Primitive.XOR, i32(5), i32(3)).ints()[0]
        });
        HostBuffer a = bools(true, true, false, false);
        HostBuffer b = bools(true, false, true, false);
        assertArrayEquals(
                new boolean[] {true, false, false, false},
                run(Primitive.AND, a, b).bools());
        assertArrayEquals(
                new boolean[] {true, true, true, false}, run(Primitive.OR, a, b).bools());
        assertArrayEquals(
                new boolean[] {false, true, true, false},
                run(Primitive.XOR, a, b).bools());
        assertArrayEquals(
                new boolean[] {true, true, true, false},
                run(Primitive.MAX, a, b).bools());
        assertArrayEquals(
                new boolean[] {false, false, true, true}, run(Primitive.NOT, a).bools());
        assertArrayEquals(
                new boolean[] {false, true, false, false},
                run(Primitive.GT, a, b).bools());
        assertArrayEquals(
                new int[] {-1, 0, -6}, run(Primitive.NOT, i32(0, -1, 5)).ints());
    }

    @Test
    void roundingOpsAndIsFiniteOnIntegersAreTrivial() {
        assertArrayEquals(new int[] {-3, 4}, run(Primitive.FLOOR, i32(-3, 4)).ints());
        assertArrayEquals(new long[] {-3, 4}, run(Primitive.ROUND, i64(-3, 4)).longs());
        assertArrayEquals(
                new boolean[] {true, true},
                run(Primitive.IS_FINITE, i32(MIN, MAX)).bools());
    }
}
