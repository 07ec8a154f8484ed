#!/usr/bin/env python3
"""Writes the JAX golden values of jax.scipy.special's incomplete gamma and beta functions, zeta,
polygamma and log_ndtr, and of their jax.lax names (igamma, igammac, igamma_grad_a,
random_gamma_grad, betainc, polygamma, zeta), to goldens/specialfns.txt in the breadth family's
format (values, and gradients of sum(w * f) for the inputs in `wrt`).

It also writes goldens/discrete.txt, jax.random.poisson and binomial for fixed keys, for the
distributions family (--discrete-only writes only that file).

Run from the repository root (about two minutes):
    /work/main/build/venv/bin/python conformance/scripts/make_special_fn_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_goldens as mg  # noqa: E402  (sets jax_enable_x64 and the CPU platform)
import make_breadth_goldens as mb  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.scipy.special as jss  # noqa: E402
from jax import lax  # noqa: E402

F32, F64, I32 = mg.F32, mg.F64, mg.I32
rng = np.random.default_rng(20261207)


def pairs(first, second, dt):
    a = np.repeat(np.asarray(first, np.float64), len(second)).astype(dt)
    x = np.tile(np.asarray(second, np.float64), len(first)).astype(dt)
    return a, x


# parameters and arguments spanning the series/continued-fraction switch, the domain edges and
# large values of x (where the factor a log x - x - lgamma(a) underflows); a stays at most 100, as
# the result's relative error grows with |lgamma(a)| (JAX's and Kiln's lgamma differ by a few eps of
# it: at a = x = 1e4, 1.5e-11 relative in float64)
A = [0.0, 1e-3, 0.1, 0.5, 1.0, 1.5, 3.0, 7.25, 20.0, 60.0, 100.0, -1.0, np.inf, np.nan]
X = [0.0, 1e-4, 0.1, 0.5, 1.0, 2.0, 3.0, 7.0, 25.0, 150.0, 1e4, -0.5, np.inf, np.nan]


def incomplete_gamma():
    for dt in mg.FLOATS:
        a, x = pairs(A, X, dt)
        mb.case("gammainc %s pairs" % dt, "Special.gammainc", {}, [a, x], jss.gammainc)
        mb.case("gammaincc %s pairs" % dt, "Special.gammaincc", {}, [a, x], jss.gammaincc)
        mb.case("Lax.igamma %s pairs" % dt, "Lax.igamma", {}, [a, x], lax.igamma)
        mb.case("Lax.igammac %s pairs" % dt, "Lax.igammac", {}, [a, x], lax.igammac)
        mb.case("Lax.igammaGradA %s pairs" % dt, "Lax.igammaGradA", {}, [a, x], lax.igamma_grad_a)
        mb.case("Lax.randomGammaGrad %s pairs" % dt, "Lax.randomGammaGrad", {}, [a, x], lax.random_gamma_grad)
        ga = mb.smooth(dt, (3, 4), 0.3, 9.0)
        gx = mb.smooth(dt, (4,), 0.2, 12.0)
        mb.case("gammainc %s grad" % dt, "Special.gammainc", {}, [ga, gx], jss.gammainc, wrt=(0, 1))
        mb.case("gammaincc %s grad" % dt, "Special.gammaincc", {}, [ga, gx], jss.gammaincc, wrt=(0, 1))
        mb.case("Lax.igamma %s grad" % dt, "Lax.igamma", {}, [ga, np.broadcast_to(gx, ga.shape).copy()],
                lax.igamma, wrt=(0, 1))


B = [0.0, 1e-3, 0.5, 1.0, 2.5, 10.0, 30.0, -1.0, np.inf, np.nan]
BX = [0.0, 1e-3, 0.2, 0.5, 0.9, 1.0, 1.5, -0.1, np.nan]


# b and a at most 30: lbeta cancels terms of size lgamma(a + b) (JAX's float32 lgamma, evaluated in
# float32, is 1e-4 off at I(300, 300, 1/2) = 1/2)
def incomplete_beta():
    for dt in mg.FLOATS:
        a = np.repeat(np.asarray(B), len(B) * len(BX)).astype(dt)
        b = np.tile(np.repeat(np.asarray(B), len(BX)), len(B)).astype(dt)
        x = np.tile(np.asarray(BX), len(B) * len(B)).astype(dt)
        mb.case("betainc %s triples" % dt, "Special.betainc", {}, [a, b, x], jss.betainc)
        mb.case("Lax.betainc %s triples" % dt, "Lax.betainc", {}, [a, b, x], lax.betainc)
        ga = mb.smooth(dt, (3, 1), 0.3, 6.0)
        gb = mb.smooth(dt, (1, 4), 0.3, 6.0)
        gx = mb.smooth(dt, (3, 4), 0.05, 0.95)
        mb.case("betainc %s grad" % dt, "Special.betainc", {}, [ga, gb, gx], jss.betainc, wrt=(2,))


ZS = [1.0, 1.001, 1.5, 2.0, 3.0, 4.5, 10.0, 60.0, 0.5, -2.0, np.inf, np.nan]
ZQ = [1.0, 0.001, 0.5, 2.0, 10.0, 1e3, 0.0, -1.0, -2.5, -3.0, np.inf, np.nan]


def zeta_polygamma():
    for dt in mg.FLOATS:
        s, q = pairs(ZS, ZQ, dt)
        mb.case("zeta %s pairs" % dt, "Special.zeta", {}, [s, q], jss.zeta)
        mb.case("Lax.zeta %s pairs" % dt, "Lax.zeta", {}, [s, q], lax.zeta)
        gs = mb.smooth(dt, (3, 4), 1.5, 6.0)
        gq = mb.smooth(dt, (4,), 0.5, 5.0)
        mb.case("zeta %s grad" % dt, "Special.zeta", {}, [gs, gq], jss.zeta, wrt=(0, 1))
        n = np.array([0, 1, 2, 3, 4, 7], np.int32)
        xs = np.array([0.1, 0.5, 1.0, 2.5, 10.0, 100.0, -0.5, -1.0, -2.25, 0.0, np.inf, np.nan], dt)
        nn = np.repeat(n, len(xs))
        xx = np.tile(xs, len(n))
        mb.case("polygamma %s pairs" % dt, "Special.polygamma", {}, [nn, xx], jss.polygamma)
        mb.case("Lax.polygamma %s pairs" % dt, "Lax.polygamma", {}, [nn.astype(dt), xx], lax.polygamma)
        mf = np.array([0.5, -1.0], dt)
        mb.case("Lax.polygamma %s bad order" % dt, "Lax.polygamma", {}, [mf, np.array([2.0, 2.0], dt)],
                lax.polygamma)
        gn = np.array([[0], [1], [3]], np.int32)
        gx = mb.smooth(dt, (3, 4), 0.3, 6.0)
        mb.case("polygamma %s grad" % dt, "Special.polygamma", {}, [gn, gx], jss.polygamma, wrt=(1,))


def log_ndtr():
    for dt in mg.FLOATS:
        c = np.concatenate([mg.float_corners(dt),
                            np.array([-50, -38, -20.5, -19.5, -10.5, -9.5, -3, -1e-3, 4.9, 5.1, 7.9, 8.1, 12, 40], dt),
                            rng.uniform(-30, 10, 16).astype(dt)])
        mb.case("Special.logNdtr %s corners" % dt, "Special.logNdtr", {}, [c], jss.log_ndtr)
        g = mb.smooth(dt, (3, 5), -25, 9, away=(-20, -10, 5, 8))
        mb.case("Special.logNdtr %s grad" % dt, "Special.logNdtr", {}, [g], jss.log_ndtr, wrt=(0,))


def discrete():
    """jax.random.poisson and binomial for fixed keys (to goldens/discrete.txt, the distributions
    family's format: the raw key first, parameters as arrays after it or as numbers in params)."""
    import make_distribution_goldens as md  # turns jax_enable_x64 off; its case turns it on per call
    keys = md.KEYS
    lam = np.array([0.0, 0.3, 1.0, 4.5, 9.99, 10.0, 25.0, 130.0, 1e4], np.float32)
    for k in keys:
        md.case("poisson rates %s" % md.fmt(k), "Random.poisson", {"shape": (), "dtype": I32}, [k, lam],
                lambda kk, ll: jax.random.poisson(kk, ll, None, jnp.int32))
        md.case("poisson lam=3 %s" % md.fmt(k), "Random.poisson", {"shape": (4, 5), "dtype": I32, "lam": 3.0}, [k],
                lambda kk: jax.random.poisson(kk, 3.0, (4, 5), jnp.int32))
        md.case("poisson lam=40 %s" % md.fmt(k), "Random.poisson", {"shape": (11,), "dtype": I32, "lam": 40.0}, [k],
                lambda kk: jax.random.poisson(kk, 40.0, (11,), jnp.int32))
    md.case("poisson broadcast", "Random.poisson", {"shape": (3, 2), "dtype": I32},
            [keys[1], np.array([0.5, 60.0], np.float32)],
            lambda kk, ll: jax.random.poisson(kk, ll, (3, 2), jnp.int32))
    md.case("poisson int64", "Random.poisson", {"shape": (6,), "dtype": "int64", "lam": 12.0}, [keys[2]],
            lambda kk: jax.random.poisson(kk, 12.0, (6,), jnp.int64), x64=True)
    n = np.array([0.0, 1.0, 5.0, 20.0, 30.0, 100.0, 1000.0, 7.5, -1.0, np.inf, np.nan, 50.0], np.float32)
    p = np.array([0.3, 0.5, 0.05, 0.9, 0.5, 0.2, 0.7, 0.4, 0.5, 0.5, 0.5, -0.1], np.float32)
    for k in keys:
        md.case("binomial pairs %s" % md.fmt(k), "Random.binomial", {"shape": (), "dtype": F32}, [k, n, p],
                lambda kk, nn, pp: jax.random.binomial(kk, nn, pp, None, jnp.float32))
        md.case("binomial n=40 p=0.6 %s" % md.fmt(k), "Random.binomial",
                {"shape": (9,), "dtype": F32, "n": 40.0, "p": 0.6}, [k],
                lambda kk: jax.random.binomial(kk, 40.0, 0.6, (9,), jnp.float32))
    md.case("binomial float64", "Random.binomial", {"shape": (), "dtype": F64}, [keys[1], n.astype(F64), p.astype(F64)],
            lambda kk, nn, pp: jax.random.binomial(kk, nn, pp, None, jnp.float64), x64=True)
    pm = np.array([[0.2, 0.5, 0.3], [0.0, 0.9, 0.1]], np.float32)
    for k in keys:
        md.case("multinomial %s" % md.fmt(k), "Random.multinomial", {"shape": (), "dtype": F32},
                [k, np.array([10.0, 50.0], np.float32), pm],
                lambda kk, nn, pp: jax.random.multinomial(kk, nn, pp, dtype=jnp.float32))
    md.case("multinomial shape n=20", "Random.multinomial", {"shape": (4, 3), "dtype": F32, "n": 20.0},
            [keys[1], pm[0]], lambda kk, pp: jax.random.multinomial(kk, 20.0, pp, shape=(4, 3), dtype=jnp.float32))
    mg.write_lines("discrete", "golden values for Kiln's distributions family (poisson, binomial)",
                   "make_special_fn_goldens.py", md.LINES)


def exponential_integrals():
    """JAX evaluates every branch of expn on every element (its piecewise is batched), and its
    continued fraction barely moves for small positive x (exp1 of 1e-30 does not finish): the inputs
    of exp1 and expn stay at 0, negative, or 0.2 and above. expi of small x takes the series."""
    for dt in mg.FLOATS:
        c = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-6, 0.3, 1.0, 1.999, 2.0, 2.5, 3.999, 4.0, 6.0, 8.0, 12.0,
                      16.0, 24.0, 32.0, 48.0, 64.0, 80.0, -0.3, -1.0, -2.5, -5.0, -30.0], dt)
        mb.case("Special.expi %s corners" % dt, "Special.expi", {}, [c], jss.expi)
        e = np.array([np.nan, np.inf, 0.0, 0.2, 0.3, 0.5, 1.0, 1.5, 2.5, 6.0, 24.0, 80.0, -0.3, -2.5], dt)
        mb.case("Special.exp1 %s corners" % dt, "Special.exp1", {}, [e], jss.exp1)
        g = mb.smooth(dt, (3, 5), -6, 70, away=(0.0,))
        mb.case("Special.expi %s grad" % dt, "Special.expi", {}, [g], jss.expi, wrt=(0,))
        mb.case("Special.exp1 %s grad" % dt, "Special.exp1", {}, [(np.abs(g) + 0.2).astype(dt)], jss.exp1, wrt=(0,))
        n = np.array([0, 1, 2, 3, 5, 10, 30, 6000, -1], np.float64)
        xs = np.array([0.0, 0.2, 0.5, 1.0, 1.5, 4.0, 20.0, 100.0, -0.5, np.inf, np.nan], np.float64)
        mb.case("Special.expn %s pairs" % dt, "Special.expn", {}, [np.repeat(n, len(xs)).astype(dt),
                                                                  np.tile(xs, len(n)).astype(dt)], jss.expn)
        gn = np.array([[1.0], [2.0], [4.0]], dt)
        gx = mb.smooth(dt, (3, 4), 0.2, 6.0)
        mb.case("Special.expn %s grad" % dt, "Special.expn", {}, [gn, gx], jss.expn, wrt=(1,))


