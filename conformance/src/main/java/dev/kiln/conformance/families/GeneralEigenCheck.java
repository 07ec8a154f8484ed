package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.ComplexArray;
import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Linalg;
import dev.kiln.Np;
import dev.kiln.conformance.Case;
import dev.kiln.conformance.Tolerance;
import dev.kiln.conformance.Tolerance.Rule;
import dev.kiln.spi.HostBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The linalg family's checks of {@code Linalg.eig}, {@code Linalg.eigvals} and {@code Np.roots}
 * against {@code jnp.linalg.eig}, {@code eigvals} and {@code jnp.roots} (lines of {@code
 * linalg.txt} whose complex results are stacked as (real, imaginary)). Eigenvalues come in the
 * order of each algorithm's Schur form, so JAX's are paired with the nearest of Kiln's (NaN with
 * NaN) before comparing; Kiln's eigenvectors must solve {@code A v = w v} to rounding, have unit
 * length and, for eigenvalues apart from the others, span the same line as JAX's ({@code |v_jax^H
 * v| = 1}), as JAX's own tests check them.
 */
final class GeneralEigenCheck {
    private GeneralEigenCheck() {}

    static final Set<String> FUNCTIONS = Set.of("Linalg.eig", "Linalg.eigvals", "Np.roots");

    static void cases(BreadthFamily.Line l, String dtype, List<Case> out) {
        out.add(new Case("linalg", l.fn(), dtype, "jax " + l.name(), () -> check(l, "eager")));
        boolean strip = l.fn().equals("Np.roots") && l.params().get("strip").equals("1");
        if (!strip) {
            out.add(new Case("linalg", l.fn(), dtype, "jit, jax " + l.name(), () -> check(l, "jit")));
        }
        if (((HostBuffer) l.inputs().get(0)).spec().shape().length >= 3) {
            out.add(new Case("linalg", l.fn(), dtype, "vmap, jax " + l.name(), () -> check(l, "vmap")));
        }
    }

    private static List<Array> call(BreadthFamily.Line l, Array a) {
        return switch (l.fn()) {
            case "Linalg.eig" -> {
                Linalg.Eig e = Linalg.eig(a);
                yield List.of(
                        e.eigenvalues().real(),
                        e.eigenvalues().imag(),
                        e.eigenvectors().real(),
                        e.eigenvectors().imag());
            }
            case "Linalg.eigvals" -> {
                ComplexArray w = Linalg.eigvals(a);
                yield List.of(w.real(), w.imag());
            }
            default -> {
                ComplexArray r = Np.roots(a, l.params().get("strip").equals("1"));
                yield List.of(r.real(), r.imag());
            }
        };
    }

