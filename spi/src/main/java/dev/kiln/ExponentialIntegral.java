package dev.kiln;

import java.util.function.Function;

/**
 * The exponential integrals {@code Ei(x)} and {@code E_n(x)} as {@code jax.scipy.special} evaluates
 * them: Ei by Cephes' rational fits on (0, 2], (2, 4], ..., (32, 64] and beyond (coefficients of
 * Stephen Moshier's Cephes library, ei.c), and {@code Ei(x) = -E_1(-x)} below 0; {@code E_n} by
 * its power series for {@code x <= 1}, its continued fraction above 1, and an asymptotic form for
 * {@code n >= 5000}. The element-wise loops run as one {@link Lax#whileLoop} over the array, each
 * element stepping until its own stopping rule holds (as JAX's vectorized loops do).
 */
final class ExponentialIntegral {
    private ExponentialIntegral() {}

    private static final double EULER = 0.57721566490153286061;

    private static final double[][] EI_A = {
        {
            -5.350447357812542947283e0,
            2.185049168816613393830e2,
            -4.176572384826693777058e3,
            5.541176756393557601232e4,
            -3.313381331178144034309e5,
            1.592627163384945414220e6
        },
        {
            1.981808503259689673238e-2,
            -1.271645625984917501326e0,
            -2.088160335681228318920e0,
            2.755544509187936721172e0,
            -4.409507048701600257171e-1,
            4.665623805935891391017e-2,
            -1.545042679673485262580e-3,
            7.059980605299617478514e-5
        },
        {
            -1.373215375871208729803e0,
            -7.084559133740838761406e-1,
            1.580806855547941010501e0,
            -2.601500427425622944234e-1,
            2.994674694113713763365e-2,
            -1.038086040188744005513e-3,
            4.371064420753005429514e-5,
            2.141783679522602903795e-6
        },
        {
            -2.106934601691916512584e0,
            1.732733869664688041885e0,
            -2.423619178935841904839e-1,
            2.322724180937565842585e-2,
            2.372880440493179832059e-4,
            -8.343219561192552752335e-5,
            1.363408795605250394881e-5,
            -3.655412321999253963714e-7,
            1.464941733975961318456e-8,
            6.176407863710360207074e-10
        },
        {
            -2.458119367674020323359e-1,
            -1.483382253322077687183e-1,
            7.248291795735551591813e-2,
            -1.348315687380940523823e-2,
            1.342775069788636972294e-3,
            -7.942465637159712264564e-5,
            2.644179518984235952241e-6,
            -4.239473659313765177195e-8
        },
        {
            1.212561118105456670844e-1,
            -5.823133179043894485122e-1,
            2.348887314557016779211e-1,
            -3.040034318113248237280e-2,
            1.510082146865190661777e-3,
            -2.523137095499571377122e-5
        },
        {
            -7.657847078286127362028e-1,
            6.886192415566705051750e-1,
            -2.132598113545206124553e-1,
            3.346107552384193813594e-2,
            -3.076541477344756050249e-3,
            1.747119316454907477380e-4,
            -6.103711682274170530369e-6,
            1.218032765428652199087e-7,
            -1.086076102793290233007e-9
        }
    };
    private static final double[][] EI_B = {
        {
            1.0,
            -5.250547959112862969197e1,
            1.259616186786790571525e3,
            -1.756549581973534652631e4,
            1.493062117002725991967e5,
            -7.294949239640527645655e5,
            1.592627163384945429726e6
        },
        {
            1.0,
            1.476498670914921440652e0,
            5.629177174822436244827e-1,
            1.699017897879307263248e-1,
            2.291647179034212017463e-2,
            4.450150439728752875043e-3,
            1.727439612206521482874e-4,
            3.953167195549672482304e-5
        },
        {
            1.0,
            8.585231423622028380768e-1,
            4.483285822873995129957e-1,
            7.687932158124475434091e-2,
            2.449868241021887685904e-2,
            8.832165941927796567926e-4,
            4.590952299511353531215e-4,
            -4.729848351866523044863e-6,
            2.665195537390710170105e-6
        },
        {
            1.0,
            -2.298062239901678075778e-1,
            1.105077041474037862347e-1,
            -1.566542966630792353556e-2,
            2.761106850817352773874e-3,
            -2.089148012284048449115e-4,
            1.708528938807675304186e-5,
            -4.459311796356686423199e-7,
            1.394634930353847498145e-8,
            6.150865933977338354138e-10
        },
        {
            1.0,
            -1.044225908443871106315e-1,
            -2.676453128101402655055e-1,
            9.695000254621984627876e-2,
            -1.601745692712991078208e-2,
            1.496414899205908021882e-3,
            -8.462452563778485013756e-5,
            2.728938403476726394024e-6,
            -4.239462431819542051337e-8
        },
        {
            1.0,
            -1.002252150365854016662e0,
            2.928709694872224144953e-1,
            -3.337004338674007801307e-2,
            1.560544881127388842819e-3,
            -2.523137093603234562648e-5
        },
        {
            1.0,
            -1.888802868662308731041e0,
            1.066691687211408896850e0,
            -2.751915982306380647738e-1,
            3.930852688233823569726e-2,
            -3.414684558602365085394e-3,
            1.866844370703555398195e-4,
            -6.345146083130515357861e-6,
            1.239754287483206878024e-7,
            -1.086076102793126632978e-9
        }
    };

