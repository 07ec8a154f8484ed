package dev.kiln.vmap;

import static dev.kiln.vmap.Samples.assertSame;
import static dev.kiln.vmap.Samples.bools;
import static dev.kiln.vmap.Samples.floats;
import static dev.kiln.vmap.Samples.ints;
import static dev.kiln.vmap.Samples.member;
import static dev.kiln.vmap.Samples.positive;
import static dev.kiln.vmap.Samples.ref;
import static dev.kiln.vmap.Samples.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.internal.rules.BatchRules;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.vmap.Samples.Gen;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every batching rule, applied directly to concrete operands, against applying the primitive to
 * each batch member: for every operand, every batch position (and unmapped), in every
 * combination where at least one operand is mapped.
 */
class BatchRulesTest {
    static final int B = 3;

    record Op(String name, Primitive p, Params params, List<Gen> operands) {
        Op(Primitive p, Params params, Gen... operands) {
            this(p.printName(), p, params, List.of(operands));
        }

        Op named(String suffix) {
            return new Op(name + " " + suffix, p, params, operands);
        }
    }

    static final Set<Primitive> INTEGER_UNARY = EnumSet.of(Primitive.NOT);
    static final Set<Primitive> POSITIVE_UNARY =
            EnumSet.of(Primitive.LOG, Primitive.LOG1P, Primitive.SQRT, Primitive.RSQRT);
    static final Set<Primitive> UNIT_UNARY = EnumSet.of(Primitive.ASIN, Primitive.ACOS);
    static final Set<Primitive> INTEGER_BINARY = EnumSet.of(
            Primitive.AND,
            Primitive.OR,
            Primitive.XOR,
            Primitive.SHIFT_LEFT,
            Primitive.SHIFT_RIGHT_ARITHMETIC,
            Primitive.SHIFT_RIGHT_LOGICAL);

