package dev.kiln;

import dev.kiln.ir.Primitive;
import java.util.Arrays;

/** Matrix products behind {@link Np}: matmul, dot and outer, all lowered to DOT_GENERAL. */
final class Contraction {
    private Contraction() {}

    /**
     * DOT_GENERAL in dtype {@code t}. Bool operands are multiplied as int32 and compared with zero,
     * which is the logical (or-of-ands) product JAX returns for bool matmul.
     */
    static Array dotGeneral(Array a, Array b, int[] lc, int[] rc, int[] lb, int[] rb, DType t) {
        DType work = t == DType.BOOL ? DType.INT32 : t;
        Array r = Lax.dotGeneral(Lax.convert(a, work), Lax.convert(b, work), lc, rc, lb, rb);
        return t == DType.BOOL ? Lax.bind(Primitive.NE, r, Np.zerosLike(r)) : r;
    }

    static Array matmul(Array a, Array b) {
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length == 0 || bs.length == 0) {
            throw new ShapeException("matmul: operand " + (as.length == 0 ? 0 : 1)
                    + " is 0-d, but matmul needs at least one dimension on each side; use multiply for scalars");
        }
        boolean aVec = as.length == 1;
        boolean bVec = bs.length == 1;
        int[] a2 = aVec ? new int[] {1, as[0]} : as;
        int[] b2 = bVec ? new int[] {bs[0], 1} : bs;
        int k = a2[a2.length - 1];
        if (k != b2[b2.length - 2]) {
            int bAxis = bVec ? 0 : bs.length - 2;
            throw new ShapeException("matmul: shapes " + Shape.toString(as) + " and " + Shape.toString(bs)
                    + " are not aligned: dimension " + (as.length - 1) + " of the first (" + k
                    + ") must equal dimension " + bAxis + " of the second (" + bs[bAxis]
                    + "); transpose one operand or check the order");
        }
        int[] aBatch = Arrays.copyOf(a2, a2.length - 2);
        int[] bBatch = Arrays.copyOf(b2, b2.length - 2);
        int[] batch = Shape.broadcast(aBatch, bBatch);
        if (batch == null) {
            throw new ShapeException("matmul: batch dimensions " + Shape.toString(aBatch) + " of shape "
                    + Shape.toString(as) + " and " + Shape.toString(bBatch) + " of shape " + Shape.toString(bs)
                    + " cannot be broadcast together; they must be equal or 1 (aligned from the right)");
        }
        DType t = DType.promote(a.dtype(), b.dtype());
        int m = a2[a2.length - 2];
        int n = b2[b2.length - 1];
        Array x = Lax.reshape(a, a2);
        Array y = Lax.reshape(b, b2);
        Array r;
        if (bBatch.length == 0) {
            // a's batch dimensions ride along as free dimensions: no broadcast copy of b is needed
            r = dotGeneral(x, y, new int[] {a2.length - 1}, new int[] {0}, new int[0], new int[0], t);
        } else {
            int nb = batch.length;
            x = Np.broadcastTo("matmul", x, concat(batch, m, k));
            y = Np.broadcastTo("matmul", y, concat(batch, k, n));
            int[] bd = Movement.identity(nb);
            r = dotGeneral(x, y, new int[] {nb + 1}, new int[] {nb}, bd, bd, t);
        }
        int[] out = Arrays.copyOf(batch, batch.length + (aVec ? 0 : 1) + (bVec ? 0 : 1));
        int i = batch.length;
        if (!aVec) {
            out[i++] = m;
        }
        if (!bVec) {
            out[i] = n;
        }
        return Lax.reshape(r, out);
    }

    private static int[] concat(int[] head, int... tail) {
        int[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    static Array dot(Array a, Array b) {
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length == 0 || bs.length == 0) {
            return Np.multiply(a, b);
        }
        int la = as.length - 1;
        int lb = bs.length == 1 ? 0 : bs.length - 2;
        if (as[la] != bs[lb]) {
            throw new ShapeException("dot: shapes " + Shape.toString(as) + " and " + Shape.toString(bs)
                    + " are not aligned: dimension " + la + " of the first (" + as[la] + ") must equal dimension "
                    + lb + " of the second (" + bs[lb] + "); transpose one operand or check the order");
        }
        DType t = DType.promote(a.dtype(), b.dtype());
        return dotGeneral(a, b, new int[] {la}, new int[] {lb}, new int[0], new int[0], t);
    }

    static Array outer(Array a, Array b) {
        Array x = Lax.reshape(a, a.size(), 1);
        Array y = Lax.reshape(b, 1, b.size());
        return Np.multiply(x, y);
    }
}
