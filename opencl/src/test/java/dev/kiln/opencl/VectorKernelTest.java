package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.conformance.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Elementwise fused kernels as their vector variant ({@link FusedRenderer#vectorKernel}: 16
 * consecutive elements per work item in OpenCL C vector types, the last partial block scalar):
 * each float op on its own and the comparison's {@code tanh} chain, jitted on opencl against the
 * reference backend, over lengths around the vector width (1, 17) and a long one (100003, not a multiple of 16), with
 * NaN, ±inf, zeros of both signs, denormals and large values; each result within the tolerance
 * table's rule for the op, and the vector kernel shown to have run (a counter). Kernels it does not
 * take (a transposed map, integers) run the scalar kernel with the same results. Runs in the build's
 * fused-kernel JVM.
 */
class VectorKernelTest {
    private static final OpenClBackend CL = (OpenClBackend) new OpenClProvider().open(Map.of());

    static {
        CL.vectorMinPoints = 1; // the short lengths exercise the vector kernel's partial block
    }

    private static final int[] SIZES = {1, 17, 100_003};

    private static double[] data(long seed, int n, double spread) {
        Random r = new Random(seed);
        double[] v = new double[n];
        double[] special = {
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1e-40, -3e-39, 1e30, -1e30, 0.5
        };
        for (int i = 0; i < n; i++) {
            v[i] = i % 13 == 5 ? special[(i / 13) % special.length] : (r.nextDouble() * 2 - 1) * spread;
        }
        return v;
    }

    /** Jitted {@code f} of {@code arity} arguments on {@code b}; the result as doubles. */
    private static double[] run(dev.kiln.spi.Backend b, Function<List<Array>, Array> f, DType t, double[][] in) {
        return Kiln.withBackend(b, () -> {
                    Array[] args = new Array[in.length];
                    for (int i = 0; i < in.length; i++) {
                        args[i] = Np.array(in[i], new int[] {in[i].length}).astype(t);
                    }
                    return Kiln.jit(f).apply(List.of(args));
                })
                .toDoubleArray();
    }

    private static void check(String op, Function<List<Array>, Array> f, int arity, double spread, boolean vector) {
        check(op, f, arity, spread, vector, vector);
    }

    /** As above, with whether the vector kernel runs on float32 and on float64. */
    private static void check(
            String op, Function<List<Array>, Array> f, int arity, double spread, boolean vector32, boolean vector64) {
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Tolerance.Rule rule = op.equals("chain") ? Tolerance.composite(t) : Tolerance.elementwise(op, t);
            for (int n : SIZES) {
                double[][] in = new double[arity][];
                for (int a = 0; a < arity; a++) {
                    in[a] = data(n * 7L + a, n, spread);
                }
                long before = CL.vectorLaunches();
                double[] got = run(CL, f, t, in);
                boolean vector = t == DType.FLOAT32 ? vector32 : vector64;
                assertEquals(vector, CL.vectorLaunches() > before, op + " on " + t + " ran the vector kernel");
                double[] want = run(Kiln.backend("reference"), f, t, in);
                double[] scale = Tolerance.maxMagnitude(want);
                for (int i = 0; i < n; i++) {
                    assertTrue(
                            rule.accepts(t, want[i], got[i], scale[i]),
                            op + " on " + t + ", n = " + n + ", element " + i + " (" + in[0][i]
                                    + (arity > 1 ? ", " + in[1][i] : "") + "): " + got[i] + " vs " + want[i] + " ("
                                    + rule + ")");
                }
            }
        }
    }

    private static Function<List<Array>, Array> unary(Function<Array, Array> f) {
        return v -> f.apply(v.get(0));
    }

    @Test
    void transcendentals() {
        // float64 tanh is Kiln's decomposition, with compares and selects: the scalar kernel
        check("tanh", unary(Np::tanh), 1, 12, true, false);
        check("exp", unary(Np::exp), 1, 90, true);
        check("expm1", unary(Np::expm1), 1, 30, true);
        check("log", unary(Np::log), 1, 1e6, true);
        check("log1p", unary(Np::log1p), 1, 3, true);
        check("sin", unary(Np::sin), 1, 1e3, true);
        check("cos", unary(Np::cos), 1, 1e3, true);
        check("sqrt", unary(Np::sqrt), 1, 1e4, true);
    }

    @Test
    void arithmetic() {
        check("add", v -> Np.add(v.get(0), v.get(1)), 2, 1e3, true);
        check("multiply", v -> Np.multiply(v.get(0), v.get(1)), 2, 1e3, true);
        check("divide", v -> Np.divide(v.get(0), v.get(1)), 2, 1e3, true);
        check("maximum", v -> Np.maximum(v.get(0), v.get(1)), 2, 1e3, true);
        check("floor", unary(Np::floor), 1, 1e3, true);
        // PoCL's fmod on double16 gave wrong results (995.66 fmod 549.68 = 0.436): not in vectors
        check("fmod", v -> Np.fmod(v.get(0), v.get(1)), 2, 1e3, false);
        // PoCL's pow on double16 was wrong too: power and arctan2 keep the scalar kernel
        check("power", v -> Np.power(Np.abs(v.get(0)), v.get(1)), 2, 4, false);
        check("arctan2", v -> Np.arctan2(v.get(0), v.get(1)), 2, 1e3, false);
    }

    @Test
    void theComparisonsChainAndConversions() {
        check(
                "chain",
                v -> Np.tanh(v.get(0).add(v.get(1).multiply(v.get(2))))
                        .multiply(0.5)
                        .add(v.get(0)),
                3,
                3,
                true,
                false);
        // a float64 intermediate rounded to float32 inside the kernel, and back
        check(
                "chain",
                v -> Np.exp(v.get(0).astype(DType.FLOAT64).multiply(0.25))
                        .astype(DType.FLOAT32)
                        .add(v.get(1)),
                2,
                30,
                true);
    }

    @Test
    void otherKernelsKeepTheScalarKernel() {
        // a transposed operand (not the space's own order) and an integer kernel
        double[] x = data(3, 37 * 41, 100);
        Function<List<Array>, Array> f =
                v -> Np.exp(v.get(0).reshape(37, 41).T()).add(1.0);
        for (DType t : List.of(DType.FLOAT32)) {
            long before = CL.vectorLaunches();
            double[] got = run(CL, f, t, new double[][] {x});
            assertEquals(before, CL.vectorLaunches(), "a transposed map keeps the scalar kernel");
            double[] want = run(Kiln.backend("reference"), f, t, new double[][] {x});
            Tolerance.Rule rule = Tolerance.elementwise("exp", t);
            for (int i = 0; i < want.length; i++) {
                assertTrue(rule.accepts(t, want[i], got[i], 1), "element " + i + ": " + got[i] + " vs " + want[i]);
            }
        }
        Function<List<Array>, Array> g = v -> v.get(0).multiply(v.get(0)).add(7);
        long before = CL.vectorLaunches();
        double[] got = run(CL, g, DType.INT32, new double[][] {x});
        assertEquals(before, CL.vectorLaunches(), "an integer kernel keeps the scalar kernel");
        assertEquals(
                0,
                java.util.Arrays.compare(run(Kiln.backend("reference"), g, DType.INT32, new double[][] {x}), got),
                "integer kernel");
        assertTrue(
                CL.runtime().sources().stream().anyMatch(s -> s.contains("__kernel void kv(") && s.contains("vload16")),
                "the vector variant is in a built program");
    }
}
