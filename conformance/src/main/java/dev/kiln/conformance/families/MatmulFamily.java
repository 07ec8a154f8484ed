package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Family;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * matmul over odd and power-of-two sizes from 1 to 257 (where register tiles and tails break),
 * batch dimensions with broadcasting, 1-d operands, transposed operands, dot, outer and einsum; in
 * float32, float64 and int32. Floats are judged relative to {@code sum |a_ik b_kj|}.
 */
final class MatmulFamily implements Family {
    /** (m, k, n): odd sizes around tile widths, degenerate 1s, and a few large ones. */
    private static final int[][] SHAPES = {
        {1, 1, 1},
        {1, 7, 1},
        {2, 3, 4},
        {3, 2, 1},
        {7, 7, 7},
        {8, 8, 8},
        {13, 16, 31},
        {16, 16, 16},
        {31, 31, 31},
        {1, 64, 65},
        {65, 64, 1},
        {64, 65, 64},
        {127, 3, 129},
        {128, 128, 128},
        {129, 129, 129},
        {3, 257, 2},
        {31, 127, 65},
        {257, 16, 7},
        {7, 129, 257},
        {2, 128, 127},
        {16, 1, 16},
        {65, 65, 65},
        {1, 257, 257},
        {128, 31, 16}
    };

    @Override
    public String name() {
        return "matmul";
    }

