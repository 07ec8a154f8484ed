package dev.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.Linalg;
import dev.kiln.Nn;
import dev.kiln.Np;
import dev.kiln.ReduceOptions;
import dev.kiln.Special;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Corner cases of the kind JAX's own suites check (lax_numpy_test, lax_test, lax_autodiff_test, the
 * scipy.special and nn tests), run on Kiln and compared with JAX 0.10.2's answers, which {@code
 * scripts/make_jax_cases.py} wrote: promotion of weak Java scalars and mixed dtypes, integer
 * division and shifts, rounding, NaN in reductions and sorts, empty arrays, negative and tuple axes,
 * out-of-bounds gathers, special values, and gradients at kinks. The dtype and shape must match
 * exactly; values follow {@link Tolerance#composite}; where JAX raises, Kiln must throw a {@link
 * KilnException}. Each case here has a line of the same name in the goldens and the other way round.
 */
class JaxCasesTest {
    private static final DType F32 = DType.FLOAT32;
    private static final DType F64 = DType.FLOAT64;
    private static final DType I32 = DType.INT32;
    private static final DType I64 = DType.INT64;
    private static final DType U32 = DType.UINT32;
    private static final DType U8 = DType.UINT8;
    private static final DType I8 = DType.INT8;
    private static final DType I16 = DType.INT16;
    private static final DType U16 = DType.UINT16;
    private static final DType F16 = DType.FLOAT16;
    private static final DType BF16 = DType.BFLOAT16;
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    private final Map<String, Supplier<Object>> cases = new LinkedHashMap<>();

    private void c(String name, Supplier<Object> f) {
        if (cases.put(name, f) != null) {
            throw new IllegalStateException("two cases named " + name);
        }
    }

    private static Array a(DType dtype, double... v) {
        return Np.astype(Np.array(v), dtype);
    }

    private static Array a2(DType dtype, int rows, double... v) {
        return Np.astype(Np.array(v, rows, v.length / rows), dtype);
    }

    private static Array bools(boolean... v) {
        return Np.array(v);
    }

    private static Array s(DType dtype, double v) {
        return Np.astype(Np.scalar(v), dtype);
    }

    private static int[] ax(int... axes) {
        return axes;
    }

    private void hyp2f1() {
        double[][] abcx = {
            {1, 2, 3, 0.5},
            {0.5, 1.5, 2.5, -0.7},
            {-3, 2, 4, 0.6},
            {2, -2, 1.5, 0.95},
            {1, 2, 3, 0.95},
            {1.5, 2.5, 3, 0.99},
            {1, 2, 2, 0.3},
            {2, 3, 2, 0.3},
            {1, 1, 2, 1},
            {0.2, 0.3, 0.1, 0.5},
            {1, 2, 4, 1},
            {1, 2, -2, 0.5},
            {1, 2, 3, 1.5},
            {0.5, 0.5, 1, 0.95},
            {2, 3, 8, 0.97},
            {1, 2, 3, 0},
            {0, 2, 3, 0.5},
            {1, 2, 0, 0.5},
            {0.3, 0.7, 1.5, -0.5},
            {1, 1, 2, NAN}
        };
        for (int i = 0; i < abcx.length; i++) {
            double[] v = abcx[i];
            for (DType t : new DType[] {F32, F64}) {
                c(
                        "hyp2f1 " + i + (t == F32 ? " f32" : " f64"),
                        () -> Special.hyp2f1(s(t, v[0]), s(t, v[1]), s(t, v[2]), s(t, v[3])));
            }
        }
        c("hyp2f1 broadcast ints", () -> Special.hyp2f1(1, 2, a(I32, 3, 4), a2(F32, 2, 0.25, 0.5)));
        c("hyp2f1 grad x", () -> g(x -> Special.hyp2f1(1.0, 2.0, 3.0, x), a(F32, 0.1, 0.5, -0.4)));
        c("hyp2f1 grad a", () -> g(x -> Special.hyp2f1(x, 2.0, 3.0, a(F64, 0.1, 0.5, -0.4)), a(F64, 1, 0.5, 2)));
        c(
                "hyp2f1 grad b c",
                () -> g(x -> Special.hyp2f1(1.5, x, Np.add(x, 1.0), a(F64, 0.1, 0.5, -0.4)), a(F64, 1, 0.5, 2)));
        c("hyp2f1 jit vmap", () -> Kiln.jit(Kiln.vmap((Array x) -> Special.hyp2f1(a(F32, 1, -2, 0.5), 2.0, 3.0, x)))
                .apply(a2(F32, 2, 0.1, 0.95, -0.5, 0.99, 0, 0.3)));
        c("hyp2f1 bad shapes", () -> Special.hyp2f1(a(F32, 1, 2), 2.0, 3.0, a(F32, 0.1, 0.2, 0.3)));
    }

    private static Array iotaF32(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Np.reshape(Np.astype(Np.arange(0.0, n, 1.0), F32), shape);
    }

    private void raggedDotGeneral() {
        int[] none = {};
        c(
                "ragged_dot_general free",
                () -> Lax.raggedDotGeneral(
                        iotaF32(3, 4), iotaF32(2, 4, 2), a(I32, 2, 1), ax(1), ax(1), none, none, ax(0), ax(0)));
        c(
                "ragged_dot_general free short",
                () -> Lax.raggedDotGeneral(
                        iotaF32(3, 4), iotaF32(4, 2, 2), a(I32, 1, 1), ax(1), ax(0), none, none, ax(0), ax(1)));
        c(
                "ragged_dot_general contracting",
                () -> Lax.raggedDotGeneral(
                        iotaF32(3, 4), iotaF32(4, 2), a(I32, 1, 2), ax(1), ax(0), none, none, ax(1), none));
        c(
                "ragged_dot_general contracting batch",
                () -> Lax.raggedDotGeneral(
                        iotaF32(2, 3, 4), iotaF32(2, 4, 2), a(I32, 3, 1), ax(2), ax(1), ax(0), ax(0), ax(2), none));
        c(
                "ragged_dot_general batch",
                () -> Lax.raggedDotGeneral(
                        iotaF32(3, 2, 4), iotaF32(3, 4, 2), a(I32, 1, 1), ax(2), ax(1), ax(0), ax(0), ax(0), none));
        c(
                "ragged_dot_general free batch",
                () -> Lax.raggedDotGeneral(
                        iotaF32(2, 3, 4), iotaF32(2, 2, 4, 2), a(I32, 2, 1), ax(2), ax(2), ax(0), ax(1), ax(1), ax(0)));
        c(
                "ragged_dot_general grad",
                () -> g(
                        x -> Np.square(Lax.raggedDotGeneral(
                                x, iotaF32(2, 4, 2), a(I32, 2, 1), ax(1), ax(1), none, none, ax(0), ax(0))),
                        iotaF32(3, 4)));
        c(
                "ragged_dot_general no group dim",
                () -> Lax.raggedDotGeneral(
                        iotaF32(3, 4), iotaF32(4, 2), a(I32, 2, 1), ax(1), ax(0), none, none, ax(0), none));
    }

    private static Array[] bits(Lax.RngBits r) {
        return new Array[] {r.key(), r.bits()};
    }

    private void rngBitGenerator() {
        c("rng_bit_generator", () -> bits(Lax.rngBitGenerator(a(U32, 1, 2, 3, 4), 2, 5)));
        c("rng_bit_generator carry", () -> bits(Lax.rngBitGenerator(a(U32, 5, 6, 0xfffffffeL, 0xffffffffL), 3, 4)));
        c("rng_bit_generator high key", () -> bits(Lax.rngBitGenerator(a(U32, 0xdeadbeefL, 7, 0xffffffffL, 9), 7)));
        c("rng_bit_generator uint8", () -> bits(Lax.rngBitGenerator(a(U32, 1, 2, 3, 4), new int[] {5}, U8)));
        c("rng_bit_generator uint16", () -> bits(Lax.rngBitGenerator(a(U32, 0, 0, 0, 42), new int[] {2, 3}, U16)));
        c("rng_bit_generator empty", () -> bits(Lax.rngBitGenerator(a(U32, 1, 2, 3, 4), 0, 3)));
        c("rng_bit_generator bad key", () -> bits(Lax.rngBitGenerator(a(U32, 1, 2, 3), 2)));
    }

    private void newUnderTransforms() {
        c("scipy expm jit vmap", () -> Kiln.jit(Kiln.vmap(Linalg::expm))
                .apply(Np.stack(new Array[] {a2(F32, 2, 0, 1, -1, 0), a2(F32, 2, 3, 0.5, 0, -3)}, 0)));
        c("scipy lu_solve vmap", () -> {
            Array ms = Np.stack(
                    new Array[] {a2(F32, 3, 2, 1, 0.5, 4, -1, 3, 1, 2, 5), a2(F32, 3, 4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2)
                    },
                    0);
            Array vs = a2(F32, 2, 1, 2, 3, 0.5, -1, 2);
            return Kiln.vmap((List<Array> mv) -> Linalg.luSolve(Linalg.luFactor(mv.get(0)), mv.get(1)))
                    .apply(List.of(ms, vs));
        });
        c(
                "rng_bit_generator jit",
                () -> bits(Kiln.jit((Array k) -> Lax.rngBitGenerator(k, 5)).apply(a(U32, 9, 8, 7, 6))));
    }

    private void scipyLinalg() {
        Supplier<Array> m3 = () -> a2(F32, 3, 2, 1, 0.5, 4, -1, 3, 1, 2, 5);
        Supplier<Array> spd3 = () -> a2(F32, 3, 4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2);
        Supplier<Array> b3 = () -> a2(F32, 3, 1, 2, 0, -1, 3, 1);
        Array big = a2(F32, 3, 1, 2, 0, -1, 0.5, 3, 0.2, 0, -2);
        c("scipy lu_factor", () -> {
            Linalg.LuFactor f = Linalg.luFactor(m3.get());
            return new Array[] {f.lu(), f.piv()};
        });
        c("scipy lu", () -> {
            Linalg.PLU f = Linalg.lu(m3.get());
            return new Array[] {f.p(), f.l(), f.u()};
        });
        c("scipy lu_solve", () -> Linalg.luSolve(Linalg.luFactor(m3.get()), b3.get()));
        c("scipy lu_solve vector", () -> Linalg.luSolve(Linalg.luFactor(m3.get()), a(F32, 1, 2, 3)));
        c("scipy lu_solve grad", () -> Kiln.grad((Array m) -> Np.sum(Linalg.luSolve(Linalg.luFactor(m), b3.get())))
                .apply(m3.get()));
        c("scipy lu int", () -> {
            Linalg.PLU f = Linalg.lu(a2(I32, 2, 1, 2, 3, 4));
            return new Array[] {f.p(), f.l(), f.u()};
        });
        c("scipy cho_factor lower", () -> Linalg.choFactor(spd3.get(), true).c());
        c("scipy cho_factor upper", () -> Linalg.choFactor(spd3.get()).c());
        c("scipy cho_solve", () -> Linalg.choSolve(Linalg.choFactor(spd3.get()), b3.get()));
        c("scipy cho_solve lower", () -> Linalg.choSolve(Linalg.choFactor(spd3.get(), true), b3.get()));
        c("scipy block_diag", () -> Linalg.blockDiag(a2(I32, 2, 1, 2, 3, 4), s(F32, 5), a(I32, 6, 7, 8)));
        c("scipy block_diag empty block", () -> Linalg.blockDiag(a2(I32, 1, 1, 2), Np.zeros(I32, 0, 2), a2(I32, 1, 3)));
        c("scipy block_diag 3d", () -> Linalg.blockDiag(Np.zeros(F32, 2, 2, 2)));
        c("scipy toeplitz", () -> Linalg.toeplitz(a(I32, 1, 2, 3)));
        c("scipy toeplitz c r", () -> Linalg.toeplitz(a(F32, 1, 2, 3), a(F32, -1, -2, -3, -4)));
        c("scipy toeplitz batch", () -> Linalg.toeplitz(a2(I32, 2, 1, 2, 3, 4, 5, 6)));
        c("scipy hankel", () -> Linalg.hankel(a(I32, 1, 2, 3), a(I32, 9, 8, 7, 6)));
        c("scipy hankel c only", () -> Linalg.hankel(a(F32, 1, 2, 3)));
        c("scipy hankel batch", () -> Linalg.hankel(a2(I32, 2, 1, 2, 3, 4)));
        c("scipy circulant", () -> Linalg.circulant(a(I32, 1, 2, 3)));
        c("scipy circulant batch", () -> Linalg.circulant(a2(F32, 2, 1, 2, 3, 4)));
        c("scipy hilbert", () -> Linalg.hilbert(3));
        c("scipy hilbert 0", () -> Linalg.hilbert(0));
        c("scipy expm f16", () -> Linalg.expm(Np.eye(2, 2, 0, F16)));
        c("scipy expm int", () -> Linalg.expm(Np.eye(2, 2, 0, I32)));
        c("scipy hankel scalar", () -> Linalg.hankel(s(F32, 3)));
        c("scipy toeplitz scalar", () -> Linalg.toeplitz(s(F32, 3)));
        c("scipy toeplitz bool", () -> Linalg.toeplitz(bools(true, false)));
        c("scipy block_diag bool int", () -> Linalg.blockDiag(Np.reshape(bools(true), 1, 1), a(I32, 1)));
        c("scipy block_diag none", () -> Linalg.blockDiag());
        c("scipy cho_solve vector", () -> Linalg.choSolve(Linalg.choFactor(spd3.get()), a(F32, 1, 2, 3)));
        c("scipy circulant empty", () -> Linalg.circulant(Np.zeros(F32, 0)));
        c("hyp2f1 f16", () -> Special.hyp2f1(s(F16, 1), 2.0, 3.0, s(F16, 0.5)));
        c("hyp2f1 empty", () -> Special.hyp2f1(Np.zeros(F32, 0), 1.0, 2.0, 0.5));
        c("grad cummax empty", () -> g(v -> Lax.cummax(v, 0, false), Np.zeros(F32, 0)));
        c("scipy expm", () -> Linalg.expm(a2(F32, 2, 0.1, 0.2, -0.3, 0.05)));
        c("scipy expm big", () -> Linalg.expm(big));
        c("scipy expm f64", () -> Linalg.expm(a2(F64, 3, 1, 2, 0, -1, 0.5, 3, 0.2, 0, -2)));
        c("scipy expm f64 small", () -> Linalg.expm(a2(F64, 2, 0.001, 0.002, 0, -0.003)));
        c(
                "scipy expm batch",
                () -> Linalg.expm(Np.stack(new Array[] {a2(F32, 2, 0, 1, -1, 0), a2(F32, 2, 3, 0, 0, -3)}, 0)));
        c("scipy expm grad", () -> Kiln.grad((Array m) -> Np.sum(Linalg.expm(m)))
                .apply(a2(F32, 2, 0.1, 0.2, -0.3, 0.05)));
        c("scipy expm not square", () -> Linalg.expm(Np.zeros(F32, 2, 3)));
        c("scipy hadamard", () -> Linalg.hadamard(8));
        c("scipy hadamard 1", () -> Linalg.hadamard(1));
        c("scipy hadamard f32", () -> Linalg.hadamard(4, F32));
        c("scipy hadamard 3", () -> Linalg.hadamard(3));
        c("scipy hadamard 0", () -> Linalg.hadamard(0));
        c("scipy helmert", () -> Linalg.helmert(5));
        c("scipy helmert full", () -> Linalg.helmert(4, true));
        c("scipy helmert 1", () -> Linalg.helmert(1));
        c("scipy helmert 1 full", () -> Linalg.helmert(1, true));
        c("scipy helmert 0", () -> Linalg.helmert(0));
        c("scipy companion", () -> Linalg.companion(a(F32, 2, -3, 0.5, 7)));
        c("scipy companion int", () -> Linalg.companion(a(I32, 2, 4, 6)));
        c("scipy companion 2", () -> Linalg.companion(a(F32, 4, 2)));
        c("scipy companion batch", () -> Linalg.companion(a2(F32, 2, 1, 2, 3, 2, 4, 6)));
        c("scipy companion zero lead", () -> Linalg.companion(a(F32, 0, 2, 3)));
        c("scipy companion short", () -> Linalg.companion(a(F32, 2)));
        c("scipy companion scalar", () -> Linalg.companion(s(F32, 2)));
        c("scipy fiedler", () -> Linalg.fiedler(a(F32, 1, 4, 2, -3.5)));
        c("scipy fiedler int", () -> Linalg.fiedler(a(I32, 1, 4, 2)));
        c("scipy fiedler batch", () -> Linalg.fiedler(a2(F32, 2, 1, 2, 3, 5)));
        c("scipy fiedler empty", () -> Linalg.fiedler(Np.zeros(F32, 0)));
        c("scipy fiedler scalar", () -> Linalg.fiedler(s(F32, 2)));
        c("scipy fiedler bool", () -> Linalg.fiedler(bools(true, false)));
        c("scipy leslie", () -> Linalg.leslie(a(F32, 0.1, 2, 1, 0.1), a(F32, 0.2, 0.8, 0.7)));
        c("scipy leslie int", () -> Linalg.leslie(a(I32, 1, 2, 3), a(I32, 4, 5)));
        c("scipy leslie mixed", () -> Linalg.leslie(a(I32, 1, 2), a(F32, 0.5)));
        c("scipy leslie batch", () -> Linalg.leslie(a2(F32, 2, 1, 2, 3, 4), a2(F32, 2, 5, 6)));
        c("scipy leslie broadcast", () -> Linalg.leslie(a2(F32, 2, 1, 2, 3, 4), a(F32, 5)));
        c("scipy leslie bad s", () -> Linalg.leslie(a(F32, 1, 2, 3), a(F32, 4)));
        c("scipy leslie short", () -> Linalg.leslie(a(F32, 1), Np.zeros(F32, 0)));
    }

