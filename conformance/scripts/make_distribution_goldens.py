#!/usr/bin/env python3
"""Writes the JAX golden values of the conformance suite's `distributions` family: the samplers of
jax.random beyond uniform/normal (Kiln's Random.exponential, gamma, choice, ...) for fixed keys.

One case per line in the format of make_breadth_goldens.py (name, function, params, inputs,
outputs, gradients); the first input is always the raw uint32 key, the others are the samplers'
array parameters; params carry the shape ("shape=3,4"), the dtype and the numeric parameters.

JAX runs with jax_enable_x64 off (its default, and Kiln's int32/float32 defaults: choice and
randint draw 32-bit integers there) except for the float64 cases, which turn it on for their own
call. Every sampler is called through jax.jit, as a user's program would be.

Run from the repository root (about 3 minutes):
    /work/main/build/venv/bin/python conformance/scripts/make_distribution_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_goldens as mg  # noqa: E402  (sets the CPU platform; x64 is turned off below)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_enable_x64", False)
assert jax.config.jax_default_prng_impl == "threefry2x32"
assert jax.config.jax_threefry_partitionable

F32, F64, I32 = mg.F32, mg.F64, mg.I32
KEYS = [np.array([0, 0], np.uint32), np.array([0, 42], np.uint32), np.array([0xDEADBEEF, 0x0BADF00D], np.uint32)]
LINES = []


def case(name, fn, params, inputs, f, x64=False):
    """f takes the JAX key and the other inputs and returns the sample."""
    jax.config.update("jax_enable_x64", x64)
    try:
        args = [jnp.asarray(i) for i in inputs]
        out = np.asarray(jax.jit(f)(*args))
    finally:
        jax.config.update("jax_enable_x64", False)
    ptext = "-" if not params else ";".join("%s=%s" % (k, mg.fmt_param(v)) for k, v in params.items())
    LINES.append("\t".join([name, fn, ptext, ";".join(mg.enc(i) for i in inputs), mg.enc(out), "-"]))


def fmt(k):
    return "%08x:%08x" % (int(k[0]), int(k[1]))


def simple():
    """Samplers with no parameter, float32 over odd shapes and float64 once."""
    for fn, f in (("exponential", jax.random.exponential), ("laplace", jax.random.laplace),
                  ("logistic", jax.random.logistic), ("gumbel", jax.random.gumbel),
                  ("cauchy", jax.random.cauchy), ("maxwell", jax.random.maxwell)):
        for k in KEYS:
            for shape in ((7,), (3, 5)):
                case("%s %s %s %s" % (fn, fmt(k), shape, F32), "Random." + fn, {"shape": shape, "dtype": F32}, [k],
                     lambda key, f=f, shape=shape: f(key, shape, jnp.float32))
        case("%s %s float64" % (fn, fmt(KEYS[1])), "Random." + fn, {"shape": (9,), "dtype": F64}, [KEYS[1]],
             lambda key, f=f: f(key, (9,), jnp.float64), x64=True)
    for k in KEYS:
        case("rademacher %s int32" % fmt(k), "Random.rademacher", {"shape": (11,), "dtype": I32}, [k],
             lambda key: jax.random.rademacher(key, (11,), jnp.int32))
    case("rademacher float32", "Random.rademacher", {"shape": (2, 3), "dtype": F32}, [KEYS[2]],
         lambda key: jax.random.rademacher(key, (2, 3), jnp.float32))
    case("exponential 0-d", "Random.exponential", {"shape": (), "dtype": F32}, [KEYS[0]],
         lambda key: jax.random.exponential(key, (), jnp.float32))
    case("exponential empty", "Random.exponential", {"shape": (0, 3), "dtype": F32}, [KEYS[0]],
         lambda key: jax.random.exponential(key, (0, 3), jnp.float32))


def parametric():
    """Samplers with parameters, as numbers and as arrays broadcast against the shape."""
    k = KEYS[1]
    b = np.array([0.5, 1.0, 3.0], np.float32)
    sig = np.array([[0.1], [2.0]], np.float32)
    for key in KEYS:
        case("pareto b=2.5 %s" % fmt(key), "Random.pareto", {"shape": (6,), "dtype": F32, "b": 2.5}, [key],
             lambda kk: jax.random.pareto(kk, 2.5, (6,), jnp.float32))
    case("pareto array b broadcast", "Random.pareto", {"shape": (4, 3), "dtype": F32}, [k, b],
         lambda kk, bb: jax.random.pareto(kk, bb, (4, 3), jnp.float32))
    case("pareto array b, no shape", "Random.pareto", {"shape": (), "dtype": F32}, [k, b],
         lambda kk, bb: jax.random.pareto(kk, bb, None, jnp.float32))
    case("lognormal sigma=0.7", "Random.lognormal", {"shape": (8,), "dtype": F32, "sigma": 0.7}, [k],
         lambda kk: jax.random.lognormal(kk, 0.7, (8,), jnp.float32))
    case("lognormal array sigma", "Random.lognormal", {"shape": (2, 3), "dtype": F32}, [k, sig],
         lambda kk, s: jax.random.lognormal(kk, s, (2, 3), jnp.float32))
    case("weibullMin", "Random.weibullMin", {"shape": (9,), "dtype": F32, "scale": 2.0, "concentration": 1.5}, [k],
         lambda kk: jax.random.weibull_min(kk, 2.0, 1.5, (9,), jnp.float32))
    case("rayleigh", "Random.rayleigh", {"shape": (2, 4), "dtype": F32, "scale": 3.0}, [k],
         lambda kk: jax.random.rayleigh(kk, 3.0, (2, 4), jnp.float32))
    case("rayleigh array scale", "Random.rayleigh", {"shape": (), "dtype": F32}, [KEYS[2], b],
         lambda kk, s: jax.random.rayleigh(kk, s, None, jnp.float32))
    case("wald", "Random.wald", {"shape": (10,), "dtype": F32, "mean": 1.5}, [k],
         lambda kk: jax.random.wald(kk, 1.5, (10,), jnp.float32))
    case("wald float64", "Random.wald", {"shape": (6,), "dtype": F64, "mean": 0.5}, [KEYS[2]],
         lambda kk: jax.random.wald(kk, 0.5, (6,), jnp.float64), x64=True)
    for p in (0.3, 0.9):
        case("geometric p=%r" % p, "Random.geometric", {"shape": (12,), "p": p}, [k],
             lambda kk, p=p: jax.random.geometric(kk, p, (12,), jnp.int32))
    case("triangular", "Random.triangular",
         {"shape": (10,), "dtype": F32, "left": -1.0, "mode": 0.5, "right": 2.0}, [KEYS[2]],
         lambda kk: jax.random.triangular(kk, -1.0, 0.5, 2.0, (10,), jnp.float32))
    case("doubleSidedMaxwell", "Random.doubleSidedMaxwell", {"shape": (7,), "dtype": F32, "loc": 1.0,
                                                             "scale": 2.0}, [k],
         lambda kk: jax.random.double_sided_maxwell(kk, 1.0, 2.0, (7,), jnp.float32))


def gammas():
    """The rejection samplers (Marsaglia-Tsang per element, keys split as JAX does) and their family."""
    a = np.array([0.1, 0.5, 1.0, 2.5, 7.0, 30.0], np.float32)
    for key in KEYS:
        case("gamma %s" % fmt(key), "Random.gamma", {"shape": (), "dtype": F32}, [key, a],
             lambda kk, aa: jax.random.gamma(kk, aa, None, jnp.float32))
        case("loggamma %s" % fmt(key), "Random.loggamma", {"shape": (), "dtype": F32}, [key, a],
             lambda kk, aa: jax.random.loggamma(kk, aa, None, jnp.float32))
    case("gamma scalar a broadcast", "Random.gamma", {"shape": (2, 3), "dtype": F32, "a": 1.7}, [KEYS[1]],
         lambda kk: jax.random.gamma(kk, 1.7, (2, 3), jnp.float32))
    case("gamma float64", "Random.gamma", {"shape": (), "dtype": F64}, [KEYS[1], a.astype(F64)],
         lambda kk, aa: jax.random.gamma(kk, aa, None, jnp.float64), x64=True)
    case("beta", "Random.beta", {"shape": (5,), "dtype": F32, "a": 0.7, "b": 2.0}, [KEYS[1]],
         lambda kk: jax.random.beta(kk, 0.7, 2.0, (5,), jnp.float32))
    case("chisquare", "Random.chisquare", {"shape": (6,), "dtype": F32, "df": 3.0}, [KEYS[2]],
         lambda kk: jax.random.chisquare(kk, 3.0, (6,), jnp.float32))
    case("f", "Random.f", {"shape": (5,), "dtype": F32, "dfnum": 4.0, "dfden": 6.0}, [KEYS[1]],
         lambda kk: jax.random.f(kk, 4.0, 6.0, (5,), jnp.float32))
    case("t", "Random.t", {"shape": (6,), "dtype": F32, "df": 5.0}, [KEYS[0]],
         lambda kk: jax.random.t(kk, 5.0, (6,), jnp.float32))
    alpha = np.array([[0.5, 1.0, 2.0], [3.0, 0.2, 1.0]], np.float32)
    case("dirichlet", "Random.dirichlet", {"shape": (), "dtype": F32}, [KEYS[1], alpha],
         lambda kk, al: jax.random.dirichlet(kk, al, None, jnp.float32))
    case("generalizedNormal p=1.5", "Random.generalizedNormal", {"shape": (6,), "dtype": F32, "p": 1.5}, [KEYS[2]],
         lambda kk: jax.random.generalized_normal(kk, 1.5, (6,), jnp.float32))
    case("ball d=3 p=2", "Random.ball", {"shape": (4,), "dtype": F32, "d": 3, "p": 2.0}, [KEYS[1]],
         lambda kk: jax.random.ball(kk, 3, 2.0, (4,), jnp.float32))


def matrices_and_choice():
    k = KEYS[1]
    mean = np.array([1.0, -2.0, 0.5], np.float32)
    cov = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]], np.float32)
    case("multivariateNormal", "Random.multivariateNormal", {"shape": (4,), "dtype": F32}, [k, mean, cov],
         lambda kk, m, c: jax.random.multivariate_normal(kk, m, c, (4,), jnp.float32))
    case("orthogonal n=4", "Random.orthogonal", {"shape": (2,), "dtype": F32, "n": 4}, [KEYS[2]],
         lambda kk: jax.random.orthogonal(kk, 4, (2,), jnp.float32))
    p = np.array([0.1, 0.4, 0.2, 0.3, 0.0], np.float32)
    for key in KEYS:
        case("choice n=7 replace %s" % fmt(key), "Random.choice", {"shape": (3, 4), "n": 7, "replace": True}, [key],
             lambda kk: jax.random.choice(kk, 7, (3, 4), True))
        case("choice n=7 no replace %s" % fmt(key), "Random.choice", {"shape": (5,), "n": 7, "replace": False},
             [key], lambda kk: jax.random.choice(kk, 7, (5,), False))
        case("choice p replace %s" % fmt(key), "Random.choice", {"shape": (9,), "n": 5, "replace": True}, [key, p],
             lambda kk, pp: jax.random.choice(kk, 5, (9,), True, pp))
        case("choice p no replace %s" % fmt(key), "Random.choice", {"shape": (3,), "n": 5, "replace": False},
             [key, p], lambda kk, pp: jax.random.choice(kk, 5, (3,), False, pp))
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    case("choice of array axis=1", "Random.choice", {"shape": (2,), "replace": False, "axis": 1}, [k, a],
         lambda kk, aa: jax.random.choice(kk, aa, (2,), False, axis=1))
    case("choice of array axis=0 replace", "Random.choice", {"shape": (2, 2), "replace": True, "axis": 0}, [k, a],
         lambda kk, aa: jax.random.choice(kk, aa, (2, 2), True, axis=0))


def special():
    """The jax.scipy.special functions added with these samplers, in the breadth family's format
    (values over corner values and random points, gradients of sum(w * f)), written to special.txt
    for the breadth family to read. x64 is on here so float64 inputs stay float64."""
    import make_breadth_goldens as mb
    jax.config.update("jax_enable_x64", True)
    jss = jax.scipy.special
    mb.unary("Special.gammasgn", jss.gammasgn, lo=-6, hi=6, grad=False)
    mb.unary("Special.gamma", jss.gamma, lo=-5, hi=30, glo=0.3, ghi=6, away=())
    mb.unary("Special.loggamma", jss.loggamma, lo=-3, hi=40, glo=0.3, ghi=8, away=())
    mb.unary("Special.factorial", jss.factorial, lo=-3, hi=25, glo=0.2, ghi=6, away=())
    # beta off its poles: at a or b = 0 or a negative integer JAX's betaln (a series of its own)
    # gives +-inf where Kiln's gammaln(a) + gammaln(b) - gammaln(a + b) gives inf - inf = NaN
    # (float32 only: JAX 0.10.2's float64 betaln is good to about 1e-7 relative off the grid of its
    # broadcast case, e.g. beta(0.25, 10) = 2.05818898 against 2.0581887188 exactly, which Kiln gives)
    for dt in mg.FLOATS:
        c = np.array([0.25, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 33.0, -0.5, -1.5, -2.25, 1e-3, np.inf, np.nan], dt)
        if dt == F32:
            mb.case("Special.beta %s off-pole pairs" % dt, "Special.beta", {}, [np.repeat(c, len(c)), np.tile(c, len(c))],
                    jss.beta)
        x = mb.smooth(dt, (3, 4), 0.2, 5)
        y = mb.smooth(dt, (4,), 0.2, 5)
        mb.case("Special.beta %s broadcast" % dt, "Special.beta", {}, [x, y], jss.beta, wrt=(0, 1))
    mb.binary("Special.comb", jss.comb, lo=0, hi=12, grad=False)
    for dt in mg.FLOATS:
        n = np.array([[5.0, 10.0, 3.0, 0.0], [7.0, 2.0, 20.0, 4.0], [6.0, 6.0, -1.0, 8.0]], dt)
        kk = np.array([2.0, 3.0, 1.0, 4.0], dt)
        mb.case("comb exact points " + dt, "Special.comb", {}, [n, kk], jss.comb)
        mb.case("comb repetition " + dt, "Special.combRepetition", {}, [n, kk],
                lambda a, b: jss.comb(a, b, repetition=True))
    mb.binary("Special.poch", jss.poch, lo=0.3, hi=4)
    mb.binary("Special.relEntr", jss.rel_entr, lo=0.05, hi=4)
    mb.binary("Special.klDiv", jss.kl_div, lo=0.05, hi=4)
    mb.binary("Special.boxcox", jss.boxcox, lo=0.1, hi=4, second=(-2, 2))
    mb.binary("Special.boxcox1p", jss.boxcox1p, lo=-0.5, hi=4, second=(-2, 2))
    for dt in mg.FLOATS:
        zero_l = np.array([0.5, 1.0, 2.0, 7.0], dt)
        mb.case("boxcox lmbda=0 " + dt, "Special.boxcox", {}, [zero_l, np.zeros(4, dt)], jss.boxcox, wrt=(0,))
        a = mb.rng.uniform(2.5, 9, (2, 3)).astype(dt)
        for d in (1, 3):
            mb.case("multigammaln d=%d %s" % (d, dt), "Special.multigammaln", {"d": d}, [a],
                    lambda x, d=d: jss.multigammaln(x, d), wrt=(0,))
    mb.unary("Special.ndtri", jss.ndtri, lo=0, hi=1, glo=0.02, ghi=0.98, away=())
    for dt in mg.FLOATS:
        tails = np.array([1e-300, 1e-100, 1e-30, 1e-10, 1e-5, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-7], np.float64)
        if dt == F32:
            tails = tails[2:]
        mb.case("ndtri tails " + dt, "Special.ndtri", {}, [tails.astype(dt)], jss.ndtri)
    mb.unary("Special.erfcx", jss.erfcx, lo=-6, hi=60, away=())
    for dt in mg.FLOATS:
        big = np.array([1.0, 1.3, 2.0, 5.0, 10.0, 27.5, 28.5, 100.0, 1e4, 1e10, -1.0, -3.0], dt)
        mb.case("erfcx large " + dt, "Special.erfcx", {}, [big], jss.erfcx, wrt=(0,))
    jax.config.update("jax_enable_x64", False)
    mg.write_lines("special", "golden values for Kiln's breadth family (jax.scipy.special)", "make_distribution_goldens.py", mb.LINES)


def main():
    if "--special-only" in sys.argv:
        special()
        return
    special()
    simple()
    parametric()
    gammas()
    matrices_and_choice()
    mg.write_lines("distributions", "golden values for Kiln's distributions family", "make_distribution_goldens.py", LINES)


if __name__ == "__main__":
    main()
