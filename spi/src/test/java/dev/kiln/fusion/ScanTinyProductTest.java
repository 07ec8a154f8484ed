package dev.kiln.fusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A value that is both an operand of a matrix product and read by that product's epilogue must be
 * written by another kernel: the product's kernel reads its operands before its epilogue runs. With
 * a 1×1 product the value ({@code v}, a reshape of a row sum) was planned as an output of the
 * product's own kernel, which then read it before writing it (a Householder step of a QR
 * factorization of one-row matrices hit this).
 */
class ScanTinyProductTest {
    /** One Householder-like update: {@code r -= v (v r)}, {@code q -= (q v) v} with {@code v = sum(r, -1)}. */
    static List<Array> step(List<Array> c) {
        Array q = c.get(0);
        Array r = c.get(1);
        Array v = Np.sum(r, -1);
        return List.of(Np.subtract(q, Np.outer(Np.matmul(q, v), v)), Np.subtract(r, Np.outer(v, Np.matmul(v, r))));
    }

    static List<Array> scanned(List<Array> init) {
        return Lax.scan(
                        (List<Array> c, Array i) -> Lax.Step.of(step(c), (Object) null),
                        init,
                        Lax.iota(DType.INT32, new int[] {2}, 0))
                .carry();
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 3})
    void productOperandReadByItsEpilogue(int n) {
        double[] data = new double[n * n];
        for (int i = 0; i < data.length; i++) {
            data[i] = 0.25 * ((i * 7) % 5) - 0.6;
        }
        List<Array> init = List.of(Np.eye(n, n, 0, DType.FLOAT64), Np.array(data, n, n));
        for (Function<List<Array>, List<Array>> f :
                List.<Function<List<Array>, List<Array>>>of(ScanTinyProductTest::step, ScanTinyProductTest::scanned)) {
            List<Array> eager = Kiln.withBackend("reference", () -> f.apply(init));
            Function<List<Array>, List<Array>> jitted = Kiln.jit(f);
            List<Array> fused = Kiln.withBackend("reference", () -> jitted.apply(init));
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(eager.get(k).toDoubleArray(), fused.get(k).toDoubleArray());
            }
        }
    }
}