    private static Array m4(DType t) {
        return a2(t, 4, 1, 2, 3, 4, 1, 4, 2, 3, 3, 2, 1, 4, 2, 3, 2, 2);
    }

    private static Array m5() {
        return a2(F32, 5, 2, -1, 0.5, 3, 1, 1, 3, 2, -2, 0, 0.5, 1, -1, 4, 2, 3, 0, 1, 1, -1, -1, 2, 0, 1, 3);
    }

    private static Array m3b() {
        return Np.reshape(a(F32, 4, 1, -2, 1, 2, 0.5, -2, 0.5, 3, 1, 2, 0, 0, 1, 2, 2, 0, 1), 2, 3, 3);
    }

    private static Array w34() {
        return a2(F32, 3, 1, 2, 0, -1, 0, 1, 3, 2, 2, -1, 1, 0);
    }

    /** Each eigenvector column times the sign of its largest-magnitude entry (the sign is free). */
    private static Array signfix(Array v) {
        Array i = Np.expandDims(Np.argmax(Np.abs(v), 0), 0);
        return Np.multiply(v, Np.sign(Np.takeAlongAxis(v, i, 0)));
    }

    private static Array[] dftParts(dev.kiln.ComplexArray z) {
        return new Array[] {z.real(), z.imag()};
    }

    /** The real part and whether the imaginary part is only rounding noise (below 1e-5). */
    private static Array[] realPart(dev.kiln.ComplexArray z) {
        return new Array[] {z.real(), Np.less(Np.max(Np.abs(z.imag())), 1e-5)};
    }

    /** T's real part, whether its imaginary part is zero, and the same for Z. */
    private static Array[] schurParts(Linalg.Schur s) {
        return new Array[] {
            s.t().real(),
            Np.less(Np.max(Np.abs(s.t().imag())), 1e-6),
            s.z().real(),
            Np.less(Np.max(Np.abs(s.z().imag())), 1e-6)
        };
    }

    private static Array[] parts(Linalg.Polar p) {
        return new Array[] {p.u(), p.p()};
    }

    private static Array[] parts(Linalg.ExpmFrechet p) {
        return new Array[] {p.expm(), p.frechet()};
    }

    private static Array[] parts(Linalg.QrMultiply p) {
        return new Array[] {p.product(), p.r()};
    }

    private static Array[] parts(Linalg.Hessenberg p) {
        return new Array[] {p.h(), p.q()};
    }

    /** pascal, invpascal, invhilbert, convolution_matrix, fiedler_companion, polar, expm_frechet, qr_multiply, hessenberg, eigh_tridiagonal, solve_sylvester. */
    private void scipyMore() {
        c("scipy pascal", () -> Linalg.pascal(5));
        c("scipy pascal lower", () -> Linalg.pascal(4, "lower"));
        c("scipy pascal upper", () -> Linalg.pascal(3, "upper"));
        c("scipy pascal 1", () -> Linalg.pascal(1));
        c("scipy pascal 0", () -> Linalg.pascal(0));
        c("scipy pascal negative", () -> Linalg.pascal(-2));
        c("scipy pascal bad kind", () -> Linalg.pascal(3, "diagonal"));
        c("scipy invpascal", () -> Linalg.invpascal(5));
        c("scipy invpascal lower", () -> Linalg.invpascal(4, "lower"));
        c("scipy invpascal upper", () -> Linalg.invpascal(3, "upper"));
        c("scipy invpascal 0", () -> Linalg.invpascal(0));
        c("scipy invpascal bad kind", () -> Linalg.invpascal(3, "x"));
        c("scipy invhilbert", () -> Linalg.invhilbert(5));
        c("scipy invhilbert 1", () -> Linalg.invhilbert(1));
        c("scipy invhilbert 3", () -> Linalg.invhilbert(3));
        c("scipy invhilbert 0", () -> Linalg.invhilbert(0));
        c("scipy invhilbert negative", () -> Linalg.invhilbert(-1));
        c("scipy convolution_matrix", () -> Linalg.convolutionMatrix(a(F32, 1, -2, 0.5), 4));
        c("scipy convolution_matrix same", () -> Linalg.convolutionMatrix(a(F32, 1, 2, 3, 4), 3, "same"));
        c("scipy convolution_matrix same wide", () -> Linalg.convolutionMatrix(a(F32, 1, 2), 5, "same"));
        c("scipy convolution_matrix valid", () -> Linalg.convolutionMatrix(a(F32, 1, 2, 3, 4, 5), 2, "valid"));
        c("scipy convolution_matrix valid wide", () -> Linalg.convolutionMatrix(a(F32, 1, 2), 4, "valid"));
        c("scipy convolution_matrix int", () -> Linalg.convolutionMatrix(a(I32, 1, 2, 3), 4, "same"));
        c("scipy convolution_matrix batch", () -> Linalg.convolutionMatrix(a2(F32, 2, 1, 2, 3, -1), 3));
        c("scipy convolution_matrix n 0", () -> Linalg.convolutionMatrix(a(F32, 1, 2), 0));
        c("scipy convolution_matrix scalar", () -> Linalg.convolutionMatrix(s(F32, 1), 2));
        c("scipy convolution_matrix empty", () -> Linalg.convolutionMatrix(Np.zeros(F32, 0), 2));
        c("scipy convolution_matrix bad mode", () -> Linalg.convolutionMatrix(a(F32, 1, 2), 2, "circular"));
        c("scipy fiedler_companion", () -> Linalg.fiedlerCompanion(a(F32, 2, -1, 3, 0.5, 4, -2)));
        c("scipy fiedler_companion int", () -> Linalg.fiedlerCompanion(a(I32, 1, 2, 3, 4, 5)));
        c("scipy fiedler_companion 2", () -> Linalg.fiedlerCompanion(a(F32, 2, 4)));
        c("scipy fiedler_companion 3", () -> Linalg.fiedlerCompanion(a(F32, 2, 4, -6)));
        c("scipy fiedler_companion 1", () -> Linalg.fiedlerCompanion(a(F32, 3)));
        c("scipy fiedler_companion batch", () -> Linalg.fiedlerCompanion(a2(F32, 2, 1, 2, 3, 4, 2, 0, -2, 8)));
        c("scipy fiedler_companion scalar", () -> Linalg.fiedlerCompanion(s(F32, 2)));
        c("scipy fiedler_companion empty", () -> Linalg.fiedlerCompanion(Np.zeros(F32, 0)));
        c("scipy polar", () -> parts(Linalg.polar(m4(F32))));
        c("scipy polar left", () -> parts(Linalg.polar(m4(F32), "left")));
        c("scipy polar tall", () -> parts(Linalg.polar(Np.transpose(w34()))));
        c("scipy polar wide left", () -> parts(Linalg.polar(w34(), "left")));
        c("scipy polar wide svd", () -> parts(Linalg.polar(w34(), "right", "svd")));
        c("scipy polar tall left svd", () -> parts(Linalg.polar(Np.transpose(w34()), "left", "svd")));
        c("scipy polar batch", () -> parts(Linalg.polar(m3b())));
        c("scipy polar f64", () -> parts(Linalg.polar(Np.astype(m5(), F64))));
        c("scipy polar wide qdwh", () -> parts(Linalg.polar(w34())));
        c("scipy polar int", () -> parts(Linalg.polar(a2(I32, 2, 1, 2, 3, 4))));
        c("scipy polar vector", () -> parts(Linalg.polar(a(F32, 1, 2))));
        c("scipy polar bad side", () -> parts(Linalg.polar(m4(F32), "up")));
        c(
                "scipy expm_frechet",
                () -> parts(Linalg.expmFrechet(
                        a2(F32, 3, 0.1, 0.5, -0.2, 0.3, -0.4, 0.2, 0, 0.6, 0.25),
                        a2(F32, 3, 1, 0, 2, 0, -1, 0, 0.5, 0, 1))));
        c("scipy expm_frechet batch", () -> parts(Linalg.expmFrechet(Np.multiply(m3b(), 0.3), Np.flip(m3b(), -1))));
        c("scipy expm_frechet f64", () -> parts(Linalg.expmFrechet(Np.multiply(m4(F64), 0.2), Np.transpose(m4(F64)))));
        c("scipy expm_frechet shapes", () -> parts(Linalg.expmFrechet(Np.eye(3, 3, 0, F32), Np.eye(2, 2, 0, F32))));
        c("scipy expm_frechet int", () -> parts(Linalg.expmFrechet(a2(I32, 2, 1, 2, 3, 4), a2(I32, 2, 1, 0, 0, 1))));
        c("scipy expm_frechet mixed", () -> parts(Linalg.expmFrechet(Np.eye(2, 2, 0, F32), a2(I32, 2, 1, 0, 0, 1))));
        c("scipy expm_frechet not square", () -> parts(Linalg.expmFrechet(Np.ones(F32, 2, 3), Np.ones(F32, 2, 3))));
        c(
                "scipy qr_multiply",
                () -> parts(Linalg.qrMultiply(Np.transpose(w34()), a2(F32, 2, 1, 2, 3, 4, 0, -1, 2, 1))));
        c(
                "scipy qr_multiply left",
                () -> parts(Linalg.qrMultiply(Np.transpose(w34()), a2(F32, 3, 1, 2, 3, 4, -1, 0.5), "left")));
        c("scipy qr_multiply vector", () -> parts(Linalg.qrMultiply(Np.transpose(w34()), a(F32, 1, 2, 3, 4))));
        c(
                "scipy qr_multiply vector left",
                () -> parts(Linalg.qrMultiply(Np.transpose(w34()), a(F32, 1, 2, 3), "left")));
        c("scipy qr_multiply wide", () -> parts(Linalg.qrMultiply(w34(), a2(F32, 2, 1, 2, 3, 0, 1, -1))));
        c("scipy qr_multiply wide left", () -> parts(Linalg.qrMultiply(w34(), a2(F32, 3, 1, 2, 3), "left")));
        c("scipy qr_multiply batch", () -> parts(Linalg.qrMultiply(m3b(), a2(F32, 1, 1, 2, 3))));
        c("scipy qr_multiply int", () -> parts(Linalg.qrMultiply(a2(I32, 3, 1, 2, 3, 4, 5, 6), a(I32, 1, 2, 3))));
        c("scipy qr_multiply mismatch", () -> parts(Linalg.qrMultiply(Np.transpose(w34()), a2(F32, 1, 1, 2, 3))));
        c(
                "scipy qr_multiply bad mode",
                () -> parts(Linalg.qrMultiply(Np.transpose(w34()), a(F32, 1, 2, 3, 4), "middle")));
        c("scipy qr_multiply scalar", () -> parts(Linalg.qrMultiply(Np.transpose(w34()), s(F32, 1))));
        c("scipy hessenberg", () -> Linalg.hessenberg(m4(F32)));
        c("scipy hessenberg q", () -> parts(Linalg.hessenberg(m4(F32), true)));
        c("scipy hessenberg 5", () -> parts(Linalg.hessenberg(m5(), true)));
        c("scipy hessenberg batch", () -> parts(Linalg.hessenberg(m3b(), true)));
        c("scipy hessenberg f64", () -> parts(Linalg.hessenberg(Np.astype(m5(), F64), true)));
        c("scipy hessenberg triangular", () -> parts(Linalg.hessenberg(Np.triu(m4(F32)), true)));
        c("scipy hessenberg 2", () -> parts(Linalg.hessenberg(a2(F32, 2, 1, 2, 3, 4), true)));
        c("scipy hessenberg 1", () -> parts(Linalg.hessenberg(a2(F32, 1, 5), true)));
        c("scipy hessenberg 0", () -> parts(Linalg.hessenberg(Np.zeros(F32, 0, 0), true)));
        c("scipy hessenberg int", () -> Linalg.hessenberg(a2(I32, 2, 1, 2, 3, 4)));
        c("scipy hessenberg not square", () -> Linalg.hessenberg(Np.ones(F32, 3, 2)));
        c("scipy eigh_tridiagonal", () -> Linalg.eighTridiagonal(a(F32, 1, 2, 3, 4, 5), a(F32, 1, -0.5, 2, 0.25), true)
                .eigenvalues());
        c("scipy eigh_tridiagonal f64", () -> Linalg.eighTridiagonal(a(F64, 2, -1, 0.5, 3), a(F64, 1, 1, 1), true)
                .eigenvalues());
        c("scipy eigh_tridiagonal vectors", () -> {
            Linalg.Eigh r = Linalg.eighTridiagonal(a(F32, 1, 2, 3, 4, 5), a(F32, 1, -0.5, 2, 0.25));
            return new Array[] {r.eigenvalues(), signfix(r.eigenvectors())};
        });
        c("scipy eigh_tridiagonal 1", () -> Linalg.eighTridiagonal(a(F32, 2), Np.zeros(F32, 0), true)
                .eigenvalues());
        c("scipy eigh_tridiagonal 1 vectors", () -> {
            Linalg.Eigh r = Linalg.eighTridiagonal(a(F32, 2), Np.zeros(F32, 0));
            return new Array[] {r.eigenvalues(), r.eigenvectors()};
        });
        c("scipy eigh_tridiagonal int", () -> Linalg.eighTridiagonal(a(I32, 1, 2), a(I32, 1), true)
                .eigenvalues());
        c("scipy eigh_tridiagonal mixed", () -> Linalg.eighTridiagonal(a(F32, 1, 2), a(I32, 1), true)
                .eigenvalues());
        c("scipy eigh_tridiagonal bad e", () -> Linalg.eighTridiagonal(a(F32, 1, 2, 3), a(F32, 1, 2, 3), true)
                .eigenvalues());
        c(
                "scipy solve_sylvester",
                () -> Linalg.solveSylvester(
                        Np.add(a2(F32, 3, 4, 1, -2, 1, 2, 0.5, -2, 0.5, 3), Np.multiply(Np.eye(3, 3, 0, F32), 3)),
                        a2(F32, 2, 1, 2, -1, 3),
                        a2(F32, 3, 1, 2, 3, 4, 5, 6)));
        c(
                "scipy solve_sylvester batch",
                () -> Linalg.solveSylvester(
                        Np.add(m3b(), Np.multiply(Np.eye(3, 3, 0, F32), 4)), a2(F32, 1, 2), a2(F32, 3, 1, 2, 3)));
        c(
                "scipy solve_sylvester f64",
                () -> Linalg.solveSylvester(
                        m4(F64),
                        Np.add(Np.transpose(m4(F64)), Np.multiply(Np.eye(4, 4, 0, F64), 10)),
                        Np.ones(F64, 4, 4)));
        c(
                "scipy solve_sylvester int",
                () -> Linalg.solveSylvester(a2(I32, 2, 2, 0, 0, 3), a2(I32, 1, 1), a2(I32, 2, 1, 2)));
        c(
                "scipy solve_sylvester singular",
                () -> Linalg.solveSylvester(a2(F32, 2, 1, 0, 0, 2), a2(F32, 1, -1), a2(F32, 2, 1, 2)));
        c(
                "scipy solve_sylvester shapes",
                () -> Linalg.solveSylvester(Np.eye(2, 2, 0, F32), Np.eye(3, 3, 0, F32), Np.ones(F32, 3, 2)));
        Supplier<Array> g3 = () -> a2(F32, 3, 1, 2, 3, 0.5, 4, 2, 3, 2, 1);
        c("scipy polar svd grad", () -> Kiln.grad((Array m) -> Np.sum(
                        Np.multiply(Linalg.polar(m, "right", "svd").u(), Np.reshape(Np.arange(0.0, 9.0, 1.0), 3, 3))))
                .apply(g3.get()));
        c("scipy expm_frechet grad e", () -> Kiln.grad((Array e) ->
                        Np.sum(Linalg.expmFrechet(Np.multiply(g3.get(), 0.1), e).frechet()))
                .apply(g3.get()));
        c("scipy expm_frechet grad a", () -> Kiln.grad(
                        (Array m) -> Np.sum(Linalg.expmFrechet(m, g3.get()).frechet()))
                .apply(Np.multiply(g3.get(), 0.1)));
        c("scipy dft", () -> dftParts(Linalg.dft(5)));
        c("scipy dft sqrtn", () -> dftParts(Linalg.dft(4, "sqrtn")));
        c("scipy dft n", () -> dftParts(Linalg.dft(3, "n")));
        c("scipy dft c128", () -> dftParts(Linalg.dft(6, null, F64)));
        c("scipy dft 0", () -> dftParts(Linalg.dft(0)));
        c("scipy dft bad scale", () -> dftParts(Linalg.dft(3, "half")));
        c("scipy sqrtm", () -> realPart(Linalg.sqrtm(a2(F32, 3, 4, 1, -2, 1, 2, 0.5, -2, 0.5, 3))));
        c("scipy sqrtm complex f64", () -> dftParts(Linalg.sqrtm(a2(F64, 3, 1, 3, 2, 5, 4, 2, 3, 2, 1))));
        c("scipy sqrtm rotation", () -> realPart(Linalg.sqrtm(a2(F32, 2, 0, -1, 1, 0))));
        c(
                "scipy sqrtm triangular",
                () -> realPart(Linalg.sqrtm(a2(F32, 4, 4, 2, 1, 0, 0, 9, 3, 1, 0, 0, 1, 2, 0, 0, 0, 16))));
        c("scipy sqrtm 5", () -> realPart(Linalg.sqrtm(Np.add(m5(), Np.multiply(Np.eye(5, 5, 0, F32), 6)))));
        c("scipy sqrtm 1", () -> realPart(Linalg.sqrtm(a2(F32, 1, 2.25))));
        c("scipy sqrtm int", () -> realPart(Linalg.sqrtm(a2(I32, 2, 4, 0, 0, 9))));
        c("scipy sqrtm batch", () -> realPart(Linalg.sqrtm(m3b())));
        c("scipy sqrtm not square", () -> realPart(Linalg.sqrtm(Np.ones(F32, 2, 3))));
        c("scipy schur complex triangular", () -> schurParts(Linalg.schur(Np.triu(m4(F32)), "complex")));
        c("scipy schur complex int", () -> schurParts(Linalg.schur(a2(I32, 2, 2, 1, 0, 5), "complex")));
        c("scipy schur not square", () -> schurParts(Linalg.schur(Np.ones(F32, 2, 3), "complex")));
        c("scipy schur bad output", () -> schurParts(Linalg.schur(Np.eye(2, 2, 0, F32), "x")));
    }

