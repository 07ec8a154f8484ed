package dev.kiln.cpu.codegen;

import dev.kiln.DType;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.FusedKernel.Node;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.TypeKind;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The first layer of {@link KernelEmitter}: the vector computation of one expression node, on
 * values already held in local variables (one per node), and the accumulator steps of reductions.
 * Every species and operator is read from a static final field, so C2 sees constants. Float
 * values are {@link FloatVector}s and {@link DoubleVector}s of one lane count; bool values are
 * {@link VectorMask}s of either species, cast where one meets the other.
 */
abstract class VectorOps {
    final Lanes lanes;
    /** Lanes per vector. */
    final int vl;

    final List<Node> nodes;
    /** For each bool node, whether its mask has the double species (else the float one). */
    final boolean[] maskDouble;

    /** The method being written. */
    CodeBuilder cb;
    /** Per node: the local holding its value in the method being written, or -1. */
    int[] slot;

    VectorOps(Lanes lanes, List<Node> nodes) {
        this.lanes = lanes;
        this.vl = lanes.length();
        this.nodes = nodes;
        this.maskDouble = maskSpecies();
    }

    boolean[] maskSpecies() {
        boolean[] d = new boolean[nodes.size()];
        boolean byDefault = lanes == Lanes.DOUBLE;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.dtype() != DType.BOOL) {
                continue;
            }
            d[i] = switch (n) {
                case Node.Op op ->
                    switch (op.op().kind()) {
                        case COMPARE, CONVERT, UNARY, BINARY -> {
                            Node a = nodes.get(op.arg(0));
                            yield a.dtype() == DType.BOOL
                                    ? d[op.arg(0)]
                                    : a.dtype() == DType.INT32 ? byDefault : a.dtype() == DType.FLOAT64;
                        }
                        case SELECT -> d[op.arg(1)];
                        default -> byDefault;
                    };
                default -> byDefault;
            };
        }
        return d;
    }

    int local() {
        return cb.allocateLocal(TypeKind.INT);
    }

    int local(TypeKind k) {
        return cb.allocateLocal(k);
    }

    int slotOf(int n) {
        if (slot[n] < 0) {
            slot[n] = local(TypeKind.REFERENCE);
        }
        return slot[n];
    }

    // ------------------------------------------------------------------ ops

    void op(Node.Op op, int n) {
        Primitive p = op.op();
        DType arg = nodes.get(op.arg(0)).dtype();
        boolean d = arg == DType.FLOAT64;
        Class<?> vc = vectorClass(arg);
        int x = op.arg(0);
        switch (p.kind()) {
            case UNARY -> unary(p, arg, x, vc, d);
            case BINARY -> binary(p, arg, x, op.arg(1), vc, d);
            case COMPARE -> {
                if (arg == DType.BOOL) {
                    boolCompare(p, x, op.arg(1));
                } else if (arg == DType.INT32) {
                    // int lanes compare as ints; the mask then joins the float (or double) masks
                    cb.aload(slotOf(x));
                    Asm.getStatic(cb, VectorOperators.class, p.name());
                    cb.aload(slotOf(op.arg(1)));
                    Asm.call(cb, IntVector.class, "compare", VectorOperators.Comparison.class, Vector.class);
                    species(maskDouble[n]);
                    Asm.call(cb, VectorMask.class, "cast", VectorSpecies.class);
                } else {
                    cb.aload(slotOf(x));
                    Asm.getStatic(cb, VectorOperators.class, p.name());
                    cb.aload(slotOf(op.arg(1)));
                    Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, Vector.class);
                }
            }
            case SELECT -> {
                int pred = op.arg(0);
                int onTrue = op.arg(1);
                int onFalse = op.arg(2);
                DType rt = op.dtype();
                if (rt == DType.BOOL) {
                    boolean md = maskDouble[n];
                    value(onTrue, md);
                    value(pred, md);
                    Asm.call(cb, VectorMask.class, "and", VectorMask.class);
                    value(onFalse, md);
                    value(pred, md);
                    Asm.call(cb, VectorMask.class, "andNot", VectorMask.class);
                    Asm.call(cb, VectorMask.class, "or", VectorMask.class);
                } else {
                    cb.aload(slotOf(onFalse));
                    cb.aload(slotOf(onTrue));
                    value(pred, rt == DType.FLOAT64);
                    Asm.call(cb, vectorClass(rt), "blend", Vector.class, VectorMask.class);
                }
            }
            case CONVERT -> convert(arg, ((Params.Convert) op.params()).to(), x, n);
            default -> throw new IllegalStateException(p + " cannot be generated");
        }
    }

    /** Comparisons of bools, with false < true. */
    void boolCompare(Primitive p, int a, int b) {
        boolean md = maskDouble[a];
        switch (p) {
            case EQ, NE -> {
                value(a, md);
                value(b, md);
                Asm.call(cb, VectorMask.class, p == Primitive.EQ ? "eq" : "xor", VectorMask.class);
            }
            case LT, GE -> {
                // a < b is b and not a; a >= b is its negation
                value(b, md);
                value(a, md);
                Asm.call(cb, VectorMask.class, "andNot", VectorMask.class);
                if (p == Primitive.GE) {
                    Asm.call(cb, VectorMask.class, "not");
                }
            }
            default -> {
                // a > b is a and not b; a <= b is its negation
                value(a, md);
                value(b, md);
                Asm.call(cb, VectorMask.class, "andNot", VectorMask.class);
                if (p == Primitive.LE) {
                    Asm.call(cb, VectorMask.class, "not");
                }
            }
        }
    }

    /** Pushes node {@code n}'s value; a bool value as a mask of the wanted species. */
    void value(int n, boolean wantDouble) {
        cb.aload(slotOf(n));
        if (nodes.get(n).dtype() == DType.BOOL && maskDouble[n] != wantDouble) {
            species(wantDouble);
            Asm.call(cb, VectorMask.class, "cast", VectorSpecies.class);
        }
    }

    void unary(Primitive p, DType arg, int x, Class<?> vc, boolean d) {
        if (arg == DType.BOOL) {
            cb.aload(slotOf(x));
            Asm.call(cb, VectorMask.class, "not");
            return;
        }
        switch (p) {
            case NEG, ABS, SQRT -> {
                cb.aload(slotOf(x));
                Asm.call(cb, vc, p.name().toLowerCase(java.util.Locale.ROOT));
            }
            case EXP, LOG, LOG1P, EXPM1, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, CBRT -> {
                cb.aload(slotOf(x));
                Asm.getStatic(cb, VectorOperators.class, p.name());
                Asm.call(cb, FixedLanes.class, "lanewise", vc, VectorOperators.Unary.class);
            }
            case EXP2 -> {
                broadcast(d, 2);
                Asm.getStatic(cb, VectorOperators.class, "POW");
                cb.aload(slotOf(x));
                Asm.call(cb, FixedLanes.class, "lanewise", vc, VectorOperators.Binary.class, Vector.class);
            }
            case RSQRT -> {
                broadcast(d, 1);
                cb.aload(slotOf(x));
                Asm.call(cb, vc, "sqrt");
                Asm.call(cb, vc, "div", Vector.class);
            }
            case LOGISTIC -> {
                // exp(-|x|) never overflows, so tiny results for very negative x stay exact (as FloatKernels)
                int e = local(TypeKind.REFERENCE);
                int r = local(TypeKind.REFERENCE);
                cb.aload(slotOf(x));
                Asm.call(cb, vc, "abs");
                Asm.call(cb, vc, "neg");
                Asm.getStatic(cb, VectorOperators.class, "EXP");
                Asm.call(cb, FixedLanes.class, "lanewise", vc, VectorOperators.Unary.class);
                cb.astore(e);
                broadcast(d, 1);
                broadcast(d, 1);
                cb.aload(e);
                Asm.call(cb, vc, "add", Vector.class);
                Asm.call(cb, vc, "div", Vector.class);
                cb.astore(r);
                cb.aload(r);
                cb.aload(e);
                cb.aload(r);
                Asm.call(cb, vc, "mul", Vector.class);
                cb.aload(slotOf(x));
                Asm.getStatic(cb, VectorOperators.class, "LT");
                scalar(d, 0);
                Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, d ? double.class : float.class);
                Asm.call(cb, vc, "blend", Vector.class, VectorMask.class);
            }
            case SIGN -> {
                // ±1 where x is non-zero, else x itself (keeps ±0 and NaN)
                Class<?> ec = d ? double.class : float.class;
                cb.aload(slotOf(x));
                broadcast(d, 1);
                cb.aload(slotOf(x));
                Asm.getStatic(cb, VectorOperators.class, "GT");
                scalar(d, 0);
                Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, ec);
                Asm.call(cb, vc, "blend", Vector.class, VectorMask.class);
                broadcast(d, -1);
                cb.aload(slotOf(x));
                Asm.getStatic(cb, VectorOperators.class, "LT");
                scalar(d, 0);
                Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, ec);
                Asm.call(cb, vc, "blend", Vector.class, VectorMask.class);
            }
            case ROUND, FLOOR, CEIL -> rounding(p, x, vc, d);
            case IS_FINITE -> {
                cb.aload(slotOf(x));
                Asm.getStatic(cb, VectorOperators.class, "IS_FINITE");
                Asm.call(cb, vc, "test", VectorOperators.Test.class);
            }
            default -> throw new IllegalStateException(p + " cannot be generated");
        }
    }

    /**
     * Exact rint, floor and ceil without a vector rounding instruction. For 0 < |x| < 2^p (p = 23
     * or 52), {@code (|x| + 2^p) - 2^p} is |x| rounded to an integer, half to even, with the sign
     * put back; other values (zeros, large values, infinities, NaN) are integers or NaN already.
     * floor steps down from rint by one where rint went up; ceil(x) is -floor(-x), which keeps the
     * sign of a zero result (ceil(-0.7) is -0).
     */
    void rounding(Primitive p, int x, Class<?> vc, boolean d) {
        int src = slotOf(x);
        if (p == Primitive.CEIL) {
            int negated = local(TypeKind.REFERENCE);
            cb.aload(src);
            Asm.call(cb, vc, "neg");
            cb.astore(negated);
            src = negated;
        }
        Class<?> ec = d ? double.class : float.class;
        double big = d ? 0x1p52 : 0x1p23;
        int a = local(TypeKind.REFERENCE);
        int r = local(TypeKind.REFERENCE);
        cb.aload(src);
        Asm.call(cb, vc, "abs");
        cb.astore(a);
        cb.aload(a);
        broadcast(d, big);
        Asm.call(cb, vc, "add", Vector.class);
        broadcast(d, big);
        Asm.call(cb, vc, "sub", Vector.class);
        cb.astore(r);
        cb.aload(r);
        cb.aload(r);
        Asm.call(cb, vc, "neg");
        cb.aload(src);
        Asm.getStatic(cb, VectorOperators.class, "LT");
        scalar(d, 0);
        Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, ec);
        Asm.call(cb, vc, "blend", Vector.class, VectorMask.class);
        cb.astore(r);
        // r = x where x is already an integer or NaN
        cb.aload(src);
        cb.aload(r);
        cb.aload(a);
        Asm.getStatic(cb, VectorOperators.class, "LT");
        scalar(d, big);
        Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, ec);
        cb.aload(a);
        Asm.getStatic(cb, VectorOperators.class, "GT");
        scalar(d, 0);
        Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, ec);
        Asm.call(cb, VectorMask.class, "and", VectorMask.class);
        Asm.call(cb, vc, "blend", Vector.class, VectorMask.class);
        if (p == Primitive.ROUND) {
            return;
        }
        cb.astore(r);
        cb.aload(r);
        cb.aload(r);
        broadcast(d, 1);
        Asm.call(cb, vc, "sub", Vector.class);
        cb.aload(r);
        Asm.getStatic(cb, VectorOperators.class, "GT");
        cb.aload(src);
        Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, Vector.class);
        Asm.call(cb, vc, "blend", Vector.class, VectorMask.class);
        if (p == Primitive.CEIL) {
            Asm.call(cb, vc, "neg");
        }
    }

    void binary(Primitive p, DType arg, int a, int b, Class<?> vc, boolean d) {
        if (arg == DType.BOOL) {
            boolean md = maskDouble[a];
            value(a, md);
            value(b, md);
            Asm.call(cb, VectorMask.class, p.name().toLowerCase(java.util.Locale.ROOT), VectorMask.class);
            return;
        }
        switch (p) {
            case ADD, SUB, MUL, DIV, MAX, MIN -> {
                cb.aload(slotOf(a));
                cb.aload(slotOf(b));
                Asm.call(cb, vc, p.name().toLowerCase(java.util.Locale.ROOT), Vector.class);
            }
            case ATAN2 -> {
                cb.aload(slotOf(a));
                Asm.getStatic(cb, VectorOperators.class, "ATAN2");
                cb.aload(slotOf(b));
                Asm.call(cb, FixedLanes.class, "lanewise", vc, VectorOperators.Binary.class, Vector.class);
            }
            case POW -> {
                // C99 pow(1, y) = 1 and pow(-1, ±inf) = 1 whatever the JIT state (as FloatKernels)
                Class<?> ec = d ? double.class : float.class;
                int exact = local(TypeKind.REFERENCE);
                cb.aload(slotOf(a));
                Asm.getStatic(cb, VectorOperators.class, "EQ");
                scalar(d, 1);
                Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, ec);
                cb.aload(slotOf(a));
                Asm.getStatic(cb, VectorOperators.class, "EQ");
                scalar(d, -1);
                Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, ec);
                cb.aload(slotOf(b));
                Asm.call(cb, vc, "abs");
                Asm.getStatic(cb, VectorOperators.class, "EQ");
                scalar(d, Double.POSITIVE_INFINITY);
                Asm.call(cb, vc, "compare", VectorOperators.Comparison.class, ec);
                Asm.call(cb, VectorMask.class, "and", VectorMask.class);
                Asm.call(cb, VectorMask.class, "or", VectorMask.class);
                cb.astore(exact);
                cb.aload(slotOf(a));
                Asm.getStatic(cb, VectorOperators.class, "POW");
                cb.aload(slotOf(b));
                Asm.call(cb, FixedLanes.class, "lanewise", vc, VectorOperators.Binary.class, Vector.class);
                broadcast(d, 1);
                cb.aload(exact);
                Asm.call(cb, vc, "blend", Vector.class, VectorMask.class);
            }
            default -> throw new IllegalStateException(p + " cannot be generated");
        }
    }

    void convert(DType from, DType to, int x, int n) {
        if (from == to) {
            cb.aload(slotOf(x));
            return;
        }
        if (to == DType.BOOL && from == DType.INT32) {
            cb.aload(slotOf(x));
            Asm.getStatic(cb, VectorOperators.class, "NE");
            cb.iconst_0();
            Asm.call(cb, IntVector.class, "compare", VectorOperators.Comparison.class, int.class);
            species(maskDouble[n]);
            Asm.call(cb, VectorMask.class, "cast", VectorSpecies.class);
            return;
        }
        if (to == DType.BOOL) {
            // x != 0, so NaN is true (as CONVERT)
            boolean d = from == DType.FLOAT64;
            cb.aload(slotOf(x));
            Asm.getStatic(cb, VectorOperators.class, "NE");
            scalar(d, 0);
            Asm.call(
                    cb, vectorClass(from), "compare", VectorOperators.Comparison.class, d ? double.class : float.class);
            return;
        }
        boolean d = to == DType.FLOAT64;
        if (from == DType.INT32) {
            cb.aload(slotOf(x));
            Asm.getStatic(cb, VectorOperators.class, d ? "I2D" : "I2F");
            species(d);
            cb.iconst_0();
            Asm.call(
                    cb,
                    IntVector.class,
                    "convertShape",
                    VectorOperators.Conversion.class,
                    VectorSpecies.class,
                    int.class);
            cb.checkcast(Asm.desc(vectorClass(to)));
            return;
        }
        if (from == DType.BOOL) {
            broadcast(d, 0);
            broadcast(d, 1);
            value(x, d);
            Asm.call(cb, vectorClass(to), "blend", Vector.class, VectorMask.class);
            return;
        }
        cb.aload(slotOf(x));
        Asm.getStatic(cb, VectorOperators.class, d ? "F2D" : "D2F");
        species(d);
        cb.iconst_0();
        Asm.call(
                cb,
                vectorClass(from),
                "convertShape",
                VectorOperators.Conversion.class,
                VectorSpecies.class,
                int.class);
        cb.checkcast(Asm.desc(vectorClass(to)));
    }

    // ------------------------------------------------------------------ reductions

    static String operator(Primitive reducer) {
        return switch (reducer) {
            case REDUCE_SUM -> "ADD";
            case REDUCE_MAX -> "MAX";
            case REDUCE_MIN -> "MIN";
            default -> throw new IllegalStateException(reducer + " cannot be generated");
        };
    }

    /** A new local holding the reducer's identity, broadcast. */
    int identity(int reduceNode) {
        int l = local(TypeKind.REFERENCE);
        identityInto(reduceNode, l);
        return l;
    }

    void identityInto(int reduceNode, int local) {
        Node.Reduce r = (Node.Reduce) nodes.get(reduceNode);
        broadcast(r.dtype() == DType.FLOAT64, identityValue(r));
        cb.astore(local);
    }

    /** The reducer's identity: 0 for sums, -inf for max, +inf for min. */
    static double identityValue(Node.Reduce r) {
        return switch (r.reducer()) {
            case REDUCE_SUM -> 0;
            case REDUCE_MAX -> Double.NEGATIVE_INFINITY;
            default -> Double.POSITIVE_INFINITY;
        };
    }

    /** {@code acc = acc ⊕ value}, only in the lanes of {@code mask} when it is a local (not -1). */
    void fold(Node.Reduce red, int acc, int value, int mask) {
        Class<?> vc = vectorClass(red.dtype());
        cb.aload(acc);
        if (red.reducer() == Primitive.REDUCE_SUM) {
            cb.aload(value);
            if (mask >= 0) {
                cb.aload(mask);
                Asm.call(cb, vc, "add", Vector.class, VectorMask.class);
            } else {
                Asm.call(cb, vc, "add", Vector.class);
            }
        } else if (mask < 0) {
            cb.aload(value);
            Asm.call(cb, vc, red.reducer() == Primitive.REDUCE_MAX ? "max" : "min", Vector.class);
        } else {
            Asm.getStatic(cb, VectorOperators.class, operator(red.reducer()));
            cb.aload(value);
            cb.aload(mask);
            Asm.call(cb, vc, "lanewise", VectorOperators.Binary.class, Vector.class, VectorMask.class);
        }
        cb.astore(acc);
    }

    // ------------------------------------------------------------------ constants and types

    void species(boolean dbl) {
        if (dbl) {
            Asm.getStatic(cb, DoubleVector.class, lanes.doubleField());
        } else {
            Asm.getStatic(cb, FloatVector.class, lanes.floatField());
        }
    }

    void scalar(boolean dbl, double v) {
        if (dbl) {
            cb.loadConstant(v);
        } else {
            cb.loadConstant((float) v);
        }
    }

    void broadcast(boolean dbl, double v) {
        species(dbl);
        scalar(dbl, v);
        if (dbl) {
            Asm.call(cb, DoubleVector.class, "broadcast", VectorSpecies.class, double.class);
        } else {
            Asm.call(cb, FloatVector.class, "broadcast", VectorSpecies.class, float.class);
        }
    }

    static Class<?> vectorClass(DType t) {
        return switch (t) {
            case FLOAT32 -> FloatVector.class;
            case FLOAT64 -> DoubleVector.class;
            case BOOL -> VectorMask.class;
            case INT32 -> IntVector.class;
            default -> throw new IllegalStateException(t + " has no vector class");
        };
    }

    static Class<?> arrayClass(DType t) {
        return switch (t) {
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case INT32 -> int[].class;
            default -> throw new IllegalStateException(t + " has no array class here");
        };
    }
}