    /** The polynomial with coefficients {@code c} (highest power first, rounded to x's dtype) at x. */
    private static Array polyval(double[] c, Array x) {
        Array acc = Np.zerosLike(x);
        for (double v : c) {
            acc = Np.add(Np.multiply(acc, x), Np.fullLike(x, v));
        }
        return acc;
    }

    /** Ei(x) for x >= 0 (NaN, 0 and x > 64 take the last fit, as JAX's piecewise default). */
    private static Array eiPositive(Array x) {
        Array first =
                Np.add(Np.add(Np.multiply(x, Np.divide(polyval(EI_A[0], x), polyval(EI_B[0], x))), EULER), Np.log(x));
        Array out = rational(6, x);
        for (int i = 5; i >= 1; i--) {
            double lo = Math.pow(2, i);
            Array in = Np.logicalAnd(Np.less(lo, x), Np.lessEqual(x, 2 * lo));
            out = Np.where(in, rational(i, x), out);
        }
        Array in = Np.logicalAnd(Np.less(0.0, x), Np.lessEqual(x, 2.0));
        return Np.where(in, first, out);
    }

    private static Array rational(int i, Array x) {
        Array w = Np.divide(1.0, x);
        Array f = Np.add(Np.multiply(w, Np.divide(polyval(EI_A[i], w), polyval(EI_B[i], w))), 1.0);
        return Np.multiply(Np.multiply(Np.exp(x), w), f);
    }

    /** Ei(x) in x's dtype. */
    static Array expi(Array x) {
        Array neg = Np.less(x, 0.0);
        Array one = Np.onesLike(x);
        Array negative = Np.negative(expn(one, Np.negative(x)));
        return Np.where(neg, negative, eiPositive(x));
    }

    /**
     * A loop over the array in which each element steps while its own condition holds: the state's
     * arrays are updated only where {@code cond} is true, until it is false everywhere.
     */
    private static Array[] elementwiseWhile(
            Function<Array[], Array> cond, Function<Array[], Array[]> body, Array[] init) {
        Array[] start = new Array[init.length + 1];
        System.arraycopy(init, 0, start, 1, init.length);
        start[0] = cond.apply(init);
        Array[] out = Lax.whileLoop(
                s -> Np.any(s[0]),
                s -> {
                    Array[] state = java.util.Arrays.copyOfRange(s, 1, s.length);
                    Array[] next = body.apply(state);
                    Array[] r = new Array[s.length];
                    for (int i = 0; i < next.length; i++) {
                        r[i + 1] = Np.where(s[0], next[i], state[i]);
                    }
                    r[0] = cond.apply(java.util.Arrays.copyOfRange(r, 1, r.length));
                    return r;
                },
                start);
        return java.util.Arrays.copyOfRange(out, 1, out.length);
    }

    /** E_n(x) for n and x broadcast, of one float dtype, with JAX's cases (the last that holds wins). */
    static Array expn(Array n, Array x) {
        Array zero = Np.zerosLike(x);
        Array c0 = Np.logicalOr(Np.less(n, 0.0), Np.less(x, 0.0));
        Array xZero = Np.equal(x, 0.0);
        Array c1 = Np.logicalAnd(xZero, Np.less(n, 2.0));
        Array c2 = Np.logicalAnd(xZero, Np.greaterEqual(n, 2.0));
        Array c3 = Np.logicalAnd(Np.equal(n, 0.0), Np.greaterEqual(x, 0.0));
        Array c4 = Np.greaterEqual(n, 5000.0);
        Array c5 = Np.greater(x, 1.0);
        Array none = Np.logicalNot(
                Np.logicalOr(Np.logicalOr(Np.logicalOr(c0, c1), Np.logicalOr(c2, c3)), Np.logicalOr(c4, c5)));
        Array n1 = Np.where(Np.equal(n, 1.0), Np.add(n, n), n);
        // the loops see inputs of their own range elsewhere, so that no element loops for long
        Array seriesX = Np.where(none, x, Np.fullLike(x, 0.5));
        Array seriesN = Np.where(none, n, Np.onesLike(n));
        Array fractionX = Np.where(c5, x, Np.fullLike(x, 2.0));
        Array fractionN = Np.where(c5, n, Np.onesLike(n));
        Array out = series(seriesN, seriesX);
        out = Np.where(c0, Np.fullLike(out, Double.NaN), out);
        out = Np.where(c1, Np.fullLike(out, Double.POSITIVE_INFINITY), out);
        out = Np.where(c2, Np.divide(1.0, n1), out);
        out = Np.where(c3, Np.divide(Np.exp(Np.negative(x)), x), out);
        out = Np.where(c4, large(n, x), out);
        out = Np.where(c5, fraction(fractionN, fractionX), out);
        return Np.add(out, zero);
    }

