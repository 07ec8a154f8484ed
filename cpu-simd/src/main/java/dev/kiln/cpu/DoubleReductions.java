package dev.kiln.cpu;

import dev.kiln.cpu.codegen.FixedLanes;
import dev.kiln.ir.Primitive;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float64 sum, product, max and min over the middle axis of an [outer, r, inner] view: {@link
 * FloatReductions} on doubles, with the same blocking (so results do not depend on the thread
 * count).
 */
final class DoubleReductions {
    private DoubleReductions() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Elements per partial sum (the unit of parallel work). */
    static final int BLOCK = 4096;

    /** Rows of a column reduction summed into a running row before it is added to the total. */
    private static final int ROW_BLOCK = 64;

    /** Columns handled by one unit of column-reduction work. */
    private static final int COLS = 1024;

    static void rows(Primitive p, double[] x, int outer, int r, double[] out) {
        if (outer == 1 && Parallel.splits(r, Parallel.ELEMENTWISE_GRAIN)) {
            out[0] = splitRow(p, x, r);
            return;
        }
        int grain = Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(r, 1));
        Parallel.forRange(outer, grain, 1, (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                out[o] = row(p, x, o * r, r);
            }
        });
    }

    private static double row(Primitive p, double[] x, int off, int r) {
        return switch (p) {
            case REDUCE_SUM -> {
                double s = 0;
                for (int b = 0; b < r; b += BLOCK) {
                    s += sum(x, off + b, off + Math.min(r, b + BLOCK));
                }
                yield s;
            }
            case REDUCE_PROD -> prod(x, off, off + r);
            case REDUCE_MAX -> max(x, off, off + r);
            case REDUCE_MIN -> min(x, off, off + r);
            default -> throw new IllegalArgumentException(p + " is not a float64 reduction");
        };
    }

    /** One long row split into blocks across threads; partials are combined in block order. */
    private static double splitRow(Primitive p, double[] x, int r) {
        int blocks = (r + BLOCK - 1) / BLOCK;
        double[] partial = new double[blocks];
        Parallel.forRange(r, Parallel.ELEMENTWISE_GRAIN, BLOCK, (lo, hi) -> {
            for (int b = lo; b < hi; b += BLOCK) {
                int e = Math.min(hi, b + BLOCK);
                partial[b / BLOCK] = switch (p) {
                    case REDUCE_SUM -> sum(x, b, e);
                    case REDUCE_PROD -> prod(x, b, e);
                    case REDUCE_MAX -> max(x, b, e);
                    case REDUCE_MIN -> min(x, b, e);
                    default -> throw new IllegalArgumentException(p + " is not a float64 reduction");
                };
            }
        });
        double acc = partial[0];
        for (int b = 1; b < blocks; b++) {
            acc = switch (p) {
                case REDUCE_SUM -> acc + partial[b];
                case REDUCE_PROD -> acc * partial[b];
                case REDUCE_MAX -> Math.max(acc, partial[b]);
                default -> Math.min(acc, partial[b]);
            };
        }
        return acc;
    }

    static double sum(double[] x, int lo, int hi) {
        DoubleVector s0 = DoubleVector.zero(S);
        DoubleVector s1 = DoubleVector.zero(S);
        DoubleVector s2 = DoubleVector.zero(S);
        DoubleVector s3 = DoubleVector.zero(S);
        int i = lo;
        for (; i + 4 * L <= hi; i += 4 * L) {
            s0 = s0.add(DoubleVector.fromArray(S, x, i));
            s1 = s1.add(DoubleVector.fromArray(S, x, i + L));
            s2 = s2.add(DoubleVector.fromArray(S, x, i + 2 * L));
            s3 = s3.add(DoubleVector.fromArray(S, x, i + 3 * L));
        }
        for (; i + L <= hi; i += L) {
            s0 = s0.add(DoubleVector.fromArray(S, x, i));
        }
        double s = FixedLanes.reduce(s0.add(s1).add(s2.add(s3)), VectorOperators.ADD);
        for (; i < hi; i++) {
            s += x[i];
        }
        return s;
    }

    private static double prod(double[] x, int lo, int hi) {
        double p0 = 1;
        double p1 = 1;
        double p2 = 1;
        double p3 = 1;
        int i = lo;
        for (; i + 4 <= hi; i += 4) {
            p0 *= x[i];
            p1 *= x[i + 1];
            p2 *= x[i + 2];
            p3 *= x[i + 3];
        }
        for (; i < hi; i++) {
            p0 *= x[i];
        }
        return (p0 * p1) * (p2 * p3);
    }

    static double max(double[] x, int lo, int hi) {
        DoubleVector m0 = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
        DoubleVector m1 = m0;
        DoubleVector m2 = m0;
        DoubleVector m3 = m0;
        int i = lo;
        for (; i + 4 * L <= hi; i += 4 * L) {
            m0 = m0.max(DoubleVector.fromArray(S, x, i));
            m1 = m1.max(DoubleVector.fromArray(S, x, i + L));
            m2 = m2.max(DoubleVector.fromArray(S, x, i + 2 * L));
            m3 = m3.max(DoubleVector.fromArray(S, x, i + 3 * L));
        }
        for (; i + L <= hi; i += L) {
            m0 = m0.max(DoubleVector.fromArray(S, x, i));
        }
        DoubleVector m = m0.max(m1).max(m2.max(m3));
        // lanewise max propagates NaN; say so explicitly rather than trust the cross-lane reduction's order
        double r = m.test(VectorOperators.IS_NAN).anyTrue() ? Double.NaN : m.reduceLanes(VectorOperators.MAX);
        for (; i < hi; i++) {
            r = Math.max(r, x[i]);
        }
        return r;
    }

    static double min(double[] x, int lo, int hi) {
        DoubleVector m0 = DoubleVector.broadcast(S, Double.POSITIVE_INFINITY);
        DoubleVector m1 = m0;
        DoubleVector m2 = m0;
        DoubleVector m3 = m0;
        int i = lo;
        for (; i + 4 * L <= hi; i += 4 * L) {
            m0 = m0.min(DoubleVector.fromArray(S, x, i));
            m1 = m1.min(DoubleVector.fromArray(S, x, i + L));
            m2 = m2.min(DoubleVector.fromArray(S, x, i + 2 * L));
            m3 = m3.min(DoubleVector.fromArray(S, x, i + 3 * L));
        }
        for (; i + L <= hi; i += L) {
            m0 = m0.min(DoubleVector.fromArray(S, x, i));
        }
        DoubleVector m = m0.min(m1).min(m2.min(m3));
        double r = m.test(VectorOperators.IS_NAN).anyTrue() ? Double.NaN : m.reduceLanes(VectorOperators.MIN);
        for (; i < hi; i++) {
            r = Math.min(r, x[i]);
        }
        return r;
    }

    // ---------------------------------------------------------------- columns

    static void cols(Primitive p, double[] x, int outer, int r, int inner, double[] out) {
        int chunks = (inner + COLS - 1) / COLS;
        int units = outer * chunks;
        long work = (long) r * Math.min(inner, COLS);
        int grain = (int) Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(work, 1));
        Parallel.forRange(units, grain, 1, (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int o = u / chunks;
                int j0 = (u % chunks) * COLS;
                int j1 = Math.min(inner, j0 + COLS);
                int base = o * r * inner;
                int dst = o * inner;
                switch (p) {
                    case REDUCE_SUM -> sumCols(x, base, r, inner, j0, j1, out, dst);
                    case REDUCE_PROD -> prodCols(x, base, r, inner, j0, j1, out, dst);
                    case REDUCE_MAX -> maxCols(x, base, r, inner, j0, j1, out, dst);
                    case REDUCE_MIN -> minCols(x, base, r, inner, j0, j1, out, dst);
                    default -> throw new IllegalArgumentException(p + " is not a float64 reduction");
                }
            }
        });
    }

    private static void sumCols(double[] x, int base, int r, int inner, int j0, int j1, double[] out, int dst) {
        int w = j1 - j0;
        int vw = S.loopBound(w);
        double[] tmp = new double[w];
        double[] acc = new double[w];
        for (int i0 = 0; i0 < r; i0 += ROW_BLOCK) {
            int i1 = Math.min(r, i0 + ROW_BLOCK);
            for (int i = i0; i < i1; i++) {
                int row = base + i * inner + j0;
                int j = 0;
                for (; j < vw; j += L) {
                    DoubleVector.fromArray(S, tmp, j)
                            .add(DoubleVector.fromArray(S, x, row + j))
                            .intoArray(tmp, j);
                }
                for (; j < w; j++) {
                    tmp[j] += x[row + j];
                }
            }
            for (int j = 0; j < w; j++) {
                acc[j] += tmp[j];
                tmp[j] = 0;
            }
        }
        for (int j = 0; j < w; j++) {
            out[dst + j0 + j] = acc[j];
        }
    }

    private static void prodCols(double[] x, int base, int r, int inner, int j0, int j1, double[] out, int dst) {
        int w = j1 - j0;
        double[] acc = new double[w];
        java.util.Arrays.fill(acc, 1.0);
        for (int i = 0; i < r; i++) {
            int row = base + i * inner + j0;
            for (int j = 0; j < w; j++) {
                acc[j] *= x[row + j];
            }
        }
        for (int j = 0; j < w; j++) {
            out[dst + j0 + j] = acc[j];
        }
    }

    private static void maxCols(double[] x, int base, int r, int inner, int j0, int j1, double[] out, int dst) {
        int w = j1 - j0;
        int vw = S.loopBound(w);
        int o = dst + j0;
        System.arraycopy(x, base + j0, out, o, w);
        for (int i = 1; i < r; i++) {
            int row = base + i * inner + j0;
            int j = 0;
            for (; j < vw; j += L) {
                DoubleVector.fromArray(S, out, o + j)
                        .max(DoubleVector.fromArray(S, x, row + j))
                        .intoArray(out, o + j);
            }
            for (; j < w; j++) {
                out[o + j] = Math.max(out[o + j], x[row + j]);
            }
        }
    }

    private static void minCols(double[] x, int base, int r, int inner, int j0, int j1, double[] out, int dst) {
        int w = j1 - j0;
        int vw = S.loopBound(w);
        int o = dst + j0;
        System.arraycopy(x, base + j0, out, o, w);
        for (int i = 1; i < r; i++) {
            int row = base + i * inner + j0;
            int j = 0;
            for (; j < vw; j += L) {
                DoubleVector.fromArray(S, out, o + j)
                        .min(DoubleVector.fromArray(S, x, row + j))
                        .intoArray(out, o + j);
            }
            for (; j < w; j++) {
                out[o + j] = Math.min(out[o + j], x[row + j]);
            }
        }
    }
}