    static List<Op> ops() {
        List<Op> ops = new ArrayList<>();
        Params none = Params.NONE;
        for (Primitive p : Primitive.values()) {
            switch (p.kind()) {
                case UNARY -> {
                    Gen g = INTEGER_UNARY.contains(p)
                            ? ints(-50, 50, 2, 3)
                            : POSITIVE_UNARY.contains(p)
                                    ? positive(2, 3)
                                    : UNIT_UNARY.contains(p) ? uniform(-0.9, 0.9, 2, 3) : floats(2, 3);
                    ops.add(new Op(p, none, g));
                }
                case BINARY -> {
                    if (INTEGER_BINARY.contains(p)) {
                        ops.add(new Op(p, none, ints(-1000, 1000, 2, 3), ints(0, 40, 2, 3)));
                    } else if (p == Primitive.POW) {
                        ops.add(new Op(p, none, positive(2, 3), floats(2, 3)));
                    } else {
                        ops.add(new Op(p, none, floats(2, 3), floats(2, 3)));
                    }
                }
                case COMPARE -> ops.add(new Op(p, none, ints(0, 2, 2, 3), ints(0, 2, 2, 3)));
                default -> {}
            }
        }
        // Elementwise ops of 0-d operands, where the batched rank is 1.
        ops.add(new Op(Primitive.ADD, Params.NONE, floats(), floats()).named("0-d"));
        ops.add(new Op(Primitive.SELECT, Params.NONE, bools(2, 3), floats(2, 3), floats(2, 3)));
        ops.add(new Op(Primitive.SELECT, Params.NONE, bools(), ints(0, 9), ints(0, 9)).named("0-d"));
        ops.add(new Op(Primitive.CONVERT, new Params.Convert(DType.INT32), floats(2, 3)));
        ops.add(new Op(Primitive.CONVERT, new Params.Convert(DType.FLOAT64), bools(3)).named("bool"));

        for (Primitive p :
                List.of(Primitive.REDUCE_SUM, Primitive.REDUCE_PROD, Primitive.REDUCE_MAX, Primitive.REDUCE_MIN)) {
            ops.add(new Op(p, new Params.Reduce(new int[] {1}), floats(2, 3, 4)).named("axes=[1]"));
            ops.add(new Op(p, new Params.Reduce(new int[] {0, 2}), floats(2, 3, 4)).named("axes=[0,2]"));
        }
        ops.add(new Op(Primitive.REDUCE_SUM, new Params.Reduce(new int[] {0, 1}), ints(-5, 5, 2, 3)).named("all"));
        ops.add(new Op(Primitive.REDUCE_AND, new Params.Reduce(new int[] {0}), bools(3, 2)));
        ops.add(new Op(Primitive.REDUCE_OR, new Params.Reduce(new int[] {1}), bools(3, 2)));
        for (Primitive p : List.of(Primitive.ARGMAX, Primitive.ARGMIN)) {
            ops.add(new Op(p, new Params.ArgReduce(1, DType.INT32), ints(0, 3, 2, 4, 3)).named("axis=1"));
            ops.add(new Op(p, new Params.ArgReduce(0, DType.INT64), floats(4, 2)).named("axis=0"));
        }
        for (Primitive p : List.of(Primitive.CUMSUM, Primitive.CUMPROD, Primitive.CUMMAX, Primitive.CUMMIN)) {
            ops.add(new Op(p, new Params.Cumulative(1, false), floats(2, 4)).named("axis=1"));
            ops.add(new Op(p, new Params.Cumulative(0, true), floats(3, 2)).named("axis=0 reverse"));
        }

        ops.add(new Op(
                Primitive.BROADCAST_IN_DIM,
                new Params.BroadcastInDim(new int[] {2, 3, 4}, new int[] {1, 2}),
                floats(3, 1)));
        ops.add(new Op(
                        Primitive.BROADCAST_IN_DIM,
                        new Params.BroadcastInDim(new int[] {3, 2}, new int[] {0}),
                        floats(3))
                .named("to trailing"));
        ops.add(new Op(Primitive.BROADCAST_IN_DIM, new Params.BroadcastInDim(new int[] {2, 2}, new int[0]), floats())
                .named("0-d"));
        ops.add(new Op(Primitive.RESHAPE, new Params.Reshape(new int[] {3, 4}), floats(2, 3, 2)));
        ops.add(new Op(Primitive.RESHAPE, new Params.Reshape(new int[0]), floats(1, 1)).named("to 0-d"));
        ops.add(new Op(Primitive.TRANSPOSE, new Params.Transpose(new int[] {2, 0, 1}), floats(2, 3, 4)));
        ops.add(new Op(
                Primitive.SLICE, new Params.Slice(new int[] {1, 0}, new int[] {4, 6}, new int[] {2, 3}), floats(5, 6)));
        ops.add(new Op(
                Primitive.PAD,
                new Params.Pad(new int[] {1, -1}, new int[] {0, 2}, new int[] {1, 0}),
                floats(2, 3),
                floats()));
        ops.add(new Op(Primitive.PAD, new Params.Pad(new int[] {2}, new int[] {1}, new int[] {2}), bools(3), bools())
                .named("bool"));
        ops.add(new Op(Primitive.CONCATENATE, new Params.Axis(1), floats(2, 1), floats(2, 3), floats(2, 2)));
        ops.add(new Op(Primitive.CONCATENATE, new Params.Axis(0), ints(0, 9, 1, 2), ints(0, 9, 3, 2)).named("axis=0"));
        ops.add(new Op(Primitive.REV, new Params.Rev(new int[] {0, 2}), floats(2, 3, 4)));

        ops.add(new Op(Primitive.TAKE, new Params.Axis(1), floats(4, 5), ints(-2, 7, 2, 3)).named("axis=1"));
        ops.add(new Op(Primitive.TAKE, new Params.Axis(0), floats(4, 5), ints(-2, 6)).named("0-d index"));
        ops.add(new Op(Primitive.TAKE, new Params.Axis(2), floats(2, 3, 4), ints(DType.INT64, -2, 6, 2))
                .named("axis=2 int64"));
        // -1 read as uint32 is 2^32-1, far out of range: it must clamp to the last element.
        ops.add(new Op(Primitive.TAKE, new Params.Axis(0), ints(0, 99, 4), ints(DType.UINT32, -1, 5, 3))
                .named("uint32"));
        ops.add(new Op(Primitive.TAKE_ALONG_AXIS, new Params.Axis(1), floats(3, 4), ints(-1, 5, 3, 5)));
        ops.add(new Op(Primitive.TAKE_ALONG_AXIS, new Params.Axis(0), floats(4, 2), ints(0, 3, 1, 2)).named("axis=0"));
        for (Params.Scatter.Mode mode : Params.Scatter.Mode.values()) {
            ops.add(new Op(Primitive.SCATTER, new Params.Scatter(1, mode), floats(3, 5), ints(-1, 6, 4), floats(3, 4))
                    .named(mode.name()));
        }
        ops.add(new Op(
                        Primitive.SCATTER,
                        new Params.Scatter(0, Params.Scatter.Mode.ADD),
                        floats(4),
                        ints(0, 3),
                        floats())
                .named("0-d index"));
        ops.add(new Op(
                Primitive.DYNAMIC_SLICE,
                new Params.DynamicSlice(new int[] {2, 4}),
                floats(5, 6),
                ints(-3, 8),
                ints(-3, 8)));
        ops.add(new Op(
                        Primitive.DYNAMIC_SLICE,
                        new Params.DynamicSlice(new int[] {3}),
                        floats(3),
                        ints(DType.INT64, -1, 1))
                .named("whole window"));
        ops.add(new Op(
                        Primitive.DYNAMIC_SLICE,
                        new Params.DynamicSlice(new int[] {1, 2}),
                        ints(0, 99, 3, 4),
                        ints(DType.UINT32, -1, 4),
                        ints(DType.UINT32, 0, 3))
                .named("uint32"));
        ops.add(new Op(Primitive.DYNAMIC_SLICE, new Params.DynamicSlice(new int[0]), floats()).named("0-d"));
        ops.add(new Op(
                Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, floats(5, 6), floats(2, 3), ints(-3, 8), ints(-3, 8)));
        ops.add(new Op(Primitive.DYNAMIC_UPDATE_SLICE, Params.NONE, floats(4), floats(0), ints(-3, 8))
                .named("empty update"));
        ops.add(new Op(
                        Primitive.DYNAMIC_UPDATE_SLICE,
                        Params.NONE,
                        bools(4, 3),
                        bools(4, 1),
                        ints(DType.INT64, -1, 1),
                        ints(DType.INT64, 0, 4))
                .named("bool int64"));

        ops.add(new Op(
                        Primitive.DOT_GENERAL,
                        new Params.DotGeneral(new int[] {2}, new int[] {1}, new int[] {0}, new int[] {0}),
                        floats(2, 3, 4),
                        floats(2, 4, 5))
                .named("batched matmul"));
        ops.add(new Op(
                        Primitive.DOT_GENERAL,
                        new Params.DotGeneral(new int[] {1}, new int[] {0}, new int[0], new int[0]),
                        floats(3, 4),
                        floats(4, 2))
                .named("matmul"));
        ops.add(new Op(
                        Primitive.DOT_GENERAL,
                        new Params.DotGeneral(new int[] {0}, new int[] {1}, new int[0], new int[0]),
                        floats(4, 3),
                        floats(2, 4))
                .named("contract leading"));
        ops.add(new Op(
                        Primitive.DOT_GENERAL,
                        new Params.DotGeneral(new int[] {1}, new int[] {2}, new int[] {2}, new int[] {0}),
                        floats(2, 3, 4),
                        floats(4, 5, 3))
                .named("batch last"));
        ops.add(new Op(
                        Primitive.DOT_GENERAL,
                        new Params.DotGeneral(new int[0], new int[0], new int[0], new int[0]),
                        floats(2),
                        floats(3))
                .named("outer"));

        // convolutions: a mapped input alone folds into the input's batch dimension, wherever the
        // layouts put it; a mapped kernel maps the decomposition
        ops.add(new Op(
                        Primitive.CONV_GENERAL_DILATED,
                        conv(
                                new int[] {1, 1},
                                new int[] {1, 0},
                                new int[] {0, 1},
                                new int[] {1, 1},
                                new int[] {1, 1},
                                new int[] {0, 1, 2, 3},
                                new int[] {0, 1, 2, 3},
                                new int[] {0, 1, 2, 3},
                                1,
                                1),
                        floats(2, 3, 5, 4),
                        floats(4, 3, 2, 2))
                .named("conv NCHW"));
        ops.add(new Op(
                        Primitive.CONV_GENERAL_DILATED,
                        conv(
                                new int[] {2},
                                new int[] {1},
                                new int[] {2},
                                new int[] {2},
                                new int[] {1},
                                new int[] {0, 2, 1},
                                new int[] {2, 1, 0},
                                new int[] {2, 0, 1},
                                1,
                                1),
                        floats(2, 5, 2),
                        floats(3, 2, 3))
                .named("conv NWC strided dilated"));
        ops.add(new Op(
                        Primitive.CONV_GENERAL_DILATED,
                        conv(
                                new int[] {1},
                                new int[] {0},
                                new int[] {0},
                                new int[] {1},
                                new int[] {2},
                                new int[] {0, 1, 2},
                                new int[] {0, 1, 2},
                                new int[] {0, 1, 2},
                                2,
                                1),
                        floats(2, 4, 5),
                        floats(6, 2, 2))
                .named("conv feature groups"));
        ops.add(new Op(
                        Primitive.CONV_GENERAL_DILATED,
                        conv(
                                new int[] {1},
                                new int[] {1},
                                new int[] {1},
                                new int[] {1},
                                new int[] {1},
                                new int[] {0, 1, 2},
                                new int[] {0, 1, 2},
                                new int[] {0, 1, 2},
                                1,
                                2),
                        floats(4, 2, 5),
                        floats(4, 2, 3))
                .named("conv batch groups"));
        return ops;
    }