    /** ravel_multi_index modes and dtypes, interp's left/right, trapezoid's defaults and sample points. */
    private void indexAndIntegrate() {
        c("ravel_multi_index", () -> Np.ravelMultiIndex(new Array[] {a(I32, 0, 1, 1), a(I32, 2, 0, 1)}, 2, 3));
        c("ravel_multi_index oob raise", () -> Np.ravelMultiIndex(new Array[] {a(I32, 0, 5), a(I32, 1, 1)}, 2, 3));
        c(
                "ravel_multi_index negative raise",
                () -> Np.ravelMultiIndex(new Array[] {a(I32, 0, -1), a(I32, 1, 1)}, 2, 3));
        c(
                "ravel_multi_index clip",
                () -> Np.ravelMultiIndex(new Array[] {a(I32, 0, 5, -1), a(I32, 1, 1, 7)}, new int[] {2, 3}, "clip"));
        c(
                "ravel_multi_index wrap",
                () -> Np.ravelMultiIndex(new Array[] {a(I32, 0, 5, -1), a(I32, 1, 1, 7)}, new int[] {2, 3}, "wrap"));
        c("ravel_multi_index i8", () -> Np.ravelMultiIndex(new Array[] {a(I8, 0, 1), a(I8, 2, 3)}, 2, 4));
        c("ravel_multi_index i8 too small", () -> Np.ravelMultiIndex(new Array[] {a(I8, 0, 1), a(I8, 2, 3)}, 20, 40));
        c("ravel_multi_index float", () -> Np.ravelMultiIndex(new Array[] {a(F32, 0, 1), a(I32, 2, 3)}, 2, 4));
        c(
                "ravel_multi_index broadcast",
                () -> Np.ravelMultiIndex(new Array[] {a2(I32, 2, 0, 1), a(I32, 0, 1, 2)}, 2, 3));
        c(
                "ravel_multi_index bad mode",
                () -> Np.ravelMultiIndex(new Array[] {a(I32, 0), a(I32, 1)}, new int[] {2, 3}, "x"));
        c("interp left right", () -> Np.interp(a(F32, -1, 0.5, 5, NAN), a(F32, 0, 1, 2), a(F32, 1, 2, 0), -9.0, 9.0));
        c("interp left only", () -> Np.interp(a(F32, -1, 0.5, 5), a(F32, 0, 1, 2), a(F32, 1, 2, 0), -9.0, null));
        c("trapezoid default int", () -> Np.trapezoid(a2(I32, 2, 1, 2, 4, 0, 3, 3)));
        c("trapezoid x", () -> Np.trapezoid(a(F32, 1, 2, 4), a(F32, 0, 0.5, 2), -1));
        c("trapezoid x axis 0", () -> Np.trapezoid(a2(F32, 3, 1, 2, 4, 8, 0, 1), a(F32, 0, 1, 3), 0));
        c("trapezoid x same shape", () -> Np.trapezoid(a2(F32, 2, 1, 2, 4, 8), a2(F32, 2, 0, 2, 1, 1.5), -1));
        c("matrix_rank rtol", () -> Linalg.matrixRank(a2(F32, 2, 1, 0, 0, 1e-3), 1e-2));
        c("matrix_rank rtol small", () -> Linalg.matrixRank(a2(F32, 2, 1, 0, 0, 1e-3), 1e-4));
        c(
                "matrix_rank rtol batch",
                () -> Linalg.matrixRank(Np.reshape(a(F32, 1, 0, 0, 1e-3, 2, 2, 1, 1), 2, 2, 2), 0.5));
        Supplier<Array> vn8 = () -> a2(I8, 2, 1, -5, 3, 2);
        c("vector_norm int ord 1", () -> Linalg.vectorNorm(vn8.get(), 1, null, false));
        c("vector_norm int ord 1 axis", () -> Linalg.vectorNorm(vn8.get(), 1, ax(0), false));
        c("vector_norm int ord inf", () -> Linalg.vectorNorm(vn8.get(), INF, ax(0, 1), false));
        c("vector_norm int ord inf keepdims", () -> Linalg.vectorNorm(vn8.get(), INF, ax(1), true));
        c("vector_norm int ord -inf", () -> Linalg.vectorNorm(vn8.get(), -INF, ax(0), false));
        c("vector_norm int ord inf empty", () -> Linalg.vectorNorm(Np.zeros(I32, 0), INF, null, false));
        c("vector_norm int ord 0", () -> Linalg.vectorNorm(a(I32, 0, 3, 0), 0, null, false));
        c("vector_norm int ord 2", () -> Linalg.vectorNorm(a(I32, 3, 4), 2, null, false));
        c("choose oob raise", () -> Np.choose(a(I32, 0, 2, 1), a(F32, 1, 2, 3), a(F32, 4, 5, 6)));
        c("choose clip", () -> Np.choose(a(I32, 0, 2, -1), new Array[] {a(F32, 1, 2, 3), a(F32, 4, 5, 6)}, "clip"));
        c("choose wrap", () -> Np.choose(a(I32, 0, 2, -1), new Array[] {a(F32, 1, 2, 3), a(F32, 4, 5, 6)}, "wrap"));
        c("choose mixed", () -> Np.choose(a(I32, 0, 1, 1), a(F32, 1, 2, 3), a(I32, 4, 5, 6)));
        c("choose broadcast", () -> Np.choose(a2(I32, 2, 0, 1), a(F32, 1, 2, 3), s(F32, 7)));
        c("choose bad mode", () -> Np.choose(a(I32, 0), new Array[] {a(F32, 1)}, "x"));
        c("polyder int", () -> Np.polyder(a(I32, 1, 2, 3), 2));
        c("polyder past degree", () -> Np.polyder(a(F32, 1, 2), 3));
        c("polyder negative", () -> Np.polyder(a(F32, 1, 2), -1));
    }

    private static Array g(Function<Array, Array> f, Array x) {
        return Kiln.grad((Array v) -> Np.sum(f.apply(v))).apply(x);
    }