    @Override
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            long flops = (long) s[0] * s[1] * s[2];
            for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32)) {
                if (t != DType.FLOAT32 && flops > 300_000) {
                    continue; // the big ones once, in float32, keep the suite fast
                }
                String caseName = s[0] + "x" + s[1] + " @ " + s[1] + "x" + s[2];
                out.add(new Case(name(), "matmul", t.jaxName(), caseName, () -> {
                    Gen g = new Gen("mm" + t + caseName);
                    HostBuffer a = g.random(t, domain(t), s[0], s[1]);
                    HostBuffer b = g.random(t, domain(t), s[1], s[2]);
                    check("matmul", HostLinalg.matmul(a, b), s[1], () -> Np.matmul(Host.array(a), Host.array(b)));
                }));
            }
        }
        for (int[] s : new int[][] {{7, 13, 5}, {64, 65, 31}, {129, 7, 128}}) {
            String caseName = "transposed operands " + s[0] + "x" + s[1] + "x" + s[2];
            out.add(new Case(name(), "matmul", "float32", caseName, () -> {
                Gen g = new Gen("mmt" + caseName);
                HostBuffer a = g.random(DType.FLOAT32, Gen.UNIT, s[0], s[1]);
                HostBuffer b = g.random(DType.FLOAT32, Gen.UNIT, s[1], s[2]);
                check(
                        "matmul",
                        HostLinalg.matmul(a, b),
                        s[1],
                        () -> Np.matmul(Layout.nonContiguous(a), Layout.nonContiguous(b)));
            }));
        }
        int[][][] batched = {
            {{2, 3, 4}, {2, 4, 5}}, {{2, 1, 3, 4}, {5, 4, 2}}, {{4}, {4, 3}}, {{3, 4}, {4}}, {{4}, {4}},
            {{2, 3, 4}, {4}}, {{5}, {2, 5, 3}}, {{1, 7, 16}, {3, 16, 9}}, {{3, 17, 33}, {33, 8}}, {{0, 3, 4}, {4, 2}},
            {{3, 0}, {0, 4}}
        };
        for (int[][] s : batched) {
            for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32)) {
                String caseName = Layout.shape(s[0]) + " @ " + Layout.shape(s[1]);
                out.add(new Case(name(), "matmul", t.jaxName(), caseName, () -> {
                    Gen g = new Gen("mmb" + t + caseName);
                    HostBuffer a = g.random(t, domain(t), s[0]);
                    HostBuffer b = g.random(t, domain(t), s[1]);
                    int k = s[0][s[0].length - 1];
                    check("matmul", HostLinalg.matmul(a, b), k, () -> Np.matmul(Host.array(a), Host.array(b)));
                }));
            }
        }
        for (int[][] s :
                new int[][][] {{{5}, {5}}, {{3, 4}, {4, 2}}, {{3, 4}, {4}}, {{2, 3, 4}, {4, 5}}, {{2, 3, 4}, {5, 4, 6}}
                }) {
            String caseName = Layout.shape(s[0]) + " . " + Layout.shape(s[1]);
            out.add(new Case(name(), "dot", "float32", caseName, () -> {
                Gen g = new Gen("dot" + caseName);
                HostBuffer a = g.random(DType.FLOAT32, Gen.UNIT, s[0]);
                HostBuffer b = g.random(DType.FLOAT32, Gen.UNIT, s[1]);
                check("dot", HostLinalg.dot(a, b), s[0][s[0].length - 1], () -> Np.dot(Host.array(a), Host.array(b)));
            }));
        }
        for (int[][] s : new int[][][] {{{4}, {6}}, {{2, 3}, {5}}, {{1}, {129}}}) {
            String caseName = Layout.shape(s[0]) + " x " + Layout.shape(s[1]);
            for (DType t : List.of(DType.FLOAT32, DType.INT32)) {
                out.add(new Case(name(), "outer", t.jaxName(), caseName, () -> {
                    Gen g = new Gen("outer" + t + caseName);
                    HostBuffer a = g.random(t, domain(t), s[0]);
                    HostBuffer b = g.random(t, domain(t), s[1]);
                    check("outer", HostLinalg.outer(a, b), 1, () -> Np.outer(Host.array(a), Host.array(b)));
                }));
            }
        }
        Object[][] einsums = {
            {"ij,jk->ik", new int[][] {{3, 4}, {4, 5}}},
            {"ij,jk", new int[][] {{3, 4}, {4, 5}}},
            {"bij,bjk->bik", new int[][] {{2, 3, 4}, {2, 4, 5}}},
            {"ii->i", new int[][] {{4, 4}}},
            {"ii", new int[][] {{4, 4}}},
            {"ij->ji", new int[][] {{3, 5}}},
            {"ij->", new int[][] {{3, 5}}},
            {"i,i->", new int[][] {{7}, {7}}},
            {"i,j->ij", new int[][] {{3}, {4}}},
            {"ijk,ikl->jl", new int[][] {{2, 3, 4}, {2, 4, 5}}},
            {"ij,jk,kl->il", new int[][] {{2, 3}, {3, 4}, {4, 5}}},
            {"bhqd,bhkd->bhqk", new int[][] {{2, 2, 3, 4}, {2, 2, 5, 4}}},
            {"ij,ij->ij", new int[][] {{3, 4}, {3, 4}}},
            {"ijk->kji", new int[][] {{2, 3, 4}}},
            {"ab,cd->abcd", new int[][] {{2, 3}, {1, 2}}}
        };
        for (Object[] e : einsums) {
            String spec = (String) e[0];
            int[][] shapes = (int[][]) e[1];
            for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
                out.add(new Case(name(), "einsum", t.jaxName(), "\"" + spec + "\"", () -> {
                    Gen g = new Gen("einsum" + t + spec);
                    HostBuffer[] ops = new HostBuffer[shapes.length];
                    for (int i = 0; i < ops.length; i++) {
                        ops[i] = g.random(t, Gen.UNIT, shapes[i]);
                    }
                    int k = 1;
                    for (int[] sh : shapes) {
                        for (int d : sh) {
                            k = Math.max(k, d);
                        }
                    }
                    check("einsum", HostLinalg.einsum(spec, ops), (long) k * k, () -> {
                        Array[] arrays = new Array[ops.length];
                        for (int i = 0; i < ops.length; i++) {
                            arrays[i] = Host.array(ops[i]);
                        }
                        return Np.einsum(spec, arrays);
                    });
                }));
            }
        }
        return out;
    }

    private static Gen.Domain domain(DType t) {
        return t.isFloating() ? Gen.UNIT : Gen.Domain.uniform(-50, 50);
    }

    private static void check(String what, HostReduce.Result expected, long k, Supplier<Array> f) {
        Rule rule = Tolerance.contraction(expected.value().spec().dtype(), k);
        HostBuffer actual = Check.againstReference(what, rule, expected.scale(), f);
        Check.same(what + " vs Java", expected.value(), actual, rule, expected.scale());
    }
}
