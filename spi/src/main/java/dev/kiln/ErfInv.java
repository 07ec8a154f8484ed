package dev.kiln;

import dev.kiln.ir.Primitive;

/**
 * The inverse error function as XLA evaluates it for {@code jax.lax.erf_inv}: M. Giles'
 * polynomial approximations ("Approximating the erfinv function", GPU Computing Gems, 2011) in
 * {@code w = -log1p(-x²)}, with XLA's branch points, coefficient roundings and its own {@code
 * log1p}, built from array primitives so that it traces.
 *
 * <p>XLA's CPU compiler contracts every Horner step {@code c + p·t} into a fused multiply-add.
 * Kiln has no FMA primitive, so for float32 each step runs in float64 (the float32 product is
 * exact there) and rounds back to float32, which reproduces the fused result except in
 * double-rounding cases far rarer than one in a million. Float64 steps round twice, as unfused
 * code would, and so may differ from JAX's by an ulp or two.
 */
final class ErfInv {
    private ErfInv() {}

    /** Giles' single-precision coefficients, highest power first, for {@code w < 5} and {@code w >= 5}. */
    private static final double[] F32_CENTRAL = {
        2.81022636e-08,
        3.43273939e-07,
        -3.5233877e-06,
        -4.39150654e-06,
        0.00021858087,
        -0.00125372503,
        -0.00417768164,
        0.246640727,
        1.50140941
    };

    private static final double[] F32_TAIL = {
        -0.000200214257,
        0.000100950558,
        0.00134934322,
        -0.00367342844,
        0.00573950773,
        -0.0076224613,
        0.00943887047,
        1.00167406,
        2.83297682
    };

    /** Giles' double-precision coefficients for {@code w < 6.25}, {@code w < 16} and beyond. */
    private static final double[] F64_CENTRAL = {
        -3.64441206401782e-21,
        -1.6850591381820166e-19,
        1.28584807152564e-18,
        1.1157877678025181e-17,
        -1.333171662854621e-16,
        2.0972767875968562e-17,
        6.637638134358324e-15,
        -4.054566272975207e-14,
        -8.151934197605472e-14,
        2.6335093153082323e-12,
        -1.2975133253453532e-11,
        -5.415412054294628e-11,
        1.0512122733215323e-09,
        -4.112633980346984e-09,
        -2.9070369957882005e-08,
        4.2347877827932404e-07,
        -1.3654692000834679e-06,
        -1.3882523362786469e-05,
        0.00018673420803405714,
        -0.000740702534166267,
        -0.006033670871430149,
        0.24015818242558962,
        1.6536545626831027
    };

    private static final double[] F64_MIDDLE = {
        2.2137376921775787e-09,
        9.075656193888539e-08,
        -2.7517406297064545e-07,
        1.8239629214389228e-08,
        1.5027403968909828e-06,
        -4.013867526981546e-06,
        2.9234449089955446e-06,
        1.2475304481671779e-05,
        -4.7318229009055734e-05,
        6.828485145957318e-05,
        2.4031110387097894e-05,
        -0.0003550375203628475,
        0.0009532893797373805,
        -0.0016882755560235047,
        0.002491442096107851,
        -0.003751208507569241,
        0.005370914553590064,
        1.0052589676941592,
        3.0838856104922208
    };

    private static final double[] F64_TAIL = {
        -2.7109920616438573e-11,
        -2.555641816996525e-10,
        1.5076572693500548e-09,
        -3.789465440126737e-09,
        7.61570120807834e-09,
        -1.496002662714924e-08,
        2.914795345090108e-08,
        -6.771199775845234e-08,
        2.2900482228026655e-07,
        -9.9298272942317e-07,
        4.526062597223154e-06,
        -1.968177810553167e-05,
        7.599527703001776e-05,
        -0.00021503011930044477,
        -0.00013871931833623122,
        1.0103004648645344,
        4.849906401408584
    };

    /** {@code erf⁻¹(x)} elementwise for a float32 or float64 array; ±1 give ±∞, |x| > 1 gives NaN. */
    static Array apply(Array x) {
        DType d = x.dtype();
        int[] shape = x.shape();
        Array w = neg(log1p(mul(x, neg(x))));
        Array p;
        if (d == DType.FLOAT32) {
            Array central = lt(w, constant(d, 5, shape));
            Array t = select(
                    central, sub(w, constant(d, 2.5, shape)), sub(Lax.bind(Primitive.SQRT, w), constant(d, 3, shape)));
            p = hornerFused(t, central, F32_CENTRAL, F32_TAIL);
        } else {
            Array central = lt(w, constant(d, 6.25, shape));
            Array middle = lt(w, constant(d, 16, shape));
            Array sqrtW = Lax.bind(Primitive.SQRT, w);
            Array t = select(
                    central,
                    sub(w, constant(d, 3.125, shape)),
                    sub(sqrtW, select(middle, constant(d, 3.25, shape), constant(d, 5, shape))));
            p = horner(t, central, middle);
        }
        Array r = mul(p, x);
        Array one = Lax.bind(Primitive.EQ, Lax.bind(Primitive.ABS, x), constant(d, 1, shape));
        return select(one, mul(x, constant(d, Double.POSITIVE_INFINITY, shape)), r);
    }

