package dev.kiln.cpu.codegen;

import dev.kiln.DType;
import dev.kiln.spi.FusedKernel.Node;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The second layer of {@link KernelEmitter}: nodes that touch memory. Loads through an index map
 * are contiguous vector loads (stride 1), scalar broadcasts (stride 0, done once per row segment
 * by the caller) or gathers through a table of lane offsets; stores likewise. Bool arrays move
 * through {@link VectorMask}s, and through lane bits ({@link Bits}) where a mask has no such
 * access (partial vectors, strides). Float literals are read from the geometry array.
 */
abstract class ArrayAccess extends VectorOps {
    /** Where one copy of the loop body computes: column {@code col + lanesOff}, maybe masked. */
    record At(int col, int lanesOff, int maskF, int maskD, int count, int[] base) {
        boolean masked() {
            return count >= 0;
        }
    }

    final Template t;
    final int nMaps;
    final LoopNest.Layout layout;
    /** Per map: the position of its gather table in the arrays argument, or -1. */
    final int[] gatherIndex;
    /** Per node: the index of its value among the float literals, or -1. */
    final int[] literalSlot;

    // per map, in the method being written: the local holding its array, gather table, offset,
    // vector-axis stride, and strides along the outer and reduced axes
    int[] arr;
    int[] idxTable;
    int[] off;
    int[] stride;
    int[][] outerStride;
    int[][] reducedStride;

    ArrayAccess(Template t) {
        super(t.lanes(), t.nodes());
        this.t = t;
        this.nMaps = t.maps().size();
        this.layout = new LoopNest.Layout(t.outerRank(), t.reducedRank(), nMaps);
        this.gatherIndex = new int[nMaps];
        int g = 0;
        for (int m = 0; m < nMaps; m++) {
            gatherIndex[m] = t.maps().get(m).inner() == Template.Stride.STRIDED ? nMaps + g++ : -1;
        }
        this.literalSlot = t.literalSlots();
    }

    void node(int n, At at) {
        switch (nodes.get(n)) {
            case Node.Load ld -> load(ld, at);
            case Node.Literal lit -> literal(lit, n);
            case Node.Op op -> op(op, n);
            case Node.Reduce r -> throw new IllegalStateException("reduce node %" + n + " has no value here");
            default -> throw new IllegalStateException("node %" + n + " " + nodes.get(n) + " cannot be generated");
        }
        cb.astore(slotOf(n));
    }

    /** A float or int32 literal's bits come from the geometry array (so constants are data); a bool literal is a constant mask. */
    void literal(Node.Literal lit, int n) {
        int pos = layout.length() + 2 * literalSlot[n];
        switch (lit.dtype()) {
            case FLOAT32 -> {
                species(false);
                cb.aload(2);
                cb.loadConstant(pos + 1);
                cb.iaload();
                Asm.call(cb, Float.class, "intBitsToFloat", int.class);
                Asm.call(cb, FloatVector.class, "broadcast", VectorSpecies.class, float.class);
            }
            case FLOAT64 -> {
                species(true);
                cb.aload(2);
                cb.loadConstant(pos);
                cb.iaload();
                cb.i2l();
                cb.loadConstant(32);
                cb.lshl();
                cb.aload(2);
                cb.loadConstant(pos + 1);
                cb.iaload();
                cb.i2l();
                cb.loadConstant(0xFFFF_FFFFL);
                cb.land();
                cb.lor();
                Asm.call(cb, Double.class, "longBitsToDouble", long.class);
                Asm.call(cb, DoubleVector.class, "broadcast", VectorSpecies.class, double.class);
            }
            case INT32 -> {
                intSpecies();
                cb.aload(2);
                cb.loadConstant(pos + 1);
                cb.iaload();
                Asm.call(cb, IntVector.class, "broadcast", VectorSpecies.class, int.class);
            }
            default -> {
                species(maskDouble[n]);
                cb.loadConstant(lit.bits() != 0 ? 1 : 0);
                Asm.call(cb, VectorSpecies.class, "maskAll", boolean.class);
            }
        }
    }