    /** The power series of E_n for 0 < x <= 1. */
    private static Array series(Array n, Array x) {
        DType dt = x.dtype();
        double eps = IncompleteGamma.eps(dt);
        Array one = Np.onesLike(x);
        Array psi0 = Np.subtract(-EULER, Np.log(x));
        // psi += 1/i for i = 1 .. n-1
        Array[] h = elementwiseWhile(
                s -> Np.less(s[0], n),
                s -> new Array[] {Np.add(s[0], 1.0), Np.add(s[1], Np.divide(one, s[0]))},
                new Array[] {one, psi0});
        Array psi = h[1];
        Array n1 = Np.where(Np.equal(n, 1.0), Np.fullLike(n, 2.0), n);
        Array z = Np.negative(x);
        Array ans0 = Np.where(Np.equal(n, 1.0), Np.zerosLike(x), Np.divide(one, Np.subtract(1.0, n1)));
        // state: xk, yk, pk, ans, t
        Array[] v = elementwiseWhile(
                s -> Np.logicalAnd(Np.greater(x, 0.0), Np.greater(s[4], eps)),
                s -> {
                    Array xk = Np.add(s[0], 1.0);
                    Array yk = Np.multiply(s[1], Np.divide(z, xk));
                    Array pk = Np.add(s[2], 1.0);
                    Array ans = Np.add(s[3], Np.where(Np.notEqual(pk, 0.0), Np.divide(yk, pk), Np.zerosLike(yk)));
                    Array t = Np.where(Np.notEqual(ans, 0.0), Np.abs(Np.divide(yk, ans)), Np.onesLike(ans));
                    return new Array[] {xk, yk, pk, ans, t};
                },
                new Array[] {Np.zerosLike(x), one, Np.subtract(1.0, n), ans0, Np.fullLike(x, Double.POSITIVE_INFINITY)
                });
        Array r = Np.subtract(n, 1.0);
        return Np.subtract(Np.divide(Np.multiply(Np.power(z, r), psi), Np.exp(Special.gammaln(n))), v[3]);
    }

    /** The continued fraction of E_n for x > 1. */
    private static Array fraction(Array n, Array x) {
        DType dt = x.dtype();
        double eps = IncompleteGamma.eps(dt);
        double big = 1.44115188075855872e17;
        Array one = Np.onesLike(x);
        // state: k, pkm2, qkm2, pkm1, qkm1, ans, t, r
        Array[] v = elementwiseWhile(
                s -> Np.logicalAnd(Np.greater(x, 0.0), Np.greater(s[6], eps)),
                s -> {
                    Array k = Np.add(s[0], 1.0);
                    Array odd = Np.equal(Np.remainder(k, 2.0), 1.0);
                    Array yk = Np.where(odd, one, x);
                    Array xk = Np.where(odd, Np.add(n, Np.divide(Np.subtract(k, 1.0), 2.0)), Np.divide(k, 2.0));
                    Array pk = Np.add(Np.multiply(s[3], yk), Np.multiply(s[1], xk));
                    Array qk = Np.add(Np.multiply(s[4], yk), Np.multiply(s[2], xk));
                    Array nz = Np.notEqual(qk, 0.0);
                    Array r = Np.where(nz, Np.divide(pk, qk), s[7]);
                    Array t = Np.where(nz, Np.abs(Np.divide(Np.subtract(s[5], r), r)), one);
                    Array ans = Np.where(nz, r, s[5]);
                    Array isBig = Np.greater(Np.abs(pk), big);
                    Array pkm2 = Np.where(isBig, Np.divide(s[3], big), s[3]);
                    Array pkm1 = Np.where(isBig, Np.divide(pk, big), pk);
                    Array qkm2 = Np.where(isBig, Np.divide(s[4], big), s[4]);
                    Array qkm1 = Np.where(isBig, Np.divide(qk, big), qk);
                    return new Array[] {k, pkm2, qkm2, pkm1, qkm1, ans, t, r};
                },
                new Array[] {
                    Np.onesLike(n),
                    one,
                    x,
                    one,
                    Np.add(x, n),
                    Np.divide(one, Np.add(x, n)),
                    Np.fullLike(x, Double.POSITIVE_INFINITY),
                    Np.zerosLike(x)
                });
        return Np.multiply(v[5], Np.exp(Np.negative(x)));
    }

    /** The asymptotic form of E_n for n >= 5000. */
    private static Array large(Array n, Array x) {
        Array xk = Np.add(x, n);
        Array yk = Np.divide(1.0, Np.multiply(xk, xk));
        Array t = n;
        Array ans = Np.multiply(
                Np.multiply(yk, t),
                Np.add(
                        Np.subtract(Np.multiply(Np.multiply(x, 6.0), x), Np.multiply(Np.multiply(t, 8.0), x)),
                        Np.multiply(t, t)));
        ans = Np.multiply(yk, Np.add(ans, Np.multiply(t, Np.subtract(t, Np.multiply(x, 2.0)))));
        ans = Np.multiply(yk, Np.add(ans, t));
        return Np.divide(Np.multiply(Np.add(ans, 1.0), Np.exp(Np.negative(x))), xk);
    }
}