    /**
     * Float32 Horner evaluation with the coefficient of each step chosen per element, each step
     * computed in float64 and rounded once, like a float32 FMA.
     */
    private static Array hornerFused(Array t, Array central, double[] a, double[] b) {
        int[] shape = t.shape();
        Array t64 = Lax.convert(t, DType.FLOAT64);
        Array p = coefficient(DType.FLOAT32, central, a[0], b[0], shape);
        for (int i = 1; i < a.length; i++) {
            Array c = coefficient(DType.FLOAT64, central, (float) a[i], (float) b[i], shape);
            p = Lax.convert(add(c, mul(Lax.convert(p, DType.FLOAT64), t64)), DType.FLOAT32);
        }
        return p;
    }

    /**
     * Float64 Horner evaluation over three branches. The shorter polynomials are padded with leading
     * zeros, which leaves them exact: {@code 0 + 0·t} stays 0 for finite {@code t}, and where
     * {@code t} is infinite ({@code |x| = 1}) the caller replaces the result.
     */
    private static Array horner(Array t, Array central, Array middle) {
        int[] shape = t.shape();
        int n = F64_CENTRAL.length;
        Array p = null;
        for (int i = 0; i < n; i++) {
            double c = F64_CENTRAL[i];
            double m = padded(F64_MIDDLE, i, n);
            double tail = padded(F64_TAIL, i, n);
            Array coef = select(
                    central, constant(DType.FLOAT64, c, shape), coefficient(DType.FLOAT64, middle, m, tail, shape));
            p = p == null ? coef : add(coef, mul(p, t));
        }
        return p;
    }

    /** Cephes' rational approximation of log1p near 0: numerator and denominator, highest power first. */
    private static final double[] LOG1P_NUMERATOR = {
        4.5270000862445199635215E-5,
        4.9854102823193375972212E-1,
        6.5787325942061044846969E0,
        2.9911919328553073277375E1,
        6.0949667980987787057556E1,
        5.7112963590585538103336E1,
        2.0039553499201281259648E1
    };

    private static final double[] LOG1P_DENOMINATOR = {
        1,
        1.5062909083469192043167E1,
        8.3047565967967209469434E1,
        2.2176239823732856465394E2,
        3.0909872225312059774938E2,
        2.1642788614495947685003E2,
        6.0118660497603843919306E1
    };

    /**
     * {@code log(1 + x)} the way XLA's CPU compiler (in jaxlib 0.10.2) evaluates it: Cephes'
     * rational approximation {@code x - x²/2 + x³·P(x)/Q(x)} where {@code |x| < √2 - 1}, else
     * {@code log(1 + x)}. It is not correctly rounded (in float64 it is tens of ulp off near
     * {@code -0.41}), but erf⁻¹ must see the same {@code w} to give JAX's samples. Kiln's LOG is
     * correctly rounded where XLA's float32 log is not, the remaining source of 1-ulp differences.
     */
    private static Array log1p(Array x) {
        DType d = x.dtype();
        int[] shape = x.shape();
        Array x2 = mul(x, x);
        Array ratio = Lax.bind(Primitive.DIV, polynomial(x, LOG1P_NUMERATOR), polynomial(x, LOG1P_DENOMINATOR));
        Array small = mul(mul(x, x2), ratio);
        small = add(mul(constant(d, -0.5, shape), x2), small);
        small = add(x, small);
        Array large = Lax.bind(Primitive.LOG, add(x, constant(d, 1, shape)));
        Array near = lt(Lax.bind(Primitive.ABS, x), constant(d, 0.41421356237309504880, shape));
        return select(near, small, large);
    }

    /** Horner's rule; float32 steps fused as XLA's are (through float64), float64 steps unfused. */
    private static Array polynomial(Array x, double[] coefficients) {
        DType d = x.dtype();
        int[] shape = x.shape();
        Array p = constant(d, coefficients[0], shape);
        if (d == DType.FLOAT32) {
            Array x64 = Lax.convert(x, DType.FLOAT64);
            for (int i = 1; i < coefficients.length; i++) {
                Array c = constant(DType.FLOAT64, (float) coefficients[i], shape);
                p = Lax.convert(add(mul(Lax.convert(p, DType.FLOAT64), x64), c), DType.FLOAT32);
            }
        } else {
            for (int i = 1; i < coefficients.length; i++) {
                p = add(mul(p, x), constant(d, coefficients[i], shape));
            }
        }
        return p;
    }

    private static double padded(double[] coefficients, int i, int n) {
        int j = i - (n - coefficients.length);
        return j < 0 ? 0 : coefficients[j];
    }

    private static Array coefficient(DType d, Array pred, double onTrue, double onFalse, int[] shape) {
        return select(pred, constant(d, onTrue, shape), constant(d, onFalse, shape));
    }

    private static Array constant(DType d, double value, int[] shape) {
        return Np.full(d, value, shape);
    }

    private static Array neg(Array x) {
        return Lax.bind(Primitive.NEG, x);
    }

    private static Array add(Array a, Array b) {
        return Lax.bind(Primitive.ADD, a, b);
    }

    private static Array sub(Array a, Array b) {
        return Lax.bind(Primitive.SUB, a, b);
    }

    private static Array mul(Array a, Array b) {
        return Lax.bind(Primitive.MUL, a, b);
    }

    private static Array lt(Array a, Array b) {
        return Lax.bind(Primitive.LT, a, b);
    }

    private static Array select(Array pred, Array onTrue, Array onFalse) {
        return Lax.bind(Primitive.SELECT, pred, onTrue, onFalse);
    }
}
