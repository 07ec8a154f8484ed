package dev.kiln.conformance.families;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matrix products in plain Java for the oracle: NumPy's matmul rules (1-d operands promoted and
 * the added axis removed, batch dimensions broadcast), np.dot, np.outer and a general einsum over
 * letters. Floats accumulate in double and round once; integers wrap. Each result carries the
 * per-element {@code sum |a*b|} that contraction tolerances are relative to.
 */
final class HostLinalg {
    private HostLinalg() {}

    static HostReduce.Result matmul(HostBuffer a, HostBuffer b) {
        int[] sa = a.spec().shape();
        int[] sb = b.spec().shape();
        boolean aVec = sa.length == 1;
        boolean bVec = sb.length == 1;
        int[] a2 = aVec ? new int[] {1, sa[0]} : sa;
        int[] b2 = bVec ? new int[] {sb[0], 1} : sb;
        int m = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int n = b2[b2.length - 1];
        int[] batchA = java.util.Arrays.copyOf(a2, a2.length - 2);
        int[] batchB = java.util.Arrays.copyOf(b2, b2.length - 2);
        int[] batch = Shape.broadcast(batchA, batchB);
        int[] mapA = HostOps.broadcastIndex(batchA, batch);
        int[] mapB = HostOps.broadcastIndex(batchB, batch);
        int nb = Shape.size(batch);
        DType t = a.spec().dtype();
        double[] real = new double[nb * m * n];
        long[] integer = new long[nb * m * n];
        double[] scale = new double[nb * m * n];
        for (int p = 0; p < nb; p++) {
            int offA = mapA[p] * m * k;
            int offB = mapB[p] * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    double mag = 0;
                    long iacc = 0;
                    for (int q = 0; q < k; q++) {
                        int ia = offA + i * k + q;
                        int ib = offB + q * n + j;
                        if (t.isFloating()) {
                            double prod = a.getDouble(ia) * b.getDouble(ib);
                            acc += prod;
                            mag += Math.abs(prod);
                        } else {
                            iacc += a.getLong(ia) * b.getLong(ib);
                        }
                    }
                    int o = (p * m + i) * n + j;
                    real[o] = acc;
                    scale[o] = mag;
                    integer[o] = Host.wrap(t, iacc);
                }
            }
        }
        List<Integer> os = new ArrayList<>();
        for (int d : batch) {
            os.add(d);
        }
        if (!aVec) {
            os.add(m);
        }
        if (!bVec) {
            os.add(n);
        }
        int[] shape = os.stream().mapToInt(Integer::intValue).toArray();
        return new HostReduce.Result(t.isFloating() ? Host.of(t, shape, real) : Host.ofLongs(t, shape, integer), scale);
    }

    /**
     * A general einsum over letters (no ellipsis): explicit output after "->", else the letters that
     * appear once, in alphabetical order. Repeated letters in one operand take diagonals.
     */
    static HostReduce.Result einsum(String spec, HostBuffer... ops) {
        String s = spec.replace(" ", "");
        String lhs = s.contains("->") ? s.substring(0, s.indexOf("->")) : s;
        String[] terms = lhs.split(",", -1);
        String output;
        if (s.contains("->")) {
            output = s.substring(s.indexOf("->") + 2);
        } else {
            Map<Character, Integer> counts = new java.util.TreeMap<>();
            for (char c : lhs.replace(",", "").toCharArray()) {
                counts.merge(c, 1, Integer::sum);
            }
            StringBuilder b = new StringBuilder();
            counts.forEach((c, n) -> {
                if (n == 1) {
                    b.append(c);
                }
            });
            output = b.toString();
        }
        Map<Character, Integer> size = new LinkedHashMap<>();
        for (int i = 0; i < terms.length; i++) {
            int[] sh = ops[i].spec().shape();
            for (int d = 0; d < terms[i].length(); d++) {
                size.put(terms[i].charAt(d), sh[d]);
            }
        }
        List<Character> letters = new ArrayList<>(size.keySet());
        int[] outShape = new int[output.length()];
        for (int d = 0; d < outShape.length; d++) {
            outShape[d] = size.get(output.charAt(d));
        }
        int total = 1;
        for (char c : letters) {
            total *= size.get(c);
        }
        DType t = ops[0].spec().dtype();
        int outN = Shape.size(outShape);
        double[] real = new double[outN];
        double[] scale = new double[outN];
        int[] value = new int[letters.size()];
        for (int it = 0; it < total; it++) {
            int r = it;
            for (int l = letters.size() - 1; l >= 0; l--) {
                int n = size.get(letters.get(l));
                value[l] = r % n;
                r /= n;
            }
            double prod = 1;
            for (int i = 0; i < terms.length; i++) {
                int[] sh = ops[i].spec().shape();
                int[] idx = new int[sh.length];
                for (int d = 0; d < sh.length; d++) {
                    idx[d] = value[letters.indexOf(terms[i].charAt(d))];
                }
                prod *= ops[i].getDouble(Layout.flat(sh, idx));
            }
            int[] oi = new int[outShape.length];
            for (int d = 0; d < oi.length; d++) {
                oi[d] = value[letters.indexOf(output.charAt(d))];
            }
            int o = Layout.flat(outShape, oi);
            real[o] += prod;
            scale[o] += Math.abs(prod);
        }
        return new HostReduce.Result(Host.of(t, outShape, real), scale);
    }

    /** np.dot: 1-d with 1-d is an inner product; otherwise the last axis of a meets b's second-to-last (or only) axis. */
    static HostReduce.Result dot(HostBuffer a, HostBuffer b) {
        int ra = a.spec().rank();
        int rb = b.spec().rank();
        StringBuilder la = new StringBuilder();
        StringBuilder lb = new StringBuilder();
        char next = 'a';
        for (int d = 0; d < ra - 1; d++) {
            la.append(next++);
        }
        char k = 'z';
        la.append(k);
        for (int d = 0; d < rb; d++) {
            lb.append(d == Math.max(rb - 2, 0) ? k : next++);
        }
        String out = la.substring(0, ra - 1) + lb.toString().replace(String.valueOf(k), "");
        return einsum(la + "," + lb + "->" + out, a, b);
    }

    static HostReduce.Result outer(HostBuffer a, HostBuffer b) {
        return einsum("i,j->ij", a.reshape(a.spec().size()), b.reshape(b.spec().size()));
    }
}
