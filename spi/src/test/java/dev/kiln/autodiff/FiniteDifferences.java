package dev.kiln.autodiff;

import dev.kiln.Array;
import dev.kiln.Np;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Five-point central differences of functions of float64 arrays, evaluated eagerly on the host side. */
final class FiniteDifferences {
    private FiniteDifferences() {}

    private static final double[] OFFSETS = {-2, -1, 1, 2};
    private static final double[] WEIGHTS = {1, -8, 8, -1};

    /** The derivative of {@code f} at {@code xs} along {@code vs}, all outputs concatenated. */
    static double[] directional(Function<List<Array>, List<Array>> f, List<Array> xs, List<Array> vs) {
        double h = Tolerance.STEP;
        double[] sum = null;
        for (int k = 0; k < OFFSETS.length; k++) {
            double[] y = flat(f.apply(step(xs, vs, OFFSETS[k] * h)));
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
    }

    /** The gradient of a scalar function, one coordinate at a time, all inputs concatenated. */
    static double[] gradient(Function<List<Array>, Array> f, List<Array> xs) {
        List<Array> basis = new ArrayList<>();
        for (Array x : xs) {
            basis.add(Np.zerosLike(x));
        }
        List<Double> out = new ArrayList<>();
        for (int which = 0; which < xs.size(); which++) {
            int n = xs.get(which).size();
            for (int i = 0; i < n; i++) {
                double[] e = new double[n];
                e[i] = 1;
                List<Array> dir = new ArrayList<>(basis);
                dir.set(which, DerivativeChecks.array(e, xs.get(which).shape()));
                out.add(directional(a -> List.of(f.apply(a)), xs, dir)[0]);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** {@code xs + a * vs}, computed on the host. */
    static List<Array> step(List<Array> xs, List<Array> vs, double a) {
        List<Array> out = new ArrayList<>(xs.size());
        for (int j = 0; j < xs.size(); j++) {
            double[] x = xs.get(j).toDoubleArray();
            double[] v = vs.get(j).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                x[i] += a * v[i];
            }
            out.add(DerivativeChecks.array(x, xs.get(j).shape()));
        }
        return out;
    }

    static double[] flat(List<Array> arrays) {
        int n = arrays.stream().mapToInt(Array::size).sum();
        double[] out = new double[n];
        int k = 0;
        for (Array a : arrays) {
            double[] d = a.toDoubleArray();
            System.arraycopy(d, 0, out, k, d.length);
            k += d.length;
        }
        return out;
    }
}
