package dev.kiln;

import org.junit.jupiter.api.Test;

class NarrowScratchTest {
    @Test
    void show() {
        Array x = Np.array(new float[] {1f, 2f, 3.5f, 1000f, 0.1f}, 5).astype(DType.FLOAT16);
        System.out.println("mean " + Np.mean(x) + " var " + Np.var(x) + " std " + Np.std(x) + " sum " + Np.sum(x));
        System.out.println(Np.sum(Np.array(new int[] {100, 100, 100}, 3).astype(DType.INT8)));
        System.out.println(
                Np.sum(Np.array(new int[] {200, 200}, 2).astype(DType.UINT8)).dtype());
        var g = Kiln.grad((Array a) -> Np.sum(Np.multiply(a, a))).apply(x);
        System.out.println("grad " + g);
        System.out.println(
                x + " " + Np.array(new float[] {1f / 3, 65504f, 1e-7f}, 3).astype(DType.FLOAT16) + " "
                        + Np.array(new float[] {1f / 3, 3e38f}, 2).astype(DType.BFLOAT16) + " "
                        + Np.array(new int[] {-3, 5}, 2).astype(DType.INT8));
        Array k = Random.key(0);
        System.out.println(Random.uniform(k, DType.FLOAT16, 0, 1, 5) + " " + Random.normal(k, DType.BFLOAT16, 5));
        Array m = Np.array(new int[] {-128}, 1).astype(DType.INT8);
        System.out.println(Np.rightShift(m, 1) + " "
                + Lax.shiftRightLogical(m, Np.array(new int[] {1}, 1).astype(DType.INT8)) + " " + Np.floorDivide(m, -1)
                + " " + Np.negative(m) + " " + Np.abs(m));
        System.out.println(Np.cumsum(Np.array(new int[] {1, 2}, 2).astype(DType.INT8))
                        .dtype() + " " + Np.cumsum(x).dtype());
        System.out.println("vmap " + Kiln.vmap((Array a) -> Np.multiply(a, 3)).apply(x));
        System.out.println(
                "jitgrad " + Kiln.jit(Kiln.grad((Array a) -> Np.sum(Np.sin(a)))).apply(x));
        System.out.println("rp " + Lax.reducePrecision(Np.array(new float[] {1f / 3, 70000f, 1e-6f}, 3), 5, 10));
    }
}