def bernoulli():
    for n in (0, 1, 2, 3, 4, 5, 10, 31):
        mb.case("Special.bernoulli n=%d" % n, "Special.bernoulli", {}, [np.array(n, np.int32)],
                lambda m: jss.bernoulli(int(m)))


def spence():
    """The derivative on [1, 2) is left out: JAX 0.10.2's is nan on (1, 2) and 0 at 1 (its piecewise leaks
    the other branches), where the true value is log(x) / (1 - x) (-1 at 1); Kiln's is checked there
    against that formula by spi's SpenceTest."""
    for dt in mg.FLOATS:
        c = np.array([0.0, 1e-8, 0.1, 0.25, 0.4999, 0.5, 0.75, 1.0, 1.25, 1.999, 2.0, 2.001, 3.0, 10.0, 1e3, 1e5,
                      1e10, -1.0, -0.0, np.nan, np.inf], dt)
        mb.case("Special.spence %s corners" % dt, "Special.spence", {}, [c], jss.spence)
        g = np.array([[0.05, 0.3, 0.6, 0.9], [2.5, 3.5, 7.0, 20.0]], dt)
        mb.case("Special.spence %s grad" % dt, "Special.spence", {}, [g], jss.spence, wrt=(0,))


def dawson_bessel():
    """dawsn around its series/asymptotic switch at 7 and in both tails; bessel_jn of orders 0 to v,
    where JAX's float32 recurrence overflows for |z| up to about 3 (nan, which Kiln repeats)."""
    for dt in mg.FLOATS:
        c = np.concatenate([mg.float_corners(dt),
                            np.array([1e-3, 0.5, 0.92413887, 1.0, 2.5, 3.25, 5.0, 6.25, 6.99, 7.0, 7.01, 9.0, 15.0,
                                      1e3, 1e10, -1.5, -6.5, -7.5, -40.0], dt),
                            rng.uniform(-12, 12, 12).astype(dt)])
        mb.case("Special.dawsn %s corners" % dt, "Special.dawsn", {}, [c], jss.dawsn)
        g = mb.smooth(dt, (3, 5), -10, 10)
        mb.case("Special.dawsn %s grad" % dt, "Special.dawsn", {}, [g], jss.dawsn, wrt=(0,))
        z = np.array([0.0, 0.1, 0.5, 1.0, 2.5, 3.0, 3.5, 7.25, 10.0, 20.0, -4.5, -13.0, np.nan], dt)
        for v, n_iter in ((0, 50), (3, 50), (5, 30)):
            mb.case("Special.besselJn %s v=%d n_iter=%d" % (dt, v, n_iter), "Special.besselJn", {},
                    [z, np.array(v, I32), np.array(n_iter, I32)],
                    lambda zz, vv, nn: jss.bessel_jn(zz, v=int(vv), n_iter=int(nn)))
    # float64 only: JAX's float32 gradient through the recurrence is wrong (its intermediate values
    # near float32's range: grad of sum(w J_v) of 4 at z in [4, 12], where |J_v'| < 0.6)
    gz = mb.smooth(F64, (2, 3), 4.0, 12.0)
    mb.case("Special.besselJn float64 grad", "Special.besselJn", {}, [gz, np.array(2, I32), np.array(50, I32)],
            lambda zz, vv, nn: jss.bessel_jn(zz, v=int(vv), n_iter=int(nn)), wrt=(0,))


