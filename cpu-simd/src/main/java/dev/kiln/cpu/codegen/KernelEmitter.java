package dev.kiln.cpu.codegen;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;

import dev.kiln.DType;
import dev.kiln.spi.FusedKernel.Node;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.OperatorInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writes the class of one {@link Template}: methods whose loops evaluate the whole expression DAG
 * on Vector API values held in local variables, so nothing is materialised between ops and C2
 * sees every species and operator as a constant (they are read from static final fields of the
 * vector classes). This layer writes the classes' methods and their loops; {@link ArrayAccess}
 * and {@link VectorOps} write the nodes.
 *
 * <p>Inside a loop over the vector axis, each node is computed at one of three levels: once per
 * method (literals and what depends only on them), once per row segment (loads that are constant
 * along the vector axis, broadcast to a vector, and what depends only on those), or at every
 * vector of points. Full vectors run without masks; the last partial vector of a row runs once
 * with a mask (bool arrays move through lane bits there, as masks have no masked array access).
 *
 * <p>Reductions over the vector axis keep {@code unroll} independent sets of accumulators and
 * reduce across lanes once at the end; reductions over outer axes keep one accumulator per vector
 * of output columns, over tiles of {@code tile} vectors, summed in blocks of {@link #ROW_BLOCK}
 * rows so that long float sums do not drift.
 */
final class KernelEmitter extends ArrayAccess {
    /** Rows of a column reduction accumulated before being added into the running total. */
    static final int ROW_BLOCK = 64;

    private static final ClassDesc CD_OBJECTS = Asm.desc(Object[].class);
    private static final ClassDesc CD_INTS = Asm.desc(int[].class);
    private static final ClassDesc CD_DOUBLES = Asm.desc(double[].class);
    private static final int PUBLIC_FINAL = ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL;

    private enum Level {
        CONST,
        SEG,
        POINT
    }

    private final int unroll;
    private final int tile;
    private final boolean[] live;
    private final Level[] level;
    private final List<Integer> reduces;

    // per method: locals holding the vector-axis length and the outer and reduced sizes
    private int inner;
    private int[] outerSize;
    private int[] reducedSize;

    KernelEmitter(Template t, int unroll, int tile) {
        super(t);
        this.unroll = unroll;
        this.tile = tile;
        this.reduces = t.reduceNodes();
        this.live = liveness();
        this.level = levels();
    }

    byte[] build(ClassDesc name, ClassHierarchyResolver resolver) {
        return ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver)).build(name, clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withInterfaceSymbols(Asm.desc(KernelBody.class));
            clb.withMethodBody("<init>", MethodTypeDesc.of(CD_void), ClassFile.ACC_PUBLIC, c -> {
                c.aload(0);
                c.invokespecial(CD_Object, "<init>", MethodTypeDesc.of(CD_void));
                c.return_();
            });
            switch (t.kind()) {
                case POINTS ->
                    clb.withMethodBody(
                            "points",
                            MethodTypeDesc.of(CD_void, CD_OBJECTS, CD_INTS, CD_int, CD_int),
                            PUBLIC_FINAL,
                            this::points);
                case ROWS -> {
                    clb.withMethodBody(
                            "rows",
                            MethodTypeDesc.of(CD_void, CD_OBJECTS, CD_INTS, CD_int, CD_int),
                            PUBLIC_FINAL,
                            this::rows);
                    clb.withMethodBody(
                            "reduceRow",
                            MethodTypeDesc.of(CD_void, CD_OBJECTS, CD_INTS, CD_int, CD_int, CD_int, CD_DOUBLES, CD_int),
                            PUBLIC_FINAL,
                            this::reduceRow);
                    clb.withMethodBody(
                            "epilogueRow",
                            MethodTypeDesc.of(CD_void, CD_OBJECTS, CD_INTS, CD_int, CD_DOUBLES, CD_int),
                            PUBLIC_FINAL,
                            this::epilogueRow);
                }
                case COLUMNS ->
                    clb.withMethodBody(
                            "columns",
                            MethodTypeDesc.of(CD_void, CD_OBJECTS, CD_INTS, CD_int, CD_int),
                            PUBLIC_FINAL,
                            this::columns);
            }
        });
    }

    // ------------------------------------------------------------------ analysis

    private boolean[] liveness() {
        return Template.live(nodes, t.stores());
    }

    private Level[] levels() {
        Level[] lv = new Level[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            lv[i] = switch (n) {
                case Node.Literal lit -> Level.CONST;
                case Node.Load ld -> t.maps().get(ld.input()).inner() == Template.Stride.ZERO ? Level.SEG : Level.POINT;
                case Node.Reduce r -> Level.POINT;
                default -> {
                    Level m = Level.CONST;
                    for (int a : n.args()) {
                        if (lv[a].compareTo(m) > 0) {
                            m = lv[a];
                        }
                    }
                    yield m;
                }
            };
        }
        return lv;
    }

    private List<Integer> select(boolean epilogue, Level lv) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (live[i] && t.isEpilogue(i) == epilogue && level[i] == lv) {
                r.add(i);
            }
        }
        return r;
    }

    /** Live epilogue nodes that are not constant, in order. */
    private List<Integer> epilogueNodes() {
        List<Integer> r = new ArrayList<>();
        for (int i = t.epilogueStart(); i < nodes.size(); i++) {
            if (live[i] && level[i] != Level.CONST) {
                r.add(i);
            }
        }
        return r;
    }

    private BitSet maps(boolean epilogue) {
        BitSet b = new BitSet();
        for (int i = 0; i < nodes.size(); i++) {
            if (live[i] && t.isEpilogue(i) == epilogue && nodes.get(i) instanceof Node.Load ld) {
                b.set(ld.input());
            }
        }
        for (Template.Store s : t.stores()) {
            if (t.isEpilogue(s.node()) == epilogue) {
                b.set(s.map());
            }
        }
        return b;
    }

    private List<Template.Store> stores(boolean epilogue) {
        return t.stores().stream()
                .filter(s -> t.isEpilogue(s.node()) == epilogue)
                .toList();
    }

    // ------------------------------------------------------------------ methods

    /** {@code points(a, g, lo, hi)}: elementwise over flattened points. */
    private void points(CodeBuilder c) {
        begin(c, maps(false));
        constants(false);
        int hi = 4;
        int p = local();
        cb.iload(3);
        cb.istore(p);
        Label loop = cb.newLabel();
        Label test = cb.newLabel();
        cb.goto_(test);
        cb.labelBinding(loop);
        RowCursor cur = rowCursor(p, inner, hi);
        int row = cur.row();
        int rowStart = cur.rowStart();
        int i = cur.i();
        int stop = cur.stop();
        int[] base = bases(off, maps(false), digits(row, outerSize), true);
        segment(base);
        vectorLoop(i, stop, base, 1, null);
        tail(i, stop, base, null);
        cb.iload(rowStart);
        cb.iload(stop);
        cb.iadd();
        cb.istore(p);
        cb.labelBinding(test);
        cb.iload(p);
        cb.iload(hi);
        cb.if_icmplt(loop);
        cb.return_();
    }

    /**
     * {@code rows(a, g, lo, hi)}: output points [lo, hi) whole: each one's reduced points in blocks
     * of {@link GeneratedKernel#BLOCK}, the blocks' lane sums added in double in block order, then
     * the epilogue. The same arithmetic as {@link #reduceRow} and {@link #epilogueRow} with the
     * driver's combination, without a call per output point.
     */
    private void rows(CodeBuilder c) {
        BitSet innerMaps = maps(false);
        BitSet all = new BitSet();
        all.or(innerMaps);
        all.or(maps(true));
        begin(c, all);
        constants(false);
        constants(true);
        int rn = local();
        cb.iload(inner);
        for (int s : reducedSize) {
            cb.iload(s);
            cb.imul();
        }
        cb.istore(rn);
        int q = local();
        cb.iload(3);
        cb.istore(q);
        Label points = cb.newLabel();
        Label pointsTest = cb.newLabel();
        cb.goto_(pointsTest);
        cb.labelBinding(points);
        int[] qbase = bases(off, all, digits(q, outerSize), true);
        int[] total = new int[reduces.size()];
        for (int k = 0; k < total.length; k++) {
            total[k] = local(TypeKind.DOUBLE);
            cb.loadConstant(identityValue((Node.Reduce) nodes.get(reduces.get(k))));
            cb.dstore(total[k]);
        }
        int b = local();
        cb.iconst_0();
        cb.istore(b);
        Label blocks = cb.newLabel();
        Label blocksTest = cb.newLabel();
        cb.goto_(blocksTest);
        cb.labelBinding(blocks);
        int end = local();
        cb.iload(rn);
        cb.iload(b);
        cb.loadConstant(GeneratedKernel.BLOCK);
        cb.iadd();
        Asm.call(cb, Math.class, "min", int.class, int.class);
        cb.istore(end);
        int[] acc = foldRows(innerMaps, qbase, b, end);
        for (int k = 0; k < total.length; k++) {
            Node.Reduce red = (Node.Reduce) nodes.get(reduces.get(k));
            cb.dload(total[k]);
            reduceLanes(red, acc[k]);
            switch (red.reducer()) {
                case REDUCE_SUM -> cb.dadd();
                case REDUCE_MAX -> Asm.call(cb, Math.class, "max", double.class, double.class);
                default -> Asm.call(cb, Math.class, "min", double.class, double.class);
            }
            cb.dstore(total[k]);
        }
        cb.iload(b);
        cb.loadConstant(GeneratedKernel.BLOCK);
        cb.iadd();
        cb.istore(b);
        cb.labelBinding(blocksTest);
        cb.iload(b);
        cb.iload(rn);
        cb.if_icmplt(blocks);
        rowEpilogue(qbase, k -> cb.dload(total[k]));
        cb.iinc(q, 1);
        cb.labelBinding(pointsTest);
        cb.iload(q);
        cb.iload(4);
        cb.if_icmplt(points);
        cb.return_();
    }

    /**
     * {@code reduceRow(a, g, q, lo, hi, out, pos)}: folds reduced points [lo, hi) of output point q
     * in blocks of {@link GeneratedKernel#BLOCK} from {@code lo} (the last one ends at {@code hi}),
     * each block from fresh accumulators, and writes block j's partial results (its lanes reduced,
     * one per reduce node) to {@code out[pos + j·reduces …]}. One call per thread's chunk rather than
     * per block: the setup (arrays out of {@code a}, constants, the output point's offsets) and the
     * call once per chunk, and C2 sees one loop nest it compiles once (see {@link #rows}, which
     * folds the same blocks the same way).
     */
    private void reduceRow(CodeBuilder c) {
        BitSet used = maps(false);
        begin(c, used);
        constants(false);
        int[] qbase = bases(off, used, digits(3, outerSize), true);
        int b = local();
        cb.iload(4);
        cb.istore(b);
        int at = local();
        cb.iload(7);
        cb.istore(at);
        Label blocks = cb.newLabel();
        Label blocksTest = cb.newLabel();
        cb.goto_(blocksTest);
        cb.labelBinding(blocks);
        int end = local();
        cb.iload(5);
        cb.iload(b);
        cb.loadConstant(GeneratedKernel.BLOCK);
        cb.iadd();
        Asm.call(cb, Math.class, "min", int.class, int.class);
        cb.istore(end);
        int[] acc = foldRows(used, qbase, b, end);
        for (int k = 0; k < reduces.size(); k++) {
            cb.aload(6);
            cb.iload(at);
            cb.loadConstant(k);
            cb.iadd();
            reduceLanes((Node.Reduce) nodes.get(reduces.get(k)), acc[k]);
            cb.dastore();
        }
        cb.iload(at);
        cb.loadConstant(reduces.size());
        cb.iadd();
        cb.istore(at);
        cb.iload(b);
        cb.loadConstant(GeneratedKernel.BLOCK);
        cb.iadd();
        cb.istore(b);
        cb.labelBinding(blocksTest);
        cb.iload(b);
        cb.iload(5);
        cb.if_icmplt(blocks);
        cb.return_();
    }

    /**
     * Folds reduced points {@code [lo, hi)} (locals) of the output point whose map offsets are
     * {@code qbase} into new accumulators, {@code unroll} sets of them combined at the end; returns
     * the accumulator of each reduce node.
     */
    private int[] foldRows(BitSet used, int[] qbase, int lo, int hi) {
        int[][] acc = new int[unroll][reduces.size()];
        for (int u = 0; u < unroll; u++) {
            for (int k = 0; k < reduces.size(); k++) {
                acc[u][k] = identity(reduces.get(k));
            }
        }
        int r = local();
        cb.iload(lo);
        cb.istore(r);
        Label loop = cb.newLabel();
        Label test = cb.newLabel();
        cb.goto_(test);
        cb.labelBinding(loop);
        RowCursor cur = rowCursor(r, inner, hi);
        int row = cur.row();
        int rowStart = cur.rowStart();
        int i = cur.i();
        int stop = cur.stop();
        int[] base = bases(qbase, used, digits(row, reducedSize), false);
        segment(base);
        if (unroll > 1) {
            vectorLoop(i, stop, base, unroll, acc);
        }
        vectorLoop(i, stop, base, 1, acc);
        tail(i, stop, base, acc);
        cb.iload(rowStart);
        cb.iload(stop);
        cb.iadd();
        cb.istore(r);
        cb.labelBinding(test);
        cb.iload(r);
        cb.iload(hi);
        cb.if_icmplt(loop);
        for (int k = 0; k < reduces.size(); k++) {
            Node.Reduce red = (Node.Reduce) nodes.get(reduces.get(k));
            for (int u = 1; u < unroll; u++) {
                fold(red, acc[0][k], acc[u][k], -1);
            }
        }
        return acc[0];
    }

    /** Pushes the lanes of accumulator {@code acc} reduced to one value, as a double. */
    private void reduceLanes(Node.Reduce red, int acc) {
        cb.aload(acc);
        Asm.getStatic(cb, VectorOperators.class, operator(red.reducer()));
        // a fixed order of lanes, whatever the JIT's state (FixedLanes)
        Asm.call(cb, FixedLanes.class, "reduce", vectorClass(red.dtype()), VectorOperators.Associative.class);
        if (red.dtype() == DType.FLOAT32) {
            cb.f2d();
        }
    }

    /** {@code epilogueRow(a, g, q, acc, pos)}: the epilogue of output point q, one lane wide. */
    private void epilogueRow(CodeBuilder c) {
        BitSet used = maps(true);
        begin(c, used);
        constants(true);
        int[] base = bases(off, used, digits(3, outerSize), true);
        rowEpilogue(base, k -> {
            cb.aload(4);
            cb.iload(5);
            cb.loadConstant(k);
            cb.iadd();
            cb.daload();
        });
        cb.return_();
    }

    /**
     * The epilogue of one output point: the reduce nodes' values ({@code total} pushes value {@code
     * k} as a double) broadcast, the epilogue nodes on them, and lane 0 of each epilogue output stored.
     */
    private void rowEpilogue(int[] base, java.util.function.IntConsumer total) {
        for (int k = 0; k < reduces.size(); k++) {
            int n = reduces.get(k);
            DType dt = nodes.get(n).dtype();
            species(dt == DType.FLOAT64);
            total.accept(k);
            if (dt == DType.FLOAT32) {
                cb.d2f();
                Asm.call(cb, FloatVector.class, "broadcast", VectorSpecies.class, float.class);
            } else {
                Asm.call(cb, DoubleVector.class, "broadcast", VectorSpecies.class, double.class);
            }
            cb.astore(slotOf(n));
        }
        At at = new At(-1, 0, -1, -1, -1, base);
        for (int n : epilogueNodes()) {
            if (!(nodes.get(n) instanceof Node.Reduce)) {
                node(n, at);
            }
        }
        for (Template.Store s : stores(true)) {
            cb.aload(arr[s.map()]);
            cb.iload(base[s.map()]);
            cb.aload(slotOf(s.node()));
            cb.iconst_0();
            switch (nodes.get(s.node()).dtype()) {
                case FLOAT32 -> {
                    Asm.call(cb, FloatVector.class, "lane", int.class);
                    cb.fastore();
                }
                case FLOAT64 -> {
                    Asm.call(cb, DoubleVector.class, "lane", int.class);
                    cb.dastore();
                }
                default -> {
                    Asm.call(cb, VectorMask.class, "laneIsSet", int.class);
                    cb.bastore();
                }
            }
        }
    }

    /** {@code columns(a, g, lo, hi)}: work units are tiles of output columns of one outer point. */
    private void columns(CodeBuilder c) {
        BitSet all = new BitSet();
        all.or(maps(false));
        all.or(maps(true));
        begin(c, all);
        constants(false);
        constants(true);
        int width = tile * vl;
        int tiles = local();
        cb.iload(inner);
        cb.loadConstant(width - 1);
        cb.iadd();
        cb.loadConstant(width);
        cb.idiv();
        cb.istore(tiles);
        int rn = local();
        cb.iconst_1();
        for (int s : reducedSize) {
            cb.iload(s);
            cb.imul();
        }
        cb.istore(rn);
        int u = local();
        cb.iload(3);
        cb.istore(u);
        Label loop = cb.newLabel();
        Label test = cb.newLabel();
        Label partial = cb.newLabel();
        Label next = cb.newLabel();
        cb.goto_(test);
        cb.labelBinding(loop);
        int qq = divide(u, tiles);
        int j0 = local();
        cb.iload(u);
        cb.iload(qq);
        cb.iload(tiles);
        cb.imul();
        cb.isub();
        cb.loadConstant(width);
        cb.imul();
        cb.istore(j0);
        int j1 = local();
        cb.iload(inner);
        cb.iload(j0);
        cb.loadConstant(width);
        cb.iadd();
        Asm.call(cb, Math.class, "min", int.class, int.class);
        cb.istore(j1);
        int[] qbase = bases(off, all, digits(qq, outerSize), true);
        cb.iload(j1);
        cb.iload(j0);
        cb.isub();
        cb.loadConstant(width);
        cb.if_icmpne(partial);
        columnPass(tile, new At(j0, 0, -1, -1, -1, qbase), rn);
        cb.goto_(next);
        cb.labelBinding(partial);
        int j = local();
        cb.iload(j0);
        cb.istore(j);
        Label single = cb.newLabel();
        Label singleTest = cb.newLabel();
        cb.goto_(singleTest);
        cb.labelBinding(single);
        columnPass(1, new At(j, 0, -1, -1, -1, qbase), rn);
        cb.iinc(j, vl);
        cb.labelBinding(singleTest);
        cb.iload(j1);
        cb.loadConstant(vl);
        cb.isub();
        cb.iload(j);
        cb.if_icmpge(single);
        cb.iload(j);
        cb.iload(j1);
        cb.if_icmpge(next);
        columnPass(1, masked(j, j1, qbase), rn);
        cb.labelBinding(next);
        cb.iinc(u, 1);
        cb.labelBinding(test);
        cb.iload(u);
        cb.iload(4);
        cb.if_icmplt(loop);
        cb.return_();
    }

    /**
     * One pass over the reduced points for {@code copies} vectors of columns starting at {@code
     * at}, then their epilogue. {@code at.base} holds the maps' offsets at the outer point.
     */
    private void columnPass(int copies, At at, int rn) {
        BitSet innerMaps = maps(false);
        int[][] total = new int[copies][reduces.size()];
        int[][] block = new int[copies][reduces.size()];
        for (int c = 0; c < copies; c++) {
            for (int k = 0; k < reduces.size(); k++) {
                total[c][k] = identity(reduces.get(k));
                block[c][k] = local(TypeKind.REFERENCE);
            }
        }
        int rb = local();
        cb.iconst_0();
        cb.istore(rb);
        Label blocks = cb.newLabel();
        Label blocksTest = cb.newLabel();
        cb.goto_(blocksTest);
        cb.labelBinding(blocks);
        int rend = local();
        cb.iload(rn);
        cb.iload(rb);
        cb.loadConstant(ROW_BLOCK);
        cb.iadd();
        Asm.call(cb, Math.class, "min", int.class, int.class);
        cb.istore(rend);
        for (int c = 0; c < copies; c++) {
            for (int k = 0; k < reduces.size(); k++) {
                identityInto(reduces.get(k), block[c][k]);
            }
        }
        int r = local();
        cb.iload(rb);
        cb.istore(r);
        Label rows = cb.newLabel();
        Label rowsTest = cb.newLabel();
        cb.goto_(rowsTest);
        cb.labelBinding(rows);
        int[] base = bases(at.base(), innerMaps, digits(r, reducedSize), false);
        segment(base);
        for (int c = 0; c < copies; c++) {
            At here = new At(at.col(), c * vl, at.maskF(), at.maskD(), at.count(), base);
            body(here, block[c], false);
        }
        cb.iinc(r, 1);
        cb.labelBinding(rowsTest);
        cb.iload(r);
        cb.iload(rend);
        cb.if_icmplt(rows);
        for (int c = 0; c < copies; c++) {
            for (int k = 0; k < reduces.size(); k++) {
                fold((Node.Reduce) nodes.get(reduces.get(k)), total[c][k], block[c][k], -1);
            }
        }
        cb.iload(rb);
        cb.loadConstant(ROW_BLOCK);
        cb.iadd();
        cb.istore(rb);
        cb.labelBinding(blocksTest);
        cb.iload(rb);
        cb.iload(rn);
        cb.if_icmplt(blocks);
        for (int c = 0; c < copies; c++) {
            At here = new At(at.col(), c * vl, at.maskF(), at.maskD(), at.count(), at.base());
            for (int k = 0; k < reduces.size(); k++) {
                slot[reduces.get(k)] = total[c][k];
            }
            for (int n : epilogueNodes()) {
                if (!(nodes.get(n) instanceof Node.Reduce)) {
                    node(n, here);
                }
            }
            for (Template.Store s : stores(true)) {
                store(s, here);
            }
        }
    }

    // ------------------------------------------------------------------ loops over the vector axis

    /** While a whole group of {@code copies} vectors fits before {@code stop}: the body, unmasked. */
    private void vectorLoop(int i, int stop, int[] base, int copies, int[][] acc) {
        // javac's shape (test at the bottom), which C2 turns into a counted loop
        Label loop = cb.newLabel();
        Label test = cb.newLabel();
        cb.goto_(test);
        cb.labelBinding(loop);
        for (int c = 0; c < copies; c++) {
            body(new At(i, c * vl, -1, -1, -1, base), acc == null ? null : acc[c], true);
        }
        cb.iinc(i, copies * vl);
        cb.labelBinding(test);
        cb.iload(stop);
        cb.loadConstant(copies * vl);
        cb.isub();
        cb.iload(i);
        cb.if_icmpge(loop);
    }

    /** The last partial vector before {@code stop}, if any, under a mask. */
    private void tail(int i, int stop, int[] base, int[][] acc) {
        Label skip = cb.newLabel();
        cb.iload(i);
        cb.iload(stop);
        cb.if_icmpge(skip);
        body(masked(i, stop, base), acc == null ? null : acc[0], true);
        cb.labelBinding(skip);
    }

    /** The masks (and lane count) of lanes {@code [from, to)} of a vector starting at {@code from}. */
    private At masked(int from, int to, int[] base) {
        int maskF = -1;
        int maskD = -1;
        if (lanes != Lanes.DOUBLE) {
            maskF = indexInRange(false, from, to);
        }
        if (lanes != Lanes.FLOAT) {
            maskD = indexInRange(true, from, to);
        }
        int count = local();
        cb.iload(to);
        cb.iload(from);
        cb.isub();
        cb.istore(count);
        return new At(from, 0, maskF, maskD, count, base);
    }

    private int indexInRange(boolean dbl, int from, int to) {
        species(dbl);
        cb.iload(from);
        cb.iload(to);
        Asm.call(cb, VectorSpecies.class, "indexInRange", int.class, int.class);
        int m = local(TypeKind.REFERENCE);
        cb.astore(m);
        return m;
    }

    /**
     * One copy of the loop body: the point-level inner nodes, the inner outputs, and the folds into
     * {@code acc} ({@code foldMasked}: lanes outside the mask must not reach the accumulators,
     * which is so when lanes of one accumulator are summed together).
     */
    private void body(At at, int[] acc, boolean foldMasked) {
        for (int n : select(false, Level.POINT)) {
            node(n, at);
        }
        for (Template.Store s : stores(false)) {
            store(s, at);
        }
        if (acc != null) {
            for (int k = 0; k < reduces.size(); k++) {
                Node.Reduce red = (Node.Reduce) nodes.get(reduces.get(k));
                int mask = foldMasked && at.masked() ? maskFor(red.dtype(), false, at) : -1;
                fold(red, acc[k], slotOf(red.arg()), mask);
            }
        }
    }

    /** The segment-level nodes (constant along the vector axis) at {@code base}. */
    private void segment(int[] base) {
        At at = new At(-1, 0, -1, -1, -1, base);
        for (int n : select(false, Level.SEG)) {
            node(n, at);
        }
    }

    /** The constant nodes of one phase, once per method. */
    private void constants(boolean epilogue) {
        At at = new At(-1, 0, -1, -1, -1, null);
        for (int n : select(epilogue, Level.CONST)) {
            node(n, at);
        }
    }

    // ------------------------------------------------------------------ method frame

    private void begin(CodeBuilder c, BitSet used) {
        cb = c;
        slot = new int[nodes.size()];
        Arrays.fill(slot, -1);
        arr = new int[nMaps];
        idxTable = new int[nMaps];
        off = new int[nMaps];
        stride = new int[nMaps];
        outerStride = new int[nMaps][t.outerRank()];
        reducedStride = new int[nMaps][t.reducedRank()];
        Arrays.fill(arr, -1);
        inner = geometry(LoopNest.Layout.INNER);
        outerSize = new int[t.outerRank()];
        for (int d = 0; d < outerSize.length; d++) {
            outerSize[d] = geometry(layout.outerSize(d));
        }
        reducedSize = new int[t.reducedRank()];
        for (int d = 0; d < reducedSize.length; d++) {
            reducedSize[d] = geometry(layout.reducedSize(d));
        }
        for (int m = used.nextSetBit(0); m >= 0; m = used.nextSetBit(m + 1)) {
            Template.MapInfo mi = t.maps().get(m);
            cb.aload(1);
            cb.loadConstant(m);
            cb.aaload();
            cb.checkcast(Asm.desc(arrayClass(mi.dtype())));
            arr[m] = local(TypeKind.REFERENCE);
            cb.astore(arr[m]);
            if (mi.inner() == Template.Stride.STRIDED) {
                cb.aload(1);
                cb.loadConstant(gatherIndex[m]);
                cb.aaload();
                cb.checkcast(CD_INTS);
                idxTable[m] = local(TypeKind.REFERENCE);
                cb.astore(idxTable[m]);
                stride[m] = geometry(layout.innerStride(m));
            }
            off[m] = geometry(layout.offset(m));
            for (int d = 0; d < t.outerRank(); d++) {
                if ((mi.outerVaries() >>> d & 1) != 0) {
                    outerStride[m][d] = geometry(layout.outerStride(m, d));
                }
            }
            for (int d = 0; d < t.reducedRank(); d++) {
                if ((mi.reducedVaries() >>> d & 1) != 0) {
                    reducedStride[m][d] = geometry(layout.reducedStride(m, d));
                }
            }
        }
    }

    private int geometry(int pos) {
        cb.aload(2);
        cb.loadConstant(pos);
        cb.iaload();
        int l = local();
        cb.istore(l);
        return l;
    }

    private int divide(int a, int b) {
        return intOp(a, b, Opcode.IDIV);
    }

    private int multiply(int a, int b) {
        return intOp(a, b, Opcode.IMUL);
    }

    /** A new int local holding {@code a op b}. */
    private int intOp(int a, int b, Opcode op) {
        cb.iload(a);
        cb.iload(b);
        cb.with(OperatorInstruction.of(op));
        int l = local();
        cb.istore(l);
        return l;
    }

    /** The digits of flattened index {@code index} over a group of axes with sizes in {@code sizes}. */
    private int[] digits(int index, int[] sizes) {
        int n = sizes.length;
        int[] dig = new int[n];
        if (n == 0) {
            return dig;
        }
        if (n == 1) {
            dig[0] = index;
            return dig;
        }
        int rest = local();
        cb.iload(index);
        cb.istore(rest);
        for (int d = n - 1; d >= 1; d--) {
            dig[d] = local();
            cb.iload(rest);
            cb.iload(sizes[d]);
            cb.irem();
            cb.istore(dig[d]);
            cb.iload(rest);
            cb.iload(sizes[d]);
            cb.idiv();
            cb.istore(rest);
        }
        dig[0] = rest;
        return dig;
    }

    /** Per used map: {@code start + Σ digit·stride} over the outer or reduced group (an alias where it does not move). */
    private int[] bases(int[] start, BitSet used, int[] digits, boolean outerGroup) {
        int[] base = new int[nMaps];
        Arrays.fill(base, -1);
        for (int m = used.nextSetBit(0); m >= 0; m = used.nextSetBit(m + 1)) {
            Template.MapInfo mi = t.maps().get(m);
            int varies = outerGroup ? mi.outerVaries() : mi.reducedVaries();
            if (varies == 0) {
                base[m] = start[m];
                continue;
            }
            cb.iload(start[m]);
            for (int d = 0; d < digits.length; d++) {
                if ((varies >>> d & 1) != 0) {
                    cb.iload(digits[d]);
                    cb.iload(outerGroup ? outerStride[m][d] : reducedStride[m][d]);
                    cb.imul();
                    cb.iadd();
                }
            }
            base[m] = local();
            cb.istore(base[m]);
        }
        return base;
    }

    /** Locals of a position {@code pos} within rows of {@code inner}: its row, the row's first position, its column, and where the row's run stops. */
    private record RowCursor(int row, int rowStart, int i, int stop) {}

    /** Emits row = pos / W, i = pos - row * W, stop = min(W, hi - row * W) into new locals. */
    private RowCursor rowCursor(int pos, int inner, int hi) {
        int row = divide(pos, inner);
        int rowStart = multiply(row, inner);
        int i = local();
        cb.iload(pos);
        cb.iload(rowStart);
        cb.isub();
        cb.istore(i);
        int stop = local();
        cb.iload(inner);
        cb.iload(hi);
        cb.iload(rowStart);
        cb.isub();
        Asm.call(cb, Math.class, "min", int.class, int.class);
        cb.istore(stop);
        return new RowCursor(row, rowStart, i, stop);
    }
}
