#!/usr/bin/env python3
"""Writes the JAX golden values of the conformance suite's `breadth` family (Nn, Special and the
elementwise, reduction and shape functions added to Np for issue 14).

One case per line, tab-separated, in the format of make_goldens.py plus a sixth field:

    name <TAB> function <TAB> params <TAB> inputs <TAB> outputs <TAB> gradients

- function is Kiln's qualified name ("Nn.softmax", "Np.arcsinh", "Special.erfc"); the Java side
  (BreadthFamily) maps it to the call.
- gradients is "-" or, for the inputs listed in the `wrt` parameter, the gradient of
  sum(w * f(inputs)) with w[i] = cos(1 + i) over the flattened output, cast to its dtype.

Run from the repository root (about 30 seconds):
    build/venv/bin/python conformance/scripts/make_breadth_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_goldens as mg  # noqa: E402  (sets jax_enable_x64 and the CPU platform)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.scipy.special as jss  # noqa: E402

F32, F64, I32 = mg.F32, mg.F64, mg.I32
FLOATS = mg.FLOATS
rng = np.random.default_rng(20261206)


def weights(shape, dtype):
    n = int(np.prod(shape))
    return np.cos(1.0 + np.arange(n, dtype=np.float64)).reshape(shape).astype(dtype)


LINES = []


def case(name, fn, params, inputs, f, wrt=()):
    """One golden: f takes the JAX values of inputs; wrt lists the inputs to differentiate."""
    xs = [mg.jaxval(i) for i in inputs]
    with jax.default_matmul_precision("highest"):
        out = f(*xs)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        grads = "-"
        if wrt:
            o = np.asarray(outs[0])
            w = jnp.asarray(weights(o.shape, o.dtype))

            def loss(*diff):
                args = list(xs)
                for k, d in zip(wrt, diff):
                    args[k] = d
                r = f(*args)
                return jnp.sum(w * (r[0] if isinstance(r, (tuple, list)) else r))

            gs = jax.grad(loss, argnums=tuple(range(len(wrt))))(*[xs[k] for k in wrt])
            grads = ";".join(mg.enc(np.asarray(g)) for g in gs)
    p = dict(params)
    if wrt:
        p["wrt"] = list(wrt)
    ptext = "-" if not p else ";".join("%s=%s" % (k, mg.fmt_param(v)) for k, v in p.items())
    LINES.append("\t".join([name, fn, ptext, ";".join(mg.enc(i) for i in inputs),
                            ";".join(mg.enc(np.asarray(o)) for o in outs), grads]))


def corners(dt, n=24, lo=-5.0, hi=5.0):
    return np.concatenate([mg.float_corners(dt), rng.uniform(lo, hi, n).astype(dt)])


def smooth(dt, shape, lo=-3.0, hi=3.0, away=None):
    """Random values in [lo, hi] kept at least 0.05 away from the kinks listed in `away`."""
    v = rng.uniform(lo, hi, shape)
    for k in away or []:
        close = np.abs(v - k) < 0.05
        v[close] += 0.1
    return v.astype(dt)


def unary(fn, f, dts=FLOATS, lo=-5.0, hi=5.0, grad=True, away=(0.0,), glo=None, ghi=None, params=None):
    for dt in dts:
        case(fn + " " + dt + " corners", fn, params or {}, [corners(dt, lo=lo, hi=hi)], f)
        if grad:
            x = smooth(dt, (3, 5), lo if glo is None else glo, hi if ghi is None else ghi, away)
            case(fn + " " + dt + " grad", fn, params or {}, [x], f, wrt=(0,))


def binary(fn, f, dts=FLOATS, grad=True, lo=-4.0, hi=4.0, second=None, params=None):
    for dt in dts:
        c = mg.float_corners(dt)
        a = np.repeat(c, len(c))
        b = np.tile(c, len(c))
        case(fn + " " + dt + " corner pairs", fn, params or {}, [a, b], f)
        x = smooth(dt, (3, 4), lo, hi)
        y = smooth(dt, (4,), *(second or (lo, hi)))
        case(fn + " " + dt + " broadcast", fn, params or {}, [x, y], f, wrt=(0, 1) if grad else ())


def nn():
    unary("Nn.relu", jax.nn.relu)
    unary("Nn.relu6", jax.nn.relu6, lo=-8, hi=8, away=(0.0, 6.0))
    unary("Nn.sigmoid", jax.nn.sigmoid, lo=-30, hi=30)
    unary("Nn.tanh", jax.nn.tanh)
    unary("Nn.softplus", jax.nn.softplus, lo=-40, hi=40)
    unary("Nn.softSign", jax.nn.soft_sign)
    unary("Nn.silu", jax.nn.silu, lo=-20, hi=20)
    unary("Nn.mish", jax.nn.mish)
    unary("Nn.logSigmoid", jax.nn.log_sigmoid, lo=-40, hi=40)
    unary("Nn.elu", jax.nn.elu)
    unary("Nn.selu", jax.nn.selu)
    unary("Nn.celu", jax.nn.celu)
    unary("Nn.leakyRelu", jax.nn.leaky_relu)
    unary("Nn.hardTanh", jax.nn.hard_tanh, away=(-1.0, 1.0))
    unary("Nn.hardSigmoid", jax.nn.hard_sigmoid, away=(-3.0, 3.0))
    unary("Nn.hardSilu", jax.nn.hard_silu, away=(-3.0, 3.0))
    unary("Nn.gelu", lambda x: jax.nn.gelu(x, approximate=True), params={"approximate": True})
    unary("Nn.gelu", lambda x: jax.nn.gelu(x, approximate=False), lo=-12, hi=6, params={"approximate": False})
    unary("Nn.squareplus", jax.nn.squareplus)
    unary("Nn.sparsePlus", jax.nn.sparse_plus, away=(-1.0, 1.0))
    unary("Nn.sparseSigmoid", jax.nn.sparse_sigmoid, away=(-1.0, 1.0))
    unary("Nn.log1mexp", jax.nn.log1mexp, lo=0.01, hi=20, glo=0.1, ghi=5)
    for dt in FLOATS:
        x = rng.normal(size=(3, 6)).astype(dt) * 3
        masked = x.copy()
        masked[0, 1] = -np.inf
        masked[2, 0] = -np.inf
        masked[2, 5] = -np.inf
        for axis in (-1, 0):
            case("softmax axis=%d %s" % (axis, dt), "Nn.softmax", {"axis": axis}, [x],
                 lambda a, axis=axis: jax.nn.softmax(a, axis=axis), wrt=(0,))
            case("logSoftmax axis=%d %s" % (axis, dt), "Nn.logSoftmax", {"axis": axis}, [x],
                 lambda a, axis=axis: jax.nn.log_softmax(a, axis=axis), wrt=(0,))
        case("softmax -inf masked %s" % dt, "Nn.softmax", {"axis": -1}, [masked],
             lambda a: jax.nn.softmax(a, axis=-1), wrt=(0,))
        case("logsumexp -inf masked %s" % dt, "Nn.logsumexp", {"axis": -1}, [masked],
             lambda a: jax.nn.logsumexp(a, axis=-1), wrt=(0,))
        case("logsumexp axis=0 %s" % dt, "Nn.logsumexp", {"axis": 0}, [x],
             lambda a: jax.nn.logsumexp(a, axis=0), wrt=(0,))
        case("logmeanexp axis=1 %s" % dt, "Nn.logmeanexp", {"axis": 1}, [x],
             lambda a: jax.nn.logmeanexp(a, axis=1), wrt=(0,))
        case("standardize axis=-1 %s" % dt, "Nn.standardize", {"axis": -1}, [x],
             lambda a: jax.nn.standardize(a, axis=-1), wrt=(0,))
        case("glu axis=-1 %s" % dt, "Nn.glu", {"axis": -1}, [x], lambda a: jax.nn.glu(a, axis=-1), wrt=(0,))
        case("glu axis=0 %s" % dt, "Nn.glu", {"axis": 0}, [x[:2]], lambda a: jax.nn.glu(a, axis=0), wrt=(0,))
        # attention: [B, T, N, H] with causal mask and an explicit mask, and grouped-query heads
        q = rng.normal(size=(2, 5, 4, 3)).astype(dt)
        k = rng.normal(size=(2, 6, 2, 3)).astype(dt)
        v = rng.normal(size=(2, 6, 2, 3)).astype(dt)
        kk = rng.normal(size=(2, 5, 4, 3)).astype(dt)
        vv = rng.normal(size=(2, 5, 4, 3)).astype(dt)
        case("attention causal %s" % dt, "Nn.dotProductAttention", {"causal": True}, [q, kk, vv],
             lambda a, b, c: jax.nn.dot_product_attention(a, b, c, is_causal=True), wrt=(0, 1, 2))
        case("attention gqa %s" % dt, "Nn.dotProductAttention", {"causal": False}, [q, k, v],
             lambda a, b, c: jax.nn.dot_product_attention(a, b, c), wrt=(0, 1, 2))
        mask = rng.random((2, 1, 5, 6)) < 0.7
        mask[..., 0] = True
        case("attention mask %s" % dt, "Nn.dotProductAttention", {"causal": False}, [q, k, v, mask],
             lambda a, b, c, m: jax.nn.dot_product_attention(a, b, c, mask=m), wrt=(0, 1, 2))
    idx = np.array([[0, 3, -1], [2, 5, 1]], dtype=I32)
    for axis in (-1, 0, 1):
        case("oneHot axis=%d" % axis, "Nn.oneHot", {"n": 4, "axis": axis}, [idx],
             lambda a, axis=axis: jax.nn.one_hot(a, 4, axis=axis, dtype=jnp.float32))


def special():
    unary("Special.erfc", jss.erfc, lo=-7, hi=27, away=())
    unary("Special.erfinv", jss.erfinv, lo=-1, hi=1, glo=-0.9, ghi=0.9, away=())
    unary("Special.expit", jss.expit, lo=-30, hi=30, away=())
    unary("Special.logit", jss.logit, lo=0, hi=1, glo=0.05, ghi=0.95, away=())
    unary("Special.gammaln", jss.gammaln, lo=-6, hi=40, glo=0.2, ghi=8, away=())
    unary("Special.digamma", jss.digamma, lo=-6, hi=40, grad=False)
    unary("Special.entr", jss.entr, lo=-1, hi=5, glo=0.2, ghi=4, away=())
    unary("Special.ndtr", jss.ndtr, lo=-10, hi=10, away=())
    binary("Special.xlogy", jss.xlogy, second=(0.2, 3.0))
    binary("Special.xlog1py", jss.xlog1py, second=(-0.8, 3.0))
    for dt in FLOATS:
        a = rng.uniform(0.2, 6, (3, 4)).astype(dt)
        b = rng.uniform(0.2, 6, (3, 4)).astype(dt)
        case("betaln " + dt, "Special.betaln", {}, [a, b], jss.betaln, wrt=(0, 1))


def elementwise():
    unary("Np.arcsinh", jnp.arcsinh, lo=-1e3, hi=1e3, away=())
    unary("Np.arccosh", jnp.arccosh, lo=0.5, hi=1e3, glo=1.1, ghi=50, away=())
    unary("Np.arctanh", jnp.arctanh, lo=-1, hi=1, glo=-0.9, ghi=0.9, away=())
    unary("Np.trunc", jnp.trunc, grad=False)
    unary("Np.rint", jnp.rint, grad=False)
    unary("Np.signbit", jnp.signbit, grad=False)
    unary("Np.sinc", jnp.sinc)
    unary("Np.deg2rad", jnp.deg2rad)
    unary("Np.rad2deg", jnp.rad2deg)
    unary("Np.fabs", jnp.fabs, grad=False)
    unary("Np.isneginf", jnp.isneginf, grad=False)
    unary("Np.isposinf", jnp.isposinf, grad=False)
    unary("Np.modf", jnp.modf, grad=False)
    binary("Np.copysign", jnp.copysign, grad=False)
    binary("Np.hypot", jnp.hypot)
    binary("Np.logaddexp", jnp.logaddexp)
    binary("Np.logaddexp2", jnp.logaddexp2)
    binary("Np.heaviside", jnp.heaviside, grad=False)
    binary("Np.fmax", jnp.fmax, grad=False)
    binary("Np.fmin", jnp.fmin, grad=False)
    binary("Np.isclose", jnp.isclose, grad=False)
    binary("Np.fmod", jnp.fmod, grad=False, second=(0.5, 3.0))
    binary("Np.divmod", jnp.divmod, grad=False, second=(0.5, 3.0))
    case("floatPower float64", "Np.floatPower", {}, [smooth(F64, (3, 4), 0.5, 3), smooth(F64, (4,), -2, 2)],
         jnp.float_power, wrt=(0, 1))
    for fn, f in (("Np.fmod", jnp.fmod), ("Np.gcd", jnp.gcd), ("Np.lcm", jnp.lcm), ("Np.divmod", jnp.divmod)):
        a = rng.integers(-40, 41, (5, 6)).astype(I32)
        b = rng.integers(-12, 13, (6,)).astype(I32)
        if fn in ("Np.fmod", "Np.divmod"):
            b[b == 0] = 7
        a[0, 0] = 0
        case(fn + " int32", fn, {}, [a, b], f)


def with_nans(dt, shape):
    x = rng.normal(size=shape).astype(dt) * 2
    x[rng.random(shape) < 0.25] = np.nan
    return x


def reductions():
    for dt in FLOATS:
        x = with_nans(dt, (4, 5))
        x[2, :] = np.nan  # an all-NaN row
        for fn, f in (("Np.nansum", jnp.nansum), ("Np.nanmean", jnp.nanmean), ("Np.nanmax", jnp.nanmax),
                      ("Np.nanmin", jnp.nanmin), ("Np.nanprod", jnp.nanprod), ("Np.nanvar", jnp.nanvar),
                      ("Np.nanstd", jnp.nanstd), ("Np.ptp", jnp.ptp)):
            for axes in (None, (1,), (0,)):
                case("%s axes=%s %s" % (fn, axes, dt), fn, {"axes": axes}, [x],
                     lambda a, f=f, axes=axes: f(a, axis=axes))
        for fn, f in (("Np.nanargmax", jnp.nanargmax), ("Np.nanargmin", jnp.nanargmin)):
            y = x.copy()
            y[2, :] = 1.0
            case("%s axis=1 %s" % (fn, dt), fn, {"axis": 1}, [y], lambda a, f=f: f(a, axis=1).astype(I32))
        case("nancumsum axis=1 " + dt, "Np.nancumsum", {"axis": 1}, [x], lambda a: jnp.nancumsum(a, axis=1))
        y = rng.normal(size=(3, 4)).astype(dt)
        case("nansum grad " + dt, "Np.nansum", {"axes": (1,)}, [y], lambda a: jnp.nansum(a, axis=1), wrt=(0,))
        case("nanmean grad " + dt, "Np.nanmean", {"axes": None}, [y], lambda a: jnp.nanmean(a), wrt=(0,))
        w = rng.uniform(0.1, 2, (4,)).astype(dt)
        case("average weights 1-d " + dt, "Np.average", {"axis": 1}, [y, w],
             lambda a, b: jnp.average(a, axis=1, weights=b), wrt=(0, 1))
        w2 = rng.uniform(0.1, 2, (3, 4)).astype(dt)
        case("average weights all " + dt, "Np.average", {"axis": None}, [y, w2],
             lambda a, b: jnp.average(a, weights=b), wrt=(0, 1))
    z = rng.integers(-2, 3, (4, 5)).astype(I32)
    case("countNonzero all", "Np.countNonzero", {"axes": None}, [z], lambda a: jnp.count_nonzero(a).astype(I32))
    case("countNonzero axis 0", "Np.countNonzero", {"axes": (0,)}, [z],
         lambda a: jnp.count_nonzero(a, axis=0).astype(I32))


def shapes():
    for dt in FLOATS:
        m = rng.normal(size=(4, 5)).astype(dt)
        v = rng.normal(size=(4,)).astype(dt)
        t3 = rng.normal(size=(2, 3, 4)).astype(dt)
        for k in (-2, 0, 1):
            case("diag of vector k=%d %s" % (k, dt), "Np.diag", {"k": k}, [v], lambda a, k=k: jnp.diag(a, k), wrt=(0,))
            case("diag of matrix k=%d %s" % (k, dt), "Np.diag", {"k": k}, [m], lambda a, k=k: jnp.diag(a, k), wrt=(0,))
            case("tril k=%d %s" % (k, dt), "Np.tril", {"k": k}, [t3], lambda a, k=k: jnp.tril(a, k), wrt=(0,))
            case("triu k=%d %s" % (k, dt), "Np.triu", {"k": k}, [t3], lambda a, k=k: jnp.triu(a, k), wrt=(0,))
            case("trace k=%d %s" % (k, dt), "Np.trace", {"k": k}, [m], lambda a, k=k: jnp.trace(a, k), wrt=(0,))
        case("diagonal axes 2,0 offset 1 " + dt, "Np.diagonal", {"offset": 1, "a": 2, "b": 0}, [t3],
             lambda a: jnp.diagonal(a, 1, 2, 0), wrt=(0,))
        for shift, axis in ((2, 1), (-1, 0), (7, None)):
            case("roll %d axis=%s %s" % (shift, axis, dt), "Np.roll", {"shift": shift, "axis": axis}, [m],
                 lambda a, s=shift, ax=axis: jnp.roll(a, s, axis=ax), wrt=(0,))
        for k in (1, 2, 3, -1):
            case("rot90 k=%d %s" % (k, dt), "Np.rot90", {"k": k}, [t3], lambda a, k=k: jnp.rot90(a, k), wrt=(0,))
        b = rng.normal(size=(4, 3, 2)).astype(dt)
        case("tensordot n=1 " + dt, "Np.tensordot", {"n": 1}, [t3, b], lambda a, c: jnp.tensordot(a, c, 1), wrt=(0, 1))
        c = rng.normal(size=(3, 4, 5)).astype(dt)
        case("tensordot n=2 " + dt, "Np.tensordot", {"n": 2}, [t3, c], lambda a, c: jnp.tensordot(a, c, 2), wrt=(0, 1))
        case("inner " + dt, "Np.inner", {}, [m, rng.normal(size=(3, 5)).astype(dt)], jnp.inner, wrt=(0, 1))
        case("vdot " + dt, "Np.vdot", {}, [m, rng.normal(size=(5, 4)).astype(dt)], jnp.vdot, wrt=(0, 1))
        case("kron " + dt, "Np.kron", {}, [rng.normal(size=(2, 3)).astype(dt), rng.normal(size=(3, 2)).astype(dt)],
             jnp.kron, wrt=(0, 1))
        case("cross " + dt, "Np.cross", {}, [rng.normal(size=(4, 3)).astype(dt), rng.normal(size=(3,)).astype(dt)],
             jnp.cross, wrt=(0, 1))
        u = rng.normal(size=(3,)).astype(dt)
        w = rng.normal(size=(3,)).astype(dt)
        case("hstack 1-d " + dt, "Np.hstack", {}, [u, w], lambda *a: jnp.hstack(a), wrt=(0, 1))
        case("vstack 1-d " + dt, "Np.vstack", {}, [u, w], lambda *a: jnp.vstack(a), wrt=(0, 1))
        case("dstack 1-d " + dt, "Np.dstack", {}, [u, w], lambda *a: jnp.dstack(a), wrt=(0, 1))
        case("columnStack " + dt, "Np.columnStack", {}, [u, w], lambda *a: jnp.column_stack(a), wrt=(0, 1))
        case("hstack 2-d " + dt, "Np.hstack", {}, [m, m[:, :2]], lambda *a: jnp.hstack(a))
        for fn, f in (("Np.atleast1d", jnp.atleast_1d), ("Np.atleast2d", jnp.atleast_2d),
                      ("Np.atleast3d", jnp.atleast_3d)):
            for arr in (np.asarray(2.5, dtype=dt), u, m):
                case("%s rank %d %s" % (fn, arr.ndim, dt), fn, {}, [arr], f)
        case("meshgrid xy " + dt, "Np.meshgrid", {"indexing": "xy"}, [u, v, w],
             lambda *a: jnp.meshgrid(*a, indexing="xy"))
        case("meshgrid ij " + dt, "Np.meshgrid", {"indexing": "ij"}, [u, v], lambda *a: jnp.meshgrid(*a, indexing="ij"))
        case("expandDims 0,3 " + dt, "Np.expandDims", {"axes": (0, 3)}, [m], lambda a: jnp.expand_dims(a, (0, 3)))
    case("indices (2,3)", "Np.indices", {"dims": (2, 3)}, [np.zeros((), I32)], lambda _: jnp.indices((2, 3), dtype=I32))
    case("tri 3,4,1", "Np.tri", {"n": 3, "m": 4, "k": 1}, [np.zeros((), I32)],
         lambda _: jnp.tri(3, 4, 1, dtype=jnp.float32))


def sorting():
    from jax import lax
    for dt in FLOATS:
        c = mg.float_corners(dt)
        ties = np.concatenate([c, c[::3], np.array([0.0, -0.0, 1.0, 1.0, np.nan], dtype=dt)])
        case("sort corners " + dt, "Np.sort", {"axis": 0}, [ties], lambda a: jnp.sort(a, axis=0))
        case("argsort corners " + dt, "Np.argsort", {"axis": 0}, [ties],
             lambda a: jnp.argsort(a, axis=0, stable=True).astype(I32))
        m = rng.normal(size=(5, 7)).astype(dt)
        m[1, 2] = m[1, 5]
        m[3, 0] = m[0, 0]
        for axis in (0, 1, None):
            case("sort axis=%s %s" % (axis, dt), "Np.sort", {"axis": axis}, [m],
                 lambda a, axis=axis: jnp.sort(a, axis=axis), wrt=(0,))
            case("argsort axis=%s %s" % (axis, dt), "Np.argsort", {"axis": axis}, [m],
                 lambda a, axis=axis: jnp.argsort(a, axis=axis, stable=True).astype(I32))
        withnan = m.copy()
        withnan[2, 3] = np.nan
        withnan[4, :] = np.nan
        for q in (0.0, 0.25, 0.5, 0.75, 1.0):  # exact in float32, so q (n - 1) rounds alike
            for axis in (1, None):
                case("quantile q=%s axis=%s %s" % (q, axis, dt), "Np.quantile", {"q": q, "axis": axis}, [m],
                     lambda a, q=q, axis=axis: jnp.quantile(a, q, axis=axis), wrt=(0,))
            case("quantile nan q=%s %s" % (q, dt), "Np.quantile", {"q": q, "axis": 1}, [withnan],
                 lambda a, q=q: jnp.quantile(a, q, axis=1))
            case("nanquantile q=%s %s" % (q, dt), "Np.nanquantile", {"q": q, "axis": 1}, [withnan],
                 lambda a, q=q: jnp.nanquantile(a, q, axis=1))
        case("median axis=0 " + dt, "Np.median", {"axis": 0}, [m], lambda a: jnp.median(a, axis=0), wrt=(0,))
        case("median all " + dt, "Np.median", {"axis": None}, [m], lambda a: jnp.median(a), wrt=(0,))
        case("nanmedian axis=1 " + dt, "Np.nanmedian", {"axis": 1}, [withnan], lambda a: jnp.nanmedian(a, axis=1))
        case("percentile 37.5 axis=1 " + dt, "Np.percentile", {"q": 37.5, "axis": 1}, [m],
             lambda a: jnp.percentile(a, 37.5, axis=1), wrt=(0,))
        srt = np.sort(np.concatenate([rng.normal(size=6), [0.5, 0.5, 0.5, np.nan]])).astype(dt)
        vals = np.array([[-5, 0.5, 0.0], [np.nan, 3.0, srt[2]]], dtype=dt)
        for side in ("left", "right"):
            case("searchsorted %s %s" % (side, dt), "Np.searchsorted", {"side": side}, [srt, vals],
                 lambda a, v, side=side: jnp.searchsorted(a, v, side=side).astype(I32))
        t = rng.integers(-3, 4, (4, 9)).astype(dt) + 0.0
        case("topK values k=3 " + dt, "Lax.topK", {"k": 3, "out": 0}, [t], lambda a: lax.top_k(a, 3)[0])
        case("topK indices k=3 " + dt, "Lax.topK", {"k": 3, "out": 1}, [t], lambda a: lax.top_k(a, 3)[1].astype(I32))
        case("topK grad k=4 " + dt, "Lax.topK", {"k": 4, "out": 0}, [m], lambda a: lax.top_k(a, 4)[0], wrt=(0,))
        p3 = rng.normal(size=(3, 4)).astype(dt)
        for mode in ("edge", "reflect", "symmetric", "wrap"):
            case("pad %s %s" % (mode, dt), "Np.pad", {"mode": mode}, [p3],
                 lambda a, mode=mode: jnp.pad(a, ((1, 2), (2, 3)), mode=mode), wrt=(0,))
        case("map sum of squares " + dt, "Lax.map", {}, [p3], lambda a: lax.map(lambda r: jnp.sum(r * r), a), wrt=(0,))
        case("associativeScan add axis=1 " + dt, "Lax.associativeScan", {"op": "add", "axis": 1}, [m],
             lambda a: lax.associative_scan(jnp.add, a, axis=1), wrt=(0,))
        case("associativeScan max axis=0 " + dt, "Lax.associativeScan", {"op": "max", "axis": 0}, [m],
             lambda a: lax.associative_scan(jnp.maximum, a, axis=0))
    iv = rng.integers(-5, 6, (3, 8)).astype(I32)
    case("sort int32 axis=1", "Np.sort", {"axis": 1}, [iv], lambda a: jnp.sort(a, axis=1))
    case("argsort int32 axis=1", "Np.argsort", {"axis": 1}, [iv], lambda a: jnp.argsort(a, axis=1, stable=True).astype(I32))


def more():
    z = np.zeros((), I32)
    for dt in FLOATS:
        m = rng.normal(size=(4, 6)).astype(dt)
        v = rng.normal(size=(5,)).astype(dt)
        k = rng.normal(size=(3,)).astype(dt)
        case("arrayEqual same " + dt, "Np.arrayEqual", {}, [m, m], jnp.array_equal)
        case("arrayEqual differ " + dt, "Np.arrayEqual", {}, [m, m * 2], jnp.array_equal)
        case("arrayEquiv broadcast " + dt, "Np.arrayEquiv", {}, [m, m[:1]], jnp.array_equiv)
        for i, n in enumerate((4, 5)):
            case("arraySplit 6 into %d part %d %s" % (n, i, dt), "Np.arraySplit", {"n": n, "axis": 1}, [m],
                 lambda a, n=n: jnp.array_split(a, n, axis=1))
        case("hsplit 3 " + dt, "Np.hsplit", {"n": 3}, [m], lambda a: jnp.hsplit(a, 3))
        case("vsplit 2 " + dt, "Np.vsplit", {"n": 2}, [m], lambda a: jnp.vsplit(a, 2))
        case("broadcastArrays " + dt, "Np.broadcastArrays", {}, [m, v[:1], m[:1]],
             lambda *a: jnp.broadcast_arrays(*a))
        case("cumulativeSum initial " + dt, "Np.cumulativeSum", {"axis": 1, "initial": True}, [m],
             lambda a: jnp.cumulative_sum(a, axis=1, include_initial=True), wrt=(0,))
        case("cumulativeProd " + dt, "Np.cumulativeProd", {"axis": 0, "initial": False}, [m],
             lambda a: jnp.cumulative_prod(a, axis=0), wrt=(0,))
        for n in (1, 2):
            case("diff n=%d %s" % (n, dt), "Np.diff", {"n": n, "axis": 1}, [m], lambda a, n=n: jnp.diff(a, n, axis=1),
                 wrt=(0,))
        case("ediff1d " + dt, "Np.ediff1d", {}, [m], jnp.ediff1d)
        case("diagflat k=1 " + dt, "Np.diagflat", {"k": 1}, [m[:2, :2]], lambda a: jnp.diagflat(a, 1), wrt=(0,))
        case("fillDiagonal " + dt, "Np.fillDiagonal", {}, [m], lambda a: jnp.fill_diagonal(a, 7.0, inplace=False))
        case("isin " + dt, "Np.isin", {}, [m.round(), np.array([0.0, 1.0, -1.0], dtype=dt)], jnp.isin)
        case("ldexp " + dt, "Np.ldexp", {}, [m, rng.integers(-10, 10, (6,)).astype(I32)], jnp.ldexp)
        case("trapezoid dx=0.5 " + dt, "Np.trapezoid", {"dx": 0.5, "axis": 1}, [m],
             lambda a: jnp.trapezoid(a, dx=0.5, axis=1), wrt=(0,))
        xp = np.sort(rng.uniform(-2, 2, 7)).astype(dt)
        fp = rng.normal(size=7).astype(dt)
        xs = np.concatenate([rng.uniform(-3, 3, 9), xp[:2]]).astype(dt)
        case("interp " + dt, "Np.interp", {}, [xs, xp, fp], jnp.interp, wrt=(0, 2))
        for right in (False, True):
            case("digitize right=%s %s" % (right, dt), "Np.digitize", {"right": right},
                 [np.concatenate([xs, xp[:3]]), xp], lambda a, b, right=right: jnp.digitize(a, b, right=right).astype(I32))
        conds = [m > 1, m < -1]
        case("select " + dt, "Np.select", {}, [conds[0], conds[1], m, m * 2],
             lambda c0, c1, a, b: jnp.select([c0, c1], [a, b], -1.0))
        p = rng.normal(size=(4,)).astype(dt)
        case("polyval " + dt, "Np.polyval", {}, [p, m], jnp.polyval, wrt=(0, 1))
        case("polyadd " + dt, "Np.polyadd", {}, [p, k], jnp.polyadd)
        case("polysub " + dt, "Np.polysub", {}, [k, p], jnp.polysub)
        case("polymul " + dt, "Np.polymul", {}, [p, k], jnp.polymul, wrt=(0, 1))
        case("polyder m=2 " + dt, "Np.polyder", {"m": 2}, [p], lambda a: jnp.polyder(a, 2))
        case("polyint m=1 " + dt, "Np.polyint", {"m": 1}, [p], lambda a: jnp.polyint(a, 1))
        for mode in ("full", "same", "valid"):
            case("convolve %s %s" % (mode, dt), "Np.convolve", {"mode": mode}, [v, k],
                 lambda a, b, mode=mode: jnp.convolve(a, b, mode=mode), wrt=(0, 1))
            case("convolve swapped %s %s" % (mode, dt), "Np.convolve", {"mode": mode}, [k, v],
                 lambda a, b, mode=mode: jnp.convolve(a, b, mode=mode))
            case("correlate %s %s" % (mode, dt), "Np.correlate", {"mode": mode}, [v, k],
                 lambda a, b, mode=mode: jnp.correlate(a, b, mode=mode), wrt=(0, 1))
        case("cov " + dt, "Np.cov", {}, [m], jnp.cov, wrt=(0,))
        case("corrcoef " + dt, "Np.corrcoef", {}, [m], jnp.corrcoef, wrt=(0,))
        for inc in (False, True):
            case("vander increasing=%s %s" % (inc, dt), "Np.vander", {"n": 4, "increasing": inc}, [v],
                 lambda a, inc=inc: jnp.vander(a, 4, increasing=inc), wrt=(0,))
        case("unstack axis=1 " + dt, "Np.unstack", {"axis": 1}, [m[:, :3]], lambda a: jnp.unstack(a, axis=1))
        case("resize (5,5) " + dt, "Np.resize", {"shape": (5, 5)}, [m[:2, :3]], lambda a: jnp.resize(a, (5, 5)))
        t3 = rng.normal(size=(2, 3, 4)).astype(dt)
        case("rollaxis 2 to 0 " + dt, "Np.rollaxis", {"axis": 2, "start": 0}, [t3], lambda a: jnp.rollaxis(a, 2, 0))
        case("append axis=None " + dt, "Np.append", {"axis": None}, [m, v], lambda a, b: jnp.append(a, b))
        case("append axis=0 " + dt, "Np.append", {"axis": 0}, [m, m[:1]], lambda a, b: jnp.append(a, b, axis=0))
        case("delete [0,-1] axis=1 " + dt, "Np.delete", {"idx": (0, -1), "axis": 1}, [m],
             lambda a: jnp.delete(a, jnp.array([0, -1]), axis=1), wrt=(0,))
        case("vecdot " + dt, "Np.vecdot", {}, [m, m[::-1]], jnp.vecdot, wrt=(0, 1))
        case("matvec " + dt, "Np.matvec", {}, [t3, rng.normal(size=(4,)).astype(dt)], jnp.matvec, wrt=(0, 1))
        case("vecmat " + dt, "Np.vecmat", {}, [rng.normal(size=(3,)).astype(dt), t3], jnp.vecmat, wrt=(0, 1))
        case("lexsort " + dt, "Np.lexsort", {}, [m[0].round(), m[1].round(), (m[2] > 0).astype(dt)],
             lambda *a: jnp.lexsort(a).astype(I32))
        sparse = np.where(rng.random((4, 6)) < 0.4, m, 0).astype(dt)
        for size in (3, 12):
            case("flatnonzero size=%d %s" % (size, dt), "Np.flatnonzero", {"size": size}, [sparse],
                 lambda a, size=size: jnp.flatnonzero(a, size=size, fill_value=-1).astype(I32))
            case("argwhere size=%d %s" % (size, dt), "Np.argwhere", {"size": size}, [sparse],
                 lambda a, size=size: jnp.argwhere(a, size=size, fill_value=-1).astype(I32))
        case("applyAlongAxis sum of squares " + dt, "Np.applyAlongAxis", {"axis": 0}, [m],
             lambda a: jnp.apply_along_axis(lambda r: jnp.sum(r * r), 0, a), wrt=(0,))
    for fn, f in (("Np.hamming", jnp.hamming), ("Np.hanning", jnp.hanning), ("Np.blackman", jnp.blackman),
                  ("Np.bartlett", jnp.bartlett)):
        for n in (1, 6, 9):
            case("%s %d" % (fn, n), fn, {"n": n}, [z], lambda _, f=f, n=n: f(n).astype(F32))
    case("geomspace 1..1000 7", "Np.geomspace", {}, [z], lambda _: jnp.geomspace(1, 1000, 7, dtype=F32))
    case("logspace 0..3 5 base 2", "Np.logspace", {}, [z], lambda _: jnp.logspace(0, 3, 5, base=2.0, dtype=F32))
    for n, k, mm in ((4, 0, 4), (3, 1, 5), (4, -1, 3)):
        for lower, fn, f in ((False, "Np.triuIndices", jnp.triu_indices), (True, "Np.trilIndices", jnp.tril_indices)):
            case("%s %d,%d,%d" % (fn, n, k, mm), fn, {"n": n, "k": k, "m": mm}, [z],
                 lambda _, f=f, n=n, k=k, mm=mm: [i.astype(I32) for i in f(n, k, mm)])
    for dt in FLOATS:
        m = rng.normal(size=(4, 6)).astype(dt)
        for kth in (0, 2, 5):
            case("partition kth=%d %s" % (kth, dt), "Np.partition", {"kth": kth, "axis": 1}, [m],
                 lambda a, kth=kth: jnp.partition(a, kth, axis=1))
            case("argpartition kth=%d %s" % (kth, dt), "Np.argpartition", {"kth": kth, "axis": 1}, [m],
                 lambda a, kth=kth: jnp.argpartition(a, kth, axis=1).astype(I32))
        case("angle " + dt, "Np.angle", {}, [corners(dt)], jnp.angle)
        case("histogram 5 bins " + dt, "Np.histogram", {"bins": 5}, [m], lambda a: jnp.histogram(a, 5))
        case("histogramBinEdges 4 " + dt, "Np.histogramBinEdges", {"bins": 4}, [m],
             lambda a: jnp.histogram_bin_edges(a, 4))
        case("gradient axis=1 " + dt, "Np.gradient", {"axis": 1}, [m], lambda a: jnp.gradient(a, axis=1), wrt=(0,))
        case("choose " + dt, "Np.choose", {}, [rng.integers(0, 3, (4, 6)).astype(I32), m, m * 2, -m],
             lambda i, *c: jnp.choose(i, c, mode="clip"))
        case("applyOverAxes sum 0,1 " + dt, "Np.applyOverAxes", {"axes": (0, 1)}, [m],
             lambda a: jnp.apply_over_axes(jnp.sum, a, (0, 1)), wrt=(0,))
        case("poly " + dt, "Np.poly", {}, [rng.normal(size=(4,)).astype(dt)], jnp.poly, wrt=(0,))
        ph = np.cumsum(rng.uniform(-4, 4, (3, 9)), axis=1).astype(dt)
        case("unwrap " + dt, "Np.unwrap", {"axis": 1}, [ph], lambda a: jnp.unwrap(a, axis=1), wrt=(0,))
        case("insert at 2 axis=1 " + dt, "Np.insert", {"index": 2, "axis": 1}, [m],
             lambda a: jnp.insert(a, 2, 9.5, axis=1))
        case("ix " + dt, "Np.ix", {}, [m[0], m[1, :3]], lambda *a: jnp.ix_(*a))
    sq = np.zeros((4, 4), F32)
    case("diagIndicesFrom (4,4)", "Np.diagIndicesFrom", {}, [sq], lambda a: [i.astype(I32) for i in jnp.diag_indices_from(a)])
    case("trilIndicesFrom k=1", "Np.trilIndicesFrom", {"k": 1}, [np.zeros((3, 5), F32)],
         lambda a: [i.astype(I32) for i in jnp.tril_indices_from(a, 1)])
    case("triuIndicesFrom k=-1", "Np.triuIndicesFrom", {"k": -1}, [np.zeros((3, 5), F32)],
         lambda a: [i.astype(I32) for i in jnp.triu_indices_from(a, -1)])
    idx = rng.integers(0, 5, (11,)).astype(I32)
    case("bincount length=6", "Np.bincount", {"n": 6}, [idx], lambda a: jnp.bincount(a, length=6).astype(I32))
    case("bincount weights", "Np.bincount", {"n": 6}, [idx, rng.normal(size=11).astype(F32)],
         lambda a, w: jnp.bincount(a, w, length=6))
    flat = rng.integers(0, 24, (7,)).astype(I32)
    case("unravelIndex (2,3,4)", "Np.unravelIndex", {"shape": (2, 3, 4)}, [flat],
         lambda a: [i.astype(I32) for i in jnp.unravel_index(a, (2, 3, 4))])
    case("ravelMultiIndex (2,3,4)", "Np.ravelMultiIndex", {"shape": (2, 3, 4)},
         [flat % 2, flat % 3, flat % 4], lambda a, b, c: jnp.ravel_multi_index((a, b, c), (2, 3, 4)).astype(I32))


def parse_index(spec, xs):
    """The index tuple of a spec like "@2,1:5:2,...,None" (@k: the k-th input as an array index)."""
    out = []
    for part in spec.split(","):
        part = part.strip()
        if part.startswith("@"):
            out.append(xs[int(part[1:])])
        elif part == "...":
            out.append(Ellipsis)
        elif part == "None":
            out.append(None)
        elif ":" in part:
            b = [int(v) if v.strip() else None for v in part.split(":")]
            out.append(slice(*b))
        else:
            out.append(int(part))
    return tuple(out)


def at_case(name, op, spec, inputs, wrt=(), **kw):
    """x.at[spec].<mode>(inputs[1]) (get: no values); inputs[0] is x."""
    def f(*xs):
        ref = xs[0].at[parse_index(spec, xs)]
        if op == "get":
            return ref.get(**kw)
        return getattr(ref, op)(xs[1], **kw)
    params = {"idx": spec}
    if "fill_value" in kw:
        params["fill"] = kw["fill_value"]
    case(name, "At." + op, params, inputs, f, wrt=wrt)


def indexing():
    rng = np.random.default_rng(20261207)  # its own stream: the other families' inputs stay as they were
    i32 = lambda *v: np.array(v, dtype=I32)
    for dt in FLOATS:
        x5 = rng.normal(size=(5,)).astype(dt)
        dup = i32(10, -1, -7, 1, 1, 3)
        u6 = rng.normal(size=(6,)).astype(dt)
        for mode in ("add", "set", "min", "max"):
            at_case("at[dup, oob].%s %s" % (mode, dt), mode, "@2", [x5, u6, dup], wrt=(0, 1))
        at_case("at[dup, oob].multiply %s" % dt, "multiply", "@2", [x5, u6, dup], wrt=(0,))
        uniq = i32(4, 0, -2)
        at_case("at[unique].multiply %s" % dt, "multiply", "@2", [x5, u6[:3], uniq], wrt=(0, 1),
                unique_indices=True)
        ties = np.array([2.0, 2.0, 0.5], dtype=dt)
        xt = np.array([0.0, 1.0, 2.0, 3.0, 4.0], dtype=dt)
        at_case("at[ties].max %s" % dt, "max", "@2", [xt, ties, i32(1, 1, 2)], wrt=(0, 1))
        at_case("at[ties].min %s" % dt, "min", "@2", [xt, -ties, i32(1, 1, 2)], wrt=(0, 1))
        at_case("at[oob].get clamps %s" % dt, "get", "@1", [x5, i32(10, -1, -7, 2)], wrt=(0,))
        at_case("at[oob].get fill %s" % dt, "get", "@1", [x5, i32(10, -1, -7, 2)], mode="fill", fill_value=-9.5)
        m = rng.normal(size=(4, 6)).astype(dt)
        at_case("at[int, slice].add %s" % dt, "add", "@2,1:6:2", [m, rng.normal(size=(3,)).astype(dt),
                                                                    i32(0, 3, 0)], wrt=(0, 1))
        at_case("at[int, slice].set %s" % dt, "set", "@2,1:6:2", [m, rng.normal(size=(2, 3)).astype(dt),
                                                                    i32(2, -1)], wrt=(0, 1))
        at_case("at[slice, step].set scalar %s" % dt, "set", "::2,-1", [m, np.array(7.5, dtype=dt)], wrt=(0, 1))
        at_case("at[negative step].add %s" % dt, "add", "3:0:-2,2:", [m, rng.normal(size=(2, 4)).astype(dt)],
                wrt=(0, 1))
        t = rng.normal(size=(3, 4, 5)).astype(dt)
        at_case("at[:, a, b] adjacent set %s" % dt, "set", ":,@2,@3",
                [t, rng.normal(size=(3, 2, 2)).astype(dt), i32(0, 3), i32([1], [4]).reshape(2, 1)], wrt=(0, 1))
        at_case("at[a, :, b] apart add %s" % dt, "add", "@2,:,@3",
                [t, rng.normal(size=(3, 4)).astype(dt), i32(0, 2, 2), i32(4, -1, 0)], wrt=(0, 1))
        at_case("at[1, ..., a] get %s" % dt, "get", "1,...,@1", [t, i32(0, 4, 4)], wrt=(0,))
        at_case("at[a, None] get %s" % dt, "get", "@1,None", [m, i32(3, 1)], wrt=(0,))
        at_case("at[2d index].add %s" % dt, "add", "@2", [m, rng.normal(size=(2, 2, 6)).astype(dt),
                                                         i32(0, 1, 1, 3).reshape(2, 2)], wrt=(0, 1))
        mask = m > 0.3
        at_case("at[mask].set %s" % dt, "set", "@2", [m, np.array(0.0, dtype=dt), mask], wrt=(0,))
        at_case("at[mask rows].add %s" % dt, "add", "@2", [m, rng.normal(size=(6,)).astype(dt),
                                                           np.array([True, False, True, True])], wrt=(0, 1))
        case("index mask " + dt, "Np.index", {"idx": "@1"}, [m, mask], lambda a, k: a[k], wrt=(0,))
        case("index int arrays " + dt, "Np.index", {"idx": "@1,@2"}, [m, i32(0, 3, -1), i32(5, 0, 2)],
             lambda a, i, j: a[i, j], wrt=(0,))
        idx = i32(10, -1, -7, 2, 0)
        for mode in ("fill", "clip", "wrap"):
            case("take %s %s" % (mode, dt), "Np.take", {"mode": mode, "axis": "none"}, [m, idx],
                 lambda a, i, mode=mode: jnp.take(a, i, mode=mode), wrt=(0,))
            case("take axis=1 %s %s" % (mode, dt), "Np.take", {"mode": mode, "axis": 1}, [m, idx],
                 lambda a, i, mode=mode: jnp.take(a, i, axis=1, mode=mode), wrt=(0,))
        ia = np.array([[6, -1, 0, 2, -7, 1]] * 4, dtype=I32)
        for mode in ("fill", "clip"):
            case("takeAlongAxis %s %s" % (mode, dt), "Np.takeAlongAxis", {"mode": mode, "axis": 1}, [m, ia],
                 lambda a, i, mode=mode: jnp.take_along_axis(a, i, axis=1, mode=mode), wrt=(0,))
        data = rng.normal(size=(7, 3)).astype(dt)
        ids = i32(0, 2, 2, -1, 4, 0, 9)
        for op in ("sum", "max", "min", "prod"):
            fn = getattr(jax.ops, "segment_" + op)
            case("segment_%s %s" % (op, dt), "Ops.segment" + op.capitalize(), {"n": 5}, [data, ids],
                 lambda d, i, fn=fn: fn(d, i, num_segments=5), wrt=(0,) if op in ("sum", "max") else ())
    iv = np.arange(5, dtype=I32) * 10
    for mode in ("add", "set", "min", "max", "multiply"):
        at_case("at[dup, oob].%s int32" % mode, mode, "@2", [iv, i32(3, -4, 5, 6, 7, 8), i32(10, -1, -7, 1, 1, 3)])
    case("take fill int32", "Np.take", {"mode": "fill", "axis": "none"}, [iv, i32(9, -1, -6)],
         lambda a, i: jnp.take(a, i))
    case("segment_min int32", "Ops.segmentMin", {"n": 3}, [i32(2, 3, 4), i32(0, 0, 1)],
         lambda d, i: jax.ops.segment_min(d, i, num_segments=3))


def bessel_nextafter_unique():
    """i0e/i1e/i0/i1, nextafter and unique (issue 14's last pieces); its own stream of inputs."""
    rng = np.random.default_rng(20261208)
    wide = [0.0, -0.0, 1e-30, -1e-30, 1e-8, -1e-8, 1e-3, 0.5, -0.5, 1.0, 3.0, 7.99, 8.0, -8.0, 8.01, 20.0, -20.0,
            85.0, 100.0, 700.0, -700.0, 1e3, 1e4, -1e4, np.inf, -np.inf, np.nan]
    for fn, f in (("Special.i0e", jss.i0e), ("Special.i1e", jss.i1e)):
        for dt in FLOATS:
            x = np.concatenate([np.array(wide), rng.uniform(-30, 30, 24)]).astype(dt)
            case("%s %s corners" % (fn, dt), fn, {}, [x], f)
            g = rng.uniform(-12, 12, (3, 5))
            g[np.abs(g) < 0.05] += 0.1
            case("%s %s grad" % (fn, dt), fn, {}, [g.astype(dt)], f, wrt=(0,))
            case("%s %s grad at 0 and tiny" % (fn, dt), fn, {}, [np.array([0.0, 1e-12, -1e-12, 1e-30], dt)], f,
                 wrt=(0,))
    for fn, f in (("Special.i0", jss.i0), ("Special.i1", jss.i1)):
        for dt in FLOATS:
            x = np.concatenate([np.array(wide[:19] + [np.inf, -np.inf, np.nan]), rng.uniform(-20, 20, 16)]).astype(dt)
            case("%s %s corners" % (fn, dt), fn, {}, [x], f)
            g = rng.uniform(-6, 6, (3, 5))
            g[np.abs(g) < 0.05] += 0.1
            case("%s %s grad" % (fn, dt), fn, {}, [g.astype(dt)], f, wrt=(0,))
    for dt in FLOATS:
        fi = np.finfo(dt)
        tiny = fi.smallest_subnormal
        v = np.array([0.0, -0.0, tiny, -tiny, 2 * tiny, fi.tiny, -fi.tiny, fi.tiny - tiny, 1.0, -1.0, 2.0, 0.5,
                      1.0 / 3, fi.max, -fi.max, np.inf, -np.inf, np.nan], dtype=dt)
        d = np.array([-np.inf, -1.0, -0.0, 0.0, 1.0, np.inf, np.nan], dtype=dt)
        a = np.repeat(v, len(d) + 1)
        b = np.concatenate([np.concatenate([d, [x]]) for x in v]).astype(dt)
        # XLA:CPU compares with subnormals read as zero, so JAX returns y for a subnormal x and a
        # zero y (C's nextafter steps toward zero); those pairs are left to Kiln's own tests
        # (DecompositionsTest, against Math.nextAfter)
        keep = ~((np.abs(a) < fi.tiny) & (a != 0) & ((b == 0) | ((np.abs(b) < fi.tiny) & (b != 0))))
        a, b = a[keep], b[keep]
        case("nextafter edges " + dt, "Np.nextafter", {}, [a, b], jnp.nextafter)
        case("nextafter lax edges " + dt, "Lax.nextafter", {}, [a, b], jax.lax.nextafter)
        x = rng.normal(size=(3, 4)).astype(dt) * 10
        y = rng.normal(size=(4,)).astype(dt)
        case("nextafter broadcast " + dt, "Np.nextafter", {}, [x, y], jnp.nextafter)
    c = mg.float_corners(F32)
    case("nextafter float32 corner pairs", "Np.nextafter", {}, [np.repeat(c, len(c)), np.tile(c, len(c))],
         jnp.nextafter)
    case("nextafter float32 with float64", "Np.nextafter", {}, [v.astype(F32), np.full(v.shape, 0.25, F64)],
         jnp.nextafter)

    def uparams(size=None, fill=None, index=False, inverse=False, counts=False, equal_nan=True):
        return {"size": size, "fill": fill, "index": index, "inverse": inverse, "counts": counts,
                "equalNan": equal_nan}

    def ucase(name, x, **kw):
        fill = kw.get("fill")

        def f(a):
            r = jnp.unique(a, return_index=kw.get("index", False), return_inverse=kw.get("inverse", False),
                           return_counts=kw.get("counts", False), equal_nan=kw.get("equal_nan", True),
                           size=kw.get("size"), fill_value=fill)
            r = r if isinstance(r, tuple) else (r,)
            return [r[0]] + [i.astype(I32) for i in r[1:]]
        case(name, "Np.unique", uparams(**kw), [x], f)

    for dt in FLOATS:
        x = rng.integers(-3, 4, (4, 5)).astype(dt)
        x[0, 1] = np.nan
        x[2, 2] = np.nan
        x[1, 3] = -0.0
        ucase("unique " + dt, x)
        ucase("unique all outputs " + dt, x, index=True, inverse=True, counts=True)
        ucase("unique equal_nan=False " + dt, x, index=True, inverse=True, counts=True, equal_nan=False)
        for size in (3, 12):
            ucase("unique size=%d fill=-9 %s" % (size, dt), x, size=size, fill=-9, index=True, inverse=True,
                  counts=True)
        ucase("unique size=10 no fill " + dt, x, size=10, index=True, counts=True)
        g = rng.integers(0, 4, (7,)).astype(dt) + 0.5
        case("unique size=6 grad " + dt, "Np.unique", uparams(size=6, fill=0), [g],
             lambda a: jnp.unique(a, size=6, fill_value=0), wrt=(0,))
        m = rng.integers(0, 3, (3, 5)).astype(dt)
        case("unique vmap rows " + dt, "Np.uniqueRows", {"size": 4, "fill": -1}, [m],
             lambda a: jax.vmap(lambda r: jnp.unique(r, size=4, fill_value=-1))(a))
        for fn, f in (("Np.uniqueValues", jnp.unique_values), ("Np.uniqueCounts", jnp.unique_counts),
                      ("Np.uniqueInverse", jnp.unique_inverse), ("Np.uniqueAll", jnp.unique_all)):
            def h(a, f=f):
                r = f(a)
                r = list(r) if isinstance(r, tuple) else [r]
                return [r[0]] + [i.astype(I32) for i in r[1:]]
            case("%s %s" % (fn, dt), fn, {}, [x], h)
    iv = rng.integers(-4, 5, (9,)).astype(I32)
    ucase("unique int32", iv, index=True, inverse=True, counts=True)
    ucase("unique int32 size=12 fill=100", iv, size=12, fill=100, index=True, inverse=True, counts=True)


def main():
    nn()
    more()
    sorting()
    special()
    elementwise()
    reductions()
    shapes()
    indexing()
    bessel_nextafter_unique()
    mg.write_lines("breadth", "golden values for Kiln's breadth family", "make_breadth_goldens.py", LINES)


if __name__ == "__main__":
    main()