    private static Params.Conv conv(
            int[] strides,
            int[] lo,
            int[] hi,
            int[] lhsDilation,
            int[] rhsDilation,
            int[] lhs,
            int[] rhs,
            int[] out,
            int featureGroups,
            int batchGroups) {
        return new Params.Conv(
                dev.kiln.ir.Ints.of(strides),
                dev.kiln.ir.Ints.of(lo),
                dev.kiln.ir.Ints.of(hi),
                dev.kiln.ir.Ints.of(lhsDilation),
                dev.kiln.ir.Ints.of(rhsDilation),
                dev.kiln.ir.Ints.of(lhs),
                dev.kiln.ir.Ints.of(rhs),
                dev.kiln.ir.Ints.of(out),
                featureGroups,
                batchGroups);
    }

    /** Every assignment of a batch position (or -1) to every operand, with at least one mapped. */
    static List<int[]> dimPatterns(int[] ranks) {
        List<int[]> out = new ArrayList<>();
        int[] dims = new int[ranks.length];
        Arrays.fill(dims, -1);
        while (true) {
            if (Arrays.stream(dims).anyMatch(d -> d >= 0)) {
                out.add(dims.clone());
            }
            int i = 0;
            while (i < dims.length && dims[i] == ranks[i]) {
                dims[i] = -1;
                i++;
            }
            if (i == dims.length) {
                return out;
            }
            dims[i]++;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRuleMatchesPerMemberApplication() {
        return ops().stream().flatMap(op -> {
            int[] ranks = ref(() -> op.operands().stream()
                    .mapToInt(g -> g.make(new Random(0)).ndim())
                    .toArray());
            return dimPatterns(ranks).stream().flatMap(dims -> Stream.of(B, 1)
                    .map(size -> DynamicTest.dynamicTest(
                            op.name() + " dims=" + Arrays.toString(dims) + " size=" + size,
                            () -> check(op, dims, size))));
        });
    }

    static void check(Op op, int[] dims, int size) {
        ref(() -> {
            Random r = new Random(op.name().hashCode() * 31L + Arrays.hashCode(dims) + size);
            int n = op.operands().size();
            Array[][] members = new Array[n][size];
            List<Array> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (dims[i] < 0) {
                    Array shared = op.operands().get(i).make(r);
                    Arrays.fill(members[i], shared);
                    values.add(shared);
                } else {
                    for (int b = 0; b < size; b++) {
                        members[i][b] = op.operands().get(i).make(r);
                    }
                    values.add(Np.stack(members[i], dims[i]));
                }
            }
            BatchRules.Batched out = BatchRules.batch(op.p(), op.params(), values, dims, size);
            if (out.batchDim() >= 0) {
                assertEquals(size, out.value().shape(out.batchDim()), "length of the batch dimension");
            }
            for (int b = 0; b < size; b++) {
                Array[] args = new Array[n];
                for (int i = 0; i < n; i++) {
                    args[i] = members[i][b];
                }
                Array expected = Lax.bind(op.p(), op.params(), args);
                Array actual = out.batchDim() < 0 ? out.value() : member(out.value(), out.batchDim(), b);
                assertSame(
                        expected,
                        actual,
                        op.name() + " dims=" + Arrays.toString(dims) + " size=" + size + " member " + b);
            }
            return null;
        });
    }

    @Test
    void everyPrimitiveWithOperandsHasACase() {
        Set<Primitive> covered =
                ops().stream().map(Op::p).collect(Collectors.toCollection(() -> EnumSet.noneOf(Primitive.class)));
        Set<Primitive> missing = EnumSet.complementOf(EnumSet.copyOf(covered));
        // Control flow has several outputs and is batched by BatchTrace.processAll, not by BatchRules.
        missing.removeIf(p -> p.kind() == Primitive.Kind.CONTROL);
        // Collectives are batched by CollectiveBatching with the trace's axis name (family 'parallel').
        missing.removeIf(p -> p.kind() == Primitive.Kind.COLLECTIVE);
        assertEquals(EnumSet.of(Primitive.IOTA), missing, "primitives without a batching case");
    }

    @Test
    void iotaNeverReachesItsRuleAndSaysSo() {
        KilnException e = assertThrows(
                KilnException.class,
                () -> BatchRules.batch(
                        Primitive.IOTA, new Params.Iota(DType.INT32, new int[] {3}, 0), List.of(), new int[0], 2));
        assertTrue(e.getMessage().contains("iota"), e.getMessage());
    }

    @Test
    void oneMappedOperandOfDotGeneralNeedsNoTranspose() {
        ref(() -> {
            Array lhs = Np.stack(new Array[] {Np.ones(DType.FLOAT64, 3, 4), Np.zeros(DType.FLOAT64, 3, 4)}, 2);
            Array rhs = Np.ones(DType.FLOAT64, 4, 5);
            Params.DotGeneral mm = new Params.DotGeneral(new int[] {1}, new int[] {0}, new int[0], new int[0]);
            BatchRules.Batched out =
                    BatchRules.batch(Primitive.DOT_GENERAL, mm, List.of(lhs, rhs), new int[] {2, -1}, 2);
            // lhs (3, 4, B): the batch is lhs's second free dimension, so output (3, B, 5).
            assertEquals(1, out.batchDim());
            assertEquals(
                    List.of(3, 2, 5), Arrays.stream(out.value().shape()).boxed().toList());
            return null;
        });
    }
}