def owens_t():
    """owens_t over both sides of |a| = 1 (the reflection), the closed forms at h = 0 and |a| = 1, both
    branches of the reflection (a h at most 0.67, and above), signs, infinities and nan."""
    hs = [0.0, 0.1, 0.5, 1.0, 2.0, 5.0, -1.5, np.inf, np.nan]
    as_ = [0.0, 0.3, 1.0, -1.0, 1.5, 4.0, -20.0, np.inf, np.nan]
    for dt in mg.FLOATS:
        h, a = pairs(hs, as_, dt)
        gh = mb.smooth(dt, (3, 1), -3.0, 3.0)
        ga = mb.smooth(dt, (1, 4), -3.0, 3.0, away=(-1.0, 1.0))
        # with 64-bit types on, JAX's owens_t of float32 answers float64 (its float64 quadrature weights
        # promote it); JAX's default, which Kiln follows, keeps float32
        with jax.enable_x64(dt == F64):
            mb.case("Special.owensT %s pairs" % dt, "Special.owensT", {}, [h, a], jss.owens_t)
            mb.case("Special.owensT %s grad" % dt, "Special.owensT", {}, [gh, ga], jss.owens_t, wrt=(0, 1))


def trig_integrals():
    """fresnel and sici: zero, signs, both sides of Kiln's series/continued-fraction switches (1.6 and
    2) and JAX's (4, 8 and 1e9 for sici), the tails, the infinities and nan; gradients of each result."""
    for dt in mg.FLOATS:
        c = np.concatenate([np.array([0.0, -0.0, 1e-10, 1e-3, 0.5, 1.0, 1.5, 1.6, 1.61, 1.99, 2.0, 2.01, 2.5, 3.9,
                                      4.0, 4.1, 7.9, 8.0, 8.1, 10.0, 33.3, 1e3, 1e5, 1e8, 1e10, -0.7, -3.0, -9.5,
                                      -1e4, np.inf, -np.inf, np.nan], dt),
                            rng.uniform(-12, 12, 16).astype(dt)])
        mb.case("Special.fresnel %s corners" % dt, "Special.fresnel", {}, [c], jss.fresnel)
        mb.case("Special.sici %s corners" % dt, "Special.sici", {}, [c], jss.sici)
        g = mb.smooth(dt, (3, 5), -6, 6, away=(0.0,))
        mb.case("Special.fresnel s %s grad" % dt, "Special.fresnel.s", {}, [g], lambda x: jss.fresnel(x)[0], wrt=(0,))
        mb.case("Special.fresnel c %s grad" % dt, "Special.fresnel.c", {}, [g], lambda x: jss.fresnel(x)[1], wrt=(0,))
        mb.case("Special.sici si %s grad" % dt, "Special.sici.si", {}, [g], lambda x: jss.sici(x)[0], wrt=(0,))
        mb.case("Special.sici ci %s grad" % dt, "Special.sici.ci", {}, [g], lambda x: jss.sici(x)[1], wrt=(0,))


def main():
    if "--discrete-only" not in sys.argv:
        incomplete_gamma()
        incomplete_beta()
        zeta_polygamma()
        log_ndtr()
        exponential_integrals()
        bernoulli()
        spence()
        dawson_bessel()
        owens_t()
        trig_integrals()
        mg.write_lines("specialfns", "golden values for Kiln's breadth family (incomplete gamma and beta, zeta, "
                       "polygamma, log_ndtr, exponential integrals, spence, dawsn, bessel_jn, owens_t, fresnel, sici)", "make_special_fn_goldens.py",
                       mb.LINES)
    if "--special-only" not in sys.argv:
        discrete()


if __name__ == "__main__":
    main()
