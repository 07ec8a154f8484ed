package dev.kiln.cpu;

import dev.kiln.cpu.codegen.FixedLanes;
import dev.kiln.ir.Primitive;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 sum, product, max and min over the middle axis of an [outer, r, inner] view.
 *
 * <p>Rows (inner = 1) use four vector accumulators and reduce across lanes once per block. Sums are
 * taken in float within blocks of {@link #BLOCK} elements and the block sums added in double, which
 * keeps the error of a 16M-element sum near that of a short one at no measurable cost, and makes
 * the result independent of the number of threads (blocks are the unit of parallel work). Columns
 * (inner > 1) add whole rows into a vector-wide running row. Products accumulate in double: a float
 * running product can underflow or overflow where the exact result is representable.
 */
final class FloatReductions {
    private FloatReductions() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Elements summed in float before the partial sum is added in double. */
    static final int BLOCK = 4096;

    /** Rows of a column reduction summed in float before being added in double. */
    private static final int ROW_BLOCK = 64;

    /** Columns handled by one unit of column-reduction work. */
    private static final int COLS = 1024;

    static void rows(Primitive p, float[] x, int outer, int r, float[] out) {
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

    private static float row(Primitive p, float[] x, int off, int r) {
        return switch (p) {
            case REDUCE_SUM -> {
                double s = 0;
                for (int b = 0; b < r; b += BLOCK) {
                    s += sum(x, off + b, off + Math.min(r, b + BLOCK));
                }
                yield (float) s;
            }
            case REDUCE_PROD -> (float) prod(x, off, off + r);
            case REDUCE_MAX -> max(x, off, off + r);
            case REDUCE_MIN -> min(x, off, off + r);
            default -> throw new IllegalArgumentException(p + " is not a float32 reduction");
        };
    }

    /** One long row split into blocks across threads; partials are combined in block order. */
    private static float splitRow(Primitive p, float[] x, int r) {
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
                    default -> throw new IllegalArgumentException(p + " is not a float32 reduction");
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
        return (float) acc;
    }

    static double sum(float[] x, int lo, int hi) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int i = lo;
        for (; i + 4 * L <= hi; i += 4 * L) {
            s0 = s0.add(FloatVector.fromArray(S, x, i));
            s1 = s1.add(FloatVector.fromArray(S, x, i + L));
            s2 = s2.add(FloatVector.fromArray(S, x, i + 2 * L));
            s3 = s3.add(FloatVector.fromArray(S, x, i + 3 * L));
        }
        for (; i + L <= hi; i += L) {
            s0 = s0.add(FloatVector.fromArray(S, x, i));
        }
        double s = FixedLanes.reduce(s0.add(s1).add(s2.add(s3)), VectorOperators.ADD);
        for (; i < hi; i++) {
            s += x[i];
        }
        return s;
    }

    private static double prod(float[] x, int lo, int hi) {
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

    static float max(float[] x, int lo, int hi) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int i = lo;
        for (; i + 4 * L <= hi; i += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(S, x, i));
            m1 = m1.max(FloatVector.fromArray(S, x, i + L));
            m2 = m2.max(FloatVector.fromArray(S, x, i + 2 * L));
            m3 = m3.max(FloatVector.fromArray(S, x, i + 3 * L));
        }
        for (; i + L <= hi; i += L) {
            m0 = m0.max(FloatVector.fromArray(S, x, i));
        }
        FloatVector m = m0.max(m1).max(m2.max(m3));
        // lanewise max propagates NaN; say so explicitly rather than trust the cross-lane reduction's order
        float r = m.test(VectorOperators.IS_NAN).anyTrue() ? Float.NaN : m.reduceLanes(VectorOperators.MAX);
        for (; i < hi; i++) {
            r = Math.max(r, x[i]);
        }
        return r;
    }

    static float min(float[] x, int lo, int hi) {
        FloatVector m0 = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int i = lo;
        for (; i + 4 * L <= hi; i += 4 * L) {
            m0 = m0.min(FloatVector.fromArray(S, x, i));
            m1 = m1.min(FloatVector.fromArray(S, x, i + L));
            m2 = m2.min(FloatVector.fromArray(S, x, i + 2 * L));
            m3 = m3.min(FloatVector.fromArray(S, x, i + 3 * L));
        }
        for (; i + L <= hi; i += L) {
            m0 = m0.min(FloatVector.fromArray(S, x, i));
        }
        FloatVector m = m0.min(m1).min(m2.min(m3));
        float r = m.test(VectorOperators.IS_NAN).anyTrue() ? Float.NaN : m.reduceLanes(VectorOperators.MIN);
        for (; i < hi; i++) {
            r = Math.min(r, x[i]);
        }
        return r;
    }

    // ---------------------------------------------------------------- columns

    static void cols(Primitive p, float[] x, int outer, int r, int inner, float[] out) {
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
                    default -> throw new IllegalArgumentException(p + " is not a float32 reduction");
                }
            }
        });
    }

    private static void sumCols(float[] x, int base, int r, int inner, int j0, int j1, float[] out, int dst) {
        int w = j1 - j0;
        int vw = S.loopBound(w);
        float[] tmp = new float[w];
        double[] acc = new double[w];
        for (int i0 = 0; i0 < r; i0 += ROW_BLOCK) {
            int i1 = Math.min(r, i0 + ROW_BLOCK);
            for (int i = i0; i < i1; i++) {
                int row = base + i * inner + j0;
                int j = 0;
                for (; j < vw; j += L) {
                    FloatVector.fromArray(S, tmp, j)
                            .add(FloatVector.fromArray(S, x, row + j))
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
            out[dst + j0 + j] = (float) acc[j];
        }
    }

    private static void prodCols(float[] x, int base, int r, int inner, int j0, int j1, float[] out, int dst) {
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
            out[dst + j0 + j] = (float) acc[j];
        }
    }

    private static void maxCols(float[] x, int base, int r, int inner, int j0, int j1, float[] out, int dst) {
        int w = j1 - j0;
        int vw = S.loopBound(w);
        int o = dst + j0;
        System.arraycopy(x, base + j0, out, o, w);
        for (int i = 1; i < r; i++) {
            int row = base + i * inner + j0;
            int j = 0;
            for (; j < vw; j += L) {
                FloatVector.fromArray(S, out, o + j)
                        .max(FloatVector.fromArray(S, x, row + j))
                        .intoArray(out, o + j);
            }
            for (; j < w; j++) {
                out[o + j] = Math.max(out[o + j], x[row + j]);
            }
        }
    }

    private static void minCols(float[] x, int base, int r, int inner, int j0, int j1, float[] out, int dst) {
        int w = j1 - j0;
        int vw = S.loopBound(w);
        int o = dst + j0;
        System.arraycopy(x, base + j0, out, o, w);
        for (int i = 1; i < r; i++) {
            int row = base + i * inner + j0;
            int j = 0;
            for (; j < vw; j += L) {
                FloatVector.fromArray(S, out, o + j)
                        .min(FloatVector.fromArray(S, x, row + j))
                        .intoArray(out, o + j);
            }
            for (; j < w; j++) {
                out[o + j] = Math.min(out[o + j], x[row + j]);
            }
        }
    }
}