    private void promotion() {
        Supplier<Array> i3 = () -> a(I32, 1, 2, 3);
        Supplier<Array> f3 = () -> a(F32, 1.5, 2.5, 3.5);
        c("promote i32+int", () -> Np.add(i3.get(), 2));
        c("promote i32+double", () -> Np.add(i3.get(), 2.5));
        c("promote f32+double", () -> Np.add(f3.get(), 2.5));
        c("promote f32+int", () -> Np.add(f3.get(), 2));
        c("promote bool+int", () -> Np.add(bools(true, false), 1));
        c("promote bool+bool", () -> Np.add(bools(true, false), bools(true, true)));
        c("promote bool*double", () -> Np.multiply(bools(true, false), 1.5));
        c("promote u8+int", () -> Np.add(a(U8, 250, 3), 10));
        c("promote u8+i8", () -> Np.add(a(U8, 250, 3), a(I8, -1, 2)));
        c("promote u32+i32", () -> Np.add(a(U32, 7, 3), a(I32, -1, 2)));
        c("promote u32+i64", () -> Np.add(a(U32, 7, 3), a(I64, -1, 2)));
        c("promote i32+f16", () -> Np.add(i3.get(), a(F16, 0.5, 1, 2)));
        c("promote bf16+f16", () -> Np.add(a(BF16, 0.5, 1), a(F16, 0.5, 1)));
        c("promote i8+f16", () -> Np.multiply(a(I8, 3, -4), a(F16, 0.5, 1)));
        c("promote u16+i16", () -> Np.add(a(U16, 3, 4), a(I16, -3, 4)));
        c("promote f16+double", () -> Np.add(a(F16, 0.5, 1), 1e3));
        c("promote bf16+int", () -> Np.add(a(BF16, 0.5, 1), 3));
        c("true divide ints", () -> Np.divide(a(I32, 7, -7), a(I32, 2, 2)));
        c("true divide u8 by int", () -> Np.divide(a(U8, 7, 9), 2));
        c("true divide bools", () -> Np.divide(bools(true, false), bools(true, true)));
        c("power int int", () -> Np.power(a(I32, 2, 3, -2), a(I32, 3, 0, 3)));
        c("power i32 double", () -> Np.power(a(I32, 2, 3), 0.5));
        c("where weak", () -> Np.where(bools(true, false), a(I32, 1, 2), 0.5));
        c("where i8 int", () -> Np.where(bools(true, false), a(I8, 1, 2), 7));
        c("maximum i32 double", () -> Np.maximum(i3.get(), 2.5));
        c("equal i32 double", () -> Np.equal(i3.get(), 2.0));
        c("sum bool", () -> Np.sum(bools(true, true, false)));
        c("sum u8", () -> Np.sum(a(U8, 200, 100)));
        c("sum i8", () -> Np.sum(a(I8, 100, 100)));
        c("prod bool", () -> Np.prod(bools(true, true)));
        c("mean i32", () -> Np.mean(a(I32, 1, 2)));
        c("mean bool", () -> Np.mean(bools(true, false, false)));
        c("var i32", () -> Np.var(a(I32, 1, 2, 4)));
        c("mean f16", () -> Np.mean(a(F16, 1, 2, 4)));
        c("cumsum bool", () -> Np.cumsum(bools(true, true, false)));
        c("cumsum u8", () -> Np.cumsum(a(U8, 200, 100)));
        c("cumprod i8", () -> Np.cumprod(a(I8, 2, 3, 4)));
        c("abs i8 min", () -> Np.abs(a(I8, -128, 5)));
        c("negative u32", () -> Np.negative(a(U32, 1, 0)));
        c("sign u8", () -> Np.sign(a(U8, 0, 3)));
        c("sign bool", () -> Np.sign(bools(true, false)));
        c("sqrt i32", () -> Np.sqrt(a(I32, 4, 2)));
        c("sqrt bool", () -> Np.sqrt(bools(true, false)));
        c("exp i8", () -> Np.exp(a(I8, 1, 2)));
        c("floor i32", () -> Np.floor(a(I32, 1, -2)));
        c("square bool", () -> Np.square(bools(true, false)));
    }

    private void division() {
        double[] num = {7, -7, 7, -7, 0, 1, -1};
        double[] den = {2, 2, -2, -2, 3, -3, 3};
        c("floor_divide i32", () -> Np.floorDivide(a(I32, num), a(I32, den)));
        c("remainder i32", () -> Np.remainder(a(I32, num), a(I32, den)));
        c("fmod i32", () -> Np.fmod(a(I32, num), a(I32, den)));
        c("floor_divide i32 by zero", () -> Np.floorDivide(a(I32, 7, -7, 0), a(I32, 0, 0, 0)));
        c("remainder i32 by zero", () -> Np.remainder(a(I32, 7, -7, 0), a(I32, 0, 0, 0)));
        c("floor_divide i8", () -> Np.floorDivide(a(I8, num), a(I8, den)));
        c("floor_divide u8", () -> Np.floorDivide(a(U8, 7, 200, 0), a(U8, 2, 3, 5)));
        c("remainder u32", () -> Np.remainder(a(U32, 7, 4000000000.0, 0), a(U32, 2, 3, 5)));
        c(
                "floor_divide f32",
                () -> Np.floorDivide(a(F32, 7, -7, 7.5, -0.0, 1, INF, NAN), a(F32, 2, 2, -2, 3, 0, 2, 1)));
        c(
                "remainder f32",
                () -> Np.remainder(a(F32, 7, -7, 7.5, -0.0, 1, INF, 5, -5), a(F32, 2, 2, -2, 3, 0, 2, INF, INF)));
        c("fmod f64", () -> Np.fmod(a(F64, 7, -7, 7.5, -0.0, 1, 5), a(F64, 2, 2, -2, 3, 0, INF)));
        c("divmod i32", () -> Np.divmod(a(I32, num), a(I32, den)));
        c("lax div i32", () -> Lax.div(a(I32, num), a(I32, den)));
        c("lax rem i32", () -> Lax.rem(a(I32, num), a(I32, den)));
        c("floor_divide int weak", () -> Np.floorDivide(a(I32, 7, -7), -2));
        c("left_shift i32", () -> Np.leftShift(a(I32, 1, 1, 1, -1, 5), a(I32, 0, 31, 32, 3, 40)));
        c("right_shift i32", () -> Np.rightShift(a(I32, -8, -8, 8, -1, 8), a(I32, 1, 32, 33, 40, 3)));
        c("right_shift u8", () -> Np.rightShift(a(U8, 255, 128, 7), a(U8, 1, 8, 9)));
        c("left_shift u8", () -> Np.leftShift(a(U8, 255, 1, 7), a(U8, 1, 8, 7)));
        c("shift_right_logical i32", () -> Lax.shiftRightLogical(a(I32, -8, 8, -1), a(I32, 1, 2, 32)));
        c("shift_right_arithmetic i8", () -> Lax.shiftRightArithmetic(a(I8, -8, 8, -1), a(I8, 1, 9, 3)));
        c("left_shift negative amount", () -> Np.leftShift(a(I32, 4, 4), a(I32, -1, -33)));
        c("bitwise_not bool", () -> Np.bitwiseNot(bools(true, false)));
        c("bitwise_not u8", () -> Np.bitwiseNot(a(U8, 0, 200)));
        c("bitwise_and bool int", () -> Np.bitwiseAnd(bools(true, false), a(I32, 3, 3)));
        c("gcd i32", () -> Np.gcd(a(I32, 12, -12, 0, 0, 7), a(I32, 18, 18, 5, 0, -21)));
        c("lcm i32", () -> Np.lcm(a(I32, 4, -4, 0, 6), a(I32, 6, 6, 5, -4)));
    }

