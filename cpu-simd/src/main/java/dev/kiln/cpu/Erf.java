package dev.kiln.cpu;

/**
 * The error function, which {@link Math} lacks. Accurate to about one ulp in double precision; the
 * float32 result is the double result rounded once.
 *
 * <p>Two regimes. For {@code |x| < 1} the function is odd and smooth, so {@code erf(x) = x·P(x²)}.
 * For {@code 1 <= |x| < 6}, {@code erf(x) = 1 - exp(-x²)·g(x)} where {@code g = erfc·exp(x²)} is
 * slowly varying and is approximated on four intervals; there the result is close to 1, so the
 * error of {@code g} is scaled down by {@code erfc(x) <= 0.16}. Beyond 6, {@code erfc < 2.2e-17}
 * and the double result is ±1.
 *
 * <p>The coefficients are Chebyshev approximations computed for Kiln with mpmath at 50 digits
 * ({@code mpmath.chebyfit}); the fitting errors are in the comments, relative to {@code P} and
 * {@code g}.
 */
final class Erf {
    private Erf() {}

    /** erf(x)/x as a polynomial in t = x² on [0, 1]; max error 1.3e-19. Highest degree first. */
    private static final double[] SMALL = {
        5.957176147748911e-11, -1.1372848856791674e-09, 1.4659775274047436e-08, -1.6350312701054695e-07,
        1.6461000484121368e-06, -1.4925595266831182e-05, 0.0001205533111164271, -0.000854832698083379,
        0.0052239776248180145, -0.026866170645076792, 0.11283791670954879, -0.3761263890318375,
        1.1283791670955126
    };

    /** Midpoints of the intervals [1,2), [2,3), [3,4.5), [4.5,6) on which g is fitted in u = |x| - mid. */
    private static final double[] MID = {1.5, 2.5, 3.75, 5.25};

    /** g(mid + u) per interval, highest degree first; relative errors 1.8e-18, 1.9e-16, 2.3e-14, 1.5e-8. */
    private static final double[][] TAIL = {
        {
            1.3242541506849586e-08, -4.9545807838901603e-08, 1.6714292901928126e-07, -5.944961119917664e-07,
            2.0670657912156654e-06, -6.97536222785843e-06, 2.2864299608127746e-05, -7.265887301589559e-05,
            0.0002233099453004411, -0.0006619300701084315, 0.0018861348769919975, -0.0051459575478377826,
            0.013377340953067394, -0.03293090529956527, 0.0761510398554774, -0.16362291773256005,
            0.3215854164543175
        },
        {
            -1.696411408635626e-08, 7.05750661898197e-08, -2.726770726930534e-07, 1.0840311055681113e-06,
            -4.214343130963489e-06, 1.596205712687532e-05, -5.886896055724396e-05, 0.00021101980639242626,
            -0.0007335909373117802, 0.0024670368164479654, -0.008001569382098908, 0.024937997086645233,
            -0.07434734678979468, 0.21080636406114361
        },
        {
            2.1089499589651554e-09, -1.0618120693007399e-08, 4.8763827944216154e-08, -2.3707663320915966e-07,
            1.1353599021484266e-06, -5.326850685841533e-06, 2.4516319730640974e-05, -0.00011057954563766501,
            0.0004882223824932527, -0.002107282872232121, 0.008878755527317303, -0.03645625753268206,
            0.14558972127503855
        },
        {
            3.380568066481535e-06,
            -1.976171179802056e-05,
            0.0001106577452074978,
            -0.0006289437427030051,
            0.003524152793591585,
            -0.019445455785303992,
            0.1056127354688918
        }
    };

    static double erf(double x) {
        double a = Math.abs(x);
        if (a < 1) {
            // x times a positive polynomial keeps the sign of zero
            return x * horner(SMALL, x * x);
        }
        if (!(a < 6)) {
            return Double.isNaN(x) ? x : Math.copySign(1.0, x);
        }
        int k = a < 2 ? 0 : a < 3 ? 1 : a < 4.5 ? 2 : 3;
        double g = horner(TAIL[k], a - MID[k]);
        // a² = sq + sqLow exactly; exp(-(sq + sqLow)) ≈ exp(-sq)·(1 - sqLow) keeps the rounding of a² out of the result
        double sq = a * a;
        double sqLow = Math.fma(a, a, -sq);
        double e = Math.exp(-sq) * (1 - sqLow);
        return Math.copySign(1 - e * g, x);
    }

    static float erf(float x) {
        return (float) erf((double) x);
    }

    private static double horner(double[] c, double t) {
        double r = c[0];
        for (int i = 1; i < c.length; i++) {
            r = Math.fma(r, t, c[i]);
        }
        return r;
    }
}