    private static void check(BreadthFamily.Line l, String mode) {
        Array a = BreadthFamily.arrays(l.inputs())[0];
        Function<Array, List<Array>> f = x -> call(l, x);
        List<Array> r =
                switch (mode) {
                    case "jit" -> Kiln.jit(f).apply(a);
                    case "vmap" -> Kiln.vmap(f).apply(a);
                    default -> f.apply(a);
                };
        HostBuffer expected = l.outputs().get(0);
        DType t = expected.spec().dtype();
        int[] es = expected.spec().shape();
        int[] ws = Arrays.copyOfRange(es, 1, es.length);
        String what = l.fn() + (mode.equals("eager") ? "" : " under " + mode) + " vs JAX (" + l.name() + ")";
        Check.that(
                Arrays.equals(r.get(0).shape(), ws),
                what + ": eigenvalue shape " + Arrays.toString(r.get(0).shape()) + ", JAX's " + Arrays.toString(ws));
        Check.that(r.get(0).dtype() == t, what + ": dtype " + r.get(0).dtype() + ", JAX's parts are " + t);
        double[] e = Host.doubles(expected);
        double[] wr = Host.doubles(r.get(0).toHost());
        double[] wi = Host.doubles(r.get(1).toHost());
        int total = wr.length;
        int n = ws.length == 0 ? 1 : ws[ws.length - 1];
        if (total == 0) {
            return;
        }
        int batches = total / n;
        boolean isRoots = l.fn().equals("Np.roots");
        double[] in = Host.doubles((HostBuffer) l.inputs().get(0));
        double eps = t == DType.FLOAT32 ? Math.ulp(1.0f) : Math.ulp(1.0);
        int m = isRoots ? in.length : n;
        Rule rule = Tolerance.linalg(t, m, 6);
        double[] matched = new double[2 * total];
        double[] scale = new double[2 * total];
        int[][] perms = new int[batches][];
        for (int b = 0; b < batches; b++) {
            double norm = isRoots ? rootScale(in) : frobenius(in, b, n);
            int[] perm = match(e, total, b, n, wr, wi);
            perms[b] = perm;
            for (int k = 0; k < n; k++) {
                matched[b * n + k] = wr[b * n + perm[k]];
                matched[total + b * n + k] = wi[b * n + perm[k]];
                scale[b * n + k] = norm;
                scale[total + b * n + k] = norm;
            }
        }
        Check.same(what, expected, Host.of(t, es, matched), rule, scale);
        if (!l.fn().equals("Linalg.eig")) {
            return;
        }
        double[] ev = Host.doubles(l.outputs().get(1));
        double[] vr = Host.doubles(r.get(2).toHost());
        double[] vi = Host.doubles(r.get(3).toHost());
        double tol = 24.0 * n * eps;
        for (int b = 0; b < batches; b++) {
            double norm = frobenius(in, b, n);
            for (int k = 0; k < n; k++) {
                int j = perms[b][k];
                double lr = wr[b * n + j], li = wi[b * n + j];
                boolean jaxNan = Double.isNaN(ev[b * n * n + k]);
                if (jaxNan || !Double.isFinite(norm)) {
                    Check.that(
                            Double.isNaN(vr[b * n * n + j]),
                            what + ": JAX's eigenvectors are NaN for matrix " + b + ", Kiln's are not");
                    continue;
                }
                // residual |A v - w v| and length of Kiln's column j
                double res = 0, len = 0;
                for (int row = 0; row < n; row++) {
                    double sr = 0, si = 0;
                    for (int c = 0; c < n; c++) {
                        double av = in[b * n * n + row * n + c];
                        sr += av * vr[b * n * n + c * n + j];
                        si += av * vi[b * n * n + c * n + j];
                    }
                    double xr = vr[b * n * n + row * n + j], xi = vi[b * n * n + row * n + j];
                    sr -= lr * xr - li * xi;
                    si -= lr * xi + li * xr;
                    res += sr * sr + si * si;
                    len += xr * xr + xi * xi;
                }
                Check.that(
                        Math.sqrt(res) <= tol * Math.max(norm, Double.MIN_NORMAL),
                        what + ": |A v - w v| = " + Math.sqrt(res) + " for eigenvalue " + lr + "+" + li + "i of matrix "
                                + b + ", more than " + tol + " |A| (|A| = " + norm + ")");
                Check.that(Math.abs(Math.sqrt(len) - 1) <= tol, what + ": eigenvector length " + Math.sqrt(len));
                double gap = gap(e, total, b, n, k);
                if (gap > 1e-3 * norm) {
                    double dr = 0, di = 0;
                    for (int row = 0; row < n; row++) {
                        double jr = ev[b * n * n + row * n + k], ji = ev[n * n * batches + b * n * n + row * n + k];
                        double xr = vr[b * n * n + row * n + j], xi = vi[b * n * n + row * n + j];
                        dr += jr * xr + ji * xi;
                        di += jr * xi - ji * xr;
                    }
                    double dot = Math.hypot(dr, di);
                    double allowed = tol * norm / gap;
                    Check.that(
                            1 - dot <= allowed,
                            what + ": eigenvector " + k + " of matrix " + b
                                    + " is not JAX's up to phase: |v_jax^H v| = " + dot + ", allowed 1 - " + allowed);
                }
            }
        }
    }

    /** For batch b, the index into Kiln's eigenvalues of the nearest one to each of JAX's (greedy). */
    private static int[] match(double[] e, int total, int b, int n, double[] wr, double[] wi) {
        int[] perm = new int[n];
        boolean[] used = new boolean[n];
        for (int k = 0; k < n; k++) {
            double er = e[b * n + k], ei = e[total + b * n + k];
            boolean nan = Double.isNaN(er) || Double.isNaN(ei);
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (used[j]) {
                    continue;
                }
                double ar = wr[b * n + j], ai = wi[b * n + j];
                boolean aNan = Double.isNaN(ar) || Double.isNaN(ai);
                double d =
                        nan ? (aNan ? 0 : Double.MAX_VALUE) : (aNan ? Double.MAX_VALUE : Math.hypot(ar - er, ai - ei));
                if (best < 0 || d < bestD) {
                    best = j;
                    bestD = d;
                }
            }
            used[best] = true;
            perm[k] = best;
        }
        return perm;
    }

    /** The distance from JAX's eigenvalue k of batch b to its nearest other eigenvalue. */
    private static double gap(double[] e, int total, int b, int n, int k) {
        double g = Double.POSITIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            if (j != k) {
                g = Math.min(g, Math.hypot(e[b * n + j] - e[b * n + k], e[total + b * n + j] - e[total + b * n + k]));
            }
        }
        return g;
    }

    private static double frobenius(double[] a, int b, int n) {
        double s = 0;
        for (int i = 0; i < n * n; i++) {
            s += a[b * n * n + i] * a[b * n * n + i];
        }
        return Math.sqrt(s);
    }

    /** The scale of a polynomial's roots: the companion matrix's Frobenius norm (coefficients over the leading one). */
    private static double rootScale(double[] c) {
        int lead = 0;
        while (lead < c.length && c[lead] == 0) {
            lead++;
        }
        if (lead == c.length) {
            return 1;
        }
        double s = Math.max(0, c.length - lead - 2);
        for (int i = lead + 1; i < c.length; i++) {
            s += (c[i] / c[lead]) * (c[i] / c[lead]);
        }
        return Math.max(1, Math.sqrt(s));
    }
}