    private void rounding() {
        double[] rnd = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 2.6, -0.0, NAN, INF};
        c("round f32 half even", () -> Np.round(a(F32, rnd)));
        c("rint f64", () -> Np.rint(a(F64, rnd)));
        c("round decimals 1", () -> Np.round(a(F64, 0.25, 0.35, 1.45, -2.55, 1234.5678), 1));
        c("round decimals -1", () -> Np.round(a(F64, 15, 25, -35, 123), -1));
        c("round int", () -> Np.round(a(I32, 15, -3)));
        c("lax round away", () -> Lax.round(a(F32, rnd)));
        c("lax round even", () -> Lax.round(a(F32, rnd), "TO_NEAREST_EVEN"));
        c("trunc f32", () -> Np.trunc(a(F32, -1.5, 1.5, -0.2, -0.0)));
        c("ceil f32 negzero", () -> Np.ceil(a(F32, -0.5, 0.5, -0.0)));
        c("clip nan", () -> Np.clip(a(F32, NAN, -2, 5, 0.5), 0.0, 1.0));
        c("clip nan bounds", () -> Np.clip(a(F32, -2, 5, 0.5), NAN, 1.0));
        c("clip lo>hi", () -> Np.clip(a(F32, -2, 5, 0.5), 2.0, 1.0));
        c("clip int weak float", () -> Np.clip(a(I32, -2, 5, 1), 0.5, 3.5));
        c("clip int", () -> Np.clip(a(I32, -2, 5, 1), 0, 3));
        c("clip u8 negative", () -> Np.clip(a(U8, 2, 5, 1), 0, 3));
        c("clip none lo", () -> Np.clip(a(I32, -2, 5, 1), null, 3));
        c("clamp lax", () -> Lax.clamp(s(F32, 0), a(F32, NAN, -1, 2), s(F32, 1)));
        c("nan_to_num f32", () -> Np.nanToNum(a(F32, NAN, INF, -INF, 1)));
        c("nan_to_num f16", () -> Np.nanToNum(a(F16, NAN, INF, -INF, 1)));
    }

    private void nans() {
        Supplier<Array> nx = () -> a2(F32, 2, 1, NAN, 3, NAN, NAN, NAN);
        c("max nan", () -> Np.max(nx.get(), 1));
        c("nanmax all-nan row", () -> Np.nanmax(nx.get(), ax(1), false));
        c("nanmin all-nan row", () -> Np.nanmin(nx.get(), ax(1), false));
        c("nansum", () -> Np.nansum(nx.get(), ax(1), false));
        c("nanmean all-nan row", () -> Np.nanmean(nx.get(), ax(1), false));
        c("nanvar", () -> Np.nanvar(nx.get(), ax(1), false, 0));
        c("nanprod", () -> Np.nanprod(nx.get(), ax(1), false));
        c("nanargmax", () -> Np.nanargmax(a2(F32, 2, 1, NAN, 3, NAN, 2, 2), 1));
        c("nanargmin", () -> Np.nanargmin(a2(F32, 2, 1, NAN, 3, NAN, 2, 2), 1));
        c("argmax nan", () -> Np.argmax(a(F32, 1, NAN, 3, NAN)));
        c("argmin nan", () -> Np.argmin(a(F32, 1, NAN, -3)));
        c("argmax ties", () -> Np.argmax(a(I32, 1, 3, 3, 2)));
        c("argmin ties", () -> Np.argmin(a2(I32, 2, 2, 1, 1, 0, 0, 5), 1));
        c("argmax inf", () -> Np.argmax(a(F32, -INF, -INF)));
        c("argmax bool", () -> Np.argmax(bools(false, true, true)));
        c("argmax keepdims", () -> Np.argmax(a2(F32, 2, 2, 1, 4, 0, 7, 5), 0, true));
        c("argmax negzero", () -> Np.argmax(a(F32, -0.0, 0.0)));
        c("sort nan", () -> Np.sort(a(F32, 3, NAN, -INF, 1, NAN, INF, -0.0, 0.0)));
        c("sort descending nan", () -> Np.sort(a(F32, 3, NAN, -INF, 1), -1, true));
        c("argsort nan stable", () -> Np.argsort(a(F32, 3, NAN, 1, 3, NAN, 1)));
        c("argsort descending stable", () -> Np.argsort(a(I32, 3, 1, 3, 1, 2), -1, true));
        c("sort bool", () -> Np.sort(bools(true, false, true)));
        c("sort u32", () -> Np.sort(a(U32, 4000000000.0, 1, 2147483648.0)));
        c("sort axis 0", () -> Np.sort(a2(I32, 3, 3, 1, 1, 2, 2, 0), 0));
        c("sort axis none", () -> Np.sort(a2(I32, 2, 3, 1, 1, 2), null));
        c("median nan", () -> Np.median(a(F32, 1, NAN, 3)));
        c("nanmedian", () -> Np.nanmedian(a(F32, 1, NAN, 3, 4), null, false));
        c("maximum nan", () -> Np.maximum(a(F32, NAN, 1, -0.0), a(F32, 1, NAN, 0.0)));
        c("fmax nan", () -> Np.fmax(a(F32, NAN, 1, NAN), a(F32, 1, NAN, NAN)));
        c("cummax nan", () -> Lax.cummax(a(F32, 1, NAN, 3), 0, false));
        c("unique nan", () -> Np.unique(a(F32, 1, NAN, 1, NAN)));
        c("ptp i32", () -> Np.ptp(a2(I32, 2, 1, 5, 3, -2), ax(1), false));
        c("logsumexp -inf", () -> Special.logsumexp(a(F32, -INF, -INF), null, false));
        c("logsumexp inf", () -> Special.logsumexp(a(F32, INF, 1), null, false));
        c("max -0", () -> Np.max(a(F32, -0.0, 0.0)));
    }

    private void empties() {
        Supplier<Array> e = () -> Np.zeros(F32, 0, 3);
        c("sum empty", () -> Np.sum(e.get()));
        c("sum empty axis0", () -> Np.sum(e.get(), 0));
        c("sum empty axis1", () -> Np.sum(e.get(), 1));
        c("prod empty", () -> Np.prod(e.get(), 0));
        c("mean empty axis0", () -> Np.mean(e.get(), 0));
        c("max empty axis1", () -> Np.max(e.get(), 1));
        c("max empty axis0", () -> Np.max(e.get(), 0));
        c("max empty initial", () -> Np.max(e.get(), ReduceOptions.axes(0).initial(-1.0)));
        c("argmax empty", () -> Np.argmax(e.get(), 0));
        c("argmax empty rows", () -> Np.argmax(e.get(), 1));
        c("any empty", () -> Np.any(e.get()));
        c("all empty", () -> Np.all(e.get()));
        c("cumsum empty", () -> Np.cumsum(e.get(), 0));
        c("cumsum empty flat", () -> Np.cumsum(e.get()));
        c("cumprod empty", () -> Np.cumprod(e.get(), 1));
        c("sort empty", () -> Np.sort(e.get(), 0));
        c("argsort empty", () -> Np.argsort(Np.zeros(F32, 0)));
        c("concatenate empty", () -> Np.concatenate(new Array[] {e.get(), Np.ones(F32, 2, 3)}, 0));
        c("reshape empty -1", () -> Np.reshape(e.get(), 3, -1));
        c("reshape empty -1 ambiguous", () -> Np.reshape(e.get(), -1, 0));
        c("matmul empty k", () -> Np.matmul(Np.ones(F32, 2, 0), Np.ones(F32, 0, 3)));
        c("var empty", () -> Np.var(e.get(), 0));
        c("nanmax empty", () -> Np.nanmax(e.get(), ax(1), false));
        c("linspace 0", () -> Np.linspace(0, 1, 0));
        c("linspace 1", () -> Np.linspace(2, 5, 1));
        c("linspace 1 no endpoint", () -> Np.linspace(2, 5, 1, false, F32));
        c("linspace no endpoint", () -> Np.linspace(0, 1, 5, false, F32));
        c("linspace reverse", () -> Np.linspace(5, -1, 4));
        c("linspace int dtype", () -> Np.linspace(0, 10, 4, true, I32));
        c("linspace negative num", () -> Np.linspace(0, 1, -1));
        c("arange empty", () -> Np.arange(5, 2));
        c("arange negative step", () -> Np.arange(5, -3, -2));
        c("arange float", () -> Np.arange(0.0, 1.0, 0.3));
        c("arange float negative", () -> Np.arange(1.0, 0.0, -0.25));
        c("arange zero step", () -> Np.arange(0, 5, 0));
        c("arange float empty", () -> Np.arange(1.0, 0.0, 0.5));
        c("eye k beyond", () -> Np.eye(2, 3, 5, F32));
        c("diff empty", () -> Np.diff(Np.zeros(F32, 1)));
        c("take empty", () -> Np.take(a(F32, 1, 2, 3), Np.zeros(I32, 0)));
        c("mean empty all", () -> Np.mean(Np.zeros(F32, 0)));
        c("split empty", () -> Np.split(Np.zeros(F32, 0, 2), 2, 0));
    }

    private void axes() {
        Supplier<Array> x = () -> Np.reshape(Np.arange(0.0, 24.0, 1.0), 2, 3, 4);
        c("sum axis -1", () -> Np.sum(x.get(), -1));
        c("sum axes (0,-1)", () -> Np.sum(x.get(), ax(0, -1), false));
        c("sum axes (0,-1) keepdims", () -> Np.sum(x.get(), ax(0, -1), true));
        c("max axes (-3,1) keepdims", () -> Np.max(x.get(), ax(-3, 1), true));
        c("sum duplicate axes", () -> Np.sum(x.get(), ax(1, -2), false));
        c("sum axis 3", () -> Np.sum(x.get(), 3));
        c("sum axis -4", () -> Np.sum(x.get(), -4));
        c("mean keepdims", () -> Np.mean(x.get(), ax(1), true));
        c("std ddof", () -> Np.std(x.get(), ax(0, 2), false, 1));
        c("var ddof too large", () -> Np.var(a(F32, 1, 2), null, false, 2));
        c("argmin axis -1", () -> Np.argmin(x.get(), -1));
        c("cumsum axis -2", () -> Np.cumsum(x.get(), -2));
        c("reshape -1", () -> Np.reshape(x.get(), -1, 4));
        c("reshape -1 middle", () -> Np.reshape(x.get(), 2, -1, 3));
        c("reshape two -1", () -> Np.reshape(x.get(), -1, -1));
        c("reshape bad size", () -> Np.reshape(x.get(), 5, -1));
        c("reshape scalar", () -> Np.reshape(a(F32, 7)));
        c("squeeze axis -1", () -> Np.squeeze(Np.zeros(F32, 2, 1), -1));
        c("squeeze non-unit", () -> Np.squeeze(Np.zeros(F32, 2, 3), 1));
        c("expand_dims -1", () -> Np.expandDims(a(F32, 1, 2), -1));
        c("expand_dims tuple", () -> Np.expandDims(a(F32, 1, 2), 0, -1));
        c("moveaxis -1", () -> Np.moveaxis(x.get(), -1, 0));
        c("transpose negative", () -> Np.transpose(x.get(), -1, 0, 1));
        c("flip tuple", () -> Np.flip(x.get(), 0, -1));
        c("roll negative", () -> Np.roll(a(I32, 1, 2, 3, 4, 5), -7));
        c("roll axis", () -> Np.roll(Np.reshape(Np.arange(6), 2, 3), 1, -1));
        c("concatenate axis -1", () -> Np.concatenate(new Array[] {Np.ones(F32, 2, 1), Np.zeros(F32, 2, 2)}, -1));
        c("stack axis -1", () -> Np.stack(new Array[] {a(F32, 1, 2), a(F32, 3, 4)}, -1));
        c("concatenate mixed dtypes", () -> Np.concatenate(new Array[] {a(I32, 1, 2), a(F32, 0.5)}, 0));
        c("stack mixed dtypes", () -> Np.stack(new Array[] {a(I32, 1, 2), a(U8, 3, 4)}, 0));
        c("broadcast error", () -> Np.add(Np.ones(F32, 2, 3), Np.ones(F32, 3, 2)));
        c("broadcast_to error", () -> Np.broadcastTo(Np.ones(F32, 3), 2, 4));
        c("broadcast_to ok", () -> Np.broadcastTo(a(I32, 1, 2, 3), 2, 3));
        c("matmul mismatch", () -> Np.matmul(Np.ones(F32, 2, 3), Np.ones(F32, 2, 3)));
        c("matmul vec vec", () -> Np.matmul(a(F32, 1, 2, 3), a(F32, 4, 5, 6)));
        c("matmul int", () -> Np.matmul(a2(I32, 1, 1, 2), a2(I32, 2, 3, 4)));
        c("matmul i32 f32", () -> Np.matmul(a2(I32, 1, 1, 2), a2(F32, 2, 3, 4)));
        c("dot bool", () -> Np.dot(bools(true, false, true), bools(true, true, true)));
        c("tensordot 0", () -> Np.tensordot(a(F32, 1, 2), a(F32, 3, 4, 5), 0));
        c("outer mixed", () -> Np.outer(a(I32, 1, 2), a(F32, 0.5, 1)));
    }

    private void gathers() {
        Supplier<Array> v = () -> a(F32, 10, 20, 30, 40);
        Supplier<Array> idx = () -> a(I32, 0, 3, 4, -1, -5, 100);
        c("take default oob", () -> Np.take(v.get(), idx.get()));
        c("take fill", () -> Np.take(v.get(), idx.get(), "fill"));
        c("take clip", () -> Np.take(v.get(), idx.get(), "clip"));
        c("take wrap", () -> Np.take(v.get(), idx.get(), "wrap"));
        c("take int fill", () -> Np.take(a(I32, 10, 20), a(I32, 0, 5, -3), "fill"));
        c("take bool fill", () -> Np.take(bools(true, true), a(I32, 0, 5), "fill"));
        c("take u32 fill", () -> Np.take(a(U32, 1, 2), a(I32, 0, 5), "fill"));
        c("take axis -1", () -> Np.take(Np.reshape(Np.arange(0.0, 6.0, 1.0), 2, 3), a(I32, 2, 0), -1));
        c("take_along_axis oob", () -> Np.takeAlongAxis(a2(F32, 1, 1, 2, 3), a2(I32, 1, 0, 5, -1), 1));
        c("take_along_axis clip", () -> Np.takeAlongAxis(a2(F32, 1, 1, 2, 3), a2(I32, 1, 0, 5, -1), 1, "clip"));
        c("index negative", () -> Np.index(v.get(), "-1"));
        c("one_hot oob", () -> Nn.oneHot(a(I32, 0, 2, 3, -1), 3));
        c("searchsorted nan", () -> Np.searchsorted(a(F32, 1, 2, NAN), a(F32, NAN, 1.5, 2)));
        c("searchsorted right", () -> Np.searchsorted(a(I32, 1, 2, 2, 3), a(I32, 2, 0, 9), "right"));
        c("bincount length", () -> Np.bincount(a(I32, 0, 1, 1, 5), 4));
        c("digitize right", () -> Np.digitize(a(F32, 1, 2, 2.5), a(F32, 1, 2, 3), true));
    }

    private void specials() {
        c("sqrt neg", () -> Np.sqrt(a(F32, -1, -0.0, INF)));
        c("log edge", () -> Np.log(a(F32, 0, -0.0, -1, INF)));
        c("power edge", () -> Np.power(a(F64, 0, 0, -8, NAN, 1, -1), a(F64, 0, -1, 1.0 / 3, 0, NAN, INF)));
        c("power int negative exponent", () -> Np.power(a(I32, 2, 1, -1), a(I32, -1, -2, -3)));
        c("integer_pow neg", () -> Lax.integerPow(a(F32, 2, -0.0, 0), -2));
        c("arctan2 zeros", () -> Np.arctan2(a(F32, 0, -0.0, 0, -0.0), a(F32, 0, 0, -0.0, -0.0)));
        c("sign nan", () -> Np.sign(a(F32, NAN, -0.0, 0, -INF)));
        c("copysign", () -> Np.copysign(a(F32, 1, 2, NAN), a(F32, -0.0, 1, -1)));
        c("signbit", () -> Np.signbit(a(F32, -0.0, 0, -INF, -1)));
        c("hypot inf nan", () -> Np.hypot(a(F32, INF, NAN, 3), a(F32, NAN, INF, 4)));
        c("logaddexp inf", () -> Np.logaddexp(a(F32, INF, -INF, -INF), a(F32, INF, -INF, 1)));
        c("sinc 0", () -> Np.sinc(a(F32, 0, 1, 0.5)));
        c("xlogy 0", () -> Special.xlogy(a(F32, 0, 0, 1), a(F32, 0, -1, 0)));
        c("xlog1py 0", () -> Special.xlog1py(a(F32, 0, 1), a(F32, -1, -1)));
        c("entr", () -> Special.entr(a(F32, 0, -1, 0.5, INF)));
        c("gammaln poles", () -> Special.gammaln(a(F64, 0, -1, 1, 2, 3)));
        c("digamma poles", () -> Special.digamma(a(F64, 0, -1, -2.5, 1)));
        c("logit edge", () -> Special.logit(a(F32, 0, 1, 0.5, 2)));
        c("ndtri edge", () -> Special.ndtri(a(F64, 0, 1, 0.5, -0.1)));
        c("erfinv edge", () -> Special.erfinv(a(F32, -1, 1, 0, 1.5)));
        c("softmax -inf", () -> Nn.softmax(a(F32, -INF, 0, 1)));
        c("softmax int", () -> Nn.softmax(a(F32, 1, 2)));
        c("log_softmax -inf", () -> Nn.logSoftmax(a(F32, -INF, 0)));
        c("relu int", () -> Nn.relu(a(I32, -2, 3)));
        c("relu6 int", () -> Nn.relu6(a(I32, -2, 3, 9)));
        c("sigmoid extreme", () -> Nn.sigmoid(a(F32, -1000, 1000, -INF)));
        c("gelu exact", () -> Nn.gelu(a(F32, -3, 0, 2), false));
        c("logsumexp axis empty", () -> Special.logsumexp(Np.zeros(F32, 0, 2), ax(0), false));
        c("one_hot dtype", () -> Nn.oneHot(a(I32, 1, 0), 2, -1, I32));
        c("standardize", () -> Nn.standardize(a2(F32, 1, 1, 2, 3), -1));
        c("cbrt neg", () -> Np.cbrt(a(F32, -8, -0.0, -INF)));
        c("expm1 log1p", () -> Np.log1p(a(F32, -1, -2, INF)));
        c("isclose inf", () -> Np.isclose(a(F32, INF, INF, NAN, 1), a(F32, INF, -INF, NAN, 1 + 1e-9)));
        c("isclose equal_nan", () -> Np.isclose(a(F32, NAN, 1), a(F32, NAN, 1), 1e-5, 1e-8, true));
        c("heaviside", () -> Np.heaviside(a(F32, -1, 0, 2, NAN), a(F32, 0.5, 0.5, 0.5, 0.5)));
        c("ldexp", () -> Np.ldexp(a(F32, 1, 3, 1), a(I32, 2, -1, 200)));
        c("frexp", () -> Np.frexp(a(F32, 8, 0, -3, 0.75)));
        c("modf", () -> Np.modf(a(F32, 2.5, -2.5, -0.0, INF)));
        c("float_power int", () -> Np.floatPower(a(I32, 2, 3), a(I32, 2, -1)));
        c("i0 neg", () -> Np.i0(a(F32, -1, 0)));
        c("interp outside", () -> Np.interp(a(F32, -1, 0.5, 3), a(F32, 0, 1), a(F32, 10, 20)));
    }

    private void gradients() {
        c("grad abs 0", () -> g(Np::abs, a(F32, 0, -0.0, -2, 3)));
        c("grad sqrt 0", () -> g(Np::sqrt, a(F32, 0, 4)));
        c("grad max ties", () -> g(Np::max, a(F32, 1, 3, 3, 2)));
        c("grad max ties axis", () -> g(v -> Np.max(v, 1), a2(F32, 2, 3, 3, 1, 2)));
        c("grad min ties", () -> g(Np::min, a(F32, 1, 1, 1)));
        c("grad maximum ties", () -> g(v -> Np.maximum(v, 1.0), a(F32, 1, 0, 2)));
        c("grad minimum ties", () -> g(v -> Np.minimum(v, v), a(F32, 1, 0)));
        c(
                "grad where nan untaken",
                () -> g(
                        v -> Np.where(Np.greater(v, 0), Np.sqrt(Np.where(Np.greater(v, 0), v, 1.0)), 0.0),
                        a(F32, -1, 4)));
        c("grad where nan leak", () -> g(v -> Np.where(Np.greater(v, 0), Np.log(v), 0.0), a(F32, -1, 4)));
        c("grad relu 0", () -> g(Nn::relu, a(F32, 0, 1, -1)));
        c("grad relu6 6", () -> g(Nn::relu6, a(F32, 0, 6, 3)));
        c("grad clip bounds", () -> g(v -> Np.clip(v, 0.0, 1.0), a(F32, 0, 1, 0.5, 2)));
        c("grad sort ties", () -> g(v -> Np.multiply(Np.sort(v), a(F32, 1, 2, 3)), a(F32, 2, 1, 2)));
        c("grad round", () -> g(Np::round, a(F32, 0.5, 1.2)));
        c("grad floor", () -> g(Np::floor, a(F32, 0.5, 1.2)));
        c("grad sign", () -> g(Np::sign, a(F32, 0, 1.2)));
        c("grad pow 0", () -> g(v -> Np.power(v, 2.0), a(F32, 0, -3)));
        c("grad pow 0 base", () -> Kiln.grad((Array p) -> Np.sum(Np.power(a(F32, 0, 2), p)))
                .apply(a(F32, 2, 2)));
        c("grad x**0.5 at 0", () -> g(v -> Np.power(v, 0.5), a(F32, 0, 1)));
        scipyLinalg();
        hyp2f1();
        raggedDotGeneral();
        rngBitGenerator();
        newUnderTransforms();
        Array w7 = a(F32, 1, 2, 3, 4, 5, 6, 7);
        c("grad cummax ties", () -> g(v -> Np.multiply(Lax.cummax(v, 0, false), w7), a(F32, 1, 3, 3, 2, 3, 0, 3)));
        c("grad cummax all equal", () -> g(v -> Np.multiply(Lax.cummax(v, 0, false), w7), a(F32, 2, 2, 2, 2, 2, 2, 2)));
        c(
                "grad cummin ties reverse",
                () -> g(v -> Np.multiply(Lax.cummin(v, 0, true), a(F32, 1, 2, 3, 4, 5, 6)), a(F32, 2, 1, 1, 1, 5, 1)));
        c(
                "grad cummax ties axis 0",
                () -> g(
                        v -> Np.multiply(Lax.cummax(v, 0, false), a2(F32, 5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
                        a2(F32, 5, 1, 0, 1, 0, 0, 0, 1, 2, 1, 2)));
        c(
                "grad cummax nan",
                () -> g(v -> Np.multiply(Lax.cummax(v, 0, false), a(F32, 1, 2, 3, 4)), a(F32, 1, NAN, 1, 2)));
        c("grad logsumexp -inf", () -> g(v -> Special.logsumexp(v, null, false), a(F32, -INF, 0)));
        c("grad norm 0", () -> g(Linalg::norm, a(F32, 0, 0)));
        c("grad hypot 0", () -> g(v -> Np.hypot(v, v), a(F32, 0, 3)));
        c("grad prod zero", () -> g(Np::prod, a(F32, 0, 2, 3)));
        c("grad prod two zeros", () -> g(Np::prod, a(F32, 0, 2, 0)));
        c("grad cumprod zero", () -> g(Np::cumprod, a(F32, 2, 0, 3)));
        c("grad xlogy 0", () -> g(v -> Special.xlogy(v, v), a(F32, 0, 1)));
        c("grad argmax-taken", () -> g(v -> Np.take(v, Np.argmax(v)), a(F32, 1, 5, 5)));
        c("grad logaddexp equal", () -> g(v -> Np.logaddexp(v, v), a(F32, 0, -INF)));
        c("grad softplus big", () -> g(Nn::softplus, a(F32, 100, -100)));
        c("grad sinc 0", () -> g(Np::sinc, a(F32, 0)));
        c("grad arctan2 0", () -> g(v -> Np.arctan2(v, 1.0), a(F32, 0)));
        c("grad nanmax", () -> g(Np::nanmax, a(F32, 1, NAN, 3)));
        c("grad nansum", () -> g(Np::nansum, a(F32, 1, NAN, 3)));
        c("grad mean empty-safe", () -> g(v -> Np.mean(v, 0), a2(F32, 1, 1, 2)));
        c("grad var", () -> g(Np::var, a(F32, 1, 2, 4)));
        c("grad std 0", () -> g(Np::std, a(F32, 1, 1)));
        c("grad take dup", () -> g(v -> Np.take(v, a(I32, 0, 0, 2)), a(F32, 1, 2, 3)));
        c("grad take fill oob", () -> g(v -> Np.take(v, a(I32, 0, 9), "fill"), a(F32, 1, 2)));
        c("grad erf 0", () -> g(Special::erf, a(F32, 0)));
        c("grad gelu 0", () -> g(Nn::gelu, a(F32, 0, 1)));
        c("grad silu 0", () -> g(Nn::silu, a(F32, 0)));
        c("grad elu 0", () -> g(Nn::elu, a(F32, 0, -1)));
        c("grad leaky_relu 0", () -> g(Nn::leakyRelu, a(F32, 0, -1)));
        c("grad hard_tanh edges", () -> g(Nn::hardTanh, a(F32, -1, 1, 0)));
    }

    private void laxCases() {
        c("lax shift_right_logical u8", () -> Lax.shiftRightLogical(a(U8, 255, 128, 7), a(U8, 1, 8, 9)));
        c("lax shift_right_arithmetic u8", () -> Lax.shiftRightArithmetic(a(U8, 255, 128, 7), a(U8, 1, 3, 9)));
        c("lax shift_right_logical u32", () -> Lax.shiftRightLogical(a(U32, 4000000000.0, 8), a(U32, 1, 40)));
        c("lax shift_left u16", () -> Lax.shiftLeft(a(U16, 65535, 1), a(U16, 4, 16)));
        c("right_shift u16", () -> Np.rightShift(a(U16, 65535, 32768), a(U16, 4, 15)));
        c("right_shift i16", () -> Np.rightShift(a(I16, -32768, 5), a(I16, 4, 20)));
        c("population_count", () -> Lax.populationCount(a(I32, -1, 0, 7, -128)));
        c("population_count u8", () -> Lax.populationCount(a(U8, 255, 0, 7)));
        c("clz", () -> Lax.clz(a(I32, 0, 1, -1, 256)));
        c("clz u8", () -> Lax.clz(a(U8, 0, 1, 255, 16)));
        c("lax sign int", () -> Lax.sign(a(I32, -3, 0, 5)));
        c("lax abs i32 min", () -> Lax.abs(a(I32, -2147483648.0, -1)));
        c("lax integer_pow 0", () -> Lax.integerPow(a(F32, 0, NAN, 2), 0));
        c("lax integer_pow int", () -> Lax.integerPow(a(I32, 3, -2), 3));
        c("lax nextafter", () -> Lax.nextafter(a(F32, 0, 1, 1, NAN), a(F32, 1, 2, 0, 1)));
        c(
                "lax select_n",
                () -> Lax.selectN(a(I32, 0, 1, 2, 1), a(F32, 1, 1, 1, 1), a(F32, 2, 2, 2, 2), a(F32, 3, 3, 3, 3)));
        c("lax select_n bool", () -> Lax.selectN(bools(true, false), a(I32, 1, 1), a(I32, 2, 2)));
        c("lax top_k ties nan", () -> Lax.topK(a(F32, 1, NAN, 3, 3, -INF), 3));
        c("lax top_k int ties", () -> Lax.topK(a(I32, 2, 5, 5, 1, 5), 2));
        c("lax argmax nan", () -> Lax.argmax(a(F32, 1, NAN, 5), 0, I32));
        c("lax argmin index dtype", () -> Lax.argmin(a2(F32, 2, 3, 1, 0, 2), 1, U8));
        c("lax cumsum reverse", () -> Lax.cumsum(a(I32, 1, 2, 3), 0, true));
        c("lax cumprod reverse", () -> Lax.cumprod(a(F32, 1, 2, 3), 0, true));
        c("lax cumlogsumexp -inf", () -> Lax.cumlogsumexp(a(F32, -INF, 0, -INF), 0, false));
        c("lax cummin reverse nan", () -> Lax.cummin(a(F32, 3, NAN, 1, 2), 0, true));
        c("lax dynamic_slice clamp", () -> Lax.dynamicSlice(a(I32, 1, 2, 3, 4, 5), new Array[] {Np.scalar(4)}, 3));
        c("lax dynamic_slice negative", () -> Lax.dynamicSlice(a(I32, 1, 2, 3, 4, 5), new Array[] {Np.scalar(-2)}, 2));
        c(
                "lax dynamic_update_slice clamp",
                () -> Lax.dynamicUpdateSlice(a(I32, 1, 2, 3, 4, 5), a(I32, 9, 9), Np.scalar(10)));
        c("lax pad negative", () -> Lax.pad(a(F32, 1, 2, 3, 4), s(F32, 0), ax(-1), ax(2), ax(1)));
        c("lax pad interior", () -> Lax.pad(a2(I32, 2, 1, 2, 3, 4), s(I32, -1), ax(1, 0), ax(0, -1), ax(1, 0)));
        c("lax rev", () -> Lax.rev(a2(I32, 2, 1, 2, 3, 4, 5, 6), 0, 1));
        c("lax reduce_precision", () -> Lax.reducePrecision(a(F32, 1 + Math.pow(2, -10), 65520, 1e-8), 5, 10));
        c("lax convert nan to int", () -> Lax.convertElementType(a(F32, NAN, 2.7, -2.7, 3e9, -3e9), I32));
        c("astype float to u8", () -> Np.astype(a(F32, 1.9, 255, 0), U8));
        c("astype float to bool", () -> Np.astype(a(F32, 0, -0.0, NAN, 0.1), DType.BOOL));
        c("astype int to bool", () -> Np.astype(a(I32, 0, 2, -1), DType.BOOL));
        c("astype i32 to i8 wrap", () -> Np.astype(a(I32, 127, 128, 255, -129), I8));
        c("astype i32 to u8 wrap", () -> Np.astype(a(I32, 256, -1, 300), U8));
        c("astype f32 to f16 overflow", () -> Np.astype(a(F32, 70000, 65519, 1e-8), F16));
        c("astype f32 to bf16 rounding", () -> Np.astype(a(F32, 1.00390625, 1.01171875, 3e38), BF16));
        c("lax erf_inv", () -> Lax.erfInv(a(F32, 0.5, -0.999, 1)));
        c("lax lgamma", () -> Lax.lgamma(a(F32, 0.5, 1, 10)));
        c("lax igamma edges", () -> Lax.igamma(a(F32, 1, 0.5, 2), a(F32, 0, INF, 1)));
        c("lax iota", () -> Lax.iota(I32, ax(0), 0));
        c("lax rem f32 signs", () -> Lax.rem(a(F32, 5.5, -5.5, 5.5, -0.0), a(F32, 2, 2, -2, 1)));
        c("lax div f32", () -> Lax.div(a(F32, 1, -1, 0), a(F32, 0, 0, 0)));
        c("lax clamp int", () -> Lax.clamp(s(I32, 0), a(I32, -5, 3, 99), s(I32, 10)));
        c("lax clamp array bounds", () -> Lax.clamp(a(I32, 0, 1, 2), a(I32, 5, -5, 1), a(I32, 1, 2, 3)));
    }

    private void moreNumpy() {
        c("cumsum dtype", () -> Np.cumsum(a(I8, 100, 100), null, I32));
        c("cumulative_sum include_initial", () -> Np.cumulativeSum(a(I32, 1, 2, 3), 0, true));
        c("cumulative_sum empty include_initial", () -> Np.cumulativeSum(Np.zeros(F32, 0), 0, true));
        c("sum where", () -> Np.sum(a(F32, 1, 2, 3), ReduceOptions.all().where(bools(true, false, true))));
        c(
                "max where initial",
                () -> Np.max(
                        a(F32, 1, 5, 3),
                        ReduceOptions.all().where(bools(true, false, true)).initial(0.0)));
        c("mean where none", () -> Np.mean(a(F32, 1, 2), ReduceOptions.all().where(bools(false, false))));
        c("count_nonzero", () -> Np.countNonzero(a2(F32, 2, 0, NAN, -0.0, 2), ax(0), false));
        c("average weights", () -> Np.average(a(F32, 1, 2, 3), null, a(F32, 0, 1, 3)));
        c("percentile nearest", () -> Np.percentile(a(F32, 1, 2, 3, 4), s(F32, 50), null, false, "nearest"));
        c("quantile lower", () -> Np.quantile(a(F32, 1, 2, 3, 4), a(F32, 0, 0.4, 1), null, false, "lower"));
        c("quantile midpoint", () -> Np.quantile(a(F32, 4, 1, 3, 2), a(F32, 0.5, 0.1), null, false, "midpoint"));
        c("median even int", () -> Np.median(a(I32, 1, 2, 3, 4)));
        c("diff n=2", () -> Np.diff(a(I32, 1, 4, 9, 16), 2, -1));
        c("diff bool", () -> Np.diff(bools(true, false, false)));
        c("ediff1d", () -> Np.ediff1d(a2(I32, 2, 1, 2, 4, 8)));
        c("trapezoid", () -> Np.trapezoid(a(F32, 1, 2, 4), 0.5, -1));
        c("polyval int", () -> Np.polyval(a(I32, 1, 2, 3), a(I32, 2, -1)));
        c("convolve full", () -> Np.convolve(a(F32, 1, 2, 3), a(F32, 0, 1, 0.5), "full"));
        c("convolve same even", () -> Np.convolve(a(F32, 1, 2, 3, 4), a(F32, 1, 1), "same"));
        c("correlate valid", () -> Np.correlate(a(F32, 1, 2, 3), a(F32, 0, 1), "valid"));
        c("tri k", () -> Np.tri(3, 4, -1, I32));
        c("tril k", () -> Np.tril(Np.ones(I32, 3, 3), 1));
        c("triu negative", () -> Np.triu(Np.reshape(Np.arange(9), 3, 3), -1));
        c("diagonal offset", () -> Np.diagonal(Np.reshape(Np.arange(12), 3, 4), -1, 0, 1));
        c("diagonal offset beyond", () -> Np.diagonal(Np.reshape(Np.arange(12), 3, 4), 5, 0, 1));
        c("trace offset", () -> Np.trace(Np.reshape(Np.arange(12), 3, 4), 1));
        c("diag k", () -> Np.diag(a(I32, 1, 2), -1));
        c("kron", () -> Np.kron(a2(I32, 1, 1, 2), a2(I32, 2, 1, 10)));
        c("cross", () -> Np.cross(a(F32, 1, 0, 0), a(F32, 0, 1, 0)));
        c("tile reps longer", () -> Np.tile(a(I32, 1, 2), 2, 2));
        c("repeat axis", () -> Np.repeat(a2(I32, 2, 1, 2, 3, 4), 2, -1));
        c("repeat 0", () -> Np.repeat(a(I32, 1, 2), 0));
        c("pad reflect", () -> Np.pad(a(I32, 1, 2, 3), new int[][] {{2, 2}}, "reflect"));
        c("pad edge", () -> Np.pad(a(I32, 1, 2, 3), new int[][] {{1, 2}}, "edge"));
        c("pad wrap", () -> Np.pad(a(I32, 1, 2, 3), new int[][] {{4, 1}}, "wrap"));
        c("pad symmetric", () -> Np.pad(a(I32, 1, 2, 3), new int[][] {{2, 1}}, "symmetric"));
        c("pad reflect wide", () -> Np.pad(a(I32, 1, 2, 3), new int[][] {{7, 5}}, "reflect"));
        c("pad symmetric wide", () -> Np.pad(a2(I32, 1, 1, 2, 3), new int[][] {{0, 0}, {4, 8}}, "symmetric"));
        c("pad reflect single", () -> Np.pad(a(I32, 5), new int[][] {{2, 3}}, "reflect"));
        c("pad wrap empty axis", () -> Np.pad(Np.zeros(I32, 0), new int[][] {{1, 1}}, "wrap"));
        c("rot90 k=-1", () -> Np.rot90(Np.reshape(Np.arange(6), 2, 3), -1));
        c("rot90 k=6", () -> Np.rot90(Np.reshape(Np.arange(6), 2, 3), 6));
        c("array_split uneven", () -> Np.arraySplit(Np.arange(7), 3, 0));
        c("split indivisible", () -> Np.split(Np.arange(7), 3, 0));
        c("isin", () -> Np.isin(a(I32, 1, 2, 3), a(I32, 2, 5)));
        c("isin nan", () -> Np.isin(a(F32, NAN, 1), a(F32, NAN, 1)));
        c("unique int", () -> Np.unique(a(I32, 3, 1, 3, -1, 1)));
        c("intersect1d", () -> Np.intersect1d(a(I32, 1, 3, 4, 3), a(I32, 3, 1, 2, 1)));
        c("setdiff1d", () -> Np.setdiff1d(a(I32, 1, 2, 3, 4), a(I32, 2, 4)));
        c("union1d", () -> Np.union1d(a(I32, -1, 0, 1), a(I32, -2, 0, 2)));
        c("bincount weights", () -> Np.bincount(a(I32, 0, 1, 1, 3), a(F32, 0.5, 1, 2, 3)));
        c("histogram", () -> Np.histogram(a(F32, 1, 2, 2, 3, 9), 4));
        c("lexsort", () -> Np.lexsort(a(I32, 1, 2, 1, 2), a(I32, 0, 0, 1, 1)));
        c("argwhere", () -> Np.argwhere(a2(I32, 2, 0, 1, 2, 0)));
        c("nonzero", () -> Np.nonzero(a(I32, 0, 3, 0, 4)));
        c("flatnonzero", () -> Np.flatnonzero(a2(I32, 2, 0, 3, 0, 4)));
        c("logspace", () -> Np.logspace(0, 2, 3, 10));
        c("geomspace negative", () -> Np.geomspace(-1, -1000, 4));
        c("meshgrid ij", () -> Np.meshgrid("ij", a(I32, 1, 2), a(I32, 3, 4, 5)));
        c("meshgrid xy", () -> Np.meshgrid("xy", a(I32, 1, 2), a(I32, 3, 4, 5)));
        c("indices", () -> Np.indices(2, 3));
        c("vander", () -> Np.vander(a(I32, 1, 2, 3), 3, false));
        c("einsum trace", () -> Np.einsum("ii->", a2(I32, 2, 1, 2, 3, 4)));
        c("einsum broadcast", () -> Np.einsum("...ij,...jk->...ik", Np.ones(F32, 2, 2, 3), Np.ones(F32, 3, 1)));
        c("inner int", () -> Np.inner(a(I32, 1, 2), a(I32, 3, 4)));
        c("vdot", () -> Np.vdot(a2(F32, 1, 1, 2), a2(F32, 2, 3, 4)));
        c("matmul batch broadcast", () -> Np.matmul(Np.ones(F32, 2, 1, 2, 3), Np.ones(F32, 3, 3, 1)));
        c("matmul 0-d", () -> Np.matmul(s(F32, 2), a(F32, 1)));
        c("resize", () -> Np.resize(a(I32, 1, 2, 3), 2, 4));
        c("append axis none", () -> Np.append(a2(I32, 1, 1, 2), a(I32, 3), null));
        c("delete", () -> Np.delete(a(I32, 1, 2, 3, 4), ax(0, -1), 0));
        c("insert", () -> Np.insert(a(I32, 1, 2, 3), 1, 9, 0));
        c("fill_diagonal", () -> Np.fillDiagonal(Np.zeros(I32, 3, 3), 5));
        c(
                "select",
                () -> Np.select(
                        new Array[] {bools(true, false, false), bools(true, true, false)},
                        new Array[] {a(I32, 1, 1, 1), a(I32, 2, 2, 2)},
                        0));
        c("piecewise-free where scalar", () -> Np.where(Np.scalar(true), 1, 2));
        c("allclose", () -> Np.allclose(a(F32, 1, NAN), a(F32, 1, NAN)));
        c("array_equal shapes", () -> Np.arrayEqual(a(I32, 1, 2), a2(I32, 1, 1, 2)));
        c("array_equal nan", () -> Np.arrayEqual(a(F32, NAN), a(F32, NAN), true));
        c("nancumsum", () -> Np.nancumsum(a(F32, 1, NAN, 2), 0));
        c("nanpercentile", () -> Np.nanpercentile(a(F32, 1, NAN, 3), 50.0, null, false));
        c("nanstd ddof", () -> Np.nanstd(a(F32, 1, NAN, 3, 4), null, false, 1));
        c("around negative decimals f32", () -> Np.around(a(F32, 1250, 1350, -55), -2));
        c("floor_divide mixed", () -> Np.floorDivide(a(I32, 7, -7), a(F32, 2, 2)));
        c("mod negative float weak", () -> Np.mod(a(I32, 5, -5), -3.0));
        c("true_divide by zero", () -> Np.trueDivide(a(I32, 1, -1, 0), 0));
        c("reciprocal int", () -> Np.reciprocal(a(I32, 1, 2, 0)));
        c("logical_xor int", () -> Np.logicalXor(a(I32, 0, 2, 3), a(I32, 0, 0, 1)));
        c("logical_not float", () -> Np.logicalNot(a(F32, 0, NAN, 2)));
        c("invert i8", () -> Np.invert(a(I8, 0, -1, 127)));
        c("left_shift bool", () -> Np.leftShift(bools(true, false), bools(true, true)));
        c("power u8 wrap", () -> Np.power(a(U8, 2, 3), a(U8, 8, 5)));
        c("power weak negative int", () -> Np.power(a(I32, 2, 4), -1));
        c("exp2 int", () -> Np.exp2(a(I32, 3, -1)));
        c("log2 exact", () -> Np.log2(a(F32, 8, 0.125, 1024)));
        c("log10 exact", () -> Np.log10(a(F32, 1000, 1e-3)));
        c("deg2rad int", () -> Np.deg2rad(a(I32, 180, 90)));
        c("arccosh 1", () -> Np.arccosh(a(F32, 1, 0.5, INF)));
        c("arctanh 1", () -> Np.arctanh(a(F32, 1, -1, 2)));
        c("tan pi/2", () -> Np.tan(a(F32, 1.5707964, 0)));
        c("sinh big", () -> Np.sinh(a(F32, 100, -100)));
        c("fmin nan", () -> Np.fmin(a(F32, NAN, 1), a(F32, 2, NAN)));
        c("minimum int", () -> Np.minimum(a(I32, 1, 5), a(U8, 3, 2)));
        c("nextafter", () -> Np.nextafter(a(F32, 1, 0), a(F32, 2, -1)));
        c("spacing", () -> Np.spacing(a(F32, 1, -1, 0)));
    }

    private void nnSpecial() {
        c("nn glu", () -> Nn.glu(a2(F32, 1, 1, 2, -1, 3), -1));
        c("nn glu odd", () -> Nn.glu(a(F32, 1, 2, 3)));
        c("nn softmax axis tuple", () -> Nn.softmax(a2(F32, 2, 1, 2, 3, 4), ax(0, 1)));
        c("nn softmax all -inf", () -> Nn.softmax(a(F32, -INF, -INF)));
        c("nn log_softmax axis 0", () -> Nn.logSoftmax(a2(F32, 2, 1, 2, 3, 5), 0));
        c("nn logsumexp b", () -> Nn.logsumexp(a(F32, 1, 2), null, false, a(F32, 2, 0)));
        c("nn logsumexp b negative", () -> Nn.logsumexpWithSign(a(F32, 1, 2), null, false, a(F32, 1, -1)));
        c("nn one_hot axis 0", () -> Nn.oneHot(a(I32, 0, 2), 3, 0, F32));
        c("nn one_hot float", () -> Nn.oneHot(a(F32, 0, 1.5, 2), 3));
        c("nn celu alpha", () -> Nn.celu(a(F32, -1, 1), 2.0));
        c("nn elu alpha", () -> Nn.elu(a(F32, -1, 1), 0.5));
        c("nn leaky_relu slope", () -> Nn.leakyRelu(a(F32, -1, 1), 0.2));
        c("nn hard_swish", () -> Nn.hardSwish(a(F32, -4, -1, 0, 4)));
        c("nn squareplus", () -> Nn.squareplus(a(F32, -1, 0, 10)));
        c("nn sparse_plus", () -> Nn.sparsePlus(a(F32, -2, 0, 0.5, 2)));
        c("nn sparse_sigmoid", () -> Nn.sparseSigmoid(a(F32, -2, 0, 0.5, 2)));
        c("nn log_sigmoid big", () -> Nn.logSigmoid(a(F32, -100, 100)));
        c("nn gelu int", () -> Nn.gelu(a(I32, 1, -1)));
        c("nn relu bool", () -> Nn.relu(bools(true, false)));
        c("special expit int", () -> Special.expit(a(I32, 0, 1)));
        c("special gammainc edges", () -> Special.gammainc(a(F32, 1, 1, 0.5, 2), a(F32, 0, INF, 0.5, -1)));
        c("special gammaincc edges", () -> Special.gammaincc(a(F32, 1, 1, 0.5), a(F32, 0, INF, 0.5)));
        c("special betainc edges", () -> Special.betainc(a(F32, 1, 2, 0.5), a(F32, 1, 3, 0.5), a(F32, 0, 1, 0.5)));
        c("special zeta", () -> Special.zeta(a(F32, 2, 1, 4), a(F32, 1, 1, 2)));
        c("special polygamma", () -> Special.polygamma(a(I32, 0, 1, 2), a(F32, 1, 1, 1)));
        c("special i0e i1e", () -> Special.i1e(a(F32, -1, 0, 100)));
        c("special log_ndtr", () -> Special.logNdtr(a(F32, -40, 0, 10)));
        c("special ndtr", () -> Special.ndtr(a(F32, -INF, 0, 40)));
        c("special erfc big", () -> Special.erfc(a(F32, -10, 10, 30)));
        c("special gamma negative", () -> Special.gamma(a(F64, -0.5, -1, 0, 171.5)));
        c("special factorial", () -> Special.factorial(a(F32, 0, 5, -1)));
        c("special xlogy int", () -> Special.xlogy(a(I32, 0, 2), a(I32, 0, 3)));
        c("special rel_entr", () -> Special.relEntr(a(F32, 0, 1, 1, -1), a(F32, 0, 0, 2, 1)));
        c("special kl_div", () -> Special.klDiv(a(F32, 0, 1, 1), a(F32, 0, 0, 2)));
        c("special logsumexp keepdims", () -> Special.logsumexp(a2(F32, 1, 1, 2), ax(-1), true));
        c("special multigammaln", () -> Special.multigammaln(a(F32, 2.5, 3), 2));
        c("special sinc-free exp1", () -> Special.exp1(a(F32, 0, 1)));
        c("special spence", () -> Special.spence(a(F32, 0, 1, 2)));
        c("special bernoulli", () -> Special.bernoulli(5));
        c("special poch", () -> Special.poch(a(F32, 2, 0), a(F32, 3, 0)));
        c(
                "special hyp1f1",
                () -> Special.hyp1f1(
                        a(F32, 1, 0.5, 2, 0, 3, 1.5, 2, 0.5),
                        a(F32, 2, 1.5, 2, 0, 0, 4, 3, 2.5),
                        a(F32, 0.5, -2, 3, 1, 1, 150, -3, 12)));
        c("special hyp1f1 f64", () -> Special.hyp1f1(a(F64, 1, 0.5, 2.5), a(F64, 2, 1.5, 0.5), a(F64, 0.5, -2, 7)));
        c("grad hyp1f1 x", () -> g(v -> Special.hyp1f1(1.5, 2.5, v), a(F32, 0.5, -1, 3)));
        c("grad hyp1f1 a", () -> g(v -> Special.hyp1f1(v, 2.5, a(F32, 0.5, -1, 3)), a(F32, 1.5, 0.5, 2)));
        c("grad hyp1f1 b", () -> g(v -> Special.hyp1f1(a(F32, 1.5, 0.5, 2), v, 0.75), a(F32, 2.5, 1, 3)));
        c("special comb", () -> Special.comb(a(F32, 5, 5), a(F32, 2, 7)));
    }

    private void randoms() {
        Supplier<Array> k = () -> dev.kiln.Random.key(0);
        c("random randint degenerate", () -> dev.kiln.Random.randint(k.get(), 3, 3, 4));
        c("random randint empty range", () -> dev.kiln.Random.randint(k.get(), 5, 2, 4));
        c("random randint wide", () -> dev.kiln.Random.randint(k.get(), Integer.MIN_VALUE, Integer.MAX_VALUE, 6));
        c("random uniform equal bounds", () -> dev.kiln.Random.uniform(k.get(), F32, 2, 2, 3));
        c(
                "random bernoulli 0 1",
                () -> Np.stack(
                        new Array[] {dev.kiln.Random.bernoulli(k.get(), 0, 4), dev.kiln.Random.bernoulli(k.get(), 1, 4)
                        },
                        0));
        c("random permutation 0", () -> dev.kiln.Random.permutation(k.get(), 0));
        c("random permutation 1", () -> dev.kiln.Random.permutation(k.get(), 1));
        c("random split 0", () -> dev.kiln.Random.split(k.get(), 0));
        c("random normal empty", () -> dev.kiln.Random.normal(k.get(), 0, 3));
        c(
                "random categorical -inf",
                () -> dev.kiln.Random.categorical(k.get(), a2(F32, 2, -INF, 0, -INF, 0, -INF, -INF), -1));
        c("random truncated_normal bounds", () -> dev.kiln.Random.truncatedNormal(k.get(), 1.0, 1.5, 5));
        c("random choice no replace", () -> dev.kiln.Random.choice(k.get(), 5, ax(5), false, null));
        c("random choice p zero", () -> dev.kiln.Random.choice(k.get(), 3, ax(6), true, a(F32, 0, 1, 0)));
        c("random uniform f16", () -> dev.kiln.Random.uniform(k.get(), F16, 0, 1, 4));
        c("random normal bf16", () -> dev.kiln.Random.normal(k.get(), BF16, 3));
    }

    private void linalgCases() {
        Supplier<Array> sing = () -> a2(F32, 2, 1, 2, 2, 4);
        c("linalg det singular", () -> Linalg.det(sing.get()));
        c("linalg det empty", () -> Linalg.det(Np.zeros(F32, 0, 0)));
        c("linalg slogdet singular", () -> slogdet(a2(F64, 2, 1, 2, 2, 4)));
        c("linalg slogdet negative", () -> slogdet(a2(F64, 2, 0, 1, 1, 0)));
        c("linalg inv int", () -> Linalg.inv(a2(I32, 2, 2, 0, 0, 4)));
        c("linalg solve vector", () -> Linalg.solve(a2(F32, 2, 2, 0, 0, 4), a(F32, 2, 4)));
        c("linalg solve batched b", () -> Linalg.solve(a2(F32, 2, 2, 0, 0, 4), a2(F32, 2, 2, 4)));
        c("linalg solve mismatch", () -> Linalg.solve(Np.eye(2), Np.ones(F32, 3)));
        c("linalg inv nonsquare", () -> Linalg.inv(Np.ones(F32, 2, 3)));
        c("linalg cholesky not pd", () -> Linalg.cholesky(a2(F32, 2, 1, 2, 2, 1)));
        c("linalg norm empty", () -> Linalg.norm(Np.zeros(F32, 0)));
        c("linalg norm ord inf", () -> Linalg.norm(a(F32, 1, -3, 2), INF, null, false));
        c("linalg norm ord 0", () -> Linalg.norm(a(F32, 1, 0, 2), 0.0, null, false));
        c("linalg norm ord -inf", () -> Linalg.norm(a(F32, 1, -3, 2), -INF, null, false));
        c("linalg norm fro", () -> Linalg.norm(a2(F32, 2, 1, 2, 3, 4), "fro", null, false));
        c("linalg norm nuc", () -> Linalg.norm(a2(F32, 2, 1, 0, 0, -4), "nuc", null, false));
        c("linalg norm matrix 1", () -> Linalg.norm(a2(F32, 2, 1, -2, 3, 4), 1.0, null, false));
        c("linalg norm axis tuple", () -> Linalg.norm(Np.ones(F32, 2, 3, 4), (Double) null, ax(0, 2), false));
        c("linalg norm int", () -> Linalg.norm(a(I32, 3, 4)));
        c("linalg matrix_rank", () -> Linalg.matrixRank(sing.get()));
        c("linalg matrix_power 0", () -> Linalg.matrixPower(a2(I32, 2, 2, 1, 0, 3), 0));
        c("linalg matrix_power negative", () -> Linalg.matrixPower(a2(F32, 2, 2, 0, 0, 4), -2));
        c("linalg pinv zeros", () -> Linalg.pinv(Np.zeros(F32, 2, 3)));
        c("linalg svdvals", () -> Linalg.svdvals(a2(F32, 2, 3, 0, 0, -4)));
        c("linalg eigvalsh", () -> Linalg.eigvalsh(a2(F32, 2, 2, 1, 1, 2)));
        c("linalg eigvalsh uses lower", () -> Linalg.eigvalsh(a2(F32, 2, 2, 100, 1, 2)));
        c("linalg trace int", () -> Linalg.trace(a2(I32, 2, 1, 2, 3, 4)));
        c("linalg cross", () -> Linalg.cross(a(F32, 1, 2, 3), a(F32, 4, 5, 6)));
        c("linalg vector_norm ord 1 axis", () -> Linalg.vectorNorm(a2(F32, 2, 1, -2, 3, 4), 1, ax(0), false));
        c("linalg cond", () -> Linalg.cond(a2(F32, 2, 1, 0, 0, 4)));
        c("linalg multi_dot", () -> Linalg.multiDot(a(F32, 1, 2), a2(F32, 2, 1, 1), a(F32, 3)));
        c("linalg solve_triangular", () -> Linalg.solveTriangular(a2(F32, 2, 2, 0, 1, 1), a(F32, 2, 3), true));
        c(
                "linalg tensorsolve",
                () -> Linalg.tensorsolve(Np.reshape(Np.eye(4), 2, 2, 4), Np.reshape(a(F32, 1, 2, 3, 4), 2, 2)));
    }

    private static Array[] slogdet(Array m) {
        Linalg.Slogdet r = Linalg.slogdet(m);
        return new Array[] {r.sign(), r.logabsdet()};
    }

    private void moreGradients() {
        c("grad max axis none ties 3", () -> g(v -> Np.max(v, 0), a2(F32, 3, 2, 1, 2, 1, 2, 0)));
        c("grad amax keepdims", () -> g(v -> Np.amax(v, ax(1), true), a2(F32, 1, 1, 1, 0)));
        c("grad top_k ties", () -> g(v -> Lax.topK(v, 2)[0], a(F32, 3, 1, 3)));
        c(
                "grad abs neg zero in where",
                () -> g(v -> Np.where(Np.greaterEqual(v, 0), Np.abs(v), Np.negative(v)), a(F32, -0.0, 0)));
        c("grad sqrt where safe", () -> g(v -> Np.sqrt(Np.maximum(v, 0.0)), a(F32, 0, -1, 4)));
        c("grad log1p -1", () -> g(Np::log1p, a(F32, -1, 0)));
        c("grad expm1 big", () -> g(Np::expm1, a(F32, 0, 80)));
        c("grad tanh big", () -> g(Np::tanh, a(F32, 100, 0)));
        c("grad arcsin 1", () -> g(Np::arcsin, a(F32, 1, 0)));
        c("grad cbrt 0", () -> g(Np::cbrt, a(F32, 0, 8)));
        c("grad reciprocal 0", () -> g(Np::reciprocal, a(F32, 0, 2)));
        c("grad integer_pow 0", () -> g(v -> Lax.integerPow(v, 3), a(F32, 0, -2)));
        c("grad power 0 exponent 1", () -> g(v -> Np.power(v, 1.0), a(F32, 0, 2)));
        c("grad power negative base", () -> g(v -> Np.power(v, 3.0), a(F32, -2)));
        c("grad power int weak", () -> g(v -> Np.power(v, 2), a(F32, 0, -3)));
        c("grad logsumexp all -inf", () -> g(v -> Special.logsumexp(v, null, false), a(F32, -INF, -INF)));
        c("grad softmax", () -> g(v -> Np.multiply(Nn.softmax(v), a(F32, 1, 2, 3)), a(F32, 0, 1, -INF)));
        c("grad log_softmax", () -> g(v -> Np.multiply(Nn.logSoftmax(v), a(F32, 1, 2)), a(F32, 0, 1)));
        c("grad nanmean", () -> g(Np::nanmean, a(F32, 1, NAN, 3)));
        c("grad median", () -> g(Np::median, a(F32, 3, 1, 2, 5)));
        c("grad clip nan", () -> g(v -> Np.clip(v, 0.0, 1.0), a(F32, NAN, 0.5)));
        c("grad maximum nan", () -> g(v -> Np.maximum(v, 0.0), a(F32, NAN, 1)));
        c("grad fmax", () -> g(v -> Np.fmax(v, 1.0), a(F32, 1, 2, 0)));
        c("grad norm 2 axis", () -> g(v -> Linalg.norm(v, (Double) null, ax(1), false), a2(F32, 2, 0, 0, 3, 4)));
        c("grad norm inf", () -> g(v -> Linalg.norm(v, INF, null, false), a(F32, 1, -3, 3)));
        c("grad det", () -> g(Linalg::det, a2(F32, 2, 1, 2, 3, 4)));
        c("grad sinc near 0", () -> g(Np::sinc, a(F32, 0.25, 2)));
        c("grad where both", () -> g(v -> Np.where(Np.greater(v, 1.0), Np.multiply(v, v), v), a(F32, 1, 2, 0)));
        c("grad cumsum reverse", () -> g(v -> Np.multiply(Lax.cumsum(v, 0, true), a(F32, 1, 2, 3)), a(F32, 1, 2, 3)));
        c("grad cumlogsumexp", () -> g(v -> Lax.cumlogsumexp(v, 0, false), a(F32, 0, 1, -INF)));
        c("grad sort nan", () -> g(v -> Np.multiply(Np.sort(v), a(F32, 1, 2, 3)), a(F32, NAN, 1, 0)));
        c(
                "grad dynamic_slice clamp",
                () -> g(v -> Lax.dynamicSlice(v, new Array[] {Np.scalar(5)}, 2), a(F32, 1, 2, 3)));
        c("grad take clip", () -> g(v -> Np.take(v, a(I32, 5, -5), "clip"), a(F32, 1, 2, 3)));
        c("grad gammaln", () -> g(Special::gammaln, a(F32, 1, 0.5)));
        c("grad erfinv 0", () -> g(Special::erfinv, a(F32, 0, 0.5)));
        c("grad xlog1py", () -> g(v -> Special.xlog1py(v, v), a(F32, 0, 1)));
        c("grad entr 0", () -> g(Special::entr, a(F32, 0, 1)));
        c("grad logit", () -> g(Special::logit, a(F32, 0.5, 0.25)));
        c(
                "grad relu grad-of-grad",
                () -> g(
                        v -> Kiln.grad((Array u) -> Np.sum(Np.power(Nn.relu(u), 2)))
                                .apply(v),
                        a(F32, 0, 2, -1)));
        c(
                "grad abs second order",
                () -> g(
                        v -> Kiln.grad((Array u) -> Np.sum(Np.power(Np.abs(u), 3)))
                                .apply(v),
                        a(F32, 0, -2)));
    }

    private void overflowAndEdges() {
        c("sum i32 wraps", () -> Np.sum(a(I32, 2147483647, 1)));
        c("cumsum i8 wraps", () -> Np.cumsum(a(I8, 100, 100, 100), null, I8));
        c("floor_divide int min by -1", () -> Np.floorDivide(a(I32, -2147483648.0, 7), a(I32, -1, -1)));
        c("remainder int min by -1", () -> Np.remainder(a(I32, -2147483648.0, 7), a(I32, -1, -1)));
        c("mean f16 large", () -> Np.mean(a(F16, 60000, 60000, 60000)));
        c("sum f16 overflow", () -> Np.sum(a(F16, 60000, 60000)));
        c("var f16", () -> Np.var(a(F16, 1, 2, 4, 8)));
        c("abs negzero", () -> Np.abs(a(F32, -0.0, -INF)));
        c("round negative half", () -> Np.round(a(F32, -0.5, -0.4)));
        c("argsort zeros stable", () -> Np.argsort(a(F32, 0, -0.0, 0, -0.0)));
        c("sort int64", () -> Np.sort(Np.array(new long[] {1L << 40, -(1L << 40), 3})));
        c("searchsorted left dup", () -> Np.searchsorted(a(I32, 1, 2, 2, 2, 3), a(I32, 2)));
        c("percentile int", () -> Np.percentile(a(I32, 1, 2, 3, 4), 30.0, null, false));
        c("clip u8 weak 300", () -> Np.clip(a(U8, 2, 250), 10, 300));
        c("take wrap negative", () -> Np.take(a(I32, 1, 2, 3), a(I32, -4, -1, 5), "wrap"));
        c("max bool", () -> Np.max(bools(true, false)));
        c("min u8 axis", () -> Np.min(a2(U8, 2, 3, 200, 255, 0), 0));
        c("prod i8 wraps", () -> Np.prod(a(I8, 16, 16), new ReduceOptions(null, false, I8, null, null, 0)));
        c("mean axis empty tuple", () -> Np.mean(a2(F32, 1, 1, 2), ax(), false));
        c("sum axis empty tuple int", () -> Np.sum(a2(I8, 1, 1, 2), ax(), false));
        c("std ddof equals n", () -> Np.std(a(F32, 1, 2), null, false, 2));
        c("argmax all nan", () -> Np.argmax(a(F32, NAN, NAN)));
        c("nanargmax all nan", () -> Np.nanargmax(a(F32, NAN, NAN), 0));
        c("cumprod bool", () -> Np.cumprod(bools(true, true, false)));
        c("diff prepend", () -> Np.diff(a(I32, 1, 3, 6), 1, -1, 0, null));
        c("linspace f16", () -> Np.linspace(0, 1, 5, true, F16));
        c("arange int negative empty", () -> Np.arange(-3));
        c("eye negative k", () -> Np.eye(3, 3, -1, I32));
        c("identity bool", () -> Np.identity(2, DType.BOOL));
        c("full_like weak", () -> Np.fullLike(a(U8, 1, 2), 7));
        c("zeros_like bool", () -> Np.zerosLike(bools(true)));
        c(
                "where scalar cond broadcast",
                () -> Np.where(Np.reshape(bools(true, false), 2, 1), a(I32, 1, 2, 3), s(I32, 0)));
        c("concatenate 0-d", () -> Np.concatenate(new Array[] {s(F32, 1), s(F32, 2)}, 0));
        c("stack empty list", () -> Np.stack(new Array[0], 0));
        c("squeeze all", () -> Np.squeeze(Np.zeros(F32, 1, 3, 1)));
        c("expand_dims out of range", () -> Np.expandDims(a(F32, 1, 2), 3));
        c("moveaxis out of range", () -> Np.moveaxis(Np.zeros(F32, 2, 3), 2, 0));
        c("transpose duplicate", () -> Np.transpose(Np.zeros(F32, 2, 3), 0, 0));
        c("take axis out of range", () -> Np.take(a(F32, 1, 2), a(I32, 0), 1));
        c("one_hot negative classes", () -> Nn.oneHot(a(I32, 0), -1));
        c("softmax empty axis", () -> Nn.softmax(Np.zeros(F32, 2, 0), -1));
        c("logsumexp axis tuple", () -> Special.logsumexp(Np.ones(F32, 2, 3, 4), ax(0, 2), false));
    }

    private static String describe(Array x) {
        return x.dtype().jaxName() + java.util.Arrays.toString(x.shape()) + " "
                + java.util.Arrays.toString(x.toDoubleArray());
    }

    private static String compare(String name, String golden, Array got) {
        String[] head = golden.substring(0, golden.indexOf(':')).split("\\[", 2);
        DType dtype = DType.fromName(head[0]);
        String dims = head[1].substring(0, head[1].length() - 1);
        int[] shape = dims.isEmpty()
                ? new int[0]
                : java.util.Arrays.stream(dims.split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
        byte[] bytes = HexFormat.of().parseHex(golden.substring(golden.indexOf(':') + 1));
        Array want = Np.reshape(Np.frombuffer(bytes, dtype), shape);
        if (got.dtype() != dtype || !java.util.Arrays.equals(got.shape(), shape)) {
            return name + ": jax " + describe(want) + ", kiln " + describe(got);
        }
        double[] w = want.toDoubleArray();
        double[] k = got.toDoubleArray();
        Tolerance.Rule rule = Tolerance.composite(dtype);
        double[] scale = Tolerance.maxMagnitude(w);
        for (int i = 0; i < w.length; i++) {
            boolean ok = dtype.isFloating() ? rule.accepts(dtype, w[i], k[i], scale[i]) : w[i] == k[i];
            if (!ok) {
                return name + ": element " + i + ": jax " + describe(want) + ", kiln " + describe(got);
            }
        }
        return null;
    }

    @Test
    void kilnAnswersAsJax() throws IOException {
        promotion();
        division();
        rounding();
        nans();
        empties();
        axes();
        gathers();
        specials();
        gradients();
        laxCases();
        moreNumpy();
        nnSpecial();
        randoms();
        linalgCases();
        scipyMore();
        indexAndIntegrate();
        moreGradients();
        overflowAndEdges();
        Map<String, List<String>> goldens = new LinkedHashMap<>();
        try (InputStream in = JaxCasesTest.class.getResourceAsStream("jax-cases.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                String name = f[0].replaceAll("#\\d+$", "");
                goldens.computeIfAbsent(name, n -> new ArrayList<>()).add(f[1]);
            }
        }
        assertEquals(goldens.keySet(), cases.keySet(), "the goldens and the Java cases name the same cases");
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Supplier<Object>> e : cases.entrySet()) {
            String name = e.getKey();
            List<String> want = goldens.get(name);
            Object got;
            try {
                got = e.getValue().get();
            } catch (KilnException ex) {
                if (!want.get(0).equals("error")) {
                    failures.add(name + ": kiln threw " + ex);
                }
                continue;
            } catch (RuntimeException ex) {
                failures.add(name + ": kiln threw an untyped " + ex);
                continue;
            }
            if (want.get(0).equals("error")) {
                failures.add(name + ": jax raises, kiln returned " + (got instanceof Array x ? describe(x) : got));
                continue;
            }
            Array[] parts = got instanceof Array[] arr ? arr : new Array[] {(Array) got};
            if (parts.length != want.size()) {
                failures.add(name + ": jax gives " + want.size() + " results, kiln " + parts.length);
                continue;
            }
            for (int i = 0; i < parts.length; i++) {
                String f = compare(name + (parts.length > 1 ? "#" + i : ""), want.get(i), parts[i]);
                if (f != null) {
                    failures.add(f);
                }
            }
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + cases.size() + " cases differ from JAX:\n" + String.join("\n", failures));
    }
}