    void load(Node.Load ld, At at) {
        int m = ld.input();
        Template.MapInfo mi = t.maps().get(m);
        DType dt = mi.dtype();
        if (mi.inner() == Template.Stride.ZERO) {
            switch (dt) {
                case FLOAT32 -> {
                    species(false);
                    cb.aload(arr[m]);
                    cb.iload(at.base()[m]);
                    cb.faload();
                    Asm.call(cb, FloatVector.class, "broadcast", VectorSpecies.class, float.class);
                }
                case FLOAT64 -> {
                    species(true);
                    cb.aload(arr[m]);
                    cb.iload(at.base()[m]);
                    cb.daload();
                    Asm.call(cb, DoubleVector.class, "broadcast", VectorSpecies.class, double.class);
                }
                case INT32 -> {
                    intSpecies();
                    cb.aload(arr[m]);
                    cb.iload(at.base()[m]);
                    cb.iaload();
                    Asm.call(cb, IntVector.class, "broadcast", VectorSpecies.class, int.class);
                }
                default -> {
                    species(lanes == Lanes.DOUBLE);
                    cb.aload(arr[m]);
                    cb.iload(at.base()[m]);
                    cb.baload();
                    Asm.call(cb, VectorSpecies.class, "maskAll", boolean.class);
                }
            }
            return;
        }
        boolean strided = mi.inner() == Template.Stride.STRIDED;
        if (dt == DType.BOOL && strided) {
            // masks have no gather: the lanes go through bits
            species(lanes == Lanes.DOUBLE);
            cb.aload(arr[m]);
            index(m, at);
            cb.iload(stride[m]);
            lanesActive(at);
            Asm.call(cb, Bits.class, "gather", boolean[].class, int.class, int.class, int.class);
            Asm.call(cb, VectorMask.class, "fromLong", VectorSpecies.class, long.class);
            return;
        }
        if (dt == DType.INT32) {
            intSpecies();
            cb.aload(arr[m]);
            index(m, at);
            List<Class<?>> ps = new ArrayList<>(List.of(VectorSpecies.class, int[].class, int.class));
            if (strided) {
                table(m, at);
                ps.add(int[].class);
                ps.add(int.class);
            }
            if (at.masked()) {
                cb.aload(lanes == Lanes.DOUBLE ? at.maskD() : at.maskF());
                intSpecies();
                Asm.call(cb, VectorMask.class, "cast", VectorSpecies.class);
                ps.add(VectorMask.class);
            }
            Asm.call(cb, IntVector.class, "fromArray", ps.toArray(Class<?>[]::new));
            return;
        }
        if (dt == DType.BOOL) {
            species(lanes == Lanes.DOUBLE);
            if (at.masked()) {
                cb.aload(arr[m]);
                index(m, at);
                cb.iload(at.count());
                Asm.call(cb, Bits.class, "load", boolean[].class, int.class, int.class);
                Asm.call(cb, VectorMask.class, "fromLong", VectorSpecies.class, long.class);
            } else {
                cb.aload(arr[m]);
                index(m, at);
                Asm.call(cb, VectorMask.class, "fromArray", VectorSpecies.class, boolean[].class, int.class);
            }
            return;
        }
        boolean d = dt == DType.FLOAT64;
        Class<?> vc = vectorClass(dt);
        Class<?> ac = arrayClass(dt);
        species(d);
        cb.aload(arr[m]);
        index(m, at);
        List<Class<?>> params = new ArrayList<>(List.of(VectorSpecies.class, ac, int.class));
        if (strided) {
            table(m, at);
            params.add(int[].class);
            params.add(int.class);
        }
        if (at.masked()) {
            cb.aload(maskFor(dt, d, at));
            params.add(VectorMask.class);
        }
        Asm.call(cb, vc, "fromArray", params.toArray(Class<?>[]::new));
    }

    /** Pushes the array index of map {@code m} at the first lane of {@code at}. */
    void index(int m, At at) {
        cb.iload(at.base()[m]);
        cb.iload(at.col());
        if (at.lanesOff() != 0) {
            cb.loadConstant(at.lanesOff());
            cb.iadd();
        }
        if (t.maps().get(m).inner() == Template.Stride.STRIDED) {
            cb.iload(stride[m]);
            cb.imul();
        }
        cb.iadd();
    }

    /**
     * Pushes map {@code m}'s index table and the row of it to use. Gathers and scatters check every
     * lane's index, masked or not, so row {@code c} of the table sends lanes from {@code c} on to
     * the first lane's element; row {@code vl} (all lanes) is for unmasked vectors.
     */
    void table(int m, At at) {
        cb.aload(idxTable[m]);
        if (at.masked()) {
            cb.iload(at.count());
            cb.loadConstant(vl);
            cb.imul();
        } else {
            cb.loadConstant(vl * vl);
        }
    }

    void store(Template.Store s, At at) {
        int m = s.map();
        Template.MapInfo mi = t.maps().get(m);
        DType dt = mi.dtype();
        if (dt == DType.BOOL && mi.inner() == Template.Stride.STRIDED) {
            cb.aload(arr[m]);
            index(m, at);
            cb.iload(stride[m]);
            lanesActive(at);
            cb.aload(slotOf(s.node()));
            Asm.call(cb, VectorMask.class, "toLong");
            Asm.call(cb, Bits.class, "scatter", boolean[].class, int.class, int.class, int.class, long.class);
            return;
        }
        if (dt == DType.BOOL) {
            if (at.masked()) {
                cb.aload(arr[m]);
                index(m, at);
                cb.iload(at.count());
                cb.aload(slotOf(s.node()));
                Asm.call(cb, VectorMask.class, "toLong");
                Asm.call(cb, Bits.class, "store", boolean[].class, int.class, int.class, long.class);
            } else {
                cb.aload(slotOf(s.node()));
                cb.aload(arr[m]);
                index(m, at);
                Asm.call(cb, VectorMask.class, "intoArray", boolean[].class, int.class);
            }
            return;
        }
        Class<?> vc = vectorClass(dt);
        Class<?> ac = arrayClass(dt);
        cb.aload(slotOf(s.node()));
        cb.aload(arr[m]);
        index(m, at);
        List<Class<?>> params = new ArrayList<>(List.of(ac, int.class));
        if (mi.inner() == Template.Stride.STRIDED) {
            table(m, at);
            params.add(int[].class);
            params.add(int.class);
        }
        if (at.masked()) {
            cb.aload(maskFor(dt, dt == DType.FLOAT64, at));
            params.add(VectorMask.class);
        }
        Asm.call(cb, vc, "intoArray", params.toArray(Class<?>[]::new));
    }

    /** Pushes the number of lanes in use: all of them, or the masked count. */
    void lanesActive(At at) {
        if (at.masked()) {
            cb.iload(at.count());
        } else {
            cb.loadConstant(vl);
        }
    }

    void intSpecies() {
        Asm.getStatic(cb, IntVector.class, lanes.intField());
    }

    int maskFor(DType dt, boolean boolDouble, At at) {
        boolean d = dt == DType.FLOAT64 || (dt == DType.BOOL && boolDouble);
        return d ? at.maskD() : at.maskF();
    }
}
