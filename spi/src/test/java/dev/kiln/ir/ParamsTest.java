package dev.kiln.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.kiln.DType;
import org.junit.jupiter.api.Test;

/** Params records compare by value over their {@link Ints} and print in the program-text form. */
class ParamsTest {
    @Test
    void recordsWithIntListsCompareByValue() {
        assertEquals(new Params.Reduce(0, 2), new Params.Reduce(Ints.of(0, 2)));
        assertEquals(new Params.Reduce(0, 2).hashCode(), new Params.Reduce(new int[] {0, 2}).hashCode());
        assertNotEquals(new Params.Reduce(0, 2), new Params.Reduce(2, 0));
        assertNotEquals(new Params.Reduce(0), new Params.Rev(0));
        Params.DotGeneral d = new Params.DotGeneral(new int[] {1}, new int[] {0}, new int[0], new int[0]);
        assertEquals(d, new Params.DotGeneral(Ints.of(1), Ints.of(0), Ints.of(), Ints.of()));
        assertEquals(d.hashCode(), new Params.DotGeneral(Ints.of(1), Ints.of(0), Ints.of(), Ints.of()).hashCode());
        assertNotEquals(d, new Params.DotGeneral(Ints.of(0), Ints.of(1), Ints.of(), Ints.of()));
    }

    @Test
    void theArrayConstructorsCopy() {
        int[] shape = {2, 3};
        Params.Reshape r = new Params.Reshape(shape);
        shape[0] = 7;
        assertArrayEquals(new int[] {2, 3}, r.shape().toArray());
    }

    @Test
    void textIsTheProgramForm() {
        assertEquals("", Params.NONE.text());
        assertEquals("to=float64", new Params.Convert(DType.FLOAT64).text());
        assertEquals("axes=[0, 2]", new Params.Reduce(0, 2).text());
        assertEquals("axis=1 index_dtype=int32", new Params.ArgReduce(1, DType.INT32).text());
        assertEquals("axis=0 reverse", new Params.Cumulative(0, true).text());
        assertEquals("axis=0", new Params.Cumulative(0, false).text());
        assertEquals("shape=[2, 3] dims=[1]", new Params.BroadcastInDim(new int[] {2, 3}, new int[] {1}).text());
        assertEquals("shape=[6]", new Params.Reshape(6).text());
        assertEquals("perm=[1, 0]", new Params.Transpose(1, 0).text());
        assertEquals(
                "start=[0] limit=[4] strides=[2]",
                new Params.Slice(new int[] {0}, new int[] {4}, new int[] {2}).text());
        assertEquals(
                "lo=[1] hi=[-1] interior=[0]", new Params.Pad(new int[] {1}, new int[] {-1}, new int[] {0}).text());
        assertEquals("axis=2", new Params.Axis(2).text());
        assertEquals("axes=[]", new Params.Rev().text());
        assertEquals("sizes=[1, 2]", new Params.DynamicSlice(1, 2).text());
        assertEquals("dtype=int32 shape=[3] dimension=0", new Params.Iota(DType.INT32, new int[] {3}, 0).text());
        assertEquals(
                "contract=([1],[0]) batch=([],[])",
                new Params.DotGeneral(new int[] {1}, new int[] {0}, new int[0], new int[0]).text());
    }

    @Test
    void toStringIsTheRecordForm() {
        assertEquals("Reduce[axes=[0, 2]]", new Params.Reduce(0, 2).toString());
    }
}
