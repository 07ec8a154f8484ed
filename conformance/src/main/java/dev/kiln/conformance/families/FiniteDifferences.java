package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.conformance.Tolerance;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Five-point central differences of functions of float64 arrays, evaluated on the reference
 * backend: the oracle the derivative checks compare every backend with. The step is {@link
 * Tolerance#FD_STEP}; directions have entries in [-1, 1], so no input moves by more than twice it.
 */
final class FiniteDifferences {
    private FiniteDifferences() {}

    private static final double[] OFFSETS = {-2, -1, 1, 2};
    private static final double[] WEIGHTS = {1, -8, 8, -1};

    /** The derivative of {@code f} at {@code xs} along {@code vs}, all outputs concatenated. */
    static double[] directional(Function<List<Array>, List<Array>> f, List<HostBuffer> xs, List<HostBuffer> vs) {
        return Kiln.withBackend(Check.REFERENCE, () -> {
            double h = Tolerance.FD_STEP;
            double[] sum = null;
            for (int k = 0; k < OFFSETS.length; k++) {
                double[] y = flat(f.apply(Differentiable.arrays(step(xs, vs, OFFSETS[k] * h))));
                if (sum == null) {
                    sum = new double[y.length];
                }
                for (int i = 0; i < y.length; i++) {
                    sum[i] += WEIGHTS[k] * y[i];
                }
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] /= 12 * h;
            }
            return sum;
        });
    }

    /** The gradient of a scalar function, one coordinate at a time, all inputs concatenated. */
    static double[] gradient(Function<List<Array>, Array> f, List<HostBuffer> xs) {
        List<HostBuffer> zeros = new ArrayList<>();
        for (HostBuffer x : xs) {
            zeros.add(HostBuffer.allocate(x.spec()));
        }
        List<Double> out = new ArrayList<>();
        for (int which = 0; which < xs.size(); which++) {
            int n = xs.get(which).spec().size();
            for (int i = 0; i < n; i++) {
                double[] e = new double[n];
                e[i] = 1;
                List<HostBuffer> dir = new ArrayList<>(zeros);
                dir.set(which, Host.of(DType.FLOAT64, xs.get(which).spec().shape(), e));
                out.add(directional(a -> List.of(f.apply(a)), xs, dir)[0]);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** {@code xs + a * vs}, computed on the host. */
    static List<HostBuffer> step(List<HostBuffer> xs, List<HostBuffer> vs, double a) {
        List<HostBuffer> out = new ArrayList<>(xs.size());
        for (int j = 0; j < xs.size(); j++) {
            double[] x = Host.doubles(xs.get(j));
            double[] v = Host.doubles(vs.get(j));
            for (int i = 0; i < x.length; i++) {
                x[i] += a * v[i];
            }
            out.add(Host.of(DType.FLOAT64, xs.get(j).spec().shape(), x));
        }
        return out;
    }

    /** The elements of several arrays, concatenated, as doubles. */
    static double[] flat(List<Array> arrays) {
        List<HostBuffer> hs = new ArrayList<>(arrays.size());
        for (Array a : arrays) {
            hs.add(a.toHost());
        }
        return flatHost(hs);
    }

    static double[] flatHost(List<HostBuffer> hs) {
        int n = 0;
        for (HostBuffer h : hs) {
            n += h.spec().size();
        }
        double[] out = new double[n];
        int k = 0;
        for (HostBuffer h : hs) {
            for (int i = 0; i < h.spec().size(); i++) {
                out[k++] = h.getDouble(i);
            }
        }
        return out;
    }
}
